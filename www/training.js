// The training panel: dataset, run controls, architecture, and its three views (what
// the network learned, the loss curve, the gradient size per layer). The play loop
// trains in time-boxed slices so the page answers within a frame at every speed.

import { el, replace, fmt, setText, setShown, setClass } from './dom.js';
import { t, getLang } from './i18n.js';

const $ = (id) => document.getElementById(id);

/** Milliseconds of training per animation frame, at most. */
const BUDGET_MS = 10;

export function createTraining(app, { render, showMessage, hideMessage }) {
  const run = { playing: false, raf: 0, rate: 0, lastFrame: 0, doneThisSecond: 0, second: 0 };
  /** The mini-batch walk-through: its steps (from the core) and its own cursor. */
  const walk = { key: '', steps: [], at: 0 };

  /** Runs fn on the lab (training is the full lab's: loaded first when it is not); a
   * thrown error becomes a visible message. */
  function guarded(fn) {
    const go = () => {
      try {
        fn();
        hideMessage();
      } catch (e) {
        showMessage(String(e && e.message ? e.message : e));
      }
      render();
    };
    try {
      const p = app.full(go);
      if (p && p.catch) p.catch(() => {});
    } catch { /* shown */ }
  }

  function number(id, what, integer = false) {
    const raw = $(id).value.trim();
    const v = raw === '' ? NaN : Number(raw);
    if (Number.isNaN(v) || (integer && !Number.isInteger(v))) {
      $(id).classList.add('invalid');
      throw new Error(t('train.field', { what, v: raw }));
    }
    $(id).classList.remove('invalid');
    return v;
  }

  function stop() {
    run.playing = false;
    cancelAnimationFrame(run.raf);
    run.raf = 0;
    render();
  }

  /** One frame of training: as many of the requested steps as fit in the budget. */
  function frame() {
    run.raf = 0;
    if (!run.playing) return;
    const want = Number($('tr-speed').value);
    let done = 0;
    try {
      done = app.lab.train_for(want, BUDGET_MS);
    } catch (e) {
      showMessage(String(e && e.message ? e.message : e));
      stop();
      return;
    }
    const now = performance.now();
    if (now - run.second > 1000) {
      run.rate = Math.round((run.doneThisSecond * 1000) / Math.max(now - run.second, 1));
      run.doneThisSecond = 0;
      run.second = now;
    }
    run.doneThisSecond += done;
    if (app.lab.diverged()) {
      stop();
      return;
    }
    render();
    run.raf = requestAnimationFrame(frame);
  }

  function togglePlay() {
    if (run.playing) {
      stop();
    } else {
      guarded(play);
    }
  }

  function play() {
    if (!run.playing) {
      run.playing = true;
      run.second = performance.now();
      run.doneThisSecond = 0;
      run.raf = requestAnimationFrame(frame);
      render();
    }
  }

  /** The checked features' names, comma-separated (a 1-D dataset offers no x₂ ones:
   * their boxes are off, and x₁ stands in when none is left). */
  function features() {
    const boxes = [...$('ds-features').querySelectorAll('input')];
    const on = boxes.filter((b) => b.checked && !b.disabled).map((b) => b.value);
    // A network needs an input: none ticked is refused here, in the page's words.
    if (!boxes.some((b) => b.checked)) throw new Error(t('train.nofeatures'));
    return (on.length ? on : ['x1']).join(',');
  }

  /** Ticks the boxes of dataset `d`'s features (x₁, x₂ without one), unless `keep`; a
   * 1-D dataset disables the x₂ ones. */
  function syncFeatures(d, keep) {
    const flat = d && app.vocab.datasets.some((k) => k.name === d.kind && k.inputs === 1);
    for (const b of $('ds-features').querySelectorAll('input')) {
      b.disabled = Boolean(flat && b.dataset.x2);
      if (!keep) b.checked = (d?.features || ['x1', 'x2']).includes(b.value);
    }
  }

  function applyData() {
    guarded(() => {
      syncFeatures({ kind: $('ds-kind').value }, true);
      try {
        app.lab.set_dataset($('ds-kind').value, number('ds-points', t('train.points'), true), number('ds-noise', t('train.noise')),
          number('ds-test', t('train.test')), number('ds-seed', t('train.seed'), true), features());
        app.onNetworkChange();
      } finally {
        syncFeatures(JSON.parse(app.lab.export_state()).dataset);
      }
    });
  }

  function wire() {
    $('tr-play').addEventListener('click', togglePlay);
    $('tr-epoch').addEventListener('click', () => guarded(() => app.lab.train_epoch()));
    $('tr-reset').addEventListener('click', () => { stop(); guarded(() => app.lab.reset_weights()); });
    $('tr-new').addEventListener('click', () => { stop(); guarded(() => { app.lab.new_weights(); app.onNetworkChange(); }); });
    $('ds-apply').addEventListener('click', () => { stop(); applyData(); });
    $('ds-kind').addEventListener('change', () => { stop(); applyData(); });
    $('ds-features').addEventListener('change', () => { stop(); applyData(); });
    $('tr-batch').addEventListener('change', (e) => guarded(() => app.lab.set_batch_size(Number(e.target.value))));
    $('tr-init').addEventListener('change', (e) => { stop(); guarded(() => { app.lab.set_init(e.target.value); app.onNetworkChange(); }); });
    $('tr-l2').addEventListener('change', () => guarded(() => app.lab.set_weight_decay(number('tr-l2', 'λ'))));
    $('tr-l2').addEventListener('keydown', (e) => { e.stopPropagation(); if (e.key === 'Enter') e.target.dispatchEvent(new Event('change')); });
    for (const id of ['ds-points', 'ds-noise', 'ds-test', 'ds-seed']) {
      $(id).addEventListener('keydown', (e) => { e.stopPropagation(); if (e.key === 'Enter') applyData(); });
    }
    $('tr-log').addEventListener('change', render);
    $('bw-prev').addEventListener('click', () => { walk.at = Math.max(0, walk.at - 1); render(); });
    $('bw-next').addEventListener('click', () => { walk.at = Math.min(walk.steps.length - 1, walk.at + 1); render(); });
    $('bw-apply').addEventListener('click', () => guarded(() => { app.lab.train(1); walk.at = 0; }));
    $('ar-add').addEventListener('click', () => { stop(); guarded(() => { app.lab.add_layer(); app.onNetworkChange(); }); });
    $('ar-remove').addEventListener('click', () => { stop(); guarded(() => { app.lab.remove_layer(); app.onNetworkChange(); }); });
  }

  /** Brings the controls in line with the loaded state (after a load or a preset). */
  function sync(saved) {
    const d = saved.dataset;
    if (d && d.kind) {
      $('ds-kind').value = d.kind;
      $('ds-points').value = d.points;
      $('ds-noise').value = d.noise;
      $('ds-test').value = d.test_fraction;
      $('ds-seed').value = d.seed;
    }
    syncFeatures(d);
    $('tr-batch').value = String(saved.training.batch_size);
    if (![...$('tr-batch').options].some((o) => o.value === String(saved.training.batch_size))) {
      $('tr-batch').append(el('option', { value: saved.training.batch_size }, String(saved.training.batch_size)));
      $('tr-batch').value = String(saved.training.batch_size);
    }
    $('tr-init').value = saved.training.init;
    $('tr-l2').value = String(saved.weight_decay || 0);
  }

  /** The hidden layers with their +/− unit buttons. */
  function drawLayers(state) {
    // A CNN's layers are its own (the architecture buttons reshape fully connected ones).
    const cnn = state.kind === 'cnn';
    setShown($('ar-add').closest('fieldset'), !cnn);
    // Its data is its own too (pictures or none), and its weights are drawn one way.
    setShown($('ds-kind').closest('fieldset'), !cnn);
    setShown($('tr-init').closest('label'), !cnn);
    setShown($('tr-new'), !cnn || state.training.rival !== null);
    if (cnn) return;
    const sizes = state.sizes;
    replace($('ar-layers'), sizes.slice(1, -1).map((n, l) => el('span', {},
      t('train.layer', { l: l + 1, n }),
      el('button', { type: 'button', 'aria-label': t('train.addunit', { l: l + 1 }), onclick: () => { stop(); guarded(() => { app.lab.resize_layer(l, 1); app.onNetworkChange(); }); } }, '+'),
      el('button', { type: 'button', 'aria-label': t('train.removeunit', { l: l + 1 }), onclick: () => { stop(); guarded(() => { app.lab.resize_layer(l, -1); app.onNetworkChange(); }); } }, '−'))));
  }

  /** The mini-batch walk-through, shown when a batch holds 2 or more examples. */
  function drawWalk(state) {
    const box = $('batch-walk');
    const k = state.training.batch_size;
    const show = state.has_dataset && k !== 1 && !run.playing;
    setShown(box, show);
    if (!show) return;
    const key = JSON.stringify([app.lab.revision(), k, state.training.updates, getLang()]);
    if (walk.key !== key) {
      walk.key = key;
      try {
        walk.steps = JSON.parse(app.lab.batch_walk()).steps;
      } catch {
        box.hidden = true;
        return;
      }
      walk.at = Math.min(walk.at, walk.steps.length - 1);
    }
    const step = walk.steps[walk.at];
    setText($('bw-count'), t('batch.count', { i: walk.at, n: walk.steps.length - 1 }));
    setText($('bw-title'), step.title);
    setText($('bw-note'), step.note);
    // The lines change with the walk's step, not with every redraw of the page.
    const lines = $('bw-lines');
    if (lines.dataset.key !== `${walk.key}|${walk.at}`) {
      lines.dataset.key = `${walk.key}|${walk.at}`;
      replace(lines, step.lines.map((l) => el('div', {}, l)));
    }
  }

  /** Shows the panel's views in the page's frame (the core draws them when they change). */
  function show(req, showView) {
    showView(req, 'data', $('data-canvas'));
    showView(req, 'loss', $('loss-canvas'));
    showView(req, 'gradients', $('grad-canvas'));
  }

  /** The panel's menus, from the core's vocabularies, in the page's language. */
  function fillMenus(vocab) {
    const fill = (id, items, fallback) => {
      const sel = $(id);
      const cur = sel.value || fallback;
      replace(sel, items.map(([value, text]) => el('option', { value }, text)));
      if ([...sel.options].some((o) => o.value === String(cur))) sel.value = String(cur);
    };
    fill('ds-kind', vocab.datasets.map((d) => [d.name, t(`dataset.${d.name}`)]), 'xor');
    // The features' checkboxes, labelled by their formulas (the same in both languages).
    const box = $('ds-features');
    if (!box.children.length) {
      replace(box, vocab.features.map((f) => el('label', {}, el('input', { type: 'checkbox', value: f.name, dataset: f.uses_x2 ? { x2: 1 } : {} }), f.formula)));
    }
    fill('tr-init', vocab.inits.map((i) => [i.name, i.label]), 'xavier');
    fill('tr-batch', vocab.batch_sizes.map((n) => [n, n === 1 ? t('train.online') : n === 0 ? t('train.full') : String(n)]), '1');
    fill('tr-speed', vocab.speeds.map((n) => [n, String(n)]), '10');
  }

  /** The fully connected network that trains beside a CNN on pictures: its size and
   * accuracy against the CNN's. */
  function drawRival(rival) {
    const box = $('tr-rival');
    setShown(box, rival !== null);
    if (rival === null) return;
    const pc = (v) => (v === null ? '·' : `${fmt(v * 100, 3)} %`);
    setText(box, t(rival.diverged ? 'train.rival.diverged' : 'train.rival', {
      sizes: rival.sizes.join('-'), params: rival.params, net: rival.net_params,
      train: pc(rival.train_accuracy), test: pc(rival.test_accuracy),
      loss: rival.last_loss ? fmt(rival.last_loss[1]) : '·',
    }));
  }

  /** Redraws the panel's status and controls (the views come with the page's frame). */
  function draw(state, archChanged, hasDataView) {
    drawWalk(state);
    if (archChanged) drawLayers(state);
    setShown($('data-canvas'), hasDataView);
    const tr = state.training;
    const status = $('tr-status');
    if (tr.diverged) {
      setText(status, t('train.diverged', { step: tr.status.step }));
      setClass(status, 'diverged', true);
    } else if (!state.has_dataset) {
      setText(status, t('train.nodata'));
      setClass(status, 'diverged', false);
    } else {
      const last = tr.last_loss;
      // Accuracy in %, or a regression's R².
      const pc = (v) => (v === null ? '·' : `${fmt(v * 100, 3)} %`);
      const score = tr.train_accuracy !== null ? t('train.acc', { train: pc(tr.train_accuracy), test: pc(tr.test_accuracy) })
        : tr.train_r2 !== null ? t('train.r2', { train: fmt(tr.train_r2, 3), test: fmt(tr.test_r2, 3) }) : '';
      setText(status, t('train.status', {
        updates: tr.updates, examples: tr.examples, epoch: tr.epoch ?? 0,
        train: last ? fmt(last[0]) : '·', test: last && tr.has_test ? fmt(last[1]) : '·', rate: run.rate, score,
      }));
      setClass(status, 'diverged', false);
    }
    drawRival(tr.rival);
    setText($('tr-play').querySelector('.icon'), run.playing ? '❚❚' : '▶');
    setText($('tr-play').querySelector('.label'), run.playing ? t('train.pause') : t('train.play'));
  }

  wire();
  return { draw, show, fillMenus, sync, stop, isPlaying: () => run.playing };
}
