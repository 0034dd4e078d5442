//! A fully connected network's pass in NumPy, written out as a student writes it by
//! hand: one line per formula (`z1 = W1 @ x + b1`, `delta2 = (a2 - t) * a2 * (1 - a2)`,
//! `W1 -= lr * dW1`), every formula as `crate::engine` defines it (softmax shifted by
//! its largest input, cross-entropy through log-softmax, relu′(0) = 0,
//! leaky_relu′(0) = 0.01, weight decay λW added to the weights' gradients, frozen
//! biases kept).

use super::python::{self, num, Code, Field};
use crate::activation::{Activation, LEAKY_SLOPE};
use crate::engine::Pass;
use crate::lang::Lang;
use crate::loss::Loss;
use crate::trace::{Kind, Step};

/// The code of one step.
pub fn step(p: &Pass, step: &Step, lang: Lang) -> Code {
    match (step.kind, step.layer) {
        (Kind::Start, _) => start(p, lang),
        (Kind::WeightedSum, Some(l)) => weighted_sum(l, ""),
        (Kind::Activation, Some(l)) => activation(p, l, "", lang),
        (Kind::Loss, _) => loss(p, "", "loss", lang),
        (Kind::Delta, Some(l)) => delta(p, l, lang),
        (Kind::Gradients, Some(l)) => gradients(l),
        (Kind::Update, _) => update(p, lang),
        _ => Code::new(),
    }
}

/// a(l−1), layer `l`'s input (0-based l): `x` for the first layer.
pub(super) fn below(l: usize, sfx: &str) -> String {
    if l == 0 {
        "x".into()
    } else {
        format!("a{l}{sfx}")
    }
}

/// The comment of a weight matrix: what its rows and columns are.
pub(super) fn weights_comment(l: usize, lang: Lang) -> String {
    let n = l + 1;
    lang.pick(
        format!("W({n})_ij: row i = unit i of layer {n}, column j = its input j"),
        format!("W({n})_ij：第 i 行是第 {n} 层的神经元 i，第 j 列是它的输入 j"),
    )
}

/// The example and the settings, with their comments.
pub(super) fn example_comments(lang: Lang) -> [String; 4] {
    [
        lang.pick("the input x = a(0)", "输入 x = a(0)").into(),
        lang.pick("the target t", "目标 t").into(),
        lang.pick("the learning rate η", "学习率 η").into(),
        lang.pick(
            "λ of the L2 weight decay: adds λW to each weight's gradient",
            "L2 权重衰减的 λ：在每个权重的梯度上加上 λW",
        )
        .into(),
    ]
}

/// `name = np.array(…)` with a comment on its first line.
pub(super) fn array(
    c: &mut Code,
    name: &str,
    data: &[f64],
    dims: &[usize],
    comment: Option<String>,
) {
    let lines = python::array(&format!("{name} = np.array("), data, dims, ")");
    for (k, line) in lines.into_iter().enumerate() {
        match (&comment, k) {
            (Some(m), 0) => c.with(line, m.clone()),
            _ => c.line(line),
        };
    }
}

/// The weights and biases, the input, the target, η (and λ).
fn start(p: &Pass, lang: Lang) -> Code {
    let mut c = Code::new();
    for (l, layer) in p.net.mlp_layers().enumerate() {
        let n = l + 1;
        let dims = [layer.width(), layer.fan_in()];
        array(
            &mut c,
            &format!("W{n}"),
            &layer.dense.weights,
            &dims,
            Some(weights_comment(l, lang)),
        );
        array(
            &mut c,
            &format!("b{n}"),
            layer.biases(),
            &[layer.width()],
            Some(format!("b({n})")),
        );
    }
    let [x, t, lr, wd] = example_comments(lang);
    array(&mut c, "x", &p.input, &[p.input.len()], Some(x));
    array(&mut c, "t", &p.target, &[p.target.len()], Some(t));
    c.with(format!("lr = {}", num(p.rule.learning_rate)), lr);
    if p.rule.weight_decay != 0.0 {
        c.with(format!("weight_decay = {}", num(p.rule.weight_decay)), wd);
    }
    c
}

/// z(l) = W(l) a(l−1) + b(l).
fn weighted_sum(l: usize, sfx: &str) -> Code {
    let n = l + 1;
    let mut c = Code::new();
    c.with(
        format!("z{n}{sfx} = W{n} @ {} + b{n}", below(l, sfx)),
        format!("z({n}) = W({n}) a({l}) + b({n})"),
    );
    c
}

/// a(l) = f(z(l)).
fn activation(p: &Pass, l: usize, sfx: &str, lang: Lang) -> Code {
    let n = l + 1;
    let act = p.net.mlp(l).activation;
    apply(
        act,
        &format!("a{n}{sfx}"),
        &format!("z{n}{sfx}"),
        &format!("e{n}{sfx}"),
        lang,
    )
}

