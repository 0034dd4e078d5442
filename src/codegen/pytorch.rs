//! A fully connected network's pass in PyTorch: the parameters as float64 tensors with
//! `requires_grad`, the same forward as the NumPy script, `loss.backward()` for every
//! gradient at once (each δ kept by `retain_grad()`), and the update under
//! `torch.no_grad()`. The backward steps' blocks read what `backward()` stored.

use super::numpy::{again_comment, example_comments, update_lines, weights_comment};
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
        (Kind::WeightedSum, Some(l)) => weighted_sum(l, "", lang),
        (Kind::Activation, Some(l)) => activation(p, l, ""),
        (Kind::Loss, _) => loss(p, "", "loss", lang),
        (Kind::Delta, Some(l)) => delta(p, l, lang),
        (Kind::Gradients, Some(l)) => gradients(l),
        (Kind::Update, _) => update(p, lang),
        _ => Code::new(),
    }
}

/// `name = torch.tensor(…, dtype=torch.float64[, requires_grad=True])`.
pub(super) fn tensor(
    c: &mut Code,
    name: &str,
    data: &[f64],
    dims: &[usize],
    grad: bool,
    comment: String,
) {
    let close = if grad {
        ", dtype=torch.float64, requires_grad=True)"
    } else {
        ", dtype=torch.float64)"
    };
    let lines = python::array(&format!("{name} = torch.tensor("), data, dims, close);
    for (k, line) in lines.into_iter().enumerate() {
        if k == 0 {
            c.with(line, comment.clone());
        } else {
            c.line(line);
        }
    }
}

/// The comment of a parameter: backward() fills its `.grad`.
pub(super) fn param_comment(name: &str, what: String, lang: Lang) -> String {
    lang.pick(
        format!("{what}; backward() fills {name}.grad"),
        format!("{what}；backward() 会填好 {name}.grad"),
    )
}

fn start(p: &Pass, lang: Lang) -> Code {
    let mut c = Code::new();
    for (l, layer) in p.net.mlp_layers().enumerate() {
        let n = l + 1;
        let (w, b) = (format!("W{n}"), format!("b{n}"));
        let dims = [layer.width(), layer.fan_in()];
        tensor(
            &mut c,
            &w,
            &layer.dense.weights,
            &dims,
            true,
            param_comment(&w, weights_comment(l, lang), lang),
        );
        tensor(
            &mut c,
            &b,
            layer.biases(),
            &[layer.width()],
            true,
            param_comment(&b, format!("b({n})"), lang),
        );
    }
    let [x, t, lr, wd] = example_comments(lang);
    tensor(&mut c, "x", &p.input, &[p.input.len()], false, x);
    tensor(&mut c, "t", &p.target, &[p.target.len()], false, t);
    c.with(format!("lr = {}", num(p.rule.learning_rate)), lr);
    if p.rule.weight_decay != 0.0 {
        c.with(format!("weight_decay = {}", num(p.rule.weight_decay)), wd);
    }
    c
}

/// `z1.retain_grad()`'s comment: PyTorch keeps the gradient of a leaf only.
pub(super) fn retain_comment(name: &str, what: &str, lang: Lang) -> String {
    lang.pick(
        format!("keep {what} in {name}.grad (only leaves keep theirs by themselves)"),
        format!("把 {what} 保留在 {name}.grad 中（只有叶子张量会自动保留梯度）"),
    )
}

/// z(l) = W(l) a(l−1) + b(l); in the graph, kept for its gradient δ(l).
fn weighted_sum(l: usize, sfx: &str, lang: Lang) -> Code {
    let n = l + 1;
    let below = super::numpy::below(l, sfx);
    let mut c = Code::new();
    c.with(
        format!("z{n}{sfx} = W{n} @ {below} + b{n}"),
        format!("z({n}) = W({n}) a({l}) + b({n})"),
    );
    if sfx.is_empty() {
        let z = format!("z{n}");
        c.with(
            format!("{z}.retain_grad()"),
            retain_comment(&z, &format!("δ({n}) = ∂L/∂z({n})"), lang),
        );
    }
    c
}

/// The element-wise function in PyTorch (or softmax over the vector).
pub(super) fn apply(act: Activation, z: &str) -> String {
    match act {
        Activation::Sigmoid => format!("torch.sigmoid({z})"),
        Activation::Tanh => format!("torch.tanh({z})"),
        Activation::Relu => format!("torch.relu({z})"),
        Activation::LeakyRelu => format!("F.leaky_relu({z}, {})", num(LEAKY_SLOPE)),
        Activation::Linear => z.to_string(),
        Activation::Softmax => format!("torch.softmax({z}, dim=0)"),
    }
}

fn activation(p: &Pass, l: usize, sfx: &str) -> Code {
    let n = l + 1;
    let act = p.net.mlp(l).activation;
    let mut c = Code::new();
    c.with(
        format!("a{n}{sfx} = {}", apply(act, &format!("z{n}{sfx}"))),
        act.formula(),
    );
    c
}

/// L(y, t) into `out`, from output `y` and the softmax layer's input `logits`.
pub(super) fn loss_line(loss: Loss, y: &str, logits: &str, out: &str, lang: Lang) -> Code {
    let mut c = Code::new();
    let rhs = match loss {
        Loss::HalfSse => format!("0.5 * torch.sum((t - {y}) ** 2)"),
        Loss::Mse => format!("torch.mean((t - {y}) ** 2)"),
        Loss::CrossEntropy => {
            let text = format!("{out} = -torch.sum(t * torch.log_softmax({logits}, dim=0))");
            c.with(
                text,
                lang.pick(
                    "L = −Σ t log y, through log-softmax (finite where y underflows)",
                    "L = −Σ t log y，经由 log-softmax 计算（y 下溢时仍有限）",
                ),
            );
            return c;
        }
    };
    c.with(format!("{out} = {rhs}"), loss.formula());
    c
}

