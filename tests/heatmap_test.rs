//! The heatmap of what a trained network computes: the pixel under each training point
//! has the colour of the point's own class, so the two classes lie on their own sides.
//! The same checks fail for an untrained network and for one with its output inverted.

use backprop_lab::dataset::{Kind, Spec};
use backprop_lab::engine::Net;
use backprop_lab::feature::{Feature, RAW_2D};
use backprop_lab::lab::{Change, Session};
use backprop_lab::render::data_plot;
use backprop_lab::render::frame::{self, Options, View};
use backprop_lab::render::heatmap::{self, Domain};
use backprop_lab::render::Theme;

/// XOR's 2-3-1 tanh/sigmoid network on two Gaussian blobs (TFP's), (−2, −2) class 0 and (2, 2)
/// class 1: linearly separable, so training makes it right on every point.
fn gaussians() -> Session {
    let mut s = Session::from_preset("xor").unwrap();
    s.change(Change::Dataset(Spec::new(
        Kind::Gaussians,
        200,
        0.0,
        0.0,
        1,
    )))
    .unwrap();
    s
}

fn trained() -> Session {
    let mut s = gaussians();
    let mut loss = f64::INFINITY;
    for _ in 0..20 {
        loss = s.train(2000).unwrap();
        if loss < 0.01 {
            break;
        }
    }
    assert!(loss < 0.01, "trained: loss {loss}");
    s
}

/// Which class a pixel shows: `Some(true)` for the positive hue (class 1), `Some(false)`
/// for the negative one (class 0), `None` when it is close to the background (no clear
/// side). A heatmap pixel is the background mixed towards one of the two colours by up to
/// 0.85; the side is the colour whose mix fits the pixel, with a strength of at least ⅓.
fn side(px: &[u8], theme: &Theme) -> Option<bool> {
    let bg = [theme.background.0, theme.background.1, theme.background.2].map(f64::from);
    let p = [px[0], px[1], px[2]].map(f64::from);
    let fit = |c: plotters::style::RGBColor| {
        let d = [c.0, c.1, c.2].map(f64::from);
        let dir: Vec<f64> = (0..3).map(|k| d[k] - bg[k]).collect();
        let off: Vec<f64> = (0..3).map(|k| p[k] - bg[k]).collect();
        let norm2: f64 = dir.iter().map(|v| v * v).sum();
        let t = dir.iter().zip(&off).map(|(a, b)| a * b).sum::<f64>() / norm2;
        let miss: f64 = (0..3)
            .map(|k| (off[k] - t * dir[k]).powi(2))
            .sum::<f64>()
            .sqrt();
        (t, miss)
    };
    let (tp, mp) = fit(theme.positive);
    let (tn, mn) = fit(theme.negative);
    if tp >= 1.0 / 3.0 && mp < 4.0 {
        Some(true)
    } else if tn >= 1.0 / 3.0 && mn < 4.0 {
        Some(false)
    } else {
        None
    }
}

/// The RGBA pixel at (x, y) of a picture `width` pixels wide.
fn pixel(rgba: &[u8], width: usize, x: f64, y: f64) -> &[u8] {
    let height = rgba.len() / 4 / width;
    let (i, j) = (
        (x.floor() as usize).min(width - 1),
        (y.floor() as usize).min(height - 1),
    );
    let k = (j * width + i) * 4;
    &rgba[k..k + 4]
}

/// For `net` drawn over the data of `s`: how many training points lie on a pixel of their
/// own class, of the other class, and of neither; checks that `output_rgba` shows what
/// `net` computes there.
fn sides(s: &Session, net: &Net, theme: &Theme) -> (usize, usize, usize) {
    let data = &s.workbench().data().train;
    let dom = Domain::around(&data.inputs);
    let (nx, ny, cell) = (160, 120, 4);
    let rgba = heatmap::output_rgba(net, &RAW_2D, &dom, nx, ny, cell, theme);
    let (w, h) = ((nx * cell) as f64, (ny * cell) as f64);
    assert_eq!(rgba.len(), nx * cell * ny * cell * 4);
    let (mut own, mut other, mut neither) = (0, 0, 0);
    for (x, t) in data.inputs.iter().zip(&data.targets) {
        let (px, py) = dom.to_px(x, w, h);
        assert!(
            px >= 0.0 && px < w && py >= 0.0 && py < h,
            "{x:?} inside the map"
        );
        match side(pixel(&rgba, nx * cell, px, py), theme) {
            Some(c) if c == data_plot::class(t) => own += 1,
            Some(_) => other += 1,
            None => neither += 1,
        }
    }
    (own, other, neither)
}

/// Nearly every point (at least 97 %) on its own side, at most 1 % on the other.
fn on_their_sides((own, other, neither): (usize, usize, usize)) -> bool {
    let n = (own + other + neither) as f64;
    own as f64 >= 0.97 * n && other as f64 <= 0.01 * n
}

/// The network with its output inverted: sigmoid(−z) = 1 − sigmoid(z) swaps the classes.
fn inverted(net: &Net) -> Net {
    let mut n = net.clone();
    let last = n.dense_mut(n.depth() - 1).unwrap();
    last.weights.iter_mut().for_each(|w| *w = -*w);
    last.biases.iter_mut().for_each(|b| *b = -*b);
    n
}

