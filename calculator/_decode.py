"""One small decoder from JSON-like data to the model dataclasses, used in every runtime.

It reads the type hints of a dataclass and walks the data, so that a request, an inline policy
and the policy bundle are all decoded the same way under CPython and Pyodide. Errors name the
field path (``items[2].amount``), the value (cut to 80 characters) and a code. Unknown keys are
rejected, as pydantic does at build time. What is accepted, strictly:

- numbers (``Decimal``): see :func:`calculator._money.parse_decimal` (full-width digits are
  read as digits; ``"١٢٣"``, ``"1_000"``, ``"+5"``, ``" 5"`` and floats are refused);
- dates: exactly ``YYYY-MM-DD`` with ASCII digits (``"20261201"``, ``"2026-W48-2"`` and
  ``"2026-12-01T00:00"`` are refused, though :meth:`date.fromisoformat` reads them);
- ``int`` and ``bool`` by JSON type (``"2"`` is not 2, ``1`` is not true); ``str`` only as text
  that is valid Unicode (no lone surrogates) and at most :data:`MAX_TEXT` characters;
- lists at most :data:`MAX_LIST` entries (fewer for some types: :data:`LIST_LIMITS`).

:func:`parse_json` reads JSON text (or bytes: UTF-8, or UTF-16/32 with a BOM) with limits on
size and nesting, so that no input raises anything but the project's errors.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import typing
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Literal, TypeVar, Union

from ._errors import YibaoError, shown
from ._money import NumberError, parse_decimal

__all__ = ["decode", "parse_json", "MAX_TEXT", "MAX_LIST", "LIST_LIMITS", "MAX_DEPTH", "MAX_REQUEST_BYTES"]

T = TypeVar("T")
#: ``error(field path, value, problem)`` makes the exception; the decoder sets its ``code``.
ErrorFactory = Callable[[str, object, str], YibaoError]

#: The longest text a field may hold (the longest guide text today is ~630 characters).
MAX_TEXT = 4000
#: The most entries of any list; :data:`LIST_LIMITS` is stricter for some entry types.
MAX_LIST = 5000
#: By entry type name: bill lines per request, dated values per parameter, rows per dated value
#: and bands per row. Real data uses at most 13 rows, 4 bands and 1 dated value; a real bill a
#: few dozen lines. The engine scans a table's rows once per line, so lines x rows bounds an
#: estimate's time (300 x 1,000: ~0.3 s in CPython).
LIST_LIMITS = {"Item": 300, "DatedValue": 200, "Row": 1000, "Band": 20}
#: Brackets nested deeper than this are refused before parsing (the model needs ~15).
MAX_DEPTH = 64
#: A request (with its inline policy) in bytes of UTF-8; a 1,000-row inline policy is ~40 KB.
MAX_REQUEST_BYTES = 1_000_000

_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = typing.get_type_hints(cls)
        _HINTS[cls] = hints
    return hints


def _fail(error: ErrorFactory, path: str, value: object, problem: str, code: str) -> YibaoError:
    exc = error(path, value, problem)
    exc.code = code
    return exc


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
            # by type too: 1.0 and True are not the level 1
            if not any(type(data) is type(a) and data == a for a in allowed):
                raise _fail(error, path, data, f"is not one of {', '.join(repr(a) for a in allowed)}", "not_one_of")
            return data

        return literal
    if origin is tuple:
        (item_type, _ellipsis) = typing.get_args(tp)
        limit = LIST_LIMITS.get(getattr(item_type, "__name__", ""), MAX_LIST)

        def sequence(data: object, error: ErrorFactory, path: str) -> object:
            if not isinstance(data, (list, tuple)):
                raise _fail(error, path, data, "must be a list", "wrong_type")
            if len(data) > limit:
                raise _fail(error, path, data, f"has {len(data)} entries; at most {limit} are allowed", "too_many")
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
            raise _fail(error, path or "(top)", data, "must be an object", "wrong_type")
        for key in data:
            if key not in names:
                raise _fail(error, _join(path, shown(key)), data[key], "is not a known field", "unknown_field")
        if not field_decoders:
            field_decoders.update((name, _decoder(hints[name])) for name, _ in fields)
        kwargs: dict[str, object] = {}
        for name, required in fields:  # in the model's order: the first problem is reported
            if name in data:
                kwargs[name] = field_decoders[name](data[name], error, _join(path, name))
            elif required:
                raise _fail(error, _join(path, name), None, "is required", "required")
        return cls(**kwargs)

    return dataclass_


def _decimal(data: object, error: ErrorFactory, path: str) -> object:
    try:
        return parse_decimal(data)
    except NumberError as exc:
        raise _fail(error, path, data, str(exc), exc.code) from None


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _date(data: object, error: ErrorFactory, path: str) -> object:
    if type(data) is date:  # not a datetime: it does not compare with dates
        return data
    if not isinstance(data, str):
        raise _fail(error, path, data, "must be a date written YYYY-MM-DD", "bad_date")
    if not _DATE.match(data):
        raise _fail(error, path, data, "is not a date written YYYY-MM-DD", "bad_date")
    try:
        return date.fromisoformat(data)
    except ValueError:
        raise _fail(error, path, data, "is not a valid date (YYYY-MM-DD)", "bad_date") from None


def _bool(data: object, error: ErrorFactory, path: str) -> object:
    if not isinstance(data, bool):
        raise _fail(error, path, data, "must be true or false", "wrong_type")
    return data


def _int(data: object, error: ErrorFactory, path: str) -> object:
    if isinstance(data, bool) or not isinstance(data, int):
        raise _fail(error, path, data, "must be a whole number", "not_whole")
    if abs(data) > 10**9:
        raise _fail(error, path, data, "is too large a number", "too_high")
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def _str(data: object, error: ErrorFactory, path: str) -> object:
    if not isinstance(data, str):
        raise _fail(error, path, data, "must be text", "wrong_type")
    if len(data) > MAX_TEXT:
        raise _fail(error, path, data, f"is {len(data)} characters long; at most {MAX_TEXT} are allowed", "too_long")
    if _SURROGATE.search(data):
        raise _fail(error, path, data, "is not valid Unicode text (a lone surrogate)", "wrong_type")
    return data


_SCALARS: dict[Any, Decoder] = {Decimal: _decimal, date: _date, bool: _bool, int: _int, str: _str}


# --- JSON text -------------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
#: A JSON string, its closing quote optional: an unclosed string runs to the end instead of
#: failing, so no match is ever retried (a required quote made ``"\\"\\"…`` quadratic).
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number JSON allows")


def _depth(text: str) -> int:
    """How deep brackets nest outside strings (fast: regular expressions, no Python loop per
    character). An unclosed string hides what follows it, as it does from ``json.loads``,
    which fails there without descending into it."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(itertools.accumulate(_STEP[ch] for ch in brackets), default=0)


