//! The loss curve of a training run: training and test loss against examples seen,
//! on a linear or a log scale.

use super::{err, Theme};
use crate::lang::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Draws `points` = (examples seen, train loss, test loss); `has_test` draws the test line.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: &[(u64, f64, f64)],
    has_test: bool,
    log: bool,
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
    let vals: Vec<f64> = points
        .iter()
        .flat_map(|&(_, a, b)| if has_test { vec![a, b] } else { vec![a] })
        .filter(|&v| finite(v))
        .collect();
    let x1 = points.last().map_or(1, |p| p.0).max(1) as f64;
    let (lo, hi) = vals
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if vals.is_empty() {
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
    let mut chart = theme.chart(area, title, 52.0);
    let (pc, nc) = (theme.positive, theme.negative);
    let width = (2.0 * s) as u32;
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
    // Legend drawn as plain text (see curves.rs on why not plotters' legend).
    let (w, _) = area.dim_in_pixel();
    let f = text(12.0).pos(Pos::new(HPos::Left, VPos::Center));
    let x0 = w as i32 - (120.0 * s) as i32;
    let y0 = (32.0 * s) as i32;
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
        let label = format!(
            "{label} {}",
            last.map(|v| crate::number::fmt(v, 3)).unwrap_or_default()
        );
        area.draw(&Text::new(label, (x0 + (24.0 * s) as i32, y), f.clone()))
            .map_err(err)?;
    }
    area.present().map_err(err)?;
    Ok(())
}
