import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
const url = process.env.URL;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
await page.goto(url);
await page.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs));
await page.setInputFiles('#file', '/work/wt-serve/examples/cdnow/transactions.csv');
await page.waitForSelector('#mapping:not([hidden])');
await page.waitForFunction(() => document.getElementById('obs-end').value !== '');
await page.fill('#obs-end', '1997-09-30');
for (let i = 0; i < 3; i++) {
  await page.evaluate(() => { document.getElementById('res-time').dataset.ms = ''; });
  if (i === 1) await browser.startTracing(page, { path: '/tmp/serve-wt/trace.json', categories: ['devtools.timeline', 'v8', 'v8.wasm', 'disabled-by-default-devtools.timeline', 'blink', 'toplevel'] });
  const t = Date.now();
  await page.click('#score');
  await page.waitForFunction(() => document.getElementById('res-time').dataset.ms, null, { timeout: 120000, polling: 'raf' });
  const wall = Date.now() - t;
  console.log('fit', i + 1, 'wall', wall, await page.$eval('#res-time', (e) => [e.dataset.ms, e.dataset.fitMs, e.dataset.summarizeMs].map((x) => Math.round(Number(x)))));
  if (i === 1) await browser.stopTracing();
}
await browser.close();
const tr = JSON.parse(readFileSync('/tmp/serve-wt/trace.json', 'utf8'));
const ev = tr.traceEvents || tr;
const names = new Map();
for (const e of ev) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
const agg = new Map();
for (const e of ev) {
  if (e.ph !== 'X' || !e.dur) continue;
  const th = names.get(`${e.pid}:${e.tid}`) || `${e.pid}:${e.tid}`;
  if (!/Main|Worker|Compositor|V8|wasm/i.test(th)) continue;
  const k = `${th} | ${e.name}`;
  agg.set(k, (agg.get(k) || 0) + e.dur / 1000);
}
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(Math.round(v), k);
