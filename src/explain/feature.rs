//! The start step of a network whose inputs are features of a data point (TensorFlow
//! Playground's x₁², sin x₁, …): the step-through treats the features as the input
//! vector a(0) = x, and the start step says how each entry was computed from the point
//! (x₁, x₂), e.g. `a(0)_2 = x₁² = (-1.5)² = 2.25`.

use super::Explanation;
use crate::feature::{Feature, Source};
use crate::notation::{Notation, Style};
use crate::trace::{Kind, Step};

/// Adds the features to the start step's explanation `e`: a note on where x came from, the
/// line `x = (x₁², sin x₁, …)` to the symbols, and before the numbers the point and each
/// feature worked out (both in plain text, and in TeX where `e` has TeX lines). Other
/// steps are left as they are.
pub fn start(e: &mut Explanation, source: &Source, step: &Step, digits: usize) {
    if step.kind != Kind::Start {
        return;
    }
    let (en, zh) = match source.point {
        Some(_) => (
            " The network's inputs are features of the data point (x₁, x₂), computed from it before the network runs.",
            "网络的输入是数据点 (x₁, x₂) 的特征，在网络运行之前由这个点算出。",
        ),
        None => (
            " The network's inputs are features of a data point (x₁, x₂); this input was edited by hand, so no point of the data gives it.",
            "网络的输入是数据点 (x₁, x₂) 的特征；这个输入是手动修改的，数据中没有哪个点能给出它。",
        ),
    };
    e.note.en.push_str(en);
    e.note.zh.push_str(zh);
    add(&mut e.plain, source, &Notation::plain(digits));
    if !e.tex.symbols.is_empty() || !e.tex.numbers.is_empty() {
        add(&mut e.tex, source, &Notation::tex(digits));
    }
}

/// The feature lines in notation `n`: what x is made of, then (given the point) the point
/// and one line per input unit.
fn add(lines: &mut super::Lines, source: &Source, n: &Notation) {
    let tex = n.style == Style::Tex;
    let formula = |f: Feature| if tex { f.tex() } else { f.formula() };
    let list = |items: Vec<String>| n.paren(&items.join(", "));
    let made_of = source.features.iter().map(|&f| formula(f).to_string());
    lines
        .symbols
        .push(format!("x = {}", list(made_of.collect())));
    let Some(p) = source.point else {
        return;
    };
    let coords = if tex { "x_1, x_2" } else { "x₁, x₂" };
    let mut numbers = vec![format!(
        "{} = {}",
        n.paren(coords),
        list(p.iter().map(|&v| n.num(v)).collect())
    )];
    for (j, &f) in source.features.iter().enumerate() {
        let worked = if tex {
            f.worked_tex(p, n.digits)
        } else {
            f.worked(p, n.digits)
        };
        numbers.push(format!("{} = {worked}", n.a(0, j)));
    }
    numbers.append(&mut lines.numbers);
    lines.numbers = numbers;
}

#[cfg(test)]
mod tests {
    use crate::dataset::{Kind, Spec};
    use crate::feature::{self, Feature};
    use crate::lab::{Change, Edit, Session};
    use crate::lang::Lang;
    use crate::view;

    /// The XOR preset on TFP's circle with the features x₁², x₂² and sin x₁.
    fn session() -> Session {
        let mut s = Session::from_preset("xor").unwrap();
        let mut spec = Spec::new(Kind::Circle, 100, 0.0, 0.5, 3);
        spec.features = feature::normalise(&[Feature::SinX1, Feature::X1Sq, Feature::X2Sq]);
        s.change(Change::Dataset(spec)).unwrap();
        s
    }

    #[test]
    fn the_start_step_works_out_each_feature_from_the_point() {
        let s = session();
        let t = s.trace();
        let [x1, x2] = s.source().unwrap().point.expect("the first training point");
        assert_eq!(t.pass.input(), &[x1 * x1, x2 * x2, x1.sin()]);
        let text = view::step_text(t, 0, Lang::En, true);
        assert_eq!(text.symbols, vec!["a(0) = x", "x = (x₁², x₂², sin x₁)"]);
        let n = |v: f64| crate::number::fmt(v, 4);
        assert_eq!(
            text.numbers[0],
            format!("(x₁, x₂) = ({}, {})", n(x1), n(x2))
        );
        let b = |v: f64| if v < 0.0 { format!("({})", n(v)) } else { n(v) };
        assert_eq!(
            text.numbers[1],
            format!("a(0)_1 = x₁² = {}² = {}", b(x1), n(x1 * x1))
        );
        assert_eq!(
            text.numbers[3],
            format!("a(0)_3 = sin x₁ = sin({}) = {}", n(x1), n(x1.sin()))
        );
        assert!(text.numbers[4].starts_with("x = ("), "{:?}", text.numbers);
        assert!(text.note.contains("features of the data point"));
        let zh = view::step_text(t, 0, Lang::Zh, true);
        assert!(zh.note.contains("特征"));
        // The other steps say what they said, and TeX has the same lines.
        assert_eq!(view::step_text(t, 1, Lang::En, true).symbols.len(), 1);
        let tex = &t.text(0).tex;
        assert_eq!(tex.symbols[1], "x = \\left(x_1^2, x_2^2, \\sin x_1\\right)");
        assert!(tex.numbers[3].starts_with("a^{(0)}_{3} = \\sin x_1 = \\sin("));
    }

    #[test]
    fn raw_inputs_and_hand_edited_inputs() {
        // On the raw inputs nothing changes: x is the point.
        let raw = Session::from_preset("data-circle").unwrap();
        assert!(raw.source().is_none());
        let text = view::step_text(raw.trace(), 0, Lang::En, true);
        assert_eq!(text.symbols, vec!["a(0) = x"]);
        // An input edited by hand comes from no point: the formulas, but no numbers.
        let mut s = session();
        s.edit(Edit::Input {
            index: 0,
            value: 123.0,
        })
        .unwrap();
        assert_eq!(s.trace().source().unwrap().point, None);
        let text = view::step_text(s.trace(), 0, Lang::En, true);
        assert_eq!(text.symbols[1], "x = (x₁², x₂², sin x₁)");
        assert!(
            text.numbers[0].starts_with("x = (123,"),
            "{:?}",
            text.numbers
        );
        assert!(text.note.contains("edited by hand"));
        // Training keeps the source; the document of the pass says it too.
        let mut s = session();
        s.train(10).unwrap();
        assert!(s.trace().source().unwrap().point.is_some());
        let doc = s.document(crate::document::Format::Markdown, Lang::En);
        assert!(doc.contains("x_1^2 = "), "{doc}");
    }
}
