// A lecturer opens "Why backward?": the selected weight's ∂L/∂w computed forward, a
// tangent carried beside every value, equals backprop's as the chain rule panel shows
// it; the cost table counts the work (P = 12 for Mazur, thousands for an 8 × 16 net);
// the panel's code loads only when it is opened; Chinese has no English words.
import { test, expect, open, plainText } from './helpers.mjs';
import { state, painted } from './util2.mjs';

/** Opens the panel and waits for its content (the full module loads on first use). */
async function openPanel(page) {
  await page.locator('#forward-open > summary').click();
  await expect(page.locator('#forward .fm-cost table')).toBeVisible();
}

/** Chooses a parameter as the keyboard does, in the chain rule panel's list. */
async function choose(page, sel) {
  await page.selectOption('#chain-pick', JSON.stringify(sel));
  await painted(page);
}

/** The number a label ends with: "… = 0.00043856773" or "Backprop: 0.0821670", spaces
 * (no-break ones too) dropped. */
const number = (text) => Number(text.replace(/\s/g, '').match(/(-?[0-9.]+(?:e-?\d+)?)$/)[1]);

/** The digits of a count as shown: "7 245 920" (no-break spaces) → 7245920. */
const count = (text) => Number(text.replace(/\s/g, ''));

test('every weight and bias of Mazur: forward mode equals the chain rule panel\'s backprop value', async ({ page }) => {
  await open(page, '?preset=mazur');
  // At the end of the pass the chain rule panel shows every gradient.
  await page.evaluate(() => window.backpropLab.seek(window.backpropLab.state().cursor.count - 1));
  await openPanel(page);
  const s = await state(page);
  const params = [];
  s.layers.forEach((L, l) => L.weights_before.forEach((row, i) => {
    row.forEach((_, j) => params.push({ kind: 'edge', layer: l, i, j }));
    params.push({ kind: 'neuron', layer: l, i });
  }));
  expect(params).toHaveLength(12);
  for (const p of params) {
    await choose(page, p);
    const sym = p.kind === 'edge' ? `W(${p.layer + 1})_${p.i + 1}${p.j + 1}` : `b(${p.layer + 1})_${p.i + 1}`;
    const value = page.locator('#forward .fm-value');
    await expect(value).toContainText(`∂L/∂${sym} = L̇ = `);
    await expect(page.locator('#chain h3')).toContainText(`∂L/∂${sym}`);
    const fm = number(await value.textContent());
    const bpShown = number(await page.locator('#forward .fm-backprop').textContent());
    // The chain rule panel: "Backprop: v · Finite differences: …".
    const check = await page.locator('#chain .check').textContent();
    const chainValue = Number(check.match(/:\s*(-?[0-9.]+(?:e-?\d+)?)/)[1]);
    expect(fm, `${sym}: forward mode against the chain rule panel`).toBe(chainValue);
    expect(bpShown, `${sym}: backprop beside it`).toBe(chainValue);
    const exact = p.kind === 'edge' ? s.layers[p.layer].grad_weights[p.i][p.j] : s.layers[p.layer].grad_biases[p.i];
    // Shown to 8 significant digits.
    expect(Math.abs(fm - exact), `${sym}: against state()`).toBeLessThanOrEqual(1e-7 * Math.abs(exact));
    // The last step is the loss's tangent, which is this derivative.
    // (Typeset: its plain text, as copying gives it.)
    expect(await plainText(page.locator('#forward .tangent-steps > li').last())).toContain(`∂L/∂${sym} = L̇ = `);
    // Typeset as it comes into sight.
    const last = page.locator('#forward .tangent-steps > li').last();
    await last.scrollIntoViewIfNeeded();
    await expect(last.locator('math').first()).toBeVisible();
  }
  // Every tangent formula is typeset: no TeX left over (ż is an accent, ε a letter).
  const typeset = await page.locator('#forward .tangent-steps').innerText();
  expect(typeset).not.toMatch(/\\|dot|varepsilon|frac/);
  expect(await page.locator('#forward .tangent-steps mover[accent="true"]').count()).toBeGreaterThan(0);
  // Mazur's ∂E/∂w5, to the digits shown.
  await choose(page, { kind: 'edge', layer: 1, i: 0, j: 0 });
  await expect(page.locator('#forward .fm-value')).toContainText('0.082167041');
});

