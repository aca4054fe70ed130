// The page's side of the worker: start it at once, report progress, and turn each estimate
// into a promise of the parsed result JSON (errors included: {error, field, message}).

export function startCalculator(runtime, onProgress = () => {}) {
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  const pending = new Map();
  let nextId = 1;
  let settle;
  const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });

  worker.onmessage = ({ data: message }) => {
    if (message.type === "progress") {
      onProgress(message.stage, message);
    } else if (message.type === "ready") {
      onProgress("ready", message);
      settle.resolve({ version: message.version, python: message.python });
    } else if (message.type === "failed") {
      onProgress("failed", message);
      settle.reject(new Error(message.message));
    } else if (message.type === "result" || message.type === "crash") {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (!call) return;
      if (message.type === "result") call.resolve(JSON.parse(message.text));
      else call.reject(new Error(message.message));
    }
  };
  worker.onerror = (event) => {
    const message = event.message || "the worker could not start";
    onProgress("failed", { message });
    settle.reject(new Error(message));
  };
  worker.postMessage({ type: "init", ...runtime });

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

  return { ready, estimate };
}
