//! TFP's datasets, the input features and accuracy: the generators follow TFP's
//! formulas (checked point by point where the formula allows), the features' input
//! vectors and their worked text, the split's raw points beside the inputs, and
//! accuracy/R² on hand-made networks; the proposed data-* settings learn.

use backprop_lab::activation::Activation::{self, *};
use backprop_lab::dataset::{self, Dataset, Kind, Samples, Spec};
use backprop_lab::feature::{self, Feature, Feature::*};
use backprop_lab::init::{self, Init};
use backprop_lab::loss::Loss;
use backprop_lab::metric::{self, Decision};
use backprop_lab::network::{MlpSpec, MlpSpecLayer, UpdateRule};
use backprop_lab::train::{Config, Trainer};
use backprop_lab::vocab::Named;

fn spec(kind: Kind, points: usize, noise: f64) -> Spec {
    Spec {
        kind,
        points,
        noise,
        test_fraction: 0.5,
        seed: 1,
        features: feature::raw(kind.inputs()).to_vec(),
    }
}

fn norm(p: &[f64]) -> f64 {
    (p[0] * p[0] + p[1] * p[1]).sqrt()
}

const TFP: [Kind; 6] = [
    Kind::Circle,
    Kind::Xor,
    Kind::Gaussians,
    Kind::Spiral,
    Kind::Plane,
    Kind::GaussianSum,
];

#[test]
fn names_are_listed_once_and_read_back() {
    assert_eq!(
        Kind::names(),
        [
            "circle",
            "xor",
            "gaussians",
            "spiral",
            "plane",
            "gaussian_sum",
            "xor_table",
            "sine"
        ]
    );
    assert_eq!(
        Feature::names(),
        ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]
    );
    for &k in Kind::ALL {
        assert_eq!(Kind::parse(k.name()).unwrap(), k);
        assert_eq!(k.is_tfp(), TFP.contains(&k));
        assert_eq!(k.extent(), k.is_tfp().then_some(6.0));
    }
    assert!(Kind::parse("moons")
        .unwrap_err()
        .to_string()
        .contains("gaussian_sum"));
    assert!(Feature::parse("x3")
        .unwrap_err()
        .to_string()
        .contains("sin_x2"));
}

#[test]
fn every_tfp_set_has_its_count_is_reproducible_and_in_range() {
    for kind in TFP {
        for n in [1, 7, 500] {
            let s = spec(kind, n, 0.3);
            let a = dataset::generate(&s);
            assert_eq!(a, dataset::generate(&s), "{kind:?}");
            assert_eq!((a.inputs.len(), a.labels.len()), (n, n));
            assert!(a.inputs.iter().all(|p| p.len() == 2));
            assert!(a.inputs.iter().flatten().all(|v| v.is_finite()));
            if kind != Kind::Gaussians {
                assert!(
                    a.inputs.iter().flatten().all(|v| v.abs() <= 6.0),
                    "{kind:?}"
                );
            }
            if kind.is_regression() {
                // (x + nx + y + ny) / 10 with |nx|, |ny| ≤ 6·noise.
                assert!(a.labels.iter().all(|l| l.abs() <= 1.2 * 1.3));
            } else {
                assert!(a.labels.iter().all(|&l| l == 0.0 || l == 1.0));
            }
        }
        let other = Spec {
            seed: 2,
            ..spec(kind, 50, 0.3)
        };
        assert_ne!(
            dataset::generate(&other),
            dataset::generate(&spec(kind, 50, 0.3))
        );
    }
}

/// Class 1 and class 0 points, from a noise-free set.
fn classes(s: &Samples) -> (Vec<&Vec<f64>>, Vec<&Vec<f64>>) {
    let pick = |c: f64| {
        s.inputs
            .iter()
            .zip(&s.labels)
            .filter(|(_, &l)| l == c)
            .map(|(p, _)| p)
            .collect::<Vec<_>>()
    };
    (pick(1.0), pick(0.0))
}

