//! `carehub check` (and the same checks in `build`): each check fails on a
//! small crafted site, and the example site passes them all under --strict.
//! "Today" is fixed with CAREHUB_TODAY so the results never depend on the
//! day the tests run.

mod common;
use common::{Run, TestSite, page, repo_root};
use std::path::Path;
use std::process::Command;

const TODAY: &str = "2026-11-22";

/// Run carehub with today fixed.
fn carehub(root: &Path, args: &[&str]) -> Run {
    carehub_on(root, args, TODAY)
}

fn carehub_on(root: &Path, args: &[&str], today: &str) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_carehub"))
        .args(args)
        .arg("--root")
        .arg(root)
        .env("CAREHUB_TODAY", today)
        .output()
        .expect("run carehub");
    Run::from(out)
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("bad JSON ({e}):\n{}", run.stdout))
}

/// A page whose front matter is given whole.
fn raw_page(front: &str, body: &str) -> String {
    format!("+++\n{front}\n+++\n{body}\n")
}

/// Diagnostics as (code, path, line), leaving out the theme's own links to
/// pages a small test site does not have (about, services, feeds).
fn codes(v: &serde_json::Value) -> Vec<(String, String, u64)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"] != "theme")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn example_site_has_no_errors_and_nothing_overdue_under_strict() {
    let run = carehub(&repo_root(), &["check", "--strict", "--format", "json"]);
    let v = json(&run);
    let problems: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{}:{}: {}", d["path"], d["line"], d["message"]))
        .collect();
    assert_eq!(v["summary"]["errors"], 0, "{problems:#?}");
    assert_eq!(v["summary"]["overdue"], 0);
    assert_eq!(run.code, 0);
    assert!(v["summary"]["pages"].as_u64().unwrap() >= 10);
}

