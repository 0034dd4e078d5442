//! The command-line tool as a user runs it: output, exit codes, one-line errors.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn check_passes_the_public_fixtures() {
    let files: Vec<String> = std::fs::read_dir("tests/fixtures")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".json"))
        .collect();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let o = run(&args);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).lines().last().unwrap() == "5 passed, 0 failed");
}

#[test]
fn check_fails_a_wrong_fixture() {
    let dir = std::env::temp_dir().join(format!("bpl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    let text = std::fs::read_to_string("tests/fixtures/mazur-2-2-2.json").unwrap();
    std::fs::write(
        &bad,
        text.replace("0.7513650695523157", "0.7513650795523157"),
    )
    .unwrap();
    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{ not json").unwrap();
    let o = run(&[
        "check",
        "tests/fixtures/mazur-2-2-2.json",
        bad.to_str().unwrap(),
        broken.to_str().unwrap(),
    ]);
    let out = stdout(&o);
    assert!(!o.status.success());
    assert!(
        out.contains("FAIL") && out.contains("expected.layers[1].a[0]"),
        "{out}"
    );
    assert!(out.lines().last().unwrap() == "1 passed, 2 failed");
}

#[test]
fn trace_mazur_shows_every_number_of_his_post() {
    let o = run(&["trace", "mazur"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for n in [
        "0.3775",
        "0.593269992",
        "0.75136507",
        "0.772928465",
        "0.298371109",
        "0.74136507",
        "0.186815602",
        "0.0821670406",
        "0.35891648",
        "0.408666186",
        "0.51130127",
        "0.561370121",
        "0.0363503064",
        "0.241300709",
        "0.000438567734",
        "0.149780716",
        "0.199561432",
        "0.249751144",
        "0.299502287",
    ] {
        assert!(out.contains(n), "missing {n}");
    }
    let zh = stdout(&run(&["trace", "mazur", "--lang", "zh"]));
    assert!(zh.contains("前向传播") && zh.contains("反向传播") && zh.contains("0.298371109"));
}

#[test]
fn trace_formats() {
    let md = stdout(&run(&[
        "trace", "mazur", "--format", "markdown", "--digits", "4",
    ]));
    assert!(md.starts_with("# ") && md.contains("$$") && md.contains("0.1385"));
    let tex = stdout(&run(&["trace", "mazur", "--format", "latex"]));
    assert!(tex.contains("\\begin{align*}") && tex.contains("\\delta^{(2)}_{1}"));
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["trace", "mazur", "--format", "json"]))).unwrap();
    assert_eq!(json["loss"], 0.2983711087600027);
    assert_eq!(
        json["steps"].as_array().unwrap().last().unwrap()["kind"],
        "update"
    );
    let neuron = stdout(&run(&[
        "trace",
        "tests/fixtures/tanh-softmax-3-4-3-ce.json",
        "--granularity",
        "neuron",
    ]));
    assert!(neuron.contains("δ(2)_3"));
}

#[test]
fn render_writes_an_svg() {
    let out = std::env::temp_dir().join(format!("bpl-curves-{}.svg", std::process::id()));
    let o = run(&[
        "render",
        "mazur",
        "--view",
        "curves",
        "--layer",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains("<svg") && svg.matches("<circle").count() == 4);
}

#[test]
fn render_network_and_graph_at_a_step() {
    let dir = std::env::temp_dir();
    let net = dir.join(format!("bpl-net-{}.svg", std::process::id()));
    let o = run(&[
        "render",
        "mazur",
        "--view",
        "network",
        "--step",
        "5",
        "--out",
        net.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&net).unwrap();
    assert!(svg.contains("L = 0.2984") && !svg.contains("after 0.2805"));
    let g = dir.join(format!("bpl-graph-{}.svg", std::process::id()));
    assert!(run(&[
        "render",
        "mazur",
        "--view",
        "graph",
        "--lang",
        "zh",
        "--out",
        g.to_str().unwrap()
    ])
    .status
    .success());
    assert!(std::fs::read_to_string(&g).unwrap().contains("反向"));
}

#[test]
fn exercise_and_its_key() {
    let a = stdout(&run(&["exercise", "--seed", "7", "--layers", "2,3,2"]));
    assert_eq!(
        a,
        stdout(&run(&["exercise", "--seed", "7", "--layers", "2,3,2"]))
    );
    assert!(a.contains("seed 7") && a.contains("W(2)_23"));
    let json_line = a.lines().last().unwrap();
    let key = stdout(&run(&[
        "exercise", "--seed", "7", "--layers", "2,3,2", "--key",
    ]));
    assert!(key.contains("Backward pass") && key.contains("L⁺ = "));
    // The problem JSON at the end loads back and gives the key's loss.
    let s = backprop_lab::state::load(json_line).unwrap();
    let loss = backprop_lab::number::fmt(s.problem.pass().loss, 4);
    assert!(key.contains(&format!("= {loss}\n")), "{loss}");
    let zh = stdout(&run(&["exercise", "--seed", "7", "--lang", "zh"]));
    assert!(zh.contains("反向传播练习"));
}

#[test]
fn chain_rule_of_a_hidden_weight() {
    let out = stdout(&run(&["chain", "mazur", "--weight", "1,1,1"]));
    assert!(out.contains("0.4·0.138498562 = 0.0553994247"), "{out}");
    assert!(
        out.contains("∂L/∂W(1)_11 = 0.0363503064 · 0.241300709 · 0.05 = 0.000438567734"),
        "{out}"
    );
    assert_eq!(
        run(&["chain", "mazur", "--weight", "3,1,1"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["chain", "mazur", "--bias", "0,1"]).status.code(),
        Some(2)
    );
}

#[test]
fn gradcheck_prints_the_largest_error() {
    let out = stdout(&run(&["gradcheck", "mazur"]));
    assert!(out.contains("W(1)_11") && out.contains("largest relative error"));
}

#[test]
fn bad_arguments_give_one_line_and_exit_2() {
    for args in [
        vec!["frobnicate"],
        vec!["trace"],
        vec!["trace", "nope"],
        vec!["trace", "mazur", "--format", "pdf"],
        vec!["trace", "mazur", "--lang", "fr"],
        vec!["trace", "mazur", "--digits", "abc"],
        vec!["trace", "missing.json"],
        vec!["trace", "mazur", "--bogus"],
        vec!["render", "mazur", "--view", "curves"],
        vec!["render", "mazur", "--view", "pie", "--out", "/tmp/x.svg"],
        vec![
            "render",
            "mazur",
            "--view",
            "network",
            "--step",
            "99",
            "--out",
            "/tmp/x.svg",
        ],
        vec!["exercise"],
        vec!["exercise", "--seed", "1", "--layers", "2,x"],
        vec!["check", "missing.json"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(
            err.lines().count(),
            if args[0] == "check" { 0 } else { 1 },
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"));
    }
    let o = run(&[
        "render",
        "mazur",
        "--view",
        "network",
        "--step",
        "99",
        "--out",
        "/tmp/x.svg",
    ]);
    assert!(
        stderr(&o).contains("--step: 99 is out of range (0 to 10)"),
        "{}",
        stderr(&o)
    );
    let o = run(&["trace", "Cargo.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not valid JSON"));
}

/// Exit code and stderr of a run that should fail on its arguments: 2, one line, no panic.
fn bad(args: &[&str]) -> String {
    let o = run(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(
        o.stdout.is_empty() && !err.contains("panicked"),
        "{args:?}: {err}"
    );
    err
}

#[test]
fn exit_codes_0_pass_1_fail_2_unusable() {
    let dir = std::env::temp_dir().join(format!("bpl-codes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = "tests/fixtures/mazur-2-2-2.json";
    let off = dir.join("off.json");
    let text = std::fs::read_to_string(good).unwrap();
    std::fs::write(&off, text.replace("0.7513650695523157", "0.75")).unwrap();
    let off = off.to_str().unwrap();
    assert_eq!(run(&["check", good]).status.code(), Some(0));
    assert_eq!(run(&["check", good, off]).status.code(), Some(1));
    assert_eq!(run(&["check", off, "missing.json"]).status.code(), Some(2));
}

#[test]
fn flag_equals_value_and_double_dash() {
    let spaced = stdout(&run(&[
        "trace", "mazur", "--format", "markdown", "--digits", "4",
    ]));
    let joined = run(&["trace", "mazur", "--format=markdown", "--digits=4"]);
    assert!(joined.status.success(), "{}", stderr(&joined));
    assert_eq!(stdout(&joined), spaced);
    // After `--` every argument is a FILE or PRESET, even one that starts with a dash.
    assert_eq!(
        stdout(&run(&["trace", "--", "mazur"])),
        stdout(&run(&["trace", "mazur"]))
    );
    let err = bad(&["trace", "mazur", "--", "--digits"]);
    assert!(err.contains("give one FILE or PRESET, not 2"), "{err}");
}

#[test]
fn an_unknown_flag_names_the_flags_the_command_takes() {
    let err = bad(&["trace", "mazur", "--bogus"]);
    assert!(
        err.contains("trace: unknown option --bogus")
            && err.contains("--format, --lang, --digits, --granularity"),
        "{err}"
    );
    assert!(bad(&["chain", "mazur", "-x"]).contains("--weight, --bias, --lang, --digits"));
    assert!(bad(&["gradcheck", "mazur", "--lang", "zh"]).contains("takes no options"));
    // A bare flag takes no value.
    assert!(bad(&["exercise", "--seed", "1", "--key=yes"]).contains("--key takes no value"));
}

#[test]
fn a_missing_value_is_named() {
    let err = bad(&["trace", "mazur", "--digits"]);
    assert!(err.contains("--digits needs a value"), "{err}");
    let err = bad(&["render", "mazur", "--view", "curves", "--out"]);
    assert!(
        err.contains("--out needs a value (--out FILE.svg)"),
        "{err}"
    );
}

#[test]
fn help_for_the_tool_and_for_each_command() {
    for args in [&["--help"][..], &["-h"], &["help"]] {
        let o = run(args);
        assert!(o.status.success() && o.stderr.is_empty(), "{args:?}");
        let out = stdout(&o);
        for cmd in [
            "check",
            "trace",
            "render",
            "chain",
            "gradcheck",
            "exercise",
            "presets",
        ] {
            assert!(
                out.contains(&format!("  backprop-lab {cmd}")),
                "{cmd}: {out}"
            );
        }
        for preset in backprop_lab::preset::NAMES {
            assert!(out.contains(preset), "{preset}");
        }
    }
    let trace = stdout(&run(&["trace", "--help"]));
    assert!(
        trace.starts_with("usage: backprop-lab trace FILE|PRESET"),
        "{trace}"
    );
    for opt in ["--format", "--lang", "--digits", "--granularity"] {
        assert!(trace.contains(&format!("\n  {opt} ")), "{opt}: {trace}");
    }
    assert_eq!(stdout(&run(&["help", "trace"])), trace);
    assert_eq!(stdout(&run(&["trace", "mazur", "-h"])), trace);
    let exercise = stdout(&run(&["exercise", "--help"]));
    // The activations come from the library.
    assert!(exercise.contains("--activation sigmoid|tanh|relu|leaky_relu|linear|softmax"));
    assert!(stdout(&run(&["chain", "--help"])).contains("(--weight L,I,J | --bias L,I)"));
    bad(&["help", "frobnicate"]);
}

#[test]
fn a_flag_given_twice_the_last_counts() {
    assert_eq!(
        stdout(&run(&["trace", "mazur", "--digits", "4", "--digits", "6"])),
        stdout(&run(&["trace", "mazur", "--digits", "6"]))
    );
    assert_eq!(
        stdout(&run(&["trace", "mazur", "--lang", "zh", "--lang", "en"])),
        stdout(&run(&["trace", "mazur"]))
    );
    // --weight and --bias name different parameters: both at once is an error.
    let err = bad(&["chain", "mazur", "--weight", "1,1,1", "--bias", "1,1"]);
    assert!(
        err.contains("only one of --weight L,I,J or --bias L,I"),
        "{err}"
    );
}

#[test]
fn bad_input_gives_one_clear_line() {
    let dir = std::env::temp_dir().join(format!("bpl-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let malformed = dir.join("malformed.json");
    std::fs::write(&malformed, r#"{"network": {"layers": 3}}"#).unwrap();
    let (dir_s, malformed_s) = (dir.to_str().unwrap(), malformed.to_str().unwrap());
    for (args, says) in [
        (&[][..], "name a command: check, trace"),
        (&["frobnicate"], "unknown command \"frobnicate\""),
        (&["--digits", "4"], "unknown option --digits"),
        (
            &["trace", "mazur", "--digits", "abc"],
            "--digits: \"abc\" is not a valid number",
        ),
        (
            &["trace", "mazur", "--digits", "0"],
            "--digits: 0 is out of range (1 to 17)",
        ),
        (
            &["chain", "mazur", "--weight", "1,1,1", "--digits", "0"],
            "out of range",
        ),
        (
            &["chain", "mazur", "--weight", "1,2"],
            "--weight: \"1,2\" is not 3 whole numbers",
        ),
        (
            &["chain", "mazur", "--weight", "9,9,9"],
            "the network has layers 1 to 2, not 9",
        ),
        (
            &["chain", "mazur", "--weight", "2,3,1"],
            "layer 2 has units 1 to 2, not 3",
        ),
        (
            &["chain", "mazur", "--bias", "1,1,1"],
            "--bias: \"1,1,1\" is not 2 whole numbers",
        ),
        (
            &["chain", "mazur"],
            "chain: give --weight L,I,J or --bias L,I",
        ),
        (
            &["render", "mazur", "--out", "/tmp/x.svg"],
            "--view network|curves|graph|loss|gradients|layers|maps|im2col is required",
        ),
        (
            &[
                "render",
                "mazur",
                "--view",
                "graph",
                "--step",
                "999",
                "--out",
                "/tmp/x.svg",
            ],
            "--step: 999 is out of range (0 to 10)",
        ),
        (&["trace", "missing.json"], "missing.json: cannot read"),
        (&["trace", dir_s], "cannot read"),
        (&["gradcheck", malformed_s], "network.layers"),
        (
            &["exercise", "--seed", "1", "extra"],
            "exercise: unexpected argument \"extra\"",
        ),
    ] {
        let err = bad(args);
        assert!(
            err.starts_with("backprop-lab: ") && err.contains(says),
            "{args:?}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let arg = std::ffi::OsStr::from_bytes(b"mazur\xff");
    let o = Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
        .arg("trace")
        .arg(arg)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "backprop-lab: trace: argument \"mazur\\xFF\" is not valid UTF-8\n"
    );
}

#[test]
fn output_to_a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backprop-lab"))
        .args(["trace", "spiral", "--granularity", "neuron"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Closing our end of the pipe: the tool finds no reader.
    child.stdout = None;
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stderr.is_empty(), "{}", stderr(&o));
}

#[test]
fn gradcheck_names_parameters_as_the_trace_does() {
    // spiral's hidden layers have 12 units: W(1)_10,1, not the ambiguous W(1)_101.
    let out = stdout(&run(&["gradcheck", "spiral"]));
    assert!(
        out.contains("\nW(1)_10,1 ") && out.contains("\nb(2)_12 "),
        "{out}"
    );
    assert!(stdout(&run(&["trace", "spiral"])).contains("W(1)_10,1"));
}

#[test]
fn export_writes_the_numpy_and_the_pytorch_script() {
    let o = run(&["export", "mazur", "--format", "numpy"]);
    assert!(o.status.success() && o.stderr.is_empty(), "{}", stderr(&o));
    let np = stdout(&o);
    for line in [
        "import numpy as np",
        "W1 = np.array([",
        "z1 = W1 @ x + b1",
        "delta2 = (a2 - t) * a2 * (1 - a2)",
        "W1 -= lr * dW1",
    ] {
        assert!(np.contains(line), "{line}: {np}");
    }
    assert!(np.trim_end().ends_with("}))"), "the JSON print comes last");
    // A fixture file, in Chinese, for PyTorch.
    let zh = stdout(&run(&[
        "export",
        "tests/fixtures/mazur-2-2-2.json",
        "--format",
        "pytorch",
        "--lang",
        "zh",
    ]));
    assert!(
        zh.contains("loss.backward()") && zh.contains("# 前向传播 · 第 1 层"),
        "{zh}"
    );
    let dir = std::env::temp_dir().join(format!("bpl-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("step.py");
    let file = file.to_str().unwrap();
    let o = run(&["export", "cnn-edge", "--format=pytorch", "--out", file]);
    assert_eq!(stdout(&o), format!("wrote {file}\n"));
    assert!(std::fs::read_to_string(file)
        .unwrap()
        .contains("F.conv2d(x[None], K1, b1"));
    assert!(bad(&["export", "mazur"]).contains("--format numpy|pytorch is required"));
    let err = bad(&["export", "mazur", "--format", "julia"]);
    assert!(
        err.contains("\"julia\"") && err.contains("numpy or pytorch"),
        "{err}"
    );
    assert!(bad(&[
        "export",
        "mazur",
        "--format",
        "numpy",
        "--out",
        "/nonexistent/x.py"
    ])
    .contains("cannot write"));
    assert!(bad(&["export", "missing.json", "--format", "numpy"]).contains("missing.json"));
    assert!(stdout(&run(&["--help"]))
        .contains("  backprop-lab export FILE|PRESET --format numpy|pytorch"));
}
