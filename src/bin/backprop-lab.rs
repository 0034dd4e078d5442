//! The command-line face of Backprop Lab: check fixtures, print worked examples,
//! render charts to SVG, and write homework problems with their answer keys.
//!
//! `COMMANDS` describes every command and its options once; the usage text, each
//! command's `--help` and the argument errors are all written from it.

use backprop_lab::activation::Activation;
#[cfg(feature = "full")]
use backprop_lab::codegen;
use backprop_lab::document::{self, Format};
use backprop_lab::error::Error;
use backprop_lab::lab::Session;
use backprop_lab::lang::Lang;
use backprop_lab::notation::Notation;
use backprop_lab::render::frame::{self, View};
use backprop_lab::state::{self, SavedState};
use backprop_lab::trace::{Granularity, Trace};
use backprop_lab::vocab::Named;
use backprop_lab::{chain, exercise, fixture, gradcheck, number, preset};
use lexopt::Arg;
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use Need::{Either, Required};
use Value::{Choice, Flag, Meta};

/// The views `render` draws: those with an SVG.
fn views() -> Vec<&'static str> {
    View::ALL
        .iter()
        .filter(|v| v.has_svg())
        .map(|v| v.name())
        .collect()
}

/// The operands a command takes after its name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Operands {
    None,
    /// Exactly one FILE or PRESET.
    Source,
    /// One FILE or more.
    Files,
}

/// What follows an option's name.
#[derive(Clone, Copy)]
enum Value {
    Flag,
    Meta(&'static str),
    /// One of these names (for the usage text; the library's parser decides).
    Choice(fn() -> Vec<&'static str>),
}

/// Whether an option must be given. Of a command's `Either` options, exactly one must.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Optional,
    Required,
    Either,
}

struct Opt {
    name: &'static str,
    value: Value,
    need: Need,
    help: &'static str,
}

const fn opt(name: &'static str, value: Value, help: &'static str) -> Opt {
    Opt {
        name,
        value,
        need: Need::Optional,
        help,
    }
}

impl Opt {
    const fn needs(self, need: Need) -> Opt {
        Opt { need, ..self }
    }