/// `a = f(z)` for activation `act`; softmax goes through `e`, the shifted exponentials.
pub(super) fn apply(act: Activation, a: &str, z: &str, e: &str, lang: Lang) -> Code {
    let mut c = Code::new();
    let rhs = match act {
        Activation::Sigmoid => format!("1 / (1 + np.exp(-{z}))"),
        Activation::Tanh => format!("np.tanh({z})"),
        Activation::Relu => format!("np.maximum(0, {z})"),
        Activation::LeakyRelu => format!("np.where({z} > 0, {z}, {} * {z})", num(LEAKY_SLOPE)),
        Activation::Linear => z.to_string(),
        Activation::Softmax => {
            c.with(
                format!("{e} = np.exp({z} - {z}.max())"),
                lang.pick(
                    "shifted by the largest z: exp cannot overflow, softmax is the same",
                    "先减去最大的 z：exp 不会溢出，softmax 不变",
                ),
            );
            format!("{e} / {e}.sum()")
        }
    };
    c.with(format!("{a} = {rhs}"), act.formula());
    c
}

/// L(a(L), t) into `out`.
fn loss(p: &Pass, sfx: &str, out: &str, lang: Lang) -> Code {
    let n = p.depth();
    loss_code(
        p.net.loss,
        &format!("a{n}{sfx}"),
        &format!("z{n}{sfx}"),
        sfx,
        out,
        lang,
    )
}

/// L(y, t) into `out`; cross-entropy through log-softmax of the softmax layer's input
/// `z`, as the engine takes it (finite even where a probability underflows).
pub(super) fn loss_code(loss: Loss, y: &str, z: &str, sfx: &str, out: &str, lang: Lang) -> Code {
    let mut c = Code::new();
    let rhs = match loss {
        Loss::HalfSse => format!("0.5 * np.sum((t - {y}) ** 2)"),
        Loss::Mse => format!("np.mean((t - {y}) ** 2)"),
        Loss::CrossEntropy => {
            c.with(
                format!("log_y{sfx} = {z} - {z}.max() - np.log(np.sum(np.exp({z} - {z}.max())))"),
                lang.pick(
                    "log softmax(z): finite even where y underflows to 0",
                    "log softmax(z)：即使 y 下溢为 0 也是有限值",
                ),
            );
            format!("-np.sum(t * log_y{sfx})")
        }
    };
    c.with(format!("{out} = {rhs}"), loss.formula());
    c
}

/// f′(z(l)) as a factor, written from what the engine reads: a for sigmoid and tanh, z
/// for the others; `None` for linear (f′ = 1). Softmax has no element-wise factor.
pub(super) fn slope(act: Activation, a: &str, z: &str, lib: &str) -> Option<String> {
    match act {
        Activation::Sigmoid => Some(format!("{a} * (1 - {a})")),
        Activation::Tanh => Some(format!("(1 - {a} ** 2)")),
        Activation::Relu => Some(format!("({z} > 0)")),
        Activation::LeakyRelu => Some(format!("{lib}.where({z} > 0, 1.0, {})", num(LEAKY_SLOPE))),
        Activation::Linear | Activation::Softmax => None,
    }
}

/// ∂L/∂y for the squared losses, as a factor: `(a2 - t)`, `2 / len(t) * (a2 - t)`.
pub(super) fn loss_slope(loss: Loss, y: &str) -> String {
    match loss {
        Loss::Mse => format!("2 / len(t) * ({y} - t)"),
        _ => format!("({y} - t)"),
    }
}

/// `x` without the parentheses around it, if it has them all the way.
pub(super) fn bare(x: &str) -> &str {
    x.strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .filter(|inner| !inner.contains(')'))
        .unwrap_or(x)
}

/// The combined gradient of softmax with cross-entropy, y·Σt − t, as the engine takes
/// it; `y - t` when the target sums to exactly 1.
pub(super) fn softmax_ce(p: &Pass, y: &str) -> String {
    if p.target.iter().sum::<f64>() == 1.0 {
        format!("{y} - t")
    } else {
        format!("{y} * t.sum() - t")
    }
}

/// The comment of the combined softmax–cross-entropy gradient.
pub(super) fn softmax_ce_comment(n: usize, lang: Lang) -> String {
    lang.pick(
        format!("softmax with cross-entropy: δ({n}) = y − t, no Jacobian needed"),
        format!("softmax 与交叉熵：δ({n}) = y − t，无需雅可比矩阵"),
    )
}

