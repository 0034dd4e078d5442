//! Forward-mode differentiation of one weight or bias: ∂L/∂w computed in the direction
//! of the forward pass. Every value v carries its tangent v̇ = ∂v/∂w beside it, as the
//! dual number v + v̇ε with ε² = 0; the parameter w is seeded with ẇ = 1 (every other
//! parameter, and the input, with 0), and each layer's tangents follow from the layer
//! below by the same steps as the forward pass's:
//!
//! ż(l) = Ẇ(l) a(l−1) + W(l) ȧ(l−1) + ḃ(l),  ȧ(l) = f′(z(l)) ⊙ ż(l) (softmax: its
//! Jacobian times ż), and L̇ = Σ_u ∂L/∂y_u · ẏ_u, which is ∂L/∂w.
//!
//! One such pass gives the derivative by one parameter; backprop's one backward sweep
//! gives all of them. [`crate::cost`] counts what that means for a network; this module
//! computes the pass and writes its steps (symbols, then numbers; English and Chinese;
//! plain text and TeX), for the page's "why backward" panel.

use crate::activation::Activation;
use crate::engine::Net;
use crate::error::{Error, ErrorKind, Thing};
use crate::explain::{Bilingual, Explanation, Lines};
use crate::loss::Loss;
use crate::notation::{Notation, Style};
use crate::pass::Pass;
use serde::Serialize;

/// Units of a layer written out one by one; a wider layer shows the first ones, `…`
/// and the last (the numbers of every unit are in [`TangentStep::tangents`]).
const MAX_UNITS: usize = 8;
/// Terms of a sum written out; a longer sum shows its first terms, `…` and the last.
const MAX_TERMS: usize = 8;

/// A dual number v + v̇ε (ε² = 0): a value and its tangent v̇ = ∂v/∂w.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Dual {
    pub value: f64,
    pub tangent: f64,
}

impl Dual {
    pub const fn new(value: f64, tangent: f64) -> Dual {
        Dual { value, tangent }
    }

    /// A value that does not depend on w: tangent 0.
    pub const fn constant(value: f64) -> Dual {
        Dual::new(value, 0.0)
    }
}

impl std::ops::Add for Dual {
    type Output = Dual;
    /// (u + u̇ε) + (v + v̇ε) = (u + v) + (u̇ + v̇)ε.
    fn add(self, o: Dual) -> Dual {
        Dual::new(self.value + o.value, self.tangent + o.tangent)
    }
}

impl std::ops::Mul for Dual {
    type Output = Dual;
    /// (u + u̇ε)(v + v̇ε) = uv + (u̇v + uv̇)ε, as ε² = 0: the product rule.
    fn mul(self, o: Dual) -> Dual {
        Dual::new(
            self.value * o.value,
            self.tangent * o.value + self.value * o.tangent,
        )
    }
}

/// The parameter differentiated by: W(l)_ij (`from` = Some(j)) or b(l)_i (`from` =
/// None), 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MlpParam {
    pub layer: usize,
    pub to: usize,
    pub from: Option<usize>,
}

impl MlpParam {
    /// W(l)_ij, 0-based.
    pub fn weight(layer: usize, to: usize, from: usize) -> MlpParam {
        MlpParam {
            layer,
            to,
            from: Some(from),
        }
    }

    /// b(l)_i, 0-based.
    pub fn bias(layer: usize, to: usize) -> MlpParam {
        MlpParam {
            layer,
            to,
            from: None,
        }
    }

    /// `W(2)_11` / `b(1)_2` in the notation `n`.
    pub fn symbol(&self, n: &Notation) -> String {
        match self.from {
            Some(j) => n.w(self.layer, self.to, j),
            None => n.b(self.layer, self.to),
        }
    }

    /// `Ok` when `net` is fully connected and has this parameter; else what is wrong.
    pub fn check(&self, net: &Net) -> Result<(), Error> {
        if !net.is_mlp() {
            return Err(Error::new(ErrorKind::NeedsMlp));
        }
        let no = |thing, index, count| {
            Err(Error::new(ErrorKind::NoSuch {
                thing,
                index,
                count,
            }))
        };
        let depth = net.depth();
        if self.layer >= depth {
            return no(Thing::Layer, self.layer, depth);
        }
        let layer = net.mlp(self.layer);
        if self.to >= layer.width() {
            return no(Thing::Unit, self.to, layer.width());
        }
        match self.from {
            Some(j) if j >= layer.fan_in() => no(Thing::Input, j, layer.fan_in()),
            _ => Ok(()),
        }
    }

    /// ẇ of weight W(l)_uj: 1 for this parameter, 0 for every other.
    fn weight_seed(&self, l: usize, u: usize, j: usize) -> f64 {
        f64::from(u8::from(*self == MlpParam::weight(l, u, j)))
    }

    /// ḃ of bias b(l)_u.
    fn bias_seed(&self, l: usize, u: usize) -> f64 {
        f64::from(u8::from(*self == MlpParam::bias(l, u)))
    }
}

