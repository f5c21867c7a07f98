// The calculator page. The Go core (clv.wasm) does every calculation: the
// calculator through globalThis.clv on this thread, the data scoring in a
// worker (worker.js). This file only reads inputs, draws and keeps state in
// the URL fragment and localStorage.
import { call, load, num } from './wasm.js';
import { barChart, lineChart, tornadoChart } from './charts.js';
import { Plugin, csvField, formatF, paramError } from './plugin-host.js';
import { badRowsText, fileNotice, parseHash, registerOffline, scrollToSection, setFieldError, setNote, short, showNotices, wireInPageLinks } from './robust.js';
import { cohortView } from './cohorts.js';
import { channelView } from './channels.js';
import { initCompare } from './compare.js';

const $ = (id) => document.getElementById(id);
const t0 = performance.now();
const perf = { firstResultMs: NaN }; // read by the browser tests
globalThis.__clvPage = perf;

// Page fields: the key in the state (and URL), the registry input that
// gives the label and "where to find this", the unit shown, and whether the
// user types a percent that the core takes as a fraction.
const FIELDS = [
  { key: 'aov', input: 'aov', unit: 'money', step: 'any' },
  { key: 'frequency', input: 'frequency', unit: 'orders per customer per year', step: 'any' },
  { key: 'lifespan', input: 'lifespan', unit: 'years', step: 'any', mode: 'lifespan' },
  { key: 'churn', input: 'churn', formula: 'aov_frequency_churn', unit: '% of customers lost per year', pct: true, step: 'any', mode: 'churn' },
  { key: 'grossMargin', input: 'gross_margin', formula: 'margin_clv', unit: '% of revenue', pct: true, step: 'any' },
  { key: 'retention', input: 'retention', unit: '% of customers kept per year', pct: true, step: 'any', mode: 'retention' },
  { key: 'discount', input: 'discount', unit: '% per year', pct: true, step: 'any' },
  { key: 'cac', input: 'cac', formula: 'cac_payback_months', unit: 'money per new customer', step: 'any' },
  { key: 'arpa', input: 'arpa', formula: 'cac_payback_months', unit: 'money per customer per month', step: 'any', optional: 'AOV × frequency ÷ 12' },
  { key: 'horizon', input: 'horizon', unit: 'years (truncated CLV)', step: '1' },
  { key: 'targetRatio', input: 'target_ratio', unit: ': 1 target LTV:CAC', step: 'any' },
  { key: 'valueToDate', input: 'value_to_date', unit: 'money so far (an existing customer)', step: 'any' },
  { key: 'tenure', input: 'tenure', unit: 'years as a customer so far', step: 'any' },
];
const PCT = new Set(FIELDS.filter((f) => f.pct).map((f) => f.key));

let formulas = [];
let defaults = {};
let state = {};

// Numbers are written in the reader's locale (Intl.NumberFormat: grouping
// and decimal mark) with one minus sign, U+2212, everywhere on the page
// (the formulas' texts come from the Go core with the same separators, see
// toInput, and the same sign).
const formats = new Map();
function fmtNum(v, opts = {}) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '—' : (v < 0 ? '−∞' : '∞');
  const key = JSON.stringify(opts);
  if (!formats.has(key)) formats.set(key, new Intl.NumberFormat(undefined, opts));
  return formats.get(key).format(v).replace(/[-\u2212]/g, '−');
}
// separators are the locale's thousands separator and decimal mark.
function separators() {
  const parts = new Intl.NumberFormat(undefined).formatToParts(12345.6);
  return { grouping: parts.find((p) => p.type === 'group')?.value ?? ',', decimalMark: parts.find((p) => p.type === 'decimal')?.value ?? '.' };
}
// plural writes a count with its noun: "1 row", "2 rows", "174,978 rows".
function plural(n, one, many = `${one}s`) { return `${fmtNum(n)} ${n === 1 ? one : many}`; }
function moneyFmt(v, digits = 2) {
  const s = state.currency ?? '$';
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '—' : (v < 0 ? '−∞' : '∞');
  const a = fmtNum(Math.abs(v), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return (v < 0 && a !== fmtNum(0, { minimumFractionDigits: digits }) ? '−' : '') + s + a;
}
function plain(v, digits = 2) {
  return fmtNum(v, { maximumFractionDigits: digits });
}

// ---- state <-> URL fragment ----
function defaultState() {
  const d = defaults;
  return {
    currency: d.currency, aov: d.aov, frequency: d.frequency, lifeMode: d.lifeMode, lifespan: d.lifespan,
    churn: d.churn * 100, grossMargin: d.grossMargin * 100, retention: d.retention * 100, discount: d.discount * 100,
    cac: d.cac, arpa: '', horizon: d.horizon, targetRatio: d.targetRatio, custom: d.custom, tornado: d.tornado,
    valueToDate: d.valueToDate, tenure: d.tenure,
  };
}
// fieldLabel is the label the page shows for a state key.
function fieldLabel(k) {
  const l = document.querySelector(`label[for="in-${k}"]`);
  return l ? l.textContent.trim() : { lifeMode: 'Lifespan or churn', tornado: 'The formula of “What moves it most?”', custom: 'Your own formula' }[k] || k;
}
// applyHash sets the state from a URL fragment; it never throws. A value
// the page cannot use (an unknown key or choice, not a number: robust.js
// parseHash; out of range: the Go core's CalcInput.Check) keeps its
// default and is listed in a notice. Returns the section a fragment such
// as #data names ("" for a state).
function applyHash(hash) {
  const base = defaultState();
  let r;
  try {
    const opts = (id) => [...$(id).options].map((o) => o.value);
    r = parseHash(hash, {
      base, texts: ['custom'], choices: { currency: opts('in-currency'), lifeMode: ['lifespan', 'churn'], tornado: opts('tornado-formula') },
      names: { tornado: (id) => ($('tornado-formula').querySelector(`option[value="${CSS.escape(id)}"]`) || {}).textContent || id },
      labels: Object.fromEntries(Object.keys(base).map((k) => [k, fieldLabel(k)])),
    });
    for (const fe of call('calculate', JSON.stringify(toInput(r.state))).fields) {
      const pc = PCT.has(fe.field) ? ' %' : '';
      r.notices.push(`${fieldLabel(fe.field)} ${short(`${r.state[fe.field]}${pc}`)} in the link: ${fe.message.charAt(0).toLowerCase()}${fe.message.slice(1)} Using the default, ${base[fe.field]}${pc}.`);
      r.state[fe.field] = base[fe.field];
    }
  } catch (err) {
    r = { state: base, notices: [`The link could not be read (${err.message}): showing the default numbers.`], section: '' };
  }
  state = r.state;
  showNotices($('link-notices'), r.notices);
  return r.section;
}
function toHash(s) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(s)) p.set(k, String(v));
  return '#' + p.toString();
}
function toInput(s) {
  const c = { ...s, ...separators() };
  for (const k of PCT) c[k] = Number(s[k]) / 100;
  c.arpa = s.arpa === '' || s.arpa === null ? null : Number(s.arpa);
  for (const k of ['aov', 'frequency', 'lifespan', 'cac', 'horizon', 'targetRatio', 'valueToDate', 'tenure']) c[k] = Number(s[k]);
  // Fields left empty or not numbers: the core flags them and blanks what
  // needs them (CalcInput.Missing).
  const given = (v) => v !== '' && v !== null;
  c.missing = FIELDS.filter((f) => !(given(s[f.key]) && Number.isFinite(Number(s[f.key]))) && !(f.optional && !given(s[f.key]))).map((f) => f.key);
  for (const k of c.missing) c[k] = k === 'arpa' ? null : 0;
  return c;
}

