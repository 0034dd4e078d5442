// The classroom features: links that carry the whole state, embedding in a course
// page, exports and imports, the quiz, presenter mode, the Chinese interface and a
// phone-sized screen — each checked by what the student or the teacher sees.
import { readFileSync } from 'node:fs';
import { test, expect, open, plainText } from './helpers.mjs';
import { state, painted, typeInto, focusPage } from './util2.mjs';
import { watch, download, essentials, cursorOf } from './util3.mjs';

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const SHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

// ---- 1, 2: links ------------------------------------------------------------------

test('a copied link reopens the same state, language and step in a new browser', async ({ page, browser }) => {
  await open(page, '?preset=xor');
  await page.locator('#granularity').selectOption('neuron');
  await expect.poll(async () => (await state(page)).granularity).toBe('neuron');
  await page.locator('#lang').selectOption('zh');
  await expect(page.locator('h1')).toContainText('反向传播实验室');
  await focusPage(page);
  for (let k = 1; k <= 3; k++) {
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => cursorOf(page)).toBe(k);
  }
  await typeInto(page, 'w-0-0-0', '0.25');
  await expect.poll(async () => (await state(page)).layers[0].weights_before[0][0]).toBe(0.25);
  await painted(page);

  await page.locator('#btn-link').click();
  const out = page.locator('#link-out');
  await expect(out).toBeVisible();
  await expect(out).toHaveValue(/#s=[A-Za-z0-9_-]{20,}$/);
  await expect(page.locator('#note')).toBeVisible(); // "copied", or "select it and copy"
  const link = await out.inputValue();
  const before = await state(page);
  const title = await page.locator('#step-title').textContent();
  expect(title.length).toBeGreaterThan(0);

  // A fresh browser context: no stored language, nothing shared but the link itself.
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  try {
    const page2 = await watch(await ctx.newPage(), page.problems, 'opened link');
    await page2.goto(link);
    await page2.evaluate(() => window.backpropLab.ready);
    const after = await state(page2);
    expect(essentials(after)).toEqual(essentials(before));
    expect(after.cursor.index).toBe(3);
    expect(after.granularity).toBe('neuron');
    expect(after.layers[0].weights_before[0][0]).toBe(0.25);
    await expect(page2.locator('h1')).toContainText('反向传播实验室');
    await expect(page2.locator('#lang')).toHaveValue('zh');
    await expect(page2.locator('#granularity')).toHaveValue('neuron');
    await expect(page2.locator('#step-title')).toHaveText(title);
    await expect(page2.locator('#message')).toBeHidden();
  } finally {
    await ctx.close();
  }
});

test('a damaged link says so and falls back to the default example, which still steps', async ({ page }) => {
  await open(page, '?preset=xor');
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#s=[A-Za-z0-9_-]{40,}$/);
  const hash = await page.evaluate(() => location.hash);
  const damaged = {
    'cut short by 10 characters': hash.slice(0, -10),
    'with !!! in the middle': `${hash.slice(0, 30)}!!!${hash.slice(33)}`,
  };
  for (const [what, bad] of Object.entries(damaged)) {
    await page.goto('about:blank'); // a real load, not a same-document hash change
    await page.goto(`index.html${bad}`);
    await page.evaluate(() => window.backpropLab.ready);
    const msg = page.locator('#message');
    await expect(msg, `a link ${what}: a message`).toBeVisible();
    await expect(page.locator('#message-text'), `a link ${what}: the message is about the link`).toContainText(/link/i);
    const s = await state(page);
    expect(s.preset, `a link ${what}: the default example`).toBe('mazur');
    expect(s.layers[1].weights_before[0][0]).toBe(0.4);
    expect(s.cursor.index).toBe(0);
    await expect(page.locator('#step-title')).toContainText('Start');
    await focusPage(page);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => cursorOf(page)).toBe(1);
    await expect(page.locator('#step-title')).toContainText('z(1)');
  }
});

// ---- 3, 4: embedding --------------------------------------------------------------

