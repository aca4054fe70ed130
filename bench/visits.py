"""One reader's visits, measured in headless Chromium against the nginx server.

Each run uses a fresh browser profile on disk. The cold visit is the first ever (empty HTTP
cache, no service worker); the browser is then closed and started again on the same profile
for the warm visit (a reader coming back). Times are ``performance.now()`` in the page, i.e.
milliseconds since navigation started, recorded by an init script: *ready* when
``window.yibao.ready`` resolves, *first estimate* when ``#yb-result`` is shown for the request
carried in the URL (a shared link). Bytes are what nginx's access log says it sent for the
visit, the service worker's install included (the cold visit waits for it to finish, and for
the page to have had Pyodide's JavaScript compiled from the new cache: site/estimator/prime.js). One
estimate's round trip is the median of 41, on the warm visit once the page is at rest (the shared
link's comparison and chart done: their engine calls would be queued before it)."""

from __future__ import annotations

import json
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .common import persistent_chromium  # also puts tests/browser on sys.path
from .nginx import Nginx
from yibao_site import PRIMED, SW_ACTIVE  # what the browser tests wait for, the same way

MARKS = """(() => {
  const marks = (window.__yb = {});
  let api;
  Object.defineProperty(window, "yibao", {
    configurable: true,
    get() { return api; },
    set(value) {
      api = value;
      Promise.resolve(value && value.ready).then(
        () => { marks.ready = performance.now(); },
        (e) => { marks.failed = String(e); });
    },
  });
  const watch = () => {
    const shown = document.querySelector("#yb-result:not([hidden])");
    if (shown && !marks.result && shown.textContent.trim()) marks.result = performance.now();
    const chart = document.getElementById("yb-chart");
    if (chart && !marks.explored && chart.dataset.state === "done") marks.explored = performance.now();
  };
  new MutationObserver(watch).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["hidden", "data-state"] });
})();"""

#: the chart is the last thing a shown estimate starts (site/estimator/app.js, explore)
EXPLORED = "() => !!window.__yb.explored"

ROUND_TRIP = """async (request) => {
  for (let i = 0; i < 5; i++) await window.yibao.estimate(request);
  const times = [];
  for (let i = 0; i < 41; i++) { const t = performance.now(); await window.yibao.estimate(request); times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  return times[20];
}"""


def ten_line_bill() -> dict[str, Any]:
    """A Zibo inpatient stay billed in 10 lines: 6 dental procedures from the catalogue (the
    category-B antibiotic among them: Zibo has no B share of its own, so the national range
    applies and the engine settles the visit three times) and 4 lines typed by name."""
    from calculator import catalogue

    codes = [p["code"] for p in catalogue() if p["category"] != "B"][:5] + [p["code"] for p in catalogue() if p["category"] == "B"][:1]
    items: list[dict[str, Any]] = [{"code": c, "quantity": 1} for c in codes]
    items += [
        {"name": "住院床位费", "category": "A", "amount": "600"},
        {"name": "药费", "category": "A", "amount": "350.50"},
        {"name": "检查费", "category": "A", "amount": "420"},
        {"name": "自费材料", "category": "self_pay", "amount": "180"},
    ]
    return {"region": "zibo", "visit_date": "2026-12-01", "scheme": "employee", "member": "in_service",
            "care": "inpatient", "institution_level": 2, "items": items,
            "year_to_date": {"deductible_paid": "0"}, "personal_account_balance": "800"}


@dataclass
class Visit:
    ready_ms: float | None
    result_ms: float | None
    #: the shared link's comparison and chart done (their engine calls answered and drawn)
    explored_ms: float | None
    bytes: int
    requests: int
    uris: list[str] = field(default_factory=list)
    controlled: bool = False


