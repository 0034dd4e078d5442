// Backprop Lab's page: loads the wasm core, wires events, owns view state (selection,
// playing) and redraws. Every number, formula and curve comes from the core.

import { start, core, isFull, loadFull, needsFull } from './core.js';
import { t, setLang, getLang, translatePage } from './i18n.js';
import { el, replace, setText, setShown } from './dom.js';
import { setSymbols, wSym, bSym, kernelSymbols, renderTimeline, scrollTimeline, renderStep, renderValues, updateValues, renderChain, renderEdit, renderGradcheck } from './views.js';
import { makeApi, listen } from './api.js';
import { parsePanels, applyPanels, applyMode, toggleBlank } from './modes.js';
import { layoutFormulas, watchFormulas, copyPlain } from './math.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const view = {
  selected: null, // {kind: 'edge', layer, i, j} | {kind: 'neuron', layer, i}
  playing: null,
  stateKey: '',
  mode: 'normal', // normal | presenter | quiz
  panels: [], // every panel, once the vocabulary is read
  embed: false,
  controls: 'full', // full | steps | none
  linkKey: '',
  allLines: false, // the step panel shows every formula line
  steps: [], // the timeline's steps (sent again when the network's shape changes)
  weights: [], // each layer's weights before the update (sent again with each new pass)
  req: null, // the Frame: what each redraw asks of the core
  drawn: false, // a first frame was drawn
  kind: 'mlp', // the network's kind: 'mlp' (fully connected) or 'cnn'
  valuesAt: -Infinity, // when the tables' numbers were last refilled (performance.now)
  weightsPending: false, // new weights arrived since that refill
  laterTimer: 0, // the task that draws what a frame left out of sight (drawLater)
};

/** While training plays, the tables' numbers are refilled at most this often. */
const VALUES_EVERY_MS = 250;

/** The core's vocabularies (presets, panels, modes, datasets, …), read once at start. */
let VOCAB = null;
/** The presets' descriptions (the preset menu's tooltips), {name: {en, zh}}: fetched after
 * the first frame from presets.json, which `make dist` writes (the first wasm module
 * leaves them out, to be a smaller first download). */
let descriptions = {};

const app = {
  lab: null,
  lang: () => getLang(),
  /** Runs an action on the lab, redraws; errors become a visible message and rethrow
   * (all but "this needs the full lab": the caller loads it and tries again). */
  act(fn) {
    let out;
    try {
      out = fn();
    } catch (e) {
      if (needsFull(e)) throw e;
      handleError(e);
      throw asError(e);
    }
    hideMessage();
    render();
    return out;
  },
  /** Loads a preset name, a fixture-shaped object or a saved state (in the full module
   * when the first cannot hold it: a CNN, a dataset). */
  async load(x) {
    return app.retry(() => app.act(() => {
      if (typeof x === 'string') app.lab.load_preset(x);
      else if (x && typeof x === 'object') app.lab.load(JSON.stringify(x));
      else throw new Error(t('error.loadType', { got: x === null ? 'null' : typeof x }));
      afterLoad(Boolean(x.view));
    }));
  },
  /** Runs `fn`; if the first module says it needs the full one, loads that and runs
   * `fn` again there. */
  async retry(fn) {
    try {
      return fn();
    } catch (e) {
      if (!needsFull(e)) throw e;
    }
    await app.upgrade();
    return fn();
  },
  /** Runs `fn`, which uses the full lab (training, exports, the quiz, exercises): at once
   * when it is loaded, else once it is (a Promise then). */
  full(fn) {
    return isFull() ? fn() : app.upgrade().then(fn);
  },
  /** Moves the session to the full module, loading it first (once). */
  async upgrade() {
    if (isFull()) return;
    showNote(t('full.loading'));
    let m;
    try {
      m = await loadFull();
    } catch (e) {
      const err = new Error(t('full.failed', { msg: String(e && e.message ? e.message : e) }));
      showMessage(err.message);
      throw err;
    }
    const lab = new m.Lab('mazur');
    lab.set_lang(getLang());
    lab.load(app.lab.export_state());
    app.lab.free();
    app.lab = lab;
    view.req.free();
    view.req = new m.Frame();
    app.req = view.req;
    $('note').hidden = true;
    // At start-up (a link or preset that needs the full lab) the page is not wired yet.
    if (training) {
      // The network is the same one: the selected weight stays selected.
      const selected = view.selected;
      app.onNetworkChange();
      view.selected = selected;
      render();
    }
  },
  timed,
  /** After a change of architecture or data: the selection may no longer exist. */
  onNetworkChange() {
    view.selected = null;
    view.stateKey = '';
    view.req.resend();
    if (cnn) cnn.reset();
    syncControls();
  },
};

