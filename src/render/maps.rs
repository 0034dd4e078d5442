//! The maps view of a CNN: the current step's layer as grids of numbers. Its input
//! blob, its kernels, its output (forward) or its gradients (backward), one grid per
//! channel, each cell coloured on a diverging scale (sign colours, strength |v| / the
//! largest revealed magnitude of that blob) with its number while the map is small.
//!
//! Forward through a conv or pool layer, window by window: the window outlined on the
//! input, the kernel beside it and the output cell it makes, and below, the window's
//! products (x ⊙ K) and their sum. Backward through a conv layer: ∂L/∂K as the
//! correlation of the input with δ, ∂L/∂b as the sum of δ, ∂L/∂x as the full
//! convolution of the dilated, padded δ with the kernel turned 180°, and one input
//! cell's gradient computed both ways. Backward through max pooling: the switches;
//! through average pooling: the even spread.
//!
//! Values not reached yet (by [`Trace::forward_progress`] / [`Trace::backward_progress`])
//! are empty grey cells: never their number, never their colour. [`layout`] is computed
//! once from the trace, the cursor and the picture size, and shared by [`draw`] and
//! [`hit`], so a click lands on exactly the cell that was drawn there.

use super::{err, Theme};
use crate::engine::{Conv, Layer, Pool, Shape};
use crate::lang::Lang;
use crate::number::fmt;
use crate::trace::{Phase, Progress, Trace};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::HashMap;

/// What the page has selected in the maps view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Focus {
    /// A selected kernel weight K[o][c][u][v] of the current conv layer (0-based).
    pub kernel: Option<[usize; 4]>,
    /// An input cell (c, i, j) of the current conv layer, whose gradient is shown both
    /// ways in its backward step (default: the cell of the largest |∂L/∂x|).
    pub cell: Option<(usize, usize, usize)>,
    /// The im2col panel is open: the current window is named by its patch-matrix row.
    pub im2col: bool,
}

/// What a click in the maps view hit (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MapHit {
    /// K[o][c][u][v] of the current conv layer (its kernel, its gradient or its turned
    /// copy: the cell names the weight it shows).
    Kernel([usize; 4]),
    /// A cell of the network's input image x (paint it).
    Input { c: usize, i: usize, j: usize },
    /// A cell of blob `blob` (layer `blob`'s input; a vector's entry n is c = n) or of
    /// its gradient.
    Cell {
        blob: usize,
        c: usize,
        i: usize,
        j: usize,
    },
}

/// What a grid shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum What {
    /// Channel `c` of blob `blob` (blob 0 is the image x, blob k + 1 layer k's output).
    Blob { blob: usize, c: usize },
    /// ∂L/∂(blob `blob`), channel `c`.
    Grad { blob: usize, c: usize },
    /// K[o][c] of conv layer `layer`; `after`: as updated.
    Kernel {
        layer: usize,
        o: usize,
        c: usize,
        after: bool,
    },
    /// ∂L/∂K[o][c].
    KernelGrad { layer: usize, o: usize, c: usize },
    /// rot180(K[o][c]).
    Rot { layer: usize, o: usize, c: usize },
    /// K[o][c] again, beside the current window (the forward's window band).
    WindowKernel { layer: usize, o: usize, c: usize },
    /// δ[o] of conv layer `layer`'s output, dilated by the stride and padded by k − 1.
    Padded { layer: usize, o: usize },
    /// The biases of a conv or dense layer, as a column; `after`: as updated.
    Bias { layer: usize, after: bool },
    /// ∂L/∂b.
    BiasGrad { layer: usize },
    /// A dense layer's W (units × inputs).
    Weights { layer: usize },
    /// ∂L/∂W of a dense layer.
    WeightsGrad { layer: usize },
    /// The current window of sliding layer `layer` on its input channel `c`.
    Window { layer: usize, c: usize },
    /// The current window's products x ⊙ K[o][c].
    Products { layer: usize, c: usize },
    /// The output cell the current window makes.
    Sum { layer: usize },
    /// f′ of an activation layer at its input, channel `c`.
    Deriv { layer: usize, c: usize },
    /// The target t.
    Target,
}

/// A grid placed in the picture, in device pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub what: What,
    /// Top-left corner of cell (0, 0).
    pub x: f64,
    pub y: f64,
    /// Side of one cell.
    pub cell: f64,
    pub rows: usize,
    pub cols: usize,
    /// Rings of zero padding drawn around the real cells (cell (i, j) of the blob is at
    /// grid row i + pad, column j + pad).
    pub pad: usize,
    /// Small label above the grid (`[2]`, `K[1,2]`), the same in every language.
    pub caption: String,
    /// The map is small enough (≤ 10 × 10 real cells) to print its numbers.
    pub small: bool,
}

impl Grid {
    /// The rectangle of cell (r, c): top-left and bottom-right corners.
    pub fn cell_rect(&self, r: usize, c: usize) -> ((f64, f64), (f64, f64)) {
        let x0 = self.x + c as f64 * self.cell;
        let y0 = self.y + r as f64 * self.cell;
        ((x0, y0), (x0 + self.cell, y0 + self.cell))
    }

    /// The centre of cell (r, c).
    pub fn centre(&self, r: usize, c: usize) -> (f64, f64) {
        let ((x0, y0), (x1, y1)) = self.cell_rect(r, c);
        ((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    }

    /// The cell under (x, y), if any.
    pub fn at(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let (fx, fy) = ((x - self.x) / self.cell, (y - self.y) / self.cell);
        (fx >= 0.0 && fy >= 0.0 && fx < self.cols as f64 && fy < self.rows as f64)
            .then_some((fy as usize, fx as usize))
    }
}

/// Which colour a label is drawn in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InkRole {
    Text,
    Muted,
    Accent,
}

/// A text of the picture in both languages, left-aligned (or centred) at its top.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub x: f64,
    pub y: f64,
    pub en: String,
    pub zh: String,
    /// Unscaled font size (the theme scales it).
    pub px: f64,
    pub ink: InkRole,
    pub centred: bool,
    /// The room it has: a longer text is cut with "…".
    pub room: f64,
}

/// A mark over the grids that depends on the step (not on the selection).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mark {
    /// A `h × w` block of grid cells from (r, c) outlined: the current window.
    Window {
        what: What,
        r: usize,
        c: usize,
        h: usize,
        w: usize,
    },
    /// One cell outlined: the cell the step writes or reads.
    Cell { what: What, r: usize, c: usize },
    /// A max-pool switch: the cell that won a window.
    Switch { what: What, r: usize, c: usize },
    /// A whole grid outlined: the kernel in use.
    Frame { what: What },
}

/// Where everything of the maps view goes, for a trace at a cursor and a size.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub grids: Vec<Grid>,
    pub labels: Vec<Label>,
    pub marks: Vec<Mark>,
    /// Lines of text written at draw time (the "both ways" sums): their top-left corners.
    pub lines: Vec<(f64, f64)>,
    /// The width each line may take.
    pub line_room: f64,
    pub width: f64,
    pub height: f64,
    /// The cell size the grids got.
    pub cell: f64,
    pub scale: f64,
}

impl Layout {
    /// The grid showing `what`.
    pub fn grid(&self, what: What) -> Option<&Grid> {
        self.grids.iter().find(|g| g.what == what)
    }
}

// ---------------------------------------------------------------------------------
// Shared drawing helpers (also used by the layer stack and the im2col view).

/// Estimated width of `text` at font size `px`: 0.6 em a Latin character, 1 em a CJK
/// one (the recorder's estimate, wider for Chinese).
pub(crate) fn text_w(text: &str, px: f64) -> f64 {
    text.chars()
        .map(|ch| if (ch as u32) >= 0x2E80 { 1.0 } else { 0.6 })
        .sum::<f64>()
        * px
}

