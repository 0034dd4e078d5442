//! Typed views of a pass: what `state()`, the page's frame, the JSON trace and the
//! fixture check read, in the fixtures' field names. Each shape is written once, as a
//! struct; a field added here appears everywhere that shape is shown.

use crate::engine::Net;
use crate::network::Rows;
use crate::pass::Pass;
use crate::trace::Trace;
use crate::vocab::Named;
use serde::Serialize;

pub mod cnn;
#[cfg(feature = "full")]
pub mod forward;

/// A value shown only once the pass has reached it (`None` is written as null).
pub type Shown<T> = Option<T>;

/// One layer's numbers, in the fixtures' names: `z`, `a`, `delta`, `grad_weights`,
/// `grad_biases`, each null until reached; the parameters around the update.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerView<'a> {
    pub activation: &'static str,
    /// The parameters in force at the cursor: before the update, then after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<Rows<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biases: Option<&'a [f64]>,
    /// z(l) = W(l) a(l−1) + b(l), unit by unit.
    pub z: Vec<Shown<f64>>,
    /// a(l) = f(z(l)).
    pub a: Vec<Shown<f64>>,
    /// δ(l) = ∂L/∂z(l).
    pub delta: Vec<Shown<f64>>,
    /// ∂L/∂W(l), row by row (left out of the page's frame, which reads them as numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grad_weights: Option<Vec<Shown<&'a [f64]>>>,
    /// ∂L/∂b(l).
    pub grad_biases: Vec<Shown<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights_before: Option<Rows<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biases_before: Option<&'a [f64]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights_after: Option<Shown<Rows<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biases_after: Option<Shown<&'a [f64]>>,
    /// Which rows of ∂L/∂W are shown (the page's frame only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grad_rows: Option<Vec<bool>>,
}

/// A layer's parameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamsView<'a> {
    pub weights: Rows<'a>,
    pub biases: &'a [f64],
}

/// Which fields a [`LayerView`] carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fields {
    /// Every field (`state()` of the embedding API).
    All,
    /// The page's frame: no repeated parameters, no matrices (sent as numbers).
    Frame,
    /// A finished pass as a fixture or a document writes it: the parameters used and
    /// the numbers, nothing about the update.
    Pass,
}

/// What is known at a cursor: every value (a finished pass) or those a trace revealed.
#[derive(Clone, Copy)]
pub enum Reveal<'a> {
    All,
    At(&'a Trace, usize),
}

impl Reveal<'_> {
    fn z(&self, l: usize, i: usize) -> bool {
        match self {
            Reveal::All => true,
            Reveal::At(t, c) => t.shows_z(l, i, *c),
        }
    }
    fn a(&self, l: usize, i: usize) -> bool {
        match self {
            Reveal::All => true,
            Reveal::At(t, c) => t.shows_a(l, i, *c),
        }
    }
    fn delta(&self, l: usize, i: usize) -> bool {
        match self {
            Reveal::All => true,
            Reveal::At(t, c) => t.shows_delta(l, i, *c),
        }
    }
    fn grads(&self, l: usize, i: usize) -> bool {
        match self {
            Reveal::All => true,
            Reveal::At(t, c) => t.shows_grads(l, i, *c),
        }
    }
    /// Has the update been made?
    pub fn updated(&self) -> bool {
        match self {
            Reveal::All => true,
            Reveal::At(t, c) => t.shows_update(*c),
        }
    }
}

