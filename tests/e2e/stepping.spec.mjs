// A student opens the page, picks Mazur's example and steps through the whole pass
// with the keyboard; the numbers on screen and from state() match the fixture.
import { test, expect, open, close, stepFixtures, lastNumber, plainLines } from './helpers.mjs';
import { readFileSync } from 'node:fs';

const mazur = JSON.parse(readFileSync(new URL('../fixtures/mazur-2-2-2.json', import.meta.url), 'utf8'));

test('Mazur by keyboard: every step on screen and in state()', async ({ page }) => {
  await open(page, '?preset=xor');
  await page.selectOption('#preset', 'mazur');
  await expect(page.locator('#step-title')).toContainText('Start');
  let s = await page.evaluate(() => window.backpropLab.state());
  expect(s.layers[0].z).toEqual([null, null]);
  expect(s.loss).toBeNull();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  const exp = mazur.expected;
  const tol = 1e-9;
  const seen = [];
  for (let k = 1; k < s.cursor.count; k++) {
    await page.keyboard.press(k % 3 === 0 ? 'Space' : k % 3 === 1 ? 'ArrowRight' : 'PageDown');
    s = await page.evaluate(() => window.backpropLab.state());
    expect(s.cursor.index).toBe(k);
    // The page redraws on the next animation frame: wait for it before reading the screen.
    await expect(page.locator('#step-count')).toHaveText(`step ${k} of ${s.cursor.count - 1}`);
    const lines = await plainLines(page.locator('#step-numbers > div'));
    seen.push(...lines);
    const c = s.cursor;
    if (c.kind === 'weighted_sum') {
      close(s.layers[c.layer].z, exp.layers[c.layer].z, tol, `z(${c.layer})`);
      lines.forEach((line, i) => close(lastNumber(line), exp.layers[c.layer].z[i], 5e-4, `on screen z ${line}`));
    }
    if (c.kind === 'activation') close(s.layers[c.layer].a, exp.layers[c.layer].a, tol, 'a');
    if (c.kind === 'loss') {
      close(s.loss, exp.loss, tol, 'loss');
      close(lastNumber(lines[0]), exp.loss, 5e-4, 'loss on screen');
    }
    if (c.kind === 'delta') {
      close(s.layers[c.layer].delta, exp.layers[c.layer].delta, tol, 'delta');
      close(lastNumber(lines.at(-1)), exp.layers[c.layer].delta.at(-1), 5e-4, 'delta on screen');
    }
    if (c.kind === 'gradients') {
      close(s.layers[c.layer].grad_weights, exp.layers[c.layer].grad_weights, tol, 'grad_weights');
      close(s.layers[c.layer].grad_biases, exp.layers[c.layer].grad_biases, tol, 'grad_biases');
    }
  }
  expect(s.cursor.kind).toBe('update');
  s.layers.forEach((L, l) => {
    close(L.weights, exp.updated_layers[l].weights, tol, `updated W(${l})`);
    close(L.biases, exp.updated_layers[l].biases, tol, `updated b(${l})`);
  });
  close(s.loss_after_step, exp.loss_after_step, tol, 'loss_after_step');
  // Mazur's published numbers appear on screen, as he rounds them.
  const text = seen.join('\n');
  for (const n of ['0.3775', '0.5933', '0.7514', '0.7729', '0.2984', '0.1385', '0.08217', '0.3589', '0.4087', '0.5113', '0.5614', '0.1498', '0.1996', '0.2498', '0.2995']) {
    expect(text).toContain(n);
  }
  // Back with the keyboard, Home and End.
  await page.keyboard.press('ArrowLeft');
  expect((await page.evaluate(() => window.backpropLab.state())).cursor.index).toBe(s.cursor.count - 2);
  await page.keyboard.press('Home');
  expect((await page.evaluate(() => window.backpropLab.state())).cursor.index).toBe(0);
  await page.keyboard.press('End');
  expect((await page.evaluate(() => window.backpropLab.state())).cursor.kind).toBe('update');
});

test('every step fixture through load() and state()', async ({ page }) => {
  await open(page);
  for (const { file, data } of stepFixtures()) {
    const { expected: exp, tolerance: tol } = data;
    await page.evaluate((fx) => window.backpropLab.load(fx), data);
    const count = (await page.evaluate(() => window.backpropLab.state())).cursor.count;
    const before = await page.evaluate(() => window.backpropLab.state());
    before.layers.forEach((L) => expect(L.z.every((v) => v === null)).toBe(true));
    await page.evaluate((n) => window.backpropLab.seek(n - 2), count);
    const s = await page.evaluate(() => window.backpropLab.state());
    exp.layers.forEach((E, l) => {
      for (const k of ['z', 'a', 'delta', 'grad_weights', 'grad_biases']) close(s.layers[l][k], E[k], tol, `${file} layers[${l}].${k}`);
      close(s.layers[l].weights, data.network.layers[l].weights, 0, `${file}: weights used by the pass`);
    });
    close(s.loss, exp.loss, tol, `${file} loss`);
    expect(s.loss_after_step).toBeNull();
    await page.evaluate(() => window.backpropLab.next());
    const u = await page.evaluate(() => window.backpropLab.state());
    exp.updated_layers.forEach((E, l) => {
      close(u.layers[l].weights, E.weights, tol, `${file} updated weights`);
      close(u.layers[l].biases, E.biases, tol, `${file} updated biases`);
    });
    close(u.loss_after_step, exp.loss_after_step, tol, `${file} loss_after_step`);
  }
});