test('the example course page drives the embedded lab with its own buttons', async ({ page }) => {
  await page.goto('examples/embed.html');
  const status = page.locator('#host-status');
  await expect(status).toContainText(/^Step 0 of 10\b/);
  const lab = page.frameLocator('#lab');
  await expect(lab.locator('#step-title')).toContainText('Start');
  // A lecturer clicks three times in a row without waiting.
  for (let k = 0; k < 3; k++) await page.locator('#host-next').click();
  await expect(status).toContainText(/^Step 3 of 10\b/);
  await expect(lab.locator('#step-phase')).toContainText('step 3 of 10');
  await expect(lab.locator('#step-title')).toContainText('z(2)');
  // controls=none: no header, no timeline; the panels asked for show.
  await expect(lab.locator('#chrome')).toBeHidden();
  await expect(lab.locator('#panel-timeline')).toBeHidden();
  await expect(lab.locator('#btn-next')).toBeHidden();
  for (const id of ['panel-network', 'panel-step', 'panel-graph']) await expect(lab.locator(`#${id}`)).toBeVisible();
  for (const id of ['panel-values', 'panel-training', 'panel-io']) await expect(lab.locator(`#${id}`)).toBeHidden();

  await page.locator('#host-loss').click();
  await expect(status).toContainText(/^Step 5 of 10\b/);
  await expect(status).toContainText('L = 0.2984');
  await expect(lab.locator('#step-title')).toContainText('Loss');
});

test('?embed=1&panels=… shows only those panels and the timeline; an unknown panel is named', async ({ page }) => {
  await open(page, '?embed=1&panels=network,step&lang=zh');
  await painted(page);
  for (const id of ['panel-network', 'panel-step', 'panel-timeline']) await expect(page.locator(`#${id}`), `#${id}`).toBeVisible();
  await expect(page.locator('#btn-next')).toBeVisible();
  for (const id of ['chrome', 'panel-graph', 'panel-curves', 'panel-chain', 'panel-edit', 'panel-training', 'panel-io', 'panel-values']) {
    await expect(page.locator(`#${id}`), `#${id} is hidden`).toBeHidden();
  }
  await expect(page.locator('h1')).toBeHidden();
  await expect(page.locator('#panel-step h2')).toHaveText('当前步骤');
  await expect(page.locator('#message')).toBeHidden();

  await open(page, '?embed=1&panels=network,bogus');
  await expect(page.locator('#message')).toBeVisible();
  await expect(page.locator('#message-text')).toContainText('"bogus"');
  await focusPage(page);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => cursorOf(page)).toBe(1);
});

// ---- 5, 6: export and import ------------------------------------------------------