/// Layer `l` of pass `p`, the values masked by `r`, with the `fields` asked for.
pub fn layer<'a>(p: &'a Pass, l: usize, r: Reveal<'_>, fields: Fields) -> LayerView<'a> {
    let (before, after) = (p.mlp(l), p.mlp_after(l));
    let w = before.width();
    let mask = |show: &dyn Fn(usize) -> bool, v: &[f64]| -> Vec<Shown<f64>> {
        (0..w).map(|i| show(i).then_some(v[i])).collect()
    };
    let updated = fields != Fields::Pass && r.updated();
    let params = if updated { after } else { before };
    let grads_shown = |i: usize| r.grads(l, i);
    let all = fields == Fields::All;
    let around = fields != Fields::Pass;
    LayerView {
        activation: before.activation.name(),
        weights: (fields != Fields::Frame).then(|| params.rows()),
        biases: (fields != Fields::Frame).then(|| params.biases()),
        z: mask(&|i| r.z(l, i), p.z(l)),
        a: mask(&|i| r.a(l, i), p.a(l)),
        delta: mask(&|i| r.delta(l, i), p.delta(l)),
        grad_weights: (fields != Fields::Frame).then(|| {
            (0..w)
                .map(|i| grads_shown(i).then(|| p.grad_row(l, i)))
                .collect()
        }),
        grad_biases: mask(&grads_shown, p.grad_b(l)),
        weights_before: all.then(|| before.rows()),
        biases_before: around.then(|| before.biases()),
        weights_after: all.then(|| updated.then(|| after.rows())),
        biases_after: around.then(|| updated.then(|| after.biases())),
        grad_rows: (fields == Fields::Frame).then(|| (0..w).map(grads_shown).collect()),
    }
}

/// Every layer's parameters (a fully connected network).
pub fn params(net: &Net) -> Vec<ParamsView<'_>> {
    net.mlp_layers()
        .map(|l| ParamsView {
            weights: l.rows(),
            biases: l.biases(),
        })
        .collect()
}

/// A whole pass in the shape of a fixture's `expected` block: the layers' numbers, the
/// loss, the layers after the update and the loss after it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PassView<'a> {
    pub layers: Vec<LayerView<'a>>,
    pub loss: f64,
    pub updated_layers: Vec<ParamsView<'a>>,
    pub loss_after_step: f64,
}

impl<'a> PassView<'a> {
    /// Every number of `p`.
    pub fn of(p: &'a Pass) -> PassView<'a> {
        PassView {
            layers: (0..p.depth())
                .map(|l| layer(p, l, Reveal::All, Fields::Pass))
                .collect(),
            loss: p.loss,
            updated_layers: params(&p.updated),
            loss_after_step: p.loss_after,
        }
    }
}

/// Where the cursor is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CursorView<'a> {
    pub index: usize,
    pub count: usize,
    pub phase: crate::trace::Phase,
    pub kind: crate::trace::Kind,
    pub layer: Option<usize>,
    /// The unit (a CNN layer: the channel) of a step at a finer granularity.
    pub neuron: Option<usize>,
    /// A CNN layer's window (its output cell, row · width + column).
    pub window: Option<usize>,
    pub label: &'a str,
}

/// The cursor of trace `t` at step `c`.
pub fn cursor(t: &Trace, c: usize) -> CursorView<'_> {
    let step = &t.steps[c];
    CursorView {
        index: c,
        count: t.len(),
        phase: step.phase,
        kind: step.kind,
        layer: step.layer,
        neuron: step.neuron,
        window: step.window,
        label: &step.label,
    }
}

/// `state()`: a fully connected network's, or a CNN's.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum State<'a> {
    Mlp(StateView<'a>),
    Cnn(cnn::CnnStateView<'a>),
}

/// The state of session `s` at its cursor, with `fields`.
pub fn state(s: &crate::lab::Session, fields: Fields) -> State<'_> {
    if s.trace().pass.net.is_mlp() {
        State::Mlp(mlp_state(s, fields))
    } else {
        // (The first module's sessions are fully connected: see `Session::new`.)
        #[cfg(not(feature = "full"))]
        unreachable!("a CNN in the first module");
        #[cfg(feature = "full")]
        State::Cnn(cnn::state(s, fields))
    }
}

