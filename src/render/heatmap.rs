//! Heatmaps of what the network computes over a 2-D input plane: the output (the
//! decision boundary) and each unit. Filled straight into an RGBA buffer, so the page
//! puts a whole map on the canvas in one call instead of thousands of draw calls.

use super::Theme;
use crate::activation::Activation;
use crate::engine::{Net, Workspace};
use crate::feature::{self, Feature};
use plotters::style::RGBColor;

/// The part of the input plane shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Domain {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
}

impl Domain {
    /// The square [−e, e]²: TensorFlow Playground's fixed plane for its datasets (e = 6),
    /// the same whatever the points.
    pub fn square(e: f64) -> Domain {
        Domain {
            x0: -e,
            x1: e,
            y0: -e,
            y1: e,
        }
    }

    /// The data's bounding box with a 20 % margin (at least ±0.5 around the data).
    pub fn around<'a>(inputs: impl IntoIterator<Item = &'a Vec<f64>>) -> Domain {
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        for p in inputs {
            if let [x, y, ..] = p.as_slice() {
                if x.is_finite() && y.is_finite() {
                    (x0, x1, y0, y1) = (x0.min(*x), x1.max(*x), y0.min(*y), y1.max(*y));
                }
            }
        }
        if !x0.is_finite() {
            return Domain {
                x0: -1.2,
                x1: 1.2,
                y0: -1.2,
                y1: 1.2,
            };
        }
        let pad = |a: f64, b: f64| ((b - a) * 0.2).max(0.5);
        let (px, py) = (pad(x0, x1), pad(y0, y1));
        Domain {
            x0: x0 - px,
            x1: x1 + px,
            y0: y0 - py,
            y1: y1 + py,
        }
    }

    /// The input at cell (i, j) of an n_x × n_y grid (row 0 at the top).
    pub fn at(&self, i: usize, j: usize, nx: usize, ny: usize) -> [f64; 2] {
        let x = self.x0 + (self.x1 - self.x0) * (i as f64 + 0.5) / nx as f64;
        let y = self.y1 - (self.y1 - self.y0) * (j as f64 + 0.5) / ny as f64;
        [x, y]
    }

    /// Pixel position of an input in a w × h picture.
    pub fn to_px(&self, p: &[f64], w: f64, h: f64) -> (f64, f64) {
        let x = (p[0] - self.x0) / (self.x1 - self.x0) * w;
        let y = (self.y1 - p.get(1).copied().unwrap_or(0.0)) / (self.y1 - self.y0) * h;
        (x, y)
    }
}

/// The output as one score in [−1, 1]: class 1 against class 0.
pub fn score(net: &Net, y: &[f64]) -> f64 {
    let act = net.output_activation();
    let v = match (y.len(), act) {
        (1, Activation::Sigmoid) => 2.0 * y[0] - 1.0,
        (1, _) => y[0].tanh(),
        (_, _) => y[1] - y[0],
    };
    v.clamp(-1.0, 1.0)
}

/// A diverging colour: negative → the negative colour, 0 → background, positive → positive.
fn colour(theme: &Theme, v: f64) -> [u8; 4] {
    let (c, t) = if v >= 0.0 {
        (theme.positive, v)
    } else {
        (theme.negative, -v)
    };
    let t = if t.is_finite() {
        t.min(1.0) * 0.85
    } else {
        0.0
    };
    let RGBColor(br, bg, bb) = theme.background;
    let mix = |b: u8, c: u8| (b as f64 + (c as f64 - b as f64) * t).round() as u8;
    [mix(br, c.0), mix(bg, c.1), mix(bb, c.2), 255]
}

/// The output score over an nx × ny grid of the raw plane, each cell `cell` pixels
/// square: RGBA bytes of a (nx·cell) × (ny·cell) picture. The network takes the
/// `features` of each point (the raw inputs: the point itself).
pub fn output_rgba(
    net: &Net,
    features: &[Feature],
    dom: &Domain,
    nx: usize,
    ny: usize,
    cell: usize,
    theme: &Theme,
) -> Vec<u8> {
    let mut grid = Vec::with_capacity(nx * ny);
    let mut ws = Workspace::default();
    let mut x = Vec::with_capacity(features.len());
    for j in 0..ny {
        for i in 0..nx {
            feature::inputs_into(features, dom.at(i, j, nx, ny), &mut x);
            let y = net.forward_into(&x, &mut ws);
            grid.push(colour(theme, score(net, y)));
        }
    }
    expand(&grid, nx, ny, cell)
}

/// What each input feature is over an n × n grid of the raw plane (an input unit's map):
/// the RGBA bytes of an (n·cell)² picture per feature, each scaled by its largest
/// magnitude on the grid (x₁² is pale at the centre, strong at the edges).
pub fn feature_rgba(
    features: &[Feature],
    dom: &Domain,
    n: usize,
    cell: usize,
    theme: &Theme,
) -> Vec<Vec<u8>> {
    features
        .iter()
        .map(|f| {
            let v: Vec<f64> = (0..n * n)
                .map(|k| f.value(dom.at(k % n, k / n, n, n)))
                .collect();
            let max = v.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1e-12);
            let px: Vec<[u8; 4]> = v.iter().map(|&a| colour(theme, a / max)).collect();
            expand(&px, n, n, cell)
        })
        .collect()
}

