// Export and import: PNG of any view, SVG of the recorded views (drawn by the core),
// the worked example as Markdown / LaTeX / JSON, the pass as a NumPy or PyTorch script,
// the state as JSON; opening a state or
// fixture file by picker or drag-and-drop, validated like every load.

import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);
const CANVAS = { network: 'network-canvas', graph: 'graph-canvas', curves: 'curves-canvas', data: 'data-canvas', loss: 'loss-canvas', gradients: 'grad-canvas', layers: 'layers-canvas', maps: 'maps-canvas', im2col: 'im2col-canvas' };

/** Offers `blob` as a download named `name`. */
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function createIo(app, { showMessage, showNote, onLoaded }) {
  function png() {
    const canvas = $(CANVAS[$('io-view').value]);
    if (canvas.closest('[hidden]')) {
      showMessage(t('io.hidden'));
      return;
    }
    // The maps canvas can hold a taller picture than it shows (the tallest of the steps,
    // so stepping never gives it a new buffer): the PNG is what is shown.
    const h = Math.round((canvas.clientHeight * canvas.width) / Math.max(canvas.clientWidth, 1));
    let shown = canvas;
    if (h > 0 && h < canvas.height) {
      shown = document.createElement('canvas');
      [shown.width, shown.height] = [canvas.width, h];
      shown.getContext('2d').drawImage(canvas, 0, 0);
    }
    shown.toBlob((blob) => blob && download(blob, `backprop-lab-${$('io-view').value}.png`), 'image/png');
  }

  function svg() {
    const view = $('io-view').value;
    if (!app.vocab.svg_views.includes(view)) {
      showMessage(t('io.svgonly'));
      return;
    }
    try {
      const [w, h] = { network: [1200, 640], maps: [1000, 760], layers: [520, 720], im2col: [1000, 380] }[view] || [1200, 360];
      const text = app.lab.svg(view, w, h);
      download(new Blob([text], { type: 'image/svg+xml' }), `backprop-lab-${view}.svg`);
    } catch (e) {
      showMessage(String(e.message || e));
    }
  }

  /** Shows the worked example in the text box and offers it as a file. */
  function trace(format, ext) {
    try {
      const text = app.lab.document(format);
      $('io-out').hidden = false;
      $('io-out').value = text;
      download(new Blob([text], { type: 'text/plain;charset=utf-8' }), `backprop-lab-trace.${ext}`);
    } catch (e) {
      showMessage(String(e.message || e));
    }
  }

  /** The pass as a Python script (`numpy` or `pytorch`), shown and offered as a file. */
  function python(format) {
    try {
      const text = app.lab.code_script(format);
      $('io-out').hidden = false;
      $('io-out').value = text;
      download(new Blob([text], { type: 'text/x-python;charset=utf-8' }), `backprop-lab-${format}.py`);
    } catch (e) {
      showMessage(String(e.message || e));
    }
  }

  function save() {
    const text = JSON.stringify(app.fullState(), null, 2);
    download(new Blob([text], { type: 'application/json' }), 'backprop-lab-state.json');
  }

  /** Reads and loads a file; on failure the previous state stays. */
  async function open(file) {
    if (!file) return;
    if (file.size > 20_000_000) {
      showMessage(t('io.bad', { name: file.name, msg: t('io.tooBig', { mb: 20 }) }));
      return;
    }
    try {
      const text = await file.text();
      await app.retry(() => app.lab.load(text));
      // The text parsed in the core, so it parses here: does it carry a view?
      onLoaded(Object.hasOwn(JSON.parse(text), 'view'));
      showNote(t('io.loaded', { name: file.name }));
    } catch (e) {
      showMessage(t('io.bad', { name: file.name, msg: String(e.message || e) }));
    }
  }

  $('io-png').addEventListener('click', png);
  // SVG and the worked example are the full lab's: loaded on the first click.
  const full = (fn) => () => Promise.resolve().then(() => app.full(fn)).catch(() => {});
  $('io-svg').addEventListener('click', full(svg));
  $('io-md').addEventListener('click', full(() => trace('markdown', 'md')));
  $('io-tex').addEventListener('click', full(() => trace('latex', 'tex')));
  $('io-json').addEventListener('click', full(() => trace('json', 'json')));
  $('io-numpy').addEventListener('click', full(() => python('numpy')));
  $('io-pytorch').addEventListener('click', full(() => python('pytorch')));
  $('io-save').addEventListener('click', save);
  $('io-file').addEventListener('change', (e) => { open(e.target.files[0]); e.target.value = ''; });
  let depth = 0;
  document.addEventListener('dragenter', (e) => { if (e.dataTransfer?.types?.includes('Files')) { depth++; document.body.classList.add('dragging'); } });
  document.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) document.body.classList.remove('dragging'); });
  document.addEventListener('dragover', (e) => { if (e.dataTransfer?.types?.includes('Files')) e.preventDefault(); });
  document.addEventListener('drop', (e) => {
    depth = 0;
    document.body.classList.remove('dragging');
    if (!e.dataTransfer?.files?.length) return;
    e.preventDefault();
    open(e.dataTransfer.files[0]);
  });
}
