#!/usr/bin/env python3
"""Yibao's build: one script, a pipeline of named phases writing the static site to ``public/``.

Commands (``python3 build.py COMMAND``; the first run creates ``.venv`` and installs into it)::

    build                     the whole pipeline (the default command)
    serve [--port N]          build, then serve the site on 127.0.0.1 and print its URL
    test [PYTEST ARGS]        run the whole pytest suite (it builds the site once, in a temp dir)
    check                     validate policies/, rewrite the bundle and schemas, print a summary
    PHASE [PHASE ...]         run named phases in pipeline order: policies guides mkdocs wheel
                              pyodide check-output

Options for build and phases: ``--out DIR`` (default ``public/``), ``--policies DIR`` (default
``policies/``; another directory builds a site from it without touching the committed bundle).

Phases, in order (each reads what the previous ones wrote, so each can be rerun alone):

1. ``policies``     YAML → pydantic → bundle JSON (and JSON Schemas for editors).
2. ``guides``       bundle → Jinja2 → Markdown pages, one tree per language, + MkDocs configs.
3. ``mkdocs``       one MkDocs Material build per language: zh at ``/``, en at ``/en/``.
4. ``wheel``        the calculator as a pure-Python wheel + a minimal ``pyodide-lock.json``.
5. ``pyodide``      the Pyodide core, pinned from npm (cached outside the tree), copied in.
6. ``check-output`` fails on anything wrong in the output (see :func:`phase_check_output`).

Only the standard library is imported at module level: the script must start on a bare
``python3`` to create its own environment. Heavy imports live inside the functions.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

ROOT = Path(__file__).resolve().parent
SITE_SRC = ROOT / "site"
VENV = ROOT / ".venv"
CACHE = Path(os.environ.get("YIBAO_CACHE", Path.home() / ".cache" / "yibao"))

#: Languages in build order; the first is served at ``/``, the others at ``/<lang>/``.
LANGS = ("zh", "en")

#: The Pyodide core, pinned: npm package version and the tarball's sha512 (npm "integrity").
PYODIDE_VERSION = "314.0.7"
PYODIDE_INTEGRITY = "sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y2q+SNvi/6V5JEsOlD2R1A=="
#: The core files the estimator loads (the npm package's other files are not copied).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")

#: Where the runtime lives in the output (shared by both languages, relative to the site root).
PYODIDE_DIR = f"assets/pyodide/{PYODIDE_VERSION}"
PACKAGES_DIR = "assets/packages"
ESTIMATOR_DIR = "assets/estimator"
#: Output folders the mkdocs phase leaves alone (written by the wheel and pyodide phases).
RUNTIME_DIRS = (PYODIDE_DIR, PACKAGES_DIR)

#: Modules of calculator/ that the browser never imports (they need PyYAML and pydantic).
WHEEL_EXCLUDE = ("policy_files.py",)

#: Debian packages the browser tests need.
APT_PACKAGES = ("chromium", "fonts-wqy-microhei")

#: A value or region not verified for this many days gets a staleness warning.
STALE_DAYS = 365


# --------------------------------------------------------------------------------------------
# Environment: .venv with Python >= 3.12, the dev extra installed, Chromium for the tests
# --------------------------------------------------------------------------------------------


def _python_ok(exe: str) -> bool:
    try:
        out = subprocess.run([exe, "-c", "import sys; print(sys.version_info >= (3, 12))"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and out.stdout.strip() == "True"


def find_python() -> str:
    """A Python >= 3.12: python3.13 / python3.12 on PATH, then pyenv's versions, then this one."""
    candidates = [shutil.which(name) for name in ("python3.13", "python3.12", "python3.14")]
    pyenv = sorted(Path("/root/.pyenv/versions").glob("3.1[2-9]*/bin/python3"), reverse=True)
    candidates += [str(p) for p in pyenv] + [sys.executable]
    for exe in candidates:
        if exe and _python_ok(exe):
            return exe
    raise SystemExit("build.py: no Python >= 3.12 found (looked for python3.13, python3.12 and in /root/.pyenv/versions)")


def ensure_environment(command: str) -> None:
    """Make ``.venv`` with the project and its ``dev`` extra (again whenever ``pyproject.toml``
    is newer than the ``.venv/.installed`` stamp), then re-run this script inside it."""
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not python.exists():
        exe = find_python()
        print(f"build.py: creating .venv with {exe}", flush=True)
        subprocess.run([exe, "-m", "venv", str(VENV)], check=True)
    stamp = VENV / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        print("build.py: installing the project and its dev tools (pip install -e '.[dev]')", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"], check=True)
        stamp.touch()
    if command == "test":
        ensure_chromium()
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def ensure_chromium() -> None:
    """Install Debian's chromium (and CJK fonts) with apt-get when missing and we are root."""
    if Path("/usr/bin/chromium").exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("build.py: /usr/bin/chromium is missing; install it (apt-get install chromium) to run the browser tests", file=sys.stderr)
        return
    print("build.py: installing chromium with apt-get", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *APT_PACKAGES], check=True, env=env)


