//! Input features, as TensorFlow Playground offers them: the network does not have to
//! take the raw point (x₁, x₂) as its input; it takes any chosen set of x₁, x₂, x₁², x₂²,
//! x₁x₂, sin x₁ and sin x₂, each computed from the point. The lesson: a spiral needs a
//! deep network on the raw inputs but only a small one on sin features, and XOR is a
//! single unit's job once x₁x₂ is an input.
//!
//! A feature list is a set (each feature toggled on or off); the network's input vector
//! lists the chosen ones in TFP's order, [`Feature::ALL`]'s (see [`normalise`]).

use crate::error::{Counted, Error, ErrorKind};
use crate::number::fmt;
use crate::vocab::{named, Named, Vocab};
use serde::Serialize;

/// One input feature, a function of the raw point (x₁, x₂).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Feature {
    /// x₁.
    #[serde(rename = "x1")]
    X1,
    /// x₂.
    #[serde(rename = "x2")]
    X2,
    /// x₁².
    #[serde(rename = "x1_sq")]
    X1Sq,
    /// x₂².
    #[serde(rename = "x2_sq")]
    X2Sq,
    /// x₁·x₂.
    #[serde(rename = "x1x2")]
    X1X2,
    /// sin x₁.
    #[serde(rename = "sin_x1")]
    SinX1,
    /// sin x₂.
    #[serde(rename = "sin_x2")]
    SinX2,
}

named!(Feature, Feature, [
    X1 => "x1", X2 => "x2", X1Sq => "x1_sq", X2Sq => "x2_sq", X1X2 => "x1x2",
    SinX1 => "sin_x1", SinX2 => "sin_x2",
]);

/// The raw inputs of a 2-D dataset: the point itself, as TFP starts.
pub const RAW_2D: [Feature; 2] = [Feature::X1, Feature::X2];
/// The raw input of a 1-D dataset (sine): x, read as x₁.
pub const RAW_1D: [Feature; 1] = [Feature::X1];

impl Feature {
    /// The feature's value at the raw point p = (x₁, x₂).
    pub fn value(self, p: [f64; 2]) -> f64 {
        let [x1, x2] = p;
        match self {
            Feature::X1 => x1,
            Feature::X2 => x2,
            Feature::X1Sq => x1 * x1,
            Feature::X2Sq => x2 * x2,
            Feature::X1X2 => x1 * x2,
            Feature::SinX1 => x1.sin(),
            Feature::SinX2 => x2.sin(),
        }
    }

    /// The formula in plain text, as the input unit is labelled: `x₁²`.
    pub fn formula(self) -> &'static str {
        match self {
            Feature::X1 => "x₁",
            Feature::X2 => "x₂",
            Feature::X1Sq => "x₁²",
            Feature::X2Sq => "x₂²",
            Feature::X1X2 => "x₁x₂",
            Feature::SinX1 => "sin x₁",
            Feature::SinX2 => "sin x₂",
        }
    }

    /// The formula in TeX: `x_1^2`.
    pub fn tex(self) -> &'static str {
        match self {
            Feature::X1 => "x_1",
            Feature::X2 => "x_2",
            Feature::X1Sq => "x_1^2",
            Feature::X2Sq => "x_2^2",
            Feature::X1X2 => "x_1 x_2",
            Feature::SinX1 => "\\sin x_1",
            Feature::SinX2 => "\\sin x_2",
        }
    }

    /// True when the feature reads x₂ (so a 1-D dataset cannot offer it).
    pub fn uses_x2(self) -> bool {
        matches!(
            self,
            Feature::X2 | Feature::X2Sq | Feature::X1X2 | Feature::SinX2
        )
    }

    /// How the value is computed from p, numbers written with `digits` significant
    /// digits, in plain text: `x₁² = (-1.5)² = 2.25`, `sin x₁ = sin(0.5) = 0.479426`.
    /// x₁ and x₂ themselves read `x₁ = 0.5`.
    pub fn worked(self, p: [f64; 2], digits: usize) -> String {
        let n = |v: f64| fmt(v, digits);
        // A negative factor is bracketed where it is squared or multiplied.
        let b = |v: f64| {
            if v < 0.0 {
                format!("({})", n(v))
            } else {
                n(v)
            }
        };
        let [x1, x2] = p;
        let v = n(self.value(p));
        match self {
            Feature::X1 | Feature::X2 => format!("{} = {v}", self.formula()),
            Feature::X1Sq => format!("x₁² = {}² = {v}", b(x1)),
            Feature::X2Sq => format!("x₂² = {}² = {v}", b(x2)),
            Feature::X1X2 => format!("x₁x₂ = {} × {} = {v}", n(x1), b(x2)),
            Feature::SinX1 => format!("sin x₁ = sin({}) = {v}", n(x1)),
            Feature::SinX2 => format!("sin x₂ = sin({}) = {v}", n(x2)),
        }
    }

    /// The same in TeX: `x_1^2 = (-1.5)^2 = 2.25`.
    pub fn worked_tex(self, p: [f64; 2], digits: usize) -> String {
        let n = |v: f64| fmt(v, digits);
        let b = |v: f64| {
            if v < 0.0 {
                format!("({})", n(v))
            } else {
                n(v)
            }
        };
        let [x1, x2] = p;
        let v = n(self.value(p));
        match self {
            Feature::X1 | Feature::X2 => format!("{} = {v}", self.tex()),
            Feature::X1Sq => format!("x_1^2 = {}^2 = {v}", b(x1)),
            Feature::X2Sq => format!("x_2^2 = {}^2 = {v}", b(x2)),
            Feature::X1X2 => format!("x_1 x_2 = {} \\times {} = {v}", n(x1), b(x2)),
            Feature::SinX1 => format!("\\sin x_1 = \\sin({}) = {v}", n(x1)),
            Feature::SinX2 => format!("\\sin x_2 = \\sin({}) = {v}", n(x2)),
        }
    }
}

