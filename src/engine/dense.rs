//! A fully connected layer: z = W a + b. The floating-point order of every sum is the
//! one of `crate::network`, so an MLP gives bit-identical numbers on either engine.

use super::lanes::{part, part_mut, F64x2, Mask};
use crate::network::{UpdateRule, MAX_MAGNITUDE};

/// W is `outputs × inputs`, stored flat row-major: W_ij (from input j to unit i) is
/// `weights[i·inputs + j]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    pub inputs: usize,
    pub outputs: usize,
    pub weights: Vec<f64>,
    /// b_i, one per unit.
    pub biases: Vec<f64>,
}

impl Dense {
    /// A layer of `outputs` units reading `inputs` values, every parameter 0.
    pub fn zeros(inputs: usize, outputs: usize) -> Dense {
        Dense {
            inputs,
            outputs,
            weights: vec![0.0; inputs * outputs],
            biases: vec![0.0; outputs],
        }
    }

    /// W_ij, the weight from input j to unit i.
    pub fn w(&self, i: usize, j: usize) -> f64 {
        self.weights[i * self.inputs + j]
    }

    /// Row i of W: the weights into unit i.
    #[cfg_attr(feature = "full", inline(always))]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.weights[i * self.inputs..(i + 1) * self.inputs]
    }

    /// z_i = (Σ_j W_ij a_j, j ascending) + b_i, written into `z`.
    pub fn forward(&self, a: &[f64], z: &mut Vec<f64>) {
        z.resize(self.outputs, 0.0);
        self.forward_slice(a, z);
    }

    /// The same into a slice of `outputs` values, one unit at a time: the first module's
    /// smaller code (it trains nothing); the same sums in the same order as the lanes'.
    #[cfg(not(feature = "full"))]
    pub fn forward_slice(&self, a: &[f64], z: &mut [f64]) {
        let n = self.inputs;
        for (i, z) in z[..self.outputs].iter_mut().enumerate() {
            let w = &self.weights[i * n..(i + 1) * n];
            *z = w.iter().zip(&a[..n]).fold(-0.0, |s, (w, a)| s + w * a) + self.biases[i];
        }
    }

    /// The same into a slice of `outputs` values: two units at a time, each sum in a
    /// lane of its own (the same order, the same numbers).
    #[cfg(feature = "full")]
    pub fn forward_slice(&self, a: &[f64], z: &mut [f64]) {
        let (n, m) = (self.inputs, self.outputs);
        let (w, b, a) = (&self.weights[..], &self.biases[..], part(a, 0, n));
        // Four units at a time, two sums in flight (an add waits for the one before it in
        // its own sum only); the rest two at a time (a lone last unit is paired with itself).
        let mut i = 0;
        while i + 4 <= m {
            let (w0, w1) = (part(w, i * n, n), part(w, (i + 1) * n, n));
            let (w2, w3) = (part(w, (i + 2) * n, n), part(w, (i + 3) * n, n));
            let (mut s01, mut s23) = (F64x2::splat(-0.0), F64x2::splat(-0.0)); // where `sum` starts
            for j in 0..n {
                let aj = F64x2::splat(a[j]);
                s01 = s01 + F64x2::new(w0[j], w1[j]) * aj;
                s23 = s23 + F64x2::new(w2[j], w3[j]) * aj;
            }
            (s01 + F64x2::load(b, i)).store(z, i);
            (s23 + F64x2::load(b, i + 2)).store(z, i + 2);
            i += 4;
        }
        while i < m {
            let w0 = part(w, i * n, n);
            let w1 = if i + 1 < m {
                part(w, (i + 1) * n, n)
            } else {
                w0
            };
            let mut s = F64x2::splat(-0.0);
            for j in 0..n {
                s = s + F64x2::new(w0[j], w1[j]) * F64x2::splat(a[j]);
            }
            (s + F64x2::load(b, i)).store(z, i);
            i += 2;
        }
    }

    /// ∂L/∂a_j = Σ_i W_ij δ_i (i ascending): ∂L/∂(input) of this layer, from δ = ∂L/∂z.
    pub fn grad_input(&self, delta: &[f64], grad_a: &mut Vec<f64>) {
        grad_a.clear();
        grad_a.extend((0..self.inputs).map(|j| {
            (0..self.outputs)
                .map(|i| self.w(i, j) * delta[i])
                .sum::<f64>()
        }));
    }

    /// One online SGD step of this layer, from δ = ∂L/∂z of its units and its input a, in
    /// one pass over W: the updated weights w − η(δ_i a_j + λw) and biases b − η δ_i (as
    /// [`UpdateRule`] steps them) into `next_w` and `next_b`, and, unless `grad_a` is
    /// None, ∂L/∂a_j = Σ_i W_ij δ_i with the weights before the update (i ascending, from
    /// −0.0 as `sum` starts: the numbers of [`Dense::grad_input`]). Returns true when every
    /// updated value is finite and within ±[`MAX_MAGNITUDE`] (|v| ≤ MAX_MAGNITUDE is false
    /// for NaN and ±∞).
    pub fn step_into(
        &self,
        a: &[f64],
        delta: &[f64],
        rule: &UpdateRule,
        grad_a: Option<&mut [f64]>,
        next_w: &mut [f64],
        next_b: &mut [f64],
    ) -> bool {
        // Four copies of the loop, none with a branch per weight: ∂L/∂a to send down or
        // not, weight decay or not.
        let decay = rule.weight_decay.to_bits() != 0;
        let (w, b) = (next_w, next_b);
        match grad_a {
            Some(g) if decay => self.step_rows::<true, true>(a, delta, rule, g, w, b),
            Some(g) => self.step_rows::<true, false>(a, delta, rule, g, w, b),
            None if decay => self.step_rows::<false, true>(a, delta, rule, &mut [], w, b),
            None => self.step_rows::<false, false>(a, delta, rule, &mut [], w, b),
        }
    }

    /// [`Dense::step_into`], row by row, two weights at a time: `SEND`, ∂L/∂a into
    /// `grad_a`; `DECAY`, a weight decay λ other than +0.
    #[cfg_attr(feature = "full", inline(always))]
    fn step_rows<const SEND: bool, const DECAY: bool>(
        &self,
        a: &[f64],
        delta: &[f64],
        rule: &UpdateRule,
        grad_a: &mut [f64],
        next_w: &mut [f64],
        next_b: &mut [f64],
    ) -> bool {
        let n = self.inputs;
        let rule2 = Rule2 {
            eta: F64x2::splat(rule.learning_rate),
            lambda: F64x2::splat(rule.weight_decay),
        };
        let bound = F64x2::splat(MAX_MAGNITUDE);
        let (w, b, a) = (&self.weights[..], &self.biases[..], part(a, 0, n));
        let g = part_mut(grad_a, 0, if SEND { n } else { 0 });
        g.fill(-0.0); // where f64's `sum` starts
        let mut ok = Mask::every();
        for (i, &d) in delta.iter().enumerate() {
            let d2 = F64x2::splat(d);
            let (w, next) = (part(w, i * n, n), part_mut(next_w, i * n, n));
            // Whole pairs, then the last weight of an odd row alone.
            let mut j = 0;
            while j + 2 <= n {
                let sum = if SEND { F64x2::load(g, j) } else { d2 };
                let (w, a) = (F64x2::load(w, j), F64x2::load(a, j));
                let (sum, stepped) = step_pair::<DECAY>(w, a, d2, sum, &rule2);
                if SEND {
                    sum.store(g, j);
                }
                stepped.store(next, j);
                ok = ok & stepped.abs().le(bound);
                j += 2;
            }
            if j < n {
                let sum = if SEND { F64x2::lone(g[j]) } else { d2 };
                let (w, a) = (F64x2::lone(w[j]), F64x2::lone(a[j]));
                let (sum, stepped) = step_pair::<DECAY>(w, a, d2, sum, &rule2);
                if SEND {
                    g[j] = sum.lanes()[0];
                }
                next[j] = stepped.lanes()[0];
                ok = ok & stepped.abs().le(bound).only_first();
            }
            next_b[i] = rule.stepped_bias(b[i], d);
            ok = ok & F64x2::splat(next_b[i]).abs().le(bound);
        }
        ok.all()
    }

    /// ∂L/∂W_ij = δ_i a_j and ∂L/∂b_i = δ_i, written into (or, with `accumulate`, added
    /// to) `grad_w` and `grad_b`.
    pub fn grad_params(
        &self,
        a: &[f64],
        delta: &[f64],
        grad_w: &mut [f64],
        grad_b: &mut [f64],
        accumulate: bool,
    ) {
        for (i, &d) in delta.iter().enumerate() {
            let row = &mut grad_w[i * self.inputs..(i + 1) * self.inputs];
            if accumulate {
                grad_b[i] += d;
                for (gw, a) in row.iter_mut().zip(a) {
                    *gw += d * a;
                }
            } else {
                grad_b[i] = d;
                for (gw, a) in row.iter_mut().zip(a) {
                    *gw = d * a;
                }
            }
        }
    }
}

