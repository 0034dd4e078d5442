//! Numbers at the edges: each gets a specific message or a named diverged state, and the
//! last good state is kept.

use backprop_lab::lab::{Edit, Session};
use backprop_lab::state;

/// `state()` of the embedding API, as JSON.
fn snapshot(s: &Session) -> backprop_lab::json::Value {
    backprop_lab::json::to_value(&backprop_lab::view::state(
        s,
        backprop_lab::view::Fields::All,
    ))
}

fn mazur_with(field: &str, value: &str) -> String {
    let s = Session::from_preset("mazur").unwrap();
    let text = s.export_state().to_json();
    match field {
        "w" => text.replacen("0.15", value, 1),
        "lr" => text.replacen(
            "\"learning_rate\":0.5",
            &format!("\"learning_rate\":{value}"),
            1,
        ),
        "x" => text.replacen("\"input\":[0.05", &format!("\"input\":[{value}"), 1),
        _ => unreachable!(),
    }
}

#[test]
fn json_edges_are_refused_with_messages() {
    for (field, value, want) in [
        ("w", "NaN", "not valid JSON"),
        ("w", "Infinity", "not valid JSON"),
        ("w", "1e999", "not valid JSON"),
        (
            "w",
            "1e308",
            "network.layers[0].weights[0][0]: 1e308 is out of range (at most ±1e6)",
        ),
        ("w", "-1e308", "is out of range"),
        ("x", "1e308", "input[0]: 1e308 is out of range"),
        (
            "lr",
            "1e7",
            "learning_rate: 1e7 is not a usable learning rate",
        ),
        ("lr", "0", "not a usable learning rate"),
        ("lr", "-1e-300", "not a usable learning rate"),
    ] {
        let e = state::load(&mazur_with(field, value)).expect_err(value);
        assert!(e.to_string().contains(want), "{field}={value}: {e}");
    }
}

#[test]
fn tiny_numbers_are_accepted_and_stay_finite() {
    let s = state::load(&mazur_with("w", "1e-320")).unwrap();
    assert_eq!(s.problem.net.mlp(0).w(0, 0), 1e-320);
    let p = s.problem.pass();
    assert!(p.is_finite());
    let mut s = Session::from_preset("mazur").unwrap();
    s.edit(Edit::LearningRate(1e-300)).unwrap();
    let before = s.saved().problem.net.clone();
    let l = s.train(100).unwrap();
    assert!(l.is_finite());
    assert_eq!(snapshot(&s)["training"]["diverged"], false);
    // Steps of 1e-300 change nothing a double can hold.
    assert_eq!(s.saved().problem.net, before);
}

#[test]
fn huge_learning_rates_diverge_by_name_and_keep_good_weights() {
    // Saturating networks (sigmoid/tanh) may not diverge at all; these do.
    for preset in ["exploding", "relu-regression"] {
        let mut s = Session::from_preset(preset).unwrap();
        s.edit(Edit::LearningRate(1e6)).unwrap();
        s.train(5000).unwrap();
        let st = snapshot(&s);
        assert_eq!(st["training"]["diverged"], true, "{preset}");
        assert_eq!(st["training"]["status"]["state"], "diverged");
        assert!(st["training"]["status"]["step"].as_u64().unwrap() >= 1);
        assert!(
            s.saved().problem.validate().is_ok(),
            "{preset}: kept weights are valid"
        );
        assert!(
            state::load(&s.export_state().to_json()).is_ok(),
            "{preset}: the state still saves and loads"
        );
        // Training stays stopped, stepping still works.
        assert!(!s.train(10).unwrap().is_nan());
        assert!(s.stepper_mut().next());
    }
}

#[test]
fn a_saturating_network_at_a_huge_rate_stays_valid() {
    let mut s = Session::from_preset("xor").unwrap();
    s.edit(Edit::LearningRate(1e6)).unwrap();
    let l = s.train(2000).unwrap();
    assert!(l.is_finite());
    assert!(s.saved().problem.validate().is_ok());
    assert!(state::load(&s.export_state().to_json()).is_ok());
}

#[test]
fn edits_at_the_edges_are_refused_and_change_nothing() {
    let mut s = Session::from_preset("mazur").unwrap();
    let before = s.export_state().to_json();
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e308, -1e7] {
        assert!(s.edit(Edit::weight(0, 0, 0, v)).is_err());
        assert!(s.edit(Edit::bias(1, 1, v)).is_err());
        assert!(s.edit(Edit::Input { index: 0, value: v }).is_err());
        assert!(s.edit(Edit::Target { index: 0, value: v }).is_err());
        assert!(s.edit(Edit::LearningRate(v)).is_err());
    }
    assert!(s.edit(Edit::WeightDecay(-1.0)).is_err());
    assert_eq!(before, s.export_state().to_json());
    s.edit(Edit::weight(0, 0, 0, 1e-320)).unwrap();
    s.edit(Edit::weight(0, 0, 1, 1e6)).unwrap();
    assert!(s.trace().pass.is_finite());
}

/// A refused edit names the parameter as the step texts do (a comma once an index has
/// two digits), so the message matches the formula the student reads.
#[test]
fn refused_edit_names_the_parameter_in_formula_notation() {
    let mut s = Session::from_preset("mazur").unwrap();
    let e = s.edit(Edit::weight(0, 1, 0, f64::NAN)).unwrap_err();
    assert!(
        e.to_string().starts_with("W(1)_21: not a finite number"),
        "{e}"
    );
    let e = s.edit(Edit::weight(0, 11, 0, 1.0)).unwrap_err();
    assert!(
        e.to_string().starts_with("W(1)_12,1: no such weight"),
        "{e}"
    );
    let e = s
        .edit(Edit::Target {
            index: 5,
            value: 1.0,
        })
        .unwrap_err();
    assert!(e.to_string().starts_with("t_6: no such target"), "{e}");
}
