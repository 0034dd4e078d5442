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
    /// The same in TeX, which the page typesets.
    pub tex: String,
    #[serde(skip)]
    pub value: f64,
}

impl Question {
    fn new(symbol: String, tex: &str, value: f64) -> Question {
        Question {
            symbol,
            tex: tex.to_string(),
            value,
        }
    }
}

/// The question of step `i`: the first value it reveals (None for the start step).
pub fn question(t: &Trace, i: usize) -> Option<Question> {
    let step = t.steps.get(i)?;
    let p = &t.pass;
    if !p.net.is_mlp() {
        return cnn_question(t, i);
    }
    let l = step.layer;
    let u = step.neuron.unwrap_or(0);
    // The quantity in notation `n`, and its value.
    let ask = |n: &Notation| -> Option<(String, f64)> {
        Some(match (step.kind, l) {
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
        })
    };
    let (symbol, value) = ask(&Notation::plain(4))?;
    let (tex, _) = ask(&Notation::tex(4))?;
    Some(Question::new(symbol, &tex, value))
}

/// A CNN step's question: a forward step asks for the first output cell it makes; a
/// backward step for ∂L/∂ of the first input cell its part reaches, except through a max
/// pool: there it asks for the last cell of the first window that passes a gradient on,
/// which gets δ if it won the window and 0 if not (which cell gets the gradient is the
/// lesson).
fn cnn_question(t: &Trace, i: usize) -> Option<Question> {
    let step = &t.steps[i];
    let p = &t.pass;
    let (plain, tex) = (Notation::plain(4), Notation::tex(4));
    // Flat cell `flat` of a blob shaped `dims`, as `name(layer)[c,i,j]` in both styles.
    let cell = |name: &str, layer: usize, dims: &[usize], flat: usize| -> (String, String) {
        let mut idx = vec![0; dims.len()];
        let mut k = flat;
        for (slot, d) in idx.iter_mut().zip(dims).rev() {
            *slot = k % d.max(&1);
            k /= d.max(&1);
        }
        (plain.cell(name, layer, &idx), tex.cell(name, layer, &idx))
    };
    match (step.kind, step.layer) {
        (Kind::Forward, Some(k)) => {
            let dims = &t.blob_dims[k + 1];
            let per = p.shapes[k + 1].len() / dims[0].max(1);
            let flat = step.neuron.unwrap_or(0) * if dims.len() > 1 { per } else { 0 }
                + step.window.unwrap_or(0);
            let (symbol, t) = cell("a", k + 1, dims, flat);
            Some(Question::new(symbol, &t, p.outputs[k][flat]))
        }
        (Kind::Backward, Some(k)) => {
            // ∂L/∂(input) is complete only at the layer's last backward step (a conv
            // layer's δ cells each add to it): the question waits for that step.
            let last = t.steps.get(i + 1).is_none_or(|s| s.layer != Some(k));
            if !last {
                return None;
            }
            let dims = &t.blob_dims[k];
            let at = match &p.net.layers[k] {
                crate::engine::Layer::MaxPool(q) => pooled_cell(q, p, k).unwrap_or(0),
                _ => 0,
            };
            let (symbol, t) = cell("a", k, dims, at);
            Some(Question::new(
                plain.d("L", &symbol),
                &tex.d("L", &t),
                p.grad_inputs[k][at],
            ))
        }
        (Kind::Loss, _) => Some(Question::new("L".into(), "L", p.loss)),
        (Kind::Update, _) => p.updated.layers.iter().enumerate().find_map(|(k, l)| {
            l.params().map(|(w, _)| {
                let param = crate::engine::Param::Weight { layer: k, index: 0 };
                let t = crate::view::cnn::param_tex(&p.net, param);
                Question::new(
                    format!("{}⁺", crate::view::cnn::param_symbol(&p.net, param)),
                    &format!("{t}^{{+}}"),
                    w[0],
                )
            })
        }),
        _ => None,
    }
}

/// The input cell (flat) of max-pool layer `k` its question asks about: the last cell,
/// in row-major order, of the first window whose δ is not 0 (`None`: every δ is 0).
fn pooled_cell(q: &crate::engine::Pool, p: &crate::engine::Pass, k: usize) -> Option<usize> {
    let input = p.shapes[k];
    let (_, h, w) = input.chw();
    let (_, oh, ow) = p.shapes[k + 1].chw();
    let delta = &p.grad_inputs[k + 1];
    let o = delta.iter().position(|d| *d != 0.0)?;
    let (c, i, j) = (o / (oh * ow), o / ow % oh, o % ow);
    let last = q
        .window(input, i, j)
        .iter()
        .rev()
        .find_map(|cell| cell.index)?;
    Some(c * h * w + last)
}

/// A prediction checked: whether it was close enough, the value and its symbol.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub correct: bool,
    pub value: f64,
    pub symbol: String,
    /// The symbol in TeX, which the page typesets.
    pub tex: String,
}

/// Checks `guess` against what step `i` reveals (`None`: the step asks nothing).
pub fn check(t: &Trace, i: usize, guess: f64) -> Option<Verdict> {
    let q = question(t, i)?;
    Some(Verdict {
        correct: close_enough(guess, q.value),
        value: q.value,
        symbol: q.symbol,
        tex: q.tex,
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

    /// Through a max pool the question asks for a cell of a window that passes a
    /// gradient on: the winner gets δ (all of it, or the sum of the windows it won), a
    /// loser 0. The presets hold both cases, so the answer is never given away.
    #[test]
    fn a_max_pool_question_asks_which_cell_gets_the_gradient() {
        let mut answers = vec![];
        for name in ["cnn-edge", "lenet-tiny", "pooling-max"] {
            let t = Trace::build(
                crate::preset::get(name).unwrap().problem.pass(),
                Granularity::Layer,
                4,
            );
            for i in 0..t.len() {
                let step = &t.steps[i];
                let Some(k) = step.layer else { continue };
                if step.kind != Kind::Backward
                    || !matches!(t.pass.net.layers[k], crate::engine::Layer::MaxPool(_))
                {
                    continue;
                }
                let q = question(&t, i).unwrap();
                let at = match &t.pass.net.layers[k] {
                    crate::engine::Layer::MaxPool(p) => pooled_cell(p, &t.pass, k).unwrap(),
                    _ => unreachable!(),
                };
                assert_eq!(q.value, t.pass.grad_inputs[k][at], "{name}: {}", q.symbol);
                answers.push(q.value);
            }
        }
        assert!(answers.contains(&0.0), "a loser: {answers:?}");
        assert!(answers.iter().any(|v| *v != 0.0), "a winner: {answers:?}");
    }
}
