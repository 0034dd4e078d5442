//! A picture recorded as a list of drawing operations, then replayed onto a target.
//! Every view draws once into a [`Recorder`], so the drawing code is compiled once
//! (not once per backend), and the canvas replay can batch runs of same-style lines.

use plotters::prelude::*;
use plotters_backend::text_anchor::Pos;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontFamily,
    FontStyle, FontTransform,
};

/// A colour with opacity: `(r, g, b)` and alpha in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ink {
    pub rgb: (u8, u8, u8),
    pub alpha: f64,
}

impl From<BackendColor> for Ink {
    fn from(c: BackendColor) -> Ink {
        Ink {
            rgb: c.rgb,
            alpha: c.alpha,
        }
    }
}

impl From<Ink> for BackendColor {
    fn from(c: Ink) -> BackendColor {
        BackendColor {
            rgb: c.rgb,
            alpha: c.alpha,
        }
    }
}

impl Ink {
    /// As CSS: `rgba(r,g,b,a)`.
    pub fn css(&self) -> String {
        let (r, g, b) = self.rgb;
        format!("rgba({r},{g},{b},{})", self.alpha)
    }
}

/// A stroke (or fill) colour with a line width in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    pub ink: Ink,
    pub width: u32,
}

impl BackendStyle for Stroke {
    fn color(&self) -> BackendColor {
        self.ink.into()
    }
    fn stroke_width(&self) -> u32 {
        self.width
    }
}

fn stroke<S: BackendStyle>(s: &S) -> Stroke {
    Stroke {
        ink: s.color().into(),
        width: s.stroke_width(),
    }
}

/// A text style that owns its family name, so it can be kept and replayed.
#[derive(Clone)]
pub struct Font {
    pub family: String,
    pub size: f64,
    pub style: FontStyle,
    pub ink: Ink,
    pub anchor: Pos,
    /// Clockwise rotation in quarter turns (0 to 3).
    pub quarter_turns: u8,
}

impl Font {
    fn of<S: BackendTextStyle>(s: &S) -> Font {
        Font {
            family: s.family().as_str().to_string(),
            size: s.size(),
            style: s.style(),
            ink: s.color().into(),
            anchor: s.anchor(),
            quarter_turns: match s.transform() {
                FontTransform::None => 0,
                FontTransform::Rotate90 => 1,
                FontTransform::Rotate180 => 2,
                FontTransform::Rotate270 => 3,
            },
        }
    }

    /// As a CSS font shorthand: `normal 12px sans-serif`.
    pub fn css(&self) -> String {
        format!("{} {}px {}", self.style.as_str(), self.size, self.family)
    }
}

impl BackendTextStyle for Font {
    type FontError = std::fmt::Error;

    fn color(&self) -> BackendColor {
        self.ink.into()
    }
    fn size(&self) -> f64 {
        self.size
    }
    fn transform(&self) -> FontTransform {
        match self.quarter_turns {
            1 => FontTransform::Rotate90,
            2 => FontTransform::Rotate180,
            3 => FontTransform::Rotate270,
            _ => FontTransform::None,
        }
    }
    fn style(&self) -> FontStyle {
        self.style
    }
    fn anchor(&self) -> Pos {
        self.anchor
    }
    fn family(&self) -> FontFamily<'_> {
        // Not `FontFamily::from`, which lowercases (and so links Unicode case tables).
        match self.family.as_str() {
            "serif" => FontFamily::Serif,
            "sans-serif" => FontFamily::SansSerif,
            "monospace" => FontFamily::Monospace,
            name => FontFamily::Name(name),
        }
    }
    /// A width estimate (0.6 em per character); replay targets measure for themselves.
    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), std::fmt::Error> {
        let w = (text.chars().count() as f64 * self.size * 0.6).ceil() as i32;
        Ok(((0, 0), (w, self.size.ceil() as i32)))
    }
    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        _text: &str,
        _pos: BackendCoord,
        _draw: F,
    ) -> Result<Result<(), E>, std::fmt::Error> {
        Ok(Ok(()))
    }
}

/// One drawing operation, in device pixels.
#[derive(Clone)]
pub enum Op {
    Pixel(BackendCoord, Ink),
    Line(BackendCoord, BackendCoord, Stroke),
    Rect(BackendCoord, BackendCoord, Stroke, bool),
    Path(Vec<BackendCoord>, Stroke),
    Circle(BackendCoord, u32, Stroke, bool),
    Polygon(Vec<BackendCoord>, Ink),
    Text(String, Font, BackendCoord),
    Bitmap(BackendCoord, (u32, u32), Vec<u8>),
}

impl Op {
    /// The rows `[top, bottom)` of device pixels this operation can touch, with room for
    /// line width and antialiasing; `None` when not known (turned text): drawn always.
    /// A canvas drawn in bands replays only what touches each band.
    pub fn rows(&self) -> Option<(i32, i32)> {
        let span = |pts: &mut dyn Iterator<Item = i32>, pad: i32| {
            let (lo, hi) = pts.fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
            (lo <= hi).then(|| (lo - pad, hi + pad + 1))
        };
        let pad = |s: &Stroke| s.width as i32 + 1;
        match self {
            Op::Pixel(p, _) => Some((p.1, p.1 + 1)),
            Op::Line(a, b, s) | Op::Rect(a, b, s, _) => span(&mut [a.1, b.1].into_iter(), pad(s)),
            Op::Path(pts, s) => span(&mut pts.iter().map(|p| p.1), pad(s)),
            Op::Polygon(pts, _) => span(&mut pts.iter().map(|p| p.1), 1),
            Op::Circle(c, r, s, _) => {
                let r = *r as i32 + pad(s);
                Some((c.1 - r, c.1 + r + 1))
            }
            // Whatever the anchor, a line of text lies within two font sizes of it.
            Op::Text(_, f, p) if f.quarter_turns % 2 == 0 => {
                let h = (2.0 * f.size).ceil() as i32 + 1;
                Some((p.1 - h, p.1 + h))
            }
            Op::Text(..) => None,
            Op::Bitmap(p, (_, h), _) => Some((p.1, p.1 + *h as i32)),
        }
    }

