//! Datasets generated from a seed. The 2-D ones are TensorFlow Playground's (TFP's
//! `dataset.ts`, Apache-2.0, followed formula for formula): four classification sets
//! (circle, xor, gaussians, spiral) and two regression sets (plane, gaussian_sum), on
//! TFP's scale, inputs in about [−6, 6]. Besides them: the four points of XOR's truth
//! table, and y = sin(x) on [−3, 3] (1-D regression).
//!
//! Generation gives the raw points and their labels ([`Samples`]); [`split_parts`] (or
//! [`split`] for the raw inputs) shuffles them into training and test parts whose
//! network inputs are the chosen [`Feature`]s of each point, the raw points kept
//! beside them for plotting.

use crate::activation::Activation;
use crate::error::Error;
use crate::feature::{self, Feature};
use crate::rng::Rng;
use crate::vocab::named;
use serde::Serialize;
use std::f64::consts::PI;

/// Which dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// TFP's circle: a disc of radius 2.5 (class 1) inside a ring 3.5–5 (class 0).
    Circle,
    /// TFP's XOR: points over the four quadrants of (−5.3, 5.3)², a gap of 0.3 along
    /// the axes, class 1 where x₁·x₂ ≥ 0.
    Xor,
    /// TFP's two Gaussian blobs around (2, 2) (class 1) and (−2, −2) (class 0).
    Gaussians,
    /// TFP's spiral: two interleaved arms reaching radius 5.
    Spiral,
    /// TFP's plane: y = (x₁ + x₂) / 10 on [−6, 6]² (regression).
    Plane,
    /// TFP's sum of six Gaussians on [−6, 6]², y in [−1, 1] (regression).
    GaussianSum,
    /// The four corners of the unit square, class = x₁ XOR x₂ (with noise: clouds):
    /// the truth table that the xor preset steps through.
    XorTable,
    /// y = sin(x) on [−3, 3]: 1-D regression.
    Sine,
}

named!(Kind, Dataset, [
    Circle => "circle", Xor => "xor", Gaussians => "gaussians", Spiral => "spiral",
    Plane => "plane", GaussianSum => "gaussian_sum", XorTable => "xor_table",
    Sine => "sine",
]);

impl Kind {
    /// Number of raw inputs per example (the point's dimension).
    pub fn inputs(self) -> usize {
        if self == Kind::Sine {
            1
        } else {
            2
        }
    }

    /// True for the regression sets.
    pub fn is_regression(self) -> bool {
        matches!(self, Kind::Sine | Kind::Plane | Kind::GaussianSum)
    }

    /// True for TFP's sets.
    pub fn is_tfp(self) -> bool {
        !matches!(self, Kind::XorTable | Kind::Sine)
    }

    /// Half the side of the square TFP plots its heatmap on, [−6, 6]² (its sets' points
    /// lie inside it); `None` for the others (plot around their points).
    pub fn extent(self) -> Option<f64> {
        self.is_tfp().then_some(TFP_EXTENT)
    }

    /// How many points TFP draws of this set: 500 to classify, 1200 to regress.
    pub fn tfp_points(self) -> usize {
        if self.is_regression() {
            1200
        } else {
            500
        }
    }
}

/// TFP's heatmap and regression domain: [−6, 6] on both axes.
pub const TFP_EXTENT: f64 = 6.0;

/// Everything that fixes a dataset: the same spec always gives the same points.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spec {
    pub kind: Kind,
    /// Number of examples, training and test together.
    pub points: usize,
    /// Noise level, 0 (clean) to 1: TFP's noise slider ÷ 100, so TFP's range 0–50 % is
    /// 0–0.5 here; above 0.5 TFP's formulas are continued. For circle, xor, plane and
    /// gaussian_sum the label is read at the point moved by uniform(−R, R)·noise per
    /// axis (R = 5, 5, 6, 6; the point is drawn where it was: noise flips labels near the
    /// boundary); gaussians' variance is 0.5 + 7·noise (0.5 to 4 over TFP's range); the
    /// spiral's points move by uniform(−1, 1)·noise per axis.
    pub noise: f64,
    /// Share of the points held out for testing, 0 to 0.9: 1 − TFP's "ratio of
    /// training to test data" (TFP's default 50 % is 0.5).
    pub test_fraction: f64,
    pub seed: u64,
    /// The network's inputs, computed from each point (a normalised list).
    pub features: Vec<Feature>,
}

