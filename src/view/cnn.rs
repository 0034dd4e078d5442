//! Typed views of a pass through the engine of layers (a CNN), in the names and
//! nesting of `fixtures/cnn`: per layer `output`, `grad_input`, `grad_weights`,
//! `grad_biases`, `argmax`. The fixture check and `state()` read these same structs.

use crate::engine::params::weight_dims;
use crate::engine::shape::Nested;
use crate::engine::{Layer, Net, Pass};
use crate::notation::Style;
use serde::Serialize;

/// A layer's weights (nested as the fixtures nest them) and biases.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CnnParams<'a> {
    pub weights: Nested<'a>,
    pub biases: &'a [f64],
}

/// One layer of a CNN pass; a value not reached yet is null, a field the layer does
/// not have (parameters, winners) is left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CnnLayerView<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The shapes of the layer's input and output blobs (`[c, h, w]` or `[n]`).
    pub input_shape: &'a [usize],
    pub output_shape: &'a [usize],
    /// The parameters in force at the cursor (after the update once it is made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<Nested<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biases: Option<&'a [f64]>,
    /// The layer's output.
    pub output: Option<Nested<'a>>,
    /// ∂L/∂(the layer's input), shaped as its input.
    pub grad_input: Option<Nested<'a>>,
    /// ∂L/∂W (conv and dense).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grad_weights: Option<Option<Nested<'a>>>,
    /// ∂L/∂b (conv and dense).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grad_biases: Option<Option<&'a [f64]>>,
    /// For each output cell of a max pool, the input cell that won (row · W + column).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argmax: Option<Option<Nested<'a, usize>>>,
}

/// What a CNN view may show: every value, or those revealed by layer `k` (forward:
/// `forward(k)`; backward: `backward(k)`) and the update.
pub trait Shows {
    fn forward(&self, k: usize) -> bool;
    fn backward(&self, k: usize) -> bool;
    fn updated(&self) -> bool;
}

/// Every value (a finished pass).
pub struct All;

impl Shows for All {
    fn forward(&self, _: usize) -> bool {
        true
    }
    fn backward(&self, _: usize) -> bool {
        true
    }
    fn updated(&self) -> bool {
        false
    }
}

/// The dims of every blob of a pass: `dims[k]` is layer k's input, `dims[k + 1]` its
/// output (kept by the caller, since the views borrow them).
pub fn dims(p: &Pass) -> Vec<Vec<usize>> {
    p.shapes.iter().map(|s| s.dims()).collect()
}

/// The nesting of every layer's weights.
pub fn weight_nesting(net: &Net) -> Vec<Vec<usize>> {
    net.layers.iter().map(weight_dims).collect()
}

/// Layer `k` of pass `p` as far as `r` shows it; `dims` and `wdims` from [`dims`] and
/// [`weight_nesting`].
pub fn layer<'a>(
    p: &'a Pass,
    k: usize,
    r: &dyn Shows,
    dims: &'a [Vec<usize>],
    wdims: &'a [Vec<usize>],
) -> CnnLayerView<'a> {
    let layer = &p.net.layers[k];
    let params = if r.updated() {
        &p.updated.layers[k]
    } else {
        layer
    };
    let nested = |data: &'a [f64], d: &'a [usize]| Nested { data, dims: d };
    let has = layer.params().is_some();
    let g = &p.grads[k];
    CnnLayerView {
        kind: layer.type_name(),
        input_shape: &dims[k],
        output_shape: &dims[k + 1],
        weights: params.params().map(|(w, _)| nested(w, &wdims[k])),
        biases: params.params().map(|(_, b)| b),
        output: r.forward(k).then(|| nested(&p.outputs[k], &dims[k + 1])),
        grad_input: r.backward(k).then(|| nested(&p.grad_inputs[k], &dims[k])),
        grad_weights: has.then(|| r.backward(k).then(|| nested(&g.weights, &wdims[k]))),
        grad_biases: has.then(|| r.backward(k).then_some(&g.biases[..])),
        argmax: matches!(layer, Layer::MaxPool(_)).then(|| {
            r.forward(k).then(|| Nested {
                data: &p.argmax[k][..],
                dims: &dims[k + 1],
            })
        }),
    }
}

/// A whole CNN pass in the shape of a `cnn_step` fixture's `expected` block.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CnnPassView<'a> {
    pub layers: Vec<CnnLayerView<'a>>,
    pub loss: f64,
    /// After the update; null for a layer without parameters.
    pub updated_layers: Vec<Option<CnnParams<'a>>>,
    pub loss_after_step: f64,
}

