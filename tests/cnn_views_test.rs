//! The CNN views (src/render/layers.rs, maps.rs, im2col.rs) on the public CNN fixtures,
//! through the recorder and its SVG.

use backprop_lab::json;
use backprop_lab::lang::Lang;
use backprop_lab::problem::Problem;
use backprop_lab::render::maps::{self, Focus};
use backprop_lab::render::{layers, Theme};
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
                let size = if tag == "en" { (1000, 620) } else { (1500, 930) };
                let svg = maps::svg(&t, c, &theme, lang, &Focus::default(), size).unwrap();
                std::fs::write(format!("{dir}/{name}-maps-{c:03}-{tag}.svg"), svg).unwrap();
                let h = (layers::height(&t, 360.0) * theme.scale) as u32;
                let size = ((360.0 * theme.scale) as u32, h);
                let svg = layers::svg(&t, c, &theme, lang, size).unwrap();
                std::fs::write(format!("{dir}/{name}-layers-{c:03}-{tag}.svg"), svg).unwrap();
            }
        }
    }
}
