//! The computation-graph view, in the style of d2l.ai's forward/backward chapter:
//! x → (W·a + b) → z(1) → (f) → a(1) → … → (ℓ) → L. Forward values flow left to right,
//! gradients right to left; where gradients from several paths are summed (into a
//! hidden a(l) from every unit above, into W from the loss and the L2 term) a Σ marks it.

use super::{err, Theme};
use crate::lang::Lang;
use crate::network::norm;
use crate::number::fmt;
use crate::trace::{Kind, Phase, Trace};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One box of the graph.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    /// a(l) for l = 0 (the input) … L.
    Act(usize),
    /// The affine op of layer l (0-based): W(l) a + b(l).
    Affine(usize),
    /// z(l), 0-based.
    Z(usize),
    /// The activation op of layer l.
    Fun(usize),
    /// The loss op ℓ(y, t).
    LossOp,
    /// The loss value L (or J = L + s with weight decay).
    Loss,
}

/// Minimum width of one column, in CSS pixels: room for a value at [`MIN_TEXT`], so a
/// narrow view wraps onto rows rather than shrinking its type.
const COL: f64 = 96.0;
/// The smallest text of the graph, in CSS pixels (readable in a course page's iframe).
pub const MIN_TEXT: f64 = 11.0;
/// Height of one row, in CSS pixels.
const ROW: f64 = 150.0;

fn sequence(depth: usize) -> Vec<Node> {
    let mut v = vec![Node::Act(0)];
    for l in 0..depth {
        v.extend([Node::Affine(l), Node::Z(l), Node::Fun(l), Node::Act(l + 1)]);
    }
    v.extend([Node::LossOp, Node::Loss]);
    v
}

/// Rows needed for a network of `depth` layers at `width` CSS pixels.
pub fn rows(depth: usize, width: f64) -> usize {
    let per_row = ((width - 20.0) / COL).floor().max(3.0) as usize;
    sequence(depth).len().div_ceil(per_row)
}

/// Height the view wants at `width` CSS pixels: its rows under the legend.
pub fn height(depth: usize, width: f64, lang: Lang) -> f64 {
    legend(lang, width).len() as f64 * LEGEND_LINE - LEGEND_LINE
        + rows(depth, width) as f64 * ROW
        + 16.0
}

/// Height of one legend line, in CSS pixels.
const LEGEND_LINE: f64 = 13.0;

/// The legend's lines at `width` CSS pixels: one line where it fits, else split at its
/// gaps. Widths are estimated (0.6 em a Latin character, 1 em a CJK one) so the height
/// is known before drawing.
fn legend(lang: Lang, width: f64) -> Vec<String> {
    let text = if lang == Lang::Zh {
        "→ 前向：数值    ← 反向：梯度    Σ：多条路径的梯度相加"
    } else {
        "→ forward: values    ← backward: gradients    Σ: gradients of several paths summed"
    };
    let est = |t: &str| {
        t.chars()
            .map(|c| if c >= '\u{2e80}' { 1.0 } else { 0.6 })
            .sum::<f64>()
            * 11.0
    };
    wrap(text, &|t: &str| est(t) <= width - 16.0)
}

/// A vector as its values when it has at most three and they fit `fits` (with `prefix`),
/// else as its norm: a column's text never runs into the next column.
fn vec_text(prefix: &str, v: &[f64], fits: &dyn Fn(&str) -> bool) -> String {
    if v.len() <= 3 {
        let values = v.iter().map(|x| fmt(*x, 3)).collect::<Vec<_>>().join(", ");
        let full = format!("{prefix}[{values}]");
        if fits(&full) {
            return full;
        }
    }
    format!("{prefix}‖·‖ {}", fmt(norm(v), 3))
}

/// Splits `text` at its wide gaps (four spaces) into as few lines as fit `fits`.
fn wrap(text: &str, fits: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut lines: Vec<String> = vec![];
    for part in text.split("    ") {
        match lines.last_mut() {
            Some(last) if fits(&format!("{last}    {part}")) => {
                *last = format!("{last}    {part}");
            }
            _ => lines.push(part.to_string()),
        }
    }
    lines
}

