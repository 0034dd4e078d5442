//! The trace: one pass recorded as an ordered list of steps, the algorithm of
//! backpropagation written as data.
//!
//! 1. forward, layer by layer: the weighted sum z(l) = W(l) a(l−1) + b(l), then the
//!    activation a(l) = f(z(l)) (per layer, or unit by unit);
//! 2. the loss L(a(L), t);
//! 3. backward, from the top layer down: δ(l) = ∂L/∂z(l), then ∂L/∂W(l) = δ(l) a(l−1)ᵀ
//!    and ∂L/∂b(l) = δ(l);
//! 4. the update W ← W − η ∂L/∂W, b ← b − η ∂L/∂b.
//!
//! Each step names what it reads and writes, and the trace knows the step at which
//! each value is revealed. The words of a step are [`crate::explain`]'s; the UI moves a
//! cursor over the steps, and stepping back is moving the cursor, never recomputing.

use crate::explain::{self, Explanation};
use crate::feature::Source;
use crate::notation::Notation;
use crate::pass::Pass;
use crate::vocab::named;
use serde::Serialize;
use std::cell::OnceCell;

pub mod cnn;

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
    /// A CNN layer's forward: its output from its input (engine layers).
    Forward,
    /// A CNN layer's backward: ∂L/∂(its input) and its parameters' gradients.
    Backward,
}

/// One step per layer, one per unit (a CNN: per output channel), or one per window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    #[default]
    Layer,
    /// A fully connected layer unit by unit; a conv or pool layer channel by channel.
    Neuron,
    /// A conv or pool layer window by window (a fully connected one unit by unit).
    Window,
}

named!(Granularity, Granularity, [Layer => "layer", Neuron => "neuron", Window => "window"]);

named!(Phase, Phase, [
    Start => "start", Forward => "forward", Loss => "loss", Backward => "backward", Update => "update",
]);

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
    /// 0-based unit index, at neuron granularity (a CNN layer: its channel).
    pub neuron: Option<usize>,
    /// A CNN layer's window: the output cell (row · width + column) it computes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<usize>,
    pub reads: Vec<Value>,
    pub writes: Vec<Value>,
    /// Short name for the timeline, e.g. `z(1)`, `δ(2)_1`.
    pub label: String,
}

impl Step {
    /// The units of its layer this step computes: one, or all `width` of them.
    pub fn units(&self, width: usize) -> std::ops::Range<usize> {
        match self.neuron {
            Some(i) => i..i + 1,
            None => 0..width,
        }
    }
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
    /// A CNN's layers: the steps of each layer's forward and backward.
    cnn: Vec<cnn::LayerSteps>,
}

/// How far a CNN layer's forward (or backward) has come at a cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Not begun.
    None,
    /// Under way: channels before `channel` are done, and in `channel` the windows up to
    /// `window` (every window when `None`).
    Partial {
        channel: usize,
        window: Option<usize>,
    },
    Done,
}

impl Progress {
    /// Is cell `index` (flat, within `channel`) of the blob known?
    pub fn shows(self, channel: usize, index: usize) -> bool {
        match self {
            Progress::None => false,
            Progress::Done => true,
            Progress::Partial { channel: c, window } => {
                channel < c || (channel == c && window.is_none_or(|w| index <= w))
            }
        }
    }
}

/// A pass and its steps.
#[derive(Clone, Debug)]
pub struct Trace {
    pub pass: Pass,
    pub granularity: Granularity,
    /// Significant digits of the numbers in the step texts.
    pub digits: usize,
    pub steps: Vec<Step>,
    reveal: Reveal,
    /// Each step's explanation, written the first time it is asked for: the formula
    /// texts are most of a trace's cost, and training rebuilds the trace every frame
    /// while only the current step is shown.
    texts: Vec<OnceCell<Explanation>>,
    /// Each step's brief text (see [`Trace::brief_text`]) with the line cap it was cut to.
    briefs: Vec<OnceCell<(usize, Explanation, bool)>>,
    /// A number no other trace built in this process has: views that depend only on the
    /// pass (not the cursor) redraw when it changes.
    pub revision: u64,
    /// The nesting of every blob (`[c, h, w]` or `[n]`): blob k is layer k's input,
    /// blob k + 1 its output. The views of a CNN write values nested so.
    pub blob_dims: Vec<Vec<usize>>,
    /// The nesting of every layer's weights (`[o, c, k, k]`, `[units, inputs]`, or none).
    pub weight_dims: Vec<Vec<usize>>,
    /// Where the input vector came from when the inputs are features of a data point
    /// (`None`: the input is the point itself, or no point): the start step says how
    /// each was computed, the network view labels its input units with them.
    source: Option<Source>,
}

static REVISIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Trace {
    /// Records `pass` as steps at the given granularity; the texts will write numbers
    /// with `digits` significant digits.
    pub fn build(pass: Pass, granularity: Granularity, digits: usize) -> Trace {
        let (steps, reveal) = if pass.net.is_mlp() {
            let mut r = Recorder::new(&pass, granularity);
            r.record();
            (r.steps, r.reveal)
        } else {
            // The first module builds fully connected traces only: its sessions refuse
            // a CNN (`Session::new`), so the CNN's recorder stays out of its download.
            #[cfg(not(feature = "full"))]
            unreachable!("a CNN in the first module");
            #[cfg(feature = "full")]
            {
                let (steps, layers, loss, update) = cnn::record(&pass, granularity);
                let reveal = Reveal {
                    loss,
                    update,
                    cnn: layers,
                    ..Reveal::default()
                };
                (steps, reveal)
            }
        };
        Trace {
            blob_dims: pass.shapes.iter().map(|s| s.dims()).collect(),
            weight_dims: pass
                .net
                .layers
                .iter()
                .map(crate::engine::params::weight_dims)
                .collect(),
            texts: vec![OnceCell::new(); steps.len()],
            briefs: vec![OnceCell::new(); steps.len()],
            pass,
            granularity,
            digits,
            steps,
            reveal,
            revision: REVISIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            source: None,
        }
    }

    /// Where the input vector came from (see [`Source`]); the step texts follow it.
    pub fn set_source(&mut self, source: Option<Source>) {
        if self.source != source {
            self.source = source;
            self.texts = vec![OnceCell::new(); self.steps.len()];
            self.briefs = vec![OnceCell::new(); self.steps.len()];
        }
    }

    /// Where the input vector came from, when its entries are features of a point.
    pub fn source(&self) -> Option<&Source> {
        self.source.as_ref()
    }

    /// Step `i` explained, lists cut after `max` lines, TeX with `tex`; the start step
    /// of a network on features says how they were computed.
    fn explain(&self, i: usize, max: usize, tex: bool) -> Explanation {
        #[allow(unused_mut)]
        let mut e = explain::explain(&self.pass, &self.steps[i], self.digits, max, tex);
        #[cfg(feature = "full")]
        if let Some(source) = &self.source {
            explain::feature::start(&mut e, source, &self.steps[i], self.digits);
        }
        e
    }

    /// Step `i` exists, else the error that names the step count.
    pub fn check_step(&self, i: usize) -> Result<(), crate::error::Error> {
        if i < self.len() {
            return Ok(());
        }
        Err(crate::error::Error::new(crate::error::ErrorKind::NoSuch {
            thing: crate::error::Thing::Step,
            index: i,
            count: self.len(),
        }))
    }

    /// The explanation of step `i` (title, note, formulas in plain text and TeX).
    pub fn text(&self, i: usize) -> &Explanation {
        self.texts[i].get_or_init(|| self.explain(i, usize::MAX, true))
    }

    /// Every step's explanation (a document reads them all).
    pub fn texts(&self) -> Vec<&Explanation> {
        (0..self.len()).map(|k| self.text(k)).collect()
    }

    /// Step `i`'s explanation with each formula list cut to `max` lines, and whether any
    /// list had more: the page's step panel (plain text, and TeX to typeset). Written only that
    /// far (a big layer's step has hundreds of lines), once.
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
        let mut text = self.explain(i, max, true);
        let mut more = false;
        for list in [&mut text.plain.symbols, &mut text.plain.numbers] {
            more |= list.len() > max;
            list.truncate(max);
        }
        // The TeX is typeset on the page: cut as the plain text is.
        text.tex.symbols.truncate(max);
        text.tex.numbers.truncate(max);
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

    /// How far engine layer `k`'s forward has come at `cursor` (a CNN).
    pub fn forward_progress(&self, k: usize, cursor: usize) -> Progress {
        self.reveal.cnn[k].forward.progress(cursor)
    }

    /// How far engine layer `k`'s backward has come at `cursor` (a CNN).
    pub fn backward_progress(&self, k: usize, cursor: usize) -> Progress {
        self.reveal.cnn[k].backward.progress(cursor)
    }

    /// Index of the first step of a phase (the start of the forward pass, …).
    pub fn first_of(&self, phase: Phase) -> Option<usize> {
        self.steps.iter().position(|s| s.phase == phase)
    }
}

