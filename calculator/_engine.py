"""The reimbursement pipeline (DESIGN §3): one visit or admission, in this order.

1. lines — classify bill lines (:mod:`calculator._lines`);
2. eligibility — a non-designated institution pays nothing except in an emergency where the
   policy says so (Social Insurance Law art. 28); unfiled cross-region care per policy, except
   that an emergency elsewhere counts as filed where the policy says so (NAT-XREG-02);
3. cross_region — the insured place's extra first-pay share or ratio reduction;
4. deductible — by scheme, care, level, member and admission ordinal, less what was already
   paid this year when it is annual;
5. fund / supplementary — the (banded) ratio on in-scope cost above the deductible, a band's
   payer being the pooled fund or the employees' large-expense fund;
6. annual_cap — the fund pays at most the cap less this year's fund payments;
7. serious_illness, assistance — layers on the person's yearly in-scope share;
8. personal_account — pays toward the person's share up to the balance, where allowed;
9. cash — the rest.

Rounding: line splits are rounded to the fen when classified; every later amount is exact until
the payers' totals are rounded once, cumulatively (fund, then fund + supplementary, …), so the
parts add up to the bill to the fen and none is negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Optional

from ._bands import Piece, split_into_bands
from ._errors import NotEstimable, RequestError
from ._lines import Classified, classify
from ._money import ZERO, fmt, to_fen
from ._policies import Found, Policy, PolicySet, weakest
from ._policy_model import Band, Layer, LocalText
from ._request_model import ELSEWHERE, Request
from ._result_model import TOTALS, PolicyInfo, Result, Step, Text, Totals, Warning_
from ._uncertainty import Mode, Picker, parameter_name

__all__ = ["run"]

STALE_AFTER_DAYS = 365

_CARE = {"outpatient": Text("普通门诊统筹", "general outpatient pooling"), "inpatient": Text("住院", "inpatient care")}
_PAYER = {"fund": Text("统筹基金", "pooled fund"), "supplementary": Text("大额医疗费用补助", "large-expense fund")}


@dataclass
class _Run:
    """The working state of one settlement: the request, its policies and what was found.
    ``policy`` is the insured place's; ``line_policy`` the treatment place's (the same for
    local care), whose catalogue and category-B shares apply to the bill's lines."""

    request: Request
    policy: Policy
    line_policy: Policy
    case: dict[str, object]
    pick: Picker
    steps: list[Step] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    used: list[Found] = field(default_factory=list)

    def find(self, path: str, what: str, *, required: bool = True, case: Optional[dict[str, object]] = None) -> Optional[Found]:
        when, case = self.request.visit_date, case or self.case
        found = self.policy.require(path, when, case, what) if required else self.policy.lookup(path, when, case)
        if found is not None:
            self.used.append(found)
        return found

    @property
    def explain(self) -> bool:
        """Only the typical settlement writes steps and warnings (its texts cost time)."""
        return self.pick.mode == "typical"

    def num(self, found: Found) -> Decimal:
        """The found row's value in this settlement (a range's typical, best or worst end)."""
        return self.pick.value(found)

    def step(self, rule: str, amount: Decimal, zh: str, en: str, found: list[Found] | tuple[Found, ...] = ()) -> None:
        if not self.explain:
            return  # the best and worst cases give only their totals
        sources = tuple(dict.fromkeys(s.id for f in found for s in f.sources))
        confidence = weakest(*(f.confidence for f in found)) if found else None
        regions = tuple(dict.fromkeys(f.region for f in found))
        self.steps.append(Step(rule, amount, Text(zh, en), sources, confidence, regions, self.pick.ranges(found)))

    def warn(self, code: str, zh: str, en: str, parameter: Optional[str] = None) -> None:
        if self.explain:
            self.warnings.append(Warning_(code, Text(zh, en), parameter))


