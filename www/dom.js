// Small DOM helpers. Text always goes in through textContent: the page never builds
// HTML from strings it did not write.

/** el('td', {class: 'x', title: 't'}, 'text', child, …) */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** Sets an element's text only when it changes: writing the same text still replaces
 * the text node, and the page then lays it out again at every redraw. */
export function setText(e, text) {
  if (e.textContent !== text) e.textContent = text;
}

/** Replaces every child of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** A number with `digits` significant digits, trailing zeros dropped (display only). */
export function fmt(x, digits = 4) {
  if (x === null || x === undefined) return '·';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  const s = x.toPrecision(digits);
  return s.includes('.') && !s.includes('e') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}
