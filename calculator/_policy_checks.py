"""Rules a policy must follow beyond its shape, checked in every runtime.

pydantic (build and test time) and :mod:`calculator._decode` (run time, inline policies) check
the shape; this module checks the meaning, the same way for both: dated values sorted by date,
every source id known, a value never more confident than its source, the right unit for each
parameter, percentages within 0–100 and amounts within 0–100000000 yuan, bands ascending, no two
rows with the same conditions and no two rows that tie (as specific, both matching one case),
ids that fully match their pattern (``"mine\\n"`` is no id), source URLs that are ``http(s)://``
only, and no more entries than :data:`calculator._decode.LIST_LIMITS` (YAML files too).
Every check is linear in the size of the policy (the tie check compares condition shapes, not
pairs of rows), so a 5,000-row table is checked in a fraction of a second.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Iterator, Mapping, Sequence

from ._decode import LIST_LIMITS
from ._errors import PolicyError
from ._money import MAX_AMOUNT, plain
from ._policy_model import CONFIDENCE_ORDER, ROW_CONDITIONS, Catalogue, Parameter, Region, Row, Source

__all__ = ["iter_parameters", "check_region", "check_catalogue", "check_source", "check_parents", "UNITS", "CHOICES"]

#: The unit each parameter (by field name) must declare.
UNITS: dict[str, str] = {
    "deductible": "yuan",
    "ratio": "percent",
    "annual_cap": "yuan",
    "threshold": "yuan",
    "first_pay": "percent",
    "ratio_reduction": "percent",
    "category_b_first_pay": "percent",
    "price_ceiling": "yuan",
    "unfiled": "choice",
    "emergency": "choice",
    "non_designated": "choice",
    "personal_account": "choice",
    "catalogue": "choice",
}

#: The named rules a ``choice`` parameter may take.
CHOICES: dict[str, tuple[str, ...]] = {
    "unfiled": ("covered", "not_covered"),
    "emergency": ("as_filed", "as_unfiled"),
    "non_designated": ("not_covered", "emergency_only", "covered"),
    "personal_account": ("none", "catalogue_costs", "all_personal_costs"),
    "catalogue": ("A", "B", "self_pay"),
}

#: Parameters whose basis (per visit, per admission, per year) must be stated.
NEEDS_BASIS = ("deductible", "ratio", "annual_cap", "threshold")

_REGION_ID = re.compile(r"[a-z]+")  # used with fullmatch: "$" would let "mine\n" through
_SOURCE_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{0,79}")
#: The scheme is what makes a link safe to click (``javascript:``, ``data:`` run code); the rest
#: is escaped wherever it is shown, so only control characters are refused there.
_URL = re.compile(r"https?://[^\x00-\x1f\x7f-\x9f]+", re.IGNORECASE)


def iter_parameters(node: object, path: str = "") -> Iterator[tuple[str, Parameter]]:
    """Every :class:`Parameter` under ``node`` with its dotted path, in field order."""
    if isinstance(node, Parameter):
        yield path, node
        return
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for fld in dataclasses.fields(node):
            child = getattr(node, fld.name)
            if child is not None:
                yield from iter_parameters(child, f"{path}.{fld.name}" if path else fld.name)


def _fail(file: str, field: str, value: object, problem: str, code: str = "invalid") -> PolicyError:
    return PolicyError.at(file, field, value, problem, code)


def check_source(src: Source, where: str, file: str = "") -> None:
    """A source's id is lowercase (letters, digits, ``-``, ``_``, ``.``) and its URL, if any, is
    ``http://`` or ``https://`` (a ``javascript:`` link would run on a reader's click)."""
    if not _SOURCE_ID.fullmatch(src.id):
        raise _fail(file, f"{where}.id", src.id, "must be lowercase letters, digits, '-', '_' or '.' (at most 80)", "bad_id")
    if src.url is not None and not _URL.fullmatch(src.url):
        raise _fail(file, f"{where}.url", src.url, "must be an http:// or https:// address", "bad_url")


