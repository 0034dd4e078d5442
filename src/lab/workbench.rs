//! The workbench: the data a network trains on, the training run, and the changes that
//! reshape the network (layers, widths, initialisation, the dataset). A reshape draws
//! new weights from the seed; "reset" returns to the weights it started from.

use crate::activation::Activation;
use crate::dataset::{self, Dataset, Spec};
use crate::engine::Net;
use crate::error::{Error, ErrorKind};
use crate::fixture::example_error;
use crate::init::{self, Init};
use crate::loss::Loss;
use crate::problem::Problem;
use crate::state::{Data, SavedState};
use crate::train::{self, Config, Status, Trainer};

/// Most hidden layers the lab builds.
pub const MAX_HIDDEN: usize = 8;
/// Most units per hidden layer the lab builds.
pub const MAX_UNITS: usize = 16;
/// Most examples one blocking `train(n)` call may touch.
pub const MAX_EXAMPLES_PER_CALL: u64 = 10_000_000;

/// The training and test sets a problem works on, with the raw point and the label each
/// example came from: the views plot over the plane of (x₁, x₂) even when the network's
/// inputs are features of the point.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub train: Dataset,
    pub test: Dataset,
    /// The raw point of each training example ((x₁, x₂), or (x)), index for index; for
    /// given data and the one example, the inputs themselves.
    pub train_points: Vec<Vec<f64>>,
    /// The same for the test examples.
    pub test_points: Vec<Vec<f64>>,
    /// The label of each training example: class 0/1, or y for a regression (given data:
    /// see [`label_of`]).
    pub train_labels: Vec<f64>,
    /// The same for the test examples.
    pub test_labels: Vec<f64>,
}

impl Split {
    /// A split of examples whose inputs are their points (given data, the one example).
    /// The first module draws no data view: it keeps no points.
    fn of_inputs(train: Dataset, test: Dataset) -> Split {
        let full = cfg!(feature = "full");
        let points = |d: &Dataset| if full { d.inputs.clone() } else { vec![] };
        let labels = |d: &Dataset| {
            let labels = d.targets.iter().map(|t| label_of(t));
            labels.filter(|_| full).collect()
        };
        Split {
            train_points: points(&train),
            test_points: points(&test),
            train_labels: labels(&train),
            test_labels: labels(&test),
            train,
            test,
        }
    }

    /// The training then the test examples' raw points.
    pub fn points(&self) -> impl Iterator<Item = &Vec<f64>> {
        self.train_points.iter().chain(&self.test_points)
    }

    /// Dimension of the raw points: 2 for a plane, 1 for sine (0 with no example).
    pub fn point_dims(&self) -> usize {
        self.points().next().map_or(0, Vec::len)
    }
}

/// The label of a given target: the value of a one-unit target (0/1, ±1 or y: the views
/// colour it by its sign), the class of a one-hot target (its largest entry).
fn label_of(t: &[f64]) -> f64 {
    match t {
        [v] => *v,
        _ => crate::metric::predicted_class(t, crate::metric::Decision::Argmax) as f64,
    }
}

/// A change to what the network is trained on, or to its shape.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A hidden layer before the output (the last hidden layer's width and activation).
    AddLayer,
    /// The last hidden layer goes.
    RemoveLayer,
    /// Hidden layer `layer` (0-based) gains or loses `delta` units.
    Resize { layer: usize, delta: i32 },
    /// Another initialisation, and weights drawn with it.
    Init(Init),
    /// Weights drawn from the next seed.
    NewWeights,
    /// Back to the weights the run started from.
    ResetWeights,
    /// A generated dataset; the input and output layers follow it.
    Dataset(Spec),
    /// Examples per update: 1 online, k mini-batch, 0 full batch.
    BatchSize(usize),
}

/// The data, the run and the weights "reset" returns to.
#[derive(Clone, Debug)]
pub struct Workbench {
    /// The data in use (the problem's one example when it has no dataset).
    split: Split,
    /// The training run, made on first use, dropped by a reshape or a load.
    trainer: Option<Trainer>,
    /// On pictures, a fully connected network of about the same size trained beside
    /// it, update for update ([`crate::images::rival`]): what the shared kernels buy.
    rival: Option<Trainer>,
    /// The scores of the weights of one trace revision ([`Workbench::scores`]).
    scores: std::cell::Cell<Option<(u64, Scores)>>,
    /// The weights "reset" returns to: as loaded, or as last drawn from the seed.
    initial: Net,
}