/// `text` cut with "…" to fit `room` pixels at `px`.
pub(crate) fn cut(text: &str, px: f64, room: f64) -> String {
    if text_w(text, px) <= room {
        return text.to_string();
    }
    let mut out = String::new();
    for ch in text.chars() {
        let next = format!("{out}{ch}…");
        if text_w(&next, px) > room {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

/// A sans-serif style at `px` (already scaled) in `ink`, anchored at (h, v).
pub(crate) fn style(px: f64, ink: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (FontFamily::SansSerif, px)
        .into_font()
        .color(&ink)
        .pos(Pos::new(h, v))
}

/// The colour of a signed value: the sign colour, strong in proportion to |v| / max.
pub(crate) fn signed(theme: &Theme, v: f64, max: f64) -> RGBAColor {
    let c = if v >= 0.0 {
        theme.positive
    } else {
        theme.negative
    };
    let s = if max > 0.0 && v.is_finite() {
        (v.abs() / max).min(1.0)
    } else {
        0.0
    };
    c.mix(0.06 + 0.94 * s)
}

/// Ink on a fill: light on strong fills, dark on pale ones.
pub(crate) fn ink_on(theme: &Theme, fill: &RGBAColor) -> RGBColor {
    if fill.3 > 0.55 {
        theme.background
    } else {
        theme.text
    }
}

pub(crate) fn px(p: (f64, f64)) -> (i32, i32) {
    (p.0.round() as i32, p.1.round() as i32)
}

/// A label's text in `lang`.
pub(crate) fn pick<'a>(lang: Lang, en: &'a str, zh: &'a str) -> &'a str {
    lang.pick(en, zh)
}

/// What one cell holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CellValue {
    /// No cell there (past the end of a wrapped vector).
    Absent,
    /// Zero padding (or a structural zero of the dilated δ): drawn pale, "0".
    Padding,
    /// Not reached yet: an empty grey cell.
    Hidden,
    Value(f64),
}

/// Width of a number in em: digits about 0.56 em, the point and the minus narrower.
pub(crate) fn num_w(text: &str) -> f64 {
    text.chars()
        .map(|ch| match ch {
            '.' => 0.3,
            '-' => 0.36,
            _ => 0.57,
        })
        .sum()
}

/// The font that fits the longest of `labels` (numbers) in a `cell` px wide cell, if it
/// is big enough to read (7.5 px at zoom 1).
pub(crate) fn number_font(labels: &[String], cell: f64, theme: &Theme) -> Option<f64> {
    let long = labels
        .iter()
        .map(|l| num_w(l))
        .fold(0.0f64, f64::max)
        .max(num_w("0.00"));
    let fs = (cell * 0.88 / long).min(theme.font(12.5)).min(cell * 0.45);
    // In half pixels, rounded down: the canvas resolves each new font string (about
    // 0.5 ms), and the longest label changes with every edit.
    let fs = (fs * 2.0).floor() / 2.0;
    (fs >= theme.font(7.5)).then_some(fs)
}

/// Draws a grid's cells, each at its rectangle: the fills (grey when hidden), then the
/// borders, then the numbers (with `font`), those of one ink together. In this order a
/// canvas sets each style once per run, not twice per cell, and a grid's borders are
/// one path.
pub(crate) fn draw_grid<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    theme: &Theme,
    cells: impl Iterator<Item = (((f64, f64), (f64, f64)), CellValue)> + Clone,
    max: f64,
    font: Option<f64>,
) -> Result<(), String> {
    let shown = cells.filter(|(_, v)| !matches!(v, CellValue::Absent));
    let mut numbers: Vec<(RGBColor, String, (i32, i32))> = Vec::new();
    for (rect, v) in shown.clone() {
        let (a, b) = (px(rect.0), px(rect.1));
        let centre = px(((rect.0 .0 + rect.1 .0) / 2.0, (rect.0 .1 + rect.1 .1) / 2.0));
        // Opaque fills: nothing under them needs drawing.
        let (fill, number) = match v {
            CellValue::Absent => continue,
            CellValue::Hidden => (theme.grid.to_rgba(), None),
            CellValue::Padding => (theme.background.to_rgba(), Some((theme.muted, "0".into()))),
            CellValue::Value(x) => {
                let fill = signed(theme, x, max);
                (fill, Some((ink_on(theme, &fill), fmt(x, 3))))
            }
        };
        area.draw(&Rectangle::new([a, (b.0 - 1, b.1 - 1)], fill.filled()))
            .map_err(err)?;
        if let (Some((ink, text)), Some(_)) = (number, font) {
            numbers.push((ink, text, centre));
        }
    }
    for (rect, _) in shown {
        let (a, b) = (px(rect.0), px(rect.1));
        area.draw(&Rectangle::new(
            [a, (b.0 - 1, b.1 - 1)],
            theme.grid.stroke_width(1),
        ))
        .map_err(err)?;
    }
    if let Some(fs) = font {
        // Numbers never overlap: any order draws the same picture.
        numbers.sort_by_key(|(ink, ..)| (ink.0, ink.1, ink.2));
        for (ink, text, centre) in numbers {
            area.draw(&Text::new(
                text,
                centre,
                style(fs, ink, HPos::Center, VPos::Center),
            ))
            .map_err(err)?;
        }
    }
    Ok(())
}

/// A rectangle outline `w` px wide around `rect`.
pub(crate) fn outline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rect: ((f64, f64), (f64, f64)),
    ink: RGBColor,
    w: f64,
) -> Result<(), String> {
    let h = w / 2.0;
    area.draw(&Rectangle::new(
        [
            px((rect.0 .0 - h, rect.0 .1 - h)),
            px((rect.1 .0 + h - 1.0, rect.1 .1 + h - 1.0)),
        ],
        ink.stroke_width(w.round().max(1.0) as u32),
    ))
    .map_err(err)
    .map(|_| ())
}

// ---------------------------------------------------------------------------------
// What each step shows: the plan, independent of the size.

struct Item {
    what: What,
    rows: usize,
    cols: usize,
    pad: usize,
    caption: String,
    zoom: f64,
    small: bool,
}

struct Group {
    en: String,
    zh: String,
    /// A second, language-free line: a symbol and a shape.
    sub: String,
    items: Vec<Item>,
    /// Items a row (kernels: one column per input channel).
    per_row: usize,
    /// The operator drawn in the gap before this group.
    op: Option<String>,
    /// Channels that may be laid side by side instead of stacked (when that gives
    /// bigger cells): the items a row then.
    wide: Option<usize>,
    /// Items a row when stacked.
    tall: usize,
}

struct Band {
    caption: Option<(String, String)>,
    groups: Vec<Group>,
}

struct Plan {
    title: (String, String),
    bands: Vec<Band>,
    lines: usize,
    marks: Vec<Mark>,
    /// Biggest cell (unscaled).
    max_cell: f64,
}

/// Blob b's symbol: a(0) is the image x.
fn sym(b: usize) -> String {
    format!("a({b})")
}

/// The rows and columns a blob of `shape` takes as grids: a map's channels, or a
/// vector wrapped into columns of at most 12.
fn grid_dims(shape: Shape) -> (usize, usize, usize) {
    match shape {
        Shape::Vector(n) => {
            let rows = n.clamp(1, 12);
            (1, rows, n.div_ceil(rows).max(1))
        }
        Shape::Map { c, h, w } => (c, h, w),
    }
}

fn blob_items(t: &Trace, blob: usize, pad: usize, zoom: f64, grad: bool) -> Vec<Item> {
    let shape = t.pass.shapes[blob];
    let (ch, h, w) = grid_dims(shape);
    (0..ch)
        .map(|c| Item {
            what: if grad {
                What::Grad { blob, c }
            } else {
                What::Blob { blob, c }
            },
            rows: h + 2 * pad,
            cols: w + 2 * pad,
            pad,
            caption: if ch > 1 {
                format!("[{}]", c + 1)
            } else {
                String::new()
            },
            zoom,
            small: h.max(w) <= 10,
        })
        .collect()
}

fn group(en: impl Into<String>, zh: impl Into<String>, sub: String, items: Vec<Item>) -> Group {
    let per_row = if items.len() > 4 {
        items.len().div_ceil(4)
    } else {
        1
    };
    let n = items.len();
    Group {
        en: en.into(),
        zh: zh.into(),
        sub,
        items,
        per_row,
        op: None,
        wide: (n > 1).then_some(n.min(8)),
        tall: per_row,
    }
}

/// Lays channels side by side (`wide`) or stacked.
fn arrange(p: &mut Plan, wide: bool) {
    for g in p.bands.iter_mut().flat_map(|b| b.groups.iter_mut()) {
        g.per_row = match (wide, g.wide) {
            (true, Some(n)) => n,
            _ => g.tall,
        };
    }
}

/// Kernels: one row per output channel, one column per input channel, always.
fn fixed(g: &mut Group, per_row: usize) {
    g.per_row = per_row;
    g.tall = per_row;
    g.wide = None;
}

fn with_op(mut g: Group, op: &str) -> Group {
    g.op = Some(op.to_string());
    g
}

fn blob_group(t: &Trace, blob: usize, pad: usize, zoom: f64) -> Group {
    let shape = t.pass.shapes[blob];
    let (en, zh) = if blob == 0 {
        ("input x", "输入 x")
    } else if blob == t.pass.net.layers.len() {
        ("output y", "输出 y")
    } else {
        ("input", "输入")
    };
    group(
        en,
        zh,
        format!("{} {shape}", sym(blob)),
        blob_items(t, blob, pad, zoom, false),
    )
}

fn out_group(t: &Trace, blob: usize) -> Group {
    let shape = t.pass.shapes[blob];
    group(
        "output",
        "输出",
        format!("{} {shape}", sym(blob)),
        blob_items(t, blob, 0, 1.0, false),
    )
}

fn grad_group(t: &Trace, blob: usize, pad: usize, en: &str, zh: &str) -> Group {
    let shape = t.pass.shapes[blob];
    group(
        en,
        zh,
        format!("δ({blob}) = ∂L/∂{} {shape}", sym(blob)),
        blob_items(t, blob, pad, 1.0, true),
    )
}

fn kernel_items(conv: &Conv, layer: usize, after: bool) -> Vec<Item> {
    let mut v = vec![];
    for o in 0..conv.out_channels {
        for c in 0..conv.in_channels {
            v.push(Item {
                what: What::Kernel { layer, o, c, after },
                rows: conv.kernel,
                cols: conv.kernel,
                pad: 0,
                caption: format!("[{},{}]", o + 1, c + 1),
                zoom: 1.0,
                small: conv.kernel <= 10,
            });
        }
    }
    v
}

fn kernels_group(conv: &Conv, layer: usize, after: bool, en: &str, zh: &str, s: &str) -> Group {
    let mut g = group(en, zh, s.to_string(), kernel_items(conv, layer, after));
    fixed(&mut g, conv.in_channels);
    g
}

fn column(what: What, n: usize, caption: String) -> Item {
    Item {
        what,
        rows: n,
        cols: 1,
        pad: 0,
        caption,
        zoom: 1.0,
        small: n <= 12,
    }
}

fn target_group(t: &Trace) -> Group {
    let n = t.pass.target.len();
    let (_, rows, cols) = grid_dims(Shape::Vector(n));
    group(
        "target",
        "目标",
        format!("t {n}"),
        vec![Item {
            what: What::Target,
            rows,
            cols,
            pad: 0,
            caption: String::new(),
            zoom: 1.0,
            small: true,
        }],
    )
}

/// The image at a step that is not about it: small, but big enough to paint on.
fn image_group(t: &Trace) -> Group {
    let (_, h, w) = grid_dims(t.pass.shapes[0]);
    let zoom = (6.0 / h.max(w) as f64).clamp(0.55, 1.0);
    let mut g = blob_group(t, 0, 0, zoom);
    g.en = "image x".into();
    g.zh = "图像 x".into();
    g
}

/// Window position (i, j) of output cell `w` of a sliding layer with output `out`.
fn pos(out: Shape, w: usize) -> (usize, usize) {
    let (_, _, wo) = out.chw();
    (w / wo.max(1), w % wo.max(1))
}

/// The window's geometry of a sliding layer: (kernel, stride, padding).
fn window_of(layer: &Layer) -> Option<(usize, usize, usize)> {
    match layer {
        Layer::Conv(c) => Some((c.kernel, c.stride, c.padding)),
        Layer::MaxPool(p) | Layer::AvgPool(p) => Some((p.kernel, p.stride, p.padding)),
        _ => None,
    }
}