def _visit(context: Any, server: Nginx, url: str, *, estimator: bool, wait_sw: bool) -> tuple[Visit, Any]:
    server.log_mark()
    page = context.new_page()
    page.goto(url)
    if estimator:
        page.wait_for_function("() => window.__yb.result || window.__yb.failed", timeout=60_000)  # a function: a string would be eval()ed, which the CSP forbids
    else:
        page.wait_for_function("() => window.__readyMs || window.__failed", timeout=180_000)
    marks = page.evaluate("window.__yb || {}")
    failed = marks.get("failed") or page.evaluate("window.__failed")
    if failed:
        raise RuntimeError(f"{url}: the estimator failed: {failed}")
    if wait_sw:
        for _ in range(600):
            if page.evaluate(SW_ACTIVE):
                break
            page.wait_for_timeout(100)
        else:
            raise RuntimeError("the service worker did not activate within 60 s")
        page.wait_for_function(f"() => {PRIMED}", timeout=60_000)
        if page.evaluate(PRIMED) != "true":
            raise RuntimeError("the page could not leave Pyodide's JavaScript compiled (prime.js)")
    ready = marks.get("ready") if estimator else page.evaluate("window.__readyMs")
    controlled = bool(page.evaluate("!!(navigator.serviceWorker && navigator.serviceWorker.controller)"))
    entries = server.since_mark()
    return Visit(ready, marks.get("result"), marks.get("explored"), sum(e[2] for e in entries), len(entries), [e[0] for e in entries], controlled), page


@dataclass
class Runs:
    cold: list[Visit] = field(default_factory=list)
    warm: list[Visit] = field(default_factory=list)
    estimate_ms: list[float] = field(default_factory=list)
    #: the same visits of the worker alone on an empty page (bench/worker_only.py), if measured
    cold_alone: list[Visit] = field(default_factory=list)
    warm_alone: list[Visit] = field(default_factory=list)

    def add(self, other: Runs) -> None:
        """Append ``other``'s figures to these (one more run)."""
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))


def measure_site(server: Nginx, base: str, runs: int, alone: str | None = None) -> Runs:
    """``runs`` cold + warm visits of the estimator opened from a shared link (zh); with
    ``alone`` (the worker-only page's path), each run also visits that page: warm, in a third
    start of the browser on the same profile, and cold, in a fresh profile."""
    request = ten_line_bill()
    url = base + "estimate/#" + quote(json.dumps(request, ensure_ascii=False, separators=(",", ":")), safe="")
    out = Runs()
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="yibao-profile-") as profile:
            with persistent_chromium(Path(profile)) as context:
                context.add_init_script(MARKS)
                visit, _page = _visit(context, server, url, estimator=True, wait_sw=True)
                out.cold.append(visit)
            with persistent_chromium(Path(profile)) as context:
                context.add_init_script(MARKS)
                visit, page = _visit(context, server, url, estimator=True, wait_sw=False)
                out.warm.append(visit)
                got = page.evaluate("r => window.yibao.estimate(r)", request)
                if "total" not in got:
                    raise RuntimeError(f"the 10-line bill gave no result: {got}")
                # The engine's latency with the page at rest: the shared link's comparison and
                # chart (~60-160 engine calls) would otherwise be queued in the worker before it.
                page.wait_for_function(EXPLORED, timeout=60_000)
                out.warm[-1].explored_ms = page.evaluate("window.__yb.explored")
                out.estimate_ms.append(page.evaluate(ROUND_TRIP, request))
            if alone:
                with persistent_chromium(Path(profile)) as context:
                    out.warm_alone.append(_visit(context, server, base + alone, estimator=False, wait_sw=False)[0])
        if alone:
            with tempfile.TemporaryDirectory(prefix="yibao-profile-") as fresh, persistent_chromium(Path(fresh)) as context:
                out.cold_alone.append(_visit(context, server, base + alone, estimator=False, wait_sw=False)[0])
    return out


def measure_reference(server: Nginx, base: str, runs: int) -> Runs:
    out = Runs()
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="yibao-profile-") as profile:
            with persistent_chromium(Path(profile)) as context:
                out.cold.append(_visit(context, server, base, estimator=False, wait_sw=False)[0])
            with persistent_chromium(Path(profile)) as context:
                out.warm.append(_visit(context, server, base, estimator=False, wait_sw=False)[0])
    return out


def guide_page_requests(server: Nginx, base: str) -> list[str]:
    """Every request a first visit of three guide pages (zh home, a region, en national guide)
    makes for the Python runtime, the wheel or the service worker (there should be none)."""
    with tempfile.TemporaryDirectory(prefix="yibao-profile-") as profile, persistent_chromium(Path(profile)) as context:
        server.log_mark()
        page = context.new_page()
        for path in ("", "regions/zibo/", "en/regions/cn/"):
            page.goto(base + path, wait_until="load")
            page.wait_for_timeout(500)
        uris = [e[0] for e in server.since_mark()]
    return [u for u in uris if "/assets/pyodide/" in u or "/assets/packages/" in u or u.endswith("/sw.js")]


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None
