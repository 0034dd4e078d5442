//! The thin wasm-bindgen layer: each method converts its arguments and delegates to
//! the [`Session`], the [`view`] builders or [`frame`]. Errors cross as `Err(JsValue)`
//! with a message in the page's language; views cross as JSON text.

use crate::canvas::{self, MeasuredCanvas};
use crate::error::{Error, ErrorKind};
use crate::json::to_value;
use crate::lab::{Change, Edit, Session};
use crate::lang::Lang;
use crate::render::frame::{self, Options, View};
use crate::render::layout::{self, Hit};
use crate::render::recorder::Op;
use crate::view::{self, Fields};
use crate::vocab::Named;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// JSON text of a view.
fn json<T: Serialize>(v: &T) -> String {
    to_value(v).to_string()
}

/// A whole number ≥ 0 from a JS number (wasm would turn 0.5 into 0 and −1 into 2³²−1).
fn whole(v: f64, at: &str) -> Result<u64, Error> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 9.0e15 {
        Ok(v as u64)
    } else {
        Err(Error::at(at, ErrorKind::NotWholeNumber { value: v }))
    }
}

/// An error as the page gets it: its message in `lang`; the first module's "this needs
/// the full lab" is an `Error` named `NeedsFullLab`, so the page knows to load it.
fn js_error(e: &Error, lang: Lang) -> JsValue {
    let msg = e.render(lang);
    if matches!(e.kind, ErrorKind::NeedsFullLab) {
        let err = js_sys::Error::new(&msg);
        err.set_name("NeedsFullLab");
        return err.into();
    }
    JsValue::from_str(&msg)
}

/// A canvas of the page with its CSS size.
#[derive(Clone)]
struct Slot {
    canvas: HtmlCanvasElement,
    css: (f64, f64),
    /// Near the viewport: drawn. A canvas far from it keeps its picture until it nears.
    near: bool,
    /// The CSS pixels from the canvas's top that are in sight, `(top, bottom)`, when
    /// the page says: those are drawn in the frame and the rest right after it
    /// ([`Lab::draw_later`]). `None`: all of it in the frame.
    seen: Option<(f64, f64)>,
}

/// What the page asks of one frame: how to draw, on which canvases, which extra views.
#[wasm_bindgen]
pub struct Frame {
    options: Options,
    slots: Vec<(View, Slot)>,
    /// Every formula line of the step, not the first few.
    all_lines: bool,
    /// The chain rule of the selection, and the gradient check, are wanted.
    chain: bool,
    gradcheck: bool,
    /// Send everything again (the page lost what it kept: a new language, a rebuild).
    resend: bool,
    /// A selected CNN kernel weight: (conv layer, flat index).
    param: Option<(usize, usize)>,
}

impl Default for Frame {
    fn default() -> Self {
        Frame::new()
    }
}

#[wasm_bindgen]
impl Frame {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Frame {
        Frame {
            options: Options::default(),
            slots: Vec::new(),
            all_lines: false,
            chain: false,
            gradcheck: false,
            resend: true,
            param: None,
        }
    }

    /// Pixel density, the dark theme and the zoom of the text.
    pub fn look(&mut self, dpr: f64, dark: bool, zoom: f64) {
        (self.options.dpr, self.options.dark, self.options.zoom) = (dpr, dark, zoom);
    }

    /// Shows `view` on `canvas` (CSS size `width` × `height`); it is drawn when what it
    /// shows has changed since it was last drawn and the canvas is `near` the viewport.
    pub fn show(
        &mut self,
        view: &str,
        canvas: HtmlCanvasElement,
        width: f64,
        height: f64,
        near: bool,
    ) -> Result<(), JsValue> {
        let v = View::parse(view).map_err(|e| JsValue::from_str(&e.to_string()))?;
        self.slots.retain(|(w, _)| *w != v);
        let css = (width.max(1.0), height.max(1.0));
        let slot = Slot {
            canvas,
            css,
            near,
            seen: None,
        };
        self.slots.push((v, slot));
        Ok(())
    }

