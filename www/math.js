// Typeset formulas: MathML elements built with createElementNS from the trees the core
// writes (src/mathml.rs: `[tag, {attributes}?, children…]`, a child a tree or a text),
// never from markup. A formula line is a run of <math> chunks the browser wraps
// between; one too wide for its line even so is scaled down to fit. The plain text
// stays with each line: copying a formula gives it.

const NS = 'http://www.w3.org/1998/Math/MathML';
/** The elements and attributes the core writes; anything else is a bug, not drawn. */
const TAGS = new Set(['math', 'mi', 'mn', 'mo', 'mtext', 'mrow', 'msub', 'msup', 'msubsup', 'munder', 'mover', 'munderover', 'mfrac', 'mspace']);
const ATTRS = new Set(['form', 'displaystyle', 'width', 'lspace', 'rspace']);

/** The element of one tree. */
export function mathNode([tag, ...rest]) {
  if (!TAGS.has(tag)) throw new Error(`internal: no MathML element ${String(tag).slice(0, 20)}`);
  const e = document.createElementNS(NS, tag);
  // Fractions and sums as a display sets them, not shrunk as in running text.
  if (tag === 'math') e.setAttribute('displaystyle', 'true');
  for (const c of rest) {
    if (typeof c === 'string') e.append(c);
    else if (Array.isArray(c)) e.append(mathNode(c));
    else for (const [k, v] of Object.entries(c)) if (ATTRS.has(k)) e.setAttribute(k, v);
  }
  return e;
}

/** Fills `div` with formula `chunks` (one <math> each) and keeps its `plain` text. */
export function setFormula(div, chunks, plain) {
  div.replaceChildren(...chunks.map(mathNode));
  div.dataset.plain = plain;
  div.classList.add('mathline');
  fitted.delete(div);
}

/** One div per formula line in `box`, reusing the divs there: only a line whose text
 * changed is built again. */
export function setFormulas(box, plain, math) {
  while (box.children.length > plain.length) box.lastChild.remove();
  plain.forEach((text, k) => {
    const div = box.children[k] || box.appendChild(document.createElement('div'));
    if (div.dataset.plain !== text) setFormula(div, math[k], text);
  });
}

/** The lines fitted, with the width they were fitted at. */
const fitted = new WeakMap();

/** Scales down, in each formula line under `root`, a chunk wider than the line (a long
 * fraction cannot wrap). Reads layout: call it after the frame's DOM writes. Only lines
 * new or of a new width are measured, all of them in one read. */
export function fitFormulas(root) {
  const lines = [...root.querySelectorAll('.mathline')];
  const widths = lines.map((d) => d.clientWidth);
  const todo = lines.filter((d, k) => widths[k] && fitted.get(d) !== widths[k]);
  if (!todo.length) return;
  for (const d of todo) for (const m of d.children) if (m.style.fontSize) m.style.fontSize = '';
  const over = [];
  for (const d of todo) {
    // Room for a chunk: the line less its hanging indent.
    const room = d.clientWidth - parseFloat(getComputedStyle(d).paddingLeft || '0');
    for (const m of d.children) {
      const w = m.getBoundingClientRect().width;
      if (w > room) over.push([m, room / w]);
    }
    fitted.set(d, d.clientWidth);
  }
  for (const [m, f] of over) m.style.fontSize = `${Math.floor(f * 100)}%`;
}

/** Copying from the formulas under `root` gives the plain text of each line the
 * selection touches, one a line. */
export function copyPlain(root) {
  root.addEventListener('copy', (e) => {
    const sel = document.getSelection();
    if (!sel || sel.isCollapsed) return;
    const lines = [...root.querySelectorAll('[data-plain]')].filter((d) => sel.containsNode(d, true));
    if (!lines.length) return;
    e.clipboardData.setData('text/plain', lines.map((d) => d.dataset.plain).join('\n'));
    e.preventDefault();
  });
}
