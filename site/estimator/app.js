// The estimator page. Starts the Python worker as the page loads (every URL is built from
// import.meta.url, so the site works under any sub-path), wires the form, the result and the
// shareable link, and exposes the page API:
//
//   await window.yibao.ready                   // resolves once Python and the calculator are loaded
//   await window.yibao.estimate(request)       // the result object, or {error, code, field, value, message}

import { startCalculator } from "./calculator.js";
import { renderChart, sampleCurve } from "./chart.js";
import { renderChecklist } from "./checklist.js";
import { compareCells, renderCompare } from "./compare.js";
import { EstimatorForm } from "./form.js";
import { carryToLanguageLinks, fragmentFor, readFragment } from "./link.js";
import { RegionPicker } from "./region-picker.js";
import { headline, renderResult } from "./result.js";

const data = JSON.parse(document.getElementById("yb-data").textContent);
const J = data.labels.js;
const root = document.querySelector(".yb-estimator");
const status = { text: document.getElementById("yb-status-text"), bar: document.getElementById("yb-progress") };
const started = performance.now();

const here = new URL("./", import.meta.url);
const calculator = startCalculator({
  indexURL: new URL(data.runtime.pyodide, here).href,
  lockFileURL: new URL(data.runtime.packages + "pyodide-lock.json", here).href,
  packageBaseUrl: new URL(data.runtime.packages, here).href,
  packages: [data.runtime.package],
}, showProgress);
calculator.ready.catch(() => {}); // shown by showProgress("failed")

window.yibao = { ready: calculator.ready, estimate: calculator.estimate };

// -- progress ----------------------------------------------------------------------------
const STAGES = { runtime: 1, package: 2, ready: 3 };
let stage = "loading";
root.dataset.state = "loading";
status.bar.max = 3;
status.bar.removeAttribute("value"); // indeterminate until the runtime module has arrived
const ticker = setInterval(() => {
  if (stage === "loading" || stage === "runtime" || stage === "package") {
    const seconds = Math.round((performance.now() - started) / 1000);
    const base = stage === "loading" ? J.loading : J.starting;
    status.text.textContent = `${base} ${seconds} ${J.seconds}`;
  }
}, 500);

function showProgress(name, message) {
  stage = name;
  if (name in STAGES) status.bar.value = STAGES[name];
  if (name === "runtime" || name === "package") status.text.textContent = J.starting;
  if (name === "ready") {
    clearInterval(ticker);
    root.dataset.state = "ready";
    root.dataset.readyMs = String(Math.round(performance.now())); // since navigation start
    status.text.textContent = J.ready;
    status.bar.hidden = true;
  }
  if (name === "failed") {
    clearInterval(ticker);
    root.dataset.state = "failed";
    status.bar.hidden = true;
    status.text.textContent = J.failed + message.message;
  }
}

// -- form, result, link --------------------------------------------------------------------
const formElement = document.getElementById("yb-form");
const form = new EstimatorForm(formElement, data);
const picker = new RegionPicker(document.getElementById("yb-region"), data, { onOwnNumbers: () => form.own.open() });
const resultBox = document.getElementById("yb-result");
const compareBox = document.getElementById("yb-compare");
const chartBox = document.getElementById("yb-chart");
const checklistBox = document.getElementById("yb-checklist");
const announce = document.getElementById("yb-announce");
const linkNote = document.getElementById("yb-link-note");
let latest = 0;
let exploring = new AbortController(); // the shown result's comparison and chart, until a new estimate
let shown = null; // the fragment this page wrote or restored last

/** Keep what is typed: the form's request goes into the fragment on every change (reload and
 * the language switch keep it; it never leaves the browser). */
let estimated = null; // the fragment of the estimate on show
let edits = 0; // changes made in the form so far
function keep(request = form.read()) {
  shown = fragmentFor(request);
  history.replaceState(null, "", shown);
  carryToLanguageLinks(shown);
  // a result that no longer matches the form says so (until Estimate is pressed again)
  for (const box of [resultBox, compareBox, chartBox]) box.classList.toggle("yb-stale", estimated !== null && shown !== estimated);
}