def run(request: Request, policies: PolicySet) -> Result:
    """Settle one visit (see the module docstring for the order of the rules): the typical
    case, and where a number used is a range, the reader's best and worst cases too."""
    policy = policies.policy(request.region, request.policy)
    line_policy = _treatment_policy(request, policies, policy)
    typical = _settle(request, policy, line_policy, "typical")
    r, totals, bill = typical
    best = worst = None
    if r.pick.ranged:
        best = _settle(request, policy, line_policy, "best")[1]
        worst = _settle(request, policy, line_policy, "worst")[1]
    _data_warnings(r)
    return Result(
        *(getattr(totals, name) for name in TOTALS),
        lines=tuple(bill.lines),
        steps=tuple(r.steps),
        warnings=tuple(r.warnings),
        policy=_policy_info(r),
        sources=_sources(r, bill),
        best=best,
        worst=worst,
    )


def _treatment_policy(request: Request, policies: PolicySet, insured: Policy) -> Policy:
    """The policy whose catalogue applies to the bill: the treatment place's for care elsewhere
    (national rule: the treatment place's catalogue, the insured place's deductible, ratio and
    cap), ``cn``'s for an unnamed place elsewhere, else the insured place's."""
    place = request.treatment_region
    if place is None or place == request.region:
        return insured
    if request.location == "local":
        raise RequestError.at("treatment_region", place, f"differs from region {request.region!r}: pick a cross-region location for care elsewhere", "not_allowed")
    if place != ELSEWHERE and place not in policies.regions:
        raise RequestError.at("treatment_region", place, f"is not a known region or {ELSEWHERE!r}", "unknown_region")
    return policies.policy("cn" if place == ELSEWHERE else place, request.policy, parent_check=False)


def _settle(request: Request, policy: Policy, line_policy: Policy, mode: Mode) -> tuple[_Run, Totals, Classified]:
    """One settlement of the visit, each ranged number taken at ``mode``'s end."""
    inpatient = request.care == "inpatient"
    case: dict[str, object] = {
        "level": request.institution_level,
        "member": request.member,
        "admission": min(request.admission_number, 3) if inpatient else None,
        "location": request.location,
        "filing": request.filing if request.location != "local" else None,
    }
    r = _Run(request, policy, line_policy, case, Picker(mode))
    emergency_as_filed = _emergency_counts_as_filed(r)
    bill = classify(request.items, line_policy, request.visit_date, request.scheme, case, r.pick)
    r.used.extend(bill.used)
    r.warnings.extend(bill.warnings)
    _explain_lines(r, bill)

    if emergency_as_filed is not None:
        r.step(
            "cross_region",
            ZERO,
            "异地急诊抢救视同已备案，按临时外出就医（已备案）计算。出院结算前补办备案更稳妥。",
            "Emergency and rescue care elsewhere counts as filed: it is settled as temporary care elsewhere, filed. "
            "Completing the filing before discharge is safer.",
            [emergency_as_filed],
        )
    covered = _eligibility(r)
    in_scope = bill.in_scope
    fund = supplementary = serious_illness = assistance = ZERO
    if covered:
        first_pay, reduction = _cross_region(r, in_scope)
        fund, supplementary = _basic_fund(r, in_scope - first_pay, reduction)
        personal_share = in_scope - fund - supplementary
        serious_illness = _layer(r, "serious_illness", personal_share, request.year_to_date.serious_illness_paid)
        if request.assistance_eligible:
            assistance = _layer(r, "assistance", personal_share - serious_illness, request.year_to_date.assistance_paid)

    # Round the payers cumulatively, so that the parts always add up to the bill.
    total = bill.total
    parts = [fund, supplementary, serious_illness, assistance]
    rounded: list[Decimal] = []
    running = ZERO
    for part in parts:
        running += part
        rounded.append(to_fen(running) - sum(rounded, ZERO))
    fund_r, supplementary_r, serious_illness_r, assistance_r = rounded
    insured = sum(rounded, ZERO)
    personal_account = _personal_account(r, covered, bill, insured)
    cash = total - insured - personal_account
    if r.explain:
        r.step(
            "cash",
            cash,
            f"合计 {fmt(total)} 元，医保各项共支付 {fmt(insured)} 元，个人账户 {fmt(personal_account)} 元，其余 {fmt(cash)} 元由您现金支付。"
            "（各支付方金额在最后按累计方式四舍五入到分。）",
            f"Bill {fmt(total)}: insurance pays {fmt(insured)}, personal account {fmt(personal_account)}, you pay {fmt(cash)} in cash. "
            "(Payer totals are rounded to the fen once, at the end, cumulatively.)",
        )
    return r, Totals(total, fund_r, serious_illness_r, supplementary_r, assistance_r, personal_account, cash), bill


