//! One small site per class of editor error: the message names the file
//! and line, the exit code is 1, and the previous output survives.

mod common;
use common::{TestSite, page};

/// Build a good site first, then break it with `breakage`, build again and
/// check the failure. Returns stderr.
fn fails_keeping_output(breakage: impl FnOnce(&TestSite)) -> (TestSite, String) {
    let site = TestSite::new();
    site.write("content/about.md", &page("About", "All about us."));
    site.build().ok();
    let before = site.read("public/about/index.html");
    breakage(&site);
    let run = site.build();
    run.expect_code(1);
    run.stderr_has("nothing was written");
    assert_eq!(
        site.read("public/about/index.html"),
        before,
        "previous output changed"
    );
    (site, run.stderr.clone())
}

#[test]
fn malformed_front_matter() {
    let (_s, err) = fails_keeping_output(|s| {
        s.write(
            "content/bad.md",
            "+++\ntitle = \"Bad\"\ndescription = \"unclosed\n+++\nBody\n",
        )
    });
    assert!(err.contains("content/bad.md:3:"), "{err}");
    assert!(err.contains("not valid TOML"), "{err}");
}

#[test]
fn unknown_key_names_nearest() {
    let (_s, err) = fails_keeping_output(|s| {
        s.write(
            "content/bad.md",
            "+++\ntitle = \"Bad\"\nlast_reviwed = 2026-01-01\n+++\nBody\n",
        )
    });
    assert!(
        err.contains("content/bad.md:3:1: error: unknown key `last_reviwed`"),
        "{err}"
    );
    assert!(err.contains("did you mean \"last_reviewed\""), "{err}");
}

#[test]
fn unknown_key_in_site_toml() {
    let (_s, err) = fails_keeping_output(|s| {
        s.write(
            "site.toml",
            "title = \"Hub\"\nbase_url = \"https://x.example/\"\nlangauge = \"en-GB\"\n",
        )
    });
    assert!(
        err.contains("site.toml:3:1: error: unknown key `langauge`"),
        "{err}"
    );
    assert!(err.contains("did you mean \"language\""), "{err}");
}

#[test]
fn missing_title() {
    let (_s, err) = fails_keeping_output(|s| {
        s.write(
            "content/bad.md",
            "+++\ndescription = \"No title\"\n+++\nBody\n",
        )
    });
    assert!(
        err.contains("content/bad.md:1:1: error: this page has no title"),
        "{err}"
    );
}

#[test]
fn bad_date() {
    let (_s, err) = fails_keeping_output(|s| {
        s.write(
            "content/bad.md",
            "+++\ntitle = \"Bad\"\nlast_reviewed = 2026-02-30\n+++\nBody\n",
        )
    });
    assert!(err.contains("content/bad.md:3:"), "{err}");
}

#[test]
fn duplicate_url() {
    let (_s, err) = fails_keeping_output(|s| {
        s.write(
            "content/again.md",
            "+++\ntitle = \"Again\"\nslug = \"about\"\n+++\nBody\n",
        )
    });
    assert!(err.contains("same URL `/about/`"), "{err}");
    assert!(
        err.contains("content/again.md:1:1") || err.contains("content/about.md:1:1"),
        "{err}"
    );
}

#[test]
fn missing_template() {
    let (_s, err) = fails_keeping_output(|s| {
        s.write(
            "content/bad.md",
            "+++\ntitle = \"Bad\"\ntemplate = \"pagee.html\"\n+++\nBody\n",
        )
    });
    assert!(
        err.contains("content/bad.md:3:12: error: template \"pagee.html\" does not exist"),
        "{err}"
    );
    assert!(err.contains("did you mean \"page.html\""), "{err}");
}

#[test]
fn every_problem_reported_in_one_run() {
    let (_s, err) = fails_keeping_output(|s| {
        s.write("content/a.md", "+++\ntitel = \"A\"\n+++\n");
        s.write(
            "content/b.md",
            "+++\ntitle = \"B\"\nservices = [\"respite\"]\n+++\n",
        );
        s.write("content/c.md", &page("C", "[x](@/nowhere.md)"));
    });
    assert!(err.contains("content/a.md:2:1"), "{err}");
    assert!(err.contains("content/b.md:3:13"), "{err}");
    assert!(err.contains("content/c.md:"), "{err}");
    assert!(err.contains("3 errors"), "{err}");
}

#[test]
fn usage_error_exits_2() {
    let site = TestSite::new();
    site.run(&["build", "--no-such-flag"]).expect_code(2);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carehub"))
        .args(["build", "--root", "/nonexistent-carehub-site"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn drafts_only_with_flag() {
    let site = TestSite::new();
    site.write(
        "content/draft.md",
        "+++\ntitle = \"Draft\"\ndraft = true\n+++\nNot yet.\n",
    );
    site.build().ok();
    assert!(!site.exists("public/draft/index.html"));
    site.run(&["build", "--drafts"]).ok();
    assert!(site.exists("public/draft/index.html"));
}

#[test]
fn site_templates_override_theme() {
    let site = TestSite::new();
    site.write(
        "templates/page.html",
        "<!DOCTYPE html><html lang=\"{{ site.language }}\"><title>{{ page.title }}</title><p>custom {{ page.title }}</p></html>",
    );
    site.write("content/about.md", &page("About <us>", "Hi"));
    site.build().ok();
    let html = site.read("public/about/index.html");
    assert!(html.contains("<p>custom About &lt;us&gt;</p>"), "{html}");
}
