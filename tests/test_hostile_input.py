"""Hostile and careless input to the engine's entry points (issue 17): every case answers with
the project's own error (a code, the field, the value cut to 80 characters), fast, and the
strict reading of numbers, dates and ids is as documented in calculator._money / _decode.
Times are CPU time (``time.process_time``), so a loaded machine does not fail them."""

from __future__ import annotations

import json
import random
import shutil
import time
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from calculator import PolicyError, RequestError, YibaoError, estimate, estimate_json
from calculator._errors import CODES
from calculator._policy_checks import _check_no_ties
from calculator._policy_model import Row
from calculator._request_model import Item, Request
from calculator.policy_files import MAX_FILE_BYTES, POLICY_DIR, load_policies, load_region_file

pytestmark = pytest.mark.timeout(120)

REQUEST = {
    "region": "zibo",
    "visit_date": "2026-12-01",
    "scheme": "employee",
    "member": "in_service",
    "care": "inpatient",
    "institution_level": 2,
    "items": [{"name": "住院费用", "category": "A", "amount": "20000"}],
}


def _policy(rows: list[dict[str, object]], **extra: object) -> dict[str, object]:
    """An inline policy whose employee inpatient deductible has ``rows``."""
    return {
        "id": "mine",
        "name": {"zh": "我的", "en": "Mine"},
        "parent": "zibo",
        "verified_on": "2026-11-01",
        "sources": [{"id": "own", "title": "My statement", "confidence": "unverified"}],
        "rules": {"employee": {"inpatient": {"deductible": {"unit": "yuan", "basis": "per_admission", "values": [{"since": "2026-01-01", "source": "own", "rows": rows}]}}}},
        **extra,
    }


def _error(payload: str | bytes | dict[str, object]) -> dict[str, str]:
    """The error estimate_json answers (it must be one), timed: under a second."""
    start = time.process_time()
    out = json.loads(estimate_json(payload if isinstance(payload, (str, bytes)) else json.dumps(payload, ensure_ascii=False)))
    assert time.process_time() - start < 1.0
    assert set(out) == {"error", "code", "field", "value", "message"}, out
    assert out["code"] in CODES
    assert len(out["value"]) <= 80
    assert "\n" not in out["message"] and len(out["message"]) < 400
    return out


# --- size and nesting --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000, "[" * 100_000], ids=["list", "object", "unclosed"])
def test_deeply_nested_json_is_too_large_not_a_recursion_error(text: str) -> None:
    out = _error(text)
    assert out["code"] == "too_large" and out["field"] == "(request)"


@pytest.mark.parametrize("tail", ['"' + '\\"' * 300_000, '"\\' * 300_000, '"x' * 300_000], ids=["escaped quotes", "backslashes", "unclosed strings"])
def test_the_nesting_scan_is_linear_for_strings_that_never_close(tail: str) -> None:
    assert _error("[" * 65 + tail)["code"] in {"invalid_json", "too_large"}  # _error: under 1 s


def test_a_request_over_a_megabyte_is_refused_before_parsing() -> None:
    out = _error(json.dumps(dict(REQUEST, note="x" * 1_100_000)))
    assert out["code"] == "too_large" and "1000000 bytes" in out["message"]


def test_too_many_lines_and_too_long_text_are_refused() -> None:
    assert _error(dict(REQUEST, items=REQUEST["items"] * 301))["code"] == "too_many"
    out = _error(dict(REQUEST, items=[{"name": "x" * 5000, "category": "A", "amount": "1"}]))
    assert out["code"] == "too_long" and out["field"] == "items[0].name" and out["value"].endswith("…")


def test_request_bytes_are_read_as_utf8_or_by_their_bom() -> None:
    text = json.dumps(REQUEST, ensure_ascii=False)
    want = json.loads(estimate_json(text))
    assert want["total"] == "20000.00"
    for raw in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), b"\xff\xfe" + text.encode("utf-16-le"), b"\xfe\xff" + text.encode("utf-16-be")):
        assert json.loads(estimate_json(raw)) == want
    out = _error(text.encode("gb18030"))
    assert out["code"] == "invalid_json" and "UTF-8" in out["message"]


@pytest.mark.parametrize("text", ["", "{", "nul", "NaN", "[1, Infinity]", '{"a": 1} x', "1" * 5000, '"\\ud800"'])
def test_text_that_is_not_a_json_request_gets_a_coded_error(text: str) -> None:
    assert _error(text)["code"] in {"invalid_json", "wrong_type"}


def test_a_lone_surrogate_in_text_is_refused() -> None:
    out = _error('{"region": "\\ud800"}')
    assert out["code"] == "wrong_type" and out["field"] == "region"


# --- numbers -------------------------------------------------------------------------------------


