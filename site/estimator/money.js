// Money as the engine writes it ("1234.50"): formatting, and the few exact operations the page
// needs (adding the insurance layers, comparing, scaling a bill for the chart). Amounts are
// turned into whole fen as BigInt, so no floating point ever touches a shown amount.

/** "15910.00" → "¥15,910.00" (strings stay strings). */
export function money(amount) {
  const [whole, fraction] = String(amount).split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = whole.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}¥${digits}${fraction !== undefined ? "." + fraction : ""}`;
}

/** "12.3" → 1230n (fen). Throws on anything that is not a plain decimal amount. */
export function toFen(amount) {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount).trim());
  if (!match) throw new Error(`not an amount: ${amount}`);
  const fen = BigInt(match[2]) * 100n + BigInt((match[3] || "").padEnd(2, "0"));
  return match[1] ? -fen : fen;
}

/** 1230n → "12.30". */
export function fromFen(fen) {
  const sign = fen < 0n ? "-" : "";
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}

/** The exact sum of engine amounts, as an amount string. */
export function sum(...amounts) {
  return fromFen(amounts.reduce((total, a) => total + toFen(a), 0n));
}

/** -1, 0 or 1 as a < b, a = b, a > b (exact). */
export function compare(a, b) {
  const d = toFen(a) - toFen(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** amount × numerator / denominator, rounded half up to the fen (exact integers). */
export function scale(amount, numerator, denominator) {
  const n = toFen(amount) * BigInt(numerator) * 2n + BigInt(denominator);
  return fromFen(n / (2n * BigInt(denominator)));
}

/** An amount to whole yuan: "619.50" → "620" ("half" rounds half up; "floor" and "ceil" keep
 * a range's low end low and its high end high). */
export function wholeYuan(amount, mode = "half") {
  const fen = toFen(amount);
  const yuan = fen / 100n; // BigInt division truncates toward zero
  const rest = fen - yuan * 100n;
  if (rest === 0n) return String(yuan);
  if (mode === "floor") return String(rest < 0n ? yuan - 1n : yuan);
  if (mode === "ceil") return String(rest > 0n ? yuan + 1n : yuan);
  const away = rest > 0n ? (rest >= 50n ? 1n : 0n) : (rest <= -50n ? -1n : 0n);
  return String(yuan + away);
}

/** For drawing only (pixel positions, never a shown amount). */
export function toNumber(amount) {
  return Number(amount);
}
