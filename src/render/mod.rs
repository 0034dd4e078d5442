//! Drawing, generic over plotters' `DrawingBackend`: the same code draws on a `<canvas>`
//! in the browser and to SVG natively. One module per picture; errors become strings.

pub mod curves;
pub mod data_plot;
pub mod frame;
pub mod gradient_flow;
pub mod graph;
pub mod heatmap;
pub mod im2col;
pub mod layers;
pub mod layout;
pub mod loss_curve;
pub mod maps;
pub mod network;
pub mod recorder;

use plotters::chart::{ChartBuilder, MeshStyle};
use plotters::coord::ranged1d::Ranged;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::RGBColor;

/// Colours and type size of a picture. The sign colours are the Okabe–Ito blue and
/// vermillion, which red–green colour-blind viewers tell apart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    pub background: RGBColor,
    pub text: RGBColor,
    pub muted: RGBColor,
    pub grid: RGBColor,
    /// Positive values, and the curve f.
    pub positive: RGBColor,
    /// Negative values, and the curve f′.
    pub negative: RGBColor,
    /// Highlights: the current step, markers.
    pub accent: RGBColor,
    /// Multiplies every font size (presenter mode is larger).
    pub scale: f64,
}

impl Theme {
    /// Dark ink on white, for the page and for printed notes.
    pub fn light() -> Theme {
        Theme {
            background: RGBColor(255, 255, 255),
            text: RGBColor(28, 32, 40),
            muted: RGBColor(110, 118, 130),
            grid: RGBColor(228, 231, 236),
            positive: RGBColor(0, 114, 178),
            negative: RGBColor(213, 94, 0),
            accent: RGBColor(0, 158, 115),
            scale: 1.0,
        }
    }

    /// Light ink on near-black, high contrast for a projector.
    pub fn dark() -> Theme {
        Theme {
            background: RGBColor(16, 18, 24),
            text: RGBColor(240, 242, 246),
            muted: RGBColor(160, 168, 180),
            grid: RGBColor(52, 58, 70),
            positive: RGBColor(86, 180, 233),
            negative: RGBColor(230, 159, 0),
            accent: RGBColor(0, 200, 150),
            scale: 1.0,
        }
    }

    /// This theme with fonts scaled by `s`.
    pub fn scaled(mut self, s: f64) -> Theme {
        self.scale = s;
        self
    }

    /// The charts' text: sans-serif at `px` (scaled) in the ink colour.
    pub fn text_style(&self, px: f64) -> plotters::style::TextStyle<'static> {
        use plotters::style::{Color, FontFamily, IntoFont};
        (FontFamily::SansSerif, self.font(px))
            .into_font()
            .color(&self.text.to_rgba())
    }

    /// Labels in the network and graph views: sans-serif at `px` (scaled) in `ink`,
    /// centred on the point given.
    pub fn centred(&self, px: f64, ink: RGBColor) -> plotters::style::TextStyle<'static> {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        use plotters::style::{FontFamily, IntoFont};
        (FontFamily::SansSerif, self.font(px))
            .into_font()
            .color(&ink)
            .pos(Pos::new(HPos::Center, VPos::Center))
    }

    /// A small chart's frame in this theme: a 14 px caption, 8 px margin, room for the
    /// x labels and `y_area` pixels (unscaled) for the y labels.
    pub fn chart<'a, 'b, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        title: &str,
        y_area: f64,
    ) -> ChartBuilder<'a, 'b, DB> {
        let mut c = ChartBuilder::on(area);
        c.caption(title, self.text_style(14.0))
            .margin(self.font(8.0) as i32)
            .x_label_area_size(self.font(26.0) as i32)
            .y_label_area_size(self.font(y_area) as i32);
        c
    }

    /// A chart's mesh in this theme: grid lines, muted axes, 11 px labels.
    pub fn mesh<'m, 'a, 'b, X: Ranged, Y: Ranged, DB: DrawingBackend>(
        &self,
        mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    ) -> &'m mut MeshStyle<'a, 'b, X, Y, DB> {
        mesh.light_line_style(self.grid)
            .bold_line_style(self.grid)
            .axis_style(self.muted)
            .label_style(self.text_style(11.0))
    }

    /// A font size in pixels, scaled.
    pub fn font(&self, px: f64) -> f64 {
        px * self.scale
    }
}

/// Turns a backend error into a readable string (errors cross the boundary as text).
pub fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("drawing failed: {e:?}")
}
