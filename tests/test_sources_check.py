"""``build.py`` refuses two source ids for one URL, and ``build.py check`` warns about a source
nothing cites and counts the sources by confidence."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

EXTRA = """\
id: extra
name: {zh: 测试市, en: Test city}
parent: shandong
verified_on: 2026-11-01
sources:
  - id: extra-page
    title: {zh: 测试页, en: Test page}
    url: URL
    confidence: unverified
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def _policies(tmp_path: Path, url: str) -> Path:
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    (policies / "regions" / "extra.yaml").write_text(EXTRA.replace("URL", url), encoding="utf-8")
    return policies


@pytest.mark.timeout(300)
def test_two_source_ids_for_one_url_fail_the_build(tmp_path: Path) -> None:
    shared = "https://www.nhsa.gov.cn/art/2022/7/26/art_104_8629.html"  # nhsa-cross-province-2022's
    proc = _run("policies", "--policies", str(_policies(tmp_path, shared)), "--out", str(tmp_path / "out"))
    assert proc.returncode != 0
    assert "nhsa-cross-province-2022, extra-page" in proc.stdout + proc.stderr


@pytest.mark.timeout(300)
def test_check_warns_about_an_uncited_source_and_counts_by_confidence(tmp_path: Path) -> None:
    proc = _run("check", "--policies", str(_policies(tmp_path, "https://example.org/only-here")))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sources by confidence: official " in proc.stdout
    assert "cited by nothing" in proc.stdout and "extra-page (policies/regions/extra.yaml)" in proc.stdout


@pytest.mark.timeout(300)
def test_the_shipped_sources_have_one_id_per_url_and_the_shared_ones_are_all_cited() -> None:
    """(A region file's own uncited source is a warning of ``build.py check`` for its editor.)"""
    sys.path.insert(0, str(ROOT / "site"))
    sys.path.insert(0, str(ROOT))
    from builder.sources_check import all_sources, cited_ids, duplicate_urls

    from calculator.policy_files import load_policies

    bundle = load_policies()
    assert duplicate_urls(bundle) == []
    shared = [s.id for where, s in all_sources(bundle) if where == "policies/sources.yaml"]
    assert [i for i in shared if i not in cited_ids(bundle)] == []
