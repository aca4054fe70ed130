// Shows an estimate: who pays what, the split of every bill line, each step with its
// explanation (zh/en) and sources, the warnings and the policy used. Built with DOM calls:
// no text from the result is ever parsed as HTML.

const PAYERS = ["fund", "serious_illness", "supplementary", "assistance", "personal_account", "cash"];
const ALWAYS = new Set(["fund", "personal_account", "cash"]);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** "15910.00" → "15,910.00" (strings stay strings: no floating point). */
export function money(amount) {
  const [whole, fraction] = String(amount).split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = whole.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}¥${digits}${fraction !== undefined ? "." + fraction : ""}`;
}

function confidence(level, labels) {
  if (!level) return null;
  return el("span", { class: `yb-conf yb-conf-${level}` }, (level === "unverified" ? "⚠ " : "") + (labels.confidence[level] || level));
}

function sourceLinks(ids, sources) {
  const out = [];
  ids.forEach((id, i) => {
    const src = sources[id] || { title: id };
    if (i) out.push("; ");
    out.push(src.url && /^https?:\/\//.test(src.url) ? el("a", { href: src.url, rel: "noopener noreferrer", target: "_blank", class: "yb-src" }, src.title) : src.title);
  });
  return out;
}

export function renderResult(container, result, data, link) {
  const J = data.labels.js;
  const lang = data.lang;
  const names = Object.fromEntries(data.regions.map((r) => [r.id, r.name[lang]]));
  const text = (t) => (t && (t[lang] ?? t.zh)) || "";

  const summary = el("table", { class: "yb-summary" },
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

  const steps = el("ol", { class: "yb-steps" }, result.steps.map((step) => el("li", { "data-rule": step.rule },
    el("p", {}, text(step.text), " ", el("strong", { class: "yb-amount" }, money(step.amount)), " ", confidence(step.confidence && step.confidence !== "official" ? step.confidence : null, data.labels)),
    step.sources.length ? el("p", { class: "yb-cite" }, J.sources + ": ", sourceLinks(step.sources, result.sources)) : null,
  )));

  const warnings = result.warnings.length
    ? [el("h3", {}, J.warnings), el("ul", { class: "yb-warnings" }, result.warnings.map((w) => el("li", { "data-code": w.code }, text(w.text))))]
    : [];

  const policy = result.policy;
  const policyList = el("dl", { class: "yb-policy" },
    el("dt", {}, J.chain), el("dd", {}, policy.chain.map((id) => names[id] || id).join(" ← ")),
    el("dt", {}, J.effective), el("dd", {}, policy.effective || "–"),
    el("dt", {}, J.verified_on), el("dd", {}, policy.verified_on),
    el("dt", {}, J.confidence), el("dd", {}, confidence(policy.confidence, data.labels)),
  );

  const copy = el("button", { type: "button", class: "md-button yb-copy" }, J.copy);
  const linkInput = el("input", { type: "text", readonly: "", value: link, class: "yb-link", "aria-label": J.link });
  copy.addEventListener("click", async () => {
    linkInput.select();
    try {
      await navigator.clipboard.writeText(link);
      copy.textContent = J.copied;
    } catch {
      document.execCommand?.("copy");
    }
  });

  container.replaceChildren(
    el("h2", { id: "yb-result-title", tabindex: "-1" }, J.result),
    summary,
    ...warnings,
    el("h3", {}, J.lines), lines,
    el("h3", {}, J.steps), steps,
    el("h3", {}, J.policy), policyList,
    el("p", { class: "yb-share" }, el("label", {}, J.link, linkInput), copy),
  );
  container.hidden = false;
}