#[test]
fn circle_is_a_disc_of_radius_2_5_inside_a_ring_3_5_to_5() {
    let s = dataset::generate(&spec(Kind::Circle, 501, 0.0));
    let (inner, outer) = classes(&s);
    assert_eq!((inner.len(), outer.len()), (251, 250));
    assert!(inner.iter().all(|p| norm(p) < 2.5));
    assert!(outer.iter().all(|p| (3.5..5.0).contains(&norm(p))));
    // Shuffled as TFP does: not one class after the other.
    assert!(s.labels[..250].contains(&0.0) && s.labels[..250].contains(&1.0));
}

#[test]
fn xor_fills_the_quadrants_with_a_gap_at_the_axes() {
    let s = dataset::generate(&spec(Kind::Xor, 1000, 0.0));
    for (p, &l) in s.inputs.iter().zip(&s.labels) {
        assert!(p.iter().all(|v| (0.3..5.3).contains(&v.abs())), "{p:?}");
        assert_eq!(l, if p[0] * p[1] >= 0.0 { 1.0 } else { 0.0 });
    }
    // Spread over the quadrants, not four corners: many distinct radii in each.
    for (sx, sy) in [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)] {
        let q: Vec<_> = s
            .inputs
            .iter()
            .filter(|p| p[0] * sx > 0.0 && p[1] * sy > 0.0)
            .collect();
        assert!(q.len() > 200, "{} points in a quadrant", q.len());
        assert!(q.iter().any(|p| norm(p) < 1.5) && q.iter().any(|p| norm(p) > 6.0));
    }
}

#[test]
fn noise_flips_labels_where_tfp_reads_them_and_keeps_the_points() {
    for kind in [Kind::Circle, Kind::Xor, Kind::Plane, Kind::GaussianSum] {
        let clean = dataset::generate(&spec(kind, 400, 0.0));
        let noisy = dataset::generate(&spec(kind, 400, 0.5));
        assert_eq!(clean.inputs, noisy.inputs, "{kind:?}: the points stay");
        let changed = clean
            .labels
            .iter()
            .zip(&noisy.labels)
            .filter(|(a, b)| a != b)
            .count();
        assert!(changed > 20, "{kind:?}: {changed} labels changed");
        if !kind.is_regression() {
            assert!(changed < 200, "{kind:?}: {changed} labels changed");
        }
    }
}

fn mean_var(ps: &[&Vec<f64>], axis: usize) -> (f64, f64) {
    let n = ps.len() as f64;
    let m = ps.iter().map(|p| p[axis]).sum::<f64>() / n;
    let v = ps.iter().map(|p| (p[axis] - m).powi(2)).sum::<f64>() / n;
    (m, v)
}

#[test]
fn gaussians_have_tfp_means_and_variances() {
    for (noise, variance) in [(0.0, 0.5), (0.5, 4.0)] {
        let s = dataset::generate(&spec(Kind::Gaussians, 4000, noise));
        let (pos, neg) = classes(&s);
        assert_eq!((pos.len(), neg.len()), (2000, 2000));
        for (ps, c) in [(&pos, 2.0), (&neg, -2.0)] {
            for axis in 0..2 {
                let (m, v) = mean_var(ps, axis);
                assert!((m - c).abs() < 0.12, "mean {m} for {c}");
                assert!(
                    (v / variance - 1.0).abs() < 0.1,
                    "variance {v} for {variance}"
                );
            }
        }
    }
}

#[test]
fn spiral_arms_follow_tfp_formula() {
    let n = 300;
    let s = dataset::generate(&spec(Kind::Spiral, n, 0.0));
    let (pos, neg) = classes(&s);
    assert_eq!((pos.len(), neg.len()), (150, 150));
    // Arm i: r = i/150·5, t = 1.75·i/150·2π (+π for class 0).
    for (arm, dt) in [(&pos, 0.0), (&neg, std::f64::consts::PI)] {
        for i in 0..150 {
            let r = i as f64 / 150.0 * 5.0;
            let t = 1.75 * i as f64 / 150.0 * 2.0 * std::f64::consts::PI + dt;
            let want = [r * t.sin(), r * t.cos()];
            assert!(
                arm.iter().any(|p| p[0] == want[0] && p[1] == want[1]),
                "point {i} of an arm"
            );
        }
        assert!(arm.iter().all(|p| norm(p) < 5.0));
    }
    // Noise moves each coordinate by at most noise.
    let noisy = dataset::generate(&spec(Kind::Spiral, n, 0.5));
    let (npos, _) = classes(&noisy);
    assert!(npos.iter().all(|p| norm(p) < 5.0 + 0.5 * 2f64.sqrt()));
    assert!(npos.iter().any(|p| !pos.contains(p)));
}

