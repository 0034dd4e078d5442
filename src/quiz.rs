//! Predict, then reveal: the value a step is about to reveal, and whether a student's
//! prediction of it is close enough.

use crate::notation::Notation;
use crate::trace::{Kind, Trace};
use serde::Serialize;

/// Relative tolerance of a prediction (a student computing to 3–4 digits passes).
pub const RELATIVE: f64 = 0.005;
/// Absolute tolerance, for values near zero.
pub const ABSOLUTE: f64 = 5e-5;

/// What a step asks the student to predict (the value is not sent with the question).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Question {
    /// The quantity in symbols, e.g. `z(1)_1`.
    pub symbol: String,
    #[serde(skip)]
    pub value: f64,
}

/// The question of step `i`: the first value it reveals (None for the start step).
pub fn question(t: &Trace, i: usize) -> Option<Question> {
    let step = t.steps.get(i)?;
    let p = &t.pass;
    let n = Notation::plain(4);
    let l = step.layer;
    let u = step.neuron.unwrap_or(0);
    let (symbol, value) = match (step.kind, l) {
        (Kind::WeightedSum, Some(l)) => (n.z(l, u), p.z(l)[u]),
        (Kind::Activation, Some(l)) => (n.a(l + 1, u), p.a(l)[u]),
        (Kind::Loss, _) => ("L".to_string(), p.loss),
        (Kind::Delta, Some(l)) => (n.delta(l, u), p.delta(l)[u]),
        (Kind::Gradients, Some(l)) => (n.d("L", &n.w(l, u, 0)), p.grad_w(l, u, 0)),
        (Kind::Update, _) => (
            format!("{}{}", n.w(0, 0, 0), n.after()),
            p.updated.mlp(0).w(0, 0),
        ),
        _ => return None,
    };
    Some(Question { symbol, value })
}

/// A prediction checked: whether it was close enough, the value and its symbol.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub correct: bool,
    pub value: f64,
    pub symbol: String,
}

/// Checks `guess` against what step `i` reveals (`None`: the step asks nothing).
pub fn check(t: &Trace, i: usize, guess: f64) -> Option<Verdict> {
    let q = question(t, i)?;
    Some(Verdict {
        correct: close_enough(guess, q.value),
        value: q.value,
        symbol: q.symbol,
    })
}

/// True when `guess` is within the tolerance of `value`.
pub fn close_enough(guess: f64, value: f64) -> bool {
    guess.is_finite() && (guess - value).abs() <= (RELATIVE * value.abs()).max(ABSOLUTE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Granularity;

    #[test]
    fn questions_follow_the_steps() {
        let t = Trace::build(
            crate::preset::get("mazur").unwrap().problem.pass(),
            Granularity::Neuron,
            4,
        );
        assert!(question(&t, 0).is_none());
        let q = question(&t, 1).unwrap();
        assert_eq!((q.symbol.as_str(), q.value), ("z(1)_1", 0.3775));
        let last = question(&t, t.len() - 1).unwrap();
        assert_eq!(last.value, 0.1497807161327628);
    }

    #[test]
    fn tolerance() {
        assert!(close_enough(0.3775, 0.3775));
        assert!(close_enough(0.378, 0.3775));
        assert!(!close_enough(0.39, 0.3775));
        assert!(close_enough(0.00044, 0.000438567734));
        assert!(!close_enough(0.001, 0.000438567734));
        assert!(!close_enough(f64::NAN, 0.0));
    }
}
