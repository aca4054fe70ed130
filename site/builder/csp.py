"""The site's Content-Security-Policy: the policy every page carries as its first ``<meta>``
(site/overrides/main.html), and the check-output rules that keep the pages within it (no inline
script, handler, ``javascript:`` URL or style that the policy does not allow)."""

from __future__ import annotations

import base64
import hashlib
import re

#: Everything from the site's own origin. Scripts: no inline code ('wasm-unsafe-eval' lets the
#: page compile WebAssembly; Pyodide runs in workers, which take their policy from their own
#: response). Images also as data: URLs (the theme's icons are data: SVGs in its CSS).
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)

#: <script type> values a browser runs (an empty type is JavaScript; importmap and
#: speculationrules are inline JSON that CSP governs as scripts).
_RUN_TYPES = {"", "module", "importmap", "speculationrules"}
#: Attributes holding a URL that the browser may follow or run.
_URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}
#: Tags before which the policy must already be in force.
_AFTER_POLICY = {"script", "link", "style", "img", "iframe", "object", "embed", "base", "body"}


def directive(policy: str, name: str) -> list[str]:
    """The sources of one directive of ``policy`` (empty if absent)."""
    for part in policy.split(";"):
        words = part.split()
        if words and words[0].lower() == name:
            return words[1:]
    return []


def source_hash(text: str) -> str:
    """The CSP source expression allowing this inline script or style: ``'sha256-…'``."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _runs(script_type: str) -> bool:
    kind = script_type.split(";")[0].strip().lower()
    return kind in _RUN_TYPES or "javascript" in kind or "ecmascript" in kind


class CspScan:
    """Fed a page's tags as an HTML parser reads them (:meth:`start`, :meth:`data`,
    :meth:`end`); :meth:`problems` then lists what the page's policy would block, or a policy
    that is missing, late or not :data:`CSP`."""

    def __init__(self) -> None:
        self.policies: list[str] = []
        self.before_policy: list[str] = []  # tags met before the policy's <meta>
        self.found: list[str] = []
        self._inline: tuple[str, list[str]] | None = None  # (what, text chunks) of an open <script>/<style>

    def start(self, tag: str, attrs: dict[str, str], line: int) -> None:
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "content-security-policy":
            self.policies.append(attrs.get("content", ""))
        elif not self.policies and tag in _AFTER_POLICY:
            self.before_policy.append(f"<{tag}> (line {line})")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"an inline event handler {name}= on <{tag}> (line {line})")
            elif name == "style":
                self.found.append(f"a style attribute on <{tag}> (line {line}): {value[:60]}")
            elif name in _URL_ATTRS and re.match(r"\s*javascript:", value, re.I):
                self.found.append(f"a javascript: URL in <{tag} {name}> (line {line})")
        if tag == "script" and not attrs.get("src") and _runs(attrs.get("type", "")):
            self._inline = (f"an inline <script> (line {line})", [])
        elif tag == "style":
            self._inline = (f"an inline <style> (line {line})", [])

    def data(self, text: str) -> None:
        if self._inline is not None:
            self._inline[1].append(text)

    def end(self, tag: str) -> None:
        if self._inline is not None and tag in ("script", "style"):
            what, chunks = self._inline
            self._inline = None
            allowed = directive(self.policies[0] if self.policies else "", "script-src" if tag == "script" else "style-src")
            text = "".join(chunks)
            if source_hash(text) not in allowed:
                self.found.append(f"{what} not allowed by a hash in the policy: {' '.join(text.split())[:80]}")

    def problems(self) -> list[str]:
        out = []
        if not self.policies:
            out.append("no Content-Security-Policy <meta>")
        else:
            if len(self.policies) > 1:
                out.append(f"{len(self.policies)} Content-Security-Policy <meta> elements (one is the rule)")
            if self.policies[0] != CSP:
                out.append(f"a Content-Security-Policy that is not the site's: {self.policies[0]}")
            if self.before_policy:
                out.append("the Content-Security-Policy <meta> comes after " + ", ".join(self.before_policy[:3]))
        return out + self.found
