// Backprop Lab's page: loads the wasm core, wires events, owns view state (selection,
// playing) and redraws. Every number, formula and curve comes from the core.

import init, { Lab, presets, activations } from '../pkg/backprop_lab.js';
import { t, setLang, getLang, translatePage } from './i18n.js';
import { el, replace, setText, setShown } from './dom.js';
import { setSymbols, wSym, bSym, renderTimeline, scrollTimeline, renderStep, renderValues, updateValues, renderChain, renderEdit, renderGradcheck } from './views.js';
import { makeApi, listen } from './api.js';
import { createTraining } from './training.js';
import { encode, decode } from './link.js';
import { createQuiz } from './quiz.js';
import { PANELS, parsePanels, applyPanels, applyMode, toggleBlank } from './modes.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const view = {
  selected: null, // {kind: 'edge', layer, i, j} | {kind: 'neuron', layer, i}
  playing: null,
  stateKey: '',
  mode: 'normal', // normal | presenter | quiz
  panels: [...PANELS],
  embed: false,
  controls: 'full', // full | steps | none
  linkKey: '',
  allLines: false, // the step panel shows every formula line
  steps: [], // the timeline's steps, fetched when stepsKey changes
  stepsKey: '',
  weights: [], // each layer's weights_before at revision weightsRevision
  weightsRevision: -1,
  drawn: false, // a first frame was drawn
};

const app = {
  lab: null,
  lang: () => getLang(),
  /** Runs an action on the lab, redraws; errors become a visible message and rethrow. */
  act(fn) {
    let out;
    try {
      out = fn();
    } catch (e) {
      handleError(e);
      throw asError(e);
    }
    hideMessage();
    render();
    return out;
  },
  /** Loads a preset name, a fixture-shaped object or a saved state. */
  async load(x) {
    return app.act(() => {
      if (typeof x === 'string') app.lab.load_preset(x);
      else if (x && typeof x === 'object') app.lab.load(JSON.stringify(x));
      else throw new Error(`load: expected a preset name or an object, got ${x === null ? 'null' : typeof x}`);
      afterLoad(Boolean(x.view));
    });
  },
  timed,
  /** After a change of architecture or data: the selection may no longer exist. */
  onNetworkChange() {
    view.selected = null;
    view.stateKey = '';
    syncControls();
  },
};

let training = null;
let quiz = null;

/** The next step; in quiz mode a step first asks for its value. */
function forward() {
  if (view.mode === 'quiz' && quiz.next()) return;
  app.lab.next();
  render();
}

/** Moves to step `i`; in quiz mode never past the first question not yet answered
 * (that one is asked instead), so no value is seen before it is predicted. */
function goTo(i) {
  if (view.mode === 'quiz') {
    const stop = quiz.firstOpen(app.lab.cursor(), i);
    if (stop !== null) {
      app.lab.seek(stop - 1);
      quiz.next();
      render();
      return;
    }
  }
  app.lab.seek(i);
  render();
}

function asError(e) {
  return e instanceof Error ? e : new Error(String(e));
}

/** A wasm trap means the module is unusable: show the fatal overlay. Else a message. */
function handleError(e) {
  if (e instanceof WebAssembly.RuntimeError) fatal(String(e.message || e));
  else showMessage(String(e && e.message ? e.message : e));
}

function showMessage(text) {
  setText($('message-text'), text);
  setShown($('message'), true);
}

function hideMessage() {
  setShown($('message'), false);
}

function fatal(msg) {
  stopPlay();
  for (const el of document.querySelectorAll('body > :not(#fatal)')) el.inert = true;
  setText($('fatal-text'), msg);
  $('fatal').hidden = false;
  $('fatal-reload').focus();
}
window.__backpropLabPanic = fatal;

// ---- drawing -------------------------------------------------------------------

let frame = 0;
/** Redraws everything on the next animation frame (coalesces bursts of events). */
function render() {
  if (!frame) frame = requestAnimationFrame(draw);
}

/** CSS sizes of the canvases, kept by a ResizeObserver: reading clientWidth while
 * drawing would force a layout after every DOM change. */
const canvasSizes = new WeakMap();
const resizer = new ResizeObserver((entries) => {
  for (const e of entries) canvasSizes.set(e.target, [e.contentRect.width, e.contentRect.height]);
  render();
});