test('the worked example exports as Markdown, LaTeX and JSON with Mazur\'s numbers', async ({ page }) => {
  await open(page, '?preset=mazur');
  const md = await download(page, page.locator('#io-md'));
  expect(md.name).toMatch(/\.md$/);
  expect(md.text).toMatch(/^# /); // a Markdown heading
  // Mazur's loss and first output, with 9 significant digits, as the CLI trace prints them.
  expect(md.text).toContain('= 0.298371109');
  expect(md.text).toContain('0.75136507');
  expect(md.text).toContain('0.593269992');
  const out = page.locator('#io-out');
  await expect(out).toBeVisible();
  expect(await out.inputValue()).toBe(md.text);

  const tex = await download(page, page.locator('#io-tex'));
  expect(tex.name).toMatch(/\.tex$/);
  expect(tex.text).toContain('\\begin{align*}');
  expect(tex.text).toContain('\\end{align*}');
  expect(tex.text).toContain('0.298371109');
  expect(await out.inputValue()).toBe(tex.text);

  const json = await download(page, page.locator('#io-json'));
  expect(json.name).toMatch(/\.json$/);
  const doc = JSON.parse(json.text);
  expect(doc.loss).toBe(0.2983711087600027);
  expect(doc.layers[1].a[0]).toBeCloseTo(0.75136507, 8);
  expect(doc.steps).toHaveLength(11);
  await expect(page.locator('#message')).toBeHidden();
});

test('the LaTeX of the worked example compiles: no control word runs into a symbol', async ({ page }) => {
  // "\cdota^{(0)}_{1}" is the undefined control sequence \cdota in TeX: a command name
  // ends at the first non-letter, so \cdot must be followed by a space, a brace, a
  // digit or a backslash before a letter.
  await open(page, '?preset=mazur');
  for (const [button, ext] of [['#io-tex', 'LaTeX'], ['#io-md', 'Markdown']]) {
    const { text } = await download(page, page.locator(button));
    const bad = [...new Set(text.match(/\\(?:cdot|sigma|delta|eta|partial|nabla|leftarrow|times)[A-Za-z]+/g) || [])];
    expect(bad, `${ext}: control words glued to a letter, e.g. in "${(text.split('\n').find((l) => /\\cdot[A-Za-z]/.test(l)) || '').trim()}"`).toEqual([]);
  }
});

test('the state saves as JSON that loads back to the same state', async ({ page }) => {
  await open(page, '?preset=mazur');
  await typeInto(page, 'w-1-0-1', '0.47');
  await focusPage(page);
  for (let k = 0; k < 4; k++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => cursorOf(page)).toBe(4);
  const before = await state(page);
  expect(before.layers[1].weights_before[0][1]).toBe(0.47);
  const saved = await download(page, page.locator('#io-save'));
  expect(saved.name).toMatch(/\.json$/);
  const obj = JSON.parse(saved.text);

  await page.evaluate(() => window.backpropLab.load('xor'));
  expect((await state(page)).preset).toBe('xor');
  await page.evaluate((o) => window.backpropLab.load(o), obj);
  const after = await state(page);
  expect(essentials(after)).toEqual(essentials(before));
  await expect(page.locator('#step-phase')).toContainText('step 4 of 10');
  await expect(page.locator('[data-key="w-1-0-1"]')).toHaveValue('0.47');
});

test('pictures: PNG of the network, SVG of the network and the loss curve; SVG of the heatmap explains why not', async ({ page }) => {
  await open(page, '?preset=mazur');
  await painted(page);
  await page.locator('#io-view').selectOption('network');
  const svg = await download(page, page.locator('#io-svg'));
  expect(svg.name).toMatch(/\.svg$/);
  expect(svg.text).toContain('<svg');
  expect(svg.text).toContain('</svg>');
  const png = await download(page, page.locator('#io-png'));
  expect(png.name).toMatch(/\.png$/);
  expect([...png.buf.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.buf.length).toBeGreaterThan(1000);
  await expect(page.locator('#message')).toBeHidden();

  await page.locator('#io-view').selectOption('loss');
  const loss = await download(page, page.locator('#io-svg'));
  expect(loss.text).toContain('<svg');

  await page.locator('#io-view').selectOption('data');
  // A wait that proves something does NOT happen cannot end on a condition: it is
  // bounded (1.5 s, far longer than the SVG downloads above take to start) and counts a
  // download at any time within it as a failure.
  const none = page.waitForEvent('download', { timeout: 1500 }).then(() => 'a download', () => null);
  await page.locator('#io-svg').click();
  await expect(page.locator('#message')).toBeVisible();
  await expect(page.locator('#message-text')).toContainText('SVG');
  await expect(page.locator('#message-text')).toContainText('PNG');
  expect(await none, 'no SVG download for the heatmap').toBeNull();
});

test('opening a fixture file loads it; a broken file is named and changes nothing; a drop loads', async ({ page }) => {
  await open(page, '?preset=mazur');
  const relu = JSON.parse(fixture('relu-2-3-1-mse.json'));
  await page.locator('#io-file').setInputFiles(new URL('../fixtures/relu-2-3-1-mse.json', import.meta.url).pathname);
  await expect.poll(async () => (await state(page)).input).toEqual(relu.input);
  const s1 = await state(page);
  expect(s1.target).toEqual(relu.target);
  expect(s1.sizes).toEqual([2, 3, 1]);
  await expect(page.locator('#note')).toBeVisible();
  await expect(page.locator('#note-text')).toContainText('Loaded');
  await expect(page.locator('#note-text')).toContainText('relu-2-3-1-mse.json');
  await expect(page.locator('#message')).toBeHidden();
  await expect(page.locator('[data-key="w-0-1-0"]')).toHaveValue('-0.8');

  await page.locator('#io-file').setInputFiles({ name: 'broken-state.json', mimeType: 'application/json', buffer: Buffer.from('{"network": [') });
  await expect(page.locator('#message')).toBeVisible();
  await expect(page.locator('#message-text')).toContainText('broken-state.json');
  expect(essentials(await state(page))).toEqual(essentials(s1));
  await expect(page.locator('[data-key="w-0-1-0"]')).toHaveValue('-0.8');

  const tanh = fixture('tanh-softmax-3-4-3-ce.json');
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer();
    d.items.add(new File([text], 'tanh-softmax-3-4-3-ce.json', { type: 'application/json' }));
    return d;
  }, tanh);
  await page.dispatchEvent('body', 'drop', { dataTransfer: dt });
  await expect.poll(async () => (await state(page)).input).toEqual(JSON.parse(tanh).input);
  expect((await state(page)).sizes).toEqual([3, 4, 3]);
  await expect(page.locator('#note-text')).toContainText('tanh-softmax-3-4-3-ce.json');
  await expect(page.locator('#message')).toBeHidden();
});

