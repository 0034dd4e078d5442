//! Forward mode against backprop and finite differences, and the cost table's counts:
//! every weight and bias of Mazur's example, of every fully connected preset and step
//! fixture agrees with the engine's backward pass to 1e-12; on random networks with
//! central differences; Mazur's and an 8 × 16 network's work counted by hand.

use backprop_lab::activation::Activation;
use backprop_lab::cost::Cost;
use backprop_lab::engine::Net;
use backprop_lab::forward_mode::{forward_mode, tangents, MlpParam, TangentKind};
use backprop_lab::gradcheck;
use backprop_lab::lab::Session;
use backprop_lab::lang::Lang;
use backprop_lab::loss::Loss;
use backprop_lab::network::{MlpSpec, MlpSpecLayer};
use backprop_lab::pass::Pass;
use backprop_lab::preset;
use backprop_lab::problem::Problem;
use backprop_lab::rng::Rng;
use backprop_lab::view::forward as view;

/// Every weight and bias of a fully connected network, unit by unit.
fn params(net: &Net) -> Vec<MlpParam> {
    let mut out = Vec::new();
    for (l, layer) in net.mlp_layers().enumerate() {
        for i in 0..layer.width() {
            out.extend((0..layer.fan_in()).map(|j| MlpParam::weight(l, i, j)));
            out.push(MlpParam::bias(l, i));
        }
    }
    out
}

/// Backprop's ∂L/∂w from the pass's backward sweep.
fn backprop(p: &Pass, w: MlpParam) -> f64 {
    match w.from {
        Some(j) => p.grad_w(w.layer, w.to, j),
        None => p.grad_b(w.layer)[w.to],
    }
}

/// Forward mode equals backprop on every parameter of `p` to 1e-12 (relative above 1);
/// returns how many were compared.
fn agrees_everywhere(p: &Pass, what: &str) -> usize {
    let all = params(&p.net);
    for &w in &all {
        let f = forward_mode(p, w, 4).unwrap();
        let bp = backprop(p, w);
        assert_eq!(
            f.backprop, bp,
            "{what} {w:?}: the panel shows the engine's gradient"
        );
        assert!(
            (f.value - bp).abs() <= 1e-12 * bp.abs().max(1.0),
            "{what} {w:?}: forward mode {} against backprop {bp}",
            f.value
        );
        let last = f.steps.last().unwrap();
        assert_eq!(last.kind, TangentKind::Loss);
        assert_eq!(
            last.tangents,
            [f.value],
            "{what} {w:?}: the loss step holds L̇"
        );
    }
    all.len()
}

#[test]
fn mazur_every_weight_and_bias() {
    let p = preset::get("mazur").unwrap().problem.pass();
    assert_eq!(agrees_everywhere(&p, "mazur"), 12);
    // Mazur's own ∂E/∂w1 and ∂E/∂w5, to his nine digits.
    let w1 = forward_mode(&p, MlpParam::weight(0, 0, 0), 9).unwrap();
    assert!((w1.value - 0.000438567734).abs() < 1e-12, "{}", w1.value);
    let w5 = forward_mode(&p, MlpParam::weight(1, 0, 0), 9).unwrap();
    assert!((w5.value - 0.0821670406).abs() < 1e-10, "{}", w5.value);
    let text = w5.steps.last().unwrap().text.plain.numbers.join("\n");
    assert!(text.contains("∂L/∂W(2)_11 = L̇ = 0.0821670406"), "{text}");
}

#[test]
fn every_fully_connected_preset() {
    let mut presets = 0;
    for name in preset::NAMES {
        let p = preset::get(name).unwrap().problem.pass();
        if !p.net.is_mlp() {
            let e = forward_mode(&p, MlpParam::bias(0, 0), 4).unwrap_err();
            assert!(e.to_string().contains("fully connected"), "{name}: {e}");
            continue;
        }
        assert!(agrees_everywhere(&p, name) > 0);
        presets += 1;
    }
    assert!(presets >= 15, "{presets} fully connected presets");
}

