"""Policy files: the real ones validate; broken ones are rejected naming file, field path and
value; the committed bundle and JSON Schemas match the YAML; both decoders agree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from calculator import PolicyError, PolicySet
from calculator._policy_model import Region
from calculator.policy_files import BUNDLE_PATH, POLICY_DIR, bundle_json, json_schemas, load_policies

ZIBO = POLICY_DIR / "regions" / "zibo.yaml"


def test_every_policy_file_validates_and_names_its_parent() -> None:
    bundle = load_policies()
    ids = {r.id for r in bundle.regions}
    assert {"cn", "shandong", "zibo", "qingdao", "beijing", "shenzhen", "wuhan"} <= ids
    assert all(r.parent in ids for r in bundle.regions if r.parent is not None)
    assert len(bundle.catalogue.procedures) >= 20


def test_the_committed_bundle_matches_the_yaml() -> None:
    assert BUNDLE_PATH.read_text(encoding="utf-8") == bundle_json(load_policies()), "run `python build.py check` to rewrite it"


def test_the_committed_json_schemas_match_the_models() -> None:
    for name, text in json_schemas().items():
        assert (POLICY_DIR / "schema" / name).read_text(encoding="utf-8") == text, f"policies/schema/{name} is stale: run `python build.py check`"


def test_the_runtime_decoder_reads_the_bundle_into_the_same_objects_as_pydantic() -> None:
    bundle = load_policies()
    assert PolicySet.from_json(bundle_json(bundle)).bundle == bundle


def _broken_copy(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, root)
    path = root / "regions" / "zibo.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "old, new, field, value",
    [
        ("verified_on: 2026-11-01", "verified_on: 2026-11-01\ncolour: blue", "colour", "blue"),
        ("verified_on: 2026-11-01", "verified_on: 2026-02-30", "verified_on", "2026-02-30"),
        ("unit: yuan", "unit: dollars", ".unit", "dollars"),
    ],
    ids=["unknown key", "impossible date", "wrong unit"],
)
def test_a_broken_region_file_is_rejected_naming_file_field_and_value(tmp_path: Path, old: str, new: str, field: str, value: str) -> None:
    root = _broken_copy(tmp_path, old, new)
    with pytest.raises(PolicyError) as info:
        load_policies(root)
    message = str(info.value)
    assert "zibo.yaml" in message and field in message and value in message


def _first_source(text: str) -> str:
    line = next(line for line in text.splitlines() if line.strip().startswith("source:"))
    return line.split("source:", 1)[1].strip()


def test_a_value_with_an_unknown_source_is_rejected(tmp_path: Path) -> None:
    source = _first_source(ZIBO.read_text(encoding="utf-8"))
    root = _broken_copy(tmp_path, f"source: {source}", "source: nowhere-2099")
    with pytest.raises(PolicyError, match=r"zibo\.yaml.*values\[0\]\.source.*'nowhere-2099'.*not a known source"):
        load_policies(root)


def test_a_value_without_a_source_is_rejected(tmp_path: Path) -> None:
    source = _first_source(ZIBO.read_text(encoding="utf-8"))
    root = _broken_copy(tmp_path, f"source: {source}", "note: no source here")
    with pytest.raises(PolicyError, match=r"zibo\.yaml.*source"):
        load_policies(root)


def test_unsorted_dated_values_are_rejected(tmp_path: Path) -> None:
    extra = tmp_path / "unsorted.yaml"
    extra.write_text(
        """
id: unsorted
name: {zh: 乱序, en: Unsorted}
parent: cn
verified_on: 2026-11-01
sources: [{id: own, title: Own, confidence: unverified}]
rules:
  employee:
    inpatient:
      deductible:
        unit: yuan
        basis: per_admission
        values:
          - {since: 2025-01-01, source: own, rows: [{value: 500}]}
          - {since: 2024-01-01, source: own, rows: [{value: 400}]}
""",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as info:
        load_policies(extra=[extra])
    message = str(info.value)
    assert "unsorted.yaml" in message and "deductible.values[1].since" in message and "2024-01-01" in message


def _ratio_table(tmp_path: Path, rows: str) -> Path:
    """A region file whose resident inpatient ratio has ``rows`` (YAML flow text)."""
    extra = tmp_path / "table.yaml"
    extra.write_text(
        f"""
id: table
name: {{zh: 表, en: Table}}
parent: cn
verified_on: 2026-11-01
sources: [{{id: own, title: Own, confidence: unverified}}]
rules:
  resident:
    inpatient:
      ratio:
        unit: percent
        basis: per_admission
        values: [{{since: 2025-01-01, source: own, rows: {rows}}}]
