//! The words and formulas of the steps of a CNN (the engine of layers), as pure
//! functions of the pass, the step, the notation and the language.
//!
//! The notation (DESIGN.md): layer l is engine layer k + 1; the blob after layer l is
//! a(l) (a(0) = x; for a conv or dense layer a(l) is its pre-activation), its cells
//! a(l)[c,i,j] (a vector's a(l)_i); δ(l) = ∂L/∂a(l), a map of the same shape (the
//! `grad_input` of layer l + 1); kernels K(l)[o,c,u,v]. Indices are 1-based on screen.
//!
//! A forward step shows each cell it computes from the cells it read; a backward step
//! shows each gradient cell from the gradient above it, in the order the engine adds
//! the terms, so a running total at a window step is the engine's own partial sum.

use super::{join_lazy, Lines, PLUS};
use crate::activation::Activation;
use crate::engine::{Conv, Layer, Pool, Shape};
use crate::lang::Lang;
use crate::loss::Loss;
use crate::notation::{Notation, Style};
use crate::pass::Pass;
use crate::trace::{Kind, Step};
use crate::vocab::Named;
use std::borrow::Cow;

/// Longest sum of a bias or kernel gradient, or of an input cell's gradient, written
/// out term by term; longer ones show the first terms, `…` and the last.
const MAX_SUM_TERMS: usize = 25;

/// Most terms of a bias gradient named by their δ cells as well as by their values.
const MAX_NAMED: usize = 6;

/// Largest input image the start step writes out value by value.
const MAX_IMAGE: usize = 256;

// ---------------------------------------------------------------- where a step is

/// One engine layer of a pass, seen from its step: its blobs and their shapes.
struct At<'a> {
    p: &'a Pass,
    /// The engine layer (0-based).
    k: usize,
    /// The layer as shown, k + 1: its input is a(l − 1), its output a(l).
    l: usize,
    layer: &'a Layer,
    input: Shape,
    out: Shape,
    /// a(l − 1) and a(l).
    x: &'a [f64],
    y: &'a [f64],
}

impl<'a> At<'a> {
    fn new(p: &'a Pass, k: usize) -> Self {
        At {
            p,
            k,
            l: k + 1,
            layer: &p.net.layers[k],
            input: p.shapes[k],
            out: p.shapes[k + 1],
            x: p.layer_input(k),
            y: &p.outputs[k],
        }
    }

    fn is_last(&self) -> bool {
        self.k + 1 == self.p.net.layers.len()
    }

    /// δ(l) = ∂L/∂a(l), the gradient at this layer's output: from the loss for the last
    /// layer (as the engine takes it), else the `grad_input` of the layer above.
    fn upstream(&self) -> Cow<'a, [f64]> {
        if self.is_last() {
            Cow::Owned(self.p.net.loss.dy(self.p.output(), &self.p.target))
        } else {
            Cow::Borrowed(&self.p.grad_inputs[self.k + 1])
        }
    }

    /// δ(l − 1) = ∂L/∂a(l − 1), what this layer's backward writes.
    fn grad_in(&self) -> &'a [f64] {
        &self.p.grad_inputs[self.k]
    }
}

/// True for a softmax last layer under cross-entropy: its backward starts from the
/// combined gradient y·Σt − t, as the engine's does.
fn combined(p: &Pass) -> bool {
    p.net.loss == Loss::CrossEntropy
        && matches!(
            p.net.layers.last(),
            Some(Layer::Activation(Activation::Softmax))
        )
}

/// (channel, row, column) of flat index `f` of a map.
fn chw(shape: Shape, f: usize) -> (usize, usize, usize) {
    let (_, h, w) = shape.chw();
    (f / (h * w), f / w % h, f % w)
}

/// Cell `f` (flat) of blob `l` named `name`: `a(1)[1,2,3]` of a map, `a(4)_3` of a vector.
fn blob(n: &Notation, name: &str, l: usize, shape: Shape, f: usize) -> String {
    if shape.is_vector() {
        n.sym(name, l, &(f + 1).to_string())
    } else {
        let (c, i, j) = chw(shape, f);
        n.cell(name, l, &[c, i, j])
    }
}

/// Any cell of blob `l`: `a(1)[c,i,j]` (a single channel's `a(1)[1,i,j]`), or `a(4)_i`.
fn blob_any(n: &Notation, name: &str, l: usize, shape: Shape, letters: [&str; 3]) -> String {
    if shape.is_vector() {
        n.sym(name, l, letters[1])
    } else {
        let c = if shape.chw().0 == 1 { "1" } else { letters[0] };
        n.cell_sym(name, l, &[c, letters[1], letters[2]])
    }
}

/// The output cells a step computes (flat): one window's, one channel's, or all.
fn step_cells(step: &Step, out: Shape) -> Vec<usize> {
    let (_, h, w) = out.chw();
    match (step.neuron, step.window) {
        (Some(c), Some(k)) => vec![c * h * w + k],
        (Some(c), None) => (c * h * w..(c + 1) * h * w).collect(),
        _ => (0..out.len()).collect(),
    }
}

/// A letter, or "1" when its range has one value only (a single channel).
fn letter(name: &'static str, count: usize) -> &'static str {
    if count == 1 {
        "1"
    } else {
        name
    }
}

/// The input row (1-based) that output row `i` (letter) and kernel row `u` read:
/// (i − 1)·s + u − p, written `s·i + u − (s + p)`.
fn tap_expr(n: &Notation, i: &str, u: &str, s: usize, p: usize) -> String {
    n.affine(&[(s as isize, i), (1, u)], -((s + p) as isize))
}

/// The same for a known output row `i0` (0-based): u + i0·s − p.
fn tap_at(n: &Notation, i0: usize, u: &str, s: usize, p: usize) -> String {
    n.affine(&[(1, u)], (i0 * s) as isize - p as isize)
}

/// `a + b + …` of `count` terms, cut to the first and last when longer than `max`.
fn join_cut(n: &Notation, count: usize, term: impl Fn(usize) -> String, max: usize) -> String {
    if count <= max {
        return (0..count).map(term).collect::<Vec<_>>().join(PLUS);
    }
    let mut v: Vec<String> = (0..max - 2).map(&term).collect();
    v.push(n.dots().to_string());
    v.push(term(count - 1));
    v.join(PLUS)
}

/// A product of two numbers as a term: `0.5·(-1)`.
fn prod(n: &Notation, a: f64, b: f64) -> String {
    format!("{}{}{}", n.factor(a), n.tdot(), n.factor(b))
}

/// A product of two symbols: `K(1)[1,1,1,1]·a(0)[1,1,1]`.
fn prod_sym(n: &Notation, a: &str, b: &str) -> String {
    format!("{a}{}{b}", n.tdot())
}

/// The real rows `a`–`b` (1-based) of a window starting at row `start` (0-based, negative
/// in the padding) of size `k` over a side of `len`, and how many there are.
fn span(start: isize, k: usize, len: usize) -> (usize, usize, usize) {
    let lo = start.max(0);
    let hi = (start + k as isize - 1).min(len as isize - 1);
    if hi < lo {
        return (0, 0, 0);
    }
    (lo as usize + 1, hi as usize + 1, (hi - lo + 1) as usize)
}

/// `2–3` or `2` for a range of rows or columns.
fn range(a: usize, b: usize) -> String {
    if a == b {
        a.to_string()
    } else {
        format!("{a}–{b}")
    }
}

/// The output size of one side: `⌊(5 + 2·0 − 2) / 1⌋ + 1 = 4`.
fn side_formula(len: usize, k: usize, s: usize, p: usize, out: usize) -> String {
    format!("⌊({len} + 2·{p} − {k}) / {s}⌋ + 1 = {out}")
}

// ---------------------------------------------------------------- titles

/// The layer named with its sizes: `conv 2×2, 1→1 channel, stride 1`.
fn describe(p: &Pass, k: usize, lang: Lang) -> String {
    let at = At::new(p, k);
    let zh = lang == Lang::Zh;
    let pad = |padding: usize| {
        if padding == 0 {
            String::new()
        } else if zh {
            format!("，填充 {padding}")
        } else {
            format!(", padding {padding}")
        }
    };
    match at.layer {
        Layer::Conv(c) => {
            let (ci, co, kk, s) = (c.in_channels, c.out_channels, c.kernel, c.stride);
            if zh {
                format!("卷积 {kk}×{kk}，{ci}→{co} 通道，步长 {s}{}", pad(c.padding))
            } else {
                let ch = if co == 1 { "channel" } else { "channels" };
                format!(
                    "conv {kk}×{kk}, {ci}→{co} {ch}, stride {s}{}",
                    pad(c.padding)
                )
            }
        }
        Layer::MaxPool(q) | Layer::AvgPool(q) => {
            let max = matches!(at.layer, Layer::MaxPool(_));
            let (kk, s) = (q.kernel, q.stride);
            if zh {
                let what = if max { "最大池化" } else { "平均池化" };
                format!("{what} {kk}×{kk}，步长 {s}{}", pad(q.padding))
            } else {
                let what = if max { "max pool" } else { "average pool" };
                format!("{what} {kk}×{kk}, stride {s}{}", pad(q.padding))
            }
        }
        Layer::Flatten => lang.pick(
            format!("flatten {} → {}", at.input, at.out),
            format!("展平 {} → {}", at.input, at.out),
        ),
        Layer::Dense(d) => lang.pick(
            format!("dense {} → {}", d.inputs, d.outputs),
            format!("全连接层 {} → {}", d.inputs, d.outputs),
        ),
        Layer::Activation(Activation::Softmax) => "softmax".into(),
        Layer::Activation(a) => lang.pick(
            format!("{}, cell by cell", a.name()),
            format!("{}（逐元素）", a.name()),
        ),
    }
}

/// The part of a sliding layer a finer step takes: ` · output channel 1`,
/// ` · window (2,3) → a(1)[1,2,3]`.
fn part(p: &Pass, step: &Step, k: usize, lang: Lang, name: &str) -> String {
    let at = At::new(p, k);
    let n = Notation::plain(4);
    let conv = matches!(at.layer, Layer::Conv(_));
    match (step.neuron, step.window) {
        (Some(c), Some(w)) => {
            let (_, _, wo) = at.out.chw();
            let (i, j) = (w / wo, w % wo);
            let cell = n.cell(name, at.l, &[c, i, j]);
            lang.pick(
                format!(" · window ({},{}) → {cell}", i + 1, j + 1),
                format!(" · 窗口 ({},{}) → {cell}", i + 1, j + 1),
            )
        }
        (Some(c), None) if conv => lang.pick(
            format!(" · output channel {}", c + 1),
            format!(" · 输出通道 {}", c + 1),
        ),
        (Some(c), None) => lang.pick(
            format!(" · channel {}", c + 1),
            format!(" · 通道 {}", c + 1),
        ),
        _ => String::new(),
    }
}

/// A step's title, in `lang`.
pub fn title(p: &Pass, step: &Step, digits: usize, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match (step.kind, step.layer) {
        (Kind::Forward, Some(k)) => {
            let (l, what) = (k + 1, describe(p, k, lang));
            let part = part(p, step, k, lang, "a");
            if zh {
                format!("前向传播 · 第 {l} 层：{what}{part}")
            } else {
                format!("Forward · layer {l}: {what}{part}")
            }
        }
        (Kind::Backward, Some(k)) => {
            let (l, what) = (k + 1, describe(p, k, lang));
            let part = part(p, step, k, lang, "δ");
            let at = At::new(p, k);
            let below = k;
            let does = match at.layer {
                Layer::Conv(_) => lang.pick(
                    format!("∂L/∂K({l}), ∂L/∂b({l}), δ({below})"),
                    format!("∂L/∂K({l})、∂L/∂b({l})、δ({below})"),
                ),
                Layer::Dense(_) => lang.pick(
                    format!("∂L/∂W({l}) = δ({l}) a({below})ᵀ, δ({below}) = W({l})ᵀ δ({l})"),
                    format!("∂L/∂W({l}) = δ({l}) a({below})ᵀ，δ({below}) = W({l})ᵀ δ({l})"),
                ),
                Layer::MaxPool(_) => lang.pick(
                    format!("δ({below}): each gradient to its window's winner"),
                    format!("δ({below})：梯度只传给窗口中的最大值"),
                ),
                Layer::AvgPool(_) => lang.pick(
                    format!("δ({below}): each gradient shared evenly by its window"),
                    format!("δ({below})：梯度平均分给窗口中的每个单元"),
                ),
                Layer::Flatten => lang.pick(
                    format!("δ({below}) = δ({l}) reshaped to {}", at.input),
                    format!("δ({below}) = δ({l}) 变回 {}", at.input),
                ),
                Layer::Activation(Activation::Softmax) => {
                    format!("δ({below}) = y ⊙ (δ({l}) − Σ_k δ({l})_k y_k)")
                }
                Layer::Activation(a) => {
                    format!("δ({below}) = δ({l}) ⊙ {}′(a({below}))", a.symbol())
                }
            };
            if let (Some(c), Some(w)) = (step.neuron, step.window) {
                // One δ cell: where it goes.
                let (_, _, wo) = at.out.chw();
                let (i, j) = (w / wo, w % wo);
                let d = Notation::plain(4).cell("δ", l, &[c, i, j]);
                let (wi, wj) = (i + 1, j + 1);
                let en = match at.layer {
                    Layer::Conv(_) => format!(
                        "what {d} (window ({wi},{wj})) adds to ∂L/∂K({l}), ∂L/∂b({l}), δ({below})"
                    ),
                    Layer::MaxPool(_) => format!("{d} (window ({wi},{wj})) to its winner"),
                    _ => format!("{d} (window ({wi},{wj})) shared by its cells"),
                };
                let zh_text = match at.layer {
                    Layer::Conv(_) => format!(
                        "{d}（窗口 ({wi},{wj})）对 ∂L/∂K({l})、∂L/∂b({l})、δ({below}) 的贡献"
                    ),
                    Layer::MaxPool(_) => format!("{d}（窗口 ({wi},{wj})）传给胜出者"),
                    _ => format!("{d}（窗口 ({wi},{wj})）平均分给窗口内各单元"),
                };
                return lang.pick(
                    format!("Backward · layer {l}: {what} · {en}"),
                    format!("反向传播 · 第 {l} 层：{what} · {zh_text}"),
                );
            }
            if combined(p) && at.is_last() {
                return lang.pick(
                    format!(
                        "Backward · layer {l}: softmax with cross-entropy · δ({below}) = y − t"
                    ),
                    format!("反向传播 · 第 {l} 层：softmax 与交叉熵 · δ({below}) = y − t"),
                );
            }
            if zh {
                format!("反向传播 · 第 {l} 层：{what}{part} · {does}")
            } else {
                format!("Backward · layer {l}: {what}{part} · {does}")
            }
        }
        (Kind::Start, _) => {
            let shape = p.shapes[0];
            lang.pick(
                format!("Start: the input image x ({shape}) and the target t"),
                format!("开始：输入图像 x（{shape}）与目标 t"),
            )
        }
        (Kind::Loss, _) => {
            let (en, zh_name) = match p.net.loss {
                Loss::HalfSse => ("half the sum of squared errors", "误差平方和的一半"),
                Loss::Mse => ("mean squared error", "均方误差"),
                Loss::CrossEntropy => ("cross-entropy", "交叉熵"),
            };
            lang.pick(format!("Loss: L, {en}"), format!("损失：L，{zh_name}"))
        }
        (Kind::Update, _) => {
            let eta = crate::number::fmt(p.rule.learning_rate, digits);
            let conv = p.net.layers.iter().any(|l| matches!(l, Layer::Conv(_)));
            let dense = p.net.layers.iter().any(|l| matches!(l, Layer::Dense(_)));
            let mut what = Vec::new();
            if conv {
                what.push("K ← K − η ∂L/∂K");
            }
            if dense {
                what.push("W ← W − η ∂L/∂W");
            }
            if !p.rule.freeze_biases {
                what.push("b ← b − η ∂L/∂b");
            }
            if zh {
                format!("更新：{}（η = {eta}）", what.join("，"))
            } else {
                format!("Update: {} (η = {eta})", what.join(", "))
            }
        }
        _ => lang.pick("Start".into(), "开始".into()),
    }
}

// ---------------------------------------------------------------- notes

/// `⌊…⌋ + 1 = 4` for both sides (once when they agree), and what the floor drops.
fn size_note(lang: Lang, input: Shape, out: Shape, (k, s, p): (usize, usize, usize)) -> String {
    let (_, h, w) = input.chw();
    let (_, ho, wo) = out.chw();
    let mut out = if h == w {
        let f = side_formula(h, k, s, p, ho);
        lang.pick(
            format!(
                " Output size: ⌊(H + 2p − k) / s⌋ + 1 = {f}, so each output channel is a {ho}×{wo} map."
            ),
            format!("输出尺寸：⌊(H + 2p − k) / s⌋ + 1 = {f}，每个输出通道是 {ho}×{wo} 的特征图。"),
        )
    } else {
        let (fh, fw) = (side_formula(h, k, s, p, ho), side_formula(w, k, s, p, wo));
        lang.pick(
            format!(" Output size: ⌊(H + 2p − k) / s⌋ + 1: {fh} rows, {fw} columns."),
            format!("输出尺寸：⌊(H + 2p − k) / s⌋ + 1：{fh} 行，{fw} 列。"),
        )
    };
    let (dr, dc) = ((h + 2 * p - k) % s, (w + 2 * p - k) % s);
    if dr > 0 || dc > 0 {
        let (what_en, what_zh) = match (dr, dc) {
            (0, c) => (plural(c, "column", "columns"), format!("最后 {c} 列")),
            (r, 0) => (plural(r, "row", "rows"), format!("最后 {r} 行")),
            (r, c) => (
                format!(
                    "{} and {}",
                    plural(r, "row", "rows"),
                    plural(c, "column", "columns")
                ),
                format!("最后 {r} 行和最后 {c} 列"),
            ),
        };
        let verbs = if dr + dc == 1 {
            "fits no whole window and is"
        } else {
            "fit no whole window and are"
        };
        out.push_str(&lang.pick(
            format!(" The last {what_en} of the padded input {verbs} never read (the size is rounded down)."),
            format!("填充后输入的{what_zh}放不下一个完整的窗口，从不被读到（尺寸向下取整）。"),
        ));
    }
    out
}

/// `row`, `2 rows`.
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        format!("{n} {many}")
    }
}

