//! The app's state behind the page: the saved state, its trace and the cursor on it.
//! Every edit is validated first and recomputes the trace; a failed edit or load
//! changes nothing. Pure Rust, so the page's behaviour is testable natively.

use crate::chain;
use crate::dataset::{self, Dataset};
use crate::document::{self, Format};
use crate::gradcheck;
use crate::json::{obj, to_value, Value};
use crate::network::check_value;
use crate::notation::Notation;
use crate::problem::{self, Problem};
use crate::state::Data;
use crate::state::{self, SavedState};
use crate::trace::{Granularity, Phase, Trace};
use crate::train::{Config, Status, Trainer};
use std::borrow::Cow;

/// Significant digits of the numbers the page shows in formulas.
pub const UI_DIGITS: usize = 4;

/// The state of one page.
#[derive(Clone, Debug)]
pub struct Session {
    pub(crate) saved: SavedState,
    pub(crate) trace: Trace,
    pub(crate) cursor: usize,
    /// The training run on the current dataset, made on first use and dropped by edits.
    pub(crate) trainer: Option<Trainer>,
    /// The weights "reset" returns to: as loaded, or as last drawn from the seed.
    pub(crate) initial: crate::network::Network,
}

/// The data of a saved state with problem `p` in place of its own, checked to fit `p`'s
/// network (shapes; probabilities for cross-entropy: a softmax output cannot learn a
/// regression's real-valued targets). `None` without a dataset (the one example).
pub(crate) fn checked_data(
    saved: &SavedState,
    p: &Problem,
) -> Result<Option<(Dataset, Dataset)>, String> {
    let Some(data) = &saved.dataset else {
        return Ok(None);
    };
    let (train, test) = datasets_of(Some(data), p);
    check_examples(p, &train, &test)?;
    Ok(Some((train, test)))
}

/// Checks that every example of `train` and `test` fits problem `p`'s network.
pub(crate) fn check_examples(p: &Problem, train: &Dataset, test: &Dataset) -> Result<(), String> {
    for (k, (x, t)) in train
        .inputs
        .iter()
        .zip(&train.targets)
        .chain(test.inputs.iter().zip(&test.targets))
        .enumerate()
    {
        p.network.validate_example(x, t).map_err(|e| {
            if p.network.loss == crate::loss::Loss::CrossEntropy {
                "softmax with cross-entropy needs a classification dataset (this one's targets are not probabilities)".to_string()
            } else {
                format!("dataset example {k}: {e}")
            }
        })?;
    }
    Ok(())
}

/// The training and test sets of a saved state: generated, given, or the one example.
pub fn datasets(saved: &SavedState) -> (Dataset, Dataset) {
    datasets_of(saved.dataset.as_ref(), &saved.problem)
}

/// The training and test sets of `data` for problem `p` (generated targets follow its
/// output layer), or `p`'s one example.
fn datasets_of(data: Option<&Data>, p: &Problem) -> (Dataset, Dataset) {
    let none = || Dataset {
        inputs: vec![],
        targets: vec![],
    };
    match data {
        Some(Data::Generated(spec)) => {
            let out = p
                .network
                .layers
                .last()
                .map(|l| l.activation)
                .unwrap_or(crate::activation::Activation::Linear);
            dataset::split(spec, &dataset::generate(spec), p.network.outputs(), out)
        }
        Some(Data::Given(d)) => (d.clone(), none()),
        None => (
            Dataset {
                inputs: vec![p.input.clone()],
                targets: vec![p.target.clone()],
            },
            none(),
        ),
    }
}

pub(crate) fn build_trace(p: &Problem, g: Granularity) -> Trace {
    Trace::build(p.pass(), g, UI_DIGITS)
}

impl Session {
    /// A session on a preset.
    pub fn from_preset(name: &str) -> Result<Session, String> {
        Ok(Session::from_saved(SavedState::from_preset(name)?))
    }

