"""The ``compress`` phase: a precompressed ``.br`` (brotli) and ``.gz`` (gzip) sibling beside
every file a browser downloads, so a server that honours them (nginx ``brotli_static`` and
``gzip_static``, the benchmark's server) sends the smallest encoding without compressing on the
fly: ``pyodide.asm.wasm`` goes from 9.6 MB to 2.7 MB.

Deterministic: the same file always gets the same siblings (gzip without name or time).
Compressed bytes are cached in ``CACHE/compressed/`` by the file's sha256 (brotli at its best
quality takes ~50 s on the wasm), so a rebuild compresses only what changed. A sibling is
written only when it is smaller than the file. ``check-output`` decompresses every sibling and
compares it with its file (:func:`sibling_problems`)."""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .context import CACHE, Build

#: What a browser downloads and compresses well (source maps are never fetched by a reader).
COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".wasm", ".zip", ".whl", ".svg", ".xml", ".txt", ".ico"}
#: Smaller files gain nothing worth a request header.
MIN_SIZE = 512
ENCODINGS = (".br", ".gz")


#: Pages and data, new in every build that changes the content, grow with the number of regions
#: (a search index of megabytes): brotli 5 compresses them within ~3% of the best quality at a
#: tenth of its time. The assets (theme, estimator, Python runtime) get the best quality: they
#: rarely change, so the cache keeps their compressed bytes from build to build.
FAST = {".html", ".json", ".xml", ".txt", ".svg"}


def brotli_quality(path: Path) -> int:
    return 5 if path.suffix in FAST else 11


def gzip_level(path: Path) -> int:
    return 6 if path.suffix in FAST else 9


def _compressed(data: bytes, encoding: str, quality: int) -> bytes:
    """``data`` compressed (brotli ``quality``, or gzip at level ``quality``), from the cache."""
    digest = hashlib.sha256(data).hexdigest()
    cached = CACHE / "compressed" / f"{digest}.q{quality}{encoding}"
    if cached.exists():
        return cached.read_bytes()
    if encoding == ".br":
        import brotli

        packed = brotli.compress(data, quality=quality)
    else:
        packed = gzip.compress(data, compresslevel=quality, mtime=0)
    cached.parent.mkdir(parents=True, exist_ok=True)
    # Each writer its own temporary name: builds running at once share this cache.
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.{threading.get_ident()}.part")
    partial.write_bytes(packed)
    partial.replace(cached)
    return packed


def wants_siblings(path: Path) -> bool:
    return path.suffix in COMPRESSIBLE and path.stat().st_size >= MIN_SIZE


def _compress_file(path: Path) -> int:
    data = path.read_bytes()
    written = 0
    for encoding in ENCODINGS:
        packed = _compressed(data, encoding, brotli_quality(path) if encoding == ".br" else gzip_level(path))
        sibling = path.with_name(path.name + encoding)
        if len(packed) < len(data):
            sibling.write_bytes(packed)
            written += 1
        else:
            sibling.unlink(missing_ok=True)
    return written


def phase_compress(b: Build) -> None:
    """Write the ``.br``/``.gz`` siblings of every compressible file in ``out/`` and remove
    siblings whose file is gone."""
    for sibling in [p for p in b.out.rglob("*") if p.suffix in ENCODINGS and p.is_file()]:
        original = sibling.with_suffix("")
        if original.suffix in COMPRESSIBLE and not original.exists():
            sibling.unlink()
    files = sorted(p for p in b.out.rglob("*") if p.is_file() and wants_siblings(p))
    files.sort(key=lambda p: -p.stat().st_size)  # the big ones first: both cores stay busy
    with ThreadPoolExecutor(max_workers=2) as pool:
        written = sum(pool.map(_compress_file, files))
    print(f"  {written} siblings for {len(files)} files")


def sibling_problems(out: Path) -> list[str]:
    """Every ``.br``/``.gz`` sibling that does not decompress to its file's bytes, or whose
    file is missing; every compressible file without its siblings."""
    import brotli

    problems = []
    for sibling in sorted(p for p in out.rglob("*") if p.suffix in ENCODINGS and p.is_file()):
        original = sibling.with_suffix("")
        if original.suffix not in COMPRESSIBLE:
            continue  # e.g. MkDocs' own sitemap.xml.gz, a file in its own right
        rel = sibling.relative_to(out).as_posix()
        if not original.exists():
            problems.append(f"{rel}: a compressed sibling of a missing file")
            continue
        try:
            data = brotli.decompress(sibling.read_bytes()) if sibling.suffix == ".br" else gzip.decompress(sibling.read_bytes())
        except Exception as exc:  # brotli.error, OSError, EOFError: all mean "not a valid sibling"
            problems.append(f"{rel}: does not decompress ({exc})")
            continue
        if data != original.read_bytes():
            problems.append(f"{rel}: decompresses to other bytes than {original.name}")
    for path in sorted(p for p in out.rglob("*") if p.is_file() and wants_siblings(p)):
        if not any(path.with_name(path.name + e).exists() for e in ENCODINGS):
            problems.append(f"{path.relative_to(out).as_posix()}: no precompressed sibling (run the compress phase)")
    return problems