def _amount(value: object) -> dict[str, str]:
    return json.loads(estimate_json(json.dumps(dict(REQUEST, items=[{"name": "x", "category": "A", "amount": value}]), ensure_ascii=False)))


def test_full_width_digits_are_read_as_digits() -> None:
    assert _amount("１２３．５０") == _amount("123.50")
    assert _amount("１２３")["total"] == "123.00"


@pytest.mark.parametrize("text", ["١٢٣", "1_000", "+5", " 5", "5 ", "1,000", "12元", "NaN", "Infinity", "-inf", "0x10", "", ".", "1e", "１２３ "])
def test_other_number_texts_are_not_numbers(text: str) -> None:
    out = _error(dict(REQUEST, items=[{"name": "x", "category": "A", "amount": text}]))
    assert (out["code"], out["field"], out["value"]) == ("not_a_number", "items[0].amount", text)


@pytest.mark.parametrize(
    "value, code, shown",
    [
        ("1e30", "too_high", "1e30"),
        ("1000000000000", "too_high", "1000000000000"),
        ("1E+12", "too_high", "1000000000000"),
        ("100000000.01", "too_high", "100000000.01"),
        ("-100", "negative", "-100"),
        ("12.345", "too_many_decimals", "12.345"),
        ("1e-30", "too_many_decimals", "1e-30"),
        (10**20, "too_high", "100000000000000000000"),
    ],
)
def test_huge_tiny_and_negative_amounts_are_refused_with_plain_numbers(value: object, code: str, shown: str) -> None:
    payload = json.dumps(dict(REQUEST, items=[{"name": "x", "category": "A", "amount": "AMOUNT"}])).replace('"AMOUNT"', str(value) if not isinstance(value, str) else json.dumps(value))
    out = _error(payload)
    assert (out["code"], out["field"]) == (code, "items[0].amount")
    assert out["value"] == shown and "E+" not in out["message"]


@pytest.mark.parametrize(
    "value, code",
    [("1e30", "too_high"), ("1e12", "too_high"), ("100000001", "too_high"), ("-1", "negative"), ("abc", "not_a_number")],
)
def test_an_inline_policy_amount_has_an_upper_limit(value: str, code: str) -> None:
    out = _error(dict(REQUEST, policy=_policy([{"value": value}])))
    assert out["code"] == code
    assert out["field"] == "policy.rules.employee.inpatient.deductible.values[0].rows[0].value"
    assert out["error"] in {"PolicyError", "RequestError"} and "E+" not in out["message"]


def test_an_inline_percentage_over_100_says_so() -> None:
    policy = _policy([{"value": "100"}])
    policy["rules"]["employee"]["inpatient"]["ratio"] = {  # type: ignore[index]
        "unit": "percent",
        "basis": "per_admission",
        "values": [{"since": "2026-01-01", "source": "own", "rows": [{"bands": [{"up_to": None, "percent": "180"}]}]}],
    }
    out = _error(dict(REQUEST, policy=policy))
    assert (out["code"], out["value"]) == ("percent_over_100", "180")
    assert out["field"] == "policy.rules.employee.inpatient.ratio.values[0].rows[0].bands[0].percent"


# --- dates and ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["20261201", "2026-W48-2", "2026-336", "2026-12-01T00:00", "2026-12-1", "２０２６-12-01", "2026-02-30", " 2026-12-01"])
def test_dates_must_be_written_yyyy_mm_dd_exactly(text: str) -> None:
    out = _error(dict(REQUEST, visit_date=text))
    assert (out["code"], out["field"], out["value"]) == ("bad_date", "visit_date", text)


def test_python_callers_get_the_same_strictness() -> None:
    with pytest.raises(RequestError) as info:
        estimate(dict(REQUEST, visit_date=datetime(2026, 12, 1)))
    assert info.value.code == "bad_date"
    request = Request(region="zibo", visit_date=date(2026, 12, 1), scheme="employee", member="in_service", care="inpatient", institution_level=2, items=(Item(name="x", category="A", amount=Decimal(100)),))
    assert estimate(request).total == Decimal("100.00")
    with pytest.raises(RequestError) as info:
        estimate(replace(request, items=(Item(name="x", category="A", amount=100.5),)))  # type: ignore[arg-type]
    assert info.value.code == "not_a_number"


@pytest.mark.parametrize("field, value, code", [("id", "mine\n", "bad_id"), ("id", "Mine", "bad_id"), ("parent", "zibo\n", "bad_id")])
def test_ids_must_match_fully(field: str, value: str, code: str) -> None:
    out = _error(dict(REQUEST, policy=_policy([{"value": "100"}], **{field: value})))
    assert (out["code"], out["field"], out["value"]) == (code, f"policy.{field}", value)


