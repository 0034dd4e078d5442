// The pictures a student sees at each phase of Mazur's pass, kept for review in
// test-results/screenshots/, and the chain rule of a weight picked on the canvas.
import { test, expect, open } from './helpers.mjs';
import { state, painted } from './util2.mjs';
import { mkdirSync, copyFileSync } from 'node:fs';

const SHOTS = new URL('../../test-results/screenshots/', import.meta.url);

test('one screenshot per phase, each different from the one before', async ({ page }, testInfo) => {
  await open(page, '?preset=mazur');
  const last = (await state(page)).cursor.count - 1;
  mkdirSync(SHOTS, { recursive: true });
  let prevPage = null;
  let prevNet = null;
  for (const [phase, k, title] of [['forward', 2, 'a(1)'], ['loss', 5, 'Loss'], ['backward', 8, 'δ(1)'], ['update', last, 'Update']]) {
    await page.locator('#steps button').nth(k).click();
    await expect(page.locator('#steps button[aria-current="step"]')).toHaveAttribute('data-index', String(k));
    await expect(page.locator('#step-phase')).toContainText(phase);
    await expect(page.locator('#step-title')).toContainText(title);
    await painted(page);
    const path = testInfo.outputPath(`phase-${phase}.png`);
    const shot = await page.screenshot({ path, fullPage: true });
    copyFileSync(path, new URL(`phase-${phase}.png`, SHOTS));
    // The network view itself must change from phase to phase, not only the text.
    const net = await page.locator('#network-canvas').screenshot();
    if (prevPage) {
      expect(shot.equals(prevPage), `full page at ${phase} differs from the previous phase`).toBe(false);
      expect(net.equals(prevNet), `network view at ${phase} differs from the previous phase`).toBe(false);
    }
    prevPage = shot;
    prevNet = net;
  }
});

test('clicking an edge on the network canvas shows its chain rule and a finite-difference check', async ({ page }) => {
  await open(page, '?preset=mazur');
  await page.keyboard.press('End');
  await expect(page.locator('#step-title')).toContainText('Update');
  const canvas = page.locator('#network-canvas');
  const box = await canvas.boundingBox();
  const heading = page.locator('#chain h3');
  // There is no API for positions: scan a grid over the canvas until a click lands on an edge.
  let hit = null;
  for (let fy = 0.05; fy < 1 && !hit; fy += 0.05) {
    for (let fx = 0.05; fx < 1 && !hit; fx += 0.05) {
      await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
      await painted(page);
      if ((await heading.count()) && (await heading.textContent()).includes('∂L/∂W')) hit = { fx, fy };
    }
  }
  expect(hit, 'some point on the canvas selects a weight').not.toBeNull();

  const chain = page.locator('#chain');
  const [, l, i, j] = (await heading.textContent()).match(/∂L\/∂W\((\d)\)_(\d)(\d)/);
  await expect(chain).toContainText('Finite differences');
  await expect(chain).toContainText('relative difference');
  const check = await chain.locator('p.check').textContent();
  const [, backprop] = check.match(/Backprop: (-?[0-9.e+-]+)/);
  const [, numeric] = check.match(/Finite differences: (-?[0-9.e+-]+)/);
  const [, rel] = check.match(/relative difference (\S+)/);
  const s = await state(page);
  const exact = s.layers[l - 1].grad_weights[i - 1][j - 1];
  expect(Number(backprop)).toBeCloseTo(exact, 8);
  expect(Number(numeric)).toBeCloseTo(exact, 6);
  expect(Number(rel)).toBeLessThan(1e-6);
  // The selected weight's box shows that weight's value.
  await expect(chain.locator(`[data-key="cw-${l - 1}-${i - 1}-${j - 1}"]`)).toHaveValue(String(s.layers[l - 1].weights_before[i - 1][j - 1]));
});
