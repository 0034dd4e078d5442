// Typeset formulas (MathML, built by www/math.js from the core's TeX): every formula
// line of the step panel and the chain rule is typeset (<math>, or numbers set as text
// as MathML sets them), none runs out of its panel at
// any width from 400 px up or in presenter mode, copying gives the plain text; the
// network view's edge labels never overlap; the course page's graph stays readable.
import { test, expect, open } from './helpers.mjs';

const WIDTHS = [400, 768, 1024, 1440];

/** Every formula chunk under `panel` that sticks out of it sideways, and lines not
 * typeset. A line is typeset as it nears the viewport: each is scrolled into view first. */
const overflow = (page, panel) => page.evaluate(async (sel) => {
  const box = document.querySelector(sel);
  const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0))));
  const out = [];
  for (const line of box.querySelectorAll('.mathline')) {
    if (!line.querySelector('math, .mchunk')) {
      line.scrollIntoView({ block: 'center' });
      await frame();
    }
    if (!line.querySelector('math, .mchunk')) out.push(`no math in «${line.dataset.plain}»`);
  }
  const p = box.getBoundingClientRect();
  for (const m of box.querySelectorAll('math, .mchunk')) {
    const r = m.getBoundingClientRect();
    if (r.width === 0) continue; // in a folded part of the panel
    if (r.left < p.left - 0.5 || r.right > p.right + 0.5) {
      out.push(`${Math.round(r.left)}–${Math.round(r.right)} outside ${Math.round(p.left)}–${Math.round(p.right)}: «${m.closest('.mathline').dataset.plain}»`);
    }
  }
  // A formula box that scrolls sideways cuts its lines off.
  for (const f of box.querySelectorAll('.formula')) {
    if (f.scrollWidth > f.clientWidth + 1) out.push(`${f.id || f.className} scrolls sideways`);
  }
  return { out, count: box.querySelectorAll('math, .mchunk').length };
}, panel);

/** Waits for the page to draw the cursor it was moved to. */
async function drawn(page, i) {
  await expect(page.locator('#step-count')).toContainText(`step ${i} `);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

for (const preset of ['mazur', 'softmax-3class', 'vanishing', 'cnn-edge', 'lenet-tiny']) {
  test(`${preset}: every formula is typeset and inside the step panel at ${WIDTHS.join(', ')} px`, async ({ page }) => {
    await open(page, `?preset=${preset}`);
    const count = (await page.evaluate(() => window.backpropLab.state())).cursor.count;
    // The start, a forward step, the loss, backward steps and the update.
    const steps = [...new Set([0, 1, 2, Math.floor(count / 2), count - 3, count - 2, count - 1])];
    for (const w of WIDTHS) {
      await page.setViewportSize({ width: w, height: 900 });
      for (const i of steps) {
        await page.evaluate((k) => window.backpropLab.seek(k), i);
        await drawn(page, i);
        const { out, count: n } = await overflow(page, '#panel-step');
        expect(out, `${preset} at ${w} px, step ${i}`).toEqual([]);
        expect(n, `${preset} step ${i} has typeset formulas`).toBeGreaterThan(0);
      }
    }
  });
}

test('presenter mode at 1280×720: the formulas fit the step panel', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  for (const preset of ['mazur', 'softmax-3class', 'vanishing']) {
    await open(page, `?preset=${preset}&mode=presenter`);
    const count = (await page.evaluate(() => window.backpropLab.state())).cursor.count;
    for (let i = 0; i < count; i += 1) {
      await page.evaluate((k) => window.backpropLab.seek(k), i);
      await drawn(page, i);
      const { out } = await overflow(page, '#panel-step');
      expect(out, `${preset} presenter step ${i}`).toEqual([]);
    }
  }
});

test('the chain rule is typeset and fits its panel; copying a formula gives its plain text', async ({ page }) => {
  await open(page, '?preset=mazur');
  await page.keyboard.press('End');
  await page.locator('#chain-pick').selectOption(JSON.stringify({ kind: 'edge', layer: 0, i: 0, j: 0 }));
  const chain = page.locator('#chain');
  await expect(chain.locator('.factors math')).toHaveCount(3);
  await expect(chain.locator('.paths math').first()).toBeVisible();
  // ∂L/∂a as a fraction, not a slash.
  await expect(chain.locator('.factors mfrac')).toHaveCount(3);
  for (const w of WIDTHS) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { out, count } = await overflow(page, '#panel-chain');
    expect(out, `chain rule at ${w} px`).toEqual([]);
    expect(count).toBeGreaterThan(8);
  }
  // Select the last number line of the chain rule and copy it.
  const copied = await page.evaluate(() => {
    const line = [...document.querySelectorAll('#chain .numbers > [data-plain]')].pop();
    const range = document.createRange();
    range.selectNodeContents(line);
    const sel = document.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    const data = new DataTransfer();
    line.dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true, cancelable: true }));
    return [data.getData('text/plain'), line.dataset.plain];
  });
  expect(copied[0]).toBe(copied[1]);
  expect(copied[0]).toMatch(/^∂L\/∂W\(1\)_11 = .* = 0\.0004386$/);
});

