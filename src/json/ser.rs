//! `Serialize` → [`Value`]: the one serializer of the crate, so each derived
//! `Serialize` impl is compiled once. Struct fields keep their declaration order; enums
//! are written as serde's defaults and attributes say (`"name"`, `{"Variant": …}`).

use super::Value;
use serde::ser::{self, Serialize};
use std::fmt;

/// The value of `v` as JSON (null if it cannot be one: a map key that is not text).
pub fn to_value<T: Serialize + ?Sized>(v: &T) -> Value {
    v.serialize(Serializer).unwrap_or_default()
}

/// A value that JSON cannot hold.
#[derive(Debug)]
pub struct Error;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not representable as JSON")
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Error
    }
}

struct Serializer;

type Done = Result<Value, Error>;

/// Wraps an enum variant's content as `{"Variant": content}`.
fn wrap(variant: Option<&'static str>, v: Value) -> Value {
    match variant {
        Some(name) => Value::Object(vec![(name.to_string(), v)]),
        None => v,
    }
}

impl ser::Serializer for Serializer {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Seq;
    type SerializeMap = Obj;
    type SerializeStruct = Obj;
    type SerializeStructVariant = Obj;

    fn serialize_bool(self, v: bool) -> Done {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.serialize_f64(v as f64)
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.serialize_f64(v as f64)
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    /// Non-finite numbers become null, as in serde_json.
    fn serialize_f64(self, v: f64) -> Done {
        Ok(if v.is_finite() {
            Value::Number(v)
        } else {
            Value::Null
        })
    }
    fn serialize_char(self, v: char) -> Done {
        Ok(Value::String(v.into()))
    }
    fn serialize_str(self, v: &str) -> Done {
        Ok(Value::String(v.into()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        Ok(v.iter().map(|&b| Value::Number(b.into())).collect())
    }
    fn serialize_none(self) -> Done {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Done {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Done {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Done {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Done {
        Ok(wrap(Some(variant), v.serialize(self)?))
    }
    /// Lists (`Vec`, slices, arrays): serde's default, with less code per element type.
    fn collect_seq<I>(self, items: I) -> Done
    where
        I: IntoIterator,
        I::Item: Serialize,
    {
        let mut seq = Seq {
            items: Vec::new(),
            variant: None,
        };
        for x in items {
            seq.push(&x)?;
        }
        seq.done()
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, Error> {
        Ok(Seq {
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq, Error> {
        Ok(Seq {
            items: Vec::with_capacity(len),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Obj, Error> {
        Ok(Obj {
            fields: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
            variant: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Obj, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Obj, Error> {
        Ok(Obj {
            fields: Vec::with_capacity(len),
            key: None,
            variant: Some(variant),
        })
    }
}

/// An array being built (of a sequence, a tuple or a tuple variant).
struct Seq {
    items: Vec<Value>,
    variant: Option<&'static str>,
}

impl Seq {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.add(v.serialize(Serializer))
    }

    /// The part of `push` that is the same for every type, compiled once.
    fn add(&mut self, v: Done) -> Result<(), Error> {
        self.items.push(v?);
        Ok(())
    }

    fn done(self) -> Done {
        Ok(wrap(self.variant, Value::Array(self.items)))
    }
}

impl ser::SerializeSeq for Seq {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.push(v)
    }
    fn end(self) -> Done {
        self.done()
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = Value;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.push(v)
    }
    fn end(self) -> Done {
        self.done()
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.push(v)
    }
    fn end(self) -> Done {
        self.done()
    }
}

impl ser::SerializeTupleVariant for Seq {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.push(v)
    }
    fn end(self) -> Done {
        self.done()
    }
}

/// An object being built (of a map, a struct or a struct variant).
struct Obj {
    fields: Vec<(String, Value)>,
    /// A map key waiting for its value.
    key: Option<String>,
    variant: Option<&'static str>,
}

impl Obj {
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), Error> {
        self.add(key, v.serialize(Serializer))
    }

    /// The part of `field` that is the same for every type, compiled once.
    fn add(&mut self, key: &str, v: Done) -> Result<(), Error> {
        self.fields.push((key.to_string(), v?));
        Ok(())
    }

    fn done(self) -> Done {
        Ok(wrap(self.variant, Value::Object(self.fields)))
    }
}

impl ser::SerializeMap for Obj {
    type Ok = Value;
    type Error = Error;
    /// Text keys as they are; number and boolean keys as their JSON text.
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(match key.serialize(Serializer)? {
            Value::String(s) => s,
            k @ (Value::Number(_) | Value::Bool(_)) => k.to_string(),
            _ => return Err(Error),
        });
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let key = self.key.take().ok_or(Error)?;
        self.field(&key, v)
    }
    fn end(self) -> Done {
        self.done()
    }
}

impl ser::SerializeStruct for Obj {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.field(key, v)
    }
    fn end(self) -> Done {
        self.done()
    }
}

impl ser::SerializeStructVariant for Obj {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.field(key, v)
    }
    fn end(self) -> Done {
        self.done()
    }
}

/// A [`Value`] serializes as itself, so built values nest inside `obj!`.
impl Serialize for Value {
    fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(x) => s.serialize_f64(*x),
            Value::String(t) => s.serialize_str(t),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Object(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum E {
        Unit,
        New(u8),
        Tuple(u8, bool),
        Struct { a: Option<u8> },
    }

    #[derive(Serialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Tagged {
        Edge { i: usize },
    }

    #[derive(Serialize)]
    struct Inner {
        x: f64,
    }

    #[derive(Serialize)]
    struct Outer {
        first: u64,
        #[serde(flatten)]
        inner: Inner,
        #[serde(skip_serializing_if = "Option::is_none")]
        gone: Option<u8>,
        tuple: (u8, &'static str),
    }

    #[test]
    fn serde_shapes() {
        let e = [E::Unit, E::New(1), E::Tuple(2, true), E::Struct { a: None }];
        assert_eq!(
            to_value(&e).to_string(),
            r#"["unit",{"new":1},{"tuple":[2,true]},{"struct":{"a":null}}]"#
        );
        assert_eq!(
            to_value(&Tagged::Edge { i: 3 }).to_string(),
            r#"{"kind":"edge","i":3}"#
        );
        let o = Outer {
            first: 1,
            inner: Inner { x: 0.5 },
            gone: None,
            tuple: (7, "t"),
        };
        assert_eq!(
            to_value(&o).to_string(),
            r#"{"first":1,"x":0.5,"tuple":[7,"t"]}"#
        );
        let mut m = std::collections::BTreeMap::new();
        m.insert(2, 'c');
        assert_eq!(to_value(&m).to_string(), r#"{"2":"c"}"#);
        assert!(to_value(&std::collections::BTreeMap::from([((), 1)])).is_null());
    }
}
