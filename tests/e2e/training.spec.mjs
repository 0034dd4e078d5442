// The training panel: a student trains on a dataset, watches the loss, the learned
// heatmap and the gradient sizes, changes the architecture and sees divergence.
import { test, expect, open, lastNumber, plainLines } from './helpers.mjs';
import { state, painted, typeInto, focusPage } from './util2.mjs';

const BLUE = [0, 114, 178]; // the theme's positive colour (#0072b2)
const ORANGE = [213, 94, 0]; // the theme's negative colour (#d55e00)

/** A canvas's pixels: a hash, how many are not white, how many are near each colour. */
const pixels = (page, id, colours = []) => page.evaluate(([id, colours]) => {
  const c = document.getElementById(id);
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let [hash, ink, near] = [0, 0, colours.map(() => 0)];
  for (let i = 0; i < d.length; i += 4) {
    hash = (hash * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2] + 17 * d[i + 3]) | 0;
    if (d[i + 3] > 0 && (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245)) ink++;
    colours.forEach(([r, g, b], k) => {
      if (d[i + 3] > 200 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 30) near[k]++;
    });
  }
  return { hash, ink, near, size: c.width * c.height };
}, [id, colours]);

const play = (page) => page.locator('#tr-play').click();
const updates = async (page) => (await state(page)).training.updates;
/** Trains with the Train button until at least `n` more updates are made, then pauses. */
async function trainUpdates(page, n) {
  const from = await updates(page);
  await play(page);
  await expect(page.locator('#tr-play')).toContainText('Pause');
  await expect.poll(() => updates(page), { timeout: 20_000 }).toBeGreaterThanOrEqual(from + n);
  await play(page);
  await expect(page.locator('#tr-play')).toContainText('Train');
  await painted(page);
}

/** Resolves after `n` animation frames of the page (training runs one slice a frame). */
const frames = (page, n) => page.evaluate((n) => new Promise((resolve) => {
  let left = n;
  const tick = () => (--left <= 0 ? resolve() : requestAnimationFrame(tick));
  requestAnimationFrame(tick);
}), n);

/** ‖∂L/∂W(l)‖ (Frobenius) of every layer; null entries (not revealed yet) fail. */
const gradNorms = (s) => s.layers.map((l) => {
  expect(l.grad_weights.flat().every((g) => typeof g === 'number')).toBe(true);
  return Math.hypot(...l.grad_weights.flat());
});

test('XOR learns: the loss falls below 0.05, the status and the loss curve follow', async ({ page }) => {
  await open(page, '?preset=xor');
  const status = page.locator('#tr-status');
  await painted(page);
  const before = await pixels(page, 'loss-canvas', [BLUE]);
  await play(page);
  await expect(page.locator('#tr-play')).toContainText('Pause');
  await expect(status).toHaveText(/^[1-9]\d* updates .* train loss \d/);
  const early = await status.textContent();
  await expect(status).not.toHaveText(early); // the status updates while training
  await expect.poll(async () => (await state(page)).training.last_loss?.[0] ?? Infinity,
    { timeout: 20_000 }).toBeLessThan(0.05);
  await play(page);
  await expect(page.locator('#tr-play')).toContainText('Train');
  await painted(page);
  const s = await state(page);
  expect(s.training.updates).toBeGreaterThan(0);
  const shown = (await status.textContent()).match(/train loss ([0-9.e-]+)/);
  expect(shown, 'the status shows the train loss').not.toBeNull();
  expect(Number(shown[1])).toBeCloseTo(s.training.last_loss[0], 3);
  expect(await status.textContent()).toContain(`${s.training.updates} updates`);
  const after = await pixels(page, 'loss-canvas', [BLUE]);
  expect(after.ink, 'the loss canvas is drawn').toBeGreaterThan(after.size * 0.01);
  expect(after.near[0], 'the curve adds blue pixels').toBeGreaterThan(before.near[0] + 50);
});

test('the heatmap of what the network learned changes while it trains', async ({ page }) => {
  await open(page, '?preset=xor');
  await page.locator('#ds-kind').selectOption('circle');
  await expect.poll(async () => (await state(page)).training.updates).toBe(0);
  await painted(page);
  const before = await pixels(page, 'data-canvas', [BLUE, ORANGE]);
  expect(before.near[0], 'blue points are shown').toBeGreaterThan(20);
  expect(before.near[1], 'orange points are shown').toBeGreaterThan(20);
  // About 2 epochs of the circle's points: enough for what the network computes to change.
  await trainUpdates(page, 500);
  const after = await pixels(page, 'data-canvas', [BLUE, ORANGE]);
  expect(after.hash).not.toBe(before.hash);
  expect(after.near[0]).toBeGreaterThan(20);
  expect(after.near[1]).toBeGreaterThan(20);
});

