//! Saving and loading: round trips, the accepted shapes, and every bad-input rule.

use backprop_lab::lab::{Edit, Session};
use backprop_lab::preset;
use backprop_lab::state::{self, SavedState};

/// `state()` of the embedding API, as JSON.
fn snapshot(s: &Session) -> backprop_lab::json::Value {
    backprop_lab::json::to_value(&backprop_lab::view::state(
        s,
        backprop_lab::view::Fields::All,
    ))
}

fn mazur_fixture() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/mazur-2-2-2.json"
    ))
    .unwrap()
}

#[test]
fn every_preset_round_trips() {
    for name in preset::NAMES {
        let s = SavedState::from_preset(name).unwrap();
        let back = state::load(&s.to_json()).unwrap();
        assert_eq!(s, back, "{name}");
        assert_eq!(back, state::load(&s.to_json_pretty()).unwrap());
    }
}

#[test]
fn fixture_shapes_load() {
    let s = state::load(&mazur_fixture()).unwrap();
    assert_eq!(s.problem.input, vec![0.05, 0.1]);
    let train = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/train-xor-2-2-1-sigmoid.json"
    ))
    .unwrap();
    let s = state::load(&train).unwrap();
    assert_eq!(s.problem.input, vec![0.0, 0.0]);
    assert!(matches!(s.dataset, Some(state::Data::Given(ref d)) if d.len() == 4));
    let p = state::load(r#"{"preset": "xor", "view": {"lang": "zh", "cursor": 3}}"#).unwrap();
    assert_eq!(p.preset.as_deref(), Some("xor"));
    assert_eq!((p.view.lang.code(), p.view.cursor), ("zh", 3));
}

#[test]
fn saved_state_is_also_a_fixture_shape() {
    let s = SavedState::from_preset("mazur").unwrap();
    let v: serde_json::Value = serde_json::from_str(&s.to_json()).unwrap();
    for key in ["network", "input", "target", "learning_rate"] {
        assert!(v.get(key).is_some(), "{key}");
    }
}

fn err(text: &str) -> String {
    state::load(text).expect_err(text).to_string()
}

#[test]
fn bad_inputs_say_what_and_where() {
    let m = mazur_fixture();
    let cases: Vec<(String, &str)> = vec![
        ("".into(), "empty"),
        ("{\"network\": ".into(), "not valid JSON"),
        ("42".into(), "expected an object, found a number"),
        ("{}".into(), "missing field \"network\""),
        (
            m.replace("[0.4, 0.45]", "[0.4, 0.45, 0.1]"),
            "network.layers[1].weights: row 0 has 3 entries, expected 2",
        ),
        (
            m.replace("[0.15, 0.2]", "[0.15, \"abc\"]"),
            "network.layers[0].weights[0][1]: expected a number, found the string \"abc\"",
        ),
        (
            m.replace("[0.15, 0.2]", "[0.15, null]"),
            "network.layers[0].weights[0][1]: expected a number, found null",
        ),
        (m.replace("[0.15, 0.2]", "[0.15, 1e999]"), "not valid JSON"),
        (
            m.replace("\"activation\": \"sigmoid\"", "\"activation\": \"swish\""),
            "network.layers[0].activation: unknown activation \"swish\"",
        ),
        (
            m.replacen(
                "\"activation\": \"sigmoid\"",
                "\"activation\": \"softmax\"",
                1,
            ),
            "network.layers[0].activation: softmax is only allowed on the last layer",
        ),
        (
            m.replace("\"half_sse\"", "\"cross_entropy\""),
            "cross_entropy needs a softmax output layer",
        ),
        (
            m.replace("\"half_sse\"", "\"hinge\""),
            "network.loss: unknown loss \"hinge\"",
        ),
        (
            m.replace("\"input\": [0.05, 0.1]", "\"input\": [0.05]"),
            "input has 1 value; layer 1 takes 2",
        ),
        (
            m.replace("\"target\": [0.01, 0.99]", "\"target\": [0.01]"),
            "target has 1 value; the output layer has 2 units",
        ),
        (
            m.replace("\"learning_rate\": 0.5", "\"learning_rate\": -1"),
            "learning_rate: -1 is not a usable learning rate",
        ),
        (
            m.replace("\"learning_rate\": 0.5", "\"learning_rate\": 1e7"),
            "learning_rate: 1e7 is not a usable learning rate",
        ),
        (r#"{"preset": "nope"}"#.into(), "unknown preset \"nope\""),
        (
            r#"{"preset": "mazur", "view": {"panels": ["network", "x<script>"]}}"#.into(),
            "view.panels[1]: unknown panel",
        ),
        (
            r#"{"backprop_lab": 99, "preset": "mazur"}"#.into(),
            "format version 99 is not supported",
        ),
    ];
    for (text, want) in cases {
        let e = err(&text);
        assert!(e.contains(want), "message {e:?} should contain {want:?}");
        // The same error in Chinese has no English sentence in it.
        let zh = state::load(&text)
            .unwrap_err()
            .kind
            .render(backprop_lab::lang::Lang::Zh);
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{zh}"
        );
    }
}

