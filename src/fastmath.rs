//! exp and tanh in plain Rust, inlined into the training loop. In wasm, calls to the
//! compiler's software libm cost far more than the arithmetic (45 % of a training frame
//! in Chromium's profile); natively the std versions are used.
//! exp is musl's algorithm (within 2 ulps of std); tanh is built on it (within 3e-15
//! relative), far inside the fixtures' 1e-9.

// musl's constants, digit for digit.
#![allow(clippy::excessive_precision)]

use crate::engine::lanes::F64x2;

const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
const INV_LN2: f64 = std::f64::consts::LOG2_E;
const P1: f64 = 1.666_666_666_666_660_190_37e-1;
const P2: f64 = -2.777_777_777_701_559_338_42e-3;
const P3: f64 = 6.613_756_321_437_934_361_17e-5;
const P4: f64 = -1.653_390_220_546_525_153_90e-6;
const P5: f64 = 4.138_136_797_057_238_460_39e-8;

/// x · 2^k for the k of exp's range reduction (|k| ≤ 1100).
#[cfg_attr(feature = "full", inline(always))]
fn scale(x: f64, k: i32) -> f64 {
    let two = |e: i32| f64::from_bits(((0x3ff + e) as u64) << 52);
    if k > 1023 {
        x * two(1023) * two(k - 1023)
    } else if k < -1022 {
        x * two(-1022) * two(k + 1022)
    } else {
        x * two(k)
    }
}

/// x rounded to the nearest integer, halves away from zero: exactly `f64::round` (for
/// |x| < 2^52), built on `trunc`, one wasm instruction, where `round` is a call into the
/// compiler's software libm.
#[cfg_attr(feature = "full", inline(always))]
fn round(x: f64) -> f64 {
    let t = x.trunc();
    let f = x - t; // exact
    if f >= 0.5 {
        t + 1.0
    } else if f <= -0.5 {
        t - 1.0
    } else {
        t
    }
}