test('architecture: add and remove a hidden layer, widen a layer up to 16 units', async ({ page }) => {
  await open(page, '?preset=xor');
  expect((await state(page)).sizes).toEqual([2, 3, 1]);
  const layers = page.locator('#ar-layers');
  await page.locator('#ar-add').click();
  await expect.poll(async () => (await state(page)).sizes.length).toBe(4);
  await expect(layers.locator('button[aria-label="add a unit to layer 2"]')).toBeVisible();
  await page.locator('#ar-layers button[aria-label="add a unit to layer 1"]').click();
  await expect.poll(async () => (await state(page)).sizes[1]).toBe(4);
  await expect(layers).toContainText('layer 1: 4');
  await page.locator('#ar-remove').click();
  await expect.poll(async () => (await state(page)).sizes).toEqual([2, 4, 1]);
  await expect(layers.locator('button[aria-label="add a unit to layer 2"]')).toHaveCount(0);
  const plus = page.locator('#ar-layers button[aria-label="add a unit to layer 1"]');
  for (let n = 5; n <= 16; n++) {
    await plus.click();
    await expect.poll(async () => (await state(page)).sizes[1]).toBe(n);
  }
  await expect(page.locator('#message')).toBeHidden();
  await plus.click();
  await expect(page.locator('#message')).toBeVisible();
  await expect(page.locator('#message')).toHaveAttribute('role', 'alert');
  await expect(page.locator('#message-text')).toContainText('16');
  expect((await state(page)).sizes).toEqual([2, 16, 1]);
  await expect(layers).toContainText('layer 1: 16');
});

test('vanishing gradients: deep sigmoid starves the first layer, ReLU does not', async ({ page }) => {
  await open(page, '?preset=xor');
  const normsOf = async (preset) => {
    await page.evaluate((p) => window.backpropLab.load(p), preset);
    await focusPage(page);
    await page.keyboard.press('End');
    await expect.poll(async () => (await state(page)).cursor.kind).toBe('update');
    return gradNorms(await state(page));
  };
  const sig = await normsOf('vanishing');
  expect(sig).toHaveLength(7);
  expect(sig[0] * 100).toBeLessThan(sig[6]);
  await painted(page);
  const chart = await pixels(page, 'grad-canvas', [ORANGE, BLUE]);
  expect(chart.near[0], 'orange ‖δ‖ bars').toBeGreaterThan(100);
  expect(chart.near[1], 'blue ‖∂L/∂W‖ bars').toBeGreaterThan(100);
  const relu = await normsOf('vanishing-relu');
  expect(relu[0] * 100).toBeGreaterThan(relu[6]);
});

test('divergence stops training, keeps finite weights and says so', async ({ page }) => {
  // XOR's tanh/sigmoid network saturates instead of diverging (at η = 100 and 1000
  // steps per frame it ran 3 s without diverging); five linear layers diverge for sure.
  await open(page, '?preset=exploding');
  await typeInto(page, 'lr', '100');
  await expect.poll(async () => (await state(page)).learning_rate).toBe(100);
  await page.locator('#tr-speed').selectOption('1000');
  await play(page);
  await expect.poll(async () => (await state(page)).training.diverged, { timeout: 10_000 }).toBe(true);
  await painted(page);
  const status = page.locator('#tr-status');
  await expect(status).toHaveClass(/diverged/);
  await expect(status).toContainText('Diverged at step');
  await expect(page.locator('#tr-play')).toContainText('Train');
  const s = await state(page);
  for (const l of s.layers) {
    for (const v of [...l.weights.flat(), ...l.biases]) expect(Number.isFinite(v)).toBe(true);
  }
  await focusPage(page);
  const at = s.cursor.index;
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await state(page)).cursor.index).toBe(at + 1);
});

test('after training, stepping shows z(1) from the trained weights', async ({ page }) => {
  await open(page, '?preset=xor');
  const w0 = (await state(page)).layers[0].weights;
  await trainUpdates(page, 500);
  const w = (await state(page)).layers[0].weights;
  expect(w, 'training changed the first layer').not.toEqual(w0);
  // XOR's first example is x = (0, 0), where z = b whatever W is: the student types
  // x = (1, −1) so that z(1) shows the trained weights at work.
  await typeInto(page, 'x-0', '1');
  await typeInto(page, 'x-1', '-1');
  await expect.poll(async () => (await state(page)).input).toEqual([1, -1]);
  await focusPage(page);
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await state(page)).cursor.index).toBe(1);
  const s = await state(page);
  const l0 = s.layers[0];
  expect(l0.weights).toEqual(w);
  const z = l0.weights.map((row, i) => row.reduce((acc, wij, j) => acc + wij * s.input[j], l0.biases[i]));
  z.forEach((zi, i) => expect(Math.abs(l0.z[i] - zi)).toBeLessThanOrEqual(1e-12));
  await painted(page);
  const lines = await plainLines(page.locator('#step-numbers > div'));
  const line = lines.find((t) => t.startsWith('z(1)_1 =') && /\d/.test(t));
  expect(line, 'a line with the numbers of z(1)_1').toBeTruthy();
  expect(Math.abs(lastNumber(line) - z[0])).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(z[0])));
  // The weights it shows (4 significant digits) are the trained ones: "W·x + W·x + b".
  const shownW = [...line.matchAll(/\(?(-?[0-9.]+)\)?·/g)].map((m) => Number(m[1]));
  expect(shownW).toHaveLength(2);
  shownW.forEach((v, j) => expect(Math.abs(v - w[0][j])).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(w[0][j]))));
});

