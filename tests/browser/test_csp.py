"""The site's Content-Security-Policy (site/builder/csp.py) in Chromium: every built page, in
both languages, loads with no violation reported and no console error, while the theme's
scripts run, search runs and the estimator becomes ready and estimates; and the policy is in
force (an inline script or a style attribute added to a page is refused and reported)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from yibao_site import READY_TIMEOUT_MS, open_estimator, search

from builder.csp import CSP

#: Reports every CSP violation of the page (and its frames) to the test, through a binding that
#: the policy cannot block: what was blocked, by which directive, from where.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => window.__yibaoCsp({
  page: location.href, directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile,
  line: e.lineNumber, sample: e.sample }), true);"""
#: Material's bundle has run (it sets component$ and sizes the sidebar).
MATERIAL_STARTED = "() => typeof window.component$ === 'object' && document.documentElement.classList.contains('js')"
#: A print button's class on <body> while the page prints (window.print stubbed: headless).
RECORD_PRINT = "window.print = () => { window.__printedWith = document.body.className; };"


class Watched:
    """A browser context whose pages report CSP violations, console errors and page errors."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.violations: list[dict[str, Any]] = []
        self.errors: list[str] = []
        context.expose_function("__yibaoCsp", lambda violation: self.violations.append(violation))
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("page", self._watch)

    def _watch(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(f"{page.url}: console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))

    def problems(self) -> str:
        return "\n".join([json.dumps(v, ensure_ascii=False) for v in self.violations] + self.errors)


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(locale="zh-CN")
    yield Watched(context)
    context.close()


def _pages(site: Path) -> list[str]:
    """Every HTML page of the built site as a URL path from its root (both languages, the 404)."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if not rel.startswith("assets/"):
            pages.append(rel.removesuffix("index.html"))
    return pages


@pytest.mark.timeout(600)  # every page in both languages: the longer bound
def test_every_page_carries_the_policy_and_loads_without_a_violation(watched: Watched, server: str, site: Path) -> None:
    pages = _pages(site)  # every page: the CSP must hold on each (axe and the origin sweep take a sample)
    guides = [p for p in pages if not p.endswith("estimate/")]
    assert {"", "en/", "guide/dental/", "en/guide/dental/", "regions/zibo/", "en/regions/zibo/", "404.html"} <= set(guides), pages
    page = watched.context.new_page()
    for rel in guides:
        response = page.goto(server + rel)
        assert response is not None and response.ok, rel
        assert page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content") == CSP, rel
        page.wait_for_function(MATERIAL_STARTED)  # the theme's scripts have run
    assert watched.problems() == "", f"on the guide pages:\n{watched.problems()}"


@pytest.mark.parametrize("lang, home, words", [("zh", "", "起付"), ("en", "en/", "deductible")])
def test_search_runs_without_a_violation(watched: Watched, server: str, lang: str, home: str, words: str) -> None:
    page = watched.context.new_page()
    page.goto(server + home)
    assert search(page, words), f"no {lang} search result for {words}"
    assert watched.problems() == "", f"while searching ({lang}):\n{watched.problems()}"


def test_the_print_button_prints_the_checklist_alone(watched: Watched, server: str) -> None:
    """The dental guide's print button (a data-yb-print attribute, no inline handler)."""
    watched.context.add_init_script(RECORD_PRINT)
    page = watched.context.new_page()
    page.goto(server + "en/guide/dental/")
    page.click("button.yb-print")
    assert "yb-print-checklist" in page.evaluate("window.__printedWith")
    assert "yb-print-checklist" not in page.evaluate("document.body.className")
    assert watched.problems() == ""


@pytest.mark.parametrize("path", ["estimate/", "en/estimate/"])
def test_the_estimator_starts_and_estimates_without_a_violation(watched: Watched, server: str, path: str) -> None:
    page = open_estimator(watched.context, server + path)
    page.click("#yb-submit")
    page.wait_for_selector("#yb-result:not([hidden])", timeout=READY_TIMEOUT_MS)
    page.wait_for_selector('#yb-chart[data-state="done"]', timeout=READY_TIMEOUT_MS)
    page.wait_for_function(MATERIAL_STARTED)  # the theme's scripts, held back until the worker started
    assert search(page, "起付" if path == "estimate/" else "deductible")  # Material's search worker, started later
    assert watched.problems() == "", f"on {path}:\n{watched.problems()}"


def test_the_policy_is_in_force_and_a_violation_is_reported(watched: Watched, server: str) -> None:
    """The checks above would pass vacuously if the policy were not applied or the report did
    not arrive: an inline script and a style attribute added to a page must be refused."""
    page = watched.context.new_page()
    page.goto(server + "regions/zibo/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.head.append(script);
        document.querySelector("h1").setAttribute("style", "color: red");
    }""")
    page.wait_for_function("() => true")
    for _ in range(50):
        if len(watched.violations) >= 2:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__ran") is None
    assert {v["directive"] for v in watched.violations} == {"script-src-elem", "style-src-attr"}, watched.problems()
