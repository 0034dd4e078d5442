//! The lab behind one page: the saved state and three parts with one job each, the
//! [`Stepper`] (the trace and its cursor), the [`editor`] (edits and their checks) and
//! the [`Workbench`] (data, training, reshaping). Every change is checked first; a
//! refused change leaves everything as it was.

pub mod editor;
pub mod stepper;
pub mod workbench;

pub use editor::Edit;
pub use stepper::{Stepper, UI_DIGITS};
pub use workbench::{Change, Scores, Split, Workbench};

use crate::document::{self, Format};
use crate::error::{Error, ErrorKind};
use crate::feature::{self, Feature, Source};
use crate::lang::Lang;
use crate::state::{self, Data, SavedState};
use crate::trace::{Granularity, Trace};

/// The state of one page.
#[derive(Clone, Debug)]
pub struct Session {
    saved: SavedState,
    stepper: Stepper,
    workbench: Workbench,
}

impl Session {
    /// A session on a saved state, its data checked.
    pub fn new(saved: SavedState) -> Result<Session, Error> {
        // The first wasm module steps a written-out fully connected network only; the
        // page loads the full one when this error says a CNN or a dataset came.
        #[cfg(not(feature = "full"))]
        if !saved.problem.net.is_mlp() || saved.dataset.is_some() {
            return Err(Error::new(ErrorKind::NeedsFullLab));
        }
        let workbench = Workbench::new(&saved)?;
        let stepper = Stepper::new(&saved.problem, saved.view.granularity, saved.view.cursor);
        let mut s = Session {
            saved,
            stepper,
            workbench,
        };
        s.trace_source();
        Ok(s)
    }

    /// The features the network's inputs are computed with from each raw point: the
    /// dataset's, else the raw inputs (the point itself).
    pub fn features(&self) -> &[Feature] {
        match &self.saved.dataset {
            Some(Data::Generated(spec)) => &spec.features,
            _ => feature::raw(self.saved.problem.net.inputs()),
        }
    }

    /// Where the problem's input came from when the inputs are features: the features and
    /// the point of the data that gives this input (none once it was edited by hand).
    /// `None` on the raw inputs.
    pub fn source(&self) -> Option<Source> {
        let Some(Data::Generated(spec)) = &self.saved.dataset else {
            return None;
        };
        if feature::is_raw(&spec.features, spec.kind.inputs()) {
            return None;
        }
        let d = self.workbench.data();
        let input = &self.saved.problem.input;
        let point = d
            .train
            .inputs
            .iter()
            .chain(&d.test.inputs)
            .zip(d.points())
            .find(|(x, _)| *x == input)
            .map(|(_, p)| feature::point(p));
        Some(Source {
            features: spec.features.clone(),
            point,
        })
    }

    /// Tells the stepper where the input came from (after a load, a change or an edit).
    fn trace_source(&mut self) {
        #[cfg(feature = "full")]
        {
            let source = self.source();
            self.stepper.set_source(source);
        }
    }

    /// A session on a preset.
    pub fn from_preset(name: &str) -> Result<Session, Error> {
        Session::new(SavedState::from_preset(name)?)
    }

    /// Loads JSON text of any accepted shape; on error nothing changes.
    pub fn load(&mut self, text: &str) -> Result<(), Error> {
        *self = Session::new(state::load(text)?)?;
        Ok(())
    }

    /// Loads a preset; on error nothing changes.
    pub fn load_preset(&mut self, name: &str) -> Result<(), Error> {
        *self = Session::from_preset(name)?;
        Ok(())
    }

    pub fn saved(&self) -> &SavedState {
        &self.saved
    }

    pub fn stepper(&self) -> &Stepper {
        &self.stepper
    }

    /// The cursor moves freely: nothing else depends on where it is.
    pub fn stepper_mut(&mut self) -> &mut Stepper {
        &mut self.stepper
    }

    pub fn workbench(&self) -> &Workbench {
        &self.workbench
    }

    /// The trace at the cursor (shorthand for the views).
    pub fn trace(&self) -> &Trace {
        self.stepper.trace()
    }

    /// Makes an edit of the problem; the trace is recomputed, the cursor kept.
    pub fn edit(&mut self, e: Edit) -> Result<(), Error> {
        let problem = editor::apply(&self.saved.problem, e)?;
        // The data depends on the output layer (targets follow it) and on the one
        // example; a weight, a rate or a hidden activation leaves a dataset as it is.
        let output_layer = problem.net.depth() - 1;
        let data_changes = self.saved.dataset.is_none()
            || matches!(e, Edit::Activation { layer, .. } if layer == output_layer);
        let mut next = self.saved.clone();
        next.problem = problem;
        let split = if data_changes {
            Some(workbench::split(&next, &next.problem)?)
        } else {
            None
        };
        self.stepper.rebuild(&next.problem);
        self.workbench.edited(&next, split);
        self.saved = next;
        self.trace_source();
        Ok(())
    }