// ---- the input form, built from the registry ----
function registryInput(f) {
  for (const fo of formulas) {
    if (f.formula && fo.id !== f.formula) continue;
    const inp = fo.inputs.find((i) => i.name === f.input);
    if (inp) return inp;
  }
  return { label: f.key, description: '', whereToFind: '' };
}
function buildFields() {
  const box = $('fields');
  const lifeBox = document.createElement('div');
  lifeBox.className = 'field';
  lifeBox.innerHTML = `<fieldset class="life-mode"><legend>How long customers stay: which do you know?</legend>
    <label><input type="radio" name="lifeMode" value="lifespan"> Lifespan</label>
    <label><input type="radio" name="lifeMode" value="churn"> Churn rate</label>
    <label><input type="radio" name="lifeMode" value="retention"> Retention rate</label></fieldset>
    <p class="hint">Give one; the others follow: churn = 1 ÷ lifespan, retention = 1 − churn (a 5-year lifespan is 20 % churn and 80 % retention a year).</p>
    <p class="hint life-derived" id="life-derived" aria-live="polite"></p>`;
  for (const f of FIELDS) {
    const ri = registryInput(f);
    const div = document.createElement('div');
    div.className = 'field';
    div.dataset.mode = f.mode || '';
    const id = `in-${f.key}`;
    let label = ri.label;
    if (f.key === 'frequency') label = 'Purchase frequency (per year)';
    if (f.key === 'churn') label = 'Churn rate (per year)';
    if (f.key === 'retention') label = 'Retention rate (per year)';
    if (f.key === 'discount') label = 'Discount rate (per year)';
    if (f.key === 'lifespan') label = 'Customer lifespan (years)';
    div.innerHTML = `<label for="${id}">${label}</label>
      <span class="unit-in"><input id="${id}" name="${f.key}" type="number" step="${f.step}" inputmode="decimal"
        aria-describedby="${id}-unit ${id}-desc"${f.optional ? ` placeholder="auto"` : ''}>
      <span class="unit" id="${id}-unit">${f.unit === 'money' ? '<span class="cur"></span> per order' : f.unit.replace('money', '<span class="cur"></span>')}</span></span>
      <p class="hint" id="${id}-desc">${ri.description}${f.optional ? ` Leave empty to use ${f.optional}.` : ''}</p>
      <details class="where"><summary>Where to find this</summary><p>${ri.whereToFind}</p></details>`;
    box.appendChild(div);
    if (f.key === 'frequency') box.appendChild(lifeBox);
  }
  const tsel = $('tornado-formula');
  for (const fo of formulas) {
    if (fo.output !== 'money') continue;
    const o = document.createElement('option');
    o.value = fo.id;
    o.textContent = fo.name;
    tsel.appendChild(o);
  }
}
function writeForm() {
  $('in-currency').value = state.currency;
  for (const f of FIELDS) $(`in-${f.key}`).value = state[f.key];
  for (const r of document.querySelectorAll('input[name=lifeMode]')) r.checked = r.value === state.lifeMode;
  $('custom').value = state.custom;
  $('tornado-formula').value = state.tornado;
  showMode();
}
function showMode() {
  for (const d of document.querySelectorAll('#fields .field[data-mode]')) {
    d.hidden = d.dataset.mode !== '' && d.dataset.mode !== state.lifeMode;
  }
  for (const c of document.querySelectorAll('.cur')) c.textContent = state.currency || 'money';
}
function readForm() {
  state.currency = $('in-currency').value;
  for (const f of FIELDS) {
    const el = $(`in-${f.key}`);
    if (f.optional && el.value.trim() === '') { state[f.key] = ''; continue; }
    // Empty or not a number: kept empty, so the core flags the field and
    // blanks what needs it (never the last good value).
    state[f.key] = el.value.trim() === '' || !Number.isFinite(el.valueAsNumber) ? '' : el.valueAsNumber;
  }
  const m = document.querySelector('input[name=lifeMode]:checked');
  if (m) state.lifeMode = m.value;
  state.custom = $('custom').value;
  state.tornado = $('tornado-formula').value;
}

// ---- results ----
let charts = {};
// showLife says which of lifespan, churn and retention the user gave and
// what the other two are, next to the inputs and under the headline: every
// formula and chart uses these three (wasm/bind derive).
function showLife(d) {
  const L = num(d.lifespan); const c = num(d.churn); const r = num(d.retention);
  const life = `${plain(L, 2)} years`; const ch = `${plain(100 * c, 1)} %`; const re = `${plain(100 * r, 1)} %`;
  const text = {
    lifespan: `Lifespan ${life} (yours) → churn ${ch} a year (1 ÷ lifespan) → retention ${re} a year (1 − churn).`,
    churn: `Churn ${ch} a year (yours) → lifespan ${life} (1 ÷ churn) → retention ${re} a year (1 − churn).`,
    retention: `Retention ${re} a year (yours) → churn ${ch} (1 − retention) → lifespan ${life} (1 ÷ churn).`,
  }[state.lifeMode] || '';
  const el = $('life-derived');
  el.textContent = `${text} Every formula and chart uses these.`;
  el.dataset.lifespan = String(L); el.dataset.churn = String(c); el.dataset.retention = String(r);
  $('out-clv-why').textContent = `Profit from one customer over their lifespan: AOV × orders per year × ${life} × gross margin. The chart below uses the same customers (retention ${re} a year).`;
}
function render(calc) {
  const h = calc.headline;
  const set = (id, v, text) => { const el = $(id); el.dataset.value = String(num(v)); el.textContent = text; };
  set('out-clv', h.clv, moneyFmt(num(h.clv)));
  set('out-ltvcac', h.ltvCac, `${plain(num(h.ltvCac), 2)} : 1`);
  $('out-ltvcac').className = `big level-${h.level}`;
  $('out-verdict').textContent = h.verdict;
  set('out-payback', h.paybackMonths, `${plain(num(h.paybackMonths), 1)} months`);
  set('out-maxcac', h.maxCac, moneyFmt(num(h.maxCac)));
  $('out-maxcac-why').textContent = `The most you can pay for a customer and keep LTV:CAC at ${plain(Number(state.targetRatio))} : 1 (margin CLV ÷ target).`;
  showLife(calc.derived);

  const tb = $('formulas').tBodies[0];
  tb.replaceChildren();
  for (const r of calc.formulas) {
    const tr = document.createElement('tr');
    tr.dataset.id = r.id;
    tr.dataset.value = String(num(r.value));
    const from = r.inputs.filter((i) => !i.from.startsWith('your')).map((i) => `${i.label}: ${i.from}`).join('; ');
    tr.innerHTML = `<td><span class="fname"></span><small></small></td><td class="rendered"></td><td></td>`;
    tr.cells[0].firstChild.textContent = r.name;
    tr.cells[0].lastChild.textContent = r.text;
    tr.cells[1].textContent = r.rendered || r.error;
    if (!r.rendered || r.unbounded) tr.cells[1].classList.add('err');
    tr.cells[2].textContent = r.explanation + (from ? ` (${from}.)` : '');
    tb.appendChild(tr);
  }
  const cu = calc.custom;
  const out = $('custom-out');
  const ci = $('custom');
  showCustom(out, ci, cu);

  const j = calc.journey;
  const months = j.months.map(num);
  const be = j.breakEvenMonth;
  $('breakeven').textContent = be > 0 ? `Break-even in month ${be}.` : be === 0 ? 'No acquisition cost to earn back.' : 'Does not break even within the chart.';
  $('breakeven').dataset.month = String(be);
  charts.journey = lineChart(charts.journey, $('chart-journey'), months, [
    { label: 'Cumulative margin', data: j.cumulative.map(num), color: '#0b5cad', fill: true },
    { label: 'CAC', data: months.map(() => num(j.cac)), color: '#b42318', dash: true },
  ], { x: 'months', y: state.currency || 'money', point: be > 0 ? { x: be, y: num(j.cumulative[be]), label: `break-even, month ${be}` } : null });
  charts.survival = lineChart(charts.survival, $('chart-survival'), months, [
    { label: 'Still buying', data: calc.survival.alive.map((v) => 100 * num(v)), color: '#1a7f37', fill: true },
  ], { x: 'months', y: '% of customers', yMin: 0, yMax: 100 });
  charts.tornado = tornadoChart(charts.tornado, $('chart-tornado'), { ...calc.tornado, bars: calc.tornado.bars || [] });
  chartTable('chart-journey', ['Month', `Cumulative margin (${state.currency || 'money'})`, 'CAC'],
    months.slice(1).map((m, i) => [fmtNum(m), moneyFmt(num(j.cumulative[i + 1])), moneyFmt(num(j.cac))]));
  chartTable('chart-survival', ['Month', 'Customers still buying'],
    months.map((m, i) => [fmtNum(m), `${plain(100 * num(calc.survival.alive[i]), 1)} %`]));
  const tv = (v) => (v === null || v === undefined ? '—' : plain(num(v), 2));
  chartTable('chart-tornado', ['Input', '−20 %', '−10 %', 'Base', '+10 %', '+20 %'],
    (calc.tornado.bars || []).map((b) => [b.label, tv(b.moves[0]), tv(b.moves[1]), tv(b.base), tv(b.moves[2]), tv(b.moves[3])]));
  flagResults(calc);
}

