// The cohort view of "Your data": after a scoring, the acquisition cohorts of
// the same file, read with the same settings. The Go core computes them in
// the data worker (clv.cohorts, core/summary's Builder.Cohorts: the table
// `clv cohorts` writes); this module only draws them: a heatmap of the
// cumulative revenue per acquired customer by months since acquisition, the
// retention triangle, and the table behind both (the charts' data-table
// alternative), with the same CSV as `clv cohorts` to download.
import { num } from './wasm.js';

const $ = (id) => document.getElementById(id);

const HTML = `
  <h3 id="cohorts-h">Cohorts: what each month's new customers bring over time</h3>
  <p class="note">Customers grouped by the month (or quarter) of their first purchase. Month 0 is the month of
  each customer's first purchase; returns count as in scoring. The same table as <code>clv cohorts</code>.</p>
  <div class="row">
    <label for="cohort-period">Group by</label>
    <select id="cohort-period"><option value="month">month of first purchase</option><option value="quarter">quarter of first purchase</option></select>
    <label for="cohort-discount">Discount</label>
    <span class="unit-in"><input id="cohort-discount" type="number" min="0" max="999" step="any" value="0" inputmode="decimal"
      aria-describedby="cohort-discount-hint cohort-discount-error"><span class="unit">% per year</span></span>
    <button type="button" id="cohort-download" class="secondary">Download cohorts CSV</button>
  </div>
  <p class="hint" id="cohort-discount-hint">Applied month by month as for the CLV: month k since acquisition is divided by (1 + rate)<sup>k/12</sup>; 0 for none.</p>
  <p class="error" id="cohort-discount-error"></p>
  <p class="error" id="cohort-error" role="alert"></p>
  <p class="note" id="cohort-status" role="status" aria-live="polite"></p>
  <figure>
    <figcaption id="cohort-heat-cap"><strong>Cumulative revenue per acquired customer</strong>, by months since acquisition: darker is more.
    Hatched cells are the month holding the observation end, not over yet.</figcaption>
    <div class="table-wrap"><div id="cohort-heat" class="heat" role="img" aria-labelledby="cohort-heat-cap" aria-describedby="cohort-table-note"></div></div>
  </figure>
  <figure>
    <figcaption id="cohort-ret-cap"><strong>Retention triangle:</strong> share of each cohort buying in each month since acquisition.</figcaption>
    <div class="table-wrap"><div id="cohort-retention" class="heat" role="img" aria-labelledby="cohort-ret-cap" aria-describedby="cohort-table-note"></div></div>
  </figure>
  <p class="hint" id="cohort-table-note">The numbers behind both charts are in the cohort table below.</p>
  <details id="cohort-details">
    <summary>Cohort table</summary>
    <div class="table-wrap"><table id="cohort-table" class="params">
      <caption>One row per cohort and month since acquisition. Retention is active ÷ observed customers; revenue per customer divides by the observed customers.</caption>
      <thead><tr><th scope="col">Cohort</th><th scope="col" class="num">Months since</th><th scope="col" class="num">Customers</th>
      <th scope="col" class="num">Observed</th><th scope="col" class="num">Active</th><th scope="col" class="num">Retention</th>
      <th scope="col" class="num">Revenue</th><th scope="col" class="num">Per customer</th><th scope="col" class="num">Cumulative per customer</th>
      <th scope="col">Complete</th></tr></thead><tbody></tbody></table></div>
  </details>`;

