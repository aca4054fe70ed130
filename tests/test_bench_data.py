"""The benchmark's synthetic regions (bench/build_time.py) are valid policy files: the full
benchmark builds the site with 1,000 of them, and a format change that they do not follow
would only show there, after the visits have been measured."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build_time import PER_PROVINCE, synthetic_policies  # noqa: E402
from calculator.policy_files import load_policies  # noqa: E402


def test_synthetic_regions_load_as_provinces_and_their_cities(tmp_path: Path) -> None:
    count = PER_PROVINCE + 2  # a second synthetic province begins
    real = {region.id for region in load_policies(ROOT / "policies").regions}
    bundle = load_policies(synthetic_policies(tmp_path / "policies", count, "test"))
    added = {region.id: region for region in bundle.regions if region.id not in real}
    assert len(added) == count
    assert added["syntha"].parent == "cn" and added["synthb"].parent == "syntha"
    assert sum(1 for region in added.values() if region.parent == "cn") == 2
