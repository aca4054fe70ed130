"""Shared links that arrive broken (issue 17, "What the reader sees when input is wrong"):
garbage, JSON cut short by a messenger, values of the wrong type. The page says that the link
could not be read, restores what it can, names what it could not, runs no estimate of half a
link, and never throws."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from axe import describe
from estimator_page import axe_violations
from yibao_site import READY_TIMEOUT_MS, open_estimator

LABELS = {
    "zh": {"broken": "无法读取这个链接中的估算", "partial": "这个链接没有能完整读取", "dropped": "没有恢复的项目："},
    "en": {"broken": "The estimate in this link could not be read", "partial": "This link could not be read in full", "dropped": "Not restored: "},
}

#: A request the form can show whole (Qingdao, an admission, two lines, a year so far).
GOOD = {
    "region": "qingdao", "visit_date": "2026-12-01", "scheme": "employee", "member": "in_service", "care": "inpatient",
    "institution_level": 3, "admission_number": 2, "location": "local", "designated": True, "emergency": False,
    "items": [{"code": "D-EXT-IMPACTED", "quantity": 2}, {"name": "住院床位费", "category": "A", "amount": "600", "kind": "service"}],
    "year_to_date": {"deductible_paid": "100"},
}


def fragment(request: dict[str, Any]) -> str:
    return "#" + quote(json.dumps(request, ensure_ascii=False, separators=(",", ":")), safe="")


@pytest.fixture
def page(estimator: Any) -> Any:
    """The module's estimator page; no test may leave an uncaught error on it."""
    errors: list[str] = []
    record = lambda e: errors.append(str(e))  # noqa: E731
    estimator.on("pageerror", record)
    yield estimator
    estimator.remove_listener("pageerror", record)
    assert not errors, errors


def go(page: Any, hash_: str) -> str:
    """Follow a link to the same page with this fragment (hashchange, as a pasted link does);
    the link's note, or "" when none shows."""
    before = page.get_attribute(".yb-estimator", "data-estimates")
    page.evaluate("h => { location.hash = h; }", hash_)
    page.wait_for_timeout(300)  # the hashchange has been handled
    assert page.get_attribute(".yb-estimator", "data-estimates") == before, "a broken link must not run an estimate"
    return page.inner_text("#yb-link-note") if page.is_visible("#yb-link-note") else ""


def test_garbage_says_the_link_could_not_be_read_and_keeps_the_form(page: Any) -> None:
    region = page.input_value("#yb-region")
    for garbage in ("#garbage%%", "#%E6%B7", "#%7B%7B%7B", "#" + quote("[1,2,3]"), "#" + quote('"text"'), "#" + quote("{not json at all")):
        note = go(page, garbage)
        assert note.startswith(LABELS["zh"]["broken"]), (garbage, note)
        assert page.input_value("#yb-region") == region


def test_a_link_cut_short_restores_what_it_holds_and_says_so(page: Any) -> None:
    whole = fragment(GOOD)
    cut = whole[: whole.index(quote('"name"'))]  # inside the second bill line
    note = go(page, cut)
    assert note.startswith(LABELS["zh"]["partial"]), note
    assert page.input_value("#yb-region") == "qingdao" and page.input_value("#yb-care") == "inpatient"
    assert page.input_value("#yb-institution_level") == "3" and page.input_value("#yb-admission_number") == "2"
    assert page.locator(".yb-item").count() == 1
    assert page.locator('.yb-item [data-part="code"]').input_value() == "D-EXT-IMPACTED"
    assert page.is_hidden("#yb-result")
    # the whole link afterwards: no note, and its estimate runs
    page.evaluate("h => { location.hash = h; }", whole)
    page.wait_for_selector("#yb-result:not([hidden])", timeout=READY_TIMEOUT_MS)
    assert page.is_hidden("#yb-link-note")


def test_values_of_the_wrong_type_are_named_and_the_rest_restored(page: Any) -> None:
    broken = {**GOOD, "scheme": 42, "designated": "yes", "year_to_date": 5, "care": {"x": 1}, "visit_date": "2026-13-45",
              "items": [7, {"code": "D-FILL-RESIN", "quantity": 1}, {"name": ["x"], "amount": "1"}]}
    note = go(page, fragment(broken))
    assert note.startswith(LABELS["zh"]["partial"]), note
    dropped = note.split(LABELS["zh"]["dropped"], 1)[1]
    for label in ("险种", "医保定点医疗机构", "本年度已经发生的", "门诊或住院", "就诊日期", "第 1 项费用", "第 3 项费用"):
        assert label in dropped, (label, dropped)
    assert "scheme" not in note and "items[" not in note  # the reader's words, not the request's keys
    assert page.input_value("#yb-region") == "qingdao"
    assert page.locator(".yb-item").count() == 1 and page.locator('.yb-item [data-part="code"]').input_value() == "D-FILL-RESIN"
    assert page.is_hidden("#yb-result")  # the last link's result is not this form's


def test_an_anchor_is_not_a_broken_link(page: Any) -> None:
    before = page.get_attribute(".yb-estimator", "data-estimates")
    page.evaluate("h => { location.hash = h; }", fragment({**GOOD, "visit_date": "2026-11-30"}))
    page.wait_for_function("b => document.querySelector('.yb-estimator').dataset.estimates !== b", arg=before, timeout=READY_TIMEOUT_MS)
    page.wait_for_selector("#yb-result:not([hidden])")
    assert go(page, "#yb-form") == ""  # an element's id: a link to a place on the page
    assert page.input_value("#yb-region") == "qingdao"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_broken_link_opened_in_a_fresh_tab_says_so_in_the_pages_language(browser: Any, server: str, lang: str) -> None:
    """`"scheme": 42` used to throw "Cannot read properties of undefined (reading 'value')"."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    errors: list[str] = []
    context.on("weberror", lambda e: errors.append(str(e.error)))
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + ("estimate/" if lang == "zh" else "en/estimate/") + fragment({**GOOD, "scheme": 42}))
    page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
    note = page.locator("#yb-link-note")
    assert note.is_visible() and note.inner_text().startswith(LABELS[lang]["partial"])
    assert ("险种" if lang == "zh" else "Scheme") in note.inner_text()
    assert page.input_value("#yb-region") == "qingdao" and page.input_value("#yb-scheme") == "employee"
    assert page.is_hidden("#yb-result")
    violations = axe_violations(page)
    assert not violations, describe(violations)
    page.click("#yb-submit")  # the reader checks the form and estimates
    page.wait_for_selector("#yb-result:not([hidden])", timeout=READY_TIMEOUT_MS)
    assert page.is_hidden("#yb-link-note")
    assert not errors, errors
    context.close()
