//! The training side of a session: the dataset, the architecture, the initial weights
//! and the run. Architecture changes draw new weights from the seed (shapes change);
//! "reset" returns to the initial weights; "new weights" draws from the next seed.

use crate::activation::Activation;
use crate::dataset::{Kind, Spec};
use crate::init::{self, Init};
use crate::loss::Loss;
use crate::network::Network;
use crate::session::{build_trace, datasets, Session};

use crate::json::{obj, to_value, Value};
use crate::state::Data;

/// Most hidden layers the lab builds.
pub const MAX_HIDDEN: usize = 8;
/// Most units per hidden layer the lab builds.
pub const MAX_UNITS: usize = 16;

impl Session {
    /// Sizes (input first) and activations of the current network.
    fn architecture(&self) -> (Vec<usize>, Vec<Activation>, Loss) {
        let n = &self.saved.problem.network;
        (
            n.sizes(),
            n.layers.iter().map(|l| l.activation).collect(),
            n.loss,
        )
    }

    /// Replaces the network (and the example, from the first training point), drops the
    /// run, and makes these the weights "reset" returns to.
    fn install(&mut self, network: Network) -> Result<(), String> {
        let mut saved = self.saved.clone();
        saved.problem.network = network;
        let (train, test) = datasets(&saved);
        if saved.dataset.is_some() {
            if let (Some(x), Some(t)) = (train.inputs.first(), train.targets.first()) {
                saved.problem.input = x.clone();
                saved.problem.target = t.clone();
            }
        } else {
            // The one example: fit its shape to the network.
            let p = &mut saved.problem;
            p.input.resize(p.network.inputs(), 0.0);
            p.target.resize(p.network.outputs(), 0.0);
        }
        saved.problem.validate()?;
        if saved.dataset.is_some() {
            crate::session::check_examples(&saved.problem, &train, &test)?;
        }
        self.trace = build_trace(&saved.problem, saved.view.granularity);
        self.cursor = 0;
        self.initial = saved.problem.network.clone();
        self.saved = saved;
        self.trainer = None;
        Ok(())
    }

    /// A fresh network of this shape from the current seed and initialisation.
    fn redraw(&mut self, sizes: &[usize], acts: &[Activation], loss: Loss) -> Result<(), String> {
        let t = &self.saved.training;
        let net = init::network(sizes, acts, loss, t.init, t.seed);
        self.install(net)
    }

    /// Adds a hidden layer before the output (copying the last hidden layer's width and
    /// activation), and draws new weights.
    pub fn add_layer(&mut self) -> Result<(), String> {
        let (mut sizes, mut acts, loss) = self.architecture();
        let hidden = acts.len() - 1;
        if hidden >= MAX_HIDDEN {
            return Err(format!("at most {MAX_HIDDEN} hidden layers"));
        }
        let width = if hidden > 0 { sizes[hidden] } else { 4 };
        let act = if hidden > 0 {
            acts[hidden - 1]
        } else {
            Activation::Tanh
        };
        sizes.insert(hidden + 1, width);
        acts.insert(hidden, act);
        self.redraw(&sizes, &acts, loss)
    }

    /// Removes the last hidden layer.
    pub fn remove_layer(&mut self) -> Result<(), String> {
        let (mut sizes, mut acts, loss) = self.architecture();
        let hidden = acts.len() - 1;
        if hidden == 0 {
            return Err("the network has no hidden layer to remove".into());
        }
        sizes.remove(hidden);
        acts.remove(hidden - 1);
        self.redraw(&sizes, &acts, loss)
    }

    /// Changes the width of hidden layer `l` (0-based) by `delta` units.
    pub fn resize_layer(&mut self, l: usize, delta: i32) -> Result<(), String> {
        let (mut sizes, acts, loss) = self.architecture();
        if l + 1 >= acts.len() {
            return Err(format!("layer {} is not a hidden layer", l + 1));
        }
        let w = sizes[l + 1] as i32 + delta;
        if w < 1 || w > MAX_UNITS as i32 {
            return Err(format!("a hidden layer has 1 to {MAX_UNITS} units"));
        }
        sizes[l + 1] = w as usize;
        self.redraw(&sizes, &acts, loss)
    }

