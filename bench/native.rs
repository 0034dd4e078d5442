//! Native training speed for `make bench`: example-steps per second of online SGD on a
//! 2-8-8-1 tanh network (sigmoid output) over a 500-point dataset, as in the browser.

use backprop_lab::activation::Activation::{Sigmoid, Tanh};
use backprop_lab::dataset::{self, Kind, Spec};
use backprop_lab::init::{self, Init};
use backprop_lab::loss::Loss;
use backprop_lab::network::UpdateRule;
use backprop_lab::train::{Config, Trainer};
use std::time::Instant;

fn main() {
    let steps: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000_000);
    let spec = Spec {
        kind: Kind::Circle,
        points: 500,
        noise: 0.1,
        test_fraction: 0.0,
        seed: 1,
        features: backprop_lab::feature::raw(2).to_vec(),
    };
    let (train, test) = dataset::split(&spec, &dataset::generate(&spec), 1, Sigmoid);
    let net = init::network(
        &[2, 8, 8, 1],
        &[Tanh, Tanh, Sigmoid],
        Loss::HalfSse,
        Init::Xavier,
        7,
    );
    let mut t = Trainer::new(
        net,
        train,
        test,
        Config {
            rule: UpdateRule::sgd(0.03),
            batch_size: 1,
        },
    );
    let mut rates = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let n = steps / 5;
        for _ in 0..n {
            t.step();
        }
        rates.push(n as f64 / start.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "{{\"native_steps_per_second\": {:.0}, \"loss\": {}}}",
        rates[2],
        t.train_loss()
    );
}