/// Largest dataset accepted.
pub const MAX_POINTS: usize = 5000;

impl Spec {
    /// A spec on the raw inputs.
    pub fn new(kind: Kind, points: usize, noise: f64, test_fraction: f64, seed: u64) -> Spec {
        Spec {
            kind,
            points,
            noise,
            test_fraction,
            seed,
            features: feature::raw(kind.inputs()).to_vec(),
        }
    }

    /// The network's input width: one per feature.
    pub fn inputs(&self) -> usize {
        self.features.len()
    }

    /// Range checks, with a message naming the field.
    pub fn validate(&self) -> Result<(), Error> {
        let range = Error::in_range;
        range("dataset.points", self.points as f64, 1.0, MAX_POINTS as f64)?;
        range("dataset.noise", self.noise, 0.0, 1.0)?;
        range("dataset.test_fraction", self.test_fraction, 0.0, 0.9)?;
        feature::check(&self.features, self.kind.inputs()).map_err(|e| e.or_at("dataset.features"))
    }
}

/// Generated examples: raw points and a class (0/1) or a real value.
#[derive(Clone, Debug, PartialEq)]
pub struct Samples {
    /// The raw points: (x₁, x₂), or (x) for sine.
    pub inputs: Vec<Vec<f64>>,
    /// Class 0/1 for classification (TFP's +1 is class 1, its −1 class 0), y for
    /// regression.
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

/// One part of a split (training or test): what the network trains on, with the raw
/// point and the label each example came from, index for index. The heatmap and the
/// scatter plot read `points` (they plot over (x₁, x₂) whatever the features are).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Part {
    /// Inputs (the features of each point) and targets (shaped for the output layer).
    pub data: Dataset,
    /// The raw points, (x₁, x₂) or (x).
    pub points: Vec<Vec<f64>>,
    /// The labels: class 0/1, or y.
    pub labels: Vec<f64>,
}

/// TFP's `randUniform(a, b)`.
fn uniform(rng: &mut Rng, a: f64, b: f64) -> f64 {
    rng.uniform(a, b)
}

/// TFP's `normalRandom(mean, variance)`: Marsaglia's polar method.
fn normal(rng: &mut Rng, mean: f64, variance: f64) -> f64 {
    loop {
        let v1 = 2.0 * rng.unit() - 1.0;
        let v2 = 2.0 * rng.unit() - 1.0;
        let s = v1 * v1 + v2 * v2;
        // TFP retries s > 1; s = 0 (probability 2^-104) would give 0·∞.
        if s <= 1.0 && s > 0.0 {
            return mean + variance.sqrt() * ((-2.0 * s.ln()) / s).sqrt() * v1;
        }
    }
}

/// TFP's `classifyCircleData` with radius 5: the disc r < 2.5 against the ring
/// 3.5 ≤ r < 5, each point labelled where noise moves it (+1 inside r < 2.5).
fn circle(rng: &mut Rng, n: usize, noise: f64, out: &mut Vec<([f64; 2], f64)>) {
    let radius = 5.0;
    let label = |x: f64, y: f64| {
        if (x * x + y * y).sqrt() < radius * 0.5 {
            1.0
        } else {
            -1.0
        }
    };
    for (count, r0, r1) in [
        (n.div_ceil(2), 0.0, radius * 0.5),
        (n / 2, radius * 0.7, radius),
    ] {
        for _ in 0..count {
            let r = uniform(rng, r0, r1);
            let angle = uniform(rng, 0.0, 2.0 * PI);
            let (x, y) = (r * angle.sin(), r * angle.cos());
            let nx = uniform(rng, -radius, radius) * noise;
            let ny = uniform(rng, -radius, radius) * noise;
            out.push(([x, y], label(x + nx, y + ny)));
        }
    }
}