function hideResult() {
  estimated = null;
  for (const box of [resultBox, compareBox, chartBox, checklistBox]) box.hidden = true;
}

async function run(request, { focus = false } = {}) {
  const ticket = ++latest;
  exploring.abort();
  const editsBefore = edits;
  form.clearErrors();
  keep(request);
  const link = location.href;
  if (root.dataset.state !== "ready") status.text.textContent = J.waiting;
  let result;
  try {
    result = await calculator.estimate(request);
  } catch (error) {
    console.error(error); // the worker's own words, for whoever debugs; the reader gets a sentence
    if (ticket === latest) form.showError({ error: "Error", code: "crash", field: "", message: String(error.message || error) });
    return;
  }
  if (ticket !== latest) return; // a newer estimate was asked for meanwhile
  root.dataset.estimates = String(ticket);
  if (root.dataset.state === "ready") status.text.textContent = J.ready;
  linkNote.hidden = true;
  if (result.error) {
    hideResult();
    form.showError(result);
    return;
  }
  estimated = fragmentFor(request);
  // What was typed while the engine worked stays in the link, and the result says it is stale.
  if (edits === editsBefore) keep(request);
  else keep();
  renderResult(resultBox, result, data, link, request);
  renderChecklist(checklistBox, result, data);
  announce.textContent = `${J.result}: ${headline(result, "out_of_pocket", data).text}`;
  if (focus) document.getElementById("yb-result-title").focus();
  explore(request, result, ticket);
}

/** Compare and chart: more engine calls on variants of the same request, after the result, in
 * the background (a newer estimate goes first and drops the calls of this one not yet sent). */
async function explore(request, result, ticket) {
  exploring = new AbortController();
  const { signal } = exploring;
  const later = (variant) => calculator.estimateLater(variant, signal);
  compareBox.dataset.state = chartBox.dataset.state = "working";
  const cells = await compareCells(request, later);
  if (ticket !== latest) return;
  renderCompare(compareBox, request, cells, data, (error) => form.wording(error));
  compareBox.dataset.state = "done";
  const curve = await sampleCurve(request, result, later);
  if (ticket !== latest) return;
  if (curve) renderChart(chartBox, curve, data);
  else chartBox.hidden = true;
  chartBox.dataset.state = "done";
}

formElement.addEventListener("submit", (event) => {
  event.preventDefault();
  run(form.read(), { focus: true });
});
for (const type of ["input", "change", "yb-edit"]) formElement.addEventListener(type, () => { edits++; keep(); });

/** A link's request into the form; a link that cannot be read whole says so, keeps what it
 * could read and waits for the reader to press Estimate (never an estimate of half a link). */
function restore() {
  if (location.hash === shown) return;
  let { request, broken } = readFragment(location.hash);
  let dropped = [];
  if (request) {
    try {
      dropped = form.fill(request);
    } catch (error) { // a shape fill() did not foresee: the form keeps its defaults
      console.error(error);
      request = null;
      broken = true;
    }
    picker.showValue();
  }
  if (!request && !broken) return; // no request here (a heading anchor)
  shown = location.hash;
  carryToLanguageLinks(shown);
  showLinkNote(broken || dropped.length ? { restored: request !== null, dropped } : null);
  if (broken || dropped.length) hideResult(); // a result on show is not this form's
  if (!broken && !dropped.length && Array.isArray(request.items) && request.items.length) run(request); // exactly the shared request
}

function showLinkNote(problem) {
  linkNote.hidden = !problem;
  if (!problem) return;
  linkNote.textContent = problem.restored ? J.link_partial : J.link_broken;
  const names = [...new Set(problem.dropped.map((field) => form.labelFor(field) || field))];
  if (names.length) linkNote.append(" ", J.link_dropped, names.join(data.lang === "zh" ? "、" : ", "), data.lang === "zh" ? "。" : ".");
}
window.addEventListener("hashchange", restore);
restore();
