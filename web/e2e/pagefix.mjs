// Browser checks of the page's breakages (issue 10): hostile, stale and
// random link fragments, field validation in percents, headline cards that
// never keep stale numbers, in-page links that keep the state, bad files,
// the Gamma-Gamma fallback, and working offline. Called by run.mjs with
// expected.pagefix from web/pagefix_test.go.

// mulberry32: a small seeded generator, so the random fragments are the
// same on every run.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['currency', 'aov', 'frequency', 'lifeMode', 'lifespan', 'churn', 'grossMargin', 'retention', 'discount', 'cac', 'arpa', 'horizon', 'targetRatio', 'custom', 'tornado'];

// randomFragment draws a fragment of known and unknown keys with values
// that are numbers, huge, negative, fractional, text, empty, unicode or
// broken percent-encoding, keys sometimes repeated.
function randomFragment(r) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const values = [
    () => String(Math.round(r() * 300)), () => String(-r() * 1e3), () => (r() * 2).toFixed(3), () => `${r() * 9}e${Math.floor(r() * 400)}`,
    () => '1e308', () => 'NaN', () => 'Infinity', () => '', () => 'abc', () => '%E0%A4%A', () => '%', () => '💥', () => '0x1F',
    () => '<img src=x onerror=alert(1)>', () => ' 42 ', () => '-0', () => pick(['lifespan', 'churn', 'retention_a', 'old_formula', '$', '€']),
    () => 'aov * frequency ^ (', () => '9'.repeat(400),
  ];
  const n = 1 + Math.floor(r() * 8);
  const parts = [];
  for (let i = 0; i < n; i++) {
    const k = r() < 0.8 ? pick(KEYS) : pick(['zzz', 'AOV', '', 'retention%', '__proto__', 'constructor', '%FF']);
    const v = pick(values)();
    parts.push(r() < 0.7 ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${k}=${v}`);
  }
  return '#' + parts.join(r() < 0.9 ? '&' : '&&');
}

const clvOf = (f) => {
  // One customer life: the mode names the field given, the lifespan follows
  // (1 ÷ churn, or 1 ÷ (1 − retention)).
  const life = f.lifeMode === 'churn' ? (f.churn > 0 ? 100 / f.churn : Infinity)
    : f.lifeMode === 'retention' ? (f.retention < 100 ? 100 / (100 - f.retention) : Infinity) : f.lifespan;
  return f.aov * f.frequency * life * (f.grossMargin / 100);
};

export async function pagefixChecks({ newPage, check, url, expected }) {
  const X = expected.pagefix;
  const base = url.replace(/#.*$/, '');
  const ready = (page) => page.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs), null, { timeout: 20000 });
  // formState: the numbers in the form, the fields flagged, the CLV shown.
  const formState = (page) => page.evaluate(() => {
    const v = (id) => document.getElementById(id).valueAsNumber;
    return {
      aov: v('in-aov'), frequency: v('in-frequency'), lifespan: v('in-lifespan'), churn: v('in-churn'), retention: v('in-retention'), grossMargin: v('in-grossMargin'),
      lifeMode: (document.querySelector('input[name=lifeMode]:checked') || {}).value,
      flagged: [...document.querySelectorAll('#fields [aria-invalid=true]')].map((e) => e.id),
      clv: document.getElementById('out-clv').dataset.value, status: document.getElementById('status').textContent,
      tornadoBars: globalThis.__clvPage.tornadoBars, tornadoNote: (document.getElementById('tornado-err') || { hidden: true }).hidden ? '' : document.getElementById('tornado-err').textContent,
    };
  });
  // computes: the page started, flags no field after a link, its margin
  // CLV is the product of the numbers in its form, and the sensitivity
  // chart has bars or says why not (huge values overflow).
  const computes = (s) => {
    const want = clvOf(s);
    const got = Number(s.clv);
    return /^Ready/.test(s.status) && s.flagged.length === 0 && s.clv !== '' && (got === want || Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want))) &&
      (s.tornadoBars > 0 || s.tornadoNote !== '');
  };

  // 1. Hostile and stale links, each loaded fresh.
  const page = await newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const fixed = [
    ['#retention=150', /Retention rate.*“150 %”.*must be between 0 and 100 %\. Using the default, 80 %/],
    ['#tornado=retention_old&aov=120', /not one this page knows \(a formula renamed since the link was shared\?\)/],
    ['#aov=1e400&frequency=abc&%ZZ=1&aov=7&aov=8&currency=%3Cscript%3E&retention=%E0%A4%A&%FF=%', /given 3 times[\s\S]*does not know[\s\S]*not one this page knows[\s\S]*not a number/],
    [`#aov=1e308&frequency=1e308&horizon=1e18&custom=${'('.repeat(5000)}`, /longer than 2000 characters/],
    ['#frequency=-3&grossMargin=120&churn=0&lifeMode=churn', /^(?=.*Purchase frequency.*must be 0 or more)(?=.*Gross margin.*“120 %”.*must be at most 100 %)(?=.*Churn rate.*“0 %”.*more than 0 % and at most 100 %)/],
  ];
  for (const [i, [frag, notice]] of fixed.entries()) {
    await page.goto(`${base}?load=${i}${frag}`);
    await ready(page);
    const s = await formState(page);
    const text = await page.$eval('#link-notices', (e) => (e.hidden ? '' : e.textContent));
    check(`hostile link ${frag.slice(0, 48)}: the page starts and computes`, computes(s), JSON.stringify(s).slice(0, 300));
    if (notice) check(`hostile link ${frag.slice(0, 48)}: a notice says what fell back`, notice.test(text), text.slice(0, 300));
  }
  // Saved scenarios from another version or edited by hand do not stop it.
  await page.evaluate(() => localStorage.setItem('clvkit.scenarios', '[null, 5, "x", {"name": "old", "state": {"aov": "abc", "retention": 150, "tornado": "gone"}}]'));
  await page.goto(`${base}?store`);
  await ready(page);
  check('a broken scenario store: the page starts, computes and lists what it can', computes(await formState(page)) &&
    (await page.$$eval('#compare tbody tr:first-child th', (ths) => ths.map((t) => t.textContent))).join() === 'Scenario,old');
  await page.evaluate(() => localStorage.removeItem('clvkit.scenarios'));
  check('retention 150 in a link falls back to 80 %', (await page.goto(`${base}?r#retention=150`), await ready(page), await page.$eval('#in-retention', (e) => e.value)) === '80');

  // 2. Random fragments (fixed seed), applied as the fragment changes.
  const r = rng(20261202);
  let bad = [];
  for (let i = 0; i < 40; i++) {
    const frag = randomFragment(r);
    await page.evaluate((f) => { location.hash = f; }, frag);
    await page.waitForTimeout(20);
    const s = await formState(page);
    if (!computes(s)) bad.push(`${frag.slice(0, 80)} → ${JSON.stringify(s).slice(0, 160)}`);
  }
  check('40 random fragments (seed 20261202): the page computes after each', bad.length === 0, bad.slice(0, 3).join(' | '));
  check('no uncaught error from hostile or random links', errors.length === 0, errors.slice(0, 3).join(' | '));

  // 3. Fields: typed values out of range are flagged beside the field, in
  // percent, and blank what needs them; the charts keep working.
  // Retention is typed (so shown) only when it is the life given.
  await page.evaluate(() => { location.hash = '#lifeMode=lifespan'; }); // the defaults
  await page.waitForFunction(() => document.getElementById('in-aov').value === '100');
  await page.check('input[name=lifeMode][value=retention]');
  await page.waitForFunction(() => !document.getElementById('in-retention').closest('.field').hidden);
  await page.fill('#in-retention', '101');
  await page.waitForFunction(() => document.getElementById('in-retention').getAttribute('aria-invalid') === 'true');
  const ret = await page.evaluate(() => {
    const el = document.getElementById('in-retention');
    const err = document.getElementById('in-retention-err');
    return { msg: err.textContent, described: el.getAttribute('aria-describedby').split(' ').includes(err.id), tornado: (document.getElementById('tornado-err') || {}).textContent, status: document.getElementById('status').textContent };
  });
  check('retention 101 % is flagged beside the field in percent', ret.msg === 'Must be between 0 and 100 %.' && ret.described, JSON.stringify(ret));
  check('retention 101 %: the sensitivity chart says why it is empty, the page keeps working', /Needs a valid Retention rate/.test(ret.tornado) && /^Ready/.test(ret.status), JSON.stringify(ret));
  await page.fill('#in-retention', '70');
  await page.waitForFunction(() => !document.getElementById('in-retention').hasAttribute('aria-invalid'));
  const after = await formState(page);
  check('retention back to 70 %: the error goes and the charts draw again', after.tornadoBars > 0 && computes(after) && await page.$eval('#tornado-err', (e) => e.hidden), JSON.stringify(after));

  await page.fill('#in-frequency', '-3');
  await page.waitForFunction(() => document.getElementById('in-frequency').getAttribute('aria-invalid') === 'true');
  const cards = await page.evaluate(() => Object.fromEntries(['out-clv', 'out-ltvcac', 'out-maxcac'].map((id) => [id, [document.getElementById(id).textContent, document.getElementById(id).dataset.value, (document.getElementById(`${id}-err`) || {}).textContent]])));
  check('frequency −3: cards blank, not "$0.00 / 0 : 1", and say which field', Object.values(cards).every(([t, v, e]) => t === '—' && v === '' && /Purchase frequency/.test(e)), JSON.stringify(cards));
  check('frequency −3: the field says why', (await page.$eval('#in-frequency-err', (e) => e.textContent)) === 'Must be 0 or more.');
  await page.fill('#in-frequency', '4');
  await page.fill('#in-aov', '');
  await page.waitForFunction(() => document.getElementById('out-clv').textContent === '—');
  check('an emptied AOV blanks the margin CLV and asks for a number', (await page.$eval('#in-aov-err', (e) => e.textContent)) === 'Enter a number.' &&
    (await page.$eval('#out-clv-err', (e) => e.textContent)).includes('Average order value'));
  await page.fill('#in-aov', '120');
  await page.fill('#in-grossMargin', '150');
  await page.waitForFunction(() => document.getElementById('in-grossMargin').getAttribute('aria-invalid') === 'true');
  const words = await page.evaluate(() => [...document.querySelectorAll('#fields .hint, #fields .field-error, #formulas td, .note')].map((e) => e.textContent).join(' \n '));
  check('gross margin 150 %: "Must be at most 100 %."', (await page.$eval('#in-grossMargin-err', (e) => e.textContent)) === 'Must be at most 100 %.');
  check('percent convention: no hint or error speaks of fractions or [0, 1]', !/as a fraction|\[0, 1\]|0\.3 = 30|must be in \[/.test(words), (words.match(/.{0,60}(as a fraction|\[0, 1\]).{0,40}/) || [''])[0]);
  await page.fill('#in-grossMargin', '40');

  // 4. In-page links keep the state in the fragment.
  await page.fill('#in-aov', '123');
  await page.waitForFunction(() => location.hash.includes('aov=123'));
  const before = await page.evaluate(() => [location.hash, document.getElementById('out-clv').dataset.value]);
  const nav = [];
  for (const href of ['#calc', '#scenarios', '#data']) {
    await page.click(`nav a[href="${href}"]`);
    nav.push(await page.evaluate(() => [location.hash, document.getElementById('in-aov').value, document.getElementById('out-clv').dataset.value, document.activeElement.id]));
  }
  await page.focus('a.skip');
  await page.keyboard.press('Enter');
  nav.push(await page.evaluate(() => [location.hash, document.getElementById('in-aov').value, document.getElementById('out-clv').dataset.value, document.activeElement.id]));
  check('Calculator · Scenarios · Your data and "Skip to content" keep every input', nav.every(([h, aov, clv]) => h === before[0] && aov === '123' && clv === before[1]), JSON.stringify(nav.map((n) => n.slice(1))));
  check('in-page links move the focus to their section', nav.map((n) => n[3]).join() === 'calc,scenarios,data,main', nav.map((n) => n[3]).join());
  await page.goto(`${base}?section#data`);
  await ready(page);
  check('a link to #data opens the page there with the defaults and no notice', await page.evaluate(() => document.activeElement.id === 'data' && document.getElementById('link-notices').hidden && document.getElementById('in-aov').value === '100'));

  // 5. Bad files: a plain message about the file.
  const upload = async (name) => {
    await page.evaluate(() => { for (const id of ['mapping', 'results']) document.getElementById(id).hidden = true; document.getElementById('data-error').textContent = ''; });
    await page.setInputFiles('#file', X.files[name]);
    await page.waitForFunction(() => document.getElementById('data-error').textContent || !document.getElementById('mapping').hidden, null, { timeout: 20000 });
    return page.$eval('#data-error', (e) => e.textContent);
  };
  let msg = await upload('empty.csv');
  check('an empty file: "The file is empty."', msg === 'Could not use empty.csv: The file is empty.' && await page.$eval('#mapping', (e) => e.hidden), msg);
  msg = await upload('image.png');
  check('a PNG: not a text file', msg.startsWith('Could not use image.png: This is not a text file of orders: it looks like a PNG image.') && await page.$eval('#mapping', (e) => e.hidden), msg);
  msg = await upload('header.csv');
  check('a header without rows: says so', msg === 'Could not use header.csv: The file has a header line but no rows of orders.', msg);
  msg = await upload('baddate.csv');
  await page.waitForFunction(() => document.getElementById('obs-end').value !== '');
  const notice = await page.$eval('#file-notice', (e) => e.textContent);
  check('a bad date in row 5: the date column is found and the line of the bad value given', msg === '' && notice.includes(`the first on line ${X.badDate.line} (“${X.badDate.value}”)`) &&
    (await page.$eval('#map-date', (e) => e.value)) === 'date' && (await page.$eval('#obs-end', (e) => e.value)) === X.badDate.observationEnd, notice);
  await page.click('#score');
  await page.waitForFunction(() => document.getElementById('data-error').textContent, null, { timeout: 20000 });
  msg = await page.$eval('#data-error', (e) => e.textContent);
  check('scoring it without skipping names line 5 and offers skip_bad_rows', msg.startsWith('line 5 (customer "4"): field "date"') && msg.includes('Tick “Skip rows that cannot be read”'), msg);
  await page.check('#skip-bad');
  await page.click('#score');
  await page.waitForSelector('#results:not([hidden])', { timeout: 30000 });
  const rep = await page.$eval('#res-report', (e) => e.textContent);
  check('skipping bad rows says how many and on which line', rep.includes('1 bad row skipped (1 bad date; line 5)') && Number(await page.$eval('#res-customers', (e) => e.dataset.value)) === X.badDate.customers, rep);

  // 6. The Gamma-Gamma fallback: purchase model results and what happened.
  await upload('samespend.csv');
  await page.waitForFunction(() => document.getElementById('obs-end').value === '1998-06-30');
  await page.fill('#obs-end', X.fallback.observationEnd);
  await page.click('#score');
  await page.waitForFunction(() => !document.getElementById('results').hidden || document.getElementById('data-error').textContent, null, { timeout: 60000 });
  const fb = await page.evaluate(() => ({
    params: Object.fromEntries([...document.querySelectorAll('#params tr[data-model="bgnbd"]')].map((t) => [t.dataset.param, Number(t.dataset.value)])),
    row: (document.querySelector('#params tr[data-model="gammagamma"]') || {}).textContent, fallback: (document.querySelector('#params tr[data-model="gammagamma"]') || { dataset: {} }).dataset.fallback,
    warn: document.getElementById('fit-warnings').hidden ? '' : document.getElementById('fit-warnings').textContent, error: document.getElementById('data-error').textContent,
    customers: Number(document.getElementById('res-customers').dataset.value),
  }));
  const rel = (a, b) => Math.abs(a - b) / Math.max(1, Math.abs(b));
  check('spend fit fails: the purchase model results are shown', fb.error === '' && fb.customers === X.fallback.customers &&
    Object.entries(X.fallback.params).every(([k, v]) => rel(fb.params[k], v) < 1e-10), JSON.stringify(fb.params));
  check('spend fit fails: the page says what happened', fb.fallback === X.fallback.fallback && /^Gamma-GammaNot used: the spend fit did not converge/.test(fb.row) && fb.warn.includes('the Gamma-Gamma spend model is not used'), `${fb.row} | ${fb.warn.slice(0, 120)}`);
  await page.context().close();

  // 7. Offline: once loaded, the page (and an upload) work without the
  // network; a failure is shown, never silent.
  const off = await newPage();
  await off.goto(`${base}?offline`);
  await ready(off);
  await off.waitForFunction(() => globalThis.__clvPage.offline, null, { timeout: 30000 });
  const reg = await off.evaluate(() => globalThis.__clvPage.offline);
  check('the service worker keeps the page for offline use', reg.ok === true && (await off.$eval('#offline', (e) => e.textContent)) === 'Works offline', JSON.stringify(reg));
  await off.evaluate(() => navigator.serviceWorker.ready);
  await off.context().setOffline(true);
  await off.setInputFiles('#file', X.cdnowPath);
  await off.waitForSelector('#mapping:not([hidden])', { timeout: 30000 });
  await off.waitForFunction(() => document.getElementById('obs-end').value !== '');
  await off.fill('#obs-end', '1997-09-30');
  await off.click('#score');
  await off.waitForSelector('#results:not([hidden])', { timeout: 60000 });
  check('an upload after the network drops is scored', Number(await off.$eval('#res-customers', (e) => e.dataset.value)) === 2357);
  await off.reload();
  await ready(off);
  check('reloaded offline, the page starts and computes', computes(await formState(off)));
  await off.context().close();
  // Without the service worker and with worker.js unreachable, an upload
  // says why it cannot run.
  const broken = await newPage(undefined, { serviceWorkers: 'block', quiet: true }); // the failed load is logged
  await broken.route('**/worker.js*', (route) => route.abort('internetdisconnected'));
  await broken.goto(`${base}?noworker`);
  await ready(broken);
  await broken.setInputFiles('#file', X.files['baddate.csv']);
  await broken.waitForFunction(() => document.getElementById('data-error').textContent, null, { timeout: 20000 });
  msg = await broken.$eval('#data-error', (e) => e.textContent);
  check('a data worker that cannot load is reported, not silent', /could not start.*are you offline\?/.test(msg), msg);
  await broken.context().close();
}
