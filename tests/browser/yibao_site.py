"""The built site, shared by ``tests/test_build.py`` and the browser tests: built once per test
session with the real command (``python build.py build --out DIR``), or taken from
``YIBAO_SITE=DIR`` to test an existing build; and small helpers to serve it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Cold start of Pyodide on two cores takes 3–6 s; leave room for a loaded machine.
READY_TIMEOUT_MS = 120_000
#: Playwright's default bound for every action, navigation and wait of the tests' pages (set on
#: each context by the browser fixture): nothing may wait forever on a loaded machine.
DEFAULT_TIMEOUT_MS = 60_000
#: The bound of an evaluate() whose script gives a promise (Playwright itself waits forever).
SETTLE_TIMEOUT_MS = 60_000
# Under the pages' Content-Security-Policy, page.wait_for_function takes a function ("() => …"):
# an expression string is eval()ed in the page, which the policy refuses ('unsafe-eval').
#: true once the page's service worker is active, with no newer version installing or waiting
SW_ACTIVE = """async () => { const r = await navigator.serviceWorker.getRegistration();
  return !!(r && r.active && r.active.state === 'activated' && !r.installing && !r.waiting); }"""
#: "true" once the page has had Pyodide's JavaScript compiled from a new version's cache
#: (site/estimator/prime.js), "false" if that could not be done; unset before
PRIMED = "document.documentElement.dataset.ybPrimed"
#: what the page can see of the service worker and its caches, for a failure's message
SW_STATE = """async () => { const r = await navigator.serviceWorker.getRegistration();
  const w = (x) => x && x.scriptURL + ' ' + x.state;
  return {controller: w(navigator.serviceWorker.controller), active: w(r && r.active), waiting: w(r && r.waiting),
          installing: w(r && r.installing), caches: await caches.keys()}; }"""



sys.path.insert(0, str(ROOT / "site"))  # the build's modules: site/builder/

_built: dict[str, Any] = {}


#: Region pages the axe and staying-on-the-site sweeps visit (the CSP sweep takes every page): one
#: template renders all of them (and check-output reads every page of the build statically), so
#: the sweeps take the kinds that differ: the national page, a province, cities with official,
#: ranged, partial and missing data, and ids long enough to test the layout.
SWEPT_REGIONS = ("cn", "shandong", "zibo", "linyi", "jinan", "beijing", "dezhou", "shijiazhuang", "guangdong")


def swept(pages: list[str]) -> list[str]:
    """``pages`` (URL paths from the site root) with only :data:`SWEPT_REGIONS`' region pages."""
    keep = []
    for rel in pages:
        parts = rel.strip("/").split("/")
        region = parts[parts.index("regions") + 1] if "regions" in parts[:-1] else None
        if region is None or region.removesuffix(".html") in SWEPT_REGIONS:
            keep.append(rel)
    return keep


def built_site(tmp_root: Path) -> Path:
    """The site, built once per session (the build ends with its own check-output phase)."""
    if "site" not in _built:
        given = os.environ.get("YIBAO_SITE")
        if given:
            _built["site"], _built["seconds"], _built["log"] = Path(given).resolve(), None, ""
        else:
            out = tmp_root / "public"
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, str(ROOT / "build.py"), "build", "--out", str(out)],
                cwd=ROOT, capture_output=True, text=True, timeout=900,
            )
            assert proc.returncode == 0, f"the build failed:\n{proc.stdout}\n{proc.stderr}"
            _built["site"], _built["seconds"], _built["log"] = out, time.perf_counter() - started, proc.stdout
    return _built["site"]  # type: ignore[no-any-return]


def build_seconds() -> float | None:
    return _built.get("seconds")


