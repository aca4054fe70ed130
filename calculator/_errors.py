"""The exceptions Yibao raises, each naming the field, the value at fault and a code.

::

    YibaoError
    ├── RequestError        a request field is missing or wrong   (field path, value)
    ├── PolicyError         a policy file or inline policy is wrong (file, field path, value)
    └── NotEstimable        the policy data cannot settle this case (region, parameter, date)

The CLI turns any of them into one line on stderr and exit code 2; the browser shows the
message beside the field named by ``field``, worded in the reader's language from ``code``.
``to_dict()`` gives ``{"error", "code", "field", "value", "message"}``: ``value`` is the
culprit as text, cut to 80 characters (the message cuts it the same way).

The codes (the page words each one; keep this list accurate):

- ``invalid_json``: the request is not JSON (or not text: neither UTF-8 nor UTF-16/32 with a BOM).
- ``too_large``: the input is too big: too many bytes, nested too deeply, too many YAML aliases.
- ``too_many``: a list holds more entries than its limit (items, dated values, rows, bands).
- ``too_long``: a text is longer than its limit.
- ``required``: a required field is missing.
- ``unknown_field``: a field the format does not have.
- ``wrong_type``: the wrong kind of value (an object, a list, text or true/false was expected).
- ``empty``: a list or text that must not be empty is empty.
- ``not_a_number``: an amount or percentage is not a plain decimal number ("12.50").
- ``not_whole``: must be a whole number (a quantity, an admission number).
- ``negative``: must not be negative.
- ``not_positive``: must be above 0.
- ``too_many_decimals``: an amount has more than two decimals (yuan and fen).
- ``too_high``: a number is above its limit (an amount above 100000000 yuan, a quantity above 1000).
- ``percent_over_100``: a percentage above 100.
- ``not_one_of``: not one of the allowed values (scheme, care, level, a member type for the scheme…).
- ``not_allowed``: the field may not be given here (a unit price on a line without a code, a
  treatment place for local care, a row condition its parameter can never match).
- ``bad_date``: not a date written YYYY-MM-DD, or no such day.
- ``bad_id``: a malformed id: a region or policy id must be lowercase letters (its pinyin), a
  source id lowercase letters, digits, ``-``, ``_`` or ``.``; the whole id, no trailing newline.
- ``bad_url``: a source URL that is not ``http://`` or ``https://``.
- ``unknown_region``: no region has this id (or a policy's parents make a loop).
- ``unknown_code``: no procedure of the dental catalogue has this code.
- ``unknown_source``: no source has this id.
- ``duplicate``: repeats an id, a code or a row's conditions given earlier.
- ``out_of_order``: dates or band bounds not ascending; a range not low < high with its typical
  value between them.
- ``conflict``: policy rules that contradict each other (two rows tie, a confidence above its
  sources', not exactly one of value / low-high / bands / choice, of since / seen_on, of
  source / sources).
- ``unreadable``: a file cannot be read (missing, a directory, no permission, a policy file not
  in UTF-8).
- ``not_estimable``: the policy data has no value this case needs; Yibao will not guess.
- ``invalid``: any other broken rule (the message says which).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

__all__ = ["YibaoError", "RequestError", "PolicyError", "NotEstimable", "CODES", "shown", "quoted", "cut_path", "escape_controls"]

CODES: tuple[str, ...] = (
    "invalid_json",
    "too_large",
    "too_many",
    "too_long",
    "required",
    "unknown_field",
    "wrong_type",
    "empty",
    "not_a_number",
    "not_whole",
    "negative",
    "not_positive",
    "too_many_decimals",
    "too_high",
    "percent_over_100",
    "not_one_of",
    "not_allowed",
    "bad_date",
    "bad_id",
    "bad_url",
    "unknown_region",
    "unknown_code",
    "unknown_source",
    "duplicate",
    "out_of_order",
    "conflict",
    "unreadable",
    "not_estimable",
    "invalid",
)

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_controls(text: str) -> str:
    """``text`` with control characters (C0, DEL, C1), line separators, bidi overrides and lone
    surrogates written as escapes (``\\x1b``, ``\\n``, ``\\u202e``): printed, it stays one plain line."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


#: Values in messages and in ``to_dict()["value"]`` are cut to this many characters.
SHOWN_LENGTH = 80


