// A convolutional network in the page: the public CNN fixtures through load/seek/state,
// the layer stack and maps panels, a kernel cell's chain rule by click, painting the
// input image, the im2col matrices; in both languages, without console errors.
import { test, expect, open, close, FIXTURES, plainLines, plainText } from './helpers.mjs';
import { readFileSync, readdirSync } from 'node:fs';

const CNN = new URL('cnn/', FIXTURES);
const cnnFixtures = () => readdirSync(CNN)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, data: JSON.parse(readFileSync(new URL(f, CNN), 'utf8')) }));

const state = (page) => page.evaluate(() => window.backpropLab.state());

test('every public CNN fixture: load, seek, state() match PyTorch', async ({ page }) => {
  await open(page);
  const fixtures = cnnFixtures();
  expect(fixtures.length).toBeGreaterThanOrEqual(3);
  for (const { file, data } of fixtures) {
    const { expected: exp, tolerance: tol } = data;
    await page.evaluate((fx) => window.backpropLab.load(fx), data);
    const first = await state(page);
    expect(first.kind, file).toBe('cnn');
    first.layers.forEach((L, k) => expect(L.output, `${file} layers[${k}].output before the pass`).toBeNull());
    // The step before the update: every forward and backward number is there.
    await page.evaluate((n) => window.backpropLab.seek(n - 2), first.cursor.count);
    const s = await state(page);
    exp.layers.forEach((E, k) => {
      for (const key of ['output', 'grad_input', 'grad_weights', 'grad_biases', 'argmax']) {
        if (key in E) close(s.layers[k][key], E[key], tol, `${file} layers[${k}].${key}`);
      }
    });
    close(s.loss, exp.loss, tol, `${file} loss`);
    // The update.
    await page.evaluate(() => window.backpropLab.next());
    const u = await state(page);
    exp.updated_layers.forEach((E, k) => {
      if (!E) return; // a layer without parameters
      for (const key of ['weights', 'biases']) if (key in E) close(u.layers[k][key], E[key], tol, `${file} updated layers[${k}].${key}`);
    });
    close(u.loss_after_step, exp.loss_after_step, tol, `${file} loss after the step`);
  }
});

/** Seeks the first step of `phase` at engine layer `layer`; returns its index. */
const seekTo = (page, phase, layer) => page.evaluate(async ([phase, layer]) => {
  const b = window.backpropLab;
  const n = b.state().cursor.count;
  for (let i = 0; i < n; i++) {
    await b.seek(i);
    const c = b.state().cursor;
    if (c.phase === phase && c.layer === layer) return i;
  }
  return -1;
}, [phase, layer]);

/** The CSS point of the maps canvas where the core puts `want` (a click kind), found by
 * asking the core what is under points of a grid: the page's own hit test. */
const findOnMaps = (page, want) => page.evaluate((want) => {
  const c = document.getElementById('maps-canvas');
  const r = c.getBoundingClientRect();
  const app = window.__backpropLabInternals;
  for (let y = 4; y < r.height; y += 6) {
    for (let x = 4; x < r.width; x += 6) {
      const h = JSON.parse(app.lab.hit_maps(x, y, r.width, r.height, app.req));
      if (h && h.kind === want.kind && Object.keys(want).every((k) => h[k] === want[k])) return { x: r.left + x, y: r.top + y, hit: h };
    }
  }
  return null;
}, want);

test('cnn-edge: the CNN panels replace the network ones, every backward step says where its numbers come from', async ({ page }) => {
  await open(page, '?preset=cnn-edge&bench=1');
  await expect(page.locator('#panel-maps')).toBeVisible();
  await expect(page.locator('#panel-layers')).toBeVisible();
  await expect(page.locator('#panel-network')).toBeHidden();
  const s = await state(page);
  for (let i = 1; i < s.cursor.count; i++) {
    await page.evaluate((i) => window.backpropLab.seek(i), i);
    const c = (await state(page)).cursor;
    await expect(page.locator('#step-count')).toContainText(String(i));
    if (c.phase !== 'backward') continue;
    // Each backward step writes its numbers out: lines with "=" and a number.
    const lines = await plainLines(page.locator('#step-numbers > div'));
    expect(lines.length, `step ${i}`).toBeGreaterThan(0);
    expect(lines.some((l) => /=\s*-?[0-9.]+/.test(l)), `step ${i}: ${lines[0]}`).toBe(true);
  }
  // The maps canvas is drawn (not blank) and sized by the core.
  const h = await page.locator('#maps-canvas').evaluate((c) => c.height);
  expect(h).toBeGreaterThan(200);
});

