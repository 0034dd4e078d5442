//! The generated Python against the core: the NumPy script of every preset and every
//! public fixture (tests/fixtures, tests/fixtures/cnn, and ../shared/fixtures when it
//! is there) is run by Python, and the JSON it prints last must have exactly the keys
//! of a fixture's `expected` block and every number within 1e-12 · max(1, |core|) of
//! Backprop Lab's. The PyTorch script (PyTorch is too large to install here) is checked
//! for its shape and parsed by Python.
//!
//! The interpreter is the first of [`CANDIDATES`] that imports numpy: `python3` on the
//! PATH (a pyenv or virtualenv Python may have numpy of its own), then Debian's
//! /usr/bin/python3, where `make setup-python` installs `python3-numpy`. Without numpy
//! the NumPy runs are skipped with a note, except in CI (`CI=true`), where that is a
//! failure.

use backprop_lab::codegen::{self, Target};
use backprop_lab::json::{self, Value};
use backprop_lab::lang::Lang;
use backprop_lab::pass::Pass;
use backprop_lab::preset;
use backprop_lab::state::{self, SavedState};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The interpreters tried, in order.
const CANDIDATES: [&str; 2] = ["python3", "/usr/bin/python3"];
/// |script − core| ≤ TOLERANCE · max(1, |core|) for every number.
const TOLERANCE: f64 = 1e-12;

/// Runs `script` with interpreter `py` (`args` before it); (success, stdout, stderr),
/// or None when `py` cannot be started.
fn run_with(py: &str, script: &str, args: &[&str]) -> Option<(bool, String, String)> {
    let mut child = Command::new(py)
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// The interpreter to use: (path, whether it imports numpy); None when no Python runs.
fn interpreter() -> Option<(&'static str, bool)> {
    static CHOSEN: OnceLock<Option<(&'static str, bool)>> = OnceLock::new();
    *CHOSEN.get_or_init(|| {
        let runs: Vec<(&str, bool)> = CANDIDATES
            .iter()
            .filter_map(|py| run_with(py, "import numpy", &[]).map(|r| (*py, r.0)))
            .collect();
        runs.iter().find(|r| r.1).or(runs.first()).copied()
    })
}

/// Runs `script` with the chosen interpreter (`args` before it); (success, stdout, stderr).
fn python(script: &str, args: &[&str]) -> (bool, String, String) {
    let (py, _) = interpreter().expect("a Python interpreter");
    run_with(py, script, args).unwrap_or_else(|| panic!("{py} cannot run"))
}

/// True when numpy imports; otherwise a note, or in CI a failure.
fn numpy_available() -> bool {
    let ok = interpreter().is_some_and(|i| i.1);
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI: none of {CANDIDATES:?} can import numpy (make setup-python installs python3-numpy)"
        );
        eprintln!("note: none of {CANDIDATES:?} can import numpy: the NumPy scripts were not run (make setup-python installs python3-numpy)");
    }
    ok
}

/// A CNN with what no preset has: conv padding, leaky ReLU, max and average pooling
/// with padding (negative inputs, so a padding cell would win a max if it could; a tie),
/// a sigmoid output under mse.
const PADDED_CNN: &str = r#"{"kind": "cnn_step", "network": {"input_shape": [1, 4, 4], "layers": [
  {"type": "conv", "out_channels": 2, "kernel": 2, "stride": 1, "padding": 1,
   "weights": [[[[0.5, -0.3], [0.2, 0.4]]], [[[-0.6, 0.1], [0.3, -0.2]]]], "biases": [0.1, -0.05]},
  {"type": "leaky_relu"},
  {"type": "max_pool", "kernel": 2, "stride": 2, "padding": 1},
  {"type": "avg_pool", "kernel": 2, "stride": 1, "padding": 1},
  {"type": "flatten"},
  {"type": "dense", "units": 2, "weights": [
    [0.1, -0.2, 0.3, -0.1, 0.2, 0.05, -0.3, 0.1, 0.2, -0.1, 0.15, 0.3, -0.2, 0.1, 0.05, -0.15, 0.2, -0.1, 0.1, 0.3, -0.2, 0.1, -0.05, 0.2, 0.1, -0.3, 0.2, 0.1, -0.1, 0.05, 0.3, -0.2],
    [-0.2, 0.1, 0.05, 0.3, -0.1, 0.2, 0.1, -0.3, 0.15, 0.2, -0.1, 0.05, 0.3, -0.2, 0.1, 0.2, -0.3, 0.1, 0.2, -0.05, 0.1, 0.3, -0.1, 0.2, -0.2, 0.1, 0.05, -0.1, 0.2, 0.3, -0.15, 0.1]],
   "biases": [0.05, -0.1]},
  {"type": "sigmoid"}], "loss": "mse"},
 "input": [[[-1.0, -2.0, -0.5, -3.0], [-2.0, -1.0, -0.5, -0.25], [-4.0, -1.5, -2.5, -1.0], [-0.75, -3.5, -1.25, -2.0]]],
 "target": [0.2, 0.9], "learning_rate": 0.3}"#;

