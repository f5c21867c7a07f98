// Screenshots of the page at desktop, phone and narrow-phone widths (1440,
// 390 and 320 CSS px), taken by the browser suite into its output folder
// (web/test-results, not the repository): screen-<width>.png is the first
// screen as a visitor sees it, screen-<width>-full.png the whole page.
//
// With CLV_README_SCREENSHOT=path (for example ../docs/calculator.png when
// run from web/), the 1440 px first screen is also written there: that is
// how the README's screenshot is brought up to date.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Widths and heights of the viewports: a laptop, an iPhone 12-15, and the
// narrowest phones still in use (iPhone SE 1st generation).
export const SCREENS = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
  { width: 320, height: 568 },
];

// pngSize reads a PNG's width and height from its IHDR chunk.
function pngSize(path) {
  const b = readFileSync(path);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

// screens takes the screenshots; each is checked to be a PNG of the
// viewport's size (the first screen) and at least the viewport's height
// (the full page). How far the page is wider than the viewport is printed
// and kept in figures.screens (the layout's own checks judge it).
export async function screens({ newPage, check, url, out, figures }) {
  figures.screens = {};
  // One page load, resized: each width costs a screenshot, not a load.
  const page = await newPage(SCREENS[0]);
  try {
    await page.goto(url);
    await page.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs), null, { timeout: 30000 });
    for (const [i, vp] of SCREENS.entries()) {
      await page.setViewportSize(vp);
      // Charts animate in after the load (resizes do not animate): wait
      // for the last frame so the picture is stable.
      await page.waitForTimeout(i === 0 ? 1200 : 300);
      const first = join(out, `screen-${vp.width}.png`);
      const full = join(out, `screen-${vp.width}-full.png`);
      await page.screenshot({ path: first });
      await page.screenshot({ path: full, fullPage: true });
      const a = pngSize(first);
      const f = pngSize(full);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      figures.screens[vp.width] = { file: first, fullPage: full, fullHeight: f.height, overflowPx: overflow };
      check(`screenshot at ${vp.width} px`, a.width === vp.width && a.height === vp.height && f.height >= vp.height,
        `${first}: ${a.width}×${a.height}; full page ${f.width}×${f.height}; ${overflow} px wider than the screen`);
      if (vp.width === 1440 && process.env.CLV_README_SCREENSHOT) {
        copyFileSync(first, process.env.CLV_README_SCREENSHOT);
        console.log(`README screenshot updated: ${process.env.CLV_README_SCREENSHOT}`);
      }
    }
  } finally {
    await page.context().close();
  }
}
