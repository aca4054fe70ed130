"""Measures the estimator's cold start (a fresh browser context: empty cache) and prints it:
time from navigation to ready, bytes received, requests, time per estimate. Budgets are loose
(this is a 2-core machine serving over loopback with Python's http.server, no compression);
issue #4 tightens them."""

from __future__ import annotations

import time
from typing import Any

from pathlib import Path

from yibao_site import Recorder, Served, build_seconds, open_estimator

#: The floor: a bare page whose module worker only loads the same Pyodide (DESIGN §6).
FLOOR_PAGE = """<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>floor</title>
<script type="module">
const worker = new Worker(new URL("floor-worker.js", import.meta.url), {type: "module"});
worker.onmessage = () => { document.body.dataset.readyMs = String(Math.round(performance.now())); };
</script><body>"""
FLOOR_WORKER = """const base = new URL("assets/pyodide/%s/", self.location.href).href;
const { loadPyodide } = await import(base + "pyodide.mjs");
const lockFileURL = new URL("assets/packages/pyodide-lock.json", self.location.href).href;
const py = await loadPyodide({ indexURL: base, lockFileURL, packageBaseUrl: base });
py.runPython("1 + 1");
self.postMessage("ready");"""

REQUEST = {
    "region": "zibo", "visit_date": "2026-12-01", "scheme": "employee", "member": "in_service",
    "care": "inpatient", "institution_level": 2,
    "items": [{"code": "D-EXT-IMPACTED", "quantity": 1}, {"name": "住院床位费", "category": "A", "amount": "600"}],
}


def _floor_ms(browser: Any, site: Path, tmp_path: Path, version: str) -> int:
    (tmp_path / "assets").symlink_to(site / "assets", target_is_directory=True)
    (tmp_path / "index.html").write_text(FLOOR_PAGE)
    (tmp_path / "floor-worker.js").write_text(FLOOR_WORKER % version)
    served = Served(tmp_path)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(served.url)
        page.wait_for_selector("body[data-ready-ms]", state="attached", timeout=120_000)
        return int(page.get_attribute("body", "data-ready-ms"))
    finally:
        context.close()
        served.close()


def test_cold_load_of_the_estimator_is_measured(browser: Any, server: str, site: Path, tmp_path: Path) -> None:
    from builder.context import PYODIDE_VERSION

    floor = _floor_ms(browser, site, tmp_path, PYODIDE_VERSION)
    context = browser.new_context()
    recorder = Recorder(context)
    started = time.perf_counter()
    page = open_estimator(context, server + "estimate/")
    wall = time.perf_counter() - started
    ready_ms = int(page.get_attribute(".yb-estimator", "data-ready-ms"))
    sizes = [r.sizes() for r in recorder.requests if r.response()]
    received = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    page.evaluate("r => window.yibao.estimate(r)", REQUEST)  # warm
    per_call = page.evaluate(
        """async r => { const t = performance.now(); for (let i = 0; i < 50; i++) await window.yibao.estimate(r);
                        return (performance.now() - t) / 50; }""",
        REQUEST,
    )
    context.close()
    report = (
        f"\n  build: {build_seconds() or float('nan'):.1f} s"
        f"\n  floor (bare Pyodide in a module worker, same server): ready {floor} ms after navigation"
        f"\n  cold: ready {ready_ms} ms after navigation ({wall:.1f} s wall), {received / 1e6:.2f} MB in {len(sizes)} requests"
        f"\n  one estimate through the worker: {per_call:.2f} ms"
    )
    print(report)
    assert ready_ms < 60_000
    assert received < 25e6
    assert per_call < 100
