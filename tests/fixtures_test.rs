//! Every fixture through the same code path `backprop-lab check` uses: the public ones
//! copied into tests/fixtures, and whatever ../shared/fixtures holds when it exists.

use backprop_lab::fixture;
use std::path::{Path, PathBuf};

fn fixtures_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "json"));
    v.sort();
    v
}

fn check_dir(dir: &Path) -> usize {
    let files = fixtures_in(dir);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let r = fixture::check_text(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(r.passed(), "{}: {:?}", f.display(), r.failures);
        assert!(
            r.worst < 1e-12,
            "{}: deviation {} is far above round-off",
            f.display(),
            r.worst
        );
    }
    files.len()
}

#[test]
fn public_fixtures_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    assert_eq!(check_dir(&dir), 5);
}

#[test]
fn shared_fixtures_pass_when_present() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    if dir.exists() {
        assert!(check_dir(&dir) >= 5);
    } else {
        // In CI a missing folder is a failure: a silent pass would prove nothing.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI: {} is missing",
            dir.display()
        );
    }
}

fn mazur_text() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mazur-2-2-2.json"),
    )
    .unwrap()
}

#[test]
fn a_wrong_expected_number_fails() {
    // 0.2983711087600027 → 0.2983721087600027: off by 1e-6, far outside 1e-9.
    let text = mazur_text().replace(
        "\"loss\": 0.2983711087600027",
        "\"loss\": 0.2983721087600027",
    );
    let r = fixture::check_text(&text).unwrap();
    assert!(!r.passed());
    assert!(r.failures[0].contains("expected.loss"), "{:?}", r.failures);
}

#[test]
fn tolerance_rule_is_relative_above_one() {
    // An expected value of 1e3 may be off by 1e3·tol: scale one z to test the rule.
    let text = mazur_text().replace("\"tolerance\": 1e-09", "\"tolerance\": 1e-17");
    let r = fixture::check_text(&text).unwrap();
    assert!(r.worst > 1e-17 && !r.passed());
}

#[test]
fn malformed_fixtures_are_reported_not_panicked() {
    for (text, want) in [
        ("{", "not valid JSON"),
        ("[]", "expected an object"),
        ("{\"tolerance\": 1e-9}", "missing field \"expected\""),
        (
            &mazur_text().replace("\"sigmoid\"", "\"swish\""),
            "unknown activation \"swish\"",
        ),
        (
            &mazur_text().replace("[0.15, 0.2]", "[0.15, 0.2, 0.1]"),
            "row 0 has 3 entries, expected 2",
        ),
    ] {
        let e = fixture::check_text(text).unwrap_err();
        assert!(e.to_string().contains(want), "{e} should contain {want}");
    }
}
