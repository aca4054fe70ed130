// Registers the service worker (the site root's sw.js) that keeps the estimator working offline.
// Loaded by the estimator pages only, so guide pages never trigger the runtime's download. It
// registers once the estimator is ready (or has failed): the install then takes the runtime from
// what this visit downloaded instead of competing with it. A visit to a page already controlled
// asks the server for sw.js (a few KB), so a new build is found at once.
//
// A new version still waiting 3 s after its install is told once more to take over: a request
// in the moment Chromium stops the old version restarts it, and the new one may then wait up to
// 5 minutes (tests/browser/test_offline.py forces that race; bench/README.md has the story).
//
// When a version has taken over, a short-lived worker compiles Pyodide's JavaScript from its new
// cache once (prime.js); the page's root element then says data-yb-primed="true" (or "false").

import { primeCompiledCode } from "./calculator.js";

const TAKE_OVER_AFTER_MS = 3000;
const told = new WeakSet();

/** Tell the registration's new version, once it is installed, to take over (see above). */
function tellToTakeOver(registration) {
  const tell = (worker) => {
    if (told.has(worker)) return;
    told.add(worker);
    setTimeout(() => { if (registration.waiting === worker) worker.postMessage("take over"); }, TAKE_OVER_AFTER_MS);
  };
  const installing = registration.installing;
  if (registration.waiting) tell(registration.waiting);
  if (installing) installing.addEventListener("statechange", () => { if (installing.state === "installed") tell(installing); });
}

/** A new version took over this open page: the page still runs the calculator and policies it
 * loaded, so it says so beside the status, with a button that reloads it (what the reader typed
 * is in the link, so it stays). Not on a first install, which changes nothing on the page. */
function showUpdated() {
  const status = document.getElementById("yb-status");
  const data = document.getElementById("yb-data");
  if (!status || !data || document.getElementById("yb-updated")) return;
  const J = JSON.parse(data.textContent).labels.js;
  const note = document.createElement("span");
  note.id = "yb-updated";
  note.className = "yb-note";
  note.textContent = `${J.updated} `;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "yb-linkish";
  button.textContent = J.reload;
  button.addEventListener("click", () => location.reload());
  note.append(button);
  status.append(note);
}

if ("serviceWorker" in navigator) {
  const root = new URL("../../", import.meta.url); // assets/estimator/ → the site root
  if (navigator.serviceWorker.controller) navigator.serviceWorker.addEventListener("controllerchange", showUpdated, { once: true });
  navigator.serviceWorker.addEventListener("controllerchange", () => primeCompiledCode().then((done) => {
    document.documentElement.dataset.ybPrimed = String(done);
  }));
  const register = async () => {
    try {
      const registration = await navigator.serviceWorker.register(new URL("sw.js", root), { scope: root.href, updateViaCache: "none" });
      registration.addEventListener("updatefound", () => tellToTakeOver(registration));
      tellToTakeOver(registration);
      if (registration.active && !registration.installing && !registration.waiting) await registration.update();
    } catch (error) {
      if (navigator.onLine) console.warn("offline use unavailable:", error);
    }
    // Nothing to install: the worker's downloads kept for an install are not needed (sw.js).
    const registration = await navigator.serviceWorker.getRegistration(root.href).catch(() => null);
    if (!registration || (!registration.installing && !registration.waiting)) await caches.delete(`yibao-fetched ${root.pathname}`).catch(() => {});
  };
  const started = () => (window.yibao && window.yibao.ready) || Promise.resolve();
  const whenLoaded = document.readyState === "complete" ? Promise.resolve() : new Promise((r) => addEventListener("load", r, { once: true }));
  whenLoaded.then(() => started()).then(register, register);
} else if (window.caches && window.yibao) {
  // No service worker here: the worker's downloads kept for its install are not needed.
  window.yibao.ready.finally(() => caches.delete(`yibao-fetched ${new URL("../../", import.meta.url).pathname}`)).catch(() => {});
}