/// Writes a pass's steps in order, and for each value the step that reveals it.
struct Recorder<'a> {
    pass: &'a Pass,
    granularity: Granularity,
    steps: Vec<Step>,
    reveal: Reveal,
}

impl<'a> Recorder<'a> {
    fn new(pass: &'a Pass, granularity: Granularity) -> Self {
        let blank = || {
            pass.net
                .mlp_layers()
                .map(|l| vec![usize::MAX; l.width()])
                .collect::<Vec<_>>()
        };
        Recorder {
            pass,
            granularity,
            steps: Vec::new(),
            reveal: Reveal {
                z: blank(),
                a: blank(),
                delta: blank(),
                grads: blank(),
                loss: usize::MAX,
                update: usize::MAX,
                cnn: Vec::new(),
            },
        }
    }

    /// The algorithm: forward, loss, backward (top layer down), update.
    fn record(&mut self) {
        self.start();
        let depth = self.pass.depth();
        for l in 0..depth {
            // Per neuron, each unit's z then its a; a softmax layer's a needs every z.
            let units = self.groups(l);
            if self.granularity != Granularity::Layer && !self.is_softmax(l) {
                for &u in &units {
                    self.weighted_sum(l, u);
                    self.activation(l, u);
                }
            } else {
                for &u in &units {
                    self.weighted_sum(l, u);
                }
                for &u in &units {
                    self.activation(l, u);
                }
            }
        }
        self.loss();
        for l in (0..depth).rev() {
            for u in self.groups(l) {
                self.delta(l, u);
                self.gradients(l, u);
            }
        }
        self.update();
    }

    fn is_softmax(&self, l: usize) -> bool {
        self.pass.net.mlp(l).activation.is_softmax()
    }

    /// The steps of layer `l`: one for the layer (`None`), or one per unit.
    fn groups(&self, l: usize) -> Vec<Option<usize>> {
        match self.granularity {
            Granularity::Layer => vec![None],
            // A fully connected layer has no windows: window by window is unit by unit.
            Granularity::Neuron | Granularity::Window => {
                (0..self.pass.net.mlp(l).width()).map(Some).collect()
            }
        }
    }

    fn push(&mut self, step: Step) -> usize {
        self.steps.push(step);
        self.steps.len() - 1
    }

    /// Marks the units `unit` names (all of layer `l` for `None`) as revealed at `idx`.
    fn mark(table: &mut [Vec<usize>], l: usize, unit: Option<usize>, idx: usize) {
        match unit {
            Some(i) => table[l][i] = idx,
            None => table[l].iter_mut().for_each(|v| *v = idx),
        }
    }

    /// The symbol of a layer's value (`z(1)`) or of one unit's (`z(1)_2`).
    fn symbol(l: usize, unit: Option<usize>, name: &str) -> String {
        let n = Notation::plain(4);
        match unit {
            Some(i) => n.sym(name, l + 1, &(i + 1).to_string()),
            None => n.sym(name, l + 1, ""),
        }
    }

