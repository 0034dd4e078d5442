//! Checking reference fixtures (step and train) as `fixtures/README.md` defines them:
//! every expected number, `|got − exp| ≤ tol · max(1, |exp|)`.

use crate::dataset::Dataset;
use crate::json::{self, field, join, Value};
use crate::network::{Network, UpdateRule};
use crate::problem::{self, Problem};
use crate::train::{dataset_loss, Config, Trainer};

/// The outcome of one fixture.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub name: String,
    /// Numbers compared.
    pub compared: usize,
    /// Largest |got − exp| / max(1, |exp|) over all numbers.
    pub worst: f64,
    /// Where the worst deviation is.
    pub worst_at: String,
    pub tolerance: f64,
    /// The first few numbers out of tolerance.
    pub failures: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.compared > 0
    }
}

pub(crate) struct Compare {
    report: Report,
}

impl Compare {
    fn new(name: &str, tolerance: f64) -> Self {
        Compare {
            report: Report {
                name: name.to_string(),
                compared: 0,
                worst: 0.0,
                worst_at: String::new(),
                tolerance,
                failures: Vec::new(),
            },
        }
    }

    pub(crate) fn num(&mut self, at: &str, got: f64, exp: &Value) -> Result<(), String> {
        let exp = json::number(exp, at)?;
        let r = &mut self.report;
        r.compared += 1;
        let dev = (got - exp).abs() / exp.abs().max(1.0);
        if dev > r.worst || !dev.is_finite() {
            r.worst = if dev.is_finite() { dev } else { f64::INFINITY };
            r.worst_at = at.to_string();
        }
        if dev.is_nan() || dev > r.tolerance {
            if r.failures.len() < 5 {
                r.failures
                    .push(format!("{at}: got {got:?}, expected {exp:?}"));
            } else if r.failures.len() == 5 {
                r.failures.push("…".into());
            }
        }
        Ok(())
    }

    pub(crate) fn vec(&mut self, at: &str, got: &[f64], exp: &Value) -> Result<(), String> {
        let e = json::array(exp, at)?;
        if e.len() != got.len() {
            return Err(format!(
                "{at}: {} values expected, the engine has {}",
                e.len(),
                got.len()
            ));
        }
        for (i, (g, x)) in got.iter().zip(e).enumerate() {
            self.num(&format!("{at}[{i}]"), *g, x)?;
        }
        Ok(())
    }

    fn mat(&mut self, at: &str, got: &[Vec<f64>], exp: &Value) -> Result<(), String> {
        let e = json::array(exp, at)?;
        if e.len() != got.len() {
            return Err(format!(
                "{at}: {} rows expected, the engine has {}",
                e.len(),
                got.len()
            ));
        }
        for (i, (g, x)) in got.iter().zip(e).enumerate() {
            self.vec(&format!("{at}[{i}]"), g, x)?;
        }
        Ok(())
    }

    fn layers(&mut self, at: &str, net: &Network, exp: &Value) -> Result<(), String> {
        let e = json::array(exp, at)?;
        if e.len() != net.layers.len() {
            return Err(format!(
                "{at}: {} layers expected, the network has {}",
                e.len(),
                net.layers.len()
            ));
        }
        for (l, (layer, x)) in net.layers.iter().zip(e).enumerate() {
            let lat = format!("{at}[{l}]");
            self.mat(
                &join(&lat, "weights"),
                &layer.weights,
                field(x, "weights", &lat)?,
            )?;
            self.vec(
                &join(&lat, "biases"),
                &layer.biases,
                field(x, "biases", &lat)?,
            )?;
        }
        Ok(())
    }
}

/// Checks a fixture given as JSON text; `Err` means the file itself is unusable.
pub fn check_text(text: &str) -> Result<Report, String> {
    check(&json::parse(text)?)
}

/// Checks a parsed fixture: a CNN step fixture if its `kind` is `cnn_step`, a train
/// fixture if it has `dataset`, else a step fixture.
pub fn check(v: &Value) -> Result<Report, String> {
    let name = json::opt(v, "name")
        .and_then(Value::as_str)
        .unwrap_or("(unnamed)");
    let tolerance = json::number(field(v, "tolerance", "")?, "tolerance")?;
    if tolerance.is_nan() || tolerance <= 0.0 {
        return Err(format!("tolerance: {tolerance} must be above 0"));
    }
    let mut c = Compare::new(name, tolerance);
    let expected = field(v, "expected", "")?;
    if json::opt(v, "kind").and_then(Value::as_str) == Some("cnn_step") {
        crate::engine::check::check_cnn(v, expected, &mut c)?;
    } else if json::opt(v, "dataset").is_some() {
        check_train(v, expected, &mut c)?;
    } else {
        check_step(v, expected, &mut c)?;
    }
    Ok(c.report)
}

