// Browser checks for the page's "understandable numbers" (issue 10): one
// customer life (lifespan, churn, retention), the layout at 1440, 390 and
// 320 px, custom formula units and errors, the phases and Cancel of a data
// run, locale numbers, tier order, file preview, decimal commas, ISO dates,
// focus after sorting and chart data tables. Called by run.mjs with
// expected.pageux from web/pageux_test.go.
import { basename, join } from 'node:path';

const rel = (a, b) => Math.abs(a - b) / Math.max(1, Math.abs(b));

async function ready(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs), null, { timeout: 15000 });
}

// overflow lists what sticks out of the viewport sideways: the page's own
// scroll width, and every visible element whose box passes the right edge
// (tables inside their scrolling .table-wrap excepted).
function overflow(page) {
  return page.evaluate(() => {
    const w = window.innerWidth;
    const out = [];
    if (document.documentElement.scrollWidth > w + 1) out.push(`page ${document.documentElement.scrollWidth}px wide`);
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('[hidden], .table-wrap, details:not([open]) > :not(summary)') || el.matches('.skip, .vh')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right > w + 1 || r.left < -1) out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : el.className ? `.${String(el.className).split(' ')[0]}` : ''} ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
    return out.slice(0, 8);
  });
}

async function upload(page, path) {
  // Forget the previous file's state, so the waits below are for this one.
  await page.evaluate(() => { document.getElementById('obs-end').value = ''; document.getElementById('file-info').textContent = ''; document.getElementById('format-hint').textContent = ''; });
  await page.setInputFiles('#file', path);
  await page.waitForFunction((name) => document.getElementById('file-info').textContent.startsWith(`${name}:`) && !document.getElementById('mapping').hidden, basename(path), { timeout: 60000 });
  await page.waitForFunction(() => document.getElementById('obs-end').value !== '' || /parses/.test(document.getElementById('format-hint').textContent), null, { timeout: 60000 });
}
async function score(page, timeout = 60000) {
  await page.click('#score');
  await page.waitForFunction(() => !document.getElementById('score').disabled, null, { timeout });
}
const text = (page, sel) => page.$eval(sel, (e) => e.textContent);

