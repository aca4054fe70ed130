"""Scenario cases as data (``tests/scenarios/*.yaml``).

Each case has a full-sentence ``name``, the ``source`` of its expectation (a published example or
a hand calculation written out), a ``request`` (DESIGN §5) and either ``expected`` — a subset of
the result — or ``expected_error`` (``error`` class name and ``field`` path).

``expected`` keys: the amounts (``total``, ``fund``, …, ``out_of_pocket``) compare as strings;
``warnings`` must all be present and ``no_warnings`` all absent (codes); ``lines`` compares the
listed keys of each line in order; ``policy`` compares the listed keys of ``result['policy']``;
``step_rules`` lists rule ids that must appear among the steps in this order.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from calculator import YibaoError, estimate

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
AMOUNTS = ("total", "fund", "serious_illness", "supplementary", "assistance", "personal_account", "cash", "out_of_pocket")
PARTS = ("fund", "serious_illness", "supplementary", "assistance", "personal_account", "cash")
EXPECTED_KEYS = frozenset(AMOUNTS) | {"warnings", "no_warnings", "lines", "policy", "step_rules", "bounds", "exact", "ranges"}
CASE_KEYS = frozenset({"name", "source", "request", "expected", "expected_error"})
ERRORS = ("RequestError", "PolicyError", "NotEstimable")
RULES = ("lines", "deductible", "fund", "annual_cap", "supplementary", "cross_region", "eligibility", "serious_illness", "assistance", "personal_account", "cash")
MIN_CASES = 40


class _Loader(yaml.SafeLoader):
    """YAML without the timestamp resolver: dates stay ISO strings, as in a JSON request (and an
    impossible date such as 2026-02-30 reaches the engine instead of failing in the loader)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    """Every scenario as ``(id, case)`` with id ``file:index``; the browser tests run the same list."""
    cases: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
        assert isinstance(data, list), f"{path.name}: a scenario file is a YAML list of cases"
        for i, case in enumerate(data):
            cases.append((f"{path.stem}:{i}", case))
    return cases


CASES = load_cases()


def check_shape(case: dict[str, Any]) -> None:
    """A case is a full sentence with a source, a request and exactly one expectation."""
    assert isinstance(case, dict), "a case is a mapping"
    assert set(case) <= CASE_KEYS, f"unknown case keys {sorted(set(case) - CASE_KEYS)}"
    assert isinstance(case.get("name"), str) and case["name"].endswith("."), "a scenario name is a full sentence ending with '.'"
    assert isinstance(case.get("source"), str) and case["source"].strip(), "every expectation names its source"
    assert isinstance(case.get("request"), dict), "every case has a request"
    assert ("expected" in case) != ("expected_error" in case), "exactly one of expected / expected_error"
    if "expected" in case:
        want = case["expected"]
        assert isinstance(want, dict) and set(want) <= EXPECTED_KEYS, f"unknown expected keys {sorted(set(want) - EXPECTED_KEYS)}"
        for key in AMOUNTS:
            if key in want:
                assert isinstance(want[key], str), f"expected.{key} is a string amount"
    else:
        want = case["expected_error"]
        assert isinstance(want, dict) and set(want) == {"error", "field"}, "expected_error has error and field"
        assert want["error"] in ERRORS, want["error"]