    /// a(l−1): the input for the first layer.
    fn below(l: usize) -> Value {
        if l == 0 {
            value("input", None, None)
        } else {
            value("a", Some(l - 1), None)
        }
    }

    fn start(&mut self) {
        self.push(Step {
            phase: Phase::Start,
            kind: Kind::Start,
            layer: None,
            neuron: None,
            window: None,
            reads: vec![value("input", None, None), value("target", None, None)],
            writes: vec![],
            label: "x".into(),
        });
    }

    /// z(l) = W(l) a(l−1) + b(l).
    fn weighted_sum(&mut self, l: usize, unit: Option<usize>) {
        let idx = self.push(Step {
            phase: Phase::Forward,
            kind: Kind::WeightedSum,
            layer: Some(l),
            neuron: unit,
            window: None,
            reads: vec![
                Self::below(l),
                value("weights", Some(l), unit),
                value("biases", Some(l), unit),
            ],
            writes: vec![value("z", Some(l), unit)],
            label: Self::symbol(l, unit, "z"),
        });
        Self::mark(&mut self.reveal.z, l, unit, idx);
    }

    /// a(l) = f(z(l)); softmax reads the whole z(l).
    fn activation(&mut self, l: usize, unit: Option<usize>) {
        let reads_z = if self.is_softmax(l) { None } else { unit };
        let idx = self.push(Step {
            phase: Phase::Forward,
            kind: Kind::Activation,
            layer: Some(l),
            neuron: unit,
            window: None,
            reads: vec![value("z", Some(l), reads_z)],
            writes: vec![value("a", Some(l), unit)],
            label: Self::symbol(l, unit, "a"),
        });
        Self::mark(&mut self.reveal.a, l, unit, idx);
    }

    /// L(a(L), t).
    fn loss(&mut self) {
        let last = self.pass.depth() - 1;
        let idx = self.push(Step {
            phase: Phase::Loss,
            kind: Kind::Loss,
            layer: None,
            neuron: None,
            window: None,
            reads: vec![value("a", Some(last), None), value("target", None, None)],
            writes: vec![value("loss", None, None)],
            label: "L".into(),
        });
        self.reveal.loss = idx;
    }

    /// δ(l) = ∂L/∂z(l): from the loss at the top, from δ(l+1) and W(l+1) below it.
    fn delta(&mut self, l: usize, unit: Option<usize>) {
        let mut reads = vec![value("z", Some(l), unit), value("a", Some(l), None)];
        if l + 1 == self.pass.depth() {
            reads.push(value("target", None, None));
        } else {
            reads.push(value("delta", Some(l + 1), None));
            reads.push(value("weights", Some(l + 1), None));
        }
        let idx = self.push(Step {
            phase: Phase::Backward,
            kind: Kind::Delta,
            layer: Some(l),
            neuron: unit,
            window: None,
            reads,
            writes: vec![value("delta", Some(l), unit)],
            label: Self::symbol(l, unit, "δ"),
        });
        Self::mark(&mut self.reveal.delta, l, unit, idx);
    }

    /// ∂L/∂W(l) = δ(l) a(l−1)ᵀ, ∂L/∂b(l) = δ(l).
    fn gradients(&mut self, l: usize, unit: Option<usize>) {
        let idx = self.push(Step {
            phase: Phase::Backward,
            kind: Kind::Gradients,
            layer: Some(l),
            neuron: unit,
            window: None,
            reads: vec![value("delta", Some(l), unit), Self::below(l)],
            writes: vec![
                value("grad_weights", Some(l), unit),
                value("grad_biases", Some(l), unit),
            ],
            label: format!("∇{}", Self::symbol(l, unit, "W")),
        });
        Self::mark(&mut self.reveal.grads, l, unit, idx);
    }

    /// W ← W − η ∂L/∂W, b ← b − η ∂L/∂b, then L on the same example.
    fn update(&mut self) {
        let idx = self.push(Step {
            phase: Phase::Update,
            kind: Kind::Update,
            layer: None,
            neuron: None,
            window: None,
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
        });
        self.reveal.update = idx;
    }
}
