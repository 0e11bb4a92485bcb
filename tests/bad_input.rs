//! Bad input and hostile content, through the real binary on temporary
//! sites: each case builds a good site first, then makes one kind of
//! mistake (or attack) and checks the message and that the previous output
//! did not change, byte for byte.

mod common;

use common::{Run, TestSite, page};
use scraper::{Html, Selector};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file under `dir` (recursively) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir(dir) {
        out.insert(
            e.strip_prefix(dir).unwrap().to_path_buf(),
            std::fs::read(&e).unwrap(),
        );
    }
    out
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                stack.push(e.path());
            } else {
                files.push(e.path());
            }
        }
    }
    files.sort();
    files
}

/// A site with one good build done; returns it and the output's snapshot.
fn built() -> (TestSite, BTreeMap<PathBuf, Vec<u8>>) {
    let site = TestSite::new();
    site.write(
        "content/about.md",
        &page("About", "## Who we are\n\nA hub."),
    );
    site.build().ok();
    let snap = snapshot(&site.path("public"));
    assert!(snap.contains_key(Path::new("index.html")));
    assert!(snap.contains_key(Path::new(".carehub-output")));
    (site, snap)
}

/// Run `carehub <args> --root <site>` from the folder `cwd`.
fn run_in(site: &TestSite, cwd: &Path, args: &[&str]) -> Run {
    Command::new(env!("CARGO_BIN_EXE_carehub"))
        .current_dir(cwd)
        .args(args)
        .arg("--root")
        .arg(site.root())
        .output()
        .expect("run carehub")
        .into()
}

/// The build failed, said each of `msgs`, and left public/ as it was.
fn fails_unchanged(site: &TestSite, snap: &BTreeMap<PathBuf, Vec<u8>>, msgs: &[&str]) -> Run {
    let r = site.build();
    r.expect_code(1);
    for m in msgs {
        r.stderr_has(m);
    }
    r.stderr_has("nothing was written");
    assert!(
        snapshot(&site.path("public")) == *snap,
        "public/ changed after a failed build"
    );
    r
}

/// Names of carehub's work folders beside the output.
fn work_folders(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".carehub-"))
        .collect()
}

// ---------------------------------------------------------------- output safety

#[test]
fn output_into_content_or_the_site_root_is_refused() {
    let (site, snap) = built();
    let content = snapshot(&site.path("content"));
    let root_files = snapshot(site.root());
    let abs_root = site.root().to_string_lossy().into_owned();
    for out in [
        "content",
        ".",
        abs_root.as_str(),
        "content/sub",
        "templates",
        "..",
    ] {
        let r = run_in(&site, site.root(), &["build", "--output", out]);
        r.expect_code(1)
            .stderr_has("refusing to write the site into")
            .stderr_has("choose another --output folder");
    }
    assert!(snapshot(&site.path("content")) == content);
    assert!(snapshot(&site.path("public")) == snap);
    assert!(snapshot(site.root()) == root_files);
}