#[test]
fn a_trained_network_colours_each_class_on_its_own_side() {
    let s = trained();
    let net = &s.saved().problem.net;
    for theme in [Theme::light(), Theme::dark()] {
        let got = sides(&s, net, &theme);
        assert!(on_their_sides(got), "own, other, neither: {got:?}");
        // The inverted network puts every point on the other side: the check has teeth.
        let (own, other, _) = sides(&s, &inverted(net), &theme);
        assert!(!on_their_sides((own, other, 0)), "inverted: {own} own");
        assert!(
            other as f64 >= 0.97 * (got.0 + got.1 + got.2) as f64,
            "inverted: {other} other"
        );
    }
}

#[test]
fn an_untrained_network_does_not_pass() {
    let s = gaussians();
    let theme = Theme::light();
    let got = sides(&s, &s.saved().problem.net, &theme);
    assert!(
        !on_their_sides(got),
        "untrained: own, other, neither {got:?}"
    );
}

#[test]
fn the_two_class_centres_have_opposite_colours() {
    let s = trained();
    let theme = Theme::light();
    let net = &s.saved().problem.net;
    let dom = Domain::around(&s.workbench().data().train.inputs);
    let (nx, ny, cell) = (100, 100, 2);
    let rgba = heatmap::output_rgba(net, &RAW_2D, &dom, nx, ny, cell, &theme);
    let at = |x: f64, y: f64| {
        let (px, py) = dom.to_px(&[x, y], (nx * cell) as f64, (ny * cell) as f64);
        side(pixel(&rgba, nx * cell, px, py), &theme)
    };
    assert_eq!(
        at(2.0, 2.0),
        Some(true),
        "class 1's centre is the positive hue"
    );
    assert_eq!(
        at(-2.0, -2.0),
        Some(false),
        "class 0's centre is the negative hue"
    );
    // The corners across the boundary too (top right, bottom left of the map).
    assert_eq!(at(dom.x1 - 0.1, dom.y1 - 0.1), Some(true));
    assert_eq!(at(dom.x0 + 0.1, dom.y0 + 0.1), Some(false));
}

/// The page's data view: the heatmap patch and the points drawn on it (the scatter) agree,
/// each point on a pixel of its class, at the canvas's size and density.
#[test]
fn the_data_view_puts_each_point_on_its_own_colour() {
    let s = trained();
    for (dpr, training) in [(1.0, false), (2.0, false), (1.0, true)] {
        let o = Options {
            dpr,
            training,
            ..Options::default()
        };
        let pic = frame::picture(&s, View::Data, (480.0, 360.0), &o, None).unwrap();
        assert_eq!(pic.patches.len(), 1);
        let patch = &pic.patches[0];
        assert!(patch.width >= pic.size.0 && patch.height >= pic.size.1);
        let scatter = pic.scatter.as_ref().expect("the points");
        let n = scatter.points.len();
        assert_eq!(n, 200);
        let mut own = 0;
        for &(x, y, class, _) in &scatter.points {
            if side(pixel(&patch.rgba, patch.width as usize, x, y), &pic.theme) == Some(class) {
                own += 1;
            }
        }
        assert!(
            own as f64 >= 0.97 * n as f64,
            "dpr {dpr}, training {training}: {own} of {n}"
        );
    }
}

/// The circle on the features x₁² and x₂² (in them the disc is a half-plane): the data
/// view evaluates the network on the features of each pixel's point of the raw plane,
/// over TensorFlow Playground's fixed square ±6, and puts each point where it lies.
#[test]
fn on_features_the_heatmap_is_drawn_over_the_raw_plane() {
    let mut s = Session::from_preset("xor").unwrap();
    let mut spec = Spec::new(Kind::Circle, 200, 0.0, 0.0, 1);
    spec.features = vec![Feature::X1Sq, Feature::X2Sq];
    s.change(Change::Dataset(spec)).unwrap();
    assert_eq!(s.saved().problem.net.inputs(), 2);
    s.change(Change::Resize {
        layer: 0,
        delta: -2,
    })
    .unwrap();
    for _ in 0..40 {
        s.train(2000).unwrap();
        if s.workbench().trainer().unwrap().train_loss() < 0.01 {
            break;
        }
    }
    let o = Options::default();
    let pic = frame::picture(&s, View::Data, (480.0, 480.0), &o, None).unwrap();
    let (patch, scatter) = (&pic.patches[0], pic.scatter.as_ref().unwrap());
    let own = scatter
        .points
        .iter()
        .filter(|&&(x, y, class, _)| {
            side(pixel(&patch.rgba, patch.width as usize, x, y), &pic.theme) == Some(class)
        })
        .count();
    assert!(own as f64 >= 0.97 * 200.0, "{own} of 200 on their own side");
    // Each point is drawn at its raw (x₁, x₂) on the square ±6 (not at its features).
    let d = s.workbench().data();
    for (p, &(x, y, _, _)) in d.train_points.iter().zip(&scatter.points) {
        let want = Domain::square(6.0).to_px(p, pic.size.0 as f64, pic.size.1 as f64);
        assert!((x - want.0).abs() < 1e-9 && (y - want.1).abs() < 1e-9);
    }
    // The centre (a disc point) and a corner (outside the ring) differ in colour.
    let at = |x: f64, y: f64| side(pixel(&patch.rgba, patch.width as usize, x, y), &pic.theme);
    assert_eq!(at(240.0, 240.0), Some(true));
    assert_eq!(at(5.0, 5.0), Some(false));
}
