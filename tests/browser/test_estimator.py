"""The estimator page in Chromium: the same answers as CPython for every scenario, errors
beside their field, a progress indicator while the form is already usable, and a link that
restores the form and the result in a fresh browser."""

from __future__ import annotations

import json
from typing import Any

import pytest
from estimator_page import pick_region
from yibao_site import READY_TIMEOUT_MS, SW_ACTIVE, open_estimator, search, settle, wait_until
from test_scenarios import load_cases

from calculator import estimate_json

CASES = load_cases()


def test_there_are_scenarios_to_run() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_the_browser_gives_exactly_the_cpython_result(estimator: Any, case: dict[str, Any]) -> None:
    expected = json.loads(estimate_json(json.dumps(case["request"], ensure_ascii=False)))
    got = settle(estimator, "request => window.yibao.estimate(request)", case["request"], what="window.yibao.estimate")
    assert got == expected


FORM_STATE = """() => [...document.querySelectorAll('#yb-form input, #yb-form select')].map(el => [
    el.dataset.field || el.dataset.part, el.type === 'checkbox' ? el.checked : el.value, el.closest('[hidden]') === null])"""


def _fill_a_visit(page: Any) -> None:
    pick_region(page, "qingdao", "qingdao")
    page.fill("#yb-visit_date", "2026-12-01")
    page.select_option("#yb-care", "inpatient")
    page.fill("#yb-admission_number", "2")
    page.select_option("#yb-institution_level", "3")
    row = page.locator(".yb-item").first
    row.locator('[data-part="code"]').select_option("D-EXT-IMPACTED")
    row.locator('[data-part="quantity"]').fill("2")
    page.click("#yb-add-free")
    free = page.locator(".yb-item").nth(1)
    free.locator('[data-part="name"]').fill("住院床位费")
    free.locator('[data-part="kind"]').select_option("service")
    free.locator('[data-part="amount"]').fill("600")
    page.click(".yb-ytd summary")
    page.fill('[data-field="year_to_date.deductible_paid"]', "100")
    page.fill("#yb-personal_account_balance", "800")


def test_a_shared_link_restores_the_same_form_and_result_in_a_fresh_context(browser: Any, server: str) -> None:
    first = browser.new_context()
    page = open_estimator(first, server + "estimate/")
    _fill_a_visit(page)
    page.click("#yb-submit")
    page.wait_for_selector("#yb-result:not([hidden])")
    link, form, shown = page.url, page.evaluate(FORM_STATE), page.inner_text("#yb-result")
    request = json.loads(page.evaluate("decodeURIComponent(location.hash.slice(1))"))
    assert request["region"] == "qingdao" and len(request["items"]) == 2, request
    first.close()

    fresh = browser.new_context()  # no cache, no storage: only the link
    page = fresh.new_page()
    page.goto(link)
    page.wait_for_selector("#yb-result:not([hidden])", timeout=READY_TIMEOUT_MS)
    assert page.evaluate(FORM_STATE) == form
    assert page.inner_text("#yb-result") == shown
    assert page.url == link
    fresh.close()


def test_an_error_is_shown_beside_its_field_and_nothing_typed_is_lost(estimator: Any) -> None:
    page = estimator
    page.click("#yb-add-free")
    free = page.locator(".yb-item").last
    free.locator('[data-part="name"]').fill("药费")
    free.locator('[data-part="amount"]').fill("12.345")
    index = page.locator(".yb-item").count() - 1
    page.click("#yb-submit")
    message = page.locator(f'.yb-error-field[data-field="items[{index}].amount"]')
    message.wait_for()
    assert "12.345" in message.inner_text()
    amount = free.locator('[data-part="amount"]')
    assert amount.get_attribute("aria-invalid") == "true"
    assert amount.input_value() == "12.345"
    assert free.locator('[data-part="name"]').input_value() == "药费"
    # the message sits in the line it is about, and the field points to it
    assert free.locator(".yb-error-field").get_attribute("data-field") == f"items[{index}].amount"
    assert amount.get_attribute("aria-describedby") == free.locator(".yb-error-field").get_attribute("id")
    amount.fill("12.34")
    page.click("#yb-submit")
    page.wait_for_selector("#yb-result:not([hidden])")
    assert page.locator(".yb-error-field").count() == 0


def test_the_form_works_at_once_and_progress_shows_until_python_is_ready(browser: Any, server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "estimate/")
    page.wait_for_selector("#yb-form")
    assert page.get_attribute(".yb-estimator", "data-state") == "loading"
    assert page.is_visible("#yb-progress")
    pick_region(page, "北京", "beijing")  # usable before Python has loaded
    page.click("#yb-submit")  # runs as soon as the calculator is ready
    page.wait_for_selector("#yb-result:not([hidden])", timeout=READY_TIMEOUT_MS)
    assert page.get_attribute(".yb-estimator", "data-state") == "ready"
    assert not page.is_visible("#yb-progress")
    assert "北京" in page.inner_text("#yb-result")
    context.close()