#[test]
fn regression_labels_are_tfp_functions_of_the_point() {
    let s = dataset::generate(&spec(Kind::Plane, 300, 0.0));
    for (p, l) in s.inputs.iter().zip(&s.labels) {
        assert_eq!(*l, (p[0] + p[1]) / 10.0);
    }
    assert_eq!(dataset::gaussian_sum_label(-4.0, 2.5), 1.0);
    assert_eq!(dataset::gaussian_sum_label(0.0, 2.5), -1.0);
    assert_eq!(dataset::gaussian_sum_label(0.0, -2.5), 1.0);
    assert_eq!(dataset::gaussian_sum_label(4.0, -3.5), -0.5);
    assert_eq!(dataset::gaussian_sum_label(6.0, 6.0), 0.0);
    let s = dataset::generate(&spec(Kind::GaussianSum, 300, 0.0));
    for (p, l) in s.inputs.iter().zip(&s.labels) {
        assert_eq!(*l, dataset::gaussian_sum_label(p[0], p[1]));
    }
    assert!(s.labels.iter().any(|&l| l > 0.5) && s.labels.iter().any(|&l| l < -0.5));
}

#[test]
fn the_xor_table_is_still_the_truth_table() {
    let s = dataset::generate(&Spec {
        test_fraction: 0.0,
        ..spec(Kind::XorTable, 4, 0.0)
    });
    assert_eq!(
        s.inputs,
        [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]].map(|p| p.to_vec())
    );
    assert_eq!(s.labels, [0.0, 1.0, 1.0, 0.0]);
}

#[test]
fn features_compute_tfp_inputs_with_their_formulas() {
    let p = [-1.5, 0.5];
    let values: Vec<f64> = Feature::ALL.iter().map(|f| f.value(p)).collect();
    assert_eq!(
        values,
        [-1.5, 0.5, 2.25, 0.25, -0.75, (-1.5f64).sin(), 0.5f64.sin()]
    );
    let formulas: Vec<&str> = Feature::ALL.iter().map(|f| f.formula()).collect();
    assert_eq!(
        formulas,
        ["x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin x₁", "sin x₂"]
    );
    assert_eq!(SinX2.tex(), "\\sin x_2");
    assert_eq!(X1Sq.worked(p, 6), "x₁² = (-1.5)² = 2.25");
    assert_eq!(X1X2.worked(p, 6), "x₁x₂ = -1.5 × 0.5 = -0.75");
    assert_eq!(SinX2.worked(p, 6), "sin x₂ = sin(0.5) = 0.479426");
    assert_eq!(X2.worked(p, 6), "x₂ = 0.5");
    assert_eq!(X1Sq.worked_tex(p, 6), "x_1^2 = (-1.5)^2 = 2.25");
    // A set: each once, in TFP's order, whatever the order of the toggles.
    let fs = feature::normalise(&[SinX1, X2, SinX1, X1]);
    assert_eq!(fs, [X1, X2, SinX1]);
    assert_eq!(feature::inputs(&fs, p), [-1.5, 0.5, (-1.5f64).sin()]);
    assert_eq!(feature::raw(2), [X1, X2]);
    assert_eq!(feature::raw(1), [X1]);
}

#[test]
fn feature_lists_are_checked_against_the_dataset() {
    assert!(feature::check(&[X1, SinX1], 2).is_ok());
    assert!(feature::check(&[X1, X1Sq, SinX1], 1).is_ok());
    let e = feature::check(&[], 2).unwrap_err().to_string();
    assert!(e.contains("features") && e.contains('0'), "{e}");
    let e = feature::check(&[X1, X2], 1).unwrap_err().to_string();
    assert!(e.contains("x2") && e.contains("sin_x1"), "{e}");
}

