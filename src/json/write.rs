//! A [`Value`] as JSON text: compact (`Display`), or pretty in serde_json's
//! `to_string_pretty` layout. Numbers are the shortest text that reads back to the same
//! `f64`; non-finite numbers are written as `null`, as serde_json does.

use super::Value;
use std::fmt::{self, Write};

impl Value {
    /// Two-space indent, `"key": value`, empty arrays and objects as `[]` and `{}`.
    pub fn to_pretty(&self) -> String {
        let mut out = String::new();
        write(self, &mut out, Some(0));
        out
    }
}

/// Compact JSON, no spaces: `v.to_string()`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write(self, &mut out, None);
        f.write_str(&out)
    }
}

/// Writes `v`; `depth` is the indent level when pretty, `None` when compact.
fn write(v: &Value, out: &mut String, depth: Option<usize>) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(x) => number(*x, out),
        Value::String(s) => string(s, out),
        Value::Array(items) => list(out, depth, b"[]", items.len(), &mut |out, k, d| {
            write(&items[k], out, d)
        }),
        Value::Object(fields) => list(out, depth, b"{}", fields.len(), &mut |out, k, d| {
            string(&fields[k].0, out);
            out.push_str(if d.is_some() { ": " } else { ":" });
            write(&fields[k].1, out, d)
        }),
    }
}

/// The brackets around `n` items, each on its own indented line when pretty.
fn list(
    out: &mut String,
    depth: Option<usize>,
    brackets: &[u8; 2],
    n: usize,
    item: &mut dyn FnMut(&mut String, usize, Option<usize>),
) {
    out.push(brackets[0] as char);
    let inner = depth.map(|d| d + 1);
    for k in 0..n {
        if k > 0 {
            out.push(',');
        }
        newline(out, inner);
        item(out, k, inner);
    }
    if n > 0 {
        newline(out, depth);
    }
    out.push(brackets[1] as char);
}

fn newline(out: &mut String, depth: Option<usize>) {
    if let Some(d) = depth {
        out.push('\n');
        for _ in 0..d {
            out.push_str("  ");
        }
    }
}

/// Rust's shortest round-trip digits: plain from 1e-5 to 1e15 (whole numbers without
/// `.0`), exponent form outside, so every plain whole number is below 2⁵³ and reads back
/// exactly as an integer too (Python's `json`).
fn number(x: f64, out: &mut String) {
    let _ = if !x.is_finite() {
        out.write_str("null")
    } else if x == 0.0 || (1e-5..1e15).contains(&x.abs()) {
        write!(out, "{x}")
    } else {
        write!(out, "{x:e}")
    };
}

/// A quoted string: `"` and `\` escaped, control characters as `\n`-style or `\u00XX`.
fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[c as usize >> 4] as char);
                out.push(HEX[c as usize & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn pretty_is_serde_json_layout() {
        let v = parse(r#"{"a": [1, 2], "b": [], "c": {}, "d": {"e": "x"}}"#).unwrap();
        assert_eq!(
            v.to_pretty(),
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": [],\n  \"c\": {},\n  \"d\": {\n    \"e\": \"x\"\n  }\n}"
        );
        assert_eq!(v.to_string(), r#"{"a":[1,2],"b":[],"c":{},"d":{"e":"x"}}"#);
    }

    #[test]
    fn numbers_are_short_and_exact() {
        let cases = [
            (0.1, "0.1"),
            (1.0, "1"),
            (-0.0, "-0"),
            (0.00001, "0.00001"),
            (0.000001, "1e-6"),
            (999999999999999.9, "999999999999999.9"),
            (1e15, "1e15"),
            (-7.065662001580028e17, "-7.065662001580028e17"),
            (123456789.125, "123456789.125"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e308"),
            (f64::NAN, "null"),
            (f64::NEG_INFINITY, "null"),
        ];
        for (x, text) in cases {
            assert_eq!(Value::Number(x).to_string(), text);
            if x.is_finite() {
                assert_eq!(
                    parse(text).unwrap().as_f64().unwrap().to_bits(),
                    x.to_bits()
                );
            }
        }
    }

    #[test]
    fn strings_escape_what_json_needs() {
        let s = "q\"b\\s/\n\r\t\u{8}\u{c}\u{1}\u{1f}é😀\u{2028}";
        let text = Value::String(s.into()).to_string();
        assert_eq!(
            text,
            "\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001fé😀\u{2028}\""
        );
        assert_eq!(parse(&text).unwrap(), s);
    }
}
