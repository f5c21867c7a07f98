import { chromium } from 'playwright-core';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const base = 'http://127.0.0.1:8731/';
for (const frag of ['#retention=150', '#tornado=nope&aov=abc&zzz=1&aov=5', '#aov=1e400', '#%E0%A4%A', '#frequency=-3', '#data', '#custom=' + 'x'.repeat(3000)]) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errs = [];
  page.on('pageerror', (e) => errs.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errs.push(m.text()); });
  await page.goto(base + frag);
  await page.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs), null, { timeout: 10000 }).catch(() => {});
  console.log(frag.slice(0, 50), '|', await page.$eval('#status', (e) => e.textContent), '|', await page.$eval('#out-clv', (e) => e.textContent), '|', await page.$eval('#out-ltvcac', (e) => e.textContent), '|', await page.$eval('#link-notices', (e) => e.hidden ? '' : e.innerText.replace(/\n/g, ' / ')), errs.join(';'));
  if (frag === '#frequency=-3') {
    await page.fill('#in-frequency', '-3');
    await page.waitForTimeout(300);
    console.log('  typed -3:', await page.$eval('#out-clv', (e) => e.textContent), await page.$eval('#out-ltvcac', (e) => e.textContent), await page.$eval('#in-frequency-err', (e) => e.textContent), await page.$eval('#in-frequency', (e) => e.getAttribute('aria-describedby') + ' ' + e.getAttribute('aria-invalid')), await page.$eval('#out-clv-err', (e) => e.textContent));
    await page.fill('#in-retention', '101');
    await page.waitForTimeout(300);
    console.log('  ret 101:', await page.$eval('#in-retention-err', (e) => e.textContent), await page.$eval('#tornado-err', (e) => e.textContent));
    await page.fill('#in-retention', '70'); await page.fill('#in-frequency', '');
    await page.waitForTimeout(300);
    console.log('  freq empty:', await page.$eval('#out-clv', (e) => e.textContent), await page.$eval('#in-frequency-err', (e) => e.textContent), await page.$eval('#tornado-err', (e) => e.textContent + '|' + e.hidden), page.url().slice(-80));
    await page.fill('#in-frequency', '4');
    await page.click('a[href="#data"]');
    await page.waitForTimeout(300);
    console.log('  after nav:', page.url().slice(-60), await page.$eval('#out-clv', (e) => e.textContent), await page.evaluate(() => document.activeElement.id));
  }
  await ctx.close();
}
await browser.close();
