// In the Chinese interface every error message is Chinese: each kind of error a user or
// a host page can cause, in the message the page shows (#message-text) or in the
// message of the rejected promise / the postMessage reply. A message may keep code
// tokens (JSON paths like network.layers[0].weights[1], symbols like W(2)_11, names
// like cross_entropy, the lab's own vocabulary) and names in quotes, but no English
// sentence: no run of 3 or more English words.
import { test, expect, open } from './helpers.mjs';
import { typeInto, tryLoad, mazurFixture, addLabFrame, callFrame } from './util2.mjs';

const CJK = /[\u4e00-\u9fff]/;

/** The lab's vocabulary (presets, panels, modes, datasets, activations …): single-word
 * names the API and the URL use, which a message may list as they are. */
const vocabulary = (page) => page.evaluate(async () => {
  const { vocabulary } = await import('./pkg/backprop_lab.js');
  const names = new Set();
  const walk = (x) => {
    if (typeof x === 'string') { if (/^[a-z][a-z0-9_-]*$/.test(x)) names.add(x); } else if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') Object.values(x).forEach(walk);
  };
  walk(JSON.parse(vocabulary()));
  return [...names];
});

/**
 * The runs of 3 or more English words in `text`: quoted names are dropped; code tokens
 * (anything with _ . [ ( / = or a digit in it), numbers and vocabulary names count as
 * neither words nor breaks; Chinese characters and punctuation end a run.
 */
export function englishRuns(text, names = []) {
  const known = new Set(names);
  const stripped = text
    .replace(/“[^”]*”|"[^"]*"|‘[^’]*’/g, ' ')
    .replace(/[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef,;:]+/g, (tok) => {
      const bare = tok.replace(/^[(]+|[),.!?]+$/g, '');
      if (/[_.[\]()/=0-9]/.test(bare) || known.has(bare) || !/^[A-Za-z]+(-[A-Za-z]+)*$/.test(bare)) return ' ';
      return tok;
    });
  return stripped
    .split(/[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\n]+/)
    .map((segment) => segment.match(/[A-Za-z]{2,}/g) || [])
    .filter((words) => words.length >= 3)
    .map((words) => words.join(' '));
}

test('the English-run check catches English and lets code tokens through', () => {
  expect(englishRuns('network.layers[0].weights: row 0 has 3 entries, expected 2')).toEqual(['row has entries expected']);
  expect(englishRuns('input：输入有 1 个值；第 1 层需要 2 个')).toEqual([]);
  expect(englishRuns('无法打开 big.json：the file is larger than 20 MB')).toEqual(['the file is larger than MB']);
  expect(englishRuns('panels：未知的“nope”（可用：network, graph, curves, step）', ['network', 'graph', 'curves', 'step'])).toEqual([]);
  expect(englishRuns('cross_entropy 需要 softmax 输出层（最后一层是 sigmoid）', ['softmax', 'sigmoid'])).toEqual([]);
  expect(englishRuns('seek：-1 不是步骤编号（从 0 开始的整数）')).toEqual([]);
});

/** Checks one message: Chinese, and no English sentence in it. */
async function expectChinese(page, msg, what) {
  expect(msg, `${what}: a message`).toBeTruthy();
  expect(msg, `${what}: the message is in Chinese`).toMatch(CJK);
  expect(englishRuns(msg, await vocabulary(page)), `${what}: no English in "${msg}"`).toEqual([]);
}

/** The message the page shows, once it shows one. */
async function shown(page) {
  await expect(page.locator('#message')).toBeVisible();
  return page.locator('#message-text').textContent();
}

/** Calls backpropLab[method](...args) in the page; the message it rejected with (null if
 * it resolved). */
const rejected = (page, method, args) => page.evaluate(async ([method, args]) => {
  try {
    await window.backpropLab[method](...args);
    return null;
  } catch (e) {
    // trace() rejects with the core's string, the others with an Error: the text either way.
    return String(e instanceof Error ? e.message : e);
  }
}, [method, args]);

const zh = (page, query = '') => open(page, `?lang=zh${query}`);

// ---- what a student types ------------------------------------------------------------

