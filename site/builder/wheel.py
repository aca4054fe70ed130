"""The ``wheel`` phase: the calculator as a reproducible wheel (carrying the bundle this build
validated) and the minimal ``pyodide-lock.json`` that lists only it.

The browser's wheel holds bytecode, not sources: each module compiled to an unchecked
hash-based ``.pyc`` by Pyodide's own CPython (:mod:`.pyc`; lines without columns in the
location tables, ``pyc_compile.mjs``), imported sourceless from
site-packages, and the wheel is stored uncompressed (the server's brotli/gzip sibling compresses
it as a whole). Only Pyodide's CPython 3.14 can read it; its tag stays ``py3-none-any`` because
pyodide-lock 0.2.1 refuses ``cp314-none-any`` (it expects an emscripten platform tag)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

from .context import PACKAGES_DIR, ROOT, WHEEL_EXCLUDE, Build, write
from .pyodide_runtime import pyodide_member

def _wheel_name() -> tuple[str, str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["name"], project["version"]


def wheel_file_name() -> str:
    """The calculator wheel's file name (the same in every build of this version)."""
    name, version = _wheel_name()
    return f"{name.replace('-', '_')}-{version}-py3-none-any.whl"


#: Where Pyodide installs wheels: the pycs' file names (``co_filename``, shown in tracebacks).
SITE_PACKAGES = "/lib/python3.14/site-packages"


#: Keys whose prose the engine never reads (notes, what research did not find): the browser's
#: copy of the bundle leaves them out (about 50 KB of brotli on a first visit).
PROSE_KEYS = frozenset({"note", "research"})


def runtime_bundle(bundle_text: str) -> str:
    """The validated bundle without :data:`PROSE_KEYS`, in the same reproducible JSON form."""

    def strip(node: object) -> object:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in PROSE_KEYS}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return json.dumps(strip(json.loads(bundle_text)), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def build_wheel(bundle_text: str, dest: Path, *, compiled: bool = True) -> Path:
    """The calculator as a wheel, written with zipfile: reproducible (fixed timestamps, sorted
    entries, stored) and carrying the bundle this build validated. ``compiled``: modules as
    ``.pyc`` for Pyodide's CPython 3.14 (the browser's wheel); otherwise the ``.py`` sources."""

    from .pyc import precompile

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
    files.append(("calculator/_data/bundle.json", runtime_bundle(bundle_text).encode("utf-8")))
    if compiled:
        sources = {f"{SITE_PACKAGES}/{rel}": data for rel, data in files if rel.endswith(".py")}
        pycs = {n.removeprefix(SITE_PACKAGES + "/"): data for n, data in precompile(sources, "lines").items()}
        files = [(rel, data) for rel, data in files if not rel.endswith(".py")] + sorted(pycs.items())
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
    wheel = dest / wheel_file_name()
    dest.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_STORED) as zf:
        for rel, data in files:
            zi = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_STORED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, data)
    return wheel


def write_lock(wheel: Path, dest: Path) -> dict:
    """Write ``dest/pyodide-lock.json`` listing only ``wheel`` with its sha256 (pyodide_lock,
    offline; the ``info`` is the pinned Pyodide's)."""
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec

    core_lock = json.loads(pyodide_member("pyodide-lock.json"))
    spec = PyodideLockSpec.from_dict({"info": core_lock["info"], "packages": {}})
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):  # it warns that it found no .py to name the imports
        spec = add_wheels_to_spec(spec, [wheel], base_path=dest)
    lock = spec.to_dict()
    with zipfile.ZipFile(wheel) as zf:  # the imports, from top_level.txt (the modules are .pyc)
        top_level = next(n for n in zf.namelist() if n.endswith(".dist-info/top_level.txt"))
        imports = zf.read(top_level).decode().split()
    for package in lock["packages"].values():
        package["imports"] = package["imports"] or imports
    write(dest / "pyodide-lock.json", json.dumps(lock, indent=2, sort_keys=True) + "\n")
    return lock


def phase_wheel(b: Build) -> None:
    """Build the calculator wheel into ``out/assets/packages/`` and the lock Pyodide reads there:
    only the packages the estimator needs, each with its sha256."""
    dest = b.out / PACKAGES_DIR
    shutil.rmtree(dest, ignore_errors=True)
    wheel = build_wheel(b.bundle_file.read_text(encoding="utf-8"), dest)
    lock = write_lock(wheel, dest)
    print(f"  {wheel.name} ({wheel.stat().st_size:,} bytes), lock with {len(lock['packages'])} package(s)")
