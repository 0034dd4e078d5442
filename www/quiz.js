// Predict, then reveal: in quiz mode each step first asks for the value it is about to
// reveal; the core checks the prediction (with a tolerance) and the step is shown.

import { t } from './i18n.js';
import { fmt, setText, setShown } from './dom.js';
import { setFormula } from './math.js';

const $ = (id) => document.getElementById(id);

/** Writes message `key` into `box` with its {symbol} typeset (`plain` its text). */
function say(box, key, vars, plain, tex) {
  const [before, after = ''] = t(key, { ...vars, symbol: '\u0000' }).split('\u0000');
  const sym = document.createElement('span');
  setFormula(sym, tex, plain);
  box.replaceChildren(before, sym, after);
}

export function createQuiz(app, { render, showMessage }) {
  const q = { asking: null, right: 0, asked: 0, answered: new Set(), seed: 0 };

  function reset() {
    Object.assign(q, { asking: null, right: 0, asked: 0, answered: new Set() });
    $('quiz-result').textContent = '';
    $('quiz-form').hidden = true;
    $('quiz-keytext').hidden = true;
    $('quiz-key').setAttribute('aria-expanded', 'false');
  }

  /** In quiz mode, "next" first asks; returns true when it did (the step waits). */
  function next() {
    const lab = app.lab;
    const k = lab.cursor() + 1;
    if (k >= lab.count() || q.answered.has(k)) return false;
    const question = JSON.parse(lab.question(k));
    if (!question) return false;
    if (q.asking === k) {
      $('quiz-guess').focus();
      return true;
    }
    q.asking = k;
    say($('quiz-question'), 'quiz.ask', {}, question.symbol, question.tex);
    $('quiz-guess').value = '';
    $('quiz-form').hidden = false;
    $('quiz-result').textContent = '';
    $('quiz-guess').focus();
    return true;
  }

  /** Reveals the asked step, with the verdict on `guess` (null: shown without a guess). */
  function answer(guess) {
    const k = q.asking;
    if (k === null) return;
    const res = JSON.parse(app.lab.check(k, guess === null ? NaN : guess));
    q.answered.add(k);
    q.asking = null;
    q.asked += 1;
    const value = fmt(res.value, 6);
    const result = (key, vars) => say($('quiz-result'), key, { value, ...vars }, res.symbol, res.tex);
    if (guess === null) {
      result('quiz.shown');
    } else if (res.correct) {
      q.right += 1;
      result('quiz.right');
    } else {
      result('quiz.wrong', { guess: String(guess) });
    }
    $('quiz-form').hidden = true;
    app.lab.seek(k);
    render();
    $('panel-step').focus();
  }

  $('quiz-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const raw = $('quiz-guess').value.trim();
    const v = raw === '' ? NaN : Number(raw);
    if (Number.isNaN(v)) {
      $('quiz-result').textContent = t('quiz.nan');
      return;
    }
    answer(v);
  });
  $('quiz-guess').addEventListener('keydown', (e) => e.stopPropagation());
  $('quiz-skip').addEventListener('click', () => answer(null));
  $('quiz-new').addEventListener('click', () => {
    try {
      const r = new Uint32Array(1);
      crypto.getRandomValues(r);
      q.seed = r[0];
      app.onNewExercise?.();
      app.lab.new_exercise(q.seed, '2,2,2', 'sigmoid');
      reset();
      app.onNetworkChange();
      app.lab.set_granularity('neuron');
      render();
    } catch (e) {
      showMessage(String(e.message || e));
    }
  });
  $('quiz-key').addEventListener('click', () => {
    const open = $('quiz-keytext').hidden;
    $('quiz-keytext').hidden = !open;
    $('quiz-key').setAttribute('aria-expanded', String(open));
    if (open) $('quiz-keytext').textContent = app.lab.document('text');
  });

  /** The first step in (from, to] with a question not yet answered, or null. */
  function firstOpen(from, to) {
    for (let k = from + 1; k <= to; k++) {
      if (!q.answered.has(k) && JSON.parse(app.lab.question(k))) return k;
    }
    return null;
  }

  /** Shows the quiz area in quiz mode, with the running score. */
  function draw(state, mode) {
    setShown($('quiz'), mode === 'quiz');
    if (mode !== 'quiz') return;
    // A question is open only while the cursor waits just before its step.
    if (q.asking !== null && q.asking !== state.cursor.index + 1) {
      q.asking = null;
      $('quiz-form').hidden = true;
    }
    const done = state.cursor.index === state.cursor.count - 1 && q.asked > 0;
    setText($('quiz-score'), t(done ? 'quiz.done' : 'quiz.score', { right: q.right, asked: q.asked }));
  }

  return { next, reset, draw, firstOpen, isAsking: () => q.asking !== null };
}
