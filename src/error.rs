//! Everything that can be wrong with what a student, a file or a host page gives the
//! lab, as data: a kind with its numbers and the path of the bad value
//! (`network.layers[0].weights[1]`), written out in English or Chinese only when shown.

use crate::lang::Lang;
use crate::number::fmt;
use crate::vocab::Vocab;

/// A refused input: where, and what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// The path of the bad value in the input (`input[1]`, `view.lang`); empty when the
    /// message needs none.
    pub at: String,
    pub kind: ErrorKind,
}

/// What JSON value was found where another was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    Null,
    Bool,
    Number,
    /// A string, with (at most 60 characters of) its text.
    String(String),
    Array,
    Object,
}

/// What was expected instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    Object,
    Array,
    Number,
    String,
    Bool,
    /// A whole number ≥ 0.
    Whole,
}

/// A JSON syntax error, at a line and column of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    TrailingText,
    ExpectedValue,
    TooDeep,
    ExpectedCommaOrBracket,
    TrailingCommaBracket,
    TrailingCommaBrace,
    ExpectedKey,
    ExpectedColon,
    ExpectedCommaOrBrace,
    ControlCharacter,
    UnclosedString,
    HalfSurrogate,
    UnknownEscape,
    ExpectedHex,
    InvalidNumber,
    NumberOutOfRange,
}

/// Which kind of value an index names (for "there is no …" messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thing {
    Weight,
    Bias,
    Input,
    Target,
    Layer,
    Unit,
    Step,
}

/// The kinds of refusal.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorKind {
    /// Not JSON.
    Syntax {
        line: usize,
        column: usize,
        at_end: bool,
        what: Syntax,
    },
    /// Empty text where a file was expected.
    Empty,
    /// JSON that is none of the shapes the lab loads.
    NotLoadable,
    /// A field that must be there is not.
    Missing {
        field: String,
    },
    /// A value of the wrong JSON type.
    WrongType {
        expected: Expected,
        found: Found,
    },
    /// A number that is NaN or infinite.
    NotFinite,
    /// A number beyond ±`max`.
    TooLarge {
        value: f64,
        max: f64,
    },
    /// A number outside `min..=max`.
    OutOfRange {
        value: f64,
        min: f64,
        max: f64,
    },
    /// A name that is not in its vocabulary.
    Unknown {
        vocab: Vocab,
        name: String,
        expected: Vec<&'static str>,
    },
    /// A saved state of another format version.
    Version {
        found: u64,
        supported: u64,
    },
    /// A count (layers, units, inputs) outside `min..=max`.
    Count {
        what: Counted,
        got: usize,
        min: usize,
        max: usize,
    },
    /// A weight matrix with a row per bias expected.
    Rows {
        got: usize,
        expected: usize,
    },
    /// A weight row of the wrong length.
    RowLength {
        row: usize,
        got: usize,
        expected: usize,
    },
    /// The input x does not fit the first layer.
    InputLength {
        got: usize,
        takes: usize,
    },
    /// The target t does not fit the output layer.
    TargetLength {
        got: usize,
        outputs: usize,
    },
    /// Softmax on a hidden layer.
    SoftmaxNotLast,
    /// Softmax on a single unit.
    SoftmaxTooSmall,
    /// Cross-entropy without a softmax output (`last`: the last layer's activation).
    NeedsSoftmax {
        last: &'static str,
    },
    /// A cross-entropy target below 0.
    NegativeProbability {
        value: f64,
    },
    /// Cross-entropy targets that do not sum to 1.
    ProbabilitySum {
        sum: f64,
    },
    /// Softmax and cross-entropy on targets that are not probabilities.
    NeedsClassification,
    /// Pictures for a network that does not take them, or has no output per class.
    ImagesShape {
        dataset: &'static str,
        side: usize,
        classes: usize,
    },
    /// An index past the end of what it indexes.
    NoSuch {
        thing: Thing,
        index: usize,
        count: usize,
    },
    /// A weight, bias, input or target (named by the error's path) that does not exist.
    NoSuchParameter {
        thing: Thing,
    },
    /// A learning rate that is not a positive number up to `max`.
    LearningRate {
        value: f64,
        max: f64,
    },
    /// An architecture edit past the lab's limits.
    TooManyHidden {
        max: usize,
    },
    NoHiddenLayer,
    NotHidden {
        layer: usize,
    },
    HiddenWidth {
        max: usize,
    },
    /// A batch larger than any dataset.
    BatchTooLarge {
        size: usize,
    },
    /// One blocking `train(n)` call that would touch too many examples.
    TooMuchTraining {
        updates: u64,
        per_update: u64,
        max: u64,
    },
    /// Not a whole number of steps / seed / index.
    NotWholeNumber {
        value: f64,
    },
    /// The mini-batch walk-through on a batch of one.
    WalkNeedsBatch,
    /// A dataset whose input width differs from the network's.
    DatasetInputs {
        dataset: &'static str,
        inputs: usize,
        takes: usize,
    },
    /// A dataset with no examples, or with inputs and targets of different counts.
    NoExamples,
    ExampleCount {
        inputs: usize,
        targets: usize,
    },
    /// A fixture's run that is not a whole number of epochs.
    NotWholeEpochs {
        steps: u64,
        examples: usize,
    },
    /// A fixture's expected list of the wrong length.
    ExpectedLength {
        expected: usize,
        got: usize,
    },
    /// A training run in a fixture that diverged.
    Diverged {
        step: u64,
    },
    /// A view that needs other inputs (`inputs`: what it needs).
    ViewNeedsInputs,
    /// A picture size outside what the exporter draws.
    PictureSize,
    /// A homework problem's layer list outside the generator's range.
    ExerciseLayers {
        got: usize,
    },
    ExerciseWidth {
        units: usize,
    },
    /// The browser cannot draw (no 2-D canvas).
    NoCanvas,
    /// Drawing failed inside the backend.
    Drawing(String),
    /// A step that asks nothing (the start step, in quiz mode).
    AsksNothing {
        step: usize,
    },
    /// A layer kind that the operation does not apply to.
    WrongLayer {
        expected: &'static str,
    },
    /// A network or input shape the engine refuses, with the reason.
    Shape(ShapeError),
    /// A list with the wrong number of entries.
    Entries {
        got: usize,
        expected: usize,
        why: Why,
    },
    /// A list that must not be empty.
    EmptyList,
    /// A change that applies to fully connected networks only (W(l)_ij, adding layers).
    NeedsMlp,
    /// A CNN, a dataset or training came to the page's first module, which steps a
    /// written-out fully connected network only: the page loads the full module and
    /// tries again.
    NeedsFullLab,
    /// A view or walk-through for a CNN that this network is not.
    NeedsCnn,
    /// A fixture names one thing where the engine has another (a layer's type).
    NameMismatch {
        expected: String,
        got: String,
    },
    /// A flat blob with the wrong number of values.
    Values {
        got: usize,
        expected: usize,
        why: Why,
    },
}