def parse_json(data: object, error: ErrorFactory, field: str = "(request)", max_bytes: int = MAX_REQUEST_BYTES) -> Any:
    """JSON text (``str``, or ``bytes`` in UTF-8 or with a UTF-16/32 BOM) to data, numbers with
    a fraction as Decimal. Raises ``error(field, …)`` with code ``too_large`` (over ``max_bytes``
    or nested deeper than :data:`MAX_DEPTH`) or ``invalid_json``, never a Python exception."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > max_bytes:
            raise _fail(error, field, f"{len(raw)} bytes", f"is larger than {max_bytes} bytes", "too_large")
        encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8")
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise _fail(error, field, f"{len(raw)} bytes", f"is not {encoding.upper().replace('-SIG', '')} text (save it as UTF-8)", "invalid_json") from None
    elif isinstance(data, str):
        if len(data) > max_bytes:  # characters: each is at least one byte of UTF-8
            raise _fail(error, field, f"{len(data)} characters", f"is larger than {max_bytes} bytes", "too_large")
        text = data
    else:
        raise _fail(error, field, type(data).__name__, "must be JSON text", "wrong_type")
    text = text.removeprefix("\ufeff")
    if (text.count("[") + text.count("{") > MAX_DEPTH) and _depth(text) > MAX_DEPTH:
        raise _fail(error, field, text, f"nests lists or objects more than {MAX_DEPTH} deep", "too_large")
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except ValueError as exc:
        raise _fail(error, field, text, f"is not valid JSON ({shown(str(exc))})", "invalid_json") from None
    except (RecursionError, MemoryError):
        raise _fail(error, field, text, "is too large or nested too deeply", "too_large") from None
