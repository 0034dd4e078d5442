//! The loss curve of a training run: training and test loss against examples seen,
//! on a linear or a log scale; beside them, dashed on their own axis (0 to 100 % on the
//! right), the accuracy of a classifier or the R² of a regression.

use super::{err, Theme};
use crate::lang::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The accuracy (or R²) of a run, point for point beside its loss curve.
#[derive(Clone, Copy, Debug)]
pub struct Scores<'a> {
    /// (examples seen, train, test), from 0 to 1; NaN where there is none.
    pub points: &'a [(u64, f64, f64)],
    /// R² of a regression (else a classifier's accuracy, shown in %).
    pub r2: bool,
}

/// Draws `points` = (examples seen, train loss, test loss); `has_test` draws the test
/// line; `scores` adds the accuracy (or R²) on the right axis; `rival` the test loss of
/// the network trained beside this one (a CNN's fully connected rival), in grey.
#[allow(clippy::too_many_arguments)]
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(u64, f64, f64)],
    has_test: bool,
    log: bool,
    scores: Option<Scores<'_>>,
    rival: Option<&[(u64, f64, f64)]>,
    theme: &Theme,
    lang: Lang,
) -> Result<(), String> {
    area.fill(&theme.background).map_err(err)?;
    let s = theme.scale;
    let text = |px: f64| theme.text_style(px);
    let (title, xl, tr, te) = if lang == Lang::Zh {
        ("损失曲线", "已见样本数", "训练", "测试")
    } else {
        ("Loss", "examples seen", "train", "test")
    };
    let finite = |v: f64| v.is_finite() && (!log || v > 0.0);
    let rival = rival.unwrap_or_default();
    let vals: Vec<f64> = points
        .iter()
        .flat_map(|&(_, a, b)| if has_test { vec![a, b] } else { vec![a] })
        .chain(rival.iter().map(|p| p.2))
        .filter(|&v| finite(v))
        .collect();
    let x1 = points.last().map_or(1, |p| p.0).max(1) as f64;
    let (lo, hi) = vals
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    // The first module trains nothing (no run, no points): its curve is always this
    // empty one, and the code that draws a run stays out of its download.
    if vals.is_empty() || cfg!(not(feature = "full")) {
        let msg = if lang == Lang::Zh {
            "还没有训练：点击“训练”或“训练一轮”"
        } else {
            "Not trained yet: press Train or One epoch"
        };
        area.draw(&Text::new(
            msg,
            (
                (area.dim_in_pixel().0 / 2) as i32,
                (area.dim_in_pixel().1 / 2) as i32,
            ),
            text(13.0).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(err)?;
        area.present().map_err(err)?;
        return Ok(());
    }
    let train: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| finite(p.1))
        .map(|p| (p.0 as f64, p.1))
        .collect();
    let test: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| finite(p.2))
        .map(|p| (p.0 as f64, p.2))
        .collect();
    let rival_test: Vec<(f64, f64)> = rival
        .iter()
        .filter(|p| finite(p.2))
        .map(|p| (p.0 as f64, p.2))
        .collect();
    let mut chart = theme.chart(area, title, 52.0);
    // Room for the scores' axis (a right label area would repeat the loss's labels).
    #[cfg(feature = "full")]
    if scores.is_some() {
        chart.margin_right(theme.font(44.0) as i32);
    }
    let (pc, nc) = (theme.positive, theme.negative);
    let width = (2.0 * s) as u32;
    // The plot's pixel rectangle, for the scores' own axis.
    let plot;
    // The mesh and the two lines, the same on either y scale.
    macro_rules! lines {
        ($c:expr $(, $tweak:ident($($arg:tt)*))?) => {{
            let mut c = $c;
            theme
                .mesh(&mut c.configure_mesh())
                .x_desc(xl)
                .x_labels(5)
                .y_labels(5)
                $(.$tweak($($arg)*))?
                .draw()
                .map_err(err)?;
            c.draw_series(LineSeries::new(train, pc.stroke_width(width))).map_err(err)?;
            if has_test {
                c.draw_series(LineSeries::new(test, nc.stroke_width(width))).map_err(err)?;
            }
            if !rival_test.is_empty() {
                let grey = theme.muted.stroke_width(width);
                c.draw_series(LineSeries::new(rival_test, grey)).map_err(err)?;
            }
            plot = c.plotting_area().get_pixel_range();
        }};
    }
    if log {
        let (lo, hi) = (lo / 1.5, (hi * 1.5).max(lo * 10.0));
        let c = chart
            .build_cartesian_2d(0f64..x1, (lo..hi).log_scale())
            .map_err(err)?;
        lines!(c, y_label_formatter(&|v| format!("{v:.0e}")));
    } else {
        let hi = if hi > lo { hi * 1.05 } else { lo + 1.0 };
        let c = chart.build_cartesian_2d(0f64..x1, 0f64..hi).map_err(err)?;
        lines!(c);
    }
    // The scores (the first module has no training run, so none) and what the legend
    // adds for them: " · 98.4 %".
    #[cfg(feature = "full")]
    let suffix = match scores {
        Some(sc) => draw_scores(area, sc, has_test, x1, &plot, theme, lang)?,
        None => Default::default(),
    };
    // Legend drawn as plain text (see curves.rs on why not plotters' legend); beside the
    // rising scores, half way down.
    let (w, h) = area.dim_in_pixel();
    let f = text(12.0).pos(Pos::new(HPos::Left, VPos::Center));
    // With scores it ends inside the plot, clear of the right axis's labels.
    let x0 = if scores.is_some() {
        plot.0.end - (175.0 * s) as i32
    } else {
        w as i32 - (120.0 * s) as i32
    };
    let y0 = if scores.is_some() {
        (h as f64 * 0.45) as i32
    } else {
        (32.0 * s) as i32
    };
    for (k, (label, c)) in [(tr, pc), (te, nc)]
        .into_iter()
        .enumerate()
        .take(if has_test { 2 } else { 1 })
    {
        let y = y0 + k as i32 * (16.0 * s) as i32;
        area.draw(&PathElement::new(
            vec![(x0, y), (x0 + (18.0 * s) as i32, y)],
            c.stroke_width(width),
        ))
        .map_err(err)?;
        let last = if k == 0 {
            points.last().map(|p| p.1)
        } else {
            points.last().map(|p| p.2)
        };
        #[allow(unused_mut)]
        let mut label = format!(
            "{label} {}",
            last.map(|v| crate::number::fmt(v, 3)).unwrap_or_default()
        );
        #[cfg(feature = "full")]
        label.push_str(&suffix[k]);
        area.draw(&Text::new(label, (x0 + (24.0 * s) as i32, y), f.clone()))
            .map_err(err)?;
    }
    if let Some(&(_, _, last)) = rival.last() {
        let y = y0 + 2 * (16.0 * s) as i32;
        area.draw(&PathElement::new(
            vec![(x0, y), (x0 + (18.0 * s) as i32, y)],
            theme.muted.stroke_width(width),
        ))
        .map_err(err)?;
        let name = if lang == Lang::Zh {
            "全连接网络 测试"
        } else {
            "fully connected, test"
        };
        let label = format!("{name} {}", crate::number::fmt(last, 3));
        area.draw(&Text::new(label, (x0 + (24.0 * s) as i32, y), f.clone()))
            .map_err(err)?;
    }
    area.present().map_err(err)?;
    Ok(())
}

