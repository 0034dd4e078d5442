//! A convolution layer as PyTorch's `conv2d` computes it: a cross-correlation of the
//! zero-padded input with each kernel, with a stride, floor output sizes. The direct
//! loops live here; the teaching views of the same numbers are in `full_conv.rs`
//! (∂L/∂x as a full convolution with rot180 K), `im2col.rs` and `conv_terms.rs`.

use super::shape::{out_side, tap, Shape};

/// `out_channels` kernels of `in_channels × kernel × kernel`, one bias each.
#[derive(Clone, Debug, PartialEq)]
pub struct Conv {
    pub in_channels: usize,
    pub out_channels: usize,
    /// k: kernels are square, k × k.
    pub kernel: usize,
    pub stride: usize,
    /// Zero rows and columns added on every side.
    pub padding: usize,
    /// K[o][c][u][v] flat, C-order: at ((o·C + c)·k + u)·k + v.
    pub weights: Vec<f64>,
    /// b_o, one per output channel.
    pub biases: Vec<f64>,
}

impl Conv {
    /// A layer with every parameter 0.
    pub fn zeros(
        in_channels: usize,
        out_channels: usize,
        kernel: usize,
        stride: usize,
        padding: usize,
    ) -> Conv {
        Conv {
            in_channels,
            out_channels,
            kernel,
            stride,
            padding,
            weights: vec![0.0; out_channels * in_channels * kernel * kernel],
            biases: vec![0.0; out_channels],
        }
    }

    /// The flat index of K[o][c][u][v].
    pub fn w_index(&self, o: usize, c: usize, u: usize, v: usize) -> usize {
        ((o * self.in_channels + c) * self.kernel + u) * self.kernel + v
    }

    /// K[o][c][u][v].
    pub fn w(&self, o: usize, c: usize, u: usize, v: usize) -> f64 {
        self.weights[self.w_index(o, c, u, v)]
    }

    /// Number of weights in one kernel: C·k·k.
    pub fn kernel_len(&self) -> usize {
        self.in_channels * self.kernel * self.kernel
    }

    /// The output side for an input side n (floor), `None` when no window fits.
    pub fn out_side(&self, n: usize) -> Option<usize> {
        out_side(n, self.kernel, self.stride, self.padding)
    }

    /// The output shape O×H'×W' for a C×H×W input (shape checks are in `Net::validate`).
    pub fn out_shape(&self, input: Shape) -> Option<Shape> {
        let (_, h, w) = input.chw();
        Some(Shape::map(
            self.out_channels,
            self.out_side(h)?,
            self.out_side(w)?,
        ))
    }

    /// x_pad[c][r][q] in padded coordinates: the input value, or 0 in the padding.
    pub fn padded(&self, input: Shape, x: &[f64], c: usize, r: usize, q: usize) -> f64 {
        let (_, h, w) = input.chw();
        let p = self.padding;
        match (r.checked_sub(p), q.checked_sub(p)) {
            (Some(i), Some(j)) if i < h && j < w => x[input.index(c, i, j)],
            _ => 0.0,
        }
    }

    /// z[o][i][j] = (Σ_c Σ_u Σ_v K[o][c][u][v] · x_pad[c][i·s+u][j·s+v]) + b_o, into `z`.
    pub fn forward(&self, input: Shape, x: &[f64], z: &mut Vec<f64>) {
        let (c_in, h, w) = input.chw();
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        let (ho, wo) = (self.out_side(h).unwrap_or(0), self.out_side(w).unwrap_or(0));
        z.clear();
        for o in 0..self.out_channels {
            for i in 0..ho {
                for j in 0..wo {
                    let mut sum = 0.0;
                    for c in 0..c_in {
                        for u in 0..k {
                            let Some(r) = tap(i, u, s, p, h) else {
                                continue;
                            };
                            let x_row = &x[(c * h + r) * w..(c * h + r + 1) * w];
                            let k_row = &self.weights[self.w_index(o, c, u, 0)..][..k];
                            for (v, kw) in k_row.iter().enumerate() {
                                if let Some(q) = tap(j, v, s, p, w) {
                                    sum += kw * x_row[q];
                                }
                            }
                        }
                    }
                    z.push(sum + self.biases[o]);
                }
            }
        }
    }

