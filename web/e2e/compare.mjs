// Browser checks for the page's holdout test (issue 12, "a report people
// read"): CDNOW uploaded, split at 1997-09-30 with the observation end at
// 1998-06-30 (Fader, Hardie & Lee's 39/39 weeks), compared in the page; every
// number the page shows (kept whole in data-value) must equal
// `clv compare --json` on the same data and split, which web/compare_test.go
// puts in expected.compare. The page runs the core as WebAssembly, whose
// math differs from amd64's in the last bits, and the binary prints 6
// decimals: numbers must agree to 1e-6, relative to max(1, |value|).
import { join } from 'node:path';

const near = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

export async function compare({ newPage, check, url, expected, out, figures }) {
  const want = expected.compare;
  const page = await newPage();
  await page.goto(url);
  await page.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs), null, { timeout: 15000 });
  await page.setInputFiles('#file', want.path);
  await page.waitForSelector('#mapping:not([hidden])');
  await page.waitForFunction(() => document.getElementById('obs-end').value !== '');
  check('holdout: the observation end defaults to the last order', await page.inputValue('#obs-end') === want.observationEnd, await page.inputValue('#obs-end'));
  await page.fill('#obs-end', want.observationEnd);

  // No calibration end: a message, no comparison.
  await page.click('#compare-run');
  check('holdout: asks for a calibration end', /Choose a calibration end/.test(await page.textContent('#compare-error')), await page.textContent('#compare-error'));
  // A calibration end after the observation end: the core's message.
  await page.fill('#cal-end', '1998-07-01');
  await page.click('#compare-run');
  await page.waitForFunction(() => document.getElementById('compare-error').textContent !== '', null, { timeout: 30000 });
  check('holdout: a calibration end after the observation end is refused', /not before the observation end/.test(await page.textContent('#compare-error')), await page.textContent('#compare-error'));

  await page.fill('#cal-end', want.calibrationEnd);
  const t = Date.now();
  await page.click('#compare-run');
  await page.waitForSelector('#compare-out:not([hidden])', { timeout: 60000 });
  figures.compareMs = Date.now() - t;
  check('holdout: no error', await page.textContent('#compare-error') === '', await page.textContent('#compare-error'));
  const j = want.json;
  check('holdout: actual holdout purchases', Number(await page.$eval('#compare-summary', (e) => e.dataset.actual)) === j.actual_holdout, String(j.actual_holdout));
  check('holdout: best model', await page.$eval('#compare-best', (e) => e.dataset.model) === j.best.model, j.best.model);

  // Every number of the comparison table, the conditional expectations,
  // the tracking and the P(alive) deciles.
  const cells = await page.$$eval('#compare-out td[data-value]', (tds) => tds.map((td) => ({ ...td.dataset })));
  let n = 0;
  const bad = [];
  const cmp = (what, got, w) => { n++; if (!near(got, w)) bad.push(`${what}: page ${got}, clv compare ${w}`); };
  const models = Object.fromEntries(j.models.map((m) => [m.model, m]));
  for (const c of cells) {
    const v = Number(c.value);
    const m = models[c.model];
    if (c.key && !c.decile && m) cmp(`${c.model} ${c.key}`, v, m[c.key]);
    else if (c.bucket !== undefined) {
      const g = Number(c.bucket);
      cmp(`${c.model} bucket ${g}`, v, c.model === 'actual' ? j.models[0].conditional_expectations[g].actual : m.conditional_expectations[g].predicted);
    } else if (c.period !== undefined) {
      const k = Number(c.period) - 1;
      if (c.model === 'actual') cmp(`actual period ${k + 1}`, v, c.cumulative ? j.tracking.cumulative[k] : j.tracking.incremental[k]);
      else cmp(`${c.model} period ${k + 1}`, v, c.cumulative ? m.tracking[k].cumulative_predicted : m.tracking[k].predicted);
    } else if (c.decile !== undefined) {
      cmp(`${c.model} decile ${c.decile} ${c.key}`, v, m.alive_deciles[Number(c.decile) - 1][c.key]);
    }
  }
  // 3 models × 9 measures, 8 buckets × 4, 78 weeks × 8, 10 deciles × 3.
  check('holdout: the page shows every number of clv compare --json', n === 27 + 32 + 624 + 30, `${n} numbers`);
  check('holdout: the page\'s numbers equal clv compare --json', bad.length === 0, bad.slice(0, 5).join('; '));
  // Charts drawn with accessible names, tables behind them.
  const canvases = await page.$$eval('#compare-charts canvas', (cs) => cs.map((c) => c.getAttribute('aria-label') && c.width > 0));
  check('holdout: four charts drawn, each with an accessible name', canvases.length === 4 && canvases.every(Boolean), JSON.stringify(canvases));
  await page.screenshot({ path: join(out, 'compare.png'), fullPage: true });
  await page.context().close();
}
