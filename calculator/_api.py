"""The public calls: the same in CPython, in the CLI and in the browser's worker."""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

from ._decode import parse_json
from ._engine import run
from ._errors import RequestError, YibaoError
from ._policies import PolicySet, default_policies
from ._request_checks import read_request
from ._request_model import Request
from ._result_model import Result

__all__ = ["estimate", "estimate_json", "regions", "catalogue"]


def estimate(request: Mapping[str, Any] | Request, policies: Optional[PolicySet] = None) -> Result:
    """Estimate one visit. ``request`` is JSON-like data (DESIGN §5) or a :class:`Request`.

    Raises :class:`RequestError` (bad input), :class:`PolicyError` (bad inline policy) or
    :class:`NotEstimable` (the policy data cannot settle this case), and nothing else.
    """
    try:
        return run(read_request(request), policies or default_policies())
    except (RecursionError, MemoryError):  # a pathological value the checks did not foresee
        raise RequestError.at("(request)", None, "is too large or nested too deeply to estimate", "too_large") from None


def estimate_json(request_json: str | bytes, policies: Optional[PolicySet] = None) -> str:
    """The worker's call: a request as JSON text (or UTF-8 bytes) in, the result or the error as
    JSON text out. Errors come back as ``{"error", "code", "field", "value", "message"}``
    (:meth:`YibaoError.to_dict`); the request is at most 1,000,000 bytes."""
    try:
        data = parse_json(request_json, RequestError.at)
        out: dict[str, Any] = estimate(data, policies).to_dict()
    except YibaoError as exc:
        out = exc.to_dict()
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def regions(policies: Optional[PolicySet] = None) -> list[dict[str, object]]:
    """Every region: id, zh and en name, parent, verified_on, confidence; sorted by id."""
    ps = policies or default_policies()
    return [ps.region_summary(region_id) for region_id in sorted(ps.regions)]


def catalogue(policies: Optional[PolicySet] = None) -> list[dict[str, Any]]:
    """The dental catalogue as JSON-ready data, for the estimator's procedure picker."""
    from ._policy_json import jsonable

    ps = policies or default_policies()
    return [jsonable(p) for p in ps.bundle.catalogue.procedures]
