//! A network as a sequence of layers, and the passes over it: forward (bottom up),
//! loss, backward (top down, as Caffe's `Net::Backward`), and the update. The buffers
//! live in a [`Workspace`] reused from example to example.

use super::layer::{Grads, Layer};
use super::shape::Shape;
use crate::activation::Activation;
use crate::error::Error;
use crate::loss::Loss;
use crate::network::{UpdateRule, MAX_MAGNITUDE};

/// Layers in forward order on an input of `input_shape`, and the loss on the output.
#[derive(Clone, Debug, PartialEq)]
pub struct Net {
    pub input_shape: Shape,
    pub layers: Vec<Layer>,
    pub loss: Loss,
}

/// Every blob of one example's pass, reused so a training loop allocates nothing per
/// example.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Workspace {
    /// shapes[0] is the input's; shapes[l + 1] is layer l's output.
    pub shapes: Vec<Shape>,
    /// Layer l's output.
    pub outputs: Vec<Vec<f64>>,
    /// ∂L/∂(input) of layer l; ∂L/∂(output) of layer l is grad_inputs[l + 1].
    pub grad_inputs: Vec<Vec<f64>>,
    /// Layer l's max-pool winners (empty for the other layers).
    pub argmax: Vec<Vec<usize>>,
    /// ∂L/∂y, the loss's gradient at the output (unused for softmax with cross-entropy,
    /// whose grad_input y·Σt − t is taken directly).
    pub grad_output: Vec<f64>,
}

impl Net {
    /// Shape of every blob: the input's, then each layer's output.
    pub fn shapes(&self) -> Result<Vec<Shape>, Error> {
        let mut shapes = vec![self.input_shape];
        for (l, layer) in self.layers.iter().enumerate() {
            let s = layer
                .out_shape(shapes[l])
                .map_err(|e| e.under(&format!("network.layers[{l}]")))?;
            shapes.push(s);
        }
        Ok(shapes)
    }

    /// The output's shape (the input's for a net without layers).
    pub fn output_shape(&self) -> Result<Shape, Error> {
        Ok(*self.shapes()?.last().unwrap_or(&self.input_shape))
    }

    /// Weights and biases per layer (0 for layers without parameters).
    pub fn param_counts(&self) -> Vec<usize> {
        self.layers.iter().map(Layer::param_count).collect()
    }

    /// Zero gradients for every layer, in the layers' parameter layouts.
    pub fn zero_grads(&self) -> Vec<Grads> {
        self.layers.iter().map(Layer::zero_grads).collect()
    }

    /// True for a softmax last layer under cross-entropy: the backward pass starts
    /// from the combined gradient y·Σt − t of the logits.
    fn softmax_cross_entropy(&self) -> bool {
        self.loss == Loss::CrossEntropy
            && matches!(
                self.layers.last(),
                Some(Layer::Activation(Activation::Softmax))
            )
    }

