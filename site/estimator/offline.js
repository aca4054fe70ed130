// Registers the estimator's service worker (the site root's sw.js: it keeps the estimator
// working offline after one visit). Loaded by the estimator pages only, so guide pages never
// trigger the download of the Python runtime. Registration waits until the estimator is ready
// (or has failed): the worker's install then reads the runtime from the HTTP cache instead of
// competing with the first load for the network. A visit to a page it already controls also
// asks the server for sw.js (a few KB): registering the same script again does not, and the
// browser's own check after a navigation may come late or not at all, so a new build would
// wait. When sw.js has changed, the new version installs beside the old one (see sw.js).
if ("serviceWorker" in navigator) {
  const root = new URL("../../", import.meta.url); // assets/estimator/ → the site root
  const register = async () => {
    try {
      const registration = await navigator.serviceWorker.register(new URL("sw.js", root), { scope: root.href, updateViaCache: "none" });
      if (registration.active && !registration.installing && !registration.waiting) await registration.update();
    } catch (error) {
      if (navigator.onLine) console.warn("offline use unavailable:", error);
    }
  };
  const started = () => (window.yibao && window.yibao.ready) || Promise.resolve();
  const whenLoaded = document.readyState === "complete" ? Promise.resolve() : new Promise((r) => addEventListener("load", r, { once: true }));
  whenLoaded.then(() => started()).then(register, register);
}