/// A layer's one-line description in both languages.
pub(crate) fn describe(layer: &Layer) -> (String, String) {
    match layer {
        Layer::Conv(c) => (
            format!(
                "conv {k}×{k}, stride {}, padding {}, {} → {} channels",
                c.stride,
                c.padding,
                c.in_channels,
                c.out_channels,
                k = c.kernel
            ),
            format!(
                "卷积 {k}×{k}，步长 {}，填充 {}，{} → {} 通道",
                c.stride,
                c.padding,
                c.in_channels,
                c.out_channels,
                k = c.kernel
            ),
        ),
        Layer::MaxPool(p) => (
            format!(
                "max pool {k}×{k}, stride {}, padding {}",
                p.stride,
                p.padding,
                k = p.kernel
            ),
            format!(
                "最大池化 {k}×{k}，步长 {}，填充 {}",
                p.stride,
                p.padding,
                k = p.kernel
            ),
        ),
        Layer::AvgPool(p) => (
            format!(
                "average pool {k}×{k}, stride {}, padding {}",
                p.stride,
                p.padding,
                k = p.kernel
            ),
            format!(
                "平均池化 {k}×{k}，步长 {}，填充 {}",
                p.stride,
                p.padding,
                k = p.kernel
            ),
        ),
        Layer::Flatten => ("flatten".into(), "展平".into()),
        Layer::Dense(d) => (
            format!("dense {} → {}", d.inputs, d.outputs),
            format!("全连接 {} → {}", d.inputs, d.outputs),
        ),
        Layer::Activation(a) => (
            format!("activation {}", a.symbol()),
            format!("激活函数 {}", a.symbol()),
        ),
    }
}