fn loss(p: &Pass, sfx: &str, out: &str, lang: Lang) -> Code {
    let n = p.depth();
    loss_line(
        p.net.loss,
        &format!("a{n}{sfx}"),
        &format!("z{n}{sfx}"),
        out,
        lang,
    )
}

/// `loss.backward()`, with its comment: the whole backward pass in one call.
pub(super) fn backward_line(lang: Lang) -> (String, String) {
    (
        "loss.backward()".into(),
        lang.pick(
            "autograd: every gradient of the pass in one sweep from the top",
            "autograd：从顶层往下一次扫过，求出本次传播的所有梯度",
        )
        .into(),
    )
}

/// δ(l), as `backward()` left it in `z{l}.grad` (the first backward step calls it).
fn delta(p: &Pass, l: usize, lang: Lang) -> Code {
    let n = l + 1;
    let mut c = Code::new();
    if n == p.depth() {
        let (code, comment) = backward_line(lang);
        c.with(code, comment);
    }
    c.with(
        format!("delta{n} = z{n}.grad"),
        format!("δ({n}) = ∂L/∂z({n})"),
    );
    c
}

fn gradients(l: usize) -> Code {
    let n = l + 1;
    let mut c = Code::new();
    c.with(
        format!("dW{n} = W{n}.grad"),
        format!("∂L/∂W({n}) = δ({n}) a({l})ᵀ"),
    );
    c.with(format!("db{n} = b{n}.grad"), format!("∂L/∂b({n}) = δ({n})"));
    c
}

/// The comment of `with torch.no_grad():`.
pub(super) fn no_grad_comment(lang: Lang) -> String {
    lang.pick(
        "the update and the new forward pass are not recorded for autograd",
        "更新和新的前向传播不记录到 autograd 的计算图中",
    )
    .into()
}

fn update(p: &Pass, lang: Lang) -> Code {
    let params: Vec<(String, String)> = (1..=p.depth())
        .map(|n| (format!("W{n}"), format!("b{n}")))
        .collect();
    let mut body = update_lines(p, &params, |v| format!("{v}.grad"), lang);
    body.comment(again_comment(lang));
    for l in 0..p.depth() {
        body.extend(weighted_sum(l, "_new", lang));
        body.extend(activation(p, l, "_new"));
    }
    body.extend(loss(p, "_new", "loss_after_step", lang));
    let mut c = Code::new();
    c.with("with torch.no_grad():", no_grad_comment(lang));
    c.extend(body.indented());
    c
}

/// What PyTorch did for a backward step (inside `loss.backward()`) or the update, and
/// where the result is; nothing for the steps its lines compute themselves.
pub fn note(p: &Pass, step: &Step, lang: Lang) -> Option<String> {
    let l = step.layer.map_or(0, |l| l + 1);
    let first = step.kind == Kind::Delta && l == p.depth();
    let once = if first {
        lang.pick(
            " This one call does the whole backward pass: every step from here to the update.",
            "这一次调用就完成了整个反向传播：从这里到更新之前的每一步。",
        )
    } else {
        ""
    };
    match step.kind {
        Kind::Delta => Some(lang.pick(
            format!("PyTorch: loss.backward() computed this step. Autograd worked out δ({l}) = ∂L/∂z({l}) and stored it in z{l}.grad (z{l}.retain_grad() asked it to keep it).{once}"),
            format!("PyTorch：这一步由 loss.backward() 完成。autograd 求出 δ({l}) = ∂L/∂z({l})，存放在 z{l}.grad 中（z{l}.retain_grad() 让它保留下来）。{once}"),
        )),
        Kind::Gradients => Some(lang.pick(
            format!("PyTorch: loss.backward() computed this step too: ∂L/∂W({l}) is in W{l}.grad and ∂L/∂b({l}) in b{l}.grad."),
            format!("PyTorch：这一步同样由 loss.backward() 完成：∂L/∂W({l}) 存放在 W{l}.grad，∂L/∂b({l}) 存放在 b{l}.grad。"),
        )),
        Kind::Update => Some(update_note(lang)),
        _ => None,
    }
}

/// The update's note: it reads `.grad` and runs under `torch.no_grad()`.
pub(super) fn update_note(lang: Lang) -> String {
    lang.pick(
        "PyTorch: the update reads each parameter's .grad and runs under torch.no_grad(), so autograd does not record it (an optimizer such as torch.optim.SGD does the same).",
        "PyTorch：更新读取每个参数的 .grad，并在 torch.no_grad() 下进行，autograd 不会记录它（torch.optim.SGD 这样的优化器也是这样做的）。",
    )
    .into()
}

/// The closing print, in the step fixtures' keys.
pub fn json(p: &Pass) -> Vec<String> {
    let layers: Vec<Vec<Field>> = (1..=p.depth())
        .map(|n| {
            vec![
                ("z", format!("z{n}.detach().tolist()")),
                ("a", format!("a{n}.detach().tolist()")),
                ("delta", format!("delta{n}.tolist()")),
                ("grad_weights", format!("dW{n}.tolist()")),
                ("grad_biases", format!("db{n}.tolist()")),
            ]
        })
        .collect();
    let updated: Vec<Option<Vec<Field>>> = (1..=p.depth())
        .map(|n| {
            Some(vec![
                ("weights", format!("W{n}.detach().tolist()")),
                ("biases", format!("b{n}.detach().tolist()")),
            ])
        })
        .collect();
    python::print_json(&layers, "loss.item()", &updated, "loss_after_step.item()")
}