/// Where the window of output cell (i, j) lies in the input: rows, columns, and how
/// many of its k×k cells are padding.
fn window_note(
    lang: Lang,
    input: Shape,
    (i, j): (usize, usize),
    (k, s, p): (usize, usize, usize),
    blob: &str,
) -> String {
    let (_, h, w) = input.chw();
    let r0 = (i * s) as isize - p as isize;
    let c0 = (j * s) as isize - p as isize;
    let (ra, rb, rn) = span(r0, k, h);
    let (ca, cb, cn) = span(c0, k, w);
    let padding = k * k - rn * cn;
    let mut out = lang.pick(
        format!(
            "The window covers rows {}, columns {} of {blob}",
            range(ra, rb),
            range(ca, cb)
        ),
        format!(
            "窗口覆盖 {blob} 的第 {} 行、第 {} 列",
            range(ra, rb),
            range(ca, cb)
        ),
    );
    if padding > 0 {
        out.push_str(&lang.pick(
            format!("; {padding} of its {} cells lie in the zero padding", k * k),
            format!("；它的 {} 个位置中有 {padding} 个落在补的 0 上", k * k),
        ));
    }
    out.push_str(lang.pick(".", "。"));
    out
}

/// A step's note, in `lang`.
pub fn note(p: &Pass, step: &Step, digits: usize, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match (step.kind, step.layer) {
        (Kind::Start, _) => {
            let shape = p.shapes[0];
            let t = p.target.len();
            let what = match shape {
                Shape::Map { c, h, w } => lang.pick(
                    format!(
                        "The input a(0) = x is a {h}×{w} image with {c} channel{}",
                        if c == 1 { "" } else { "s" }
                    ),
                    format!("输入 a(0) = x 是一幅 {h}×{w} 的图像，有 {c} 个通道"),
                ),
                Shape::Vector(m) => lang.pick(
                    format!("The input a(0) = x has {m} values"),
                    format!("输入 a(0) = x 有 {m} 个值"),
                ),
            };
            let big = lang.pick(
                if shape.len() > MAX_IMAGE {
                    " (too many to write out here)"
                } else {
                    ""
                },
                if shape.len() > MAX_IMAGE {
                    "（数值太多，这里不逐个列出）"
                } else {
                    ""
                },
            );
            lang.pick(
                format!("Nothing is computed yet. {what}{big}, written row by row below; the target t has {t} entries. Step forward to run the network on this image."),
                format!("尚未计算任何值。{what}{big}，下面逐行列出；目标 t 有 {t} 个分量。向前一步，让网络在这幅图像上运行。"),
            )
        }
        (Kind::Forward, Some(k)) => forward_note(p, step, k, lang),
        (Kind::Backward, Some(k)) => backward_note(p, step, k, lang),
        (Kind::Loss, _) => {
            let last = p.depth();
            let f = p.net.loss.formula();
            if zh {
                format!("损失衡量输出 y = a({last}) 与目标 t 的差距：{f}。")
            } else {
                format!(
                    "The loss measures how far the output y = a({last}) is from the target t: {f}."
                )
            }
        }
        (Kind::Update, _) => {
            let eta = crate::number::fmt(p.rule.learning_rate, digits);
            let conv = p.net.layers.iter().any(|l| matches!(l, Layer::Conv(_)));
            let dense = p.net.layers.iter().any(|l| matches!(l, Layer::Dense(_)));
            let (what_en, what_zh) = match (conv, dense) {
                (true, true) => (
                    "Every kernel weight, dense weight and bias",
                    "每个卷积核权重、全连接权重和偏置",
                ),
                (true, false) => ("Every kernel weight and bias", "每个卷积核权重和偏置"),
                _ => ("Every weight and bias", "每个权重和偏置"),
            };
            let mut out = lang.pick(
                format!("{what_en} takes a step of size η = {eta} against its gradient, all at once, now that the whole backward pass is done; ⁺ marks a value after the update. The parameters are listed layer by layer{}.", if conv { ", kernels in the order K[o,c,u,v]" } else { "" }),
                format!("整个反向传播结束后，{what_zh}同时沿梯度的反方向迈出一步，步长为学习率 η = {eta}；⁺ 表示更新后的值。参数按层列出{}。", if conv { "，卷积核按 K[o,c,u,v] 的顺序" } else { "" }),
            );
            if p.rule.weight_decay != 0.0 {
                let lam = crate::number::fmt(p.rule.weight_decay, digits);
                out.push_str(&lang.pick(
                    format!(" L2 weight decay λ = {lam} adds λW to each weight's gradient."),
                    format!(" L2 权重衰减 λ = {lam} 在每个权重的梯度上加上 λW。"),
                ));
            }
            if p.rule.freeze_biases {
                out.push_str(lang.pick(
                    " The biases are frozen (kept as they are).",
                    " 偏置被冻结（保持不变）。",
                ));
            }
            out
        }
        _ => String::new(),
    }
}