def check_region(region: Region, sources: Mapping[str, Source], file: str = "", *, inline: bool = False) -> None:
    """Raise :class:`PolicyError` naming file, field path and value at the first broken rule.
    ``sources`` are the shared sources; the region's own ``sources`` are added to them. Only a
    request's ``inline`` policy may cite the reader's ``own`` numbers."""
    if not _REGION_ID.fullmatch(region.id):
        raise _fail(file, "id", region.id, "must be the lowercase pinyin of the region name", "bad_id")
    if region.parent is None and region.id != "cn":
        raise _fail(file, "parent", None, "is required for every region but 'cn'", "required")
    if region.parent is not None and not _REGION_ID.fullmatch(region.parent):
        raise _fail(file, "parent", region.parent, "must be the lowercase pinyin of a region name", "bad_id")
    known = dict(sources)
    for i, src in enumerate(region.sources):
        check_source(src, f"sources[{i}]", file)
        if src.id in known:
            raise _fail(file, f"sources[{i}].id", src.id, "is already defined", "duplicate")
        if src.confidence == "own" and not inline:
            raise _fail(file, f"sources[{i}].confidence", src.confidence, "is only for the reader's own numbers in a request", "not_allowed")
        known[src.id] = src
    for path, param in iter_parameters(region):
        _check_parameter(path, param, known, file)
    for i, item in enumerate(region.guide):
        for j, source_id in enumerate(item.sources):
            if source_id not in known:
                raise _fail(file, f"guide[{i}].sources[{j}]", source_id, "is not a known source id", "unknown_source")


def _check_parameter(path: str, param: Parameter, sources: Mapping[str, Source], file: str) -> None:
    name = path.rsplit(".", 1)[-1]
    unit = UNITS.get(name)
    if unit is not None and param.unit != unit:
        raise _fail(file, f"{path}.unit", param.unit, f"must be {unit!r} for {name}", "not_one_of")
    if name in NEEDS_BASIS and param.basis is None:
        raise _fail(file, f"{path}.basis", None, "is required (annual, per_admission or per_visit)", "required")
    if not param.values:
        raise _fail(file, f"{path}.values", [], "must hold at least one dated value", "empty")
    _check_count(file, f"{path}.values", param.values, "DatedValue")
    previous = None
    allowed = _allowed_conditions(path)
    for i, dated in enumerate(param.values):
        where = f"{path}.values[{i}]"
        if (dated.since is None) == (dated.seen_on is None):
            raise _fail(file, where, "since/seen_on", "must give exactly one of since (a known effective date) and seen_on (seen in force, start unknown)", "conflict")
        date_field = "since" if dated.since is not None else "seen_on"
        if previous is not None and dated.start <= previous:
            raise _fail(file, f"{where}.{date_field}", dated.start, f"must come after {previous.isoformat()} (dates sorted, no repeats)", "out_of_order")
        previous = dated.start
        if (dated.source is None) == (not dated.sources):
            raise _fail(file, where, "source/sources", "must give exactly one of source (one id) and sources (a list of ids)", "conflict")
        weakest_source = "own"
        for k, source_id in enumerate(dated.source_ids):
            source = sources.get(source_id)
            if source is None:
                raise _fail(file, f"{where}.source" if dated.source else f"{where}.sources[{k}]", source_id, "is not a known source id", "unknown_source")
            weakest_source = min(weakest_source, source.confidence, key=CONFIDENCE_ORDER.index)
        if dated.confidence is not None and CONFIDENCE_ORDER.index(dated.confidence) > CONFIDENCE_ORDER.index(weakest_source):
            raise _fail(file, f"{where}.confidence", dated.confidence, f"is higher than its sources' ({weakest_source})", "conflict")
        _check_count(file, f"{where}.rows", dated.rows or (), "Row")
        seen: set[tuple[tuple[str, object], ...]] = set()
        for j, row in enumerate(dated.rows or ()):
            _check_row(f"{where}.rows[{j}]", name, param.unit, row, file)
            for condition in row.conditions:
                if condition not in allowed:
                    raise _fail(
                        file,
                        f"{where}.rows[{j}].{condition}",
                        getattr(row, condition),
                        f"can never match for {path} (conditions it can take: {', '.join(allowed)})",
                        "not_allowed",
                    )
            key = tuple(sorted(row.conditions.items()))
            if key in seen:
                raise _fail(file, f"{where}.rows[{j}]", dict(key), "repeats the conditions of an earlier row", "duplicate")
            seen.add(key)
        _check_no_ties(where, dated.rows or (), file)