    /// The CSS pixels from the top of `view`'s canvas that are in sight, `top` to
    /// `bottom` (after [`show`](Self::show)): only those rows are drawn in the frame, the
    /// others right after it by [`Lab::draw_later`]. Without it, all of it in the frame.
    pub fn in_sight(&mut self, view: &str, top: f64, bottom: f64) {
        let seen = (top.is_finite() && bottom.is_finite()).then_some((top, bottom));
        if let Some((_, slot)) = View::parse(view)
            .ok()
            .and_then(|v| self.slots.iter_mut().find(|(w, _)| *w == v))
        {
            slot.seen = seen;
        }
    }

    /// Stops showing `view` (its panel is hidden).
    pub fn hide(&mut self, view: &str) {
        if let Ok(v) = View::parse(view) {
            self.slots.retain(|(w, _)| *w != v);
        }
    }

    pub fn select_edge(&mut self, layer: usize, i: usize, j: usize) {
        self.options.selected = Some(Hit::Edge { layer, i, j });
        self.param = None;
    }

    /// A unit (`layer` < 0: an input unit).
    pub fn select_unit(&mut self, layer: i32, i: usize) {
        let layer = usize::try_from(layer).ok();
        self.options.selected = Some(Hit::Neuron { layer, i });
    }

    pub fn select_none(&mut self) {
        self.options.selected = None;
        self.param = None;
    }

    /// A CNN's kernel weight: flat `index` of conv layer `layer`'s weights.
    pub fn select_kernel(&mut self, layer: usize, index: usize) {
        self.options.selected = None;
        self.param = Some((layer, index));
    }

    /// The input cell (channel `c`, row `i`, column `j`, 0-based) whose gradient the
    /// maps view works out both ways; `c` < 0: the default cell.
    pub fn focus_cell(&mut self, c: i32, i: usize, j: usize) {
        self.options.maps_focus.cell = usize::try_from(c).ok().map(|c| (c, i, j));
    }

    /// The im2col panel is open (the maps view names the window's patch row).
    pub fn im2col(&mut self, open: bool) {
        self.options.maps_focus.im2col = open;
    }

    /// Unit heatmaps, training under way (coarse heatmap, every gradient size), log scale.
    pub fn training(&mut self, unit_maps: bool, running: bool, log: bool) {
        (
            self.options.unit_maps,
            self.options.training,
            self.options.log,
        ) = (unit_maps, running, log);
    }

    /// Every formula line of the step; the chain rule of the selection; the gradient check.
    pub fn want(&mut self, all_lines: bool, chain: bool, gradcheck: bool) {
        (self.all_lines, self.chain, self.gradcheck) = (all_lines, chain, gradcheck);
    }

    /// The next frame sends and draws everything again.
    pub fn resend(&mut self) {
        self.resend = true;
    }
}

/// What the page was last sent, so a frame sends only what changed.
#[derive(Default)]
struct Sent {
    /// The network's shape and the granularity (the steps and symbols follow them).
    shape: Option<u64>,
    /// The pass whose weights before the update were sent.
    revision: Option<u64>,
    /// The pass whose gradient check was sent.
    gradcheck: Option<u64>,
    /// The key each canvas was last drawn with.
    drawn: Vec<(View, u64)>,
}

/// What one frame sends the page: the state, the step, and what changed.
#[derive(Serialize)]
struct FrameView<'a> {
    revision: u64,
    /// True when the matrices begin with the weights before the update.
    weights_before: bool,
    state: view::State<'a>,
    step: view::StepText,
    steps: Option<Vec<view::StepItem<'a>>>,
    symbols: Option<view::SymbolsView>,
    chain: Option<view::ChainView>,
    gradcheck: Option<view::GradcheckView>,
    /// The graph's CSS height at its width (it wraps onto rows).
    graph_height: Option<f64>,
    /// The layer stack's and the maps' CSS heights at their widths (they grow).
    layers_height: Option<f64>,
    maps_height: Option<f64>,
    has_data_view: bool,
    /// Rows of canvases near the viewport but out of sight are left for
    /// [`Lab::draw_later`], which the page calls right after the frame.
    later: bool,
    /// An error drawing one view (the others are drawn).
    problems: Vec<String>,
}

