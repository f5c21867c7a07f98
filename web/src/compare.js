// The holdout test of the "Your data" section: the uploaded file is split at
// a calibration end the user picks; the worker's Go core (core/compare,
// through clv.compare) fits every applicable purchase model on the orders up
// to it and predicts the orders after it, up to the observation end. This
// module draws the comparison table and the diagnostic charts (conditional
// expectations by calibration frequency, cumulative and weekly tracking,
// P(alive) deciles against who bought again): the numbers of
// `clv compare --json` and of the charts of `clv report` for the same data.
import { barChart, lineChart } from './charts.js';
import { num } from './wasm.js';

const $ = (id) => document.getElementById(id);
const NAMES = { bgnbd: 'BG/NBD', paretonbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD', bgbb: 'BG/BB' };
const COLORS = { actual: '#1b1f24', bgnbd: '#0072b2', paretonbd: '#d55e00', mbgnbd: '#009e73', bgbb: '#cc79a7' };
// The comparison table's rows: JSON key, label, decimals shown.
const MEASURES = [
  ['predicted_holdout', 'Predicted holdout purchases', 1],
  ['error_percent', 'Error of the total (%)', 1],
  ['mae', 'Mean absolute error per customer', 4],
  ['rmse', 'Root mean squared error per customer', 4],
  ['correlation', 'Correlation, predicted with actual', 4],
  ['holdout_log_likelihood', 'Holdout log-likelihood', 2],
  ['calibration_log_likelihood', 'Calibration log-likelihood', 2],
  ['aic', 'AIC', 2],
  ['bic', 'BIC', 2],
];

// What core/compare's criteria mean, and how the runner-up compares.
const CRITERIA = {
  holdout_log_likelihood: ['highest holdout log-likelihood: the most probable holdout purchase counts', 'lower'],
  log_likelihood: ['highest calibration log-likelihood', 'lower'],
  bic: ['lowest BIC', 'higher'],
};

let charts = {};

function fmt(v, digits) {
  const x = num(v);
  if (!Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).replace('-', '−');
}

// cell makes a table cell holding a number: shown rounded, kept whole in
// data-value (what the browser tests read), with data-* tags naming it.
function cell(v, digits, tags = {}) {
  const td = document.createElement('td');
  td.className = 'num';
  td.textContent = fmt(v, digits);
  td.dataset.value = String(num(v));
  Object.assign(td.dataset, tags);
  return td;
}

function th(text, scope = 'col', cls = '') {
  const h = document.createElement('th');
  h.scope = scope;
  h.textContent = text;
  if (cls) h.className = cls;
  return h;
}

function fillTable(id, head, rows) {
  const t = $(id);
  const tr = document.createElement('tr');
  head.forEach((h, i) => tr.appendChild(th(h, 'col', i ? 'num' : '')));
  t.tHead.replaceChildren(tr);
  t.tBodies[0].replaceChildren(...rows);
}

function render(c) {
  const ok = c.models.filter((m) => !m.error);
  const unit = c.unit;
  $('compare-summary').textContent = `Calibration to ${c.calibration_end}, holdout ${c.calibration_end} to ${c.observation_end} (${fmt(c.holdout_length, 2)} ${unit}): ` +
    `${c.customers_with_holdout.toLocaleString('en-US')} of ${c.customers.toLocaleString('en-US')} customers bought again, making ${c.actual_holdout.toLocaleString('en-US')} repeat purchases.`;
  $('compare-summary').dataset.actual = String(c.actual_holdout);

  // Measures by model.
  const rows = MEASURES.map(([key, label, d]) => {
    const tr = document.createElement('tr');
    tr.appendChild(th(label, 'row'));
    for (const m of c.models) tr.appendChild(m.error ? Object.assign(document.createElement('td'), { textContent: '—' }) : cell(m[key], d, { model: m.model, key }));
    return tr;
  });
  fillTable('compare-table', ['Measure', ...c.models.map((m) => NAMES[m.model] || m.model)], rows);
  const errs = c.models.filter((m) => m.error).map((m) => `${NAMES[m.model] || m.model} could not be fitted: ${m.error}.`);
  const b = c.best;
  const [by, worse] = CRITERIA[b && b.criterion] || [b && b.criterion, 'worse'];
  $('compare-best').textContent = (b ? `Best on the holdout: ${NAMES[b.model]}, with the ${by} (${fmt(b.value, 4)})` +
    (b.runner_up ? `; ${NAMES[b.runner_up]} came next, ${worse} by ${fmt(b.margin, 4)}.` : '.') + ' Choose it as the purchase model above to score with it.' : '') + (errs.length ? ` ${errs.join(' ')}` : '');
  if (b) $('compare-best').dataset.model = b.model;
  if (!ok.length) { $('compare-charts').hidden = true; return; }
  $('compare-charts').hidden = false;

  // Conditional expectations by calibration frequency.
  const labels = ok[0].conditional_expectations.map((g) => g.frequency);
  const actual = ok[0].conditional_expectations.map((g) => num(g.actual));
  charts.cond = barChart(charts.cond, $('chart-cond'), labels,
    [{ label: 'Actual', data: actual, color: COLORS.actual }, ...ok.map((m) => ({ label: NAMES[m.model], data: m.conditional_expectations.map((g) => num(g.predicted)), color: COLORS[m.model] }))],
    { x: 'Repeat purchases in the calibration period', y: 'Mean holdout purchases per customer' });
  fillTable('compare-cond', ['Calibration repeat purchases', 'Customers', 'Actual', ...ok.map((m) => NAMES[m.model])], labels.map((l, g) => {
    const tr = document.createElement('tr');
    tr.appendChild(th(l, 'row'));
    tr.appendChild(cell(ok[0].conditional_expectations[g].customers, 0));
    tr.appendChild(cell(actual[g], 4, { bucket: String(g), model: 'actual' }));
    for (const m of ok) tr.appendChild(cell(m.conditional_expectations[g].predicted, 4, { bucket: String(g), model: m.model }));
    return tr;
  }));

  // Tracking, per period and cumulative.
  const tr = c.tracking;
  if (tr) {
    const period = tr.period_days === 7 ? 'week' : `${tr.period_days}-day period`;
    const x = tr.incremental.map((_, k) => k + 1);
    const calLine = { label: 'Calibration end', x: tr.calibration_periods, y: 0 };
    charts.cum = lineChart(charts.cum, $('chart-track-cum'), x,
      [{ label: 'Actual', data: tr.cumulative, color: COLORS.actual }, ...ok.map((m) => ({ label: NAMES[m.model], data: m.tracking.map((p) => num(p.cumulative_predicted)), color: COLORS[m.model], dash: true }))],
      { x: period, y: 'Cumulative repeat purchases', point: calLine });
    charts.inc = lineChart(charts.inc, $('chart-track-inc'), x,
      [{ label: 'Actual', data: tr.incremental, color: COLORS.actual }, ...ok.map((m) => ({ label: NAMES[m.model], data: m.tracking.map((p) => num(p.predicted)), color: COLORS[m.model], dash: true }))],
      { x: period, y: `Repeat purchases per ${period}`, point: calLine });
    $('track-caption-period').textContent = period;
    fillTable('compare-track', [period[0].toUpperCase() + period.slice(1), 'Actual', ...ok.map((m) => NAMES[m.model]), 'Actual (cumulative)', ...ok.map((m) => `${NAMES[m.model]} (cumulative)`)], x.map((k, i) => {
      const row = document.createElement('tr');
      row.appendChild(th(String(k), 'row'));
      row.appendChild(cell(tr.incremental[i], 0, { period: String(k), model: 'actual' }));
      for (const m of ok) row.appendChild(cell(m.tracking[i].predicted, 2, { period: String(k), model: m.model }));
      row.appendChild(cell(tr.cumulative[i], 0, { period: String(k), model: 'actual', cumulative: '1' }));
      for (const m of ok) row.appendChild(cell(m.tracking[i].cumulative_predicted, 2, { period: String(k), model: m.model, cumulative: '1' }));
      return row;
    }));
  }

  // P(alive) deciles of the best model (or the first fitted one).
  const am = ok.find((m) => b && m.model === b.model) || ok[0];
  $('alive-model').textContent = NAMES[am.model];
  const dl = am.alive_deciles.map((d) => String(d.decile));
  charts.alive = barChart(charts.alive, $('chart-alive'), dl, [
    { label: 'Mean P(alive)', data: am.alive_deciles.map((d) => num(d.mean_p_alive)), color: '#9ec5ee' },
    { label: 'Predicted P(active)', data: am.alive_deciles.map((d) => num(d.predicted_active)), color: COLORS[am.model] },
    { label: 'Actual share active', data: am.alive_deciles.map((d) => num(d.actual_active)), color: COLORS.actual },
  ], { x: 'P(alive) decile (1 = lowest)', y: 'Probability or share' });
  fillTable('compare-alive', ['Decile', 'Customers', 'Mean P(alive)', 'Predicted P(active)', 'Actual share active'], am.alive_deciles.map((d) => {
    const row = document.createElement('tr');
    row.appendChild(th(String(d.decile), 'row'));
    row.appendChild(cell(d.customers, 0));
    for (const k of ['mean_p_alive', 'predicted_active', 'actual_active']) row.appendChild(cell(d[k], 4, { decile: String(d.decile), key: k, model: am.model }));
    return row;
  }));

  const g = c.gammagamma;
  $('compare-spend').textContent = !g ? '' : g.error ? `Spend model not checked: ${g.error}` :
    `Spend: Gamma-Gamma expects ${fmt(g.predicted_mean_spend, 2)} per purchase from the ${g.holdout_customers.toLocaleString('en-US')} customers who bought in the holdout; they spent ${fmt(g.actual_mean_spend, 2)} on average (${fmt(g.error_percent, 1)} %).`;
}

// initCompare builds the holdout test inside #holdout. ask sends a message
// to the data worker and resolves with its answer; settings returns the
// scoring settings of the form (the same as "Score customers" uses).
export function initCompare({ ask, settings }) {
  const box = $('holdout');
  box.innerHTML = `<h3 id="holdout-h">Which model predicts best? Test it on a holdout</h3>
<p class="note">Pick a calibration end before the observation end: every model is fitted on the orders up to it and predicts the orders after it, which it did not see. A third to a half of your time span is a usual holdout. This is <code>clv compare</code>; <code>clv report</code> draws the same charts.</p>
<div class="row"><label for="cal-end">Calibration end</label><input id="cal-end" type="date"><button type="button" id="compare-run" class="secondary">Compare models</button></div>
<p id="compare-error" class="error" role="alert"></p>
<div id="compare-out" hidden>
<p id="compare-summary" role="status"></p>
<div class="table-wrap"><table id="compare-table" class="params compare"><caption>Holdout purchases predicted by each model</caption><thead></thead><tbody></tbody></table></div>
<p id="compare-best" class="note"></p>
<p id="compare-spend" class="note"></p>
<div id="compare-charts" class="charts">
<figure><figcaption><strong>Holdout purchases by calibration frequency.</strong> Customers grouped by their repeat purchases before the calibration end: mean purchases per customer after it, actual and predicted.</figcaption><div class="chart"><canvas id="chart-cond" role="img" aria-label="Mean holdout purchases per customer by calibration frequency, actual and predicted by each model"></canvas></div></figure>
<figure><figcaption><strong>P(alive) against who bought again (<span id="alive-model"></span>).</strong> Customers in tenths by P(alive) at the calibration end: the predicted chance of a holdout purchase and the share who made one.</figcaption><div class="chart"><canvas id="chart-alive" role="img" aria-label="Predicted and actual share of customers buying in the holdout by P(alive) decile"></canvas></div></figure>
<figure class="wide"><figcaption><strong>Cumulative repeat purchases.</strong> Actual and expected by each model, <span id="track-caption-period">week</span> by week; the marker is the calibration end.</figcaption><div class="chart tall"><canvas id="chart-track-cum" role="img" aria-label="Cumulative repeat purchases, actual and predicted"></canvas></div></figure>
<figure class="wide"><figcaption><strong>Repeat purchases per period.</strong> Actual and expected by each model.</figcaption><div class="chart tall"><canvas id="chart-track-inc" role="img" aria-label="Repeat purchases per period, actual and predicted"></canvas></div></figure>
</div>
<details><summary>The numbers behind the charts</summary>
<div class="table-wrap"><table id="compare-cond" class="params compare"><caption>Mean holdout purchases per customer by calibration frequency</caption><thead></thead><tbody></tbody></table></div>
<div class="table-wrap"><table id="compare-alive" class="params compare"><caption>P(alive) deciles</caption><thead></thead><tbody></tbody></table></div>
<div class="table-wrap"><table id="compare-track" class="params compare"><caption>Repeat purchases per period</caption><thead></thead><tbody></tbody></table></div>
</details>
</div>`;
  $('compare-run').onclick = async () => {
    $('compare-error').textContent = '';
    const calibrationEnd = $('cal-end').value;
    if (!calibrationEnd) { $('compare-error').textContent = 'Choose a calibration end first: the last day of the period the models learn from.'; return; }
    $('compare-run').disabled = true;
    $('compare-summary').textContent = 'Fitting every model on the calibration period…';
    try {
      const m = await ask({ type: 'compare', settings: settings(), calibrationEnd });
      render(m.comparison);
      $('compare-out').hidden = false;
    } catch (err) {
      $('compare-error').textContent = err.message;
    } finally {
      $('compare-run').disabled = false;
    }
  };
}
