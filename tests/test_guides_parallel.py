"""A site of many regions renders each language's guide pages in a process of its own
(site/builder/guides.py, PARALLEL_REGIONS): the pages must be the very ones a single process
writes."""

from __future__ import annotations

import filecmp
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from itertools import repeat
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "site"))

from builder import guides  # noqa: E402


def _differences(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    out = [f"{a.name}: {n}" for n in cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files]
    for sub in cmp.common_dirs:
        out += _differences(a / sub, b / sub)
    return out


def test_pages_rendered_per_language_in_processes_equal_one_process(tmp_path: Path) -> None:
    bundle = (ROOT / "calculator" / "_data" / "bundle.json").read_text(encoding="utf-8")
    today = date(2026, 12, 2)
    site = guides.GuideSite(bundle, today)
    for lang in guides.LANGS:
        guides._write_pages(site, lang, tmp_path / "one" / lang)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(guides._render_language, repeat(bundle), repeat(today), guides.LANGS, [tmp_path / "each" / lang for lang in guides.LANGS]))
    pages = sorted(p.relative_to(tmp_path / "one").as_posix() for p in (tmp_path / "one").rglob("*.md"))
    assert len(pages) >= 2 * len(site.ps.bundle.regions) and "zh/regions/zibo.md" in pages
    filecmp.clear_cache()
    assert _differences(tmp_path / "one", tmp_path / "each") == []
