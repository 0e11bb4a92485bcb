//! The default theme's promises that tools don't check: page weight, one
//! fingerprinted stylesheet, no web fonts, no inline script or style (the
//! CSP forbids them), the urgent-help banner and landmarks on every page.

mod common;
use common::build_example;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

fn gz_len(bytes: &[u8]) -> usize {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap().len()
}

/// Local `src`/`href` URLs of scripts and stylesheets in a page.
fn assets_of(html: &str) -> Vec<String> {
    let mut v = Vec::new();
    for (start, end) in [
        ("<script src=\"", "\""),
        ("<link rel=\"stylesheet\" href=\"", "\""),
    ] {
        for part in html.split(start).skip(1) {
            v.push(part.split(end).next().unwrap().to_string());
        }
    }
    v
}

#[test]
fn every_page_is_light_and_csp_clean() {
    let (_tmp, out) = build_example(&[]);
    let css: Vec<_> = std::fs::read_dir(out.join("assets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".css"))
        .collect();
    assert_eq!(css.len(), 1, "one stylesheet: {css:?}");
    let name = &css[0];
    let hash = name.trim_start_matches("carehub.").trim_end_matches(".css");
    assert!(
        hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "hashed name {name}"
    );
    let css_text = std::fs::read_to_string(out.join("assets").join(name)).unwrap();
    assert!(!css_text.contains("@font-face"), "no web fonts");
    assert!(
        !css_text.contains("url(http"),
        "no third-party CSS requests"
    );
    assert!(
        css_text.contains("prefers-reduced-motion"),
        "reduced motion respected"
    );
    assert!(css_text.contains("@media print"), "print stylesheet");

    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        let p = entry.path();
        if p.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(p).unwrap();
        if html.contains("http-equiv=\"refresh\"") {
            continue; // alias redirect
        }
        pages += 1;
        let shown = p.strip_prefix(&out).unwrap().display().to_string();
        let mut total = gz_len(html.as_bytes());
        for a in assets_of(&html) {
            let file = out.join(a.trim_start_matches('/'));
            total += gz_len(&std::fs::read(&file).unwrap_or_else(|e| panic!("{shown}: {a}: {e}")));
        }
        assert!(total < 50 * 1024, "{shown}: {total} bytes gzipped");
        assert!(
            !html.contains(" style=\""),
            "{shown}: inline style attribute"
        );
        for s in html.split("<script").skip(1) {
            assert!(
                s.starts_with(" type=\"application/ld+json\"") || s.starts_with(" src="),
                "{shown}: inline script <script{}",
                &s[..40.min(s.len())]
            );
        }
        assert!(html.contains("Content-Security-Policy"), "{shown}: CSP");
        assert!(html.contains("class=\"skip-link\""), "{shown}: skip link");
        assert!(
            html.contains("<main id=\"main-content\""),
            "{shown}: main landmark"
        );
        assert!(
            html.contains("call <strong>999</strong>"),
            "{shown}: urgent-help banner"
        );
        assert!(html.contains("name=\"viewport\""), "{shown}: viewport");
    }
    assert!(pages > 50, "checked {pages} pages");
}

/// `templates/footer.html` alone replaces the footer of every page (it is
/// rendered once per build and written by `base.html` as `site_footer`).
#[test]
fn a_site_footer_template_replaces_the_footer_on_every_page() {
    let site = common::TestSite::new();
    site.write("content/about.md", &common::page("About", "About us."));
    site.write(
        "templates/footer.html",
        "<footer class=\"mine\"><p>{{ site.title }} {{ base }}</p></footer>\n",
    );
    site.build().expect_code(0);
    for rel in [
        "public/index.html",
        "public/about/index.html",
        "public/404.html",
    ] {
        let html = site.read(rel);
        assert!(
            html.contains("<footer class=\"mine\"><p>Test Hub /</p></footer>\n"),
            "{rel}: {html}"
        );
        assert!(!html.contains("site-footer"), "{rel}");
    }
}

/// The footer is site-wide: a page variable in it is an error naming the
/// footer, reported once, not once per page.
#[test]
fn a_page_variable_in_the_footer_is_one_clear_error() {
    let site = common::TestSite::new();
    site.write("content/about.md", &common::page("About", "About us."));
    site.write(
        "templates/footer.html",
        "<footer>{{ page.title }}</footer>\n",
    );
    let run = site.build();
    run.expect_code(1);
    assert_eq!(
        run.stderr.matches("rendering the footer").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("footer.html"), "{}", run.stderr);
}

/// Template mistakes are reported at their line and column, every unknown
/// filter and component in one run, and nothing is written.
#[test]
fn template_mistakes_are_placed_and_reported_together() {
    let site = common::TestSite::new();
    site.write("content/about.md", &common::page("About", "About us."));
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title | shout }}</h1>\n{{<no_such_part list={page.faq} />}}\n{% endblock content %}\n",
    );
    site.write(
        "templates/footer.html",
        "<footer>{{ t.built_with | whisper }}</footer>\n",
    );
    let run = site.build();
    run.expect_code(1);
    for want in [
        "templates/page.html:3:21: error: template error: Unknown filter `shout`",
        "templates/page.html:4:3: error: template error: Unknown component `no_such_part`",
        "templates/footer.html:1:27: error: template error: Unknown filter `whisper`",
    ] {
        assert!(run.stderr.contains(want), "{want}\n{}", run.stderr);
    }
    assert!(!site.exists("public/about/index.html"));

    // A field that does not exist is placed too, and names the ones that do.
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.titel }}</h1>\n{% endblock content %}\n",
    );
    site.write("templates/footer.html", "<footer></footer>\n");
    let run = site.build();
    run.expect_code(1);
    assert!(
        run.stderr.contains(
            "templates/page.html:3:13: error: template error: Field `titel` is not defined"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("title"), "{}", run.stderr);
}