#[test]
fn broken_links_and_anchors_are_errors_at_their_source_line() {
    let site = TestSite::new();
    site.write(
        "content/a.md",
        &page(
            "A",
            "Read [B](@/b.md) and [its part](@/b.md#part-two).\n\nAlso [relative](../c/), [typo](/bb/) and [here](#nowhere).\n\n<a href=\"/raw-missing/\">raw</a>",
        ),
    );
    site.write("content/b.md", &page("B", "## Part one\n\nText."));
    // A site template that links to a page that does not exist.
    site.write(
        "templates/404.html",
        "<!DOCTYPE html><html lang=\"en\"><head><title>Not found</title></head><body><a href=\"{{ base }}gone/\">Gone</a></body></html>",
    );
    let run = carehub(site.root(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let out = &run.stdout;
    // The @/ fragment link, at its own line and column, with the nearest heading.
    assert!(out.contains("content/a.md:13:"), "{out}");
    assert!(
        out.contains("`#part-two`, but content/b.md has no element with that id"),
        "{out}"
    );
    assert!(out.contains("did you mean #part-one?"), "{out}");
    // Plain relative and absolute links, same-page anchors and raw HTML.
    assert!(out.contains("the link `../c/` goes nowhere"), "{out}");
    assert!(out.contains("the link `/bb/` goes nowhere"), "{out}");
    assert!(out.contains("did you mean /b/ (write @/b.md)?"), "{out}");
    assert!(
        out.contains(
            "the link `#nowhere` goes nowhere: this page has no element with the id `nowhere`"
        ),
        "{out}"
    );
    assert!(
        out.contains("content/a.md:17:10: error: the link `/raw-missing/`"),
        "{out}"
    );
    // Made by a template: reported once, against the theme, as a warning.
    assert!(
        out.contains("theme: warning: the link `/gone/` goes nowhere"),
        "{out}"
    );
    assert!(
        out.contains("── content/a.md (5 errors)"),
        "grouped by file: {out}"
    );
    assert!(out.contains("check: 5 errors and "), "{out}");
    let strict = carehub(site.root(), &["check", "--strict"]);
    strict.stdout_has("theme: error: the link `/gone/` goes nowhere");
    // build reports the same and writes nothing.
    let b = carehub(site.root(), &["build"]);
    assert_eq!(b.code, 1);
    b.stderr_has("the link `/bb/` goes nowhere");
    assert!(!site.exists("public/index.html"));
}

#[test]
fn valid_links_of_every_kind_pass() {
    let site = TestSite::new();
    site.write(
        "content/a.md",
        &page(
            "A",
            "[B](@/b.md#part-one), [rel](../b/#part-one), [abs](/b/), [top](#top), [self](#section), [find](/find-a-service/), [home](/)\n\n## Section\n\nText.",
        ),
    );
    site.write("content/b.md", &page("B", "## Part one\n\nText."));
    let v = json(&carehub(site.root(), &["check", "--format", "json"]));
    let content: Vec<_> = codes(&v).into_iter().filter(|c| c.1 != "theme").collect();
    assert!(content.is_empty(), "{content:?}");
}

#[test]
fn review_governance_overdue_due_soon_and_missing() {
    let site = TestSite::new();
    site.write(
        "content/old.md",
        &raw_page(
            "title = \"Old\"\nlast_reviewed = 2023-06-01\nnext_review = 2026-06-01\nreviewed_by = \"R\"\n[[sources]]\ntitle = \"S\"\npublisher = \"NHS\"\naccessed = 2023-05-01",
            "Text.",
        ),
    );
    site.write(
        "content/soon.md",
        &raw_page(
            "title = \"Soon\"\nlast_reviewed = 2024-01-15\nreviewed_by = \"R\"\n[[sources]]\ntitle = \"S\"\npublisher = \"NHS\"\naccessed = 2024-01-01",
            "Text.",
        ),
    );
    site.write(
        "content/unsigned.md",
        &raw_page(
            "title = \"Unsigned\"\n[[sources]]\ntitle = \"S\"\npublisher = \"NHS\"\naccessed = 2026-01-01",
            "Text.",
        ),
    );
    let run = carehub(site.root(), &["check"]);
    assert_eq!(run.code, 0, "warnings only: {}", run.stdout);
    let out = &run.stdout;
    assert!(out.contains("content/old.md:4:15: warning: review overdue: this page was due for review on 2026-06-01, 174 days ago"), "{out}");
    assert!(out.contains("content/unsigned.md:2:9: warning: this page does not say last_reviewed, reviewed_by and next_review"), "{out}");
    assert!(out.contains("Reviews:"), "{out}");
    assert!(
        out.contains("overdue   2026-06-01  content/old.md (174 days ago; reviewer: R)"),
        "{out}"
    );
    assert!(
        out.contains("due soon  2027-01-15  content/soon.md (in 54 days; reviewer: R)"),
        "{out}"
    );
    // --strict makes the warnings errors.
    let strict = carehub(site.root(), &["check", "--strict"]);
    assert_eq!(strict.code, 1);
    strict.stdout_has("content/old.md:4:15: error: review overdue");
    // A year earlier nothing was overdue.
    let early = carehub_on(site.root(), &["check", "--format", "json"], "2025-11-22");
    let v = json(&early);
    assert_eq!(v["summary"]["overdue"], 0);
    assert!(!codes(&v).iter().any(|c| c.0 == "review-overdue"));
    // build shows the same warning and still builds.
    let b = carehub(site.root(), &["build"]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    b.stderr_has("content/old.md:4:15: warning: review overdue");
}

#[test]
fn reading_age_flags_hard_pages_and_names_the_hardest_sentences() {
    let site = TestSite::new();
    let hard = "Comprehensive multidisciplinary palliative interventions necessitate meticulous coordination between numerous organisations.\n".repeat(10);
    let easy = "We help you at home. You can call us at any time. We will talk with you and your family.\n".repeat(10);
    site.write(
        "content/hard.md",
        &page("Hard", &format!("Short start.\n\n{hard}")),
    );
    site.write("content/easy.md", &page("Easy", &easy));
    let run = carehub(site.root(), &["check", "--format", "json"]);
    let v = json(&run);
    let reading: Vec<(String, String, u64)> = codes(&v)
        .into_iter()
        .filter(|c| c.0 == "reading-age")
        .collect();
    assert_eq!(
        reading,
        [("reading-age".to_string(), "content/hard.md".to_string(), 15)]
    );
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "reading-age")
        .unwrap();
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("above the site's target of 6")
    );
    assert!(
        d["hint"].as_str().unwrap().contains("line 15 (grade"),
        "{d}"
    );
    let pages = v["pages"].as_array().unwrap();
    let grade = |path: &str| {
        pages.iter().find(|p| p["path"] == path).unwrap()["reading"]["grade"]
            .as_f64()
            .unwrap()
    };
    assert!(grade("content/hard.md") > 15.0);
    assert!(grade("content/easy.md") < 3.0);
    // A site may set its own target.
    site.write(
        "site.toml",
        &format!("{}[check]\nreading_grade = 50\n", common::SITE_TOML),
    );
    let v = json(&carehub(site.root(), &["check", "--format", "json"]));
    assert!(!codes(&v).iter().any(|c| c.0 == "reading-age"));
}

#[test]
fn evidence_articles_without_sources_and_incomplete_sources() {
    let site = TestSite::new();
    site.write(
        "content/bare.md",
        &raw_page(
            "title = \"Bare\"\nlast_reviewed = 2026-10-01\nreviewed_by = \"R\"",
            "Text.",
        ),
    );
    site.write(
        "content/partial.md",
        &raw_page(
            "title = \"Partial\"\nlast_reviewed = 2026-10-01\nreviewed_by = \"R\"\n[[sources]]\ntitle = \"A leaflet\"\nurl = \"https://www.nhs.uk/\"",
            "Text.",
        ),
    );
    let v = json(&carehub(site.root(), &["check", "--format", "json"]));
    let c = codes(&v);
    assert!(
        c.contains(&("no-sources".into(), "content/bare.md".into(), 2)),
        "{c:?}"
    );
    assert!(
        c.contains(&("source-incomplete".into(), "content/partial.md".into(), 5)),
        "{c:?}"
    );
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "source-incomplete")
        .unwrap();
    assert_eq!(
        d["message"],
        "the source \"A leaflet\" has no publisher and accessed"
    );
}

