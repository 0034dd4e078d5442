//! Recorded pictures drawn on a `<canvas>`, with text measured by the canvas itself
//! (`measureText`). plotters' default web measurement inserts a styled `<span>` per
//! label, which a strict Content-Security-Policy blocks and which forces a layout.

use crate::render::recorder::{replay_op, Font, Ink, Op, Stroke};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::BackendCoord;
use plotters_canvas::CanvasBackend;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// A [`CanvasBackend`] that answers `estimate_text_size` from `measureText`, and
/// replays recorded pictures with as few canvas calls as it can.
pub struct MeasuredCanvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
    /// The font last set on the context (setting it again is not free).
    font: RefCell<String>,
}

impl MeasuredCanvas {
    pub fn new(canvas: HtmlCanvasElement) -> Option<MeasuredCanvas> {
        let context = context_2d(&canvas).ok()?;
        let inner = CanvasBackend::with_canvas_object(canvas)?;
        Some(MeasuredCanvas {
            inner,
            context,
            font: RefCell::new(String::new()),
        })
    }

    pub fn size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn set_font(&self, css: String) {
        let mut last = self.font.borrow_mut();
        if *last != css {
            self.context.set_font(&css);
            *last = css;
        }
    }

    /// Text size as the canvas will draw it: `measureText` width, font-size height.
    pub fn measure(&self, text: &str, font: &Font) -> (u32, u32) {
        self.set_font(font.css());
        let width = self
            .context
            .measure_text(text)
            .map(|m| m.width())
            .unwrap_or(0.0);
        (
            width.ceil().max(0.0) as u32,
            font.size.ceil().max(0.0) as u32,
        )
    }

    /// Draws a recorded picture. Consecutive lines and paths of one style become one
    /// canvas path (a network's hundreds of edges cost a few strokes), and text styles
    /// are set only when they change.
    pub fn replay(&mut self, ops: &[Op]) -> Result<(), String> {
        self.replay_refs(&ops.iter().collect::<Vec<_>>())
    }

    /// Draws the rows `bands` (`[top, bottom)` device pixels, across the whole width) of
    /// a recorded picture as [`replay`](Self::replay) draws them: each band is cleared,
    /// then every operation that touches one is drawn, in order, clipped to the bands. So a
    /// tall canvas can be drawn where it is seen first and elsewhere after the frame.
    pub fn replay_bands(&mut self, ops: &[Op], bands: &[(i32, i32)]) -> Result<(), String> {
        let ctx = self.context.clone();
        let width = f64::from(self.size().0);
        ctx.save();
        ctx.begin_path();
        for &(a, b) in bands {
            ctx.rect(0.0, f64::from(a), width, f64::from(b - a));
        }
        ctx.clip();
        for &(a, b) in bands {
            ctx.clear_rect(0.0, f64::from(a), width, f64::from(b - a));
        }
        let touching: Vec<&Op> = ops
            .iter()
            .filter(|op| bands.iter().any(|&band| op.touches(band)))
            .collect();
        let done = self.replay_refs(&touching);
        // Restoring brings back the context's font as it was before the replay.
        ctx.restore();
        self.font.borrow_mut().clear();
        done
    }

