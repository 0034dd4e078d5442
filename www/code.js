// The step panel's Code tab: the current step's lines in NumPy and in PyTorch, as the
// exported scripts write them (the core's `codegen`, in the full module only: it is
// loaded when the tab is first opened). For a step PyTorch does inside
// `loss.backward()`, a note says what it computed and where it keeps it (`W1.grad`).
// Built with DOM calls, text only.

import { t, getLang } from './i18n.js';
import { el, setText, setShown } from './dom.js';

const LIBS = [['numpy', 'NumPy'], ['pytorch', 'PyTorch']];

/** Fills `box` (the `<details>` of the step panel) with the two tabs and their code. */
export function createCode(app, box) {
  const tabs = {};
  const panels = {};
  const pres = {};
  const note = el('p', { class: 'note code-note' });
  const list = el('div', { role: 'tablist', class: 'code-tabs' });
  let chosen = 'numpy';
  let shown = '';

  function choose(lib) {
    chosen = lib;
    for (const [k] of LIBS) {
      // Both tabs stay in the Tab order: the arrow keys step the pass on this page.
      tabs[k].setAttribute('aria-selected', String(k === lib));
      setShown(panels[k], k === lib);
    }
  }

  for (const [k, name] of LIBS) {
    tabs[k] = el('button', { type: 'button', role: 'tab', id: `code-tab-${k}`, 'aria-controls': `code-${k}`, onclick: () => choose(k) }, name);
    pres[k] = el('pre', { class: 'code-lines', tabindex: '0' });
    panels[k] = el('div', { role: 'tabpanel', id: `code-${k}`, 'aria-labelledby': `code-tab-${k}` }, k === 'pytorch' ? note : null, pres[k]);
    list.append(tabs[k]);
  }
  box.append(list, panels.numpy, panels.pytorch);
  choose(chosen);

  const texts = new Map(); // what each <pre> holds now

  /** One block-level span a line, so a long line wraps under its own indent. */
  function setLines(pre, lines) {
    const text = lines.join('\n');
    if (texts.get(pre) === text) return;
    texts.set(pre, text);
    pre.replaceChildren(...lines.map((line) => el('span', {}, line || ' ')));
  }

  function fill(index) {
    const c = JSON.parse(app.lab.code_step(index));
    setLines(pres.numpy, c.numpy);
    setLines(pres.pytorch, c.pytorch);
    setText(note, c.pytorch_note || '');
    setShown(note, Boolean(c.pytorch_note));
  }

  return {
    /** Shows step `index` of the pass with this revision, while the tab is open. */
    draw(index, revision) {
      if (!box.open) return;
      const key = `${index}|${revision}|${getLang()}`;
      if (key === shown) return;
      shown = key;
      const done = app.full(() => fill(index));
      if (done instanceof Promise) {
        setLines(pres[chosen], [t('full.loading')]);
        done.catch(() => { shown = ''; });
      }
    },
  };
}
