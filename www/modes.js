// How the page is laid out: which panels show, embed mode (no chrome), presenter mode
// (large type, dark, only the views that matter), and the presenter's blank screen. The
// panel and mode names are the core's (its vocabulary); this file maps them to the page.

import { t } from './i18n.js';

/** The element of each panel. */
const PANEL_IDS = {
  network: 'panel-network', graph: 'panel-graph', curves: 'panel-curves', step: 'panel-step',
  timeline: 'panel-timeline', values: 'panel-values', gradcheck: 'gradcheck', training: 'panel-training',
  chain: 'panel-chain', forward: 'panel-forward', edit: 'panel-edit', io: 'panel-io', layers: 'panel-layers', maps: 'panel-maps',
};

/** Parses a comma-separated panel list; throws on a name not in `known`. */
export function parsePanels(text, known) {
  const list = String(text).split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of list) {
    if (!known.includes(p)) throw new Error(t('error.unknown', { what: 'panels', v: p.slice(0, 30), list: known.join(', ') }));
  }
  return list;
}

/** Shows exactly `panels` that apply to a network of `kind` ('mlp' or 'cnn'; in
 * presenter mode, those of them presenter mode shows); the step controls show whenever
 * `controls` asks for them. */
export function applyPanels(panels, mode, controls, vocab, kind = 'mlp') {
  const shown = mode === 'presenter' ? panels.filter((p) => vocab.presenter_panels.includes(p)) : [...panels];
  if (controls !== 'none' && !shown.includes('timeline')) shown.push('timeline');
  vocab.panels.forEach((name, k) => {
    const el = document.getElementById(PANEL_IDS[name]);
    const fits = vocab.panel_kinds[k] === 'any' || vocab.panel_kinds[k] === kind;
    if (el) el.hidden = !(shown.includes(name) && fits);
  });
}

/** Sets the body classes of the mode, embed and controls settings. */
export function applyMode({ mode, embed, controls }, vocab) {
  const b = document.body.classList;
  for (const m of vocab.modes) b.toggle(`mode-${m}`, m === mode);
  b.toggle('embed', !!embed);
  b.toggle('controls-none', controls === 'none');
  b.toggle('controls-full', controls === 'full');
}

/** The presenter's blank (black) screen, toggled with B. */
export function toggleBlank() {
  const el = document.getElementById('blank');
  el.hidden = !el.hidden;
  return !el.hidden;
}
