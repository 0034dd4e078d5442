//! A fully connected `crate::network::Network` as the engine's layers: each layer
//! becomes a dense layer and its activation layer, so an MLP runs on this engine.

use super::dense::Dense;
use super::layer::Layer;
use super::net::Net;
use super::shape::Shape;
use crate::network::Network;

impl Net {
    /// The same network as dense + activation layers on a vector input: layer l of the
    /// MLP is engine layers 2l (z = W a + b) and 2l + 1 (a = f(z)).
    pub fn from_network(mlp: &Network) -> Net {
        let layers = mlp
            .layers
            .iter()
            .flat_map(|l| {
                let dense = Dense {
                    inputs: l.fan_in(),
                    outputs: l.width(),
                    weights: l.weights.concat(),
                    biases: l.biases.clone(),
                };
                [Layer::Dense(dense), Layer::Activation(l.activation)]
            })
            .collect();
        Net {
            input_shape: Shape::Vector(mlp.inputs()),
            layers,
            loss: mlp.loss,
        }
    }
}
