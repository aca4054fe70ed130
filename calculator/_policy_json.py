"""Model dataclasses to plain JSON data (Decimals and dates as strings), for every runtime."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

__all__ = ["jsonable"]


def jsonable(obj: Any) -> Any:
    """Dataclasses to dicts, dropping optional fields that are ``None`` (required ones stay)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: jsonable(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if getattr(obj, f.name) is not None or (f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
        }
    if isinstance(obj, (list, tuple)):
        return [jsonable(x) for x in obj]
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, date):
        return obj.isoformat()
    return obj
