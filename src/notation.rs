//! The seeds' notation, written once and rendered either as plain text
//! (`W(2)_11`, `δ(1)_2`) or as TeX (`W^{(2)}_{11}`, `\delta^{(1)}_{2}`).
//! Layer and unit numbers are shown 1-based, as in the lecture notes.

use crate::number;

/// Plain Unicode text or TeX.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Tex,
}

/// Writes symbols and numbers in one style with a fixed count of significant digits.
#[derive(Clone, Copy, Debug)]
pub struct Notation {
    pub style: Style,
    pub digits: usize,
    /// Formula lists may stop once they hold more than this many lines (the page shows
    /// the first few of a big layer's hundreds); `usize::MAX` writes them all.
    pub max_lines: usize,
}

impl Notation {
    /// This notation, with lists allowed to stop after `max` lines.
    pub fn capped(mut self, max: usize) -> Self {
        self.max_lines = max;
        self
    }

    pub fn plain(digits: usize) -> Self {
        Notation {
            style: Style::Plain,
            digits,
            max_lines: usize::MAX,
        }
    }

    pub fn tex(digits: usize) -> Self {
        Notation {
            style: Style::Tex,
            digits,
            max_lines: usize::MAX,
        }
    }

    fn is_tex(&self) -> bool {
        self.style == Style::Tex
    }

    /// A number; negative numbers in parentheses when `paren` (inside products).
    pub fn num_p(&self, x: f64, paren: bool) -> String {
        let s = number::fmt(x, self.digits);
        let s = if self.is_tex() {
            s.replace("inf", r"\infty")
        } else {
            s
        };
        if paren && s.starts_with('-') {
            if self.is_tex() {
                format!(r"\left({s}\right)")
            } else {
                format!("({s})")
            }
        } else {
            s
        }
    }

    /// A number as it stands alone.
    pub fn num(&self, x: f64) -> String {
        self.num_p(x, false)
    }

    /// A number as a factor of a product.
    pub fn factor(&self, x: f64) -> String {
        self.num_p(x, true)
    }

    /// A symbol with layer superscript and unit subscript: `z(1)_2` / `z^{(1)}_{2}`.
    pub fn sym(&self, name: &str, layer: usize, sub: &str) -> String {
        let name = if self.is_tex() { tex_name(name) } else { name };
        match (self.is_tex(), sub.is_empty()) {
            (false, true) => format!("{name}({layer})"),
            (false, false) => format!("{name}({layer})_{sub}"),
            (true, true) => format!("{name}^{{({layer})}}"),
            (true, false) => format!("{name}^{{({layer})}}_{{{sub}}}"),
        }
    }

    /// z(l)_i with 0-based layer index `l` and unit `i`.
    pub fn z(&self, l: usize, i: usize) -> String {
        self.sym("z", l + 1, &(i + 1).to_string())
    }

    /// a(l)_i; `l` counts the input as layer 0 here (so a(0) is x).
    pub fn a(&self, l: usize, i: usize) -> String {
        self.sym("a", l, &(i + 1).to_string())
    }

    /// δ(l)_i with 0-based layer index.
    pub fn delta(&self, l: usize, i: usize) -> String {
        self.sym("δ", l + 1, &(i + 1).to_string())
    }

    /// W(l)_ij with 0-based layer index.
    pub fn w(&self, l: usize, i: usize, j: usize) -> String {
        self.sym("W", l + 1, &self.pair(i, j))
    }

    /// b(l)_i with 0-based layer index.
    pub fn b(&self, l: usize, i: usize) -> String {
        self.sym("b", l + 1, &(i + 1).to_string())
    }

    /// Unit pair subscript `ij`, with a comma once an index has two digits.
    fn pair(&self, i: usize, j: usize) -> String {
        if i >= 9 || j >= 9 {
            format!("{},{}", i + 1, j + 1)
        } else {
            format!("{}{}", i + 1, j + 1)
        }
    }

    /// x_j, the input (0-based `j`).
    pub fn x(&self, j: usize) -> String {
        if self.is_tex() {
            format!("x_{{{}}}", j + 1)
        } else {
            format!("x_{}", j + 1)
        }
    }

    /// t_i, the target.
    pub fn t(&self, i: usize) -> String {
        if self.is_tex() {
            format!("t_{{{}}}", i + 1)
        } else {
            format!("t_{}", i + 1)
        }
    }

