"""Python sources compiled to ``.pyc`` by Pyodide's own CPython (run under Node by
``pyc_compile.mjs``), so the browser imports bytecode instead of compiling the sources on every
start (most of a cold start is that compiling: ``/work/shared/notes/browser-runtime.md``).

The pycs are unchecked hash-based (PEP 552): no timestamp, and the interpreter never looks for
the source, so the same sources give the same bytes (the build stays reproducible). Results are
cached in ``CACHE/pyc/`` under a key made of every input (the pinned Pyodide, the compiler script,
each source's name and sha256), so a rebuild with unchanged sources starts no Node at all."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from .context import CACHE, PYODIDE_INTEGRITY, BuildError

COMPILER = Path(__file__).with_name("pyc_compile.mjs")


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for name in sorted(files):
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), files[name])
    return buffer.getvalue()


def cache_key(sources: dict[str, bytes], mode: str) -> str:
    """sha256 over every input of the compilation."""
    h = hashlib.sha256()
    h.update(f"{PYODIDE_INTEGRITY}\0{mode}\0".encode())
    h.update(COMPILER.read_bytes())
    for name in sorted(sources):
        h.update(f"\n{name}\0{hashlib.sha256(sources[name]).hexdigest()}".encode())
    return h.hexdigest()


def precompile(sources: dict[str, bytes], mode: str = "full") -> dict[str, bytes]:
    """``{"/path/as/imported/mod.py": source}`` → ``{"/path/as/imported/mod.pyc": pyc}``, compiled
    by the pinned Pyodide's CPython. Names are the paths the interpreter imports from: they end
    up in tracebacks (``co_filename``). ``mode``: ``"full"`` (as CPython compiles by default),
    ``"lines"`` (no column table) or ``"lean"`` (``-OO`` and one line per code object): see
    ``pyc_compile.mjs``."""
    from .pyodide_runtime import pyodide_package_dir

    cached = CACHE / "pyc" / f"{cache_key(sources, mode)}.zip"
    if not cached.exists():
        node = shutil.which("node")
        if node is None:
            raise BuildError("precompiling Python needs Node.js (`node`) to run Pyodide's CPython")
        with tempfile.TemporaryDirectory() as tmp:
            src, out = Path(tmp) / "in.zip", Path(tmp) / "out.zip"
            src.write_bytes(_zip(sources))
            proc = subprocess.run([node, str(COMPILER), f"{pyodide_package_dir()}/", mode, str(src), str(out)], capture_output=True, text=True, timeout=600)
            if proc.returncode != 0:
                raise BuildError(f"pyc_compile.mjs failed:\n{proc.stdout}\n{proc.stderr}")
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f"{cached.name}.{os.getpid()}.part")  # one per writer: builds share this cache
            shutil.copyfile(out, partial)
            partial.replace(cached)
    with zipfile.ZipFile(cached) as zf:
        pycs = {name: zf.read(name) for name in zf.namelist()}
    expected = {name[:-3] + ".pyc" for name in sources}
    if set(pycs) != expected:
        raise BuildError(f"{cached}: holds {sorted(set(pycs) ^ expected)[:5]}… unlike its sources; delete it")
    return pycs