/// Every value of one example's forward pass with its tangent by one parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tangents {
    /// z(l) + ż(l)ε of each layer (0-based).
    pub z: Vec<Vec<Dual>>,
    /// a(l) + ȧ(l)ε of each layer (0-based: a[0] is the first layer's output).
    pub a: Vec<Vec<Dual>>,
    /// L + L̇ε: L̇ is ∂L/∂w.
    pub loss: Dual,
}

/// The forward pass of fully connected `net` on input `x`, target `t`, with every value
/// carrying its tangent by `wrt`. The values are the forward pass's own: the sums run
/// in [`crate::engine::Dense::forward`]'s order and the activations are the engine's,
/// so they agree with backprop's pass to the last bit. `wrt` must be checked
/// ([`MlpParam::check`]).
pub fn tangents(net: &Net, x: &[f64], t: &[f64], wrt: MlpParam) -> Tangents {
    let mut below: Vec<Dual> = x.iter().map(|&v| Dual::constant(v)).collect();
    let (mut zs, mut as_) = (Vec::new(), Vec::new());
    for (l, layer) in net.mlp_layers().enumerate() {
        let z: Vec<Dual> = (0..layer.width())
            .map(|u| {
                let sum = layer
                    .row(u)
                    .iter()
                    .zip(&below)
                    .enumerate()
                    .map(|(j, (&w, &a))| Dual::new(w, wrt.weight_seed(l, u, j)) * a)
                    .fold(Dual::constant(0.0), |s, p| s + p);
                sum + Dual::new(layer.biases()[u], wrt.bias_seed(l, u))
            })
            .collect();
        let a = activate(layer.activation, &z);
        zs.push(z);
        as_.push(a.clone());
        below = a;
    }
    let y = as_.last().map_or(&below, |a| a);
    let z_out = zs.last().map_or(&below, |z| z);
    let loss = loss_tangent(net.loss, y, z_out, t);
    Tangents {
        z: zs,
        a: as_,
        loss,
    }
}

/// a + ȧε = f(z + żε): f(z) + f′(z) ż ε element by element (f′ from z and a, as the
/// backward pass takes it), or softmax with its Jacobian-vector product
/// ȧ_u = a_u (ż_u − Σ_m a_m ż_m).
fn activate(act: Activation, z: &[Dual]) -> Vec<Dual> {
    if act.is_softmax() {
        let values: Vec<f64> = z.iter().map(|d| d.value).collect();
        let a = crate::activation::softmax(&values);
        let mean = softmax_mean(&a, z);
        return a
            .iter()
            .zip(z)
            .map(|(&a, d)| Dual::new(a, a * (d.tangent - mean)))
            .collect();
    }
    z.iter()
        .map(|d| {
            let a = act.f(d.value);
            Dual::new(a, act.df_from(d.value, a) * d.tangent)
        })
        .collect()
}

/// Σ_m a_m ż_m: the tangents of a softmax layer's input, averaged by its outputs.
fn softmax_mean(a: &[f64], z: &[Dual]) -> f64 {
    a.iter().zip(z).map(|(a, d)| a * d.tangent).sum()
}

/// L + L̇ε: the loss of y = a(L) (its value as the engine takes it, cross-entropy
/// through log-softmax of z), and L̇ = Σ_u ∂L/∂y_u ẏ_u. For cross-entropy on a softmax
/// layer L̇ = −Σ_u t_u ẏ_u / y_u, taken as −Σ_u t_u (ż_u − Σ_m y_m ż_m), which is the
/// same and stays finite when a probability underflows.
fn loss_tangent(loss: Loss, y: &[Dual], z: &[Dual], t: &[f64]) -> Dual {
    let yv: Vec<f64> = y.iter().map(|d| d.value).collect();
    let zv: Vec<f64> = z.iter().map(|d| d.value).collect();
    let value = loss.value(&yv, t, &zv);
    let tangent = match loss {
        Loss::CrossEntropy => {
            let mean = softmax_mean(&yv, z);
            -z.iter()
                .zip(t)
                .map(|(d, t)| t * (d.tangent - mean))
                .sum::<f64>()
        }
        _ => loss
            .dy(&yv, t)
            .iter()
            .zip(y)
            .map(|(g, d)| g * d.tangent)
            .sum(),
    };
    Dual::new(value, tangent)
}

/// What a step of the pass with tangents computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TangentKind {
    /// ẇ = 1, every other parameter's tangent and the input's 0.
    Seed,
    /// ż(l) from ȧ(l−1).
    WeightedSum,
    /// ȧ(l) from ż(l).
    Activation,
    /// L̇ from ȧ(L): the derivative.
    Loss,
}

/// One step of the pass with tangents: its words and formulas, and its tangents.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TangentStep {
    pub kind: TangentKind,
    /// 0-based layer of a weighted sum or an activation.
    pub layer: Option<usize>,
    pub text: Explanation,
    /// The tangents this step computes: one per unit (the seed: the input's; the loss: L̇).
    pub tangents: Vec<f64>,
}

