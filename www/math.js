// Typeset formulas: MathML elements built with createElementNS from trees read out of
// the TeX the core writes (never from markup, and no user text is in that TeX). A
// formula line is a run of <math> chunks the browser wraps between (MathML Core has no
// line breaking of its own); one too wide for its line even so is scaled down to fit.
// The plain text stays with each line: copying a formula gives it.

// ---- the core's TeX, read into trees ------------------------------------------------
// The TeX is the core's own (src/notation.rs), a small known subset: scripts `^{…}`
// `_{…}`, primes, `\frac`, `\tfrac`, `\left( … \right)`, `\sum`, `\max`,
// `\operatorname`, `\mathbb{R}`, `\text`, a few Greek letters and operators. A tree is
// { t: tag, a: attributes, x: a token's text, k: children, b: a line may break before
// it, f: a \left…\right group }. Read here rather than in the wasm core: a reader there
// cost 4.5 KB gzip of the first module, this one about 1.2 KB.

/** Commands for one token: text, then how it is set: i an identifier, l one with its
 * limits under it, o an operator, s a sum (limits under), b an operator to break before. */
const SYMBOLS = {
  delta: 'δi', varepsilon: 'εi', epsilon: 'εi', sigma: 'σi', eta: 'ηi', lambda: 'λi', Sigma: 'Σi', partial: '∂i', infty: '∞i',
  log: 'log i', exp: 'exp i', tanh: 'tanh i', sin: 'sin i', cos: 'cos i', max: 'max l', min: 'min l',
  sum: '∑s', cdot: '⋅o', times: '×o', in: '∈o', cdots: '⋯o', ldots: '…o', le: '≤o', leq: '≤o',
  ge: '≥o', geq: '≥o', to: '→o', leftarrow: '←b', odot: '⊙b',
};
const SPACES = { ',': '0.1667em', ';': '0.2778em', ' ': '0.25em' };

const tok = (t, x, a = {}) => ({ t, x, a, k: [] });
const elem = (t, k, a = {}) => ({ t, x: '', a, k });
const row = (k) => (k.length === 1 ? k[0] : elem('mrow', k));

