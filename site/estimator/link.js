// A request lives in the page's URL fragment as URI-encoded JSON, so an estimate can be
// bookmarked and shared without any server seeing it. A link that arrives broken (cut short by
// a messenger, edited by hand, garbage) is read as far as it goes and never throws.

/** A fragment longer than this is not read (a request the form can show is a few KB). */
export const MAX_FRAGMENT = 200_000;

export function fragmentFor(request) {
  return "#" + encodeURIComponent(JSON.stringify(request));
}

/**
 * What a fragment holds: {request, broken}. `request` is the object read (null when none);
 * `broken` is true when the fragment meant to be a request and could not be read whole (bad
 * encoding, truncated or invalid JSON, not an object). A heading anchor (an element's id) or
 * no fragment is {request: null, broken: false}.
 */
export function readFragment(hash, doc = globalThis.document) {
  if (!hash || hash.length < 2) return { request: null, broken: false };
  const raw = hash.slice(1);
  if (raw.length > MAX_FRAGMENT) return { request: null, broken: true };
  let text;
  try {
    text = decodeURIComponent(raw);
  } catch {
    text = decodeLoosely(raw); // a "%" cut off mid-escape, or a stray "%"
    if (text === null) return { request: null, broken: true };
  }
  if (!text.trimStart().startsWith("{")) {
    if (doc && doc.getElementById(text)) return { request: null, broken: false }; // an anchor
    return { request: null, broken: true };
  }
  try {
    const value = JSON.parse(text);
    if (isObject(value)) return { request: value, broken: false };
    return { request: null, broken: true };
  } catch {
    return { request: salvage(text), broken: true };
  }
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Decode what can be decoded: each valid %XX run, the rest kept as it is. */
function decodeLoosely(raw) {
  try {
    return raw.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return ""; // a multi-byte character cut in half
      }
    }).replace(/%[0-9A-Fa-f]?$/, "");
  } catch {
    return null;
  }
}

/**
 * The longest readable start of a truncated JSON object: cut back to the end of a complete
 * member, close what is open, parse. Only cut points outside strings are tried, last first,
 * and at most a few hundred of them (a long fragment is not parsed again and again).
 */
export function salvage(text) {
  const cuts = []; // [index, closing brackets] where text.slice(0, index) ends a whole member
  const stack = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") stack.push(c === "{" ? "}" : "]");
    else if (c === "}" || c === "]") {
      stack.pop();
      if (stack.length) cuts.push([i + 1, stack.slice().reverse().join("")]);
      else break; // the top-level object ended: what follows is not part of it
    } else if (c === ",") cuts.push([i, stack.slice().reverse().join("")]);
  }
  for (const [index, closers] of cuts.reverse().slice(0, 300)) {
    try {
      const value = JSON.parse(text.slice(0, index) + closers);
      if (isObject(value)) return value;
    } catch {
      // an earlier cut may do
    }
  }
  return null;
}

/** The language switch (Material's header menu, site/overrides/partials/alternate.html) leads
 * to the same page in the other language; on the estimator it carries the fragment too, so the
 * other language opens with the same inputs. */
export function carryToLanguageLinks(hash, doc = document) {
  for (const a of doc.querySelectorAll("a.md-select__link[hreflang]")) {
    a.href = a.href.split("#")[0] + (hash || "");
  }
}
