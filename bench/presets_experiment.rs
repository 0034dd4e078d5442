//! Chooses the data-* presets' settings: trains each candidate natively with the crate's
//! Trainer and reports how many examples it takes to reach its target test accuracy
//! (classification) or test R² (regression: 1 − MSE / the best constant's MSE), for
//! three seeds (weights and data seed +0, +1, +2). Not part of `make test`.
//!
//!   cargo run --release --example presets_experiment -- [--curve] [--seeds N] [FILTER…]
//!
//! FILTER keeps the candidates whose name contains it (`presets` = the chosen ones,
//! `all` = every candidate). `--curve` prints, every 1 000 examples, the training and
//! test accuracy (or R²) and loss of the first seed.

use backprop_lab::activation::Activation::{self, *};
use backprop_lab::dataset::{self, Kind, Spec};
use backprop_lab::feature::{self, Feature, Feature::*};
use backprop_lab::init::{self, Init};
use backprop_lab::loss::Loss;
use backprop_lab::metric;
use backprop_lab::network::UpdateRule;
use backprop_lab::train::{Config, Trainer};

/// Output layer and loss.
#[derive(Clone, Copy, Debug)]
enum Out {
    /// One tanh unit, ±1 targets, ½ squared error (TFP's classifier).
    Tanh,
    /// One sigmoid unit, 0/1 targets, ½ squared error.
    Sigmoid,
    /// Two softmax units, one-hot targets, cross-entropy.
    Softmax,
    /// One linear unit, ½ squared error (TFP's regression).
    Linear,
    /// One linear unit, mean squared error.
    LinearMse,
}

impl Out {
    fn layer(self) -> (usize, Activation, Loss) {
        match self {
            Out::Tanh => (1, Tanh, Loss::HalfSse),
            Out::Sigmoid => (1, Sigmoid, Loss::HalfSse),
            Out::Softmax => (2, Softmax, Loss::CrossEntropy),
            Out::Linear => (1, Linear, Loss::HalfSse),
            Out::LinearMse => (1, Linear, Loss::Mse),
        }
    }
}

#[derive(Clone, Debug)]
struct Setup {
    name: String,
    kind: Kind,
    points: usize,
    noise: f64,
    test: f64,
    data_seed: u64,
    features: Vec<Feature>,
    hidden: Vec<usize>,
    act: Activation,
    out: Out,
    lr: f64,
    batch: usize,
    init: Init,
    seed: u64,
    /// Examples to train on.
    budget: u64,
    /// Test accuracy (or R²) to reach within the budget.
    target: f64,
}

/// A candidate with TFP's defaults: 500 points (1200 to regress), no noise, half held
/// out, tanh hidden layers, batch 10, η = 0.03.
#[allow(clippy::too_many_arguments)]
fn setup(
    name: &str,
    kind: Kind,
    features: &[Feature],
    hidden: &[usize],
    out: Out,
    lr: f64,
    init: Init,
    seed: u64,
) -> Setup {
    let spiral = kind == Kind::Spiral;
    Setup {
        name: name.to_string(),
        kind,
        points: kind.tfp_points(),
        noise: 0.0,
        test: 0.5,
        data_seed: 1,
        features: feature::normalise(features),
        hidden: hidden.to_vec(),
        act: Tanh,
        out,
        lr,
        batch: 10,
        init,
        seed,
        budget: if spiral { 300_000 } else { 60_000 },
        target: if spiral { 0.9 } else { 0.95 },
    }
}

