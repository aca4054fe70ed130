"""check-output's Content-Security-Policy rules (site/builder/csp.py): a page without the site's
policy first in <head>, or with an inline script, event handler, javascript: URL or style that
the policy would block, is reported with what and where; inert JSON scripts and files are not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site"))

from builder import csp  # noqa: E402
from builder.check_output import _read_page  # noqa: E402

META = f'<meta http-equiv="Content-Security-Policy" content="{csp.CSP}">'


def _problems(tmp_path: Path, head: str, body: str = "") -> list[str]:
    page = tmp_path / "index.html"
    page.write_text(f"<!doctype html>\n<html><head>{head}<title>t</title></head>\n<body>{body}</body></html>\n", encoding="utf-8")
    return _read_page(page).csp


def test_a_page_with_the_policy_and_only_files_passes(tmp_path: Path) -> None:
    body = '<script src="a.js"></script><script type="application/json" id="d">{"a": 1}</script><script type="text/x-yibao-later" src="b.js"></script><a href="x/">x</a>'
    assert _problems(tmp_path, META + '<link rel="stylesheet" href="s.css">', body) == []


@pytest.mark.parametrize(
    "head, expected",
    [
        ("", "no Content-Security-Policy <meta>"),
        ('<meta http-equiv="Content-Security-Policy" content="default-src *">', "a Content-Security-Policy that is not the site's: default-src *"),
        ('<script src="a.js"></script>' + META, "the Content-Security-Policy <meta> comes after <script> (line 2)"),
        (META + META, "2 Content-Security-Policy <meta> elements"),
    ],
)
def test_a_missing_late_or_different_policy_is_reported(tmp_path: Path, head: str, expected: str) -> None:
    assert any(p.startswith(expected) for p in _problems(tmp_path, head)), _problems(tmp_path, head)


@pytest.mark.parametrize(
    "body, expected",
    [
        ("<script>alert(1)</script>", "an inline <script> (line 3) not allowed by a hash in the policy: alert(1)"),
        ('<script type="module">import "./a.js"</script>', "an inline <script> (line 3) not allowed"),
        ('<script type="text/javascript">x()</script>', "an inline <script> (line 3) not allowed"),
        ("<style>p { color: red }</style>", "an inline <style> (line 3) not allowed by a hash in the policy: p { color: red }"),
        ('<button onclick="print()">p</button>', "an inline event handler onclick= on <button> (line 3)"),
        ('<img src="a.png" onerror="x()" alt="">', "an inline event handler onerror= on <img> (line 3)"),
        ('<p style="color: red">x</p>', "a style attribute on <p> (line 3): color: red"),
        ('<a href=" JavaScript:alert(1)">x</a>', "a javascript: URL in <a href> (line 3)"),
        ('<form action="javascript:x()"></form>', "a javascript: URL in <form action> (line 3)"),
    ],
)
def test_inline_code_the_policy_blocks_is_reported(tmp_path: Path, body: str, expected: str) -> None:
    found = _problems(tmp_path, META, body)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_an_inline_script_whose_hash_the_policy_lists_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = "window.x = 1;"
    policy = csp.CSP.replace("script-src 'self'", f"script-src 'self' {csp.source_hash(code)}")
    monkeypatch.setattr(csp, "CSP", policy)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    assert _problems(tmp_path, meta, f"<script>{code}</script>") == []
    assert _problems(tmp_path, meta, "<script>window.x = 2;</script>") != []


def test_the_policy_allows_nothing_off_site_and_nothing_inline() -> None:
    for name in ("default-src", "script-src", "worker-src", "style-src", "img-src", "connect-src"):
        sources = csp.directive(csp.CSP, name)
        assert sources and set(sources) <= {"'self'", "'wasm-unsafe-eval'", "data:"}, (name, sources)
    assert csp.directive(csp.CSP, "object-src") == ["'none'"]
    assert csp.directive(csp.CSP, "base-uri") == ["'self'"]
