// The step panel's Code tab and Export → Python: the current step's lines in NumPy and
// PyTorch (the full module's codegen, loaded only when the tab is opened), in English
// and Chinese, and the two scripts as downloads. The NumPy download, run with
// the first of python3, /usr/bin/python3 that imports numpy, prints the page's own numbers.
import { execFileSync } from 'node:child_process';
import { mkdirSync, copyFileSync } from 'node:fs';
import { test, expect, open } from './helpers.mjs';
import { download } from './util3.mjs';

const numpyLines = (page) => page.locator('#code-numpy pre').innerText();
const torchLines = (page) => page.locator('#code-pytorch pre').innerText();

async function openCode(page) {
  await page.locator('#step-code summary').click();
  await expect(page.locator('#code-numpy pre')).not.toBeEmpty();
  await expect(page.locator('#code-numpy pre')).not.toContainText('…');
}

async function seek(page, i) {
  await page.evaluate((k) => window.backpropLab.seek(k), i);
  // "step 7 of 10" / "第 7 步": the cursor's own number, not the count's.
  await expect(page.locator('#step-count')).toContainText(new RegExp(`(step|第) ${i}\\b`));
}

test('the Code tab shows the step\'s NumPy and PyTorch lines, loading the full lab only when opened', async ({ page }) => {
  const full = [];
  page.on('request', (r) => { if (r.url().includes('/pkg/full/')) full.push(r.url()); });
  await open(page, '?preset=mazur');
  await page.waitForTimeout(300);
  expect(full, 'the first screen does not load the full module').toEqual([]);
  await expect(page.locator('#step-code')).not.toHaveAttribute('open');
  await openCode(page);
  expect(full.length).toBeGreaterThan(0);

  // The start: the imports, the weights and the example.
  expect(await numpyLines(page)).toContain('import numpy as np');
  expect(await numpyLines(page)).toContain('x = np.array([0.05, 0.1])');
  await page.locator('#code-tab-pytorch').click();
  await expect(page.locator('#code-tab-pytorch')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('#code-numpy')).toBeHidden();
  expect(await torchLines(page)).toContain('requires_grad=True');

  // z(1): the block is headed by the step's own title.
  await seek(page, 1);
  const title = await page.locator('#step-title').innerText();
  await page.locator('#code-tab-numpy').click();
  let np = (await numpyLines(page)).split('\n');
  expect(np[0]).toBe(`# ${title}`);
  expect(np[1]).toMatch(/^z1 = W1 @ x \+ b1\s+# /);
  await page.locator('#code-tab-pytorch').click();
  expect(await torchLines(page)).toContain('z1.retain_grad()');
  await expect(page.locator('.code-note')).toBeHidden();

  // δ(2): NumPy writes it out; PyTorch reads what loss.backward() stored, and says so.
  await seek(page, 6);
  const torch = await torchLines(page);
  expect(torch).toContain('loss.backward()');
  expect(torch).toContain('delta2 = z2.grad');
  await expect(page.locator('.code-note')).toBeVisible();
  await expect(page.locator('.code-note')).toContainText('z2.grad');
  await expect(page.locator('.code-note')).toContainText('backward()');
  await page.locator('#code-tab-numpy').click();
  expect(await numpyLines(page)).toContain('delta2 = (a2 - t) * a2 * (1 - a2)');

  // ∂L/∂W(2): where PyTorch keeps it.
  await seek(page, 7);
  expect(await numpyLines(page)).toContain('dW2 = np.outer(delta2, a1)');
  await page.locator('#code-tab-pytorch').click();
  await expect(page.locator('.code-note')).toContainText('W2.grad');
  expect(await torchLines(page)).toContain('dW2 = W2.grad');

  // The update, under torch.no_grad().
  await seek(page, 10);
  expect(await torchLines(page)).toContain('with torch.no_grad():');
  expect(await torchLines(page)).toContain('    W1 -= lr * W1.grad');
  await page.locator('#code-tab-numpy').click();
  expect(await numpyLines(page)).toContain('W1 -= lr * dW1');

  // In Chinese: the summary, the headings and the note.
  await page.selectOption('#lang', 'zh');
  await expect(page.locator('#step-code summary')).toContainText('代码');
  await seek(page, 1);
  await expect(page.locator('#code-numpy pre')).toContainText('# 前向传播 · 第 1 层：加权和 z(1)');
  np = (await numpyLines(page)).split('\n');
  expect(np[0]).toBe(`# ${await page.locator('#step-title').innerText()}`);
  await seek(page, 6);
  await page.locator('#code-tab-pytorch').click();
  await expect(page.locator('#code-pytorch pre')).toContainText('delta2 = z2.grad');
  await expect(page.locator('.code-note')).toContainText('存放在 z2.grad');
  await expect(page.locator('#code-pytorch pre')).toContainText('autograd：');
});

test('the Code tab works from the keyboard: the summary opens it, Tab reaches both tabs, Enter picks one', async ({ page }) => {
  await open(page, '?preset=mazur');
  await page.locator('#step-code summary').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#step-code')).toHaveAttribute('open', '');
  await expect(page.locator('#code-numpy pre')).toContainText('import numpy as np');
  await page.keyboard.press('Tab');
  await expect(page.locator('#code-tab-numpy')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.locator('#code-tab-pytorch')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#code-tab-pytorch')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('#code-pytorch pre')).toContainText('import torch');
  await expect(page.locator('#code-numpy')).toBeHidden();
});

const SHOTS = new URL('../../test-results/screenshots/', import.meta.url);

test('the Code tab in English and Chinese, kept for review; at 400 px it fits the window', async ({ page }, testInfo) => {
  mkdirSync(SHOTS, { recursive: true });
  const keep = async (name) => {
    const path = testInfo.outputPath(name);
    await page.locator('#panel-step').screenshot({ path });
    copyFileSync(path, new URL(name, SHOTS));
  };
  await open(page, '?preset=mazur');
  await seek(page, 7);
  await openCode(page);
  await page.locator('#code-tab-pytorch').click();
  await expect(page.locator('.code-note')).toContainText('W2.grad');
  await keep('code-en-pytorch.png');
  await page.selectOption('#lang', 'zh');
  await page.locator('#code-tab-numpy').click();
  await expect(page.locator('#code-numpy pre')).toContainText('# 反向传播');
  await keep('code-zh-numpy.png');

  await page.setViewportSize({ width: 400, height: 800 });
  await seek(page, 10);
  await expect(page.locator('#code-numpy pre')).toContainText('W1 -= lr * dW1');
  // The tab stays inside the window and a long line wraps under its indent: nothing in
  // it is wider than its box.
  const fit = await page.evaluate(() => {
    const box = document.getElementById('step-code');
    const shown = [box, ...box.querySelectorAll('*')].filter((e) => e.offsetParent);
    return {
      right: box.getBoundingClientRect().right - window.innerWidth,
      wider: shown.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.outerHTML.slice(0, 80)),
    };
  });
  expect(fit.right, 'the Code tab is no wider than the window').toBeLessThanOrEqual(0);
  expect(fit.wider, 'no line wider than its box').toEqual([]);
});

test('a unit\'s step names its element, and a CNN step shows its loops and F.conv2d', async ({ page }) => {
  await open(page, '?preset=mazur');
  await page.locator('#granularity').selectOption('neuron');
  await openCode(page);
  const steps = await page.evaluate(() => window.backpropLab.state().cursor.count);
  expect(steps).toBeGreaterThan(11);
  await seek(page, 3); // z(1)_2
  await expect(page.locator('#step-title')).toContainText('z(1)_2');
  // The element, its comment beside it or (too long for the panel) on the line above.
  expect(await numpyLines(page)).toMatch(/\n(z1\[1\]\s+# z\(1\)_2|# z\(1\)_2: .*\nz1\[1\])/);

  await page.evaluate(() => window.backpropLab.load('cnn-edge'));
  await seek(page, 1);
  const np = await numpyLines(page);
  expect(np).toContain('for o in range(1):');
  expect(np).toContain('a1[o, i, j] = np.sum(K1[o] * window) + b1[o]');
  await page.locator('#code-tab-pytorch').click();
  expect(await torchLines(page)).toContain('a1 = F.conv2d(x[None], K1, b1, stride=1, padding=0)[0]');
  const last = await page.evaluate(() => window.backpropLab.state().cursor.count - 2);
  await seek(page, last); // the conv layer's backward
  await expect(page.locator('.code-note')).toContainText('K1.grad');
  await expect(page.locator('.code-note')).toContainText('x.grad');
});

/** The first of `python3` and /usr/bin/python3 that imports numpy (as tests/codegen_test.rs
 * picks it; make setup-python installs Debian's python3-numpy), or null. */
function numpyPython() {
  for (const py of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(py, ['-c', 'import numpy'], { stdio: 'ignore' });
      return py;
    } catch { /* the next one */ }
  }
  return null;
}

test('Export → Python downloads the NumPy and the PyTorch script, and NumPy\'s prints the page\'s numbers', async ({ page }) => {
  await open(page, '?preset=softmax-3class');
  const np = await download(page, page.locator('#io-numpy'));
  expect(np.name).toBe('backprop-lab-numpy.py');
  expect(np.text).toContain('import numpy as np');
  expect(np.text).toContain('print(json.dumps({');
  expect(await page.locator('#io-out').inputValue()).toBe(np.text);
  const pt = await download(page, page.locator('#io-pytorch'));
  expect(pt.name).toBe('backprop-lab-pytorch.py');
  for (const s of ['import torch', 'requires_grad=True', 'loss.backward()', 'with torch.no_grad():', 'print(json.dumps({']) {
    expect(pt.text).toContain(s);
  }
  await expect(page.locator('#message')).toBeHidden();

  // In Chinese the comments are Chinese, the code the same.
  await page.selectOption('#lang', 'zh');
  const zh = await download(page, page.locator('#io-numpy'));
  expect(zh.text).toContain('# 前向传播 · 第 1 层');
  const code = (t) => t.split('\n').filter((l) => !l.startsWith('#')).map((l) => l.replace(/\s+#.*$/, ''));
  expect(code(zh.text)).toEqual(code(np.text));

  const py = numpyPython();
  test.skip(!py && process.env.CI !== 'true', 'numpy is not installed (make setup-python)');
  const out = execFileSync(py ?? 'python3', ['-'], { input: np.text, encoding: 'utf8' });
  const got = JSON.parse(out.trim().split('\n').pop());
  await page.evaluate(() => window.backpropLab.seek(window.backpropLab.state().cursor.count - 1));
  const s = await page.evaluate(() => window.backpropLab.state());
  const close = (a, b) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
  close(got.loss, s.loss);
  close(got.loss_after_step, s.loss_after_step);
  s.layers.forEach((L, l) => {
    ['z', 'a', 'delta', 'grad_biases'].forEach((k) => L[k].forEach((v, i) => close(got.layers[l][k][i], v)));
    L.weights_after.forEach((row, i) => row.forEach((v, j) => close(got.updated_layers[l].weights[i][j], v)));
  });
});
