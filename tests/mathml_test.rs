//! The typeset formulas (`src/mathml.rs`) of everything the page shows: every step of
//! every preset at each granularity, the chain rule of every weight of the fully
//! connected presets and every question of the quiz. Each TeX line the core writes
//! converts with nothing of the TeX left over (no backslash, brace or script mark in a
//! token, no command name read as letters), into as many lines as the plain text has,
//! and a line with several terms can wrap (it has more than one chunk).

use backprop_lab::mathml::{self, Formula, Node};
use backprop_lab::preset;
use backprop_lab::trace::{Granularity, Trace};

/// Multi-letter identifiers the notation writes (function and operator names).
const NAMES: [&str; 12] = [
    "relu", "lrelu", "rot180", "softmax", "id", "argmax", "max", "min", "log", "tanh", "exp", "NaN",
];

/// Every problem found in `n`, named with `what`.
fn check_node(n: &Node, what: &str, problems: &mut Vec<String>) {
    let leaked = n.text.contains(['\\', '{', '}', '^', '_', '&']);
    let letters = n.text.chars().count() > 1 && n.text.chars().all(|c| c.is_ascii_alphabetic());
    if leaked || (n.tag == "mi" && letters && !NAMES.contains(&n.text.as_str())) {
        problems.push(format!("{what}: <{}>{}", n.tag, n.text));
    }
    let arity = match n.tag {
        "msub" | "msup" | "munder" | "mover" | "mfrac" => Some(2),
        "msubsup" | "munderover" => Some(3),
        _ => None,
    };
    if arity.is_some_and(|a| a != n.kids.len()) {
        problems.push(format!(
            "{what}: <{}> with {} children",
            n.tag,
            n.kids.len()
        ));
    }
    for k in &n.kids {
        check_node(k, what, problems);
    }
}

fn check_formula(f: &Formula, what: &str, problems: &mut Vec<String>) {
    if f.is_empty() || f.iter().any(|c| c.tag != "math" || c.kids.is_empty()) {
        problems.push(format!("{what}: an empty line or chunk"));
    }
    for c in f {
        check_node(c, what, problems);
    }
}

#[test]
fn every_step_of_every_preset_is_typeset() {
    let mut problems = Vec::new();
    let mut wrapped = 0;
    for name in preset::NAMES {
        let pass = preset::get(name).unwrap().problem.pass();
        for g in [Granularity::Layer, Granularity::Neuron] {
            let t = Trace::build(pass.clone(), g, 4);
            for i in 0..t.len() {
                let (text, _) = t.brief_text(i, 24);
                for (plain, tex) in [
                    (&text.plain.symbols, &text.tex.symbols),
                    (&text.plain.numbers, &text.tex.numbers),
                ] {
                    let math = mathml::formulas(tex);
                    assert_eq!(math.len(), plain.len(), "{name} step {i}");
                    for (k, f) in math.iter().enumerate() {
                        check_formula(f, &format!("{name} {g:?} step {i} line {k}"), &mut problems);
                        // `x = y = z` and longer: a place to wrap at each `=`.
                        if plain[k].matches(" = ").count() >= 2 {
                            assert!(f.len() >= 3, "{name} step {i}: {}", plain[k]);
                            wrapped += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(wrapped > 100, "{wrapped} lines with two equals signs");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn chain_rules_and_quiz_questions_are_typeset() {
    let mut problems = Vec::new();
    for name in preset::NAMES {
        let pass = preset::get(name).unwrap().problem.pass();
        let t = Trace::build(pass.clone(), Granularity::Neuron, 4);
        for i in 0..t.len() {
            if let Some(q) = backprop_lab::quiz::question(&t, i) {
                check_formula(&q.math, &format!("{name} question {i}"), &mut problems);
                assert_eq!(q.math.len(), 1, "{name} {i}: {}", q.symbol);
            }
        }
        if !pass.net.is_mlp() {
            continue;
        }
        for l in 0..pass.depth() {
            let layer = pass.net.mlp(l);
            for i in 0..layer.width().min(3) {
                for from in (0..layer.fan_in().min(3)).map(Some).chain([None]) {
                    let c = backprop_lab::chain::chain_rule(&pass, l, i, from, 4).unwrap();
                    let what = format!("{name} chain {l} {i} {from:?}");
                    for f in &c.factors {
                        let m = mathml::formula(&f.tex);
                        check_formula(&m, &what, &mut problems);
                        assert_eq!(m[0].kids[0].tag, "mfrac", "{what}: {}", f.tex);
                    }
                    for p in &c.paths {
                        check_formula(&mathml::formula(&p.tex), &what, &mut problems);
                    }
                    for line in &c.text.tex.numbers {
                        check_formula(&mathml::formula(line), &what, &mut problems);
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
