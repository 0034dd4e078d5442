//! JSON text to a [`Value`], strictly by RFC 8259: numbers correctly rounded
//! (`str::parse::<f64>`, or the browser's `parseFloat` in wasm), every escape, nesting
//! bounded; each error names line and column.

use super::Value;
use crate::error::{Error, ErrorKind, Syntax};

/// Deepest nesting of arrays and objects accepted: deeper input gets a message, not a
/// stack overflow.
pub const MAX_DEPTH: usize = 128;

/// Parses JSON text; the message gives line and column:
/// `not valid JSON at line 3, column 5: expected ',' or '}'`.
pub fn parse(text: &str) -> Result<Value, Error> {
    let mut p = Parser {
        text,
        s: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.value()
        .and_then(|v| {
            p.ws();
            match p.peek() {
                None => Ok(v),
                Some(_) => Err(Syntax::TrailingText),
            }
        })
        .map_err(|what| p.error(what))
}

struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    /// Byte position; on an error, where the problem is.
    i: usize,
    depth: usize,
}

type Parsed<T> = Result<T, Syntax>;

impl Parser<'_> {
    fn error(&self, what: Syntax) -> Error {
        let before = &self.s[..self.i.min(self.s.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1);
        // Characters, not bytes: UTF-8 continuation bytes do not count.
        let column = before[start..]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count()
            + 1;
        Error::new(ErrorKind::Syntax {
            line,
            column,
            at_end: self.i >= self.s.len(),
            what,
        })
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        self.i += hit as usize;
        hit
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Parsed<Value> {
        self.ws();
        match self.peek() {
            Some(b'{') => self.nested(Parser::object),
            Some(b'[') => self.nested(Parser::array),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            _ => {
                for (word, v) in [
                    ("null", Value::Null),
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                ] {
                    if self.s[self.i..].starts_with(word.as_bytes()) {
                        self.i += word.len();
                        return Ok(v);
                    }
                }
                Err(Syntax::ExpectedValue)
            }
        }
    }

    /// An array or object, one level deeper.
    fn nested(&mut self, inner: fn(&mut Self) -> Parsed<Value>) -> Parsed<Value> {
        if self.depth == MAX_DEPTH {
            return Err(Syntax::TooDeep);
        }
        self.depth += 1;
        self.i += 1;
        let v = inner(self);
        self.depth -= 1;
        v
    }

    fn array(&mut self) -> Parsed<Value> {
        let mut items = Vec::new();
        self.ws();
        if !self.eat(b']') {
            loop {
                items.push(self.value()?);
                self.ws();
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return Err(Syntax::ExpectedCommaOrBracket);
                }
                self.ws();
                if self.peek() == Some(b']') {
                    return Err(Syntax::TrailingCommaBracket);
                }
            }
        }
        Ok(Value::Array(items))
    }

    fn object(&mut self) -> Parsed<Value> {
        let mut fields = Vec::new();
        self.ws();
        if !self.eat(b'}') {
            loop {
                match self.peek() {
                    Some(b'"') => {}
                    Some(b'}') => return Err(Syntax::TrailingCommaBrace),
                    _ => return Err(Syntax::ExpectedKey),
                }
                let key = self.string()?;
                self.ws();
                if !self.eat(b':') {
                    return Err(Syntax::ExpectedColon);
                }
                fields.push((key, self.value()?));
                self.ws();
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return Err(Syntax::ExpectedCommaOrBrace);
                }
                self.ws();
            }
        }
        Ok(Value::Object(fields))
    }

    /// A string, from its opening quote.
    fn string(&mut self) -> Parsed<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // Both ends are at ASCII bytes, so on character boundaries.
            out.push_str(&self.text[start..self.i]);
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return Err(Syntax::ControlCharacter),
                None => return Err(Syntax::UnclosedString),
            }
        }
    }

    /// The character of an escape, after its backslash.
    fn escape(&mut self) -> Parsed<char> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.i += 1;
                let hi = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    // A leading surrogate: its trailing half must follow.
                    if !self.s[self.i..].starts_with(b"\\u") {
                        return Err(Syntax::HalfSurrogate);
                    }
                    self.i += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(Syntax::HalfSurrogate);
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else {
                    hi
                };
                return char::from_u32(code).ok_or(Syntax::HalfSurrogate);
            }
            _ => return Err(Syntax::UnknownEscape),
        };
        self.i += 1;
        Ok(c)
    }

    fn hex4(&mut self) -> Parsed<u32> {
        let mut n = 0;
        for _ in 0..4 {
            let d = self
                .peek()
                .and_then(|b| (b as char).to_digit(16))
                .ok_or(Syntax::ExpectedHex)?;
            n = n * 16 + d;
            self.i += 1;
        }
        Ok(n)
    }

    /// Skips digits; false if there was none.
    fn digits(&mut self) -> bool {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i > start
    }

    fn number(&mut self) -> Parsed<f64> {
        let start = self.i;
        self.eat(b'-');
        let int_ok = if self.eat(b'0') {
            !matches!(self.peek(), Some(b'0'..=b'9'))
        } else {
            self.digits()
        };
        let frac_ok = !self.eat(b'.') || self.digits();
        let exp_ok = !matches!(self.peek(), Some(b'e' | b'E')) || {
            self.i += 1;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.digits()
        };
        if !(int_ok && frac_ok && exp_ok) {
            return Err(Syntax::InvalidNumber);
        }
        let x = to_f64(&self.text[start..self.i]);
        if x.is_nan() {
            return Err(Syntax::InvalidNumber);
        }
        if x.is_infinite() {
            self.i = start;
            return Err(Syntax::NumberOutOfRange);
        }
        Ok(x)
    }
}