fn plan(t: &Trace, cursor: usize) -> Plan {
    let step = &t.steps[cursor];
    let n = t.pass.net.layers.len();
    let mut p = Plan {
        title: (String::new(), String::new()),
        bands: vec![],
        lines: 0,
        marks: vec![],
        max_cell: 44.0,
    };
    let Some(k) = step.layer else {
        match step.phase {
            Phase::Loss => {
                p.title = (
                    "Loss: the output y against the target t".into(),
                    "损失：输出 y 与目标 t".into(),
                );
                p.bands.push(Band {
                    caption: None,
                    groups: vec![image_group(t), blob_group(t, n, 0, 1.0), target_group(t)],
                });
                p.lines = 1;
            }
            Phase::Update => {
                p.title = (
                    "Update: K ← K − η ∂L/∂K for every kernel".into(),
                    "更新：每个卷积核 K ← K − η ∂L/∂K".into(),
                );
                let mut first = true;
                for (l, layer) in t.pass.net.layers.iter().enumerate() {
                    let Layer::Conv(c) = layer else { continue };
                    let mut groups = vec![];
                    if first {
                        groups.push(image_group(t));
                    }
                    first = false;
                    let (en, zh) = describe(layer);
                    groups.push(kernels_group(
                        c,
                        l,
                        false,
                        "kernels before",
                        "更新前的卷积核",
                        &format!("K({})", l + 1),
                    ));
                    groups.push(with_op(grad_kernels(c, l), "− η ·"));
                    groups.push(with_op(
                        kernels_group(
                            c,
                            l,
                            true,
                            "kernels after",
                            "更新后的卷积核",
                            &format!("K({})", l + 1),
                        ),
                        "=",
                    ));
                    p.bands.push(Band {
                        caption: Some((
                            format!("layer {} · {en}", l + 1),
                            format!("第 {} 层 · {zh}", l + 1),
                        )),
                        groups,
                    });
                }
                if p.bands.is_empty() {
                    p.bands.push(Band {
                        caption: None,
                        groups: vec![image_group(t)],
                    });
                }
                p.lines = 1;
            }
            _ => {
                p.title = (
                    "The input image x: paint it with the mouse or a finger".into(),
                    "输入图像 x：可以用鼠标或手指在上面绘画".into(),
                );
                let mut g = blob_group(t, 0, 0, 1.0);
                g.en = "image x".into();
                g.zh = "图像 x".into();
                p.bands.push(Band {
                    caption: None,
                    groups: vec![g, target_group(t)],
                });
                p.max_cell = 56.0;
            }
        }
        return p;
    };
    let layer = &t.pass.net.layers[k];
    let (den, dzh) = describe(layer);
    let forward = step.phase == Phase::Forward;
    p.title = if forward {
        (
            format!("Forward · layer {} · {den}", k + 1),
            format!("前向传播 · 第 {} 层 · {dzh}", k + 1),
        )
    } else {
        (
            format!("Backward · layer {} · {den}", k + 1),
            format!("反向传播 · 第 {} 层 · {dzh}", k + 1),
        )
    };
    let out = t.pass.shapes[k + 1];
    let input = t.pass.shapes[k];
    let cur = step.window.map(|w| (step.neuron.unwrap_or(0), pos(out, w)));
    let mut band0 = vec![];
    if k > 0 {
        band0.push(image_group(t));
    }
    let pad = window_of(layer).map_or(0, |w| w.2);
    let last = k + 1 == n;
    if forward {
        match layer {
            Layer::Conv(conv) => {
                band0.push(blob_group(t, k, pad, 1.0));
                band0.push(with_op(
                    kernels_group(
                        conv,
                        k,
                        false,
                        "kernels",
                        "卷积核",
                        &format!("K({})", k + 1),
                    ),
                    "⋆",
                ));
                band0.push(with_op(
                    group(
                        "bias",
                        "偏置",
                        format!("b({})", k + 1),
                        vec![column(
                            What::Bias {
                                layer: k,
                                after: false,
                            },
                            conv.out_channels,
                            String::new(),
                        )],
                    ),
                    "+",
                ));
                band0.push(with_op(out_group(t, k + 1), "="));
                p.bands.push(Band {
                    caption: None,
                    groups: band0,
                });
                let o = step.neuron;
                if let Some((o, (i, j))) = cur {
                    let kk = conv.kernel;
                    let items =
                        |f: &dyn Fn(usize) -> What, cap: &dyn Fn(usize) -> String| -> Vec<Item> {
                            (0..conv.in_channels)
                                .map(|c| Item {
                                    what: f(c),
                                    rows: kk,
                                    cols: kk,
                                    pad: 0,
                                    caption: cap(c),
                                    zoom: 1.0,
                                    small: true,
                                })
                                .collect()
                        };
                    let chan = |c: usize| {
                        if conv.in_channels > 1 {
                            format!("[{}]", c + 1)
                        } else {
                            String::new()
                        }
                    };
                    let win = group(
                        "window",
                        "窗口",
                        format!("({},{})", i + 1, j + 1),
                        items(&|c| What::Window { layer: k, c }, &chan),
                    );
                    let ker = with_op(
                        group(
                            "kernel",
                            "卷积核",
                            format!("K({})[{}]", k + 1, o + 1),
                            items(&|c| What::WindowKernel { layer: k, o, c }, &chan),
                        ),
                        "⊙",
                    );
                    let prods = with_op(
                        group(
                            "products",
                            "乘积",
                            "x · K".into(),
                            items(&|c| What::Products { layer: k, c }, &chan),
                        ),
                        "=",
                    );
                    let sum = with_op(
                        group(
                            "output cell",
                            "输出单元",
                            format!("{}[{},{},{}]", sym(k + 1), o + 1, i + 1, j + 1),
                            vec![column(What::Sum { layer: k }, 1, String::new())],
                        ),
                        "Σ + b =",
                    );
                    p.bands.push(Band {
                        caption: Some((
                            format!("This step: the window at ({},{}) times the kernel, cell by cell; their sum plus b makes one output cell", i + 1, j + 1),
                            format!("这一步：位置 ({},{}) 的窗口与卷积核逐格相乘，乘积之和加上 b 得到一个输出单元", i + 1, j + 1),
                        )),
                        groups: vec![win, ker, prods, sum],
                    });
                    for c in 0..conv.in_channels {
                        p.marks.push(Mark::Window {
                            what: What::Blob { blob: k, c },
                            r: i * conv.stride,
                            c: j * conv.stride,
                            h: kk,
                            w: kk,
                        });
                        p.marks.push(Mark::Frame {
                            what: What::Kernel {
                                layer: k,
                                o,
                                c,
                                after: false,
                            },
                        });
                    }
                    p.marks.push(Mark::Cell {
                        what: What::Blob { blob: k + 1, c: o },
                        r: i,
                        c: j,
                    });
                    p.marks.push(Mark::Cell {
                        what: What::Bias {
                            layer: k,
                            after: false,
                        },
                        r: o,
                        c: 0,
                    });
                } else if let Some(o) = o {
                    for c in 0..conv.in_channels {
                        p.marks.push(Mark::Frame {
                            what: What::Kernel {
                                layer: k,
                                o,
                                c,
                                after: false,
                            },
                        });
                    }
                    p.marks.push(Mark::Frame {
                        what: What::Blob { blob: k + 1, c: o },
                    });
                }
            }
            Layer::MaxPool(pool) | Layer::AvgPool(pool) => {
                let max = matches!(layer, Layer::MaxPool(_));
                band0.push(blob_group(t, k, pad, 1.0));
                band0.push(with_op(
                    out_group(t, k + 1),
                    if max { "max →" } else { "mean →" },
                ));
                p.bands.push(Band {
                    caption: None,
                    groups: band0,
                });
                if let Some((o, (i, j))) = cur {
                    let kk = pool.kernel;
                    let win = group(
                        "window",
                        "窗口",
                        format!("[{}]({},{})", o + 1, i + 1, j + 1),
                        vec![Item {
                            what: What::Window { layer: k, c: o },
                            rows: kk,
                            cols: kk,
                            pad: 0,
                            caption: String::new(),
                            zoom: 1.0,
                            small: true,
                        }],
                    );
                    let sum = with_op(
                        group(
                            "output cell",
                            "输出单元",
                            format!("{}[{},{},{}]", sym(k + 1), o + 1, i + 1, j + 1),
                            vec![column(What::Sum { layer: k }, 1, String::new())],
                        ),
                        if max { "max =" } else { "mean =" },
                    );
                    p.bands.push(Band {
                        caption: Some(if max {
                            (format!("This step: the largest value of the window at ({},{}) (its winner is marked ○)", i + 1, j + 1), format!("这一步：位置 ({},{}) 的窗口中的最大值（胜出的单元用 ○ 标出）", i + 1, j + 1))
                        } else {
                            (format!("This step: the mean of the window at ({},{}), padding counted as zeros", i + 1, j + 1), format!("这一步：位置 ({},{}) 的窗口的平均值（填充按 0 计入）", i + 1, j + 1))
                        }),
                        groups: vec![win, sum],
                    });
                    p.marks.push(Mark::Window {
                        what: What::Blob { blob: k, c: o },
                        r: i * pool.stride,
                        c: j * pool.stride,
                        h: kk,
                        w: kk,
                    });
                    p.marks.push(Mark::Cell {
                        what: What::Blob { blob: k + 1, c: o },
                        r: i,
                        c: j,
                    });
                } else if let Some(o) = step.neuron {
                    p.marks.push(Mark::Frame {
                        what: What::Blob { blob: k + 1, c: o },
                    });
                }
                if max {
                    switches(t, cursor, k, pool, false, &mut p.marks);
                }
            }
            Layer::Dense(d) => {
                band0.push(group(
                    "weights",
                    "权重",
                    format!("W({}) {}×{}", k + 1, d.outputs, d.inputs),
                    vec![Item {
                        what: What::Weights { layer: k },
                        rows: d.outputs,
                        cols: d.inputs,
                        pad: 0,
                        caption: String::new(),
                        zoom: 1.0,
                        small: d.inputs.max(d.outputs) <= 12,
                    }],
                ));
                band0.push(with_op(blob_group(t, k, 0, 1.0), "·"));
                band0.push(with_op(
                    group(
                        "bias",
                        "偏置",
                        format!("b({})", k + 1),
                        vec![column(
                            What::Bias {
                                layer: k,
                                after: false,
                            },
                            d.outputs,
                            String::new(),
                        )],
                    ),
                    "+",
                ));
                band0.push(with_op(out_group(t, k + 1), "="));
                p.bands.push(Band {
                    caption: None,
                    groups: band0,
                });
            }
            _ => {
                let op = match layer {
                    Layer::Activation(a) => format!("{} →", a.symbol()),
                    _ => "→".into(),
                };
                band0.push(blob_group(t, k, 0, 1.0));
                band0.push(with_op(out_group(t, k + 1), &op));
                if last {
                    band0.push(target_group(t));
                }
                p.bands.push(Band {
                    caption: None,
                    groups: band0,
                });
            }
        }
        return p;
    }
    // Backward.
    let delta_out = |t: &Trace| -> Group {
        if last {
            with_op(blob_group(t, n, 0, 1.0), "")
        } else {
            grad_group(t, k + 1, 0, "gradient from above", "来自上一层的梯度")
        }
    };
    match layer {
        Layer::Conv(conv) => {
            let kk = conv.kernel;
            band0.push(blob_group(t, k, pad, 1.0));
            band0.push(with_op(
                grad_group(t, k + 1, 0, "δ of the output", "输出的 δ"),
                "⋆",
            ));
            band0.push(with_op(grad_kernels(conv, k), "="));
            band0.push(with_op(
                group(
                    "∂L/∂b = Σ δ",
                    "∂L/∂b = Σ δ",
                    format!("b({})", k + 1),
                    vec![column(
                        What::BiasGrad { layer: k },
                        conv.out_channels,
                        String::new(),
                    )],
                ),
                "Σ δ →",
            ));
            p.bands.push(Band {
                caption: Some((
                    "∂L/∂K: the input correlated with δ (the window slides over the input, weighted by δ); ∂L/∂b: the sum of δ".into(),
                    "∂L/∂K：输入与 δ 的互相关（窗口在输入上滑动，以 δ 加权）；∂L/∂b：δ 之和".into(),
                )),
                groups: band0,
            });
            let (dshape, _) = conv.dilated_padded_delta(input, &vec![0.0; out.len()]);
            let (_, dh, dw) = dshape.chw();
            let padded = (0..conv.out_channels)
                .map(|o| Item {
                    what: What::Padded { layer: k, o },
                    rows: dh,
                    cols: dw,
                    pad: 0,
                    caption: if conv.out_channels > 1 {
                        format!("[{}]", o + 1)
                    } else {
                        String::new()
                    },
                    zoom: 1.0,
                    small: out.chw().1.max(out.chw().2) <= 10,
                })
                .collect();
            let mut rot = group(
                "kernel turned 180°",
                "转 180° 的卷积核",
                format!("rot180(K({}))", k + 1),
                (0..conv.out_channels)
                    .flat_map(|o| (0..conv.in_channels).map(move |c| (o, c)))
                    .map(|(o, c)| Item {
                        what: What::Rot { layer: k, o, c },
                        rows: kk,
                        cols: kk,
                        pad: 0,
                        caption: format!("[{},{}]", o + 1, c + 1),
                        zoom: 1.0,
                        small: kk <= 10,
                    })
                    .collect(),
            );
            fixed(&mut rot, conv.in_channels);
            p.bands.push(Band {
                caption: Some((
                    format!("∂L/∂x: the full convolution of δ (dilated by the stride {}, padded by k−1 = {}) with the kernel turned 180°", conv.stride, kk - 1),
                    format!("∂L/∂x：δ（按步长 {} 扩张，四周补 k−1 = {} 圈零）与转 180° 的卷积核的完全卷积", conv.stride, kk - 1),
                )),
                groups: vec![
                    group("δ dilated and padded", "扩张并补零的 δ", format!("{dshape}"), padded),
                    with_op(rot, "∗"),
                    with_op(grad_group(t, k, 0, "gradient of the input", "输入的梯度"), "="),
                ],
            });
            p.lines = 2;
            if let Some((o, (i, j))) = cur {
                for c in 0..conv.in_channels {
                    p.marks.push(Mark::Window {
                        what: What::Blob { blob: k, c },
                        r: i * conv.stride,
                        c: j * conv.stride,
                        h: kk,
                        w: kk,
                    });
                    p.marks.push(Mark::Frame {
                        what: What::KernelGrad { layer: k, o, c },
                    });
                }
                p.marks.push(Mark::Cell {
                    what: What::Grad { blob: k + 1, c: o },
                    r: i,
                    c: j,
                });
                p.marks.push(Mark::Cell {
                    what: What::Padded { layer: k, o },
                    r: kk - 1 + i * conv.stride,
                    c: kk - 1 + j * conv.stride,
                });
                p.marks.push(Mark::Cell {
                    what: What::BiasGrad { layer: k },
                    r: o,
                    c: 0,
                });
            } else if let Some(o) = step.neuron {
                p.marks.push(Mark::Frame {
                    what: What::Grad { blob: k + 1, c: o },
                });
            }
        }
        Layer::MaxPool(pool) | Layer::AvgPool(pool) => {
            let max = matches!(layer, Layer::MaxPool(_));
            band0.push(blob_group(t, k, pad, 1.0));
            band0.push(with_op(
                grad_group(t, k + 1, 0, "gradient from above", "来自上一层的梯度"),
                "",
            ));
            band0.push(with_op(
                grad_group(t, k, pad, "gradient of the input", "输入的梯度"),
                "→",
            ));
            p.bands.push(Band {
                caption: Some(if max {
                    ("Each gradient cell goes to its window's winner only (○: the switches); ties to the first in row-major order; overlapping windows add up".into(),
                     "每个梯度单元只传给它窗口中的胜者（○：开关）；并列时取行优先的第一个；窗口重叠处梯度相加".into())
                } else {
                    (format!("Each gradient cell is spread evenly over its window: 1/{} to each cell", pool.kernel * pool.kernel),
                     format!("每个梯度单元平均分到它的窗口：每格 1/{}", pool.kernel * pool.kernel))
                }),
                groups: band0,
            });
            p.lines = 1;
            if let Some((o, (i, j))) = cur {
                let kk = pool.kernel;
                p.marks.push(Mark::Window {
                    what: What::Blob { blob: k, c: o },
                    r: i * pool.stride,
                    c: j * pool.stride,
                    h: kk,
                    w: kk,
                });
                p.marks.push(Mark::Window {
                    what: What::Grad { blob: k, c: o },
                    r: i * pool.stride,
                    c: j * pool.stride,
                    h: kk,
                    w: kk,
                });
                p.marks.push(Mark::Cell {
                    what: What::Grad { blob: k + 1, c: o },
                    r: i,
                    c: j,
                });
            }
            if max {
                switches(t, cursor, k, pool, true, &mut p.marks);
            }
        }
        Layer::Dense(d) => {
            band0.push(blob_group(t, k, 0, 1.0));
            band0.push(delta_out(t));
            band0.push(with_op(
                group(
                    "∂L/∂W = δ aᵀ",
                    "∂L/∂W = δ aᵀ",
                    format!("W({})", k + 1),
                    vec![Item {
                        what: What::WeightsGrad { layer: k },
                        rows: d.outputs,
                        cols: d.inputs,
                        pad: 0,
                        caption: String::new(),
                        zoom: 1.0,
                        small: d.inputs.max(d.outputs) <= 12,
                    }],
                ),
                "→",
            ));
            band0.push(with_op(
                group(
                    "∂L/∂b = δ",
                    "∂L/∂b = δ",
                    format!("b({})", k + 1),
                    vec![column(
                        What::BiasGrad { layer: k },
                        d.outputs,
                        String::new(),
                    )],
                ),
                "",
            ));
            p.bands.push(Band {
                caption: None,
                groups: band0,
            });
            p.bands.push(Band {
                caption: None,
                groups: vec![
                    group(
                        "weights",
                        "权重",
                        format!("W({})ᵀ", k + 1),
                        vec![Item {
                            what: What::Weights { layer: k },
                            rows: d.outputs,
                            cols: d.inputs,
                            pad: 0,
                            caption: String::new(),
                            zoom: 1.0,
                            small: d.inputs.max(d.outputs) <= 12,
                        }],
                    ),
                    with_op(
                        grad_group(t, k, 0, "gradient of the input", "输入的梯度"),
                        "Wᵀ δ =",
                    ),
                ],
            });
        }
        Layer::Activation(a) if !last => {
            band0.push(delta_out(t));
            let items = blob_items(t, k, 0, 1.0, false)
                .into_iter()
                .map(|mut it| {
                    if let What::Blob { c, .. } = it.what {
                        it.what = What::Deriv { layer: k, c };
                    }
                    it
                })
                .collect();
            band0.push(with_op(
                group(
                    "derivative",
                    "导数",
                    format!("{}′({})", a.symbol(), sym(k)),
                    items,
                ),
                "⊙",
            ));
            band0.push(with_op(
                grad_group(t, k, 0, "gradient of the input", "输入的梯度"),
                "=",
            ));
            p.bands.push(Band {
                caption: None,
                groups: band0,
            });
        }
        _ => {
            if last {
                band0.push(blob_group(t, n, 0, 1.0));
                band0.push(with_op(target_group(t), "t"));
                band0.push(with_op(
                    grad_group(t, k, 0, "gradient of the input", "输入的梯度"),
                    "→",
                ));
            } else {
                band0.push(delta_out(t));
                band0.push(with_op(
                    grad_group(t, k, 0, "gradient of the input", "输入的梯度"),
                    "→",
                ));
            }
            p.bands.push(Band {
                caption: None,
                groups: band0,
            });
        }
    }
    p
}

