//! Drawing on plotters' SVG backend: the same code the browser runs on a canvas.

use backprop_lab::activation::Activation;
use backprop_lab::lang::Lang;
use backprop_lab::render::{curves, Theme};
use backprop_lab::vocab::Named;

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
        &curves::labels(Activation::Sigmoid, Some(0), Lang::En),
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
        &curves::labels(Activation::Tanh, None, Lang::Zh),
        &Theme::dark(),
        (400, 300),
    )
    .unwrap();
    assert_eq!(count(&svg, "<circle"), 2);
    assert!(svg.contains("激活函数"));
}

#[test]
fn every_activation_draws() {
    for &act in Activation::ALL {
        let marks = curves::Marks {
            z: vec![-0.5, 0.5, 1.0],
            selected: None,
        };
        let svg = curves::svg(
            act,
            &marks,
            &curves::labels(act, None, Lang::En),
            &Theme::light(),
            (320, 200),
        )
        .unwrap();
        assert!(count(&svg, "<polyline") >= 2, "{act:?}");
    }
}

#[test]
fn network_view_reveals_values_step_by_step() {
    use backprop_lab::render::network;
    use backprop_lab::trace::{Granularity, Trace};
    let t = Trace::build(
        backprop_lab::preset::get("mazur").unwrap().problem.pass(),
        Granularity::Layer,
        4,
    );
    let start = network::svg(&t, 0, None, &Theme::light(), Lang::En, (800, 450)).unwrap();
    let end = network::svg(&t, t.len() - 1, None, &Theme::light(), Lang::En, (800, 450)).unwrap();
    // Inputs: a background disc, a fill and a ring each; units not reached yet: no fill.
    assert_eq!(count(&start, "<circle"), 2 * 3 + 4 * 2);
    assert!(
        !start.contains("0.5933") && !start.contains("L = "),
        "nothing computed is shown at step 0"
    );
    assert!(
        end.contains("δ 0.138") && end.contains("L = 0.2984") && end.contains("after 0.2805"),
        "{end}"
    );
    // At the end the edges show the updated weight and its gradient.
    assert!(
        end.contains("\n0.359\n") && end.contains("\n∂0.0822\n"),
        "{end}"
    );
}

#[test]
fn graph_view_marks_the_sum_over_paths() {
    use backprop_lab::render::graph;
    use backprop_lab::trace::{Granularity, Trace};
    let t = Trace::build(
        backprop_lab::preset::get("mazur").unwrap().problem.pass(),
        Granularity::Layer,
        4,
    );
    let fwd = graph::svg(&t, 4, &Theme::light(), Lang::En, 1200).unwrap();
    let back = graph::svg(&t, t.len() - 2, &Theme::light(), Lang::En, 1200).unwrap();
    assert!(fwd.contains("z(2)") && fwd.contains("[0.751, 0.773]") && !fwd.contains("Σₖ"));
    assert!(
        back.contains("Σₖ [0.0364, 0.0414]"),
        "∂L/∂a(1) as the sum over the units above"
    );
    assert!(back.contains("δ [0.138, -0.0381]"));
    assert_eq!(graph::rows(2, 1200.0), 1);
    assert!(graph::rows(7, 800.0) > 2);
}

/// The network view groups its edges by style, so the canvas replay strokes each style
/// once: a 2-16-16-1 net's 288 edges must come out as one run per distinct style.
#[test]
fn network_edges_come_grouped_by_style() {
    use backprop_lab::network::{MlpSpec as Network, MlpSpecLayer as Layer};
    use backprop_lab::render::layout::layout;
    use backprop_lab::render::network;
    use backprop_lab::render::recorder::{record, Op};
    use backprop_lab::trace::{Granularity, Trace};
    let mut p = backprop_lab::preset::get("mazur").unwrap().problem;
    let mut seed = 7u64;
    let mut rand = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    let sizes = [2usize, 16, 16, 1];
    p.net = Network {
        layers: sizes
            .windows(2)
            .map(|w| Layer {
                weights: (0..w[1])
                    .map(|_| (0..w[0]).map(|_| rand()).collect())
                    .collect(),
                biases: vec![0.0; w[1]],
                activation: Activation::Tanh,
            })
            .collect(),
        loss: p.net.loss,
    }
    .into_net();
    p.target = vec![0.5];
    let t = Trace::build(p.pass(), Granularity::Layer, 4);
    let theme = Theme::light();
    let lay = layout(&t.pass.net.sizes(), 1200.0, 800.0, 1.0);
    let ops = record((1200, 800), None, |root| {
        network::draw(root, &t, t.len() - 2, None, &lay, &theme, Lang::En, false)
    })
    .unwrap();
    let edges: Vec<_> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Path(pts, s) if pts.len() == 2 => Some(*s),
            _ => None,
        })
        .collect();
    assert_eq!(edges.len(), 2 * 16 + 16 * 16 + 16);
    let runs = 1 + edges.windows(2).filter(|w| w[0] != w[1]).count();
    let mut styles: Vec<String> = edges.iter().map(|s| format!("{s:?}")).collect();
    styles.sort();
    styles.dedup();
    assert_eq!(runs, styles.len(), "each style is one run");
    assert!(
        runs < edges.len() / 3,
        "{runs} runs for {} edges",
        edges.len()
    );
}