""",
        encoding="utf-8",
    )
    return extra


@pytest.mark.parametrize(
    "rows, problem",
    [
        ("[{value: 120}]", "must not exceed 100"),
        ("[{bands: [{up_to: 5000, percent: 80}, {up_to: 1000, percent: 90}]}]", "above the previous band"),
        ("[{value: 80}, {value: 90}]", "repeats the conditions"),
        ("[{value: 80, choice: covered}]", "exactly one of"),
        ("[{level: 2, value: 80}, {member: adult, value: 90}]", r"ties with rows\[0\]"),
        ("[{kind: drug, value: 80}]", r"ratio\.values\[0\]\.rows\[0\]\.kind: 'drug' can never match"),
        ("[{code: D-EXAM, value: 80}]", r"rows\[0\]\.code: 'D-EXAM' can never match"),
        ("[{low: 90, high: 80}]", r"rows\[0\]\.high: '80' must be above low"),
        ("[{low: 70, high: 90, typical: 95}]", r"rows\[0\]\.typical: '95' must lie within"),
        ("[{low: 70}]", r"rows\[0\]\.high: is required"),
        ("[{low: 70, high: 90, value: 80}]", "exactly one of"),
        ("[{low: 70, high: 120}]", "must not exceed 100"),
    ],
)
def test_a_table_that_breaks_the_rules_is_rejected(tmp_path: Path, rows: str, problem: str) -> None:
    with pytest.raises(PolicyError, match=problem):
        load_policies(extra=[_ratio_table(tmp_path, rows)])


def test_rows_that_cannot_both_match_or_differ_in_specificity_do_not_tie(tmp_path: Path) -> None:
    rows = "[{level: 1, value: 90}, {level: 2, value: 80}, {level: 2, member: adult, value: 75}, {value: 70}]"
    assert "table" in {r.id for r in load_policies(extra=[_ratio_table(tmp_path, rows)]).regions}


def test_an_inline_policy_gets_the_same_checks_at_run_time(policies: PolicySet) -> None:
    from calculator import estimate

    request = {
        "region": "cn",
        "visit_date": "2026-12-01",
        "scheme": "resident",
        "care": "inpatient",
        "institution_level": 2,
        "items": [{"name": "x", "category": "A", "amount": "100"}],
        "policy": {
            "id": "own",
            "name": {"zh": "我的", "en": "Mine"},
            "parent": "cn",
            "verified_on": "2026-11-01",
            "sources": [{"id": "own-statement", "title": "My statement", "confidence": "unverified"}],
            "rules": {"resident": {"inpatient": {"ratio": {"unit": "percent", "basis": "per_admission", "values": [{"since": "2026-01-01", "source": "own-statement", "rows": [{"value": "150"}]}]}}}},
        },
    }
    with pytest.raises(PolicyError) as info:
        estimate(request, policies)
    assert info.value.field.startswith("policy.rules.resident.inpatient.ratio") and "150" in str(info.value)


def test_the_region_schema_describes_region_files() -> None:
    schema = json.loads(json_schemas()["region.schema.json"])
    assert schema["additionalProperties"] is False
    assert {"id", "name", "parent", "verified_on"} <= set(schema["required"])
    assert Region.__name__ in schema.get("title", "Region")


@pytest.mark.parametrize(
    "dated, problem",
    [
        ("{since: 2025-01-01, seen_on: 2025-03-01, source: own, rows: [{value: 80}]}", "exactly one of since"),
        ("{source: own, rows: [{value: 80}]}", "exactly one of since"),
        ("{since: 2025-01-01, source: own, sources: [own], rows: [{value: 80}]}", "exactly one of source"),
        ("{since: 2025-01-01, sources: [own, nowhere], rows: [{value: 80}]}", r"sources\[1\]: 'nowhere' is not a known source"),
    ],
)
def test_a_dated_value_states_one_start_and_its_sources(tmp_path: Path, dated: str, problem: str) -> None:
    extra = _ratio_table(tmp_path, "[]")
    extra.write_text(extra.read_text(encoding="utf-8").replace("values: [{since: 2025-01-01, source: own, rows: []}]", f"values: [{dated}]"), encoding="utf-8")
    with pytest.raises(PolicyError, match=problem):
        load_policies(extra=[extra])


def test_the_readers_own_confidence_is_refused_in_a_policy_file(tmp_path: Path) -> None:
    extra = _ratio_table(tmp_path, "[{value: 80}]")
    extra.write_text(extra.read_text(encoding="utf-8").replace("confidence: unverified", "confidence: own"), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"sources\[0\]\.confidence: 'own' is only for the reader's own numbers"):
        load_policies(extra=[extra])
