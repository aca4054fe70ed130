// "Use my own numbers": the reader copies the numbers from their own insurance statement or the
// local rules: the deductible, the fund ratio(s) and annual cap of the care picked, the
// category-B first-pay share, the first-pay share and ratio reduction for care elsewhere, and
// what a non-designated institution is paid. Every number a NotEstimable error can name has a
// field here. Filled fields become an inline policy in the request (the region-file schema,
// policies/schema/region.schema.json): a region "own" whose parent is the picked region, so
// every number not entered is still inherited. Empty fields are left out; all empty = no inline
// policy. The policy is a request field, so it lives in the share link like everything else.

import { normaliseAmount, normalisePercent } from "./normalise.js";

export const OWN_ID = "own";
export const SOURCE_ID = "own-statement";
/** Fields of the care picked (rules.<scheme>.<care>.…). */
const CARE_FIELDS = ["deductible", "ratio", "band_up_to", "ratio_above", "annual_cap"];
/** Fields of the whole scheme (rules.<scheme>.…), in the form's order. */
const SCHEME_FIELDS = ["category_b_first_pay", "cross_first_pay", "cross_reduction", "non_designated"];
const PERCENT = new Set(["ratio", "ratio_above", "category_b_first_pay", "cross_first_pay", "cross_reduction"]);
/** The own-numbers field for a parameter the engine names (rules.<scheme>.<…>). */
const FIELD_OF = {
  deductible: "deductible", ratio: "ratio", annual_cap: "annual_cap",
  category_b_first_pay: "category_b_first_pay", "cross_region.first_pay": "cross_first_pay",
  "cross_region.ratio_reduction": "cross_reduction", non_designated: "non_designated",
};

/** The deductible's basis the care picked usually has (the reader may change it). */
export function defaultBasis(care) {
  return care === "inpatient" ? "per_admission" : "annual";
}

export class OwnNumbers {
  constructor(form, labels) {
    this.form = form;
    this.J = labels;
    this.details = form.querySelector("#yb-own");
    this.field = (name) => form.querySelector(`[data-field="own.${name}"]`);
    this.verifiedOn = null; // kept from a link, so a restored request stays the same
    this.basisChosen = false; // the reader (or a link) picked the basis: a care change keeps it
    this.field("basis").addEventListener("change", () => { this.basisChosen = true; });
    this.careChanged(form.querySelector('[data-field="care"]').value);
  }

  /** Open the section and put the cursor in `field` (the first field by default). */
  open(field = null) {
    this.details.open = true;
    const target = field && !field.closest("[hidden]") ? field : this.field("deductible");
    target.focus();
    this.details.scrollIntoView({ block: "start" });
  }

  /** The care picked changed: the basis follows it unless the reader chose one. */
  careChanged(care) {
    if (!this.basisChosen) this.field("basis").value = defaultBasis(care);
  }

  /** The fields for care elsewhere show only when the care is elsewhere. */
  sync(location) {
    for (const name of ["cross_first_pay", "cross_reduction"]) {
      this.field(name).closest(".yb-field").hidden = location === "local" && !this.field(name).value.trim();
    }
  }

  filled() {
    return [...CARE_FIELDS, ...SCHEME_FIELDS].some((n) => this.field(n).value.trim());
  }

  /** The inline policy for `request` (its region, scheme, care and date), or null. */
  policy(request) {
    if (!this.filled()) return null;
    const value = (name) => (PERCENT.has(name) ? normalisePercent : normaliseAmount)(this.field(name).value);
    const year = /^\d{4}/.test(request.visit_date || "") ? request.visit_date.slice(0, 4) : String(new Date().getFullYear());
    const dated = (rows) => [{ since: `${year}-01-01`, source: SOURCE_ID, rows }];
    const percent = (name) => ({ unit: "percent", values: dated([{ value: value(name) }]) });
    const care = {};
    if (value("deductible")) {
      care.deductible = { unit: "yuan", basis: this.field("basis").value, values: dated([{ value: value("deductible") }]) };
    }
    if (value("ratio") || value("band_up_to") || value("ratio_above")) {
      const basis = request.care === "inpatient" ? "per_admission" : "per_visit";
      const row = value("band_up_to") || value("ratio_above")
        ? { bands: [{ up_to: value("band_up_to") || null, percent: value("ratio") }, { up_to: null, percent: value("ratio_above") }] }
        : { value: value("ratio") };
      care.ratio = { unit: "percent", basis, values: dated([row]) };
    }
    if (value("annual_cap")) {
      care.annual_cap = { unit: "yuan", basis: "annual", values: dated([{ value: value("annual_cap") }]) };
    }
    const scheme = {};
    if (Object.keys(care).length) scheme[request.care] = care;
    if (value("category_b_first_pay")) scheme.category_b_first_pay = percent("category_b_first_pay");
    const cross = {};
    if (value("cross_first_pay")) cross.first_pay = percent("cross_first_pay");
    if (value("cross_reduction")) cross.ratio_reduction = percent("cross_reduction");
    if (Object.keys(cross).length) scheme.cross_region = cross;
    if (this.field("non_designated").value) {
      scheme.non_designated = { unit: "choice", values: dated([{ choice: this.field("non_designated").value }]) };
    }
    return {
      id: OWN_ID,
      name: { zh: this.J.own_name, en: this.J.own_name },
      parent: request.region,
      verified_on: this.verifiedOn || today(),
      sources: [{ id: SOURCE_ID, title: this.J.own_source, confidence: "own" }], // exact and sure
      rules: { [request.scheme]: scheme },
    };
  }

