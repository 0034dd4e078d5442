//! The words of a CNN's steps (`src/explain/cnn.rs`): every step of the public CNN
//! fixtures and the convolutional presets, at every granularity, has a title and a note
//! in English and Chinese and formula lines in plain text and TeX; and every number a
//! line writes for a computed cell (`… = value`) is the engine's, read back from the
//! text and compared with the pass: forward outputs, δ maps, ∂L/∂K, ∂L/∂b, ∂L/∂W, the
//! updated parameters and the losses. Running totals of the window steps (`… ← … =
//! value`) end, at their last write, on the engine's value too.

use backprop_lab::activation::Activation;
use backprop_lab::engine::{Conv, Dense, Layer, Net, Pass, Pool, Shape};
use backprop_lab::loss::Loss;
use backprop_lab::network::UpdateRule;
use backprop_lab::number;
use backprop_lab::problem::Problem;
use backprop_lab::trace::{Granularity, Kind, Trace};
use std::collections::BTreeMap;

const FIXTURES: [&str; 3] = [
    "cnn-edge-conv-relu-maxpool-ce.json",
    "cnn-2ch-stride2-pad1-avgpool-mse.json",
    "cnn-lenet-tiny-ce.json",
];

const GRANULARITIES: [Granularity; 3] =
    [Granularity::Layer, Granularity::Neuron, Granularity::Window];