/// TFP's `classifyXORData`: x, y uniform in (−5, 5), pushed 0.3 away from the axes, +1
/// where x·y ≥ 0 at the point moved by noise.
fn xor(rng: &mut Rng, n: usize, noise: f64, out: &mut Vec<([f64; 2], f64)>) {
    let padding = 0.3;
    let pad = |v: f64| v + if v > 0.0 { padding } else { -padding };
    for _ in 0..n {
        let x = pad(uniform(rng, -5.0, 5.0));
        let y = pad(uniform(rng, -5.0, 5.0));
        let nx = uniform(rng, -5.0, 5.0) * noise;
        let ny = uniform(rng, -5.0, 5.0) * noise;
        let label = if (x + nx) * (y + ny) >= 0.0 {
            1.0
        } else {
            -1.0
        };
        out.push(([x, y], label));
    }
}

/// TFP's `classifyTwoGaussData`: variance 0.5 + 7·noise (TFP's scale [0, 0.5] → [0.5, 4]),
/// +1 around (2, 2), −1 around (−2, −2).
fn gaussians(rng: &mut Rng, n: usize, noise: f64, out: &mut Vec<([f64; 2], f64)>) {
    let variance = 0.5 + noise * (4.0 - 0.5) / 0.5;
    for (count, c, label) in [(n.div_ceil(2), 2.0, 1.0), (n / 2, -2.0, -1.0)] {
        for _ in 0..count {
            let x = normal(rng, c, variance);
            let y = normal(rng, c, variance);
            out.push(([x, y], label));
        }
    }
}

/// TFP's `classifySpiralData`: n/2 points per arm, r = i/(n/2)·5,
/// t = 1.75·i/(n/2)·2π + Δt (Δt = 0: +1, Δt = π: −1), each coordinate moved by
/// uniform(−1, 1)·noise.
fn spiral(rng: &mut Rng, n: usize, noise: f64, out: &mut Vec<([f64; 2], f64)>) {
    let half = n as f64 / 2.0;
    for (count, dt, label) in [(n.div_ceil(2), 0.0, 1.0), (n / 2, PI, -1.0)] {
        for i in 0..count {
            let r = i as f64 / half * 5.0;
            let t = 1.75 * i as f64 / half * 2.0 * PI + dt;
            let x = r * t.sin() + uniform(rng, -1.0, 1.0) * noise;
            let y = r * t.cos() + uniform(rng, -1.0, 1.0) * noise;
            out.push(([x, y], label));
        }
    }
}

/// TFP's regression sampling: x, y uniform in (−6, 6), the label read at the point moved
/// by uniform(−6, 6)·noise per axis.
fn regress(
    rng: &mut Rng,
    n: usize,
    noise: f64,
    label: impl Fn(f64, f64) -> f64,
    out: &mut Vec<([f64; 2], f64)>,
) {
    let radius = TFP_EXTENT;
    for _ in 0..n {
        let x = uniform(rng, -radius, radius);
        let y = uniform(rng, -radius, radius);
        let nx = uniform(rng, -radius, radius) * noise;
        let ny = uniform(rng, -radius, radius) * noise;
        out.push(([x, y], label(x + nx, y + ny)));
    }
}

/// TFP's `regressPlane` label: (x + y) scaled from [−10, 10] to [−1, 1].
pub fn plane_label(x: f64, y: f64) -> f64 {
    (x + y) / 10.0
}

/// TFP's `regressGaussian` centres and signs.
const GAUSSIAN_SUM: [(f64, f64, f64); 6] = [
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
];

/// TFP's `regressGaussian` label: of the six bumps sign·max(0, 1 − d/2) (d the distance
/// to the bump's centre), the one largest in size.
pub fn gaussian_sum_label(x: f64, y: f64) -> f64 {
    let mut label: f64 = 0.0;
    for (cx, cy, sign) in GAUSSIAN_SUM {
        let d = ((x - cx) * (x - cx) + (y - cy) * (y - cy)).sqrt();
        let v = sign * (1.0 - d / 2.0).clamp(0.0, 1.0);
        if v.abs() > label.abs() {
            label = v;
        }
    }
    label
}