impl<'a> CnnPassView<'a> {
    /// Every number of `p` (`dims`, `wdims` as for [`layer`]).
    pub fn of(p: &'a Pass, dims: &'a [Vec<usize>], wdims: &'a [Vec<usize>]) -> Self {
        CnnPassView {
            layers: (0..p.net.depth())
                .map(|k| layer(p, k, &All, dims, wdims))
                .collect(),
            loss: p.loss,
            updated_layers: p
                .updated
                .layers
                .iter()
                .enumerate()
                .map(|(k, l)| {
                    l.params().map(|(w, b)| CnnParams {
                        weights: Nested {
                            data: w,
                            dims: &wdims[k],
                        },
                        biases: b,
                    })
                })
                .collect(),
            loss_after_step: p.loss_after,
        }
    }
}

/// What a trace has revealed at a cursor, layer by layer.
pub struct At<'a>(pub &'a crate::trace::Trace, pub usize);

impl Shows for At<'_> {
    fn forward(&self, k: usize) -> bool {
        self.0.forward_progress(k, self.1) == crate::trace::Progress::Done
    }
    fn backward(&self, k: usize) -> bool {
        self.0.backward_progress(k, self.1) == crate::trace::Progress::Done
    }
    fn updated(&self) -> bool {
        self.0.shows_update(self.1)
    }
}

/// `state()` of a CNN: the fixtures' names per layer (`output`, `grad_input`,
/// `grad_weights`, `grad_biases`, `argmax`), each null until its layer is reached, plus
/// `weights` and `biases` (updated at the update step).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CnnStateView<'a> {
    /// `"cnn"`: the page and hosts tell the two kinds of state apart by it.
    pub kind: &'static str,
    pub cursor: super::CursorView<'a>,
    pub loss: Option<f64>,
    pub loss_after_step: Option<f64>,
    pub input_shape: &'a [usize],
    pub input: Nested<'a>,
    pub target: &'a [f64],
    /// The network's output once its last layer is reached.
    pub output: Option<&'a [f64]>,
    pub learning_rate: f64,
    pub loss_name: &'static str,
    pub granularity: crate::trace::Granularity,
    pub preset: Option<&'a str>,
    pub layers: Vec<CnnLayerView<'a>>,
    pub training: super::TrainingView,
    pub has_dataset: bool,
}

/// The state of CNN session `s` at its cursor. The page's frame (`Fields::Frame`) has
/// the layers' parameters but not their blobs and gradients: the page draws those in
/// the core, and they were most of a frame's JSON (14 KB a step for lenet-tiny).
pub fn state(s: &crate::lab::Session, fields: super::Fields) -> CnnStateView<'_> {
    use crate::vocab::Named;
    let t = s.trace();
    let c = s.stepper().cursor();
    let p = &t.pass;
    let at = At(t, c);
    let n = p.net.layers.len();
    CnnStateView {
        kind: "cnn",
        cursor: super::cursor(t, c),
        loss: t.shows_loss(c).then_some(p.loss),
        loss_after_step: t.shows_update(c).then_some(p.loss_after),
        input_shape: &t.blob_dims[0],
        input: Nested {
            data: &p.input,
            dims: &t.blob_dims[0],
        },
        target: &p.target,
        output: at.forward(n - 1).then(|| p.output()),
        learning_rate: p.rule.learning_rate,
        loss_name: p.net.loss.name(),
        granularity: t.granularity,
        preset: s.saved().preset.as_deref(),
        layers: (0..n)
            .map(|k| layer(p, k, &at, &t.blob_dims, &t.weight_dims))
            .map(|l| match fields {
                super::Fields::Frame => CnnLayerView {
                    output: None,
                    grad_input: None,
                    grad_weights: None,
                    grad_biases: None,
                    argmax: None,
                    ..l
                },
                _ => l,
            })
            .collect(),
        training: super::training(s),
        has_dataset: s.saved().dataset.is_some(),
    }
}

/// Kernel weight `index` (flat, C-order) of conv layer `layer` as K[o][c][u][v],
/// 0-based; `None` when that layer is no conv layer or the index is past its weights.
pub fn kernel_at(net: &Net, layer: usize, index: usize) -> Option<[usize; 4]> {
    let Some(Layer::Conv(conv)) = net.layers.get(layer) else {
        return None;
    };
    let (c, k) = (conv.in_channels, conv.kernel);
    (index < conv.weights.len()).then(|| {
        [
            index / (c * k * k),
            index / (k * k) % c,
            index / k % k,
            index % k,
        ]
    })
}

