//! A fully connected network: layers of weights and biases, and the three separate
//! operations on it: forward, backward and update.

use crate::activation::Activation;
use crate::error::{Counted, Error, ErrorKind};
use crate::loss::Loss;
use crate::vocab::Named;
use serde::Serialize;

/// Widest layer (and widest input) the app accepts.
pub const MAX_WIDTH: usize = 64;
/// Deepest network the app accepts.
pub const MAX_DEPTH: usize = 12;
/// Largest magnitude of a weight, bias, input or target: keeps every pass finite.
pub const MAX_MAGNITUDE: f64 = 1e6;

/// `Ok` for a finite number within ±[`MAX_MAGNITUDE`]; the error is placed at `at`.
pub fn check_value(v: f64, at: &str) -> Result<(), Error> {
    check_value_at(v, || at.to_string())
}

/// [`check_value`] with the place written only for an error (validating a dataset
/// checks thousands of numbers, nearly always fine).
pub fn check_value_at(v: f64, at: impl FnOnce() -> String) -> Result<(), Error> {
    if !v.is_finite() {
        return Err(Error::at(at(), ErrorKind::NotFinite));
    }
    if v.abs() > MAX_MAGNITUDE {
        return Err(Error::at(
            at(),
            ErrorKind::TooLarge {
                value: v,
                max: MAX_MAGNITUDE,
            },
        ));
    }
    Ok(())
}

/// ‖v‖₂, the size of a gradient (the graph's labels, the gradient-size chart).
pub fn norm<'a>(v: impl IntoIterator<Item = &'a f64>) -> f64 {
    v.into_iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// One layer l: W(l)_ij is the weight from unit j of layer l−1 to unit i of layer l.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Layer {
    pub activation: Activation,
    /// One row per unit of this layer, one column per unit of the layer below.
    pub weights: Vec<Vec<f64>>,
    /// b(l)_i, one per unit.
    pub biases: Vec<f64>,
}

/// Layers in forward order, plus the loss on the last layer's output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Network {
    pub layers: Vec<Layer>,
    pub loss: Loss,
}

/// The forward values of one example.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward {
    /// a(0) = x, the input.
    pub input: Vec<f64>,
    /// z(l) = W(l) a(l−1) + b(l), per layer.
    pub z: Vec<Vec<f64>>,
    /// a(l) = f(z(l)), per layer; the last is the output y.
    pub a: Vec<Vec<f64>>,
}

impl Forward {
    /// a(l−1) for layer index `l` (0-based): the input for the first layer.
    pub fn a_prev(&self, l: usize) -> &[f64] {
        if l == 0 {
            &self.input
        } else {
            &self.a[l - 1]
        }
    }

    /// The network output y = a(L).
    pub fn output(&self) -> &[f64] {
        self.a.last().map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Buffers for one example's forward and backward pass, reused from step to step so
/// training allocates nothing per example.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Workspace {
    /// z(l) per layer.
    pub z: Vec<Vec<f64>>,
    /// a(l) per layer.
    pub a: Vec<Vec<f64>>,
    /// δ(l) per layer.
    pub delta: Vec<Vec<f64>>,
}

/// The gradients of one layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradients {
    /// δ(l) = ∂L/∂z(l).
    pub delta: Vec<f64>,
    /// ∂L/∂W(l)_ij = δ(l)_i a(l−1)_j.
    pub weights: Vec<Vec<f64>>,
    /// ∂L/∂b(l)_i = δ(l)_i.
    pub biases: Vec<f64>,
}

/// How an update step changes the parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UpdateRule {
    /// η, the learning rate.
    pub learning_rate: f64,
    /// λ of the L2 term (λ/2)·Σw²: adds λ·w to each weight gradient.
    pub weight_decay: f64,
    /// Keep biases fixed (Mazur's own variant).
    pub freeze_biases: bool,
}

impl UpdateRule {
    /// Plain SGD with learning rate η, biases updated, no weight decay.
    pub fn sgd(learning_rate: f64) -> Self {
        UpdateRule {
            learning_rate,
            weight_decay: 0.0,
            freeze_biases: false,
        }
    }

    /// A weight after its step: w − η (∂L/∂w + λw).
    pub fn stepped_weight(&self, w: f64, grad: f64) -> f64 {
        w - self.learning_rate * (grad + self.weight_decay * w)
    }

    /// A bias after its step: b − η ∂L/∂b, or b itself when biases are frozen.
    pub fn stepped_bias(&self, b: f64, grad: f64) -> f64 {
        if self.freeze_biases {
            b
        } else {
            b - self.learning_rate * grad
        }
    }
}

