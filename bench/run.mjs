// make bench: size, start-up (also under DevTools' Fast 3G), step and training speed,
// heatmap and memory of the built page (dist/) in headless Chromium, plus native
// training speed and a plain-JS baseline. Prints a table and writes bench/results.json.
// Medians over repeated runs. Exits 1, naming the budget, when the page is over its size
// budget or its first frame under Fast 3G is over its time budget (after measuring all).
// BENCH_DIST=path measures another build (e.g. an older one) with the same bench.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { measureTraining } from './training.mjs';

const DIST = process.env.BENCH_DIST ? `${resolve(process.env.BENCH_DIST)}/` : new URL('../dist/', import.meta.url).pathname;
const PORT = 8131;
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8',
};
/** Types a static host compresses (not images, which are compressed already). */
const COMPRESSED = /^(text\/|application\/(wasm|json)|image\/svg)/;
/** Budgets: make bench fails when the page or its first frame under Fast 3G is over. */
const BUDGETS = { gzip_total_kb: 230, fast3g_first_frame_ms: 2500, step_p95_ms: 8 };

/** A static file server for dist/ (and bench/ for the JS baseline) that serves as a real
 * static host does: the right content type (application/wasm, so the wasm compiles while
 * streaming) and gzip when the request accepts it, at level 9 as a host serving
 * precompressed files does (compressed once, kept in memory): the bytes on the wire are
 * the gzip sizes the size budget counts. HTTP/1.1 with keep-alive, so Chromium opens at
 * most 6 connections to it, as to any HTTP/1.1 host. */
function serve() {
  const root = new URL('..', import.meta.url).pathname;
  const gzipped = new Map();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.startsWith('/bench/') ? join(root, normalize(path)) : join(DIST, normalize(path === '/' ? '/index.html' : path));
    let body;
    try {
      body = readFileSync(file);
    } catch {
      res.writeHead(404);
      res.end();
      return;
    }
    const type = TYPES[extname(file)] || 'application/octet-stream';
    const headers = { 'content-type': type };
    if (COMPRESSED.test(type)) {
      headers.vary = 'accept-encoding';
      if (/\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
        const key = `${file}|${statSync(file).mtimeMs}`;
        if (!gzipped.has(key)) gzipped.set(key, gzipSync(body, { level: 9 }));
        body = gzipped.get(key);
        headers['content-encoding'] = 'gzip';
      }
    }
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(body);
  });
  return new Promise((ok) => server.listen(PORT, '127.0.0.1', () => ok(server)));
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const p95 = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]; };
const round = (x, d = 2) => Number(x.toFixed(d));

/** A seeded network description of the given sizes (tanh hidden, sigmoid output). */
function network(sizes, seed = 1) {
  let s = seed;
  const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
  return {
    layers: sizes.slice(1).map((w, l) => ({
      activation: l === sizes.length - 2 ? 'sigmoid' : 'tanh',
      weights: Array.from({ length: w }, () => Array.from({ length: sizes[l] }, () => (rand() * 2 - 1) / Math.sqrt(sizes[l]))),
      biases: Array.from({ length: w }, () => 0),
    })),
    loss: 'half_sse',
  };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--enable-precise-memory-info'],
});
const server = await serve();
const base = `http://127.0.0.1:${PORT}/`;
const results = { date: new Date().toISOString(), budgets: BUDGETS };

// ---- size: every byte the page transfers --------------------------------------------
// Everything the page loads, the modules it imports after its first frame included
// (`ready` waits for them). gzip is each file at level 9, what the server sends; `wire`
// is what Chromium counted on the network (compressed bodies and response headers).
{
  const page = await browser.newPage();
  const files = new Map();
  page.on('response', async (r) => {
    const url = new URL(r.url());
    if (url.origin !== new URL(base).origin) return;
    const name = url.pathname === '/' ? '/index.html' : url.pathname;
    try { files.set(name, await r.body()); } catch { /* redirects have no body */ }
  });
  const cdp = await page.context().newCDPSession(page);
  let wire = 0;
  cdp.on('Network.loadingFinished', (e) => { wire += e.encodedDataLength; });
  await cdp.send('Network.enable');
  await page.goto(`${base}index.html?preset=mazur`);
  await page.evaluate(() => window.backpropLab.ready);
  await page.waitForTimeout(300);
  const rows = [...files.entries()].map(([name, body]) => ({ file: name, raw: body.length, gzip: gzipSync(body, { level: 9 }).length }));
  rows.sort((a, b) => b.gzip - a.gzip);
  results.size = { files: rows, raw_total: rows.reduce((a, r) => a + r.raw, 0), gzip_total: rows.reduce((a, r) => a + r.gzip, 0), wire_total: wire };
  await page.close();
}

