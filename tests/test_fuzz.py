"""Fuzzing the entry points (issue 17): 11,000 requests, structured and raw, reproducible.

Whatever comes in, only the project's errors come out (a :class:`YibaoError` with a documented
code, or its JSON from ``estimate_json``), every result keeps the invariant (the six parts add up
to the total, none negative, also in ``bounds``), and every call takes under a second of CPU
time (CPU, not wall-clock: a loaded CI machine must not fail it).
``derandomize=True``: the same examples on every run, so CI is reproducible; about 30 s of CPU time
(2.5 minutes of wall time at a load of 14 on two cores).
"""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculator import YibaoError, catalogue, estimate, estimate_json, regions
from calculator._errors import CODES

pytestmark = pytest.mark.timeout(300)

PARTS = ("fund", "serious_illness", "supplementary", "assistance", "personal_account", "cash")
ERROR_KEYS = {"error", "code", "field", "value", "message"}


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def _check_result(data: dict[str, Any]) -> None:
    """The invariant of DESIGN §3 on a result's JSON, at the top and in each bound."""
    for where in [data, *data.get("bounds", {}).values()]:
        parts = [Decimal(where[p]) for p in PARTS]
        assert all(part >= 0 for part in parts), where
        assert sum(parts) == Decimal(where["total"]), where


def _timed(call: Any, *args: Any) -> Any:
    start = time.process_time()
    try:
        return call(*args)
    finally:
        assert time.process_time() - start < 1.0, "a call took over a second"


def _check_json_answer(text: str) -> None:
    text.encode("utf-8")  # no lone surrogate: the worker can send it, the CLI can print it
    out = json.loads(text)
    if "error" in out:
        assert set(out) == ERROR_KEYS and out["code"] in CODES, out
        assert len(out["value"]) <= 80 and "\n" not in out["message"]
    else:
        _check_result(out)


# --- strategies: mostly valid, sometimes junk ---------------------------------------------------

REGIONS = [row["id"] for row in regions()]
CODES_IN_CATALOGUE = [p["code"] for p in catalogue()]
#: Regions whose data settles most cases (the others often answer not_estimable, rightly).
ESTIMABLE = [r for r in ("zibo", "zibo", "qingdao", "qingdao", "beijing", "shenzhen", "wuhan", "cn") if r in REGIONS]

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(),
)


