//! The activation-curve chart: f and f′ of one activation, with the current layer's
//! z values marked on both curves, so saturation and dead units show at a glance.

use super::{err, Theme};
use crate::activation::{softmax, Activation};
use crate::lang::Lang;
use crate::vocab::Named;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What to mark: z values and, for each, whether it is "current" (highlighted).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Marks {
    pub z: Vec<f64>,
    /// Index of the selected unit, drawn larger.
    pub selected: Option<usize>,
}

/// Labels in the interface language.
#[derive(Clone, Debug, PartialEq)]
pub struct Labels {
    pub title: String,
    pub f: String,
    pub df: String,
}

/// Samples drawn per curve.
const SAMPLES: usize = 241;

/// Marks up to this many are each labelled z1, z2, …
const LABELLED: usize = 16;

/// The x range: [−6, 6], widened to hold every marked z (up to ±30).
pub fn x_range(z: &[f64]) -> (f64, f64) {
    let lo = z
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(-6.0f64, f64::min);
    let hi = z
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(6.0f64, f64::max);
    ((lo - 0.5).max(-30.0), (hi + 0.5).min(30.0))
}

/// f and f′ as functions of one z; softmax is shown for one unit against the others
/// (those of `marks`) held fixed: a_i = σ(z_i − log Σ_{k≠i} e^{z_k}).
fn curve_fns(act: Activation, marks: &Marks) -> impl Fn(f64) -> (f64, f64) {
    let others = if act.is_softmax() && marks.z.len() > 1 {
        let i = marks.selected.unwrap_or(0).min(marks.z.len() - 1);
        let m = marks.z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        marks
            .z
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != i)
            .map(|(_, z)| (z - m).exp())
            .sum::<f64>()
            .ln()
            + m
    } else {
        0.0
    };
    move |z| {
        if act.is_softmax() {
            let y = softmax(&[z, others])[0];
            (y, y * (1.0 - y))
        } else {
            (act.f(z), act.df(z))
        }
    }
}

