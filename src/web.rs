//! The thin wasm-bindgen layer: converts and delegates to [`Session`] and the render
//! modules. Errors cross as `Err(JsValue)` with a readable message; JSON crosses as text.

use crate::canvas::MeasuredCanvas;
use crate::json::{self, field, opt, Value};
use crate::render::heatmap::{self, Domain};
use crate::render::layout::{self, Hit};
use crate::render::recorder::{self, Font, Recorder};
use crate::render::{curves, data_plot, gradient_flow, graph, loss_curve, network, Theme};
use crate::session::Session;
use plotters::coord::Shift;
use plotters::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

fn js(e: String) -> JsValue {
    JsValue::from_str(&e)
}

/// Drawing options from the page: CSS size, device pixel ratio, theme, language.
struct DrawOpts {
    width: f64,
    height: f64,
    dpr: f64,
    dark: bool,
    /// 1 unless given.
    zoom: f64,
    lang: String,
    selected: Option<Hit>,
    layer: Option<usize>,
    log: bool,
    /// Every value, whatever the cursor (the gradient chart while training).
    all: bool,
    /// Draw what each unit computes inside it (2-D inputs).
    unit_maps: bool,
}

impl DrawOpts {
    fn parse(s: &str) -> Result<DrawOpts, JsValue> {
        let o = json::parse(s)
            .and_then(|v| DrawOpts::read(&v))
            .map_err(|e| js(format!("bad drawing options: {e}")))?;
        if !(o.width > 0.0 && o.height > 0.0 && o.dpr > 0.0 && o.zoom > 0.0) {
            return Err(js("bad drawing options: sizes must be positive".into()));
        }
        Ok(o)
    }

    /// Reads the fields; absent or null optional ones take their defaults.
    fn read(v: &Value) -> Result<DrawOpts, String> {
        let size = |key: &str| json::number(field(v, key, "")?, key);
        let flag = |key: &str| match opt(v, key) {
            Some(x) => x
                .as_bool()
                .ok_or_else(|| format!("{key}: expected true or false, found {}", json::kind(x))),
            None => Ok(false),
        };
        Ok(DrawOpts {
            width: size("width")?,
            height: size("height")?,
            dpr: size("dpr")?,
            dark: flag("dark")?,
            zoom: match opt(v, "zoom") {
                Some(x) => json::number(x, "zoom")?,
                None => 1.0,
            },
            lang: match opt(v, "lang") {
                Some(x) => json::string(x, "lang")?.to_string(),
                None => String::new(),
            },
            selected: match opt(v, "selected") {
                Some(x) => Some(Hit::from_value(x, "selected")?),
                None => None,
            },
            layer: match opt(v, "layer") {
                Some(x) => Some(json::count(x, "layer")?),
                None => None,
            },
            log: flag("log")?,
            all: flag("all")?,
            unit_maps: flag("unit_maps")?,
        })
    }

    fn theme(&self) -> Theme {
        let t = if self.dark {
            Theme::dark()
        } else {
            Theme::light()
        };
        t.scaled(self.dpr * self.zoom)
    }

    /// Device-pixel size, applied to the canvas so drawing is crisp on high-DPI screens.
    fn size(&self, canvas: &HtmlCanvasElement) -> (u32, u32) {
        let w = (self.width * self.dpr).round().max(1.0) as u32;
        let h = (self.height * self.dpr).round().max(1.0) as u32;
        if canvas.width() != w {
            canvas.set_width(w);
        }
        if canvas.height() != h {
            canvas.set_height(h);
        }
        (w, h)
    }
}

/// Puts an RGBA picture on the canvas at (x, y) in one call.
fn put_rgba(
    ctx: &web_sys::CanvasRenderingContext2d,
    rgba: &[u8],
    w: u32,
    h: u32,
    x: f64,
    y: f64,
) -> Result<(), JsValue> {
    use wasm_bindgen::Clamped;
    let img = web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), w, h)?;
    ctx.put_image_data(&img, x, y)
}

fn backend(canvas: HtmlCanvasElement) -> Result<MeasuredCanvas, JsValue> {
    MeasuredCanvas::new(canvas).ok_or_else(|| js("this browser has no 2-D canvas".into()))
}

