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

/// `build --timings` through the binary: every stage, the five parts of the
/// page work, a row per template, and a slow template at the top of both
/// lists, which is what a theme author looks for.
#[test]
fn timings_show_a_slow_template() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let site = tmp.path().join("site");
    let sum = corpus::generate(&site, &corpus::Spec::new(50, 8)).expect("generate");
    // One article on a template that loops for a while before the usual page.
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/slow.html"),
        "{% extends \"page.html\" %}{% block content %}\
         {% for i in range(end=400) %}{% for j in range(end=500) %}{% endfor %}{% endfor %}{{ super() }}{% endblock content %}",
    )
    .unwrap();
    let content = site.join("content");
    let md = walkdir::WalkDir::new(&content)
        .min_depth(2)
        .into_iter()
        .map(|e| e.expect("walk").into_path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && !p.ends_with("_index.md")
                && !["services", "conditions"]
                    .iter()
                    .any(|d| p.starts_with(content.join(d)))
        })
        .min()
        .expect("an article");
    let rel = md.strip_prefix(&content).unwrap().with_extension("");
    let slow = format!("{}/", rel.to_string_lossy().replace('\\', "/"));
    let text = std::fs::read_to_string(&md).unwrap();
    let text = text.replacen("+++\n", "+++\ntemplate = \"slow.html\"\n", 1);
    std::fs::write(&md, text).unwrap();

    let out = tmp.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_carehub"))
        .args(["build", "--timings", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&out)
        .output()
        .expect("run carehub");
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let ms_after = |label: &str| -> f64 {
        let line = report
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no `{label}` line in:\n{report}"));
        line[line.find(label).unwrap() + label.len()..]
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no figure after `{label}`: {line}"))
    };
    for stage in [
        "load",
        "resolve",
        "render: markdown + pages",
        "render: search index",
        "checks",
        "write: publish",
        "total",
    ] {
        assert!(ms_after(stage) >= 0.0);
    }
    for work in [
        "markdown",
        "text checks + search terms",
        "template contexts",
        "templates",
        "link scan + write",
    ] {
        assert!(ms_after(work) > 0.0, "no time for {work}:\n{report}");
    }

    // The template table: slow.html has the highest mean, and page.html
    // and provider.html count their pages.
    let table: Vec<(String, usize, f64)> = report
        .lines()
        .skip_while(|l| !l.starts_with("Templates"))
        .skip(2)
        .take_while(|l| l.starts_with("  "))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[0].to_string(),
                f[1].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect();
    let row = |name: &str| {
        table
            .iter()
            .find(|r| r.0 == name)
            .unwrap_or_else(|| panic!("no {name} row in:\n{report}"))
    };
    assert_eq!(row("slow.html").1, 1);
    assert_eq!(row("provider.html").1, sum.providers);
    assert!(row("page.html").1 >= sum.articles - 1);
    let slowest_mean = table.iter().map(|r| r.2).fold(0.0, f64::max);
    assert_eq!(row("slow.html").2, slowest_mean, "{report}");

    // The slowest pages: the slow article first, each split into its parts.
    let first = report
        .lines()
        .skip_while(|l| !l.starts_with("Slowest pages"))
        .nth(1)
        .expect("a slowest page");
    assert!(
        first.contains(&format!("{slow}index.html (slow.html;")),
        "{report}"
    );
    assert!(first.contains("scan and write"), "{first}");
}
