"""Uncertain parameters (DESIGN §3.7): which end of a range a settlement takes.

A policy row may give a range (``low``–``high``, ``typical``) instead of a value, where sources
disagree or only a national bound is known. The engine settles a visit three times: ``typical``
takes each range's typical value, ``best`` the end that is better for the reader, ``worst`` the
other. Which end is better depends on the parameter: a higher deductible, first-pay share,
cross-region reduction or layer threshold is worse; a higher ratio, cap or price ceiling is better.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Literal

from ._policies import Found
from ._result_model import RangeUsed, Text

__all__ = ["Mode", "MODES", "Picker", "parameter_name", "HIGHER_IS_BETTER"]

Mode = Literal["typical", "best", "worst"]
MODES: tuple[Mode, ...] = ("typical", "best", "worst")

#: For each parameter (the last part of its path): is a higher value better for the reader?
HIGHER_IS_BETTER: dict[str, bool] = {
    "deductible": False,
    "ratio": True,
    "annual_cap": True,
    "threshold": False,
    "first_pay": False,
    "ratio_reduction": False,
    "category_b_first_pay": False,
    "price_ceiling": True,
}

_NAMES: dict[str, Text] = {
    "deductible": Text("起付标准", "deductible"),
    "ratio": Text("支付比例", "fund ratio"),
    "annual_cap": Text("年度最高支付限额", "annual cap"),
    "threshold": Text("起付线", "threshold"),
    "first_pay": Text("异地就医先行自付比例", "cross-region first-pay share"),
    "ratio_reduction": Text("异地就医支付比例降低幅度", "cross-region ratio reduction"),
    "category_b_first_pay": Text("乙类先行自付比例", "category-B first-pay share"),
    "price_ceiling": Text("医保支付限价", "reimbursable price ceiling"),
}
_LAYERS = {"serious_illness": Text("大病保险", "serious-illness insurance"), "assistance": Text("医疗救助", "medical assistance")}


def parameter_name(path: str) -> Text:
    """A reader's name for the parameter at ``path`` (``rules.employee.serious_illness.ratio`` →
    大病保险支付比例 / serious-illness insurance fund ratio)."""
    parts = path.split(".")
    name = _NAMES.get(parts[-1], Text(parts[-1], parts[-1].replace("_", " ")))
    layer = next((_LAYERS[p] for p in parts if p in _LAYERS), None)
    if layer is None:
        return name
    return Text(layer.zh + name.zh, f"{layer.en} {name.en}")


class Picker:
    """Takes each parameter's value for one settlement (``mode``) and remembers the ranges used."""

    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self._used: dict[int, tuple[Found, Decimal]] = {}

    @property
    def ranged(self) -> bool:
        """Whether any number this settlement used was a range."""
        return bool(self._used)

    def value(self, found: Found) -> Decimal:
        """The row's value, or the end of its range this settlement takes."""
        row = found.row
        if not row.is_range:
            assert row.value is not None, f"{found.path}: a row without a value"
            return row.value
        assert row.low is not None and row.high is not None
        if self.mode == "typical":
            picked = row.middle
        else:
            higher_is_better = HIGHER_IS_BETTER[found.path.rsplit(".", 1)[-1]]
            picked = row.high if (self.mode == "best") == higher_is_better else row.low
        self._used[id(found)] = (found, picked)
        return picked

    def ranges(self, found: Iterable[Found]) -> tuple[RangeUsed, ...]:
        """The ranges among ``found`` and the value taken from each, one per parameter."""
        out: dict[str, RangeUsed] = {}
        for f in found:
            hit = self._used.get(id(f))
            if hit is not None and f.path not in out:
                row = f.row
                assert row.low is not None and row.high is not None
                out[f.path] = RangeUsed(parameter_name(f.path), f.parameter.unit, row.low, row.high, hit[1])
        return tuple(out.values())