function drawOpts(canvas, extra = {}) {
  if (!canvasSizes.has(canvas)) {
    canvasSizes.set(canvas, [canvas.clientWidth, canvas.clientHeight]);
    resizer.observe(canvas);
  }
  const [w, h] = canvasSizes.get(canvas);
  return JSON.stringify({
    width: Math.max(w, 1),
    height: Math.max(h, 1),
    dpr: window.devicePixelRatio || 1,
    dark: view.mode === 'presenter',
    zoom: view.mode === 'presenter' ? 1.5 : 1,
    lang: getLang(),
    ...extra,
  });
}

/** Puts the matrices `page_matrices` sends (see `Session::page_matrices`) into `state`'s
 * layers as rows: `weights_before` from `flat` unless `before` is given, `grad_weights`
 * (null rows where `grad_rows` is false), `weights_after` where `biases_after` is set.
 * A number that is not finite becomes null, as JSON writes it in `state()`. */
function attachMatrices(state, flat, before) {
  let k = 0;
  const finite = (x) => (Number.isFinite(x) ? x : null);
  const take = (rows, cols) => Array.from({ length: rows }, () => Array.from(flat.subarray(k, (k += cols)), finite));
  state.layers.forEach((L, l) => {
    const rows = L.biases_before.length;
    const cols = state.sizes[l];
    L.weights_before = before ? before[l] : take(rows, cols);
    L.grad_weights = take(rows, cols).map((row, i) => (L.grad_rows[i] ? row : null));
    L.weights_after = L.biases_after === null ? null : take(rows, cols);
  });
  if (k !== flat.length) throw new Error(`internal: ${flat.length} matrix numbers, ${k} placed`);
}

/** Runs fn and records its time as a performance measure named backprop-lab:<name>. */
function timed(name, fn) {
  const t0 = performance.now();
  fn();
  measure(name, t0);
}

/** Records backprop-lab:<name> from t0 to now, keeping only the latest of that name:
 * the browser keeps every measure until cleared (at 60 frames a second, a leak). */
function measure(name, t0) {
  const full = `backprop-lab:${name}`;
  performance.clearMeasures(full);
  performance.measure(full, { start: t0 });
}

/** Formula lines shown per list in the step panel until "Show all" is pressed. */
const STEP_LINES = 24;

/** What the tables are built for: the network's shape, activations and the language. */
const stateKey = (state) => JSON.stringify([state.sizes, state.layers.map((l) => l.activation), getLang()]);

