//! exp and tanh in plain Rust, inlined into the training loop. In wasm, calls to the
//! compiler's software libm cost far more than the arithmetic (45 % of a training frame
//! in Chromium's profile); natively the std versions are used.
//! exp is musl's algorithm (within 2 ulps of std); tanh is built on it (within 3e-15
//! relative), far inside the fixtures' 1e-9.

// musl's constants, digit for digit.
#![allow(clippy::excessive_precision)]

const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
const INV_LN2: f64 = std::f64::consts::LOG2_E;
const P1: f64 = 1.666_666_666_666_660_190_37e-1;
const P2: f64 = -2.777_777_777_701_559_338_42e-3;
const P3: f64 = 6.613_756_321_437_934_361_17e-5;
const P4: f64 = -1.653_390_220_546_525_153_90e-6;
const P5: f64 = 4.138_136_797_057_238_460_39e-8;

/// x · 2^k for the k of exp's range reduction (|k| ≤ 1100).
#[inline]
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

/// e^x, correctly handling overflow, underflow and NaN.
#[inline]
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
    let k = (x * INV_LN2).round();
    let hi = x - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let r2 = r * r;
    let c = r - r2 * (P1 + r2 * (P2 + r2 * (P3 + r2 * (P4 + r2 * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    scale(y, k as i32)
}

/// tanh x: from e^(−2|x|) away from 0, from the series near 0 (no cancellation).
#[inline]
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
