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
    // One correctly rounded formatting; the decimal form is spelled from its digits
    // (formatting twice cost half of a big step's text).
    let sci = format!("{:.*e}", digits - 1, x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= digits.max(6) as i32 {
        return format!("{}e{}", trim(mantissa), exp);
    }
    if exp >= digits as i32 {
        // Whole numbers wider than `digits` are written in full, as `{:.0}` does.
        return format!("{x:.0}");
    }
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let ds: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::from(sign);
    if exp < 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
        out.push_str(&ds);
    } else {
        let int = exp as usize + 1;
        out.push_str(&ds[..int]);
        out.push('.');
        out.push_str(&ds[int..]);
    }
    trim(&out).to_string()
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
        assert_eq!(fmt(9.99996, 4), "10");
        assert_eq!(fmt(-0.000123456, 3), "-0.000123");
        assert_eq!(fmt(12345.6, 4), "12346");
    }

    /// The formatting it replaced: `{:.N}` after `{:.Ne}`.
    fn reference(x: f64, digits: usize) -> String {
        let digits = digits.clamp(1, 17);
        let sci = format!("{:.*e}", digits - 1, x);
        let (mantissa, exp) = sci.split_once('e').unwrap();
        let exp: i32 = exp.parse().unwrap();
        let trim = |s: &str| -> String {
            if s.contains('.') {
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                s.to_string()
            }
        };
        if exp < -4 || exp >= digits.max(6) as i32 {
            return format!("{}e{}", trim(mantissa), exp);
        }
        let decimals = (digits as i32 - 1 - exp).max(0) as usize;
        trim(&format!("{:.*}", decimals, x))
    }

    #[test]
    fn same_text_as_formatting_twice() {
        let mut s = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let mant = (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
            let x = mant * 10f64.powi((s % 24) as i32 - 12);
            let digits = 1 + (s >> 5) as usize % 17;
            if x != 0.0 {
                assert_eq!(
                    fmt(x, digits),
                    reference(x, digits),
                    "{x:e} at {digits} digits"
                );
            }
        }
        for x in [9.5, 99.95, 0.99995, 999999.5, 1e-5, 0.000099995, 5.0, 100.0] {
            for digits in 1..=17 {
                assert_eq!(
                    fmt(x, digits),
                    reference(x, digits),
                    "{x} at {digits} digits"
                );
                assert_eq!(
                    fmt(-x, digits),
                    reference(-x, digits),
                    "-{x} at {digits} digits"
                );
            }
        }
    }
}
