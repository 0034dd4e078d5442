//! The words and formulas of each step, as pure functions of the pass, the step, the
//! notation and the language: a title and a note in English and Chinese, the formula
//! in symbols, then with the numbers put in, as plain text and as TeX.

use crate::activation::Activation;
use crate::lang::Lang;
use crate::loss::Loss;
use crate::notation::Notation;
use crate::pass::Pass;
use crate::trace::{Kind, Step};
use crate::vocab::Named;
use serde::Serialize;

#[cfg(feature = "full")]
pub mod cnn;
#[cfg(feature = "full")]
pub mod feature;

/// Longest sum written out term by term; longer ones show the ends and `…`.
const MAX_TERMS: usize = 8;

/// A text in both interface languages.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bilingual {
    pub en: String,
    pub zh: String,
}

impl Bilingual {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Bilingual {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

/// Formula lines in symbols and with numbers, in one notation style.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Lines {
    pub symbols: Vec<String>,
    pub numbers: Vec<String>,
}

/// What one step (or one chain rule) says.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    pub title: Bilingual,
    /// What the factors mean, in words.
    pub note: Bilingual,
    pub plain: Lines,
    pub tex: Lines,
}

impl Explanation {
    /// Builds both styles from one writer, so plain text and TeX always agree.
    pub fn build(
        title: Bilingual,
        note: Bilingual,
        digits: usize,
        write: impl Fn(&Notation) -> Lines,
    ) -> Self {
        Self::build_capped(title, note, digits, usize::MAX, true, write)
    }

    /// As [`Explanation::build`], but long formula lists may stop after `max` lines, and
    /// the TeX lists are left empty unless `tex` (the page shows plain text only).
    pub fn build_capped(
        title: Bilingual,
        note: Bilingual,
        digits: usize,
        max: usize,
        tex: bool,
        write: impl Fn(&Notation) -> Lines,
    ) -> Self {
        Explanation {
            title,
            note,
            plain: write(&Notation::plain(digits).capped(max)),
            tex: if tex {
                write(&Notation::tex(digits).capped(max))
            } else {
                Lines::default()
            },
        }
    }
}

/// Step `step` of pass `p` explained: its title and note in both languages, its formula
/// lines in plain text and (with `tex`) TeX, lists allowed to stop after `max` lines.
pub fn explain(p: &Pass, step: &Step, digits: usize, max: usize, tex: bool) -> Explanation {
    Explanation::build_capped(
        Bilingual::new(
            title(p, step, digits, Lang::En),
            title(p, step, digits, Lang::Zh),
        ),
        Bilingual::new(
            note(p, step, digits, Lang::En),
            note(p, step, digits, Lang::Zh),
        ),
        digits,
        max,
        tex,
        |n| lines(p, step, n),
    )
}

/// The formula lines of a step, in the notation `n`.
pub fn lines(p: &Pass, step: &Step, n: &Notation) -> Lines {
    if !p.net.is_mlp() {
        // The convolutional lab's words are not in the first module (its sessions
        // refuse a CNN, so nothing asks for them there).
        #[cfg(feature = "full")]
        return cnn::lines(p, step, n);
        #[cfg(not(feature = "full"))]
        return Lines::default();
    }
    let units = |l: usize| step.units(p.net.mlp(l).width());
    match (step.kind, step.layer) {
        (Kind::Start, _) => start(p, n),
        (Kind::WeightedSum, Some(l)) => per_units(units(l), n, |i, n| weighted_sum(p, l, i, n)),
        (Kind::Activation, Some(l)) => per_units(units(l), n, |i, n| activation(p, l, i, n)),
        (Kind::Loss, _) => loss(p, n),
        (Kind::Delta, Some(l)) => per_units(units(l), n, |i, n| delta(p, l, i, n)),
        (Kind::Gradients, Some(l)) => per_units(units(l), n, |i, n| gradients(p, l, i, n)),
        (Kind::Update, _) => update(p, n),
        _ => Lines::default(),
    }
}

/// Lines for a run of units, one block after another; the symbols of a layer repeat
/// per unit, so the first unit's stand for all.
fn per_units(
    units: std::ops::Range<usize>,
    n: &Notation,
    f: impl Fn(usize, &Notation) -> Lines,
) -> Lines {
    let mut out = Lines::default();
    for (k, i) in units.enumerate() {
        if out.numbers.len() > n.max_lines {
            break;
        }
        let l = f(i, n);
        if k == 0 {
            out.symbols = l.symbols;
        }
        out.numbers.extend(l.numbers);
    }
    out
}