/// Variants of the presets for what none of them has: weight decay, frozen biases with
/// decay, a cross-entropy target that does not sum to exactly 1, softmax under squared
/// losses (its Jacobian), a CNN's softmax under mse, a CNN with decay and frozen biases.
fn variants() -> Vec<(String, SavedState)> {
    use backprop_lab::loss::Loss;
    let preset = |name: &str| SavedState::from_preset(name).unwrap();
    let mut out = Vec::new();
    let mut add = |name: &str, s: SavedState| {
        s.problem
            .validate()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push((format!("variant {name}"), s));
    };
    let mut s = preset("mazur");
    s.problem.weight_decay = 0.01;
    add("mazur, weight decay 0.01", s);
    let mut s = preset("mazur-frozen-bias");
    s.problem.weight_decay = 0.001;
    add("mazur, frozen biases, weight decay 0.001", s);
    let mut s = preset("softmax-3class");
    s.problem.target = vec![0.3, 0.6, 0.1];
    assert_ne!(s.problem.target.iter().sum::<f64>(), 1.0);
    add("softmax-3class, target (0.3, 0.6, 0.1)", s);
    for loss in [Loss::HalfSse, Loss::Mse] {
        let mut s = preset("softmax-3class");
        s.problem.net.loss = loss;
        add(&format!("softmax-3class under {loss:?}"), s);
    }
    let mut s = preset("lenet-tiny");
    s.problem.net.loss = Loss::Mse;
    add("lenet-tiny under mse", s);
    let mut s = preset("cnn-edge");
    s.problem.weight_decay = 0.05;
    s.problem.freeze_biases = true;
    add("cnn-edge, weight decay 0.05, frozen biases", s);
    add("padded CNN", state::load(PADDED_CNN).unwrap());
    out
}

/// Every example to reproduce: each preset, its variants, then each public fixture file.
fn sources() -> Vec<(String, SavedState, Option<Value>)> {
    let mut out: Vec<(String, SavedState, Option<Value>)> = preset::NAMES
        .iter()
        .map(|n| {
            (
                format!("preset {n}"),
                SavedState::from_preset(n).unwrap(),
                None,
            )
        })
        .chain(variants().into_iter().map(|(n, s)| (n, s, None)))
        .collect();
    for dir in [
        "tests/fixtures",
        "tests/fixtures/cnn",
        "../shared/fixtures",
        "../shared/fixtures/cnn",
    ] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let v = json::parse(&text).unwrap();
            let s = state::load(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            // A step fixture's own numbers (PyTorch's) are checked too; a train fixture's
            // first example has none.
            let expected = (v.get("dataset").is_none()).then(|| v["expected"].clone());
            out.push((f.display().to_string(), s, expected));
        }
    }
    out
}