    /// ∂L/∂`x` as a fraction.
    pub fn d(&self, top: &str, bottom: &str) -> String {
        if self.is_tex() {
            format!(r"\frac{{\partial {top}}}{{\partial {bottom}}}")
        } else {
            format!("∂{top}/∂{bottom}")
        }
    }

    /// The multiplication dot.
    pub fn dot(&self) -> &'static str {
        if self.is_tex() {
            r" \cdot "
        } else {
            " · "
        }
    }

    /// The multiplication dot inside a tight product: `W·a` / `W \cdot a` (TeX needs
    /// the space after the command before a letter).
    pub fn tdot(&self) -> &'static str {
        if self.is_tex() {
            r"\cdot "
        } else {
            "·"
        }
    }

    /// The mark of a value after the update: `L⁺`, `L^{+}`.
    pub fn after(&self) -> &'static str {
        if self.is_tex() {
            "^{+}"
        } else {
            "⁺"
        }
    }

    /// The subtraction sign.
    pub fn minus(&self) -> &'static str {
        if self.is_tex() {
            " - "
        } else {
            " − "
        }
    }

    /// The assignment arrow of an update.
    pub fn gets(&self) -> &'static str {
        if self.is_tex() {
            r" \leftarrow "
        } else {
            " ← "
        }
    }

    /// η, the learning rate.
    pub fn eta(&self) -> &'static str {
        if self.is_tex() {
            r"\eta"
        } else {
            "η"
        }
    }

    /// λ, the weight decay.
    pub fn lambda(&self) -> &'static str {
        if self.is_tex() {
            r"\lambda"
        } else {
            "λ"
        }
    }

    /// Σ over `over`.
    pub fn sum(&self, over: &str) -> String {
        if self.is_tex() {
            format!(r"\sum_{{{over}}} ")
        } else {
            format!("Σ_{over} ")
        }
    }

    /// Parentheses around `s`.
    pub fn paren(&self, s: &str) -> String {
        if self.is_tex() {
            format!(r"\left({s}\right)")
        } else {
            format!("({s})")
        }
    }

    /// A function applied: `σ(z)`.
    pub fn apply(&self, f: &str, arg: &str) -> String {
        format!("{f}{}", self.paren(arg))
    }

    /// e to the power `x`.
    pub fn exp(&self, x: &str) -> String {
        if self.is_tex() {
            format!("e^{{{x}}}")
        } else {
            format!("e^({x})")
        }
    }

    /// A fraction.
    pub fn frac(&self, top: &str, bottom: &str) -> String {
        if self.is_tex() {
            format!(r"\frac{{{top}}}{{{bottom}}}")
        } else {
            format!("{top} / {}", self.paren(bottom))
        }
    }

    /// The factor of a mean over `k` terms: (1/k), or \frac{1}{k} in TeX.
    pub fn mean(&self, k: usize) -> String {
        if self.is_tex() {
            format!(r"\frac{{1}}{{{k}}}")
        } else {
            format!("(1/{k})")
        }
    }

    /// ½.
    pub fn half(&self) -> &'static str {
        if self.is_tex() {
            r"\tfrac12"
        } else {
            "½"
        }
    }

    /// x squared.
    pub fn sq(&self, x: &str) -> String {
        if self.is_tex() {
            format!("{x}^2")
        } else {
            format!("{x}²")
        }
    }

    /// The natural logarithm of `x`.
    pub fn log(&self, x: &str) -> String {
        if self.is_tex() {
            format!(r"\log {x}")
        } else {
            format!("log {x}")
        }
    }

    /// The ellipsis used when a long sum is cut short.
    pub fn dots(&self) -> &'static str {
        if self.is_tex() {
            r"\cdots"
        } else {
            "…"
        }
    }

    // The notation of a CNN: feature maps a(l)[c,i,j], kernels K(l)[o,c,u,v], their
    // gradients δ(l)[c,i,j]; indices shown 1-based, as the layers are.

    /// A cell of a map or kernel, 0-based indices shown 1-based: `a(1)[1,2,3]`,
    /// `K(1)[1,1,2,2]` / `a^{(1)}_{1,2,3}`; `layer` as shown (a(0) is x).
    pub fn cell(&self, name: &str, layer: usize, idx: &[usize]) -> String {
        let subs: Vec<String> = idx.iter().map(|i| (i + 1).to_string()).collect();
        let subs: Vec<&str> = subs.iter().map(String::as_str).collect();
        self.cell_sym(name, layer, &subs)
    }

    /// A cell with indices written out (letters or index arithmetic from
    /// [`Notation::affine`]): `a(0)[c, i+u−1, j+v−1]` / `a^{(0)}_{c,\,i+u-1,\,j+v-1}`.
    pub fn cell_sym(&self, name: &str, layer: usize, idx: &[&str]) -> String {
        let spaced = idx.iter().any(|s| s.chars().any(|c| !c.is_alphanumeric()));
        if self.is_tex() {
            let sep = if spaced { r",\," } else { "," };
            format!("{}^{{({layer})}}_{{{}}}", tex_name(name), idx.join(sep))
        } else {
            let sep = if spaced { ", " } else { "," };
            format!("{name}({layer})[{}]", idx.join(sep))
        }
    }

    /// A name with a subscript: `t_i` / `t_{i}`.
    pub fn sub(&self, name: &str, sub: &str) -> String {
        if self.is_tex() {
            format!("{}_{{{sub}}}", tex_name(name))
        } else {
            format!("{name}_{sub}")
        }
    }

    /// An indexed value without a layer: `x[1,1,:]` / `x_{1,1,:}`.
    pub fn index(&self, name: &str, idx: &[&str]) -> String {
        if self.is_tex() {
            format!("{}_{{{}}}", tex_name(name), idx.join(","))
        } else {
            format!("{name}[{}]", idx.join(","))
        }
    }

    /// A cell of the kernel turned 180°: `rot180(K(1))[1,1,2,2]` /
    /// `\operatorname{rot180}(K^{(1)})_{1,1,2,2}`.
    pub fn rot180_cell(&self, layer: usize, idx: &[&str]) -> String {
        if self.is_tex() {
            format!(
                r"\operatorname{{rot180}}(K^{{({layer})}})_{{{}}}",
                idx.join(",")
            )
        } else {
            format!("rot180(K({layer}))[{}]", idx.join(","))
        }
    }

    /// Index arithmetic: Σ coefficient·letter + constant, tight, as a subscript
    /// writes it: `2i+u−3`, `3−u`, `r+1` (`−` plain, `-` TeX).
    pub fn affine(&self, terms: &[(isize, &str)], constant: isize) -> String {
        let minus = if self.is_tex() { "-" } else { "−" };
        let term = |c: isize, x: &str| match c.abs() {
            1 => x.to_string(),
            a => format!("{a}{x}"),
        };
        let terms: Vec<(isize, &str)> = terms.iter().copied().filter(|t| t.0 != 0).collect();
        let mut out = String::new();
        // `3−u` rather than `−u+3`.
        let lead = terms.first().is_some_and(|t| t.0 < 0) && constant > 0;
        if lead {
            out.push_str(&constant.to_string());
        }
        for (k, &(c, x)) in terms.iter().enumerate() {
            if c < 0 {
                out.push_str(minus);
            } else if k > 0 || lead {
                out.push('+');
            }
            out.push_str(&term(c, x));
        }
        if !lead && constant != 0 {
            if constant < 0 {
                out.push_str(minus);
            } else if !out.is_empty() {
                out.push('+');
            }
            out.push_str(&constant.abs().to_string());
        }
        if out.is_empty() {
            out.push('0');
        }
        out
    }

    /// A blob's shape as a space: `x ∈ ℝ^(1×5×5)` / `x \in \mathbb{R}^{1\times 5\times 5}`.
    pub fn in_space(&self, x: &str, dims: &[usize]) -> String {
        let d: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
        if self.is_tex() {
            format!(r"{x} \in \mathbb{{R}}^{{{}}}", d.join(r"\times "))
        } else {
            format!("{x} ∈ ℝ^({})", d.join("×"))
        }
    }

    /// A quotient written on one line in plain text: `(a + b) / 4`, `2/3`;
    /// `\frac{a + b}{4}` in TeX.
    pub fn over(&self, top: &str, bottom: &str) -> String {
        if self.is_tex() {
            return format!(r"\frac{{{top}}}{{{bottom}}}");
        }
        let wrap = |s: &str| {
            if s.contains(' ') {
                self.paren(s)
            } else {
                s.to_string()
            }
        };
        if top.contains(' ') || bottom.contains(' ') {
            format!("{} / {}", wrap(top), wrap(bottom))
        } else {
            format!("{top}/{bottom}")
        }
    }

    /// The largest value over `over`: `max_u,v ` / `\max_{u,v} `.
    pub fn max_over(&self, over: &str) -> String {
        if self.is_tex() {
            format!(r"\max_{{{over}}} ")
        } else {
            format!("max_{over} ")
        }
    }

    /// Where the largest value is, over `over`: `argmax_u,v ` / `\operatorname{argmax}_{u,v} `.
    pub fn argmax_over(&self, over: &str) -> String {
        if self.is_tex() {
            format!(r"\operatorname*{{argmax}}_{{{over}}} ")
        } else {
            format!("argmax_{over} ")
        }
    }

    /// A marked letter, the one that wins: `u*` / `u^{*}`.
    pub fn starred(&self, x: &str) -> String {
        if self.is_tex() {
            format!("{x}^{{*}}")
        } else {
            format!("{x}*")
        }
    }

    /// The derivative of a function by its name: `relu′` / `\operatorname{relu}'`
    /// (pass the TeX name in TeX).
    pub fn prime(&self, f: &str) -> String {
        if self.is_tex() {
            format!("{f}'")
        } else {
            format!("{f}′")
        }
    }

    /// The element-wise product: ` ⊙ ` / ` \odot `.
    pub fn hadamard(&self) -> &'static str {
        if self.is_tex() {
            r" \odot "
        } else {
            " ⊙ "
        }
    }
}

