"""The site hosted under a sub-path (/yibao/): every URL is relative, so the guides and the
estimator work unchanged and every request stays under the sub-path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yibao_site import Recorder, Served, open_estimator


def test_the_estimator_works_under_a_sub_path(browser: Any, site: Path, tmp_path: Path) -> None:
    (tmp_path / "yibao").symlink_to(site, target_is_directory=True)
    served = Served(tmp_path)
    context = browser.new_context()
    recorder = Recorder(context)
    try:
        base = served.url + "yibao/"
        page = open_estimator(context, base + "estimate/")
        page.click("#yb-submit")
        page.wait_for_selector("#yb-result:not([hidden])")
        page.goto(base + "en/estimate/")
        page.wait_for_selector('.yb-estimator[data-state="ready"]')
        page.goto(base + "en/regions/zibo/")
        assert "Zibo" in page.inner_text("h1")
        outside = [u for u in recorder.urls if not u.startswith(base)]
        assert outside == []
    finally:
        context.close()
        served.close()
