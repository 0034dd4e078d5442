//! Checking a `kind: "cnn_step"` fixture: every expected number of every layer
//! (`output`, `grad_input`, `grad_weights`, `grad_biases`, `argmax` exactly), `loss`,
//! `updated_layers` and `loss_after_step`, with the rule of `fixtures/README.md`.

use super::format::Problem;
use super::layer::Layer;
use super::params::weight_dims;
use crate::fixture::Compare;
use crate::json::{self, field, join, opt, Value};

/// Compares a nested expected blob with a flat C-order one of dimensions `dims`.
fn nested(
    c: &mut Compare,
    at: &str,
    got: &[f64],
    dims: &[usize],
    exp: &Value,
) -> Result<(), String> {
    let [n, rest @ ..] = dims else {
        return c.num(at, got[0], exp);
    };
    if rest.is_empty() {
        return c.vec(at, got, exp);
    }
    let e = json::array(exp, at)?;
    if e.len() != *n {
        return Err(format!(
            "{at}: {} entries expected, the engine has {n}",
            e.len()
        ));
    }
    let step: usize = rest.iter().product();
    for (i, x) in e.iter().enumerate() {
        nested(
            c,
            &format!("{at}[{i}]"),
            &got[i * step..(i + 1) * step],
            rest,
            x,
        )?;
    }
    Ok(())
}

/// Checks that every expected winner is a whole number before comparing: an index
/// off by one is then far outside any tolerance, so the comparison is exact.
fn whole_numbers(v: &Value, at: &str) -> Result<(), String> {
    match v.as_array() {
        Some(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| whole_numbers(x, &format!("{at}[{i}]"))),
        None => json::count(v, at).map(|_| ()),
    }
}

/// Checks a `cnn_step` fixture's `expected` block against the engine's pass.
pub(crate) fn check_cnn(v: &Value, exp: &Value, c: &mut Compare) -> Result<(), String> {
    let pass = Problem::from_value(v, "")?.pass();
    let layers_at = "expected.layers";
    let el = json::array(field(exp, "layers", "expected")?, layers_at)?;
    if el.len() != pass.depth() {
        return Err(format!(
            "{layers_at}: {} layers expected, the network has {}",
            el.len(),
            pass.depth()
        ));
    }
    for (l, (x, layer)) in el.iter().zip(&pass.net.layers).enumerate() {
        let at = format!("{layers_at}[{l}]");
        let (inp, out) = (pass.shapes[l], pass.shapes[l + 1]);
        nested(
            c,
            &join(&at, "output"),
            &pass.outputs[l],
            &out.dims(),
            field(x, "output", &at)?,
        )?;
        let gi = field(x, "grad_input", &at)?;
        nested(
            c,
            &join(&at, "grad_input"),
            &pass.grad_inputs[l],
            &inp.dims(),
            gi,
        )?;
        if layer.params().is_some() {
            let g = &pass.grads[l];
            let gw = field(x, "grad_weights", &at)?;
            nested(
                c,
                &join(&at, "grad_weights"),
                &g.weights,
                &weight_dims(layer),
                gw,
            )?;
            c.vec(
                &join(&at, "grad_biases"),
                &g.biases,
                field(x, "grad_biases", &at)?,
            )?;
        } else if opt(x, "grad_weights").is_some() || opt(x, "grad_biases").is_some() {
            return Err(format!(
                "{at}: parameter gradients expected, but a {} layer has no parameters",
                layer.type_name()
            ));
        }
        if let Layer::MaxPool(_) = layer {
            let am_at = join(&at, "argmax");
            let am = field(x, "argmax", &at)?;
            whole_numbers(am, &am_at)?;
            let got: Vec<f64> = pass.argmax[l].iter().map(|&i| i as f64).collect();
            nested(c, &am_at, &got, &out.dims(), am)?;
        }
    }
    c.num("expected.loss", pass.loss, field(exp, "loss", "expected")?)?;
    let up_at = "expected.updated_layers";
    let up = json::array(field(exp, "updated_layers", "expected")?, up_at)?;
    if up.len() != pass.depth() {
        return Err(format!(
            "{up_at}: {} layers expected, the network has {}",
            up.len(),
            pass.depth()
        ));
    }
    for (l, (x, layer)) in up.iter().zip(&pass.updated.layers).enumerate() {
        let at = format!("{up_at}[{l}]");
        match layer.params() {
            Some((w, b)) => {
                nested(
                    c,
                    &join(&at, "weights"),
                    w,
                    &weight_dims(layer),
                    field(x, "weights", &at)?,
                )?;
                c.vec(&join(&at, "biases"), b, field(x, "biases", &at)?)?;
            }
            None if !x.is_null() => {
                return Err(format!(
                    "{at}: expected null (a {} layer has no parameters), found {}",
                    layer.type_name(),
                    json::kind(x)
                ));
            }
            None => {}
        }
    }
    c.num(
        "expected.loss_after_step",
        pass.loss_after,
        field(exp, "loss_after_step", "expected")?,
    )
}
