//! A toy image dataset for the convolutional lab: 8×8 pictures of one stroke each,
//! horizontal, vertical or diagonal, at a random place and length, with noise. A conv
//! layer learns edge detectors for it in a few thousand examples; a fully connected
//! network of the same size has to learn every position apart.
//!
//! [`Spec`] fixes a dataset as the saved state keeps it; [`cnn`] is the small CNN the
//! `cnn-strokes` preset trains and [`rival`] the fully connected network of about the
//! same parameter count that trains beside it on the same pictures.

use crate::activation::Activation;
use crate::dataset::Dataset;
use crate::engine::{Conv, Dense, Layer, Net, Pool, Shape};
use crate::error::Error;
use crate::init::{self, Init};
use crate::loss::Loss;
use crate::rng::Rng;
use crate::vocab::named;
use serde::Serialize;

/// Which picture set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One stroke per picture: horizontal, vertical or diagonal ([`strokes`]).
    Strokes,
}

named!(Kind, Dataset, [Strokes => "strokes"]);

/// Everything that fixes an image dataset: the same spec always gives the same
/// pictures. Saved as `"dataset": {"images": "strokes", "points", "noise",
/// "test_fraction", "seed"}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spec {
    pub images: Kind,
    /// Pictures, training and test together.
    pub points: usize,
    /// 0 (clean strokes) to 1: dimmer strokes and more stray pixels.
    pub noise: f64,
    /// Share of the pictures held out for testing, 0 to 0.9.
    pub test_fraction: f64,
    pub seed: u64,
}

/// Most pictures a dataset holds.
pub const MAX_POINTS: usize = 3000;

impl Spec {
    /// Range checks, with a message naming the field.
    pub fn validate(&self) -> Result<(), Error> {
        let range = Error::in_range;
        range("dataset.points", self.points as f64, 3.0, MAX_POINTS as f64)?;
        range("dataset.noise", self.noise, 0.0, 1.0)?;
        range("dataset.test_fraction", self.test_fraction, 0.0, 0.9)
    }

    /// The input shape of a network that takes these pictures: 1 × 8 × 8.
    pub fn input_shape(&self) -> Shape {
        Shape::map(1, SIDE, SIDE)
    }

    /// The training and test sets: flat pictures, one-hot targets over [`CLASSES`]. The
    /// classes take turns, so both sets hold all three in equal shares.
    pub fn split(&self) -> (Dataset, Dataset) {
        let (images, classes) = strokes(self.points, self.noise, self.seed);
        let n = images.len();
        let n_test = ((n as f64) * self.test_fraction).round() as usize;
        let n_train = (n - n_test).max(1).min(n);
        let one_hot = |c: usize| (0..CLASSES.len()).map(|k| f64::from(k == c)).collect();
        let part = |r: std::ops::Range<usize>| Dataset {
            inputs: images[r.clone()].to_vec(),
            targets: classes[r].iter().map(|&c| one_hot(c)).collect(),
        };
        (part(0..n_train), part(n_train..n))
    }
}

/// The `cnn-strokes` network, weights drawn with He from `seed`: conv 3×3 with 4
/// channels (8×8 → 4×6×6), ReLU, 2×2 max pooling (→ 4×3×3), flatten, dense 36 → 3,
/// softmax, cross-entropy. 151 parameters: 40 in the kernels, 111 in the dense layer.
pub fn cnn(seed: u64) -> Net {
    let mut rng = Rng::new(seed);
    let mut conv = Conv::zeros(1, 4, 3, 1, 0);
    let fan_in = 9;
    for w in conv.weights.iter_mut() {
        *w = Init::He.draw(&mut rng, fan_in, 4 * 9);
    }
    let mut dense = Dense::zeros(36, CLASSES.len());
    for w in dense.weights.iter_mut() {
        *w = Init::Xavier.draw(&mut rng, 36, CLASSES.len());
    }
    let pool = Pool {
        kernel: 2,
        stride: 2,
        padding: 0,
    };
    Net {
        input_shape: Shape::map(1, SIDE, SIDE),
        layers: vec![
            Layer::Conv(conv),
            Layer::Activation(Activation::Relu),
            Layer::MaxPool(pool),
            Layer::Flatten,
            Layer::Dense(dense),
            Layer::Activation(Activation::Softmax),
        ],
        loss: Loss::CrossEntropy,
    }
}