#[test]
fn provider_freshness_verified_and_cqc_rating_dates() {
    let site = TestSite::new();
    site.write(
        "content/providers/old-hospice.toml",
        "name = \"Old Hospice\"\nkind = \"hospice\"\nverified = 2022-03-01\n\n[cqc]\nrating = \"Good\"\nrated = 2021-01-10\n",
    );
    site.write(
        "content/providers/new-hospice.toml",
        "name = \"New Hospice\"\nkind = \"hospice\"\nverified = 2026-09-01\n\n[cqc]\nrating = \"Good\"\nrated = 2025-10-10\n",
    );
    let v = json(&carehub(site.root(), &["check", "--format", "json"]));
    let c = codes(&v);
    let old = "content/providers/old-hospice.toml".to_string();
    assert!(
        c.contains(&("provider-stale".into(), old.clone(), 3)),
        "{c:?}"
    );
    assert!(c.contains(&("rating-old".into(), old, 7)), "{c:?}");
    assert!(!c.iter().any(|x| x.1.contains("new-hospice")), "{c:?}");
    // The rating age is configurable.
    site.write(
        "site.toml",
        &format!(
            "{}[check]\nrating_max_age_months = 120\n",
            common::SITE_TOML
        ),
    );
    let c = codes(&json(&carehub(site.root(), &["check", "--format", "json"])));
    assert!(!c.iter().any(|x| x.0 == "rating-old"), "{c:?}");
}