def _explain_lines(r: _Run, bill: Classified) -> None:
    zh_place = en_place = ""
    if r.line_policy is not r.policy:
        _insured, place = _places(r)
        zh_place = f"（按就医地{place.zh}的目录和乙类先行自付比例）"
        en_place = f" (the treatment place's catalogue and category-B shares: {place.en})"
    if r.explain:
        r.step(
            "lines",
            bill.in_scope,
            f"账单 {len(bill.lines)} 项共 {fmt(bill.total)} 元：目录外（自费）{fmt(bill.self_pay)} 元，乙类先行自付 {fmt(bill.first_pay)} 元，"
            f"纳入医保支付范围 {fmt(bill.in_scope)} 元{zh_place}。",
            f"The bill's {len(bill.lines)} line(s) total {fmt(bill.total)}: {fmt(bill.self_pay)} outside the catalogues (self-pay), "
            f"{fmt(bill.first_pay)} category-B first pay, {fmt(bill.in_scope)} within the insurance's scope{en_place}.",
            bill.used,
        )
    if bill.catalogue_sources and r.steps:
        last = r.steps[-1]
        r.steps[-1] = replace(last, sources=tuple(dict.fromkeys(last.sources + tuple(bill.catalogue_sources))))


def _emergency_counts_as_filed(r: _Run) -> Optional[Found]:
    """Rule 4a: emergency and rescue care elsewhere counts as filed temporary care where the
    policy says so (``cross_region.emergency: as_filed``; 医保发〔2022〕22号 handling rules,
    NAT-XREG-02). Changes the case's location and filing (the request keeps what was entered)
    and returns the rule applied, or ``None``."""
    req = r.request
    if req.location != "cross_region_unfiled" or not req.emergency:
        return None
    case = {**r.case, "location": "cross_region_filed", "filing": "temporary"}
    found = r.find(f"rules.{req.scheme}.cross_region.emergency", "rule for emergencies elsewhere", required=False, case=case)
    if found is None or found.row.choice != "as_filed":
        return None
    r.case.update(location="cross_region_filed", filing="temporary")
    return found


def _eligibility(r: _Run) -> bool:
    """Rule 4: non-designated institutions and unfiled cross-region care."""
    req = r.request
    if not req.designated:
        found = r.find(f"rules.{req.scheme}.non_designated", "rule for non-designated institutions (非定点机构)")
        assert found is not None
        choice = found.row.choice
        covered = choice == "covered" or (choice == "emergency_only" and req.emergency)
        if covered:
            r.step(
                "eligibility",
                ZERO,
                "在非定点机构就医，但属于急诊抢救，医保按规定支付。",
                "A non-designated institution, but an emergency: the insurance pays per the rules.",
                [found],
            )
        else:
            r.step(
                "eligibility",
                ZERO,
                "在非定点医疗机构就医（非急诊抢救），医保基金不予支付，全部费用由个人负担。",
                "A non-designated institution outside an emergency: the insurance pays nothing; you bear the whole bill.",
                [found],
            )
            r.warn(
                "non_designated",
                "非定点医疗机构的费用医保不报销。请改选医保定点机构（可在国家医保服务平台查询）。",
                "Costs at a non-designated institution are not reimbursed. Choose a designated institution (search the national medical insurance service platform).",
            )
            return False
    if r.case["location"] == "cross_region_unfiled":
        r.warn(
            "missing_filing",
            "未办理异地就医备案：请在就医前通过参保地医保 App、国家医保服务平台或窗口备案，否则通常需先全额垫付再回参保地手工报销，且报销比例可能更低。",
            "No cross-region filing: file before treatment (insured place's app, the national medical insurance service platform, or a counter); "
            "otherwise you usually pay in full and claim back at home, often at a lower ratio.",
        )
        found = r.find(f"rules.{req.scheme}.cross_region.unfiled", "rule for unfiled cross-region care", required=False)
        if found is not None and found.row.choice == "not_covered":
            r.step(
                "eligibility",
                ZERO,
                "未备案的异地就医费用，参保地医保不予支付。",
                "Cross-region care without filing: the insured place pays nothing.",
                [found],
            )
            return False
    return True


