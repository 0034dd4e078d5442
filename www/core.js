// The wasm core, in two modules built from one crate. The first (pkg/) steps and edits
// a written-out fully connected network: all the first screen needs, and a smaller first
// download. The full one (pkg/full/) is the whole lab; the page loads it on first use of
// the rest (a convolutional network, a dataset, training, exports, the quiz, exercises)
// and moves the session over (see `app.upgrade` in main.js).

import init, * as first from '../pkg/backprop_lab.js';

let current = first;
let loading = null;

/** The module in use: `core().Lab`, `core().Frame`, `core().vocabulary()`. */
export const core = () => current;

/** Starts the first module. */
export const start = () => init();

/** True once the full module is in use. */
export const isFull = () => current !== first;

/** Loads and starts the full module (once); it is in use when this resolves. */
export function loadFull() {
  loading ??= import('../pkg/full/backprop_lab.js').then(async (m) => {
    await m.default();
    current = m;
    return m;
  }).catch((e) => {
    loading = null; // a network error: the next use tries again
    throw e;
  });
  return loading;
}

/** True for the first module's error that says the full one is needed. */
export const needsFull = (e) => Boolean(e && e.name === 'NeedsFullLab');
