//! The fused online-SGD step of fully connected nets (`engine::fc`, which `Trainer::step`
//! takes for batch size 1) against the plain engine (per-layer passes, `batch_gradients`
//! then `Net::update`): the same net trained the same way both ways has the same weights,
//! bit for bit, after every step, and diverges on the same step. It also runs as wasm
//! with simd128 (`cargo test --target wasm32-unknown-unknown --test train_fused_test`
//! with RUSTFLAGS `-C target-feature=+simd128` and wasm-bindgen-test-runner), where both
//! paths take their two-lane code.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use backprop_lab::activation::Activation;
use backprop_lab::dataset::Dataset;
use backprop_lab::engine::Net;
use backprop_lab::init::{self, Init};
use backprop_lab::loss::Loss;
use backprop_lab::network::UpdateRule;
use backprop_lab::train::{batch_gradients, Config, Status, Trainer};

/// An LCG in [0, 1) (the benchmark's), for the points.
fn lcg(seed: u32) -> impl FnMut() -> f64 {
    let mut s = seed;
    move || {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        f64::from(s) / 4_294_967_296.0
    }
}

/// `n` points in [−1, 1]^inputs; `outputs` targets each: one-hot of the point's sector
/// for softmax, else 1 inside the circle of radius ½ (and its complement).
fn data(n: usize, inputs: usize, outputs: usize, one_hot: bool, seed: u32) -> Dataset {
    let mut r = lcg(seed);
    let mut d = Dataset {
        inputs: vec![],
        targets: vec![],
    };
    for _ in 0..n {
        let x: Vec<f64> = (0..inputs).map(|_| r() * 2.0 - 1.0).collect();
        let inside = x.iter().map(|v| v * v).sum::<f64>() < 0.25;
        let t = if one_hot {
            let k = ((x[0] + 1.0) * 0.5 * outputs as f64) as usize % outputs;
            (0..outputs).map(|i| f64::from(u8::from(i == k))).collect()
        } else {
            (0..outputs)
                .map(|i| f64::from(u8::from(inside == (i % 2 == 0))))
                .collect()
        };
        d.inputs.push(x);
        d.targets.push(t);
    }
    d
}

fn bits(net: &Net) -> Vec<u64> {
    let mut v = vec![];
    for l in net.mlp_layers() {
        v.extend(l.dense.weights.iter().map(|w| w.to_bits()));
        v.extend(l.dense.biases.iter().map(|b| b.to_bits()));
    }
    v
}

/// Trains `net` on `train` for `steps` online updates both ways; asserts the weights'
/// bits agree after every step and the runs stop on the same step. Returns the fused
/// trainer.
fn both_ways(net: Net, train: Dataset, rule: UpdateRule, steps: u64) -> Trainer {
    let mut fused = Trainer::new(
        net.clone(),
        train.clone(),
        Dataset {
            inputs: vec![],
            targets: vec![],
        },
        Config {
            rule,
            batch_size: 1,
        },
    );
    let mut plain = net;
    for s in 0..steps {
        let k = (s as usize) % train.len();
        let g = batch_gradients(&plain, &train, &[k]);
        let plain_ok = plain.update_stays_finite(&g, &rule);
        if plain_ok {
            plain.update(&g, &rule);
        }
        let fused_ok = fused.step();
        assert_eq!(
            fused_ok, plain_ok,
            "step {s}: one way diverged, not the other"
        );
        assert!(
            bits(&fused.net) == bits(&plain),
            "step {s}: the weights differ"
        );
        if !fused_ok {
            break;
        }
    }
    fused
}

#[test]
fn the_fused_step_and_the_plain_engine_train_the_same_net_bit_for_bit() {
    use Activation::*;
    // The benchmark's nets and others: every activation, each loss, odd and even widths
    // (the fused forward pass takes units four, two and one at a time).
    let cases: &[(&[usize], &[Activation], Loss)] = &[
        (&[2, 8, 8, 1], &[Tanh, Tanh, Sigmoid], Loss::HalfSse),
        (
            &[2, 16, 16, 16, 1],
            &[Tanh, Tanh, Tanh, Sigmoid],
            Loss::HalfSse,
        ),
        (&[3, 5, 7, 2], &[Relu, LeakyRelu, Linear], Loss::Mse),
        (&[2, 1, 3], &[Sigmoid, Softmax], Loss::CrossEntropy),
        (&[4, 6, 3], &[Tanh, Softmax], Loss::CrossEntropy),
        (&[2, 9, 1], &[LeakyRelu, Tanh], Loss::HalfSse),
    ];
    let rules = [
        UpdateRule::sgd(0.03),
        UpdateRule {
            learning_rate: 0.1,
            weight_decay: 0.001,
            freeze_biases: true,
        },
    ];
    for (c, (sizes, acts, loss)) in cases.iter().enumerate() {
        for (r, rule) in rules.iter().enumerate() {
            let net = init::network(sizes, acts, *loss, Init::Xavier, 3 + c as u64);
            let outputs = *sizes.last().unwrap();
            let train = data(
                40,
                sizes[0],
                outputs,
                *loss == Loss::CrossEntropy,
                c as u32 * 7 + r as u32,
            );
            let t = both_ways(net, train, *rule, 600);
            assert_eq!(t.status, Status::Ok, "case {c}, rule {r}");
        }
    }
}

#[test]
fn the_fused_step_and_the_plain_engine_diverge_on_the_same_step() {
    let net = init::network(
        &[2, 8, 8, 1],
        &[Activation::Relu, Activation::Relu, Activation::Linear],
        Loss::HalfSse,
        Init::He,
        5,
    );
    let mut train = data(20, 2, 1, false, 9);
    for x in &mut train.inputs {
        x.iter_mut().for_each(|v| *v *= 50.0);
    }
    let t = both_ways(net, train, UpdateRule::sgd(5.0), 10_000);
    assert!(
        matches!(t.status, Status::Diverged { .. }),
        "a rate of 5 on inputs of ±50 diverges: {:?}",
        t.status
    );
    assert!(t.net.is_finite());
}
