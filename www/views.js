// The page's DOM panels: timeline, step, values table, chain rule, settings. Each
// function draws one panel from the core's JSON; none of them computes a number.

import { el, replace, fmt, fmtAll, setText } from './dom.js';
import { t, getLang } from './i18n.js';
import { setFormulas, setFormula } from './math.js';

/** The symbols of the inputs, targets and each layer's parameters as the core writes
 * them (`W(2)_12,1` once an index has two digits); set whenever the network's shape
 * changes. */
let symbols = { inputs: [], targets: [], layers: [], kernels: [] };
export function setSymbols(s) { symbols = s; }
/** A CNN's conv kernels: for each conv layer, its weights' symbols (flat order). */
export const kernelSymbols = () => symbols.kernels ?? [];
/** W(l)_ij and b(l)_i with 0-based indices. */
export const wSym = (l, i, j) => symbols.layers[l]?.weights[i]?.[j] ?? '';
export const bSym = (l, i) => symbols.layers[l]?.biases[i] ?? '';

/** The timeline: one button per step, the current one marked. */
export function renderTimeline(list, steps, cursor, onSeek) {
  const key = JSON.stringify([getLang(), steps.map((s) => s.label)]);
  if (list.dataset.key !== key) {
    list.dataset.key = key;
    replace(
      list,
      steps.map((s, i) =>
        el('li', { class: `phase-${s.phase}` },
          el('button', { type: 'button', dataset: { index: i }, onclick: () => onSeek(i), title: t(`phase.${s.phase}`) },
            el('span', { class: 'num' }, String(i)), ' ', s.label))),
    );
  }
  // Only the previous and the new current step change.
  for (const b of list.querySelectorAll('button.current')) {
    b.removeAttribute('aria-current');
    b.classList.remove('current');
  }
  const cur = list.children[cursor]?.querySelector('button');
  if (cur) {
    cur.setAttribute('aria-current', 'step');
    cur.classList.add('current');
  }
}

/** Scrolls the timeline so the current step shows. Called after the page's other DOM
 * writes: it reads layout, which then costs one layout for the whole redraw. */
export function scrollTimeline(list) {
  const cur = list.querySelector('button.current');
  if (cur) {
    const box = list.getBoundingClientRect();
    const r = cur.getBoundingClientRect();
    if (r.left < box.left || r.right > box.right) list.scrollLeft += r.left - box.left - box.width / 3;
  }
}

/** The step panel: title, note, the formula in symbols and with numbers. */
export function renderStep(parts, step, state) {
  const lang = getLang();
  const c = state.cursor;
  setText(parts.phase, `${t(`phase.${c.phase}`)} · ${t('step.of', { i: c.index, n: c.count - 1 })}`);
  parts.phase.className = `phase phase-${c.phase}`;
  setText(parts.title, step.title);
  setText(parts.note, step.note);
  setFormulas(parts.symbols, step.symbols, step.tex.symbols);
  setFormulas(parts.numbers, step.numbers, step.tex.numbers);
  // Announce a step once (not at every redraw while training).
  const announce = `${step.title}. ${step.numbers.join('; ')}`;
  const key = `${c.index}|${lang}|${announce.length}`;
  if (parts.live.dataset.key !== key) {
    parts.live.dataset.key = key;
    parts.live.textContent = announce;
  }
}

/** A text box for a number; commits on Enter or when it loses focus. */
function numberBox(value, label, key, onCommit) {
  const input = el('input', {
    type: 'text', inputmode: 'decimal', value: String(value), 'aria-label': label,
    class: 'num-input', dataset: { key }, spellcheck: 'false', autocomplete: 'off',
  });
  const commit = () => {
    if (input.value === input.dataset.committed) return;
    input.dataset.committed = input.value;
    onCommit(input.value, input);
  };
  input.dataset.committed = String(value);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') { input.value = input.dataset.committed; input.blur(); }
    e.stopPropagation();
  });
  input.addEventListener('change', commit);
  return input;
}

/** A cell for a computed value, filled (and refilled at each step) by updateValues. */
const cell = (path, cls = '') => el('td', { class: `computed ${cls}`, dataset: { path } });

/** The values table: per layer b, W (editable), z, a, δ, ∂L/∂b, ∂L/∂W, and b, W after
 * the update. Built once per network; updateValues then only refills the computed cells. */
