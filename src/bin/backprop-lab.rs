//! The command-line face of Backprop Lab: check fixtures, print worked examples,
//! render charts to SVG, and write homework problems with their answer keys.

use backprop_lab::activation::Activation;
use backprop_lab::lang::Lang;
use backprop_lab::vocab::Named;
use backprop_lab::document::{self, Format};
use backprop_lab::render::{curves, graph, network, Theme};
use backprop_lab::state::{self, SavedState};
use backprop_lab::trace::{Granularity, Trace};
use backprop_lab::{chain, exercise, fixture, gradcheck, number, preset};
use std::process::ExitCode;

const USAGE: &str = "\
backprop-lab: step through backpropagation, every number shown

usage:
  backprop-lab check FILE...
      verify step and train fixtures (PyTorch reference numbers)
  backprop-lab trace FILE|PRESET [--format text|markdown|latex|json] [--lang en|zh]
                     [--digits N] [--granularity layer|neuron]
      the whole worked example, step by step
  backprop-lab render FILE|PRESET --view curves|network|graph --out FILE.svg
                     [--layer N] [--step N] [--lang en|zh] [--width W] [--height H]
      draw a view to SVG: the activation curves of a layer (default: the first), or the
      network / computation graph at a step of the pass (default: the last)
  backprop-lab chain FILE|PRESET (--weight L,I,J | --bias L,I) [--lang en|zh] [--digits N]
      the chain rule of one weight W(L)_IJ or bias b(L)_I (1-based), every factor's value
  backprop-lab gradcheck FILE|PRESET
      compare backprop's gradients with central finite differences
  backprop-lab exercise --seed N [--layers 2,3,2] [--activation sigmoid] [--lang en|zh]
                        [--key] [--format text|markdown|latex|json]
      a new homework problem; with --key, its answer key instead
  backprop-lab presets
      list the presets

PRESET is one of: ";

/// A command-line failure: the message and the exit code.
struct Fail(String, u8);

fn usage_error(msg: impl ToString) -> Fail {
    Fail(msg.to_string(), 2)
}

/// Options after the positional arguments: `--name value` pairs and bare flags.
struct Opts {
    positional: Vec<String>,
    pairs: Vec<(String, String)>,
    flags: Vec<String>,
}

impl Opts {
    fn parse(args: &[String], takes_value: &[&str], flags: &[&str]) -> Result<Opts, Fail> {
        let mut o = Opts {
            positional: vec![],
            pairs: vec![],
            flags: vec![],
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (name, None),
                };
                if takes_value.contains(&name) {
                    let v = match inline {
                        Some(v) => v,
                        None => it
                            .next()
                            .cloned()
                            .ok_or_else(|| usage_error(format!("--{name} needs a value")))?,
                    };
                    o.pairs.push((name.to_string(), v));
                } else if flags.contains(&name) && inline.is_none() {
                    o.flags.push(name.to_string());
                } else {
                    return Err(usage_error(format!("unknown option --{name}")));
                }
            } else {
                o.positional.push(a.clone());
            }
        }
        Ok(o)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    fn lang(&self) -> Result<Lang, Fail> {
        Lang::parse(self.get("lang").unwrap_or("en")).map_err(usage_error)
    }

    fn number<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, Fail> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| usage_error(format!("--{name}: \"{v}\" is not a valid number"))),
        }
    }
}

/// A file path or a preset name, loaded and validated.
fn load_source(src: &str) -> Result<SavedState, Fail> {
    let path = std::path::Path::new(src);
    if path.exists() || src.ends_with(".json") || src.contains('/') {
        let text = std::fs::read_to_string(path)
            .map_err(|e| usage_error(format!("{src}: cannot read: {e}")))?;
        return state::load(&text).map_err(|e| usage_error(format!("{src}: {e}")));
    }
    SavedState::from_preset(src).map_err(usage_error)
}

fn one_source(o: &Opts, cmd: &str) -> Result<SavedState, Fail> {
    match o.positional.as_slice() {
        [src] => load_source(src),
        [] => Err(usage_error(format!("{cmd}: name a FILE or a PRESET"))),
        _ => Err(usage_error(format!(
            "{cmd}: give one FILE or PRESET, not {}",
            o.positional.len()
        ))),
    }
}

