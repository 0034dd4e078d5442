//! The chain rule of one weight or bias: ∂L/∂W(l)_ij as its factors with their values,
//! and for a hidden unit the sum over the paths through the layer above, term by term.

use crate::error::{Error, ErrorKind, Thing};
use crate::explain::{self, Bilingual, Explanation, Lines};
use crate::loss::Loss;
use crate::notation::Notation;
use crate::pass::Pass;
use serde::Serialize;

/// One factor of the product.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Factor {
    /// What the factor means.
    pub name: Bilingual,
    /// The factor in symbols, e.g. `∂a(2)_1/∂z(2)_1`.
    pub symbol: String,
    /// The same in TeX, e.g. `\frac{\partial a^{(2)}_{1}}{\partial z^{(2)}_{1}}`.
    pub tex: String,
    pub value: f64,
}

/// One path through the layer above: W(l+1)_ki · δ(l+1)_k.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathTerm {
    /// Unit k of the layer above (0-based).
    pub unit: usize,
    pub weight: f64,
    pub delta: f64,
    pub product: f64,
    /// The term written out: `W(2)_11 · δ(2)_1 = 0.4 · 0.1385 = 0.0554`.
    pub line: String,
    /// The same in TeX.
    pub tex: String,
}

/// The term W(l+1)_ki · δ(l+1)_k of a path, written out in notation `n`.
fn path_line(n: &Notation, l: usize, k: usize, i: usize, w: f64, d: f64) -> String {
    format!(
        "{}{dot}{} = {}{dot}{} = {}",
        n.w(l + 1, k, i),
        n.delta(l + 1, k),
        n.factor(w),
        n.factor(d),
        n.num(w * d),
        dot = n.dot()
    )
}

/// ∂L/∂W(l)_ij (or ∂L/∂b(l)_i when `from` is `None`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainRule {
    pub layer: usize,
    pub to: usize,
    pub from: Option<usize>,
    pub factors: Vec<Factor>,
    /// For a hidden unit: the terms of ∂L/∂a(l)_i; empty for the output layer.
    pub paths: Vec<PathTerm>,
    /// The product of the factors: the gradient itself.
    pub value: f64,
    pub text: Explanation,
}

