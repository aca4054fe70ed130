// The engine's errors ({error, code, field, value, message}; calculator/_errors.py lists the
// codes) worded in the reader's language with the field's own label: "单价不能为负数". The
// engine's English message and its paths are never shown; a code the page does not know, or an
// error without one (a crash), gets a general sentence in the page's language.

/** Codes whose value is not worth repeating to the reader (it is a description, or none). */
const NO_VALUE = new Set(["not_estimable", "required", "empty", "invalid_json", "too_large", "too_many", "unreadable", "crash"]);
const SHOWN = 80; // the engine cuts values to 80 characters; a value made here is cut the same way

/** "单价（元）" → "单价", "Annual cap (yuan; optional)" → "Annual cap": a label inside a sentence. */
export function bareLabel(text) {
  return String(text || "").replace(/\s+/g, " ").trim().replace(/\s*[（(][^（）()]*[）)]\s*$/, "").replace(/[：:]\s*$/, "");
}

/** The value as the reader typed it, short enough for one line (long text still wraps). */
function shownValue(value) {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (!text || text === "None") return "";
  return text.length > SHOWN ? text.slice(0, SHOWN - 1) + "…" : text;
}

/**
 * The sentence for an engine error. `label` is the field's label as the page shows it (or
 * empty when the page has no field for it); `J` the page's texts (site/labels.yaml, js).
 */
export function wordError(error, label, J) {
  const ours = ["RequestError", "PolicyError", "NotEstimable"].includes(error.error);
  // no code: NotEstimable from an older engine, or an exception that is not the project's (a crash)
  const code = typeof error.code === "string" ? error.code : error.error === "NotEstimable" ? "not_estimable" : ours ? "" : "crash";
  const field = bareLabel(label) || J.err_field_general;
  let template = J[`err_${code}`];
  if (code === "not_estimable" && /^visit_date$/.test(error.field || "")) template = J.err_not_estimable_date;
  if (code === "not_estimable" && !bareLabel(label)) template = J.err_not_estimable_general;
  if (typeof template !== "string") template = J.err_invalid;
  let text = template.replace("{field}", field);
  const value = NO_VALUE.has(code) ? "" : shownValue(error.value);
  if (value) text += J.err_value.replace("{value}", value);
  return text;
}
