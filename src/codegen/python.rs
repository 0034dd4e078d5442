//! Python text as the generated scripts write it: numbers that read back to the same
//! float64, nested lists for vectors, matrices and kernels, lines with their comments
//! lined up, and the closing `print(json.dumps(…))` in a fixture's `expected` keys.

/// A float64 as Python reads it back exactly: Rust's shortest round-trip text (`0.1`,
/// `1e-7`, `-0.0`, `2.0`), which is Python's `repr` up to the exponent's spelling.
/// A value that is not finite (never in a validated problem) is written so it still runs.
pub fn num(v: f64) -> String {
    if v.is_nan() {
        "float('nan')".into()
    } else if v.is_infinite() {
        if v > 0.0 {
            "float('inf')"
        } else {
            "-float('inf')"
        }
        .into()
    } else {
        format!("{v:?}")
    }
}

/// `[0.05, 0.1]`: a flat list on one line.
fn flat(data: &[f64]) -> String {
    let items: Vec<String> = data.iter().map(|&v| num(v)).collect();
    format!("[{}]", items.join(", "))
}

/// The nested list of `data` (C-order) in `dims`, one innermost list per line, each
/// level indented by four spaces; `first` opens it (`W1 = np.array(`), `last` closes
/// it (`)`). A vector stays on one line.
pub fn array(first: &str, data: &[f64], dims: &[usize], last: &str) -> Vec<String> {
    if dims.len() <= 1 {
        return vec![format!("{first}{}{last}", flat(data))];
    }
    let mut out = vec![format!("{first}[")];
    nest(data, dims, 1, &mut out);
    out.push(format!("]{last}"));
    out
}

/// The elements of one level of a nested list, at indentation `depth`.
fn nest(data: &[f64], dims: &[usize], depth: usize, out: &mut Vec<String>) {
    let pad = "    ".repeat(depth);
    let step: usize = dims[1..].iter().product();
    for k in 0..dims[0] {
        let part = &data[k * step..(k + 1) * step];
        if dims.len() == 2 {
            out.push(format!("{pad}{},", flat(part)));
        } else {
            out.push(format!("{pad}["));
            nest(part, &dims[1..], depth + 1, out);
            out.push(format!("{pad}],"));
        }
    }
}

