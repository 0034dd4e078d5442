// Bad input never breaks the lab: each gives a visible, specific message in #message
// and leaves the previous state as it was; the page still steps afterwards.
import { test, expect, open } from './helpers.mjs';
import { state, typeInto, expectStillSteps, tryLoad, mazurFixture } from './util2.mjs';

const message = (page) => page.locator('#message');
const messageText = (page) => page.locator('#message-text');

async function expectMessage(page, ...patterns) {
  await expect(message(page)).toBeVisible();
  await expect(message(page)).toHaveAttribute('role', 'alert');
  for (const p of patterns) await expect(messageText(page)).toContainText(p);
}

for (const [typed, specific] of [['abc', /not a number/], ['1e999', /finite/], ['', /not a number/]]) {
  test(`typing ${JSON.stringify(typed)} into a weight box is refused with a message`, async ({ page }) => {
    await open(page, '?preset=mazur');
    const before = await state(page);
    const box = await typeInto(page, 'w-1-0-0', typed);
    await expectMessage(page, 'W(2)_11', specific);
    await expect(box).toHaveClass(/\binvalid\b/);
    await expect(box).toHaveAttribute('aria-invalid', 'true');
    const after = await state(page);
    expect(after.layers[1].weights_before[0][0]).toBe(0.4);
    expect(after).toEqual(before);
    await expectStillSteps(page);
    // A good number afterwards is taken, and the marks go away.
    await typeInto(page, 'w-1-0-0', '0.41');
    await expect.poll(async () => (await state(page)).layers[1].weights_before[0][0]).toBe(0.41);
    await expect(box).not.toHaveClass(/\binvalid\b/);
    await expect(message(page)).toBeHidden();
  });
}

test('a negative learning rate is refused with a message', async ({ page }) => {
  await open(page, '?preset=mazur');
  const before = await state(page);
  const box = await typeInto(page, 'lr', '-1');
  await expectMessage(page, /learning rate/i, '-1');
  await expect(box).toHaveClass(/\binvalid\b/);
  expect((await state(page)).learning_rate).toBe(0.5);
  expect(await state(page)).toEqual(before);
  await expectStillSteps(page);
});

test('an unknown preset in the URL falls back to Mazur and says so', async ({ page }) => {
  await open(page, '?preset=doesnotexist');
  await expectMessage(page, 'doesnotexist');
  await expect(messageText(page)).toContainText(/preset/i);
  const s = await state(page);
  expect(s.preset).toBe('mazur');
  expect(s.layers[1].weights_before).toEqual([[0.4, 0.45], [0.5, 0.55]]);
  await expect(page.locator('#preset')).toHaveValue('mazur');
  await expect(page.locator('#step-title')).toContainText('Start');
  await expectStillSteps(page);
});

test('load() rejects bad arguments with a clear Error and keeps the state', async ({ page }) => {
  await open(page, '?preset=mazur');
  await page.evaluate(() => window.backpropLab.seek(3));
  const before = await state(page);
  const bad = mazurFixture();
  bad.network.layers[0].weights[0] = [0.15, 0.2, 0.3];
  const cases = [
    [{ network: 1 }, /network.*(object|number)/],
    ['nope', /unknown preset "nope"/],
    [bad, /row 0 has 3 entries, expected 2/],
  ];
  for (const [arg, why] of cases) {
    const err = await tryLoad(page, arg);
    expect(err, `load(${JSON.stringify(arg).slice(0, 40)}) must reject`).not.toBeNull();
    expect(err.isError).toBe(true);
    expect(err.message).toMatch(why);
    expect(await state(page)).toEqual(before);
    // The page tells the user too, with the same words.
    await expectMessage(page, err.message);
    await expect(page.locator('#preset')).toHaveValue('mazur');
  }
  await expectStillSteps(page);
});

test('API edits with a bad index or value reject and keep the state', async ({ page }) => {
  await open(page, '?preset=mazur');
  const before = await state(page);
  const errors = await page.evaluate(async () => {
    const api = window.backpropLab;
    const out = [];
    for (const call of [() => api.setWeight(5, 0, 0, 1), () => api.setBias(0, 9, 1), () => api.setInput(0, 'x'), () => api.setWeight(1, 0, 0, NaN)]) {
      try { await call(); out.push(null); } catch (e) { out.push(e instanceof Error ? e.message : `not an Error: ${e}`); }
    }
    return out;
  });
  expect(errors[0]).toMatch(/W\(6\)_11/);
  expect(errors[1]).toMatch(/b\(1\)_10/);
  expect(errors[2]).toMatch(/not a number/);
  expect(errors[3]).toMatch(/W\(2\)_11.*finite/);
  expect(await state(page)).toEqual(before);
  await expectStillSteps(page);
});
