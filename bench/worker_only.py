"""The estimator's worker on an otherwise empty page: what the start-up costs without the page.

The benchmark writes ``estimate/worker-only.html`` into its own copy of the built site (never
into ``public/``): the estimator page's first script, the one that starts the worker (and on a
first visit adds the preload hints), and nothing else: no theme, no styles, none of the
estimator's own modules. Like the reference page, it records ``window.__readyMs`` when the
worker says it is ready (``window.__failed`` if it says it failed). Measured in the same run as
the estimator page, its ready time shows what the page itself costs the start-up on this machine
(its layout and modules share the 2 cores with the worker), and how near the warm target is to
what the worker can do here at all. It is not in the service worker's list: it comes from the
server, and the worker's own files from the service worker's cache, as on the estimator page.
"""

from __future__ import annotations

import re
from pathlib import Path

#: Where the page is written, relative to the site root (beside the estimator page, so that the
#: starter script's relative addresses lead to the same files).
PAGE = "estimate/worker-only.html"

#: The estimator page's first script (site/estimator/start.js with the page's data- attributes): it
#: leaves the worker in ``window.__yibaoWorker``.
_STARTER = re.compile(r'<script src="[^"]*/start\.js"[^>]*></script>')

_RECORD_READY = """<script>
  (() => {
    const { worker, early } = window.__yibaoWorker;
    const answer = (event) => {
      const data = event.data || { type: "failed", message: event.message };
      if (data.type === "ready") window.__readyMs = performance.now();
      else if (data.type === "failed") window.__failed = String(data.message);
    };
    early.forEach(answer);
    worker.onmessage = worker.onerror = answer;
  })();
</script>"""


def write_worker_only_page(site: Path) -> str:
    """Write :data:`PAGE` into the built site ``site``; return its path relative to the site."""
    estimator = (site / "estimate" / "index.html").read_text(encoding="utf-8")
    starter = _STARTER.search(estimator)
    if starter is None:
        raise RuntimeError(f"{site}/estimate/index.html: no script starting the estimator's worker")
    page = f'<!doctype html>\n<html lang="zh"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>worker only</title>\n{starter.group(0)}\n{_RECORD_READY}\n</head><body></body></html>\n'
    (site / PAGE).write_text(page, encoding="utf-8")
    return PAGE
