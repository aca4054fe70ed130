"""One small decoder from JSON-like data to the model dataclasses, used in every runtime.

It reads the type hints of a dataclass and walks the data, so that a request, an inline policy
and the policy bundle are all decoded the same way under CPython and Pyodide. Errors name the
field path (``items[2].amount``) and the value. Unknown keys are rejected, as pydantic does at
build time. Accepted scalars: ``Decimal`` from a string, an int or a Decimal (a float is refused,
it is not exact; parse JSON with ``parse_float=Decimal``); ``date`` from an ISO string; ``int``,
``bool`` and ``str`` strictly.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Literal, TypeVar, Union

from ._errors import YibaoError
from ._money import parse_decimal

__all__ = ["decode"]

T = TypeVar("T")
ErrorFactory = Callable[[str, object, str], YibaoError]

_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = typing.get_type_hints(cls)
        _HINTS[cls] = hints
    return hints


def decode(cls: type[T], data: object, error: ErrorFactory, path: str = "") -> T:
    """Build ``cls`` from ``data``; on a problem raise ``error(path, value, problem)``."""
    return _decode(cls, data, error, path)  # type: ignore[no-any-return]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _decode(tp: Any, data: object, error: ErrorFactory, path: str) -> object:
    origin = typing.get_origin(tp)
    if origin is Union:
        options = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if data is None:
            return None
        return _decode(options[0], data, error, path)
    if origin is Literal:
        allowed = typing.get_args(tp)
        if isinstance(data, bool) or data not in allowed:
            raise error(path, data, f"is not one of {', '.join(repr(a) for a in allowed)}")
        return data
    if origin is tuple:
        if not isinstance(data, (list, tuple)):
            raise error(path, data, "must be a list")
        (item_type, _ellipsis) = typing.get_args(tp)
        return tuple(_decode(item_type, item, error, f"{path}[{i}]") for i, item in enumerate(data))
    if dataclasses.is_dataclass(tp):
        return _decode_dataclass(tp, data, error, path)
    if tp is Decimal:
        try:
            return parse_decimal(data)
        except ValueError as exc:
            raise error(path, data, str(exc)) from None
    if tp is date:
        if isinstance(data, date):
            return data
        if not isinstance(data, str):
            raise error(path, data, "must be a date written YYYY-MM-DD")
        try:
            return date.fromisoformat(data)
        except ValueError:
            raise error(path, data, "is not a valid date (YYYY-MM-DD)") from None
    if tp is bool:
        if not isinstance(data, bool):
            raise error(path, data, "must be true or false")
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise error(path, data, "must be a whole number")
        return data
    if tp is str:
        if not isinstance(data, str):
            raise error(path, data, "must be text")
        return data
    raise TypeError(f"no decoder for {tp!r}")  # pragma: no cover - a model bug, not bad input


def _decode_dataclass(cls: Any, data: object, error: ErrorFactory, path: str) -> object:
    if not isinstance(data, dict):
        raise error(path or "(top)", data, "must be an object")
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in data:
        if key not in fields:
            raise error(_join(path, str(key)), data[key], "is not a known field")
    kwargs: dict[str, object] = {}
    for name, fld in fields.items():
        if name in data:
            kwargs[name] = _decode(hints[name], data[name], error, _join(path, name))
        elif fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
            raise error(_join(path, name), None, "is required")
    return cls(**kwargs)
