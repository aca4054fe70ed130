// The estimator page. Starts the Python worker as the page loads (every URL is built from
// import.meta.url, so the site works under any sub-path), wires the form, the result and the
// shareable link, and exposes the page API:
//
//   await window.yibao.ready                   // resolves once Python and the calculator are loaded
//   await window.yibao.estimate(request)       // the result object, or {error, field, message}

import { startCalculator } from "./calculator.js";
import { EstimatorForm } from "./form.js";
import { fragmentFor, requestFrom } from "./link.js";
import { renderResult } from "./result.js";

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
const resultBox = document.getElementById("yb-result");
let latest = 0;
let shown = null; // the fragment this page wrote or restored last

async function run(request) {
  const ticket = ++latest;
  form.clearErrors();
  shown = fragmentFor(request);
  history.replaceState(null, "", shown);
  const link = location.href;
  if (root.dataset.state !== "ready") status.text.textContent = J.waiting;
  let result;
  try {
    result = await calculator.estimate(request);
  } catch (error) {
    if (ticket === latest) form.showError({ field: "", message: String(error.message || error) });
    return;
  }
  if (ticket !== latest) return; // a newer estimate was asked for meanwhile
  root.dataset.estimates = String(ticket);
  if (result.error) {
    resultBox.hidden = true;
    form.showError(result);
  } else {
    renderResult(resultBox, result, data, link);
  }
  if (root.dataset.state === "ready") status.text.textContent = J.ready;
}

formElement.addEventListener("submit", (event) => {
  event.preventDefault();
  run(form.read());
});

function restore() {
  const request = requestFrom(location.hash);
  if (!request || location.hash === shown) return;
  form.fill(request);
  shown = location.hash;
  if (Array.isArray(request.items) && request.items.length) run(request); // exactly the shared request
}
window.addEventListener("hashchange", restore);
restore();