    /// `--format text|markdown|latex|json`.
    fn usage(&self) -> String {
        match self.value {
            Value::Flag => format!("--{}", self.name),
            Value::Meta(m) => format!("--{} {m}", self.name),
            Value::Choice(names) => format!("--{} {}", self.name, names().join("|")),
        }
    }
}

/// What a command printed on stdout, and its exit code.
struct Out(String, u8);

impl From<String> for Out {
    fn from(text: String) -> Out {
        Out(text, 0)
    }
}

/// A command-line failure: the message for stderr and the exit code.
struct Fail(String, u8);

fn usage_error(msg: impl ToString) -> Fail {
    Fail(msg.to_string(), 2)
}

struct Command {
    name: &'static str,
    operands: Operands,
    opts: &'static [Opt],
    about: &'static str,
    run: fn(&Args) -> Result<Out, Fail>,
}

// The options that several commands share.
#[rustfmt::skip]
const LANG: Opt = opt("lang", Choice(Lang::codes), "language of the text and messages (default en)");
#[rustfmt::skip]
const FORMAT: Opt = opt("format", Choice(Format::names), "output format (default text)");
#[rustfmt::skip]
const DIGITS: Opt = opt("digits", Meta("N"), "significant digits, 1 to 17 (default 9)");

/// Every command: what it takes, what it does, and the function that does it.
#[rustfmt::skip]
const COMMANDS: &[Command] = &[
    Command { name: "check", operands: Operands::Files, run: check, opts: &[],
        about: "verify step and train fixtures (PyTorch reference numbers); exit 1 if one is \
                off, 2 if one cannot be read" },
    Command { name: "trace", operands: Operands::Source, run: trace, opts: &[
            FORMAT,
            LANG,
            DIGITS,
            opt("granularity", Choice(Granularity::names), "one step per layer or per unit (default layer)"),
        ],
        about: "the whole worked example, step by step" },
    Command { name: "render", operands: Operands::Source, run: render, opts: &[
            opt("view", Choice(views), "what to draw").needs(Required),
            opt("out", Meta("FILE.svg"), "where to write the SVG").needs(Required),
            opt("layer", Meta("N"), "the layer of the curves (default 1)"),
            opt("step", Meta("N"), "the step of the pass (default: the last)"),
            LANG,
            opt("width", Meta("W"), "pixels, 200 to 8000 (default 640)"),
            opt("height", Meta("H"), "pixels, 100 to 8000 (default 400)"),
        ],
        about: "draw a view to SVG at a step of the pass: the network, the activation curves \
                of a layer, the computation graph, the loss curve or the gradient sizes" },
    Command { name: "chain", operands: Operands::Source, run: chain, opts: &[
            opt("weight", Meta("L,I,J"), "the weight W(L)_IJ, 1-based").needs(Either),
            opt("bias", Meta("L,I"), "the bias b(L)_I, 1-based").needs(Either),
            LANG,
            DIGITS,
        ],
        about: "the chain rule of one weight or bias: every factor's value, and for a hidden \
                weight each path through the layer above" },
    Command { name: "gradcheck", operands: Operands::Source, run: gradcheck, opts: &[],
        about: "compare backprop's gradients with central finite differences" },
    Command { name: "exercise", operands: Operands::None, run: exercise, opts: &[
            opt("seed", Meta("N"), "the same seed gives the same problem").needs(Required),
            opt("layers", Meta("2,3,2"), "sizes, input first (default 2,2,2)"),
            opt("activation", Choice(Activation::names),
                "of the hidden units (default sigmoid)"),
            LANG,
            opt("key", Flag, "print the answer key instead of the problem"),
            opt("format", Choice(Format::names), "the key's format (default text)"),
            opt("digits", Meta("N"), "the key's significant digits (default 4)"),
        ],
        about: "a new homework problem; with --key, its answer key instead" },
    #[cfg(feature = "full")]
    Command { name: "export", operands: Operands::Source, run: export, opts: &[
            opt("format", Choice(codegen::Target::names), "the library the script is written for").needs(Required),
            LANG,
            opt("out", Meta("FILE"), "where to write the script (default: standard output)"),
        ],
        about: "the pass as a Python script: NumPy written out one line per formula, or PyTorch \
                with loss.backward(); both print the numbers as JSON in a fixture's \
                \"expected\" keys" },
    Command { name: "presets", operands: Operands::None, run: presets, opts: &[],
        about: "list the presets" },
];

/// Lines of the usage text end before this column where they can.
const WIDTH: usize = 88;

/// `words` joined by spaces from column `col`, a line broken before a word that would
/// pass `WIDTH`; each new line starts at column `indent`.
fn wrap<'a>(words: impl IntoIterator<Item = &'a str>, mut col: usize, indent: usize) -> String {
    let mut out = String::new();
    for w in words {
        let n = w.chars().count();
        if !out.is_empty() {
            if col + 1 + n > WIDTH {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                col = indent;
            } else {
                out.push(' ');
                col += 1;
            }
        }
        out.push_str(w);
        col += n;
    }
    out
}

/// The note under the usage text and under the help of a command that reads a PRESET.
fn presets_note() -> String {
    let text = format!("PRESET is one of: {}.", preset::NAMES.join(", "));
    format!("\n{}\n", wrap(text.split(' '), 0, 0))
}

impl Command {
    /// `backprop-lab trace FILE|PRESET [--format …] …`, starting at column `col`.
    fn synopsis(&self, col: usize) -> String {
        let mut words = vec!["backprop-lab".to_string(), self.name.to_string()];
        match self.operands {
            Operands::None => {}
            Operands::Source => words.push("FILE|PRESET".into()),
            Operands::Files => words.push("FILE...".into()),
        }
        let either: Vec<String> = self.opts_needing(Need::Either).map(Opt::usage).collect();
        for o in self.opts {
            match o.need {
                Need::Optional => words.push(format!("[{}]", o.usage())),
                Need::Required => words.push(o.usage()),
                Need::Either if o.usage() == either[0] => {
                    words.push(format!("({})", either.join(" | ")))
                }
                Need::Either => {}
            }
        }
        let indent = col + words[0].len() + words[1].len() + 2;
        wrap(words.iter().map(String::as_str), col, indent)
    }