/** The trees of TeX line `s`, cut into chunks (one <math> each). */
export function readTex(s) {
  let at = 0;
  const peek = () => s[at];
  const space = () => { const from = at; while (s[at] === ' ') at += 1; return at > from; };
  const right = () => s.startsWith('\\right', at);

  function list() {
    const out = [];
    for (;;) {
      const spaced = space();
      if (at >= s.length || peek() === '}' || right()) return out;
      const n = atom(spaced, out[out.length - 1]);
      if (!n) return out;
      out.push(scripts(n));
    }
  }
  function arg() {
    space();
    const c = peek();
    if (c === '{') {
      at += 1;
      const k = list();
      if (peek() === '}') at += 1;
      return row(k);
    }
    if (c >= '0' && c <= '9') { at += 1; return tok('mn', c); } // `\tfrac12`
    return atom(false, null) || elem('mrow', []);
  }
  function rawArg() {
    space();
    if (peek() !== '{') return '';
    const end = s.indexOf('}', at);
    const text = s.slice(at + 1, end < 0 ? s.length : end);
    at = end < 0 ? s.length : end + 1;
    return text;
  }
  function scripts(base) {
    let sub, sup, prime = false;
    for (;;) {
      const c = peek();
      if (c === '_') { at += 1; sub = arg(); } else if (c === '^') { at += 1; sup = arg(); } else if (c === "'") { at += 1; prime = true; } else break;
    }
    // Limits go under a sum or a max, as a display sets them.
    const [b, p, bp] = base.l ? ['munder', 'mover', 'munderover'] : ['msub', 'msup', 'msubsup'];
    // A prime sits on the base's line: the glyph is drawn raised already.
    if (prime) base = elem('mrow', [base, tok('mo', '′', { lspace: '0', rspace: '0' })]);
    if (sub && sup) return elem(bp, [base, sub, sup]);
    if (sub) return elem(b, [base, sub]);
    if (sup) return elem(p, [base, sup]);
    return base;
  }
  function atom(spaced, prev) {
    const c = peek();
    if (c === undefined) return null;
    if (c === '\\') return command(spaced);
    if (c === '{') return arg();
    at += 1;
    if (/[0-9.]/.test(c)) { at -= 1; return number(); }
    if (/[a-zA-Z]/.test(c)) return tok('mi', c);
    if (c === '-' || c === '+') {
      const text = c === '-' ? '−' : '+';
      // After an operator (or first) a sign; else a place to break.
      if (!prev || prev.t === 'mo') return tok('mo', text, { form: 'prefix' });
      return { ...tok('mo', text), b: true };
    }
    if (c === '=') return { ...tok('mo', '='), b: true };
    if (c === '*') return tok('mo', '∗');
    // A parenthesis written plainly keeps its size, as TeX sets it (`\left(` stretches).
    if ('()[]'.includes(c)) return tok('mo', c, { stretchy: 'false' });
    // Any other character: punctuation, a Greek letter (UTF-16: the core's TeX has none
    // outside the basic plane).
    return tok(c >= '\u0391' && c <= '\u03c9' ? 'mi' : 'mo', c);
  }
  /** Digits with a point and an exponent (`1.5e-7` is set as 1.5 × 10⁻⁷). */
  function number() {
    const m = /^([0-9.]+)(?:e(-?)([0-9]+))?/.exec(s.slice(at));
    at += m[0].length;
    if (!m[3]) return tok('mn', m[1]);
    const power = m[2] ? elem('mrow', [tok('mo', '−', { form: 'prefix' }), tok('mn', m[3])]) : tok('mn', m[3]);
    return elem('mrow', [tok('mn', m[1]), tok('mo', '×'), elem('msup', [tok('mn', '10'), power])]);
  }
  function command(spaced) {
    at += 1;
    const name = /^[a-zA-Z]*/.exec(s.slice(at))[0];
    at += name.length;
    if (!name) {
      // `\,` and friends: spacing; `\{`: a brace.
      const c = s[at++];
      if (c === undefined) return null;
      return SPACES[c] ? elem('mspace', [], { width: SPACES[c] }) : tok('mo', c);
    }
    if (name === 'frac' || name === 'tfrac') {
      return elem('mfrac', [arg(), arg()], name === 'tfrac' ? { displaystyle: 'false' } : {});
    }
    if (name === 'left') {
      const k = [delimiter(), ...list()];
      if (right()) at += 6;
      k.push(delimiter());
      // Around numbers alone (`\left(-0.093\right)`) a fence keeps its size, as TeX's
      // smallest delimiter covering them is the plain one; MathML would enlarge it.
      const [l, r] = [k[0], k[k.length - 1]];
      if (k.slice(1, -1).every(isFlat) && l.t === 'mo' && r.t === 'mo') l.a.stretchy = r.a.stretchy = 'false';
      return { ...elem('mrow', k), f: true };
    }
    if (name === 'operatorname') {
      const star = peek() === '*';
      if (star) at += 1;
      return { ...tok('mi', rawArg()), l: star };
    }
    // Accents: ż (forward mode's tangents), x̂.
    if (name === 'dot' || name === 'hat') {
      return elem('mover', [arg(), tok('mo', name === 'dot' ? '˙' : '^')], { accent: 'true' });
    }
    if (name === 'mathbb') { rawArg(); return tok('mi', 'ℝ'); } // the core writes ℝ only
    if (name === 'text') return tok('mtext', rawArg());
    const sym = SYMBOLS[name];
    if (!sym) return tok('mi', name);
    const set = sym.slice(-1);
    const text = sym.slice(0, -1).trim();
    // A function's name (log, tanh, sin) keeps a thin space from what it applies to,
    // as TeX sets \log: `t log y`, not `tlogy`.
    if (set === 'i' && text.length > 1) {
      const thin = () => elem('mspace', [], { width: SPACES[','] });
      return elem('mrow', [thin(), tok('mi', text), thin()]);
    }
    const n = tok('il'.includes(set) ? 'mi' : 'mo', text);
    // A spaced dot joins factors; a tight one (`W\cdot a`) one term.
    n.b = set === 'b' || (name === 'cdot' && spaced);
    n.l = set === 'l' || set === 's';
    return n;
  }
  function delimiter() {
    space();
    const c = s[at++];
    return c === undefined || c === '.' ? elem('mrow', []) : tok('mo', c);
  }

  // Cut before each breakable operator at the top level, and inside parentheses that
  // hold one (opened up into their fences and terms), as a textbook breaks a display.
  const flat = [];
  const open = (items) => {
    for (const n of items) {
      if (n.f && n.k.some((c) => c.b)) open(n.k);
      else flat.push(n);
    }
  };
  open(list());
  const chunks = [[]];
  for (const n of flat) {
    if (n.b && chunks[chunks.length - 1].length) {
      n.a.form = 'infix'; // at the start of its chunk an operator would read as a prefix
      chunks.push([]);
    }
    chunks[chunks.length - 1].push(n);
  }
  return chunks.filter((c) => c.length).map((k) => elem('math', k));
}

