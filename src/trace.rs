//! The trace: one pass recorded as an ordered list of steps (forward per layer, the
//! loss, backward top layer down, the update last), each naming what it reads and
//! writes and carrying its explanation. The UI moves a cursor over it; stepping back
//! is moving the cursor, never recomputing.

use crate::explain::{self, Bilingual, Explanation, Lines};
use crate::loss::Loss;
use crate::notation::Notation;
use crate::pass::Pass;
use serde::Serialize;
use std::cell::OnceCell;

/// Which part of the pass a step belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Start,
    Forward,
    Loss,
    Backward,
    Update,
}

/// What a step computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Start,
    WeightedSum,
    Activation,
    Loss,
    Delta,
    Gradients,
    Update,
}

/// One step per layer, or one per unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    #[default]
    Layer,
    Neuron,
}

impl Granularity {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "layer" => Ok(Granularity::Layer),
            "neuron" => Ok(Granularity::Neuron),
            _ => Err(format!(
                "unknown granularity \"{s}\" (expected layer or neuron)"
            )),
        }
    }
}

/// A named value of the pass, in the fixtures' field names; `layer` is 0-based.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Value {
    pub name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neuron: Option<usize>,
}

fn value(name: &'static str, layer: Option<usize>, neuron: Option<usize>) -> Value {
    Value {
        name,
        layer,
        neuron,
    }
}

/// One step of the trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub phase: Phase,
    pub kind: Kind,
    /// 0-based layer index, when the step belongs to a layer.
    pub layer: Option<usize>,
    /// 0-based unit index, at neuron granularity.
    pub neuron: Option<usize>,
    pub reads: Vec<Value>,
    pub writes: Vec<Value>,
    /// Short name for the timeline, e.g. `z(1)`, `δ(2)_1`.
    pub label: String,
}

/// For each value, the index of the step that writes it.
#[derive(Clone, Debug, Default, PartialEq)]
struct Reveal {
    z: Vec<Vec<usize>>,
    a: Vec<Vec<usize>>,
    delta: Vec<Vec<usize>>,
    grads: Vec<Vec<usize>>,
    loss: usize,
    update: usize,
}

/// A pass and its steps.
#[derive(Clone, Debug)]
pub struct Trace {
    pub pass: Pass,
    pub granularity: Granularity,
    pub digits: usize,
    pub steps: Vec<Step>,
    reveal: Reveal,
    /// Each step's explanation, written the first time it is asked for: building the
    /// formula texts of every step is most of a trace's cost, and training rebuilds
    /// the trace every frame while only the current step is shown.
    texts: Vec<OnceCell<Explanation>>,
    /// Each step's brief text (see [`Trace::brief_text`]) with the line cap it was cut to.
    briefs: Vec<OnceCell<(usize, Explanation, bool)>>,
    /// A number no other trace built in this process has: views that depend only on the
    /// pass (not the cursor) redraw when it changes.
    pub revision: u64,
}

static REVISIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Trace {
    /// Records `pass` as steps at the given granularity, numbers with `digits`
    /// significant digits in the texts.
    pub fn build(pass: Pass, granularity: Granularity, digits: usize) -> Trace {
        let mut b = Builder::new(&pass, granularity, digits, Want::Structure);
        b.build();
        let (steps, reveal) = (b.steps, b.reveal);
        let texts = vec![OnceCell::new(); steps.len()];
        let briefs = vec![OnceCell::new(); steps.len()];
        Trace {
            pass,
            granularity,
            digits,
            steps,
            reveal,
            texts,
            briefs,
            revision: REVISIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// The explanation of step `i` (title, note, formulas in plain text and TeX).
    pub fn text(&self, i: usize) -> &Explanation {
        self.texts[i].get_or_init(|| self.write(i, usize::MAX, true))
    }

    /// Writes step `i`'s explanation, formula lists stopping once past `max` lines; the
    /// TeX lists only if `tex`.
    fn write(&self, i: usize, max: usize, tex: bool) -> Explanation {
        let mut b = Builder::new(&self.pass, self.granularity, self.digits, Want::Step(i));
        b.max_lines = max;
        b.tex = tex;
        b.build();
        b.wanted
            .pop()
            .expect("the builder writes the text of the step it is asked for")
            .1
    }

    /// Every step's explanation, all written in one build (a document reads them all;
    /// one build per step would redo the whole trace each time).
    pub fn texts(&self) -> Vec<&Explanation> {
        if self.texts.iter().any(|t| t.get().is_none()) {
            let mut b = Builder::new(&self.pass, self.granularity, self.digits, Want::Every);
            b.build();
            for (k, text) in b.wanted {
                let _ = self.texts[k].set(text);
            }
        }
        (0..self.len()).map(|k| self.text(k)).collect()
    }

    /// Step `i`'s explanation with each formula list cut to `max` lines, and whether any
    /// list had more: the page's step panel, so in plain text only (the TeX lists are
    /// empty; writing them was half the cost of a first visit to a step). Written only
    /// that far (a big layer has hundreds of lines), once.
    pub fn brief_text(&self, i: usize, max: usize) -> (Explanation, bool) {
        match self.briefs[i].get() {
            Some((m, text, more)) if *m == max => (text.clone(), *more),
            Some(_) => self.write_brief(i, max),
            None => {
                let (text, more) = self.write_brief(i, max);
                let _ = self.briefs[i].set((max, text.clone(), more));
                (text, more)
            }
        }
    }

    fn write_brief(&self, i: usize, max: usize) -> (Explanation, bool) {
        let mut text = self.write(i, max, false);
        let mut more = false;
        for list in [&mut text.plain.symbols, &mut text.plain.numbers] {
            more |= list.len() > max;
            list.truncate(max);
        }
        (text, more)
    }

    /// Number of steps, the start step included.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// A trace always has its start and update steps.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Is z(l)_i known once the cursor is at `cursor`?
    pub fn shows_z(&self, l: usize, i: usize, cursor: usize) -> bool {
        self.reveal.z[l][i] <= cursor
    }

    /// Is a(l)_i known at `cursor`?
    pub fn shows_a(&self, l: usize, i: usize, cursor: usize) -> bool {
        self.reveal.a[l][i] <= cursor
    }

    /// Is δ(l)_i known at `cursor`?
    pub fn shows_delta(&self, l: usize, i: usize, cursor: usize) -> bool {
        self.reveal.delta[l][i] <= cursor
    }

    /// Are ∂L/∂W(l)_i· and ∂L/∂b(l)_i known at `cursor`?
    pub fn shows_grads(&self, l: usize, i: usize, cursor: usize) -> bool {
        self.reveal.grads[l][i] <= cursor
    }

    /// Is the loss known at `cursor`?
    pub fn shows_loss(&self, cursor: usize) -> bool {
        self.reveal.loss <= cursor
    }

    /// Has the update been made at `cursor`?
    pub fn shows_update(&self, cursor: usize) -> bool {
        self.reveal.update <= cursor
    }

    /// Index of the first step of a phase (the start of the forward pass, …).
    pub fn first_of(&self, phase: Phase) -> Option<usize> {
        self.steps.iter().position(|s| s.phase == phase)
    }
}

/// The explanation of the step about to be pushed, if it is wanted: title, note and
/// formulas are written only then (a trace is rebuilt every training frame).
macro_rules! explanation {
    ($b:ident, $title:expr, $note:expr, $write:expr $(,)?) => {
        if $b.wants() {
            Some(Explanation::build_capped(
                $title,
                $note,
                $b.digits,
                $b.max_lines,
                $b.tex,
                $write,
            ))
        } else {
            None
        }
    };
}

/// Which step texts a build writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// None: the steps and what each reveals only.
    Structure,
    Step(usize),
    Every,
}

struct Builder<'a> {
    pass: &'a Pass,
    granularity: Granularity,
    digits: usize,
    steps: Vec<Step>,
    reveal: Reveal,
    want: Want,
    /// The texts written, with their step index.
    wanted: Vec<(usize, Explanation)>,
    /// Formula lists may stop after this many lines (see [`Trace::brief_text`]).
    max_lines: usize,
    /// Write the TeX lists too (not for a brief text).
    tex: bool,
}

/// Lines for a list of units, one block after another.
fn per_units(units: &[usize], n: &Notation, f: impl Fn(usize, &Notation) -> Lines) -> Lines {
    let mut out = Lines::default();
    for (k, &i) in units.iter().enumerate() {
        if out.numbers.len() > n.max_lines {
            break;
        }
        let l = f(i, n);
        // The symbol lines of a layer repeat per unit: keep the first unit's as the pattern.
        if k == 0 || units.len() == 1 {
            out.symbols = l.symbols;
        }
        out.numbers.extend(l.numbers);
    }
    out
}

