//! A convolutional network's pass in PyTorch: `F.conv2d`, `F.max_pool2d` (with its
//! winners, `return_indices=True`), `F.avg_pool2d` (which counts the padding, as the
//! page does), on a batch of one image; every blob but the output kept for its
//! gradient, `loss.backward()`, the update under `torch.no_grad()`.

use super::numpy::{again_comment, example_comments, update_lines};
use super::numpy_cnn::{blob, combined, fields, params, weight_comment};
use super::python::{num, Code};
use super::pytorch::{
    apply, backward_line, loss_line, no_grad_comment, param_comment, retain_comment, tensor,
    update_note,
};
use crate::engine::{Layer, Pass, Shape};
use crate::lang::Lang;
use crate::trace::{Kind, Step};

/// The code of one step.
pub fn step(p: &Pass, step: &Step, lang: Lang) -> Code {
    match (step.kind, step.layer) {
        (Kind::Start, _) => start(p, lang),
        (Kind::Forward, Some(k)) => forward(p, k, "", lang),
        (Kind::Loss, _) => loss(p, "", "loss", lang),
        (Kind::Backward, Some(k)) => backward(p, k, lang),
        (Kind::Update, _) => update(p, lang),
        _ => Code::new(),
    }
}

fn start(p: &Pass, lang: Lang) -> Code {
    let mut c = Code::new();
    for (k, w, b) in params(p) {
        let layer = &p.net.layers[k];
        let (weights, biases) = layer.params().unwrap_or((&[], &[]));
        let dims = crate::engine::params::weight_dims(layer);
        tensor(
            &mut c,
            &w,
            weights,
            &dims,
            true,
            param_comment(&w, weight_comment(layer, k, lang), lang),
        );
        tensor(
            &mut c,
            &b,
            biases,
            &[biases.len()],
            true,
            param_comment(&b, format!("b({})", k + 1), lang),
        );
    }
    let [x, t, lr, wd] = example_comments(lang);
    let x = match p.shapes[0] {
        Shape::Map { .. } => lang.pick(
            format!("{x}, channels × rows × columns; backward() fills x.grad = δ(0)"),
            format!("{x}，通道 × 行 × 列；backward() 会填好 x.grad = δ(0)"),
        ),
        Shape::Vector(_) => lang.pick(
            format!("{x}; backward() fills x.grad = δ(0)"),
            format!("{x}；backward() 会填好 x.grad = δ(0)"),
        ),
    };
    tensor(&mut c, "x", &p.input, &p.shapes[0].dims(), true, x);
    tensor(&mut c, "t", &p.target, &[p.target.len()], false, t);
    c.with(format!("lr = {}", num(p.rule.learning_rate)), lr);
    if p.rule.weight_decay != 0.0 {
        c.with(format!("weight_decay = {}", num(p.rule.weight_decay)), wd);
    }
    c
}

/// Layer `k`'s forward into a(k+1); in the first pass (no `sfx`) a(k+1) keeps its
/// gradient, unless it is the output.
fn forward(p: &Pass, k: usize, sfx: &str, lang: Lang) -> Code {
    let l = k + 1;
    let (x, y) = (blob(k, sfx), blob(l, sfx));
    let batch = lang.pick(
        "[None]: a batch of one image; [0]: its one result",
        "[None]：只含一幅图像的批；[0]：取出它的结果",
    );
    let mut c = Code::new();
    match &p.net.layers[k] {
        Layer::Conv(conv) => {
            c.with(
                format!(
                    "{y} = F.conv2d({x}[None], K{l}, b{l}, stride={}, padding={})[0]",
                    conv.stride, conv.padding
                ),
                batch,
            );
        }
        Layer::MaxPool(pool) => {
            let arg = format!("argmax{l}{sfx}");
            c.with(
                format!(
                    "{y}, {arg} = F.max_pool2d({x}[None], kernel_size={}, stride={}, padding={}, return_indices=True)",
                    pool.kernel, pool.stride, pool.padding
                ),
                lang.pick(
                    "return_indices: each window's winner, row · W + column",
                    "return_indices：每个窗口的胜出者，行 · W + 列",
                ),
            );
            c.with(format!("{y}, {arg} = {y}[0], {arg}[0]"), batch);
        }
        Layer::AvgPool(pool) => {
            c.with(
                format!(
                    "{y} = F.avg_pool2d({x}[None], kernel_size={}, stride={}, padding={})[0]",
                    pool.kernel, pool.stride, pool.padding
                ),
                lang.pick(
                    "count_include_pad=True (the default): the padding counts in the mean",
                    "count_include_pad=True（默认）：填充也计入平均值",
                ),
            );
        }
        Layer::Flatten => {
            c.with(
                format!("{y} = {x}.reshape(-1)"),
                lang.pick(
                    "C-order: channel by channel, row by row",
                    "C 顺序：逐通道、逐行",
                ),
            );
        }
        Layer::Dense(_) => {
            c.with(
                format!("{y} = W{l} @ {x} + b{l}"),
                format!("a({l}) = W({l}) a({k}) + b({l})"),
            );
        }
        Layer::Activation(act) => {
            c.with(format!("{y} = {}", apply(*act, &x)), act.formula());
        }
    }
    if sfx.is_empty() && l < p.net.layers.len() {
        c.with(
            format!("{y}.retain_grad()"),
            retain_comment(&y, &format!("δ({l}) = ∂L/∂a({l})"), lang),
        );
    }
    c
}

