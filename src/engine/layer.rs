//! What every layer does: its output shape, its forward, its backward (∂L/∂input and
//! ∂L/∂parameters, two separate functions), and its parameters. One operation a
//! layer, Caffe style: a dense layer's activation is a layer of its own.

use super::conv::Conv;
use super::dense::Dense;
use super::pool::Pool;
use super::shape::Shape;
use crate::activation::Activation;
use crate::error::{Error, ErrorKind, ShapeError};
use crate::vocab::Named;

/// One layer of a [`super::Net`].
#[derive(Clone, Debug, PartialEq)]
pub enum Layer {
    Conv(Conv),
    MaxPool(Pool),
    AvgPool(Pool),
    /// C×H×W → C·H·W, C-order (PyTorch's `reshape`); a vector passes unchanged.
    Flatten,
    Dense(Dense),
    /// Element-wise f, or softmax over a vector (last layer only).
    Activation(Activation),
}

/// ∂L/∂W and ∂L/∂b of one layer, in the layer's own layout (empty without parameters).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grads {
    pub weights: Vec<f64>,
    pub biases: Vec<f64>,
}

/// A shape that does not fit, placed at the field of the layer to blame (none: the
/// layer itself).
fn shape_error(field: &'static str, e: ShapeError) -> Error {
    Error::at(field, ErrorKind::Shape(e))
}

