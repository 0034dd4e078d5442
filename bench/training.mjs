// Training speed, for make bench (bench/run.mjs calls measureTraining) or on its own
// (`node bench/training.mjs`, on the built dist/): example-steps per second of online
// SGD on 2-8-8-1 and 2-16-16-16-1 (tanh hidden, sigmoid output, half squared error,
// η = 0.03, 500 points), in the wasm core and in the plain-JS baseline
// (bench/baseline.js, an object per node and per link as TensorFlow Playground's nn.ts)
// side by side in one Chromium page, on the same starting weights and the same points;
// and natively (bench/native.rs) on the same problems. The two browser runs must agree
// (weights within TOLERANCE after AGREE_STEPS updates), and the wasm must be BUDGETS
// times the baseline.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The networks (sizes, input first), each with its budget: wasm at least this many times the baseline. */
export const NETS = [
  { name: '2-8-8-1', sizes: [2, 8, 8, 1], budget: 3, steps: 200_000 },
  { name: '2-16-16-16-1', sizes: [2, 16, 16, 16, 1], budget: 5, steps: 100_000 },
];
const ROUNDS = 7;
const AGREE_STEPS = 10_000;
/** Largest difference of a weight between the wasm and the baseline after AGREE_STEPS. */
const TOLERANCE = 1e-11;

/** The benchmark's generator: an LCG mod 2³² (bench/native.rs has the same). */
function lcg(seed) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

/**
 * The problem for `sizes`, in the fixture shape with a given dataset: weights
 * (2r − 1)/√(inputs) from seed 7, zero biases; 500 points uniform in [−1, 1]², target
 * 1 inside the circle of radius ½, from seed 1.
 */
