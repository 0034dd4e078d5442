//! Training: online SGD, mini-batch (gradients averaged over the batch) and full batch,
//! optional L2 weight decay, a bounded loss history and divergence detection.

use crate::dataset::Dataset;
use crate::engine::{FcWorkspace, Grads, Net, Workspace};
use crate::network::UpdateRule;
use serde::Serialize;

/// Mean loss of `net` over a dataset (0 for an empty one).
pub fn dataset_loss(net: &Net, data: &Dataset) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let examples = data.inputs.iter().zip(&data.targets);
    let mut fc = FcWorkspace::default();
    let total: f64 = if fc.fits(net) {
        examples.map(|(x, t)| fc.loss(net, x, t)).sum()
    } else {
        let mut ws = Workspace::default();
        examples.map(|(x, t)| net.loss_with(x, t, &mut ws)).sum()
    };
    total / data.len() as f64
}

/// Gradients averaged over the examples `idx` of `data`, per engine layer.
pub fn batch_gradients(net: &Net, data: &Dataset, idx: &[usize]) -> Vec<Grads> {
    let mut grads = Vec::new();
    batch_gradients_into(net, data, idx, &mut Workspace::default(), &mut grads);
    grads
}

/// The same, in reusable buffers.
fn batch_gradients_into(
    net: &Net,
    data: &Dataset,
    idx: &[usize],
    ws: &mut Workspace,
    grads: &mut Vec<Grads>,
) {
    for (n, &k) in idx.iter().enumerate() {
        net.forward_into(&data.inputs[k], ws);
        net.backward_params_into(&data.inputs[k], &data.targets[k], ws, grads, n > 0);
    }
    if idx.len() > 1 {
        scale(grads, 1.0 / idx.len() as f64);
    }
}

/// g *= s.
pub fn scale(g: &mut [Grads], s: f64) {
    for l in g {
        l.biases.iter_mut().for_each(|x| *x *= s);
        l.weights.iter_mut().for_each(|x| *x *= s);
    }
}

/// A loss curve that never grows past a fixed size: when full, every other point is
/// dropped and the recording stride doubles, so millions of steps stay bounded.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct History {
    /// (step, training loss, test loss) triples.
    pub points: Vec<(u64, f64, f64)>,
    /// Record one point every `stride` calls to [`History::record`].
    pub stride: u64,
    #[serde(skip)]
    cap: usize,
    #[serde(skip)]
    calls: u64,
}

impl History {
    pub fn new(cap: usize) -> Self {
        History {
            points: Vec::new(),
            stride: 1,
            cap: cap.max(4),
            calls: 0,
        }
    }

    /// Offers a point; it is kept on every `stride`-th call.
    pub fn record(&mut self, step: u64, train: f64, test: f64) {
        self.offer(step, || (train, test));
    }

    /// Offers a point whose (training, test) losses `losses` computes, only when the point
    /// is kept: once the stride has doubled, most offers are dropped, and their passes
    /// over the data need not run.
    pub fn offer(&mut self, step: u64, losses: impl FnOnce() -> (f64, f64)) {
        self.calls += 1;
        if !(self.calls - 1).is_multiple_of(self.stride) {
            return;
        }
        let (train, test) = losses();
        self.points.push((step, train, test));
        if self.points.len() >= self.cap {
            let kept: Vec<_> = self.points.iter().step_by(2).copied().collect();
            self.points = kept;
            self.stride *= 2;
        }
    }

    pub fn clear(&mut self) {
        *self = History::new(self.cap);
    }
}

/// Where training stands.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// Training can go on.
    Ok,
    /// A weight or the loss became inf/NaN at `step`; the last finite weights were kept.
    Diverged { step: u64 },
}

/// Hyper-parameters of a training run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    pub rule: UpdateRule,
    /// Examples per update: 1 = online SGD, 0 or ≥ dataset size = full batch.
    pub batch_size: usize,
}

/// A network being trained on a dataset, one update at a time.
#[derive(Clone, Debug)]
pub struct Trainer {
    /// The network being trained (on the engine: any net, fully connected or not).
    pub net: Net,
    pub train: Dataset,
    pub test: Dataset,
    pub config: Config,
    /// Updates made so far.
    pub updates: u64,
    /// Examples seen so far (updates × batch size).
    pub examples: u64,
    /// Index of the next example to take (dataset order, cycling).
    pub next: usize,
    pub status: Status,
    pub history: History,
    /// (examples seen, training, test) accuracy of a classification or R² of a
    /// regression, recorded with the loss (point for point beside `history`); NaN where
    /// there is none (an empty test set, constant targets).
    pub scores: History,
    /// Buffers of the passes and the gradients, reused every step.
    ws: Workspace,
    /// Buffers of the fully connected fast path (online SGD on an MLP).
    fc: FcWorkspace,
    grads: Vec<Grads>,
    /// The current batch's example indices (reused by every update).
    idx: Vec<usize>,
}