/// The training and test sets of `saved`'s data for `problem`'s network (generated
/// targets follow its output layer: tanh trains on ±1, sigmoid on 0/1), each example
/// checked against the network; the one example when there is no dataset.
pub fn split(saved: &SavedState, problem: &Problem) -> Result<Split, Error> {
    let none = || Dataset {
        inputs: vec![],
        targets: vec![],
    };
    let s = match &saved.dataset {
        // (The first module's sessions have no dataset: see `Session::new`.)
        #[cfg(not(feature = "full"))]
        Some(Data::Generated(_) | Data::Images(_)) => {
            return Err(Error::new(ErrorKind::NeedsFullLab))
        }
        #[cfg(feature = "full")]
        Some(Data::Images(spec)) => {
            let (train, test) = spec.split();
            Split::of_inputs(train, test)
        }
        #[cfg(feature = "full")]
        Some(Data::Generated(spec)) => {
            let out = problem.net.output_activation();
            let samples = dataset::generate(spec);
            let (train, test) =
                dataset::split_parts(spec, &samples, &spec.features, problem.net.outputs(), out);
            Split {
                train: train.data,
                test: test.data,
                train_points: train.points,
                test_points: test.points,
                train_labels: train.labels,
                test_labels: test.labels,
            }
        }
        Some(Data::Given(d)) => Split::of_inputs(d.clone(), none()),
        None => {
            return Ok(Split::of_inputs(
                Dataset {
                    inputs: vec![problem.input.clone()],
                    targets: vec![problem.target.clone()],
                },
                none(),
            ))
        }
    };
    check_examples(problem, &s)?;
    Ok(s)
}

/// Every example of `s` fits `p`'s network (shapes; probabilities for cross-entropy: a
/// softmax output cannot learn a regression's real-valued targets).
fn check_examples(p: &Problem, s: &Split) -> Result<(), Error> {
    let n_train = s.train.len();
    for (k, (x, t)) in s
        .train
        .inputs
        .iter()
        .zip(&s.train.targets)
        .chain(s.test.inputs.iter().zip(&s.test.targets))
        .enumerate()
    {
        p.net.validate_example(x, t).map_err(|e| {
            if p.net.loss == Loss::CrossEntropy {
                return Error::new(ErrorKind::NeedsClassification);
            }
            let (set, i) = if k < n_train {
                ("dataset.train", k)
            } else {
                ("dataset.test", k - n_train)
            };
            example_error(
                e,
                &format!("{set}.inputs[{i}]"),
                &format!("{set}.targets[{i}]"),
            )
        })?;
    }
    Ok(())
}

/// Accuracy or R² of the network's weights and the rival's accuracy: `[train_accuracy,
/// test_accuracy, train_r2, test_r2, rival_train_accuracy, rival_test_accuracy]`.
pub type Scores = [Option<f64>; 6];

impl Workbench {
    /// The scores of the weights of trace `revision`, as `compute` finds them, computed
    /// once per revision: each is a pass over the data, and the page asks every frame,
    /// while they change only with the weights (and so with the trace).
    pub fn scores(&self, revision: u64, compute: impl FnOnce() -> Scores) -> Scores {
        match self.scores.get() {
            Some((r, v)) if r == revision => v,
            _ => {
                let v = compute();
                self.scores.set(Some((revision, v)));
                v
            }
        }
    }

    /// The workbench of a saved state (its data checked).
    pub fn new(saved: &SavedState) -> Result<Workbench, Error> {
        Ok(Workbench {
            split: split(saved, &saved.problem)?,
            trainer: None,
            rival: None,
            scores: Default::default(),
            initial: saved.problem.net.clone(),
        })
    }

    /// The training and test sets in use.
    pub fn data(&self) -> &Split {
        &self.split
    }

    /// The run, if training has started.
    pub fn trainer(&self) -> Option<&Trainer> {
        self.trainer.as_ref()
    }

    /// The rival network's run, if training on pictures has started.
    pub fn rival(&self) -> Option<&Trainer> {
        self.rival.as_ref()
    }

