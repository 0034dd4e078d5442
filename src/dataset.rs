//! Toy datasets generated from a seed: four 2-D classification sets and one 1-D
//! regression set, split into training and test examples.

use crate::activation::Activation;
use crate::error::{Error, ErrorKind};
use crate::rng::Rng;
use crate::vocab::named;
use serde::Serialize;
use std::f64::consts::PI;

/// Which toy problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The four corners of the unit square, class = x₁ XOR x₂ (with noise: clouds).
    Xor,
    /// A disc of one class inside a ring of the other.
    Circle,
    /// Two Gaussian blobs.
    Gaussians,
    /// Two interleaved spirals.
    Spiral,
    /// y = sin(x) on [−3, 3]: 1-D regression.
    Sine,
}

named!(Kind, Dataset, [
    Xor => "xor", Circle => "circle", Gaussians => "gaussians", Spiral => "spiral", Sine => "sine",
]);

impl Kind {
    /// Number of inputs per example.
    pub fn inputs(self) -> usize {
        if self == Kind::Sine {
            1
        } else {
            2
        }
    }

    /// True for the regression set.
    pub fn is_regression(self) -> bool {
        self == Kind::Sine
    }
}

/// Everything that fixes a dataset: the same spec always gives the same points.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spec {
    pub kind: Kind,
    /// Number of examples, training and test together.
    pub points: usize,
    /// Noise level, 0 (clean) to 1.
    pub noise: f64,
    /// Share of the points held out for testing, 0 to 0.9.
    pub test_fraction: f64,
    pub seed: u64,
}

/// Largest dataset accepted.
pub const MAX_POINTS: usize = 5000;

impl Spec {
    /// Range checks, with a message naming the field.
    pub fn validate(&self) -> Result<(), Error> {
        let range = |at: &str, value: f64, min: f64, max: f64| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(Error::at(at, ErrorKind::OutOfRange { value, min, max }))
            }
        };
        range("dataset.points", self.points as f64, 1.0, MAX_POINTS as f64)?;
        range("dataset.noise", self.noise, 0.0, 1.0)?;
        range("dataset.test_fraction", self.test_fraction, 0.0, 0.9)
    }
}

/// Examples as inputs and a class (0/1) or a real value.
#[derive(Clone, Debug, PartialEq)]
pub struct Samples {
    pub inputs: Vec<Vec<f64>>,
    /// Class 0/1 for classification, y for regression.
    pub labels: Vec<f64>,
}

/// Inputs with the targets the network is trained on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dataset {
    pub inputs: Vec<Vec<f64>>,
    pub targets: Vec<Vec<f64>>,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }
}

/// Generates the points of a spec.
pub fn generate(spec: &Spec) -> Samples {
    let mut rng = Rng::new(spec.seed);
    let noise = spec.noise;
    let mut inputs = Vec::with_capacity(spec.points);
    let mut labels = Vec::with_capacity(spec.points);
    for k in 0..spec.points {
        let (x, y) = match spec.kind {
            Kind::Xor => {
                let (b1, b2) = ((k & 1) as f64, ((k >> 1) & 1) as f64);
                let jitter = 0.35 * noise;
                (
                    vec![b1 + jitter * rng.normal(), b2 + jitter * rng.normal()],
                    if b1 != b2 { 1.0 } else { 0.0 },
                )
            }
            Kind::Circle => {
                let class = (k % 2) as f64;
                let r = if class == 1.0 {
                    rng.uniform(0.0, 0.45)
                } else {
                    rng.uniform(0.65, 1.0)
                };
                let th = rng.uniform(0.0, 2.0 * PI);
                let j = 0.15 * noise;
                (
                    vec![
                        r * th.cos() + j * rng.normal(),
                        r * th.sin() + j * rng.normal(),
                    ],
                    class,
                )
            }
            Kind::Gaussians => {
                let class = (k % 2) as f64;
                let c = if class == 1.0 { 0.5 } else { -0.5 };
                let s = 0.15 + 0.35 * noise;
                (vec![c + s * rng.normal(), c + s * rng.normal()], class)
            }
            Kind::Spiral => {
                let class = (k % 2) as f64;
                let i = (k / 2) as f64;
                let n = spec.points.div_ceil(2).max(1) as f64;
                let r = 0.9 * i / n + 0.05;
                let th = 1.75 * 2.0 * PI * i / n + PI * class;
                let j = 0.1 * noise;
                (
                    vec![
                        r * th.sin() + j * rng.normal(),
                        r * th.cos() + j * rng.normal(),
                    ],
                    class,
                )
            }
            Kind::Sine => {
                let x = rng.uniform(-3.0, 3.0);
                (vec![x], x.sin() + 0.3 * noise * rng.normal())
            }
        };
        inputs.push(x);
        labels.push(y);
    }
    Samples { inputs, labels }
}