#[test]
fn plain_language_terms_with_glossary_links() {
    let site = TestSite::new();
    site.write(
        "site.toml",
        &format!(
            "{}[[check.terms]]\nterm = \"syringe driver\"\nexplain = \"@/glossary.md#syringe-driver\"\n[[check.terms]]\nterm = \"end of life\"\nsuggest = \"the last months of life\"\n",
            common::SITE_TOML
        ),
    );
    site.write(
        "content/care.md",
        &page(
            "Care",
            "The nurse may set up a syringe driver.\n\nWe utilise a DNACPR form near the end of life.",
        ),
    );
    site.write(
        "content/explained.md",
        &page(
            "Explained",
            "A [syringe driver](@/glossary.md#syringe-driver) helps. End of life means the last months of life.",
        ),
    );
    site.write(
        "content/glossary.md",
        &page(
            "Glossary",
            "## Syringe driver\n\nA syringe driver is a small pump.",
        ),
    );
    let run = carehub(site.root(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let out = &run.stdout;
    assert!(out.contains("content/care.md:13:24: warning: \"syringe driver\" is not explained where this page first uses it"), "{out}");
    assert!(
        out.contains("[syringe driver](@/glossary.md#syringe-driver)"),
        "{out}"
    );
    assert!(out.contains("\"utilise\" is not plain English"), "{out}");
    assert!(out.contains("write \"use\" instead"), "{out}");
    assert!(out.contains("\"DNACPR\" is not explained"), "{out}");
    assert!(out.contains("\"end of life\" is not explained"), "{out}");
    assert!(!out.contains("content/explained.md"), "{out}");
    assert!(!out.contains("content/glossary.md"), "{out}");
    // The built-in list can be turned off.
    site.write(
        "site.toml",
        &format!("{}[check]\ndefault_terms = false\n", common::SITE_TOML),
    );
    let run = carehub(site.root(), &["check"]);
    assert!(!run.stdout.contains("DNACPR"), "{}", run.stdout);
}

#[test]
fn json_output_is_stable_and_documented() {
    let site = TestSite::new();
    site.write("content/a.md", &page("A", "Some text."));
    let run = carehub(site.root(), &["check", "--format", "json"]);
    assert_eq!(run.code, 0);
    let v = json(&run);
    assert_eq!(v["format"], "carehub-check");
    assert_eq!(v["version"], 1);
    assert_eq!(v["today"], TODAY);
    assert_eq!(v["strict"], false);
    for k in [
        "errors",
        "warnings",
        "files",
        "pages",
        "providers",
        "overdue",
        "due_soon",
    ] {
        assert!(v["summary"][k].is_u64(), "summary.{k}");
    }
    let a = v["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "content/a.md")
        .unwrap();
    for k in [
        "url",
        "title",
        "kind",
        "words",
        "reading",
        "last_reviewed",
        "next_review",
        "reviewed_by",
        "review",
        "review_days",
        "sources",
        "links_in",
        "links_out",
        "errors",
        "warnings",
    ] {
        assert!(a.get(k).is_some(), "pages[].{k}");
    }
    assert_eq!(a["review"], "ok");
    assert_eq!(a["last_reviewed"], "2026-10-01");
    // The keys documented in docs/check.md are the ones printed.
    let doc = std::fs::read_to_string(repo_root().join("docs/check.md")).unwrap();
    for k in [
        "\"format\"",
        "\"summary\"",
        "\"diagnostics\"",
        "\"pages\"",
        "\"links_in\"",
        "\"complex_word_share\"",
    ] {
        assert!(doc.contains(k), "docs/check.md lacks {k}");
    }
}

#[test]
fn editorial_report_is_written_as_html() {
    let site = TestSite::new();
    site.write("content/a.md", &page("Article <A>", "Read [B](@/b.md)."));
    site.write("content/b.md", &page("B", "Text."));
    let report = site.path("report.html");
    let run = carehub(
        site.root(),
        &["check", "--report", report.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    run.stdout_has("Wrote the editorial report to");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("Article &lt;A&gt;"));
    for col in [
        "Reading grade",
        "Words",
        "Last reviewed",
        "Next review",
        "Reviewer",
        "Sources",
        "Links in",
        "Links out",
        "Warnings",
    ] {
        assert!(html.contains(col), "{col}");
    }
    assert!(!html.contains("<script"));
    // check writes no site.
    assert!(!site.exists("public"));
}

#[test]
fn a_bad_today_override_is_an_error() {
    let site = TestSite::new();
    let run = carehub_on(site.root(), &["check"], "next tuesday");
    assert_eq!(run.code, 1);
    run.stdout_has("CAREHUB_TODAY is set to `next tuesday`, which is not a date");
}

#[test]
fn fragment_links_in_a_static_html_file_are_checked_against_that_file() {
    let site = TestSite::new();
    site.write(
        "static/info.html",
        r##"<html><body><p id="here">x</p><a href="#here">a</a><a href="info.html#here">b</a>
<a href="?q=1#here">c</a><a href="">d</a><a href="#not-here">e</a></body></html>"##,
    );
    site.write(
        "static/docs/guide.html",
        r##"<html><body><h2 id="step">x</h2><a href="#step">a</a><a href="../info.html#here">b</a>
<a href="guide.html#gone">c</a></body></html>"##,
    );
    let run = carehub(site.root(), &["build"]);
    for good in [
        "`#here`",
        "`info.html#here`",
        "`?q=1#here`",
        "`#step`",
        "`../info.html#here`",
    ] {
        assert!(
            !run.stderr.contains(good),
            "{good} reported:\n{}",
            run.stderr
        );
    }
    run.stderr_has("`#not-here` goes nowhere: this page has no element with the id `not-here`")
        .stderr_has("`guide.html#gone` points at `#gone`, but docs/guide.html has no element");
}