#[test]
fn a_split_keeps_each_example_raw_point_beside_its_features() {
    let s = spec(Kind::Spiral, 200, 0.2);
    let samples = dataset::generate(&s);
    let fs = [X1, X2, X1X2, SinX1, SinX2];
    let (train, test) = dataset::split_parts(&s, &samples, &fs, 1, Tanh);
    assert_eq!((train.data.len(), test.data.len()), (100, 100));
    for part in [&train, &test] {
        assert_eq!(part.points.len(), part.data.len());
        for ((x, t), (p, l)) in part
            .data
            .inputs
            .iter()
            .zip(&part.data.targets)
            .zip(part.points.iter().zip(&part.labels))
        {
            assert_eq!(*x, feature::inputs(&fs, [p[0], p[1]]));
            assert_eq!(t, &vec![2.0 * l - 1.0], "tanh targets ±1");
        }
    }
    // Every point once over the two parts.
    let mut all: Vec<_> = train.points.iter().chain(&test.points).cloned().collect();
    let mut want = samples.inputs.clone();
    let key = |p: &Vec<f64>| (p[0].to_bits(), p[1].to_bits());
    all.sort_by_key(key);
    want.sort_by_key(key);
    assert_eq!(all, want);
    // On the raw features the inputs are the points, as `split` gives them.
    let (raw, _) = dataset::split_parts(&s, &samples, &[X1, X2], 1, Sigmoid);
    assert_eq!(raw.data.inputs, raw.points);
    assert_eq!(dataset::split(&s, &samples, 1, Sigmoid).0, raw.data);
    // Sine: x is x₁.
    let sine = spec(Kind::Sine, 20, 0.0);
    let (a, _) = dataset::split_parts(&sine, &dataset::generate(&sine), &[X1, X1Sq], 1, Linear);
    for (x, p) in a.data.inputs.iter().zip(&a.points) {
        assert_eq!(*x, vec![p[0], p[0] * p[0]]);
    }
}

/// One layer, out = f(w·x + b).
fn single(w: &[f64], b: f64, out: Activation, loss: Loss) -> backprop_lab::engine::Net {
    MlpSpec {
        layers: vec![MlpSpecLayer {
            activation: out,
            weights: vec![w.to_vec()],
            biases: vec![b],
        }],
        loss,
    }
    .into_net()
}

#[test]
fn accuracy_reads_tanh_by_sign_sigmoid_at_a_half_and_softmax_by_argmax() {
    let xs = vec![vec![-2.0], vec![-1.0], vec![1.0], vec![2.0]];
    let data = |targets: Vec<Vec<f64>>| Dataset {
        inputs: xs.clone(),
        targets,
    };
    // y = tanh(x): right on the three points with t = sign(x), wrong on the last.
    let tanh = single(&[1.0], 0.0, Tanh, Loss::HalfSse);
    let d = data(vec![vec![-1.0], vec![-1.0], vec![1.0], vec![-1.0]]);
    assert_eq!(metric::decision(&d, Tanh), Some(Decision::Threshold(0.0)));
    assert_eq!(metric::accuracy(&tanh, &d), Some(0.75));
    // y = σ(x − 1.5): class 1 only at x = 2.
    let sig = single(&[1.0], -1.5, Sigmoid, Loss::HalfSse);
    let d = data(vec![vec![0.0], vec![0.0], vec![1.0], vec![1.0]]);
    assert_eq!(metric::accuracy(&sig, &d), Some(0.75));
    // Softmax of (x, −x): class 0 for x > 0.
    let soft = MlpSpec {
        layers: vec![MlpSpecLayer {
            activation: Softmax,
            weights: vec![vec![1.0], vec![-1.0]],
            biases: vec![0.0, 0.0],
        }],
        loss: Loss::CrossEntropy,
    }
    .into_net();
    let d = data(vec![
        vec![0.0, 1.0],
        vec![0.0, 1.0],
        vec![1.0, 0.0],
        vec![0.0, 1.0],
    ]);
    assert_eq!(metric::decision(&d, Softmax), Some(Decision::Argmax));
    assert_eq!(metric::accuracy(&soft, &d), Some(0.75));
    // Real-valued targets: a regression, no accuracy; nor for an empty set.
    let d = data(vec![vec![0.3], vec![-1.0], vec![1.0], vec![1.0]]);
    assert_eq!(metric::accuracy(&tanh, &d), None);
    let empty = Dataset {
        inputs: vec![],
        targets: vec![],
    };
    assert_eq!(metric::accuracy(&tanh, &empty), None);
}

