// Every page's first script (site/overrides/partials/javascripts/base.html): what Material 9.8.1
// and the site ran as inline scripts, as a file, so that the Content-Security-Policy
// (site/builder/csp.py) needs no inline script at all.

// Material's storage helpers, as its partials/javascripts/base.html defines them; the scope (the
// language root, relative to this page) comes in the script element's data-scope.
(() => {
  const scope = new URL(document.currentScript.dataset.scope, location);
  window.__md_scope = scope;
  window.__md_hash = (text) => [...text].reduce((hash, c) => (hash << 5) - hash + c.charCodeAt(0), 0);
  window.__md_get = (key, storage = localStorage, base = window.__md_scope) => JSON.parse(storage.getItem(base.pathname + "." + key));
  window.__md_set = (key, value, storage = localStorage, base = window.__md_scope) => {
    try {
      storage.setItem(base.pathname + "." + key, JSON.stringify(value));
    } catch (error) {
      // storage full or refused: Material keeps going without it
    }
  };
})();

// Material's partials/javascripts/content.html: a URL fragment naming a content tab selects it.
document.addEventListener("DOMContentLoaded", () => {
  const target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.startsWith("__tabbed_");
}, { once: true });

document.addEventListener("click", (event) => {
  const element = event.target instanceof Element ? event.target : null;
  // The language switch keeps the place on the page: the URL fragment goes with the link (a
  // heading anchor, the same in both languages on the guide pages; the estimator's inputs).
  const link = element && element.closest("a.md-select__link[hreflang]");
  if (link && location.hash) link.hash = location.hash;
  // A print button (data-yb-print="class"): the page is printed with that class on <body>
  // (the dental guide's checklist prints alone).
  const print = element && element.closest("[data-yb-print]");
  if (print) {
    document.body.classList.add(print.dataset.ybPrint);
    window.print();
    document.body.classList.remove(print.dataset.ybPrint);
  }
}, true);
