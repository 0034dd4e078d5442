// Shared set-up: every page is watched for console errors, page errors and CSP
// violations, and a test fails if any appear.
import { test as base, expect } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';

export const test = base.extend({
  page: async ({ page }, use) => {
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    page.problems = problems;
    await use(page);
    expect(problems, 'no console errors, page errors or CSP violations').toEqual([]);
  },
});
export { expect };

/** Opens the app and waits for the embedding API. */
export async function open(page, query = '') {
  await page.goto(`index.html${query}`);
  await page.evaluate(() => window.backpropLab.ready);
}

export const FIXTURES = new URL('../fixtures/', import.meta.url);

/** Every step fixture (those with input/target) from tests/fixtures. */
export function stepFixtures() {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json') && !f.startsWith('train-'))
    .map((f) => ({ file: f, data: JSON.parse(readFileSync(new URL(f, FIXTURES), 'utf8')) }));
}

/** |got − exp| ≤ tol · max(1, |exp|), element by element, as the fixtures define it. */
export function close(got, exp, tol, where = '') {
  if (Array.isArray(exp)) {
    expect(got, where).toHaveLength(exp.length);
    exp.forEach((e, i) => close(got[i], e, tol, `${where}[${i}]`));
    return;
  }
  expect(typeof got, `${where} is a number`).toBe('number');
  expect(Math.abs(got - exp), where).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(exp)));
}

/** The plain text of each typeset formula line under `locator` (what copying gives). */
export function plainLines(locator) {
  return locator.evaluateAll((els) => els.map((e) => e.dataset.plain ?? e.textContent));
}

/** The plain text of every formula line under `locator`, one a line. */
export async function plainText(locator) {
  return (await plainLines(locator.locator('[data-plain]'))).join('\n');
}

/** Reads the numbers a formula line ends with ("… = 0.1385"). */
export function lastNumber(line) {
  const m = line.match(/= (-?[0-9.]+(?:e-?\d+)?)\s*$/);
  return m ? Number(m[1]) : NaN;
}
