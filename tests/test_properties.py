"""Properties that hold for every policy and every bill (hypothesis; 1,000 examples in CI).

- the invariant of DESIGN §3, to the fen: the parts add up to the bill, none is negative, in
  the typical, best and worst cases alike;
- best ≤ typical ≤ worst out of pocket, whatever parameters are ranges;
- adding a bill line never lowers what the person pays, in each of the three cases;
- exact data gives equal bounds;
- the fund never pays more than the annual cap left this year.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from calculator import PolicySet, Result, estimate
from calculator._policy_model import (
    Band,
    Benefit,
    Bundle,
    Catalogue,
    CrossRegion,
    DatedValue,
    Layer,
    LocalText,
    Parameter,
    PriceRange,
    Procedure,
    Region,
    Row,
    SchemeRules,
    Schemes,
    Source,
)
from calculator._money import to_fen
from calculator._result_model import Totals

SINCE = date(2020, 1, 1)
SOURCE = Source(id="synthetic", title="Synthetic test policy", confidence="unverified")

money = st.integers(min_value=0, max_value=20_000_000).map(lambda fen: Decimal(fen) / 100)
small_money = st.integers(min_value=0, max_value=500_000).map(lambda fen: Decimal(fen) / 100)
percent = st.integers(min_value=0, max_value=1000).map(lambda tenths: Decimal(tenths) / 10)


#: Whether the policies drawn may hold ranges (``policy_set(ranged=False)``: every number exact).
RANGED = st.shared(st.booleans(), key="ranged")


@st.composite
def number(draw: st.DrawFn, amounts: st.SearchStrategy[Decimal]) -> Row:
    """An exact row, or (in a ranged policy) a range row with or without a typical value."""
    if not draw(RANGED) or draw(st.booleans()):
        return Row(value=draw(amounts))
    low, high = sorted(draw(st.lists(amounts, min_size=2, max_size=2, unique=True)))
    typical = draw(st.one_of(st.none(), st.sampled_from([low, high, (low + high) / 2])))
    return Row(low=low, high=high, typical=typical)


def param(unit: str, rows: list[Row], basis: str | None = None) -> Parameter:
    return Parameter(unit=unit, basis=basis, values=(DatedValue(since=SINCE, source="synthetic", rows=tuple(rows)),))  # type: ignore[arg-type]


@st.composite
def bands(draw: st.DrawFn, payers: bool = True) -> tuple[Band, ...]:
    bounds = sorted(set(draw(st.lists(st.integers(min_value=1, max_value=500_000), max_size=3))))
    out = [
        Band(up_to=Decimal(b), percent=draw(percent), payer=draw(st.sampled_from(["fund", "supplementary"])) if payers else "fund")
        for b in bounds
    ]
    if draw(st.booleans()) or not out:
        out.append(Band(up_to=None, percent=draw(percent)))
    return tuple(out)


@st.composite
def ratio_rows(draw: st.DrawFn, payers: bool = True) -> list[Row]:
    if draw(st.booleans()):
        return [draw(number(percent))]
    return [Row(bands=draw(bands(payers)))]


@st.composite
def benefit(draw: st.DrawFn) -> Benefit:
    cap = param("yuan", [draw(number(money))], "annual") if draw(st.booleans()) else None
    return Benefit(
        deductible=param("yuan", [draw(number(small_money))], draw(st.sampled_from(["annual", "per_admission"]))),
        ratio=param("percent", draw(ratio_rows()), draw(st.sampled_from(["annual", "per_admission"]))),
        annual_cap=cap,
    )


@st.composite
def layer(draw: st.DrawFn) -> Layer:
    return Layer(
        applies_to=("inpatient", "outpatient"),
        threshold=param("yuan", [draw(number(small_money))], "annual"),
        ratio=param("percent", draw(ratio_rows(payers=False)), "annual"),
        annual_cap=param("yuan", [draw(number(money))], "annual") if draw(st.booleans()) else None,
    )


@st.composite
def scheme_rules(draw: st.DrawFn) -> SchemeRules:
    return SchemeRules(
        inpatient=draw(benefit()),
        outpatient=draw(benefit()),
        category_b_first_pay=param("percent", [draw(number(percent))]),
        cross_region=CrossRegion(
            first_pay=param("percent", [draw(number(percent))]),
            ratio_reduction=param("percent", [draw(number(percent))]),
            unfiled=param("choice", [Row(choice=draw(st.sampled_from(["covered", "not_covered"])))]),
        ),
        non_designated=param("choice", [Row(choice=draw(st.sampled_from(["not_covered", "emergency_only", "covered"])))]),
        serious_illness=draw(layer()),
        assistance=draw(layer()),
        personal_account=param("choice", [Row(choice=draw(st.sampled_from(["none", "catalogue_costs", "all_personal_costs"])))]),
    )


CATALOGUE = Catalogue(
    procedures=(
        Procedure(
            code="T-FILL",
            name=LocalText(zh="补牙", en="Filling"),
            category="A",
            kind="service",
            unit=LocalText(zh="颗", en="tooth"),
            price=PriceRange(low=Decimal(50), high=Decimal(300), typical=Decimal(120)),
            sources=("synthetic",),
        ),
    )
)


@st.composite
def policy_set(draw: st.DrawFn) -> PolicySet:
    rules = draw(scheme_rules())
    cn = Region(
        id="cn",
        name=LocalText(zh="全国", en="National"),
        parent=None,
        verified_on=date(2026, 11, 1),
        rules=Schemes(employee=rules, resident=replace(rules, personal_account=None)),
        price_ceiling=param("yuan", [replace(draw(number(st.sampled_from([Decimal(60), Decimal(100), Decimal(250)]))), code="T-FILL")])
        if draw(st.booleans())
        else None,
    )
    return PolicySet(Bundle(regions=(cn,), sources=(SOURCE,), catalogue=CATALOGUE))


line = st.one_of(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["药品", "检查", "材料", "诊疗"]),
            "category": st.sampled_from(["A", "B", "self_pay"]),
            "amount": money.map(str),
        }
    ),
    st.fixed_dictionaries({"code": st.just("T-FILL"), "quantity": st.integers(1, 4), "unit_price": small_money.map(str)}),
)


@st.composite
def request(draw: st.DrawFn) -> dict[str, object]:
    scheme = draw(st.sampled_from(["employee", "resident"]))
    return {
        "region": "cn",
        "visit_date": "2026-12-01",
        "scheme": scheme,
        "member": draw(st.sampled_from(["in_service", "retired"] if scheme == "employee" else ["adult", "child_student"])),
        "care": draw(st.sampled_from(["outpatient", "inpatient"])),
        "institution_level": draw(st.sampled_from([1, 2, 3])),
        "designated": draw(st.booleans()),
        "emergency": draw(st.booleans()),
        "location": draw(st.sampled_from(["local", "cross_region_filed", "cross_region_unfiled"])),
        "filing": draw(st.sampled_from(["long_term", "temporary"])),
        "admission_number": draw(st.integers(1, 5)),
        "assistance_eligible": draw(st.booleans()),
        "items": draw(st.lists(line, min_size=1, max_size=5)),
        "year_to_date": {
            "deductible_paid": str(draw(small_money)),
            "fund_paid": str(draw(money)),
            "in_scope_spent": str(draw(money)),
            "personal_in_scope_share": str(draw(money)),
            "serious_illness_paid": str(draw(money)),
            "assistance_paid": str(draw(small_money)),
        },
        "personal_account_balance": str(draw(small_money)),
    }


PARTS = ("fund", "serious_illness", "supplementary", "assistance", "personal_account", "cash")


def three_cases(result: Result) -> list[Totals]:
    """The typical, best and worst settlements of a result."""
    return [result.totals, result.best or result.totals, result.worst or result.totals]


@given(policy_set(), request())
def test_parts_add_up_to_the_bill_and_none_is_negative(policies: PolicySet, req: dict[str, object]) -> None:
    result = estimate(req, policies)
    for totals in three_cases(result):
        parts = [getattr(totals, name) for name in PARTS]
        assert all(part >= 0 for part in parts), dict(zip(PARTS, parts))
        assert sum(parts) == totals.total == result.total
        assert totals.out_of_pocket == totals.personal_account + totals.cash
        assert all(part == part.quantize(Decimal("0.01")) for part in parts)
    for line_ in result.lines:
        assert line_.self_pay + line_.first_pay + line_.in_scope == line_.amount
        assert min(line_.self_pay, line_.first_pay, line_.in_scope) >= 0


@given(policy_set(), request(), st.data())
def test_best_case_never_costs_more_than_typical_nor_typical_than_worst(policies: PolicySet, req: dict[str, object], data: st.DataObject) -> None:
    result = estimate(req, policies)
    typical, best, worst = three_cases(result)
    assert best.out_of_pocket <= typical.out_of_pocket <= worst.out_of_pocket, (best, typical, worst)
    assert result.exact == (best == worst == typical)
    if not data.draw(RANGED):  # exact data: one settlement, equal bounds
        assert result.exact and result.best is None and result.worst is None
        assert result.to_dict()["bounds"] == {"best": result.totals.to_dict(), "worst": result.totals.to_dict()}


@given(policy_set(), request(), line)
def test_adding_a_bill_line_never_lowers_out_of_pocket(policies: PolicySet, req: dict[str, object], extra: dict[str, object]) -> None:
    before = estimate(req, policies)
    after = estimate(dict(req, items=[*req["items"], extra]), policies)  # type: ignore[misc]
    for was, now in zip(three_cases(before), three_cases(after)):
        assert now.out_of_pocket >= was.out_of_pocket


@given(policy_set(), request())
def test_fund_never_exceeds_the_cap_left_this_year(policies: PolicySet, req: dict[str, object]) -> None:
    result = estimate(req, policies)
    benefit_ = getattr(policies.regions["cn"].rules, str(req["scheme"]))
    cap = getattr(benefit_, str(req["care"])).annual_cap
    if cap is not None:
        row = cap.values[0].rows[0]
        cap_value = row.middle if row.is_range else row.value
        room = max(Decimal(0), cap_value - Decimal(req["year_to_date"]["fund_paid"]))  # type: ignore[index]
        assert result.fund <= to_fen(room)  # a range's middle may fall between two fen
    assert result.fund <= result.total