function draw() {
  frame = 0;
  const lab = app.lab;
  if (!lab) return;
  const t0 = performance.now();
  try {
    let state, steps, step;
    timed('json', () => {
      state = JSON.parse(lab.page_state());
      // The weight matrices come as plain numbers; the weights before the update change
      // only with a new revision, so a step reuses the last ones.
      const revision = lab.revision();
      const fresh = view.weightsRevision !== revision;
      attachMatrices(state, lab.page_matrices(fresh), fresh ? null : view.weights);
      view.weights = state.layers.map((L) => L.weights_before);
      view.weightsRevision = revision;
      // The step list follows the network's shape and the granularity, not the numbers.
      const stepsKey = `${stateKey(state)}|${state.granularity}`;
      if (view.stepsKey !== stepsKey) {
        view.steps = JSON.parse(lab.steps());
        view.stepsKey = stepsKey;
      }
      steps = view.steps;
      // A big layer's step has hundreds of formula lines: the first few are shown
      // unless the student asks for all (laying out hundreds of lines costs a frame).
      step = JSON.parse(view.allLines ? lab.step(state.cursor.index) : lab.step(state.cursor.index, STEP_LINES));
    });
    // Inside each unit, what it computes over the input plane, while training or at rest
    // on step 0; stepping shows the values instead.
    const unitMaps = state.has_dataset && (training.isPlaying() || state.cursor.index === 0);
    timed('network', () => lab.draw_network($('network-canvas'), drawOpts($('network-canvas'), { selected: view.selected, unit_maps: unitMaps })));
    timed('curves', () => lab.draw_curves($('curves-canvas'), drawOpts($('curves-canvas'))));
    const graph = $('graph-canvas');
    const go = JSON.parse(drawOpts(graph));
    const gh = `${lab.graph_height((go.width || 600) / go.zoom) * go.zoom}px`;
    if (graph.style.height !== gh) graph.style.height = gh;
    timed('graph', () => lab.draw_graph(graph, drawOpts(graph)));
    // Canvases before the page's text: a canvas font reads computed style, which would
    // otherwise be recomputed for every table cell changed just before.
    const key = stateKey(state);
    const archChanged = view.stateKey !== key;
    training.draw(state, archChanged);
    timed('step', () => {
      renderTimeline($('steps'), steps, state.cursor.index, (i) => { try { goTo(i); } catch (e) { handleError(e); } });
      setText($('step-count'), t('step.of', { i: state.cursor.index, n: state.cursor.count - 1 }));
      renderStep({ phase: $('step-phase'), title: $('step-title'), note: $('step-note'), symbols: $('step-symbols'), numbers: $('step-numbers'), live: $('live') }, step, state);
      const more = $('step-more');
      const long = (l) => l.symbols.length > STEP_LINES || l.numbers.length > STEP_LINES;
      setShown(more, view.allLines ? long(step.text.plain) : step.text.more);
      setText(more, view.allLines ? t('step.fewer') : t('step.more'));
    });
    // The tables are rebuilt only when the network's shape or the language changes; a
    // step (or a training frame) only refills their numbers.
    if (archChanged) {
      setSymbols(JSON.parse(lab.symbols()));
      fillChainPick(state);
    }
    if (archChanged) {
      timed('tables', () => {
        renderValues($('values'), state, edit);
        renderEdit($('edit'), state, ACTIVATIONS, edit, setActivation);
      });
      view.stateKey = key;
    }
    const revision = lab.revision();
    timed('values', () => updateValues(document, state, archChanged || revision !== view.revision));
    view.revision = revision;
    // The gradient check costs two passes per parameter: only while its panel is open.
    const details = $('gradcheck').querySelector('details');
    // A new trace (any edit, load or training step) has a new revision.
    const gradKey = `${revision}|${getLang()}`;
    if (!details || (details.open && view.gradKey !== gradKey && !training.isPlaying())) {
      renderGradcheck($('gradcheck'), details && details.open ? JSON.parse(lab.gradcheck()) : null, () => { view.gradKey = ''; render(); });
      view.gradKey = details && details.open ? gradKey : '';
    }
    quiz.draw(state, view.mode);
    updateLink(state);
    const sel = view.selected;
    // With nothing chosen the panel is a fixed hint: not rebuilt at every step.
    const chosen = sel && sel.layer !== null && sel.layer !== undefined;
    const chainKey = chosen ? JSON.stringify([sel, state.cursor.index, lab.revision(), getLang()]) : `none|${getLang()}`;
    if (view.chainKey !== chainKey) {
      let chain = null;
      if (chosen) {
        chain = JSON.parse(lab.chain(sel.layer, sel.i, sel.kind === 'edge' ? sel.j : -1));
      }
      renderChain($('chain'), chain, sel && sel.layer !== null ? sel : null, state, edit);
      view.chainKey = chainKey;
    }
    setText($('btn-play').querySelector('.icon'), view.playing ? '❚❚' : '▶');
    setText($('btn-play').querySelector('.label'), view.playing ? t('btn.pause') : t('btn.play'));
    timed('layout', () => scrollTimeline($('steps')));
  } catch (e) {
    handleError(e);
  }
  // A named measure per redraw, for the benchmark (make bench) and the browser's profiler.
  measure('draw', t0);
  // The end of the first drawn frame, once: the benchmark's start-up time.
  if (!view.drawn) {
    view.drawn = true;
    performance.mark('backprop-lab:first-draw');
  }
}

// ---- links, modes, panels ------------------------------------------------------

/** The whole state as an object: the core's saved state plus the page's view. */
function fullState() {
  const s = JSON.parse(app.lab.export_state());
  s.view.lang = getLang();
  s.view.panels = view.panels;
  s.view.mode = view.mode;
  return s;
}

/** After any load: training and the quiz stop, the selection goes; the loaded state's
 * language, panels and mode apply only if it carried them (a fixture file does not). */
function afterLoad(hasView) {
  training.stop();
  quiz.reset();
  if (hasView) applyLoadedView();
  app.onNetworkChange();
}

/** Applies the language, panels and mode a loaded state carries. */
function applyLoadedView() {
  const v = JSON.parse(app.lab.export_state()).view;
  if (v.lang !== getLang()) setLanguage(v.lang);
  view.panels = v.panels;
  setMode(v.mode);
}

/** The shareable link of the current view. */
function currentLink() {
  const q = new URLSearchParams();
  if (view.embed) q.set('embed', '1');
  if (view.controls !== (view.embed ? 'steps' : 'full')) q.set('controls', view.controls);
  const query = q.toString() ? `?${q}` : '';
  return `${location.origin}${location.pathname}${query}${encode(fullState())}`;
}

