//! The crate's own JSON against serde_json as an independent reference: the same values
//! from the same text, text each reads back exactly, serde_json's pretty layout, the
//! same texts accepted and refused, and the app's types written as serde_json writes them.
// proptest is a native-only dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use backprop_lab::json::{self, Value};
use backprop_lab::preset;
use backprop_lab::state::SavedState;
use proptest::prelude::*;
use serde_json::Value as Ref;
use std::collections::BTreeSet;

/// The same JSON value: numbers by their f64 (bit for bit where serde_json holds a
/// float; it keeps integers as integers), objects as serde_json reads them (the last of a
/// repeated key counts).
fn same(a: &Value, b: &Ref) -> bool {
    match (a, b) {
        (Value::Null, Ref::Null) => true,
        (Value::Bool(x), Ref::Bool(y)) => x == y,
        (Value::Number(x), Ref::Number(y)) => match y.as_f64() {
            Some(y) if b.is_f64() => x.to_bits() == y.to_bits(),
            Some(y) => *x == y,
            None => false,
        },
        (Value::String(x), Ref::String(y)) => x == y,
        (Value::Array(x), Ref::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Ref::Object(y)) => {
            let keys: BTreeSet<&str> = x.iter().map(|(k, _)| k.as_str()).collect();
            keys.len() == y.len() && y.iter().all(|(k, v)| a.get(k).is_some_and(|a| same(a, v)))
        }
        _ => false,
    }
}

/// Any JSON value with numbers from `number`; strings are any Unicode, control
/// characters and quotes included.
fn value_with(number: BoxedStrategy<Ref>) -> impl Strategy<Value = Ref> {
    let leaf = prop_oneof![
        Just(Ref::Null),
        any::<bool>().prop_map(Ref::Bool),
        number,
        any::<String>().prop_map(Ref::String),
        "[\"\\\\/\u{0}-\u{1f}a-c\u{7f}é😀\u{2028}]{0,6}".prop_map(Ref::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Ref::Array),
            prop::collection::btree_map("[a-c\"\\\\\u{1}é]{0,3}|\\PC{0,4}", inner, 0..6)
                .prop_map(|m| Ref::Object(m.into_iter().collect())),
        ]
    })
}

fn any_number() -> BoxedStrategy<Ref> {
    prop_oneof![
        any::<f64>().prop_filter_map("finite", |x| serde_json::Number::from_f64(x)
            .map(Ref::Number)),
        (-1e3f64..1e3).prop_map(Ref::from),
        any::<i64>().prop_map(Ref::from),
        any::<u64>().prop_map(Ref::from),
    ]
    .boxed()
}

fn any_value() -> impl Strategy<Value = Ref> {
    value_with(any_number())
}

/// Values whose numbers both write the same way (small integers).
fn integer_value() -> impl Strategy<Value = Ref> {
    value_with(any::<i32>().prop_map(Ref::from).boxed())
}

/// A valid JSON text as tokens, small enough that edits of it are often still valid.
fn tokens() -> impl Strategy<Value = Vec<String>> {
    let leaf = prop::sample::select(vec![
        "1",
        "-0.5",
        "1e5",
        "\"a\"",
        "\"\\u00e9\"",
        "true",
        "null",
    ])
    .prop_map(|t| vec![t.to_string()]);
    leaf.prop_recursive(3, 24, 4, |inner| {
        let list = |open: &str, close: &str, items: Vec<Vec<String>>, keyed: bool| {
            let mut out = vec![open.to_string()];
            for (k, item) in items.into_iter().enumerate() {
                if k > 0 {
                    out.push(",".into());
                }
                if keyed {
                    out.extend([format!("\"k{k}\""), ":".into()]);
                }
                out.extend(item);
            }
            out.push(close.into());
            out
        };
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(move |v| list("[", "]", v, false)),
            prop::collection::vec(inner, 0..4).prop_map(move |v| list("{", "}", v, true)),
        ]
    })
}