fn fixture(name: &str) -> Problem {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cnn")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let v = backprop_lab::json::parse(&text).unwrap();
    Problem::from_value(&v, "").unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The public fixtures and the convolutional presets, by name.
fn problems() -> Vec<(String, Pass)> {
    let mut out: Vec<(String, Pass)> = FIXTURES
        .iter()
        .map(|f| (f.to_string(), fixture(f).pass()))
        .collect();
    for name in backprop_lab::preset::cnn::NAMES {
        let p = backprop_lab::preset::get(name).unwrap().problem;
        out.push((name.to_string(), p.pass()));
    }
    out.push(("odd-net".into(), odd_net()));
    out.push(("dense-last".into(), dense_last()));
    out
}

/// A deterministic spread of small values.
fn values(n: usize, seed: usize) -> Vec<f64> {
    (0..n)
        .map(|i| (((i * 37 + seed * 11) % 23) as f64 - 11.0) / 20.0)
        .collect()
}

/// What the fixtures leave out: stride 2 with padding 2 and rows the floor drops
/// (H ≠ W), leaky ReLU, max pooling with padding (negative inputs, so padding would
/// win if it could), sigmoid, average pooling with padding, softmax under mse (the
/// Jacobian, not y − t).
fn odd_net() -> Pass {
    let input = Shape::map(2, 6, 5);
    let conv = Conv {
        weights: values(3 * 2 * 9, 1),
        biases: vec![0.1, -0.2, 0.05],
        ..Conv::zeros(2, 3, 3, 2, 2)
    };
    let layers = vec![
        Layer::Conv(conv),
        Layer::Activation(Activation::LeakyRelu),
        Layer::MaxPool(Pool {
            kernel: 2,
            stride: 1,
            padding: 1,
        }),
        Layer::Activation(Activation::Sigmoid),
        Layer::AvgPool(Pool {
            kernel: 3,
            stride: 2,
            padding: 1,
        }),
        Layer::Flatten,
        Layer::Dense(Dense {
            weights: values(3 * 27, 2),
            biases: vec![0.0, 0.1, -0.1],
            ..Dense::zeros(27, 3)
        }),
        Layer::Activation(Activation::Softmax),
    ];
    let net = Net {
        input_shape: input,
        layers,
        loss: Loss::Mse,
    };
    net.validate().unwrap();
    Pass::run(
        &net,
        &values(input.len(), 3),
        &[0.2, 0.5, 0.3],
        UpdateRule::sgd(0.1),
    )
}

/// A net ending in a dense layer (∂L/∂y from half_sse goes straight into it), with tanh.
fn dense_last() -> Pass {
    let input = Shape::map(1, 4, 4);
    let net = Net {
        input_shape: input,
        layers: vec![
            Layer::Conv(Conv {
                weights: values(4, 5),
                biases: vec![0.3],
                ..Conv::zeros(1, 1, 2, 1, 0)
            }),
            Layer::Activation(Activation::Tanh),
            Layer::Flatten,
            Layer::Dense(Dense {
                weights: values(2 * 9, 6),
                biases: vec![0.1, -0.1],
                ..Dense::zeros(9, 2)
            }),
        ],
        loss: Loss::HalfSse,
    };
    net.validate().unwrap();
    Pass::run(&net, &values(16, 7), &[0.5, -0.5], UpdateRule::sgd(0.5))
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_step_has_words_and_lines_in_both_languages_and_styles() {
    for (name, pass) in problems() {
        for g in GRANULARITIES {
            let t = Trace::build(pass.clone(), g, 4);
            for i in 0..t.len() {
                let s = &t.steps[i];
                let e = t.text(i);
                let at = format!("{name} {g:?} step {i} ({})", s.label);
                for (text, what) in [(&e.title, "title"), (&e.note, "note")] {
                    assert!(!text.en.is_empty() && !text.zh.is_empty(), "{at}: {what}");
                    assert!(has_cjk(&text.zh), "{at}: the Chinese {what} {:?}", text.zh);
                    assert!(!has_cjk(&text.en), "{at}: the English {what} {:?}", text.en);
                    assert_ne!(text.en, text.zh, "{at}: {what}");
                }
                let (plain, tex) = (&e.plain, &e.tex);
                if matches!(s.kind, Kind::Forward | Kind::Backward) {
                    assert!(
                        !plain.symbols.is_empty() && !plain.numbers.is_empty(),
                        "{at}: lines"
                    );
                }
                assert!(!plain.numbers.is_empty(), "{at}: numbers");
                assert_eq!(plain.symbols.len(), tex.symbols.len(), "{at}");
                assert_eq!(plain.numbers.len(), tex.numbers.len(), "{at}");
                for (p, x) in plain
                    .symbols
                    .iter()
                    .zip(&tex.symbols)
                    .chain(plain.numbers.iter().zip(&tex.numbers))
                {
                    assert!(!x.is_empty(), "{at}: an empty TeX line");
                    assert_ne!(p, x, "{at}: TeX as plain text");
                    for c in ['·', '−', '←', 'Σ', '∂', 'δ', '⊙', '…'] {
                        assert!(!x.contains(c), "{at}: {c} in TeX {x:?}");
                    }
                    assert!(!has_cjk(p) && !has_cjk(x), "{at}: words in a formula {p:?}");
                }
            }
        }
    }
}

/// The titles name the layer with its sizes, and a finer step its channel or window.
#[test]
fn titles_name_the_layer_and_the_part() {
    let t = Trace::build(fixture(FIXTURES[0]).pass(), Granularity::Window, 4);
    let titles: Vec<&str> = t.texts().iter().map(|e| e.title.en.as_str()).collect();
    assert!(titles.contains(
        &"Forward · layer 1: conv 2×2, 1→1 channel, stride 1 · window (2,3) → a(1)[1,2,3]"
    ));
    assert!(
        titles.contains(&"Forward · layer 3: max pool 2×2, stride 2 · window (1,1) → a(3)[1,1,1]")
    );
    assert!(titles
        .iter()
        .any(|s| s.starts_with("Backward · layer 6: softmax with cross-entropy")));
    let zh: Vec<&str> = t.texts().iter().map(|e| e.title.zh.as_str()).collect();
    assert!(
        zh.contains(&"前向传播 · 第 1 层：卷积 2×2，1→1 通道，步长 1 · 窗口 (2,3) → a(1)[1,2,3]")
    );
    let t = Trace::build(fixture(FIXTURES[1]).pass(), Granularity::Neuron, 4);
    let titles: Vec<String> = t.texts().iter().map(|e| e.title.en.clone()).collect();
    assert!(
        titles.contains(
            &"Forward · layer 1: conv 3×3, 2→2 channels, stride 2, padding 1 · output channel 2"
                .to_string()
        ),
        "{titles:#?}"
    );
}

// ------------------------------------------------------------ reading numbers back

/// A cell named on the left of a line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cell {
    /// a(l) at a flat index.
    A(usize, usize),
    /// δ(l) = ∂L/∂a(l) at a flat index.
    Delta(usize, usize),
    /// ∂L/∂K(l) or ∂L/∂W(l) at a flat index, ∂L/∂b(l)_i.
    GradW(usize, usize),
    GradB(usize, usize),
    /// A parameter after the update (in the update step): K, W, b.
    W(usize, usize),
    B(usize, usize),
    Loss,
    LossAfter,
}

/// `(1)[1,2,3]` or `(4)_3` after a name: the layer and the 1-based indices.
fn indices(rest: &str) -> Option<(usize, Vec<usize>)> {
    let rest = rest.strip_prefix('(')?;
    let (l, rest) = rest.split_once(')')?;
    let l = l.parse().ok()?;
    let idx = if let Some(r) = rest.strip_prefix('[') {
        r.strip_suffix(']')?
            .split(',')
            .map(|x| x.parse().ok())
            .collect::<Option<Vec<usize>>>()?
    } else {
        let sub = rest.strip_prefix('_')?;
        if sub.contains(',') {
            sub.split(',')
                .map(|x| x.parse().ok())
                .collect::<Option<_>>()?
        } else if sub.len() == 2 && sub.chars().all(|c| c.is_ascii_digit()) {
            // W(l)_ij with one-digit indices.
            sub.chars()
                .map(|c| c.to_digit(10).map(|d| d as usize))
                .collect::<Option<_>>()?
        } else {
            vec![sub.parse().ok()?]
        }
    };
    Some((l, idx))
}

/// The flat index of 1-based `idx` in blob `l` of `p`.
fn blob_index(p: &Pass, l: usize, idx: &[usize]) -> Option<usize> {
    let shape = *p.shapes.get(l)?;
    match (shape, idx) {
        (Shape::Vector(n), [i]) if *i >= 1 && *i <= n => Some(i - 1),
        (Shape::Map { .. }, [c, i, j]) => Some(shape.index(c - 1, i - 1, j - 1)),
        _ => None,
    }
}

/// The flat index of a weight `K(l)[o,c,u,v]` or `W(l)_ij` of layer l.
fn weight_index(p: &Pass, l: usize, idx: &[usize]) -> Option<usize> {
    match (p.net.layers.get(l.checked_sub(1)?)?, idx) {
        (Layer::Conv(c), [o, ch, u, v]) => Some(c.w_index(o - 1, ch - 1, u - 1, v - 1)),
        (Layer::Dense(d), [i, j]) => Some((i - 1) * d.inputs + j - 1),
        _ => None,
    }
}

/// The cell a numbers line writes, from its left-hand side; `None` for lines of terms
/// (products, shares, the image's rows).
fn cell_of(p: &Pass, lhs: &str, update: bool) -> Option<Cell> {
    if lhs.contains('·') || (lhs.contains('/') && !lhs.starts_with("∂L/∂")) {
        return None;
    }
    match lhs {
        "L" => return Some(Cell::Loss),
        "L⁺" => return Some(Cell::LossAfter),
        _ => {}
    }
    if let Some(rest) = lhs.strip_prefix("∂L/∂") {
        let (name, rest) = rest.split_at(1);
        let (l, idx) = indices(rest)?;
        return match name {
            "K" | "W" => Some(Cell::GradW(l, weight_index(p, l, &idx)?)),
            "b" => Some(Cell::GradB(l, idx[0] - 1)),
            _ => None,
        };
    }
    let mut chars = lhs.chars();
    let name = chars.next()?;
    let (l, idx) = indices(chars.as_str())?;
    match name {
        'a' => Some(Cell::A(l, blob_index(p, l, &idx)?)),
        'δ' => Some(Cell::Delta(l, blob_index(p, l, &idx)?)),
        'K' | 'W' if update => Some(Cell::W(l, weight_index(p, l, &idx)?)),
        'b' if update => Some(Cell::B(l, idx[0] - 1)),
        _ => None,
    }
}

/// The engine's value of a cell.
fn engine(p: &Pass, cell: &Cell) -> f64 {
    let n = p.net.layers.len();
    match *cell {
        Cell::A(0, f) => p.input[f],
        Cell::A(l, f) => p.outputs[l - 1][f],
        // δ(L) = ∂L/∂y, which the engine takes from the loss and does not keep.
        Cell::Delta(l, f) if l == n => p.net.loss.dy(p.output(), &p.target)[f],
        Cell::Delta(l, f) => p.grad_inputs[l][f],
        Cell::GradW(l, f) => p.grads[l - 1].weights[f],
        Cell::GradB(l, f) => p.grads[l - 1].biases[f],
        Cell::W(l, f) => p.updated.layers[l - 1].params().unwrap().0[f],
        Cell::B(l, f) => p.updated.layers[l - 1].params().unwrap().1[f],
        Cell::Loss => p.loss,
        Cell::LossAfter => p.loss_after,
    }
}

/// (left-hand side, is a running total, the number at the end) of a numbers line.
fn split(line: &str) -> Option<(&str, bool, &str)> {
    let value = line.rsplit_once(" = ")?.1;
    let (lhs, running) = match (line.find(" ← "), line.find(" = ")) {
        (Some(a), Some(b)) if a < b => (&line[..a], true),
        (_, Some(b)) => (&line[..b], false),
        _ => return None,
    };
    Some((lhs, running, value))
}

/// Which kinds of lines were checked, per layer type and granularity.
type Seen = BTreeMap<String, usize>;

/// Reads every numbers line of `t` back and compares it with the engine; running totals
/// are compared at their last write. `exact` (17 digits): the number parsed back equals
/// the engine's; otherwise it is the engine's written to the trace's digits.
fn check_numbers(name: &str, t: &Trace, seen: &mut Seen) {
    let p = &t.pass;
    let mut last: BTreeMap<Cell, (String, String)> = BTreeMap::new();
    for (i, s) in t.steps.iter().enumerate() {
        let update = s.kind == Kind::Update;
        let kind = s.layer.map_or(format!("{:?}", s.kind), |k| {
            format!("{:?} {}", s.kind, p.net.layers[k].type_name())
        });
        for line in &t.text(i).plain.numbers {
            let Some((lhs, running, value)) = split(line) else {
                continue;
            };
            let Some(cell) = cell_of(p, lhs, update) else {
                continue;
            };
            let want = engine(p, &cell);
            let what = format!("{name} {:?} step {i} ({}): {line}", t.granularity, s.label);
            if running {
                last.insert(cell.clone(), (value.to_string(), what));
                *seen
                    .entry(format!("{kind} running {}", lhs.split('(').next().unwrap()))
                    .or_default() += 1;
                continue;
            }
            assert_eq!(value, number::fmt(want, t.digits), "{what}");
            if t.digits >= 17 {
                assert_eq!(value.parse::<f64>().unwrap(), want, "{what}");
            }
            *seen
                .entry(format!("{kind} {}", lhs.split('(').next().unwrap()))
                .or_default() += 1;
        }
    }
    for (cell, (value, what)) in last {
        let want = engine(p, &cell);
        assert_eq!(value, number::fmt(want, t.digits), "last write of {what}");
    }
}

#[test]
fn every_number_written_is_the_engines() {
    let mut seen = Seen::new();
    for (name, pass) in problems() {
        for g in GRANULARITIES {
            for digits in [4, 17] {
                let t = Trace::build(pass.clone(), g, digits);
                check_numbers(&name, &t, &mut seen);
            }
        }
    }
    // The lines the task names were all read: conv forward, max-pool backward, the conv
    // backward's ∂L/∂K and δ(l−1) (∂L/∂x for a first layer), at each granularity.
    for key in [
        "Forward conv a",
        "Forward max_pool a",
        "Forward avg_pool a",
        "Forward relu a",
        "Forward flatten a",
        "Forward dense a",
        "Forward softmax a",
        "Backward max_pool δ",
        "Backward max_pool running δ",
        "Backward avg_pool δ",
        "Backward avg_pool running δ",
        "Backward conv ∂L/∂K",
        "Backward conv ∂L/∂b",
        "Backward conv δ",
        "Backward conv running δ",
        "Backward conv running ∂L/∂K",
        "Backward conv running ∂L/∂b",
        "Backward dense ∂L/∂W",
        "Backward dense δ",
        "Backward relu δ",
        "Backward tanh δ",
        "Backward softmax δ",
        "Backward flatten δ",
        "Loss L",
        "Update K",
        "Update W",
        "Update b",
        "Update L⁺",
    ] {
        assert!(
            seen.get(key).is_some_and(|&n| n > 0),
            "no {key:?} line read: {seen:#?}"
        );
    }
}

/// A conv backward step works out one input cell both ways, as the sum over the windows
/// that touched it and as the full convolution with the kernel turned 180°: two lines
/// for the same cell, the second with one term per output channel and kernel cell.
#[test]
fn the_input_gradient_both_ways() {
    for name in FIXTURES {
        let t = Trace::build(fixture(name).pass(), Granularity::Layer, 17);
        let mut found = 0;
        for (i, s) in t.steps.iter().enumerate() {
            let Some(k) = s.layer else { continue };
            let Layer::Conv(c) = &t.pass.net.layers[k] else {
                continue;
            };
            if s.kind != Kind::Backward {
                continue;
            }
            let text = t.text(i);
            let first = text
                .plain
                .numbers
                .iter()
                .position(|l| l.starts_with("δ("))
                .expect("the input cell");
            let (a, b) = (&text.plain.numbers[first], &text.plain.numbers[first + 1]);
            let lhs = |l: &str| l.split(" = ").next().unwrap().to_string();
            assert_eq!(lhs(a), lhs(b), "{name}: {a} / {b}");
            assert_eq!(a.rsplit(" = ").next(), b.rsplit(" = ").next());
            let terms = b.split(" = ").nth(1).unwrap().split(" + ").count();
            assert_eq!(terms, c.out_channels * c.kernel * c.kernel, "{name}: {b}");
            assert!(text.plain.symbols.iter().any(|l| l.contains("rot180(K(")));
            assert!(text.note.en.contains("180°") && text.note.zh.contains("180°"));
            found += 1;
        }
        assert!(found > 0, "{name}");
    }
}

/// Where overlapping max-pool windows share a winner, its gradient is shown as the sum.
#[test]
fn overlapping_max_pool_windows_add_up() {
    let p = backprop_lab::preset::get("pooling-max")
        .unwrap()
        .problem
        .pass();
    let t = Trace::build(p, Granularity::Layer, 4);
    let i = t
        .steps
        .iter()
        .position(|s| s.kind == Kind::Backward && s.layer == Some(0))
        .unwrap();
    let text = t.text(i);
    let sums: Vec<&String> = text
        .plain
        .numbers
        .iter()
        .filter(|l| {
            l.split(" = ")
                .nth(1)
                .is_some_and(|s| s.matches("δ(1)[").count() > 1)
        })
        .collect();
    assert!(!sums.is_empty(), "{:#?}", text.plain.numbers);
    assert!(text.note.en.contains("add up"), "{}", text.note.en);
    // The forward note of a window with a tie says who wins.
    let t = Trace::build(fixture(FIXTURES[0]).pass(), Granularity::Window, 4);
    let tie = t
        .texts()
        .iter()
        .any(|e| e.note.en.contains("first in row-major order wins"));
    assert!(tie, "the edge image's first pooling window holds a tie");
}

/// At window granularity a conv forward step writes each product of its window (the
/// real cells, padding left out) and then their sum.
#[test]
fn a_window_is_written_in_full() {
    let t = Trace::build(fixture(FIXTURES[1]).pass(), Granularity::Window, 4);
    let mut checked = 0;
    for (i, s) in t.steps.iter().enumerate() {
        let (Some(k), Some(o), Some(w)) = (s.layer, s.neuron, s.window) else {
            continue;
        };
        let Layer::Conv(c) = &t.pass.net.layers[k] else {
            continue;
        };
        if s.kind != Kind::Forward {
            continue;
        }
        let (_, _, wo) = t.pass.shapes[k + 1].chw();
        let real = c
            .output_terms(t.pass.shapes[k], &t.pass.input, o, w / wo, w % wo)
            .iter()
            .filter(|t| !t.padding)
            .count();
        let lines = &t.text(i).plain.numbers;
        assert_eq!(lines.len(), real + 1, "{}: {lines:#?}", s.label);
        assert!(lines[..real].iter().all(|l| l.starts_with("K(1)[")));
        checked += 1;
    }
    assert_eq!(checked, 2 * 3 * 3);
}

/// The page's brief text is the full text cut short, for a CNN too.
#[test]
fn brief_texts_are_the_full_texts_cut_short() {
    for (name, pass) in problems() {
        for g in GRANULARITIES {
            let t = Trace::build(pass.clone(), g, 4);
            for i in 0..t.len() {
                let (brief, more) = t.brief_text(i, 6);
                let full = t.text(i);
                assert_eq!(brief.title, full.title);
                assert_eq!(brief.note, full.note);
                let long = full.plain.symbols.len() > 6 || full.plain.numbers.len() > 6;
                assert_eq!(more, long, "{name} {g:?} step {i}");
                for (b, f) in [
                    (&brief.plain.symbols, &full.plain.symbols),
                    (&brief.plain.numbers, &full.plain.numbers),
                ] {
                    assert_eq!(b.len(), f.len().min(6), "{name} {g:?} step {i}");
                    if t.steps[i].kind == Kind::Update && f.len() > 7 {
                        // The update keeps the new loss on top when it is cut.
                        assert!(b[0].starts_with("L⁺ = "), "{name}: {b:?}");
                        assert_eq!(&b[1..], &f[..b.len() - 1]);
                    } else {
                        assert_eq!(&b[..], &f[..b.len()], "{name} {g:?} step {i}");
                    }
                }
            }
        }
    }
}
