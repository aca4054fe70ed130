// Material's search worker on the estimator pages, started once the estimator's own worker has
// finished starting (ready or failed), or after 10 s. Building the search index takes about
// half a second of one core; on a phone's few cores it would slow the estimator's start.
// Measured with `python -m bench` (2 cores): the estimator was ready ~8 % sooner on a repeat
// visit and ~12 % sooner on a first one without it.
//
// The page names this classic worker in Material's config (site/overrides/estimate.html) with
// Material's own worker after the "#". Messages the page sends meanwhile are held and handed
// over once Material's script has been imported. The estimator's worker answers on a
// BroadcastChannel named after the site root (worker.js, `announceStarted`).

(() => {
  const here = new URL(self.location.href);
  here.hash = "";
  const material = new URL(decodeURIComponent(self.location.hash.slice(1)), here);
  if (!self.location.hash || material.href === here.href || material.origin !== here.origin) {
    throw new Error(`search-later.js: no search worker of this site after the "#" (${self.location.href})`);
  }
  const held = [];
  const hold = (event) => { held.push(event.data); };
  self.addEventListener("message", hold);
  const channel = new BroadcastChannel(`yibao-estimator-started ${new URL("../../", self.location.href).href}`);
  let timer = 0;
  const start = () => {
    clearTimeout(timer);
    channel.close();
    self.removeEventListener("message", hold);
    importScripts(material.href);
    for (const data of held) self.dispatchEvent(new MessageEvent("message", { data }));
  };
  timer = setTimeout(start, 10000);
  channel.onmessage = ({ data }) => { if (data === "started") start(); };
  channel.postMessage("asked"); // the estimator may have started before this worker did
})();
