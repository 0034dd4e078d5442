//! Number formatting for formulas: a fixed count of significant digits, trailing
//! zeros dropped, scientific notation only for very large or small magnitudes.

/// `x` with `digits` significant digits: `fmt(0.298371108760, 9)` is `0.298371109`.
pub fn fmt(x: f64, digits: usize) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let digits = digits.clamp(1, 17);
    let sci = format!("{:.*e}", digits - 1, x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= digits.max(6) as i32 {
        return format!("{}e{}", trim(mantissa), exp);
    }
    let decimals = (digits as i32 - 1 - exp).max(0) as usize;
    trim(&format!("{:.*}", decimals, x)).to_string()
}

/// Drops trailing zeros after a decimal point, and the point itself if bare.
fn trim(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::fmt;

    #[test]
    fn significant_digits() {
        assert_eq!(fmt(0.2983711087600027, 9), "0.298371109");
        assert_eq!(fmt(0.7513650695523157, 9), "0.75136507");
        assert_eq!(fmt(0.13849856162855695, 4), "0.1385");
        assert_eq!(fmt(-0.03809823651655623, 4), "-0.0381");
        assert_eq!(fmt(0.5, 9), "0.5");
        assert_eq!(fmt(12.0, 4), "12");
        assert_eq!(fmt(0.0, 4), "0");
        assert_eq!(fmt(1.5e-7, 3), "1.5e-7");
        assert_eq!(fmt(123456789.0, 4), "1.235e8");
        assert_eq!(fmt(f64::NAN, 4), "NaN");
    }
}
