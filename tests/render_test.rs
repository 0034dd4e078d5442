//! The views as the SVG export draws them, through the one entry point every view has
//! (`frame::svg`, the page's "SVG" button and the command line's `render`). Each SVG is
//! parsed as XML and the tests check what it draws: which shapes, where, in which colour,
//! with which text, not substrings of the SVG's source.

use backprop_lab::activation::Activation;
use backprop_lab::lab::Session;
use backprop_lab::lang::Lang;
use backprop_lab::number::fmt;
use backprop_lab::render::frame::{self, Options, View};
use backprop_lab::render::Theme;
use backprop_lab::vocab::Named;
use plotters::style::RGBColor;

// ---- the SVG, parsed ------------------------------------------------------------

/// A text element: its anchor point, its text (trimmed), colour, size and alignment.
#[derive(Clone, Debug)]
struct Text {
    x: f64,
    y: f64,
    s: String,
    fill: String,
    size: f64,
    /// `start`, `middle` or `end`.
    anchor: String,
    /// The baseline shift plotters writes: `0.5ex` (centred), `0.76em` (top), `-0.5ex` (bottom).
    dy: String,
    rotated: bool,
}

#[derive(Clone, Debug)]
struct Circle {
    cx: f64,
    cy: f64,
    r: f64,
    /// `None` for `fill="none"`.
    fill: Option<String>,
    stroke: Option<String>,
    opacity: f64,
}

/// A `<polyline>`: an edge, an axis, a curve.
#[derive(Clone, Debug)]
struct Line {
    pts: Vec<(f64, f64)>,
    stroke: String,
    width: f64,
}

#[derive(Clone, Debug)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    fill: Option<String>,
    stroke: Option<String>,
}

impl Rect {
    fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x <= self.x + self.w && y >= self.y && y <= self.y + self.h
    }
}

#[derive(Debug)]
struct Svg {
    w: f64,
    h: f64,
    texts: Vec<Text>,
    circles: Vec<Circle>,
    lines: Vec<Line>,
    rects: Vec<Rect>,
    polygons: usize,
}

