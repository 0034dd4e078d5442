//! The terms of a convolution's sums, for explanations: which input cells and which
//! kernel weights make one output cell, which products make one ∂L/∂K entry, and which
//! windows send gradient back into one input cell.

use super::conv::Conv;
use super::shape::{out_side, tap, tap_signed, Shape};

/// One product K[o][c][u][v] · x_pad[c][row][col] of an output cell's weighted sum.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputTerm {
    pub c: usize,
    pub u: usize,
    pub v: usize,
    /// The input cell read, in unpadded coordinates (outside 0..H or 0..W in padding).
    pub row: isize,
    pub col: isize,
    /// True when the cell is zero padding (then `x` is 0).
    pub padding: bool,
    pub x: f64,
    /// K[o][c][u][v].
    pub w: f64,
}

/// One product δ[o][i][j] · x_pad[c][i·s+u][j·s+v] of ∂L/∂K[o][c][u][v].
#[derive(Clone, Debug, PartialEq)]
pub struct WeightGradTerm {
    /// The output position (i, j).
    pub i: usize,
    pub j: usize,
    /// The input cell under K[o][c][u][v] there, unpadded coordinates.
    pub row: isize,
    pub col: isize,
    pub padding: bool,
    pub delta: f64,
    pub x: f64,
}

/// One window that read a given input cell: K[o][c][u][v] · δ[o][i][j] is its part of
/// ∂L/∂x[c][row][col].
#[derive(Clone, Debug, PartialEq)]
pub struct InputGradTerm {
    pub o: usize,
    /// The window's output position.
    pub i: usize,
    pub j: usize,
    /// Where in the window the cell sits.
    pub u: usize,
    pub v: usize,
    pub w: f64,
    pub delta: f64,
}

impl Conv {
    /// The k·k·C terms of z[o][i][j] − b_o, in the order the sum adds them (padding
    /// cells included and marked).
    pub fn output_terms(
        &self,
        input: Shape,
        x: &[f64],
        o: usize,
        i: usize,
        j: usize,
    ) -> Vec<OutputTerm> {
        let (c_in, h, w) = input.chw();
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        let mut terms = Vec::with_capacity(self.kernel_len());
        for c in 0..c_in {
            for u in 0..k {
                for v in 0..k {
                    let cell = tap(i, u, s, p, h).zip(tap(j, v, s, p, w));
                    terms.push(OutputTerm {
                        c,
                        u,
                        v,
                        row: tap_signed(i, u, s, p),
                        col: tap_signed(j, v, s, p),
                        padding: cell.is_none(),
                        x: cell.map_or(0.0, |(r, q)| x[input.index(c, r, q)]),
                        w: self.w(o, c, u, v),
                    });
                }
            }
        }
        terms
    }

    /// The H'·W' terms of ∂L/∂K[o][c][u][v] (`at` = [o, c, u, v]), one per output
    /// position, row-major.
    pub fn weight_grad_terms(
        &self,
        input: Shape,
        x: &[f64],
        delta: &[f64],
        at: [usize; 4],
    ) -> Vec<WeightGradTerm> {
        let [o, c, u, v] = at;
        let (_, h, w) = input.chw();
        let (s, p) = (self.stride, self.padding);
        let (ho, wo) = (self.out_side(h).unwrap_or(0), self.out_side(w).unwrap_or(0));
        let mut terms = Vec::with_capacity(ho * wo);
        for i in 0..ho {
            for j in 0..wo {
                let cell = tap(i, u, s, p, h).zip(tap(j, v, s, p, w));
                terms.push(WeightGradTerm {
                    i,
                    j,
                    row: tap_signed(i, u, s, p),
                    col: tap_signed(j, v, s, p),
                    padding: cell.is_none(),
                    delta: delta[(o * ho + i) * wo + j],
                    x: cell.map_or(0.0, |(r, q)| x[input.index(c, r, q)]),
                });
            }
        }
        terms
    }

