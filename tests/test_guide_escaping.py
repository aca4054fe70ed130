"""Policy text is text: a site built from hostile policy files (a region whose name, note and
guide items carry ``<script>``, ``<img onerror>``, Markdown ``javascript:`` links and attribute
lists, and sources with a ``javascript:`` or quote-breaking URL) has no script, event handler or
``javascript:`` link that came from them, on any page, in either language."""

from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Every payload carries this marker, so that what is found can be traced to the policy files.
MARK = "ybxss"

HOSTILE_REGION = f"""\
id: evil
name: {{zh: '<script>alert("{MARK}-name")</script>恶意市', en: '<img src=x onerror=alert("{MARK}-img")>Evil'}}
parent: shandong
verified_on: 2026-11-01
note:
  zh: '[点我](javascript:alert("{MARK}-md")) <b onmouseover=alert("{MARK}-b")>粗</b>'
  en: '![x](javascript:alert("{MARK}-image")) text{{: onclick="alert(''{MARK}-attr'')"}}'
research:
  zh: '<iframe src="javascript:alert(''{MARK}-iframe'')"></iframe>'
  en: '<a href="javascript:alert(''{MARK}-a'')">a</a>'
sources:
  - id: evil-quote
    title: {{zh: '<svg onload=alert("{MARK}-svg")>', en: '"><script>alert("{MARK}-title")</script>'}}
    url: 'https://example.com/" onmouseover="alert(''{MARK}-url'')'
    confidence: unverified
rules:
  employee:
    inpatient:
      deductible:
        unit: yuan
        basis: per_admission
        note: {{zh: '<script>alert("{MARK}-pnote")</script>', en: '[y](javascript:alert("{MARK}-pnote-md"))'}}
        values:
          - since: 2024-01-01
            source: evil-quote
            note: {{zh: '<img src=x onerror=alert("{MARK}-dnote")>', en: '<javascript:alert("{MARK}-auto")>'}}
            rows: [{{value: 100}}]
guide:
  - topic: documents
    zh: '<script>alert("{MARK}-guide")</script>[点](javascript:alert("{MARK}-guide-md"))'
    en: '<img src=x onerror=alert("{MARK}-guide-img")>'
    sources: [evil-quote]
  - topic: contact
    zh: '电话 0533-3120000 {{: onclick="alert(''{MARK}-tel'')"}}'
    en: 'Call <a href="javascript:alert(''{MARK}-contact'')">us</a>'
    sources: [evil-quote]
"""

#: A source whose URL is a ``javascript:`` link: validation may refuse it (the field named), or
#: the site may be built; either way no page may link to it.
HOSTILE_JS_URL = f"""\
id: evilurl
name: {{zh: 恶意链接市, en: Evil link}}
parent: shandong
verified_on: 2026-11-01
sources:
  - id: evil-js
    title: {{zh: 链接, en: link}}
    url: 'javascript:alert("{MARK}-jsurl")'
    confidence: unverified
guide:
  - topic: contact
    zh: 见来源。
    en: See the source.
    sources: [evil-js]
"""


class _Scan(HTMLParser):
    """Finds scripts, event handlers and ``javascript:`` URLs that carry the marker (or any
    ``javascript:`` URL at all: the site itself has none)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and MARK in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "data") and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("img", "svg", "iframe", "b") and any(MARK in (v or "") for _n, v in attrs):
            self.found.append(f"<{tag}> from a policy file")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and MARK in data and not data.lstrip().startswith("{"):
            self.found.append(f"script: {data[:80]!r}")  # JSON data islands carry it as text


def _build(policies: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "policies", "guides", "mkdocs", "--policies", str(policies), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )


def _scan_site(out: Path) -> list[str]:
    found = []
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20, pages
    for page in pages:
        scan = _Scan()
        scan.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.relative_to(out)}: {f}" for f in scan.found]
    return found


@pytest.mark.timeout(900)
def test_a_site_built_from_hostile_policy_files_runs_none_of_their_text(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    (policies / "regions" / "evil.yaml").write_text(HOSTILE_REGION, encoding="utf-8")
    out = tmp_path / "site"
    proc = _build(policies, out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (out / "regions" / "evil" / "index.html").read_text(encoding="utf-8")
    assert MARK in page and "&lt;script&gt;" in page  # the text is there, shown as text
    assert 'href="tel:05333120000"' in page  # and what the templates add still works
    assert _scan_site(out) == []


@pytest.mark.timeout(900)
def test_a_javascript_source_url_is_refused_or_never_linked(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies)
    (policies / "regions" / "evilurl.yaml").write_text(HOSTILE_JS_URL, encoding="utf-8")
    out = tmp_path / "site"
    proc = _build(policies, out)
    if proc.returncode != 0:  # refused at validation: the message names the field
        assert "url" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
        return
    page = (out / "regions" / "evilurl" / "index.html").read_text(encoding="utf-8")
    assert "链接" in page
    assert _scan_site(out) == []