/// A colour as plotters writes it in SVG: `#RRGGBB`.
fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn parse(svg: &str) -> Svg {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let num = |n: roxmltree::Node, a: &str| -> f64 {
        n.attribute(a)
            .unwrap_or_else(|| panic!("<{}> without {a}", n.tag_name().name()))
            .parse()
            .unwrap_or_else(|e| panic!("<{}> {a}: {e}", n.tag_name().name()))
    };
    let paint = |n: roxmltree::Node, a: &str| -> Option<String> {
        n.attribute(a).filter(|v| *v != "none").map(str::to_string)
    };
    let mut out = Svg {
        w: num(root, "width"),
        h: num(root, "height"),
        texts: vec![],
        circles: vec![],
        lines: vec![],
        rects: vec![],
        polygons: 0,
    };
    assert_eq!(
        root.attribute("viewBox"),
        Some(format!("0 0 {} {}", out.w, out.h).as_str())
    );
    for n in root.children().filter(|n| n.is_element()) {
        match n.tag_name().name() {
            "text" => out.texts.push(Text {
                x: num(n, "x"),
                y: num(n, "y"),
                s: n.text().unwrap_or("").trim().to_string(),
                fill: n.attribute("fill").unwrap_or("").to_string(),
                size: num(n, "font-size"),
                anchor: n.attribute("text-anchor").unwrap_or("start").to_string(),
                dy: n.attribute("dy").unwrap_or("").to_string(),
                rotated: n.attribute("transform").is_some(),
            }),
            "circle" => out.circles.push(Circle {
                cx: num(n, "cx"),
                cy: num(n, "cy"),
                r: num(n, "r"),
                fill: paint(n, "fill"),
                stroke: paint(n, "stroke"),
                opacity: num(n, "opacity"),
            }),
            "polyline" => out.lines.push(Line {
                pts: n
                    .attribute("points")
                    .unwrap_or("")
                    .split_whitespace()
                    .map(|p| {
                        let (x, y) = p.split_once(',').expect("x,y");
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect(),
                stroke: n.attribute("stroke").unwrap_or("").to_string(),
                width: num(n, "stroke-width"),
            }),
            "rect" => out.rects.push(Rect {
                x: num(n, "x"),
                y: num(n, "y"),
                w: num(n, "width"),
                h: num(n, "height"),
                fill: paint(n, "fill"),
                stroke: paint(n, "stroke"),
            }),
            "polygon" => out.polygons += 1,
            "line" => {}
            other => panic!("unexpected <{other}> in the SVG"),
        }
    }
    out
}

impl Svg {
    /// Every text whose content is exactly `s`.
    fn text(&self, s: &str) -> Vec<&Text> {
        self.texts.iter().filter(|t| t.s == s).collect()
    }

    /// The one text `s` (panics if there is none or several).
    fn one(&self, s: &str) -> &Text {
        let found = self.text(s);
        assert_eq!(found.len(), 1, "one text {s:?} in {:#?}", self.strings());
        found[0]
    }

    fn has(&self, pred: impl Fn(&str) -> bool) -> bool {
        self.texts.iter().any(|t| pred(&t.s))
    }

    fn strings(&self) -> Vec<&str> {
        self.texts.iter().map(|t| t.s.as_str()).collect()
    }

    /// The texts that reach outside the picture, by their anchor or by their extent as
    /// the recorder estimates it when it lays text out (0.6 em per character, see
    /// `recorder::Font::layout_box`; 1 em for a CJK character, which is square).
    fn text_outside(&self) -> Vec<String> {
        let mut out = vec![];
        for t in &self.texts {
            if !((0.0..=self.w).contains(&t.x) && (0.0..=self.h).contains(&t.y)) {
                out.push(format!("{:?} anchored at ({}, {})", t.s, t.x, t.y));
                continue;
            }
            if t.rotated {
                continue;
            }
            let width: f64 =
                t.s.chars()
                    .map(|c| if c >= '\u{2e80}' { 1.0 } else { 0.6 })
                    .sum::<f64>()
                    * t.size;
            let (x0, x1) = match t.anchor.as_str() {
                "middle" => (t.x - width / 2.0, t.x + width / 2.0),
                "end" => (t.x - width, t.x),
                _ => (t.x, t.x + width),
            };
            let (y0, y1) = match t.dy.as_str() {
                "0.76em" => (t.y, t.y + t.size),
                "-0.5ex" => (t.y - t.size, t.y),
                _ => (t.y - t.size / 2.0, t.y + t.size / 2.0),
            };
            if x0 < -0.5 || x1 > self.w + 0.5 || y0 < -0.5 || y1 > self.h + 0.5 {
                out.push(format!(
                    "{:?} spans x {x0:.1}..{x1:.1}, y {y0:.1}..{y1:.1}",
                    t.s
                ));
            }
        }
        out
    }

    /// Every text lies inside the picture (see [`Svg::text_outside`]).
    fn assert_text_inside(&self, what: &str) {
        let out = self.text_outside();
        assert!(
            out.is_empty(),
            "{what}: text outside {}×{}: {out:#?}",
            self.w,
            self.h
        );
    }
}

/// Distance from p to the segment a–b, and where along it p falls (0 at a, 1 at b).
fn along(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let t = ((p.0 - a.0) * dx + (p.1 - a.1) * dy) / (dx * dx + dy * dy);
    let (qx, qy) = (a.0 + t * dx, a.1 + t * dy);
    (((p.0 - qx).powi(2) + (p.1 - qy).powi(2)).sqrt(), t)
}

// ---- the sessions and the views ---------------------------------------------------

fn mazur_at(step: usize) -> Session {
    let mut s = Session::from_preset("mazur").unwrap();
    s.stepper_mut().seek(step).unwrap();
    s
}

fn draw(s: &Session, view: View, size: (u32, u32), o: &Options) -> Svg {
    let text = frame::svg(s, view, size, o).unwrap();
    let svg = parse(&text);
    svg.assert_text_inside(&format!("{} at step {}", view.name(), s.stepper().cursor()));
    svg
}

fn en() -> Options {
    Options::default()
}

fn zh() -> Options {
    Options {
        lang: Lang::Zh,
        ..Options::default()
    }
}

/// The network as the page exports it (1200 × 640).
const NET: (u32, u32) = (1200, 640);

/// The unit centres of a network view, column by column (left to right), each column
/// top to bottom: one centre per distinct circle position.
fn units(svg: &Svg) -> Vec<Vec<(f64, f64)>> {
    let mut centres: Vec<(f64, f64)> = vec![];
    for c in &svg.circles {
        if !centres.contains(&(c.cx, c.cy)) {
            centres.push((c.cx, c.cy));
        }
    }
    let mut xs: Vec<f64> = centres.iter().map(|c| c.0).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    xs.iter()
        .map(|&x| {
            let mut col: Vec<(f64, f64)> = centres.iter().copied().filter(|c| c.0 == x).collect();
            col.sort_by(|a, b| a.1.total_cmp(&b.1));
            col
        })
        .collect()
}

/// The visible fill colour of the unit at `c` (the coloured disc over the white one).
fn unit_fill(svg: &Svg, c: (f64, f64), theme: &Theme) -> Option<String> {
    let bg = hex(theme.background);
    svg.circles
        .iter()
        .filter(|k| (k.cx, k.cy) == c && k.opacity > 0.0)
        .filter_map(|k| k.fill.clone())
        .rfind(|f| *f != bg)
}

/// The texts drawn inside the unit at `c` (within its radius).
fn inside(svg: &Svg, c: (f64, f64), r: f64) -> Vec<&str> {
    svg.texts
        .iter()
        .filter(|t| (t.x - c.0).powi(2) + (t.y - c.1).powi(2) <= r * r)
        .map(|t| t.s.as_str())
        .collect()
}

// ---- the network view -------------------------------------------------------------

#[test]
fn network_at_the_start_shows_the_inputs_and_weights_only() {
    let theme = Theme::light();
    let svg = draw(&mazur_at(0), View::Network, NET, &en());
    assert_eq!((svg.w, svg.h), (1200.0, 640.0));
    let cols = units(&svg);
    assert_eq!(
        cols.iter().map(Vec::len).collect::<Vec<_>>(),
        [2, 2, 2],
        "6 unit circles in 3 columns of 2"
    );
    let r = svg.circles[0].r;
    assert!(
        svg.circles.iter().all(|c| c.r == r),
        "every unit the same size"
    );
    // One ring per unit, none highlighted at the start.
    let rings: Vec<_> = svg.circles.iter().filter(|c| c.fill.is_none()).collect();
    assert_eq!(rings.len(), 6);
    assert!(rings.iter().all(|c| c.stroke == Some(hex(theme.muted))));

    // 8 edges: each joins a unit to one of the next column, every pair exactly once.
    let edges: Vec<_> = svg.lines.iter().filter(|l| l.pts.len() == 2).collect();
    assert_eq!(edges.len(), 8, "{edges:#?}");
    for l in 0..2 {
        for a in &cols[l] {
            for b in &cols[l + 1] {
                let n = edges
                    .iter()
                    .filter(|e| e.pts == [*a, *b] || e.pts == [*b, *a])
                    .count();
                assert_eq!(n, 1, "one edge {a:?} → {b:?}");
            }
        }
    }
    // All of Mazur's weights are positive: every edge in the positive colour.
    assert!(edges.iter().all(|e| e.stroke == hex(theme.positive)));
    // The weights, each on its own edge: W(l)_ij joins unit j of column l to unit i of l+1.
    let w = [[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]];
    for (l, wl) in w.iter().enumerate() {
        for (i, row) in wl.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                let t = svg.one(&v.to_string());
                let (d, at) = along((t.x, t.y), cols[l][j], cols[l + 1][i]);
                assert!(
                    d < 2.0 && at > 0.2 && at < 0.8,
                    "W({})_{}{} = {v} on its edge: {d}, {at}",
                    l + 1,
                    i + 1,
                    j + 1
                );
            }
        }
    }

    // The inputs: their values inside their units, filled in the positive colour.
    assert_eq!(inside(&svg, cols[0][0], r), ["0.05"]);
    assert_eq!(inside(&svg, cols[0][1], r), ["0.1"]);
    for c in &cols[0] {
        assert_eq!(unit_fill(&svg, *c, &theme), Some(hex(theme.positive)));
    }
    // The other units: nothing computed yet, so no fill and no value inside.
    for c in cols[1].iter().chain(&cols[2]) {
        assert_eq!(unit_fill(&svg, *c, &theme), None, "unit at {c:?} is empty");
        assert!(
            inside(&svg, *c, r).is_empty(),
            "nothing inside the unit at {c:?}"
        );
    }
    for t in ["x1", "x2", "t1 = 0.01", "t2 = 0.99", "b 0.35", "b 0.6"] {
        assert!(!svg.text(t).is_empty(), "{t:?} in {:?}", svg.strings());
    }
    for head in ["input x", "layer 1 · σ", "layer 2 · σ"] {
        svg.one(head);
    }
    assert!(
        !svg.has(|s| s.starts_with("δ")
            || s.starts_with("∂")
            || s.starts_with("a ")
            || s.starts_with("z ")
            || s.starts_with("L =")),
        "nothing computed is shown at step 0: {:?}",
        svg.strings()
    );
    // No loss box yet: the only rectangles are the background and the edge labels' (filled).
    assert!(svg
        .rects
        .iter()
        .all(|r| r.stroke.is_none() && r.fill.is_some()));
}

