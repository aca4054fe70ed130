// "Use my own numbers": the reader copies the deductible, the fund ratio(s) and the annual cap
// from their own insurance statement. Filled fields become an inline policy in the request
// (the region-file schema, policies/schema/region.schema.json; README "The engine from the
// command line"): a region "own" whose parent is the picked region, so every number not
// entered is still inherited. Empty fields are left out; all empty = no inline policy.
// The policy is a request field, so it lives in the share link like everything else.

import { normaliseAmount, normalisePercent } from "./normalise.js";

export const OWN_ID = "own";
const SOURCE_ID = "own-statement";
const FIELDS = ["deductible", "basis", "ratio", "band_up_to", "ratio_above", "annual_cap"];

export class OwnNumbers {
  constructor(form, labels) {
    this.form = form;
    this.J = labels;
    this.details = form.querySelector("#yb-own");
    this.field = (name) => form.querySelector(`[data-field="own.${name}"]`);
    this.verifiedOn = null; // kept from a link, so a restored request stays the same
  }

  /** Open the section and put the cursor in its first field. */
  open() {
    this.details.open = true;
    this.field("deductible").focus();
    this.details.scrollIntoView({ block: "start" });
  }

  filled() {
    return ["deductible", "ratio", "band_up_to", "ratio_above", "annual_cap"].some((n) => this.field(n).value.trim());
  }

  /** The inline policy for `request` (its region, scheme, care and date), or null. */
  policy(request) {
    if (!this.filled()) return null;
    const value = (name) => (name.startsWith("ratio") ? normalisePercent : normaliseAmount)(this.field(name).value);
    const year = /^\d{4}/.test(request.visit_date || "") ? request.visit_date.slice(0, 4) : String(new Date().getFullYear());
    const dated = (rows) => [{ since: `${year}-01-01`, source: SOURCE_ID, rows }];
    const rules = {};
    if (value("deductible")) {
      rules.deductible = { unit: "yuan", basis: this.field("basis").value, values: dated([{ value: value("deductible") }]) };
    }
    if (value("ratio") || value("band_up_to") || value("ratio_above")) {
      const basis = request.care === "inpatient" ? "per_admission" : "per_visit";
      const row = value("band_up_to") || value("ratio_above")
        ? { bands: [{ up_to: value("band_up_to") || null, percent: value("ratio") }, { up_to: null, percent: value("ratio_above") }] }
        : { value: value("ratio") };
      rules.ratio = { unit: "percent", basis, values: dated([row]) };
    }
    if (value("annual_cap")) {
      rules.annual_cap = { unit: "yuan", basis: "annual", values: dated([{ value: value("annual_cap") }]) };
    }
    return {
      id: OWN_ID,
      name: { zh: this.J.own_name, en: this.J.own_name },
      parent: request.region,
      verified_on: this.verifiedOn || today(),
      sources: [{ id: SOURCE_ID, title: this.J.own_source, confidence: "unverified" }],
      rules: { [request.scheme]: { [request.care]: rules } },
    };
  }

  clear() {
    for (const name of FIELDS) if (name !== "basis") this.field(name).value = "";
  }

  /** Show an inline policy this page made (from a link); false when it is another shape
   * (a policy written by hand), which the form then keeps as it is. */
  fill(policy) {
    this.clear();
    this.verifiedOn = null;
    if (!policy || policy.id !== OWN_ID) return false;
    if (typeof policy.verified_on === "string") this.verifiedOn = policy.verified_on;
    const schemes = Object.values(policy.rules || {});
    const cares = schemes.length === 1 ? Object.values(schemes[0] || {}) : [];
    if (cares.length !== 1) return false;
    const rules = cares[0] || {};
    const row = (param) => param?.values?.[0]?.rows?.[0] || {};
    if (rules.deductible) {
      this.field("deductible").value = row(rules.deductible).value ?? "";
      if (rules.deductible.basis) this.field("basis").value = rules.deductible.basis;
    }
    if (rules.ratio) {
      const r = row(rules.ratio);
      if (Array.isArray(r.bands)) {
        this.field("ratio").value = r.bands[0]?.percent ?? "";
        this.field("band_up_to").value = r.bands[0]?.up_to ?? "";
        this.field("ratio_above").value = r.bands[1]?.percent ?? "";
      } else {
        this.field("ratio").value = r.value ?? "";
      }
    }
    if (rules.annual_cap) this.field("annual_cap").value = row(rules.annual_cap).value ?? "";
    if (this.filled()) this.details.open = true;
    return true;
  }

  /** The field an engine error about the inline policy is about
   * (`policy.rules.employee.inpatient.ratio.values[0].rows[0].bands[1].percent`). */
  target(field) {
    const m = /^policy\.rules\.\w+\.\w+\.(deductible|ratio|annual_cap)(.*)$/.exec(field || "");
    if (!m) return null;
    if (m[1] === "ratio") {
      if (/bands\[0\]\.up_to/.test(m[2])) return this.field("band_up_to");
      if (/bands\[[1-9]\]/.test(m[2])) return this.field("ratio_above");
      return this.field("ratio");
    }
    if (m[1] === "deductible" && /\.basis/.test(m[2])) return this.field("basis");
    return this.field(m[1]);
  }
}

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