/// A Python tuple of whole numbers: `(1, 4, 4)`.
pub fn shape(dims: &[usize]) -> String {
    match dims {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            dims.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Lines of code, some with a comment, the comments lined up when written out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Code {
    lines: Vec<(String, Option<String>)>,
}

/// Comments start at least this many columns in (or two after a longer line's code).
const COMMENT_COLUMN: usize = 44;

impl Code {
    pub fn new() -> Code {
        Code::default()
    }

    /// A line of code.
    pub fn line(&mut self, code: impl Into<String>) -> &mut Code {
        self.lines.push((code.into(), None));
        self
    }

    /// A line of code with a comment beside it.
    pub fn with(&mut self, code: impl Into<String>, comment: impl Into<String>) -> &mut Code {
        self.lines.push((code.into(), Some(comment.into())));
        self
    }

    /// A comment on a line of its own.
    pub fn comment(&mut self, text: impl AsRef<str>) -> &mut Code {
        self.lines.push((format!("# {}", text.as_ref()), None));
        self
    }

    /// Every line of `other`, after these.
    pub fn extend(&mut self, other: Code) -> &mut Code {
        self.lines.extend(other.lines);
        self
    }

    /// These lines indented by four spaces (a `with` block's body).
    pub fn indented(self) -> Code {
        Code {
            lines: self
                .lines
                .into_iter()
                .map(|(c, m)| (format!("    {c}"), m))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines as a script writes them, comments at a common column.
    pub fn render(&self) -> Vec<String> {
        self.render_from(COMMENT_COLUMN)
    }

    /// The lines with the comments at a common column from `min` on.
    fn render_from(&self, min: usize) -> Vec<String> {
        let col = self
            .lines
            .iter()
            .filter(|(c, m)| m.is_some() && width(c) + 2 <= COMMENT_COLUMN + 16)
            .map(|(c, _)| width(c) + 2)
            .max()
            .unwrap_or(0)
            .max(min);
        self.lines
            .iter()
            .map(|(code, comment)| match comment {
                None => code.clone(),
                Some(m) => {
                    let gap = col.saturating_sub(width(code)).max(2);
                    format!("{code}{}# {m}", " ".repeat(gap))
                }
            })
            .collect()
    }

    /// The lines for a panel `columns` wide (the Code tab): a comment beside its line,
    /// at a common column just after the longest such line, when the whole fits; else
    /// on a line of its own above the code, indented like it, so no line wraps into
    /// the next one's comment column.
    pub fn render_narrow(&self, columns: usize) -> Vec<String> {
        let fits =
            |code: &str, col: usize, m: &str| col.max(width(code) + 2) + 2 + width(m) <= columns;
        // The widest code that can still have its comment beside it at its own column.
        let col = self
            .lines
            .iter()
            .filter_map(|(c, m)| m.as_ref().filter(|m| fits(c, 0, m)).map(|_| width(c) + 2))
            .max()
            .unwrap_or(0);
        let mut out = Vec::new();
        for (code, comment) in &self.lines {
            match comment {
                None => out.push(code.clone()),
                Some(m) if fits(code, col, m) => {
                    let gap = col.saturating_sub(width(code)).max(2);
                    out.push(format!("{code}{}# {m}", " ".repeat(gap)));
                }
                Some(m) if fits(code, 0, m) => out.push(format!("{code}  # {m}")),
                Some(m) => {
                    let indent = code.len() - code.trim_start().len();
                    out.push(format!("{}# {m}", &code[..indent]));
                    out.push(code.clone());
                }
            }
        }
        out
    }
}

/// How many columns `s` takes in a monospace font: CJK ideographs and full-width
/// punctuation two, everything else one.
pub(super) fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if ('\u{2E80}'..='\u{A4CF}').contains(&c)
                || ('\u{AC00}'..='\u{D7A3}').contains(&c)
                || ('\u{F900}'..='\u{FAFF}').contains(&c)
                || ('\u{FF00}'..='\u{FF60}').contains(&c)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

/// One field of a JSON object as a Python dict writes it: `"z": z1.tolist()`.
pub type Field = (&'static str, String);

/// The closing print: one JSON object with exactly a fixture's `expected` keys, the
/// script's last output. `layers` and `updated` (None: `null`) are per layer.
pub fn print_json(
    layers: &[Vec<Field>],
    loss: &str,
    updated: &[Option<Vec<Field>>],
    loss_after: &str,
) -> Vec<String> {
    let dict = |fields: &[Field]| {
        let items: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect();
        format!("{{{}}}", items.join(", "))
    };
    let mut out = vec![
        "print(json.dumps({".to_string(),
        "    \"layers\": [".to_string(),
    ];
    out.extend(layers.iter().map(|f| format!("        {},", dict(f))));
    out.push("    ],".into());
    out.push(format!("    \"loss\": {loss},"));
    out.push("    \"updated_layers\": [".into());
    out.extend(updated.iter().map(|u| match u {
        Some(f) => format!("        {},", dict(f)),
        None => "        None,".into(),
    }));
    out.push("    ],".into());
    out.push(format!("    \"loss_after_step\": {loss_after},"));
    out.push("}))".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_exactly() {
        for v in [
            0.1,
            0.39249999999999996,
            1e-7,
            5e-324,
            1e21,
            -0.0,
            2.0,
            1.0 / 3.0,
        ] {
            let text = num(v);
            assert_eq!(
                text.parse::<f64>().unwrap().to_bits(),
                v.to_bits(),
                "{text}"
            );
        }
        assert_eq!(num(2.0), "2.0", "a float literal, so NumPy makes float64");
        assert_eq!(num(f64::NEG_INFINITY), "-float('inf')");
    }

    #[test]
    fn arrays_nest_one_row_a_line() {
        assert_eq!(
            array("x = np.array(", &[0.05, 0.1], &[2], ")"),
            ["x = np.array([0.05, 0.1])"]
        );
        let m = array("W = f(", &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2], ", g)");
        assert_eq!(
            m,
            [
                "W = f([",
                "    [1.0, 2.0],",
                "    [3.0, 4.0],",
                "    [5.0, 6.0],",
                "], g)"
            ]
        );
        let k = array("K = (", &[1.0, 2.0, 3.0, 4.0], &[1, 2, 2], ")");
        assert_eq!(
            k,
            [
                "K = ([",
                "    [",
                "        [1.0, 2.0],",
                "        [3.0, 4.0],",
                "    ],",
                "])"
            ]
        );
        assert_eq!(shape(&[4]), "(4,)");
        assert_eq!(shape(&[1, 4, 4]), "(1, 4, 4)");
    }

    #[test]
    fn comments_line_up() {
        let mut c = Code::new();
        c.with("a = 1", "one")
            .line("b = 2")
            .with("long_name = 3", "three");
        let lines = c.render();
        assert_eq!(lines[0].find('#'), lines[2].find('#'));
        assert_eq!(lines[1], "b = 2");
        assert!(lines[0].starts_with("a = 1 ") && lines[0].ends_with("# one"));
    }
}
