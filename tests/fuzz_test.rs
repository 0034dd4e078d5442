//! Fuzzing the two ways in: loading (any text, and mutations of valid states) and random
//! sequences of edits and steps on a session. Nothing may panic; every failure is a
//! message; a session stays consistent. `cargo test` runs a short round; `make fuzz`
//! runs for FUZZ_SECONDS (600 by default) and prints how many cases ran.
// proptest is a native-only dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use backprop_lab::activation::Activation;
use backprop_lab::dataset::{Kind, Spec};
use backprop_lab::error::Error;
use backprop_lab::json::to_value;
use backprop_lab::lab::workbench::split;
use backprop_lab::lab::{Change, Edit, Session};
use backprop_lab::state;
use backprop_lab::trace::Granularity;
use backprop_lab::view::{self, Fields};
use backprop_lab::vocab::Named;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

/// An error says what is wrong in English and in Chinese (the Chinese text has Chinese
/// in it: no message is English only).
fn speaks_both(e: &Error) -> bool {
    use backprop_lab::lang::Lang;
    let zh = e.kind.render(Lang::Zh);
    !e.render(Lang::En).is_empty() && zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// `state()` of the embedding API, as JSON.
fn snapshot(s: &Session) -> backprop_lab::json::Value {
    to_value(&view::state(s, Fields::All))
}
use std::time::{Duration, Instant};

/// Numbers users throw at the page, edges included.
fn wild_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        -3.0f64..3.0,
        Just(0.0),
        Just(-0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(1e308),
        Just(-1e308),
        Just(1e-320),
        Just(1e6),
        Just(1e-300),
        any::<f64>(),
    ]
}

/// A JSON value that may stand where a number should.
fn wild_json() -> impl Strategy<Value = Value> {
    prop_oneof![
        wild_number()
            .prop_map(|x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)),
        Just(Value::Null),
        Just(json!("abc")),
        Just(json!("<script>alert(1)</script>")),
        Just(json!([])),
        Just(json!({})),
        Just(json!(true)),
        any::<i64>().prop_map(|n| json!(n)),
    ]
}

/// A valid state, then one field somewhere replaced by something wild.
fn mutated_state() -> impl Strategy<Value = String> {
    let presets = proptest::sample::select(backprop_lab::preset::NAMES.to_vec());
    (presets, any::<u64>(), wild_json(), 0usize..12).prop_map(|(name, pick, wild, depth)| {
        let s = Session::from_preset(name).unwrap();
        let mut v: Value = serde_json::from_str(&s.export_state().to_json()).unwrap();
        // Walk down `depth` levels choosing children by `pick`, then replace.
        let mut path = String::new();
        let mut p = pick;
        for _ in 0..depth {
            let node = v.pointer(&path).unwrap();
            let key = match node {
                Value::Object(m) if !m.is_empty() => m
                    .keys()
                    .nth((p % m.len() as u64) as usize)
                    .cloned()
                    .unwrap(),
                Value::Array(a) if !a.is_empty() => ((p % a.len() as u64) as usize).to_string(),
                _ => break,
            };
            path = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
            p /= 7;
        }
        let node = v.pointer_mut(&path).unwrap();
        *node = wild;
        v.to_string()
    })
}