def _check_count(file: str, where: str, entries: Sequence[object], kind: str) -> None:
    limit = LIST_LIMITS[kind]
    if len(entries) > limit:
        raise _fail(file, where, f"{len(entries)} entries", f"are too many: at most {limit} are allowed", "too_many")


#: Conditions a case can hold when each parameter is looked up: bill lines bring ``code`` and
#: ``kind``; only admissions bring ``admission``; the catalogue override is looked up by code.
_LINE_PARAMETERS = ("category_b_first_pay", "price_ceiling")


def _allowed_conditions(path: str) -> tuple[str, ...]:
    """The row conditions that can match some case of the parameter at ``path``; a row naming
    another would be silently ignored, so it is refused."""
    name = path.rsplit(".", 1)[-1]
    if path == "catalogue":
        return ("code",)
    allowed = [c for c in ROW_CONDITIONS if c not in ("code", "kind") or name in _LINE_PARAMETERS]
    if ".outpatient." in f".{path}." and "admission" in allowed:
        allowed.remove("admission")
    return tuple(allowed)


def _check_no_ties(where: str, rows: Sequence[Row], file: str) -> None:
    """The most specific matching row wins (``Policy.lookup``, ``Row.specificity``); two rows
    as specific whose conditions do not contradict each other would both match some case (the
    union of their conditions) and tie. Refuse the table rather than let row order decide.

    Rows of the same specificity name the same number of conditions; two with the same names
    tie only if equal (the duplicate check). For each pair of distinct name sets ("shapes"),
    rows tie when they agree on the names both sets share: a dict keyed by those values finds
    that in one pass, so the work is rows x shapes (at most 2^7), not rows x rows. The tie
    reported is the one the pairwise scan would find first (lowest j, then lowest k < j)."""
    shapes: dict[tuple[str, ...], list[int]] = {}
    for j, row in enumerate(rows):
        shapes.setdefault(tuple(row.conditions), []).append(j)
    best: tuple[int, int] | None = None
    for shape_a, members_a in shapes.items():
        for shape_b, members_b in shapes.items():
            if shape_a == shape_b or rows[members_a[0]].specificity != rows[members_b[0]].specificity:
                continue
            shared = [name for name in shape_a if name in shape_b]
            first: dict[tuple[object, ...], int] = {}  # shared values -> earliest row of shape_a
            for k in members_a:
                first.setdefault(tuple(rows[k].conditions[name] for name in shared), k)
            for j in members_b:  # ascending: the first hit below j is this shape's best for j
                k = first.get(tuple(rows[j].conditions[name] for name in shared), len(rows))
                if k < j:
                    if best is None or (j, k) < best:
                        best = (j, k)
                    break
    if best is not None:
        j, k = best
        mine, theirs = rows[j].conditions, rows[k].conditions
        both = {**theirs, **mine}
        raise _fail(
            file,
            f"{where}.rows[{j}]",
            mine,
            f"ties with rows[{k}] {theirs} for a case with {both}: give one of them the other's condition too",
            "conflict",
        )