/// The points of TFP's sets (TFP labels ±1 for classes), shuffled as TFP does after
/// generating (one class after the other would make every batch one class).
fn tfp(kind: Kind, rng: &mut Rng, n: usize, noise: f64) -> Vec<([f64; 2], f64)> {
    let mut out = Vec::with_capacity(n);
    match kind {
        Kind::Circle => circle(rng, n, noise, &mut out),
        Kind::Xor => xor(rng, n, noise, &mut out),
        Kind::Gaussians => gaussians(rng, n, noise, &mut out),
        Kind::Spiral => spiral(rng, n, noise, &mut out),
        Kind::Plane => regress(rng, n, noise, plane_label, &mut out),
        Kind::GaussianSum => regress(rng, n, noise, gaussian_sum_label, &mut out),
        Kind::XorTable | Kind::Sine => unreachable!("not a TFP set"),
    }
    // A Fisher–Yates shuffle, as TFP's `shuffle`.
    for k in (1..out.len()).rev() {
        out.swap(k, rng.below(k + 1));
    }
    out
}

/// Generates the points of a spec.
pub fn generate(spec: &Spec) -> Samples {
    let mut rng = Rng::new(spec.seed);
    let noise = spec.noise;
    if spec.kind.is_tfp() {
        let points = tfp(spec.kind, &mut rng, spec.points, noise);
        let regression = spec.kind.is_regression();
        return Samples {
            inputs: points.iter().map(|(p, _)| p.to_vec()).collect(),
            labels: points
                .iter()
                .map(|&(_, l)| if regression || l > 0.0 { l } else { 0.0 })
                .collect(),
        };
    }
    let mut inputs = Vec::with_capacity(spec.points);
    let mut labels = Vec::with_capacity(spec.points);
    for k in 0..spec.points {
        let (x, y) = match spec.kind {
            Kind::XorTable => {
                let (b1, b2) = ((k & 1) as f64, ((k >> 1) & 1) as f64);
                let jitter = 0.35 * noise;
                (
                    vec![b1 + jitter * rng.normal(), b2 + jitter * rng.normal()],
                    if b1 != b2 { 1.0 } else { 0.0 },
                )
            }
            Kind::Sine => {
                let x = rng.uniform(-3.0, 3.0);
                (vec![x], x.sin() + 0.3 * noise * rng.normal())
            }
            _ => unreachable!("TFP sets are generated above"),
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

/// Splits samples into training and test parts, each example's network input the
/// `features` of its point (in the list's order: pass [`feature::normalise`]d lists),
/// its target shaped for the output layer (`outputs` units, activation `out`). The
/// points are shuffled (from the seed) first when some are held out: generation can
/// run along the shape, so the last points would all be one region.
pub fn split_parts(
    spec: &Spec,
    s: &Samples,
    features: &[Feature],
    outputs: usize,
    out: Activation,
) -> (Part, Part) {
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
    let raw = feature::is_raw(features, spec.kind.inputs());
    let input = |x: &Vec<f64>| {
        if raw {
            x.clone()
        } else {
            feature::inputs(features, feature::point(x))
        }
    };
    let make = |idx: &[usize]| Part {
        data: Dataset {
            inputs: idx.iter().map(|&k| input(&s.inputs[k])).collect(),
            targets: idx
                .iter()
                .map(|&k| target_for(s.labels[k], spec.kind.is_regression(), outputs, out))
                .collect(),
        },
        points: idx.iter().map(|&k| s.inputs[k].clone()).collect(),
        labels: idx.iter().map(|&k| s.labels[k]).collect(),
    };
    (make(&order[..n_train]), make(&order[n_train..]))
}

/// The training and test sets for the given features ([`split_parts`] without the raw
/// points).
pub fn split_features(
    spec: &Spec,
    s: &Samples,
    features: &[Feature],
    outputs: usize,
    out: Activation,
) -> (Dataset, Dataset) {
    let (train, test) = split_parts(spec, s, features, outputs, out);
    (train.data, test.data)
}

/// The training and test sets on the raw inputs: the network takes the point itself.
pub fn split(spec: &Spec, s: &Samples, outputs: usize, out: Activation) -> (Dataset, Dataset) {
    split_features(spec, s, &spec.features, outputs, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Named;

    #[test]
    fn xor_table_without_noise_is_the_truth_table() {
        let spec = Spec {
            kind: Kind::XorTable,
            points: 4,
            noise: 0.0,
            test_fraction: 0.0,
            seed: 1,
            features: feature::raw(2).to_vec(),
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
                features: feature::raw(kind.inputs()).to_vec(),
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