/// Valid texts with one token inserted, dropped or replaced (tokens and near-tokens),
/// and valid texts with one character changed or dropped.
fn jsonish_text() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        " ",
        "\n",
        "\"a\"",
        "\"\\ud83d\\ude00\"",
        "\"\\ud800\"",
        "\"\\x\"",
        "\"\t\"",
        "\"",
        "-0",
        "0.5",
        "-1E-2",
        "01",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1e999",
        "false",
        "nul",
        "NaN",
    ]);
    let token_edit = (tokens(), any::<prop::sample::Index>(), 0..3u8, token);
    let char_edit = (
        any_value(),
        any::<prop::sample::Index>(),
        "[\\[\\]{}:,\" 0-9eE.+\\-a-z\\\\]?",
    );
    prop_oneof![
        token_edit.prop_map(|(mut t, at, op, new)| {
            let k = at.index(t.len() + 1);
            match op {
                0 => t.insert(k, new.to_string()),
                1 if k < t.len() => drop(t.remove(k)),
                _ if k < t.len() => t[k] = new.to_string(),
                _ => {}
            }
            t.concat()
        }),
        char_edit.prop_map(|(v, at, c)| {
            let mut text: Vec<char> = serde_json::to_string(&v).unwrap().chars().collect();
            let k = at.index(text.len() + 1);
            match c.chars().next() {
                Some(c) if k < text.len() => text[k] = c,
                _ if k < text.len() => drop(text.remove(k)),
                _ => {}
            }
            text.into_iter().collect()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn serde_json_text_reads_the_same(v in any_value()) {
        for text in [serde_json::to_string(&v).unwrap(), serde_json::to_string_pretty(&v).unwrap()] {
            let ours = json::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(same(&ours, &v), "{} read as {:?}", text, ours);
        }
    }

    #[test]
    fn our_text_reads_the_same_in_serde_json(v in any_value()) {
        let ours = json::to_value(&v);
        prop_assert!(same(&ours, &v), "Serialize gave {:?}", ours);
        for text in [ours.to_string(), ours.to_pretty()] {
            let back: Ref = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(same(&ours, &back), "{}", text);
            let again = json::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(same(&again, &v), "{}", text);
        }
    }

    #[test]
    fn layout_matches_serde_json(v in integer_value()) {
        let ours = json::to_value(&v);
        prop_assert_eq!(ours.to_string(), serde_json::to_string(&v).unwrap());
        prop_assert_eq!(ours.to_pretty(), serde_json::to_string_pretty(&v).unwrap());
    }

    #[test]
    fn every_finite_number_reads_back_bit_for_bit(x in any::<f64>()) {
        let text = Value::Number(x).to_string();
        if x.is_finite() {
            let back = json::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?.as_f64().unwrap();
            prop_assert_eq!(back.to_bits(), x.to_bits(), "{}", text);
            let reference: f64 = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(reference.to_bits(), x.to_bits(), "{}", text);
        } else {
            prop_assert_eq!(text, "null");
        }
    }

    #[test]
    fn number_texts_round_like_serde_json(
        text in "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,25})?([eE][+-]?[0-9]{1,3})?"
    ) {
        let reference: Result<f64, _> = serde_json::from_str(&text);
        match (json::parse(&text), reference) {
            (Ok(v), Ok(r)) => prop_assert_eq!(v.as_f64().map(f64::to_bits), Some(r.to_bits()), "{}", text),
            (Err(e), Err(_)) => prop_assert!(e.to_string().contains("out of range"), "{}: {}", text, e),
            (ours, r) => prop_assert!(false, "{}: ours {:?}, serde_json {:?}", text, ours, r),
        }
    }

    #[test]
    fn accepts_and_refuses_what_serde_json_does(text in jsonish_text()) {
        let reference: Result<Ref, _> = serde_json::from_str(&text);
        match (json::parse(&text), reference) {
            (Ok(v), Ok(r)) => prop_assert!(same(&v, &r), "{}: {:?}", text, v),
            (Err(e), Err(_)) => prop_assert!(e.to_string().starts_with("not valid JSON at line "), "{}", e),
            (ours, r) => prop_assert!(false, "{}: ours {:?}, serde_json {:?}", text, ours, r),
        }
    }
}

#[test]
fn nesting_limit_is_serde_jsons_plus_one() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(serde_json::from_str::<Ref>(&nested(127)).is_ok());
    assert!(serde_json::from_str::<Ref>(&nested(128)).is_err());
    assert!(json::parse(&nested(json::MAX_DEPTH)).is_ok());
    assert!(json::parse(&nested(json::MAX_DEPTH + 1)).is_err());
}

#[test]
fn saved_states_are_written_as_serde_json_writes_them() {
    for name in preset::NAMES {
        let s = SavedState::from_preset(name).unwrap();
        let reference = serde_json::to_value(&s).unwrap();
        for text in [s.to_json(), s.to_json_pretty()] {
            assert!(
                same(&json::parse(&text).unwrap(), &reference),
                "{name}: {text}"
            );
        }
        // Field order too: read serde_json's text with ours, which keeps the order.
        let theirs = json::parse(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(json::parse(&s.to_json()).unwrap(), theirs, "{name}");
    }
}
