// Registers the estimator's service worker (the site root's sw.js: it keeps the estimator
// working offline after one visit). Loaded by the estimator pages only, so guide pages never
// trigger the download of the Python runtime. Registration waits until the estimator is ready
// (or has failed): the worker's install then reads the runtime from the HTTP cache instead of
// competing with the first load for the network. A visit to a page it already controls also
// asks the server for sw.js (a few KB): registering the same script again does not, and the
// browser's own check after a navigation may come late or not at all, so a new build would
// wait. When sw.js has changed, the new version installs beside the old one (see sw.js).
//
// A new version that is installed but still waiting is told once more, 3 s later, to take over.
// Its install already calls skipWaiting, and Chromium then asks the old worker to stop and swaps
// the versions once it has. But a request in that moment (the page still loading the old
// version's files) starts the old worker again, and the new version then waits until the old
// one goes idle by itself or for at most 5 minutes (Chromium's service_worker_registration.cc;
// traced in the tests, where DevTools keeps workers running: still waiting after 2 minutes).
// A second skipWaiting asks the old worker to stop once more; only the first one still pending
// counts, so it is sent once, when the page has had time to settle. Without it, a page fetching
// every few ms during an update left the new version waiting 4 times in 4, with it 0 in 5
// (tests/browser/test_offline.py forces that race).
//
// When a version has taken over this page (first install or update), its cache holds responses
// Chromium has not compiled yet: a short-lived worker compiles Pyodide's JavaScript from them
// once, so that the next visit starts from compiled code (prime.js). The page's root element
// then says data-yb-primed="true" (or "false" if that could not be done).

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
  };
  const started = () => (window.yibao && window.yibao.ready) || Promise.resolve();
  const whenLoaded = document.readyState === "complete" ? Promise.resolve() : new Promise((r) => addEventListener("load", r, { once: true }));
  whenLoaded.then(() => started()).then(register, register);
}
