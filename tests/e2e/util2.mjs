// Small helpers for the editing, bad-input, language, embed and screenshot specs.
import { readFileSync } from 'node:fs';
import { expect } from './helpers.mjs';

export const mazurFixture = () =>
  JSON.parse(readFileSync(new URL('../fixtures/mazur-2-2-2.json', import.meta.url), 'utf8'));

export const state = (page) => page.evaluate(() => window.backpropLab.state());

/** Waits until the page has drawn (the app redraws on the next animation frame). */
export const painted = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Types `text` into the box with data-key `key` and presses Enter, as a user would. */
export async function typeInto(page, key, text) {
  const box = page.locator(`[data-key="${key}"]`).first();
  await box.fill(text);
  await box.press('Enter');
  await painted(page);
  return box;
}

/** Moves keyboard focus off any input, so the step keys reach the page. */
export const focusPage = (page) => page.locator('body').click({ position: { x: 5, y: 5 } });

/** Home then → with the keyboard: the cursor must go to step 1 and the title follow. */
export async function expectStillSteps(page) {
  await focusPage(page);
  await page.keyboard.press('Home');
  await expect.poll(async () => (await state(page)).cursor.index).toBe(0);
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await state(page)).cursor.index).toBe(1);
  await expect(page.locator('#step-title')).toContainText('z(1)');
}

/** Calls load(x) in the page; returns null if it resolved, else what it rejected with. */
export const tryLoad = (page, x) => page.evaluate(async (arg) => {
  try {
    await window.backpropLab.load(arg);
    return null;
  } catch (e) {
    return { isError: e instanceof Error, message: String(e && e.message) };
  }
}, x);
