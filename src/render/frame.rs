//! What each of the page's views shows at the cursor, decided here and drawn as a
//! [`Picture`]: recorded drawing operations, plus RGBA patches (the heatmaps) and a
//! scatter of data points that the canvas puts on in a few calls. The browser replays
//! a picture on a `<canvas>`; the command line and the SVG export write it as SVG.

use super::heatmap::{self, Domain};
use super::layout::{self, Hit};
use super::maps::Focus;
#[cfg(feature = "full")]
use super::maps::{self, MapHit};
use super::recorder::{self, Font, Op};
use super::{curves, data_plot, gradient_flow, graph, loss_curve, network, Theme};
#[cfg(feature = "full")]
use super::{im2col, layers};
use crate::activation::Activation;
use crate::error::{Error, ErrorKind};
use crate::lab::Session;
use crate::lang::Lang;
use crate::vocab::{named, Named, Vocab};
use serde::Serialize;

/// A view the page draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// The network: units, edges, values revealed so far.
    Network,
    /// The activation curves f and f′ of a layer, its z values marked.
    Curves,
    /// The computation graph.
    Graph,
    /// What the network learned: the decision boundary or the fitted curve.
    Data,
    /// The loss curve of the training run.
    Loss,
    /// The gradient size per layer.
    Gradients,
    /// A CNN's layer stack, Caffe style: type, bottom → top shapes, parameters.
    Layers,
    /// A CNN's feature maps and kernels as grids: the window, the switches, the turned
    /// kernel and the padded δ of the current step.
    Maps,
    /// The current conv layer as matrix products (im2col).
    Im2col,
}

named!(View, View, [
    Network => "network", Curves => "curves", Graph => "graph", Data => "data",
    Loss => "loss", Gradients => "gradients", Layers => "layers", Maps => "maps",
    Im2col => "im2col",
]);

impl View {
    /// The kind of network the view is for: `"mlp"`, `"cnn"` or `"any"` (as
    /// [`crate::vocab::Panel::kind`]).
    pub fn kind(self) -> &'static str {
        match self {
            View::Network | View::Graph | View::Data => "mlp",
            View::Layers | View::Maps | View::Im2col => "cnn",
            View::Curves | View::Loss | View::Gradients => "any",
        }
    }

    /// The views that can be exported as SVG (drawn entirely by the recorder).
    pub fn has_svg(self) -> bool {
        !matches!(self, View::Data)
    }
}

/// How the page wants its views drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Device pixels per CSS pixel.
    pub dpr: f64,
    /// The projector's dark theme.
    pub dark: bool,
    /// Type and line size multiplier (presenter mode).
    pub zoom: f64,
    pub lang: Lang,
    /// The clicked unit or edge.
    pub selected: Option<Hit>,
    /// What each unit computes, drawn inside it (2-D inputs with a dataset, while
    /// training or on the start step).
    pub unit_maps: bool,
    /// Training is running: coarser heatmaps, every gradient size shown.
    pub training: bool,
    /// The loss curve on a log scale.
    pub log: bool,
    /// The layer whose activation the curves show (default: the current step's).
    pub curves_layer: Option<usize>,
    /// What the maps view has selected (a kernel weight, a cell shown both ways).
    pub maps_focus: Focus,
    /// The least CSS height of the maps view's picture: the page passes the tallest it
    /// has been on this network at this width, and shows the canvas cut to the height of
    /// the step's picture. So stepping does not give the canvas a new buffer each time
    /// its height changes (allocating and clearing it was most of a step's drawing).
    pub maps_floor: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dpr: 1.0,
            dark: false,
            zoom: 1.0,
            lang: Lang::En,
            selected: None,
            unit_maps: false,
            training: false,
            log: false,
            curves_layer: None,
            maps_focus: Focus::default(),
            maps_floor: 0.0,
        }
    }
}

impl Options {
    /// The theme at this density and zoom.
    pub fn theme(&self) -> Theme {
        let t = if self.dark {
            Theme::dark()
        } else {
            Theme::light()
        };
        t.scaled(self.dpr * self.zoom)
    }

    /// Device pixels of a CSS size.
    pub fn device(&self, css: (f64, f64)) -> (u32, u32) {
        let px = |v: f64| (v * self.dpr).round().clamp(1.0, 16384.0) as u32;
        (px(css.0), px(css.1))
    }