fn forward_note(p: &Pass, step: &Step, k: usize, lang: Lang) -> String {
    let at = At::new(p, k);
    let (l, below) = (at.l, at.k);
    let n = Notation::plain(4);
    let window = step.window.map(|w| {
        let (c, i, j) = chw(
            at.out,
            step.neuron.unwrap_or(0) * at.out.chw().1 * at.out.chw().2 + w,
        );
        (c, i, j)
    });
    match at.layer {
        Layer::Conv(c) => {
            let (ci, co, kk, s, pd) =
                (c.in_channels, c.out_channels, c.kernel, c.stride, c.padding);
            let geometry = (kk, s, pd);
            if let Some((o, i, j)) = window {
                let cell = n.cell("a", l, &[o, i, j]);
                let mut out = lang.pick(
                    format!("{cell} is kernel {} laid over one window of a({below}): each weight times the cell under it, all added, plus the bias b({l})_{}. ", o + 1, o + 1),
                    format!("{cell} 就是把第 {} 个卷积核放在 a({below}) 的一个窗口上：每个权重乘以其下方的输入值，全部相加，再加上偏置 b({l})_{}。", o + 1, o + 1),
                );
                out.push_str(&window_note(
                    lang,
                    at.input,
                    (i, j),
                    geometry,
                    &format!("a({below})"),
                ));
                if ci > 1 {
                    out.push_str(&lang.pick(
                        format!(" The same window is read in each of the {ci} input channels."),
                        format!("{ci} 个输入通道都读取同一位置的窗口。"),
                    ));
                }
                let padded = c
                    .output_terms(at.input, at.x, o, i, j)
                    .iter()
                    .any(|t| t.padding);
                out.push_str(if padded {
                    lang.pick(
                        " Below: each product (those with padding cells, being 0, are left out), then their sum with the bias.",
                        "下面先列出每个乘积（与填充的 0 相乘的略去），再把它们与偏置相加。",
                    )
                } else {
                    lang.pick(
                        " Below: each product, then their sum with the bias.",
                        "下面先列出每个乘积，再把它们与偏置相加。",
                    )
                });
                return out;
            }
            let kernels = lang.pick(
                format!(
                    "{co} kernel{} of {ci}×{kk}×{kk} make{} {co} output channel{}",
                    if co == 1 { "" } else { "s" },
                    if co == 1 { "s" } else { "" },
                    if co == 1 { "" } else { "s" }
                ),
                format!(" {co} 个 {ci}×{kk}×{kk} 的卷积核产生 {co} 个输出通道"),
            );
            let mut out = lang.pick(
                format!("Each output cell is a kernel laid over one window of the input: the kernel's weights times the cells under them, summed over the window and every input channel, plus the bias of the output channel. This is a cross-correlation, as PyTorch's conv2d computes it: the kernel is not turned. Here {kernels}; the window moves {s} cell{} at a time (stride {s}).", if s == 1 { "" } else { "s" }),
                format!("每个输出单元就是把卷积核放在输入的一个窗口上：卷积核的权重与其下方的输入值逐个相乘，在窗口内、在所有输入通道上求和，再加上该输出通道的偏置。这是互相关（与 PyTorch 的 conv2d 相同）：卷积核不翻转。这里{kernels}；窗口每次移动 {s} 格（步长 {s}）。"),
            );
            out.push_str(&size_note(lang, at.input, at.out, geometry));
            if pd > 0 {
                out.push_str(&lang.pick(
                    format!(" Padding {pd}: the input gets {pd} ring{} of zeros around it; a product with a padding cell is 0 and is left out below.", if pd == 1 { "" } else { "s" }),
                    format!("填充 {pd}：输入四周补上 {pd} 圈 0；与填充位置相乘的积为 0，下面的式子中略去。"),
                ));
            }
            out
        }
        Layer::MaxPool(q) | Layer::AvgPool(q) => {
            let max = matches!(at.layer, Layer::MaxPool(_));
            let geometry = (q.kernel, q.stride, q.padding);
            let kk = q.kernel;
            if let Some((c, i, j)) = window {
                let cell = n.cell("a", l, &[c, i, j]);
                let mut out = window_note(lang, at.input, (i, j), geometry, &format!("a({below})"));
                if max {
                    let f = at.out.index(c, i, j);
                    let (_, _, w) = at.input.chw();
                    let win = p.argmax[k][f];
                    let best = at.y[f];
                    let winner = n.cell("a", below, &[c, win / w, win % w]);
                    let ties = q
                        .window(at.input, i, j)
                        .iter()
                        .filter_map(|cell| cell.index)
                        .filter(|&x| at.x[at.input.index(c, 0, 0) + x] == best)
                        .count();
                    out.push_str(&lang.pick(
                        format!(" {cell} is its largest value, {}, the cell {winner}: the backward pass will send this window's gradient there.", n.num(best)),
                        format!("{cell} 是其中的最大值 {}，即 {winner}：反向传播时这个窗口的梯度就送到那里。", n.num(best)),
                    ));
                    if ties > 1 {
                        out.push_str(&lang.pick(
                            format!(
                                " {ties} cells hold that value: the first in row-major order wins."
                            ),
                            format!("有 {ties} 个位置取到这个值：按行优先顺序第一个胜出。"),
                        ));
                    }
                } else {
                    out.push_str(&lang.pick(
                        format!(" {cell} is the mean: the sum of the window's cells divided by k² = {}{}.", kk * kk, if q.padding > 0 { ", padding cells counting as zeros" } else { "" }),
                        format!("{cell} 是平均值：窗口内各值之和除以 k² = {}{}。", kk * kk, if q.padding > 0 { "，填充位置按 0 计入" } else { "" }),
                    ));
                }
                return out;
            }
            let mut out = if max {
                lang.pick(
                    format!("Max pooling keeps the largest value of each {kk}×{kk} window, channel by channel; it has no weights to learn. The winner of each window (its argmax) is remembered: the backward pass sends the window's gradient there. A tie goes to the first maximum in row-major order{}.", if q.padding > 0 { ", and a padding cell never wins" } else { "" }),
                    format!("最大池化在每个通道上取每个 {kk}×{kk} 窗口中的最大值，没有需要学习的权重。每个窗口的胜出位置（argmax）会被记下：反向传播时这个窗口的梯度就送到那里。若有并列最大值，取按行优先顺序的第一个{}。", if q.padding > 0 { "；填充位置永远不会胜出" } else { "" }),
                )
            } else {
                lang.pick(
                    format!("Average pooling replaces each {kk}×{kk} window by its mean, channel by channel; it has no weights to learn. The divisor is always k² = {}{}.", kk * kk, if q.padding > 0 { ": padding cells count as zeros (PyTorch's count_include_pad)" } else { "" }),
                    format!("平均池化在每个通道上用每个 {kk}×{kk} 窗口的平均值代替该窗口，没有需要学习的权重。除数总是 k² = {}{}。", kk * kk, if q.padding > 0 { "：填充位置按 0 计入（PyTorch 的 count_include_pad）" } else { "" }),
                )
            };
            out.push_str(&lang.pick(
                format!(
                    " The window moves {} cell{} at a time (stride {}).",
                    q.stride,
                    if q.stride == 1 { "" } else { "s" },
                    q.stride
                ),
                format!("窗口每次移动 {} 格（步长 {}）。", q.stride, q.stride),
            ));
            if q.stride < kk {
                out.push_str(&lang.pick(
                    format!(" The windows overlap (stride {} < window {kk}): a cell can be in several windows.", q.stride),
                    format!("窗口互相重叠（步长 {} < 窗口 {kk}）：同一个单元可能属于多个窗口。", q.stride),
                ));
            }
            out.push_str(&size_note(lang, at.input, at.out, geometry));
            out
        }
        Layer::Flatten => {
            if at.input.is_vector() {
                return lang.pick(
                    "The input is a vector already: flatten passes it on unchanged.".into(),
                    "输入已经是向量：展平原样传下去。".into(),
                );
            }
            let (c, h, w) = at.input.chw();
            lang.pick(
                format!("Flatten changes no value, only the shape: the {c}×{h}×{w} map is read channel by channel, row by row (C-order, as PyTorch's reshape), into a vector of {}. Cell [c,i,j] becomes entry m = (c − 1)·{} + (i − 1)·{w} + j (counting from 1).", at.out.len(), h * w),
                format!("展平不改变任何数值，只改变形状：把 {c}×{h}×{w} 的特征图按通道、再按行依次读出（C 顺序，与 PyTorch 的 reshape 相同），得到长度为 {} 的向量。位置 [c,i,j] 成为第 m = (c − 1)·{} + (i − 1)·{w} + j 个分量（从 1 开始计数）。", at.out.len(), h * w),
            )
        }
        Layer::Dense(d) => {
            let next = matches!(p.net.layers.get(k + 1), Some(Layer::Activation(_)));
            let mut out = lang.pick(
                format!("A fully connected layer: each of its {} units adds up all {} inputs a({below}), each times its weight, plus its bias: a({l}) = W({l}) a({below}) + b({l}).", d.outputs, d.inputs),
                format!("全连接层：它的 {} 个神经元各自把全部 {} 个输入 a({below}) 乘以对应权重后相加，再加上偏置：a({l}) = W({l}) a({below}) + b({l})。", d.outputs, d.inputs),
            );
            if next {
                out.push_str(&lang.pick(
                    format!(
                        " Its activation is layer {} of its own, as in Caffe.",
                        l + 1
                    ),
                    format!("按 Caffe 的做法，它的激活函数单独作为第 {} 层。", l + 1),
                ));
            }
            out
        }
        Layer::Activation(Activation::Softmax) => lang.pick(
            format!(
                "softmax turns the scores a({below}) into probabilities that add up to 1: {}.",
                Activation::Softmax.formula()
            ),
            format!(
                "softmax 把得分 a({below}) 变成和为 1 的概率：{}。",
                Activation::Softmax.formula()
            ),
        ),
        Layer::Activation(act) => {
            let mut out = lang.pick(
                format!("{} acts on every cell on its own: {}. The blob keeps its shape {}; nothing is learned. It is a layer of its own, as in Caffe, so a({below}) is the layer below's output before the activation.", act.name(), act.formula(), at.out),
                format!("{} 逐元素作用于每个单元：{}。数据保持形状 {} 不变，没有需要学习的参数。按 Caffe 的做法它自成一层，所以 a({below}) 是前一层（未经激活）的输出。", act.name(), formula_zh(*act), at.out),
            );
            if *act == Activation::Relu {
                out.push_str(lang.pick(" Negative cells become 0.", "负值都变成 0。"));
            }
            out
        }
    }
}

/// The activation in words for a Chinese note (the formulas with "if … else" in words).
fn formula_zh(act: Activation) -> &'static str {
    match act {
        Activation::LeakyRelu => "z > 0 时 leaky_relu(z) = z，否则为 0.01·z",
        a => a.formula(),
    }
}

/// Its derivative, likewise.
fn derivative_zh(act: Activation) -> &'static str {
    match act {
        Activation::Relu => "z > 0 时 relu′(z) = 1，否则为 0",
        Activation::LeakyRelu => "z > 0 时 leaky_relu′(z) = 1，否则为 0.01",
        a => a.derivative_formula(),
    }
}

fn backward_note(p: &Pass, step: &Step, k: usize, lang: Lang) -> String {
    let at = At::new(p, k);
    let (l, below) = (at.l, at.k);
    let n = Notation::plain(4);
    let fine = step.neuron.is_some();
    // Where δ(l) comes from: the loss (the first backward step) or the layer above.
    let mut out = if at.is_last() {
        lang.pick(
            "The backward pass starts at the top layer and walks down to the first, as Caffe's Net::Backward does: each layer turns the gradient at its output into the gradient at its input, and its parameters' gradients. ".to_string(),
            "反向传播从最上面一层开始，逐层向下直到第一层，与 Caffe 的 Net::Backward 相同：每一层把其输出处的梯度变成输入处的梯度，并算出其参数的梯度。".to_string(),
        )
    } else if fine {
        String::new()
    } else {
        lang.pick(
            format!("δ({l}) = ∂L/∂a({l}) is what layer {} handed down in the step before (Caffe's order: top layer first). ", l + 1),
            format!("δ({l}) = ∂L/∂a({l}) 是上一步中第 {} 层传下来的梯度（Caffe 的顺序：从最上层开始）。", l + 1),
        )
    };
    if at.is_last() && !combined(p) {
        out.push_str(&lang.pick(
            format!(
                "Here δ({l}) = ∂L/∂y comes from the loss: {}. ",
                p.net.loss.dy_formula()
            ),
            format!(
                "这里 δ({l}) = ∂L/∂y 来自损失函数：{}。",
                p.net.loss.dy_formula()
            ),
        ));
    }
    let window = step.window.map(|w| {
        let (_, ho, wo) = at.out.chw();
        chw(at.out, step.neuron.unwrap_or(0) * ho * wo + w)
    });
    let text = match at.layer {
        Layer::Activation(Activation::Softmax) if combined(p) => lang.pick(
            format!("Softmax and cross-entropy are differentiated together: ∂L/∂a({below})_i = y_i − t_i, the output minus the target (y_i·Σt − t_i when the targets do not add up to 1). Taken in one step, ∂L/∂y = −t/y is never formed: it would divide by a probability that may be tiny."),
            format!("softmax 与交叉熵合在一起求导：∂L/∂a({below})_i = y_i − t_i，即输出减去目标（目标之和不为 1 时是 y_i·Σt − t_i）。一步算出，就不必先算 ∂L/∂y = −t/y——那要除以一个可能极小的概率。"),
        ),
        Layer::Activation(Activation::Softmax) => lang.pick(
            format!("Every output of softmax depends on every input, so the gradient goes through its Jacobian: δ({below})_i = y_i (δ({l})_i − Σ_k δ({l})_k y_k)."),
            format!("softmax 的每个输出都依赖于每个输入，所以梯度要经过它的雅可比矩阵：δ({below})_i = y_i (δ({l})_i − Σ_k δ({l})_k y_k)。"),
        ),
        Layer::Activation(act) => {
            let mut t = lang.pick(
                format!("Going back through an element-wise {}, each cell's gradient is multiplied by the slope of {} at that cell: δ({below}) = δ({l}) ⊙ {}′, cell by cell, with {}.", act.name(), act.name(), act.symbol(), act.derivative_formula()),
                format!("反向经过逐元素的 {} 时，每个单元的梯度乘以 {} 在该处的斜率：δ({below}) = δ({l}) ⊙ {}′，逐元素相乘，其中 {}。", act.name(), act.name(), act.symbol(), derivative_zh(*act)),
            );
            match act {
                Activation::Relu => t.push_str(lang.pick(
                    " Where a cell was not positive (relu′ = 0, at 0 too, as PyTorch) the gradient stops here.",
                    "输入不为正的单元（relu′ = 0，在 0 处也取 0，与 PyTorch 一致）梯度在这里被截断。",
                )),
                Activation::Sigmoid | Activation::Tanh => t.push_str(&lang.pick(
                    format!(" The slope is computed from the output a({l}), as the engine does."),
                    format!("斜率由输出 a({l}) 算出，与引擎的算法相同。"),
                )),
                _ => {}
            }
            t
        }
        Layer::MaxPool(q) => {
            let overlap = q.stride < q.kernel;
            if let Some((c, i, j)) = window {
                let f = at.out.index(c, i, j);
                let (_, _, w) = at.input.chw();
                let win = p.argmax[k][f];
                let winner = n.cell("a", below, &[c, win / w, win % w]);
                let d = n.cell("δ", l, &[c, i, j]);
                let wins = p.argmax[k]
                    .iter()
                    .enumerate()
                    .filter(|&(g, &a)| a == win && chw(at.out, g).0 == c)
                    .count();
                let mut t = lang.pick(
                    format!("Max pooling has no derivative in the usual sense: the window's output is a copy of its winner, so {d} goes to the winner {winner} only; the other cells of the window get nothing from it."),
                    format!("最大池化没有通常意义下的导数：窗口的输出就是胜出者的拷贝，所以 {d} 只传给胜出的 {winner}，窗口里其他单元从它那里什么也得不到。"),
                );
                if wins > 1 {
                    t.push_str(&lang.pick(
                        format!(" {winner} wins {wins} windows: their gradients add up there (running total below)."),
                        format!("{winner} 在 {wins} 个窗口中胜出：这些窗口的梯度在那里累加（下面是累加到此的值）。"),
                    ));
                }
                t
            } else {
                let mut t = lang.pick(
                    format!("Max pooling has no derivative in the usual sense: its output is a copy of one input cell, the winner of the window, so nudging any other cell changes nothing. So each gradient cell δ({l})[c,i,j] goes to its window's winner only (the argmax remembered in the forward pass); every other cell of δ({below}) gets 0 and is not listed."),
                    format!("最大池化没有通常意义下的导数：它的输出就是窗口中胜出的那个输入值的拷贝，其他位置稍有变化也不影响输出。因此每个梯度 δ({l})[c,i,j] 只传给它所在窗口的胜出位置（前向传播时记下的 argmax）；δ({below}) 的其余位置都是 0，不再列出。"),
                );
                if overlap {
                    let cells = step_cells(step, at.out);
                    let shared = shared_winner(p, k, &cells);
                    t.push_str(&lang.pick(
                        " The windows overlap: where one cell won several windows, their gradients add up".to_string(),
                        "窗口互相重叠：一个位置若在多个窗口中胜出，这些窗口的梯度就在那里累加".to_string(),
                    ));
                    t.push_str(&match shared {
                        Some(f) => lang.pick(
                            format!(", as at {} below.", blob(&n, "δ", below, at.input, f)),
                            format!("，例如下面的 {}。", blob(&n, "δ", below, at.input, f)),
                        ),
                        None => lang.pick(".".into(), "。".into()),
                    });
                }
                t
            }
        }
        Layer::AvgPool(q) => {
            let k2 = q.kernel * q.kernel;
            if let Some((c, i, j)) = window {
                let d = n.cell("δ", l, &[c, i, j]);
                lang.pick(
                    format!("Average pooling has no winner: every cell of the window counted 1/{k2} in its mean, so each gets {d} / {k2}, added to what earlier windows gave it (running totals below){}.", if q.padding > 0 { "; the shares of padding cells are dropped" } else { "" }),
                    format!("平均池化没有胜出者：窗口内每个单元在平均值中都占 1/{k2}，所以每个单元得到 {d} / {k2}，并与之前的窗口给它的值相加（下面是累加到此的值）{}。", if q.padding > 0 { "；落在填充上的份额被舍弃" } else { "" }),
                )
            } else {
                let mut t = lang.pick(
                    format!("Average pooling has no derivative to pick a winner: each output cell was the mean of its window's {k2} cells, so each of them gets 1/{k2} of its gradient. The gradient is spread evenly rather than routed."),
                    format!("平均池化没有胜出者：每个输出是其窗口内 {k2} 个单元的平均值，所以每个单元得到该梯度的 1/{k2}。梯度被平均分开，而不是只送给一个位置。"),
                );
                if q.stride < q.kernel {
                    t.push_str(&lang.pick(
                        format!(" The windows overlap (stride {} < window {}): a cell in several windows adds up their shares.", q.stride, q.kernel),
                        format!("窗口互相重叠（步长 {} < 窗口 {}）：落在多个窗口中的单元把各份额相加。", q.stride, q.kernel),
                    ));
                }
                if q.padding > 0 {
                    t.push_str(lang.pick(
                        " The shares of padding cells are dropped.",
                        "落在填充上的份额被舍弃。",
                    ));
                }
                t
            }
        }
        Layer::Conv(c) => conv_backward_note(p, step, k, c, window, lang),
        Layer::Flatten => lang.pick(
            format!("Flatten only moved values, so the gradient moves back: entry m of δ({l}) returns to the cell [c,i,j] it came from, and δ({below}) has the map's shape {} again.", at.input),
            format!("展平只是搬动了数值，所以梯度原样搬回：δ({l}) 的第 m 个分量回到它原来的位置 [c,i,j]，δ({below}) 重新具有特征图的形状 {}。", at.input),
        ),
        Layer::Dense(_) => lang.pick(
            format!("As in a fully connected network: a weight's gradient is the δ of the unit it enters times the input it leaves, ∂L/∂W({l}) = δ({l}) a({below})ᵀ; a bias's gradient is its unit's δ; and the gradient passed down is δ({below}) = W({l})ᵀ δ({l}): each input's weights times the δ of the units they feed, added (the weights before the update)."),
            format!("与全连接网络相同：权重的梯度等于它所指向神经元的 δ 乘以它所来自的输入，∂L/∂W({l}) = δ({l}) a({below})ᵀ；偏置的梯度就是所在神经元的 δ；向下传的梯度是 δ({below}) = W({l})ᵀ δ({l})：每个输入的各条连线权重乘以所连神经元的 δ 再相加（用更新前的权重）。"),
        ),
    };
    out.push_str(&text);
    out
}