/// The symbol of engine parameter `p` of a CNN: `K(1)[1,1,2,2]` (a conv kernel
/// weight), `W(6)_21` (a dense weight), `b(1)_1` (a bias); 1-based, as on screen.
pub fn param_symbol(net: &Net, p: crate::engine::Param) -> String {
    use crate::engine::Param;
    let n = crate::notation::Notation::plain(4);
    match p {
        Param::Weight { layer, index } => match &net.layers[layer] {
            Layer::Conv(_) => match kernel_at(net, layer, index) {
                Some([o, c, u, v]) => {
                    format!("K({})[{},{},{},{}]", layer + 1, o + 1, c + 1, u + 1, v + 1)
                }
                None => String::new(),
            },
            Layer::Dense(d) => n.w(layer, index / d.inputs, index % d.inputs),
            _ => String::new(),
        },
        Param::Bias { layer, index } => n.b(layer, index),
    }
}

/// [`param_symbol`] in TeX: `K^{(1)}_{1,1,2,2}`, `W^{(3)}_{12}`.
pub fn param_tex(net: &Net, p: crate::engine::Param) -> String {
    use crate::engine::Param;
    let n = crate::notation::Notation::tex(4);
    match p {
        Param::Weight { layer, index } => match &net.layers[layer] {
            Layer::Conv(_) => match kernel_at(net, layer, index) {
                Some(at) => n.cell("K", layer + 1, &at),
                None => String::new(),
            },
            Layer::Dense(d) => n.w(layer, index / d.inputs, index % d.inputs),
            _ => String::new(),
        },
        Param::Bias { layer, index } => n.b(layer, index),
    }
}

/// Backprop's gradients of every parameter of a CNN beside central finite
/// differences, each named by its symbol.
pub fn gradcheck(p: &Pass) -> super::GradcheckView {
    let r = crate::engine::gradcheck::check(&p.net, &p.input, &p.target);
    super::GradcheckView {
        entries: r
            .entries
            .iter()
            .map(|e| super::GradcheckEntry {
                symbol: param_symbol(&p.net, e.param),
                backprop: e.backprop,
                numeric: e.numeric,
                rel_error: e.rel_error,
            })
            .collect(),
        max_rel_error: r.max_rel_error,
    }
}

/// The 1-based input row (or column) that kernel tap `u` (1-based) reads at output row
/// `var` (1-based) with stride `s` and padding `p`: s·var + u − s − p, written short
/// ("i", "i+1", "2i−3").
fn tap(var: &str, s: usize, u: usize, p: usize) -> String {
    let off = u as i64 - s as i64 - p as i64;
    let lead = if s == 1 {
        var.to_string()
    } else {
        format!("{s}{var}")
    };
    match off {
        0 => lead,
        o if o > 0 => format!("{lead}+{o}"),
        o => format!("{lead}−{}", -o),
    }
}

/// Most terms a kernel weight's chain rule writes out.
const MAX_TERMS: usize = 64;

