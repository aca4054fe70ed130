"""What the policy data can answer: for every region, scheme (and member), care setting and
location, whether two standard bills get an exact answer, a range or no answer at all.

The two bills are a dental outpatient visit (a root canal with an X-ray and the catalogue's
category-B antibiotic) and an inpatient admission (20,000 yuan in scope, 2,000 of it category B).
``python3 build.py check`` prints the table; the guides render it as the data-coverage page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["Cell", "CoverageRow", "coverage", "format_coverage", "CASES", "LOCATIONS"]

#: (scheme, member) pairs a reader can be.
CASES: tuple[tuple[str, str], ...] = (("employee", "in_service"), ("employee", "retired"), ("resident", "adult"))
LOCATIONS: tuple[str, ...] = ("local", "cross_region_filed", "cross_region_unfiled")

BILLS: dict[str, list[dict[str, Any]]] = {
    "outpatient": [
        {"code": "D-XRAY-PERIAPICAL", "quantity": 1},
        {"code": "D-RCT-MOLAR", "quantity": 1},
        {"code": "D-DRUG-ANTIBIOTIC", "quantity": 1},
    ],
    "inpatient": [
        {"name": "住院费用（甲类）", "category": "A", "amount": "18000"},
        {"name": "乙类药品", "category": "B", "kind": "drug", "amount": "2000"},
    ],
}


@dataclass(frozen=True)
class Cell:
    """One bill's answer: ``exact``, ``range`` or ``none`` (then ``missing`` names the parameter)."""

    status: str
    missing: str = ""


@dataclass(frozen=True)
class CoverageRow:
    region: str
    scheme: str
    member: str
    care: str
    location: str
    cell: Cell


def coverage(policies: Any, when: date) -> list[CoverageRow]:
    """Every region but ``cn`` × case × care × location, each bill settled by the engine."""
    from calculator import NotEstimable, estimate

    rows: list[CoverageRow] = []
    for region in sorted(r for r in policies.regions if r != "cn"):
        for scheme, member in CASES:
            for care, items in BILLS.items():
                for location in LOCATIONS:
                    request = {
                        "region": region,
                        "visit_date": when.isoformat(),
                        "scheme": scheme,
                        "member": member,
                        "care": care,
                        "institution_level": 2,
                        "location": location,
                        "items": items,
                    }
                    try:
                        result = estimate(request, policies)
                    except NotEstimable as exc:
                        cell = Cell("none", exc.field)
                    else:
                        cell = Cell("exact" if result.exact else "range")
                    rows.append(CoverageRow(region, scheme, member, care, location, cell))
    return rows


def _by_case(rows: list[CoverageRow]) -> dict[tuple[str, str, str], dict[tuple[str, str], Cell]]:
    """The cells of each (region, scheme, member), by (care, location), in the rows' order."""
    out: dict[tuple[str, str, str], dict[tuple[str, str], Cell]] = {}
    for row in rows:
        out.setdefault((row.region, row.scheme, row.member), {})[(row.care, row.location)] = row.cell
    return out


def _counts(rows: list[CoverageRow]) -> dict[str, int]:
    """How many cells are exact, a range, or not estimable (``none``)."""
    return {status: sum(1 for r in rows if r.cell.status == status) for status in ("exact", "range", "none")}


_SHORT = {"exact": "exact", "range": "range", "none": "-"}


def format_coverage(rows: list[CoverageRow]) -> str:
    """The table ``build.py check`` prints: a line per region and case, a column per care and
    location, and what is missing where nothing can be estimated."""
    columns = [(care, loc) for care in BILLS for loc in LOCATIONS]
    heads = [f"{care[:3]}/{loc.replace('cross_region_', 'x-')}" for care, loc in columns]
    out = ["data coverage (standard dental outpatient bill with a category-B line; standard inpatient bill):"]
    out.append(f"  {'region':<13} {'scheme/member':<20} " + " ".join(f"{h:<13}" for h in heads))
    by_key = _by_case(rows)
    missing: dict[str, set[str]] = {}
    for (region, scheme, member), cells in by_key.items():
        out.append(f"  {region:<13} {scheme + '/' + member:<20} " + " ".join(f"{_SHORT[cells[c].status]:<13}" for c in columns))
        for cell in cells.values():
            if cell.status == "none":
                missing.setdefault(region, set()).add(cell.missing)
    counts = _counts(rows)
    out.append(f"  cells: exact {counts['exact']}, range {counts['range']}, not estimable {counts['none']}")
    for region, fields in sorted(missing.items()):
        out.append(f"  {region}: not estimable without {', '.join(sorted(fields))}")
    return "\n".join(out)


_STATUS = {
    "exact": {"zh": "精确", "en": "exact"},
    "range": {"zh": "范围", "en": "range"},
    "none": {"zh": "无法估算", "en": "not estimable"},
}
_CARE = {"outpatient": {"zh": "门诊（牙科）", "en": "outpatient (dental)"}, "inpatient": {"zh": "住院", "en": "inpatient"}}
_SETTING = {"outpatient": {"zh": "门诊", "en": "outpatient"}, "inpatient": {"zh": "住院", "en": "inpatient"}}
_LOCATION = {
    "local": {"zh": "本地", "en": "local"},
    "cross_region_filed": {"zh": "异地已备案", "en": "elsewhere, filed"},
    "cross_region_unfiled": {"zh": "异地未备案", "en": "elsewhere, not filed"},
}
_MEMBER = {
    ("employee", "in_service"): {"zh": "职工（在职）", "en": "employee (in service)"},
    ("employee", "retired"): {"zh": "职工（退休）", "en": "employee (retired)"},
    ("resident", "adult"): {"zh": "城乡居民", "en": "resident"},
}


def coverage_page(rows: list[CoverageRow], policies: Any, lang: str) -> dict[str, Any]:
    """The coverage table in the reader's language: column heads, and per region and case the
    cells' words, with what is missing named as a reader would (起付标准 for 住院, …)."""
    from calculator._uncertainty import parameter_name

    columns = [(care, loc) for care in BILLS for loc in LOCATIONS]
    heads = [f"{_CARE[care][lang]} · {_LOCATION[loc][lang]}" for care, loc in columns]
    lines = _by_case(rows)
    body = []
    for (region, scheme, member), cells in lines.items():
        missing: list[str] = []
        for care, loc in columns:
            cell = cells[(care, loc)]
            if cell.status == "none" and cell.missing:
                care_part = next((c for c in BILLS if f".{c}." in cell.missing), None)
                name = getattr(parameter_name(cell.missing), lang)
                setting = _SETTING[care_part][lang] if care_part else ""
                what = f"{setting}{name}" if lang == "zh" else f"{name} ({setting})" if setting else name
                if what not in missing:
                    missing.append(what)
        body.append(
            {
                "region": policies.regions[region],
                "who": _MEMBER[(scheme, member)][lang],
                "cells": [(cells[c].status, _STATUS[cells[c].status][lang]) for c in columns],
                "missing": missing,
            }
        )
    counts = _counts(rows)
    return {"heads": heads, "body": body, "counts": counts, "status": {k: v[lang] for k, v in _STATUS.items()}}