/// Drawing a frame leaves for right after it: what is near the viewport but not in sight.
enum Later {
    /// A canvas wholly out of sight: its whole picture, as it is then.
    Whole(View, Slot, Options),
    /// A canvas partly in sight: the rows of its picture outside those drawn.
    Rest {
        view: View,
        target: MeasuredCanvas,
        ops: Vec<Op>,
        bands: Vec<(i32, i32)>,
    },
}

impl Later {
    fn view(&self) -> View {
        match self {
            Later::Whole(v, ..) | Later::Rest { view: v, .. } => *v,
        }
    }
}

/// Puts `v`'s picture on its canvas, sized: the patches under the drawing, the drawing,
/// the patches on top, the points. With rows in sight (a picture of operations alone),
/// only those are drawn; the others, or all of a canvas out of sight, go to `later`.
fn paint(
    s: &Session,
    v: View,
    slot: &Slot,
    o: &Options,
    later: &mut Vec<Later>,
) -> Result<(), Error> {
    let (w, h) = frame::size(s, v, slot.css, o);
    let c = &slot.canvas;
    if c.width() != w {
        c.set_width(w);
    }
    if c.height() != h {
        c.set_height(h);
    }
    // The rows in sight, in device pixels.
    let seen = slot.seen.map(|(a, b)| {
        let k = f64::from(w) / slot.css.0;
        let row = |y: f64| (y * k).clamp(0.0, f64::from(h)) as i32;
        (row(a.floor()), row(b.ceil()))
    });
    if let Some((a, b)) = seen {
        if a >= b {
            later.push(Later::Whole(
                v,
                Slot {
                    seen: None,
                    ..slot.clone()
                },
                o.clone(),
            ));
            return Ok(());
        }
    }
    let mut target = MeasuredCanvas::new(c.clone()).ok_or(Error::new(ErrorKind::NoCanvas))?;
    let pic = {
        let measure = |text: &str, font: &crate::render::recorder::Font| target.measure(text, font);
        frame::picture(s, v, slot.css, o, Some(&measure))?
    };
    // Only a picture of operations alone is drawn in bands (image patches ignore clips).
    let bands_ok = pic.patches.is_empty()
        && pic.scatter.is_none()
        && !pic.ops.iter().any(|op| matches!(op, Op::Bitmap(..)));
    if let (Some((a, b)), true) = (seen, bands_ok) {
        if a > 0 || b < h as i32 {
            let drawing = |e| Error::new(ErrorKind::Drawing(e));
            target.replay_bands(&pic.ops, &[(a, b)]).map_err(drawing)?;
            let bands = [(0, a), (b, h as i32)].into_iter().filter(|(a, b)| a < b);
            later.push(Later::Rest {
                view: v,
                target,
                ops: pic.ops,
                bands: bands.collect(),
            });
            return Ok(());
        }
    }
    let ctx = canvas::context_2d(c).map_err(|_| Error::new(ErrorKind::NoCanvas))?;
    let drawing = |e: JsValue| Error::new(ErrorKind::Drawing(format!("{e:?}")));
    for p in pic.patches.iter().filter(|p| !p.on_top) {
        canvas::put_rgba(&ctx, p).map_err(drawing)?;
    }
    target
        .replay(&pic.ops)
        .map_err(|e| Error::new(ErrorKind::Drawing(e)))?;
    for p in pic.patches.iter().filter(|p| p.on_top) {
        canvas::put_rgba(&ctx, p).map_err(drawing)?;
    }
    if let Some(sc) = &pic.scatter {
        canvas::scatter(&ctx, sc, &pic.theme).map_err(drawing)?;
    }
    Ok(())
}

/// One page's lab: the session, the language its messages are written in, and what
/// the page was last sent.
#[wasm_bindgen]
pub struct Lab {
    s: Session,
    lang: Lang,
    sent: Sent,
    /// What the last frame left to draw right after it.
    later: Vec<Later>,
    /// The maps view's tallest CSS height on a network at a width (a key of both): the
    /// least height of its picture while stepping (see [`Options::maps_floor`]).
    tallest: (u64, f64),
}