    /// Checks the numbers a page sends (a zero or NaN size would draw nothing useful).
    pub fn check(&self) -> Result<(), Error> {
        for (at, v) in [("dpr", self.dpr), ("zoom", self.zoom)] {
            if !(v.is_finite() && v > 0.0 && v <= 16.0) {
                return Err(Error::at(
                    at,
                    ErrorKind::OutOfRange {
                        value: v,
                        min: 0.0,
                        max: 16.0,
                    },
                ));
            }
        }
        Ok(())
    }
}

/// RGBA pixels to put at (x, y) in device pixels: under the drawing (a heatmap behind
/// its points) or on top of it (a unit's map inside its circle).
#[derive(Clone, Debug, PartialEq)]
pub struct Patch {
    pub x: f64,
    pub y: f64,
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
    pub on_top: bool,
}

/// Data points in device pixels, in four groups (train/test × class), to be drawn as
/// filled (train) or ringed (test) dots.
#[derive(Clone, Debug, PartialEq)]
pub struct Scatter {
    /// (x, y, class, test) of each point.
    pub points: Vec<(f64, f64, bool, bool)>,
    pub radius: f64,
}

/// One view, ready to put on a canvas of `size` device pixels: the patches under the
/// drawing, the recorded `ops`, the patches on top, then `scatter`.
#[derive(Clone)]
pub struct Picture {
    pub size: (u32, u32),
    pub patches: Vec<Patch>,
    pub ops: Vec<Op>,
    pub scatter: Option<Scatter>,
    pub theme: Theme,
}

/// Draws on a recording of a picture.
type Draw<'a> = dyn Fn(
        &plotters::prelude::DrawingArea<recorder::Recorder<'_>, plotters::coord::Shift>,
    ) -> Result<(), String>
    + 'a;

/// Records a picture drawn by a [`Draw`].
type Record<'a> = dyn Fn(&Draw<'_>) -> Result<Vec<Op>, Error> + 'a;

/// How the text of a picture is measured (the canvas's own fonts), or `None` to
/// estimate (SVG).
pub type Measure<'a> = Option<&'a dyn Fn(&str, &Font) -> (u32, u32)>;

/// The CSS height the graph takes at a CSS `width` (it wraps onto rows).
pub fn graph_height(s: &Session, width: f64, zoom: f64, lang: Lang) -> f64 {
    graph::height(s.trace().pass.depth(), width / zoom, lang) * zoom
}

/// The CSS height a view sets itself at a CSS `width` (the graph, the layer stack and
/// the maps grow with their content), or `None` for a view that fills its canvas.
pub fn height(s: &Session, view: View, width: f64, o: &Options) -> Option<f64> {
    match view {
        View::Graph => Some(graph_height(s, width, o.zoom, o.lang)),
        #[cfg(feature = "full")]
        View::Layers if shows(s, view) => Some(layers::height(s.trace(), width / o.zoom) * o.zoom),
        #[cfg(feature = "full")]
        View::Maps if shows(s, view) => {
            Some(maps::height(s.trace(), s.stepper().cursor(), width, o.zoom))
        }
        _ => None,
    }
}

/// The device-pixel size `view` is drawn at for a CSS size (some views set their height;
/// the maps view's picture is at least [`Options::maps_floor`] tall).
pub fn size(s: &Session, view: View, css: (f64, f64), o: &Options) -> (u32, u32) {
    match (view, height(s, view, css.0, o)) {
        (View::Maps, Some(h)) => o.device((css.0, h.max(o.maps_floor))),
        (_, Some(h)) => o.device((css.0, h)),
        (_, None) => o.device(css),
    }
}

/// Whether the data view applies to this network (2 inputs, or 1-D regression).
pub fn has_data_view(s: &Session) -> bool {
    // The first module draws no heatmaps (the full lab's, loaded on first training).
    if cfg!(not(feature = "full")) {
        return false;
    }
    // The data's raw points, whatever features the network takes of them.
    let dims = s.workbench().data().point_dims();
    let net = &s.trace().pass.net;
    net.is_mlp() && (dims == 2 || (dims == 1 && net.outputs() == 1))
}

/// Whether the examples are points of a plane (x₁, x₂) that a dataset gives: the unit
/// maps show what each unit computes over it.
fn has_plane(s: &Session) -> bool {
    s.saved().dataset.is_some() && s.workbench().data().point_dims() == 2
}