impl<'a> Builder<'a> {
    fn new(pass: &'a Pass, granularity: Granularity, digits: usize, want: Want) -> Self {
        Builder {
            pass,
            granularity,
            digits,
            steps: Vec::new(),
            reveal: Reveal::default(),
            want,
            wanted: Vec::new(),
            max_lines: usize::MAX,
            tex: true,
        }
    }

    fn push(&mut self, step: Step, text: Option<Explanation>) -> usize {
        if let Some(text) = text {
            self.wanted.push((self.steps.len(), text));
        }
        self.steps.push(step);
        self.steps.len() - 1
    }

    /// The unit groups of layer `l`: all together, or one by one.
    fn groups(&self, l: usize) -> Vec<Vec<usize>> {
        let w = self.pass.network.layers[l].width();
        match self.granularity {
            Granularity::Layer => vec![(0..w).collect()],
            Granularity::Neuron => (0..w).map(|i| vec![i]).collect(),
        }
    }

    fn neuron_of(&self, units: &[usize]) -> Option<usize> {
        (self.granularity == Granularity::Neuron).then(|| units[0])
    }

    fn build(&mut self) {
        let p = self.pass;
        let depth = p.depth();
        let widths: Vec<usize> = p.network.layers.iter().map(|l| l.width()).collect();
        let blank = |_| {
            widths
                .iter()
                .map(|&w| vec![usize::MAX; w])
                .collect::<Vec<_>>()
        };
        self.reveal = Reveal {
            z: blank(()),
            a: blank(()),
            delta: blank(()),
            grads: blank(()),
            loss: usize::MAX,
            update: usize::MAX,
        };
        self.start();
        for l in 0..depth {
            let softmax = p.network.layers[l].activation.is_softmax();
            let groups = self.groups(l);
            if softmax || self.granularity == Granularity::Layer {
                for g in &groups {
                    self.weighted_sum(l, g);
                }
                for g in &groups {
                    self.activation(l, g);
                }
            } else {
                for g in &groups {
                    self.weighted_sum(l, g);
                    self.activation(l, g);
                }
            }
        }
        self.loss();
        for l in (0..depth).rev() {
            for g in self.groups(l) {
                self.delta(l, &g);
                self.gradients(l, &g);
            }
        }
        self.update();
    }

    /// Is the text of the step about to be pushed wanted?
    fn wants(&self) -> bool {
        match self.want {
            Want::Structure => false,
            Want::Step(i) => i == self.steps.len(),
            Want::Every => true,
        }
    }

    fn start(&mut self) {
        let p = self.pass;
        let text = explanation!(
            self,
            Bilingual::new(
                "Start: the input x and the target t",
                "开始：输入 x 与目标 t",
            ),
            Bilingual::new(
                "Nothing is computed yet. Step forward to run the network on this example.",
                "尚未计算任何值。向前一步，让网络在这个样本上运行。",
            ),
            |n| {
                let vec = |v: &[f64]| {
                    n.paren(&v.iter().map(|x| n.num(*x)).collect::<Vec<_>>().join(", "))
                };
                Lines {
                    symbols: vec![format!("{} = x", n.sym("a", 0, ""))],
                    numbers: vec![
                        format!("x = {}", vec(p.input())),
                        format!("t = {}", vec(&p.target)),
                    ],
                }
            },
        );
        self.push(
            Step {
                phase: Phase::Start,
                kind: Kind::Start,
                layer: None,
                neuron: None,
                reads: vec![value("input", None, None), value("target", None, None)],
                writes: vec![],
                label: "x".into(),
            },
            text,
        );
    }

    fn sub(&self, l: usize, units: &[usize], name: &str) -> String {
        let n = Notation::plain(4);
        match self.neuron_of(units) {
            Some(i) => n.sym(name, l + 1, &(i + 1).to_string()),
            None => n.sym(name, l + 1, ""),
        }
    }

