// The embedding API: window.backpropLab (a public interface: keep it stable) and the
// same calls by postMessage for an iframe host.

import { t } from './i18n.js';

/** Methods a host may call, by name; each returns a value or a Promise. */
export function makeApi(app) {
  const api = {
    load: async (x) => app.load(x),
    next: () => app.act(() => app.lab.next()),
    prev: () => app.act(() => app.lab.prev()),
    reset: () => app.act(() => app.lab.reset()),
    seek: (i) => app.act(() => app.lab.seek(checkIndex(i, 'seek'))),
    state: () => JSON.parse(app.lab.state()),
    // Training and the worked example are the full lab's: a Promise while it loads.
    train: (n) => app.full(() => app.act(() => app.lab.train(checkCount(n)))),
    setWeight: (l, i, j, v) => app.act(() => app.lab.set_weight(checkIndex(l, 'layer'), checkIndex(i, 'unit'), checkIndex(j, 'input'), checkNumber(v))),
    setBias: (l, i, v) => app.act(() => app.lab.set_bias(checkIndex(l, 'layer'), checkIndex(i, 'unit'), checkNumber(v))),
    setInput: (j, v) => app.act(() => app.lab.set_input(checkIndex(j, 'input'), checkNumber(v))),
    setTarget: (i, v) => app.act(() => app.lab.set_target(checkIndex(i, 'output'), checkNumber(v))),
    exportState: () => app.fullState(),
    trace: (format = 'markdown') => app.full(() => {
      const text = app.lab.document(String(format));
      return format === 'json' ? JSON.parse(text) : text;
    }),
  };
  return api;
}

/** A 0-based index: a whole number from 0 (wasm would turn 0.5 into 0 and −1 into 2³²−1). */
function checkIndex(i, what) {
  const key = what === 'seek' ? 'api.step' : 'api.index';
  if (!Number.isInteger(i) || i < 0 || i > 1e6) throw new Error(t(key, { what, v: String(JSON.stringify(i)).slice(0, 40) }));
  return i;
}

function checkCount(n) {
  if (!Number.isInteger(n) || n < 0) throw new Error(t('api.count', { v: String(JSON.stringify(n)).slice(0, 40) }));
  return n;
}

function checkNumber(v) {
  if (typeof v !== 'number') throw new Error(t('api.number', { v: String(JSON.stringify(v)).slice(0, 40) }));
  return v;
}

/** Answers {backpropLab: {id, method, args}} messages from the page embedding this one
 * (the iframe's parent), and from no other window. */
export function listen(api, ready) {
  window.addEventListener('message', async (e) => {
    if (window.parent === window || e.source !== window.parent) return;
    const m = e.data && e.data.backpropLab;
    if (!m || typeof m !== 'object' || !('method' in m)) return;
    const reply = (body) => {
      const target = e.source || window.parent;
      target.postMessage({ backpropLab: { id: m.id, ...body } }, e.origin && e.origin !== 'null' ? e.origin : '*');
    };
    try {
      await ready;
      if (!Object.hasOwn(api, m.method)) throw new Error(t('api.method', { v: String(m.method).slice(0, 40) }));
      const args = Array.isArray(m.args) ? m.args : [];
      const result = await api[m.method](...args);
      reply({ result: result === undefined ? null : result });
    } catch (err) {
      reply({ error: String(err && err.message ? err.message : err) });
    }
  });
}
