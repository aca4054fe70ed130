// The estimator form: the page's HTML holds every field (usable before Python has loaded);
// this module adds bill lines, turns the form into a request (DESIGN §5) and back (from a
// shared link, keeping only what fits the form), and shows an error beside the field the
// engine names (`items[0].amount`), worded with that field's label, without touching the input.

import { wordError } from "./errors.js";
import { normaliseAmount } from "./normalise.js";
import { OwnNumbers } from "./own-policy.js";

export { normaliseAmount };

/** Request keys the form shows; any other key of a loaded request is kept as it is. */
const FORM_KEYS = new Set([
  "region", "visit_date", "scheme", "member", "care", "institution_level", "admission_number",
  "location", "filing", "treatment_region", "designated", "emergency", "assistance_eligible", "items",
  "year_to_date", "personal_account_balance", "policy",
]);
const SELECTS = ["region", "scheme", "care", "institution_level", "location", "filing", "treatment_region"];
const CHECKS = ["designated", "emergency", "assistance_eligible"];
const CATEGORIES = ["A", "B", "self_pay"];
const KINDS = ["drug", "exam_treatment", "material", "service"];
/** Request keys the page labels with a text of its own when no field of the form shows them. */
const LABEL_KEYS = { institution_level: "level" };

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
/** A number or numeric text from a link, as the form shows it; null when it is neither. */
const scalar = (v) => (typeof v === "string" || (typeof v === "number" && Number.isFinite(v)) ? String(v) : null);
const YEAR_TO_DATE = ["deductible_paid", "fund_paid", "in_scope_spent", "personal_in_scope_share", "serious_illness_paid", "assistance_paid"];

function wholeOrText(text) {
  const value = normaliseAmount(text);
  return /^\d+$/.test(value) ? Number(value) : value;
}

export class EstimatorForm {
  constructor(form, data) {
    this.form = form;
    this.data = data;
    this.labels = data.labels.js;
    this.list = form.querySelector("#yb-items");
    this.rows = []; // request item index → row element, from the last read()
    this.extra = {}; // keys of a loaded request the form does not show
    this.foreignPolicy = null; // an inline policy from a link that the own-numbers fields cannot show
    this.own = new OwnNumbers(form, this.labels);
    this.field = (name) => form.querySelector(`[data-field="${name}"]`);
    form.querySelector("#yb-add-code").addEventListener("click", () => { this.addRow("code").querySelector("select").focus(); this.changed(); });
    form.querySelector("#yb-add-free").addEventListener("click", () => { this.addRow("free").querySelector("input").focus(); this.changed(); });
    this.list.addEventListener("click", (event) => {
      const button = event.target.closest(".yb-remove");
      if (!button) return;
      const row = button.closest(".yb-item");
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      // keyboard users stay in the list: the next line's first control, or "add a line"
      (next?.querySelector("select, input") || form.querySelector("#yb-add-code")).focus();
      this.changed();
    });
    this.list.addEventListener("change", (event) => {
      if (event.target.matches('[data-part="code"]')) this.showTypical(event.target.closest(".yb-item"));
    });
    for (const name of ["scheme", "care", "location"]) this.field(name).addEventListener("change", () => this.sync());
    this.field("care").addEventListener("change", () => this.own.careChanged(this.field("care").value));
    if (!this.field("visit_date").value) this.field("visit_date").value = today();
    if (!this.list.children.length) this.addRow("code");
    this.sync();
  }

  /** Tell the page the form changed without an input event (a line added or removed). */
  changed() {
    this.form.dispatchEvent(new CustomEvent("yb-edit", { bubbles: true }));
  }

  /** Show only the fields that apply: members of the scheme, admission number for inpatient
   * care, filing type for filed care elsewhere, the place of treatment and the own numbers for
   * care elsewhere. */
  sync() {
    const scheme = this.field("scheme").value;
    const member = this.field("member");
    for (const option of member.options) option.hidden = option.dataset.scheme !== scheme;
    const first = [...member.options].find((o) => !o.hidden);
    if (member.selectedOptions[0]?.hidden && first) member.value = first.value;
    this.form.querySelector('[data-for="admission_number"]').hidden = this.field("care").value !== "inpatient";
    const location = this.field("location").value;
    this.form.querySelector('[data-for="filing"]').hidden = location !== "cross_region_filed";
    this.form.querySelector('[data-for="treatment_region"]').hidden = location === "local";
    this.own.sync(location);
  }

