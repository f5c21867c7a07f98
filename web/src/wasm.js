// Loading the Go core (clv.wasm) and calling its JavaScript API
// (globalThis.clv; see wasm/README.md). Every API function returns JSON
// text; call() parses it and throws on {"error": ...}.

// num turns the JSON encoding of non-finite numbers back into numbers:
// null is NaN, "Infinity" and "-Infinity" are ±Infinity.
export function num(v) {
  if (v === null || v === undefined) return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v;
}

export function call(name, ...args) {
  const out = JSON.parse(globalThis.clv[name](...args));
  if (out && typeof out === 'object' && !Array.isArray(out) && typeof out.error === 'string' && Object.keys(out).length === 1) {
    throw new Error(out.error);
  }
  return out;
}

// compile fetches and compiles clv.wasm once; the module is shared with
// the worker.
export async function compile(url = 'clv.wasm') {
  const resp = fetch(url);
  try {
    return await WebAssembly.compileStreaming(resp);
  } catch {
    // Servers that do not send application/wasm.
    const r = await fetch(url);
    return WebAssembly.compile(await r.arrayBuffer());
  }
}

// start runs the Go program in this global scope; it resolves once
// globalThis.clv exists.
export async function start(module) {
  const go = new globalThis.Go();
  const inst = await WebAssembly.instantiate(module, go.importObject);
  go.run(inst); // main() sets globalThis.clv, then blocks forever
  if (!globalThis.clv) throw new Error('the WebAssembly module did not start');
  return globalThis.clv;
}
