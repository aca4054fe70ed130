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


TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def rows(policies):  # type: ignore[no-untyped-def]
    return coverage(policies, TODAY)


def test_every_region_case_care_and_location_is_settled(policies, rows) -> None:  # type: ignore[no-untyped-def]
    assert len(rows) == (len(policies.regions) - 1) * len(CASES) * len(BILLS) * len(LOCATIONS)
    assert {r.cell.status for r in rows} <= {"exact", "range", "none"}
    assert all(r.cell.missing for r in rows if r.cell.status == "none")


def test_where_local_care_is_answered_care_elsewhere_is_answered_too(rows) -> None:  # type: ignore[no-untyped-def]
    """Cross-region care and category-B lines (in both bills) no longer refuse: wherever the local
    bill gets an answer, filed and unfiled care elsewhere get one too (a range at worst)."""
    local = {(r.region, r.scheme, r.member, r.care) for r in rows if r.location == "local" and r.cell.status != "none"}
    assert len(local) >= 20, "too few regions answer a local bill"
    for row in rows:
        if (row.region, row.scheme, row.member, row.care) in local:
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
