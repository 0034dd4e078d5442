//! Browser unit tests (wasm-bindgen-test, headless Chromium): the binding layer and
//! canvas drawing, pixels actually drawn.
#![cfg(target_arch = "wasm32")]

use backprop_lab::web::{format_numbers, vocabulary, Frame, Lab};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(w: u32, h: u32) -> HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_width(w);
    c.set_height(h);
    doc.body().unwrap().append_child(&c).unwrap();
    c
}

/// The canvas's RGBA pixels.
fn pixels(c: &HtmlCanvasElement) -> Vec<u8> {
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    ctx.get_image_data(0.0, 0.0, c.width() as f64, c.height() as f64)
        .unwrap()
        .data()
        .to_vec()
}

/// Pixels that differ from the top-left pixel (the background).
fn painted(c: &HtmlCanvasElement) -> usize {
    let data = pixels(c);
    let bg = [data[0], data[1], data[2]];
    data.chunks(4).filter(|p| [p[0], p[1], p[2]] != bg).count()
}

/// A frame that shows `view` on `c` at 400 × 250 CSS pixels, dpr 2.
fn frame_of(view: &str, c: &HtmlCanvasElement) -> Frame {
    let mut f = Frame::new();
    f.look(2.0, false, 1.0);
    f.show(view, c.clone(), 400.0, 250.0, true).unwrap();
    f
}

/// The JSON half of a frame's answer.
fn frame_json(lab: &mut Lab, f: &mut Frame) -> serde_json::Value {
    let out = lab.frame(f);
    serde_json::from_str(&out.get(0).as_string().unwrap()).unwrap()
}

#[wasm_bindgen_test]
fn state_follows_the_cursor() {
    let mut lab = Lab::new("mazur").unwrap();
    let s: serde_json::Value = serde_json::from_str(&lab.state()).unwrap();
    assert!(s["layers"][0]["z"][0].is_null());
    lab.end();
    let s: serde_json::Value = serde_json::from_str(&lab.state()).unwrap();
    assert_eq!(s["loss_after_step"], 0.28047144679143016);
    assert_eq!(s["cursor"]["kind"], "update");
}

