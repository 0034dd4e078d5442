//! One flat index over every parameter of a net (layer by layer, each layer's weights
//! in their flat order, then its biases), so generic code such as the gradient check
//! can read, nudge and name any conv or dense parameter.

use super::layer::{Grads, Layer};
use super::net::Net;
use super::validate::nested_index;

/// Where one parameter sits: which layer, and which weight or bias (flat index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    Weight { layer: usize, index: usize },
    Bias { layer: usize, index: usize },
}

/// The nesting of a layer's weights in the fixtures: [o][c][k][k] or [units][inputs].
pub fn weight_dims(layer: &Layer) -> Vec<usize> {
    match layer {
        Layer::Conv(c) => vec![c.out_channels, c.in_channels, c.kernel, c.kernel],
        Layer::Dense(d) => vec![d.outputs, d.inputs],
        _ => Vec::new(),
    }
}

impl Net {
    /// Number of weights and biases in the whole net.
    pub fn param_count(&self) -> usize {
        self.layers.iter().map(Layer::param_count).sum()
    }

    /// Where flat parameter k sits (k < [`Net::param_count`]).
    pub fn locate(&self, mut k: usize) -> Param {
        for (layer, l) in self.layers.iter().enumerate() {
            if let Some((w, b)) = l.params() {
                if k < w.len() {
                    return Param::Weight { layer, index: k };
                }
                k -= w.len();
                if k < b.len() {
                    return Param::Bias { layer, index: k };
                }
                k -= b.len();
            }
        }
        panic!(
            "parameter index out of range: the net has {}",
            self.param_count()
        );
    }

    /// The value of a parameter.
    pub fn param(&self, p: Param) -> f64 {
        match p {
            Param::Weight { layer, index } => self.layers[layer].params().unwrap().0[index],
            Param::Bias { layer, index } => self.layers[layer].params().unwrap().1[index],
        }
    }

    /// Sets a parameter.
    pub fn set_param(&mut self, p: Param, v: f64) {
        match p {
            Param::Weight { layer, index } => self.layers[layer].params_mut().unwrap().0[index] = v,
            Param::Bias { layer, index } => self.layers[layer].params_mut().unwrap().1[index] = v,
        }
    }

    /// The fixture-style name of a parameter: `layers[0].weights[1][0][2][2]`.
    pub fn param_name(&self, p: Param) -> String {
        match p {
            Param::Weight { layer, index } => format!(
                "layers[{layer}].weights{}",
                nested_index(index, &weight_dims(&self.layers[layer]))
            ),
            Param::Bias { layer, index } => format!("layers[{layer}].biases[{index}]"),
        }
    }
}

/// ∂L/∂(parameter p) from the gradients of a backward pass.
pub fn grad_of(grads: &[Grads], p: Param) -> f64 {
    match p {
        Param::Weight { layer, index } => grads[layer].weights[index],
        Param::Bias { layer, index } => grads[layer].biases[index],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Conv, Dense, Shape};
    use crate::loss::Loss;

    #[test]
    fn flat_index_walks_weights_then_biases_layer_by_layer() {
        let mut net = Net {
            input_shape: Shape::map(1, 3, 3),
            layers: vec![
                Layer::Conv(Conv::zeros(1, 2, 2, 1, 0)),
                Layer::Flatten,
                Layer::Dense(Dense::zeros(8, 2)),
            ],
            loss: Loss::Mse,
        };
        assert_eq!(net.param_count(), 8 + 2 + 16 + 2);
        assert_eq!(net.locate(9), Param::Bias { layer: 0, index: 1 });
        assert_eq!(net.locate(10), Param::Weight { layer: 2, index: 0 });
        let p = net.locate(7);
        assert_eq!(net.param_name(p), "layers[0].weights[1][0][1][1]");
        net.set_param(p, 2.5);
        assert_eq!(net.param(p), 2.5);
        assert_eq!(net.param_name(net.locate(25)), "layers[2].weights[1][7]");
    }
}
