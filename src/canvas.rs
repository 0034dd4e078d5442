//! plotters' canvas backend with text measured by the canvas itself (`measureText`).
//! plotters' default web measurement inserts a styled `<span>` per label, which a
//! strict Content-Security-Policy blocks and which forces a page layout each time.

use plotters::prelude::*;
use plotters_backend::{BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// A [`CanvasBackend`] that answers `estimate_text_size` from `measureText`.
pub struct MeasuredCanvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
}

impl MeasuredCanvas {
    pub fn new(canvas: HtmlCanvasElement) -> Option<MeasuredCanvas> {
        let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        let inner = CanvasBackend::with_canvas_object(canvas)?;
        Some(MeasuredCanvas { inner, context })
    }
}

type Error = <CanvasBackend as DrawingBackend>::ErrorType;

impl DrawingBackend for MeasuredCanvas {
    type ErrorType = Error;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: plotters_backend::BackendColor,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.draw_rect(ul, br, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Error>> {
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        ));
        let width = self
            .context
            .measure_text(text)
            .map(|m| m.width())
            .unwrap_or(0.0);
        Ok((
            width.ceil().max(0.0) as u32,
            style.size().ceil().max(0.0) as u32,
        ))
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (w, h): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Error>> {
        self.inner.blit_bitmap(pos, (w, h), src)
    }
}

/// Draws many data points in four batched paths (train/test × class) instead of one
/// plotters element each: a scatter of hundreds of points costs a few canvas calls.
pub fn scatter(
    canvas: &HtmlCanvasElement,
    points: &[crate::render::data_plot::Point],
    dom: &crate::render::heatmap::Domain,
    theme: &crate::render::Theme,
) -> Result<(), wasm_bindgen::JsValue> {
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no 2-D canvas"))?
        .dyn_into()?;
    let (w, h) = (canvas.width() as f64, canvas.height() as f64);
    let s = theme.scale;
    let r = if points.len() > 50 { 4.0 } else { 6.0 } * s;
    let css = |c: plotters::style::RGBColor| format!("rgb({},{},{})", c.0, c.1, c.2);
    for test in [false, true] {
        for class in [false, true] {
            ctx.begin_path();
            for p in points
                .iter()
                .filter(|p| p.test == test && crate::render::data_plot::class(p.t) == class)
            {
                let (x, y) = dom.to_px(p.x, w, h);
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
