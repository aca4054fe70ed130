"""Helpers for the estimator page's browser tests: drive the region picker, read the form,
wait for the result and its compare table and chart, and run axe-core on the page."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import tarfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from calculator import estimate_json

#: axe-core pinned like Pyodide (npm tarball, sha512 checked), cached outside the repo.
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
CACHE = Path(os.environ.get("YIBAO_CACHE", Path.home() / ".cache" / "yibao"))

#: Every input and select of the form: [field, value, shown].
FORM_STATE = """() => [...document.querySelectorAll('#yb-form input, #yb-form select')].map(el => [
    el.dataset.field || el.dataset.part || el.id, el.type === 'checkbox' ? el.checked : el.value, el.closest('[hidden]') === null])"""


def pick_region(page: Any, typed: str, region_id: str) -> None:
    """Type into the region combobox and pick the first match with Enter (keyboard only)."""
    page.click("#yb-region-search")
    page.fill("#yb-region-search", typed)
    page.wait_for_selector("#yb-region-list:not([hidden])")
    first = page.locator('#yb-region-list [role="option"]').first
    assert first.get_attribute("data-id") == region_id, page.inner_text("#yb-region-list")
    page.keyboard.press("Enter")
    assert page.input_value("#yb-region") == region_id


def request_in_fragment(page: Any) -> dict[str, Any]:
    return json.loads(page.evaluate("decodeURIComponent(location.hash.slice(1))"))


def cpython(request: dict[str, Any]) -> dict[str, Any]:
    """The engine's answer under CPython, for comparison with what the page shows."""
    return json.loads(estimate_json(json.dumps(request, ensure_ascii=False)))


def submit_and_wait(page: Any, explore: bool = True) -> None:
    """Press Estimate; wait for the result (and, by default, the compare table and chart)."""
    page.click("#yb-submit")
    page.wait_for_selector("#yb-result:not([hidden])")
    if explore:
        page.wait_for_selector('#yb-chart[data-state="done"]', timeout=60_000)


@lru_cache(maxsize=1)
def axe_source() -> str:
    """axe.min.js from the pinned npm tarball (``npm pack`` once into the cache)."""
    tarball = CACHE / "npm" / f"axe-core-{AXE_VERSION}.tgz"
    if not tarball.exists():
        tarball.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(tarball.parent)], check=True, capture_output=True)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    assert digest == AXE_INTEGRITY, f"{tarball}: integrity {digest} is not the pinned one"
    with tarfile.open(tarball) as tf:
        member = tf.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.x A/AA and best practices) on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))"""
    )
