//! A convolutional network's pass (the engine of layers) in NumPy, with explicit loops
//! over channels and windows as a student writes them first: cross-correlation, zero
//! padding, floor output sizes, C-order flatten, max pooling's first maximum in
//! row-major order, average pooling counting the padding (`fixtures/cnn/README.md`).
//! Layer l (1-based) reads blob a(l−1) (`x` for the first) and writes a(l);
//! δ(l) = ∂L/∂a(l) is `delta{l}`, so `delta0` is ∂L/∂x.

use super::numpy::{
    again_comment, apply, array, bare, example_comments, loss_code, loss_slope, slope, softmax_ce,
    softmax_ce_comment, update_lines,
};
use super::python::{self, num, Code, Field};
use crate::activation::Activation;
use crate::engine::{Conv, Layer, Pass, Pool, Shape};
use crate::lang::Lang;
use crate::loss::Loss;
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

/// Blob `b` (0: the input image `x`), in the forward pass named by `sfx`.
pub(super) fn blob(b: usize, sfx: &str) -> String {
    if b == 0 {
        "x".into()
    } else {
        format!("a{b}{sfx}")
    }
}

/// The weights' name of engine layer `k` (0-based): `K{l}` for a kernel, `W{l}`.
pub(super) fn weight_name(layer: &Layer, k: usize) -> String {
    match layer {
        Layer::Conv(_) => format!("K{}", k + 1),
        _ => format!("W{}", k + 1),
    }
}

/// The weights' comment: what each index is.
pub(super) fn weight_comment(layer: &Layer, k: usize, lang: Lang) -> String {
    let l = k + 1;
    match layer {
        Layer::Conv(_) => lang.pick(
            format!("K({l})[o, c, u, v]: output channel o, input channel c, row u, column v"),
            format!("K({l})[o, c, u, v]：输出通道 o、输入通道 c、第 u 行、第 v 列"),
        ),
        _ => lang.pick(
            format!("W({l})_ij: row i = unit i, column j = input j"),
            format!("W({l})_ij：第 i 行是神经元 i，第 j 列是输入 j"),
        ),
    }
}

/// The layers with parameters: (engine layer, weights' name, biases' name).
pub(super) fn params(p: &Pass) -> Vec<(usize, String, String)> {
    p.net
        .layers
        .iter()
        .enumerate()
        .filter(|(_, l)| l.params().is_some())
        .map(|(k, l)| (k, weight_name(l, k), format!("b{}", k + 1)))
        .collect()
}

fn start(p: &Pass, lang: Lang) -> Code {
    let mut c = Code::new();
    for (k, w, b) in params(p) {
        let layer = &p.net.layers[k];
        let (weights, biases) = layer.params().unwrap_or((&[], &[]));
        let dims = crate::engine::params::weight_dims(layer);
        array(
            &mut c,
            &w,
            weights,
            &dims,
            Some(weight_comment(layer, k, lang)),
        );
        array(
            &mut c,
            &b,
            biases,
            &[biases.len()],
            Some(format!("b({})", k + 1)),
        );
    }
    let [x, t, lr, wd] = example_comments(lang);
    let x = match p.shapes[0] {
        Shape::Map { .. } => lang.pick(
            format!("{x}: channels × rows × columns"),
            format!("{x}：通道 × 行 × 列"),
        ),
        Shape::Vector(_) => x,
    };
    array(&mut c, "x", &p.input, &p.shapes[0].dims(), Some(x));
    array(&mut c, "t", &p.target, &[p.target.len()], Some(t));
    c.with(format!("lr = {}", num(p.rule.learning_rate)), lr);
    if p.rule.weight_decay != 0.0 {
        c.with(format!("weight_decay = {}", num(p.rule.weight_decay)), wd);
    }
    c
}

/// `k, s, p = …`: a sliding layer's kernel size, stride and padding.
fn window_sizes(c: &mut Code, kernel: usize, stride: usize, padding: usize, lang: Lang) {
    c.with(
        format!("k, s, p = {kernel}, {stride}, {padding}"),
        lang.pick("kernel size, stride, padding", "窗口大小、步长、填充"),
    );
}

/// The padded input's name and, when there is padding, the line that pads it (with
/// zeros, or with −∞ for max pooling, so padding never wins).
fn padded(c: &mut Code, input: &str, padding: usize, fill: Option<&str>, lang: Lang) -> String {
    if padding == 0 {
        return input.to_string();
    }
    let name = format!("{input}_pad");
    let (value, comment) = match fill {
        Some(v) => (
            format!(", constant_values={v}"),
            lang.pick(
                "−∞ around each channel: padding never wins",
                "每个通道四周填 −∞：填充永远不会胜出",
            ),
        ),
        None => (
            String::new(),
            lang.pick("zeros around each channel", "每个通道四周填 0"),
        ),
    };
    c.with(
        format!("{name} = np.pad({input}, ((0, 0), (p, p), (p, p)){value})"),
        comment,
    );
    name
}

