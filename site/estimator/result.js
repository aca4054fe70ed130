// Shows an estimate: the two numbers people came for (insurance pays / you pay), as sure as the
// data behind them (a range with its typical value when some number is only known as a range,
// whole yuan when a number used is not from an official source), the warnings, who pays what,
// the split of every bill line, each step with its explanation (zh/en), the ranges it used, its
// sources, a confidence badge and a link to the glossary term, and the policy used.
// Built with DOM calls: no text from the result is ever parsed as HTML.

import { el, replaceWith, scrollBox } from "./dom.js";
import { compare, money, sum, wholeYuan } from "./money.js";
import { OWN_ID } from "./own-policy.js";

export { money };

const PAYERS = ["fund", "serious_illness", "supplementary", "assistance", "personal_account", "cash"];
const INSURANCE = ["fund", "serious_illness", "supplementary", "assistance"];
const ALWAYS = new Set(["fund", "personal_account", "cash"]);

/** Each step's rule → the glossary term (guide/glossary.md, the same ids in both languages). */
export const GLOSSARY = {
  lines: "categories",
  deductible: "deductible",
  fund: "fund-ratio",
  annual_cap: "annual-cap",
  serious_illness: "serious-illness",
  supplementary: "supplementary",
  assistance: "medical-assistance",
  personal_account: "personal-account",
  cross_region: "cross-region-filing",
  non_designated: "designated-institution",
  cash: "direct-settlement",
};

/** The glossary page, relative to the estimator page (`estimate/` and `en/estimate/`). */
export const GLOSSARY_PAGE = "../guide/glossary/";

function termFor(step, request) {
  if (step.rule === "eligibility") return request && request.designated === false ? "designated-institution" : "cross-region-filing";
  return GLOSSARY[step.rule] || null;
}

export function confidenceBadge(level, labels) {
  if (!level) return null;
  const name = level === "own" ? labels.js.conf_own : labels.confidence[level] || level;
  return el("span", { class: `yb-conf yb-conf-${level}` }, (level === "unverified" ? "⚠ " : "") + name);
}

/** A text of the result: {zh, en} (take the page's language) or a plain string. */
function localText(value, lang) {
  if (value && typeof value === "object") return value[lang] ?? value.zh ?? "";
  return value === undefined || value === null ? "" : String(value);
}

