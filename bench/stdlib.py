"""Which stdlib files the estimator imports in the browser, measured (``python -m bench stdlib``).

A page runs what the estimator's worker runs, with the full stdlib of the pinned Pyodide:
``loadPyodide`` with the site's lock, ``loadPackage`` of the calculator wheel, ``import
calculator``, ``regions()``; then every scenario of ``tests/scenarios/`` (errors included), a
request that is not JSON, and a Python exception that crosses into JavaScript (Pyodide formats
its traceback). Every module then in ``sys.modules`` whose file is in ``python_stdlib.zip``,
plus the parent packages' ``__init__.py``, is written to ``site/builder/stdlib_modules.txt``;
the build ships only those (``site/builder/pyodide_runtime.py``).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from .common import ROOT, chromium, scenario_requests

PAGE = """<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>stdlib</title>
<script type="module">
const worker = new Worker(new URL("measure-worker.js", import.meta.url), {type: "module"});
worker.onmessage = ({data}) => { window.measured = data; };
fetch("requests.json").then(r => r.text()).then(text => worker.postMessage(text));
</script>"""

WORKER = """
self.onmessage = async ({ data: requestsText }) => {
  try {
    const indexURL = new URL("pyodide/", self.location.href).href;
    const packages = new URL("packages/", self.location.href).href;
    const { loadPyodide } = await import(indexURL + "pyodide.mjs");
    const pyodide = await loadPyodide({ indexURL, lockFileURL: packages + "pyodide-lock.json", packageBaseUrl: packages });
    const failures = [];
    await pyodide.loadPackage(["yibao-calculator"], { messageCallback: () => {}, errorCallback: (t) => failures.push(t) });
    if (failures.length) throw new Error(failures.join("; "));
    const calculator = pyodide.pyimport("calculator");
    calculator.regions().destroy();
    for (const request of JSON.parse(requestsText)) calculator.estimate_json(JSON.stringify(request));
    calculator.estimate_json("not json");
    calculator.estimate_json("[1, 2]");
    try { pyodide.runPython("import calculator\\ncalculator.estimate_json(None)"); } catch (error) { String(error); }
    try { pyodide.runPython("raise ValueError('measuring the traceback path')"); } catch (error) { String(error); }
    const files = pyodide.runPython(`
import sys
prefix = next(p for p in sys.path if p.endswith(".zip")) + "/"
found = set()
for module in list(sys.modules.values()):
    origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
    if origin.startswith(prefix):
        found.add(origin[len(prefix):])
sorted(found)
`).toJs();
    self.postMessage({ files });
  } catch (error) {
    self.postMessage({ error: String(error && error.stack || error) });
  }
};
"""


#: Imported during start-up, but only inside ``try: import X / except ImportError``: without
#: them the importer carries on with the feature off (checked in pinned Pyodide's sources).
#: The estimator never uses them, so they are not shipped (~20 KB compressed, and less to run).
OPTIONAL_NOT_SHIPPED = {
    "bz2.py": "shutil, zipfile: bzip2 archives (_BZ2_SUPPORTED = False)",
    "lzma.py": "shutil, zipfile: xz archives (_LZMA_SUPPORTED = False)",
    "compression/": "shutil, zipfile: zstd archives (from compression import zstd)",
    "ssl.py": "asyncio.base_events, sslproto, selector_events: TLS sockets (ssl = None)",
    "_ssl.py": "imported only by ssl.py",
}


def shipped(files: list[str]) -> list[str]:
    """The measured files minus :data:`OPTIONAL_NOT_SHIPPED`."""
    return [f for f in files if not any(f == k or (k.endswith("/") and f.startswith(k)) for k in OPTIONAL_NOT_SHIPPED)]


def with_parent_packages(files: list[str]) -> list[str]:
    """The files plus every enclosing package's ``__init__.py`` (a submodule needs its parents)."""
    out = set(files)
    for name in files:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            out.add("/".join(parts[:i]) + "/__init__.py")
    return sorted(out)


def measure() -> list[str]:
    """The stdlib files the estimator imports, measured in headless Chromium."""
    sys.path.insert(0, str(ROOT / "site"))
    from builder.pyodide_runtime import pyodide_package_dir
    from builder.serve import make_server
    from builder.wheel import build_wheel
    import threading

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "pyodide").symlink_to(pyodide_package_dir(), target_is_directory=True)
        packages = root / "packages"
        _lock_for_source_wheel(packages, build_wheel)
        (root / "index.html").write_text(PAGE, encoding="utf-8")
        (root / "measure-worker.js").write_text(WORKER, encoding="utf-8")
        (root / "requests.json").write_text(json.dumps(scenario_requests(), ensure_ascii=False), encoding="utf-8")
        server = make_server(root, 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with chromium() as browser:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
                page.wait_for_function("() => window.measured", timeout=180_000)
                result: dict[str, Any] = page.evaluate("window.measured")
        finally:
            server.shutdown()
            server.server_close()
    if "error" in result:
        raise SystemExit(f"bench stdlib: the measuring page failed: {result['error']}")
    return shipped(with_parent_packages([f for f in result["files"] if f.endswith(".py")]))


def _lock_for_source_wheel(packages: Path, build_wheel: Any) -> None:
    """A lock listing the calculator as a source wheel (what it imports does not depend on
    whether it is compiled), built the way the wheel phase builds it."""
    from builder.wheel import write_lock

    bundle = (ROOT / "calculator" / "_data" / "bundle.json").read_text(encoding="utf-8")
    wheel = build_wheel(bundle, packages, compiled=False)
    write_lock(wheel, packages)


def write_list(files: list[str]) -> Path:
    sys.path.insert(0, str(ROOT / "site"))
    from builder.pyodide_runtime import STDLIB_MODULES

    header = [
        "# The stdlib files (paths inside Pyodide's python_stdlib.zip) the estimator imports in the",
        "# browser: Pyodide's own bootstrap, loadPackage, the calculator over every scenario in",
        "# tests/scenarios/, bad input and a Python exception crossing into JavaScript.",
        "# Measured in headless Chromium by `python -m bench stdlib`, which rewrites this file.",
        "# The build ships only these, precompiled (site/builder/pyodide_runtime.py). Measured but",
        "# left out: optional imports (inside try/except ImportError) the estimator never uses:",
        *(f"#   {name}  ({why})" for name, why in OPTIONAL_NOT_SHIPPED.items()),
    ]
    STDLIB_MODULES.write_text("\n".join(header + files) + "\n", encoding="utf-8")
    return STDLIB_MODULES


def main(args: list[str]) -> int:
    files = measure()
    path = write_list(files)
    print(f"{len(files)} stdlib files imported by the estimator → {path.relative_to(ROOT)}")
    return 0
