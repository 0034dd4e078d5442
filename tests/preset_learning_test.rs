//! Each data-* preset, loaded as the page loads it, reaches its target: 95 % test accuracy
//! (R² ≥ 0.95 for a regression; 90 % for the spiral) within its budget of examples.
use backprop_lab::lab::Session;
use backprop_lab::metric;

fn reach(name: &str, target: f64, budget: u64) -> u64 {
    let mut s = Session::from_preset(name).unwrap();
    assert_eq!(s.saved().training.batch_size, 10);
    let regression =
        s.saved().problem.net.output_activation() == backprop_lab::activation::Activation::Linear;
    loop {
        s.train(100).unwrap(); // 1 000 examples
        let t = s.workbench().trainer().unwrap();
        let acc = if regression {
            metric::r_squareds(t).1
        } else {
            metric::accuracies(t).1
        }
        .unwrap();
        if acc >= target {
            return t.examples;
        }
        assert!(t.examples < budget, "{name}: {acc} after {}", t.examples);
    }
}

#[test]
fn data_presets_reach_their_targets() {
    for (name, target, budget) in [
        ("data-circle", 0.95, 60_000),
        ("data-xor", 0.95, 60_000),
        ("data-gaussians", 0.95, 60_000),
        ("data-plane", 0.95, 60_000),
        ("data-gaussian-sum", 0.95, 60_000),
        ("data-spiral", 0.9, 300_000),
        ("spiral", 0.9, 300_000),
    ] {
        let n = reach(name, target, budget);
        println!("{name}: {n}");
    }
}
