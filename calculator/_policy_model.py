"""The shape of a region's policy file, as standard-library dataclasses.

One YAML file per region (``policies/regions/<id>.yaml``) states only what differs from its
parent (``cn`` → province → city). Every number sits in a :class:`Parameter`: a unit and a list of
dated values, each with a source id and optionally a lower confidence than its source. A dated
value holds *rows*: a row applies when all the conditions it names match the case (institution
level, member type, admission ordinal, line kind, catalogue code, location, filing), and the row
naming the most conditions wins.

The same classes are filled in three ways: by pydantic from YAML at build and test time
(``calculator.policy_files``), by :mod:`calculator._decode` from the JSON bundle and from a
request's inline ``policy`` in every runtime. ``__pydantic_config__`` is a plain dict so that
pydantic rejects unknown keys without this module importing pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Literal, Optional, Union

__all__ = [
    "Confidence",
    "CONFIDENCE_ORDER",
    "LocalText",
    "Source",
    "Band",
    "Row",
    "DatedValue",
    "Parameter",
    "Benefit",
    "Layer",
    "CrossRegion",
    "SchemeRules",
    "Schemes",
    "GuideItem",
    "Region",
    "Procedure",
    "PriceRange",
    "Catalogue",
    "Bundle",
    "ROW_CONDITIONS",
]

_STRICT = {"extra": "forbid"}

Confidence = Literal["official", "secondary", "unverified", "own"]
#: Lower index = weaker. A value's effective confidence is the weaker of its own and its source's.
#: ``own`` marks the reader's own numbers (from their statement, in a request's inline policy
#: only): they count as exact and sure.
CONFIDENCE_ORDER: tuple[str, ...] = ("unverified", "secondary", "official", "own")

Unit = Literal["yuan", "percent", "choice"]
Basis = Literal["annual", "per_admission", "per_visit"]
Level = Literal[1, 2, 3]
Member = Literal["in_service", "retired", "adult", "child_student"]
Kind = Literal["drug", "exam_treatment", "material", "service"]
Location = Literal["local", "cross_region_filed", "cross_region_unfiled"]
Filing = Literal["long_term", "temporary"]
Care = Literal["outpatient", "inpatient"]
Category = Literal["A", "B", "self_pay"]

#: The conditions a :class:`Row` may name, in the order tables show them.
ROW_CONDITIONS: tuple[str, ...] = ("code", "kind", "location", "filing", "member", "level", "admission")


@dataclass(frozen=True)
class LocalText:
    """A short text in Chinese (shown first) and English."""

    __pydantic_config__ = _STRICT
    zh: str
    en: str


@dataclass(frozen=True)
class Source:
    """Where a number comes from. ``confidence``: official (a government page or statute seen),
    secondary (news, reposts, two independent pages agreeing), unverified (one aggregator page).
    ``title`` is zh + en in policy files; a reader's own inline policy may give one plain string.
    ``published``: the page's own date; ``read_on``: when this project read it; ``note``: what
    was read there."""

    __pydantic_config__ = _STRICT
    id: str
    title: Union[LocalText, str]
    confidence: Confidence
    url: Optional[str] = None
    published: Optional[date] = None
    read_on: Optional[date] = None
    note: Optional[LocalText] = None


@dataclass(frozen=True)
class Band:
    """One band of a banded ratio: the fund pays ``percent`` % of the part of the cumulative
    in-scope cost that lies below ``up_to`` (and above the previous band's ``up_to``).
    ``up_to: null`` means no upper bound. ``payer`` names the fund that pays this band."""

    __pydantic_config__ = _STRICT
    up_to: Optional[Decimal]
    percent: Decimal
    payer: Literal["fund", "supplementary"] = "fund"


@dataclass(frozen=True)
class Row:
    """One cell of a parameter table: conditions (absent = any) and exactly one of ``value``
    (yuan or percent), a range ``low``–``high`` (sources disagree, or only a bound is known;
    ``typical`` defaults to the middle), ``bands`` (a banded ratio) or ``choice`` (a named rule).
    ``admission: 3`` means the third and every later admission of the year."""

    __pydantic_config__ = _STRICT
    value: Optional[Decimal] = None
    low: Optional[Decimal] = None
    high: Optional[Decimal] = None
    typical: Optional[Decimal] = None
    bands: Optional[tuple[Band, ...]] = None
    choice: Optional[str] = None
    code: Optional[str] = None
    kind: Optional[Kind] = None
    location: Optional[Location] = None
    filing: Optional[Filing] = None
    member: Optional[Member] = None
    level: Optional[Level] = None
    admission: Optional[Literal[1, 2, 3]] = None

    # Both are worked out once per row (rows are frozen) and read on every lookup; do not modify.
    @cached_property
    def conditions(self) -> dict[str, object]:
        """The conditions this row names, in :data:`ROW_CONDITIONS` order."""
        return {name: getattr(self, name) for name in ROW_CONDITIONS if getattr(self, name) is not None}

    @cached_property
    def specificity(self) -> int:
        """How specific the row is; the most specific matching row wins. Each condition counts
        one, and naming a procedure ``code`` outranks any set of other conditions (a code is
        one item; a ``kind`` or ``level`` covers many)."""
        return len(self.conditions) + (len(ROW_CONDITIONS) if "code" in self.conditions else 0)

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None

    @property
    def middle(self) -> Decimal:
        """A range's typical value: ``typical`` when given, else the middle of the range."""
        assert self.low is not None and self.high is not None
        return self.typical if self.typical is not None else (self.low + self.high) / 2


@dataclass(frozen=True)
class DatedValue:
    """The value of a parameter from its start until the next dated value. ``rows: null`` ends
    the parameter. The start is either ``since`` (a known effective date) or ``seen_on`` (a date
    a source shows the value in force, its start unknown: a visit before it still uses the value,
    with a warning). ``source`` names one source, ``sources`` several (every source behind a
    range). ``confidence`` may lower (never raise) the weakest source's confidence."""

    __pydantic_config__ = _STRICT
    rows: Optional[tuple[Row, ...]]
    since: Optional[date] = None
    seen_on: Optional[date] = None
    source: Optional[str] = None
    sources: tuple[str, ...] = ()
    confidence: Optional[Confidence] = None
    note: Optional[LocalText] = None

    @property
    def start(self) -> date:
        """The date this value is known (``since``) or seen (``seen_on``) to be in force."""
        return self.since or self.seen_on  # type: ignore[return-value]

    @property
    def source_ids(self) -> tuple[str, ...]:
        return (self.source,) if self.source is not None else self.sources


@dataclass(frozen=True)
class Parameter:
    """A dated, sourced policy number (or named rule, for ``unit: choice``).
    ``basis`` says what a deductible, band or cap counts: one visit, one admission or a year."""

    __pydantic_config__ = _STRICT
    unit: Unit
    values: tuple[DatedValue, ...]
    basis: Optional[Basis] = None
    note: Optional[LocalText] = None


@dataclass(frozen=True)
class Benefit:
    """The basic fund for one care setting: deductible (起付标准), ratio (支付比例, plain or
    banded), annual cap (最高支付限额) of fund payments."""

    __pydantic_config__ = _STRICT
    deductible: Optional[Parameter] = None
    ratio: Optional[Parameter] = None
    annual_cap: Optional[Parameter] = None


@dataclass(frozen=True)
class Layer:
    """A layer above the basic fund (大病保险, 医疗救助) paid on the person's yearly in-scope
    share: a threshold, banded ratios counted on that yearly share, and an annual cap."""

    __pydantic_config__ = _STRICT
    applies_to: tuple[Care, ...]
    threshold: Optional[Parameter] = None
    ratio: Optional[Parameter] = None
    annual_cap: Optional[Parameter] = None


@dataclass(frozen=True)
class CrossRegion:
    """Care outside the insured place (异地就医). ``first_pay``: percent of in-scope cost the
    person pays first; ``ratio_reduction``: percentage points off the fund ratio; ``unfiled``:
    choice ``covered`` or ``not_covered`` for care without the required filing; ``emergency``:
    choice ``as_filed`` (emergency and rescue care elsewhere counts as filed temporary care, as
    the 2022 cross-province handling rules say) or ``as_unfiled``."""

    __pydantic_config__ = _STRICT
    first_pay: Optional[Parameter] = None
    ratio_reduction: Optional[Parameter] = None
    unfiled: Optional[Parameter] = None
    emergency: Optional[Parameter] = None


@dataclass(frozen=True)
class SchemeRules:
    """Everything one scheme (employee or resident) pays in a region."""

    __pydantic_config__ = _STRICT
    inpatient: Optional[Benefit] = None
    outpatient: Optional[Benefit] = None
    category_b_first_pay: Optional[Parameter] = None
    cross_region: Optional[CrossRegion] = None
    non_designated: Optional[Parameter] = None
    serious_illness: Optional[Layer] = None
    assistance: Optional[Layer] = None
    personal_account: Optional[Parameter] = None


@dataclass(frozen=True)
class Schemes:
    """The two basic schemes: 职工 (employee) and 城乡居民 (resident)."""

    __pydantic_config__ = _STRICT
    employee: Optional[SchemeRules] = None
    resident: Optional[SchemeRules] = None


GuideTopic = Literal[
    "before",
    "chronic",
    "personal_account",
    "designated",
    "documents",
    "e_certificate",
    "itemised_statement",
    "submit_online",
    "submit_window",
    "manual_claim",
    "audit_payment",
    "deadline",
    "cross_region",
    "dental",
    "contact",
]


@dataclass(frozen=True)
class GuideItem:
    """One sourced fact of a region's step-by-step guide (prose, not a number)."""

    __pydantic_config__ = _STRICT
    topic: GuideTopic
    zh: str
    en: str
    sources: tuple[str, ...]
    confidence: Optional[Confidence] = None


@dataclass(frozen=True)
class Region:
    """One region's policy file. ``parent`` names the region it inherits from (``None`` only
    for ``cn``); ``rules`` and ``catalogue`` state only what differs from the parent: a
    parameter given here replaces the parent's parameter of the same path, whole."""

    __pydantic_config__ = _STRICT
    id: str
    name: LocalText
    parent: Optional[str]
    verified_on: date
    rules: Schemes = field(default_factory=Schemes)
    catalogue: Optional[Parameter] = None
    price_ceiling: Optional[Parameter] = None
    sources: tuple[Source, ...] = ()
    guide: tuple[GuideItem, ...] = ()
    note: Optional[LocalText] = None
    #: What was searched for and not found (official pages, numbers), so readers and editors know.
    research: Optional[LocalText] = None


@dataclass(frozen=True)
class PriceRange:
    """A typical price range in yuan. Without ``source`` the range is illustrative only."""

    __pydantic_config__ = _STRICT
    low: Decimal
    high: Decimal
    typical: Decimal
    source: Optional[str] = None
    note: Optional[LocalText] = None


@dataclass(frozen=True)
class Procedure:
    """A dental procedure of the catalogue, with its default line class and kind."""

    __pydantic_config__ = _STRICT
    code: str
    name: LocalText
    category: Category
    kind: Kind
    unit: LocalText
    price: PriceRange
    sources: tuple[str, ...]
    excluded_reason: Optional[LocalText] = None
    note: Optional[LocalText] = None


@dataclass(frozen=True)
class Catalogue:
    """The dental procedure catalogue (``policies/catalogue.yaml``)."""

    __pydantic_config__ = _STRICT
    procedures: tuple[Procedure, ...]


@dataclass(frozen=True)
class Bundle:
    """Everything the engine reads at run time: regions, sources and the catalogue, as
    validated from ``policies/`` and written to ``calculator/_data/bundle.json``."""

    __pydantic_config__ = _STRICT
    regions: tuple[Region, ...]
    sources: tuple[Source, ...]
    catalogue: Catalogue
