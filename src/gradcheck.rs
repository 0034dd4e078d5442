//! Gradient check: central finite differences for every weight and bias, compared
//! with backpropagation's gradients.

use crate::network::{Network, Workspace};
use serde::Serialize;

/// Step h of the central difference (L(θ+h) − L(θ−h)) / 2h.
pub const H: f64 = 1e-6;

/// One parameter's two gradients.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// 0-based layer.
    pub layer: usize,
    /// Unit i of the layer.
    pub to: usize,
    /// Input j, or `None` for the bias.
    pub from: Option<usize>,
    pub backprop: f64,
    pub numeric: f64,
    /// |bp − num| / max(|bp| + |num|, 1e-8).
    pub rel_error: f64,
}

/// All entries and the largest relative error.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub entries: Vec<Entry>,
    pub max_rel_error: f64,
}

/// |a − b| / max(|a| + |b|, 1e-8): the relative error the check reports.
pub fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / (a.abs() + b.abs()).max(1e-8)
}

/// Compares ∂L/∂θ from backprop with central differences for every parameter.
pub fn check(net: &Network, x: &[f64], t: &[f64]) -> Report {
    let grads = net.backward(&net.forward(x), t);
    // One copy, each parameter nudged and put back in turn (not a copy per parameter),
    // and one workspace for every pass.
    let mut probe = net.clone();
    let mut ws = Workspace::default();
    let mut entries = Vec::new();
    for (l, layer) in net.layers.iter().enumerate() {
        for i in 0..layer.width() {
            for from in (0..layer.fan_in()).map(Some).chain([None]) {
                let backprop = match from {
                    Some(j) => grads[l].weights[i][j],
                    None => grads[l].biases[i],
                };
                let numeric = central(&mut probe, &mut ws, x, t, l, i, from);
                entries.push(Entry {
                    layer: l,
                    to: i,
                    from,
                    backprop,
                    numeric,
                    rel_error: rel(backprop, numeric),
                });
            }
        }
    }
    let max_rel_error = entries.iter().map(|e| e.rel_error).fold(0.0, f64::max);
    Report {
        entries,
        max_rel_error,
    }
}

/// The central difference of one parameter: W(l)_ij, or b(l)_i when `j` is `None`.
pub fn numeric(net: &Network, x: &[f64], t: &[f64], l: usize, i: usize, j: Option<usize>) -> f64 {
    central(&mut net.clone(), &mut Workspace::default(), x, t, l, i, j)
}

/// [`numeric`] on `probe`, which is left as it was.
fn central(
    probe: &mut Network,
    ws: &mut Workspace,
    x: &[f64],
    t: &[f64],
    l: usize,
    i: usize,
    j: Option<usize>,
) -> f64 {
    let orig = param(probe, l, i, j);
    set_param(probe, l, i, j, orig + H);
    let up = probe.loss_with(x, t, ws);
    set_param(probe, l, i, j, orig - H);
    let down = probe.loss_with(x, t, ws);
    set_param(probe, l, i, j, orig);
    (up - down) / (2.0 * H)
}

fn param(n: &Network, l: usize, i: usize, j: Option<usize>) -> f64 {
    match j {
        Some(j) => n.layers[l].weights[i][j],
        None => n.layers[l].biases[i],
    }
}

fn set_param(n: &mut Network, l: usize, i: usize, j: Option<usize>, v: f64) {
    match j {
        Some(j) => n.layers[l].weights[i][j] = v,
        None => n.layers[l].biases[i] = v,
    }
}
