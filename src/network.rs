//! A fully connected network as the lecture notes write it: layers l = 1..L, each a
//! weighted sum z(l) = W(l) a(l−1) + b(l) and its activation a(l) = f(z(l)). It is the
//! engine of layers with dense and activation layers in turn ([`crate::engine`]):
//! layer l is engine layers 2l (dense) and 2l + 1 (activation). This module gives that
//! view ([`MlpLayer`], the W(l)_ij indexing) and reads a network written row by row.

use crate::activation::Activation;
use crate::engine::{Dense, Layer as EngineLayer, Net, Shape};
use crate::error::{Counted, Error, ErrorKind};
use crate::loss::Loss;
use crate::vocab::Named;
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

/// Widest layer (and widest input) a fully connected network may have.
pub const MAX_WIDTH: usize = 64;
/// Deepest fully connected network.
pub const MAX_DEPTH: usize = 12;
/// Largest magnitude of a weight, bias, input or target: keeps every pass finite.
pub const MAX_MAGNITUDE: f64 = 1e6;

/// `Ok` for a finite number within ±[`MAX_MAGNITUDE`]; the error is placed at `at`.
pub fn check_value(v: f64, at: &str) -> Result<(), Error> {
    check_value_at(v, || at.to_string())
}

/// [`check_value`] with the place written only for an error (validating a dataset
/// checks thousands of numbers, nearly always fine).
pub fn check_value_at(v: f64, at: impl FnOnce() -> String) -> Result<(), Error> {
    if !v.is_finite() {
        return Err(Error::at(at(), ErrorKind::NotFinite));
    }
    if v.abs() > MAX_MAGNITUDE {
        return Err(Error::at(
            at(),
            ErrorKind::TooLarge {
                value: v,
                max: MAX_MAGNITUDE,
            },
        ));
    }
    Ok(())
}

/// ‖v‖₂, the size of a gradient (the graph's labels, the gradient-size chart).
pub fn norm<'a>(v: impl IntoIterator<Item = &'a f64>) -> f64 {
    v.into_iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// How an update step changes the parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UpdateRule {
    /// η, the learning rate.
    pub learning_rate: f64,
    /// λ of the L2 term (λ/2)·Σw²: adds λ·w to each weight gradient.
    pub weight_decay: f64,
    /// Keep biases fixed (Mazur's own variant).
    pub freeze_biases: bool,
}

impl UpdateRule {
    /// Plain SGD with learning rate η, biases updated, no weight decay.
    pub fn sgd(learning_rate: f64) -> Self {
        UpdateRule {
            learning_rate,
            weight_decay: 0.0,
            freeze_biases: false,
        }
    }

    /// A weight after its step: w − η (∂L/∂w + λw).
    pub fn stepped_weight(&self, w: f64, grad: f64) -> f64 {
        w - self.learning_rate * (grad + self.weight_decay * w)
    }

    /// A bias after its step: b − η ∂L/∂b, or b itself when biases are frozen.
    pub fn stepped_bias(&self, b: f64, grad: f64) -> f64 {
        if self.freeze_biases {
            b
        } else {
            b - self.learning_rate * grad
        }
    }
}

/// Layer l of a fully connected network: its dense layer and its activation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MlpLayer<'a> {
    pub dense: &'a Dense,
    pub activation: Activation,
}

impl<'a> MlpLayer<'a> {
    /// Number of units.
    pub fn width(&self) -> usize {
        self.dense.outputs
    }

    /// Number of inputs each unit reads.
    pub fn fan_in(&self) -> usize {
        self.dense.inputs
    }

    /// W(l)_ij, the weight from unit j below to unit i.
    pub fn w(&self, i: usize, j: usize) -> f64 {
        self.dense.w(i, j)
    }

    /// Row i of W(l): the weights into unit i.
    pub fn row(&self, i: usize) -> &'a [f64] {
        self.dense.row(i)
    }

    /// b(l), one per unit.
    pub fn biases(&self) -> &'a [f64] {
        &self.dense.biases
    }

    /// W(l) row by row, written as nested lists.
    pub fn rows(&self) -> Rows<'a> {
        Rows(self.dense)
    }
}

/// A dense layer's weights written row by row (`[[W_11, W_12], [W_21, W_22]]`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rows<'a>(pub &'a Dense);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.outputs))?;
        for i in 0..self.0.outputs {
            seq.serialize_element(self.0.row(i))?;
        }
        seq.end()
    }
}

impl Net {
    /// True for a fully connected network: dense and activation layers in turn on a
    /// vector input (every network the MLP notation W(l)_ij can name).
    pub fn is_mlp(&self) -> bool {
        self.input_shape.is_vector()
            && self.layers.len().is_multiple_of(2)
            && !self.layers.is_empty()
            && self
                .layers
                .chunks(2)
                .all(|p| matches!(p, [EngineLayer::Dense(_), EngineLayer::Activation(_)]))
    }

