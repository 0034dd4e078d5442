//! The CNN views (src/render/layers.rs, maps.rs, im2col.rs) on the public CNN fixtures,
//! through the recorder and its SVG.

use backprop_lab::json;
use backprop_lab::lang::Lang;
use backprop_lab::problem::Problem;
use backprop_lab::render::maps::{self, Focus};
use backprop_lab::render::{im2col, layers, Theme};
use backprop_lab::trace::{Granularity, Trace};
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<(String, Problem)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cnn");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let v = json::parse(&std::fs::read_to_string(f).unwrap()).unwrap();
            let name = f.file_stem().unwrap().to_string_lossy().to_string();
            (name, Problem::from_value(&v, "").unwrap())
        })
        .collect()
}

fn fixture(prefix: &str) -> Problem {
    fixtures()
        .into_iter()
        .find(|(n, _)| n.starts_with(prefix))
        .unwrap()
        .1
}

/// With CNN_VIEWS_OUT=dir, writes every step's pictures of every fixture there (to look at).
#[test]
fn write_pictures_when_asked() {
    let Ok(dir) = std::env::var("CNN_VIEWS_OUT") else {
        return;
    };
    let only = std::env::var("CNN_VIEWS_ONLY").unwrap_or_default();
    for (name, p) in fixtures() {
        if !name.contains(&only) {
            continue;
        }
        let t = Trace::build(p.pass(), Granularity::Window, 4);
        for c in 0..t.len() {
            for (lang, theme, tag) in [
                (Lang::En, Theme::light(), "en"),
                (Lang::Zh, Theme::dark().scaled(1.5), "zh"),
            ] {
                let size = if tag == "en" {
                    (1000, 620)
                } else {
                    (1500, 930)
                };
                let svg = maps::svg(&t, c, &theme, lang, &Focus::default(), size).unwrap();
                std::fs::write(format!("{dir}/{name}-maps-{c:03}-{tag}.svg"), svg).unwrap();
                let h = (layers::height(&t, 360.0) * theme.scale) as u32;
                let size = ((360.0 * theme.scale) as u32, h);
                let svg = layers::svg(&t, c, &theme, lang, size).unwrap();
                std::fs::write(format!("{dir}/{name}-layers-{c:03}-{tag}.svg"), svg).unwrap();
                let size = if tag == "en" {
                    (1000, 500)
                } else {
                    (1500, 750)
                };
                let svg = im2col::svg(&t, c, &theme, lang, size).unwrap();
                std::fs::write(format!("{dir}/{name}-im2col-{c:03}-{tag}.svg"), svg).unwrap();
            }
        }
    }
}

use backprop_lab::engine::Layer;
use backprop_lab::number::fmt;
use backprop_lab::render::maps::{Grid, MapHit, What};
use backprop_lab::render::recorder::{self, Op};
use backprop_lab::trace::Phase;

const SIZE: (u32, u32) = (1000, 620);

fn traces() -> Vec<(String, Trace)> {
    let mut v = vec![];
    for (name, p) in fixtures() {
        for g in [Granularity::Window, Granularity::Layer] {
            v.push((format!("{name} {g:?}"), Trace::build(p.pass(), g, 4)));
        }
    }
    v
}

fn maps_ops(t: &Trace, c: usize, theme: &Theme, focus: &Focus) -> Vec<Op> {
    recorder::record(SIZE, None, |root| {
        maps::draw(root, t, c, theme, Lang::En, focus)
    })
    .unwrap()
}

fn px(p: (f64, f64)) -> (i32, i32) {
    (p.0.round() as i32, p.1.round() as i32)
}

/// The texts drawn centred at `at` (the numbers of the cells).
fn texts_at(ops: &[Op], at: (i32, i32)) -> Vec<String> {
    ops.iter()
        .filter_map(|op| match op {
            Op::Text(t, _, p) if *p == at => Some(t.clone()),
            _ => None,
        })
        .collect()
}

