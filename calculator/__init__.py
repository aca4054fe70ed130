"""Yibao's reimbursement engine: what China's basic medical insurance pays for a visit.

Pure standard library, so the same code runs in CPython, in the CLI and in the reader's browser
(Pyodide). Public surface::

    estimate(request) -> Result          # request: JSON-like dict (DESIGN §5) or Request
    estimate_json(text) -> str           # JSON in, JSON out (the browser worker's call)
    regions() -> list[dict]              # id, names, parent, verified_on, confidence
    catalogue() -> list[dict]            # the dental procedure catalogue
    PolicySet.from_json(text)            # another bundle (tests, synthetic regions)

Errors: :class:`YibaoError` ⊃ :class:`RequestError`, :class:`PolicyError`, :class:`NotEstimable`,
each with ``code``, ``field`` and ``value`` (``to_dict()``; the codes are listed in
:mod:`calculator._errors`). No other exception escapes these calls, whatever the input.
"""

from ._api import catalogue, estimate, estimate_json, regions
from ._errors import NotEstimable, PolicyError, RequestError, YibaoError
from ._policies import PolicySet
from ._request_model import Item, Request, YearToDate
from ._result_model import Result

__all__ = [
    "estimate",
    "estimate_json",
    "regions",
    "catalogue",
    "PolicySet",
    "Request",
    "Item",
    "YearToDate",
    "Result",
    "YibaoError",
    "RequestError",
    "PolicyError",
    "NotEstimable",
]

__version__ = "0.1.0"