/// Counted things with limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    Layers,
    Inputs,
    Units,
    Points,
    Channels,
    InputChannels,
    Rows,
    Columns,
}

/// Shape problems of the engine of layers.
#[derive(Clone, Debug, PartialEq)]
pub enum ShapeError {
    /// A window (kernel) that fits no position of its (padded) input.
    WindowTooLarge {
        kernel: usize,
        input: String,
        padding: usize,
    },
    /// Pooling padding above half the kernel (PyTorch's rule).
    PoolPadding { padding: usize, kernel: usize },
    /// A layer that needs a feature map (conv, pooling) given a vector.
    NeedsMap { layer: &'static str, len: usize },
    /// Kernels for one number of input channels on a map with another.
    Channels {
        kernel_channels: usize,
        input: String,
        got: usize,
    },
    /// A dense layer or softmax on a map: it needs a flatten before it.
    NeedsFlatten { layer: &'static str, input: String },
    /// A dense layer whose rows are not as long as its input.
    DenseInputs { rows: usize, expected: usize },
    /// A flat output longer than the engine keeps.
    TooLong { values: usize, max: usize },
    /// A map larger than the engine draws.
    MapTooLarge { shape: String, max: usize },
    /// More work in one forward pass than a page can do in a frame.
    TooMuchWork { work: usize, max: usize },
    /// A network whose output is a map: the target is a vector.
    OutputNotVector { shape: String },
    /// `input_shape` with neither 1 nor 3 numbers.
    InputShapeDims { got: usize },
    /// A field that a layer of this type does not have.
    UnknownField {
        field: String,
        layer: &'static str,
        allowed: &'static [&'static str],
    },
}

/// Where the length a list must have comes from (for "N entries, expected M (…)").
#[derive(Clone, Debug, PartialEq)]
pub enum Why {
    /// The field of that name says so (`out_channels`, `input_shape[1]`).
    Field(String),
    /// The first list of its kind has that many (`weights[0]`).
    SameAs(String),
    /// One per output value.
    OnePerOutput,
    /// One per output channel.
    OnePerChannel,
    /// One per unit.
    OnePerUnit,
    /// A product of sizes, written out (`2 × 1 × 3 × 3`).
    Product(String),
}

impl Why {
    fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (Why::Field(f), Lang::En) => format!("as {f} says"),
            (Why::Field(f), Lang::Zh) => format!("由 {f} 决定"),
            (Why::SameAs(f), Lang::En) => format!("as {f} has"),
            (Why::SameAs(f), Lang::Zh) => format!("与 {f} 相同"),
            (Why::OnePerOutput, Lang::En) => "one per output".into(),
            (Why::OnePerOutput, Lang::Zh) => "每个输出一个".into(),
            (Why::OnePerChannel, Lang::En) => "one per output channel".into(),
            (Why::OnePerChannel, Lang::Zh) => "每个输出通道一个".into(),
            (Why::OnePerUnit, Lang::En) => "one per unit".into(),
            (Why::OnePerUnit, Lang::Zh) => "每个神经元一个".into(),
            (Why::Product(p), _) => p.clone(),
        }
    }
}

