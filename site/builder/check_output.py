"""The ``check-output`` phase: the built site must be self-contained (nothing loaded from another
origin), complete (every link and anchor resolves, every page in every language), consistent
(the runtime files are the pinned ones, the wheels match their lock) and within its
Content-Security-Policy (every page carries it; nothing inline that it would block)."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .compress import sibling_problems
from .csp import CspScan
from .context import ESTIMATOR_DIR, LANGS, PACKAGES_DIR, PYODIDE_DIR, Build, BuildError, sha256
from .offline import offline_problems

#: First-party and Pyodide JavaScript may not name any absolute URL, except these inert strings
#: (never fetched by this site), each with the reason. A new one fails the check until reviewed.
JS_URL_ALLOWLIST: dict[str, dict[str, str]] = {
    "pyodide.mjs": {
        "https://cdn.jsdelivr.net/pyodide/v": "Pyodide's default cdnUrl; unused: the worker passes packageBaseUrl",
    },
    "pyodide.asm.mjs": {
        "https://${t}": "Emscripten socket shim (Node only); the estimator opens no sockets",
    },
    "dom.js": {
        "http://www.w3.org/2000/svg": "the SVG namespace name for createElementNS (the chart); a name, never fetched",
    },
}
#: Where JavaScript is checked strictly (any absolute URL); elsewhere (the theme's and lunr's
#: files) only the calls that make the browser load something: import, fetch, workers, src.
JS_STRICT_DIRS = (ESTIMATOR_DIR, "assets/pyodide")
_JS_LOADS = re.compile(
    r"""(?:\bimport\s*\(\s*|\bimport\s+(?:[\w*{}\s,$]+\s+from\s*)?|\bexport\s+[\w*{}\s,$]+\s+from\s*|\bfetch\s*\(\s*|"""
    r"""\bimportScripts\s*\(\s*|\bnew\s+(?:Shared)?Worker\s*\(\s*|\bnew\s+EventSource\s*\(\s*|\bnew\s+WebSocket\s*\(\s*|"""
    r"""\.src\s*=\s*|\.open\s*\(\s*["'][A-Za-z]+["']\s*,\s*|setAttribute\s*\(\s*["'](?:src|href)["']\s*,\s*)"""
    r"""["'`]((?:[a-z][a-z0-9+.-]*:)?//[^"'`]*)["'`]""",
    re.I,
)
_ABS_URL = re.compile(r"""(?:https?|wss?):?//[^\s"'`)<>]+""")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
_LINK_NOT_LOADED = {"canonical", "alternate", "prev", "next", "author", "license", "help", "search"}


def _offsite(url: str) -> bool:
    """Does the browser leave the origin for this URL? (data:, blob:, relative: no)."""
    url = url.strip()
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.I)) or url.lower().startswith(("http:", "https:", "ws:", "wss:", "ftp:"))


@dataclass
class PageFacts:
    """What check-output needs from one HTML file: ``loads`` (what, URL) the browser fetches by
    itself, ``links`` (``<a href>`` and ``<link>`` that are not fetched), ``ids`` (anchors),
    ``csp`` (what breaks the Content-Security-Policy, :class:`CspScan`)."""

    path: Path
    loads: list[tuple[str, str]]
    links: list[str]
    ids: set[str]
    csp: list[str]


def _read_page(path: Path) -> PageFacts:
    """The :class:`PageFacts` of one HTML file."""
    from html.parser import HTMLParser

    class Page(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.path = path
            self.loads: list[tuple[str, str]] = []
            self.links: list[str] = []
            self.ids: set[str] = set()
            self.csp = CspScan()

        def handle_data(self, data: str) -> None:
            self.csp.data(data)

        def handle_endtag(self, tag: str) -> None:
            self.csp.end(tag)

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
            self.csp.start(tag, a, self.getpos()[0])
            if "id" in a:
                self.ids.add(a["id"])
            if tag == "a" and "name" in a:
                self.ids.add(a["name"])
            if tag == "a" and "href" in a:
                self.links.append(a["href"])
            for key in ("src", "poster", "background") if tag != "a" else ():
                if a.get(key):
                    self.loads.append((f"<{tag} {key}>", a[key]))
            if tag == "object" and a.get("data"):
                self.loads.append(("<object data>", a["data"]))
            for candidate in a.get("srcset", "").split(","):  # "url 2x, url 3x"
                if candidate.strip():
                    self.loads.append((f"<{tag} srcset>", candidate.split()[0]))
            if tag == "link" and "href" in a:
                rels = set(a.get("rel", "").lower().split())
                if rels & _LINK_NOT_LOADED:
                    self.links.append(a["href"])
                else:
                    self.loads.append((f"<link rel={a.get('rel')}>", a["href"]))
            for m in _CSS_URL.finditer(a.get("style", "")):
                self.loads.append(("style url()", m.group(1) or m.group(2)))
            if tag == "meta" and a.get("http-equiv", "").lower() == "refresh" and "url=" in a.get("content", "").lower():
                self.loads.append(("meta refresh", re.split(r"url=", a["content"], flags=re.I)[-1]))

    page = Page()
    text = path.read_text(encoding="utf-8")
    page.feed(text)
    page.close()
    for block in re.findall(r"<style[^>]*>(.*?)</style>", text, re.S | re.I):
        for m in _CSS_URL.finditer(block):
            page.loads.append(("<style> url()", m.group(1) or m.group(2)))
    return PageFacts(path, page.loads, page.links, page.ids, page.csp.problems())


#: Above this many pages they are read by one process per core (a site of 1,000 regions has
#: 2,000 pages of ~100 KB; reading HTML is most of this phase's time).
PARALLEL_PAGES = 200


def _read_pages(paths: list[Path]) -> dict[Path, PageFacts]:
    workers = os.cpu_count() or 1
    if len(paths) < PARALLEL_PAGES or workers < 2:
        return {p: _read_page(p) for p in paths}
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return dict(zip(paths, pool.map(_read_page, paths, chunksize=32)))


def _unquote(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text)


def _is_request(fragment: str) -> bool:
    return _unquote(fragment).startswith("{")


def _js_allowed(path: Path, url: str) -> bool:
    from fnmatch import fnmatch

    for pattern, allowed in JS_URL_ALLOWLIST.items():
        if fnmatch(path.name, pattern) and any(url.startswith(prefix) for prefix in allowed):
            return True
    return False


def _resolve(out: Path, page: Path, url: str, dirs: set[str]) -> tuple[Path | None, str]:
    """The file an internal URL points to (``None`` if it points outside ``out``), and its
    fragment. Root-absolute URLs (only in 404.html) resolve against ``out``. Paths are joined
    as text (the output has no symlinks); ``dirs`` are the output's folders."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    base = str(out) if path.startswith("/") else str(page.parent)
    target = os.path.normpath(os.path.join(base, path.lstrip("/")))
    if not (target + os.sep).startswith(str(out) + os.sep):
        return None, parts.fragment
    if path.endswith("/") or target in dirs:
        target = os.path.join(target, "index.html")
    return Path(target), parts.fragment


def check_output(out: Path) -> list[str]:
    """Every problem in the built site, as messages naming the file (empty list: all good)."""
    problems: list[str] = []
    out = out.resolve()

    def rel(p: Path) -> str:
        return p.relative_to(out).as_posix()

    pages = _read_pages(sorted(out.rglob("*.html")))
    dirs, files = {str(out)}, set()
    for path in out.rglob("*"):
        (dirs if path.is_dir() else files).add(str(path))
    exists = lambda target: target is not None and str(target) in files  # noqa: E731
    # 1. Nothing the browser loads by itself may come from another origin; internal targets exist.
    for page in pages.values():
        problems += [f"{rel(page.path)}: Content-Security-Policy: {found}" for found in page.csp]
        for what, url in page.loads:
            if _offsite(url):
                problems.append(f"{rel(page.path)}: {what} loads an off-site URL: {url}")
            elif not url.startswith(("data:", "blob:", "#")):
                target, _ = _resolve(out, page.path, url, dirs)
                if not exists(target):
                    problems.append(f"{rel(page.path)}: {what} points to a missing file: {url}")
        for url in page.links:
            if _offsite(url) or url.startswith(("mailto:", "tel:", "data:", "javascript:")):
                continue
            target, fragment = _resolve(out, page.path, url, dirs)
            if not exists(target):
                problems.append(f"{rel(page.path)}: broken link: {url}")
            elif _is_request(fragment):  # a link into the estimator carries a request
                try:
                    json.loads(_unquote(fragment))
                except ValueError:
                    problems.append(f"{rel(page.path)}: link carries a request that is not JSON: {url}")
            elif fragment and target.suffix == ".html" and not fragment.startswith("__"):
                ids = pages[target].ids if target in pages else set()
                if fragment not in ids:
                    problems.append(f"{rel(page.path)}: link to a missing anchor: {url}")
    for css in sorted(out.rglob("*.css")):
        for m in _CSS_URL.finditer(css.read_text(encoding="utf-8", errors="replace")):
            url = m.group(1) or m.group(2)
            if _offsite(url):
                problems.append(f"{rel(css)}: CSS loads an off-site URL: {url}")
    for js in sorted([*out.rglob("*.js"), *out.rglob("*.mjs")]):
        text = js.read_text(encoding="utf-8", errors="replace")
        if any(rel(js).startswith(d + "/") for d in JS_STRICT_DIRS):
            for m in _ABS_URL.finditer(text):
                if not _js_allowed(js, m.group(0)):
                    problems.append(f"{rel(js)}: JavaScript names an off-site URL: {m.group(0)}")
        for m in _JS_LOADS.finditer(text):
            if _offsite(m.group(1)):
                problems.append(f"{rel(js)}: JavaScript loads an off-site URL: {m.group(1)}")
    for data in sorted(out.rglob("*.json")):
        if data.name == "search_index.json":
            index = json.loads(data.read_text(encoding="utf-8"))
            bad = [d["location"] for d in index.get("docs", []) if _offsite(d.get("location", ""))]
            problems += [f"{rel(data)}: search result points off-site: {u}" for u in bad]
            continue
        for value in _json_strings(json.loads(data.read_text(encoding="utf-8"))):
            if _offsite(value):
                problems.append(f"{rel(data)}: JSON holds an off-site URL: {value}")
    # 2. The runtime: Pyodide files as pinned, every wheel as its lock says; the service
    #    worker's list and the compressed siblings match the files they stand for.
    problems += _check_runtime(out)
    problems += offline_problems(out, pages)
    problems += sibling_problems(out)
    # 3. Every page exists in every language.
    roots = {lang: out if i == 0 else out / lang for i, lang in enumerate(LANGS)}
    sets = {}
    for lang, root in roots.items():
        others = [roots[o] for o in LANGS if o != lang and roots[o] != out]
        sets[lang] = {
            p.relative_to(root).as_posix()
            for p in root.rglob("index.html")
            if not any(p.is_relative_to(o) for o in others)
        }
    for lang, found in sets.items():
        for other, other_found in sets.items():
            for missing in sorted(other_found - found):
                problems.append(f"page {missing} exists in {other} but not in {lang}")
    return problems


def _json_strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _json_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _json_strings(value)


def _check_runtime(out: Path) -> list[str]:
    from .pyodide_runtime import expected_runtime

    problems = []
    core = out / PYODIDE_DIR
    # What each file must be comes from the pinned tarball (sha512) and the recipe that derives
    # the stdlib zip from it, never from a list inside the output (that could be edited too).
    for name, digest in expected_runtime().items():
        path = core / name
        if not path.exists() or sha256(path) != digest:
            problems.append(f"{PYODIDE_DIR}/{name}: missing or not the file the pinned Pyodide gives")
    lock_path = out / PACKAGES_DIR / "pyodide-lock.json"
    if not lock_path.exists():
        return problems + [f"{PACKAGES_DIR}/pyodide-lock.json: missing (run the wheel phase)"]
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    for name, package in lock["packages"].items():
        path = lock_path.parent / package["file_name"]
        if _offsite(package["file_name"]) or not path.exists():
            problems.append(f"{PACKAGES_DIR}/pyodide-lock.json: {name}: {package['file_name']} is not in the site")
        elif sha256(path) != package["sha256"]:
            problems.append(f"{PACKAGES_DIR}/{package['file_name']}: sha256 {sha256(path)} differs from the lock's {package['sha256']}")
    return problems


def phase_check_output(b: Build) -> None:
    """Fail the build on anything wrong in the output:

    - a URL the browser loads by itself (``src``, ``<link href>``, CSS ``url()``, URLs in
      JavaScript, JSON data) pointing off the site; plain ``<a href>`` to sources is fine;
    - a broken internal link or anchor; a file a page loads that does not exist;
    - a Pyodide file that is not the one the pinned tarball gives; a wheel whose sha256
      differs from the lock; a ``sw.js`` whose file list or hashes are not the site's; a
      ``.br``/``.gz`` sibling that does not decompress to its file;
    - a page present in one language and missing in another;
    - a page without the site's Content-Security-Policy as its first ``<meta>``, or with an
      inline script, event handler, ``javascript:`` URL or style that the policy would block.
    """
    problems = check_output(b.out)
    if problems:
        raise BuildError(f"check-output: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    files = [p for p in b.out.rglob("*") if p.is_file()]
    print(f"  {len(files)} files, {sum(p.stat().st_size for p in files):,} bytes, no problems")