#[test]
fn output_into_a_folder_of_someones_files_is_refused() {
    let (site, snap) = built();
    site.write("mine/notes.txt", "my notes");
    site.write("mine/photos/cat.jpg", "not really a cat");
    let before = snapshot(&site.path("mine"));
    let r = run_in(&site, site.root(), &["build", "--output", "mine"]);
    r.expect_code(1)
        .stderr_has("refusing to replace mine")
        .stderr_has("no .carehub-output file");
    assert!(snapshot(&site.path("mine")) == before);
    // A file, too.
    let r = run_in(&site, site.root(), &["build", "--output", "mine/notes.txt"]);
    r.expect_code(1).stderr_has("refusing to replace");
    assert!(snapshot(&site.path("mine")) == before);
    // A folder holding a site (its own site.toml).
    site.write("other/site.toml", common::SITE_TOML);
    let r = run_in(&site, site.root(), &["build", "--output", "other"]);
    r.expect_code(1)
        .stderr_has("refusing to write the site into other");
    assert!(snapshot(&site.path("public")) == snap);
    // An empty folder is fine, and becomes carehub's.
    std::fs::create_dir_all(site.path("empty")).unwrap();
    run_in(&site, site.root(), &["build", "--output", "empty"]).ok();
    assert!(site.exists("empty/.carehub-output"));
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_to_content_is_refused() {
    let (site, snap) = built();
    std::os::unix::fs::symlink(site.path("content"), site.path("out")).unwrap();
    let content = snapshot(&site.path("content"));
    let r = run_in(&site, site.root(), &["build", "--output", "out"]);
    r.expect_code(1)
        .stderr_has("refusing to write the site into out");
    assert!(snapshot(&site.path("content")) == content);
    assert!(snapshot(&site.path("public")) == snap);
}

/// A large site, so that writing it takes long enough to interrupt.
fn large_site(site: &TestSite, pages: usize, marker: &str) {
    let body = format!(
        "{marker}\n\n{}",
        "Words about care and support. ".repeat(400)
    );
    for i in 0..pages {
        site.write(
            &format!("content/section-{}/page-{i}.md", i % 20),
            &page(&format!("Page {i}"), &body),
        );
    }
    for s in 0..20 {
        site.write(
            &format!("content/section-{s}/_index.md"),
            &page(&format!("Section {s}"), "Pages."),
        );
    }
}

#[cfg(unix)]
#[test]
fn a_build_killed_half_way_leaves_the_previous_output_whole() {
    let site = TestSite::new();
    large_site(&site, 1500, "First version.");
    site.build().ok();
    let old = snapshot(&site.path("public"));
    large_site(&site, 1500, "Second version.");

    let mut child = Command::new(env!("CARGO_BIN_EXE_carehub"))
        .args(["build", "--quiet", "--root"])
        .arg(site.root())
        .spawn()
        .unwrap();
    // Wait until the build has started writing its new folder, then stop it there.
    let stage = loop {
        if let Some(name) = work_folders(site.root()).into_iter().next() {
            break site.path(&name);
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "the build finished ({status}) before it could be interrupted; make the site larger"
            );
        }
        std::thread::yield_now();
    };
    let pid = child.id().to_string();
    Command::new("kill").args(["-STOP", &pid]).status().unwrap();
    let mid = snapshot(&site.path("public"));
    child.kill().unwrap();
    child.wait().unwrap();
    let after = snapshot(&site.path("public"));

    // What a finished second build writes, for comparison.
    let fresh = TestSite::new();
    large_site(&fresh, 1500, "Second version.");
    fresh.build().ok();
    let new = snapshot(&fresh.path("public"));
    for (when, snap) in [("while stopped", &mid), ("after the kill", &after)] {
        assert!(
            *snap == old || *snap == new,
            "public/ {when} is neither the previous output nor the new one ({} files)",
            snap.len()
        );
    }
    assert!(
        stage.exists() || after == new,
        "the stopped build's folder vanished"
    );

    // The next build cleans up what the killed one left, and succeeds.
    site.build().ok();
    assert!(snapshot(&site.path("public")) == new);
    assert_eq!(work_folders(site.root()), Vec::<String>::new());
}

#[test]
fn stale_work_folders_are_removed_only_when_they_are_carehubs() {
    let (site, _) = built();
    // As a killed build leaves them (pid 0 is never a build).
    site.write(".public.carehub-new-0/.carehub-output", "");
    site.write(".public.carehub-new-0/half/index.html", "<p>half");
    site.write(".public.carehub-old-0/.carehub-output", "");
    // Same name, but no marker: not carehub's, so kept.
    site.write(".public.carehub-new-1/notes.txt", "mine");
    site.build().ok();
    assert_eq!(work_folders(site.root()), vec![".public.carehub-new-1"]);
    assert_eq!(site.read(".public.carehub-new-1/notes.txt"), "mine");
}

// ---------------------------------------------------------------- paths

#[test]
fn unsafe_slugs_are_rejected_with_their_position() {
    for (slug, shown) in [
        ("../evil", "`../evil`"),
        ("/etc", "`/etc`"),
        ("a\\\\b", "`a\\b`"),
        ("a\\u0007b", "`a\\u{7}b`"),
        ("..", "`..`"),
    ] {
        let (site, snap) = built();
        site.write(
            "content/x.md",
            &format!("+++\ntitle = \"X\"\nslug = \"{slug}\"\n+++\nBody.\n"),
        );
        fails_unchanged(
            &site,
            &snap,
            &[&format!(
                "content/x.md:3:8: error: {shown} cannot be used as a slug"
            )],
        );
    }
}