/// Where training stands.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrainingView {
    pub updates: u64,
    pub examples: u64,
    pub epoch: u64,
    pub status: crate::train::Status,
    pub diverged: bool,
    pub has_test: bool,
    pub batch_size: usize,
    /// The last (training, test) loss of the loss curve.
    pub last_loss: Option<[f64; 2]>,
    /// The share of the training examples a classifier gets right, 0 to 1, with the
    /// current weights (null for a regression, or without a dataset).
    pub train_accuracy: Option<f64>,
    /// The same on the test examples (null too with none held out).
    pub test_accuracy: Option<f64>,
    /// A regression's R² on the training examples: 1 − MSE / (the targets' variance),
    /// the share of the variance explained (null for a classification).
    pub train_r2: Option<f64>,
    /// The same on the test examples.
    pub test_r2: Option<f64>,
    /// On pictures, the fully connected network trained beside this one (null
    /// elsewhere).
    pub rival: Option<RivalView>,
}

/// The fully connected network that trains beside a CNN on the same pictures, update
/// for update: what sharing a kernel over every position buys.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RivalView {
    /// Its layer sizes, input first: [64, 2, 3].
    pub sizes: Vec<usize>,
    /// Its parameter count.
    pub params: usize,
    /// The parameter count of the network it is set against.
    pub net_params: usize,
    pub train_accuracy: Option<f64>,
    pub test_accuracy: Option<f64>,
    /// The last (training, test) loss of its curve (null before training).
    pub last_loss: Option<[f64; 2]>,
    pub diverged: bool,
}

/// The rival network of a session on pictures: its run's weights, or its starting
/// weights before any (none off pictures).
#[cfg(feature = "full")]
fn rival_net(s: &crate::lab::Session) -> Option<crate::engine::Net> {
    let Some(crate::state::Data::Images(_)) = &s.saved().dataset else {
        return None;
    };
    Some(match s.workbench().rival() {
        Some(t) => t.net.clone(),
        None => crate::images::rival(s.saved().training.seed),
    })
}

/// The rival of a session on pictures: its size, its scores (`scores[4..]`), its run.
fn rival(s: &crate::lab::Session, scores: &crate::lab::Scores) -> Option<RivalView> {
    #[cfg(feature = "full")]
    if let Some(net) = rival_net(s) {
        let run = s.workbench().rival();
        let count = |n: &crate::engine::Net| n.param_counts().iter().sum();
        return Some(RivalView {
            sizes: net.sizes(),
            params: count(&net),
            net_params: count(&s.saved().problem.net),
            train_accuracy: scores[4],
            test_accuracy: scores[5],
            last_loss: run.and_then(|t| t.history.points.last().map(|p| [p.1, p.2])),
            diverged: run.is_some_and(|t| t.status != crate::train::Status::Ok),
        });
    }
    let _ = (s, scores);
    None
}

/// Accuracy (a classification) or R² (a regression) of the current weights on the
/// training and test sets, and the rival's accuracy (see [`crate::lab::Scores`]), null
/// where they do not apply. Only a dataset has them (the first module has none).
fn scores(s: &crate::lab::Session) -> crate::lab::Scores {
    #[cfg(feature = "full")]
    if s.saved().dataset.is_some() {
        let w = s.workbench();
        return w.scores(s.trace().revision, || {
            let net = &s.saved().problem.net;
            let d = w.data();
            let mut ws = crate::engine::Workspace::default();
            let (_, train) = crate::metric::evaluate(net, &d.train, &mut ws);
            let (_, test) = crate::metric::evaluate(net, &d.test, &mut ws);
            let [rival_train, rival_test] = match rival_net(s) {
                Some(r) => [&d.train, &d.test].map(|set| crate::metric::accuracy(&r, set)),
                None => [None; 2],
            };
            if crate::metric::decision(&d.train, net.output_activation()).is_some() {
                [train, test, None, None, rival_train, rival_test]
            } else {
                [None, None, train, test, rival_train, rival_test]
            }
        });
    }
    let _ = s;
    [None; 6]
}