/// e^x, correctly handling overflow, underflow and NaN.
#[cfg_attr(feature = "full", inline(always))]
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.782_712_893_384 {
        return f64::INFINITY;
    }
    if x < -745.133_219_101_941_1 {
        return 0.0;
    }
    if x.abs() < 2f64.powi(-28) {
        return 1.0 + x;
    }
    let k = round(x * INV_LN2);
    let hi = x - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let r2 = r * r;
    let c = r - r2 * (P1 + r2 * (P2 + r2 * (P3 + r2 * (P4 + r2 * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    scale(y, k as i32)
}

/// tanh x: from e^(−2|x|) away from 0, from the series near 0 (no cancellation).
#[cfg_attr(feature = "full", inline(always))]
pub fn tanh(x: f64) -> f64 {
    let a = x.abs();
    if a < 0.04 {
        // x − x³/3 + 2x⁵/15 − 17x⁷/315 + 62x⁹/2835: the next term is below 1e-17·|x|.
        let x2 = x * x;
        return x
            * (1.0
                + x2 * (-1.0 / 3.0
                    + x2 * (2.0 / 15.0 + x2 * (-17.0 / 315.0 + x2 * (62.0 / 2835.0)))));
    }
    if a > 22.0 {
        return x.signum();
    }
    let e = exp(-2.0 * a);
    let t = (1.0 - e) / (1.0 + e);
    t.copysign(x)
}

/// tanh of two lanes at a time, each exactly [`tanh`] of its lane: the same operations
/// in the same order; where `tanh` branches, both sides are computed and each lane keeps
/// its own. For the lanes that take e^(−2|x|), 0.04 ≤ |x| ≤ 22, [`exp`] takes its main
/// path (none of its guards applies) and its 2^k needs no split; a NaN lane stays NaN
/// as `exp` leaves it.
///
/// [`Tanh2::new`] reads the constants once from memory, through `black_box`, so that
/// they are loads: as literals, V8 builds each two-lane constant from immediates at
/// every use, which cost more than the arithmetic.
pub struct Tanh2 {
    series: [F64x2; 5],
    exp: [F64x2; 5],
    ln2: [F64x2; 3],
    /// 1, 2, −2, ½, −½, 0.04 and 22.
    numbers: [F64x2; 7],
    pow2: (F64x2, F64x2),
}

/// v in both lanes.
const fn both(v: f64) -> [f64; 2] {
    [v, v]
}

/// The constants of [`Tanh2`], in its order.
static TANH2: [[f64; 2]; 22] = [
    both(1.0),
    both(-1.0 / 3.0),
    both(2.0 / 15.0),
    both(-17.0 / 315.0),
    both(62.0 / 2835.0),
    both(P1),
    both(P2),
    both(P3),
    both(P4),
    both(P5),
    both(INV_LN2),
    both(LN2_HI),
    both(LN2_LO),
    both(1.0),
    both(2.0),
    both(-2.0),
    both(0.5),
    both(-0.5),
    both(0.04),
    both(22.0),
    both(F64x2::POW2_BIAS),
    both(F64x2::POW2_BASE),
];

impl Default for Tanh2 {
    fn default() -> Tanh2 {
        Tanh2::new()
    }
}

impl Tanh2 {
    #[cfg_attr(feature = "full", inline(always))]
    pub fn new() -> Tanh2 {
        let k: &[[f64; 2]; 22] = std::hint::black_box(&TANH2);
        let c = F64x2::pair;
        Tanh2 {
            series: [c(&k[0]), c(&k[1]), c(&k[2]), c(&k[3]), c(&k[4])],
            exp: [c(&k[5]), c(&k[6]), c(&k[7]), c(&k[8]), c(&k[9])],
            ln2: [c(&k[10]), c(&k[11]), c(&k[12])],
            numbers: [
                c(&k[13]),
                c(&k[14]),
                c(&k[15]),
                c(&k[16]),
                c(&k[17]),
                c(&k[18]),
                c(&k[19]),
            ],
            pow2: (c(&k[20]), c(&k[21])),
        }
    }

    /// tanh of each lane of x.
    #[cfg_attr(feature = "full", inline(always))]
    pub fn of(&self, x: F64x2) -> F64x2 {
        let [s0, s1, s2, s3, s4] = self.series;
        let [p1, p2, p3, p4, p5] = self.exp;
        let [inv_ln2, ln2_hi, ln2_lo] = self.ln2;
        let [one, two, minus_two, _, _, near, far] = self.numbers;
        let a = x.abs();
        // Elsewhere: e = e^(−2|x|) by exp's main path, then (1 − e)/(1 + e).
        let v = minus_two * a;
        let k = self.round(v * inv_ln2);
        let hi = v - k * ln2_hi;
        let lo = k * ln2_lo;
        let r = hi - lo;
        let r2 = r * r;
        let p = r - r2 * (p1 + r2 * (p2 + r2 * (p3 + r2 * (p4 + r2 * p5))));
        let y = one - ((lo - (r * p) / (two - p)) - hi);
        let e = v.is_nan().select(v, y * F64x2::pow2(k, self.pow2));
        let t = ((one - e) / (one + e)).copysign(x);
        let t = far.lt(a).select(one.copysign(x), t);
        // Near 0 the series, when a lane needs it.
        let near = a.lt(near);
        if !near.any() {
            return t;
        }
        let x2 = x * x;
        near.select(x * (s0 + x2 * (s1 + x2 * (s2 + x2 * (s3 + x2 * s4)))), t)
    }

    /// [`round`] of each lane.
    #[cfg_attr(feature = "full", inline(always))]
    fn round(&self, x: F64x2) -> F64x2 {
        let t = x.trunc();
        let f = x - t;
        let [one, _, _, half, minus_half, _, _] = self.numbers;
        let down = f.le(minus_half).select(t - one, t);
        half.le(f).select(t + one, down)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> f64 {
        if a == b {
            return 0.0;
        }
        (a - b).abs() / (b.abs() * f64::EPSILON).max(f64::MIN_POSITIVE)
    }

    #[test]
    fn round_is_std_round() {
        let mut r = crate::rng::Rng::new(4);
        let halves = (-40..40).map(|k| k as f64 * 0.5);
        let near = [
            0.49999999999999994,
            -0.49999999999999994,
            0.5000000000000001,
            1e15 + 0.5,
        ];
        for x in halves
            .chain(near)
            .chain((0..100_000).map(|_| r.uniform(-1100.0, 1100.0)))
        {
            assert_eq!(round(x).to_bits(), x.round().to_bits(), "{x}");
        }
    }

    #[test]
    fn exp_matches_std_within_two_ulps() {
        let mut r = crate::rng::Rng::new(5);
        for _ in 0..200_000 {
            let x = r.uniform(-745.0, 709.0);
            assert!(ulps(exp(x), x.exp()) <= 2.0, "{x}");
            let x = r.uniform(-5.0, 5.0);
            assert!(ulps(exp(x), x.exp()) <= 2.0, "{x}");
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(1000.0), f64::INFINITY);
        assert_eq!(exp(-1000.0), 0.0);
        assert!(exp(f64::NAN).is_nan());
        assert!(ulps(exp(-740.0), (-740f64).exp()) < 1e3, "subnormal range");
    }

    #[test]
    fn tanh2_is_tanh_lane_by_lane() {
        let mut r = crate::rng::Rng::new(8);
        let edges = [
            0.0,
            -0.0,
            0.04,
            -0.04,
            0.03999999999999999,
            22.0,
            22.000000000000004,
            -22.0,
            1e-300,
            700.0,
        ];
        let specials = [f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
        let mut xs: Vec<f64> = edges.iter().chain(&specials).copied().collect();
        xs.extend((0..100_000).map(|k| r.uniform(-1.0, 1.0) * [0.1, 2.0, 30.0][k % 3]));
        for pair in xs.chunks(2) {
            let (a, b) = (pair[0], pair.get(1).copied().unwrap_or(0.5));
            let [ta, tb] = Tanh2::new().of(F64x2::new(a, b)).lanes();
            for (x, got) in [(a, ta), (b, tb)] {
                let want = tanh(x);
                assert!(
                    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                    "{x}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn tanh_matches_std_closely() {
        let mut r = crate::rng::Rng::new(6);
        for _ in 0..200_000 {
            for x in [
                r.uniform(-30.0, 30.0),
                r.uniform(-1.0, 1.0),
                r.uniform(-0.05, 0.05),
                r.uniform(-1e-6, 1e-6),
            ] {
                let (a, b) = (tanh(x), x.tanh());
                // Within 3e-15 relative: a few ulps where 1 − e^(−2|x|) cancels (|x| near 0.04).
                assert!(
                    (a - b).abs() <= 3e-15 * b.abs().max(1e-300),
                    "{x}: {a} vs {b}"
                );
            }
        }
        assert_eq!(tanh(0.0), 0.0);
        assert_eq!(tanh(50.0), 1.0);
        assert_eq!(tanh(-50.0), -1.0);
    }
}
