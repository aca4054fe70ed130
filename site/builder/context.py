"""What every build phase shares: where things are, the pinned runtime, and :class:`Build`
(where one build reads and writes). Standard library only: ``build.py`` imports this on a bare
``python3`` before it has made its environment."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE_SRC = ROOT / "site"
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

#: Modules of calculator/ that the browser never imports: the YAML loader (PyYAML, pydantic)
#: and the command line (argparse, which the browser's trimmed stdlib does not ship).
WHEEL_EXCLUDE = ("policy_files.py", "_cli.py", "__main__.py")


#: A value or region not verified for this many days gets a staleness warning.
STALE_DAYS = 365


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


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