for (const [key, typed] of [['w-1-0-0', 'abc'], ['b-0-1', ''], ['x-0', '1e999'], ['lr', 'abc'], ['lr', '-1'], ['lr', '1e9']]) {
  test(`typing ${JSON.stringify(typed)} into the ${key} box: the message is Chinese`, async ({ page }) => {
    await zh(page, '&preset=mazur');
    await typeInto(page, key, typed);
    await expectChinese(page, await shown(page), `${key} = ${typed}`);
  });
}

for (const [id, typed] of [['tr-l2', 'abc'], ['ds-points', 'abc'], ['ds-points', '99999'], ['ds-noise', '2'], ['ds-seed', '1.5']]) {
  test(`typing ${JSON.stringify(typed)} into the training panel's #${id}: the message is Chinese`, async ({ page }) => {
    await zh(page, '&preset=xor');
    const box = page.locator(`#${id}`);
    await box.fill(typed);
    await box.press('Enter');
    await expectChinese(page, await shown(page), `#${id} = ${typed}`);
  });
}

test('typing "abc" into the chain rule\'s box: the message is Chinese', async ({ page }) => {
  await zh(page, '&preset=mazur');
  await page.locator('#chain-pick').selectOption({ index: 1 });
  const box = page.locator('#chain input.num-input');
  await box.fill('abc');
  await box.press('Enter');
  await expectChinese(page, await shown(page), 'chain rule box');
});

test('answering "abc" in quiz mode: the answer is refused in Chinese', async ({ page }) => {
  await zh(page, '&preset=mazur&mode=quiz');
  await page.locator('#btn-next').click();
  const guess = page.locator('#quiz-guess');
  await expect(guess).toBeVisible();
  await guess.fill('abc');
  await guess.press('Enter');
  await expect(page.locator('#quiz-result')).not.toBeEmpty();
  await expectChinese(page, await page.locator('#quiz-result').textContent(), 'quiz answer');
});

test('removing a hidden layer that is not there: the message is Chinese', async ({ page }) => {
  await zh(page, '&preset=mazur');
  await page.locator('#ar-remove').click();
  await expect.poll(() => page.evaluate(() => window.backpropLab.state().sizes.length)).toBe(2);
  await page.locator('#ar-remove').click();
  await expectChinese(page, await shown(page), 'no hidden layer');
});

test('softmax on a hidden layer: the message is Chinese', async ({ page }) => {
  await zh(page, '&preset=mazur');
  await page.locator('[data-key="act-0"]').selectOption('softmax');
  await expectChinese(page, await shown(page), 'softmax on layer 1');
});

test('an SVG of the heatmap: the message is Chinese', async ({ page }) => {
  await zh(page, '&preset=xor');
  await page.locator('#io-view').selectOption('data');
  await page.locator('#io-svg').click();
  await expectChinese(page, await shown(page), 'SVG of the data view');
});

// ---- files -----------------------------------------------------------------------------

const file = (name, text) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
const wrongInput = () => ({ ...mazurFixture(), input: [0.05] });

for (const [what, f, says] of [
  ['malformed JSON', file('broken.json', '{"network": ['), null],
  ['an empty file', file('empty.json', ''), null],
  ['JSON of another shape', file('other.json', '{"hello": 1}'), null],
  ['a weight row of the wrong length', file('row.json', JSON.stringify((() => { const f = mazurFixture(); f.network.layers[0].weights[0] = [1, 2, 3]; return f; })())), null],
  ['an input of the wrong length', file('input.json', JSON.stringify(wrongInput())), '输入有 1 个值；第 1 层需要 2 个'],
  ['a saved state of another version', file('v99.json', JSON.stringify({ ...mazurFixture(), backprop_lab: 99 })), null],
]) {
  test(`opening ${what}: the message is Chinese`, async ({ page }) => {
    await zh(page, '&preset=mazur');
    await page.locator('#io-file').setInputFiles(f);
    const msg = await shown(page);
    expect(msg).toContain(f.name);
    if (says) expect(msg).toContain(says);
    await expectChinese(page, msg, what);
  });
}

