//! Homework problems: a random network with short, hand-computable numbers drawn from
//! a seed, its statement, and (separately) its answer key, the worked trace.

use crate::activation::Activation;
use crate::error::{Error, ErrorKind};
use crate::explain::Bilingual;
use crate::lang::Lang;
use crate::loss::Loss;
use crate::network::{MlpSpec, MlpSpecLayer};
use crate::notation::Notation;
use crate::problem::Problem;
use crate::rng::Rng;
use crate::vocab::Named;

/// One decimal in [lo, hi], never 0: numbers a student can multiply by hand.
fn tenth(rng: &mut Rng, lo: i32, hi: i32) -> f64 {
    loop {
        let k = lo + rng.below((hi - lo + 1) as usize) as i32;
        if k != 0 {
            return k as f64 / 10.0;
        }
    }
}

/// Layer sizes written `2,3,2` (input first).
pub fn parse_sizes(text: &str) -> Result<Vec<usize>, Error> {
    text.split(',')
        .enumerate()
        .map(|(k, s)| {
            s.trim().parse::<usize>().map_err(|_| {
                Error::at(
                    format!("layers[{k}]"),
                    ErrorKind::WrongType {
                        expected: crate::error::Expected::Whole,
                        found: crate::error::Found::String(crate::json::clip(s)),
                    },
                )
            })
        })
        .collect()
}

/// A problem for `sizes` (input first) with `activation` on the hidden layers; the
/// output layer is sigmoid/tanh for those, softmax + cross-entropy for softmax,
/// linear otherwise. The same seed always gives the same problem.
pub fn generate(seed: u64, sizes: &[usize], activation: Activation) -> Result<Problem, Error> {
    if sizes.len() < 2 || sizes.len() > 5 {
        return Err(Error::at(
            "layers",
            ErrorKind::ExerciseLayers { got: sizes.len() },
        ));
    }
    if let Some(s) = sizes.iter().find(|&&s| s == 0 || s > 6) {
        return Err(Error::at("layers", ErrorKind::ExerciseWidth { units: *s }));
    }
    let (hidden, out, loss) = match activation {
        Activation::Softmax => (Activation::Sigmoid, Activation::Softmax, Loss::CrossEntropy),
        Activation::Sigmoid | Activation::Tanh => (activation, activation, Loss::HalfSse),
        other => (other, Activation::Linear, Loss::HalfSse),
    };
    if out == Activation::Softmax && sizes[sizes.len() - 1] < 2 {
        return Err(Error::at("layers", ErrorKind::SoftmaxTooSmall));
    }
    let mut rng = Rng::new(seed);
    let n = sizes.len() - 1;
    let layers = sizes
        .windows(2)
        .enumerate()
        .map(|(l, w)| MlpSpecLayer {
            activation: if l + 1 == n { out } else { hidden },
            weights: (0..w[1])
                .map(|_| (0..w[0]).map(|_| tenth(&mut rng, -9, 9)).collect())
                .collect(),
            biases: (0..w[1]).map(|_| tenth(&mut rng, -5, 5)).collect(),
        })
        .collect();
    let input = (0..sizes[0]).map(|_| tenth(&mut rng, -10, 10)).collect();
    let k = sizes[n];
    let target = match out {
        Activation::Softmax => {
            let c = rng.below(k);
            (0..k).map(|i| if i == c { 1.0 } else { 0.0 }).collect()
        }
        Activation::Sigmoid => (0..k).map(|_| tenth(&mut rng, 1, 9)).collect(),
        _ => (0..k).map(|_| tenth(&mut rng, -9, 9)).collect(),
    };
    let p = Problem {
        net: MlpSpec { layers, loss }.into_net(),
        input,
        target,
        learning_rate: if loss == Loss::CrossEntropy { 0.1 } else { 0.5 },
        weight_decay: 0.0,
        freeze_biases: false,
    };
    p.validate()?;
    Ok(p)
}

