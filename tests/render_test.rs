//! Drawing on plotters' SVG backend: the same code the browser runs on a canvas.

use backprop_lab::activation::Activation;
use backprop_lab::render::{curves, Theme};

fn count(s: &str, pat: &str) -> usize {
    s.matches(pat).count()
}

#[test]
fn curves_draw_both_functions_and_every_mark() {
    let marks = curves::Marks {
        z: vec![-1.0, 0.3775, 2.5],
        selected: Some(1),
    };
    let svg = curves::svg(
        Activation::Sigmoid,
        &marks,
        &curves::labels(Activation::Sigmoid, Some(0), "en"),
        &Theme::light(),
        (640, 400),
    )
    .unwrap();
    assert!(svg.starts_with("<svg"));
    // Two curves (f and f′) as polylines, plus the two legend swatches.
    assert!(count(&svg, "<polyline") >= 2, "{svg}");
    // Each z is marked on f and on f′.
    assert_eq!(count(&svg, "<circle"), 6);
    assert!(svg.contains("Layer 1 activation: sigmoid"));
    // The f curve is in the positive colour, f′ in the negative one.
    assert!(svg.contains("#0072B2") && svg.contains("#D55E00"));
}

#[test]
fn marks_outside_the_range_are_dropped_not_pinned() {
    // z = 1e6 is beyond the widest range (±30): it must not appear on the chart's edge.
    let marks = curves::Marks {
        z: vec![1e6, 0.0],
        selected: None,
    };
    let svg = curves::svg(
        Activation::Tanh,
        &marks,
        &curves::labels(Activation::Tanh, None, "zh"),
        &Theme::dark(),
        (400, 300),
    )
    .unwrap();
    assert_eq!(count(&svg, "<circle"), 2);
    assert!(svg.contains("激活函数"));
}

#[test]
fn every_activation_draws() {
    for act in Activation::ALL {
        let marks = curves::Marks {
            z: vec![-0.5, 0.5, 1.0],
            selected: None,
        };
        let svg = curves::svg(
            act,
            &marks,
            &curves::labels(act, None, "en"),
            &Theme::light(),
            (320, 200),
        )
        .unwrap();
        assert!(count(&svg, "<polyline") >= 2, "{act:?}");
    }
}