    fn weighted_sum(&mut self, l: usize, units: &[usize]) {
        let p = self.pass;
        let z = self.sub(l, units, "z");
        let prev = if l == 0 {
            "x".to_string()
        } else {
            format!("a({l})")
        };
        let text = explanation!(self,
            Bilingual::new(
                format!("Forward · layer {}: weighted sum {z}", l + 1),
                format!("前向传播 · 第 {} 层：加权和 {z}", l + 1),
            ),
            Bilingual::new(
                format!("Each unit adds up its inputs {prev}, each times the weight on its edge, plus its bias: z = W a + b."),
                format!("每个神经元把输入 {prev} 乘以对应连线的权重后相加，再加上偏置：z = W a + b。"),
            ),
            |n| per_units(units, n, |i, n| explain::weighted_sum(p, l, i, n)),
        );
        let idx = self.push(
            Step {
                phase: Phase::Forward,
                kind: Kind::WeightedSum,
                layer: Some(l),
                neuron: self.neuron_of(units),
                reads: vec![
                    if l == 0 {
                        value("input", None, None)
                    } else {
                        value("a", Some(l - 1), None)
                    },
                    value("weights", Some(l), self.neuron_of(units)),
                    value("biases", Some(l), self.neuron_of(units)),
                ],
                writes: vec![value("z", Some(l), self.neuron_of(units))],
                label: z,
            },
            text,
        );
        for &i in units {
            self.reveal.z[l][i] = idx;
        }
    }

    fn activation(&mut self, l: usize, units: &[usize]) {
        let p = self.pass;
        let act = p.network.layers[l].activation;
        let a = self.sub(l, units, "a");
        let text = explanation!(
            self,
            Bilingual::new(
                format!(
                    "Forward · layer {}: activation {a} = {}(z)",
                    l + 1,
                    act.symbol()
                ),
                format!("前向传播 · 第 {} 层：激活 {a} = {}(z)", l + 1, act.symbol()),
            ),
            Bilingual::new(
                format!(
                    "{} squashes each weighted sum into the unit's output: {}.",
                    act.name(),
                    act.formula()
                ),
                format!(
                    "激活函数 {} 把加权和变成神经元的输出：{}。",
                    act.name(),
                    act.formula()
                ),
            ),
            |n| per_units(units, n, |i, n| explain::activation(p, l, i, n)),
        );
        let reads_z = if act.is_softmax() {
            None
        } else {
            self.neuron_of(units)
        };
        let idx = self.push(
            Step {
                phase: Phase::Forward,
                kind: Kind::Activation,
                layer: Some(l),
                neuron: self.neuron_of(units),
                reads: vec![value("z", Some(l), reads_z)],
                writes: vec![value("a", Some(l), self.neuron_of(units))],
                label: a,
            },
            text,
        );
        for &i in units {
            self.reveal.a[l][i] = idx;
        }
    }

    fn loss(&mut self) {
        let p = self.pass;
        let last = p.depth() - 1;
        let (en, zh) = match p.network.loss {
            Loss::HalfSse => ("half the sum of squared errors", "误差平方和的一半"),
            Loss::Mse => ("mean squared error", "均方误差"),
            Loss::CrossEntropy => ("cross-entropy", "交叉熵"),
        };
        let text = explanation!(
            self,
            Bilingual::new(format!("Loss: L, {en}"), format!("损失：L，{zh}")),
            Bilingual::new(
                format!(
                    "The loss measures how far the output y = a({}) is from the target t: {}.",
                    last + 1,
                    p.network.loss.formula()
                ),
                format!(
                    "损失衡量输出 y = a({}) 与目标 t 的差距：{}。",
                    last + 1,
                    p.network.loss.formula()
                ),
            ),
            |n| explain::loss(p, n),
        );
        let idx = self.push(
            Step {
                phase: Phase::Loss,
                kind: Kind::Loss,
                layer: None,
                neuron: None,
                reads: vec![value("a", Some(last), None), value("target", None, None)],
                writes: vec![value("loss", None, None)],
                label: "L".into(),
            },
            text,
        );
        self.reveal.loss = idx;
    }

