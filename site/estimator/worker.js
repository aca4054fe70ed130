// The estimator's module Web Worker: loads Pyodide and the calculator wheel from this site, then
// answers each {type: "estimate", id, text} with calculator.estimate_json(text) — JSON text in,
// JSON text out. The runtime's addresses come from the page as the worker's name (JSON), so it
// starts without waiting for the page's thread. A first start leaves a memory snapshot on the
// device (snapshot.js); later starts restore it instead of importing the calculator again.
//
// The runtime's big files are downloaded here, first thing, and handed to Pyodide when it asks
// (no preload hint: a browser whose HTTP cache cannot hold the 9.6 MB wasm fetched it twice),
// checked as they arrive (a missing file or a wrong type fails at once, naming it: host-check.js),
// and on a fresh start kept for the service worker's install, which would fetch them again.

const RUNTIME = JSON.parse(self.name);
const ROOT = new URL("../../", self.location.href).href; // assets/estimator/ → the site root
const networkFetch = self.fetch.bind(self);
const early = new Map(); // url → the response's promise, until Pyodide asks for it
for (const name of ["pyodide.asm.wasm", "python_stdlib.zip", "SHA256SUMS"]) early.set(RUNTIME.indexURL + name, networkFetch(RUNTIME.indexURL + name));
early.set(RUNTIME.lockFileURL, networkFetch(RUNTIME.lockFileURL));
for (const response of early.values()) response.catch(() => {}); // awaited in startPython
/** Pyodide's own fetch of a file downloaded above gets that download (once). */
self.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input), self.location.href).href;
  const response = early.get(url);
  early.delete(url);
  return response || networkFetch(input, init);
};
// Pyodide swallows a failed compile of its wasm (a truncated or altered file) and then waits for
// ever: the failure is recorded here and ends the start (startPython).
let wasmFailed;
const wasmFailure = new Promise((resolve, reject) => { wasmFailed = reject; });
wasmFailure.catch(() => {});
for (const name of ["instantiateStreaming", "instantiate"]) {
  const original = WebAssembly[name];
  WebAssembly[name] = (...args) => original.apply(WebAssembly, args).catch((error) => {
    wasmFailed(error);
    throw error;
  });
}
const hostCheck = import("./host-check.js");
const snapshots = import("./snapshot.js");

let estimateJson = null;
let settle;
const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
ready.catch(() => {}); // reported to the page by init(); estimates then fail one by one

const post = (message) => self.postMessage(message);

self.onmessage = async ({ data: message }) => {
  if (message.type === "estimate") {
    try {
      await ready;
      post({ type: "result", id: message.id, text: estimateJson(message.text) });
    } catch (error) {
      post({ type: "crash", id: message.id, message: String(error && error.message || error) });
    }
  }
};

// Material's search worker on this page waits until this one has started (search-later.js). The
// page names the channel (`started` in the runtime), its own: another tab's estimator is silent.
let announceStarted = () => {};
function answerSearch(name) {
  if (!name) return;
  const channel = new BroadcastChannel(name);
  let started = false;
  channel.onmessage = ({ data }) => { if (data === "asked" && started) channel.postMessage("started"); };
  announceStarted = () => {
    started = true;
    channel.postMessage("started");
  };
}

/** The response for `url`, once it is known to be served right: else a HostError naming the file
 * and its status or type. A wasm served with another type is relabelled (Pyodide's streaming
 * compile would refuse it and hang), with a warning for the host. */
async function served(url, response) {
  const { HostError, responseProblem } = await hostCheck;
  let problem;
  try {
    problem = responseProblem(url, await response);
  } catch {
    throw new HostError([{ file: url.split("/").pop(), url, unreachable: true }]);
  }
  if (problem && problem.expected === "application/wasm") {
    console.warn(`${problem.file} is served as ${problem.type}: a host should serve .wasm as application/wasm`);
    const r = await response;
    const headers = new Headers(r.headers);
    headers.set("Content-Type", "application/wasm");
    return new Response(r.body, { status: r.status, statusText: r.statusText, headers });
  }
  if (problem) throw new HostError([problem]);
  return response;
}

/** The wasm was served but could not be compiled: a HostError naming it. */
async function unusable(error) {
  const { HostError } = await hostCheck;
  console.warn(error);
  throw new HostError([{ file: "pyodide.asm.wasm", url: RUNTIME.indexURL + "pyodide.asm.wasm", corrupt: true }]);
}

/** Import Pyodide's module `name`; when that fails, find out whether the host is the cause. */
async function importRuntime(name) {
  try {
    return await import(RUNTIME.indexURL + name);
  } catch (error) {
    const { HostError, checkHost } = await hostCheck;
    const problems = (await checkHost(self.location.href, RUNTIME)).filter((p) => p.file === name);
    throw problems.length ? new HostError(problems) : error;
  }
}

/** Keep this start's downloads of `urls` (their responses, `copies`) in a cache the service
 * worker's install reads before the network (sw.js): a browser whose HTTP cache cannot hold the
 * wasm would otherwise download it once more. Never fails the start. */
