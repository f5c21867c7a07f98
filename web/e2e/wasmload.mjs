// How the page compiles clv.wasm: with WebAssembly.instantiateStreaming
// when the server sends application/wasm, and with
// WebAssembly.instantiate on the whole body when it sends another type
// (some static hosts do), the page starting either way.
export async function wasmLoad({ newPage, check, url }) {
  const ready = (page) => page.waitForFunction(() => globalThis.__clvPage && Number.isFinite(globalThis.__clvPage.firstResultMs), null, { timeout: 15000 });
  const page = await newPage();
  try {
    const [resp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/clv.wasm')), page.goto(url)]);
    await ready(page);
    const how = await page.evaluate(() => globalThis.__clvPage.wasmLoad);
    check('clv.wasm compiled while streaming (served as application/wasm)', how === 'streaming' && resp.headers()['content-type'] === 'application/wasm',
      `${how}; Content-Type ${resp.headers()['content-type']}`);
  } finally {
    await page.context().close();
  }
  const wrong = await newPage();
  try {
    await wrong.route('**/clv.wasm', async (route) => {
      const r = await route.fetch();
      await route.fulfill({ status: 200, body: await r.body(), contentType: 'application/octet-stream' });
    });
    await wrong.goto(url);
    await ready(wrong);
    const how = await wrong.evaluate(() => globalThis.__clvPage.wasmLoad);
    const clv = await wrong.$eval('#out-clv', (e) => e.dataset.value);
    check('clv.wasm sent as application/octet-stream: compiled from the whole body, page starts', how === 'buffer' && clv !== '', `${how}; margin CLV ${clv}`);
  } finally {
    await wrong.context().close();
  }
}
