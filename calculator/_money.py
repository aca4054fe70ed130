"""Money and percentages as :class:`decimal.Decimal`, never float.

Rounding rule: amounts are kept exact through the pipeline and rounded to the fen (0.01 yuan,
ROUND_HALF_UP) only where this module is called: bill lines when they are split, and each
payer's total once, at the end (cumulatively, so the parts always add up to the bill).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["FEN", "ZERO", "HUNDRED", "to_fen", "parse_decimal", "fmt", "share"]

FEN = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def to_fen(amount: Decimal) -> Decimal:
    """Round an amount to the fen, half up (the usual rule on Chinese medical invoices)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_decimal(value: object) -> Decimal:
    """Read a number given as a string or int (floats are refused: they are not exact)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("must be a string or integer, not a float")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (int, str)):
        try:
            result = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError("is not a number") from None
    else:
        raise ValueError("is not a number")
    if not result.is_finite():
        raise ValueError("is not a finite number")
    return result


def fmt(amount: Decimal) -> str:
    """An amount as the contract's string: always two decimals, e.g. ``'1234.50'`` (a Decimal
    quantized to the fen is written with exactly two)."""
    return str(to_fen(amount))


def share(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount``, exact (not rounded)."""
    return amount * percent / HUNDRED
