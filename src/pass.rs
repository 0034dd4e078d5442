//! One training pass on one example: forward, loss, backward and the SGD update,
//! with every intermediate value kept so the trace can reveal them one by one.

use crate::network::{Forward, Gradients, Network, UpdateRule};

/// Everything backpropagation computes for one example.
#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    /// The network as the pass used it (before the update).
    pub network: Network,
    /// The target t.
    pub target: Vec<f64>,
    /// How the update was made.
    pub rule: UpdateRule,
    /// z(l) and a(l) of every layer.
    pub forward: Forward,
    /// L before the update.
    pub loss: f64,
    /// δ(l), ∂L/∂W(l), ∂L/∂b(l), in forward order.
    pub grads: Vec<Gradients>,
    /// The network after W ← W − η ∂L/∂W, b ← b − η ∂L/∂b.
    pub updated: Network,
    /// L of the updated network on the same example.
    pub loss_after: f64,
}

impl Pass {
    /// Runs the whole pass. The network and example must already be validated.
    pub fn run(network: &Network, x: &[f64], t: &[f64], rule: UpdateRule) -> Pass {
        let forward = network.forward(x);
        let loss = network.loss_of(&forward, t);
        let grads = network.backward(&forward, t);
        let mut updated = network.clone();
        updated.update(&grads, &rule);
        let loss_after = updated.loss_at(x, t);
        Pass {
            network: network.clone(),
            target: t.to_vec(),
            rule,
            forward,
            loss,
            grads,
            updated,
            loss_after,
        }
    }

    /// The input x = a(0).
    pub fn input(&self) -> &[f64] {
        &self.forward.input
    }

    /// Number of layers (not counting the input).
    pub fn depth(&self) -> usize {
        self.network.layers.len()
    }

    /// True when every number of the pass is finite (nothing overflowed).
    pub fn is_finite(&self) -> bool {
        self.loss.is_finite() && self.loss_after.is_finite() && self.updated.is_finite()
    }
}