test('the quiz asks for a typeset symbol', async ({ page }) => {
  await open(page, '?preset=mazur&mode=quiz');
  await page.locator('#btn-next').click();
  const sym = page.locator('#quiz-question [data-plain]');
  await expect(sym).toHaveAttribute('data-plain', 'z(1)_1');
  await expect(sym.locator('msubsup')).toHaveCount(1);
});

test('the edge labels of the network view never overlap, at every width and in presenter mode', async ({ page }) => {
  test.setTimeout(120_000);
  const sizes = [...WIDTHS.map((w) => [w, 900, '']), [1280, 720, '&mode=presenter']];
  for (const preset of ['mazur', 'softmax-3class', 'xor']) {
    for (const [w, h, mode] of sizes) {
      await page.setViewportSize({ width: w, height: h });
      await open(page, `?preset=${preset}&bench=1${mode}`);
      await page.evaluate(() => window.__backpropLabInternals.upgrade());
      const count = (await page.evaluate(() => window.backpropLab.state())).cursor.count;
      let labels = 0;
      const overlaps = [];
      for (let i = 0; i < count; i += 1) {
        // The labels as the network view places them for this canvas (no need to wait
        // for the frame: the core computes them from the cursor).
        const boxes = await page.evaluate((k) => {
          window.backpropLab.seek(k);
          const app = window.__backpropLabInternals;
          const c = document.getElementById('network-canvas');
          return JSON.parse(app.lab.network_labels(c.clientWidth, c.clientHeight, app.req));
        }, i);
        labels += boxes.length;
        for (let a = 0; a < boxes.length; a += 1) {
          for (let b = a + 1; b < boxes.length; b += 1) {
            const [p, q] = [boxes[a], boxes[b]];
            const apart = Math.abs(p[0] - q[0]) * 2 >= p[2] + q[2] || Math.abs(p[1] - q[1]) * 2 >= p[3] + q[3];
            // Collected, not one expect each: an expect costs a reporter step.
            if (!apart) overlaps.push(`step ${i}: ${p} and ${q}`);
          }
        }
      }
      expect(overlaps, `${preset} ${w}×${h}${mode}`).toEqual([]);
      if (preset === 'mazur') expect(labels, `${preset} ${w}×${h}${mode}`).toBeGreaterThan(count * 4);
    }
  }
});

test('the course page example: the graph wraps onto rows or scrolls, its text at least 11 px', async ({ page }) => {
  // The font of each canvas as the core sets it, smallest first (CSS pixels).
  await page.addInitScript(() => {
    const desc = Object.getOwnPropertyDescriptor(CanvasRenderingContext2D.prototype, 'font');
    Object.defineProperty(CanvasRenderingContext2D.prototype, 'font', {
      get() { return desc.get.call(this); },
      set(v) {
        const px = parseFloat(String(v).match(/([0-9.]+)px/)?.[1] ?? 'NaN') / (window.devicePixelRatio || 1);
        const id = this.canvas.id;
        window.__fonts = window.__fonts || {};
        window.__fonts[id] = Math.min(window.__fonts[id] ?? Infinity, px);
        desc.set.call(this, v);
      },
    });
  });
  for (const w of [1440, 1100, 800, 500]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.goto('examples/embed.html');
    const frame = page.frameLocator('#lab');
    await expect(frame.locator('#step-title')).toContainText('Start');
    await page.locator('#host-next').click();
    await page.locator('#host-loss').click();
    await expect(frame.locator('#step-title')).toContainText('Loss');
    const inner = page.frames().find((f) => f.url().includes('index.html'));
    await inner.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const g = await inner.evaluate(() => {
      const c = document.getElementById('graph-canvas');
      const r = c.getBoundingClientRect();
      return { w: r.width, h: r.height, dw: c.width, dh: c.height, font: window.__fonts['graph-canvas'], dpr: devicePixelRatio };
    });
    // Drawn at its own size (not squeezed: the device pixels keep the CSS box's shape),
    // tall enough for a row of boxes, and no text under 11 px.
    expect(g.h, `graph at ${w} px: ${JSON.stringify(g)}`).toBeGreaterThan(150);
    expect(Math.abs(g.dw / g.dh - g.w / g.h), `graph at ${w} px: ${JSON.stringify(g)}`).toBeLessThan(0.02);
    expect(g.font, `graph text at ${w} px`).toBeGreaterThanOrEqual(11);
  }
});