    /// ∂L/∂x, ∂L/∂(input) of this layer, by scattering: every window adds
    /// K[o][c][u][v] · δ[o][i][j] to the input cell it read (padding cells dropped).
    pub fn grad_input(&self, input: Shape, delta: &[f64], grad_x: &mut Vec<f64>) {
        let (c_in, h, w) = input.chw();
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        let (ho, wo) = (self.out_side(h).unwrap_or(0), self.out_side(w).unwrap_or(0));
        grad_x.clear();
        grad_x.resize(input.len(), 0.0);
        for o in 0..self.out_channels {
            for i in 0..ho {
                for j in 0..wo {
                    let d = delta[(o * ho + i) * wo + j];
                    for c in 0..c_in {
                        for u in 0..k {
                            let Some(r) = tap(i, u, s, p, h) else {
                                continue;
                            };
                            for v in 0..k {
                                if let Some(q) = tap(j, v, s, p, w) {
                                    grad_x[(c * h + r) * w + q] += self.w(o, c, u, v) * d;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// ∂L/∂K[o][c][u][v] = Σ_i Σ_j δ[o][i][j] · x_pad[c][i·s+u][j·s+v] (a correlation of
    /// the input with δ) and ∂L/∂b_o = Σ_i Σ_j δ[o][i][j], written into (or, with
    /// `accumulate`, added to) `grad_w` and `grad_b`.
    pub fn grad_params(
        &self,
        input: Shape,
        x: &[f64],
        delta: &[f64],
        grad_w: &mut [f64],
        grad_b: &mut [f64],
        accumulate: bool,
    ) {
        let (c_in, h, w) = input.chw();
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        let (ho, wo) = (self.out_side(h).unwrap_or(0), self.out_side(w).unwrap_or(0));
        if !accumulate {
            grad_w.fill(0.0);
            grad_b.fill(0.0);
        }
        for o in 0..self.out_channels {
            for i in 0..ho {
                for j in 0..wo {
                    let d = delta[(o * ho + i) * wo + j];
                    grad_b[o] += d;
                    for c in 0..c_in {
                        for u in 0..k {
                            let Some(r) = tap(i, u, s, p, h) else {
                                continue;
                            };
                            for v in 0..k {
                                if let Some(q) = tap(j, v, s, p, w) {
                                    grad_w[self.w_index(o, c, u, v)] += d * x[(c * h + r) * w + q];
                                }
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

    /// The edge fixture's kernel [[−1, 1], [−1, 1]] on a 3×3 image, by hand.
    #[test]
    fn edge_kernel_by_hand() {
        let conv = Conv {
            weights: vec![-1.0, 1.0, -1.0, 1.0],
            biases: vec![0.5],
            ..Conv::zeros(1, 1, 2, 1, 0)
        };
        let shape = Shape::map(1, 3, 3);
        let x = [0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0];
        let mut z = Vec::new();
        conv.forward(shape, &x, &mut z);
        // Top left: (−0 + 1 − 0 + 1) + 0.5; bottom left: (−0 + 1 − 0 + 0) + 0.5 …
        assert_eq!(z, [2.5, 0.5, 1.5, 1.5]);
        let delta = [1.0, 0.0, 0.0, 0.0];
        let mut gx = Vec::new();
        conv.grad_input(shape, &delta, &mut gx);
        assert_eq!(gx, [-1.0, 1.0, 0.0, -1.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
        let (mut gw, mut gb) = (vec![0.0; 4], vec![0.0]);
        conv.grad_params(shape, &x, &[1.0, 1.0, 1.0, 1.0], &mut gw, &mut gb, false);
        // ∂L/∂K[u][v] = Σ of the 2×2 windows' cell (u, v).
        assert_eq!(gw, [2.0, 4.0, 1.0, 3.0]);
        assert_eq!(gb, [4.0]);
    }

    #[test]
    fn padding_and_stride_read_zeros() {
        let conv = Conv {
            weights: vec![1.0; 9],
            ..Conv::zeros(1, 1, 3, 2, 1)
        };
        let shape = Shape::map(1, 3, 3);
        let x: Vec<f64> = (1..=9).map(f64::from).collect();
        let mut z = Vec::new();
        conv.forward(shape, &x, &mut z);
        // 3×3 padded to 5×5, windows at rows/columns 0 and 2: corner sums.
        assert_eq!(z, [12.0, 16.0, 24.0, 28.0]);
        assert_eq!(conv.padded(shape, &x, 0, 0, 0), 0.0);
        assert_eq!(conv.padded(shape, &x, 0, 1, 1), 1.0);
    }
}
