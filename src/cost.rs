//! The work of getting every gradient of a fully connected network three ways, counted
//! in multiply-adds from its layer sizes: backprop (one forward pass and one backward
//! pass give all P gradients), forward mode (one pass with tangents per parameter,
//! [`crate::forward_mode`]) and central finite differences (two forward passes per
//! parameter, [`crate::gradcheck`]). It answers the question of why the derivatives
//! are computed from the back.
//!
//! What is counted: one multiply-add is a multiplication and an addition, s + w·a, of a
//! product with a weight (the work that grows with the layer sizes). Per layer l with
//! n(l) units reading n(l−1):
//!
//! * a forward pass computes z(l) = W(l) a(l−1) + b(l): n(l)·n(l−1) (the sum starts at
//!   the bias), so F = Σ_l n(l)·n(l−1), one per weight;
//! * the backward pass computes ∂L/∂W(l) = δ(l) a(l−1)ᵀ, n(l)·n(l−1), and for every
//!   layer but the first δ(l−1) = (W(l)ᵀ δ(l)) ⊙ f′(z(l−1)), n(l)·n(l−1) more: B;
//! * a pass with tangents computes z(l) and ż(l) = W(l) ȧ(l−1), 2·n(l)·n(l−1) (the
//!   seeded parameter adds a(l−1)_j or 1, an addition, as ẇ = 1): 2F.
//!
//! The work per unit is left out of every count: adding biases, the activations and
//! f′, the loss and ∂L/∂y, the ⊙ with f′; one operation per unit per pass, the same
//! order in every method and small beside the products with the weights.

use crate::engine::Net;
use crate::error::{Error, ErrorKind};
use serde::Serialize;

/// The counts for one network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cost {
    /// Units per layer, input first.
    pub sizes: Vec<usize>,
    pub weights: u64,
    pub biases: u64,
    /// P, every weight and bias.
    pub params: u64,
    /// F: multiply-adds of one forward pass.
    pub forward_pass: u64,
    /// B: multiply-adds of one backward pass.
    pub backward_pass: u64,
    /// 2F: one forward pass carrying tangents.
    pub tangent_pass: u64,
    /// F + B: every gradient by backprop.
    pub backprop: u64,
    /// P · 2F: every gradient by forward mode.
    pub forward_mode: u64,
    /// 2P · F: every gradient by central finite differences.
    pub finite_differences: u64,
}

impl Cost {
    /// The counts for fully connected `net` (a CNN: [`ErrorKind::NeedsMlp`]).
    pub fn of(net: &Net) -> Result<Cost, Error> {
        if !net.is_mlp() {
            return Err(Error::new(ErrorKind::NeedsMlp));
        }
        let sizes = net.sizes();
        let products: Vec<u64> = sizes.windows(2).map(|w| (w[0] * w[1]) as u64).collect();
        let weights: u64 = products.iter().sum();
        let biases: u64 = sizes[1..].iter().map(|&n| n as u64).sum();
        let params = weights + biases;
        let forward_pass = weights;
        // ∂L/∂W of every layer, and δ passed down through every layer but the first.
        let backward_pass = weights + products[1..].iter().sum::<u64>();
        let tangent_pass = 2 * forward_pass;
        Ok(Cost {
            sizes,
            weights,
            biases,
            params,
            forward_pass,
            backward_pass,
            tangent_pass,
            backprop: forward_pass + backward_pass,
            forward_mode: params * tangent_pass,
            finite_differences: 2 * params * forward_pass,
        })
    }

    /// How many times backprop's work forward mode takes.
    pub fn forward_mode_ratio(&self) -> f64 {
        self.forward_mode as f64 / self.backprop as f64
    }

    /// How many times backprop's work central finite differences take.
    pub fn finite_differences_ratio(&self) -> f64 {
        self.finite_differences as f64 / self.backprop as f64
    }
}

/// A count with its digits in groups of three, `7 245 920` (no-break spaces: a count
/// never wraps inside).
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset;

    #[test]
    fn mazur_by_hand() {
        let c = Cost::of(&preset::get("mazur").unwrap().problem.net).unwrap();
        assert_eq!((c.weights, c.biases, c.params), (8, 4, 12));
        // z(1), z(2): 4 + 4; ∂L/∂W(1), ∂L/∂W(2): 4 + 4, δ(1) from δ(2): 4.
        assert_eq!((c.forward_pass, c.backward_pass, c.backprop), (8, 12, 20));
        assert_eq!(c.forward_mode, 12 * 16);
        assert_eq!(c.finite_differences, 24 * 8);
        assert_eq!(c.forward_mode_ratio(), 9.6);
    }

    #[test]
    fn refuses_a_cnn() {
        let net = preset::get("cnn-edge").unwrap().problem.net;
        assert!(matches!(
            Cost::of(&net).unwrap_err().kind,
            ErrorKind::NeedsMlp
        ));
    }

    #[test]
    fn groups_of_three() {
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(192), "192");
        assert_eq!(grouped(5488), "5\u{a0}488");
        assert_eq!(grouped(7_245_920), "7\u{a0}245\u{a0}920");
    }
}