/// The raw inputs of a dataset with `dims` inputs (1: sine's x; 2: the point).
pub fn raw(dims: usize) -> &'static [Feature] {
    if dims == 1 {
        &RAW_1D
    } else {
        &RAW_2D
    }
}

/// A raw example as a point: (x, 0) for a 1-D one, its first two values otherwise.
pub fn point(raw: &[f64]) -> [f64; 2] {
    [
        raw.first().copied().unwrap_or(0.0),
        raw.get(1).copied().unwrap_or(0.0),
    ]
}

/// The chosen features as a set: each once, in TFP's order ([`Feature::ALL`]). The
/// input vector follows this order, whatever order the features were toggled in.
pub fn normalise(features: &[Feature]) -> Vec<Feature> {
    Feature::ALL
        .iter()
        .copied()
        .filter(|f| features.contains(f))
        .collect()
}

/// Checks a feature list for a dataset with `dims` raw inputs: at least one feature, and
/// none that reads x₂ on a 1-D dataset (the error names the ones it offers).
pub fn check(features: &[Feature], dims: usize) -> Result<(), Error> {
    if features.is_empty() {
        return Err(Error::at(
            "features",
            ErrorKind::Count {
                what: Counted::Inputs,
                got: 0,
                min: 1,
                max: Feature::ALL.len(),
            },
        ));
    }
    if dims < 2 {
        if let Some(f) = features.iter().find(|f| f.uses_x2()) {
            let offered = Feature::ALL
                .iter()
                .filter(|f| !f.uses_x2())
                .map(|f| f.name())
                .collect();
            return Err(Error::at(
                "features",
                ErrorKind::Unknown {
                    vocab: Vocab::Feature,
                    name: f.name().to_string(),
                    expected: offered,
                },
            ));
        }
    }
    Ok(())
}

/// The network's input vector for the raw point p: one value per feature, in the list's
/// order (pass a [`normalise`]d list for TFP's order).
pub fn inputs(features: &[Feature], p: [f64; 2]) -> Vec<f64> {
    let mut out = Vec::with_capacity(features.len());
    inputs_into(features, p, &mut out);
    out
}

/// The same into a reused buffer (for a heatmap's thousands of points).
pub fn inputs_into(features: &[Feature], p: [f64; 2], out: &mut Vec<f64>) {
    out.clear();
    out.extend(features.iter().map(|f| f.value(p)));
}

/// True when the features are the raw inputs of a `dims`-input dataset: the network's
/// input is then the point itself.
pub fn is_raw(features: &[Feature], dims: usize) -> bool {
    features == raw(dims)
}

/// A comma-separated list of feature names (`"x1,x2,sin_x1"`, as the page sends its
/// checkboxes) as a [`normalise`]d list; an unknown name is an error naming the valid
/// ones. An empty text is the empty list ([`check`] refuses it with a clear message).
pub fn parse_list(text: &str) -> Result<Vec<Feature>, Error> {
    let mut out = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        out.push(Feature::parse(name).map_err(|e| e.or_at("features"))?);
    }
    Ok(normalise(&out))
}

/// Where a network's input vector came from when its inputs are features: the features,
/// one per input unit, and the raw point they were computed from. The step-through says
/// how each input was computed; the network view labels its input units with them.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// The features, in the input vector's order.
    pub features: Vec<Feature>,
    /// The raw point (x₁, x₂) the input was computed from; `None` when no point of the
    /// data gives this input (it was edited by hand).
    pub point: Option<[f64; 2]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_serde_names_agree() {
        for &f in Feature::ALL {
            let json = crate::json::to_value(&f).to_string();
            assert_eq!(json, format!("\"{}\"", f.name()));
            assert_eq!(Feature::parse(f.name()).unwrap(), f);
        }
    }

    #[test]
    fn a_list_of_names_is_a_set_in_tfp_order() {
        assert_eq!(
            parse_list(" sin_x2,x1, sin_x2 ").unwrap(),
            vec![Feature::X1, Feature::SinX2]
        );
        assert_eq!(parse_list("").unwrap(), vec![]);
        let e = parse_list("x1,x3").unwrap_err().to_string();
        assert!(e.contains("x3") && e.contains("sin_x1"), "{e}");
        assert!(check(&parse_list("").unwrap(), 2).is_err());
    }

    #[test]
    fn worked_values_agree_with_value() {
        let p = [-1.5, 0.5];
        assert_eq!(Feature::X1Sq.worked(p, 4), "x₁² = (-1.5)² = 2.25");
        assert_eq!(
            Feature::X1X2.worked_tex(p, 4),
            "x_1 x_2 = -1.5 \\times 0.5 = -0.75"
        );
        assert_eq!(inputs(&RAW_2D, p), vec![-1.5, 0.5]);
        assert_eq!(
            inputs(&[Feature::SinX2, Feature::X2Sq], p),
            vec![0.5f64.sin(), 0.25]
        );
    }
}