/** Keeps the address bar's hash on the current state, so a reload restores it; written
 * a moment after the last change (encoding the state is not free, stepping should be). */
function updateLink(state) {
  if (training.isPlaying()) return;
  const key = JSON.stringify([app.lab.revision(), state.cursor.index, getLang(), view.mode, view.panels]);
  if (key === view.linkKey) return;
  view.linkKey = key;
  clearTimeout(view.linkTimer);
  view.linkTimer = setTimeout(flushLink, 250);
}

/** Writes the pending link now (before a reload or when leaving the page). */
function flushLink() {
  clearTimeout(view.linkTimer);
  if (app.lab && !training.isPlaying()) history.replaceState(null, '', currentLink());
}

async function copyLink() {
  const link = currentLink();
  $('link-out').value = link;
  $('link-out').hidden = false;
  $('link-out').select();
  try {
    await navigator.clipboard.writeText(link);
    showNote(t('link.copied'));
  } catch {
    showNote(t('link.select'));
  }
}

function showNote(text) {
  setText($('note-text'), text);
  $('note').hidden = false;
  clearTimeout(view.noteTimer);
  view.noteTimer = setTimeout(() => { $('note').hidden = true; }, 4000);
}

function setMode(mode) {
  if (mode === 'quiz' && view.mode !== 'quiz') {
    quiz.reset();
    app.lab.set_granularity('neuron');
    app.lab.reset();
  }
  view.mode = mode;
  $('btn-quiz').setAttribute('aria-pressed', String(mode === 'quiz'));
  $('btn-presenter').setAttribute('aria-pressed', String(mode === 'presenter'));
  $('granularity').value = JSON.parse(app.lab.page_state()).granularity;
  applyMode(view);
  applyPanels(view.panels, view.mode, view.controls);
  if (mode !== 'presenter' && document.fullscreenElement) document.exitFullscreen().catch(() => {});
  $('btn-presenter').setAttribute('aria-pressed', String(mode === 'presenter'));
  render();
}

function fullscreen() {
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else document.documentElement.requestFullscreen().catch(() => {});
}

/** The view settings of the URL (embed, controls, panels, mode); a bad one is named. */
function readConfig() {
  view.embed = params.get('embed') === '1';
  const controls = params.get('controls') || (view.embed ? 'steps' : 'full');
  if (!['full', 'steps', 'none'].includes(controls)) throw new Error(`controls: "${controls.slice(0, 20)}" (expected full, steps or none)`);
  view.controls = controls;
  if (params.get('panels')) view.panels = parsePanels(params.get('panels'));
  const mode = params.get('mode');
  if (mode) {
    if (!['normal', 'presenter', 'quiz'].includes(mode)) throw new Error(`mode: "${mode.slice(0, 20)}" (expected normal, presenter or quiz)`);
    view.mode = mode;
  }
}

/** Every weight and bias as a choice, so the chain rule is reachable by keyboard. */
function fillChainPick(state) {
  const opts = [el('option', { value: '' }, t('chain.pickNone'))];
  state.layers.forEach((L, l) => L.weights_before.forEach((row, i) => {
    row.forEach((_, j) => opts.push(el('option', { value: JSON.stringify({ kind: 'edge', layer: l, i, j }) }, wSym(l, i, j))));
    opts.push(el('option', { value: JSON.stringify({ kind: 'neuron', layer: l, i }) }, bSym(l, i)));
  }));
  replace($('chain-pick'), opts);
  $('chain-pick').value = view.selected ? JSON.stringify(view.selected) : '';
}

// ---- edits ---------------------------------------------------------------------

/** Commits a typed number: a clear message and the old value back when it is not one. */
function edit(what, idx, text, input) {
  const trimmed = String(text).trim();
  const v = trimmed === '' ? NaN : Number(trimmed);
  const label = input ? input.getAttribute('aria-label') : what;
  if (Number.isNaN(v)) {
    showMessage(t('error.number', { what: label, v: text }));
    input.classList.add('invalid');
    input.setAttribute('aria-invalid', 'true');
    return;
  }
  try {
    const lab = app.lab;
    if (what === 'weight') lab.set_weight(idx[0], idx[1], idx[2], v);
    else if (what === 'bias') lab.set_bias(idx[0], idx[1], v);
    else if (what === 'input') lab.set_input(idx[0], v);
    else if (what === 'target') lab.set_target(idx[0], v);
    else if (what === 'lr') {
      lab.set_learning_rate(v);
      if (v > 10) showNote(t('lr.large', { v }));
    }
    input?.classList.remove('invalid');
    input?.removeAttribute('aria-invalid');
    hideMessage();
    view.stateKey = '';
    render();
  } catch (e) {
    handleError(e);
    input?.classList.add('invalid');
    input?.setAttribute('aria-invalid', 'true');
  }
}

