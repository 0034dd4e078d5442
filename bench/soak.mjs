// make soak: continuous training in headless Chromium for SOAK_SECONDS (default 600):
// no console error, memory flat, and the page still answers within a frame or two.
import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const SECONDS = Number(process.env.SOAK_SECONDS || 600);
const DIST = new URL('../dist/', import.meta.url).pathname;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  try {
    const file = join(DIST, normalize(path === '/' ? '/index.html' : path));
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(8132, '127.0.0.1', ok));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--enable-precise-memory-info', '--js-flags=--expose-gc'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(e.message));
await page.goto('http://127.0.0.1:8132/index.html?preset=spiral&bench=1');
await page.evaluate(() => window.backpropLab.ready);
await page.selectOption('#tr-speed', '1000');
await page.click('#tr-play');
const samples = [];
const start = Date.now();
while (Date.now() - start < SECONDS * 1000) {
  await page.waitForTimeout(Math.min(30_000, SECONDS * 1000 / 4));
  // Responsiveness: a key press handled and drawn (the step panel changes) in how long?
  const s = await page.evaluate(async () => {
    const t0 = performance.now();
    const before = document.getElementById('step-count').textContent;
    // → moves on; at the end of the pass Home goes back (→ would change nothing).
    const c = window.backpropLab.state().cursor;
    const key = c.index + 1 < c.count ? 'ArrowRight' : 'Home';
    document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    while (document.getElementById('step-count').textContent === before && performance.now() - t0 < 2000) {
      await new Promise((r) => requestAnimationFrame(r));
    }
    const st = window.backpropLab.state();
    return {
      answer_ms: Math.round(performance.now() - t0),
      updates: st.training.updates,
      diverged: st.training.diverged,
      // Live JS heap: after a full collection, so a leak shows as a trend, not a sawtooth.
      js_heap: performance.memory ? (window.gc && window.gc(), performance.memory.usedJSHeapSize) : null,
      wasm: window.__backpropLabInternals.lab.memory_bytes(),
    };
  });
  s.t = Math.round((Date.now() - start) / 1000);
  samples.push(s);
  console.log(JSON.stringify(s));
}
await page.click('#tr-play');
await browser.close();
server.close();
const first = samples[0];
const last = samples[samples.length - 1];
console.log(`soak: ${SECONDS} s, ${last.updates} updates, errors ${errors.length}, ` +
  `wasm memory ${first.wasm} -> ${last.wasm} bytes, JS heap ${first.js_heap} -> ${last.js_heap} bytes, ` +
  `slowest answer ${Math.max(...samples.map((x) => x.answer_ms))} ms`);
if (errors.length) {
  console.log(errors.slice(0, 5).join('\n'));
  process.exit(1);
}