/// A score as the legend writes it: `98.4 %`, or `R² 0.973`.
#[cfg(feature = "full")]
fn score_text(v: f64, r2: bool) -> String {
    if r2 {
        format!("R² {}", crate::number::fmt(v, 3))
    } else {
        format!("{} %", crate::number::fmt(v * 100.0, 3))
    }
}

/// The scores, dashed, on their own axis at the right: 0 at the bottom of the plot, 1
/// at its top (an R² below 0 is drawn at 0), whatever the loss's scale. Returns what
/// the legend adds to the train and test lines: their last score.
#[cfg(feature = "full")]
fn draw_scores<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sc: Scores<'_>,
    has_test: bool,
    x1: f64,
    plot: &(std::ops::Range<i32>, std::ops::Range<i32>),
    theme: &Theme,
    lang: Lang,
) -> Result<[String; 2], String> {
    let s = theme.scale;
    let (xs, ys) = (plot.0.start as f64, plot.1.start as f64);
    let (w, h) = (
        (plot.0.end - plot.0.start) as f64,
        (plot.1.end - plot.1.start) as f64,
    );
    let at = |x: f64, v: f64| {
        (
            (xs + x / x1 * w).round() as i32,
            (ys + (1.0 - v.clamp(0.0, 1.0)) * h).round() as i32,
        )
    };
    let f = theme
        .text_style(11.0)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for v in [0.0, 0.5, 1.0] {
        let (_, y) = at(0.0, v);
        let label = if sc.r2 {
            crate::number::fmt(v, 2)
        } else {
            format!("{} %", v * 100.0)
        };
        area.draw(&Text::new(
            label,
            (plot.0.end + (4.0 * s) as i32, y),
            f.clone(),
        ))
        .map_err(err)?;
    }
    let name = match (sc.r2, lang) {
        (true, _) => "R²",
        (false, Lang::Zh) => "准确率",
        (false, _) => "accuracy",
    };
    let top = (plot.1.start - (8.0 * s) as i32).max(0);
    let name_style = theme
        .text_style(11.0)
        .pos(Pos::new(HPos::Right, VPos::Bottom));
    area.draw(&Text::new(
        name,
        (area.dim_in_pixel().0 as i32, top),
        name_style,
    ))
    .map_err(err)?;
    let width = (1.5 * s).max(1.0) as u32;
    let (dash, gap) = ((6.0 * s) as i32, (4.0 * s) as i32);
    for (test, colour) in [(false, theme.positive), (true, theme.negative)] {
        if test && !has_test {
            continue;
        }
        let line: Vec<(i32, i32)> = sc
            .points
            .iter()
            .map(|p| (p.0 as f64, if test { p.2 } else { p.1 }))
            .filter(|p| p.1.is_finite())
            .map(|(x, v)| at(x, v))
            .collect();
        for e in DashedLineSeries::new(line, dash, gap, colour.stroke_width(width)) {
            area.draw(&e).map_err(err)?;
        }
    }
    let last = |v: Option<f64>| {
        v.filter(|v| v.is_finite())
            .map(|v| format!(" · {}", score_text(v, sc.r2)))
            .unwrap_or_default()
    };
    let end = sc.points.last();
    Ok([last(end.map(|p| p.1)), last(end.map(|p| p.2))])
}
