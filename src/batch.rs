//! One mini-batch update, step by step: each example's forward pass, loss and backward
//! pass, its gradients added to the running sum, then the sum averaged and the one
//! update made. The same numbers as the trainer's next update.

use crate::engine::{Grads, Net, Workspace};
use crate::explain::Bilingual;
use crate::network::UpdateRule;
use crate::notation::Notation;
use crate::train::scale;
use serde::Serialize;

/// Weights listed per accumulate/average step before the rest are summarised.
const SHOWN: usize = 6;

/// What a batch step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchKind {
    Start,
    Forward,
    Loss,
    Backward,
    Accumulate,
    Average,
    Update,
}

/// One step of a batch walk-through, with its text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BatchStep {
    pub kind: BatchKind,
    /// The example (0-based within the batch), for per-example steps.
    pub example: Option<usize>,
    pub title: Bilingual,
    pub note: Bilingual,
    pub lines: Vec<String>,
}

/// A mini-batch update, worked out.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchTrace {
    /// Indices of the examples in the training set.
    pub indices: Vec<usize>,
    /// Σ_e ∂L_e/∂θ over the batch, per engine layer.
    pub sum: Vec<Grads>,
    /// (1/k) Σ_e ∂L_e/∂θ.
    pub mean: Vec<Grads>,
    /// The network after the one update.
    pub updated: Net,
    pub steps: Vec<BatchStep>,
}

/// The first few weights of a network as (layer, i, j), in order.
fn first_weights(net: &Net) -> Vec<(usize, usize, usize)> {
    let mut v = Vec::new();
    for (l, layer) in net.mlp_layers().enumerate() {
        for i in 0..layer.width() {
            for j in 0..layer.fan_in() {
                v.push((l, i, j));
            }
        }
    }
    v
}

/// ∂L/∂W(l)_ij in engine-layer gradients `g` of the fully connected `net`.
fn weight_grad(net: &Net, g: &[Grads], (l, i, j): (usize, usize, usize)) -> f64 {
    g[2 * l].weights[i * net.mlp(l).fan_in() + j]
}