impl Layer {
    /// The `type` name of the fixtures: "conv", "max_pool", "relu", …
    pub fn type_name(&self) -> &'static str {
        match self {
            Layer::Conv(_) => "conv",
            Layer::MaxPool(_) => "max_pool",
            Layer::AvgPool(_) => "avg_pool",
            Layer::Flatten => "flatten",
            Layer::Dense(_) => "dense",
            Layer::Activation(a) => a.name(),
        }
    }

    /// The output shape for this input shape, or what does not fit (placed at the
    /// layer's field to blame).
    pub fn out_shape(&self, input: Shape) -> Result<Shape, Error> {
        #[cfg(feature = "full")]
        let fit = |kernel: usize, padding: usize| {
            shape_error(
                "kernel",
                ShapeError::WindowTooLarge {
                    kernel,
                    input: input.to_string(),
                    padding,
                },
            )
        };
        #[cfg(feature = "full")]
        let map_only = |layer: &'static str| {
            shape_error(
                "",
                ShapeError::NeedsMap {
                    layer,
                    len: input.len(),
                },
            )
        };
        let flat_only = |layer: &'static str| {
            shape_error(
                "",
                ShapeError::NeedsFlatten {
                    layer,
                    input: input.to_string(),
                },
            )
        };
        match self {
            #[cfg(feature = "full")]
            Layer::Conv(c) => {
                if input.is_vector() {
                    return Err(map_only("conv"));
                }
                if c.in_channels != input.chw().0 {
                    return Err(shape_error(
                        "weights",
                        ShapeError::Channels {
                            kernel_channels: c.in_channels,
                            input: input.to_string(),
                            got: input.chw().0,
                        },
                    ));
                }
                c.out_shape(input).ok_or_else(|| fit(c.kernel, c.padding))
            }
            #[cfg(feature = "full")]
            Layer::MaxPool(p) | Layer::AvgPool(p) => {
                if input.is_vector() {
                    return Err(map_only(self.type_name()));
                }
                p.out_shape(input).ok_or_else(|| fit(p.kernel, p.padding))
            }
            #[cfg(not(feature = "full"))]
            Layer::Conv(_) | Layer::MaxPool(_) | Layer::AvgPool(_) => {
                unreachable!("a CNN in the first module")
            }
            Layer::Flatten => Ok(Shape::Vector(input.len())),
            Layer::Dense(d) => {
                if !input.is_vector() {
                    return Err(flat_only("dense"));
                }
                if d.inputs != input.len() {
                    return Err(shape_error(
                        "weights",
                        ShapeError::DenseInputs {
                            rows: d.inputs,
                            expected: input.len(),
                        },
                    ));
                }
                Ok(Shape::Vector(d.outputs))
            }
            Layer::Activation(a) => {
                if a.is_softmax() && !input.is_vector() {
                    return Err(flat_only("softmax"));
                }
                Ok(input)
            }
        }
    }

    /// The layer's output for input `x` (of shape `input`) into `y`; a max pool also
    /// writes its winners into `argmax` (left empty by the other layers).
    // (The shapes and winners serve conv and pooling only, which the first module lacks.)
    #[cfg_attr(not(feature = "full"), allow(unused_variables))]
    pub fn forward(&self, input: Shape, x: &[f64], y: &mut Vec<f64>, argmax: &mut Vec<usize>) {
        argmax.clear();
        match self {
            #[cfg(feature = "full")]
            Layer::Conv(c) => c.forward(input, x, y),
            #[cfg(feature = "full")]
            Layer::MaxPool(p) => p.max_forward(input, x, y, argmax),
            #[cfg(feature = "full")]
            Layer::AvgPool(p) => p.avg_forward(input, x, y),
            #[cfg(not(feature = "full"))]
            Layer::Conv(_) | Layer::MaxPool(_) | Layer::AvgPool(_) => {
                unreachable!("a CNN in the first module")
            }
            Layer::Flatten => {
                y.clear();
                y.extend_from_slice(x);
            }
            Layer::Dense(d) => d.forward(x, y),
            Layer::Activation(a) => {
                y.resize(x.len(), 0.0);
                a.apply(x, y);
            }
        }
    }

    /// ∂L/∂(input) of this layer into `grad_x`, from ∂L/∂(output) `grad_y`; `x`, `y`
    /// and `argmax` are this layer's input, output and winners from the forward pass.
    // (The shapes and winners serve conv and pooling only, which the first module lacks.)
    #[cfg_attr(not(feature = "full"), allow(unused_variables))]
    pub fn backward_input(
        &self,
        input: Shape,
        x: &[f64],
        y: &[f64],
        argmax: &[usize],
        grad_y: &[f64],
        grad_x: &mut Vec<f64>,
    ) {
        match self {
            #[cfg(feature = "full")]
            Layer::Conv(c) => c.grad_input(input, grad_y, grad_x),
            #[cfg(feature = "full")]
            Layer::MaxPool(p) => p.max_backward(input, argmax, grad_y, grad_x),
            #[cfg(feature = "full")]
            Layer::AvgPool(p) => p.avg_backward(input, grad_y, grad_x),
            #[cfg(not(feature = "full"))]
            Layer::Conv(_) | Layer::MaxPool(_) | Layer::AvgPool(_) => {
                unreachable!("a CNN in the first module")
            }
            Layer::Flatten => {
                grad_x.clear();
                grad_x.extend_from_slice(grad_y);
            }
            Layer::Dense(d) => d.grad_input(grad_y, grad_x),
            Layer::Activation(a) => activation_backward(*a, x, y, grad_y, grad_x),
        }
    }

    /// ∂L/∂W and ∂L/∂b of a conv or dense layer into `grads` (added, with
    /// `accumulate`); nothing for a layer without parameters.
    // (The input shape serves conv only, which the first module lacks.)
    #[cfg_attr(not(feature = "full"), allow(unused_variables))]
    pub fn backward_params(
        &self,
        input: Shape,
        x: &[f64],
        grad_y: &[f64],
        grads: &mut Grads,
        accumulate: bool,
    ) {
        match self {
            #[cfg(feature = "full")]
            Layer::Conv(c) => c.grad_params(
                input,
                x,
                grad_y,
                &mut grads.weights,
                &mut grads.biases,
                accumulate,
            ),
            #[cfg(not(feature = "full"))]
            Layer::Conv(_) => unreachable!("a CNN in the first module"),
            Layer::Dense(d) => {
                d.grad_params(x, grad_y, &mut grads.weights, &mut grads.biases, accumulate)
            }
            _ => {}
        }
    }

    /// (weights, biases) of a conv or dense layer.
    pub fn params(&self) -> Option<(&[f64], &[f64])> {
        match self {
            Layer::Conv(c) => Some((&c.weights, &c.biases)),
            Layer::Dense(d) => Some((&d.weights, &d.biases)),
            _ => None,
        }
    }

    /// (weights, biases) of a conv or dense layer, to change them.
    pub fn params_mut(&mut self) -> Option<(&mut [f64], &mut [f64])> {
        match self {
            Layer::Conv(c) => Some((&mut c.weights, &mut c.biases)),
            Layer::Dense(d) => Some((&mut d.weights, &mut d.biases)),
            _ => None,
        }
    }

    /// Number of weights and biases (0 for a layer without parameters).
    pub fn param_count(&self) -> usize {
        self.params().map_or(0, |(w, b)| w.len() + b.len())
    }

    /// Zero gradients in this layer's parameter layout.
    pub fn zero_grads(&self) -> Grads {
        self.params().map_or_else(Grads::default, |(w, b)| Grads {
            weights: vec![0.0; w.len()],
            biases: vec![0.0; b.len()],
        })
    }

    /// Multiply-adds of one forward pass for this input shape: the work a page waits for.
    pub fn multiply_adds(&self, input: Shape, output: Shape) -> usize {
        match self {
            Layer::Conv(c) => output.len() * c.kernel_len(),
            Layer::MaxPool(p) | Layer::AvgPool(p) => output.len() * p.kernel * p.kernel,
            Layer::Dense(d) => d.inputs * d.outputs,
            Layer::Flatten | Layer::Activation(_) => input.len(),
        }
    }
}

/// ∂L/∂z of an activation layer from g = ∂L/∂a, as `crate::network` computes it:
/// g · f′ (f′ from z and a: a(1 − a) for sigmoid, 1 − a² for tanh); for softmax the
/// Jacobian, y_i (g_i − Σ_k g_k y_k).
pub fn activation_backward(
    act: Activation,
    z: &[f64],
    a: &[f64],
    g: &[f64],
    grad_z: &mut Vec<f64>,
) {
    grad_z.resize(g.len(), 0.0);
    act.backward(z, a, g, grad_z);
}