def _cross_region(r: _Run, in_scope: Decimal) -> tuple[Decimal, Decimal]:
    """Rule 4: the extra first-pay share (percent of in-scope cost) and ratio reduction
    (percentage points) of the insured place for care elsewhere. A place states one or both; a
    place silent on both takes the national bound (``cn``) of the reduction."""
    req = r.request
    location, filing_kind = r.case["location"], r.case["filing"]
    if location == "local":
        return ZERO, ZERO
    base = f"rules.{req.scheme}.cross_region"
    first = _optional(r, f"{base}.first_pay")
    reduction = _optional(r, f"{base}.ratio_reduction")
    local_rule = [f for f in (first, reduction) if f is not None and f.region != "cn"]
    used = local_rule or [f for f in (first, reduction) if f is not None]
    if not used:
        r.policy.require(f"{base}.ratio_reduction", req.visit_date, r.case, "cross-region rule (异地就医先行自付或降低比例)")
    first = first if any(f is first for f in used) else None
    reduction = reduction if any(f is reduction for f in used) else None
    r.used.extend(used)
    percent = r.num(first) if first is not None else ZERO
    points = r.num(reduction) if reduction is not None else ZERO
    first_pay = in_scope * percent / 100
    filing = {"long_term": ("长期", "long-term"), "temporary": ("临时", "temporary")}[str(filing_kind)]
    status = "已备案" if location == "cross_region_filed" else "未备案"
    status_en = "filed" if location == "cross_region_filed" else "not filed"
    zh_parts, en_parts = [], []
    if first is not None:
        zh_parts.append(f"先由个人支付政策范围内费用的 {percent}%（{fmt(first_pay)} 元）")
        en_parts.append(f"you first pay {percent}% of the in-scope cost ({fmt(first_pay)})")
    if reduction is not None:
        zh_parts.append(f"统筹支付比例降低 {points} 个百分点")
        en_parts.append(f"the fund's ratio is lowered by {points} points")
    insured, place = _places(r)
    if r.explain:
        r.step(
            "cross_region",
            first_pay,
            f"异地就医（{filing[0]}，{status}）：{'，'.join(zh_parts)}。起付标准、支付比例和最高支付限额按参保地{insured.zh}的规定，"
            f"药品和诊疗项目目录按就医地{place.zh}的规定。",
            f"Cross-region care ({filing[1]}, {status_en}): {'; '.join(en_parts)}. The deductible, ratio and cap are the insured place's "
            f"({insured.en}); the catalogue is the treatment place's ({place.en}).",
            used,
        )
    return first_pay, points


def _optional(r: _Run, path: str) -> Optional[Found]:
    """The value at ``path`` for this case, or ``None`` where no region has one (a place may
    state one cross-region rule for some cases only; the other, or the national bound, answers)."""
    try:
        return r.policy.lookup(path, r.request.visit_date, r.case)
    except NotEstimable:
        return None


def _places(r: _Run) -> tuple[Text, Text]:
    """The insured place's and the treatment place's names (``elsewhere``: 外地 / elsewhere)."""
    insured = r.policy.region.name
    named = r.request.treatment_region not in (None, ELSEWHERE)
    place = Text(r.line_policy.region.name.zh, r.line_policy.region.name.en) if named else Text("（未指定）", "not named")
    return Text(insured.zh, insured.en), place