/// The symbol a step computes: `z(1)` for a layer, `z(1)_2` for one unit.
fn computed(step: &Step, name: &str) -> String {
    let n = Notation::plain(4);
    let l = step.layer.unwrap_or(0) + 1;
    match step.neuron {
        Some(i) => n.sym(name, l, &(i + 1).to_string()),
        None => n.sym(name, l, ""),
    }
}

/// A step's title, in `lang` (η to `digits` significant digits).
pub fn title(p: &Pass, step: &Step, digits: usize, lang: Lang) -> String {
    if !p.net.is_mlp() {
        #[cfg(feature = "full")]
        return cnn::title(p, step, digits, lang);
        #[cfg(not(feature = "full"))]
        return String::new();
    }
    let l = step.layer.map_or(0, |l| l + 1);
    let zh = lang == Lang::Zh;
    match step.kind {
        Kind::Start => lang
            .pick(
                "Start: the input x and the target t",
                "开始：输入 x 与目标 t",
            )
            .into(),
        Kind::WeightedSum => {
            let z = computed(step, "z");
            if zh {
                format!("前向传播 · 第 {l} 层：加权和 {z}")
            } else {
                format!("Forward · layer {l}: weighted sum {z}")
            }
        }
        Kind::Activation => {
            let a = computed(step, "a");
            let f = p.net.mlp(l - 1).activation.symbol();
            if zh {
                format!("前向传播 · 第 {l} 层：激活 {a} = {f}(z)")
            } else {
                format!("Forward · layer {l}: activation {a} = {f}(z)")
            }
        }
        Kind::Loss => {
            let (en, zh_name) = match p.net.loss {
                Loss::HalfSse => ("half the sum of squared errors", "误差平方和的一半"),
                Loss::Mse => ("mean squared error", "均方误差"),
                Loss::CrossEntropy => ("cross-entropy", "交叉熵"),
            };
            if zh {
                format!("损失：L，{zh_name}")
            } else {
                format!("Loss: L, {en}")
            }
        }
        Kind::Delta => {
            let d = computed(step, "δ");
            if zh {
                format!("反向传播 · 第 {l} 层：{d} = ∂L/∂z")
            } else {
                format!("Backward · layer {l}: {d} = ∂L/∂z")
            }
        }
        Kind::Gradients => {
            let w = computed(step, "W");
            if zh {
                format!("反向传播 · 第 {l} 层：梯度 ∂L/∂{w}、∂L/∂b")
            } else {
                format!("Backward · layer {l}: gradients ∂L/∂{w}, ∂L/∂b")
            }
        }
        Kind::Forward | Kind::Backward => {
            unreachable!("the steps of a CNN are explained by cnn::title")
        }
        Kind::Update => {
            let eta = crate::number::fmt(p.rule.learning_rate, digits);
            if zh {
                format!("更新：W ← W − η ∂L/∂W（η = {eta}）")
            } else {
                format!("Update: W ← W − η ∂L/∂W (η = {eta})")
            }
        }
    }
}

