//! The fully connected fast path of training. A net of dense + activation pairs
//! ([`Net::is_mlp`]) takes an online SGD step pair by pair: the forward pass z = W a + b,
//! a = f(z); then, top pair down, δ = ∂L/∂z, and one loop over each pair's weights that
//! both sends ∂L/∂a to the pair below (with the weights before the update) and writes
//! the updated weights. Every value of the example sits in one flat buffer; the first
//! pair sends nothing down (training needs no ∂L/∂x).
//!
//! The numbers are the engine's, bit for bit: the same functions ([`Dense::forward_slice`],
//! [`Activation::apply`], [`Activation::backward`], [`Loss::dy_into`], [`UpdateRule`])
//! and every sum in the same order (`tests/train_test.rs` compares the two paths).

use super::dense::Dense;
use super::layer::Layer;
use super::net::Net;
use crate::activation::Activation;
use crate::loss::Loss;
use crate::network::UpdateRule;

/// One dense + activation pair of the net, and where its units sit in the flat buffers.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Pair {
    inputs: usize,
    outputs: usize,
    activation: Activation,
    /// Offset of this pair's units in `z`, `a` and `delta`.
    at: usize,
}

impl Pair {
    fn units(&self) -> std::ops::Range<usize> {
        self.at..self.at + self.outputs
    }
}

/// The buffers of the fast path, reused from step to step.
#[derive(Clone, Debug, Default)]
pub struct FcWorkspace {
    pairs: Vec<Pair>,
    /// z of every unit, pair after pair.
    z: Vec<f64>,
    /// a = f(z) of every unit.
    a: Vec<f64>,
    /// δ = ∂L/∂z of every unit.
    delta: Vec<f64>,
    /// ∂L/∂y at the output, then ∂L/∂a of each pair's input in turn.
    grad: Vec<f64>,
    /// Each pair's updated weights and biases; they replace the net's when every one of
    /// them is within bounds (else the net keeps its last finite weights).
    next: Vec<(Vec<f64>, Vec<f64>)>,
}

/// The dense layer of pair `p` (the net fits: [`FcWorkspace::fits`]).
fn dense(net: &Net, p: usize) -> &Dense {
    match &net.layers[2 * p] {
        Layer::Dense(d) => d,
        _ => unreachable!("a fully connected net has a dense layer first in each pair"),
    }
}

/// Swaps two vectors' buffers (`std::mem::swap`, which opt-level z leaves as a byte loop).
#[cfg_attr(feature = "full", inline(always))]
fn exchange(a: &mut Vec<f64>, b: &mut Vec<f64>) {
    let t = std::mem::take(a);
    *a = std::mem::replace(b, t);
}

impl FcWorkspace {
    /// True when `net` is fully connected, with the buffers fitted to it (a check of the
    /// layers' sizes when they already are).
    pub fn fits(&mut self, net: &Net) -> bool {
        let mut same = net.input_shape.is_vector() && self.pairs.len() * 2 == net.layers.len();
        for (k, p) in self.pairs.iter().enumerate() {
            same = same
                && matches!(&net.layers[2 * k..2 * k + 2], [Layer::Dense(d), Layer::Activation(a)]
                    if (d.inputs, d.outputs, *a) == (p.inputs, p.outputs, p.activation));
        }
        if same {
            return true;
        }
        if !net.is_mlp() {
            return false;
        }
        self.pairs.clear();
        self.next.clear();
        let mut at = 0;
        for l in net.mlp_layers() {
            let d = l.dense;
            self.pairs.push(Pair {
                inputs: d.inputs,
                outputs: d.outputs,
                activation: l.activation,
                at,
            });
            self.next
                .push((vec![0.0; d.weights.len()], vec![0.0; d.biases.len()]));
            at += d.outputs;
        }
        let widest = self.pairs.iter().map(|p| p.inputs.max(p.outputs)).max();
        self.grad = vec![0.0; widest.unwrap_or(0)];
        self.z = vec![0.0; at];
        self.a = vec![0.0; at];
        self.delta = vec![0.0; at];
        true
    }