/// ∂L/∂w by forward mode, step by step, beside backprop's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForwardMode {
    pub wrt: MlpParam,
    pub title: Bilingual,
    pub note: Bilingual,
    pub steps: Vec<TangentStep>,
    /// L̇, the derivative forward mode found.
    pub value: f64,
    /// ∂L/∂w from the pass's backward sweep.
    pub backprop: f64,
}

/// Forward mode for parameter `wrt` of pass `p`'s network and example, its numbers
/// written with `digits` significant digits.
pub fn forward_mode(p: &Pass, wrt: MlpParam, digits: usize) -> Result<ForwardMode, Error> {
    wrt.check(&p.net)?;
    let tg = tangents(&p.net, p.input(), &p.target, wrt);
    let plain = Notation::plain(digits);
    let w = wrt.symbol(&plain);
    let ctx = Ctx { p, wrt, tg: &tg };
    let mut steps = vec![ctx.seed(digits)];
    for l in 0..p.depth() {
        steps.push(ctx.weighted_sum(l, digits));
        steps.push(ctx.activation(l, digits));
    }
    steps.push(ctx.loss(digits));
    let backprop = match wrt.from {
        Some(j) => p.grad_w(wrt.layer, wrt.to, j),
        None => p.grad_b(wrt.layer)[wrt.to],
    };
    Ok(ForwardMode {
        wrt,
        title: Bilingual::new(
            format!("Forward mode: ∂L/∂{w} by carrying tangents"),
            format!("前向模式：沿前向传播携带切向量求 ∂L/∂{w}"),
        ),
        note: Bilingual::new(
            format!("The same forward pass, every value v with its tangent v̇ = ∂v/∂{w} beside it. One such pass gives the derivative by {w} alone; backprop's one backward pass gives the derivatives by every parameter."),
            format!("还是那一次前向传播，只是每个值 v 旁边都带着它的切向量 v̇ = ∂v/∂{w}。这样一次传播只得到对 {w} 这一个参数的导数；而反向传播一次反向扫描就得到对所有参数的导数。"),
        ),
        steps,
        value: tg.loss.tangent,
        backprop,
    })
}

/// The step of the pass with tangents that matches step `step` of a trace of a
/// network `depth` layers deep: the start is the seed, a forward step of layer l its
/// step, the loss the loss; the backward pass and the update have none.
pub fn step_at(step: &crate::trace::Step, depth: usize) -> Option<usize> {
    use crate::trace::Kind;
    match (step.kind, step.layer) {
        (Kind::Start, _) => Some(0),
        (Kind::WeightedSum, Some(l)) => Some(1 + 2 * l),
        (Kind::Activation, Some(l)) => Some(2 + 2 * l),
        (Kind::Loss, _) => Some(1 + 2 * depth),
        _ => None,
    }
}

/// Everything a step's writer needs.
struct Ctx<'a> {
    p: &'a Pass,
    wrt: MlpParam,
    tg: &'a Tangents,
}

/// Symbols with a dot: `ż(1)_2`, `\dot{z}^{(1)}_{2}`.
struct Dotted<'n>(&'n Notation);

impl Dotted<'_> {
    fn tex(&self) -> bool {
        self.0.style == Style::Tex
    }

    /// The dotted letter: `ż`, `\dot{z}`.
    fn name(&self, letter: &str) -> String {
        if self.tex() {
            return format!(r"\dot{{{letter}}}");
        }
        match letter {
            "z" => "ż".into(),
            "a" => "ȧ".into(),
            "W" => "Ẇ".into(),
            "b" => "ḃ".into(),
            "x" => "ẋ".into(),
            "y" => "ẏ".into(),
            other => format!("{other}\u{307}"),
        }
    }

    /// ż(l)_u, 0-based layer and unit.
    fn z(&self, l: usize, u: usize) -> String {
        self.0.sym(&self.name("z"), l + 1, &(u + 1).to_string())
    }

    /// ż(l) of a whole layer.
    fn z_layer(&self, l: usize) -> String {
        self.0.sym(&self.name("z"), l + 1, "")
    }

    /// ȧ(l)_u; `l` counts the input as layer 0, as [`Notation::a`] does.
    fn a(&self, l: usize, u: usize) -> String {
        self.0.sym(&self.name("a"), l, &(u + 1).to_string())
    }

    /// ȧ(l) of a whole layer (ȧ(0) is ẋ).
    fn a_layer(&self, l: usize) -> String {
        self.0.sym(&self.name("a"), l, "")
    }

    /// Ẇ(l) of a whole layer, 0-based.
    fn w_layer(&self, l: usize) -> String {
        self.0.sym(&self.name("W"), l + 1, "")
    }

    /// ḃ(l) of a whole layer, 0-based.
    fn b_layer(&self, l: usize) -> String {
        self.0.sym(&self.name("b"), l + 1, "")
    }

    /// The dotted parameter: Ẇ(l)_ij, ḃ(l)_i.
    fn param(&self, wrt: MlpParam) -> String {
        let s = wrt.symbol(self.0);
        // Both styles write the parameter's letter first.
        let letter = if wrt.from.is_some() { "W" } else { "b" };
        format!("{}{}", self.name(letter), &s[1..])
    }

    /// L̇.
    fn loss(&self) -> String {
        self.name("L")
    }

    /// ε.
    fn eps(&self) -> &'static str {
        if self.tex() {
            r"\varepsilon"
        } else {
            "ε"
        }
    }

    /// v + v̇ε written out: `0.3775 + 0.05ε`, `1.2 − 0.003ε`.
    fn dual(&self, d: Dual) -> String {
        let n = self.0;
        let (sign, t) = if d.tangent < 0.0 {
            (n.minus(), -d.tangent)
        } else {
            (" + ", d.tangent)
        };
        format!("{}{sign}{}{}", n.num(d.value), n.num(t), self.eps())
    }
}

