//! Gradient check: central finite differences for every weight and bias, compared
//! with backpropagation's gradients.

use crate::engine::{Net, Param, Workspace};
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

/// The engine's place of W(l)_ij (`j` = None: b(l)_i) in a fully connected network.
pub fn mlp_param(net: &Net, l: usize, i: usize, j: Option<usize>) -> Param {
    match j {
        Some(j) => Param::Weight {
            layer: 2 * l,
            index: i * net.mlp(l).fan_in() + j,
        },
        None => Param::Bias {
            layer: 2 * l,
            index: i,
        },
    }
}

/// Compares ∂L/∂θ from backprop with central differences for every parameter of a
/// fully connected network, unit by unit (its weights, then its bias).
pub fn check(net: &Net, x: &[f64], t: &[f64]) -> Report {
    let mut ws = Workspace::default();
    let mut grads = Vec::new();
    net.forward_into(x, &mut ws);
    net.backward_into(x, t, &mut ws, &mut grads, false);
    // One copy, each parameter nudged and put back in turn, one workspace for every pass.
    let mut probe = net.clone();
    let mut entries = Vec::new();
    for (l, layer) in net.mlp_layers().enumerate() {
        for i in 0..layer.width() {
            for from in (0..layer.fan_in()).map(Some).chain([None]) {
                let p = mlp_param(net, l, i, from);
                let backprop = crate::engine::params::grad_of(&grads, p);
                let numeric = central(&mut probe, &mut ws, x, t, p);
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
pub fn numeric(net: &Net, x: &[f64], t: &[f64], l: usize, i: usize, j: Option<usize>) -> f64 {
    let p = mlp_param(net, l, i, j);
    central(&mut net.clone(), &mut Workspace::default(), x, t, p)
}

/// (L(θ + h) − L(θ − h)) / 2h of parameter `p` on `probe`, which is left as it was.
pub fn central(probe: &mut Net, ws: &mut Workspace, x: &[f64], t: &[f64], p: Param) -> f64 {
    let orig = probe.param(p);
    probe.set_param(p, orig + H);
    let up = probe.loss_with(x, t, ws);
    probe.set_param(p, orig - H);
    let down = probe.loss_with(x, t, ws);
    probe.set_param(p, orig);
    (up - down) / (2.0 * H)
}