def check_result(want: dict[str, Any], result: dict[str, Any]) -> None:
    """Assert that ``result`` (a ``Result.to_dict()``) matches the expectation subset ``want``."""
    for key in AMOUNTS:
        if key in want:
            assert result[key] == want[key], f"{key}: got {result[key]}, expected {want[key]}"
    codes = [w["code"] for w in result["warnings"]]
    for code in want.get("warnings", []):
        assert code in codes, f"warning {code} missing from {codes}"
    for code in want.get("no_warnings", []):
        assert code not in codes, f"warning {code} present in {codes}"
    lines = want.get("lines", [])
    assert len(lines) <= len(result["lines"]), f"expected {len(lines)} lines, got {len(result['lines'])}"
    for i, line in enumerate(lines):
        for key, value in line.items():
            assert result["lines"][i].get(key) == value, f"lines[{i}].{key}: got {result['lines'][i].get(key)}, expected {value}"
    for key, value in want.get("policy", {}).items():
        assert result["policy"].get(key) == value, f"policy.{key}: got {result['policy'].get(key)}, expected {value}"
    for end, amounts in want.get("bounds", {}).items():
        for key, value in amounts.items():
            assert result["bounds"][end][key] == value, f"bounds.{end}.{key}: got {result['bounds'][end][key]}, expected {value}"
    if "exact" in want:
        assert result["exact"] is want["exact"], f"exact: got {result['exact']}"
    used = {(step["rule"], r["low"], r["high"], r["used"]) for step in result["steps"] for r in step.get("range", [])}
    for rule, low, high, typical in want.get("ranges", []):
        assert (rule, low, high, typical) in used, f"range {low}–{high} (used {typical}) in step {rule} missing from {sorted(used)}"
    rules = [step["rule"] for step in result["steps"]]
    position = 0
    for rule in want.get("step_rules", []):
        assert rule in rules[position:], f"step {rule} missing (in order) from {rules}"
        position = rules.index(rule, position) + 1


def check_invariant(result: dict[str, Any]) -> None:
    """DESIGN §3: total = the sum of the parts, to the fen; every part ≥ 0; out_of_pocket = account
    + cash; the same in the best and worst cases, with best ≤ typical ≤ worst out of pocket."""
    for totals in (result, result["bounds"]["best"], result["bounds"]["worst"]):
        parts = [Decimal(totals[key]) for key in PARTS]
        assert all(part >= 0 for part in parts), {key: totals[key] for key in PARTS}
        assert sum(parts, Decimal(0)) == Decimal(totals["total"]), {key: totals[key] for key in ("total", *PARTS)}
        assert Decimal(totals["out_of_pocket"]) == Decimal(totals["personal_account"]) + Decimal(totals["cash"])
    best, worst = (Decimal(result["bounds"][end]["out_of_pocket"]) for end in ("best", "worst"))
    assert best <= Decimal(result["out_of_pocket"]) <= worst, (best, result["out_of_pocket"], worst)
    assert result["exact"] is (result["bounds"]["best"] == result["bounds"]["worst"] == {k: result[k] for k in AMOUNTS})


def check_case(case: dict[str, Any], result: dict[str, Any] | None, error: YibaoError | None) -> None:
    """Assert that a result (or error) matches the case's expectation."""
    if "expected_error" in case:
        want = case["expected_error"]
        assert error is not None, f"expected {want}, got a result: {result and {k: result[k] for k in AMOUNTS}}"
        assert type(error).__name__ == want["error"], f"got {type(error).__name__}: {error}"
        assert error.field == want["field"], f"field: got {error.field!r}, expected {want['field']!r} ({error})"
        return
    assert error is None, f"unexpected {type(error).__name__} at {error.field!r}: {error}"
    assert result is not None
    check_invariant(result)
    check_result(case["expected"], result)


def run_case(case: dict[str, Any]) -> tuple[dict[str, Any] | None, YibaoError | None]:
    try:
        return estimate(case["request"]).to_dict(), None
    except YibaoError as exc:
        return None, exc


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_scenario(case: dict[str, Any]) -> None:
    check_shape(case)
    result, error = run_case(case)
    check_case(case, result, error)


def test_there_are_enough_scenarios_and_passing_ones_cover_every_rule() -> None:
    assert len(CASES) >= MIN_CASES
    seen: set[str] = set()
    for _, case in CASES:
        if "expected" not in case:
            continue
        result, error = run_case(case)
        try:
            check_case(case, result, error)
        except AssertionError:
            continue  # a failing case is reported by test_scenario; it does not count as coverage
        assert result is not None
        seen.update(step["rule"] for step in result["steps"])
    assert set(RULES) <= seen, f"no passing case shows the rule(s) {sorted(set(RULES) - seen)}"


def test_every_error_kind_has_a_case() -> None:
    kinds = {case["expected_error"]["error"] for _, case in CASES if "expected_error" in case}
    assert set(ERRORS) <= kinds, set(ERRORS) - kinds