#[test]
fn r_squared_compares_the_fit_with_the_best_constant() {
    let data = Dataset {
        inputs: vec![vec![-1.0], vec![0.0], vec![1.0], vec![2.0]],
        targets: vec![vec![-2.0], vec![0.0], vec![2.0], vec![4.0]],
    };
    let exact = single(&[2.0], 0.0, Linear, Loss::Mse);
    assert_eq!(metric::r_squared(&exact, &data), Some(1.0));
    let mean = single(&[0.0], 1.0, Linear, Loss::Mse);
    assert_eq!(metric::r_squared(&mean, &data), Some(0.0));
    assert_eq!(metric::constant_mse(&data), 5.0);
    let half = single(&[1.0], 0.0, Linear, Loss::Mse);
    // Errors 1, 0, 1, 2: MSE 1.5 against the constant's 5.
    assert!((metric::r_squared(&half, &data).unwrap() - 0.7).abs() < 1e-15);
}

/// Trains `hidden` tanh layers on `features` of a TFP set (TFP's defaults: batch 10,
/// half held out) and returns the test accuracy (R² for regression) after `examples`.
#[allow(clippy::too_many_arguments)]
fn train(
    kind: Kind,
    features: &[Feature],
    hidden: &[usize],
    out: Activation,
    loss: Loss,
    lr: f64,
    init: Init,
    seed: u64,
    examples: u64,
) -> f64 {
    let s = Spec {
        kind,
        points: kind.tfp_points(),
        noise: 0.0,
        test_fraction: 0.5,
        seed: 1,
        features: features.to_vec(),
    };
    let outputs = if out == Softmax { 2 } else { 1 };
    let mut sizes = vec![features.len()];
    sizes.extend(hidden);
    sizes.push(outputs);
    let mut acts = vec![Tanh; hidden.len()];
    acts.push(out);
    let net = init::network(&sizes, &acts, loss, init, seed);
    let (train, test) = dataset::split_features(&s, &dataset::generate(&s), features, outputs, out);
    let mut t = Trainer::new(
        net,
        train,
        test,
        Config {
            rule: UpdateRule::sgd(lr),
            batch_size: 10,
        },
    );
    while t.examples < examples {
        t.step();
    }
    if kind.is_regression() {
        metric::r_squareds(&t).1.unwrap()
    } else {
        let (a, b) = metric::accuracies(&t);
        assert!(a.is_some());
        b.unwrap()
    }
}

#[test]
fn xor_is_one_unit_on_the_x1x2_feature() {
    let acc = train(
        Kind::Xor,
        &[X1X2],
        &[],
        Tanh,
        Loss::HalfSse,
        0.03,
        Init::Xavier,
        1,
        5_000,
    );
    assert!(acc >= 0.99, "{acc}");
}

#[test]
fn circle_learns_with_tfp_defaults() {
    let acc = train(
        Kind::Circle,
        &[X1, X2],
        &[4, 2],
        Tanh,
        Loss::HalfSse,
        0.03,
        Init::Xavier,
        1,
        20_000,
    );
    assert!(acc >= 0.95, "{acc}");
}

#[test]
fn the_plane_is_one_linear_unit() {
    let r2 = train(
        Kind::Plane,
        &[X1, X2],
        &[],
        Linear,
        Loss::HalfSse,
        0.03,
        Init::Xavier,
        1,
        5_000,
    );
    assert!(r2 >= 0.99, "{r2}");
}