async function keepForServiceWorker(copies) {
  if (!copies.size) return;
  try {
    const cache = await caches.open(`yibao-fetched ${new URL(ROOT).pathname}`);
    await Promise.all([...copies].map(([url, response]) => cache.put(url, response)));
  } catch (error) {
    console.warn("downloads not kept for offline use:", error);
  }
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Unpack the wheel of package `name` into site-packages, once its bytes have the sha256 the
 * lock file gives. (Not pyodide.loadPackage: it leaves a JavaScript object referenced from
 * Python, and such memory cannot be snapshotted.) */
async function installWheel(pyodide, lock, name) {
  const entry = lock.packages[name];
  if (!entry) throw new Error(`${name} is not in pyodide-lock.json`);
  const url = new URL(entry.file_name, RUNTIME.packageBaseUrl).href;
  const response = await served(url, fetch(url));
  const bytes = new Uint8Array(await response.arrayBuffer());
  const actual = await sha256Hex(bytes);
  if (actual !== entry.sha256) throw new Error(`${entry.file_name}: sha256 ${actual}, expected ${entry.sha256} (pyodide-lock.json)`);
  const sitePackages = pyodide.runPython("import sys\nnext(p for p in sys.path if p.endswith('site-packages'))");
  pyodide.unpackArchive(bytes, "wheel", { extractDir: sitePackages });
}

const IMPORT_EVERYTHING = `
import importlib, os, calculator
for name in sorted(os.listdir(calculator.__path__[0])):
    stem, ext = os.path.splitext(name)
    if ext in (".py", ".pyc") and stem != "__init__":
        importlib.import_module("calculator." + stem)
calculator.regions()
`;

/** Pyodide with the calculator imported and its policy bundle loaded. From this device's
 * snapshot when there is one for this very runtime and wheel (see snapshot.js); else started
 * afresh, and then `snapshot` is the function that stores one for the next visit. */
async function startPython() {
  const { indexURL, lockFileURL, packages } = RUNTIME;
  const { dropSnapshots, readSnapshot, snapshotKey, storeSnapshot } = await snapshots;
  // The downloads started above, checked as their headers arrive; the checksums and the lock
  // name the stored snapshot, read while Pyodide's modules load.
  const big = ["pyodide.asm.wasm", "python_stdlib.zip"].map((name) => indexURL + name);
  const checked = new Map(big.map((url) => [url, served(url, early.get(url))]));
  const text = async (url) => (await served(url, fetch(url))).text();
  const texts = Promise.all([text(indexURL + "SHA256SUMS"), text(lockFileURL)]);
  const found = texts.then(async ([sums, lock]) => {
    const key = await snapshotKey(ROOT, sums, lock).catch(() => null);
    return { key, stored: key && (await readSnapshot(ROOT, key)) };
  });
  const [{ loadPyodide }, asm, [, lockText], { key, stored }, responses] = await Promise.all([
    importRuntime("pyodide.mjs"), importRuntime("pyodide.asm.mjs"), texts, found, Promise.all(checked.values())]);
  // Pyodide asks for the checked responses; a fresh start keeps a copy of each for sw.js.
  const copies = new Map();
  big.forEach((url, i) => {
    early.set(url, Promise.resolve(responses[i]));
    if (!stored) copies.set(url, responses[i].clone());
  });
  const kept = keepForServiceWorker(copies);
  post({ type: "progress", stage: "runtime" });
  const lock = JSON.parse(lockText);
  const options = {
    indexURL,
    createPyodideModule: asm.default, // Pyodide's own option for a module imported by the caller
    lockFileContents: lock,
    packageBaseUrl: RUNTIME.packageBaseUrl, // also keeps Pyodide's CDN fallback (cdnUrl) unused
    stdout: () => {},
    stderr: (line) => console.warn(line),
  };
  let pyodide = null;
  if (stored) {
    try {
      pyodide = await Promise.race([loadPyodide({ ...options, _loadSnapshot: stored }), wasmFailure.catch(unusable)]);
    } catch (error) {
      console.warn("snapshot not usable, starting afresh:", error);
      await dropSnapshots(ROOT);
      for (const url of big) if (!early.has(url)) early.set(url, served(url, networkFetch(url)));
    }
  }
  const fresh = !pyodide;
  if (fresh) pyodide = await Promise.race([loadPyodide({ ...options, _makeSnapshot: Boolean(key) }), wasmFailure.catch(unusable)]);
  post({ type: "progress", stage: "package" });
  if (fresh) {
    for (const name of packages) await installWheel(pyodide, lock, name);
    // Every module of the wheel imported and the policy bundle loaded, by Python itself (no
    // JavaScript object is held from Python, so the memory can be snapshotted): a start from the
    // snapshot then needs none of the wheel's files.
    pyodide.runPython(IMPORT_EVERYTHING);
  }
  await kept;
  const snapshot = fresh && key ? () => storeSnapshot(ROOT, key, pyodide.makeMemorySnapshot()) : null;
  return { pyodide, snapshot, restored: !fresh };
}

async function init() {
  try {
    const since = performance.now();
    answerSearch(RUNTIME.started);
    const { pyodide, snapshot, restored } = await startPython();
    const calculator = pyodide.pyimport("calculator");
    const estimate = calculator.estimate_json;
    estimateJson = (text) => estimate(text);
    settle.resolve();
    post({ type: "ready", version: calculator.__version__, python: pyodide.version, restored, ms: performance.now() - since });
    announceStarted();
    // After the reader's first estimate has had its turn: the snapshot copies the whole memory.
    if (snapshot) setTimeout(snapshot, 1000);
  } catch (error) {
    settle.reject(error);
    post({ type: "failed", message: String(error && error.message || error), problems: error && error.problems });
    announceStarted();
  }
}

init();
