//! Backpropagation against central finite differences on random networks (proptest).
// proptest is a native-only dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use backprop_lab::activation::Activation;
use backprop_lab::engine::{Net, Workspace};
use backprop_lab::gradcheck;
use backprop_lab::loss::Loss;
use backprop_lab::network::{MlpSpec, MlpSpecLayer};
use proptest::prelude::*;

const HIDDEN: [Activation; 5] = [
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Relu,
    Activation::LeakyRelu,
    Activation::Linear,
];

/// A random network: 1–4 layers of 1–5 units, any activation, any valid loss.
fn network() -> impl Strategy<Value = (Net, Vec<f64>, Vec<f64>)> {
    (1usize..5, 1usize..5, 0usize..3, any::<u64>())
        .prop_flat_map(|(depth, n_in, loss_kind, seed)| {
            let widths = proptest::collection::vec(1usize..6, depth);
            let acts = proptest::collection::vec(0usize..HIDDEN.len(), depth);
            (widths, acts, Just((n_in, loss_kind, seed)))
        })
        .prop_flat_map(|(mut widths, acts, (n_in, loss_kind, _))| {
            let loss = [Loss::HalfSse, Loss::Mse, Loss::CrossEntropy][loss_kind];
            if loss == Loss::CrossEntropy {
                let last = widths.len() - 1;
                widths[last] = widths[last].max(2);
            }
            let mut fan = n_in;
            let mut shapes = vec![];
            for &w in &widths {
                shapes.push((w, fan));
                fan = w;
            }
            let params: Vec<_> = shapes
                .iter()
                .map(|&(w, f)| {
                    (
                        proptest::collection::vec(proptest::collection::vec(-1.5f64..1.5, f), w),
                        proptest::collection::vec(-1.0f64..1.0, w),
                    )
                })
                .collect();
            let out = *widths.last().unwrap();
            (
                params,
                Just(acts),
                Just(loss),
                proptest::collection::vec(-2.0f64..2.0, n_in),
                proptest::collection::vec(0.0f64..1.0, out),
            )
        })
        .prop_map(|(params, acts, loss, x, mut t)| {
            let n = params.len();
            let layers = params
                .into_iter()
                .zip(acts)
                .enumerate()
                .map(|(l, ((weights, biases), a))| MlpSpecLayer {
                    activation: if l + 1 == n && loss == Loss::CrossEntropy {
                        Activation::Softmax
                    } else {
                        HIDDEN[a]
                    },
                    weights,
                    biases,
                })
                .collect();
            if loss == Loss::CrossEntropy {
                let s: f64 = t.iter().sum::<f64>().max(1e-3);
                t.iter_mut().for_each(|v| *v /= s);
                let rest: f64 = t[1..].iter().sum();
                t[0] = 1.0 - rest;
                if t[0] < 0.0 {
                    t.iter_mut().for_each(|v| *v = 0.0);
                    t[0] = 1.0;
                }
            }
            (MlpSpec { layers, loss }.into_net(), x, t)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn backprop_matches_finite_differences((net, x, t) in network()) {
        prop_assume!(net.validate().is_ok());
        let mut ws = Workspace::default();
        net.forward_into(&x, &mut ws);
        // Finite differences are meaningless across a ReLU kink: skip z within 1e-3 of 0.
        let near_kink = net.mlp_layers().enumerate().any(|(l, layer)| {
            matches!(layer.activation, Activation::Relu | Activation::LeakyRelu)
                && ws.outputs[2 * l].iter().any(|v| v.abs() < 1e-3)
        });
        prop_assume!(!near_kink);
        let r = gradcheck::check(&net, &x, &t);
        // A central difference of L carries rounding error of about ε·|L|/h
        // (2.2e-10·|L| at h = 1e-6): tiny gradients are compared absolutely, with margin.
        let loss = net.loss_in(&x, &t, &ws).abs();
        let floor = 1e-8 * (1.0 + loss);
        for e in &r.entries {
            let abs = (e.backprop - e.numeric).abs();
            prop_assert!(e.rel_error < 1e-5 || abs < floor, "{:?} (loss {loss})", e);
        }
    }
}

#[test]
fn gradcheck_reports_for_every_parameter() {
    let p = backprop_lab::preset::get("mazur").unwrap().problem;
    let r = gradcheck::check(&p.net, &p.input, &p.target);
    assert_eq!(r.entries.len(), 12);
    assert!(r.max_rel_error < 1e-7, "{}", r.max_rel_error);
}
