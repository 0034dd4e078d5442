// A reader who reads Chinese first switches the interface to 简体中文; the choice
// sticks across reloads, and ?lang= in the link overrides it.
import { test, expect, open } from './helpers.mjs';
import { focusPage } from './util2.mjs';

const CJK = /[\u4e00-\u9fff]/;

// Panel headings may keep formula symbols — a single Latin letter standing alone,
// as in "x", "W(2)" or "∂L/∂W" — since those are notation, not words. Any run of
// two or more Latin letters is an untranslated English word. We strip the lone
// letters rather than skip whole headings, so a heading mixing a symbol with an
// English word still fails.
const untranslated = (text) => text.replace(/(?<![A-Za-z])[A-Za-z](?![A-Za-z])/g, '').match(/[a-z]/i);

async function switchToChinese(page) {
  await page.selectOption('#lang', 'zh');
  await expect(page.locator('h1')).toContainText('反向传播实验室');
  await focusPage(page);
}

test('switching to 简体中文 translates the header, the step panel and the headings', async ({ page }) => {
  await open(page, '?preset=mazur');
  await expect(page.locator('#step-title')).toContainText('Start');
  await switchToChinese(page);
  await expect(page.locator('html')).toHaveAttribute('lang', /^zh/);
  await expect(page.locator('#step-title')).toContainText('开始');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#step-title')).toContainText('前向传播');
  await expect(page.locator('#step-phase')).toContainText('前向');

  for (const id of ['btn-start', 'btn-prev', 'btn-play', 'btn-next', 'btn-end']) {
    const b = page.locator(`#${id}`);
    await expect(b, `#${id} title`).toHaveAttribute('title', CJK);
    await expect(b, `#${id} accessible name`).toHaveAccessibleName(CJK);
  }
  await expect(page.locator('#btn-next')).toHaveAttribute('title', /下一步/);

  const headings = await page.locator('h2').allTextContents();
  expect(headings.length).toBeGreaterThanOrEqual(8);
  for (const h of headings) {
    expect(h, `heading "${h}" is in Chinese`).toMatch(CJK);
    expect(untranslated(h), `heading "${h}" has no English word`).toBeNull();
  }
});

test('the timeline step buttons follow a language switch', async ({ page }) => {
  await open(page, '?preset=mazur');
  const steps = page.locator('#steps button');
  await expect(steps.first()).toHaveAttribute('title', 'start');
  await switchToChinese(page);
  const titles = await steps.evaluateAll((bs) => bs.map((b) => b.title));
  expect(titles.length).toBe(11);
  for (const [i, title] of titles.entries()) expect(title, `timeline step ${i} title`).toMatch(CJK);
});

test('the language survives a reload, and ?lang=en overrides it', async ({ page }) => {
  await open(page, '?preset=mazur');
  await switchToChinese(page);
  await page.reload();
  await page.evaluate(() => window.backpropLab.ready);
  await expect(page.locator('#lang')).toHaveValue('zh');
  await expect(page.locator('h1')).toContainText('反向传播实验室');
  await expect(page.locator('#step-title')).toContainText('开始');
  await expect(page.locator('#steps button').nth(1)).toHaveAttribute('title', CJK);

  await open(page, '?preset=mazur&lang=en');
  await expect(page.locator('#lang')).toHaveValue('en');
  await expect(page.locator('h1')).toContainText('Backprop Lab');
  await expect(page.locator('h1')).not.toContainText('反向传播实验室');
  await expect(page.locator('#step-title')).toContainText('Start');
  await expect(page.locator('#btn-next')).toHaveAttribute('title', /Next step/);
});