    /// The initialisation scheme, by name; draws new weights with it.
    pub fn set_init(&mut self, name: &str) -> Result<(), String> {
        let init = Init::parse(name)?;
        let (sizes, acts, loss) = self.architecture();
        let before = self.saved.training.init;
        self.saved.training.init = init;
        self.redraw(&sizes, &acts, loss)
            .inspect_err(|_| self.saved.training.init = before)
    }

    /// Examples per update: 1 online, k mini-batch, 0 full batch.
    pub fn set_batch_size(&mut self, n: usize) -> Result<(), String> {
        if n > crate::dataset::MAX_POINTS {
            return Err(format!("batch size {n} is larger than any dataset"));
        }
        self.saved.training.batch_size = n;
        if let Some(t) = &mut self.trainer {
            t.config.batch_size = n;
        }
        Ok(())
    }

    /// λ of the L2 term.
    pub fn set_weight_decay(&mut self, v: f64) -> Result<(), String> {
        if !(v.is_finite() && (0.0..=1e3).contains(&v)) {
            return Err(format!("weight decay: {v} is out of range (0 to 1000)"));
        }
        self.edit(|p| {
            p.weight_decay = v;
            Ok(())
        })
    }

    /// A generated dataset. Changing between regression and classification adapts the
    /// output layer (linear + mse, or sigmoid + half_sse); a new input width redraws.
    pub fn set_dataset(
        &mut self,
        kind: &str,
        points: usize,
        noise: f64,
        test_fraction: f64,
        seed: u64,
    ) -> Result<(), String> {
        let spec = Spec {
            kind: Kind::parse(kind)?,
            points,
            noise,
            test_fraction,
            seed,
        };
        spec.validate()?;
        let (mut sizes, mut acts, mut loss) = self.architecture();
        let out = acts.len() - 1;
        let mut reshape = sizes[0] != spec.kind.inputs();
        sizes[0] = spec.kind.inputs();
        if spec.kind.is_regression() && acts[out] != Activation::Linear {
            (acts[out], loss, reshape) = (Activation::Linear, Loss::Mse, true);
        } else if !spec.kind.is_regression() && acts[out] == Activation::Linear {
            (acts[out], loss, reshape) = (Activation::Sigmoid, Loss::HalfSse, true);
        }
        let previous = self.saved.dataset.clone();
        self.saved.dataset = Some(Data::Generated(spec));
        let result = if reshape {
            self.redraw(&sizes, &acts, loss)
        } else {
            let net = self.saved.problem.network.clone();
            self.install(net)
        };
        result.inspect_err(|_| self.saved.dataset = previous)
    }

    /// Back to the initial weights; the run starts again.
    pub fn reset_weights(&mut self) -> Result<(), String> {
        let net = self.initial.clone();
        self.install(net)
    }

    /// Fresh weights from the next seed.
    pub fn new_weights(&mut self) -> Result<(), String> {
        let (sizes, acts, loss) = self.architecture();
        let seed = self.saved.training.seed;
        self.saved.training.seed = seed.wrapping_add(1);
        self.redraw(&sizes, &acts, loss)
            .inspect_err(|_| self.saved.training.seed = seed)
    }

    /// One epoch of updates.
    pub fn train_epoch(&mut self) -> Result<f64, String> {
        let n = self.data().0.len();
        let batch = crate::train::batch_len(self.saved.training.batch_size, n);
        self.train(n.max(1).div_ceil(batch) as u64)
    }

