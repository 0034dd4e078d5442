//! The same pass as code: one training step of the current network written out as a
//! NumPy script (one line per formula, in the order of the steps) and as a PyTorch
//! script (tensors with `requires_grad`, the same forward, `loss.backward()`, the update
//! under `torch.no_grad()`). Both print, last, one JSON object with exactly the keys of
//! a fixture's `expected` block, so a student can run them and check the page's
//! numbers against the library they will use next.
//!
//! A script is a list of [`Block`]s, one per step of the pass at layer granularity,
//! each headed by the step's title as the page writes it; the page's Code tab shows
//! the block of the current step ([`step_code`]). Full lab only (not in the first
//! wasm module).

mod numpy;
mod numpy_cnn;
mod python;
mod pytorch;
mod pytorch_cnn;

pub use python::num;

use crate::engine::{Layer, Pass};
use crate::explain;
use crate::json::{to_value, Value};
use crate::lang::Lang;
use crate::trace::{Granularity, Kind, Step, Trace};
use crate::view::cnn::{dims, weight_nesting, CnnPassView};
use crate::view::PassView;
use crate::vocab::{named, Named};
use python::Code;
use serde::Serialize;

/// The library a script is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Numpy,
    Pytorch,
}

named!(Target, Format, [Numpy => "numpy", Pytorch => "pytorch"]);

impl Target {
    /// The library's name as people write it.
    pub fn title(self) -> &'static str {
        match self {
            Target::Numpy => "NumPy",
            Target::Pytorch => "PyTorch",
        }
    }
}

/// How many monospace columns the Code tab's panel shows without wrapping (at the
/// page's usual width; a longer line still wraps, under its own indent).
const TAB_COLUMNS: usize = 62;

/// Significant digits of η in the step titles the blocks are headed by.
const TITLE_DIGITS: usize = 6;

/// The code of one step of the pass (at layer granularity).
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub kind: Kind,
    /// The step's layer (0-based), as the trace numbers it.
    pub layer: Option<usize>,
    /// The step's title as the page writes it, the block's heading comment.
    pub title: String,
    pub code: Code,
}

impl Block {
    /// The heading comment and the lines, as the script writes them.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!("# {}", self.title)];
        out.extend(self.code.render());
        out
    }

    /// The same lines for the Code tab, [`TAB_COLUMNS`] wide: each comment beside its
    /// line when it fits, else above it.
    pub fn compact_lines(&self) -> Vec<String> {
        let mut out = vec![format!("# {}", self.title)];
        out.extend(self.code.render_narrow(TAB_COLUMNS));
        out
    }
}

/// A whole script: what it is and its imports, every step's block, the JSON print.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    pub target: Target,
    pub head: Vec<String>,
    pub blocks: Vec<Block>,
    pub tail: Vec<String>,
}

impl Script {
    /// The script as a file.
    pub fn text(&self) -> String {
        let mut out = self.head.join("\n");
        for b in &self.blocks {
            out.push_str("\n\n");
            out.push_str(&b.lines().join("\n"));
        }
        out.push_str("\n\n");
        out.push_str(&self.tail.join("\n"));
        out.push('\n');
        out
    }

    /// The block of `step` (of a trace at any granularity: a unit's or a channel's step
    /// belongs to its layer's block).
    pub fn block(&self, step: &Step) -> Option<&Block> {
        self.blocks
            .iter()
            .find(|b| b.kind == step.kind && b.layer == step.layer)
    }
}

/// The script of pass `p` for `target`, its comments in `lang`.
pub fn script(p: &Pass, target: Target, lang: Lang) -> Script {
    let trace = Trace::build(p.clone(), Granularity::Layer, TITLE_DIGITS);
    let cnn = !p.net.is_mlp();
    let blocks = trace
        .steps
        .iter()
        .map(|s| Block {
            kind: s.kind,
            layer: s.layer,
            title: explain::title(p, s, TITLE_DIGITS, lang),
            code: match (target, cnn) {
                (Target::Numpy, false) => numpy::step(p, s, lang),
                (Target::Numpy, true) => numpy_cnn::step(p, s, lang),
                (Target::Pytorch, false) => pytorch::step(p, s, lang),
                (Target::Pytorch, true) => pytorch_cnn::step(p, s, lang),
            },
        })
        .collect();
    let mut tail = vec![format!(
        "# {}",
        lang.pick(
            "The numbers as one JSON object, in the keys of a fixture's \"expected\" block",
            "把所有数值输出为一个 JSON 对象，键与测试数据（fixture）的 \"expected\" 部分相同",
        )
    )];
    tail.extend(match (target, cnn) {
        (Target::Numpy, false) => numpy::json(p),
        (Target::Numpy, true) => numpy_cnn::json(p),
        (Target::Pytorch, false) => pytorch::json(p),
        (Target::Pytorch, true) => pytorch_cnn::json(p),
    });
    Script {
        target,
        head: head(p, target, lang),
        blocks,
        tail,
    }
}