/// A step's note (what its factors mean, in words), in `lang`.
pub fn note(p: &Pass, step: &Step, digits: usize, lang: Lang) -> String {
    if !p.net.is_mlp() {
        #[cfg(feature = "full")]
        return cnn::note(p, step, digits, lang);
        #[cfg(not(feature = "full"))]
        return String::new();
    }
    let zh = lang == Lang::Zh;
    let l = step.layer.unwrap_or(0);
    match step.kind {
        Kind::Start => lang
            .pick(
                "Nothing is computed yet. Step forward to run the network on this example.",
                "尚未计算任何值。向前一步，让网络在这个样本上运行。",
            )
            .into(),
        Kind::WeightedSum => {
            let prev = if l == 0 { "x".to_string() } else { format!("a({l})") };
            if zh {
                format!("每个神经元把输入 {prev} 乘以对应连线的权重后相加，再加上偏置：z = W a + b。")
            } else {
                format!("Each unit adds up its inputs {prev}, each times the weight on its edge, plus its bias: z = W a + b.")
            }
        }
        Kind::Activation => {
            let act = p.net.mlp(l).activation;
            if zh {
                format!("激活函数 {} 把加权和变成神经元的输出：{}。", act.name(), act.formula())
            } else {
                format!(
                    "{} squashes each weighted sum into the unit's output: {}.",
                    act.name(),
                    act.formula()
                )
            }
        }
        Kind::Loss => {
            let last = p.depth();
            let f = p.net.loss.formula();
            if zh {
                format!("损失衡量输出 y = a({last}) 与目标 t 的差距：{f}。")
            } else {
                format!("The loss measures how far the output y = a({last}) is from the target t: {f}.")
            }
        }
        Kind::Delta if l + 1 == p.depth() => lang
            .pick(
                "The error signal of an output unit: ∂L/∂a says how much the loss changes with this output, ∂a/∂z is the slope of the activation at z; δ = ∂L/∂z is their product.",
                "输出神经元的误差信号：∂L/∂a 表示损失随该输出的变化率，∂a/∂z 是激活函数在 z 处的斜率；δ = ∂L/∂z 是二者之积。",
            )
            .into(),
        Kind::Delta => lang
            .pick(
                "A hidden unit's error is the sum, over the units it feeds, of their δ times the connecting weight (the weights before the update), times the slope of its own activation.",
                "隐藏神经元的误差：对它连到的上一层每个神经元，把其 δ 乘以连线权重（更新前的权重）后求和，再乘以自身激活函数的斜率。",
            )
            .into(),
        Kind::Gradients => lang
            .pick(
                "A weight's gradient is the δ of the unit it enters times the activation of the unit it leaves; a bias's gradient is the δ of its unit.",
                "权重的梯度等于它所指向神经元的 δ 乘以它所来自神经元的激活值；偏置的梯度就是所在神经元的 δ。",
            )
            .into(),
        Kind::Forward | Kind::Backward => unreachable!("the steps of a CNN are explained by cnn::note"),
        Kind::Update => {
            let eta = crate::number::fmt(p.rule.learning_rate, digits);
            let mut out = if zh {
                format!("每个权重沿梯度的反方向迈出一步，步长为学习率 η = {eta}；⁺ 表示更新后的值。")
            } else {
                format!("Every weight takes a step of size η = {eta} against its gradient; ⁺ marks a value after the update.")
            };
            if p.rule.weight_decay != 0.0 {
                let lam = crate::number::fmt(p.rule.weight_decay, digits);
                out.push_str(&if zh {
                    format!(" L2 权重衰减 λ = {lam} 在每个权重的梯度上加上 λW。")
                } else {
                    format!(" L2 weight decay λ = {lam} adds λW to each weight's gradient.")
                });
            }
            if p.rule.freeze_biases {
                out.push_str(lang.pick(
                    " The biases are frozen (kept as they are).",
                    " 偏置被冻结（保持不变）。",
                ));
            }
            out
        }
    }
}

/// The start: a(0) = x, and the example's numbers.
fn start(p: &Pass, n: &Notation) -> Lines {
    let vec = |v: &[f64]| n.paren(&v.iter().map(|x| n.num(*x)).collect::<Vec<_>>().join(", "));
    Lines {
        symbols: vec![format!("{} = x", n.sym("a", 0, ""))],
        numbers: vec![
            format!("x = {}", vec(p.input())),
            format!("t = {}", vec(&p.target)),
        ],
    }
}

/// `terms` joined by `sep`, cut to the first and last few when long.
fn join_terms(n: &Notation, terms: Vec<String>, sep: &str) -> String {
    join_lazy(n, terms.len(), |k| terms[k].clone(), sep)
}

/// [`join_terms`] of `count` terms written by `term`, only the shown ones (a 16-wide
/// layer's sums would otherwise format every number to drop most of them).
fn join_lazy(n: &Notation, count: usize, term: impl Fn(usize) -> String, sep: &str) -> String {
    let shown: Vec<String> = if count <= MAX_TERMS {
        (0..count).map(&term).collect()
    } else {
        let mut v: Vec<String> = (0..MAX_TERMS - 2).map(&term).collect();
        v.push(n.dots().to_string());
        v.push(term(count - 1));
        v
    };
    shown.join(sep)
}

/// `sep` for a sum whose next term may be negative: keeps `a + (-b)` readable.
const PLUS: &str = " + ";