    /// Reshapes the network or changes its data (see [`Change`]); the cursor goes back
    /// to the start when the network changed.
    pub fn change(&mut self, c: Change) -> Result<(), Error> {
        let batch_only = matches!(c, Change::BatchSize(_));
        self.workbench.change(&mut self.saved, c)?;
        if !batch_only {
            self.stepper = Stepper::new(&self.saved.problem, self.saved.view.granularity, 0);
            self.trace_source();
        }
        Ok(())
    }

    /// Layer or neuron steps; the cursor stays on the same part of the pass.
    pub fn set_granularity(&mut self, g: Granularity) {
        self.stepper.regranulate(&self.saved.problem, g);
        self.saved.view.granularity = g;
    }

    /// `n` SGD updates on the current dataset (the one example if there is none),
    /// continuing the run; the pass is then recomputed with the new weights. Returns the
    /// mean training loss. Divergence stops training and keeps the last finite weights.
    pub fn train(&mut self, n: u64) -> Result<f64, Error> {
        self.workbench.check_budget(&self.saved, n)?;
        self.train_until(n, || true);
        Ok(self.workbench.train_loss())
    }

    /// Up to `max` updates while `keep_going()` says so; returns the updates made.
    pub fn train_until(&mut self, max: u64, keep_going: impl FnMut() -> bool) -> u64 {
        let made = self.workbench.train(&mut self.saved, max, keep_going);
        self.stepper.rebuild(&self.saved.problem);
        made
    }

    /// One epoch of updates (rounded up to whole batches).
    pub fn train_epoch(&mut self) -> Result<f64, Error> {
        let n = self.workbench.data().train.len();
        let batch = crate::train::batch_len(self.saved.training.batch_size, n);
        self.train(n.max(1).div_ceil(batch) as u64)
    }

    /// A new homework problem from `seed` (sizes input first, hidden activation), loaded
    /// for stepping; its answer key is [`Session::document`].
    pub fn new_exercise(
        &mut self,
        seed: u64,
        sizes: &[usize],
        activation: crate::activation::Activation,
    ) -> Result<(), Error> {
        let mut saved = self.saved.clone();
        saved.problem = crate::exercise::generate(seed, sizes, activation)?;
        saved.preset = None;
        saved.dataset = None;
        saved.view.cursor = 0;
        *self = Session::new(saved)?;
        Ok(())
    }

    /// The saved state (what "export" writes and links carry), cursor included.
    pub fn export_state(&self) -> SavedState {
        let mut s = self.saved.clone();
        s.view.cursor = self.stepper.cursor();
        s
    }

    /// The worked example as a document, numbers to 9 significant digits.
    pub fn document(&self, format: Format, lang: Lang) -> String {
        let t = self.trace();
        #[allow(unused_mut)]
        let mut doc = Trace::build(t.pass.clone(), t.granularity, 9);
        #[cfg(feature = "full")]
        doc.set_source(t.source().cloned());
        document::render(&doc, format, lang)
    }

