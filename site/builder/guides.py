"""The ``guides`` phase: policy data → Jinja2 → Markdown pages, one tree per language, plus one
MkDocs config per language. :class:`GuideSite` is the page model the templates read."""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal
from itertools import repeat
from pathlib import Path
from typing import Any, Iterator

from .context import LANGS, PYODIDE_VERSION, ROOT, SITE_SRC, STALE_DAYS, Build, write
from .coverage import coverage, coverage_page
from .guide_texts import GuideTexts, TermLinker, html_text
from .mkdocs_site import mkdocs_config


#: From this many regions on, each language's pages are rendered by a process of its own (a
#: region's page takes ~15 ms; below this a process's start costs more than it saves).
PARALLEL_REGIONS = 200


def _render_language(bundle_text: str, today: date, lang: str, docs: Path) -> None:
    """Write every page of one language into ``docs`` (run in its own process)."""
    _write_pages(GuideSite(bundle_text, today), lang, docs)


def phase_guides(b: Build) -> None:
    """Render every page (Jinja2 → Markdown) into ``work/docs/<lang>/`` and one MkDocs config
    per language into ``work/mkdocs-<lang>.yml``. Templates: ``site/templates/``; every short
    text: ``site/labels.yaml``; files copied as they are: ``site/static/``."""
    bundle_text = b.bundle_file.read_text(encoding="utf-8")
    site = GuideSite(bundle_text, b.today)
    shutil.rmtree(b.work / "docs", ignore_errors=True)
    docs = [b.work / "docs" / lang for lang in LANGS]
    for folder in docs:
        shutil.copytree(SITE_SRC / "static", folder)
    workers = min(len(LANGS), os.cpu_count() or 1)
    if workers > 1 and len(site.ps.bundle.regions) >= PARALLEL_REGIONS:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_render_language, repeat(bundle_text), repeat(b.today), LANGS, docs))
    else:
        for lang, folder in zip(LANGS, docs):
            _write_pages(site, lang, folder)
    for lang in LANGS:
        write(b.work / f"mkdocs-{lang}.yml", mkdocs_config(b, lang, site.nav(lang)))
    print(f"  {len(site.page_names())} pages per language, {len(LANGS)} languages")


def _write_pages(site: GuideSite, lang: str, docs: Path) -> None:
    """Write every page of one language into ``docs``."""
    for rel, text in site.pages(lang):
        write(docs / rel, text)


#: The six steps of a claim, as the seed guide names them, each gathering the guide topics a
#: patient meets at that point (national and region pages share them and their anchors).
STEPS = (
    ("step-policy", ("before", "contact", "chronic", "personal_account")),
    ("step-designated", ("designated", "cross_region")),
    ("step-documents", ("documents", "e_certificate")),
    ("step-statement", ("itemised_statement", "dental")),
    ("step-claim", ("submit_online", "manual_claim", "submit_window", "deadline")),
    ("step-payment", ("audit_payment",)),
)

#: The region the site is built around (listed first among its province's cities).
FEATURED = "zibo"

#: Guide topics in the order of the steps.
TOPICS = tuple(topic for _step, topics in STEPS for topic in topics)


#: Guide topics printed under an estimate as the claim checklist (what to bring, what to ask
#: the hospital for, where to claim and by when), the region's own items and its parents'.
CHECKLIST_TOPICS = ("documents", "itemised_statement", "submit_window", "deadline")


#: The order parameters are listed in (by path segment): the model's field order.
PATH_ORDER = (
    "rules", "employee", "resident", "inpatient", "outpatient", "category_b_first_pay", "cross_region",
    "non_designated", "serious_illness", "assistance", "personal_account", "deductible", "threshold",
    "ratio", "annual_cap", "first_pay", "ratio_reduction", "unfiled", "emergency", "catalogue", "price_ceiling",
)


