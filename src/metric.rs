//! Accuracy beside the loss: the share of examples a classifier gets right, and for
//! regression the share of the targets' variance explained (R², the test loss against
//! the best constant predictor's).
//!
//! Whether a dataset is a classification is read from its targets, as the network is
//! trained on them: one output unit with targets all ±1 (a tanh output) or all 0/1 (a
//! sigmoid output), or several units with one-hot targets (softmax). Real-valued targets
//! make it a regression: accuracy is `None` (shown as null).

use crate::activation::Activation;
use crate::dataset::Dataset;
use crate::engine::{Net, Workspace};
use crate::train::Trainer;

/// One pass over a dataset: the mean loss, and the accuracy (a classification) or R² (a
/// regression; `None` when the targets are constant or the set is empty). The loss is
/// [`crate::train::dataset_loss`]'s, bit for bit; the loss curve records both at once.
pub fn evaluate(net: &Net, data: &Dataset, ws: &mut Workspace) -> (f64, Option<f64>) {
    if data.is_empty() {
        return (0.0, None);
    }
    let d = decision(data, net.output_activation());
    let (mut loss, mut right, mut sse) = (0.0, 0usize, 0.0);
    for (x, t) in data.inputs.iter().zip(&data.targets) {
        net.forward_into(x, ws);
        loss += net.loss_in(x, t, ws);
        let y = ws.outputs.last().map_or(&[][..], Vec::as_slice);
        match d {
            Some(d) => right += usize::from(Some(predicted_class(y, d)) == target_class(t, d)),
            None => {
                let e = y.first().copied().unwrap_or(0.0) - t.first().copied().unwrap_or(0.0);
                sse += e * e;
            }
        }
    }
    let n = data.len() as f64;
    let score = match d {
        Some(_) => Some(right as f64 / n),
        None => {
            let base = constant_mse(data);
            (base > 0.0).then(|| 1.0 - sse / n / base)
        }
    };
    (loss / n, score)
}

/// How a classifier's output is read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision {
    /// One unit: class 1 when y > threshold (0 for ±1 targets, ½ for 0/1 targets).
    Threshold(f64),
    /// Several units: the class is the largest output (argmax).
    Argmax,
}

/// The class a target codes under `decision` (`None`: not a class code).
pub fn target_class(t: &[f64], decision: Decision) -> Option<usize> {
    match (decision, t) {
        (Decision::Threshold(c), [t]) => {
            let (lo, hi) = if c == 0.0 { (-1.0, 1.0) } else { (0.0, 1.0) };
            if *t == hi {
                Some(1)
            } else if *t == lo {
                Some(0)
            } else {
                None
            }
        }
        (Decision::Argmax, t) if t.len() > 1 => {
            let ones = t.iter().filter(|&&v| v == 1.0).count();
            let zeros = t.iter().filter(|&&v| v == 0.0).count();
            (ones == 1 && ones + zeros == t.len()).then(|| t.iter().position(|&v| v == 1.0))?
        }
        _ => None,
    }
}

/// The class the network's output y predicts: sign for ±1 targets, y > ½ for 0/1
/// targets, the largest unit for one-hot targets.
pub fn predicted_class(y: &[f64], decision: Decision) -> usize {
    match decision {
        Decision::Threshold(c) => usize::from(y.first().is_some_and(|&v| v > c)),
        Decision::Argmax => {
            let mut best = 0;
            for (i, v) in y.iter().enumerate() {
                if *v > y[best] {
                    best = i;
                }
            }
            best
        }
    }
}

/// How to read a classifier with this output layer on these targets; `None` when the
/// targets are not class codes (a regression) or the set is empty. One unit: ±1 targets
/// (any −1) are read by sign, 0/1 targets (any 0) at ½; targets all 1 by the output's
/// own range (sign for tanh and linear, ½ otherwise).
pub fn decision(data: &Dataset, out: Activation) -> Option<Decision> {
    let first = data.targets.first()?;
    let d = if first.len() > 1 {
        Decision::Argmax
    } else {
        let any = |v: f64| data.targets.iter().any(|t| t.first() == Some(&v));
        match (any(-1.0), any(0.0)) {
            (true, true) => return None,
            (true, false) => Decision::Threshold(0.0),
            (false, true) => Decision::Threshold(0.5),
            (false, false) => {
                if matches!(out, Activation::Tanh | Activation::Linear) {
                    Decision::Threshold(0.0)
                } else {
                    Decision::Threshold(0.5)
                }
            }
        }
    };
    data.targets
        .iter()
        .all(|t| target_class(t, d).is_some())
        .then_some(d)
}

/// The share of `data`'s examples `net` classifies right, 0 to 1; `None` for a
/// regression (targets that are not class codes) or an empty set.
pub fn accuracy(net: &Net, data: &Dataset) -> Option<f64> {
    let d = decision(data, net.output_activation())?;
    let mut ws = Workspace::default();
    let right = data
        .inputs
        .iter()
        .zip(&data.targets)
        .filter(|(x, t)| {
            let y = net.forward_into(x, &mut ws);
            Some(predicted_class(y, d)) == target_class(t, d)
        })
        .count();
    Some(right as f64 / data.len() as f64)
}

/// The training and test accuracy of a run (`None` for a regression or an empty set).
pub fn accuracies(t: &Trainer) -> (Option<f64>, Option<f64>) {
    (accuracy(&t.net, &t.train), accuracy(&t.net, &t.test))
}

/// Mean squared error of the first output against the first target.
pub fn mse(net: &Net, data: &Dataset) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut ws = Workspace::default();
    let total: f64 = data
        .inputs
        .iter()
        .zip(&data.targets)
        .map(|(x, t)| {
            let y = net.forward_into(x, &mut ws);
            let e = y.first().copied().unwrap_or(0.0) - t.first().copied().unwrap_or(0.0);
            e * e
        })
        .sum();
    total / data.len() as f64
}

/// The mean squared error of the best constant predictor on `data`: the targets'
/// variance (the constant is their mean).
pub fn constant_mse(data: &Dataset) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let n = data.len() as f64;
    let first = |t: &Vec<f64>| t.first().copied().unwrap_or(0.0);
    let mean = data.targets.iter().map(first).sum::<f64>() / n;
    data.targets
        .iter()
        .map(|t| (first(t) - mean).powi(2))
        .sum::<f64>()
        / n
}

/// R² = 1 − MSE / (the best constant's MSE): the share of the targets' variance the
/// network explains, 1 for a perfect fit, 0 for no better than the mean, negative when
/// worse. `None` for an empty set or constant targets. A regression "reaches 95 %" when
/// R² ≥ 0.95 on the test set: its test MSE is at most 5 % of the best constant's.
pub fn r_squared(net: &Net, data: &Dataset) -> Option<f64> {
    let base = constant_mse(data);
    (base > 0.0).then(|| 1.0 - mse(net, data) / base)
}

/// What the page shows beside a regression's loss: R² on the training and test sets.
pub fn r_squareds(t: &Trainer) -> (Option<f64>, Option<f64>) {
    (r_squared(&t.net, &t.train), r_squared(&t.net, &t.test))
}