    /// Every (window, kernel weight, δ) that touches input cell x[c][row][col]: the
    /// terms of ∂L/∂x[c][row][col], output channel first, then window row-major.
    pub fn input_grad_terms(
        &self,
        input: Shape,
        delta: &[f64],
        c: usize,
        row: usize,
        col: usize,
    ) -> Vec<InputGradTerm> {
        let (_, h, w) = input.chw();
        let (k, s, p) = (self.kernel, self.stride, self.padding);
        let ho = out_side(h, k, s, p).unwrap_or(0);
        let wo = out_side(w, k, s, p).unwrap_or(0);
        let mut terms = Vec::new();
        for o in 0..self.out_channels {
            for i in 0..ho {
                for j in 0..wo {
                    // The window at (i, j) covers padded rows i·s .. i·s + k − 1.
                    let (u, v) = (row + p, col + p);
                    let (Some(u), Some(v)) = (u.checked_sub(i * s), v.checked_sub(j * s)) else {
                        continue;
                    };
                    if u < k && v < k {
                        terms.push(InputGradTerm {
                            o,
                            i,
                            j,
                            u,
                            v,
                            w: self.w(o, c, u, v),
                            delta: delta[(o * ho + i) * wo + j],
                        });
                    }
                }
            }
        }
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{random_conv, random_vec};
    use crate::rng::Rng;

    #[test]
    fn terms_add_up_to_the_layer_numbers() {
        let mut rng = Rng::new(5);
        for _ in 0..100 {
            let (conv, shape) = random_conv(&mut rng);
            let out = conv.out_shape(shape).unwrap();
            let (o_n, ho, wo) = out.chw();
            let x = random_vec(&mut rng, shape.len());
            let delta = random_vec(&mut rng, out.len());
            let mut z = Vec::new();
            conv.forward(shape, &x, &mut z);
            let (o, i, j) = (rng.below(o_n), rng.below(ho), rng.below(wo));
            let terms = conv.output_terms(shape, &x, o, i, j);
            let sum: f64 = terms.iter().map(|t| t.w * t.x).sum();
            assert_eq!(sum + conv.biases[o], z[out.index(o, i, j)]);
            assert!(terms.iter().all(|t| !t.padding || t.x == 0.0));

            let (mut gw, mut gb) = (vec![0.0; conv.weights.len()], vec![0.0; o_n]);
            conv.grad_params(shape, &x, &delta, &mut gw, &mut gb, false);
            let (k, c_in) = (conv.kernel, shape.chw().0);
            let at = [o, rng.below(c_in), rng.below(k), rng.below(k)];
            let sum: f64 = conv
                .weight_grad_terms(shape, &x, &delta, at)
                .iter()
                .map(|t| t.delta * t.x)
                .sum();
            assert_eq!(sum, gw[conv.w_index(at[0], at[1], at[2], at[3])]);

            let mut gx = Vec::new();
            conv.grad_input(shape, &delta, &mut gx);
            let (_, h, w) = shape.chw();
            let (c, r, q) = (rng.below(c_in), rng.below(h), rng.below(w));
            let sum: f64 = conv
                .input_grad_terms(shape, &delta, c, r, q)
                .iter()
                .map(|t| t.w * t.delta)
                .sum();
            let want = gx[shape.index(c, r, q)];
            assert!(
                (sum - want).abs() <= 1e-12 * want.abs().max(1.0),
                "{sum} vs {want}"
            );
        }
    }

    #[test]
    fn padding_cells_are_marked() {
        let conv = super::Conv {
            weights: vec![1.0; 9],
            ..super::Conv::zeros(1, 1, 3, 1, 1)
        };
        let shape = super::Shape::map(1, 2, 2);
        let terms = conv.output_terms(shape, &[1.0, 2.0, 3.0, 4.0], 0, 0, 0);
        assert_eq!(terms.iter().filter(|t| t.padding).count(), 5);
        assert_eq!((terms[0].row, terms[0].col), (-1, -1));
        assert_eq!(terms[4].x, 1.0, "the centre reads x[0][0]");
        // x[0][0] is read by all 4 windows of the 2×2 output.
        assert_eq!(conv.input_grad_terms(shape, &[1.0; 4], 0, 0, 0).len(), 4);
    }
}
