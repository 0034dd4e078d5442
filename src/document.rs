//! The worked example as a document: the whole trace, step by step, as plain text,
//! Markdown (with TeX formulas) , LaTeX or JSON, in English or Chinese.

use crate::error::Error;
use crate::explain::Bilingual;
use crate::json::to_value;
use crate::lang::Lang;
use crate::number;
use crate::trace::{Phase, Trace};
use crate::view::cnn::CnnPassView;
use crate::view::PassView;
use crate::vocab::{unknown, Named, Vocab};
use serde::Serialize;

/// Output format of a worked example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Latex,
    Json,
}

impl Named for Format {
    const ALL: &'static [Format] = &[Format::Text, Format::Markdown, Format::Latex, Format::Json];
    const VOCAB: Vocab = Vocab::Format;
    fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Latex => "latex",
            Format::Json => "json",
        }
    }
    /// The names, and the short `md` and `tex`.
    fn parse(s: &str) -> Result<Format, Error> {
        match s {
            "md" => Ok(Format::Markdown),
            "tex" => Ok(Format::Latex),
            _ => Format::ALL
                .iter()
                .copied()
                .find(|f| f.name() == s)
                .ok_or_else(|| unknown(Vocab::Format, s, Format::names())),
        }
    }
}

fn phase_heading(phase: Phase) -> Bilingual {
    match phase {
        Phase::Start => Bilingual::new("The example", "样本"),
        Phase::Forward => Bilingual::new("Forward pass", "前向传播"),
        Phase::Loss => Bilingual::new("Loss", "损失"),
        Phase::Backward => Bilingual::new("Backward pass", "反向传播"),
        Phase::Update => Bilingual::new("Weight update", "权重更新"),
    }
}

/// A heading line naming the network: `2-2-2 sigmoid/sigmoid, half_sse, η = 0.5`.
fn summary(trace: &Trace, lang: Lang) -> String {
    let p = &trace.pass;
    let net = &p.net;
    let eta = number::fmt(p.rule.learning_rate, trace.digits);
    let title = Bilingual::new("Worked example", "反向传播演算");
    // A fully connected network by its sizes and activations (2-2-2 sigmoid/sigmoid), a
    // CNN by its blobs and layers (1×5×5 → conv → relu → … → 2).
    let shape = if net.is_mlp() {
        let sizes: Vec<String> = net.sizes().iter().map(|s| s.to_string()).collect();
        let acts: Vec<&str> = net.mlp_layers().map(|l| l.activation.name()).collect();
        format!("{} {}", sizes.join("-"), acts.join("/"))
    } else {
        let layers: Vec<&str> = net.layers.iter().map(|l| l.type_name()).collect();
        format!(
            "{} → {} → {}",
            p.shapes[0],
            layers.join(" → "),
            p.shapes[p.shapes.len() - 1]
        )
    };
    format!(
        "{}{}{shape}, {}, η = {eta}",
        title.get(lang),
        lang.colon(),
        net.loss.name()
    )
}

/// Renders the whole worked example.
pub fn render(trace: &Trace, format: Format, lang: Lang) -> String {
    match format {
        Format::Json => json_doc(trace, lang),
        _ => text_doc(trace, format, lang),
    }
}