function setActivation(l, name, select) {
  try {
    app.lab.set_activation(l, name);
    hideMessage();
    render();
  } catch (e) {
    handleError(e);
    view.stateKey = '';
    render();
  }
}

// ---- controls ------------------------------------------------------------------

let ACTIVATIONS = [];
let PRESETS = [];

function fillPresets() {
  const cur = $('preset').value;
  replace($('preset'), PRESETS.map((p) => el('option', { value: p.name, title: p.description[getLang()] }, p.title[getLang()])));
  $('preset').value = cur || PRESETS[0].name;
}

function syncControls() {
  const s = JSON.parse(app.lab.page_state());
  if (s.preset) $('preset').value = s.preset;
  $('granularity').value = s.granularity;
  training.sync(JSON.parse(app.lab.export_state()));
}

function stopPlay() {
  if (view.playing) clearInterval(view.playing);
  view.playing = null;
}

function togglePlay() {
  if (view.playing) {
    stopPlay();
  } else {
    if (app.lab.cursor() + 1 >= app.lab.count()) app.lab.reset();
    view.playing = setInterval(() => {
      const at = app.lab.cursor();
      if (view.mode === 'quiz') {
        stopPlay();
        forward();
        return;
      }
      if (!app.lab.next() || app.lab.cursor() === at) stopPlay();
      render();
    }, matchMedia('(prefers-reduced-motion: reduce)').matches ? 1500 : 900);
  }
  render();
}

function setLanguage(l) {
  setLang(l);
  try { localStorage.setItem('backprop-lab.lang', getLang()); } catch { /* storage may be off */ }
  $('lang').value = getLang();
  translatePage();
  fillPresets();
  view.stateKey = '';
  if (training) flushLink();
  render();
}

function onKey(e) {
  if (!$('fatal').hidden) return;
  const tag = e.target.tagName;
  if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || e.ctrlKey || e.metaKey || e.altKey) return;
  const lab = app.lab;
  const onButton = tag === 'BUTTON' || tag === 'SUMMARY';
  let handled = true;
  switch (e.key) {
    case 'ArrowRight': case 'PageDown': forward(); break;
    case ' ': if (onButton) return; forward(); break;
    case 'ArrowLeft': case 'PageUp': lab.prev(); break;
    case 'Home': lab.reset(); break;
    case 'End': goTo(lab.count() - 1); break;
    case 'b': case 'B': case '.': if (view.mode !== 'presenter') return; toggleBlank(); break;
    case 'p': case 'P': setMode(view.mode === 'presenter' ? 'normal' : 'presenter'); break;
    case 'f': case 'F': if (view.mode !== 'presenter') return; fullscreen(); break;
    case 'Escape': if (view.mode !== 'presenter') return; setMode('normal'); break;
    default: handled = false;
  }
  if (handled) {
    e.preventDefault();
    render();
  }
}

/** Horizontal swipes step the pass on touch screens. */
function swipe(el) {
  let start = null;
  el.addEventListener('pointerdown', (e) => { if (e.pointerType !== 'mouse') start = [e.clientX, e.clientY]; });
  el.addEventListener('pointerup', (e) => {
    if (!start) return;
    const [dx, dy] = [e.clientX - start[0], e.clientY - start[1]];
    start = null;
    if (Math.abs(dx) > 40 && Math.abs(dx) > 2 * Math.abs(dy)) {
      if (dx < 0) forward();
      else app.act(() => app.lab.prev());
    }
  });
}