/// The input cell (flat) that wins the most of these windows of max-pool layer `k`, if
/// it wins more than one.
fn shared_winner(p: &Pass, k: usize, cells: &[usize]) -> Option<usize> {
    let at = At::new(p, k);
    let (_, h, w) = at.input.chw();
    let target = |f: usize| chw(at.out, f).0 * h * w + p.argmax[k][f];
    let mut seen = std::collections::BTreeMap::new();
    for &f in cells {
        *seen.entry(target(f)).or_insert(0) += 1;
    }
    // The cell that won the most windows (the first of them).
    let most = seen.values().copied().max().unwrap_or(0);
    seen.into_iter()
        .find(|&(_, count)| count > 1 && count == most)
        .map(|(f, _)| f)
}

fn conv_backward_note(
    p: &Pass,
    step: &Step,
    k: usize,
    conv: &Conv,
    window: Option<(usize, usize, usize)>,
    lang: Lang,
) -> String {
    let at = At::new(p, k);
    let (l, below) = (at.l, at.k);
    let n = Notation::plain(4);
    let kk = conv.kernel;
    if let Some((o, i, j)) = window {
        let d = n.cell("δ", l, &[o, i, j]);
        let mut t = lang.pick(
            format!("One cell of δ({l}), {d}, and what it adds, as the engine adds it window by window: to ∂L/∂b({l})_{} the value itself; to each ∂L/∂K({l})[{},c,u,v] the value times the input cell that K({l})[{},c,u,v] multiplied in this window; and to each of those input cells of δ({below}), the value times the kernel weight that read it. ", o + 1, o + 1, o + 1),
            format!("δ({l}) 的一个单元 {d}，以及它的贡献（引擎逐个窗口累加）：给 ∂L/∂b({l})_{} 加上它本身；给每个 ∂L/∂K({l})[{},c,u,v] 加上它乘以 K({l})[{},c,u,v] 在这个窗口中所乘的输入值；给 δ({below}) 中这个窗口读过的每个单元加上它乘以读取该单元的卷积核权重。", o + 1, o + 1, o + 1),
        );
        t.push_str(&window_note(
            lang,
            at.input,
            (i, j),
            (kk, conv.stride, conv.padding),
            &format!("a({below})"),
        ));
        t.push_str(lang.pick(
            " The numbers are running totals: once every window has added its part, they are the layer's gradients.",
            "下面的数都是累加到此的值：所有窗口都加完之后，就是这一层的梯度。",
        ));
        return t;
    }
    let os = match step.neuron {
        Some(o) => o..o + 1,
        None => 0..conv.out_channels,
    };
    let (c, r, q) = both_ways_cell(p, k, conv, os.clone());
    let cell = n.cell("δ", below, &[c, r, q]);
    let (s, pd) = (conv.stride, conv.padding);
    let dilate = if s > 1 {
        lang.pick(
            format!(
                "dilated by the stride ({} zero{} between neighbours), ",
                s - 1,
                if s == 2 { "" } else { "s" }
            ),
            format!("按步长膨胀（相邻两值之间插入 {} 个 0），", s - 1),
        )
    } else {
        String::new()
    };
    let mut t = lang.pick(
        format!("Three gradients come out of δ({l}). The bias b_o was added to every cell of output channel o, so ∂L/∂b_o is the sum of δ({l}) over that channel. A kernel weight K[o,c,u,v] multiplied a different input cell at every window position, so its gradient adds δ times that cell over all positions: the input correlated with δ. And δ({below}): every window sends δ·K back to the cells it read. Gathered for one input cell, that is the sum over the windows that touched it; it is also the full convolution of δ ({dilate}padded by k − 1 = {}, written D({l})) with the kernel turned 180°. Both ways are worked out for {cell} before the list. The weights are those of the forward pass: the update comes only after the whole backward pass.", kk - 1),
        format!("由 δ({l}) 得到三种梯度。偏置 b_o 加到了输出通道 o 的每个单元上，所以 ∂L/∂b_o 是 δ({l}) 在该通道上的和。卷积核权重 K[o,c,u,v] 在窗口的每个位置乘的是不同的输入单元，所以它的梯度是在所有位置上把 δ 与那个输入相乘再相加：输入与 δ 的互相关。至于 δ({below})：每个窗口把 δ·K 送回它读过的那些单元；对一个输入单元汇总，就是对所有覆盖它的窗口求和，也等于把 δ（{dilate}四周再补 k − 1 = {} 圈 0，记作 D({l})）与旋转 180° 的卷积核做 full 卷积。下面先对 {cell} 用两种方法各算一遍，再列出全部。这里用的是前向传播时的权重：更新要等整个反向传播结束之后。", kk - 1),
    );
    let up = at.upstream();
    let (_, ho, wo) = at.out.chw();
    if os
        .clone()
        .any(|o| up[o * ho * wo..(o + 1) * ho * wo].contains(&0.0))
    {
        t.push_str(lang.pick(
            " In the sums of the list, terms whose δ is 0 (cells cut off above, by a ReLU or a pooling layer) add nothing and are left out.",
            "在下面列出的求和式中，δ 为 0 的项（被上面的 ReLU 或池化层截断的单元）不起作用，予以略去。",
        ));
    }
    if pd > 0 {
        t.push_str(&lang.pick(
            if pd == 1 {
                " Padding cells read 0, so their products are left out; the full convolution gives the gradient of the padded input, whose outer ring (the padding) is dropped.".to_string()
            } else {
                format!(" Padding cells read 0, so their products are left out; the full convolution gives the gradient of the padded input, whose {pd} outer rings (the padding) are dropped.")
            },
            format!("填充位置读到的是 0，相应的乘积略去；full 卷积得到的是填充后输入的梯度，最外面 {pd} 圈（填充部分）舍去。"),
        ));
    }
    if step.neuron.is_some() && conv.out_channels > 1 {
        let o = os.start + 1;
        t.push_str(&lang.pick(
            format!(" This step takes output channel {o}: its bias and kernel gradients are complete; δ({below}) adds what channel {o} sends back to what the channels before it sent (running totals; the cells it sends nothing to keep their values and are not listed)."),
            format!("这一步处理输出通道 {o}：它的偏置和卷积核梯度在这里算完；δ({below}) 则在前面各通道送回的值上再加上通道 {o} 送回的部分（累加到此的值；通道 {o} 没有送回梯度的单元保持原值，不再列出）。"),
        ));
    }
    if k == 0 {
        t.push_str(lang.pick(
            " δ(0) = ∂L/∂x is the gradient for the image itself: no layer below needs it, but it shows which pixels matter.",
            "δ(0) = ∂L/∂x 是对图像本身的梯度：下面已没有层需要它，但它显示了哪些像素影响结果。",
        ));
    }
    t
}

/// The input cell (c, r, q) whose gradient a conv backward step works out both ways:
/// of the first input channel, the one touched by the most windows of channels `os`,
/// preferring a nonzero gradient.
fn both_ways_cell(
    p: &Pass,
    k: usize,
    conv: &Conv,
    os: std::ops::Range<usize>,
) -> (usize, usize, usize) {
    let at = At::new(p, k);
    let (_, h, w) = at.input.chw();
    let up = at.upstream();
    let mut best = ((0, false), (0, 0, 0));
    for r in 0..h {
        for q in 0..w {
            let terms = conv.input_grad_terms(at.input, &up, 0, r, q);
            let count = terms.iter().filter(|t| os.contains(&t.o)).count();
            let score = (count, at.grad_in()[at.input.index(0, r, q)] != 0.0);
            if score > best.0 {
                best = (score, (0, r, q));
            }
        }
    }
    best.1
}

// ---------------------------------------------------------------- lines

/// A step's formula lines.
pub fn lines(p: &Pass, step: &Step, n: &Notation) -> Lines {
    match (step.kind, step.layer) {
        (Kind::Start, _) => start(p, n),
        (Kind::Forward, Some(k)) => forward(p, step, k, n),
        (Kind::Loss, _) => super::loss(p, n),
        (Kind::Backward, Some(k)) => backward(p, step, k, n),
        (Kind::Update, _) => update(p, n),
        _ => Lines::default(),
    }
}

/// a(0) = x and its shape, the image row by row (if small), and t.
fn start(p: &Pass, n: &Notation) -> Lines {
    let shape = p.shapes[0];
    let row = |v: &[f64]| n.paren(&v.iter().map(|x| n.num(*x)).collect::<Vec<_>>().join(", "));
    let mut numbers = Vec::new();
    match shape {
        Shape::Map { c, h, w } if shape.len() <= MAX_IMAGE => {
            for ch in 0..c {
                for i in 0..h {
                    let start = shape.index(ch, i, 0);
                    let (cs, is) = ((ch + 1).to_string(), (i + 1).to_string());
                    numbers.push(format!(
                        "{} = {}",
                        n.index("x", &[&cs, &is, ":"]),
                        row(&p.input[start..start + w])
                    ));
                }
            }
        }
        Shape::Vector(m) if m <= MAX_IMAGE => numbers.push(format!("x = {}", row(&p.input))),
        _ => {}
    }
    numbers.push(format!("t = {}", row(&p.target)));
    Lines {
        symbols: vec![format!(
            "{} = {}",
            n.sym("a", 0, ""),
            n.in_space("x", &shape.dims())
        )],
        numbers,
    }
}