  addRow(type, item = null) {
    const template = this.form.ownerDocument.getElementById(type === "code" ? "yb-row-code" : "yb-row-free");
    const row = template.content.firstElementChild.cloneNode(true);
    this.list.append(row);
    const part = (name) => row.querySelector(`[data-part="${name}"]`);
    if (item && type === "code") {
      const select = part("code");
      if (![...select.options].some((o) => o.value === String(item.code))) {
        select.append(new Option(String(item.code), String(item.code))); // unknown code: keep it, the engine will say so
      }
      select.value = String(item.code);
      if (item.quantity !== undefined) part("quantity").value = String(item.quantity);
      if (item.unit_price !== undefined && item.unit_price !== null) part("unit_price").value = String(item.unit_price);
    } else if (item) {
      for (const name of ["name", "category", "amount", "kind"]) {
        if (item[name] !== undefined && item[name] !== null) part(name).value = String(item[name]);
      }
    }
    if (type === "code") this.showTypical(row);
    return row;
  }

  showTypical(row) {
    const option = row.querySelector('[data-part="code"]').selectedOptions[0];
    const d = option?.dataset || {};
    row.querySelector('[data-part="unit_price"]').placeholder = d.typical || "";
    const [open, close] = this.data.lang === "zh" ? ["（", "）"] : [" (", ")"];
    row.querySelector('[data-part="range"]').textContent = d.typical ? `${this.labels.typical} ${d.typical}${open}${d.low}–${d.high}${close}` : "";
  }

  /** The request the form describes (fields that do not apply are left out). */
  read() {
    const value = (name) => this.field(name).value;
    const request = { ...this.extra };
    request.region = value("region");
    request.visit_date = value("visit_date");
    request.scheme = value("scheme");
    if (value("member")) request.member = value("member");
    else delete request.member;
    request.care = value("care");
    request.institution_level = Number(value("institution_level"));
    if (request.care === "inpatient") request.admission_number = wholeOrText(value("admission_number"));
    else delete request.admission_number;
    request.location = value("location");
    if (request.location === "cross_region_filed") request.filing = value("filing");
    else delete request.filing;
    if (request.location !== "local" && value("treatment_region")) request.treatment_region = value("treatment_region");
    else delete request.treatment_region;
    request.designated = this.field("designated").checked;
    request.emergency = this.field("emergency").checked;
    if (this.field("assistance_eligible").checked) request.assistance_eligible = true;
    else delete request.assistance_eligible;
    this.rows = [];
    request.items = [];
    for (const row of this.list.querySelectorAll(".yb-item")) {
      const part = (name) => row.querySelector(`[data-part="${name}"]`).value;
      let item;
      if (row.dataset.type === "code") {
        item = { code: part("code"), quantity: wholeOrText(part("quantity")) };
        if (part("unit_price").trim()) item.unit_price = normaliseAmount(part("unit_price"));
      } else {
        if (!part("name").trim() && !part("amount").trim()) continue; // an untouched line
        item = { name: part("name").trim(), category: part("category"), amount: normaliseAmount(part("amount")) };
        if (part("kind")) item.kind = part("kind");
      }
      request.items.push(item);
      this.rows.push(row);
    }
    const ytd = {};
    for (const key of YEAR_TO_DATE) {
      const text = value(`year_to_date.${key}`);
      if (text.trim()) ytd[key] = normaliseAmount(text);
    }
    if (Object.keys(ytd).length) request.year_to_date = ytd;
    else delete request.year_to_date;
    const balance = value("personal_account_balance");
    if (balance.trim()) request.personal_account_balance = normaliseAmount(balance);
    else delete request.personal_account_balance;
    const policy = this.own.policy(request) || this.foreignPolicy;
    if (policy) request.policy = policy;
    return request;
  }