// flagResults shows each invalid field's message beside it, and blanks the
// headline cards and charts that need one (their error says which), so no
// result is stale or computed from a value the page cannot use.
function flagResults(calc) {
  const bad = new Map((calc.fields || []).map((f) => [f.field, f.message]));
  for (const f of FIELDS) setFieldError($(`in-${f.key}`), bad.get(f.key) || '');
  const errs = calc.headline.errors || {};
  for (const [id, key] of [['out-clv', 'clv'], ['out-ltvcac', 'ltvCac'], ['out-payback', 'paybackMonths'], ['out-maxcac', 'maxCac']]) {
    const el = $(id);
    if (errs[key]) { el.textContent = '—'; el.dataset.value = ''; }
    el.classList.toggle('blank', !!errs[key]);
    setNote(el, `${id}-err`, errs[key] || '', 'error card-err');
  }
  if (calc.journey.error) { $('breakeven').textContent = calc.journey.error; $('breakeven').dataset.month = ''; }
  setNote($('chart-survival').parentElement, 'survival-err', calc.survival.error || '');
  setNote($('chart-tornado').parentElement, 'tornado-err', calc.tornado.error || '');
  perf.tornadoBars = (calc.tornado.bars || []).length; // read by the browser tests
}

// chartTable gives the chart drawn on canvas id a data table alternative:
// a <details> under the chart with the same numbers.
function chartTable(id, head, rows) {
  const fig = $(id).closest('figure');
  let det = fig.querySelector('details.chart-data');
  if (!det) {
    det = document.createElement('details');
    det.className = 'chart-data';
    det.innerHTML = '<summary>Data as a table</summary><div class="table-wrap"><table><thead><tr></tr></thead><tbody></tbody></table></div>';
    det.querySelector('table').id = `${id}-table`;
    det.querySelector('table').setAttribute('aria-label', $(id).getAttribute('aria-label'));
    fig.appendChild(det);
  }
  const htr = det.querySelector('thead tr');
  htr.replaceChildren(...head.map((h, k) => { const th = document.createElement('th'); th.scope = 'col'; th.textContent = h; if (k) th.className = 'num'; return th; }));
  const tb = det.querySelector('tbody');
  tb.replaceChildren(...rows.map((r) => {
    const tr = document.createElement('tr');
    r.forEach((c, k) => { const td = document.createElement(k ? 'td' : 'th'); if (k) td.className = 'num'; else td.scope = 'row'; td.textContent = c; tr.appendChild(td); });
    return tr;
  }));
}

// showCustom writes the custom formula's result, with a currency symbol
// only when the core says it is money (wasm/bind isMoney), or its error:
// a ^ under the column (same font and indent as the input) and the
// message on its own, wrapping line.
function showCustom(out, ci, cu) {
  const caret = out.querySelector('.caret'); const msg = out.querySelector('.msg');
  out.dataset.unit = cu.ok ? (cu.unit || 'number') : '';
  if (cu.ok) {
    out.className = 'custom-out';
    caret.textContent = '';
    const v = num(cu.value);
    msg.textContent = cu.rendered || (cu.unit === 'money' ? moneyFmt(v) : plain(v, 4));
    out.dataset.value = String(v);
    out.dataset.column = '';
    ci.removeAttribute('aria-invalid');
    return;
  }
  out.className = 'custom-out error';
  out.dataset.value = '';
  out.dataset.column = cu.column || '';
  caret.textContent = cu.column && (cu.line || 1) === 1 ? `${' '.repeat(Math.max(0, cu.column - 1))}^` : '';
  msg.textContent = cu.column ? `Column ${cu.column}: ${cu.error}` : cu.error;
  ci.setAttribute('aria-invalid', 'true');
}

function recalc() {
  let calc;
  try {
    calc = call('calculate', JSON.stringify(toInput(state)));
    render(calc);
  } catch (err) {
    // Never leave the page half-updated and silent.
    $('status').textContent = `Could not compute these numbers: ${err.message}`;
    console.warn(err);
    return null;
  }
  if ($('status').textContent.startsWith('Could not compute')) $('status').textContent = 'Ready. Results update as you type.';
  const h = toHash(state);
  if (location.hash !== h) history.replaceState(null, '', h);
  $('share-url').value = location.href;
  if (Number.isNaN(perf.firstResultMs)) perf.firstResultMs = performance.now() - t0;
  return calc;
}

// ---- scenarios (localStorage) ----
const STORE = 'clvkit.scenarios';
// loadScenarios returns the saved scenarios; anything else in the store
// (another version's, edited by hand) is left out, never fatal.
function loadScenarios() {
  try {
    const l = JSON.parse(localStorage.getItem(STORE) || '[]');
    return Array.isArray(l) ? l.filter((s) => s && typeof s === 'object' && s.state && typeof s.state === 'object').map((s) => ({ ...s, name: String(s.name ?? '') })) : [];
  } catch { return []; }
}
function saveScenarios(list) { localStorage.setItem(STORE, JSON.stringify(list)); }
function renderScenarios() {
  const list = loadScenarios();
  const tb = $('compare').tBodies[0];
  tb.replaceChildren();
  if (list.length === 0) { tb.innerHTML = '<tr><td>No saved scenarios yet.</td></tr>'; return; }
  const calcs = list.map((s) => call('calculate', JSON.stringify(toInput({ ...defaultState(), ...s.state }))));
  const rows = [['Scenario', (s) => s.name, null], ...scenarioInputRows(),
    ['Margin CLV', (s, c) => moneyFmt(num(c.headline.clv))],
    ['LTV : CAC', (s, c) => `${plain(num(c.headline.ltvCac))} : 1`],
    ['CAC payback', (s, c) => `${plain(num(c.headline.paybackMonths), 1)} months`],
    ['Largest affordable CAC', (s, c) => moneyFmt(num(c.headline.maxCac))],
  ];
  const differ = [];
  for (const [label, f, input] of rows) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = label;
    tr.appendChild(th);
    const texts = list.map((s, i) => f(s, calcs[i]));
    texts.forEach((t) => { const td = document.createElement(label === 'Scenario' ? 'th' : 'td'); td.textContent = t; tr.appendChild(td); });
    // An input row whose values are not all the same is marked, so two
    // scenarios never look alike when something they use differs.
    if (input && list.length > 1 && new Set(texts).size > 1) {
      tr.classList.add('differs');
      tr.dataset.differs = 'true';
      const vh = document.createElement('span'); vh.className = 'vh'; vh.textContent = ' (differs)'; th.appendChild(vh);
      differ.push(label);
    }
    tb.appendChild(tr);
  }
  $('compare-diff').textContent = list.length < 2 ? '' : differ.length ? `These scenarios differ in: ${differ.join(', ')}.` : 'These scenarios have the same inputs.';
  const tr = document.createElement('tr');
  tr.appendChild(document.createElement('td'));
  list.forEach((s, i) => {
    const td = document.createElement('td');
    const open = document.createElement('button'); open.type = 'button'; open.className = 'secondary'; open.textContent = 'Open'; open.setAttribute('aria-label', `Open ${s.name}`);
    open.onclick = () => { state = { ...defaultState(), ...s.state }; writeForm(); recalc(); };
    const del = document.createElement('button'); del.type = 'button'; del.className = 'secondary'; del.textContent = 'Delete'; del.setAttribute('aria-label', `Delete ${s.name}`);
    del.onclick = () => { const l = loadScenarios(); l.splice(i, 1); saveScenarios(l); renderScenarios(); };
    td.append(open, ' ', del);
    tr.appendChild(td);
  });
  tb.appendChild(tr);
}

