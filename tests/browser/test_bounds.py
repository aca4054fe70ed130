"""The tests' own bounds: an evaluate() of a promise that never settles fails, saying what it
waited for, instead of hanging the suite (tests/browser/yibao_site.py: settle)."""

from __future__ import annotations

from typing import Any

import pytest
from yibao_site import settle


def test_a_promise_that_never_settles_fails_naming_what_was_awaited(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.set_content("<title>t</title><p>x</p>")
        assert settle(page, "x => Promise.resolve(x + 1)", 1, what="a sum") == 2
        assert settle(page, "document.title", what="the title") == "t"
        with pytest.raises(Exception, match="timed out after 500 ms waiting for a promise that never settles"):
            settle(page, "new Promise(() => {})", what="a promise that never settles", timeout_ms=500)
        assert settle(page, "Promise.resolve(1)", what="the page, still usable") == 1
    finally:
        page.close()