    /// Number of layers as the notation counts them: dense + activation pairs of a
    /// fully connected network, the engine's layers otherwise.
    pub fn depth(&self) -> usize {
        if self.is_mlp() {
            self.layers.len() / 2
        } else {
            self.layers.len()
        }
    }

    /// Layer l (0-based) of a fully connected network. Panics on a CNN: the MLP views
    /// are only used for networks [`Net::is_mlp`] accepts.
    pub fn mlp(&self, l: usize) -> MlpLayer<'_> {
        match (&self.layers[2 * l], &self.layers[2 * l + 1]) {
            (EngineLayer::Dense(dense), EngineLayer::Activation(activation)) => MlpLayer {
                dense,
                activation: *activation,
            },
            _ => panic!("layer {l} is not a dense layer and its activation"),
        }
    }

    /// Every layer of a fully connected network, in order.
    pub fn mlp_layers(&self) -> impl Iterator<Item = MlpLayer<'_>> {
        (0..self.depth()).map(|l| self.mlp(l))
    }

    /// The dense layer of layer l, to change its weights.
    pub fn dense_mut(&mut self, l: usize) -> Option<&mut Dense> {
        match self.layers.get_mut(2 * l) {
            Some(EngineLayer::Dense(d)) => Some(d),
            _ => None,
        }
    }

    /// The activation of layer l, to change it.
    pub fn activation_mut(&mut self, l: usize) -> Option<&mut Activation> {
        match self.layers.get_mut(2 * l + 1) {
            Some(EngineLayer::Activation(a)) => Some(a),
            _ => None,
        }
    }

    /// Number of network inputs (values of the input blob).
    pub fn inputs(&self) -> usize {
        self.input_shape.len()
    }

    /// Number of outputs.
    pub fn outputs(&self) -> usize {
        self.output_shape().map_or(0, |s| s.len())
    }

    /// Units per layer of a fully connected network, input first: `[2, 2, 2]` for
    /// Mazur's (for a CNN, the number of values of every blob).
    pub fn sizes(&self) -> Vec<usize> {
        if !self.is_mlp() {
            return self
                .shapes()
                .map(|s| s.iter().map(|b| b.len()).collect())
                .unwrap_or_default();
        }
        std::iter::once(self.inputs())
            .chain(self.mlp_layers().map(|l| l.width()))
            .collect()
    }

    /// The activation of the last (fully connected) layer.
    pub fn output_activation(&self) -> Activation {
        match self.layers.last() {
            Some(EngineLayer::Activation(a)) => *a,
            _ => Activation::Linear,
        }
    }

    /// ½ Σ w² over all weights (the L2 penalty is λ times this).
    pub fn weight_norm_sq_half(&self) -> f64 {
        0.5 * self
            .layers
            .iter()
            .filter_map(|l| l.params())
            .flat_map(|(w, _)| w)
            .map(|w| w * w)
            .sum::<f64>()
    }

    /// A fully connected network from its layers written row by row.
    pub fn mlp_from(layers: Vec<MlpSpecLayer>, loss: Loss) -> Net {
        MlpSpec { layers, loss }.into_net()
    }
}

/// A fully connected network as files write it: for each layer its activation, its
/// weights row by row (one row per unit) and its biases. Read, checked, then made a
/// [`Net`].
#[derive(Clone, Debug, PartialEq)]
pub struct MlpSpec {
    pub layers: Vec<MlpSpecLayer>,
    pub loss: Loss,
}

/// One layer of an [`MlpSpec`]: W(l)_ij is `weights[i][j]`.
#[derive(Clone, Debug, PartialEq)]
pub struct MlpSpecLayer {
    pub activation: Activation,
    pub weights: Vec<Vec<f64>>,
    pub biases: Vec<f64>,
}

impl MlpSpecLayer {
    fn width(&self) -> usize {
        self.biases.len()
    }
}

impl MlpSpec {
    /// Number of inputs the first layer's first row reads.
    fn inputs(&self) -> usize {
        self.layers
            .first()
            .and_then(|l| l.weights.first())
            .map_or(0, Vec::len)
    }

    /// The layers of a fully connected `net`, row by row.
    pub fn of(net: &Net) -> MlpSpec {
        MlpSpec {
            layers: net
                .mlp_layers()
                .map(|l| MlpSpecLayer {
                    activation: l.activation,
                    weights: (0..l.width()).map(|i| l.row(i).to_vec()).collect(),
                    biases: l.biases().to_vec(),
                })
                .collect(),
            loss: net.loss,
        }
    }

