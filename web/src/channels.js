// The channel view of "Your data": after a scoring, the scored customers
// grouped by a column of the file (an acquisition channel, a country), each
// customer by the value on their first purchase. The Go core computes the
// groups in the data worker (clv.attributes lists the columns that can be
// used; clv.groups is core/group, the same numbers as `clv groups`); this
// module draws them: a table of the groups with, per group, inputs for
// what the channel spent on acquisition and the new customers it brought,
// its CAC, LTV:CAC, largest CAC at the target ratio and payback, a total
// row, and an SVG chart of LTV:CAC per channel against the target. The
// typed costs are checked by the core (core/group.NewCostRow): a bad one is
// shown beside its field.
import { num } from './wasm.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';

const HTML = `
  <h3 id="channels-h">Channels: what a customer from each group is worth, and what you may pay for one</h3>
  <p class="note">Customers grouped by a column of your file, each by the value on their <strong>first purchase</strong>
  (a later, different value is ignored and counted). Type what each channel spent on acquisition and the new customers
  it brought in the same period: CAC = spend ÷ new customers, LTV:CAC = mean CLV ÷ CAC. The same figures as <code>clv groups</code>.</p>
  <p class="note" id="channel-status" role="status" aria-live="polite"></p>
  <div id="channel-body">
  <div class="row">
    <label for="channel-column">Group customers by</label>
    <select id="channel-column"></select>
    <label for="channel-target">Target LTV:CAC</label>
    <span class="unit-in"><input id="channel-target" type="number" min="0" step="any" value="3" inputmode="decimal"
      aria-describedby="channel-target-error"><span class="unit">: 1</span></span>
    <label for="channel-min">Too small under</label>
    <span class="unit-in"><input id="channel-min" type="number" min="0" step="1" value="30" inputmode="numeric"
      aria-describedby="channel-min-error"><span class="unit">customers</span></span>
  </div>
  <p class="error" id="channel-target-error"></p>
  <p class="error" id="channel-min-error"></p>
  <p class="error" id="channel-error" role="alert"></p>
  <p class="hint" id="channel-table-hint">CLV and the expected purchases and spend cover the CLV horizon. The groups add up to the
  total row exactly. Payback: months until the margin on a customer's expected spend, spread evenly over the horizon, covers the
  CAC (an upper bound: the models expect purchases sooner rather than later).</p>
  <div class="table-wrap"><table id="channel-table" class="params">
    <caption>Groups, largest total CLV first, and the total.</caption>
    <thead><tr><th scope="col">Group</th><th scope="col" class="num">Customers</th><th scope="col" class="num">Share</th>
    <th scope="col" class="num">Total CLV</th><th scope="col" class="num">Share of CLV</th><th scope="col" class="num">Mean CLV (± std. error)</th>
    <th scope="col" class="num">Mean P(alive)</th><th scope="col" class="num">Expected purchases</th><th scope="col" class="num">Expected spend</th>
    <th scope="col" class="num">Revenue to date</th><th scope="col">Acquisition spend</th><th scope="col">New customers</th>
    <th scope="col" class="num">CAC</th><th scope="col" class="num">LTV:CAC</th><th scope="col" class="num">Largest CAC at target</th>
    <th scope="col" class="num">Payback</th></tr></thead><tbody></tbody><tfoot></tfoot></table></div>
  <figure>
    <figcaption id="channel-chart-cap"><strong>LTV:CAC per channel</strong> against the target (dashed line). Channels without a
    cost are left out; the numbers are in the table above.</figcaption>
    <svg id="channel-chart" class="ratio-chart" role="img" aria-labelledby="channel-chart-cap"></svg>
  </figure>
  </div>`;