/// `count` items written by `item`, the middle ones cut to `…` when there are more
/// than `max`.
fn shorten(n: &Notation, count: usize, max: usize, item: impl Fn(usize) -> String) -> Vec<String> {
    if count <= max {
        return (0..count).map(item).collect();
    }
    let mut v: Vec<String> = (0..max - 2).map(&item).collect();
    v.push(n.dots().to_string());
    v.push(item(count - 1));
    v
}

/// The units of a layer whose lines are written, in order, `None` where some are left
/// out: all of them, or the first few, `must` (the seeded unit) and the last.
fn shown_units(width: usize, must: Option<usize>) -> Vec<Option<usize>> {
    if width <= MAX_UNITS {
        return (0..width).map(Some).collect();
    }
    let mut keep: Vec<usize> = (0..MAX_UNITS - 2).chain(must).chain([width - 1]).collect();
    keep.sort_unstable();
    keep.dedup();
    let mut out = Vec::new();
    for (k, &u) in keep.iter().enumerate() {
        if k > 0 && u > keep[k - 1] + 1 {
            out.push(None);
        }
        out.push(Some(u));
    }
    out
}

/// A vector of numbers or duals, in parentheses, shortened when long.
fn vector(n: &Notation, count: usize, item: impl Fn(usize) -> String) -> String {
    n.paren(&shorten(n, count, MAX_UNITS, item).join(", "))
}

/// f′(z) of unit u written as it is computed (a(1 − a) for sigmoid), in symbols and
/// with its numbers, and its value.
fn slope(p: &Pass, l: usize, u: usize, n: &Notation) -> (String, String, f64) {
    let act = p.net.mlp(l).activation;
    let (z, a) = (p.z(l)[u], p.a(l)[u]);
    let (zs, as_) = (n.z(l, u), n.a(l + 1, u));
    let one_minus = |x: &str| n.paren(&format!("1{}{x}", n.minus()));
    let tex = n.style == Style::Tex;
    let (sym, num) = match act {
        Activation::Sigmoid => (
            format!("{as_}{}", one_minus(&as_)),
            format!("{}{}{}", n.num(a), n.tdot(), one_minus(&n.num(a))),
        ),
        Activation::Tanh => (one_minus(&n.sq(&as_)), one_minus(&n.sq(&n.factor(a)))),
        Activation::Relu | Activation::LeakyRelu => {
            let f = match (act, tex) {
                (Activation::Relu, false) => "relu′",
                (Activation::Relu, true) => r"\operatorname{relu}'",
                (_, false) => "lrelu′",
                (_, true) => r"\operatorname{lrelu}'",
            };
            (n.apply(f, &zs), n.apply(f, &n.num(z)))
        }
        Activation::Linear | Activation::Softmax => ("1".into(), "1".into()),
    };
    (sym, num, act.df_from(z, a))
}

