//! Typeset formulas: the TeX that [`crate::notation`] writes, turned into MathML Core as
//! a tree the page builds with `createElementNS` (never by parsing markup).
//!
//! The TeX is the core's own, a small known subset: scripts `^{…}` `_{…}`, `\frac`,
//! `\tfrac`, `\left( … \right)`, `\sum`, `\max`, `\operatorname`, `\mathbb{R}`, a few
//! Greek letters and operators. A well-kept general converter (`pulldown-latex`) was
//! measured: 74 KB gzip of wasm on its own, where this one adds a few.
//!
//! A line comes out as *chunks*, each the content of one `<math>` element: a formula is
//! cut before its top-level `=`, `+`, `−`, `←`, `⊙` and spaced `·` (and inside
//! parentheses that hold such a sum), so the browser can wrap a long formula between
//! chunks, as a textbook breaks a display before an operator. MathML Core has no line
//! breaking of its own.
//!
//! On the wire a node is a JSON array: `[tag, {attributes}?, children…]`, a child being
//! a node or a text: `["msub", ["mi", "W"], ["mn", "11"]]`.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// One MathML element.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub tag: &'static str,
    pub attrs: Vec<(&'static str, &'static str)>,
    /// A token element's text (`mi`, `mn`, `mo`, `mtext`).
    pub text: String,
    pub kids: Vec<Node>,
    /// A line may be cut before this operator.
    brk: bool,
    /// `\left( … \right)`: an mrow whose first and last children are the fences.
    fence: bool,
}

/// A formula line: one chunk per `<math>` element.
pub type Formula = Vec<Node>;

impl Node {
    fn token(tag: &'static str, text: &str) -> Node {
        Node {
            tag,
            attrs: Vec::new(),
            text: text.to_string(),
            kids: Vec::new(),
            brk: false,
            fence: false,
        }
    }

    fn elem(tag: &'static str, kids: Vec<Node>) -> Node {
        Node {
            tag,
            attrs: Vec::new(),
            text: String::new(),
            kids,
            brk: false,
            fence: false,
        }
    }

    fn attr(mut self, k: &'static str, v: &'static str) -> Node {
        self.attrs.push((k, v));
        self
    }

    /// One node for a list: the node itself, or an mrow of them.
    fn row(mut kids: Vec<Node>) -> Node {
        if kids.len() == 1 {
            kids.pop().unwrap_or_else(|| Node::elem("mrow", vec![]))
        } else {
            Node::elem("mrow", kids)
        }
    }

    fn is_mo(&self) -> bool {
        self.tag == "mo"
    }

    /// The text of the tree, as a reader of the formula would spell it (tests).
    pub fn text_of(&self) -> String {
        let mut s = self.text.clone();
        for k in &self.kids {
            s.push_str(&k.text_of());
        }
        s
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        seq.serialize_element(self.tag)?;
        if !self.attrs.is_empty() {
            seq.serialize_element(&Attrs(&self.attrs))?;
        }
        if !self.text.is_empty() {
            seq.serialize_element(&self.text)?;
        }
        for k in &self.kids {
            seq.serialize_element(k)?;
        }
        seq.end()
    }
}

struct Attrs<'a>(&'a [(&'static str, &'static str)]);

impl Serialize for Attrs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// TeX line `tex` as chunks of MathML.
pub fn formula(tex: &str) -> Formula {
    let mut p = Parser {
        s: tex.as_bytes(),
        src: tex,
        at: 0,
    };
    let items = p.list();
    chunks(items)
}

/// Each TeX line as a formula.
pub fn formulas(lines: &[String]) -> Vec<Formula> {
    lines.iter().map(|l| formula(l)).collect()
}

/// A step's formula lines typeset, in symbols and with the numbers.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct MathLines {
    pub symbols: Vec<Formula>,
    pub numbers: Vec<Formula>,
}

