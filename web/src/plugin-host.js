// Running a clv WebAssembly plugin (plugins/ABI.md) from the page: the
// host's side of plugins/wasm and host/plugins.go, in JavaScript. The module
// runs in its own Web Worker (plugin-worker.js, started as
// worker.js?role=plugin) that is terminated when a call takes longer than
// the timeout; this file keeps the worker, the timeouts and the checks the
// host makes on every answer (plugins.Description.Validate, Resolve and
// CheckBatch), with the host's error messages ("plugin contribution:
// batch 1: timed out after 10s").

// DEFAULT_BATCH_ROWS is plugins/wasm.DefaultBatchRows.
export const DEFAULT_BATCH_ROWS = 16384;
export const DEFAULT_TIMEOUT_MS = 10000;

// ---- Go-compatible formatting ----

// goFloat formats v as Go's %v does for a float64 (strconv 'g', shortest):
// 0.3, 50, 1e+06, 1e+12, NaN, +Inf.
export function goFloat(v) {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, e] = v.toExponential().split('e'); // shortest digits
  const exp = Number(e);
  if (exp < -4 || exp >= 6) {
    const es = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${mant}e${exp < 0 ? '-' : '+'}${es}`;
  }
  return String(v); // JavaScript's shortest form equals Go's for -4 <= exp < 6
}

// goDuration formats milliseconds as Go's time.Duration.String does for
// the values a timeout takes: 500ms, 1s, 1.5s, 10s, 1m30s.
export function goDuration(ms) {
  if (ms < 1000) return `${+ms.toFixed(3)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${+s.toFixed(9)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${+(s - 60 * m).toFixed(9)}s`;
}

// formatF formats v as strconv.FormatFloat(v, 'f', prec, 64) then drops
// the sign of a value that rounds to zero, as the host's CSV writer does.
// toFixed rounds exact ties up; Go rounds them to even, so ties (a binary
// fraction ending in 5 right after the last digit) are corrected.
export function formatF(v, prec) {
  if (!Number.isFinite(v)) return '';
  let s;
  if (Math.abs(v) >= 1e21) s = BigInt(Math.round(v)).toString() + (prec > 0 ? '.' + '0'.repeat(prec) : '');
  else {
    s = v.toFixed(prec);
    const exact = Math.abs(v).toFixed(Math.min(100, prec + 60));
    const dot = exact.indexOf('.');
    const rest = exact.slice(dot + 1 + prec);
    if (rest[0] === '5' && /^50*$/.test(rest)) {
      // A tie: round half to even on the truncated digits.
      const trunc = exact.slice(0, dot + 1 + prec).replace(/\.$/, '');
      const last = Number(trunc[trunc.length - 1]);
      if (last % 2 === 0) s = (v < 0 ? '-' : '') + trunc;
    }
  }
  if (s[0] === '-' && /^-[0.]*$/.test(s)) s = s.slice(1);
  return s;
}

// csvField quotes s as Go's encoding/csv does with a ',' separator.
export function csvField(s) {
  if (s === '') return s;
  if (s === '\\.' || /[",\r\n]/.test(s) || /^\s/u.test(s)) return `"${s.replaceAll('"', '""')}"`;
  return s;
}

// ---- the contract (plugins/plugin.go) ----

const isColumnName = (s) => typeof s === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
const DESC_KEYS = new Set(['name', 'version', 'kind', 'inputs', 'outputs', 'labels', 'params']);
const PARAM_KEYS = new Set(['name', 'description', 'default', 'min', 'max']);

// decodeDescription parses and validates clv_describe's JSON as the host
// does: unknown keys are an error, then plugins.Description.Validate.
export function decodeDescription(text) {
  if (text.length > 1 << 20) throw new Error(`${text.length} bytes of JSON, more than the ${1 << 20} allowed`);
  let d;
  try { d = JSON.parse(text); } catch (e) { throw new Error(`decode JSON: ${e.message}`); }
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw new Error('decode JSON: not an object');
  for (const k of Object.keys(d)) if (!DESC_KEYS.has(k)) throw new Error(`decode JSON: unknown field "${k}"`);
  const strs = (v, what) => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`decode JSON: ${what} must be a list of strings`);
    return v;
  };
  const out = {
    name: typeof d.name === 'string' ? d.name : '', version: typeof d.version === 'string' ? d.version : '',
    kind: typeof d.kind === 'string' ? d.kind : '',
    inputs: strs(d.inputs, 'inputs'), outputs: strs(d.outputs, 'outputs'), labels: strs(d.labels, 'labels'), params: [],
  };
  for (const p of d.params || []) {
    if (!p || typeof p !== 'object') throw new Error('decode JSON: a parameter is not an object');
    for (const k of Object.keys(p)) if (!PARAM_KEYS.has(k)) throw new Error(`decode JSON: unknown field "${k}"`);
    const n = (v) => (v === undefined ? 0 : v);
    if (![p.default, p.min, p.max].every((v) => v === undefined || typeof v === 'number')) throw new Error(`decode JSON: parameter ${p.name}: default, min and max must be numbers`);
    out.params.push({ name: typeof p.name === 'string' ? p.name : '', description: typeof p.description === 'string' ? p.description : '', default: n(p.default), min: n(p.min), max: n(p.max) });
  }
  validateDescription(out);
  return out;
}

