//! The editor: a student's change to the problem (a weight, an input, the learning
//! rate, an activation), checked before it counts. An edit makes a new problem or an
//! error; the old problem is never half changed.

use crate::activation::Activation;
use crate::engine::Param;
use crate::error::{Error, ErrorKind, Thing};
use crate::loss::Loss;
use crate::network::check_value;
use crate::notation::Notation;
use crate::problem::{self, Problem};

/// One change to the problem; indices 0-based.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Edit {
    /// W(layer)_unit,input = value.
    Weight {
        layer: usize,
        unit: usize,
        input: usize,
        value: f64,
    },
    /// b(layer)_unit = value.
    Bias {
        layer: usize,
        unit: usize,
        value: f64,
    },
    /// x_j = value.
    Input { index: usize, value: f64 },
    /// t_i = value.
    Target { index: usize, value: f64 },
    /// η.
    LearningRate(f64),
    /// λ of the L2 term.
    WeightDecay(f64),
    /// The activation of a layer; on the output layer, softmax brings cross-entropy (and
    /// a one-hot target), and leaving softmax brings back ½ Σ (t − y)².
    Activation {
        layer: usize,
        activation: Activation,
    },
    /// Any parameter of the engine's layers (a CNN's kernel weights and biases).
    Param { param: Param, value: f64 },
}

impl Edit {
    /// W(l)_ij = v.
    pub fn weight(layer: usize, unit: usize, input: usize, value: f64) -> Edit {
        Edit::Weight {
            layer,
            unit,
            input,
            value,
        }
    }

    /// b(l)_i = v.
    pub fn bias(layer: usize, unit: usize, value: f64) -> Edit {
        Edit::Bias { layer, unit, value }
    }
}

/// `p` with `edit` made, checked; `Err` leaves nothing changed.
pub fn apply(p: &Problem, edit: Edit) -> Result<Problem, Error> {
    let mut q = p.clone();
    let mlp_only = matches!(
        edit,
        Edit::Weight { .. } | Edit::Bias { .. } | Edit::Activation { .. }
    );
    if mlp_only && !q.net.is_mlp() {
        return Err(Error::new(ErrorKind::NeedsMlp));
    }
    let n = Notation::plain(4);
    let missing = |at: String, thing| Error::at(at, ErrorKind::NoSuchParameter { thing });
    match edit {
        Edit::Weight {
            layer,
            unit,
            input,
            value,
        } => {
            let at = n.w(layer, unit, input);
            check_value(value, &at)?;
            let slot = q
                .net
                .dense_mut(layer)
                .filter(|d| unit < d.outputs && input < d.inputs)
                .map(|d| &mut d.weights[unit * d.inputs + input]);
            *slot.ok_or_else(|| missing(at, Thing::Weight))? = value;
        }
        Edit::Bias { layer, unit, value } => {
            let at = n.b(layer, unit);
            check_value(value, &at)?;
            let slot = q.net.dense_mut(layer).and_then(|d| d.biases.get_mut(unit));
            *slot.ok_or_else(|| missing(at, Thing::Bias))? = value;
        }
        Edit::Input { index, value } => {
            let at = n.x(index);
            check_value(value, &at)?;
            *q.input
                .get_mut(index)
                .ok_or_else(|| missing(at, Thing::Input))? = value;
        }
        Edit::Target { index, value } => {
            let at = n.t(index);
            check_value(value, &at)?;
            *q.target
                .get_mut(index)
                .ok_or_else(|| missing(at, Thing::Target))? = value;
        }
        Edit::LearningRate(v) => {
            problem::check_rate(v, "η")?;
            q.learning_rate = v;
        }
        Edit::WeightDecay(v) => {
            problem::check_decay(v, "λ")?;
            q.weight_decay = v;
        }
        Edit::Activation { layer, activation } => set_activation(&mut q, layer, activation)?,
        Edit::Param { param, value } => {
            let at = crate::view::cnn::param_symbol(&q.net, param);
            check_value(value, &at)?;
            let exists = q
                .net
                .layers
                .get(param_layer(param))
                .and_then(|l| l.params())
                .is_some_and(|(w, b)| match param {
                    Param::Weight { index, .. } => index < w.len(),
                    Param::Bias { index, .. } => index < b.len(),
                });
            if !exists {
                return Err(Error::new(ErrorKind::NoSuchParameter {
                    thing: Thing::Weight,
                }));
            }
            q.net.set_param(param, value);
        }
    }
    q.validate()?;
    Ok(q)
}

/// The engine layer a parameter belongs to.
fn param_layer(p: Param) -> usize {
    match p {
        Param::Weight { layer, .. } | Param::Bias { layer, .. } => layer,
    }
}

/// The activation of layer `l`, with the loss that goes with it on the output layer.
fn set_activation(p: &mut Problem, l: usize, act: Activation) -> Result<(), Error> {
    let depth = p.net.depth();
    let slot = p.net.activation_mut(l).ok_or_else(|| {
        Error::new(ErrorKind::NoSuch {
            thing: Thing::Layer,
            index: l,
            count: depth,
        })
    })?;
    *slot = act;
    if l + 1 == depth {
        if act.is_softmax() && p.net.loss != Loss::CrossEntropy {
            p.net.loss = Loss::CrossEntropy;
            // The one-hot target of the largest target value.
            let k = p
                .target
                .iter()
                .enumerate()
                .fold((0, f64::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b })
                .0;
            for (i, t) in p.target.iter_mut().enumerate() {
                *t = if i == k { 1.0 } else { 0.0 };
            }
        } else if !act.is_softmax() && p.net.loss == Loss::CrossEntropy {
            p.net.loss = Loss::HalfSse;
        }
    }
    Ok(())
}