class GuideSite:
    """The page model: regions as a tree, each region's effective parameters (its own and those
    it inherits, nearest first) and guide items, rendered through the Jinja2 templates."""

    def __init__(self, bundle_text: str, today: date) -> None:
        import jinja2
        import yaml

        sys.path.insert(0, str(ROOT))
        from calculator._policies import PolicySet

        self.ps = PolicySet.from_json(bundle_text)
        self.today = today
        self.labels = yaml.safe_load((SITE_SRC / "labels.yaml").read_text(encoding="utf-8"))
        # Policy files come from contributors: everything printed is escaped (autoescape), and
        # plain text also loses the Markdown syntax that could make a link or attributes
        # (_finalize); templates mark their own HTML safe by building it in the template.
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(SITE_SRC / "templates"),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=True,
            finalize=_finalize,
        )
        self.env.filters.update(cell=_md_cell, h=_html, fragment=_fragment, link_terms=jinja2.pass_context(_link_terms), web_url=_web_url, title_text=_title_text)
        self.children: dict[str | None, list[str]] = {}
        for region in self.ps.bundle.regions:
            self.children.setdefault(region.parent, []).append(region.id)
        featured = {r.id for r in self.ps.chain(FEATURED)} if FEATURED in self.ps.regions else set()
        for ids in self.children.values():  # provinces first; the featured city and its province first
            ids.sort(key=lambda i: (len(self.children.get(i, [])) == 0, i not in featured, i))
        self.texts = GuideTexts(self.ps.sources, self.ps.catalogue, LANGS)

    @functools.cached_property
    def coverage(self) -> Any:
        """What the data can answer, for the coverage page (worked out when first read: the
        process that only writes the MkDocs configs never needs it)."""
        return coverage(self.ps, self.today)

    # -- structure -------------------------------------------------------------------------

    def tree(self) -> list[tuple[Any, int]]:
        """Every region with its depth, parents before children (``cn`` first)."""
        out: list[tuple[Any, int]] = []

        def walk(region_id: str, depth: int) -> None:
            out.append((self.ps.regions[region_id], depth))
            for child in self.children.get(region_id, []):
                walk(child, depth + 1)

        for root in self.children.get(None, []):
            walk(root, 0)
        return out

    #: The guide pages, in nav order: the national steps with the printable checklist, the
    #: dental FAQ and the glossary (the estimator links its explanation steps to the glossary).
    GUIDE_PAGES = ("guide/dental.md", "guide/dental-faq.md", "guide/glossary.md")

    def page_names(self) -> list[str]:
        return ["index.md", *self.GUIDE_PAGES, "estimate.md", "sources.md", "coverage.md"] + [f"regions/{r.id}.md" for r, _ in self.tree()]

    def nav(self, lang: str) -> list[Any]:
        """MkDocs nav: regions nested under their province (a province page comes first)."""
        L = self._labels(lang)

        def entry(region_id: str) -> Any:
            region = self.ps.regions[region_id]
            name = _title_text(getattr(region.name, lang))
            kids = self.children.get(region_id, [])
            if not kids:
                return {name: f"regions/{region_id}.md"}
            return {name: [{f"{name}（{L.nav.whole_province}）" if lang == "zh" else f"{name} ({L.nav.whole_province})": f"regions/{region_id}.md"}, *[entry(k) for k in kids]]}

        regions: list[Any] = []
        for root in self.children.get(None, []):
            regions.append({_title_text(getattr(self.ps.regions[root].name, lang)): f"regions/{root}.md"})
            regions += [entry(k) for k in self.children.get(root, [])]
        return [
            {L.nav.home: "index.md"},
            {L.nav.guides: [{L.nav.guide: "guide/dental.md"}, {L.nav.faq: "guide/dental-faq.md"}, {L.nav.glossary: "guide/glossary.md"}]},
            {L.nav.regions: regions},
            {L.nav.estimate: "estimate.md"},
            {L.nav.sources: "sources.md"},
            {L.nav.coverage: "coverage.md"},
        ]

    # -- data for one region ---------------------------------------------------------------

    def confidence(self, source_id: str, own: str | None = None) -> str:
        from calculator._policies import weakest

        level = self.ps.sources[source_id].confidence
        return weakest(level, own) if own else level

    def dated_confidence(self, dated: Any) -> str:
        """A dated value's confidence: the weakest of its sources' and its own."""
        from calculator._policies import weakest

        levels = [self.ps.sources[s].confidence for s in dated.source_ids]
        return weakest(*levels, dated.confidence) if dated.confidence else weakest(*levels)

    def start(self, dated: Any, lang: str) -> str:
        """When a dated value applies from: its known date, or the date it was seen in force."""
        if dated.since is not None:
            return dated.since.isoformat()
        return self.labels["word"]["seen_on"][lang].format(date=dated.seen_on.isoformat())

    def parameters(self, region_id: str) -> list[dict[str, Any]]:
        """The parameters in force for a region: its own and those it inherits (a child's
        parameter replaces the parent's of the same path, whole), in the nearest region."""
        from calculator._policy_checks import iter_parameters

        seen: dict[str, dict[str, Any]] = {}
        for region in self.ps.chain(region_id):
            for path, param in iter_parameters(region):
                if path not in seen:
                    seen[path] = {"path": path, "param": param, "region": region, "own": region.id == region_id}
        return sorted(seen.values(), key=lambda p: [PATH_ORDER.index(part) if part in PATH_ORDER else 99 for part in p["path"].split(".")])

    def weakest(self, source_ids: list[str], own: str | None = None) -> str:
        """The confidence of a text resting on these sources: the weakest of theirs (and of
        ``own``, the text's own stated confidence, when given)."""
        levels = [self.ps.sources[s].confidence for s in source_ids] + ([own] if own else [])
        return min(levels, key=_conf_rank, default="unverified")

    def regions_setting(self, segment: str) -> list[tuple[Any, str]]:
        """Regions that state a parameter whose path contains ``segment`` (e.g. ``deductible``),
        each with the first such path (its anchor on the region page): where a reader finds the
        number for their region."""
        from calculator._policy_checks import iter_parameters

        out = []
        for region, _depth in self.tree():
            paths = [path for path, _ in iter_parameters(region) if segment in path.split(".")]
            if paths:
                out.append((region, paths[0]))
        return out

    def checklist(self, region_id: str) -> list[dict[str, Any]]:
        """A region's own claim checklist: the guide items of :data:`CHECKLIST_TOPICS` (what to
        bring, what to ask for, where to claim and by when), its own first, then inherited."""
        items = [i for topic, found in self.guide(region_id) if topic in CHECKLIST_TOPICS for i in found]
        return sorted(items, key=lambda i: not i["own"])

    def steps(self, region_id: str) -> list[tuple[str, list[tuple[str, list[dict[str, Any]]]]]]:
        """The six steps with the region's guide items (its own first, then inherited) by topic."""
        by_topic = dict(self.guide(region_id))
        return [(step, [(t, by_topic[t]) for t in topics if t in by_topic]) for step, topics in STEPS]

    def contacts(self, region_id: str) -> list[dict[str, Any]]:
        """Whom to call: the ``contact`` items of the region and the regions above it."""
        return dict(self.guide(region_id)).get("contact", [])

    def estimable(self, region_id: str) -> bool:
        """Whether the region (with what it inherits) states a deductible and a ratio for some
        scheme and care setting, so that the estimator can work out a bill from its data."""
        paths = {p["path"] for p in self.parameters(region_id)}
        return any(
            f"rules.{scheme}.{care}.deductible" in paths and f"rules.{scheme}.{care}.ratio" in paths
            for scheme in ("employee", "resident")
            for care in ("inpatient", "outpatient")
        )

    def own_label(self, region: Any, lang: str) -> str:
        """Where a number is set: 本市规定 for a city, 本省规定 for a province, 全国规定 for cn."""
        kind = "national" if region.parent is None else ("province" if self.children.get(region.id) else "city")
        return self.labels["own"][kind][lang]

    def guide(self, region_id: str) -> list[tuple[str, list[dict[str, Any]]]]:
        """Guide items by topic (in :data:`TOPICS` order): the region's own first, then what
        the regions above it say."""
        by_topic: dict[str, list[dict[str, Any]]] = {t: [] for t in TOPICS}
        for region in self.ps.chain(region_id):
            for item in region.guide:
                level = min((self.confidence(s, item.confidence) for s in item.sources), key=_conf_rank, default="unverified")
                by_topic.setdefault(item.topic, []).append({"item": item, "region": region, "own": region.id == region_id, "confidence": level})
        return [(t, items) for t, items in by_topic.items() if items]

    # -- formatting --------------------------------------------------------------------------

    def _labels(self, lang: str) -> Any:
        return _Labels(self.labels, lang)

    def path_label(self, path: str, lang: str) -> str:
        """``rules.employee.inpatient.deductible`` → ``住院 · 起付标准`` (the scheme is the
        section heading)."""
        parts = path.split(".")
        if parts[0] == "rules":
            parts = parts[2:]
        return " · ".join(self.labels["path"][p][lang] for p in parts)

    def conditions(self, row: Any, lang: str) -> str:
        from calculator._policy_model import ROW_CONDITIONS

        L = self.labels
        out = []
        for name in ROW_CONDITIONS:
            value = getattr(row, name)
            if value is None:
                continue
            if name == "code":
                proc = self.ps.catalogue.get(value)
                out.append(getattr(proc.name, lang) if proc else value)
            else:
                out.append(L[name][value][lang])
        return "，".join(out) if lang == "zh" else ", ".join(out)

    def value(self, param: Any, row: Any, lang: str) -> str:
        L = self.labels
        if row.choice is not None:
            return L["choice"].get(row.choice, {}).get(lang, row.choice)
        if row.bands is not None:
            parts, low = [], Decimal(0)
            for band in row.bands:
                payer = f" ({L['payer']['supplementary'][lang]})" if band.payer == "supplementary" else ""
                span = f"{_num(low)}–{_num(band.up_to)}" if band.up_to is not None else f"{_num(low)} {L['word']['above'][lang]}"
                parts.append(f"{span}: {_num(band.percent)}%{payer}")
                low = band.up_to or low
            return "; ".join(parts)
        unit = "%" if param.unit == "percent" else f" {L['word']['yuan'][lang]}"
        if row.is_range:
            return L["word"]["range"][lang].format(low=_num(row.low), high=f"{_num(row.high)}{unit}", typical=f"{_num(row.middle)}{unit}")
        return f"{_num(row.value)}{unit}"

    def stale(self, region: Any) -> bool:
        return (self.today - region.verified_on).days > STALE_DAYS

    # -- pages -------------------------------------------------------------------------------

    def pages(self, lang: str) -> Iterator[tuple[str, str]]:
        """``(path in docs/, Markdown text)`` for every page of one language."""
        common = {
            "lang": lang,
            "L": self._labels(lang),
            "site": self,
            "ps": self.ps,
            "today": self.today,
            "tree": self.tree(),
            "cn": self.ps.regions.get("cn"),
        }
        glossary = self.texts.glossary

        def terms(page: str) -> dict[str, Any]:  # links glossary terms where they first appear
            return {"terms": TermLinker(glossary, lang, page)}

        yield "index.md", self.env.get_template("home.md.j2").render(**common, **terms("index.md"))
        national = self.guide("cn") if "cn" in self.ps.regions else []
        yield "guide/dental.md", self.env.get_template("dental.md.j2").render(**common, **terms("guide/dental.md"), guide=national, checklist=self.texts.checklist, site_steps=STEPS)
        yield "guide/dental-faq.md", self.env.get_template("dental-faq.md.j2").render(**common, **terms("guide/dental-faq.md"), faq=self.texts.faq)
        yield "guide/glossary.md", self.env.get_template("glossary.md.j2").render(**common, **terms("guide/glossary.md"), glossary=glossary)
        yield "sources.md", self.env.get_template("sources.md.j2").render(**common)
        yield "coverage.md", self.env.get_template("coverage.md.j2").render(**common, coverage=coverage_page(self.coverage, self.ps, lang))
        yield "estimate.md", self.env.get_template("estimate.md.j2").render(**common, data=self.estimator_data(lang))
        for region, _depth in self.tree():
            params = self.parameters(region.id)
            yield f"regions/{region.id}.md", self.env.get_template("region.md.j2").render(
                **common,
                **terms(f"regions/{region.id}.md"),
                region=region,
                checklist=self.checklist(region.id),
                summary=self.ps.region_summary(region.id),
                chain=list(reversed(self.ps.chain(region.id))),
                params=params,
                guide=self.guide(region.id),
                steps=self.steps(region.id),
                contacts=self.contacts(region.id),
                estimable=self.estimable(region.id),
                children=[self.ps.regions[c] for c in self.children.get(region.id, [])],
                unverified=any(
                    self.dated_confidence(d) == "unverified" for p in params for d in p["param"].values
                ) or any(i["confidence"] == "unverified" for _, items in self.guide(region.id) for i in items),
            )

    def estimator_data(self, lang: str) -> dict[str, Any]:
        """What the estimator page embeds so that its form works before Python has loaded:
        regions (with how much data each has, for the region picker), the catalogue, the
        claim checklist of every region (printed under an estimate) and the texts its
        JavaScript shows."""
        from calculator import catalogue, regions
        from calculator._policy_checks import iter_parameters

        summaries = {r["id"]: r for r in regions(self.ps)}
        checklist: dict[str, list[dict[str, Any]]] = {}
        used: set[str] = set()
        for reg, _depth in self.tree():
            items = [
                {"topic": item.topic, "text": getattr(item, lang), "sources": list(item.sources)}
                for topic in CHECKLIST_TOPICS
                for item in reg.guide
                if item.topic == topic
            ]
            if items:
                checklist[reg.id] = items
                used.update(s for i in items for s in i["sources"])
        return {
            "lang": lang,
            "regions": [
                {**summaries[reg.id], "depth": depth, "numbers": sum(1 for _ in iter_parameters(reg)), "estimable": self.estimable(reg.id)}
                for reg, depth in self.tree()  # tree order
            ],
            "catalogue": catalogue(self.ps),
            "checklist": checklist,
            "checklist_topics": list(CHECKLIST_TOPICS),
            "checklist_sources": {s: {"title": getattr(self.ps.sources[s].title, lang), "url": self.ps.sources[s].url} for s in sorted(used)},
            "labels": {key: {k: v[lang] if isinstance(v, dict) and lang in v else v for k, v in self.labels[key].items()} for key in ("js", "confidence", "category", "kind", "member", "scheme", "care", "location", "filing", "level", "topic")},
            "runtime": {"pyodide": f"../pyodide/{PYODIDE_VERSION}/", "packages": "../packages/", "package": "yibao-calculator"},
        }


