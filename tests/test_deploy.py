"""The shipped server configs (site/deploy/, DEPLOY.md) serve the built site as a browser needs
it: Pyodide's modules as JavaScript and its wasm as application/wasm, the build's ``.br``/``.gz``
siblings to browsers that take them, long-lived caching only for files whose names change with
their content, and the security headers. nginx serves with the very file the benchmark uses;
Caddy with its Caddyfile when installed (``.ci/run`` installs both)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "browser"))
from yibao_site import ROOT, built_site  # noqa: E402 - also puts site/ on sys.path

from bench.common import free_port  # noqa: E402
from bench.nginx import Nginx, nginx_missing, wait_until_serving  # noqa: E402
from builder.context import PYODIDE_DIR  # noqa: E402

CADDYFILE = ROOT / "site" / "deploy" / "Caddyfile"
#: the pages' own policy (site/builder/csp.py), which the header repeats before frame-ancestors
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; "
       "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'")
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.mktemp("site"))


class Caddy:
    """``site/deploy/Caddyfile`` serving ``root`` on a free loopback port (its address and root
    lines changed, and the admin endpoint off so that runs do not collide)."""

    def __init__(self, root: Path) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="yibao-caddy-"))
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        text = CADDYFILE.read_text(encoding="utf-8")
        for line, value in ((":80 {", f"http://127.0.0.1:{port} {{"), ("root * /var/www/yibao", f"root * {root}")):
            assert text.count(line) == 1, f"{CADDYFILE}: expected '{line}' once"
            text = text.replace(line, value)
        (self.tmp / "Caddyfile").write_text("{\n\tadmin off\n}\n\n" + text, encoding="utf-8")
        env = {"HOME": str(self.tmp), "XDG_DATA_HOME": str(self.tmp), "XDG_CONFIG_HOME": str(self.tmp), "PATH": "/usr/bin:/bin"}
        self.process = subprocess.Popen(["caddy", "run", "--config", str(self.tmp / "Caddyfile"), "--adapter", "caddyfile"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        try:
            wait_until_serving(self.process, self.url, "caddy", 20)
        except RuntimeError:
            self.close()
            raise

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="module", params=["nginx", "caddy"])
def served(request: pytest.FixtureRequest, site: Path) -> Iterator[str]:
    if request.param == "nginx":
        why = nginx_missing()
        if why:
            pytest.skip(f"cannot test site/deploy/nginx.conf: {why}")
        with Nginx(site) as server:
            yield server.url
    else:
        if not shutil.which("caddy"):
            pytest.skip("cannot test site/deploy/Caddyfile: caddy is not installed (apt-get install caddy)")
        server = Caddy(site)
        try:
            yield server.url
        finally:
            server.close()


def _get(url: str, encoding: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_pyodide_comes_with_the_types_browsers_require(served: str) -> None:
    for name, expected in (("pyodide.mjs", "text/javascript"), ("pyodide.asm.mjs", "text/javascript"), ("pyodide.asm.wasm", "application/wasm")):
        status, headers, _ = _get(f"{served}{PYODIDE_DIR}/{name}")
        assert status == 200 and headers["content-type"].split(";")[0] == expected, (name, status, headers.get("content-type"))
    status, headers, _ = _get(served + "assets/estimator/worker.js")
    assert status == 200 and re.match(r"(text|application)/javascript", headers["content-type"]), headers


def test_the_precompressed_siblings_are_sent_to_browsers_that_take_them(served: str, site: Path) -> None:
    path = f"{PYODIDE_DIR}/pyodide.asm.wasm"
    for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
        status, headers, body = _get(served + path, encoding)
        assert status == 200 and headers.get("content-encoding") == encoding, (encoding, headers)
        assert body == (site / (path + suffix)).read_bytes(), f"{encoding}: not the build's {suffix} file"
        assert "accept-encoding" in headers.get("vary", "").lower(), headers
    status, headers, body = _get(served + path)
    assert status == 200 and "content-encoding" not in headers and body == (site / path).read_bytes()
    status, headers, _ = _get(served + "estimate/", "br")
    assert headers.get("content-encoding") == "br" and headers["content-type"].startswith("text/html"), headers


def test_only_files_named_by_their_content_are_cached_for_long(served: str, site: Path) -> None:
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js")).relative_to(site).as_posix()
    wheel = next((site / "assets" / "packages").glob("*.whl")).relative_to(site).as_posix()
    long = [f"{PYODIDE_DIR}/pyodide.asm.wasm", f"{PYODIDE_DIR}/pyodide.mjs", f"{PYODIDE_DIR}/pyodide.asm.mjs", bundle]
    # pages, the service worker, the estimator's modules, the trimmed stdlib and the wheel change
    # with a build under the same name: revalidated on every use
    revalidated = ["", "estimate/", "en/estimate/", "sw.js", "assets/estimator/app.js", f"{PYODIDE_DIR}/python_stdlib.zip", wheel, "assets/packages/pyodide-lock.json"]
    for path in long:
        assert _get(served + path)[1].get("cache-control") == IMMUTABLE, path
    for path in revalidated:
        assert _get(served + path)[1].get("cache-control") == "no-cache", path


def test_every_answer_carries_the_security_headers(served: str, site: Path) -> None:
    """nosniff and the referrer policy on every answer; the CSP (what pages and workers may load)
    on pages, scripts and a 404 page."""
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', (site / "index.html").read_text(encoding="utf-8"))
    for path in ("", "en/estimate/", "assets/estimator/worker.js", f"{PYODIDE_DIR}/pyodide.asm.mjs", f"{PYODIDE_DIR}/pyodide.asm.wasm", "no-such-page/"):
        status, headers, _ = _get(served + path)
        assert status == (404 if path == "no-such-page/" else 200), path
        assert headers.get("x-content-type-options") == "nosniff", path
        assert headers.get("referrer-policy") == "no-referrer", path
        if path.endswith(".wasm"):
            continue
        policy = headers.get("content-security-policy", "")
        assert policy.startswith(CSP) and "frame-ancestors 'self'" in policy, (path, policy)
        if meta:  # the header holds at least what the pages' own policy says
            assert policy.startswith(meta.group(1).replace("&#39;", "'").rstrip("; ")), (meta.group(1), policy)


def test_nginx_serves_the_site_under_a_sub_path_the_same_way(site: Path, tmp_path: Path) -> None:
    """DEPLOY.md: under a sub-path the site is a folder inside ``root``; types, siblings and
    cache headers follow it there."""
    why = nginx_missing()
    if why:
        pytest.skip(f"cannot test site/deploy/nginx.conf: {why}")
    (tmp_path / "yibao").symlink_to(site, target_is_directory=True)
    with Nginx(tmp_path) as server:
        base = server.url + "yibao/"
        status, headers, _ = _get(f"{base}{PYODIDE_DIR}/pyodide.asm.wasm", "br")
        assert (status, headers.get("content-encoding"), headers.get("cache-control")) == (200, "br", IMMUTABLE), headers
        status, headers, _ = _get(f"{base}{PYODIDE_DIR}/pyodide.mjs")
        assert headers["content-type"].startswith("text/javascript"), headers
        status, headers, body = _get(base + "estimate/")
        assert status == 200 and headers.get("cache-control") == "no-cache" and b"yb-estimator" in body
