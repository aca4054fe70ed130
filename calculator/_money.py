"""Money and percentages as :class:`decimal.Decimal`, never float.

Rounding rule: amounts are kept exact through the pipeline and rounded to the fen (0.01 yuan,
ROUND_HALF_UP) only where this module is called: bill lines when they are split, and each
payer's total once, at the end (cumulatively, so the parts always add up to the bill).

What counts as a number (:func:`parse_decimal`), in requests and inline policies alike:

- a JSON string or integer (or a Decimal): ``"12.50"``, ``12``, ``"-3"``, ``".5"``, ``"1e3"``;
- full-width digits, full stop and minus (``"１２３．５"``) are read as ``123.5``: Chinese input
  methods type them, and they mean the same number;
- everything else is refused with ``not_a_number``: floats (not exact), other scripts' digits
  (``"١٢٣"``), underscores (``"1_000"``), a plus sign (``"+5"``), spaces (``" 5"``), thousands
  separators, ``NaN`` and ``Infinity``;
- a number of 10^15 or more (either sign) is ``too_high`` whatever the field, so no later step
  can overflow; each field then sets its own limit (an amount at most 100000000 yuan, a
  percentage at most 100).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["FEN", "ZERO", "HUNDRED", "MAX_AMOUNT", "NumberError", "to_fen", "parse_decimal", "fmt", "share", "plain"]

FEN = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
#: 1亿元: the largest amount a request or a policy may state; above it a typo is far likelier.
MAX_AMOUNT = Decimal("100000000")
#: No number at all may reach this (keeps every sum and product well inside Decimal's precision).
_LIMIT = Decimal("1e15")
_LONGEST = 40  # characters of a number's text: "100000000.00" is 12

_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]{1,3})?\Z")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


class NumberError(ValueError):
    """A value that is not a usable number; ``code`` is one of :data:`calculator._errors.CODES`."""

    def __init__(self, problem: str, code: str) -> None:
        super().__init__(problem)
        self.code = code


def to_fen(amount: Decimal) -> Decimal:
    """Round an amount to the fen, half up (the usual rule on Chinese medical invoices)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_decimal(value: object) -> Decimal:
    """Read a number given as a string, an int or a Decimal (see the module docstring for
    exactly which texts); raise :class:`NumberError` otherwise."""
    if isinstance(value, (bool, float)):
        raise NumberError("must be a string or integer, not a float" if isinstance(value, float) else "is not a number", "not_a_number")
    if isinstance(value, int):
        if abs(value) >= 10**15:
            raise NumberError("is too large a number", "too_high")
        return Decimal(value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        if len(value) > _LONGEST:
            raise NumberError(f"is too long for a number (at most {_LONGEST} characters)", "too_long")
        text = value.translate(_FULL_WIDTH)
        if not _NUMBER.match(text):
            raise NumberError("is not a number (write digits, e.g. 1234.50)", "not_a_number")
        try:
            result = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            raise NumberError("is not a number", "not_a_number") from None
    else:
        raise NumberError("is not a number", "not_a_number")
    if not result.is_finite():
        raise NumberError("is not a finite number", "not_a_number")
    if abs(result) >= _LIMIT:
        raise NumberError("is too large a number", "too_high")
    if result.as_tuple().exponent < -20:  # type: ignore[operator]
        raise NumberError("has too many decimals", "too_many_decimals")
    return result


def plain(amount: Decimal) -> str:
    """A Decimal written out without an exponent (``1E+3`` is ``1000``), for messages."""
    return f"{amount:f}"


def fmt(amount: Decimal) -> str:
    """An amount as the contract's string: always two decimals, e.g. ``'1234.50'`` (a Decimal
    quantized to the fen is written with exactly two)."""
    return str(to_fen(amount))


def share(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount``, exact (not rounded)."""
    return amount * percent / HUNDRED
