//! One training pass on one example, as the engine records it ([`crate::engine::Pass`]),
//! read in the notation of a fully connected network: z(l), a(l), δ(l) = ∂L/∂z(l),
//! ∂L/∂W(l), ∂L/∂b(l) for layers l = 1..L (0-based here). Layer l is engine layers 2l
//! (dense: z) and 2l + 1 (activation: a); δ(l) is the activation layer's ∂L/∂(input).

pub use crate::engine::Pass;

use crate::network::MlpLayer;

impl Pass {
    /// The input x = a(0).
    pub fn input(&self) -> &[f64] {
        &self.input
    }

    /// z(l) = W(l) a(l−1) + b(l).
    pub fn z(&self, l: usize) -> &[f64] {
        &self.outputs[2 * l]
    }

    /// a(l) = f(z(l)).
    pub fn a(&self, l: usize) -> &[f64] {
        &self.outputs[2 * l + 1]
    }

    /// a(l−1) for layer `l`: the input for the first layer.
    pub fn a_prev(&self, l: usize) -> &[f64] {
        if l == 0 {
            &self.input
        } else {
            self.a(l - 1)
        }
    }

    /// δ(l) = ∂L/∂z(l).
    pub fn delta(&self, l: usize) -> &[f64] {
        &self.grad_inputs[2 * l + 1]
    }

    /// Σ_i W(l)_ij δ(l)_i for each j: what flows back through W(l) into a(l−1)
    /// (∂L/∂a(l−1), the dense layer's ∂L/∂(input)).
    pub fn back_sum(&self, l: usize) -> &[f64] {
        &self.grad_inputs[2 * l]
    }

    /// ∂L/∂W(l)_ij = δ(l)_i a(l−1)_j.
    pub fn grad_w(&self, l: usize, i: usize, j: usize) -> f64 {
        let fan = self.net.mlp(l).fan_in();
        self.grads[2 * l].weights[i * fan + j]
    }

    /// Row i of ∂L/∂W(l): the gradients of the weights into unit i.
    pub fn grad_row(&self, l: usize, i: usize) -> &[f64] {
        let fan = self.net.mlp(l).fan_in();
        &self.grads[2 * l].weights[i * fan..(i + 1) * fan]
    }

    /// ∂L/∂W(l), every row, flat.
    pub fn grad_ws(&self, l: usize) -> &[f64] {
        &self.grads[2 * l].weights
    }

    /// ∂L/∂b(l)_i = δ(l)_i.
    pub fn grad_b(&self, l: usize) -> &[f64] {
        &self.grads[2 * l].biases
    }

    /// Layer l as the pass used it (before the update).
    pub fn mlp(&self, l: usize) -> MlpLayer<'_> {
        self.net.mlp(l)
    }

    /// Layer l after the update.
    pub fn mlp_after(&self, l: usize) -> MlpLayer<'_> {
        self.updated.mlp(l)
    }
}
