//! The `kind: "cnn_step"` JSON of `fixtures/cnn/README.md`: a [`Net`] read from
//! `network` {input_shape, layers: [{type, …}], loss} with every field checked, a
//! [`Problem`] (the net and one example), and `Serialize` impls that write the same
//! shape back (weights nested [o][c][k][k] or [units][inputs]), so files round-trip.
//!
//! Decisions: `input_shape` is `[C, H, W]` (the input is then C×H×W nested lists) or
//! `[n]` (the input is a plain vector, as for an MLP). A conv's `stride` defaults to 1
//! and `padding` to 0; a pool's `stride` defaults to its kernel (PyTorch's default).
//! A field a layer type does not have is an error (a typo would otherwise be ignored).

use super::conv::Conv;
use super::dense::Dense;
use super::layer::Layer;
use super::net::Net;
use super::params::weight_dims;
use super::pool::Pool;
use super::shape::{Nested, Shape};
use crate::activation::Activation;
use crate::error::{Error, ErrorKind, ShapeError, Why};
use crate::json::{self, field, join, opt, Value};
use crate::loss::Loss;
use crate::vocab::{unknown, Named, Vocab};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

/// Reads the `network` of a `kind: "cnn_step"` file and its `input` (nested as the
/// net's `input_shape` says, or a plain vector), every field checked.
pub fn net_and_input(v: &Value, at: &str) -> Result<(Net, Vec<f64>), Error> {
    if let Some(k) = opt(v, "kind") {
        let kind = json::string(k, &join(at, "kind"))?;
        if kind != "cnn_step" {
            return Err(unknown(Vocab::FileKind, kind, vec!["cnn_step"]).or_at(&join(at, "kind")));
        }
    }
    let net = net_from_value(field(v, "network", at)?, &join(at, "network"))?;
    let input_at = join(at, "input");
    let dims = net.input_shape.dims();
    let why: Vec<Why> = (0..dims.len())
        .map(|d| Why::Field(format!("input_shape[{d}]")))
        .collect();
    let mut expect: Vec<Option<usize>> = dims.iter().copied().map(Some).collect();
    let mut input = Vec::with_capacity(net.input_shape.len());
    read_nested(
        field(v, "input", at)?,
        &input_at,
        &mut expect,
        &why,
        &mut input,
    )?;
    Ok((net, input))
}

/// Reads `{input_shape, layers, loss}` and validates the net (paths start at `at`).
pub fn net_from_value(v: &Value, at: &str) -> Result<Net, Error> {
    let shape_at = join(at, "input_shape");
    let dims: Vec<usize> = json::array(field(v, "input_shape", at)?, &shape_at)?
        .iter()
        .enumerate()
        .map(|(d, x)| json::count(x, &format!("{shape_at}[{d}]")))
        .collect::<Result<_, _>>()?;
    let input_shape = match dims[..] {
        [n] => Shape::Vector(n),
        [c, h, w] => Shape::map(c, h, w),
        _ => {
            return Err(Error::at(
                shape_at,
                ErrorKind::Shape(ShapeError::InputShapeDims { got: dims.len() }),
            ))
        }
    };
    let layers_at = join(at, "layers");
    let layers = json::array(field(v, "layers", at)?, &layers_at)?
        .iter()
        .enumerate()
        .map(|(l, lv)| layer_from_value(lv, &format!("{layers_at}[{l}]")))
        .collect::<Result<Vec<_>, Error>>()?;
    let loss_at = join(at, "loss");
    let loss = Loss::parse(json::string(field(v, "loss", at)?, &loss_at)?)
        .map_err(|e| e.or_at(&loss_at))?;
    let net = Net {
        input_shape,
        layers,
        loss,
    };
    net.validate_at(at)?;
    Ok(net)
}

/// The fields each layer type has (besides `type`).
fn fields_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "conv" => &[
            "out_channels",
            "kernel",
            "stride",
            "padding",
            "weights",
            "biases",
        ],
        "max_pool" | "avg_pool" => &["kernel", "stride", "padding"],
        "dense" => &["units", "weights", "biases"],
        _ => &[],
    }
}

/// Every layer type name: the shaped layers, then the activations.
pub fn type_names() -> Vec<&'static str> {
    let mut names = vec!["conv", "max_pool", "avg_pool", "flatten", "dense"];
    names.extend(Activation::names());
    names
}

