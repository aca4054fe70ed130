"""The estimator's links into the glossary land on their terms, and axe-core finds nothing on
the estimator page in any state a reader sees: empty form, the region list open, a result with
its compare table, chart and checklist, errors beside their fields and above the form, the
own-numbers section open; in both languages, on a phone and a desktop."""

from __future__ import annotations

from typing import Any

import pytest
from axe import describe
from estimator_page import axe_violations, pick_region, submit_and_wait
from test_estimator_flows import GLOSSARY_IDS, fill_zibo_admission
from yibao_site import open_estimator


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_glossary_link_of_a_result_lands_on_its_term(browser: Any, server: str, lang: str) -> None:
    context = browser.new_context()
    page = open_estimator(context, server + "estimate/")
    fill_zibo_admission(page)
    submit_and_wait(page, explore=False)
    if lang == "en":
        page.goto(server + "en/estimate/" + page.url.split("/estimate/", 1)[1])
        page.wait_for_selector("#yb-result:not([hidden])")
    hrefs = sorted(set(page.locator("a.yb-term").evaluate_all("els => els.map(a => a.href)")))
    assert len(hrefs) >= 5
    glossary = page.context.new_page()
    response = glossary.goto(hrefs[0].split("#")[0])
    assert response is not None and response.ok, "the glossary page (guide/glossary/) is missing"
    for href in hrefs:
        assert glossary.locator(f"[id='{href.split('#')[1]}']").count() == 1, href
    glossary.close()
    context.close()


@pytest.mark.parametrize(("lang", "width"), [("zh", 375), ("en", 1280)])
def test_the_estimator_has_no_axe_violations_in_any_state(browser: Any, server: str, lang: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN" if lang == "zh" else "en-GB")
    page = open_estimator(context, server + ("estimate/" if lang == "zh" else "en/estimate/"))
    states: dict[str, list[dict[str, Any]]] = {"empty form": axe_violations(page)}

    page.click("#yb-region-search")
    page.fill("#yb-region-search", "shan")
    page.wait_for_selector("#yb-region-list:not([hidden])")
    states["region list open"] = axe_violations(page)
    page.keyboard.press("Escape")

    fill_zibo_admission(page)
    submit_and_wait(page)
    page.click(".yb-chart-points summary")  # the chart's table too
    states["result, compare, chart, checklist"] = axe_violations(page)

    free = page.locator(".yb-item").last
    free.locator('[data-part="amount"]').fill("12.345")
    page.fill('[data-field="year_to_date.deductible_paid"]', "-5")
    page.click("#yb-submit")
    page.wait_for_selector(".yb-error-field")
    states["error beside a field"] = axe_violations(page)

    free.locator('[data-part="amount"]').fill("600")
    page.fill('[data-field="year_to_date.deductible_paid"]', "")
    pick_region(page, "hubei", "hubei")  # states no numbers: the data lacks the outpatient deductible
    page.select_option("#yb-care", "outpatient")
    page.click("#yb-submit")
    page.wait_for_selector("#yb-form-error:not([hidden])")
    page.click("#yb-form-error button")
    states["general error, own numbers open"] = axe_violations(page)
    context.close()

    failing = {state: v for state, v in states.items() if v}
    assert not failing, "\n".join(f"[{state}]\n{describe(v)}" for state, v in failing.items())
