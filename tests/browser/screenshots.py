"""Screenshots for a person to review (issue 5): the home page, Zibo's guide and the estimator
with a result (a shared link: Zibo, an inpatient stay with a tooth extraction), in Chinese and
English, at 375 px (a phone) and 1280 px (a laptop), full page.

    .venv/bin/python tests/browser/screenshots.py OUT_DIR [--site public]

Serves the built site (``python3 build.py`` first) on loopback with Python's http.server and
writes ``OUT_DIR/{page}-{lang}-{width}.png``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from yibao_site import CHROMIUM, CHROMIUM_ARGS, READY_TIMEOUT_MS, ROOT, Served  # noqa: E402

REQUEST = {
    "region": "zibo", "visit_date": "2026-12-01", "scheme": "employee", "member": "in_service",
    "care": "inpatient", "institution_level": 2, "admission_number": 1,
    "items": [{"code": "D-EXT-IMPACTED", "quantity": 1}, {"name": "住院床位费", "category": "A", "amount": "600"}],
    "personal_account_balance": "800",
}
PAGES = {"home": "", "zibo": "regions/zibo/", "estimate": "estimate/#" + quote(json.dumps(REQUEST, ensure_ascii=False, separators=(",", ":")), safe="")}
WIDTHS = (375, 1280)


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--site", type=Path, default=ROOT / "public")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").exists():
        parser.error(f"{args.site} has no built site: run `python3 build.py` first")
    args.out.mkdir(parents=True, exist_ok=True)
    served = Served(args.site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
                page = context.new_page()
                for lang in ("zh", "en"):
                    for name, path in PAGES.items():
                        page.goto(served.url + ("" if lang == "zh" else "en/") + path)
                        if name == "estimate":
                            page.wait_for_selector('#yb-chart[data-state="done"]', timeout=READY_TIMEOUT_MS)
                        page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))")
                        target = args.out / f"{name}-{lang}-{width}.png"
                        page.screenshot(path=str(target), full_page=True)
                        print(target)
                context.close()
            browser.close()
    finally:
        served.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
