//! The rules a [`Net`] and an example must meet, with limits that keep a page
//! responsive. Messages name the place in fixture-path style
//! (`network.layers[2].kernel: …`), what is wrong and what is expected.

use super::layer::Layer;
use super::net::Net;
use super::shape::Shape;
use crate::activation::Activation;
use crate::error::{Counted, Error, ErrorKind, ShapeError, Why};
use crate::loss::Loss;
use crate::network::check_value_at;

/// Most layers in a net (an MLP of 12 dense + 12 activation layers fits).
pub const MAX_LAYERS: usize = 24;
/// Most channels of any map (the input's, a conv's output).
pub const MAX_CHANNELS: usize = 16;
/// Largest height or width of any map.
pub const MAX_SIDE: usize = 32;
/// Largest kernel side (conv and pooling).
pub const MAX_KERNEL: usize = 7;
/// Largest stride.
pub const MAX_STRIDE: usize = 4;
/// Largest conv padding (pooling allows at most kernel/2).
pub const MAX_PADDING: usize = 3;
/// Most units of a dense layer (as `crate::network::MAX_WIDTH`).
pub const MAX_UNITS: usize = 64;
/// Longest vector: a vector input, flatten's output, a dense layer's input.
pub const MAX_VECTOR: usize = 4096;
/// Most multiply-adds in one forward pass (a few milliseconds in the browser).
pub const MAX_MULTIPLY_ADDS: usize = 4_000_000;

/// A shape error at path `at`.
fn shape_err(at: &str, e: ShapeError) -> Error {
    Error::at(at, ErrorKind::Shape(e))
}

/// A count with words (`3 channels, expected 1 to 16`), or a plain number in range.
fn in_range(v: usize, lo: usize, hi: usize, at: &str, what: Option<Counted>) -> Result<(), Error> {
    if v < lo || v > hi {
        return Err(Error::at(
            at,
            match what {
                Some(what) => ErrorKind::Count {
                    what,
                    got: v,
                    min: lo,
                    max: hi,
                },
                None => ErrorKind::OutOfRange {
                    value: v as f64,
                    min: lo as f64,
                    max: hi as f64,
                },
            },
        ));
    }
    Ok(())
}

fn check_len(got: usize, expected: usize, at: &str, why: Why) -> Result<(), Error> {
    if got != expected {
        return Err(Error::at(at, ErrorKind::Values { got, expected, why }));
    }
    Ok(())
}

/// Every value finite and within ±1e6; the message gives the nested index
/// (`weights[o][c][u][v]`) of a value stored flat with these dimensions.
fn check_values(values: &[f64], dims: &[usize], at: &str) -> Result<(), Error> {
    for (k, &v) in values.iter().enumerate() {
        check_value_at(v, || format!("{at}{}", nested_index(k, dims)))?;
    }
    Ok(())
}

/// `[1][0][2]`: the nested position of flat index k in a C-order blob of `dims`.
pub fn nested_index(mut k: usize, dims: &[usize]) -> String {
    let mut idx = vec![0; dims.len()];
    for (slot, &d) in idx.iter_mut().zip(dims).rev() {
        *slot = k % d.max(1);
        k /= d.max(1);
    }
    idx.iter().map(|i| format!("[{i}]")).collect()
}

impl Net {
    /// Checks shapes, limits, values and pairings (paths start with `network`).
    pub fn validate(&self) -> Result<(), Error> {
        self.validate_at("network")
    }

    /// As [`Net::validate`], with paths starting at `at`.
    pub fn validate_at(&self, at: &str) -> Result<(), Error> {
        let n = self.layers.len();
        in_range(
            n,
            1,
            MAX_LAYERS,
            &format!("{at}.layers"),
            Some(Counted::Layers),
        )?;
        let mut shape = self.input_shape;
        let input_at = format!("{at}.input_shape");
        match shape {
            Shape::Vector(len) => in_range(len, 1, MAX_VECTOR, &input_at, Some(Counted::Inputs))?,
            #[cfg(not(feature = "full"))]
            Shape::Map { .. } => unreachable!("a CNN in the first module"),
            #[cfg(feature = "full")]
            Shape::Map { c, h, w } => {
                in_range(
                    c,
                    1,
                    MAX_CHANNELS,
                    &format!("{input_at}[0]"),
                    Some(Counted::Channels),
                )?;
                in_range(
                    h,
                    1,
                    MAX_SIDE,
                    &format!("{input_at}[1]"),
                    Some(Counted::Rows),
                )?;
                in_range(
                    w,
                    1,
                    MAX_SIDE,
                    &format!("{input_at}[2]"),
                    Some(Counted::Columns),
                )?;
            }
        }
        let mut work = 0;
        for (l, layer) in self.layers.iter().enumerate() {
            let lat = format!("{at}.layers[{l}]");
            check_fields(layer, &lat)?;
            let out = layer.out_shape(shape).map_err(|e| e.under(&lat))?;
            match out {
                Shape::Vector(len) if len > MAX_VECTOR => {
                    return Err(shape_err(
                        &lat,
                        ShapeError::TooLong {
                            values: len,
                            max: MAX_VECTOR,
                        },
                    ));
                }
                Shape::Map { h, w, .. } if h > MAX_SIDE || w > MAX_SIDE => {
                    return Err(shape_err(
                        &lat,
                        ShapeError::MapTooLarge {
                            shape: out.to_string(),
                            max: MAX_SIDE,
                        },
                    ));
                }
                _ => {}
            }
            if let Layer::Activation(Activation::Softmax) = layer {
                if l + 1 != n {
                    return Err(Error::at(format!("{lat}.type"), ErrorKind::SoftmaxNotLast));
                }
                if out.len() < 2 {
                    return Err(Error::at(format!("{lat}.type"), ErrorKind::SoftmaxTooSmall));
                }
            }
            work += layer.multiply_adds(shape, out);
            shape = out;
        }
        if work > MAX_MULTIPLY_ADDS {
            return Err(shape_at_layers(
                at,
                ShapeError::TooMuchWork {
                    work,
                    max: MAX_MULTIPLY_ADDS,
                },
            ));
        }
        if !shape.is_vector() {
            return Err(shape_at_layers(
                at,
                ShapeError::OutputNotVector {
                    shape: shape.to_string(),
                },
            ));
        }
        let last = &self.layers[n - 1];
        if self.loss == Loss::CrossEntropy
            && !matches!(last, Layer::Activation(Activation::Softmax))
        {
            return Err(Error::at(
                format!("{at}.loss"),
                ErrorKind::NeedsSoftmax {
                    last: last.type_name(),
                },
            ));
        }
        Ok(())
    }