fn cmd_check(args: &[String]) -> Result<String, Fail> {
    let o = Opts::parse(args, &[], &[])?;
    if o.positional.is_empty() {
        return Err(usage_error("check: name at least one fixture FILE"));
    }
    let (mut passed, mut failed, mut unusable) = (0, 0, 0);
    let mut out = String::new();
    for f in &o.positional {
        let res = std::fs::read_to_string(f)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|text| fixture::check_text(&text).map_err(|e| e.to_string()));
        match res {
            Ok(r) if r.passed() => {
                passed += 1;
                out.push_str(&format!(
                    "PASS {f}: {} numbers, largest deviation {:.1e} (tolerance {:.0e}) at {}\n",
                    r.compared,
                    r.worst,
                    r.tolerance,
                    if r.worst_at.is_empty() {
                        "-"
                    } else {
                        &r.worst_at
                    }
                ));
            }
            Ok(r) => {
                failed += 1;
                out.push_str(&format!(
                    "FAIL {f}: {} of {} numbers checked out of tolerance {:.0e}; {}\n",
                    r.failures.len(),
                    r.compared,
                    r.tolerance,
                    r.failures.join("; ")
                ));
            }
            Err(e) => {
                failed += 1;
                unusable += 1;
                out.push_str(&format!("FAIL {f}: {e}\n"));
            }
        }
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    if failed > 0 {
        print!("{out}");
        return Err(Fail(String::new(), if unusable > 0 { 2 } else { 1 }));
    }
    Ok(out)
}

fn cmd_trace(args: &[String]) -> Result<String, Fail> {
    let o = Opts::parse(args, &["format", "lang", "digits", "granularity"], &[])?;
    let s = one_source(&o, "trace")?;
    let format = Format::parse(o.get("format").unwrap_or("text")).map_err(usage_error)?;
    let digits: usize = o.number("digits", 9)?;
    if !(1..=17).contains(&digits) {
        return Err(usage_error(format!(
            "--digits: {digits} is out of range (1 to 17)"
        )));
    }
    let gran = Granularity::parse(o.get("granularity").unwrap_or("layer")).map_err(usage_error)?;
    let trace = Trace::build(s.problem.pass(), gran, digits);
    Ok(document::render(&trace, format, o.lang()?))
}

fn cmd_render(args: &[String]) -> Result<String, Fail> {
    let o = Opts::parse(
        args,
        &["view", "out", "layer", "lang", "width", "height", "step"],
        &[],
    )?;
    let s = one_source(&o, "render")?;
    let view = o
        .get("view")
        .ok_or_else(|| usage_error("render: --view is required (curves, network or graph)"))?;
    let out = o
        .get("out")
        .ok_or_else(|| usage_error("render: --out FILE.svg is required"))?;
    let depth = s.problem.network.layers.len();
    let layer: usize = o.number("layer", 1)?;
    if layer < 1 || layer > depth {
        return Err(usage_error(format!(
            "--layer: {layer} is out of range (1 to {depth})"
        )));
    }
    let size = (o.number("width", 640u32)?, o.number("height", 400u32)?);
    if size.0 < 100 || size.1 < 100 || size.0 > 8000 || size.1 > 8000 {
        return Err(usage_error("--width/--height: expected 100 to 8000 pixels"));
    }
    let lang = o.lang()?;
    let theme = Theme::light();
    let svg = match view {
        "curves" => {
            let pass = s.problem.pass();
            let act = s.problem.network.layers[layer - 1].activation;
            let marks = curves::Marks {
                z: pass.forward.z[layer - 1].clone(),
                selected: None,
            };
            curves::svg(
                act,
                &marks,
                &curves::labels(act, Some(layer - 1), lang),
                &theme,
                size,
            )
        }
        "network" | "graph" => {
            let trace = Trace::build(s.problem.pass(), Granularity::Layer, 4);
            let step: usize = o.number("step", trace.len() - 1)?;
            if step >= trace.len() {
                return Err(usage_error(format!(
                    "--step: {step} is out of range (0 to {})",
                    trace.len() - 1
                )));
            }
            if view == "network" {
                network::svg(&trace, step, None, &theme, lang, size)
            } else {
                graph::svg(&trace, step, &theme, lang, size.0)
            }
        }
        other => {
            return Err(usage_error(format!(
                "--view: unknown view \"{other}\" (expected curves, network or graph)"
            )))
        }
    }
    .map_err(|e| Fail(e, 1))?;
    std::fs::write(out, svg).map_err(|e| usage_error(format!("{out}: cannot write: {e}")))?;
    Ok(format!("wrote {out}\n"))
}

