"""Helpers for the estimator page's browser tests: drive the region picker, read the form,
wait for the result and its compare table and chart, and run axe-core on the page."""

from __future__ import annotations

import json
from typing import Any

from axe import axe_script, run_axe  # axe-core, pinned once for every test (tests/browser/axe.py)
from calculator import estimate_json
from yibao_site import settle

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
    """Press Estimate; wait for this estimate's result (not one already on show) and, by
    default, the compare table and chart."""
    before = page.get_attribute(".yb-estimator", "data-estimates")
    page.click("#yb-submit")
    page.wait_for_function("(before) => document.querySelector('.yb-estimator').dataset.estimates !== before", arg=before, timeout=120_000)
    page.wait_for_selector("#yb-result:not([hidden])")
    if explore:
        page.wait_for_selector('#yb-chart[data-state="done"]', timeout=60_000)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core on the page once its CSS transitions have ended (the theme fades the header's
    title in as the page scrolls; half-faded text is not what a reader sees), with the rule
    sets of the site-wide test."""
    settle(page, "() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))", what="the page's animations to end")
    return run_axe(page, axe_script())


def _whole(amount: str, rounding: str) -> str:
    from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

    mode = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING, "half": ROUND_HALF_UP}[rounding]
    return f"¥{Decimal(amount).quantize(Decimal(1), rounding=mode):,}"


def shown_amount(amount: str, result: dict[str, Any], rounding: str = "half") -> str:
    """An amount of a result as its headline writes it: whole yuan when a number used is below
    official confidence, else to the fen."""
    from decimal import Decimal

    if result["policy"]["confidence"] in ("secondary", "unverified"):
        return _whole(amount, rounding)
    return f"¥{Decimal(amount):,.2f}"


def expected_figure(result: dict[str, Any]) -> str:
    """What the page shows as "you pay" for a result: "¥560–¥700" or "¥620.00"."""
    from decimal import Decimal

    low, typical, high = result["bounds"]["best"]["out_of_pocket"], result["out_of_pocket"], result["bounds"]["worst"]["out_of_pocket"]
    if Decimal(low) == Decimal(high):
        return shown_amount(typical, result)
    return f"{shown_amount(low, result, 'floor')}–{shown_amount(high, result, 'ceil')}"


def expected_headline(result: dict[str, Any], lang: str) -> str:
    """The sentence the page's "you pay" box says for an engine result, worked out here from
    the result (issue 15, item 5): a range with the typical value when best and worst differ,
    whole yuan (range ends outwards) when a number used is below official confidence."""
    figure, typical = expected_figure(result), shown_amount(result["out_of_pocket"], result)
    if "–" not in figure:
        return f"您支付 {figure}" if lang == "zh" else f"You pay {figure}"
    return f"您支付约 {figure}，通常 {typical}" if lang == "zh" else f"You pay about {figure}, typically {typical}"


#: The page is no wider than its viewport (nothing pushes it sideways on a phone).
PAGE_WIDTH = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