impl Error {
    /// `value` within `min..=max` (NaN is not), else the out-of-range error at `at`.
    pub fn in_range(at: &str, value: f64, min: f64, max: f64) -> Result<(), Error> {
        if (min..=max).contains(&value) {
            Ok(())
        } else {
            Err(Error::at(at, ErrorKind::OutOfRange { value, min, max }))
        }
    }

    /// An error with no path.
    pub fn new(kind: ErrorKind) -> Error {
        Error {
            at: String::new(),
            kind,
        }
    }

    /// An error at the path `at`.
    pub fn at(at: impl Into<String>, kind: ErrorKind) -> Error {
        Error {
            at: at.into(),
            kind,
        }
    }

    /// The same error, placed under `prefix` (`input` under `dataset` is `dataset.input`);
    /// a path that is empty becomes `prefix`.
    pub fn under(mut self, prefix: &str) -> Error {
        if prefix.is_empty() {
            return self;
        }
        self.at = if self.at.is_empty() {
            prefix.to_string()
        } else if self.at.starts_with('[') {
            format!("{prefix}{}", self.at)
        } else {
            format!("{prefix}.{}", self.at)
        };
        self
    }

    /// Sets the path when the error has none.
    pub fn or_at(mut self, at: &str) -> Error {
        if self.at.is_empty() {
            self.at = at.to_string();
        }
        self
    }

    /// The whole message in `lang`: `path: what is wrong`.
    pub fn render(&self, lang: Lang) -> String {
        let text = self.kind.render(lang);
        if self.at.is_empty() {
            text
        } else {
            format!("{}{}{text}", self.at, lang.colon())
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for Error {}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

/// A number in a message: up to 6 significant digits.
fn n(x: f64) -> String {
    fmt(x, 6)
}

/// `a, b or c` / `a、b 或 c`.
fn either(names: &[&str], lang: Lang) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => match lang {
            Lang::En => format!("{} or {last}", init.join(", ")),
            Lang::Zh => format!("{} 或 {last}", init.join("、")),
        },
    }
}

impl Found {
    fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (Found::Null, _) => "null".into(),
            (Found::Bool, Lang::En) => "a boolean".into(),
            (Found::Bool, Lang::Zh) => "布尔值".into(),
            (Found::Number, Lang::En) => "a number".into(),
            (Found::Number, Lang::Zh) => "数字".into(),
            (Found::String(s), Lang::En) => format!("the string \"{s}\""),
            (Found::String(s), Lang::Zh) => format!("字符串“{s}”"),
            (Found::Array, Lang::En) => "an array".into(),
            (Found::Array, Lang::Zh) => "数组".into(),
            (Found::Object, Lang::En) => "an object".into(),
            (Found::Object, Lang::Zh) => "对象".into(),
        }
    }
}

