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