#[wasm_bindgen]
impl Lab {
    /// A lab on a preset.
    #[wasm_bindgen(constructor)]
    pub fn new(preset: &str) -> Result<Lab, JsValue> {
        Session::from_preset(preset)
            .map(|s| Lab {
                s,
                lang: Lang::En,
                sent: Sent::default(),
                later: Vec::new(),
                tallest: (0, 0.0),
            })
            .map_err(|e| js_error(&e, Lang::En))
    }

    /// The error as the page shows it.
    fn js(&self, e: Error) -> JsValue {
        js_error(&e, self.lang)
    }

    /// Runs `f` on the session; its error in the page's language.
    fn on<T>(&mut self, f: impl FnOnce(&mut Session) -> Result<T, Error>) -> Result<T, JsValue> {
        f(&mut self.s).map_err(|e| js_error(&e, self.lang))
    }

    /// The language of messages and texts.
    pub fn set_lang(&mut self, code: &str) -> Result<(), JsValue> {
        self.lang = Lang::parse(code).map_err(|e| self.js(e))?;
        Ok(())
    }

    /// Loads JSON of any accepted shape; on error nothing changes.
    pub fn load(&mut self, text: &str) -> Result<(), JsValue> {
        self.on(|s| s.load(text))
    }

    pub fn load_preset(&mut self, name: &str) -> Result<(), JsValue> {
        self.on(|s| s.load_preset(name))
    }

    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> bool {
        self.s.stepper_mut().next()
    }

    pub fn prev(&mut self) -> bool {
        self.s.stepper_mut().prev()
    }

    pub fn reset(&mut self) {
        self.s.stepper_mut().reset()
    }

    pub fn end(&mut self) {
        self.s.stepper_mut().end()
    }

    pub fn seek(&mut self, i: usize) -> Result<(), JsValue> {
        self.on(|s| s.stepper_mut().seek(i))
    }

    pub fn seek_phase(&mut self, phase: &str) -> Result<(), JsValue> {
        self.on(|s| {
            s.stepper_mut().seek_phase(Named::parse(phase)?);
            Ok(())
        })
    }

    pub fn cursor(&self) -> usize {
        self.s.stepper().cursor()
    }

    pub fn count(&self) -> usize {
        self.s.stepper().len()
    }

    /// Changes whenever the pass changes (weights, example, data): a redraw key.
    pub fn revision(&self) -> f64 {
        self.s.trace().revision as f64
    }

    /// Bytes of wasm linear memory (the benchmark checks it stays flat while training).
    pub fn memory_bytes(&self) -> f64 {
        wasm_bindgen::memory()
            .dyn_into::<js_sys::WebAssembly::Memory>()
            .map(|m| {
                m.buffer()
                    .dyn_into::<js_sys::ArrayBuffer>()
                    .map_or(0.0, |b| b.byte_length() as f64)
            })
            .unwrap_or(0.0)
    }

    /// `state()` of the embedding API, as JSON.
    pub fn state(&self) -> String {
        json(&view::state(&self.s, Fields::All))
    }