#[test]
fn network_at_the_update_shows_deltas_updated_weights_and_the_loss() {
    let theme = Theme::light();
    let s = mazur_at(10);
    let svg = draw(&s, View::Network, NET, &en());
    let cols = units(&svg);
    let r = svg.circles[0].r;
    // Inside each computed unit its δ; a below it.
    assert_eq!(inside(&svg, cols[2][0], r), ["δ 0.138"]);
    assert_eq!(inside(&svg, cols[2][1], r), ["δ -0.0381"]);
    assert_eq!(inside(&svg, cols[1][0], r), ["δ 0.00877"]);
    assert!(!svg.text("a 0.751").is_empty() && !svg.text("a 0.593").is_empty());
    // The fill is the sign of δ: δ(2)_2 < 0 is the negative colour.
    assert_eq!(
        unit_fill(&svg, cols[2][0], &theme),
        Some(hex(theme.positive))
    );
    assert_eq!(
        unit_fill(&svg, cols[2][1], &theme),
        Some(hex(theme.negative))
    );
    // Updated biases under the units.
    assert!(!svg.text("b 0.531").is_empty() && !svg.text("b 0.619").is_empty());

    // Every edge carries its updated weight with its gradient below it, on its own edge.
    let p = &s.trace().pass;
    for l in 0..2 {
        for i in 0..2 {
            for j in 0..2 {
                let w = svg.one(&fmt(p.mlp_after(l).w(i, j), 3));
                let g = svg.one(&format!("∂{}", fmt(p.grad_w(l, i, j), 3)));
                assert!((w.x - g.x).abs() < 0.5 && g.y > w.y, "∂ under the weight");
                assert_eq!(g.fill, hex(theme.negative));
                let mid = ((w.x + g.x) / 2.0, (w.y + g.y) / 2.0);
                let (d, _) = along(mid, cols[l][j], cols[l + 1][i]);
                assert!(d < 3.0, "W({})_{}{} on its edge ({d})", l + 1, i + 1, j + 1);
            }
        }
    }
    // Mazur's W(2)_11 = 0.35891648 after the update, and its gradient 0.0821670406.
    svg.one("0.359");
    svg.one("∂0.0822");
    assert!(
        svg.text("0.4").is_empty(),
        "the weight before the update is gone"
    );

    // The loss box: a stroked rectangle holding L and the loss after the update.
    let boxes: Vec<_> = svg
        .rects
        .iter()
        .filter(|r| r.stroke.is_some() && r.fill.is_none())
        .collect();
    assert_eq!(boxes.len(), 1, "one loss box");
    let (l, after) = (svg.one("L = 0.2984"), svg.one("after 0.2805"));
    assert!(boxes[0].contains(l.x, l.y) && boxes[0].contains(after.x, after.y));
    assert!(boxes[0].x > cols[2][0].0 + r, "right of the output units");
    assert_eq!(after.fill, hex(theme.accent));
}

#[test]
fn network_fills_in_forward_step_by_step() {
    // Step 2 (a(1)): layer 1 has z and a, layer 2 nothing yet; the current layer ringed.
    let theme = Theme::light();
    let svg = draw(&mazur_at(2), View::Network, NET, &en());
    let cols = units(&svg);
    let r = svg.circles[0].r;
    assert_eq!(inside(&svg, cols[1][0], r), ["a 0.593"]);
    assert_eq!(inside(&svg, cols[1][1], r), ["a 0.597"]);
    assert!(!svg.text("z 0.378").is_empty() && !svg.text("z 0.392").is_empty());
    assert!(inside(&svg, cols[2][0], r).is_empty() && inside(&svg, cols[2][1], r).is_empty());
    let accent: Vec<_> = svg
        .circles
        .iter()
        .filter(|c| c.fill.is_none() && c.stroke == Some(hex(theme.accent)))
        .map(|c| (c.cx, c.cy))
        .collect();
    assert_eq!(accent, cols[1], "the units this step writes are ringed");
    assert!(!svg.has(|s| s.starts_with("δ") || s.starts_with("L =")));
}

#[test]
fn network_in_chinese_has_chinese_headings_and_no_english_words() {
    let svg = draw(&mazur_at(10), View::Network, NET, &zh());
    svg.one("输入 x");
    svg.one("第 1 层 · σ");
    svg.one("第 2 层 · σ");
    svg.one("更新后 0.2805");
    for t in &svg.texts {
        let words =
            t.s.split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 2)
                .count();
        assert_eq!(words, 0, "no English word in {:?}", t.s);
    }
}

// ---- the computation graph --------------------------------------------------------