/// Every candidate; the chosen presets' names start with `presets/`.
fn candidates() -> Vec<Setup> {
    use Init::{Uniform, Xavier};
    use Kind::*;
    let raw = [X1, X2];
    let sins = [X1, X2, SinX1, SinX2];
    let mut v = Vec::new();
    for (k, kname) in [(Circle, "circle"), (Xor, "xor"), (Gaussians, "gaussians")] {
        for (out, oname) in [
            (Out::Tanh, "tanh"),
            (Out::Sigmoid, "sigmoid"),
            (Out::Softmax, "softmax"),
        ] {
            for (init, iname) in [(Uniform, "uniform"), (Xavier, "xavier")] {
                for (hidden, hname) in [(&[4, 2][..], "4-2"), (&[4][..], "4"), (&[8, 8][..], "8-8")]
                {
                    for lr in [0.03, 0.1] {
                        v.push(setup(
                            &format!("{kname}/raw/{hname}/{oname}/{iname}/lr{lr}"),
                            k,
                            &raw,
                            hidden,
                            out,
                            lr,
                            init,
                            1,
                        ));
                    }
                }
            }
        }
    }
    v.push(setup(
        "xor/x1x2/none/tanh/xavier/lr0.03",
        Xor,
        &[X1X2],
        &[],
        Out::Tanh,
        0.03,
        Xavier,
        1,
    ));
    v.push(setup(
        "circle/sq/none/tanh/xavier/lr0.03",
        Circle,
        &[X1Sq, X2Sq],
        &[],
        Out::Tanh,
        0.03,
        Xavier,
        1,
    ));
    for (out, oname) in [
        (Out::Tanh, "tanh"),
        (Out::Sigmoid, "sigmoid"),
        (Out::Softmax, "softmax"),
    ] {
        for (init, iname) in [(Uniform, "uniform"), (Xavier, "xavier")] {
            for (hidden, hname) in [
                (&[8, 8, 8][..], "8-8-8"),
                (&[8, 8, 8, 8][..], "8-8-8-8"),
                (&[8, 8, 8, 8, 8, 8][..], "8-8-8-8-8-8"),
                (&[16, 16, 16][..], "16-16-16"),
                (&[12, 12, 12, 12][..], "12-12-12-12"),
            ] {
                for lr in [0.03, 0.1] {
                    v.push(setup(
                        &format!("spiral/raw/{hname}/{oname}/{iname}/lr{lr}"),
                        Spiral,
                        &raw,
                        hidden,
                        out,
                        lr,
                        init,
                        1,
                    ));
                }
            }
            for (hidden, hname) in [
                (&[8, 8][..], "8-8"),
                (&[6, 6][..], "6-6"),
                (&[8][..], "8"),
                (&[4, 2][..], "4-2"),
            ] {
                for lr in [0.03, 0.1] {
                    v.push(setup(
                        &format!("spiral/sin/{hname}/{oname}/{iname}/lr{lr}"),
                        Spiral,
                        &sins,
                        hidden,
                        out,
                        lr,
                        init,
                        1,
                    ));
                }
            }
        }
    }
    for (k, kname) in [(Plane, "plane"), (GaussianSum, "gaussian-sum")] {
        for (out, oname) in [(Out::Linear, "linear"), (Out::LinearMse, "linear-mse")] {
            for (init, iname) in [(Uniform, "uniform"), (Xavier, "xavier")] {
                for (hidden, hname) in [
                    (&[][..], "none"),
                    (&[4, 2][..], "4-2"),
                    (&[8, 8][..], "8-8"),
                    (&[8][..], "8"),
                    (&[8, 8, 8][..], "8-8-8"),
                ] {
                    for lr in [0.01, 0.03, 0.1] {
                        v.push(setup(
                            &format!("{kname}/raw/{hname}/{oname}/{iname}/lr{lr}"),
                            k,
                            &raw,
                            hidden,
                            out,
                            lr,
                            init,
                            1,
                        ));
                    }
                }
            }
        }
    }
    let all7 = [X1, X2, X1Sq, X2Sq, X1X2, SinX1, SinX2];
    for (fs, fname) in [(&raw[..], "raw"), (&all7[..], "all"), (&sins[..], "sin")] {
        for (init, iname) in [(Uniform, "uniform"), (Xavier, "xavier")] {
            for (hidden, hname) in [
                (&[16, 16][..], "16-16"),
                (&[16, 16, 16][..], "16-16-16"),
                (&[8, 8, 8, 8][..], "8-8-8-8"),
                (&[12, 12, 12][..], "12-12-12"),
            ] {
                for lr in [0.03, 0.1, 0.3] {
                    v.push(setup(
                        &format!("gsum2/{fname}/{hname}/linear/{iname}/lr{lr}"),
                        GaussianSum,
                        fs,
                        hidden,
                        Out::Linear,
                        lr,
                        init,
                        1,
                    ));
                }
            }
        }
    }
    let sq = [X1, X2, X1Sq, X2Sq];
    for (fs, fname) in [(&sins[..], "sin"), (&sq[..], "sq"), (&all7[..], "all")] {
        for (hidden, hname) in [
            (&[8, 8][..], "8-8"),
            (&[8, 8, 8][..], "8-8-8"),
            (&[12, 12][..], "12-12"),
            (&[16, 16][..], "16-16"),
            (&[16][..], "16"),
        ] {
            for (out, oname) in [(Out::Linear, "linear"), (Out::LinearMse, "linear-mse")] {
                for (init, iname) in [(Uniform, "uniform"), (Xavier, "xavier")] {
                    for lr in [0.03, 0.1] {
                        v.push(setup(
                            &format!("gsum3/{fname}/{hname}/{oname}/{iname}/lr{lr}"),
                            GaussianSum,
                            fs,
                            hidden,
                            out,
                            lr,
                            init,
                            1,
                        ));
                    }
                }
            }
        }
    }
    for (hidden, hname) in [
        (&[4, 2][..], "4-2"),
        (&[8, 8][..], "8-8"),
        (&[8][..], "8"),
        (&[4, 4][..], "4-4"),
    ] {
        for (init, iname) in [(Uniform, "uniform"), (Xavier, "xavier")] {
            v.push(setup(
                &format!("spiral2/raw/{hname}/tanh/{iname}/lr0.03"),
                Spiral,
                &raw,
                hidden,
                Out::Tanh,
                0.03,
                init,
                1,
            ));
        }
    }
    for (hidden, hname) in [
        (&[4, 4][..], "4-4"),
        (&[6, 6][..], "6-6"),
        (&[4, 2][..], "4-2"),
        (&[6][..], "6"),
        (&[8][..], "8"),
    ] {
        for (init, iname) in [(Uniform, "uniform"), (Xavier, "xavier")] {
            v.push(setup(
                &format!("xor2/raw/{hname}/tanh/{iname}/lr0.03"),
                Xor,
                &raw,
                hidden,
                Out::Tanh,
                0.03,
                init,
                1,
            ));
        }
    }
    for noise in [0.1, 0.2, 0.3] {
        for (hidden, hname) in [(&[][..], "none"), (&[4, 2][..], "4-2"), (&[2][..], "2")] {
            for (init, iname) in [(Uniform, "uniform"), (Xavier, "xavier")] {
                let mut s = setup(
                    &format!("gauss2/noise{noise}/{hname}/tanh/{iname}/lr0.03"),
                    Gaussians,
                    &raw,
                    hidden,
                    Out::Tanh,
                    0.03,
                    init,
                    1,
                );
                s.noise = noise;
                v.push(s);
            }
        }
    }
    v.extend(presets());
    v
}