// ---- start: navigation to the first fully drawn frame, median of 10 ----------------
{
  const times = [];
  for (let k = 0; k < 10; k++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${base}index.html?preset=mazur`);
    await page.evaluate(() => window.backpropLab.ready);
    await page.waitForFunction(() => performance.getEntriesByName('backprop-lab:first-draw').length > 0);
    times.push(await page.evaluate(() => performance.getEntriesByName('backprop-lab:first-draw')[0].startTime));
    await page.close();
  }
  results.start_ms = { median: round(median(times), 1), runs: times.map((t) => round(t, 1)) };
}

// ---- start under DevTools' Fast 3G: navigation to the first drawn frame, median of 3 ---
// Chrome DevTools' "Fast 3G" preset (front_end/core/sdk/NetworkManager.ts,
// Fast3GConditions; called "3G" in recent DevTools): download 1.6 * 1000 * 1000 / 8 * .9
// bytes/s (1.44 Mbit/s), upload 750 * 1000 / 8 * .9 bytes/s (675 kbit/s), latency
// 150 * 3.75 = 562.5 ms added to every request. CDP takes throughputs in bytes per second.
const FAST_3G = { offline: false, latency: 150 * 3.75, downloadThroughput: (1.6 * 1000 * 1000 / 8) * 0.9, uploadThroughput: (750 * 1000 / 8) * 0.9 };
{
  const times = [];
  const logs = [];
  for (let k = 0; k < 3; k++) {
    // A fresh context per run: an empty HTTP cache and no compiled code kept.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const cdp = await page.context().newCDPSession(page);
    const requests = new Map();
    let t0 = null;
    cdp.on('Network.requestWillBeSent', (e) => {
      t0 ??= e.timestamp;
      requests.set(e.requestId, { url: new URL(e.request.url).pathname, start: e.timestamp });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = requests.get(e.requestId);
      if (r) Object.assign(r, { end: e.timestamp, bytes: e.encodedDataLength });
    });
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    await page.goto(base, { waitUntil: 'commit' });
    await page.waitForFunction(() => performance.getEntriesByName('backprop-lab:first-draw').length > 0, null, { timeout: 60_000 });
    times.push(await page.evaluate(() => performance.getEntriesByName('backprop-lab:first-draw')[0].startTime));
    await page.evaluate(() => window.backpropLab.ready);
    const ms = (t) => (t === undefined ? null : Math.round((t - t0) * 1000));
    logs.push([...requests.values()].map((r) => ({ url: r.url, start_ms: ms(r.start), end_ms: ms(r.end), bytes: r.bytes ?? null })));
    await context.close();
  }
  const med = median(times);
  results.fast3g_first_frame_ms = { median: round(med, 1), runs: times.map((t) => round(t, 1)) };
  results.fast3g_conditions = FAST_3G;
  // The network log of the median run: what was requested when, and when it ended.
  results.fast3g_requests = logs[times.indexOf(med)];
}

// ---- step: next() plus the redraw of every visible panel ---------------------------
async function stepTimes(page, n, edit) {
  return page.evaluate(async ([n, edit]) => {
    const out = [];
    // (A CNN's input is nested channel by row: its first value either way.)
    const x0 = [window.backpropLab.state().input].flat(Infinity)[0];
    let pass = 0;
    for (let k = 0; k < n; k++) {
      performance.clearMeasures();
      if (!window.backpropLab.next()) {
        // A new pass starts on a new trace (a student's edit): nothing of the last pass's
        // step texts or the page's per-revision work is reused. The edit's own redraw is
        // not a step and is not timed.
        if (edit) {
          window.backpropLab.setInput(0, x0 + (++pass % 2) * 0.125);
          await new Promise((res) => requestAnimationFrame(() => setTimeout(res, 0)));
          performance.clearMeasures();
        }
        window.backpropLab.reset();
      }
      // The page draws in its animation frame; this callback runs right after it in the
      // same frame and forces style and layout, so the time includes the page's DOM work.
      const end = await new Promise((res) => requestAnimationFrame(() => {
        document.body.getBoundingClientRect();
        const t = performance.now();
        setTimeout(() => res(t), 0);
      }));
      const m = performance.getEntriesByName('backprop-lab:draw')[0];
      if (m) out.push(end - m.startTime);
    }
    return out;
  }, [n, edit]);
}
// The first pass through a net's steps after loading the page is timed apart (the
// engine is still compiling the page's code and tiering up the wasm). The budget is
// checked on the 400 steps after it, where every pass starts with an edit, so each runs
// on a new trace, as a student's does after changing a number.
async function stepFigures(page) {
  const count = await page.evaluate(() => window.backpropLab.state().cursor.count);
  await page.evaluate(() => window.backpropLab.reset());
  const cold = await stepTimes(page, count, false);
  const warm = await stepTimes(page, 400, true);
  return { median: round(median(warm)), p95: round(p95(warm)), cold_median: round(median(cold)), cold_max: round(Math.max(...cold)), steps: count };
}
{
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${base}index.html?preset=mazur`);
  await page.evaluate(() => window.backpropLab.ready);
  const mazur = await stepFigures(page);
  const big = { network: network([2, 16, 16, 16, 16, 16, 16, 16, 16, 1]), input: [0.5, -0.3], target: [1], learning_rate: 0.1 };
  await page.evaluate((b) => window.backpropLab.load(b), big);
  await page.waitForTimeout(200);
  const deep = await stepFigures(page);
  await page.close();
  // LeNet in miniature: every CNN panel (layer stack, maps and kernels) redrawn per step,
  // on the full module the page loads for a CNN.
  const cnnPage = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await cnnPage.goto(`${base}index.html?preset=lenet-tiny`);
  await cnnPage.waitForFunction(() => window.backpropLab?.state?.().kind === 'cnn', null, { timeout: 60_000 });
  await cnnPage.waitForTimeout(300);
  const lenet = await stepFigures(cnnPage);
  results.step_ms = { mazur, net_8x16: deep, lenet_tiny: lenet };
  await cnnPage.close();
}