    /// True once the run has diverged (and stopped).
    pub fn diverged(&self) -> bool {
        self.trainer
            .as_ref()
            .is_some_and(|t| matches!(t.status, Status::Diverged { .. }))
    }

    /// After an edit of the problem (already checked, with its new `split` if the data
    /// changed): a run on a dataset goes on with the edited weights and rule, its loss
    /// curve kept; a run on the one example starts again, as the example changed.
    pub fn edited(&mut self, saved: &SavedState, split: Option<Split>) {
        if let Some(s) = split {
            self.split = s;
        }
        if saved.dataset.is_none() {
            self.trainer = None;
            self.rival = None;
        } else if let Some(t) = &mut self.trainer {
            t.net = saved.problem.net.clone();
            t.config.rule = saved.problem.rule();
            t.status = Status::Ok;
            if t.train != self.split.train || t.test != self.split.test {
                t.train = self.split.train.clone();
                t.test = self.split.test.clone();
            }
        }
    }

    /// Up to `max` updates while `keep_going()` says so (asked every few updates: the
    /// page gives training a time budget per frame); the trained weights go into
    /// `saved`. Returns the updates made.
    pub fn train(
        &mut self,
        saved: &mut SavedState,
        max: u64,
        mut keep_going: impl FnMut() -> bool,
    ) -> u64 {
        let split = &self.split;
        let trainer = self.trainer.get_or_insert_with(|| {
            let config = Config {
                rule: saved.problem.rule(),
                batch_size: saved.training.batch_size,
            };
            Trainer::new(
                saved.problem.net.clone(),
                split.train.clone(),
                split.test.clone(),
                config,
            )
        });
        let mut rival = match (&saved.dataset, &mut self.rival) {
            (Some(Data::Images(_)), r @ None) => {
                let net = crate::images::rival(saved.training.seed);
                let t = Trainer::new(net, split.train.clone(), split.test.clone(), trainer.config);
                Some(r.insert(t))
            }
            (_, r) => r.as_mut(),
        };
        let before = trainer.updates;
        let mut done = 0;
        while done < max && trainer.status == Status::Ok {
            let chunk = (max - done).min(8);
            trainer.run(chunk);
            if let Some(r) = rival.as_mut() {
                // The same rule and batches, update for update.
                r.config = trainer.config;
                r.run(chunk);
            }
            done += chunk;
            if !keep_going() {
                break;
            }
        }
        saved.problem.net = trainer.net.clone();
        trainer.updates - before
    }

    /// Refuses one blocking call of `n` updates that would touch too many examples.
    pub fn check_budget(&self, saved: &SavedState, n: u64) -> Result<(), Error> {
        let per_update = train::batch_len(saved.training.batch_size, self.split.train.len()) as u64;
        if n.saturating_mul(per_update) > MAX_EXAMPLES_PER_CALL {
            return Err(Error::new(ErrorKind::TooMuchTraining {
                updates: n,
                per_update,
                max: MAX_EXAMPLES_PER_CALL,
            }));
        }
        Ok(())
    }

    /// The mean training loss of the run (of the current weights before any).
    pub fn train_loss(&self) -> f64 {
        self.trainer.as_ref().map_or(0.0, |t| t.train_loss())
    }