def test_the_english_page_shows_english(estimator: Any, browser: Any, server: str) -> None:
    context = browser.new_context()
    page = open_estimator(context, server + "en/estimate/")
    page.click("#yb-submit")
    page.wait_for_selector("#yb-result:not([hidden])")
    text = page.inner_text("#yb-result")
    assert "How it was worked out" in text and "You pay in cash" in text
    context.close()


#: Records when the estimator's worker reports each stage (epoch ms), for the test below.
STAGE_TIMES = """(() => {
  const Native = window.Worker;
  window.__stages = {};
  window.Worker = function (url, options) {
    const worker = new Native(url, options);
    worker.addEventListener("message", ({ data }) => {
      if (data && data.type === "progress") window.__stages[data.stage] ??= performance.timeOrigin + performance.now();
    });
    return worker;
  };
})();"""


def test_search_on_the_estimator_page_waits_for_the_estimator_and_then_works(browser: Any, server: str) -> None:
    """Material's search worker is loaded only once the estimator's worker has started
    (site/estimator/search-later.js): both at once slow the estimator's start on few cores."""
    context = browser.new_context()
    context.add_init_script(STAGE_TIMES)
    material: list[Any] = []
    context.on("request", lambda request: "/javascripts/workers/search." in request.url and material.append(request))
    page = open_estimator(context, server + "estimate/")
    hits = search(page, "明细")
    assert any("/guide/" in hit for hit in hits), hits
    installing_wheel = page.evaluate("window.__stages.package")  # the last stage before ready
    assert len(material) == 1 and material[0].timing["startTime"] > installing_wheel, (material, installing_wheel)

    # Again on a repeat visit, when the service worker serves search-later.js from its cache: the
    # worker must still see Material's worker after the "#" (a cached response has its own URL,
    # without it, and the worker then imported itself, again and again).
    wait_until(page, SW_ACTIVE, "the service worker to activate")
    later: list[str] = []
    context.on("request", lambda request: "/search-later.js" in request.url and later.append(request.url))
    page.reload()
    page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
    assert page.evaluate("!!navigator.serviceWorker.controller")
    hits = search(page, "明细")
    assert any("/guide/" in hit for hit in hits), hits
    assert len(later) == 1 and len(material) == 2, (later, material)

    # A second tab: the first tab's estimator, started long ago, must not release its search.
    other = open_estimator(context, server + "estimate/")
    search(other, "明细")
    installing_wheel = other.evaluate("window.__stages.package")
    assert len(material) == 3 and material[2].timing["startTime"] > installing_wheel, (material, installing_wheel)
    context.close()


#: Material's bundle has run and its components are set up (the sidebar is placed by script).
MATERIAL_STARTED = "() => typeof window.component$ === 'object' && !!document.querySelector('.md-sidebar--primary[style]')"
#: Records when Material's bundle runs (it sets window.component$), epoch ms.
MATERIAL_TIME = """Object.defineProperty(window, "component$", { configurable: true, get() { return undefined; }, set(value) {
  Object.defineProperty(window, "component$", { value, writable: true, configurable: true });
  window.__materialAt = performance.timeOrigin + performance.now(); } });"""


def test_materials_scripts_wait_for_the_estimator_or_a_touch_outside_it(browser: Any, server: str) -> None:
    """On the estimator pages Material's scripts run once the estimator's worker has started, or
    at the reader's first touch, click or key outside the estimator (site/overrides/estimate.html):
    their ~300 ms of the page's thread would otherwise be taken from the worker's start."""
    context = browser.new_context()
    context.add_init_script(STAGE_TIMES)
    context.add_init_script(MATERIAL_TIME)
    page = open_estimator(context, server + "estimate/")
    page.wait_for_function(MATERIAL_STARTED, timeout=10_000)
    ran, installing_wheel = page.evaluate("[window.__materialAt, window.__stages.package]")  # the last stage before ready
    assert ran > installing_wheel, (ran, installing_wheel)
    context.close()

    # While Python cannot start (its wasm held back), only a touch outside the estimator starts them.
    context = browser.new_context()
    held: list[Any] = []
    context.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    page = context.new_page()
    page.goto(server + "estimate/", wait_until="load")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the worker never asked for the wasm"
    page.wait_for_timeout(1000)
    assert page.evaluate(MATERIAL_STARTED) is False
    page.click("#yb-submit")  # inside the estimator: the estimate waits for Python, and so does Material
    page.wait_for_timeout(500)
    assert page.evaluate(MATERIAL_STARTED) is False
    assert page.is_visible("input.md-search__input")  # shown as with Material's scripts
    page.click("input.md-search__input")
    page.wait_for_function(MATERIAL_STARTED, timeout=10_000)
    for route in held:
        route.continue_()
    page.wait_for_selector("#yb-result:not([hidden])", timeout=READY_TIMEOUT_MS)  # the click's estimate
    page.keyboard.press("Escape")
    hits = search(page, "明细")
    assert any("/guide/" in hit for hit in hits), hits
    context.close()
