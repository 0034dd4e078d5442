// Helpers for the classroom and accessibility specs.
import { readFile } from 'node:fs/promises';
import { expect } from './helpers.mjs';

/**
 * Watches a page opened by the test itself (not the `page` fixture) for console
 * errors, page errors and CSP violations, reporting them into `problems` (pass the
 * fixture page's `page.problems`, which the fixture checks when the test ends).
 */
export async function watch(page, problems, name = 'second page') {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${name} console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${name} pageerror: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return page;
}

/** Clicks `locator` and waits for the download it starts; returns its name and bytes. */
export async function download(page, locator) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), locator.click()]);
  expect(await d.failure(), `download ${d.suggestedFilename()} completes`).toBeNull();
  const buf = await readFile(await d.path());
  return { name: d.suggestedFilename(), buf, text: buf.toString('utf8') };
}

/** The parts of state() a link or a saved file must carry over exactly. */
export const essentials = (s) => ({
  cursor: s.cursor,
  weights_before: s.layers.map((l) => l.weights_before),
  biases_before: s.layers.map((l) => l.biases_before),
  input: s.input,
  target: s.target,
  granularity: s.granularity,
});

/** The cursor index, for expect.poll. */
export const cursorOf = (page) => page.evaluate(() => window.backpropLab.state().cursor.index);