    /// Makes `change` to `saved` (and to this workbench): shapes change with new weights
    /// drawn from the seed. On an error neither changes.
    pub fn change(&mut self, saved: &mut SavedState, change: Change) -> Result<(), Error> {
        // A CNN only resets, or (on pictures) draws the preset's network anew.
        let on_images = matches!(saved.dataset, Some(Data::Images(_)));
        let reshapes = match change {
            Change::BatchSize(_) | Change::ResetWeights => false,
            Change::NewWeights => !on_images,
            _ => true,
        };
        if reshapes && !saved.problem.net.is_mlp() {
            return Err(Error::new(ErrorKind::NeedsMlp));
        }
        let mut next = saved.clone();
        // The sizes and activations of a fully connected network (a CNN only resets).
        let (mut sizes, mut acts, mut loss) = if next.problem.net.is_mlp() {
            architecture(&next.problem.net)
        } else {
            (vec![], vec![], next.problem.net.loss)
        };
        let hidden = acts.len().saturating_sub(1);
        let network = match change {
            Change::BatchSize(n) => {
                if n > dataset::MAX_POINTS {
                    return Err(Error::new(ErrorKind::BatchTooLarge { size: n }));
                }
                saved.training.batch_size = n;
                for t in self.trainer.iter_mut().chain(&mut self.rival) {
                    t.config.batch_size = n;
                }
                return Ok(());
            }
            Change::AddLayer => {
                if hidden >= MAX_HIDDEN {
                    return Err(Error::new(ErrorKind::TooManyHidden { max: MAX_HIDDEN }));
                }
                let (width, act) = if hidden > 0 {
                    (sizes[hidden], acts[hidden - 1])
                } else {
                    (4, Activation::Tanh)
                };
                sizes.insert(hidden + 1, width);
                acts.insert(hidden, act);
                draw(&next, &sizes, &acts, loss)
            }
            Change::RemoveLayer => {
                if hidden == 0 {
                    return Err(Error::new(ErrorKind::NoHiddenLayer));
                }
                sizes.remove(hidden);
                acts.remove(hidden - 1);
                draw(&next, &sizes, &acts, loss)
            }
            Change::Resize { layer, delta } => {
                if layer + 1 >= acts.len() {
                    return Err(Error::new(ErrorKind::NotHidden { layer: layer + 1 }));
                }
                let w = sizes[layer + 1] as i64 + delta as i64;
                if w < 1 || w > MAX_UNITS as i64 {
                    return Err(Error::new(ErrorKind::HiddenWidth { max: MAX_UNITS }));
                }
                sizes[layer + 1] = w as usize;
                draw(&next, &sizes, &acts, loss)
            }
            Change::Init(init) => {
                next.training.init = init;
                draw(&next, &sizes, &acts, loss)
            }
            Change::NewWeights => {
                next.training.seed = next.training.seed.wrapping_add(1);
                if next.problem.net.is_mlp() {
                    draw(&next, &sizes, &acts, loss)
                } else {
                    crate::images::cnn(next.training.seed)
                }
            }
            Change::ResetWeights => self.initial.clone(),
            Change::Dataset(spec) => {
                spec.validate()?;
                let out = acts.len() - 1;
                let mut reshape = sizes[0] != spec.inputs();
                sizes[0] = spec.inputs();
                if spec.kind.is_regression() && acts[out] != Activation::Linear {
                    (acts[out], loss, reshape) = (Activation::Linear, Loss::Mse, true);
                } else if !spec.kind.is_regression() && acts[out] == Activation::Linear {
                    (acts[out], loss, reshape) = (Activation::Sigmoid, Loss::HalfSse, true);
                }
                next.dataset = Some(Data::Generated(spec));
                if reshape {
                    draw(&next, &sizes, &acts, loss)
                } else {
                    next.problem.net.clone()
                }
            }
        };
        let split = install(&mut next, network)?;
        self.initial = next.problem.net.clone();
        self.split = split;
        self.trainer = None;
        self.rival = None;
        *saved = next;
        Ok(())
    }
}

/// Sizes (input first), activations and loss of a network.
fn architecture(n: &Net) -> (Vec<usize>, Vec<Activation>, Loss) {
    (
        n.sizes(),
        n.mlp_layers().map(|l| l.activation).collect(),
        n.loss,
    )
}

/// A fresh network of this shape from `saved`'s seed and initialisation.
fn draw(saved: &SavedState, sizes: &[usize], acts: &[Activation], loss: Loss) -> Net {
    let t = &saved.training;
    init::network(sizes, acts, loss, t.init, t.seed)
}

