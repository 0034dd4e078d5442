// The two wasm modules: the first screen loads the first one only; the rest of the lab
// (training, datasets, CNNs, exports, the quiz) loads the full one on first use and
// carries the session over; a full module that cannot be fetched is said, and the first
// screen goes on working.
import { test, expect, open } from './helpers.mjs';

/** Records the same-origin paths the page requests. */
function requests(page) {
  const seen = [];
  page.on('request', (r) => seen.push(new URL(r.url()).pathname));
  return seen;
}
const usesFull = (seen) => seen.some((p) => p.includes('/pkg/full/'));
const state = (page) => page.evaluate(() => window.backpropLab.state());

test('the first screen loads the first module only, and steps and edits with it', async ({ page }) => {
  const seen = requests(page);
  await open(page, '?preset=mazur');
  await page.evaluate(() => window.backpropLab.seek(5));
  await page.evaluate(() => window.backpropLab.setWeight(0, 0, 0, 0.2));
  const s = await state(page);
  expect(s.cursor.index).toBe(5);
  expect(s.layers[0].weights_before[0][0]).toBe(0.2);
  await page.locator('#network-canvas').click({ position: { x: 300, y: 200 } });
  await page.waitForTimeout(300);
  expect(usesFull(seen), `requested: ${seen.join(' ')}`).toBe(false);
});

test('pressing Train loads the full module once and keeps the session: cursor, edits, language', async ({ page }) => {
  const seen = requests(page);
  await open(page, '?preset=mazur&lang=zh');
  await page.evaluate(() => window.backpropLab.seek(7));
  await page.evaluate(() => window.backpropLab.setWeight(1, 0, 1, -0.3));
  await page.locator('#tr-epoch').click();
  await expect.poll(async () => (await state(page)).training.updates).toBe(1);
  const s = await state(page);
  expect(s.cursor.index, 'the cursor stays where it was').toBe(7);
  expect(s.layers[1].weights_before[0][1], 'the edited weight, trained once from -0.3').toBeCloseTo(-0.3, 1);
  await expect(page.locator('#step-title')).toContainText('第');
  expect(seen.filter((p) => p.endsWith('/pkg/full/backprop_lab_bg.wasm'))).toHaveLength(1);
  // Training goes on in the full module without fetching it again.
  await page.locator('#tr-epoch').click();
  await expect.poll(async () => (await state(page)).training.updates).toBe(2);
  expect(seen.filter((p) => p.endsWith('/pkg/full/backprop_lab_bg.wasm'))).toHaveLength(1);
});

test('the API is the same before and after: train() and trace() answer on a fresh page', async ({ page }) => {
  await open(page, '?preset=mazur');
  const md = await page.evaluate(() => window.backpropLab.trace('markdown'));
  expect(md, "Mazur's output o1").toContain('0.75136507');
  const loss = await page.evaluate(() => window.backpropLab.train(3));
  expect(typeof loss, 'train() answers with the loss, as before').toBe('number');
  expect((await state(page)).training.updates).toBe(3);
});

test('a CNN, a dataset preset and a link that needs the full module open directly', async ({ page }) => {
  await open(page, '?preset=cnn-edge');
  expect((await state(page)).kind).toBe('cnn');
  await page.evaluate(() => window.backpropLab.load('data-spiral'));
  const s = await state(page);
  expect(s.preset).toBe('data-spiral');
  expect(s.has_dataset).toBe(true);
  await page.evaluate(() => window.backpropLab.seek(4));
  // The link follows the state 250 ms after it settles.
  await page.waitForTimeout(800);
  const link = await page.evaluate(() => location.hash);
  const fresh = await page.context().newPage();
  await fresh.goto(`index.html${link}`);
  await fresh.evaluate(() => window.backpropLab.ready);
  const t = await fresh.evaluate(() => window.backpropLab.state());
  expect(t.preset).toBe('data-spiral');
  expect(t.cursor.index).toBe(4);
  await fresh.close();
});

test('a full module that cannot be fetched is said; the first screen still steps', async ({ page }) => {
  await page.route('**/pkg/full/**', (r) => r.abort());
  page.problems.length = 0;
  await open(page, '?preset=mazur');
  await page.locator('#tr-epoch').click();
  await expect(page.locator('#message-text')).toContainText('could not be loaded');
  await page.evaluate(() => window.backpropLab.next());
  expect((await state(page)).cursor.index).toBe(1);
  // The aborted fetches are the only console errors.
  page.problems.splice(0, page.problems.length, ...page.problems.filter((p) => !/pkg\/full|Failed to fetch|net::ERR_FAILED|dynamically imported/.test(p)));
});
