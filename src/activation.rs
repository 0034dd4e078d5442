//! Activation functions as `f`/`df` pairs. The same functions drive the numbers,
//! the plotted curves and the step text, so the three can never disagree.

use crate::vocab::named;
use serde::Serialize;

/// Slope of leaky ReLU for z ≤ 0 (PyTorch's default).
pub const LEAKY_SLOPE: f64 = 0.01;

/// An element-wise activation, or softmax (last layer only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    Sigmoid,
    Tanh,
    Relu,
    LeakyRelu,
    Linear,
    Softmax,
}

named!(Activation, Activation, [
    Sigmoid => "sigmoid", Tanh => "tanh", Relu => "relu", LeakyRelu => "leaky_relu",
    Linear => "linear", Softmax => "softmax",
]);

impl Activation {
    /// True for softmax, whose output couples all the units of a layer.
    pub fn is_softmax(self) -> bool {
        self == Activation::Softmax
    }

    /// f(z) for one unit. Softmax has no element-wise form: use [`Activation::apply`].
    pub fn f(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => sigmoid(z),
            Activation::Tanh => tanh(z),
            Activation::Relu => relu(z),
            Activation::LeakyRelu => leaky_relu(z),
            Activation::Linear | Activation::Softmax => z,
        }
    }

    /// f′(z) for one unit; for softmax, the diagonal term y(1 − y) of a lone unit.
    #[cfg_attr(feature = "full", inline(always))]
    pub fn df(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => sigmoid_df(z),
            Activation::Tanh => tanh_df(z),
            Activation::Relu => relu_df(z),
            Activation::LeakyRelu => leaky_relu_df(z),
            Activation::Linear => 1.0,
            Activation::Softmax => 0.0,
        }
    }

    /// The derivative f′ written in terms of z and a, e.g. `a(1 − a)` for sigmoid,
    /// evaluated from the stored z and a (so the text shows the very factors used).
    #[cfg_attr(feature = "full", inline(always))]
    pub fn df_from(self, z: f64, a: f64) -> f64 {
        match self {
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Tanh => 1.0 - a * a,
            _ => self.df(z),
        }
    }

    /// a = f(z) for a whole layer into `a` (as long as `z`); softmax over the vector. The
    /// same numbers as [`Activation::f`] unit by unit, the match taken once per layer.
    pub fn apply(self, z: &[f64], a: &mut [f64]) {
        #[cfg_attr(feature = "full", inline(always))]
        fn each(z: &[f64], a: &mut [f64], f: impl Fn(f64) -> f64) {
            for (a, &z) in a.iter_mut().zip(z) {
                *a = f(z);
            }
        }
        match self {
            Activation::Sigmoid => each(z, a, sigmoid),
            Activation::Tanh => tanh_each(z, a),
            Activation::Relu => each(z, a, relu),
            Activation::LeakyRelu => each(z, a, leaky_relu),
            Activation::Linear => a.copy_from_slice(z),
            Activation::Softmax => softmax_into(z, a),
        }
    }

    /// ∂L/∂z of a whole layer into `grad_z`, from g = ∂L/∂a and the layer's z and a:
    /// g · f′ unit by unit (f′ as [`Activation::df_from`] writes it); for softmax the
    /// Jacobian, y_i (g_i − Σ_k g_k y_k).
    pub fn backward(self, z: &[f64], a: &[f64], g: &[f64], grad_z: &mut [f64]) {
        // One loop per activation, its f′ inlined, indices rather than nested zips:
        // opt-level z (the page's) inlines neither closures nor iterator adapters.
        let n = grad_z.len();
        let (z, a, g) = (&z[..n], &a[..n], &g[..n]);
        macro_rules! each {
            ($act:expr) => {
                for (k, out) in grad_z.iter_mut().enumerate() {
                    *out = g[k] * $act.df_from(z[k], a[k]);
                }
            };
        }
        use Activation::*;
        match self {
            Sigmoid => each!(Sigmoid),
            Tanh => each!(Tanh),
            Relu => each!(Relu),
            LeakyRelu => each!(LeakyRelu),
            Linear => each!(Linear),
            Softmax => {
                let gy: f64 = g.iter().zip(a).map(|(g, y)| g * y).sum();
                for (k, out) in grad_z.iter_mut().enumerate() {
                    *out = a[k] * (g[k] - gy);
                }
            }
        }
    }

    /// The function in symbols, plain text: `σ(z) = 1 / (1 + e^(−z))`.
    pub fn formula(self) -> &'static str {
        match self {
            Activation::Sigmoid => "σ(z) = 1 / (1 + e^(−z))",
            Activation::Tanh => "tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))",
            Activation::Relu => "relu(z) = max(0, z)",
            Activation::LeakyRelu => "leaky_relu(z) = z if z > 0, else 0.01·z",
            Activation::Linear => "linear(z) = z",
            Activation::Softmax => "softmax(z)_i = e^(z_i) / Σ_k e^(z_k)",
        }
    }

    /// The function in TeX.
    pub fn formula_tex(self) -> &'static str {
        match self {
            Activation::Sigmoid => r"\sigma(z) = \frac{1}{1 + e^{-z}}",
            Activation::Tanh => r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
            Activation::Relu => r"\operatorname{relu}(z) = \max(0, z)",
            Activation::LeakyRelu => {
                r"\operatorname{lrelu}(z) = \begin{cases} z & z > 0 \\ 0.01\,z & z \le 0 \end{cases}"
            }
            Activation::Linear => r"\operatorname{id}(z) = z",
            Activation::Softmax => r"\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_k e^{z_k}}",
        }
    }

    /// The derivative in symbols, plain text, written the way it is computed.
    pub fn derivative_formula(self) -> &'static str {
        match self {
            Activation::Sigmoid => "σ′(z) = σ(z)(1 − σ(z)) = a(1 − a)",
            Activation::Tanh => "tanh′(z) = 1 − tanh²(z) = 1 − a²",
            Activation::Relu => "relu′(z) = 1 if z > 0, else 0",
            Activation::LeakyRelu => "leaky_relu′(z) = 1 if z > 0, else 0.01",
            Activation::Linear => "linear′(z) = 1",
            Activation::Softmax => "∂a_i/∂z_k = a_i (1[i = k] − a_k)",
        }
    }

    /// The short symbol used inside formulas: `σ`, `tanh`, `relu`, …
    pub fn symbol(self) -> &'static str {
        match self {
            Activation::Sigmoid => "σ",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "lrelu",
            Activation::Linear => "id",
            Activation::Softmax => "softmax",
        }
    }

    /// The symbol in TeX.
    pub fn symbol_tex(self) -> &'static str {
        match self {
            Activation::Sigmoid => r"\sigma",
            Activation::Tanh => r"\tanh",
            Activation::Relu => r"\operatorname{relu}",
            Activation::LeakyRelu => r"\operatorname{lrelu}",
            Activation::Linear => r"\operatorname{id}",
            Activation::Softmax => r"\operatorname{softmax}",
        }
    }
}