    /// What step `i` asks a student to predict, checked against `guess`.
    pub fn check(&self, i: usize, guess: f64) -> Result<crate::quiz::Verdict, Error> {
        crate::quiz::check(self.trace(), i, guess)
            .ok_or_else(|| Error::new(ErrorKind::AsksNothing { step: i }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;
    use crate::json::{to_value, Value};
    use crate::trace::{Granularity, Phase};

    /// `state()` as JSON.
    fn state(s: &Session) -> Value {
        to_value(&crate::view::state(s, crate::view::Fields::All))
    }

    #[test]
    fn state_hides_values_not_reached() {
        let s = Session::from_preset("mazur").unwrap();
        let v = state(&s);
        assert_eq!(v["cursor"]["index"], 0);
        assert!(v["layers"][0]["z"][0].is_null() && v["loss"].is_null());
        assert_eq!(v["layers"][1]["weights"][0][0], 0.4);
    }

    #[test]
    fn update_step_shows_updated_weights() {
        let mut s = Session::from_preset("mazur").unwrap();
        s.stepper_mut().end();
        let v = state(&s);
        assert_eq!(v["layers"][1]["weights"][0][0], 0.35891647971788465);
        assert_eq!(v["layers"][1]["weights_before"][0][0], 0.4);
        assert_eq!(v["loss_after_step"], 0.28047144679143016);
        s.stepper_mut().prev();
        assert_eq!(state(&s)["layers"][1]["weights"][0][0], 0.4);
        assert!(state(&s)["loss_after_step"].is_null());
    }

    #[test]
    fn bad_edits_change_nothing() {
        let mut s = Session::from_preset("mazur").unwrap();
        s.stepper_mut().seek(5).unwrap();
        let before = state(&s);
        assert!(s
            .edit(Edit::weight(0, 0, 0, f64::NAN))
            .unwrap_err()
            .to_string()
            .contains("not a finite number"));
        assert!(s.edit(Edit::weight(0, 0, 0, f64::INFINITY)).is_err());
        assert!(s
            .edit(Edit::weight(0, 0, 0, 1e7))
            .unwrap_err()
            .to_string()
            .contains("out of range"));
        assert!(s
            .edit(Edit::weight(5, 0, 0, 1.0))
            .unwrap_err()
            .to_string()
            .contains("no such weight"));
        assert!(s.edit(Edit::LearningRate(0.0)).is_err());
        assert!(s.stepper_mut().seek(99).is_err());
        assert!(s.load("{oops").is_err());
        assert!(s.load_preset("nope").is_err());
        assert_eq!(before, state(&s));
        s.edit(Edit::weight(0, 0, 0, 0.2)).unwrap();
        assert_eq!(s.stepper().cursor(), 5);
        assert_ne!(before["loss"], state(&s)["loss"]);
    }

    #[test]
    fn granularity_switch_keeps_the_place() {
        let mut s = Session::from_preset("mazur").unwrap();
        s.stepper_mut().seek_phase(Phase::Backward);
        s.set_granularity(Granularity::Neuron);
        assert_eq!(state(&s)["cursor"]["phase"], "backward");
        s.stepper_mut().end();
        s.set_granularity(Granularity::Layer);
        assert_eq!(state(&s)["cursor"]["kind"], "update");
    }

    #[test]
    fn export_round_trips_with_cursor() {
        let mut s = Session::from_preset("xor").unwrap();
        s.set_granularity(Granularity::Neuron);
        s.stepper_mut().seek(4).unwrap();
        let text = s.export_state().to_json();
        let mut t = Session::from_preset("mazur").unwrap();
        t.load(&text).unwrap();
        assert_eq!(state(&t), state(&s));
    }

    #[test]
    fn softmax_switch_sets_cross_entropy() {
        let mut s = Session::from_preset("mazur").unwrap();
        s.edit(Edit::Activation {
            layer: 1,
            activation: Activation::Softmax,
        })
        .unwrap();
        assert_eq!(state(&s)["loss_name"], "cross_entropy");
        assert!(s
            .edit(Edit::Activation {
                layer: 0,
                activation: Activation::Softmax
            })
            .unwrap_err()
            .to_string()
            .contains("only allowed on the last layer"));
    }
}

#[cfg(test)]
mod train_tests {
    use super::*;
    use crate::json::{to_value, Value};

    fn state(s: &Session) -> Value {
        to_value(&crate::view::state(s, crate::view::Fields::All))
    }

    #[test]
    fn training_continues_and_updates_the_pass() {
        let mut s = Session::from_preset("xor").unwrap();
        let l0 = s.train(1).unwrap();
        let l1 = s.train(4000).unwrap();
        assert!(l1 < l0 && l1 < 0.05, "{l0} -> {l1}");
        assert_eq!(state(&s)["training"]["updates"], 4001);
        assert_eq!(s.trace().pass.net, s.saved().problem.net);
        s.edit(Edit::LearningRate(0.1)).unwrap();
        assert_eq!(
            state(&s)["training"]["updates"],
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
    use crate::json::{to_value, Value};
    use crate::trace::Granularity;

    fn state(s: &Session) -> Value {
        to_value(&crate::view::state(s, crate::view::Fields::All))
    }

    #[test]
    fn output_is_revealed_unit_by_unit() {
        let mut s = Session::from_preset("mazur").unwrap();
        s.set_granularity(Granularity::Neuron);
        // Steps: x, z1_1, a1_1, z1_2, a1_2, z2_1, a2_1 … (sigmoid, per neuron).
        s.stepper_mut().seek(6).unwrap();
        let out = &state(&s)["output"];
        assert!(out[0].is_number() && out[1].is_null(), "{out}");
        s.stepper_mut().seek(8).unwrap();
        assert!(state(&s)["output"][1].is_number());
    }

    #[test]
    fn one_blocking_train_call_is_bounded_by_examples() {
        let mut s = Session::from_preset("spiral").unwrap();
        s.change(Change::BatchSize(0)).unwrap();
        assert!(s
            .train(1_000_000)
            .unwrap_err()
            .to_string()
            .contains("at most 10000000 examples"));
        assert!(s.train(10).is_ok());
    }
}
