"""Rule 1 — line classification (DESIGN §3.1).

Each bill line is out of scope (丙类/自费: paid by the person), fully in scope (甲类, category A)
or in scope after the person first pays a share (乙类, category B; the share is a policy
parameter, by line kind). A line priced above a reimbursable ceiling has the excess self-paid.
Catalogue procedures bring their default class, which a region may override (``catalogue``).
Each line's split is rounded to the fen here, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Mapping

from ._money import ZERO, fmt, plain, share, to_fen
from ._policies import Found, Policy
from ._policy_model import PriceRange
from ._request_model import Item
from ._result_model import Line, Text, Warning_
from ._uncertainty import Picker

__all__ = ["Classified", "classify"]


@dataclass
class Classified:
    """The bill after rule 1, with what it used and what it wants the reader to know."""

    lines: list[Line] = field(default_factory=list)
    used: list[Found] = field(default_factory=list)
    catalogue_sources: list[str] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    #: catalogue lines priced at the catalogue's typical price (the reader gave none)
    assumed: list[tuple[Text, PriceRange]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def self_pay(self) -> Decimal:
        return sum((line.self_pay for line in self.lines), ZERO)

    @property
    def first_pay(self) -> Decimal:
        return sum((line.first_pay for line in self.lines), ZERO)

    @property
    def in_scope(self) -> Decimal:
        return sum((line.in_scope for line in self.lines), ZERO)


def classify(items: tuple[Item, ...], policy: Policy, when: date, scheme: str, case: Mapping[str, object], picker: Picker) -> Classified:
    """Split every bill line into self-pay, category-B first pay and in-scope cost. ``policy``
    is the treatment place's (its catalogue applies to care elsewhere); ``picker`` takes each
    ranged parameter's value for this settlement."""
    out = Classified()
    for i, item in enumerate(items):
        out.lines.append(_classify_one(item, i, policy, when, scheme, case, out, picker))
    if out.assumed:
        out.warnings.append(_price_assumed(out.assumed))
    return out


def _price_assumed(assumed: list[tuple[Text, PriceRange]]) -> Warning_:
    """One warning naming each line priced at the catalogue's typical price, with the usual
    range and whether that price has a source: the reader's own price changes the answer most."""
    zh, en = [], []
    for name, price in assumed:
        bare = price.source is None
        zh.append(f"{name.zh} {fmt(price.typical)} 元（常见 {plain(price.low)}–{plain(price.high)} 元{'，仅为示意，没有来源' if bare else ''}）")
        en.append(f"{name.en} {fmt(price.typical)} (commonly {plain(price.low)}–{plain(price.high)}{'; illustrative, no source' if bare else ''})")
    return Warning_(
        "price_assumed",
        Text(
            f"没有填写单价的项目按参考价估算：{'；'.join(zh)}。各医院价格不同，请填写医院的报价或收费单上的单价。",
            f"Lines without a unit price use a typical price: {'; '.join(en)}. Prices differ between hospitals: enter your hospital's quote or the price on your bill.",
        ),
    )


def _classify_one(
    item: Item, i: int, policy: Policy, when: date, scheme: str, case: Mapping[str, object], out: Classified, picker: Picker
) -> Line:
    quantity = None
    unit_price = None
    if item.code is not None:
        proc = policy.procedure(item.code, f"items[{i}].code")
        quantity = item.quantity
        unit_price = item.unit_price if item.unit_price is not None else proc.price.typical
        amount = to_fen(unit_price * quantity)
        name = Text(proc.name.zh, proc.name.en)
        if item.unit_price is None:
            out.assumed.append((name, proc.price))
        category: str = proc.category
        kind = item.kind or proc.kind
        out.catalogue_sources.extend(s for s in proc.sources if s not in out.catalogue_sources)
        override = policy.lookup("catalogue", when, {"code": item.code}, sparse=True)
        if override is not None:
            category = str(override.row.choice)
            out.used.append(override)
        if category == "self_pay" and proc.excluded_reason is not None:
            out.warnings.append(
                Warning_("excluded_item", Text(f"{proc.name.zh}：{proc.excluded_reason.zh}", f"{proc.name.en}: {proc.excluded_reason.en}"))
            )
    else:
        amount = item.amount if item.amount is not None else ZERO
        name = Text(item.name or "", item.name or "")
        category = item.category or "self_pay"
        kind = item.kind

    line_case = dict(case, code=item.code, kind=kind)
    self_pay = amount if category == "self_pay" else ZERO
    if category != "self_pay":
        ceiling = policy.lookup("price_ceiling", when, line_case, sparse=True)
        if ceiling is not None:
            allowed = to_fen(picker.value(ceiling) * (quantity or Decimal(1)))
            if amount > allowed:
                self_pay = amount - allowed
                out.used.append(ceiling)
                out.warnings.append(
                    Warning_(
                        "above_ceiling",
                        Text(
                            f"{name.zh} 超出医保支付限价 {fmt(allowed)} 元的 {fmt(self_pay)} 元由个人自付。",
                            f"{name.en}: {fmt(self_pay)} above the reimbursable ceiling of {fmt(allowed)} is self-paid.",
                        ),
                    )
                )
    first_pay = ZERO
    if category == "B":
        found = policy.require(f"rules.{scheme}.category_b_first_pay", when, line_case, "category-B first-pay share (乙类先行自付比例)")
        out.used.append(found)
        first_pay = to_fen(share(amount - self_pay, picker.value(found)))
    return Line(
        name=name,
        category=category,
        amount=amount,
        self_pay=self_pay,
        first_pay=first_pay,
        in_scope=amount - self_pay - first_pay,
        code=item.code,
        quantity=quantity,
        unit_price=unit_price,
    )
