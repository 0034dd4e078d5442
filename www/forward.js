// The "why backward" panel: ∂L/∂w of the selected weight or bias by forward mode (a
// tangent carried beside every value of the forward pass), beside backprop's value, and
// the work every gradient takes three ways. main.js imports this module the first time
// the panel is opened, so it is not part of the first screen; the numbers and words come
// from the full module (app.full loads it on first use). Text only, never HTML.

import { el, replace, fmt, fmtAll } from './dom.js';
import { t, getLang } from './i18n.js';
import { setFormulas } from './math.js';

/** A list of formula lines, typeset from the core's TeX, their plain text kept. */
function formulas(cls, plain, tex) {
  const box = el('div', { class: cls });
  setFormulas(box, plain, tex);
  return box;
}

/** The parameter to show: the selection's weight or bias, else W(1)_11 (`chosen` false). */
function parameter(selected) {
  if (selected && selected.kind === 'edge') return { layer: selected.layer, i: selected.i, j: selected.j, chosen: true };
  if (selected && selected.kind === 'neuron' && Number.isInteger(selected.layer)) return { layer: selected.layer, i: selected.i, j: -1, chosen: true };
  return { layer: 0, i: 0, j: 0, chosen: false };
}

/** One step of the pass with tangents: its title, note and formulas. */
function stepItem(step, current) {
  return el('li', { class: current ? 'current' : '', 'aria-current': current ? 'step' : null },
    el('h4', {}, step.title),
    el('p', { class: 'note' }, step.note),
    formulas('formula', step.symbols, step.tex.symbols),
    formulas('formula numbers', step.numbers, step.tex.numbers));
}

/** The steps and the result line, forward mode's value beside backprop's. */
function modePart(fm, p, mode) {
  const parts = [el('h3', {}, fm.title)];
  if (!p.chosen) parts.push(el('p', { class: 'hint' }, fm.pick_hint));
  // The quiz asks for this gradient before it is shown: forward mode would give it away.
  if (mode === 'quiz' && !fm.revealed) return [...parts, el('p', { class: 'hint' }, t('chain.notyet'))];
  parts.push(el('p', { class: 'note' }, fm.note));
  parts.push(el('ol', { class: 'tangent-steps' }, fm.steps.map((s, k) => stepItem(s, k === fm.current))));
  const [value, backprop] = fmtAll([fm.value, fm.backprop], 8);
  parts.push(el('p', { class: 'check fm-result' },
    el('span', { class: 'fm-value' }, `${fm.labels.forward} = ${value}`), ' · ',
    el('span', { class: 'fm-backprop' }, `${fm.labels.backprop}: ${backprop}`), ' · ',
    `${fm.labels.difference} ${fmt(fm.difference, 2)}`));
  return parts;
}

/** The cost table: passes and multiply-adds of each method, and why backward wins. */
function costPart(cost) {
  const rows = cost.rows.map((r) => el('tr', { dataset: { method: r.method } },
    el('th', { scope: 'row' }, r.name),
    el('td', {}, r.passes),
    el('td', { class: 'macs' }, r.count, el('div', { class: 'how' }, r.how)),
    el('td', { class: 'ratio' }, r.ratio_text)));
  return [
    el('h3', {}, cost.title),
    el('p', { class: 'note' }, cost.network),
    el('div', { class: 'scroll' }, el('table', { class: 'values cost' },
      el('thead', {}, el('tr', {}, cost.headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows))),
    el('p', { class: 'why' }, cost.why),
    el('p', { class: 'note' }, cost.counted),
  ];
}

/** The panel in `box` (inside its <details>); returns the draw function main.js calls at
 * every redraw, which rebuilds the panel only when the selection, the cursor, the pass,
 * the language or the mode changed, and only while the panel is open. */
export function createForward(app, box, render) {
  // The panel's own styles come with it (a stylesheet of the page's origin, as the CSP asks).
  document.head.append(el('link', { rel: 'stylesheet', href: new URL('./forward.css', import.meta.url).href }));
  let key = '';
  let busy = false;
  const show = (...parts) => replace(box, parts.flat());
  return function draw({ state, revision, selected, mode }) {
    if (!box.closest('details')?.open || box.closest('[hidden]') || busy) return;
    const p = parameter(selected);
    const k = JSON.stringify([p, state.cursor.index, revision, getLang(), mode, state.kind]);
    if (k === key) return;
    key = k;
    if (state.kind === 'cnn') {
      show(el('p', { class: 'hint' }, t('forward.mlp')));
      return;
    }
    const fill = () => {
      try {
        const fm = JSON.parse(app.lab.forward_mode(p.layer, p.i, p.j));
        const cost = JSON.parse(app.lab.cost_table());
        show(el('div', { class: 'fm-steps' }, modePart(fm, p, mode)), el('div', { class: 'fm-cost' }, costPart(cost)));
      } catch (e) {
        show(el('p', { class: 'hint' }, String(e && e.message ? e.message : e)));
      }
    };
    const out = app.full(fill);
    if (out && typeof out.then === 'function') {
      // The full module is loading: once it is, draw again (the selection may have moved).
      busy = true;
      show(el('p', { class: 'hint' }, t('full.loading')));
      out.catch((e) => show(el('p', { class: 'hint' }, String(e && e.message ? e.message : e))))
        .finally(() => { busy = false; key = ''; render(); });
    }
  };
}