/// The part of the plane the data view and the unit maps show: TensorFlow Playground's
/// fixed square (±6) for its datasets, else the data's bounding box with a margin.
#[cfg(feature = "full")]
fn plane(s: &Session) -> Domain {
    match &s.saved().dataset {
        Some(crate::state::Data::Generated(spec)) if spec.kind.extent().is_some() => {
            Domain::square(spec.kind.extent().unwrap_or(crate::dataset::TFP_EXTENT))
        }
        _ => Domain::around(s.workbench().data().points()),
    }
}

/// Whether `view` applies to session `s`: the network view and the computation graph
/// are a fully connected network's; the layer stack and the maps a CNN's.
pub fn shows(s: &Session, view: View) -> bool {
    let mlp = s.trace().pass.net.is_mlp();
    match view {
        View::Network | View::Graph => mlp,
        View::Layers | View::Maps | View::Im2col => !mlp,
        View::Data => has_data_view(s),
        View::Curves | View::Loss | View::Gradients => true,
    }
}

/// The activation curves of fully connected layer `l` (default: the step's layer), its
/// z values marked once reached.
fn mlp_curve(
    t: &crate::trace::Trace,
    c: usize,
    layer: Option<usize>,
) -> (Activation, curves::Marks, usize) {
    let l = layer
        .or(t.steps[c].layer)
        .unwrap_or(0)
        .min(t.pass.depth() - 1);
    let z = t.pass.z(l);
    let marks = curves::Marks {
        z: (0..z.len())
            .filter(|&i| t.shows_z(l, i, c))
            .map(|i| z[i])
            .collect(),
        selected: t.steps[c].neuron.filter(|_| t.steps[c].layer == Some(l)),
    };
    (t.pass.net.mlp(l).activation, marks, l)
}

/// The curves of a CNN's activation layer: the one asked for, else the step's layer if
/// it is one, else the next one above it (or the last below); its inputs marked once
/// its forward is done.
fn cnn_curve(
    t: &crate::trace::Trace,
    c: usize,
    layer: Option<usize>,
) -> (Activation, curves::Marks, usize) {
    use crate::engine::Layer;
    let layers = &t.pass.net.layers;
    let is_act = |k: usize| matches!(layers.get(k), Some(Layer::Activation(a)) if !a.is_softmax());
    let from = layer.or(t.steps[c].layer).unwrap_or(0);
    let k = (from..layers.len())
        .find(|&k| is_act(k))
        .or_else(|| (0..from).rev().find(|&k| is_act(k)));
    let Some(k) = k else {
        let none = curves::Marks {
            z: vec![],
            selected: None,
        };
        return (Activation::Linear, none, 0);
    };
    let Layer::Activation(act) = layers[k] else {
        unreachable!("found as an activation layer")
    };
    let done = t.forward_progress(k, c) == crate::trace::Progress::Done;
    let marks = curves::Marks {
        z: if done {
            t.pass.layer_input(k).to_vec()
        } else {
            vec![]
        },
        selected: None,
    };
    (act, marks, k)
}

/// What `view` depends on, as one number: a canvas whose key has not changed since it
/// was drawn need not be drawn again.
pub fn key(s: &Session, view: View, css: (f64, f64), o: &Options) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    view.name().hash(&mut h);
    s.trace().revision.hash(&mut h);
    for v in [css.0, css.1, o.dpr, o.zoom] {
        v.to_bits().hash(&mut h);
    }
    (o.dark, o.lang).hash(&mut h);
    let cursor = s.stepper().cursor();
    match view {
        View::Network => (cursor, o.selected, o.unit_maps, o.training).hash(&mut h),
        View::Curves => (cursor, o.curves_layer).hash(&mut h),
        View::Graph => cursor.hash(&mut h),
        View::Data => o.training.hash(&mut h),
        View::Loss => {
            let t = s.workbench().trainer();
            (
                t.map(|t| t.updates),
                t.map(|t| t.history.points.len()),
                o.log,
            )
                .hash(&mut h)
        }
        View::Gradients => (cursor, o.training).hash(&mut h),
        View::Layers | View::Im2col => cursor.hash(&mut h),
        View::Maps => (cursor, o.maps_focus, o.maps_floor.to_bits()).hash(&mut h),
    }
    h.finish()
}