// scenarioInputRows lists every calculator input for the comparison, with
// the lifespan, churn and retention the scenario's formulas use (one given,
// two derived, marked so): [label, text of scenario s with calculation c,
// true for an input].
function scenarioInputRows() {
  const st = (s) => ({ ...defaultState(), ...s.state });
  const pct = (k) => (s) => `${plain(Number(st(s)[k]), 2)} %`;
  const given = { lifespan: 'lifespan', churn: 'churn rate', retention: 'retention rate' };
  const life = (k, text) => (s, c) => `${text(c.derived)}${(st(s).lifeMode || 'lifespan') === k ? '' : ' (derived)'}`;
  return [
    ['Currency', (s) => st(s).currency || '(none)'],
    ['AOV', (s) => moneyFmt(Number(st(s).aov))],
    ['Orders per year', (s) => plain(Number(st(s).frequency))],
    ['Customer life given as', (s) => given[st(s).lifeMode] || given.lifespan],
    ['Lifespan (years)', life('lifespan', (d) => plain(num(d.lifespan)))],
    ['Churn per year', life('churn', (d) => `${plain(100 * num(d.churn), 2)} %`)],
    ['Retention per year', life('retention', (d) => `${plain(100 * num(d.retention), 2)} %`)],
    ['Gross margin', pct('grossMargin')],
    ['Discount rate per year', pct('discount')],
    ['CAC', (s) => moneyFmt(Number(st(s).cac))],
    ['ARPA per month', (s, c) => `${moneyFmt(num(c.derived.arpa))}${c.derived.arpaDerived ? ' (AOV × frequency ÷ 12)' : ''}`],
    ['Horizon (years)', (s) => plain(Number(st(s).horizon))],
    ['Target LTV:CAC', (s) => `${plain(Number(st(s).targetRatio))} : 1`],
    ['Your own formula', (s) => st(s).custom],
    ['Sensitivity chart of', (s) => (formulas.find((f) => f.id === st(s).tornado) || { name: st(s).tornado }).name],
  ].map(([l, f]) => [l, f, true]);
}