fn grad_kernels(conv: &Conv, layer: usize) -> Group {
    let items = (0..conv.out_channels)
        .flat_map(|o| (0..conv.in_channels).map(move |c| (o, c)))
        .map(|(o, c)| Item {
            what: What::KernelGrad { layer, o, c },
            rows: conv.kernel,
            cols: conv.kernel,
            pad: 0,
            caption: format!("[{},{}]", o + 1, c + 1),
            zoom: 1.0,
            small: conv.kernel <= 10,
        })
        .collect();
    let mut g = group("∂L/∂K", "∂L/∂K", format!("K({})", layer + 1), items);
    fixed(&mut g, conv.in_channels);
    g
}

/// The max-pool switches known at the cursor, on the input (and, backward, on its
/// gradient): the winner of each window already computed.
fn switches(t: &Trace, cursor: usize, k: usize, pool: &Pool, grad: bool, marks: &mut Vec<Mark>) {
    let (_, ho, wo) = t.pass.shapes[k + 1].chw();
    let (_, _, w) = t.pass.shapes[k].chw();
    let fwd = t.forward_progress(k, cursor);
    let mut seen = std::collections::HashSet::new();
    for (cell, &at) in t.pass.argmax[k].iter().enumerate() {
        let c = cell / (ho * wo).max(1);
        if !fwd.shows(c, cell % (ho * wo).max(1)) {
            continue;
        }
        let (r, q) = (at / w + pool.padding, at % w + pool.padding);
        if !seen.insert((c, r, q)) {
            continue;
        }
        marks.push(Mark::Switch {
            what: What::Blob { blob: k, c },
            r,
            c: q,
        });
        if grad {
            marks.push(Mark::Switch {
                what: What::Grad { blob: k, c },
                r,
                c: q,
            });
        }
    }
}

// ---------------------------------------------------------------------------------
// Sizes: the plan laid out at a cell size.

/// Fixed sizes (unscaled px).
const MARGIN: f64 = 10.0;
const TITLE: f64 = 24.0;
const HEAD: f64 = 16.0;
const SUB: f64 = 14.0;
const CAP: f64 = 13.0;
const GAP: f64 = 8.0;
const BAND_CAP: f64 = 19.0;
const BAND_GAP: f64 = 14.0;
const LINE: f64 = 18.0;
const GROUP_GAP: f64 = 16.0;

fn head_h(g: &Group, s: f64) -> f64 {
    (HEAD + if g.sub.is_empty() { 0.0 } else { SUB }) * s + 4.0 * s
}

fn slot(g: &Group, cs: f64, s: f64) -> (f64, f64) {
    let w = g
        .items
        .iter()
        .map(|it| (it.cols as f64 * cs * it.zoom).max(text_w(&it.caption, 11.0 * s)))
        .fold(0.0, f64::max);
    let h = g
        .items
        .iter()
        .map(|it| it.rows as f64 * cs * it.zoom + if it.caption.is_empty() { 0.0 } else { CAP * s })
        .fold(0.0, f64::max);
    (w, h)
}

fn group_size(g: &Group, cs: f64, s: f64) -> (f64, f64) {
    let (sw, sh) = slot(g, cs, s);
    let per = g.per_row.max(1);
    let rows = g.items.len().div_ceil(per);
    let w = per as f64 * sw + (per - 1) as f64 * GAP * s;
    let head = text_w(&g.en, 12.0 * s)
        .max(text_w(&g.zh, 12.0 * s))
        .max(text_w(&g.sub, 11.0 * s));
    let h = head_h(g, s) + rows as f64 * sh + rows.saturating_sub(1) as f64 * GAP * s;
    (w.max(head), h)
}

fn op_w(g: &Group, s: f64) -> f64 {
    match &g.op {
        Some(op) if !op.is_empty() => (text_w(op, 18.0 * s) + 14.0 * s).max(28.0 * s),
        _ => GROUP_GAP * s,
    }
}

fn band_size(b: &Band, cs: f64, s: f64) -> (f64, f64) {
    let mut w = 0.0;
    let mut h: f64 = 0.0;
    for (n, g) in b.groups.iter().enumerate() {
        let (gw, gh) = group_size(g, cs, s);
        if n > 0 {
            w += op_w(g, s);
        }
        w += gw;
        h = h.max(gh);
    }
    (
        w,
        h + if b.caption.is_some() {
            BAND_CAP * s
        } else {
            0.0
        },
    )
}

fn total_h(p: &Plan, cs: f64, s: f64) -> f64 {
    let bands: f64 = p.bands.iter().map(|b| band_size(b, cs, s).1).sum();
    2.0 * MARGIN * s
        + TITLE * s
        + bands
        + p.bands.len().saturating_sub(1) as f64 * BAND_GAP * s
        + if p.lines > 0 {
            6.0 * s + p.lines as f64 * LINE * s
        } else {
            0.0
        }
}

fn max_w(p: &Plan, cs: f64, s: f64) -> f64 {
    p.bands
        .iter()
        .map(|b| band_size(b, cs, s).0)
        .fold(0.0, f64::max)
        + 2.0 * MARGIN * s
}

