// The page's side of the worker: report progress, and turn each estimate into a promise of the
// parsed result JSON (errors included: {error, field, message}).
//
// The worker is started by a small inline script at the top of the estimator pages' <head>
// (site/overrides/estimate.html), before the page's styles and scripts load: it leaves
// {worker, early, runtime} in window.__yibaoWorker, `early` holding the messages and errors
// that arrived before this module did. They are adopted here and replayed. Where that script
// is missing, app.js's startCalculator(runtime, onProgress) starts the worker itself.

let started = null;

function createCalculator(runtime, adopted = null) {
  if (adopted) runtime = adopted.runtime;
  const worker = adopted ? adopted.worker
    : new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: JSON.stringify(runtime) });
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
  const onMessage = ({ data: message }) => {
    if (message.type === "progress") {
      progress(message.stage, message);
    } else if (message.type === "ready") {
      progress("ready", message);
      settle.resolve({ version: message.version, python: message.python, restored: message.restored });
    } else if (message.type === "failed") {
      progress("failed", message);
      settle.reject(new Error(message.message));
    } else if (message.type === "result" || message.type === "crash") {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (!call) return;
      if (message.type === "result") call.resolve(JSON.parse(message.text));
      else call.reject(new Error(message.message));
    }
  };
  const onError = (event) => {
    const message = event.message || "the worker could not start";
    progress("failed", { message });
    settle.reject(new Error(message));
  };
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

  function listen(onProgress) {
    listeners.push(onProgress);
    // Replayed after the caller's current script has run (a microtask), as a worker message
    // would be: the caller may still be initialising what its listener uses.
    const past = seen.slice();
    if (past.length) queueMicrotask(() => { for (const [stage, message] of past) onProgress(stage, message); });
  }

  return { api: { ready, estimate }, listen, runtime };
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
