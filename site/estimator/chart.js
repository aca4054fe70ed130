// The chart: what you pay (account + cash) against the bill amount, for the same bill scaled
// up and down. Every point is a call of the Python engine (the page's `estimate`), never a rule
// re-done in JavaScript. Breakpoints (deductible reached, a ratio band changing, the annual cap,
// serious-illness insurance starting…) are found where the engine's answer bends, located by
// bisection with more engine calls, and named by the step whose amount bent. Where some number
// is known only as a range, a band from the best to the worst case runs around the line.
// Inline SVG built with DOM calls; a <title>/<desc> and a table of the points are its text
// alternative.

import { el, replaceWith, scrollBox, svg } from "./dom.js";
import { money, scale, toNumber } from "./money.js";
import { spread } from "./result.js";

const DEN = 1_000_000; // scale factors are numerator / DEN, applied to fen exactly (money.scale)
const SCAN_POINTS = 48;
const SCAN_FROM = 10; // yuan
const SCAN_TO = 1_000_000; // yuan
/** Which step's bend names a breakpoint, in this order (lines, personal_account and cash
 * always move with the bill or with the others). */
const CAUSES = ["deductible", "fund", "annual_cap", "supplementary", "serious_illness", "assistance"];

/** The request with every bill line scaled by factor numerator / DEN (quantities kept; a
 * catalogue line's unit price is the one the engine used, scaled). */
export function scaledRequest(request, result, numerator) {
  return {
    ...request,
    items: request.items.map((item, i) => {
      const line = result.lines[i];
      if (item.code !== undefined && item.code !== null) return { ...item, unit_price: scale(line.unit_price, numerator, DEN) };
      return { ...item, amount: scale(line.amount, numerator, DEN) };
    }),
  };
}

function point(numerator, result) {
  const byRule = {};
  for (const step of result.steps) byRule[step.rule] = (byRule[step.rule] || 0) + toNumber(step.amount);
  const paid = spread(result, "out_of_pocket"); // best to worst case, as the headline takes them
  return { numerator, result, paid, x: toNumber(result.total), y: toNumber(paid.typical), lo: toNumber(paid.low), hi: toNumber(paid.high), byRule };
}

function slope(a, b, key = null) {
  const dy = key ? (b.byRule[key] || 0) - (a.byRule[key] || 0) : b.y - a.y;
  return dy / (b.x - a.x);
}

/** Slopes differ by more than the fen rounding of two points can explain. */
function bends(s1, s2, width) {
  return Math.abs(s1 - s2) > Math.max(0.002, 0.04 / width);
}

/** Sample the curve and find its breakpoints: {points, breaks, here}. */
export async function sampleCurve(request, result, estimate) {
  const total = toNumber(result.total);
  if (!(total > 0) || !Array.isArray(request.items) || request.items.length !== result.lines.length) return null;
  const call = async (numerator) => {
    const r = await estimate(scaledRequest(request, result, numerator)).catch(() => null);
    return r && !r.error && toNumber(r.total) > 0 ? point(numerator, r) : null;
  };
  const low = Math.min(SCAN_FROM / total, 0.05);
  const high = Math.max(SCAN_TO / total, 3);
  const numerators = new Set([DEN]);
  for (let i = 0; i < SCAN_POINTS; i++) numerators.add(Math.max(1, Math.round(low * (high / low) ** (i / (SCAN_POINTS - 1)) * DEN)));
  const scanned = (await Promise.all([...numerators].map(call))).filter(Boolean).sort((a, b) => a.x - b.x);
  const points = scanned.filter((p, i) => i === 0 || p.x > scanned[i - 1].x); // one point per bill amount
  const here = points.find((p) => p.numerator === DEN) || point(DEN, result);

  const breaks = [];
  for (let j = 1; j + 1 < points.length; j++) {
    const [a, b, c] = [points[j - 1], points[j], points[j + 1]];
    if (!bends(slope(a, b), slope(b, c), Math.min(b.x - a.x, c.x - b.x))) continue;
    if (breaks.length && breaks[breaks.length - 1].after.x > a.x) continue; // the same bend seen again
    const found = await locate(a, slope(a, b), c, call);
    if (!found) continue;
    const right = points.find((p) => p.x > found.after.x * 1.02);
    const left = found.before.x - a.x > 1 ? a : points[j - 2];
    const cause = right && left ? CAUSES.find((rule) => bends(slope(left, found.before, rule), slope(found.after, right, rule), right.x - found.after.x)) : null;
    breaks.push({ ...found, cause: cause || "other" });
  }
  return { points: mergePoints(points, breaks), breaks, here };
}