#[test]
fn limits_of_depth_and_width_are_enforced() {
    let wide = format!(
        r#"{{"network": {{"layers": [{{"activation": "relu", "weights": {}, "biases": {}}}], "loss": "mse"}}, "input": [1], "target": {}, "learning_rate": 0.1}}"#,
        serde_json::to_string(&vec![vec![0.1]; 65]).unwrap(),
        serde_json::to_string(&vec![0.0; 65]).unwrap(),
        serde_json::to_string(&vec![0.0; 65]).unwrap()
    );
    assert!(err(&wide).contains("65 units, expected 1 to 64"));
    let layer = r#"{"activation": "tanh", "weights": [[0.5]], "biases": [0]}"#;
    let deep = format!(
        r#"{{"network": {{"layers": [{}], "loss": "mse"}}, "input": [1], "target": [0], "learning_rate": 0.1}}"#,
        [layer; 13].join(",")
    );
    assert!(err(&deep).contains("13 layers, expected 1 to 12"));
    let ok = deep.replacen(&format!("{layer},"), "", 1);
    assert!(state::load(&ok).is_ok());
}

/// The page redraws from `page_state()` and `page_matrices(before)`: together they are the
/// API's `state()` without the `weights` and `biases` that repeat `weights_before` or
/// `weights_after`, at every step; `weights_before` only when asked (the page keeps them
/// per revision).
#[test]
fn page_state_and_matrices_are_state_without_the_repeated_parameters() {
    use backprop_lab::json::Value;
    // As the page reads them: a number that is not finite is null, as in JSON.
    let num = |x: &f64| {
        if x.is_finite() {
            Value::Number(*x)
        } else {
            Value::Null
        }
    };
    let mut s = backprop_lab::lab::Session::from_preset("xor").unwrap();
    let sizes = s.trace().pass.net.sizes();
    let revision = s.trace().revision;
    loop {
        let mut full = snapshot(&s);
        let c = s.stepper().cursor();
        let mut page = backprop_lab::json::to_value(&backprop_lab::view::state(
            &s,
            backprop_lab::view::Fields::Frame,
        ));
        let flat = backprop_lab::view::matrices(s.trace(), c, true);
        // Without `before`, each layer's block simply lacks its first matrix.
        let (mut k, mut without) = (0, vec![]);
        for l in 0..sizes.len() - 1 {
            let n = sizes[l] * sizes[l + 1];
            let after = s.trace().shows_update(s.stepper().cursor());
            let block = n * if after { 3 } else { 2 };
            without.extend_from_slice(&flat[k + n..k + block]);
            k += block;
        }
        assert_eq!(backprop_lab::view::matrices(s.trace(), c, false), without);
        // Rebuild the matrices as the page does, then compare with `state()`.
        let mut k = 0;
        let mut take = |rows: usize, cols: usize| -> Vec<Value> {
            (0..rows)
                .map(|_| {
                    k += cols;
                    Value::Array(flat[k - cols..k].iter().map(num).collect())
                })
                .collect()
        };
        let Some(Value::Array(layers)) = page.get("layers").cloned() else {
            panic!()
        };
        let layers: Vec<Value> = layers
            .into_iter()
            .enumerate()
            .map(|(l, mut layer)| {
                let (rows, cols) = (sizes[l + 1], sizes[l]);
                let before = Value::Array(take(rows, cols));
                let shown = |i: usize| match layer.get("grad_rows") {
                    Some(Value::Array(g)) => g[i] == Value::Bool(true),
                    _ => panic!("no grad_rows"),
                };
                let grads: Vec<Value> = take(rows, cols)
                    .into_iter()
                    .enumerate()
                    .map(|(i, row)| if shown(i) { row } else { Value::Null })
                    .collect();
                let after = match layer.get("biases_after") {
                    Some(Value::Null) => Value::Null,
                    _ => Value::Array(take(rows, cols)),
                };
                layer.set("grad_weights", Value::Array(grads));
                layer.set("weights_before", before);
                layer.set("weights_after", after);
                if let Value::Object(f) = &mut layer {
                    f.retain(|(k, _)| k != "grad_rows");
                }
                layer
            })
            .collect();
        assert_eq!(k, flat.len(), "every number used");
        page.set("layers", Value::Array(layers));
        let Some(Value::Array(full_layers)) = full.get("layers").cloned() else {
            panic!()
        };
        let lean: Vec<Value> = full_layers
            .into_iter()
            .map(|mut l| {
                if let Value::Object(f) = &mut l {
                    f.retain(|(k, _)| k != "weights" && k != "biases");
                }
                l
            })
            .collect();
        full.set("layers", Value::Array(lean));
        assert_eq!(sorted(page), sorted(full));
        // Stepping keeps the revision: the page may reuse the parameters it has.
        assert_eq!(s.trace().revision, revision);
        if !s.stepper_mut().next() {
            break;
        }
    }
    s.edit(Edit::weight(0, 0, 0, 0.3)).unwrap();
    assert_ne!(s.trace().revision, revision, "an edit is a new revision");
}

/// An object's fields in name order, at every depth (field order is not meaning).
fn sorted(v: backprop_lab::json::Value) -> backprop_lab::json::Value {
    use backprop_lab::json::Value;
    match v {
        Value::Object(mut f) => {
            f.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(f.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}
