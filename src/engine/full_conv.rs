//! ∂L/∂x of a convolution computed the textbook way: the "full" convolution of δ
//! (dilated by the stride, padded by k − 1) with the kernel turned 180°, then cropped
//! by the padding. Same numbers as the scatter of `Conv::grad_input`; the maps are
//! returned so the page can draw them.

use super::conv::Conv;
use super::shape::Shape;

impl Conv {
    /// rot180(K): K[o][c][k−1−u][k−1−v] at [o][c][u][v], in the weights' layout.
    pub fn rot180(&self) -> Vec<f64> {
        let k = self.kernel;
        let mut r = vec![0.0; self.weights.len()];
        for o in 0..self.out_channels {
            for c in 0..self.in_channels {
                for u in 0..k {
                    for v in 0..k {
                        r[self.w_index(o, c, u, v)] = self.w(o, c, k - 1 - u, k - 1 - v);
                    }
                }
            }
        }
        r
    }

    /// δ dilated by the stride (s − 1 zeros between neighbours) and padded by k − 1 on
    /// every side, plus at the bottom and right the rows and columns of the padded
    /// input that no window reached (floor sizes drop them): O × (H + 2p + k − 1) ×
    /// (W + 2p + k − 1), with δ[o][i][j] at [o][k−1 + i·s][k−1 + j·s].
    pub fn dilated_padded_delta(&self, input: Shape, delta: &[f64]) -> (Shape, Vec<f64>) {
        let (_, h, w) = input.chw();
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        let (ho, wo) = (self.out_side(h).unwrap_or(0), self.out_side(w).unwrap_or(0));
        let shape = Shape::map(self.out_channels, h + 2 * p + k - 1, w + 2 * p + k - 1);
        let mut d = vec![0.0; shape.len()];
        for o in 0..self.out_channels {
            for i in 0..ho {
                for j in 0..wo {
                    d[shape.index(o, k - 1 + i * s, k - 1 + j * s)] = delta[(o * ho + i) * wo + j];
                }
            }
        }
        (shape, d)
    }

    /// ∂L/∂x_pad, the gradient of the padded input: the valid correlation of the
    /// dilated, padded δ with rot180(K), summed over the output channels:
    /// g[c][y][x] = Σ_o Σ_u Σ_v D[o][y+u][x+v] · rot180(K)[o][c][u][v].
    pub fn full_convolution(&self, input: Shape, delta: &[f64]) -> (Shape, Vec<f64>) {
        let (c_in, h, w) = input.chw();
        let (k, p) = (self.kernel, self.padding);
        let (d_shape, d) = self.dilated_padded_delta(input, delta);
        let r = self.rot180();
        let out = Shape::map(c_in, h + 2 * p, w + 2 * p);
        let mut g = vec![0.0; out.len()];
        for c in 0..c_in {
            for y in 0..h + 2 * p {
                for x in 0..w + 2 * p {
                    let mut sum = 0.0;
                    for o in 0..self.out_channels {
                        for u in 0..k {
                            for v in 0..k {
                                sum +=
                                    d[d_shape.index(o, y + u, x + v)] * r[self.w_index(o, c, u, v)];
                            }
                        }
                    }
                    g[out.index(c, y, x)] = sum;
                }
            }
        }
        (out, g)
    }

    /// ∂L/∂x by the full convolution, cropped by the padding: same values as
    /// [`Conv::grad_input`] (up to the order of the sums).
    pub fn grad_input_full(&self, input: Shape, delta: &[f64]) -> Vec<f64> {
        let (c_in, h, w) = input.chw();
        let p = self.padding;
        let (padded, g) = self.full_convolution(input, delta);
        let mut out = Vec::with_capacity(input.len());
        for c in 0..c_in {
            for i in 0..h {
                for j in 0..w {
                    out.push(g[padded.index(c, i + p, j + p)]);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{assert_close, random_conv, random_vec};
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn full_convolution_equals_the_scatter() {
        let mut rng = Rng::new(7);
        let mut strided = 0;
        for _ in 0..400 {
            let (conv, shape) = random_conv(&mut rng);
            let out = conv.out_shape(shape).unwrap();
            let delta = random_vec(&mut rng, out.len());
            let mut scatter = Vec::new();
            conv.grad_input(shape, &delta, &mut scatter);
            let what = format!(
                "k{} s{} p{} {shape}",
                conv.kernel, conv.stride, conv.padding
            );
            assert_close(&conv.grad_input_full(shape, &delta), &scatter, &what);
            strided += usize::from(conv.stride > 1 && conv.padding > 0);
        }
        assert!(strided > 50, "stride and padding together: {strided}");
    }

    #[test]
    fn dilation_and_rotation_by_hand() {
        let conv = Conv {
            weights: vec![1.0, 2.0, 3.0, 4.0],
            ..Conv::zeros(1, 1, 2, 2, 0)
        };
        assert_eq!(conv.rot180(), [4.0, 3.0, 2.0, 1.0]);
        // 4×4 input, k 2, s 2: δ is 2×2; dilated 3×3, padded by 1: 5×5.
        let (shape, d) = conv.dilated_padded_delta(Shape::map(1, 4, 4), &[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(shape, Shape::map(1, 5, 5));
        let mut want = [0.0; 25];
        want[6] = 1.0;
        want[8] = 2.0;
        want[16] = 3.0;
        want[18] = 4.0;
        assert_eq!(d, want);
    }
}
