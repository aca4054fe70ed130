// Material's search worker on the estimator pages, started once the estimator's own worker has
// finished starting (ready or failed), or after 10 s. Building the search index takes about
// half a second of one core; on a phone's few cores it would slow the estimator's start
// (bench/README.md has the measurements).
//
// The page names this classic worker in Material's config (site/overrides/estimate.html) with,
// after the "#", Material's own worker and the page's channel. Messages the page sends meanwhile
// are held and handed over once Material's script has been imported. The estimator's worker
// says "started" on that channel (worker.js, `answerSearch`).

(() => {
  const here = new URL(self.location.href);
  here.hash = "";
  const given = new URLSearchParams(self.location.hash.slice(1));
  const material = new URL(given.get("worker") || "", here);
  if (!given.get("worker") || !given.get("channel") || material.href === here.href || material.origin !== here.origin) {
    throw new Error(`search-later.js: no search worker of this site and channel after the "#" (${self.location.href})`);
  }
  const held = [];
  const hold = (event) => { held.push(event.data); };
  self.addEventListener("message", hold);
  const channel = new BroadcastChannel(given.get("channel"));
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