// The size limit is checked in io.js before the core sees the file: its words too.
test('opening a file over 20 MB: the message is Chinese', async ({ page }) => {
  await zh(page, '&preset=mazur');
  await page.locator('#io-file').setInputFiles({ name: 'big.json', mimeType: 'application/json', buffer: Buffer.alloc(20_000_001, 0x20) });
  const msg = await shown(page);
  expect(msg).toContain('big.json');
  await expectChinese(page, msg, 'a file over 20 MB');
});

// ---- links and the URL -----------------------------------------------------------------

const b64url = (text) => Buffer.from(text).toString('base64url');

for (const [what, hash] of [
  ['characters a link never has', '#s=%%%not-a-link!!'],
  ['cut short (not UTF-8)', '#s=wA'],
  ['not JSON', `#s=${b64url('{"oops')}`],
  ['JSON of the wrong shape', `#s=${b64url('{"network": 1}')}`],
  ['an input of the wrong length', `#s=${b64url(JSON.stringify(wrongInput()))}`],
]) {
  test(`a shared link ${what}: the message is Chinese`, async ({ page }) => {
    await zh(page, `&preset=mazur${hash}`);
    await expectChinese(page, await shown(page), `link ${what}`);
  });
}

for (const [query, names] of [
  ['preset=doesnotexist', 'doesnotexist'],
  ['panels=network,nope', 'nope'],
  ['mode=nope', 'nope'],
  ['controls=nope', 'nope'],
  ['controls=bad&mode=nope&preset=nix', 'nix'],
]) {
  test(`?${query}: the message is Chinese`, async ({ page }) => {
    await zh(page, `&${query}`);
    const msg = await shown(page);
    expect(msg).toContain(names);
    await expectChinese(page, msg, `?${query}`);
  });
}

// ---- a host page: window.backpropLab and postMessage -----------------------------------

for (const [method, args] of [
  ['setWeight', [1, 0, 0, NaN]],
  ['setWeight', [1, 0, 0, 1e9]],
  ['setWeight', [5, 0, 0, 1]],
  ['setBias', [0, 9, 1]],
  ['setInput', [0, 'x']],
  ['setTarget', [-1, 0.5]],
  ['seek', [-1]],
  ['seek', [99]],
  ['seek', [1.5]],
  ['train', [-1]],
  ['train', [1e9]],
  ['load', [42]],
  ['load', [null]],
  ['load', ['nope']],
  ['load', [{ network: 1 }]],
  ['load', [{ network: { layers: [] }, input: [], target: [], learning_rate: 0.5 }]],
  ['trace', ['pdf']],
]) {
  const call = `${method}(${args.map((a) => (Number.isNaN(a) ? 'NaN' : JSON.stringify(a))).join(', ')})`;
  test(`backpropLab.${call} rejects with a Chinese message`, async ({ page }) => {
    await zh(page, '&preset=mazur');
    const msg = await rejected(page, method, args);
    expect(msg, `${call} rejects`).not.toBeNull();
    await expectChinese(page, msg, call);
  });
}

test('backpropLab.load of a fixture whose input is too short says so in Chinese', async ({ page }) => {
  await zh(page, '&preset=mazur');
  const err = await tryLoad(page, wrongInput());
  expect(err.isError).toBe(true);
  expect(err.message).toContain('输入有 1 个值；第 1 层需要 2 个');
  await expectChinese(page, err.message, 'load(short input)');
  expect(await shown(page)).toBe(err.message);
});

test('a host page calling an unknown method or a bad step by postMessage gets Chinese errors', async ({ page }) => {
  await zh(page, '&preset=xor');
  await addLabFrame(page, 'index.html?lang=zh&preset=mazur');
  await expect(page.frameLocator('#embedded-lab').locator('#step-title')).toContainText('开始');
  for (const [id, method, args] of [[1, 'explode', []], [2, 'seek', [-1]], [3, 'seek', ['two']], [4, 'load', [42]], [5, 'setWeight', [0, 0, 0, 'x']]]) {
    const r = await callFrame(page, id, method, args);
    expect(r.fromFrame).toBe(true);
    expect(r).not.toHaveProperty('result');
    await expectChinese(page, r.error, `${method}(${JSON.stringify(args)}) by postMessage`);
  }
});
