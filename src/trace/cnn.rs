//! The steps of a pass through the engine of layers (a CNN), as Caffe's `Net::Forward`
//! and `Net::Backward` walk them: every layer's forward from the first to the last,
//! the loss, every layer's backward from the last down to the first, then the update.
//! A conv or pool layer may be stepped output channel by channel, or window by window.

use super::{value, Granularity, Kind, Phase, Progress, Step};
use crate::engine::{Layer, Shape};
use crate::pass::Pass;

/// The steps of one layer's forward or backward, and what each reaches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stages {
    /// (step index, channel, window) of each step, in order.
    steps: Vec<(usize, Option<usize>, Option<usize>)>,
}

impl Stages {
    /// How far these steps have come at `cursor`.
    pub fn progress(&self, cursor: usize) -> Progress {
        match self.steps.iter().rposition(|s| s.0 <= cursor) {
            None => Progress::None,
            Some(k) if k + 1 == self.steps.len() => Progress::Done,
            Some(k) => match self.steps[k] {
                (_, Some(channel), window) => Progress::Partial { channel, window },
                _ => Progress::Done,
            },
        }
    }
}

/// The forward and backward steps of one engine layer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerSteps {
    pub forward: Stages,
    pub backward: Stages,
}

/// Is this a layer that slides a window (and so can be stepped by channel and window)?
pub fn slides(layer: &Layer) -> bool {
    matches!(
        layer,
        Layer::Conv(_) | Layer::MaxPool(_) | Layer::AvgPool(_)
    )
}

/// The (channel, window) parts of a layer's work at `g`, over the channels and cells of
/// `out` (its output, whose cells the windows make).
fn parts(layer: &Layer, out: Shape, g: Granularity) -> Vec<(Option<usize>, Option<usize>)> {
    let (c, h, w) = out.chw();
    match g {
        _ if !slides(layer) => vec![(None, None)],
        Granularity::Layer => vec![(None, None)],
        Granularity::Neuron => (0..c).map(|o| (Some(o), None)).collect(),
        Granularity::Window => (0..c)
            .flat_map(|o| (0..h * w).map(move |k| (Some(o), Some(k))))
            .collect(),
    }
}

/// The name of layer `k` in the timeline: `conv(1)`, `max_pool(3)`.
fn name(p: &Pass, k: usize) -> String {
    format!("{}({})", p.net.layers[k].type_name(), k + 1)
}

/// A part's suffix: `[2]` for channel 2, `[2](0,1)` for its window at row 0, column 1.
fn part_label(out: Shape, channel: Option<usize>, window: Option<usize>) -> String {
    let (_, _, w) = out.chw();
    match (channel, window) {
        (Some(c), Some(k)) => format!("[{}]({},{})", c + 1, k / w + 1, k % w + 1),
        (Some(c), None) => format!("[{}]", c + 1),
        _ => String::new(),
    }
}

/// Records the steps of `p` at granularity `g`: the steps, each layer's stages, and the
/// indices of the loss and update steps.
pub fn record(p: &Pass, g: Granularity) -> (Vec<Step>, Vec<LayerSteps>, usize, usize) {
    let n = p.net.layers.len();
    let mut steps = vec![Step {
        phase: Phase::Start,
        kind: Kind::Start,
        layer: None,
        neuron: None,
        window: None,
        reads: vec![value("input", None, None), value("target", None, None)],
        writes: vec![],
        label: "x".into(),
    }];
    let mut layers = vec![LayerSteps::default(); n];
    for (k, layer) in p.net.layers.iter().enumerate() {
        let out = p.shapes[k + 1];
        for (channel, window) in parts(layer, out, g) {
            let mut writes = vec![value("output", Some(k), channel)];
            if matches!(layer, Layer::MaxPool(_)) {
                writes.push(value("argmax", Some(k), channel));
            }
            layers[k].forward.steps.push((steps.len(), channel, window));
            steps.push(Step {
                phase: Phase::Forward,
                kind: Kind::Forward,
                layer: Some(k),
                neuron: channel,
                window,
                reads: vec![if k == 0 {
                    value("input", None, None)
                } else {
                    value("output", Some(k - 1), None)
                }],
                writes,
                label: format!("{}{}", name(p, k), part_label(out, channel, window)),
            });
        }
    }
    let loss = steps.len();
    steps.push(Step {
        phase: Phase::Loss,
        kind: Kind::Loss,
        layer: None,
        neuron: None,
        window: None,
        reads: vec![
            value("output", Some(n - 1), None),
            value("target", None, None),
        ],
        writes: vec![value("loss", None, None)],
        label: "L".into(),
    });
    for (k, layer) in p.net.layers.iter().enumerate().rev() {
        let out = p.shapes[k + 1];
        for (channel, window) in parts(layer, out, g) {
            let mut writes = vec![value("grad_input", Some(k), None)];
            if layer.params().is_some() {
                writes.push(value("grad_weights", Some(k), channel));
                writes.push(value("grad_biases", Some(k), channel));
            }
            let mut reads = vec![if k + 1 == n {
                value("target", None, None)
            } else {
                value("grad_input", Some(k + 1), channel)
            }];
            if layer.params().is_some() {
                reads.push(value("weights", Some(k), channel));
            }
            layers[k]
                .backward
                .steps
                .push((steps.len(), channel, window));
            steps.push(Step {
                phase: Phase::Backward,
                kind: Kind::Backward,
                layer: Some(k),
                neuron: channel,
                window,
                reads,
                writes,
                label: format!("∇{}{}", name(p, k), part_label(out, channel, window)),
            });
        }
    }
    let update = steps.len();
    steps.push(Step {
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
    (steps, layers, loss, update)
}
