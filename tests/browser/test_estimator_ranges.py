"""A headline as sure as its data (issue 15, items 5, 7 and 8), in Chromium: a range with its
typical value for a region whose numbers are partly ranges and unverified (whole yuan), the
exact figure for the reader's own numbers, ranges in the compare table and a band in the chart;
"cheapest" only where a cell is cheaper than another; own numbers labelled as the reader's;
the place of treatment for care elsewhere. In zh and en, on a phone and a desktop, with axe."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from axe import describe
from estimator_page import PAGE_WIDTH, axe_violations, cpython, expected_headline, pick_region, request_in_fragment, submit_and_wait
from yibao_site import open_estimator

TEXT = {
    "zh": {"own": "我的数字", "own_badge": "您填写的数字", "typically": "通常", "cheapest": "最省", "since": "{date} 起；部分数字开始日期不详（{seen} 已见实施）"},
    "en": {"own": "My own numbers", "own_badge": "your own numbers", "typically": "typically", "cheapest": "cheapest", "since": "{date}; some numbers' start unknown (seen in force on {seen})"},
}


def _zibo_dental_visit(page: Any) -> None:
    """A Zibo employee's dental outpatient visit with a category-B antibiotic (issue 15's first
    example): Zibo's outpatient ratio and cap are ranges, its sources unverified."""
    pick_region(page, "zibo", "zibo")
    page.fill("#yb-visit_date", "2026-12-01")
    page.select_option("#yb-care", "outpatient")
    page.select_option("#yb-institution_level", "1")
    page.locator('.yb-item [data-part="code"]').select_option("D-FILL-RESIN")
    page.click("#yb-add-free")
    line = page.locator(".yb-item").last
    line.locator('[data-part="name"]').fill("阿莫西林")
    line.locator('[data-part="category"]').select_option("B")
    line.locator('[data-part="kind"]').select_option("drug")
    line.locator('[data-part="amount"]').fill("100")


def _own_numbers_in_hubei(page: Any) -> None:
    """Hubei province states no numbers of its own: the reader enters every one the bill needs."""
    pick_region(page, "hubei", "hubei")
    page.click("#yb-own summary")
    page.fill('[data-field="own.deductible"]', "200")
    page.fill('[data-field="own.ratio"]', "60")
    page.fill('[data-field="own.annual_cap"]', "3000")
    page.fill('[data-field="own.category_b_first_pay"]', "10")