// cohortView builds the view into <section id="cohorts"> and returns
// {show}: show() asks the worker (through ask, main.js's request function)
// for the cohorts of the last scoring and draws them. money formats an
// amount with the page's currency.
export function cohortView(ask, money) {
  const root = $('cohorts');
  root.innerHTML = HTML;
  let csv = '';
  let busy = false;
  let again = false;

  // settings reads the controls; null (and a message beside the field) when
  // the discount is not a number in [0, 1000) %.
  function settings() {
    const input = $('cohort-discount');
    const d = input.value.trim() === '' ? 0 : Number(input.value);
    const ok = Number.isFinite(d) && d >= 0 && d < 1000;
    input.setAttribute('aria-invalid', ok ? 'false' : 'true');
    $('cohort-discount-error').textContent = ok ? '' : 'The discount is a yearly rate in percent, from 0 to below 1000 (10 for 10 % a year).';
    return ok ? { period: $('cohort-period').value, annualDiscountRate: d / 100 } : null;
  }

  // show asks for the cohorts and draws them; a change made while a request
  // is under way is drawn once it returns (the worker answers in order).
  async function show() {
    root.hidden = false;
    const st = settings();
    if (!st) return;
    if (busy) { again = true; return; }
    busy = true;
    try {
      const m = await ask({ type: 'cohorts', settings: st });
      draw(m.view);
      $('cohort-error').textContent = '';
    } catch (err) {
      $('cohort-error').textContent = `Could not compute the cohorts: ${err.message}`;
    } finally {
      busy = false;
      if (again) { again = false; show(); }
    }
  }

  function draw(v) {
    csv = v.csv;
    const cs = v.cohorts;
    const months = Math.max(0, ...cs.map((c) => c.months.length));
    const customers = cs.reduce((a, c) => a + c.customers, 0);
    root.dataset.cohorts = String(cs.length);
    root.dataset.period = v.period;
    $('cohort-status').textContent = `${cs.length.toLocaleString('en-US')} ${v.period === 'quarter' ? 'quarterly' : 'monthly'} cohort${cs.length === 1 ? '' : 's'}, ` +
      `${customers.toLocaleString('en-US')} customer${customers === 1 ? '' : 's'}` +
      (v.incomplete ? `; ${v.incomplete} holds the observation end and is not over: its cells (hatched) count part of a month.` : '.');
    const maxCum = Math.max(0, ...cs.flatMap((c) => c.months.map((m) => num(m.cumulative))));
    heat($('cohort-heat'), cs, months, (m) => num(m.cumulative), maxCum, (x) => money(x, 0),
      (c, k, m) => `${c.label}, month ${k}: ${money(num(m.cumulative))} per acquired customer to date`);
    heat($('cohort-retention'), cs, months, (m) => num(m.retention), 1, (x) => `${Math.round(100 * x)} %`,
      (c, k, m) => `${c.label}, month ${k}: ${m.active} of ${m.observed} customers bought (${(100 * num(m.retention)).toFixed(1)} %)`);
    table(cs);
  }

  // heat draws one heatmap: a grid with a header row of months since
  // acquisition and one row per cohort; cells after the observation end are
  // left empty.
  function heat(el, cs, months, value, max, fmt, title) {
    el.replaceChildren();
    el.style.gridTemplateColumns = `max-content repeat(${months}, minmax(3.4em, 1fr))`;
    const cell = (text, cls) => { const d = document.createElement('div'); d.className = cls; d.textContent = text; el.appendChild(d); return d; };
    cell('Cohort / month', 'h');
    for (let k = 0; k < months; k++) cell(String(k), 'h num');
    for (const c of cs) {
      cell(`${c.label} (${c.customers.toLocaleString('en-US')})`, 'lab');
      for (let k = 0; k < months; k++) {
        const m = c.months[k];
        if (!m) { cell('', 'none'); continue; }
        const x = value(m);
        const t = max > 0 ? Math.max(0, Math.min(1, x / max)) : 0;
        const d = cell(fmt(x), `v${m.complete ? '' : ' partial'}${t > 0.55 ? ' dark' : ''}`);
        d.style.backgroundColor = `rgba(11, 92, 173, ${(0.06 + 0.94 * t).toFixed(3)})`;
        d.title = title(c, k, m) + (m.complete ? '' : ' (month not over)');
        d.dataset.value = String(x);
      }
    }
  }

  function table(cs) {
    const tb = $('cohort-table').tBodies[0];
    tb.replaceChildren();
    for (const c of cs) {
      c.months.forEach((m, k) => {
        const tr = document.createElement('tr');
        tr.dataset.cohort = c.label;
        tr.dataset.k = String(k);
        const cells = [
          [c.label, null], [String(k), k], [c.customers.toLocaleString('en-US'), c.customers], [m.observed.toLocaleString('en-US'), m.observed],
          [m.active.toLocaleString('en-US'), m.active], [`${(100 * num(m.retention)).toFixed(1)} %`, num(m.retention)],
          [money(num(m.revenue)), num(m.revenue)], [money(num(m.revenuePerCustomer)), num(m.revenuePerCustomer)],
          [money(num(m.cumulative)), num(m.cumulative)], [m.complete ? 'yes' : 'no (month not over)', m.complete ? 1 : 0],
        ];
        cells.forEach(([text, v], i) => {
          const td = document.createElement(i === 0 ? 'th' : 'td');
          if (i === 0) td.scope = 'row';
          if (i > 0 && i < 9) td.className = 'num';
          td.textContent = text;
          if (v !== null) td.dataset.value = String(v);
          tr.appendChild(td);
        });
        tb.appendChild(tr);
      });
    }
  }

  function download() {
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'cohorts.csv';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  $('cohort-period').addEventListener('change', show);
  $('cohort-discount').addEventListener('input', show);
  $('cohort-download').addEventListener('click', download);
  return { show };
}
