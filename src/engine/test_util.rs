//! Helpers for the engine's unit tests: seeded random layers and a close comparison.

use super::conv::Conv;
use super::shape::Shape;
use crate::rng::Rng;

/// A random conv layer and input shape (kernel 1–4, stride 1–3, padding 0–2, 1–3
/// channels in and out, sides 1–7) that yields at least one output cell.
pub fn random_conv(rng: &mut Rng) -> (Conv, Shape) {
    loop {
        let (k, s, p) = (1 + rng.below(4), 1 + rng.below(3), rng.below(3));
        let shape = Shape::map(1 + rng.below(3), 1 + rng.below(7), 1 + rng.below(7));
        let mut conv = Conv::zeros(shape.chw().0, 1 + rng.below(3), k, s, p);
        if conv.out_shape(shape).is_none() {
            continue;
        }
        conv.weights = random_vec(rng, conv.weights.len());
        conv.biases = random_vec(rng, conv.biases.len());
        return (conv, shape);
    }
}

/// n values uniform in [−1, 1).
pub fn random_vec(rng: &mut Rng, n: usize) -> Vec<f64> {
    (0..n).map(|_| rng.uniform(-1.0, 1.0)).collect()
}

/// Every |a − b| ≤ 1e-12 · max(1, |a|).
pub fn assert_close(a: &[f64], b: &[f64], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= 1e-12 * x.abs().max(1.0),
            "{what}[{k}]: {x} vs {y}"
        );
    }
}