# --------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------


class BuildError(Exception):
    """A phase found something wrong; the message says what and where."""


@dataclasses.dataclass
class Build:
    """Where one build reads and writes. ``work`` holds intermediate files (not committed)."""

    out: Path
    work: Path
    policy_dir: Path
    today: date

    @classmethod
    def create(cls, out: Path | None = None, policy_dir: Path | None = None) -> Build:
        out = (out or ROOT / "public").resolve()
        work = ROOT / "build" if out == (ROOT / "public").resolve() else out.parent / f"{out.name}.work"
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        today = datetime.fromtimestamp(int(epoch), timezone.utc).date() if epoch else date.today()
        return cls(out=out, work=work.resolve(), policy_dir=(policy_dir or ROOT / "policies").resolve(), today=today)

    @property
    def default_policies(self) -> bool:
        return self.policy_dir == (ROOT / "policies").resolve()

    @property
    def bundle_file(self) -> Path:
        return self.work / "bundle.json"


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def phase_policies(b: Build) -> None:
    """Validate ``policies/`` (pydantic; errors name file, field path and value) into one bundle.

    Writes the bundle to the work dir for the next phases. For the committed policies it also
    rewrites ``calculator/_data/bundle.json`` and ``policies/schema/*.json`` when they changed.
    """
    sys.path.insert(0, str(ROOT))
    from calculator.policy_files import bundle_json, json_schemas, load_policies, write_bundle

    bundle = load_policies(b.policy_dir)
    _write(b.bundle_file, bundle_json(bundle))
    if b.default_policies:
        if write_bundle(bundle):
            print("  rewrote calculator/_data/bundle.json")
        for name, text in json_schemas().items():
            path = b.policy_dir / "schema" / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                _write(path, text)
                print(f"  rewrote policies/schema/{name}")
    print(f"  {len(bundle.regions)} regions, {len(bundle.sources)} sources, {len(bundle.catalogue.procedures)} procedures")


def phase_guides(b: Build) -> None:
    """Render every page (Jinja2 → Markdown) into ``work/docs/<lang>/`` and one MkDocs config
    per language into ``work/mkdocs-<lang>.yml``. Templates: ``site/templates/``; every short
    text: ``site/labels.yaml``; files copied as they are: ``site/static/``."""
    site = GuideSite(b.bundle_file.read_text(encoding="utf-8"), b.today)
    shutil.rmtree(b.work / "docs", ignore_errors=True)
    for lang in LANGS:
        docs = b.work / "docs" / lang
        shutil.copytree(SITE_SRC / "static", docs)
        for rel, text in site.pages(lang):
            _write(docs / rel, text)
        _write(b.work / f"mkdocs-{lang}.yml", _mkdocs_config(b, lang, site.nav(lang)))
    print(f"  {len(site.page_names())} pages per language, {len(LANGS)} languages")


# --------------------------------------------------------------------------------------------
# Guides: policy data → what the templates show
# --------------------------------------------------------------------------------------------

#: Guide topics in the order of the national steps (site/templates/dental.md.j2 groups them).
TOPICS = ("before", "designated", "documents", "itemised_statement", "dental", "submit_online", "submit_window", "cross_region", "deadline", "audit_payment", "contact")


#: The order parameters are listed in (by path segment): the model's field order.
PATH_ORDER = (
    "rules", "employee", "resident", "inpatient", "outpatient", "category_b_first_pay", "cross_region",
    "non_designated", "serious_illness", "assistance", "personal_account", "deductible", "threshold",
    "ratio", "annual_cap", "first_pay", "ratio_reduction", "unfiled", "catalogue", "price_ceiling",
)