    /// `backprop-lab COMMAND --help`.
    fn help(&self) -> String {
        let mut out = format!(
            "usage: {}\n{}\n",
            self.synopsis(7),
            wrap(self.about.split(' '), 0, 0)
        );
        if !self.opts.is_empty() {
            out.push_str("\noptions:\n");
        }
        // Each option's help beside it, or under it where the option is long.
        const COL: usize = 20;
        for o in self.opts {
            let usage = o.usage();
            let gap = match usage.len() < COL {
                true => " ".repeat(COL - usage.len()),
                false => format!("\n  {}", " ".repeat(COL)),
            };
            out.push_str(&format!("  {usage}{gap}{}\n", o.help));
        }
        if self.operands == Operands::Source {
            out.push_str(&presets_note());
        }
        out
    }

    fn opts_needing(&self, need: Need) -> impl Iterator<Item = &Opt> {
        self.opts.iter().filter(move |o| o.need == need)
    }

    fn error(&self, msg: impl std::fmt::Display) -> Fail {
        usage_error(format!("{}: {msg}", self.name))
    }

    fn unknown(&self, option: &str) -> Fail {
        let names: Vec<String> = self.opts.iter().map(|o| format!("--{}", o.name)).collect();
        let takes = match names.as_slice() {
            [] => "no options".to_string(),
            _ => names.join(", "),
        };
        self.error(format!(
            "unknown option {option} ({} takes {takes})",
            self.name
        ))
    }

    /// This command's operands and options, or `None` when `--help` was asked for.
    fn parse(&'static self, args: Vec<OsString>) -> Result<Option<Args>, Fail> {
        let utf8 = |v: OsString| {
            v.into_string()
                .map_err(|v| self.error(format!("argument {v:?} is not valid UTF-8")))
        };
        let mut p = lexopt::Parser::from_args(args);
        let mut a = Args {
            cmd: self,
            operands: vec![],
            values: vec![],
        };
        loop {
            let o = match p.next() {
                Ok(None) => break,
                Ok(Some(Arg::Long("help") | Arg::Short('h'))) => return Ok(None),
                Ok(Some(Arg::Value(v))) => {
                    a.operands.push(utf8(v)?);
                    continue;
                }
                Ok(Some(Arg::Long(name))) => self
                    .opts
                    .iter()
                    .find(|o| o.name == name)
                    .ok_or_else(|| self.unknown(&format!("--{name}")))?,
                Ok(Some(Arg::Short(c))) => return Err(self.unknown(&format!("-{c}"))),
                Err(lexopt::Error::UnexpectedValue { option, value }) => {
                    return Err(self.error(format!("{option} takes no value (got {value:?})")))
                }
                Err(e) => return Err(self.error(e)),
            };
            let value = match o.value {
                Value::Flag => String::new(),
                _ => utf8(p.value().map_err(|_| {
                    self.error(format!("--{} needs a value ({})", o.name, o.usage()))
                })?)?,
            };
            a.values.push((o.name, value));
        }
        let n = a.operands.len();
        match (self.operands, n) {
            (Operands::None, 0) | (Operands::Source, 1) => {}
            (Operands::Files, n) if n > 0 => {}
            (Operands::None, _) => {
                return Err(self.error(format!("unexpected argument \"{}\"", a.operands[0])))
            }
            (Operands::Source, 0) => return Err(self.error("name a FILE or a PRESET")),
            (Operands::Source, _) => {
                return Err(self.error(format!("give one FILE or PRESET, not {n}")))
            }
            (Operands::Files, _) => return Err(self.error("name at least one fixture FILE")),
        }
        if let Some(o) = self
            .opts_needing(Need::Required)
            .find(|o| a.get(o.name).is_none())
        {
            return Err(self.error(format!("{} is required ({})", o.usage(), o.help)));
        }
        let either: Vec<String> = self.opts_needing(Need::Either).map(Opt::usage).collect();
        match self
            .opts_needing(Need::Either)
            .filter(|o| a.get(o.name).is_some())
            .count()
        {
            0 if !either.is_empty() => Err(self.error(format!("give {}", either.join(" or ")))),
            n if n > 1 => Err(self.error(format!("give only one of {}", either.join(" or ")))),
            _ => Ok(Some(a)),
        }
    }
}