/// A number's text (already checked against JSON's grammar) as the nearest f64.
#[cfg(not(target_arch = "wasm32"))]
fn to_f64(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// In the browser, its own `parseFloat`: correctly rounded for up to 20 significant
/// digits (ECMA-262 RoundMVResult; this crate writes at most 17), and it spares the wasm
/// Rust's decimal-to-float code and tables (about 15 KB gzip).
#[cfg(target_arch = "wasm32")]
fn to_f64(text: &str) -> f64 {
    js_sys::parse_float(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text).expect_err(text).to_string()
    }

    #[test]
    fn messages_name_line_and_column() {
        assert_eq!(
            err("{\n  \"a\": 1,\n  \"b\" 2\n}"),
            "not valid JSON at line 3, column 7: expected ':' after the key"
        );
        assert_eq!(
            err("{\"a\": 1 \"b\": 2}"),
            "not valid JSON at line 1, column 9: expected ',' or '}'"
        );
        assert_eq!(
            err("[\"é\", x]"),
            "not valid JSON at line 1, column 7: expected a value (object, array, string, number, true, false or null)"
        );
        assert!(err("{\"network\": ").contains("the text ends too early"));
        assert!(err("[1, 2,]").contains("trailing commas"));
        assert!(err("{\"a\": 1,}").contains("trailing commas"));
        assert!(err("[1] [2]").contains("column 5: unexpected text after"));
        assert!(err("[1e999]").contains("column 2: number out of range"));
        assert!(err("\"a\u{1}\"").contains("control character"));
        assert!(err("\"\\ud800\"").contains("surrogate"));
        assert!(err("\"\\udc00\\ud800\"").contains("surrogate"));
        assert!(err("\"\\x\"").contains("unknown escape"));
        assert!(err("\"\\u12\"").contains("4 hex digits"));
        assert!(err("\"abc").contains("not closed"));
        for bad in [
            "01", "-", "1.", ".5", "1e", "1e+", "+1", "NaN", "Infinity", "tru", "",
        ] {
            assert!(err(bad).starts_with("not valid JSON"), "{bad}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(err(&deep).contains("nested more than 128 levels deep"));
        assert!(err(&"[{\"a\":".repeat(100_000)).contains("nested more than 128"));
    }

    #[test]
    fn values_and_escapes() {
        let v = parse(" {\"s\": \"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"n\": [-0, 1.5e-3, 10, true, false, null]} ").unwrap();
        assert_eq!(v["s"], "a\"\\/\u{8}\u{c}\n\r\té😀");
        assert!(v["n"][0].as_f64().unwrap().is_sign_negative());
        assert_eq!(v["n"][1], 0.0015);
        assert_eq!(v["n"][2], 10);
        assert_eq!(
            (v["n"][3].clone(), v["n"][5].is_null()),
            (Value::Bool(true), true)
        );
        assert_eq!(parse("1e-400").unwrap(), 0.0);
        assert_eq!(
            parse("123456789012345678901234567890").unwrap(),
            1.2345678901234568e29
        );
    }
}
