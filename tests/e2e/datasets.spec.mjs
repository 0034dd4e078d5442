// TensorFlow Playground's datasets in the page: every data-* preset learns at its
// defaults through the page API (load / train / state()), accuracy is reported after
// every train(n), and the input features are toggled in the training panel, drive the
// network and the step panel, and survive a link.
import { test, expect, open, plainText } from './helpers.mjs';
import { state, painted } from './util2.mjs';

// The target and the budget of examples of each preset: 95 % test accuracy (R² ≥ 0.95
// on the test set for the two regressions) within 60 000 examples, the spiral 90 %
// within 300 000. The examples it took are printed (the README's table).
const PRESETS = [
  ['data-circle', 0.95, 60_000],
  ['data-xor', 0.95, 60_000],
  ['data-gaussians', 0.95, 60_000],
  ['data-plane', 0.95, 60_000],
  ['data-gaussian-sum', 0.95, 60_000],
  ['data-spiral', 0.9, 300_000],
];

for (const [name, target, budget] of PRESETS) {
  test(`${name} reaches ${target * 100} % on its test set within ${budget} examples`, async ({ page }) => {
    test.setTimeout(120_000);
    await open(page);
    await page.evaluate((p) => window.backpropLab.load(p), name);
    const s0 = await state(page);
    const regression = s0.training.train_accuracy === null;
    // A classifier has accuracies (and no R²), a regression the other way round.
    expect(s0.training.train_r2 === null).toBe(!regression);
    expect(s0.training.test_accuracy === null).toBe(regression);
    const score = (s) => (regression ? s.training.test_r2 : s.training.test_accuracy);
    const before = score(s0);
    let s = s0;
    let steps = 0;
    while (s.training.examples < budget) {
      // 100 steps of the preset's batches of 10: 1 000 examples a call.
      await page.evaluate(() => window.backpropLab.train(100));
      steps += 100;
      s = await state(page);
      expect(s.training.updates).toBe(steps);
      const sc = score(s);
      expect(typeof sc).toBe('number');
      if (sc >= target) break;
    }
    console.log(`${name}: ${s.training.examples} examples to ${score(s)} (${regression ? 'test R²' : 'test accuracy'}; ${before} untrained)`);
    expect(score(s), `${name} after ${s.training.examples} examples`).toBeGreaterThanOrEqual(target);
    expect(score(s)).not.toBe(before);
    // The status line shows the scores.
    await painted(page);
    await expect(page.locator('#tr-status')).toContainText(regression ? 'R²: train' : 'accuracy: train');
  });
}

test('features are toggled in the panel, shape the input layer, are explained and survive a link', async ({ page }) => {
  await open(page, '?preset=data-circle');
  await page.evaluate(() => window.backpropLab.train(0)); // the full lab, loaded
  const box = (name) => page.locator(`#ds-features input[value="${name}"]`);
  await expect(box('x1')).toBeChecked();
  await expect(box('x2')).toBeChecked();
  await expect(box('x1_sq')).not.toBeChecked();
  await expect(page.locator('#ds-features input')).toHaveCount(7);
  // x₁² and x₂² instead of x₁ and x₂: in them the circle is a straight line.
  await box('x1_sq').check();
  await expect.poll(async () => (await state(page)).sizes[0]).toBe(3);
  await box('x2_sq').check();
  await box('x1').uncheck();
  await box('x2').uncheck();
  await expect.poll(async () => (await state(page)).sizes[0]).toBe(2);
  const saved = await page.evaluate(() => window.backpropLab.exportState());
  expect(saved.dataset.features).toEqual(['x1_sq', 'x2_sq']);
  // The step panel's start step says how the inputs were computed from (x₁, x₂).
  await page.evaluate(() => window.backpropLab.seek(0));
  await painted(page);
  // (The typeset formula's plain text, as copying gives it.)
  await expect.poll(() => plainText(page.locator('#step-symbols'))).toContain('x₁²');
  await expect(page.locator('#step-note')).toContainText('features of the data point');
  // The input vector is the squares (a point's x₁² and x₂²).
  for (const v of (await state(page)).input) expect(v).toBeGreaterThanOrEqual(0);
  // Training on them: the circle becomes linearly separable.
  await page.evaluate(() => window.backpropLab.train(3000));
  const acc = (await state(page)).training.test_accuracy;
  expect(acc).toBeGreaterThanOrEqual(0.95);
  // The link carries them: a reload opens the same features.
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  await page.evaluate(() => new Promise((r) => setTimeout(r, 400)));
  await page.reload();
  await page.evaluate(() => window.backpropLab.ready);
  await expect(box('x1_sq')).toBeChecked();
  await expect(box('x2_sq')).toBeChecked();
  await expect(box('x1')).not.toBeChecked();
  expect((await state(page)).sizes[0]).toBe(2);
  // One left is one input; none left is refused with a message, nothing changes.
  await box('x1_sq').uncheck();
  await expect.poll(async () => (await state(page)).sizes[0]).toBe(1);
  await box('x2_sq').click(); // the box comes back ticked: the change is refused
  await expect(page.locator('#message')).toBeVisible();
  await expect(page.locator('#message-text')).toHaveText('Tick at least one input feature: the network needs an input.');
  expect((await state(page)).sizes[0]).toBe(1);
  await expect(box('x2_sq')).toBeChecked();
});