#[wasm_bindgen_test]
fn errors_cross_as_readable_strings_in_the_pages_language() {
    let mut lab = Lab::new("mazur").unwrap();
    let e = lab
        .load("{\"network\": 1}")
        .unwrap_err()
        .as_string()
        .unwrap();
    assert!(e.contains("network"), "{e}");
    let e = lab
        .set_weight(0, 0, 0, f64::NAN)
        .unwrap_err()
        .as_string()
        .unwrap();
    assert!(e.contains("not a finite number"));
    lab.set_lang("zh").unwrap();
    let e = lab
        .set_weight(0, 0, 0, f64::NAN)
        .unwrap_err()
        .as_string()
        .unwrap();
    assert_eq!(e, "W(1)_11：不是有限的数");
    assert!(lab.set_lang("fr").is_err());
    assert!(Lab::new("nope").is_err());
    let v: serde_json::Value = serde_json::from_str(&vocabulary()).unwrap();
    assert!(v["presets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "mazur-frozen-bias"));
    assert!(v["activations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "leaky_relu"));
    assert_eq!(
        format_numbers(&[0.2983711087600027, -0.5, 1e-7], 4),
        "0.2984\n-0.5\n1e-7"
    );
}

#[wasm_bindgen_test]
fn network_view_draws_pixels_at_device_resolution() {
    let mut lab = Lab::new("mazur").unwrap();
    let c = canvas(10, 10);
    let mut f = frame_of("network", &c);
    let first = frame_json(&mut lab, &mut f);
    assert_eq!(first["state"]["cursor"]["index"], 0);
    assert!(first["steps"].is_array() && first["symbols"].is_object());
    assert_eq!(
        (c.width(), c.height()),
        (800, 500),
        "canvas sized for dpr 2"
    );
    let start = painted(&c);
    assert!(start > 2000, "units and edges drawn: {start}");
    // Nothing changed: the next frame sends no steps again.
    let again = frame_json(&mut lab, &mut f);
    assert!(again["steps"].is_null() && again["symbols"].is_null());
    lab.end();
    frame_json(&mut lab, &mut f);
    assert!(
        painted(&c) > start,
        "values and the loss box appear at the end of the pass"
    );
}

#[wasm_bindgen_test]
fn curves_draw_and_hit_testing_finds_units() {
    let mut lab = Lab::new("mazur").unwrap();
    lab.seek(2).unwrap();
    let c = canvas(10, 10);
    let mut f = frame_of("curves", &c);
    frame_json(&mut lab, &mut f);
    assert!(painted(&c) > 3000);
    assert_eq!(lab.hit_network(1.0, 1.0, 400.0, 250.0, &f), "null");
    assert!(f.show("nowhere", c, 10.0, 10.0, true).is_err());
}

#[wasm_bindgen_test]
fn training_through_the_binding() {
    let mut lab = Lab::new("xor").unwrap();
    let l0 = lab.train(1.0).unwrap();
    let l1 = lab.train(3000.0).unwrap();
    assert!(l1 < l0);
    assert!(lab.train(-1.0).is_err() && lab.train(0.5).is_err());
}

/// In the browser tanh and exp are the engine's own: the fixtures still hold to 1e-9.
#[wasm_bindgen_test]
fn fixtures_hold_with_the_browser_maths() {
    for text in [
        include_str!("fixtures/tanh-softmax-3-4-3-ce.json"),
        include_str!("fixtures/mazur-2-2-2.json"),
        include_str!("fixtures/train-xor-2-2-1-sigmoid.json"),
    ] {
        let r = backprop_lab::fixture::check_text(text).unwrap();
        assert!(r.passed(), "{}: {:?}", r.name, r.failures);
        assert!(r.worst < 1e-12, "{}: {}", r.name, r.worst);
    }
}

/// A batched replay draws every line of a run, and a style change starts a new run
/// with its own colour: pixels are checked on each line.
#[wasm_bindgen_test]
fn replay_draws_each_line_of_a_batched_run() {
    use backprop_lab::canvas::MeasuredCanvas;
    use backprop_lab::render::recorder::{Ink, Op, Stroke};
    let c = canvas(40, 40);
    let blue = Stroke {
        ink: Ink {
            rgb: (0, 0, 255),
            alpha: 1.0,
        },
        width: 2,
    };
    let red = Stroke {
        ink: Ink {
            rgb: (255, 0, 0),
            alpha: 1.0,
        },
        width: 2,
    };
    let ops = vec![
        Op::Path(vec![(0, 5), (40, 5)], blue),
        Op::Path(vec![(0, 15), (40, 15)], blue),
        Op::Line((0, 25), (40, 25), blue),
        Op::Path(vec![(0, 35), (40, 35)], red),
    ];
    MeasuredCanvas::new(c.clone())
        .unwrap()
        .replay(&ops)
        .unwrap();
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let px = |x: f64, y: f64| {
        let d = ctx.get_image_data(x, y, 1.0, 1.0).unwrap().data();
        (d[0], d[1], d[2], d[3])
    };
    for y in [5.0, 15.0, 24.0] {
        assert_eq!(px(20.0, y), (0, 0, 255, 255), "blue line at y = {y}");
    }
    assert_eq!(
        px(20.0, 35.0),
        (255, 0, 0, 255),
        "the red run has its own colour"
    );
    assert_eq!(px(20.0, 10.0).3, 0, "nothing between the lines");
}

/// In the browser numbers are read by its own parseFloat: every f64 still reads back bit
/// for bit, and overflow is still refused.
#[wasm_bindgen_test]
fn numbers_read_back_bit_for_bit_with_the_browsers_parse_float() {
    use backprop_lab::json::{self, Value};
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..20_000 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let x = f64::from_bits(s);
        if x.is_finite() {
            let text = Value::Number(x).to_string();
            let back = json::parse(&text).unwrap().as_f64().map(f64::to_bits);
            assert_eq!(back, Some(s), "{text}");
        }
    }
    assert_eq!(json::parse("0.1").unwrap(), 0.1);
    assert!(json::parse("[1e999]")
        .unwrap_err()
        .to_string()
        .contains("number out of range"));
}

/// The Code tab's step code and the Python exports cross the binding in the page's
/// language; a step out of range and an unknown format are messages.
#[wasm_bindgen_test]
fn code_crosses_the_binding() {
    let mut lab = Lab::new("mazur").unwrap();
    let c: serde_json::Value = serde_json::from_str(&lab.code_step(6).unwrap()).unwrap();
    let lines = |k: &str| {
        c[k].as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(lines("numpy")[0], "# Backward · layer 2: δ(2) = ∂L/∂z");
    assert!(lines("pytorch")
        .iter()
        .any(|l| l.starts_with("delta2 = z2.grad")));
    assert!(c["pytorch_note"].as_str().unwrap().contains("z2.grad"));
    assert!(lab
        .code_step(11)
        .unwrap_err()
        .as_string()
        .unwrap()
        .contains("11"));
    lab.set_lang("zh").unwrap();
    let numpy = lab.code_script("numpy").unwrap();
    assert!(
        numpy.contains("# 前向传播 · 第 1 层：加权和 z(1)\nz1 = W1 @ x + b1"),
        "{numpy}"
    );
    assert!(lab
        .code_script("pytorch")
        .unwrap()
        .contains("loss.backward()"));
    assert!(lab
        .code_script("julia")
        .unwrap_err()
        .as_string()
        .unwrap()
        .contains("julia"));
}

#[wasm_bindgen_test]
fn a_canvas_far_from_the_viewport_keeps_its_picture_until_it_nears() {
    let mut lab = Lab::new("mazur").unwrap();
    let c = canvas(800, 500);
    let mut f = Frame::new();
    f.look(2.0, false, 1.0);
    f.show("network", c.clone(), 400.0, 250.0, false).unwrap();
    let out = frame_json(&mut lab, &mut f);
    assert_eq!(painted(&c), 0, "far: not drawn");
    // Its height is still sized (the page lays it out before it is seen).
    assert!(out["problems"].as_array().unwrap().is_empty());
    f.show("network", c.clone(), 400.0, 250.0, true).unwrap();
    frame_json(&mut lab, &mut f);
    let first = painted(&c);
    assert!(first > 1000, "near: drawn ({first} px)");
    // Stepping while far leaves the last picture; nearing again draws the new step.
    let before = ctx_hash(&c);
    lab.next();
    f.show("network", c.clone(), 400.0, 250.0, false).unwrap();
    frame_json(&mut lab, &mut f);
    assert_eq!(ctx_hash(&c), before);
    f.show("network", c.clone(), 400.0, 250.0, true).unwrap();
    frame_json(&mut lab, &mut f);
    assert_ne!(ctx_hash(&c), before);
}

/// A hash of the canvas's pixels.
fn ctx_hash(c: &HtmlCanvasElement) -> u64 {
    pixels(c).iter().fold(1469598103934665603u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(1099511628211)
    })
}

/// A tall maps picture (lenet-tiny's first conv backward) drawn on `c` at 400 CSS px
/// wide, dpr 2, with the CSS rows `seen` in sight; returns what the frame sent.
fn maps_frame(lab: &mut Lab, c: &HtmlCanvasElement, seen: Option<(f64, f64)>) -> serde_json::Value {
    let mut f = Frame::new();
    f.look(2.0, false, 1.0);
    f.show("maps", c.clone(), 400.0, 300.0, true).unwrap();
    if let Some((top, bottom)) = seen {
        f.in_sight("maps", top, bottom);
    }
    frame_json(lab, &mut f)
}

#[wasm_bindgen_test]
fn a_canvas_drawn_in_sight_first_and_the_rest_after_matches_one_drawn_whole() {
    let mut lab = Lab::new("lenet-tiny").unwrap();
    lab.seek(19).unwrap();
    let whole = canvas(1, 1);
    let out = maps_frame(&mut lab, &whole, None);
    assert_eq!(out["later"], false, "all of it drawn in the frame");
    let expected = ctx_hash(&whole);
    // The rows in sight at the top, in the middle (two bands left), and none at all.
    for seen in [(0.0, 150.0), (200.0, 420.5), (-900.0, -100.0)] {
        let mut lab = Lab::new("lenet-tiny").unwrap();
        lab.seek(19).unwrap();
        let c = canvas(1, 1);
        let out = maps_frame(&mut lab, &c, Some(seen));
        assert_eq!(
            out["later"], true,
            "{seen:?}: rows left for after the frame"
        );
        assert_eq!(
            (c.width(), c.height()),
            (whole.width(), whole.height()),
            "sized in the frame"
        );
        assert_ne!(ctx_hash(&c), expected, "{seen:?}: not all drawn yet");
        lab.draw_later().unwrap();
        assert_eq!(
            ctx_hash(&c),
            expected,
            "{seen:?}: the same pixels as drawn whole"
        );
    }
}

#[wasm_bindgen_test]
fn a_new_step_replaces_what_the_last_frame_left_to_draw() {
    let mut lab = Lab::new("lenet-tiny").unwrap();
    lab.seek(18).unwrap();
    let c = canvas(1, 1);
    maps_frame(&mut lab, &c, Some((0.0, 100.0)));
    lab.next();
    maps_frame(&mut lab, &c, Some((0.0, 100.0)));
    lab.draw_later().unwrap();
    let mut whole_lab = Lab::new("lenet-tiny").unwrap();
    whole_lab.seek(18).unwrap();
    let whole = canvas(1, 1);
    maps_frame(&mut whole_lab, &whole, None);
    whole_lab.next();
    maps_frame(&mut whole_lab, &whole, None);
    assert_eq!(
        ctx_hash(&c),
        ctx_hash(&whole),
        "step 19 throughout, no rows of step 18"
    );
}

#[wasm_bindgen_test]
fn the_maps_canvas_keeps_its_tallest_buffer_and_sends_each_steps_height() {
    let mut lab = Lab::new("lenet-tiny").unwrap();
    let c = canvas(1, 1);
    let (mut tallest, mut shorter) = (0, false);
    for _ in 0..lab.count() {
        let out = maps_frame(&mut lab, &c, None);
        let sent = out["maps_height"].as_f64().unwrap();
        assert!(
            c.height() >= tallest,
            "the buffer never shrinks while stepping"
        );
        tallest = c.height();
        // The page shows the step's height of it.
        assert!(f64::from(c.height()) >= 2.0 * sent);
        shorter |= f64::from(c.height()) > 2.0 * sent + 50.0;
        lab.next();
    }
    assert!(shorter, "some step's picture is shorter than the tallest");
}