/// Draws `view` of session `s` at a CSS size.
pub fn picture(
    s: &Session,
    view: View,
    css: (f64, f64),
    o: &Options,
    measure: Measure<'_>,
) -> Result<Picture, Error> {
    o.check()?;
    if !shows(s, view) {
        match view {
            View::Network | View::Graph => return Err(Error::new(ErrorKind::NeedsMlp)),
            View::Layers | View::Maps | View::Im2col => {
                return Err(Error::new(ErrorKind::NeedsCnn))
            }
            _ => {}
        }
    }
    let size = size(s, view, css, o);
    let theme = o.theme();
    let (t, c) = (s.trace(), s.stepper().cursor());
    let lang = o.lang;
    let mut pic = Picture {
        size,
        patches: vec![],
        ops: vec![],
        scatter: None,
        theme,
    };
    let drawing = |e: String| Error::new(ErrorKind::Drawing(e));
    let record = |draw: &Draw<'_>| recorder::record(size, measure, draw).map_err(drawing);
    match view {
        View::Network => {
            let lay = layout::layout(
                &t.pass.net.sizes(),
                size.0 as f64,
                size.1 as f64,
                theme.scale,
            );
            // Inside each unit, what it computes over the input plane: while training, or
            // at rest on the start step (stepping shows the unit's values instead).
            let maps = o.unit_maps && (o.training || c == 0) && has_plane(s);
            pic.ops = record(&|root| {
                network::draw(root, t, c, o.selected.as_ref(), &lay, &theme, lang, maps)
            })?;
            if maps {
                #[cfg(feature = "full")]
                {
                    pic.patches = unit_maps(s, &lay, &theme);
                }
            }
        }
        View::Curves => {
            let (act, marks, l) = if t.pass.net.is_mlp() {
                mlp_curve(t, c, o.curves_layer)
            } else {
                cnn_curve(t, c, o.curves_layer)
            };
            let labels = curves::labels(act, Some(l), lang);
            pic.ops = record(&|root| curves::draw(root, act, &marks, &labels, &theme))?;
        }
        View::Graph => pic.ops = record(&|root| graph::draw(root, t, c, &theme, lang))?,
        #[cfg(feature = "full")]
        View::Data => data(s, o, &mut pic, &record)?,
        // The first module's sessions have no dataset: no data view.
        #[cfg(not(feature = "full"))]
        View::Data => return Err(Error::new(ErrorKind::NeedsFullLab)),
        View::Loss => {
            let (points, has_test) = match s.workbench().trainer() {
                Some(tr) => (tr.history.points.clone(), !tr.test.is_empty()),
                None => (vec![], false),
            };
            // Accuracy (or R²) beside the loss once the run has any.
            #[cfg(not(feature = "full"))]
            let scores = None;
            #[cfg(feature = "full")]
            let scores = s
                .workbench()
                .trainer()
                .filter(|tr| tr.scores.points.iter().any(|p| p.1.is_finite()))
                .map(|tr| loss_curve::Scores {
                    points: &tr.scores.points,
                    r2: crate::metric::decision(&tr.train, tr.net.output_activation()).is_none(),
                });
            // Beside a CNN on pictures, its fully connected rival's test loss.
            #[cfg(not(feature = "full"))]
            let rival = None;
            #[cfg(feature = "full")]
            let rival = s.workbench().rival().map(|r| &r.history.points[..]);
            pic.ops = record(&|root| {
                loss_curve::draw(root, &points, has_test, o.log, scores, rival, &theme, lang)
            })?;
        }
        View::Gradients => {
            let (d, w) = gradient_norms(s, o.training);
            let layers = gradient_layers(s);
            pic.ops = record(&|root| gradient_flow::draw(root, &d, &w, &layers, &theme, lang))?;
        }
        #[cfg(feature = "full")]
        View::Layers => pic.ops = record(&|root| layers::draw(root, t, c, &theme, lang))?,
        #[cfg(feature = "full")]
        View::Maps => {
            let lay = maps::layout(t, c, size, &theme);
            pic.ops =
                record(&|root| maps::draw_layout(root, t, c, &theme, lang, &o.maps_focus, &lay))?;
        }
        #[cfg(feature = "full")]
        View::Im2col => pic.ops = record(&|root| im2col::draw(root, t, c, &theme, lang))?,
        // The first module has no CNN views (its sessions refuse a CNN).
        #[cfg(not(feature = "full"))]
        View::Layers | View::Maps | View::Im2col => return Err(Error::new(ErrorKind::NeedsCnn)),
    }
    Ok(pic)
}

