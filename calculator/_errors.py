"""The exceptions Yibao raises, each naming the value at fault.

::

    YibaoError
    ├── RequestError        a request field is missing or wrong   (field path, value)
    ├── PolicyError         a policy file or inline policy is wrong (file, field path, value)
    └── NotEstimable        the policy data cannot settle this case (region, parameter, date)

The CLI turns any of them into one line on stderr and exit code 2; the browser shows the
message beside the field named by ``field``.
"""

from __future__ import annotations

__all__ = ["YibaoError", "RequestError", "PolicyError", "NotEstimable"]


class YibaoError(Exception):
    """Base class: ``field`` is the dotted path of the culprit, ``value`` its value."""

    def __init__(self, message: str, *, field: str = "", value: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value

    def to_dict(self) -> dict[str, str]:
        """The error as JSON-ready data, for the worker and the CLI."""
        return {"error": type(self).__name__, "field": self.field, "message": self.message}


class RequestError(YibaoError):
    """A request field is missing, unknown, of the wrong type or out of range."""

    @classmethod
    def at(cls, field: str, value: object, problem: str) -> RequestError:
        return cls(f"{field}: {value!r} {problem}", field=field, value=value)


class PolicyError(YibaoError):
    """A policy file (or a request's inline ``policy``) breaks a rule of the policy schema."""

    def __init__(self, message: str, *, file: str = "", field: str = "", value: object = None) -> None:
        where = f"{file}: " if file else ""
        super().__init__(f"{where}{message}", field=field, value=value)
        self.file = file


class NotEstimable(YibaoError):
    """The policy data has no value for a parameter this case needs; Yibao will not guess."""
