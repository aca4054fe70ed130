"""Checks on the source list as a whole, run by the ``policies`` phase and ``build.py check``:
one URL has one source id (two ids for one page split its citations and its confidence), and
every source is cited by something (a value, a guide item, the catalogue or a hand-written guide
text in ``site/guides/``); plus the sources counted by confidence."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .context import SITE_SRC, BuildError

CONFIDENCES = ("official", "secondary", "unverified")


def all_sources(bundle: Any) -> list[tuple[str, Any]]:
    """Every source with where it is defined: ``sources.yaml`` or a region file."""
    out = [("policies/sources.yaml", s) for s in bundle.sources]
    out += [(f"policies/regions/{r.id}.yaml", s) for r in bundle.regions for s in r.sources]
    return out


def cited_ids(bundle: Any) -> set[str]:
    """Source ids cited anywhere: dated values, guide items, the catalogue, site/guides/*.yaml."""
    import yaml

    from calculator._policy_checks import iter_parameters

    ids: set[str] = set()
    for region in bundle.regions:
        for _path, param in iter_parameters(region):
            for dated in param.values:
                ids.update(dated.source_ids)
        for item in region.guide:
            ids.update(item.sources)
    for proc in bundle.catalogue.procedures:
        ids.update(proc.sources)
        if proc.price.source:
            ids.add(proc.price.source)
    for path in sorted((SITE_SRC / "guides").glob("*.yaml")):
        _collect(yaml.safe_load(path.read_text(encoding="utf-8")), ids)
    return ids


def _collect(node: Any, ids: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sources" and isinstance(value, list):
                ids.update(str(v) for v in value)
            else:
                _collect(value, ids)
    elif isinstance(node, list):
        for value in node:
            _collect(value, ids)


def duplicate_urls(bundle: Any) -> list[str]:
    """``url: id, id`` for every URL that more than one source id gives."""
    by_url: dict[str, list[str]] = {}
    for _where, src in all_sources(bundle):
        if src.url:
            by_url.setdefault(src.url.strip(), []).append(src.id)
    return [f"{url}: {', '.join(ids)}" for url, ids in sorted(by_url.items()) if len(ids) > 1]


def check_sources(bundle: Any) -> None:
    """Fail the build when two source ids share one URL (merge them into one)."""
    dupes = duplicate_urls(bundle)
    if dupes:
        raise BuildError("policies: one page, several source ids (merge them into one): " + "; ".join(dupes))


def source_report(bundle: Any) -> str:
    """Sources by confidence, and the ones nothing cites (a warning: cite them or remove them)."""
    sources = all_sources(bundle)
    counts = Counter(src.confidence for _where, src in sources)
    lines = [f"sources by confidence: " + ", ".join(f"{c} {counts.get(c, 0)}" for c in CONFIDENCES) + f" (total {len(sources)})"]
    cited = cited_ids(bundle)
    unused = [f"{src.id} ({where})" for where, src in sources if src.id not in cited]
    if unused:
        lines.append(f"warning: {len(unused)} sources are cited by nothing (cite them where they belong, or remove them):")
        lines += [f"  {u}" for u in unused]
    else:
        lines.append("every source is cited")
    return "\n".join(lines)