/// The largest |got − exp| / max(1, |exp|) over `exp`'s numbers, after checking that
/// `got` has exactly `exp`'s shape: the same keys (in any order), lengths and nulls.
fn deviation(at: &str, got: &Value, exp: &Value) -> Result<(f64, String), String> {
    match (got, exp) {
        (Value::Number(g), Value::Number(e)) => {
            let d = (g - e).abs() / e.abs().max(1.0);
            if d.is_nan() {
                return Err(format!("{at}: {g} against {e}"));
            }
            Ok((d, at.to_string()))
        }
        (Value::Null, Value::Null) => Ok((0.0, String::new())),
        (Value::Array(g), Value::Array(e)) if g.len() == e.len() => g
            .iter()
            .zip(e)
            .enumerate()
            .try_fold((0.0, String::new()), |worst, (i, (g, e))| {
                let d = deviation(&format!("{at}[{i}]"), g, e)?;
                Ok(if d.0 > worst.0 { d } else { worst })
            }),
        (Value::Object(g), Value::Object(e)) => {
            let keys = |f: &[(String, Value)]| {
                let mut k: Vec<String> = f.iter().map(|(k, _)| k.clone()).collect();
                k.sort();
                k
            };
            if keys(g) != keys(e) {
                return Err(format!("{at}: keys {:?}, expected {:?}", keys(g), keys(e)));
            }
            e.iter().try_fold((0.0, String::new()), |worst, (k, e)| {
                let d = deviation(&format!("{at}.{k}"), &got[k.as_str()], e)?;
                Ok(if d.0 > worst.0 { d } else { worst })
            })
        }
        _ => Err(format!("{at}: got {got}, expected {exp}")),
    }
}

/// Runs the NumPy script of `pass` and returns the JSON it printed last.
fn run_numpy(script: &str) -> Result<Value, String> {
    let (ok, out, err) = python(script, &[]);
    if !ok {
        return Err(format!("the script failed: {err}"));
    }
    let last = out.lines().last().ok_or("the script printed nothing")?;
    json::parse(last).map_err(|e| format!("its last line is not JSON ({e}): {last}"))
}