/// A command's parsed arguments.
struct Args {
    cmd: &'static Command,
    operands: Vec<String>,
    values: Vec<(&'static str, String)>,
}

impl Args {
    /// An option's value (`""` for a flag); of an option given twice, the last.
    fn get(&self, name: &str) -> Option<&str> {
        debug_assert!(
            self.cmd.opts.iter().any(|o| o.name == name),
            "{} has no option --{name}",
            self.cmd.name
        );
        self.values
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A required option's value (`parse` has checked that it is there).
    fn required(&self, name: &str) -> &str {
        self.get(name).unwrap_or_default()
    }

    fn number<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, Fail> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| usage_error(format!("--{name}: \"{v}\" is not a valid number"))),
        }
    }

    fn digits(&self, default: usize) -> Result<usize, Fail> {
        let digits = self.number("digits", default)?;
        if !(1..=17).contains(&digits) {
            return Err(usage_error(format!(
                "--digits: {digits} is out of range (1 to 17)"
            )));
        }
        Ok(digits)
    }

    /// The language of the output and of the messages (`--lang`, or `en`).
    fn lang(&self) -> Result<Lang, Fail> {
        Lang::parse(self.get("lang").unwrap_or("en")).map_err(usage_error)
    }

    /// A library error as a usage error, in the `--lang` asked for (English for a
    /// command without one).
    fn fail(&self, e: Error) -> Fail {
        let has_lang = self.cmd.opts.iter().any(|o| o.name == "lang");
        let lang = if has_lang {
            self.lang().unwrap_or_default()
        } else {
            Lang::En
        };
        usage_error(e.render(lang))
    }

    fn format(&self) -> Result<Format, Fail> {
        Format::parse(self.get("format").unwrap_or("text")).map_err(|e| self.fail(e))
    }

    /// The one FILE or PRESET, loaded and validated.
    fn source(&self) -> Result<SavedState, Fail> {
        let src = self.operands[0].as_str();
        let path = std::path::Path::new(src);
        if path.exists() || src.ends_with(".json") || src.contains('/') {
            let text = std::fs::read_to_string(path)
                .map_err(|e| usage_error(format!("{src}: cannot read: {e}")))?;
            return state::load(&text).map_err(|e| self.fail(e.under(src)));
        }
        SavedState::from_preset(src).map_err(|e| self.fail(e))
    }
}