/// `state()` of the embedding API (and, with [`Fields::Frame`], the page's frame).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StateView<'a> {
    pub cursor: CursorView<'a>,
    pub loss: Shown<f64>,
    pub loss_after_step: Shown<f64>,
    pub input: &'a [f64],
    pub target: &'a [f64],
    /// The output y unit by unit (null until reached), or null before any.
    pub output: Option<Vec<Shown<f64>>>,
    pub learning_rate: f64,
    pub loss_name: &'static str,
    pub sizes: Vec<usize>,
    pub granularity: crate::trace::Granularity,
    pub preset: Option<&'a str>,
    pub freeze_biases: bool,
    pub weight_decay: f64,
    pub layers: Vec<LayerView<'a>>,
    pub training: TrainingView,
    pub has_dataset: bool,
}

/// The state of fully connected session `s` at its cursor, with the layer `fields`.
pub fn mlp_state(s: &crate::lab::Session, fields: Fields) -> StateView<'_> {
    let t = s.trace();
    let c = s.stepper().cursor();
    let p = &t.pass;
    let r = Reveal::At(t, c);
    let last = p.depth() - 1;
    let y = p.output();
    let output = (0..y.len()).any(|i| t.shows_a(last, i, c)).then(|| {
        (0..y.len())
            .map(|i| t.shows_a(last, i, c).then_some(y[i]))
            .collect()
    });
    StateView {
        cursor: cursor(t, c),
        loss: t.shows_loss(c).then_some(p.loss),
        loss_after_step: t.shows_update(c).then_some(p.loss_after),
        input: p.input(),
        target: &p.target,
        output,
        learning_rate: p.rule.learning_rate,
        loss_name: p.net.loss.name(),
        sizes: p.net.sizes(),
        granularity: t.granularity,
        preset: s.saved().preset.as_deref(),
        freeze_biases: p.rule.freeze_biases,
        weight_decay: p.rule.weight_decay,
        layers: (0..p.depth()).map(|l| layer(p, l, r, fields)).collect(),
        training: training(s),
        has_dataset: s.saved().dataset.is_some(),
    }
}

/// Where the training run stands.
pub fn training(s: &crate::lab::Session) -> TrainingView {
    let batch_size = s.saved().training.batch_size;
    let has_test = !s.workbench().data().test.is_empty();
    let scores = scores(s);
    let [train_accuracy, test_accuracy, train_r2, test_r2, ..] = scores;
    match s.workbench().trainer() {
        None => TrainingView {
            updates: 0,
            examples: 0,
            epoch: 0,
            status: crate::train::Status::Ok,
            diverged: false,
            has_test,
            batch_size,
            last_loss: None,
            train_accuracy,
            test_accuracy,
            train_r2,
            test_r2,
            rival: rival(s, &scores),
        },
        Some(t) => TrainingView {
            updates: t.updates,
            examples: t.examples,
            epoch: t.examples / t.train.len().max(1) as u64,
            status: t.status.clone(),
            diverged: matches!(t.status, crate::train::Status::Diverged { .. }),
            has_test,
            batch_size,
            last_loss: t.history.points.last().map(|p| [p.1, p.2]),
            train_accuracy,
            test_accuracy,
            train_r2,
            test_r2,
            rival: rival(s, &scores),
        },
    }
}

/// A step as the timeline lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepItem<'a> {
    pub label: &'a str,
    pub phase: crate::trace::Phase,
    pub kind: crate::trace::Kind,
    pub layer: Option<usize>,
    pub neuron: Option<usize>,
}

/// The network's shape, activations and the granularity as one number: the steps
/// and the symbols change only with it.
pub fn shape_key(t: &Trace) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    t.pass.shapes.hash(&mut h);
    for l in &t.pass.net.layers {
        l.type_name().hash(&mut h);
    }
    t.granularity.hash(&mut h);
    h.finish()
}