let training = null;
/** The training panel until www/training.js arrives: it is below the first screen, so
 * its code is fetched after the first frame (as io.js) and nothing of it is drawn before. */
const trainingLater = { draw() {}, show() {}, fillMenus() {}, sync() {}, stop() {}, isPlaying: () => false };
let quiz = null;
/** The CNN panels' code (www/cnn.js), imported with the first convolutional network. */
let cnn = null;
let cnnLoading = null;

function loadCnn() {
  cnnLoading ??= import('./cnn.js').then(({ createCnn }) => {
    cnn = createCnn(app, {
      render,
      cssSize,
      setInput: (index, v) => edit('input', [index], String(v), null),
      typed: (index, text, box) => edit('input', [index], text, box),
      select: (sel) => {
        view.selected = sel;
        const pick = JSON.stringify(sel);
        $('chain-pick').value = [...$('chain-pick').options].some((o) => o.value === pick) ? pick : '';
        render();
      },
    });
    render();
  });
  return cnnLoading;
}
let code = null; // the step's Code tab (code.js), fetched when first opened

/** The next step; in quiz mode a step first asks for its value. */
function forward() {
  if (view.mode === 'quiz' && quiz && quiz.next()) return;
  app.lab.next();
  render();
}

/** Moves to step `i`; in quiz mode never past the first question not yet answered
 * (that one is asked instead), so no value is seen before it is predicted. */
function goTo(i) {
  if (view.mode === 'quiz' && quiz) {
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

/** A canvas's CSS size, from the ResizeObserver (read once directly the first time). */
function cssSize(canvas) {
  if (!canvasSizes.has(canvas)) {
    canvasSizes.set(canvas, [canvas.clientWidth, canvas.clientHeight]);
    resizer.observe(canvas);
  }
  const [w, h] = canvasSizes.get(canvas);
  return [Math.max(w, 1), Math.max(h, 1)];
}

/** What is near the viewport (within half a screen of it), kept by an
 * IntersectionObserver: the page draws only what can be seen. A canvas far away keeps
 * its last picture and is drawn again as it comes near, before it is seen. An element
 * not reported yet counts as near. */
const far = new WeakSet();
const nearness = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (e.isIntersecting) far.delete(e.target);
    else far.add(e.target);
  }
  render();
}, { rootMargin: '50% 0px' });
const watched = new WeakSet();
function isNear(el) {
  if (!watched.has(el)) {
    watched.add(el);
    nearness.observe(el);
  }
  return !far.has(el);
}

/** Asks the frame to show `name` on `canvas` while its panel is shown (drawn while the
 * canvas is near the viewport; its height is still sized when it is not). Of a near
 * canvas, the rows in sight are drawn in the frame and the rest right after it
 * (drawLater): a tall map or a panel just below the screen does not delay a step. */
function show(req, name, canvas) {
  if (canvas.closest('[hidden]')) {
    req.hide(name);
    return;
  }
  const [w, h] = cssSize(canvas);
  const near = isNear(canvas);
  req.show(name, canvas, w, h, near);
  if (near) {
    // Read before the frame writes anything, so no layout is forced.
    const top = canvas.getBoundingClientRect().top;
    req.in_sight(name, -top, window.innerHeight - top);
  }
}

