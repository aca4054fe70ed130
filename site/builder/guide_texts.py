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

    def __call__(self, text: Any, skip: str | None = None) -> str:
        """``text`` with the first appearance of each not yet linked term as a link (``skip``:
        a term id never linked here, e.g. the entry's own term on the glossary page)."""
        text = str(text)
        out, last = [], 0
        for m in _PROTECTED.finditer(text):
            out.append(self._link(text[last : m.start()], skip))
            out.append(m.group(0))
            last = m.end()
        out.append(self._link(text[last:], skip))
        return "".join(out)

    def _link(self, text: str, skip: str | None) -> str:
        def replace(m: re.Match[str]) -> str:
            term = self.term_of[m.group(0).lower()]
            if term in self.linked or term == skip:
                return m.group(0)
            self.linked.add(term)
            return f'<a class="yb-term" href="{html.escape(self.href)}#{term}">{m.group(0)}</a>'

        return self.pattern.sub(replace, text)