/// δ(l) = ∂L/∂z(l): from the loss at the output layer, through W(l+1) below it.
fn delta(p: &Pass, l: usize, lang: Lang) -> Code {
    let n = l + 1;
    let act = p.net.mlp(l).activation;
    let (a, z, d) = (format!("a{n}"), format!("z{n}"), format!("delta{n}"));
    let mut c = Code::new();
    if n == p.depth() {
        if act.is_softmax() && p.net.loss == Loss::CrossEntropy {
            c.with(
                format!("{d} = {}", softmax_ce(p, &a)),
                softmax_ce_comment(n, lang),
            );
        } else if act.is_softmax() {
            c.with(
                format!("g{n} = {}", bare(&loss_slope(p.net.loss, &a))),
                p.net.loss.dy_formula(),
            );
            c.with(
                format!("{d} = {a} * (g{n} - g{n} @ {a})"),
                lang.pick(
                    "softmax's Jacobian: δ_i = y_i (g_i − Σ_k g_k y_k)",
                    "softmax 的雅可比矩阵：δ_i = y_i (g_i − Σ_k g_k y_k)",
                ),
            );
        } else {
            let dy = loss_slope(p.net.loss, &a);
            let rhs = match slope(act, &a, &z, "np") {
                Some(f) => format!("{dy} * {f}"),
                None => bare(&dy).to_string(),
            };
            c.with(
                format!("{d} = {rhs}"),
                format!("∂L/∂a({n}) ⊙ f′(z({n})): {}", act.derivative_formula()),
            );
        }
    } else {
        let back = format!("W{}.T @ delta{}", n + 1, n + 1);
        let rhs = match slope(act, &a, &z, "np") {
            Some(f) => format!("({back}) * {f}"),
            None => back,
        };
        c.with(
            format!("{d} = {rhs}"),
            lang.pick(
                format!(
                    "(W({})ᵀ δ({})) ⊙ f′(z({n})), W before the update",
                    n + 1,
                    n + 1
                ),
                format!("(W({})ᵀ δ({})) ⊙ f′(z({n}))，用更新前的 W", n + 1, n + 1),
            ),
        );
    }
    c
}

/// ∂L/∂W(l) = δ(l) a(l−1)ᵀ, ∂L/∂b(l) = δ(l).
fn gradients(l: usize) -> Code {
    let n = l + 1;
    let mut c = Code::new();
    c.with(
        format!("dW{n} = np.outer(delta{n}, {})", below(l, "")),
        format!("∂L/∂W({n}) = δ({n}) a({l})ᵀ"),
    );
    c.with(format!("db{n} = delta{n}"), format!("∂L/∂b({n}) = δ({n})"));
    c
}

/// The update of every layer's parameters (`lib` `np` or `torch`, gradients named by
/// `grad`: `dW1` or `W1.grad`), as `crate::network::UpdateRule` makes it.
pub(super) fn update_lines(
    p: &Pass,
    params: &[(String, String)],
    grad: impl Fn(&str) -> String,
    lang: Lang,
) -> Code {
    let mut c = Code::new();
    let decay = p.rule.weight_decay != 0.0;
    for (w, b) in params {
        // K for a kernel, W for a weight matrix.
        let sym = &w[..1];
        if decay {
            c.with(
                format!("{w} -= lr * ({} + weight_decay * {w})", grad(w)),
                format!("{sym} ← {sym} − η (∂L/∂{sym} + λ{sym})"),
            );
        } else {
            c.with(
                format!("{w} -= lr * {}", grad(w)),
                format!("{sym} ← {sym} − η ∂L/∂{sym}"),
            );
        }
        if p.rule.freeze_biases {
            c.comment(lang.pick(
                format!("{b} stays as it is: the biases are frozen"),
                format!("{b} 保持不变：偏置被冻结"),
            ));
        } else {
            c.with(format!("{b} -= lr * {}", grad(b)), "b ← b − η ∂L/∂b");
        }
    }
    c
}

/// The comment before the forward pass that gives the loss after the step.
pub(super) fn again_comment(lang: Lang) -> String {
    lang.pick(
        "The loss after the step: the same forward pass with the updated weights",
        "更新后的损失：用更新后的权重再做一次同样的前向传播",
    )
    .into()
}

/// W ← W − η ∂L/∂W, b ← b − η ∂L/∂b, then the loss after the step.
fn update(p: &Pass, lang: Lang) -> Code {
    let params: Vec<(String, String)> = (1..=p.depth())
        .map(|n| (format!("W{n}"), format!("b{n}")))
        .collect();
    let mut c = update_lines(p, &params, |v| format!("d{v}"), lang);
    c.comment(again_comment(lang));
    for l in 0..p.depth() {
        c.extend(weighted_sum(l, "_new"));
        c.extend(activation(p, l, "_new", lang));
    }
    c.extend(loss(p, "_new", "loss_after_step", lang));
    c
}

/// The closing print, in the step fixtures' keys.
pub fn json(p: &Pass) -> Vec<String> {
    let layers: Vec<Vec<Field>> = (1..=p.depth())
        .map(|n| {
            vec![
                ("z", format!("z{n}.tolist()")),
                ("a", format!("a{n}.tolist()")),
                ("delta", format!("delta{n}.tolist()")),
                ("grad_weights", format!("dW{n}.tolist()")),
                ("grad_biases", format!("db{n}.tolist()")),
            ]
        })
        .collect();
    let updated: Vec<Option<Vec<Field>>> = (1..=p.depth())
        .map(|n| {
            Some(vec![
                ("weights", format!("W{n}.tolist()")),
                ("biases", format!("b{n}.tolist()")),
            ])
        })
        .collect();
    python::print_json(&layers, "float(loss)", &updated, "float(loss_after_step)")
}