test('a fixture file carries no view: opening one keeps the language and the panels', async ({ page }) => {
  await open(page, '?preset=mazur&lang=zh&panels=network,step,values,io');
  await expect(page.locator('html')).toHaveAttribute('lang', /zh/);
  await page.locator('#io-file').setInputFiles(new URL('../fixtures/relu-2-3-1-mse.json', import.meta.url).pathname);
  await expect.poll(async () => (await state(page)).sizes).toEqual([2, 3, 1]);
  await expect(page.locator('html')).toHaveAttribute('lang', /zh/);
  await expect(page.locator('#panel-graph')).toBeHidden();
  await expect(page.locator('#panel-io')).toBeVisible();
});

// ---- 7: quiz ----------------------------------------------------------------------

test('quiz: predict, check, see the score, reveal, new exercise, answer key', async ({ page }) => {
  await open(page, '?preset=mazur&mode=quiz');
  await expect(page.locator('#btn-quiz')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#quiz')).toBeVisible();
  await expect(page.locator('#quiz-form')).toBeHidden();
  await focusPage(page);
  await page.keyboard.press('ArrowRight');
  const form = page.locator('#quiz-form');
  await expect(form).toBeVisible();
  await expect(page.locator('#quiz-question [data-plain]')).toHaveAttribute('data-plain', 'z(1)_1');
  expect(await cursorOf(page), 'the step waits for the prediction').toBe(0);
  await expect(page.locator('#quiz-guess')).toBeFocused();
  await page.keyboard.type('0.3775');
  await page.keyboard.press('Enter');
  const result = page.locator('#quiz-result');
  await expect(result).toContainText('✓');
  await expect(result).toContainText('0.3775');
  await expect(form).toBeHidden();
  expect(await cursorOf(page)).toBe(1);
  await expect(page.locator('#step-title')).toContainText('z(1)');

  await page.keyboard.press('ArrowRight');
  await expect(form).toBeVisible();
  await expect(page.locator('#quiz-question [data-plain]')).toHaveAttribute('data-plain', 'a(1)_1');
  await page.locator('#quiz-guess').fill('0.9');
  await page.locator('#quiz-guess').press('Enter');
  await expect(result).toContainText('✗');
  await expect(result).toContainText(/0\.5932[67]/); // the true value, σ(0.3775) = 0.593269992
  await expect(result).toContainText('0.9');
  await expect(page.locator('#quiz-score')).toContainText('1 of 2');
  expect(await cursorOf(page)).toBe(2);

  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#quiz-question [data-plain]')).toHaveAttribute('data-plain', 'z(1)_2');
  await page.locator('#quiz-skip').click();
  await expect(form).toBeHidden();
  await expect(result.locator('[data-plain]')).toHaveAttribute('data-plain', 'z(1)_2');
  await expect(result).toContainText('= 0.3925');
  await expect(result).not.toContainText('✓');
  await expect(result).not.toContainText('✗');
  expect(await cursorOf(page)).toBe(3);

  const w0 = (await state(page)).layers[0].weights_before;
  await page.locator('#quiz-new').click();
  await expect.poll(async () => (await state(page)).layers[0].weights_before).not.toEqual(w0);
  expect(await cursorOf(page)).toBe(0);
  await expect(result).toHaveText('');
  await page.locator('#quiz-key').click();
  await expect(page.locator('#quiz-key')).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('#quiz-keytext')).toBeVisible();
  await expect(page.locator('#quiz-keytext')).toContainText('Backward pass');
  // The key is the new exercise's: its first weight appears in it.
  const w = (await state(page)).layers[0].weights_before[0][0];
  await expect(page.locator('#quiz-keytext')).toContainText(String(Number(w.toPrecision(9))));
});