#[test]
fn unsafe_aliases_are_rejected_with_their_position() {
    for (alias, shown) in [
        ("/../../etc/", "\"/../../etc/\""),
        ("/a/../../b/", "\"/a/../../b/\""),
        ("C:\\\\Windows\\\\", "\"C:\\Windows\\\""),
        ("/a\\u0000b/", "\"/a\\u{0}b/\""),
        ("https://evil.example/", "\"https://evil.example/\""),
    ] {
        let (site, snap) = built();
        site.write(
            "content/x.md",
            &format!("+++\ntitle = \"X\"\naliases = [\"{alias}\"]\n+++\nBody.\n"),
        );
        fails_unchanged(
            &site,
            &snap,
            &[&format!(
                "content/x.md:3:12: error: alias {shown} is not a safe URL path"
            )],
        );
    }
}

#[test]
fn a_file_where_a_page_needs_a_folder_is_refused_before_writing() {
    let (site, snap) = built();
    // A static file named like the page's folder: both cannot exist.
    site.write("static/about", "notes");
    fails_unchanged(
        &site,
        &snap,
        &[
            "error: `about` would be written as a file, but `about/index.html` needs a folder of that name",
        ],
    );
    assert_eq!(work_folders(site.root()), Vec::<String>::new());
}

#[test]
fn an_alias_over_a_generated_file_is_refused() {
    let (site, snap) = built();
    site.write(
        "content/x.md",
        "+++\ntitle = \"X\"\naliases = [\"/404.html/\"]\n+++\nBody.\n",
    );
    fails_unchanged(
        &site,
        &snap,
        &[
            "content/x.md:3:12: error: alias \"/404.html/\" would replace `404.html`, a file this site publishes",
        ],
    );
    assert_eq!(work_folders(site.root()), Vec::<String>::new());
}

#[test]
fn unsafe_file_names_are_rejected() {
    for (name, shown) in [
        ("content/back\\slash.md", "content/back\\slash.md"),
        ("content/bell\u{7}.md", "content/bell\\u{7}.md"),
        (
            "content/providers/evil\\name.toml",
            "content/providers/evil\\name.toml",
        ),
        ("content/pro\u{1b}[31m/x.md", "content/pro\\u{1b}[31m"),
        ("content/what?.md", "content/what?.md"),
    ] {
        let (site, snap) = built();
        site.write(name, &page("X", "Body."));
        let r = fails_unchanged(&site, &snap, &[&format!("{shown}: error: ")]);
        r.stderr_has("cannot be used in a file or folder name");
        assert!(!r.stderr.contains('\u{1b}'), "control character printed");
    }
}

