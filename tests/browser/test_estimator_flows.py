"""The estimator as a reader uses it, in Chromium: find the region by Chinese name, pinyin or
English; pick dental procedures with quantities and edited prices; see the two big numbers, the
split, the steps with sources, confidence and glossary links; compare levels and locations; read
the chart's breakpoints; enter one's own numbers; print on one A4 page; switch language and
reload without losing anything; do it all with the keyboard. Every number on the page is
checked against the engine under CPython."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from estimator_page import FORM_STATE, cpython, expected_figure, expected_headline, pick_region, request_in_fragment, shown_amount, submit_and_wait
from yibao_site import READY_TIMEOUT_MS, open_estimator

GLOSSARY_IDS = {
    "deductible", "pooled-fund", "fund-ratio", "annual-cap", "categories", "category-b-first-pay",
    "policy-scope", "cross-region-filing", "serious-illness", "supplementary", "medical-assistance",
    "personal-account", "designated-institution", "itemised-statement", "direct-settlement", "price-ceiling",
}


def yuan(amount: str | Decimal) -> str:
    """How the page writes an amount: ¥ and thousands separators."""
    return "¥" + f"{Decimal(amount):,.2f}"


@pytest.fixture
def page(browser: Any, server: str) -> Any:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    yield open_estimator(context, server + "estimate/")
    context.close()


def fill_zibo_admission(page: Any) -> None:
    """A realistic dental admission in Zibo: two impacted wisdom teeth at an edited price, an
    X-ray, local anaesthesia, a bed charge typed by hand and an implant (excluded)."""
    pick_region(page, "淄博", "zibo")
    page.fill("#yb-visit_date", "2026-12-01")
    page.select_option("#yb-care", "inpatient")
    page.select_option("#yb-institution_level", "2")
    rows = page.locator(".yb-item")
    first = rows.first
    first.locator('[data-part="code"]').select_option("D-EXT-IMPACTED")
    assert "300–1500" in first.locator('[data-part="range"]').inner_text()  # the typical range is shown
    first.locator('[data-part="quantity"]').fill("2")
    first.locator('[data-part="unit_price"]').fill("９００")  # full-width digits, as an IME types them
    for code, quantity in (("D-XRAY-PANORAMIC", "1"), ("D-ANAESTHESIA-LOCAL", "2"), ("D-IMPLANT-SERVICE", "1")):
        page.click("#yb-add-code")
        row = rows.last
        row.locator('[data-part="code"]').select_option(code)
        row.locator('[data-part="quantity"]').fill(quantity)
    page.click("#yb-add-free")
    free = rows.last
    free.locator('[data-part="name"]').fill("住院床位费")
    free.locator('[data-part="category"]').select_option("A")
    free.locator('[data-part="kind"]').select_option("service")
    free.locator('[data-part="amount"]').fill("600")
    page.click(".yb-ytd summary")
    page.fill('[data-field="year_to_date.deductible_paid"]', "100")
    page.fill("#yb-personal_account_balance", "800")


# -- 1. region picker ------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "region_id"), [("淄博", "zibo"), ("zibo", "zibo"), ("Zī Bó", "zibo"), ("zi1bo2", "zibo"), ("Qingdao", "qingdao"), ("青岛市", "qingdao"), ("wu han", "wuhan"), ("Shenzhen", "shenzhen"), ("广东", "guangdong")])
def test_the_region_picker_finds_a_region_by_chinese_name_pinyin_or_english(estimator: Any, typed: str, region_id: str) -> None:
    page = estimator
    pick_region(page, typed, region_id)
    assert page.input_value("#yb-region-search") == page.evaluate(f"document.querySelector('#yb-region option[value={region_id}]').textContent.trim()")
    assert request_in_fragment(page)["region"] == region_id  # kept at once


def test_the_region_picker_is_a_keyboard_combobox(estimator: Any) -> None:
    page = estimator
    pick_region(page, "zibo", "zibo")
    box = page.locator("#yb-region-search")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-controls") == "yb-region-list"
    assert page.evaluate("document.querySelector('label[for=yb-region-search]') !== null")
    box.focus()
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-expanded") == "true"
    active = box.get_attribute("aria-activedescendant")
    assert active == "yb-region-option-zibo"  # opens on the current region
    page.keyboard.press("ArrowDown")
    moved = box.get_attribute("aria-activedescendant")
    assert moved != active and page.locator(f"#{moved}").get_attribute("role") == "option"
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and page.input_value("#yb-region") == "zibo"
    page.keyboard.type("nomatch")
    assert "没有找到" in page.inner_text("#yb-region-list")
    page.keyboard.press("Enter")  # nothing to pick: nothing happens, the form is not submitted
    assert page.is_hidden("#yb-result") and page.input_value("#yb-region") == "zibo"
    page.keyboard.press("Escape")
    assert page.input_value("#yb-region-search") == "淄博市"


def test_regions_with_weak_data_say_so_and_point_to_own_numbers(page: Any) -> None:
    page.fill("#yb-region-search", "hubei")
    option = page.locator("#yb-region-option-hubei")
    assert "没有本地数字" in option.inner_text()  # Hubei province states no numbers of its own
    page.keyboard.press("Enter")
    assert page.is_visible("#yb-region-note") and "沿用上级" in page.inner_text("#yb-region-note")
    page.click("#yb-region-own")
    assert page.evaluate("document.querySelector('#yb-own').open")
    assert page.evaluate("document.activeElement.dataset.field") == "own.deductible"
    pick_region(page, "zibo", "zibo")  # numbers of its own, from unverified sources: the note says that instead
    assert page.is_visible("#yb-region-note") and "未经核实" in page.inner_text("#yb-region-note")
    assert "沿用上级" not in page.inner_text("#yb-region-note")


# -- 2. procedures and the result --------------------------------------------------------------


def test_picked_procedures_give_the_engines_result_with_steps_sources_and_glossary_links(page: Any) -> None:
    fill_zibo_admission(page)
    submit_and_wait(page, explore=False)
    request = request_in_fragment(page)
    assert request["items"][0] == {"code": "D-EXT-IMPACTED", "quantity": 2, "unit_price": "900"}
    assert request["items"][-1] == {"name": "住院床位费", "category": "A", "amount": "600", "kind": "service"}
    expected = cpython(request)
    assert "error" not in expected, expected
    insured = sum(Decimal(expected[k]) for k in ("fund", "serious_illness", "supplementary", "assistance"))
    assert expected["exact"] is True, expected["bounds"]  # Zibo's inpatient numbers are exact (if unverified)
    assert page.inner_text('[data-key="you_pay"]') == expected_figure(expected)
    assert page.get_attribute(".yb-big-you", "data-headline") == expected_headline(expected, "zh")
    assert page.inner_text('[data-key="insurance_pays"]') == shown_amount(str(insured), expected)
    for key in ("total", "fund", "personal_account", "cash", "out_of_pocket"):
        assert page.inner_text(f'.yb-summary [data-key="{key}"]') == yuan(expected[key])
    assert page.locator(".yb-lines tbody tr").count() == len(expected["lines"]) == 5
    # every step, in order, with its amount, its sources' links and confidence
    steps = page.locator(".yb-steps > li")
    assert [steps.nth(i).get_attribute("data-rule") for i in range(steps.count())] == [s["rule"] for s in expected["steps"]]
    for i, step in enumerate(expected["steps"]):
        li = steps.nth(i)
        assert yuan(step["amount"]) in li.inner_text()
        urls = [expected["sources"][s]["url"] for s in step["sources"] if (expected["sources"][s].get("url") or "").startswith("http")]
        assert li.locator("a.yb-src").evaluate_all("els => els.map(a => a.href)") == urls
        if "confidence" in step:
            assert li.locator(f".yb-conf-{step['confidence']}").count() == 1
        term = li.locator("a.yb-term")
        if step["rule"] in ("lines", "deductible", "fund", "annual_cap", "serious_illness", "personal_account", "cash"):
            assert term.count() == 1
            href = term.get_attribute("href")
            assert href.startswith("../guide/glossary/#") and href.split("#")[1] in GLOSSARY_IDS
    # the implant is excluded, and the warning says so above the tables
    codes = page.locator(".yb-warnings li").evaluate_all("els => els.map(li => li.dataset.code)")
    assert codes == [w["code"] for w in expected["warnings"]] and "excluded_item" in codes
    assert "种植" in page.inner_text('.yb-warnings li[data-code="excluded_item"]')
    # the claim checklist of Zibo and the regions above it
    assert page.is_visible("#yb-checklist")
    assert page.locator('#yb-checklist [data-topic="documents"] li[data-region="cn"]').count() >= 1
    assert page.locator('#yb-checklist [data-topic="submit_window"] li[data-region="zibo"]').count() >= 1


def test_a_result_says_when_the_form_has_changed_since(page: Any) -> None:
    page.locator('.yb-item [data-part="code"]').select_option("D-FILL-RESIN")
    submit_and_wait(page, explore=False)
    assert page.is_hidden(".yb-stale-note")
    page.locator('.yb-item [data-part="quantity"]').fill("3")
    assert page.is_visible(".yb-stale-note")
    assert request_in_fragment(page)["items"][0]["quantity"] == 3  # kept, not estimated yet
    submit_and_wait(page, explore=False)
    assert page.is_hidden(".yb-stale-note")
    assert "× 3" in page.inner_text(".yb-lines")


# -- 3. compare and chart ----------------------------------------------------------------------


def test_the_compare_table_is_the_engines_answer_for_each_level_and_location(page: Any) -> None:
    fill_zibo_admission(page)
    submit_and_wait(page)
    request = request_in_fragment(page)
    cells = page.locator(".yb-compare-table td")
    assert cells.count() == 9
    paid: dict[tuple[int, str], Decimal] = {}
    for i in range(9):
        cell = cells.nth(i)
        level, location = int(cell.get_attribute("data-level")), cell.get_attribute("data-location")
        variant = {**request, "institution_level": level, "location": location}
        if location == "cross_region_filed":
            variant["filing"] = request.get("filing", "temporary")
        else:
            variant.pop("filing", None)
        expected = cpython(variant)
        if "error" in expected:
            assert "无法估算" in cell.inner_text()
        else:
            assert cell.get_attribute("data-you-pay") == expected["out_of_pocket"]
            assert expected_figure(expected) in cell.inner_text()
            paid[(level, location)] = Decimal(expected["out_of_pocket"])
    assert len(paid) >= 3
    cheapest = min(paid.values())
    assert len(set(paid.values())) > 1  # some cell is cheaper than another (test_estimator_ranges: when none is)
    marked = page.locator(".yb-compare-table td.yb-cheapest")
    assert marked.count() == sum(1 for v in paid.values() if v == cheapest)
    assert all(Decimal(marked.nth(i).get_attribute("data-you-pay")) == cheapest for i in range(marked.count()))
    assert "最省" in marked.first.inner_text()  # said in words, not only in colour
    current = page.locator(".yb-compare-table td.yb-current")
    assert current.count() == 1 and current.get_attribute("data-level") == "2" and current.get_attribute("data-location") == "local"


def test_the_chart_marks_the_deductible_the_band_edge_and_the_cap_where_the_engine_bends(page: Any) -> None:
    pick_region(page, "qingdao", "qingdao")
    page.fill("#yb-visit_date", "2026-12-01")
    page.select_option("#yb-care", "inpatient")
    page.select_option("#yb-institution_level", "1")
    page.click(".yb-item .yb-remove")
    page.click("#yb-add-free")
    page.locator('.yb-item [data-part="name"]').fill("住院费用")
    page.locator('.yb-item [data-part="amount"]').fill("800")
    submit_and_wait(page)
    chart = page.locator("#yb-chart svg")
    assert chart.get_attribute("role") == "img"
    assert page.locator("#yb-chart-svg-title").text_content() and "您在这里" in page.locator("#yb-chart-svg-desc").text_content()
    breaks = {li.get_attribute("data-cause"): Decimal(li.get_attribute("data-bill")) for li in page.locator(".yb-breaks li").all()}
    # Qingdao, level 1: deductible 200; 90 % up to 40,000 of in-scope cost then 95 %; cap 200,000
    # (hand calculation: 0.9 × 39,800 + 0.95 × (B − 40,000) = 200,000 → B = 212,821.05)
    # (found from the engine's answers, rounded to the fen: a bend of 5 points in the ratio is
    # seen to within a few jiao, hence "about" on the page)
    assert abs(breaks["deductible"] - Decimal("200")) <= Decimal("0.5"), breaks
    assert abs(breaks["fund"] - Decimal("40000")) <= Decimal("0.5"), breaks
    assert abs(breaks["annual_cap"] - Decimal("212821.05")) <= Decimal("0.5"), breaks
    # each breakpoint is on the engine's own answer: just past it, the rule has changed
    request = request_in_fragment(page)
    at = lambda bill: cpython({**request, "items": [{"name": "住院费用", "category": "A", "amount": str(bill)}]})  # noqa: E731
    assert Decimal(at(breaks["deductible"] + 1)["fund"]) > 0 and at(breaks["deductible"] - 1)["fund"] == "0.00"
    assert at(breaks["annual_cap"] + 1)["fund"] == "200000.00" != at(breaks["annual_cap"] - 1)["fund"]
    assert "95%" not in at(breaks["fund"] - 1)["steps"][2]["text"]["en"] and "95%" in at(breaks["fund"] + 1)["steps"][2]["text"]["en"]
    # the deductible is on the drawing (the others lie beyond the bill's range and are listed)
    assert page.locator('#yb-chart svg .yb-break[data-cause="deductible"]').count() == 1
    assert page.locator("#yb-chart svg .yb-here circle").count() == 1
    # what you pay never falls as the bill grows (the table is the chart's text alternative)
    rows = page.locator(".yb-chart-table tbody tr").evaluate_all("trs => trs.map(tr => [...tr.cells].slice(0, 2).map(td => td.textContent))")
    pairs = [[Decimal(c.replace("¥", "").replace(",", "")) for c in row] for row in rows]
    assert len(pairs) >= 5 and all(b[0] > a[0] and b[1] >= a[1] for a, b in zip(pairs, pairs[1:]))
    assert [Decimal("800.00"), Decimal(cpython(request)["out_of_pocket"])] in pairs


#: In the page: once the comparison is done and the chart's calls are queued, ask for an estimate
#: and count the worker's answers to other calls that arrive before its own.
AHEAD_OF_THE_CHART = """async (request) => {
  const worker = window.__yibaoWorker.worker;
  const compare = document.getElementById("yb-compare");
  await new Promise((resolve) => {
    if (compare.dataset.state === "done") return resolve();
    new MutationObserver((_, observer) => { if (compare.dataset.state === "done") { observer.disconnect(); resolve(); } })
      .observe(compare, { attributes: true, attributeFilter: ["data-state"] });
  });
  let answers = 0;
  const count = ({ data }) => { if (data.type === "result") answers++; };
  worker.addEventListener("message", count);
  const chartBefore = document.getElementById("yb-chart").dataset.state;
  const result = await window.yibao.estimate(request);
  worker.removeEventListener("message", count);
  return { before: answers - 1, chartBefore, chartAfter: document.getElementById("yb-chart").dataset.state, total: result.total };
}"""


def test_a_new_estimate_goes_ahead_of_the_last_ones_chart(page: Any) -> None:
    """The chart asks the engine ~50–160 times in the background: the reader's next estimate is
    answered after at most the two of those already in the worker, not after all of them."""
    fill_zibo_admission(page)
    page.click("#yb-submit")
    request = {**request_in_fragment(page), "institution_level": 3}
    got = page.evaluate(AHEAD_OF_THE_CHART, request)
    assert got["chartBefore"] == got["chartAfter"] == "working", got
    assert got["before"] <= 2, got
    assert got["total"] == cpython(request)["total"]
    page.wait_for_selector('#yb-chart[data-state="done"]', timeout=60_000)


# -- 4. own numbers ----------------------------------------------------------------------------


def test_own_numbers_make_an_inline_policy_that_the_engine_uses_and_the_link_keeps(page: Any, browser: Any) -> None:
    pick_region(page, "湖北", "hubei")  # the province states no numbers of its own
    page.fill("#yb-visit_date", "2026-12-01")
    page.locator('.yb-item [data-part="code"]').select_option("D-EXT-IMPACTED")
    page.click("#yb-submit")
    error = page.locator("#yb-form-error")
    error.wait_for()
    assert "起付标准" in error.inner_text()  # the data lacks Hubei's outpatient deductible, said in the reader's words
    assert "rules." not in error.inner_text()
    assert page.evaluate("document.activeElement.id") == "yb-form-error"
    error.locator("button").click()  # "use my own numbers"
    assert page.evaluate("document.activeElement.dataset.field") == "own.deductible"
    page.fill('[data-field="own.deductible"]', "200")
    page.select_option('[data-field="own.basis"]', "annual")
    page.fill('[data-field="own.ratio"]', "60%")
    page.fill('[data-field="own.band_up_to"]', "500")
    page.fill('[data-field="own.ratio_above"]', "70")
    page.fill('[data-field="own.annual_cap"]', "3,000")
    submit_and_wait(page, explore=False)
    request = request_in_fragment(page)
    policy = request["policy"]
    assert policy["parent"] == "hubei" and policy["sources"][0]["confidence"] == "own"
    rules = policy["rules"]["employee"]["outpatient"]
    assert rules["ratio"]["values"][0]["rows"][0]["bands"] == [{"up_to": "500", "percent": "60"}, {"up_to": None, "percent": "70"}]
    assert rules["annual_cap"]["values"][0]["rows"][0]["value"] == "3000"
    expected = cpython(request)
    # hand calculation: 800 in scope, deductible 200; 300 × 60 % (to 500) + 300 × 70 % = 390
    assert expected["fund"] == "390.00"
    assert page.inner_text('[data-key="insurance_pays"]') == "¥390.00"
    assert page.is_visible(".yb-own-note")
    assert "own" in expected["policy"]["chain"]

    link, form = page.url, page.evaluate(FORM_STATE)
    fresh = browser.new_context()
    other = fresh.new_page()
    other.goto(link)
    other.wait_for_selector("#yb-result:not([hidden])", timeout=READY_TIMEOUT_MS)
    # the same form, "60%" and "3,000" now written as the engine read them
    as_read = {"own.ratio": "60", "own.annual_cap": "3000"}
    assert other.evaluate(FORM_STATE) == [[n, as_read.get(n, v), s] for n, v, s in form] and other.url == link
    assert other.inner_text('[data-key="insurance_pays"]') == "¥390.00"
    fresh.close()

    # a wrong own number is shown beside its field, as typed
    page.fill('[data-field="own.ratio_above"]', "七十")
    page.click("#yb-submit")
    message = page.locator('.yb-error-field[data-field*="bands[1].percent"]')
    message.wait_for()
    field = page.locator('[data-field="own.ratio_above"]')
    assert field.get_attribute("aria-invalid") == "true" and field.input_value() == "七十"
    assert field.get_attribute("aria-describedby") == message.get_attribute("id")
    assert page.evaluate("document.activeElement.dataset.field") == "own.ratio_above"


# -- 5. print ----------------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_estimate_and_the_checklist_print_on_one_a4_page(browser: Any, server: str, lang: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = open_estimator(context, server + "estimate/")
    fill_zibo_admission(page)
    submit_and_wait(page)
    if lang == "en":  # the same estimate from its link, in English (longer texts)
        page.goto(server + "en/estimate/" + page.url.split("/estimate/", 1)[1])
        page.wait_for_selector('#yb-chart[data-state="done"]', timeout=READY_TIMEOUT_MS)
        assert "You pay" in page.inner_text(".yb-big")
    page.emulate_media(media="print")
    assert page.is_hidden("#yb-form") and page.is_hidden("#yb-compare") and page.is_hidden(".md-header")
    assert page.is_visible("#yb-result .yb-big") and page.is_visible("#yb-checklist") and page.is_visible(".yb-steps")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf_pages(pdf) == 1
    context.close()


# -- 7. nothing typed is lost --------------------------------------------------------------------


def _fill_without_estimating(page: Any) -> None:
    pick_region(page, "qingdao", "qingdao")
    page.select_option("#yb-care", "inpatient")
    page.fill("#yb-admission_number", "2")
    page.locator('.yb-item [data-part="quantity"]').fill("3")
    page.click("#yb-add-free")
    page.locator('.yb-item [data-part="name"]').last.fill("床位费")
    page.locator('.yb-item [data-part="amount"]').last.fill("450")
    page.click(".yb-ytd summary")
    page.fill('[data-field="year_to_date.fund_paid"]', "1200")
    page.click("#yb-own summary")
    page.fill('[data-field="own.annual_cap"]', "150000")


def _values(state: list[list[Any]]) -> list[tuple[Any, Any]]:
    """Field values (the region box shows the region's name in the page's language)."""
    return [(name, value) for name, value, _shown in state if name != "yb-region-search"]


def test_a_reload_keeps_every_input(page: Any) -> None:
    _fill_without_estimating(page)
    before = page.evaluate(FORM_STATE)
    page.reload()
    page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
    assert page.evaluate(FORM_STATE) == before
    assert page.input_value("#yb-region-search") == "青岛市"


def test_switching_language_keeps_the_inputs(page: Any) -> None:
    _fill_without_estimating(page)
    before = page.evaluate(FORM_STATE)
    page.hover(".md-header__option .md-select")
    english = page.locator('a.md-select__link[hreflang="en"]')
    english.wait_for(state="visible")
    english.click()
    page.wait_for_url("**/en/estimate/**")
    page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
    assert _values(page.evaluate(FORM_STATE)) == _values(before)
    assert page.input_value("#yb-region-search") == "Qingdao"
    # and back, with what was added on the English page
    page.fill("#yb-personal_account_balance", "66")
    back = page.locator('a.md-select__link[hreflang="zh"]')
    assert json.loads(_fragment_of(back.get_attribute("href")))["personal_account_balance"] == "66"


def _fragment_of(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href.split("#", 1)[1])


# -- keyboard only -------------------------------------------------------------------------------


def test_the_whole_form_works_with_the_keyboard_alone(page: Any) -> None:
    page.focus("#yb-region-search")
    page.keyboard.type("shen zhen")
    page.keyboard.press("Enter")
    assert page.input_value("#yb-region") == "shenzhen"
    seen = []
    for _ in range(80):  # Tab through every control to the Estimate button
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement;
            const r = e.getBoundingClientRect();
            return {id: e.id, part: e.dataset.part || e.dataset.field || '', tag: e.tagName, visible: r.width > 0 && r.height > 0}; }""")
        assert focused["visible"], focused
        seen.append(focused["part"] or focused["id"])
        if focused["id"] == "yb-submit":
            break
    assert "yb-submit" in seen and "code" in seen and "visit_date" in seen and "yb-add-free" in seen
    page.keyboard.press("Enter")
    page.wait_for_selector("#yb-result:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "yb-result-title"
    assert request_in_fragment(page)["region"] == "shenzhen"