// ---- training (bench/training.mjs), then the heatmap and memory on a trained net --------
let training;
{
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${base}index.html?preset=mazur&bench=1`);
  await page.evaluate(() => window.backpropLab.ready);
  const state = {
    network: network([2, 8, 8, 1], 7), input: [0, 0], target: [0], learning_rate: 0.03,
    dataset: { kind: 'circle', points: 500, noise: 0.1, test_fraction: 0, seed: 1 }, training: { batch_size: 1 },
  };
  await page.evaluate((s) => window.backpropLab.load(s), state);
  // Training speed: wasm, plain JS and native on both nets (bench/training.mjs).
  training = await measureTraining(browser, base);
  results.training = training.training;

  // Heatmap: the decision boundary drawn on a 100×100 grid (a 400×400 canvas, 4 px
  // cells), the data view alone in a frame of its own, redrawn from scratch each time.
  const heat = await page.evaluate(async () => {
    const { lab } = window.__backpropLabInternals;
    const { core } = await import('/www/core.js');
    const c = document.createElement('canvas');
    c.style.width = '400px';
    c.style.height = '400px';
    document.body.append(c);
    const f = new (core().Frame)();
    f.look(1, false, 1);
    f.show('data', c, 400, 400, true);
    const t = [];
    for (let k = 0; k < 21; k++) {
      f.resend();
      const t0 = performance.now();
      lab.frame(f);
      t.push(performance.now() - t0);
    }
    f.free();
    t.sort((a, b) => a - b);
    return t[10];
  });
  results.heatmap_100x100_ms = round(heat);

  // Memory: wasm memory after 10 000 steps against after 1 000 000.
  const mem = await page.evaluate(() => {
    const { lab } = window.__backpropLabInternals;
    window.backpropLab.load(window.backpropLab.exportState());
    window.backpropLab.train(10_000);
    const after10k = lab.memory_bytes();
    for (let k = 0; k < 99; k++) window.backpropLab.train(10_000);
    return { after_10k: after10k, after_1m: lab.memory_bytes() };
  });
  results.wasm_memory_bytes = { ...mem, growth: mem.after_1m - mem.after_10k };
  await page.close();
}

// ---- training a CNN: cnn-strokes, the CNN and its fully connected rival together -----
{
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${base}index.html?preset=cnn-strokes`);
  await page.waitForFunction(() => window.backpropLab?.state?.().kind === 'cnn', null, { timeout: 60_000 });
  const runs = await page.evaluate(() => {
    const lab = window.backpropLab;
    lab.train(1000); // warm-up
    const rates = [];
    for (let k = 0; k < 7; k++) {
      const t0 = performance.now();
      lab.train(3000);
      rates.push(3000 / ((performance.now() - t0) / 1000));
    }
    const tr = lab.state().training;
    return { rates, test_accuracy: tr.test_accuracy, rival_test_accuracy: tr.rival.test_accuracy, examples: tr.examples };
  });
  await page.close();
  const dir = mkdtempSync(join(tmpdir(), 'backprop-bench-cnn-'));
  let native = NaN;
  try {
    const file = join(dir, 'cnn-strokes.json');
    writeFileSync(file, JSON.stringify({ preset: 'cnn-strokes' }));
    const out = execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'bench_native', '--', '20000', file], { encoding: 'utf8' });
    native = JSON.parse(out.trim().split('\n').pop())['cnn-strokes'];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const wasm = median(runs.rates);
  results.cnn_training = {
    preset: 'cnn-strokes', wasm: Math.round(wasm), native: Math.round(native), wasm_over_native: round(wasm / native),
    wasm_runs: runs.rates.map(Math.round), after_examples: runs.examples,
    test_accuracy: round(runs.test_accuracy, 3), rival_test_accuracy: round(runs.rival_test_accuracy, 3),
  };
}