/** Where the bend is: bisection between a (on the left line) and c (off it) narrows it to
 * about a yuan; the left line (slope leftSlope) and the right line (just past the bend)
 * then meet at the bend, and the engine is asked for the bill there. Returns the engine's
 * points at the bend (before) and just past it (after). */
async function locate(a, leftSlope, c, call) {
  const onLine = (p) => Math.abs(p.y - (a.y + leftSlope * (p.x - a.x))) <= 0.02 + 1e-9 * p.x;
  let lo = a;
  let hi = c;
  if (onLine(hi)) return null;
  for (let i = 0; i < 48 && hi.x - lo.x > 1; i++) {
    const numerator = Math.round((lo.numerator + hi.numerator) / 2);
    if (numerator === lo.numerator || numerator === hi.numerator) break;
    const mid = await call(numerator);
    if (!mid) return null;
    if (onLine(mid)) lo = mid;
    else hi = mid;
  }
  // the right line: from hi to a point about 1 % further (well before any next bend)
  const far = await call(Math.round(hi.numerator * 1.01) + 1);
  if (!far || far.x <= hi.x) return { before: lo, after: hi };
  const rightSlope = slope(hi, far);
  if (Math.abs(rightSlope - leftSlope) < 1e-6) return { before: lo, after: hi };
  const x = (hi.y - a.y + leftSlope * a.x - rightSlope * hi.x) / (leftSlope - rightSlope);
  if (!(x > lo.x - 1 && x < hi.x + 1)) return { before: lo, after: hi };
  const at = await call(Math.round((lo.numerator * x) / lo.x)); // the bill is proportional to the scale
  return at ? { before: at, after: hi.x > at.x ? hi : far } : { before: lo, after: hi };
}

function mergePoints(points, breaks) {
  const all = [...points, ...breaks.flatMap((b) => [b.before, b.after])].sort((a, b) => a.x - b.x);
  return all.filter((p, i) => i === 0 || p.x > all[i - 1].x);
}

/** The bill range to draw: the current bill and the next breakpoint above it (unless that is
 * far away), ending on a sampled point. */
function rangeEnd(curve) {
  const { points, breaks, here } = curve;
  const next = breaks.find((b) => b.after.x > here.x * 1.05 && b.after.x < here.x * 20);
  const want = Math.max(here.x * 2, next ? next.after.x * 1.3 : 0);
  return (points.find((p) => p.x >= want) || points[points.length - 1]).x;
}

function niceStep(max, count) {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) || raw;
}

function yuan(n, lang) {
  return Math.round(n).toLocaleString(lang === "zh" ? "zh-CN" : "en");
}