    fn from_saved(saved: SavedState) -> Session {
        let trace = build_trace(&saved.problem, saved.view.granularity);
        let cursor = saved.view.cursor.min(trace.len() - 1);
        Session {
            initial: saved.problem.network.clone(),
            saved,
            trace,
            cursor,
            trainer: None,
        }
    }

    /// Loads JSON text of any accepted shape; on error nothing changes.
    pub fn load(&mut self, text: &str) -> Result<(), String> {
        *self = Session::from_saved(state::load(text)?);
        Ok(())
    }

    /// Loads a preset; on error nothing changes.
    pub fn load_preset(&mut self, name: &str) -> Result<(), String> {
        *self = Session::from_preset(name)?;
        Ok(())
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    pub fn saved(&self) -> &SavedState {
        &self.saved
    }

    pub fn problem(&self) -> &Problem {
        &self.saved.problem
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.trace.len()
    }

    /// A trace is never empty (it has its start and update steps).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Next step; false at the end. (Named as in the embedding API, not an iterator.)
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> bool {
        self.seek(self.cursor + 1).is_ok()
    }

    /// Previous step; false at the start.
    pub fn prev(&mut self) -> bool {
        self.cursor > 0 && self.seek(self.cursor - 1).is_ok()
    }

    /// Back to step 0.
    pub fn reset(&mut self) {
        self.cursor = 0;
    }

    /// The last step (the update).
    pub fn end(&mut self) {
        self.cursor = self.trace.len() - 1;
    }

    /// Moves the cursor to step `i`.
    pub fn seek(&mut self, i: usize) -> Result<(), String> {
        if i >= self.trace.len() {
            return Err(format!(
                "step {i} does not exist (this pass has steps 0 to {})",
                self.trace.len() - 1
            ));
        }
        self.cursor = i;
        Ok(())
    }

    /// Jumps to the first step of a phase (`forward`, `loss`, `backward`, `update`).
    pub fn seek_phase(&mut self, phase: &str) -> Result<(), String> {
        let ph = match phase {
            "start" => Phase::Start,
            "forward" => Phase::Forward,
            "loss" => Phase::Loss,
            "backward" => Phase::Backward,
            "update" => Phase::Update,
            _ => return Err(format!("unknown phase \"{}\"", crate::json::clip(phase))),
        };
        self.cursor = self.trace.first_of(ph).unwrap_or(0);
        Ok(())
    }

    /// Applies an edit to a copy of the problem; if valid, recomputes the trace and
    /// keeps the cursor (clamped). Otherwise nothing changes.
    pub(crate) fn edit(
        &mut self,
        f: impl FnOnce(&mut Problem) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut p = self.saved.problem.clone();
        f(&mut p)?;
        p.validate()?;
        let data = checked_data(&self.saved, &p)?;
        self.trace = build_trace(&p, self.saved.view.granularity);
        self.saved.problem = p;
        self.cursor = self.cursor.min(self.trace.len() - 1);
        self.sync_trainer(data);
        Ok(())
    }

    /// The training and test sets: the run's own (kept equal to [`datasets`] of the
    /// saved state by every edit), or generated from the saved state before any run.
    pub fn data(&self) -> (Cow<'_, Dataset>, Cow<'_, Dataset>) {
        match &self.trainer {
            Some(t) => (Cow::Borrowed(&t.train), Cow::Borrowed(&t.test)),
            None => {
                let (train, test) = datasets(&self.saved);
                (Cow::Owned(train), Cow::Owned(test))
            }
        }
    }

    /// After an edit: a run on a dataset goes on with the edited weights and rule (its
    /// loss curve kept) and the edited problem's `data` (the targets follow the output
    /// layer: tanh trains on ±1, sigmoid on 0/1); a run on the one example starts again,
    /// as the example changed.
    fn sync_trainer(&mut self, data: Option<(Dataset, Dataset)>) {
        match (data, &mut self.trainer) {
            (None, _) => self.trainer = None,
            (Some(_), None) => {}
            (Some((train, test)), Some(t)) => {
                t.network = self.saved.problem.network.clone();
                t.config.rule = self.saved.problem.rule();
                t.status = Status::Ok;
                if t.train != train || t.test != test {
                    t.train = train;
                    t.test = test;
                }
            }
        }
    }

    /// `n` SGD updates on the current dataset (the one example if there is none),
    /// continuing the same run; the pass is then recomputed with the new weights.
    /// Returns the mean training loss. Divergence stops training, keeps the last
    /// finite weights and shows in `state().training.status`.
    pub fn train(&mut self, n: u64) -> Result<f64, String> {
        // One blocking call: bounded by the examples it touches, not only the updates.
        let per_update =
            crate::train::batch_len(self.saved.training.batch_size, self.data().0.len()) as u64;
        if n.saturating_mul(per_update) > 10_000_000 {
            return Err(format!(
                "train: {n} updates of {per_update} examples at once is too many (at most 10000000 examples; train in smaller calls)"
            ));
        }
        self.train_until(n, || true)?;
        Ok(self.trainer.as_ref().map_or(0.0, |t| t.train_loss()))
    }

    /// Up to `max` updates while `keep_going()` says so (checked every few steps: the
    /// page gives training a time budget per frame). Returns the updates made.
    pub fn train_until(
        &mut self,
        max: u64,
        mut keep_going: impl FnMut() -> bool,
    ) -> Result<u64, String> {
        let trainer = self.trainer.get_or_insert_with(|| {
            let (train, test) = datasets(&self.saved);
            let config = Config {
                rule: self.saved.problem.rule(),
                batch_size: self.saved.training.batch_size,
            };
            Trainer::new(self.saved.problem.network.clone(), train, test, config)
        });
        let before = trainer.updates;
        let mut done = 0;
        while done < max && trainer.status == Status::Ok {
            let chunk = (max - done).min(8);
            trainer.run(chunk);
            done += chunk;
            if !keep_going() {
                break;
            }
        }
        let made = trainer.updates - before;
        self.saved.problem.network = trainer.network.clone();
        self.trace = build_trace(&self.saved.problem, self.saved.view.granularity);
        self.cursor = self.cursor.min(self.trace.len() - 1);
        Ok(made)
    }

    /// True once the run has diverged (and stopped).
    pub fn diverged(&self) -> bool {
        self.trainer
            .as_ref()
            .is_some_and(|t| matches!(t.status, Status::Diverged { .. }))
    }

    /// Where training stands, for `state()`.
    fn training_state(&self) -> Value {
        let batch_size = self.saved.training.batch_size;
        match &self.trainer {
            None => {
                obj! {"updates": 0, "examples": 0, "epoch": 0, "status": Status::Ok, "diverged": false, "has_test": false, "batch_size": batch_size}
            }
            Some(t) => obj! {
                "updates": t.updates,
                "examples": t.examples,
                "epoch": t.examples / t.train.len().max(1) as u64,
                "status": t.status,
                "diverged": matches!(t.status, Status::Diverged { .. }),
                "has_test": !t.test.is_empty(),
                "batch_size": batch_size,
                "last_loss": t.history.points.last().map(|p| [p.1, p.2]),
            },
        }
    }

    /// W(l)_ij = v (0-based indices).
    pub fn set_weight(&mut self, l: usize, i: usize, j: usize, v: f64) -> Result<(), String> {
        let at = Notation::plain(UI_DIGITS).w(l, i, j);
        self.set_number(at, "weight", v, |p| {
            p.network.layers.get_mut(l)?.weights.get_mut(i)?.get_mut(j)
        })
    }

    /// b(l)_i = v.
    pub fn set_bias(&mut self, l: usize, i: usize, v: f64) -> Result<(), String> {
        let at = Notation::plain(UI_DIGITS).b(l, i);
        self.set_number(at, "bias", v, |p| {
            p.network.layers.get_mut(l)?.biases.get_mut(i)
        })
    }

    /// x_j = v.
    pub fn set_input(&mut self, j: usize, v: f64) -> Result<(), String> {
        self.set_number(format!("x_{}", j + 1), "input", v, |p| p.input.get_mut(j))
    }

    /// t_i = v.
    pub fn set_target(&mut self, i: usize, v: f64) -> Result<(), String> {
        let at = Notation::plain(UI_DIGITS).t(i);
        self.set_number(at, "target", v, |p| p.target.get_mut(i))
    }

    /// Sets the number `slot` finds (a `what` named `at` in messages), after checking it.
    fn set_number(
        &mut self,
        at: String,
        what: &str,
        v: f64,
        slot: impl FnOnce(&mut Problem) -> Option<&mut f64>,
    ) -> Result<(), String> {
        check_value(v, &at)?;
        self.edit(|p| {
            *slot(p).ok_or_else(|| format!("{at}: no such {what}"))? = v;
            Ok(())
        })
    }

    /// η = v.
    pub fn set_learning_rate(&mut self, v: f64) -> Result<(), String> {
        problem::check_rate(v, "learning rate")?;
        self.edit(|p| {
            p.learning_rate = v;
            Ok(())
        })
    }

    /// The activation of layer l, by name.
    pub fn set_activation(&mut self, l: usize, name: &str) -> Result<(), String> {
        let act = crate::activation::Activation::parse(name)?;
        self.edit(|p| {
            let depth = p.network.layers.len();
            let layer = p
                .network
                .layers
                .get_mut(l)
                .ok_or_else(|| format!("layer {} does not exist", l + 1))?;
            layer.activation = act;
            // Softmax goes with cross-entropy, and cross-entropy with softmax.
            if l + 1 == depth {
                use crate::loss::Loss;
                if act.is_softmax() && p.network.loss != Loss::CrossEntropy {
                    p.network.loss = Loss::CrossEntropy;
                    let k = p
                        .target
                        .iter()
                        .cloned()
                        .enumerate()
                        .fold((0, f64::MIN), |b, (i, v)| if v > b.1 { (i, v) } else { b })
                        .0;
                    p.target = (0..p.target.len())
                        .map(|i| if i == k { 1.0 } else { 0.0 })
                        .collect();
                } else if !act.is_softmax() && p.network.loss == Loss::CrossEntropy {
                    p.network.loss = Loss::HalfSse;
                }
            }
            Ok(())
        })
    }

    /// Layer or neuron steps; the cursor stays on the same part of the pass.
    pub fn set_granularity(&mut self, name: &str) -> Result<(), String> {
        let g = Granularity::parse(name)?;
        if g == self.saved.view.granularity {
            return Ok(());
        }
        let old = &self.trace.steps[self.cursor];
        let (phase, kind, layer) = (old.phase, old.kind, old.layer);
        let at_end = self.cursor + 1 == self.trace.len();
        let trace = build_trace(&self.saved.problem, g);
        let cursor = if at_end {
            trace.len() - 1
        } else {
            trace
                .steps
                .iter()
                .rposition(|s| s.phase == phase && s.kind == kind && s.layer == layer)
                .unwrap_or(0)
        };
        self.saved.view.granularity = g;
        self.trace = trace;
        self.cursor = cursor;
        Ok(())
    }

    /// Every weight's and bias's symbol per layer, as the formulas write them
    /// (`W(2)_11`, `W(2)_12,1`): the page labels its tables and choices with these.
    pub fn symbols(&self) -> Value {
        let n = Notation::plain(UI_DIGITS);
        let layers: Vec<Value> = (self.trace.pass.network.layers.iter().enumerate())
            .map(|(l, layer)| {
                let weights: Vec<Vec<String>> = (0..layer.width())
                    .map(|i| (0..layer.fan_in()).map(|j| n.w(l, i, j)).collect())
                    .collect();
                let biases: Vec<String> = (0..layer.width()).map(|i| n.b(l, i)).collect();
                obj! {"weights": weights, "biases": biases}
            })
            .collect();
        Value::Array(layers)
    }

    /// The embedding API's `state()`: fixture field names, values not reached yet null.
    /// Before the update step, weights/biases are those the pass used; at it, the
    /// updated ones (and `loss_after_step` appears).
    pub fn state(&self) -> Value {
        self.state_with(true, true)
    }

    /// [`Session::state`] for the page's own redraw: without `weights` and `biases`, which
    /// repeat `weights_before` or `weights_after`, and without the three weight matrices
    /// (`weights_before`, `grad_weights`, `weights_after`), which come as numbers from
    /// [`Session::page_matrices`]: a big net's thousands of them cost a frame in JSON.
    pub fn page_state(&self) -> Value {
        self.state_with(false, false)
    }

    /// The weight matrices [`Session::page_state`] leaves out, row by row, layer by layer:
    /// `weights_before` (only if `before`: they change only with the trace's `revision`),
    /// then `grad_weights` (every row; a row is shown where the layer's `grad_rows` is
    /// true), then `weights_after` (only where `biases_after` is not null). Numbers that
    /// are not finite are null in `state()`; the page reads them so too.
    pub fn page_matrices(&self, before: bool) -> Vec<f64> {
        let (t, c) = (&self.trace, self.cursor);
        let p = &t.pass;
        let mut out = Vec::new();
        for l in 0..p.depth() {
            let mut put = |rows: &[Vec<f64>]| rows.iter().for_each(|r| out.extend_from_slice(r));
            if before {
                put(&p.network.layers[l].weights);
            }
            put(&p.grads[l].weights);
            if t.shows_update(c) {
                put(&p.updated.layers[l].weights);
            }
        }
        out
    }

    fn state_with(&self, params_too: bool, matrices: bool) -> Value {
        let t = &self.trace;
        let c = self.cursor;
        let p = &t.pass;
        let step = &t.steps[c];
        let updated = t.shows_update(c);
        let layers: Vec<Value> = (0..p.depth())
            .map(|l| {
                let w = p.network.layers[l].width();
                let mask = |show: &dyn Fn(usize) -> bool, v: &[f64]| -> Value {
                    (0..w).map(|i| to_value(&show(i).then_some(v[i]))).collect()
                };
                let g = &p.grads[l];
                let before = &p.network.layers[l];
                let after = &p.updated.layers[l];
                // Fields in the fixtures' order; the matrices only if asked, `grad_rows`
                // (which rows of `grad_weights` are shown) only without them.
                let grads_shown = |i: usize| t.shows_grads(l, i, c);
                let mut fields: Vec<(String, Value)> = Vec::with_capacity(13);
                let mut put = |k: &str, v: Value| fields.push((k.into(), v));
                put("activation", to_value(&before.activation.name()));
                if params_too {
                    let params = if updated { after } else { before };
                    put("weights", to_value(&params.weights));
                    put("biases", to_value(&params.biases));
                }
                put("z", mask(&|i| t.shows_z(l, i, c), &p.forward.z[l]));
                put("a", mask(&|i| t.shows_a(l, i, c), &p.forward.a[l]));
                put("delta", mask(&|i| t.shows_delta(l, i, c), &g.delta));
                if matrices {
                    let rows = (0..w).map(|i| to_value(&grads_shown(i).then_some(&g.weights[i])));
                    put("grad_weights", rows.collect());
                }
                put("grad_biases", mask(&grads_shown, &g.biases));
                if matrices {
                    put("weights_before", to_value(&before.weights));
                }
                put("biases_before", to_value(&before.biases));
                if matrices {
                    put(
                        "weights_after",
                        to_value(&updated.then_some(&after.weights)),
                    );
                }
                put("biases_after", to_value(&updated.then_some(&after.biases)));
                if !matrices {
                    put(
                        "grad_rows",
                        (0..w).map(|i| Value::Bool(grads_shown(i))).collect(),
                    );
                }
                Value::Object(fields)
            })
            .collect();
        // The output unit by unit (null until reached), or null before any.
        let last = p.depth() - 1;
        let y = p.forward.output();
        let output = if (0..y.len()).any(|i| t.shows_a(last, i, c)) {
            (0..y.len())
                .map(|i| to_value(&t.shows_a(last, i, c).then_some(y[i])))
                .collect()
        } else {
            Value::Null
        };
        obj! {
            "cursor": obj! {
                "index": c,
                "count": t.len(),
                "phase": step.phase,
                "kind": step.kind,
                "layer": step.layer,
                "neuron": step.neuron,
                "label": step.label,
            },
            "loss": t.shows_loss(c).then_some(p.loss),
            "loss_after_step": updated.then_some(p.loss_after),
            "input": p.input(),
            "target": p.target,
            "output": output,
            "learning_rate": p.rule.learning_rate,
            "loss_name": p.network.loss.name(),
            "sizes": p.network.sizes(),
            "granularity": t.granularity,
            "preset": self.saved.preset,
            "freeze_biases": p.rule.freeze_biases,
            "weight_decay": p.rule.weight_decay,
            "layers": layers,
            "training": self.training_state(),
            "has_dataset": self.saved.dataset.is_some(),
        }
    }

    /// Every step's label, phase, kind, layer and unit, for the timeline.
    pub fn steps(&self) -> Value {
        self.trace
            .steps
            .iter()
            .map(|s| obj! {"label": s.label, "phase": s.phase, "kind": s.kind, "layer": s.layer, "neuron": s.neuron})
            .collect()
    }

    /// One step's explanation (both languages, plain and TeX), reads and writes.
    pub fn step(&self, i: usize) -> Result<Value, String> {
        self.step_with(i, |t| to_value(t.text(i)))
    }

    /// Step `i` as JSON, with the `text` that `text` writes.
    fn step_with(&self, i: usize, text: impl FnOnce(&Trace) -> Value) -> Result<Value, String> {
        let s = self
            .trace
            .steps
            .get(i)
            .ok_or_else(|| format!("step {i} does not exist"))?;
        let mut v = to_value(s);
        v.set("text", text(&self.trace));
        Ok(v)
    }

    /// Step `i` with each formula list cut to `max` lines (a 16 × 16 layer's gradient
    /// step has 272, written only that far); `text.more` says whether lines were left out.
    pub fn step_brief(&self, i: usize, max: usize) -> Result<Value, String> {
        self.step_with(i, |t| {
            let (text, more) = t.brief_text(i, max);
            let mut v = to_value(&text);
            v.set("more", Value::Bool(more));
            v
        })
    }

    /// The chain rule of W(l)_ij (`j` = None: the bias b(l)_i), with the gradient
    /// check's numerical value beside it.
    pub fn chain(&self, l: usize, i: usize, j: Option<usize>) -> Result<Value, String> {
        let c = chain::chain_rule(&self.trace.pass, l, i, j, UI_DIGITS)?;
        let num = gradcheck::numeric(
            &self.trace.pass.network,
            self.trace.pass.input(),
            &self.trace.pass.target,
            l,
            i,
            j,
        );
        let mut v = to_value(&c);
        v.set("numeric", to_value(&num));
        v.set("rel_error", to_value(&gradcheck::rel(c.value, num)));
        v.set(
            "revealed",
            Value::Bool(self.trace.shows_grads(l, i, self.cursor)),
        );
        Ok(v)
    }

    /// ‖δ(l)‖ and ‖∂L/∂W(l)‖ per layer at the cursor (`None` before they are computed),
    /// or all of them with `all` (while training, or before stepping).
    pub fn gradient_norms(&self, all: bool) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
        use crate::network::norm;
        let t = &self.trace;
        let c = self.cursor;
        let p = &t.pass;
        (0..p.depth())
            .map(|l| {
                let w = p.network.layers[l].width();
                let d = (all || (0..w).all(|i| t.shows_delta(l, i, c)))
                    .then(|| norm(&p.grads[l].delta));
                let g = (all || (0..w).all(|i| t.shows_grads(l, i, c)))
                    .then(|| norm(p.grads[l].weights.iter().flatten()));
                (d, g)
            })
            .unzip()
    }

