// Accessibility: axe-core finds no serious or critical violation in any mode, and a
// keyboard user always sees where the focus is.
import { createRequire } from 'node:module';
import { test, expect, open } from './helpers.mjs';
import { painted, focusPage } from './util2.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

/** Runs axe on the page; returns the serious and critical violations, readably. */
async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), impact: n.impact, why: n.failureSummary })),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.length} node(s): ${v.nodes.slice(0, 8)
      .map((n) => `${n.target} (${n.why.replace(/\s+/g, ' ').slice(0, 160)})`).join('; ')}`);
}

test.describe('axe-core', () => {
  // axe has to be injected into the page, and the page's CSP (script-src 'self' — no
  // inline or eval'd scripts) rightly blocks that. These tests alone turn off CSP
  // enforcement for their own browser context; the page and its CSP are unchanged, and
  // every other spec (and the keyboard test below) runs under the CSP with the fixture
  // failing the test on any CSP violation.
  test.use({ bypassCSP: true });

  const views = {
    'normal (Mazur)': '?preset=mazur',
    'presenter mode': '?preset=mazur&mode=presenter',
    'quiz mode': '?preset=mazur&mode=quiz',
    'embedded': '?preset=mazur&embed=1',
    'Chinese': '?preset=mazur&lang=zh',
  };
  for (const [name, query] of Object.entries(views)) {
    test(`no serious or critical violations: ${name}`, async ({ page }) => {
      await open(page, query);
      await painted(page);
      if (name === 'quiz mode') {
        // With a question asked, so that the quiz form is checked too.
        await focusPage(page);
        await page.keyboard.press('ArrowRight');
        await expect(page.locator('#quiz-form')).toBeVisible();
      }
      expect(await axeViolations(page), `axe on ${query}`).toEqual([]);
    });
  }

  /** Steps with the keyboard until the cursor is at a step of `kind`. */
  async function stepTo(page, key, kind) {
    await focusPage(page);
    await page.keyboard.press(key);
    await expect.poll(() => page.evaluate(() => window.backpropLab.state().cursor.kind)).toBe(kind);
    await painted(page);
  }

  test('no serious or critical violations: at the end of the pass (every value shown)', async ({ page }) => {
    await open(page, '?preset=mazur');
    await stepTo(page, 'End', 'update');
    await expect(page.locator('#values td.after').first()).not.toHaveText('·');
    expect(await axeViolations(page), 'axe after End').toEqual([]);
  });

  test('no serious or critical violations: on a backward step', async ({ page }) => {
    // Each phase has its own colour in the step panel: start and update are covered
    // above, the backward phase's here.
    await open(page, '?preset=mazur');
    for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowRight');
    await stepTo(page, 'ArrowRight', 'delta');
    expect(await axeViolations(page), 'axe on step 6 (backward)').toEqual([]);
  });

  test('no serious or critical violations: the Code tab open, PyTorch chosen, in Chinese', async ({ page }) => {
    await open(page, '?preset=mazur&lang=zh');
    await page.evaluate(() => window.backpropLab.seek(6));
    await page.locator('#step-code summary').click();
    await page.locator('#code-tab-pytorch').click();
    await expect(page.locator('.code-note')).toBeVisible();
    expect(await axeViolations(page), 'axe with the Code tab open').toEqual([]);
  });
});

test('keyboard: each of the first 25 tab stops shows a visible focus ring', async ({ page }) => {
  await open(page, '?preset=mazur');
  await painted(page);
  // From the top of the document, as a keyboard user arriving on the page.
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  await page.keyboard.press('Tab');
  const seen = [];
  const problems = [];
  for (let n = 1; n <= 25; n++) {
    if (n > 1) await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const s = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      const name = e.id ? `#${e.id}` : e.dataset.key ? `[data-key=${e.dataset.key}]`
        : e.dataset.index ? `timeline step ${e.dataset.index}` : `${e.tagName.toLowerCase()} "${(e.textContent || '').trim().slice(0, 20)}"`;
      return {
        name,
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? `${s.outlineWidth} ${s.outlineStyle}` : '',
        shadow: s.boxShadow !== 'none' ? s.boxShadow : '',
        size: [r.width, r.height],
        focusVisible: e.matches(':focus-visible'),
      };
    });
    if (!f) { problems.push(`tab stop ${n}: focus went to the body`); continue; }
    seen.push(f.name);
    if (!f.outline && !f.shadow) problems.push(`tab stop ${n} ${f.name}: no outline and no box-shadow when focused`);
    if (!(f.size[0] > 0 && f.size[1] > 0)) problems.push(`tab stop ${n} ${f.name}: not rendered (${f.size.join('×')})`);
  }
  expect(new Set(seen).size, `distinct tab stops: ${seen.join(', ')}`).toBeGreaterThanOrEqual(20);
  expect(problems, `tab order: ${seen.join(', ')}`).toEqual([]);
});
