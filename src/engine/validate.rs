//! The rules a [`Net`] and an example must meet, with limits that keep a page
//! responsive. Messages name the place in fixture-path style
//! (`network.layers[2].kernel: …`), what is wrong and what is expected.

use super::layer::{Layer, ShapeError};
use super::net::Net;
use super::shape::Shape;
use crate::activation::Activation;
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

/// A shape error placed at layer path `lat`: `network.layers[2].kernel: …`.
pub fn place(lat: &str, e: ShapeError) -> String {
    if e.field.is_empty() {
        format!("{lat}: {}", e.message)
    } else {
        format!("{lat}.{}: {}", e.field, e.message)
    }
}

fn in_range(v: usize, lo: usize, hi: usize, at: &str, what: &str) -> Result<(), String> {
    if v < lo || v > hi {
        let what = if what.is_empty() {
            String::new()
        } else {
            format!(" {what}")
        };
        return Err(format!("{at}: {v}{what}, expected {lo} to {hi}"));
    }
    Ok(())
}

fn check_len(got: usize, want: usize, at: &str, why: &str) -> Result<(), String> {
    if got != want {
        return Err(format!("{at}: {got} values, expected {want} ({why})"));
    }
    Ok(())
}

/// Every value finite and within ±1e6; the message gives the nested index
/// (`weights[o][c][u][v]`) of a value stored flat with these dimensions.
fn check_values(values: &[f64], dims: &[usize], at: &str) -> Result<(), String> {
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
    pub fn validate(&self) -> Result<(), String> {
        self.validate_at("network")
    }

    /// As [`Net::validate`], with paths starting at `at`.
    pub fn validate_at(&self, at: &str) -> Result<(), String> {
        let n = self.layers.len();
        in_range(n, 1, MAX_LAYERS, &format!("{at}.layers"), "layers")?;
        let mut shape = self.input_shape;
        let input_at = format!("{at}.input_shape");
        match shape {
            Shape::Vector(len) => in_range(len, 1, MAX_VECTOR, &input_at, "inputs")?,
            Shape::Map { c, h, w } => {
                in_range(c, 1, MAX_CHANNELS, &format!("{input_at}[0]"), "channels")?;
                in_range(h, 1, MAX_SIDE, &format!("{input_at}[1]"), "rows")?;
                in_range(w, 1, MAX_SIDE, &format!("{input_at}[2]"), "columns")?;
            }
        }
        let mut work = 0;
        for (l, layer) in self.layers.iter().enumerate() {
            let lat = format!("{at}.layers[{l}]");
            check_fields(layer, &lat)?;
            let out = layer.out_shape(shape).map_err(|e| place(&lat, e))?;
            match out {
                Shape::Vector(len) if len > MAX_VECTOR => {
                    return Err(format!(
                        "{lat}: its output has {len} values, at most {MAX_VECTOR} (pool or stride more before flattening)"
                    ));
                }
                Shape::Map { h, w, .. } if h > MAX_SIDE || w > MAX_SIDE => {
                    return Err(format!(
                        "{lat}: its output would be {out}, at most {MAX_SIDE}×{MAX_SIDE} a channel"
                    ));
                }
                _ => {}
            }
            if let Layer::Activation(Activation::Softmax) = layer {
                if l + 1 != n {
                    return Err(format!(
                        "{lat}.type: softmax is only allowed as the last layer"
                    ));
                }
                if out.len() < 2 {
                    return Err(format!("{lat}.type: softmax needs at least 2 values"));
                }
            }
            work += layer.multiply_adds(shape, out);
            shape = out;
        }
        if work > MAX_MULTIPLY_ADDS {
            return Err(format!(
                "{at}.layers: one forward pass takes {work} multiply-adds, at most {MAX_MULTIPLY_ADDS} (use fewer or smaller layers)"
            ));
        }
        if !shape.is_vector() {
            return Err(format!(
                "{at}.layers: the output is a {shape} map; end with flatten (and dense) so it is a vector the target can match"
            ));
        }
        let last = &self.layers[n - 1];
        if self.loss == Loss::CrossEntropy
            && !matches!(last, Layer::Activation(Activation::Softmax))
        {
            return Err(format!(
                "{at}.loss: cross_entropy needs a softmax last layer (the last layer is {})",
                last.type_name()
            ));
        }
        Ok(())
    }

    /// Checks an example (input x, target t) against this net.
    pub fn validate_example(&self, x: &[f64], t: &[f64]) -> Result<(), String> {
        self.validate_example_at(x, t, "input", "target")
    }

    /// As [`Net::validate_example`], naming the input and the target by these paths.
    pub fn validate_example_at(
        &self,
        x: &[f64],
        t: &[f64],
        x_at: &str,
        t_at: &str,
    ) -> Result<(), String> {
        let s = self.input_shape;
        check_len(x.len(), s.len(), x_at, &format!("input_shape {s}"))?;
        check_values(x, &s.dims(), x_at)?;
        let out = self.output_shape()?.len();
        check_len(t.len(), out, t_at, "one per output")?;
        check_values(t, &[out], t_at)?;
        if self.loss == Loss::CrossEntropy {
            if let Some(i) = t.iter().position(|&v| v < 0.0) {
                return Err(format!(
                    "{t_at}[{i}]: cross_entropy needs probabilities (≥ 0), got {}",
                    t[i]
                ));
            }
            let sum: f64 = t.iter().sum();
            if (sum - 1.0).abs() > 1e-9 {
                return Err(format!(
                    "{t_at}: cross_entropy needs probabilities that sum to 1, these sum to {sum}"
                ));
            }
        }
        Ok(())
    }
}