export function renderChart(container, curve, data) {
  const J = data.labels.js;
  const lang = data.lang;
  // One SVG unit = one CSS pixel at the page's width, so the labels stay readable on a phone.
  const W = Math.max(300, Math.min(640, Math.round(container.parentElement?.clientWidth || 640)));
  const H = W < 480 ? 240 : 300, left = 56, right = 16, top = 28, bottom = 44;
  const xEnd = rangeEnd(curve);
  const shown = curve.points.filter((p) => p.x <= xEnd);
  const banded = shown.some((p) => p.lo !== p.y || p.hi !== p.y);
  const yEnd = Math.max(...shown.map((p) => p.hi), curve.here.hi ?? curve.here.y, 1) * 1.1;
  const X = (x) => left + (x / xEnd) * (W - left - right);
  const Y = (y) => H - bottom - (y / yEnd) * (H - top - bottom);
  const xStep = niceStep(xEnd, W < 480 ? 3 : 4);
  const yStep = niceStep(yEnd, 4);
  const ticks = (end, step) => Array.from({ length: Math.floor(end / step) + 1 }, (_, i) => i * step);
  // A bend lies between two samples: "about" a whole yuan, not a sample's exact cents.
  const about = (amount) => `¥${yuan(Number(amount), lang)}`;
  const breakText = (b) => `${J[`break_${b.cause}`]}：${J.chart_at} ${about(b.before.result.total)}（${J.you_pay} ${about(b.before.result.out_of_pocket)}）`;
  const breakTextEn = (b) => `${J[`break_${b.cause}`]}: ${J.chart_at} ${about(b.before.result.total)} (${J.you_pay.toLowerCase()} ${about(b.before.result.out_of_pocket)})`;
  const describe = lang === "zh" ? breakText : breakTextEn;
  const inRange = curve.breaks.filter((b) => b.after.x <= xEnd);
  const bounds = curve.here.result.bounds;
  const [open, close] = lang === "zh" ? ["（", "）"] : [" (", ")"];
  const hereRange = bounds && bounds.best.out_of_pocket !== bounds.worst.out_of_pocket
    ? `${open}${J.best_case}–${J.worst_case} ${money(bounds.best.out_of_pocket)}–${money(bounds.worst.out_of_pocket)}${close}` : "";
  const hereText = `${J.chart_here}${lang === "zh" ? "：" : ": "}${money(curve.here.result.total)} → ${J.you_pay} ${money(curve.here.result.out_of_pocket)}${hereRange}`;

  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "yb-chart-svg", role: "img", "aria-labelledby": "yb-chart-svg-title yb-chart-svg-desc", focusable: "false" },
    svg("title", { id: "yb-chart-svg-title" }, J.chart),
    svg("desc", { id: "yb-chart-svg-desc" }, [`${J.chart_x} 0–${yuan(xEnd, lang)}; ${J.chart_y} 0–${yuan(yEnd, lang)}.`, hereText + ".", ...inRange.map((b, i) => `${i + 1}. ${describe(b)}.`)].join(" ")),
    // grid and axes
    ticks(yEnd, yStep).map((t) => svg("g", { class: "yb-tick" },
      svg("line", { x1: left, x2: W - right, y1: Y(t), y2: Y(t) }),
      svg("text", { x: left - 6, y: Y(t) + 4, "text-anchor": "end" }, yuan(t, lang)))),
    ticks(xEnd, xStep).map((t) => svg("text", { class: "yb-tick", x: X(t), y: H - bottom + 16, "text-anchor": "middle" }, yuan(t, lang))),
    svg("line", { class: "yb-axis", x1: left, x2: W - right, y1: Y(0), y2: Y(0) }),
    svg("line", { class: "yb-axis", x1: left, x2: left, y1: top - 8, y2: Y(0) }),
    svg("text", { class: "yb-axis-label", x: W - right, y: H - 6, "text-anchor": "end" }, J.chart_x),
    svg("text", { class: "yb-axis-label", x: left, y: top - 14, "text-anchor": "start" }, J.chart_y),
    // breakpoints
    inRange.map((b, i) => svg("g", { class: `yb-break yb-break-${b.cause}`, "data-cause": b.cause, "data-bill": b.after.result.total },
      svg("line", { x1: X(b.after.x), x2: X(b.after.x), y1: top, y2: Y(0) }),
      svg("circle", { cx: X(b.after.x), cy: top, r: 9 }),
      svg("text", { x: X(b.after.x), y: top + 4, "text-anchor": "middle" }, String(i + 1)))),
    // best to worst case, around the line
    banded ? svg("polygon", { class: "yb-band", points: [...shown.map((p) => [p.x, p.lo]), ...shown.slice().reverse().map((p) => [p.x, p.hi])].map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(" ") }) : null,
    // the curve
    svg("polyline", { class: "yb-curve", points: shown.map((p) => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(" ") }),
    // you are here
    svg("g", { class: "yb-here" },
      svg("circle", { cx: X(curve.here.x), cy: Y(curve.here.y), r: 6 }),
      svg("text", { x: X(curve.here.x) + (X(curve.here.x) > W * 0.6 ? -10 : 10), y: Y(curve.here.y) - 10, "text-anchor": X(curve.here.x) > W * 0.6 ? "end" : "start" }, J.chart_here)),
  );

  const legend = el("ol", { class: "yb-breaks" },
    inRange.map((b) => el("li", { "data-cause": b.cause, "data-bill": b.before.result.total }, describe(b))),
    curve.breaks.filter((b) => b.after.x > xEnd).map((b) => el("li", { class: "yb-beyond", "data-cause": b.cause, "data-bill": b.before.result.total }, describe(b), " ", J.chart_beyond)));

  const table = el("table", { class: "yb-chart-table" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, J.chart_x), el("th", { scope: "col" }, J.chart_y), banded ? el("th", { scope: "col" }, J.chart_range) : null)),
    el("tbody", {}, shown.map((p) => el("tr", p === curve.here ? { class: "yb-here-row" } : {},
      el("td", {}, money(p.result.total)), el("td", {}, money(p.result.out_of_pocket)),
      banded ? el("td", {}, `${money(p.paid.low)}–${money(p.paid.high)}`) : null))));

  replaceWith(container,
    el("h3", { id: "yb-chart-title" }, J.chart),
    el("p", { class: "yb-chart-intro" }, J.chart_intro, banded ? [" ", J.chart_band] : null),
    el("figure", { class: "yb-figure" }, chart, el("figcaption", {}, hereText)),
    curve.breaks.length ? [el("h4", {}, J.chart_breaks), legend] : null,
    el("details", { class: "yb-chart-points" }, el("summary", {}, J.chart_table), scrollBox(table, J.chart_table)),
  );
  container.hidden = false;
}
