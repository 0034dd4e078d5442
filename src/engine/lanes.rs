//! Two f64 lanes for the training loops: one wasm simd128 register in the page (built
//! with `-C target-feature=+simd128`), a pair of scalars elsewhere. Every operation is
//! the IEEE operation lane by lane, never a sum across lanes, so a loop that works on
//! two units at a time gives the numbers of the loop that works on one, bit for bit.
//!
//! Everything is `#[inline(always)]`: the page is built at opt-level z, where LLVM
//! inlines next to nothing on its own.

use std::ops::{Add, BitAnd, Div, Mul, Sub};

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    /// Two f64 lanes.
    #[derive(Clone, Copy, Debug)]
    pub struct F64x2(v128);
    /// A true/false per lane.
    #[derive(Clone, Copy, Debug)]
    pub struct Mask(v128);

    impl F64x2 {
        #[cfg_attr(feature = "full", inline(always))]
        pub fn new(a: f64, b: f64) -> F64x2 {
            F64x2(f64x2(a, b))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn splat(v: f64) -> F64x2 {
            F64x2(f64x2_splat(v))
        }
        /// The two values of `p`.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn pair(p: &[f64; 2]) -> F64x2 {
            // SAFETY: p is 16 readable bytes; v128.load needs no alignment.
            F64x2(unsafe { v128_load(p.as_ptr().cast()) })
        }
        /// Both lanes into `p`.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn put(self, p: &mut [f64; 2]) {
            // SAFETY: p is 16 writable bytes; v128.store needs no alignment.
            unsafe { v128_store(p.as_mut_ptr().cast(), self.0) }
        }
        /// s[j] and s[j + 1]; 0.0 for a lane past the end of `s`.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn load(s: &[f64], j: usize) -> F64x2 {
            if j + 2 <= s.len() {
                // SAFETY: s[j] and s[j + 1] are in bounds; v128.load needs no alignment.
                F64x2(unsafe { v128_load(s.as_ptr().add(j).cast()) })
            } else {
                F64x2::new(s[j], 0.0)
            }
        }
        /// Lane 0 into s[j], lane 1 into s[j + 1] if `s` goes that far.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn store(self, s: &mut [f64], j: usize) {
            if j + 2 <= s.len() {
                // SAFETY: s[j] and s[j + 1] are in bounds; v128.store needs no alignment.
                unsafe { v128_store(s.as_mut_ptr().add(j).cast(), self.0) }
            } else {
                s[j] = f64x2_extract_lane::<0>(self.0);
            }
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn lanes(self) -> [f64; 2] {
            [
                f64x2_extract_lane::<0>(self.0),
                f64x2_extract_lane::<1>(self.0),
            ]
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn abs(self) -> F64x2 {
            F64x2(f64x2_abs(self.0))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn trunc(self) -> F64x2 {
            F64x2(f64x2_trunc(self.0))
        }
        /// The magnitude of self with the sign of `sign`.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn copysign(self, sign: F64x2) -> F64x2 {
            F64x2(v128_bitselect(sign.0, self.0, f64x2_splat(-0.0)))
        }
        /// 2^k for lanes holding whole numbers k in [−1022, 1023], given
        /// [`F64x2::POW2_BIAS`] and [`F64x2::POW2_BASE`] in both lanes.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn pow2(k: F64x2, (bias, base): (F64x2, F64x2)) -> F64x2 {
            // k + 1023 + 2^52 has k + 1023 in its low bits (a whole number below 2^53,
            // exactly): the exponent field of 2^k, shifted into place.
            let e = i64x2_sub(f64x2_add(k.0, bias.0), base.0);
            F64x2(i64x2_shl(e, 52))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn le(self, o: F64x2) -> Mask {
            Mask(f64x2_le(self.0, o.0))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn lt(self, o: F64x2) -> Mask {
            Mask(f64x2_lt(self.0, o.0))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn is_nan(self) -> Mask {
            Mask(f64x2_ne(self.0, self.0))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub(super) fn plus(self, o: F64x2) -> F64x2 {
            F64x2(f64x2_add(self.0, o.0))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub(super) fn minus(self, o: F64x2) -> F64x2 {
            F64x2(f64x2_sub(self.0, o.0))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub(super) fn times(self, o: F64x2) -> F64x2 {
            F64x2(f64x2_mul(self.0, o.0))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub(super) fn over(self, o: F64x2) -> F64x2 {
            F64x2(f64x2_div(self.0, o.0))
        }
    }

    impl Mask {
        #[cfg_attr(feature = "full", inline(always))]
        pub fn every() -> Mask {
            Mask(i64x2_splat(-1))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn all(self) -> bool {
            i64x2_all_true(self.0)
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn any(self) -> bool {
            v128_any_true(self.0)
        }
        /// Lane 0 as it is, lane 1 true.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn only_first(self) -> Mask {
            Mask(v128_or(self.0, i64x2(0, -1)))
        }
        /// `yes` in the true lanes, `no` in the others.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn select(self, yes: F64x2, no: F64x2) -> F64x2 {
            F64x2(v128_bitselect(yes.0, no.0, self.0))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub(super) fn both(self, o: Mask) -> Mask {
            Mask(v128_and(self.0, o.0))
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    /// Two f64 lanes.
    #[derive(Clone, Copy, Debug)]
    pub struct F64x2([f64; 2]);
    /// A true/false per lane.
    #[derive(Clone, Copy, Debug)]
    pub struct Mask([bool; 2]);

    impl F64x2 {
        #[cfg_attr(feature = "full", inline(always))]
        fn map(self, f: impl Fn(f64) -> f64) -> F64x2 {
            F64x2([f(self.0[0]), f(self.0[1])])
        }
        #[cfg_attr(feature = "full", inline(always))]
        fn zip(self, o: F64x2, f: impl Fn(f64, f64) -> f64) -> F64x2 {
            F64x2([f(self.0[0], o.0[0]), f(self.0[1], o.0[1])])
        }
        #[cfg_attr(feature = "full", inline(always))]
        fn test(self, o: F64x2, f: impl Fn(f64, f64) -> bool) -> Mask {
            Mask([f(self.0[0], o.0[0]), f(self.0[1], o.0[1])])
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn new(a: f64, b: f64) -> F64x2 {
            F64x2([a, b])
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn splat(v: f64) -> F64x2 {
            F64x2([v, v])
        }
        /// The two values of `p`.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn pair(p: &[f64; 2]) -> F64x2 {
            F64x2(*p)
        }
        /// Both lanes into `p`.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn put(self, p: &mut [f64; 2]) {
            *p = self.0;
        }
        /// s[j] and s[j + 1]; 0.0 for a lane past the end of `s`.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn load(s: &[f64], j: usize) -> F64x2 {
            F64x2([s[j], s.get(j + 1).copied().unwrap_or(0.0)])
        }
        /// Lane 0 into s[j], lane 1 into s[j + 1] if `s` goes that far.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn store(self, s: &mut [f64], j: usize) {
            s[j] = self.0[0];
            if let Some(v) = s.get_mut(j + 1) {
                *v = self.0[1];
            }
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn lanes(self) -> [f64; 2] {
            self.0
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn abs(self) -> F64x2 {
            self.map(f64::abs)
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn trunc(self) -> F64x2 {
            self.map(f64::trunc)
        }
        /// The magnitude of self with the sign of `sign`.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn copysign(self, sign: F64x2) -> F64x2 {
            self.zip(sign, f64::copysign)
        }
        /// 2^k for lanes holding whole numbers k in [−1022, 1023] (the two constants
        /// are those of the simd128 version).
        #[cfg_attr(feature = "full", inline(always))]
        pub fn pow2(k: F64x2, _: (F64x2, F64x2)) -> F64x2 {
            k.map(|k| f64::from_bits((0x3ff_i64.wrapping_add(k as i64) as u64) << 52))
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn le(self, o: F64x2) -> Mask {
            self.test(o, |a, b| a <= b)
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn lt(self, o: F64x2) -> Mask {
            self.test(o, |a, b| a < b)
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn is_nan(self) -> Mask {
            self.test(self, |a, _| a.is_nan())
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub(super) fn plus(self, o: F64x2) -> F64x2 {
            self.zip(o, |a, b| a + b)
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub(super) fn minus(self, o: F64x2) -> F64x2 {
            self.zip(o, |a, b| a - b)
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub(super) fn times(self, o: F64x2) -> F64x2 {
            self.zip(o, |a, b| a * b)
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub(super) fn over(self, o: F64x2) -> F64x2 {
            self.zip(o, |a, b| a / b)
        }
    }

    impl Mask {
        #[cfg_attr(feature = "full", inline(always))]
        pub fn every() -> Mask {
            Mask([true, true])
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn all(self) -> bool {
            self.0[0] && self.0[1]
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub fn any(self) -> bool {
            self.0[0] || self.0[1]
        }
        /// Lane 0 as it is, lane 1 true.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn only_first(self) -> Mask {
            Mask([self.0[0], true])
        }
        /// `yes` in the true lanes, `no` in the others.
        #[cfg_attr(feature = "full", inline(always))]
        pub fn select(self, yes: F64x2, no: F64x2) -> F64x2 {
            let pick = |k: usize| if self.0[k] { yes.0[k] } else { no.0[k] };
            F64x2([pick(0), pick(1)])
        }
        #[cfg_attr(feature = "full", inline(always))]
        pub(super) fn both(self, o: Mask) -> Mask {
            Mask([self.0[0] && o.0[0], self.0[1] && o.0[1]])
        }
    }
}

pub use imp::{F64x2, Mask};

/// s[start..start + len]. The page is built at opt-level z, where slicing by a range is
/// a call; this is the same slice, bounds checked once, inline.
#[cfg_attr(feature = "full", inline(always))]
pub fn part(s: &[f64], start: usize, len: usize) -> &[f64] {
    assert!(
        start <= s.len() && len <= s.len() - start,
        "part out of bounds"
    );
    // SAFETY: start + len ≤ s.len(), checked above.
    unsafe { std::slice::from_raw_parts(s.as_ptr().add(start), len) }
}

/// [`part`] to change.
#[cfg_attr(feature = "full", inline(always))]
pub fn part_mut(s: &mut [f64], start: usize, len: usize) -> &mut [f64] {
    assert!(
        start <= s.len() && len <= s.len() - start,
        "part out of bounds"
    );
    // SAFETY: start + len ≤ s.len(), checked above.
    unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().add(start), len) }
}

impl F64x2 {
    /// 1023 + 2^52, for [`F64x2::pow2`].
    pub const POW2_BIAS: f64 = 4503599627371519.0;
    /// 2^52, for [`F64x2::pow2`].
    pub const POW2_BASE: f64 = 4503599627370496.0;

    /// v in lane 0, 0.0 in lane 1.
    #[cfg_attr(feature = "full", inline(always))]
    pub fn lone(v: f64) -> F64x2 {
        F64x2::new(v, 0.0)
    }
}

impl Add for F64x2 {
    type Output = F64x2;
    #[cfg_attr(feature = "full", inline(always))]
    fn add(self, o: F64x2) -> F64x2 {
        self.plus(o)
    }
}

impl Sub for F64x2 {
    type Output = F64x2;
    #[cfg_attr(feature = "full", inline(always))]
    fn sub(self, o: F64x2) -> F64x2 {
        self.minus(o)
    }
}

impl Mul for F64x2 {
    type Output = F64x2;
    #[cfg_attr(feature = "full", inline(always))]
    fn mul(self, o: F64x2) -> F64x2 {
        self.times(o)
    }
}

impl Div for F64x2 {
    type Output = F64x2;
    #[cfg_attr(feature = "full", inline(always))]
    fn div(self, o: F64x2) -> F64x2 {
        self.over(o)
    }
}

impl BitAnd for Mask {
    type Output = Mask;
    #[cfg_attr(feature = "full", inline(always))]
    fn bitand(self, o: Mask) -> Mask {
        self.both(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_load_and_store_with_a_ragged_end() {
        let s = [1.0, 2.0, 3.0];
        assert_eq!(F64x2::load(&s, 0).lanes(), [1.0, 2.0]);
        assert_eq!(F64x2::load(&s, 2).lanes(), [3.0, 0.0]);
        let mut out = [0.0; 3];
        for j in (0..3).step_by(2) {
            (F64x2::load(&s, j) * F64x2::splat(2.0)).store(&mut out, j);
        }
        assert_eq!(out, [2.0, 4.0, 6.0]);
    }

    #[test]
    fn masks_select_and_bits() {
        let one = F64x2::splat(1.0);
        let m = F64x2::new(f64::NAN, 1.0).abs().le(one);
        assert!(!m.all() && (Mask::every() & F64x2::splat(-1.0).abs().le(one)).all());
        let m = F64x2::new(1.0, f64::NAN).abs().le(one);
        assert!(!m.all() && m.only_first().all());
        let x = F64x2::new(-2.5, 0.5);
        assert_eq!(x.lt(F64x2::splat(0.0)).select(one, x).lanes(), [1.0, 0.5]);
        assert_eq!(one.copysign(x).lanes(), [-1.0, 1.0]);
        assert_eq!(x.trunc().lanes()[0].to_bits(), (-2.0f64).to_bits());
        assert_eq!(
            F64x2::pow2(
                F64x2::new(-64.0, 3.0),
                (
                    F64x2::splat(F64x2::POW2_BIAS),
                    F64x2::splat(F64x2::POW2_BASE)
                )
            )
            .lanes(),
            [2f64.powi(-64), 8.0]
        );
        assert_eq!(
            F64x2::new(f64::NAN, 0.0).is_nan().select(one, x).lanes(),
            [1.0, 0.5]
        );
    }
}