    /// The training run's loss history, and whether there is a test set.
    pub fn history(&self) -> (Vec<(u64, f64, f64)>, bool) {
        match &self.trainer {
            Some(t) => (t.history.points.clone(), !t.test.is_empty()),
            None => (vec![], false),
        }
    }

    /// Backprop's gradients beside finite differences, for every parameter.
    pub fn gradcheck(&self) -> Value {
        let p = &self.trace.pass;
        to_value(&gradcheck::check(&p.network, p.input(), &p.target))
    }

    /// What step `i` asks the student to predict (null for the start step).
    pub fn question(&self, i: usize) -> Value {
        match crate::quiz::question(&self.trace, i) {
            Some(q) => obj! {"symbol": q.symbol},
            None => Value::Null,
        }
    }

    /// Checks a prediction of step `i`'s value: whether it is close enough, and the value.
    pub fn check(&self, i: usize, guess: f64) -> Result<Value, String> {
        let q = crate::quiz::question(&self.trace, i)
            .ok_or_else(|| format!("step {i} asks nothing"))?;
        Ok(
            obj! {"correct": crate::quiz::close_enough(guess, q.value), "value": q.value, "symbol": q.symbol},
        )
    }

    /// A new homework problem from `seed` (sizes input first, hidden activation), loaded
    /// for stepping; its answer key is `document()`.
    pub fn new_exercise(
        &mut self,
        seed: u64,
        sizes: &[usize],
        activation: &str,
    ) -> Result<(), String> {
        let act = crate::activation::Activation::parse(activation)?;
        let problem = crate::exercise::generate(seed, sizes, act)?;
        let mut saved = self.saved.clone();
        saved.problem = problem;
        saved.preset = None;
        saved.dataset = None;
        saved.view.cursor = 0;
        *self = Session::from_saved(saved);
        Ok(())
    }