/// The graph's node names in reading order (row by row, left to right).
fn graph_nodes(svg: &Svg) -> Vec<String> {
    let names = [
        "x",
        "W·a + b",
        "z(1)",
        "σ",
        "a(1)",
        "z(2)",
        "a(2)",
        "ℓ(y, t)",
        "L",
    ];
    let mut nodes: Vec<&Text> = svg
        .texts
        .iter()
        .filter(|t| names.contains(&t.s.as_str()))
        .collect();
    // Every node's name is inside its box.
    for t in &nodes {
        assert!(
            svg.rects
                .iter()
                .any(|r| r.stroke.is_some() && r.contains(t.x, t.y)),
            "{:?} in a box",
            t.s
        );
    }
    nodes.sort_by(|a, b| {
        ((a.y / 100.0).floor(), a.x)
            .partial_cmp(&((b.y / 100.0).floor(), b.x))
            .unwrap()
    });
    nodes.iter().map(|t| t.s.clone()).collect()
}

/// The text directly under the node named `name` (same column, lower), if any.
fn under<'a>(svg: &'a Svg, name: &str) -> Vec<&'a Text> {
    let n = svg.one(name);
    svg.texts
        .iter()
        .filter(|t| (t.x - n.x).abs() < 1.0 && t.y > n.y && t.y < n.y + 70.0)
        .collect()
}

