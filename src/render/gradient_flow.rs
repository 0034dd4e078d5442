//! The gradient-size chart: ‖δ(l)‖ and ‖∂L/∂W(l)‖ per layer on a log scale, so a deep
//! sigmoid network's vanishing gradients (and exploding ones) show at a glance.

use super::{err, Theme};
use crate::lang::Lang;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Draws per-layer norms; `None` = not computed yet at this step (no bar).
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    delta: &[Option<f64>],
    weights: &[Option<f64>],
    layers: &[usize],
    theme: &Theme,
    lang: Lang,
) -> Result<(), String> {
    area.fill(&theme.background).map_err(err)?;
    let s = theme.scale;
    let text = |px: f64| theme.text_style(px);
    let n = delta.len().max(1);
    let vals: Vec<f64> = delta
        .iter()
        .chain(weights)
        .flatten()
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min).min(1e-3) / 3.0;
    let hi = vals.iter().copied().fold(0.0f64, f64::max).max(1e-2) * 3.0;
    let lo = lo.max(1e-300);
    let (title, layer) = if lang == Lang::Zh {
        ("各层梯度大小（对数刻度）", "层")
    } else {
        ("Gradient size per layer (log scale)", "layer")
    };
    let mut chart = theme
        .chart(area, title, 52.0)
        .build_cartesian_2d(0.5f64..n as f64 + 0.5, (lo..hi).log_scale())
        .map_err(err)?;
    theme
        .mesh(&mut chart.configure_mesh())
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&|v| {
            let k = (v.round() as usize).saturating_sub(1);
            format!("{layer} {}", layers.get(k).copied().unwrap_or(k + 1))
        })
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .y_labels(6)
        .draw()
        .map_err(err)?;
    let bar = |x: f64, v: f64, c: RGBColor| {
        Rectangle::new([(x, lo), (x + 0.32, v.max(lo).min(hi))], c.filled())
    };
    for (l, d) in delta.iter().enumerate() {
        let x = l as f64 + 1.0;
        if let Some(v) = d.filter(|v| v.is_finite() && *v > 0.0) {
            chart
                .draw_series(std::iter::once(bar(x - 0.34, v, theme.negative)))
                .map_err(err)?;
        }
        if let Some(v) = weights
            .get(l)
            .copied()
            .flatten()
            .filter(|v| v.is_finite() && *v > 0.0)
        {
            chart
                .draw_series(std::iter::once(bar(x + 0.02, v, theme.positive)))
                .map_err(err)?;
        }
    }
    let f = text(12.0).pos(Pos::new(HPos::Left, VPos::Center));
    let (w, _) = area.dim_in_pixel();
    let x0 = w as i32 - (110.0 * s) as i32;
    for (k, (label, c)) in [("‖δ‖", theme.negative), ("‖∂L/∂W‖", theme.positive)]
        .into_iter()
        .enumerate()
    {
        let y = (32.0 * s) as i32 + k as i32 * (16.0 * s) as i32;
        area.draw(&Rectangle::new(
            [
                (x0, y - (5.0 * s) as i32),
                (x0 + (14.0 * s) as i32, y + (5.0 * s) as i32),
            ],
            c.filled(),
        ))
        .map_err(err)?;
        area.draw(&Text::new(label, (x0 + (20.0 * s) as i32, y), f.clone()))
            .map_err(err)?;
    }
    area.present().map_err(err)?;
    Ok(())
}