// ---- your data (worker) ----
let worker;
let module;
let workerReady;
let inspection;
let scored;
let cohorts; // the cohort view (cohorts.js), built on the first scoring
let channels; // the channel view (channels.js), built on the first scoring
const pending = {};
function ask(msg, transfer = []) {
  return new Promise((resolve, reject) => {
    pending[msg.type] = { resolve, reject };
    worker.postMessage(msg, transfer);
  });
}
// spareWorker loads the data worker's script ahead of the first upload
// (its Go instance starts on the first upload).
let spare = null;
function spareWorker() {
  if (spare || worker) return;
  try {
    spare = new Worker('worker.js');
    spare.onerror = (e) => { e.preventDefault(); spare = null; };
  } catch { spare = null; }
}
// warmWorker starts the data worker's Go instance and has it score a small
// built-in log once the page is idle, so that the user's first fit runs in
// code V8 has already compiled and optimized (web/README.md, "Warming the
// worker up"). It costs every visit the worker's instance (which the first
// upload would start anyway) and a fraction of a second of CPU on a
// background thread; its time is perf.warmMs. A failure is ignored: the
// upload starts or restarts the worker as before.
function warmWorker() {
  if (worker || perf.warmMs !== undefined) return;
  perf.warmMs = NaN;
  ensureWorker()
    .then(() => ask({ type: 'warm', rounds: 2 }))
    .then((m) => { perf.warmMs = m.ms; })
    .catch(() => {});
}
// failWorker rejects every pending request with err and drops the worker,
// so the next upload starts a new one.
function failWorker(err) {
  for (const k of Object.keys(pending)) { pending[k].reject(err); delete pending[k]; }
  if (worker) worker.terminate();
  worker = null;
  workerReady = null;
}
function ensureWorker() {
  if (workerReady) return workerReady;
  worker = spare || new Worker('worker.js');
  spare = null;
  worker.onerror = (e) => {
    e.preventDefault();
    failWorker(new Error(`the data worker stopped or could not start${e.message ? ` (${e.message})` : ' (worker.js did not load: are you offline? Reload the page once you are back online)'}`));
  };
  worker.onmessageerror = () => failWorker(new Error('the data worker sent a message the page could not read'));
  worker.onmessage = (e) => {
    const m = e.data;
    if (m.type === 'progress') { showProgress(m.stage, m.done); return; }
    const key = m.type === 'error' ? m.request : { ready: 'init', loaded: 'load', dates: 'dates', scored: 'score', csv: 'csv', cohorts: 'cohorts', compared: 'compare', attributes: 'attributes', groups: 'groups', warmed: 'warm' }[m.type];
    const p = pending[key];
    delete pending[key];
    if (!p) return;
    if (m.type === 'error') p.reject(new Error(m.message)); else p.resolve(m);
  };
  workerReady = ask({ type: 'init', module });
  workerReady.catch(() => { workerReady = null; });
  return workerReady;
}
// The phases of a data run, as the worker reports them (wasm/bind Stage).
const PHASES = [
  ['reading', 'Read', 'Reading transactions'],
  ['summarizing', 'Summarize', 'Summarizing customers'],
  ['fit_purchase', 'Fit purchase model', 'Fitting the purchase model'],
  ['fit_spend', 'Fit spend model', 'Fitting the spend model'],
  ['score', 'Score', 'Scoring customers'],
  ['diagnostics', 'Check the fit', 'Checking the fit'],
];
// run is the data run in progress: {phases, started, timer}, or null.
let run = null;
function showProgress(stage, done) {
  $('progress-wrap').hidden = false;
  const phases = run ? run.phases : PHASES.slice(0, 1);
  let k = phases.findIndex(([id]) => id === stage);
  if (k < 0) k = 0;
  const ol = $('phases');
  if (ol.children.length !== phases.length) {
    ol.replaceChildren(...phases.map(([id, short]) => { const li = document.createElement('li'); li.dataset.phase = id; li.textContent = short; return li; }));
  }
  [...ol.children].forEach((li, i) => {
    li.className = i < k ? 'done' : '';
    if (i === k) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
  });
  const within = stage === 'reading' ? done : 0;
  $('progress-label').textContent = `Step ${k + 1} of ${phases.length}: ${phases[k][2]}…`;
  $('progress').value = (k + within) / phases.length;
  $('progress').dataset.phase = phases[k][0];
}
// startRun shows the phases of a scoring run, a running clock and Cancel.
function startRun(withSpend) {
  run = { phases: PHASES.filter(([id]) => withSpend || id !== 'fit_spend'), started: performance.now() };
  $('phases').replaceChildren();
  $('data-status').textContent = '';
  $('cancel').hidden = false;
  $('cancel').disabled = false;
  const tick = () => { $('progress-time').textContent = `${fmtNum((performance.now() - run.started) / 1000, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`; };
  tick();
  run.timer = setInterval(tick, 100);
  showProgress('reading', 0);
}
function endRun() {
  if (run) clearInterval(run.timer);
  run = null;
  $('cancel').hidden = true;
  $('progress-time').textContent = '';
  $('phases').replaceChildren();
}
// cancelRun stops a scoring run for real: the worker is terminated (a
// WebAssembly fit cannot be interrupted from outside), a new one is
// started and the file loaded into it again, so the user can change the
// settings and score again.
let lastFile = null;
let reloading = null;
function cancelRun() {
  if (!run || !worker) return;
  const secs = (performance.now() - run.started) / 1000;
  worker.terminate();
  perf.workersStopped = (perf.workersStopped || 0) + 1;
  worker = undefined;
  workerReady = undefined;
  for (const k of Object.keys(pending)) {
    const err = new Error('cancelled');
    err.cancelled = true;
    pending[k].reject(err);
    delete pending[k];
  }
  $('data-status').textContent = `Cancelled after ${fmtNum(secs, { maximumFractionDigits: 1 })} s: the worker was stopped and nothing was scored. The file is still loaded: change the settings and score again.`;
  if (lastFile) {
    reloading = (async () => {
      await ensureWorker();
      const buf = await lastFile.arrayBuffer();
      await ask({ type: 'load', buffer: buf }, [buf]);
    })().catch((err) => { $('data-error').textContent = `Could not load the file again after cancelling: ${err.message}`; }).finally(() => { reloading = null; });
  }
}
// showPreview shows the file's first rows under its column names (the
// numbers 1, 2, ... when there is no header row), so a headerless file's
// columns can be told apart.
function showPreview(ins) {
  const rows = (ins.sample || []).slice(0, 5);
  const t = $('preview');
  $('preview-caption').textContent = `First ${plural(rows.length, 'row')} of the file${ins.header ? '' : ' (no header row: columns are numbered)'}`;
  const htr = document.createElement('tr');
  for (const c of ins.columns) { const th = document.createElement('th'); th.scope = 'col'; th.textContent = c; htr.appendChild(th); }
  t.tHead.replaceChildren(htr);
  t.tBodies[0].replaceChildren(...rows.map((r) => {
    const tr = document.createElement('tr');
    for (let k = 0; k < ins.columns.length; k++) { const td = document.createElement('td'); td.textContent = r[k] ?? ''; tr.appendChild(td); }
    return tr;
  }));
  $('preview-wrap').hidden = rows.length === 0;
  const af = $('map-amount-format');
  af.value = [...af.options].some((o) => o.value === ins.amountFormat) ? ins.amountFormat : 'auto';
  $('amount-format-hint').textContent = ins.amountError ? `Unsure: ${ins.amountError}` : ins.amountFormat && ins.amountFormat !== 'plain' ? `Detected ${ins.amountFormat} in the first rows.` : 'Detected from the first rows.';
}
// obsEnd returns the observation end typed as YYYY-MM-DD, or throws
// with a message beside the field.
function obsEnd() {
  const el = $('obs-end');
  const v = el.value.trim();
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
  $('obs-end-err').textContent = ok ? '' : 'Write the date as YYYY-MM-DD, e.g. 1997-09-30.';
  if (ok) el.removeAttribute('aria-invalid'); else el.setAttribute('aria-invalid', 'true');
  if (!ok) throw new Error(`Observation end "${v}": write it as YYYY-MM-DD.`);
  return v;
}
function options(sel, values, chosen) {
  sel.replaceChildren();
  for (const v of values || []) { const o = document.createElement('option'); o.value = v; o.textContent = v || '(none)'; sel.appendChild(o); }
  sel.value = chosen;
}
async function loadFile(file) {
  $('data-error').textContent = '';
  const tLoad = performance.now();
  lastFile = file;
  try {
    await ensureWorker();
    showProgress('reading', 0);
    const buf = await file.arrayBuffer();
    const m = await ask({ type: 'load', buffer: buf }, [buf]);
    inspection = m.inspection;
    const ins = inspection;
    if (ins.problem) {
      // Empty, not text, no rows: say so about the file, nothing to map.
      $('mapping').hidden = true;
      $('progress-wrap').hidden = true;
      $('data-error').textContent = `Could not use ${file.name}: ${ins.problem}`;
      return;
    }
    $('file-info').textContent = `${file.name}: ${plural(ins.lines, 'line')}, ${ins.header ? 'with a header row' : 'no header row'}, separated by ${ins.delimiter === '\t' ? 'tabs' : ins.delimiter === 'whitespace' ? 'spaces' : `"${ins.delimiter}"`}. Check the columns below.`;
    options($('map-customer'), ins.columns, ins.guess.customer);
    options($('map-date'), ins.columns, ins.guess.date);
    options($('map-amount'), ['', ...ins.columns], ins.guess.amount);
    const fmts = ins.dateFormats && ins.dateFormats.length ? ins.dateFormats : ['YYYY-MM-DD'];
    options($('map-format'), fmts, ins.dateFormat || fmts[0]);
    $('format-hint').textContent = ins.ambiguous ? 'Both month-first and day-first fit the first rows: check which your file uses.' : 'Detected from the first rows.';
    setNote($('file-info'), 'file-notice', fileNotice(ins), 'note warn');
    $('skip-bad').checked = false;
    showPreview(ins);
    $('mapping').hidden = false;
    $('progress-wrap').hidden = true;
    await updateDates();
    perf.loadMs = performance.now() - tLoad;
  } catch (err) {
    $('progress-wrap').hidden = true;
    $('data-error').textContent = `Could not read the file: ${err.message}`;
  }
}
// showTimeTaken counts everything the user waited for: reading the file
// and detecting its columns (perf.loadMs), and from the click on Score to
// the drawn results.
function showTimeTaken(tStart) {
  const runMs = performance.now() - tStart;
  const loadMs = perf.loadMs || 0;
  const el = $('res-time');
  const s = (ms) => `${fmtNum(ms / 1000, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} s`;
  el.textContent = s(loadMs + runMs);
  el.dataset.ms = String(loadMs + runMs);
  el.dataset.loadMs = String(loadMs);
  el.dataset.runMs = String(runMs);
  $('res-time-why').textContent = `Everything you waited for, in this browser: opening the file ${s(loadMs)}, then reading, fitting, scoring and drawing ${s(runMs)}.`;
}
function mapping() {
  return { customer: $('map-customer').value, date: $('map-date').value, amount: $('map-amount').value };
}
async function updateDates() {
  const m = await ask({ type: 'dates', mapping: mapping(), format: $('map-format').value });
  const r = m.range;
  const firstBad = r.bad ? ` (the first on line ${r.firstBadLine}: ${r.firstBad === '' ? 'empty' : short(r.firstBad)})` : '';
  if (r.last) {
    $('obs-end').value = r.last;
    $('format-hint').textContent = `Dates from ${r.first} to ${r.last}${r.bad ? `; ${plural(r.bad, 'row does', 'rows do')} not parse with this format${firstBad}: tick “Skip rows that cannot be read” to leave them out` : ''}.`;
  } else {
    $('obs-end').value = '';
    $('format-hint').textContent = mapping().date ? `No date in column “${mapping().date}” parses with this format${firstBad}.` : 'Choose the date column.';
  }
}
// dataSettings reads the scoring settings, showing a message beside each
// field that is not usable (in percent where the field is a percent) and
// throwing when one is not.
function dataSettings() {
  const checks = [
    ['map-date', (v) => (v ? '' : 'Choose the column with the order dates.')],
    ['margin', (v, n) => (v !== '' && n >= 0 && n <= 100 ? '' : 'Must be between 0 and 100 %.')],
    ['months', (v, n) => (v !== '' && Number.isInteger(n) && n >= 1 && n <= 1200 ? '' : 'Must be a whole number of months between 1 and 1200.')],
    ['annual-discount', (v, n) => (v !== '' && n >= 0 && n < 1000 ? '' : 'Must be at least 0 % and less than 1000 %.')],
  ];
  let bad = false;
  for (const [id, f] of checks) {
    const el = $(id);
    const msg = f(el.value.trim(), el.type === 'number' ? el.valueAsNumber : NaN);
    setFieldError(el, msg);
    bad ||= !!msg;
  }
  if (bad) throw new Error('Some settings above are not usable: see the messages beside them.');
  return {
    columns: mapping(), dateFormat: $('map-format').value, observationEnd: obsEnd(), amountFormat: $('map-amount-format').value,
    purchase: $('model').value, spend: $('map-amount').value ? 'gammagamma' : 'none',
    months: $('months').valueAsNumber, annualDiscountRate: $('annual-discount').valueAsNumber / 100,
    margin: $('margin').valueAsNumber / 100, csvFormulaGuard: $('csv-guard').value, skipBadRows: $('skip-bad').checked,
  };
}
async function runScore() {
  $('data-error').textContent = '';
  $('score').disabled = true;
  const tStart = performance.now();
  try {
    if (reloading) await reloading;
    const settings = dataSettings();
    startRun(settings.spend !== 'none');
    const m = await ask({ type: 'score', settings });
    scored = { ...m, ids: m.ids };
    resetPluginColumns();
    renderScored(m, performance.now() - tStart);
    (cohorts ||= cohortView(ask, moneyFmt)).show();
    (channels ||= channelView(ask, moneyFmt, fmtNum)).show();
    showTimeTaken(tStart);
  } catch (err) {
    if (!err.cancelled) {
      // A row that cannot be read (summary.ParseError: 'line 5 (customer
      // "4"): field …'): offer clv score's skip_bad_rows.
      const row = /^line \d+( \(customer .*\))?: field /.test(err.message) && !$('skip-bad').checked;
      $('data-error').textContent = err.message + (row ? '. Tick “Skip rows that cannot be read” to leave out such rows, as clv score does with skip_bad_rows.' : '');
    }
  } finally {
    endRun();
    $('score').disabled = false;
    $('progress-wrap').hidden = true;
  }
}