fn forward(p: &Pass, step: &Step, k: usize, n: &Notation) -> Lines {
    let at = At::new(p, k);
    let cells = step_cells(step, at.out);
    let one = step.window.is_some();
    match at.layer {
        Layer::Conv(c) => conv_forward(&at, c, &cells, one, n),
        Layer::MaxPool(q) => pool_forward(&at, q, true, &cells, one, n),
        Layer::AvgPool(q) => pool_forward(&at, q, false, &cells, one, n),
        Layer::Flatten => flatten_forward(&at, n),
        Layer::Dense(_) => dense_forward(&at, n),
        Layer::Activation(Activation::Softmax) => softmax_forward(&at, n),
        Layer::Activation(a) => activation_forward(&at, *a, n),
    }
}

/// a(l)[o,i,j] = Σ_c Σ_u Σ_v K(l)[o,c,u,v]·a(l−1)[c, (i−1)s+u−p, (j−1)s+v−p] + b(l)_o.
fn conv_forward(at: &At, conv: &Conv, cells: &[usize], one: bool, n: &Notation) -> Lines {
    let (l, below) = (at.l, at.k);
    let (c_in, _, _) = at.input.chw();
    let (o_n, _, _) = at.out.chw();
    let (s, pd) = (conv.stride, conv.padding);
    let (o_l, c_l) = (letter("o", o_n), letter("c", c_in));
    let sums = |c_in: usize| {
        let c = if c_in > 1 { n.sum("c") } else { String::new() };
        format!("{c}{}{}", n.sum("u"), n.sum("v"))
    };
    let general = format!(
        "{} = {}{}{PLUS}{}",
        n.cell_sym("a", l, &[o_l, "i", "j"]),
        sums(c_in),
        prod_sym(
            n,
            &n.cell_sym("K", l, &[o_l, c_l, "u", "v"]),
            &n.cell_sym(
                "a",
                below,
                &[
                    c_l,
                    &tap_expr(n, "i", "u", s, pd),
                    &tap_expr(n, "j", "v", s, pd)
                ]
            ),
        ),
        n.sym("b", l, o_l),
    );
    let mut symbols = vec![general];
    if let Some(&f) = cells.first() {
        let (o, i, j) = chw(at.out, f);
        let os = (o + 1).to_string();
        symbols.push(format!(
            "{} = {}{}{PLUS}{}",
            n.cell("a", l, &[o, i, j]),
            sums(c_in),
            prod_sym(
                n,
                &n.cell_sym("K", l, &[&os, c_l, "u", "v"]),
                &n.cell_sym(
                    "a",
                    below,
                    &[c_l, &tap_at(n, i, "u", s, pd), &tap_at(n, j, "v", s, pd)]
                ),
            ),
            n.b(at.k, o),
        ));
    }
    let mut numbers = Vec::new();
    for &f in cells {
        if numbers.len() > n.max_lines {
            break;
        }
        let (o, i, j) = chw(at.out, f);
        let terms: Vec<_> = conv
            .output_terms(at.input, at.x, o, i, j)
            .into_iter()
            .filter(|t| !t.padding)
            .collect();
        let bias = conv.biases[o];
        let cell = n.cell("a", l, &[o, i, j]);
        if one {
            for t in &terms {
                numbers.push(format!(
                    "{} = {} = {}",
                    prod_sym(
                        n,
                        &n.cell("K", l, &[o, t.c, t.u, t.v]),
                        &n.cell("a", below, &[t.c, t.row as usize, t.col as usize]),
                    ),
                    prod(n, t.w, t.x),
                    n.num(t.w * t.x)
                ));
            }
            let mut parts: Vec<String> = terms.iter().map(|t| n.factor(t.w * t.x)).collect();
            parts.push(n.factor(bias));
            numbers.push(format!(
                "{cell} = {} = {}",
                parts.join(PLUS),
                n.num(at.y[f])
            ));
            continue;
        }
        let mut groups = Vec::new();
        for c in 0..c_in {
            let g: Vec<String> = terms
                .iter()
                .filter(|t| t.c == c)
                .map(|t| prod(n, t.w, t.x))
                .collect();
            if g.is_empty() {
                continue;
            }
            let g = g.join(PLUS);
            groups.push(if c_in > 1 { n.paren(&g) } else { g });
        }
        groups.push(n.factor(bias));
        numbers.push(format!(
            "{cell} = {} = {}",
            groups.join(PLUS),
            n.num(at.y[f])
        ));
    }
    Lines { symbols, numbers }
}

/// a(l)[c,i,j] = max (or mean) of its window of a(l−1).
fn pool_forward(at: &At, q: &Pool, max: bool, cells: &[usize], one: bool, n: &Notation) -> Lines {
    let (l, below) = (at.l, at.k);
    let (c_n, _, w) = at.input.chw();
    let (s, pd, kk) = (q.stride, q.padding, q.kernel);
    let c_l = letter("c", c_n);
    let k2 = (kk * kk).to_string();
    let rhs = |c: &str, row: &str, col: &str| {
        let cell = n.cell_sym("a", below, &[c, row, col]);
        if max {
            format!("{}{cell}", n.max_over("u,v"))
        } else {
            n.over(&format!("{}{}{cell}", n.sum("u"), n.sum("v")), &k2)
        }
    };
    let mut symbols = vec![format!(
        "{} = {}",
        n.cell_sym("a", l, &[c_l, "i", "j"]),
        rhs(
            c_l,
            &tap_expr(n, "i", "u", s, pd),
            &tap_expr(n, "j", "v", s, pd)
        )
    )];
    if let Some(&f) = cells.first() {
        let (c, i, j) = chw(at.out, f);
        let cs = (c + 1).to_string();
        symbols.push(format!(
            "{} = {}",
            n.cell("a", l, &[c, i, j]),
            rhs(&cs, &tap_at(n, i, "u", s, pd), &tap_at(n, j, "v", s, pd))
        ));
    }
    let mut numbers = Vec::new();
    for &f in cells {
        if numbers.len() > n.max_lines {
            break;
        }
        let (c, i, j) = chw(at.out, f);
        let real: Vec<usize> = q
            .window(at.input, i, j)
            .iter()
            .filter_map(|cell| cell.index)
            .collect();
        let value = |x: usize| at.x[c * at.input.chw().1 * w + x];
        if one {
            for &x in &real {
                numbers.push(format!(
                    "{} = {}",
                    n.cell("a", below, &[c, x / w, x % w]),
                    n.num(value(x))
                ));
            }
        }
        let vals: Vec<String> = real.iter().map(|&x| n.num(value(x))).collect();
        let cell = n.cell("a", l, &[c, i, j]);
        if max {
            let win = at.p.argmax[at.k][f];
            numbers.push(format!(
                "{cell} = {} = {} = {}",
                n.apply(
                    if n.style == Style::Tex {
                        r"\max"
                    } else {
                        "max"
                    },
                    &vals.join(", ")
                ),
                n.cell("a", below, &[c, win / w, win % w]),
                n.num(at.y[f])
            ));
        } else {
            let vals: Vec<String> = real.iter().map(|&x| n.factor(value(x))).collect();
            numbers.push(format!(
                "{cell} = {} = {}",
                n.over(&vals.join(PLUS), &k2),
                n.num(at.y[f])
            ));
        }
    }
    Lines { symbols, numbers }
}

/// a(l)_m = a(l−1)[c,i,j], m = (c−1)·H·W + (i−1)·W + j.
fn flatten_forward(at: &At, n: &Notation) -> Lines {
    let (l, below) = (at.l, at.k);
    if at.input.is_vector() {
        let numbers = (0..at.out.len())
            .take(n.max_lines.saturating_add(1))
            .map(|m| {
                let ms = (m + 1).to_string();
                format!(
                    "{} = {} = {}",
                    n.sym("a", l, &ms),
                    n.sym("a", below, &ms),
                    n.num(at.y[m])
                )
            })
            .collect();
        return Lines {
            symbols: vec![format!("{} = {}", n.sym("a", l, ""), n.sym("a", below, ""))],
            numbers,
        };
    }
    let (c_n, h, w) = at.input.chw();
    let dot = n.tdot();
    let minus = if n.style == Style::Tex { "-" } else { "−" };
    let mut m = Vec::new();
    if c_n > 1 {
        m.push(format!("{}{dot}{}", n.paren(&format!("c{minus}1")), h * w));
    }
    if h > 1 {
        m.push(format!("{}{dot}{w}", n.paren(&format!("i{minus}1"))));
    }
    m.push("j".into());
    let symbols = vec![
        format!(
            "{} = {}",
            n.sym("a", l, "m"),
            blob_any(n, "a", below, at.input, ["c", "i", "j"])
        ),
        format!("m = {}", m.join(PLUS)),
    ];
    let mut numbers = Vec::new();
    for f in 0..at.out.len() {
        if numbers.len() > n.max_lines {
            break;
        }
        numbers.push(format!(
            "{} = {} = {}",
            n.sym("a", l, &(f + 1).to_string()),
            blob(n, "a", below, at.input, f),
            n.num(at.y[f])
        ));
    }
    Lines { symbols, numbers }
}

/// a(l)_i = Σ_j W(l)_ij·a(l−1)_j + b(l)_i, as the MLP's weighted sum.
fn dense_forward(at: &At, n: &Notation) -> Lines {
    let Layer::Dense(d) = at.layer else {
        return Lines::default();
    };
    let (k, l) = (at.k, at.l);
    let fan = d.inputs;
    let mut out = Lines::default();
    for i in 0..d.outputs {
        if out.numbers.len() > n.max_lines {
            break;
        }
        let sym = |j: usize| {
            if j < fan {
                prod_sym(n, &n.w(k, i, j), &n.a(k, j))
            } else {
                n.b(k, i)
            }
        };
        let num = |j: usize| {
            if j < fan {
                prod(n, d.w(i, j), at.x[j])
            } else {
                n.factor(d.biases[i])
            }
        };
        let a = n.sym("a", l, &(i + 1).to_string());
        if i == 0 {
            out.symbols
                .push(format!("{a} = {}", join_lazy(n, fan + 1, sym, PLUS)));
        }
        out.numbers.push(format!(
            "{a} = {} = {}",
            join_lazy(n, fan + 1, num, PLUS),
            n.num(at.y[i])
        ));
    }
    out
}

/// f written out for a value: (symbols, numbers) of the right-hand side.
fn act_rhs(act: Activation, zs: &str, z: f64, n: &Notation) -> (String, String) {
    let zn = n.factor(z);
    let (max, tanh) = if n.style == Style::Tex {
        (r"\max", r"\tanh")
    } else {
        ("max", "tanh")
    };
    match act {
        Activation::Sigmoid => (
            n.frac("1", &format!("1 + {}", n.exp(&format!("-{zs}")))),
            n.frac("1", &format!("1 + {}", n.exp(&format!("-{zn}")))),
        ),
        Activation::Tanh => (n.apply(tanh, zs), n.apply(tanh, &n.num(z))),
        Activation::Relu => (
            n.apply(max, &format!("0, {zs}")),
            n.apply(max, &format!("0, {}", n.num(z))),
        ),
        Activation::LeakyRelu if z > 0.0 => (zs.to_string(), n.num(z)),
        Activation::LeakyRelu => (
            format!("0.01{}{zs}", n.tdot()),
            format!("0.01{}{zn}", n.tdot()),
        ),
        Activation::Linear | Activation::Softmax => (zs.to_string(), n.num(z)),
    }
}

/// a(l) = f(a(l−1)), cell by cell.
fn activation_forward(at: &At, act: Activation, n: &Notation) -> Lines {
    let (l, below) = (at.l, at.k);
    let f = act.symbol_tex_or_plain(n);
    let zs = blob_any(n, "a", below, at.input, ["c", "i", "j"]);
    let general = match act {
        // The symbols of leaky ReLU depend on the sign: its general form is the formula.
        Activation::LeakyRelu | Activation::Linear | Activation::Tanh => format!(
            "{} = {}",
            blob_any(n, "a", l, at.out, ["c", "i", "j"]),
            n.apply(f, &zs)
        ),
        _ => format!(
            "{} = {} = {}",
            blob_any(n, "a", l, at.out, ["c", "i", "j"]),
            n.apply(f, &zs),
            act_rhs(act, &zs, 0.0, n).0
        ),
    };
    let mut numbers = Vec::new();
    for (idx, (&z, &a)) in at.x.iter().zip(at.y).enumerate() {
        if numbers.len() > n.max_lines {
            break;
        }
        let (_, num) = act_rhs(act, "", z, n);
        let lhs = blob(n, "a", l, at.out, idx);
        if matches!(act, Activation::Linear) || (act == Activation::LeakyRelu && z > 0.0) {
            // f is the identity here: f(z) = z.
            numbers.push(format!("{lhs} = {} = {}", n.apply(f, &n.num(z)), n.num(a)));
        } else {
            numbers.push(format!("{lhs} = {num} = {}", n.num(a)));
        }
    }
    Lines {
        symbols: vec![general],
        numbers,
    }
}