/// The decision-boundary heatmap and the points (a plane), or the fitted curve (1-D):
/// drawn over the raw points, the network evaluated on their features.
#[cfg(feature = "full")]
fn data(s: &Session, o: &Options, pic: &mut Picture, record: &Record<'_>) -> Result<(), Error> {
    let net = &s.saved().problem.net;
    let features = s.features();
    let split = s.workbench().data();
    let points: Vec<data_plot::Point> = [
        (&split.train_points, &split.train_labels, false),
        (&split.test_points, &split.test_labels, true),
    ]
    .into_iter()
    .flat_map(|(points, labels, test)| {
        points
            .iter()
            .zip(labels)
            .map(move |(x, &label)| data_plot::Point { x, label, test })
    })
    .collect();
    let theme = pic.theme;
    let dims = split.point_dims();
    if dims == 1 && net.outputs() == 1 {
        pic.ops =
            record(&|root| data_plot::draw_fit(root, net, features, &points, &theme, o.lang))?;
        return Ok(());
    }
    if dims != 2 {
        return Err(Error::new(ErrorKind::ViewNeedsInputs));
    }
    let (w, h) = pic.size;
    let dom = plane(s);
    // Coarser cells while training keep a frame short; finer at rest.
    let cell = ((if o.training { 8.0 } else { 4.0 }) * o.dpr)
        .round()
        .max(1.0) as usize;
    let (nx, ny) = ((w as usize).div_ceil(cell), (h as usize).div_ceil(cell));
    pic.patches.push(Patch {
        x: 0.0,
        y: 0.0,
        width: (nx * cell) as u32,
        height: (ny * cell) as u32,
        rgba: heatmap::output_rgba(net, features, &dom, nx, ny, cell, &theme),
        on_top: false,
    });
    let radius = if points.len() > 50 { 4.0 } else { 6.0 } * theme.scale;
    pic.scatter = Some(Scatter {
        points: points
            .iter()
            .map(|p| {
                let (x, y) = dom.to_px(p.x, w as f64, h as f64);
                (x, y, data_plot::side(p.label), p.test)
            })
            .collect(),
        radius,
    });
    Ok(())
}

/// What each unit computes over the plane of the raw points, a square inside its
/// circle: an input unit its feature, a layer's unit its activation.
#[cfg(feature = "full")]
fn unit_maps(s: &Session, lay: &layout::Layout, theme: &Theme) -> Vec<Patch> {
    let net = &s.trace().pass.net;
    let features = s.features();
    let dom = plane(s);
    let side = (lay.radius * 1.3).floor().max(4.0);
    let n = 16usize;
    let cell = ((side / n as f64).floor() as usize).max(1);
    let px = (n * cell) as f64;
    let inputs = heatmap::feature_rgba(features, &dom, n, cell, theme);
    let maps = heatmap::unit_rgba(net, features, &dom, n, cell, theme);
    let mut out = Vec::new();
    for (l, units) in std::iter::once(inputs).chain(maps).enumerate() {
        for (i, rgba) in units.into_iter().enumerate() {
            let (x, y) = lay.columns[l][i];
            out.push(Patch {
                x: (x - px / 2.0).round(),
                y: (y - px / 2.0).round(),
                width: px as u32,
                height: px as u32,
                rgba,
                on_top: true,
            });
        }
    }
    out
}

/// A click in the maps view, in the terms the page acts on (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MapsClick {
    /// Kernel weight `index` (flat) of conv layer `layer`: its chain rule.
    Kernel { layer: usize, index: usize },
    /// Value `index` (flat, (c·H + i)·W + j) of the input image: paint it.
    Input {
        index: usize,
        c: usize,
        i: usize,
        j: usize,
    },
    /// Cell (c, i, j) of blob `blob` (layer `blob`'s input) or of its gradient.
    Cell {
        blob: usize,
        c: usize,
        i: usize,
        j: usize,
    },
}

/// What is under CSS point (x, y) of the maps view drawn at CSS size `css`.
pub fn hit_maps(s: &Session, css: (f64, f64), o: &Options, x: f64, y: f64) -> Option<MapsClick> {
    if !shows(s, View::Maps) {
        return None;
    }
    #[cfg(feature = "full")]
    return maps_click(s, css, o, x, y);
    #[cfg(not(feature = "full"))]
    {
        let _ = (css, o, x, y);
        None
    }
}

