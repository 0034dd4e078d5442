//! What the app saves and loads. A saved state keeps the problem's fields at the top
//! level, so every saved state is also a file of the fixture shape; loading accepts
//! the fixture shape, a train fixture, a full saved state or `{preset: name}`, checks
//! every rule and says what and where when something is wrong. Never a panic.

use crate::dataset::{Dataset, Kind, Spec};
use crate::fixture::dataset_from_value;
use crate::init::Init;
use crate::json::{self, field, opt, Value};
use crate::preset;
use crate::problem::{self, Problem};
use crate::trace::Granularity;
use serde::Serialize;

/// Version of the saved-state format.
pub const FORMAT_VERSION: u64 = 1;

/// The data a network trains on: generated from a spec, or given example by example.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Data {
    Generated(Spec),
    Given(Dataset),
}

/// Training settings that are not part of one pass.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Training {
    /// Examples per update: 1 online, 0 full batch.
    pub batch_size: usize,
    pub init: Init,
    /// Seed of "new weights".
    pub seed: u64,
}

impl Default for Training {
    fn default() -> Self {
        Training {
            batch_size: 1,
            init: Init::Xavier,
            seed: 1,
        }
    }
}

/// Where the student is and how the page looks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct View {
    pub cursor: usize,
    pub granularity: Granularity,
    /// `en` or `zh`.
    pub lang: String,
    /// Visible panels, e.g. `network`, `graph`, `curves`.
    pub panels: Vec<String>,
    /// `normal`, `presenter`, `quiz`.
    pub mode: String,
}

impl Default for View {
    fn default() -> Self {
        View {
            cursor: 0,
            granularity: Granularity::Layer,
            lang: "en".into(),
            panels: PANELS.iter().map(|s| s.to_string()).collect(),
            mode: "normal".into(),
        }
    }
}

/// Every panel name the page knows.
pub const PANELS: [&str; 11] = [
    "network",
    "graph",
    "curves",
    "step",
    "timeline",
    "values",
    "gradcheck",
    "training",
    "chain",
    "edit",
    "io",
];

/// Every mode the page knows.
pub const MODES: [&str; 3] = ["normal", "presenter", "quiz"];

/// The whole saved state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SavedState {
    pub backprop_lab: u64,
    #[serde(flatten)]
    pub problem: Problem,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<Data>,
    pub training: Training,
    pub view: View,
}

impl SavedState {
    /// A fresh state from a preset.
    pub fn from_preset(name: &str) -> Result<SavedState, String> {
        let p = preset::get(name)?;
        Ok(SavedState {
            backprop_lab: FORMAT_VERSION,
            problem: p.problem,
            preset: Some(p.name.to_string()),
            dataset: p.dataset.map(Data::Generated),
            training: Training {
                batch_size: 1,
                init: p.init,
                seed: p.seed,
            },
            view: View::default(),
        })
    }

    /// Compact JSON.
    pub fn to_json(&self) -> String {
        json::to_value(self).to_string()
    }

    /// Pretty JSON, for files.
    pub fn to_json_pretty(&self) -> String {
        json::to_value(self).to_pretty()
    }
}

/// Loads JSON text of any accepted shape.
pub fn load(text: &str) -> Result<SavedState, String> {
    if text.trim().is_empty() {
        return Err("the file is empty".into());
    }
    load_value(&json::parse(text)?)
}

/// Loads a parsed value of any accepted shape.
pub fn load_value(v: &Value) -> Result<SavedState, String> {
    if !v.is_object() {
        return Err(format!("expected a JSON object, found {}", json::kind(v)));
    }
    if let Some(version) = opt(v, "backprop_lab") {
        let n = json::whole(version, "backprop_lab")?;
        if n != FORMAT_VERSION {
            return Err(format!(
                "backprop_lab: format version {n} is not supported (this app reads version {FORMAT_VERSION})"
            ));
        }
    }
    let has_network = opt(v, "network").is_some();
    if !has_network {
        if let Some(p) = opt(v, "preset") {
            let mut s = SavedState::from_preset(json::string(p, "preset")?)?;
            if let Some(view) = opt(v, "view") {
                s.view = view_from_value(view)?;
            }
            return Ok(s);
        }
        return Err(
            "missing field \"network\" (expected a fixture {network, input, target, learning_rate}, a saved state, or {preset: name})"
                .into(),
        );
    }
    let train_fixture = opt(v, "input").is_none() && opt(v, "dataset").is_some();
    let (problem, dataset) = if train_fixture {
        // A train fixture: the first example becomes the one to step through.
        let net = problem::network_from_value(field(v, "network", "")?, "network", None)?;
        let data = dataset_from_value(field(v, "dataset", "")?, "dataset", &net)?;
        let lr = json::number(field(v, "learning_rate", "")?, "learning_rate")?;
        let p = Problem {
            input: data.inputs[0].clone(),
            target: data.targets[0].clone(),
            network: net,
            learning_rate: lr,
            weight_decay: 0.0,
            freeze_biases: false,
        };
        p.validate()?;
        (p, Some(Data::Given(data)))
    } else {
        let p = Problem::from_value(v, "")?;
        let d = match opt(v, "dataset") {
            Some(d) => Some(data_from_value(d, &p)?),
            None => None,
        };
        (p, d)
    };
    let training = match opt(v, "training") {
        Some(t) => training_from_value(t)?,
        None => Training::default(),
    };
    let view = match opt(v, "view") {
        Some(x) => view_from_value(x)?,
        None => View::default(),
    };
    let preset = match opt(v, "preset") {
        Some(p) => Some(json::string(p, "preset")?.to_string()),
        None => None,
    };
    Ok(SavedState {
        backprop_lab: FORMAT_VERSION,
        problem,
        preset,
        dataset,
        training,
        view,
    })
}

