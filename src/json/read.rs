//! Reading JSON values with messages that say what and where
//! (`network.layers[1].weights: row 0 has 3 entries, expected 2`).

use super::Value;

/// A field of an object, or an error naming the missing path.
pub fn field<'a>(v: &'a Value, key: &str, at: &str) -> Result<&'a Value, String> {
    match v {
        Value::Object(_) => v
            .get(key)
            .ok_or_else(|| format!("{}: missing field \"{key}\"", describe_at(at))),
        other => Err(format!(
            "{}: expected an object, found {}",
            describe_at(at),
            kind(other)
        )),
    }
}

/// An optional field (absent or null gives `None`).
pub fn opt<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|x| !x.is_null())
}

/// Joins a path and a key: `network` + `layers` is `network.layers`.
pub fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

fn describe_at(at: &str) -> &str {
    if at.is_empty() {
        "top level"
    } else {
        at
    }
}

/// What kind of JSON value this is, for messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A finite number.
pub fn number(v: &Value, at: &str) -> Result<f64, String> {
    match v {
        Value::Number(x) if x.is_finite() => Ok(*x),
        Value::Number(_) => Err(format!("{at}: not a finite number")),
        Value::String(s) => Err(format!(
            "{at}: expected a number, found the string \"{}\"",
            clip(s)
        )),
        other => Err(format!("{at}: expected a number, found {}", kind(other))),
    }
}

/// A string.
pub fn string<'a>(v: &'a Value, at: &str) -> Result<&'a str, String> {
    v.as_str()
        .ok_or_else(|| format!("{at}: expected a string, found {}", kind(v)))
}

/// A whole number ≥ 0 (a seed: all 64 bits, on wasm32 too).
pub fn whole(v: &Value, at: &str) -> Result<u64, String> {
    v.as_u64()
        .ok_or_else(|| format!("{at}: expected a whole number ≥ 0, found {}", kind(v)))
}

/// A whole number ≥ 0 as a size or index (saturating where `usize` is 32 bits).
pub fn count(v: &Value, at: &str) -> Result<usize, String> {
    whole(v, at).map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// A list.
pub fn array<'a>(v: &'a Value, at: &str) -> Result<&'a Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| format!("{at}: expected an array, found {}", kind(v)))
}

/// A list of finite numbers.
pub fn vector(v: &Value, at: &str) -> Result<Vec<f64>, String> {
    array(v, at)?
        .iter()
        .enumerate()
        .map(|(i, x)| number(x, &format!("{at}[{i}]")))
        .collect()
}

/// A list of rows of finite numbers (rows may differ in length; shapes are checked later).
pub fn matrix(v: &Value, at: &str) -> Result<Vec<Vec<f64>>, String> {
    array(v, at)?
        .iter()
        .enumerate()
        .map(|(i, row)| vector(row, &format!("{at}[{i}]")))
        .collect()
}

/// At most 60 characters of user text, for messages.
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}