    /// Checks an example (input x, target t) against this net.
    pub fn validate_example(&self, x: &[f64], t: &[f64]) -> Result<(), Error> {
        self.validate_example_at(x, t, "input", "target")
    }

    /// As [`Net::validate_example`], naming the input and the target by these paths.
    pub fn validate_example_at(
        &self,
        x: &[f64],
        t: &[f64],
        x_at: &str,
        t_at: &str,
    ) -> Result<(), Error> {
        let s = self.input_shape;
        if s.is_vector() && x.len() != s.len() {
            return Err(Error::new(ErrorKind::InputLength {
                got: x.len(),
                takes: s.len(),
            }));
        }
        check_len(
            x.len(),
            s.len(),
            x_at,
            Why::Field(format!("input_shape {s}")),
        )?;
        check_values(x, &s.dims(), x_at)?;
        let out = self.output_shape()?.len();
        if t.len() != out {
            return Err(Error::new(ErrorKind::TargetLength {
                got: t.len(),
                outputs: out,
            }));
        }
        check_values(t, &[out], t_at)?;
        if self.loss == Loss::CrossEntropy {
            if let Some(i) = t.iter().position(|&v| v < 0.0) {
                return Err(Error::at(
                    format!("{t_at}[{i}]"),
                    ErrorKind::NegativeProbability { value: t[i] },
                ));
            }
            let sum: f64 = t.iter().sum();
            if (sum - 1.0).abs() > 1e-9 {
                return Err(Error::at(t_at, ErrorKind::ProbabilitySum { sum }));
            }
        }
        Ok(())
    }
}

/// A whole-network shape error, placed at `{at}.layers`.
fn shape_at_layers(at: &str, e: ShapeError) -> Error {
    shape_err(&format!("{at}.layers"), e)
}

/// The layer's own fields: sizes within the limits, parameter counts that match, every
/// parameter a usable number.
fn check_fields(layer: &Layer, lat: &str) -> Result<(), Error> {
    let f = |field: &str| format!("{lat}.{field}");
    match layer {
        #[cfg(feature = "full")]
        Layer::Conv(c) => {
            in_range(
                c.out_channels,
                1,
                MAX_CHANNELS,
                &f("out_channels"),
                Some(Counted::Channels),
            )?;
            in_range(c.kernel, 1, MAX_KERNEL, &f("kernel"), None)?;
            in_range(c.stride, 1, MAX_STRIDE, &f("stride"), None)?;
            in_range(c.padding, 0, MAX_PADDING, &f("padding"), None)?;
            in_range(
                c.in_channels,
                1,
                MAX_CHANNELS,
                &f("weights"),
                Some(Counted::InputChannels),
            )?;
            let dims = [c.out_channels, c.in_channels, c.kernel, c.kernel];
            let why = Why::Product(format!(
                "out_channels × input channels × kernel × kernel = {} × {} × {} × {}",
                dims[0], dims[1], dims[2], dims[3]
            ));
            check_len(c.weights.len(), dims.iter().product(), &f("weights"), why)?;
            check_len(
                c.biases.len(),
                c.out_channels,
                &f("biases"),
                Why::OnePerChannel,
            )?;
            check_values(&c.weights, &dims, &f("weights"))?;
            check_values(&c.biases, &[c.out_channels], &f("biases"))?;
        }
        #[cfg(feature = "full")]
        Layer::MaxPool(p) | Layer::AvgPool(p) => {
            in_range(p.kernel, 1, MAX_KERNEL, &f("kernel"), None)?;
            in_range(p.stride, 1, MAX_STRIDE, &f("stride"), None)?;
            if p.padding > p.kernel / 2 {
                return Err(shape_err(
                    &f("padding"),
                    ShapeError::PoolPadding {
                        padding: p.padding,
                        kernel: p.kernel,
                    },
                ));
            }
        }
        #[cfg(not(feature = "full"))]
        Layer::Conv(_) | Layer::MaxPool(_) | Layer::AvgPool(_) => {
            unreachable!("a CNN in the first module")
        }
        Layer::Dense(d) => {
            in_range(d.outputs, 1, MAX_UNITS, &f("units"), Some(Counted::Units))?;
            in_range(
                d.inputs,
                1,
                MAX_VECTOR,
                &f("weights"),
                Some(Counted::Inputs),
            )?;
            let why = Why::Product(format!("units × inputs = {} × {}", d.outputs, d.inputs));
            check_len(d.weights.len(), d.outputs * d.inputs, &f("weights"), why)?;
            check_len(d.biases.len(), d.outputs, &f("biases"), Why::OnePerUnit)?;
            check_values(&d.weights, &[d.outputs, d.inputs], &f("weights"))?;
            check_values(&d.biases, &[d.outputs], &f("biases"))?;
        }
        Layer::Flatten | Layer::Activation(_) => {}
    }
    Ok(())
}
