"""The CLI as a user runs it: JSON and text output, region listing, and bad input
(exit code 2, one line naming the field and the value, never a traceback)."""

from __future__ import annotations

import json

import pytest

from cli_support import ROOT, run_cli

pytestmark = pytest.mark.timeout(120)  # each runs a subprocess for under a second

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
    if lang == "zh":  # confidence and the check date in words, not the data's English keys
        assert "可信度: 未核实" in done.stdout and "数据核对于" in done.stdout
        assert not any(key in done.stdout for key in ("verified_on", "(unverified)", "(secondary)", "(official)")), done.stdout


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


# --- hostile input (issue 17): exit 2, one line, no traceback, fast ---------------------------------


def _one_line_exit_2(done, *needles: str) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == "" and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert "\x1b" not in lines[0] and "\x07" not in lines[0]
    return lines[0]


def test_a_utf16_request_file_is_read_by_its_bom(tmp_path) -> None:
    utf8, utf16 = tmp_path / "utf8.json", tmp_path / "utf16.json"
    utf8.write_text(json.dumps(REQUEST, ensure_ascii=False), encoding="utf-8")
    utf16.write_bytes(b"\xff\xfe" + json.dumps(REQUEST, ensure_ascii=False).encode("utf-16-le"))
    want = run_cli("estimate", "--request", str(utf8))
    got = run_cli("estimate", "--request", str(utf16))
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout


def test_a_request_file_in_another_encoding_or_too_big_exits_2(tmp_path) -> None:
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(json.dumps(REQUEST, ensure_ascii=False).encode("gb18030"))
    _one_line_exit_2(run_cli("estimate", "--request", str(gbk)), str(gbk), "UTF-8")
    big = tmp_path / "big.json"
    big.write_text(json.dumps(dict(REQUEST, note="x" * 1_100_000)), encoding="utf-8")
    _one_line_exit_2(run_cli("estimate", "--request", str(big)), "larger than 1000000 bytes")
    _one_line_exit_2(run_cli("estimate", "--request", str(tmp_path)), str(tmp_path), "directory")


def test_policy_naming_a_directory_exits_2(tmp_path) -> None:
    _one_line_exit_2(run_cli("estimate", "--request", "-", "--policy", str(tmp_path), stdin=json.dumps(REQUEST)), "--policy", str(tmp_path), "directory")


def test_deeply_nested_policy_json_exits_2(tmp_path) -> None:
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    _one_line_exit_2(run_cli("estimate", "--request", "-", "--policy", str(nested), stdin=json.dumps(REQUEST)), str(nested), "deep")
    request = tmp_path / "nested-request.json"
    request.write_text('{"a":' * 100_000 + "1" + "}" * 100_000, encoding="utf-8")
    _one_line_exit_2(run_cli("estimate", "--request", str(request)), str(request), "deep")


def test_a_billion_laughs_policy_exits_2_within_seconds(tmp_path) -> None:
    import resource

    text = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi"):
        text += f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    lol = tmp_path / "lol.yaml"
    lol.write_text(text, encoding="utf-8")
    start = resource.getrusage(resource.RUSAGE_CHILDREN)  # the CLI's CPU time, whatever the load
    line = _one_line_exit_2(run_cli("estimate", "--request", "-", "--policy", str(lol), stdin=json.dumps(REQUEST)), str(lol), "aliases")
    end = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert (end.ru_utime + end.ru_stime) - (start.ru_utime + start.ru_stime) < 10 and len(line) < 300


def test_text_output_escapes_control_characters_from_item_names() -> None:
    request = dict(REQUEST, items=[{"name": "住院\x1b[31m费用\x07\x9b\u202e", "category": "A", "amount": "20000"}])
    for lang in ("zh", "en"):
        done = run_cli("estimate", "--request", "-", "--format", "text", "--lang", lang, stdin=json.dumps(request))
        assert done.returncode == 0, done.stderr
        assert not any(ch in done.stdout for ch in "\x1b\x07\x9b\u202e")
        assert "住院\\x1b[31m费用\\x07\\x9b\\u202e" in done.stdout


def test_an_error_line_escapes_control_characters() -> None:
    done = run_cli("estimate", "--request", "-", stdin=json.dumps(dict(REQUEST, region="zi\x1bbo\n")))
    _one_line_exit_2(done, "region", "zi\\x1bbo\\n")


def test_a_catalogue_line_without_a_price_names_the_typical_price_used_and_its_range() -> None:
    from calculator import estimate_json

    request = {**REQUEST, "care": "outpatient", "items": [{"code": "D-RCT-MOLAR", "quantity": 1}, {"code": "D-EXAM", "quantity": 1, "unit_price": "25"}]}
    result = json.loads(estimate_json(json.dumps(request)))
    (warning,) = [w for w in result["warnings"] if w["code"] == "price_assumed"]
    assert "根管治疗（磨牙） 1200.00 元（常见 600–2500 元，仅为示意，没有来源）" in warning["text"]["zh"]
    assert "Root canal treatment (molar) 1200.00 (commonly 600–2500; illustrative, no source)" in warning["text"]["en"]
    assert "口腔检查" not in warning["text"]["zh"]  # priced by the reader