/// The problem statement in `lang`, as plain text, with the problem as JSON at the end
/// so it can be loaded into the app.
pub fn statement(p: &Problem, seed: u64, lang: Lang) -> String {
    let n = Notation::plain(4);
    let sizes: Vec<String> = p.net.sizes().iter().map(|s| s.to_string()).collect();
    let acts: Vec<&str> = p.net.mlp_layers().map(|l| l.activation.name()).collect();
    let head = Bilingual::new(
        format!(
            "Backprop exercise (seed {seed})\n\nA {} network with activations {} and the loss {} ({}).",
            sizes.join("-"),
            acts.join("/"),
            p.net.loss.name(),
            p.net.loss.formula()
        ),
        format!(
            "反向传播练习（种子 {seed}）\n\n一个 {} 网络，各层激活函数为 {}，损失函数为 {}（{}）。",
            sizes.join("-"),
            acts.join("/"),
            p.net.loss.name(),
            p.net.loss.formula()
        ),
    );
    let mut out = head.get(lang).to_string();
    out.push_str("\n\n");
    for (l, layer) in p.net.mlp_layers().enumerate() {
        for i in 0..layer.width() {
            let ws: Vec<String> = layer
                .row(i)
                .iter()
                .enumerate()
                .map(|(j, w)| format!("{} = {}", n.w(l, i, j), n.num(*w)))
                .collect();
            out.push_str(&format!(
                "  {}, {} = {}\n",
                ws.join(", "),
                n.b(l, i),
                n.num(layer.biases()[i])
            ));
        }
    }
    let v = |xs: &[f64]| xs.iter().map(|x| n.num(*x)).collect::<Vec<_>>().join(", ");
    out.push_str(&format!(
        "\n  x = ({}), t = ({}), η = {}\n\n",
        v(&p.input),
        v(&p.target),
        n.num(p.learning_rate)
    ));
    let tasks = Bilingual::new(
        "Compute, to 4 significant digits:\n  1. z and a of every layer (forward pass);\n  2. the loss L;\n  3. δ = ∂L/∂z of every layer, from the top layer down;\n  4. ∂L/∂W and ∂L/∂b of every layer;\n  5. the weights and biases after one step of gradient descent, and the loss after the step.\n",
        "计算（保留 4 位有效数字）：\n  1. 每一层的 z 和 a（前向传播）；\n  2. 损失 L；\n  3. 从最后一层往前，每一层的 δ = ∂L/∂z；\n  4. 每一层的 ∂L/∂W 和 ∂L/∂b；\n  5. 一步梯度下降之后的权重和偏置，以及更新后的损失。\n",
    );
    out.push_str(tasks.get(lang));
    let load = Bilingual::new(
        "\nTo check your work in Backprop Lab, load this problem (File → Open, or drop it on the page):\n",
        "\n在反向传播实验室中核对答案：载入下面的题目（文件 → 打开，或把它拖到页面上）：\n",
    );
    out.push_str(load.get(lang));
    out.push_str(&crate::json::to_value(p).to_string());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_problem_and_short_numbers() {
        let a = generate(42, &[2, 3, 2], Activation::Sigmoid).unwrap();
        assert_eq!(a, generate(42, &[2, 3, 2], Activation::Sigmoid).unwrap());
        assert_ne!(a, generate(43, &[2, 3, 2], Activation::Sigmoid).unwrap());
        for w in a.net.mlp_layers().flat_map(|l| l.dense.weights.iter()) {
            assert_eq!((w * 10.0).round() / 10.0, *w);
        }
        assert_eq!(a.net.sizes(), vec![2, 3, 2]);
    }

    #[test]
    fn softmax_exercise_uses_cross_entropy() {
        let p = generate(1, &[2, 2, 3], Activation::Softmax).unwrap();
        assert_eq!(p.net.loss, Loss::CrossEntropy);
        assert_eq!(p.target.iter().sum::<f64>(), 1.0);
        assert!(generate(1, &[2, 9], Activation::Sigmoid).is_err());
    }
}