function wire() {
  $('btn-start').addEventListener('click', () => app.act(() => app.lab.reset()));
  $('btn-prev').addEventListener('click', () => app.act(() => app.lab.prev()));
  $('btn-next').addEventListener('click', forward);
  $('btn-end').addEventListener('click', () => goTo(app.lab.count() - 1));
  $('btn-play').addEventListener('click', togglePlay);
  $('step-more').addEventListener('click', () => { view.allLines = !view.allLines; render(); });
  $('message-close').addEventListener('click', hideMessage);
  $('fatal-reload').addEventListener('click', () => location.reload());
  $('preset').addEventListener('change', (e) => app.load(e.target.value).catch(() => {}));
  $('granularity').addEventListener('change', (e) => { try { app.act(() => app.lab.set_granularity(e.target.value)); quiz.reset(); } catch { /* shown */ } });
  $('lang').addEventListener('change', (e) => setLanguage(e.target.value));
  $('btn-link').addEventListener('click', copyLink);
  window.addEventListener('pagehide', flushLink);
  $('chain-pick').addEventListener('change', (e) => { view.selected = e.target.value ? JSON.parse(e.target.value) : null; render(); });
  $('btn-presenter').addEventListener('click', () => setMode(view.mode === 'presenter' ? 'normal' : 'presenter'));
  $('btn-quiz').addEventListener('click', () => setMode(view.mode === 'quiz' ? 'normal' : 'quiz'));
  $('blank').addEventListener('click', toggleBlank);
  swipe($('network-canvas'));
  swipe($('panel-step'));
  document.addEventListener('keydown', onKey);
  const net = $('network-canvas');
  net.addEventListener('click', (e) => {
    const hit = JSON.parse(app.lab.hit_network(e.offsetX, e.offsetY, drawOpts(net)));
    if (hit && hit.kind === 'neuron' && hit.layer === null) view.selected = null;
    else view.selected = hit;
    const pick = view.selected ? JSON.stringify({ kind: view.selected.kind, layer: view.selected.layer, i: view.selected.i, ...(view.selected.kind === 'edge' ? { j: view.selected.j } : {}) }) : '';
    $('chain-pick').value = [...$('chain-pick').options].some((o) => o.value === pick) ? pick : '';
    render();
  });
  resizer.observe(document.body);
}

async function main() {
  let stored = null;
  try { stored = localStorage.getItem('backprop-lab.lang'); } catch { /* storage may be off */ }
  const browser = (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  setLang(params.get('lang') || stored || browser);
  translatePage();
  $('lang').value = getLang();
  await init();
  PRESETS = JSON.parse(presets());
  ACTIVATIONS = JSON.parse(activations());
  fillPresets();
  const problems = [];
  try {
    readConfig();
  } catch (e) {
    problems.push(String(e.message || e));
  }
  // The state: a link's hash first, else the preset of the query, else Mazur.
  const wanted = params.get('preset') || 'mazur';
  try {
    app.lab = new Lab(wanted);
  } catch (e) {
    app.lab = new Lab('mazur');
    problems.push(t('error.load', { msg: String(e.message || e) }));
  }
  try {
    const text = decode(location.hash);
    if (text !== null) {
      app.lab.load(text);
      const v = JSON.parse(app.lab.export_state()).view;
      if (!params.get('lang')) setLang(v.lang);
      if (!params.get('panels')) view.panels = v.panels;
      if (!params.get('mode')) view.mode = v.mode;
    }
  } catch (e) {
    problems.push(t('error.link', { msg: e.code ? t(e.code) : String(e.message || e) }));
    history.replaceState(null, '', location.pathname + location.search);
  }
  translatePage();
  $('lang').value = getLang();
  applyMode(view);
  applyPanels(view.panels, view.mode, view.controls);
  if (problems.length) showMessage(problems.join(' · '));
  training = createTraining(app, { render, showMessage, hideMessage, drawOpts });
  app.fullState = fullState;
  quiz = createQuiz(app, { render, showMessage });
  if (view.mode === 'quiz' && !location.hash) {
    view.mode = 'normal';
    setMode('quiz');
  }
  app.onNewExercise = () => training.stop();
  syncControls();
  wire();
  render();
  // Export and import are not part of the first frame: io.js is fetched after it (on a
  // slow network its bytes would otherwise delay the wasm's). `ready` still waits for it.
  // A page that draws no frame (hidden, or an embed scrolled out of view) waits 500 ms.
  await new Promise((res) => { requestAnimationFrame(() => setTimeout(res, 0)); setTimeout(res, 500); });
  const { createIo } = await import('./io.js');
  createIo(app, { showMessage, showNote, onLoaded: (hasView) => { hideMessage(); afterLoad(hasView); } });
}

const api = makeApi(app);
// The benchmark (make bench) reaches the lab itself; not part of the public API.
if (params.get('bench') === '1') window.__backpropLabInternals = app;
const ready = main().then(() => api);
window.backpropLab = { ...api, ready };
listen(api, ready);
ready.catch((e) => fatal(String(e && e.message ? e.message : e)));
