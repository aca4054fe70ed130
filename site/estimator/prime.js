// A short-lived module worker that leaves Pyodide's JavaScript compiled on the reader's device,
// so that the estimator's next start does not compile it again. Started by the page
// (calculator.js primeCompiledCode) when a new version of the service worker has taken over, with
// the runtime's addresses as its name (JSON, as worker.js); it says "primed" and is stopped.
//
// Why: Chromium keeps compiled code for a script with the cached response it came from, but only
// from the second time it compiles that response: the first use marks it, the second stores
// the code, later ones use it. The service worker's cache holds new responses, so without this
// the first start after an install compiled pyodide.asm.mjs (1.25 MB) and Pyodide's module
// factory again (~70 ms and ~100-200 ms on this machine) and stored only the module's top level
// (20 KB in Chromium's trace). Importing the two modules and running the factory until it asks
// for the WebAssembly is the second use, and the code stored then holds the factory too
// (707 KB); importing the modules alone would not (measured: the factory stayed slow).

const { indexURL, lockFileURL, packageBaseUrl } = JSON.parse(self.name);
const [{ loadPyodide }, asm] = await Promise.all([import(indexURL + "pyodide.mjs"), import(indexURL + "pyodide.asm.mjs")]);

/** Pyodide's module factory, stopped where it would instantiate the WebAssembly (an
 * `instantiateWasm` that never calls back leaves Emscripten waiting; the page then stops this
 * worker). */
const createPyodideModule = (settings) => {
  settings.instantiateWasm = () => {
    self.postMessage("primed");
    return {};
  };
  return asm.default(settings);
};

loadPyodide({ indexURL, lockFileURL, packageBaseUrl, createPyodideModule, stdout: () => {}, stderr: () => {} })
  .catch((error) => self.postMessage(`failed: ${error && error.message || error}`));