test('One epoch is 4 updates on XOR online, 1 update with a full batch', async ({ page }) => {
  await open(page, '?preset=xor');
  const updates = async () => (await state(page)).training.updates;
  const u0 = await updates();
  await page.locator('#tr-epoch').click();
  await expect.poll(updates).toBe(u0 + 4);
  await page.locator('#tr-batch').selectOption('0');
  const u1 = await updates();
  await page.locator('#tr-epoch').click();
  await expect.poll(updates).toBe(u1 + 1);
  await page.locator('#tr-epoch').click();
  await expect.poll(updates).toBe(u1 + 2);
  await expect(page.locator('#tr-status')).toContainText(`${u1 + 2} updates`);
});

test('in Chinese the training panel has no English words', async ({ page }) => {
  await open(page, '?lang=zh&preset=xor');
  await painted(page);
  const { labels, options } = await page.evaluate(() => {
    const panel = document.getElementById('panel-training');
    const own = (e) => [...e.childNodes].map((n) => (n.nodeType === 3 ? n.textContent
      : n.tagName === 'SELECT' || n.tagName === 'INPUT' ? '' : own(n))).join('');
    const labels = [...panel.querySelectorAll('h2, legend, label, button, #tr-status')]
      .filter((e) => e.checkVisibility()).map(own);
    for (const e of panel.querySelectorAll('[aria-label]')) labels.push(e.getAttribute('aria-label'));
    const options = [...panel.querySelectorAll('option')].map((o) => [o.parentElement.id, o.textContent]);
    return { labels, options };
  });
  expect(labels.length).toBeGreaterThan(20);
  const words = (t) => t.match(/[A-Za-z]{2,}/g) || [];
  // Labels: "L2" (in "λ (L2)") is a symbol — and has no 2-letter run anyway; "sin" in
  // the features' checkboxes (sin x₁, sin x₂) is the function's name in Chinese too.
  const symbols = ['L2', 'sin'];
  const english = labels.flatMap((t) => words(t).filter((w) => !symbols.includes(w)).map((w) => `${w} in "${t}"`));
  // Options: the datasets by their Chinese names, and the proper names of the
  // initialisation schemes, Xavier and He, in #tr-init.
  const allowed = { 'tr-init': ['Xavier', 'He'] };
  for (const [id, t] of options) {
    english.push(...words(t).filter((w) => !(allowed[id] || []).includes(w)).map((w) => `${w} in #${id} "${t}"`));
  }
  expect(english).toEqual([]);
});

test('while training runs, a half-typed value in the chain rule box is kept', async ({ page }) => {
  await open(page, '?preset=xor');
  const pick = page.locator('#chain-pick');
  await pick.selectOption({ index: 1 });
  const box = page.locator('#chain input.num-input');
  await expect(box).toBeVisible();
  await page.locator('#tr-play').click();
  const updates = async () => (await page.evaluate(() => window.backpropLab.state())).training.updates;
  await expect.poll(updates).toBeGreaterThan(0);
  await box.fill('0.12');
  // Many training frames redraw the chain rule's numbers underneath the box.
  const before = await updates();
  await expect.poll(updates).toBeGreaterThan(before + 50);
  await expect(box).toHaveValue('0.12');
  await expect(box).toBeFocused();
});

test('training for hundreds of frames keeps no growing list of performance measures (a leak the soak found)', async ({ page }) => {
  await open(page, '?preset=xor');
  const measures = () => page.evaluate(() => performance.getEntriesByType('measure').length);
  await play(page);
  await expect(page.locator('#tr-play')).toContainText('Pause');
  // Early: training has drawn some frames (updates made, their measures taken).
  await expect.poll(() => updates(page)).toBeGreaterThan(0);
  await frames(page, 10);
  const early = await measures();
  const u = await updates(page);
  // Late: 120 more frames, each a training slice and a redraw (11 measures a frame if
  // they leaked); training must still be going.
  await frames(page, 120);
  const late = await measures();
  expect(await updates(page), 'training went on for those frames').toBeGreaterThan(u + 100);
  await play(page);
  // One of each name at most (json, network, …, draw): not one per frame.
  expect(early).toBeGreaterThan(0);
  expect(late).toBeLessThanOrEqual(20);
  expect(late).toBeLessThanOrEqual(early + 2);
});