/// One thing a user (or a host page) can do.
#[derive(Clone, Debug)]
enum Op {
    Next,
    Prev,
    Seek(usize),
    Weight(usize, usize, usize, f64),
    Bias(usize, usize, f64),
    Input(usize, f64),
    Target(usize, f64),
    Rate(f64),
    Activation(usize, &'static str),
    Granularity(&'static str),
    AddLayer,
    RemoveLayer,
    Resize(usize, i32),
    Dataset(&'static str, usize, f64, f64),
    Train(u64),
    Batch(usize),
    Decay(f64),
    NewWeights,
    Reset,
    Load(String),
    Preset(&'static str),
}

fn op() -> impl Strategy<Value = Op> {
    let acts = proptest::sample::select(vec![
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "linear",
        "softmax",
        "swish",
    ]);
    let kinds = proptest::sample::select(vec![
        "xor",
        "circle",
        "gaussians",
        "spiral",
        "plane",
        "gaussian_sum",
        "xor_table",
        "sine",
        "moons",
    ]);
    let presets = proptest::sample::select(vec![
        "mazur",
        "xor",
        "softmax-3class",
        "vanishing",
        "exploding",
        "nope",
    ]);
    prop_oneof![
        Just(Op::Next),
        Just(Op::Prev),
        (0usize..80).prop_map(Op::Seek),
        (0usize..10, 0usize..20, 0usize..20, wild_number())
            .prop_map(|(l, i, j, v)| Op::Weight(l, i, j, v)),
        (0usize..10, 0usize..20, wild_number()).prop_map(|(l, i, v)| Op::Bias(l, i, v)),
        (0usize..4, wild_number()).prop_map(|(j, v)| Op::Input(j, v)),
        (0usize..4, wild_number()).prop_map(|(i, v)| Op::Target(i, v)),
        wild_number().prop_map(Op::Rate),
        (0usize..10, acts).prop_map(|(l, a)| Op::Activation(l, a)),
        proptest::sample::select(vec!["layer", "neuron", "unit"]).prop_map(Op::Granularity),
        Just(Op::AddLayer),
        Just(Op::RemoveLayer),
        (0usize..10, -2i32..3).prop_map(|(l, d)| Op::Resize(l, d)),
        (kinds, 0usize..300, -0.5f64..1.5, -0.5f64..1.0)
            .prop_map(|(k, n, noise, t)| Op::Dataset(k, n, noise, t)),
        (0u64..200).prop_map(Op::Train),
        (0usize..40).prop_map(Op::Batch),
        wild_number().prop_map(Op::Decay),
        Just(Op::NewWeights),
        Just(Op::Reset),
        mutated_state().prop_map(Op::Load),
        ".{0,40}".prop_map(Op::Load),
        presets.prop_map(Op::Preset),
    ]
}

fn apply(s: &mut Session, op: &Op) -> Result<(), Error> {
    match op {
        Op::Next => {
            s.stepper_mut().next();
            Ok(())
        }
        Op::Prev => {
            s.stepper_mut().prev();
            Ok(())
        }
        Op::Seek(i) => s.stepper_mut().seek(*i),
        Op::Weight(l, i, j, v) => s.edit(Edit::weight(*l, *i, *j, *v)),
        Op::Bias(l, i, v) => s.edit(Edit::bias(*l, *i, *v)),
        Op::Input(j, v) => s.edit(Edit::Input {
            index: *j,
            value: *v,
        }),
        Op::Target(i, v) => s.edit(Edit::Target {
            index: *i,
            value: *v,
        }),
        Op::Rate(v) => s.edit(Edit::LearningRate(*v)),
        Op::Activation(l, a) => s.edit(Edit::Activation {
            layer: *l,
            activation: Activation::parse(a)?,
        }),
        Op::Granularity(g) => Granularity::parse(g).map(|g| s.set_granularity(g)),
        Op::AddLayer => s.change(Change::AddLayer),
        Op::RemoveLayer => s.change(Change::RemoveLayer),
        Op::Resize(l, d) => s.change(Change::Resize {
            layer: *l,
            delta: *d,
        }),
        Op::Dataset(k, n, noise, t) => Kind::parse(k).and_then(|kind| {
            s.change(Change::Dataset(Spec {
                kind,
                points: *n,
                noise: *noise,
                test_fraction: *t,
                seed: 3,
                features: backprop_lab::feature::raw(kind.inputs()).to_vec(),
            }))
        }),
        Op::Train(n) => s.train(*n).map(|_| ()),
        Op::Batch(n) => s.change(Change::BatchSize(*n)),
        Op::Decay(v) => s.edit(Edit::WeightDecay(*v)),
        Op::NewWeights => s.change(Change::NewWeights),
        Op::Reset => s.change(Change::ResetWeights),
        Op::Load(text) => s.load(text),
        Op::Preset(p) => s.load_preset(p),
    }
}

/// The session is consistent: cursor in range, the trace is of the current network,
/// state() and export work, and the export loads back.
fn check(s: &Session) -> Result<(), TestCaseError> {
    prop_assert!(s.stepper().cursor() < s.stepper().len());
    prop_assert_eq!(&s.trace().pass.net, &s.saved().problem.net);
    prop_assert!(s.saved().problem.validate().is_ok());
    let v = snapshot(s);
    prop_assert!(v["layers"].is_array());
    // The page's redraw: its matrices hold as many numbers as the layers' shapes say.
    let frame = to_value(&view::state(s, Fields::Frame));
    prop_assert!(frame["layers"].is_array());
    let sizes = s.trace().pass.net.sizes();
    // A CNN's state nests its parameters: the page's frame sends no matrices for it.
    let weights: usize = if s.trace().pass.net.is_mlp() {
        sizes.windows(2).map(|w| w[0] * w[1]).sum()
    } else {
        0
    };
    let c = s.stepper().cursor();
    let blocks = if s.trace().shows_update(c) { 3 } else { 2 };
    prop_assert_eq!(view::matrices(s.trace(), c, true).len(), weights * blocks);
    prop_assert_eq!(
        view::matrices(s.trace(), c, false).len(),
        weights * (blocks - 1)
    );
    // The page draws from the workbench's copy of the data: it is the saved state's.
    let saved = split(s.saved(), &s.saved().problem).unwrap();
    prop_assert!(*s.workbench().data() == saved);
    let text = s.export_state().to_json();
    prop_assert!(
        state::load(&text).is_ok(),
        "export does not load back: {}",
        text
    );
    Ok(())
}

/// A runner of `cases` cases that keeps no failure file.
fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn runs(cases: u32, seconds: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut total = 0u64;
    loop {
        runner(cases)
            .run(
                &prop_oneof![mutated_state(), ".{0,200}", "\\PC{0,200}"],
                |text| {
                    // Loading anything: Ok and consistent, or a message.
                    match state::load(&text) {
                        Ok(s) => prop_assert!(s.problem.validate().is_ok()),
                        Err(e) => prop_assert!(speaks_both(&e), "{}", e),
                    }
                    Ok(())
                },
            )
            .unwrap();
        runner(cases)
            .run(
                &(
                    proptest::sample::select(backprop_lab::preset::NAMES.to_vec()),
                    proptest::collection::vec(op(), 1..25),
                ),
                |(name, ops)| {
                    let mut s = Session::from_preset(name).unwrap();
                    for op in &ops {
                        let before = s.export_state().to_json();
                        if let Err(e) = apply(&mut s, op) {
                            prop_assert!(speaks_both(&e), "{}", e);
                            // A refused edit or load changes nothing.
                            if !matches!(op, Op::Train(_)) {
                                prop_assert_eq!(
                                    &before,
                                    &s.export_state().to_json(),
                                    "{:?} failed ({}) but changed the state",
                                    op,
                                    e
                                );
                            }
                        }
                        check(&s)?;
                    }
                    Ok(())
                },
            )
            .unwrap();
        total += 2 * cases as u64;
        if Instant::now() >= deadline {
            return total;
        }
    }
}

#[test]
fn fuzz_short_round() {
    runs(64, 0);
}

/// `make fuzz`: FUZZ_SECONDS of the same, with the count printed.
#[test]
#[ignore]
fn fuzz_long() {
    let seconds = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let started = Instant::now();
    let n = runs(500, seconds);
    println!(
        "fuzz: {n} cases in {:.0} s, no panic, every failure a message",
        started.elapsed().as_secs_f64()
    );
}