// Cells filled from the core's answer: [key, class, text(row), value(row)].
function cells(money, pct, plain) {
  const sum = (k) => (g) => Number(g[k]);
  const cost = (f) => (g) => (g.cost ? f(g.cost) : NaN);
  return [
    ['customers', 'num', (g) => plain(g.customers, 0), (g) => g.customers],
    ['customerShare', 'num', (g) => pct(num(g.customerShare)), (g) => num(g.customerShare)],
    ['clv', 'num', (g) => money(Number(g.clv)), sum('clv')],
    ['clvShare', 'num', (g) => pct(num(g.clvShare)), (g) => num(g.clvShare)],
    ['meanClv', 'num', (g) => money(num(g.meanClv)) + (Number.isFinite(num(g.meanClvStdErr)) ? ` ± ${money(num(g.meanClvStdErr))}` : ''), (g) => num(g.meanClv)],
    ['meanPAlive', 'num', (g) => pct(num(g.meanPAlive)), (g) => num(g.meanPAlive)],
    ['expectedPurchases', 'num', (g) => plain(Number(g.expectedPurchases), 1), sum('expectedPurchases')],
    ['expectedSpend', 'num', (g) => money(Number(g.expectedSpend), 0), sum('expectedSpend')],
    ['revenue', 'num', (g) => money(Number(g.revenue), 0), sum('revenue')],
    ['spend', 'in', null, null],
    ['newCustomers', 'in', null, null],
    ['cac', 'num', (g) => (g.cost ? money(num(g.cost.cac)) : '—'), cost((c) => num(c.cac))],
    ['ltvToCac', 'num', (g) => (g.cost ? `${plain(num(g.cost.ltvToCac), 2)} : 1` : '—'), cost((c) => num(c.ltvToCac))],
    ['maxCac', 'num', (g) => (g.cost ? money(num(g.cost.maxCac)) : '—'), cost((c) => num(c.maxCac))],
    ['paybackMonths', 'num', null, cost((c) => num(c.paybackMonths))],
  ];
}

