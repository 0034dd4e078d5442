// How the page is laid out: which panels show, embed mode (no chrome), presenter mode
// (large type, dark, only the views that matter), and the presenter's blank screen.

export const PANELS = ['network', 'graph', 'curves', 'step', 'timeline', 'values', 'gradcheck', 'training', 'chain', 'edit', 'io'];
export const MODES = ['normal', 'presenter', 'quiz'];
const PANEL_IDS = {
  network: 'panel-network', graph: 'panel-graph', curves: 'panel-curves', step: 'panel-step',
  timeline: 'panel-timeline', values: 'panel-values', gradcheck: 'gradcheck', training: 'panel-training',
  chain: 'panel-chain', edit: 'panel-edit', io: 'panel-io',
};
/** What presenter mode shows: the step, the network and the graph. */
const PRESENTER = ['network', 'step', 'graph', 'timeline', 'curves'];

/** Parses a comma-separated panel list; throws on an unknown name. */
export function parsePanels(text) {
  const list = String(text).split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of list) {
    if (!PANELS.includes(p)) throw new Error(`unknown panel "${p.slice(0, 30)}" (expected some of: ${PANELS.join(', ')})`);
  }
  return list;
}

/** Shows exactly `panels` (in presenter mode, those of them presenter mode shows); the
 * step controls show whenever `controls` asks for them. */
export function applyPanels(panels, mode, controls = 'full') {
  const shown = mode === 'presenter' ? panels.filter((p) => PRESENTER.includes(p)) : [...panels];
  if (controls !== 'none' && !shown.includes('timeline')) shown.push('timeline');
  for (const [name, id] of Object.entries(PANEL_IDS)) {
    const el = document.getElementById(id);
    if (el) el.hidden = !shown.includes(name);
  }
}

/** Sets the body classes of the mode, embed and controls settings. */
export function applyMode({ mode, embed, controls }) {
  const b = document.body.classList;
  for (const m of MODES) b.toggle(`mode-${m}`, m === mode);
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
