import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { pagefixChecks } from './e2e/pagefix.mjs';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
let passed = 0, failed = 0;
const consoleErrors = [];
const t0 = Date.now();
function check(name, ok, detail = '') { if (ok) { passed++; console.log(`ok   ${name} [${((Date.now() - t0) / 1000).toFixed(1)}]`); } else { failed++; console.log(`FAIL ${name}: ${detail}`); } }
async function newPage(viewport = { width: 1280, height: 900 }, { quiet = false, ...options } = {}) {
  const ctx = await browser.newContext({ viewport, acceptDownloads: true, ...options });
  const page = await ctx.newPage();
  if (quiet) return page;
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  return page;
}
const t = Date.now();
try {
  await pagefixChecks({ newPage, check, url: process.env.URL, expected: JSON.parse(readFileSync('/tmp/pf/expected.json', 'utf8')) });
} catch (e) { check('exception', false, e.stack); }
check('no console errors', consoleErrors.length === 0, consoleErrors.slice(0, 5).join(' | '));
console.log(`${passed} passed, ${failed} failed in ${Date.now() - t} ms`);
await browser.close();
