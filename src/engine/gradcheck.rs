//! Gradient check of a [`Net`]: central differences (L(θ+h) − L(θ−h)) / 2h for every
//! parameter and every input value, beside backpropagation's gradients.

use super::net::{Net, Workspace};
use super::params::{grad_of, Param};
use crate::gradcheck::{rel, H};

/// One parameter's two gradients.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub param: Param,
    pub backprop: f64,
    pub numeric: f64,
    /// |bp − num| / max(|bp| + |num|, 1e-8), as `crate::gradcheck` reports it.
    pub rel_error: f64,
}

/// Every parameter's entry, and ∂L/∂x both ways.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub entries: Vec<Entry>,
    /// ∂L/∂x from backprop (the first layer's grad_input).
    pub input_backprop: Vec<f64>,
    /// ∂L/∂x by central differences.
    pub input_numeric: Vec<f64>,
    pub max_rel_error: f64,
}

/// Compares backprop with central differences for every parameter and input value.
/// One copy of the net, each value nudged and put back, one workspace for every pass.
pub fn check(net: &Net, x: &[f64], t: &[f64]) -> Report {
    let mut ws = Workspace::default();
    let mut grads = Vec::new();
    net.forward_into(x, &mut ws);
    net.backward_into(x, t, &mut ws, &mut grads, false);
    let input_backprop = ws.grad_inputs[0].clone();
    let mut probe = net.clone();
    let entries: Vec<Entry> = (0..net.param_count())
        .map(|k| {
            let param = net.locate(k);
            let orig = net.param(param);
            let mut at = |v: f64| {
                probe.set_param(param, v);
                probe.loss_with(x, t, &mut ws)
            };
            let numeric = (at(orig + H) - at(orig - H)) / (2.0 * H);
            probe.set_param(param, orig);
            let backprop = grad_of(&grads, param);
            Entry {
                param,
                backprop,
                numeric,
                rel_error: rel(backprop, numeric),
            }
        })
        .collect();
    let mut xp = x.to_vec();
    let input_numeric = (0..x.len())
        .map(|j| {
            xp[j] = x[j] + H;
            let up = net.loss_with(&xp, t, &mut ws);
            xp[j] = x[j] - H;
            let down = net.loss_with(&xp, t, &mut ws);
            xp[j] = x[j];
            (up - down) / (2.0 * H)
        })
        .collect::<Vec<f64>>();
    let max_rel_error = entries
        .iter()
        .map(|e| e.rel_error)
        .chain(
            input_backprop
                .iter()
                .zip(&input_numeric)
                .map(|(b, n)| rel(*b, *n)),
        )
        .fold(0.0, f64::max);
    Report {
        entries,
        input_backprop,
        input_numeric,
        max_rel_error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;
    use crate::engine::test_util::random_vec;
    use crate::engine::{Conv, Dense, Layer, Pool, Shape};
    use crate::loss::Loss;
    use crate::rng::Rng;

    #[test]
    fn backprop_agrees_with_central_differences() {
        let mut rng = Rng::new(1);
        let mut conv = Conv::zeros(2, 2, 3, 2, 1);
        conv.weights = random_vec(&mut rng, conv.weights.len());
        conv.biases = random_vec(&mut rng, 2);
        let mut dense = Dense::zeros(50, 3);
        dense.weights = random_vec(&mut rng, 150);
        dense.biases = random_vec(&mut rng, 3);
        let pool = Pool {
            kernel: 2,
            stride: 1,
            padding: 1,
        };
        let net = Net {
            input_shape: Shape::map(2, 5, 5),
            layers: vec![
                Layer::Conv(conv),
                Layer::Activation(Activation::Tanh),
                Layer::AvgPool(pool),
                Layer::MaxPool(pool),
                Layer::Flatten,
                Layer::Dense(dense),
                Layer::Activation(Activation::Softmax),
            ],
            loss: Loss::CrossEntropy,
        };
        net.validate().unwrap();
        let x = random_vec(&mut rng, 50);
        let r = check(&net, &x, &[0.0, 1.0, 0.0]);
        assert_eq!(r.entries.len(), net.param_count());
        assert_eq!(r.input_numeric.len(), 50);
        assert!(r.max_rel_error < 1e-6, "{}", r.max_rel_error);
    }
}