const NS = 'http://www.w3.org/1998/Math/MathML';

/** The element of tree `n`. */
export function mathNode(n) {
  const e = document.createElementNS(NS, n.t);
  // Fractions and sums as a display sets them, not shrunk as in running text.
  if (n.t === 'math') e.setAttribute('displaystyle', 'true');
  for (const [k, v] of Object.entries(n.a)) e.setAttribute(k, v);
  if (n.x) e.append(n.x);
  for (const c of n.k) e.append(mathNode(c));
  return e;
}

// ---- chunks of numbers and operators, set as text ---------------------------------
// Most of a line "with the numbers" is terms like `+ (−0.093) ⋅ 0.17`: no script, no
// fraction. Such a chunk is set as a span of the math font with the operators spaced as
// MathML's operator dictionary spaces them, and looks the same; a <math> root costs
// the browser about 40 µs of style and layout each, and a CNN's step has hundreds.

/** Operators a chunk set as text may hold, with the space MathML Core's operator
 * dictionary puts on either side (in 18ths of an em; after a comma only), as measured
 * in Chromium. A chunk with any other operator, a letter or a stretching fence stays
 * MathML. */
const SPACE = { '+': 4, '−': 4, '/': 4, '⋅': 3, '×': 3, '∗': 3, '⊙': 3, '=': 5, '≤': 5, '≥': 5, '→': 5, '←': 5, '∈': 5, ',': 0, '(': 0, ')': 0, '[': 0, ']': 0 };
export function isFlat(n) {
  if (n.t === 'mn' || n.t === 'mspace') return true;
  // A parenthesis only as written plainly (not stretchy): a fence stretches.
  if (n.t === 'mo') return n.x in SPACE && (!'()[]'.includes(n.x) || n.a.stretchy === 'false');
  return (n.t === 'mrow' || n.t === 'math') && n.k.every(isFlat);
}

/** The class spacing operator `n` (first of its row or not) as MathML would. */
function operatorClass(n, first) {
  // The form MathML infers: given, else a prefix as the first of its row. Only a sign
  // has a prefix entry; any other operator falls back to its infix spacing.
  const form = n.a.form || (first ? 'prefix' : 'infix');
  if (form === 'prefix' && (n.x === '+' || n.x === '−')) return '';
  if (n.x === ',') return 'oc';
  return SPACE[n.x] ? `o${SPACE[n.x]}` : '';
}

/** The span of flat chunk `n` (a <math> tree of numbers, operators and spaces). */
export function textChunk(n) {
  const span = document.createElement('span');
  span.className = 'mchunk';
  let run = '';
  const flush = () => { if (run) span.append(run); run = ''; };
  const put = (m, first) => {
    if (m.t === 'mn') run += m.x;
    else if (m.t === 'mo') {
      const cls = operatorClass(m, first);
      if (!cls) { run += m.x; return; }
      flush();
      const o = document.createElement('span');
      o.className = cls;
      o.textContent = m.x;
      span.append(o);
    } else if (m.t === 'mspace') {
      flush();
      const gap = document.createElement('span');
      gap.style.marginRight = m.a.width;
      span.append(gap);
    } else m.k.forEach((c, i) => put(c, i === 0));
  };
  n.k.forEach((c, i) => put(c, i === 0));
  flush();
  return span;
}

// ---- lines, typeset as they near the viewport -------------------------------------
// A changed formula line first holds its plain text. After the frame's DOM writes, the
// lines that can be seen are typeset in the frame; those within half a screen are
// typeset right after it, the others as they come near, before they are seen. A CNN's step has
// hundreds of chunks, most of them out of sight.

