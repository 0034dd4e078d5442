//! The "why backward" panel's views, in one language: ∂L/∂w of one parameter by
//! forward mode, step by step beside backprop's ([`crate::forward_mode`]), and the
//! table of the work every gradient takes three ways ([`crate::cost`]).

use crate::cost::{grouped, Cost};
use crate::error::Error;
use crate::explain::Lines;
use crate::forward_mode::{self, MlpParam, TangentKind};
use crate::lab::{Session, UI_DIGITS};
use crate::lang::Lang;
use crate::notation::Notation;
use serde::Serialize;

/// Forward mode for one parameter at a session's cursor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForwardModeView {
    pub layer: usize,
    pub to: usize,
    pub from: Option<usize>,
    /// `W(1)_11`, `b(2)_1`.
    pub symbol: String,
    pub title: String,
    pub note: String,
    pub steps: Vec<TangentStepView>,
    /// L̇: forward mode's ∂L/∂w.
    pub value: f64,
    /// Backprop's ∂L/∂w.
    pub backprop: f64,
    /// |L̇ − backprop's|.
    pub difference: f64,
    /// The step matching the trace's cursor (the start, a forward step, the loss).
    pub current: Option<usize>,
    /// True once the trace has reached this gradient (the quiz hides it until then).
    pub revealed: bool,
    /// The words of the result line.
    pub labels: ResultLabels,
    /// Shown when the page picked this parameter itself (nothing was selected).
    pub pick_hint: String,
}

/// One step of the pass with tangents.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TangentStepView {
    pub kind: TangentKind,
    pub layer: Option<usize>,
    pub title: String,
    pub note: String,
    pub symbols: Vec<String>,
    pub numbers: Vec<String>,
    /// The same lines in TeX.
    pub tex: Lines,
    pub tangents: Vec<f64>,
}

/// How the result line names its numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResultLabels {
    pub forward: String,
    pub backprop: String,
    pub difference: String,
}

/// Forward mode for `wrt` at session `s`'s cursor, in `lang`.
pub fn forward_mode(s: &Session, wrt: MlpParam, lang: Lang) -> Result<ForwardModeView, Error> {
    let t = s.trace();
    let p = &t.pass;
    let f = forward_mode::forward_mode(p, wrt, UI_DIGITS)?;
    let cursor = s.stepper().cursor();
    let w = wrt.symbol(&Notation::plain(UI_DIGITS));
    Ok(ForwardModeView {
        layer: wrt.layer,
        to: wrt.to,
        from: wrt.from,
        title: f.title.get(lang).to_string(),
        note: f.note.get(lang).to_string(),
        steps: f
            .steps
            .into_iter()
            .map(|st| TangentStepView {
                kind: st.kind,
                layer: st.layer,
                title: st.text.title.get(lang).to_string(),
                note: st.text.note.get(lang).to_string(),
                symbols: st.text.plain.symbols,
                numbers: st.text.plain.numbers,
                tex: st.text.tex,
                tangents: st.tangents,
            })
            .collect(),
        value: f.value,
        backprop: f.backprop,
        difference: (f.value - f.backprop).abs(),
        current: forward_mode::step_at(&t.steps[cursor], p.depth()),
        revealed: t.shows_grads(wrt.layer, wrt.to, cursor),
        labels: ResultLabels {
            forward: lang.pick(
                format!("Forward mode: ∂L/∂{w} = L̇"),
                format!("前向模式：∂L/∂{w} = L̇"),
            ),
            backprop: lang.pick("Backprop", "反向传播").into(),
            difference: lang.pick("difference", "相差").into(),
        },
        pick_hint: lang.pick(
            format!("Showing {w}: click a weight or a unit in the network for another."),
            format!("当前显示 {w}：在网络图中点击一条连线或一个神经元可换一个。"),
        ),
        symbol: w,
    })
}

/// The cost table for the current network, in one language.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostView {
    pub title: String,
    /// The network's sizes, P and the passes' counts, in words.
    pub network: String,
    /// Method, passes, multiply-adds, times backprop's.
    pub headers: Vec<String>,
    pub rows: Vec<CostRowView>,
    /// What is counted.
    pub counted: String,
    /// Why the derivatives are computed from the back, with this network's numbers.
    pub why: String,
    pub params: u64,
    pub forward_pass: u64,
    pub backward_pass: u64,
}

/// One way to get every gradient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostRowView {
    /// `backprop`, `forward_mode`, `finite_differences`.
    pub method: &'static str,
    pub name: String,
    pub passes: String,
    pub multiply_adds: u64,
    /// The count, its digits grouped.
    pub count: String,
    /// How it is made up: `P · 2F = 12 · 16`.
    pub how: String,
    pub ratio: f64,
    /// `9.6×`.
    pub ratio_text: String,
}

