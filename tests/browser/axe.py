"""axe-core for the accessibility tests: the npm package pinned by version and sha512, fetched
once with ``npm pack`` into the cache (``YIBAO_CACHE``, default ``~/.cache/yibao``) as the build
does for Pyodide, and injected into a page with Playwright. Test-only: nothing of it is copied
into the built site."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import tarfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from yibao_site import settle

#: npm ``axe-core``: version and the tarball's ``dist.integrity`` (``npm view axe-core@4.14.1``).
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="



def cache_dir() -> Path:
    return Path(os.environ.get("YIBAO_CACHE", Path.home() / ".cache" / "yibao"))


@lru_cache(maxsize=1)
def axe_script() -> str:
    """``axe.min.js`` of the pinned release (fetched with ``npm pack`` on first use). A tarball
    whose sha512 is not the pinned one is moved aside and the test run stops."""
    tarball = cache_dir() / "npm" / f"axe-core-{AXE_VERSION}.tgz"
    if not tarball.exists():
        tarball.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(tarball.parent)], check=True, capture_output=True)
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != AXE_INTEGRITY:
        tarball.rename(tarball.with_suffix(".tgz.bad"))
        raise RuntimeError(f"{tarball}: integrity {digest} is not the pinned {AXE_INTEGRITY}")
    with tarfile.open(tarball) as tf:
        member = tf.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8")


def run_axe(page: Any, script: str) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (each with its rule id, impact and nodes): every
    rule axe runs by default (WCAG 2.0-2.2 A and AA and its best practices; not AAA, not
    experimental)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # evaluated through the DevTools protocol: the page's Content-Security-Policy refuses an
        # added inline <script> (add_script_tag)
        page.evaluate(script + "\n;void 0")
        assert page.evaluate("typeof window.axe === 'object'"), "axe-core did not load"
    result = settle(
        page,
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary, html: n.html.slice(0, 200)}))})); }",
        what=f"axe.run on {page.url}",
    )
    return list(result)


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations as readable lines (rule, impact, each node and why it fails)."""
    lines = []
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
        for n in v["nodes"][:8]:
            lines.append(f"    {n['target']}: {n['summary'].splitlines()[-1].strip() if n['summary'] else ''}")
            lines.append(f"      {n['html']}")
    return "\n".join(lines)
