//! A toy image dataset for the convolutional lab: 8×8 pictures of one stroke each,
//! horizontal, vertical or diagonal, at a random place and length, with noise. A conv
//! layer learns edge detectors for it in a few thousand examples; a fully connected
//! network of the same size has to learn every position apart.

use crate::rng::Rng;

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