export function renderValues(box, state, edit) {
  const tables = [];
  tables.push(el('h3', {}, t('values.input')));
  tables.push(el('table', { class: 'values' },
    el('thead', {}, el('tr', {}, el('th', {}, ''), state.input.map((_, j) => el('th', { scope: 'col' }, symbols.inputs[j])),
      state.target.map((_, i) => el('th', { scope: 'col' }, symbols.targets[i])))),
    el('tbody', {}, el('tr', {}, el('th', { scope: 'row' }, ''),
      state.input.map((x, j) => el('td', {}, numberBox(x, symbols.inputs[j], `x-${j}`, (v, i) => edit('input', [j], v, i)))),
      state.target.map((x, i) => el('td', {}, numberBox(x, symbols.targets[i], `t-${i}`, (v, inp) => edit('target', [i], v, inp))))))));
  state.layers.forEach((L, l) => {
    const fan = L.weights_before[0].length;
    const head = el('tr', {},
      el('th', { scope: 'col' }, t('values.unit')),
      el('th', { scope: 'col' }, 'b'),
      Array.from({ length: fan }, (_, j) => el('th', { scope: 'col' }, `W·${j + 1}`)),
      ['z', 'a', 'δ', '∂L/∂b'].map((h) => el('th', { scope: 'col' }, h)),
      Array.from({ length: fan }, (_, j) => el('th', { scope: 'col' }, `∂L/∂W·${j + 1}`)),
      el('th', { scope: 'col' }, `b ${t('values.after')}`),
      Array.from({ length: fan }, (_, j) => el('th', { scope: 'col' }, `W·${j + 1} ${t('values.after')}`)));
    const rows = L.biases_before.map((b, i) => el('tr', {},
      el('th', { scope: 'row' }, String(i + 1)),
      el('td', {}, numberBox(b, bSym(l, i), `b-${l}-${i}`, (v, inp) => edit('bias', [l, i], v, inp))),
      L.weights_before[i].map((w, j) => el('td', {}, numberBox(w, wSym(l, i, j), `w-${l}-${i}-${j}`, (v, inp) => edit('weight', [l, i, j], v, inp)))),
      ['z', 'a', 'delta', 'grad_biases'].map((k) => cell(`${l}.${k}.${i}`)),
      Array.from({ length: fan }, (_, j) => cell(`${l}.grad_weights.${i}.${j}`)),
      cell(`${l}.biases_after.${i}`, 'after'),
      Array.from({ length: fan }, (_, j) => cell(`${l}.weights_after.${i}.${j}`, 'after'))));
    tables.push(el('h3', {}, t('values.layer', { l: l + 1, act: L.activation })));
    tables.push(el('div', { class: 'scroll' }, el('table', { class: 'values', dataset: { layer: l } }, el('thead', {}, head), el('tbody', {}, rows))));
  });
  keepFocus(box, () => replace(box, tables));
  box.cells = [...box.querySelectorAll('td.computed')].map((td) => [td, td.dataset.path.split('.')]);
  // Number boxes with their layer table (none for the input and target).
  box.inputs = [...box.querySelectorAll('input.num-input[data-key]')].map((input) => [input, input.closest('table').dataset.layer]);
  watchTables(box);
}

/** Runs `rebuild` (which replaces `box`'s content) keeping the focused box, and what is
 * typed in it and not yet committed: a commit elsewhere rebuilds the tables while the
 * student may already be typing in the next box. */
function keepFocus(box, rebuild) {
  const a = document.activeElement;
  const key = a && box.contains(a) ? a.dataset.key : null;
  const typed = key && a.tagName === 'INPUT' && a.value !== a.dataset.committed ? [a.value, a.selectionStart, a.selectionEnd] : null;
  rebuild();
  const again = key && box.querySelector(`[data-key="${key}"]`);
  if (!again) return;
  again.focus();
  if (typed) {
    again.value = typed[0];
    again.setSelectionRange(typed[1], typed[2]);
  }
}

/** The value an editable box shows, from its data-key (w-L-I-J, b-L-I, x-J, t-I, lr). */
function boxValue(key, state) {
  const [kind, a, b, c] = key.split('-');
  switch (kind) {
    case 'w': case 'cw': return state.layers[a]?.weights_before[b]?.[c];
    case 'b': case 'cb': return state.layers[a]?.biases_before[b];
    case 'x': return state.input[a];
    case 't': return state.target[a];
    case 'lr': return state.learning_rate;
    default: return undefined;
  }
}

/** Refills the computed cells for the current step (values not reached yet show "·"),
 * and the editable boxes whose values changed (training moves the weights), except the
 * one being typed in or holding a rejected entry. */