impl Expected {
    fn render(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Expected::Object, Lang::En) => "an object",
            (Expected::Object, Lang::Zh) => "对象",
            (Expected::Array, Lang::En) => "an array",
            (Expected::Array, Lang::Zh) => "数组",
            (Expected::Number, Lang::En) => "a number",
            (Expected::Number, Lang::Zh) => "数字",
            (Expected::String, Lang::En) => "a string",
            (Expected::String, Lang::Zh) => "字符串",
            (Expected::Bool, Lang::En) => "true or false",
            (Expected::Bool, Lang::Zh) => "true 或 false",
            (Expected::Whole, Lang::En) => "a whole number ≥ 0",
            (Expected::Whole, Lang::Zh) => "不小于 0 的整数",
        }
    }
}

impl Syntax {
    fn render(self, lang: Lang) -> &'static str {
        use Syntax::*;
        match (self, lang) {
            (TrailingText, Lang::En) => "unexpected text after the JSON value",
            (TrailingText, Lang::Zh) => "JSON 值之后还有多余的文字",
            (ExpectedValue, Lang::En) => {
                "expected a value (object, array, string, number, true, false or null)"
            }
            (ExpectedValue, Lang::Zh) => {
                "这里应当是一个值（对象、数组、字符串、数字、true、false 或 null）"
            }
            (TooDeep, Lang::En) => "nested more than 128 levels deep",
            (TooDeep, Lang::Zh) => "嵌套超过 128 层",
            (ExpectedCommaOrBracket, Lang::En) => "expected ',' or ']'",
            (ExpectedCommaOrBracket, Lang::Zh) => "这里应当是 ',' 或 ']'",
            (TrailingCommaBracket, Lang::En) => "a comma before ']' (trailing commas are not JSON)",
            (TrailingCommaBracket, Lang::Zh) => "']' 之前有逗号（JSON 不允许末尾逗号）",
            (TrailingCommaBrace, Lang::En) => "a comma before '}' (trailing commas are not JSON)",
            (TrailingCommaBrace, Lang::Zh) => "'}' 之前有逗号（JSON 不允许末尾逗号）",
            (ExpectedKey, Lang::En) => "expected a key in double quotes",
            (ExpectedKey, Lang::Zh) => "这里应当是用双引号括起的键名",
            (ExpectedColon, Lang::En) => "expected ':' after the key",
            (ExpectedColon, Lang::Zh) => "键名之后应当是 ':'",
            (ExpectedCommaOrBrace, Lang::En) => "expected ',' or '}'",
            (ExpectedCommaOrBrace, Lang::Zh) => "这里应当是 ',' 或 '}'",
            (ControlCharacter, Lang::En) => {
                "a control character in a string (write it as \\n, \\t or \\u00XX)"
            }
            (ControlCharacter, Lang::Zh) => "字符串中有控制字符（请写作 \\n、\\t 或 \\u00XX）",
            (UnclosedString, Lang::En) => "a string is not closed",
            (UnclosedString, Lang::Zh) => "字符串没有结束引号",
            (HalfSurrogate, Lang::En) => "a \\u escape of half a surrogate pair",
            (HalfSurrogate, Lang::Zh) => "\\u 转义只有代理对的一半",
            (UnknownEscape, Lang::En) => {
                "unknown escape (expected \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)"
            }
            (UnknownEscape, Lang::Zh) => {
                "未知的转义（应当是 \\\" \\\\ \\/ \\b \\f \\n \\r \\t 或 \\uXXXX）"
            }
            (ExpectedHex, Lang::En) => "expected 4 hex digits after \\u",
            (ExpectedHex, Lang::Zh) => "\\u 之后应当是 4 位十六进制数字",
            (InvalidNumber, Lang::En) => "invalid number",
            (InvalidNumber, Lang::Zh) => "数字格式不正确",
            (NumberOutOfRange, Lang::En) => "number out of range",
            (NumberOutOfRange, Lang::Zh) => "数字超出范围",
        }
    }
}

impl Thing {
    fn render(self, lang: Lang) -> &'static str {
        use Thing::*;
        match (self, lang) {
            (Weight, Lang::En) => "weight",
            (Weight, Lang::Zh) => "权重",
            (Bias, Lang::En) => "bias",
            (Bias, Lang::Zh) => "偏置",
            (Input, Lang::En) => "input",
            (Input, Lang::Zh) => "输入",
            (Target, Lang::En) => "target",
            (Target, Lang::Zh) => "目标",
            (Layer, Lang::En) => "layer",
            (Layer, Lang::Zh) => "层",
            (Unit, Lang::En) => "unit",
            (Unit, Lang::Zh) => "神经元",
            (Step, Lang::En) => "step",
            (Step, Lang::Zh) => "步骤",
        }
    }
}

