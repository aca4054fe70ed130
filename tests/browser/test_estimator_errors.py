"""What the reader sees when input is wrong (issue 17): each engine error code worded in the
page's language with the field's own label ("单价不能为负数"), beside that field, the input kept
as typed; never the engine's English or its paths on the Chinese page; long values wrap (no
page wider than 375 px on a 375 px phone)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from estimator_page import PAGE_WIDTH
from yibao_site import open_estimator

#: field to type into, what to type, the code the engine gives, then the sentence in zh and en
CASES = [
    ("unit_price", "-100", "negative", "单价不能为负数（填写的是“-100”）", "Unit price must not be negative (you entered “-100”)"),
    ("amount", "一百元", "not_a_number", "金额应填写数字，例如 12.50（填写的是“一百元”）", "Amount must be a number, such as 12.50 (you entered “一百元”)"),
    ("amount", "12.345", "too_many_decimals", "金额最多保留两位小数（元和分）（填写的是“12.345”）", "Amount may have at most two decimals (yuan and fen) (you entered “12.345”)"),
    ("amount", "1000000000000", "too_high", "金额超过了允许的最大值（填写的是“1000000000000”）", "Amount is above the largest value allowed (you entered “1000000000000”)"),
    ("own.ratio", "180", "percent_over_100", "统筹基金支付比例是百分比，不能超过 100（填写的是“180”）", "Fund ratio is a percentage and must not exceed 100 (you entered “180”)"),
    ("quantity", "0", "not_positive", "数量必须大于 0（填写的是“0”）", "Quantity must be more than 0 (you entered “0”)"),
]


@pytest.fixture(scope="module", params=["zh", "en"])
def page(request: Any, browser: Any, server: str) -> Any:
    lang = request.param
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = open_estimator(context, server + ("estimate/" if lang == "zh" else "en/estimate/"))
    page.lang = lang
    yield page
    context.close()


def _type(page: Any, where: str, text: str) -> Any:
    """Type into a field of the bill's last line (a catalogue line for unit price and quantity,
    a line typed by hand for an amount) or into an own number; the element typed into."""
    for row in page.locator(".yb-item").all()[1:]:
        row.locator(".yb-remove").click()
    page.evaluate("document.querySelector('[data-field=\"own.ratio\"]').value = ''")
    if where.startswith("own."):
        page.evaluate("document.querySelector('#yb-own').open = true")
        field = page.locator(f'[data-field="{where}"]')
    elif where == "amount":
        page.click("#yb-add-free")
        line = page.locator(".yb-item").last
        line.locator('[data-part="name"]').fill("药费")
        field = line.locator('[data-part="amount"]')
    else:
        field = page.locator(".yb-item").first.locator(f'[data-part="{where}"]')
    field.was = field.input_value()
    field.fill(text)
    return field


@pytest.mark.parametrize(("where", "typed", "code", "zh", "en"), CASES, ids=[c[2] for c in CASES])
def test_each_error_is_worded_in_the_pages_language_beside_its_field(page: Any, where: str, typed: str, code: str, zh: str, en: str) -> None:
    field = _type(page, where, typed)
    page.click("#yb-submit")
    message = page.locator(".yb-error-field")
    message.wait_for()
    assert message.get_attribute("data-code") == code
    assert message.inner_text() == (zh if page.lang == "zh" else en)
    assert field.get_attribute("aria-invalid") == "true" and field.get_attribute("aria-describedby") == message.get_attribute("id")
    assert field.input_value() == typed  # kept as typed
    if page.lang == "zh":  # no engine English or paths: Latin letters only in what the reader typed
        assert not re.search(r"[A-Za-z]", message.inner_text().replace(typed, "")), message.inner_text()
    assert page.evaluate(PAGE_WIDTH) <= 375
    field.fill(field.was)


def test_a_long_value_wraps_inside_the_page(page: Any) -> None:
    """The engine cuts a value to 80 characters; one long word of them still wraps at 375 px."""
    field = _type(page, "amount", "9" * 200)
    page.click("#yb-submit")
    message = page.locator(".yb-error-field")
    message.wait_for()
    assert message.get_attribute("data-code") == "too_long"
    assert "…" in message.inner_text() and "9" * 90 not in message.inner_text()
    assert page.evaluate(PAGE_WIDTH) <= 375
    field.fill(field.was)


def test_an_error_the_page_cannot_place_is_said_above_the_form_in_the_pages_language(page: Any) -> None:
    """A link's request naming a field the form does not have (unknown_field): said above the
    form; no bill lines (empty): said under the bill's heading."""
    page.evaluate("() => { location.hash = '#' + encodeURIComponent(JSON.stringify({region: 'zibo', visit_date: '2026-12-01', scheme: 'employee', member: 'in_service', care: 'outpatient', institution_level: 1, items: [{code: 'D-FILL-RESIN', quantity: 1}], colour: 'red'})); }")
    general = page.locator("#yb-form-error")
    general.wait_for()
    text = general.inner_text()
    said = "“colour”不是估算器认识的项目（填写的是“red”）" if page.lang == "zh" else "“colour” is not something the estimator knows (you entered “red”)"
    assert text == ("无法估算：" if page.lang == "zh" else "Cannot estimate: ") + said, text
    # every bill line removed: the message sits under the bill's heading
    page.evaluate("() => { location.hash = '#' + encodeURIComponent(JSON.stringify({region: 'zibo', visit_date: '2026-12-01', scheme: 'employee', member: 'in_service', care: 'outpatient', institution_level: 1, items: [{code: 'D-FILL-RESIN', quantity: 1}]})); }")
    page.wait_for_selector("#yb-result:not([hidden])")
    for row in page.locator(".yb-item").all():
        row.locator(".yb-remove").click()
    page.click("#yb-submit")
    message = page.locator('#yb-items-set .yb-error-field[data-code="empty"]')
    message.wait_for()
    assert message.inner_text() == ("费用项目不能为空" if page.lang == "zh" else "Bill lines must not be empty")
    page.click("#yb-add-code")