    /// The forward pass into `ws`: every layer's output (and max-pool winners); returns
    /// the network output y. The net must be valid ([`Net::validate`]).
    pub fn forward_into<'w>(&self, x: &[f64], ws: &'w mut Workspace) -> &'w [f64] {
        let n = self.layers.len();
        ws.shapes.clear();
        ws.shapes.push(self.input_shape);
        for (l, layer) in self.layers.iter().enumerate() {
            let s = layer
                .out_shape(ws.shapes[l])
                .unwrap_or_else(|e| panic!("forward on an unchecked net: {e}"));
            ws.shapes.push(s);
        }
        ws.outputs.resize(n, Vec::new());
        ws.argmax.resize(n, Vec::new());
        for (l, layer) in self.layers.iter().enumerate() {
            let (done, rest) = ws.outputs.split_at_mut(l);
            let input = if l == 0 { x } else { &done[l - 1] };
            layer.forward(ws.shapes[l], input, &mut rest[0], &mut ws.argmax[l]);
        }
        ws.outputs.last().map_or(&[], Vec::as_slice)
    }

    /// L for target t from the forward values in `ws` (x is the input); cross-entropy
    /// is taken through log-softmax of the softmax layer's input, as `crate::loss` does.
    pub fn loss_in(&self, x: &[f64], t: &[f64], ws: &Workspace) -> f64 {
        let n = ws.outputs.len();
        let y = ws.outputs.last().map_or(x, Vec::as_slice);
        let z = if n >= 2 { &ws.outputs[n - 2] } else { x };
        self.loss.value(y, t, z)
    }

    /// L for one example: the forward pass into `ws`, then the loss.
    pub fn loss_with(&self, x: &[f64], t: &[f64], ws: &mut Workspace) -> f64 {
        self.forward_into(x, ws);
        self.loss_in(x, t, ws)
    }

    /// The backward pass, top layer down, from the forward values in `ws`: every
    /// layer's ∂L/∂(input) into `ws.grad_inputs`, and ∂L/∂W, ∂L/∂b into `grads` (or
    /// added to them, with `accumulate`: the sum over a mini-batch).
    pub fn backward_into(
        &self,
        x: &[f64],
        t: &[f64],
        ws: &mut Workspace,
        grads: &mut Vec<Grads>,
        accumulate: bool,
    ) {
        self.backward(x, t, ws, grads, accumulate, true);
    }

    /// The backward pass as training needs it: [`Net::backward_into`] without ∂L/∂x,
    /// the first layer's ∂L/∂(input), which no parameter depends on (for a conv first
    /// layer, a whole full convolution saved). `ws.grad_inputs[0]` is left as it was.
    pub fn backward_params_into(
        &self,
        x: &[f64],
        t: &[f64],
        ws: &mut Workspace,
        grads: &mut Vec<Grads>,
        accumulate: bool,
    ) {
        self.backward(x, t, ws, grads, accumulate, false);
    }

    fn backward(
        &self,
        x: &[f64],
        t: &[f64],
        ws: &mut Workspace,
        grads: &mut Vec<Grads>,
        accumulate: bool,
        input_gradient: bool,
    ) {
        let n = self.layers.len();
        let fits = grads.len() == n
            && grads.iter().zip(&self.layers).all(|(g, l)| {
                let (w, b) = l.params().unwrap_or((&[], &[]));
                (w.len(), b.len()) == (g.weights.len(), g.biases.len())
            });
        if !fits {
            *grads = self.zero_grads();
        }
        let Workspace {
            shapes,
            outputs,
            grad_inputs,
            argmax,
            grad_output,
        } = ws;
        grad_inputs.resize(n, Vec::new());
        let combined = self.softmax_cross_entropy();
        let last = n - 1;
        if combined {
            // ∂/∂z_i of −Σ t log softmax(z) = y_i Σ_k t_k − t_i (= y_i − t_i when Σt = 1).
            let st: f64 = t.iter().sum();
            let g = &mut grad_inputs[last];
            g.clear();
            g.extend(outputs[last].iter().zip(t).map(|(y, t)| y * st - t));
        } else {
            grad_output.resize(outputs[last].len(), 0.0);
            self.loss.dy_into(&outputs[last], t, grad_output);
        }
        for (l, layer) in self.layers.iter().enumerate().rev() {
            if l == last && combined {
                continue;
            }
            let input = if l == 0 { x } else { &outputs[l - 1] };
            let (lower, upper) = grad_inputs.split_at_mut(l + 1);
            let grad_y: &[f64] = if l == last { grad_output } else { &upper[0] };
            if l > 0 || input_gradient {
                layer.backward_input(
                    shapes[l],
                    input,
                    &outputs[l],
                    &argmax[l],
                    grad_y,
                    &mut lower[l],
                );
            }
            layer.backward_params(shapes[l], input, grad_y, &mut grads[l], accumulate);
        }
    }

    /// Every weight and bias takes its [`UpdateRule`] step: w − η(∂L/∂w + λw), b − η ∂L/∂b.
    pub fn update(&mut self, grads: &[Grads], rule: &UpdateRule) {
        for (layer, g) in self.layers.iter_mut().zip(grads) {
            if let Some((w, b)) = layer.params_mut() {
                for (w, gw) in w.iter_mut().zip(&g.weights) {
                    *w = rule.stepped_weight(*w, *gw);
                }
                for (b, gb) in b.iter_mut().zip(&g.biases) {
                    *b = rule.stepped_bias(*b, *gb);
                }
            }
        }
    }

    /// True when an update with these gradients leaves every parameter finite and
    /// within ±[`MAX_MAGNITUDE`] (beyond that a run has diverged).
    pub fn update_stays_finite(&self, grads: &[Grads], rule: &UpdateRule) -> bool {
        let ok = |v: f64| v.is_finite() && v.abs() <= MAX_MAGNITUDE;
        self.layers.iter().zip(grads).all(|(layer, g)| {
            layer.params().is_none_or(|(w, b)| {
                w.iter()
                    .zip(&g.weights)
                    .all(|(w, gw)| ok(rule.stepped_weight(*w, *gw)))
                    && b.iter()
                        .zip(&g.biases)
                        .all(|(b, gb)| ok(rule.stepped_bias(*b, *gb)))
            })
        })
    }

    /// True when every weight and bias is a finite number.
    pub fn is_finite(&self) -> bool {
        self.layers.iter().all(|l| {
            l.params()
                .is_none_or(|(w, b)| w.iter().chain(b).all(|v| v.is_finite()))
        })
    }
}
