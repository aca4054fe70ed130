"""The ``policies`` phase and the ``check`` command: YAML → pydantic → one bundle, and a summary
of what the data holds and how old it is."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from .context import ROOT, STALE_DAYS, Build, write

def phase_policies(b: Build) -> None:
    """Validate ``policies/`` (pydantic; errors name file, field path and value) into one bundle.

    Writes the bundle to the work dir for the next phases. For the committed policies it also
    rewrites ``calculator/_data/bundle.json`` and ``policies/schema/*.json`` when they changed.
    """
    sys.path.insert(0, str(ROOT))
    from calculator.policy_files import bundle_json, json_schemas, load_policies, write_bundle

    from .sources_check import check_sources

    bundle = load_policies(b.policy_dir)
    check_sources(bundle)  # one URL, one source id
    write(b.bundle_file, bundle_json(bundle))
    if b.default_policies:
        if write_bundle(bundle):
            print("  rewrote calculator/_data/bundle.json")
        for name, text in json_schemas().items():
            path = b.policy_dir / "schema" / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                write(path, text)
                print(f"  rewrote policies/schema/{name}")
    print(f"  {len(bundle.regions)} regions, {len(bundle.sources)} sources, {len(bundle.catalogue.procedures)} procedures")


def policy_summary(bundle: Any, today: date) -> str:
    """Regions, parameters, counts by (effective) confidence, and what is older than
    :data:`STALE_DAYS`: regions not verified since, and dated values in force since (most
    parameters are revised yearly, so an old value is worth re-checking)."""
    from calculator._policies import PolicySet, weakest
    from calculator._policy_checks import iter_parameters

    ps = PolicySet(bundle)
    lines = [f"{len(ps.regions)} regions, {len(ps.shared_sources)} shared sources, {len(ps.catalogue)} dental procedures", ""]
    lines.append(f"{'region':<13} {'parent':<13} {'params':>6} {'values':>6}  official secondary unverified  verified_on")
    totals = {"official": 0, "secondary": 0, "unverified": 0}
    stale_regions, old_values = [], []
    for region_id in sorted(ps.regions):
        region = ps.regions[region_id]
        counts = dict.fromkeys(totals, 0)
        params = list(iter_parameters(region))
        values = 0
        for path, param in params:
            for dated in param.values:
                values += 1
                counts[weakest(*(ps.sources[s].confidence for s in dated.source_ids), dated.confidence or "official")] += 1
                if (today - dated.start).days > STALE_DAYS and dated is param.values[-1]:
                    start = f"since {dated.since}" if dated.since else f"seen in force on {dated.seen_on}"
                    old_values.append(f"{region_id}.{path} ({start})")
        for key in totals:
            totals[key] += counts[key]
        if (today - region.verified_on).days > STALE_DAYS:
            stale_regions.append(f"{region_id} ({region.verified_on})")
        lines.append(
            f"{region_id:<13} {region.parent or '-':<13} {len(params):>6} {values:>6}  {counts['official']:>8} {counts['secondary']:>9} {counts['unverified']:>10}  {region.verified_on}"
        )
    own_both = regions_with_own_numbers(ps)
    lines.append("")
    lines.append(f"regions with their own deductible and ratio for both schemes: {len(own_both)} ({', '.join(own_both) or 'none'})")
    lines.append(f"values by confidence: official {totals['official']}, secondary {totals['secondary']}, unverified {totals['unverified']}")
    lines.append(f"regions verified more than 12 months ago: {', '.join(stale_regions) or 'none'}")
    lines.append(f"parameters whose value in force took effect more than 12 months ago: {len(old_values)}")
    lines += [f"  {v}" for v in old_values]
    return "\n".join(lines)


def regions_with_own_numbers(ps: Any) -> list[str]:
    """Regions whose own file states a deductible and a ratio (for some care setting) in both the
    employee and the resident scheme."""
    from calculator._policy_checks import iter_parameters

    out = []
    for region_id in sorted(ps.regions):
        paths = [path.split(".") for path, _ in iter_parameters(ps.regions[region_id])]
        stated = {(p[1], p[3]) for p in paths if len(p) == 4 and p[0] == "rules" and p[3] in ("deductible", "ratio")}
        if all((scheme, name) in stated for scheme in ("employee", "resident") for name in ("deductible", "ratio")):
            out.append(region_id)
    return out


def command_check(b: Build) -> None:
    """Validate the policies (rewriting the bundle and schemas) and print the summary."""
    phase_policies(b)
    from calculator.policy_files import load_policies

    from calculator._policies import PolicySet

    from .coverage import coverage, format_coverage

    from .sources_check import source_report

    bundle = load_policies(b.policy_dir)
    print(policy_summary(bundle, b.today))
    print(source_report(bundle))
    print()
    print(format_coverage(coverage(PolicySet(bundle), b.today)))