fn check_step(v: &Value, exp: &Value, c: &mut Compare) -> Result<(), String> {
    let p = Problem::from_value(v, "")?;
    let pass = p.pass();
    let layers_at = "expected.layers";
    let el = json::array(field(exp, "layers", "expected")?, layers_at)?;
    if el.len() != pass.depth() {
        return Err(format!(
            "{layers_at}: {} layers expected, the network has {}",
            el.len(),
            pass.depth()
        ));
    }
    for (l, x) in el.iter().enumerate() {
        let at = format!("{layers_at}[{l}]");
        let g = &pass.grads[l];
        c.vec(&join(&at, "z"), &pass.forward.z[l], field(x, "z", &at)?)?;
        c.vec(&join(&at, "a"), &pass.forward.a[l], field(x, "a", &at)?)?;
        c.vec(&join(&at, "delta"), &g.delta, field(x, "delta", &at)?)?;
        c.mat(
            &join(&at, "grad_weights"),
            &g.weights,
            field(x, "grad_weights", &at)?,
        )?;
        c.vec(
            &join(&at, "grad_biases"),
            &g.biases,
            field(x, "grad_biases", &at)?,
        )?;
    }
    c.num("expected.loss", pass.loss, field(exp, "loss", "expected")?)?;
    c.layers(
        "expected.updated_layers",
        &pass.updated,
        field(exp, "updated_layers", "expected")?,
    )?;
    c.num(
        "expected.loss_after_step",
        pass.loss_after,
        field(exp, "loss_after_step", "expected")?,
    )?;
    Ok(())
}

/// Reads `{inputs, targets}` and checks them against the network.
pub fn dataset_from_value(v: &Value, at: &str, net: &Network) -> Result<Dataset, String> {
    let inputs = json::matrix(field(v, "inputs", at)?, &join(at, "inputs"))?;
    let targets = json::matrix(field(v, "targets", at)?, &join(at, "targets"))?;
    if inputs.is_empty() {
        return Err(format!("{}: no examples", join(at, "inputs")));
    }
    if inputs.len() != targets.len() {
        return Err(format!(
            "{at}: {} inputs but {} targets",
            inputs.len(),
            targets.len()
        ));
    }
    for (k, (x, t)) in inputs.iter().zip(&targets).enumerate() {
        net.validate_example(x, t).map_err(|e| {
            let e = e.replacen("input", &format!("{at}.inputs[{k}]"), 1);
            e.replacen("target:", &format!("{at}.targets[{k}]:"), 1)
        })?;
    }
    Ok(Dataset { inputs, targets })
}

fn check_train(v: &Value, exp: &Value, c: &mut Compare) -> Result<(), String> {
    let net = problem::network_from_value(field(v, "network", "")?, "network", None)?;
    let data = dataset_from_value(field(v, "dataset", "")?, "dataset", &net)?;
    let lr = json::number(field(v, "learning_rate", "")?, "learning_rate")?;
    problem::check_rate(lr, "learning_rate")?;
    let mode = json::string(field(v, "mode", "")?, "mode")?;
    if mode != "online" {
        return Err(format!(
            "mode: \"{}\" is not supported (expected \"online\")",
            json::clip(mode)
        ));
    }
    let steps = json::count(field(v, "steps", "")?, "steps")?;
    let n = data.len();
    if steps % n != 0 {
        return Err(format!(
            "steps: {steps} is not a whole number of epochs of {n} examples"
        ));
    }
    c.num(
        "expected.initial_loss",
        dataset_loss(&net, &data),
        field(exp, "initial_loss", "expected")?,
    )?;
    let config = Config {
        rule: UpdateRule::sgd(lr),
        batch_size: 1,
    };
    let mut trainer = Trainer::new(
        net,
        data,
        Dataset {
            inputs: vec![],
            targets: vec![],
        },
        config,
    );
    let losses = json::array(field(exp, "losses", "expected")?, "expected.losses")?;
    if losses.len() != steps / n {
        return Err(format!(
            "expected.losses: {} entries, expected {} (one per epoch)",
            losses.len(),
            steps / n
        ));
    }
    for (e, x) in losses.iter().enumerate() {
        for _ in 0..n {
            if !trainer.step() {
                return Err(format!("training diverged at step {}", trainer.updates));
            }
        }
        c.num(&format!("expected.losses[{e}]"), trainer.train_loss(), x)?;
    }
    c.layers(
        "expected.final_layers",
        &trainer.network,
        field(exp, "final_layers", "expected")?,
    )?;
    Ok(())
}
