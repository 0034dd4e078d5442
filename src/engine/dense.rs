//! A fully connected layer: z = W a + b. The floating-point order of every sum is the
//! one of `crate::network`, so an MLP gives bit-identical numbers on either engine.

/// W is `outputs × inputs`, stored flat row-major: W_ij (from input j to unit i) is
/// `weights[i·inputs + j]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    pub inputs: usize,
    pub outputs: usize,
    pub weights: Vec<f64>,
    /// b_i, one per unit.
    pub biases: Vec<f64>,
}

impl Dense {
    /// A layer of `outputs` units reading `inputs` values, every parameter 0.
    pub fn zeros(inputs: usize, outputs: usize) -> Dense {
        Dense {
            inputs,
            outputs,
            weights: vec![0.0; inputs * outputs],
            biases: vec![0.0; outputs],
        }
    }

    /// W_ij, the weight from input j to unit i.
    pub fn w(&self, i: usize, j: usize) -> f64 {
        self.weights[i * self.inputs + j]
    }

    /// Row i of W: the weights into unit i.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.weights[i * self.inputs..(i + 1) * self.inputs]
    }

    /// z_i = (Σ_j W_ij a_j, j ascending) + b_i, written into `z`.
    pub fn forward(&self, a: &[f64], z: &mut Vec<f64>) {
        z.clear();
        z.extend(
            (0..self.outputs).map(|i| {
                self.row(i).iter().zip(a).map(|(w, a)| w * a).sum::<f64>() + self.biases[i]
            }),
        );
    }

    /// ∂L/∂a_j = Σ_i W_ij δ_i (i ascending): ∂L/∂(input) of this layer, from δ = ∂L/∂z.
    pub fn grad_input(&self, delta: &[f64], grad_a: &mut Vec<f64>) {
        grad_a.clear();
        grad_a.extend((0..self.inputs).map(|j| {
            (0..self.outputs)
                .map(|i| self.w(i, j) * delta[i])
                .sum::<f64>()
        }));
    }

    /// ∂L/∂W_ij = δ_i a_j and ∂L/∂b_i = δ_i, written into (or, with `accumulate`, added
    /// to) `grad_w` and `grad_b`.
    pub fn grad_params(
        &self,
        a: &[f64],
        delta: &[f64],
        grad_w: &mut [f64],
        grad_b: &mut [f64],
        accumulate: bool,
    ) {
        for (i, &d) in delta.iter().enumerate() {
            let row = &mut grad_w[i * self.inputs..(i + 1) * self.inputs];
            if accumulate {
                grad_b[i] += d;
                for (gw, a) in row.iter_mut().zip(a) {
                    *gw += d * a;
                }
            } else {
                grad_b[i] = d;
                for (gw, a) in row.iter_mut().zip(a) {
                    *gw = d * a;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_and_backward_by_hand() {
        let d = Dense {
            inputs: 2,
            outputs: 2,
            weights: vec![1.0, 2.0, 3.0, 4.0],
            biases: vec![0.5, -1.0],
        };
        let mut z = Vec::new();
        d.forward(&[1.0, -1.0], &mut z);
        assert_eq!(z, [-0.5, -2.0]);
        let mut g = Vec::new();
        d.grad_input(&[1.0, 0.5], &mut g);
        assert_eq!(g, [2.5, 4.0], "Σ_i W_ij δ_i");
        let (mut gw, mut gb) = (vec![9.0; 4], vec![9.0; 2]);
        d.grad_params(&[1.0, -1.0], &[1.0, 0.5], &mut gw, &mut gb, false);
        assert_eq!(gw, [1.0, -1.0, 0.5, -0.5]);
        assert_eq!(gb, [1.0, 0.5]);
        d.grad_params(&[1.0, -1.0], &[1.0, 0.5], &mut gw, &mut gb, true);
        assert_eq!(gb, [2.0, 1.0], "a mini-batch adds up");
    }
}