const TABLE_COLS = [
  ['customer_id', 'Customer', 'The id as written in your file'],
  ['frequency', 'Repeat purchases', 'Purchase days after the first'],
  ['T', 'Age (weeks)', 'Weeks since the first purchase'],
  ['monetary_value', 'Avg repeat order', 'Mean value of repeat purchase days'],
  ['p_alive', 'P(alive)', 'Probability the customer is still active'],
  ['expected_purchases', 'Expected purchases', 'Expected purchases over the horizon'],
  ['expected_spend', 'Spend per purchase', 'Expected value of each future purchase (not a total)'],
  ['clv', 'CLV', 'Discounted margin over the horizon'],
  ['rfm', 'RFM', 'Recency, frequency, monetary scores 1–5'],
  ['segment', 'Segment', 'Named RFM segment'],
  ['tier', 'Value tier', 'Rank by CLV'],
  ['spend_source', 'Spend from', 'gamma_gamma: the model; population: no repeat purchase; population_nonpositive: repeat purchases net to ≤ 0; own_mean: the model could not be used']
];
let view = { order: null, sortCol: 'clv', dir: -1, page: 0, query: '' };
const PAGE = 50;
function colValue(name, i) {
  if (name === 'customer_id') return scored.ids[i];
  const info = scored.result.columns.find((c) => c.name === name);
  const v = scored.columns[name][i];
  return info.kind === 'label' ? info.levels[v] : v;
}
// spendNote says how expected_spend was estimated (core/score SpendEstimate).
function spendNote(sp) {
  if (sp.method !== 'gammagamma') {
    return ` Gamma-Gamma not used (${sp.fallback}): expected spend is each repeat buyer's own mean repeat spend; the others get ${moneyFmt(num(sp.populationMean))}. P(alive) and expected purchases are unaffected.`;
  }
  return ` Gamma-Gamma left out ${plural(sp.oneTime, 'customer')} without repeat purchases` +
    (sp.nonPositive ? ` and ${fmtNum(sp.nonPositive)} whose repeat purchases net to ≤ 0 (${(sp.nonPositiveIds || []).join(', ')}${sp.nonPositive > (sp.nonPositiveIds || []).length ? ', …' : ''})` : '') + '.';
}
function renderScored(m, ms) {
  const r = m.result;
  $('results').hidden = false;
  $('res-customers').textContent = fmtNum(r.customers);
  $('res-customers').dataset.value = String(r.customers);
  const skipped = badRowsText(r.report);
  $('res-report').textContent = `${plural(r.report.transactions, 'transaction')} up to ${r.report.observationEnd}` +
    (r.report.afterObservationEnd ? `; ${fmtNum(r.report.afterObservationEnd)} after it left out` : '') + (skipped ? `; ${skipped}` : '') + '.';
  $('res-total').textContent = r.spend ? moneyFmt(num(r.totalClv), 0) : '—';
  $('res-total').dataset.value = String(r.spend ? num(r.totalClv) : NaN);
  $('res-total-why').textContent = r.spend ? `Sum of every customer's CLV over ${r.settings.months} months at ${plain(r.settings.margin * 100)} % margin, discounted ${plain(r.settings.annualDiscountRate * 100)} % a year.` : 'No amount column: expected purchases only.';
  $('res-time').textContent = `${(ms / 1000).toFixed(2)} s`;
  $('res-time').dataset.ms = String(ms);
  $('res-time').dataset.fitMs = String(r.ms.score);
  $('res-time').dataset.summarizeMs = String(r.ms.summarize);
  const tb = $('params').tBodies[0];
  tb.replaceChildren();
  const fits = [r.purchase, ...(r.spend && r.spend.method === 'gammagamma' ? [r.spend] : [])];
  const modelNames = { bgnbd: 'BG/NBD', paretonbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD', gammagamma: 'Gamma-Gamma' };
  for (const f of fits) {
    (f.names || []).forEach((n, i) => {
      const tr = document.createElement('tr');
      tr.dataset.model = f.model; tr.dataset.param = n; tr.dataset.value = String(num(f.params[i]));
      tr.innerHTML = `<td>${i === 0 ? modelNames[f.model] || f.model : ''}</td><td>${n}</td><td class="num">${fmtNum(num(f.params[i]), { maximumSignificantDigits: 6 })}</td><td class="num">${fmtNum(num(f.stdErrors[i]), { maximumSignificantDigits: 3 })}</td>`;
      tb.appendChild(tr);
    });
  }
  if (r.spend && r.spend.method !== 'gammagamma') {
    // The spend fit failed: the purchase model's results stand; say so.
    const tr = document.createElement('tr');
    tr.dataset.model = 'gammagamma';
    tr.dataset.fallback = r.spend.fallback || '';
    tr.innerHTML = '<td>Gamma-Gamma</td><td colspan="3"></td>';
    const why = { not_converged: 'the spend fit did not converge', q_at_most_1: 'the spend fit gives no finite average spend (q ≤ 1)', not_identified: 'too few repeat buyers with different spends to fit it' }[r.spend.fallback] || r.spend.fallback;
    tr.cells[1].textContent = `Not used: ${why} (see the warning below). Expected spend is each repeat buyer's own average; the purchase model above is unaffected.`;
    tb.appendChild(tr);
  }
  $('fit-note').textContent = `Log-likelihood ${fmtNum(num(r.purchase.logLikelihood), { minimumFractionDigits: 2, maximumFractionDigits: 2 })}. Times are in ${r.report.unit}s, so the purchase rate is per ${r.report.unit}.` +
    (r.spend ? spendNote(r.spend) : '') + ((r.notes || []).length ? ` ${r.notes.join(' ')}` : '');
  // Warnings (the spend fallback, customers left out of the spend fit, a
  // doubtful model assumption) get their own line, so they are not missed.
  $('fit-warnings').textContent = (r.warnings || []).map((w) => `Warning: ${w}.`).join(' ');
  $('fit-warnings').hidden = !(r.warnings || []).length;
  charts.hist = barChart(charts.hist, $('chart-hist'), r.histogram.map((b) => b.purchases), [
    { label: 'Actual', data: r.histogram.map((b) => num(b.actual)), color: '#57606a' },
    { label: 'Predicted', data: r.histogram.map((b) => num(b.expected)), color: '#0b5cad' },
  ], { x: 'repeat purchases', y: 'customers' });
  charts.segments = barChart(charts.segments, $('chart-segments'), r.segments.map((s) => s.label), [
    { label: 'Customers', data: r.segments.map((s) => s.count), color: '#0b5cad' },
  ], { horizontal: true, x: 'customers' });
  chartTable('chart-hist', ['Repeat purchases', 'Actual customers', 'Predicted customers'],
    r.histogram.map((b) => [String(b.purchases), fmtNum(num(b.actual)), fmtNum(num(b.expected), { maximumFractionDigits: 1 })]));
  chartTable('chart-segments', ['Segment', 'Customers'], r.segments.map((s) => [s.label, fmtNum(s.count)]));
  view = { order: null, sortCol: r.spend ? 'clv' : 'expected_purchases', dir: -1, page: 0, query: $('search').value };
  renderTable();
}
// tierRank maps a tier column's level index to its rank (Top 1 % first),
// the order of the tiers in the scoring result, not the alphabet.
function tierRank() {
  const levels = scored.result.columns.find((x) => x.name === 'tier').levels;
  const order = (scored.result.tiers || []).map((t) => t.label);
  return levels.map((l) => { const k = order.indexOf(l); return k < 0 ? order.length : k; });
}
function renderTable() {
  const cols = [...TABLE_COLS.filter(([n]) => n === 'customer_id' || scored.columns[n]), ...pluginCols.map((c) => [c.name, c.name, c.why])];
  const n = scored.ids.length;
  if (!view.order) {
    const idx = Array.from({ length: n }, (_, i) => i);
    const c = view.sortCol;
    const info = scored.result.columns.find((x) => x.name === c);
    if (c === 'customer_id') { if (view.dir < 0) idx.reverse(); } // already in id order
    else if (c === 'tier') { const rank = tierRank(); const v = scored.columns[c]; idx.sort((a, b) => view.dir * (rank[v[a]] - rank[v[b]]) || a - b); }
    else if (info.kind === 'label') idx.sort((a, b) => view.dir * colValue(c, a).localeCompare(colValue(c, b)) || a - b);
    else { const v = scored.columns[c]; idx.sort((a, b) => view.dir * (v[a] - v[b]) || a - b); }
    const q = view.query.trim().toLowerCase();
    view.order = q ? idx.filter((i) => scored.ids[i].toLowerCase().includes(q) || (scored.columns.segment && colValue('segment', i).toLowerCase().includes(q))) : idx;
  }
  const thead = $('customers').tHead;
  thead.replaceChildren();
  const htr = document.createElement('tr');
  for (const [name, label, why] of cols) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.title = why;
    if (!['customer_id', 'rfm', 'segment', 'tier', 'plugin_segment'].includes(name)) th.className = 'num';
    th.setAttribute('aria-sort', view.sortCol === name ? (view.dir > 0 ? 'ascending' : 'descending') : 'none');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.dataset.col = name;
    b.onclick = () => {
      view.dir = view.sortCol === name ? -view.dir : (name === 'customer_id' || name === 'tier' ? 1 : -1); view.sortCol = name; view.order = null; view.page = 0; renderTable();
      // The header is drawn anew: keep the keyboard focus on it.
      $('customers').querySelector(`th button[data-col="${name}"]`).focus();
    };
    th.appendChild(b);
    htr.appendChild(th);
  }
  thead.appendChild(htr);
  const tb = $('customers').tBodies[0];
  tb.replaceChildren();
  const start = view.page * PAGE;
  for (const i of view.order.slice(start, start + PAGE)) {
    const tr = document.createElement('tr');
    for (const [name] of cols) {
      const td = document.createElement('td');
      const v = colValue(name, i);
      if (typeof v === 'number') {
        td.className = 'num';
        td.textContent = name === 'clv' || name === 'monetary_value' ? moneyFmt(v) : name === 'p_alive' ? `${fmtNum(100 * v, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %` : name === 'frequency' ? fmtNum(v) : plain(v, 2);
      } else td.textContent = v;
      tr.appendChild(td);
    }
    tb.appendChild(tr);
  }
  const pages = Math.max(1, Math.ceil(view.order.length / PAGE));
  $('page-info').textContent = `Page ${fmtNum(view.page + 1)} of ${fmtNum(pages)} (${plural(view.order.length, 'customer')})`;
  $('prev').disabled = view.page === 0;
  $('next').disabled = view.page + 1 >= pages;
}
async function download() {
  const labels = [...new Set(pluginCols.flatMap((c) => (c.kind === 'label' ? c.levels : [])))];
  const m = await ask({ type: 'csv', precision: 6, labels });
  const fields = new Map(labels.map((l, i) => [l, m.fields[i]]));
  const url = URL.createObjectURL(new Blob([withPluginColumns(m.bytes, 6, fields)], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'scores.csv';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- plugins (plugin-host.js runs them, each in its own worker) ----
let plugin = null; // the loaded Plugin
let pluginCols = []; // columns plugins added: {name, why, kind, levels}
function resetPluginColumns() {
  pluginCols = [];
  $('plugin-segments-wrap').hidden = true;
  $('plugin-status').textContent = '';
  $('plugin-error').textContent = '';
  $('segments-caption').innerHTML = '<strong>Segments.</strong> Customers in each RFM segment (recency, frequency, monetary scores 1–5).';
}
// addColumn adds (or replaces) a plugin's column in the scored data.
function addColumn(name, values, why, kind = 'float', levels) {
  scored.columns[name] = values;
  const info = { name, kind, ...(levels ? { levels } : {}) };
  const i = scored.result.columns.findIndex((c) => c.name === name);
  if (i >= 0) scored.result.columns[i] = info; else scored.result.columns.push(info);
  const j = pluginCols.findIndex((c) => c.name === name);
  const col = { name, why, kind, levels };
  if (j >= 0) pluginCols[j] = col; else pluginCols.push(col);
}
// withPluginColumns appends the plugins' columns to the scored CSV, in the
// CSV writer's format (floats at precision decimals, labels as the Go side
// encoded them in fields: quoted as encoding/csv does and guarded against
// formula injection). Rows are in the order of scored.ids.
function withPluginColumns(bytes, precision, fields) {
  if (pluginCols.length === 0) return bytes;
  const lines = new TextDecoder().decode(bytes).split('\n');
  const out = [lines[0] + pluginCols.map((c) => ',' + csvField(c.name)).join('')];
  for (let i = 0; i < scored.ids.length; i++) {
    let line = lines[i + 1];
    for (const c of pluginCols) {
      const v = scored.columns[c.name][i];
      line += ',' + (c.kind === 'label' ? fields.get(c.levels[v]) : formatF(v, precision));
    }
    out.push(line);
  }
  return out.join('\n') + '\n';
}
function pluginTimeoutMs() {
  const el = $('plugin-timeout');
  const s = el.valueAsNumber;
  if (!(s >= 0.1 && s <= 600)) {
    el.setAttribute('aria-invalid', 'true');
    throw new Error('Set the time limit to a number of seconds between 0.1 and 600.');
  }
  el.removeAttribute('aria-invalid');
  return Math.round(s * 1000);
}
// pluginInputs returns the plugin's input columns from the scored data, or
// throws saying which are missing.
function pluginInputs(d) {
  const missing = [];
  const cols = d.inputs.map((name) => {
    const info = scored.result.columns.find((c) => c.name === name);
    if (!info || !scored.columns[name]) { missing.push(name); return null; }
    if (info.kind === 'label') throw new Error(`The plugin reads ${name}, which holds labels, not numbers: it cannot run on these scores.`);
    return scored.columns[name];
  });
  if (missing.length) {
    const spend = missing.some((n) => ['expected_spend', 'clv', 'monetary_value'].includes(n)) && !scored.result.spend;
    throw new Error(`The plugin reads ${missing.join(', ')}, which these scores do not have${spend ? ' (score with an amount column to get spend and CLV)' : ''}. Columns here: ${scored.result.columns.filter((c) => c.kind !== 'label').map((c) => c.name).join(', ')}.`);
  }
  return cols;
}
function showPlugin(d) {
  const kinds = {
    formula: `a formula plugin: it adds ${d.outputs.length === 1 ? 'a column' : `${d.outputs.length} columns`} to every customer`,
    segmentation: `a segmentation plugin: it puts every customer in one of ${d.labels.length} segments`,
  };
  $('plugin-summary').textContent = `${d.name} ${d.version ? `version ${d.version}` : ''}: ${kinds[d.kind]}.`;
  $('plugin-summary').dataset.kind = d.kind;
  $('plugin-inputs').textContent = d.inputs.join(', ');
  $('plugin-outputs-label').textContent = d.kind === 'formula' ? 'Adds' : 'Segments';
  $('plugin-outputs').textContent = d.kind === 'formula' ? d.outputs.join(', ') : `${d.labels.join('; ')} (as the column plugin_segment)`;
  const form = $('plugin-params');
  form.replaceChildren();
  for (const p of d.params) {
    const id = `pp-${p.name}`;
    const div = document.createElement('div');
    div.className = 'field';
    const bounds = p.max > p.min ? ` Between ${p.min} and ${p.max}.` : '';
    div.innerHTML = `<label for="${id}"></label><input id="${id}" type="number" step="any" inputmode="decimal" aria-describedby="${id}-hint ${id}-err">
      <p class="hint" id="${id}-hint"></p><p class="error" id="${id}-err"></p>`;
    div.querySelector('label').textContent = p.name;
    div.querySelector('input').value = String(p.default);
    div.querySelector('input').dataset.param = p.name;
    div.querySelector('.hint').textContent = `${p.description ? p.description.charAt(0).toUpperCase() + p.description.slice(1) + '.' : ''} Default ${p.default}.${bounds}`;
    form.appendChild(div);
  }
  if (d.params.length === 0) form.innerHTML = '<p class="note">This plugin has no settings.</p>';
  $('plugin-info').hidden = false;
}
// pluginParams reads the parameter inputs, marking invalid ones.
function pluginParams() {
  const d = plugin.desc;
  const out = {};
  let bad = false;
  for (const p of d.params) {
    const el = $(`pp-${p.name}`);
    const v = el.value.trim() === '' ? NaN : el.valueAsNumber;
    const err = paramError(d, p, v);
    $(`pp-${p.name}-err`).textContent = err ? `Enter a number${p.max > p.min ? ` between ${p.min} and ${p.max}` : ''}.` : '';
    if (err) { el.setAttribute('aria-invalid', 'true'); bad = true; } else el.removeAttribute('aria-invalid');
    out[p.name] = v;
  }
  if (bad) throw new Error('Some plugin settings are not valid numbers: see above.');
  return out;
}
async function loadPluginFile(file) {
  $('plugin-error').textContent = '';
  $('plugin-status').textContent = `Loading ${file.name}…`;
  try {
    const p = new Plugin(file.name, await file.arrayBuffer());
    await p.load(pluginTimeoutMs());
    if (plugin) plugin.kill();
    plugin = p;
    showPlugin(p.desc);
    $('plugin-status').textContent = `Loaded ${p.desc.name}. Check the settings, then run it.`;
  } catch (err) {
    $('plugin-status').textContent = '';
    $('plugin-error').textContent = `Could not load ${file.name}: ${err.message}`;
  }
}
async function runPlugin() {
  if (!plugin || !scored) return;
  $('plugin-error').textContent = '';
  $('plugin-status').textContent = '';
  const d = plugin.desc;
  let params, inputs, timeoutMs;
  try {
    params = pluginParams();
    timeoutMs = pluginTimeoutMs();
    inputs = pluginInputs(d);
    if (d.kind === 'formula') {
      const taken = d.outputs.filter((o) => scored.columns[o] && !pluginCols.some((c) => c.name === o));
      if (taken.length) throw new Error(`The plugin's column ${taken.join(', ')} would replace a column clv already computes: rename it in the plugin.`);
    }
  } catch (err) {
    $('plugin-error').textContent = err.message;
    return;
  }
  $('plugin-run').disabled = true;
  $('plugin-progress-wrap').hidden = false;
  $('plugin-progress').value = 0;
  const t = performance.now();
  try {
    const res = await plugin.run(inputs, params, { timeoutMs, onProgress: (f) => { $('plugin-progress').value = f; } });
    const secs = fmtNum((performance.now() - t) / 1000, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const n = plural(scored.ids.length, 'customer');
    if (d.kind === 'formula') {
      d.outputs.forEach((name, j) => addColumn(name, res[j], `From plugin ${d.name}`));
      $('plugin-status').textContent = `Added ${d.outputs.join(' and ')} to ${n} in ${secs} s: see the table and the downloaded CSV.`;
    } else {
      addColumn('plugin_segment', Float64Array.from(res), `Segment from plugin ${d.name}`, 'label', d.labels.slice());
      showPluginSegments(d, res);
      $('plugin-status').textContent = `Put ${n} into ${d.name}'s segments in ${secs} s: see plugin_segment in the table and the segment chart.`;
    }
    view.order = null;
    renderTable();
  } catch (err) {
    $('plugin-error').textContent = `${err.message}${/timed out/.test(err.message) ? '. The plugin was stopped; raise the time limit or fix the plugin, then run it again.' : ''}`;
  } finally {
    $('plugin-run').disabled = false;
    $('plugin-progress-wrap').hidden = true;
  }
}
function showPluginSegments(d, labels) {
  const counts = d.labels.map(() => 0);
  for (const k of labels) counts[k]++;
  const tb = $('plugin-segments').tBodies[0];
  tb.replaceChildren();
  d.labels.forEach((l, k) => {
    const tr = document.createElement('tr');
    tr.dataset.label = l;
    tr.dataset.count = String(counts[k]);
    tr.innerHTML = '<td></td><td class="num"></td>';
    tr.cells[0].textContent = l;
    tr.cells[1].textContent = fmtNum(counts[k]);
    tb.appendChild(tr);
  });
  $('plugin-segments-caption').textContent = `Customers in each of ${d.name}'s segments (the column plugin_segment)`;
  $('plugin-segments-wrap').hidden = false;
  $('segments-caption').innerHTML = '<strong>Segments.</strong> Customers in each segment of the plugin <span></span>.';
  $('segments-caption').querySelector('span').textContent = d.name;
  charts.segments = barChart(charts.segments, $('chart-segments'), d.labels, [
    { label: 'Customers', data: counts, color: '#0b5cad' },
  ], { horizontal: true, x: 'customers' });
  chartTable('chart-segments', ['Segment', 'Customers'], d.labels.map((l, k) => [l, fmtNum(counts[k])]));
}
function wirePlugins() {
  $('plugin-file').addEventListener('change', (e) => { if (e.target.files[0]) loadPluginFile(e.target.files[0]); e.target.value = ''; });
  const drop = $('plugin-drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); if (e.dataTransfer.files[0]) loadPluginFile(e.dataTransfer.files[0]); });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); $('plugin-file').click(); } });
  $('plugin-params').addEventListener('input', () => { try { pluginParams(); $('plugin-error').textContent = ''; } catch { /* shown inline */ } });
  $('plugin-timeout').addEventListener('input', () => { try { pluginTimeoutMs(); } catch { /* marked invalid; run says why */ } });
  $('plugin-run').onclick = runPlugin;
  // For the browser tests: a plugin column's values for some customers.
  perf.pluginColumn = (name, ids) => {
    if (!scored || !scored.columns[name]) return null;
    const at = new Map(scored.ids.map((id, i) => [id, i]));
    return ids.map((id) => scored.columns[name][at.get(id)]);
  };
}

// ---- wiring ----
async function main() {
  const loaded = await load();
  module = loaded.module;
  perf.wasmLoad = loaded.how; // read by the browser tests
  $('version').textContent = `version ${globalThis.clv.version}`;
  formulas = call('formulas');
  defaults = call('defaults');
  $('custom-names').textContent = ['aov', 'frequency', 'lifespan', 'churn', 'gross_margin', 'retention', 'discount', 'cac', 'arpa', 'horizon', 'target_ratio', 'revenue_per_year', 'margin_per_year'].join(', ');
  buildFields();
  const section = applyHash(location.hash);
  writeForm();
  recalc();
  $('status').textContent = 'Ready. Results update as you type.';
  wireInPageLinks();
  if (section) scrollToSection(section);
  $('inputs').addEventListener('input', () => { readForm(); showMode(); recalc(); });
  $('custom').addEventListener('input', () => { readForm(); recalc(); });
  $('tornado-formula').addEventListener('change', () => { readForm(); recalc(); });
  window.addEventListener('hashchange', () => {
    // A section fragment (#data, typed or from an old bookmark) scrolls
    // there and puts the state back; a state fragment is applied.
    const h = location.hash.replace(/^#/, '');
    if (h && !h.includes('=') && document.getElementById(h)) { history.replaceState(null, '', toHash(state)); scrollToSection(h); return; }
    applyHash(location.hash); writeForm(); recalc();
  });
  $('copy-link').onclick = async () => {
    $('share-url').value = location.href;
    try { await navigator.clipboard.writeText(location.href); $('status').textContent = 'Link copied.'; } catch { $('share-url').select(); $('status').textContent = 'Select the link and copy it.'; }
  };
  $('save-scenario').onclick = () => {
    const list = loadScenarios();
    list.push({ name: $('scenario-name').value || `Scenario ${list.length + 1}`, state: { ...state } });
    saveScenarios(list);
    $('scenario-name').value = `Scenario ${list.length + 1}`;
    renderScenarios();
  };
  renderScenarios();
  // data
  $('file').addEventListener('change', (e) => { if (e.target.files[0]) loadFile(e.target.files[0]); });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); if (e.dataTransfer.files[0]) loadFile(e.dataTransfer.files[0]); });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); $('file').click(); } });
  for (const id of ['map-date', 'map-format']) $(id).addEventListener('change', updateDates);
  $('score').onclick = runScore;
  initCompare({ ask, settings: dataSettings });
  $('cancel').onclick = cancelRun;
  $('map-amount').addEventListener('change', () => { $('map-amount-format').value = 'auto'; });
  $('search').addEventListener('input', () => { if (!scored) return; view.query = $('search').value; view.order = null; view.page = 0; renderTable(); });
  $('prev').onclick = () => { view.page--; renderTable(); };
  $('next').onclick = () => { view.page++; renderTable(); };
  $('download').onclick = download;
  wirePlugins();
  // Load the data worker's script now, so that an upload works when the
  // network has dropped since (the service worker also keeps it).
  setTimeout(spareWorker, 0);
  // Warm the worker up once the calculator has rendered and the main
  // thread is idle (at most 2 s later).
  (globalThis.requestIdleCallback || ((f) => setTimeout(f, 500)))(warmWorker, { timeout: 2000 });
  registerOffline((ok, text) => {
    perf.offline = { ok, text };
    if ($('offline')) $('offline').textContent = ok ? 'Works offline' : `Not available offline: ${text}`;
  });
}

// The top-level guard: whatever fails later is shown, and the page goes on.
window.addEventListener('error', (e) => { $('status').textContent = `Something went wrong: ${e.message}. The rest of the page still works.`; });
window.addEventListener('unhandledrejection', (e) => { $('status').textContent = `Something went wrong: ${e.reason && e.reason.message || e.reason}. The rest of the page still works.`; });
try {
  main().catch((err) => {
    $('status').textContent = `The calculator could not start: ${err.message}`;
    console.error(err);
  });
} catch (err) {
  $('status').textContent = `The calculator could not start: ${err.message}`;
}
