// A course page driving an embedded Backprop Lab through postMessage:
// {backpropLab: {id, method, args}} out, {backpropLab: {id, result | error}} back.

const frame = document.getElementById('lab');
const status = document.getElementById('host-status');
const pending = new Map();
let nextId = 1;

/** Calls a method of the embedded lab; resolves with its result, rejects with its error. */
function call(method, ...args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    frame.contentWindow.postMessage({ backpropLab: { id, method, args } }, location.origin);
    setTimeout(() => {
      if (pending.delete(id)) reject(new Error(`${method}: no answer from the demo`));
    }, 5000);
  });
}

window.addEventListener('message', (e) => {
  if (e.source !== frame.contentWindow || e.origin !== location.origin) return;
  const m = e.data && e.data.backpropLab;
  if (!m || !pending.has(m.id)) return;
  const { resolve, reject } = pending.get(m.id);
  pending.delete(m.id);
  if ('error' in m) reject(new Error(m.error));
  else resolve(m.result);
});

async function show() {
  const s = await call('state');
  const loss = s.loss === null ? 'not computed yet' : s.loss.toFixed(4);
  status.textContent = `Step ${s.cursor.index} of ${s.cursor.count - 1} (${s.cursor.phase}: ${s.cursor.label}); L = ${loss}`;
}

async function act(method, ...args) {
  try {
    await call(method, ...args);
    await show();
  } catch (err) {
    status.textContent = `The demo said: ${err.message}`;
  }
}

document.getElementById('host-start').addEventListener('click', () => act('reset'));
document.getElementById('host-prev').addEventListener('click', () => act('prev'));
document.getElementById('host-next').addEventListener('click', () => act('next'));
document.getElementById('host-loss').addEventListener('click', () => act('seek', 5));
document.getElementById('host-lang').addEventListener('change', (e) => {
  const url = new URL(frame.src);
  url.searchParams.set('lang', e.target.value);
  url.hash = '';
  frame.src = url.toString();
  frame.addEventListener('load', () => show().catch(() => {}), { once: true });
});
frame.addEventListener('load', () => show().catch(() => {}), { once: true });
