//! Checking reference fixtures (step and train) as `fixtures/README.md` defines them:
//! every expected number, `|got − exp| ≤ tol · max(1, |exp|)`. The engine's numbers are
//! written in the same typed shape `state()` and documents use ([`crate::view`]) and
//! compared with the fixture's `expected` block key by key.

use crate::dataset::Dataset;
use crate::engine::Net;
use crate::error::{Error, ErrorKind};
use crate::json::{self, field, join, to_value, Value};
use crate::network::UpdateRule;
use crate::problem::{self, Problem};
use crate::train::{dataset_loss, Config, Trainer};
use crate::view::{self, PassView};

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

struct Compare {
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

    fn num(&mut self, at: &str, got: f64, exp: &Value) -> Result<(), Error> {
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

    /// Compares what the engine computed (`got`, in the typed views' shape) with the
    /// fixture's `exp`, recursively: every number of `exp` against its place in `got`;
    /// fields `got` has and `exp` lacks are not checked.
    fn value(&mut self, at: &str, got: &Value, exp: &Value) -> Result<(), Error> {
        match (got, exp) {
            (Value::Number(g), _) => self.num(at, *g, exp),
            (Value::Null, Value::Null) => Ok(()),
            // A name (a layer's type) must be the same name.
            (Value::String(g), Value::String(e)) if g == e => Ok(()),
            (Value::String(g), _) => Err(Error::at(
                at,
                ErrorKind::NameMismatch {
                    expected: json::clip(exp.as_str().unwrap_or("?")),
                    got: json::clip(g),
                },
            )),
            (Value::Array(g), Value::Array(e)) => {
                if g.len() != e.len() {
                    return Err(Error::at(
                        at,
                        ErrorKind::ExpectedLength {
                            expected: e.len(),
                            got: g.len(),
                        },
                    ));
                }
                for (i, (g, e)) in g.iter().zip(e).enumerate() {
                    self.value(&format!("{at}[{i}]"), g, e)?;
                }
                Ok(())
            }
            (Value::Object(_), Value::Object(fields)) => {
                for (key, e) in fields {
                    let g = field(got, key, at)?;
                    self.value(&join(at, key), g, e)?;
                }
                Ok(())
            }
            (Value::Array(_), _) => Err(json::wrong(at, crate::error::Expected::Array, exp)),
            (Value::Object(_), _) => Err(json::wrong(at, crate::error::Expected::Object, exp)),
            // The engine wrote null where a number was expected: not finite.
            (_, Value::Number(e)) => self.num(at, f64::NAN, &Value::Number(*e)),
            _ => Err(json::wrong(at, crate::error::Expected::Number, exp)),
        }
    }
}

/// Checks a fixture given as JSON text; `Err` means the file itself is unusable.
pub fn check_text(text: &str) -> Result<Report, Error> {
    check(&json::parse(text)?)
}

/// Checks a parsed fixture: a CNN step fixture if its `kind` is `cnn_step`, a train
/// fixture if it has `dataset`, else a step fixture.
pub fn check(v: &Value) -> Result<Report, Error> {
    let name = json::opt(v, "name")
        .and_then(Value::as_str)
        .unwrap_or("(unnamed)");
    let tolerance = json::number(field(v, "tolerance", "")?, "tolerance")?;
    if tolerance.is_nan() || tolerance <= 0.0 || tolerance > 1.0 {
        return Err(Error::at(
            "tolerance",
            ErrorKind::OutOfRange {
                value: tolerance,
                min: f64::MIN_POSITIVE,
                max: 1.0,
            },
        ));
    }
    let mut c = Compare::new(name, tolerance);
    let expected = field(v, "expected", "")?;
    if json::opt(v, "kind").and_then(Value::as_str) == Some("cnn_step") {
        check_cnn(v, expected, &mut c)?;
    } else if json::opt(v, "dataset").is_some() {
        check_train(v, expected, &mut c)?;
    } else {
        check_step(v, expected, &mut c)?;
    }
    Ok(c.report)
}

fn check_step(v: &Value, exp: &Value, c: &mut Compare) -> Result<(), Error> {
    let p = Problem::from_value(v, "")?;
    // Every field the fixture format promises must be there to be compared.
    for key in ["loss", "updated_layers", "loss_after_step"] {
        field(exp, key, "expected")?;
    }
    for (l, x) in json::array(field(exp, "layers", "expected")?, "expected.layers")?
        .iter()
        .enumerate()
    {
        for key in ["z", "a", "delta", "grad_weights", "grad_biases"] {
            field(x, key, &format!("expected.layers[{l}]"))?;
        }
    }
    let pass = p.pass();
    c.value("expected", &to_value(&PassView::of(&pass)), exp)
}

/// A `cnn_step` fixture: every layer's `output`, `grad_input`, `grad_weights`,
/// `grad_biases` and `argmax` (an index off by one is far outside any tolerance), the
/// loss, the updated layers (null without parameters) and the loss after the step.
fn check_cnn(v: &Value, exp: &Value, c: &mut Compare) -> Result<(), Error> {
    let pass = Problem::from_value(v, "")?.pass();
    for key in ["layers", "loss", "updated_layers", "loss_after_step"] {
        field(exp, key, "expected")?;
    }
    for (k, x) in json::array(field(exp, "layers", "expected")?, "expected.layers")?
        .iter()
        .enumerate()
    {
        for key in ["output", "grad_input"] {
            field(x, key, &format!("expected.layers[{k}]"))?;
        }
    }
    let (dims, wdims) = (view::cnn::dims(&pass), view::cnn::weight_nesting(&pass.net));
    let got = to_value(&view::cnn::CnnPassView::of(&pass, &dims, &wdims));
    c.value("expected", &got, exp)
}

/// Reads `{inputs, targets}` and checks them against the network.
pub fn dataset_from_value(v: &Value, at: &str, net: &Net) -> Result<Dataset, Error> {
    let inputs = json::matrix(field(v, "inputs", at)?, &join(at, "inputs"))?;
    let targets = json::matrix(field(v, "targets", at)?, &join(at, "targets"))?;
    if inputs.is_empty() {
        return Err(Error::at(join(at, "inputs"), ErrorKind::NoExamples));
    }
    if inputs.len() != targets.len() {
        return Err(Error::at(
            at,
            ErrorKind::ExampleCount {
                inputs: inputs.len(),
                targets: targets.len(),
            },
        ));
    }
    for (k, (x, t)) in inputs.iter().zip(&targets).enumerate() {
        net.validate_example(x, t).map_err(|e| {
            example_error(
                e,
                &format!("{at}.inputs[{k}]"),
                &format!("{at}.targets[{k}]"),
            )
        })?;
    }
    Ok(Dataset { inputs, targets })
}

/// An example's error placed in a dataset: `input[1]` of example k is `inputs[k][1]`.
pub fn example_error(mut e: Error, inputs_at: &str, targets_at: &str) -> Error {
    let (prefix, rest) = if let Some(rest) = e.at.strip_prefix("input") {
        (inputs_at, rest.to_string())
    } else if let Some(rest) = e.at.strip_prefix("target") {
        (targets_at, rest.to_string())
    } else if matches!(e.kind, ErrorKind::InputLength { .. }) {
        (inputs_at, String::new())
    } else {
        (targets_at, String::new())
    };
    e.at = format!("{prefix}{rest}");
    e
}

fn check_train(v: &Value, exp: &Value, c: &mut Compare) -> Result<(), Error> {
    let net = problem::network_from_value(field(v, "network", "")?, "network", None)?;
    let data = dataset_from_value(field(v, "dataset", "")?, "dataset", &net)?;
    let lr = json::number(field(v, "learning_rate", "")?, "learning_rate")?;
    problem::check_rate(lr, "learning_rate")?;
    let mode = json::string(field(v, "mode", "")?, "mode")?;
    if mode != "online" {
        return Err(
            crate::vocab::unknown(crate::vocab::Vocab::Mode, mode, vec!["online"]).or_at("mode"),
        );
    }
    let steps = json::count(field(v, "steps", "")?, "steps")?;
    let n = data.len();
    if steps % n != 0 {
        return Err(Error::at(
            "steps",
            ErrorKind::NotWholeEpochs {
                steps: steps as u64,
                examples: n,
            },
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
        return Err(Error::at(
            "expected.losses",
            ErrorKind::ExpectedLength {
                expected: losses.len(),
                got: steps / n,
            },
        ));
    }
    for (e, x) in losses.iter().enumerate() {
        for _ in 0..n {
            if !trainer.step() {
                return Err(Error::new(ErrorKind::Diverged {
                    step: trainer.updates,
                }));
            }
        }
        c.num(&format!("expected.losses[{e}]"), trainer.train_loss(), x)?;
    }
    c.value(
        "expected.final_layers",
        &to_value(&view::params(&trainer.net)),
        field(exp, "final_layers", "expected")?,
    )?;
    Ok(())
}