def _basic_fund(r: _Run, payable: Decimal, reduction: Decimal) -> tuple[Decimal, Decimal]:
    """Rules 2–3: deductible, (banded) ratio and annual cap of the basic fund."""
    req = r.request
    ytd = req.year_to_date
    path = f"rules.{req.scheme}.{req.care}"
    care = _CARE[req.care]
    deductible = r.find(f"{path}.deductible", f"{care.en} deductible (起付标准)")
    assert deductible is not None
    standard = r.num(deductible)
    annual = deductible.parameter.basis == "annual"
    remaining = max(ZERO, standard - ytd.deductible_paid) if annual else standard
    applied = min(remaining, max(payable, ZERO))
    if annual:
        zh_basis = f"年度起付标准 {fmt(standard)} 元，今年已付 {fmt(ytd.deductible_paid)} 元，本次还需自付 {fmt(applied)} 元。"
        en_basis = f"The annual deductible is {fmt(standard)}; {fmt(ytd.deductible_paid)} was paid earlier this year, so {fmt(applied)} applies now."
    else:
        nth = req.admission_number if req.care == "inpatient" else 1
        zh_basis = f"{'本年第 ' + str(nth) + ' 次住院，' if req.care == 'inpatient' else ''}每次起付标准 {fmt(standard)} 元，本次自付 {fmt(applied)} 元。"
        en_basis = (f"admission no. {nth} this year: " if req.care == "inpatient" else "") + f"the deductible is {fmt(standard)} each time; {fmt(applied)} applies now."
    if r.explain:
        r.step("deductible", applied, f"{care.zh}：{zh_basis}", f"{care.en.capitalize()}: {en_basis}", [deductible])

    ratio = r.find(f"{path}.ratio", f"{care.en} fund ratio (支付比例)")
    assert ratio is not None
    bands = ratio.row.bands or (Band(up_to=None, percent=r.num(ratio)),)
    offset = ytd.in_scope_spent if ratio.parameter.basis == "annual" else ZERO
    pieces = split_into_bands(bands, offset + applied, offset + payable, reduction)
    fund = sum((p.paid for p in pieces if p.band.payer == "fund"), ZERO)
    supplementary = sum((p.paid for p in pieces if p.band.payer == "supplementary"), ZERO)
    zh_pieces, en_pieces = _describe(pieces, "fund")
    if r.explain:
        r.step(
            "fund",
            fund,
            f"起付标准以上的政策范围内费用由统筹基金按比例支付：{zh_pieces or '无'}。",
            f"Above the deductible, the pooled fund pays its ratio on the in-scope cost: {en_pieces or 'nothing'}.",
            [ratio],
        )
    cap = r.find(f"{path}.annual_cap", "annual cap", required=False)
    if cap is None:
        r.warn(
            "cap_unknown",
            "政策数据中没有本地区的年度最高支付限额，估算假定尚未达到限额。",
            "The policy data has no annual cap for this region; the estimate assumes it is not reached.",
        )
    else:
        cap_value = r.num(cap)
        room = max(ZERO, cap_value - ytd.fund_paid)
        limited = min(fund, room)
        if r.explain:
            r.step(
                "annual_cap",
                limited,
                f"统筹基金年度最高支付限额 {fmt(cap_value)} 元，今年已支付 {fmt(ytd.fund_paid)} 元，剩余 {fmt(room)} 元"
                + (f"，本次统筹支付因此限为 {fmt(limited)} 元。" if limited < fund else "，本次未超限。"),
                f"The fund's annual cap is {fmt(cap_value)}; {fmt(ytd.fund_paid)} was paid this year, {fmt(room)} remains"
                + (f", so the fund pays {fmt(limited)} now." if limited < fund else "; this visit stays within it."),
                [cap],
            )
        fund = limited
    if any(p.band.payer == "supplementary" for p in pieces):
        zh_s, en_s = _describe(pieces, "supplementary")
        if r.explain:
            r.step(
                "supplementary",
                supplementary,
                f"超过统筹段的费用由职工大额医疗费用补助支付：{zh_s}。",
                f"Above the pooled fund's bands, the employees' large-expense fund pays: {en_s}.",
                [ratio],
            )
    return fund, supplementary


def _describe(pieces: list[Piece], payer: str) -> tuple[str, str]:
    """Each piece's arithmetic; the band is named only where the ratio has bands."""
    chosen = [p for p in pieces if p.band.payer == payer]
    banded = any(p.start > 0 or p.end is not None for p in pieces)
    zh = "；".join(f"{fmt(p.base)} 元 × {p.percent}% = {fmt(p.paid)} 元" + (f"（{_range(p)} 元段）" if banded else "") for p in chosen)
    en = "; ".join(f"{fmt(p.base)} × {p.percent}% = {fmt(p.paid)}" + (f" (band {_range(p)})" if banded else "") for p in chosen)
    return zh, en