/// The TeX `lines` typeset.
pub fn lines(lines: &crate::explain::Lines) -> MathLines {
    MathLines {
        symbols: formulas(&lines.symbols),
        numbers: formulas(&lines.numbers),
    }
}

/// Cuts a formula's top-level items into chunks before each breakable operator;
/// parentheses around a sum are opened up so their terms can wrap too.
fn chunks(items: Vec<Node>) -> Formula {
    let mut flat = Vec::new();
    open_fences(items, &mut flat);
    let mut out: Vec<Vec<Node>> = vec![vec![]];
    for mut n in flat {
        if n.brk && out.last().is_some_and(|c| !c.is_empty()) {
            // At the start of its chunk an operator would be read as a prefix.
            n.attrs.push(("form", "infix"));
            out.push(vec![]);
        }
        if let Some(c) = out.last_mut() {
            c.push(n);
        }
    }
    out.into_iter()
        .filter(|c| !c.is_empty())
        .map(|kids| Node::elem("math", kids))
        .collect()
}

/// Moves `items` into `out`, replacing each `\left( … \right)` that holds a breakable
/// operator by its fences and contents.
fn open_fences(items: Vec<Node>, out: &mut Vec<Node>) {
    for n in items {
        if n.fence && n.kids.iter().any(|k| k.brk || k.fence) {
            let breaks = n.kids.iter().any(|k| k.brk);
            if breaks {
                open_fences(n.kids, out);
                continue;
            }
        }
        out.push(n);
    }
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    at: usize,
}

/// The commands that stand for one token: name, text, and how it is set (a table, not
/// a `match`: a match on strings compiles to far more wasm).
const SYMBOLS: [(&str, &str, Set); 27] = [
    ("delta", "δ", Set::Ident),
    ("sigma", "σ", Set::Ident),
    ("eta", "η", Set::Ident),
    ("lambda", "λ", Set::Ident),
    ("Sigma", "Σ", Set::Ident),
    ("partial", "∂", Set::Ident),
    ("infty", "∞", Set::Ident),
    ("log", "log", Set::Ident),
    ("exp", "exp", Set::Ident),
    ("tanh", "tanh", Set::Ident),
    ("sin", "sin", Set::Ident),
    ("cos", "cos", Set::Ident),
    ("max", "max", Set::Limits),
    ("min", "min", Set::Limits),
    ("sum", "∑", Set::LargeOp),
    ("cdot", "⋅", Set::Op),
    ("times", "×", Set::Op),
    ("in", "∈", Set::Op),
    ("cdots", "⋯", Set::Op),
    ("ldots", "…", Set::Op),
    ("le", "≤", Set::Op),
    ("leq", "≤", Set::Op),
    ("ge", "≥", Set::Op),
    ("geq", "≥", Set::Op),
    ("leftarrow", "←", Set::Break),
    ("odot", "⊙", Set::Break),
    ("to", "→", Set::Op),
];

/// How a symbol command is set.
#[derive(Clone, Copy, PartialEq)]
enum Set {
    /// `mi`.
    Ident,
    /// `mi` with its limits under it (`\max_{u,v}`).
    Limits,
    /// `mo` with limits under it (`\sum_k`).
    LargeOp,
    /// `mo`; a place to break when spaced (`\cdot`).
    Op,
    /// `mo`, a place to break.
    Break,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn skip_space(&mut self) -> bool {
        let start = self.at;
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
        self.at > start
    }

    /// Items up to a closing `}`, `\right` or the end.
    fn list(&mut self) -> Vec<Node> {
        let mut out: Vec<Node> = Vec::new();
        loop {
            let spaced = self.skip_space();
            match self.peek() {
                None | Some(b'}') => break,
                _ if self.src[self.at..].starts_with(r"\right") => break,
                _ => {}
            }
            let Some(mut n) = self.atom(spaced, out.last()) else {
                break;
            };
            n = self.scripts(n);
            out.push(n);
        }
        out
    }