test('the cost table: P = 12 for Mazur, thousands of passes for an 8 × 16 net', async ({ page }) => {
  await open(page, '?preset=mazur');
  await openPanel(page);
  const row = (m) => page.locator(`#forward tr[data-method="${m}"]`);
  const cells = async (m) => (await row(m).locator('td').allInnerTexts()).map((t) => t.split('\n')[0]);
  await expect(page.locator('#forward .fm-cost')).toContainText('P = 12');
  expect(await cells('backprop')).toEqual(['1 + 1', '20', '1×']);
  const [passes, fm, ratio] = await cells('forward_mode');
  expect([passes, count(fm), ratio]).toEqual(['P = 12', 192, '9.6×']);
  const fd = await cells('finite_differences');
  expect([fd[0], count(fd[1])]).toEqual(['2P = 24', 192]);
  await expect(page.locator('#forward .why')).toContainText('Why from the back?');

  // 2 inputs, 8 hidden layers of 16 units, 1 output.
  const row16 = (j, n) => Array.from({ length: n }, (_, k) => ((j * 7 + k * 3) % 11) / 20 - 0.25);
  const layer = (w, n, activation) => ({ activation, weights: Array.from({ length: w }, (_, j) => row16(j, n)), biases: Array(w).fill(0.1) });
  const layers = [layer(16, 2, 'tanh'), ...Array.from({ length: 7 }, () => layer(16, 16, 'tanh')), layer(1, 16, 'sigmoid')];
  await page.evaluate((network) => window.backpropLab.load({ network, input: [0.5, -0.3], target: [1], learning_rate: 0.1 }), { layers, loss: 'half_sse' });
  await expect(page.locator('#forward .fm-cost .note').first()).toContainText('2-16-16-16-16-16-16-16-16-1');
  const p = await cells('forward_mode');
  expect(p[0].replace(/\s/g, '')).toBe('P=1969');
  expect(count(p[1])).toBe(1969 * 2 * 1840);
  expect(count((await cells('backprop'))[1])).toBe(1840 + 3648);
  expect(count((await cells('finite_differences'))[1])).toBe(2 * 1969 * 1840);
  expect(p[2]).toBe('1320×');
  // The default parameter's forward mode agrees with backprop on this net too.
  const fmv = number(await page.locator('#forward .fm-value').textContent());
  const bpv = number(await page.locator('#forward .fm-backprop').textContent());
  expect(fmv).toBe(bpv);
});

test('the panel loads nothing until opened; the step under the cursor is marked', async ({ page }) => {
  const seen = [];
  page.on('request', (r) => seen.push(new URL(r.url()).pathname));
  await open(page, '?preset=mazur');
  await page.evaluate(() => window.backpropLab.seek(3));
  await painted(page);
  expect(seen.filter((p) => p.includes('forward') || p.includes('/pkg/full/')), 'the first screen').toEqual([]);
  await openPanel(page);
  expect(seen.some((p) => p.endsWith('/www/forward.js'))).toBe(true);
  expect(seen.some((p) => p.endsWith('/www/forward.css'))).toBe(true);
  // Cursor at step 3, layer 2's weighted sum: the tangent step ż(2) is marked.
  const current = page.locator('#forward .tangent-steps > li.current');
  await expect(current).toHaveCount(1);
  await expect(current.locator('h4')).toContainText('ż(2)');
  await page.evaluate(() => window.backpropLab.seek(8));
  await expect(current).toHaveCount(0);
  // Nothing selected: the page differentiates W(1)_11 and says how to choose another.
  await expect(page.locator('#forward .fm-steps .hint')).toContainText('W(1)_11');
  // A unit's click in the network chooses its bias.
  await choose(page, { kind: 'neuron', layer: 1, i: 1 });
  await expect(page.locator('#forward .fm-value')).toContainText('∂L/∂b(2)_2');
  await expect(page.locator('#forward .fm-steps .hint')).toHaveCount(0);
});

test('in Chinese the panel has no English word; on a CNN it says it covers fully connected networks', async ({ page }) => {
  await open(page, '?preset=softmax-3class&lang=zh');
  await openPanel(page);
  await choose(page, { kind: 'edge', layer: 0, i: 2, j: 1 });
  await expect(page.locator('#forward .fm-value')).toContainText('前向模式');
  const text = await page.locator('#panel-forward').innerText();
  // Function names the interface keeps as they are (as the rest of the page does).
  const allowed = new Set(['softmax', 'tanh', 'sigmoid', 'relu', 'lrelu', 'log']);
  const words = (text.match(/[A-Za-z_]*[A-Za-z]{2,}[A-Za-z_]*/g) || []).filter((w) => !allowed.has(w));
  expect(words, 'English words in the Chinese panel').toEqual([]);
  expect(text).toContain('为什么从后往前算');

  await page.evaluate(() => window.backpropLab.load('cnn-edge'));
  await expect(page.locator('#forward')).toContainText('只适用于全连接网络');
});

test('in the quiz the gradient stays hidden until the pass reveals it', async ({ page }) => {
  await open(page, '?preset=mazur&mode=quiz');
  await openPanel(page);
  await expect(page.locator('#forward .fm-steps')).toContainText('step on to the backward pass');
  await expect(page.locator('#forward .fm-value')).toHaveCount(0);
  // The cost table gives nothing away: it is shown.
  await expect(page.locator('#forward .fm-cost')).toContainText('P = 12');
});
