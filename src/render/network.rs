//! The network view: units as circles, weighted edges between them. Forward values
//! (z, a) appear as the pass reaches them, δ and ∂L/∂w during the backward pass;
//! colour is the sign, strength and thickness the size. Values not reached are not drawn.

use super::layout::{Hit, Layout};
use super::{err, Theme};
use crate::lang::Lang;
use crate::number::fmt;
use crate::trace::{Phase, Trace};
use plotters::coord::Shift;
use plotters::prelude::*;

type Px = (i32, i32);

fn px(p: (f64, f64)) -> Px {
    (p.0.round() as i32, p.1.round() as i32)
}

/// The colour of a signed value, strong in proportion to |v| / max.
/// Text colour on a fill: light ink on strong fills, dark ink on pale ones (contrast).
fn ink_on(theme: &Theme, fill: &RGBAColor) -> RGBColor {
    if fill.3 > 0.55 {
        theme.background
    } else {
        theme.text
    }
}

fn signed(theme: &Theme, v: f64, max: f64, floor: f64) -> RGBAColor {
    let c = if v >= 0.0 {
        theme.positive
    } else {
        theme.negative
    };
    let s = if max > 0.0 {
        (v.abs() / max).min(1.0)
    } else {
        0.0
    };
    c.mix(floor + (1.0 - floor) * s)
}

fn max_abs<'a>(vals: impl Iterator<Item = &'a f64>) -> f64 {
    vals.fold(0.0f64, |m, v| m.max(v.abs()))
}

