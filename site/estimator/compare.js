// Compare: the same bill at institution levels 1/2/3 and treated locally / elsewhere with
// filing / elsewhere without filing. Every cell is one call of the Python engine (the same
// `estimate` the page uses), never a rule re-done in JavaScript. A cell shows what you pay as
// sure as its data (a range with the typical value, like the headline); the cheapest cells are
// marked in words as well as colour, and only when they are cheaper than another cell.

import { el, replaceWith, scrollBox } from "./dom.js";
import { compare as cmp } from "./money.js";
import { headline } from "./result.js";

export const LEVELS = [1, 2, 3];
export const LOCATIONS = ["local", "cross_region_filed", "cross_region_unfiled"];

/** The request for one cell: only the level and the location (with a filing type) differ. */
export function variant(request, level, location) {
  const out = { ...request, institution_level: level, location };
  if (location === "cross_region_filed") out.filing = request.filing || "temporary";
  else delete out.filing;
  if (location === "local") delete out.treatment_region;
  return out;
}

/** Estimate every cell; resolves to [{level, location, result}] (result may be an error). */
export async function compareCells(request, estimate) {
  const cells = LEVELS.flatMap((level) => LOCATIONS.map((location) => ({ level, location })));
  const results = await Promise.all(cells.map(({ level, location }) =>
    estimate(variant(request, level, location)).catch((error) => ({ error: "Error", code: "crash", message: String(error.message || error) }))));
  return cells.map((cell, i) => ({ ...cell, result: results[i] }));
}

/** `word` turns a cell's engine error into the reader's words (the form's wording). */
export function renderCompare(container, request, cells, data, word = () => data.labels.js.compare_error) {
  const J = data.labels.js;
  const L = data.labels;
  const ok = cells.filter((c) => !c.result.error);
  const paid = ok.map((c) => c.result.out_of_pocket);
  const cheapest = paid.reduce((best, p) => (best === null || cmp(p, best) < 0 ? p : best), null);
  // "cheapest" says one choice saves money: not when every cell costs the same
  const saves = cheapest !== null && paid.some((p) => cmp(p, cheapest) > 0);
  const notes = [];
  const current = (c) => c.level === Number(request.institution_level) && c.location === (request.location || "local");

  const cell = (c) => {
    const attrs = { "data-level": c.level, "data-location": c.location };
    if (c.result.error) {
      const message = word(c.result);
      let n = notes.indexOf(message) + 1;
      if (!n) n = notes.push(message);
      return el("td", { ...attrs, class: "yb-cell-error" }, J.compare_error, el("sup", {}, `[${n}]`));
    }
    const best = saves && cmp(c.result.out_of_pocket, cheapest) === 0;
    const classes = [best ? "yb-cheapest" : "", current(c) ? "yb-current" : ""].filter(Boolean).join(" ");
    const h = headline(c.result, "out_of_pocket", data);
    return el("td", { ...attrs, class: classes || null, "data-you-pay": c.result.out_of_pocket, "data-range": String(h.range) },
      el("span", { class: "yb-cell-amount" }, h.figure),
      h.range ? el("span", { class: "yb-cell-typical" }, h.typicalText) : null,
      best ? el("span", { class: "yb-tag yb-tag-cheapest" }, J.compare_cheapest) : null,
      current(c) ? el("span", { class: "yb-tag yb-tag-current" }, J.compare_current) : null);
  };

  const table = el("table", { class: "yb-compare-table" },
    el("caption", {}, J.compare_intro),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, J.compare_level), LOCATIONS.map((loc) => el("th", { scope: "col" }, L.location[loc])))),
    el("tbody", {}, LEVELS.map((level) => el("tr", {},
      el("th", { scope: "row" }, L.level[String(level)]),
      LOCATIONS.map((loc) => cell(cells.find((c) => c.level === level && c.location === loc))),
    ))));

  replaceWith(container,
    el("h3", { id: "yb-compare-title" }, J.compare),
    scrollBox(table, J.compare_intro),
    notes.length ? el("ol", { class: "yb-notes" }, notes.map((message) => el("li", {}, message))) : null,
  );
  container.hidden = false;
}