/// The training target for a label, shaped for the network's output layer: one unit
/// gives the class (−1/1 under tanh), several units a one-hot vector.
pub fn target_for(label: f64, regression: bool, outputs: usize, out: Activation) -> Vec<f64> {
    if regression || outputs == 0 {
        return vec![label; outputs.max(1)];
    }
    if outputs == 1 {
        return vec![if out == Activation::Tanh {
            2.0 * label - 1.0
        } else {
            label
        }];
    }
    let class = (label as usize).min(outputs - 1);
    (0..outputs)
        .map(|i| if i == class { 1.0 } else { 0.0 })
        .collect()
}

/// Splits samples into training and test sets with targets for the given output layer.
/// The points are shuffled (from the seed) first: generation runs along the shape (a
/// spiral from the centre out), so the last points would all be one region.
pub fn split(spec: &Spec, s: &Samples, outputs: usize, out: Activation) -> (Dataset, Dataset) {
    let n = s.inputs.len();
    let n_test = ((n as f64) * spec.test_fraction).round() as usize;
    let n_train = (n - n_test).max(1).min(n);
    let mut order: Vec<usize> = (0..n).collect();
    if n_test > 0 {
        let mut rng = Rng::new(spec.seed ^ 0x5eed_5b11_u64);
        for k in (1..n).rev() {
            order.swap(k, rng.below(k + 1));
        }
    }
    let make = |idx: &[usize]| Dataset {
        inputs: idx.iter().map(|&k| s.inputs[k].clone()).collect(),
        targets: idx
            .iter()
            .map(|&k| target_for(s.labels[k], spec.kind.is_regression(), outputs, out))
            .collect(),
    };
    (make(&order[..n_train]), make(&order[n_train..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Named;

    #[test]
    fn xor_without_noise_is_the_truth_table() {
        let spec = Spec {
            kind: Kind::Xor,
            points: 4,
            noise: 0.0,
            test_fraction: 0.0,
            seed: 1,
        };
        let s = generate(&spec);
        assert_eq!(
            s.inputs,
            vec![
                vec![0.0, 0.0],
                vec![1.0, 0.0],
                vec![0.0, 1.0],
                vec![1.0, 1.0]
            ]
        );
        assert_eq!(s.labels, vec![0.0, 1.0, 1.0, 0.0]);
    }

    #[test]
    fn every_kind_is_reproducible_and_split() {
        for &kind in Kind::ALL {
            let spec = Spec {
                kind,
                points: 200,
                noise: 0.3,
                test_fraction: 0.25,
                seed: 9,
            };
            let a = generate(&spec);
            assert_eq!(a, generate(&spec));
            assert!(a.inputs.iter().flatten().all(|v| v.is_finite()));
            let (train, test) = split(&spec, &a, 2, Activation::Softmax);
            assert_eq!((train.len(), test.len()), (150, 50));
            assert!(train.inputs.iter().all(|x| x.len() == kind.inputs()));
        }
    }
}