    /// The network on the engine: a dense and an activation layer per layer. The spec
    /// must be valid ([`MlpSpec::validate_for`]).
    pub fn into_net(self) -> Net {
        let inputs = self.inputs();
        let layers = self
            .layers
            .into_iter()
            .flat_map(|l| {
                let dense = Dense {
                    inputs: l.weights.first().map_or(0, Vec::len),
                    outputs: l.biases.len(),
                    weights: l.weights.concat(),
                    biases: l.biases,
                };
                [
                    EngineLayer::Dense(dense),
                    EngineLayer::Activation(l.activation),
                ]
            })
            .collect();
        Net {
            input_shape: Shape::Vector(inputs),
            layers,
            loss: self.loss,
        }
    }

    /// As [`MlpSpec::validate`], with the number of inputs known from the example: a
    /// wrong input length is then named as that (not blamed on the first layer's rows).
    pub fn validate_for(&self, inputs: Option<usize>) -> Result<(), Error> {
        let n = self.layers.len();
        let count = |at: &str, what, got, max| {
            Err(Error::at(
                at,
                ErrorKind::Count {
                    what,
                    got,
                    min: 1,
                    max,
                },
            ))
        };
        if n == 0 || n > MAX_DEPTH {
            return count("network.layers", Counted::Layers, n, MAX_DEPTH);
        }
        // When the first layer's rows agree on a width and the input has another, the
        // input is what is wrong; when they disagree, the row that differs from the input.
        let first = self.inputs();
        let rows_agree = self.layers[0].weights.iter().all(|r| r.len() == first);
        let mut fan = first;
        if let Some(x) = inputs {
            if x != first && x > 0 && first > 0 && rows_agree {
                return Err(Error::new(ErrorKind::InputLength {
                    got: x,
                    takes: first,
                }));
            }
            if x > 0 {
                fan = x;
            }
        }
        if fan == 0 || fan > MAX_WIDTH {
            return count("network.layers[0].weights", Counted::Inputs, fan, MAX_WIDTH);
        }
        for (l, layer) in self.layers.iter().enumerate() {
            let at = format!("network.layers[{l}]");
            let w = layer.width();
            if w == 0 || w > MAX_WIDTH {
                return count(&format!("{at}.biases"), Counted::Units, w, MAX_WIDTH);
            }
            if layer.weights.len() != w {
                return Err(Error::at(
                    format!("{at}.weights"),
                    ErrorKind::Rows {
                        got: layer.weights.len(),
                        expected: w,
                    },
                ));
            }
            for (i, row) in layer.weights.iter().enumerate() {
                if row.len() != fan {
                    return Err(Error::at(
                        format!("{at}.weights"),
                        ErrorKind::RowLength {
                            row: i,
                            got: row.len(),
                            expected: fan,
                        },
                    ));
                }
                for (j, &v) in row.iter().enumerate() {
                    check_value_at(v, || format!("{at}.weights[{i}][{j}]"))?;
                }
            }
            for (i, &v) in layer.biases.iter().enumerate() {
                check_value_at(v, || format!("{at}.biases[{i}]"))?;
            }
            if layer.activation.is_softmax() {
                if l + 1 != n {
                    return Err(Error::at(
                        format!("{at}.activation"),
                        ErrorKind::SoftmaxNotLast,
                    ));
                }
                if w < 2 {
                    return Err(Error::at(
                        format!("{at}.activation"),
                        ErrorKind::SoftmaxTooSmall,
                    ));
                }
            }
            fan = w;
        }
        let last = self.layers[n - 1].activation;
        if self.loss == Loss::CrossEntropy && !last.is_softmax() {
            return Err(Error::at(
                "network.loss",
                ErrorKind::NeedsSoftmax { last: last.name() },
            ));
        }
        Ok(())
    }
}

/// Written as the fixtures write a network: a fully connected one as
/// `{layers: [{activation, weights, biases}], loss}`, any other as
/// `{input_shape, layers: [{type, …}], loss}` (`fixtures/cnn`).
impl Serialize for Net {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Row<'a> {
            activation: Activation,
            weights: Rows<'a>,
            biases: &'a [f64],
        }
        if self.is_mlp() {
            let mut st = s.serialize_struct("Network", 2)?;
            let layers: Vec<Row> = self
                .mlp_layers()
                .map(|l| Row {
                    activation: l.activation,
                    weights: l.rows(),
                    biases: l.biases(),
                })
                .collect();
            st.serialize_field("layers", &layers)?;
            st.serialize_field("loss", &self.loss)?;
            st.end()
        } else {
            let mut st = s.serialize_struct("Network", 3)?;
            st.serialize_field("input_shape", &self.input_shape)?;
            st.serialize_field("layers", &self.layers)?;
            st.serialize_field("loss", &self.loss)?;
            st.end()
        }
    }
}