/// Works out the update of `net` on the examples `indices` of (inputs, targets).
pub fn build(
    net: &Net,
    inputs: &[Vec<f64>],
    targets: &[Vec<f64>],
    indices: &[usize],
    rule: UpdateRule,
    digits: usize,
) -> BatchTrace {
    let k = indices.len().max(1);
    let n = Notation::plain(digits);
    let ws = first_weights(net);
    let shown = &ws[..ws.len().min(SHOWN)];
    let wname = |&(l, i, j): &(usize, usize, usize)| n.w(l, i, j);
    let more = ws.len().saturating_sub(SHOWN);

    let mut steps = vec![BatchStep {
        kind: BatchKind::Start,
        example: None,
        title: Bilingual::new(format!("A mini-batch of {k} examples"), format!("一个含 {k} 个样本的小批量")),
        note: Bilingual::new(
            "Each example runs forward and backward on the same weights; their gradients are added up, averaged, and only then is one update made.",
            "每个样本都用同一组权重做前向和反向传播；它们的梯度先累加、再平均，最后只做一次更新。",
        ),
        lines: indices.iter().enumerate().map(|(e, &ix)| {
            let x: Vec<String> = inputs[ix].iter().map(|v| n.num(*v)).collect();
            let t: Vec<String> = targets[ix].iter().map(|v| n.num(*v)).collect();
            format!("e = {}: #{ix}  x = ({}), t = ({})", e + 1, x.join(", "), t.join(", "))
        }).collect(),
    }];
    // Each example in turn, on the same weights; only the running sum is kept.
    let mut sum: Vec<Grads> = net.zero_grads();
    let (mut work, mut grads) = (Workspace::default(), Vec::new());
    let gw = |g: &[Grads], w: (usize, usize, usize)| weight_grad(net, g, w);
    for (e, &ix) in indices.iter().enumerate() {
        let ex = e + 1;
        let (x, t) = (&inputs[ix], &targets[ix]);
        net.forward_into(x, &mut work);
        let loss = net.loss_in(x, t, &work);
        net.backward_into(x, t, &mut work, &mut grads, false);
        let prev: Vec<f64> = shown.iter().map(|&w| gw(&sum, w)).collect();
        // The same additions, in the same order, as the trainer's sum over the batch.
        if e == 0 {
            sum = grads.clone();
        } else {
            for (s, g) in sum.iter_mut().zip(&grads) {
                s.weights
                    .iter_mut()
                    .zip(&g.weights)
                    .for_each(|(s, g)| *s += g);
                s.biases
                    .iter_mut()
                    .zip(&g.biases)
                    .for_each(|(s, g)| *s += g);
            }
        }
        let run = &sum;
        steps.push(BatchStep {
            kind: BatchKind::Forward,
            example: Some(e),
            title: Bilingual::new(format!("Example {ex}: forward pass"), format!("样本 {ex}：前向传播")),
            note: Bilingual::new("z = W a + b and a = f(z), layer by layer, with the weights shared by the whole batch.", "逐层计算 z = W a + b 与 a = f(z)，整个批次使用同一组权重。"),
            lines: (0..net.depth()).map(|l| {
                let a = &work.outputs[2 * l + 1];
                format!("{} = ({})", n.sym("a", l + 1, ""), a.iter().map(|v| n.num(*v)).collect::<Vec<_>>().join(", "))
            }).collect(),
        });
        steps.push(BatchStep {
            kind: BatchKind::Loss,
            example: Some(e),
            title: Bilingual::new(format!("Example {ex}: loss"), format!("样本 {ex}：损失")),
            note: Bilingual::new(net.loss.formula(), net.loss.formula()),
            lines: vec![format!("L_{ex} = {}", n.num(loss))],
        });
        steps.push(BatchStep {
            kind: BatchKind::Backward,
            example: Some(e),
            title: Bilingual::new(
                format!("Example {ex}: backward pass"),
                format!("样本 {ex}：反向传播"),
            ),
            note: Bilingual::new(
                "δ from the top layer down, then this example's gradients ∂L_e/∂W = δ aᵀ.",
                "从最后一层往前计算 δ，再得到这个样本的梯度 ∂L_e/∂W = δ aᵀ。",
            ),
            lines: shown
                .iter()
                .map(|&(l, i, j)| {
                    format!(
                        "∂L_{ex}/∂{} = {}",
                        wname(&(l, i, j)),
                        n.num(gw(&grads, (l, i, j)))
                    )
                })
                .collect(),
        });
        steps.push(BatchStep {
            kind: BatchKind::Accumulate,
            example: Some(e),
            title: Bilingual::new(
                format!("Example {ex}: add its gradients to the sum"),
                format!("样本 {ex}：把梯度加到总和上"),
            ),
            note: Bilingual::new(
                format!(
                    "Σ ∂L/∂W now holds the gradients of examples 1 to {ex}{}.",
                    if more > 0 {
                        format!(" (the first {SHOWN} weights of {} shown)", ws.len())
                    } else {
                        String::new()
                    }
                ),
                format!(
                    "Σ ∂L/∂W 现在包含样本 1 到 {ex} 的梯度{}。",
                    if more > 0 {
                        format!("（显示 {} 个权重中的前 {SHOWN} 个）", ws.len())
                    } else {
                        String::new()
                    }
                ),
            ),
            lines: shown
                .iter()
                .zip(&prev)
                .map(|(&(l, i, j), prev)| {
                    format!(
                        "Σ ∂L/∂{} = {} + {} = {}",
                        wname(&(l, i, j)),
                        n.num(*prev),
                        n.factor(gw(&grads, (l, i, j))),
                        n.num(gw(run, (l, i, j)))
                    )
                })
                .collect(),
        });
    }
    let mut mean = sum.clone();
    scale(&mut mean, 1.0 / k as f64);
    let mut updated = net.clone();
    updated.update(&mean, &rule);
    steps.push(BatchStep {
        kind: BatchKind::Average,
        example: None,
        title: Bilingual::new(
            format!("Average over the {k} examples"),
            format!("对 {k} 个样本取平均"),
        ),
        note: Bilingual::new(
            "The batch gradient is the mean of the examples' gradients: ∂L/∂W = (1/k) Σ_e ∂L_e/∂W.",
            "批量梯度是各样本梯度的平均：∂L/∂W = (1/k) Σ_e ∂L_e/∂W。",
        ),
        lines: shown
            .iter()
            .map(|&(l, i, j)| {
                format!(
                    "∂L/∂{} = {} / {k} = {}",
                    wname(&(l, i, j)),
                    n.num(gw(&sum, (l, i, j))),
                    n.num(gw(&mean, (l, i, j)))
                )
            })
            .collect(),
    });
    steps.push(BatchStep {
        kind: BatchKind::Update,
        example: None,
        title: Bilingual::new(
            "One update with the averaged gradient",
            "用平均梯度做一次更新",
        ),
        note: Bilingual::new(
            format!("W ← W − η ∂L/∂W, η = {}", n.num(rule.learning_rate)),
            format!("W ← W − η ∂L/∂W，η = {}", n.num(rule.learning_rate)),
        ),
        lines: shown
            .iter()
            .map(|&(l, i, j)| {
                format!(
                    "{} = {} − {} · {} = {}",
                    wname(&(l, i, j)),
                    n.num(net.mlp(l).w(i, j)),
                    n.factor(rule.learning_rate),
                    n.factor(gw(&mean, (l, i, j))),
                    n.num(updated.mlp(l).w(i, j))
                )
            })
            .collect(),
    });
    BatchTrace {
        indices: indices.to_vec(),
        sum,
        mean,
        updated,
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Dataset;
    use crate::train::{Config, Trainer};

    #[test]
    fn the_walk_through_makes_the_trainers_next_update() {
        let p = crate::preset::get("xor").unwrap().problem;
        let data = Dataset {
            inputs: vec![
                vec![0.0, 0.0],
                vec![0.0, 1.0],
                vec![1.0, 0.0],
                vec![1.0, 1.0],
            ],
            targets: vec![vec![0.0], vec![1.0], vec![1.0], vec![0.0]],
        };
        let rule = p.rule();
        let mut t = Trainer::new(
            p.net.clone(),
            data.clone(),
            Dataset {
                inputs: vec![],
                targets: vec![],
            },
            Config {
                rule,
                batch_size: 3,
            },
        );
        let bt = build(
            &t.net,
            &data.inputs,
            &data.targets,
            &t.next_batch(),
            rule,
            4,
        );
        t.step();
        assert_eq!(bt.updated, t.net);
        assert_eq!(bt.steps.len(), 1 + 4 * 3 + 2);
        assert_eq!(bt.steps.last().unwrap().kind, BatchKind::Update);
        // The running sum after the last example is k times the mean.
        let l = &bt.sum[0].weights[0];
        assert!((l / 3.0 - bt.mean[0].weights[0]).abs() < 1e-15);
        assert!(bt.steps[4].lines[0].starts_with("Σ ∂L/∂W(1)_11 = 0 + "));
    }
}
