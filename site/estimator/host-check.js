// What a host must get right for the estimator to start, checked on the responses themselves:
// every file is there (HTTP 200) and scripts and WebAssembly come with the types browsers
// require. Used by the worker on its own downloads and, when a start fails or takes too long,
// by the page (calculator.js), which words the problems for the reader (labels.yaml `host_*`).

/** The Content-Type a browser requires for `url`, or null when any type will do. */
export function expectedType(url) {
  const path = new URL(url).pathname;
  if (/\.m?js$/.test(path)) return "text/javascript";
  if (path.endsWith(".wasm")) return "application/wasm";
  return null;
}

const JAVASCRIPT = /^(text|application)\/(x-)?(javascript|ecmascript)$/;

/** Whether `type` (a Content-Type header) is what `expected` asks for. */
export function typeMatches(type, expected) {
  const bare = (type || "").split(";")[0].trim().toLowerCase();
  return expected === "text/javascript" ? JAVASCRIPT.test(bare) : bare === expected;
}

const fileName = (url) => decodeURIComponent(new URL(url).pathname.split("/").pop());

/** The problem with one response, or null: {file, url, status} or {file, url, type, expected}. */
export function responseProblem(url, response) {
  if (!response.ok) return { file: fileName(url), url, status: response.status };
  const expected = expectedType(url);
  const type = response.headers.get("Content-Type") || "";
  if (expected && !typeMatches(type, expected)) return { file: fileName(url), url, type: type || "(none)", expected };
  return null;
}

/** A start that failed because of how the files are served; `problems` as responseProblem's, or
 * {file, url, corrupt} (served, but not usable) or {file, url, unreachable}. */
export class HostError extends Error {
  constructor(problems) {
    const one = (p) => (p.status ? `${p.file}: HTTP ${p.status}` : p.expected ? `${p.file}: served as ${p.type}, not ${p.expected}`
      : p.corrupt ? `${p.file}: not the build's file (truncated or altered)` : `${p.file}: not reachable`);
    super(problems.map(one).join("; "));
    this.problems = problems;
  }
}

/** Ask the server for `url` (HEAD; GET stopped after its headers where HEAD is refused). */
async function probe(url) {
  try {
    let response = await fetch(url, { method: "HEAD", cache: "no-store" });
    if (response.status === 405 || response.status === 501) {
      const stop = new AbortController();
      response = await fetch(url, { cache: "no-store", signal: stop.signal });
      stop.abort();
    }
    return responseProblem(url, response);
  } catch {
    return { file: fileName(url), url, unreachable: true };
  }
}

/** The problems of every file the worker needs: its own modules, Pyodide's files, the lock and
 * the wheels it lists. `workerURL` is worker.js; `runtime` the worker's addresses. */
export async function checkHost(workerURL, runtime) {
  const here = (name) => new URL(name, workerURL).href;
  const urls = [workerURL, here("snapshot.js"), here("host-check.js"), runtime.lockFileURL,
    ...["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "SHA256SUMS"].map((name) => runtime.indexURL + name)];
  try {
    const lock = await (await fetch(runtime.lockFileURL, { cache: "no-store" })).json();
    for (const name of runtime.packages) if (lock.packages[name]) urls.push(new URL(lock.packages[name].file_name, runtime.packageBaseUrl).href);
  } catch {
    // the lock's own problem is reported below
  }
  return (await Promise.all(urls.map(probe))).filter(Boolean);
}
