// Browser checks of the cohort view (web/src/cohorts.js), run by run.mjs on
// the page after it scored CDNOW. expected holds the paths of `clv cohorts`
// output for the same file and settings (web/cohorts_test.go): month (no
// discounting), quarter (10 % a year) and partial (month, observation end
// 1997-09-15), and cdnowPath the file. The page's table, heatmap and
// retention triangle must carry clv cohorts' numbers, and its download must
// be the same bytes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// near: a number the page holds against one clv cohorts wrote with 6
// decimals (the rounding, plus the wasm core's last-bit differences).
const near = (got, want) => Math.abs(got - want) <= 1e-10 * Math.max(1, Math.abs(want)) + 5e-7;

function rows(text) {
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.slice(1).map((l) => l.split(','));
}

// pageTable reads the cohort table: per row the cohort, k and the cells'
// data-value attributes.
async function pageTable(page) {
  return page.$$eval('#cohort-table tbody tr', (trs) => trs.map((tr) => ({
    cohort: tr.dataset.cohort, k: tr.dataset.k, values: [...tr.cells].slice(1).map((c) => c.dataset.value),
  })));
}

// compare checks the page's table and both heatmaps against clv cohorts' CSV
// rows and returns a description of the first difference ('' if none).
async function compare(page, want) {
  const got = await pageTable(page);
  if (got.length !== want.length) return `${got.length} rows in the page, ${want.length} from clv cohorts`;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]; const g = got[i];
    // cohort,cohort_start,months_since,customers,observed_customers,active_customers,retention,revenue,revenue_per_customer,cumulative_revenue_per_customer,complete
    const ints = [w[2], w[3], w[4], w[5]].map(Number);
    const floats = [w[6], w[7], w[8], w[9]].map(Number);
    const gv = g.values.map(Number);
    const ok = g.cohort === w[0] && Number(g.k) === ints[0] && gv[0] === ints[0] && gv[1] === ints[1] && gv[2] === ints[2] && gv[3] === ints[3] &&
      floats.every((f, j) => near(gv[4 + j], f)) && gv[8] === Number(w[10]);
    if (!ok) return `row ${i + 1}: page ${g.cohort} ${g.values.join(' ')} vs ${w.join(',')}`;
  }
  // Heatmaps: cells in the table's order, cumulative and retention.
  for (const [sel, col] of [['#cohort-heat', 9], ['#cohort-retention', 6]]) {
    const cells = await page.$$eval(`${sel} .v`, (ds) => ds.map((d) => ({ v: Number(d.dataset.value), partial: d.classList.contains('partial') })));
    if (cells.length !== want.length) return `${sel}: ${cells.length} cells, ${want.length} rows`;
    // Cells are drawn row by row (cohort), month by month: the table's order.
    const bad = cells.findIndex((c, i) => !near(c.v, Number(want[i][col])) || c.partial !== (want[i][10] === '0'));
    if (bad >= 0) return `${sel} cell ${bad + 1}: ${cells[bad].v} vs ${want[bad][col]}`;
  }
  return '';
}

async function downloadCSV(page, out, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#cohort-download')]);
  const path = join(out, name);
  await dl.saveAs(path);
  return readFileSync(path, 'utf8');
}