// validateDescription is plugins.Description.Validate.
export function validateDescription(d) {
  if (!d.name) throw new Error('describe: empty plugin name');
  if (d.inputs.length === 0) throw new Error(`plugin ${d.name}: declares no inputs`);
  for (const c of [...d.inputs, ...d.outputs]) {
    if (!isColumnName(c)) throw new Error(`plugin ${d.name}: column ${JSON.stringify(c)} is not a name (letters, digits, _)`);
  }
  if (d.kind === 'formula') {
    if (d.outputs.length === 0) throw new Error(`plugin ${d.name}: a formula plugin must declare outputs`);
  } else if (d.kind === 'segmentation') {
    if (d.labels.length === 0) throw new Error(`plugin ${d.name}: a segmentation plugin must declare labels`);
  } else {
    throw new Error(`plugin ${d.name}: kind ${JSON.stringify(d.kind)}: want "formula" or "segmentation"`);
  }
  for (const p of d.params) if (!p.name) throw new Error(`plugin ${d.name}: a parameter has no name`);
}

// paramError is Resolve's check of one value, or '' when it is fine.
export function paramError(d, p, v) {
  if (!Number.isFinite(v) || (p.max > p.min && (v < p.min || v > p.max))) {
    return `plugin ${d.name}: parameter ${p.name} = ${goFloat(v)}: want a number in [${goFloat(p.min)}, ${goFloat(p.max)}]`;
  }
  return '';
}

// resolveParams is plugins.Description.Resolve: defaults for what is not
// given, every given name declared and within its bounds.
export function resolveParams(d, given) {
  const out = {};
  const known = new Map(d.params.map((p) => [p.name, p]));
  for (const p of d.params) out[p.name] = p.default;
  for (const [k, v] of Object.entries(given)) {
    const p = known.get(k);
    if (!p) throw new Error(`plugin ${d.name} has no parameter ${JSON.stringify(k)}`);
    const err = paramError(d, p, v);
    if (err) throw new Error(err);
    out[k] = v;
  }
  return out;
}

// checkBatch is plugins.CheckBatch: the right number of rows and columns,
// finite numbers, label indices in range.
export function checkBatch(d, rows, out, labels) {
  if (d.kind === 'formula') {
    if (out.length !== d.outputs.length) throw new Error(`returned ${out.length} columns, declared ${d.outputs.length}`);
    out.forEach((col, j) => {
      if (col.length !== rows) throw new Error(`column ${d.outputs[j]}: returned ${col.length} rows for a batch of ${rows}`);
      for (let i = 0; i < col.length; i++) {
        if (!Number.isFinite(col[i])) throw new Error(`column ${d.outputs[j]}, row ${i + 1} of the batch: ${goFloat(col[i])} is not a finite number`);
      }
    });
  } else {
    if (labels.length !== rows) throw new Error(`returned ${labels.length} labels for a batch of ${rows}`);
    for (let i = 0; i < labels.length; i++) {
      const k = labels[i];
      if (k < 0 || k >= d.labels.length) throw new Error(`row ${i + 1} of the batch: label index ${k} is out of range 0..${d.labels.length - 1}`);
    }
  }
}

