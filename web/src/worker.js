// The data worker: a second instance of the Go core that reads, summarizes,
// fits and scores an uploaded CSV off the main thread, so the page never
// freezes. Messages in: {type: 'init', module}, {type: 'load', buffer},
// {type: 'dates', mapping, format}, {type: 'score', settings},
// {type: 'csv', precision, labels}, {type: 'cohorts', settings},
// {type: 'compare', settings, calibrationEnd}, {type: 'attributes'},
// {type: 'groups', settings}, {type: 'warm', rounds}. Messages out: {type:
// 'ready' | 'loaded' | 'dates' | 'progress' | 'scored' | 'csv' | 'cohorts' |
// 'compared' | 'attributes' | 'groups' | 'warmed' | 'error', ...}.
//
// Started as worker.js?role=plugin it is a plugin worker instead
// (plugin-worker.js): one bundle serves both, so build.mjs needs no entry.
import { call, start } from './wasm.js';
import { pluginWorker } from './plugin-worker.js';

let ready;

if (new URLSearchParams(self.location.search).get('role') === 'plugin') pluginWorker();
else {
  importScripts('wasm_exec.js');
  self.onmessage = dataMessage;
}

async function dataMessage(e) {
  const m = e.data;
  try {
    if (m.type === 'init') {
      ready = start(m.module);
      await ready;
      self.postMessage({ type: 'ready' });
      return;
    }
    await ready;
    switch (m.type) {
      case 'load': {
        const t0 = performance.now();
        const ins = call('load', new Uint8Array(m.buffer));
        self.postMessage({ type: 'loaded', inspection: ins, ms: performance.now() - t0 });
        break;
      }
      case 'dates':
        self.postMessage({ type: 'dates', range: call('dates', JSON.stringify(m.mapping), m.format) });
        break;
      case 'score': {
        const t0 = performance.now();
        const res = call('score', JSON.stringify(m.settings), (stage, done) => self.postMessage({ type: 'progress', stage, done }));
        const ids = call('ids');
        const cols = {};
        const transfer = [];
        for (const c of res.columns) {
          const a = globalThis.clv.column(c.name);
          cols[c.name] = a;
          transfer.push(a.buffer);
        }
        self.postMessage({ type: 'scored', result: res, ids, columns: cols, ms: performance.now() - t0 }, transfer);
        break;
      }
      case 'warm': {
        // Score a small built-in log (warmLog) before any file is chosen,
        // so that V8 has compiled the reading, fitting and scoring code,
        // and optimized its hot functions, by the time the user's first
        // fit runs (see web/README.md, "Warming the worker up"). The
        // session's state is replaced by the user's 'load', which every
        // later request follows.
        const t0 = performance.now();
        for (let i = 0; i < (m.rounds || 1); i++) {
          call('load', warmLog());
          call('score', JSON.stringify(warmSettings), () => {});
        }
        self.postMessage({ type: 'warmed', ms: performance.now() - t0 });
        break;
      }
      case 'compare':
        self.postMessage({ type: 'compared', comparison: call('compare', JSON.stringify(m.settings), m.calibrationEnd) });
        break;
      case 'cohorts':
        self.postMessage({ type: 'cohorts', view: call('cohorts', JSON.stringify(m.settings)) });
        break;
      case 'attributes':
        self.postMessage({ type: 'attributes', columns: call('attributes') });
        break;
      case 'groups':
        self.postMessage({ type: 'groups', view: call('groups', JSON.stringify(m.settings)) });
        break;
      case 'csv': {
        // -1: the precision of the scoring settings (default 6).
        const bytes = globalThis.clv.csv(m.precision ?? -1);
        // The plugins' labels as CSV fields, guarded as the scoring's
        // csvFormulaGuard says (textenc, the same code as clv score).
        const fields = call('csvLabels', JSON.stringify(m.labels ?? []));
        self.postMessage({ type: 'csv', bytes, fields }, [bytes.buffer]);
        break;
      }
      default:
        throw new Error(`unknown message ${m.type}`);
    }
  } catch (err) {
    self.postMessage({ type: 'error', request: m.type, message: String(err && err.message || err) });
  }
}

// warmSettings are the page's default scoring settings (main.js runScore:
// BG/NBD and Gamma-Gamma, 12 months at 10% a year, 30% margin) for warmLog.
const warmSettings = {
  columns: { customer: 'customer_id', date: 'date', amount: 'amount' }, dateFormat: 'YYYY-MM-DD', observationEnd: '2024-12-31',
  purchase: 'bgnbd', spend: 'gammagamma', months: 12, annualDiscountRate: 0.1, margin: 0.3, csvFormulaGuard: 'labels',
};

// warmLog is a fixed synthetic transaction log for the warm-up: 400
// customers over 2024, each starting in its first quarter, buying at gaps
// of up to 10 to 130 days and leaving after each purchase with a
// probability of 5% to 75% (both their own), with amounts around a mean of
// their own; from a fixed-seed linear
// congruential generator, so every visit scores the same bytes. It fits
// like a real log (BG/NBD r 0.32, α 1.94, a 1.76, b 4.45; Gamma-Gamma
// p 4.8, q 4.6, v 28.6, natively), so the warm-up runs
// the same code as a user's fit.
function warmLog() {
  let seed = 20240101;
  const rand = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
  const day0 = Date.UTC(2024, 0, 1);
  const lines = ['customer_id,date,amount'];
  for (let c = 1; c <= 400; c++) {
    const mean = 1000 + rand(6000);
    const gap = 10 + rand(120);
    const leave = 5 + rand(70);
    for (let t = rand(90); t < 366; t += 1 + rand(gap)) {
      const d = new Date(day0 + t * 86400000).toISOString().slice(0, 10);
      const cents = Math.round(mean * (0.5 + rand(100) / 100));
      lines.push(`${c},${d},${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
      if (rand(100) < leave) break;
    }
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}
