// A student edits numbers in place — in the values table or through the API — and
// the pass is recomputed at once, the cursor staying where it was.
import { test, expect, open, plainText } from './helpers.mjs';
import { state, painted, typeInto, focusPage } from './util2.mjs';

test('typing a new weight at the end of the pass recomputes it in place', async ({ page }) => {
  await open(page, '?preset=mazur');
  await focusPage(page);
  await page.keyboard.press('End');
  await expect(page.locator('#step-title')).toContainText('Update');
  const before = await state(page);
  expect(before.cursor.kind).toBe('update');
  expect(before.layers[1].weights_before[0][0]).toBe(0.4);
  const numbers = page.locator('#step-numbers');
  const numbersBefore = await plainText(numbers);
  expect(numbersBefore).toContain('W(2)_11 = 0.4 − 0.5 · 0.08217 = 0.3589');
  await expect(page.locator('#values [data-key="w-1-0-0"]')).toHaveValue('0.4');

  const box = await typeInto(page, 'w-1-0-0', '0.3');
  await expect.poll(async () => (await state(page)).layers[1].weights_before[0][0]).toBe(0.3);
  const after = await state(page);
  expect(after.cursor.index).toBe(before.cursor.index);
  expect(after.cursor.kind).toBe('update');
  expect(after.loss).not.toBe(before.loss);
  // W(2)_11 feeds output 1, whose target is 0.01: a smaller weight lowers that output,
  // so the loss must fall.
  expect(after.loss).toBeLessThan(before.loss);
  // The other weights are untouched; the update uses the new gradient.
  expect(after.layers[1].weights_before[1]).toEqual([0.5, 0.55]);
  expect(after.layers[1].weights[0][0]).toBeCloseTo(0.3 - 0.5 * after.layers[1].grad_weights[0][0], 12);
  expect(after.layers[1].grad_weights[0][0]).not.toBe(before.layers[1].grad_weights[0][0]);

  // What the student sees: the step panel and the box show the new weight.
  await expect.poll(() => plainText(numbers)).not.toBe(numbersBefore);
  await expect.poll(() => plainText(numbers)).toContain('W(2)_11 = 0.3 − 0.5 ·');
  await expect(box).toHaveValue('0.3');
  await expect(box).not.toHaveClass(/invalid/);
  await expect(page.locator('#message')).toBeHidden();
});

test('a value commits when the box loses focus, without Enter', async ({ page }) => {
  await open(page, '?preset=mazur');
  await focusPage(page);
  await page.keyboard.press('End');
  const lossBefore = (await state(page)).loss;
  const bias = page.locator('#values [data-key="b-0-0"]');
  await bias.fill('0.5');
  await bias.press('Tab'); // blur: a change event, no Enter
  await expect.poll(async () => (await state(page)).layers[0].biases_before[0]).toBe(0.5);
  expect((await state(page)).loss).not.toBe(lossBefore);
  // The learning rate box in the settings panel commits the same way.
  const lr = page.locator('#edit [data-key="lr"]');
  await lr.fill('0.25');
  await lr.press('Tab');
  await expect.poll(async () => (await state(page)).learning_rate).toBe(0.25);
  await expect.poll(() => plainText(page.locator('#step-numbers'))).toContain('0.25 ·');
  await expect(page.locator('#step-title')).toContainText('0.25');
});

test('setWeight, setBias and setInput through the API change state() and the table', async ({ page }) => {
  await open(page, '?preset=mazur');
  const count = (await state(page)).cursor.count;
  await page.evaluate((n) => window.backpropLab.seek(n - 1), count);
  let s = await state(page);
  // z(1)_1 = W(1)_11·x_1 + W(1)_12·x_2 + b(1)_1 = 0.15·0.05 + 0.2·0.1 + 0.35
  expect(s.layers[0].z[0]).toBeCloseTo(0.3775, 12);

  await page.evaluate(() => window.backpropLab.setInput(0, 1));
  s = await state(page);
  expect(s.input).toEqual([1, 0.1]);
  expect(s.layers[0].z[0]).toBeCloseTo(0.15 * 1 + 0.2 * 0.1 + 0.35, 12);

  await page.evaluate(() => window.backpropLab.setBias(0, 0, 0.5));
  s = await state(page);
  expect(s.layers[0].biases_before[0]).toBe(0.5);
  expect(s.layers[0].z[0]).toBeCloseTo(0.15 + 0.02 + 0.5, 12);

  await page.evaluate(() => window.backpropLab.setWeight(0, 0, 1, 0.4));
  s = await state(page);
  expect(s.layers[0].weights_before[0]).toEqual([0.15, 0.4]);
  expect(s.layers[0].z[0]).toBeCloseTo(0.15 + 0.04 + 0.5, 12);
  expect(s.layers[0].z[1]).toBeCloseTo(0.25 + 0.03 + 0.35, 12); // unit 2 untouched
  expect(s.cursor.index).toBe(count - 1);

  // The values table shows the edited numbers.
  await painted(page);
  await expect(page.locator('#values [data-key="x-0"]')).toHaveValue('1');
  await expect(page.locator('#values [data-key="b-0-0"]')).toHaveValue('0.5');
  await expect(page.locator('#values [data-key="w-0-0-1"]')).toHaveValue('0.4');
  await expect(page.locator('#values [data-key="w-0-0-0"]')).toHaveValue('0.15');
});

test('a box being typed in keeps its focus and text when a commit elsewhere rebuilds the tables', async ({ page }) => {
  await open(page, '?preset=mazur');
  const lr = page.locator('#edit [data-key="lr"]');
  await lr.click();
  await lr.fill('0.25');
  // Another box commits (as a Tab out of it would): the tables and the settings rebuild.
  await page.evaluate(() => {
    const b = document.querySelector('#values [data-key="b-0-0"]');
    b.value = '0.5';
    b.dispatchEvent(new Event('change'));
  });
  await expect.poll(async () => (await state(page)).layers[0].biases_before[0]).toBe(0.5);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await expect(lr).toBeFocused();
  await expect(lr).toHaveValue('0.25');
  await lr.press('Tab');
  await expect.poll(async () => (await state(page)).learning_rate).toBe(0.25);
});
