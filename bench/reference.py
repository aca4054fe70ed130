"""The reference page: the same pinned Pyodide core files as shipped (full stdlib, not
precompiled), with their precompressed siblings, loaded by a plain ``loadPyodide()`` in a module
worker and nothing else; the page records when Python is ready. Its figures are what any site
using this Pyodide pays; the estimator's are shown as ratios to them. The floor is the part no
Pyodide site can avoid: the wasm and its loaders, brotli-compressed."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import ROOT

PAGE = """<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>reference</title>
<script type="module">
const worker = new Worker(new URL("reference-worker.js", import.meta.url), {type: "module"});
worker.onmessage = () => { window.__readyMs = performance.now(); document.body.dataset.ready = "1"; };
</script><body>"""
WORKER = """const indexURL = new URL("pyodide/", self.location.href).href;
const { loadPyodide } = await import(indexURL + "pyodide.mjs");
await loadPyodide({ indexURL });
self.postMessage("ready");"""
#: The pinned core files the reference loads (plain loadPyodide reads the lock file too).
FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
#: The files every Pyodide site must send: the floor of bytes.
FLOOR_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")


def write_reference(dest: Path) -> int:
    """Write the reference page into ``dest`` (with compressed siblings, as the site's); return
    the floor: bytes of :data:`FLOOR_FILES` brotli-compressed."""
    sys.path.insert(0, str(ROOT / "site"))
    from builder.compress import _compress_file
    from builder.pyodide_runtime import pyodide_package_dir

    source = pyodide_package_dir()
    (dest / "pyodide").mkdir(parents=True, exist_ok=True)
    for name in FILES:
        target = dest / "pyodide" / name
        target.write_bytes((source / name).read_bytes())
        _compress_file(target)
    (dest / "index.html").write_text(PAGE, encoding="utf-8")
    (dest / "reference-worker.js").write_text(WORKER, encoding="utf-8")
    return sum((dest / "pyodide" / f"{name}.br").stat().st_size for name in FLOOR_FILES)
