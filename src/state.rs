//! What the app saves and loads. A saved state keeps the problem's fields at the top
//! level, so every saved state is also a file of the fixture shape; loading accepts
//! the fixture shape, a train fixture, a full saved state or `{preset: name}`, checks
//! every rule and says what and where when something is wrong. Never a panic.

use crate::dataset::{Dataset, Kind, Spec};
use crate::error::{Error, ErrorKind, Expected};
use crate::fixture::dataset_from_value;
use crate::init::Init;
use crate::json::{self, field, opt, Value};
use crate::lang::Lang;
use crate::preset;
use crate::problem::{self, Problem};
use crate::trace::Granularity;
use crate::vocab::{Mode, Named, Panel};
use serde::Serialize;

/// Version of the saved-state format.
pub const FORMAT_VERSION: u64 = 1;

/// The data a network trains on: generated from a spec (points of a plane, or
/// pictures), or given example by example.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Data {
    Generated(Spec),
    Images(crate::images::Spec),
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
    pub lang: Lang,
    /// Visible panels.
    pub panels: Vec<Panel>,
    pub mode: Mode,
}

impl Default for View {
    fn default() -> Self {
        View {
            cursor: 0,
            granularity: Granularity::Layer,
            lang: Lang::En,
            panels: Panel::ALL.to_vec(),
            mode: Mode::Normal,
        }
    }
}

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
    pub fn from_preset(name: &str) -> Result<SavedState, Error> {
        let p = preset::get(name)?;
        Ok(SavedState {
            backprop_lab: FORMAT_VERSION,
            problem: p.problem,
            preset: Some(p.name.to_string()),
            dataset: p
                .dataset
                .map(Data::Generated)
                .or(p.images.map(Data::Images)),
            training: Training {
                batch_size: p.batch_size,
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
pub fn load(text: &str) -> Result<SavedState, Error> {
    if text.trim().is_empty() {
        return Err(Error::new(ErrorKind::Empty));
    }
    load_value(&json::parse(text)?)
}

/// Loads a parsed value of any accepted shape.
pub fn load_value(v: &Value) -> Result<SavedState, Error> {
    if !v.is_object() {
        return Err(json::wrong("", Expected::Object, v));
    }
    if let Some(version) = opt(v, "backprop_lab") {
        let n = json::whole(version, "backprop_lab")?;
        if n != FORMAT_VERSION {
            return Err(Error::at(
                "backprop_lab",
                ErrorKind::Version {
                    found: n,
                    supported: FORMAT_VERSION,
                },
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
        return Err(Error::new(ErrorKind::NotLoadable));
    }
    let (problem, dataset) = problem_and_data(v)?;
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

/// The problem and its data: a train fixture's first example is the one to step through.
#[cfg(feature = "full")]
fn problem_and_data(v: &Value) -> Result<(Problem, Option<Data>), Error> {
    let train_fixture = opt(v, "input").is_none() && opt(v, "dataset").is_some();
    if train_fixture {
        // A train fixture: the first example becomes the one to step through.
        let net = problem::network_from_value(field(v, "network", "")?, "network", None)?;
        let data = dataset_from_value(field(v, "dataset", "")?, "dataset", &net)?;
        let lr = json::number(field(v, "learning_rate", "")?, "learning_rate")?;
        let p = Problem {
            input: data.inputs[0].clone(),
            target: data.targets[0].clone(),
            net,
            learning_rate: lr,
            weight_decay: 0.0,
            freeze_biases: false,
        };
        p.validate()?;
        Ok((p, Some(Data::Given(data))))
    } else {
        let p = Problem::from_value(v, "")?;
        let d = match opt(v, "dataset") {
            Some(d) => Some(data_from_value(d, &p)?),
            None => None,
        };
        Ok((p, d))
    }
}

/// The first wasm module reads no data (its sessions step none, see `Session::new`): the
/// full one reads it, and says what is wrong with it in the same words.
#[cfg(not(feature = "full"))]
fn problem_and_data(v: &Value) -> Result<(Problem, Option<Data>), Error> {
    if opt(v, "dataset").is_some() {
        return Err(Error::new(ErrorKind::NeedsFullLab));
    }
    Ok((Problem::from_value(v, "")?, None))
}

fn data_from_value(v: &Value, p: &Problem) -> Result<Data, Error> {
    if opt(v, "inputs").is_some() {
        return Ok(Data::Given(dataset_from_value(v, "dataset", &p.net)?));
    }
    if let Some(kind) = opt(v, "images") {
        return images_from_value(v, kind, p);
    }
    let kind = Kind::parse(json::string(field(v, "kind", "dataset")?, "dataset.kind")?)
        .map_err(|e| e.or_at("dataset.kind"))?;
    let Drawn {
        points,
        noise,
        test_fraction,
        seed,
    } = drawn_from_value(v)?;
    let spec = Spec {
        kind,
        points,
        noise,
        test_fraction,
        seed,
        features: match opt(v, "features") {
            Some(fs) => crate::feature::normalise(
                &json::array(fs, "dataset.features")?
                    .iter()
                    .enumerate()
                    .map(|(i, f)| named(f, &format!("dataset.features[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => crate::feature::raw(kind.inputs()).to_vec(),
        },
    };
    spec.validate()?;
    if spec.inputs() != p.net.inputs() {
        return Err(Error::at(
            "dataset.kind",
            ErrorKind::DatasetInputs {
                dataset: kind.name(),
                inputs: spec.inputs(),
                takes: p.net.inputs(),
            },
        ));
    }
    Ok(Data::Generated(spec))
}

/// What every generated dataset is drawn with, points or pictures.
struct Drawn {
    points: usize,
    noise: f64,
    test_fraction: f64,
    seed: u64,
}

/// The fields of `"dataset"` that fix how a generated set is drawn.
fn drawn_from_value(v: &Value) -> Result<Drawn, Error> {
    Ok(Drawn {
        points: json::count(field(v, "points", "dataset")?, "dataset.points")?,
        noise: json::number(field(v, "noise", "dataset")?, "dataset.noise")?,
        test_fraction: json::number(
            field(v, "test_fraction", "dataset")?,
            "dataset.test_fraction",
        )?,
        seed: json::whole(field(v, "seed", "dataset")?, "dataset.seed")?,
    })
}

/// `"dataset": {"images": "strokes", …}`: pictures for a network that takes them.
fn images_from_value(v: &Value, kind: &Value, p: &Problem) -> Result<Data, Error> {
    use crate::images::{self, Spec};
    let Drawn {
        points,
        noise,
        test_fraction,
        seed,
    } = drawn_from_value(v)?;
    let spec = Spec {
        images: named(kind, "dataset.images")?,
        points,
        noise,
        test_fraction,
        seed,
    };
    spec.validate()?;
    if spec.input_shape() != p.net.input_shape || p.net.outputs() != images::CLASSES.len() {
        return Err(Error::at(
            "dataset.images",
            ErrorKind::ImagesShape {
                dataset: spec.images.name(),
                side: images::SIDE,
                classes: images::CLASSES.len(),
            },
        ));
    }
    Ok(Data::Images(spec))
}

fn training_from_value(v: &Value) -> Result<Training, Error> {
    let d = Training::default();
    Ok(Training {
        batch_size: match opt(v, "batch_size") {
            Some(x) => {
                let n = json::count(x, "training.batch_size")?;
                if n > crate::dataset::MAX_POINTS {
                    return Err(Error::at(
                        "training.batch_size",
                        ErrorKind::BatchTooLarge { size: n },
                    ));
                }
                n
            }
            None => d.batch_size,
        },
        init: match opt(v, "init") {
            Some(x) => Init::parse(json::string(x, "training.init")?)
                .map_err(|e| e.or_at("training.init"))?,
            None => d.init,
        },
        seed: match opt(v, "seed") {
            Some(x) => json::whole(x, "training.seed")?,
            None => d.seed,
        },
    })
}

/// A name of vocabulary `T` at `at`.
fn named<T: Named>(v: &Value, at: &str) -> Result<T, Error> {
    T::parse(json::string(v, at)?).map_err(|e| e.or_at(at))
}

/// Reads the view part; unknown panels or modes are refused with the valid names.
pub fn view_from_value(v: &Value) -> Result<View, Error> {
    let d = View::default();
    let lang = match opt(v, "lang") {
        Some(x) => named(x, "view.lang")?,
        None => d.lang,
    };
    let panels = match opt(v, "panels") {
        Some(x) => json::array(x, "view.panels")?
            .iter()
            .enumerate()
            .map(|(i, p)| named(p, &format!("view.panels[{i}]")))
            .collect::<Result<Vec<Panel>, Error>>()?,
        None => d.panels,
    };
    let mode = match opt(v, "mode") {
        Some(x) => named(x, "view.mode")?,
        None => d.mode,
    };
    let granularity = match opt(v, "granularity") {
        Some(x) => named(x, "view.granularity")?,
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