    /// Draws the canvases `f` shows whose pictures changed, and returns, as
    /// `[json, matrices]`, what the page shows this frame: the state, the step's text and
    /// what changed since the last frame (the steps, the symbols, the chain rule, the
    /// gradient check), then the weight matrices the state leaves out, as one
    /// Float64Array (see [`view::matrices`]).
    pub fn frame(&mut self, f: &mut Frame) -> js_sys::Array {
        let mut o = f.options.clone();
        o.lang = self.lang;
        o.maps_focus.kernel = f
            .param
            .and_then(|(k, index)| view::cnn::kernel_at(&self.s.trace().pass.net, k, index));
        if std::mem::take(&mut f.resend) {
            self.sent = Sent::default();
        }
        o.maps_floor = self.maps_floor(f, &o);
        // Clicks are placed on the picture as drawn.
        f.options.maps_floor = o.maps_floor;
        let (t, c) = (self.s.trace(), self.s.stepper().cursor());
        let mut problems = Vec::new();
        let has_data_view = frame::has_data_view(&self.s);
        for (v, slot) in &f.slots {
            if !slot.near || !frame::shows(&self.s, *v) {
                continue;
            }
            let key = frame::key(&self.s, *v, slot.css, &o);
            if self.sent.drawn.contains(&(*v, key)) {
                continue;
            }
            self.sent.drawn.retain(|(w, _)| w != v);
            self.later.retain(|l| l.view() != *v);
            match paint(&self.s, *v, slot, &o, &mut self.later) {
                Ok(()) => self.sent.drawn.push((*v, key)),
                Err(e) => problems.push(e.render(self.lang)),
            }
        }
        let chain = match (f.chain, o.selected, f.param) {
            #[cfg(feature = "full")]
            (true, _, Some((k, index))) => Some(view::cnn::chain(&self.s, k, index, self.lang)),
            (true, Some(Hit::Edge { layer, i, j }), _) => {
                Some(view::chain(&self.s, layer, i, Some(j), self.lang))
            }
            (true, Some(Hit::Neuron { layer: Some(l), i }), _) => {
                Some(view::chain(&self.s, l, i, None, self.lang))
            }
            _ => None,
        }
        .and_then(|c| match c {
            Ok(c) => Some(c),
            Err(e) => {
                problems.push(e.render(self.lang));
                None
            }
        });
        let shape = view::shape_key(t);
        let new_shape = self.sent.shape.replace(shape) != Some(shape);
        let before = self.sent.revision.replace(t.revision) != Some(t.revision);
        let gradcheck = (f.gradcheck && self.sent.gradcheck != Some(t.revision)).then(|| {
            self.sent.gradcheck = Some(t.revision);
            view::gradcheck(&t.pass)
        });
        if !f.gradcheck {
            self.sent.gradcheck = None;
        }
        let height = |view: View| {
            f.slots
                .iter()
                .find(|(v, _)| *v == view)
                .and_then(|(_, s)| frame::height(&self.s, view, s.css.0, &o))
        };
        let out = FrameView {
            revision: t.revision,
            weights_before: before,
            state: view::state(&self.s, Fields::Frame),
            step: view::step_text(t, c, self.lang, f.all_lines),
            steps: new_shape.then(|| view::steps(t)),
            symbols: new_shape.then(|| view::symbols(&t.pass.net)).flatten(),
            chain,
            gradcheck,
            graph_height: height(View::Graph),
            layers_height: height(View::Layers),
            maps_height: height(View::Maps),
            has_data_view,
            later: !self.later.is_empty(),
            problems,
        };
        let matrices = js_sys::Float64Array::from(&view::matrices(t, c, before)[..]);
        js_sys::Array::of2(&JsValue::from_str(&json(&out)), &matrices)
    }

    /// The tallest the maps view has been on this network at the width it is shown at,
    /// this frame's height included.
    fn maps_floor(&mut self, f: &Frame, o: &Options) -> f64 {
        use std::hash::{Hash, Hasher};
        let Some((_, slot)) = f.slots.iter().find(|(v, _)| *v == View::Maps) else {
            return 0.0;
        };
        let mut h = std::collections::hash_map::DefaultHasher::new();
        view::shape_key(self.s.trace()).hash(&mut h);
        (slot.css.0.to_bits(), o.zoom.to_bits()).hash(&mut h);
        let key = h.finish();
        if self.tallest.0 != key {
            self.tallest = (key, 0.0);
        }
        let now = frame::height(&self.s, View::Maps, slot.css.0, o).unwrap_or(0.0);
        self.tallest.1 = self.tallest.1.max(now);
        self.tallest.1
    }

    /// Draws what the last frame left for after it (see [`Frame::show`]); an error names
    /// what could not be drawn.
    pub fn draw_later(&mut self) -> Result<(), JsValue> {
        let mut problems = Vec::new();
        for l in std::mem::take(&mut self.later) {
            let done = match l {
                Later::Whole(v, slot, o) => paint(&self.s, v, &slot, &o, &mut Vec::new()),
                Later::Rest {
                    mut target,
                    ops,
                    bands,
                    ..
                } => target
                    .replay_bands(&ops, &bands)
                    .map_err(|e| Error::new(ErrorKind::Drawing(e))),
            };
            if let Err(e) = done {
                problems.push(e.render(self.lang));
            }
        }
        match problems.is_empty() {
            true => Ok(()),
            false => Err(JsValue::from_str(&problems.join(" · "))),
        }
    }

