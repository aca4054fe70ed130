"""The ``offline`` phase: the service worker that keeps the estimator working offline.

``site/estimator/sw.js`` is written to the site root as ``sw.js`` (a worker's scope is at most
its own folder, and only the root covers both ``estimate/`` and ``en/estimate/``), preceded by
``const BUILD = {version, shared, pages}``: every file the estimator pages load (the
estimator's modules, the Python runtime and the wheel shared by both; per page, the page and
what its HTML loads), each with its sha256, and a version made from those hashes, so every build that changes any of them gets a
new cache and the old one is deleted. ``site/estimator/offline.js`` registers it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Mapping
from urllib.parse import urljoin

from .context import ESTIMATOR_DIR, LANGS, PACKAGES_DIR, PYODIDE_DIR, SITE_SRC, Build, BuildError, write

if TYPE_CHECKING:
    from .check_output import PageFacts

SW_SOURCE = SITE_SRC / "estimator" / "sw.js"
#: The estimator page of each language, as the reader navigates to it (relative to the root).
ESTIMATOR_PAGES = tuple(("" if i == 0 else f"{lang}/") + "estimate/" for i, lang in enumerate(LANGS))
#: Files in the runtime folders that no page loads (the worker reads SHA256SUMS: see snapshot.js).
NOT_LOADED: set[str] = set()


def page_files(out: Path, url: str, read: Mapping[Path, PageFacts] | None = None) -> dict[str, Path]:
    """Root-relative URL → file: one page and everything its HTML loads (``read``: pages
    already parsed, by path)."""
    from .check_output import _read_page

    page = out / url / "index.html"
    if not page.exists():
        raise BuildError(f"offline: {url}index.html is missing (run the mkdocs phase)")
    files = {url: page}
    facts = read.get(page) if read is not None else None
    for _what, src in (facts or _read_page(page)).loads:
        if src.startswith(("data:", "blob:", "#")):
            continue
        rel = urljoin(url, src).split("#")[0].split("?")[0]
        if (out / rel).is_file():
            files[rel] = out / rel
    return files


def precache_files(out: Path) -> tuple[dict[str, Path], dict[str, dict[str, Path]]]:
    """What the estimator needs: the files every estimator page shares (its modules, the Python
    runtime, the wheel) and, per page, the page and what only it loads (each language's build
    has its own copy of the theme's files)."""
    shared: dict[str, Path] = {}
    for folder in (ESTIMATOR_DIR, PYODIDE_DIR, PACKAGES_DIR):
        for path in sorted((out / folder).rglob("*")):
            if path.is_file() and path.name not in NOT_LOADED and path.suffix not in (".br", ".gz"):
                shared[path.relative_to(out).as_posix()] = path
    pages = {url: {u: p for u, p in sorted(page_files(out, url).items()) if u not in shared} for url in ESTIMATOR_PAGES}
    return dict(sorted(shared.items())), pages


def service_worker(out: Path) -> str:
    """The text of ``out/sw.js`` for the files now in ``out``."""
    digest = lambda path: hashlib.sha256(path.read_bytes()).hexdigest()  # noqa: E731
    shared, pages = precache_files(out)
    build = {"shared": {u: digest(p) for u, p in shared.items()}, "pages": {url: {u: digest(p) for u, p in files.items()} for url, files in pages.items()}}
    build["version"] = hashlib.sha256(json.dumps(build, sort_keys=True).encode()).hexdigest()[:16]
    text = json.dumps(build, indent=1, sort_keys=True)
    return f"// Written by the build (site/builder/offline.py): the files below and their sha256.\nconst BUILD = {text};\n\n" + SW_SOURCE.read_text(encoding="utf-8")


def phase_offline(b: Build) -> None:
    """Write ``out/sw.js`` (and drop the template the mkdocs phase copied with the estimator)."""
    (b.out / ESTIMATOR_DIR / SW_SOURCE.name).unlink(missing_ok=True)
    write(b.out / "sw.js", service_worker(b.out))
    shared, pages = precache_files(b.out)
    print(f"  sw.js: {len(shared)} shared files, " + ", ".join(f"{len(f)} for {u}" for u, f in pages.items()))


def offline_problems(out: Path, read: Mapping[Path, PageFacts] | None = None) -> list[str]:
    """``sw.js`` must be exactly what this output gives: same files, same hashes, same version;
    and every file a page loads must be one it keeps (sw.js keeps a page read, network first,
    but not what it loads: those come from its precache). ``read``: the pages check-output has
    parsed already (each page is read once)."""
    sw = out / "sw.js"
    if not sw.exists():
        return ["sw.js: missing (run the offline phase)"]
    try:
        expected = service_worker(out)
    except BuildError as exc:
        return [str(exc)]
    if sw.read_text(encoding="utf-8") != expected:
        return ["sw.js: its precache list or version does not match the files in the site (run the offline phase)"]
    shared, pages = precache_files(out)
    kept = set(shared) | {url for files in pages.values() for url in files}
    problems = []
    for page in sorted(out.rglob("index.html")):
        url = "" if page.parent == out else page.parent.relative_to(out).as_posix() + "/"
        missing = sorted(set(page_files(out, url, read)) - kept - {url})
        if missing:
            problems.append(f"{url}index.html loads {', '.join(missing)}, which sw.js does not keep: offline the page would lack it")
    return problems