impl Ctx<'_> {
    fn depth(&self) -> usize {
        self.p.depth()
    }

    /// ẇ = 1 for the parameter, 0 for the others and for the input.
    fn seed(&self, digits: usize) -> TangentStep {
        let w = self.wrt.symbol(&Notation::plain(digits));
        let inputs = self.p.input().len();
        let text = Explanation::build(
            Bilingual::new(
                format!("Seed: the tangent of {w} is 1"),
                format!("设定初值：{w} 的切向量为 1"),
            ),
            Bilingual::new(
                format!("Forward mode asks how every value changes when {w} moves. Each value v carries its tangent v̇ = ∂v/∂{w}, as the dual number v + v̇ε with ε² = 0. {w} itself starts with tangent 1; every other weight and bias, and the input x, do not depend on {w}: tangent 0."),
                format!("前向模式问的是：{w} 变动时每个值如何变化。每个值 v 都带着它的切向量 v̇ = ∂v/∂{w}，写成对偶数 v + v̇ε（ε² = 0）。{w} 自身的切向量为 1；其他权重、偏置以及输入 x 都不依赖于 {w}，切向量为 0。"),
            ),
            digits,
            |n| {
                let d = Dotted(n);
                let w = self.wrt.symbol(n);
                Lines {
                    symbols: vec![
                        format!("{} = {} = 1", d.param(self.wrt), n.d(&w, &w)),
                        format!("{} = {} = 0", d.a_layer(0), n.d("x", &w)),
                    ],
                    numbers: vec![format!(
                        "{} = {}",
                        d.a_layer(0),
                        vector(n, inputs, |_| "0".into())
                    )],
                }
            },
        );
        TangentStep {
            kind: TangentKind::Seed,
            layer: None,
            text,
            tangents: vec![0.0; inputs],
        }
    }

    /// ż(l) = Ẇ(l) a(l−1) + W(l) ȧ(l−1) + ḃ(l).
    fn weighted_sum(&self, l: usize, digits: usize) -> TangentStep {
        let k = l + 1;
        let w = self.wrt.symbol(&Notation::plain(digits));
        let wl = self.wrt.layer + 1;
        let (title, note) = if l < self.wrt.layer {
            (
                Bilingual::new(
                    format!("Layer {k}: tangent of the weighted sum, ż({k}) = 0"),
                    format!("第 {k} 层：加权和的切向量 ż({k}) = 0"),
                ),
                Bilingual::new(
                    format!("The product rule on z = W a + b gives ż = Ẇ a + W ȧ + ḃ. {w} acts from layer {wl} on: nothing in layer {k} depends on it, so every tangent here is 0 (the pass with tangents still computes them)."),
                    format!("对 z = W a + b 用乘积法则得 ż = Ẇ a + W ȧ + ḃ。{w} 从第 {wl} 层才起作用，第 {k} 层的值都与它无关，所以这里的切向量全为 0（带切向量的传播照样要计算它们）。"),
                ),
            )
        } else if l == self.wrt.layer {
            let i = self.wrt.to + 1;
            let own = match self.wrt.from {
                Some(j) => format!("ẇ·a({l})_{j} = a({l})_{j}", j = j + 1),
                None => "ḃ = 1".to_string(),
            };
            (
                Bilingual::new(
                    format!("Layer {k}: tangent of the weighted sum, ż({k}): the seed enters"),
                    format!("第 {k} 层：加权和的切向量 ż({k})：初值在这里进入"),
                ),
                Bilingual::new(
                    format!("The product rule on z = W a + b gives ż = Ẇ a + W ȧ + ḃ. Below this layer nothing moved (ȧ({l}) = 0), so only {w}'s own term is left: unit {i} gets {own}, every other unit 0."),
                    format!("对 z = W a + b 用乘积法则得 ż = Ẇ a + W ȧ + ḃ。这一层以下没有任何值变化（ȧ({l}) = 0），只剩 {w} 自己的那一项：第 {i} 个神经元得到 {own}，其他神经元为 0。"),
                ),
            )
        } else {
            (
                Bilingual::new(
                    format!("Layer {k}: tangent of the weighted sum, ż({k}) = W({k}) ȧ({l})"),
                    format!("第 {k} 层：加权和的切向量 ż({k}) = W({k}) ȧ({l})"),
                ),
                Bilingual::new(
                    "The product rule on z = W a + b gives ż = Ẇ a + W ȧ + ḃ. This layer's weights and biases do not move (Ẇ = 0, ḃ = 0), so the tangents pass through the weights as the values do: the forward pass's weighted sum, on the tangents.",
                    "对 z = W a + b 用乘积法则得 ż = Ẇ a + W ȧ + ḃ。这一层的权重和偏置不变（Ẇ = 0，ḃ = 0），所以切向量像值一样经过权重传递：就是前向传播的加权和，只是作用在切向量上。",
                ),
            )
        };
        let text = Explanation::build(title, note, digits, |n| self.weighted_sum_lines(l, n));
        TangentStep {
            kind: TangentKind::WeightedSum,
            layer: Some(l),
            text,
            tangents: self.tg.z[l].iter().map(|d| d.tangent).collect(),
        }
    }

    fn weighted_sum_lines(&self, l: usize, n: &Notation) -> Lines {
        let d = Dotted(n);
        let layer = self.p.net.mlp(l);
        let width = layer.width();
        let tdot = n.tdot();
        let rule = format!(
            "{} = {}{tdot}{} + {}{tdot}{} + {}",
            d.z_layer(l),
            d.w_layer(l),
            n.sym("a", l, ""),
            n.sym("W", l + 1, ""),
            d.a_layer(l),
            d.b_layer(l)
        );
        let dual_line = format!(
            "{} + {}{} = {}",
            n.sym("z", l + 1, ""),
            d.z_layer(l),
            d.eps(),
            vector(n, width, |u| d.dual(self.tg.z[l][u]))
        );
        let mut symbols = vec![rule];
        let mut numbers = Vec::new();
        if l < self.wrt.layer {
            symbols.push(format!("{} = 0", d.z_layer(l)));
            numbers.push(format!(
                "{} = {}",
                d.z_layer(l),
                vector(n, width, |_| "0".into())
            ));
        } else if l == self.wrt.layer {
            let i = self.wrt.to;
            let (sym, num) = match self.wrt.from {
                Some(j) => (
                    format!("{}{tdot}{} = {}", d.param(self.wrt), n.a(l, j), n.a(l, j)),
                    format!(
                        "1{tdot}{} = {}",
                        n.factor(self.p.a_prev(l)[j]),
                        n.num(self.tg.z[l][i].tangent)
                    ),
                ),
                None => (d.param(self.wrt), "1".into()),
            };
            symbols.push(format!("{} = {sym}", d.z(l, i)));
            for u in shown_units(width, Some(i)) {
                numbers.push(match u {
                    None => n.dots().into(),
                    Some(u) if u == i => format!("{} = {num}", d.z(l, i)),
                    Some(u) => format!("{} = 0", d.z(l, u)),
                });
            }
        } else {
            let below = &self.tg.a[l - 1];
            let fan = layer.fan_in();
            symbols.push(format!(
                "{} = {}{tdot}{}",
                d.z_layer(l),
                n.sym("W", l + 1, ""),
                d.a_layer(l)
            ));
            let sym_terms = shorten(n, fan, MAX_TERMS, |j| {
                format!("{}{tdot}{}", n.w(l, 0, j), d.a(l, j))
            });
            symbols.push(format!("{} = {}", d.z(l, 0), sym_terms.join(" + ")));
            for u in shown_units(width, None) {
                let Some(u) = u else {
                    numbers.push(n.dots().into());
                    continue;
                };
                let terms = shorten(n, fan, MAX_TERMS, |j| {
                    format!(
                        "{}{tdot}{}",
                        n.factor(layer.w(u, j)),
                        n.factor(below[j].tangent)
                    )
                });
                numbers.push(format!(
                    "{} = {} = {}",
                    d.z(l, u),
                    terms.join(" + "),
                    n.num(self.tg.z[l][u].tangent)
                ));
            }
        }
        numbers.push(dual_line);
        Lines { symbols, numbers }
    }

    /// ȧ(l) = f′(z(l)) ⊙ ż(l), or softmax's Jacobian times ż(l).
    fn activation(&self, l: usize, digits: usize) -> TangentStep {
        let k = l + 1;
        let act = self.p.net.mlp(l).activation;
        let title = Bilingual::new(
            format!("Layer {k}: tangent of the activation, ȧ({k})"),
            format!("第 {k} 层：激活值的切向量 ȧ({k})"),
        );
        let note = if l < self.wrt.layer {
            Bilingual::new(
                format!("ȧ = f′(z) ⊙ ż, and ż({k}) = 0: still 0."),
                format!("ȧ = f′(z) ⊙ ż，而 ż({k}) = 0：仍然为 0。"),
            )
        } else if act.is_softmax() {
            Bilingual::new(
                "Softmax couples the units of its layer: its Jacobian times ż, ȧ_u = a_u (ż_u − Σ_m a_m ż_m), a product with the Jacobian that is never written out as a matrix.",
                "softmax 把同一层的神经元耦合在一起：用它的雅可比矩阵乘以 ż，即 ȧ_u = a_u (ż_u − Σ_m a_m ż_m)；这个矩阵不必真正写出来。",
            )
        } else {
            Bilingual::new(
                format!("The chain rule, unit by unit: ȧ = f′(z) ⊙ ż, the slope of {} at z times the tangent of z.", crate::vocab::Named::name(act)),
                format!("逐个神经元用链式法则：ȧ = f′(z) ⊙ ż，即 {} 在 z 处的斜率乘以 z 的切向量。", crate::vocab::Named::name(act)),
            )
        };
        let text = Explanation::build(title, note, digits, |n| self.activation_lines(l, n));
        TangentStep {
            kind: TangentKind::Activation,
            layer: Some(l),
            text,
            tangents: self.tg.a[l].iter().map(|d| d.tangent).collect(),
        }
    }

    fn activation_lines(&self, l: usize, n: &Notation) -> Lines {
        let d = Dotted(n);
        let layer = self.p.net.mlp(l);
        let width = layer.width();
        let tdot = n.tdot();
        let (za, aa) = (&self.tg.z[l], &self.tg.a[l]);
        let dual_line = format!(
            "{} + {}{} = {}",
            n.sym("a", l + 1, ""),
            d.a_layer(l + 1),
            d.eps(),
            vector(n, width, |u| d.dual(aa[u]))
        );
        let mut symbols = Vec::new();
        let mut numbers = Vec::new();
        if layer.activation.is_softmax() {
            let m_sum = format!(
                "{}{}{tdot}{}",
                n.sum("m"),
                n.sym("a", l + 1, "m"),
                n.sym(&d.name("z"), l + 1, "m")
            );
            symbols.push(format!(
                "{} = {}{tdot}{}",
                d.a(l + 1, 0),
                n.a(l + 1, 0),
                n.paren(&format!("{}{}{m_sum}", d.z(l, 0), n.minus()))
            ));
            let mean = softmax_mean(self.p.a(l), za);
            let terms = shorten(n, width, MAX_TERMS, |m| {
                format!(
                    "{}{tdot}{}",
                    n.factor(self.p.a(l)[m]),
                    n.factor(za[m].tangent)
                )
            });
            numbers.push(format!("{m_sum} = {} = {}", terms.join(" + "), n.num(mean)));
            for u in shown_units(width, None) {
                let Some(u) = u else {
                    numbers.push(n.dots().into());
                    continue;
                };
                numbers.push(format!(
                    "{} = {}{tdot}{} = {}",
                    d.a(l + 1, u),
                    n.factor(self.p.a(l)[u]),
                    n.paren(&format!(
                        "{}{}{}",
                        n.num(za[u].tangent),
                        n.minus(),
                        n.factor(mean)
                    )),
                    n.num(aa[u].tangent)
                ));
            }
            numbers.push(dual_line);
            return Lines { symbols, numbers };
        }
        let f_prime = if n.style == Style::Tex { "f'" } else { "f′" };
        symbols.push(format!(
            "{} = {}{}{}",
            d.a_layer(l + 1),
            n.apply(f_prime, &n.sym("z", l + 1, "")),
            n.hadamard(),
            d.z_layer(l)
        ));
        if l < self.wrt.layer {
            symbols.push(format!("{} = 0", d.a_layer(l + 1)));
            numbers.push(format!(
                "{} = {}",
                d.a_layer(l + 1),
                vector(n, width, |_| "0".into())
            ));
            numbers.push(dual_line);
            return Lines { symbols, numbers };
        }
        let (sym0, _, _) = slope(self.p, l, 0, n);
        symbols.push(format!("{} = {sym0}{tdot}{}", d.a(l + 1, 0), d.z(l, 0)));
        for u in shown_units(width, None) {
            let Some(u) = u else {
                numbers.push(n.dots().into());
                continue;
            };
            let (_, num, _) = slope(self.p, l, u, n);
            numbers.push(format!(
                "{} = {num}{tdot}{} = {}",
                d.a(l + 1, u),
                n.factor(za[u].tangent),
                n.num(aa[u].tangent)
            ));
        }
        numbers.push(dual_line);
        Lines { symbols, numbers }
    }

    /// L̇ = Σ_u ∂L/∂y_u ẏ_u: the derivative.
    fn loss(&self, digits: usize) -> TangentStep {
        let w = self.wrt.symbol(&Notation::plain(digits));
        let text = Explanation::build(
            Bilingual::new(
                format!("Loss: its tangent L̇ = ∂L/∂{w}"),
                format!("损失：它的切向量 L̇ = ∂L/∂{w}"),
            ),
            Bilingual::new(
                format!("The loss's tangent, L̇ = Σ_u ∂L/∂y_u · ẏ_u, is how fast L changes as {w} moves: ∂L/∂{w}. One pass with tangents gave the derivative by this one parameter; the next parameter needs a pass of its own."),
                format!("损失的切向量 L̇ = Σ_u ∂L/∂y_u · ẏ_u 表示 {w} 变动时 L 变化的快慢，也就是 ∂L/∂{w}。一次带切向量的传播只得到对这一个参数的导数；下一个参数还要再传播一次。"),
            ),
            digits,
            |n| self.loss_lines(n),
        );
        TangentStep {
            kind: TangentKind::Loss,
            layer: None,
            text,
            tangents: vec![self.tg.loss.tangent],
        }
    }

    fn loss_lines(&self, n: &Notation) -> Lines {
        let d = Dotted(n);
        let last = self.depth();
        let top = last - 1;
        let y = self.p.output();
        let t = &self.p.target;
        let ya = &self.tg.a[top];
        let k = y.len();
        let tdot = n.tdot();
        let lt = d.loss();
        let general = format!(
            "{lt} = {}{}{tdot}{}",
            n.sum("u"),
            n.d("L", &n.sym("a", last, "u")),
            n.sym(&d.name("a"), last, "u")
        );
        let (sym, num) = match self.p.net.loss {
            Loss::CrossEntropy => {
                let used: Vec<usize> = (0..k).filter(|&u| t[u] != 0.0).collect();
                let s = shorten(n, used.len(), MAX_TERMS, |m| {
                    let u = used[m];
                    format!("{}{tdot}{}", n.t(u), n.over(&d.a(last, u), &n.a(last, u)))
                });
                let v = shorten(n, used.len(), MAX_TERMS, |m| {
                    let u = used[m];
                    format!(
                        "{}{tdot}{}",
                        n.num(t[u]),
                        n.over(&n.factor(ya[u].tangent), &n.factor(y[u]))
                    )
                });
                (
                    format!("-{}", n.paren(&s.join(" + "))),
                    format!("-{}", n.paren(&v.join(" + "))),
                )
            }
            loss => {
                let coeff = |s: String| {
                    if loss == Loss::Mse {
                        format!("{}{}", n.frac("2", &k.to_string()), n.paren(&s))
                    } else {
                        n.paren(&s)
                    }
                };
                let s = shorten(n, k, MAX_TERMS, |u| {
                    format!(
                        "{}{tdot}{}",
                        coeff(format!("{}{}{}", n.a(last, u), n.minus(), n.t(u))),
                        d.a(last, u)
                    )
                });
                let v = shorten(n, k, MAX_TERMS, |u| {
                    format!(
                        "{}{tdot}{}",
                        coeff(format!("{}{}{}", n.num(y[u]), n.minus(), n.factor(t[u]))),
                        n.factor(ya[u].tangent)
                    )
                });
                (s.join(" + "), v.join(" + "))
            }
        };
        let w = self.wrt.symbol(n);
        Lines {
            symbols: vec![general, format!("{lt} = {sym}")],
            numbers: vec![
                format!("{lt} = {num} = {}", n.num(self.tg.loss.tangent)),
                format!("{} = {lt} = {}", n.d("L", &w), n.num(self.tg.loss.tangent)),
                format!("L + {lt}{} = {}", d.eps(), d.dual(self.tg.loss)),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset;

    #[test]
    fn dual_arithmetic_is_the_product_rule() {
        let (u, v) = (Dual::new(3.0, 1.0), Dual::new(-2.0, 0.5));
        assert_eq!(u * v, Dual::new(-6.0, 1.0 * -2.0 + 3.0 * 0.5));
        assert_eq!(u + v, Dual::new(1.0, 1.5));
        assert_eq!(
            Dual::constant(4.0) * Dual::constant(2.0),
            Dual::constant(8.0)
        );
    }

    #[test]
    fn mazur_hidden_weight_step_by_step() {
        let pass = preset::get("mazur").unwrap().problem.pass();
        let f = forward_mode(&pass, MlpParam::weight(0, 0, 0), 9).unwrap();
        assert_eq!(f.steps.len(), 6, "seed, z(1), a(1), z(2), a(2), L");
        // ż(1)_1 = a(0)_1 = x_1 = 0.05, the other unit 0.
        assert_eq!(f.steps[1].tangents, [0.05, 0.0]);
        let z1 = f.steps[1].text.plain.numbers.join("\n");
        assert!(z1.contains("ż(1)_1 = 1·0.05 = 0.05"), "{z1}");
        assert!(
            z1.contains("z(1) + ż(1)ε = (0.3775 + 0.05ε, 0.3925 + 0ε)"),
            "{z1}"
        );
        // ȧ(1)_1 = σ′(z(1)_1)·0.05.
        let a1 = pass.a(0)[0];
        assert_eq!(f.steps[2].tangents[0], a1 * (1.0 - a1) * 0.05);
        let text = f.steps[5].text.plain.numbers.join("\n");
        assert!(text.contains("∂L/∂W(1)_11 = L̇ = 0.000438567734"), "{text}");
        assert!((f.value - f.backprop).abs() < 1e-18);
        let tex = f.steps[3].text.tex.symbols.join("\n");
        assert!(tex.contains(r"\dot{z}^{(2)}"), "{tex}");
    }

    #[test]
    fn the_values_are_the_forward_pass_s_own() {
        for name in ["mazur", "xor", "softmax-3class", "relu-regression"] {
            let pass = preset::get(name).unwrap().problem.pass();
            let tg = tangents(&pass.net, pass.input(), &pass.target, MlpParam::bias(0, 0));
            for l in 0..pass.depth() {
                let z: Vec<f64> = tg.z[l].iter().map(|d| d.value).collect();
                let a: Vec<f64> = tg.a[l].iter().map(|d| d.value).collect();
                assert_eq!(z, pass.z(l), "{name} z({l})");
                assert_eq!(a, pass.a(l), "{name} a({l})");
            }
            assert_eq!(tg.loss.value, pass.loss, "{name}");
        }
    }

    #[test]
    fn refuses_what_is_not_there() {
        let pass = preset::get("mazur").unwrap().problem.pass();
        assert!(forward_mode(&pass, MlpParam::bias(2, 0), 4).is_err());
        assert!(forward_mode(&pass, MlpParam::weight(0, 2, 0), 4).is_err());
        assert!(forward_mode(&pass, MlpParam::weight(0, 0, 2), 4).is_err());
        let cnn = preset::get("cnn-edge").unwrap().problem.pass();
        let e = forward_mode(&cnn, MlpParam::bias(0, 0), 4).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::NeedsMlp));
    }
}
