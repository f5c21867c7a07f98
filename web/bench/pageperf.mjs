// Benchmark of the calculator page against native, in one run: starts
// `clv serve` (the page embedded in the binary, as users get it), and in
// headless Chromium with a new, empty profile measures
//
//   - the cold page load to ready (nothing cached: every file downloaded;
//     ready = the calculator's first result shown, ms since navigation
//     start) and a reload (HTTP cache warm: 304s);
//   - the first, second (at once) and third (after 5 s idle) CDNOW fit
//     in the page, after the worker's warm-up (main.js warmWorker; its time
//     is warmMs) (BG/NBD +
//     Gamma-Gamma with clv score's defaults; "fit" is the worker's
//     Session.Score fit-and-score time, the figure the page shows, beside
//     the click-to-table wall time);
//   - a return visit in a new tab: load to ready and the first fit;
//
// and natively the same scoring through the same binding (web/bench/
// native: wasm/bind's Session), run again just after each fit in the page
// so both see the same machine load (on all cores, and on one thread as
// the page's worker has), and the whole `clv score` process.
// Prints one line per figure with the ratios, then the figures as JSON.
//
//   make bench-page                          # builds bin/clv with the page, then runs this
//   CLV=../bin/clv node bench/pageperf.mjs   # from web/, with a built binary
//
// Environment: CLV (the clv binary, default ../bin/clv), CHROMIUM (default
// /usr/bin/chromium), CLV_BENCH_OUT (also write the JSON figures there).
// Not part of make test: the figures depend on the machine and its load.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const clv = resolve(process.env.CLV || join(root, 'bin', 'clv'));
const cdnow = join(root, 'examples', 'cdnow', 'transactions.csv');
const observationEnd = '1997-09-30';
// What the page sends for CDNOW with its defaults (main.js runScore).
const settings = {
  columns: { customer: 'customer_id', date: 'date', amount: 'amount' }, dateFormat: 'YYYY-MM-DD', observationEnd,
  purchase: 'bgnbd', spend: 'gammagamma', months: 12, annualDiscountRate: 0.1, margin: 0.3, csvFormulaGuard: 'labels',
};

const ms = (x) => `${x.toFixed(0)} ms`;
const min = (a) => Math.min(...a);
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const figures = { when: new Date().toISOString(), clv, loadavg: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(2))) };

// 1. Native: the binding (same code as the page's worker), built once and
// run again beside each fit in the page, so both see the same machine
// load; and the whole clv score process.
const tmp = mkdtempSync(join(tmpdir(), 'clv-pageperf-'));
const nativeBin = join(tmp, 'native');
execFileSync('go', ['build', '-o', nativeBin, './web/bench/native'], { cwd: root });
// threads: GOMAXPROCS for the run (undefined: all cores, as clv runs);
// 1 gives native the page worker's single thread (Go's wasm is one
// thread, where native Go spreads the collector's marking and the row
// sums over the second core).
const nativeRun = (runs, threads) => JSON.parse(execFileSync(nativeBin, ['--runs', String(runs), '--settings', JSON.stringify(settings), cdnow],
  { env: threads ? { ...process.env, GOMAXPROCS: String(threads) } : process.env }).toString());
const native = nativeRun(5);
figures.native = { scoreMs: native.scoreMs, summarizeMs: native.summarizeMs, best: min(native.scoreMs), median: median(native.scoreMs) };
const cfg = join(tmp, 'clv.toml');
writeFileSync(cfg, `[input]
path = ${JSON.stringify(cdnow)}
date_format = "YYYY-MM-DD"
[input.columns]
customer = "customer_id"
date = "date"
amount = "amount"
[time]
grain = "day"
unit = "week"
observation_end = "${observationEnd}"
[model]
purchase = "bgnbd"
spend = "gammagamma"
horizon_months = 12
annual_discount_rate = 0.10
margin = 0.30
[output]
path = ${JSON.stringify(join(tmp, 'scores.csv'))}
precision = 6
`);
const proc = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  execFileSync(clv, ['score', '--config', cfg, '--quiet']);
  proc.push(performance.now() - t);
}
figures.clvScoreProcessMs = { runs: proc, best: min(proc) };