  clear() {
    for (const name of [...CARE_FIELDS, ...SCHEME_FIELDS]) this.field(name).value = "";
  }

  /** Show an inline policy this page made (from a link); false when it is another shape
   * (a policy written by hand), which the form then keeps as it is. */
  fill(policy) {
    this.clear();
    this.verifiedOn = null;
    if (!policy || policy.id !== OWN_ID || !isObject(policy.rules)) return false;
    if (typeof policy.verified_on === "string") this.verifiedOn = policy.verified_on;
    const schemes = Object.values(policy.rules);
    if (schemes.length !== 1 || !isObject(schemes[0])) return false;
    const scheme = schemes[0];
    const cares = ["outpatient", "inpatient"].filter((c) => scheme[c] !== undefined);
    const known = new Set(["outpatient", "inpatient", "category_b_first_pay", "cross_region", "non_designated"]);
    if (cares.length > 1 || Object.keys(scheme).some((k) => !known.has(k))) return false;
    const rules = cares.length ? scheme[cares[0]] : {};
    if (!isObject(rules)) return false;
    const row = (param) => (isObject(param) && param.values?.[0]?.rows?.[0]) || {};
    const put = (name, v) => { if (typeof v === "string" || typeof v === "number") this.field(name).value = String(v); };
    if (rules.deductible) {
      put("deductible", row(rules.deductible).value);
      if (["annual", "per_admission", "per_visit"].includes(rules.deductible.basis)) {
        this.field("basis").value = rules.deductible.basis;
        this.basisChosen = true;
      }
    }
    if (rules.ratio) {
      const r = row(rules.ratio);
      if (Array.isArray(r.bands)) {
        put("ratio", r.bands[0]?.percent);
        put("band_up_to", r.bands[0]?.up_to);
        put("ratio_above", r.bands[1]?.percent);
      } else {
        put("ratio", r.value);
      }
    }
    if (rules.annual_cap) put("annual_cap", row(rules.annual_cap).value);
    put("category_b_first_pay", row(scheme.category_b_first_pay).value);
    if (isObject(scheme.cross_region)) {
      put("cross_first_pay", row(scheme.cross_region.first_pay).value);
      put("cross_reduction", row(scheme.cross_region.ratio_reduction).value);
    }
    const choice = row(scheme.non_designated).choice;
    if ([...this.field("non_designated").options].some((o) => o.value === choice)) this.field("non_designated").value = choice;
    if (this.filled()) this.details.open = true;
    return true;
  }

  /** The field for a parameter the engine names without the policy prefix
   * (`rules.employee.outpatient.deductible`, `rules.resident.cross_region.first_pay`), or null. */
  fieldFor(path) {
    const m = /^(?:policy\.)?rules\.\w+\.(?:(?:outpatient|inpatient)\.)?(cross_region\.\w+|\w+)/.exec(path || "");
    const name = m && FIELD_OF[m[1]];
    return name ? this.field(name) : null;
  }

  /** The field an engine error about the inline policy is about
   * (`policy.rules.employee.inpatient.ratio.values[0].rows[0].bands[1].percent`). */
  target(field) {
    const m = /^policy\.rules\.\w+\.(?:(?:outpatient|inpatient)\.)?(deductible|ratio|annual_cap|category_b_first_pay|cross_region\.\w+|non_designated)(.*)$/.exec(field || "");
    if (!m) return null;
    if (m[1] === "ratio") {
      if (/bands\[0\]\.up_to/.test(m[2])) return this.field("band_up_to");
      if (/bands\[[1-9]\]/.test(m[2])) return this.field("ratio_above");
      return this.field("ratio");
    }
    if (m[1] === "deductible" && /\.basis/.test(m[2])) return this.field("basis");
    const name = FIELD_OF[m[1]];
    return name ? this.field(name) : null;
  }
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
