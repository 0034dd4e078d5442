//! Training: mini-batch averaging, weight decay, divergence, reproducible initialisation.

use backprop_lab::activation::Activation;
use backprop_lab::dataset::{self, Dataset};
use backprop_lab::init::{self, Init};
use backprop_lab::loss::Loss;
use backprop_lab::network::UpdateRule;
use backprop_lab::preset;
use backprop_lab::train::{batch_gradients, Config, Status, Trainer};

fn xor_data() -> Dataset {
    Dataset {
        inputs: vec![
            vec![0.0, 0.0],
            vec![0.0, 1.0],
            vec![1.0, 0.0],
            vec![1.0, 1.0],
        ],
        targets: vec![vec![0.0], vec![1.0], vec![1.0], vec![0.0]],
    }
}

fn empty() -> Dataset {
    Dataset {
        inputs: vec![],
        targets: vec![],
    }
}

#[test]
fn batch_gradient_is_the_mean_of_example_gradients() {
    let net = init::network(
        &[2, 3, 1],
        &[Activation::Tanh, Activation::Sigmoid],
        Loss::HalfSse,
        Init::Xavier,
        4,
    );
    let data = xor_data();
    let all = batch_gradients(&net, &data, &[0, 1, 2, 3]);
    let each: Vec<_> = (0..4).map(|k| batch_gradients(&net, &data, &[k])).collect();
    // Per engine layer: the dense layers hold the parameters (activations hold none).
    for k in 0..net.layers.len() {
        for (i, b) in all[k].biases.iter().enumerate() {
            let mean: f64 = each.iter().map(|g| g[k].biases[i]).sum::<f64>() / 4.0;
            assert!((b - mean).abs() < 1e-15);
        }
        for (i, w) in all[k].weights.iter().enumerate() {
            let mean: f64 = each.iter().map(|g| g[k].weights[i]).sum::<f64>() / 4.0;
            assert!((w - mean).abs() < 1e-15);
        }
    }
    assert_eq!(all[0].weights.len(), 6, "W(1) is 3 × 2");
}

#[test]
fn weight_decay_shrinks_weights_but_not_biases() {
    let net = init::network(
        &[2, 2, 1],
        &[Activation::Linear, Activation::Linear],
        Loss::HalfSse,
        Init::Uniform,
        2,
    );
    let data = Dataset {
        inputs: vec![vec![0.0, 0.0]],
        targets: vec![vec![0.0]],
    };
    // At x = 0, t = 0, y = 0 with zero biases: the data gradient is 0, only decay acts.
    let rule = UpdateRule {
        learning_rate: 0.1,
        weight_decay: 0.5,
        freeze_biases: false,
    };
    let mut t = Trainer::new(
        net.clone(),
        data,
        empty(),
        Config {
            rule,
            batch_size: 1,
        },
    );
    t.step();
    for (a, b) in net.mlp_layers().zip(t.net.mlp_layers()) {
        for (wa, wb) in a.dense.weights.iter().zip(&b.dense.weights) {
            assert!((wb - wa * (1.0 - 0.1 * 0.5)).abs() < 1e-15);
        }
        assert_eq!(a.biases(), b.biases());
    }
}

#[test]
fn divergence_is_named_and_keeps_the_last_finite_weights() {
    let p = preset::get("exploding").unwrap();
    let spec = p.dataset.clone().unwrap();
    let s = dataset::generate(&spec);
    let (train, test) = dataset::split(&spec, &s, 1, Activation::Linear);
    let rule = UpdateRule::sgd(100.0);
    let mut t = Trainer::new(
        p.problem.net.clone(),
        train,
        test,
        Config {
            rule,
            batch_size: 1,
        },
    );
    t.run(10_000);
    assert!(
        matches!(t.status, Status::Diverged { .. }),
        "{:?}",
        t.status
    );
    assert!(t.net.is_finite());
    let before = t.net.clone();
    assert!(!t.step(), "no step after divergence");
    assert_eq!(before, t.net);
}

#[test]
fn same_seed_same_initial_weights() {
    let a = init::network(
        &[2, 4, 1],
        &[Activation::Relu, Activation::Sigmoid],
        Loss::HalfSse,
        Init::He,
        9,
    );
    let b = init::network(
        &[2, 4, 1],
        &[Activation::Relu, Activation::Sigmoid],
        Loss::HalfSse,
        Init::He,
        9,
    );
    let c = init::network(
        &[2, 4, 1],
        &[Activation::Relu, Activation::Sigmoid],
        Loss::HalfSse,
        Init::He,
        10,
    );
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn xor_preset_learns() {
    let p = preset::get("xor").unwrap();
    let (train, test) = {
        let spec = p.dataset.clone().unwrap();
        dataset::split(&spec, &dataset::generate(&spec), 1, Activation::Sigmoid)
    };
    let rule = p.problem.rule();
    let mut t = Trainer::new(
        p.problem.net.clone(),
        train,
        test,
        Config {
            rule,
            batch_size: 1,
        },
    );
    assert_eq!(t.run(8_000), 8_000);
    let loss = t.train_loss();
    assert!(loss < 0.01, "XOR loss after 2000 epochs: {loss}");
    assert!(t.history.points.len() > 10);
}

/// After the output activation changes, training runs on the targets the data now has
/// (tanh learns ±1, sigmoid 0/1): the run's loss is the loss on the page's dataset.
#[test]
fn training_follows_the_targets_after_the_output_activation_changes() {
    use backprop_lab::lab::{workbench::split, Edit, Session};
    let mut s = Session::from_preset("xor").unwrap();
    s.train(50).unwrap();
    let last = s.saved().problem.net.depth() - 1;
    s.edit(Edit::Activation {
        layer: last,
        activation: Activation::Tanh,
    })
    .unwrap();
    let reported = s.train(1).unwrap();
    let train = split(s.saved(), &s.saved().problem).unwrap().train;
    assert!(
        train.targets.iter().flatten().any(|t| *t < 0.0),
        "tanh targets are ±1"
    );
    let expected = backprop_lab::train::dataset_loss(&s.saved().problem.net, &train);
    assert!(
        (reported - expected).abs() < 1e-12,
        "{reported} vs {expected}"
    );
}
