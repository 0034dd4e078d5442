//! The layer stack of a CNN, Caffe style: the input blob at the bottom, the loss at the
//! top, each layer a box with its type, its settings, the shapes of its bottom and top
//! blobs and its parameter count. The current layer is lit; layers whose forward (or,
//! in the backward phase, whose backward) is done are tinted, and the arrows between
//! the boxes point up in the forward pass and down in the backward pass, so the order
//! visibly runs from the top to the bottom once the loss is computed.

use super::maps::{cut, px, style};
use super::{err, Theme};
use crate::engine::Layer;
use crate::lang::Lang;
use crate::number::fmt;
use crate::trace::{Phase, Progress, Trace};
use crate::vocab::Named;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

const MARGIN: f64 = 10.0;
const TITLE: f64 = 24.0;
const BOX: f64 = 40.0;
const GAP: f64 = 14.0;
const LANE: f64 = 34.0;

/// The height (CSS px at zoom 1) the stack takes: one row per layer, the input and the loss.
pub fn height(trace: &Trace, _width: f64) -> f64 {
    let rows = trace.pass.net.layers.len() + 2;
    2.0 * MARGIN + TITLE + rows as f64 * BOX + (rows - 1) as f64 * GAP
}

/// A layer's settings, short: `2×2 /1 p0 · 1→1`.
fn settings(layer: &Layer) -> String {
    match layer {
        Layer::Conv(c) => format!(
            "{k}×{k} /{} p{} · {}→{}",
            c.stride,
            c.padding,
            c.in_channels,
            c.out_channels,
            k = c.kernel
        ),
        Layer::MaxPool(p) | Layer::AvgPool(p) => {
            format!("{k}×{k} /{} p{}", p.stride, p.padding, k = p.kernel)
        }
        Layer::Dense(d) => format!("{}→{}", d.inputs, d.outputs),
        _ => String::new(),
    }
}

/// The row (0 at the top) of engine layer `k`; the loss is row 0, the input the last.
fn row_of(n: usize, k: usize) -> usize {
    n - k
}

