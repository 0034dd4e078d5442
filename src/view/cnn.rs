//! Typed views of a pass through the engine of layers (a CNN), in the names and
//! nesting of `fixtures/cnn`: per layer `output`, `grad_input`, `grad_weights`,
//! `grad_biases`, `argmax`. The fixture check and `state()` read these same structs.

use crate::engine::params::weight_dims;
use crate::engine::shape::Nested;
use crate::engine::{Layer, Net, Pass};
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