#[test]
fn graph_at_a_backward_step_shows_the_deltas_and_the_sum_over_paths() {
    let theme = Theme::light();
    // Wide enough for a 2-vector at the graph's smallest text size (narrower, its norm).
    let svg = draw(&mazur_at(8), View::Graph, (1400, 360), &en());
    assert_eq!(svg.w, 1400.0);
    assert_eq!(
        graph_nodes(&svg),
        [
            "x",
            "W·a + b",
            "z(1)",
            "σ",
            "a(1)",
            "W·a + b",
            "z(2)",
            "σ",
            "a(2)",
            "ℓ(y, t)",
            "L"
        ]
    );
    let neg = hex(theme.negative);
    let texts = |name: &str| {
        under(&svg, name)
            .iter()
            .map(|t| (t.s.clone(), t.fill.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        texts("x"),
        [("[0.05, 0.1]".to_string(), hex(theme.positive))]
    );
    assert!(texts("z(2)").contains(&("δ [0.138, -0.0381]".into(), neg.clone())));
    assert!(texts("z(1)").contains(&("δ [0.00877, 0.00995]".into(), neg.clone())));
    // ∂L/∂a(1) as the sum over the units above (a Σ marks it).
    assert!(texts("a(1)").contains(&("Σₖ [0.0364, 0.0414]".into(), neg.clone())));
    assert!(texts("a(2)").contains(&("∂L/∂y".into(), neg.clone())));
    assert!(texts("L").contains(&("0.2984".into(), hex(theme.positive))));
    // The gradient arrows run right to left in the negative colour.
    let back: Vec<_> = svg.lines.iter().filter(|l| l.stroke == neg).collect();
    assert!(back.len() >= 4, "{back:#?}");
    assert!(back
        .iter()
        .all(|l| l.pts.len() == 2 && l.pts[0].0 > l.pts[1].0));
    // Layer 2's gradients are done at step 8, layer 1's not yet.
    assert!(svg.has(|s| s.starts_with("W(2), b(2)  ‖∂L/∂W‖ ")));
    svg.one("W(1), b(1)");
}

#[test]
fn graph_at_a_forward_step_has_no_gradient() {
    let theme = Theme::light();
    let svg = draw(&mazur_at(4), View::Graph, (1200, 360), &en());
    assert_eq!(graph_nodes(&svg).len(), 11);
    assert!(!svg.text("[0.751, 0.773]").is_empty(), "a(2) is reached");
    assert!(under(&svg, "L").is_empty(), "the loss is not computed yet");
    assert!(
        !svg.has(|s| s.contains('δ') || s.contains('Σ') && !s.starts_with('→') || s.contains('∂')),
        "no gradient before the backward pass: {:?}",
        svg.strings()
    );
    let neg = hex(theme.negative);
    assert!(svg.texts.iter().all(|t| t.fill != neg));
    assert!(
        svg.lines.iter().all(|l| l.stroke != neg),
        "no gradient arrow"
    );
}

#[test]
fn graph_height_follows_the_rows_it_wraps_onto() {
    let s = mazur_at(0);
    // 11 nodes fit one row at 1200 px, wrap onto two at 640.
    let wide = draw(&s, View::Graph, (1200, 100), &en());
    let narrow = draw(&s, View::Graph, (640, 100), &en());
    assert_eq!(wide.h, 166.0);
    assert_eq!(narrow.h, 316.0);
    let rows = |svg: &Svg| {
        let mut ys: Vec<f64> = svg.text("σ").iter().map(|t| t.y).collect();
        ys.dedup();
        ys.len()
    };
    assert_eq!((rows(&wide), rows(&narrow)), (1, 2));
}

// ---- the activation curves --------------------------------------------------------

/// The linear map from pixels to values along one axis, read off two tick labels.
fn axis(ticks: &[(f64, f64)]) -> impl Fn(f64) -> f64 {
    assert!(ticks.len() >= 2, "{ticks:?}");
    let (p0, v0) = ticks[0];
    let (p1, v1) = ticks[ticks.len() - 1];
    move |p| v0 + (p - p0) * (v1 - v0) / (p1 - p0)
}

struct Chart {
    /// Pixel → z, pixel → y.
    z: Box<dyn Fn(f64) -> f64>,
    y: Box<dyn Fn(f64) -> f64>,
    /// The plot area: x0, x1, y0 (top), y1 (bottom).
    area: (f64, f64, f64, f64),
}

/// The chart of a curves SVG, read off its axes and tick labels.
fn chart(svg: &Svg) -> Chart {
    let muted = hex(Theme::light().muted);
    let axes: Vec<_> = svg
        .lines
        .iter()
        .filter(|l| l.stroke == muted && l.pts.len() == 2)
        .collect();
    // The two long axis lines: vertical (y) and horizontal (z).
    let y_axis = axes
        .iter()
        .find(|l| l.pts[0].0 == l.pts[1].0 && (l.pts[1].1 - l.pts[0].1).abs() > 100.0)
        .expect("a y axis");
    let x_axis = axes
        .iter()
        .find(|l| l.pts[0].1 == l.pts[1].1 && (l.pts[1].0 - l.pts[0].0).abs() > 100.0)
        .expect("a z axis");
    let area = (
        x_axis.pts[0].0.min(x_axis.pts[1].0),
        x_axis.pts[0].0.max(x_axis.pts[1].0),
        y_axis.pts[0].1.min(y_axis.pts[1].1),
        y_axis.pts[0].1.max(y_axis.pts[1].1),
    );
    let numbers = |pred: &dyn Fn(&Text) -> bool, pos: &dyn Fn(&Text) -> f64| -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = svg
            .texts
            .iter()
            .filter(|t| pred(t))
            .filter_map(|t| t.s.parse::<f64>().ok().map(|v| (pos(t), v)))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    };
    let zt = numbers(&|t| t.y > area.3 && t.anchor == "middle", &|t| t.x);
    let yt = numbers(&|t| t.x < area.0 && t.anchor == "end", &|t| t.y);
    assert!(
        zt.len() >= 4 && yt.len() >= 3,
        "tick labels: z {zt:?}, y {yt:?}"
    );
    // Ticks are evenly spaced in value and in pixels.
    for ticks in [&zt, &yt] {
        let f = axis(ticks);
        for &(p, v) in ticks.iter() {
            assert!(
                (f(p) - v).abs() < 0.02 * (ticks[1].1 - ticks[0].1).abs(),
                "tick {v} at {p}"
            );
        }
    }
    Chart {
        z: Box::new(axis(&zt)),
        y: Box::new(axis(&yt)),
        area,
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[test]
fn curves_of_a_sigmoid_layer_draw_f_and_its_slope_with_the_z_values_marked() {
    let theme = Theme::light();
    let o = Options {
        curves_layer: Some(0),
        ..en()
    };
    let svg = draw(&mazur_at(10), View::Curves, (640, 400), &o);
    svg.one("Layer 1 activation: sigmoid");
    svg.one("z");
    svg.one("f(z)");
    svg.one("f′(z) derivative");
    let c = chart(&svg);
    // The two curves: f in the positive colour (3 px), f′ in the negative (2 px), each
    // sampled across the whole z range and inside the plot area, and each on its function.
    let (fc, dc) = (hex(theme.positive), hex(theme.negative));
    let curve = |colour: &str| -> &Line {
        let found: Vec<_> = svg
            .lines
            .iter()
            .filter(|l| l.stroke == colour && l.pts.len() > 100)
            .collect();
        assert_eq!(found.len(), 1, "one {colour} curve");
        found[0]
    };
    for (line, f, width) in [
        (
            curve(&fc),
            &(|z: f64| sigmoid(z)) as &dyn Fn(f64) -> f64,
            3.0,
        ),
        (curve(&dc), &|z: f64| sigmoid(z) * (1.0 - sigmoid(z)), 2.0),
    ] {
        assert_eq!(line.width, width);
        let (a, b, top, bottom) = c.area;
        assert!(line
            .pts
            .iter()
            .all(|&(x, y)| x >= a - 1.0 && x <= b + 1.0 && y >= top - 1.0 && y <= bottom + 1.0));
        let span = line.pts.last().unwrap().0 - line.pts[0].0;
        assert!(span > 0.95 * (b - a), "the curve spans the chart");
        let (zs, ys) = ((c.z)(line.pts[0].0), (c.y)(0.0) - (c.y)(1.0));
        assert!(zs <= -6.0, "from z = {zs}");
        for &(x, y) in &line.pts {
            let want = f((c.z)(x));
            assert!(
                ((c.y)(y) - want).abs() < 1.5 * ys.abs(),
                "f({}) = {want}, drawn at {}",
                (c.z)(x),
                (c.y)(y)
            );
        }
    }
    // The slope peaks at z = 0 with σ′(0) = ¼, where f crosses ½.
    let near0 = |l: &Line| {
        *l.pts
            .iter()
            .min_by(|a, b| (c.z)(a.0).abs().total_cmp(&(c.z)(b.0).abs()))
            .unwrap()
    };
    let px = ((c.y)(0.0) - (c.y)(1.0)).abs();
    assert!(((c.y)(near0(curve(&dc)).1) - 0.25).abs() < 1.5 * px);
    assert!(((c.y)(near0(curve(&fc)).1) - 0.5).abs() < 1.5 * px);
    assert!(curve(&dc).pts.iter().all(|p| (c.y)(p.1) < 0.25 + 1.5 * px));

    // Each z of layer 1 is marked on both curves, at its value, and labelled z1, z2.
    let z = &s_z(&mazur_at(10));
    let marks = |colour: &str| -> Vec<(f64, f64)> {
        svg.circles
            .iter()
            .filter(|k| k.stroke.as_deref() == Some(colour))
            .map(|k| ((c.z)(k.cx), (c.y)(k.cy)))
            .collect()
    };
    let (on_f, on_d) = (marks(&fc), marks(&dc));
    assert_eq!((on_f.len(), on_d.len()), (2, 2));
    for (k, &zk) in z.iter().enumerate() {
        let tol = 0.05;
        assert!(
            (on_f[k].0 - zk).abs() < tol && (on_f[k].1 - sigmoid(zk)).abs() < tol,
            "z{} on f: {:?}",
            k + 1,
            on_f[k]
        );
        assert!(
            (on_d[k].0 - zk).abs() < tol
                && (on_d[k].1 - sigmoid(zk) * (1.0 - sigmoid(zk))).abs() < tol
        );
        let label = svg.one(&format!("z{}", k + 1));
        assert!(((c.z)(label.x) - zk).abs() < tol);
    }
}

/// Layer 1's z values of a session's pass.
fn s_z(s: &Session) -> Vec<f64> {
    s.trace().pass.z(0).to_vec()
}

#[test]
fn curves_mark_only_the_z_values_reached() {
    let o = Options {
        curves_layer: Some(1),
        ..en()
    };
    let start = draw(&mazur_at(0), View::Curves, (640, 400), &o);
    assert!(start.circles.is_empty(), "no z at the start");
    assert!(!start.has(|s| s == "z1"));
    start.one("Layer 2 activation: sigmoid");
    let after = draw(&mazur_at(3), View::Curves, (640, 400), &o);
    assert_eq!(
        after.circles.len(),
        4,
        "z(2)_1 and z(2)_2, each on f and f′"
    );
    let c = chart(&after);
    let mut zs: Vec<f64> = after.circles.iter().map(|k| (c.z)(k.cx)).collect();
    zs.sort_by(f64::total_cmp);
    for (got, want) in zs
        .iter()
        .zip([1.10590597, 1.10590597, 1.2249214, 1.2249214])
    {
        assert!((got - want).abs() < 0.05, "{zs:?}");
    }
}

#[test]
fn a_feature_maps_many_marks_are_drawn_unlabelled_a_few_units_each_named() {
    // lenet-tiny's first relu after its forward: 3 × 8 × 8 inputs marked.
    let mut s = Session::from_preset("lenet-tiny").unwrap();
    s.stepper_mut().seek(2).unwrap();
    let o = Options {
        curves_layer: Some(1),
        ..en()
    };
    let many = draw(&s, View::Curves, (640, 400), &o);
    let zs = s.trace().pass.layer_input(1).len();
    assert_eq!(zs, 192);
    let on_chart = many.circles.len();
    assert!(on_chart > 192, "each z on f and on f′: {on_chart} circles");
    let labels = many
        .texts
        .iter()
        .filter(|t| t.s.starts_with('z') && t.s[1..].parse::<usize>().is_ok());
    assert_eq!(labels.count(), 0, "192 labels would pile up unreadably");
    // Mazur's two hidden units keep their names.
    let o = Options {
        curves_layer: Some(0),
        ..en()
    };
    let few = draw(&mazur_at(3), View::Curves, (640, 400), &o);
    assert!(few.has(|t| t == "z1") && few.has(|t| t == "z2"));
}

#[test]
fn the_maps_picture_is_at_least_its_floor_tall_and_lays_out_the_same() {
    let mut s = Session::from_preset("lenet-tiny").unwrap();
    s.stepper_mut().seek(9).unwrap();
    let o = en();
    let natural = frame::height(&s, View::Maps, 620.0, &o).unwrap();
    assert_eq!(
        frame::size(&s, View::Maps, (620.0, 300.0), &o).1,
        natural as u32
    );
    let floored = Options {
        maps_floor: natural + 900.0,
        ..en()
    };
    // The height the page shows is the step's; the picture is as tall as the floor.
    assert_eq!(
        frame::height(&s, View::Maps, 620.0, &floored),
        Some(natural)
    );
    assert_eq!(
        frame::size(&s, View::Maps, (620.0, 300.0), &floored).1,
        (natural + 900.0) as u32
    );
    // Its cells are where they were: the rows below the step's height are background.
    let (a, b) = (
        draw(&s, View::Maps, (620, natural as u32), &o),
        draw(&s, View::Maps, (620, natural as u32 + 900), &o),
    );
    // Every rectangle but the background, which fills the picture.
    let cells = |svg: &Svg| {
        let cell = |r: &&Rect| !(r.x == 0.0 && r.y == 0.0 && r.w == svg.w);
        let rects = svg.rects.iter().filter(cell);
        rects
            .map(|r| (r.x, r.y, r.w, r.h, r.fill.clone()))
            .collect::<Vec<_>>()
    };
    assert!(cells(&a).len() > 100, "{} cells", cells(&a).len());
    assert_eq!(cells(&a), cells(&b));
    assert_eq!(a.texts.len(), b.texts.len());
    for (x, y) in a.texts.iter().zip(&b.texts) {
        assert_eq!((x.s.as_str(), x.x, x.y), (y.s.as_str(), y.x, y.y));
    }
}

#[test]
fn marks_outside_the_range_are_dropped_not_pinned() {
    // With b(1)_1 = 1e5, z(1)_1 ≈ 1e5 is beyond the widest range (±30): it must not be
    // drawn on the chart's edge; z(1)_2 = 0.3925 is still marked, on both curves.
    use backprop_lab::lab::Edit;
    let mut s = Session::from_preset("mazur").unwrap();
    s.edit(Edit::bias(0, 0, 1e5)).unwrap();
    s.stepper_mut().end();
    assert!(s_z(&s)[0] > 1e5);
    let o = Options {
        curves_layer: Some(0),
        ..en()
    };
    // Not `draw`: the last tick label, "30.0", is centred on the chart's right end and
    // reaches ~2 px past the picture by the recorder's estimate (plotters' tick layout).
    let svg = parse(&frame::svg(&s, View::Curves, (640, 400), &o).unwrap());
    assert!(svg.text_outside().iter().all(|t| !t.contains("anchored")));
    let c = chart(&svg);
    assert_eq!(svg.circles.len(), 2, "{:#?}", svg.circles);
    for k in &svg.circles {
        assert!(((c.z)(k.cx) - s_z(&s)[1]).abs() < 0.1, "only z2 is marked");
    }
    assert!(svg.text("z1").is_empty() && !svg.text("z2").is_empty());
    assert!(
        ((c.z)(c.area.1) - 30.5).abs() < 0.6,
        "the range stops at ±30"
    );
}

#[test]
fn curves_in_chinese_and_every_activation() {
    let s = mazur_at(10);
    let svg = draw(
        &s,
        View::Curves,
        (640, 400),
        &Options {
            curves_layer: Some(0),
            ..zh()
        },
    );
    svg.one("第 1 层激活函数：sigmoid");
    svg.one("f(z) 函数");
    svg.one("f′(z) 导数");
    // Every activation draws its two curves inside the chart.
    for &act in Activation::ALL {
        let mut s = Session::from_preset("mazur").unwrap();
        let layer = if act.is_softmax() { 1 } else { 0 };
        s.edit(backprop_lab::lab::Edit::Activation {
            layer,
            activation: act,
        })
        .unwrap();
        s.stepper_mut().end();
        let o = Options {
            curves_layer: Some(layer),
            ..en()
        };
        let svg = draw(&s, View::Curves, (480, 300), &o);
        svg.one(&format!("Layer {} activation: {}", layer + 1, act.name()));
        let c = chart(&svg);
        let theme = Theme::light();
        for colour in [hex(theme.positive), hex(theme.negative)] {
            let curves: Vec<_> = svg
                .lines
                .iter()
                .filter(|l| l.stroke == colour && l.pts.len() > 20)
                .collect();
            assert_eq!(curves.len(), 1, "{act:?}: one {colour} curve");
            let (a, b, top, bottom) = c.area;
            assert!(
                curves[0].pts.iter().all(|&(x, y)| x >= a - 1.0
                    && x <= b + 1.0
                    && y >= top - 1.0
                    && y <= bottom + 1.0),
                "{act:?}"
            );
        }
    }
}

// ---- every view ---------------------------------------------------------------------

/// The texts of every SVG view of every preset, at three steps, in both languages and
/// at three sizes, that reach outside the picture; `extent` also checks their estimated
/// extent, else only their anchor.
fn texts_outside(views: &[View], extent: bool) -> Vec<String> {
    let mut bad = vec![];
    for name in backprop_lab::preset::NAMES {
        let mut s = Session::from_preset(name).unwrap();
        let last = s.stepper().len() - 1;
        for step in [0, last / 2, last] {
            s.stepper_mut().seek(step).unwrap();
            for &view in views.iter().filter(|&&v| frame::shows(&s, v)) {
                for o in [en(), zh()] {
                    for size in [(1200, 640), (640, 400), (320, 240)] {
                        let svg = parse(&frame::svg(&s, view, size, &o).unwrap());
                        assert_eq!(svg.w, size.0 as f64);
                        assert!(!svg.texts.is_empty());
                        let out = svg.text_outside();
                        for t in out.iter().filter(|t| extent || t.contains("anchored")) {
                            bad.push(format!(
                                "{name} {} step {step} {:?} {size:?}: {t}",
                                view.name(),
                                o.lang
                            ));
                        }
                    }
                }
            }
        }
    }
    bad
}

#[test]
fn every_view_of_every_preset_keeps_its_text_inside() {
    let bad = texts_outside(
        &[View::Network, View::Curves, View::Loss, View::Gradients],
        true,
    );
    assert!(
        bad.is_empty(),
        "{} texts outside:\n{}",
        bad.len(),
        bad.join("\n")
    );
    // The graph: every text is anchored inside (its extent: see the test below).
    let bad = texts_outside(&[View::Graph], false);
    assert!(
        bad.is_empty(),
        "{} texts outside:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// The graph keeps every text inside at its full extent: a parameter label or a value on
/// the first or last column moves in, a vector too wide for its column shows its norm,
/// and the legend wraps at its gaps on a narrow picture.
#[test]
fn graph_text_stays_inside() {
    let bad = texts_outside(&[View::Graph], true);
    assert!(
        bad.is_empty(),
        "{} graph texts outside:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn the_heatmap_has_no_svg_and_sizes_are_checked() {
    let s = Session::from_preset("xor").unwrap();
    let e = frame::svg(&s, View::Data, (640, 400), &en()).unwrap_err();
    assert!(
        e.to_string().contains("network") && e.to_string().contains("graph"),
        "{e}"
    );
    assert!(frame::svg(&s, View::Network, (199, 400), &en()).is_err());
    assert!(frame::svg(&s, View::Network, (640, 99), &en()).is_err());
}

/// The network view groups its edges by style, so the canvas replay strokes each style
/// once: a 2-16-16-1 net's 288 edges must come out as one run per distinct style.
#[test]
fn network_edges_come_grouped_by_style() {
    use backprop_lab::network::{MlpSpec as Network, MlpSpecLayer as Layer};
    use backprop_lab::render::layout::layout;
    use backprop_lab::render::network;
    use backprop_lab::render::recorder::{record, Op};
    use backprop_lab::trace::{Granularity, Trace};
    let mut p = backprop_lab::preset::get("mazur").unwrap().problem;
    let mut seed = 7u64;
    let mut rand = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    };
    let sizes = [2usize, 16, 16, 1];
    p.net = Network {
        layers: sizes
            .windows(2)
            .map(|w| Layer {
                weights: (0..w[1])
                    .map(|_| (0..w[0]).map(|_| rand()).collect())
                    .collect(),
                biases: vec![0.0; w[1]],
                activation: Activation::Tanh,
            })
            .collect(),
        loss: p.net.loss,
    }
    .into_net();
    p.target = vec![0.5];
    let t = Trace::build(p.pass(), Granularity::Layer, 4);
    let theme = Theme::light();
    let lay = layout(&t.pass.net.sizes(), 1200.0, 800.0, 1.0);
    let ops = record((1200, 800), None, |root| {
        network::draw(root, &t, t.len() - 2, None, &lay, &theme, Lang::En, false)
    })
    .unwrap();
    let edges: Vec<_> = ops
        .iter()
        .filter_map(|op| match op {
            Op::Path(pts, s) if pts.len() == 2 => Some(*s),
            _ => None,
        })
        .collect();
    assert_eq!(edges.len(), 2 * 16 + 16 * 16 + 16);
    let runs = 1 + edges.windows(2).filter(|w| w[0] != w[1]).count();
    let mut styles: Vec<String> = edges.iter().map(|s| format!("{s:?}")).collect();
    styles.sort();
    styles.dedup();
    assert_eq!(runs, styles.len(), "each style is one run");
    assert!(
        runs < edges.len() / 3,
        "{runs} runs for {} edges",
        edges.len()
    );
}

#[test]
fn graph_rows() {
    use backprop_lab::render::graph;
    assert_eq!(graph::rows(2, 1200.0), 1);
    assert!(graph::rows(7, 800.0) > 2);
}

/// A CNN's gradient bars are named by the layers that have parameters, as the layer
/// stack numbers them: cnn-edge's conv layer 1 and dense layer 5, not "1" and "2".
#[test]
fn cnn_gradient_bars_carry_the_engine_layer_numbers() {
    let mut s = Session::from_preset("cnn-edge").unwrap();
    s.stepper_mut().end();
    let svg = parse(&frame::svg(&s, View::Gradients, (640, 400), &en()).unwrap());
    assert!(svg.has(|t| t == "layer 1") && svg.has(|t| t == "layer 5"));
    assert!(
        !svg.has(|t| t == "layer 2"),
        "bars are numbered by engine layer"
    );
    let s = Session::from_preset("mazur").unwrap();
    let svg = parse(&frame::svg(&s, View::Gradients, (640, 400), &en()).unwrap());
    assert!(svg.has(|t| t == "layer 1") && svg.has(|t| t == "layer 2"));
}

/// The shapes of a picture with their colours and sizes (its texts left out), to compare.
fn paint_of(svg: &Svg) -> Vec<String> {
    let mut out: Vec<String> = svg
        .circles
        .iter()
        .map(|c| {
            format!(
                "circle {} {} {} {:?} {:?} {}",
                c.cx, c.cy, c.r, c.fill, c.stroke, c.opacity
            )
        })
        .collect();
    out.extend(
        svg.lines
            .iter()
            .map(|l| format!("line {:?} {} {}", l.pts, l.stroke, l.width)),
    );
    out.extend(svg.rects.iter().map(|r| {
        format!(
            "rect {} {} {} {} {:?} {:?}",
            r.x, r.y, r.w, r.h, r.fill, r.stroke
        )
    }));
    out
}

/// The network's colours are scaled by the values revealed so far: a problem that
/// differs only in a value revealed later (a large a(1)_2, or a large δ(2)_2 from
/// another target) draws the same colours until that value appears, and other ones
/// once it has (so the comparison can tell).
#[test]
fn network_colours_do_not_give_away_values_still_to_come() {
    use backprop_lab::lab::Edit;
    use backprop_lab::trace::Granularity;
    let session = |edit: Option<Edit>| {
        let mut s = Session::from_preset("mazur").unwrap();
        s.set_granularity(Granularity::Neuron);
        if let Some(e) = edit {
            s.edit(e).unwrap();
        }
        s
    };
    // Each edit changes one value of layer `l`, unit 2, a (forward) or δ (backward), and
    // no colour before it: the weights stay, the bias and the target are written as text.
    let cases = [
        (Edit::bias(0, 1, 5.0), 0, false),
        (
            Edit::Target {
                index: 1,
                value: -5.0,
            },
            1,
            true,
        ),
    ];
    for (edit, l, backward) in cases {
        let (mut a, mut b) = (session(None), session(Some(edit)));
        let mut same = 0;
        let mut differ = false;
        for k in 0..a.stepper().len() {
            a.stepper_mut().seek(k).unwrap();
            b.stepper_mut().seek(k).unwrap();
            let t = a.trace();
            let revealed = if backward {
                t.shows_delta(l, 1, k)
            } else {
                t.shows_a(l, 1, k)
            };
            let (pa, pb) = (
                paint_of(&draw(&a, View::Network, NET, &en())),
                paint_of(&draw(&b, View::Network, NET, &en())),
            );
            if revealed {
                differ |= pa != pb;
                break;
            }
            assert_eq!(
                pa, pb,
                "step {k}: colours differ before the value is revealed"
            );
            same += 1;
        }
        assert!(
            same >= 3 && differ,
            "{same} steps compared; differ once revealed: {differ}"
        );
    }
}

/// The edge labels' boxes (the filled rectangles of the network view less its
/// background) never overlap one another, at every step of the fully connected presets
/// with labels, at the sizes the page gives the view (from a phone to 1440 px, and
/// presenter mode's larger type).
#[test]
fn edge_labels_never_overlap() {
    let mut checked = 0;
    for name in [
        "mazur",
        "softmax-3class",
        "xor",
        "dead-relu",
        "mazur-frozen-bias",
    ] {
        let mut s = Session::from_preset(name).unwrap();
        // Presenter mode (zoom 1.5) is for a projector: 1280 × 720 and up.
        let sizes = [
            (
                1.0,
                vec![
                    (360, 300),
                    (520, 340),
                    (700, 340),
                    (900, 420),
                    (1100, 420),
                    (1400, 480),
                ],
            ),
            (1.5, vec![(760, 418), (1000, 418), (1200, 520)]),
        ];
        for (zoom, sizes) in sizes {
            for (w, h) in sizes {
                for k in 0..s.stepper().len() {
                    s.stepper_mut().seek(k).unwrap();
                    let o = Options {
                        zoom,
                        ..Options::default()
                    };
                    let svg = draw(&s, View::Network, (w, h), &o);
                    let boxes: Vec<&Rect> = svg
                        .rects
                        .iter()
                        .filter(|r| r.fill.is_some() && (r.w < svg.w || r.h < svg.h))
                        .collect();
                    for (a, ra) in boxes.iter().enumerate() {
                        for rb in &boxes[a + 1..] {
                            let apart = ra.x + ra.w <= rb.x
                                || rb.x + rb.w <= ra.x
                                || ra.y + ra.h <= rb.y
                                || rb.y + rb.h <= ra.y;
                            assert!(
                                apart,
                                "{name} {w}×{h} zoom {zoom} step {k}: {ra:?} and {rb:?}"
                            );
                        }
                    }
                    checked += boxes.len();
                }
            }
        }
    }
    assert!(checked > 1000, "{checked} labels checked");
}

/// The graph's text is never smaller than 11 px (a course page's iframe shows it at
/// its own size): a narrow view wraps onto more rows instead.
#[test]
fn graph_text_is_at_least_11_px() {
    for name in ["mazur", "vanishing", "softmax-3class"] {
        let mut s = Session::from_preset(name).unwrap();
        let last = s.stepper().len() - 1;
        s.stepper_mut().seek(last).unwrap();
        for w in [360u32, 700, 1040, 1440] {
            let h = frame::graph_height(&s, w as f64, 1.0, Lang::En).ceil() as u32;
            let svg = draw(&s, View::Graph, (w, h), &en());
            // The SVG writes sizes in its own unit: the node names are 12.5 px.
            let px = 12.5 / svg.one("z(1)").size;
            let small: Vec<_> = svg
                .texts
                .iter()
                .filter(|t| t.size * px < 11.0 - 1e-9)
                .map(|t| (&t.s, t.size * px))
                .collect();
            assert!(small.is_empty(), "{name} at {w} px: {small:?}");
            assert!(svg.texts.len() > 20, "{name} at {w} px");
        }
    }
}
