// The plugin worker: one instance of a clv WebAssembly plugin
// (plugins/ABI.md) in its own Web Worker, so the page can stop a plugin that
// hangs with worker.terminate(). plugin-host.js drives it; worker.js runs
// this when started as worker.js?role=plugin (one bundle for both workers).
//
// The sandbox mirrors plugins/wasm's defaults: WASI preview 1 from
// @bjorn3/browser_wasi_shim with no arguments, no environment, no files
// (stdin empty, no preopened directories), stdout and stderr kept for error
// messages; no network (WASI preview 1 has no sockets, and the module can
// import nothing else); wazero's deterministic clock (the wall clock starts
// at 2022-01-01T00:00:00Z, both clocks advance 1 ms per reading, sleeping
// returns at once) and deterministic random bytes. Memory is capped by
// discarding an instance whose memory grew past the limit after a call.
//
// Messages in: {id, op: 'load', bytes}, {id, op: 'configure', json},
// {id, op: 'batch', rows, inputs: Float64Array[]}. Out: {id, ok: true, ...}
// or {id, ok: false, error, discard} (discard: the instance's state is
// undefined, terminate this worker).
import { ConsoleStdout, File, OpenFile, WASI, WASIProcExit } from '@bjorn3/browser_wasi_shim';
import { decodeDescription } from './plugin-host.js';

const ABI_VERSION = 1;
const MEMORY_LIMIT_MB = 256; // plugins/wasm.DefaultMemoryLimitMB
const WASI_MODULE = 'wasi_snapshot_preview1';
const FAKE_EPOCH_NS = 1640995200000n * 1000000n; // 2022-01-01T00:00:00Z
const MS = 1000000n;
const ERRNO = { SUCCESS: 0, BADF: 8, INVAL: 28, NOTSUP: 58 };

let inst = null;
let ex = null;
let desc = null;
let broken = '';
let batchPtr = 0;
let batchRows = 0;
let tail = ''; // the module's last output, for error messages

const decoder = new TextDecoder();
const encoder = new TextEncoder();

// sandbox returns the WASI imports: the shim's, with the clock, sleep,
// random bytes and sockets replaced by deterministic or refusing ones.
function sandbox() {
  const out = new ConsoleStdout((b) => { tail = (tail + decoder.decode(b)).slice(-4096); });
  const wasi = new WASI([], [], [new OpenFile(new File(new Uint8Array(0))), out, out]);
  let wall = FAKE_EPOCH_NS - MS;
  let mono = -MS;
  let seed = 42;
  const view = () => new DataView(ex.memory.buffer);
  Object.assign(wasi.wasiImport, {
    clock_res_get(id, ptr) {
      if (id !== 0 && id !== 1) return ERRNO.INVAL;
      view().setBigUint64(ptr, id === 0 ? 1000n : 1n, true);
      return ERRNO.SUCCESS;
    },
    clock_time_get(id, _precision, ptr) {
      if (id === 0) { wall += MS; view().setBigUint64(ptr, wall, true); return ERRNO.SUCCESS; }
      if (id === 1) { mono += MS; view().setBigUint64(ptr, mono, true); return ERRNO.SUCCESS; }
      return ERRNO.INVAL;
    },
    // Every clock subscription fires at once (sleeping returns at once);
    // file descriptor subscriptions fail: there are no files to wait on.
    poll_oneoff(inPtr, outPtr, n, neventsPtr) {
      if (n === 0) return ERRNO.INVAL;
      const v = view();
      for (let i = 0; i < n; i++) {
        const s = inPtr + 48 * i;
        const e = outPtr + 32 * i;
        const type = v.getUint8(s + 8);
        v.setBigUint64(e, v.getBigUint64(s, true), true);
        v.setUint16(e + 8, type === 0 ? ERRNO.SUCCESS : ERRNO.BADF, true);
        v.setUint8(e + 10, type);
        v.setBigUint64(e + 16, 0n, true);
        v.setUint16(e + 24, 0, true);
      }
      v.setUint32(neventsPtr, n, true);
      return ERRNO.SUCCESS;
    },
    random_get(ptr, len) {
      const b = new Uint8Array(ex.memory.buffer, ptr, len);
      for (let i = 0; i < len; i++) { // xorshift32: deterministic, like wazero's seeded source
        seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
        b[i] = seed & 0xff;
      }
      return ERRNO.SUCCESS;
    },
    sock_accept: () => ERRNO.NOTSUP, sock_recv: () => ERRNO.NOTSUP, sock_send: () => ERRNO.NOTSUP, sock_shutdown: () => ERRNO.NOTSUP,
  });
  return wasi;
}