/// Records a picture with `draw` (text measured by this canvas), then replays it there.
fn paint(
    canvas: HtmlCanvasElement,
    draw: impl FnOnce(&DrawingArea<Recorder<'_>, Shift>) -> Result<(), String>,
) -> Result<(), JsValue> {
    let mut target = backend(canvas)?;
    let ops = {
        let measure = |text: &str, font: &Font| target.measure(text, font);
        recorder::record(target.size(), Some(&measure), draw).map_err(js)?
    };
    target.replay(&ops).map_err(js)
}

/// One page's lab: the session and its drawing.
#[wasm_bindgen]
pub struct Lab {
    s: Session,
}

#[wasm_bindgen]
impl Lab {
    /// A lab on a preset.
    #[wasm_bindgen(constructor)]
    pub fn new(preset: &str) -> Result<Lab, JsValue> {
        Session::from_preset(preset).map(|s| Lab { s }).map_err(js)
    }

    /// Loads JSON of any accepted shape; on error nothing changes.
    pub fn load(&mut self, text: &str) -> Result<(), JsValue> {
        self.s.load(text).map_err(js)
    }

    pub fn load_preset(&mut self, name: &str) -> Result<(), JsValue> {
        self.s.load_preset(name).map_err(js)
    }

    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> bool {
        self.s.next()
    }

    pub fn prev(&mut self) -> bool {
        self.s.prev()
    }

    pub fn reset(&mut self) {
        self.s.reset()
    }

    pub fn end(&mut self) {
        self.s.end()
    }

    pub fn seek(&mut self, i: usize) -> Result<(), JsValue> {
        self.s.seek(i).map_err(js)
    }

    pub fn seek_phase(&mut self, phase: &str) -> Result<(), JsValue> {
        self.s.seek_phase(phase).map_err(js)
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

    /// Changes whenever the pass changes (weights, example, data): a redraw key.
    pub fn revision(&self) -> f64 {
        self.s.trace().revision as f64
    }

    pub fn cursor(&self) -> usize {
        self.s.cursor()
    }

    pub fn count(&self) -> usize {
        self.s.len()
    }

    /// `state()` of the embedding API, as JSON.
    pub fn state(&self) -> String {
        self.s.state().to_string()
    }

    /// Every weight's and bias's symbol per layer, as JSON (see `Session::symbols`).
    pub fn symbols(&self) -> String {
        self.s.symbols().to_string()
    }

    /// The state the page redraws from: `state()` without the repeated `weights`/`biases`
    /// and without the weight matrices (see `page_matrices`).
    pub fn page_state(&self) -> String {
        self.s.page_state().to_string()
    }

    /// The weight matrices `page_state` leaves out, as one Float64Array (see
    /// `Session::page_matrices`); `before` only when the revision changed.
    pub fn page_matrices(&self, before: bool) -> Vec<f64> {
        self.s.page_matrices(before)
    }

    /// The timeline's steps, as JSON.
    pub fn steps(&self) -> String {
        self.s.steps().to_string()
    }

    /// One step's explanation, as JSON; with `max_lines`, each formula list is cut to
    /// that many lines and `text.more` counts the rest.
    pub fn step(&self, i: usize, max_lines: Option<u32>) -> Result<String, JsValue> {
        match max_lines {
            Some(m) => self.s.step_brief(i, m as usize),
            None => self.s.step(i),
        }
        .map(|v| v.to_string())
        .map_err(js)
    }

    /// The chain rule of W(l)_ij, or of b(l)_i when `j` is negative.
    pub fn chain(&self, l: usize, i: usize, j: i32) -> Result<String, JsValue> {
        let j = (j >= 0).then_some(j as usize);
        self.s.chain(l, i, j).map(|v| v.to_string()).map_err(js)
    }

    pub fn gradcheck(&self) -> String {
        self.s.gradcheck().to_string()
    }

    pub fn set_weight(&mut self, l: usize, i: usize, j: usize, v: f64) -> Result<(), JsValue> {
        self.s.set_weight(l, i, j, v).map_err(js)
    }

    pub fn set_bias(&mut self, l: usize, i: usize, v: f64) -> Result<(), JsValue> {
        self.s.set_bias(l, i, v).map_err(js)
    }

    pub fn set_input(&mut self, j: usize, v: f64) -> Result<(), JsValue> {
        self.s.set_input(j, v).map_err(js)
    }

    pub fn set_target(&mut self, i: usize, v: f64) -> Result<(), JsValue> {
        self.s.set_target(i, v).map_err(js)
    }

    pub fn set_learning_rate(&mut self, v: f64) -> Result<(), JsValue> {
        self.s.set_learning_rate(v).map_err(js)
    }

    pub fn set_activation(&mut self, l: usize, name: &str) -> Result<(), JsValue> {
        self.s.set_activation(l, name).map_err(js)
    }

    pub fn set_granularity(&mut self, name: &str) -> Result<(), JsValue> {
        self.s.set_granularity(name).map_err(js)
    }

    /// `n` training updates; returns the mean training loss.
    pub fn train(&mut self, n: f64) -> Result<f64, JsValue> {
        if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0) {
            return Err(js(format!("train: {n} is not a whole number of steps")));
        }
        self.s.train(n as u64).map_err(js)
    }

    /// Up to `max_steps` updates within `budget_ms` milliseconds (one animation frame's
    /// share); returns the updates made. The page stays responsive at any speed.
    pub fn train_for(&mut self, max_steps: f64, budget_ms: f64) -> Result<f64, JsValue> {
        if !(max_steps.is_finite() && max_steps >= 0.0 && budget_ms.is_finite() && budget_ms > 0.0)
        {
            return Err(js("train_for: bad step count or time budget".into()));
        }
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = move || perf.as_ref().map_or(0.0, |p| p.now());
        let start = now();
        self.s
            .train_until(max_steps.min(1e7) as u64, || now() - start < budget_ms)
            .map(|n| n as f64)
            .map_err(js)
    }

    /// True once training has diverged (and stopped).
    pub fn diverged(&self) -> bool {
        self.s.diverged()
    }

    pub fn train_epoch(&mut self) -> Result<f64, JsValue> {
        self.s.train_epoch().map_err(js)
    }

    pub fn add_layer(&mut self) -> Result<(), JsValue> {
        self.s.add_layer().map_err(js)
    }

    pub fn remove_layer(&mut self) -> Result<(), JsValue> {
        self.s.remove_layer().map_err(js)
    }

    /// Adds (`delta` = 1) or removes (−1) a unit of hidden layer `l`.
    pub fn resize_layer(&mut self, l: usize, delta: i32) -> Result<(), JsValue> {
        self.s.resize_layer(l, delta).map_err(js)
    }

    pub fn set_init(&mut self, name: &str) -> Result<(), JsValue> {
        self.s.set_init(name).map_err(js)
    }

    pub fn set_batch_size(&mut self, n: usize) -> Result<(), JsValue> {
        self.s.set_batch_size(n).map_err(js)
    }

    pub fn set_weight_decay(&mut self, v: f64) -> Result<(), JsValue> {
        self.s.set_weight_decay(v).map_err(js)
    }

    pub fn set_dataset(
        &mut self,
        kind: &str,
        points: usize,
        noise: f64,
        test_fraction: f64,
        seed: f64,
    ) -> Result<(), JsValue> {
        if !(seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0 && seed < 9.0e15) {
            return Err(js(format!("seed: {seed} is not a whole number ≥ 0")));
        }
        self.s
            .set_dataset(kind, points, noise, test_fraction, seed as u64)
            .map_err(js)
    }

    pub fn reset_weights(&mut self) -> Result<(), JsValue> {
        self.s.reset_weights().map_err(js)
    }

    pub fn new_weights(&mut self) -> Result<(), JsValue> {
        self.s.new_weights().map_err(js)
    }

    /// The next mini-batch update, step by step, as JSON.
    pub fn batch_walk(&self) -> Result<String, JsValue> {
        self.s.batch_walk().map(|v| v.to_string()).map_err(js)
    }

    /// The network (`"network"`) or the computation graph (`"graph"`) at the cursor as an
    /// SVG document, drawn by the same code as the canvas.
    pub fn svg(&self, view: &str, lang: &str, width: u32, height: u32) -> Result<String, JsValue> {
        let (t, c, theme) = (self.s.trace(), self.s.cursor(), Theme::light());
        if !(200..=8000).contains(&width) || !(100..=8000).contains(&height) {
            return Err(js(
                "svg: size out of range (200 to 8000 by 100 to 8000 pixels)".into(),
            ));
        }
        match view {
            "network" => network::svg(t, c, None, &theme, lang, (width, height)),
            "graph" => graph::svg(t, c, &theme, lang, width),
            other => Err(format!(
                "svg: unknown view \"{}\" (expected network or graph)",
                json::clip(other)
            )),
        }
        .map_err(js)
    }

    /// What step `i` asks a student to predict, as JSON (`null`: nothing).
    pub fn question(&self, i: usize) -> String {
        self.s.question(i).to_string()
    }

    /// Checks a prediction of step `i`'s value: `{correct, value, symbol}` as JSON.
    pub fn check(&self, i: usize, guess: f64) -> Result<String, JsValue> {
        self.s.check(i, guess).map(|v| v.to_string()).map_err(js)
    }

    /// Loads a new homework problem drawn from `seed` (2-2-2 … as "2,3,2").
    pub fn new_exercise(
        &mut self,
        seed: f64,
        sizes: &str,
        activation: &str,
    ) -> Result<(), JsValue> {
        let sizes: Vec<usize> = sizes
            .split(',')
            .map(|s| s.trim().parse::<usize>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                js(format!(
                    "exercise: \"{}\" is not a list of layer sizes",
                    json::clip(sizes)
                ))
            })?;
        if !(seed.is_finite() && (0.0..9.0e15).contains(&seed)) {
            return Err(js("exercise: the seed must be a whole number ≥ 0".into()));
        }
        self.s
            .new_exercise(seed as u64, &sizes, activation)
            .map_err(js)
    }

    /// The data points (train and test), as JSON.
    pub fn points(&self) -> String {
        self.s.points().to_string()
    }

    pub fn export_state(&self) -> String {
        self.s.export_state()
    }

    /// The worked example as `markdown`, `latex`, `json` or `text`.
    pub fn document(&self, format: &str, lang: &str) -> Result<String, JsValue> {
        self.s.document(format, lang).map_err(js)
    }

    /// Draws the network view; `opts` is JSON {width, height, dpr, dark, zoom, lang, selected}.
    pub fn draw_network(&self, canvas: HtmlCanvasElement, opts: &str) -> Result<(), JsValue> {
        let o = DrawOpts::parse(opts)?;
        let (w, h) = o.size(&canvas);
        let theme = o.theme();
        let t = self.s.trace();
        let lay = layout::layout(&t.pass.network.sizes(), w as f64, h as f64, theme.scale);
        let canvas2 = canvas.clone();
        let maps = o.unit_maps && t.pass.network.inputs() == 2 && self.s.saved().dataset.is_some();
        let (c, sel) = (self.s.cursor(), o.selected.as_ref());
        paint(canvas, |root| {
            network::draw(root, t, c, sel, &lay, &theme, &o.lang, maps)
        })?;
        if maps {
            // What each unit computes, in the square inside its circle.
            let dom = Domain::around(&self.s.data().0.inputs);
            let side = (lay.radius * 1.3).floor().max(4.0);
            let n = 16usize;
            let cell = ((side / n as f64).floor() as usize).max(1);
            let maps = heatmap::unit_rgba(&t.pass.network, &dom, n, cell, &theme);
            let px = (n * cell) as f64;
            let ctx = crate::canvas::context_2d(&canvas2)?;
            for (l, units) in maps.iter().enumerate() {
                for (i, rgba) in units.iter().enumerate() {
                    let (x, y) = lay.columns[l + 1][i];
                    let (side, x0, y0) = (
                        (n * cell) as u32,
                        (x - px / 2.0).round(),
                        (y - px / 2.0).round(),
                    );
                    put_rgba(&ctx, rgba, side, side, x0, y0)?;
                }
            }
        }
        Ok(())
    }

    /// What the network view has at CSS pixel (x, y), as JSON (`null` for nothing).
    pub fn hit_network(&self, x: f64, y: f64, opts: &str) -> Result<String, JsValue> {
        let o = DrawOpts::parse(opts)?;
        let s = o.dpr * o.zoom;
        let lay = layout::layout(
            &self.s.trace().pass.network.sizes(),
            o.width * o.dpr,
            o.height * o.dpr,
            s,
        );
        Ok(json::to_value(&lay.hit(x * o.dpr, y * o.dpr)).to_string())
    }

    /// Draws what the network learned: the decision-boundary heatmap with the data for
    /// 2-D inputs (one `putImageData`), the fitted curve for 1-D regression.
    pub fn draw_data(&self, canvas: HtmlCanvasElement, opts: &str) -> Result<(), JsValue> {
        let o = DrawOpts::parse(opts)?;
        let (w, h) = o.size(&canvas);
        let theme = o.theme();
        let net = &self.s.problem().network;
        let (train, test) = self.s.data();
        let points: Vec<data_plot::Point> = train
            .inputs
            .iter()
            .zip(&train.targets)
            .map(|(x, t)| data_plot::Point { x, t, test: false })
            .chain(
                test.inputs
                    .iter()
                    .zip(&test.targets)
                    .map(|(x, t)| data_plot::Point { x, t, test: true }),
            )
            .collect();
        let canvas2 = canvas.clone();
        if net.inputs() != 2 {
            if net.inputs() == 1 && net.outputs() == 1 {
                return paint(canvas, |root| {
                    data_plot::draw_fit(root, net, &points, &theme, &o.lang)
                });
            }
            return Err(js("this view needs a network with 1 or 2 inputs".into()));
        }
        let dom = Domain::around(train.inputs.iter().chain(&test.inputs));
        // Coarser cells while training keep a frame short; finer at rest.
        let cell = ((if o.all { 8.0 } else { 4.0 }) * o.dpr).round().max(1.0) as usize;
        let (nx, ny) = ((w as usize).div_ceil(cell), (h as usize).div_ceil(cell));
        let rgba = heatmap::output_rgba(net, &dom, nx, ny, cell, &theme);
        put_rgba(
            &crate::canvas::context_2d(&canvas2)?,
            &rgba,
            (nx * cell) as u32,
            (ny * cell) as u32,
            0.0,
            0.0,
        )?;
        crate::canvas::scatter(&canvas2, &points, &dom, &theme)
    }

    /// Draws the loss curve of the training run (`opts.log` for a log scale).
    pub fn draw_loss(&self, canvas: HtmlCanvasElement, opts: &str) -> Result<(), JsValue> {
        let o = DrawOpts::parse(opts)?;
        o.size(&canvas);
        let (points, has_test) = self.s.history();
        paint(canvas, |root| {
            loss_curve::draw(root, &points, has_test, o.log, &o.theme(), &o.lang)
        })
    }

    /// Draws ‖δ(l)‖ and ‖∂L/∂W(l)‖ per layer at the cursor, log scale.
    pub fn draw_gradients(&self, canvas: HtmlCanvasElement, opts: &str) -> Result<(), JsValue> {
        let o = DrawOpts::parse(opts)?;
        o.size(&canvas);
        let (d, w) = self.s.gradient_norms(o.all);
        paint(canvas, |root| {
            gradient_flow::draw(root, &d, &w, &o.theme(), &o.lang)
        })
    }

    /// Draws the computation graph.
    pub fn draw_graph(&self, canvas: HtmlCanvasElement, opts: &str) -> Result<(), JsValue> {
        let o = DrawOpts::parse(opts)?;
        o.size(&canvas);
        let (t, c) = (self.s.trace(), self.s.cursor());
        paint(canvas, |root| graph::draw(root, t, c, &o.theme(), &o.lang))
    }

    /// The CSS height the graph wants at a CSS width (it wraps into rows).
    pub fn graph_height(&self, width: f64) -> f64 {
        graph::height(self.s.trace().pass.depth(), width)
    }

    /// Draws the activation curves of `opts.layer` (default: the current step's layer).
    pub fn draw_curves(&self, canvas: HtmlCanvasElement, opts: &str) -> Result<(), JsValue> {
        let o = DrawOpts::parse(opts)?;
        o.size(&canvas);
        let theme = o.theme();
        let t = self.s.trace();
        let c = self.s.cursor();
        let l = o
            .layer
            .or(t.steps[c].layer)
            .unwrap_or(0)
            .min(t.pass.depth() - 1);
        let act = t.pass.network.layers[l].activation;
        let z = &t.pass.forward.z[l];
        let marks = curves::Marks {
            z: (0..z.len())
                .filter(|&i| t.shows_z(l, i, c))
                .map(|i| z[i])
                .collect(),
            selected: t.steps[c].neuron.filter(|_| t.steps[c].layer == Some(l)),
        };
        let labels = curves::labels(act, Some(l), &o.lang);
        paint(canvas, |root| {
            curves::draw(root, act, &marks, &labels, &theme)
        })
    }
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

/// The presets' names, titles and descriptions (both languages), as JSON.
#[wasm_bindgen]
pub fn presets() -> String {
    crate::preset::catalogue().to_string()
}

/// The activation names, as JSON.
#[wasm_bindgen]
pub fn activations() -> String {
    json::to_value(&crate::activation::Activation::ALL.map(|a| a.name())).to_string()
}