/// e^x: [`crate::fastmath::exp`] in the browser (the software libm call dominated
/// training there), std natively.
#[cfg_attr(feature = "full", inline(always))]
fn exp(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return crate::fastmath::exp(x);
    #[cfg(not(target_arch = "wasm32"))]
    return x.exp();
}

/// tanh x: [`crate::fastmath::tanh`] in the browser, std natively.
#[cfg_attr(feature = "full", inline(always))]
fn tanh(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return crate::fastmath::tanh(x);
    #[cfg(not(target_arch = "wasm32"))]
    return x.tanh();
}

/// a = tanh(z) unit by unit; in the browser two units at a time
/// ([`crate::fastmath::Tanh2`], the numbers of [`crate::fastmath::tanh`]).
#[cfg_attr(feature = "full", inline(always))]
fn tanh_each(z: &[f64], a: &mut [f64]) {
    // (The first module, which trains nothing, keeps the smaller loop.)
    #[cfg(all(target_arch = "wasm32", feature = "full"))]
    {
        use crate::engine::lanes::F64x2;
        let tanh2 = crate::fastmath::Tanh2::new();
        for j in (0..a.len()).step_by(2) {
            tanh2.of(F64x2::load(z, j)).store(a, j);
        }
    }
    #[cfg(not(all(target_arch = "wasm32", feature = "full")))]
    for (a, &z) in a.iter_mut().zip(z) {
        *a = tanh(z);
    }
}

/// σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z|.
#[cfg_attr(feature = "full", inline(always))]
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + exp(-z))
    } else {
        let e = exp(z);
        e / (1.0 + e)
    }
}

/// σ′(z) = σ(z)(1 − σ(z)).
#[cfg_attr(feature = "full", inline(always))]
pub fn sigmoid_df(z: f64) -> f64 {
    let s = sigmoid(z);
    s * (1.0 - s)
}

/// tanh′(z) = 1 − tanh²(z).
#[cfg_attr(feature = "full", inline(always))]
pub fn tanh_df(z: f64) -> f64 {
    let t = tanh(z);
    1.0 - t * t
}

/// relu(z) = max(0, z).
#[cfg_attr(feature = "full", inline(always))]
pub fn relu(z: f64) -> f64 {
    if z > 0.0 {
        z
    } else {
        0.0
    }
}

/// relu′(z) = 1 for z > 0, else 0 (PyTorch: relu′(0) = 0).
#[cfg_attr(feature = "full", inline(always))]
pub fn relu_df(z: f64) -> f64 {
    if z > 0.0 {
        1.0
    } else {
        0.0
    }
}

/// leaky_relu(z) = z for z > 0, else 0.01·z.
#[cfg_attr(feature = "full", inline(always))]
pub fn leaky_relu(z: f64) -> f64 {
    if z > 0.0 {
        z
    } else {
        LEAKY_SLOPE * z
    }
}

/// leaky_relu′(z) = 1 for z > 0, else 0.01 (PyTorch: leaky_relu′(0) = 0.01).
#[cfg_attr(feature = "full", inline(always))]
pub fn leaky_relu_df(z: f64) -> f64 {
    if z > 0.0 {
        1.0
    } else {
        LEAKY_SLOPE
    }
}

/// softmax(z)_i = e^(z_i − m) / Σ_k e^(z_k − m), m = max z (for stability).
pub fn softmax(z: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0; z.len()];
    softmax_into(z, &mut y);
    y
}

/// softmax(z) into `y` (as long as `z`), allocating nothing.
pub fn softmax_into(z: &[f64], y: &mut [f64]) {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for (y, &v) in y.iter_mut().zip(z) {
        *y = exp(v - m);
    }
    let s: f64 = y.iter().sum();
    for y in y.iter_mut() {
        *y /= s;
    }
}

/// log softmax(z)_i = z_i − logΣ_k e^(z_k), accurate even when a softmax output underflows.
pub fn log_softmax(z: &[f64]) -> Vec<f64> {
    let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let lse = m + z.iter().map(|&v| exp(v - m)).sum::<f64>().ln();
    z.iter().map(|&v| v - lse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_at_zero_follow_pytorch() {
        assert_eq!(Activation::Relu.df(0.0), 0.0);
        assert_eq!(Activation::LeakyRelu.df(0.0), 0.01);
        assert_eq!(Activation::Sigmoid.df(0.0), 0.25);
        assert_eq!(Activation::Tanh.df(0.0), 1.0);
    }

    #[test]
    fn df_matches_finite_difference() {
        for act in [Activation::Sigmoid, Activation::Tanh, Activation::Linear] {
            for &z in &[-3.0, -0.5, 0.2, 2.5] {
                let h = 1e-6;
                let num = (act.f(z + h) - act.f(z - h)) / (2.0 * h);
                assert!((num - act.df(z)).abs() < 1e-8, "{act:?} at {z}");
                assert!((act.df_from(z, act.f(z)) - act.df(z)).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn sigmoid_is_stable_at_extremes() {
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
        let s = softmax(&[1000.0, 0.0]);
        assert!(s.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn parse_rejects_unknown_names() {
        use crate::vocab::Named;
        assert_eq!(Activation::parse("tanh"), Ok(Activation::Tanh));
        let e = Activation::parse("swish").unwrap_err().to_string();
        assert!(e.contains("swish") && e.contains("leaky_relu"));
    }
}