fn check(a: &Args) -> Result<Out, Fail> {
    let (mut passed, mut failed, mut unusable) = (0, 0, 0);
    let mut out = String::new();
    for f in &a.operands {
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
    let code = match (unusable, failed) {
        (0, 0) => 0,
        (0, _) => 1,
        _ => 2,
    };
    Ok(Out(out, code))
}

fn trace(a: &Args) -> Result<Out, Fail> {
    let s = a.source()?;
    let format = a.format()?;
    let digits = a.digits(9)?;
    let gran = a
        .get("granularity")
        .map_or(Ok(Granularity::default()), Granularity::parse)
        .map_err(|e| a.fail(e))?;
    let trace = Trace::build(s.problem.pass(), gran, digits);
    Ok(document::render(&trace, format, a.lang()?).into())
}

fn render(a: &Args) -> Result<Out, Fail> {
    let mut s = Session::new(a.source()?).map_err(|e| a.fail(e))?;
    let (view, out) = (a.required("view"), a.required("out"));
    let view = View::parse(view)
        .ok()
        .filter(|v| v.has_svg())
        .ok_or_else(|| {
            usage_error(format!(
                "--view: unknown view \"{view}\" (expected {})",
                views().join(", ")
            ))
        })?;
    let depth = s.saved().problem.net.depth();
    let layer: usize = a.number("layer", 1)?;
    if layer < 1 || layer > depth {
        return Err(usage_error(format!(
            "--layer: {layer} is out of range (1 to {depth})"
        )));
    }
    let size = (a.number("width", 640u32)?, a.number("height", 400u32)?);
    if !(200..=8000).contains(&size.0) || !(100..=8000).contains(&size.1) {
        return Err(usage_error(
            "--width/--height: expected a width of 200 to 8000 pixels and a height of 100 to 8000",
        ));
    }
    let last = s.stepper().len() - 1;
    let step: usize = a.number("step", last)?;
    if step > last {
        return Err(usage_error(format!(
            "--step: {step} is out of range (0 to {last})"
        )));
    }
    s.stepper_mut().seek(step).map_err(|e| a.fail(e))?;
    let o = frame::Options {
        lang: a.lang()?,
        curves_layer: Some(layer - 1),
        ..frame::Options::default()
    };
    let svg = frame::svg(&s, view, size, &o).map_err(|e| Fail(e.render(o.lang), 1))?;
    std::fs::write(out, svg).map_err(|e| usage_error(format!("{out}: cannot write: {e}")))?;
    Ok(format!("wrote {out}\n").into())
}

fn chain(a: &Args) -> Result<Out, Fail> {
    let s = a.source()?;
    let (name, want) = match a.get("weight") {
        Some(_) => ("weight", 3),
        None => ("bias", 2),
    };
    let spec = a.required(name);
    let idx: Vec<usize> = spec
        .split(',')
        .map(|v| v.trim().parse::<usize>().ok().filter(|&n| n >= 1))
        .collect::<Option<Vec<_>>>()
        .filter(|v| v.len() == want)
        .ok_or_else(|| {
            usage_error(format!(
                "--{name}: \"{spec}\" is not {want} whole numbers from 1, separated by commas"
            ))
        })?;
    // The library checks the indices too, but counts from 0; the user counts from 1.
    let net = &s.problem.net;
    let within = |whose: String, what: &str, n: usize, count: usize| match n <= count {
        true => Ok(()),
        false => Err(usage_error(format!(
            "--{name} {spec}: {whose} has {what} 1 to {count}, not {n}"
        ))),
    };
    within("the network".into(), "layers", idx[0], net.depth())?;
    let layer = net.mlp(idx[0] - 1);
    within(format!("layer {}", idx[0]), "units", idx[1], layer.width())?;
    if let Some(&j) = idx.get(2) {
        within(format!("layer {}", idx[0]), "inputs", j, layer.fan_in())?;
    }
    let digits = a.digits(9)?;
    let pass = s.problem.pass();
    let from = idx.get(2).map(|j| j - 1);
    let c =
        chain::chain_rule(&pass, idx[0] - 1, idx[1] - 1, from, digits).map_err(|e| a.fail(e))?;
    let lang = a.lang()?;
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
    Ok(out.into())
}

fn gradcheck(a: &Args) -> Result<Out, Fail> {
    let s = a.source()?;
    let p = &s.problem;
    let r = gradcheck::check(&p.net, &p.input, &p.target);
    let n = Notation::plain(10);
    let mut out = String::from("parameter        backprop          numeric           rel. error\n");
    for e in &r.entries {
        let name = match e.from {
            Some(j) => n.w(e.layer, e.to, j),
            None => n.b(e.layer, e.to),
        };
        out.push_str(&format!(
            "{name:<16} {:<17} {:<17} {:.1e}\n",
            n.num(e.backprop),
            n.num(e.numeric),
            e.rel_error
        ));
    }
    out.push_str(&format!(
        "largest relative error: {:.2e}\n",
        r.max_rel_error
    ));
    Ok(out.into())
}

fn exercise(a: &Args) -> Result<Out, Fail> {
    let seed: u64 = a.number("seed", 0)?;
    // The library names the list `layers`; here it is the option `--layers`.
    let flag = |mut e: Error| {
        e.at = format!("--{}", e.at);
        a.fail(e)
    };
    let sizes = exercise::parse_sizes(a.get("layers").unwrap_or("2,2,2")).map_err(flag)?;
    let act = Activation::parse(a.get("activation").unwrap_or("sigmoid"))
        .map_err(|e| a.fail(e.or_at("--activation")))?;
    let p = exercise::generate(seed, &sizes, act).map_err(flag)?;
    let lang = a.lang()?;
    if a.get("key").is_some() {
        let trace = Trace::build(p.pass(), Granularity::Layer, a.digits(4)?);
        return Ok(document::render(&trace, a.format()?, lang).into());
    }
    Ok(exercise::statement(&p, seed, lang).into())
}

/// The pass as a NumPy or PyTorch script, on standard output or into `--out`.
#[cfg(feature = "full")]
fn export(a: &Args) -> Result<Out, Fail> {
    let s = a.source()?;
    let target =
        codegen::Target::parse(a.required("format")).map_err(|e| a.fail(e.or_at("--format")))?;
    let text = codegen::script(&s.problem.pass(), target, a.lang()?).text();
    match a.get("out") {
        None => Ok(text.into()),
        Some(out) => {
            std::fs::write(out, text)
                .map_err(|e| usage_error(format!("{out}: cannot write: {e}")))?;
            Ok(format!("wrote {out}\n").into())
        }
    }
}

fn presets(_: &Args) -> Result<Out, Fail> {
    let list = preset::NAMES
        .iter()
        .filter_map(|n| preset::get(n).ok())
        .map(|p| format!("{:<18} {}\n", p.name, p.title.en))
        .collect::<String>();
    Ok(list.into())
}

fn usage() -> String {
    let mut out =
        String::from("backprop-lab: step through backpropagation, every number shown\n\nusage:\n");
    for c in COMMANDS {
        out.push_str(&format!(
            "  {}\n      {}\n",
            c.synopsis(2),
            wrap(c.about.split(' '), 6, 6)
        ));
    }
    out.push_str("  backprop-lab help [COMMAND]   or   backprop-lab COMMAND --help\n");
    out.push_str("      what a command does and its options\n");
    out.push_str(
        "\n--name=value works too, -- ends the options, and of an option given twice the \
         last counts.\n",
    );
    out + &presets_note()
}

/// `check, trace, …, presets`.
fn command_names() -> String {
    COMMANDS
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn command(name: &str) -> Result<&'static Command, Fail> {
    COMMANDS.iter().find(|c| c.name == name).ok_or_else(|| {
        let names = command_names();
        usage_error(format!(
            "unknown command \"{name}\" (expected {names} or help)"
        ))
    })
}

fn run(args: Vec<OsString>) -> Result<Out, Fail> {
    const AFTER: &str = " (options follow the command: backprop-lab COMMAND --help)";
    let mut p = lexopt::Parser::from_args(args);
    let name = match p.next() {
        Ok(Some(Arg::Value(name))) => name
            .into_string()
            .map_err(|v| usage_error(format!("unknown command {v:?}")))?,
        Ok(Some(Arg::Long("help") | Arg::Short('h'))) => return Ok(usage().into()),
        Ok(None) => {
            let names = command_names();
            let msg = format!("name a command: {names} (backprop-lab --help describes them)");
            return Err(usage_error(msg));
        }
        Ok(Some(Arg::Long(o))) => return Err(usage_error(format!("unknown option --{o}{AFTER}"))),
        Ok(Some(Arg::Short(c))) => return Err(usage_error(format!("unknown option -{c}{AFTER}"))),
        Err(e) => return Err(usage_error(e.to_string())),
    };
    let rest: Vec<OsString> = p.raw_args().map(|r| r.collect()).unwrap_or_default();
    if name == "help" {
        return match rest.first() {
            None => Ok(usage().into()),
            Some(c) => Ok(command(&c.to_string_lossy())?.help().into()),
        };
    }
    let cmd = command(&name)?;
    match cmd.parse(rest)? {
        Some(args) => (cmd.run)(&args),
        None => Ok(cmd.help().into()),
    }
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|_| {}));
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let result = std::panic::catch_unwind(move || run(args)).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Fail(format!("internal error (please report): {msg}"), 2))
    });
    let (out, Fail(mut msg, mut code)) = match result {
        Ok(Out(out, code)) => (out, Fail(String::new(), code)),
        Err(fail) => (String::new(), fail),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        // A reader that stopped early (`| head`) is no failure of ours.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            (msg, code) = (format!("cannot write the output: {e}"), 2);
        }
    }
    if !msg.is_empty() {
        let _ = writeln!(std::io::stderr(), "backprop-lab: {msg}");
    }
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Option names are unique within a command, and `help` is everyone's.
    #[test]
    fn option_names_are_unique() {
        for c in COMMANDS {
            for (i, o) in c.opts.iter().enumerate() {
                assert!(o.name != "help", "{}", c.name);
                assert!(c.opts[..i].iter().all(|p| p.name != o.name), "{}", o.name);
            }
        }
    }
}