// ---- 8: presenter mode ------------------------------------------------------------

test('presenter mode: P, blank screen with B, PageDown, Escape; a 1280×720 screenshot', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await open(page, '?preset=mazur');
  await focusPage(page);
  await page.keyboard.press('p');
  const body = page.locator('body');
  await expect(body).toHaveClass(/\bmode-presenter\b/);
  await expect(page.locator('#btn-presenter')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#panel-values')).toBeHidden();
  await expect(page.locator('#panel-training')).toBeHidden();
  await expect(page.locator('#panel-network')).toBeVisible();
  await expect(page.locator('#panel-step')).toBeVisible();
  // Dark: the page background is dark.
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  expect(r + g + b, `presenter background ${bg}`).toBeLessThan(120);

  await page.keyboard.press('b');
  await expect(page.locator('#blank')).toBeVisible();
  await page.keyboard.press('b');
  await expect(page.locator('#blank')).toBeHidden();
  await page.keyboard.press('PageDown');
  await expect.poll(() => cursorOf(page)).toBe(1);
  await page.keyboard.press('PageDown');
  await expect.poll(() => cursorOf(page)).toBe(2);
  await expect(page.locator('#step-title')).toContainText('a(1)');
  await painted(page);
  await page.screenshot({ path: `${SHOTS}presenter.png` });

  await page.keyboard.press('Escape');
  await expect(body).not.toHaveClass(/\bmode-presenter\b/);
  await expect(page.locator('#panel-values')).toBeVisible();
  await expect(page.locator('#btn-presenter')).toHaveAttribute('aria-pressed', 'false');
  expect(await cursorOf(page), 'leaving presenter mode keeps the step').toBe(2);
});

// ---- 9: Chinese everywhere --------------------------------------------------------

// Runs of Latin letters that are not English words a translator missed, and why:
const ALLOWED = new Set([
  'PNG', 'SVG', 'JSON', 'Markdown', 'LaTeX', // file formats, named so in Chinese software too
  'Python', 'NumPy', 'PyTorch', // the language and the libraries of the exported scripts and the Code tab
  'Mazur', 'Xavier', 'He', 'LeNet', 'TensorFlow', 'Playground', // proper names: the author of the worked example, the initialisations' authors, LeCun's network, the tool students come from
  'English', // the language switch names each language in that language
  'Home', 'End', 'PageDown', 'PageUp', 'Ctrl', // key caps, as printed on the keyboard
  'xor', 'circle', 'gaussians', 'spiral', 'sine', 'XOR', // dataset names the API and saved states use; XOR the logic gate
  'sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softmax', 'ReLU', 'Softmax', // activation names (the API's, in the selects and table headings)
  'half_sse', 'mse', 'cross_entropy', // loss names (the API's), in the worked example's heading
  'sin', 'exp', 'ln', 'log', 'max', // function names in formulas
]);

/** "word in «line» (where)" for each run of ≥ 2 Latin letters (with _) that is not allowed. */
function english(texts) {
  const found = [];
  for (const { where, text } of texts) {
    for (const line of String(text).split('\n')) {
      for (const w of line.match(/[A-Za-z_]*[A-Za-z]{2,}[A-Za-z_]*/g) || []) {
        if (!ALLOWED.has(w)) found.push(`"${w}" in «${line.trim().slice(0, 100)}» (${where})`);
      }
    }
  }
  return [...new Set(found)];
}

