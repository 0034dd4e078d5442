//! The engine of layers (`src/engine`): the CNN fixtures through `backprop-lab check`'s
//! code path, central finite differences on seeded random networks for every
//! situation the hidden fixtures name (stride, padding, ties, overlapping windows,
//! deeper nets, every loss), round trips of the JSON, the messages of bad input, and
//! bit-identical numbers against `crate::network` for fully connected networks.

use backprop_lab::activation::Activation;
use backprop_lab::engine::{
    self, gradcheck, Conv, Dense, Layer, Net, Pass, Pool, Shape, Workspace,
};
use backprop_lab::fixture;
use backprop_lab::json::{self, Value};
use backprop_lab::loss::Loss;
use backprop_lab::network::UpdateRule;
use backprop_lab::problem::Problem;
use backprop_lab::rng::Rng;
use backprop_lab::view::cnn;
use backprop_lab::vocab::Named;
use std::path::{Path, PathBuf};

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "json"));
    v.sort();
    v
}

fn cnn_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cnn")
}

/// Checks every fixture in `dir`; returns (file, worst deviation) of each.
fn check_dir(dir: &Path) -> Vec<(String, f64)> {
    json_files(dir)
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let r = fixture::check_text(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert!(r.passed(), "{}: {:?}", f.display(), r.failures);
            assert!(
                r.worst < 1e-12,
                "{}: deviation {} at {}",
                f.display(),
                r.worst,
                r.worst_at
            );
            (f.display().to_string(), r.worst)
        })
        .collect()
}

#[test]
fn public_cnn_fixtures_pass() {
    let results = check_dir(&cnn_dir());
    assert_eq!(results.len(), 3);
    for (f, worst) in results {
        println!("{f}: worst deviation {worst:e}");
    }
}

#[test]
fn shared_cnn_fixtures_pass_when_present() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/cnn");
    if dir.exists() {
        assert!(check_dir(&dir).len() >= 3);
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI: {} is missing",
            dir.display()
        );
    }
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(cnn_dir().join(name)).unwrap()
}

fn fixture_value(name: &str) -> Value {
    json::parse(&fixture_text(name)).unwrap()
}

#[test]
fn a_wrong_expected_number_or_winner_fails() {
    let text = fixture_text("cnn-edge-conv-relu-maxpool-ce.json");
    let wrong = text.replace(
        "\"loss\": 1.7922278974706778",
        "\"loss\": 1.7922288974706778",
    );
    let r = fixture::check_text(&wrong).unwrap();
    assert!(
        !r.passed() && r.failures[0].contains("expected.loss"),
        "{:?}",
        r.failures
    );
    // The first window's tie (1.6 at index 1 and at index 5) goes to index 1.
    let mut v = json::parse(&text).unwrap();
    let mut exp = v["expected"].clone();
    let Value::Array(layers) = exp.get("layers").unwrap().clone() else {
        panic!()
    };
    let mut pool = layers[2].clone();
    pool.set("argmax", json::parse("[[[5, 2], [13, 10]]]").unwrap());
    let mut layers = layers;
    layers[2] = pool;
    exp.set("layers", Value::Array(layers));
    v.set("expected", exp);
    let r = fixture::check(&v).unwrap();
    assert!(!r.passed(), "a tie given to the later cell must fail");
    assert!(
        r.failures[0].contains("argmax[0][0][0]"),
        "{:?}",
        r.failures
    );
}