/// a(l)_i = e^(a(l−1)_i) / Σ_k e^(a(l−1)_k), as the MLP's softmax.
fn softmax_forward(at: &At, n: &Notation) -> Lines {
    let (l, below) = (at.l, at.k);
    let zs = n.sym("a", below, "i");
    let den_sym = n.sum("k") + &n.exp(&n.sym("a", below, "k"));
    let den: Vec<String> = at.x.iter().map(|v| n.exp(&n.num(*v))).collect();
    let den = super::join_terms(n, den, PLUS);
    let mut numbers = Vec::new();
    for (i, (&z, &a)) in at.x.iter().zip(at.y).enumerate() {
        if numbers.len() > n.max_lines {
            break;
        }
        numbers.push(format!(
            "{} = {} = {}",
            n.sym("a", l, &(i + 1).to_string()),
            n.frac(&n.exp(&n.num(z)), &den),
            n.num(a)
        ));
    }
    let f = Activation::Softmax.symbol_tex_or_plain(n);
    Lines {
        symbols: vec![format!(
            "{} = {}_i = {}",
            n.sym("a", l, "i"),
            n.apply(f, &n.sym("a", below, "")),
            n.frac(&n.exp(&zs), &den_sym)
        )],
        numbers,
    }
}

// ---------------------------------------------------------------- backward lines

fn backward(p: &Pass, step: &Step, k: usize, n: &Notation) -> Lines {
    let at = At::new(p, k);
    let mut out = Lines::default();
    if at.is_last() && !combined(p) {
        out = loss_gradient(&at, n);
    }
    let body = match at.layer {
        Layer::Activation(Activation::Softmax) if combined(p) => softmax_ce_backward(&at, n),
        Layer::Activation(Activation::Softmax) => softmax_backward(&at, n),
        Layer::Activation(a) => activation_backward(&at, *a, n),
        Layer::MaxPool(q) => max_pool_backward(&at, q, step, n),
        Layer::AvgPool(q) => avg_pool_backward(&at, q, step, n),
        Layer::Conv(c) => conv_backward(&at, c, step, n),
        Layer::Flatten => flatten_backward(&at, n),
        Layer::Dense(_) => dense_backward(&at, n),
    };
    out.symbols.extend(body.symbols);
    out.numbers.extend(body.numbers);
    out
}

/// δ(L)_i = ∂L/∂y_i from the loss, the start of the backward pass (unless softmax with
/// cross-entropy takes it in one step).
fn loss_gradient(at: &At, n: &Notation) -> Lines {
    let l = at.l;
    let y = at.y;
    let t = &at.p.target;
    let g = at.upstream();
    let m = y.len().to_string();
    let ys = n.sym("a", l, "i");
    let ts = n.sub("t", "i");
    let sym = match at.p.net.loss {
        Loss::HalfSse => n.paren(&format!("{ys}{}{ts}", n.minus())),
        Loss::Mse => format!(
            "{}{}{}",
            n.over("2", &m),
            n.tdot(),
            n.paren(&format!("{ys}{}{ts}", n.minus()))
        ),
        Loss::CrossEntropy => format!("-{}", n.over(&ts, &ys)),
    };
    let mut numbers = Vec::new();
    for i in 0..y.len() {
        if numbers.len() > n.max_lines {
            break;
        }
        let num = match at.p.net.loss {
            Loss::HalfSse => n.paren(&format!("{}{}{}", n.num(y[i]), n.minus(), n.factor(t[i]))),
            Loss::Mse => format!(
                "{}{}{}",
                n.over("2", &m),
                n.tdot(),
                n.paren(&format!("{}{}{}", n.num(y[i]), n.minus(), n.factor(t[i])))
            ),
            Loss::CrossEntropy => format!("-{}", n.over(&n.num(t[i]), &n.num(y[i]))),
        };
        numbers.push(format!(
            "{} = {num} = {}",
            blob(n, "δ", l, at.out, i),
            n.num(g[i])
        ));
    }
    Lines {
        symbols: vec![format!(
            "{} = {} = {sym}",
            n.sym("δ", l, "i"),
            n.d("L", &ys)
        )],
        numbers,
    }
}

/// δ(L−1)_i = y_i − t_i: softmax and cross-entropy together.
fn softmax_ce_backward(at: &At, n: &Notation) -> Lines {
    let (l, below) = (at.l, at.k);
    let t = &at.p.target;
    let st: f64 = t.iter().sum();
    let g = at.grad_in();
    let ys = n.sym("a", l, "i");
    let ts = n.sub("t", "i");
    let sym = if st == 1.0 {
        format!("{ys}{}{ts}", n.minus())
    } else {
        format!(
            "{ys}{}{}{}{ts}",
            n.tdot(),
            n.paren(&format!("{}t_k", n.sum("k"))),
            n.minus()
        )
    };
    let mut numbers = Vec::new();
    for i in 0..at.y.len() {
        if numbers.len() > n.max_lines {
            break;
        }
        let num = if st == 1.0 {
            format!("{}{}{}", n.num(at.y[i]), n.minus(), n.factor(t[i]))
        } else {
            format!(
                "{}{}{}{}{}",
                n.num(at.y[i]),
                n.tdot(),
                n.factor(st),
                n.minus(),
                n.factor(t[i])
            )
        };
        numbers.push(format!(
            "{} = {num} = {}",
            n.sym("δ", below, &(i + 1).to_string()),
            n.num(g[i])
        ));
    }
    Lines {
        symbols: vec![format!("{} = {sym}", n.sym("δ", below, "i"))],
        numbers,
    }
}

/// δ(l−1)_i = y_i (δ(l)_i − Σ_k δ(l)_k y_k): softmax under another loss.
fn softmax_backward(at: &At, n: &Notation) -> Lines {
    let (l, below) = (at.l, at.k);
    let g = at.upstream();
    let gy: f64 = g.iter().zip(at.y).map(|(g, y)| g * y).sum();
    let mut numbers = Vec::new();
    for i in 0..at.y.len() {
        if numbers.len() > n.max_lines {
            break;
        }
        numbers.push(format!(
            "{} = {}{}{} = {}",
            n.sym("δ", below, &(i + 1).to_string()),
            n.num(at.y[i]),
            n.tdot(),
            n.paren(&format!("{}{}{}", n.num(g[i]), n.minus(), n.factor(gy))),
            n.num(at.grad_in()[i])
        ));
    }
    Lines {
        symbols: vec![format!(
            "{} = {}{}{}",
            n.sym("δ", below, "i"),
            n.sym("a", l, "i"),
            n.tdot(),
            n.paren(&format!(
                "{}{}{}{}",
                n.sym("δ", l, "i"),
                n.minus(),
                n.sum("k"),
                prod_sym(n, &n.sym("δ", l, "k"), &n.sym("a", l, "k"))
            ))
        )],
        numbers,
    }
}

/// f′ written the way it is computed, for cell symbols `zs` (input) and `as_` (output)
/// and their values: (symbols, numbers).
fn derivative(
    act: Activation,
    zs: &str,
    as_: &str,
    z: f64,
    a: f64,
    n: &Notation,
) -> (String, String) {
    let one_minus = |x: &str| n.paren(&format!("1{}{x}", n.minus()));
    match act {
        Activation::Sigmoid => (
            format!("{as_}{}", one_minus(as_)),
            format!("{}{}{}", n.factor(a), n.tdot(), one_minus(&n.num(a))),
        ),
        Activation::Tanh => (one_minus(&n.sq(as_)), one_minus(&n.sq(&n.factor(a)))),
        Activation::Relu | Activation::LeakyRelu => {
            let f = n.prime(act.symbol_tex_or_plain(n));
            (n.apply(&f, zs), n.apply(&f, &n.num(z)))
        }
        Activation::Linear | Activation::Softmax => ("1".into(), "1".into()),
    }
}

/// δ(l−1) = δ(l) ⊙ f′(a(l−1)), cell by cell.
fn activation_backward(at: &At, act: Activation, n: &Notation) -> Lines {
    let (l, below) = (at.l, at.k);
    let g = at.upstream();
    let gx = at.grad_in();
    let letters = ["c", "i", "j"];
    let (zs, as_) = (
        blob_any(n, "a", below, at.input, letters),
        blob_any(n, "a", l, at.out, letters),
    );
    let (df_sym, _) = derivative(act, &zs, &as_, 0.0, 0.0, n);
    let symbols = vec![format!(
        "{} = {}{}{df_sym}",
        blob_any(n, "δ", below, at.input, letters),
        blob_any(n, "δ", l, at.out, letters),
        n.tdot()
    )];
    let mut numbers = Vec::new();
    for f in 0..at.x.len() {
        if numbers.len() > n.max_lines {
            break;
        }
        let (z, a) = (at.x[f], at.y[f]);
        let (_, df_num) = derivative(act, "", "", z, a, n);
        let df = act.df_from(z, a);
        let lhs = blob(n, "δ", below, at.input, f);
        let middle = if matches!(act, Activation::Linear) {
            format!("{}{}1", n.factor(g[f]), n.tdot())
        } else {
            format!(
                "{}{}{df_num} = {}{}{}",
                n.factor(g[f]),
                n.tdot(),
                n.factor(g[f]),
                n.tdot(),
                n.factor(df)
            )
        };
        numbers.push(format!("{lhs} = {middle} = {}", n.num(gx[f])));
    }
    Lines { symbols, numbers }
}

/// For each output cell of max-pool layer `at` in `cells`, the input cell (flat) it routes
/// to; in order.
fn winners(at: &At, cells: &[usize]) -> Vec<(usize, usize)> {
    let (_, h, w) = at.input.chw();
    cells
        .iter()
        .map(|&f| (f, chw(at.out, f).0 * h * w + at.p.argmax[at.k][f]))
        .collect()
}

/// Each δ(l) cell goes to its window's winner; overlapping windows add up.
fn max_pool_backward(at: &At, q: &Pool, step: &Step, n: &Notation) -> Lines {
    let (l, below) = (at.l, at.k);
    let (c_n, _, _) = at.input.chw();
    let (s, pd) = (q.stride, q.padding);
    let c_l = letter("c", c_n);
    let g = at.upstream();
    let gx = at.grad_in();
    let (us, vs) = (n.starred("u"), n.starred("v"));
    let win = |i: &str, j: &str, u: &str, v: &str| {
        n.cell_sym(
            "δ",
            below,
            &[c_l, &tap_expr(n, i, u, s, pd), &tap_expr(n, j, v, s, pd)],
        )
    };
    let target = win("i", "j", &us, &vs);
    let symbols = vec![
        format!(
            "{} = {}{}",
            n.paren(&format!("{us}, {vs}")),
            n.argmax_over("u,v"),
            n.cell_sym(
                "a",
                below,
                &[
                    c_l,
                    &tap_expr(n, "i", "u", s, pd),
                    &tap_expr(n, "j", "v", s, pd)
                ]
            )
        ),
        format!(
            "{target}{}{target}{PLUS}{}",
            n.gets(),
            n.cell_sym("δ", l, &[c_l, "i", "j"])
        ),
    ];
    let cells = step_cells(step, at.out);
    let routes = winners(at, &cells);
    let mut numbers = Vec::new();
    if step.window.is_some() {
        // One window: its gradient, the winner, and the winner's running total.
        let (f, dest) = routes[0];
        let (c, i, j) = chw(at.out, f);
        let before: f64 = winners(at, &(0..f).collect::<Vec<_>>())
            .iter()
            .filter(|&&(_, d)| d == dest)
            .fold(0.0, |acc, &(g2, _)| acc + g[g2]);
        numbers.push(format!(
            "{} = {} = {}",
            n.cell("a", l, &[c, i, j]),
            blob(n, "a", below, at.input, dest),
            n.num(at.y[f])
        ));
        let d = blob(n, "δ", below, at.input, dest);
        numbers.push(format!(
            "{d}{}{}{PLUS}{} = {}",
            n.gets(),
            n.num(before),
            n.factor(g[f]),
            n.num(before + g[f])
        ));
        return Lines { symbols, numbers };
    }
    // Every cell that wins a window, in the input's order, with the windows it won.
    let mut dests: Vec<usize> = routes.iter().map(|r| r.1).collect();
    dests.sort_unstable();
    dests.dedup();
    for dest in dests {
        if numbers.len() > n.max_lines {
            break;
        }
        let from: Vec<usize> = routes.iter().filter(|r| r.1 == dest).map(|r| r.0).collect();
        let syms: Vec<String> = from.iter().map(|&f| blob(n, "δ", l, at.out, f)).collect();
        let vals: Vec<String> = from.iter().map(|&f| n.factor(g[f])).collect();
        let lhs = blob(n, "δ", below, at.input, dest);
        if from.len() == 1 {
            numbers.push(format!("{lhs} = {} = {}", syms[0], n.num(gx[dest])));
        } else {
            numbers.push(format!(
                "{lhs} = {} = {} = {}",
                syms.join(PLUS),
                vals.join(PLUS),
                n.num(gx[dest])
            ));
        }
    }
    Lines { symbols, numbers }
}

