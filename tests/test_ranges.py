"""Ranges settle in the right direction: for every kind of parameter, on a real Zibo bill, the
reader's best case takes the end that costs them less and the worst case the other.

Each case puts one parameter as a range into an inline policy above Zibo (everything else is
Zibo's shipped data) and checks best < typical < worst out of pocket, so a parameter whose
direction were reversed would fail.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from calculator import estimate
from calculator._uncertainty import HIGHER_IS_BETTER

SOURCE = {"id": "test-range", "title": "A range for this test", "confidence": "unverified"}
INPATIENT = {
    "region": "zibo",
    "visit_date": "2026-12-01",
    "scheme": "employee",
    "member": "in_service",
    "care": "inpatient",
    "institution_level": 2,
    "items": [{"name": "住院费用", "category": "A", "amount": "60000"}],
}


def ranged(unit: str, low: str, high: str, basis: str | None = None, **conditions: Any) -> dict[str, Any]:
    param: dict[str, Any] = {"unit": unit, "values": [{"since": "2020-01-01", "source": "test-range", "rows": [{**conditions, "low": low, "high": high}]}]}
    if basis:
        param["basis"] = basis
    return param


def own(rules: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": "own", "name": {"zh": "测试", "en": "Test"}, "parent": "zibo", "verified_on": "2026-11-01", "sources": [SOURCE], "rules": {"employee": rules}, **extra}


# parameter → (request changes, inline policy): each makes the parameter decide part of the bill.
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "deductible": ({}, own({"inpatient": {"deductible": ranged("yuan", "300", "900", "per_admission")}})),
    "ratio": ({}, own({"inpatient": {"ratio": ranged("percent", "70", "90", "per_admission")}})),
    "annual_cap": ({}, own({"inpatient": {"annual_cap": ranged("yuan", "20000", "40000", "annual")}})),
    "threshold": ({}, own({"serious_illness": {"applies_to": ["inpatient"], "threshold": ranged("yuan", "2000", "6000", "annual"), "ratio": ranged("percent", "60", "60.5", "annual")}})),
    "first_pay": ({"location": "cross_region_filed"}, own({"cross_region": {"first_pay": ranged("percent", "5", "15")}})),
    "ratio_reduction": ({"location": "cross_region_unfiled"}, own({"cross_region": {"ratio_reduction": ranged("percent", "5", "15")}})),
    "category_b_first_pay": (
        {"items": [{"name": "乙类药品", "category": "B", "kind": "drug", "amount": "60000"}]},
        own({"category_b_first_pay": ranged("percent", "5", "20")}),
    ),
    "price_ceiling": (
        {"items": [{"code": "D-EXT-SIMPLE", "quantity": 1, "unit_price": "60000"}]},
        own({}, price_ceiling=ranged("yuan", "20000", "40000", code="D-EXT-SIMPLE")),
    ),
}


def test_every_parameter_kind_with_a_direction_has_a_case() -> None:
    assert set(CASES) == set(HIGHER_IS_BETTER)


@pytest.mark.parametrize("name", sorted(CASES))
def test_best_takes_the_cheaper_end_and_worst_the_dearer(name: str) -> None:
    changes, policy = CASES[name]
    result = estimate({**INPATIENT, **changes, "policy": policy})
    assert result.best is not None and result.worst is not None
    best, typical, worst = result.best.out_of_pocket, result.out_of_pocket, result.worst.out_of_pocket
    assert best < typical < worst, (name, best, typical, worst)
    used = [r for step in result.to_dict()["steps"] for r in step.get("range", [])]
    assert any(r["used"] == str((Decimal(r["low"]) + Decimal(r["high"])) / 2) for r in used), used


def test_a_layer_ratio_and_cap_as_ranges_follow_the_same_direction() -> None:
    """The serious-illness ratio and cap (a higher one pays more) on a bill far above the threshold."""
    layer = {
        "applies_to": ["inpatient"],
        "threshold": {"unit": "yuan", "basis": "annual", "values": [{"since": "2020-01-01", "source": "test-range", "rows": [{"value": "1000"}]}]},
        "ratio": ranged("percent", "50", "70", "annual"),
    }
    ratio_only = estimate({**INPATIENT, "policy": own({"serious_illness": layer})})
    capped = estimate({**INPATIENT, "policy": own({"serious_illness": {**layer, "ratio": ranged("percent", "60", "60.5", "annual"), "annual_cap": ranged("yuan", "500", "1500", "annual")}})})
    for result in (ratio_only, capped):
        assert result.best is not None and result.worst is not None
        assert result.best.serious_illness > result.serious_illness > result.worst.serious_illness
        assert result.best.out_of_pocket < result.out_of_pocket < result.worst.out_of_pocket


def test_the_headline_shows_the_range_in_whole_yuan_for_unverified_data_and_fen_for_own_numbers() -> None:
    from calculator._text import headline, render_text

    ranged_result = estimate({**INPATIENT, "items": [{"name": "乙类药品", "category": "B", "kind": "drug", "amount": "1000"}]})
    assert ranged_result.policy.confidence == "unverified" and not ranged_result.exact
    assert headline(ranged_result, "zh") == "您支付约 ¥649–¥766，通常 ¥688"
    assert headline(ranged_result, "en") == "You pay about ¥649–¥766, typically ¥688"
    assert render_text(ranged_result, "en").startswith("You pay about ¥649–¥766, typically ¥688\n")

    mine = {**SOURCE, "confidence": "own"}
    exact = {"unit": "yuan", "basis": "per_admission", "values": [{"since": "2026-01-01", "source": "test-range", "rows": [{"value": "500"}]}]}
    ratio = {"unit": "percent", "basis": "per_admission", "values": [{"since": "2026-01-01", "source": "test-range", "rows": [{"value": "78.5"}]}]}
    policy = {**own({"inpatient": {"deductible": exact, "ratio": ratio}}), "parent": "cn", "sources": [mine]}
    own_result = estimate({**INPATIENT, "region": "cn", "items": [{"name": "住院费用", "category": "A", "amount": "1000.10"}], "policy": policy})
    assert own_result.exact and own_result.policy.confidence == "own"
    # (1000.10 - 500) x 78.5% = 392.5785 → fund 392.58; you pay 607.52, to the fen: the numbers are yours.
    assert headline(own_result, "zh") == "您支付 ¥607.52"
    assert headline(own_result, "en") == "You pay ¥607.52"