  /** Show a request (from a shared link) in the form; keys it cannot show are kept aside.
   * Returns the fields of the request that could not be shown (a wrong type, a value none of
   * the form's choices has): they keep the form's value and the page says so. Never throws. */
  fill(request) {
    const dropped = [];
    this.extra = Object.fromEntries(Object.entries(request).filter(([key]) => !FORM_KEYS.has(key)));
    this.foreignPolicy = null;
    this.own.basisChosen = false;
    if (isObject(request.policy)) {
      if (!this.own.fill(request.policy)) this.foreignPolicy = request.policy;
    } else {
      this.own.fill(null);
      if (request.policy !== undefined && request.policy !== null) dropped.push("policy");
    }
    const set = (name, v) => {
      if (v === undefined || v === null) return;
      const el = this.field(name);
      const text = scalar(v);
      if (text === null || (el.tagName === "SELECT" && ![...el.options].some((o) => o.value === text))) dropped.push(name);
      else el.value = text;
    };
    for (const name of SELECTS) set(name, request[name]);
    if (request.visit_date !== undefined) {
      const date = this.field("visit_date");
      const before = date.value;
      if (typeof request.visit_date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(request.visit_date)) date.value = request.visit_date;
      if (date.value !== request.visit_date) { // no such day: the form keeps its date
        date.value = before;
        dropped.push("visit_date");
      }
    }
    if (request.admission_number !== undefined) {
      const n = scalar(request.admission_number);
      if (n !== null && /^\d+$/.test(n)) this.field("admission_number").value = n;
      else dropped.push("admission_number");
    }
    this.sync();
    set("member", request.member ?? (request.scheme === "resident" ? "" : undefined));
    if (this.field("member").selectedOptions[0]?.hidden && !dropped.includes("member")) dropped.push("member");
    for (const name of CHECKS) {
      const v = request[name];
      if (v !== undefined && typeof v !== "boolean") dropped.push(name);
      this.field(name).checked = name === "designated" ? v !== false : v === true;
    }
    const ytd = isObject(request.year_to_date) ? request.year_to_date : {};
    if (request.year_to_date !== undefined && !isObject(request.year_to_date)) dropped.push("year_to_date");
    for (const key of Object.keys(ytd)) if (!YEAR_TO_DATE.includes(key) || scalar(ytd[key]) === null) dropped.push(`year_to_date.${key}`);
    for (const key of YEAR_TO_DATE) this.field(`year_to_date.${key}`).value = scalar(ytd[key]) ?? "";
    if (Object.keys(ytd).length) this.form.querySelector(".yb-ytd").open = true;
    const balance = request.personal_account_balance;
    if (balance !== undefined && balance !== null && scalar(balance) === null) dropped.push("personal_account_balance");
    this.field("personal_account_balance").value = scalar(balance) ?? "";
    if (request.items !== undefined && !Array.isArray(request.items)) dropped.push("items");
    if (Array.isArray(request.items)) {
      this.list.replaceChildren();
      request.items.forEach((item, i) => {
        const shown = itemFromLink(item);
        if (shown) this.addRow(shown.type, shown.item);
        else dropped.push(`items[${i}]`);
      });
      if (!this.list.children.length) this.addRow("code");
    }
    this.rows = [...this.list.children]; // item i of this request is row i (when none was dropped)
    this.sync();
    this.own.careChanged(this.field("care").value); // the basis follows the care unless the link chose one
    return dropped;
  }

  /** "The data lacks a number: use your own" with a button that opens the own-numbers fields
   * (at the field the engine named, when the form has one). */
  ownNumbersOffer(field = "") {
    const doc = this.form.ownerDocument;
    const span = doc.createElement("span");
    const button = doc.createElement("button");
    button.type = "button";
    button.className = "yb-linkish";
    button.textContent = this.labels.use_own;
    button.addEventListener("click", () => this.own.open(this.own.fieldFor(field)));
    span.append(this.labels.own_missing + " ", button);
    return span;
  }