/// z(l)_i = Σ_j W(l)_ij a(l−1)_j + b(l)_i, then with the numbers.
pub fn weighted_sum(p: &Pass, l: usize, i: usize, n: &Notation) -> Lines {
    let layer = &p.net.mlp(l);
    let a_prev = p.a_prev(l);
    let fan = layer.fan_in();
    // Terms W·a for each input, then the bias.
    let sym = |j: usize| {
        if j < fan {
            format!("{}{}{}", n.w(l, i, j), n.tdot(), n.a(l, j))
        } else {
            n.b(l, i)
        }
    };
    let num = |j: usize| {
        if j < fan {
            let (w, a) = (layer.w(i, j), a_prev[j]);
            format!("{}{}{}", n.factor(w), n.tdot(), n.factor(a))
        } else {
            n.factor(layer.biases()[i])
        }
    };
    let z = n.z(l, i);
    Lines {
        symbols: vec![format!("{z} = {}", join_lazy(n, fan + 1, sym, PLUS))],
        numbers: vec![format!(
            "{z} = {} = {}",
            join_lazy(n, fan + 1, num, PLUS),
            n.num(p.z(l)[i])
        )],
    }
}

/// a(l)_i = f(z(l)_i), then with the numbers.
pub fn activation(p: &Pass, l: usize, i: usize, n: &Notation) -> Lines {
    let act = p.net.mlp(l).activation;
    let z = p.z(l)[i];
    let a_val = p.a(l)[i];
    let (zs, a_sym) = (n.z(l, i), n.a(l + 1, i));
    let zn = n.factor(z);
    let (sym_rhs, num_rhs) = match act {
        Activation::Sigmoid => (
            n.frac("1", &format!("1 + {}", n.exp(&format!("-{zs}")))),
            n.frac("1", &format!("1 + {}", n.exp(&format!("-{zn}")))),
        ),
        Activation::Tanh => (n.apply("tanh", &zs), n.apply("tanh", &n.num(z))),
        Activation::Relu => (
            n.apply("max", &format!("0, {zs}")),
            n.apply("max", &format!("0, {}", n.num(z))),
        ),
        Activation::LeakyRelu if z > 0.0 => (format!("{} ({} > 0)", zs, zs), n.num(z)),
        Activation::LeakyRelu => (
            format!("0.01{}{} ({} ≤ 0)", n.tdot(), zs, zs),
            format!("0.01{}{}", n.tdot(), zn),
        ),
        Activation::Linear => (zs.clone(), n.num(z)),
        Activation::Softmax => {
            let den_sym = n.sum("k") + &n.exp(&n.sym("z", l + 1, "k"));
            let den_num: Vec<String> = p.z(l).iter().map(|v| n.exp(&n.num(*v))).collect();
            (
                n.frac(&n.exp(&zs), &den_sym),
                n.frac(&n.exp(&n.num(z)), &join_terms(n, den_num, PLUS)),
            )
        }
    };
    let f = act.symbol_tex_or_plain(n);
    Lines {
        symbols: vec![format!("{a_sym} = {} = {sym_rhs}", n.apply(f, &zs))],
        numbers: vec![format!("{a_sym} = {num_rhs} = {}", n.num(a_val))],
    }
}

impl Activation {
    /// The activation's symbol in the notation's style.
    fn symbol_tex_or_plain(self, n: &Notation) -> &'static str {
        if n.style == crate::notation::Style::Tex {
            self.symbol_tex()
        } else {
            self.symbol()
        }
    }
}