class _Labels:
    """``L.word.since`` → the text of ``site/labels.yaml`` in the page's language."""

    def __init__(self, tree: dict[str, Any], lang: str) -> None:
        self._tree, self._lang = tree, lang

    def __getattr__(self, key: str) -> Any:
        return self[key]

    def __getitem__(self, key: Any) -> Any:
        node = self._tree[key]
        if isinstance(node, dict) and self._lang in node:
            return node[self._lang]
        return _Labels(node, self._lang)


def _conf_rank(level: str) -> int:
    return ("unverified", "secondary", "official").index(level)


def _num(value: Any) -> str:
    """A Decimal as people write it: thousands separators, no trailing zeros."""
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _finalize(value: Any) -> Any:
    """Every ``{{ … }}``: plain text is escaped, and Markdown's link, attribute and line
    syntax neutralised (policy text is text); HTML the templates build (Markup) passes."""
    return value if not isinstance(value, str) or hasattr(value, "__html__") else html_text(value)


def _md_cell(text: Any) -> Any:
    """Text safe inside a Markdown table cell (escaped unless it is the templates' HTML)."""
    from markupsafe import Markup

    safe = text if hasattr(text, "__html__") else html_text(str(text))
    return Markup(str(safe).replace("|", "\\|").replace("\n", " "))


def _html(text: Any) -> Any:
    from markupsafe import escape

    return escape(str(text))


def _web_url(url: Any) -> Any:
    """A source URL fit for a link: only http(s); anything else (``javascript:``) gives None."""
    text = str(url or "").strip()
    return text if text.lower().startswith(("https://", "http://")) and not any(c in text for c in "\"<> \n\t") else None


def _title_text(text: Any) -> str:
    """A page or nav title: MkDocs prints these unescaped (and ``striptags`` unescapes), so the
    characters that could start markup become their full-width forms."""
    return str(text).translate(_TITLE_SAFE)


_TITLE_SAFE = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "\n": " ", "\r": " ", "`": "｀"})


def _link_terms(context: Any, text: Any) -> Any:
    """``{% filter link_terms %}…{% endfilter %}``: glossary terms linked with the page's
    :class:`TermLinker` (the ``terms`` of the page's context), where they first appear."""
    return context["terms"](text)


def _fragment(request: Any) -> str:
    """An estimator link's fragment: the request as URI-encoded JSON (as the page writes it)."""
    from urllib.parse import quote

    return "#" + quote(json.dumps(request, ensure_ascii=False, separators=(",", ":")), safe="")