/** The visible text of `root`, plus the aria-labels and titles of its visible elements. */
const visibleWords = (page, selector = 'body') => page.evaluate((sel) => {
  const root = document.querySelector(sel);
  const out = [{ where: `text of ${sel}`, text: root.innerText }];
  const name = (e) => e.id ? `#${e.id}` : e.dataset.key ? `[data-key=${e.dataset.key}]` : e.tagName.toLowerCase();
  for (const e of root.querySelectorAll('[aria-label], [title]')) {
    if (!e.checkVisibility()) continue;
    for (const a of ['aria-label', 'title']) if (e.hasAttribute(a)) out.push({ where: `${a} of ${name(e)}`, text: e.getAttribute(a) });
  }
  return out;
}, selector);

test('in Chinese, no English word is left on the page, at the end of the pass or in the quiz', async ({ page }) => {
  await open(page, '?lang=zh&preset=xor');
  await painted(page);
  const found = english(await visibleWords(page)).map((w) => `start: ${w}`);

  await focusPage(page);
  await page.keyboard.press('End');
  await expect.poll(async () => (await state(page)).cursor.kind).toBe('update');
  await painted(page);
  found.push(...english(await visibleWords(page, '#panel-step')).map((w) => `end of the pass: ${w}`));
  found.push(...english(await visibleWords(page, '#panel-values')).map((w) => `end of the pass: ${w}`));

  await page.locator('#btn-quiz').click();
  await expect(page.locator('#quiz')).toBeVisible();
  await focusPage(page);
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#quiz-form')).toBeVisible();
  found.push(...english(await visibleWords(page, '#quiz')).map((w) => `quiz question: ${w}`));
  await page.locator('#quiz-guess').fill('12345');
  await page.locator('#quiz-guess').press('Enter');
  await expect(page.locator('#quiz-result')).toContainText('✗');
  found.push(...english(await visibleWords(page, '#quiz')).map((w) => `quiz answer: ${w}`));
  await page.locator('#quiz-guess').evaluate((e) => e.blur());
  await page.locator('#quiz-key').click();
  await expect(page.locator('#quiz-keytext')).toBeVisible();
  found.push(...english(await visibleWords(page, '#quiz')).map((w) => `quiz answer key: ${w}`));
  expect(found, 'English words in the Chinese interface').toEqual([]);
});

// ---- 10: a phone ------------------------------------------------------------------

test('400 px wide: no sideways scrolling, big transport buttons, a swipe steps', async ({ page }) => {
  await page.setViewportSize({ width: 400, height: 800 });
  await open(page, '?preset=mazur&embed=1&panels=network,step');
  await painted(page);
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, 'no horizontal scrollbar').toBeLessThanOrEqual(clientWidth + 1);
  for (const id of ['btn-start', 'btn-prev', 'btn-play', 'btn-next', 'btn-end']) {
    const b = page.locator(`#${id}`);
    await expect(b, `#${id}`).toBeVisible();
    await expect(b, `#${id} in the viewport`).toBeInViewport();
    const box = await b.boundingBox();
    expect(box.height, `#${id} height`).toBeGreaterThanOrEqual(40);
    expect(box.x + box.width, `#${id} right edge`).toBeLessThanOrEqual(400);
  }
  const canvas = page.locator('#network-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const [x, y] = [box.x + box.width * 0.7, box.y + box.height / 2];
  const pointer = { pointerType: 'touch', pointerId: 7, isPrimary: true, bubbles: true };
  await canvas.dispatchEvent('pointerdown', { ...pointer, clientX: x, clientY: y });
  await canvas.dispatchEvent('pointerup', { ...pointer, clientX: x - 100, clientY: y + 5 });
  await expect.poll(() => cursorOf(page), 'a swipe to the left goes to the next step').toBe(1);
  await expect(page.locator('#step-title')).toContainText('z(1)');
  await painted(page);
  await page.screenshot({ path: `${SHOTS}narrow-400.png`, fullPage: true });
});
