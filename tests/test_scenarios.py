"""Scenario cases as data (``tests/scenarios/*.yaml``): each has a full-sentence name, the
source of its expectation (a hand calculation or a published example), a request, and the
expected output (a subset of the result) or the expected error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from calculator import YibaoError, estimate

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
AMOUNTS = ("total", "fund", "serious_illness", "supplementary", "assistance", "personal_account", "cash", "out_of_pocket")
RULES = ("lines", "deductible", "fund", "annual_cap", "supplementary", "cross_region", "eligibility", "serious_illness", "assistance", "personal_account", "cash")


class _Loader(yaml.SafeLoader):
    """Dates stay strings, as in a JSON request."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    """Every scenario as ``(file:index, case)``; the browser tests run the same list."""
    cases = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        for i, case in enumerate(yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)):  # noqa: S506
            cases.append((f"{path.stem}:{i}", case))
    return cases


CASES = load_cases()


def check_case(case: dict[str, Any], result: dict[str, Any] | None, error: YibaoError | None) -> None:
    """Assert that a result (or error) matches the case's expectation subset."""
    if "expected_error" in case:
        want = case["expected_error"]
        assert error is not None, f"expected {want}, got a result"
        assert type(error).__name__ == want["error"], error
        assert error.field == want["field"], error
        return
    assert error is None, f"unexpected error: {error}"
    assert result is not None
    want = case["expected"]
    for key in AMOUNTS:
        if key in want:
            assert result[key] == want[key], f"{key}: {result[key]} != {want[key]}"
    codes = [w["code"] for w in result["warnings"]]
    for code in want.get("warnings", []):
        assert code in codes, f"warning {code} missing from {codes}"
    for code in want.get("no_warnings", []):
        assert code not in codes, f"warning {code} present"
    for i, line in enumerate(want.get("lines", [])):
        for key, value in line.items():
            assert result["lines"][i][key] == value, f"lines[{i}].{key}: {result['lines'][i][key]} != {value}"
    for key, value in want.get("policy", {}).items():
        assert result["policy"][key] == value, f"policy.{key}"
    rules = [step["rule"] for step in result["steps"]]
    position = 0
    for rule in want.get("step_rules", []):
        assert rule in rules[position:], f"step {rule} missing (in order) from {rules}"
        position = rules.index(rule, position) + 1


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_scenario(case: dict[str, Any]) -> None:
    assert case["name"].endswith("."), "a scenario name is a full sentence"
    assert case.get("source"), "every expectation names its source"
    assert ("expected" in case) != ("expected_error" in case)
    try:
        result, error = estimate(case["request"]).to_dict(), None
    except YibaoError as exc:
        result, error = None, exc
    check_case(case, result, error)


def test_there_are_enough_scenarios_and_they_cover_every_rule() -> None:
    assert len(CASES) >= 40
    seen: set[str] = set()
    for _, case in CASES:
        if "expected" in case:
            seen.update(step["rule"] for step in estimate(case["request"]).to_dict()["steps"])
    assert set(RULES) <= seen, set(RULES) - seen