/// Draws the stack at `cursor`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    trace: &Trace,
    cursor: usize,
    theme: &Theme,
    lang: Lang,
) -> Result<(), String> {
    area.fill(&theme.background).map_err(err)?;
    let cursor = cursor.min(trace.len() - 1);
    let s = theme.scale;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as f64, h as f64);
    let p = &trace.pass;
    let n = p.net.layers.len();
    let step = &trace.steps[cursor];
    let backward = matches!(step.phase, Phase::Backward | Phase::Update);
    let rows = n + 2;
    // Shrink the rows (not the text) when the picture is shorter than the stack wants.
    let want = height(trace, w / s) * s;
    let k_fit = ((h - (2.0 * MARGIN + TITLE) * s) / (want - (2.0 * MARGIN + TITLE) * s)).min(1.0);
    let (bh, gap) = (BOX * s * k_fit.max(0.55), GAP * s * k_fit.max(0.3));
    let top = (MARGIN + TITLE) * s;
    let lane = LANE * s;
    let x0 = MARGIN * s + lane;
    let x1 = w - MARGIN * s;
    let room = (x1 - x0 - 16.0 * s).max(10.0);

    let title = if backward {
        lang.pick("Backward: loss → input", "反向传播：损失 → 输入")
    } else {
        lang.pick("Forward: input → loss", "前向传播：输入 → 损失")
    };
    let tpx = theme.font(14.0);
    area.draw(&Text::new(
        cut(title, tpx, w - 2.0 * MARGIN * s),
        px((MARGIN * s, MARGIN * s)),
        style(tpx, theme.text, HPos::Left, VPos::Top),
    ))
    .map_err(err)?;

    let y_of = |row: usize| top + row as f64 * (bh + gap);
    // The direction lane: one long arrow, up (forward) or down (backward).
    {
        let xa = MARGIN * s + lane * 0.45;
        let (ya, yb) = (y_of(0) + bh * 0.3, y_of(rows - 1) + bh * 0.7);
        let ink = if backward {
            theme.negative
        } else {
            theme.positive
        };
        let lw = (2.5 * s).round().max(1.0) as u32;
        area.draw(&PathElement::new(
            vec![px((xa, ya)), px((xa, yb))],
            ink.stroke_width(lw),
        ))
        .map_err(err)?;
        let (tip, dir) = if backward { (yb, -1.0) } else { (ya, 1.0) };
        let a = 7.0 * s;
        area.draw(&Polygon::new(
            vec![
                px((xa, tip)),
                px((xa - a, tip + dir * a * 1.5)),
                px((xa + a, tip + dir * a * 1.5)),
            ],
            ink.filled(),
        ))
        .map_err(err)?;
    }

    let lw = |x: f64| (x * s).round().max(1.0) as u32;
    let boxed = |row: usize,
                 fill: RGBAColor,
                 ring: RGBColor,
                 width: u32,
                 line1: String,
                 right: String,
                 line2: String|
     -> Result<(), String> {
        let y = y_of(row);
        area.draw(&Rectangle::new(
            [px((x0, y)), px((x1, y + bh))],
            theme.background.filled(),
        ))
        .map_err(err)?;
        area.draw(&Rectangle::new(
            [px((x0, y)), px((x1, y + bh))],
            fill.filled(),
        ))
        .map_err(err)?;
        area.draw(&Rectangle::new(
            [px((x0, y)), px((x1, y + bh))],
            ring.stroke_width(width),
        ))
        .map_err(err)?;
        let f1 = theme.font(13.0).min(bh * 0.42);
        let f2 = theme.font(11.0).min(bh * 0.34);
        let rw = super::maps::text_w(&right, f2);
        let two = bh >= (f1 + f2) * 1.1;
        let y1 = if two {
            y + bh * 0.08
        } else {
            y + (bh - f1) / 2.0
        };
        area.draw(&Text::new(
            cut(&line1, f1, room - rw - 8.0 * s),
            px((x0 + 8.0 * s, y1)),
            style(f1, theme.text, HPos::Left, VPos::Top),
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            right,
            px((x1 - 8.0 * s, y1 + (f1 - f2) / 2.0)),
            style(f2, theme.muted, HPos::Right, VPos::Top),
        ))
        .map_err(err)?;
        if two && !line2.is_empty() {
            area.draw(&Text::new(
                cut(&line2, f2, room),
                px((x0 + 8.0 * s, y + bh * 0.92 - f2)),
                style(f2, theme.muted, HPos::Left, VPos::Top),
            ))
            .map_err(err)?;
        }
        Ok(())
    };

    // Connectors between the boxes, pointing the way the pass runs.
    for row in 0..rows - 1 {
        let xc = (x0 + x1) / 2.0;
        let (ya, yb) = (y_of(row) + bh, y_of(row + 1));
        if yb - ya < 3.0 {
            continue;
        }
        let ink = theme.muted;
        area.draw(&PathElement::new(
            vec![px((xc, ya)), px((xc, yb))],
            ink.stroke_width(lw(1.5)),
        ))
        .map_err(err)?;
        let a = ((yb - ya) * 0.45).min(5.0 * s);
        let (tip, dir) = if backward { (yb, -1.0) } else { (ya, 1.0) };
        area.draw(&Polygon::new(
            vec![
                px((xc, tip)),
                px((xc - a, tip + dir * a * 1.4)),
                px((xc + a, tip + dir * a * 1.4)),
            ],
            ink.filled(),
        ))
        .map_err(err)?;
    }

    // The loss.
    let loss_known = trace.shows_loss(cursor);
    let lit = step.phase == Phase::Loss;
    let (fill, ring, width) = state_style(theme, lit, loss_known, false);
    boxed(
        0,
        fill,
        ring,
        width,
        lang.pick(
            format!("loss · {}", p.net.loss.name()),
            format!("损失 · {}", p.net.loss.name()),
        ),
        if loss_known {
            format!("L = {}", fmt(p.loss, 4))
        } else {
            String::new()
        },
        lang.pick(
            format!("bottom {} · target {}", p.shapes[n], p.target.len()),
            format!("输入 {}，目标 t {}", p.shapes[n], p.target.len()),
        ),
    )?;
    for (k, layer) in p.net.layers.iter().enumerate() {
        let fwd = trace.forward_progress(k, cursor);
        let bwd = trace.backward_progress(k, cursor);
        let lit = step.layer == Some(k);
        let done = if backward {
            bwd == Progress::Done
        } else {
            fwd == Progress::Done
        };
        let (fill, ring, width) = state_style(theme, lit, done, backward);
        let count = layer.param_count();
        let params = if count == 0 {
            String::new()
        } else {
            lang.pick(format!("{count} params"), format!("{count} 个参数"))
        };
        boxed(
            row_of(n, k),
            fill,
            ring,
            width,
            format!("{}  {}  {}", k + 1, layer.type_name(), settings(layer)),
            params,
            lang.pick(
                format!("bottom {} → top {}", p.shapes[k], p.shapes[k + 1]),
                format!("底部 {} → 顶部 {}", p.shapes[k], p.shapes[k + 1]),
            ),
        )?;
    }
    let (fill, ring, width) = state_style(theme, step.phase == Phase::Start, true, false);
    boxed(
        rows - 1,
        fill,
        ring,
        width,
        lang.pick("input x".into(), "输入 x".into()),
        String::new(),
        lang.pick(
            format!("top {}", p.shapes[0]),
            format!("顶部 {}", p.shapes[0]),
        ),
    )?;
    area.present().map_err(err)?;
    Ok(())
}

/// (fill, ring, ring width) of a box: lit (current), done, or not reached.
fn state_style(theme: &Theme, lit: bool, done: bool, backward: bool) -> (RGBAColor, RGBColor, u32) {
    let s = theme.scale;
    if lit {
        (
            theme.accent.mix(0.2),
            theme.accent,
            (3.0 * s).round().max(2.0) as u32,
        )
    } else if done {
        let c = if backward {
            theme.negative
        } else {
            theme.positive
        };
        (c.mix(0.13), theme.muted, (1.0 * s).round().max(1.0) as u32)
    } else {
        (
            theme.background.mix(0.0),
            theme.grid,
            (1.0 * s).round().max(1.0) as u32,
        )
    }
}

/// The stack as SVG (text widths estimated).
pub fn svg(
    trace: &Trace,
    cursor: usize,
    theme: &Theme,
    lang: Lang,
    size: (u32, u32),
) -> Result<String, String> {
    super::recorder::svg(size, None, |root| draw(root, trace, cursor, theme, lang))
}