/// Hidden units of the [`rival`] network.
pub const RIVAL_HIDDEN: usize = 2;

/// The fully connected network that trains beside the CNN on the same pictures: 64
/// inputs, 2 tanh units, 3 softmax outputs, Xavier from `seed`. 139 parameters, about
/// the CNN's 151, but no weight is shared between positions.
pub fn rival(seed: u64) -> Net {
    init::network(
        &[SIDE * SIDE, RIVAL_HIDDEN, CLASSES.len()],
        &[Activation::Tanh, Activation::Softmax],
        Loss::CrossEntropy,
        Init::Xavier,
        seed,
    )
}

/// Side of a picture.
pub const SIDE: usize = 8;

/// The classes, in target order (one-hot).
pub const CLASSES: [(&str, &str); 3] = [
    ("horizontal", "横线"),
    ("vertical", "竖线"),
    ("diagonal", "斜线"),
];

/// `points` pictures (flat, row by row, values in about [0, 1]) and their classes.
/// `noise` (0 to 1) blurs the stroke's brightness and lights stray pixels; the same
/// seed always gives the same pictures.
pub fn strokes(points: usize, noise: f64, seed: u64) -> (Vec<Vec<f64>>, Vec<usize>) {
    let mut rng = Rng::new(seed ^ 0x5717_0CE5);
    let mut images = Vec::with_capacity(points);
    let mut classes = Vec::with_capacity(points);
    for k in 0..points {
        // Classes in turn, so every split holds all three.
        let class = k % CLASSES.len();
        let mut img = vec![0.0; SIDE * SIDE];
        let len = 4 + rng.below(SIDE - 3); // 4..=8 pixels
        let (dr, dc): (isize, isize) = match class {
            0 => (0, 1),
            1 => (1, 0),
            _ if rng.below(2) == 0 => (1, 1),
            _ => (1, -1),
        };
        // A start from which the whole stroke fits the picture.
        let span = |d: isize| -> (isize, isize) {
            let reach = (len as isize - 1) * d;
            if reach >= 0 {
                (0, SIDE as isize - 1 - reach)
            } else {
                (-reach, SIDE as isize - 1)
            }
        };
        let (r0, r1) = span(dr);
        let (c0, c1) = span(dc);
        let r = r0 + rng.below((r1 - r0 + 1) as usize) as isize;
        let c = c0 + rng.below((c1 - c0 + 1) as usize) as isize;
        for s in 0..len as isize {
            let (i, j) = ((r + s * dr) as usize, (c + s * dc) as usize);
            img[i * SIDE + j] = 1.0 - noise * 0.5 * rng.unit();
        }
        for v in img.iter_mut() {
            if rng.unit() < noise * 0.15 {
                *v = (*v + rng.uniform(0.2, 0.8)).min(1.0);
            }
        }
        images.push(img);
        classes.push(class);
    }
    (images, classes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_picture_holds_one_stroke_of_its_class() {
        let (images, classes) = strokes(300, 0.0, 7);
        assert_eq!(images.len(), 300);
        for (img, &class) in images.iter().zip(&classes) {
            let lit: Vec<(usize, usize)> = (0..SIDE * SIDE)
                .filter(|&k| img[k] > 0.5)
                .map(|k| (k / SIDE, k % SIDE))
                .collect();
            assert!(lit.len() >= 4, "{lit:?}");
            let rows: std::collections::HashSet<_> = lit.iter().map(|p| p.0).collect();
            let cols: std::collections::HashSet<_> = lit.iter().map(|p| p.1).collect();
            match class {
                0 => assert_eq!(rows.len(), 1, "horizontal: one row"),
                1 => assert_eq!(cols.len(), 1, "vertical: one column"),
                _ => assert!(rows.len() == lit.len() && cols.len() == lit.len()),
            }
        }
        assert_eq!(
            strokes(10, 0.3, 1),
            strokes(10, 0.3, 1),
            "same seed, same pictures"
        );
        assert_ne!(strokes(10, 0.3, 1), strokes(10, 0.3, 2));
    }
}