#[test]
fn every_step_fixture_and_pytorch() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") || name.starts_with("train-") {
            continue;
        }
        let v = backprop_lab::json::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let p = Problem::from_value(&v, "").unwrap().pass();
        agrees_everywhere(&p, &name);
        // PyTorch autograd's gradients, to the fixture's tolerance.
        let tol = v.get("tolerance").and_then(|t| t.as_f64()).unwrap();
        let layers = v.get("expected").unwrap().get("layers").unwrap();
        for w in params(&p.net) {
            let layer = &layers.as_array().unwrap()[w.layer];
            let exp = match w.from {
                Some(j) => layer.get("grad_weights").unwrap().as_array().unwrap()[w.to]
                    .as_array()
                    .unwrap()[j]
                    .as_f64(),
                None => layer.get("grad_biases").unwrap().as_array().unwrap()[w.to].as_f64(),
            }
            .unwrap();
            let got = forward_mode(&p, w, 4).unwrap().value;
            assert!(
                (got - exp).abs() <= tol * exp.abs().max(1.0),
                "{name} {w:?}: {got} against PyTorch's {exp}"
            );
        }
        seen += 1;
    }
    assert!(seen >= 4, "{seen} step fixtures");
}

/// A random fully connected network drawn from `seed`: 1–3 layers of 1–5 units, any
/// activation, any loss (softmax under cross-entropy), with its example.
fn random_problem(seed: u64) -> Problem {
    const HIDDEN: [Activation; 5] = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::LeakyRelu,
        Activation::Linear,
    ];
    let mut r = Rng::new(seed);
    let loss = [Loss::HalfSse, Loss::Mse, Loss::CrossEntropy][r.below(3)];
    let depth = 1 + r.below(3);
    let inputs = 1 + r.below(4);
    let mut fan = inputs;
    let mut layers = Vec::new();
    for l in 0..depth {
        let last = l + 1 == depth;
        let width = if last && loss == Loss::CrossEntropy {
            2 + r.below(3)
        } else {
            1 + r.below(5)
        };
        layers.push(MlpSpecLayer {
            activation: if last && loss == Loss::CrossEntropy {
                Activation::Softmax
            } else {
                HIDDEN[r.below(HIDDEN.len())]
            },
            weights: (0..width)
                .map(|_| (0..fan).map(|_| r.uniform(-1.5, 1.5)).collect())
                .collect(),
            biases: (0..width).map(|_| r.uniform(-1.0, 1.0)).collect(),
        });
        fan = width;
    }
    let mut target: Vec<f64> = (0..fan).map(|_| r.unit()).collect();
    if loss == Loss::CrossEntropy {
        target.iter_mut().for_each(|t| *t = 0.0);
        target[r.below(fan)] = 1.0;
    }
    let p = Problem {
        net: MlpSpec { layers, loss }.into_net(),
        input: (0..inputs).map(|_| r.uniform(-2.0, 2.0)).collect(),
        target,
        learning_rate: 0.1,
        weight_decay: 0.0,
        freeze_biases: false,
    };
    p.validate().unwrap();
    p
}

#[test]
fn random_networks_against_finite_differences() {
    let mut compared = 0;
    for seed in 0..300 {
        let problem = random_problem(seed);
        let p = problem.pass();
        // Finite differences are meaningless across a ReLU kink: skip z within 1e-3 of 0.
        let near_kink = p.net.mlp_layers().enumerate().any(|(l, layer)| {
            matches!(layer.activation, Activation::Relu | Activation::LeakyRelu)
                && p.z(l).iter().any(|v| v.abs() < 1e-3)
        });
        agrees_everywhere(&p, &format!("seed {seed}"));
        if near_kink {
            continue;
        }
        for w in params(&p.net) {
            let fm = forward_mode(&p, w, 4).unwrap().value;
            let num = gradcheck::numeric(&p.net, p.input(), &p.target, w.layer, w.to, w.from);
            // A central difference carries rounding of about ε·|L|/h: tiny gradients
            // are compared absolutely, with margin (as tests/gradient_test.rs does).
            let floor = 1e-8 * (1.0 + p.loss.abs());
            assert!(
                gradcheck::rel(fm, num) < 1e-5 || (fm - num).abs() < floor,
                "seed {seed} {w:?}: forward mode {fm}, finite differences {num}"
            );
            compared += 1;
        }
    }
    assert!(compared > 1000, "{compared} parameters compared");
}

