// A request lives in the page's URL fragment as URI-encoded JSON, so an estimate can be
// bookmarked and shared without any server seeing it.

export function fragmentFor(request) {
  return "#" + encodeURIComponent(JSON.stringify(request));
}

/** The request in a fragment, or null when the fragment is not one (e.g. a heading anchor). */
export function requestFrom(hash) {
  if (!hash || hash.length < 2) return null;
  let text;
  try {
    text = decodeURIComponent(hash.slice(1));
  } catch {
    return null;
  }
  if (!text.trimStart().startsWith("{")) return null;
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** The language switch (Material's header menu, site/overrides/partials/alternate.html) leads
 * to the same page in the other language; on the estimator it carries the fragment too, so the
 * other language opens with the same inputs. */
export function carryToLanguageLinks(hash, doc = document) {
  for (const a of doc.querySelectorAll("a.md-select__link[hreflang]")) {
    a.href = a.href.split("#")[0] + (hash || "");
  }
}
