// The estimator page's last script (site/overrides/estimate.html; a file, as the
// Content-Security-Policy allows no inline script).
//
// 1. Material's search worker starts once the estimator's worker has (search-later.js): the
//    theme's config names that script instead, with Material's own worker and this page's
//    channel after the "#".
// 2. Material's scripts run once the estimator's worker has started (ready or failed), at the
//    reader's first touch, click or key outside the estimator, or after 10 s, whichever comes
//    first: compiling and running them and the layout they cause take ~300 ms of the page's
//    thread, which on 2 cores competed with the worker's start (issue 4). Until then the page is
//    styled as with them (`js` for Material's `no-js`, so its search box shows; a touch on it
//    starts them). The page writes them with a type the browser does not run; they are added as
//    scripts in order here. Material waits for DOMContentLoaded, which has passed by then: it is
//    sent once more.
//
// 3. The search index (the largest file the theme loads, ~70-90 KB with brotli) is fetched at the
//    reader's first use of search (a focus in the search box, or its toggle), not as the page
//    loads: an estimate never needs it. Material asks for it with XMLHttpRequest; that request's
//    send waits for the first use.
(() => {
  const INDEX = /\/search\/search_index\.json$/;
  const { open, send } = XMLHttpRequest.prototype;
  const waiting = [];
  let wanted = false;
  const want = () => {
    if (wanted) return;
    wanted = true;
    for (const go of waiting.splice(0)) go();
  };
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.ybIndex = INDEX.test(new URL(String(url), location.href).pathname);
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (!this.ybIndex || wanted) return send.apply(this, args);
    waiting.push(() => send.apply(this, args));
  };
  addEventListener("focusin", (event) => { if (event.target instanceof Element && event.target.closest(".md-search")) want(); }, true);
  addEventListener("click", (event) => { if (event.target instanceof Element && event.target.closest('label[for="__search"]')) want(); }, true);
})();

(() => {
  const estimator = window.__yibaoWorker;
  const element = document.getElementById("__config");
  const config = element && JSON.parse(element.textContent);
  if (config && config.search && estimator) {
    const later = new URL("search-later.js", document.currentScript.src);
    later.hash = new URLSearchParams({ worker: new URL(config.search, location.href).href, channel: estimator.started }).toString();
    config.search = later.href;
    element.textContent = JSON.stringify(config);
  }

  document.documentElement.classList.replace("no-js", "js");
  const TOUCHES = ["pointerdown", "keydown", "focusin"];
  let timer = 0;
  let channel = null;
  let done = false;
  const load = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (channel) channel.close();
    for (const type of TOUCHES) removeEventListener(type, touched, true);
    const later = [...document.querySelectorAll('script[type="text/x-yibao-later"]')];
    let left = later.length;
    const loaded = () => {
      if (--left === 0 && document.readyState !== "loading") document.dispatchEvent(new Event("DOMContentLoaded"));
    };
    for (const old of later) {
      const script = Object.assign(document.createElement("script"), { src: old.src, async: false });
      script.onload = script.onerror = loaded;
      old.replaceWith(script);
    }
  };
  const touched = (event) => {
    if (!(event.target instanceof Element && event.target.closest(".yb-estimator"))) load();
  };
  if (!estimator || !window.BroadcastChannel) return load();
  for (const type of TOUCHES) addEventListener(type, touched, true);
  timer = setTimeout(load, 10000);
  channel = new BroadcastChannel(estimator.started);
  channel.onmessage = ({ data }) => { if (data === "started") load(); };
  channel.postMessage("asked"); // the worker answers if it has started already
})();
