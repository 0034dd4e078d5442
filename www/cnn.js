// The convolutional network's panels: the layer stack, the feature maps (a click on a
// kernel cell picks its chain rule, a click on a cell shows its gradient both ways, a
// drag paints the input image, with a mouse or a finger) and the im2col matrices.
// The core lays the maps out and says what is under a point; this file only routes.

import { el, replace, fmt } from './dom.js';
import { t, getLang } from './i18n.js';

const $ = (id) => document.getElementById(id);

/**
 * Wires the CNN panels of `app`; `select(sel)` picks a chain rule, `render()` redraws,
 * `cssSize(canvas)` is the canvas's CSS size, `setInput(index, value)` edits the image and
 * `typed(index, text, input)` commits a typed value (with the page's checks).
 */
export function createCnn(app, { render, select, cssSize, setInput, typed }) {
  const maps = $('maps-canvas');
  const im2col = $('im2col-canvas');
  const toggle = $('im2col-toggle');
  toggle.addEventListener('change', () => {
    im2col.hidden = !toggle.checked;
    render();
  });

  /** What the core has under a pointer event, or null. */
  const hit = (e) => {
    const r = maps.getBoundingClientRect();
    const [w, h] = cssSize(maps);
    return JSON.parse(app.lab.hit_maps(e.clientX - r.left, e.clientY - r.top, w, h, app.req));
  };
  /** The input image's value at flat `index`, as the page last drew it. */
  const inputAt = (index) => {
    const x = app.lastState && app.lastState.input;
    return Array.isArray(x) ? x.flat(Infinity)[index] : undefined;
  };
  const backward = () => app.lastState && app.lastState.cursor.phase === 'backward';

  // A press starts a gesture; moving onto another input cell makes it a stroke that
  // paints every cell it crosses with the value the first cell did not have (paint
  // on dark, erase on light). A press released where it started is a click.
  let gesture = null;
  const paint = (index) => {
    if (gesture.painted.has(index)) return;
    gesture.painted.add(index);
    setInput(index, gesture.value);
  };
  maps.addEventListener('pointerdown', (e) => {
    const h = hit(e);
    if (!h) return;
    gesture = { first: h, painted: new Set(), value: h.kind === 'input' && inputAt(h.index) >= 0.5 ? 0 : 1 };
    if (h.kind === 'input') {
      maps.setPointerCapture(e.pointerId);
      e.preventDefault();
    }
  });
  maps.addEventListener('pointermove', (e) => {
    if (!gesture || gesture.first.kind !== 'input') return;
    const h = hit(e);
    if (!h || h.kind !== 'input') return;
    if (h.index !== gesture.first.index || gesture.painted.size) {
      paint(gesture.first.index);
      paint(h.index);
    }
  });
  const end = (e) => {
    const g = gesture;
    gesture = null;
    if (!g || e.type === 'pointercancel') return;
    if (g.painted.size) return;
    const h = g.first;
    if (h.kind === 'kernel') {
      select({ kind: 'kernel', layer: h.layer, index: h.index });
    } else if (h.kind === 'input' && !backward()) {
      gesture = g;
      paint(h.index);
      gesture = null;
    } else if (h.kind === 'input' || h.kind === 'cell') {
      app.req.focus_cell(h.c, h.i, h.j);
      render();
    }
  };
  maps.addEventListener('pointerup', end);
  maps.addEventListener('pointercancel', end);

  // The image as a grid of number boxes: the keyboard's way to draw it, and exact values.
  const grid = $('maps-input-grid');
  let gridKey = '';
  function drawGrid(state) {
    if (!$('maps-input').open || state.kind !== 'cnn') return;
    const x = state.input;
    const key = JSON.stringify([state.input_shape, getLang()]);
    if (key !== gridKey) {
      gridKey = key;
      let index = 0;
      replace(grid, x.map((channel, c) => el('table', { class: 'values image' },
        el('caption', {}, t('maps.channel', { c: c + 1 })),
        el('tbody', {}, channel.map((row, i) => el('tr', {}, row.map((_, j) => {
          const k = index++;
          const box = el('input', { type: 'text', inputmode: 'decimal', size: 4, 'aria-label': t('maps.cell', { c: c + 1, i: i + 1, j: j + 1 }), dataset: { k } });
          box.addEventListener('change', () => typed(k, box.value, box));
          box.addEventListener('keydown', (e) => { e.stopPropagation(); if (e.key === 'Enter') box.dispatchEvent(new Event('change')); });
          return el('td', {}, box);
        })))))));
    }
    const flat = x.flat(Infinity);
    for (const box of grid.querySelectorAll('input')) {
      if (box !== document.activeElement && !box.classList.contains('invalid')) box.value = fmt(flat[Number(box.dataset.k)], 4);
    }
  }
  $('maps-input').addEventListener('toggle', render);

  return {
    /** Asks the frame for the CNN canvases whose panels are shown. */
    show(req, show) {
      show(req, 'layers', $('layers-canvas'));
      show(req, 'maps', maps);
      req.im2col(toggle.checked);
      show(req, 'im2col', im2col);
    },
    /** Sizes the canvases that set their own height; refills the image's number boxes. */
    draw(out) {
      drawGrid(out.state);
      for (const [name, h] of [['layers', out.layers_height], ['maps', out.maps_height]]) {
        if (!h) continue;
        const c = $(`${name}-canvas`);
        const px = `${h}px`;
        if (c.style.height !== px) c.style.height = px;
      }
    },
    /** A new network: the default cell again. */
    reset() {
      app.req.focus_cell(-1, 0, 0);
    },
  };
}