def _range(piece: Piece) -> str:
    return f"{fmt(piece.start)}–{fmt(piece.end)}" if piece.end is not None else f"{fmt(piece.start)}+"


_LAYER_NAMES = {
    "serious_illness": Text("大病保险", "serious-illness insurance"),
    "assistance": Text("医疗救助", "medical assistance"),
}


def _layer(r: _Run, name: str, visit_share: Decimal, paid_this_year: Decimal) -> Decimal:
    """Rule 5: a layer paid on the person's yearly in-scope share above its threshold."""
    req = r.request
    label = _LAYER_NAMES[name]
    path = f"rules.{req.scheme}.{name}"
    found_layer = r.policy.node(path, Layer)
    layer = found_layer[1] if found_layer is not None else None
    if layer is None or layer.threshold is None:
        if req.care == "inpatient" or name == "assistance":
            if r.explain:
                r.warn(
                    f"{name}_unknown",
                    f"政策数据中没有本地区的{label.zh}参数，估算按 0 计算；大额费用时实际可能还有{label.zh}支付。",
                    f"The policy data has no {label.en} parameters for this region; the estimate counts it as 0, though it may pay on large bills.",
                )
        return ZERO
    if req.care not in layer.applies_to:
        if r.explain:
            r.step(name, ZERO, f"{label.zh}不适用于{_CARE[req.care].zh}。", f"{label.en.capitalize()} does not apply to {_CARE[req.care].en}.")
        return ZERO
    threshold = r.find(f"{path}.threshold", f"{label.en} threshold")
    ratio = r.find(f"{path}.ratio", f"{label.en} ratio")
    assert threshold is not None and ratio is not None
    threshold_value = r.num(threshold)
    start = req.year_to_date.personal_in_scope_share
    end = start + max(visit_share, ZERO)
    bands = ratio.row.bands or (Band(up_to=None, percent=r.num(ratio)),)
    pieces = split_into_bands(bands, max(start, threshold_value), end)
    paid = sum((p.paid for p in pieces), ZERO)
    used = [threshold, ratio]
    cap = r.find(f"{path}.annual_cap", f"{label.en} annual cap", required=False)
    if cap is not None:
        paid = min(paid, max(ZERO, r.num(cap) - paid_this_year))
        used.append(cap)
    zh_pieces, en_pieces = _describe(pieces, "fund")
    if r.explain:
        r.step(
            name,
            paid,
            f"{label.zh}：本年个人负担的政策范围内费用累计 {fmt(end)} 元（本次 {fmt(visit_share)} 元），超过 {fmt(threshold_value)} 元的部分分段支付："
            f"{zh_pieces or '未达到起付线，不支付'}。",
            f"{label.en.capitalize()}: your in-scope share this year comes to {fmt(end)} ({fmt(visit_share)} now); above {fmt(threshold_value)} it pays by band: "
            f"{en_pieces or 'threshold not reached, nothing paid'}.",
            used,
        )
    return paid


def _personal_account(r: _Run, covered: bool, bill: Classified, insured: Decimal) -> Decimal:
    """Rule 6: the personal account pays toward the person's share, up to the balance."""
    req = r.request
    balance = req.personal_account_balance
    if balance <= 0:
        return ZERO
    found = r.find(f"rules.{req.scheme}.personal_account", "personal-account rule", required=False)
    choice = found.row.choice if found is not None else None
    if choice is None:
        r.warn(
            "personal_account_unknown",
            "政策数据中没有个人账户可支付范围，估算不使用个人账户。",
            "The policy data does not say what the personal account may pay; the estimate does not use it.",
        )
        return ZERO
    assert found is not None
    if choice == "none" or not (req.designated or (covered and req.emergency)):
        r.step("personal_account", ZERO, "个人账户不能支付本次费用。", "The personal account cannot pay this bill.", [found])
        return ZERO
    personal = bill.total - insured
    eligible = personal - bill.self_pay if choice == "catalogue_costs" else personal
    eligible = max(ZERO, min(eligible, personal))
    paid = min(balance, eligible)
    scope = ("目录内个人负担部分", "your share of catalogue costs") if choice == "catalogue_costs" else ("个人负担的全部费用", "everything you bear")
    if r.explain:
        r.step(
            "personal_account",
            paid,
            f"个人账户可用于支付{scope[0]}（本次 {fmt(eligible)} 元）；余额 {fmt(balance)} 元，本次支付 {fmt(paid)} 元。",
            f"The personal account may pay {scope[1]} ({fmt(eligible)} here); with a balance of {fmt(balance)} it pays {fmt(paid)}.",
            [found],
        )
    return paid