/// Every step of a trace, for the timeline.
pub fn steps(t: &Trace) -> Vec<StepItem<'_>> {
    t.steps
        .iter()
        .map(|s| StepItem {
            label: &s.label,
            phase: s.phase,
            kind: s.kind,
            layer: s.layer,
            neuron: s.neuron,
        })
        .collect()
}

/// Formula lines the step panel shows per list until every line is asked for.
pub const BRIEF_LINES: usize = 24;

/// One step's words in one language: title, note, the formula lines in plain text and
/// typeset.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepText {
    pub title: String,
    pub note: String,
    pub symbols: Vec<String>,
    pub numbers: Vec<String>,
    /// The same lines in TeX, which the page typesets (www/math.js); the plain text
    /// stays for the announcement and for copying.
    pub tex: crate::explain::Lines,
    /// True when a list has more than [`BRIEF_LINES`] lines: the brief text leaves the
    /// rest out, the whole text can be cut back to it.
    pub long: bool,
}

/// Step `i`'s text in `lang`: every line (`all`), or each list cut to [`BRIEF_LINES`].
pub fn step_text(t: &Trace, i: usize, lang: crate::lang::Lang, all: bool) -> StepText {
    let (e, long) = if all {
        let e = t.text(i).clone();
        let long = e.plain.symbols.len() > BRIEF_LINES || e.plain.numbers.len() > BRIEF_LINES;
        (e, long)
    } else {
        t.brief_text(i, BRIEF_LINES)
    };
    StepText {
        title: e.title.get(lang).to_string(),
        note: e.note.get(lang).to_string(),
        tex: e.tex,
        symbols: e.plain.symbols,
        numbers: e.plain.numbers,
        long,
    }
}

/// Each layer's parameter symbols as the formulas write them (`W(2)_11`, `W(2)_12,1`)
/// and the input and target symbols: the page labels its tables and choices with these.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SymbolsView {
    pub inputs: Vec<String>,
    pub targets: Vec<String>,
    pub layers: Vec<LayerSymbols>,
    /// A CNN's conv kernels: each conv layer's weights' symbols (`K(1)[1,1,2,2]`), flat.
    pub kernels: Vec<KernelSymbols>,
}

/// One conv layer's kernel weights, by their symbols.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KernelSymbols {
    /// The engine layer (0-based).
    pub layer: usize,
    pub weights: Vec<String>,
}

/// One layer's symbols.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerSymbols {
    pub weights: Vec<Vec<String>>,
    pub biases: Vec<String>,
    pub z: Vec<String>,
    pub a: Vec<String>,
    pub delta: Vec<String>,
}

/// The symbols of `net`'s parameters and values.
pub fn symbols(net: &Net) -> Option<SymbolsView> {
    if net.is_mlp() {
        return Some(mlp_symbols(net));
    }
    let n = crate::notation::Notation::plain(4);
    Some(SymbolsView {
        inputs: vec![],
        targets: (0..net.outputs()).map(|i| n.t(i)).collect(),
        layers: vec![],
        kernels: net
            .layers
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l, crate::engine::Layer::Conv(_)))
            .map(|(k, l)| KernelSymbols {
                layer: k,
                weights: (0..l.params().map_or(0, |p| p.0.len()))
                    .map(|index| {
                        cnn::param_symbol(net, crate::engine::Param::Weight { layer: k, index })
                    })
                    .collect(),
            })
            .collect(),
    })
}

fn mlp_symbols(net: &Net) -> SymbolsView {
    let n = crate::notation::Notation::plain(4);
    SymbolsView {
        inputs: (0..net.inputs()).map(|j| n.x(j)).collect(),
        targets: (0..net.outputs()).map(|i| n.t(i)).collect(),
        kernels: vec![],
        layers: net
            .mlp_layers()
            .enumerate()
            .map(|(l, layer)| LayerSymbols {
                weights: (0..layer.width())
                    .map(|i| (0..layer.fan_in()).map(|j| n.w(l, i, j)).collect())
                    .collect(),
                biases: (0..layer.width()).map(|i| n.b(l, i)).collect(),
                z: (0..layer.width()).map(|i| n.z(l, i)).collect(),
                a: (0..layer.width()).map(|i| n.a(l + 1, i)).collect(),
                delta: (0..layer.width()).map(|i| n.delta(l, i)).collect(),
            })
            .collect(),
    }
}

