//! The trace: order of steps, what each reveals, and its numbers equal the one-shot pass.

use backprop_lab::pass::Pass;
use backprop_lab::preset;
use backprop_lab::trace::{Granularity, Kind, Phase, Trace};

fn last_number(line: &str) -> f64 {
    line.rsplit(" = ")
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("no number at the end of {line}"))
}

#[test]
fn step_order_follows_the_design() {
    for name in preset::NAMES {
        let p = preset::get(name).unwrap().problem;
        for g in [Granularity::Layer, Granularity::Neuron] {
            let t = Trace::build(p.pass(), g, 4);
            assert_eq!(t.steps[0].phase, Phase::Start);
            assert_eq!(
                t.steps.last().unwrap().kind,
                Kind::Update,
                "{name}: update is always last"
            );
            let phases: Vec<Phase> = t.steps.iter().map(|s| s.phase).collect();
            let mut sorted = phases.clone();
            sorted.sort_by_key(|p| *p as u8);
            assert_eq!(phases, sorted, "{name}: phases in order");
            // Backward walks the layers top down.
            let back: Vec<usize> = t
                .steps
                .iter()
                .filter(|s| s.phase == Phase::Backward)
                .filter_map(|s| s.layer)
                .collect();
            assert!(
                back.windows(2).all(|w| w[0] >= w[1]),
                "{name}: backward top-down"
            );
            if !p.net.is_mlp() {
                // A CNN: each layer forward once in order, then backward from the top.
                let fwd: Vec<usize> = t
                    .steps
                    .iter()
                    .filter(|s| s.phase == Phase::Forward)
                    .filter_map(|s| s.layer)
                    .collect();
                assert!(
                    fwd.windows(2).all(|w| w[0] <= w[1]),
                    "{name}: forward bottom-up"
                );
                assert_eq!(fwd.last(), Some(&(p.net.layers.len() - 1)));
                assert_eq!(back.last(), Some(&0), "{name}: backward ends at layer 1");
                continue;
            }
            // Per neuron: one δ step per unit.
            let deltas = t.steps.iter().filter(|s| s.kind == Kind::Delta).count();
            let units: usize = p.net.mlp_layers().map(|l| l.width()).sum();
            let want = if g == Granularity::Neuron {
                units
            } else {
                p.net.depth()
            };
            assert_eq!(deltas, want);
        }
    }
}

#[test]
fn cursor_reveals_values_exactly_when_written() {
    let p = preset::get("mazur").unwrap().problem;
    for g in [Granularity::Layer, Granularity::Neuron] {
        let t = Trace::build(p.pass(), g, 4);
        let last = t.len() - 1;
        for l in 0..2 {
            for i in 0..2 {
                assert!(!t.shows_z(l, i, 0) && !t.shows_a(l, i, 0) && !t.shows_delta(l, i, 0));
                assert!(
                    t.shows_z(l, i, last) && t.shows_delta(l, i, last) && t.shows_grads(l, i, last)
                );
                // z is shown before a, a before the loss, the loss before δ.
                let first = |f: &dyn Fn(usize) -> bool| (0..=last).find(|&c| f(c)).unwrap();
                let (z, a) = (
                    first(&|c| t.shows_z(l, i, c)),
                    first(&|c| t.shows_a(l, i, c)),
                );
                let (loss, d) = (
                    first(&|c| t.shows_loss(c)),
                    first(&|c| t.shows_delta(l, i, c)),
                );
                assert!(z < a && a < loss && loss < d);
            }
        }
        assert!(!t.shows_update(last - 1) && t.shows_update(last));
    }
}

#[test]
fn step_texts_carry_the_one_shot_numbers() {
    // The fully connected presets (a CNN's texts are tested in cnn_text_test).
    for name in preset::NAMES {
        let problem = preset::get(name).unwrap().problem;
        if !problem.net.is_mlp() {
            continue;
        }
        let pass = Pass::run(
            &problem.net,
            &problem.input,
            &problem.target,
            problem.rule(),
        );
        let t = Trace::build(pass.clone(), Granularity::Neuron, 17);
        for (k, s) in t.steps.iter().enumerate() {
            let (Some(l), Some(i)) = (s.layer, s.neuron) else {
                continue;
            };
            let lines = &t.text(k).plain.numbers;
            let (got, want) = match s.kind {
                Kind::WeightedSum => (last_number(&lines[0]), pass.z(l)[i]),
                Kind::Activation => (last_number(&lines[0]), pass.a(l)[i]),
                Kind::Delta => (last_number(lines.last().unwrap()), pass.delta(l)[i]),
                Kind::Gradients => (last_number(lines.last().unwrap()), pass.grad_b(l)[i]),
                _ => continue,
            };
            assert!(
                (got - want).abs() <= 1e-15 * want.abs().max(1e-300) + 1e-300,
                "{name} step {}: {got} vs {want}",
                s.label
            );
        }
        assert_eq!(
            last_number(t.text(t.len() - 1).plain.numbers.last().unwrap()),
            pass.loss_after
        );
    }
}