/// The loss, written out over the output units, then with the numbers.
pub fn loss(p: &Pass, n: &Notation) -> Lines {
    let last = p.depth();
    let y = p.output();
    let t = &p.target;
    let k = y.len();
    let (sym, num) = match p.net.loss {
        Loss::HalfSse | Loss::Mse => {
            let pre = if p.net.loss == Loss::HalfSse {
                n.half().to_string()
            } else {
                String::new()
            };
            let s: Vec<String> = (0..k)
                .map(|i| {
                    let d = format!("{}{}{}", n.t(i), n.minus(), n.a(last, i));
                    format!("{pre}{}", n.sq(&n.paren(&d)))
                })
                .collect();
            let v: Vec<String> = (0..k)
                .map(|i| {
                    let d = format!("{}{}{}", n.num(t[i]), n.minus(), n.factor(y[i]));
                    format!("{pre}{}", n.sq(&n.paren(&d)))
                })
                .collect();
            let wrap = |body: String| {
                // The mean of one term is that term; of k, (1/k)(…).
                if p.net.loss == Loss::Mse && k > 1 {
                    format!("{}{}", n.mean(k), n.paren(&body))
                } else {
                    body
                }
            };
            (wrap(join_terms(n, s, PLUS)), wrap(join_terms(n, v, PLUS)))
        }
        Loss::CrossEntropy => {
            let used: Vec<usize> = (0..k).filter(|&i| t[i] != 0.0).collect();
            let s: Vec<String> = used
                .iter()
                .map(|&i| format!("{} {}", n.t(i), n.log(&n.a(last, i))))
                .collect();
            let v: Vec<String> = used
                .iter()
                .map(|&i| format!("{}{}{}", n.num(t[i]), n.tdot(), n.log(&n.num(y[i]))))
                .collect();
            (
                format!("-{}", n.paren(&join_terms(n, s, PLUS))),
                format!("-{}", n.paren(&join_terms(n, v, PLUS))),
            )
        }
    };
    Lines {
        symbols: vec![format!("L = {sym}")],
        numbers: vec![format!("L = {num} = {}", n.num(p.loss))],
    }
}

/// f′(z(l)_i) written the way it is computed (a(1 − a) for sigmoid), symbols and numbers.
fn derivative(p: &Pass, l: usize, i: usize, n: &Notation) -> (String, String) {
    let act = p.net.mlp(l).activation;
    let z = p.z(l)[i];
    let a = p.a(l)[i];
    let (zs, asym) = (n.z(l, i), n.a(l + 1, i));
    let one_minus = |x: &str| n.paren(&format!("1{}{x}", n.minus()));
    match act {
        Activation::Sigmoid => (
            format!("{asym}{}", one_minus(&asym)),
            format!("{}{}{}", n.num(a), n.tdot(), one_minus(&n.num(a))),
        ),
        Activation::Tanh => (one_minus(&n.sq(&asym)), one_minus(&n.sq(&n.factor(a)))),
        Activation::Relu | Activation::LeakyRelu => {
            let f = if act == Activation::Relu {
                "relu′"
            } else {
                "lrelu′"
            };
            let f = if n.style == crate::notation::Style::Tex {
                if act == Activation::Relu {
                    r"\operatorname{relu}'"
                } else {
                    r"\operatorname{lrelu}'"
                }
            } else {
                f
            };
            (n.apply(f, &zs), n.apply(f, &n.num(z)))
        }
        Activation::Linear | Activation::Softmax => ("1".into(), "1".into()),
    }
}