/// What the script is, how to run it, and its imports.
fn head(p: &Pass, target: Target, lang: Lang) -> Vec<String> {
    let net = &p.net;
    let shape = if net.is_mlp() {
        let sizes: Vec<String> = net.sizes().iter().map(|s| s.to_string()).collect();
        let acts: Vec<&str> = net.mlp_layers().map(|l| l.activation.name()).collect();
        format!("{} {}", sizes.join("-"), acts.join("/"))
    } else {
        let layers: Vec<&str> = net.layers.iter().map(Layer::type_name).collect();
        let last = p.shapes[p.shapes.len() - 1];
        format!("{} → {} → {last}", p.shapes[0], layers.join(" → "))
    };
    let loss = net.loss.name();
    let eta = num(p.rule.learning_rate);
    let lib = target.title();
    let what = match (target, lang) {
        (Target::Numpy, Lang::En) => {
            "one training step written out in NumPy, one line per formula, in the order of the page's steps".to_string()
        }
        (Target::Numpy, Lang::Zh) => "用 NumPy 逐条写出的一步训练，每个公式一行，顺序与页面上的步骤相同".into(),
        (Target::Pytorch, Lang::En) => {
            "the same training step in PyTorch: the forward pass, loss.backward(), the update".into()
        }
        (Target::Pytorch, Lang::Zh) => "同一步训练的 PyTorch 写法：前向传播、loss.backward()、参数更新".into(),
    };
    let run = lang.pick(
        format!("Run it with python3 and {lib} (float64 throughout): it prints the numbers as JSON last, the same as Backprop Lab's to 1e-12."),
        format!("用 python3 和 {lib} 运行（全程 float64）：最后输出 JSON 格式的数值，与反向传播实验室算出的相差不超过 1e-12。"),
    );
    let mut out = vec![
        format!("# Backprop Lab (反向传播实验室): {what}"),
        format!("# {shape}, {loss}, η = {eta}"),
        format!("# {run}"),
        "import json".into(),
        String::new(),
    ];
    match target {
        Target::Numpy => out.push("import numpy as np".into()),
        Target::Pytorch => {
            out.push("import torch".into());
            out.push("import torch.nn.functional as F".into());
        }
    }
    out
}

/// What the Code tab shows for one step: its lines in NumPy and in PyTorch, and for a
/// step PyTorch does inside `loss.backward()` (or under `torch.no_grad()`), what it did
/// and where it keeps the result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepCode {
    pub numpy: Vec<String>,
    pub pytorch: Vec<String>,
    pub pytorch_note: Option<String>,
}

/// The Code tab of step `i` of `trace`, in `lang`: the block of its step in both scripts
/// (the start step with the imports), and for a unit's, a channel's or a window's step
/// a last line naming that part of the layer's result.
pub fn step_code(trace: &Trace, i: usize, lang: Lang) -> StepCode {
    let p = &trace.pass;
    let step = &trace.steps[i];
    let lines = |target: Target| {
        let s = script(p, target, lang);
        let mut out = Vec::new();
        if step.kind == Kind::Start {
            out.extend(s.head.iter().filter(|l| !l.starts_with('#')).cloned());
            out.push(String::new());
        }
        if let Some(b) = s.block(step) {
            out.extend(b.compact_lines());
        }
        if let Some(hint) = part_hint(p, step, lang) {
            out.extend(hint.render_narrow(TAB_COLUMNS));
        }
        out
    };
    StepCode {
        numpy: lines(Target::Numpy),
        pytorch: lines(Target::Pytorch),
        pytorch_note: if p.net.is_mlp() {
            pytorch::note(p, step, lang)
        } else {
            pytorch_cnn::note(p, step, lang)
        },
    }
}

