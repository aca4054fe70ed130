"""The estimate request (DESIGN §5) as standard-library dataclasses.

Amounts are strings (or integers) in JSON and :class:`~decimal.Decimal` here. Fields with a
default may be left out of the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, Optional

from ._policy_model import Category, Filing, Kind, Level, Location, Member, Region

__all__ = ["Item", "YearToDate", "Request", "ELSEWHERE"]

#: ``treatment_region`` for care elsewhere in a place the data does not hold.
ELSEWHERE = "elsewhere"

_STRICT = {"extra": "forbid"}


@dataclass(frozen=True)
class Item:
    """One bill line: a catalogue ``code`` with ``quantity`` (and ``unit_price`` to replace the
    catalogue's typical price), or a free line with ``name``, ``category`` and ``amount``.
    ``kind`` picks the category-B first-pay share (drug, exam_treatment, material, service)."""

    __pydantic_config__ = _STRICT
    code: Optional[str] = None
    quantity: Decimal = Decimal(1)
    unit_price: Optional[Decimal] = None
    name: Optional[str] = None
    category: Optional[Category] = None
    amount: Optional[Decimal] = None
    kind: Optional[Kind] = None


@dataclass(frozen=True)
class YearToDate:
    """What happened earlier this year in the same care setting (all default to 0).
    ``in_scope_spent``: in-scope cost so far (annual bands); ``personal_in_scope_share``: the
    person's in-scope share so far (serious-illness and assistance thresholds)."""

    __pydantic_config__ = _STRICT
    deductible_paid: Decimal = Decimal(0)
    fund_paid: Decimal = Decimal(0)
    in_scope_spent: Decimal = Decimal(0)
    personal_in_scope_share: Decimal = Decimal(0)
    serious_illness_paid: Decimal = Decimal(0)
    assistance_paid: Decimal = Decimal(0)


@dataclass(frozen=True)
class Request:
    """One visit (outpatient) or one admission (inpatient) to estimate."""

    __pydantic_config__ = _STRICT
    region: str
    visit_date: date
    scheme: Literal["employee", "resident"]
    care: Literal["outpatient", "inpatient"]
    institution_level: Level
    items: tuple[Item, ...]
    member: Optional[Member] = None
    designated: bool = True
    location: Location = "local"
    filing: Filing = "temporary"
    emergency: bool = False
    admission_number: int = 1
    assistance_eligible: bool = False
    year_to_date: YearToDate = field(default_factory=YearToDate)
    personal_account_balance: Decimal = Decimal(0)
    policy: Optional[Region] = None
    #: Where cross-region care happens: a region id or ``elsewhere`` (None: not said).
    treatment_region: Optional[str] = None
