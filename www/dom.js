// Small DOM helpers. Text always goes in through textContent: the page never builds
// HTML from strings it did not write. Numbers are written by the core.

import { format_numbers } from '../pkg/backprop_lab.js';

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

/** Shows or hides an element, touching it only on a change (a redraw sets these on every
 * frame; an unchanged write is still a DOM mutation). */
export function setShown(e, shown) {
  if (e.hidden === shown) e.hidden = !shown;
}

/** Sets or clears a class, touching the element only on a change. */
export function setClass(e, name, on) {
  if (e.classList.contains(name) !== on) e.classList.toggle(name, on);
}

/** Replaces every child of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** A number as the core writes it in its formulas (`number::fmt`: `digits` significant
 * digits, trailing zeros dropped), or "·" for a value not reached yet. */
export function fmt(x, digits = 4) {
  if (x === null || x === undefined) return '·';
  return format_numbers([x], digits);
}

/** Many numbers at once, formatted by the core in one call. */
export function fmtAll(values, digits = 4) {
  return values.length ? format_numbers(values, digits).split('\n') : [];
}