impl Layer {
    /// Number of units.
    pub fn width(&self) -> usize {
        self.biases.len()
    }

    /// Number of inputs each unit reads.
    pub fn fan_in(&self) -> usize {
        self.weights.first().map_or(0, Vec::len)
    }
}

impl Network {
    /// The output y for input x, computed in `ws` (whose `a` then holds every layer's
    /// activations): a heatmap cell or a loss without allocating. Same numbers as
    /// [`Network::forward`].
    pub fn predict<'w>(&self, x: &[f64], ws: &'w mut Workspace) -> &'w [f64] {
        self.forward_into(x, ws);
        ws.a.last().map(Vec::as_slice).unwrap_or(&[])
    }

    /// Number of network inputs.
    pub fn inputs(&self) -> usize {
        self.layers.first().map_or(0, Layer::fan_in)
    }

    /// Number of outputs.
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, Layer::width)
    }

    /// Units per layer, input first: e.g. `[2, 2, 2]` for Mazur's net.
    pub fn sizes(&self) -> Vec<usize> {
        std::iter::once(self.inputs())
            .chain(self.layers.iter().map(Layer::width))
            .collect()
    }

    /// Forward pass: z(l) and a(l) for every layer.
    pub fn forward(&self, x: &[f64]) -> Forward {
        let mut ws = Workspace::default();
        self.forward_into(x, &mut ws);
        Forward {
            input: x.to_vec(),
            z: ws.z,
            a: ws.a,
        }
    }

    /// The forward pass into reusable buffers: `ws.z` and `ws.a` per layer.
    pub fn forward_into(&self, x: &[f64], ws: &mut Workspace) {
        let n = self.layers.len();
        ws.z.resize(n, Vec::new());
        ws.a.resize(n, Vec::new());
        for (l, layer) in self.layers.iter().enumerate() {
            let (done, rest) = ws.a.split_at_mut(l);
            let a_prev = if l == 0 { x } else { &done[l - 1] };
            let z = &mut ws.z[l];
            z.clear();
            z.extend(
                layer
                    .weights
                    .iter()
                    .zip(&layer.biases)
                    .map(|(row, b)| row.iter().zip(a_prev).map(|(w, a)| w * a).sum::<f64>() + b),
            );
            let a = &mut rest[0];
            a.clear();
            if layer.activation.is_softmax() {
                a.extend(crate::activation::softmax(z));
            } else {
                a.extend(z.iter().map(|&v| layer.activation.f(v)));
            }
        }
    }

    /// L of the output for target t.
    pub fn loss_of(&self, fwd: &Forward, t: &[f64]) -> f64 {
        let z_out = fwd.z.last().map(Vec::as_slice).unwrap_or(&[]);
        self.loss.value(fwd.output(), t, z_out)
    }

    /// L for one example, computed in reusable buffers (cross-entropy reads z there).
    pub fn loss_with(&self, x: &[f64], t: &[f64], ws: &mut Workspace) -> f64 {
        self.forward_into(x, ws);
        fn last(v: &[Vec<f64>]) -> &[f64] {
            v.last().map_or(&[], Vec::as_slice)
        }
        self.loss.value(last(&ws.a), t, last(&ws.z))
    }

    /// L for one example (forward pass included).
    pub fn loss_at(&self, x: &[f64], t: &[f64]) -> f64 {
        self.loss_of(&self.forward(x), t)
    }

    /// δ(L) from the output layer's z and y = a, written into `out`.
    fn output_delta_into(&self, z: &[f64], y: &[f64], t: &[f64], out: &mut Vec<f64>) {
        let act = self.layers[self.layers.len() - 1].activation;
        out.clear();
        if self.loss == Loss::CrossEntropy && act.is_softmax() {
            // ∂/∂z_i of −Σ t log softmax(z) = y_i Σ_k t_k − t_i (= y_i − t_i when Σt = 1).
            let st: f64 = t.iter().sum();
            out.extend(y.iter().zip(t).map(|(y, t)| y * st - t));
            return;
        }
        let g = self.loss.dy(y, t);
        if act.is_softmax() {
            // Softmax Jacobian: δ_i = y_i (g_i − Σ_k g_k y_k).
            let gy: f64 = g.iter().zip(y).map(|(g, y)| g * y).sum();
            out.extend(y.iter().zip(&g).map(|(y, g)| y * (g - gy)));
            return;
        }
        out.extend(
            g.iter()
                .zip(z.iter().zip(y))
                .map(|(g, (&z, &a))| g * act.df_from(z, a)),
        );
    }

    /// Σ_i W(l+1)_ij δ(l+1)_i for each unit j of layer l: what flows back into a(l).
    pub fn back_sum(&self, upper: usize, delta_upper: &[f64]) -> Vec<f64> {
        let w = &self.layers[upper].weights;
        (0..self.layers[upper].fan_in())
            .map(|j| w.iter().zip(delta_upper).map(|(row, d)| row[j] * d).sum())
            .collect()
    }

    /// Backward pass, top layer down; returns gradients in forward order.
    /// Hidden deltas use the current (not yet updated) weights.
    pub fn backward(&self, fwd: &Forward, t: &[f64]) -> Vec<Gradients> {
        let mut ws = Workspace {
            z: fwd.z.clone(),
            a: fwd.a.clone(),
            ..Workspace::default()
        };
        let mut grads = Vec::new();
        self.backward_into(&fwd.input, t, &mut ws, &mut grads, false);
        grads
    }

    /// The backward pass from the forward values in `ws`, writing the gradients into
    /// `grads` (or adding them, with `accumulate`: the sum over a mini-batch).
    pub fn backward_into(
        &self,
        x: &[f64],
        t: &[f64],
        ws: &mut Workspace,
        grads: &mut Vec<Gradients>,
        accumulate: bool,
    ) {
        let n = self.layers.len();
        ws.delta.resize(n, Vec::new());
        let mut out = std::mem::take(&mut ws.delta[n - 1]);
        self.output_delta_into(&ws.z[n - 1], &ws.a[n - 1], t, &mut out);
        ws.delta[n - 1] = out;
        for l in (0..n - 1).rev() {
            let act = self.layers[l].activation;
            let w = &self.layers[l + 1].weights;
            let (lower, upper) = ws.delta.split_at_mut(l + 1);
            let (d, du) = (&mut lower[l], &upper[0]);
            d.clear();
            d.extend((0..self.layers[l].width()).map(|j| {
                let s: f64 = w.iter().zip(du).map(|(row, d)| row[j] * d).sum();
                s * act.df_from(ws.z[l][j], ws.a[l][j])
            }));
        }
        if grads.len() != n {
            *grads = self
                .layers
                .iter()
                .map(|layer| Gradients {
                    delta: vec![0.0; layer.width()],
                    weights: vec![vec![0.0; layer.fan_in()]; layer.width()],
                    biases: vec![0.0; layer.width()],
                })
                .collect();
        }
        for (l, g) in grads.iter_mut().enumerate() {
            let a_prev = if l == 0 { x } else { &ws.a[l - 1] };
            for (i, &d) in ws.delta[l].iter().enumerate() {
                if accumulate {
                    g.delta[i] += d;
                    g.biases[i] += d;
                    for (gw, a) in g.weights[i].iter_mut().zip(a_prev) {
                        *gw += d * a;
                    }
                } else {
                    g.delta[i] = d;
                    g.biases[i] = d;
                    for (gw, a) in g.weights[i].iter_mut().zip(a_prev) {
                        *gw = d * a;
                    }
                }
            }
        }
    }

    /// True when an update with these gradients leaves every parameter finite and
    /// within ±[`MAX_MAGNITUDE`] (beyond that a run has diverged, and the state could
    /// no longer be saved or edited).
    pub fn update_stays_finite(&self, grads: &[Gradients], rule: &UpdateRule) -> bool {
        let ok = |v: f64| v.is_finite() && v.abs() <= MAX_MAGNITUDE;
        self.layers.iter().zip(grads).all(|(layer, g)| {
            layer.weights.iter().zip(&g.weights).all(|(row, grow)| {
                row.iter()
                    .zip(grow)
                    .all(|(w, gw)| ok(rule.stepped_weight(*w, *gw)))
            }) && layer
                .biases
                .iter()
                .zip(&g.biases)
                .all(|(b, gb)| ok(rule.stepped_bias(*b, *gb)))
        })
    }

    /// Update: every weight and bias takes its [`UpdateRule`] step.
    pub fn update(&mut self, grads: &[Gradients], rule: &UpdateRule) {
        for (layer, g) in self.layers.iter_mut().zip(grads) {
            for (row, grow) in layer.weights.iter_mut().zip(&g.weights) {
                for (w, gw) in row.iter_mut().zip(grow) {
                    *w = rule.stepped_weight(*w, *gw);
                }
            }
            for (b, gb) in layer.biases.iter_mut().zip(&g.biases) {
                *b = rule.stepped_bias(*b, *gb);
            }
        }
    }

    /// ½ Σ w² over all weights (the L2 penalty is λ times this).
    pub fn weight_norm_sq_half(&self) -> f64 {
        0.5 * self
            .layers
            .iter()
            .flat_map(|l| l.weights.iter().flatten())
            .map(|w| w * w)
            .sum::<f64>()
    }

    /// True when every weight and bias is a finite number.
    pub fn is_finite(&self) -> bool {
        self.layers.iter().all(|l| {
            l.biases.iter().all(|b| b.is_finite())
                && l.weights.iter().flatten().all(|w| w.is_finite())
        })
    }

    /// Checks shapes, limits and pairings; the error says what and where.
    pub fn validate(&self) -> Result<(), Error> {
        self.validate_for(None)
    }

    /// As [`Network::validate`], with the number of inputs known from the example: a
    /// wrong input length is then named as that (not blamed on the first layer's rows).
    pub fn validate_for(&self, inputs: Option<usize>) -> Result<(), Error> {
        let n = self.layers.len();
        let count = |at: &str, what, got, max| {
            Err(Error::at(
                at,
                ErrorKind::Count {
                    what,
                    got,
                    min: 1,
                    max,
                },
            ))
        };
        if n == 0 || n > MAX_DEPTH {
            return count("network.layers", Counted::Layers, n, MAX_DEPTH);
        }
        // When the first layer's rows agree on a width and the input has another, the
        // input is what is wrong; when they disagree, the row that differs from the input.
        let first = self.inputs();
        let rows_agree = self.layers[0].weights.iter().all(|r| r.len() == first);
        let mut fan = first;
        if let Some(x) = inputs {
            if x != first && x > 0 && first > 0 && rows_agree {
                return Err(Error::new(ErrorKind::InputLength {
                    got: x,
                    takes: first,
                }));
            }
            if x > 0 {
                fan = x;
            }
        }
        if fan == 0 || fan > MAX_WIDTH {
            return count("network.layers[0].weights", Counted::Inputs, fan, MAX_WIDTH);
        }
        for (l, layer) in self.layers.iter().enumerate() {
            let at = format!("network.layers[{l}]");
            let w = layer.width();
            if w == 0 || w > MAX_WIDTH {
                return count(&format!("{at}.biases"), Counted::Units, w, MAX_WIDTH);
            }
            if layer.weights.len() != w {
                return Err(Error::at(
                    format!("{at}.weights"),
                    ErrorKind::Rows {
                        got: layer.weights.len(),
                        expected: w,
                    },
                ));
            }
            for (i, row) in layer.weights.iter().enumerate() {
                if row.len() != fan {
                    return Err(Error::at(
                        format!("{at}.weights"),
                        ErrorKind::RowLength {
                            row: i,
                            got: row.len(),
                            expected: fan,
                        },
                    ));
                }
                for (j, &v) in row.iter().enumerate() {
                    check_value_at(v, || format!("{at}.weights[{i}][{j}]"))?;
                }
            }
            for (i, &v) in layer.biases.iter().enumerate() {
                check_value_at(v, || format!("{at}.biases[{i}]"))?;
            }
            if layer.activation.is_softmax() {
                if l + 1 != n {
                    return Err(Error::at(
                        format!("{at}.activation"),
                        ErrorKind::SoftmaxNotLast,
                    ));
                }
                if w < 2 {
                    return Err(Error::at(
                        format!("{at}.activation"),
                        ErrorKind::SoftmaxTooSmall,
                    ));
                }
            }
            fan = w;
        }
        let last = self.layers[n - 1].activation;
        if self.loss == Loss::CrossEntropy && !last.is_softmax() {
            return Err(Error::at(
                "network.loss",
                ErrorKind::NeedsSoftmax { last: last.name() },
            ));
        }
        Ok(())
    }

    /// Checks an example (input x, target t) against this network.
    pub fn validate_example(&self, x: &[f64], t: &[f64]) -> Result<(), Error> {
        if x.len() != self.inputs() {
            return Err(Error::new(ErrorKind::InputLength {
                got: x.len(),
                takes: self.inputs(),
            }));
        }
        if t.len() != self.outputs() {
            return Err(Error::new(ErrorKind::TargetLength {
                got: t.len(),
                outputs: self.outputs(),
            }));
        }
        for (j, &v) in x.iter().enumerate() {
            check_value_at(v, || format!("input[{j}]"))?;
        }
        for (i, &v) in t.iter().enumerate() {
            check_value_at(v, || format!("target[{i}]"))?;
        }
        if self.loss == Loss::CrossEntropy {
            if let Some(i) = t.iter().position(|&v| v < 0.0) {
                return Err(Error::at(
                    format!("target[{i}]"),
                    ErrorKind::NegativeProbability { value: t[i] },
                ));
            }
            let s: f64 = t.iter().sum();
            if (s - 1.0).abs() > 1e-9 {
                return Err(Error::at("target", ErrorKind::ProbabilitySum { sum: s }));
            }
        }
        Ok(())
    }
}