// channelView builds the view into <section id="channels"> and returns
// {show}: show() asks the worker for the columns of the last scoring that
// can group customers and draws the groups of the chosen one. ask is
// main.js's request function; money formats an amount with the page's
// currency, fmtNum a number in the reader's locale.
export function channelView(ask, money, fmtNum) {
  const root = $('channels');
  root.innerHTML = HTML;
  const pct = (x) => (Number.isFinite(x) ? `${fmtNum(100 * x, { maximumFractionDigits: 1 })} %` : '—');
  const plain = (x, d) => fmtNum(x, { maximumFractionDigits: d });
  const cols = cells(money, pct, plain);
  // typed[column][group] = {spend, newCustomers}: what the user typed, kept
  // while the file stays (switching columns and back keeps it).
  const typed = {};
  let built = ''; // the column whose rows the table holds
  let view = null;
  let busy = false;
  let again = false;

  async function show() {
    root.hidden = false;
    $('channel-error').textContent = '';
    let list;
    try {
      list = (await ask({ type: 'attributes' })).columns;
    } catch (err) {
      $('channel-error').textContent = `Could not read the file's columns: ${err.message}`;
      return;
    }
    const sel = $('channel-column');
    const keep = sel.value;
    sel.replaceChildren(...list.map((a) => {
      const o = document.createElement('option');
      o.value = a.column;
      o.textContent = `${a.column} (${a.levels} value${a.levels === 1 ? '' : 's'})`;
      return o;
    }));
    for (const k of Object.keys(typed)) if (!list.some((a) => a.column === k)) delete typed[k];
    built = '';
    // Without a column to group by, only the reason is shown.
    $('channel-body').hidden = list.length === 0;
    if (list.length === 0) {
      $('channel-status').textContent = 'No column of this file looks like a customer attribute such as a channel or a country (text with at most 50 different values, other than the customer, date and amount columns).';
      return;
    }
    if (list.some((a) => a.column === keep)) sel.value = keep;
    else {
      // A column named like a channel first, else the first one.
      const guess = list.find((a) => /channel|source|medium|campaign/i.test(a.column));
      sel.value = (guess || list[0]).column;
    }
    compute();
  }

  // settings reads the controls; null (and a message beside the field)
  // when the target or the minimum is not usable.
  function settings() {
    const t = $('channel-target');
    const target = Number(t.value);
    const tOK = t.value.trim() !== '' && Number.isFinite(target) && target > 0;
    t.setAttribute('aria-invalid', tOK ? 'false' : 'true');
    $('channel-target-error').textContent = tOK ? '' : 'The target LTV:CAC is a number above 0 (3 for 3 : 1).';
    const m = $('channel-min');
    const min = Number(m.value);
    const mOK = m.value.trim() !== '' && Number.isInteger(min) && min >= 0;
    m.setAttribute('aria-invalid', mOK ? 'false' : 'true');
    $('channel-min-error').textContent = mOK ? '' : 'The smallest group to trust is a whole number of customers, 0 or more.';
    if (!tOK || !mOK) return null;
    const column = $('channel-column').value;
    const costs = Object.entries(typed[column] || {}).map(([group, c]) => ({ group, spend: c.spend, newCustomers: c.newCustomers }));
    return { column, targetRatio: target, minCustomers: min, costs };
  }

  // compute asks for the groups and draws them; a change made while a
  // request is under way is drawn once it returns.
  async function compute() {
    const st = settings();
    if (!st || !st.column) return;
    if (busy) { again = true; return; }
    busy = true;
    try {
      const m = await ask({ type: 'groups', settings: st });
      if (m.view.column === $('channel-column').value) draw(m.view);
      $('channel-error').textContent = '';
    } catch (err) {
      $('channel-error').textContent = `Could not group the customers: ${err.message}`;
    } finally {
      busy = false;
      if (again) { again = false; compute(); }
    }
  }

  function draw(v) {
    view = v;
    root.dataset.column = v.column;
    const n = v.total.customers;
    $('channel-status').textContent = `${fmtNum(v.groups.length)} group${v.groups.length === 1 ? '' : 's'} of ${fmtNum(n)} customer${n === 1 ? '' : 's'} by ${v.column}` +
      (v.changed ? `; ${fmtNum(v.changed)} customer${v.changed === 1 ? '' : 's'} later bought with another ${v.column} (their first purchase's ${v.column} counts)` : '') +
      (v.blank ? `; ${fmtNum(v.blank)} without a value on their first purchase (“unknown”)` : '') + '. ' +
      `CLV over ${v.horizonMonths} months at a ${fmtNum(100 * num(v.margin), { maximumFractionDigits: 1 })} % margin.`;
    if (built !== v.column) build(v);
    v.groups.forEach((g, i) => fill($('channel-table').tBodies[0].rows[i], g, v));
    fill($('channel-table').tFoot.rows[0], v.total, v);
    errors(v);
    chart(v);
  }

  // build makes one row per group, with the cost inputs; the rows stay
  // while only the costs change, so typing keeps its focus.
  function build(v) {
    built = v.column;
    const mine = (typed[v.column] ||= {});
    const tb = $('channel-table').tBodies[0];
    tb.replaceChildren();
    v.groups.forEach((g, i) => {
      const tr = document.createElement('tr');
      tr.dataset.group = g.name;
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = g.name;
      tr.appendChild(th);
      for (const [key, cls] of cols) {
        const td = document.createElement('td');
        td.dataset.key = key;
        if (cls === 'num') td.className = 'num';
        if (cls === 'in') {
          const id = `channel-${key}-${i}`;
          const input = document.createElement('input');
          input.type = 'text';
          input.id = id;
          input.inputMode = key === 'spend' ? 'decimal' : 'numeric';
          input.autocomplete = 'off';
          input.size = 8;
          input.value = mine[g.name]?.[key] ?? '';
          input.dataset.group = g.name;
          input.setAttribute('aria-label', `${key === 'spend' ? 'Acquisition spend' : 'New customers'} of ${g.name}`);
          input.setAttribute('aria-describedby', `${id}-error`);
          input.addEventListener('input', () => {
            const c = (mine[g.name] ||= { spend: '', newCustomers: '' });
            c[key] = input.value;
            compute();
          });
          const err = document.createElement('span');
          err.className = 'error field-msg';
          err.id = `${id}-error`;
          td.append(input, err);
        }
        tr.appendChild(td);
      }
      tb.appendChild(tr);
    });
    const foot = $('channel-table').tFoot;
    foot.replaceChildren();
    const tr = document.createElement('tr');
    tr.dataset.group = 'total';
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = 'Total';
    tr.appendChild(th);
    for (const [key, cls] of cols) {
      const td = document.createElement('td');
      td.dataset.key = key;
      if (cls === 'num') td.className = 'num';
      tr.appendChild(td);
    }
    foot.appendChild(tr);
  }

  // fill writes a row's computed cells (the inputs stay as typed).
  function fill(tr, g, v) {
    tr.classList.toggle('small', g.tooSmall);
    tr.dataset.tooSmall = String(g.tooSmall);
    const th = tr.cells[0];
    th.textContent = tr.dataset.group === 'total' ? 'Total' : g.name;
    if (g.tooSmall) {
      const s = document.createElement('small');
      s.className = 'flag';
      s.textContent = ` too small to trust (${fmtNum(g.customers)} < ${fmtNum(v.minCustomers)} customers)`;
      th.appendChild(s);
    }
    cols.forEach(([key, cls, text, value], k) => {
      if (cls === 'in') {
        if (tr.dataset.group === 'total') {
          const c = g.cost;
          const td = tr.cells[k + 1];
          td.textContent = c && key === 'spend' ? money(num(c.spend), 0) : c && key === 'newCustomers' ? fmtNum(c.newCustomers) : '';
        }
        return;
      }
      const td = tr.cells[k + 1];
      if (key === 'paybackMonths') {
        const p = g.cost ? num(g.cost.paybackMonths) : NaN;
        td.textContent = !g.cost ? '—' : Number.isFinite(p) ? `${fmtNum(p, { maximumFractionDigits: 1 })} months` : `over ${v.horizonMonths} months`;
      } else td.textContent = text(g);
      const x = value(g);
      if (Number.isNaN(x)) delete td.dataset.value; else td.dataset.value = String(x);
      // The sums as the core wrote them, exact at the output precision.
      if (typeof g[key] === 'string') td.dataset.exact = g[key];
    });
    const ratio = g.cost ? num(g.cost.ltvToCac) : NaN;
    const rc = tr.cells[cols.findIndex(([k]) => k === 'ltvToCac') + 1];
    rc.className = `num${Number.isFinite(ratio) || ratio === Infinity ? (ratio >= num(v.targetRatio) ? ' level-good' : ' level-bad') : ''}`;
  }

  // errors shows the core's message beside each typed cost it refused.
  function errors(v) {
    const rows = [...$('channel-table').tBodies[0].rows];
    for (const tr of rows) {
      for (const key of ['spend', 'newCustomers']) {
        const input = tr.querySelector(`td[data-key="${key}"] input`);
        const e = v.costErrors.find((c) => c.group === tr.dataset.group && c.field === key);
        input.setAttribute('aria-invalid', e ? 'true' : 'false');
        $(`${input.id}-error`).textContent = e ? fieldMessage(key, e.message) : '';
      }
    }
  }

  function fieldMessage(key, msg) {
    return key === 'spend' ? `Spend: ${msg}.` : `New customers: ${msg}.`;
  }

  // chart draws LTV:CAC per channel with a cost as horizontal bars, with
  // the target as a dashed line.
  function chart(v) {
    const svg = $('channel-chart');
    svg.replaceChildren();
    const rows = v.groups.filter((g) => g.cost && Number.isFinite(num(g.cost.ltvToCac)));
    const target = num(v.targetRatio);
    const W = 640; const left = 150; const right = 90; const bar = 22; const gap = 10; const top = 24;
    const H = top + Math.max(1, rows.length) * (bar + gap) + 24;
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.setAttribute('width', '100%');
    svg.style.maxWidth = `${W}px`;
    const max = Math.max(target * 1.25, ...rows.map((g) => num(g.cost.ltvToCac))) || 1;
    const x = (r) => left + (W - left - right) * (r / max);
    const el = (name, attrs, text) => {
      const e = document.createElementNS(SVG, name);
      for (const [k, val] of Object.entries(attrs)) e.setAttribute(k, String(val));
      if (text !== undefined) e.textContent = text;
      svg.appendChild(e);
      return e;
    };
    if (rows.length === 0) {
      el('text', { x: 8, y: top + 16, class: 'ratio-empty' }, 'Type a channel’s spend and new customers to see its LTV:CAC.');
    }
    rows.forEach((g, i) => {
      const r = num(g.cost.ltvToCac);
      const y = top + i * (bar + gap);
      el('text', { x: left - 8, y: y + bar * 0.7, 'text-anchor': 'end', class: 'ratio-label' }, g.name);
      const b = el('rect', { x: left, y, width: Math.max(1, x(r) - left), height: bar, class: `ratio-bar ${r >= target ? 'ok' : 'low'}`, 'data-group': g.name, 'data-value': r });
      const t = document.createElementNS(SVG, 'title');
      t.textContent = `${g.name}: LTV:CAC ${plain(r, 2)} : 1 (mean CLV ${money(num(g.meanClv))}, CAC ${money(num(g.cost.cac))})`;
      b.appendChild(t);
      el('text', { x: x(r) + 6, y: y + bar * 0.7, class: 'ratio-value' }, `${plain(r, 2)} : 1`);
    });
    const tx = x(target);
    el('line', { x1: tx, x2: tx, y1: top - 8, y2: H - 18, class: 'ratio-target' });
    el('text', { x: tx, y: top - 10, 'text-anchor': 'middle', class: 'ratio-label' }, `target ${plain(target, 2)} : 1`);
  }

  $('channel-column').addEventListener('change', compute);
  $('channel-target').addEventListener('input', compute);
  $('channel-min').addEventListener('input', compute);
  return { show, current: () => view };
}
