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

// load fetches clv.wasm and compiles and instantiates it with
// WebAssembly.instantiateStreaming, which compiles while the bytes arrive
// (and lets the browser cache the compiled code with the response), then
// runs the Go program in this global scope. A server that does not send
// the module as application/wasm gets WebAssembly.instantiate on the whole
// body instead (instantiateStreaming refuses other types). It resolves to
// the compiled module, shared with the worker, and how it was compiled
// ('streaming' or 'buffer'), once globalThis.clv exists.
export async function load(url = 'clv.wasm') {
  const go = new globalThis.Go();
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
  const type = (resp.headers.get('Content-Type') || '').split(';')[0].trim().toLowerCase();
  let res;
  let how;
  if (type === 'application/wasm' && typeof WebAssembly.instantiateStreaming === 'function') {
    res = await WebAssembly.instantiateStreaming(resp, go.importObject);
    how = 'streaming';
  } else {
    res = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
    how = 'buffer';
  }
  run(go, res.instance);
  return { module: res.module, how };
}

// start instantiates an already compiled module (the worker gets the
// page's) and runs the Go program in this global scope; it resolves once
// globalThis.clv exists.
export async function start(module) {
  const go = new globalThis.Go();
  run(go, await WebAssembly.instantiate(module, go.importObject));
  return globalThis.clv;
}

function run(go, inst) {
  go.run(inst); // main() sets globalThis.clv, then blocks forever
  if (!globalThis.clv) throw new Error('the WebAssembly module did not start');
}
