//! Input features through the whole lab: a dataset on features re-creates the input
//! layer, the split keeps each example's raw point, the network view labels the input
//! units with the features' formulas and draws each feature's map over the raw plane,
//! `state().training` reports accuracy (or R²) of the current weights, and the loss
//! curve draws it beside the loss.

use backprop_lab::dataset::{Kind, Spec};
use backprop_lab::feature::{self, Feature, Feature::*};
use backprop_lab::json::{to_value, Value};
use backprop_lab::lab::{Change, Session};
use backprop_lab::metric;
use backprop_lab::render::frame::{self, Options, View};
use backprop_lab::train;
use backprop_lab::view::{self, Fields};

/// The texts of an SVG picture, each trimmed.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            Some(
                t.split_once('>')?
                    .1
                    .split_once("</text>")?
                    .0
                    .trim()
                    .to_string(),
            )
        })
        .collect()
}

fn state(s: &Session) -> Value {
    to_value(&view::state(s, Fields::All))
}

/// data-spiral with the features `fs` instead of x₁, x₂.
fn spiral_on(fs: &[Feature]) -> Session {
    let mut s = Session::from_preset("data-spiral").unwrap();
    let mut spec = Spec::new(Kind::Spiral, 500, 0.0, 0.5, 1);
    spec.features = feature::normalise(fs);
    s.change(Change::Dataset(spec)).unwrap();
    s
}

#[test]
fn features_re_create_the_input_layer_and_the_split_keeps_the_points() {
    let s = spiral_on(&[SinX2, X1, X2, SinX1]);
    let net = &s.saved().problem.net;
    assert_eq!(
        net.sizes(),
        vec![4, 12, 12, 12, 1],
        "one input unit per feature"
    );
    let d = s.workbench().data();
    assert_eq!((d.train.len(), d.test.len()), (250, 250));
    assert_eq!(d.train_points.len(), 250);
    for (x, p) in d.train.inputs.iter().chain(&d.test.inputs).zip(d.points()) {
        // TFP's order: x₁, x₂, sin x₁, sin x₂, whatever order they were chosen in.
        assert_eq!(x, &vec![p[0], p[1], p[0].sin(), p[1].sin()]);
    }
    assert!(d.train_labels.iter().all(|&l| l == 0.0 || l == 1.0));
    // The example stepped through is the first training point's features.
    assert_eq!(s.saved().problem.input, d.train.inputs[0]);
    let src = s
        .trace()
        .source()
        .expect("inputs on features have a source");
    assert_eq!(
        src.point,
        Some([d.train_points[0][0], d.train_points[0][1]])
    );
    // The same features in another order change nothing; fewer reshape again.
    let mut t = spiral_on(&[X1, X2, SinX1, SinX2]);
    assert_eq!(t.saved().problem.net, s.saved().problem.net);
    let mut spec = Spec::new(Kind::Spiral, 500, 0.0, 0.5, 1);
    spec.features = vec![X1X2];
    t.change(Change::Dataset(spec)).unwrap();
    assert_eq!(t.saved().problem.net.inputs(), 1);
    // No features, or x₂ on a 1-D set, is refused with a message; nothing changes.
    let before = state(&t);
    for (kind, fs) in [(Kind::Spiral, vec![]), (Kind::Sine, vec![X1, SinX2])] {
        let mut spec = Spec::new(kind, 100, 0.0, 0.5, 1);
        spec.features = fs;
        let e = t.change(Change::Dataset(spec)).unwrap_err().to_string();
        assert!(e.contains("features"), "{e}");
    }
    assert_eq!(state(&t), before);
}

#[test]
fn the_network_view_labels_inputs_by_their_formulas_and_maps_them() {
    let s = spiral_on(&[X1, X1Sq, SinX2]);
    let o = Options {
        unit_maps: true,
        ..Options::default()
    };
    let svg = texts(&frame::svg(&s, View::Network, (900, 500), &o).unwrap());
    for label in ["x₁", "x₁²", "sin x₂"] {
        assert!(
            svg.contains(&label.to_string()),
            "{label} in the network view: {svg:?}"
        );
    }
    assert!(!svg.contains(&"x1".to_string()), "no raw label");
    // One map per unit, the three inputs' included, at the start step.
    let pic = frame::picture(&s, View::Network, (900.0, 500.0), &o, None).unwrap();
    let units: usize = s.saved().problem.net.sizes().iter().sum();
    assert_eq!(pic.patches.iter().filter(|p| p.on_top).count(), units);
    // The raw inputs keep their labels.
    let raw = Session::from_preset("data-spiral").unwrap();
    let svg = texts(&frame::svg(&raw, View::Network, (900, 500), &o).unwrap());
    assert!(svg.contains(&"x1".to_string()) && svg.contains(&"x2".to_string()));
}

