"""Data coverage: what the shipped policies can answer, printed by ``build.py check`` and
published as a page in both languages."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "site"))

from builder.coverage import BILLS, CASES, LOCATIONS, coverage  # noqa: E402

from calculator._policy_checks import iter_parameters  # noqa: E402

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def rows(policies):  # type: ignore[no-untyped-def]
    return coverage(policies, TODAY)


def test_every_region_case_care_and_location_is_settled(policies, rows) -> None:  # type: ignore[no-untyped-def]
    assert len(rows) == (len(policies.regions) - 1) * len(CASES) * len(BILLS) * len(LOCATIONS)
    assert {r.cell.status for r in rows} <= {"exact", "range", "none"}
    assert all(r.cell.missing for r in rows if r.cell.status == "none")


def test_a_region_with_its_own_deductible_and_ratio_answers_every_location(policies, rows) -> None:  # type: ignore[no-untyped-def]
    """Cross-region care, category-B lines and unknown dates no longer refuse: where a region
    states its own deductible and ratio for a scheme and care, every location gets an answer."""
    own = {
        (region_id, path.split(".")[1], path.split(".")[2])
        for region_id, region in policies.regions.items()
        for path, _ in iter_parameters(region)
        if path.endswith(".deductible") and region_id != "cn"
    }
    ratio = {
        (region_id, path.split(".")[1], path.split(".")[2])
        for region_id, region in policies.regions.items()
        for path, _ in iter_parameters(region)
        if path.endswith(".ratio") and path.count(".") == 3
    }
    answered = own & ratio
    assert answered, "no region states its own deductible and ratio"
    # A region may state a parameter for some members only (Shanghai's outpatient deductible is
    # known for employees in service, not for retirees): a member it has no row for may refuse.
    stated = {
        (region_id, path, row.member)
        for region_id, region in policies.regions.items()
        for path, param in iter_parameters(region)
        for dated in param.values
        for row in dated.rows or []
    }
    for row in rows:
        if (row.region, row.scheme, row.care) in answered:
            missing = row.cell.missing
            if missing and not {(row.region, missing, None), (row.region, missing, row.member)} & stated:
                continue
            assert row.cell.status != "none", (row, row.cell.missing)


def test_a_region_without_numbers_says_plainly_what_is_missing(rows) -> None:  # type: ignore[no-untyped-def]
    missing = {r.cell.missing for r in rows if r.region == "cn" or r.cell.status == "none"}
    assert any(m.endswith(".deductible") for m in missing)


def test_check_prints_the_coverage_table() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "check"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "data coverage" in out and "cells: exact" in out
    assert any(line.lstrip().startswith("zibo ") and "range" in line for line in out.splitlines())