/// η and λ of an [`UpdateRule`] in both lanes.
struct Rule2 {
    eta: F64x2,
    lambda: F64x2,
}

/// Two weights w of a unit with δ = `d`, on inputs `a`: ∂L/∂a with their terms W_ij δ_i
/// added to `g`, and the weights after the step.
#[cfg_attr(feature = "full", inline(always))]
fn step_pair<const DECAY: bool>(
    w: F64x2,
    a: F64x2,
    d: F64x2,
    g: F64x2,
    rule: &Rule2,
) -> (F64x2, F64x2) {
    let grad = d * a;
    // w − η(∂L/∂w + λw), UpdateRule::stepped_weight lane by lane. With λ = +0 it is the
    // number w − η ∂L/∂w: adding 0·w changes at most the sign of a zero ∂L/∂w (where
    // w = +0), and +0 − η·(±0) is +0 either way.
    let stepped = if DECAY {
        w - rule.eta * (grad + rule.lambda * w)
    } else {
        w - rule.eta * grad
    };
    (g + w * d, stepped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_and_backward_by_hand() {
        let d = Dense {
            inputs: 2,
            outputs: 2,
            weights: vec![1.0, 2.0, 3.0, 4.0],
            biases: vec![0.5, -1.0],
        };
        let mut z = Vec::new();
        d.forward(&[1.0, -1.0], &mut z);
        assert_eq!(z, [-0.5, -2.0]);
        let mut g = Vec::new();
        d.grad_input(&[1.0, 0.5], &mut g);
        assert_eq!(g, [2.5, 4.0], "Σ_i W_ij δ_i");
        let (mut gw, mut gb) = (vec![9.0; 4], vec![9.0; 2]);
        d.grad_params(&[1.0, -1.0], &[1.0, 0.5], &mut gw, &mut gb, false);
        assert_eq!(gw, [1.0, -1.0, 0.5, -0.5]);
        assert_eq!(gb, [1.0, 0.5]);
        d.grad_params(&[1.0, -1.0], &[1.0, 0.5], &mut gw, &mut gb, true);
        assert_eq!(gb, [2.0, 1.0], "a mini-batch adds up");
    }
}