/// The largest cell (≤ the plan's maximum) at which the plan fits `w` (and `h`, if given).
fn fit(p: &Plan, w: f64, h: Option<f64>, s: f64) -> f64 {
    let fits = |cs: f64| max_w(p, cs, s) <= w && h.is_none_or(|h| total_h(p, cs, s) <= h);
    let (mut lo, mut hi) = (2.0, p.max_cell * s);
    if fits(hi) {
        return hi;
    }
    if !fits(lo) {
        return lo;
    }
    // The answer is a whole number of pixels: search those (a few steps, not 40; the
    // layout is found three times a frame: for the height, the size and the picture).
    hi = hi.ceil();
    while hi - lo > 1.0 {
        let mid = ((lo + hi) / 2.0).floor();
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Arranges the plan the way that gives the bigger cells, and returns that cell size.
fn best(p: &mut Plan, w: f64, h: Option<f64>, s: f64) -> f64 {
    arrange(p, false);
    let tall = fit(p, w, h, s);
    let tall_h = total_h(p, tall, s);
    arrange(p, true);
    let wide = fit(p, w, h, s);
    // Past a readable size, bigger cells matter less than a shorter picture.
    let enough = 34.0 * s;
    let (a, b) = (tall.min(enough), wide.min(enough));
    if a > b || (a == b && tall_h <= total_h(p, wide, s)) {
        arrange(p, false);
        tall
    } else {
        wide
    }
}

/// The height the maps view wants at `width` (both in the units of `scale`: CSS px with
/// the zoom, or device px with dpr × zoom), its grids as large as the width allows.
pub fn height(trace: &Trace, cursor: usize, width: f64, scale: f64) -> f64 {
    let mut p = plan(trace, cursor.min(trace.len() - 1));
    let cs = best(&mut p, width, None, scale);
    total_h(&p, cs, scale).ceil()
}

/// Lays out the view of `trace` at `cursor` in a picture of `size` device pixels.
pub fn layout(trace: &Trace, cursor: usize, size: (u32, u32), theme: &Theme) -> Layout {
    let s = theme.scale;
    let cursor = cursor.min(trace.len() - 1);
    let mut p = plan(trace, cursor);
    let (w, h) = (size.0 as f64, size.1 as f64);
    let cs = best(&mut p, w, Some(h), s);
    let mut out = Layout {
        grids: vec![],
        labels: vec![],
        marks: p.marks.clone(),
        lines: vec![],
        line_room: w - 2.0 * MARGIN * s,
        width: w,
        height: h,
        cell: cs,
        scale: s,
    };
    let room = w - 2.0 * MARGIN * s;
    out.labels.push(Label {
        x: MARGIN * s,
        y: MARGIN * s,
        en: p.title.0.clone(),
        zh: p.title.1.clone(),
        px: 14.0,
        ink: InkRole::Text,
        centred: false,
        room,
    });
    let mut y = MARGIN * s + TITLE * s;
    for band in &p.bands {
        let (_, bh) = band_size(band, cs, s);
        let mut top = y;
        if let Some((en, zh)) = &band.caption {
            out.labels.push(Label {
                x: MARGIN * s,
                y: top,
                en: en.clone(),
                zh: zh.clone(),
                px: 12.0,
                ink: InkRole::Muted,
                centred: false,
                room,
            });
            top += BAND_CAP * s;
        }
        let mut x = MARGIN * s;
        for (n, g) in band.groups.iter().enumerate() {
            let (gw, _) = group_size(g, cs, s);
            let hh = head_h(g, s);
            if n > 0 {
                let ow = op_w(g, s);
                if let Some(op) = g.op.as_ref().filter(|o| !o.is_empty()) {
                    let first = &g.items[0];
                    let cap = if first.caption.is_empty() {
                        0.0
                    } else {
                        CAP * s
                    };
                    let mid = top + hh + cap + first.rows as f64 * cs * first.zoom / 2.0;
                    out.labels.push(Label {
                        x: x + ow / 2.0,
                        // The star of a correlation is a small glyph: larger.
                        y: mid - if op == "⋆" { 15.0 } else { 9.0 } * s,
                        en: op.clone(),
                        zh: op.clone(),
                        px: if op == "⋆" { 30.0 } else { 18.0 },
                        ink: InkRole::Text,
                        centred: true,
                        room: ow,
                    });
                }
                x += ow;
            }
            out.labels.push(Label {
                x,
                y: top,
                en: g.en.clone(),
                zh: g.zh.clone(),
                px: 12.0,
                ink: InkRole::Text,
                centred: false,
                room: gw.max(1.0),
            });
            if !g.sub.is_empty() {
                out.labels.push(Label {
                    x,
                    y: top + HEAD * s,
                    en: g.sub.clone(),
                    zh: g.sub.clone(),
                    px: 11.0,
                    ink: InkRole::Muted,
                    centred: false,
                    room: gw.max(1.0),
                });
            }
            let (sw, sh) = slot(g, cs, s);
            let per = g.per_row.max(1);
            for (m, it) in g.items.iter().enumerate() {
                let (row, col) = (m / per, m % per);
                let sx = x + col as f64 * (sw + GAP * s);
                let sy = top + hh + row as f64 * (sh + GAP * s);
                let cap = if it.caption.is_empty() { 0.0 } else { CAP * s };
                if cap > 0.0 {
                    out.labels.push(Label {
                        x: sx,
                        y: sy,
                        en: it.caption.clone(),
                        zh: it.caption.clone(),
                        px: 11.0,
                        ink: InkRole::Muted,
                        centred: false,
                        room: sw,
                    });
                }
                out.grids.push(Grid {
                    what: it.what,
                    x: sx.round(),
                    y: (sy + cap).round(),
                    cell: (cs * it.zoom).floor().max(2.0),
                    rows: it.rows,
                    cols: it.cols,
                    pad: it.pad,
                    caption: it.caption.clone(),
                    small: it.small,
                });
            }
            x += gw;
        }
        y += bh + BAND_GAP * s;
    }
    if p.lines > 0 {
        let mut ly = y - BAND_GAP * s + 6.0 * s;
        for _ in 0..p.lines {
            out.lines.push((MARGIN * s, ly));
            ly += LINE * s;
        }
    }
    out
}

// ---------------------------------------------------------------------------------
// Values: what each cell holds at the cursor.

struct Ctx<'a> {
    t: &'a Trace,
    cursor: usize,
}

impl Ctx<'_> {
    fn step(&self) -> &crate::trace::Step {
        &self.t.steps[self.cursor]
    }

    fn blob(&self, b: usize) -> &[f64] {
        self.t.pass.layer_input(b)
    }

    fn conv(&self, layer: usize) -> Option<&Conv> {
        match self.t.pass.net.layers.get(layer) {
            Some(Layer::Conv(c)) => Some(c),
            _ => None,
        }
    }

    fn params(&self, layer: usize, after: bool) -> &Layer {
        if after {
            &self.t.pass.updated.layers[layer]
        } else {
            &self.t.pass.net.layers[layer]
        }
    }

    /// The blob index of grid cell (r, c) of a blob's channel `ch` (unpadded), if real.
    fn index(&self, shape: Shape, g: &Grid, ch: usize, r: usize, c: usize) -> Option<usize> {
        match shape {
            Shape::Vector(n) => {
                let i = c * g.rows + r;
                (i < n).then_some(i)
            }
            Shape::Map { h, w, .. } => {
                let (i, j) = (r.checked_sub(g.pad)?, c.checked_sub(g.pad)?);
                (i < h && j < w).then(|| shape.index(ch, i, j))
            }
        }
    }

    /// Is gradient cell `index` (flat) of blob `b` final at the cursor?
    fn grad_final(&self, b: usize, index: usize) -> bool {
        let pr = self.t.backward_progress(b, self.cursor);
        match pr {
            Progress::None => false,
            Progress::Done => true,
            Progress::Partial { .. } => {
                let shape = self.t.pass.shapes[b];
                let out = self.t.pass.shapes[b + 1];
                let (_, h, w) = shape.chw();
                let (ch, i, j) = (index / (h * w), index / w % h, index % w);
                let (_, ho, wo) = out.chw();
                match &self.t.pass.net.layers[b] {
                    Layer::Conv(conv) => conv
                        .input_grad_terms(shape, &self.t.pass.grad_inputs[b + 1], ch, i, j)
                        .iter()
                        .all(|t| pr.shows(t.o, t.i * wo + t.j)),
                    Layer::MaxPool(p) | Layer::AvgPool(p) => {
                        let (k, s, pd) = (p.kernel, p.stride, p.padding);
                        let span = |x: usize, n: usize| {
                            let x = x + pd;
                            (x.saturating_sub(k - 1).div_ceil(s)..=x / s).filter(move |&q| q < n)
                        };
                        span(i, ho).all(|a| span(j, wo).all(|b2| pr.shows(ch, a * wo + b2)))
                    }
                    _ => true,
                }
            }
        }
    }

    fn value(&self, what: What, g: &Grid, r: usize, c: usize) -> CellValue {
        use CellValue::*;
        let t = self.t;
        let p = &t.pass;
        match what {
            What::Blob { blob, c: ch } => {
                let shape = p.shapes[blob];
                let Some(idx) = self.index(shape, g, ch, r, c) else {
                    return if shape.is_vector() { Absent } else { Padding };
                };
                let (_, h, w) = shape.chw();
                let shown = blob == 0 || {
                    let within = if shape.is_vector() {
                        idx
                    } else {
                        idx % (h * w)
                    };
                    t.forward_progress(blob - 1, self.cursor)
                        .shows(if shape.is_vector() { 0 } else { ch }, within)
                };
                if shown {
                    Value(self.blob(blob)[idx])
                } else {
                    Hidden
                }
            }
            What::Grad { blob, c: ch } => {
                let shape = p.shapes[blob];
                let Some(idx) = self.index(shape, g, ch, r, c) else {
                    return if shape.is_vector() { Absent } else { Padding };
                };
                if self.grad_final(blob, idx) {
                    Value(p.grad_inputs[blob][idx])
                } else {
                    Hidden
                }
            }
            What::Kernel {
                layer,
                o,
                c: ch,
                after,
            } => match self.params(layer, after) {
                Layer::Conv(k) => Value(k.w(o, ch, r, c)),
                _ => Absent,
            },
            What::WindowKernel { layer, o, c: ch } => match self.conv(layer) {
                Some(k) => Value(k.w(o, ch, r, c)),
                None => Absent,
            },
            What::Rot { layer, o, c: ch } => match self.conv(layer) {
                Some(k) => Value(k.w(o, ch, k.kernel - 1 - r, k.kernel - 1 - c)),
                None => Absent,
            },
            What::KernelGrad { layer, o, c: ch } => {
                let Some(k) = self.conv(layer) else {
                    return Absent;
                };
                let (_, ho, wo) = p.shapes[layer + 1].chw();
                if t.backward_progress(layer, self.cursor)
                    .shows(o, ho * wo - 1)
                {
                    Value(p.grads[layer].weights[k.w_index(o, ch, r, c)])
                } else {
                    Hidden
                }
            }
            What::Padded { layer, o } => {
                let Some(k) = self.conv(layer) else {
                    return Absent;
                };
                let (_, ho, wo) = p.shapes[layer + 1].chw();
                let (kk, s) = (k.kernel, k.stride);
                let real = |x: usize, n: usize| {
                    x.checked_sub(kk - 1)
                        .filter(|d| d % s == 0 && d / s < n)
                        .map(|d| d / s)
                };
                match (real(r, ho), real(c, wo)) {
                    (Some(i), Some(j)) => {
                        let idx = (o * ho + i) * wo + j;
                        if layer + 1 >= p.net.layers.len() || self.grad_final(layer + 1, idx) {
                            Value(p.grad_inputs[layer + 1][idx])
                        } else {
                            Hidden
                        }
                    }
                    _ => Padding,
                }
            }
            What::Bias { layer, after } => match self.params(layer, after).params() {
                Some((_, b)) if r < b.len() => Value(b[r]),
                _ => Absent,
            },
            What::BiasGrad { layer } => {
                let (_, ho, wo) = p.shapes[layer + 1].chw();
                let last = if self.conv(layer).is_some() {
                    ho * wo - 1
                } else {
                    0
                };
                let ch = if self.conv(layer).is_some() { r } else { 0 };
                match p.grads[layer].biases.get(r) {
                    Some(&v) if t.backward_progress(layer, self.cursor).shows(ch, last) => Value(v),
                    Some(_) => Hidden,
                    None => Absent,
                }
            }
            What::Weights { layer } => match &p.net.layers[layer] {
                Layer::Dense(d) => Value(d.weights[r * d.inputs + c]),
                _ => Absent,
            },
            What::WeightsGrad { layer } => match &p.net.layers[layer] {
                Layer::Dense(d) if t.backward_progress(layer, self.cursor) == Progress::Done => {
                    Value(p.grads[layer].weights[r * d.inputs + c])
                }
                Layer::Dense(_) => Hidden,
                _ => Absent,
            },
            What::Window { layer, c: ch } => {
                let Some((o, i, j)) = self.window() else {
                    return Absent;
                };
                let _ = o;
                let Some((_, s, pd)) = window_of(&p.net.layers[layer]) else {
                    return Absent;
                };
                let shape = p.shapes[layer];
                let (_, h, w) = shape.chw();
                match (
                    crate::engine::shape::tap(i, r, s, pd, h),
                    crate::engine::shape::tap(j, c, s, pd, w),
                ) {
                    (Some(a), Some(b)) => Value(self.blob(layer)[shape.index(ch, a, b)]),
                    _ => Padding,
                }
            }
            What::Products { layer, c: ch } => {
                let Some((o, i, j)) = self.window() else {
                    return Absent;
                };
                let Some(k) = self.conv(layer) else {
                    return Absent;
                };
                let terms = k.output_terms(p.shapes[layer], self.blob(layer), o, i, j);
                match terms.iter().find(|t| t.c == ch && t.u == r && t.v == c) {
                    Some(t) if t.padding => Padding,
                    Some(t) => Value(t.w * t.x),
                    None => Absent,
                }
            }
            What::Sum { layer } => {
                let Some((o, i, j)) = self.window() else {
                    return Absent;
                };
                let out = p.shapes[layer + 1];
                Value(p.outputs[layer][out.index(o, i, j)])
            }
            What::Deriv { layer, c: ch } => {
                let Layer::Activation(a) = &p.net.layers[layer] else {
                    return Absent;
                };
                let shape = p.shapes[layer];
                let Some(idx) = self.index(shape, g, ch, r, c) else {
                    return Absent;
                };
                if t.forward_progress(layer, self.cursor) == Progress::Done {
                    Value(a.df_from(p.layer_input(layer)[idx], p.outputs[layer][idx]))
                } else {
                    Hidden
                }
            }
            What::Target => {
                let i = c * g.rows + r;
                p.target.get(i).map_or(Absent, |&v| Value(v))
            }
        }
    }

    /// The current step's window: (output channel, row, column).
    fn window(&self) -> Option<(usize, usize, usize)> {
        let st = self.step();
        let k = st.layer?;
        let (i, j) = pos(self.t.pass.shapes[k + 1], st.window?);
        Some((st.neuron.unwrap_or(0), i, j))
    }
}