/// [`hit_maps`] of a CNN session.
#[cfg(feature = "full")]
fn maps_click(s: &Session, css: (f64, f64), o: &Options, x: f64, y: f64) -> Option<MapsClick> {
    use crate::engine::{Layer, Shape};
    let size = size(s, View::Maps, css, o);
    let (t, c) = (s.trace(), s.stepper().cursor());
    let net = &t.pass.net;
    Some(
        match maps::hit(t, c, size, &o.theme(), x * o.dpr, y * o.dpr)? {
            MapHit::Kernel([oc, ic, u, v]) => {
                let layer = t.steps[c].layer?;
                let Some(Layer::Conv(conv)) = net.layers.get(layer) else {
                    return None;
                };
                let k = conv.kernel;
                MapsClick::Kernel {
                    layer,
                    index: ((oc * conv.in_channels + ic) * k + u) * k + v,
                }
            }
            MapHit::Input { c, i, j } => {
                let (h, w) = match net.input_shape {
                    Shape::Map { h, w, .. } => (h, w),
                    Shape::Vector(n) => (1, n),
                };
                MapsClick::Input {
                    index: (c * h + i) * w + j,
                    c,
                    i,
                    j,
                }
            }
            MapHit::Cell { blob, c, i, j } => MapsClick::Cell { blob, c, i, j },
        },
    )
}

/// The layer number (1-based, as the notation writes it) of each bar of the gradient
/// chart: every layer of a fully connected network, a CNN's layers with parameters.
pub fn gradient_layers(s: &Session) -> Vec<usize> {
    let net = &s.trace().pass.net;
    if net.is_mlp() {
        return (1..=net.depth()).collect();
    }
    (0..net.layers.len())
        .filter(|&k| net.layers[k].params().is_some())
        .map(|k| k + 1)
        .collect()
}

/// ‖δ(l)‖ and ‖∂L/∂W(l)‖ per layer at the cursor (`None` before they are computed), or
/// all of them with `all` (while training).
pub fn gradient_norms(s: &Session, all: bool) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
    use crate::network::norm;
    let (t, c) = (s.trace(), s.stepper().cursor());
    let p = &t.pass;
    if !p.net.is_mlp() {
        // A CNN: per layer with parameters, ‖δ‖ of its output and ‖∂L/∂W‖, once its
        // backward is done.
        return (0..p.net.layers.len())
            .filter(|&k| p.net.layers[k].params().is_some())
            .map(|k| {
                let done = all || t.backward_progress(k, c) == crate::trace::Progress::Done;
                (
                    // δ of the last layer's output is its bias gradient (dense, conv).
                    done.then(|| {
                        p.grad_inputs
                            .get(k + 1)
                            .map_or_else(|| norm(&p.grads[k].biases), norm)
                    }),
                    done.then(|| norm(&p.grads[k].weights)),
                )
            })
            .unzip();
    }
    (0..p.depth())
        .map(|l| {
            let w = p.net.mlp(l).width();
            let d = (all || (0..w).all(|i| t.shows_delta(l, i, c))).then(|| norm(p.delta(l)));
            let g = (all || (0..w).all(|i| t.shows_grads(l, i, c))).then(|| norm(p.grad_ws(l)));
            (d, g)
        })
        .unzip()
}

/// A view as an SVG document (text widths estimated), `size` in pixels.
pub fn svg(s: &Session, view: View, size: (u32, u32), o: &Options) -> Result<String, Error> {
    if !view.has_svg() {
        return Err(crate::vocab::unknown(
            Vocab::View,
            view.name(),
            View::ALL
                .iter()
                .filter(|v| v.has_svg())
                .map(|v| v.name())
                .collect(),
        ));
    }
    if !(200..=8000).contains(&size.0) || !(100..=8000).contains(&size.1) {
        return Err(Error::new(ErrorKind::PictureSize));
    }
    let o = Options {
        dpr: 1.0,
        zoom: 1.0,
        ..o.clone()
    };
    let pic = picture(s, view, (size.0 as f64, size.1 as f64), &o, None)?;
    recorder::to_svg(&pic.ops, pic.size).map_err(|e| Error::new(ErrorKind::Drawing(e)))
}