    /// What the network view has at CSS pixel (x, y) of a `width` × `height` canvas, as
    /// JSON (`null` for nothing).
    pub fn hit_network(&self, x: f64, y: f64, width: f64, height: f64, f: &Frame) -> String {
        let o = &f.options;
        let lay = layout::layout(
            &self.s.trace().pass.net.sizes(),
            width * o.dpr,
            height * o.dpr,
            o.dpr * o.zoom,
        );
        json(&lay.hit(x * o.dpr, y * o.dpr))
    }

    /// One step's text in the page's language, every line, as JSON.
    pub fn step(&self, i: usize) -> Result<String, JsValue> {
        let t = self.s.trace();
        t.check_step(i).map_err(|e| self.js(e))?;
        Ok(json(&view::step_text(t, i, self.lang, true)))
    }

    pub fn set_weight(&mut self, l: usize, i: usize, j: usize, v: f64) -> Result<(), JsValue> {
        self.on(|s| s.edit(Edit::weight(l, i, j, v)))
    }

    pub fn set_bias(&mut self, l: usize, i: usize, v: f64) -> Result<(), JsValue> {
        self.on(|s| s.edit(Edit::bias(l, i, v)))
    }

    pub fn set_input(&mut self, j: usize, v: f64) -> Result<(), JsValue> {
        self.on(|s| s.edit(Edit::Input { index: j, value: v }))
    }

    pub fn set_target(&mut self, i: usize, v: f64) -> Result<(), JsValue> {
        self.on(|s| s.edit(Edit::Target { index: i, value: v }))
    }

    /// A parameter of a CNN layer: weight `index` (flat) of engine layer `layer`, or its
    /// bias `-1 - index` when `index` is negative.
    pub fn set_param(&mut self, layer: usize, index: i32, v: f64) -> Result<(), JsValue> {
        let param = match usize::try_from(index) {
            Ok(index) => crate::engine::Param::Weight { layer, index },
            Err(_) => crate::engine::Param::Bias {
                layer,
                index: (-1 - index) as usize,
            },
        };
        self.on(|s| s.edit(Edit::Param { param, value: v }))
    }

    pub fn set_learning_rate(&mut self, v: f64) -> Result<(), JsValue> {
        self.on(|s| s.edit(Edit::LearningRate(v)))
    }

    pub fn set_weight_decay(&mut self, v: f64) -> Result<(), JsValue> {
        self.on(|s| s.edit(Edit::WeightDecay(v)))
    }

    pub fn set_activation(&mut self, l: usize, name: &str) -> Result<(), JsValue> {
        self.on(|s| {
            let activation = Named::parse(name)?;
            s.edit(Edit::Activation {
                layer: l,
                activation,
            })
        })
    }

    pub fn set_granularity(&mut self, name: &str) -> Result<(), JsValue> {
        self.on(|s| {
            s.set_granularity(Named::parse(name)?);
            Ok(())
        })
    }

    /// The saved state, as JSON.
    pub fn export_state(&self) -> String {
        json(&self.s.export_state())
    }
}

/// The rest of the lab, in the full module only: training and datasets, architecture
/// changes, the mini-batch walk, the quiz, exercises, exports and the CNN maps' clicks.
/// The page's first module lacks these methods; the page loads the full one on first use.
#[cfg(feature = "full")]
#[wasm_bindgen]
impl Lab {
    /// `n` training updates; returns the mean training loss.
    pub fn train(&mut self, n: f64) -> Result<f64, JsValue> {
        self.on(|s| s.train(whole(n, "train")?))
    }

    /// Up to `max_steps` updates within `budget_ms` milliseconds (one animation frame's
    /// share); returns the updates made. The page stays responsive at any speed.
    pub fn train_for(&mut self, max_steps: f64, budget_ms: f64) -> Result<f64, JsValue> {
        let max = whole(max_steps, "train").map_err(|e| self.js(e))?;
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = move || perf.as_ref().map_or(0.0, |p| p.now());
        let start = now();
        let budget = if budget_ms.is_finite() {
            budget_ms
        } else {
            0.0
        };
        Ok(self
            .s
            .train_until(max.min(10_000_000), || now() - start < budget) as f64)
    }