export function updateValues(root, state, weightsChanged = true) {
  // The boxes hold weights and inputs: they change with training or a load, not a step.
  if (weightsChanged) {
    for (const input of root.querySelectorAll('#chain input.num-input[data-key], #edit input.num-input[data-key]')) {
      syncBox(input, boxValue(input.dataset.key, state));
    }
  }
  const box = root.getElementById ? root.getElementById('values') : root;
  box.lastState = state;
  refill(box, state, weightsChanged);
}

/** Shows a box's number, unless the student is typing in it or it holds a refused entry. */
function syncBox(input, v) {
  if (v === undefined || input === document.activeElement || input.classList.contains('invalid')) return;
  const text = String(v);
  if (input.dataset.committed !== text) {
    input.value = text;
    input.dataset.committed = text;
  }
}

/** Above this many computed cells, only the layer tables on screen are refilled (the
 * rest when they scroll into view): an 8 × 16 network has thousands of cells. */
const FILL_ALL_BELOW = 1500;

/** Tracks which layer tables are on screen (with a margin), to refill them when they appear. */
function watchTables(box) {
  if (box.observer) box.observer.disconnect();
  box.onScreen = new Set();
  if (typeof IntersectionObserver !== 'function') return;
  box.observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const l = e.target.dataset.layer;
      if (e.isIntersecting) box.onScreen.add(l); else box.onScreen.delete(l);
    }
    // A table coming into view catches up (refill writes only the cells that changed).
    if (entries.some((e) => e.isIntersecting) && box.lastState) refill(box, box.lastState, true);
  }, { rootMargin: '50% 0px' });
  for (const table of box.querySelectorAll('table.values[data-layer]')) box.observer.observe(table);
}

/** Writes the tables' numbers: the boxes when the weights changed, and the computed
 * cells whose value changed. */
function refill(box, state, weightsChanged) {
  const notyet = t('values.notyet');
  const all = (box.cells || []).length < FILL_ALL_BELOW || !box.observer;
  const shown = (l) => all || l === undefined || box.onScreen.has(l);
  if (weightsChanged) {
    for (const [input, l] of box.inputs || []) if (shown(l)) syncBox(input, boxValue(input.dataset.key, state));
  }
  // The cells whose number changed, then their texts from the core in one call.
  const changed = [];
  for (const cell of box.cells || []) {
    const [td, [l, key, i, j]] = cell;
    if (!shown(l)) continue;
    let v = state.layers[l][key];
    if (v !== null && v !== undefined) v = v[i];
    if (j !== undefined && v !== null && v !== undefined) v = v[j];
    // The number last written is kept with the cell: unchanged ones cost nothing.
    if (cell.length > 3 && cell[3] === v) continue;
    cell[3] = v;
    changed.push(cell);
  }
  const numbers = changed.filter((c) => c[3] !== null && c[3] !== undefined);
  const texts = fmtAll(numbers.map((c) => c[3]));
  numbers.forEach((c, k) => { c.text = texts[k]; });
  for (const cell of changed) {
    const td = cell[0];
    const missing = cell[3] === null || cell[3] === undefined;
    const text = missing ? '·' : cell.text;
    // The last text is kept with the cell: reading textContent back costs more.
    if (cell[2] !== text) {
      cell[2] = text;
      td.textContent = text;
      td.classList.toggle('notyet', missing);
      if (missing) td.title = notyet;
      else td.removeAttribute('title');
    }
  }
}

/** The chain rule of the selected weight or bias, with finite differences beside it.
 * The heading and the weight's box are built when the selection or the language
 * changes (so typing in the box survives training frames); the rest is refilled. */