/** Draws what the last frame left out of sight, right after it (see show). */
function drawLater() {
  view.laterTimer = 0;
  const t0 = performance.now();
  try {
    app.lab?.draw_later();
  } catch (e) {
    handleError(e);
  }
  measure('later', t0);
}

/** Puts the matrices a frame sends (see `view::matrices`) into `state`'s layers as rows:
 * `weights_before` first when the frame sent them (else the last ones), `grad_weights`
 * (null rows where `grad_rows` is false), `weights_after` where `biases_after` is set. A
 * number that is not finite becomes null, as JSON writes it in `state()`. */
function attachMatrices(state, flat, before) {
  let k = 0;
  const finite = (x) => (Number.isFinite(x) ? x : null);
  const take = (rows, cols) => Array.from({ length: rows }, () => Array.from(flat.subarray(k, (k += cols)), finite));
  state.layers.forEach((L, l) => {
    const rows = L.biases_before.length;
    const cols = state.sizes[l];
    L.weights_before = before ? take(rows, cols) : view.weights[l];
    L.grad_weights = take(rows, cols).map((row, i) => (L.grad_rows[i] ? row : null));
    L.weights_after = L.biases_after === null ? null : take(rows, cols);
  });
  if (k !== flat.length) throw new Error(`internal: ${flat.length} matrix numbers, ${k} placed`);
  view.weights = state.layers.map((L) => L.weights_before);
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

/** What the tables are built for: the network's shape, activations and the language. */
const stateKey = (state) => JSON.stringify([state.sizes ?? state.input_shape, state.layers.map((l) => l.activation ?? l.type), getLang()]);

/** Tells the frame how to draw and what to send: the look, the selection, training. */
function prepare(req) {
  const presenter = view.mode === 'presenter';
  req.look(window.devicePixelRatio || 1, presenter, presenter ? 1.5 : 1);
  const sel = view.selected;
  if (!sel) req.select_none();
  else if (sel.kind === 'kernel') req.select_kernel(sel.layer, sel.index);
  else if (sel.kind === 'edge') req.select_edge(sel.layer, sel.i, sel.j);
  else req.select_unit(sel.layer === null || sel.layer === undefined ? -1 : sel.layer, sel.i);
  const playing = training.isPlaying();
  req.training(true, playing, $('tr-log').checked);
  const details = $('gradcheck').querySelector('details');
  // The gradient check costs two passes per parameter: only while its panel is open.
  req.want(view.allLines, Boolean(sel && sel.layer !== null && sel.layer !== undefined),
    Boolean(details && details.open && !playing));
  show(req, 'network', $('network-canvas'));
  show(req, 'curves', $('curves-canvas'));
  show(req, 'graph', $('graph-canvas'));
  training.show(req, show);
  if (cnn) cnn.show(req, show);
}

function draw() {
  frame = 0;
  const lab = app.lab;
  if (!lab) return;
  const t0 = performance.now();
  try {
    const req = view.req;
    prepare(req);
    let out;
    // One call: the core draws every canvas whose picture changed and sends what the
    // page shows this frame.
    timed('frame', () => {
      const [text, matrices] = lab.frame(req);
      out = JSON.parse(text);
      // A CNN's state carries its parameters nested; a fully connected one's matrices
      // come as numbers.
      if (out.state.kind !== 'cnn') attachMatrices(out.state, matrices, out.weights_before);
    });
    const state = out.state;
    app.lastState = state;
    const kind = state.kind === 'cnn' ? 'cnn' : 'mlp';
    if (kind !== view.kind) {
      // The panels that fit this kind of network; they draw on the next frame.
      view.kind = kind;
      applyPanels(view.panels, view.mode, view.controls, VOCAB, kind);
      fillMenus();
      render();
    }
    if (out.steps) view.steps = out.steps;
    if (out.symbols) setSymbols(out.symbols);
    if (out.problems.length) showMessage(out.problems.join(' · '));
    if (out.later && !view.laterTimer) view.laterTimer = setTimeout(drawLater, 0);
    const graph = $('graph-canvas');
    if (out.graph_height) {
      const gh = `${out.graph_height}px`;
      if (graph.style.height !== gh) graph.style.height = gh;
    }
    if (cnn) cnn.draw(out);
    else if (kind === 'cnn') loadCnn();
    const key = stateKey(state);
    const archChanged = view.stateKey !== key || Boolean(out.symbols);
    training.draw(state, archChanged, out.has_data_view);
    timed('step', () => {
      renderTimeline($('steps'), view.steps, state.cursor.index, (i) => { try { goTo(i); } catch (e) { handleError(e); } });
      setText($('step-count'), t('step.of', { i: state.cursor.index, n: state.cursor.count - 1 }));
      renderStep({ phase: $('step-phase'), title: $('step-title'), note: $('step-note'), symbols: $('step-symbols'), numbers: $('step-numbers'), live: $('live') }, out.step, state);
      if (code) code.draw(state.cursor.index, out.revision);
      const more = $('step-more');
      setShown(more, out.step.long);
      setText(more, view.allLines ? t('step.fewer') : t('step.more'));
    });
    // The tables are rebuilt only when the network's shape or the language changes; a
    // step (or a training frame) only refills their numbers.
    if (archChanged) {
      fillChainPick(state);
      timed('tables', () => {
        if (kind === 'mlp') renderValues($('values'), state, edit);
        renderEdit($('edit'), state, VOCAB.activations, edit, setActivation);
      });
      view.stateKey = key;
    }
    // While training plays, the numbers in the tables are refilled a few times a second,
    // not every frame: refilling them (and the layout it forces) was most of a training
    // frame's redraw, and a key press waits for the frame it arrives in. The canvases
    // (heatmaps, unit maps, loss curve) still follow every frame; pausing refills at once.
    // (New weights in a skipped frame are remembered, so the next refill includes them.)
    view.weightsPending = view.weightsPending || archChanged || Boolean(out.weights_before);
    const now = performance.now();
    const numbersDue = !training.isPlaying() || archChanged || now - view.valuesAt >= VALUES_EVERY_MS;
    if (kind === 'mlp' && numbersDue) {
      timed('values', () => updateValues(document, state, view.weightsPending));
      view.valuesAt = now;
      view.weightsPending = false;
    }
    // The gradient check: built folded; its report arrives while it is open.
    const details = $('gradcheck').querySelector('details');
    if (!details || out.gradcheck || (!details.open && view.gradLang !== getLang())) {
      renderGradcheck($('gradcheck'), out.gradcheck, render);
      view.gradLang = getLang();
    }
    if (quiz) quiz.draw(state, view.mode);
    updateLink(state, out.revision);
    const sel = view.selected;
    // With nothing chosen the panel is a fixed hint: not rebuilt at every step.
    const chosen = sel && sel.layer !== null && sel.layer !== undefined;
    const chainKey = chosen ? JSON.stringify([sel, state.cursor.index, out.revision, getLang()]) : `none|${kind}|${getLang()}`;
    if (view.chainKey !== chainKey) {
      renderChain($('chain'), chosen ? out.chain : null, chosen ? sel : null, state, edit);
      view.chainKey = chainKey;
    }
    // The forward-mode panel, once its module is loaded (it redraws only what changed).
    if (app.drawForward) app.drawForward({ state, revision: out.revision, selected: view.selected, mode: view.mode });
    setText($('btn-play').querySelector('.icon'), view.playing ? '❚❚' : '▶');
    setText($('btn-play').querySelector('.label'), view.playing ? t('btn.pause') : t('btn.play'));
    timed('layout', () => {
      scrollTimeline($('steps'));
      layoutFormulas(document.body);
    });
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

// Links carry the whole state: the saved state (network, weights, example, step, panels,
// language, mode) as base64url JSON in the URL's hash, #s=… (These few lines were
// www/link.js: one request fewer before the first frame keeps the page's modules within
// two rounds of Chromium's six HTTP/1.1 connections, see README, Performance.)
const PREFIX = '#s=';

/** The hash for a state object. */
function encode(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return PREFIX + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The JSON text in a hash, or null when the hash holds no state; throws on a damaged
 * one (the error's `code` is an i18n key). */
function decode(hash) {
  if (!hash || !hash.startsWith(PREFIX)) return null;
  const b64 = hash.slice(PREFIX.length).replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*$/.test(b64)) throw Object.assign(new Error('link.chars'), { code: 'link.chars' });
  let bin;
  try {
    bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch {
    throw Object.assign(new Error('link.cut'), { code: 'link.cut' });
  }
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw Object.assign(new Error('link.cut'), { code: 'link.cut' });
  }
}

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
  if (quiz) quiz.reset();
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
function updateLink(state, revision) {
  if (training.isPlaying()) return;
  const key = JSON.stringify([revision, state.cursor.index, getLang(), view.mode, view.panels]);
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

/** Switches to `mode`; returns a promise while the quiz's code loads (else nothing). */
function setMode(mode) {
  // The quiz's questions are the full lab's, its code a module of its own: both are
  // loaded on the first quiz.
  if (mode === 'quiz' && (!isFull() || !quiz)) {
    return Promise.all([app.upgrade(), import('./quiz.js')]).then(([, { createQuiz }]) => {
      quiz ??= createQuiz(app, { render, showMessage });
      setMode(mode);
    }, () => {});
    return;
  }
  if (mode === 'quiz' && view.mode !== 'quiz') {
    quiz.reset();
    app.lab.set_granularity('neuron');
    app.lab.reset();
  }
  view.mode = mode;
  $('btn-quiz').setAttribute('aria-pressed', String(mode === 'quiz'));
  $('btn-presenter').setAttribute('aria-pressed', String(mode === 'presenter'));
  $('granularity').value = JSON.parse(app.lab.export_state()).view.granularity;
  applyMode(view, VOCAB);
  applyPanels(view.panels, view.mode, view.controls, VOCAB, view.kind);
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
  if (!VOCAB.controls.includes(controls)) throw new Error(t('error.unknown', { what: 'controls', v: controls.slice(0, 20), list: VOCAB.controls.join(', ') }));
  view.controls = controls;
  if (params.get('panels')) view.panels = parsePanels(params.get('panels'), VOCAB.panels);
  const mode = params.get('mode');
  if (mode) {
    if (!VOCAB.modes.includes(mode)) throw new Error(t('error.unknown', { what: 'mode', v: mode.slice(0, 20), list: VOCAB.modes.join(', ') }));
    view.mode = mode;
  }
}

/** Every weight and bias as a choice, so the chain rule is reachable by keyboard. */
function fillChainPick(state) {
  const opts = [el('option', { value: '' }, t('chain.pickNone'))];
  if (state.kind === 'cnn') {
    // A CNN: every conv kernel weight, by the core's symbols.
    for (const k of kernelSymbols()) {
      k.weights.forEach((sym, index) => opts.push(el('option', { value: JSON.stringify({ kind: 'kernel', layer: k.layer, index }) }, sym)));
    }
  } else {
    state.layers.forEach((L, l) => L.weights_before.forEach((row, i) => {
      row.forEach((_, j) => opts.push(el('option', { value: JSON.stringify({ kind: 'edge', layer: l, i, j }) }, wSym(l, i, j))));
      opts.push(el('option', { value: JSON.stringify({ kind: 'neuron', layer: l, i }) }, bSym(l, i)));
    }));
  }
  replace($('chain-pick'), opts);
  $('chain-pick').value = view.selected ? JSON.stringify(view.selected) : '';
}

/** The forward-mode panel's code is fetched the first time the panel is opened: it is
 * not part of the first screen. */
async function openForward(e) {
  if (e.target.open && !app.drawForward) {
    const { createForward } = await import('./forward.js');
    app.drawForward ??= createForward(app, $('forward'), render);
  }
  render();
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
    else if (what === 'param') lab.set_param(idx[0], idx[1], v);
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

/** The menus the core's vocabularies fill, in the page's language. */
function fillMenus() {
  const lang = getLang();
  const fill = (id, items, label) => {
    const sel = $(id);
    const cur = sel.value;
    replace(sel, items.map((x) => el('option', { value: x.value ?? x, title: x.title }, label(x))));
    if (cur && [...sel.options].some((o) => o.value === cur)) sel.value = cur;
  };
  fill('preset', VOCAB.presets.map((p) => ({ value: p.name, title: descriptions[p.name]?.[lang], text: p.title[lang] })), (p) => p.text);
  // A CNN steps a conv or pool layer by output channel (the core's "neuron") and by
  // window; a fully connected network by layer and neuron.
  const cnnNet = view.kind === 'cnn';
  fill('granularity', VOCAB.granularities.filter((g) => cnnNet || g !== 'window'),
    (g) => t(`granularity.${cnnNet && g === 'neuron' ? 'channel' : g}`));
  fill('lang', VOCAB.langs.map((l) => ({ value: l.code, text: l.name })), (l) => l.text);
  // The views of this kind of network (a CNN has no network view; an MLP no maps).
  fill('io-view', VOCAB.views.filter((v, i) => [view.kind, 'any'].includes(VOCAB.view_kinds[i])), (v) => t(`view.${v}`));
  training.fillMenus(VOCAB);
}

function syncControls() {
  const saved = JSON.parse(app.lab.export_state());
  if (saved.preset) $('preset').value = saved.preset;
  $('granularity').value = saved.view.granularity;
  training.sync(saved);
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
  if (app.lab) app.lab.set_lang(getLang());
  if (VOCAB) fillMenus();
  view.stateKey = '';
  if (view.req) view.req.resend();
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
  $('step-code').addEventListener('toggle', () => {
    if (!$('step-code').open) return;
    if (code) render();
    else import('./code.js').then((m) => { code ??= m.createCode(app, $('step-code')); render(); }, handleError);
  });
  $('message-close').addEventListener('click', hideMessage);
  $('fatal-reload').addEventListener('click', () => location.reload());
  $('preset').addEventListener('change', (e) => app.load(e.target.value).catch(() => {}));
  $('granularity').addEventListener('change', (e) => { try { app.act(() => app.lab.set_granularity(e.target.value)); if (quiz) quiz.reset(); } catch { /* shown */ } });
  $('lang').addEventListener('change', (e) => setLanguage(e.target.value));
  $('btn-link').addEventListener('click', copyLink);
  window.addEventListener('pagehide', flushLink);
  $('chain-pick').addEventListener('change', (e) => { view.selected = e.target.value ? JSON.parse(e.target.value) : null; render(); });
  $('btn-presenter').addEventListener('click', () => setMode(view.mode === 'presenter' ? 'normal' : 'presenter'));
  $('btn-quiz').addEventListener('click', () => setMode(view.mode === 'quiz' ? 'normal' : 'quiz'));
  $('blank').addEventListener('click', toggleBlank);
  $('forward-open').addEventListener('toggle', openForward);
  swipe($('network-canvas'));
  swipe($('panel-step'));
  document.addEventListener('keydown', onKey);
  const net = $('network-canvas');
  net.addEventListener('click', (e) => {
    const [w, h] = cssSize(net);
    const hit = JSON.parse(app.lab.hit_network(e.offsetX, e.offsetY, w, h, view.req));
    if (hit && hit.kind === 'neuron' && hit.layer === null) view.selected = null;
    else view.selected = hit;
    const pick = view.selected ? JSON.stringify({ kind: view.selected.kind, layer: view.selected.layer, i: view.selected.i, ...(view.selected.kind === 'edge' ? { j: view.selected.j } : {}) }) : '';
    $('chain-pick').value = [...$('chain-pick').options].some((o) => o.value === pick) ? pick : '';
    render();
  });
  resizer.observe(document.body);
  copyPlain(document.body);
  watchFormulas();
}

async function main() {
  let stored = null;
  try { stored = localStorage.getItem('backprop-lab.lang'); } catch { /* storage may be off */ }
  const browser = (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  setLang(params.get('lang') || stored || browser);
  translatePage();
  await start();
  VOCAB = JSON.parse(core().vocabulary());
  view.panels = [...VOCAB.panels];
  view.req = new (core().Frame)();
  const problems = [];
  try {
    readConfig();
  } catch (e) {
    problems.push(String(e.message || e));
  }
  // The state: a link's hash first, else the preset of the query, else Mazur. Messages
  // are in the page's language from the start.
  app.lab = new (core().Lab)('mazur');
  app.lab.set_lang(getLang());
  app.req = view.req;
  const wanted = params.get('preset');
  if (wanted) {
    try {
      await app.retry(() => app.lab.load_preset(wanted));
    } catch (e) {
      problems.push(t('error.load', { msg: String(e.message || e) }));
    }
  }
  try {
    const text = decode(location.hash);
    if (text !== null) {
      await app.retry(() => app.lab.load(text));
      const v = JSON.parse(app.lab.export_state()).view;
      if (!params.get('lang')) setLang(v.lang);
      if (!params.get('panels')) view.panels = v.panels;
      if (!params.get('mode')) view.mode = v.mode;
    }
  } catch (e) {
    problems.push(t('error.link', { msg: e.code ? t(e.code) : String(e.message || e) }));
    history.replaceState(null, '', location.pathname + location.search);
  }
  app.lab.set_lang(getLang());
  translatePage();
  applyMode(view, VOCAB);
  applyPanels(view.panels, view.mode, view.controls, VOCAB, view.kind);
  if (problems.length) showMessage(problems.join(' · '));
  training = trainingLater;
  fillMenus();
  $('lang').value = getLang();
  app.fullState = fullState;
  app.vocab = VOCAB;
  // A link into quiz mode: `ready` waits for the quiz (a step taken before it loaded
  // would be undone by the quiz's reset to the first step).
  let quizLoaded;
  if (view.mode === 'quiz' && !location.hash) {
    view.mode = 'normal';
    quizLoaded = setMode('quiz');
  }
  app.onNewExercise = () => training.stop();
  syncControls();
  wire();
  render();
  // Export and import, the training panel and the preset menu's tooltips are not part
  // of the first screen: io.js, training.js and presets.json are fetched after the first
  // frame (on a slow network their bytes would otherwise delay the wasm's). `ready`
  // still waits for them.
  // A page that draws no frame (hidden, or an embed scrolled out of view) waits 500 ms.
  await new Promise((res) => { requestAnimationFrame(() => setTimeout(res, 0)); setTimeout(res, 500); });
  const words = fetch(new URL('presets.json', import.meta.url)).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  const [{ createIo }, { createTraining }, d] = await Promise.all([import('./io.js'), import('./training.js'), words]);
  descriptions = d;
  training = createTraining(app, { render, showMessage, hideMessage });
  fillMenus(); // the training panel's menus, and the presets' tooltips
  training.sync(JSON.parse(app.lab.export_state()));
  view.stateKey = ''; // the next frame draws the panel's architecture row too
  render();
  createIo(app, { showMessage, showNote, onLoaded: (hasView) => { hideMessage(); afterLoad(hasView); } });
  await quizLoaded;
}

const api = makeApi(app);
// The benchmark (make bench) reaches the lab itself; not part of the public API.
if (params.get('bench') === '1') window.__backpropLabInternals = app;
const ready = main().then(() => api);
window.backpropLab = { ...api, ready };
listen(api, ready);
ready.catch((e) => fatal(String(e && e.message ? e.message : e)));