test('timeline buttons and clicks', async ({ page }) => {
  await open(page, '?preset=mazur');
  await page.click('#btn-end');
  await expect(page.locator('#step-title')).toContainText('Update');
  await page.click('#btn-start');
  await expect(page.locator('#step-title')).toContainText('Start');
  await page.click('#btn-next');
  await page.click('#btn-next');
  await page.click('#btn-prev');
  expect((await page.evaluate(() => window.backpropLab.state())).cursor.index).toBe(1);
  await page.locator('#steps button').nth(5).click();
  await expect(page.locator('#step-title')).toContainText('Loss');
  await expect(page.locator('#steps button[aria-current="step"]')).toHaveCount(1);
});

test('a 16-wide layer: the step panel shows the first lines, "Show all lines" shows every one', async ({ page }) => {
  await open(page, '?preset=mazur');
  const row = (j, n) => Array.from({ length: n }, (_, k) => ((j * 7 + k * 3) % 11) / 20 - 0.25);
  const layer = (w, n, activation) => ({ activation, weights: Array.from({ length: w }, (_, j) => row(j, n)), biases: Array(w).fill(0.1) });
  await page.evaluate((network) => window.backpropLab.load({ network, input: [0.5, -0.3], target: [1], learning_rate: 0.1 }),
    { layers: [layer(16, 2, 'tanh'), layer(16, 16, 'tanh'), layer(1, 16, 'sigmoid')], loss: 'half_sse' });
  const count = (await page.evaluate(() => window.backpropLab.state())).cursor.count;
  // Labels come from the core's notation: a comma once an index has two digits.
  await expect(page.locator('#values [data-key="w-1-11-0"]')).toHaveAttribute('aria-label', 'W(2)_12,1');
  await expect(page.locator('#values [data-key="w-1-1-2"]')).toHaveAttribute('aria-label', 'W(2)_23');
  await expect(page.locator('#chain-pick option').filter({ hasText: /^W\(2\)_12,1$/ })).toHaveCount(1);
  // The update step: 16·2 + 16 + 16·16 + 16 + 16 + 1 weights and biases, and L⁺.
  await page.evaluate((i) => window.backpropLab.seek(i), count - 1);
  const lines = page.locator('#step-numbers > div');
  await expect(lines).toHaveCount(24);
  await expect(lines.first()).toHaveAttribute('data-plain', /^L⁺ = /);
  const more = page.locator('#step-more');
  await expect(more).toHaveText('Show all lines');
  await more.click();
  await expect(lines).toHaveCount(32 + 16 + 256 + 16 + 16 + 1 + 1);
  await expect(lines.last()).toHaveAttribute('data-plain', /^L⁺ = /);
  await expect(more).toHaveText('Show fewer lines');
  // Showing all lines, a short step has nothing to hide: no button.
  await page.evaluate(() => window.backpropLab.seek(1));
  await expect(more).toBeHidden();
  await page.evaluate((i) => window.backpropLab.seek(i), count - 1);
  await expect(more).toHaveText('Show fewer lines');
  await more.click();
  await expect(lines).toHaveCount(24);
  // A small layer has no button.
  await page.evaluate(() => window.backpropLab.seek(1));
  await expect(more).toBeHidden();
});

test("the page's numbers follow the core's rules (number::fmt's own cases)", async ({ page }) => {
  await open(page, '?preset=mazur');
  const cases = [[0.2983711087600027, 9, '0.298371109'], [0.13849856162855695, 4, '0.1385'], [-0.03809823651655623, 4, '-0.0381'],
    [12.0, 4, '12'], [0, 4, '0'], [1.5e-7, 3, '1.5e-7'], [123456789.0, 4, '1.235e8'], [9.99996, 4, '10'],
    [-0.000123456, 3, '-0.000123'], [12345.6, 4, '12346'], [10000, 4, '10000'], ['inf', 4, 'inf'], ['nan', 4, 'NaN']];
  const got = await page.evaluate(async (cs) => {
    const { fmt } = await import('./www/dom.js');
    const num = (x) => (x === 'inf' ? Infinity : x === 'nan' ? NaN : x);
    return cs.map(([x, d]) => fmt(num(x), d));
  }, cases);
  expect(got).toEqual(cases.map((c) => c[2]));
});