    pub fn train_epoch(&mut self) -> Result<f64, JsValue> {
        self.on(|s| s.train_epoch())
    }

    /// True once training has diverged (and stopped).
    pub fn diverged(&self) -> bool {
        self.s.workbench().diverged()
    }

    pub fn add_layer(&mut self) -> Result<(), JsValue> {
        self.on(|s| s.change(Change::AddLayer))
    }

    pub fn remove_layer(&mut self) -> Result<(), JsValue> {
        self.on(|s| s.change(Change::RemoveLayer))
    }

    /// Adds (`delta` = 1) or removes (−1) a unit of hidden layer `l`.
    pub fn resize_layer(&mut self, l: usize, delta: i32) -> Result<(), JsValue> {
        self.on(|s| s.change(Change::Resize { layer: l, delta }))
    }

    pub fn set_init(&mut self, name: &str) -> Result<(), JsValue> {
        self.on(|s| s.change(Change::Init(Named::parse(name)?)))
    }

    pub fn set_batch_size(&mut self, n: usize) -> Result<(), JsValue> {
        self.on(|s| s.change(Change::BatchSize(n)))
    }

    /// A generated dataset; `features` names the network's inputs, comma-separated
    /// (`"x1,x2,sin_x1"`, any order: the input vector follows TFP's). The input layer is
    /// made anew when their number changes.
    pub fn set_dataset(
        &mut self,
        kind: &str,
        points: usize,
        noise: f64,
        test_fraction: f64,
        seed: f64,
        features: &str,
    ) -> Result<(), JsValue> {
        self.on(|s| {
            let spec = crate::dataset::Spec {
                kind: Named::parse(kind)?,
                points,
                noise,
                test_fraction,
                seed: whole(seed, "seed")?,
                features: crate::feature::parse_list(features)?,
            };
            s.change(Change::Dataset(spec))
        })
    }

    pub fn reset_weights(&mut self) -> Result<(), JsValue> {
        self.on(|s| s.change(Change::ResetWeights))
    }

    pub fn new_weights(&mut self) -> Result<(), JsValue> {
        self.on(|s| s.change(Change::NewWeights))
    }

    /// The next mini-batch update, step by step, as JSON.
    pub fn batch_walk(&self) -> Result<String, JsValue> {
        view::batch_walk(&self.s, self.lang)
            .map(|w| json(&w))
            .map_err(|e| self.js(e))
    }

    /// What step `i` asks a student to predict, as JSON (`null`: nothing).
    pub fn question(&self, i: usize) -> String {
        json(&crate::quiz::question(self.s.trace(), i))
    }

    /// Checks a prediction of step `i`'s value: `{correct, value, symbol}` as JSON.
    pub fn check(&self, i: usize, guess: f64) -> Result<String, JsValue> {
        self.s
            .check(i, guess)
            .map(|v| json(&v))
            .map_err(|e| self.js(e))
    }

    /// Loads a new homework problem drawn from `seed` (layer sizes as "2,3,2").
    pub fn new_exercise(
        &mut self,
        seed: f64,
        sizes: &str,
        activation: &str,
    ) -> Result<(), JsValue> {
        self.on(|s| {
            let sizes = crate::exercise::parse_sizes(sizes)?;
            s.new_exercise(whole(seed, "seed")?, &sizes, Named::parse(activation)?)
        })
    }

    /// The worked example as `markdown`, `latex`, `json` or `text`, in the page's language.
    pub fn document(&self, format: &str) -> Result<String, JsValue> {
        Named::parse(format)
            .map(|f| self.s.document(f, self.lang))
            .map_err(|e| self.js(e))
    }

    /// The Code tab of step `i`: its lines in NumPy and in PyTorch, and what PyTorch's
    /// `backward()` did there, as JSON `{numpy, pytorch, pytorch_note}`.
    pub fn code_step(&self, i: usize) -> Result<String, JsValue> {
        let t = self.s.trace();
        t.check_step(i).map_err(|e| self.js(e))?;
        Ok(json(&crate::codegen::step_code(t, i, self.lang)))
    }