    /// The forward pass: z and a of every pair, for input x.
    fn forward(&mut self, net: &Net, x: &[f64]) {
        for (p, pair) in self.pairs.iter().enumerate() {
            let (below, here) = self.a.split_at_mut(pair.at);
            let input = match p {
                0 => x,
                _ => &below[self.pairs[p - 1].at..],
            };
            let z = &mut self.z[pair.units()];
            dense(net, p).forward_slice(input, z);
            pair.activation.apply(z, &mut here[..pair.outputs]);
        }
    }

    /// L for target t after [`FcWorkspace::forward`] (as [`Net::loss_in`]: cross-entropy
    /// from the last pair's z).
    fn loss_in(&self, loss: Loss, t: &[f64]) -> f64 {
        let last = self
            .pairs
            .last()
            .expect("a fully connected net has a pair")
            .units();
        loss.value(&self.a[last.clone()], t, &self.z[last])
    }

    /// L of `net` (fitted) on one example.
    pub fn loss(&mut self, net: &Net, x: &[f64], t: &[f64]) -> f64 {
        self.forward(net, x);
        self.loss_in(net.loss, t)
    }

    /// One online SGD step of `net` (fitted) on the example (x, t) under `rule`. Returns
    /// false, leaving the net as it was, when an updated weight or bias would be
    /// non-finite or beyond ±[`crate::network::MAX_MAGNITUDE`] (the run has diverged).
    pub fn sgd_step(&mut self, net: &mut Net, x: &[f64], t: &[f64], rule: &UpdateRule) -> bool {
        self.forward(net, x);
        let last = self.pairs.len() - 1;
        let top = self.pairs[last];
        let (y, z) = (&self.a[top.units()], &self.z[top.units()]);
        let delta = &mut self.delta[top.units()];
        if net.loss == Loss::CrossEntropy && top.activation == Activation::Softmax {
            // ∂/∂z_i of −Σ t log softmax(z) = y_i Σ_k t_k − t_i.
            let st: f64 = t.iter().sum();
            for ((d, &y), &t) in delta.iter_mut().zip(y).zip(t) {
                *d = y * st - t;
            }
        } else {
            let g = &mut self.grad[..top.outputs];
            net.loss.dy_into(y, t, g);
            top.activation.backward(z, y, g, delta);
        }
        let mut ok = true;
        for p in (0..=last).rev() {
            let pair = self.pairs[p];
            let (lower, here) = self.delta.split_at_mut(pair.at);
            let (input, grad_a) = match p {
                0 => (x, None),
                _ => (
                    &self.a[self.pairs[p - 1].units()],
                    Some(&mut self.grad[..pair.inputs]),
                ),
            };
            let (next_w, next_b) = &mut self.next[p];
            ok &=
                dense(net, p).step_into(input, &here[..pair.outputs], rule, grad_a, next_w, next_b);
            if p > 0 {
                // δ of the pair below: its ∂L/∂a times f′.
                let below = self.pairs[p - 1];
                below.activation.backward(
                    &self.z[below.units()],
                    &self.a[below.units()],
                    &self.grad[..below.outputs],
                    &mut lower[below.at..],
                );
            }
        }
        if ok {
            for (p, (w, b)) in self.next.iter_mut().enumerate() {
                if let Layer::Dense(d) = &mut net.layers[2 * p] {
                    exchange(&mut d.weights, w);
                    exchange(&mut d.biases, b);
                }
            }
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::test_util::random_vec;
    use crate::engine::Workspace;
    use crate::init::{self, Init};
    use crate::rng::Rng;

    /// A random fully connected net: 1–3 inputs, 1–3 hidden pairs of 1–6 units with any
    /// element-wise activation, and an output for each loss.
    fn random_net(rng: &mut Rng) -> Net {
        use Activation::*;
        let hidden = [Sigmoid, Tanh, Relu, LeakyRelu, Linear];
        let mut sizes = vec![1 + rng.below(3)];
        let mut acts = vec![];
        for _ in 0..1 + rng.below(3) {
            sizes.push(1 + rng.below(6));
            acts.push(hidden[rng.below(hidden.len())]);
        }
        let (out, loss) = match rng.below(4) {
            0 => (Softmax, Loss::CrossEntropy),
            1 => (hidden[rng.below(hidden.len())], Loss::Mse),
            2 => (Softmax, Loss::HalfSse),
            _ => (hidden[rng.below(hidden.len())], Loss::HalfSse),
        };
        sizes.push(if out == Softmax {
            2 + rng.below(3)
        } else {
            1 + rng.below(3)
        });
        acts.push(out);
        let init = [Init::Xavier, Init::He, Init::Uniform][rng.below(3)];
        init::network(&sizes, &acts, loss, init, rng.next_u64())
    }

    /// The engine's general step: forward, backward, check, update.
    fn general_step(net: &mut Net, x: &[f64], t: &[f64], rule: &UpdateRule) -> bool {
        let (mut ws, mut grads) = (Workspace::default(), Vec::new());
        net.forward_into(x, &mut ws);
        net.backward_params_into(x, t, &mut ws, &mut grads, false);
        let ok = net.update_stays_finite(&grads, rule);
        if ok {
            net.update(&grads, rule);
        }
        ok
    }

    /// The step as the engine computed it before the fast path (iterator sums from
    /// −0.0, f and f′ unit by unit, std's exp as natively): the reference that both
    /// paths must match bit for bit.
    fn reference_step(net: &mut Net, x: &[f64], t: &[f64], rule: &UpdateRule) -> bool {
        let layers: Vec<_> = net
            .mlp_layers()
            .map(|l| (l.dense.clone(), l.activation))
            .collect();
        let (mut zs, mut outs) = (vec![], vec![x.to_vec()]);
        for (d, act) in &layers {
            let a = outs.last().unwrap();
            let z: Vec<f64> = (0..d.outputs)
                .map(|i| d.row(i).iter().zip(a).map(|(w, a)| w * a).sum::<f64>() + d.biases[i])
                .collect();
            let y: Vec<f64> = if act.is_softmax() {
                let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = z.iter().map(|&v| (v - m).exp()).collect();
                let s: f64 = e.iter().sum();
                e.iter().map(|&v| v / s).collect()
            } else {
                z.iter().map(|&z| act.f(z)).collect()
            };
            zs.push(z);
            outs.push(y);
        }
        let last = layers.len() - 1;
        let y = &outs[last + 1];
        let mut delta: Vec<f64> = if net.loss == Loss::CrossEntropy && layers[last].1.is_softmax() {
            let st: f64 = t.iter().sum();
            y.iter().zip(t).map(|(y, t)| y * st - t).collect()
        } else {
            let n = y.len() as f64;
            let g: Vec<f64> = y
                .iter()
                .zip(t)
                .map(|(y, t)| match net.loss {
                    Loss::HalfSse => y - t,
                    Loss::Mse => 2.0 / n * (y - t),
                    Loss::CrossEntropy => -t / y,
                })
                .collect();
            backward_act(layers[last].1, &zs[last], y, &g)
        };
        let mut grads = vec![];
        for l in (0..=last).rev() {
            let (d, _) = &layers[l];
            let a = &outs[l];
            let gw: Vec<f64> = delta
                .iter()
                .flat_map(|&di| a.iter().map(move |&aj| di * aj))
                .collect();
            grads.push(crate::engine::Grads {
                weights: gw,
                biases: delta.clone(),
            });
            if l > 0 {
                let g: Vec<f64> = (0..d.inputs)
                    .map(|j| (0..d.outputs).map(|i| d.w(i, j) * delta[i]).sum::<f64>())
                    .collect();
                delta = backward_act(layers[l - 1].1, &zs[l - 1], &outs[l], &g);
            }
        }
        grads.reverse();
        let all: Vec<crate::engine::Grads> = grads
            .into_iter()
            .flat_map(|g| [g, crate::engine::Grads::default()])
            .collect();
        let ok = net.update_stays_finite(&all, rule);
        if ok {
            net.update(&all, rule);
        }
        ok
    }

    fn backward_act(act: Activation, z: &[f64], a: &[f64], g: &[f64]) -> Vec<f64> {
        if act.is_softmax() {
            let gy: f64 = g.iter().zip(a).map(|(g, y)| g * y).sum();
            a.iter().zip(g).map(|(y, g)| y * (g - gy)).collect()
        } else {
            g.iter()
                .zip(z.iter().zip(a))
                .map(|(g, (&z, &a))| g * act.df_from(z, a))
                .collect()
        }
    }

    fn bits(net: &Net) -> Vec<u64> {
        let params = net.layers.iter().filter_map(Layer::params);
        params
            .flat_map(|(w, b)| w.iter().chain(b).map(|v| v.to_bits()))
            .collect()
    }

    #[test]
    fn the_fused_step_gives_the_engines_numbers_bit_for_bit() {
        let mut rng = Rng::new(11);
        let mut diverged = 0;
        for case in 0..400 {
            let net = random_net(&mut rng);
            let rule = UpdateRule {
                learning_rate: [0.05, 0.5, 3.0, 1e4][rng.below(4)],
                weight_decay: [0.0, 0.0, 0.01][rng.below(3)],
                freeze_biases: rng.below(4) == 0,
            };
            let data: Vec<(Vec<f64>, Vec<f64>)> = (0..5)
                .map(|k| {
                    let mut x = random_vec(&mut rng, net.inputs());
                    if k == 0 {
                        x.fill(0.0); // zeros: relu′(0) and signed zeros
                    }
                    let mut t = random_vec(&mut rng, net.outputs());
                    if net.output_activation() == Activation::Softmax {
                        t.iter_mut().for_each(|v| *v = v.abs());
                    }
                    (x, t)
                })
                .collect();
            let (mut reference, mut general, mut fast) = (net.clone(), net.clone(), net.clone());
            let mut fc = FcWorkspace::default();
            assert!(fc.fits(&fast));
            for step in 0..60 {
                let (x, t) = &data[step % data.len()];
                let r = reference_step(&mut reference, x, t, &rule);
                let a = general_step(&mut general, x, t, &rule);
                let b = fc.sgd_step(&mut fast, x, t, &rule);
                assert_eq!((r, a), (b, b), "case {case} step {step}: divergence");
                assert_eq!(bits(&reference), bits(&fast), "case {case} step {step}");
                assert_eq!(bits(&general), bits(&fast), "case {case} step {step}");
                let mut ws = Workspace::default();
                let l = general.loss_with(x, t, &mut ws);
                assert_eq!(l.to_bits(), fc.loss(&fast, x, t).to_bits(), "case {case}");
                if !a {
                    diverged += 1;
                    break;
                }
            }
        }
        assert!(diverged > 10, "some runs diverge: {diverged}");
    }

    #[test]
    fn only_fully_connected_nets_fit_and_a_reshape_refits() {
        let mut fc = FcWorkspace::default();
        let a = init::network(
            &[2, 3, 1],
            &[Activation::Tanh, Activation::Sigmoid],
            Loss::HalfSse,
            Init::Xavier,
            1,
        );
        let b = init::network(
            &[2, 4, 4, 2],
            &[Activation::Relu, Activation::Tanh, Activation::Softmax],
            Loss::CrossEntropy,
            Init::He,
            2,
        );
        assert!(fc.fits(&a) && fc.fits(&b) && fc.fits(&a));
        let mut cnn = a.clone();
        cnn.layers.insert(0, Layer::Flatten);
        assert!(!fc.fits(&cnn));
    }
}
