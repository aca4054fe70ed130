// Shows an estimate: the two numbers people came for (insurance pays / you pay), the warnings,
// who pays what, the split of every bill line, each step with its explanation (zh/en), its
// sources, a confidence badge and a link to the glossary term, and the policy used.
// Built with DOM calls: no text from the result is ever parsed as HTML.

import { el, replaceWith, scrollBox } from "./dom.js";
import { money, sum } from "./money.js";

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
  return el("span", { class: `yb-conf yb-conf-${level}` }, (level === "unverified" ? "⚠ " : "") + (labels.confidence[level] || level));
}

function sourceLinks(ids, sources, lang) {
  const out = [];
  ids.forEach((id, i) => {
    const src = sources[id] || { title: id };
    const title = src.title && typeof src.title === "object" ? src.title[lang] ?? src.title.zh : src.title; // {zh, en}, or a reader's own string
    if (i) out.push("; ");
    out.push(src.url && /^https?:\/\//.test(src.url) ? el("a", { href: src.url, rel: "noopener noreferrer", target: "_blank", class: "yb-src" }, title) : title);
  });
  return out;
}

/** One line naming the visit (region, scheme, care, level, where, date): printed with the result. */
function visitLine(request, data) {
  const L = data.labels;
  const region = data.regions.find((r) => r.id === request.region);
  const parts = [
    region ? region.name[data.lang] : request.region,
    L.scheme[request.scheme] + (request.member && L.member[request.member] ? ` · ${L.member[request.member]}` : ""),
    L.care[request.care],
    L.level[String(request.institution_level)],
    L.location[request.location || "local"],
    request.visit_date,
  ];
  return parts.filter(Boolean).join(" · ");
}

export function renderResult(container, result, data, link, request = null) {
  const J = data.labels.js;
  const lang = data.lang;
  const names = Object.fromEntries(data.regions.map((r) => [r.id, r.name[lang]]));
  const text = (t) => (t && (t[lang] ?? t.zh)) || "";
  const insurance = sum(...INSURANCE.map((k) => result[k]));

  const big = el("div", { class: "yb-big" },
    el("div", { class: "yb-big-you" },
      el("span", { class: "yb-big-label" }, J.you_pay),
      el("strong", { "data-key": "you_pay" }, money(result.out_of_pocket)),
      el("span", { class: "yb-big-detail" }, J.you_pay_detail.replace("{account}", money(result.personal_account)).replace("{cash}", money(result.cash)))),
    el("div", { class: "yb-big-insurance" },
      el("span", { class: "yb-big-label" }, J.insurance_pays),
      el("strong", { "data-key": "insurance_pays" }, money(insurance)),
      el("span", { class: "yb-big-detail" }, J.insurance_detail)),
  );

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
    el("dt", {}, J.effective), el("dd", {}, policy.effective || "–"),
    el("dt", {}, J.verified_on), el("dd", {}, policy.verified_on),
    el("dt", {}, J.confidence), el("dd", {}, confidenceBadge(policy.confidence, data.labels)),
  );
  const own = request && request.policy ? el("p", { class: "yb-own-note" }, request.policy.id === "own" ? J.own_in_use : J.inline_policy) : null;

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
