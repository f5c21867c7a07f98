// The data worker's warm-up (main.js warmWorker, worker.js 'warm'): once
// the calculator has rendered and the page is idle, the worker starts its
// Go instance and scores a small built-in log, so that V8 has compiled and
// optimized the fitting code before a user's file comes. Checks that it
// runs and finishes, and that a file uploaded at once, while it may still
// be running, is read and scored exactly as without it (the worker handles
// one message at a time; the user's load replaces the warm-up's data).
const TOL = 1e-10;
const rel = (a, b) => Math.abs(a - b) / Math.max(1, Math.abs(b));
const ready = (page) => page.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs), null, { timeout: 60000 });

export async function warmupChecks({ newPage, check, url, expected, figures }) {
  const page = await newPage();
  try {
    await page.goto(url);
    await ready(page);
    await page.waitForFunction(() => Number.isFinite(globalThis.__clvPage.warmMs), null, { timeout: 120000 });
    const ms = await page.evaluate(() => globalThis.__clvPage.warmMs);
    figures.warmMs = ms;
    check('the data worker warms up after the page has loaded', ms > 0, `${ms.toFixed(0)} ms for two fits of the built-in log`);
  } finally {
    await page.context().close();
  }
  // An upload straight after load: the warm-up may be running.
  const early = await newPage();
  try {
    await early.goto(url);
    await ready(early);
    await early.setInputFiles('#file', expected.cdnow.path);
    await early.waitForSelector('#mapping:not([hidden])', { timeout: 120000 });
    await early.waitForFunction(() => document.getElementById('obs-end').value !== '');
    await early.fill('#obs-end', '1997-09-30');
    await early.click('#score');
    await early.waitForSelector('#results:not([hidden])', { timeout: 120000 });
    const params = await early.$$eval('#params tbody tr', (trs) => trs.map((t) => ({ model: t.dataset.model, name: t.dataset.param, value: Number(t.dataset.value) })));
    const off = params.filter((p) => !(rel(p.value, expected.cdnow.params[p.model][p.name]) < TOL));
    const n = await early.$eval('#res-time', (e) => e.dataset.customers || '');
    check('a file uploaded during the warm-up is scored as without it (CDNOW parameters equal the native core)',
      params.length >= 7 && off.length === 0, off.map((p) => `${p.model} ${p.name} ${p.value}`).join(', ') || `${params.length} parameters${n ? `, ${n} customers` : ''}`);
  } finally {
    await early.context().close();
  }
}