/// Which grids share a colour scale: one blob (and its copies), one layer's kernels, …
fn family(what: What) -> (u8, usize) {
    match what {
        What::Blob { blob, .. } => (0, blob),
        What::Window { layer, .. } => (0, layer),
        What::Sum { layer } => (0, layer + 1),
        What::Grad { blob, .. } => (1, blob),
        What::Padded { layer, .. } => (1, layer + 1),
        What::Kernel { layer, .. } | What::Weights { layer } => (2, layer),
        What::Rot { layer, .. } | What::WindowKernel { layer, .. } => (2, layer),
        What::Bias { layer, .. } => (3, layer),
        What::KernelGrad { layer, .. } | What::WeightsGrad { layer } => (4, layer),
        What::BiasGrad { layer } => (5, layer),
        What::Products { layer, .. } => (6, layer),
        What::Deriv { layer, .. } => (7, layer),
        What::Target => (8, 0),
    }
}

/// What cell (r, c) of grid `g` holds at the cursor (for tests and the page's tooltips).
pub fn cell_value(trace: &Trace, cursor: usize, g: &Grid, r: usize, c: usize) -> CellValue {
    Ctx { t: trace, cursor }.value(g.what, g, r, c)
}

// ---------------------------------------------------------------------------------
// Drawing.

/// Draws the maps view of `trace` at `cursor` into `area`.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    trace: &Trace,
    cursor: usize,
    theme: &Theme,
    lang: Lang,
    focus: &Focus,
) -> Result<(), String> {
    let (w, h) = area.dim_in_pixel();
    let lay = layout(trace, cursor, (w, h), theme);
    draw_layout(area, trace, cursor, theme, lang, focus, &lay)
}

/// Draws a [`layout`] already computed (the page keeps it for its clicks).
pub fn draw_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    trace: &Trace,
    cursor: usize,
    theme: &Theme,
    lang: Lang,
    focus: &Focus,
    lay: &Layout,
) -> Result<(), String> {
    area.fill(&theme.background).map_err(err)?;
    let cursor = cursor.min(trace.len() - 1);
    let ctx = Ctx { t: trace, cursor };
    let s = theme.scale;
    // Values and scales.
    let mut values: Vec<Vec<CellValue>> = Vec::with_capacity(lay.grids.len());
    let mut scale: HashMap<(u8, usize), f64> = HashMap::new();
    for g in &lay.grids {
        let mut v = Vec::with_capacity(g.rows * g.cols);
        for r in 0..g.rows {
            for c in 0..g.cols {
                let x = ctx.value(g.what, g, r, c);
                if let CellValue::Value(x) = x {
                    let m = scale.entry(family(g.what)).or_insert(0.0);
                    if x.is_finite() {
                        *m = m.max(x.abs());
                    }
                }
                v.push(x);
            }
        }
        values.push(v);
    }
    // One font a family (a blob's channels alike): numbers in all its grids, or none.
    let mut fonts: HashMap<(u8, usize), Option<f64>> = HashMap::new();
    for (g, v) in lay.grids.iter().zip(&values).filter(|(g, _)| g.small) {
        let font = {
            let labels: Vec<String> = v
                .iter()
                .filter_map(|x| match x {
                    CellValue::Value(x) => Some(fmt(*x, 3)),
                    _ => None,
                })
                .collect();
            number_font(&labels, g.cell, theme)
        };
        let e = fonts.entry(family(g.what)).or_insert(font);
        *e = match (*e, font) {
            (Some(a), Some(b)) => Some(a.min(b)),
            _ => None,
        };
    }
    for (g, v) in lay.grids.iter().zip(&values) {
        let max = scale.get(&family(g.what)).copied().unwrap_or(0.0);
        let font = fonts
            .get(&family(g.what))
            .copied()
            .flatten()
            .filter(|_| g.small);
        let cells = (0..g.rows * g.cols).map(|k| (g.cell_rect(k / g.cols, k % g.cols), v[k]));
        draw_grid(area, theme, cells, max, font)?;
    }
    // Step marks.
    let thick = (2.5 * s).max(2.0);
    for m in &lay.marks {
        match *m {
            Mark::Window { what, r, c, h, w } => {
                if let Some(g) = lay.grid(what) {
                    let r1 = (r + h).min(g.rows).max(r + 1) - 1;
                    let c1 = (c + w).min(g.cols).max(c + 1) - 1;
                    let rect = (g.cell_rect(r, c).0, g.cell_rect(r1, c1).1);
                    outline(area, rect, theme.accent, thick)?;
                }
            }
            Mark::Cell { what, r, c } => {
                if let Some(g) = lay.grid(what).filter(|g| r < g.rows && c < g.cols) {
                    outline(area, g.cell_rect(r, c), theme.accent, thick)?;
                }
            }
            Mark::Frame { what } => {
                if let Some(g) = lay.grid(what) {
                    let rect = (g.cell_rect(0, 0).0, g.cell_rect(g.rows - 1, g.cols - 1).1);
                    outline(area, rect, theme.accent, thick)?;
                }
            }
            Mark::Switch { what, r, c } => {
                if let Some(g) = lay.grid(what).filter(|g| r < g.rows && c < g.cols) {
                    let rad = (g.cell * 0.42).max(2.0);
                    area.draw(&Circle::new(
                        px(g.centre(r, c)),
                        rad.round() as i32,
                        theme.text.stroke_width((1.8 * s).round().max(1.0) as u32),
                    ))
                    .map_err(err)?;
                }
            }
        }
    }
    // Window copies of the window band (the window band's grids sit on the accent too).
    for g in &lay.grids {
        if matches!(g.what, What::Sum { .. }) {
            outline(area, g.cell_rect(0, 0), theme.accent, thick)?;
        }
        if matches!(g.what, What::Window { .. }) {
            let rect = (g.cell_rect(0, 0).0, g.cell_rect(g.rows - 1, g.cols - 1).1);
            outline(area, rect, theme.accent, thick)?;
        }
    }
    // The selection.
    if let (Some([o, c, u, v]), Some(k)) = (focus.kernel, trace.steps[cursor].layer) {
        for g in &lay.grids {
            let at = match g.what {
                What::Kernel {
                    layer,
                    o: go,
                    c: gc,
                    ..
                }
                | What::KernelGrad {
                    layer,
                    o: go,
                    c: gc,
                }
                | What::WindowKernel {
                    layer,
                    o: go,
                    c: gc,
                } if layer == k && (go, gc) == (o, c) => Some((u, v)),
                What::Rot {
                    layer,
                    o: go,
                    c: gc,
                } if layer == k && (go, gc) == (o, c) => Some((
                    g.rows - 1 - u.min(g.rows - 1),
                    g.cols - 1 - v.min(g.cols - 1),
                )),
                _ => None,
            };
            if let Some((r, q)) = at.filter(|&(r, q)| r < g.rows && q < g.cols) {
                outline(area, g.cell_rect(r, q), theme.text, (3.5 * s).max(3.0))?;
            }
        }
    }
    let both = both_ways(&ctx, focus, lay, lang);
    if let Some((c, i, j)) = both.as_ref().map(|b| b.cell) {
        if let (Some(k), Some(conv)) = (
            trace.steps[cursor].layer,
            trace.steps[cursor].layer.and_then(|k| ctx.conv(k)),
        ) {
            if let Some(g) = lay.grid(What::Grad { blob: k, c }) {
                outline(area, g.cell_rect(i, j), theme.text, (3.0 * s).max(2.0))?;
            }
            for o in 0..conv.out_channels {
                if let Some(g) = lay.grid(What::Padded { layer: k, o }) {
                    let kk = conv.kernel;
                    let (r0, c0) = (i + conv.padding, j + conv.padding);
                    if r0 + kk <= g.rows && c0 + kk <= g.cols {
                        let rect = (
                            g.cell_rect(r0, c0).0,
                            g.cell_rect(r0 + kk - 1, c0 + kk - 1).1,
                        );
                        outline(area, rect, theme.text, (2.0 * s).max(2.0))?;
                    }
                }
            }
        }
    }
    // With the im2col panel open: the window's row of the patch matrix, under its cell.
    if let (true, Some((_, i, j)), Some(k)) =
        (focus.im2col, ctx.window(), trace.steps[cursor].layer)
    {
        if let (Some(_), Some(g)) = (ctx.conv(k), lay.grid(What::Sum { layer: k })) {
            let (_, _, wo) = trace.pass.shapes[k + 1].chw();
            let row = i * wo + j + 1;
            let text = lang.pick(format!("row {row} of P"), format!("P 的第 {row} 行"));
            let f = theme.font(11.0);
            let room = lay.width - g.x - 10.0 * s;
            area.draw(&Text::new(
                cut(&text, f, room),
                px((g.x, g.y + g.cell + 4.0 * s)),
                style(f, theme.accent, HPos::Left, VPos::Top),
            ))
            .map_err(err)?;
        }
    }
    // Labels.
    for l in &lay.labels {
        let ink = match l.ink {
            InkRole::Text => theme.text,
            InkRole::Muted => theme.muted,
            InkRole::Accent => theme.accent,
        };
        let size = theme.font(l.px);
        let text = cut(pick(lang, &l.en, &l.zh), size, l.room);
        let h = if l.centred { HPos::Center } else { HPos::Left };
        area.draw(&Text::new(
            text,
            px((l.x, l.y)),
            style(size, ink, h, VPos::Top),
        ))
        .map_err(err)?;
    }
    // Text lines: the both-ways sums, the loss, the pool rule.
    let lines = match both {
        Some(b) => b.lines,
        None => other_lines(&ctx, lang),
    };
    for ((x, y), (text, ink)) in lay.lines.iter().zip(lines) {
        let size = theme.font(12.0);
        let ink = match ink {
            InkRole::Text => theme.text,
            InkRole::Muted => theme.muted,
            InkRole::Accent => theme.accent,
        };
        area.draw(&Text::new(
            cut(&text, size, lay.line_room),
            px((*x, *y)),
            style(size, ink, HPos::Left, VPos::Top),
        ))
        .map_err(err)?;
    }
    area.present().map_err(err)?;
    Ok(())
}