def mostly(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``valid`` four times in five, junk otherwise."""
    return st.one_of(valid, valid, valid, valid, junk)


def same(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return valid


fen = st.integers(min_value=0, max_value=10**9).map(lambda n: str(Decimal(n) / 100))
odd_number = st.sampled_from(
    ["１２３", "１２３．５", "١٢٣", "1_000", "+5", " 5", "5 ", "1e30", "1E+12", "-1", "0", "0.00", "1e-30", "NaN", "Infinity", "12.345", "", "abc", ".5", "5.", "-0", "1e3"]
)
odd_amount = st.one_of(fen, odd_number, st.integers(min_value=-(10**16), max_value=10**16), st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str))
fair_percent = st.integers(min_value=0, max_value=1000).map(lambda n: str(Decimal(n) / 10))
odd_percent = st.one_of(fair_percent, odd_number, st.sampled_from(["180", "100", "100.01"]))
fair_date = st.one_of(st.sampled_from(["2026-12-01", "2026-12-31", "2027-03-01"]), st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)).map(lambda d: d.isoformat()))
odd_date = st.one_of(st.dates().map(lambda d: d.isoformat()), fair_date, st.sampled_from(["20261201", "2026-W48-2", "2026-02-30", "2026-12-01T00:00", "２０２６-12-01"]))
CONDITION_VALUES: dict[str, list[Any]] = {
    "level": [1, 2, 3],
    "member": ["in_service", "retired", "adult", "child_student"],
    "location": ["local", "cross_region_filed", "cross_region_unfiled"],
    "admission": [1, 2, 3],
}
conditions = st.fixed_dictionaries({}, optional={name: st.sampled_from(values) for name, values in CONDITION_VALUES.items()})


def requests(m: Any, amount: st.SearchStrategy[str], percent: st.SearchStrategy[str], a_date: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Requests whose every field goes through ``m`` (:func:`same`: fair; :func:`mostly`:
    hostile), with these amounts, percentages and dates."""
    free_line = st.fixed_dictionaries(
        {"name": m(st.text(min_size=1, max_size=20)), "category": m(st.sampled_from(["A", "B", "self_pay"])), "amount": m(amount)},
        optional={"kind": m(st.sampled_from(["drug", "exam_treatment", "material", "service"]))},
    )
    code_line = st.fixed_dictionaries(
        {"code": m(st.sampled_from(CODES_IN_CATALOGUE))},
        optional={"quantity": m(st.integers(min_value=1, max_value=5)) if m is same else m(st.one_of(st.integers(min_value=-2, max_value=1200), amount)), "unit_price": m(amount)},
    )

    @st.composite
    def rows(draw: st.DrawFn, unit: str) -> list[dict[str, Any]]:
        out = []
        if m is same:  # one condition per table, distinct values: no repeats, no ties
            name, values = draw(st.sampled_from(list(CONDITION_VALUES.items())))
            table = [{name: v} for v in draw(st.lists(st.sampled_from(values), min_size=1, unique=True))] + draw(st.sampled_from([[], [{}]]))
        else:
            table = draw(st.lists(conditions, min_size=1, max_size=4))
        for cond in table:
            if unit == "percent" and draw(st.booleans()):
                bounds = sorted(set(draw(st.lists(st.integers(min_value=1, max_value=500_000), max_size=3))))
                bands = [{"up_to": str(b), "percent": draw(percent)} for b in bounds] + [{"up_to": None, "percent": draw(percent)}]
                out.append({**cond, "bands": draw(m(st.just(bands)))})
            elif draw(st.integers(min_value=0, max_value=2)) == 0:  # a range (sources disagree)
                number = percent if unit == "percent" else amount
                if m is same:
                    low, high = sorted(Decimal(x) for x in draw(st.lists(number, min_size=2, max_size=2, unique_by=Decimal)))
                    ranged = {"low": str(low), "high": str(high)}
                    if draw(st.booleans()):
                        ranged["typical"] = str(draw(st.sampled_from([low, high, (low + high) / 2])))
                else:
                    ranged = draw(st.fixed_dictionaries({"low": number, "high": number}, optional={"typical": number}))
                out.append({**cond, **ranged})
            else:
                out.append({**cond, "value": draw(percent if unit == "percent" else amount)})
        return out

    @st.composite
    def parameter(draw: st.DrawFn, unit: str, basis: str | None) -> dict[str, Any]:
        start = draw(st.sampled_from(["since", "seen_on"]))
        dated = {start: draw(m(st.sampled_from(["2020-01-01", "2026-01-01", "2027-01-01"]))), "rows": draw(rows(unit))}
        if draw(st.booleans()):
            dated["source"] = draw(m(st.just("own")))
        else:
            dated["sources"] = draw(m(st.just(["own", "own-2"])))
        param: dict[str, Any] = {"unit": draw(m(st.just(unit))), "values": [dated]}
        if basis:
            param["basis"] = draw(m(st.just(basis)))
        return param

    @st.composite
    def inline_policy(draw: st.DrawFn, region: object) -> dict[str, Any]:
        benefit = st.fixed_dictionaries(
            {},
            optional={
                "deductible": parameter("yuan", "per_admission"),
                "ratio": parameter("percent", "per_admission"),
                "annual_cap": parameter("yuan", "annual"),
            },
        )
        url = st.sampled_from(["https://example.org/notice", "http://x.gov.cn/a"] if m is same else ["https://example.org/notice", "javascript:alert(1)", "data:text/html,x", "ftp://x"])
        return {
            "id": draw(m(st.just("mine")) if m is same else st.sampled_from(["mine", "mine", "Mine", "mine\n"])),
            "name": draw(m(st.just({"zh": "我的", "en": "Mine"}))),
            "parent": draw(m(st.just(region)) if m is same else m(st.sampled_from(REGIONS))),
            "verified_on": draw(m(a_date)),
            "sources": [
                {"id": draw(m(st.just("own"))), "title": "My statement", "confidence": draw(m(st.sampled_from(["own", "unverified"]))), "url": draw(url)},
                {"id": "own-2", "title": {"zh": "我的账单", "en": "My bill"}, "confidence": draw(m(st.sampled_from(["own", "secondary"])))},
            ],
            "rules": {draw(st.sampled_from(["employee", "resident"])): {draw(st.sampled_from(["inpatient", "outpatient"])): draw(benefit)}},
        }

    @st.composite
    def request(draw: st.DrawFn) -> dict[str, Any]:
        scheme = draw(st.sampled_from(["employee", "resident"]))
        members = ["in_service", "retired"] if scheme == "employee" else ["adult", "child_student"]
        req: dict[str, Any] = {
            "region": draw(m(st.sampled_from(ESTIMABLE if m is same else REGIONS + ["atlantis", "zibo\n"]))),
            "visit_date": draw(m(a_date)),
            "scheme": draw(m(st.just(scheme))),
            "care": draw(m(st.sampled_from(["outpatient", "inpatient"]))),
            "institution_level": draw(m(st.sampled_from([1, 2, 3]))),
            "items": draw(m(st.lists(st.one_of(free_line, code_line), min_size=1, max_size=6))),
        }
        optional = {
            "member": st.sampled_from(members),
            "designated": st.booleans(),
            "location": st.sampled_from(["local", "local", "local", "cross_region_filed", "cross_region_unfiled"]),
            "filing": st.sampled_from(["long_term", "temporary"]),
            "emergency": st.booleans(),
            "admission_number": st.integers(min_value=1, max_value=5) if m is same else st.integers(min_value=0, max_value=2000),
            "assistance_eligible": st.booleans(),
            "personal_account_balance": amount,
            "year_to_date": st.fixed_dictionaries({}, optional={n: amount for n in ("deductible_paid", "fund_paid", "in_scope_spent", "personal_in_scope_share", "serious_illness_paid", "assistance_paid")}),
            "policy": inline_policy(req["region"]),
        }
        for name, strategy in optional.items():
            if name == "member" or draw(st.integers(min_value=0, max_value=2)) > 0:
                req[name] = draw(m(strategy))
        if m is not same and draw(st.integers(min_value=0, max_value=10)) == 0:
            req[draw(st.text(max_size=8))] = draw(junk)  # an unknown field now and then
        return req

    return request()


#: Half fair (valid values only, so most reach a result), half hostile (junk and odd numbers).
request = st.one_of(requests(same, fen, fair_percent, fair_date), requests(mostly, odd_amount, odd_percent, odd_date))


# --- the tests: 2,000 structured + 9,000 raw (5,000 bytes, 3,500 text, 500 mangled) = 11,000
# (a structured example costs ~8 ms of CPU, nearly all of it hypothesis drawing it; raw ~1 ms) ----------------------------------


@_settings(2000)
@given(request)
def test_structured_requests_answer_a_result_with_the_invariant_or_a_coded_error(req: dict[str, Any]) -> None:
    try:
        result = _timed(estimate, req)
    except YibaoError as exc:
        assert exc.code in CODES, exc.code
        assert "\n" not in exc.message
        return
    _check_result(result.to_dict())


@_settings(5000)
@given(st.binary(max_size=3000))
def test_raw_bytes_answer_json(raw: bytes) -> None:
    _check_json_answer(_timed(estimate_json, raw))


@_settings(3500)
@given(st.text(max_size=3000))
def test_raw_text_answers_json(text: str) -> None:
    _check_json_answer(_timed(estimate_json, text))


@st.composite
def mangled_json(draw: st.DrawFn) -> str:
    """A valid-looking request's JSON with a few slices cut, repeated or replaced."""
    text = json.dumps(draw(request), ensure_ascii=draw(st.booleans()), default=str)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        i = draw(st.integers(min_value=0, max_value=len(text)))
        j = draw(st.integers(min_value=i, max_value=min(len(text), i + 20)))
        edit = draw(st.sampled_from(["cut", "repeat", "replace"]))
        if edit == "cut":
            text = text[:i] + text[j:]
        elif edit == "repeat":
            text = text[:j] + text[i:j] * draw(st.integers(min_value=1, max_value=200)) + text[j:]
        else:
            text = text[:i] + draw(st.text(alphabet='[]{}",:0123456789.-eE \\u１', max_size=10)) + text[j:]
    return text


@_settings(500)
@given(mangled_json())
def test_mangled_request_json_answers_json(text: str) -> None:
    _check_json_answer(_timed(estimate_json, text))