#[test]
fn file_names_with_dots_stay_inside_the_output() {
    let (site, _) = built();
    site.write("content/a..b.md", &page("Dots", "Body."));
    site.write("content/x/y..z/w.md", &page("More dots", "Body."));
    site.build().ok();
    assert!(site.exists("public/a-b/index.html"));
    assert!(site.exists("public/x/y-z/w/index.html"));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), page("Secret", "Secret.")).unwrap();
    let (site, snap) = built();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.path("content/secret.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path("content/elsewhere")).unwrap();
    fails_unchanged(
        &site,
        &snap,
        &[
            "content/secret.md: error: this symbolic link points outside the site folder",
            "content/elsewhere: error: this symbolic link points outside the site folder",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_site_are_followed() {
    let (site, _) = built();
    site.write("shared/notes.md", &page("Shared notes", "Shared."));
    std::os::unix::fs::symlink(site.path("shared/notes.md"), site.path("content/notes.md"))
        .unwrap();
    site.build().ok();
    assert!(
        site.read("public/notes/index.html")
            .contains("Shared notes")
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed() {
    let (site, snap) = built();
    std::fs::create_dir_all(site.path("content/a")).unwrap();
    std::os::unix::fs::symlink(site.path("content"), site.path("content/a/up")).unwrap();
    fails_unchanged(
        &site,
        &snap,
        &["content/a/up: error: this symbolic link points back to a folder that contains it"],
    );
    // Links that point at each other.
    let (site, snap) = built();
    std::os::unix::fs::symlink("two.md", site.path("content/one.md")).unwrap();
    std::os::unix::fs::symlink("one.md", site.path("content/two.md")).unwrap();
    fails_unchanged(
        &site,
        &snap,
        &[
            "content/one.md: error: this symbolic link is part of a loop",
            "content/two.md: error: this symbolic link is part of a loop",
        ],
    );
}

// ---------------------------------------------------------------- odd input

#[test]
fn non_utf8_files_are_named_with_the_bad_byte() {
    let (site, snap) = built();
    let mut bytes = page("Latin-1", "Caf").trim_end().as_bytes().to_vec();
    bytes.extend_from_slice(b"\xe9 cr\xe8me\n");
    site.write_bytes("content/latin1.md", &bytes);
    site.write_bytes(
        "content/providers/latin1.toml",
        b"name = \"Caf\xe9\"\nkind = \"hospice\"\n",
    );
    fails_unchanged(
        &site,
        &snap,
        &[
            "content/latin1.md:13:4: error: this file is not UTF-8 text (bad byte 0xe9)",
            "content/providers/latin1.toml:1:12: error: this file is not UTF-8 text (bad byte 0xe9)",
            "save the file as UTF-8",
        ],
    );
}

#[test]
fn a_utf8_bom_is_ignored() {
    let (site, _) = built();
    site.write(
        "content/bom.md",
        &format!("\u{feff}{}", page("With a BOM", "Text.")),
    );
    site.write(
        "content/providers/bom.toml",
        "\u{feff}name = \"BOM Hospice\"\nkind = \"hospice\"\n",
    );
    site.build().ok();
    let html = site.read("public/bom/index.html");
    assert!(html.contains("<h1>With a BOM</h1>") || html.contains(">With a BOM<"));
    assert!(!html.contains('\u{feff}'));
    assert!(
        site.read("public/providers/bom/index.html")
            .contains("BOM Hospice")
    );
}

#[test]
fn crlf_files_build_and_errors_point_at_the_right_line() {
    let (site, snap) = built();
    let crlf = |s: &str| s.replace('\n', "\r\n");
    site.write(
        "content/crlf.md",
        &crlf(&page("Windows", "## Heading\n\nA line.\nAnother.")),
    );
    site.build().ok();
    let html = site.read("public/crlf/index.html");
    assert!(html.contains("id=\"heading\""));
    assert!(!html.contains('\r'), "carriage returns reached the page");
    let snap2 = snapshot(&site.path("public"));
    assert!(snap2 != snap);
    site.write(
        "content/crlf.md",
        &crlf("+++\ntitle = \"Windows\"\nservices = [\"nope\"]\n+++\nText.\n"),
    );
    fails_unchanged(
        &site,
        &snap2,
        &["content/crlf.md:3:13: error: unknown service id \"nope\""],
    );
}

#[test]
fn empty_files_fail_clearly() {
    let (site, snap) = built();
    site.write("content/empty.md", "");
    site.write("content/providers/empty.toml", "");
    fails_unchanged(
        &site,
        &snap,
        &[
            "content/empty.md:1:1: error: this page has no front matter",
            "content/providers/empty.toml:1:1: error: this provider has no name",
        ],
    );
    let (site, snap) = built();
    site.write("site.toml", "");
    fails_unchanged(&site, &snap, &["site.toml"]);
}

#[test]
fn a_20_mb_article_builds() {
    let (site, _) = built();
    let para = "Palliative care helps people live as well as they can. ".repeat(20);
    let mut body = String::with_capacity(21 << 20);
    let mut n = 0;
    while body.len() < 20 << 20 {
        body.push_str(&format!("## Part {n}\n\n{para}\n\n"));
        n += 1;
    }
    body.push_str("The very end.");
    site.write("content/huge.md", &page("Huge", &body));
    site.build().ok();
    let html = site.read("public/huge/index.html");
    assert!(html.len() > 20 << 20);
    assert!(html.contains("The very end."));
    assert!(html.contains(&format!("id=\"part-{}\"", n - 1)));
}

#[test]
fn deeply_nested_block_quotes_build() {
    let (site, _) = built();
    site.write(
        "content/deep.md",
        &page("Deep", &format!("{}deep text", "> ".repeat(5000))),
    );
    // Raw HTML too, so the sanitiser sees the whole depth.
    site.write(
        "content/deep-html.md",
        &page(
            "Deep HTML",
            &format!("{}<b>deep</b> text", "> ".repeat(5000)),
        ),
    );
    site.write(
        "content/deep-lists.md",
        &page("Deep lists", &format!("{}item", "- ".repeat(5000))),
    );
    site.build().ok();
    assert!(site.read("public/deep/index.html").contains("deep text"));
    assert!(site.read("public/deep-html/index.html").contains("text"));
    assert!(site.read("public/deep-lists/index.html").contains("item"));
}

#[test]
fn raw_html_nested_too_deep_to_clean_fails_clearly() {
    let (site, snap) = built();
    site.write(
        "content/divs.md",
        &page(
            "Divs",
            &format!(
                "Intro.\n\n{}x{}",
                "<div>".repeat(100_000),
                "</div>".repeat(100_000)
            ),
        ),
    );
    let r = fails_unchanged(
        &site,
        &snap,
        &[
            "content/divs.md:15:1: error: this page has raw HTML and is nested 100000 levels deep, too deep to clean safely",
        ],
    );
    // The 500 KB line is not printed.
    assert!(
        r.stderr.len() < 2000,
        "{} bytes of messages",
        r.stderr.len()
    );
}

#[test]
fn unmatched_brackets_build() {
    let (site, _) = built();
    site.write(
        "content/brackets.md",
        &page(
            "Brackets",
            &format!(
                "{}\n\n{}\n\n{}\n\nend of brackets",
                "[".repeat(20_000),
                "](".repeat(20_000),
                "![a".repeat(20_000)
            ),
        ),
    );
    site.build().ok();
    assert!(
        site.read("public/brackets/index.html")
            .contains("end of brackets")
    );
}

#[test]
fn ten_thousand_headings_build_with_unique_ids() {
    let (site, _) = built();
    let mut body = String::new();
    for _ in 0..10_000 {
        body.push_str("## Same heading\n\nText.\n\n");
    }
    site.write("content/headings.md", &page("Headings", &body));
    let mut faq = String::new();
    for _ in 0..2000 {
        faq.push_str("[[faq]]\nquestion = \"Same heading\"\nanswer = \"Yes.\"\n");
    }
    site.write(
        "content/faq.md",
        &format!("+++\ntitle = \"FAQ\"\n{faq}+++\n## Same heading\n"),
    );
    site.build().ok();
    let html = site.read("public/headings/index.html");
    assert!(html.contains("id=\"same-heading\""));
    assert!(html.contains("id=\"same-heading-9999\""));
    assert!(!html.contains("id=\"same-heading-10000\""));
    let faq = site.read("public/faq/index.html");
    let doc = Html::parse_document(&faq);
    let ids: Vec<&str> = doc
        .select(&Selector::parse("[id]").unwrap())
        .filter_map(|e| e.value().attr("id"))
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "duplicate ids on the FAQ page");
}

#[test]
fn many_problems_in_one_large_file_are_all_reported() {
    let (site, snap) = built();
    let mut body = String::new();
    for i in 0..20_000 {
        body.push_str(&format!(
            "Padding words for a long line. [link {i}](@/missing-{i}.md)\n\n"
        ));
    }
    site.write("content/links.md", &page("Links", &body));
    let r = fails_unchanged(
        &site,
        &snap,
        &[
            "content/links.md:13:32: error: link to `@/missing-0.md`: there is no such file under content/",
            "content/links.md:40011:32: error: link to `@/missing-19999.md`",
            "40011 │ Padding words",
            "build failed with 20000 errors",
        ],
    );
    assert_eq!(r.stderr.matches(": error: link to").count(), 20_000);
}

#[test]
fn many_broken_anchors_into_a_long_page_are_reported_briefly() {
    let (site, snap) = built();
    let mut body = String::new();
    for i in 0..3000 {
        body.push_str(&format!("## Part {i}\n\nText.\n\n"));
    }
    for i in 0..3000 {
        body.push_str(&format!("[to part](@/long.md#no-part-{i})\n\n"));
    }
    site.write("content/long.md", &page("Long", &body));
    let r = fails_unchanged(
        &site,
        &snap,
        &[
            "content/long.md:12013:1: error: the link `/long/#no-part-0` points at `#no-part-0`, but content/long.md has no element with that id",
            "the headings there include: #part-0, #part-1,",
            "and 2980 more",
        ],
    );
    assert_eq!(
        r.stderr.matches("has no element with that id").count(),
        3000
    );
    // Each hint names a few headings, not all 3,000 (which was 60 MB of messages).
    assert!(
        r.stderr.len() < 4_000_000,
        "{} bytes of messages",
        r.stderr.len()
    );
}

// ---------------------------------------------------------------- hostile content

/// Every tag and attribute of a page that could run script, or load
/// something from elsewhere, that the theme itself did not put there.
fn assert_no_script(path: &str, html: &str) {
    let doc = Html::parse_document(html);
    for el in doc.select(&Selector::parse("*").unwrap()) {
        let v = el.value();
        let name = v.name();
        assert!(
            ![
                "iframe", "object", "embed", "frame", "frameset", "base", "style"
            ]
            .contains(&name),
            "<{name}> in {path}"
        );
        if name == "form" {
            let action = v.attr("action").unwrap_or("");
            assert!(
                action.starts_with('/') && !action.starts_with("//"),
                "form posting elsewhere in {path}: {}",
                el.html()
            );
        }
        if name == "script" {
            match (v.attr("type"), v.attr("src")) {
                (Some("application/ld+json"), None) => {
                    let text: String = el.text().collect();
                    serde_json::from_str::<Value>(&text)
                        .unwrap_or_else(|e| panic!("bad JSON-LD in {path}: {e}\n{text}"));
                }
                (None, Some(src)) if src.starts_with('/') && !src.starts_with("//") => {}
                _ => panic!("unexpected script in {path}: {}", el.html()),
            }
        }
        for (k, val) in v.attrs() {
            assert!(
                !k.starts_with("on"),
                "event handler {k} in {path}: {}",
                el.html()
            );
            assert!(k != "style", "style attribute in {path}: {}", el.html());
            if matches!(k, "href" | "src" | "action" | "formaction" | "content") {
                let compact: String = val
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for bad in ["javascript:", "vbscript:", "data:"] {
                    assert!(
                        !compact.starts_with(bad) && !compact.contains(&format!("url={bad}")),
                        "{bad} URL in {path}: {}",
                        el.html()
                    );
                }
            }
        }
    }
    assert!(
        html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self'; style-src 'self';"),
        "no Content-Security-Policy in {path}"
    );
}

fn html_outputs(site: &TestSite) -> Vec<(String, String)> {
    let public = site.path("public");
    walkdir(&public)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            (
                p.strip_prefix(&public)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

const ATTACKS: &str = r#"
<script>alert("script")</script>
<img src="/" onerror="alert('onerror')">
<iframe src="https://evil.example/"></iframe>
<p style="position:fixed;top:0">styled</p>
<a href="javascript:alert('raw link')">raw link</a>
<svg onload="alert(1)"><circle r="1"/></svg>
<form action="https://evil.example/"><input name="x"></form>
<object data="x.swf"></object><embed src="x.swf">
<base href="https://evil.example/">
<style>body{display:none}</style>
<meta http-equiv="refresh" content="0; url=javascript:alert(1)">

[markdown link](javascript:alert('md'))
[spaced link]( JaVaScRiPt:alert('md') )
[entity link](&#106;avascript:alert('md'))
[vb](vbscript:msgbox)
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
<javascript:alert('autolink')>
![image](javascript:alert('img'))
[ref link][r]

[r]: javascript:alert('ref')

## Heading {#x onclick=alert(1) .c}

| left | centre | right |
|:-----|:------:|------:|
| 1    | 2      | 3     |
"#;

#[test]
fn raw_html_and_script_urls_in_markdown_are_removed() {
    let (site, _) = built();
    site.write("content/attack.md", &page("Attack", ATTACKS));
    // The image the attack markup points at exists, so links check out.
    site.write_bytes("content/attack/x.png", b"\x89PNG");
    site.build().ok();
    let html = site.read("public/attack/index.html");
    assert_no_script("attack/index.html", &html);
    for gone in ["evil.example", "msgbox", "display:none", "<svg"] {
        assert!(!html.contains(gone), "{gone} left in the page");
    }
    // Script may be left as words (an autolink's text), never as code.
    for a in attr_values(&html) {
        assert!(!a.contains("alert("), "script in an attribute: {a}");
    }
    // The words stay.
    for kept in [
        "styled",
        "raw link",
        "markdown link",
        "spaced link",
        "ref link",
    ] {
        assert!(html.contains(kept), "{kept} lost");
    }
}

#[test]
fn table_alignment_needs_no_inline_style() {
    let (site, _) = built();
    site.write(
        "content/table.md",
        &page(
            "Table",
            "| left | centre | right |\n|:-----|:------:|------:|\n| 1 | 2 | 3 |",
        ),
    );
    site.build().ok();
    let html = site.read("public/table/index.html");
    assert_no_script("table/index.html", &html);
    assert!(
        html.contains("<th class=\"align-right\">right</th>"),
        "{html}"
    );
    assert!(html.contains("<td class=\"align-center\">2</td>"), "{html}");
    assert!(
        site.read(&format!("public/{}", css_path(&html)))
            .contains("td.align-right{text-align:right}")
    );
}

/// The stylesheet's path in the output, from a page that links it.
fn css_path(html: &str) -> String {
    let doc = Html::parse_document(html);
    let href = doc
        .select(&Selector::parse("link[rel=stylesheet]").unwrap())
        .next()
        .and_then(|l| l.value().attr("href"))
        .expect("a stylesheet link")
        .to_string();
    href.trim_start_matches('/').to_string()
}

#[test]
fn unsafe_html_keeps_raw_html_but_never_script_urls_in_markdown_links() {
    let (site, _) = built();
    site.write(
        "site.toml",
        &format!("{}unsafe_html = true\n", common::SITE_TOML),
    );
    site.write(
        "content/trusted.md",
        &page(
            "Trusted",
            "<details><summary>More</summary><p class=\"x\">Raw <b>HTML</b> kept.</p></details>\n\n[md](javascript:alert('md')) [data](data:text/html,x)",
        ),
    );
    site.build().ok();
    let html = site.read("public/trusted/index.html");
    assert!(html.contains(
        "<details><summary>More</summary><p class=\"x\">Raw <b>HTML</b> kept.</p></details>"
    ));
    assert!(!html.contains("javascript:"));
    assert!(!html.contains("data:text"));
    assert!(html.contains("md") && html.contains("data"));
}

/// A hostile string: closes script and attributes, and looks like tera.
const EVIL: &str = "</script><script>alert(\"x\")</script>' \" onmouseover=\"alert(1)\" & {{ 1234 * 5 }} {% if true %}yes{% endif %} <!-- \u{2028}";

/// `s` as a TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() || c == '\u{2028}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Every string anywhere in a JSON value.
fn json_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

fn jsonld_strings(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut out = Vec::new();
    for el in doc.select(&Selector::parse("script[type=\"application/ld+json\"]").unwrap()) {
        let text: String = el.text().collect();
        let v: Value = serde_json::from_str(&text).unwrap();
        json_strings(&v, &mut out);
    }
    out
}

fn texts(html: &str) -> String {
    Html::parse_document(html).root_element().text().collect()
}

fn attr_values(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    doc.select(&Selector::parse("*").unwrap())
        .flat_map(|e| {
            e.value()
                .attrs()
                .map(|(_, v)| v.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn hostile_strings_in_every_field_end_up_as_text() {
    let site = TestSite::new();
    let e = toml_str(EVIL);
    let e2 = toml_str(&format!("{EVIL} second"));
    site.write(
        "site.toml",
        &format!(
            "title = {e}\ndescription = {e}\nbase_url = \"https://hub.example.org/\"\n\
             [[nav]]\ntitle = {e}\nurl = \"/find-a-service/\"\n\
             [urgent]\ntitle = {e}\ntext = {e}\n\
             [contact]\norganisation = {e}\ntext = {e}\naddress = {e}\nemail = \"hello@example.org\"\n\
             [extra]\nx = {e}\n"
        ),
    );
    site.write(
        "content/services/respite-care.md",
        &page("Respite care", "A short break."),
    );
    site.write(
        "content/conditions/cancer.md",
        &page("Cancer", "About cancer."),
    );
    site.write(
        "content/evil.md",
        &format!(
            "+++\ntitle = {e}\ndescription = {e}\nreviewed_by = {e}\nauthor = {e}\n\
             last_reviewed = 2026-10-01\nnext_review = 2028-10-01\ndate = 2026-01-01\nupdated = 2026-02-01\n\
             services = [\"respite-care\"]\nconditions = [\"cancer\"]\nproviders = [\"evil\"]\n\
             aliases = [\"/old-evil/\"]\n\
             [[sources]]\ntitle = {e}\npublisher = {e}\nurl = \"javascript:alert(1)\"\n\
             [[faq]]\nquestion = {e}\nanswer = {e2}\n\
             [extra]\nx = {e}\n+++\n## {EVIL}\n\nBody {EVIL}\n"
        ),
    );
    site.write(
        "content/providers/evil.toml",
        &format!(
            "name = {e}\nkind = \"hospice\"\nsummary = {e}\nservices = [\"respite-care\"]\n\
             conditions = [\"cancer\"]\nsettings = [\"home\"]\nlanguages = [{e}]\naccessibility = {e}\n\
             phone = \"01908 123456\"\nareas_served = [\"MK6\"]\n\
             [address]\nlines = [{e}, {e2}]\ntown = {e}\npostcode = \"MK9 3BN\"\n\
             [opening_hours]\nmonday = {e}\nnotes = {e}\n\
             [referral]\nroutes = [\"gp\"]\nhow = {e}\nhave_ready = [{e}]\n\
             [funding]\ntypes = [\"nhs\"]\ncost_notes = {e}\n\
             [extra]\nx = {e}\n"
        ),
    );
    site.build().ok();

    let pages = html_outputs(&site);
    assert!(pages.len() > 20);
    for (path, html) in &pages {
        assert_no_script(path, html);
        assert!(
            !html.contains("6170"),
            "tera syntax was evaluated in {path}"
        );
        assert!(!html.contains("<script>alert"), "script injected in {path}");
        // JSON-LD parses back, and any hostile text in it is the exact string.
        for s in jsonld_strings(html) {
            if s.contains("<script") {
                assert!(s.contains(EVIL), "JSON-LD string mangled in {path}: {s:?}");
            }
        }
    }
    let get = |p: &str| {
        pages
            .iter()
            .find(|(path, _)| path == p)
            .unwrap_or_else(|| panic!("{p} not built"))
            .1
            .clone()
    };
    // The article: text, attributes (meta description, og:title) and JSON-LD.
    let art = get("evil/index.html");
    let text = texts(&art);
    assert!(
        text.matches(EVIL).count() >= 5,
        "hostile text not shown as text:\n{text}"
    );
    let attrs = attr_values(&art);
    assert!(
        attrs.iter().any(|a| a == EVIL),
        "hostile text not kept in attributes"
    );
    let ld = jsonld_strings(&art);
    assert!(
        ld.iter().filter(|s| s.as_str() == EVIL).count() >= 3,
        "JSON-LD: {ld:?}"
    );
    // The FAQ answer is markdown: rendered and sanitised, tera syntax kept as words.
    assert!(
        ld.iter().any(|s| s.contains("second")
            && s.contains("{{ 1234 * 5 }}")
            && !s.contains("<script")),
        "FAQ answer in JSON-LD: {ld:?}"
    );
    // The provider page.
    let prov = get("providers/evil/index.html");
    let text = texts(&prov);
    assert!(
        text.matches(EVIL).count() >= 8,
        "provider fields not shown as text:\n{text}"
    );
    assert!(jsonld_strings(&prov).iter().any(|s| s == EVIL));
    // Listings name them as text too.
    for p in [
        "search/index.html",
        "find-a-service/index.html",
        "services/respite-care/index.html",
    ] {
        assert!(texts(&get(p)).contains(EVIL), "{p} lost the hostile name");
    }
    // The alias page carries the policy too.
    assert_no_script("old-evil/index.html", &get("old-evil/index.html"));
}

#[test]
fn script_urls_in_the_menu_are_refused() {
    let (site, snap) = built();
    site.write(
        "site.toml",
        &format!(
            "{}[[nav]]\ntitle = \"Help\"\nurl = \"javascript:alert(1)\"\n",
            common::SITE_TOML
        ),
    );
    fails_unchanged(
        &site,
        &snap,
        &["site.toml:5:8: error: the menu item \"Help\" links to a script or data URL"],
    );
}