class GuideSite:
    """The page model: regions as a tree, each region's effective parameters (its own and those
    it inherits, nearest first) and guide items, rendered through the Jinja2 templates."""

    def __init__(self, bundle_text: str, today: date) -> None:
        import jinja2
        import yaml

        sys.path.insert(0, str(ROOT))
        from calculator._policies import PolicySet

        self.ps = PolicySet.from_json(bundle_text)
        self.today = today
        self.labels = yaml.safe_load((SITE_SRC / "labels.yaml").read_text(encoding="utf-8"))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(SITE_SRC / "templates"),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(cell=_md_cell, h=_html, fragment=_fragment)
        self.children: dict[str | None, list[str]] = {}
        for region in self.ps.bundle.regions:
            self.children.setdefault(region.parent, []).append(region.id)
        for ids in self.children.values():
            ids.sort(key=lambda i: (len(self.children.get(i, [])) == 0, i))

    # -- structure -------------------------------------------------------------------------

    def tree(self) -> list[tuple[Any, int]]:
        """Every region with its depth, parents before children (``cn`` first)."""
        out: list[tuple[Any, int]] = []

        def walk(region_id: str, depth: int) -> None:
            out.append((self.ps.regions[region_id], depth))
            for child in self.children.get(region_id, []):
                walk(child, depth + 1)

        for root in self.children.get(None, []):
            walk(root, 0)
        return out

    def page_names(self) -> list[str]:
        return ["index.md", "guide/dental.md", "estimate.md", "sources.md"] + [f"regions/{r.id}.md" for r, _ in self.tree()]

    def nav(self, lang: str) -> list[Any]:
        """MkDocs nav: regions nested under their province (a province page comes first)."""
        L = self._labels(lang)

        def entry(region_id: str) -> Any:
            region = self.ps.regions[region_id]
            name = getattr(region.name, lang)
            kids = self.children.get(region_id, [])
            if not kids:
                return {name: f"regions/{region_id}.md"}
            return {name: [{f"{name}（{L.nav.whole_province}）" if lang == "zh" else f"{name} ({L.nav.whole_province})": f"regions/{region_id}.md"}, *[entry(k) for k in kids]]}

        regions: list[Any] = []
        for root in self.children.get(None, []):
            regions.append({getattr(self.ps.regions[root].name, lang): f"regions/{root}.md"})
            regions += [entry(k) for k in self.children.get(root, [])]
        return [
            {L.nav.home: "index.md"},
            {L.nav.guide: "guide/dental.md"},
            {L.nav.regions: regions},
            {L.nav.estimate: "estimate.md"},
            {L.nav.sources: "sources.md"},
        ]

    # -- data for one region ---------------------------------------------------------------

    def confidence(self, source_id: str, own: str | None = None) -> str:
        from calculator._policies import weakest

        level = self.ps.sources[source_id].confidence
        return weakest(level, own) if own else level

    def parameters(self, region_id: str) -> list[dict[str, Any]]:
        """The parameters in force for a region: its own and those it inherits (a child's
        parameter replaces the parent's of the same path, whole), in the nearest region."""
        from calculator._policy_checks import iter_parameters

        seen: dict[str, dict[str, Any]] = {}
        for region in self.ps.chain(region_id):
            for path, param in iter_parameters(region):
                if path not in seen:
                    seen[path] = {"path": path, "param": param, "region": region, "own": region.id == region_id}
        return sorted(seen.values(), key=lambda p: [PATH_ORDER.index(part) if part in PATH_ORDER else 99 for part in p["path"].split(".")])

    def guide(self, region_id: str) -> list[tuple[str, list[dict[str, Any]]]]:
        """Guide items by topic (in :data:`TOPICS` order): the region's own first, then what
        the regions above it say."""
        by_topic: dict[str, list[dict[str, Any]]] = {t: [] for t in TOPICS}
        for region in self.ps.chain(region_id):
            for item in region.guide:
                level = min((self.confidence(s, item.confidence) for s in item.sources), key=_conf_rank, default="unverified")
                by_topic.setdefault(item.topic, []).append({"item": item, "region": region, "own": region.id == region_id, "confidence": level})
        return [(t, items) for t, items in by_topic.items() if items]

    # -- formatting --------------------------------------------------------------------------

    def _labels(self, lang: str) -> Any:
        return _Labels(self.labels, lang)

    def path_label(self, path: str, lang: str) -> str:
        """``rules.employee.inpatient.deductible`` → ``住院 · 起付标准`` (the scheme is the
        section heading)."""
        parts = path.split(".")
        if parts[0] == "rules":
            parts = parts[2:]
        return " · ".join(self.labels["path"][p][lang] for p in parts)

    def conditions(self, row: Any, lang: str) -> str:
        from calculator._policy_model import ROW_CONDITIONS

        L = self.labels
        out = []
        for name in ROW_CONDITIONS:
            value = getattr(row, name)
            if value is None:
                continue
            if name == "code":
                proc = self.ps.catalogue.get(value)
                out.append(f"{getattr(proc.name, lang)} ({value})" if proc else value)
            else:
                out.append(L[name][value][lang])
        return "，".join(out) if lang == "zh" else ", ".join(out)

    def value(self, param: Any, row: Any, lang: str) -> str:
        L = self.labels
        if row.choice is not None:
            return L["choice"].get(row.choice, {}).get(lang, row.choice)
        if row.bands is not None:
            parts, low = [], Decimal(0)
            for band in row.bands:
                payer = f" ({L['payer']['supplementary'][lang]})" if band.payer == "supplementary" else ""
                span = f"{_num(low)}–{_num(band.up_to)}" if band.up_to is not None else f"{_num(low)} {L['word']['above'][lang]}"
                parts.append(f"{span}: {_num(band.percent)}%{payer}")
                low = band.up_to or low
            return "; ".join(parts)
        if param.unit == "percent":
            return f"{_num(row.value)}%"
        return f"{_num(row.value)} {L['word']['yuan'][lang]}"

    def stale(self, region: Any) -> bool:
        return (self.today - region.verified_on).days > STALE_DAYS

    # -- pages -------------------------------------------------------------------------------

    def pages(self, lang: str) -> Iterator[tuple[str, str]]:
        """``(path in docs/, Markdown text)`` for every page of one language."""
        common = {
            "lang": lang,
            "L": self._labels(lang),
            "site": self,
            "ps": self.ps,
            "today": self.today,
            "tree": self.tree(),
            "cn": self.ps.regions.get("cn"),
        }
        yield "index.md", self.env.get_template("home.md.j2").render(**common)
        yield "guide/dental.md", self.env.get_template("dental.md.j2").render(**common, guide=self.guide("cn") if "cn" in self.ps.regions else [])
        yield "sources.md", self.env.get_template("sources.md.j2").render(**common)
        yield "estimate.md", self.env.get_template("estimate.md.j2").render(**common, data=self.estimator_data(lang))
        for region, _depth in self.tree():
            params = self.parameters(region.id)
            yield f"regions/{region.id}.md", self.env.get_template("region.md.j2").render(
                **common,
                region=region,
                summary=self.ps.region_summary(region.id),
                chain=list(reversed(self.ps.chain(region.id))),
                params=params,
                guide=self.guide(region.id),
                children=[self.ps.regions[c] for c in self.children.get(region.id, [])],
                unverified=any(
                    self.confidence(d.source, d.confidence) == "unverified" for p in params for d in p["param"].values
                ) or any(i["confidence"] == "unverified" for _, items in self.guide(region.id) for i in items),
            )

    def estimator_data(self, lang: str) -> dict[str, Any]:
        """What the estimator page embeds so that its form works before Python has loaded:
        regions, the catalogue and the texts its JavaScript shows."""
        from calculator import catalogue, regions

        summaries = {r["id"]: r for r in regions(self.ps)}
        return {
            "lang": lang,
            "regions": [{**summaries[reg.id], "depth": depth} for reg, depth in self.tree()],  # tree order
            "catalogue": catalogue(self.ps),
            "labels": {key: {k: v[lang] if isinstance(v, dict) and lang in v else v for k, v in self.labels[key].items()} for key in ("js", "confidence", "category", "kind", "member", "scheme")},
            "runtime": {"pyodide": f"../pyodide/{PYODIDE_VERSION}/", "packages": "../packages/", "package": "yibao-calculator"},
        }


