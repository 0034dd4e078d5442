//! Loss functions: the value L(y, t) and the gradient ∂L/∂y the backward pass starts from.

use crate::activation::log_softmax;
use crate::vocab::named;
use serde::Serialize;

/// How the output y is compared with the target t.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// L = Σ_i ½ (t_i − y_i)², Mazur's convention.
    HalfSse,
    /// L = (1/n) Σ_i (t_i − y_i)².
    Mse,
    /// L = −Σ_i t_i log y_i, on a softmax output layer.
    CrossEntropy,
}

named!(Loss, Loss, [HalfSse => "half_sse", Mse => "mse", CrossEntropy => "cross_entropy"]);

impl Loss {
    /// L(y, t). Cross-entropy is computed from the output pre-activation `z`
    /// through log-softmax, so it stays finite when a probability underflows.
    pub fn value(self, y: &[f64], t: &[f64], z: &[f64]) -> f64 {
        match self {
            Loss::HalfSse => y.iter().zip(t).map(|(y, t)| 0.5 * (t - y) * (t - y)).sum(),
            Loss::Mse => {
                let s: f64 = y.iter().zip(t).map(|(y, t)| (t - y) * (t - y)).sum();
                s / y.len() as f64
            }
            Loss::CrossEntropy => -log_softmax(z)
                .iter()
                .zip(t)
                .map(|(ls, t)| t * ls)
                .sum::<f64>(),
        }
    }

    /// ∂L/∂y_i for the squared losses: half_sse (y − t), mse (2/n)(y − t).
    /// Cross-entropy skips this factor: with softmax, δ = ∂L/∂z is taken directly.
    pub fn dy(self, y: &[f64], t: &[f64]) -> Vec<f64> {
        let mut g = vec![0.0; y.len()];
        self.dy_into(y, t, &mut g);
        g
    }

    /// ∂L/∂y into `g` (as long as `y`), allocating nothing.
    pub fn dy_into(self, y: &[f64], t: &[f64], g: &mut [f64]) {
        let n = y.len() as f64;
        let t = &t[..y.len()];
        for (k, g) in g[..y.len()].iter_mut().enumerate() {
            let (y, t) = (y[k], t[k]);
            *g = match self {
                Loss::HalfSse => y - t,
                Loss::Mse => 2.0 / n * (y - t),
                Loss::CrossEntropy => -t / y,
            };
        }
    }

    /// The loss in symbols, plain text.
    pub fn formula(self) -> &'static str {
        match self {
            Loss::HalfSse => "L = Σ_i ½ (t_i − y_i)²",
            Loss::Mse => "L = (1/n) Σ_i (t_i − y_i)²",
            Loss::CrossEntropy => "L = −Σ_i t_i log y_i",
        }
    }

    /// The loss in TeX.
    pub fn formula_tex(self) -> &'static str {
        match self {
            Loss::HalfSse => r"L = \sum_i \tfrac12 (t_i - y_i)^2",
            Loss::Mse => r"L = \tfrac1n \sum_i (t_i - y_i)^2",
            Loss::CrossEntropy => r"L = -\sum_i t_i \log y_i",
        }
    }

    /// ∂L/∂y_i in symbols, plain text.
    pub fn dy_formula(self) -> &'static str {
        match self {
            Loss::HalfSse => "∂L/∂y_i = y_i − t_i",
            Loss::Mse => "∂L/∂y_i = (2/n)(y_i − t_i)",
            Loss::CrossEntropy => "∂L/∂y_i = −t_i / y_i",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mazur_total_error() {
        let y = [0.7513650695523157, 0.7729284653214625];
        let l = Loss::HalfSse.value(&y, &[0.01, 0.99], &[0.0, 0.0]);
        assert!((l - 0.2983711087600027).abs() < 1e-15);
    }

    #[test]
    fn cross_entropy_matches_minus_log_prob() {
        let z = [0.5, -1.0, 2.0];
        let y = crate::activation::softmax(&z);
        let l = Loss::CrossEntropy.value(&y, &[0.0, 0.0, 1.0], &z);
        assert!((l + y[2].ln()).abs() < 1e-14);
    }

    #[test]
    fn dy_matches_finite_difference() {
        let t = [0.3, -0.2];
        for loss in [Loss::HalfSse, Loss::Mse] {
            let y = [0.1, 0.4];
            let g = loss.dy(&y, &t);
            for k in 0..2 {
                let mut yp = y;
                let mut ym = y;
                yp[k] += 1e-6;
                ym[k] -= 1e-6;
                let num = (loss.value(&yp, &t, &[]) - loss.value(&ym, &t, &[])) / 2e-6;
                assert!((num - g[k]).abs() < 1e-8);
            }
        }
    }
}