/// For a step that computes part of a layer (a unit, a channel, a window), the element
/// of the layer's result it is. Both scripts name the values alike (`z1`, `delta1`,
/// `dW1`; PyTorch's `delta1 = z1.grad`), so one line serves both.
fn part_hint(p: &Pass, step: &Step, lang: Lang) -> Option<Code> {
    let part = step.neuron?;
    let l = step.layer?;
    let mut c = Code::new();
    let whole = lang.pick(
        "the lines above compute the whole layer at once",
        "上面几行一次算出整层",
    );
    if p.net.is_mlp() {
        let (n, i) = (l + 1, part);
        let expr = match step.kind {
            Kind::WeightedSum => format!("z{n}[{i}]"),
            Kind::Activation => format!("a{n}[{i}]"),
            Kind::Delta => format!("delta{n}[{i}]"),
            Kind::Gradients => format!("dW{n}[{i}], db{n}[{i}]"),
            _ => return None,
        };
        let this = lang.pick(
            format!("{}: this step's unit; {whole}", step.label),
            format!("{}：本步的神经元；{whole}", step.label),
        );
        c.with(expr, this);
        return Some(c);
    }
    let k = l + 1;
    let out = p.shapes[k];
    let (_, _, w) = out.chw();
    let cell = |name: String| match step.window {
        Some(win) => format!("{name}[{part}, {}, {}]", win / w, win % w),
        None => format!("{name}[{part}]"),
    };
    let expr = match (step.kind, &p.net.layers[l]) {
        (Kind::Forward, _) => cell(format!("a{k}")),
        (Kind::Backward, Layer::Conv(_)) if step.window.is_none() => {
            format!("dK{k}[{part}], db{k}[{part}]")
        }
        (Kind::Backward, _) if step.window.is_some() => cell(format!("delta{k}")),
        (Kind::Backward, _) => format!("delta{l}[{part}]"),
        _ => return None,
    };
    let this = match (step.window.is_some(), step.kind) {
        (true, Kind::Backward) => lang.pick(
            format!("the δ cell this step sends back; {whole}"),
            format!("本步向下传递的 δ 单元；{whole}"),
        ),
        (true, _) => lang.pick(
            format!("this step's window; {whole}"),
            format!("本步的窗口；{whole}"),
        ),
        (false, Kind::Backward) if !matches!(p.net.layers[l], Layer::Conv(_)) => lang.pick(
            format!("the channel of δ({l}) this step writes; {whole}"),
            format!("本步写出的 δ({l}) 通道；{whole}"),
        ),
        (false, _) => lang.pick(
            format!("this step's channel; {whole}"),
            format!("本步的通道；{whole}"),
        ),
    };
    c.with(expr, this);
    Some(c)
}

