// A course page embeds the lab in an iframe and drives it by postMessage.
import { test, expect, open } from './helpers.mjs';
import { state, addLabFrame, callFrame } from './util2.mjs';

test('a host page steps an embedded lab by postMessage', async ({ page }) => {
  // The host is itself the app on another preset, so the replies can only be the iframe's.
  await open(page, '?preset=xor');
  await addLabFrame(page, 'index.html?preset=mazur');
  const lab = page.frameLocator('#embedded-lab');
  await expect(lab.locator('#step-title')).toContainText('Start');

  const next = await callFrame(page, 1, 'next');
  expect(next).toEqual({ id: 1, result: true, fromFrame: true });
  await expect(lab.locator('#step-title')).toContainText('z(1)');
  await expect(lab.locator('#steps button[aria-current="step"]')).toHaveAttribute('data-index', '1');

  const s = await callFrame(page, 2, 'state');
  expect(s.error).toBeUndefined();
  expect(s.result.cursor.index).toBe(1);
  expect(s.result.cursor.kind).toBe('weighted_sum');
  expect(s.result.preset).toBe('mazur');
  expect(s.result.layers[0].z[0]).toBeCloseTo(0.3775, 12);

  // The host's own lab was not moved.
  const host = await state(page);
  expect(host.preset).toBe('xor');
  expect(host.cursor.index).toBe(0);

  const seek = await callFrame(page, 3, 'seek', [5]);
  expect(seek.error).toBeUndefined();
  await expect(lab.locator('#step-title')).toContainText('Loss');
});

test('embedded lab answers unknown methods and bad arguments with an error', async ({ page }) => {
  await open(page, '?preset=xor');
  await addLabFrame(page, 'index.html?preset=mazur');
  const lab = page.frameLocator('#embedded-lab');
  await callFrame(page, 10, 'seek', [2]);

  const unknown = await callFrame(page, 11, 'explode', []);
  expect(unknown.id).toBe(11);
  expect(unknown).not.toHaveProperty('result');
  expect(unknown.error).toMatch(/unknown method "explode"/);

  for (const [id, bad] of [[12, -1], [13, 99], [14, 'two'], [15, 1.5]]) {
    const r = await callFrame(page, id, 'seek', [bad]);
    expect(r.id).toBe(id);
    expect(r, `seek(${JSON.stringify(bad)})`).not.toHaveProperty('result');
    expect(r.error, `seek(${JSON.stringify(bad)})`).toMatch(/step/);
  }
  // Nothing moved: still at step 2, and the iframe still steps on request.
  expect((await callFrame(page, 16, 'state')).result.cursor.index).toBe(2);
  await expect(lab.locator('#step-title')).toContainText('a(1)');
  expect((await callFrame(page, 17, 'next')).result).toBe(true);
  expect((await callFrame(page, 18, 'state')).result.cursor.index).toBe(3);
});