type Fills = std::collections::HashMap<((i32, i32), (i32, i32)), Vec<((u8, u8, u8), f64)>>;

/// The filled rectangles drawn, by their corners.
fn fills(ops: &[Op]) -> Fills {
    let mut m = Fills::new();
    for op in ops {
        if let Op::Rect(p, q, s, true) = op {
            m.entry((*p, *q))
                .or_default()
                .push((s.ink.rgb, s.ink.alpha));
        }
    }
    m
}

/// The colours of the filled rectangles drawn exactly on a cell (background first).
fn fills_at(f: &Fills, g: &Grid, r: usize, c: usize) -> Vec<((u8, u8, u8), f64)> {
    let (a, b) = g.cell_rect(r, c);
    let (a, b) = (px(a), px(b));
    f.get(&(a, (b.0 - 1, b.1 - 1))).cloned().unwrap_or_default()
}

/// Every text of an SVG lies inside the picture (width estimated as the layout does:
/// 0.6 em a Latin character, 1 em a CJK one, at the style's size).
fn check_svg_text_inside(svg: &str, size: (u32, u32), what: &str) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{what}: {e}"));
    let (w, h) = (size.0 as f64, size.1 as f64);
    let mut n = 0;
    for node in doc.descendants().filter(|n| n.has_tag_name("text")) {
        let text: String = node.text().unwrap_or("").trim().to_string();
        let num = |a: &str| node.attribute(a).unwrap().parse::<f64>().unwrap();
        let (x, y, fs) = (num("x"), num("y"), num("font-size") * 1.24);
        let width: f64 = text
            .chars()
            .map(|ch| if (ch as u32) >= 0x2E80 { 1.0 } else { 0.6 })
            .sum::<f64>()
            * fs;
        let (x0, x1) = match node.attribute("text-anchor") {
            Some("middle") => (x - width / 2.0, x + width / 2.0),
            Some("end") => (x - width, x),
            _ => (x, x + width),
        };
        let (y0, y1) = match node.attribute("dy") {
            Some("0.76em") => (y, y + fs),
            Some("0.5ex") => (y - fs / 2.0, y + fs / 2.0),
            _ => (y - fs, y),
        };
        assert!(
            x0 >= -1.0 && x1 <= w + 1.0 && y0 >= -1.0 && y1 <= h + 1.0,
            "{what}: text {text:?} at ({x0:.0}..{x1:.0}, {y0:.0}..{y1:.0}) leaves {w}×{h}"
        );
        n += 1;
    }
    assert!(n > 0, "{what}: no text");
}

/// Every rectangle drawn lies inside the picture.
fn check_ops_inside(ops: &[Op], size: (u32, u32), what: &str) {
    for op in ops {
        if let Op::Rect(a, b, _, _) = op {
            assert!(
                a.0 >= -4 && a.1 >= -4 && b.0 <= size.0 as i32 + 4 && b.1 <= size.1 as i32 + 4,
                "{what}: rectangle {a:?}–{b:?} leaves the picture"
            );
        }
    }
}

