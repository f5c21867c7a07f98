// The page's charts, drawn with Chart.js (bundled at build time; only the
// pieces used are registered). Each function updates the chart it is given
// in place, or creates it.
import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement,
  PointElement, ScatterController, Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, sans-serif';

// tick writes a value axis label as the page writes numbers: the reader's
// locale, and U+2212 as the minus sign.
const tickFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const ticks = { callback: (v) => tickFormat.format(v).replace(/-/g, '\u2212') };

function replace(old, canvas, config) {
  if (old) {
    old.data = config.data;
    old.options = config.options;
    old.update('none');
    return old;
  }
  return new Chart(canvas, config);
}

// lineChart draws series over x; opts.point marks one point (break-even).
export function lineChart(old, canvas, x, series, opts = {}) {
  const datasets = series.map((s) => ({
    type: 'line', label: s.label, data: s.data.map((y, i) => ({ x: x[i], y })), borderColor: s.color,
    backgroundColor: s.color + '22', fill: s.fill ? 'origin' : false, borderDash: s.dash ? [6, 4] : [], pointRadius: 0, borderWidth: 2,
  }));
  if (opts.point) {
    datasets.push({ type: 'scatter', label: opts.point.label, data: [{ x: opts.point.x, y: opts.point.y }], pointRadius: 7, pointStyle: 'rectRot', backgroundColor: '#9a6700', borderColor: '#9a6700' });
  }
  return replace(old, canvas, {
    type: 'line', data: { datasets },
    options: {
      parsing: false, interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: opts.x }, min: 0, max: x[x.length - 1], ticks },
        y: { title: { display: true, text: opts.y }, min: opts.yMin, max: opts.yMax, ticks },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

// barChart draws grouped bars over category labels.
export function barChart(old, canvas, labels, series, opts = {}) {
  return replace(old, canvas, {
    type: 'bar',
    data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color })) },
    options: {
      indexAxis: opts.horizontal ? 'y' : 'x',
      scales: opts.horizontal ? { x: { title: { display: true, text: opts.x }, ticks } } : { x: { title: { display: true, text: opts.x } }, y: { title: { display: true, text: opts.y }, ticks } },
      plugins: { legend: { display: series.length > 1, position: 'bottom' } },
    },
  });
}

const v = (x) => (x === null || x === undefined ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : x);

// tornadoChart draws each input's range of values (±20 % light, ±10 %
// dark) as floating horizontal bars around the base value.
export function tornadoChart(old, canvas, t) {
  const base = v(t.base);
  const labels = t.bars.map((b) => b.label);
  const range = (b, lo, hi) => {
    const a = v(b.moves[lo]); const c = v(b.moves[hi]);
    return [Number.isFinite(a) ? a : base, Number.isFinite(c) ? c : base];
  };
  return replace(old, canvas, {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: '±20 %', data: t.bars.map((b) => range(b, 0, 3)), backgroundColor: '#9ec5ee', grouped: false, order: 2 },
        { label: '±10 %', data: t.bars.map((b) => range(b, 1, 2)), backgroundColor: '#0b5cad', grouped: false, order: 1 },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { title: { display: true, text: `${t.name} (base ${Number.isFinite(base) ? ticks.callback(base) : '—'})` }, ticks } },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${c.raw[0].toFixed(2)} to ${c.raw[1].toFixed(2)}` } },
      },
    },
  });
}