class _Labels:
    """``L.word.since`` → the text of ``site/labels.yaml`` in the page's language."""

    def __init__(self, tree: dict[str, Any], lang: str) -> None:
        self._tree, self._lang = tree, lang

    def __getattr__(self, key: str) -> Any:
        return self[key]

    def __getitem__(self, key: Any) -> Any:
        node = self._tree[key]
        if isinstance(node, dict) and self._lang in node:
            return node[self._lang]
        return _Labels(node, self._lang)


def _conf_rank(level: str) -> int:
    return ("unverified", "secondary", "official").index(level)


def _num(value: Any) -> str:
    """A Decimal as people write it: thousands separators, no trailing zeros."""
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _md_cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _html(text: Any) -> str:
    import html

    return html.escape(str(text), quote=True)


def _fragment(request: Any) -> str:
    """An estimator link's fragment: the request as URI-encoded JSON (as the page writes it)."""
    from urllib.parse import quote

    return "#" + quote(json.dumps(request, ensure_ascii=False, separators=(",", ":")), safe="")


#: How search splits text into words (both languages; see _mkdocs_config).
SEARCH_SEPARATOR = r"""[\s\u200b\u3000\-,.;:!?()\[\]"'“”‘’、。，．？！；：（）「」《》【】]+"""


def _mkdocs_config(b: Build, lang: str, nav: list[Any]) -> str:
    """The MkDocs config of one language: ``site/mkdocs.yml`` plus the per-language settings."""
    import yaml

    config = yaml.safe_load((SITE_SRC / "mkdocs.yml").read_text(encoding="utf-8"))
    root_prefix = "" if lang == LANGS[0] else "../"  # from this language's root to the site root
    config.update(
        docs_dir=str(b.work / "docs" / lang),
        site_dir=str(b.work / "mkdocs" / lang),
        nav=nav,
        strict=True,
    )
    labels = yaml.safe_load((SITE_SRC / "labels.yaml").read_text(encoding="utf-8"))
    config["site_name"] = labels["site_name"][lang]
    config["theme"].update(language=lang, custom_dir=str(SITE_SRC / "overrides"), font=False)
    config["extra"]["alternate"] = [
        {"name": name, "lang": other, "link": root_prefix + ("" if other == LANGS[0] else f"{other}/")}
        for other, name in (("zh", "中文"), ("en", "English"))
    ]
    config["extra"]["site_root"] = root_prefix
    config["extra"]["estimator_dir"] = ESTIMATOR_DIR
    # Words split on spaces and punctuation, ASCII and Chinese; jieba segments Chinese at build
    # time (U+200B between words). No stemmer or trimmer, so English words on the Chinese pages
    # match as typed.
    search = {"pipeline": ["stopWordFilter"], "separator": SEARCH_SEPARATOR}
    config["plugins"] = [{"search": search}]
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def phase_mkdocs(b: Build) -> None:
    """One MkDocs Material build per language, assembled into ``out/``: zh at the root, en in
    ``en/``; the estimator's JS and CSS are shared at ``assets/estimator/``. Keeps the runtime
    folders the wheel and pyodide phases wrote (:data:`RUNTIME_DIRS`)."""
    import logging
    import warnings

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
        warnings.simplefilter("ignore", UserWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)
    log = logging.getLogger("mkdocs")
    log.setLevel(logging.WARNING)
    if not log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("  mkdocs %(levelname)s: %(message)s"))
        log.addHandler(handler)
    for lang in LANGS:
        config = load_config(config_file=str(b.work / f"mkdocs-{lang}.yml"))
        try:
            mkdocs_build(config)
        except Abort as exc:
            raise BuildError(f"mkdocs ({lang}): {exc}") from None
    keep = {d: b.work / "keep" / d for d in RUNTIME_DIRS if (b.out / d).exists()}
    for d, tmp in keep.items():
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        (b.out / d).rename(tmp)
    shutil.rmtree(b.out, ignore_errors=True)
    shutil.copytree(b.work / "mkdocs" / LANGS[0], b.out)
    for lang in LANGS[1:]:
        shutil.copytree(b.work / "mkdocs" / lang, b.out / lang)
        (b.out / lang / "404.html").unlink(missing_ok=True)  # servers use the root 404 page
    shutil.copytree(SITE_SRC / "estimator", b.out / ESTIMATOR_DIR)
    for d, tmp in keep.items():
        (b.out / d).parent.mkdir(parents=True, exist_ok=True)
        tmp.rename(b.out / d)