#[test]
fn texts_written_on_demand_equal_the_eager_ones() {
    // A text asked for alone is the same as the one written in a full pass over all steps.
    let p = preset::get("mazur").unwrap().problem;
    let a = Trace::build(p.pass(), Granularity::Neuron, 6);
    let all: Vec<_> = (0..a.len()).map(|k| a.text(k).clone()).collect();
    let b = Trace::build(p.pass(), Granularity::Neuron, 6);
    for k in (0..b.len()).rev() {
        assert_eq!(b.text(k), &all[k], "step {k}");
    }
    assert_ne!(all[1], all[2]);
}

#[test]
fn granularities_share_one_pass() {
    let p = preset::get("softmax-3class").unwrap().problem;
    let a = Trace::build(p.pass(), Granularity::Layer, 4);
    let b = Trace::build(p.pass(), Granularity::Neuron, 4);
    assert_eq!(a.pass, b.pass);
    assert!(b.len() > a.len());
}

#[test]
fn tex_and_plain_have_the_same_lines() {
    let t = Trace::build(
        preset::get("mazur").unwrap().problem.pass(),
        Granularity::Layer,
        4,
    );
    for k in 0..t.len() {
        let text = t.text(k);
        assert_eq!(text.plain.numbers.len(), text.tex.numbers.len());
        assert!(
            text.tex.numbers.iter().all(|l| !l.contains('·')),
            "TeX uses \\cdot"
        );
        assert!(!text.title.zh.is_empty() && text.title.zh != text.title.en);
    }
}

#[test]
fn mazur_frozen_bias_matches_standard_backprop() {
    let p = preset::get("mazur-frozen-bias").unwrap();
    let pass = p.problem.pass();
    assert!(
        (pass.loss_after - 0.291027774).abs() < 5e-10,
        "{}",
        pass.loss_after
    );
    assert_eq!(pass.updated.mlp(0).biases(), pass.net.mlp(0).biases());
    assert!(p.description.en.contains("0.291027924"));
}

/// The page asks for the first lines of a big step only: the brief text is the full
/// text cut short (the update keeps the new loss on top), its TeX (which the page
/// typesets) line for line with its plain text, and says when it was cut.
#[test]
fn brief_text_is_the_full_text_cut_short() {
    use backprop_lab::activation::Activation;
    use backprop_lab::network::{MlpSpec as Network, MlpSpecLayer as Layer};
    let mazur = Trace::build(
        backprop_lab::preset::get("mazur").unwrap().problem.pass(),
        Granularity::Layer,
        4,
    );
    for i in 0..mazur.len() {
        let (brief, more) = mazur.brief_text(i, 24);
        assert!(!more, "step {i} of Mazur has no more than 24 lines");
        let full = mazur.text(i);
        assert_eq!(
            (&brief.title, &brief.note, &brief.plain),
            (&full.title, &full.note, &full.plain),
            "step {i}"
        );
        assert_eq!(brief.tex, full.tex, "step {i}: the page typesets the TeX");
    }
    let mut p = backprop_lab::preset::get("mazur").unwrap().problem;
    let layer = |w: usize, fan: usize| Layer {
        weights: (0..w)
            .map(|i| {
                (0..fan)
                    .map(|j| ((i * 7 + j * 3) % 11) as f64 / 20.0 - 0.25)
                    .collect()
            })
            .collect(),
        biases: vec![0.1; w],
        activation: Activation::Tanh,
    };
    p.net = Network {
        layers: vec![layer(16, 2), layer(16, 16), layer(2, 16)],
        loss: p.net.loss,
    }
    .into_net();
    let t = Trace::build(p.pass(), Granularity::Layer, 4);
    let last = t.len() - 1;
    for i in [last - 1, last] {
        let (brief, more) = t.brief_text(i, 24);
        let full = t.text(i);
        assert!(more, "step {i} has more than 24 lines");
        assert_eq!(
            brief.tex.numbers.len(),
            24,
            "the TeX is cut as the plain text"
        );
        assert_eq!(brief.tex.symbols.len(), brief.plain.symbols.len());
        assert_eq!(brief.tex.numbers[0].starts_with("L^{+}"), i == last);
        let (b, f) = (&brief.plain, &full.plain);
        assert_eq!(b.numbers.len(), 24);
        let kept: Vec<_> = b.numbers.iter().filter(|l| f.numbers.contains(l)).collect();
        assert_eq!(
            kept.len(),
            24,
            "every brief line is a line of the full text"
        );
    }
    let (update, _) = t.brief_text(last, 24);
    assert!(
        update.plain.numbers[0].starts_with("L⁺ = "),
        "{:?}",
        update.plain.numbers[0]
    );
}
