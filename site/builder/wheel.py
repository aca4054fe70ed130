"""The ``wheel`` phase: the calculator as a reproducible pure-Python wheel (carrying the bundle
this build validated) and the minimal ``pyodide-lock.json`` that lists only it."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path

from .context import PACKAGES_DIR, ROOT, WHEEL_EXCLUDE, Build, write
from .pyodide_runtime import pyodide_member

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
    core_lock = json.loads(pyodide_member("pyodide-lock.json"))
    spec = PyodideLockSpec.from_dict({"info": core_lock["info"], "packages": {}})
    spec = add_wheels_to_spec(spec, [wheel], base_path=dest)
    lock = spec.to_dict()
    write(dest / "pyodide-lock.json", json.dumps(lock, indent=2, sort_keys=True) + "\n")
    print(f"  {wheel.name} ({wheel.stat().st_size:,} bytes), lock with {len(lock['packages'])} package(s)")

