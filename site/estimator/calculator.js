// The page's side of the worker: report progress, and turn each estimate into a promise of the
// parsed result JSON (errors included: {error, field, message}).
//
// The worker is started by the first script of the estimator pages' <head>, which leaves
// {worker, early, runtime} in window.__yibaoWorker (`early`: the messages that arrived before
// this module did, replayed here); without it startCalculator starts the worker itself.
//
// A start never spins for ever: a failure, or no answer 10 s after navigation, has the host's
// files checked (host-check.js) and a problem found is told in the reader's language with what
// the host must fix; without an answer 120 s after navigation the start is given up.

import { checkHost } from "./host-check.js";

const CHECK_AFTER_MS = 10_000;
const BACKGROUND_IN_FLIGHT = 2; // one answered while the next is computed: the worker never idles
const GIVE_UP_AFTER_MS = 120_000;

/** The page's texts (labels.yaml `js`), or null on a page without them. */
function texts() {
  const data = typeof document !== "undefined" && document.getElementById("yb-data");
  return data ? JSON.parse(data.textContent).labels.js : null;
}

const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));

/** The host's problems in the reader's language: what was wrong with each file, then what the
 * host must fix. */
export function describeProblems(problems, J) {
  const said = [];
  const fixes = [];
  const add = (list, text) => { if (!list.includes(text)) list.push(text); };
  for (const p of problems) {
    if (p.status) {
      add(said, fill(J.host_status, p));
      add(fixes, J.host_fix_status);
    } else if (p.expected) {
      add(said, fill(J.host_type, p));
      add(fixes, fill(J.host_fix_type, { ...p, ext: p.file.slice(p.file.lastIndexOf(".")) }));
    } else if (p.corrupt) {
      add(said, fill(J.host_corrupt, p));
      add(fixes, J.host_fix_status);
    } else {
      add(said, fill(J.host_unreachable, p));
    }
  }
  const space = document.documentElement.lang.startsWith("zh") ? "" : " ";
  return [...said, ...fixes].join(space);
}

let started = null;