    /// The pass as a Python script, `numpy` or `pytorch`, its comments in the page's
    /// language (what `backprop-lab export` writes).
    pub fn code_script(&self, format: &str) -> Result<String, JsValue> {
        Named::parse(format)
            .map(|f| crate::codegen::script(&self.s.trace().pass, f, self.lang).text())
            .map_err(|e| self.js(e))
    }

    /// A view at the cursor as an SVG document, drawn by the same code as the canvas.
    pub fn svg(&self, view: &str, width: u32, height: u32) -> Result<String, JsValue> {
        let o = Options {
            lang: self.lang,
            ..Options::default()
        };
        View::parse(view)
            .and_then(|v| frame::svg(&self.s, v, (width, height), &o))
            .map_err(|e| self.js(e))
    }

    /// ∂L/∂W(l)_ij (`j` < 0: ∂L/∂b(l)_i), 0-based, by forward mode: the pass with
    /// tangents step by step, beside backprop's value, as JSON in the page's language.
    pub fn forward_mode(&self, layer: usize, i: usize, j: i32) -> Result<String, JsValue> {
        use crate::forward_mode::MlpParam;
        let wrt = match usize::try_from(j) {
            Ok(j) => MlpParam::weight(layer, i, j),
            Err(_) => MlpParam::bias(layer, i),
        };
        view::forward::forward_mode(&self.s, wrt, self.lang)
            .map(|v| json(&v))
            .map_err(|e| self.js(e))
    }

    /// The work of every gradient three ways (backprop, forward mode, finite
    /// differences) for the current network, in multiply-adds, as JSON.
    pub fn cost_table(&self) -> Result<String, JsValue> {
        view::forward::cost(&self.s, self.lang)
            .map(|v| json(&v))
            .map_err(|e| self.js(e))
    }

    /// The network view's edge labels on a `width` × `height` CSS canvas drawn with
    /// `f`'s look, as JSON `[[x, y, w, h], …]` (centre and size, CSS pixels): the page's
    /// tests check that no two overlap.
    pub fn network_labels(&self, width: f64, height: f64, f: &Frame) -> String {
        let (t, o) = (self.s.trace(), &f.options);
        if !t.pass.net.is_mlp() {
            return "[]".into();
        }
        let d = o.dpr;
        let lay = layout::layout(&t.pass.net.sizes(), width * d, height * d, d * o.zoom);
        let cursor = self.s.stepper().cursor();
        let labels =
            crate::render::network::edge_labels(t, cursor, o.selected.as_ref(), &lay, d * o.zoom);
        let boxes: Vec<[f64; 4]> = labels
            .iter()
            .map(|b| [b.x / d, b.y / d, b.w / d, b.h / d])
            .collect();
        json(&boxes)
    }

    /// What the maps view has at CSS pixel (x, y) of a `width` × `height` canvas, as
    /// JSON (`null` for nothing): a kernel weight, an input cell, a cell of a blob.
    pub fn hit_maps(&self, x: f64, y: f64, width: f64, height: f64, f: &Frame) -> String {
        let mut o = f.options.clone();
        o.lang = self.lang;
        json(&frame::hit_maps(&self.s, (width, height), &o, x, y))
    }
}

/// Numbers as the core writes them (`number::fmt`), `digits` significant digits, one
/// per line: the page formats every number it shows through this.
#[wasm_bindgen]
pub fn format_numbers(values: &[f64], digits: usize) -> String {
    let mut out = String::with_capacity(values.len() * 8);
    for (k, v) in values.iter().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        out.push_str(&crate::number::fmt(*v, digits));
    }
    out
}

/// Every vocabulary the page offers (presets, datasets, panels, …), as JSON.
#[wasm_bindgen]
pub fn vocabulary() -> String {
    json(&view::vocabulary())
}

/// Reports a panic on the page (not only in the console), through `window.__backpropLabPanic`.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&msg));
        if let Some(w) = web_sys::window() {
            if let Ok(f) = js_sys::Reflect::get(&w, &JsValue::from_str("__backpropLabPanic")) {
                if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                    let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&msg));
                }
            }
        }
    }));
}