impl Trainer {
    pub fn new(net: Net, train: Dataset, test: Dataset, config: Config) -> Self {
        let mut t = Trainer {
            net,
            train,
            test,
            config,
            updates: 0,
            examples: 0,
            next: 0,
            status: Status::Ok,
            history: History::new(2048),
            scores: History::new(2048),
            ws: Workspace::default(),
            fc: FcWorkspace::default(),
            grads: Vec::new(),
            idx: Vec::new(),
        };
        t.record();
        t
    }

    /// The examples per update actually used.
    pub fn batch(&self) -> usize {
        batch_len(self.config.batch_size, self.train.len())
    }

    /// The indices of the next batch, in dataset order.
    pub fn next_batch(&self) -> Vec<usize> {
        batch_indices(self.next, self.batch(), self.train.len()).collect()
    }

    /// One update on the next batch. Returns false (and keeps the previous weights)
    /// once training has diverged.
    pub fn step(&mut self) -> bool {
        if self.status != Status::Ok || self.train.is_empty() {
            return false;
        }
        let (k, n) = (self.batch(), self.train.len());
        let rule = self.config.rule;
        // Divergence: a non-finite gradient or parameter (a non-finite δ makes its
        // weight gradients non-finite too). The weights are left as they were, the last
        // finite ones.
        let stays_finite = if k == 1 && self.fc.fits(&self.net) {
            // Online SGD on a fully connected net: the fused step, the same numbers.
            let (x, t) = (
                &self.train.inputs[self.next],
                &self.train.targets[self.next],
            );
            self.fc.sgd_step(&mut self.net, x, t, &rule)
        } else {
            // The batch's indices in a buffer kept between updates (no allocation per step).
            self.idx.clear();
            self.idx.extend(batch_indices(self.next, k, n));
            batch_gradients_into(
                &self.net,
                &self.train,
                &self.idx,
                &mut self.ws,
                &mut self.grads,
            );
            let ok = self.net.update_stays_finite(&self.grads, &rule);
            if ok {
                self.net.update(&self.grads, &rule);
            }
            ok
        };
        self.updates += 1;
        self.examples += k as u64;
        self.next = (self.next + k) % n;
        if !stays_finite {
            self.status = Status::Diverged { step: self.updates };
            return false;
        }
        true
    }

    /// `n` updates, recording the loss curve every epoch or few; stops early on divergence.
    /// Returns the updates made. (The mean loss is [`Trainer::train_loss`]: a pass over
    /// the data, so not computed here; the page calls this every few steps.)
    pub fn run(&mut self, n: u64) -> u64 {
        let before = self.updates;
        // A point of the loss curve costs a pass over the data: every epoch on small
        // sets, every 4 epochs on larger ones (else it costs as much as the training).
        let epochs = if self.train.len() + self.test.len() <= 64 {
            1
        } else {
            4
        };
        let per_epoch = self.train.len().div_ceil(self.batch()).max(1) as u64 * epochs;
        for _ in 0..n {
            if !self.step() {
                break;
            }
            if self.updates.is_multiple_of(per_epoch) {
                self.record();
            }
        }
        self.updates - before
    }

    /// Mean loss over the training set.
    pub fn train_loss(&self) -> f64 {
        dataset_loss(&self.net, &self.train)
    }

    /// Mean loss over the test set.
    pub fn test_loss(&self) -> f64 {
        dataset_loss(&self.net, &self.test)
    }

    /// Offers the current losses, and accuracies or R², to the histories (one pass over
    /// each set, run only if the histories keep the point: they keep the same ones).
    pub fn record(&mut self) {
        let Trainer {
            net,
            train,
            test,
            history,
            scores,
            examples,
            ws,
            ..
        } = self;
        let nan = f64::NAN;
        let mut kept = None;
        history.offer(*examples, || {
            let (a, sa) = crate::metric::evaluate(net, train, ws);
            let (b, sb) = crate::metric::evaluate(net, test, ws);
            kept = Some((sa.unwrap_or(nan), sb.unwrap_or(nan)));
            (a, b)
        });
        scores.offer(*examples, || kept.unwrap_or((nan, nan)));
    }
}

/// The examples per update for a batch-size setting (0 = the full batch) on `n` examples.
pub fn batch_len(batch_size: usize, n: usize) -> usize {
    match batch_size {
        0 => n.max(1),
        b => b.min(n.max(1)),
    }
}

/// The `k` example indices of a batch starting at `next`, wrapping around `n` examples.
pub fn batch_indices(next: usize, k: usize, n: usize) -> impl Iterator<Item = usize> {
    (0..k).map(move |j| (next + j) % n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_computes_only_the_points_it_keeps() {
        let (mut kept, mut computed) = (History::new(8), 0);
        let mut all = History::new(8);
        for s in 0..1000u64 {
            kept.offer(s, || {
                computed += 1;
                (s as f64, 0.0)
            });
            all.record(s, s as f64, 0.0);
        }
        assert_eq!(kept, all);
        assert!(computed < 300, "{computed} of 1000 offers computed");
    }

    #[test]
    fn history_stays_bounded() {
        let mut h = History::new(64);
        for s in 0..1_000_000u64 {
            h.record(s, 1.0, 1.0);
        }
        assert!(h.points.len() < 64);
        assert!(h.points.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(h.points[0].0, 0);
    }
}