    fn replay_refs(&mut self, ops: &[&Op]) -> Result<(), String> {
        let ctx = self.context.clone();
        let mut text_style: Option<(&'static str, &'static str)> = None;
        // The context's fill and stroke styles as last set here (None: unknown).
        let mut fill: Option<Ink> = None;
        let mut stroke: Option<Stroke> = None;
        let mut k = 0;
        while k < ops.len() {
            match ops[k] {
                Op::Line(_, _, s) | Op::Path(_, s) => {
                    let s = *s;
                    ctx.begin_path();
                    while let Some(Op::Line(_, _, t) | Op::Path(_, t)) = ops.get(k) {
                        if *t != s {
                            break;
                        }
                        match ops[k] {
                            Op::Line(a, b, _) => {
                                let (a, b) = crisp(*a, *b);
                                ctx.move_to(a.0, a.1);
                                ctx.line_to(b.0, b.1);
                            }
                            Op::Path(pts, _) => {
                                for (n, p) in pts.iter().enumerate() {
                                    let (x, y) = (f64::from(p.0), f64::from(p.1));
                                    if n == 0 {
                                        ctx.move_to(x, y);
                                    } else {
                                        ctx.line_to(x, y);
                                    }
                                }
                            }
                            _ => unreachable!("the loop only takes lines and paths"),
                        }
                        k += 1;
                    }
                    if s.ink.alpha > 0.0 {
                        set_stroke(&ctx, &mut stroke, s);
                        ctx.stroke();
                    }
                    continue;
                }
                // A rectangle as plotters' canvas backend draws it, without its colour
                // string and style per call: a feature map is hundreds of cells.
                // Consecutive outlines of one style (a grid's cell borders) are one path.
                Op::Rect(a, b, s, filled) => {
                    let rect = |a: &BackendCoord, b: &BackendCoord| {
                        let (x, y) = (f64::from(a.0), f64::from(a.1));
                        (x, y, f64::from(b.0) - x, f64::from(b.1) - y)
                    };
                    if *filled {
                        if s.ink.alpha > 0.0 {
                            let (x, y, w, h) = rect(a, b);
                            set_fill(&ctx, &mut fill, s.ink);
                            ctx.fill_rect(x, y, w, h);
                        }
                    } else {
                        let s = *s;
                        ctx.begin_path();
                        while let Some(Op::Rect(a, b, t, false)) = ops.get(k) {
                            if *t != s {
                                break;
                            }
                            let (x, y, w, h) = rect(a, b);
                            ctx.rect(x, y, w, h);
                            k += 1;
                        }
                        if s.ink.alpha > 0.0 {
                            set_stroke(&ctx, &mut stroke, s);
                            ctx.stroke();
                        }
                        continue;
                    }
                }
                // A run of opaque circles of one style (a curve's marks) is one path: where
                // opaque circles overlap, filling or stroking once paints what one
                // call each would.
                Op::Circle(_, _, s, filled) if s.ink.alpha >= 1.0 => {
                    let (s, filled) = (*s, *filled);
                    ctx.begin_path();
                    while let Some(Op::Circle(c, r, t, f)) = ops.get(k) {
                        if (*t, *f) != (s, filled) {
                            break;
                        }
                        let (x, y, r) = (f64::from(c.0), f64::from(c.1), f64::from(*r));
                        ctx.move_to(x + r, y);
                        ctx.arc(x, y, r, 0.0, std::f64::consts::TAU)
                            .map_err(|e| format!("drawing failed: {e:?}"))?;
                        k += 1;
                    }
                    if filled {
                        set_fill(&ctx, &mut fill, s.ink);
                        ctx.fill();
                    } else {
                        set_stroke(&ctx, &mut stroke, s);
                        ctx.stroke();
                    }
                    continue;
                }
                Op::Text(text, font, pos) if font.quarter_turns == 0 => {
                    if font.ink.alpha > 0.0 {
                        let align = match font.anchor.h_pos {
                            HPos::Left => "start",
                            HPos::Right => "end",
                            HPos::Center => "center",
                        };
                        let baseline = match font.anchor.v_pos {
                            VPos::Top => "top",
                            VPos::Center => "middle",
                            VPos::Bottom => "bottom",
                        };
                        if text_style != Some((align, baseline)) {
                            ctx.set_text_align(align);
                            ctx.set_text_baseline(baseline);
                            text_style = Some((align, baseline));
                        }
                        set_fill(&ctx, &mut fill, font.ink);
                        self.set_font(font.css());
                        ctx.fill_text(text, f64::from(pos.0), f64::from(pos.1))
                            .map_err(|e| format!("drawing failed: {e:?}"))?;
                    }
                }
                op => {
                    // plotters' canvas backend sets its own styles: forget ours.
                    replay_op(&mut self.inner, op).map_err(crate::render::err)?;
                    (text_style, fill, stroke) = (None, None, None);
                    self.font.borrow_mut().clear();
                }
            }
            k += 1;
        }
        Ok(())
    }
}

#[wasm_bindgen]
extern "C" {
    /// A 2-D context, for setting its styles from JS strings already made (web-sys's
    /// setters take a `&str`, copied and decoded again at every call).
    #[wasm_bindgen(js_name = CanvasRenderingContext2D)]
    type Styles;
    #[wasm_bindgen(method, setter = fillStyle)]
    fn set_fill_style(this: &Styles, css: &JsValue);
    #[wasm_bindgen(method, setter = strokeStyle)]
    fn set_stroke_style(this: &Styles, css: &JsValue);
}

/// The context's style setters.
fn styles(ctx: &CanvasRenderingContext2d) -> &Styles {
    ctx.unchecked_ref()
}

/// Slots of the cache of colour strings (a power of two).
const INK_SLOTS: usize = 256;