function createCalculator(runtime, adopted = null) {
  if (adopted) runtime = adopted.runtime;
  const workerURL = new URL("./worker.js", import.meta.url).href;
  const worker = adopted ? adopted.worker : new Worker(workerURL, { type: "module", name: JSON.stringify(runtime) });
  const pending = new Map();
  const listeners = [];
  const seen = []; // progress so far, replayed to a listener that subscribes late
  let nextId = 1;
  let settle;
  const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
  ready.catch(() => {}); // reported through the listeners ("failed")

  const progress = (stage, message) => {
    seen.push([stage, message]);
    for (const listen of listeners) listen(stage, message);
  };
  // A failure is told once: with the host's problems when the worker or a check found some.
  let settled = false;
  const fail = async (message, problems = null, timedOut = false) => {
    if (settled) return;
    settled = true;
    clearTimeout(watchdog);
    const J = texts();
    if (!problems) problems = await checkHost(workerURL, runtime).catch(() => []);
    let text = message;
    if (J && problems.length) text = describeProblems(problems, J);
    else if (J && timedOut) text = fill(J.host_timeout, { seconds: GIVE_UP_AFTER_MS / 1000 });
    if (timedOut || problems.length) worker.terminate();
    progress("failed", { message: text, problems });
    settle.reject(new Error(text));
  };
  // Not past its first stage 10 s after navigation (from then on the worker checks what it
  // downloads itself): a host problem found now ends the wait. No answer after 120 s: give up.
  const since = () => performance.now(); // ms since navigation
  const watch = async () => {
    if (settled) return;
    if (since() >= GIVE_UP_AFTER_MS) return fail(`no answer within ${GIVE_UP_AFTER_MS / 1000} s`, null, true);
    if (!seen.length) {
      // (a wasm of the wrong type is not a problem: the worker relabels it)
      const problems = (await checkHost(workerURL, runtime).catch(() => [])).filter((p) => p.expected !== "application/wasm");
      if (problems.length) return fail("", problems);
    }
    watchdog = setTimeout(watch, GIVE_UP_AFTER_MS - since());
  };
  let watchdog = setTimeout(watch, Math.max(0, CHECK_AFTER_MS - since()));

  const onMessage = ({ data: message }) => {
    if (message.type === "result" || message.type === "crash") return answer(message);
    if (settled) return undefined;
    if (message.type === "progress") {
      progress(message.stage, message);
    } else if (message.type === "ready") {
      settled = true;
      clearTimeout(watchdog);
      progress("ready", message);
      settle.resolve({ version: message.version, python: message.python, restored: message.restored });
    } else if (message.type === "failed") {
      fail(message.message, message.problems || null);
    }
    return undefined;
  };
  const answer = (message) => {
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (!call) return;
    if (message.type === "result") call.resolve(JSON.parse(message.text));
    else call.reject(new Error(message.message));
  };
  const onError = (event) => fail(event.message || "the worker could not start");
  worker.onmessage = onMessage;
  worker.onerror = onError;
  if (adopted) for (const event of adopted.early) (event.type === "error" ? onError : onMessage)(event);

  /** Estimate one request (an object, or its JSON text); resolves to the result object. */
  async function estimate(request) {
    await ready;
    const text = typeof request === "string" ? request : JSON.stringify(request);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ type: "estimate", id, text });
    });
  }

  // Background estimates (the comparison's and the chart's, up to ~160 of them) wait here, at
  // most BACKGROUND_IN_FLIGHT in the worker at a time: the worker answers in order, so the
  // reader's own estimate queues behind one or two of them, not behind all.
  const waiting = [];
  let inFlight = 0;
  const pump = () => {
    while (inFlight < BACKGROUND_IN_FLIGHT && waiting.length) {
      const job = waiting.shift();
      if (job.signal && job.signal.aborted) {
        job.reject(job.signal.reason);
        continue;
      }
      inFlight++;
      estimate(job.request).then(job.resolve, job.reject).finally(() => { inFlight--; pump(); });
    }
  };
  /** Like estimate, but after the reader's own; `signal` aborted drops it unsent (rejects). */
  function estimateLater(request, signal = null) {
    return new Promise((resolve, reject) => {
      waiting.push({ request, signal, resolve, reject });
      pump();
    });
  }

  function listen(onProgress) {
    listeners.push(onProgress);
    // Replayed after the caller's current script has run (a microtask), as a worker message
    // would be: the caller may still be initialising what its listener uses.
    const past = seen.slice();
    if (past.length) queueMicrotask(() => { for (const [stage, message] of past) onProgress(stage, message); });
  }

  return { api: { ready, estimate, estimateLater }, listen, runtime };
}

/** The calculator of this page, started on the first call (later calls get the same one and
 * only add their progress listener, which first hears the stages already passed). */
export function startCalculator(runtime, onProgress = () => {}) {
  if (!started) started = createCalculator(runtime);
  started.listen(onProgress);
  return started.api;
}

/** Leave Pyodide's JavaScript compiled on this device for the next start (prime.js says why);
 * resolves once that is done or could not be, and never rejects. The page calls it when a new
 * version of the service worker has taken over: the modules then come from its new cache. */
export function primeCompiledCode() {
  if (!started || !started.runtime) return Promise.resolve(false);
  const primer = new Worker(new URL("./prime.js", import.meta.url), { type: "module", name: JSON.stringify(started.runtime) });
  return new Promise((resolve) => {
    const finish = (done, problem) => {
      clearTimeout(timer);
      primer.terminate();
      if (problem) console.warn("prime.js:", problem);
      resolve(done);
    };
    const timer = setTimeout(() => finish(false, "no answer within 60 s"), 60_000);
    primer.onmessage = ({ data }) => finish(data === "primed", data === "primed" ? null : data);
    primer.onerror = (event) => finish(false, event.message || "could not start");
  });
}

const early = typeof window !== "undefined" && window.__yibaoWorker;
if (early) started = createCalculator(null, early);