test('a click on a kernel cell shows its chain rule as a sum of δ·x terms', async ({ page }) => {
  await open(page, '?preset=cnn-edge&bench=1');
  const at = await seekTo(page, 'backward', 0);
  expect(at).toBeGreaterThan(0);
  await page.waitForTimeout(100);
  const spot = await findOnMaps(page, { kind: 'kernel', layer: 0, index: 0 });
  expect(spot, 'kernel cell K(1)[1,1,1,1] on the maps').not.toBeNull();
  await page.mouse.click(spot.x, spot.y);
  await expect(page.locator('#chain-pick')).toHaveValue(JSON.stringify({ kind: 'kernel', layer: 0, index: 0 }));
  const chain = page.locator('#chain');
  await expect(chain).toContainText('K(1)[1,1,1,1]');
  // The fixture's ∂L/∂K[0][0][0][0] at 4 digits, at the end of the sum.
  await expect.poll(() => plainText(chain)).toContain('-0.5751');
});

test('painting the input image recomputes the pass; a click at a backward step picks the cell shown both ways', async ({ page }) => {
  await open(page, '?preset=cnn-edge&bench=1');
  const before = await state(page);
  const flat = before.input.flat(Infinity);
  // The middle column of the 5×5 image, top to bottom: the edge the kernel finds.
  const a = await findOnMaps(page, { kind: 'input', index: 2 });
  const b = await findOnMaps(page, { kind: 'input', index: 22 });
  expect(a && b).toBeTruthy();
  // A drag down the column paints every cell it crosses with the value the first lacked.
  const value = flat[2] >= 0.5 ? 0 : 1;
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 12 });
  await page.mouse.up();
  const column = (x) => [2, 7, 12, 17, 22].map((k) => x.flat(Infinity)[k]);
  await expect.poll(async () => column((await state(page)).input)).toEqual([value, value, value, value, value]);
  // The pass is recomputed: the loss at the end differs.
  const loss = async () => { await page.evaluate(() => window.backpropLab.seek(window.backpropLab.state().cursor.count - 2)); return (await state(page)).loss; };
  const painted = await loss();
  await page.evaluate(() => window.backpropLab.load('cnn-edge'));
  expect(painted).not.toBeCloseTo(await loss(), 6);
  // At the conv layer's backward step a click on an input cell frames it both ways.
  await seekTo(page, 'backward', 0);
  await page.waitForTimeout(100);
  const cell = await findOnMaps(page, { kind: 'input', index: 6 });
  expect(cell).not.toBeNull();
  const input = (await state(page)).input.flat(Infinity);
  const picture = () => page.locator('#maps-canvas').evaluate((c) => c.toDataURL());
  const framed = await picture();
  await page.mouse.click(cell.x, cell.y);
  await expect.poll(picture, 'the maps frame the clicked cell instead').not.toBe(framed);
  expect((await state(page)).input.flat(Infinity), 'a click is no paint stroke here').toEqual(input);
});

test('the im2col toggle shows the convolution as matrix products', async ({ page }) => {
  await open(page, '?preset=cnn-edge');
  await seekTo(page, 'forward', 0);
  await expect(page.locator('#im2col-canvas')).toBeHidden();
  await page.locator('#im2col-toggle').check();
  await expect(page.locator('#im2col-canvas')).toBeVisible();
  const drawn = await page.locator('#im2col-canvas').evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200) ink++;
    return ink;
  });
  expect(drawn, 'the matrices are drawn').toBeGreaterThan(500);
});

test('in Chinese the CNN panels and the step are Chinese', async ({ page }) => {
  await open(page, '?preset=lenet-tiny&lang=zh');
  await expect(page.locator('#maps-h')).toHaveText('特征图与卷积核');
  await seekTo(page, 'backward', 0);
  await expect(page.locator('#step-title')).toContainText('反向');
});

test('the input image as number boxes: typing changes the image, a bad value is refused', async ({ page }) => {
  await open(page, '?preset=cnn-edge');
  await page.locator('#maps-input summary').click();
  const box = page.getByRole('textbox', { name: 'x[1,1,2]' });
  await box.fill('0.75');
  await box.press('Enter');
  await expect.poll(async () => (await state(page)).input[0][0][1]).toBe(0.75);
  await box.fill('abc');
  await box.press('Enter');
  await expect(page.locator('#message-text')).toContainText('abc');
  expect((await state(page)).input[0][0][1], 'the image keeps its value').toBe(0.75);
});