thread_local! {
    /// Each ink's CSS as a JS string, made once: a map's hundreds of cells share a few
    /// dozen colours from frame to frame. Direct-mapped (an ink whose slot is taken
    /// replaces it): no hash map in the first module.
    static INKS: RefCell<Vec<Option<(Ink, JsValue)>>> = RefCell::new(vec![None; INK_SLOTS]);
}

/// `ink` as a CSS colour string on the JS side.
fn css(ink: Ink) -> JsValue {
    let (r, g, b) = ink.rgb;
    let mix = (u64::from(r) << 16 | u64::from(g) << 8 | u64::from(b)) ^ ink.alpha.to_bits();
    let slot = (mix.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize % INK_SLOTS;
    INKS.with(|inks| {
        let mut inks = inks.borrow_mut();
        match &inks[slot] {
            Some((k, v)) if *k == ink => v.clone(),
            _ => {
                let v = JsValue::from_str(&ink.css());
                inks[slot] = Some((ink, v.clone()));
                v
            }
        }
    })
}

/// Sets the context's fill style to `ink` unless it is that already.
fn set_fill(ctx: &CanvasRenderingContext2d, last: &mut Option<Ink>, ink: Ink) {
    if *last != Some(ink) {
        styles(ctx).set_fill_style(&css(ink));
        *last = Some(ink);
    }
}

/// Sets the context's stroke style and line width to `s` unless they are that already.
fn set_stroke(ctx: &CanvasRenderingContext2d, last: &mut Option<Stroke>, s: Stroke) {
    if *last != Some(s) {
        styles(ctx).set_stroke_style(&css(s.ink));
        ctx.set_line_width(f64::from(s.width));
        *last = Some(s);
    }
}

/// Moves a horizontal or vertical line onto the half pixel, so a 1-px line stays sharp.
fn crisp(a: BackendCoord, b: BackendCoord) -> ((f64, f64), (f64, f64)) {
    let (mut a, mut b) = (
        (f64::from(a.0), f64::from(a.1)),
        (f64::from(b.0), f64::from(b.1)),
    );
    if a.0 == b.0 {
        a.0 -= 0.5;
        b.0 -= 0.5;
    }
    if a.1 == b.1 {
        a.1 -= 0.5;
        b.1 -= 0.5;
    }
    (a, b)
}

/// The canvas's 2-D context, or an error.
pub fn context_2d(
    canvas: &HtmlCanvasElement,
) -> Result<CanvasRenderingContext2d, wasm_bindgen::JsValue> {
    canvas
        .get_context("2d")?
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no 2-D canvas"))?
        .dyn_into()
        .map_err(wasm_bindgen::JsValue::from)
}

/// Puts an RGBA patch on the canvas in one call.
pub fn put_rgba(
    ctx: &CanvasRenderingContext2d,
    p: &crate::render::frame::Patch,
) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::Clamped;
    let img =
        web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(&p.rgba), p.width, p.height)?;
    ctx.put_image_data(&img, p.x, p.y)
}

/// Draws many data points in four batched paths (train/test × class) instead of one
/// plotters element each: a scatter of hundreds of points costs a few canvas calls.
pub fn scatter(
    ctx: &CanvasRenderingContext2d,
    sc: &crate::render::frame::Scatter,
    theme: &crate::render::Theme,
) -> Result<(), wasm_bindgen::JsValue> {
    let s = theme.scale;
    let r = sc.radius;
    let css = |c: plotters::style::RGBColor| format!("rgb({},{},{})", c.0, c.1, c.2);
    for test in [false, true] {
        for class in [false, true] {
            ctx.begin_path();
            for &(x, y, _, _) in sc.points.iter().filter(|p| p.3 == test && p.2 == class) {
                ctx.move_to(x + r, y);
                ctx.arc(x, y, r, 0.0, std::f64::consts::TAU)?;
            }
            let c = css(if class {
                theme.positive
            } else {
                theme.negative
            });
            if test {
                ctx.set_fill_style_str(&css(theme.background));
                ctx.fill();
                ctx.set_line_width(2.0 * s);
                ctx.set_stroke_style_str(&c);
                ctx.stroke();
            } else {
                ctx.set_fill_style_str(&c);
                ctx.fill();
                ctx.set_line_width(s.max(1.0));
                ctx.set_stroke_style_str(&css(theme.background));
                ctx.stroke();
            }
        }
    }
    Ok(())
}