/// The three loops over the output's cells, their body indented under them.
fn loops(c: &mut Code, outer: &str, out: Shape, body: Code) {
    let (ch, h, w) = out.chw();
    c.line(format!("for {outer} in range({ch}):"));
    c.line(format!("    for i in range({h}):"));
    c.line(format!("        for j in range({w}):"));
    c.extend(body.indented().indented().indented());
}

/// The window of output cell (i, j) in `src`, all channels (`:`) or one (`c`).
fn window(src: &str, channels: &str) -> String {
    format!("{src}[{channels}, i * s:i * s + k, j * s:j * s + k]")
}

/// The output size's comment: ⌊(n + 2p − k) / s⌋ + 1 per side.
fn size_comment(input: Shape, out: Shape, lang: Lang) -> String {
    let (_, h, w) = input.chw();
    let (_, ho, wo) = out.chw();
    let side = if h == w {
        format!("⌊({h} + 2p − k) / s⌋ + 1 = {ho}")
    } else {
        format!("⌊({h} + 2p − k) / s⌋ + 1 = {ho}, ⌊({w} + 2p − k) / s⌋ + 1 = {wo}")
    };
    lang.pick(format!("each side {side}"), format!("每边 {side}"))
}

/// Layer `k`'s forward into a(k+1), in the forward pass named by `sfx`.
fn forward(p: &Pass, k: usize, sfx: &str, lang: Lang) -> Code {
    let (input, out) = (p.shapes[k], p.shapes[k + 1]);
    let (x, y) = (blob(k, sfx), blob(k + 1, sfx));
    let l = k + 1;
    let mut c = Code::new();
    let at = Sliding {
        l,
        x: &x,
        y: &y,
        input,
        out,
        lang,
    };
    match &p.net.layers[k] {
        Layer::Conv(conv) => conv_forward(&mut c, conv, &at),
        Layer::MaxPool(pool) => {
            let arg = format!("argmax{l}{sfx}");
            pool_forward(&mut c, pool, Some(&arg), &at)
        }
        Layer::AvgPool(pool) => pool_forward(&mut c, pool, None, &at),
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
            c.extend(apply(*act, &y, &x, &format!("e{l}{sfx}"), lang));
        }
    }
    c
}

/// A sliding layer's forward: layer `l` (1-based) from blob `x` (of shape `input`)
/// into blob `y` (of shape `out`).
struct Sliding<'a> {
    l: usize,
    x: &'a str,
    y: &'a str,
    input: Shape,
    out: Shape,
    lang: Lang,
}

fn conv_forward(c: &mut Code, conv: &Conv, at: &Sliding) {
    let Sliding {
        l,
        x,
        y,
        input,
        out,
        lang,
    } = *at;
    window_sizes(c, conv.kernel, conv.stride, conv.padding, lang);
    let src = padded(c, x, conv.padding, None, lang);
    c.with(
        format!("{y} = np.zeros({})", python::shape(&out.dims())),
        size_comment(input, out, lang),
    );
    let mut body = Code::new();
    body.line(format!("window = {}", window(&src, ":")));
    body.with(
        format!("{y}[o, i, j] = np.sum(K{l}[o] * window) + b{l}[o]"),
        lang.pick(
            "cross-correlation, as conv2d: the kernel is not turned",
            "互相关，与 conv2d 相同：卷积核不翻转",
        ),
    );
    loops(c, "o", out, body);
}

/// A pooling layer's forward; a max pool (`argmax` its winners' name) also records
/// each window's winner.
fn pool_forward(c: &mut Code, pool: &Pool, argmax: Option<&str>, at: &Sliding) {
    let Sliding {
        l,
        x,
        y,
        input,
        out,
        lang,
    } = *at;
    let max = argmax.is_some();
    window_sizes(c, pool.kernel, pool.stride, pool.padding, lang);
    let src = padded(c, x, pool.padding, max.then_some("-np.inf"), lang);
    c.with(
        format!("{y} = np.zeros({})", python::shape(&out.dims())),
        size_comment(input, out, lang),
    );
    let (_, _, w) = input.chw();
    let mut body = Code::new();
    if let Some(arg) = argmax {
        c.with(
            format!(
                "{arg} = np.zeros({}, dtype=int)",
                python::shape(&out.dims())
            ),
            lang.pick(
                format!("each window's winner: row · {w} + column in a({})", l - 1),
                format!("每个窗口的胜出者：在 a({}) 中的 行 · {w} + 列", l - 1),
            ),
        );
        body.line(format!("window = {}", window(&src, "c")));
        body.with(
            "u, v = np.unravel_index(np.argmax(window), window.shape)",
            lang.pick(
                "a tie goes to the first maximum in row-major order",
                "并列时取按行优先顺序的第一个最大值",
            ),
        );
        body.line(format!("{y}[c, i, j] = window[u, v]"));
        body.line(format!(
            "{arg}[c, i, j] = (i * s + u - p) * {w} + (j * s + v - p)"
        ));
    } else {
        body.with(
            format!("{y}[c, i, j] = np.sum({}) / (k * k)", window(&src, "c")),
            lang.pick(
                "the mean over k² cells, padding included",
                "k² 个单元的平均值，填充也计入",
            ),
        );
    }
    loops(c, "c", out, body);
}

