"""The result as a plain-text table with the explained steps (``--format text``).

Every text that comes from a request or a policy (item names, step texts, source titles and
URLs) goes through :func:`clean`: control characters (C0, DEL, C1: ESC, BEL, CR…) and the
bidirectional overrides are printed escaped (``\\x1b``), so no input can move the cursor, ring
the bell, recolour the terminal or reorder what the reader sees.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from ._errors import escape_controls
from ._money import fmt, plain
from ._result_model import Result

__all__ = ["render_text", "headline", "clean"]

_LABELS = {
    "zh": {
        "total": "费用合计",
        "fund": "统筹基金",
        "supplementary": "大额医疗费用补助",
        "serious_illness": "大病保险",
        "assistance": "医疗救助",
        "personal_account": "个人账户",
        "cash": "现金自付",
        "out_of_pocket": "个人负担合计",
        "lines": "费用明细",
        "columns": ("项目", "金额", "自费", "乙类先付", "范围内"),
        "steps": "计算步骤",
        "warnings": "提示",
        "sources": "来源",
        "policy": "政策",
        "confidence": "可信度",
        "range": "取值范围",
        "used": "本次取",
        "checked": "数据核对于",
        "levels": {"official": "官方来源", "secondary": "非官方资料", "unverified": "未核实", "own": "您自己的数字"},
    },
    "en": {
        "total": "Bill total",
        "fund": "Pooled fund",
        "supplementary": "Large-expense fund",
        "serious_illness": "Serious-illness insurance",
        "assistance": "Medical assistance",
        "personal_account": "Personal account",
        "cash": "Cash",
        "out_of_pocket": "You pay",
        "lines": "Bill lines",
        "columns": ("Line", "Amount", "Self-pay", "B first pay", "In scope"),
        "steps": "Steps",
        "warnings": "Warnings",
        "sources": "Sources",
        "policy": "Policy",
        "confidence": "confidence",
        "range": "range",
        "used": "used",
        "checked": "data checked on",
        "levels": {"official": "official", "secondary": "secondary", "unverified": "unverified", "own": "your own numbers"},
    },
}


def clean(text: object) -> str:
    """``text`` with control and bidi-override characters escaped (``\\x1b``, ``\\u202e``)."""
    return escape_controls(str(text))


def _local(text: object, lang: str) -> str:
    """A ``{zh, en}`` text in ``lang`` (or a plain string), cleaned."""
    if isinstance(text, dict):
        text = text.get(lang) or text.get("zh") or ""
    return clean(text)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


#: Confidence levels whose numbers a headline may show to the fen (the reader's own are sure).
SURE = ("official", "own")


def _yuan(amount: Decimal, sure: bool, rounding: str = ROUND_HALF_UP) -> str:
    """``¥620.00`` when the numbers behind it are sure, else whole yuan: ``¥620`` (a range's
    ends are rounded outward, as the estimator page does)."""
    return f"¥{fmt(amount)}" if sure else f"¥{amount.quantize(Decimal(1), rounding=rounding)}"


def headline(result: Result, lang: str = "zh") -> str:
    """What the reader pays, as sure as the data: the range and the typical value when the best
    and worst cases differ; whole yuan when any number used is below official confidence."""
    sure = result.policy.confidence in SURE
    typical = _yuan(result.out_of_pocket, sure)
    if not result.exact:
        assert result.best is not None and result.worst is not None
        low, high = _yuan(result.best.out_of_pocket, sure, ROUND_FLOOR), _yuan(result.worst.out_of_pocket, sure, ROUND_CEILING)
        return f"您支付约 {low}–{high}，通常 {typical}" if lang == "zh" else f"You pay about {low}–{high}, typically {typical}"
    if sure:
        return f"您支付 {typical}" if lang == "zh" else f"You pay {typical}"
    return f"您支付约 {typical}" if lang == "zh" else f"You pay about {typical}"


def render_text(result: Result, lang: str = "zh") -> str:
    """The headline, a table of payers (with the best–worst range where it differs), the bill
    lines, the numbered steps with sources and ranges, and warnings."""
    labels = _LABELS[lang]
    data = result.to_dict()
    out: list[str] = [headline(result, lang), ""]
    pol = data["policy"]
    level = lambda confidence: labels["levels"].get(confidence, clean(confidence))  # noqa: E731
    out.append(f"{labels['policy']}: {_local(pol['name'], lang)} ({clean(' → '.join(pol['chain']))}), {labels['checked']} {pol['verified_on']}, {labels['confidence']}: {level(pol['confidence'])}")
    out.append("")
    best, worst = data["bounds"]["best"], data["bounds"]["worst"]
    for key in ("total", "fund", "supplementary", "serious_illness", "assistance", "personal_account", "cash", "out_of_pocket"):
        low, high = sorted((Decimal(best[key]), Decimal(worst[key])))  # a payer's share is lower in one case or the other
        spread = f"   ({fmt(low)}–{fmt(high)})" if low != high else ""
        out.append(f"  {_pad(str(labels[key]), 26)}{data[key]:>14}{spread}")
    out.append("")
    out.append(f"{labels['lines']}:")
    cols = labels["columns"]
    widths = (28, 12, 12, 12, 12)
    out.append("  " + "".join(_pad(c, w, right=i > 0) for i, (c, w) in enumerate(zip(cols, widths))))
    for line in result.lines:
        name = clean(line.name.zh if lang == "zh" else line.name.en)
        cells = (name, fmt(line.amount), fmt(line.self_pay), fmt(line.first_pay), fmt(line.in_scope))
        out.append("  " + "".join(_pad(c, w, right=i > 0) for i, (c, w) in enumerate(zip(cells, widths))))
    out.append("")
    out.append(f"{labels['steps']}:")
    for n, step in enumerate(result.steps, 1):
        text = clean(step.text.zh if lang == "zh" else step.text.en)
        out.append(f"  {n}. [{step.rule}] {fmt(step.amount)} — {text}")
        for used in step.ranges:
            name = clean(used.parameter.zh if lang == "zh" else used.parameter.en)
            unit = "%" if used.unit == "percent" else ""
            out.append(f"     {labels['range']}: {name} {plain(used.low)}{unit}–{plain(used.high)}{unit}, {labels['used']} {plain(used.used)}{unit}")
        if step.sources:
            extra = f" ({labels['confidence']}: {level(step.confidence)})" if step.confidence else ""
            out.append(f"     {labels['sources']}: {clean(', '.join(step.sources))}{extra}")
    if result.warnings:
        out.append("")
        out.append(f"{labels['warnings']}:")
        for warning in result.warnings:
            out.append(f"  ! {clean(warning.text.zh if lang == 'zh' else warning.text.en)}")
    if result.sources:
        out.append("")
        out.append(f"{labels['sources']}:")
        for source_id, src in result.sources.items():
            out.append(f"  [{clean(source_id)}] {_local(src['title'], lang)} ({level(src['confidence'])}) {clean(src['url'] or '')}")
    return "\n".join(out)
