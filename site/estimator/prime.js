// A short-lived module worker that leaves Pyodide's JavaScript compiled on the reader's device.
// Chromium stores a script's compiled code with its cached response only the second time it
// compiles that response; after an install the service worker's cache holds new responses, so the
// page (calculator.js primeCompiledCode) has this worker compile them once: it imports Pyodide's
// two modules and runs the module factory up to the wasm, says "primed" and is stopped
// (bench/README.md: the factory's code is kept only that way).

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
