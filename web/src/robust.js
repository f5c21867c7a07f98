// What keeps the page working whatever it is given: links whose fragment is
// hostile, stale or random, fields typed empty or out of range, in-page
// links that must not touch the fragment holding the state, and working
// offline once loaded. main.js calls these; the checks of the values
// themselves are the Go core's (wasm/bind CalcInput.Check).

// MAX_TEXT bounds a text value taken from a link (the custom formula).
const MAX_TEXT = 2000;
// MAX_NOTICES bounds the notices a link can cause.
const MAX_NOTICES = 8;

// short quotes a value from a link for a notice, cut to 40 characters.
export function short(v) {
  const s = String(v);
  return `“${s.length > 40 ? s.slice(0, 39) + '…' : s}”`;
}

// parseHash reads the calculator state from a URL fragment. It never
// throws: every key must be one of base's, text keys must be in choices
// (when given) and numbers finite; anything else keeps base's value and
// adds a notice saying what was ignored. A fragment without '=' naming an
// element ("#data") is a section, not a state: it is returned as section.
//   base:    the default state
//   choices: {key: [allowed values]} for keys that take one of a list
//   texts:   keys that take any text (cut to MAX_TEXT)
//   labels:  {key: label} for notices
//   names:   {key: value => name} to name a choice in a notice
export function parseHash(hash, { base, choices = {}, texts = [], labels = {}, names = {} }) {
  const state = { ...base };
  const notices = [];
  const note = (s) => { if (notices.length < MAX_NOTICES) notices.push(s); else if (notices.length === MAX_NOTICES) notices.push('…and more.'); };
  let raw = String(hash || '').replace(/^#/, '');
  if (raw === '') return { state, notices, section: '' };
  if (!raw.includes('=') && /^[A-Za-z][\w-]*$/.test(raw) && document.getElementById(raw)) return { state, notices, section: raw };
  let pairs;
  try {
    pairs = [...new URLSearchParams(raw)];
  } catch {
    return { state, notices: ['The link could not be read: showing the default numbers.'], section: '' };
  }
  const seen = new Map();
  for (const [k, v] of pairs) seen.set(k, (seen.get(k) || 0) + 1);
  for (const [k, n] of seen) if (n > 1 && k in base) note(`${labels[k] || k} is given ${n} times in the link: the last one is used.`);
  const unknown = [...seen.keys()].filter((k) => k !== '' && !(k in base));
  if (unknown.length) note(`The link has settings this page does not know (${unknown.slice(0, 4).map(short).join(', ')}${unknown.length > 4 ? ', …' : ''}): they are ignored.`);
  const last = new Map(pairs);
  for (const [k, v] of last) {
    if (!(k in base)) continue;
    const label = labels[k] || k;
    if (choices[k]) {
      if (choices[k].includes(v)) state[k] = v;
      else note(`${label} ${short(v)} in the link is not one this page knows${k === 'tornado' ? ' (a formula renamed since the link was shared?)' : ''}: using ${short(names[k] ? names[k](base[k]) : base[k] || '(none)')}.`);
    } else if (texts.includes(k)) {
      if (v.length <= MAX_TEXT) state[k] = v;
      else note(`${label} in the link is longer than ${MAX_TEXT} characters: using the default.`);
    } else if (k === 'arpa' && v === '') {
      state.arpa = '';
    } else if (v.trim() !== '' && Number.isFinite(Number(v))) {
      state[k] = Number(v);
    } else {
      note(`${label} ${short(v)} in the link is not a number: using the default, ${base[k]}.`);
    }
  }
  return { state, notices, section: '' };
}

// showNotices shows the notices about a link in box (hidden when none),
// with a button to dismiss them.
export function showNotices(box, notices) {
  box.replaceChildren();
  box.hidden = notices.length === 0;
  if (box.hidden) return;
  const p = document.createElement('p');
  p.textContent = 'Some numbers in the link could not be used:';
  const ul = document.createElement('ul');
  for (const n of notices) { const li = document.createElement('li'); li.textContent = n; ul.appendChild(li); }
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary';
  b.textContent = 'Dismiss';
  b.onclick = () => { box.hidden = true; };
  box.append(p, ul, b);
}

// setFieldError shows msg beside the input el (after its .unit-in wrapper,
// inside its .field), marks it aria-invalid and adds the message to its
// aria-describedby; an empty msg clears all that.
export function setFieldError(el, msg) {
  if (!el) return;
  const id = `${el.id}-err`;
  let p = document.getElementById(id);
  if (!p && msg) {
    p = document.createElement('p');
    p.id = id;
    p.className = 'error field-error';
    const wrap = el.closest('.unit-in') || el;
    wrap.after(p);
  }
  const described = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
  if (msg) {
    p.textContent = msg;
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', [...described, id].join(' '));
  } else {
    if (p) p.textContent = '';
    el.removeAttribute('aria-invalid');
    if (described.length) el.setAttribute('aria-describedby', described.join(' ')); else el.removeAttribute('aria-describedby');
  }
}

// setNote sets the text of a note element after anchor (created on first
// use, with class cls), or clears it.
export function setNote(anchor, id, text, cls = 'error') {
  let p = document.getElementById(id);
  if (!p) {
    if (!text) return;
    p = document.createElement('p');
    p.id = id;
    p.className = cls;
    anchor.after(p);
  }
  p.textContent = text || '';
  p.hidden = !text;
}

// scrollToSection scrolls to the element with the id and moves the focus
// there (made focusable for the purpose), without touching the URL.
export function scrollToSection(id) {
  const t = document.getElementById(id);
  if (!t) return false;
  if (!t.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) t.setAttribute('tabindex', '-1');
  t.scrollIntoView({ block: 'start' });
  t.focus({ preventScroll: true });
  return true;
}

// wireInPageLinks makes the page's own links (#calc, #data, "Skip to
// content"…) scroll and move the focus by script: the URL fragment holds
// the calculator's state, and following such a link would replace it.
export function wireInPageLinks() {
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[href^="#"]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const id = a.getAttribute('href').slice(1);
    if (id && !id.includes('=') && scrollToSection(id)) e.preventDefault();
  });
}