export async function pageuxChecks({ newPage, check, url, expected, out }) {
  const X = expected.pageux;
  const cdnow = expected.cdnow.path;

  // ---- 1440 × 900: the headline is in view; one customer life ----
  const page = await newPage({ width: 1440, height: 900 });
  await ready(page, url);
  const cards = await page.evaluate(() => ['out-clv', 'out-ltvcac', 'out-payback', 'out-maxcac'].map((id) => {
    const r = document.getElementById(id).closest('.card').getBoundingClientRect();
    return { id, top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left) };
  }));
  const inView = cards.every((c) => c.top >= 0 && c.bottom <= 900);
  const firstInput = await page.$eval('#in-aov', (e) => Math.round(e.getBoundingClientRect().right));
  check('1440×900: the four headline results are visible without scrolling', inView, cards.map((c) => `${c.id} ${c.top}–${c.bottom}`).join(', '));
  check('1440×900: the headline results sit beside the inputs', cards.every((c) => c.left >= firstInput), `inputs end at ${firstInput}px, cards start at ${cards.map((c) => c.left).join('/')}px`);
  await page.screenshot({ path: join(out, 'pageux-1440.png') });

  let life = await page.$eval('#life-derived', (e) => ({ text: e.textContent, r: Number(e.dataset.retention), L: Number(e.dataset.lifespan) }));
  check('lifespan given: churn and retention derived and shown as such', rel(life.r, X.defaults.retention) < 1e-12 && /Lifespan 5 years \(yours\) → churn 20 % a year \(1 ÷ lifespan\) → retention 80 % a year/.test(life.text), life.text);
  const surv12 = () => page.$eval('#chart-survival-table', (t) => [...t.tBodies[0].rows].find((r) => r.cells[0].textContent === '12').cells[1].textContent);
  check('headline and chart use the same customers (retention 1 − 1 ÷ lifespan after 12 months)', rel(await page.$eval('#out-clv', (e) => Number(e.dataset.value)), X.defaults.marginClv) < 1e-12 && (await surv12()) === '80 %', await surv12());
  check('the retention field is hidden while the lifespan is given', await page.$eval('#in-retention', (e) => e.closest('.field').hidden));
  await page.check('input[name=lifeMode][value=retention]');
  await page.fill('#in-retention', '70');
  await page.waitForFunction((w) => Math.abs(Number(document.getElementById('out-clv').dataset.value) - w) < 1e-9, X.retention70.marginClv);
  life = await page.$eval('#life-derived', (e) => ({ text: e.textContent, L: Number(e.dataset.lifespan) }));
  const rb = await page.$eval('#formulas tr[data-id=retention_b]', (tr) => Number(tr.dataset.value));
  check('retention 70 % given: lifespan 1 ÷ (1 − 0.7) in the headline, 70 % in the chart and formulas',
    rel(life.L, X.retention70.lifespan) < 1e-12 && (await surv12()) === '70 %' && rel(rb, X.retention70.retentionB) < 1e-12 && /Retention 70 % a year \(yours\)/.test(life.text),
    `${life.text} margin CLV ${X.retention70.marginClv}, retention_b ${rb}`);
  check('the lifespan field is hidden while retention is given', await page.$eval('#in-lifespan', (e) => e.closest('.field').hidden));

  // Scenarios differing only in retention compare as different.
  await page.evaluate(() => localStorage.clear());
  await page.fill('#scenario-name', 'R70');
  await page.click('#save-scenario');
  await page.fill('#in-retention', '80');
  await page.fill('#scenario-name', 'R80');
  await page.click('#save-scenario');
  const diff = await page.$$eval('#compare tbody tr', (trs) => trs.filter((t) => t.dataset.differs === 'true').map((t) => t.cells[0].firstChild.textContent));
  const diffNote = await text(page, '#compare-diff');
  check('scenario comparison marks every input that differs (retention only, and what follows from it)',
    diff.includes('Retention per year') && diff.includes('Lifespan (years)') && diff.includes('Churn per year') && !diff.includes('AOV') && /differ in: .*Retention per year/.test(diffNote), `${diff.join(', ')} | ${diffNote}`);
  const rows = await page.$$eval('#compare tbody tr th[scope=row]', (ths) => ths.map((t) => t.firstChild.textContent));
  const wantRows = ['Currency', 'AOV', 'Orders per year', 'Customer life given as', 'Lifespan (years)', 'Churn per year', 'Retention per year', 'Gross margin', 'Discount rate per year', 'CAC', 'ARPA per month', 'Horizon (years)', 'Target LTV:CAC', 'Your own formula', 'Sensitivity chart of'];
  check('scenario comparison lists every input', wantRows.every((r) => rows.includes(r)), rows.join(', '));

  // ---- custom formula: units, marker, suggestion ----
  const custom = async (expr) => {
    await page.fill('#custom', expr);
    await page.waitForFunction((e) => document.getElementById('custom').value === e, expr);
    return page.$eval('#custom-out', (e) => ({ unit: e.dataset.unit, text: e.textContent, error: e.classList.contains('error'), column: Number(e.dataset.column) }));
  };
  for (const [expr, unit] of [['retention ^ 100', 'number'], ['log(aov)', 'number'], ['aov / cac', 'number'], ['aov * frequency * lifespan * gross_margin - cac', 'money']]) {
    const r = await custom(expr);
    // The inputs may be money (aov / cac); the result after "=" is shown
    // with $ only when it is money.
    check(`custom ${expr}: ${unit === 'money' ? 'result shown with $' : 'no money unit, no $ on the result'}`, !r.error && r.unit === unit && r.text.split('=').pop().includes('$') === (unit === 'money'), r.text);
  }
  let r = await custom('AOV * 2');
  check('"AOV" gets "did you mean aov"', r.error && /did you mean "aov"/.test(r.text), r.text);
  r = await custom('aov * frequncy');
  const caret = await page.evaluate(() => {
    const inp = document.getElementById('custom'); const cs = getComputedStyle(inp);
    const c = document.querySelector('#custom-out .caret'); const ccs = getComputedStyle(c);
    const tn = c.firstChild; const range = document.createRange(); range.setStart(tn, tn.length - 1); range.setEnd(tn, tn.length);
    const ctx = document.createElement('canvas').getContext('2d'); ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
    const want = inp.getBoundingClientRect().left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft) + ctx.measureText('aov * ').width - inp.scrollLeft;
    return { same: cs.fontFamily === ccs.fontFamily && cs.fontSize === ccs.fontSize, got: range.getBoundingClientRect().left, want, font: cs.fontFamily };
  });
  check('the ^ marker is under column 7, in the input\'s font', r.column === 7 && caret.same && Math.abs(caret.got - caret.want) < 1.5, `^ at ${caret.got.toFixed(1)}px, column 7 at ${caret.want.toFixed(1)}px; font ${caret.font}`);
  await page.fill('#custom', 'aov * frequency * lifespan * gross_margin - cac');

  // ---- CDNOW: locale numbers, one minus sign, tier order, focus, chart tables ----
  const t0 = Date.now();
  await upload(page, cdnow);
  await page.fill('#obs-end', '1997-09-30');
  await score(page);
  const wall = Date.now() - t0;
  check('observation end shown as ISO (a text field, YYYY-MM-DD)', (await page.$eval('#obs-end', (e) => e.type)) === 'text' && /^\d{4}-\d{2}-\d{2}$/.test(await page.$eval('#obs-end', (e) => e.value)));
  const loc = await page.evaluate(() => new Intl.NumberFormat().format(2357));
  const info = await text(page, '#page-info');
  check('counts use the locale\'s grouping and a plural', info.includes(`${loc} customers`) && /\d transactions up to/.test(await text(page, '#res-report')), `${info} | ${await text(page, '#res-report')}`);
  const shown = await page.evaluate(() => ['#results', '#calc', '#scenarios'].map((s) => document.querySelector(s).innerText).join('\n'));
  // A hyphen right before a number is a minus sign written the other way
  // ("- $50" with a space is the operator the user typed in a formula).
  const hyphen = shown.match(/(^|[\s(:=$€£¥])-[$€£¥]?\d/m);
  check('one minus sign (U+2212) in every number shown', !hyphen && shown.includes('−') && /Log-likelihood −[\d,.]+/.test(await text(page, '#fit-note')), hyphen ? `"${hyphen[0]}" in …${shown.slice(Math.max(0, hyphen.index - 40), hyphen.index + 20)}…` : (await text(page, '#fit-note')).slice(0, 40));
  const res = await page.$eval('#res-time', (e) => ({ ms: Number(e.dataset.ms), load: Number(e.dataset.loadMs), run: Number(e.dataset.runMs) }));
  check('time taken counts opening the file and the run (everything waited for)', res.load > 0 && res.run > 0 && Math.abs(res.ms - res.load - res.run) < 1e-6 && res.ms <= wall + 50,
    `${res.ms.toFixed(0)} ms = ${res.load.toFixed(0)} opening + ${res.run.toFixed(0)} run; upload to results ${wall} ms`);

  // Sort by tier with the keyboard: rank order, focus stays on the header.
  await page.focus('#customers th button[data-col="tier"]');
  await page.keyboard.press('Enter');
  const tierCol = await page.$$eval('#customers thead th', (ths) => ths.findIndex((th) => th.querySelector('[data-col="tier"]')));
  const tiersUp = await page.$$eval('#customers tbody tr', (trs, k) => trs.map((t) => t.cells[k].textContent), tierCol);
  const focus1 = await page.evaluate(() => document.activeElement && document.activeElement.dataset.col);
  await page.keyboard.press('Enter');
  const tiersDown = await page.$$eval('#customers tbody tr', (trs, k) => trs.map((t) => t.cells[k].textContent), tierCol);
  const focus2 = await page.evaluate(() => document.activeElement && document.activeElement.dataset.col);
  const rank = (l) => X.tiers.indexOf(l);
  check('value tiers sort by rank (Top 1% first), not alphabetically', tiersUp[0] === X.tiers[0] && tiersUp.every((l, i) => i === 0 || rank(tiersUp[i - 1]) <= rank(l)) && tiersDown[0] === X.tiers[X.tiers.length - 1],
    `ascending starts ${tiersUp.slice(0, 2).join(', ')}…, descending starts ${tiersDown[0]}`);
  check('focus stays on the sorted column header', focus1 === 'tier' && focus2 === 'tier', `${focus1}, ${focus2}`);
  // Charts on show: the holdout test's charts (compare.js, with their own
  // tables) stay hidden until it is run.
  const tables = await page.$$eval('canvas', (cs) => cs.filter((c) => !c.closest('[hidden]')).map((c) => {
    const d = c.closest('figure').querySelector('details.chart-data table');
    return { id: c.id, rows: d ? d.tBodies[0].rows.length : 0, label: d && d.getAttribute('aria-label') };
  }));
  check('every chart has a data table alternative', tables.length >= 5 && tables.every((t) => t.rows > 0 && t.label), tables.map((t) => `${t.id}: ${t.rows}`).join(', '));
  await page.context().close();

  // ---- files: headerless with decimal commas; one bad date ----
  const p2 = await newPage({ width: 1280, height: 900 });
  await ready(p2, url);
  const D = X.decimalComma;
  await upload(p2, D.path);
  const prev = await p2.$eval('#preview', (t) => ({ head: [...t.tHead.rows[0].cells].map((c) => c.textContent), first: [...t.tBodies[0].rows[0].cells].map((c) => c.textContent), caption: t.caption.textContent }));
  check('a headerless file shows a preview of its first rows', prev.head.join() === D.columns.join() && prev.first.join() === D.firstRow.join() && /no header row/.test(prev.caption), `${prev.caption}: ${prev.head.join('|')} / ${prev.first.join('|')}`);
  const m = await p2.evaluate(() => ['map-customer', 'map-date', 'map-amount', 'map-amount-format', 'obs-end'].map((id) => document.getElementById(id).value));
  check('an amount column with decimal commas is detected', m.slice(0, 3).join() === D.mapping.join() && m[3] === D.amountFormat && m[3] === '1.234,56', m.join(' | '));
  check('the observation end is shown as ISO YYYY-MM-DD', m[4] === D.observationEnd && /^\d{4}-\d{2}-\d{2}$/.test(m[4]), m[4]);
  await score(p2);
  const tot = await p2.$eval('#res-total', (e) => Number(e.dataset.value));
  const n = await p2.$eval('#res-customers', (e) => Number(e.dataset.value));
  check('decimal-comma file scores as the Go core does', n === D.customers && rel(tot, D.totalClv) < 1e-9, `${n} customers, total ${tot} vs ${D.totalClv}`);
  await p2.fill('#obs-end', '30/09/1997');
  await p2.click('#score');
  const obsErr = await text(p2, '#obs-end-err');
  check('a non-ISO observation end is refused beside its field', /YYYY-MM-DD/.test(obsErr) && (await p2.$eval('#obs-end', (e) => e.getAttribute('aria-invalid'))) === 'true', obsErr);
  await upload(p2, X.oneBadDate);
  const hint = await text(p2, '#format-hint');
  check('"1 row", not "1 rows"', /; 1 row does not parse/.test(hint), hint);

  // ---- a long run: phases, Cancel really stops the worker ----
  await upload(p2, X.slow);
  await p2.selectOption('#model', 'paretonbd');
  await p2.evaluate(() => {
    globalThis.__phases = [];
    const pr = document.getElementById('progress');
    new MutationObserver(() => { const ph = pr.dataset.phase; if (ph && globalThis.__phases.at(-1) !== ph) globalThis.__phases.push(ph); }).observe(pr, { attributes: true });
  });
  await p2.click('#score');
  await p2.waitForFunction(() => document.getElementById('progress').dataset.phase === 'fit_purchase', null, { timeout: 60000 });
  const steps = await p2.$$eval('#phases li', (lis) => lis.map((l) => `${l.textContent}${l.getAttribute('aria-current') ? '*' : l.className === 'done' ? '✓' : ''}`));
  const label = await text(p2, '#progress-label');
  check('the progress shows the phases of the run', steps.join() === 'Read✓,Summarize✓,Fit purchase model*,Fit spend model,Score,Check the fit' && /^Step 3 of 6: Fitting the purchase model/.test(label), `${steps.join(', ')} | ${label}`);
  await p2.screenshot({ path: join(out, 'pageux-progress.png') });
  await p2.click('#cancel');
  await p2.waitForFunction(() => !document.getElementById('score').disabled, null, { timeout: 5000 });
  const st = await text(p2, '#data-status');
  const stopped = await p2.evaluate(() => globalThis.__clvPage.workersStopped);
  check('Cancel stops the worker and says it was cancelled', stopped === 1 && /^Cancelled after [\d.,]+ s: the worker was stopped/.test(st) && (await p2.$eval('#progress-wrap', (e) => e.hidden)) && (await p2.$eval('#res-customers', (e) => Number(e.dataset.value))) === D.customers, `${st} (workers stopped: ${stopped})`);
  await p2.selectOption('#model', 'bgnbd');
  await p2.evaluate(() => { globalThis.__phases = []; });
  await score(p2, 120000);
  const seen = await p2.evaluate(() => globalThis.__phases);
  const err = await text(p2, '#data-error');
  check('after Cancel the file scores in a new worker, through every phase', err === '' && !(await p2.$eval('#results', (e) => e.hidden)) && ['reading', 'summarizing', 'fit_purchase', 'fit_spend', 'score'].every((p) => seen.includes(p)), `${err} phases seen: ${seen.join(', ')}`);
  await p2.context().close();

  // ---- 390 and 320 px: nothing overflows ----
  for (const [w, h] of [[390, 844], [320, 640]]) {
    const ph = await newPage({ width: w, height: h });
    await ready(ph, url);
    await ph.fill('#custom', 'aov * frequency * lifespan * gross_margin - nosuchname_and_a_long_one_too');
    await ph.waitForSelector('#custom-out.error');
    const msg = await ph.$eval('#custom-out .msg', (e) => ({ right: e.getBoundingClientRect().right, lines: Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)) }));
    check(`${w} px: a long formula error wraps`, msg.right <= w && msg.lines > 1, `${msg.lines} lines, right edge ${msg.right.toFixed(0)}px`);
    await ph.fill('#custom', 'aov * frequency * lifespan * gross_margin - cac');
    for (const d of await ph.$$('details')) await d.evaluate((e) => { e.open = true; });
    let o = await overflow(ph);
    check(`${w} px: nothing overflows the calculator`, o.length === 0, o.join('; '));
    await ph.screenshot({ path: join(out, `pageux-${w}.png`), fullPage: true });
    if (w === 320) {
      await upload(ph, cdnow);
      await ph.fill('#obs-end', '1997-09-30');
      await score(ph);
      for (const d of await ph.$$('details')) await d.evaluate((e) => { e.open = true; });
      o = await overflow(ph);
      check('320 px: nothing overflows the data section', o.length === 0 && !(await ph.$eval('#results', (e) => e.hidden)), o.join('; '));
      await ph.screenshot({ path: join(out, 'pageux-320-data.png'), fullPage: true });
    }
    await ph.context().close();
  }
}