fn loss(p: &Pass, sfx: &str, out: &str, lang: Lang) -> Code {
    let n = p.net.layers.len();
    loss_line(p.net.loss, &blob(n, sfx), &blob(n - 1, sfx), out, lang)
}

/// Layer `k`'s backward, as `backward()` left it: δ(k) in `a{k}.grad` (`x.grad`), the
/// parameters' gradients in their `.grad`. The last layer's step calls `backward()`.
fn backward(p: &Pass, k: usize, lang: Lang) -> Code {
    let l = k + 1;
    let n = p.net.layers.len();
    let mut c = Code::new();
    if l == n {
        let (code, comment) = backward_line(lang);
        c.with(code, comment);
    }
    let layer = &p.net.layers[k];
    if let Some(w) = layer
        .params()
        .map(|_| super::numpy_cnn::weight_name(layer, k))
    {
        let sym = if matches!(layer, Layer::Conv(_)) {
            "K"
        } else {
            "W"
        };
        c.with(format!("d{w} = {w}.grad"), format!("∂L/∂{sym}({l})"));
        c.with(format!("db{l} = b{l}.grad"), format!("∂L/∂b({l})"));
    }
    let what = if l == n && combined(p) {
        format!("δ({k}) = ∂L/∂a({k}) = y − t")
    } else {
        format!("δ({k}) = ∂L/∂a({k})")
    };
    c.with(format!("delta{k} = {}.grad", blob(k, "")), what);
    c
}

fn update(p: &Pass, lang: Lang) -> Code {
    let names: Vec<(String, String)> = params(p).into_iter().map(|(_, w, b)| (w, b)).collect();
    let mut body = update_lines(p, &names, |v| format!("{v}.grad"), lang);
    body.comment(again_comment(lang));
    for k in 0..p.net.layers.len() {
        body.extend(forward(p, k, "_new", lang));
    }
    body.extend(loss(p, "_new", "loss_after_step", lang));
    let mut c = Code::new();
    c.with("with torch.no_grad():", no_grad_comment(lang));
    c.extend(body.indented());
    c
}

/// What PyTorch did for a backward step or the update, and where the result is.
pub fn note(p: &Pass, step: &Step, lang: Lang) -> Option<String> {
    match (step.kind, step.layer) {
        (Kind::Backward, Some(k)) => {
            let l = k + 1;
            let layer = &p.net.layers[k];
            let grad_of = if k == 0 {
                "x.grad".to_string()
            } else {
                format!("a{k}.grad")
            };
            let params = layer.params().map(|_| {
                let (sym, w) = match layer {
                    Layer::Conv(_) => ("K", format!("K{l}")),
                    _ => ("W", format!("W{l}")),
                };
                lang.pick(
                    format!(" ∂L/∂{sym}({l}) is in {w}.grad and ∂L/∂b({l}) in b{l}.grad."),
                    format!("∂L/∂{sym}({l}) 存放在 {w}.grad，∂L/∂b({l}) 存放在 b{l}.grad。"),
                )
            });
            let once = if l == p.net.layers.len() {
                lang.pick(
                    " This one call does the whole backward pass: every layer from here down to the first.",
                    "这一次调用就完成了整个反向传播：从这一层一直到第一层。",
                )
            } else {
                ""
            };
            Some(lang.pick(
                format!("PyTorch: loss.backward() computed this step. Autograd worked out δ({k}) = ∂L/∂a({k}) and stored it in {grad_of}.{}{once}", params.clone().unwrap_or_default()),
                format!("PyTorch：这一步由 loss.backward() 完成。autograd 求出 δ({k}) = ∂L/∂a({k})，存放在 {grad_of} 中。{}{once}", params.unwrap_or_default()),
            ))
        }
        (Kind::Update, _) => Some(update_note(lang)),
        _ => None,
    }
}

/// The closing print, in the CNN fixtures' keys.
pub fn json(p: &Pass) -> Vec<String> {
    fields(
        p,
        |v| format!("{v}.detach().tolist()"),
        |v| format!("{v}.tolist()"),
        "loss.item()",
        "loss_after_step.item()",
    )
}
