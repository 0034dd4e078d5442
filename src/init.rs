//! Weight initialisation from a seed: uniform, Xavier (Glorot) or He.

use crate::activation::Activation;
use crate::engine::Net;
use crate::loss::Loss;
use crate::network::{MlpSpec, MlpSpecLayer};
use crate::rng::Rng;
use crate::vocab::named;
use serde::Serialize;

/// How the starting weights are drawn; biases start at 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Init {
    /// U(−0.5, 0.5).
    Uniform,
    /// U(−r, r), r = √(6 / (fan_in + fan_out)): keeps sigmoid/tanh signals in range.
    #[default]
    Xavier,
    /// N(0, 2 / fan_in): keeps ReLU signals in range.
    He,
}

named!(Init, Init, [Uniform => "uniform", Xavier => "xavier", He => "he"]);

impl Init {
    /// How the menu writes it.
    pub fn label(self) -> &'static str {
        match self {
            Init::Uniform => "U(−0.5, 0.5)",
            Init::Xavier => "Xavier",
            Init::He => "He",
        }
    }

    /// One weight for a unit with the given fan-in and fan-out.
    pub fn draw(self, rng: &mut Rng, fan_in: usize, fan_out: usize) -> f64 {
        match self {
            Init::Uniform => rng.uniform(-0.5, 0.5),
            Init::Xavier => {
                let r = (6.0 / (fan_in + fan_out) as f64).sqrt();
                rng.uniform(-r, r)
            }
            Init::He => rng.normal() * (2.0 / fan_in as f64).sqrt(),
        }
    }
}

/// A network of the given sizes (input first) and per-layer activations, weights drawn
/// from `seed`: the same seed always gives the same network.
pub fn network(
    sizes: &[usize],
    activations: &[Activation],
    loss: Loss,
    init: Init,
    seed: u64,
) -> Net {
    let mut rng = Rng::new(seed);
    let layers = sizes
        .windows(2)
        .zip(activations)
        .map(|(w, &activation)| {
            let (fan_in, width) = (w[0], w[1]);
            MlpSpecLayer {
                activation,
                weights: (0..width)
                    .map(|_| {
                        (0..fan_in)
                            .map(|_| init.draw(&mut rng, fan_in, width))
                            .collect()
                    })
                    .collect(),
                biases: vec![0.0; width],
            }
        })
        .collect();
    MlpSpec { layers, loss }.into_net()
}