export function renderChain(box, chain, selected, state, edit) {
  const lang = getLang();
  if (!selected || !chain) {
    box.headKey = '';
    replace(box, el('p', { class: 'hint' }, t(state && state.kind === 'cnn' ? 'chain.noneCnn' : 'chain.none')));
    return;
  }
  const headKey = JSON.stringify([selected, lang]);
  if (box.headKey !== headKey) {
    box.headKey = headKey;
    let label;
    if (selected.kind === 'kernel') {
      const { layer: k, index } = selected;
      const sym = kernelSymbols().find((x) => x.layer === k)?.weights[index] ?? '';
      const w = state.layers[k]?.weights;
      const flat = w ? w.flat(3) : [];
      label = el('label', { class: 'inline' }, `${t('chain.weight')} ${sym} = `,
        numberBox(flat[index] ?? '', sym, `ck-${k}-${index}`, (v, inp) => edit('param', [k, index], v, inp)));
    } else if (selected.kind === 'edge') {
      const { layer: l, i, j } = selected;
      label = el('label', { class: 'inline' }, `${t('chain.weight')} ${wSym(l, i, j)} = `,
        numberBox(state.layers[l].weights_before[i][j], wSym(l, i, j), `cw-${l}-${i}-${j}`, (v, inp) => edit('weight', [l, i, j], v, inp)));
    } else {
      const { layer: l, i } = selected;
      label = el('label', { class: 'inline' }, `${t('chain.bias')} ${bSym(l, i)} = `,
        numberBox(state.layers[l].biases_before[i], bSym(l, i), `cb-${l}-${i}`, (v, inp) => edit('bias', [l, i], v, inp)));
    }
    box.body = el('div');
    replace(box, el('h3', {}, chain.title), label, box.body);
  }
  if (!chain.revealed) {
    replace(box.body, el('p', { class: 'hint' }, t('chain.notyet')));
    return;
  }
  const [value, numeric, ...factors] = fmtAll([chain.value, chain.numeric, ...chain.factors.map((f) => f.value)], 8);
  const relErr = fmt(chain.rel_error, 2);
  const parts = [el('p', { class: 'note' }, chain.note)];
  const math = (tag, attrs, plain, tex) => {
    const e = el(tag, attrs);
    setFormula(e, tex, plain);
    return e;
  };
  parts.push(el('table', { class: 'factors' }, el('tbody', {}, chain.factors.map((f, k) =>
    el('tr', {}, math('td', { class: 'sym' }, f.symbol, chain.tex.factors[k]), el('td', { class: 'val' }, factors[k]), el('td', { class: 'what' }, f.name))))));
  if (chain.paths.length) {
    parts.push(el('h4', {}, t('chain.paths')));
    parts.push(el('ul', { class: 'paths formula' }, chain.paths.map((line, k) => math('li', {}, line, chain.tex.paths[k]))));
  }
  parts.push(el('div', { class: 'formula numbers' }, chain.numbers.map((s, k) => math('div', {}, s, chain.tex.numbers[k]))));
  parts.push(el('p', { class: 'check' },
    `${t('chain.backprop')}: ${value} · ${t('chain.numeric')}: ${numeric} · ${t('chain.relerr')} ${relErr}`));
  replace(box.body, parts);
}

/** Settings: learning rate and (a fully connected network) the activation of each layer. */
export function renderEdit(box, state, activations, edit, setActivation) {
  const parts = [
    el('label', { class: 'inline' }, `${t('edit.lr')} `,
      numberBox(state.learning_rate, t('edit.lr'), 'lr', (v, inp) => edit('lr', [], v, inp))),
  ];
  if (state.kind === 'cnn') {
    keepFocus(box, () => replace(box, parts));
    return;
  }
  state.layers.forEach((L, l) => {
    const sel = el('select', { 'aria-label': t('edit.activation', { l: l + 1 }), dataset: { key: `act-${l}` },
      onchange: (e) => setActivation(l, e.target.value, e.target) },
    activations.map((a) => el('option', { value: a, selected: a === L.activation }, a)));
    parts.push(el('label', { class: 'inline' }, `${t('edit.activation', { l: l + 1 })} `, sel));
  });
  keepFocus(box, () => replace(box, parts));
}

/** The gradient check of every parameter, folded away by default; computed when opened. */
export function renderGradcheck(box, report, onToggle) {
  if (!report) {
    replace(box, el('details', { class: 'gradcheck', ontoggle: onToggle }, el('summary', {}, t('gradcheck.title'))));
    return;
  }
  const cols = report.entries.map((e) => fmtAll([e.backprop, e.numeric], 8));
  const rows = report.entries.map((e, k) => el('tr', {},
    el('th', { scope: 'row' }, e.symbol),
    el('td', {}, cols[k][0]), el('td', {}, cols[k][1]), el('td', {}, fmt(e.rel_error, 2))));
  replace(box, el('details', { class: 'gradcheck', open: true, ontoggle: onToggle },
    el('summary', {}, `${t('gradcheck.title')} — ${t('gradcheck.max', { e: fmt(report.max_rel_error, 2) })}`),
    el('div', { class: 'scroll' }, el('table', { class: 'values' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', {}, t('chain.backprop')), el('th', {}, t('chain.numeric')), el('th', {}, t('chain.relerr')))),
      el('tbody', {}, rows)))));
}
