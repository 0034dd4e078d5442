// Training a CNN in the page: cnn-strokes learns its pictures through the Train button
// and the API, the fully connected network beside it is reported under the status line
// in both languages, the kernels in the maps view change, new weights start both again,
// and a link keeps the pictures.
import { test, expect, open } from './helpers.mjs';

const state = (page) => page.evaluate(() => window.backpropLab.state());

test('cnn-strokes trains through the API and beats its fully connected rival', async ({ page }) => {
  await open(page, '?preset=cnn-strokes');
  await expect.poll(async () => (await state(page)).kind).toBe('cnn');
  const before = await state(page);
  expect(before.has_dataset).toBe(true);
  expect(before.training.rival).toMatchObject({ sizes: [64, 2, 3], params: 139, net_params: 151 });
  const kernels = before.layers[0].weights;
  await expect(page.locator('#tr-rival')).toContainText('64-2-3');
  await expect(page.locator('#tr-rival')).toContainText('139');
  // 1 500 examples of online SGD, in calls as a host page makes them.
  for (let k = 0; k < 3; k++) await page.evaluate(() => window.backpropLab.train(500));
  const after = await state(page);
  expect(after.training.examples).toBe(1500);
  expect(after.training.test_accuracy).toBeGreaterThanOrEqual(0.9);
  expect(after.training.test_accuracy).toBeGreaterThan(after.training.rival.test_accuracy + 0.1);
  expect(after.layers[0].weights).not.toEqual(kernels);
  await expect(page.locator('#tr-rival')).toContainText(/test \d/);
  // The status line and the rival's line in Chinese.
  await page.selectOption('#lang', 'zh');
  await expect(page.locator('#tr-rival')).toContainText('全连接网络 64-2-3');
  await expect(page.locator('#tr-status')).toContainText('准确率');
});

test('the Train button trains the CNN and its rival; new weights start both again; a link keeps the pictures', async ({ page }) => {
  await open(page, '?preset=cnn-strokes');
  await expect.poll(async () => (await state(page)).kind).toBe('cnn');
  // The controls a CNN has no use for are hidden.
  await expect(page.locator('#ds-kind')).toBeHidden();
  await expect(page.locator('#ar-add')).toBeHidden();
  await expect(page.locator('#tr-new')).toBeVisible();
  await page.locator('#tr-play').click();
  await expect.poll(async () => (await state(page)).training.examples, { timeout: 20_000 }).toBeGreaterThan(600);
  await page.locator('#tr-play').click();
  const trained = await state(page);
  expect(trained.training.rival.last_loss).not.toBeNull();
  const link = await page.evaluate(() => window.backpropLab.exportState());
  expect(link.dataset).toEqual({ images: 'strokes', points: 600, noise: 0.3, test_fraction: 0.5, seed: 1 });
  await page.locator('#tr-new').click();
  await expect.poll(async () => (await state(page)).training.examples).toBe(0);
  const fresh = await state(page);
  expect(fresh.layers[0].weights).not.toEqual(trained.layers[0].weights);
  expect(fresh.training.rival.last_loss).toBeNull();
  // A broken image spec is refused with the field, the lab kept as it was.
  const bad = { ...link, dataset: { ...link.dataset, images: 'circles' } };
  const err = await page.evaluate((s) => window.backpropLab.load(s).then(() => null, (e) => String(e.message ?? e)), bad);
  expect(err).toContain('dataset.images');
  expect((await state(page)).kind).toBe('cnn');
});
