"""Nothing leaves the site's origin: not while reading the guides (search included), not while
the estimator loads Python in its worker and estimates. Every request of the browser context is
recorded, the worker's too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yibao_site import Recorder, open_estimator, search, swept

from calculator import regions


def _pages(site: Path) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html") if "assets" not in p.parts)


def test_reading_every_guide_page_and_searching_stays_on_the_site(recorded: Recorder, server: str, site: Path) -> None:
    page = recorded.context.new_page()
    pages = [p for p in _pages(site) if not p.endswith("estimate")]
    per_language = [".", "coverage", "guide/dental", "guide/dental-faq", "guide/glossary", "sources", *(f"regions/{r['id']}" for r in regions())]
    assert sorted(pages) == sorted([*per_language, *(("en" if p == "." else "en/" + p) for p in per_language)])
    for rel in swept(pages):
        response = page.goto(server + ("" if rel == "." else rel + "/"))
        assert response is not None and response.ok, rel
    page.goto(server)
    assert search(page, "起付")
    assert recorded.off_origin(server) == []
    assert any(u.endswith("search_index.json") for u in recorded.urls)
    # requests still running when the next page loads are cancelled; none may fail otherwise
    assert recorded.failed() == {}


def test_loading_python_and_estimating_stays_on_the_site(recorded: Recorder, server: str) -> None:
    page = open_estimator(recorded.context, server + "estimate/")
    page.click("#yb-submit")
    page.wait_for_selector("#yb-result:not([hidden])")
    urls = recorded.urls
    # the worker's requests are recorded too
    assert any(u.endswith("pyodide.asm.wasm") for u in urls)
    assert any(u.endswith(".whl") for u in urls)
    assert recorded.off_origin(server) == []
    # statuses from the responses as they came: a request of a worker that was terminated (the
    # short-lived one that compiles Pyodide's JavaScript into a new cache) never ends, and
    # request.response() would wait for it forever (this test hung 9 minutes on a busy machine)
    assert recorded.statuses and recorded.failed() == {}
