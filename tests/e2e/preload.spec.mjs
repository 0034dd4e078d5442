// The page's preloads (index.html's <head>) against what it really loads: every script
// and the wasm requested before the first frame has a preload link, every module preload
// is in main.js's static import graph, nothing is fetched twice, and the wasm compiles
// while streaming from the preloaded response (served as application/wasm, as
// `python3 -m http.server` does for `make serve` and for these tests).
import { test, expect } from './helpers.mjs';
import { readFileSync } from 'node:fs';

const DIST = new URL('../../dist/', import.meta.url);

/** The relative specifiers a built module imports statically (esbuild's output keeps
 * static imports as `import … from"…"` / `export … from"…"` statements; `import("…")`
 * is dynamic and not followed). */
function staticImports(path) {
  const text = readFileSync(new URL(path, DIST), 'utf8');
  const out = [];
  const from = /(?:^|[;\n])\s*(?:import|export)\b[^;"'`()]*?\bfrom\s*["']([^"']+)["']/g;
  const bare = /(?:^|[;\n])\s*import\s*["']([^"']+)["']/g;
  for (const re of [from, bare]) for (const m of text.matchAll(re)) out.push(m[1]);
  return out.filter((s) => s.startsWith('.') || s.startsWith('/'));
}

/** main.js's static import graph, as paths under dist/ (main.js included). */
function staticGraph(entry) {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const spec of staticImports(path)) visit(new URL(spec, new URL(path, 'http://x/')).pathname.slice(1));
  };
  visit(entry);
  return seen;
}

test('every script and the wasm before the first frame is preloaded, once, and the wasm streams', async ({ page }) => {
  const requests = new Map();
  const wasmTypes = [];
  const warnings = [];
  page.on('request', (r) => requests.set(r.url(), (requests.get(r.url()) || 0) + 1));
  page.on('response', (r) => { if (new URL(r.url()).pathname.endsWith('.wasm')) wasmTypes.push(r.headers()['content-type']); });
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.addInitScript(() => {
    const calls = { streaming: 0, streamed: 0, fromBytes: 0 };
    window.__wasmCalls = calls;
    const streaming = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = function (...args) {
      calls.streaming++;
      return streaming.apply(this, args).then((r) => { calls.streamed++; return r; });
    };
    const instantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = function (source, ...rest) {
      if (!(source instanceof WebAssembly.Module)) calls.fromBytes++;
      return instantiate.call(this, source, ...rest);
    };
  });
  await page.goto('index.html');
  await page.evaluate(() => window.backpropLab.ready);
  await page.waitForFunction(() => performance.getEntriesByName('backprop-lab:first-draw').length > 0);
  // Time for a late second fetch of anything (an unused preload, then a fetch of its own).
  await page.waitForTimeout(500);

  const seen = await page.evaluate(() => {
    const firstDraw = performance.getEntriesByName('backprop-lab:first-draw')[0].startTime;
    const sameOrigin = (u) => new URL(u).origin === location.origin;
    const resources = performance.getEntriesByType('resource').filter((e) => sameOrigin(e.name));
    const links = (sel) => [...document.querySelectorAll(sel)].map((l) => ({ href: l.href, as: l.getAttribute('as'), type: l.getAttribute('type'), crossorigin: l.getAttribute('crossorigin') }));
    return {
      before: resources.filter((e) => e.startTime < firstDraw).map((e) => e.name),
      after: resources.filter((e) => e.startTime >= firstDraw).map((e) => e.name),
      modulepreload: links('head link[rel="modulepreload"]').map((l) => l.href),
      preload: links('head link[rel="preload"]'),
      scripts: [...document.querySelectorAll('head script[type="module"][src]')].map((s) => s.src),
      origin: location.origin,
      calls: window.__wasmCalls,
    };
  });
  const path = (u) => new URL(u).pathname.slice(1);
  const isCode = (u) => /\.(m?js|wasm)$/.test(new URL(u).pathname);

  // What the first frame needs, from the network: each has its link in index.html's head
  // (the entry module's own <script type="module"> counts as its preload).
  const wasmPreloads = seen.preload.filter((l) => l.as === 'fetch' && path(l.href).endsWith('.wasm'));
  const declared = new Set([...seen.modulepreload, ...seen.scripts, ...wasmPreloads.map((l) => l.href)].map(path));
  const needed = [...new Set(seen.before.filter(isCode).map(path))].sort();
  expect(needed.filter((p) => !declared.has(p)), 'requested before the first frame without a preload link').toEqual([]);
  expect([...declared].filter((p) => !needed.includes(p)), 'preloaded but not requested before the first frame').toEqual([]);
  expect(needed).toContain('pkg/backprop_lab_bg.wasm');
  expect(needed).toContain('pkg/backprop_lab.js');

  // The module preloads are main.js's static import graph, no more and no less: a module
  // imported only after the first frame (io.js) is not preloaded.
  const graph = staticGraph('www/main.js');
  expect([...seen.modulepreload.map(path), ...seen.scripts.map(path)].sort()).toEqual([...graph].sort());
  expect(seen.after.map(path)).toContain('www/io.js');

  // The wasm preload is one the wasm-bindgen glue's fetch() can reuse (a CORS-mode request
  // with same-origin credentials), and nothing is fetched twice.
  const twice = [...requests.entries()].filter(([u, n]) => u.startsWith(seen.origin) && n > 1);
  expect(twice, 'fetched more than once').toEqual([]);
  expect(warnings.filter((w) => /preload/i.test(w)), 'no unused preloads').toEqual([]);
  expect(wasmPreloads).toHaveLength(1);
  expect(wasmPreloads[0]).toMatchObject({ type: 'application/wasm', crossorigin: '' });

  // One wasm response, served as application/wasm, compiled while streaming (the glue's
  // fallback reads the whole response and instantiates the bytes: not taken).
  expect(wasmTypes).toEqual(['application/wasm']);
  expect(seen.calls).toEqual({ streaming: 1, streamed: 1, fromBytes: 0 });
  expect(warnings.filter((w) => /instantiateStreaming/.test(w))).toEqual([]);
});
