//! Reading JSON values with errors that say what and where
//! (`network.layers[1].weights[0]: expected a number, found the string "abc"`).

use super::Value;
use crate::error::{Error, ErrorKind, Expected, Found};

/// A field of an object, or an error naming the missing path.
pub fn field<'a>(v: &'a Value, key: &str, at: &str) -> Result<&'a Value, Error> {
    match v {
        Value::Object(_) => v.get(key).ok_or_else(|| {
            Error::at(
                at,
                ErrorKind::Missing {
                    field: key.to_string(),
                },
            )
        }),
        other => Err(wrong(at, Expected::Object, other)),
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

/// What kind of JSON value this is, for messages.
pub fn found(v: &Value) -> Found {
    match v {
        Value::Null => Found::Null,
        Value::Bool(_) => Found::Bool,
        Value::Number(_) => Found::Number,
        Value::String(s) => Found::String(clip(s)),
        Value::Array(_) => Found::Array,
        Value::Object(_) => Found::Object,
    }
}

/// The error for `v` at `at` where `expected` was wanted.
pub fn wrong(at: &str, expected: Expected, v: &Value) -> Error {
    Error::at(
        at,
        ErrorKind::WrongType {
            expected,
            found: found(v),
        },
    )
}

/// A finite number.
pub fn number(v: &Value, at: &str) -> Result<f64, Error> {
    match v {
        Value::Number(x) if x.is_finite() => Ok(*x),
        Value::Number(_) => Err(Error::at(at, ErrorKind::NotFinite)),
        other => Err(wrong(at, Expected::Number, other)),
    }
}

/// A string.
pub fn string<'a>(v: &'a Value, at: &str) -> Result<&'a str, Error> {
    v.as_str().ok_or_else(|| wrong(at, Expected::String, v))
}

/// true or false.
pub fn boolean(v: &Value, at: &str) -> Result<bool, Error> {
    v.as_bool().ok_or_else(|| wrong(at, Expected::Bool, v))
}

/// A whole number ≥ 0 (a seed: all 64 bits, on wasm32 too).
pub fn whole(v: &Value, at: &str) -> Result<u64, Error> {
    v.as_u64().ok_or_else(|| wrong(at, Expected::Whole, v))
}

/// A whole number ≥ 0 as a size or index (saturating where `usize` is 32 bits).
pub fn count(v: &Value, at: &str) -> Result<usize, Error> {
    whole(v, at).map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// A list.
pub fn array<'a>(v: &'a Value, at: &str) -> Result<&'a Vec<Value>, Error> {
    v.as_array().ok_or_else(|| wrong(at, Expected::Array, v))
}

/// A list of finite numbers.
pub fn vector(v: &Value, at: &str) -> Result<Vec<f64>, Error> {
    array(v, at)?
        .iter()
        .enumerate()
        .map(|(i, x)| number(x, &format!("{at}[{i}]")))
        .collect()
}

/// A list of rows of finite numbers (rows may differ in length; shapes are checked later).
pub fn matrix(v: &Value, at: &str) -> Result<Vec<Vec<f64>>, Error> {
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