/// L from the output a(L) (and, for cross-entropy, the softmax layer's input a(L−1)).
fn loss(p: &Pass, sfx: &str, out: &str, lang: Lang) -> Code {
    let n = p.net.layers.len();
    loss_code(p.net.loss, &blob(n, sfx), &blob(n - 1, sfx), sfx, out, lang)
}

/// True for a softmax last layer under cross-entropy: its backward starts from y − t.
pub(super) fn combined(p: &Pass) -> bool {
    p.net.loss == Loss::CrossEntropy
        && matches!(
            p.net.layers.last(),
            Some(Layer::Activation(Activation::Softmax))
        )
}

/// Layer `k`'s backward: δ(k) = ∂L/∂a(k) from δ(k+1), and its parameters' gradients.
fn backward(p: &Pass, k: usize, lang: Lang) -> Code {
    let l = k + 1;
    let n = p.net.layers.len();
    let (input, out) = (p.shapes[k], p.shapes[k + 1]);
    let (x, y) = (blob(k, ""), blob(l, ""));
    let (d_in, d_out) = (format!("delta{k}"), format!("delta{l}"));
    let mut c = Code::new();
    if l == n && combined(p) {
        c.with(
            format!("{d_in} = {}", softmax_ce(p, &y)),
            softmax_ce_comment(k, lang),
        );
        return c;
    }
    if l == n {
        c.with(
            format!("{d_out} = {}", bare(&loss_slope(p.net.loss, &y))),
            format!("δ({l}): {}", p.net.loss.dy_formula()),
        );
    }
    match &p.net.layers[k] {
        Layer::Conv(conv) => {
            window_sizes(&mut c, conv.kernel, conv.stride, conv.padding, lang);
            let src = if conv.padding > 0 {
                format!("{x}_pad")
            } else {
                x.clone()
            };
            c.line(format!("dK{l} = np.zeros_like(K{l})"));
            c.line(format!("db{l} = np.zeros_like(b{l})"));
            let acc = if conv.padding > 0 {
                format!("{d_in}_pad")
            } else {
                d_in.clone()
            };
            c.line(format!("{acc} = np.zeros_like({src})"));
            let mut body = Code::new();
            body.line(format!("window = {}", window(&src, ":")));
            body.with(
                format!("dK{l}[o] += {d_out}[o, i, j] * window"),
                lang.pick(
                    "∂L/∂K: the input windows weighted by δ (a correlation)",
                    "∂L/∂K：以 δ 加权的输入窗口之和（互相关）",
                ),
            );
            body.with(
                format!("db{l}[o] += {d_out}[o, i, j]"),
                lang.pick(
                    "∂L/∂b: δ summed over the map",
                    "∂L/∂b：δ 在整张特征图上的和",
                ),
            );
            body.with(
                format!("{} += {d_out}[o, i, j] * K{l}[o]", window(&acc, ":")),
                lang.pick(
                    "δ back through the kernel: a full convolution with K turned 180°",
                    "δ 经卷积核传回：与旋转 180° 的 K 做完整卷积",
                ),
            );
            loops(&mut c, "o", out, body);
            unpad(&mut c, &d_in, &acc, conv.padding, input, lang);
        }
        Layer::MaxPool(_) => {
            c.line(format!("{d_in} = np.zeros_like({x})"));
            let (_, _, w) = input.chw();
            let mut body = Code::new();
            body.with(
                format!("r, q = divmod(argmax{l}[c, i, j], {w})"),
                lang.pick(
                    "the window's winner: row r, column q",
                    "窗口的胜出者：第 r 行、第 q 列",
                ),
            );
            body.with(
                format!("{d_in}[c, r, q] += {d_out}[c, i, j]"),
                lang.pick(
                    "it gets the whole gradient; overlapping windows add up",
                    "它得到全部梯度；窗口重叠时梯度相加",
                ),
            );
            loops(&mut c, "c", out, body);
        }
        Layer::AvgPool(pool) => {
            window_sizes(&mut c, pool.kernel, pool.stride, pool.padding, lang);
            let src = if pool.padding > 0 {
                format!("{x}_pad")
            } else {
                x.clone()
            };
            let acc = if pool.padding > 0 {
                format!("{d_in}_pad")
            } else {
                d_in.clone()
            };
            c.line(format!("{acc} = np.zeros_like({src})"));
            let mut body = Code::new();
            body.with(
                format!("{} += {d_out}[c, i, j] / (k * k)", window(&acc, "c")),
                lang.pick(
                    "an equal share to every cell of the window",
                    "窗口中的每个单元分得相等的一份",
                ),
            );
            loops(&mut c, "c", out, body);
            unpad(&mut c, &d_in, &acc, pool.padding, input, lang);
        }
        Layer::Flatten => {
            c.with(
                format!("{d_in} = {d_out}.reshape({x}.shape)"),
                lang.pick("back to the shape before flatten", "变回展平前的形状"),
            );
        }
        Layer::Dense(_) => {
            c.with(
                format!("dW{l} = np.outer({d_out}, {x})"),
                format!("∂L/∂W({l}) = δ({l}) a({k})ᵀ"),
            );
            c.with(format!("db{l} = {d_out}"), format!("∂L/∂b({l}) = δ({l})"));
            c.with(
                format!("{d_in} = W{l}.T @ {d_out}"),
                format!("δ({k}) = W({l})ᵀ δ({l})"),
            );
        }
        Layer::Activation(Activation::Softmax) => {
            c.with(
                format!("{d_in} = {y} * ({d_out} - {d_out} @ {y})"),
                lang.pick(
                    "softmax's Jacobian: δ_i = y_i (g_i − Σ_k g_k y_k)",
                    "softmax 的雅可比矩阵：δ_i = y_i (g_i − Σ_k g_k y_k)",
                ),
            );
        }
        Layer::Activation(act) => {
            let rhs = match slope(*act, &y, &x, "np") {
                Some(f) => format!("{d_out} * {f}"),
                None => d_out.clone(),
            };
            c.with(
                format!("{d_in} = {rhs}"),
                format!("δ({k}) = δ({l}) ⊙ f′: {}", act.derivative_formula()),
            );
        }
    }
    c
}

