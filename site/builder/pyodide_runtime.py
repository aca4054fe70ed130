"""The ``pyodide`` phase: the Pyodide core pinned to one npm release (sha512 checked), fetched
once with ``npm pack`` into the cache and copied into the output."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
from pathlib import Path

from .context import CACHE, PYODIDE_DIR, PYODIDE_FILES, PYODIDE_INTEGRITY, PYODIDE_VERSION, Build, BuildError, write

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


def phase_pyodide(b: Build) -> None:
    """Copy the pinned Pyodide core (:data:`PYODIDE_FILES` only) to ``out/assets/pyodide/<ver>/``,
    with a ``SHA256SUMS`` the check phase verifies."""
    import tarfile

    dest = b.out / PYODIDE_DIR
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    sums = []
    with tarfile.open(pyodide_tarball()) as tf:
        for name in PYODIDE_FILES:
            member = tf.extractfile(f"package/{name}")
            assert member is not None, name
            data = member.read()
            (dest / name).write_bytes(data)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {name}")
    write(dest / "SHA256SUMS", "\n".join(sums) + "\n")
    print(f"  pyodide {PYODIDE_VERSION}: {sum((dest / n).stat().st_size for n in PYODIDE_FILES):,} bytes")