#[test]
fn training_reports_accuracy_or_r2_of_the_current_weights() {
    let mut s = Session::from_preset("data-gaussians").unwrap();
    let tr = &state(&s)["training"];
    let (a0, t0) = (
        tr["train_accuracy"].as_f64().unwrap(),
        tr["test_accuracy"].as_f64().unwrap(),
    );
    assert!(tr["train_r2"].is_null() && tr["test_r2"].is_null());
    s.train(300).unwrap();
    let tr = &state(&s)["training"];
    let (a1, t1) = (
        tr["train_accuracy"].as_f64().unwrap(),
        tr["test_accuracy"].as_f64().unwrap(),
    );
    let t = s.workbench().trainer().unwrap();
    assert_eq!(
        metric::accuracies(t),
        (Some(a1), Some(t1)),
        "current after train(n)"
    );
    assert!(t1 > 0.9 && (a1, t1) != (a0, t0), "{a0} {t0} -> {a1} {t1}");
    let mut r = Session::from_preset("data-plane").unwrap();
    r.train(200).unwrap();
    let tr = &state(&r)["training"];
    assert!(tr["train_accuracy"].is_null() && tr["test_accuracy"].is_null());
    let r2 = tr["test_r2"].as_f64().unwrap();
    assert_eq!(
        Some(r2),
        metric::r_squareds(r.workbench().trainer().unwrap()).1
    );
    // Without a dataset there is nothing to score.
    let m = Session::from_preset("mazur").unwrap();
    assert!(state(&m)["training"]["train_accuracy"].is_null());
}

#[test]
fn one_pass_gives_the_loss_bit_for_bit_and_the_score() {
    let mut s = Session::from_preset("data-circle").unwrap();
    s.train(500).unwrap();
    let t = s.workbench().trainer().unwrap();
    let mut ws = Default::default();
    let (loss, acc) = metric::evaluate(&t.net, &t.test, &mut ws);
    assert_eq!(
        loss.to_bits(),
        train::dataset_loss(&t.net, &t.test).to_bits()
    );
    assert_eq!(acc, metric::accuracy(&t.net, &t.test));
    // The history records the scores point for point beside the loss.
    assert_eq!(t.scores.points.len(), t.history.points.len());
    assert!(t.scores.points.iter().all(|p| (0.0..=1.0).contains(&p.1)));
    let svg = texts(&frame::svg(&s, View::Loss, (600, 300), &Options::default()).unwrap());
    let has = |t: &str| svg.iter().any(|s| s == t);
    assert!(
        has("accuracy") && has("100 %") && has("0 %"),
        "the right axis: {svg:?}"
    );
    let last = t.scores.points.last().unwrap().1 * 100.0;
    let shown = format!("· {} %", backprop_lab::number::fmt(last, 3));
    assert!(
        svg.iter()
            .any(|s| s.starts_with("train ") && s.ends_with(&shown)),
        "{shown}: {svg:?}"
    );
    // The loss's own labels are not repeated on the right (0.0 is on both axes).
    let labels = svg.iter().filter(|s| *s == "0.2").count();
    assert_eq!(labels, 1, "{svg:?}");
}

#[test]
fn the_vocabulary_lists_the_features_with_their_formulas() {
    let v = to_value(&view::vocabulary());
    let fs = v["features"].as_array().unwrap();
    assert_eq!(fs.len(), 7);
    assert_eq!(fs[2]["name"], "x1_sq");
    assert_eq!(fs[2]["formula"], "x₁²");
    assert_eq!(fs[6]["uses_x2"], true);
    assert_eq!(fs[5]["uses_x2"], false);
}