def test_a_region_id_with_a_newline_is_unknown() -> None:
    out = _error(dict(REQUEST, region="zibo\n"))
    assert (out["code"], out["field"]) == ("unknown_region", "region")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>", "//evil.example", "https://x.org/a\nb", "http:/x", " https://x.org"])
def test_a_source_url_must_be_http_or_https(url: str) -> None:
    policy = _policy([{"value": "100"}])
    policy["sources"] = [{"id": "own", "title": "t", "confidence": "unverified", "url": url}]
    out = _error(dict(REQUEST, policy=policy))
    assert (out["code"], out["field"], out["value"]) == ("bad_url", "policy.sources[0].url", url)


def test_a_source_id_must_be_lowercase() -> None:
    policy = _policy([{"value": "100"}])
    policy["sources"] = [{"id": "Own Statement", "title": "t", "confidence": "unverified"}]
    assert _error(dict(REQUEST, policy=policy))["code"] == "bad_id"


# --- rows: caps and the linear tie check -------------------------------------------------------------


def _rows(n: int) -> list[Row]:
    """``n`` rows that neither repeat nor tie: one per catalogue code, then per level."""
    return [Row(value=Decimal(100), code=f"C{i}") for i in range(n - 3)] + [Row(value=Decimal(100), level=level) for level in (1, 2, 3)]  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [1000, 5000])
def test_the_tie_check_is_linear(n: int) -> None:
    rows = _rows(n)
    start = time.process_time()
    _check_no_ties("x", rows, "f")
    assert time.process_time() - start < 0.5
    tied = rows + [Row(value=Decimal(1), member="retired")]  # ties with every level row
    start = time.process_time()
    with pytest.raises(PolicyError) as info:
        _check_no_ties("x", tied, "f")
    assert time.process_time() - start < 0.5
    assert info.value.code == "conflict" and info.value.field == f"x.rows[{n}]" and f"rows[{n - 3}]" in info.value.message


def _pairwise_first_tie(rows: list[Row]) -> tuple[int, int] | None:
    """The old quadratic scan, as the reference the linear check must agree with."""
    for j, mine in enumerate(rows):
        for k in range(j):
            theirs = rows[k]
            if mine.specificity == theirs.specificity and all(theirs.conditions.get(n, v) == v for n, v in mine.conditions.items()):
                return j, k
    return None


def test_the_linear_tie_check_finds_the_same_tie_as_the_pairwise_scan() -> None:
    rng = random.Random(17)
    choices = {"level": [1, 2, 3], "member": ["in_service", "retired"], "location": ["local", "cross_region_filed"], "code": ["A", "B"], "kind": ["drug", "material"]}
    for _ in range(3000):
        rows, seen = [], set()
        for _ in range(rng.randint(1, 8)):
            conditions = {name: rng.choice(values) for name, values in choices.items() if rng.random() < 0.4}
            key = tuple(sorted(conditions.items()))
            if key not in seen:  # repeats are the duplicate check's
                seen.add(key)
                rows.append(Row(value=Decimal(1), **conditions))  # type: ignore[arg-type]
        want = _pairwise_first_tie(rows)
        if want is None:
            _check_no_ties("x", rows, "f")
        else:
            with pytest.raises(PolicyError) as info:
                _check_no_ties("x", rows, "f")
            assert info.value.field == f"x.rows[{want[0]}]" and f"ties with rows[{want[1]}]" in info.value.message


def test_a_1000_row_inline_policy_is_checked_and_estimated_within_a_second() -> None:
    rows = [{"value": "100", "code": f"C{i}"} for i in range(1000)]  # a price ceiling per code
    ceiling = {"unit": "yuan", "values": [{"since": "2026-01-01", "source": "own", "rows": rows}]}
    start = time.process_time()
    out = json.loads(estimate_json(json.dumps(dict(REQUEST, policy=_policy([{"value": "100"}], price_ceiling=ceiling)))))
    assert time.process_time() - start < 1.0
    assert out["total"] == "20000.00", out
    ceiling["values"][0]["rows"] = rows + [{"value": "1", "code": "X"}]  # type: ignore[index]
    assert _error(dict(REQUEST, policy=_policy([{"value": "100"}], price_ceiling=ceiling)))["code"] == "too_many"


def test_too_many_bands_and_dated_values_are_refused() -> None:
    policy = _policy([{"value": "100"}])
    policy["rules"]["employee"]["inpatient"]["ratio"] = {  # type: ignore[index]
        "unit": "percent",
        "basis": "per_admission",
        "values": [{"since": "2026-01-01", "source": "own", "rows": [{"bands": [{"up_to": str(i + 1), "percent": "50"} for i in range(21)]}]}],
    }
    assert _error(dict(REQUEST, policy=policy))["code"] == "too_many"
    policy = _policy([{"value": "100"}])
    values = [{"since": f"{1800 + i}-01-01", "source": "own", "rows": [{"value": "1"}]} for i in range(201)]
    policy["rules"]["employee"]["inpatient"]["deductible"]["values"] = values  # type: ignore[index]
    assert _error(dict(REQUEST, policy=policy))["code"] == "too_many"


