// Registers the estimator's service worker (the site root's sw.js: it keeps the estimator
// working offline after one visit). Loaded by the estimator pages only, so guide pages never
// trigger the download of the Python runtime. Registration waits until the estimator is ready
// (or has failed): the worker's install then reads the runtime from the HTTP cache instead of
// competing with the first load for the network.
if ("serviceWorker" in navigator) {
  const root = new URL("../../", import.meta.url); // assets/estimator/ → the site root
  const register = () => {
    navigator.serviceWorker
      .register(new URL("sw.js", root), { scope: root.href, updateViaCache: "none" })
      .catch((error) => console.warn("offline use unavailable:", error));
  };
  const started = () => (window.yibao && window.yibao.ready) || Promise.resolve();
  const whenLoaded = document.readyState === "complete" ? Promise.resolve() : new Promise((r) => addEventListener("load", r, { once: true }));
  whenLoaded.then(() => started()).then(register, register);
}
