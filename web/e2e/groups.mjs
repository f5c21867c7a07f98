// Browser checks of the channel view (web/src/channels.js, issue 14), run
// by run.mjs with expected.groups from web/groups_test.go: a generated
// order file with a channel column is uploaded and scored with the page's
// defaults; the view must offer the channel column, show the groups the
// native core computes (core/group through wasm/bind), byte for byte for
// the sums, take typed spend and new customers to the same CAC and LTV:CAC
// (table and chart), and show a message beside a bad cost.

import { readFileSync } from 'node:fs';

const rel = (a, b) => Math.abs(a - b) / Math.max(1, Math.abs(b));
// The wasm core's math differs from amd64's in the last bit (run.mjs TOL).
const TOL = 1e-10;
const num = (v) => (v === null ? NaN : v === 'Infinity' ? Infinity : v);

async function rows(page) {
  return page.$$eval('#channel-table tbody tr, #channel-table tfoot tr', (trs) => trs.map((tr) => {
    const cell = (k) => tr.querySelector(`td[data-key="${k}"]`);
    const v = (k) => (cell(k).dataset.value === undefined ? NaN : Number(cell(k).dataset.value));
    return {
      name: tr.dataset.group, small: tr.dataset.tooSmall === 'true', customers: v('customers'), clv: cell('clv').dataset.exact,
      expectedSpend: cell('expectedSpend').dataset.exact, meanClv: v('meanClv'), cac: v('cac'), ltvToCac: v('ltvToCac'), maxCac: v('maxCac'),
      payback: v('paybackMonths'), ltvText: cell('ltvToCac').textContent,
    };
  }));
}

// same compares the page's rows with the core's view; '' when equal.
function same(got, v) {
  const want = [...v.groups, { ...v.total, name: 'total' }];
  if (got.length !== want.length) return `${got.length} rows, want ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]; const w = want[i];
    const c = w.cost;
    const costOK = c ? rel(g.cac, num(c.cac)) < TOL && rel(g.ltvToCac, num(c.ltvToCac)) < TOL && rel(g.maxCac, num(c.maxCac)) < TOL &&
      (num(c.paybackMonths) === Infinity ? Number.isNaN(g.payback) || g.payback === Infinity : rel(g.payback, num(c.paybackMonths)) < TOL)
      : Number.isNaN(g.cac) && g.ltvText === '—';
    if (g.name !== w.name || g.customers !== w.customers || g.clv !== w.clv || g.expectedSpend !== w.expectedSpend ||
      rel(g.meanClv, num(w.meanClv)) > TOL || g.small !== w.tooSmall || !costOK) {
      return `row ${i + 1}: page ${JSON.stringify(g)} vs core ${JSON.stringify({ name: w.name, customers: w.customers, clv: w.clv, meanClv: w.meanClv, cost: c, tooSmall: w.tooSmall })}`;
    }
  }
  return '';
}

export async function groupsChecks({ newPage, check, url, expected, out }) {
  const X = expected.groups;
  const page = await newPage({ width: 1440, height: 900 });
  await page.goto(url);
  await page.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs), null, { timeout: 15000 });
  await page.setInputFiles('#file', X.path);
  await page.waitForFunction(() => !document.getElementById('mapping').hidden && document.getElementById('obs-end').value !== '', null, { timeout: 60000 });
  await page.click('#score');
  await page.waitForFunction((n) => !document.getElementById('channels').hidden &&
    document.querySelectorAll('#channel-table tbody tr').length === n, X.plain.groups.length, { timeout: 60000 });

  const options = await page.$$eval('#channel-column option', (os) => os.map((o) => o.value));
  check('channel view offers the text columns with few values', options.join(',') === X.columns.map((c) => c.column).join(','), options.join(','));
  const status = await page.$eval('#channel-status', (e) => e.textContent);
  check('channel view says how many groups and who changed channel', /^4 groups of 300 customers by channel; 1 customer later bought with another channel/.test(status), status);
  let diff = same(await rows(page), X.plain);
  check('channel groups equal core/group (sums byte for byte)', diff === '', diff || `${X.plain.groups.length} groups, total CLV ${X.plain.total.clv}`);
  const small = await page.$eval('#channel-table tbody tr[data-group="unknown"] th', (e) => e.textContent);
  check('a group under the minimum is flagged too small', /too small to trust \(1 < 30 customers\)/.test(small), small);

  // Type the costs: the same CAC, LTV:CAC, largest CAC and payback as the core.
  for (const c of X.typed) {
    await page.fill(`#channel-table tbody tr[data-group="${c.group}"] td[data-key="spend"] input`, c.spend);
    await page.fill(`#channel-table tbody tr[data-group="${c.group}"] td[data-key="newCustomers"] input`, c.newCustomers);
  }
  const want = X.costs.groups.find((g) => g.name === 'paid_search').cost;
  await page.waitForFunction((w) => {
    const td = document.querySelector('#channel-table tbody tr[data-group="paid_search"] td[data-key="ltvToCac"]');
    return td && td.dataset.value !== undefined && Math.abs(Number(td.dataset.value) - w) < 1e-6 * Math.max(1, w);
  }, num(want.ltvToCac), { timeout: 20000 });
  diff = same(await rows(page), X.costs);
  check('typed spend and new customers give core/group\'s CAC, LTV:CAC, largest CAC and payback', diff === '', diff ||
    X.costs.groups.filter((g) => g.cost).map((g) => `${g.name} ${num(g.cost.ltvToCac).toFixed(4)}`).join(', '));
  const bars = await page.$$eval('#channel-chart rect.ratio-bar', (rs) => rs.map((r) => [r.dataset.group, Number(r.dataset.value)]));
  const wantBars = X.costs.groups.filter((g) => g.cost).map((g) => [g.name, num(g.cost.ltvToCac)]);
  check('LTV:CAC chart has one bar per channel with a cost, at the core\'s ratio', bars.length === wantBars.length &&
    bars.every(([n, v], i) => n === wantBars[i][0] && rel(v, wantBars[i][1]) < TOL), JSON.stringify(bars));

  // Bad input: a negative spend, then text; a message beside the field.
  const spend = '#channel-table tbody tr[data-group="social"] td[data-key="spend"] input';
  const newc = '#channel-table tbody tr[data-group="social"] td[data-key="newCustomers"] input';
  await page.fill(newc, '3');
  await page.fill(spend, '-5');
  const msg = async () => page.$eval(spend, (e) => ({ invalid: e.getAttribute('aria-invalid'), text: document.getElementById(e.getAttribute('aria-describedby')).textContent }));
  await page.waitForFunction((s) => document.querySelector(s).getAttribute('aria-invalid') === 'true', spend, { timeout: 20000 });
  let m = await msg();
  check('negative spend: a message beside the field', m.invalid === 'true' && /^Spend: want an amount from 0/.test(m.text), m.text);
  await page.fill(spend, 'abc');
  await page.waitForFunction((s) => /not a number/.test(document.getElementById(document.querySelector(s).getAttribute('aria-describedby')).textContent), spend, { timeout: 20000 });
  m = await msg();
  check('text as spend: a message beside the field', m.invalid === 'true' && /^Spend: not a number/.test(m.text), m.text);
  const ratio = await page.$eval('#channel-table tbody tr[data-group="social"] td[data-key="ltvToCac"]', (e) => e.textContent);
  check('a refused cost gives no LTV:CAC', ratio === '—', ratio);
  await page.fill(newc, '2.5');
  await page.waitForFunction((s) => document.querySelector(s).getAttribute('aria-invalid') === 'true', newc, { timeout: 20000 });
  const nm = await page.$eval(newc, (e) => document.getElementById(e.getAttribute('aria-describedby')).textContent);
  check('fractional new customers: a message beside the field', /^New customers: want a whole number/.test(nm), nm);
  await page.locator('#channels').screenshot({ path: `${out}/channels.png` });
  await page.context().close();
  await exampleChecks({ newPage, check, url, E: X.example });
}