    /// The next mini-batch update worked out step by step (what `train(1)` will do),
    /// with its step texts; an error when the batch size is 1.
    pub fn batch_walk(&self) -> Result<Value, String> {
        let (train, _) = self.data();
        let n = train.len();
        let k = crate::train::batch_len(self.saved.training.batch_size, n);
        if k < 2 || n < 2 {
            return Err("the walk-through needs a batch of at least 2 examples".into());
        }
        let next = self.trainer.as_ref().map_or(0, |t| t.next);
        let indices: Vec<usize> = crate::train::batch_indices(next, k, n).collect();
        let bt = crate::batch::build(
            &self.saved.problem.network,
            &train.inputs,
            &train.targets,
            &indices,
            self.saved.problem.rule(),
            crate::session::UI_DIGITS,
        );
        Ok(obj! {"indices": bt.indices, "steps": bt.steps})
    }

    /// The data points, for the heatmap's scatter: inputs, class or value, train/test.
    pub fn points(&self) -> Value {
        let (train, test) = self.data();
        let pts = |d: &crate::dataset::Dataset| -> Vec<Value> {
            d.inputs
                .iter()
                .zip(&d.targets)
                .map(|xt| to_value(&xt))
                .collect()
        };
        obj! {"train": pts(&train), "test": pts(&test)}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn architecture_edits_and_limits() {
        let mut s = Session::from_preset("xor").unwrap();
        s.add_layer().unwrap();
        assert_eq!(s.problem().network.sizes(), vec![2, 3, 3, 1]);
        s.resize_layer(0, 1).unwrap();
        assert_eq!(s.problem().network.sizes(), vec![2, 4, 3, 1]);
        assert!(
            s.resize_layer(2, 1).is_err(),
            "the output layer is not resized"
        );
        for _ in 0..6 {
            s.add_layer().unwrap();
        }
        assert!(s.add_layer().unwrap_err().contains("at most 8"));
        while s.problem().network.layers.len() > 1 {
            s.remove_layer().unwrap();
        }
        assert!(s.remove_layer().is_err());
        assert_eq!(s.trace().pass.network, s.problem().network);
    }

    #[test]
    fn reset_returns_to_the_same_weights_and_new_weights_differ() {
        let mut s = Session::from_preset("xor").unwrap();
        let start = s.problem().network.clone();
        s.train(500).unwrap();
        assert_ne!(s.problem().network, start);
        s.reset_weights().unwrap();
        assert_eq!(s.problem().network, start);
        s.new_weights().unwrap();
        assert_ne!(s.problem().network, start);
        let drawn = s.problem().network.clone();
        s.train(10).unwrap();
        s.reset_weights().unwrap();
        assert_eq!(s.problem().network, drawn);
    }

    #[test]
    fn dataset_switch_adapts_input_and_output() {
        let mut s = Session::from_preset("xor").unwrap();
        s.set_dataset("sine", 50, 0.1, 0.2, 3).unwrap();
        let n = &s.problem().network;
        assert_eq!(
            (n.inputs(), n.layers.last().unwrap().activation, n.loss),
            (1, Activation::Linear, Loss::Mse)
        );
        s.set_dataset("spiral", 100, 0.0, 0.2, 3).unwrap();
        assert_eq!(s.problem().network.inputs(), 2);
        assert_eq!(
            s.problem().network.layers.last().unwrap().activation,
            Activation::Sigmoid
        );
        assert!(s.set_dataset("moons", 10, 0.0, 0.0, 1).is_err());
        assert!(s.set_dataset("circle", 0, 0.0, 0.0, 1).is_err());
        let before = s.state();
        assert!(s.set_dataset("circle", 10, 2.0, 0.0, 1).is_err());
        assert_eq!(before, s.state());
    }

    #[test]
    fn vanishing_preset_first_layer_gradient_is_far_smaller() {
        let norm = |s: &Session, l: usize| -> f64 {
            s.trace().pass.grads[l]
                .weights
                .iter()
                .flatten()
                .map(|g| g * g)
                .sum::<f64>()
                .sqrt()
        };
        let s = Session::from_preset("vanishing").unwrap();
        let last = s.problem().network.layers.len() - 1;
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
