"""What the benchmark's parts share: the repository root, Debian's Chromium through Playwright
(the browser tests' arguments), the scenario requests, a loopback port."""

from __future__ import annotations

import contextlib
import socket
import sys
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))  # the build's modules (site/builder/)
sys.path.insert(0, str(ROOT / "tests" / "browser"))  # CHROMIUM, CHROMIUM_ARGS
sys.path.insert(0, str(ROOT / "tests"))  # the scenario loader


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium (``/usr/bin/chromium``) driven by Playwright."""
    from playwright.sync_api import sync_playwright
    from yibao_site import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def persistent_chromium(profile: Path) -> Iterator[Any]:
    """A Chromium context with a profile on disk (HTTP cache, service workers, Cache Storage
    kept between its pages): the second visit of one reader."""
    from playwright.sync_api import sync_playwright
    from yibao_site import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        # CSP bypassed: the benchmark's own pages (reference, worker alone) run inline scripts,
        # which the shipped config's CSP header forbids; the site under its CSP is tests/browser's.
        context = p.chromium.launch_persistent_context(str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, bypass_csp=True)
        try:
            yield context
        finally:
            context.close()


def scenario_requests() -> list[dict[str, Any]]:
    """The request of every case in ``tests/scenarios/`` (errors included)."""
    from test_scenarios import load_cases

    return [case["request"] for _, case in load_cases()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
