//! A convolution as matrix products (im2col), the way Caffe computes it: the patch
//! matrix has one row per output position and one column per (c, u, v), so
//! forward = patches · Kᵀ (+ b), ∂L/∂K = δᵀ · patches, ∂L/∂x = col2im(δ · K).

use super::conv::Conv;
use super::shape::{tap, Shape};

/// A dense matrix, row-major: (r, c) at `data[r·cols + c]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f64>,
}

impl Matrix {
    /// Entry (r, c).
    pub fn at(&self, r: usize, c: usize) -> f64 {
        self.data[r * self.cols + c]
    }

    /// Aᵀ.
    pub fn transpose(&self) -> Matrix {
        let mut data = Vec::with_capacity(self.data.len());
        for c in 0..self.cols {
            data.extend((0..self.rows).map(|r| self.at(r, c)));
        }
        Matrix {
            rows: self.cols,
            cols: self.rows,
            data,
        }
    }

    /// A · B, each entry summed in ascending order of the shared index.
    pub fn mul(&self, b: &Matrix) -> Matrix {
        assert_eq!(self.cols, b.rows, "matrix product: inner sizes differ");
        let mut data = Vec::with_capacity(self.rows * b.cols);
        for r in 0..self.rows {
            data.extend((0..b.cols).map(|c| {
                (0..self.cols)
                    .map(|k| self.at(r, k) * b.at(k, c))
                    .sum::<f64>()
            }));
        }
        Matrix {
            rows: self.rows,
            cols: b.cols,
            data,
        }
    }
}

impl Conv {
    /// The patch matrix: row (i·W' + j) holds the window of output position (i, j),
    /// column (c·k + u)·k + v holds x_pad[c][i·s+u][j·s+v] (0 in the padding).
    pub fn im2col(&self, input: Shape, x: &[f64]) -> Matrix {
        let (c_in, h, w) = input.chw();
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        let (ho, wo) = (self.out_side(h).unwrap_or(0), self.out_side(w).unwrap_or(0));
        let mut data = Vec::with_capacity(ho * wo * self.kernel_len());
        for i in 0..ho {
            for j in 0..wo {
                for c in 0..c_in {
                    for u in 0..k {
                        for v in 0..k {
                            data.push(match (tap(i, u, s, p, h), tap(j, v, s, p, w)) {
                                (Some(r), Some(q)) => x[input.index(c, r, q)],
                                _ => 0.0,
                            });
                        }
                    }
                }
            }
        }
        Matrix {
            rows: ho * wo,
            cols: self.kernel_len(),
            data,
        }
    }

    /// The kernel matrix: one row per output channel o, holding K[o] flattened as
    /// (c, u, v), the columns of [`Conv::im2col`].
    pub fn kernel_matrix(&self) -> Matrix {
        Matrix {
            rows: self.out_channels,
            cols: self.kernel_len(),
            data: self.weights.clone(),
        }
    }

    /// col2im: adds each entry of a patch-shaped matrix back onto the input cell it
    /// came from (padding entries dropped), giving a blob of the input's shape.
    pub fn col2im(&self, input: Shape, cols: &Matrix) -> Vec<f64> {
        let (c_in, h, w) = input.chw();
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        let wo = self.out_side(w).unwrap_or(0);
        let mut x = vec![0.0; input.len()];
        for row in 0..cols.rows {
            let (i, j) = (row / wo, row % wo);
            for c in 0..c_in {
                for u in 0..k {
                    for v in 0..k {
                        if let (Some(r), Some(q)) = (tap(i, u, s, p, h), tap(j, v, s, p, w)) {
                            x[input.index(c, r, q)] += cols.at(row, (c * k + u) * k + v);
                        }
                    }
                }
            }
        }
        x
    }

    /// δ as the (H'·W') × O matrix the products use: δ[o][i][j] at (i·W' + j, o).
    pub fn delta_matrix(&self, out: Shape, delta: &[f64]) -> Matrix {
        let (o_n, ho, wo) = out.chw();
        let mut data = Vec::with_capacity(delta.len());
        for pos in 0..ho * wo {
            data.extend((0..o_n).map(|o| delta[o * ho * wo + pos]));
        }
        Matrix {
            rows: ho * wo,
            cols: o_n,
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_close, random_conv, random_vec};
    use crate::rng::Rng;

    #[test]
    fn matrix_products_equal_the_direct_loops() {
        let mut rng = Rng::new(11);
        for _ in 0..300 {
            let (conv, shape) = random_conv(&mut rng);
            let out = conv.out_shape(shape).unwrap();
            let x = random_vec(&mut rng, shape.len());
            let delta = random_vec(&mut rng, out.len());
            let what = format!(
                "k{} s{} p{} {shape}",
                conv.kernel, conv.stride, conv.padding
            );
            let patches = conv.im2col(shape, &x);
            // forward = patches · Kᵀ + b, read back channel by channel.
            let prod = patches.mul(&conv.kernel_matrix().transpose());
            let mut via = Vec::new();
            for o in 0..conv.out_channels {
                via.extend((0..prod.rows).map(|pos| prod.at(pos, o) + conv.biases[o]));
            }
            let mut z = Vec::new();
            conv.forward(shape, &x, &mut z);
            assert_close(&via, &z, &format!("forward {what}"));
            // ∂L/∂K = δᵀ · patches.
            let dm = conv.delta_matrix(out, &delta);
            let (mut gw, mut gb) = (vec![0.0; conv.weights.len()], vec![0.0; conv.out_channels]);
            conv.grad_params(shape, &x, &delta, &mut gw, &mut gb, false);
            assert_close(
                &dm.transpose().mul(&patches).data,
                &gw,
                &format!("∂L/∂K {what}"),
            );
            // ∂L/∂x = col2im(δ · K).
            let mut gx = Vec::new();
            conv.grad_input(shape, &delta, &mut gx);
            let via = conv.col2im(shape, &dm.mul(&conv.kernel_matrix()));
            assert_close(&via, &gx, &format!("∂L/∂x {what}"));
        }
    }
}
