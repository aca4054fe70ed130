"""The ``pyodide`` phase: the Pyodide core pinned to one npm release (sha512 checked), fetched
once with ``npm pack`` into the cache, copied into the output with a smaller, precompiled
standard library.

Three of the core files are copied as they are. The fourth, ``python_stdlib.zip``, is derived
from the pinned one: only the modules the estimator imports in the browser
(``stdlib_modules.txt``, measured by ``python -m bench stdlib``), compiled to lean ``.pyc`` (as
``-OO``, one line per function: ``pyc_compile.mjs``) by Pyodide's own CPython (:mod:`.pyc`),
stored uncompressed (the server's brotli/gzip siblings
then compress the bytecode as a whole: far smaller than a zip of deflated entries). The
derivation is deterministic, so ``check-output`` recomputes what each file must be from the
pinned tarball and refuses any other bytes (:func:`expected_runtime`)."""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import zipfile
from functools import lru_cache
from pathlib import Path

from .context import CACHE, PYODIDE_DIR, PYODIDE_FILES, PYODIDE_INTEGRITY, PYODIDE_VERSION, Build, BuildError, write

#: The stdlib files the estimator needs in the browser, one path inside ``python_stdlib.zip`` a
#: line (``#`` comments). Rewritten by ``python -m bench stdlib`` (which measures them).
STDLIB_MODULES = Path(__file__).with_name("stdlib_modules.txt")
#: Where Pyodide's CPython imports the stdlib zip from (``sys.path[0]``): the pycs' file names.
STDLIB_ZIP_PATH = "/lib/python314.zip"


def pyodide_tarball() -> Path:
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


def pyodide_member(name: str) -> bytes:
    import tarfile

    with tarfile.open(pyodide_tarball()) as tf:
        member = tf.extractfile(f"package/{name}")
        if member is None:
            raise BuildError(f"pyodide@{PYODIDE_VERSION}: no {name} in the npm package")
        return member.read()


def pyodide_package_dir() -> Path:
    """The pinned npm package unpacked in the cache (for running Pyodide under Node at build
    time, and for the benchmark's reference page). Unpacked again if any file differs."""
    import tarfile

    dest = CACHE / f"pyodide-{PYODIDE_VERSION}"
    with tarfile.open(pyodide_tarball()) as tf:
        members = [m for m in tf.getmembers() if m.isfile() and m.name.startswith("package/")]
        stamp = dest / ".unpacked"
        if stamp.exists() and stamp.read_text() == PYODIDE_INTEGRITY:
            return dest
        shutil.rmtree(dest, ignore_errors=True)
        for m in members:
            data = tf.extractfile(m)
            assert data is not None
            write(dest / m.name.removeprefix("package/"), data.read())
    (dest / ".unpacked").write_text(PYODIDE_INTEGRITY)
    return dest


def stdlib_module_list() -> list[str]:
    """The measured list of stdlib files (paths inside the zip), sorted."""
    lines = STDLIB_MODULES.read_text(encoding="utf-8").splitlines()
    return sorted({line.strip() for line in lines if line.strip() and not line.startswith("#")})


def trimmed_stdlib(modules: list[str] | None = None) -> bytes:
    """``python_stdlib.zip`` with only ``modules`` (default :func:`stdlib_module_list`), each
    ``.py`` as a lean unchecked hash-based ``.pyc`` from Pyodide's own CPython, entries sorted,
    stored, fixed dates: the same inputs give the same bytes."""
    from .pyc import precompile

    wanted = stdlib_module_list() if modules is None else sorted(modules)
    with zipfile.ZipFile(io.BytesIO(pyodide_member("python_stdlib.zip"))) as zf:
        present = set(zf.namelist())
        missing = [m for m in wanted if m not in present]
        if missing:
            raise BuildError(f"{STDLIB_MODULES.name}: not in pyodide@{PYODIDE_VERSION}'s python_stdlib.zip: {', '.join(missing[:10])}")
        sources = {f"{STDLIB_ZIP_PATH}/{m}": zf.read(m) for m in wanted if m.endswith(".py")}
        others = {m: zf.read(m) for m in wanted if not m.endswith(".py")}
    files = {name.removeprefix(STDLIB_ZIP_PATH + "/"): data for name, data in precompile(sources, "lean").items()}
    files.update(others)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            out.writestr(info, files[name])
    return buffer.getvalue()


@lru_cache(maxsize=1)
def expected_runtime() -> dict[str, str]:
    """sha256 of every runtime file as the pinned tarball and the recipe make it: the three
    core files as published, ``python_stdlib.zip`` as :func:`trimmed_stdlib` derives it."""
    sums = {name: hashlib.sha256(runtime_file(name)).hexdigest() for name in PYODIDE_FILES}
    return sums


def runtime_file(name: str) -> bytes:
    """One runtime file's bytes: as published, or derived (``python_stdlib.zip``)."""
    return trimmed_stdlib() if name == "python_stdlib.zip" else pyodide_member(name)


def runtime_paths() -> dict[str, str]:
    """Where the estimator's worker finds its runtime, relative to the site root: the estimator
    pages' inline start-up script (``site/overrides/estimate.html``) starts the worker with
    them before the rest of the page has loaded."""
    from .context import PACKAGES_DIR

    return {"pyodide": f"{PYODIDE_DIR}/", "packages": f"{PACKAGES_DIR}/", "package": "yibao-calculator"}


def runtime_preload() -> list[str]:
    """The files the estimator pages' start-up script preloads on a first visit (root-relative):
    the wheel, which the worker asks for only once Python has started. Not the wasm, the stdlib
    or the lock: the worker downloads those itself as it starts (worker.js), and a preload of
    the 9.6 MB wasm was a second download where the HTTP cache cannot hold it."""
    from .context import PACKAGES_DIR
    from .wheel import wheel_file_name

    return [f"{PACKAGES_DIR}/{wheel_file_name()}"]


def phase_pyodide(b: Build) -> None:
    """Write the runtime (:data:`PYODIDE_FILES`) to ``out/assets/pyodide/<ver>/``, with a
    ``SHA256SUMS`` for people; ``check-output`` verifies against :func:`expected_runtime`."""
    dest = b.out / PYODIDE_DIR
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    sums = []
    for name in PYODIDE_FILES:
        data = runtime_file(name)
        (dest / name).write_bytes(data)
        sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
    write(dest / "SHA256SUMS", "\n".join(sums) + "\n")
    stdlib = len(stdlib_module_list())
    print(f"  pyodide {PYODIDE_VERSION}: {sum((dest / n).stat().st_size for n in PYODIDE_FILES):,} bytes (stdlib: {stdlib} files, precompiled)")
