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

/// The largest |v[i]| over the units `shown` at the cursor: colours are scaled by what
/// is revealed, so a pale unit never gives away the size of a value still to come.
fn max_shown(v: &[f64], shown: impl Fn(usize) -> bool) -> f64 {
    max_abs(
        v.iter()
            .enumerate()
            .filter(|(i, _)| shown(*i))
            .map(|(_, x)| x),
    )
}

/// An edge's label as drawn: its lines and its box (centre and size, device pixels).
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeLabel {
    pub layer: usize,
    pub i: usize,
    pub j: usize,
    pub lines: Vec<String>,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl EdgeLabel {
    fn overlaps(&self, x: f64, y: f64, w: f64, h: f64) -> bool {
        (self.x - x).abs() * 2.0 < self.w + w && (self.y - y).abs() * 2.0 < self.h + h
    }
}

/// The text size of the units' small labels, in CSS pixels.
fn small_text(layout: &Layout, s: f64) -> f64 {
    (12.5f64).min(layout.radius / s * 0.5).max(8.0)
}

/// The edge labels at `cursor` and where they go: the weight, and ∂L/∂w once computed
/// in the backward pass. Each label slides along its edge, from the staggered place
/// [`Layout::edge_label`] gives it, to the first place where its box meets no label
/// placed before it and no unit; one that finds none is left out (the selected edge's
/// label, placed first, always shows). So no two labels ever overlap.
pub fn edge_labels(
    trace: &Trace,
    cursor: usize,
    selected: Option<&Hit>,
    layout: &Layout,
    s: f64,
) -> Vec<EdgeLabel> {
    let p = &trace.pass;
    let backward = matches!(trace.steps[cursor].phase, Phase::Backward | Phase::Update);
    let params = if trace.shows_update(cursor) {
        &p.updated
    } else {
        &p.net
    };
    let r = layout.radius;
    let fs = small_text(layout, s) * 0.9;
    let many_edges: usize = p.net.mlp_layers().map(|l| l.width() * l.fan_in()).sum();
    let label_all = many_edges <= 24 && r >= 14.0 * s;
    let mut edges: Vec<(usize, usize, usize)> = Vec::new();
    if let Some(&Hit::Edge { layer, i, j }) = selected {
        edges.push((layer, i, j));
    }
    if label_all {
        for (l, layer) in params.mlp_layers().enumerate() {
            for i in 0..layer.width() {
                edges.extend((0..layer.fan_in()).map(|j| (l, i, j)));
            }
        }
    }
    let units: Vec<(f64, f64)> = layout.columns.iter().flatten().copied().collect();
    let mut placed: Vec<EdgeLabel> = Vec::new();
    for (k, &(l, i, j)) in edges.iter().enumerate() {
        if k > 0 && edges[0] == (l, i, j) && selected.is_some() {
            continue;
        }
        let Some(layer) = params.mlp_layers().nth(l) else {
            continue;
        };
        let mut lines = vec![fmt(layer.w(i, j), 3)];
        if backward && trace.shows_grads(l, i, cursor) {
            lines.push(format!("∂{}", fmt(p.grad_w(l, i, j), 3)));
        }
        let wide = lines.iter().map(|t| t.chars().count()).max().unwrap_or(1) as f64;
        let w = wide * fs * s * 0.56 + 6.0 * s;
        let h = fs * s * 1.25 * lines.len() as f64 + 2.0 * s;
        let (a, b) = (layout.columns[l][j], layout.columns[l + 1][i]);
        let (x0, y0) = layout.edge_label(l, i, j);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt().max(1.0);
        let t0 = ((x0 - a.0) * (b.0 - a.0) + (y0 - a.1) * (b.1 - a.1)) / (len * len);
        // Places along the edge, nearest the staggered one first, in steps of a third of
        // the label's height, clear of the two units.
        let step = h / 3.0 / len;
        let ends = ((r + w.max(h) / 2.0) / len).min(0.5);
        let free = |x: f64, y: f64| {
            placed.iter().all(|q| !q.overlaps(x, y, w, h))
                && units.iter().all(|u| {
                    let dx = ((u.0 - x).abs() - w / 2.0).max(0.0);
                    let dy = ((u.1 - y).abs() - h / 2.0).max(0.0);
                    dx * dx + dy * dy >= r * r
                })
        };
        let chosen = (0..200)
            .map(|n| {
                t0 + step
                    * if n % 2 == 0 {
                        n as f64 / 2.0
                    } else {
                        -(n as f64 + 1.0) / 2.0
                    }
            })
            .filter(|t| *t >= ends && *t <= 1.0 - ends)
            .map(|t| (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t))
            .find(|&(x, y)| free(x, y));
        let (x, y) = match chosen {
            Some(at) => at,
            None if k == 0 && selected.is_some() => (x0, y0),
            None => continue,
        };
        placed.push(EdgeLabel {
            layer: l,
            i,
            j,
            lines,
            x,
            y,
            w,
            h,
        });
    }
    placed
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
    let small = small_text(layout, s);

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
        let fan = layer.fan_in();
        let gmax = max_abs(
            p.grad_ws(l)
                .iter()
                .enumerate()
                .filter(|(k, _)| trace.shows_grads(l, k / fan.max(1), cursor))
                .map(|(_, g)| g),
        );
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
    // Edge labels on top of all edges, where [`edge_labels`] puts them.
    let fs = small * 0.9;
    let lh = fs * s * 1.25;
    for label in edge_labels(trace, cursor, selected, layout, s) {
        let is_sel = selected
            == Some(&Hit::Edge {
                layer: label.layer,
                i: label.i,
                j: label.j,
            });
        let (x, y, w, h) = (label.x, label.y, label.w, label.h);
        area.draw(&Rectangle::new(
            [
                px((x - w / 2.0, y - h / 2.0)),
                px((x + w / 2.0, y + h / 2.0)),
            ],
            theme.background.mix(0.85).filled(),
        ))
        .map_err(err)?;
        let top = y - lh * (label.lines.len() as f64 - 1.0) / 2.0;
        for (k, text) in label.lines.into_iter().enumerate() {
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
        // Left of the unit, but inside the picture when a narrow view leaves no margin.
        let (label, fs, lx) = (
            format!("x{}", j + 1),
            small,
            (x - r - 16.0 * s).max(8.0 * s),
        );
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
        let amax = max_shown(p.a(l), |i| trace.shows_a(l, i, cursor));
        let dmax = max_shown(p.delta(l), |i| trace.shows_delta(l, i, cursor));
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