def _check_row(where: str, name: str, unit: str, row: object, file: str) -> None:
    value, bands, choice = row.value, row.bands, row.choice  # type: ignore[attr-defined]
    low, high, typical = row.low, row.high, row.typical  # type: ignore[attr-defined]
    ranged = low is not None or high is not None or typical is not None
    given = [label for label, v in (("value", value), ("bands", bands), ("choice", choice)) if v is not None] + (["low/high"] if ranged else [])
    if len(given) != 1:
        raise _fail(file, where, given, "must give exactly one of value, low and high (a range), bands, choice", "conflict")
    if ranged:
        if low is None or high is None:
            raise _fail(file, f"{where}.{'low' if low is None else 'high'}", None, "is required: a range gives both low and high", "required")
        if unit == "choice":
            raise _fail(file, f"{where}.low", low, "a range needs a yuan or percent parameter", "not_allowed")
        for label, amount in (("low", low), ("high", high), ("typical", typical)):
            if amount is not None:
                _check_amount(f"{where}.{label}", amount, unit, file)
        if not low < high:
            raise _fail(file, f"{where}.high", high, f"must be above low ({plain(low)}); give an exact value as value", "out_of_order")
        if typical is not None and not low <= typical <= high:
            raise _fail(file, f"{where}.typical", typical, f"must lie within {plain(low)}–{plain(high)}", "out_of_order")
        return
    if unit == "choice":
        if choice is None:
            raise _fail(file, where, given[0], "must give a choice (unit is 'choice')", "wrong_type")
        allowed = CHOICES.get(name)
        if allowed is not None and choice not in allowed:
            raise _fail(file, f"{where}.choice", choice, f"is not one of {', '.join(allowed)}", "not_one_of")
        return
    if choice is not None:
        raise _fail(file, f"{where}.choice", choice, f"needs unit 'choice', not {unit!r}", "not_allowed")
    if bands is not None:
        if unit != "percent":
            raise _fail(file, f"{where}.bands", "bands", "are only for percent parameters", "not_allowed")
        if not bands:
            raise _fail(file, f"{where}.bands", [], "must hold at least one band", "empty")
        _check_count(file, f"{where}.bands", bands, "Band")
        last = None
        for k, band in enumerate(bands):
            _check_amount(f"{where}.bands[{k}].percent", band.percent, "percent", file)
            if last is None and k > 0:
                raise _fail(file, f"{where}.bands[{k - 1}].up_to", None, "must be a number: only the last band is open-ended", "required")
            if band.up_to is not None:
                _check_amount(f"{where}.bands[{k}].up_to", band.up_to, "yuan", file)
                if band.up_to <= 0 or (last is not None and band.up_to <= last):
                    raise _fail(file, f"{where}.bands[{k}].up_to", band.up_to, "must be above the previous band's bound", "out_of_order")
            last = band.up_to
        return
    _check_amount(f"{where}.value", value, unit, file)


def _check_amount(where: str, value: Decimal, unit: str, file: str) -> None:
    """Within 0–100 for a percentage, 0–100000000 for yuan (a larger number is a typo, and the
    limit keeps every sum exact)."""
    if value < 0:
        raise _fail(file, where, value, "must not be negative", "negative")
    if unit == "percent" and value > 100:
        raise _fail(file, where, value, "is a percentage and must not exceed 100", "percent_over_100")
    if value > MAX_AMOUNT:
        raise _fail(file, where, value, f"is larger than {MAX_AMOUNT} yuan", "too_high")


def check_parents(regions: Sequence[Region], file: str = "") -> None:
    """Every region once, every parent a known region, and no loop: each chain ends at ``cn``."""
    by_id: dict[str, Region] = {}
    for i, region in enumerate(regions):
        if region.id in by_id:
            raise _fail(file, f"regions[{i}].id", region.id, "is used twice", "duplicate")
        by_id[region.id] = region
    for region in regions:
        seen = {region.id}
        current = region.parent
        while current is not None:
            if current not in by_id or current in seen:
                raise _fail(f"{file}:{region.id}" if file else region.id, "parent", current, "is not a known region or makes a loop", "unknown_region")
            seen.add(current)
            current = by_id[current].parent


def check_catalogue(catalogue: Catalogue, sources: Mapping[str, Source], file: str = "") -> None:
    """Codes unique, price ranges ordered, every source id known."""
    codes: set[str] = set()
    for i, proc in enumerate(catalogue.procedures):
        where = f"procedures[{i}]"
        if proc.code in codes:
            raise _fail(file, f"{where}.code", proc.code, "is used twice", "duplicate")
        codes.add(proc.code)
        price = proc.price
        if not (0 <= price.low <= price.typical <= price.high):
            raise _fail(file, f"{where}.price", f"{price.low}/{price.typical}/{price.high}", "must satisfy 0 <= low <= typical <= high", "out_of_order")
        if price.high > MAX_AMOUNT:
            raise _fail(file, f"{where}.price.high", price.high, f"is larger than {MAX_AMOUNT} yuan", "too_high")
        refs = list(proc.sources) + ([price.source] if price.source else [])
        for source_id in refs:
            if source_id not in sources:
                raise _fail(file, f"{where}.sources", source_id, "is not a known source id", "unknown_source")
