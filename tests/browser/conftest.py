"""Browser fixtures: the site built once per session and served on 127.0.0.1, Debian's
Chromium driven by Playwright, and browser contexts that record every request they make
(the page's and its workers')."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from yibao_site import CHROMIUM, CHROMIUM_ARGS, BoundedBrowser, Recorder, Served, built_site, open_estimator


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    served = Served(site)
    yield served.url
    served.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (python3 build.py test installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=120_000)
        yield BoundedBrowser(b)
        b.close()


@pytest.fixture
def recorded(browser: Any) -> Iterator[Recorder]:
    """A fresh context (no cache, no storage) recording its requests."""
    context = browser.new_context(locale="zh-CN")
    recorder = Recorder(context)
    yield recorder
    context.close()


@pytest.fixture(scope="module")
def estimator(browser: Any, server: str) -> Iterator[Any]:
    """One estimator page, ready, shared by a module's tests."""
    context = browser.new_context()
    page = open_estimator(context, server + "estimate/")
    yield page
    context.close()
