// The embedding API: window.backpropLab (a public interface: keep it stable) and the
// same calls by postMessage for an iframe host.

/** Methods a host may call, by name; each returns a value or a Promise. */
export function makeApi(app) {
  const api = {
    load: async (x) => app.load(x),
    next: () => app.act(() => app.lab.next()),
    prev: () => app.act(() => app.lab.prev()),
    reset: () => app.act(() => app.lab.reset()),
    seek: (i) => app.act(() => app.lab.seek(checkIndex(i))),
    state: () => JSON.parse(app.lab.state()),
    train: (n) => app.act(() => app.lab.train(checkCount(n))),
    setWeight: (l, i, j, v) => app.act(() => app.lab.set_weight(l, i, j, checkNumber(v))),
    setBias: (l, i, v) => app.act(() => app.lab.set_bias(l, i, checkNumber(v))),
    setInput: (j, v) => app.act(() => app.lab.set_input(j, checkNumber(v))),
    setTarget: (i, v) => app.act(() => app.lab.set_target(i, checkNumber(v))),
    exportState: () => JSON.parse(app.lab.export_state()),
    trace: (format = 'markdown') => {
      const text = app.lab.document(String(format), app.lang());
      return format === 'json' ? JSON.parse(text) : text;
    },
  };
  return api;
}

function checkIndex(i) {
  if (!Number.isInteger(i) || i < 0) throw new Error(`seek: ${JSON.stringify(i)} is not a step number`);
  return i;
}

function checkCount(n) {
  if (!Number.isInteger(n) || n < 0) throw new Error(`train: ${JSON.stringify(n)} is not a whole number of steps`);
  return n;
}

function checkNumber(v) {
  if (typeof v !== 'number') throw new Error(`${JSON.stringify(v)} is not a number`);
  return v;
}

/** Answers {backpropLab: {id, method, args}} messages from a host page. */
export function listen(api, ready) {
  window.addEventListener('message', async (e) => {
    const m = e.data && e.data.backpropLab;
    if (!m || typeof m !== 'object' || !('method' in m)) return;
    const reply = (body) => {
      const target = e.source || window.parent;
      target.postMessage({ backpropLab: { id: m.id, ...body } }, e.origin && e.origin !== 'null' ? e.origin : '*');
    };
    try {
      await ready;
      if (!Object.hasOwn(api, m.method)) throw new Error(`unknown method "${String(m.method).slice(0, 40)}"`);
      const args = Array.isArray(m.args) ? m.args : [];
      const result = await api[m.method](...args);
      reply({ result: result === undefined ? null : result });
    } catch (err) {
      reply({ error: String(err && err.message ? err.message : err) });
    }
  });
}