/// The cost table of session `s`'s network, in `lang`.
pub fn cost(s: &Session, lang: Lang) -> Result<CostView, Error> {
    let c = Cost::of(&s.trace().pass.net)?;
    let g = grouped;
    let (p, f, b) = (c.params, c.forward_pass, c.backward_pass);
    let sizes: Vec<String> = c.sizes.iter().map(|n| n.to_string()).collect();
    let sizes = sizes.join("-");
    let times = |r: f64| format!("{}×", crate::number::fmt(r, 3));
    let rows = vec![
        CostRowView {
            method: "backprop",
            name: lang
                .pick(
                    "Backprop: one forward pass and one backward pass",
                    "反向传播：一次前向传播加一次反向传播",
                )
                .into(),
            passes: "1 + 1".into(),
            multiply_adds: c.backprop,
            count: g(c.backprop),
            how: format!("F + B = {} + {}", g(f), g(b)),
            ratio: 1.0,
            ratio_text: times(1.0),
        },
        CostRowView {
            method: "forward_mode",
            name: lang
                .pick(
                    "Forward mode: one pass with tangents per parameter",
                    "前向模式：每个参数一次带切向量的传播",
                )
                .into(),
            passes: format!("P = {}", g(p)),
            multiply_adds: c.forward_mode,
            count: g(c.forward_mode),
            how: format!("P · 2F = {} · {}", g(p), g(c.tangent_pass)),
            ratio: c.forward_mode_ratio(),
            ratio_text: times(c.forward_mode_ratio()),
        },
        CostRowView {
            method: "finite_differences",
            name: lang
                .pick(
                    "Central finite differences: L(w + h) and L(w − h) for each parameter",
                    "中心有限差分：每个参数计算 L(w + h) 与 L(w − h)",
                )
                .into(),
            passes: format!("2P = {}", g(2 * p)),
            multiply_adds: c.finite_differences,
            count: g(c.finite_differences),
            how: format!("2P · F = {} · {}", g(2 * p), g(f)),
            ratio: c.finite_differences_ratio(),
            ratio_text: times(c.finite_differences_ratio()),
        },
    ];
    let (bp, fm) = (g(c.backprop), g(c.forward_mode));
    let r = crate::number::fmt(c.forward_mode_ratio(), 3);
    let p2 = g(2 * p);
    let (ps, fs, bs) = (g(p), g(f), g(b));
    let (ws, bis) = (g(c.weights), g(c.biases));
    Ok(CostView {
        title: lang
            .pick("The work of every gradient", "求出全部梯度的计算量")
            .into(),
        network: lang.pick(
            format!("Network {sizes}: P = {ps} parameters ({ws} weights, {bis} biases). One forward pass F = {fs} multiply-adds, one backward pass B = {bs}."),
            format!("网络 {sizes}：P = {ps} 个参数（{ws} 个权重、{bis} 个偏置）。一次前向传播 F = {fs} 次乘加，一次反向传播 B = {bs} 次。"),
        ),
        headers: vec![
            lang.pick("Method", "方法").into(),
            lang.pick("Passes", "传播次数").into(),
            lang.pick("Multiply-adds", "乘加次数").into(),
            lang.pick("× backprop", "× 反向传播").into(),
        ],
        rows,
        counted: lang.pick(
            "Counted: multiply-adds s + w·a, the products with the weights. A forward pass computes z = W a + b, one per weight: F. The backward pass computes ∂L/∂W = δ aᵀ, one per weight, and δ(l−1) = (Wᵀ δ) ⊙ f′ for every layer but the first: B. A pass with tangents computes z and ż = W ȧ: 2F. The work per unit (biases, activations, f′, the loss) is left out: one operation per unit per pass, in every method.",
            "计数的是乘加 s + w·a，即与权重相乘的运算。一次前向传播计算 z = W a + b，每个权重一次：F。反向传播计算 ∂L/∂W = δ aᵀ（每个权重一次），以及除第一层外每层的 δ(l−1) = (Wᵀ δ) ⊙ f′：B。一次带切向量的传播计算 z 和 ż = W ȧ：2F。每个神经元上的运算（偏置、激活函数、f′、损失）不计：每种方法每次传播每个神经元只有一次。",
        ).into(),
        why: lang.pick(
            format!("Why from the back? L is one number, and there are P = {ps} parameters. Backprop starts at the one output and sweeps back once: each δ(l) serves every weight of layer l, so all {ps} gradients cost {bp} multiply-adds. Forward mode starts at one parameter: its tangents tell how every value moves with that parameter alone, so all {ps} gradients take {ps} passes, {fm} multiply-adds, {r} times as many; finite differences take {p2} passes for as many, and only approximate. The gap grows with the network, about 2P/3 times: one output and many parameters is what differentiating from the back is made for."),
            format!("为什么从后往前算？L 只是一个数，而参数有 P = {ps} 个。反向传播从这唯一的输出出发，只往回扫描一次：每个 δ(l) 为第 l 层的所有权重共用，所以全部 {ps} 个梯度只需 {bp} 次乘加。前向模式从一个参数出发：它的切向量只说明所有值如何随这一个参数变化，所以 {ps} 个梯度需要 {ps} 次传播、{fm} 次乘加，是反向传播的 {r} 倍；有限差分需要 {p2} 次传播，乘加次数一样多，而且只是近似值。网络越大，差距越大，约为 2P/3 倍：一个输出、许多参数，正是从后往前求导所擅长的情形。"),
        ),
        params: p,
        forward_pass: f,
        backward_pass: b,
    })
}