/// The chain rule of a weight or bias, in one language, with the finite-difference
/// value beside backprop's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainView {
    pub layer: usize,
    pub to: usize,
    pub from: Option<usize>,
    pub title: String,
    pub note: String,
    pub factors: Vec<FactorView>,
    pub paths: Vec<String>,
    pub numbers: Vec<String>,
    pub value: f64,
    pub numeric: f64,
    pub rel_error: f64,
    /// True once the cursor has reached this gradient.
    pub revealed: bool,
    /// The factors' symbols, the paths and the numbers in TeX, which the page typesets.
    pub tex: ChainTex,
}

/// A chain rule's formulas in TeX, one per factor, path and number line.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ChainTex {
    pub factors: Vec<String>,
    pub paths: Vec<String>,
    pub numbers: Vec<String>,
}

/// One factor of a chain rule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FactorView {
    pub symbol: String,
    pub value: f64,
    pub name: String,
}

/// The chain rule of W(l)_ij (`j` = None: b(l)_i) at session `s`'s cursor.
pub fn chain(
    s: &crate::lab::Session,
    l: usize,
    i: usize,
    j: Option<usize>,
    lang: crate::lang::Lang,
) -> Result<ChainView, crate::error::Error> {
    let t = s.trace();
    let p = &t.pass;
    let c = crate::chain::chain_rule(p, l, i, j, crate::lab::UI_DIGITS)?;
    let numeric = crate::gradcheck::numeric(&p.net, p.input(), &p.target, l, i, j);
    Ok(ChainView {
        layer: l,
        to: i,
        from: j,
        title: c.text.title.get(lang).to_string(),
        note: c.text.note.get(lang).to_string(),
        factors: c
            .factors
            .iter()
            .map(|f| FactorView {
                symbol: f.symbol.clone(),
                value: f.value,
                name: f.name.get(lang).to_string(),
            })
            .collect(),
        paths: c.paths.iter().map(|p| p.line.clone()).collect(),
        numbers: c.text.plain.numbers.clone(),
        value: c.value,
        numeric,
        rel_error: crate::gradcheck::rel(c.value, numeric),
        revealed: t.shows_grads(l, i, s.stepper().cursor()),
        tex: ChainTex {
            factors: c.factors.iter().map(|f| f.tex.clone()).collect(),
            paths: c.paths.iter().map(|p| p.tex.clone()).collect(),
            numbers: c.text.tex.numbers.clone(),
        },
    })
}

/// The gradient check of every parameter, each named by its symbol.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradcheckView {
    pub entries: Vec<GradcheckEntry>,
    pub max_rel_error: f64,
}

/// One parameter's two gradients.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradcheckEntry {
    pub symbol: String,
    pub backprop: f64,
    pub numeric: f64,
    pub rel_error: f64,
}

/// Backprop's gradients beside central finite differences, for every parameter.
pub fn gradcheck(p: &Pass) -> GradcheckView {
    if !p.net.is_mlp() {
        return cnn::gradcheck(p);
    }
    let n = crate::notation::Notation::plain(4);
    let r = crate::gradcheck::check(&p.net, p.input(), &p.target);
    GradcheckView {
        entries: r
            .entries
            .iter()
            .map(|e| GradcheckEntry {
                symbol: match e.from {
                    Some(j) => n.w(e.layer, e.to, j),
                    None => n.b(e.layer, e.to),
                },
                backprop: e.backprop,
                numeric: e.numeric,
                rel_error: e.rel_error,
            })
            .collect(),
        max_rel_error: r.max_rel_error,
    }
}

