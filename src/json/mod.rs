//! The crate's own JSON, small enough for the wasm budget: a [`Value`], a parser with
//! line-and-column messages, compact and pretty writers, `Serialize` → [`Value`], and
//! readers whose messages say what and where (`network.layers[1].weights: …`).

mod parse;
mod read;
mod ser;
mod write;

pub use parse::{parse, MAX_DEPTH};
pub use read::*;
pub use ser::to_value;

/// A JSON value. Numbers are `f64` (integers above 2⁵³ are as exact as an `f64` holds);
/// object fields keep their order, and on a repeated key the last one counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

static NULL: Value = Value::Null;

impl Value {
    /// The field `key` of an object (the last one if repeated).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(fields) => fields.iter().rev().find(|(k, _)| k == key).map(|f| &f.1),
            _ => None,
        }
    }

    /// Sets the field `key` of an object (added at the end if new); other values are
    /// left alone.
    pub fn set(&mut self, key: &str, v: Value) {
        if let Value::Object(fields) = self {
            match fields.iter_mut().rev().find(|(k, _)| k == key) {
                Some(f) => f.1 = v,
                None => fields.push((key.to_string(), v)),
            }
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(x) => Some(*x),
            _ => None,
        }
    }

    /// A whole number from 0 to 2⁶⁴; 2⁶⁴ itself (what `u64::MAX` writes as) saturates.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(x)
                if *x >= 0.0 && x.fract() == 0.0 && *x <= 18_446_744_073_709_551_616.0 =>
            {
                Some(*x as u64)
            }
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }
}

/// `v["key"]`: the field, or null when there is none.
impl std::ops::Index<&str> for Value {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

/// `v[i]`: the element, or null when there is none.
impl std::ops::Index<usize> for Value {
    type Output = Value;
    fn index(&self, i: usize) -> &Value {
        self.as_array().and_then(|a| a.get(i)).unwrap_or(&NULL)
    }
}

/// Comparisons with plain numbers, for tests and checks (`v["count"] == 3`).
macro_rules! eq_number {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                self.as_f64() == Some(*other as f64)
            }
        }
    )*};
}
eq_number!(f64, i32, i64, u64, usize);

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl FromIterator<Value> for Value {
    fn from_iter<I: IntoIterator<Item = Value>>(it: I) -> Value {
        Value::Array(it.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_get_and_set() {
        let mut v = parse(r#"{"a": [1, {"b": "x"}], "a": [2]}"#).unwrap();
        assert_eq!(v["a"][0], 2, "the last of a repeated key counts");
        assert!(v["missing"][3]["deeper"].is_null());
        v.set("a", Value::Bool(true));
        v.set("c", Value::Null);
        assert_eq!(v.to_string(), r#"{"a":[1,{"b":"x"}],"a":true,"c":null}"#);
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(Value::Number(3.0).as_u64(), Some(3));
        assert_eq!(Value::Number(-0.0).as_u64(), Some(0));
        assert_eq!(Value::Number(u64::MAX as f64).as_u64(), Some(u64::MAX));
        for x in [-1.0, 0.5, 1e20, f64::NAN, f64::INFINITY] {
            assert_eq!(Value::Number(x).as_u64(), None, "{x}");
        }
    }
}