/// The numbers a script prints, as Backprop Lab computes them: exactly the keys of a
/// fixture's `expected` block (for a CNN, those of `fixtures/cnn`).
pub fn expected(p: &Pass) -> Value {
    let keep = |v: Value, keys: &[&str]| match v {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(k, _)| keys.contains(&k.as_str()))
                .collect(),
        ),
        other => other,
    };
    let (mut v, keys): (Value, &[&str]) = if p.net.is_mlp() {
        (
            to_value(&PassView::of(p)),
            &["z", "a", "delta", "grad_weights", "grad_biases"],
        )
    } else {
        let (d, w) = (dims(p), weight_nesting(&p.net));
        (
            to_value(&CnnPassView::of(p, &d, &w)),
            &[
                "output",
                "grad_input",
                "grad_weights",
                "grad_biases",
                "argmax",
            ],
        )
    };
    if let Value::Array(layers) = v["layers"].clone() {
        let layers = layers.into_iter().map(|l| keep(l, keys)).collect();
        v.set("layers", Value::Array(layers));
    }
    if let Value::Array(layers) = v["updated_layers"].clone() {
        let layers = layers
            .into_iter()
            .map(|l| keep(l, &["weights", "biases"]))
            .collect();
        v.set("updated_layers", Value::Array(layers));
    }
    keep(v, &["layers", "loss", "updated_layers", "loss_after_step"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset;

    fn pass(name: &str) -> Pass {
        preset::get(name).unwrap().problem.pass()
    }

    #[test]
    fn every_step_has_its_block_in_both_scripts() {
        for name in ["mazur", "softmax-3class", "cnn-edge", "stride-padding"] {
            let p = pass(name);
            for g in [Granularity::Layer, Granularity::Neuron, Granularity::Window] {
                let t = Trace::build(p.clone(), g, 4);
                for i in 0..t.len() {
                    let c = step_code(&t, i, Lang::En);
                    assert!(c.numpy.len() >= 2, "{name} step {i}: {:?}", c.numpy);
                    assert!(c.pytorch.len() >= 2, "{name} step {i}: {:?}", c.pytorch);
                    assert!(c.numpy[c.numpy.len() - 1].len() > 3);
                }
            }
        }
    }

    #[test]
    fn blocks_follow_the_steps() {
        let p = pass("mazur");
        let s = script(&p, Target::Numpy, Lang::En);
        let t = Trace::build(p.clone(), Granularity::Layer, 4);
        assert_eq!(s.blocks.len(), t.len());
        assert_eq!(s.blocks[1].title, "Forward · layer 1: weighted sum z(1)");
        let text = s.text();
        let order = [
            "z1 = W1 @ x + b1",
            "a1 = 1 / (1 + np.exp(-z1))",
            "loss = ",
            "delta2 = (a2 - t) * a2 * (1 - a2)",
            "delta1 = ",
            "W1 -= lr * dW1",
        ];
        let at: Vec<usize> = order
            .iter()
            .map(|l| text.find(l).unwrap_or_else(|| panic!("{l}\n{text}")))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
        let zh = script(&p, Target::Numpy, Lang::Zh).text();
        assert!(zh.contains("# 前向传播 · 第 1 层：加权和 z(1)"), "{zh}");
    }

    #[test]
    fn expected_has_exactly_the_fixture_keys() {
        let text = std::fs::read_to_string("tests/fixtures/mazur-2-2-2.json").unwrap();
        let fixture = crate::json::parse(&text).unwrap();
        let got = expected(&pass("mazur"));
        let keys = |v: &Value| match v {
            Value::Object(f) => f.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
            _ => vec![],
        };
        assert_eq!(keys(&got), keys(&fixture["expected"]));
        assert_eq!(
            keys(&got["layers"][0]),
            keys(&fixture["expected"]["layers"][0])
        );
        assert_eq!(
            keys(&got["updated_layers"][1]),
            keys(&fixture["expected"]["updated_layers"][1])
        );
        let cnn = expected(&pass("cnn-edge"));
        assert_eq!(keys(&cnn["layers"][2]), ["output", "grad_input", "argmax"]);
        assert!(cnn["updated_layers"][1].is_null());
    }

    #[test]
    fn pytorch_says_where_backward_put_each_gradient() {
        let t = Trace::build(pass("mazur"), Granularity::Layer, 4);
        let note = |i: usize, lang| step_code(&t, i, lang).pytorch_note.unwrap_or_default();
        let delta = t.steps.iter().position(|s| s.kind == Kind::Delta).unwrap();
        assert!(
            note(delta, Lang::En).contains("z2.grad"),
            "{}",
            note(delta, Lang::En)
        );
        assert!(note(delta + 1, Lang::En).contains("W2.grad"));
        assert!(note(delta + 1, Lang::Zh).contains("W2.grad"));
        assert!(
            note(1, Lang::En).is_empty(),
            "the forward steps are PyTorch's own lines"
        );
        let code = step_code(&t, delta, Lang::En).pytorch;
        assert!(
            code.iter().any(|l| l.starts_with("loss.backward()")),
            "{code:?}"
        );
    }

    #[test]
    fn a_unit_step_names_its_element() {
        let t = Trace::build(pass("mazur"), Granularity::Neuron, 4);
        let z12 = t.steps.iter().position(|s| s.label == "z(1)_2").unwrap();
        let c = step_code(&t, z12, Lang::En);
        for lines in [&c.numpy, &c.pytorch] {
            // The element, its comment naming the step's unit beside it or just above.
            let n = lines.len();
            assert!(lines[n - 1].starts_with("z1[1]"), "{lines:?}");
            assert!(lines[n - 2..].concat().contains("# z(1)_2: "), "{lines:?}");
        }
    }

    /// The Code tab's lines fit its panel: a comment too long to sit beside its code goes
    /// on the line above, indented like it; nothing is dropped.
    #[test]
    fn the_tabs_lines_fit_the_panel() {
        for name in ["mazur", "softmax-3class", "cnn-edge", "lenet-tiny"] {
            for lang in Lang::ALL {
                let t = Trace::build(pass(name), Granularity::Layer, 4);
                for i in 0..t.len() {
                    let c = step_code(&t, i, lang);
                    for line in c.numpy.iter().chain(&c.pytorch) {
                        // A comment beside code (not a comment line of its own).
                        let beside = !line.trim_start().starts_with('#') && line.contains("  # ");
                        if beside {
                            assert!(
                                python::width(line) <= TAB_COLUMNS,
                                "{name} step {i}: {line}"
                            );
                        }
                    }
                }
                let s = script(&pass(name), Target::Numpy, lang);
                let b = &s.blocks[s.blocks.len() - 1];
                let comments = |v: Vec<String>| {
                    v.iter()
                        .filter_map(|l| l.find("# ").map(|k| l[k..].to_string()))
                        .collect::<Vec<_>>()
                };
                let (wide, narrow) = (comments(b.lines()), comments(b.compact_lines()));
                assert_eq!(wide.len(), narrow.len(), "{name}");
                assert!(wide.iter().all(|c| narrow.contains(c)), "{name}");
            }
        }
    }
}
