// The estimator page's first script (site/overrides/estimate.html: first in <head>, neither
// deferred nor async): it starts the Python worker before the page's styles and scripts load and
// are laid out (a module script, even async, runs only after the first layout on a busy phone).
// What the worker says before calculator.js arrives is kept in `early` and replayed there.
// The page gives the site root and the runtime's paths in data- attributes (no inline script:
// the Content-Security-Policy allows none).
(() => {
  if (!window.Worker) return;
  const script = document.currentScript;
  const root = new URL(script.dataset.root, location.href);
  const paths = JSON.parse(script.dataset.runtime);
  // The runtime's addresses travel in the worker's name, so that it starts on its own as soon
  // as its modules have loaded: a message would wait for this page's thread, busy laying out.
  const runtime = {
    indexURL: new URL(paths.pyodide, root).href,
    lockFileURL: new URL(paths.packages + "pyodide-lock.json", root).href,
    packageBaseUrl: new URL(paths.packages, root).href,
    packages: [paths.package],
    // this page's channel on which the worker tells Material's search worker it has started
    started: "yibao-estimator-started " + Math.random().toString(36).slice(2) + Date.now().toString(36),
  };
  const worker = new Worker(new URL("worker.js", script.src), { type: "module", name: JSON.stringify(runtime) });
  const early = [];
  worker.onmessage = worker.onerror = (event) => { early.push(event); };
  window.__yibaoWorker = { worker, early, runtime, started: runtime.started };
  // Preload hints for the runtime files fill the HTTP cache while the worker is still
  // importing its modules: on a first visit only. Where the service worker answers, the
  // files come from its cache already, and a preload would read each of them twice.
  if (navigator.serviceWorker && navigator.serviceWorker.controller) return;
  for (const file of JSON.parse(script.dataset.preload)) {
    const link = Object.assign(document.createElement("link"), { rel: "preload", as: "fetch", crossOrigin: "anonymous" });
    link.href = new URL(file, root).href;
    document.head.appendChild(link);
  }
})();