/// The settings chosen for the data-* presets (`presets/…`), the lessons their
/// descriptions state (`lesson/…`), and the alternatives they were chosen over (`alt/…`).
fn presets() -> Vec<Setup> {
    use Init::{Uniform, Xavier};
    use Kind::*;
    let raw = [X1, X2];
    let sins = [X1, X2, SinX1, SinX2];
    let mut gaussians = setup(
        "presets/data-gaussians",
        Gaussians,
        &raw,
        &[4, 2],
        Out::Tanh,
        0.03,
        Xavier,
        1,
    );
    gaussians.noise = 0.1;
    let mut v = vec![
        setup(
            "presets/data-circle",
            Circle,
            &raw,
            &[4, 2],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "presets/data-xor",
            Xor,
            &raw,
            &[4, 4],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        gaussians,
        setup(
            "presets/data-spiral",
            Spiral,
            &raw,
            &[12, 12, 12],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "presets/data-plane",
            Plane,
            &raw,
            &[4, 2],
            Out::LinearMse,
            0.03,
            Uniform,
            1,
        ),
        setup(
            "presets/data-gaussian-sum",
            GaussianSum,
            &sins,
            &[16, 16, 16],
            Out::LinearMse,
            0.05,
            Uniform,
            1,
        ),
        // What the features do: the spiral and XOR on a small net.
        setup(
            "lesson/spiral-sin-8",
            Spiral,
            &sins,
            &[8],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "lesson/spiral-sin-4-2",
            Spiral,
            &sins,
            &[4, 2],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "lesson/spiral-raw-4-2",
            Spiral,
            &raw,
            &[4, 2],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "lesson/spiral-raw-8-8",
            Spiral,
            &raw,
            &[8, 8],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "lesson/xor-x1x2-none",
            Xor,
            &[X1X2],
            &[],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "lesson/xor-raw-none",
            Xor,
            &raw,
            &[],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "lesson/circle-squares-none",
            Circle,
            &[X1Sq, X2Sq],
            &[],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "lesson/gaussians-none",
            Gaussians,
            &raw,
            &[],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "lesson/plane-none",
            Plane,
            &raw,
            &[],
            Out::LinearMse,
            0.03,
            Uniform,
            1,
        ),
        setup(
            "lesson/gaussian-sum-raw",
            GaussianSum,
            &raw,
            &[16, 16, 16],
            Out::LinearMse,
            0.05,
            Uniform,
            1,
        ),
        // Alternatives.
        setup(
            "alt/circle-uniform",
            Circle,
            &raw,
            &[4, 2],
            Out::Tanh,
            0.03,
            Uniform,
            1,
        ),
        setup(
            "alt/circle-sigmoid",
            Circle,
            &raw,
            &[4, 2],
            Out::Sigmoid,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "alt/circle-softmax",
            Circle,
            &raw,
            &[4, 2],
            Out::Softmax,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "alt/xor-4-2",
            Xor,
            &raw,
            &[4, 2],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "alt/spiral-8-8-8",
            Spiral,
            &raw,
            &[8, 8, 8],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "alt/spiral-16-16-16",
            Spiral,
            &raw,
            &[16, 16, 16],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "alt/spiral-uniform",
            Spiral,
            &raw,
            &[12, 12, 12],
            Out::Tanh,
            0.03,
            Uniform,
            1,
        ),
        setup(
            "alt/spiral-softmax",
            Spiral,
            &raw,
            &[12, 12, 12],
            Out::Softmax,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "alt/spiral-sigmoid",
            Spiral,
            &raw,
            &[12, 12, 12],
            Out::Sigmoid,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "alt/plane-xavier",
            Plane,
            &raw,
            &[4, 2],
            Out::LinearMse,
            0.03,
            Xavier,
            1,
        ),
        setup(
            "alt/plane-halfsse",
            Plane,
            &raw,
            &[4, 2],
            Out::Linear,
            0.03,
            Uniform,
            1,
        ),
        setup(
            "alt/gaussian-sum-halfsse",
            GaussianSum,
            &sins,
            &[16, 16, 16],
            Out::Linear,
            0.1,
            Uniform,
            1,
        ),
        setup(
            "alt/gaussian-sum-xavier",
            GaussianSum,
            &sins,
            &[16, 16, 16],
            Out::LinearMse,
            0.05,
            Xavier,
            1,
        ),
        setup(
            "alt/gaussian-sum-lr0.03",
            GaussianSum,
            &sins,
            &[16, 16, 16],
            Out::LinearMse,
            0.03,
            Uniform,
            1,
        ),
        setup(
            "alt/gaussian-sum-lr0.1",
            GaussianSum,
            &sins,
            &[16, 16, 16],
            Out::LinearMse,
            0.1,
            Uniform,
            1,
        ),
        setup(
            "alt/gaussian-sum-16-16",
            GaussianSum,
            &sins,
            &[16, 16],
            Out::LinearMse,
            0.05,
            Uniform,
            1,
        ),
        setup(
            "alt/gaussian-sum-12-12-12",
            GaussianSum,
            &sins,
            &[12, 12, 12],
            Out::LinearMse,
            0.05,
            Uniform,
            1,
        ),
        setup(
            "alt/gaussian-sum-8-8",
            GaussianSum,
            &sins,
            &[8, 8],
            Out::LinearMse,
            0.05,
            Uniform,
            1,
        ),
        setup(
            "alt/gaussian-sum-all-features",
            GaussianSum,
            &[X1, X2, X1Sq, X2Sq, X1X2, SinX1, SinX2],
            &[16, 16, 16],
            Out::LinearMse,
            0.05,
            Uniform,
            1,
        ),
        setup(
            "alt/spiral-12-12-12-12",
            Spiral,
            &raw,
            &[12, 12, 12, 12],
            Out::Tanh,
            0.03,
            Xavier,
            1,
        ),
    ];
    for s in &mut v {
        if s.name.starts_with("lesson/") && s.kind == Spiral {
            s.budget = 300_000;
        }
    }
    v
}

/// What the run measures at one point: accuracy (or R²) and loss, training and test.
struct Point {
    examples: u64,
    train: f64,
    test: f64,
    train_loss: f64,
    test_loss: f64,
}

fn measure(t: &Trainer, regression: bool) -> Point {
    let (a, b) = if regression {
        metric::r_squareds(t)
    } else {
        metric::accuracies(t)
    };
    Point {
        examples: t.examples,
        train: a.unwrap_or(f64::NAN),
        test: b.unwrap_or(f64::NAN),
        train_loss: t.train_loss(),
        test_loss: t.test_loss(),
    }
}

/// The run of `s` with seeds +k: its measurements every 1 000 examples.
fn run(s: &Setup, k: u64) -> Vec<Point> {
    let spec = Spec {
        kind: s.kind,
        points: s.points,
        noise: s.noise,
        test_fraction: s.test,
        seed: s.data_seed + k,
        features: s.features.clone(),
    };
    let (outputs, out_act, loss) = s.out.layer();
    let mut sizes = vec![s.features.len()];
    sizes.extend(&s.hidden);
    sizes.push(outputs);
    let mut acts = vec![s.act; s.hidden.len()];
    acts.push(out_act);
    let net = init::network(&sizes, &acts, loss, s.init, s.seed + k);
    let samples = dataset::generate(&spec);
    let (train, test) = dataset::split_features(&spec, &samples, &s.features, outputs, out_act);
    let mut t = Trainer::new(
        net,
        train,
        test,
        Config {
            rule: UpdateRule::sgd(s.lr),
            batch_size: s.batch,
        },
    );
    let regression = s.kind.is_regression();
    let mut points = vec![measure(&t, regression)];
    while t.examples < s.budget {
        let before = t.examples;
        while t.examples < before + 1000 {
            if !t.step() {
                return points;
            }
        }
        points.push(measure(&t, regression));
    }
    points
}

/// Examples at the first measurement with test ≥ target.
fn first_reach(points: &[Point], target: f64) -> Option<u64> {
    points.iter().find(|p| p.test >= target).map(|p| p.examples)
}

/// Examples from which test ≥ target at every later measurement.
fn stays(points: &[Point], target: f64) -> Option<u64> {
    let last_bad = points
        .iter()
        .rposition(|p| p.test.is_nan() || p.test < target);
    match last_bad {
        None => Some(0),
        Some(i) if i + 1 < points.len() => Some(points[i + 1].examples),
        Some(_) => None,
    }
}

fn show(n: Option<u64>) -> String {
    n.map_or("—".into(), |n| format!("{n}"))
}

fn main() {
    let mut curve = false;
    let mut seeds = 3;
    let mut budget: Option<u64> = None;
    let mut filters = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--curve" => curve = true,
            "--seeds" => seeds = args.next().and_then(|s| s.parse().ok()).unwrap_or(3),
            "--budget" => budget = args.next().and_then(|s| s.parse().ok()),
            _ => filters.push(a),
        }
    }
    if filters.is_empty() {
        filters.push("presets/".into());
    }
    let mut all = candidates();
    if let Some(b) = budget {
        all.iter_mut().for_each(|s| s.budget = b);
    }
    let chosen: Vec<&Setup> = all
        .iter()
        .filter(|s| {
            filters
                .iter()
                .any(|f| f == "all" || s.name.contains(f.as_str()))
        })
        .collect();
    println!("name\ttarget\tbudget\tper seed: first reach / stays from / final test (train)");
    for s in chosen {
        let mut cells = Vec::new();
        let mut met = 0;
        for k in 0..seeds {
            let points = run(s, k);
            let last = points.last().expect("one point at least");
            let (r, h) = (first_reach(&points, s.target), stays(&points, s.target));
            met += usize::from(r.is_some());
            cells.push(format!(
                "{}/{}/{:.3}({:.3})",
                show(r),
                show(h),
                last.test,
                last.train
            ));
            if curve && k == 0 {
                println!(
                    "# {} seed +0: examples train test train_loss test_loss",
                    s.name
                );
                for p in &points {
                    println!(
                        "{}\t{:.4}\t{:.4}\t{:.5}\t{:.5}",
                        p.examples, p.train, p.test, p.train_loss, p.test_loss
                    );
                }
            }
        }
        println!(
            "{}\t{}\t{}\t{met}/{seeds}\t{}",
            s.name,
            s.target,
            s.budget,
            cells.join("\t")
        );
    }
}