export async function cohortChecks({ page, check, expected, out }) {
  const month = readFileSync(expected.month, 'utf8');
  const quarter = readFileSync(expected.quarter, 'utf8');
  const wantMonth = rows(month);
  await page.waitForFunction((n) => !document.getElementById('cohorts').hidden &&
    document.querySelectorAll('#cohort-table tbody tr').length === n, wantMonth.length, { timeout: 20000 });
  const status = await page.$eval('#cohort-status', (e) => e.textContent);
  check('cohort view shown after scoring', /^3 monthly cohorts, 2,357 customers\.$/.test(status), status);
  const diff = await compare(page, wantMonth);
  check('cohort table and heatmaps equal clv cohorts (monthly)', diff === '', diff || `${wantMonth.length} cells`);
  check('cohort CSV download is byte-identical to clv cohorts', (await downloadCSV(page, out, 'cohorts-page-month.csv')) === month);

  // Quarterly cohorts, discounted 10 % a year: the first quarter's month 1
  // is discounted, so the table changes only once both settings apply.
  const wantQuarter = rows(quarter);
  await page.selectOption('#cohort-period', 'quarter');
  await page.fill('#cohort-discount', '10');
  await page.waitForFunction((w) => {
    const tr = document.querySelectorAll('#cohort-table tbody tr');
    return tr.length === w.n && tr[1] && Math.abs(Number(tr[1].cells[8].dataset.value) - w.cum) < 1e-6;
  }, { n: wantQuarter.length, cum: Number(wantQuarter[1][9]) }, { timeout: 20000 });
  const qdiff = await compare(page, wantQuarter);
  check('cohort table and heatmaps equal clv cohorts --period quarter --discount 0.1', qdiff === '', qdiff || `${wantQuarter.length} cells`);
  check('quarterly cohort CSV download is byte-identical to clv cohorts', (await downloadCSV(page, out, 'cohorts-page-quarter.csv')) === quarter);

  // A bad discount is flagged beside its field; the table keeps its numbers.
  await page.fill('#cohort-discount', '-5');
  const err = await page.$eval('#cohort-discount-error', (e) => e.textContent);
  const invalid = await page.$eval('#cohort-discount', (e) => e.getAttribute('aria-invalid'));
  check('a negative discount is refused beside its field', invalid === 'true' && /from 0/.test(err) && (await compare(page, wantQuarter)) === '', err);
  await page.fill('#cohort-discount', '10');

  // Every control labelled; nothing overflows the page at phone widths.
  const unlabeled = await page.evaluate(() => [...document.querySelectorAll('#cohorts input, #cohorts select, #cohorts button')]
    .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !(e.tagName === 'BUTTON' && e.textContent.trim())).map((e) => e.id));
  check('every cohort control has a label', unlabeled.length === 0, unlabeled.join(', '));
  const size = page.viewportSize();
  // At 320 px the rest of the page is still too wide (issue 10), so the
  // check there is that nothing of the cohort view outside its scrolling
  // boxes reaches past the window.
  for (const width of [390, 320]) {
    await page.setViewportSize({ width, height: 844 });
    const wide = await page.evaluate(() => [...document.querySelectorAll('#cohorts, #cohorts *')]
      .filter((e) => !(e.parentElement && e.parentElement.closest('.table-wrap')) && e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.id || e.tagName));
    check(`cohort view fits a ${width} px window (wide charts and table scroll in their boxes)`, wide.length === 0, wide.join(', '));
    if (width === 390) {
      // One CI run under load measured the page 794 px too wide here,
      // with every check before it passing and no overflow on rerunning:
      // the layout had not yet followed the viewport change. Wait (up to
      // 5 s) for it to settle; the widest elements are named if not.
      await page.waitForFunction(() => document.documentElement.scrollWidth - window.innerWidth <= 1, null, { timeout: 5000 }).catch(() => {});
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const culprits = overflow > 1 ? await page.evaluate(() => [...document.querySelectorAll('body *')]
        .filter((e) => !(e.parentElement && e.parentElement.closest('.table-wrap')) && e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 8).map((e) => `${e.tagName}#${e.id}.${e.className}:${Math.round(e.getBoundingClientRect().right)}`).join(' ')) : '';
      check('no horizontal scrolling at 390 px with the cohort view', overflow <= 1, `${overflow}px ${culprits}`);
    }
    await page.locator('#cohorts').screenshot({ path: join(out, `cohorts-${width}.png`) });
  }
  await page.setViewportSize(size);
  await page.locator('#cohorts').screenshot({ path: join(out, 'cohorts-desktop.png') });

  // The right edge: scored to 1997-09-15 in a fresh page, September is not
  // over; its cells are hatched (complete = 0 in the CSV) and the status
  // says so.
  const partial = readFileSync(expected.partial, 'utf8');
  const wantPartial = rows(partial);
  const ctx = await page.context().browser().newContext({ viewport: size, acceptDownloads: true });
  const p2 = await ctx.newPage();
  const errors = [];
  p2.on('pageerror', (e) => errors.push(e.message));
  p2.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await p2.goto(page.url());
  await p2.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs), null, { timeout: 30000 });
  await p2.setInputFiles('#file', expected.cdnowPath);
  await p2.waitForSelector('#mapping:not([hidden])');
  await p2.waitForFunction(() => document.getElementById('obs-end').value !== '');
  await p2.fill('#obs-end', '1997-09-15');
  await p2.click('#score');
  await p2.waitForFunction((n) => document.querySelectorAll('#cohort-table tbody tr').length === n, wantPartial.length, { timeout: 60000 });
  const pdiff = await compare(p2, wantPartial);
  const hatched = await p2.$$eval('#cohort-heat .partial', (ds) => ds.length);
  const pstatus = await p2.$eval('#cohort-status', (e) => e.textContent);
  check('an incomplete last month is hatched and named, as clv cohorts flags it', pdiff === '' && hatched === 3 &&
    wantPartial.filter((r) => r[10] === '0').length === 3 && /1997-09 holds the observation end and is not over/.test(pstatus), pdiff || `${hatched} hatched; ${pstatus}`);
  check('partial-month CSV download is byte-identical to clv cohorts', (await downloadCSV(p2, out, 'cohorts-page-partial.csv')) === partial);
  await p2.locator('#cohorts').screenshot({ path: join(out, 'cohorts-partial.png') });
  check('no console errors in the partial-month page', errors.length === 0, errors.join(' | '));
  await ctx.close();
}