/// Each δ(l) cell shared evenly, 1/k² to each cell of its window.
fn avg_pool_backward(at: &At, q: &Pool, step: &Step, n: &Notation) -> Lines {
    let (l, below) = (at.l, at.k);
    let (c_n, h, w) = at.input.chw();
    let (s, pd, kk) = (q.stride, q.padding, q.kernel);
    let k2 = (kk * kk) as f64;
    let k2s = (kk * kk).to_string();
    let c_l = letter("c", c_n);
    let g = at.upstream();
    let gx = at.grad_in();
    let dest = n.cell_sym(
        "δ",
        below,
        &[
            c_l,
            &tap_expr(n, "i", "u", s, pd),
            &tap_expr(n, "j", "v", s, pd),
        ],
    );
    let symbols = vec![format!(
        "{dest}{}{dest}{PLUS}{}",
        n.gets(),
        n.over(&n.cell_sym("δ", l, &[c_l, "i", "j"]), &k2s)
    )];
    let cells = step_cells(step, at.out);
    let (_, ho, wo) = at.out.chw();
    // The windows (flat output cells) holding input cell (c, r, q), in the engine's order.
    let holders = |c: usize, r: usize, col: usize| -> Vec<usize> {
        (0..ho * wo)
            .map(|x| c * ho * wo + x)
            .filter(|&f| {
                let (_, i, j) = chw(at.out, f);
                q.window(at.input, i, j)
                    .iter()
                    .any(|cell| cell.index == Some(r * w + col))
            })
            .collect()
    };
    let mut numbers = Vec::new();
    if step.window.is_some() {
        let f = cells[0];
        let (c, i, j) = chw(at.out, f);
        let share = g[f] / k2;
        numbers.push(format!(
            "{} = {} = {}",
            n.over(&n.cell("δ", l, &[c, i, j]), &k2s),
            n.over(&n.num(g[f]), &k2s),
            n.num(share)
        ));
        for cell in q.window(at.input, i, j) {
            let Some(x) = cell.index else { continue };
            let (r, col) = (x / w, x % w);
            let before: f64 = holders(c, r, col)
                .into_iter()
                .take_while(|&f2| f2 < f)
                .fold(0.0, |acc, f2| acc + g[f2] / k2);
            numbers.push(format!(
                "{}{}{}{PLUS}{} = {}",
                n.cell("δ", below, &[c, r, col]),
                n.gets(),
                n.num(before),
                n.factor(share),
                n.num(before + share)
            ));
        }
        return Lines { symbols, numbers };
    }
    let channels: Vec<usize> = match step.neuron {
        Some(c) => vec![c],
        None => (0..c_n).collect(),
    };
    'cells: for c in channels {
        for r in 0..h {
            for col in 0..w {
                if numbers.len() > n.max_lines {
                    break 'cells;
                }
                let from = holders(c, r, col);
                let lhs = n.cell("δ", below, &[c, r, col]);
                let value = n.num(gx[at.input.index(c, r, col)]);
                if from.is_empty() {
                    numbers.push(format!("{lhs} = {value}"));
                    continue;
                }
                let syms: Vec<String> = from.iter().map(|&f| blob(n, "δ", l, at.out, f)).collect();
                let vals: Vec<String> = from.iter().map(|&f| n.factor(g[f])).collect();
                numbers.push(format!(
                    "{lhs} = {} = {} = {value}",
                    n.over(&syms.join(PLUS), &k2s),
                    n.over(&vals.join(PLUS), &k2s),
                ));
            }
        }
    }
    Lines { symbols, numbers }
}

/// δ(l−1)[c,i,j] = δ(l)_m, the gradient reshaped back.
fn flatten_backward(at: &At, n: &Notation) -> Lines {
    let (l, below) = (at.l, at.k);
    let gx = at.grad_in();
    let symbols = vec![format!(
        "{} = {}",
        blob_any(n, "δ", below, at.input, ["c", "i", "j"]),
        n.sym("δ", l, "m")
    )];
    let mut numbers = Vec::new();
    for (f, v) in gx.iter().enumerate() {
        if numbers.len() > n.max_lines {
            break;
        }
        numbers.push(format!(
            "{} = {} = {}",
            blob(n, "δ", below, at.input, f),
            n.sym("δ", l, &(f + 1).to_string()),
            n.num(*v)
        ));
    }
    Lines { symbols, numbers }
}

/// ∂L/∂W(l) = δ(l) a(l−1)ᵀ, ∂L/∂b(l) = δ(l), δ(l−1) = W(l)ᵀ δ(l).
fn dense_backward(at: &At, n: &Notation) -> Lines {
    let Layer::Dense(d) = at.layer else {
        return Lines::default();
    };
    let (k, l, below) = (at.k, at.l, at.k);
    let g = at.upstream();
    let grads = &at.p.grads[k];
    let gx = at.grad_in();
    let dot = n.tdot();
    let di = n.sym("δ", l, "i");
    let symbols = vec![
        format!(
            "{} = {di}{dot}{}",
            n.d("L", &n.sym("W", l, "ij")),
            n.sym("a", below, "j")
        ),
        format!("{} = {di}", n.d("L", &n.sym("b", l, "i"))),
        format!(
            "{} = {}{}{dot}{di}",
            n.sym("δ", below, "j"),
            n.sum("i"),
            n.sym("W", l, "ij")
        ),
    ];
    let mut numbers = Vec::new();
    'w: for i in 0..d.outputs {
        for j in 0..d.inputs {
            if numbers.len() > n.max_lines {
                break 'w;
            }
            numbers.push(format!(
                "{} = {} = {}",
                n.d("L", &n.w(k, i, j)),
                prod(n, g[i], at.x[j]),
                n.num(grads.weights[i * d.inputs + j])
            ));
        }
    }
    for i in 0..d.outputs {
        if numbers.len() > n.max_lines {
            break;
        }
        numbers.push(format!(
            "{} = {} = {}",
            n.d("L", &n.b(k, i)),
            n.sym("δ", l, &(i + 1).to_string()),
            n.num(grads.biases[i])
        ));
    }
    for (j, v) in gx.iter().enumerate() {
        if numbers.len() > n.max_lines {
            break;
        }
        let term = |i: usize| prod(n, d.w(i, j), g[i]);
        numbers.push(format!(
            "{} = {} = {}",
            blob(n, "δ", below, at.input, j),
            join_lazy(n, d.outputs, term, PLUS),
            n.num(*v)
        ));
    }
    Lines { symbols, numbers }
}

/// The conv backward: ∂L/∂b, ∂L/∂K, δ(l−1) (one input cell both ways); at window
/// granularity what one δ cell adds to each.
fn conv_backward(at: &At, conv: &Conv, step: &Step, n: &Notation) -> Lines {
    let (k, l, below) = (at.k, at.l, at.k);
    let (c_in, h, w) = at.input.chw();
    let (o_n, ho, wo) = at.out.chw();
    let (s, pd, kk) = (conv.stride, conv.padding, conv.kernel);
    let g = at.upstream();
    let gx = at.grad_in();
    let grads = &at.p.grads[k];
    if let Some(wi) = step.window {
        return conv_backward_window(at, conv, step.neuron.unwrap_or(0), wi, n);
    }
    let os: Vec<usize> = match step.neuron {
        Some(o) => vec![o],
        None => (0..o_n).collect(),
    };
    let o_str = match step.neuron {
        Some(o) => (o + 1).to_string(),
        None => letter("o", o_n).to_string(),
    };
    let o_l = o_str.as_str();
    let c_l = letter("c", c_in);
    let partial = step.neuron.is_some() && o_n > 1;
    let first_o = os[0];
    // Symbols: the three gradients, D and rot180, then the chosen cell both ways.
    let sum_ij = format!("{}{}", n.sum("i"), n.sum("j"));
    let sum_o = if step.neuron.is_none() && o_n > 1 {
        n.sum("o")
    } else {
        String::new()
    };
    let din = |c: &str, r: &str, q: &str| n.cell_sym("δ", below, &[c, r, q]);
    let (r_u, q_v) = (
        n.affine(&[(1, "r"), (-(s as isize), "i")], (s + pd) as isize),
        n.affine(&[(1, "q"), (-(s as isize), "j")], (s + pd) as isize),
    );
    let lhs_in = |c: &str, r: &str, q: &str| {
        if partial {
            format!("{}{}{}{PLUS}", din(c, r, q), n.gets(), din(c, r, q))
        } else {
            format!("{} = ", din(c, r, q))
        }
    };
    let mut symbols = vec![
        format!(
            "{} = {sum_ij}{}",
            n.d("L", &n.sym("b", l, o_l)),
            n.cell_sym("δ", l, &[o_l, "i", "j"])
        ),
        format!(
            "{} = {sum_ij}{}",
            n.d("L", &n.cell_sym("K", l, &[o_l, c_l, "u", "v"])),
            prod_sym(
                n,
                &n.cell_sym("δ", l, &[o_l, "i", "j"]),
                &n.cell_sym(
                    "a",
                    below,
                    &[
                        c_l,
                        &tap_expr(n, "i", "u", s, pd),
                        &tap_expr(n, "j", "v", s, pd)
                    ]
                )
            )
        ),
        format!(
            "{}{sum_o}{sum_ij}{}",
            lhs_in(c_l, "r", "q"),
            prod_sym(
                n,
                &n.cell_sym("K", l, &[o_l, c_l, &r_u, &q_v]),
                &n.cell_sym("δ", l, &[o_l, "i", "j"])
            )
        ),
        format!(
            "{} = {}",
            n.cell_sym(
                "D",
                l,
                &[
                    o_l,
                    &n.affine(&[(s as isize, "i")], kk as isize - s as isize),
                    &n.affine(&[(s as isize, "j")], kk as isize - s as isize)
                ]
            ),
            n.cell_sym("δ", l, &[o_l, "i", "j"])
        ),
        format!(
            "{} = {}",
            n.rot180_cell(l, &[o_l, c_l, "u", "v"]),
            n.cell_sym(
                "K",
                l,
                &[
                    o_l,
                    c_l,
                    &n.affine(&[(-1, "u")], kk as isize + 1),
                    &n.affine(&[(-1, "v")], kk as isize + 1)
                ]
            )
        ),
        format!(
            "{}{sum_o}{}{}{}",
            lhs_in(c_l, "r", "q"),
            n.sum("u"),
            n.sum("v"),
            prod_sym(
                n,
                &n.rot180_cell(l, &[o_l, c_l, "u", "v"]),
                &n.cell_sym(
                    "D",
                    l,
                    &[
                        o_l,
                        &n.affine(&[(1, "r"), (1, "u")], pd as isize - 1),
                        &n.affine(&[(1, "q"), (1, "v")], pd as isize - 1)
                    ]
                )
            )
        ),
    ];
    // The chosen input cell, both ways.
    let (cc, rr, qq) = both_ways_cell(at.p, k, conv, first_o..first_o + os.len());
    let cell = n.cell("δ", below, &[cc, rr, qq]);
    let terms: Vec<_> = conv
        .input_grad_terms(at.input, &g, cc, rr, qq)
        .into_iter()
        .filter(|t| os.contains(&t.o))
        .collect();
    let (d_shape, d) = conv.dilated_padded_delta(at.input, &g);
    let rot = conv.rot180();
    let mut rot_terms = Vec::new();
    for &o in &os {
        for u in 0..kk {
            for v in 0..kk {
                let dv = d[d_shape.index(o, rr + pd + u, qq + pd + v)];
                rot_terms.push((o, u, v, rot[conv.w_index(o, cc, u, v)], dv));
            }
        }
    }
    let before_in = |c: usize, r: usize, q: usize| -> f64 {
        conv.input_grad_terms(at.input, &g, c, r, q)
            .iter()
            .filter(|t| t.o < first_o)
            .fold(0.0, |acc, t| acc + t.w * t.delta)
    };
    let running_in = |c: usize, r: usize, q: usize| -> f64 {
        conv.input_grad_terms(at.input, &g, c, r, q)
            .iter()
            .filter(|t| t.o <= *os.last().unwrap_or(&0))
            .fold(0.0, |acc, t| acc + t.w * t.delta)
    };
    let in_value = |c: usize, r: usize, q: usize| -> f64 {
        if partial {
            running_in(c, r, q)
        } else {
            gx[at.input.index(c, r, q)]
        }
    };
    let lhs_cell = |cell: &str, prev: f64| {
        if partial && first_o > 0 {
            format!("{cell}{}{}{PLUS}", n.gets(), n.num(prev))
        } else if partial {
            format!("{cell}{}", n.gets())
        } else {
            format!("{cell} = ")
        }
    };
    let win_sym: Vec<String> = terms
        .iter()
        .map(|t| {
            prod_sym(
                n,
                &n.cell("K", l, &[t.o, cc, t.u, t.v]),
                &n.cell("δ", l, &[t.o, t.i, t.j]),
            )
        })
        .collect();
    let rot_sym: Vec<String> = rot_terms
        .iter()
        .map(|&(o, u, v, _, _)| {
            let (os_, us, vs) = (
                (o + 1).to_string(),
                (u + 1).to_string(),
                (v + 1).to_string(),
            );
            let (cs, ds_r, ds_q) = (
                (cc + 1).to_string(),
                (rr + pd + u + 1).to_string(),
                (qq + pd + v + 1).to_string(),
            );
            prod_sym(
                n,
                &n.rot180_cell(l, &[&os_, &cs, &us, &vs]),
                &n.cell_sym("D", l, &[&os_, &ds_r, &ds_q]),
            )
        })
        .collect();
    let prev = before_in(cc, rr, qq);
    let none = |v: Vec<String>| {
        if v.is_empty() {
            "0".to_string()
        } else {
            v.join(PLUS)
        }
    };
    let lhs_sym = if partial {
        format!("{cell}{}{cell}{PLUS}", n.gets())
    } else {
        format!("{cell} = ")
    };
    symbols.push(format!("{lhs_sym}{}", none(win_sym)));
    symbols.push(format!("{lhs_sym}{}", none(rot_sym)));

    let mut numbers = Vec::new();
    for &o in &os {
        if numbers.len() > n.max_lines {
            break;
        }
        // Terms whose δ is 0 add nothing and are left out (the note says so); a few
        // are named, so that one sees which cells are left.
        let cells: Vec<usize> = (o * ho * wo..(o + 1) * ho * wo)
            .filter(|&f| g[f] != 0.0)
            .collect();
        let db = n.d("L", &n.b(k, o));
        let value = n.num(grads.biases[o]);
        let vals = join_cut(n, cells.len(), |x| n.factor(g[cells[x]]), MAX_SUM_TERMS);
        numbers.push(if cells.is_empty() {
            format!("{db} = {value}")
        } else if cells.len() <= MAX_NAMED {
            let syms: Vec<String> = cells.iter().map(|&f| blob(n, "δ", l, at.out, f)).collect();
            if cells.len() == 1 {
                format!("{db} = {} = {value}", syms[0])
            } else {
                format!("{db} = {} = {vals} = {value}", syms.join(PLUS))
            }
        } else {
            format!("{db} = {vals} = {value}")
        });
    }
    let win_num: Vec<String> = terms.iter().map(|t| prod(n, t.w, t.delta)).collect();
    let rot_num: Vec<String> = rot_terms
        .iter()
        .map(|&(_, _, _, r, dv)| prod(n, r, dv))
        .collect();
    let value = n.num(in_value(cc, rr, qq));
    numbers.push(format!(
        "{}{} = {value}",
        lhs_cell(&cell, prev),
        none(win_num)
    ));
    numbers.push(format!(
        "{}{} = {value}",
        lhs_cell(&cell, prev),
        none(rot_num)
    ));
    'k: for &o in &os {
        for c in 0..c_in {
            for u in 0..kk {
                for v in 0..kk {
                    if numbers.len() > n.max_lines {
                        break 'k;
                    }
                    let wt: Vec<_> = conv
                        .weight_grad_terms(at.input, at.x, &g, [o, c, u, v])
                        .into_iter()
                        .filter(|t| !t.padding && t.delta != 0.0)
                        .collect();
                    let sum = join_cut(
                        n,
                        wt.len(),
                        |x| prod(n, wt[x].delta, wt[x].x),
                        MAX_SUM_TERMS,
                    );
                    numbers.push(equation(
                        &n.d("L", &n.cell("K", l, &[o, c, u, v])),
                        sum,
                        n.num(grads.weights[conv.w_index(o, c, u, v)]),
                    ));
                }
            }
        }
    }
    'x: for c in 0..c_in {
        for r in 0..h {
            for q in 0..w {
                if numbers.len() > n.max_lines {
                    break 'x;
                }
                let ts: Vec<_> = conv
                    .input_grad_terms(at.input, &g, c, r, q)
                    .into_iter()
                    .filter(|t| os.contains(&t.o) && t.delta != 0.0)
                    .collect();
                if ts.is_empty() && partial {
                    // Channel o sends nothing here: the cell keeps what it had.
                    continue;
                }
                let sum = join_cut(
                    n,
                    ts.len(),
                    |x| prod(n, ts[x].w, ts[x].delta),
                    MAX_SUM_TERMS,
                );
                let cell = n.cell("δ", below, &[c, r, q]);
                let value = n.num(in_value(c, r, q));
                numbers.push(if ts.is_empty() {
                    format!("{cell} = {value}")
                } else {
                    format!("{}{sum} = {value}", lhs_cell(&cell, before_in(c, r, q)))
                });
            }
        }
    }
    Lines { symbols, numbers }
}

