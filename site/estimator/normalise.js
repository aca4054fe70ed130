// What people type into an amount field, as the engine reads it.

/** Full-width digits and separators (Chinese input methods) to ASCII; drop thousands commas
 * and spaces. The engine checks the result and names the field when it is not an amount. */
export function normaliseAmount(text) {
  return String(text).trim()
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, ".")
    .replace(/[，,\s]/g, "");
}

/** A percentage as typed: "80", "80%", "８０％". */
export function normalisePercent(text) {
  return normaliseAmount(String(text).replace(/[％%]/g, ""));
}