// ---- the plugin worker ----

// Plugin is one loaded plugin file: its bytes, its description and the
// worker its instance lives in. After a timeout or a trap the worker is
// terminated; the next call starts a fresh instance from the same bytes,
// as the host would by loading the plugin again.
export class Plugin {
  constructor(fileName, bytes, workerURL = 'worker.js?role=plugin') {
    this.name = fileName.replace(/\.[^.]*$/, '') || 'plugin'; // until it describes itself
    this.bytes = bytes;
    this.workerURL = workerURL;
    this.worker = null;
    this.desc = null;
    this.seq = 0;
    this.pending = new Map();
  }

  // load starts an instance and reads the description.
  async load(timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.kill();
    this.worker = new Worker(this.workerURL);
    this.worker.onmessage = (e) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      clearTimeout(p.timer);
      if (e.data.ok) p.resolve(e.data);
      else {
        if (e.data.discard) this.kill();
        p.reject(new Error(`plugin ${this.name}: ${p.what}: ${e.data.error}`));
      }
    };
    this.worker.onerror = (e) => {
      e.preventDefault();
      const msg = e.message || 'the plugin worker failed';
      for (const [id, p] of this.pending) { clearTimeout(p.timer); this.pending.delete(id); p.reject(new Error(`plugin ${this.name}: ${p.what}: ${msg}`)); }
      this.kill();
    };
    const bytes = this.bytes.slice(0); // keep ours for a reload
    const m = await this.call({ op: 'load', bytes }, 'initialize', timeoutMs, [bytes]);
    this.desc = m.desc;
    this.name = m.desc.name;
    return this.desc;
  }

  // call posts one request and waits for its answer at most timeoutMs; on
  // timeout the worker (and the instance with it) is terminated.
  call(msg, what, timeoutMs, transfer = []) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.kill();
        reject(new Error(`plugin ${this.name}: ${what}: timed out after ${goDuration(timeoutMs)}`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, what });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  kill() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    for (const [, p] of this.pending) { clearTimeout(p.timer); p.reject(new Error(`plugin ${this.name}: ${p.what}: stopped`)); }
    this.pending.clear();
  }

  // run configures the plugin with params (resolved against its
  // description) and runs it over columns (one Float64Array per input, in
  // the order of desc.inputs) in batches of batchRows; every answer is
  // checked with checkBatch. It returns one Float64Array per output (a
  // formula) or an Int32Array of label indices (a segmentation).
  async run(columns, params, { timeoutMs = DEFAULT_TIMEOUT_MS, batchRows = DEFAULT_BATCH_ROWS, onProgress } = {}) {
    if (!this.worker) await this.load(timeoutMs);
    const d = this.desc;
    const resolved = resolveParams(d, params);
    await this.call({ op: 'configure', json: JSON.stringify(resolved) }, 'configure', timeoutMs);
    const n = columns.length ? columns[0].length : 0;
    const outs = d.kind === 'formula' ? d.outputs.map(() => new Float64Array(n)) : null;
    const labels = d.kind === 'segmentation' ? new Int32Array(n) : null;
    let batch = 0;
    for (let lo = 0; lo < n; lo += batchRows) {
      const hi = Math.min(lo + batchRows, n);
      const rows = hi - lo;
      batch++;
      const what = `batch ${batch}`;
      const inputs = columns.map((c) => c.slice(lo, hi));
      const m = await this.call({ op: 'batch', rows, inputs }, what, timeoutMs, inputs.map((c) => c.buffer));
      try {
        checkBatch(d, rows, m.out || [], m.labels || []);
      } catch (err) {
        throw new Error(`plugin ${d.name}: ${what}: ${err.message}`);
      }
      if (outs) m.out.forEach((col, j) => outs[j].set(col, lo));
      else labels.set(m.labels, lo);
      if (onProgress) onProgress(hi / n);
    }
    return outs || labels;
  }
}