fn layer_from_value(v: &Value, lat: &str) -> Result<Layer, Error> {
    let kind = json::string(field(v, "type", lat)?, &join(lat, "type"))?;
    let Some(kind) = type_names().into_iter().find(|t| *t == kind) else {
        return Err(unknown(Vocab::LayerType, kind, type_names()).or_at(&join(lat, "type")));
    };
    let allowed = fields_of(kind);
    if let Value::Object(fields) = v {
        if let Some((k, _)) = fields
            .iter()
            .find(|(k, _)| k != "type" && !allowed.contains(&k.as_str()))
        {
            return Err(Error::at(
                lat,
                ErrorKind::Shape(ShapeError::UnknownField {
                    field: json::clip(k),
                    layer: kind,
                    allowed,
                }),
            ));
        }
    }
    let size = |key: &str| json::count(field(v, key, lat)?, &join(lat, key));
    let size_or = |key: &str, default: usize| match opt(v, key) {
        Some(x) => json::count(x, &join(lat, key)),
        None => Ok(default),
    };
    Ok(match kind {
        "conv" => {
            let (out_channels, kernel) = (size("out_channels")?, size("kernel")?);
            let w_at = join(lat, "weights");
            let mut dims = [Some(out_channels), None, Some(kernel), Some(kernel)];
            let why = [
                Why::Field("out_channels".into()),
                Why::SameAs(format!("{w_at}[0]")),
                Why::Field("kernel".into()),
                Why::Field("kernel".into()),
            ];
            let mut weights = Vec::new();
            read_nested(
                field(v, "weights", lat)?,
                &w_at,
                &mut dims,
                &why,
                &mut weights,
            )?;
            Layer::Conv(Conv {
                in_channels: dims[1].unwrap_or(0),
                out_channels,
                kernel,
                stride: size_or("stride", 1)?,
                padding: size_or("padding", 0)?,
                weights,
                biases: json::vector(field(v, "biases", lat)?, &join(lat, "biases"))?,
            })
        }
        "max_pool" | "avg_pool" => {
            let kernel = size("kernel")?;
            let pool = Pool {
                kernel,
                stride: size_or("stride", kernel)?,
                padding: size_or("padding", 0)?,
            };
            if kind == "max_pool" {
                Layer::MaxPool(pool)
            } else {
                Layer::AvgPool(pool)
            }
        }
        "flatten" => Layer::Flatten,
        "dense" => {
            let units = size("units")?;
            let w_at = join(lat, "weights");
            let mut dims = [Some(units), None];
            let why = [
                Why::Field("units".into()),
                Why::SameAs(format!("{w_at}[0]")),
            ];
            let mut weights = Vec::new();
            read_nested(
                field(v, "weights", lat)?,
                &w_at,
                &mut dims,
                &why,
                &mut weights,
            )?;
            Layer::Dense(Dense {
                inputs: dims[1].unwrap_or(0),
                outputs: units,
                weights,
                biases: json::vector(field(v, "biases", lat)?, &join(lat, "biases"))?,
            })
        }
        act => Layer::Activation(Activation::parse(act)?),
    })
}

/// Reads nested lists of numbers into `out`, flat in C-order. `dims[d]` is the length
/// every list at depth d must have, or `None` to take it from the first such list;
/// `why[d]` says where that length comes from, for the message.
fn read_nested(
    v: &Value,
    at: &str,
    dims: &mut [Option<usize>],
    why: &[Why],
    out: &mut Vec<f64>,
) -> Result<(), Error> {
    let Some((first, rest)) = dims.split_first_mut() else {
        out.push(json::number(v, at)?);
        return Ok(());
    };
    let items = json::array(v, at)?;
    match first {
        Some(n) if items.len() != *n => {
            return Err(Error::at(
                at,
                ErrorKind::Entries {
                    got: items.len(),
                    expected: *n,
                    why: why[0].clone(),
                },
            ));
        }
        None if items.is_empty() => return Err(Error::at(at, ErrorKind::EmptyList)),
        None => *first = Some(items.len()),
        _ => {}
    }
    for (i, item) in items.iter().enumerate() {
        read_nested(item, &format!("{at}[{i}]"), rest, &why[1..], out)?;
    }
    Ok(())
}

/// Written as the fixtures write a layer: `{type, …fields, weights (nested), biases}`.
impl Serialize for Layer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let dims = weight_dims(self);
        let mut st = s.serialize_struct("Layer", 7)?;
        st.serialize_field("type", self.type_name())?;
        match self {
            Layer::Conv(c) => {
                st.serialize_field("out_channels", &c.out_channels)?;
                st.serialize_field("kernel", &c.kernel)?;
                st.serialize_field("stride", &c.stride)?;
                st.serialize_field("padding", &c.padding)?;
            }
            Layer::MaxPool(p) | Layer::AvgPool(p) => {
                st.serialize_field("kernel", &p.kernel)?;
                st.serialize_field("stride", &p.stride)?;
                st.serialize_field("padding", &p.padding)?;
            }
            Layer::Dense(d) => st.serialize_field("units", &d.outputs)?,
            Layer::Flatten | Layer::Activation(_) => {}
        }
        if let Some((w, b)) = self.params() {
            st.serialize_field(
                "weights",
                &Nested {
                    data: w,
                    dims: &dims,
                },
            )?;
            st.serialize_field("biases", b)?;
        }
        st.end()
    }
}