/// Draws the graph at the trace's cursor.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    trace: &Trace,
    cursor: usize,
    theme: &Theme,
    lang: Lang,
) -> Result<(), String> {
    area.fill(&theme.background).map_err(err)?;
    let p = &trace.pass;
    let depth = p.depth();
    let s = theme.scale;
    let (w, _h) = area.dim_in_pixel();
    let legend = legend(lang, w as f64 / s);
    let top = 70.0 + LEGEND_LINE * (legend.len() - 1) as f64;
    let seq = sequence(depth);
    let per_row = ((w as f64 / s - 20.0) / COL).floor().max(3.0) as usize;
    let col_w = (w as f64 - 20.0 * s) / per_row.min(seq.len()) as f64;
    let pos = |k: usize| -> (f64, f64) {
        let (r, c) = (k / per_row, k % per_row);
        (
            10.0 * s + col_w * (c as f64 + 0.5),
            (r as f64 * ROW + top) * s,
        )
    };
    let step = &trace.steps[cursor];
    let backward = matches!(step.phase, Phase::Backward | Phase::Update);
    let font = |px: f64, c: RGBColor| theme.centred(px, c);
    let all = |f: &dyn Fn(usize) -> bool, n: usize| (0..n).all(f);
    let lam = p.rule.weight_decay;
    let width_of = |text: &str, px: f64| {
        area.estimate_text_size(text, &font(px, theme.text))
            .map(|(tw, _)| tw as f64)
            .unwrap_or(0.0)
    };
    // Values fit a column, less a small gap to the next one's text.
    let fits_col = |text: &str| width_of(text, MIN_TEXT) <= col_w - 6.0 * s;
    // A centred text's x, moved in just far enough to lie inside the picture.
    let inside = |text: &str, px: f64, x: f64| {
        let half = width_of(text, px) / 2.0;
        let (lo, hi) = (half + 2.0 * s, w as f64 - half - 2.0 * s);
        if lo > hi {
            w as f64 / 2.0
        } else {
            x.clamp(lo, hi)
        }
    };

    // What each node shows: name, forward value (if reached), gradient (if reached), highlight.
    let info = |node: &Node| -> (String, Option<String>, Option<String>, bool) {
        match *node {
            Node::Act(0) => (
                "x".into(),
                Some(vec_text("", p.input(), &fits_col)),
                None,
                step.kind == Kind::Start,
            ),
            Node::Act(l) => {
                let i = l - 1;
                let n = p.net.mlp(i).width();
                let fwd = all(&|u| trace.shows_a(i, u, cursor), n)
                    .then(|| vec_text("", p.a(i), &fits_col));
                // ∂L/∂a(l): from the loss for the output, else Σ_k W δ from the layer above.
                let grad = if l == depth {
                    all(&|u| trace.shows_delta(i, u, cursor), n).then(|| "∂L/∂y".to_string())
                } else {
                    all(&|u| trace.shows_delta(l, u, cursor), p.net.mlp(l).width())
                        .then(|| vec_text("Σₖ ", p.back_sum(l), &fits_col))
                };
                let hl = step.kind == Kind::Activation && step.layer == Some(i);
                (format!("a({l})"), fwd, grad, hl)
            }
            Node::Z(l) => {
                let n = p.net.mlp(l).width();
                let fwd = all(&|u| trace.shows_z(l, u, cursor), n)
                    .then(|| vec_text("", p.z(l), &fits_col));
                let grad = all(&|u| trace.shows_delta(l, u, cursor), n)
                    .then(|| vec_text("δ ", p.delta(l), &fits_col));
                let hl = (step.kind == Kind::WeightedSum || step.kind == Kind::Delta)
                    && step.layer == Some(l);
                (format!("z({})", l + 1), fwd, grad, hl)
            }
            Node::Affine(l) => {
                let hl = step.kind == Kind::Gradients && step.layer == Some(l);
                ("W·a + b".into(), None, None, hl)
            }
            Node::Fun(l) => (
                p.net.mlp(l).activation.symbol().to_string(),
                None,
                None,
                false,
            ),
            Node::LossOp => ("ℓ(y, t)".into(), None, None, false),
            Node::Loss => {
                let name = if lam > 0.0 { "J = L + s" } else { "L" };
                let v = trace
                    .shows_loss(cursor)
                    .then(|| fmt(p.loss + lam * p.net.weight_norm_sq_half(), 4));
                (name.into(), v, None, step.kind == Kind::Loss)
            }
        }
    };

    // Forward arrows, and the gradient arrows beneath them once the backward pass reaches them.
    for (k, node) in seq.iter().enumerate().skip(1) {
        let (a, b) = (pos(k - 1), pos(k));
        let half = 34.0 * s;
        let path = if (b.1 - a.1).abs() < 1.0 {
            vec![(a.0 + half, a.1), (b.0 - half, b.1)]
        } else {
            let mid = a.1 + ROW * s * 0.62;
            vec![
                (a.0, a.1 + 30.0 * s),
                (a.0, mid),
                (b.0 - half - 8.0 * s, mid),
                (b.0 - half - 8.0 * s, b.1),
                (b.0 - half, b.1),
            ]
        };
        let px: Vec<(i32, i32)> = path.iter().map(|&(x, y)| (x as i32, y as i32)).collect();
        area.draw(&PathElement::new(
            px.clone(),
            theme.muted.stroke_width((1.5 * s).max(1.0) as u32),
        ))
        .map_err(err)?;
        let tip = *px.last().unwrap_or(&(0, 0));
        arrow_head(area, tip, 1, theme.muted, s)?;
        let (_, _, grad_b, _) = info(node);
        let reached = match node {
            Node::Loss => backward,
            _ => grad_b.is_some(),
        };
        if backward && reached && (b.1 - a.1).abs() < 1.0 {
            let y = a.1 + 8.0 * s;
            let g = vec![
                ((b.0 - half) as i32, y as i32),
                ((a.0 + half) as i32, y as i32),
            ];
            area.draw(&PathElement::new(
                g.clone(),
                theme.negative.stroke_width((2.0 * s) as u32),
            ))
            .map_err(err)?;
            arrow_head(area, g[1], -1, theme.negative, s)?;
        }
    }

    // Parameter nodes above each affine op, with their gradients once computed.
    for (k, node) in seq.iter().enumerate() {
        if let Node::Affine(l) = *node {
            let (x, y) = pos(k);
            let py = y - 44.0 * s;
            let n = p.net.mlp(l).width();
            let got = all(&|u| trace.shows_grads(l, u, cursor), n);
            let label = if got && backward {
                let gw = norm(p.grad_ws(l));
                format!("W({0}), b({0})  ‖∂L/∂W‖ {1}", l + 1, fmt(gw, 3))
            } else {
                format!("W({0}), b({0})", l + 1)
            };
            area.draw(&PathElement::new(
                vec![
                    (x as i32, (py + 8.0 * s) as i32),
                    (x as i32, (y - 18.0 * s) as i32),
                ],
                theme.muted.stroke_width((1.5 * s).max(1.0) as u32),
            ))
            .map_err(err)?;
            let lx = inside(&label, MIN_TEXT, x);
            area.draw(&Text::new(
                label,
                (lx as i32, py as i32),
                font(
                    MIN_TEXT,
                    if got && backward {
                        theme.negative
                    } else {
                        theme.text
                    },
                ),
            ))
            .map_err(err)?;
            if lam > 0.0 {
                let sx = inside("Σ: ∂L/∂W + λW", MIN_TEXT, x);
                area.draw(&Text::new(
                    "Σ: ∂L/∂W + λW",
                    (sx as i32, (py - 14.0 * s) as i32),
                    font(MIN_TEXT, theme.accent),
                ))
                .map_err(err)?;
            }
        }
    }

    // The boxes.
    for (k, node) in seq.iter().enumerate() {
        let (x, y) = pos(k);
        let (name, fwd, grad, hl) = info(node);
        let op = matches!(node, Node::Affine(_) | Node::Fun(_) | Node::LossOp);
        let (bw, bh) = if op {
            (30.0 * s, 16.0 * s)
        } else {
            (34.0 * s, 22.0 * s)
        };
        let rect = [
            ((x - bw) as i32, (y - bh) as i32),
            ((x + bw) as i32, (y + bh) as i32),
        ];
        area.draw(&Rectangle::new(
            rect,
            if op {
                theme.grid.filled()
            } else {
                theme.background.filled()
            },
        ))
        .map_err(err)?;
        let border = if hl {
            theme.accent.stroke_width((3.0 * s) as u32)
        } else {
            theme.muted.stroke_width((1.2 * s).max(1.0) as u32)
        };
        area.draw(&Rectangle::new(rect, border)).map_err(err)?;
        let name_y = if fwd.is_some() { y - 8.0 * s } else { y };
        area.draw(&Text::new(
            name,
            (x as i32, name_y as i32),
            font(if op { MIN_TEXT } else { 12.5 }, theme.text),
        ))
        .map_err(err)?;
        if let Some(v) = fwd {
            let vx = inside(&v, MIN_TEXT, x);
            area.draw(&Text::new(
                v,
                (vx as i32, (y + 9.0 * s) as i32),
                font(MIN_TEXT, theme.positive),
            ))
            .map_err(err)?;
        }
        if backward {
            if let Some(g) = grad {
                let gx = inside(&g, MIN_TEXT, x);
                area.draw(&Text::new(
                    g,
                    (gx as i32, (y + bh + 22.0 * s) as i32),
                    font(MIN_TEXT, theme.negative),
                ))
                .map_err(err)?;
            }
        }
    }
    for (i, line) in legend.into_iter().enumerate() {
        area.draw(&Text::new(
            line,
            (
                (w as f64 / 2.0) as i32,
                ((10.0 + LEGEND_LINE * i as f64) * s) as i32,
            ),
            font(MIN_TEXT, theme.muted),
        ))
        .map_err(err)?;
    }
    area.present().map_err(err)?;
    Ok(())
}

fn arrow_head<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    tip: (i32, i32),
    dir: i32,
    c: RGBColor,
    s: f64,
) -> Result<(), String> {
    let d = (6.0 * s) as i32;
    area.draw(&Polygon::new(
        vec![
            tip,
            (tip.0 - dir * d, tip.1 - d / 2 - 1),
            (tip.0 - dir * d, tip.1 + d / 2 + 1),
        ],
        c.filled(),
    ))
    .map_err(err)?;
    Ok(())
}