impl Counted {
    fn render(self, lang: Lang) -> &'static str {
        use Counted::*;
        match (self, lang) {
            (Layers, Lang::En) => "layers",
            (Layers, Lang::Zh) => "层",
            (Inputs, Lang::En) => "inputs",
            (Inputs, Lang::Zh) => "个输入",
            (Units, Lang::En) => "units",
            (Units, Lang::Zh) => "个神经元",
            (Points, Lang::En) => "points",
            (Points, Lang::Zh) => "个数据点",
            (Channels, Lang::En) => "channels",
            (Channels, Lang::Zh) => "个通道",
            (InputChannels, Lang::En) => "input channels",
            (InputChannels, Lang::Zh) => "个输入通道",
            (Rows, Lang::En) => "rows",
            (Rows, Lang::Zh) => "行",
            (Columns, Lang::En) => "columns",
            (Columns, Lang::Zh) => "列",
        }
    }
}

/// "1 value" / "2 values".
fn values(k: usize) -> String {
    if k == 1 {
        "1 value".into()
    } else {
        format!("{k} values")
    }
}

impl ShapeError {
    fn render(&self, lang: Lang) -> String {
        use ShapeError::*;
        let en = lang == Lang::En;
        match self {
            WindowTooLarge { kernel, input, padding } => lang.pick(
                format!("a {kernel}×{kernel} window does not fit the {input} input with padding {padding} (no output cell)"),
                format!("{kernel}×{kernel} 的窗口放不进填充为 {padding} 的 {input} 输入（没有输出单元）"),
            ),
            PoolPadding { padding, kernel } => lang.pick(
                format!("{padding} is more than half the kernel {kernel} (expected at most {}, as PyTorch requires)", kernel / 2),
                format!("{padding} 超过核大小 {kernel} 的一半（按 PyTorch 的要求最多为 {}）", kernel / 2),
            ),
            NeedsMap { layer, len } => lang.pick(
                format!("{layer} needs a C×H×W input, but its input is a vector of {len}"),
                format!("{layer} 需要 C×H×W 输入，但它的输入是长度为 {len} 的向量"),
            ),
            Channels { kernel_channels, input, got } => lang.pick(
                format!("kernels for {kernel_channels} input channels, but the layer's input {input} has {got}"),
                format!("卷积核对应 {kernel_channels} 个输入通道，但这一层的输入 {input} 有 {got} 个"),
            ),
            NeedsFlatten { layer, input } => lang.pick(
                format!("{layer} needs a vector input, but its input is a {input} map (put a flatten before it)"),
                format!("{layer} 需要向量输入，但它的输入是 {input} 的特征图（请在它之前加 flatten）"),
            ),
            DenseInputs { rows, expected } => lang.pick(
                format!("rows of {rows} weights, expected {expected} (one per input value)"),
                format!("每行 {rows} 个权重，应为 {expected} 个（每个输入值一个）"),
            ),
            TooLong { values, max } => lang.pick(
                format!("its output has {values} values, at most {max} (pool or stride more before flattening)"),
                format!("它的输出有 {values} 个值，最多 {max} 个（展平前请多做池化或加大步长）"),
            ),
            MapTooLarge { shape, max } => lang.pick(
                format!("its output would be {shape}, at most {max}×{max} a channel"),
                format!("它的输出将是 {shape}，每个通道最多 {max}×{max}"),
            ),
            TooMuchWork { work, max } => lang.pick(
                format!("one forward pass takes {work} multiply-adds, at most {max} (use fewer or smaller layers)"),
                format!("一次前向传播需要 {work} 次乘加，最多 {max} 次（请减少层数或缩小层）"),
            ),
            OutputNotVector { shape } => lang.pick(
                format!("the output is a {shape} map; end with flatten (and dense) so it is a vector the target can match"),
                format!("输出是 {shape} 的特征图；请以 flatten（和全连接层）结尾，使输出成为能与目标对应的向量"),
            ),
            InputShapeDims { got } => lang.pick(
                format!("{got} numbers, expected [C, H, W] for an image or [n] for a vector"),
                format!("{got} 个数，图像应为 [C, H, W]，向量应为 [n]"),
            ),
            UnknownField { field, layer, allowed } => {
                if en {
                    let has = if allowed.is_empty() { "no fields but type".to_string() } else { allowed.join(", ") };
                    format!("unknown field \"{field}\" (a {layer} layer has {has})")
                } else {
                    let has = if allowed.is_empty() { "除 type 外没有字段".to_string() } else { allowed.join("、") };
                    format!("未知的字段“{field}”（{layer} 层的字段：{has}）")
                }
            }
        }
    }
}