/// `delta = delta_pad[…]`: the gradient of the unpadded input (the padding's share is
/// dropped).
fn unpad(c: &mut Code, d: &str, acc: &str, padding: usize, input: Shape, lang: Lang) {
    if padding == 0 {
        return;
    }
    let (_, h, w) = input.chw();
    c.with(
        format!("{d} = {acc}[:, p:p + {h}, p:p + {w}]"),
        lang.pick("the padding's share is dropped", "丢弃落在填充上的部分"),
    );
}

fn update(p: &Pass, lang: Lang) -> Code {
    let names: Vec<(String, String)> = params(p).into_iter().map(|(_, w, b)| (w, b)).collect();
    let mut c = update_lines(p, &names, |v| format!("d{v}"), lang);
    c.comment(again_comment(lang));
    for k in 0..p.net.layers.len() {
        c.extend(forward(p, k, "_new", lang));
    }
    c.extend(loss(p, "_new", "loss_after_step", lang));
    c
}

/// The closing print, in the CNN fixtures' keys.
pub fn json(p: &Pass) -> Vec<String> {
    fields(
        p,
        |v| format!("{v}.tolist()"),
        |v| format!("{v}.tolist()"),
        "float(loss)",
        "float(loss_after_step)",
    )
}

/// Every layer's fields and the updated parameters, the values written by `value`
/// (forward values and parameters) and `grad` (gradients).
pub(super) fn fields(
    p: &Pass,
    value: impl Fn(&str) -> String,
    grad: impl Fn(&str) -> String,
    loss: &str,
    loss_after: &str,
) -> Vec<String> {
    let layers: Vec<Vec<Field>> = p
        .net
        .layers
        .iter()
        .enumerate()
        .map(|(k, layer)| {
            let l = k + 1;
            let mut f: Vec<Field> = vec![
                ("output", value(&blob(l, ""))),
                ("grad_input", grad(&format!("delta{k}"))),
            ];
            if layer.params().is_some() {
                f.push(("grad_weights", grad(&format!("d{}", weight_name(layer, k)))));
                f.push(("grad_biases", grad(&format!("db{l}"))));
            }
            if matches!(layer, Layer::MaxPool(_)) {
                f.push(("argmax", format!("argmax{l}.tolist()")));
            }
            f
        })
        .collect();
    let updated: Vec<Option<Vec<Field>>> = p
        .net
        .layers
        .iter()
        .enumerate()
        .map(|(k, layer)| {
            layer.params().map(|_| {
                vec![
                    ("weights", value(&weight_name(layer, k))),
                    ("biases", value(&format!("b{}", k + 1))),
                ]
            })
        })
        .collect();
    python::print_json(&layers, loss, &updated, loss_after)
}