/// The chain rule of W(l)_ij (`from` = Some(j)) or b(l)_i (`from` = None), 0-based.
pub fn chain_rule(
    p: &Pass,
    l: usize,
    i: usize,
    from: Option<usize>,
    digits: usize,
) -> Result<ChainRule, Error> {
    if !p.net.is_mlp() {
        return Err(Error::new(ErrorKind::NeedsMlp));
    }
    let depth = p.depth();
    let no = |thing, index, count| {
        Err(Error::new(ErrorKind::NoSuch {
            thing,
            index,
            count,
        }))
    };
    if l >= depth {
        return no(Thing::Layer, l, depth);
    }
    let layer = &p.net.mlp(l);
    if i >= layer.width() {
        return no(Thing::Unit, i, layer.width());
    }
    if let Some(j) = from {
        if j >= layer.fan_in() {
            return no(Thing::Input, j, layer.fan_in());
        }
    }
    let plain = Notation::plain(digits);
    let tex = Notation::tex(digits);
    let (a_sym, z_sym) = (plain.a(l + 1, i), plain.z(l, i));
    let param = match from {
        Some(j) => plain.w(l, i, j),
        None => plain.b(l, i),
    };
    let (a_tex, z_tex) = (tex.a(l + 1, i), tex.z(l, i));
    let param_tex = match from {
        Some(j) => tex.w(l, i, j),
        None => tex.b(l, i),
    };
    let (z, a) = (p.z(l)[i], p.a(l)[i]);
    let act = layer.activation;
    let output = l + 1 == depth;
    let mut factors = Vec::new();
    let mut paths = Vec::new();
    if output && act.is_softmax() {
        factors.push(Factor {
            name: Bilingual::new("error of the unit, δ = ∂L/∂z", "神经元的误差 δ = ∂L/∂z"),
            symbol: plain.d("L", &z_sym),
            tex: tex.d("L", &z_tex),
            value: p.delta(l)[i],
        });
    } else {
        let dl_da = if output {
            let g = p.net.loss.dy(p.a(l), &p.target);
            debug_assert!(p.net.loss != Loss::CrossEntropy);
            g[i]
        } else {
            let upper = &p.net.mlp(l + 1);
            let du = &p.delta(l + 1);
            paths = (0..upper.width())
                .map(|k| {
                    let (w, d) = (upper.w(k, i), du[k]);
                    let product = w * d;
                    PathTerm {
                        unit: k,
                        weight: w,
                        delta: d,
                        product,
                        line: path_line(&plain, l, k, i, w, d),
                        tex: path_line(&tex, l, k, i, w, d),
                    }
                })
                .collect();
            paths.iter().map(|t| t.product).sum()
        };
        factors.push(Factor {
            name: if output {
                Bilingual::new("how the loss changes with this output", "损失随该输出的变化率")
            } else {
                Bilingual::new(
                    "how the loss changes with this unit's output: the sum over the paths through the layer above",
                    "损失随该神经元输出的变化率：经过上一层各条路径之和",
                )
            },
            symbol: plain.d("L", &a_sym),
            tex: tex.d("L", &a_tex),
            value: dl_da,
        });
        factors.push(Factor {
            name: Bilingual::new("slope of the activation at z", "激活函数在 z 处的斜率"),
            symbol: plain.d(&a_sym, &z_sym),
            tex: tex.d(&a_tex, &z_tex),
            value: act.df_from(z, a),
        });
    }
    factors.push(Factor {
        name: match from {
            Some(_) => Bilingual::new("the input this weight multiplies", "该权重所乘的输入"),
            None => Bilingual::new("a bias adds 1·b", "偏置的系数为 1"),
        },
        symbol: plain.d(&z_sym, &param),
        tex: tex.d(&z_tex, &param_tex),
        value: match from {
            Some(j) => p.a_prev(l)[j],
            None => 1.0,
        },
    });
    let value = match from {
        Some(j) => p.grad_w(l, i, j),
        None => p.grad_b(l)[i],
    };
    let title = Bilingual::new(
        format!("Chain rule for ∂L/∂{param}"),
        format!("∂L/∂{param} 的链式法则"),
    );
    let note = Bilingual::new(
        "The gradient of a parameter is the product of the local derivatives along the way from the loss back to it.",
        "参数的梯度等于从损失一路回到该参数途中各个局部导数的乘积。",
    );
    let text = Explanation::build(title, note, digits, |n| {
        let param = match from {
            Some(j) => n.w(l, i, j),
            None => n.b(l, i),
        };
        let (a_s, z_s) = (n.a(l + 1, i), n.z(l, i));
        let head = n.d("L", &param);
        let chain: Vec<String> = if output && act.is_softmax() {
            vec![n.d("L", &z_s), n.d(&z_s, &param)]
        } else {
            vec![n.d("L", &a_s), n.d(&a_s, &z_s), n.d(&z_s, &param)]
        };
        let delta = explain::delta(p, l, i, n);
        let mut numbers = delta.numbers;
        let last_factor = factors.last().map_or(1.0, |f| f.value);
        let vals: Vec<String> = factors.iter().map(|f| n.factor(f.value)).collect();
        numbers.push(format!("{} = {}", n.d(&z_s, &param), n.num(last_factor)));
        numbers.push(format!(
            "{head} = {} = {}",
            vals.join(n.dot()),
            n.num(value)
        ));
        let mut symbols = vec![format!("{head} = {}", chain.join(n.dot()))];
        symbols.extend(delta.symbols.into_iter().skip(1));
        Lines { symbols, numbers }
    });
    Ok(ChainRule {
        layer: l,
        to: i,
        from,
        factors,
        paths,
        value,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset;

    #[test]
    fn factors_multiply_to_the_gradient() {
        for name in preset::NAMES {
            let pass = preset::get(name).unwrap().problem.pass();
            if !pass.net.is_mlp() {
                assert!(chain_rule(&pass, 0, 0, Some(0), 4).is_err(), "{name}");
                continue;
            }
            for l in 0..pass.depth() {
                let layer = &pass.net.mlp(l);
                for i in 0..layer.width() {
                    for from in (0..layer.fan_in()).map(Some).chain([None]) {
                        let c = chain_rule(&pass, l, i, from, 4).unwrap();
                        let prod: f64 = c.factors.iter().map(|f| f.value).product();
                        assert!(
                            (prod - c.value).abs() <= 1e-12 * c.value.abs().max(1e-12),
                            "{name} {l} {i} {from:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn hidden_weight_shows_each_path() {
        let pass = preset::get("mazur").unwrap().problem.pass();
        let c = chain_rule(&pass, 0, 0, Some(0), 9).unwrap();
        assert_eq!(c.paths.len(), 2);
        assert_eq!(c.paths[0].weight, 0.4);
        let text = c.text.plain.numbers.join("\n");
        assert!(text.contains("0.4·0.138498562 = 0.0553994247"), "{text}");
        assert!(text.contains("= 0.000438567734"));
        assert!(chain_rule(&pass, 2, 0, None, 4).is_err());
        assert!(chain_rule(&pass, 0, 5, None, 4).is_err());
    }
}
