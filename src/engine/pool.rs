//! Max and average pooling, as PyTorch's `max_pool2d` and `avg_pool2d`
//! (count_include_pad=True) compute them: square windows with a stride and zero
//! padding, floor output sizes, each channel on its own. Pooling has no ordinary
//! derivative: max routes each gradient to its window's winner, average spreads it.

use super::shape::{out_side, tap, tap_signed, Shape};

/// A pooling window: k × k, moved by `stride`, over an input padded by `padding`
/// (at most k/2, as PyTorch requires, so every window holds a real cell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pool {
    pub kernel: usize,
    pub stride: usize,
    pub padding: usize,
}

/// One cell of a window, for explanations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Unpadded coordinates (outside 0..H or 0..W in the padding).
    pub row: isize,
    pub col: isize,
    /// row·W + col within the channel, `None` for a padding cell.
    pub index: Option<usize>,
}

impl Pool {
    /// The output shape C×H'×W' (floor), `None` when no window fits.
    pub fn out_shape(&self, input: Shape) -> Option<Shape> {
        let (c, h, w) = input.chw();
        let side = |n| out_side(n, self.kernel, self.stride, self.padding);
        Some(Shape::map(c, side(h)?, side(w)?))
    }

    fn sides(&self, input: Shape) -> (usize, usize, usize, usize, usize) {
        let (c, h, w) = input.chw();
        let side = |n| out_side(n, self.kernel, self.stride, self.padding).unwrap_or(0);
        (c, h, w, side(h), side(w))
    }

    /// The k·k cells of the window of output position (i, j), row-major.
    pub fn window(&self, input: Shape, i: usize, j: usize) -> Vec<Cell> {
        let (_, h, w) = input.chw();
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        let mut cells = Vec::with_capacity(k * k);
        for u in 0..k {
            for v in 0..k {
                cells.push(Cell {
                    row: tap_signed(i, u, s, p),
                    col: tap_signed(j, v, s, p),
                    index: tap(i, u, s, p, h)
                        .zip(tap(j, v, s, p, w))
                        .map(|(r, q)| r * w + q),
                });
            }
        }
        cells
    }

    /// The largest value of each window into `y`, and its winner into `argmax`
    /// (row·W + col within the channel, PyTorch's return_indices). Padding never
    /// wins; ties go to the first maximum in row-major order (only a strictly greater
    /// value replaces the current one).
    pub fn max_forward(&self, input: Shape, x: &[f64], y: &mut Vec<f64>, argmax: &mut Vec<usize>) {
        let (c_n, h, w, ho, wo) = self.sides(input);
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        y.clear();
        argmax.clear();
        for c in 0..c_n {
            let plane = &x[c * h * w..(c + 1) * h * w];
            for i in 0..ho {
                for j in 0..wo {
                    let mut best: Option<(f64, usize)> = None;
                    for u in 0..k {
                        let Some(r) = tap(i, u, s, p, h) else {
                            continue;
                        };
                        for v in 0..k {
                            let Some(q) = tap(j, v, s, p, w) else {
                                continue;
                            };
                            let at = r * w + q;
                            if best.is_none_or(|(b, _)| plane[at] > b) {
                                best = Some((plane[at], at));
                            }
                        }
                    }
                    // Every window holds a real cell (padding ≤ kernel/2, floor sizes).
                    let (b, at) = best.unwrap_or((f64::NAN, 0));
                    y.push(b);
                    argmax.push(at);
                }
            }
        }
    }

    /// ∂L/∂x of max pooling, ∂L/∂(input) of this layer: each output gradient goes to
    /// its window's winner only; where windows overlap, the gradients add up.
    pub fn max_backward(
        &self,
        input: Shape,
        argmax: &[usize],
        grad_y: &[f64],
        grad_x: &mut Vec<f64>,
    ) {
        let (_, h, w, ho, wo) = self.sides(input);
        grad_x.clear();
        grad_x.resize(input.len(), 0.0);
        for (cell, (&at, &g)) in argmax.iter().zip(grad_y).enumerate() {
            let c = cell / (ho * wo);
            grad_x[c * h * w + at] += g;
        }
    }

    /// The mean of each window, padding counted as zeros: (Σ real cells) / k².
    pub fn avg_forward(&self, input: Shape, x: &[f64], y: &mut Vec<f64>) {
        let (c_n, h, w, ho, wo) = self.sides(input);
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        let divisor = (k * k) as f64;
        y.clear();
        for c in 0..c_n {
            for i in 0..ho {
                for j in 0..wo {
                    let mut sum = 0.0;
                    for u in 0..k {
                        let Some(r) = tap(i, u, s, p, h) else {
                            continue;
                        };
                        for v in 0..k {
                            if let Some(q) = tap(j, v, s, p, w) {
                                sum += x[(c * h + r) * w + q];
                            }
                        }
                    }
                    y.push(sum / divisor);
                }
            }
        }
    }

