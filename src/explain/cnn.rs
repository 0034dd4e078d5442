//! The words and formulas of the steps of a CNN (the engine of layers), as pure
//! functions of the pass, the step, the notation and the language.

use super::Lines;
use crate::lang::Lang;
use crate::notation::Notation;
use crate::pass::Pass;
use crate::trace::{Kind, Step};

/// A step's title, in `lang`.
pub fn title(p: &Pass, step: &Step, _digits: usize, lang: Lang) -> String {
    let layer = |k: usize| format!("{} ({})", p.net.layers[k].type_name(), k + 1);
    match (step.kind, step.layer) {
        (Kind::Forward, Some(k)) => lang.pick(
            format!("Forward · layer {}", layer(k)),
            format!("前向传播 · 第 {} 层", layer(k)),
        ),
        (Kind::Backward, Some(k)) => lang.pick(
            format!("Backward · layer {}", layer(k)),
            format!("反向传播 · 第 {} 层", layer(k)),
        ),
        (Kind::Loss, _) => lang.pick("Loss".into(), "损失".into()),
        (Kind::Update, _) => lang.pick("Update".into(), "更新".into()),
        _ => lang.pick("Start".into(), "开始".into()),
    }
}

/// A step's note, in `lang`.
pub fn note(_p: &Pass, _step: &Step, _digits: usize, lang: Lang) -> String {
    lang.pick("", "").into()
}

/// A step's formula lines.
pub fn lines(_p: &Pass, _step: &Step, _n: &Notation) -> Lines {
    Lines::default()
}