    /// The saved state (what "export" writes and links carry), cursor included.
    pub fn export_state(&self) -> String {
        let mut s = self.saved.clone();
        s.view.cursor = self.cursor;
        s.to_json()
    }

    /// The worked example as a document.
    pub fn document(&self, format: &str, lang: &str) -> Result<String, String> {
        let f = Format::parse(format)?;
        let lang = document::parse_lang(lang)?;
        let t = Trace::build(self.trace.pass.clone(), self.trace.granularity, 9);
        Ok(document::render(&t, f, lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_hides_values_not_reached() {
        let s = Session::from_preset("mazur").unwrap();
        let v = s.state();
        assert_eq!(v["cursor"]["index"], 0);
        assert!(v["layers"][0]["z"][0].is_null() && v["loss"].is_null());
        assert_eq!(v["layers"][1]["weights"][0][0], 0.4);
    }

    #[test]
    fn update_step_shows_updated_weights() {
        let mut s = Session::from_preset("mazur").unwrap();
        s.end();
        let v = s.state();
        assert_eq!(v["layers"][1]["weights"][0][0], 0.35891647971788465);
        assert_eq!(v["layers"][1]["weights_before"][0][0], 0.4);
        assert_eq!(v["loss_after_step"], 0.28047144679143016);
        s.prev();
        assert_eq!(s.state()["layers"][1]["weights"][0][0], 0.4);
        assert!(s.state()["loss_after_step"].is_null());
    }

    #[test]
    fn bad_edits_change_nothing() {
        let mut s = Session::from_preset("mazur").unwrap();
        s.seek(5).unwrap();
        let before = s.state();
        assert!(s
            .set_weight(0, 0, 0, f64::NAN)
            .unwrap_err()
            .contains("not a finite number"));
        assert!(s.set_weight(0, 0, 0, f64::INFINITY).is_err());
        assert!(s
            .set_weight(0, 0, 0, 1e7)
            .unwrap_err()
            .contains("out of range"));
        assert!(s
            .set_weight(5, 0, 0, 1.0)
            .unwrap_err()
            .contains("no such weight"));
        assert!(s.set_learning_rate(0.0).is_err());
        assert!(s.seek(99).is_err());
        assert!(s.load("{oops").is_err());
        assert!(s.load_preset("nope").is_err());
        assert_eq!(before, s.state());
        s.set_weight(0, 0, 0, 0.2).unwrap();
        assert_eq!(s.cursor(), 5);
        assert_ne!(before["loss"], s.state()["loss"]);
    }

    #[test]
    fn granularity_switch_keeps_the_place() {
        let mut s = Session::from_preset("mazur").unwrap();
        s.seek_phase("backward").unwrap();
        s.set_granularity("neuron").unwrap();
        assert_eq!(s.state()["cursor"]["phase"], "backward");
        s.end();
        s.set_granularity("layer").unwrap();
        assert_eq!(s.state()["cursor"]["kind"], "update");
    }

    #[test]
    fn export_round_trips_with_cursor() {
        let mut s = Session::from_preset("xor").unwrap();
        s.set_granularity("neuron").unwrap();
        s.seek(4).unwrap();
        let text = s.export_state();
        let mut t = Session::from_preset("mazur").unwrap();
        t.load(&text).unwrap();
        assert_eq!(t.state(), s.state());
    }

    #[test]
    fn softmax_switch_sets_cross_entropy() {
        let mut s = Session::from_preset("mazur").unwrap();
        s.set_activation(1, "softmax").unwrap();
        assert_eq!(s.state()["loss_name"], "cross_entropy");
        assert!(s
            .set_activation(0, "softmax")
            .unwrap_err()
            .contains("only allowed on the last layer"));
    }
}

#[cfg(test)]
mod train_tests {
    use super::*;

    #[test]
    fn training_continues_and_updates_the_pass() {
        let mut s = Session::from_preset("xor").unwrap();
        let l0 = s.train(1).unwrap();
        let l1 = s.train(4000).unwrap();
        assert!(l1 < l0 && l1 < 0.05, "{l0} -> {l1}");
        assert_eq!(s.state()["training"]["updates"], 4001);
        assert_eq!(s.trace().pass.network, s.problem().network);
        s.set_learning_rate(0.1).unwrap();
        assert_eq!(
            s.state()["training"]["updates"],
            4001,
            "an edit goes on with the run"
        );
    }

    #[test]
    fn mazur_trains_on_its_one_example() {
        let mut s = Session::from_preset("mazur").unwrap();
        let l = s.train(1).unwrap();
        assert!((l - 0.28047144679143016).abs() < 1e-15);
    }
}

#[cfg(test)]
mod reveal_tests {
    use super::*;

    #[test]
    fn output_is_revealed_unit_by_unit() {
        let mut s = Session::from_preset("mazur").unwrap();
        s.set_granularity("neuron").unwrap();
        // Steps: x, z1_1, a1_1, z1_2, a1_2, z2_1, a2_1 … (sigmoid, per neuron).
        s.seek(6).unwrap();
        let out = &s.state()["output"];
        assert!(out[0].is_number() && out[1].is_null(), "{out}");
        s.seek(8).unwrap();
        assert!(s.state()["output"][1].is_number());
    }

    #[test]
    fn one_blocking_train_call_is_bounded_by_examples() {
        let mut s = Session::from_preset("spiral").unwrap();
        s.set_batch_size(0).unwrap();
        assert!(s
            .train(1_000_000)
            .unwrap_err()
            .contains("at most 10000000 examples"));
        assert!(s.train(10).is_ok());
    }
}