export function problem(sizes) {
  const r = lcg(7);
  const layers = sizes.slice(1).map((w, l) => ({
    activation: l === sizes.length - 2 ? 'sigmoid' : 'tanh',
    weights: Array.from({ length: w }, () => Array.from({ length: sizes[l] }, () => (r() * 2 - 1) / Math.sqrt(sizes[l]))),
    biases: Array.from({ length: w }, () => 0),
  }));
  const p = lcg(1);
  const inputs = [];
  const targets = [];
  for (let k = 0; k < 500; k++) {
    const x = [p() * 2 - 1, p() * 2 - 1];
    inputs.push(x);
    targets.push([x[0] * x[0] + x[1] * x[1] < 0.25 ? 1 : 0]);
  }
  return {
    network: { layers, loss: 'half_sse' }, input: inputs[0], target: targets[0], learning_rate: 0.03,
    dataset: { inputs, targets }, training: { batch_size: 1 },
  };
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** In the page: both runs on one problem, alternating; rates and the weights' agreement. */
async function inPage(page, net, prob) {
  // Through the public API first: a problem with a dataset moves the page to the full
  // wasm module, whose Lab the rest then drives directly.
  await page.evaluate((p) => window.backpropLab.load(p), prob);
  return page.evaluate(async ({ prob, steps, rounds, agreeSteps }) => {
    const { lab } = window.__backpropLabInternals;
    const js = await import('/bench/baseline.js');
    const text = JSON.stringify(prob);
    const points = prob.dataset.inputs.map((x, k) => ({ x, t: prob.dataset.targets[k][0] }));
    const lr = prob.learning_rate;
    // Agreement: the same updates from the same weights.
    lab.load(text);
    lab.train(agreeSteps);
    const wasmLayers = JSON.parse(lab.export_state()).network.layers;
    const base = js.networkFrom(prob.network.layers);
    js.train(base, points, agreeSteps, lr);
    let diff = 0;
    js.layersOf(base).forEach((l, k) => {
      l.weights.forEach((row, i) => row.forEach((w, j) => { diff = Math.max(diff, Math.abs(w - wasmLayers[k].weights[i][j])); }));
      l.biases.forEach((b, i) => { diff = Math.max(diff, Math.abs(b - wasmLayers[k].biases[i])); });
    });
    // Speed: after a warm-up of each, rounds alternate between the two.
    lab.load(text);
    lab.train(20_000);
    js.trainRate(js.networkFrom(prob.network.layers), points, 20_000, lr);
    const wasm = [];
    const plain = [];
    for (let k = 0; k < rounds; k++) {
      let t0 = performance.now();
      lab.train(steps);
      wasm.push((steps * 1000) / (performance.now() - t0));
      plain.push(js.trainRate(js.networkFrom(prob.network.layers), points, steps, lr));
    }
    return { wasm, plain, diff };
  }, { prob, steps: net.steps, rounds: ROUNDS, agreeSteps: AGREE_STEPS });
}

/** Native rates (bench/native.rs) on the same problems. */
function native(problems) {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-bench-'));
  try {
    const files = NETS.map((n, k) => {
      const f = join(dir, `${n.name}.json`);
      writeFileSync(f, JSON.stringify(problems[k]));
      return f;
    });
    const out = execFileSync('cargo', ['run', '--quiet', '--release', '--example', 'bench_native', '--', '400000', ...files], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Measures both nets in a page of `base` (the built page, `?bench=1`); returns
 * { training: {net: {wasm, native, plain_js, wasm_over_js, …}}, lines, failures }.
 */
export async function measureTraining(browser, base, { withNative = true } = {}) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${base}index.html?preset=mazur&bench=1`);
  await page.evaluate(() => window.backpropLab.ready);
  const problems = NETS.map((n) => problem(n.sizes));
  const measured = [];
  for (const [k, net] of NETS.entries()) measured.push(await inPage(page, net, problems[k]));
  await page.close();
  const nat = withNative ? native(problems) : {};
  const training = {};
  const lines = [];
  const failures = [];
  NETS.forEach((net, k) => {
    const m = measured[k];
    const wasm = median(m.wasm);
    const js = median(m.plain);
    const row = {
      wasm: Math.round(wasm),
      native: Math.round(nat[net.name] ?? NaN),
      plain_js: Math.round(js),
      wasm_over_js: Number((wasm / js).toFixed(2)),
      wasm_over_native: Number((wasm / nat[net.name]).toFixed(2)),
      budget_wasm_over_js: net.budget,
      max_weight_difference: m.diff,
      wasm_runs: m.wasm.map(Math.round),
      plain_js_runs: m.plain.map(Math.round),
    };
    training[net.name] = row;
    const verdict = row.wasm_over_js >= net.budget ? 'within' : 'UNDER';
    lines.push(`training ${net.name.padEnd(13)} wasm ${row.wasm}/s, native ${row.native}/s, plain JS ${row.plain_js}/s, wasm/JS ${row.wasm_over_js} (budget ${net.budget}×: ${verdict}), weights agree to ${m.diff.toExponential(1)}`);
    if (verdict !== 'within') failures.push(`training ${net.name}: wasm/JS ${row.wasm_over_js} is under ${net.budget}`);
    if (!(m.diff <= TOLERANCE)) failures.push(`training ${net.name}: wasm and baseline weights differ by ${m.diff} after ${AGREE_STEPS} steps (tolerance ${TOLERANCE})`);
  });
  return { training, lines, failures };
}

// On its own: serve dist/ (or $DIST) and bench/, measure, print (--json: the figures
// too; --no-native: the browser only).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { chromium } = await import('@playwright/test');
  const { createServer } = await import('node:http');
  const { extname, normalize } = await import('node:path');
  const root = new URL('..', import.meta.url).pathname;
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.startsWith('/bench/') ? join(root, normalize(path)) : join(process.env.DIST || join(root, 'dist'), normalize(path === '/' ? '/index.html' : path));
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(8133, '127.0.0.1', ok));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const { training, lines, failures } = await measureTraining(browser, 'http://127.0.0.1:8133/', { withNative: !process.argv.includes('--no-native') });
    console.log(lines.join('\n'));
    if (process.argv.includes('--json')) console.log(JSON.stringify(training));
    for (const f of failures) console.error(f);
    process.exitCode = failures.length ? 1 : 0;
  } finally {
    await browser.close();
    server.close();
  }
}
