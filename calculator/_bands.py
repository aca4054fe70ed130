"""Banded ratios: how much of a range of cumulative cost falls in each band.

Bands are counted on a cumulative amount from 0 (in-scope cost for the basic fund, the person's
yearly in-scope share for serious-illness insurance). A band covers the amounts above the
previous band's ``up_to`` and up to its own; the first band starts at 0, ``up_to: None`` has no
end. The payer pays ``percent`` % of the part of the paid range ``[low, high]`` inside a band.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from ._money import ZERO, share
from ._policy_model import Band

__all__ = ["Piece", "split_into_bands"]


@dataclass(frozen=True)
class Piece:
    """The part of a paid range inside one band, and what the band's payer pays on it."""

    band: Band
    start: Decimal
    end: Optional[Decimal]
    base: Decimal
    percent: Decimal
    paid: Decimal


def split_into_bands(bands: tuple[Band, ...], low: Decimal, high: Decimal, reduction: Decimal = ZERO) -> list[Piece]:
    """The pieces of ``[low, high]`` in each band (empty pieces left out), each paid at the
    band's percent minus ``reduction`` percentage points (never below 0). Exact, not rounded."""
    pieces: list[Piece] = []
    start = ZERO
    for band in bands:
        end = band.up_to
        base = (high if end is None else min(high, end)) - max(low, start)
        if base > 0:
            percent = max(ZERO, band.percent - reduction)
            pieces.append(Piece(band, start, end, base, percent, share(base, percent)))
        if end is None or end >= high:
            break
        start = end
    return pieces