test('every step of every preset reads into MathML with nothing of the TeX left over', async ({ page }) => {
  test.setTimeout(120_000);
  await open(page, '?preset=mazur&bench=1');
  await page.evaluate(() => window.__backpropLabInternals.upgrade());
  const presets = await page.locator('#preset option').evaluateAll((os) => os.map((o) => o.value));
  expect(presets.length).toBeGreaterThan(5);
  const problems = await page.evaluate(async (names) => {
    const { readTex } = await import('./www/math.js');
    const NAMES = new Set(['relu', 'lrelu', 'rot180', 'softmax', 'id', 'argmax', 'max', 'min', 'log', 'tanh', 'exp', 'NaN', 'sin', 'cos']);
    const ARITY = { msub: 2, msup: 2, munder: 2, mover: 2, mfrac: 2, msubsup: 3, munderover: 3 };
    const out = [];
    const check = (n, what) => {
      if (/[\\{}^_&]/.test(n.x) || (n.t === 'mi' && /^[a-zA-Z]{2,}$/.test(n.x) && !NAMES.has(n.x))) out.push(`${what}: <${n.t}>${n.x}`);
      if (ARITY[n.t] && ARITY[n.t] !== n.k.length) out.push(`${what}: <${n.t}> with ${n.k.length} children`);
      n.k.forEach((k) => check(k, what));
    };
    let lines = 0;
    for (const name of names) {
      await window.backpropLab.load(name);
      const app = window.__backpropLabInternals;
      const count = window.backpropLab.state().cursor.count;
      for (let i = 0; i < count; i += 1) {
        const step = JSON.parse(app.lab.step(i));
        for (const list of ['symbols', 'numbers']) {
          if (step.tex[list].length !== step[list].length) out.push(`${name} step ${i}: ${list} differ in length`);
          step.tex[list].forEach((tex, k) => {
            const chunks = readTex(tex);
            lines += 1;
            if (!chunks.length || chunks.some((c) => !c.k.length)) out.push(`${name} step ${i}: an empty line or chunk in ${tex}`);
            // `x = y = z` and longer: a place to wrap at each `=`.
            if ((step[list][k].match(/ = /g) || []).length >= 2 && chunks.length < 3) out.push(`${name} step ${i}: cannot wrap ${tex}`);
            chunks.forEach((c) => check(c, `${name} step ${i} «${tex}»`));
          });
        }
      }
    }
    return { out, lines };
  }, presets);
  expect(problems.out).toEqual([]);
  expect(problems.lines).toBeGreaterThan(500);
});

test('a chunk of numbers and operators set as text is as wide as MathML sets it', async ({ page }) => {
  test.setTimeout(120_000);
  await open(page, '?preset=mazur&bench=1');
  await page.evaluate(() => window.__backpropLabInternals.upgrade());
  const r = await page.evaluate(async () => {
    const { readTex, mathNode, textChunk, isFlat } = await import('./www/math.js');
    const host = document.createElement('div');
    host.className = 'formula';
    document.body.prepend(host);
    const out = [];
    let n = 0;
    for (const name of ['mazur', 'softmax-3class', 'vanishing', 'cnn-edge', 'lenet-tiny']) {
      await window.backpropLab.load(name);
      const app = window.__backpropLabInternals;
      for (let i = 0; i < window.backpropLab.state().cursor.count; i += 1) {
        const step = JSON.parse(app.lab.step(i));
        for (const tex of [...step.tex.symbols, ...step.tex.numbers]) {
          for (const c of readTex(tex).filter(isFlat)) {
            const line = document.createElement('div');
            line.className = 'mathline';
            const [a, b] = [mathNode(c), textChunk(c)];
            line.append(a, document.createElement('br'), b);
            host.append(line);
            const [wa, wb] = [a.getBoundingClientRect().width, b.getBoundingClientRect().width];
            if (Math.abs(wa - wb) > 0.75) out.push(`${name} step ${i}: «${a.textContent}» ${wa.toFixed(2)} px in MathML, ${wb.toFixed(2)} as text`);
            line.remove();
            n += 1;
          }
        }
      }
    }
    host.remove();
    return { out, n };
  });
  expect(r.out).toEqual([]);
  expect(r.n).toBeGreaterThan(1000);
});

test('a formula line out of sight holds its plain text and is typeset as it comes near', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 600 });
  await open(page, '?preset=lenet-tiny');
  await page.evaluate(() => window.backpropLab.seek(19));
  await drawn(page, 19);
  const lines = page.locator('#step-numbers .mathline');
  const last = lines.last();
  // The step panel is far below the feature maps: its lines are plain text for now,
  // which a screen reader reads as they are.
  await expect(last).toHaveAttribute('data-plain', /=/);
  const plain = await last.getAttribute('data-plain');
  expect(await last.locator('math, .mchunk').count()).toBe(0);
  await expect(last).toHaveText(plain);
  // Scrolled to, every line of the step is typeset, in its own text.
  await page.locator('#panel-step').scrollIntoViewIfNeeded();
  await expect(lines.first().locator('math, .mchunk').first()).toBeAttached();
  await last.scrollIntoViewIfNeeded();
  await expect(last.locator('math, .mchunk').first()).toBeAttached();
  expect(await last.getAttribute('data-plain')).toBe(plain);
});

test('printing typesets every line, the ones out of sight too', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 600 });
  await open(page, '?preset=lenet-tiny');
  await page.evaluate(() => window.backpropLab.seek(19));
  await drawn(page, 19);
  const plain = () => page.locator('#panel-step .mathline').evaluateAll((ls) => ls.filter((l) => !l.querySelector('math, .mchunk')).length);
  expect(await plain()).toBeGreaterThan(0);
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  expect(await plain()).toBe(0);
});