/// Draws the network at the trace's cursor. `selected` is the clicked unit or edge;
/// with `unit_maps` the caller puts a heatmap inside each unit, so no value is written there.
#[allow(clippy::too_many_arguments)]
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    trace: &Trace,
    cursor: usize,
    selected: Option<&Hit>,
    layout: &Layout,
    theme: &Theme,
    lang: Lang,
    unit_maps: bool,
) -> Result<(), String> {
    area.fill(&theme.background).map_err(err)?;
    let p = &trace.pass;
    let step = &trace.steps[cursor];
    let backward = matches!(step.phase, Phase::Backward | Phase::Update);
    let updated = trace.shows_update(cursor);
    let params = if updated { &p.updated } else { &p.net };
    let s = theme.scale;
    let r = layout.radius;
    let font = |px: f64, c: RGBColor| theme.centred(px, c);
    let small = (12.5f64).min(r / s * 0.5).max(8.0);
    let many_edges: usize = p.net.mlp_layers().map(|l| l.width() * l.fan_in()).sum();
    let label_all = many_edges <= 24 && r >= 14.0 * s;

    // Which units the current step writes (accent ring).
    let writes =
        |layer: usize, i: usize| step.layer == Some(layer) && step.neuron.is_none_or(|n| n == i);

    // Column headings; short ones when the view or the columns are narrow.
    let gap = match (layout.columns.first(), layout.columns.get(1)) {
        (Some(a), Some(b)) => (b[0].0 - a[0].0).abs(),
        _ => f64::INFINITY,
    };
    let short_heads = layout.narrow || gap < 100.0 * s;
    for (c, col) in layout.columns.iter().enumerate() {
        let x = col.first().map_or(0.0, |p| p.0);
        let head = match (c, lang, short_heads) {
            (0, _, true) => "x".to_string(),
            (0, Lang::Zh, _) => "输入 x".to_string(),
            (0, _, _) => "input x".to_string(),
            (c, _, true) => format!("{c}·{}", p.net.mlp(c - 1).activation.symbol()),
            (c, Lang::Zh, _) => format!("第 {c} 层 · {}", p.net.mlp(c - 1).activation.symbol()),
            (c, _, _) => format!("layer {c} · {}", p.net.mlp(c - 1).activation.symbol()),
        };
        area.draw(&Text::new(head, px((x, 14.0 * s)), font(12.0, theme.muted)))
            .map_err(err)?;
    }

    // Edges: w, or ∂L/∂w once computed during the backward pass. Opacity is rounded to
    // 1/32 and edges are drawn grouped by style, so the canvas strokes each group once.
    let mut edges: Vec<(ShapeStyle, Px, Px)> = Vec::new();
    let mut chosen = None;
    for (l, layer) in params.mlp_layers().enumerate() {
        let wmax = max_abs(layer.dense.weights.iter());
        let gmax = max_abs(p.grad_ws(l).iter());
        for i in 0..layer.width() {
            let show_grad = backward && trace.shows_grads(l, i, cursor);
            for j in 0..layer.fan_in() {
                let a = px(layout.columns[l][j]);
                let b = px(layout.columns[l + 1][i]);
                let w = layer.w(i, j);
                let (color, frac) = if show_grad {
                    let g = p.grad_w(l, i, j);
                    (
                        signed(theme, g, gmax, 0.2),
                        if gmax > 0.0 { g.abs() / gmax } else { 0.0 },
                    )
                } else {
                    (
                        signed(theme, w, wmax, if backward { 0.12 } else { 0.25 }),
                        if wmax > 0.0 { w.abs() / wmax } else { 0.0 },
                    )
                };
                let width = ((1.0 + 5.0 * frac) * s).round().max(1.0) as u32;
                if selected == Some(&Hit::Edge { layer: l, i, j }) {
                    chosen = Some((theme.accent.stroke_width(width + (3.0 * s) as u32), a, b));
                } else {
                    let color =
                        RGBAColor(color.0, color.1, color.2, (color.3 * 32.0).round() / 32.0);
                    edges.push((color.stroke_width(width), a, b));
                }
            }
        }
    }
    let key = |e: &(ShapeStyle, Px, Px)| {
        let c = e.0.color;
        (e.0.stroke_width, c.0, c.1, c.2, (c.3 * 32.0) as u32)
    };
    edges.sort_by_key(key);
    for (style, a, b) in edges.into_iter().chain(chosen) {
        area.draw(&PathElement::new(vec![a, b], style))
            .map_err(err)?;
    }
    // Edge labels on top of all edges.
    for (l, layer) in params.mlp_layers().enumerate() {
        for i in 0..layer.width() {
            let show_grad = trace.shows_grads(l, i, cursor);
            for j in 0..layer.fan_in() {
                let is_sel = selected == Some(&Hit::Edge { layer: l, i, j });
                if !(label_all || is_sel) {
                    continue;
                }
                let pos = layout.edge_label(l, i, j);
                let mut lines = vec![fmt(layer.w(i, j), 3)];
                if show_grad && backward {
                    lines.push(format!("∂{}", fmt(p.grad_w(l, i, j), 3)));
                }
                let fs = small * 0.9;
                let wide = lines.iter().map(|t| t.chars().count()).max().unwrap_or(1) as f64;
                let w = wide * fs * s * 0.56 + 6.0 * s;
                let lh = fs * s * 1.25;
                let h = lh * lines.len() as f64 + 2.0 * s;
                let (x, y) = pos;
                area.draw(&Rectangle::new(
                    [
                        px((x - w / 2.0, y - h / 2.0)),
                        px((x + w / 2.0, y + h / 2.0)),
                    ],
                    theme.background.mix(0.85).filled(),
                ))
                .map_err(err)?;
                let top = y - lh * (lines.len() as f64 - 1.0) / 2.0;
                for (k, text) in lines.into_iter().enumerate() {
                    let c = if is_sel {
                        theme.accent
                    } else if k == 1 {
                        theme.negative
                    } else {
                        theme.text
                    };
                    area.draw(&Text::new(text, px((x, top + lh * k as f64)), font(fs, c)))
                        .map_err(err)?;
                }
            }
        }
    }

    // Input units.
    let xmax = max_abs(p.input().iter());
    for (j, &(x, y)) in layout.columns[0].iter().enumerate() {
        let v = p.input()[j];
        let sel = selected == Some(&Hit::Neuron { layer: None, i: j });
        area.draw(&Circle::new(
            px((x, y)),
            r as i32,
            theme.background.filled(),
        ))
        .map_err(err)?;
        let fill = signed(theme, v, xmax, 0.15);
        area.draw(&Circle::new(px((x, y)), r as i32, fill.filled()))
            .map_err(err)?;
        let ring = if sel {
            theme.accent.stroke_width((4.0 * s) as u32)
        } else {
            theme.muted.stroke_width((1.5 * s).max(1.0) as u32)
        };
        area.draw(&Circle::new(px((x, y)), r as i32, ring))
            .map_err(err)?;
        if r >= 10.0 * s && !unit_maps {
            area.draw(&Text::new(
                fmt(v, 3),
                px((x, y)),
                font(small * 1.1, ink_on(theme, &fill)),
            ))
            .map_err(err)?;
        }
        let (label, fs, lx) = (format!("x{}", j + 1), small, x - r - 16.0 * s);
        // On features, the feature's formula (x₁², sin x₁), shrunk to fit left of the unit.
        #[cfg(feature = "full")]
        let (label, fs, lx) = match trace.source().and_then(|src| src.features.get(j)) {
            Some(f) => {
                let chars = f.formula().chars().count() as f64;
                let fs = small.min((x - r - 6.0 * s) / (chars * 0.56 * s)).max(7.0);
                let lx = lx.min(x - r - 4.0 * s - chars * 0.28 * fs * s);
                (f.formula().to_string(), fs, lx)
            }
            None => (label, fs, lx),
        };
        area.draw(&Text::new(label, px((lx, y)), font(fs, theme.muted)))
            .map_err(err)?;
    }

    // Layer units: z/a in the forward pass, δ in the backward pass.
    for (l, col) in layout.columns.iter().skip(1).enumerate() {
        let zs = &p.z(l);
        let amax = max_abs(p.a(l).iter());
        let dmax = max_abs(p.delta(l).iter());
        for (i, &(x, y)) in col.iter().enumerate() {
            let has_a = trace.shows_a(l, i, cursor);
            let has_z = trace.shows_z(l, i, cursor);
            let has_d = trace.shows_delta(l, i, cursor);
            let fill = if backward && has_d {
                signed(theme, p.delta(l)[i], dmax, 0.12)
            } else if has_a {
                signed(theme, p.a(l)[i], amax, 0.12)
            } else {
                theme.background.mix(0.0)
            };
            area.draw(&Circle::new(
                px((x, y)),
                r as i32,
                theme.background.filled(),
            ))
            .map_err(err)?;
            area.draw(&Circle::new(px((x, y)), r as i32, fill.filled()))
                .map_err(err)?;
            let sel = selected == Some(&Hit::Neuron { layer: Some(l), i });
            let ring = if sel {
                theme.accent.stroke_width((4.0 * s) as u32)
            } else if writes(l, i) {
                theme.accent.stroke_width((3.0 * s) as u32)
            } else {
                theme.muted.stroke_width((1.5 * s).max(1.0) as u32)
            };
            area.draw(&Circle::new(px((x, y)), r as i32, ring))
                .map_err(err)?;
            if r < 10.0 * s {
                continue;
            }
            // Inside: the value of this phase; below: the others reached so far.
            let (main, below): (Option<String>, Vec<String>) = if backward && has_d {
                (
                    Some(format!("δ {}", fmt(p.delta(l)[i], 3))),
                    vec![format!("a {}", fmt(p.a(l)[i], 3))],
                )
            } else if has_a {
                (
                    Some(format!("a {}", fmt(p.a(l)[i], 3))),
                    vec![format!("z {}", fmt(zs[i], 3))],
                )
            } else if has_z {
                (Some(format!("z {}", fmt(zs[i], 3))), vec![])
            } else {
                (None, vec![])
            };
            if let Some(m) = main.filter(|_| !unit_maps) {
                area.draw(&Text::new(m, px((x, y)), font(small, ink_on(theme, &fill))))
                    .map_err(err)?;
            }
            let mut yy = y + r + small * s * 0.9;
            for b in below
                .into_iter()
                .chain([format!("b {}", fmt(params.mlp(l).biases()[i], 3))])
            {
                area.draw(&Text::new(b, px((x, yy)), font(small * 0.9, theme.muted)))
                    .map_err(err)?;
                yy += small * s * 1.15;
            }
        }
    }

    // Targets and the loss, right of the output column.
    let last = layout.columns.len() - 1;
    for (i, &(x, y)) in layout.columns[last].iter().enumerate() {
        let t = format!("t{} = {}", i + 1, fmt(p.target[i], 3));
        area.draw(&Text::new(
            t,
            px((x + r + 34.0 * s, y)),
            font(small, theme.muted),
        ))
        .map_err(err)?;
    }
    if trace.shows_loss(cursor) {
        let (x, y) = layout.loss_at;
        let hl = step.phase == Phase::Loss;
        area.draw(&Rectangle::new(
            [
                px((x - 52.0 * s, y - 30.0 * s)),
                px((x + 52.0 * s, y + 30.0 * s)),
            ],
            if hl {
                theme.accent.stroke_width((3.0 * s) as u32)
            } else {
                theme.muted.stroke_width((1.5 * s) as u32)
            },
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            format!("L = {}", fmt(p.loss, 4)),
            px((x, y - 9.0 * s)),
            font(13.0, theme.text),
        ))
        .map_err(err)?;
        if updated {
            let after = if lang == Lang::Zh {
                "更新后"
            } else {
                "after"
            };
            area.draw(&Text::new(
                format!("{after} {}", fmt(p.loss_after, 4)),
                px((x, y + 12.0 * s)),
                font(11.0, theme.accent),
            ))
            .map_err(err)?;
        }
    }
    area.present().map_err(err)?;
    Ok(())
}
