//! A problem: a network, one example (input and target) and how to update; read from
//! the fixture shape `{network, input, target, learning_rate}` with every rule checked.

use crate::activation::Activation;
use crate::json::Value;
use crate::json::{self, field, join, opt};
use crate::loss::Loss;
use crate::network::{Layer, Network, UpdateRule};
use crate::pass::Pass;
use serde::Serialize;

/// Everything one pass needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub network: Network,
    pub input: Vec<f64>,
    pub target: Vec<f64>,
    pub learning_rate: f64,
    /// λ of the L2 term (0 = none).
    #[serde(skip_serializing_if = "is_zero")]
    pub weight_decay: f64,
    /// Keep the biases fixed during the update (Mazur's own variant).
    #[serde(skip_serializing_if = "is_false")]
    pub freeze_biases: bool,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_false(b: &bool) -> bool {
    !*b
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
        Pass::run(&self.network, &self.input, &self.target, self.rule())
    }

    /// Checks every rule; the message says what and where.
    pub fn validate(&self) -> Result<(), String> {
        self.network.validate()?;
        self.network.validate_example(&self.input, &self.target)?;
        check_rate(self.learning_rate, "learning_rate")?;
        if !(self.weight_decay.is_finite() && (0.0..=1e3).contains(&self.weight_decay)) {
            return Err(format!(
                "weight_decay: {} is out of range (0 to 1000)",
                self.weight_decay
            ));
        }
        Ok(())
    }

    /// Reads the fixture shape (extra fields such as `expected` are ignored).
    pub fn from_value(v: &Value, at: &str) -> Result<Problem, String> {
        // The network is checked first, with the input's length when it is readable.
        let input = field(v, "input", at).and_then(|x| json::vector(x, &join(at, "input")));
        let n_in = input.as_ref().ok().filter(|x| !x.is_empty()).map(Vec::len);
        let network = network_from_value(field(v, "network", at)?, &join(at, "network"), n_in)?;
        let input = input?;
        let target = json::vector(field(v, "target", at)?, &join(at, "target"))?;
        let learning_rate =
            json::number(field(v, "learning_rate", at)?, &join(at, "learning_rate"))?;
        let weight_decay = match opt(v, "weight_decay") {
            Some(x) => json::number(x, &join(at, "weight_decay"))?,
            None => 0.0,
        };
        let freeze_biases = match opt(v, "freeze_biases") {
            Some(x) => x
                .as_bool()
                .ok_or_else(|| format!("{}: expected true or false", join(at, "freeze_biases")))?,
            None => false,
        };
        let p = Problem {
            network,
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
pub fn check_rate(lr: f64, at: &str) -> Result<(), String> {
    if !lr.is_finite() || lr <= 0.0 || lr > MAX_LEARNING_RATE {
        return Err(format!(
            "{at}: {lr} is not a usable learning rate (expected a number above 0 and at most {MAX_LEARNING_RATE:e})"
        ));
    }
    Ok(())
}

/// Reads `{layers: [{activation, weights, biases}], loss}` and validates it.
pub fn network_from_value(v: &Value, at: &str, inputs: Option<usize>) -> Result<Network, String> {
    let layers_at = join(at, "layers");
    let layers = json::array(field(v, "layers", at)?, &layers_at)?
        .iter()
        .enumerate()
        .map(|(l, lv)| {
            let lat = format!("{layers_at}[{l}]");
            let act = json::string(field(lv, "activation", &lat)?, &join(&lat, "activation"))?;
            Ok(Layer {
                activation: Activation::parse(act)
                    .map_err(|e| format!("{}: {e}", join(&lat, "activation")))?,
                weights: json::matrix(field(lv, "weights", &lat)?, &join(&lat, "weights"))?,
                biases: json::vector(field(lv, "biases", &lat)?, &join(&lat, "biases"))?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let loss_at = join(at, "loss");
    let loss = Loss::parse(json::string(field(v, "loss", at)?, &loss_at)?)
        .map_err(|e| format!("{loss_at}: {e}"))?;
    let net = Network { layers, loss };
    net.validate_for(inputs).map_err(|e| {
        e.replacen("network.", &format!("{}.", at), 1)
            .replacen("network:", &format!("{at}:"), 1)
    })?;
    Ok(net)
}