def _cut(text: str) -> str:
    """At most 80 characters, and encodable: a lone surrogate (JSON allows ``"\\ud800"``) is
    written as its escape, so the error's JSON can always be sent and printed."""
    text = text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"
    return _SURROGATE.sub(lambda m: repr(m.group())[1:-1], text)


def _cut_field(field: str, longest: int = 200) -> str:
    """A field path is short unless a key is hostile: cut it, keeping its start."""
    return field if len(field) <= longest else field[: longest - 1] + "…"


def cut_path(path: str, longest: int = 200) -> str:
    """A file path cut from the start, so its name stays (the part a reader needs)."""
    return path if len(path) <= longest else "…" + path[-(longest - 1):]


def shown(value: object) -> str:
    """A value as a short, plain text for messages: Decimals without exponents (``1E+12`` is
    ``1000000000000``), containers summarised by size before they are printed (a huge list is
    never turned into text whole), everything cut to 80 characters."""
    if value is None:
        return "None"
    if isinstance(value, Decimal):
        return _cut(_plain(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _cut(value)
    if isinstance(value, (list, tuple, dict, set)) and len(value) > 8:
        return f"({type(value).__name__} of {len(value)})"
    try:
        return _cut(repr(_plain_parts(value)))
    except (RecursionError, ValueError):  # a deeply nested value
        return f"({type(value).__name__})"


def _plain(value: Decimal) -> str:
    if not value.is_finite() or abs(value.adjusted()) > 60:  # 'f' would print 60+ digits
        return str(value)
    return f"{value:f}"


def _plain_parts(value: object, depth: int = 0) -> object:
    """Small containers with Decimals written plainly (for ``repr``); deep ones are elided."""
    if depth > 3:
        return ...
    if isinstance(value, Decimal):
        return _Plain(_plain(value))
    if isinstance(value, dict):
        return {k: _plain_parts(v, depth + 1) for k, v in list(value.items())[:8]}
    if isinstance(value, (list, tuple)):
        return [_plain_parts(v, depth + 1) for v in value[:8]]
    return value


def quoted(value: object) -> str:
    """A value as messages show it: text and numbers in quotes (``'-100'``), others as written."""
    return repr(shown(value)) if isinstance(value, (str, Decimal, date)) else shown(value)


class _Plain(str):
    def __repr__(self) -> str:
        return repr(str(self))


class YibaoError(Exception):
    """Base class: ``field`` is the dotted path of the culprit, ``value`` its value, ``code`` one
    of :data:`CODES`."""

    def __init__(self, message: str, *, field: str = "", value: object = None, code: str = "invalid") -> None:
        message = escape_controls(message)  # one line, whatever a key or a file name held
        super().__init__(message)
        self.message = message
        self.field = escape_controls(_cut_field(field))
        self.value = value
        self.code = code

    def to_dict(self) -> dict[str, str]:
        """The error as JSON-ready data, for the worker and the CLI."""
        return {
            "error": type(self).__name__,
            "code": self.code,
            "field": self.field,
            "value": "" if self.value is None else shown(self.value),
            "message": self.message,
        }


class RequestError(YibaoError):
    """A request field is missing, unknown, of the wrong type or out of range."""

    @classmethod
    def at(cls, field: str, value: object, problem: str, code: str = "invalid") -> RequestError:
        where = _cut_field(field)
        return cls(f"{where}: {quoted(value)} {problem}" if value is not None else f"{where}: {problem}", field=field, value=value, code=code)


class PolicyError(YibaoError):
    """A policy file (or a request's inline ``policy``) breaks a rule of the policy schema."""

    def __init__(self, message: str, *, file: str = "", field: str = "", value: object = None, code: str = "invalid") -> None:
        where = f"{cut_path(file)}: " if file else ""
        super().__init__(f"{where}{message}", field=field, value=value, code=code)
        self.file = file

    @classmethod
    def at(cls, file: str, field: str, value: object, problem: str, code: str = "invalid") -> PolicyError:
        """``file: field: 'value' problem``, the value cut to 80 characters."""
        where = _cut_field(field)
        text = f"{where}: {quoted(value)} {problem}" if value is not None else f"{where}: {problem}"
        return cls(text, file=file, field=field, value=value, code=code)


class NotEstimable(YibaoError):
    """The policy data has no value for a parameter this case needs; Yibao will not guess."""

    def __init__(self, message: str, *, field: str = "", value: object = None, code: str = "not_estimable") -> None:
        super().__init__(message, field=field, value=value, code=code)