#[test]
fn every_step_of_every_fixture_draws_inside_the_picture() {
    for (name, t) in traces() {
        // Every step of a layer-by-layer trace; of a window-by-window one, every step
        // that is not a window and every 5th window (LeNet has hundreds).
        let steps = (0..t.len()).filter(|&c| {
            t.steps[c]
                .window
                .is_none_or(|w| w % 5 == 0 || t.len() < 120)
        });
        for c in steps {
            for (lang, theme, size) in [
                (Lang::En, Theme::light(), SIZE),
                (Lang::Zh, Theme::dark().scaled(1.5), (1500, 930)),
            ] {
                let what = format!("{name} step {c} {lang}");
                let focus = Focus {
                    kernel: Some([0, 0, 0, 0]),
                    cell: Some((0, 1, 1)),
                    im2col: true,
                };
                let ops = recorder::record(size, None, |root| {
                    maps::draw(root, &t, c, &theme, lang, &focus)
                })
                .unwrap();
                check_ops_inside(&ops, size, &format!("maps {what}"));
                let svg = recorder::to_svg(&ops, size).unwrap();
                check_svg_text_inside(&svg, size, &format!("maps {what}"));
                let lay = maps::layout(&t, c, size, &theme);
                assert!(!lay.grids.is_empty(), "{what}: no grid");

                let lsize = (
                    (360.0 * theme.scale) as u32,
                    (layers::height(&t, 360.0) * theme.scale) as u32,
                );
                let svg = layers::svg(&t, c, &theme, lang, lsize).unwrap();
                check_svg_text_inside(&svg, lsize, &format!("layers {what}"));

                let isize = (size.0, size.1 * 4 / 5);
                let ops =
                    recorder::record(isize, None, |root| im2col::draw(root, &t, c, &theme, lang))
                        .unwrap();
                check_ops_inside(&ops, isize, &format!("im2col {what}"));
                let svg = recorder::to_svg(&ops, isize).unwrap();
                check_svg_text_inside(&svg, isize, &format!("im2col {what}"));
            }
        }
    }
}

#[test]
fn a_conv_output_cell_shows_its_number_only_once_its_window_is_reached() {
    let theme = Theme::light();
    let mut checked = 0;
    for (name, p) in fixtures() {
        let t = Trace::build(p.pass(), Granularity::Window, 4);
        let out = t.pass.shapes[1];
        let (o_n, ho, wo) = out.chw();
        assert!(matches!(t.pass.net.layers[0], Layer::Conv(_)));
        for c in 0..t.len() {
            let st = &t.steps[c];
            if st.layer != Some(0) || st.phase != Phase::Forward {
                continue;
            }
            let (o, w) = (st.neuron.unwrap(), st.window.unwrap());
            let lay = maps::layout(&t, c, SIZE, &theme);
            let ops = maps_ops(&t, c, &theme, &Focus::default());
            let f = fills(&ops);
            for ch in 0..o_n {
                let g = lay.grid(What::Blob { blob: 1, c: ch }).unwrap();
                for cell in 0..ho * wo {
                    let (i, j) = (cell / wo, cell % wo);
                    let reached = ch < o || (ch == o && cell <= w);
                    let texts = texts_at(&ops, px(g.centre(i, j)));
                    let fills = fills_at(&f, g, i, j);
                    let v = t.pass.outputs[0][out.index(ch, i, j)];
                    if reached {
                        let last = fills[fills.len() - 1].0;
                        let grey = (theme.grid.0, theme.grid.1, theme.grid.2);
                        assert_ne!(last, grey, "{name} {c}: coloured");
                        if g.small && g.cell >= 30.0 {
                            assert_eq!(texts, [fmt(v, 3)], "{name} step {c} cell {ch},{i},{j}");
                            checked += 1;
                        }
                    } else {
                        assert!(
                            texts.is_empty(),
                            "{name} step {c}: {ch},{i},{j} drawn too early"
                        );
                        assert_eq!(fills.len(), 1, "{name} step {c}: one grey fill");
                        assert_eq!(fills[0].0, (theme.grid.0, theme.grid.1, theme.grid.2));
                    }
                }
            }
        }
    }
    assert!(checked > 100, "numbers checked: {checked}");
}

/// The fixture's expected argmax of layer `k`, flat per channel.
fn fixture_argmax(prefix: &str, k: usize) -> Vec<Vec<usize>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cnn");
    let f = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap();
    let v = json::parse(&std::fs::read_to_string(f).unwrap()).unwrap();
    let a = &v["expected"]["layers"][k]["argmax"];
    a.as_array()
        .unwrap()
        .iter()
        .map(|ch| {
            ch.as_array()
                .unwrap()
                .iter()
                .flat_map(|row| {
                    row.as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_u64().unwrap() as usize)
                })
                .collect()
        })
        .collect()
}