#[test]
fn numpy_scripts_reproduce_every_preset_and_fixture() {
    if !numpy_available() {
        return;
    }
    let all = sources();
    let jobs: Vec<(String, Pass, Option<Value>, Lang)> = all
        .into_iter()
        .enumerate()
        // Every other script with Chinese comments: the comments must not change a number.
        .map(|(k, (name, s, exp))| (name, s.problem.pass(), exp, Lang::ALL[k % 2]))
        .collect();
    let results: Vec<Result<(f64, String), String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(jobs.len().div_ceil(4))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(name, pass, fixture, lang)| {
                            let script = codegen::script(pass, Target::Numpy, *lang).text();
                            let got = run_numpy(&script).map_err(|e| format!("{name}: {e}"))?;
                            let (d, at) = deviation("", &got, &codegen::expected(pass))
                                .map_err(|e| format!("{name}: {e}"))?;
                            if d > TOLERANCE {
                                return Err(format!("{name}: off by {d:e} at {at}"));
                            }
                            if let Some(exp) = fixture {
                                // The fixture's PyTorch numbers, within its own tolerance.
                                let (f, at) = deviation("expected", &got, exp)
                                    .map_err(|e| format!("{name}: {e}"))?;
                                assert!(f <= 1e-9, "{name}: {f:e} from the fixture at {at}");
                            }
                            Ok((d, format!("{name}{at}")))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    let presets = jobs.iter().filter(|j| j.0.starts_with("preset ")).count();
    assert_eq!(presets, preset::NAMES.len(), "every preset, none skipped");
    let (worst, at) = results
        .into_iter()
        .map(Result::unwrap)
        .fold((0.0, String::new()), |w, d| if d.0 > w.0 { d } else { w });
    let variants = jobs.iter().filter(|j| j.0.starts_with("variant ")).count();
    eprintln!(
        "NumPy scripts run by {}: {presets} presets, {variants} variants and {} fixtures reproduced; largest deviation {worst:.1e} ({at})",
        interpreter().unwrap().0,
        jobs.len() - presets - variants
    );
}

#[test]
fn a_wrong_line_is_caught() {
    if !numpy_available() {
        return;
    }
    let pass = SavedState::from_preset("mazur").unwrap().problem.pass();
    let script = codegen::script(&pass, Target::Numpy, Lang::En).text();
    let good = run_numpy(&script).unwrap();
    assert!(deviation("", &good, &codegen::expected(&pass)).unwrap().0 <= TOLERANCE);
    // The hidden deltas from the updated weights (Mazur's own slip), a missing key, and
    // a number off in the 11th digit: each is refused.
    let late = script.replace("# Update", "W2 = W2 - lr * dW2\n# Update");
    let got = run_numpy(&late).unwrap();
    assert!(deviation("", &got, &codegen::expected(&pass)).unwrap().0 > TOLERANCE);
    let missing = script.replace("\"loss_after_step\": ", "\"loss_after\": ");
    assert!(deviation("", &run_numpy(&missing).unwrap(), &codegen::expected(&pass)).is_err());
    let mut off = good.clone();
    off.set(
        "loss",
        Value::Number(good["loss"].as_f64().unwrap() * (1.0 + 1e-11)),
    );
    assert!(deviation("", &off, &codegen::expected(&pass)).unwrap().0 > TOLERANCE);
}

/// The keys a script's closing `print(json.dumps({…}))` writes, in order.
fn printed_keys(script: &str) -> Vec<String> {
    let tail = &script[script.rfind("print(json.dumps({").expect("the JSON print")..];
    tail.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn pytorch_scripts_have_the_shape_of_a_pytorch_step() {
    let syntax_ok = interpreter().is_some();
    for (name, s, _) in sources() {
        let pass = s.problem.pass();
        let torch = codegen::script(&pass, Target::Pytorch, Lang::En).text();
        let numpy = codegen::script(&pass, Target::Numpy, Lang::En).text();
        let net = &pass.net;
        // Every weight and bias tensor (and a CNN's image) is a float64 leaf with a gradient.
        let params = net.layers.iter().filter(|l| l.params().is_some()).count();
        let leaves = torch
            .lines()
            .filter(|l| l.contains(" = torch.tensor(") || l.contains("dtype=torch.float64"))
            .filter(|l| l.contains("requires_grad=True"))
            .count();
        let image = usize::from(!net.is_mlp());
        assert_eq!(leaves, 2 * params + image, "{name}:\n{torch}");
        assert!(!torch.contains("float32"), "{name}");
        let calls = torch
            .lines()
            .filter(|l| l.starts_with("loss.backward()"))
            .count();
        assert_eq!(calls, 1, "{name}: one backward() call");
        let backward = torch.find("\nloss.backward()").unwrap();
        let update = torch.find("\nwith torch.no_grad():").unwrap();
        let first = torch[update..].lines().nth(2).unwrap_or_default();
        assert!(
            first.starts_with("    ") && first.contains(" -= lr * ") && first.contains(".grad"),
            "{name}: {first}"
        );
        assert!(backward < update, "{name}: the update after backward()");
        // Each δ the fixtures ask for is kept: one retain_grad() per hidden value.
        let retained = torch.matches(".retain_grad()").count();
        let wanted = if net.is_mlp() {
            net.depth()
        } else {
            net.layers.len() - 1
        };
        assert_eq!(retained, wanted, "{name}");
        assert!(
            torch.trim_end().ends_with("}))"),
            "{name}: the JSON print comes last"
        );
        assert_eq!(
            printed_keys(&torch),
            printed_keys(&numpy),
            "{name}: the same keys as NumPy's"
        );
        if syntax_ok {
            let (ok, _, err) = python(
                &torch,
                &["-c", "import ast, sys; ast.parse(sys.stdin.read())"],
            );
            assert!(ok, "{name}: not valid Python: {err}");
        }
    }
}

#[test]
fn the_printed_keys_are_a_fixtures() {
    let text =
        std::fs::read_to_string("tests/fixtures/cnn/cnn-edge-conv-relu-maxpool-ce.json").unwrap();
    let s = state::load(&text).unwrap();
    let script = codegen::script(&s.problem.pass(), Target::Numpy, Lang::En).text();
    let keys = printed_keys(&script);
    assert_eq!(
        &keys[..6],
        [
            "layers",
            "output",
            "grad_input",
            "grad_weights",
            "grad_biases",
            "output"
        ]
    );
    assert!(keys.contains(&"argmax".to_string()));
    assert_eq!(keys[keys.len() - 1], "loss_after_step");
}