#[test]
fn the_values_carried_are_the_forward_pass_s() {
    for seed in 0..50 {
        let p = random_problem(seed).pass();
        for w in params(&p.net) {
            let tg = tangents(&p.net, p.input(), &p.target, w);
            for l in 0..p.depth() {
                let z: Vec<f64> = tg.z[l].iter().map(|d| d.value).collect();
                assert_eq!(z, p.z(l), "seed {seed} {w:?} z({l})");
                let a: Vec<f64> = tg.a[l].iter().map(|d| d.value).collect();
                assert_eq!(a, p.a(l), "seed {seed} {w:?} a({l})");
                // Below the parameter's layer nothing depends on it.
                if l < w.layer {
                    assert!(tg.a[l].iter().all(|d| d.tangent == 0.0));
                }
            }
            assert_eq!(tg.loss.value, p.loss);
        }
    }
}

/// The fixture shape of a fully connected network of `sizes`, every weight drawn.
fn deep_problem(sizes: &[usize]) -> Problem {
    let mut r = Rng::new(7);
    let layers = sizes
        .windows(2)
        .enumerate()
        .map(|(l, w)| MlpSpecLayer {
            activation: if l + 2 == sizes.len() {
                Activation::Sigmoid
            } else {
                Activation::Tanh
            },
            weights: (0..w[1])
                .map(|_| (0..w[0]).map(|_| r.uniform(-0.5, 0.5)).collect())
                .collect(),
            biases: vec![0.1; w[1]],
        })
        .collect();
    Problem {
        net: MlpSpec {
            layers,
            loss: Loss::HalfSse,
        }
        .into_net(),
        input: vec![0.5, -0.3],
        target: vec![1.0],
        learning_rate: 0.1,
        weight_decay: 0.0,
        freeze_biases: false,
    }
}

#[test]
fn cost_of_mazur() {
    let c = Cost::of(&preset::get("mazur").unwrap().problem.net).unwrap();
    assert_eq!(c.params, 12);
    assert_eq!(c.forward_pass, 8);
    assert_eq!(c.backward_pass, 12);
    assert_eq!(c.backprop, 20);
    assert_eq!(c.tangent_pass, 16);
    assert_eq!(c.forward_mode, 192);
    assert_eq!(c.finite_differences, 192);
    assert_eq!(c.forward_mode_ratio(), 9.6);
}

#[test]
fn cost_of_an_8_by_16_network() {
    // 2 inputs, 8 hidden layers of 16 units, 1 output (the benchmark's 8 × 16 net).
    let sizes = [2, 16, 16, 16, 16, 16, 16, 16, 16, 1];
    let problem = deep_problem(&sizes);
    let c = Cost::of(&problem.net).unwrap();
    // Weights: 2·16 + 7·16·16 + 16·1; biases: 8·16 + 1.
    assert_eq!(c.weights, 32 + 7 * 256 + 16);
    assert_eq!(c.biases, 129);
    assert_eq!(c.params, 1969);
    assert_eq!(c.forward_pass, 1840);
    // ∂L/∂W of every layer, and δ down through every layer but the first (all but 2·16).
    assert_eq!(c.backward_pass, 1840 + 1840 - 32);
    assert_eq!(c.backprop, 5488);
    assert_eq!(c.forward_mode, 1969 * 3680);
    assert_eq!(c.forward_mode, 7_245_920);
    assert_eq!(c.finite_differences, 2 * 1969 * 1840);
    assert!((c.forward_mode_ratio() - 1320.32).abs() < 0.01);
    // …and forward mode still agrees with backprop on this net's first and last weights.
    let p = problem.pass();
    for w in [MlpParam::weight(0, 0, 0), MlpParam::weight(8, 0, 15)] {
        let f = forward_mode(&p, w, 4).unwrap();
        assert!((f.value - f.backprop).abs() <= 1e-12 * f.backprop.abs().max(1.0));
    }
}

/// Runs of Latin letters (with `_`) holding two letters in a row that are not a name
/// the interface keeps in Chinese too (the e2e tests' rule: `y_u`, `Σ_m` are notation).
fn english(text: &str) -> Vec<String> {
    const ALLOWED: [&str; 8] = [
        "sigmoid",
        "tanh",
        "relu",
        "lrelu",
        "leaky_relu",
        "linear",
        "softmax",
        "log",
    ];
    let two_letters = |w: &str| {
        w.as_bytes()
            .windows(2)
            .any(|p| p[0].is_ascii_alphabetic() && p[1].is_ascii_alphabetic())
    };
    text.split(|c: char| !(c.is_ascii_alphabetic() || c == '_'))
        .filter(|w| two_letters(w) && !ALLOWED.contains(w))
        .map(String::from)
        .collect()
}

