//! A convolution as matrix products (im2col), the way Caffe computes it: the patch
//! matrix P has one row per output position (i, j) and one column per (c, u, v), so the
//! forward pass is P · Kᵀ (+ b) = the output, and in the backward pass
//! ∂L/∂K = δᵀ · P and ∂L/∂x = col2im(δ · K). Drawn for the current step's conv layer;
//! rows and columns past what fits are cut with "⋮" and "…" (the current window's row
//! stays in view). Values not reached yet are empty grey cells.

use super::maps::{cut, draw_grid, number_font, outline, pick, px, style, CellValue};
use super::{err, Theme};
use crate::engine::im2col::Matrix;
use crate::engine::Layer;
use crate::lang::Lang;
use crate::number::fmt;
use crate::trace::{Phase, Progress, Trace};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Which of the three sizes an axis of a matrix runs over.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Axis {
    /// Output positions: H'·W' (cut to a window around the current one).
    Pos,
    /// Patch columns (c, u, v): C·k·k (cut at the end).
    Col,
    /// Output channels: all of them.
    Chan,
}

struct Mat {
    en: String,
    zh: String,
    sub: String,
    rows: Axis,
    cols: Axis,
    /// Values with what is known at the cursor.
    value: Box<dyn Fn(usize, usize) -> CellValue>,
    /// The op drawn before it.
    op: &'static str,
}

/// The shown part of each axis: (first, count, full length).
#[derive(Clone, Copy)]
struct Cuts {
    pos: (usize, usize, usize),
    col: (usize, usize, usize),
    chan: (usize, usize, usize),
}

impl Cuts {
    fn of(&self, a: Axis) -> (usize, usize, usize) {
        match a {
            Axis::Pos => self.pos,
            Axis::Col => self.col,
            Axis::Chan => self.chan,
        }
    }
}

fn known(
    m: &Matrix,
    show: impl Fn(usize, usize) -> bool + 'static,
) -> Box<dyn Fn(usize, usize) -> CellValue> {
    let m = m.clone();
    Box::new(move |r, c| {
        if show(r, c) {
            CellValue::Value(m.at(r, c))
        } else {
            CellValue::Hidden
        }
    })
}

