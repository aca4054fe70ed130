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
    return _decoder(cls)(data, error, path)  # type: ignore[no-any-return]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


Decoder = Callable[[object, ErrorFactory, str], object]
#: One decoder per type, made once: the type hints are read on the first request, not on each.
_DECODERS: dict[Any, Decoder] = {}


def _decoder(tp: Any) -> Decoder:
    found = _DECODERS.get(tp)
    if found is None:
        found = _DECODERS[tp] = _make_decoder(tp)
    return found


def _make_decoder(tp: Any) -> Decoder:
    origin = typing.get_origin(tp)
    if origin is Union:
        choices = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        nullable = len(choices) < len(typing.get_args(tp))
        if len(choices) == 1:
            inner = choices[0]

            def optional(data: object, error: ErrorFactory, path: str) -> object:
                return None if data is None else _decoder(inner)(data, error, path)

            return optional

        # Union[LocalText, str] (a source title): an object goes to the dataclass, else the rest.
        def either(data: object, error: ErrorFactory, path: str) -> object:
            if data is None and nullable:
                return None
            for choice in choices:
                if isinstance(data, dict) == dataclasses.is_dataclass(choice):
                    return _decoder(choice)(data, error, path)
            return _decoder(choices[-1])(data, error, path)

        return either
    if origin is Literal:
        allowed = typing.get_args(tp)

        def literal(data: object, error: ErrorFactory, path: str) -> object:
            if isinstance(data, bool) or data not in allowed:
                raise error(path, data, f"is not one of {', '.join(repr(a) for a in allowed)}")
            return data

        return literal
    if origin is tuple:
        (item_type, _ellipsis) = typing.get_args(tp)

        def sequence(data: object, error: ErrorFactory, path: str) -> object:
            if not isinstance(data, (list, tuple)):
                raise error(path, data, "must be a list")
            item = _decoder(item_type)
            return tuple(item(value, error, f"{path}[{i}]") for i, value in enumerate(data))

        return sequence
    if dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if tp in _SCALARS:
        return _SCALARS[tp]
    raise TypeError(f"no decoder for {tp!r}")  # pragma: no cover - a model bug, not bad input


def _dataclass_decoder(cls: Any) -> Decoder:
    hints = _hints(cls)
    fields = [(f.name, f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING) for f in dataclasses.fields(cls)]
    names = {name for name, _ in fields}
    field_decoders: dict[str, Decoder] = {}  # filled on first use (a model may refer to itself)

    def dataclass_(data: object, error: ErrorFactory, path: str) -> object:
        if not isinstance(data, dict):
            raise error(path or "(top)", data, "must be an object")
        for key in data:
            if key not in names:
                raise error(_join(path, str(key)), data[key], "is not a known field")
        if not field_decoders:
            field_decoders.update((name, _decoder(hints[name])) for name, _ in fields)
        kwargs: dict[str, object] = {}
        for name, required in fields:  # in the model's order: the first problem is reported
            if name in data:
                kwargs[name] = field_decoders[name](data[name], error, _join(path, name))
            elif required:
                raise error(_join(path, name), None, "is required")
        return cls(**kwargs)

    return dataclass_


def _decimal(data: object, error: ErrorFactory, path: str) -> object:
    try:
        return parse_decimal(data)
    except ValueError as exc:
        raise error(path, data, str(exc)) from None


def _date(data: object, error: ErrorFactory, path: str) -> object:
    if isinstance(data, date):
        return data
    if not isinstance(data, str):
        raise error(path, data, "must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(data)
    except ValueError:
        raise error(path, data, "is not a valid date (YYYY-MM-DD)") from None


def _bool(data: object, error: ErrorFactory, path: str) -> object:
    if not isinstance(data, bool):
        raise error(path, data, "must be true or false")
    return data


def _int(data: object, error: ErrorFactory, path: str) -> object:
    if isinstance(data, bool) or not isinstance(data, int):
        raise error(path, data, "must be a whole number")
    return data


def _str(data: object, error: ErrorFactory, path: str) -> object:
    if not isinstance(data, str):
        raise error(path, data, "must be text")
    return data


_SCALARS: dict[Any, Decoder] = {Decimal: _decimal, date: _date, bool: _bool, int: _int, str: _str}