// Failure turns an exception from the module into the host's wording and
// marks the instance discarded.
class Failure extends Error {}
function classify(err) {
  const size = ex && ex.memory ? ex.memory.buffer.byteLength : 0;
  const limit = MEMORY_LIMIT_MB * 1024 * 1024;
  if (tail.includes('out of memory') || size + limit / 16 >= limit || err instanceof RangeError) {
    return `exceeded its memory limit of ${MEMORY_LIMIT_MB} MB`;
  }
  const panic = tail.split('\n').map((l) => l.trim()).find((l) => l.startsWith('panic: ') || l.startsWith('fatal error: '));
  if (panic) return `trapped: ${panic}`;
  if (err instanceof WASIProcExit) return `trapped: exit code ${err.code}`;
  return `trapped: ${String((err && err.message) || err).split('\n')[0]}`;
}
function call(fn, ...args) {
  if (broken) throw new Failure(`instance discarded after an earlier failure (${broken}); load the plugin again`);
  tail = '';
  let v;
  try {
    v = fn(...args);
  } catch (err) {
    broken = classify(err);
    throw new Failure(broken);
  }
  if (ex.memory.buffer.byteLength > MEMORY_LIMIT_MB * 1024 * 1024) {
    broken = `exceeded its memory limit of ${MEMORY_LIMIT_MB} MB`;
    throw new Failure(broken);
  }
  return v;
}
function fail(msg) { broken = msg; throw new Failure(msg); }

// bytesAt reads a (pointer << 32 | length) result out of linear memory.
function bytesAt(packed) {
  const u = BigInt.asUintN(64, packed);
  const ptr = Number(u >> 32n);
  const n = Number(u & 0xffffffffn);
  const size = ex.memory.buffer.byteLength;
  if (ptr + n > size) fail(`returned bytes ${ptr}..${ptr + n}, beyond its memory of ${size} bytes`);
  return new Uint8Array(ex.memory.buffer, ptr, n).slice();
}
function guestError() {
  const b = bytesAt(call(ex.clv_error));
  return b.length ? decoder.decode(b) : 'failed without a message';
}

// The exports every plugin has, with their number of parameters.
const REQUIRED = { clv_abi_version: 0, clv_alloc: 1, clv_describe: 0, clv_configure: 2, clv_batch: 3, clv_error: 0 };

async function load(bytes) {
  let mod;
  try { mod = await WebAssembly.compile(bytes); } catch (err) { throw new Error(`compile: ${err.message}`); }
  for (const imp of WebAssembly.Module.imports(mod)) {
    if (imp.module !== WASI_MODULE) throw new Error(`imports ${imp.module}.${imp.name}: a plugin may import only ${WASI_MODULE}`);
  }
  const names = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
  if (!names.has('_initialize')) {
    throw new Error(names.has('_start') ? 'is a command module, not a reactor: build it with -buildmode=c-shared' : 'is not a reactor: no _initialize export');
  }
  if (!names.has('clv_abi_version')) throw new Error('is not a clv plugin: no clv_abi_version export');
  const wasi = sandbox();
  try {
    inst = await WebAssembly.instantiate(mod, { [WASI_MODULE]: wasi.wasiImport });
  } catch (err) {
    throw new Error(`instantiate: ${err.message}`);
  }
  ex = inst.exports;
  if (!(ex.memory instanceof WebAssembly.Memory)) throw new Error('exports no memory');
  wasi.inst = inst;
  try { call(ex._initialize); } catch (err) { throw new Failure(`initialize: ${err.message}`); }
  const v = call(ex.clv_abi_version);
  if (v !== ABI_VERSION) throw new Error(`wrong ABI version ${v} (host speaks ${ABI_VERSION})`);
  for (const [name, params] of Object.entries(REQUIRED)) {
    if (typeof ex[name] !== 'function') throw new Error(`is not a clv plugin: no ${name} export`);
    if (ex[name].length !== params) throw new Error(`${name}: wrong signature: ${ex[name].length} parameters, want ${params}`);
  }
  for (const name of ['clv_compute', 'clv_segment']) {
    if (typeof ex[name] === 'function' && ex[name].length !== 1) throw new Error(`${name}: wrong signature, want (i32) -> i32`);
  }
  const packed = call(ex.clv_describe);
  if (packed === 0n) throw new Error(`describe: ${guestError()}`);
  try { desc = decodeDescription(decoder.decode(bytesAt(packed))); } catch (err) { throw new Error(`describe: ${err.message}`); }
  if (desc.kind === 'formula' && typeof ex.clv_compute !== 'function') throw new Error('a formula plugin must export clv_compute');
  if (desc.kind === 'segmentation' && typeof ex.clv_segment !== 'function') throw new Error('a segmentation plugin must export clv_segment');
  return desc;
}