fn cmd_chain(args: &[String]) -> Result<String, Fail> {
    let o = Opts::parse(args, &["weight", "bias", "lang", "digits"], &[])?;
    let s = one_source(&o, "chain")?;
    let (spec, want) = match (o.get("weight"), o.get("bias")) {
        (Some(w), None) => (w, 3),
        (None, Some(b)) => (b, 2),
        _ => {
            return Err(usage_error(
                "chain: give --weight L,I,J or --bias L,I (1-based)",
            ))
        }
    };
    let idx: Vec<usize> = spec
        .split(',')
        .map(|v| {
            v.trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n >= 1)
                .map(|n| n - 1)
        })
        .collect::<Option<Vec<_>>>()
        .filter(|v| v.len() == want)
        .ok_or_else(|| {
            usage_error(format!(
                "\"{spec}\": expected {want} whole numbers from 1, like {}",
                if want == 3 { "2,1,1" } else { "2,1" }
            ))
        })?;
    let digits: usize = o.number("digits", 9)?;
    let pass = s.problem.pass();
    let c = chain::chain_rule(
        &pass,
        idx[0],
        idx[1],
        idx.get(2).copied(),
        digits.clamp(1, 17),
    )
    .map_err(usage_error)?;
    let lang = o.lang()?;
    let mut out = format!("{}\n  {}\n", c.text.title.get(lang), c.text.note.get(lang));
    for f in &c.factors {
        out.push_str(&format!(
            "  {:<24} = {:<14} {}\n",
            f.symbol,
            number::fmt(f.value, digits),
            f.name.get(lang)
        ));
    }
    out.push('\n');
    for line in c.text.plain.symbols.iter().chain(&c.text.plain.numbers) {
        out.push_str(&format!("    {line}\n"));
    }
    Ok(out)
}

fn cmd_gradcheck(args: &[String]) -> Result<String, Fail> {
    let o = Opts::parse(args, &[], &[])?;
    let s = one_source(&o, "gradcheck")?;
    let p = &s.problem;
    let r = gradcheck::check(&p.network, &p.input, &p.target);
    let mut out = String::from("parameter        backprop          numeric           rel. error\n");
    for e in &r.entries {
        let name = match e.from {
            Some(j) => format!("W({})_{}{}", e.layer + 1, e.to + 1, j + 1),
            None => format!("b({})_{}", e.layer + 1, e.to + 1),
        };
        out.push_str(&format!(
            "{name:<16} {:<17} {:<17} {:.1e}\n",
            number::fmt(e.backprop, 10),
            number::fmt(e.numeric, 10),
            e.rel_error
        ));
    }
    out.push_str(&format!(
        "largest relative error: {:.2e}\n",
        r.max_rel_error
    ));
    Ok(out)
}

fn cmd_exercise(args: &[String]) -> Result<String, Fail> {
    let o = Opts::parse(
        args,
        &["seed", "layers", "activation", "lang", "format", "digits"],
        &["key"],
    )?;
    if !o.positional.is_empty() {
        return Err(usage_error(format!(
            "exercise: unexpected argument \"{}\"",
            o.positional[0]
        )));
    }
    let seed: u64 = match o.get("seed") {
        Some(_) => o.number("seed", 0)?,
        None => {
            return Err(usage_error(
                "exercise: --seed N is required (the same seed gives the same problem)",
            ))
        }
    };
    let sizes = o
        .get("layers")
        .unwrap_or("2,2,2")
        .split(',')
        .map(|s| s.trim().parse::<usize>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| usage_error("--layers: expected sizes like 2,3,2"))?;
    let act = Activation::parse(o.get("activation").unwrap_or("sigmoid"))
        .map_err(|e| usage_error(format!("--activation: {e}")))?;
    let p = exercise::generate(seed, &sizes, act).map_err(usage_error)?;
    let lang = o.lang()?;
    if o.flag("key") {
        let format = Format::parse(o.get("format").unwrap_or("text")).map_err(usage_error)?;
        let digits: usize = o.number("digits", 4)?;
        let trace = Trace::build(p.pass(), Granularity::Layer, digits.clamp(1, 17));
        return Ok(document::render(&trace, format, lang));
    }
    Ok(exercise::statement(&p, seed, lang))
}

fn run(args: &[String]) -> Result<String, Fail> {
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => return Err(usage_error(format!("{USAGE}{}", preset::NAMES.join(", ")))),
    };
    match cmd {
        "check" => cmd_check(rest),
        "trace" => cmd_trace(rest),
        "render" => cmd_render(rest),
        "gradcheck" => cmd_gradcheck(rest),
        "chain" => cmd_chain(rest),
        "exercise" => cmd_exercise(rest),
        "presets" => Ok(preset::NAMES
            .iter()
            .filter_map(|n| preset::get(n).ok())
            .map(|p| format!("{:<18} {}\n", p.name, p.title.en))
            .collect()),
        "help" | "--help" | "-h" => Ok(format!("{USAGE}{}\n", preset::NAMES.join(", "))),
        other => Err(usage_error(format!(
            "unknown command \"{other}\" (expected check, trace, chain, render, gradcheck, exercise, presets or help)"
        ))),
    }
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|_| {}));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = std::panic::catch_unwind(|| run(&args)).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Fail(format!("internal error (please report): {msg}"), 2))
    });
    match result {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(Fail(msg, code)) => {
            if !msg.is_empty() {
                eprintln!("backprop-lab: {msg}");
            }
            ExitCode::from(code)
        }
    }
}