/// Draws the chart on any plotters drawing area.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    act: Activation,
    marks: &Marks,
    labels: &Labels,
    theme: &Theme,
) -> Result<(), String> {
    area.fill(&theme.background).map_err(err)?;
    let (x0, x1) = x_range(&marks.z);
    let fns = curve_fns(act, marks);
    let xs: Vec<f64> = (0..SAMPLES)
        .map(|k| x0 + (x1 - x0) * k as f64 / (SAMPLES - 1) as f64)
        .collect();
    let pts: Vec<(f64, f64, f64)> = xs
        .iter()
        .map(|&x| {
            let (f, d) = fns(x);
            (x, f, d)
        })
        .collect();
    let (mut y0, mut y1) = pts.iter().fold((0.0f64, 1.0f64), |(lo, hi), &(_, f, d)| {
        (lo.min(f).min(d), hi.max(f).max(d))
    });
    // Leave a little room above and below; keep linear/relu readable by capping.
    y0 = (y0 - 0.1 * (y1 - y0)).max(-8.0);
    y1 = (y1 + 0.1 * (y1 - y0)).min(8.0);

    let text = |px: f64| theme.text_style(px);
    let mut chart = ChartBuilder::on(area)
        .caption(&labels.title, text(16.0))
        .margin(theme.font(8.0) as i32)
        .x_label_area_size(theme.font(28.0) as i32)
        .y_label_area_size(theme.font(40.0) as i32)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(theme.grid)
        .bold_line_style(theme.grid)
        .axis_style(theme.muted)
        .label_style(text(12.0))
        .x_desc("z")
        .x_labels(7)
        .y_labels(6)
        .draw()
        .map_err(err)?;

    let inside = |&(x, y): &(f64, f64)| x >= x0 && x <= x1 && y >= y0 && y <= y1;
    let f_pts: Vec<(f64, f64)> = pts.iter().map(|&(x, f, _)| (x, f)).filter(inside).collect();
    let d_pts: Vec<(f64, f64)> = pts.iter().map(|&(x, _, d)| (x, d)).filter(inside).collect();
    let (fc, dc) = (theme.positive, theme.negative);
    chart
        .draw_series(LineSeries::new(
            f_pts,
            fc.stroke_width((3.0 * theme.scale) as u32),
        ))
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            d_pts,
            dc.stroke_width((2.0 * theme.scale) as u32),
        ))
        .map_err(err)?;

    // Every mark on f, then every mark on f′, then the labels: runs of one style, which
    // the canvas draws as one path each.
    let shown: Vec<(usize, f64)> = marks
        .z
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, z)| z.is_finite())
        .collect();
    let big = |k: usize| marks.selected == Some(k);
    let circle = |k: usize, p: (f64, f64), c: RGBColor| {
        let r = ((if big(k) { 7.0 } else { 5.0 }) * theme.scale) as i32;
        Circle::new(
            p,
            r,
            if big(k) {
                c.filled()
            } else {
                c.stroke_width(2)
            },
        )
    };
    let on = |pick: fn((f64, f64)) -> f64| -> Vec<(usize, (f64, f64))> {
        let pts = shown.iter().map(|&(k, z)| (k, (z, pick(fns(z)))));
        pts.filter(|(_, p)| inside(p)).collect()
    };
    let (on_f, on_d) = (on(|(f, _)| f), on(|(_, d)| d));
    chart
        .draw_series(on_f.iter().map(|&(k, p)| circle(k, p, fc)))
        .map_err(err)?;
    chart
        .draw_series(on_d.iter().map(|&(k, p)| circle(k, p, dc)))
        .map_err(err)?;
    // A feature map's many cells would pile their labels up: then only the selected
    // one is named.
    let named = |k: usize| shown.len() <= LABELLED || big(k);
    chart
        .draw_series(
            on_f.iter()
                .filter(|&&(k, _)| named(k))
                .map(|&(k, p)| Text::new(format!("z{}", k + 1), p, text(11.0))),
        )
        .map_err(err)?;
    legend(area, &[(&labels.f, fc, 3), (&labels.df, dc, 2)], theme)?;
    area.present().map_err(err)?;
    Ok(())
}

/// A legend drawn with plain lines and text: plotters' own legend lays text out through
/// the font backend, which in a browser means a styled `<span>` per label (blocked by a
/// strict CSP and slow), while `Text` goes straight to the canvas.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(&String, RGBColor, u32)],
    theme: &Theme,
) -> Result<(), String> {
    let s = theme.scale;
    let (x0, mut y) = ((64.0 * s) as i32, (40.0 * s) as i32);
    let font = (FontFamily::SansSerif, theme.font(12.0))
        .into_font()
        .color(&theme.text)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (label, color, w) in items {
        area.draw(&PathElement::new(
            vec![(x0, y), (x0 + (20.0 * s) as i32, y)],
            color.stroke_width((*w as f64 * s).max(1.0) as u32),
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            label.to_string(),
            (x0 + (26.0 * s) as i32, y),
            font.clone(),
        ))
        .map_err(err)?;
        y += (18.0 * s) as i32;
    }
    Ok(())
}

/// Default labels in `lang`.
pub fn labels(act: Activation, layer: Option<usize>, lang: Lang) -> Labels {
    let name = act.name();
    let title = match (layer, lang) {
        (Some(l), Lang::Zh) => format!("第 {} 层激活函数：{name}", l + 1),
        (Some(l), _) => format!("Layer {} activation: {name}", l + 1),
        (None, Lang::Zh) => format!("激活函数：{name}"),
        (None, _) => format!("Activation: {name}"),
    };
    let (f, df) = if lang == Lang::Zh {
        ("f(z) 函数", "f′(z) 导数")
    } else {
        ("f(z)", "f′(z) derivative")
    };
    Labels {
        title,
        f: f.into(),
        df: df.into(),
    }
}