function sourceLinks(ids, sources, lang) {
  const out = [];
  ids.forEach((id, i) => {
    const src = sources[id] || { title: id };
    const title = localText(src.title, lang) || id;
    if (i) out.push("; ");
    out.push(src.url && /^https?:\/\//.test(src.url) ? el("a", { href: src.url, rel: "noopener noreferrer", target: "_blank", class: "yb-src" }, title) : title);
  });
  return out;
}

/** True when a number used is below "official" (the reader's own numbers count as sure). */
export function roughData(result) {
  const level = result.policy && result.policy.confidence;
  return level === "secondary" || level === "unverified";
}

/** The three values of `key` ("out_of_pocket" or "insurance"): low, typical, high. */
export function spread(result, key) {
  const pick = (r) => (key === "insurance" ? sum(...INSURANCE.map((k) => r[k] ?? "0.00")) : r[key]);
  const typical = pick(result);
  const best = result.bounds?.best, worst = result.bounds?.worst;
  if (!best || !worst) return { low: typical, typical, high: typical };
  // the best case for the reader pays least out of pocket, and so has the most insurance
  const [a, b] = key === "insurance" ? [pick(worst), pick(best)] : [pick(best), pick(worst)];
  return compare(a, b) <= 0 ? { low: a, typical, high: b } : { low: b, typical, high: a };
}

/**
 * A headline figure as sure as its data: {range, low, typical, high, text} with the amounts
 * written for the page (whole yuan when the data is rough) and the sentence a reader hears:
 * "您支付约 ¥560–¥700，通常 ¥620" or "您支付 ¥620.00".
 */
export function headline(result, key, data) {
  const J = data.labels.js;
  const s = spread(result, key);
  const rough = roughData(result);
  const write = (amount, mode) => money(rough ? wholeYuan(amount, mode) : amount);
  const range = compare(s.low, s.high) !== 0;
  const out = { range, rough, low: write(s.low, "floor"), typical: write(s.typical, "half"), high: write(s.high, "ceil") };
  const [about, plain] = key === "insurance" ? [J.insurance_pays_about, J.insurance_pays] : [J.you_pay_about, J.you_pay];
  out.label = range ? about : plain;
  out.figure = range ? `${out.low}–${out.high}` : out.typical;
  out.typicalText = range ? `${J.typically} ${out.typical}` : "";
  out.text = range ? `${about} ${out.figure}${J.range_sep}${out.typicalText}` : `${plain} ${out.typical}`;
  return out;
}

/** "参数只知道范围 60–80，这里取 80。" for each range a step used. */
function stepRanges(step, data) {
  if (!Array.isArray(step.range) || !step.range.length) return null;
  const J = data.labels.js;
  const unit = (r, n) => (r.unit === "percent" ? `${n}%` : r.unit === "yuan" ? money(n) : String(n));
  return el("p", { class: "yb-step-range" }, step.range.map((r, i) => [i ? " " : "",
    J.step_range.replace("{parameter}", localText(r.parameter, data.lang)).replace("{low}", unit(r, r.low)).replace("{high}", unit(r, r.high)).replace("{used}", unit(r, r.used))]));
}

/** One line naming the visit (region, scheme, care, level, where, date): printed with the result. */
function visitLine(request, data) {
  const L = data.labels;
  const name = (id) => {
    const region = data.regions.find((r) => r.id === id);
    return region ? region.name[data.lang] : id === "elsewhere" ? L.js.treatment_elsewhere : id;
  };
  const where = L.location[request.location || "local"];
  const parts = [
    name(request.region),
    L.scheme[request.scheme] + (request.member && L.member[request.member] ? ` · ${L.member[request.member]}` : ""),
    L.care[request.care],
    L.level[String(request.institution_level)],
    request.treatment_region && request.location !== "local" ? `${where}${data.lang === "zh" ? "：" : ": "}${name(request.treatment_region)}` : where,
    request.visit_date,
  ];
  return parts.filter(Boolean).join(" · ");
}

/** When the policy used has been in force: the latest known start of the numbers used, and when
 * some numbers' start is unknown, the latest date they were seen in force as well. */
function inForceSince(policy, J) {
  const seen = policy.seen_on ? J.seen_on.replace("{date}", policy.seen_on) : null;
  if (policy.effective && seen) return J.effective_partly.replace("{date}", policy.effective).replace("{seen}", policy.seen_on);
  return policy.effective || seen || "–";
}

export function renderResult(container, result, data, link, request = null) {
  const J = data.labels.js;
  const lang = data.lang;
  const names = Object.fromEntries(data.regions.map((r) => [r.id, r.name[lang]]));
  names[OWN_ID] = J.own_name; // the reader's own numbers, never the raw id
  const text = (t) => (t && (t[lang] ?? t.zh)) || "";

  const you = headline(result, "out_of_pocket", data);
  const insured = headline(result, "insurance", data);
  const figure = (h, key, detail, extra) => el("div", { class: `yb-big-${key === "you_pay" ? "you" : "insurance"}`, "data-headline": h.text, "data-range": String(h.range) },
    el("span", { class: "yb-big-label" }, h.label),
    el("strong", { "data-key": key }, h.figure),
    h.range ? el("span", { class: "yb-big-typical", "data-key": `${key}_typical` }, h.typicalText) : null,
    el("span", { class: "yb-big-detail" }, detail), extra);
  const wrote = (amount) => money(you.rough ? wholeYuan(amount) : amount);
  const big = el("div", { class: "yb-big" },
    figure(you, "you_pay", J.you_pay_detail.replace("{account}", wrote(result.personal_account)).replace("{cash}", wrote(result.cash))),
    figure(insured, "insurance_pays", J.insurance_detail),
  );
  const sureness = you.range || you.rough
    ? el("div", { class: "yb-sureness" }, you.range ? el("p", { class: "yb-range-note" }, J.range_why) : null, you.rough ? el("p", { class: "yb-rounded-note" }, J.rounded_note) : null)
    : null;

  const summary = el("table", { class: "yb-summary" },
    el("caption", {}, J.split),
    el("tbody", {},
      el("tr", { class: "yb-total" }, el("th", { scope: "row" }, J.total), el("td", { "data-key": "total" }, money(result.total))),
      PAYERS.filter((k) => ALWAYS.has(k) || result[k] !== "0.00").map((k) =>
        el("tr", {}, el("th", { scope: "row" }, J[k]), el("td", { "data-key": k }, money(result[k])))),
      el("tr", { class: "yb-oop" }, el("th", { scope: "row" }, J.out_of_pocket), el("td", { "data-key": "out_of_pocket" }, money(result.out_of_pocket))),
    ));

  const lines = el("table", { class: "yb-lines" },
    el("thead", {}, el("tr", {}, [J.code, J.line_amount, J.self_pay, J.first_pay, J.in_scope].map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, result.lines.map((line) => el("tr", {},
      el("td", {}, text(line.name), " ", el("span", { class: "yb-cat" }, data.labels.category[line.category] || line.category),
        line.code ? el("span", { class: "yb-qty" }, ` × ${line.quantity} @ ${money(line.unit_price)}`) : null),
      el("td", {}, money(line.amount)), el("td", {}, money(line.self_pay)), el("td", {}, money(line.first_pay)), el("td", {}, money(line.in_scope)),
    ))));

  const steps = el("ol", { class: "yb-steps" }, result.steps.map((step) => {
    const term = termFor(step, request);
    return el("li", { "data-rule": step.rule },
      el("p", {}, text(step.text), " ", el("strong", { class: "yb-amount" }, money(step.amount)), " ", confidenceBadge(step.confidence, data.labels)),
      stepRanges(step, data),
      el("p", { class: "yb-cite" },
        step.sources.length ? [J.sources + ": ", ...sourceLinks(step.sources, result.sources, lang)] : null,
        step.sources.length && term ? el("span", { class: "yb-term-sep" }, " · ") : null,
        term ? el("a", { class: "yb-term", href: `${GLOSSARY_PAGE}#${term}`, "data-term": term }, `${J.glossary_link}${lang === "zh" ? "" : " "}${J[`term_${term}`] || term}${lang === "zh" ? "？" : ""}`) : null),
    );
  }));

  const warnings = result.warnings.length
    ? el("div", { class: "yb-warnings-box", role: "note" },
      el("h3", {}, J.warnings),
      el("ul", { class: "yb-warnings" }, result.warnings.map((w) => el("li", { "data-code": w.code }, text(w.text)))))
    : null;

  const policy = result.policy;
  const policyList = el("dl", { class: "yb-policy" },
    el("dt", {}, J.chain), el("dd", {}, policy.chain.map((id) => names[id] || id).join(" ← ")),
    el("dt", {}, J.effective), el("dd", {}, inForceSince(policy, J)),
    el("dt", {}, J.verified_on), el("dd", {}, policy.verified_on),
    el("dt", {}, J.confidence), el("dd", {}, confidenceBadge(policy.confidence, data.labels)),
  );
  const own = request && request.policy ? el("p", { class: "yb-own-note" }, request.policy.id === OWN_ID ? J.own_in_use : J.inline_policy) : null;

  const copy = el("button", { type: "button", class: "md-button yb-copy" }, J.copy);
  const linkInput = el("input", { type: "text", readonly: "", value: link, class: "yb-link", id: "yb-link" });
  copy.addEventListener("click", async () => {
    linkInput.select();
    try {
      await navigator.clipboard.writeText(link);
      copy.textContent = J.copied;
    } catch {
      document.execCommand?.("copy");
    }
  });
  const print = el("button", { type: "button", class: "md-button yb-print-button" }, J.print);
  print.addEventListener("click", () => window.print());

  replaceWith(container,
    el("h2", { id: "yb-result-title", tabindex: "-1" }, J.result),
    el("p", { class: "yb-stale-note", role: "status" }, J.stale),
    request ? el("p", { class: "yb-visit" }, el("span", { class: "yb-visit-label" }, J.visit + (lang === "zh" ? "：" : ": ")), visitLine(request, data)) : null,
    big,
    sureness,
    warnings,
    own,
    summary,
    el("h3", {}, J.lines), scrollBox(lines, J.lines),
    el("h3", {}, J.steps), steps,
    el("div", { class: "yb-policy-box" }, el("h3", {}, J.policy), policyList),
    el("div", { class: "yb-share" }, el("label", { for: "yb-link" }, J.link), linkInput, el("p", { class: "yb-actions" }, copy, " ", print)),
  );
  container.hidden = false;
}
