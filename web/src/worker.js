// The data worker: a second instance of the Go core that reads, summarizes,
// fits and scores an uploaded CSV off the main thread, so the page never
// freezes. Messages in: {type: 'init', module}, {type: 'load', buffer},
// {type: 'dates', mapping, format}, {type: 'score', settings},
// {type: 'csv', precision, labels}, {type: 'cohorts', settings},
// {type: 'compare', settings, calibrationEnd}, {type: 'attributes'},
// {type: 'groups', settings}. Messages out: {type: 'ready' | 'loaded' |
// 'dates' | 'progress' | 'scored' | 'csv' | 'cohorts' | 'compared' |
// 'attributes' | 'groups' | 'error', ...}.
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
