//! The shape of a blob (one layer's input or output): a C×H×W feature map, or a flat
//! vector. A vector is its own case, not C×1×1, so that "dense needs a flat input"
//! can tell a flattened map from a 4×1×1 map.

use serde::{Serialize, Serializer};
use std::fmt;

/// A blob's shape. Values are stored flat in C-order (channel, then row, then column).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// n values: an MLP's input, flatten's and dense's output.
    Vector(usize),
    /// `c` channels of `h` rows × `w` columns; cell (c, i, j) is at (c·h + i)·w + j.
    Map { c: usize, h: usize, w: usize },
}

impl Shape {
    /// A C×H×W map.
    pub fn map(c: usize, h: usize, w: usize) -> Shape {
        Shape::Map { c, h, w }
    }

    /// Number of values.
    pub fn len(self) -> usize {
        match self {
            Shape::Vector(n) => n,
            Shape::Map { c, h, w } => c * h * w,
        }
    }

    /// True when the blob holds no values.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// True for a flat vector.
    pub fn is_vector(self) -> bool {
        matches!(self, Shape::Vector(_))
    }

    /// (C, H, W); a vector of n reads as (n, 1, 1).
    pub fn chw(self) -> (usize, usize, usize) {
        match self {
            Shape::Vector(n) => (n, 1, 1),
            Shape::Map { c, h, w } => (c, h, w),
        }
    }

    /// The nesting of the blob in JSON: `[n]` or `[c, h, w]`.
    pub fn dims(self) -> Vec<usize> {
        match self {
            Shape::Vector(n) => vec![n],
            Shape::Map { c, h, w } => vec![c, h, w],
        }
    }

    /// The flat index of cell (c, i, j), C-order.
    pub fn index(self, c: usize, i: usize, j: usize) -> usize {
        let (_, h, w) = self.chw();
        (c * h + i) * w + j
    }
}

/// `2×5×5` for a map, `4` for a vector.
impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Vector(n) => write!(f, "{n}"),
            Shape::Map { c, h, w } => write!(f, "{c}×{h}×{w}"),
        }
    }
}

/// Written as the fixtures' `input_shape`: `[n]` or `[c, h, w]`.
impl Serialize for Shape {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.dims().serialize(s)
    }
}

/// ⌊(n + 2·padding − kernel) / stride⌋ + 1, the output side of a sliding window
/// (floor: a last window that does not fit is dropped); `None` when not even one fits.
pub fn out_side(n: usize, kernel: usize, stride: usize, padding: usize) -> Option<usize> {
    let padded = n + 2 * padding;
    if stride == 0 || kernel == 0 || padded < kernel {
        return None;
    }
    Some((padded - kernel) / stride + 1)
}

/// The input row (or column) that window position `i`, offset `u` reads:
/// i·stride + u − padding, or `None` in the zero padding around an input of side `n`.
#[inline]
pub fn tap(i: usize, u: usize, stride: usize, padding: usize, n: usize) -> Option<usize> {
    let r = (i * stride + u).checked_sub(padding)?;
    (r < n).then_some(r)
}

/// The same place as a signed coordinate of the unpadded input (negative, or ≥ n, in
/// the padding): for explanations that draw the padding cells.
pub fn tap_signed(i: usize, u: usize, stride: usize, padding: usize) -> isize {
    (i * stride + u) as isize - padding as isize
}

/// A flat C-order blob written as nested JSON lists of the given dimensions
/// (`[o][c][k][k]` weights, `[c][h][w]` maps, `[c][h][w]` max-pool winners).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Nested<'a, T = f64> {
    pub data: &'a [T],
    pub dims: &'a [usize],
}

impl<T: Serialize> Serialize for Nested<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self.dims {
            [] | [_] => self.data.serialize(s),
            [n, rest @ ..] => {
                let step: usize = rest.iter().product();
                let mut seq = s.serialize_seq(Some(*n))?;
                for k in 0..*n {
                    seq.serialize_element(&Nested {
                        data: &self.data[k * step..(k + 1) * step],
                        dims: rest,
                    })?;
                }
                seq.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_use_floor() {
        assert_eq!(out_side(5, 2, 2, 0), Some(2), "the last row fits no window");
        assert_eq!(out_side(5, 3, 2, 1), Some(3));
        assert_eq!(out_side(2, 3, 1, 0), None);
        assert_eq!(out_side(2, 3, 1, 1), Some(2));
    }

    #[test]
    fn taps_skip_padding() {
        assert_eq!(tap(0, 0, 1, 1, 4), None);
        assert_eq!(tap(0, 1, 1, 1, 4), Some(0));
        assert_eq!(tap(3, 2, 1, 1, 4), None);
        assert_eq!(tap_signed(0, 0, 2, 2), -2);
    }

    #[test]
    fn c_order_and_nesting() {
        let s = Shape::map(2, 2, 3);
        assert_eq!(s.len(), 12);
        assert_eq!(s.index(1, 0, 2), 8);
        assert_eq!(s.to_string(), "2×2×3");
        let data: Vec<f64> = (0..12).map(f64::from).collect();
        let v = crate::json::to_value(&Nested {
            data: &data,
            dims: &s.dims(),
        });
        assert_eq!(v[1][0][2], 8.0);
        assert_eq!(crate::json::to_value(&Shape::Vector(4)).to_string(), "[4]");
    }
}
