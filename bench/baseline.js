// A straightforward plain-JavaScript baseline of the same algorithm, written the way
// TensorFlow Playground's nn.ts writes it: an object per node and per link, online
// SGD, tanh hidden layers and a sigmoid output, half squared error. Used by
// bench/training.mjs to compare the wasm core's training speed with idiomatic JS, on
// the same network, starting weights and points.

export function buildNetwork(sizes, seed) {
  let s = seed >>> 0;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const network = [];
  for (let l = 0; l < sizes.length; l++) {
    const layer = [];
    for (let i = 0; i < sizes[l]; i++) {
      layer.push({ bias: 0, inputLinks: [], outputs: [], totalInput: 0, output: 0, outputDer: 0, inputDer: 0, accInputDer: 0, numAccumulatedDers: 0 });
    }
    network.push(layer);
    if (l > 0) {
      const r = Math.sqrt(6 / (sizes[l - 1] + sizes[l]));
      for (const node of layer) {
        for (const src of network[l - 1]) {
          const link = { source: src, dest: node, weight: (rand() * 2 - 1) * r, errorDer: 0, accErrorDer: 0, numAccumulatedDers: 0 };
          node.inputLinks.push(link);
          src.outputs.push(link);
        }
      }
    }
  }
  return network;
}

/**
 * The same objects, with the weights and biases of a Backprop Lab network description
 * ({layers: [{weights: W (units × inputs), biases}]}): link j of node i in layer l
 * carries W(l)_ij, in the order nn.ts links them (every source node, in order).
 */
export function networkFrom(layers) {
  const network = buildNetwork([layers[0].weights[0].length, ...layers.map((l) => l.biases.length)], 1);
  layers.forEach((layer, l) => {
    network[l + 1].forEach((node, i) => {
      node.bias = layer.biases[i];
      node.inputLinks.forEach((link, j) => { link.weight = layer.weights[i][j]; });
    });
  });
  return network;
}

/** The weights and biases back in the description's layout, to compare. */
export function layersOf(network) {
  return network.slice(1).map((layer) => ({
    weights: layer.map((node) => node.inputLinks.map((link) => link.weight)),
    biases: layer.map((node) => node.bias),
  }));
}

const tanh = { output: (x) => Math.tanh(x), der: (x) => { const t = Math.tanh(x); return 1 - t * t; } };
const sigmoid = { output: (x) => 1 / (1 + Math.exp(-x)), der: (x) => { const o = 1 / (1 + Math.exp(-x)); return o * (1 - o); } };

export function forward(network, inputs) {
  network[0].forEach((node, i) => { node.output = inputs[i]; });
  for (let l = 1; l < network.length; l++) {
    const act = l === network.length - 1 ? sigmoid : tanh;
    for (const node of network[l]) {
      node.totalInput = node.bias;
      for (const link of node.inputLinks) node.totalInput += link.weight * link.source.output;
      node.output = act.output(node.totalInput);
    }
  }
  return network[network.length - 1][0].output;
}

export function backward(network, target) {
  const out = network[network.length - 1][0];
  out.outputDer = out.output - target;
  for (let l = network.length - 1; l >= 1; l--) {
    const act = l === network.length - 1 ? sigmoid : tanh;
    for (const node of network[l]) {
      node.inputDer = node.outputDer * act.der(node.totalInput);
      node.accInputDer += node.inputDer;
      node.numAccumulatedDers++;
    }
    for (const node of network[l]) {
      for (const link of node.inputLinks) {
        link.errorDer = node.inputDer * link.source.output;
        link.accErrorDer += link.errorDer;
        link.numAccumulatedDers++;
      }
    }
    if (l === 1) continue;
    for (const node of network[l - 1]) {
      node.outputDer = 0;
      for (const link of node.outputs) node.outputDer += link.weight * link.dest.inputDer;
    }
  }
}

export function update(network, lr) {
  for (let l = 1; l < network.length; l++) {
    for (const node of network[l]) {
      if (node.numAccumulatedDers > 0) {
        node.bias -= (lr * node.accInputDer) / node.numAccumulatedDers;
        node.accInputDer = 0;
        node.numAccumulatedDers = 0;
      }
      for (const link of node.inputLinks) {
        if (link.numAccumulatedDers > 0) {
          link.weight -= (lr * link.accErrorDer) / link.numAccumulatedDers;
          link.accErrorDer = 0;
          link.numAccumulatedDers = 0;
        }
      }
    }
  }
}

/** Online SGD over `points` ({x: [..], t}), in order from point `from`, for `steps` steps. */
export function train(net, points, steps, lr = 0.03, from = 0) {
  for (let k = 0; k < steps; k++) {
    const p = points[(from + k) % points.length];
    forward(net, p.x);
    backward(net, p.t);
    update(net, lr);
  }
}

/**
 * Example-steps per second of online SGD on `net` (a network, or sizes for one drawn
 * from seed 7), from point 0.
 */
export function trainRate(net, points, steps, lr = 0.03) {
  const network = Array.isArray(net) && typeof net[0] === 'number' ? buildNetwork(net, 7) : net;
  const t0 = performance.now();
  train(network, points, steps, lr);
  return (steps * 1000) / (performance.now() - t0);
}