def _wheel_name() -> tuple[str, str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["name"], project["version"]


def build_wheel(bundle_text: str, dest: Path) -> Path:
    """The calculator as a pure-Python wheel, written with zipfile: reproducible (fixed
    timestamps, sorted entries) and carrying the bundle this build validated."""
    import zipfile

    name, version = _wheel_name()
    dist = name.replace("-", "_")
    tag = "py3-none-any"
    files: list[tuple[str, bytes]] = []
    pkg = ROOT / "calculator"
    for path in sorted(pkg.rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if path.is_dir() or "__pycache__" in rel or path.name in WHEEL_EXCLUDE or path.suffix == ".pyc":
            continue
        if rel == "calculator/_data/bundle.json":
            continue
        files.append((rel, path.read_bytes()))
    files.append(("calculator/_data/bundle.json", bundle_text.encode("utf-8")))
    files.sort()
    info = f"{dist}-{version}.dist-info"
    files.append((f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nRequires-Python: >=3.12\n".encode()))
    files.append((f"{info}/WHEEL", f"Wheel-Version: 1.0\nGenerator: yibao-build.py\nRoot-Is-Purelib: true\nTag: {tag}\n".encode()))
    files.append((f"{info}/top_level.txt", b"calculator\n"))
    record = []
    for rel, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{rel},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    wheel = dest / f"{dist}-{version}-{tag}.whl"
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for rel, data in files:
            zi = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, data)
    return wheel


def phase_wheel(b: Build) -> None:
    """Build the calculator wheel into ``out/assets/packages/`` and the lock Pyodide reads there:
    only the packages the estimator needs, each with its sha256 (pyodide_lock, offline)."""
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec

    dest = b.out / PACKAGES_DIR
    shutil.rmtree(dest, ignore_errors=True)
    wheel = build_wheel(b.bundle_file.read_text(encoding="utf-8"), dest)
    core_lock = json.loads(_pyodide_member("pyodide-lock.json"))
    spec = PyodideLockSpec.from_dict({"info": core_lock["info"], "packages": {}})
    spec = add_wheels_to_spec(spec, [wheel], base_path=dest)
    lock = spec.to_dict()
    _write(dest / "pyodide-lock.json", json.dumps(lock, indent=2, sort_keys=True) + "\n")
    print(f"  {wheel.name} ({wheel.stat().st_size:,} bytes), lock with {len(lock['packages'])} package(s)")


def _pyodide_tarball() -> Path:
    """The npm tarball of the pinned Pyodide, from the cache or ``npm pack`` (then cached).
    Its sha512 must equal :data:`PYODIDE_INTEGRITY`, or the build stops."""
    tarball = CACHE / "npm" / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.exists():
        tarball.parent.mkdir(parents=True, exist_ok=True)
        print(f"  fetching pyodide@{PYODIDE_VERSION} with npm pack into {tarball.parent}", flush=True)
        subprocess.run(["npm", "pack", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", str(tarball.parent)], check=True, capture_output=True)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != PYODIDE_INTEGRITY:
        bad = tarball.with_suffix(".tgz.bad")
        tarball.rename(bad)
        raise BuildError(f"{tarball}: integrity {digest} != pinned {PYODIDE_INTEGRITY} (moved to {bad.name})")
    return tarball


def _pyodide_member(name: str) -> bytes:
    import tarfile

    with tarfile.open(_pyodide_tarball()) as tf:
        member = tf.extractfile(f"package/{name}")
        if member is None:
            raise BuildError(f"pyodide@{PYODIDE_VERSION}: no {name} in the npm package")
        return member.read()


def phase_pyodide(b: Build) -> None:
    """Copy the pinned Pyodide core (:data:`PYODIDE_FILES` only) to ``out/assets/pyodide/<ver>/``,
    with a ``SHA256SUMS`` the check phase verifies."""
    import tarfile

    dest = b.out / PYODIDE_DIR
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    sums = []
    with tarfile.open(_pyodide_tarball()) as tf:
        for name in PYODIDE_FILES:
            member = tf.extractfile(f"package/{name}")
            assert member is not None, name
            data = member.read()
            (dest / name).write_bytes(data)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
    _write(dest / "SHA256SUMS", "\n".join(sums) + "\n")
    print(f"  pyodide {PYODIDE_VERSION}: {sum((dest / n).stat().st_size for n in PYODIDE_FILES):,} bytes")


# --------------------------------------------------------------------------------------------
# check-output: the output must be self-contained, complete and consistent
# --------------------------------------------------------------------------------------------

#: First-party and Pyodide JavaScript may not name any absolute URL, except these inert strings
#: (never fetched by this site), each with the reason. A new one fails the check until reviewed.
JS_URL_ALLOWLIST: dict[str, dict[str, str]] = {
    "pyodide.mjs": {
        "https://cdn.jsdelivr.net/pyodide/v": "Pyodide's default cdnUrl; unused: the worker passes packageBaseUrl",
    },
    "pyodide.asm.mjs": {
        "https://${t}": "Emscripten socket shim (Node only); the estimator opens no sockets",
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


def _read_page(path: Path) -> Any:
    """What check-output needs from one HTML file: ``loads`` (what, URL) the browser fetches by
    itself, ``links`` (``<a href>`` and ``<link>`` that are not fetched), ``ids`` (anchors)."""
    from html.parser import HTMLParser

    class Page(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.path = path
            self.loads: list[tuple[str, str]] = []
            self.links: list[str] = []
            self.ids: set[str] = set()

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = {k: v or "" for k, v in attrs}
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
    for block in re.findall(r"<style[^>]*>(.*?)</style>", text, re.S | re.I):
        for m in _CSS_URL.finditer(block):
            page.loads.append(("<style> url()", m.group(1) or m.group(2)))
    return page


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


def _resolve(out: Path, page: Path, url: str) -> tuple[Path | None, str]:
    """The file an internal URL points to (``None`` if it points outside ``out``), and its
    fragment. Root-absolute URLs (only in 404.html) resolve against ``out``."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    base = out if path.startswith("/") else page.parent
    target = (base / path.lstrip("/")).resolve()
    if not str(target).startswith(str(out)):
        return None, parts.fragment
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def check_output(out: Path) -> list[str]:
    """Every problem in the built site, as messages naming the file (empty list: all good)."""
    problems: list[str] = []
    out = out.resolve()

    def rel(p: Path) -> str:
        return p.relative_to(out).as_posix()

    pages = {p: _read_page(p) for p in sorted(out.rglob("*.html"))}
    # 1. Nothing the browser loads by itself may come from another origin; internal targets exist.
    for page in pages.values():
        for what, url in page.loads:
            if _offsite(url):
                problems.append(f"{rel(page.path)}: {what} loads an off-site URL: {url}")
            elif not url.startswith(("data:", "blob:", "#")):
                target, _ = _resolve(out, page.path, url)
                if target is None or not target.exists():
                    problems.append(f"{rel(page.path)}: {what} points to a missing file: {url}")
        for url in page.links:
            if _offsite(url) or url.startswith(("mailto:", "tel:", "data:", "javascript:")):
                continue
            target, fragment = _resolve(out, page.path, url)
            if target is None or not target.exists():
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
    # 2. The runtime: Pyodide files as pinned, every wheel as its lock says.
    problems += _check_runtime(out)
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
    problems = []
    core = out / PYODIDE_DIR
    sums = core / "SHA256SUMS"
    if not sums.exists():
        return [f"{PYODIDE_DIR}: missing (run the pyodide phase)"]
    for line in sums.read_text().splitlines():
        digest, name = line.split("  ", 1)
        path = core / name
        if not path.exists() or _sha256(path) != digest:
            problems.append(f"{PYODIDE_DIR}/{name}: missing or not the pinned file")
    lock_path = out / PACKAGES_DIR / "pyodide-lock.json"
    if not lock_path.exists():
        return problems + [f"{PACKAGES_DIR}/pyodide-lock.json: missing (run the wheel phase)"]
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    for name, package in lock["packages"].items():
        path = lock_path.parent / package["file_name"]
        if _offsite(package["file_name"]) or not path.exists():
            problems.append(f"{PACKAGES_DIR}/pyodide-lock.json: {name}: {package['file_name']} is not in the site")
        elif _sha256(path) != package["sha256"]:
            problems.append(f"{PACKAGES_DIR}/{package['file_name']}: sha256 {_sha256(path)} differs from the lock's {package['sha256']}")
    return problems


def phase_check_output(b: Build) -> None:
    """Fail the build on anything wrong in the output:

    - a URL the browser loads by itself (``src``, ``<link href>``, CSS ``url()``, URLs in
      JavaScript, JSON data) pointing off the site; plain ``<a href>`` to sources is fine;
    - a broken internal link or anchor; a file a page loads that does not exist;
    - a Pyodide file that is not the pinned one; a wheel whose sha256 differs from the lock;
    - a page present in one language and missing in another.
    """
    problems = check_output(b.out)
    if problems:
        raise BuildError(f"check-output: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    files = [p for p in b.out.rglob("*") if p.is_file()]
    print(f"  {len(files)} files, {sum(p.stat().st_size for p in files):,} bytes, no problems")


PHASES: dict[str, Callable[[Build], None]] = {
    "policies": phase_policies,
    "guides": phase_guides,
    "mkdocs": phase_mkdocs,
    "wheel": phase_wheel,
    "pyodide": phase_pyodide,
    "check-output": phase_check_output,
}


def run_phases(b: Build, names: Iterable[str]) -> float:
    """Run the named phases in pipeline order; print each one's time; return the total."""
    wanted = set(names)
    start = time.perf_counter()
    for name, phase in PHASES.items():
        if name in wanted:
            t = time.perf_counter()
            print(f"[{name}]", flush=True)
            phase(b)
            print(f"  {time.perf_counter() - t:.2f} s", flush=True)
    total = time.perf_counter() - start
    print(f"built {b.out} in {total:.1f} s", flush=True)
    return total


# --------------------------------------------------------------------------------------------
# Commands: check (policy summary), serve, test
# --------------------------------------------------------------------------------------------


def policy_summary(bundle: Any, today: date) -> str:
    """Regions, parameters, counts by (effective) confidence, and what is older than
    :data:`STALE_DAYS`: regions not verified since, and dated values in force since (most
    parameters are revised yearly, so an old value is worth re-checking)."""
    from calculator._policies import PolicySet, weakest
    from calculator._policy_checks import iter_parameters

    ps = PolicySet(bundle)
    lines = [f"{len(ps.regions)} regions, {len(ps.shared_sources)} shared sources, {len(ps.catalogue)} dental procedures", ""]
    lines.append(f"{'region':<11} {'parent':<10} {'params':>6} {'values':>6}  official secondary unverified  verified_on")
    totals = {"official": 0, "secondary": 0, "unverified": 0}
    stale_regions, old_values = [], []
    for region_id in sorted(ps.regions):
        region = ps.regions[region_id]
        counts = dict.fromkeys(totals, 0)
        params = list(iter_parameters(region))
        values = 0
        for path, param in params:
            for dated in param.values:
                values += 1
                counts[weakest(ps.sources[dated.source].confidence, dated.confidence or "official")] += 1
                if (today - dated.since).days > STALE_DAYS and dated is param.values[-1]:
                    old_values.append(f"{region_id}.{path} (since {dated.since})")
        for key in totals:
            totals[key] += counts[key]
        if (today - region.verified_on).days > STALE_DAYS:
            stale_regions.append(f"{region_id} ({region.verified_on})")
        lines.append(
            f"{region_id:<11} {region.parent or '-':<10} {len(params):>6} {values:>6}  {counts['official']:>8} {counts['secondary']:>9} {counts['unverified']:>10}  {region.verified_on}"
        )
    lines.append("")
    lines.append(f"values by confidence: official {totals['official']}, secondary {totals['secondary']}, unverified {totals['unverified']}")
    lines.append(f"regions verified more than 12 months ago: {', '.join(stale_regions) or 'none'}")
    lines.append(f"parameters whose value in force took effect more than 12 months ago: {len(old_values)}")
    lines += [f"  {v}" for v in old_values]
    return "\n".join(lines)


def command_check(b: Build) -> None:
    """Validate the policies (rewriting the bundle and schemas) and print the summary."""
    phase_policies(b)
    from calculator.policy_files import load_policies

    print(policy_summary(load_policies(b.policy_dir), b.today))


def make_server(directory: Path, port: int = 0) -> Any:
    """An HTTP server for ``directory`` on 127.0.0.1 (``.mjs`` and ``.wasm`` with the types
    browsers require), not yet serving; the tests use it too."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".whl": "application/zip"}

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser cancelling a download
                super().handle_error(request, client_address)

    return Server(("127.0.0.1", port), functools.partial(Handler, directory=str(directory)))


def serve(directory: Path, port: int, *, explicit_port: bool) -> None:
    """Serve ``directory`` on 127.0.0.1 until Ctrl-C; without ``--port`` the next free port
    from 8000 up."""
    error: OSError | None = None
    for candidate in [port] if explicit_port else range(port, port + 20):
        try:
            server = make_server(directory, candidate)
            break
        except OSError as exc:
            error = exc
    else:
        raise SystemExit(f"build.py serve: cannot listen on 127.0.0.1:{port} ({error})")
    print(f"Serving {directory} at http://127.0.0.1:{server.server_address[1]}/  (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def _arguments(command: str, rest: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"build.py {command}")
    parser.add_argument("--out", type=Path, help="output directory (default: public/)")
    parser.add_argument("--policies", type=Path, help="policy directory (default: policies/)")
    if command == "serve":
        parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: 8000 or the next free one)")
        parser.add_argument("--no-build", action="store_true", help="serve the existing output")
    if command in PHASES:
        parser.add_argument("phases", nargs="*", choices=list(PHASES), help="more phases to run")
    return parser.parse_args(rest)


def main(argv: list[str]) -> int:
    """``build.py [COMMAND] [ARGS]``: see the module docstring."""
    command, rest = (argv[0], argv[1:]) if argv and not argv[0].startswith("-") else ("build", argv)
    known = ["build", "serve", "test", "check", *PHASES]
    if command not in known:
        print(f"build.py: unknown command {command!r}; use one of: {', '.join(known)}", file=sys.stderr)
        return 2
    if os.environ.get("YIBAO_NO_BOOTSTRAP") != "1":
        ensure_environment(command)  # re-runs this script in .venv unless already there
    try:
        if command == "test":  # policies first, so the committed bundle and schemas are current
            command_check(Build.create())
            return subprocess.call([sys.executable, "-m", "pytest", *rest], cwd=ROOT)
        args = _arguments(command, rest)
        b = Build.create(args.out, args.policies)
        if command == "check":
            command_check(b)
        elif command in ("build", "serve"):
            if not getattr(args, "no_build", False):
                run_phases(b, PHASES)
            if command == "serve":
                serve(b.out, args.port or 8000, explicit_port=args.port is not None)
        else:
            run_phases(b, [command, *args.phases])
    except BuildError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        from calculator import YibaoError  # a PolicyError names file, field and value: no traceback

        if isinstance(exc, YibaoError):
            print(f"build.py: {exc}", file=sys.stderr)
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