/// The weight matrices the page's frame leaves out, as one flat list: for each layer,
/// `weights_before` (only with `before`: they change only with the trace's revision),
/// `grad_weights` (every row; a row is shown where the frame's `grad_rows` is true),
/// then `weights_after` (only once the update is made). Numbers that are not finite
/// are null in `state()`; the page reads them so too.
pub fn matrices(t: &Trace, cursor: usize, before: bool) -> Vec<f64> {
    let p = &t.pass;
    let mut out = Vec::new();
    if !p.net.is_mlp() {
        // A CNN's state carries its parameters nested, as the fixtures write them.
        return out;
    }
    for l in 0..p.depth() {
        // Dense weights are stored row by row already: each matrix is one slice.
        if before {
            out.extend_from_slice(&p.net.mlp(l).dense.weights);
        }
        out.extend_from_slice(p.grad_ws(l));
        if t.shows_update(cursor) {
            out.extend_from_slice(&p.updated.mlp(l).dense.weights);
        }
    }
    out
}

/// The next mini-batch update worked out example by example, in one language.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchWalkView {
    pub indices: Vec<usize>,
    pub steps: Vec<BatchStepView>,
}

/// One step of the walk-through.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchStepView {
    pub title: String,
    pub note: String,
    pub lines: Vec<String>,
}

/// What `train(1)` will do next on a batch of two or more examples.
pub fn batch_walk(
    s: &crate::lab::Session,
    lang: crate::lang::Lang,
) -> Result<BatchWalkView, crate::error::Error> {
    if !s.saved().problem.net.is_mlp() {
        return Err(crate::error::Error::new(crate::error::ErrorKind::NeedsMlp));
    }
    let train = &s.workbench().data().train;
    let n = train.len();
    let k = crate::train::batch_len(s.saved().training.batch_size, n);
    if k < 2 || n < 2 {
        return Err(crate::error::Error::new(
            crate::error::ErrorKind::WalkNeedsBatch,
        ));
    }
    let next = s.workbench().trainer().map_or(0, |t| t.next);
    let indices: Vec<usize> = crate::train::batch_indices(next, k, n).collect();
    let bt = crate::batch::build(
        &s.saved().problem.net,
        &train.inputs,
        &train.targets,
        &indices,
        s.saved().problem.rule(),
        crate::lab::UI_DIGITS,
    );
    Ok(BatchWalkView {
        indices: bt.indices,
        steps: bt
            .steps
            .into_iter()
            .map(|st| BatchStepView {
                title: st.title.get(lang).to_string(),
                note: st.note.get(lang).to_string(),
                lines: st.lines,
            })
            .collect(),
    })
}

/// A preset as the menu lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PresetItem {
    pub name: &'static str,
    /// `"mlp"` or `"cnn"`.
    pub kind: &'static str,
    pub title: crate::explain::Bilingual,
    /// Its tooltip; not in the page's first module (the page reads `www/presets.json`).
    #[cfg(feature = "full")]
    pub description: crate::explain::Bilingual,
    /// The dataset it trains on, if any.
    pub dataset: Option<&'static str>,
}

/// A language as the menu lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LangItem {
    pub code: &'static str,
    pub name: &'static str,
}

/// A dataset as the training panel lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatasetItem {
    pub name: &'static str,
    pub inputs: usize,
    pub regression: bool,
}

/// An input feature as the training panel lists it (a checkbox labelled `formula`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeatureItem {
    pub name: &'static str,
    /// As the input unit is labelled: `x₁²`, `sin x₂`.
    pub formula: &'static str,
    /// It reads x₂, so a 1-D dataset (sine) cannot offer it.
    pub uses_x2: bool,
}

/// An initialisation as the training panel lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InitItem {
    pub name: &'static str,
    pub label: &'static str,
}

