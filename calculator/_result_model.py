"""The estimate result (DESIGN §5). Amounts are Decimals here and strings in JSON.

Invariant, to the fen: ``total = fund + serious_illness + supplementary + assistance +
personal_account + cash``, every part ≥ 0; ``out_of_pocket = personal_account + cash``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

from ._money import fmt

__all__ = ["Text", "Line", "RangeUsed", "Step", "Warning_", "Totals", "TOTALS", "PolicyInfo", "Result"]


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Line:
    """One bill line split into what is self-paid (out of scope or above a price ceiling),
    first-paid (category-B share) and in scope."""

    name: Text
    category: str
    amount: Decimal
    self_pay: Decimal
    first_pay: Decimal
    in_scope: Decimal
    code: Optional[str] = None
    quantity: Optional[Decimal] = None
    unit_price: Optional[Decimal] = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name.to_dict(),
            "category": self.category,
            "amount": fmt(self.amount),
            "self_pay": fmt(self.self_pay),
            "first_pay": fmt(self.first_pay),
            "in_scope": fmt(self.in_scope),
        }
        if self.code is not None:
            out["code"] = self.code
            out["quantity"] = str(self.quantity)
            out["unit_price"] = fmt(self.unit_price or Decimal(0))
        return out


@dataclass(frozen=True)
class RangeUsed:
    """A parameter known only as a range, and the value this settlement took from it."""

    parameter: Text
    unit: str
    low: Decimal
    high: Decimal
    used: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.parameter.to_dict(),
            "unit": self.unit,
            "low": _plain(self.low),
            "high": _plain(self.high),
            "used": _plain(self.used),
        }


def _plain(number: Decimal) -> str:
    """A policy number as a short string: ``'10'``, ``'92.5'``, ``'12.5'`` (no exponent)."""
    text = format(number.normalize(), "f")
    return text


@dataclass(frozen=True)
class Step:
    """One step of the explanation: the rule applied, the amount it produced, why, the
    sources of every number it used, the regions whose rules gave them and the ranges used."""

    rule: str
    amount: Decimal
    text: Text
    sources: tuple[str, ...] = ()
    confidence: Optional[str] = None
    regions: tuple[str, ...] = ()
    ranges: tuple[RangeUsed, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "amount": fmt(self.amount), "text": self.text.to_dict(), "sources": list(self.sources)}
        if self.confidence is not None:
            out["confidence"] = self.confidence
        if self.regions:
            out["regions"] = list(self.regions)
        if self.ranges:
            out["range"] = [r.to_dict() for r in self.ranges]
        return out


@dataclass(frozen=True)
class Warning_:
    """Something the reader should know; ``parameter`` names the policy parameter concerned."""

    code: str
    text: Text
    parameter: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "text": self.text.to_dict()}
        if self.parameter is not None:
            out["parameter"] = self.parameter
        return out


@dataclass(frozen=True)
class Totals:
    """What each payer pays in one settlement (the typical, best or worst case)."""

    total: Decimal
    fund: Decimal
    serious_illness: Decimal
    supplementary: Decimal
    assistance: Decimal
    personal_account: Decimal
    cash: Decimal

    @property
    def out_of_pocket(self) -> Decimal:
        return self.personal_account + self.cash

    def to_dict(self) -> dict[str, str]:
        out = {name: fmt(getattr(self, name)) for name in TOTALS}
        out["out_of_pocket"] = fmt(self.out_of_pocket)
        return out


#: The payer keys of a result (and of each of its bounds), in the contract's order.
TOTALS = ("total", "fund", "serious_illness", "supplementary", "assistance", "personal_account", "cash")


@dataclass(frozen=True)
class PolicyInfo:
    region: str
    name: Text
    chain: tuple[str, ...]
    effective: Optional[str]
    verified_on: str
    confidence: str
    seen_on: Optional[str] = None
    treatment_region: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "name": self.name.to_dict(),
            "chain": list(self.chain),
            "effective": self.effective,
            "seen_on": self.seen_on,
            "verified_on": self.verified_on,
            "confidence": self.confidence,
            "treatment_region": self.treatment_region,
        }


@dataclass(frozen=True)
class Result:
    total: Decimal
    fund: Decimal
    serious_illness: Decimal
    supplementary: Decimal
    assistance: Decimal
    personal_account: Decimal
    cash: Decimal
    lines: tuple[Line, ...]
    steps: tuple[Step, ...]
    warnings: tuple[Warning_, ...]
    policy: PolicyInfo
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    best: Optional[Totals] = None  # None: every number used is exact (best = worst = typical)
    worst: Optional[Totals] = None

    @property
    def out_of_pocket(self) -> Decimal:
        return self.personal_account + self.cash

    @property
    def totals(self) -> Totals:
        return Totals(*(getattr(self, name) for name in TOTALS))

    @property
    def exact(self) -> bool:
        """True when the best and worst cases are the typical one."""
        return self.best is None or (self.best == self.totals and self.worst == self.totals)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data, amounts as strings with two decimals."""
        return {
            "total": fmt(self.total),
            "fund": fmt(self.fund),
            "serious_illness": fmt(self.serious_illness),
            "supplementary": fmt(self.supplementary),
            "assistance": fmt(self.assistance),
            "personal_account": fmt(self.personal_account),
            "cash": fmt(self.cash),
            "out_of_pocket": fmt(self.out_of_pocket),
            "lines": [line.to_dict() for line in self.lines],
            "steps": [step.to_dict() for step in self.steps],
            "warnings": [w.to_dict() for w in self.warnings],
            "policy": self.policy.to_dict(),
            "sources": self.sources,
            "bounds": {"best": (self.best or self.totals).to_dict(), "worst": (self.worst or self.totals).to_dict()},
            "exact": self.exact,
        }