function configure(json) {
  const js = encoder.encode(json);
  const ptr = call(ex.clv_alloc, js.length) >>> 0;
  if (ptr + js.length > ex.memory.buffer.byteLength) fail(`clv_alloc returned ${ptr}, beyond its memory of ${ex.memory.buffer.byteLength} bytes`);
  new Uint8Array(ex.memory.buffer, ptr, js.length).set(js);
  if (call(ex.clv_configure, ptr, js.length) !== 0) throw new Error(guestError());
}

// batch writes the inputs column-major, fills the outputs with NaN (the
// labels with -1), calls clv_compute or clv_segment and reads the answer.
function batch(rows, inputs) {
  const nIn = inputs.length;
  if (nIn !== desc.inputs.length) throw new Error(`${nIn} input columns, the plugin declares ${desc.inputs.length} (${desc.inputs.join(' ')})`);
  const formula = desc.kind === 'formula';
  const nOut = formula ? desc.outputs.length : 1;
  if (rows === 0) return formula ? { out: desc.outputs.map(() => new Float64Array(0)) } : { labels: new Int32Array(0) };
  if (rows !== batchRows) {
    const p = call(ex.clv_batch, rows, nIn, nOut) >>> 0;
    if (p === 0) throw new Error(guestError());
    if (p % 8 !== 0) fail(`clv_batch returned ${p}, which is not 8-aligned`);
    batchPtr = p;
    batchRows = rows;
  }
  const inBytes = 8 * rows * nIn;
  const outBytes = formula ? 8 * rows * nOut : 4 * rows;
  if (batchPtr + inBytes + outBytes > ex.memory.buffer.byteLength) fail(`clv_batch returned ${batchPtr}, beyond its memory of ${ex.memory.buffer.byteLength} bytes`);
  const f64 = new Float64Array(ex.memory.buffer, batchPtr, rows * (nIn + (formula ? nOut : 0)));
  inputs.forEach((col, k) => f64.set(col, k * rows));
  if (formula) f64.fill(NaN, rows * nIn);
  else new Int32Array(ex.memory.buffer, batchPtr + inBytes, rows).fill(-1);
  const rc = call(formula ? ex.clv_compute : ex.clv_segment, rows);
  if (rc !== 0) throw new Error(guestError());
  // Views again: the call may have grown the memory.
  if (batchPtr + inBytes + outBytes > ex.memory.buffer.byteLength) fail(`the batch buffer at ${batchPtr} is beyond its memory of ${ex.memory.buffer.byteLength} bytes`);
  if (formula) {
    const out = [];
    for (let j = 0; j < nOut; j++) out.push(new Float64Array(ex.memory.buffer, batchPtr + inBytes + 8 * rows * j, rows).slice());
    return { out };
  }
  return { labels: new Int32Array(ex.memory.buffer, batchPtr + inBytes, rows).slice() };
}

export function pluginWorker() {
  self.onmessage = async (e) => {
    const m = e.data;
    try {
      if (m.op === 'load') {
        self.postMessage({ id: m.id, ok: true, desc: await load(m.bytes) });
      } else if (m.op === 'configure') {
        configure(m.json);
        self.postMessage({ id: m.id, ok: true });
      } else if (m.op === 'batch') {
        const r = batch(m.rows, m.inputs);
        const transfer = r.out ? r.out.map((c) => c.buffer) : [r.labels.buffer];
        self.postMessage({ id: m.id, ok: true, ...r }, transfer);
      } else {
        throw new Error(`unknown request ${m.op}`);
      }
    } catch (err) {
      self.postMessage({ id: m.id, ok: false, error: String((err && err.message) || err), discard: err instanceof Failure || m.op === 'load' });
    }
  };
}