/// Draws the im2col view of the current step's conv layer.
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
    let m = 10.0 * s;
    let step = &trace.steps[cursor];
    let p = &trace.pass;
    let conv = match step.layer.map(|k| (k, &p.net.layers[k])) {
        Some((k, Layer::Conv(c))) => Some((k, c)),
        _ => None,
    };
    let Some((k, conv)) = conv else {
        let text = lang.pick(
            "Convolution as a matrix product: step to a convolution layer to see its patch matrix",
            "卷积即矩阵乘法：走到一个卷积层，就能看到它的图像块矩阵",
        );
        let f = theme.font(13.0);
        area.draw(&Text::new(
            cut(text, f, w - 2.0 * m),
            px((m, m)),
            style(f, theme.muted, HPos::Left, VPos::Top),
        ))
        .map_err(err)?;
        area.present().map_err(err)?;
        return Ok(());
    };
    let backward = step.phase == Phase::Backward;
    let (input, out) = (p.shapes[k], p.shapes[k + 1]);
    let (o_n, ho, wo) = out.chw();
    let r_n = ho * wo;
    let q_n = conv.kernel_len();
    let patches = conv.im2col(input, p.layer_input(k));
    let kmat = conv.kernel_matrix();
    let fwd = trace.forward_progress(k, cursor);
    let bwd = trace.backward_progress(k, cursor);
    let all = |_: usize, _: usize| true;
    let mut bands: Vec<(String, String, Vec<Mat>)> = vec![];
    if !backward {
        let z = {
            let mut data = Vec::with_capacity(r_n * o_n);
            for r in 0..r_n {
                data.extend((0..o_n).map(|o| p.outputs[k][o * r_n + r]));
            }
            Matrix {
                rows: r_n,
                cols: o_n,
                data,
            }
        };
        bands.push((
            "Forward: patches × Kᵀ + b = the output. P: one row per window (i,j), one column per kernel cell (c,u,v)".into(),
            "前向：图像块矩阵 × Kᵀ + b = 输出。P：每个窗口 (i,j) 一行，每个卷积核单元 (c,u,v) 一列".into(),
            vec![
                Mat { en: "patches P".into(), zh: "图像块矩阵 P".into(), sub: format!("{r_n}×{q_n}"), rows: Axis::Pos, cols: Axis::Col, value: known(&patches, all), op: "" },
                Mat { en: "Kᵀ".into(), zh: "Kᵀ".into(), sub: format!("{q_n}×{o_n}"), rows: Axis::Col, cols: Axis::Chan, value: known(&kmat.transpose(), all), op: "×" },
                Mat { en: "output".into(), zh: "输出".into(), sub: format!("{r_n}×{o_n} (+ b)"), rows: Axis::Pos, cols: Axis::Chan, value: known(&z, move |r, o| fwd.shows(o, r)), op: "+ b =" },
            ],
        ));
    } else {
        let delta = &p.grad_inputs[k + 1];
        let dm = conv.delta_matrix(out, delta);
        let gk = dm.transpose().mul(&patches);
        let dk = dm.mul(&kmat);
        let rows_done = move |r: usize| (0..o_n).all(|o| bwd.shows(o, r)) && bwd != Progress::None;
        bands.push((
            "∂L/∂K = δᵀ × patches (δ: one row per window, one column per output channel)".into(),
            "∂L/∂K = δᵀ × 图像块矩阵（δ：每个窗口一行，每个输出通道一列）".into(),
            vec![
                Mat {
                    en: "δᵀ".into(),
                    zh: "δᵀ".into(),
                    sub: format!("{o_n}×{r_n}"),
                    rows: Axis::Chan,
                    cols: Axis::Pos,
                    value: known(&dm.transpose(), all),
                    op: "",
                },
                Mat {
                    en: "patches P".into(),
                    zh: "图像块矩阵 P".into(),
                    sub: format!("{r_n}×{q_n}"),
                    rows: Axis::Pos,
                    cols: Axis::Col,
                    value: known(&patches, all),
                    op: "×",
                },
                Mat {
                    en: "∂L/∂K".into(),
                    zh: "∂L/∂K".into(),
                    sub: format!("{o_n}×{q_n}"),
                    rows: Axis::Chan,
                    cols: Axis::Col,
                    value: known(&gk, move |o, _| bwd.shows(o, r_n - 1)),
                    op: "=",
                },
            ],
        ));
        bands.push((
            "∂L/∂x = col2im(δ × K): each row is one window's share, added back onto the cells it read".into(),
            "∂L/∂x = col2im(δ × K)：每一行是一个窗口的份额，加回到它读过的单元上".into(),
            vec![
                Mat { en: "δ".into(), zh: "δ".into(), sub: format!("{r_n}×{o_n}"), rows: Axis::Pos, cols: Axis::Chan, value: known(&dm, all), op: "" },
                Mat { en: "K".into(), zh: "K".into(), sub: format!("{o_n}×{q_n}"), rows: Axis::Chan, cols: Axis::Col, value: known(&kmat, all), op: "×" },
                Mat { en: "δ × K".into(), zh: "δ × K".into(), sub: format!("{r_n}×{q_n} → col2im"), rows: Axis::Pos, cols: Axis::Col, value: known(&dk, move |r, _| rows_done(r)), op: "=" },
            ],
        ));
    }
    // Sizes: a common cell, cut axes to fit.
    let title_h = 22.0 * s;
    let cap_h = 18.0 * s;
    let head_h = 30.0 * s;
    let mark = 14.0 * s;
    let label_w = 40.0 * s;
    let op_w = |op: &str| {
        if op.is_empty() {
            18.0 * s
        } else {
            super::maps::text_w(op, 16.0 * s) + 16.0 * s
        }
    };
    let nb = bands.len() as f64;
    let fixed_h = title_h + nb * (cap_h + head_h + 2.0 * mark) + (nb - 1.0) * 10.0 * s + 2.0 * m;
    let len = |a: Axis| match a {
        Axis::Pos => r_n,
        Axis::Col => q_n,
        Axis::Chan => o_n,
    };
    let need = |b: &Vec<Mat>| -> (f64, f64, f64) {
        // (cells across, fixed px across, cells down)
        let across: usize = b.iter().map(|m| len(m.cols)).sum();
        let fixed: f64 = label_w + b.iter().map(|m| op_w(m.op) + mark).sum::<f64>();
        let down = b.iter().map(|m| len(m.rows)).max().unwrap_or(1);
        (across as f64, fixed, down as f64)
    };
    let mut cs = 32.0 * s;
    let mut down_total = 0.0;
    for (_, _, b) in &bands {
        let (a, f, d) = need(b);
        cs = cs.min((w - 2.0 * m - f) / a);
        down_total += d;
    }
    // Big enough to print the numbers; axes that do not fit are cut instead.
    cs = cs
        .min((h - fixed_h) / down_total)
        .max(26.0 * s)
        .min(32.0 * s)
        .min(((h - fixed_h) / (2.0 * nb)).max(4.0))
        .floor();
    // Cut: rows of positions to what fits the height, patch columns to the width.
    let per_band_h = (h - fixed_h) / nb;
    let max_down = ((per_band_h / cs).floor() as usize).max(2);
    let cur = step.window.unwrap_or(0).min(r_n.saturating_sub(1));
    let window = |n: usize, cap: usize, around: usize| -> (usize, usize, usize) {
        let cap = cap.clamp(1, n.max(1));
        let start = around.saturating_sub(cap / 2).min(n - cap);
        (start, cap, n)
    };
    let mut cuts = Cuts {
        pos: window(r_n, max_down, cur),
        col: (
            0,
            if bands
                .iter()
                .any(|b| b.2.iter().any(|m| m.rows == Axis::Col))
            {
                q_n.min(max_down)
            } else {
                q_n
            },
            q_n,
        ),
        chan: (0, o_n, o_n),
    };
    // Columns: the widest band decides how many positions and patch columns fit across.
    for (_, _, b) in &bands {
        let (_, f, _) = need(b);
        let room = ((w - 2.0 * m - f) / cs).floor() as usize;
        let fixed_cells: usize = b.iter().filter(|m| m.cols == Axis::Chan).count() * o_n;
        let free = room.saturating_sub(fixed_cells);
        let n_col = b.iter().filter(|m| m.cols == Axis::Col).count();
        let n_pos = b.iter().filter(|m| m.cols == Axis::Pos).count();
        let shares = n_col + n_pos;
        if let Some(each) = free.checked_div(shares) {
            let each = each.max(1);
            if n_col > 0 {
                cuts.col.1 = cuts.col.1.min(each);
            }
            if n_pos > 0 {
                cuts.pos = window(r_n, cuts.pos.1.min(each), cur);
            }
        }
    }
    let tf = theme.font(14.0);
    let title = lang.pick(
        format!("Layer {} as matrix products (im2col)", k + 1),
        format!("第 {} 层作为矩阵乘法（im2col）", k + 1),
    );
    area.draw(&Text::new(
        cut(&title, tf, w - 2.0 * m),
        px((m, m)),
        style(tf, theme.text, HPos::Left, VPos::Top),
    ))
    .map_err(err)?;
    let mut y = m + title_h;
    let lw = (2.5 * s).max(2.0);
    for (en, zh, mats) in &bands {
        let f = theme.font(12.0);
        area.draw(&Text::new(
            cut(pick(lang, en, zh), f, w - 2.0 * m),
            px((m, y)),
            style(f, theme.muted, HPos::Left, VPos::Top),
        ))
        .map_err(err)?;
        y += cap_h;
        let top = y + head_h + mark;
        let mut x = m + label_w;
        let mut band_down: f64 = 0.0;
        for (n, mat) in mats.iter().enumerate() {
            let (r0, rn, rfull) = cuts.of(mat.rows);
            let (c0, cn, cfull) = cuts.of(mat.cols);
            if !mat.op.is_empty() {
                let ow = op_w(mat.op);
                area.draw(&Text::new(
                    mat.op,
                    px((x + ow / 2.0, top + (rn as f64 * cs).min(per_band_h) / 2.0)),
                    style(theme.font(16.0), theme.text, HPos::Center, VPos::Center),
                ))
                .map_err(err)?;
                x += ow;
            } else if n > 0 {
                x += op_w("");
            }
            let mw = cn as f64 * cs;
            let hf = theme.font(12.0);
            let sf = theme.font(10.5);
            let room = (mw + mark).max(60.0 * s);
            area.draw(&Text::new(
                cut(pick(lang, &mat.en, &mat.zh), hf, room),
                px((x, y)),
                style(hf, theme.text, HPos::Left, VPos::Top),
            ))
            .map_err(err)?;
            area.draw(&Text::new(
                cut(&mat.sub, sf, room),
                px((x, y + 15.0 * s)),
                style(sf, theme.muted, HPos::Left, VPos::Top),
            ))
            .map_err(err)?;
            // Values of the shown part, their scale and font.
            let mut vals = Vec::with_capacity(rn * cn);
            let mut max: f64 = 0.0;
            for r in r0..r0 + rn {
                for c in c0..c0 + cn {
                    let v = (mat.value)(r, c);
                    if let CellValue::Value(v) = v {
                        if v.is_finite() {
                            max = max.max(v.abs());
                        }
                    }
                    vals.push(v);
                }
            }
            let labels: Vec<String> = vals
                .iter()
                .filter_map(|v| match v {
                    CellValue::Value(v) => Some(fmt(*v, 3)),
                    _ => None,
                })
                .collect();
            let font = number_font(&labels, cs, theme);
            let rect = |k: usize| {
                let (x0, y0) = (x + (k % cn) as f64 * cs, top + (k / cn) as f64 * cs);
                ((x0, y0), (x0 + cs, y0 + cs))
            };
            draw_grid(
                area,
                theme,
                (0..rn * cn).map(|k| (rect(k), vals[k])),
                max,
                font,
            )?;
            // The current window's row (or column, in δᵀ).
            if step.window.is_some() {
                if mat.rows == Axis::Pos && (r0..r0 + rn).contains(&cur) {
                    let y0 = top + (cur - r0) as f64 * cs;
                    outline(area, ((x, y0), (x + mw, y0 + cs)), theme.accent, lw)?;
                }
                if mat.cols == Axis::Pos && (c0..c0 + cn).contains(&cur) {
                    let x0 = x + (cur - c0) as f64 * cs;
                    outline(
                        area,
                        ((x0, top), (x0 + cs, top + rn as f64 * cs)),
                        theme.accent,
                        lw,
                    )?;
                }
            }
            // Row labels (i, j) left of the first matrix.
            if n == 0 && mat.rows == Axis::Pos {
                let lf = theme.font(10.0).min(cs * 0.5);
                for (a, r) in (r0..r0 + rn).enumerate() {
                    let t = format!("({},{})", r / wo + 1, r % wo + 1);
                    area.draw(&Text::new(
                        cut(&t, lf, label_w - 4.0 * s),
                        px((x - 4.0 * s, top + (a as f64 + 0.5) * cs)),
                        style(lf, theme.muted, HPos::Right, VPos::Center),
                    ))
                    .map_err(err)?;
                }
            }
            // Cut marks.
            let mf = theme.font(13.0);
            if r0 > 0 {
                area.draw(&Text::new(
                    "⋮",
                    px((x + mw / 2.0, top - mark / 2.0)),
                    style(mf, theme.muted, HPos::Center, VPos::Center),
                ))
                .map_err(err)?;
            }
            if r0 + rn < rfull {
                area.draw(&Text::new(
                    "⋮",
                    px((x + mw / 2.0, top + rn as f64 * cs + mark / 2.0)),
                    style(mf, theme.muted, HPos::Center, VPos::Center),
                ))
                .map_err(err)?;
            }
            if c0 + cn < cfull {
                area.draw(&Text::new(
                    "…",
                    px((x + mw + mark / 2.0, top + (rn as f64 * cs) / 2.0)),
                    style(mf, theme.muted, HPos::Center, VPos::Center),
                ))
                .map_err(err)?;
            }
            x += mw + mark;
            band_down = band_down.max(rn as f64 * cs);
        }
        y = top + band_down + mark + 10.0 * s;
    }
    area.present().map_err(err)?;
    Ok(())
}

/// The view as SVG (text widths estimated).
pub fn svg(
    trace: &Trace,
    cursor: usize,
    theme: &Theme,
    lang: Lang,
    size: (u32, u32),
) -> Result<String, String> {
    super::recorder::svg(size, None, |root| draw(root, trace, cursor, theme, lang))
}