/// δ(l)_i = ∂L/∂z(l)_i, for the output layer (from the loss) or a hidden layer
/// (the sum over the units above, each path shown, times f′).
pub fn delta(p: &Pass, l: usize, i: usize, n: &Notation) -> Lines {
    let d = n.delta(l, i);
    let value = n.num(p.delta(l)[i]);
    let act = p.net.mlp(l).activation;
    if l + 1 == p.depth() {
        let y = p.a(l)[i];
        let t = p.target[i];
        let ys = n.a(l + 1, i);
        let k = p.net.outputs();
        if act.is_softmax() {
            if p.net.loss == Loss::CrossEntropy {
                let st: f64 = p.target.iter().sum();
                if st == 1.0 {
                    return Lines {
                        symbols: vec![format!("{d} = {ys}{}{}", n.minus(), n.t(i))],
                        numbers: vec![format!(
                            "{d} = {}{}{} = {value}",
                            n.num(y),
                            n.minus(),
                            n.factor(t)
                        )],
                    };
                }
                return Lines {
                    symbols: vec![format!(
                        "{d} = {ys}{}{}{}{}",
                        n.tdot(),
                        n.paren(&format!("{}{}", n.sum("k"), "t_k")),
                        n.minus(),
                        n.t(i)
                    )],
                    numbers: vec![format!(
                        "{d} = {}{}{}{}{} = {value}",
                        n.num(y),
                        n.tdot(),
                        n.factor(st),
                        n.minus(),
                        n.factor(t)
                    )],
                };
            }
            let g = p.net.loss.dy(p.a(l), &p.target);
            let gy: f64 = g.iter().zip(p.a(l)).map(|(g, y)| g * y).sum();
            let dl = n.d("L", &ys);
            return Lines {
                symbols: vec![format!(
                    "{d} = {ys}{}{}",
                    n.tdot(),
                    n.paren(&format!(
                        "{dl}{}{}{}{}",
                        n.minus(),
                        n.sum("k"),
                        n.d("L", &n.sym("a", l + 1, "k")),
                        n.sym("a", l + 1, "k")
                    ))
                )],
                numbers: vec![format!(
                    "{d} = {}{}{} = {value}",
                    n.num(y),
                    n.tdot(),
                    n.paren(&format!("{}{}{}", n.num(g[i]), n.minus(), n.factor(gy)))
                )],
            };
        }
        let (dl_sym, dl_num, dl_val) = match p.net.loss {
            Loss::Mse => (
                format!(
                    "{}{}",
                    n.frac("2", &k.to_string()),
                    n.paren(&format!("{ys}{}{}", n.minus(), n.t(i)))
                ),
                format!(
                    "{}{}",
                    n.frac("2", &k.to_string()),
                    n.paren(&format!("{}{}{}", n.num(y), n.minus(), n.factor(t)))
                ),
                2.0 / k as f64 * (y - t),
            ),
            _ => (
                n.paren(&format!("{ys}{}{}", n.minus(), n.t(i))),
                n.paren(&format!("{}{}{}", n.num(y), n.minus(), n.factor(t))),
                y - t,
            ),
        };
        let (df_sym, df_num) = derivative(p, l, i, n);
        let df_val = act.df_from(p.z(l)[i], y);
        let dot = n.dot();
        return Lines {
            symbols: vec![
                format!("{d} = {}{dot}{}", n.d("L", &ys), n.d(&ys, &n.z(l, i))),
                format!("{d} = {dl_sym}{dot}{df_sym}"),
            ],
            numbers: vec![
                format!("{} = {dl_num} = {}", n.d("L", &ys), n.num(dl_val)),
                format!("{} = {df_num} = {}", n.d(&ys, &n.z(l, i)), n.num(df_val)),
                format!(
                    "{d} = {}{dot}{} = {value}",
                    n.factor(dl_val),
                    n.factor(df_val)
                ),
            ],
        };
    }
    // Hidden unit: δ(l)_i = (Σ_k W(l+1)_ki δ(l+1)_k) · f′(z(l)_i).
    let upper = &p.net.mlp(l + 1);
    let du = &p.delta(l + 1);
    let k_count = upper.width();
    let sym_terms: Vec<String> = (0..k_count)
        .map(|k| format!("{}{}{}", n.w(l + 1, k, i), n.tdot(), n.delta(l + 1, k)))
        .collect();
    let num_terms: Vec<String> = (0..k_count)
        .map(|k| format!("{}{}{}", n.factor(upper.w(k, i)), n.tdot(), n.factor(du[k])))
        .collect();
    let back: f64 = (0..k_count).map(|k| upper.w(k, i) * du[k]).sum();
    let (df_sym, df_num) = derivative(p, l, i, n);
    let df_val = act.df_from(p.z(l)[i], p.a(l)[i]);
    let ai = n.a(l + 1, i);
    let dot = n.dot();
    let mut numbers: Vec<String> = (0..k_count.min(MAX_TERMS))
        .map(|k| {
            format!(
                "{} = {} = {}",
                n.paren(&sym_terms[k]),
                num_terms[k],
                n.num(upper.w(k, i) * du[k])
            )
        })
        .collect();
    numbers.push(format!(
        "{} = {} = {}",
        n.d("L", &ai),
        join_terms(n, num_terms, PLUS),
        n.num(back)
    ));
    numbers.push(format!(
        "{} = {df_num} = {}",
        n.d(&ai, &n.z(l, i)),
        n.num(df_val)
    ));
    numbers.push(format!(
        "{d} = {}{dot}{} = {value}",
        n.factor(back),
        n.factor(df_val)
    ));
    Lines {
        symbols: vec![
            format!(
                "{d} = {}{dot}{} = {}{dot}{}",
                n.d("L", &ai),
                n.d(&ai, &n.z(l, i)),
                n.paren(&format!(
                    "{}{}{}{}",
                    n.sum("k"),
                    n.sym("W", l + 2, &format!("k{}", i + 1)),
                    n.tdot(),
                    n.sym("δ", l + 2, "k")
                )),
                "f′".replace(
                    '′',
                    if n.style == crate::notation::Style::Tex {
                        "'"
                    } else {
                        "′"
                    }
                ) + &n.paren(&n.z(l, i))
            ),
            format!(
                "{d} = {}{dot}{df_sym}",
                n.paren(&join_terms(n, sym_terms, PLUS))
            ),
        ],
        numbers,
    }
}