/// What every unit computes over an n × n grid of the raw plane (the network taking the
/// `features` of each point): for layer l and unit i, the RGBA bytes of an (n·cell)²
/// picture. Bounded activations map their range, unbounded ones are scaled by their
/// largest magnitude on the grid.
pub fn unit_rgba(
    net: &Net,
    features: &[Feature],
    dom: &Domain,
    n: usize,
    cell: usize,
    theme: &Theme,
) -> Vec<Vec<Vec<u8>>> {
    let mut vals: Vec<Vec<Vec<f64>>> = net
        .mlp_layers()
        .map(|l| vec![Vec::with_capacity(n * n); l.width()])
        .collect();
    let mut ws = Workspace::default();
    let mut x = Vec::with_capacity(features.len());
    for j in 0..n {
        for i in 0..n {
            feature::inputs_into(features, dom.at(i, j, n, n), &mut x);
            net.forward_into(&x, &mut ws);
            // a(l) is the output of engine layer 2l + 1.
            for (l, a) in ws.outputs.iter().skip(1).step_by(2).enumerate() {
                for (u, v) in a.iter().enumerate() {
                    vals[l][u].push(*v);
                }
            }
        }
    }
    vals.iter()
        .zip(net.mlp_layers())
        .map(|(units, layer)| {
            units
                .iter()
                .map(|v| {
                    let max = v.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1e-12);
                    let px: Vec<[u8; 4]> = v
                        .iter()
                        .map(|&a| {
                            let s = match layer.activation {
                                Activation::Sigmoid | Activation::Softmax => 2.0 * a - 1.0,
                                Activation::Tanh => a,
                                _ => a / max,
                            };
                            colour(theme, s)
                        })
                        .collect();
                    expand(&px, n, n, cell)
                })
                .collect()
        })
        .collect()
}

/// Blows each grid cell up to a cell × cell block of pixels.
fn expand(grid: &[[u8; 4]], nx: usize, ny: usize, cell: usize) -> Vec<u8> {
    let w = nx * cell;
    let mut out = vec![0u8; w * ny * cell * 4];
    for j in 0..ny {
        for dy in 0..cell {
            let row = (j * cell + dy) * w * 4;
            for i in 0..nx {
                let c = grid[j * nx + i];
                for dx in 0..cell {
                    let k = row + (i * cell + dx) * 4;
                    out[k..k + 4].copy_from_slice(&c);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset;

    #[test]
    fn buffer_sizes_and_colours() {
        let net = preset::get("xor").unwrap().problem.net;
        let dom = Domain::around(&[vec![0.0, 1.0]]);
        let raw = &feature::RAW_2D;
        let buf = output_rgba(&net, raw, &dom, 10, 8, 3, &Theme::light());
        assert_eq!(buf.len(), 30 * 24 * 4);
        assert!(buf.chunks(4).all(|p| p[3] == 255));
        let units = unit_rgba(&net, raw, &dom, 6, 2, &Theme::light());
        assert_eq!(units.len(), 2);
        assert_eq!(units[0].len(), 3);
        assert_eq!(units[0][0].len(), 12 * 12 * 4);
    }

    #[test]
    fn feature_maps_show_each_feature_over_the_plane() {
        let theme = Theme::light();
        let dom = Domain::square(6.0);
        let fs = [Feature::X1, Feature::X1Sq];
        let maps = feature_rgba(&fs, &dom, 4, 1, &theme);
        assert_eq!(maps.len(), 2);
        let px = |m: &[u8], i: usize, j: usize| m[(j * 4 + i) * 4..(j * 4 + i) * 4 + 3].to_vec();
        let RGBColor(br, bg, bb) = theme.background;
        let bg = vec![br, bg, bb];
        // x₁: the negative hue on the left, the positive on the right.
        assert_ne!(px(&maps[0], 0, 1), px(&maps[0], 3, 1));
        // x₁²: the same at both edges, paler at the centre.
        assert_eq!(px(&maps[1], 0, 1), px(&maps[1], 3, 1));
        let d = |a: &[u8]| {
            a.iter()
                .zip(&bg)
                .map(|(x, y)| x.abs_diff(*y) as u32)
                .sum::<u32>()
        };
        assert!(d(&px(&maps[1], 1, 1)) < d(&px(&maps[1], 0, 1)));
    }

    #[test]
    fn domain_maps_corners() {
        let d = Domain {
            x0: -1.0,
            x1: 1.0,
            y0: -1.0,
            y1: 1.0,
        };
        assert_eq!(d.to_px(&[-1.0, 1.0], 100.0, 50.0), (0.0, 0.0));
        assert_eq!(d.to_px(&[1.0, -1.0], 100.0, 50.0), (100.0, 50.0));
        let p = d.at(0, 0, 2, 2);
        assert_eq!(p, [-0.5, 0.5]);
    }
}