#[test]
fn max_pool_backward_marks_the_switches_on_the_fixtures_argmax() {
    let theme = Theme::light();
    let mut steps = 0;
    for prefix in ["cnn-edge", "cnn-lenet"] {
        let t = Trace::build(fixture(prefix).pass(), Granularity::Window, 4);
        for c in 0..t.len() {
            let st = &t.steps[c];
            let Some(k) = st.layer else { continue };
            if st.phase != Phase::Backward || !matches!(t.pass.net.layers[k], Layer::MaxPool(_)) {
                continue;
            }
            let arg = fixture_argmax(prefix, k);
            let (_, _, w) = t.pass.shapes[k].chw();
            let lay = maps::layout(&t, c, SIZE, &theme);
            let mut want = std::collections::BTreeSet::new();
            for (ch, cells) in arg.iter().enumerate() {
                for &a in cells {
                    for g in [What::Blob { blob: k, c: ch }, What::Grad { blob: k, c: ch }] {
                        let g = lay.grid(g).unwrap();
                        want.insert(px(g.centre(a / w + g.pad, a % w + g.pad)));
                    }
                }
            }
            let got: std::collections::BTreeSet<(i32, i32)> =
                maps_ops(&t, c, &theme, &Focus::default())
                    .iter()
                    .filter_map(|op| match op {
                        Op::Circle(p, _, _, false) => Some(*p),
                        _ => None,
                    })
                    .collect();
            assert_eq!(got, want, "{prefix} step {c}");
            steps += 1;
        }
    }
    assert!(steps >= 5, "max-pool backward steps: {steps}");
}