    /// ∂L/∂x of average pooling, ∂L/∂(input) of this layer: each output gradient is
    /// spread as g / k² onto every real cell of its window (padding cells drop their share).
    pub fn avg_backward(&self, input: Shape, grad_y: &[f64], grad_x: &mut Vec<f64>) {
        let (c_n, h, w, ho, wo) = self.sides(input);
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        let divisor = (k * k) as f64;
        grad_x.clear();
        grad_x.resize(input.len(), 0.0);
        for c in 0..c_n {
            for i in 0..ho {
                for j in 0..wo {
                    let share = grad_y[(c * ho + i) * wo + j] / divisor;
                    for u in 0..k {
                        let Some(r) = tap(i, u, s, p, h) else {
                            continue;
                        };
                        for v in 0..k {
                            if let Some(q) = tap(j, v, s, p, w) {
                                grad_x[(c * h + r) * w + q] += share;
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(kernel: usize, stride: usize, padding: usize) -> Pool {
        Pool {
            kernel,
            stride,
            padding,
        }
    }

    #[test]
    fn max_ties_go_to_the_first_in_row_major_order() {
        // One 2×2 window, all four equal: the winner is the top-left cell.
        let shape = Shape::map(1, 2, 2);
        let (mut y, mut arg) = (Vec::new(), Vec::new());
        pool(2, 2, 0).max_forward(shape, &[3.0, 3.0, 3.0, 3.0], &mut y, &mut arg);
        assert_eq!((y, arg.clone()), (vec![3.0], vec![0]));
        let mut gx = Vec::new();
        pool(2, 2, 0).max_backward(shape, &arg, &[1.5], &mut gx);
        assert_eq!(gx, [1.5, 0.0, 0.0, 0.0]);
        // The tie is between (0,1) and (1,0): (0,1) comes first.
        pool(2, 2, 0).max_forward(shape, &[1.0, 5.0, 5.0, 2.0], &mut Vec::new(), &mut arg);
        assert_eq!(arg, [1]);
    }

    #[test]
    fn max_padding_never_wins() {
        // Every real value negative: a zero padding cell would win if it could.
        // 2×2 input, k 2, s 2, p 1: four windows, each holding one real cell.
        let shape = Shape::map(1, 2, 2);
        let x = [-4.0, -3.0, -2.0, -1.0];
        let (mut y, mut arg) = (Vec::new(), Vec::new());
        pool(2, 2, 1).max_forward(shape, &x, &mut y, &mut arg);
        assert_eq!(y, x);
        assert_eq!(arg, [0, 1, 2, 3]);
        // 3×3 input, k 3, s 1, p 1: 3×3 windows; the centre window sees all nine.
        let x = [-9.0, -8.0, -7.0, -6.0, -5.0, -4.0, -3.0, -2.0, -1.5];
        pool(3, 1, 1).max_forward(Shape::map(1, 3, 3), &x, &mut y, &mut arg);
        assert_eq!(y, [-5.0, -4.0, -4.0, -2.0, -1.5, -1.5, -2.0, -1.5, -1.5]);
        assert_eq!(arg, [4, 5, 5, 7, 8, 8, 7, 8, 8]);
    }

    #[test]
    fn max_overlapping_windows_add_up() {
        // 1×3 rows of a 3×3 map, k 2, s 1: the centre 9 wins all four windows.
        let shape = Shape::map(1, 3, 3);
        let x = [1.0, 2.0, 1.0, 2.0, 9.0, 2.0, 1.0, 2.0, 1.0];
        let (mut y, mut arg) = (Vec::new(), Vec::new());
        let p = pool(2, 1, 0);
        p.max_forward(shape, &x, &mut y, &mut arg);
        assert_eq!(arg, [4, 4, 4, 4]);
        let mut gx = Vec::new();
        p.max_backward(shape, &arg, &[1.0, 2.0, 3.0, 4.0], &mut gx);
        assert_eq!(gx, [0.0, 0.0, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn max_argmax_is_per_channel() {
        let shape = Shape::map(2, 2, 2);
        let (mut y, mut arg) = (Vec::new(), Vec::new());
        let p = pool(2, 2, 0);
        p.max_forward(
            shape,
            &[0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 7.0, 0.0],
            &mut y,
            &mut arg,
        );
        assert_eq!((y.clone(), arg.clone()), (vec![1.0, 7.0], vec![1, 2]));
        let mut gx = Vec::new();
        p.max_backward(shape, &arg, &[1.0, -1.0], &mut gx);
        assert_eq!(gx, [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, -1.0, 0.0]);
    }

    #[test]
    fn average_counts_padding_in_the_divisor() {
        // 2×2 input, k 2, s 2, p 1: each window holds one real cell and three zeros.
        let shape = Shape::map(1, 2, 2);
        let p = pool(2, 2, 1);
        let mut y = Vec::new();
        p.avg_forward(shape, &[4.0, 8.0, -2.0, 1.0], &mut y);
        assert_eq!(y, [1.0, 2.0, -0.5, 0.25]);
        let mut gx = Vec::new();
        p.avg_backward(shape, &[1.0, 2.0, 3.0, 4.0], &mut gx);
        assert_eq!(gx, [0.25, 0.5, 0.75, 1.0], "the padding's 3/4 is dropped");
        // Overlapping windows (k 2, s 1) on 3×3: the centre is in all four.
        let p = pool(2, 1, 0);
        p.avg_backward(Shape::map(1, 3, 3), &[1.0; 4], &mut gx);
        assert_eq!(gx, [0.25, 0.5, 0.25, 0.5, 1.0, 0.5, 0.25, 0.5, 0.25]);
    }

    #[test]
    fn windows_mark_padding() {
        let cells = pool(2, 2, 1).window(Shape::map(1, 3, 3), 0, 1);
        let idx: Vec<Option<usize>> = cells.iter().map(|c| c.index).collect();
        assert_eq!(idx, [None, None, Some(1), Some(2)]);
        assert_eq!((cells[0].row, cells[0].col), (-1, 1));
    }
}
