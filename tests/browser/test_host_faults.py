"""What a careless host does to the estimator (issue 17), served by the project's own server
(site/builder/serve.py) with one fault injected: the reader is told, in the page's language and
within 20 s, which file is wrong, its HTTP status or type, and what the host must fix. And on a
plain static host (no ``.br``/``.gz`` siblings) a first visit downloads the 9.6 MB wasm once."""

from __future__ import annotations

import io
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import pytest
from yibao_site import READY_TIMEOUT_MS, SW_ACTIVE, wait_until

from builder.serve import Handler, make_server

#: the reader is told within this long after the page is opened
TOLD_WITHIN_MS = 20_000


#: a fault: the file cut to half its length, served with its right type (an upload that broke off)
TRUNCATED = "truncated"


class FaultyHost:
    """The built site on 127.0.0.1, answering requests whose path ends with a key of ``faults``
    with that HTTP status (an int), that Content-Type (a str) or half the file (:data:`TRUNCATED`);
    ``sent`` lists every GET's path and the bytes of its body written to the socket."""

    def __init__(self, site: Path, faults: dict[str, int | str]) -> None:
        self.sent: list[tuple[str, int]] = []
        host = self

        class Faulty(Handler):
            def send_head(self) -> Any:
                path = self.path.split("?")[0]
                for suffix, fault in faults.items():
                    if path.endswith(suffix) and isinstance(fault, int):
                        self.send_error(fault)
                        return None
                    if path.endswith(suffix) and fault == TRUNCATED:
                        data = Path(self.translate_path(path)).read_bytes()
                        data = data[: len(data) // 2]
                        self.send_response(200)
                        self.send_header("Content-Type", self.guess_type(path))
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        return io.BytesIO(data)
                return super().send_head()

            def guess_type(self, path: Any) -> str:
                for suffix, fault in faults.items():
                    if str(path).endswith(suffix) and isinstance(fault, str) and fault != TRUNCATED:
                        return fault
                return super().guess_type(path)

            def copyfile(self, source: Any, outputfile: Any) -> None:
                written = 0
                try:
                    while chunk := source.read(64 * 1024):
                        outputfile.write(chunk)
                        written += len(chunk)
                finally:
                    host.sent.append((self.path, written))

        self.server = make_server(site, 0, handler=Faulty)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    yield context
    context.close()


def _told(context: Any, host: FaultyHost, page_path: str) -> str:
    """Open the estimator page at ``page_path``; the status it shows once the start has failed."""
    page = context.new_page()
    started = time.monotonic()
    page.goto(host.url + page_path)
    page.wait_for_selector('.yb-estimator[data-state="failed"]', timeout=TOLD_WITHIN_MS)
    assert time.monotonic() - started < TOLD_WITHIN_MS / 1000
    return page.inner_text("#yb-status")


FAULTS = [
    # .mjs as a download: the worker cannot import Pyodide's modules
    pytest.param("estimate/", {".mjs": "application/octet-stream"},
                 ["pyodide.mjs", "application/octet-stream", "text/javascript", "网站的托管方需要把 .mjs 文件按 text/javascript 类型发送"], id="mjs-type-zh"),
    pytest.param("en/estimate/", {".mjs": "application/octet-stream"},
                 ["pyodide.mjs", "application/octet-stream", "The site's host must serve .mjs files as text/javascript"], id="mjs-type-en"),
    # the trimmed standard library missing: Pyodide would end in "exit(1)"
    pytest.param("en/estimate/", {"/python_stdlib.zip": 404},
                 ["the server answered HTTP 404 for python_stdlib.zip", "The site's host must publish every file of the build"], id="stdlib-404-en"),
    # the wasm missing: Pyodide would wait for ever
    pytest.param("estimate/", {"/pyodide.asm.wasm": 404},
                 ["服务器对 pyodide.asm.wasm 的回答是 HTTP 404", "网站的托管方需要把构建生成的全部文件原样发布"], id="wasm-404-zh"),
    # the wasm cut short: Pyodide would swallow the failed compile and wait for ever
    pytest.param("en/estimate/", {"/pyodide.asm.wasm": TRUNCATED},
                 ["the pyodide.asm.wasm the server sent cannot be used (it is truncated or altered)", "The site's host must publish every file of the build"], id="wasm-truncated-en"),
    # the worker's own script missing: found by the page's check
    pytest.param("estimate/", {"/worker.js": 404}, ["服务器对 worker.js 的回答是 HTTP 404"], id="worker-404-zh"),
]


@pytest.mark.parametrize(("page_path", "faults", "said"), FAULTS)
def test_a_host_fault_is_named_with_what_to_fix(context: Any, site: Path, page_path: str, faults: dict[str, int | str], said: list[str]) -> None:
    host = FaultyHost(site, faults)
    try:
        status = _told(context, host, page_path)
    finally:
        host.close()
    for text in said:
        assert text in status, status
    assert ("计算程序未能载入" in status) == (not page_path.startswith("en/")), status


def test_a_wasm_served_with_a_wrong_type_still_starts(context: Any, site: Path) -> None:
    """Pyodide's streaming compile refuses a wasm not served as application/wasm (and then waits
    for ever); the worker relabels it and warns in the console."""
    host = FaultyHost(site, {".wasm": "application/octet-stream"})
    warnings: list[str] = []
    context.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
    try:
        page = context.new_page()
        page.goto(host.url + "estimate/")
        page.wait_for_selector('.yb-estimator[data-state="ready"], .yb-estimator[data-state="failed"]', timeout=READY_TIMEOUT_MS)
        assert page.get_attribute(".yb-estimator", "data-state") == "ready", page.inner_text("#yb-status")
    finally:
        host.close()
    assert any("application/wasm" in w for w in warnings), warnings


def test_a_plain_static_host_sends_the_wasm_once_on_a_first_visit(context: Any, site: Path) -> None:
    """No compressed siblings (the project's server, like GitHub Pages): the 9.6 MB wasm, the
    2.3 MB stdlib and every other file are sent once on a first visit, the service worker's
    install included, also in a browser context whose HTTP cache cannot hold the wasm
    (Playwright's, in memory)."""
    host = FaultyHost(site, {})
    try:
        page = context.new_page()
        page.goto(host.url + "estimate/")
        page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
        wait_until(page, SW_ACTIVE, "the service worker to activate")
        time.sleep(1)  # anything still in flight is logged
        sent = list(host.sent)
    finally:
        host.close()
    runtime = site / "assets" / "pyodide"
    for name in ("pyodide.asm.wasm", "python_stdlib.zip"):
        size = next(runtime.glob(f"*/{name}")).stat().st_size
        sends = [n for path, n in sent if path.split("?")[0].endswith("/" + name)]
        assert sends == [size], f"{name}: {sends} bytes sent ({size:,} bytes once is the goal)"
    twice = {path: count for path, count in Counter(path.split("?")[0] for path, n in sent if n).items() if count > 1}
    assert twice == {}, f"sent more than once: {twice}"


def test_the_shipped_nginx_config_serves_a_working_estimator_within_its_policy(context: Any, site: Path) -> None:
    """Served with site/deploy/nginx.conf (as the benchmark serves), the estimator starts cold and
    warm (from the service worker) with the CSP header enforced on the page and on its workers,
    and nothing is refused by the policy."""
    from bench.nginx import Nginx, nginx_missing

    if nginx_missing():
        pytest.skip(f"cannot serve with site/deploy/nginx.conf: {nginx_missing()}")
    if 'http-equiv="Content-Security-Policy"' not in (site / "estimate" / "index.html").read_text(encoding="utf-8"):
        pytest.skip("the pages carry no CSP of their own yet: the header's would refuse their inline scripts")
    refused: list[str] = []
    context.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    with Nginx(site) as server:
        page = context.new_page()
        response = page.goto(server.url + "estimate/")
        assert response is not None and "frame-ancestors 'self'" in response.headers.get("content-security-policy", "")
        page.wait_for_selector('.yb-estimator[data-state="ready"], .yb-estimator[data-state="failed"]', timeout=READY_TIMEOUT_MS)
        assert page.get_attribute(".yb-estimator", "data-state") == "ready", page.inner_text("#yb-status")
        wait_until(page, SW_ACTIVE, "the service worker to activate")
        page.reload()
        page.wait_for_selector('.yb-estimator[data-state="ready"]', timeout=READY_TIMEOUT_MS)
        page.click("#yb-submit")
        page.wait_for_selector("#yb-result:not([hidden])", timeout=60_000)
    assert refused == []