#[test]
fn the_turned_kernel_is_rot180_of_k() {
    let theme = Theme::light();
    let mut cells = 0;
    let mut numbers = 0;
    for (name, p) in fixtures() {
        let t = Trace::build(p.pass(), Granularity::Layer, 4);
        for c in 0..t.len() {
            let st = &t.steps[c];
            let Some(k) = st.layer else { continue };
            let Layer::Conv(conv) = &t.pass.net.layers[k] else {
                continue;
            };
            if st.phase != Phase::Backward {
                continue;
            }
            let lay = maps::layout(&t, c, SIZE, &theme);
            let ops = maps_ops(&t, c, &theme, &Focus::default());
            let f = fills(&ops);
            let max = conv.weights.iter().fold(0.0f64, |m, w| m.max(w.abs()));
            let kk = conv.kernel;
            for o in 0..conv.out_channels {
                for ch in 0..conv.in_channels {
                    let g = lay.grid(What::Rot { layer: k, o, c: ch }).unwrap();
                    for u in 0..kk {
                        for v in 0..kk {
                            let want = conv.w(o, ch, kk - 1 - u, kk - 1 - v);
                            let fill = *fills_at(&f, g, u, v).last().unwrap();
                            let sign = if want >= 0.0 {
                                theme.positive
                            } else {
                                theme.negative
                            };
                            assert_eq!(
                                fill.0,
                                (sign.0, sign.1, sign.2),
                                "{name} rot K[{o},{ch}] ({u},{v})"
                            );
                            let alpha = 0.06 + 0.94 * want.abs() / max;
                            assert!(
                                (fill.1 - alpha).abs() < 1e-9,
                                "{name}: {} vs {alpha}",
                                fill.1
                            );
                            let texts = texts_at(&ops, px(g.centre(u, v)));
                            if !texts.is_empty() {
                                assert_eq!(texts, [fmt(want, 3)]);
                                numbers += 1;
                            }
                            cells += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(
        cells > 40 && numbers >= 4,
        "{cells} cells, {numbers} numbers"
    );
}

#[test]
fn hit_testing_returns_the_cell_drawn_there() {
    let theme = Theme::light();
    let mut kernels = 0;
    for (name, t) in traces() {
        for c in 0..t.len() {
            let lay = maps::layout(&t, c, SIZE, &theme);
            let f = fills(&maps_ops(&t, c, &theme, &Focus::default()));
            let current = t.steps[c].layer;
            for g in &lay.grids {
                for r in 0..g.rows {
                    for q in 0..g.cols {
                        let (x, y) = g.centre(r, q);
                        let hit = maps::hit_layout(&t, c, &lay, x, y);
                        let drawn = !fills_at(&f, g, r, q).is_empty();
                        match g.what {
                            What::Kernel {
                                layer, o, c: ch, ..
                            }
                            | What::KernelGrad { layer, o, c: ch }
                            | What::WindowKernel { layer, o, c: ch }
                                if Some(layer) == current =>
                            {
                                assert!(drawn, "{name} {c}: kernel cell drawn");
                                assert_eq!(
                                    hit,
                                    Some(MapHit::Kernel([o, ch, r, q])),
                                    "{name} step {c}"
                                );
                                if kernels % 7 == 0 {
                                    // The page's entry point lays out again: the same answer.
                                    assert_eq!(maps::hit(&t, c, SIZE, &theme, x, y), hit);
                                }
                                kernels += 1;
                            }
                            What::Rot { layer, o, c: ch } if Some(layer) == current => {
                                let k = g.rows - 1;
                                assert!(drawn);
                                assert_eq!(hit, Some(MapHit::Kernel([o, ch, k - r, k - q])));
                                kernels += 1;
                            }
                            What::Blob { blob: 0, c: ch } => {
                                let (i, j) = (r.wrapping_sub(g.pad), q.wrapping_sub(g.pad));
                                let (_, h, w) = t.pass.shapes[0].chw();
                                if i < h && j < w {
                                    assert!(drawn);
                                    assert_eq!(
                                        hit,
                                        Some(MapHit::Input { c: ch, i, j }),
                                        "{name} {c}"
                                    );
                                } else {
                                    assert_eq!(hit, None, "padding is not paintable");
                                }
                            }
                            What::Grad { blob, c: ch } if !t.pass.shapes[blob].is_vector() => {
                                let (i, j) = (r.wrapping_sub(g.pad), q.wrapping_sub(g.pad));
                                let (_, h, w) = t.pass.shapes[blob].chw();
                                if i < h && j < w {
                                    assert_eq!(hit, Some(MapHit::Cell { blob, c: ch, i, j }));
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            // Outside every grid: nothing.
            assert_eq!(maps::hit(&t, c, SIZE, &theme, 1.0, 1.0), None);
        }
    }
    assert!(kernels > 200, "kernel cells hit: {kernels}");
}

#[test]
fn the_start_step_draws_the_image_big_enough_to_paint() {
    let theme = Theme::light();
    for (name, p) in fixtures() {
        let t = Trace::build(p.pass(), Granularity::Window, 4);
        let lay = maps::layout(&t, 0, SIZE, &theme);
        let g = lay.grid(What::Blob { blob: 0, c: 0 }).unwrap();
        assert!(g.cell >= 20.0, "{name}: image cells {}", g.cell);
        // At every later step the image is still there to paint on.
        for c in 0..t.len() {
            let lay = maps::layout(&t, c, SIZE, &theme);
            let g = lay.grid(What::Blob { blob: 0, c: 0 }).unwrap();
            assert!(g.cell >= 8.0, "{name} step {c}: image cells {}", g.cell);
        }
        // The page sizes the canvas by maps::height: the grids then fit.
        for c in 0..t.len() {
            let h = maps::height(&t, c, 1000.0, 1.0);
            assert!(h > 100.0 && h < 3000.0, "{name} {c}: {h}");
        }
    }
}

#[test]
fn both_ways_give_the_same_number() {
    let t = Trace::build(fixture("cnn-edge").pass(), Granularity::Layer, 4);
    let c = (0..t.len())
        .find(|&c| t.steps[c].layer == Some(0) && t.steps[c].phase == Phase::Backward)
        .unwrap();
    let g = t.pass.grad_inputs[0][t.pass.shapes[0].index(0, 1, 2)];
    let focus = Focus {
        cell: Some((0, 1, 2)),
        ..Focus::default()
    };
    let svg = maps::svg(&t, c, &Theme::light(), Lang::En, &focus, SIZE).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let lines: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::trim))
        .filter(|s| s.contains("K·δ") || s.contains("rot180(K)·δ"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    for l in &lines {
        assert!(l.ends_with(&format!("= {}", fmt(g, 4))), "{l}");
    }
    assert!(lines[0].contains("∂L/∂a(0)[1,2,3]"), "{}", lines[0]);
    // In Chinese too.
    let svg = maps::svg(&t, c, &Theme::light(), Lang::Zh, &focus, SIZE).unwrap();
    assert!(svg.contains("转 180° 的卷积核") && svg.contains("输入的梯度"));
}

#[test]
fn the_layer_stack_runs_down_in_the_backward_phase() {
    let t = Trace::build(fixture("cnn-lenet").pass(), Granularity::Layer, 4);
    let theme = Theme::light();
    let size = (360, layers::height(&t, 360.0) as u32);
    let tips = |c: usize| -> Vec<bool> {
        recorder::record(size, None, |root| {
            layers::draw(root, &t, c, &theme, Lang::En)
        })
        .unwrap()
        .iter()
        .filter_map(|op| match op {
            // The arrow heads: is the tip (first vertex) below the base?
            Op::Polygon(v, _) if v.len() == 3 => Some(v[0].1 > v[1].1),
            _ => None,
        })
        .collect()
    };
    let fwd = t.first_of(Phase::Forward).unwrap();
    let bwd = t.first_of(Phase::Backward).unwrap();
    assert!(tips(fwd).iter().all(|down| !down), "forward: up");
    assert!(tips(bwd).iter().all(|down| *down), "backward: down");
    // The current layer is lit (the accent ring), and its type and shapes are written.
    let svg = layers::svg(&t, bwd, &theme, Lang::En, size).unwrap();
    assert!(svg.contains("#009E73"), "accent ring");
    assert!(
        svg.contains("softmax") && svg.contains("bottom 1×10×10 → top 3×8×8"),
        "{svg}"
    );
    assert!(svg.contains("30 params"), "3 kernels 3×3 + 3 biases");
    let zh = layers::svg(&t, bwd, &theme, Lang::Zh, size).unwrap();
    assert!(zh.contains("个参数") && zh.contains("反向传播"));
}

#[test]
fn im2col_draws_the_products_of_conv_layers_only() {
    let t = Trace::build(fixture("cnn-edge").pass(), Granularity::Window, 4);
    let theme = Theme::light();
    let size = (1000, 500);
    for c in 0..t.len() {
        let svg = im2col::svg(&t, c, &theme, Lang::En, size).unwrap();
        let conv = t.steps[c].layer == Some(0);
        assert_eq!(svg.contains("patches P"), conv, "step {c}");
        if conv && t.steps[c].phase == Phase::Backward {
            assert!(svg.contains("δᵀ") && svg.contains("δ × K"));
        }
    }
    // The edge layer: 16 windows × 4 patch columns; the fourth window's row reads
    // x[0][0..2][3..5].
    let c = (0..t.len())
        .find(|&c| t.steps[c].layer == Some(0) && t.steps[c].window == Some(3))
        .unwrap();
    let svg = im2col::svg(&t, c, &theme, Lang::En, size).unwrap();
    assert!(svg.contains("16×4") && svg.contains("(1,4)"));
    // The maps view names the same window's row when the im2col panel is open.
    let focus = Focus {
        im2col: true,
        ..Focus::default()
    };
    let svg = maps::svg(&t, c, &theme, Lang::En, &focus, SIZE).unwrap();
    assert!(svg.contains("row 4 of P"));
    let svg = maps::svg(&t, c, &theme, Lang::En, &Focus::default(), SIZE).unwrap();
    assert!(!svg.contains("of P"));
}