/// The chain rule of kernel weight K(l)[o,c,u,v] (`index`, flat, of conv layer `k`):
/// ∂L/∂K = Σ_i,j δ(l)[o,i,j] · a(l−1)[c, s·i+u−s−p, s·j+v−s−p] (1-based, as on screen),
/// every term with its value, beside the central difference.
pub fn chain(
    s: &crate::lab::Session,
    k: usize,
    index: usize,
    lang: crate::lang::Lang,
) -> Result<super::ChainView, crate::error::Error> {
    use crate::engine::Param;
    use crate::error::{Error, ErrorKind, Thing};
    let t = s.trace();
    let p = &t.pass;
    let conv = match p.net.layers.get(k) {
        Some(Layer::Conv(c)) if index < c.weights.len() => c,
        Some(Layer::Conv(c)) => {
            return Err(Error::new(ErrorKind::NoSuch {
                thing: Thing::Weight,
                index,
                count: c.weights.len(),
            }))
        }
        Some(_) => return Err(Error::new(ErrorKind::WrongLayer { expected: "conv" })),
        None => {
            return Err(Error::new(ErrorKind::NoSuch {
                thing: Thing::Layer,
                index: k,
                count: p.net.layers.len(),
            }))
        }
    };
    let d = &t.weight_dims[k];
    let at = [
        index / (d[1] * d[2] * d[3]),
        index / (d[2] * d[3]) % d[1],
        index / d[3] % d[2],
        index % d[3],
    ];
    let param = Param::Weight { layer: k, index };
    let sym = param_symbol(&p.net, param);
    let n = crate::notation::Notation::plain(4);
    let (l, lo) = (k + 1, at[0] + 1);
    // δ of this layer's output is the grad_input of the layer above.
    let delta = &p.grad_inputs[k + 1];
    let terms = conv.weight_grad_terms(p.shapes[k], p.layer_input(k), delta, at);
    let value = p.grads[k].weights[index];
    // Each term δ · a of the sum, in plain text and in TeX.
    let path = |n: &crate::notation::Notation| -> Vec<String> {
        let mut out: Vec<String> = terms
            .iter()
            .take(MAX_TERMS)
            .map(|t| {
                let x = match (t.padding, n.style) {
                    (false, _) => n.factor(t.x),
                    (true, Style::Plain) => lang.pick("0 (padding)", "0（填充）").to_string(),
                    (true, Style::Tex) => lang
                        .pick(r"0	ext{ (padding)}", r"0	ext{（填充）}")
                        .to_string(),
                };
                format!(
                    "{}{dot}{} = {}{dot}{x} = {}",
                    // Written out, not with `cell` (whose index check would bring
                    // Unicode tables into the first module).
                    match n.style {
                        Style::Plain => format!("δ({l})[{lo},{},{}]", t.i + 1, t.j + 1),
                        Style::Tex => format!(r"\delta^{{({l})}}_{{{lo},{},{}}}", t.i + 1, t.j + 1),
                    },
                    // Not `cell`: a padding cell's row or column may be negative.
                    match n.style {
                        Style::Plain =>
                            format!("a({k})[{},{},{}]", at[1] + 1, t.row + 1, t.col + 1),
                        Style::Tex =>
                            format!("a^{{({k})}}_{{{},{},{}}}", at[1] + 1, t.row + 1, t.col + 1),
                    },
                    n.factor(t.delta),
                    n.num(t.delta * t.x),
                    dot = n.dot()
                )
            })
            .collect();
        if terms.len() > MAX_TERMS {
            out.push(n.dots().to_string());
        }
        out
    };
    let paths = path(&n);
    let tex = crate::notation::Notation::tex(4);
    let paths_tex = path(&tex);
    // ∂L/∂K = Σ_i,j δ[o,i,j] · a[c, i·s+u−p, j·s+v−p], the indices as the stride and
    // padding make them.
    let (c1, ti, tj) = (
        at[1] + 1,
        tap("i", conv.stride, at[2] + 1, conv.padding),
        tap("j", conv.stride, at[3] + 1, conv.padding),
    );
    let numbers = vec![format!(
        "∂L/∂{sym} = Σ_i,j δ({l})[{lo},i,j] · a({k})[{c1},{ti},{tj}] = {}",
        n.num(value)
    )];
    let numbers_tex = vec![format!(
        r"{} = \sum_{{i,j}} \delta^{{({l})}}_{{{lo},i,j}} \cdot a^{{({k})}}_{{{c1},{ti},{tj}}} = {}",
        tex.d(
            "L",
            &format!(
                "K^{{({})}}_{{{},{},{},{}}}",
                k + 1,
                at[0] + 1,
                at[1] + 1,
                at[2] + 1,
                at[3] + 1
            )
        ),
        tex.num(value)
    )];
    let mut probe = p.net.clone();
    let mut ws = crate::engine::Workspace::default();
    let numeric = crate::gradcheck::central(&mut probe, &mut ws, &p.input, &p.target, param);
    Ok(super::ChainView {
        layer: k,
        to: at[0],
        from: Some(index),
        title: lang.pick(
            format!("Chain rule for ∂L/∂{sym}"),
            format!("∂L/∂{sym} 的链式法则"),
        ),
        note: lang.pick(
            "A kernel weight is used at every position of the window: its gradient is the sum, over the output cells of its channel, of each cell's δ times the input the weight multiplied there (a correlation of the input with δ).".into(),
            "一个卷积核权重在窗口的每个位置都被使用：它的梯度是对该通道所有输出单元求和，每一项是该单元的 δ 乘以这个权重在那里所乘的输入（输入与 δ 的互相关）。".into(),
        ),
        factors: vec![],
        tex: super::ChainTex {
            factors: vec![],
            paths: paths_tex,
            numbers: numbers_tex,
        },
        paths,
        numbers,
        value,
        numeric,
        rel_error: crate::gradcheck::rel(value, numeric),
        revealed: t.backward_progress(k, s.stepper().cursor()) == crate::trace::Progress::Done,
    })
}

#[cfg(test)]
mod tap_tests {
    use super::tap;

    #[test]
    fn taps_read_the_rows_the_window_covers() {
        // Stride 1, no padding: tap 1 reads row i, tap 2 row i + 1.
        assert_eq!(tap("i", 1, 1, 0), "i");
        assert_eq!(tap("i", 1, 2, 0), "i+1");
        // Stride 2, padding 1: output row 1's taps read rows 0 (padding), 1, 2.
        assert_eq!(tap("i", 2, 1, 1), "2i−2");
        assert_eq!(tap("j", 2, 3, 1), "2j");
    }
}