/// `lhs = sum = value`, or `lhs = value` when the sum has no terms.
fn equation(lhs: &str, sum: String, value: String) -> String {
    if sum.is_empty() {
        format!("{lhs} = {value}")
    } else {
        format!("{lhs} = {sum} = {value}")
    }
}

/// What one δ(l) cell, of output channel `o` and window `wi`, adds to ∂L/∂b, to each
/// ∂L/∂K and to each δ(l−1) cell it reaches: running totals, in the engine's order.
fn conv_backward_window(at: &At, conv: &Conv, o: usize, wi: usize, n: &Notation) -> Lines {
    let (k, l, below) = (at.k, at.l, at.k);
    let (c_in, _, _) = at.input.chw();
    let (_, ho, wo) = at.out.chw();
    let (s, pd) = (conv.stride, conv.padding);
    let (i, j) = (wi / wo, wi % wo);
    let g = at.upstream();
    let f = at.out.index(o, i, j);
    let dv = g[f];
    let gets = n.gets();
    let d = n.cell("δ", l, &[o, i, j]);
    let c_l = letter("c", c_in);
    let os = (o + 1).to_string();
    let (row, col) = (tap_at(n, i, "u", s, pd), tap_at(n, j, "v", s, pd));
    let b = n.d("L", &n.b(k, o));
    let kg = n.d("L", &n.cell_sym("K", l, &[&os, c_l, "u", "v"]));
    let xin = n.cell_sym("δ", below, &[c_l, &row, &col]);
    let symbols = vec![
        format!("{b}{gets}{b}{PLUS}{d}"),
        format!(
            "{kg}{gets}{kg}{PLUS}{}",
            prod_sym(n, &d, &n.cell_sym("a", below, &[c_l, &row, &col]))
        ),
        format!(
            "{xin}{gets}{xin}{PLUS}{}",
            prod_sym(n, &n.cell_sym("K", l, &[&os, c_l, "u", "v"]), &d)
        ),
    ];
    // Windows of channel o before this one, row-major: what the totals held.
    let earlier = o * ho * wo..f;
    let b_before = earlier.clone().fold(0.0, |acc, x| acc + g[x]);
    let mut numbers = vec![
        format!("{d} = {}", n.num(dv)),
        format!(
            "{b}{gets}{}{PLUS}{} = {}",
            n.num(b_before),
            n.factor(dv),
            n.num(b_before + dv)
        ),
    ];
    let terms: Vec<_> = conv
        .output_terms(at.input, at.x, o, i, j)
        .into_iter()
        .filter(|t| !t.padding)
        .collect();
    for t in &terms {
        if numbers.len() > n.max_lines {
            break;
        }
        let before = conv
            .weight_grad_terms(at.input, at.x, &g, [o, t.c, t.u, t.v])
            .iter()
            .filter(|w| !w.padding && w.i * wo + w.j < wi)
            .fold(0.0, |acc, w| acc + w.delta * w.x);
        numbers.push(format!(
            "{}{gets}{}{PLUS}{} = {}",
            n.d("L", &n.cell("K", l, &[o, t.c, t.u, t.v])),
            n.num(before),
            prod(n, dv, t.x),
            n.num(before + dv * t.x)
        ));
    }
    for t in &terms {
        if numbers.len() > n.max_lines {
            break;
        }
        let (r, q) = (t.row as usize, t.col as usize);
        let before = conv
            .input_grad_terms(at.input, &g, t.c, r, q)
            .iter()
            .filter(|x| (x.o, x.i, x.j) < (o, i, j))
            .fold(0.0, |acc, x| acc + x.w * x.delta);
        numbers.push(format!(
            "{}{gets}{}{PLUS}{} = {}",
            n.cell("δ", below, &[t.c, r, q]),
            n.num(before),
            prod(n, t.w, dv),
            n.num(before + t.w * dv)
        ));
    }
    Lines { symbols, numbers }
}

// ---------------------------------------------------------------- update

/// The SGD update of every kernel weight, dense weight and bias, then L⁺.
fn update(p: &Pass, n: &Notation) -> Lines {
    let eta = n.eta();
    let lam = p.rule.weight_decay;
    let dot = n.dot();
    let rule = |w: &str| {
        if lam != 0.0 {
            format!(
                "{w}{}{w}{}{eta}{dot}{}",
                n.gets(),
                n.minus(),
                n.paren(&format!("{}{PLUS}{}{w}", n.d("L", w), n.lambda()))
            )
        } else {
            format!("{w}{}{w}{}{eta}{dot}{}", n.gets(), n.minus(), n.d("L", w))
        }
    };
    let mut symbols = Vec::new();
    if p.net.layers.iter().any(|l| matches!(l, Layer::Conv(_))) {
        symbols.push(rule("K"));
    }
    if p.net.layers.iter().any(|l| matches!(l, Layer::Dense(_))) {
        symbols.push(rule("W"));
    }
    if !p.rule.freeze_biases {
        symbols.push(format!(
            "b{}b{}{eta}{dot}{}",
            n.gets(),
            n.minus(),
            n.d("L", "b")
        ));
    }
    let lr = n.factor(p.rule.learning_rate);
    let mut numbers = Vec::new();
    'layers: for (k, (old, new)) in p.net.layers.iter().zip(&p.updated.layers).enumerate() {
        let (Some((w_old, b_old)), Some((w_new, b_new))) = (old.params(), new.params()) else {
            continue;
        };
        let grads = &p.grads[k];
        for (x, w) in w_old.iter().enumerate() {
            if numbers.len() > n.max_lines {
                break 'layers;
            }
            let sym = match old {
                Layer::Conv(c) => {
                    let kk = c.kernel;
                    let per = c.in_channels * kk * kk;
                    n.cell(
                        "K",
                        k + 1,
                        &[x / per, x / (kk * kk) % c.in_channels, x / kk % kk, x % kk],
                    )
                }
                Layer::Dense(d) => n.w(k, x / d.inputs, x % d.inputs),
                _ => continue,
            };
            let grad = if lam != 0.0 {
                n.paren(&format!(
                    "{}{PLUS}{}{dot}{}",
                    n.num(grads.weights[x]),
                    n.factor(lam),
                    n.factor(*w)
                ))
            } else {
                n.factor(grads.weights[x])
            };
            numbers.push(format!(
                "{sym} = {}{}{lr}{dot}{grad} = {}",
                n.num(*w),
                n.minus(),
                n.num(w_new[x])
            ));
        }
        if !p.rule.freeze_biases {
            for (i, b) in b_old.iter().enumerate() {
                if numbers.len() > n.max_lines {
                    break 'layers;
                }
                numbers.push(format!(
                    "{} = {}{}{lr}{dot}{} = {}",
                    n.b(k, i),
                    n.num(*b),
                    n.minus(),
                    n.factor(grads.biases[i]),
                    n.num(b_new[i])
                ));
            }
        }
    }
    let loss = format!("L{} = {}", n.after(), n.num(p.loss_after));
    if numbers.len() > n.max_lines {
        numbers.insert(0, loss);
    } else {
        numbers.push(loss);
    }
    Lines { symbols, numbers }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_and_their_rows() {
        // A 3-window at padded row −1 of a side of 5 holds rows 1–2: one row of padding.
        assert_eq!(span(-1, 3, 5), (1, 2, 2));
        assert_eq!(span(2, 2, 5), (3, 4, 2));
        assert_eq!(span(4, 3, 5), (5, 5, 1));
        assert_eq!(span(-3, 2, 5), (0, 0, 0));
        assert_eq!(range(2, 3), "2–3");
        assert_eq!(range(4, 4), "4");
        assert_eq!(plural(1, "row", "rows"), "row");
        assert_eq!(plural(2, "row", "rows"), "2 rows");
    }

    #[test]
    fn index_arithmetic_is_one_based() {
        let n = Notation::plain(4);
        // (i−1)·s + u − p: stride 1 without padding, stride 2 with padding 1.
        assert_eq!(tap_expr(&n, "i", "u", 1, 0), "i+u−1");
        assert_eq!(tap_expr(&n, "i", "u", 2, 1), "2i+u−3");
        // Output row 2 (0-based 1), stride 2, padding 1: rows u+1.
        assert_eq!(tap_at(&n, 1, "u", 2, 1), "u+1");
        assert_eq!(tap_at(&n, 0, "u", 1, 0), "u");
        assert_eq!(tap_at(&n, 0, "u", 2, 2), "u−2");
        let t = Notation::tex(4);
        assert_eq!(tap_expr(&t, "j", "v", 2, 2), "2j+v-4");
    }

    #[test]
    fn long_sums_are_cut() {
        let n = Notation::plain(4);
        assert_eq!(join_cut(&n, 3, |k| k.to_string(), 5), "0 + 1 + 2");
        assert_eq!(join_cut(&n, 9, |k| k.to_string(), 5), "0 + 1 + 2 + … + 8");
        assert_eq!(join_cut(&n, 0, |k| k.to_string(), 5), "");
    }
}
