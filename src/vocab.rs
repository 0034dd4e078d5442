//! The app's vocabularies (activations, losses, datasets, panels, …): each is one Rust
//! enum listing its names once. Parsing, messages, the command line and the page's
//! option lists all read them from here.

use crate::error::{Error, ErrorKind};
use crate::lang::Lang;
use serde::Serialize;

/// Which vocabulary a name belongs to (for messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Vocab {
    Activation,
    Loss,
    Dataset,
    Init,
    Granularity,
    Format,
    Language,
    Panel,
    Mode,
    Phase,
    Preset,
    View,
    Feature,
    LayerType,
    Method,
    Controls,
    Selection,
    FileKind,
}

impl Vocab {
    /// What a name of this vocabulary is called, in `lang`.
    pub fn word(self, lang: Lang) -> &'static str {
        use Vocab::*;
        match (self, lang) {
            (Activation, Lang::En) => "activation",
            (Activation, Lang::Zh) => "激活函数",
            (Loss, Lang::En) => "loss",
            (Loss, Lang::Zh) => "损失函数",
            (Dataset, Lang::En) => "dataset",
            (Dataset, Lang::Zh) => "数据集",
            (Init, Lang::En) => "initialisation",
            (Init, Lang::Zh) => "初始化方式",
            (Granularity, Lang::En) => "granularity",
            (Granularity, Lang::Zh) => "步进粒度",
            (Format, Lang::En) => "format",
            (Format, Lang::Zh) => "格式",
            (Language, Lang::En) => "language",
            (Language, Lang::Zh) => "语言",
            (Panel, Lang::En) => "panel",
            (Panel, Lang::Zh) => "面板",
            (Mode, Lang::En) => "mode",
            (Mode, Lang::Zh) => "模式",
            (Phase, Lang::En) => "phase",
            (Phase, Lang::Zh) => "阶段",
            (Preset, Lang::En) => "preset",
            (Preset, Lang::Zh) => "示例",
            (View, Lang::En) => "view",
            (View, Lang::Zh) => "视图",
            (Feature, Lang::En) => "input feature",
            (Feature, Lang::Zh) => "输入特征",
            (LayerType, Lang::En) => "layer type",
            (LayerType, Lang::Zh) => "层类型",
            (Method, Lang::En) => "method",
            (Method, Lang::Zh) => "方法",
            (Controls, Lang::En) => "controls",
            (Controls, Lang::Zh) => "控件",
            (Selection, Lang::En) => "selection",
            (Selection, Lang::Zh) => "选择",
            (FileKind, Lang::En) => "file kind",
            (FileKind, Lang::Zh) => "文件类型",
        }
    }
}

/// A closed set of names: an enum whose every value has one name.
pub trait Named: Copy + PartialEq + 'static {
    /// Every value, in the order menus list them.
    const ALL: &'static [Self];
    /// Which vocabulary this is.
    const VOCAB: Vocab;
    /// The name used in files, links and on the command line.
    fn name(self) -> &'static str;

    /// Every name, in order.
    fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|v| v.name()).collect()
    }

    /// Reads a name; the error lists the valid ones.
    fn parse(s: &str) -> Result<Self, Error> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.name() == s)
            .ok_or_else(|| unknown(Self::VOCAB, s, Self::names()))
    }
}

/// The error for a name that is not one of `expected`.
pub fn unknown(vocab: Vocab, name: &str, expected: Vec<&'static str>) -> Error {
    Error::new(ErrorKind::Unknown {
        vocab,
        name: crate::json::clip(name),
        expected,
    })
}

/// Implements [`Named`] for an enum from `Variant => "name"` pairs, listed once.
macro_rules! named {
    ($ty:ty, $vocab:ident, [$($variant:ident => $name:literal),+ $(,)?]) => {
        impl $crate::vocab::Named for $ty {
            const ALL: &'static [Self] = &[$(<$ty>::$variant),+];
            const VOCAB: $crate::vocab::Vocab = $crate::vocab::Vocab::$vocab;
            fn name(self) -> &'static str {
                match self {
                    $(<$ty>::$variant => $name),+
                }
            }
        }
    };
}
pub(crate) use named;

/// A panel of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Panel {
    Network,
    Graph,
    Curves,
    Step,
    Timeline,
    Values,
    Gradcheck,
    Training,
    Chain,
    /// Forward-mode differentiation beside backprop, and the work each takes.
    Forward,
    Edit,
    Io,
    /// A CNN's layer stack, Caffe style.
    Layers,
    /// A CNN's feature maps and kernels as grids.
    Maps,
}

named!(Panel, Panel, [
    Network => "network", Graph => "graph", Curves => "curves", Step => "step",
    Timeline => "timeline", Values => "values", Gradcheck => "gradcheck",
    Training => "training", Chain => "chain", Forward => "forward", Edit => "edit", Io => "io",
    Layers => "layers", Maps => "maps",
]);

impl Panel {
    /// What presenter mode shows of the panels asked for.
    pub const PRESENTER: [Panel; 8] = [
        Panel::Network,
        Panel::Step,
        Panel::Graph,
        Panel::Timeline,
        Panel::Curves,
        Panel::Forward,
        Panel::Layers,
        Panel::Maps,
    ];

    /// The kind of network a panel is for: `"mlp"` (the network view, the graph, the
    /// values table), `"cnn"` (the layer stack, the maps) or `"any"`.
    pub fn kind(self) -> &'static str {
        match self {
            Panel::Network | Panel::Graph | Panel::Values => "mlp",
            Panel::Layers | Panel::Maps => "cnn",
            // Forward mode covers fully connected networks, and says so on a CNN.
            Panel::Forward => "any",
            _ => "any",
        }
    }
}

/// How the page is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Normal,
    Presenter,
    Quiz,
}

named!(Mode, Mode, [Normal => "normal", Presenter => "presenter", Quiz => "quiz"]);

/// Which step controls an embedded page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Controls {
    Full,
    Steps,
    None,
}

named!(Controls, Controls, [Full => "full", Steps => "steps", None => "none"]);

impl Named for Lang {
    const ALL: &'static [Self] = &Lang::ALL;
    const VOCAB: Vocab = Vocab::Language;
    fn name(self) -> &'static str {
        self.code()
    }
    fn parse(s: &str) -> Result<Self, Error> {
        Lang::from_code(s).ok_or_else(|| unknown(Vocab::Language, s, Lang::codes()))
    }
}