#[test]
fn views_speak_both_languages_and_chinese_has_no_english_word() {
    assert_eq!(
        english("损失 L̇ = Σ_u y_u softmax loss"),
        ["loss"],
        "the check finds words"
    );
    for name in [
        "mazur",
        "softmax-3class",
        "relu-regression",
        "dead-relu",
        "xor",
    ] {
        let s = Session::from_preset(name).unwrap();
        for w in params(&s.trace().pass.net) {
            let en = view::forward_mode(&s, w, Lang::En).unwrap();
            let zh = view::forward_mode(&s, w, Lang::Zh).unwrap();
            assert_eq!(en.steps.len(), zh.steps.len());
            assert_eq!(en.value, zh.value);
            let mut texts = vec![zh.title.clone(), zh.note.clone()];
            texts.extend([zh.labels.forward.clone(), zh.labels.backprop.clone()]);
            texts.extend([zh.labels.difference.clone(), zh.pick_hint.clone()]);
            for st in &zh.steps {
                texts.extend([st.title.clone(), st.note.clone()]);
                texts.extend(st.symbols.iter().cloned());
                texts.extend(st.numbers.iter().cloned());
            }
            for t in &texts {
                assert!(
                    english(t).is_empty(),
                    "{name} {w:?}: {:?} in «{t}»",
                    english(t)
                );
            }
            assert!(en.title.contains("Forward mode"), "{}", en.title);
        }
        let zh = view::cost(&s, Lang::Zh).unwrap();
        let mut texts = vec![zh.title, zh.network, zh.counted, zh.why];
        texts.extend(zh.headers);
        for r in zh.rows {
            texts.extend([r.name, r.passes, r.how, r.count, r.ratio_text]);
        }
        for t in &texts {
            // P, F, B, W, L are the table's symbols (single letters): allowed above.
            assert!(english(t).is_empty(), "{name}: {:?} in «{t}»", english(t));
        }
    }
}

#[test]
fn the_cursor_picks_the_matching_step() {
    let mut s = Session::from_preset("mazur").unwrap();
    let w = MlpParam::weight(0, 1, 0);
    let kinds: Vec<(Option<usize>, bool)> = (0..s.stepper().len())
        .map(|c| {
            s.stepper_mut().seek(c).unwrap();
            let v = view::forward_mode(&s, w, Lang::En).unwrap();
            (v.current, v.revealed)
        })
        .collect();
    // start, z(1), a(1), z(2), a(2), L; then the backward pass and the update.
    let current: Vec<Option<usize>> = kinds.iter().map(|k| k.0).collect();
    assert_eq!(
        current,
        [
            Some(0),
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            None,
            None,
            None,
            None,
            None
        ]
    );
    // ∂L/∂W(1)_21 is revealed at layer 1's gradients step (9), not before.
    let revealed: Vec<bool> = kinds.iter().map(|k| k.1).collect();
    assert_eq!(revealed.iter().position(|&r| r), Some(9));
}

#[test]
fn cost_view_figures_and_cnn_refusal() {
    let s = Session::from_preset("mazur").unwrap();
    let v = view::cost(&s, Lang::En).unwrap();
    assert_eq!(v.params, 12);
    let counts: Vec<u64> = v.rows.iter().map(|r| r.multiply_adds).collect();
    assert_eq!(counts, [20, 192, 192]);
    assert_eq!(v.rows[1].ratio_text, "9.6×");
    assert_eq!(v.rows[1].passes, "P = 12");
    assert!(
        v.network.starts_with("Network 2-2-2: P = 12 parameters"),
        "{}",
        v.network
    );
    assert!(
        v.why.contains("192 multiply-adds, 9.6 times as many"),
        "{}",
        v.why
    );
    let cnn = Session::from_preset("cnn-edge").unwrap();
    let e = view::cost(&cnn, Lang::Zh).unwrap_err();
    assert!(
        e.render(Lang::Zh).contains("全连接"),
        "{}",
        e.render(Lang::Zh)
    );
}