/// Puts `network` into `saved` with an example that fits it (the first training point,
/// or the one example resized), checked; returns the data it trains on.
fn install(saved: &mut SavedState, net: Net) -> Result<Split, Error> {
    saved.problem.net = net;
    saved.view.cursor = 0;
    if saved.dataset.is_some() {
        let s = split(saved, &saved.problem)?;
        if let (Some(x), Some(t)) = (s.train.inputs.first(), s.train.targets.first()) {
            saved.problem.input = x.clone();
            saved.problem.target = t.clone();
        }
        saved.problem.validate()?;
        Ok(s)
    } else {
        let p = &mut saved.problem;
        p.input.resize(p.net.inputs(), 0.0);
        p.target.resize(p.net.outputs(), 0.0);
        saved.problem.validate()?;
        split(saved, &saved.problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Kind;
    use crate::json::{to_value, Value};
    use crate::lab::Session;
    use crate::vocab::Named;

    fn state(s: &Session) -> Value {
        to_value(&crate::view::state(s, crate::view::Fields::All))
    }

    #[test]
    fn architecture_edits_and_limits() {
        let mut s = Session::from_preset("xor").unwrap();
        s.change(Change::AddLayer).unwrap();
        assert_eq!(s.saved().problem.net.sizes(), vec![2, 3, 3, 1]);
        s.change(Change::Resize { layer: 0, delta: 1 }).unwrap();
        assert_eq!(s.saved().problem.net.sizes(), vec![2, 4, 3, 1]);
        assert!(
            s.change(Change::Resize { layer: 2, delta: 1 }).is_err(),
            "the output layer is not resized"
        );
        for _ in 0..6 {
            s.change(Change::AddLayer).unwrap();
        }
        assert!(s
            .change(Change::AddLayer)
            .unwrap_err()
            .to_string()
            .contains("at most 8"));
        while s.saved().problem.net.depth() > 1 {
            s.change(Change::RemoveLayer).unwrap();
        }
        assert!(s.change(Change::RemoveLayer).is_err());
        assert_eq!(s.trace().pass.net, s.saved().problem.net);
    }

    #[test]
    fn reset_returns_to_the_same_weights_and_new_weights_differ() {
        let mut s = Session::from_preset("xor").unwrap();
        let start = s.saved().problem.net.clone();
        s.train(500).unwrap();
        assert_ne!(s.saved().problem.net, start);
        s.change(Change::ResetWeights).unwrap();
        assert_eq!(s.saved().problem.net, start);
        s.change(Change::NewWeights).unwrap();
        assert_ne!(s.saved().problem.net, start);
        let drawn = s.saved().problem.net.clone();
        s.train(10).unwrap();
        s.change(Change::ResetWeights).unwrap();
        assert_eq!(s.saved().problem.net, drawn);
    }

    #[test]
    fn dataset_switch_adapts_input_and_output() {
        let mut s = Session::from_preset("xor").unwrap();
        s.change(Change::Dataset(Spec::new(Kind::Sine, 50, 0.1, 0.2, 3)))
            .unwrap();
        let n = &s.saved().problem.net;
        assert_eq!(
            (n.inputs(), n.output_activation(), n.loss),
            (1, Activation::Linear, Loss::Mse)
        );
        s.change(Change::Dataset(Spec::new(Kind::Spiral, 100, 0.0, 0.2, 3)))
            .unwrap();
        assert_eq!(s.saved().problem.net.inputs(), 2);
        assert_eq!(
            s.saved().problem.net.output_activation(),
            Activation::Sigmoid
        );
        assert!(Kind::parse("moons").is_err());
        assert!(s
            .change(Change::Dataset(Spec::new(Kind::Circle, 0, 0.0, 0.0, 1)))
            .is_err());
        let before = state(&s);
        assert!(s
            .change(Change::Dataset(Spec::new(Kind::Circle, 10, 2.0, 0.0, 1)))
            .is_err());
        assert_eq!(before, state(&s));
    }

    #[test]
    fn vanishing_preset_first_layer_gradient_is_far_smaller() {
        let norm = |s: &Session, l: usize| -> f64 {
            s.trace()
                .pass
                .grad_ws(l)
                .iter()
                .map(|g| g * g)
                .sum::<f64>()
                .sqrt()
        };
        let s = Session::from_preset("vanishing").unwrap();
        let last = s.saved().problem.net.depth() - 1;
        assert!(
            norm(&s, last) > 100.0 * norm(&s, 0),
            "{} vs {}",
            norm(&s, last),
            norm(&s, 0)
        );
        let r = Session::from_preset("vanishing-relu").unwrap();
        assert!(
            norm(&r, last) < 100.0 * norm(&r, 0),
            "{} vs {}",
            norm(&r, last),
            norm(&r, 0)
        );
    }
}