    /// True when the operation can touch a row of `band` (`[top, bottom)`).
    pub fn touches(&self, band: (i32, i32)) -> bool {
        self.rows().is_none_or(|(a, b)| a < band.1 && band.0 < b)
    }
}

/// Measures text as the target will draw it: `(width, height)` in pixels.
pub type Measure<'a> = &'a dyn Fn(&str, &Font) -> (u32, u32);

/// A [`DrawingBackend`] that records into `out` instead of drawing.
pub struct Recorder<'a> {
    size: (u32, u32),
    out: &'a mut Vec<Op>,
    measure: Option<Measure<'a>>,
}

impl<'a> Recorder<'a> {
    /// Records a picture of `size` pixels; without `measure`, text widths are estimated.
    pub fn new(size: (u32, u32), out: &'a mut Vec<Op>, measure: Option<Measure<'a>>) -> Self {
        Recorder { size, out, measure }
    }
}

type Done<T> = Result<T, DrawingErrorKind<std::fmt::Error>>;

impl DrawingBackend for Recorder<'_> {
    type ErrorType = std::fmt::Error;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> Done<()> {
        Ok(())
    }
    fn present(&mut self) -> Done<()> {
        Ok(())
    }
    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> Done<()> {
        self.out.push(Op::Pixel(p, c.into()));
        Ok(())
    }
    fn draw_line<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, s: &S) -> Done<()> {
        self.out.push(Op::Line(a, b, stroke(s)));
        Ok(())
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        s: &S,
        fill: bool,
    ) -> Done<()> {
        self.out.push(Op::Rect(ul, br, stroke(s), fill));
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        s: &S,
    ) -> Done<()> {
        self.out
            .push(Op::Path(path.into_iter().collect(), stroke(s)));
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        c: BackendCoord,
        r: u32,
        s: &S,
        fill: bool,
    ) -> Done<()> {
        self.out.push(Op::Circle(c, r, stroke(s), fill));
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        s: &S,
    ) -> Done<()> {
        self.out
            .push(Op::Polygon(vert.into_iter().collect(), s.color().into()));
        Ok(())
    }
    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, s: &S, p: BackendCoord) -> Done<()> {
        self.out.push(Op::Text(text.to_string(), Font::of(s), p));
        Ok(())
    }
    fn estimate_text_size<S: BackendTextStyle>(&self, text: &str, s: &S) -> Done<(u32, u32)> {
        if let Some(m) = self.measure {
            return Ok(m(text, &Font::of(s)));
        }
        let ((x0, y0), (x1, y1)) = s
            .layout_box(text)
            .unwrap_or(((0, 0), (0, s.size().ceil() as i32)));
        Ok(((x1 - x0).max(0) as u32, (y1 - y0).max(0) as u32))
    }
    fn blit_bitmap(&mut self, p: BackendCoord, size: (u32, u32), src: &[u8]) -> Done<()> {
        self.out.push(Op::Bitmap(p, size, src.to_vec()));
        Ok(())
    }
}

/// Records a picture: `draw` gets the root drawing area of a `size` recorder.
pub fn record(
    size: (u32, u32),
    measure: Option<Measure<'_>>,
    draw: impl FnOnce(&DrawingArea<Recorder<'_>, plotters::coord::Shift>) -> Result<(), String>,
) -> Result<Vec<Op>, String> {
    let mut ops = Vec::new();
    {
        let root = Recorder::new(size, &mut ops, measure).into_drawing_area();
        draw(&root)?;
    }
    Ok(ops)
}

/// Replays one operation onto any backend.
pub fn replay_op<DB: DrawingBackend>(
    db: &mut DB,
    op: &Op,
) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
    match op {
        Op::Pixel(p, c) => db.draw_pixel(*p, (*c).into()),
        Op::Line(a, b, s) => db.draw_line(*a, *b, s),
        Op::Rect(a, b, s, fill) => db.draw_rect(*a, *b, s, *fill),
        Op::Path(pts, s) => db.draw_path(pts.iter().copied(), s),
        Op::Circle(c, r, s, fill) => db.draw_circle(*c, *r, s, *fill),
        Op::Polygon(pts, c) => db.fill_polygon(pts.iter().copied(), &Stroke { ink: *c, width: 0 }),
        Op::Text(t, f, p) => db.draw_text(t, f, *p),
        Op::Bitmap(p, size, data) => db.blit_bitmap(*p, *size, data),
    }
}

/// The picture as an SVG document.
pub fn to_svg(ops: &[Op], size: (u32, u32)) -> Result<String, String> {
    let mut out = String::new();
    {
        let mut svg = SVGBackend::with_string(&mut out, size);
        for op in ops {
            replay_op(&mut svg, op).map_err(super::err)?;
        }
        svg.present().map_err(super::err)?;
    }
    Ok(out)
}

/// Records with `draw` and returns the SVG (text widths estimated, as natively).
pub fn svg(
    size: (u32, u32),
    measure: Option<Measure<'_>>,
    draw: impl FnOnce(&DrawingArea<Recorder<'_>, plotters::coord::Shift>) -> Result<(), String>,
) -> Result<String, String> {
    to_svg(&record(size, measure, draw)?, size)
}
