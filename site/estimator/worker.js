// The estimator's module Web Worker: loads Pyodide and the calculator wheel from this site, then
// answers each {type: "estimate", id, text} with calculator.estimate_json(text) — JSON text in,
// JSON text out. The runtime's addresses come from the page as the worker's name (JSON): it
// starts as soon as its modules have loaded, not when the page's thread is free to post to it.
// A reader's first start leaves a memory snapshot on the device (snapshot.js); later starts
// restore it instead of starting CPython and importing the calculator again.

import { dropSnapshots, readSnapshot, snapshotKey, storeSnapshot } from "./snapshot.js";

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

const ROOT = new URL("../../", self.location.href).href; // assets/estimator/ → the site root

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

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Unpack the wheel of package `name` into site-packages, once its bytes have the sha256 the
 * lock file gives. (Not pyodide.loadPackage: it leaves a JavaScript object referenced from
 * Python, and such memory cannot be snapshotted.) */
async function installWheel(pyodide, lock, packageBaseUrl, name) {
  const entry = lock.packages[name];
  if (!entry) throw new Error(`${name} is not in pyodide-lock.json`);
  const url = new URL(entry.file_name, packageBaseUrl).href;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
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
async function startPython({ indexURL, lockFileURL, packageBaseUrl, packages }) {
  // Everything that does not depend on something else is fetched at once: the loader, the
  // Emscripten module it would import only later, the runtime's checksums and the lock file;
  // the stored snapshot is read as soon as those two name it, while the modules still load.
  const texts = Promise.all([fetchText(indexURL + "SHA256SUMS"), fetchText(lockFileURL)]);
  const found = texts.then(async ([sums, lock]) => {
    const key = await snapshotKey(ROOT, sums, lock).catch(() => null);
    return { key, stored: key && (await readSnapshot(ROOT, key)) };
  });
  const [{ loadPyodide }, asm, [, lockText], { key, stored }] = await Promise.all([
    import(indexURL + "pyodide.mjs"), import(indexURL + "pyodide.asm.mjs"), texts, found]);
  post({ type: "progress", stage: "runtime" });
  const lock = JSON.parse(lockText);
  const options = {
    indexURL,
    createPyodideModule: asm.default, // Pyodide's own option for a module imported by the caller
    lockFileContents: lock,
    packageBaseUrl, // also keeps Pyodide's CDN fallback (cdnUrl) unused
    stdout: () => {},
    stderr: (text) => console.warn(text),
  };
  let pyodide = null;
  if (stored) {
    try {
      pyodide = await loadPyodide({ ...options, _loadSnapshot: stored });
    } catch (error) {
      console.warn("snapshot not usable, starting afresh:", error);
      await dropSnapshots(ROOT);
    }
  }
  const fresh = !pyodide;
  if (fresh) pyodide = await loadPyodide({ ...options, _makeSnapshot: Boolean(key) });
  post({ type: "progress", stage: "package" });
  if (fresh) {
    for (const name of packages) await installWheel(pyodide, lock, packageBaseUrl, name);
    // Every module of the wheel imported and the policy bundle loaded, by Python itself (no
    // JavaScript object is held from Python, so the memory can be snapshotted): a start from the
    // snapshot then needs none of the wheel's files, and the wheel is not unpacked again (its
    // sha256 is in the lock file the snapshot's key is made from).
    pyodide.runPython(IMPORT_EVERYTHING);
  }
  const snapshot = fresh && key ? () => storeSnapshot(ROOT, key, pyodide.makeMemorySnapshot()) : null;
  return { pyodide, snapshot, restored: !fresh };
}

async function init(name) {
  try {
    const since = performance.now();
    const runtime = JSON.parse(name);
    answerSearch(runtime.started);
    const { pyodide, snapshot, restored } = await startPython(runtime);
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
    post({ type: "failed", message: String(error && error.message || error) });
    announceStarted();
  }
}

init(self.name);
