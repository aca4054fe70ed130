// The estimator's module Web Worker: loads Pyodide and the calculator wheel from this site
// (URLs come from the page, built from import.meta.url), then answers each
// {type: "estimate", id, text} with calculator.estimate_json(text) — JSON text in, JSON text out.

let estimateJson = null;
let settle;
const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
ready.catch(() => {}); // reported to the page by init(); estimates then fail one by one

const post = (message) => self.postMessage(message);

self.onmessage = async ({ data: message }) => {
  if (message.type === "init") {
    init(message);
  } else if (message.type === "estimate") {
    try {
      await ready;
      post({ type: "result", id: message.id, text: estimateJson(message.text) });
    } catch (error) {
      post({ type: "crash", id: message.id, message: String(error && error.message || error) });
    }
  }
};

async function init({ indexURL, lockFileURL, packageBaseUrl, packages }) {
  try {
    const started = performance.now();
    const { loadPyodide } = await import(indexURL + "pyodide.mjs");
    post({ type: "progress", stage: "runtime" });
    const pyodide = await loadPyodide({
      indexURL,
      lockFileURL,
      packageBaseUrl, // also keeps Pyodide's CDN fallback (cdnUrl) unused
      stdout: () => {},
      stderr: (text) => console.warn(text),
    });
    post({ type: "progress", stage: "package" });
    const failures = [];
    // A wrong sha256 does not reject loadPackage: it reports through errorCallback.
    await pyodide.loadPackage(packages, { messageCallback: () => {}, errorCallback: (text) => failures.push(text) });
    if (failures.length) throw new Error(failures.join("; "));
    const calculator = pyodide.pyimport("calculator");
    const estimate = calculator.estimate_json;
    estimateJson = (text) => estimate(text);
    calculator.regions().destroy(); // loads the policy bundle now, not on the first estimate
    settle.resolve();
    post({ type: "ready", version: calculator.__version__, python: pyodide.version, ms: performance.now() - started });
  } catch (error) {
    settle.reject(error);
    post({ type: "failed", message: String(error && error.message || error) });
  }
}
