// Script injection: markup and javascript: URLs in every string a user can hand the
// page (a file, a link, the API) show as text; no element is ever built from them.
import { test, expect, open } from './helpers.mjs';

const PAYLOADS = ['<script>window.__pwned = 1</script>', '<img src=x onerror="window.__pwned = 1">', 'javascript:window.__pwned=1'];

/** True if the page grew an element from a payload, or a payload ran. */
async function injected(page) {
  return page.evaluate(() => Boolean(window.__pwned) || document.querySelectorAll('img[src="x"], script:not([src])').length > 0);
}

for (const payload of PAYLOADS) {
  test(`load() with ${payload.slice(0, 20)}… in every string field shows it as text`, async ({ page }) => {
    await open(page, '?preset=mazur');
    const fields = [
      { network: { layers: [{ activation: payload, weights: [[1]], biases: [0] }], loss: 'mse' }, input: [1], target: [0], learning_rate: 0.1 },
      { network: { layers: [{ activation: 'tanh', weights: [[1]], biases: [0] }], loss: payload }, input: [1], target: [0], learning_rate: 0.1 },
      { network: { layers: [{ activation: 'tanh', weights: [[payload]], biases: [0] }], loss: 'mse' }, input: [1], target: [0], learning_rate: 0.1 },
      { preset: payload },
      { preset: 'mazur', view: { lang: payload } },
      { preset: 'mazur', view: { panels: [payload] } },
      { preset: 'mazur', view: { mode: payload } },
    ];
    for (const bad of fields) {
      const err = await page.evaluate((b) => window.backpropLab.load(b).then(() => null, (e) => e.message), bad);
      expect(err, JSON.stringify(bad).slice(0, 80)).toBeTruthy();
      // The message is on the page as text, with the payload's characters intact.
      const shown = await page.locator('#message-text').textContent();
      expect(shown).toBe(err);
      expect(await injected(page)).toBe(false);
    }
    // Still Mazur, still working.
    expect((await page.evaluate(() => window.backpropLab.state())).layers[1].weights_before[0][0]).toBe(0.4);
  });
}

test('a link whose state carries markup shows a message, never the markup', async ({ page }) => {
  const state = { preset: '<img src=x onerror="window.__pwned = 1">' };
  const hash = Buffer.from(JSON.stringify(state)).toString('base64url');
  await open(page, `#s=${hash}`);
  await expect(page.locator('#message-text')).toContainText('<img src=x');
  expect(await injected(page)).toBe(false);
});

test('a typed weight with markup is refused as text', async ({ page }) => {
  await open(page, '?preset=mazur');
  const box = page.locator('input[data-key="w-1-0-0"]');
  await box.fill('<script>window.__pwned = 1</script>');
  await box.press('Enter');
  await expect(page.locator('#message-text')).toContainText('<script>');
  expect(await injected(page)).toBe(false);
});
