"""The estimate result (DESIGN §5). Amounts are Decimals here and strings in JSON.

Invariant, to the fen: ``total = fund + serious_illness + supplementary + assistance +
personal_account + cash``, every part ≥ 0; ``out_of_pocket = personal_account + cash``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

from ._money import fmt

__all__ = ["Text", "Line", "Step", "Warning_", "PolicyInfo", "Result"]


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
class Step:
    """One step of the explanation: the rule applied, the amount it produced, why, and the
    sources of every number it used."""

    rule: str
    amount: Decimal
    text: Text
    sources: tuple[str, ...] = ()
    confidence: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "amount": fmt(self.amount), "text": self.text.to_dict(), "sources": list(self.sources)}
        if self.confidence is not None:
            out["confidence"] = self.confidence
        return out


@dataclass(frozen=True)
class Warning_:
    code: str
    text: Text

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "text": self.text.to_dict()}


@dataclass(frozen=True)
class PolicyInfo:
    region: str
    name: Text
    chain: tuple[str, ...]
    effective: Optional[str]
    verified_on: str
    confidence: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "name": self.name.to_dict(),
            "chain": list(self.chain),
            "effective": self.effective,
            "verified_on": self.verified_on,
            "confidence": self.confidence,
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
    sources: dict[str, dict[str, Optional[str]]] = field(default_factory=dict)

    @property
    def out_of_pocket(self) -> Decimal:
        return self.personal_account + self.cash

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
        }