def _data_warnings(r: _Run) -> None:
    """Stale data: every region (an inline policy included) whose numbers this estimate used,
    or the picked region when none were used, checked more than 12 months before the visit.
    National bounds and values whose start is unknown, once per parameter. Low confidence: any
    number used that only unverified sources give."""
    contributing = {f.region for f in r.used}
    regions = [reg for reg in r.policy.chain + r.line_policy.chain if reg.id in contributing] or [r.policy.region]
    for region in {reg.id: reg for reg in regions}.values():  # by id: hashing a region hashes its whole tree
        if (r.request.visit_date - region.verified_on).days > STALE_AFTER_DAYS:
            if r.explain:
                r.warn(
                    "stale_data",
                    f"{region.name.zh}的政策数据整理于 {region.verified_on.isoformat()}，距就诊日已超过 12 个月，可能已过时。",
                    f"{region.name.en}'s policy data was compiled on {region.verified_on.isoformat()}, more than 12 months before the visit; it may be out of date.",
                )
    warned: set[tuple[str, str]] = set()
    for f in r.used:
        name = parameter_name(f.path)
        if f.region == "cn" and f.parameter.unit != "choice" and ("national_bound", f.path) not in warned:
            warned.add(("national_bound", f.path))
            if r.explain:
                r.warn(
                    "national_bound",
                    f"本地区政策数据中没有{name.zh}，按全国范围估算（见对应步骤）；请以参保地规定或您的医保结算单为准。",
                    f"The region's data has no {name.en}; the national range is used (see the step); your insured place's rules or statement decide.",
                    f.path,
                )
        if f.date_unknown and ("effective_date_unknown", f.path) not in warned:
            warned.add(("effective_date_unknown", f.path))
            seen = f.dated.start.isoformat()
            if r.explain:
                r.warn(
                    "effective_date_unknown",
                    f"{name.zh}的生效日期不详（资料显示 {seen} 时有效），就诊日当时适用的数值可能不同。",
                    f"The {name.en}'s effective date is unknown (a source shows it in force on {seen}); the value in force on the visit date may differ.",
                    f.path,
                )
    if any(f.confidence == "unverified" for f in r.used):
        r.warn(
            "low_confidence",
            "本估算用到的部分数字仅来自未经核实的来源（见各步骤的来源和可信度），请以参保地医保部门的正式文件为准。",
            "Some numbers used here come only from unverified sources (see each step's sources and confidence); check the insured place's official documents.",
        )


def _policy_info(r: _Run) -> PolicyInfo:
    region = r.policy.region
    used = r.used
    known = [f.dated.since for f in used if f.dated.since is not None]
    seen = [f.dated.seen_on for f in used if f.dated.seen_on is not None]
    return PolicyInfo(
        region=region.id,
        name=Text(region.name.zh, region.name.en),
        chain=tuple(reg.id for reg in r.policy.chain),
        effective=max(known).isoformat() if known else None,
        verified_on=region.verified_on.isoformat(),
        confidence=weakest(*(f.confidence for f in used)) if used else "unverified",
        seen_on=max(seen).isoformat() if seen else None,
        treatment_region=r.request.treatment_region,
    )


def _sources(r: _Run, bill: Classified) -> dict[str, dict[str, Any]]:
    ids = [s for step in r.steps for s in step.sources] + bill.catalogue_sources
    out: dict[str, dict[str, Any]] = {}
    for source_id in dict.fromkeys(ids):
        src = r.policy.sources[source_id]
        title = src.title if isinstance(src.title, LocalText) else LocalText(src.title, src.title)  # a reader's own: one string
        out[source_id] = {
            "title": {"zh": title.zh, "en": title.en},
            "url": src.url,
            "published": src.published.isoformat() if src.published else None,
            "confidence": src.confidence,
        }
    return out