/// ∂L/∂W(l)_ij = δ(l)_i a(l−1)_j for every j, and ∂L/∂b(l)_i = δ(l)_i.
pub fn gradients(p: &Pass, l: usize, i: usize, n: &Notation) -> Lines {
    let a_prev = p.a_prev(l);
    let dot = n.dot();
    let (d, dv) = (n.delta(l, i), p.delta(l)[i]);
    let mut symbols = Vec::new();
    let mut numbers = Vec::new();
    for (j, a) in a_prev.iter().enumerate() {
        let dw = n.d("L", &n.w(l, i, j));
        symbols.push(format!("{dw} = {d}{dot}{}", n.a(l, j)));
        numbers.push(format!(
            "{dw} = {}{dot}{} = {}",
            n.factor(dv),
            n.factor(*a),
            n.num(p.grad_w(l, i, j))
        ));
    }
    let db = n.d("L", &n.b(l, i));
    symbols.push(format!("{db} = {d}"));
    numbers.push(format!("{db} = {}", n.num(p.grad_b(l)[i])));
    Lines { symbols, numbers }
}

/// The SGD update of every weight and bias, then the loss after the step.
pub fn update(p: &Pass, n: &Notation) -> Lines {
    let eta = n.eta();
    let lam = p.rule.weight_decay;
    let dot = n.dot();
    let (wsym, bsym) = ("W", "b");
    let mut symbols = vec![if lam != 0.0 {
        format!(
            "{wsym}{}{wsym}{}{eta}{dot}{}",
            n.gets(),
            n.minus(),
            n.paren(&format!("{}{}{}{wsym}", n.d("L", wsym), PLUS, n.lambda()))
        )
    } else {
        format!(
            "{wsym}{}{wsym}{}{eta}{dot}{}",
            n.gets(),
            n.minus(),
            n.d("L", wsym)
        )
    }];
    if !p.rule.freeze_biases {
        symbols.push(format!(
            "{bsym}{}{bsym}{}{eta}{dot}{}",
            n.gets(),
            n.minus(),
            n.d("L", bsym)
        ));
    }
    let lr = n.factor(p.rule.learning_rate);
    let mut numbers = Vec::new();
    'layers: for (l, (old, new)) in p.net.mlp_layers().zip(p.updated.mlp_layers()).enumerate() {
        for i in 0..old.width() {
            for (j, w) in old.row(i).iter().enumerate() {
                if numbers.len() > n.max_lines {
                    break 'layers;
                }
                let grad = if lam != 0.0 {
                    n.paren(&format!(
                        "{}{PLUS}{}{dot}{}",
                        n.num(p.grad_w(l, i, j)),
                        n.factor(lam),
                        n.factor(*w)
                    ))
                } else {
                    n.factor(p.grad_w(l, i, j))
                };
                numbers.push(format!(
                    "{} = {}{}{lr}{dot}{grad} = {}",
                    n.w(l, i, j),
                    n.num(*w),
                    n.minus(),
                    n.num(new.w(i, j))
                ));
            }
        }
        if !p.rule.freeze_biases {
            for (i, b) in old.biases().iter().enumerate() {
                numbers.push(format!(
                    "{} = {}{}{lr}{dot}{} = {}",
                    n.b(l, i),
                    n.num(*b),
                    n.minus(),
                    n.factor(p.grad_b(l)[i]),
                    n.num(new.biases()[i])
                ));
            }
        }
    }
    let loss = format!("L{} = {}", n.after(), n.num(p.loss_after));
    if numbers.len() > n.max_lines {
        // A list that will be cut keeps the new loss on top.
        numbers.insert(0, loss);
    } else {
        numbers.push(loss);
    }
    Lines { symbols, numbers }
}
