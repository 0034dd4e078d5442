//! One example's whole record: forward, loss, backward and the SGD update, every
//! intermediate value kept so the steps can reveal them one by one.

use super::layer::Grads;
use super::net::{Net, Workspace};
use super::shape::Shape;
use crate::network::UpdateRule;

/// Everything backpropagation computes for one example through a [`Net`].
#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    /// The net as the pass used it (before the update).
    pub net: Net,
    pub input: Vec<f64>,
    pub target: Vec<f64>,
    pub rule: UpdateRule,
    /// shapes[0] is the input's; shapes[l + 1] is layer l's output.
    pub shapes: Vec<Shape>,
    /// Every layer's output.
    pub outputs: Vec<Vec<f64>>,
    /// L before the update.
    pub loss: f64,
    /// ∂L/∂(input) of every layer (the first is ∂L/∂x).
    pub grad_inputs: Vec<Vec<f64>>,
    /// ∂L/∂W, ∂L/∂b of every layer (empty for layers without parameters).
    pub grads: Vec<Grads>,
    /// Every max-pool layer's winners (empty for the other layers).
    pub argmax: Vec<Vec<usize>>,
    /// The net after its update.
    pub updated: Net,
    /// L of the updated net on the same example.
    pub loss_after: f64,
}

impl Pass {
    /// Runs the whole pass. The net and example must already be validated.
    pub fn run(net: &Net, x: &[f64], t: &[f64], rule: UpdateRule) -> Pass {
        let mut ws = Workspace::default();
        let mut grads = Vec::new();
        net.forward_into(x, &mut ws);
        let loss = net.loss_in(x, t, &ws);
        net.backward_into(x, t, &mut ws, &mut grads, false);
        let mut updated = net.clone();
        updated.update(&grads, &rule);
        let shapes = std::mem::take(&mut ws.shapes);
        let outputs = std::mem::take(&mut ws.outputs);
        let grad_inputs = std::mem::take(&mut ws.grad_inputs);
        let argmax = std::mem::take(&mut ws.argmax);
        let loss_after = updated.loss_with(x, t, &mut ws);
        Pass {
            net: net.clone(),
            input: x.to_vec(),
            target: t.to_vec(),
            rule,
            shapes,
            outputs,
            loss,
            grad_inputs,
            grads,
            argmax,
            updated,
            loss_after,
        }
    }

    /// Layer l's input: x for the first layer, else the output of the layer below.
    pub fn layer_input(&self, l: usize) -> &[f64] {
        if l == 0 {
            &self.input
        } else {
            &self.outputs[l - 1]
        }
    }

    /// The network output y.
    pub fn output(&self) -> &[f64] {
        self.outputs.last().map_or(&self.input, Vec::as_slice)
    }

    /// Number of layers as the notation counts them ([`Net::depth`]).
    pub fn depth(&self) -> usize {
        self.net.depth()
    }

    /// True when every number of the pass is finite (nothing overflowed).
    pub fn is_finite(&self) -> bool {
        self.loss.is_finite() && self.loss_after.is_finite() && self.updated.is_finite()
    }
}
