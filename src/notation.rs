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
}
