"""The hand-written guide texts kept as data (``site/guides/*.yaml``): the glossary, the dental
FAQ and the printable checklist, checked against the policy data when the site is built, and
:class:`TermLinker`, which links a glossary term where it first appears on a page."""

from __future__ import annotations

import html
import posixpath
import re
from typing import Any

from .context import SITE_SRC, BuildError

GUIDES_SRC = SITE_SRC / "guides"

#: The glossary anchors shared with the estimator (site/estimator/result.js links each
#: explanation step to one): every one must be in site/guides/glossary.yaml, in this order.
GLOSSARY_IDS = (
    "deductible", "pooled-fund", "fund-ratio", "annual-cap", "categories", "category-b-first-pay",
    "policy-scope", "cross-region-filing", "serious-illness", "supplementary", "medical-assistance",
    "personal-account", "designated-institution", "itemised-statement", "direct-settlement", "price-ceiling",
)

#: Where the glossary page is in each language tree (docs/<lang>/…), and its URL directory.
GLOSSARY_PAGE = "guide/glossary.md"


class GuideTexts:
    """``glossary``, ``faq`` and ``checklist`` from ``site/guides/``; the build stops (naming the
    file, entry and value) on a source id, catalogue code or term id the data does not have."""

    def __init__(self, sources: dict[str, Any], catalogue: dict[str, Any], langs: tuple[str, ...]) -> None:
        import yaml

        def load(name: str) -> Any:
            return yaml.safe_load((GUIDES_SRC / name).read_text(encoding="utf-8"))

        self.glossary: list[dict[str, Any]] = load("glossary.yaml")["terms"]
        self.faq: list[dict[str, Any]] = load("dental-faq.yaml")["questions"]
        self.checklist: list[dict[str, Any]] = load("checklist.yaml")["groups"]
        problems = []
        ids = [t["id"] for t in self.glossary]
        if tuple(ids) != GLOSSARY_IDS:
            problems.append(f"glossary.yaml: term ids {ids} are not the shared anchors {list(GLOSSARY_IDS)}")
        entries = [("glossary.yaml", t["id"], t) for t in self.glossary] + [("dental-faq.yaml", q["id"], q) for q in self.faq]
        entries += [("checklist.yaml", i["step"], i) for g in self.checklist for i in g["items"]]
        for file, key, entry in entries:
            for src in entry["sources"]:
                if src not in sources:
                    problems.append(f"{file}: {key}: unknown source id {src!r}")
            for code in entry.get("codes", []):
                if code not in catalogue:
                    problems.append(f"{file}: {key}: unknown catalogue code {code!r}")
            for field in ("term", "what", "calculation", "q", "a", "title"):
                if field in entry and set(entry[field]) != set(langs):
                    problems.append(f"{file}: {key}: {field} must have exactly the languages {list(langs)}")
            if file == "checklist.yaml" and set(langs) - set(entry):
                problems.append(f"{file}: {key}: a line lacks a language of {list(langs)}")
        if problems:
            raise BuildError("site/guides: " + "; ".join(problems))


#: What plain text must not keep on a page that Markdown reads: besides HTML's five special
#: characters (escaped), the brackets and braces of links, images and attribute lists, the
#: backslash and backtick, and line breaks (which could start a block of their own).
_MD_TEXT = str.maketrans({"[": "&#91;", "]": "&#93;", "{": "&#123;", "}": "&#125;", "\\": "&#92;", "`": "&#96;", "\n": " ", "\r": " "})


def html_text(text: Any) -> Any:
    """Plain text (policy files, readers) as HTML that Markdown leaves as text: no tag, no
    link, no attribute list can come out of it."""
    from markupsafe import Markup, escape

    return Markup(str(escape(str(text))).translate(_MD_TEXT))


#: A phone number as the sources write them: an area code and a local number, or the
#: national hotline 12393.
_PHONE = re.compile(r"(?<![\d-])(?:0\d{2,3}-(?:\d{7,8}|12393)|12393)(?![\d-])")


def link_phones(html: str) -> str:
    """Phone numbers in (escaped) text as ``tel:`` links, so that a phone dials them."""
    return _PHONE.sub(lambda m: f'<a class="yb-tel" href="tel:{m.group(0).replace("-", "")}">{m.group(0)}</a>', html)


#: Spans a term link must not go into: links (HTML or Markdown), tags, code, attribute lists.
_PROTECTED = re.compile(r"<a\b.*?</a>|<[^>]+>|\[[^\]]*\]\([^)]*\)|`[^`]*`|\{[^}]*\}", re.S)


class TermLinker:
    """Links glossary terms in the texts of one page, each term once, where it first appears
    (texts are linked in the order the page shows them). ``page`` is the page's path in the
    docs tree (``regions/zibo.md``); links are relative, so they work under any sub-path."""

    def __init__(self, glossary: list[dict[str, Any]], lang: str, page: str) -> None:
        self.linked: set[str] = set()
        here = posixpath.dirname(page) if page.endswith("index.md") else page.removesuffix(".md")
        target = GLOSSARY_PAGE.removesuffix(".md")
        self.href = "" if page == GLOSSARY_PAGE else posixpath.relpath(target, here or ".") + "/"
        words = sorted(((alias, t["id"]) for t in glossary for alias in t["aliases"][lang]), key=lambda w: -len(w[0]))
        self.term_of = {alias.lower(): term for alias, term in words}
        alternation = "|".join(re.escape(alias) for alias, _ in words)
        # English words whole (not "ratio" in "ratios"); Chinese has no word boundaries.
        self.pattern = re.compile(rf"\b(?:{alternation})\b" if lang == "en" else alternation, re.I)

    def __call__(self, text: Any, skip: str | None = None) -> Any:
        """``text`` with the first appearance of each not yet linked term as a link (``skip``:
        a term id never linked here, e.g. the entry's own term on the glossary page), and phone
        numbers dialable. Plain text is escaped first; the templates' own HTML (Markup) is not."""
        from markupsafe import Markup

        text = link_phones(str(text if hasattr(text, "__html__") else html_text(text)))
        out, last = [], 0
        for m in _PROTECTED.finditer(text):
            out.append(self._link(text[last : m.start()], skip))
            out.append(m.group(0))
            last = m.end()
        out.append(self._link(text[last:], skip))
        return Markup("".join(out))

    def _link(self, text: str, skip: str | None) -> str:
        def replace(m: re.Match[str]) -> str:
            term = self.term_of[m.group(0).lower()]
            if term in self.linked or term == skip:
                return m.group(0)
            self.linked.add(term)
            return f'<a class="yb-term" href="{html.escape(self.href)}#{term}">{m.group(0)}</a>'

        return self.pattern.sub(replace, text)