    fn delta(&mut self, l: usize, units: &[usize]) {
        let p = self.pass;
        let d = self.sub(l, units, "δ");
        let output = l + 1 == p.depth();
        let note = if output {
            Bilingual::new(
                "The error signal of an output unit: ∂L/∂a says how much the loss changes with this output, ∂a/∂z is the slope of the activation at z; δ = ∂L/∂z is their product.",
                "输出神经元的误差信号：∂L/∂a 表示损失随该输出的变化率，∂a/∂z 是激活函数在 z 处的斜率；δ = ∂L/∂z 是二者之积。",
            )
        } else {
            Bilingual::new(
                "A hidden unit's error is the sum, over the units it feeds, of their δ times the connecting weight (the weights before the update), times the slope of its own activation.",
                "隐藏神经元的误差：对它连到的上一层每个神经元，把其 δ 乘以连线权重（更新前的权重）后求和，再乘以自身激活函数的斜率。",
            )
        };
        let text = explanation!(
            self,
            Bilingual::new(
                format!("Backward · layer {}: {d} = ∂L/∂z", l + 1),
                format!("反向传播 · 第 {} 层：{d} = ∂L/∂z", l + 1),
            ),
            note,
            |n| per_units(units, n, |i, n| explain::delta(p, l, i, n)),
        );
        let mut reads = vec![
            value("z", Some(l), self.neuron_of(units)),
            value("a", Some(l), None),
        ];
        if output {
            reads.push(value("target", None, None));
        } else {
            reads.push(value("delta", Some(l + 1), None));
            reads.push(value("weights", Some(l + 1), None));
        }
        let idx = self.push(
            Step {
                phase: Phase::Backward,
                kind: Kind::Delta,
                layer: Some(l),
                neuron: self.neuron_of(units),
                reads,
                writes: vec![value("delta", Some(l), self.neuron_of(units))],
                label: d,
            },
            text,
        );
        for &i in units {
            self.reveal.delta[l][i] = idx;
        }
    }

    fn gradients(&mut self, l: usize, units: &[usize]) {
        let p = self.pass;
        let w = self.sub(l, units, "W");
        let text = explanation!(self,
            Bilingual::new(
                format!("Backward · layer {}: gradients ∂L/∂{w}, ∂L/∂b", l + 1),
                format!("反向传播 · 第 {} 层：梯度 ∂L/∂{w}、∂L/∂b", l + 1),
            ),
            Bilingual::new(
                "A weight's gradient is the δ of the unit it enters times the activation of the unit it leaves; a bias's gradient is the δ of its unit.",
                "权重的梯度等于它所指向神经元的 δ 乘以它所来自神经元的激活值；偏置的梯度就是所在神经元的 δ。",
            ),
            |n| per_units(units, n, |i, n| explain::gradients(p, l, i, n)),
        );
        let idx = self.push(
            Step {
                phase: Phase::Backward,
                kind: Kind::Gradients,
                layer: Some(l),
                neuron: self.neuron_of(units),
                reads: vec![
                    value("delta", Some(l), self.neuron_of(units)),
                    if l == 0 {
                        value("input", None, None)
                    } else {
                        value("a", Some(l - 1), None)
                    },
                ],
                writes: vec![
                    value("grad_weights", Some(l), self.neuron_of(units)),
                    value("grad_biases", Some(l), self.neuron_of(units)),
                ],
                label: format!("∇{w}"),
            },
            text,
        );
        for &i in units {
            self.reveal.grads[l][i] = idx;
        }
    }

    fn update(&mut self) {
        let p = self.pass;
        let eta = crate::number::fmt(p.rule.learning_rate, self.digits);
        let mut en = format!("Every weight takes a step of size η = {eta} against its gradient; ⁺ marks a value after the update.");
        let mut zh =
            format!("每个权重沿梯度的反方向迈出一步，步长为学习率 η = {eta}；⁺ 表示更新后的值。");
        if p.rule.weight_decay != 0.0 {
            let lam = crate::number::fmt(p.rule.weight_decay, self.digits);
            en.push_str(&format!(
                " L2 weight decay λ = {lam} adds λW to each weight's gradient."
            ));
            zh.push_str(&format!(
                " L2 权重衰减 λ = {lam} 在每个权重的梯度上加上 λW。"
            ));
        }
        if p.rule.freeze_biases {
            en.push_str(" The biases are frozen (kept as they are).");
            zh.push_str(" 偏置被冻结（保持不变）。");
        }
        let text = explanation!(
            self,
            Bilingual::new(
                format!("Update: W ← W − η ∂L/∂W (η = {eta})"),
                format!("更新：W ← W − η ∂L/∂W（η = {eta}）"),
            ),
            Bilingual::new(en, zh),
            |n| explain::update(p, n),
        );
        let idx = self.push(
            Step {
                phase: Phase::Update,
                kind: Kind::Update,
                layer: None,
                neuron: None,
                reads: vec![
                    value("grad_weights", None, None),
                    value("grad_biases", None, None),
                ],
                writes: vec![
                    value("weights", None, None),
                    value("biases", None, None),
                    value("loss_after_step", None, None),
                ],
                label: "W ← W − η∇".into(),
            },
            text,
        );
        self.reveal.update = idx;
    }
}