impl ErrorKind {
    /// What is wrong, in `lang` (without the path).
    pub fn render(&self, lang: Lang) -> String {
        use ErrorKind::*;
        let en = lang == Lang::En;
        match self {
            Syntax {
                line,
                column,
                at_end,
                what,
            } => {
                let w = what.render(lang);
                if en {
                    let end = if *at_end { "the text ends too early; " } else { "" };
                    format!("not valid JSON at line {line}, column {column}: {end}{w}")
                } else {
                    let end = if *at_end { "文本提前结束；" } else { "" };
                    format!("不是有效的 JSON（第 {line} 行第 {column} 列）：{end}{w}")
                }
            }
            Empty => lang.pick("the file is empty", "文件是空的").into(),
            NotLoadable => lang
                .pick(
                    "missing field \"network\" (expected a fixture {network, input, target, learning_rate}, a saved state, or {preset: name})",
                    "缺少字段“network”（应当是样例文件 {network, input, target, learning_rate}、保存的状态，或 {preset: 名称}）",
                )
                .into(),
            Missing { field } => lang
                .pick(
                    format!("missing field \"{field}\""),
                    format!("缺少字段“{field}”"),
                ),
            WrongType { expected, found } => lang.pick(
                format!("expected {}, found {}", expected.render(lang), found.render(lang)),
                format!("这里应当是{}，却是{}", expected.render(lang), found.render(lang)),
            ),
            NotFinite => lang.pick("not a finite number", "不是有限的数").into(),
            TooLarge { value, max } => lang.pick(
                format!("{value:e} is out of range (at most ±{max:e})"),
                format!("{value:e} 超出范围（绝对值最多 {max:e}）"),
            ),
            OutOfRange { value, min, max } => lang.pick(
                format!("{} is out of range ({} to {})", n(*value), n(*min), n(*max)),
                format!("{} 超出范围（{} 到 {}）", n(*value), n(*min), n(*max)),
            ),
            Unknown {
                vocab,
                name,
                expected,
            } => lang.pick(
                format!(
                    "unknown {} \"{name}\" (expected {})",
                    vocab.word(lang),
                    if expected.len() > 3 {
                        format!("one of: {}", expected.join(", "))
                    } else {
                        either(expected, lang)
                    }
                ),
                format!(
                    "未知的{}“{name}”（可用：{}）",
                    vocab.word(lang),
                    expected.join("、")
                ),
            ),
            Version { found, supported } => lang.pick(
                format!("format version {found} is not supported (this app reads version {supported})"),
                format!("不支持第 {found} 版格式（本应用读取第 {supported} 版）"),
            ),
            Count {
                what,
                got,
                min,
                max,
            } => lang.pick(
                format!("{got} {}, expected {min} to {max}", what.render(lang)),
                format!("{got} {}，应为 {min} 到 {max}", what.render(lang)),
            ),
            Rows { got, expected } => lang.pick(
                format!("{got} rows, expected {expected} (one per bias)"),
                format!("{got} 行，应为 {expected} 行（每个偏置一行）"),
            ),
            RowLength { row, got, expected } => lang.pick(
                format!("row {row} has {got} entries, expected {expected}"),
                format!("第 {row} 行有 {got} 个数，应为 {expected} 个"),
            ),
            InputLength { got, takes } => lang.pick(
                format!("input has {}; layer 1 takes {takes}", values(*got)),
                format!("输入有 {got} 个值；第 1 层需要 {takes} 个"),
            ),
            TargetLength { got, outputs } => lang.pick(
                format!("target has {}; the output layer has {outputs} units", values(*got)),
                format!("目标有 {got} 个值；输出层有 {outputs} 个神经元"),
            ),
            SoftmaxNotLast => lang
                .pick(
                    "softmax is only allowed on the last layer",
                    "softmax 只能用在最后一层",
                )
                .into(),
            SoftmaxTooSmall => lang
                .pick("softmax needs at least 2 units", "softmax 至少需要 2 个神经元")
                .into(),
            NeedsSoftmax { last } => lang.pick(
                format!("cross_entropy needs a softmax output layer (the last layer is {last})"),
                format!("cross_entropy 需要 softmax 输出层（最后一层是 {last}）"),
            ),
            NegativeProbability { value } => lang.pick(
                format!("cross_entropy needs probabilities (≥ 0), got {}", n(*value)),
                format!("cross_entropy 需要概率（≥ 0），这里是 {}", n(*value)),
            ),
            ProbabilitySum { sum } => lang.pick(
                format!("cross_entropy needs probabilities that sum to 1, these sum to {}", n(*sum)),
                format!("cross_entropy 需要和为 1 的概率，这些数的和是 {}", n(*sum)),
            ),
            ImagesShape {
                dataset,
                side,
                classes,
            } => lang.pick(
                format!("{dataset} needs a network that takes one {side}×{side} picture (input shape [1, {side}, {side}]) and has {classes} outputs, one per class"),
                format!("{dataset} 需要一个输入为一幅 {side}×{side} 图像（输入形状 [1, {side}, {side}]）、有 {classes} 个输出（每类一个）的网络"),
            ),
            NeedsClassification => lang
                .pick(
                    "softmax with cross-entropy needs a classification dataset (this one's targets are not probabilities)",
                    "softmax 加交叉熵需要分类数据集（这个数据集的目标不是概率）",
                )
                .into(),
            NoSuch {
                thing,
                index,
                count,
            } => {
                let what = thing.render(lang);
                if *count == 0 {
                    lang.pick(
                        format!("there is no {what} {index}"),
                        format!("没有第 {index} 个{what}"),
                    )
                } else {
                    lang.pick(
                        format!("there is no {what} {index} (0 to {} here, 0-based)", count - 1),
                        format!("没有第 {index} 个{what}（这里是 0 到 {}，从 0 开始计数）", count - 1),
                    )
                }
            }
            NoSuchParameter { thing } => lang.pick(
                format!("no such {}", thing.render(lang)),
                format!("没有这个{}", thing.render(lang)),
            ),
            LearningRate { value, max } => lang.pick(
                format!("{} is not a usable learning rate (expected a number above 0 and at most {max:e})", n(*value)),
                format!("{} 不是可用的学习率（应大于 0 且不超过 {max:e}）", n(*value)),
            ),
            TooManyHidden { max } => lang.pick(
                format!("at most {max} hidden layers"),
                format!("最多 {max} 个隐藏层"),
            ),
            NoHiddenLayer => lang
                .pick(
                    "the network has no hidden layer to remove",
                    "网络没有可以删除的隐藏层",
                )
                .into(),
            NotHidden { layer } => lang.pick(
                format!("layer {layer} is not a hidden layer"),
                format!("第 {layer} 层不是隐藏层"),
            ),
            HiddenWidth { max } => lang.pick(
                format!("a hidden layer has 1 to {max} units"),
                format!("隐藏层有 1 到 {max} 个神经元"),
            ),
            BatchTooLarge { size } => lang.pick(
                format!("batch size {size} is larger than any dataset"),
                format!("批大小 {size} 比任何数据集都大"),
            ),
            TooMuchTraining {
                updates,
                per_update,
                max,
            } => lang.pick(
                format!("{updates} updates of {per_update} examples at once is too many (at most {max} examples; train in smaller calls)"),
                format!("一次 {updates} 次更新、每次 {per_update} 个样本太多了（最多 {max} 个样本；请分几次训练）"),
            ),
            NotWholeNumber { value } => lang.pick(
                format!("{} is not a whole number ≥ 0", n(*value)),
                format!("{} 不是不小于 0 的整数", n(*value)),
            ),
            WalkNeedsBatch => lang
                .pick(
                    "the walk-through needs a batch of at least 2 examples",
                    "逐步演示需要至少 2 个样本的批",
                )
                .into(),
            DatasetInputs {
                dataset,
                inputs,
                takes,
            } => lang.pick(
                format!("{dataset} has {inputs} input(s) but the network takes {takes}"),
                format!("{dataset} 有 {inputs} 个输入，但网络需要 {takes} 个"),
            ),
            NoExamples => lang.pick("no examples", "没有样本").into(),
            ExampleCount { inputs, targets } => lang.pick(
                format!("{inputs} inputs but {targets} targets"),
                format!("{inputs} 个输入却有 {targets} 个目标"),
            ),
            NotWholeEpochs { steps, examples } => lang.pick(
                format!("{steps} is not a whole number of epochs of {examples} examples"),
                format!("{steps} 不是 {examples} 个样本的整数个轮次"),
            ),
            ExpectedLength { expected, got } => lang.pick(
                format!("{expected} entries expected, the engine has {got}"),
                format!("应有 {expected} 项，引擎给出 {got} 项"),
            ),
            Diverged { step } => lang.pick(
                format!("training diverged at step {step}"),
                format!("训练在第 {step} 步发散"),
            ),
            ViewNeedsInputs => lang
                .pick(
                    "this view needs a network with 1 or 2 inputs",
                    "这个视图需要有 1 个或 2 个输入的网络",
                )
                .into(),
            PictureSize => lang
                .pick(
                    "picture size out of range (200 to 8000 by 100 to 8000 pixels)",
                    "图片尺寸超出范围（宽 200 到 8000、高 100 到 8000 像素）",
                )
                .into(),
            ExerciseLayers { got } => lang.pick(
                format!("{got} sizes given, expected 2 to 5 (input first)"),
                format!("给出 {got} 个层大小，应为 2 到 5 个（输入在前）"),
            ),
            ExerciseWidth { units } => lang.pick(
                format!("a layer of {units} units is too big for homework (1 to 6)"),
                format!("{units} 个神经元的层对作业来说太大了（1 到 6 个）"),
            ),
            NoCanvas => lang
                .pick("this browser has no 2-D canvas", "这个浏览器没有 2-D 画布")
                .into(),
            Drawing(detail) => lang.pick(
                format!("drawing failed: {detail}"),
                format!("绘制失败：{detail}"),
            ),
            AsksNothing { step } => lang.pick(
                format!("step {step} asks nothing"),
                format!("第 {step} 步没有问题"),
            ),
            WrongLayer { expected } => lang.pick(
                format!("this needs a {expected} layer"),
                format!("这需要 {expected} 层"),
            ),
            Shape(s) => s.render(lang),
            Entries { got, expected, why } => lang.pick(
                format!("{got} entries, expected {expected} ({})", why.render(lang)),
                format!("{got} 项，应为 {expected} 项（{}）", why.render(lang)),
            ),
            NameMismatch { expected, got } => lang.pick(
                format!("\"{expected}\" expected, the engine has \"{got}\""),
                format!("应为“{expected}”，引擎给出的是“{got}”"),
            ),
            NeedsMlp => lang
                .pick(
                    "this applies to a fully connected network (this one has convolution or pooling layers)",
                    "这只适用于全连接网络（这个网络有卷积层或池化层）",
                )
                .into(),
            NeedsFullLab => lang
                .pick(
                    "this needs the rest of the lab (convolutional networks, datasets, training, exports): it is loading",
                    "这需要实验室的其余部分（卷积网络、数据集、训练、导出）：正在加载",
                )
                .into(),
            NeedsCnn => lang
                .pick(
                    "this applies to a network with convolution or pooling layers",
                    "这只适用于有卷积层或池化层的网络",
                )
                .into(),
            EmptyList => lang
                .pick("empty, expected at least 1 entry", "是空的，至少需要 1 项")
                .into(),
            Values { got, expected, why } => lang.pick(
                format!("{got} values, expected {expected} ({})", why.render(lang)),
                format!("{got} 个值，应为 {expected} 个（{}）", why.render(lang)),
            ),
        }
    }
}

/// A result whose error is an [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_in_both_languages_with_the_path() {
        let e = Error::at("input", ErrorKind::InputLength { got: 1, takes: 2 });
        assert_eq!(
            e.render(Lang::En),
            "input: input has 1 value; layer 1 takes 2"
        );
        assert_eq!(e.render(Lang::Zh), "input：输入有 1 个值；第 1 层需要 2 个");
        let e = Error::at(
            "network.layers[0].weights",
            ErrorKind::RowLength {
                row: 0,
                got: 1,
                expected: 2,
            },
        );
        assert!(!e.render(Lang::Zh).contains("entries"));
        assert_eq!(e.under("x").at, "x.network.layers[0].weights");
    }
}
