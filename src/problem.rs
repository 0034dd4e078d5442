//! A problem: a network, one example (input and target) and how to update; read from
//! the fixture shape `{network, input, target, learning_rate}` with every rule checked.

use crate::activation::Activation;
use crate::engine::Net;
use crate::error::{Error, ErrorKind};
use crate::json::Value;
use crate::json::{self, field, join, opt};
use crate::loss::Loss;
use crate::network::{MlpSpec, MlpSpecLayer, UpdateRule};
use crate::pass::Pass;
use crate::vocab::Named;
use serde::Serialize;

/// Everything one pass needs: the network, one example and how to update. Written as
/// the fixtures write it, a CNN with `kind: "cnn_step"` and its input nested C×H×W.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub net: Net,
    /// x, flat (C-order for an image).
    pub input: Vec<f64>,
    pub target: Vec<f64>,
    pub learning_rate: f64,
    /// λ of the L2 term (0 = none).
    pub weight_decay: f64,
    /// Keep the biases fixed during the update (Mazur's own variant).
    pub freeze_biases: bool,
}

impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        let cnn = !self.net.is_mlp();
        if cnn {
            m.serialize_entry("kind", "cnn_step")?;
        }
        m.serialize_entry("network", &self.net)?;
        let dims = self.net.input_shape.dims();
        m.serialize_entry(
            "input",
            &crate::engine::shape::Nested {
                data: &self.input,
                dims: &dims,
            },
        )?;
        m.serialize_entry("target", &self.target)?;
        m.serialize_entry("learning_rate", &self.learning_rate)?;
        if self.weight_decay != 0.0 {
            m.serialize_entry("weight_decay", &self.weight_decay)?;
        }
        if self.freeze_biases {
            m.serialize_entry("freeze_biases", &true)?;
        }
        m.end()
    }
}

/// Largest learning rate accepted (larger ones are refused, not diverged).
pub const MAX_LEARNING_RATE: f64 = 1e6;

impl Problem {
    /// The update rule of this problem.
    pub fn rule(&self) -> UpdateRule {
        UpdateRule {
            learning_rate: self.learning_rate,
            weight_decay: self.weight_decay,
            freeze_biases: self.freeze_biases,
        }
    }

    /// Runs the pass.
    pub fn pass(&self) -> Pass {
        Pass::run(&self.net, &self.input, &self.target, self.rule())
    }

    /// Checks every rule; the message says what and where.
    pub fn validate(&self) -> Result<(), Error> {
        // A fully connected network is checked in its own terms (layer l, its weights
        // row by row); any other on the engine's layers.
        if self.net.is_mlp() {
            crate::network::MlpSpec::of(&self.net).validate_for(Some(self.input.len()))?;
        } else {
            self.net.validate()?;
        }
        self.net.validate_example(&self.input, &self.target)?;
        check_rate(self.learning_rate, "learning_rate")?;
        check_decay(self.weight_decay, "weight_decay")
    }

    /// True when `v` is written in the shape of `fixtures/cnn` (`kind: "cnn_step"`, or a
    /// network with an `input_shape` and typed layers).
    pub fn is_cnn_value(v: &Value) -> bool {
        opt(v, "kind").is_some()
            || opt(v, "network").is_some_and(|n| opt(n, "input_shape").is_some())
    }

    /// Reads the fixture shape, fully connected or `kind: "cnn_step"` (extra fields such
    /// as `expected` are ignored).
    pub fn from_value(v: &Value, at: &str) -> Result<Problem, Error> {
        // The first wasm module reads no CNN: the full one reads it, and says what is
        // wrong with it in the same words (so the CNN reader stays out of the first).
        #[cfg(not(feature = "full"))]
        if Problem::is_cnn_value(v) {
            return Err(Error::new(ErrorKind::NeedsFullLab));
        }
        let (network, input) = if Problem::is_cnn_value(v) {
            crate::engine::format::net_and_input(v, at)?
        } else {
            // The network is checked first, with the input's length when it is readable.
            let input = field(v, "input", at).and_then(|x| json::vector(x, &join(at, "input")));
            let n_in = input.as_ref().ok().filter(|x| !x.is_empty()).map(Vec::len);
            let network = network_from_value(field(v, "network", at)?, &join(at, "network"), n_in)?;
            (network, input?)
        };
        let target = json::vector(field(v, "target", at)?, &join(at, "target"))?;
        let learning_rate =
            json::number(field(v, "learning_rate", at)?, &join(at, "learning_rate"))?;
        let weight_decay = match opt(v, "weight_decay") {
            Some(x) => json::number(x, &join(at, "weight_decay"))?,
            None => 0.0,
        };
        let freeze_biases = match opt(v, "freeze_biases") {
            Some(x) => json::boolean(x, &join(at, "freeze_biases"))?,
            None => false,
        };
        let p = Problem {
            net: network,
            input,
            target,
            learning_rate,
            weight_decay,
            freeze_biases,
        };
        p.validate()?;
        Ok(p)
    }
}

/// A learning rate must be a positive finite number no larger than [`MAX_LEARNING_RATE`].
pub fn check_rate(lr: f64, at: &str) -> Result<(), Error> {
    if !lr.is_finite() || lr <= 0.0 || lr > MAX_LEARNING_RATE {
        return Err(Error::at(
            at,
            ErrorKind::LearningRate {
                value: lr,
                max: MAX_LEARNING_RATE,
            },
        ));
    }
    Ok(())
}

/// Largest L2 weight decay λ accepted.
pub const MAX_WEIGHT_DECAY: f64 = 1e3;

/// λ must be a finite number from 0 to [`MAX_WEIGHT_DECAY`].
pub fn check_decay(v: f64, at: &str) -> Result<(), Error> {
    if !(v.is_finite() && (0.0..=MAX_WEIGHT_DECAY).contains(&v)) {
        return Err(Error::at(
            at,
            ErrorKind::OutOfRange {
                value: v,
                min: 0.0,
                max: MAX_WEIGHT_DECAY,
            },
        ));
    }
    Ok(())
}

/// Reads `{layers: [{activation, weights, biases}], loss}` and validates it.
pub fn network_from_value(v: &Value, at: &str, inputs: Option<usize>) -> Result<Net, Error> {
    let layers_at = join(at, "layers");
    let layers = json::array(field(v, "layers", at)?, &layers_at)?
        .iter()
        .enumerate()
        .map(|(l, lv)| {
            let lat = format!("{layers_at}[{l}]");
            let act = json::string(field(lv, "activation", &lat)?, &join(&lat, "activation"))?;
            Ok(MlpSpecLayer {
                activation: Activation::parse(act)
                    .map_err(|e| e.or_at(&join(&lat, "activation")))?,
                weights: json::matrix(field(lv, "weights", &lat)?, &join(&lat, "weights"))?,
                biases: json::vector(field(lv, "biases", &lat)?, &join(&lat, "biases"))?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let loss_at = join(at, "loss");
    let loss = Loss::parse(json::string(field(v, "loss", at)?, &loss_at)?)
        .map_err(|e| e.or_at(&loss_at))?;
    let spec = MlpSpec { layers, loss };
    let place = |mut e: Error| {
        // Validation names `network.…`; this network may sit elsewhere in the file.
        if let Some(rest) = e.at.strip_prefix("network") {
            e.at = format!("{at}{rest}");
        }
        e
    };
    spec.validate_for(inputs).map_err(place)?;
    let net = spec.into_net();
    net.validate().map_err(place)?;
    Ok(net)
}