await browser.close();
server.close();
writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);

// ---- the table --------------------------------------------------------------------
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const lines = [];
lines.push(`Backprop Lab benchmark (headless Chromium, ${process.env.BENCH_DIST || 'dist/'})`, '');
lines.push('size (bytes the page transfers)');
for (const r of results.size.files) lines.push(`  ${r.file.padEnd(30)} ${kb(r.raw).padStart(10)} raw ${kb(r.gzip).padStart(10)} gzip`);
const over = [];
const sizeOk = results.size.gzip_total <= BUDGETS.gzip_total_kb * 1024;
if (!sizeOk) over.push(`page size ${kb(results.size.gzip_total)} gzip > ${BUDGETS.gzip_total_kb} KB gzip`);
lines.push(`  ${'total'.padEnd(30)} ${kb(results.size.raw_total).padStart(10)} raw ${kb(results.size.gzip_total).padStart(10)} gzip   (budget ${BUDGETS.gzip_total_kb} KB gzip: ${sizeOk ? 'within' : 'OVER'}; ${kb(results.size.wire_total)} on the wire with headers)`);
lines.push('', `start: navigation to first drawn frame   median ${results.start_ms.median} ms (10 runs)`);
const f3 = results.fast3g_first_frame_ms;
const f3Ok = f3.median <= BUDGETS.fast3g_first_frame_ms;
if (!f3Ok) over.push(`first frame under Fast 3G ${f3.median} ms > ${BUDGETS.fast3g_first_frame_ms} ms (median of 3)`);
const wasmFetches = results.fast3g_requests.filter((r) => r.url.endsWith('.wasm')).length;
lines.push(`  under Fast 3G (562.5 ms, 1.44 Mbit/s)  median ${f3.median} ms (runs ${f3.runs.join(', ')}; wasm fetched ${wasmFetches}×)   (budget ${BUDGETS.fast3g_first_frame_ms} ms: ${f3Ok ? 'within' : 'OVER'})`);
const st = results.step_ms;
lines.push(`step (redraw of every panel + layout)   Mazur median ${st.mazur.median} ms, p95 ${st.mazur.p95} ms (first pass: median ${st.mazur.cold_median}, max ${st.mazur.cold_max} ms)`);
lines.push(`                                         8 × 16 net median ${st.net_8x16.median} ms, p95 ${st.net_8x16.p95} ms (first pass: median ${st.net_8x16.cold_median}, max ${st.net_8x16.cold_max} ms)`);
lines.push(`                                         lenet-tiny median ${st.lenet_tiny.median} ms, p95 ${st.lenet_tiny.p95} ms (first pass: median ${st.lenet_tiny.cold_median}, max ${st.lenet_tiny.cold_max} ms)`);
const stepOk = Math.max(st.mazur.p95, st.net_8x16.p95, st.lenet_tiny.p95) < BUDGETS.step_p95_ms;
if (!stepOk) over.push(`step p95 (Mazur ${st.mazur.p95}, 8 × 16 ${st.net_8x16.p95}, lenet-tiny ${st.lenet_tiny.p95} ms) ≥ ${BUDGETS.step_p95_ms} ms`);
lines.push(`                                         budget p95 < ${BUDGETS.step_p95_ms} ms: ${stepOk ? 'within' : 'OVER'}`);
lines.push(...training.lines);
over.push(...training.failures);
const ct = results.cnn_training;
lines.push(`training cnn-strokes (CNN + its rival)   wasm ${ct.wasm}/s, native ${ct.native}/s (wasm/native ${ct.wasm_over_native}); test accuracy after ${ct.after_examples} examples: CNN ${ct.test_accuracy}, MLP ${ct.rival_test_accuracy}`);
lines.push(`heatmap redraw, 100 × 100 grid           ${results.heatmap_100x100_ms} ms`);
lines.push(`wasm memory after 10k / 1M steps         ${results.wasm_memory_bytes.after_10k} / ${results.wasm_memory_bytes.after_1m} bytes (growth ${results.wasm_memory_bytes.growth})`);
console.log(lines.join('\n'));
if (over.length) {
  console.error(`\nover budget: ${over.join('; ')}`);
  process.exitCode = 1;
}