/// The layer's own fields: sizes within the limits, parameter counts that match, every
/// parameter a usable number.
fn check_fields(layer: &Layer, lat: &str) -> Result<(), String> {
    let f = |field: &str| format!("{lat}.{field}");
    match layer {
        Layer::Conv(c) => {
            in_range(
                c.out_channels,
                1,
                MAX_CHANNELS,
                &f("out_channels"),
                "channels",
            )?;
            in_range(c.kernel, 1, MAX_KERNEL, &f("kernel"), "")?;
            in_range(c.stride, 1, MAX_STRIDE, &f("stride"), "")?;
            in_range(c.padding, 0, MAX_PADDING, &f("padding"), "")?;
            in_range(
                c.in_channels,
                1,
                MAX_CHANNELS,
                &f("weights"),
                "input channels",
            )?;
            let dims = [c.out_channels, c.in_channels, c.kernel, c.kernel];
            let why = format!(
                "out_channels × input channels × kernel × kernel = {} × {} × {} × {}",
                dims[0], dims[1], dims[2], dims[3]
            );
            check_len(c.weights.len(), dims.iter().product(), &f("weights"), &why)?;
            check_len(
                c.biases.len(),
                c.out_channels,
                &f("biases"),
                "one per output channel",
            )?;
            check_values(&c.weights, &dims, &f("weights"))?;
            check_values(&c.biases, &[c.out_channels], &f("biases"))?;
        }
        Layer::MaxPool(p) | Layer::AvgPool(p) => {
            in_range(p.kernel, 1, MAX_KERNEL, &f("kernel"), "")?;
            in_range(p.stride, 1, MAX_STRIDE, &f("stride"), "")?;
            if p.padding > p.kernel / 2 {
                return Err(format!(
                    "{}: {} is more than half the kernel {} (expected at most {}, as PyTorch requires)",
                    f("padding"),
                    p.padding,
                    p.kernel,
                    p.kernel / 2
                ));
            }
        }
        Layer::Dense(d) => {
            in_range(d.outputs, 1, MAX_UNITS, &f("units"), "units")?;
            in_range(d.inputs, 1, MAX_VECTOR, &f("weights"), "inputs")?;
            let why = format!("units × inputs = {} × {}", d.outputs, d.inputs);
            check_len(d.weights.len(), d.outputs * d.inputs, &f("weights"), &why)?;
            check_len(d.biases.len(), d.outputs, &f("biases"), "one per unit")?;
            check_values(&d.weights, &[d.outputs, d.inputs], &f("weights"))?;
            check_values(&d.biases, &[d.outputs], &f("biases"))?;
        }
        Layer::Flatten | Layer::Activation(_) => {}
    }
    Ok(())
}
