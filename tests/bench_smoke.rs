//! The benchmark's corpus generator (`examples/gen_corpus`) and a build of
//! what it makes, at a size small enough for every test run. The timed
//! benchmark itself is `scripts/bench.sh` (see docs/performance.md).

#[allow(dead_code)]
#[path = "../examples/gen_corpus/corpus.rs"]
mod corpus;

use std::path::Path;
use std::process::Command;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn generated_corpus_builds_with_every_page() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    let sum = corpus::generate(&site, &corpus::Spec::new(50, 8)).expect("generate");
    assert_eq!(sum.articles, 50);
    assert_eq!(sum.providers, 10);
    assert_eq!(sum.services, 42);
    assert_eq!(sum.conditions, corpus::CONDITIONS);
    let mut words = sum.article_words.clone();
    words.sort_unstable();
    let median = words[words.len() / 2];
    assert!(
        (800..1500).contains(&median),
        "median article length {median} words"
    );

    let out = tmp.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_carehub"))
        .args(["build", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&out)
        .output()
        .expect("run carehub");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "build failed:\n{stderr}");
    for path in &sum.page_paths {
        assert!(
            out.join(path).join("index.html").is_file(),
            "no page for {path}"
        );
    }
    let html = files(&out)
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .count();
    assert!(
        stdout.contains(&format!("Built {html} pages")),
        "reported page count differs from the {html} HTML files written: {stdout}"
    );
    assert!(html > sum.page_paths.len(), "generated pages are missing");
}

#[test]
fn generator_is_deterministic() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let spec = corpus::Spec::new(20, 3);
    corpus::generate(&tmp.path().join("a"), &spec).expect("generate a");
    corpus::generate(&tmp.path().join("b"), &spec).expect("generate b");
    let a = files(&tmp.path().join("a"));
    assert!(a.len() > 20 + 4 + 42 + 10);
    assert!(a == files(&tmp.path().join("b")), "two runs differ");
    corpus::generate(&tmp.path().join("c"), &corpus::Spec::new(20, 4)).expect("generate c");
    assert!(
        a != files(&tmp.path().join("c")),
        "the seed changes nothing"
    );
}
