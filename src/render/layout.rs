//! Where the units of the network view sit, shared by drawing and by hit testing
//! (so a click lands on exactly what was drawn).

use serde::Serialize;

/// Positions in device pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Column 0 is the input, column l+1 is layer l; each holds its units' centres.
    pub columns: Vec<Vec<(f64, f64)>>,
    pub radius: f64,
    /// Centre of the loss box: right of the output column and its targets, or below
    /// the output column on a narrow view.
    pub loss_at: (f64, f64),
    /// A narrow view (under 600 CSS pixels): short headings.
    pub narrow: bool,
    pub width: f64,
    pub height: f64,
    pub scale: f64,
}

/// What a click hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Hit {
    /// Unit i of layer `layer` (0-based); `layer` = None for an input.
    Neuron { layer: Option<usize>, i: usize },
    /// The edge W(layer)_ij.
    Edge { layer: usize, i: usize, j: usize },
}

/// Lays out `sizes` (input first) in a `w` × `h` area; `scale` = device pixels per CSS pixel × zoom.
pub fn layout(sizes: &[usize], w: f64, h: f64, scale: f64) -> Layout {
    let cols = sizes.len().max(1);
    let narrow = w / scale < 600.0;
    let left = if narrow { 46.0 } else { 64.0 } * scale;
    let right = if narrow { 104.0 } else { 230.0 } * scale;
    let top = 34.0 * scale;
    let bottom = if narrow { 86.0 } else { 26.0 } * scale;
    let span_x = (w - left - right).max(10.0);
    let dx = if cols > 1 {
        span_x / (cols - 1) as f64
    } else {
        0.0
    };
    let max_units = sizes.iter().copied().max().unwrap_or(1).max(1);
    let span_y = (h - top - bottom).max(10.0);
    let dy = span_y / max_units as f64;
    let radius = (30.0 * scale)
        .min(dy * 0.4)
        .min(if cols > 1 { dx * 0.22 } else { 30.0 * scale })
        .max(3.0);
    let columns = sizes
        .iter()
        .enumerate()
        .map(|(c, &n)| {
            let x = left + dx * c as f64;
            let y0 = top + (span_y - dy * n as f64) / 2.0 + dy / 2.0;
            (0..n).map(|i| (x, y0 + dy * i as f64)).collect()
        })
        .collect();
    Layout {
        columns,
        radius,
        loss_at: if narrow {
            (left + span_x, h - 30.0 * scale)
        } else {
            (left + span_x + radius + 148.0 * scale, h / 2.0)
        },
        narrow,
        width: w,
        height: h,
        scale,
    }
}

/// Distance from p to the segment a–b, and where along it (0 at a, 1 at b).
fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (vx, vy) = (b.0 - a.0, b.1 - a.1);
    let len2 = vx * vx + vy * vy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * vx + (p.1 - a.1) * vy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.0 + t * vx, a.1 + t * vy);
    (((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt(), t)
}

impl Layout {
    /// The unit or edge at device pixel (x, y), if any; units win over edges.
    pub fn hit(&self, x: f64, y: f64) -> Option<Hit> {
        for (c, col) in self.columns.iter().enumerate() {
            for (i, &(cx, cy)) in col.iter().enumerate() {
                if (x - cx).powi(2) + (y - cy).powi(2) <= (self.radius * 1.1).powi(2) {
                    return Some(Hit::Neuron {
                        layer: c.checked_sub(1),
                        i,
                    });
                }
            }
        }
        let tol = 6.0 * self.scale;
        let mut best: Option<(f64, Hit)> = None;
        for c in 1..self.columns.len() {
            for (i, &b) in self.columns[c].iter().enumerate() {
                for (j, &a) in self.columns[c - 1].iter().enumerate() {
                    let (d, _) = segment_distance((x, y), a, b);
                    if d <= tol && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
                        best = Some((d, Hit::Edge { layer: c - 1, i, j }));
                    }
                }
            }
        }
        best.map(|(_, h)| h)
    }

    /// Where the label of edge W(layer)_ij goes: staggered along the edge by the
    /// destination unit, so labels of crossing edges land at different places.
    pub fn edge_label(&self, layer: usize, i: usize, j: usize) -> (f64, f64) {
        let a = self.columns[layer][j];
        let b = self.columns[layer + 1][i];
        let n = self.columns[layer + 1].len().max(1) as f64;
        let t = 0.28 + 0.44 * (i as f64 + 0.5) / n;
        (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_units_and_edges() {
        let l = layout(&[2, 2, 2], 800.0, 400.0, 1.0);
        let (x, y) = l.columns[1][0];
        assert_eq!(
            l.hit(x, y),
            Some(Hit::Neuron {
                layer: Some(0),
                i: 0
            })
        );
        let (x, y) = l.columns[0][1];
        assert_eq!(l.hit(x + 1.0, y), Some(Hit::Neuron { layer: None, i: 1 }));
        let a = l.columns[1][1];
        let b = l.columns[2][0];
        let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        assert_eq!(
            l.hit(mid.0, mid.1),
            Some(Hit::Edge {
                layer: 1,
                i: 0,
                j: 1
            })
        );
        assert_eq!(l.hit(1.0, 1.0), None);
    }

    #[test]
    fn everything_fits_inside() {
        for sizes in [
            vec![2, 2, 2],
            vec![8, 16, 16, 16, 16, 16, 16, 16, 1],
            vec![1, 1],
        ] {
            let l = layout(&sizes, 640.0, 360.0, 2.0);
            for &(x, y) in l.columns.iter().flatten() {
                assert!(
                    x - l.radius >= 0.0
                        && x + l.radius <= 640.0
                        && y - l.radius >= 0.0
                        && y + l.radius <= 360.0
                );
            }
        }
    }
}