/// Greek letters and loss names in TeX.
fn tex_name(name: &str) -> &str {
    match name {
        "δ" => r"\delta",
        "σ" => r"\sigma",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_in_both_styles() {
        let p = Notation::plain(4);
        let t = Notation::tex(4);
        assert_eq!(p.w(1, 0, 1), "W(2)_12");
        assert_eq!(t.w(1, 0, 1), "W^{(2)}_{12}");
        assert_eq!(p.delta(0, 1), "δ(1)_2");
        assert_eq!(t.delta(0, 1), r"\delta^{(1)}_{2}");
        assert_eq!(p.w(0, 9, 0), "W(1)_10,1");
        assert_eq!(p.factor(-0.5), "(-0.5)");
    }

    #[test]
    fn cnn_cells_in_both_styles() {
        let p = Notation::plain(4);
        let t = Notation::tex(4);
        assert_eq!(p.cell("a", 1, &[0, 1, 2]), "a(1)[1,2,3]");
        assert_eq!(t.cell("a", 1, &[0, 1, 2]), "a^{(1)}_{1,2,3}");
        assert_eq!(p.cell("K", 1, &[0, 0, 1, 1]), "K(1)[1,1,2,2]");
        assert_eq!(t.cell("δ", 0, &[0, 1, 1]), r"\delta^{(0)}_{1,2,2}");
        let row = p.affine(&[(2, "i"), (1, "u")], -3);
        assert_eq!(row, "2i+u−3");
        assert_eq!(p.cell_sym("a", 0, &["c", &row, "v"]), "a(0)[c, 2i+u−3, v]");
        assert_eq!(t.affine(&[(1, "i"), (1, "u")], -1), "i+u-1");
        assert_eq!(p.affine(&[(-1, "u")], 3), "3−u");
        assert_eq!(p.affine(&[(1, "u")], 0), "u");
        assert_eq!(p.affine(&[(0, "u")], 0), "0");
        assert_eq!(p.affine(&[(1, "r"), (-2, "i")], 3), "r−2i+3");
        assert_eq!(p.over("1", "4"), "1/4");
        assert_eq!(p.over("a + b", "4"), "(a + b) / 4");
        assert_eq!(t.over("a + b", "4"), r"\frac{a + b}{4}");
        assert_eq!(p.in_space("x", &[1, 5, 5]), "x ∈ ℝ^(1×5×5)");
        assert_eq!(
            p.rot180_cell(1, &["1", "1", "2", "2"]),
            "rot180(K(1))[1,1,2,2]"
        );
    }
}