/// Every vocabulary the page offers, from the one place each is defined: the page
/// builds its menus and checks its links with these.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Vocabulary {
    pub presets: Vec<PresetItem>,
    pub activations: Vec<&'static str>,
    pub losses: Vec<&'static str>,
    pub datasets: Vec<DatasetItem>,
    /// TensorFlow Playground's input features, in its order.
    pub features: Vec<FeatureItem>,
    pub inits: Vec<InitItem>,
    pub granularities: Vec<&'static str>,
    pub phases: Vec<&'static str>,
    pub panels: Vec<&'static str>,
    /// The panels presenter mode shows (of those asked for).
    pub presenter_panels: Vec<&'static str>,
    /// For each panel (in `panels` order), the kind of network it is for: `mlp`, `cnn`
    /// or `any`.
    pub panel_kinds: Vec<&'static str>,
    pub modes: Vec<&'static str>,
    pub controls: Vec<&'static str>,
    pub langs: Vec<LangItem>,
    pub formats: Vec<&'static str>,
    pub views: Vec<&'static str>,
    /// For each view (in `views` order), the kind of network it is for.
    pub view_kinds: Vec<&'static str>,
    /// The views that export as SVG.
    pub svg_views: Vec<&'static str>,
    /// Examples per update the batch menu offers (0: the full batch).
    pub batch_sizes: Vec<usize>,
    /// Steps per frame the speed menu offers.
    pub speeds: Vec<u64>,
    pub max_hidden: usize,
    pub max_units: usize,
    pub max_points: usize,
}

/// The vocabularies.
pub fn vocabulary() -> Vocabulary {
    use crate::render::frame::View;
    Vocabulary {
        presets: crate::preset::NAMES
            .iter()
            .filter_map(|n| crate::preset::entry(n).ok())
            .map(|p| PresetItem {
                name: p.name,
                kind: if p.is_cnn() { "cnn" } else { "mlp" },
                title: p.title,
                #[cfg(feature = "full")]
                description: p.description,
                dataset: p.dataset.as_ref().map(|d| d.kind.name()),
            })
            .collect(),
        activations: crate::activation::Activation::names(),
        losses: crate::loss::Loss::names(),
        datasets: crate::dataset::Kind::ALL
            .iter()
            .map(|k| DatasetItem {
                name: k.name(),
                inputs: k.inputs(),
                regression: k.is_regression(),
            })
            .collect(),
        features: crate::feature::Feature::ALL
            .iter()
            .map(|f| FeatureItem {
                name: f.name(),
                formula: f.formula(),
                uses_x2: f.uses_x2(),
            })
            .collect(),
        inits: crate::init::Init::ALL
            .iter()
            .map(|i| InitItem {
                name: i.name(),
                label: i.label(),
            })
            .collect(),
        granularities: crate::trace::Granularity::names(),
        phases: crate::trace::Phase::names(),
        panels: crate::vocab::Panel::names(),
        presenter_panels: crate::vocab::Panel::PRESENTER
            .iter()
            .map(|p| p.name())
            .collect(),
        panel_kinds: crate::vocab::Panel::ALL.iter().map(|p| p.kind()).collect(),
        modes: crate::vocab::Mode::names(),
        controls: crate::vocab::Controls::names(),
        langs: crate::lang::Lang::ALL
            .iter()
            .map(|l| LangItem {
                code: l.code(),
                name: l.name(),
            })
            .collect(),
        formats: crate::document::Format::names(),
        views: View::names(),
        view_kinds: View::ALL.iter().map(|v| v.kind()).collect(),
        svg_views: View::ALL
            .iter()
            .filter(|v| v.has_svg())
            .map(|v| v.name())
            .collect(),
        batch_sizes: vec![1, 4, 8, 16, 32, 0],
        speeds: vec![1, 10, 100, 1000, 10000],
        max_hidden: crate::lab::workbench::MAX_HIDDEN,
        max_units: crate::lab::workbench::MAX_UNITS,
        max_points: crate::dataset::MAX_POINTS,
    }
}