    /// A `{…}` group or one atom, as a script or a command's argument.
    fn arg(&mut self) -> Node {
        self.skip_space();
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                let items = self.list();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                }
                Node::row(items)
            }
            // `\tfrac12`: one digit each.
            Some(c) if c.is_ascii_digit() => {
                self.at += 1;
                Node::token("mn", &self.src[self.at - 1..self.at])
            }
            _ => self
                .atom(false, None)
                .unwrap_or_else(|| Node::elem("mrow", vec![])),
        }
    }

    /// The text of a `{…}` argument, unparsed (`\operatorname{relu}`).
    fn raw_arg(&mut self) -> &str {
        self.skip_space();
        if self.peek() != Some(b'{') {
            return "";
        }
        let start = self.at + 1;
        let end = self.src[start..]
            .find('}')
            .map_or(self.s.len(), |k| start + k);
        self.at = (end + 1).min(self.s.len());
        &self.src[start..end]
    }

    /// Superscripts, subscripts and primes after `base`.
    fn scripts(&mut self, base: Node) -> Node {
        let (mut sub, mut sup, mut prime) = (None, None, false);
        loop {
            match self.peek() {
                Some(b'_') => {
                    self.at += 1;
                    sub = Some(self.arg());
                }
                Some(b'^') => {
                    self.at += 1;
                    sup = Some(self.arg());
                }
                Some(b'\'') => {
                    self.at += 1;
                    prime = true;
                }
                _ => break,
            }
        }
        // Limits go under a sum or a max, as a display sets them.
        let limits =
            base.tag == "mo" && base.text == "∑" || base.attrs.contains(&("data-limits", "1"));
        let mut base = base;
        base.attrs.retain(|a| a.0 != "data-limits");
        let tags = if limits {
            ("munder", "mover", "munderover")
        } else {
            ("msub", "msup", "msubsup")
        };
        // A prime sits on the base's line, as the glyph is drawn raised already.
        let base = if prime {
            let mark = Node::token("mo", "′")
                .attr("lspace", "0")
                .attr("rspace", "0");
            Node::elem("mrow", vec![base, mark])
        } else {
            base
        };
        match (sub, sup) {
            (None, None) => base,
            (Some(b), None) => Node::elem(tags.0, vec![base, b]),
            (None, Some(p)) => Node::elem(tags.1, vec![base, p]),
            (Some(b), Some(p)) => Node::elem(tags.2, vec![base, b, p]),
        }
    }

    /// The next atom; `spaced` when whitespace came before it (a spaced `\cdot` is a
    /// place to break), `prev` the item before it (a `-` after an operator is a sign).
    fn atom(&mut self, spaced: bool, prev: Option<&Node>) -> Option<Node> {
        let c = self.peek()?;
        let after_op = prev.is_none_or(Node::is_mo);
        Some(match c {
            b'\\' => self.command(spaced)?,
            b'{' => self.arg(),
            b'0'..=b'9' | b'.' => self.number(),
            b'a'..=b'z' | b'A'..=b'Z' => {
                self.at += 1;
                Node::token("mi", &self.src[self.at - 1..self.at])
            }
            b'-' | b'+' => {
                self.at += 1;
                let text = if c == b'-' { "−" } else { "+" };
                if after_op {
                    Node::token("mo", text).attr("form", "prefix")
                } else {
                    let mut n = Node::token("mo", text);
                    n.brk = true;
                    n
                }
            }
            b'=' => {
                self.at += 1;
                let mut n = Node::token("mo", "=");
                n.brk = true;
                n
            }
            b'*' => {
                self.at += 1;
                Node::token("mo", "∗")
            }
            _ => {
                // Any other character: punctuation, a parenthesis, or text (UTF-8).
                let ch = self.src[self.at..].chars().next()?;
                self.at += ch.len_utf8();
                // Greek letters are identifiers; other symbols operators (no Unicode
                // tables: the TeX is the core's, ASCII but for these).
                if ('\u{391}'..='\u{3c9}').contains(&ch) {
                    Node::token("mi", &self.src[self.at - ch.len_utf8()..self.at])
                } else {
                    Node::token("mo", &self.src[self.at - ch.len_utf8()..self.at])
                }
            }
        })
    }

    /// Digits with a decimal point, and an exponent (`1.5e-7` is set as 1.5 × 10⁻⁷).
    fn number(&mut self) -> Node {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == b'.') {
            self.at += 1;
        }
        let mantissa = &self.src[start..self.at];
        let exp_start = self.at + 1;
        let mut end = exp_start;
        if self.peek() == Some(b'e') {
            if self.s.get(end) == Some(&b'-') {
                end += 1;
            }
            let digits = end;
            while self.s.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            if end > digits {
                let exp = &self.src[exp_start..end];
                self.at = end;
                let power = match exp.strip_prefix('-') {
                    Some(e) => Node::elem(
                        "mrow",
                        vec![
                            Node::token("mo", "−").attr("form", "prefix"),
                            Node::token("mn", e),
                        ],
                    ),
                    None => Node::token("mn", exp),
                };
                return Node::elem(
                    "mrow",
                    vec![
                        Node::token("mn", mantissa),
                        Node::token("mo", "×"),
                        Node::elem("msup", vec![Node::token("mn", "10"), power]),
                    ],
                );
            }
        }
        Node::token("mn", mantissa)
    }

    /// A command after its backslash.
    fn command(&mut self, spaced: bool) -> Option<Node> {
        self.at += 1;
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.at += 1;
        }
        if self.at == start {
            // `\,` and friends: spacing; `\{`: a brace.
            let c = self.src[self.at..].chars().next()?;
            self.at += c.len_utf8();
            return Some(match c {
                ',' => Node::elem("mspace", vec![]).attr("width", "0.1667em"),
                ';' => Node::elem("mspace", vec![]).attr("width", "0.2778em"),
                ' ' => Node::elem("mspace", vec![]).attr("width", "0.25em"),
                _ => Node::token("mo", &self.src[self.at - c.len_utf8()..self.at]),
            });
        }
        let name = &self.src[start..self.at];
        let star = name == "operatorname" && self.peek() == Some(b'*');
        if star {
            self.at += 1;
        }
        Some(match name {
            "frac" | "tfrac" => {
                let top = self.arg();
                let bottom = self.arg();
                let f = Node::elem("mfrac", vec![top, bottom]);
                if name == "tfrac" {
                    f.attr("displaystyle", "false")
                } else {
                    f
                }
            }
            "left" => {
                let open = self.delimiter();
                let mut kids = vec![open];
                kids.extend(self.list());
                if self.src[self.at..].starts_with(r"\right") {
                    self.at += r"\right".len();
                }
                kids.push(self.delimiter());
                let mut n = Node::elem("mrow", kids);
                n.fence = true;
                n
            }
            "operatorname" => {
                let n = Node::token("mi", self.raw_arg());
                if star {
                    n.attr("data-limits", "1")
                } else {
                    n
                }
            }
            // The core writes ℝ only.
            "mathbb" => {
                self.raw_arg();
                Node::token("mi", "ℝ")
            }
            "text" => Node::token("mtext", self.raw_arg()),
            _ => match SYMBOLS.iter().find(|e| e.0 == name) {
                Some(&(_, text, set)) => {
                    let tag = if matches!(set, Set::Ident | Set::Limits) {
                        "mi"
                    } else {
                        "mo"
                    };
                    let mut n = Node::token(tag, text);
                    // A spaced dot joins factors; a tight one (`W\cdot a`) one term.
                    n.brk = set == Set::Break || (set == Set::Op && name == "cdot" && spaced);
                    if set == Set::Limits {
                        n = n.attr("data-limits", "1");
                    }
                    n
                }
                None => Node::token("mi", name),
            },
        })
    }

    /// The delimiter after `\left` or `\right` (`.` is none).
    fn delimiter(&mut self) -> Node {
        self.skip_space();
        let Some(c) = self.src[self.at..].chars().next() else {
            return Node::elem("mrow", vec![]);
        };
        self.at += c.len_utf8();
        if c == '.' {
            Node::elem("mrow", vec![])
        } else {
            Node::token("mo", &self.src[self.at - c.len_utf8()..self.at])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::to_value;

    fn json(f: &Formula) -> String {
        to_value(f).to_string()
    }

    #[test]
    fn scripts_fractions_and_sums() {
        let f = formula(r"W^{(2)}_{11}");
        assert_eq!(
            json(&f),
            r#"[["math",["msubsup",["mi","W"],["mn","11"],["mrow",["mo","("],["mn","2"],["mo",")"]]]]]"#
        );
        let f = formula(r"\frac{\partial L}{\partial a^{(1)}_{1}}");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kids[0].tag, "mfrac");
        assert_eq!(f[0].kids[0].kids[0].text_of(), "∂L");
        let f = formula(r"\sum_{k} W^{(2)}_{k1}");
        assert_eq!(f[0].kids[0].tag, "munder");
        assert_eq!(f[0].kids[0].kids[0].text, "∑");
        let f = formula(r"\tfrac12\left(t_{1} - a^{(2)}_{1}\right)^2");
        let half = &f[0].kids[0];
        assert_eq!((half.tag, half.kids.len()), ("mfrac", 2));
        assert_eq!(half.attrs, vec![("displaystyle", "false")]);
        // The squared parenthesis keeps its fences (a script is no place to break).
        assert_eq!(f[0].kids[1].tag, "msup");
    }

    #[test]
    fn primes_hats_names_and_numbers() {
        let f = formula(r"f'\left(z^{(1)}_{1}\right)");
        assert_eq!(f[0].kids[0].tag, "mrow");
        assert_eq!(f[0].kids[0].kids[1].text, "′");
        let f = formula(r"\operatorname{relu}'\left(0.5\right)");
        assert_eq!(f[0].kids[0].kids[0].text, "relu");
        let f = formula(r"L^{+} = 1.5e-7");
        assert_eq!(f[1].kids.last().unwrap().text_of(), "1.5×10−7");
        let f = formula(r"x \in \mathbb{R}^{1\times 5\times 5}");
        assert_eq!(f[0].kids[2].kids[0].text, "ℝ");
        let f = formula(r"\operatorname*{argmax}_{u,v} a");
        assert_eq!(f[0].kids[0].tag, "munder");
        assert!(f[0].kids[0].kids[0].attrs.is_empty());
    }

    #[test]
    fn a_minus_after_an_operator_is_a_sign() {
        let f = formula(r"L = -\left(t_{1}\log a\right)");
        let minus = &f[1].kids[1];
        assert_eq!(
            (minus.text.as_str(), minus.attrs.clone()),
            ("−", vec![("form", "prefix")])
        );
        let f = formula(r"\left(-0.5\right) - 2");
        assert_eq!(f.len(), 2, "{}", json(&f));
        assert_eq!(f[1].kids[0].attrs, vec![("form", "infix")]);
    }

    #[test]
    fn cut_before_operators_and_inside_sums_in_parentheses() {
        let f = formula(r"z = W\cdot a + b");
        let texts: Vec<String> = f.iter().map(|c| c.text_of()).collect();
        assert_eq!(texts, ["z", "=W⋅a", "+b"]);
        let f =
            formula(r"\delta = \left(W\cdot \delta + W\cdot \delta\right) \cdot f'\left(z\right)");
        let texts: Vec<String> = f.iter().map(|c| c.text_of()).collect();
        assert_eq!(texts, ["δ", "=(W⋅δ", "+W⋅δ)", "⋅f′(z)"]);
        // A parenthesis with no sum inside stays whole.
        let f = formula(r"a = \left(-0.5\right)\cdot 2");
        assert_eq!(f.len(), 2);
    }
}
