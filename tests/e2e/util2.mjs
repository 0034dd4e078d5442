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

/** Adds a same-origin iframe of the lab to the page and waits for it to load. */
export const addLabFrame = (page, src) => page.evaluate((url) => new Promise((resolve, reject) => {
  const f = document.createElement('iframe');
  f.id = 'embedded-lab';
  f.src = url;
  f.style.cssText = 'width: 1100px; height: 800px';
  f.onload = () => resolve();
  f.onerror = () => reject(new Error(`iframe ${url} did not load`));
  document.body.append(f);
}), src);

/**
 * Sends {backpropLab: {id, method, args}} to the iframe, as a host page would, and
 * returns the reply's body plus whether it came from the iframe.
 */
export const callFrame = (page, id, method, args = []) => page.evaluate(([id, method, args]) => new Promise((resolve, reject) => {
  const frame = document.getElementById('embedded-lab').contentWindow;
  const timer = setTimeout(() => reject(new Error(`no reply to ${method} (id ${id}) within 5 s`)), 5000);
  window.addEventListener('message', function on(e) {
    const m = e.data && e.data.backpropLab;
    if (!m || m.id !== id || 'method' in m) return;
    clearTimeout(timer);
    window.removeEventListener('message', on);
    resolve({ ...m, fromFrame: e.source === frame });
  });
  frame.postMessage({ backpropLab: { id, method, args } }, '*');
}), [id, method, args]);