fn text_doc(trace: &Trace, format: Format, lang: Lang) -> String {
    let mut out = String::new();
    let head = summary(trace, lang);
    match format {
        Format::Markdown => out.push_str(&format!("# {head}\n\n")),
        Format::Latex => {
            out.push_str("% Backprop Lab worked example. Needs \\usepackage{amsmath}");
            if lang == Lang::Zh {
                out.push_str(" and a CJK set-up such as \\usepackage{ctex}");
            }
            out.push_str(&format!(".\n\\section*{{{}}}\n\n", latex_escape(&head)));
        }
        _ => {
            out.push_str(&format!("{head}\n{}\n\n", "=".repeat(width(&head))));
        }
    }
    let mut phase = None;
    let texts = trace.texts();
    for (k, step) in trace.steps.iter().enumerate() {
        if phase != Some(step.phase) {
            phase = Some(step.phase);
            let h = phase_heading(step.phase);
            match format {
                Format::Markdown => out.push_str(&format!("## {}\n\n", h.get(lang))),
                Format::Latex => out.push_str(&format!("\\subsection*{{{}}}\n\n", h.get(lang))),
                _ => out.push_str(&format!(
                    "{}\n{}\n\n",
                    h.get(lang),
                    "-".repeat(width(h.get(lang)))
                )),
            }
        }
        let t = texts[k];
        let title = format!("{}. {}", k, t.title.get(lang));
        match format {
            Format::Markdown => {
                out.push_str(&format!("**{title}**  \n{}\n\n", t.note.get(lang)));
                for s in &t.tex.symbols {
                    out.push_str(&format!("$${s}$$\n"));
                }
                for s in &t.tex.numbers {
                    out.push_str(&format!("$${s}$$\n"));
                }
                out.push('\n');
            }
            Format::Latex => {
                out.push_str(&format!(
                    "\\paragraph{{{}}} {}\n\\begin{{align*}}\n",
                    latex_escape(&title),
                    latex_escape(t.note.get(lang))
                ));
                let lines: Vec<String> = t
                    .tex
                    .symbols
                    .iter()
                    .chain(&t.tex.numbers)
                    .map(|s| align(s))
                    .collect();
                out.push_str(&lines.join(" \\\\\n"));
                out.push_str("\n\\end{align*}\n\n");
            }
            _ => {
                out.push_str(&format!("{title}\n  {}\n", t.note.get(lang)));
                for s in t.plain.symbols.iter().chain(&t.plain.numbers) {
                    out.push_str(&format!("    {s}\n"));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Display width in a terminal: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c >= '\u{2E80}' { 2 } else { 1 }).sum()
}

/// Puts the alignment mark before the first `=` of a TeX line.
fn align(s: &str) -> String {
    match s.find(" = ") {
        Some(k) => format!("{} &= {}", &s[..k], &s[k + 3..]),
        None => s.to_string(),
    }
}

/// Escapes LaTeX's special characters in running text (not in formulas).
fn latex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '_' | '%' | '&' | '#' | '$' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            'η' => out.push_str("$\\eta$"),
            'λ' => out.push_str("$\\lambda$"),
            'δ' => out.push_str("$\\delta$"),
            'σ' => out.push_str("$\\sigma$"),
            '∂' => out.push_str("$\\partial$"),
            '←' => out.push_str("$\\leftarrow$"),
            '−' => out.push('-'),
            '≤' => out.push_str("$\\le$"),
            '′' => out.push('\''),
            'Σ' => out.push_str("$\\Sigma$"),
            '∇' => out.push_str("$\\nabla$"),
            '²' => out.push_str("$^2$"),
            '½' => out.push_str("$\\frac12$"),
            '·' => out.push_str("$\\cdot$"),
            _ => out.push(c),
        }
    }
    out
}

/// The JSON worked example: the pass in the fixtures' field names, then every step.
#[derive(Serialize)]
struct JsonDoc<'a> {
    title: String,
    net: &'a crate::engine::Net,
    input: &'a [f64],
    target: &'a [f64],
    learning_rate: f64,
    granularity: crate::trace::Granularity,
    #[serde(flatten)]
    pass: PassOf<'a>,
    steps: Vec<JsonStep<'a>>,
}

/// A pass in the shape of its kind's fixtures.
#[derive(Serialize)]
#[serde(untagged)]
enum PassOf<'a> {
    Mlp(PassView<'a>),
    Cnn(CnnPassView<'a>),
}

/// One step of the JSON worked example.
#[derive(Serialize)]
struct JsonStep<'a> {
    index: usize,
    #[serde(flatten)]
    step: &'a crate::trace::Step,
    title: &'a str,
    note: &'a str,
    symbols: &'a [String],
    numbers: &'a [String],
    tex_symbols: &'a [String],
    tex_numbers: &'a [String],
}

fn json_doc(trace: &Trace, lang: Lang) -> String {
    let p = &trace.pass;
    let texts = trace.texts();
    let doc = JsonDoc {
        title: summary(trace, lang),
        net: &p.net,
        input: p.input(),
        target: &p.target,
        learning_rate: p.rule.learning_rate,
        granularity: trace.granularity,
        pass: if p.net.is_mlp() {
            PassOf::Mlp(PassView::of(p))
        } else {
            PassOf::Cnn(CnnPassView::of(p, &trace.blob_dims, &trace.weight_dims))
        },
        steps: trace
            .steps
            .iter()
            .zip(texts)
            .enumerate()
            .map(|(k, (s, text))| JsonStep {
                index: k,
                step: s,
                title: text.title.get(lang),
                note: text.note.get(lang),
                symbols: &text.plain.symbols,
                numbers: &text.plain.numbers,
                tex_symbols: &text.tex.symbols,
                tex_numbers: &text.tex.numbers,
            })
            .collect(),
    };
    to_value(&doc).to_pretty() + "\n"
}