/** The TeX of lines holding their plain text until they near the viewport. */
const pending = new WeakMap();
/** The lines fitted, with the width they were fitted at. */
const fitted = new WeakMap();
/** Typesets a pending line as it nears the viewport, and fits it. */
let nearing = null;

/** Fills `div` with TeX line `tex` typeset (one <math>, or one span of text, per chunk)
 * and keeps its `plain` text. */
export function setFormula(div, tex, plain) {
  div.replaceChildren(...readTex(tex).map((c) => (isFlat(c) ? textChunk(c) : mathNode(c))));
  div.dataset.plain = plain;
  div.classList.add('mathline');
  if (pending.delete(div)) nearing?.unobserve(div);
  fitted.delete(div);
}

/** One div per formula line in `box`, reusing the divs there: only a line whose text
 * changed is set again, as its plain text until `layoutFormulas` or its nearing
 * typesets it. */
export function setFormulas(box, plain, tex) {
  while (box.children.length > plain.length) box.lastChild.remove();
  plain.forEach((text, k) => {
    const div = box.children[k] || box.appendChild(document.createElement('div'));
    if (div.dataset.plain === text) return;
    div.textContent = text;
    div.dataset.plain = text;
    div.classList.add('mathline');
    pending.set(div, tex[k]);
    nearing?.observe(div);
    fitted.delete(div);
  });
}

/** Watches the lines set as plain text: each is typeset as it nears the viewport (half
 * a screen away), or before the page is printed. Lines typeset as they near are fitted
 * at once, in the observer's own task: the page's next frame (a step) does not pay for
 * laying them out, nor is a frame drawn for them. */
export function watchFormulas() {
  nearing = new IntersectionObserver((entries) => {
    const set = [];
    for (const e of entries) {
      if (!e.isIntersecting || !pending.has(e.target)) continue;
      setFormula(e.target, pending.get(e.target), e.target.dataset.plain);
      set.push(e.target);
    }
    fit(set);
  }, { rootMargin: '50% 0px' });
  // A printout has every line, in sight or not.
  addEventListener('beforeprint', () => {
    for (const d of document.querySelectorAll('.mathline')) if (pending.has(d)) setFormula(d, pending.get(d), d.dataset.plain);
  });
}

/** Whether `div` (at `r`) can be seen: in the viewport and in the box it scrolls in. */
function seen(div, r) {
  if (r.bottom < 0 || r.top > innerHeight) return false;
  const box = div.parentElement;
  if (box.scrollHeight <= box.clientHeight) return true;
  const b = box.getBoundingClientRect();
  return r.bottom >= b.top && r.top <= b.bottom;
}

/** After the frame's DOM writes (it reads layout): typesets the plain lines under
 * `root` that can be seen (those near are typeset after the frame, by `watchFormulas`),
 * then fits every typeset line (a long fraction cannot wrap). */
export function layoutFormulas(root) {
  const all = [...root.querySelectorAll('.mathline')];
  const waiting = all.filter((d) => pending.has(d));
  // All reads first, then the writes: a read after a write lays the page out again.
  const shown = waiting.filter((d) => seen(d, d.getBoundingClientRect()));
  for (const d of shown) setFormula(d, pending.get(d), d.dataset.plain);
  fit(all.filter((d) => !pending.has(d)));
}

/** Scales down, in each typeset line of `lines`, a chunk wider than the line; only
 * lines new or of a new width are measured, all of them in one read. */
function fit(lines) {
  const widths = lines.map((d) => d.clientWidth);
  const todo = lines.filter((d, k) => widths[k] && fitted.get(d) !== widths[k]);
  if (!todo.length) return;
  for (const d of todo) for (const m of d.children) if (m.style.fontSize) m.style.fontSize = '';
  const over = [];
  // A chunk too wide makes its line overflow: only such lines' chunks are measured.
  const wide = todo.filter((d) => d.scrollWidth > d.clientWidth);
  for (const d of todo) fitted.set(d, d.clientWidth);
  for (const d of wide) {
    // Room for a chunk: the line less its hanging indent.
    const room = d.clientWidth - parseFloat(getComputedStyle(d).paddingLeft || '0');
    for (const m of d.children) {
      const w = m.getBoundingClientRect().width;
      if (w > room) over.push([m, room / w]);
    }
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