// exampleChecks scores examples/channels/orders.csv in the page with the
// example's clv.toml settings (margin 40 %, observation end 2024-12-31; the
// rest are the page's defaults), types cac.csv's spends and new customers,
// and compares with the golden groups.json of `clv groups`. That file is at
// precision 2 and the page at 6, so sums may differ by half a cent per
// customer and ratios by what that does to the mean.
async function exampleChecks({ newPage, check, url, E }) {
  const golden = JSON.parse(readFileSync(E.golden, 'utf8'));
  const cac = readFileSync(E.cac, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const page = await newPage({ width: 1440, height: 900 });
  await page.goto(url);
  await page.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs), null, { timeout: 15000 });
  await page.setInputFiles('#file', E.orders);
  await page.waitForFunction(() => !document.getElementById('mapping').hidden && document.getElementById('obs-end').value !== '', null, { timeout: 60000 });
  await page.fill('#obs-end', E.observationEnd);
  await page.fill('#margin', E.marginPercent);
  await page.click('#score');
  await page.waitForFunction((n) => !document.getElementById('channels').hidden &&
    document.querySelectorAll('#channel-table tbody tr').length === n, golden.groups.length, { timeout: 120000 });
  for (const [group, spend, n] of cac) {
    await page.fill(`#channel-table tbody tr[data-group="${group}"] td[data-key="spend"] input`, spend);
    await page.fill(`#channel-table tbody tr[data-group="${group}"] td[data-key="newCustomers"] input`, n);
  }
  // Until the last typed row's ratio is the golden one (else the check
  // below says what the page shows).
  const last = golden.groups.find((g) => g.name === cac[cac.length - 1][0]);
  await page.waitForFunction(([g, w]) => Math.abs(Number(document.querySelector(`#channel-table tbody tr[data-group="${g}"] td[data-key="ltvToCac"]`).dataset.value) - w) < 1e-3,
    [last.name, last.acquisition.ltv_cac], { timeout: 20000 }).catch(() => {});
  const got = await rows(page);
  const bad = [];
  golden.groups.forEach((w, i) => {
    const g = got[i];
    const a = w.acquisition;
    const meanTol = 0.005 + 1e-9; // mean of values rounded to cents
    if (g.name !== w.name || g.customers !== w.customers || Math.abs(Number(g.clv) - w.total_clv) > 0.005 * w.customers + 1e-9 ||
      Math.abs(g.meanClv - w.mean_clv) > meanTol + 0.005 || g.small !== w.too_small ||
      Math.abs(g.cac - a.cac) > 1e-9 || Math.abs(g.ltvToCac - a.ltv_cac) > meanTol / a.cac + 0.00005 ||
      Math.abs(g.maxCac - a.max_cac) > meanTol / golden.target_ltv_cac + 0.005 + 1e-9) {
      bad.push(`${w.name}: page ${JSON.stringify(g)} vs clv groups ${JSON.stringify({ customers: w.customers, clv: w.total_clv, mean: w.mean_clv, ...a })}`);
    }
  });
  check('examples/channels in the page equals clv groups (customers, CLV, CAC, LTV:CAC, largest CAC)', bad.length === 0,
    bad[0] || got.filter((g) => g.name !== 'total').map((g) => `${g.name} ${g.ltvToCac.toFixed(4)}`).join(', '));
  await page.context().close();
}
