"""Finding the policy value in force: inheritance, dates and table rows.

A region's chain runs from the request's inline policy (if any) through the region to ``cn``.
A parameter is looked up by its path (``rules.employee.inpatient.deductible``) in the most
specific region of the chain that has a value for the visit: a region that does not state the
parameter, whose values start after the visit, or that has no row for the case is silent, and
its parent answers (up to ``cn``, whose numbers are national bounds). The visit date picks the
last dated value starting on or before it; a value only *seen* in force (``seen_on``, start
unknown) also answers an earlier visit, flagged ``date_unknown``. Within a dated value, the row
whose conditions all match the case and name the most conditions wins. ``rows: null`` ends a
parameter in its region: nothing older answers after that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Mapping, Optional, TypeVar

from ._decode import decode, parse_json
from ._errors import NotEstimable, PolicyError, RequestError
from ._policy_checks import check_catalogue, check_parents, check_region, iter_parameters
from ._policy_model import CONFIDENCE_ORDER, Bundle, DatedValue, Parameter, Procedure, Region, Row, Source

__all__ = ["Found", "Policy", "PolicySet", "default_policies", "weakest"]

T = TypeVar("T")

BUNDLE_PATH = Path(__file__).resolve().parent / "_data" / "bundle.json"


def weakest(*levels: str) -> str:
    """The lowest of several confidence levels."""
    return min(levels, key=CONFIDENCE_ORDER.index)


@dataclass(frozen=True)
class Found:
    """A parameter value found for one case: the row, its dated value, where it came from."""

    path: str
    region: str
    parameter: Parameter
    dated: DatedValue
    row: Row
    sources: tuple[Source, ...]
    #: The visit may precede this value's start (a ``seen_on`` value, or a next value whose
    #: start is unknown): the value used may not be the one in force.
    date_unknown: bool = False

    @property
    def confidence(self) -> str:
        return weakest(*(s.confidence for s in self.sources), self.dated.confidence or "own")


class Policy:
    """The policy of one region (with its ancestors and an optional inline override)."""

    def __init__(self, region: Region, chain: list[Region], sources: Mapping[str, Source], catalogue: Mapping[str, Procedure]) -> None:
        self.region = region  # the region the reader picked
        self.chain = chain  # most specific first; an inline policy sits above ``region``
        self.sources = sources
        self.catalogue = catalogue
        self._nodes: dict[tuple[str, type], tuple[str, object] | None] = {}  # found once per path
        self._found: dict[tuple[object, ...], Found | NotEstimable | None] = {}  # once per path and case

    def node(self, path: str, kind: type[T]) -> tuple[str, T] | None:
        """The ``kind`` object at ``path`` from the most specific region that states it."""
        key = (path, kind)
        if key not in self._nodes:
            self._nodes[key] = self._find(path, kind)
        return self._nodes[key]  # type: ignore[return-value]

    def _find(self, path: str, kind: type) -> tuple[str, object] | None:
        """:meth:`node`, walking the chain."""
        for region in self.chain:
            node = _at(region, path)
            if isinstance(node, kind):
                return region.id, node
        return None

    def stated(self, path: str) -> list[tuple[Region, Parameter]]:
        """Every region of the chain stating the parameter at ``path``, most specific first."""
        key = (path, list)
        if key not in self._nodes:
            found = [(region, node) for region in self.chain if isinstance(node := _at(region, path), Parameter)]
            self._nodes[key] = found  # type: ignore[assignment]
        return self._nodes[key]  # type: ignore[return-value]

    def lookup(self, path: str, when: date, case: Mapping[str, object], *, sparse: bool = False) -> Optional[Found]:
        """The row in force on ``when`` for ``case``; ``None`` if no region states the parameter.

        Raises :class:`NotEstimable` when regions state it but none has a value for this date and
        case, or its value has ended: Yibao says it cannot estimate rather than guess. A ``sparse``
        table (price ceilings, catalogue overrides) lists only exceptions: no row means none.
        """
        key = (path, when, tuple(case.items()), sparse)  # the three settlements look up the same rows
        if key not in self._found:
            try:
                self._found[key] = self._lookup(path, when, case, sparse)
            except NotEstimable as exc:
                self._found[key] = exc
        hit = self._found[key]
        if isinstance(hit, NotEstimable):
            raise hit
        return hit

    def _lookup(self, path: str, when: date, case: Mapping[str, object], sparse: bool) -> Optional[Found]:
        """:meth:`lookup`, uncached."""
        stated = self.stated(path)
        if not stated:
            return None
        for region, param in stated:
            dated, unknown = _in_force(param, when)
            if dated is None:
                continue
            if dated.rows is None:
                if sparse:
                    return None
                raise NotEstimable(
                    f"{region.id}: {path} has no value from {dated.start.isoformat()} (visit {when.isoformat()})",
                    field=path,
                    value=when.isoformat(),
                )
            row = _best_row(dated.rows, case)
            if row is not None:
                return Found(path, region.id, param, dated, row, tuple(self.sources[s] for s in dated.source_ids), unknown)
        if sparse:
            return None
        described = ", ".join(f"{k}={v}" for k, v in case.items() if v is not None)
        names = " → ".join(r.id for r, _ in stated)
        raise NotEstimable(
            f"{self.chain[0].id}: {path} has no value for {described} on {when.isoformat()} (looked in {names})",
            field=path,
            value=described,
        )

    def require(self, path: str, when: date, case: Mapping[str, object], what: str) -> Found:
        """Like :meth:`lookup`, but an absent parameter is :class:`NotEstimable` too."""
        found = self.lookup(path, when, case)
        if found is None:
            names = " → ".join(r.id for r in self.chain)
            raise NotEstimable(
                f"{self.chain[0].id}: the policy data has no {what} ({path}) for this case (looked in {names}); "
                "enter the numbers from your own insurance statement as an inline policy",
                field=path,
                value=None,
            )
        return found

    def procedure(self, code: str, field: str) -> Procedure:
        proc = self.catalogue.get(code)
        if proc is None:
            raise RequestError.at(field, code, "is not a code of the dental catalogue", "unknown_code")
        return proc


def _at(region: Region, path: str) -> object:
    """What a region states at a dotted ``path`` (``None`` where it states nothing)."""
    node: object = region
    for name in path.split("."):
        node = getattr(node, name, None)
        if node is None:
            return None
    return node


def _in_force(param: Parameter, when: date) -> tuple[Optional[DatedValue], bool]:
    """The dated value in force on ``when`` and whether its start is uncertain for this visit.
    Before every start, a first value only seen in force (``seen_on``) still answers."""
    values = param.values
    picked = None
    for i, candidate in enumerate(values):
        if candidate.start > when:
            break
        picked = i
    if picked is None:
        first = values[0]
        return (first, True) if first.seen_on is not None else (None, False)
    later = values[picked + 1] if picked + 1 < len(values) else None
    return values[picked], later is not None and later.seen_on is not None


def _best_row(rows: tuple[Row, ...], case: Mapping[str, object]) -> Optional[Row]:
    """The matching row naming the most conditions (ties are refused when policies are read)."""
    best: Row | None = None
    best_size = -1
    for row in rows:
        if row.specificity > best_size and all(case.get(name) == value for name, value in row.conditions.items()):
            best, best_size = row, row.specificity
    return best


class PolicySet:
    """All regions, shared sources and the catalogue, as read from the bundle."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.regions = {r.id: r for r in bundle.regions}
        self.shared_sources = {s.id: s for s in bundle.sources}
        #: Shared sources plus every region's own (a region file may cite sources of its own).
        self.sources = dict(self.shared_sources)
        for region in bundle.regions:
            self.sources.update((s.id, s) for s in region.sources)
        self.catalogue = {p.code: p for p in bundle.catalogue.procedures}

    @classmethod
    def from_json(cls, text: str, file: str = "bundle.json") -> PolicySet:
        """Decode and check a bundle written by :func:`calculator.policy_files.write_bundle`."""

        def error(path: str, value: object, problem: str) -> PolicyError:
            return PolicyError.at(file, path, value, problem)

        bundle = decode(Bundle, parse_json(text, error, "(bundle)", max_bytes=50_000_000), error)
        sources = {s.id: s for s in bundle.sources}
        check_catalogue(bundle.catalogue, sources, file)
        for region in bundle.regions:
            check_region(region, sources, f"{file}:{region.id}")
        check_parents(bundle.regions, file)
        return cls(bundle)

    def with_region(self, region: Region) -> PolicySet:
        """A copy where ``region`` is added (or replaces the region of the same id)."""
        check_region(region, self.shared_sources, f"{region.id}")
        regions = tuple(r for r in self.bundle.regions if r.id != region.id) + (region,)
        return PolicySet(Bundle(regions=regions, sources=self.bundle.sources, catalogue=self.bundle.catalogue))

    def chain(self, region_id: str, field: str = "region") -> list[Region]:
        """The region and its ancestors, most specific first."""
        if region_id not in self.regions:
            raise RequestError.at(field, region_id, f"is not a known region id ({len(self.regions)} known; `python -m calculator regions` lists them)", "unknown_region")
        chain: list[Region] = []
        current: str | None = region_id
        while current is not None:
            if current not in self.regions or any(r.id == current for r in chain):
                raise PolicyError.at("", "parent", current, "is unknown or makes a loop", "unknown_region")
            region = self.regions[current]
            chain.append(region)
            current = region.parent
        return chain

    def policy(self, region_id: str, inline: Region | None = None, *, parent_check: bool = True) -> Policy:
        """The policy for a request: the region's chain, with an inline policy on top.
        The inline policy's own sources are checked and added (e.g. the reader's statement).
        ``parent_check=False`` puts it above another region's chain (the treatment place's)."""
        chain = self.chain(region_id, "treatment_region" if not parent_check else "region")
        picked = chain[0]
        sources = dict(self.sources)
        if inline is not None:

            def error_field(exc: PolicyError) -> PolicyError:
                return PolicyError(f"policy.{exc.message}", field=f"policy.{exc.field}" if exc.field else "policy", value=exc.value, code=exc.code)

            try:
                check_region(inline, self.shared_sources, inline=True)
            except PolicyError as exc:
                raise error_field(exc) from None
            if parent_check and inline.parent is not None and inline.parent not in {reg.id for reg in chain}:
                raise PolicyError.at(
                    "",
                    "policy.parent",
                    inline.parent,
                    f"must be the request's region {region_id!r} or a region above it ({', '.join(reg.id for reg in chain[1:]) or 'none'})",
                    "not_one_of",
                )
            for src in inline.sources:
                sources[src.id] = src
            chain = [inline] + chain
        return Policy(picked, chain, sources, self.catalogue)

    def region_summary(self, region_id: str) -> dict[str, object]:
        """id, names, parent, verified_on and confidence (the weakest of its own values)."""
        region = self.regions[region_id]
        levels = [
            weakest(*(self.sources[s].confidence for s in d.source_ids), d.confidence or "official")
            for _path, param in iter_parameters(region)
            for d in param.values
        ]
        levels += [weakest(*(self.sources[s].confidence for s in g.sources), g.confidence or "official") for g in region.guide if g.sources]
        if not levels and region.parent is not None:
            confidence = self.region_summary(region.parent)["confidence"]
        else:
            confidence = weakest(*levels) if levels else "unverified"
        return {
            "id": region.id,
            "name": {"zh": region.name.zh, "en": region.name.en},
            "parent": region.parent,
            "verified_on": region.verified_on.isoformat(),
            "confidence": confidence,
        }


_DEFAULT: PolicySet | None = None


def default_policies() -> PolicySet:
    """The policies shipped with the package (``calculator/_data/bundle.json``), read once."""
    global _DEFAULT
    if _DEFAULT is None:
        if not BUNDLE_PATH.exists():
            raise PolicyError("the policy bundle is missing: run `python build.py check` to write it", file=str(BUNDLE_PATH), code="unreadable")
        _DEFAULT = PolicySet.from_json(BUNDLE_PATH.read_text(encoding="utf-8"), str(BUNDLE_PATH))
    return _DEFAULT
