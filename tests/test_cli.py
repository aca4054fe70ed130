"""The CLI as a user runs it: JSON and text output, region listing, and bad input
(exit code 2, one line naming the field and the value, never a traceback)."""

from __future__ import annotations

import json

import pytest

from cli_support import ROOT, run_cli

REQUEST = {
    "region": "zibo",
    "visit_date": "2026-12-01",
    "scheme": "employee",
    "member": "in_service",
    "care": "inpatient",
    "institution_level": 2,
    "items": [{"name": "住院费用", "category": "A", "amount": "20000"}],
}


def test_estimate_prints_the_result_json_with_amounts_as_strings() -> None:
    done = run_cli("estimate", "--request", "-", stdin=json.dumps(REQUEST))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    parts = ("fund", "serious_illness", "supplementary", "assistance", "personal_account", "cash")
    assert all(isinstance(result[p], str) for p in parts)
    assert sum(float(result[p]) for p in parts) == pytest.approx(float(result["total"]))
    assert result["total"] == "20000.00"
    assert result["policy"]["region"] == "zibo"
    assert [s["rule"] for s in result["steps"]][0] == "lines"


@pytest.mark.parametrize("lang, words", [("zh", ["统筹基金", "计算步骤"]), ("en", ["Pooled fund", "Steps"])])
def test_text_format_prints_a_table_with_explained_steps(lang: str, words: list[str], tmp_path) -> None:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(REQUEST), encoding="utf-8")
    done = run_cli("estimate", "--request", str(path), "--format", "text", "--lang", lang)
    assert done.returncode == 0, done.stderr
    for word in words:
        assert word in done.stdout
    assert "1. [lines]" in done.stdout


def test_regions_lists_every_region_with_names_parent_and_confidence() -> None:
    done = run_cli("regions", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {row["id"]: row for row in json.loads(done.stdout)}
    for region in ("cn", "shandong", "zibo", "qingdao", "beijing", "shenzhen", "wuhan"):
        assert region in rows
    assert rows["zibo"]["parent"] == "shandong"
    assert rows["zibo"]["name"] == {"zh": "淄博市", "en": "Zibo"}
    assert rows["cn"]["parent"] is None
    assert {row["confidence"] for row in rows.values()} <= {"official", "secondary", "unverified"}
    text = run_cli("regions")
    assert text.returncode == 0 and "zibo" in text.stdout and "淄博市" in text.stdout


def test_policy_option_uses_a_region_file_outside_policies(tmp_path) -> None:
    own = tmp_path / "mine.yaml"
    own.write_text(
        """
id: mine
name: {zh: 我的城市, en: My city}
parent: cn
verified_on: 2026-11-01
sources:
  - {id: my-statement, title: My insurance statement, confidence: unverified}
rules:
  employee:
    inpatient:
      deductible:
        unit: yuan
        basis: per_admission
        values: [{since: 2026-01-01, source: my-statement, rows: [{value: 1000}]}]
      ratio:
        unit: percent
        basis: per_admission
        values: [{since: 2026-01-01, source: my-statement, rows: [{value: 80}]}]
""",
        encoding="utf-8",
    )
    request = dict(REQUEST, region="mine")
    done = run_cli("estimate", "--request", "-", "--policy", str(own), stdin=json.dumps(request))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["fund"] == "15200.00"  # (20000 - 1000) x 80 %
    assert result["policy"]["chain"] == ["mine", "cn"]


BAD_REQUESTS = [
    ({"visit_date": "2026-02-30"}, "visit_date", "'2026-02-30'"),
    ({"scheme": "private"}, "scheme", "'private'"),
    ({"member": "adult"}, "member", "'adult'"),
    ({"institution_level": 4}, "institution_level", "4"),
    ({"region": "atlantis"}, "region", "'atlantis'"),
    ({"items": [{"name": "x", "category": "A", "amount": "-5"}]}, "items[0].amount", "'-5'"),
    ({"items": [{"name": "x", "category": "A", "amount": "12.345"}]}, "items[0].amount", "'12.345'"),
    ({"items": [{"name": "x", "category": "A", "amount": "abc"}]}, "items[0].amount", "'abc'"),
    ({"items": [{"code": "NOPE", "quantity": 1}]}, "items[0].code", "'NOPE'"),
    ({"items": [{"name": "x", "category": "C", "amount": "1"}]}, "items[0].category", "'C'"),
    ({"colour": "blue"}, "colour", "'blue'"),
    ({"year_to_date": {"fund_paid": "-1"}}, "year_to_date.fund_paid", "'-1'"),
]


@pytest.mark.parametrize("change, field, value", BAD_REQUESTS, ids=[b[1] for b in BAD_REQUESTS])
def test_bad_request_exits_2_with_one_line_naming_field_and_value(change: dict, field: str, value: str) -> None:
    done = run_cli("estimate", "--request", "-", stdin=json.dumps({**REQUEST, **change}))
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert field in lines[0] and value in lines[0]


@pytest.mark.parametrize(
    "args, stdin, needle",
    [
        (["estimate", "--request", "-"], "{not json", "not valid JSON"),
        (["estimate", "--request", "/no/such/file.json"], None, "/no/such/file.json"),
        (["estimate", "--request", "-", "--policy", "/no/such/policy.yaml"], "{}", "/no/such/policy.yaml"),
        (["estimate"], None, "--request"),
        (["estimate", "--request", "-", "--lang", "fr"], "{}", "fr"),
    ],
)
def test_bad_command_line_exits_2_without_traceback(args: list[str], stdin: str | None, needle: str) -> None:
    done = run_cli(*args, stdin=stdin)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert needle in done.stderr


def test_a_case_the_data_cannot_settle_exits_2_and_says_so() -> None:
    request = dict(REQUEST, region="jining")  # Jining's data has outpatient pooling only
    done = run_cli("estimate", "--request", "-", stdin=json.dumps(request))
    assert done.returncode == 2
    assert "jining" in done.stderr and "deductible" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_policy_file_exits_2_naming_file_field_and_value(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nname: {zh: 坏, en: Bad}\nparent: cn\nverified_on: 2026-11-31\n", encoding="utf-8")
    done = run_cli("estimate", "--request", "-", "--policy", str(bad), stdin=json.dumps(REQUEST))
    assert done.returncode == 2
    assert str(bad) in done.stderr and "verified_on" in done.stderr and "2026-11-31" in done.stderr
    assert ROOT.exists()