// 2. clv serve on a free port.
const server = spawn(clv, ['serve', '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise((res, rej) => {
  let buf = '';
  server.stderr.on('data', (d) => { buf += d; const m = buf.match(/http:\/\/127\.0\.0\.1:\d+\//); if (m) res(m[0]); });
  server.on('exit', (code) => rej(new Error(`clv serve exited (${code}): ${buf}`)));
});
const built = await (await fetch(url)).text();
if (!built.includes('app.js')) throw new Error(`${clv} serves no page (${built.slice(0, 80)}): build it with make build`);

// A real profile in a new folder: the first visit is cold (nothing
// cached), later visits use the HTTP cache and V8's code cache as a
// returning user's browser does.
const ctx = await chromium.launchPersistentContext(join(tmp, 'profile'), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', viewport: { width: 1440, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const errors = [];
// ready: the calculator's first result, in ms since navigation start
// (the page's clock), and the bytes that crossed the network.
const load = async (page, go) => {
  await go();
  await page.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs), null, { timeout: 60000, polling: 'raf' });
  return page.evaluate(() => {
    const res = performance.getEntriesByType('resource');
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      readyMs: performance.now(), wasm: globalThis.__clvPage.wasmLoad,
      transferBytes: res.reduce((s, r) => s + r.transferSize, nav.transferSize),
      bodyBytes: res.reduce((s, r) => s + r.decodedBodySize, nav.decodedBodySize),
    };
  });
};
// traced runs fn under Chromium's tracing and returns, from the trace, the
// data worker's thread (CPU) time for the longest message it handled (the
// score request: summary, fits, scoring, and the result's transfer) and
// the CPU time V8's background threads spent compiling the module's hot
// functions with its optimizing tier (TurboFan) meanwhile. Thread time,
// unlike wall time, does not grow when other programs take the cores.
const traced = async (page, fn) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Tracing.start', { transferMode: 'ReturnAsStream', traceConfig: { includedCategories: ['devtools.timeline', 'toplevel', 'v8', 'v8.wasm'] } });
  await fn();
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.end');
  const { stream } = await done;
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  await cdp.detach();
  const parsed = JSON.parse(text);
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const thread = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') thread.set(`${e.pid}:${e.tid}`, e.args.name);
  let worker = null;
  let tierUpCpuMs = 0;
  for (const e of events) {
    if (e.ph !== 'X') continue;
    const name = thread.get(`${e.pid}:${e.tid}`) || '';
    if (name.startsWith('DedicatedWorker') && e.name === 'HandlePostMessage' && (!worker || e.dur > worker.dur)) worker = e;
    if (e.name === 'wasm.TopTierCompilation') tierUpCpuMs += (e.tdur ?? e.dur) / 1000;
  }
  return { workerCpuMs: worker ? (worker.tdur ?? NaN) / 1000 : NaN, workerWallMs: worker ? worker.dur / 1000 : NaN, tierUpCpuMs };
};
// fit uploads CDNOW and scores it n times, with native runs beside.
const fit = async (page, n, label) => {
  await page.setInputFiles('#file', cdnow);
  await page.waitForSelector('#mapping:not([hidden])');
  await page.waitForFunction(() => document.getElementById('obs-end').value !== '');
  await page.fill('#obs-end', observationEnd);
  const out = [];
  for (let i = 0; i < n; i++) {
    // The third fit comes after 5 s without work, as when someone reads
    // the results first: V8's optimizing compiler, started by the first
    // fit on background threads, has had time to finish.
    if (i === 2) await new Promise((r) => setTimeout(r, 5000));
    await page.evaluate(() => { document.getElementById('res-time').dataset.ms = ''; });
    let wall = 0;
    const cpu = await traced(page, async () => {
      const t = performance.now();
      await page.click('#score');
      await page.waitForFunction(() => document.getElementById('res-time').dataset.ms, null, { timeout: 120000, polling: 'raf' });
      wall = performance.now() - t;
    });
    const r = await page.$eval('#res-time', (e) => ({ fitMs: Number(e.dataset.fitMs), summarizeMs: Number(e.dataset.summarizeMs), workerMs: Number(e.dataset.ms) }));
    const params = await page.$$eval('#params tbody tr', (trs) => trs.map((t) => Number(t.dataset.value)));
    const maxRel = Math.max(...params.map((p, k) => Math.abs(p - native.params[k]) / Math.abs(native.params[k])));
    const nb = nativeRun(3);
    const beside = min(nb.scoreMs);
    const besideCpu = min(nb.callCpuMs);
    const beside1 = min(nativeRun(3, 1).scoreMs);
    out.push({ ...r, clickToTableMs: wall, maxRelParamDiff: maxRel, nativeBesideMs: beside, ratio: r.fitMs / beside, ...cpu, nativeCallCpuMs: besideCpu, cpuRatio: cpu.workerCpuMs / besideCpu,
      nativeOneThreadMs: beside1, ratioOneThread: r.fitMs / beside1 });
    console.log(`${label} fit ${i + 1} in the page: ${ms(r.fitMs)} fit+score (${ms(r.summarizeMs)} summarize; click to table ${ms(wall)}); native just after: ${beside.toFixed(1)} ms → ${(r.fitMs / beside).toFixed(1)}×, on one thread ${beside1.toFixed(1)} ms → ${(r.fitMs / beside1).toFixed(1)}×; ` +
      `CPU: worker ${ms(cpu.workerCpuMs)} (of ${ms(cpu.workerWallMs)} wall) vs native ${besideCpu.toFixed(1)} ms → ${(cpu.workerCpuMs / besideCpu).toFixed(1)}×, TurboFan meanwhile ${ms(cpu.tierUpCpuMs)} CPU; parameters within ${maxRel.toExponential(1)} of native`);
  }
  return out;
};
try {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  figures.cold = await load(page, () => page.goto(url));
  console.log(`cold load to ready: ${ms(figures.cold.readyMs)} (${figures.cold.transferBytes} bytes over the network for ${figures.cold.bodyBytes}; clv.wasm compiled: ${figures.cold.wasm})`);
  figures.warm = await load(page, () => page.reload());
  console.log(`reload to ready (HTTP cache warm): ${ms(figures.warm.readyMs)} (${figures.warm.transferBytes} bytes over the network)`);
  figures.page = await fit(page, 3, 'first visit:');
  // The worker's warm-up (main.js warmWorker) ran between load and the
  // upload; its time, two fits of a built-in 400-customer log.
  figures.warmMs = await page.evaluate(() => globalThis.__clvPage.warmMs);
  console.log(`worker warm-up after load: ${Number.isFinite(figures.warmMs) ? ms(figures.warmMs) : 'not run'}`);
  await page.close();
  // A return visit in a new tab: cached files and compiled code.
  await new Promise((r) => setTimeout(r, 3000)); // V8 writes its code cache a little after tier-up
  const again = await ctx.newPage();
  again.on('pageerror', (e) => errors.push(e.message));
  figures.revisit = await load(again, () => again.goto(url));
  console.log(`return visit (new tab) to ready: ${ms(figures.revisit.readyMs)} (${figures.revisit.transferBytes} bytes over the network)`);
  figures.revisit.fits = await fit(again, 1, 'return visit:');
  if (errors.length) throw new Error(`page errors: ${errors.join(' | ')}`);
  console.log(`native (same binding, best of 5 before the browser started): ${figures.native.best.toFixed(1)} ms fit+score (median ${figures.native.median.toFixed(1)}); clv score process: ${ms(figures.clvScoreProcessMs.best)}`);
  figures.ratios = figures.page.map((p) => p.ratio);
  figures.cpuRatios = figures.page.map((p) => p.cpuRatio);
  console.log(`CPU-time ratio page / native (the worker's thread time for the score call against native's, load-independent): first ${figures.cpuRatios[0].toFixed(1)}×, second ${figures.cpuRatios[1].toFixed(1)}×, third ${figures.cpuRatios[2].toFixed(1)}×; return visit's first ${figures.revisit.fits[0].cpuRatio.toFixed(1)}×`);
  console.log(`ratio page / native: first fit ${figures.ratios[0].toFixed(1)}×, second ${figures.ratios[1].toFixed(1)}× (goal ≤ 3×: ${figures.ratios[1] <= 3 ? 'met' : 'not met'}), third (after 5 s idle) ${figures.ratios[2].toFixed(1)}×; return visit's first fit ${figures.revisit.fits[0].ratio.toFixed(1)}×`);
  figures.loadavgAfter = (await import('node:os')).loadavg().map((x) => Number(x.toFixed(2)));
  console.log(`load average before ${figures.loadavg.join(' ')}, after ${figures.loadavgAfter.join(' ')} (${(await import('node:os')).cpus().length} cores)`);
} finally {
  await ctx.close();
  server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}
if (process.env.CLV_BENCH_OUT) writeFileSync(process.env.CLV_BENCH_OUT, JSON.stringify(figures, null, 2) + '\n');
console.log(JSON.stringify(figures));
