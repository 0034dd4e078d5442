//! The CNN lab's training run: `cnn-strokes` learns its pictures, the fully connected
//! network beside it trains update for update and does worse with about as many
//! parameters, the pictures survive a saved state, and bad image specs are refused.
use backprop_lab::images;
use backprop_lab::lab::{Change, Session};
use backprop_lab::lang::Lang;
use backprop_lab::metric;
use backprop_lab::state::{self, Data};
use backprop_lab::view::{self, Fields};

#[test]
fn the_cnn_learns_strokes_and_beats_its_fully_connected_rival() {
    let mut s = Session::from_preset("cnn-strokes").unwrap();
    assert!(matches!(s.saved().dataset, Some(Data::Images(_))));
    let params: usize = s.saved().problem.net.param_counts().iter().sum();
    assert_eq!(params, 151);
    let (train, test) = (
        s.workbench().data().train.len(),
        s.workbench().data().test.len(),
    );
    assert_eq!((train, test), (300, 300));
    // Online SGD: 3 000 examples, ten epochs.
    let mut reached = None;
    for k in 1..=30 {
        s.train(100).unwrap();
        let (_, acc) = metric::accuracies(s.workbench().trainer().unwrap());
        if reached.is_none() && acc.unwrap() >= 0.9 {
            reached = Some(k * 100);
        }
    }
    let cnn = s.workbench().trainer().unwrap();
    let rival = s.workbench().rival().expect("the rival trains beside it");
    assert_eq!(
        (cnn.updates, rival.updates),
        (3000, 3000),
        "update for update"
    );
    assert_eq!(rival.net.sizes(), vec![64, images::RIVAL_HIDDEN, 3]);
    assert_eq!(rival.net.param_counts().iter().sum::<usize>(), 139);
    let (_, cnn_test) = metric::accuracies(cnn);
    let (_, rival_test) = metric::accuracies(rival);
    let (cnn_test, rival_test) = (cnn_test.unwrap(), rival_test.unwrap());
    println!("cnn-strokes: 90 % test after {reached:?} examples; after 3 000: cnn {cnn_test}, mlp {rival_test}");
    assert!(reached.is_some_and(|n| n <= 1500), "{reached:?}");
    assert!(cnn_test >= 0.93, "{cnn_test}");
    assert!(
        cnn_test > rival_test + 0.1,
        "cnn {cnn_test}, mlp {rival_test}"
    );

    // The state names both, as the page shows them.
    let json = backprop_lab::json::to_value(&view::state(&s, Fields::All)).to_string();
    let v = backprop_lab::json::parse(&json).unwrap();
    let tr = v.get("training").unwrap();
    let r = tr.get("rival").unwrap();
    assert_eq!(r.get("params").unwrap().as_f64(), Some(139.0));
    assert_eq!(r.get("net_params").unwrap().as_f64(), Some(151.0));
    assert_eq!(r.get("test_accuracy").unwrap().as_f64(), Some(rival_test));
    assert_eq!(tr.get("test_accuracy").unwrap().as_f64(), Some(cnn_test));
}

#[test]
fn pictures_survive_a_saved_state_and_new_weights_redraw_the_cnn() {
    let mut s = Session::from_preset("cnn-strokes").unwrap();
    s.train(50).unwrap();
    let text = s.export_state().to_json();
    assert!(text.contains(r#""images":"strokes""#), "{text}");
    let back = Session::new(state::load(&text).unwrap()).unwrap();
    assert_eq!(back.saved().dataset, s.saved().dataset);
    assert_eq!(back.workbench().data(), s.workbench().data());
    assert_eq!(back.saved().problem.net, s.saved().problem.net);

    let before = s.saved().problem.net.clone();
    s.change(Change::NewWeights).unwrap();
    assert_ne!(s.saved().problem.net, before);
    assert_eq!(s.saved().problem.net, images::cnn(s.saved().training.seed));
    assert!(s.workbench().rival().is_none(), "a new run for both");
    // A CNN keeps its layers: no reshaping, no other dataset.
    assert!(s.change(Change::AddLayer).is_err());
}

#[test]
fn a_bad_image_spec_is_refused_with_what_is_wrong() {
    let good = Session::from_preset("cnn-strokes")
        .unwrap()
        .export_state()
        .to_json();
    let bad = |from: &str, to: &str, lang: Lang| {
        let text = good.replacen(from, to, 1);
        assert_ne!(text, good, "{from}");
        state::load(&text).unwrap_err().render(lang)
    };
    let m = bad(r#""images":"strokes""#, r#""images":"circles""#, Lang::En);
    assert!(m.contains("dataset.images") && m.contains("strokes"), "{m}");
    let m = bad(r#""noise":0.3"#, r#""noise":3"#, Lang::En);
    assert!(m.contains("dataset.noise"), "{m}");
    // Pictures for a network that does not take them.
    let on_mazur = Session::from_preset("mazur")
        .unwrap()
        .export_state()
        .to_json()
        .replacen(
            r#""backprop_lab":1"#,
            r#""backprop_lab":1,"dataset":{"images":"strokes","points":30,"noise":0,"test_fraction":0.5,"seed":1}"#,
            1,
        );
    let e = state::load(&on_mazur).unwrap_err();
    assert!(
        e.render(Lang::En).contains("[1, 8, 8]"),
        "{}",
        e.render(Lang::En)
    );
    assert!(
        e.render(Lang::Zh).contains("8×8 图像"),
        "{}",
        e.render(Lang::Zh)
    );
}