  clearErrors() {
    for (const el of this.form.querySelectorAll(".yb-error-field")) el.remove();
    for (const el of this.form.querySelectorAll("[aria-invalid]")) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    }
    const general = this.form.querySelector("#yb-form-error");
    general.hidden = true;
    general.textContent = "";
  }

  /** The element an engine error's `field` names (`items[2].amount`, `year_to_date.fund_paid`). */
  target(field) {
    const item = /^items\[(\d+)\](?:\.(\w+))?/.exec(field || "");
    if (item) {
      const row = this.rows[Number(item[1])];
      if (!row) return this.form.querySelector("#yb-items-set");
      return (item[2] && row.querySelector(`[data-part="${item[2]}"]`)) || row;
    }
    if (field === "items") return this.form.querySelector("#yb-items-set");
    if (field === "region") return this.form.querySelector("#yb-region-search:not([hidden])") || this.field("region");
    if (/^policy\b/.test(field || "")) return this.foreignPolicy ? null : this.own.target(field);
    if (/^rules\./.test(field || "")) return null; // a parameter the data lacks: said above the form
    return field ? this.field(field) : null;
  }

  /** The label the reader sees for a field the engine names (its element's label, or the
   * page's text for it); "" when the page has none. */
  labelFor(field, target = this.target(field)) {
    const J = this.labels;
    const line = /^items\[(\d+)\]$/.exec(field || "");
    if (line) return J.item_n.replace("{n}", Number(line[1]) + 1); // a whole bill line
    if (/^rules\./.test(field || "")) return labelOf(this.own.fieldFor(field));
    if (/^policy\b/.test(field || "") && !target) return J.err_field_policy;
    if (target && target.matches(".yb-item")) return J.item_n.replace("{n}", this.rows.indexOf(target) + 1);
    if (target) return labelOf(target);
    const key = String(field || "").split(/[.[]/)[0];
    const text = J[LABEL_KEYS[key] || key];
    return typeof text === "string" ? text : "";
  }

  /** An engine error in the reader's words, e.g. "单价不能为负数（填写的是“-100”）". */
  wording(error) {
    let label = this.labelFor(error.field);
    // a key the form does not have came from a link: its own name is the only label it has
    if (!label && error.code === "unknown_field") label = String(error.field || "").split(".").pop();
    return wordError(error, label, this.labels);
  }

  /** Show an error result beside its field (or above the form); inputs stay as typed. */
  showError(error) {
    this.clearErrors();
    const target = this.target(error.field);
    const text = this.wording(error);
    if (!target || target.closest("[hidden]")) {
      const general = this.form.querySelector("#yb-form-error");
      general.textContent = this.labels.error_general + text;
      if (error.error === "NotEstimable" || error.code === "not_estimable") general.append(" ", this.ownNumbersOffer(error.field));
      general.hidden = false;
      general.focus({ preventScroll: true });
      general.scrollIntoView({ block: "center" });
      return general;
    }
    const message = this.form.ownerDocument.createElement("p");
    message.className = "yb-error yb-error-field";
    message.id = "yb-error-" + Math.random().toString(36).slice(2);
    message.setAttribute("role", "alert");
    message.dataset.field = error.field;
    if (error.code) message.dataset.code = error.code;
    message.textContent = text;
    const holder = target.closest(".yb-field, .yb-check, .yb-item, fieldset") || target;
    if (holder.matches("fieldset")) holder.querySelector("legend").after(message);
    else if (holder.matches(".yb-item, .yb-field")) holder.append(message); // inside: a list holds only <li>
    else holder.after(message);
    target.setAttribute("aria-invalid", "true");
    target.setAttribute("aria-describedby", message.id);
    const details = target.closest("details");
    if (details) details.open = true;
    if (typeof target.focus === "function") target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
    return message;
  }
}

/** The text of an element's label, without the text of the controls inside it. */
function labelOf(element) {
  if (!element) return "";
  if (element.matches("fieldset")) return element.querySelector("legend")?.textContent || "";
  const label = element.labels?.[0] || element.closest("label");
  if (!label) return "";
  const own = label.querySelector(":scope > span");
  if (own && element.dataset.part) return own.textContent;
  return [...label.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join("") || label.textContent;
}

/** A bill line from a link as {type, item} for the form, or null when it is not one. */
function itemFromLink(item) {
  if (!isObject(item)) return null;
  if (item.code !== undefined) {
    const code = scalar(item.code);
    if (code === null) return null;
    const out = { code };
    for (const name of ["quantity", "unit_price"]) {
      if (item[name] === undefined || item[name] === null) continue;
      if (scalar(item[name]) === null) return null;
      out[name] = scalar(item[name]);
    }
    return { type: "code", item: out };
  }
  const out = {};
  for (const name of ["name", "amount"]) {
    if (item[name] === undefined || item[name] === null) continue;
    if (scalar(item[name]) === null) return null;
    out[name] = scalar(item[name]);
  }
  if (item.category !== undefined && !CATEGORIES.includes(item.category)) return null;
  if (item.kind !== undefined && item.kind !== null && !KINDS.includes(item.kind)) return null;
  return { type: "free", item: { ...out, category: item.category ?? "A", kind: item.kind ?? "" } };
}

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
