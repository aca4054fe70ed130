"""The start-up parts of the build (issue 4): the stdlib and the wheel as bytecode for Pyodide's
CPython, the precompressed siblings, the service worker's list; all reproducible, and
``check-output`` refusing any of them once tampered with."""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import shutil
import sys
import zipfile
from pathlib import Path

import brotli
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from builder import compress, pyodide_runtime  # noqa: E402
from builder.check_output import check_output  # noqa: E402
from builder.context import PACKAGES_DIR, PYODIDE_DIR  # noqa: E402
from yibao_site import built_site  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.mktemp("site"))


def test_the_stdlib_zip_holds_only_the_measured_modules_as_unchecked_pycs(site: Path) -> None:
    listed = pyodide_runtime.stdlib_module_list()
    assert "json/decoder.py" in listed and "decimal.py" in listed and "asyncio/__init__.py" in listed
    assert "bz2.py" not in listed and "ssl.py" not in listed
    with zipfile.ZipFile(site / PYODIDE_DIR / "python_stdlib.zip") as zf:
        infos = zf.infolist()
        assert sorted(i.filename for i in infos) == sorted(m[:-3] + ".pyc" for m in listed)
        assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED}  # the .br sibling compresses it whole
        for info in infos:
            header = zf.read(info)[:16]
            assert int.from_bytes(header[4:8], "little") == 0b01, f"{info.filename}: not an unchecked hash-based pyc"


def test_bytecode_from_pyodides_cpython_is_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder import pyc

    sources = {"/lib/python314.zip/m.py": b'"""Doc."""\ndef f(x):\n    assert x\n    return x + 1\n'}
    results = []
    for cache in ("a", "b"):  # two empty caches: Node runs Pyodide's CPython each time
        monkeypatch.setattr(pyc, "CACHE", tmp_path / cache)
        results.append({mode: pyc.precompile(sources, mode) for mode in ("full", "lines", "lean")})
    assert results[0] == results[1]
    full, lines, lean = (results[0][m]["/lib/python314.zip/m.pyc"] for m in ("full", "lines", "lean"))
    assert full[:4] == lines[:4] == lean[:4]  # one interpreter's magic number
    assert b"Doc." in full and b"Doc." in lines and b"Doc." not in lean  # lean is compiled as -OO
    assert len(lean) < len(lines) < len(full)


def test_the_wheel_imports_in_pyodide_from_pycs_that_keep_their_lines(site: Path) -> None:
    wheel = next((site / PACKAGES_DIR).glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        engine = zf.read("calculator/_engine.pyc")
    # lines are kept (the file names the source lines of its functions); columns are not
    assert b"/lib/python3.14/site-packages/calculator/_engine.py" in engine


def test_compression_is_deterministic_and_checked(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>医保</p>" * 200, encoding="utf-8")
    compress._compress_file(page)
    first = (tmp_path / "page.html.br").read_bytes(), (tmp_path / "page.html.gz").read_bytes()
    compress._compress_file(page)
    assert ((tmp_path / "page.html.br").read_bytes(), (tmp_path / "page.html.gz").read_bytes()) == first
    assert brotli.decompress(first[0]) == page.read_bytes() == gzip.decompress(first[1])
    assert compress.sibling_problems(tmp_path) == []
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(b"other", mtime=0))
    assert compress.sibling_problems(tmp_path) == ["page.html.gz: decompresses to other bytes than page.html"]


def test_check_output_refuses_tampered_runtime_siblings_and_service_worker(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "public"
    shutil.copytree(site, copy)
    stdlib = copy / PYODIDE_DIR / "python_stdlib.zip"
    data = bytearray(stdlib.read_bytes())
    data[100] ^= 1
    stdlib.write_bytes(bytes(data))
    sums = copy / PYODIDE_DIR / "SHA256SUMS"  # editing the list in the output too changes nothing
    sums.write_text(re.sub(r"^\w+(  python_stdlib.zip)$", hashlib.sha256(bytes(data)).hexdigest() + r"\1", sums.read_text(), flags=re.M))
    wasm_br = copy / PYODIDE_DIR / "pyodide.asm.wasm.br"
    wasm_br.write_bytes(brotli.compress(b"\0asm", quality=1))
    sw = copy / "sw.js"
    sw.write_text(sw.read_text(encoding="utf-8").replace('"version": "', '"version": "0', 1), encoding="utf-8")
    problems = "\n".join(check_output(copy))
    assert f"{PYODIDE_DIR}/python_stdlib.zip: missing or not the file the pinned Pyodide gives" in problems
    assert f"{PYODIDE_DIR}/pyodide.asm.wasm.br: decompresses to other bytes than pyodide.asm.wasm" in problems
    assert "sw.js: its precache list or version does not match the files in the site" in problems


def test_the_service_worker_lists_every_estimator_file_with_its_hash(site: Path) -> None:
    import json

    text = (site / "sw.js").read_text(encoding="utf-8")
    build = json.loads(text[text.index("const BUILD = ") + len("const BUILD = ") : text.index(";\n")])
    shared = build["shared"]
    for path in (f"{PYODIDE_DIR}/pyodide.asm.wasm", f"{PYODIDE_DIR}/python_stdlib.zip", f"{PACKAGES_DIR}/pyodide-lock.json", "assets/estimator/worker.js", "assets/estimator/app.js"):
        assert shared[path] == hashlib.sha256((site / path).read_bytes()).hexdigest(), path
    assert set(build["pages"]) == {"estimate/", "en/estimate/"}
    assert build["pages"]["estimate/"]["estimate/"] == hashlib.sha256((site / "estimate" / "index.html").read_bytes()).hexdigest()
    assert not (site / "assets" / "estimator" / "sw.js").exists()  # only the root's, with its list
    assert io.StringIO(text).readline().startswith("// Written by the build")