# --- errors themselves -----------------------------------------------------------------------------------


def test_an_error_cuts_a_long_value_to_80_characters_everywhere() -> None:
    out = _error(dict(REQUEST, **{"x" * 500: "y" * 500}))
    assert out["code"] == "unknown_field" and len(out["value"]) == 80 and len(out["field"]) == 80
    assert len(out["message"]) < 250


def test_every_error_class_has_a_code_and_the_codes_are_documented() -> None:
    import calculator._errors as errors

    for code in CODES:
        assert f"``{code}``" in (errors.__doc__ or ""), code
    assert YibaoError("x").to_dict()["code"] == "invalid"


# --- YAML policy files -----------------------------------------------------------------------------------


def _billion_laughs() -> str:
    text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi"):
        text += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    return text


def test_a_billion_laughs_file_fails_fast_in_one_short_line(tmp_path: Path) -> None:
    path = tmp_path / "lol.yaml"
    path.write_text(_billion_laughs(), encoding="utf-8")
    start = time.process_time()
    with pytest.raises(PolicyError) as info:
        load_region_file(path, {})
    assert time.process_time() - start < 2.0
    assert info.value.code == "too_large" and len(info.value.message) < 300 and "\n" not in info.value.message


def test_a_billion_laughs_file_in_a_policy_directory_fails_fast(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, root)
    (root / "regions" / "lol.yaml").write_text(_billion_laughs(), encoding="utf-8")
    start = time.process_time()
    with pytest.raises(PolicyError) as info:
        load_policies(root)
    assert time.process_time() - start < 5.0
    assert info.value.code == "too_large" and "lol.yaml" in info.value.message


@pytest.mark.parametrize(
    "text, code",
    [
        ("x" * (MAX_FILE_BYTES + 1), "too_large"),
        ("a: " + "[" * 5000 + "]" * 5000, "too_large"),
        ("a: &a [*a]", "too_large"),
        ("a: [unclosed", "invalid"),
        ("id: mine\n\tname: x", "invalid"),
    ],
    ids=["big", "deep", "recursive alias", "unclosed", "tab"],
)
def test_a_hostile_yaml_file_gets_a_one_line_error(tmp_path: Path, text: str, code: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_region_file(path, {})
    assert info.value.code == code, info.value.message
    assert "\n" not in info.value.message and len(info.value.message) < 400


def test_a_policy_directory_without_sources_yaml_says_so(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, root)
    (root / "sources.yaml").unlink()
    with pytest.raises(PolicyError) as info:
        load_policies(root)
    assert info.value.code == "unreadable" and "sources.yaml" in info.value.message


def test_a_javascript_source_url_in_sources_yaml_names_file_field_and_value(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, root)
    path = root / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("url: ") + len("url: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + "'javascript:alert(1)'" + text[end:], encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policies(root)
    assert info.value.code == "bad_url" and "sources.yaml" in info.value.message
    assert info.value.field.endswith(".url") and "javascript:alert(1)" in info.value.message


# --- another bundle (PolicySet.from_json) --------------------------------------------------------------------


def test_a_hostile_bundle_gets_a_policy_error() -> None:
    from calculator import PolicySet
    from calculator._policies import BUNDLE_PATH

    for text, code in (("[" * 100_000, "too_large"), ("{", "invalid_json"), (b"\xff\xfa", "invalid_json"), ("[]", "wrong_type")):
        with pytest.raises(PolicyError) as info:
            PolicySet.from_json(text)  # type: ignore[arg-type]
        assert info.value.code == code
    bundle = json.loads(BUNDLE_PATH.read_text(encoding="utf-8"))
    for region in bundle["regions"]:
        if region["id"] == "zibo":
            region["parent"] = "zibo"
    with pytest.raises(PolicyError) as info:
        PolicySet.from_json(json.dumps(bundle))
    assert info.value.code == "unknown_region" and "zibo" in info.value.message


@pytest.mark.parametrize("broken", ["missing sources.yaml", "billion laughs"])
def test_build_check_on_a_broken_policy_directory_prints_one_line(tmp_path: Path, broken: str) -> None:
    import subprocess
    import sys

    root = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, root)
    if broken == "missing sources.yaml":
        (root / "sources.yaml").unlink()
    else:
        (root / "regions" / "lol.yaml").write_text(_billion_laughs(), encoding="utf-8")
    repo = POLICY_DIR.parent
    done = subprocess.run([sys.executable, str(repo / "build.py"), "check", "--policies", str(root)], cwd=repo, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and ("sources.yaml" in lines[0] or "lol.yaml" in lines[0]), done.stderr
