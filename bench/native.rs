//! Native training speed for `make bench` (bench/training.mjs): example-steps per second
//! of online SGD through the same call as the page's `train(n)` (`Session::train`), on
//! the problems the browser trains: 2-8-8-1 and 2-16-16-16-1, tanh hidden layers, a
//! sigmoid output, half squared error, 500 points, η = 0.03.
//!
//! `cargo run --release --example bench_native [STEPS] [FILE…]`: each FILE is a problem
//! as bench/training.mjs writes it (the fixture shape with a given dataset); without
//! files, the same two problems are drawn here from the benchmark's seeds. Prints one
//! JSON line: steps per second (the median of 7 runs of STEPS) per network.

use backprop_lab::lab::Session;
use std::time::Instant;

/// The benchmark's generator (bench/training.mjs): an LCG mod 2³², uniform in [0, 1).
struct Lcg(u32);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        self.0 as f64 / 4_294_967_296.0
    }
}

/// The problem bench/training.mjs builds for these sizes, as JSON text: weights
/// (2r − 1)/√(inputs) from seed 7, zero biases, 500 points of a circle from seed 1.
fn problem(sizes: &[usize]) -> String {
    let mut r = Lcg(7);
    let layers: Vec<String> = sizes
        .windows(2)
        .enumerate()
        .map(|(l, w)| {
            let rows: Vec<String> = (0..w[1])
                .map(|_| {
                    let row: Vec<String> = (0..w[0])
                        .map(|_| format!("{:?}", (r.next() * 2.0 - 1.0) / (w[0] as f64).sqrt()))
                        .collect();
                    format!("[{}]", row.join(","))
                })
                .collect();
            let act = if l + 2 == sizes.len() {
                "sigmoid"
            } else {
                "tanh"
            };
            format!(
                r#"{{"activation":"{act}","weights":[{}],"biases":[{}]}}"#,
                rows.join(","),
                vec!["0"; w[1]].join(",")
            )
        })
        .collect();
    let mut p = Lcg(1);
    let (mut inputs, mut targets) = (vec![], vec![]);
    for _ in 0..500 {
        let x = [p.next() * 2.0 - 1.0, p.next() * 2.0 - 1.0];
        let t = if x[0] * x[0] + x[1] * x[1] < 0.25 {
            1
        } else {
            0
        };
        inputs.push(format!("[{:?},{:?}]", x[0], x[1]));
        targets.push(format!("[{t}]"));
    }
    format!(
        r#"{{"network":{{"layers":[{}],"loss":"half_sse"}},"input":{},"target":{},"learning_rate":0.03,"dataset":{{"inputs":[{}],"targets":[{}]}},"training":{{"batch_size":1}}}}"#,
        layers.join(","),
        inputs[0],
        targets[0],
        inputs.join(","),
        targets.join(",")
    )
}

/// The median rate of 7 runs of `steps` updates, after a warm-up.
fn rate(text: &str, steps: u64) -> f64 {
    let mut s = Session::from_preset("mazur").expect("a preset");
    s.load(text).expect("a problem the benchmark wrote");
    s.train(10_000).expect("a run within budget");
    let mut rates: Vec<f64> = (0..7)
        .map(|_| {
            let start = Instant::now();
            s.train(steps).expect("a run within budget");
            steps as f64 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[3]
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let steps: u64 = match args.peek().and_then(|s| s.parse().ok()) {
        Some(n) => {
            args.next();
            n
        }
        None => 400_000,
    };
    let files: Vec<String> = args.collect();
    let problems: Vec<(String, String)> = if files.is_empty() {
        [&[2, 8, 8, 1][..], &[2, 16, 16, 16, 1]]
            .iter()
            .map(|sizes| {
                let name: Vec<String> = sizes.iter().map(usize::to_string).collect();
                (name.join("-"), problem(sizes))
            })
            .collect()
    } else {
        files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{f}: {e}"));
                let name = std::path::Path::new(f)
                    .file_stem()
                    .map_or_else(|| f.clone(), |s| s.to_string_lossy().into_owned());
                (name, text)
            })
            .collect()
    };
    let rows: Vec<String> = problems
        .iter()
        .map(|(name, text)| format!("\"{name}\": {:.0}", rate(text, steps)))
        .collect();
    println!("{{{}}}", rows.join(", "));
}
