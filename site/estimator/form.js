// The estimator form: the page's HTML holds every field (usable before Python has loaded);
// this module adds bill lines, turns the form into a request (DESIGN §5) and back, and shows
// an error beside the field the engine names (`items[0].amount`) without touching the input.

import { normaliseAmount } from "./normalise.js";
import { OwnNumbers } from "./own-policy.js";

export { normaliseAmount };

/** Request keys the form shows; any other key of a loaded request is kept as it is. */
const FORM_KEYS = new Set([
  "region", "visit_date", "scheme", "member", "care", "institution_level", "admission_number",
  "location", "filing", "designated", "emergency", "assistance_eligible", "items",
  "year_to_date", "personal_account_balance", "policy",
]);
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
    if (!this.field("visit_date").value) this.field("visit_date").value = today();
    if (!this.list.children.length) this.addRow("code");
    this.sync();
  }

  /** Tell the page the form changed without an input event (a line added or removed). */
  changed() {
    this.form.dispatchEvent(new CustomEvent("yb-edit", { bubbles: true }));
  }

  /** Show only the fields that apply: members of the scheme, admission number for inpatient
   * care, filing type for filed care elsewhere. */
  sync() {
    const scheme = this.field("scheme").value;
    const member = this.field("member");
    for (const option of member.options) option.hidden = option.dataset.scheme !== scheme;
    if (member.selectedOptions[0]?.hidden) member.value = [...member.options].find((o) => !o.hidden).value;
    this.form.querySelector('[data-for="admission_number"]').hidden = this.field("care").value !== "inpatient";
    this.form.querySelector('[data-for="filing"]').hidden = this.field("location").value !== "cross_region_filed";
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

  /** Show a request (from a shared link) in the form; keys it cannot show are kept aside. */
  fill(request) {
    this.extra = Object.fromEntries(Object.entries(request).filter(([key]) => !FORM_KEYS.has(key)));
    this.foreignPolicy = request.policy && !this.own.fill(request.policy) ? request.policy : null;
    if (!request.policy) this.own.fill(null);
    const set = (name, v) => {
      if (v === undefined || v === null) return;
      const el = this.field(name);
      if (el.tagName === "SELECT" && ![...el.options].some((o) => o.value === String(v))) {
        el.append(new Option(String(v), String(v)));
      }
      el.value = String(v);
    };
    for (const name of ["region", "visit_date", "scheme", "care", "institution_level", "location", "filing", "admission_number"]) {
      set(name, request[name]);
    }
    this.sync();
    set("member", request.member ?? (request.scheme === "resident" ? "" : undefined));
    this.field("designated").checked = request.designated !== false;
    this.field("emergency").checked = request.emergency === true;
    this.field("assistance_eligible").checked = request.assistance_eligible === true;
    const ytd = request.year_to_date || {};
    for (const key of YEAR_TO_DATE) this.field(`year_to_date.${key}`).value = ytd[key] ?? "";
    if (Object.keys(ytd).length) this.form.querySelector(".yb-ytd").open = true;
    this.field("personal_account_balance").value = request.personal_account_balance ?? "";
    if (Array.isArray(request.items)) {
      this.list.replaceChildren();
      for (const item of request.items) this.addRow(item && item.code !== undefined ? "code" : "free", item || {});
      if (!request.items.length) this.addRow("code");
    }
    this.rows = [...this.list.children]; // item i of this request is row i
    this.sync();
  }

  /** "The data lacks a number: use your own" with a button that opens the own-numbers fields. */
  ownNumbersOffer() {
    const doc = this.form.ownerDocument;
    const span = doc.createElement("span");
    const button = doc.createElement("button");
    button.type = "button";
    button.className = "yb-linkish";
    button.textContent = this.labels.use_own;
    button.addEventListener("click", () => this.own.open());
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
    return field ? this.field(field) : null;
  }

  /** Show an error result beside its field (or above the form); inputs stay as typed. */
  showError(error) {
    this.clearErrors();
    const target = this.target(error.field);
    const text = error.message || error.error;
    if (!target || target.closest("[hidden]")) {
      const general = this.form.querySelector("#yb-form-error");
      general.textContent = this.labels.error_general + text;
      if (error.error === "NotEstimable") general.append(" ", this.ownNumbersOffer());
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
    message.textContent = this.labels.error_field + text;
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

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