@pytest.mark.parametrize(("lang", "width"), [("zh", 375), ("zh", 1280), ("en", 375), ("en", 1280)])
def test_a_range_headline_for_unverified_data_and_an_exact_one_for_own_numbers(browser: Any, server: str, lang: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = open_estimator(context, server + ("estimate/" if lang == "zh" else "en/estimate/"))
    T = TEXT[lang]

    _zibo_dental_visit(page)
    page.fill("#yb-personal_account_balance", "300")  # its scope has a known start
    submit_and_wait(page)
    expected = cpython(request_in_fragment(page))
    assert expected["exact"] is False and expected["policy"]["confidence"] == "unverified", expected["policy"]
    you = page.locator(".yb-big-you")
    sentence = expected_headline(expected, lang)
    assert you.get_attribute("data-headline") == sentence and you.get_attribute("data-range") == "true"
    low_high, typical = sentence.split("，" if lang == "zh" else ", ")
    assert page.inner_text('[data-key="you_pay"]') in low_high and "." not in page.inner_text('[data-key="you_pay"]')  # whole yuan
    assert page.inner_text('[data-key="you_pay_typical"]') == typical
    assert page.is_visible(".yb-rounded-note") and page.is_visible(".yb-range-note")
    # Zibo's numbers have an unknown start: the policy's date says so beside the known start of
    # the others (the personal account's scope)
    assert expected["policy"]["seen_on"] and expected["policy"]["effective"], expected["policy"]
    since = page.inner_text(".yb-policy dd >> nth=1")
    assert since == T["since"].format(date=expected["policy"]["effective"], seen=expected["policy"]["seen_on"]), since
    # the steps keep the fen and say which ranges they used
    steps = page.inner_text(".yb-steps")
    for step in expected["steps"]:
        assert f"¥{Decimal(step['amount']):,.2f}" in steps
    ranged = [r for s in expected["steps"] for r in s.get("range", [])]
    assert ranged and page.locator(".yb-step-range").count() == sum(1 for s in expected["steps"] if s.get("range"))
    assert ranged[0]["parameter"][lang] in page.inner_text(".yb-step-range >> nth=0")
    # the compare table and the chart show the range too
    assert page.locator('.yb-compare-table td[data-range="true"]').count() >= 1
    assert T["typically"] in page.inner_text(".yb-compare-table")
    assert page.locator("#yb-chart svg .yb-band").count() == 1
    assert page.evaluate(PAGE_WIDTH) <= width
    page.click(".yb-chart-points summary")
    ranged_state = axe_violations(page)

    page.fill("#yb-personal_account_balance", "")
    _own_numbers_in_hubei(page)
    submit_and_wait(page)
    request = request_in_fragment(page)
    expected = cpython(request)
    assert expected["exact"] is True and expected["policy"]["confidence"] == "own", expected["policy"]
    assert you.get_attribute("data-headline") == expected_headline(expected, lang)
    assert you.get_attribute("data-range") == "false" and page.locator('[data-key="you_pay_typical"]').count() == 0
    assert page.inner_text('[data-key="you_pay"]').endswith(f"{Decimal(expected['out_of_pocket']):,.2f}")  # exact: to the fen
    assert page.locator(".yb-rounded-note, .yb-range-note").count() == 0
    # the reader's numbers are labelled as theirs: never the raw id, never "unverified"
    policy = page.inner_text(".yb-policy")
    assert T["own"] in policy and "own" not in policy.replace(T["own"], "").replace(T["own_badge"], "")
    assert page.locator(".yb-policy .yb-conf-own").inner_text() == T["own_badge"]
    assert page.locator(".yb-steps .yb-conf-unverified").count() == 0 and page.locator(".yb-steps .yb-conf-own").count() >= 2
    assert page.evaluate(PAGE_WIDTH) <= width
    page.click(".yb-chart-points summary")
    own_state = axe_violations(page)
    context.close()

    failing = {state: v for state, v in {"range": ranged_state, "own numbers": own_state}.items() if v}
    assert not failing, "\n".join(f"[{state}]\n{describe(v)}" for state, v in failing.items())


def test_cheapest_marks_only_cells_cheaper_than_another(estimator: Any) -> None:
    page = estimator
    pick_region(page, "zibo", "zibo")
    page.fill("#yb-visit_date", "2026-12-01")
    page.select_option("#yb-care", "inpatient")
    page.locator(".yb-item").first.locator('[data-part="code"]').select_option("D-IMPLANT-SERVICE")  # excluded everywhere
    for extra in page.locator(".yb-item").all()[1:]:
        extra.locator(".yb-remove").click()
    submit_and_wait(page, explore=False)
    page.wait_for_selector('#yb-compare[data-state="done"]', timeout=60_000)
    paid = page.locator(".yb-compare-table td[data-you-pay]").evaluate_all("tds => tds.map(td => td.dataset.youPay)")
    assert len(paid) == 9 and len(set(paid)) == 1, paid  # the same in every cell
    assert page.locator(".yb-compare-table td.yb-cheapest").count() == 0
    assert "最省" not in page.inner_text(".yb-compare-table")

    # an everyday bill: levels differ, and only the cheapest cells are marked
    page.locator('.yb-item [data-part="code"]').first.select_option("D-EXT-IMPACTED")
    submit_and_wait(page, explore=False)
    page.wait_for_function("() => document.querySelector('#yb-compare').dataset.state === 'done' && document.querySelector('.yb-compare-table td[data-you-pay]')")
    page.wait_for_timeout(200)
    cells = page.locator(".yb-compare-table td[data-you-pay]").evaluate_all("tds => tds.map(td => [td.dataset.youPay, td.classList.contains('yb-cheapest')])")
    amounts = [Decimal(a) for a, _ in cells]
    assert len(set(amounts)) > 1, cells
    assert [marked for _, marked in cells] == [a == min(amounts) for a in amounts]


def test_the_deductible_basis_follows_the_care_until_the_reader_picks_one(estimator: Any) -> None:
    page = estimator
    basis = '[data-field="own.basis"]'
    page.select_option("#yb-care", "outpatient")
    assert page.input_value(basis) == "annual"
    page.select_option("#yb-care", "inpatient")
    assert page.input_value(basis) == "per_admission"
    page.evaluate("document.querySelector('#yb-own').open = true")
    page.select_option(basis, "per_visit")  # the reader's choice stays
    page.select_option("#yb-care", "outpatient")
    assert page.input_value(basis) == "per_visit"


def test_own_category_b_share_and_cross_region_numbers_reach_the_engine(estimator: Any) -> None:
    page = estimator
    _zibo_dental_visit(page)
    page.select_option("#yb-location", "cross_region_unfiled")
    assert page.is_visible('[data-field="treatment_region"]')
    page.select_option('[data-field="treatment_region"]', "qingdao")
    page.evaluate("document.querySelector('#yb-own').open = true")
    page.fill('[data-field="own.category_b_first_pay"]', "15")
    page.fill('[data-field="own.cross_first_pay"]', "20")
    submit_and_wait(page, explore=False)
    request = request_in_fragment(page)
    assert request["treatment_region"] == "qingdao"
    rules = request["policy"]["rules"]["employee"]
    assert rules["category_b_first_pay"]["values"][0]["rows"] == [{"value": "15"}]
    assert rules["cross_region"]["first_pay"]["values"][0]["rows"] == [{"value": "20"}]
    expected = cpython(request)
    assert "error" not in expected, expected
    assert [line["first_pay"] for line in expected["lines"]] == ["0.00", "15.00"]  # 15 % of the 100 yuan category-B line
    assert page.inner_text('[data-key="you_pay"]') in expected_headline(expected, "zh")
    assert "青岛" in page.inner_text(".yb-visit")
    # care at home again: no place of treatment in the request
    page.select_option("#yb-location", "local")
    assert page.is_hidden('[data-field="treatment_region"]') and "treatment_region" not in request_in_fragment(page)
    for name in ("category_b_first_pay", "cross_first_pay"):
        page.fill(f'[data-field="own.{name}"]', "")
