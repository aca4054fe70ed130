"""Reading a request: decode its JSON shape, then check what the shape cannot say.

The shape (field names, types, allowed values) is checked by :mod:`calculator._decode`; this
module adds the cross-field rules: a member type that fits the scheme, a line that is either a
catalogue code or a free line, amounts in whole fen, nothing negative.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._decode import decode
from ._errors import RequestError
from ._money import MAX_AMOUNT
from ._policy_json import jsonable
from ._request_model import Request

__all__ = ["read_request"]

_MEMBERS = {"employee": ("in_service", "retired"), "resident": ("adult", "child_student")}
_MAX_QUANTITY = 1000
_MAX_ADMISSION = 1000


def read_request(data: Any) -> Request:
    """Decode and check a request given as JSON-like data or as a :class:`Request` (which is
    turned back into data and decoded too, so a hand-made one is checked as strictly)."""
    request = decode(Request, jsonable(data) if isinstance(data, Request) else data, RequestError.at)
    _check(request)
    return request


def _amount(field: str, value: Decimal, *, positive: bool = False) -> None:
    if value < 0:
        raise RequestError.at(field, value, "must not be negative", "negative")
    if positive and value == 0:
        raise RequestError.at(field, value, "must be above 0", "not_positive")
    if value > MAX_AMOUNT:
        raise RequestError.at(field, value, f"is larger than {MAX_AMOUNT} yuan", "too_high")
    if value != value.quantize(Decimal("0.01")):
        raise RequestError.at(field, value, "has more than two decimals (amounts are in yuan and fen)", "too_many_decimals")


def _check(request: Request) -> None:
    allowed = _MEMBERS[request.scheme]
    if request.member is None and request.scheme == "employee":
        raise RequestError.at("member", None, "is required for the employee scheme (in_service or retired)", "required")
    if request.member is not None and request.member not in allowed:
        raise RequestError.at("member", request.member, f"does not fit the {request.scheme} scheme (use {' or '.join(allowed)})", "not_one_of")
    if request.admission_number < 1:
        raise RequestError.at("admission_number", request.admission_number, "must be 1 or more", "not_positive")
    if request.admission_number > _MAX_ADMISSION:
        raise RequestError.at("admission_number", request.admission_number, f"is more than {_MAX_ADMISSION}", "too_high")
    if not request.items:
        raise RequestError.at("items", [], "must list at least one bill line", "empty")
    for i, item in enumerate(request.items):
        where = f"items[{i}]"
        if item.code is not None:
            extra = [n for n in ("name", "category", "amount") if getattr(item, n) is not None]
            if extra:
                raise RequestError.at(f"{where}.{extra[0]}", getattr(item, extra[0]), "is not allowed with a catalogue code", "not_allowed")
            if item.quantity <= 0:
                raise RequestError.at(f"{where}.quantity", item.quantity, "must be a whole number above 0", "not_positive")
            if item.quantity > _MAX_QUANTITY:
                raise RequestError.at(f"{where}.quantity", item.quantity, f"is more than {_MAX_QUANTITY}", "too_high")
            if item.quantity != item.quantity.to_integral_value():
                raise RequestError.at(f"{where}.quantity", item.quantity, "must be a whole number above 0", "not_whole")
            if item.unit_price is not None:
                _amount(f"{where}.unit_price", item.unit_price)
        else:
            for name in ("name", "category", "amount"):
                if getattr(item, name) is None:
                    raise RequestError.at(f"{where}.{name}", None, "is required for a line without a catalogue code", "required")
            if not (item.name or "").strip():
                raise RequestError.at(f"{where}.name", item.name, "must not be empty", "empty")
            if item.unit_price is not None:
                raise RequestError.at(f"{where}.unit_price", item.unit_price, "is only for catalogue lines; give the line's amount", "not_allowed")
            if item.quantity != 1:
                raise RequestError.at(f"{where}.quantity", item.quantity, "is only for catalogue lines; give the line's amount", "not_allowed")
            _amount(f"{where}.amount", item.amount)  # type: ignore[arg-type]
    ytd = request.year_to_date
    for name in ("deductible_paid", "fund_paid", "in_scope_spent", "personal_in_scope_share", "serious_illness_paid", "assistance_paid"):
        _amount(f"year_to_date.{name}", getattr(ytd, name))
    _amount("personal_account_balance", request.personal_account_balance)