struct BothWays {
    cell: (usize, usize, usize),
    lines: Vec<(String, InkRole)>,
}

/// One input cell's gradient at a conv layer's backward step, both ways: as the sum
/// over the windows that read it, and as the full convolution with the turned kernel.
fn both_ways(ctx: &Ctx<'_>, focus: &Focus, lay: &Layout, lang: Lang) -> Option<BothWays> {
    let st = ctx.step();
    let k = st.layer.filter(|_| st.phase == Phase::Backward)?;
    let conv = ctx.conv(k)?;
    if lay.lines.is_empty() {
        return None;
    }
    let p = &ctx.t.pass;
    let shape = p.shapes[k];
    let (cn, h, w) = shape.chw();
    let g = &p.grad_inputs[k];
    let cell = focus
        .cell
        .filter(|&(c, i, j)| c < cn && i < h && j < w)
        .unwrap_or_else(|| {
            let best = (0..g.len()).fold(0, |b, x| if g[x].abs() > g[b].abs() { x } else { b });
            (best / (h * w), best / w % h, best % w)
        });
    let (c, i, j) = cell;
    let name = format!("∂L/∂a({k})[{},{},{}]", c + 1, i + 1, j + 1);
    if !ctx.grad_final(k, shape.index(c, i, j)) {
        let text = lang.pick(
            format!("{name}: not reached yet (its windows are still to come)"),
            format!("{name}：尚未计算（读到它的窗口还没有全部处理）"),
        );
        return Some(BothWays {
            cell,
            lines: vec![(text, InkRole::Muted)],
        });
    }
    let delta = &p.grad_inputs[k + 1];
    let terms = conv.input_grad_terms(shape, delta, c, i, j);
    let value = g[shape.index(c, i, j)];
    let show = |xs: &[(f64, f64)]| -> String {
        let mut parts: Vec<String> = xs
            .iter()
            .take(6)
            .map(|(a, b)| format!("{}·{}", paren(*a), paren(*b)))
            .collect();
        if xs.len() > 6 {
            parts.push("…".into());
        }
        if parts.is_empty() {
            "0".into()
        } else {
            parts.join(" + ")
        }
    };
    let pairs: Vec<(f64, f64)> = terms.iter().map(|t| (t.w, t.delta)).collect();
    let line1 = lang.pick(
        format!(
            "{name} as the sum over the {} windows that read it, K·δ: {} = {}",
            terms.len(),
            show(&pairs),
            fmt(value, 4)
        ),
        format!(
            "{name} 作为读到它的 {} 个窗口之和，K·δ：{} = {}",
            terms.len(),
            show(&pairs),
            fmt(value, 4)
        ),
    );
    // The full convolution at the padded position (i + p, j + p), non-zero δ only.
    let (dshape, d) = conv.dilated_padded_delta(shape, delta);
    let r = conv.rot180();
    let kk = conv.kernel;
    let (y, x) = (i + conv.padding, j + conv.padding);
    let mut full = vec![];
    let mut sum = 0.0;
    for o in 0..conv.out_channels {
        for u in 0..kk {
            for v in 0..kk {
                let dv = d[dshape.index(o, y + u, x + v)];
                let rv = r[conv.w_index(o, c, u, v)];
                sum += dv * rv;
                if dv != 0.0 {
                    full.push((rv, dv));
                }
            }
        }
    }
    let line2 = lang.pick(
        format!(
            "= the turned kernel over the padded δ (framed), rot180(K)·δ: {} = {}",
            show(&full),
            fmt(sum, 4)
        ),
        format!(
            "= 转 180° 的卷积核在补零的 δ 上（框出处），rot180(K)·δ：{} = {}",
            show(&full),
            fmt(sum, 4)
        ),
    );
    Some(BothWays {
        cell,
        lines: vec![(line1, InkRole::Text), (line2, InkRole::Text)],
    })
}

fn paren(x: f64) -> String {
    let s = fmt(x, 3);
    if x < 0.0 {
        format!("({s})")
    } else {
        s
    }
}

/// The line under a loss, update or pool-backward step.
fn other_lines(ctx: &Ctx<'_>, lang: Lang) -> Vec<(String, InkRole)> {
    let st = ctx.step();
    let p = &ctx.t.pass;
    match (st.phase, st.layer) {
        (Phase::Loss, _) => vec![(format!("L = {}", fmt(p.loss, 4)), InkRole::Text)],
        (Phase::Update, _) => vec![(
            lang.pick(
                format!(
                    "η = {}; the loss on the same example after the update: {} (before: {})",
                    fmt(p.rule.learning_rate, 4),
                    fmt(p.loss_after, 4),
                    fmt(p.loss, 4)
                ),
                format!(
                    "η = {}；更新后同一样本上的损失：{}（更新前：{}）",
                    fmt(p.rule.learning_rate, 4),
                    fmt(p.loss_after, 4),
                    fmt(p.loss, 4)
                ),
            ),
            InkRole::Text,
        )],
        (Phase::Backward, Some(k)) => {
            let Some((o, i, j)) = ctx.window() else {
                return vec![];
            };
            let out = p.shapes[k + 1];
            let d = p.grad_inputs[k + 1][out.index(o, i, j)];
            let name = format!(
                "δ({})[{},{},{}] = {}",
                k + 1,
                o + 1,
                i + 1,
                j + 1,
                fmt(d, 4)
            );
            match &p.net.layers[k] {
                Layer::MaxPool(_) => {
                    let (_, _, w) = p.shapes[k].chw();
                    let at = p.argmax[k][out.index(o, i, j)];
                    vec![(
                        lang.pick(
                            format!(
                                "{name} goes to its window's winner a({k})[{},{},{}] only",
                                o + 1,
                                at / w + 1,
                                at % w + 1
                            ),
                            format!(
                                "{name} 只传给它窗口中的胜者 a({k})[{},{},{}]",
                                o + 1,
                                at / w + 1,
                                at % w + 1
                            ),
                        ),
                        InkRole::Text,
                    )]
                }
                Layer::AvgPool(pool) => {
                    let kk = pool.kernel * pool.kernel;
                    vec![(
                        lang.pick(
                            format!(
                                "{name}, spread evenly: {} / {kk} = {} to each cell of its window",
                                fmt(d, 4),
                                fmt(d / kk as f64, 4)
                            ),
                            format!(
                                "{name}，平均分配：{} / {kk} = {}，给它窗口中的每一格",
                                fmt(d, 4),
                                fmt(d / kk as f64, 4)
                            ),
                        ),
                        InkRole::Text,
                    )]
                }
                _ => vec![],
            }
        }
        _ => vec![],
    }
}

/// What is under (x, y) in the maps view of `trace` at `cursor`, drawn at `size`.
pub fn hit(
    trace: &Trace,
    cursor: usize,
    size: (u32, u32),
    theme: &Theme,
    x: f64,
    y: f64,
) -> Option<MapHit> {
    let lay = layout(trace, cursor, size, theme);
    hit_layout(trace, cursor, &lay, x, y)
}

/// [`hit`] on a layout already computed.
pub fn hit_layout(trace: &Trace, cursor: usize, lay: &Layout, x: f64, y: f64) -> Option<MapHit> {
    let cursor = cursor.min(trace.len() - 1);
    let current = trace.steps[cursor].layer;
    let ctx = Ctx { t: trace, cursor };
    let p = &trace.pass;
    for g in &lay.grids {
        let Some((r, c)) = g.at(x, y) else { continue };
        let cell = |blob: usize, ch: usize| -> Option<(usize, usize, usize)> {
            let shape = p.shapes[blob];
            let idx = ctx.index(shape, g, ch, r, c)?;
            let (_, h, w) = shape.chw();
            Some(match shape {
                Shape::Vector(_) => (idx, 0, 0),
                Shape::Map { .. } => (ch, idx % (h * w) / w, idx % w),
            })
        };
        return match g.what {
            What::Blob { blob, c: ch } | What::Grad { blob, c: ch } => {
                let (cc, i, j) = cell(blob, ch)?;
                Some(if blob == 0 && matches!(g.what, What::Blob { .. }) {
                    MapHit::Input { c: cc, i, j }
                } else {
                    MapHit::Cell { blob, c: cc, i, j }
                })
            }
            What::Kernel {
                layer, o, c: ch, ..
            }
            | What::KernelGrad { layer, o, c: ch }
            | What::WindowKernel { layer, o, c: ch }
                if Some(layer) == current =>
            {
                Some(MapHit::Kernel([o, ch, r, c]))
            }
            What::Rot { layer, o, c: ch } if Some(layer) == current => {
                Some(MapHit::Kernel([o, ch, g.rows - 1 - r, g.cols - 1 - c]))
            }
            What::Padded { layer, o } => {
                let conv = ctx.conv(layer)?;
                let (_, ho, wo) = p.shapes[layer + 1].chw();
                let (kk, s) = (conv.kernel, conv.stride);
                let real = |x: usize, n: usize| {
                    x.checked_sub(kk - 1)
                        .filter(|d| d % s == 0 && d / s < n)
                        .map(|d| d / s)
                };
                let (i, j) = (real(r, ho)?, real(c, wo)?);
                Some(MapHit::Cell {
                    blob: layer + 1,
                    c: o,
                    i,
                    j,
                })
            }
            _ => None,
        };
    }
    None
}

/// The maps view as SVG (text widths estimated), for the CLI and tests.
pub fn svg(
    trace: &Trace,
    cursor: usize,
    theme: &Theme,
    lang: Lang,
    focus: &Focus,
    size: (u32, u32),
) -> Result<String, String> {
    super::recorder::svg(size, None, |root| {
        draw(root, trace, cursor, theme, lang, focus)
    })
}