#[test]
fn the_expected_block_written_by_the_engine_checks_exactly() {
    for f in json_files(&cnn_dir()) {
        let mut v = json::parse(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let pass = Problem::from_value(&v, "").unwrap().pass();
        let (dims, wdims) = (cnn::dims(&pass), cnn::weight_nesting(&pass.net));
        v.set(
            "expected",
            json::to_value(&cnn::CnnPassView::of(&pass, &dims, &wdims)),
        );
        let r = fixture::check(&v).unwrap();
        assert!(r.passed() && r.worst == 0.0, "{}: {}", f.display(), r.worst);
    }
}

#[test]
fn problems_round_trip_through_json() {
    for f in json_files(&cnn_dir()) {
        let p = Problem::from_value(
            &json::parse(&std::fs::read_to_string(&f).unwrap()).unwrap(),
            "",
        )
        .unwrap();
        let text = json::to_value(&p).to_pretty();
        let back = Problem::from_value(&json::parse(&text).unwrap(), "").unwrap();
        assert_eq!(back, p, "{}", f.display());
        let v = json::parse(&text).unwrap();
        let fv = fixture_value(f.file_name().unwrap().to_str().unwrap());
        assert_eq!(
            v["network"]["layers"][0]["weights"],
            fv["network"]["layers"][0]["weights"]
        );
        assert_eq!(v["input"], fv["input"], "the input is written C×H×W");
    }
}

// ---- messages of bad input ----

fn error_of(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = fixture_value("cnn-lenet-tiny-ce.json");
    edit(&mut v);
    let e = Problem::from_value(&v, "").unwrap_err();
    // Every refusal speaks Chinese too.
    let zh = e.kind.render(backprop_lab::lang::Lang::Zh);
    assert!(
        zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{zh}"
    );
    e.to_string()
}

fn layer_mut(v: &mut Value, l: usize) -> &mut Value {
    let Value::Object(top) = v else { panic!() };
    let net = &mut top.iter_mut().find(|(k, _)| k == "network").unwrap().1;
    let Value::Object(nf) = net else { panic!() };
    let layers = &mut nf.iter_mut().find(|(k, _)| k == "layers").unwrap().1;
    let Value::Array(ls) = layers else { panic!() };
    &mut ls[l]
}

/// A change to a fixture that makes it invalid.
type Edit = Box<dyn FnOnce(&mut Value)>;

#[test]
fn bad_networks_are_named_by_place() {
    let cases: Vec<(Edit, &str)> = vec![
        (Box::new(|v| layer_mut(v, 0).set("kernel", Value::Number(9.0))), "network.layers[0].weights[0][0]: 3 entries, expected 9 (as kernel says)"),
        (Box::new(|v| layer_mut(v, 2).set("padding", Value::Number(2.0))), "network.layers[2].padding: 2 is more than half the kernel 2"),
        (Box::new(|v| layer_mut(v, 2).set("strides", Value::Number(2.0))), "network.layers[2]: unknown field \"strides\""),
        (Box::new(|v| layer_mut(v, 1).set("type", Value::String("swish".into()))), "network.layers[1].type: unknown layer type \"swish\""),
        (Box::new(|v| layer_mut(v, 6).set("type", Value::String("relu".into()))), "network.layers[7]: dense needs a vector input, but its input is a 4×1×1 map (put a flatten before it)"),
        (Box::new(|v| layer_mut(v, 3).set("stride", Value::Number(5.0))), "network.layers[3].stride: 5 is out of range (1 to 4)"),
        (Box::new(|v| layer_mut(v, 5).set("kernel", Value::Number(7.0))), "network.layers[5].kernel: a 7×7 window does not fit the 4×3×3 input"),
        (Box::new(|v| layer_mut(v, 8).set("type", Value::String("sigmoid".into()))), "network.loss: cross_entropy needs a softmax output layer (the last layer is sigmoid)"),
        (Box::new(|v| layer_mut(v, 7).set("type", Value::String("softmax".into()))), "network.layers[7]: unknown field \"weights\" (a softmax layer has no fields but type)"),
        (Box::new(|v| v.set("input", json::parse("[[[1, 2]]]").unwrap())), "input[0]: 1 entries, expected 10 (as input_shape[1] says)"),
        (Box::new(|v| v.set("target", json::parse("[0.5, 0.6, -0.1]").unwrap())), "target[2]: cross_entropy needs probabilities"),
        (Box::new(|v| v.set("learning_rate", Value::Number(0.0))), "learning_rate: 0 is not a usable learning rate"),
    ];
    for (edit, want) in cases {
        let e = error_of(edit);
        assert!(e.contains(want), "got: {e}\nwant: {want}");
    }
}

#[test]
fn bad_values_and_limits_are_named() {
    let e = error_of(|v| {
        let l = layer_mut(v, 3);
        let mut w = l["weights"].clone();
        let Value::Array(o) = &mut w else { panic!() };
        let Value::Array(c) = &mut o[1] else { panic!() };
        let Value::Array(u) = &mut c[2] else { panic!() };
        let Value::Array(vv) = &mut u[0] else {
            panic!()
        };
        vv[1] = Value::Number(2e6);
        l.set("weights", w);
    });
    assert!(
        e.starts_with("network.layers[3].weights[1][2][0][1]: 2e6 is out of range"),
        "{e}"
    );
    let e = error_of(|v| {
        v.set(
            "network",
            json::parse(
                r#"{"input_shape": [1, 40, 4], "layers": [{"type": "flatten"}], "loss": "mse"}"#,
            )
            .unwrap(),
        )
    });
    assert_eq!(e, "network.input_shape[1]: 40 rows, expected 1 to 32");
    let e = error_of(|v| {
        v.set(
            "network",
            json::parse(
                r#"{"input_shape": [1, 2, 2], "layers": [{"type": "relu"}], "loss": "mse"}"#,
            )
            .unwrap(),
        )
    });
    assert!(
        e.starts_with("network.layers: the output is a 1×2×2 map"),
        "{e}"
    );
    let e = error_of(|v| {
        v.set(
            "network",
            json::parse(r#"{"input_shape": [2, 2], "layers": [], "loss": "mse"}"#).unwrap(),
        )
    });
    assert!(
        e.starts_with("network.input_shape: 2 numbers, expected [C, H, W]"),
        "{e}"
    );
    let e = error_of(|v| {
        v.set("network", json::parse(r#"{"input_shape": [3], "layers": [{"type": "softmax"}, {"type": "linear"}], "loss": "mse"}"#).unwrap())
    });
    assert_eq!(
        e,
        "network.layers[0].type: softmax is only allowed on the last layer"
    );
}

// ---- central finite differences on seeded random networks ----

/// A layer to build, its parameters drawn at random.
#[derive(Clone, Copy)]
enum L {
    /// out_channels, kernel, stride, padding
    Conv(usize, usize, usize, usize),
    /// kernel, stride, padding
    Max(usize, usize, usize),
    Avg(usize, usize, usize),
    Flatten,
    Dense(usize),
    Act(Activation),
}

fn random(rng: &mut Rng, n: usize, scale: f64) -> Vec<f64> {
    (0..n).map(|_| rng.uniform(-scale, scale)).collect()
}

fn build(rng: &mut Rng, input_shape: Shape, spec: &[L], loss: Loss) -> Net {
    let mut shape = input_shape;
    let mut layers = Vec::new();
    for s in spec {
        let layer = match *s {
            L::Conv(o, k, st, p) => {
                let c = shape.chw().0;
                let mut conv = Conv::zeros(c, o, k, st, p);
                let scale = 1.5 / ((c * k * k) as f64).sqrt();
                conv.weights = random(rng, conv.weights.len(), scale);
                conv.biases = random(rng, o, 0.3);
                Layer::Conv(conv)
            }
            L::Max(kernel, stride, padding) => Layer::MaxPool(Pool {
                kernel,
                stride,
                padding,
            }),
            L::Avg(kernel, stride, padding) => Layer::AvgPool(Pool {
                kernel,
                stride,
                padding,
            }),
            L::Flatten => Layer::Flatten,
            L::Dense(units) => {
                let mut d = Dense::zeros(shape.len(), units);
                d.weights = random(rng, d.weights.len(), 1.5 / (shape.len() as f64).sqrt());
                d.biases = random(rng, units, 0.3);
                Layer::Dense(d)
            }
            L::Act(a) => Layer::Activation(a),
        };
        shape = layer.out_shape(shape).unwrap_or_else(|e| panic!("{e}"));
        layers.push(layer);
    }
    let net = Net {
        input_shape,
        layers,
        loss,
    };
    net.validate().unwrap();
    net
}

fn target_for(rng: &mut Rng, net: &Net) -> Vec<f64> {
    let n = net.output_shape().unwrap().len();
    if net.loss == Loss::CrossEntropy {
        let mut t = vec![0.0; n];
        t[rng.below(n)] = 1.0;
        t
    } else {
        random(rng, n, 1.0)
    }
}

/// Backprop against central differences for every parameter and every input value.
fn assert_gradients(net: &Net, x: &[f64], t: &[f64], what: &str) {
    let r = gradcheck::check(net, x, t);
    for e in &r.entries {
        let err = (e.backprop - e.numeric).abs();
        assert!(
            err <= 1e-7 * e.backprop.abs().max(1.0),
            "{what}: {}: backprop {} vs numeric {}",
            net.param_name(e.param),
            e.backprop,
            e.numeric
        );
    }
    for (j, (b, n)) in r.input_backprop.iter().zip(&r.input_numeric).enumerate() {
        assert!(
            (b - n).abs() <= 1e-7 * b.abs().max(1.0),
            "{what}: ∂L/∂x[{j}]: {b} vs {n}"
        );
    }
}

fn head(loss: Loss, rng: &mut Rng) -> Vec<L> {
    let out = [Activation::Linear, Activation::Sigmoid, Activation::Tanh][rng.below(3)];
    match loss {
        Loss::CrossEntropy => vec![L::Flatten, L::Dense(3), L::Act(Activation::Softmax)],
        _ => vec![L::Flatten, L::Dense(2), L::Act(out)],
    }
}

const HIDDEN: [Activation; 5] = [
    Activation::Relu,
    Activation::LeakyRelu,
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Linear,
];

#[test]
fn conv_stride_padding_and_channels_match_finite_differences() {
    let mut rng = Rng::new(2026);
    let mut cases = 0;
    for stride in 1..=3 {
        for padding in 0..=2 {
            for kernel in [1, 2, 3] {
                if padding > kernel {
                    continue;
                }
                let loss = Loss::ALL[rng.below(3)];
                let c = 1 + rng.below(3);
                let input = Shape::map(c, 5 + rng.below(3), 5 + rng.below(3));
                let mut spec = vec![
                    L::Conv(1 + rng.below(3), kernel, stride, padding),
                    L::Act(HIDDEN[rng.below(5)]),
                ];
                spec.extend(head(loss, &mut rng));
                let net = build(&mut rng, input, &spec, loss);
                let x = random(&mut rng, input.len(), 1.0);
                let t = target_for(&mut rng, &net);
                assert_gradients(
                    &net,
                    &x,
                    &t,
                    &format!("k{kernel} s{stride} p{padding} c{c} {}", loss.name()),
                );
                cases += 1;
            }
        }
    }
    assert!(cases >= 20);
}

#[test]
fn every_loss_and_output_pairing_matches_finite_differences() {
    let mut rng = Rng::new(3);
    let outs = [
        (Loss::HalfSse, Activation::Sigmoid),
        (Loss::HalfSse, Activation::Linear),
        (Loss::Mse, Activation::Tanh),
        (Loss::Mse, Activation::LeakyRelu),
        // Softmax under a squared loss goes through the Jacobian.
        (Loss::Mse, Activation::Softmax),
        (Loss::HalfSse, Activation::Softmax),
        (Loss::CrossEntropy, Activation::Softmax),
    ];
    for (loss, out) in outs {
        let input = Shape::map(2, 6, 6);
        let spec = [
            L::Conv(2, 3, 1, 1),
            L::Act(Activation::Tanh),
            L::Avg(2, 2, 0),
            L::Flatten,
            L::Dense(3),
            L::Act(out),
        ];
        let net = build(&mut rng, input, &spec, loss);
        let x = random(&mut rng, input.len(), 1.0);
        let mut t = target_for(&mut rng, &net);
        if loss == Loss::CrossEntropy {
            t = vec![0.2, 0.5, 0.3];
        }
        assert_gradients(&net, &x, &t, &format!("{} / {}", loss.name(), out.name()));
    }
}

#[test]
fn max_pool_ties_route_to_the_first_and_match_finite_differences() {
    // Ties in the input itself: the routing is fixed, so the parameters downstream
    // have ordinary derivatives; the winners are the first in row-major order.
    let mut rng = Rng::new(4);
    let input = Shape::map(1, 4, 4);
    #[rustfmt::skip]
    let x = [
        0.5, 0.5, -1.0, 0.2,
        0.5, 0.5,  0.2, 0.2,
        0.1, 0.9,  0.3, 0.3,
        0.9, 0.0,  0.3, 0.3,
    ];
    let spec = [
        L::Max(2, 2, 0),
        L::Flatten,
        L::Dense(2),
        L::Act(Activation::Softmax),
    ];
    let net = build(&mut rng, input, &spec, Loss::CrossEntropy);
    let t = [0.0, 1.0];
    let pass = Pass::run(&net, &x, &t, UpdateRule::sgd(0.1));
    assert_eq!(pass.outputs[0], [0.5, 0.2, 0.9, 0.3]);
    assert_eq!(pass.argmax[0], [0, 3, 9, 10]);
    let g = &pass.grad_inputs[1];
    let mut want = vec![0.0; 16];
    for (k, &at) in [0, 3, 9, 10].iter().enumerate() {
        want[at] = g[k];
    }
    assert_eq!(
        pass.grad_inputs[0], want,
        "each gradient goes to its first winner only"
    );
    let r = gradcheck::check(&net, &x, &t);
    for e in &r.entries {
        assert!(
            (e.backprop - e.numeric).abs() < 1e-8,
            "{}",
            net.param_name(e.param)
        );
    }
    // Ties after a ReLU (dead units are all 0): still one winner a window.
    let input = Shape::map(1, 7, 7);
    let mut spec = vec![
        L::Conv(2, 2, 1, 0),
        L::Act(Activation::Relu),
        L::Max(2, 2, 0),
    ];
    spec.extend(head(Loss::CrossEntropy, &mut rng));
    let mut net = build(&mut rng, input, &spec, Loss::CrossEntropy);
    if let Layer::Conv(c) = &mut net.layers[0] {
        c.biases = vec![-0.6, -0.4];
    }
    let x = random(&mut rng, input.len(), 1.0);
    let t = target_for(&mut rng, &net);
    let pass = Pass::run(&net, &x, &t, UpdateRule::sgd(0.1));
    let zeros = pass.outputs[1].iter().filter(|&&v| v == 0.0).count();
    assert!(zeros > 10, "enough dead units to tie: {zeros}");
    assert_gradients(&net, &x, &t, "ties after relu");
}

#[test]
fn max_pool_padding_never_wins_over_negative_values() {
    let mut rng = Rng::new(5);
    for (k, s, p) in [
        (2, 2, 1),
        (3, 2, 1),
        (3, 1, 1),
        (2, 1, 1),
        (4, 2, 2),
        (5, 3, 2),
    ] {
        let input = Shape::map(2, 5, 5);
        let spec = [
            L::Max(k, s, p),
            L::Flatten,
            L::Dense(2),
            L::Act(Activation::Linear),
        ];
        let net = build(&mut rng, input, &spec, Loss::Mse);
        // Every real value negative: a zero padding cell would win if it were allowed.
        let x: Vec<f64> = (0..input.len()).map(|_| rng.uniform(-2.0, -0.5)).collect();
        let t = target_for(&mut rng, &net);
        let pass = Pass::run(&net, &x, &t, UpdateRule::sgd(0.1));
        assert!(
            pass.outputs[0].iter().all(|&v| v < -0.5),
            "k{k} s{s} p{p}: {:?}",
            pass.outputs[0]
        );
        let (_, h, w) = input.chw();
        for (cell, &at) in pass.argmax[0].iter().enumerate() {
            let c = cell / (pass.outputs[0].len() / 2);
            assert!(at < h * w);
            assert_eq!(pass.outputs[0][cell], x[c * h * w + at]);
        }
        assert_gradients(&net, &x, &t, &format!("max pool k{k} s{s} p{p}"));
    }
    // After a conv whose biases push every value below 0.
    let input = Shape::map(1, 6, 6);
    let spec = [
        L::Conv(2, 3, 1, 1),
        L::Max(3, 2, 1),
        L::Flatten,
        L::Dense(3),
        L::Act(Activation::Softmax),
    ];
    let mut net = build(&mut rng, input, &spec, Loss::CrossEntropy);
    if let Layer::Conv(c) = &mut net.layers[0] {
        c.biases = vec![-6.0, -5.5];
    }
    let x = random(&mut rng, input.len(), 1.0);
    let pass = Pass::run(&net, &x, &[1.0, 0.0, 0.0], UpdateRule::sgd(0.1));
    assert!(pass.outputs[0].iter().all(|&v| v < 0.0));
    assert!(pass.outputs[1].iter().all(|&v| v < 0.0));
    assert_gradients(&net, &x, &[1.0, 0.0, 0.0], "conv then padded max pool");
}

#[test]
fn overlapping_and_padded_pools_match_finite_differences() {
    let mut rng = Rng::new(6);
    let pools = [
        L::Max(3, 2, 0),
        L::Max(2, 1, 0),
        L::Max(3, 1, 1),
        L::Avg(2, 1, 0),
        L::Avg(3, 2, 1),
        L::Avg(2, 2, 1),
        L::Avg(3, 1, 1),
    ];
    for pool in pools {
        for &loss in Loss::ALL {
            let input = Shape::map(1 + rng.below(2), 7, 7);
            let mut spec = vec![L::Conv(2, 2, 1, 0), L::Act(HIDDEN[rng.below(5)]), pool];
            spec.extend(head(loss, &mut rng));
            let net = build(&mut rng, input, &spec, loss);
            let x = random(&mut rng, input.len(), 1.0);
            let t = target_for(&mut rng, &net);
            assert_gradients(&net, &x, &t, loss.name());
        }
    }
    // Average pooling with padding as the first layer (its ∂L/∂x is checked too).
    let input = Shape::map(1, 4, 4);
    let spec = [
        L::Avg(2, 2, 1),
        L::Conv(2, 2, 1, 0),
        L::Act(Activation::Tanh),
        L::Flatten,
        L::Dense(3),
        L::Act(Activation::Softmax),
    ];
    let net = build(&mut rng, input, &spec, Loss::CrossEntropy);
    let x = random(&mut rng, input.len(), 1.0);
    assert_gradients(&net, &x, &[0.0, 0.0, 1.0], "avg pool padding first");
}

#[test]
fn deeper_stacks_match_finite_differences() {
    let mut rng = Rng::new(8);
    let stacks: Vec<(Shape, Vec<L>, Loss)> = vec![
        (
            Shape::map(1, 12, 12),
            vec![
                L::Conv(3, 3, 1, 1),
                L::Act(Activation::Relu),
                L::Max(2, 2, 0),
                L::Conv(4, 3, 1, 1),
                L::Act(Activation::Relu),
                L::Max(2, 2, 0),
                L::Flatten,
                L::Dense(8),
                L::Act(Activation::Relu),
                L::Dense(3),
                L::Act(Activation::Softmax),
            ],
            Loss::CrossEntropy,
        ),
        (
            Shape::map(2, 11, 11),
            vec![
                L::Conv(3, 3, 2, 1),
                L::Act(Activation::Tanh),
                L::Avg(2, 1, 0),
                L::Conv(2, 2, 1, 0),
                L::Act(Activation::Sigmoid),
                L::Max(2, 2, 1),
                L::Flatten,
                L::Dense(2),
                L::Act(Activation::Linear),
            ],
            Loss::Mse,
        ),
        (
            Shape::map(1, 9, 9),
            vec![
                L::Conv(2, 3, 1, 0),
                L::Act(Activation::Sigmoid),
                L::Conv(2, 3, 1, 0),
                L::Act(Activation::Sigmoid),
                L::Conv(2, 3, 1, 0),
                L::Act(Activation::Sigmoid),
                L::Flatten,
                L::Dense(2),
                L::Act(Activation::Sigmoid),
            ],
            Loss::Mse,
        ),
        (
            Shape::map(3, 8, 8),
            vec![
                L::Conv(4, 3, 1, 2),
                L::Act(Activation::LeakyRelu),
                L::Max(3, 3, 1),
                L::Conv(3, 1, 1, 0),
                L::Act(Activation::Tanh),
                L::Avg(2, 2, 0),
                L::Flatten,
                L::Dense(4),
                L::Act(Activation::Tanh),
                L::Dense(2),
                L::Act(Activation::Sigmoid),
            ],
            Loss::HalfSse,
        ),
        (
            Shape::map(2, 3, 3),
            vec![
                L::Conv(3, 3, 1, 0),
                L::Act(Activation::Tanh),
                L::Flatten,
                L::Dense(1),
                L::Act(Activation::Sigmoid),
            ],
            Loss::HalfSse,
        ),
    ];
    for (k, (input, spec, loss)) in stacks.into_iter().enumerate() {
        let net = build(&mut rng, input, &spec, loss);
        let x = random(&mut rng, input.len(), 1.0);
        let t = target_for(&mut rng, &net);
        assert_gradients(&net, &x, &t, &format!("stack {k}"));
    }
}

#[test]
fn the_update_and_loss_after_follow_sgd() {
    let mut rng = Rng::new(9);
    let input = Shape::map(1, 6, 6);
    let spec = [
        L::Conv(2, 3, 1, 0),
        L::Act(Activation::Relu),
        L::Max(2, 2, 0),
        L::Flatten,
        L::Dense(2),
        L::Act(Activation::Softmax),
    ];
    let net = build(&mut rng, input, &spec, Loss::CrossEntropy);
    let x = random(&mut rng, input.len(), 1.0);
    let pass = Pass::run(&net, &x, &[1.0, 0.0], UpdateRule::sgd(0.05));
    for k in 0..net.param_count() {
        let p = net.locate(k);
        let g = engine::params::grad_of(&pass.grads, p);
        assert_eq!(pass.updated.param(p), net.param(p) - 0.05 * g);
    }
    let mut ws = Workspace::default();
    assert_eq!(
        pass.loss_after,
        pass.updated.loss_with(&x, &[1.0, 0.0], &mut ws)
    );
    assert!(
        pass.loss_after < pass.loss,
        "a small step downhill lowers the loss"
    );
}

#[test]
fn a_reused_workspace_and_accumulated_gradients_agree_with_single_passes() {
    let mut rng = Rng::new(10);
    let input = Shape::map(2, 7, 7);
    let spec = [
        L::Conv(3, 3, 2, 1),
        L::Act(Activation::Tanh),
        L::Max(2, 1, 0),
        L::Flatten,
        L::Dense(3),
        L::Act(Activation::Softmax),
    ];
    let net = build(&mut rng, input, &spec, Loss::CrossEntropy);
    let small = build(
        &mut rng,
        Shape::Vector(4),
        &[L::Dense(3), L::Act(Activation::Sigmoid)],
        Loss::HalfSse,
    );
    let examples: Vec<(Vec<f64>, Vec<f64>)> = (0..4)
        .map(|k| {
            (
                random(&mut rng, input.len(), 1.0),
                (0..3).map(|i| f64::from(u8::from(i == k % 3))).collect(),
            )
        })
        .collect();
    let (mut ws, mut grads) = (Workspace::default(), Vec::new());
    for (k, (x, t)) in examples.iter().enumerate() {
        // A different net in between must leave nothing behind.
        small.loss_with(&[0.1, 0.2, 0.3, 0.4], &[0.0, 1.0, 0.0], &mut ws);
        net.forward_into(x, &mut ws);
        net.backward_into(x, t, &mut ws, &mut grads, k > 0);
    }
    let mut sum = net.zero_grads();
    for (x, t) in &examples {
        let p = Pass::run(&net, x, t, UpdateRule::sgd(0.1));
        for (s, g) in sum.iter_mut().zip(&p.grads) {
            s.weights
                .iter_mut()
                .zip(&g.weights)
                .for_each(|(a, b)| *a += b);
            s.biases
                .iter_mut()
                .zip(&g.biases)
                .for_each(|(a, b)| *a += b);
        }
    }
    for (g, s) in grads.iter().zip(&sum) {
        for (a, b) in g
            .weights
            .iter()
            .chain(&g.biases)
            .zip(s.weights.iter().chain(&s.biases))
        {
            assert!(
                (a - b).abs() <= 1e-12 * a.abs().max(1.0),
                "the mini-batch sum: {a} vs {b}"
            );
        }
    }
    let last = Pass::run(&net, &examples[3].0, &examples[3].1, UpdateRule::sgd(0.1));
    assert_eq!(ws.outputs, last.outputs);
    assert_eq!(ws.grad_inputs, last.grad_inputs);
}