// registerOffline registers the service worker (sw.js, written by
// build.mjs) that keeps the page and everything it loads in a versioned
// cache, so it works offline once loaded. report(ok, text) is told the
// outcome; nothing is silent.
export async function registerOffline(report) {
  if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) {
    report(false, location.protocol === 'file:' ? 'opened as a file: serve the folder over HTTP to use it offline' : 'this browser has no service workers');
    return;
  }
  try {
    const reg = await navigator.serviceWorker.register('sw.js');
    const sw = reg.installing || reg.waiting || reg.active;
    if (sw && sw.state !== 'activated') {
      await new Promise((resolve, reject) => {
        sw.addEventListener('statechange', () => {
          if (sw.state === 'activated') resolve();
          if (sw.state === 'redundant') reject(new Error('the offline copy could not be stored'));
        });
      });
    }
    report(true, 'works offline');
  } catch (err) {
    report(false, `not available offline (${err.message})`);
  }
}

// badRowsText says how many rows scoring skipped and on which lines.
export function badRowsText(report) {
  const n = Object.values(report.skipped || {}).reduce((a, b) => a + b, 0);
  if (!n) return '';
  const lines = report.skippedLines || [];
  const kinds = Object.entries(report.skipped).map(([k, c]) => `${c} ${k}`).join(', ');
  return `${n.toLocaleString('en-US')} bad ${n === 1 ? 'row' : 'rows'} skipped (${kinds}; ${lines.length === 1 ? 'line' : 'lines'} ${lines.join(', ')}${n > lines.length ? ', …' : ''})`;
}

// fileNotice says what is wrong with an inspected file's dates, with the
// line of the first bad value, and offers to skip the bad rows.
export function fileNotice(ins) {
  const b = ins.badDates;
  if (b) {
    const rows = b.rows === 1 ? '1 row does not' : `${b.rows.toLocaleString('en-US')} rows do not`;
    return `No date column reads in full: column “${b.column}” holds dates (${b.format}) but ${rows}, the first on line ${b.line} (${b.value === '' ? 'empty' : short(b.value)}). ` +
      'Fix the file, or tick “Skip rows that cannot be read” to leave those rows out, as clv score does with skip_bad_rows.';
  }
  if (ins.noDates) return 'No column holds dates this page can read (checked the first rows): choose the date column and its format below.';
  return '';
}