fn data_from_value(v: &Value, p: &Problem) -> Result<Data, String> {
    if opt(v, "inputs").is_some() {
        return Ok(Data::Given(dataset_from_value(v, "dataset", &p.network)?));
    }
    let kind = Kind::parse(json::string(field(v, "kind", "dataset")?, "dataset.kind")?)
        .map_err(|e| format!("dataset.kind: {e}"))?;
    let spec = Spec {
        kind,
        points: json::count(field(v, "points", "dataset")?, "dataset.points")?,
        noise: json::number(field(v, "noise", "dataset")?, "dataset.noise")?,
        test_fraction: json::number(
            field(v, "test_fraction", "dataset")?,
            "dataset.test_fraction",
        )?,
        seed: json::whole(field(v, "seed", "dataset")?, "dataset.seed")?,
    };
    spec.validate()?;
    if kind.inputs() != p.network.inputs() {
        return Err(format!(
            "dataset.kind: {} has {} input(s) but the network takes {}",
            kind.name(),
            kind.inputs(),
            p.network.inputs()
        ));
    }
    Ok(Data::Generated(spec))
}

fn training_from_value(v: &Value) -> Result<Training, String> {
    let d = Training::default();
    Ok(Training {
        batch_size: match opt(v, "batch_size") {
            Some(x) => {
                let n = json::count(x, "training.batch_size")?;
                if n > crate::dataset::MAX_POINTS {
                    return Err(format!(
                        "training.batch_size: {n} is larger than any dataset"
                    ));
                }
                n
            }
            None => d.batch_size,
        },
        init: match opt(v, "init") {
            Some(x) => Init::parse(json::string(x, "training.init")?)
                .map_err(|e| format!("training.init: {e}"))?,
            None => d.init,
        },
        seed: match opt(v, "seed") {
            Some(x) => json::whole(x, "training.seed")?,
            None => d.seed,
        },
    })
}

/// Reads the view part; unknown panels or modes are refused with the valid names.
pub fn view_from_value(v: &Value) -> Result<View, String> {
    let d = View::default();
    let lang = match opt(v, "lang") {
        Some(x) => crate::document::parse_lang(json::string(x, "view.lang")?)
            .map_err(|e| format!("view.lang: {e}"))?
            .to_string(),
        None => d.lang,
    };
    let panels = match opt(v, "panels") {
        Some(x) => json::array(x, "view.panels")?
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let at = format!("view.panels[{i}]");
                let s = json::string(p, &at)?;
                if PANELS.contains(&s) {
                    Ok(s.to_string())
                } else {
                    Err(format!(
                        "{at}: unknown panel \"{}\" (expected one of: {})",
                        json::clip(s),
                        PANELS.join(", ")
                    ))
                }
            })
            .collect::<Result<Vec<_>, String>>()?,
        None => d.panels,
    };
    let mode = match opt(v, "mode") {
        Some(x) => {
            let s = json::string(x, "view.mode")?;
            if !MODES.contains(&s) {
                return Err(format!(
                    "view.mode: unknown mode \"{}\" (expected one of: {})",
                    json::clip(s),
                    MODES.join(", ")
                ));
            }
            s.to_string()
        }
        None => d.mode,
    };
    let granularity = match opt(v, "granularity") {
        Some(x) => Granularity::parse(json::string(x, "view.granularity")?)
            .map_err(|e| format!("view.granularity: {e}"))?,
        None => d.granularity,
    };
    let cursor = match opt(v, "cursor") {
        Some(x) => json::count(x, "view.cursor")?,
        None => 0,
    };
    Ok(View {
        cursor,
        granularity,
        lang,
        panels,
        mode,
    })
}
