"""Build time: the real policies, and the real ones plus N synthetic regions (N = 10, 100,
1,000), each a full ``build.py build`` into a temp dir. A synthetic region has one dated
deductible and one guide item (both citing an existing source); its names carry a per-run nonce
so no page is already in the compression cache (the pinned runtime is, as on any rebuild).
They are shaped like China's regions: every :data:`PER_PROVINCE`-th one is a province under
``cn``, the ones after it its cities (China has ~333 prefecture-level cities in 31 provinces),
so a page's menu, which lists the provinces and the current province's cities, stays the same
size as regions are added. Synthetic data lives only in the temp dir: it is never published."""

from __future__ import annotations

import os
import shutil
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ROOT

REGION = """id: {id}
name: {{zh: 合成地区{n}（基准测试 {nonce}）, en: Synthetic region {n} (benchmark {nonce})}}
parent: {parent}
verified_on: 2026-11-01
note: {{zh: 基准测试数据，从不发布。, en: 'Benchmark data, never published.'}}
rules:
  employee:
    outpatient:
      deductible:
        unit: yuan
        basis: annual
        values:
          - since: 2026-01-01
            source: {source}
            rows:
              - {{value: {value}}}
guide:
  - topic: contact
    zh: 合成地区{n}的医保经办机构（基准测试数据）。
    en: Synthetic region {n}'s insurance office (benchmark data).
    sources: [{source}]
"""


#: Synthetic regions per synthetic province, the province included.
PER_PROVINCE = 25


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = string.ascii_lowercase[r] + out
    return out


def synthetic_policies(dest: Path, count: int, nonce: str) -> Path:
    """``policies/`` copied to ``dest`` with ``count`` synthetic regions added."""
    import yaml

    shutil.copytree(ROOT / "policies", dest)
    sources = yaml.safe_load((ROOT / "policies" / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    source = next(s["id"] for s in sources if s["id"] == "linyi-bureau-qa") if any(s["id"] == "linyi-bureau-qa" for s in sources) else sources[0]["id"]
    for i in range(count):
        rid = "synth" + _letters(i)
        parent = "cn" if i % PER_PROVINCE == 0 else "synth" + _letters(i - i % PER_PROVINCE)
        (dest / "regions" / f"{rid}.yaml").write_text(REGION.format(id=rid, n=i + 1, nonce=nonce, source=source, value=300 + i % 500, parent=parent), encoding="utf-8")
    return dest


def time_build(policies: Path | None, out: Path) -> float:
    """Seconds for ``build.py build --out OUT [--policies DIR]`` (a full build, own process)."""
    args = [sys.executable, str(ROOT / "build.py"), "build", "--out", str(out)]
    if policies is not None:
        args += ["--policies", str(policies)]
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, YIBAO_NO_BOOTSTRAP="1"))
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"build failed ({policies}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds


def synthetic_build_times(counts: list[int]) -> dict[int, float]:
    nonce = f"{time.time_ns():x}"[-8:]
    times = {}
    for count in counts:
        with tempfile.TemporaryDirectory(prefix="yibao-synth-") as tmp:
            policies = synthetic_policies(Path(tmp) / "policies", count, nonce)
            times[count] = time_build(policies, Path(tmp) / "public")
            print(f"  build with {count:,} synthetic regions: {times[count]:.1f} s", flush=True)
    return times
