//! What the network learned, drawn over the data: for 2-D inputs the data points on
//! top of the decision-boundary heatmap (filled separately as RGBA), for 1-D regression
//! the fitted curve through the points.

use super::{err, Theme};
use crate::engine::Net;
use crate::feature::{self, Feature};
use crate::lang::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A data point: its raw point (x₁, x₂) or (x), its label (class 0/1, or y), and
/// whether it is held out for testing.
pub struct Point<'a> {
    pub x: &'a [f64],
    pub label: f64,
    pub test: bool,
}

/// The class of a target: one value above ½ (1 of 0/1, or of −1/1), or the larger of
/// two one-hot entries.
pub fn class(t: &[f64]) -> bool {
    match t.len() {
        1 => t[0] > 0.5,
        _ => t.get(1).copied().unwrap_or(0.0) > t[0],
    }
}

/// The colour side of a label: class 1 (or a positive y, as the heatmap colours a
/// regression's output by its sign) is the positive colour.
pub fn side(label: f64) -> bool {
    label > 0.0
}

/// The fitted curve y = f(x) and the points of a 1-D regression; the network takes the
/// `features` of each x (read as x₁).
pub fn draw_fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    net: &Net,
    features: &[Feature],
    points: &[Point],
    theme: &Theme,
    lang: Lang,
) -> Result<(), String> {
    area.fill(&theme.background).map_err(err)?;
    let s = theme.scale;
    let xs: Vec<f64> = points
        .iter()
        .map(|p| p.x[0])
        .filter(|v| v.is_finite())
        .collect();
    let x0 = xs.iter().copied().fold(-3.0f64, f64::min);
    let x1 = xs.iter().copied().fold(3.0f64, f64::max);
    let mut ws = crate::engine::Workspace::default();
    let curve: Vec<(f64, f64)> = (0..=200)
        .map(|k| x0 + (x1 - x0) * k as f64 / 200.0)
        .map(|x| {
            let input = feature::inputs(features, [x, 0.0]);
            (x, net.forward_into(&input, &mut ws)[0])
        })
        .collect();
    let ys = points
        .iter()
        .map(|p| p.label)
        .chain(curve.iter().map(|c| c.1))
        .filter(|v| v.is_finite());
    let (lo, hi) = ys.fold((-1.2f64, 1.2f64), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi) = (lo.max(-10.0), hi.min(10.0));
    let title = if lang == Lang::Zh {
        "拟合曲线"
    } else {
        "Fitted curve"
    };
    let mut chart = theme
        .chart(area, title, 40.0)
        .build_cartesian_2d(x0..x1, lo..hi)
        .map_err(err)?;
    theme
        .mesh(&mut chart.configure_mesh())
        .x_desc("x")
        .x_labels(7)
        .y_labels(5)
        .draw()
        .map_err(err)?;
    let inside = |&(_, y): &(f64, f64)| y >= lo && y <= hi;
    let r = (3.5 * s).max(2.0) as i32;
    chart
        .draw_series(
            points
                .iter()
                .map(|p| (p.x[0], p.label, p.test))
                .filter(|&(x, y, _)| inside(&(x, y)))
                .map(|(x, y, test)| {
                    if test {
                        Circle::new((x, y), r, theme.negative.stroke_width((1.5 * s) as u32))
                    } else {
                        Circle::new((x, y), r, theme.negative.filled())
                    }
                }),
        )
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            curve.into_iter().filter(inside),
            theme.positive.stroke_width((3.0 * s) as u32),
        ))
        .map_err(err)?;
    area.present().map_err(err)?;
    Ok(())
}