class Served:
    """``directory`` served on 127.0.0.1 in a background thread (``.url`` ends with ``/``)."""

    def __init__(self, directory: Path) -> None:
        from builder.serve import make_server

        self.server = make_server(directory, 0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Recorder:
    """Every request of a browser context, including those of its pages' workers, and the status
    of each that was answered (from the ``response`` events: ``request.response()`` waits
    forever for a request that never ends, e.g. one of a worker that was terminated)."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.requests: list[Any] = []
        self.statuses: dict[Any, int] = {}
        context.on("request", lambda request: self.requests.append(request))
        context.on("response", lambda response: self.statuses.__setitem__(response.request, response.status))

    def failed(self) -> dict[str, int]:
        """URL → status of every request answered with a status of 400 or more."""
        return {r.url: status for r, status in self.statuses.items() if status >= 400}

    @property
    def urls(self) -> list[str]:
        return [r.url for r in self.requests]

    def off_origin(self, origin: str) -> list[str]:
        return [u for u in self.urls if not u.startswith(origin) and not u.startswith(("data:", "blob:"))]


def open_estimator(context: Any, url: str) -> Any:
    """Open the estimator page and wait until the calculator is ready."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector('.yb-estimator[data-state="ready"], .yb-estimator[data-state="failed"]', timeout=READY_TIMEOUT_MS)
    assert page.get_attribute(".yb-estimator", "data-state") == "ready", page.inner_text("#yb-status")
    settle(page, "window.yibao.ready", what="window.yibao.ready (the calculator's start)")
    return page


#: page.evaluate() of a script that may give a promise, raced against a timer: a promise that
#: never settles fails with what was waited for instead of hanging the test.
_SETTLE = """async ([arg, ms, what]) => {
  const run = (%s);
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try { return await Promise.race([typeof run === "function" ? run(arg) : run, late]); }
  finally { clearTimeout(timer); }
}"""


def settle(target: Any, script: str, arg: Any = None, *, what: str, timeout_ms: int = SETTLE_TIMEOUT_MS) -> Any:
    """``target.evaluate(script, arg)`` (a page or a frame) for a ``script`` (an expression or a
    function of ``arg``) that may give a promise, bounded: after ``timeout_ms`` it fails saying
    it timed out waiting for ``what``. Playwright's evaluate waits for a promise forever."""
    return target.evaluate(_SETTLE % script, [arg, timeout_ms, what])


def wait_until(page: Any, script: str, what: str, timeout_ms: int = READY_TIMEOUT_MS) -> None:
    """Poll ``script`` (it may be async: ``page.wait_for_function`` takes a returned promise for
    true at once) until it gives a truthy value."""
    for _ in range(timeout_ms // 200):
        if settle(page, script, what=what, timeout_ms=10_000):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"timed out waiting for {what}; service worker: {settle(page, SW_STATE, what='the service worker state', timeout_ms=10_000)}")


class BoundedBrowser:
    """The session's browser, whose every new context (and page) has Playwright's default
    timeouts set to :data:`DEFAULT_TIMEOUT_MS`: no click, navigation or wait without a bound."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    @staticmethod
    def bound(target: Any) -> Any:
        target.set_default_timeout(DEFAULT_TIMEOUT_MS)
        target.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        return target

    def new_context(self, **options: Any) -> Any:
        return self.bound(self._browser.new_context(**options))

    def new_page(self, **options: Any) -> Any:
        return self.bound(self._browser.new_page(**options))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


def search(page: Any, words: str) -> list[str]:
    """Type ``words`` into Material's search box once its index is ready; the result links."""
    page.click("input.md-search__input")
    page.wait_for_function(
        """() => { const meta = document.querySelector('.md-search-result__meta');
                   return meta && meta.textContent.trim() && !/Initializing|初始化/.test(meta.textContent); }""",
        timeout=60_000,
    )
    page.keyboard.type(words)  # CJK text arrives as one "insertText", without key events…
    page.keyboard.press("End")  # …and the theme searches on key events, as after an IME
    page.wait_for_selector(".md-search-result__item", timeout=30_000)
    return page.eval_on_selector_all(".md-search-result__item a", "els => els.map(a => a.href)")
