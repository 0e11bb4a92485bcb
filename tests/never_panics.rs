//! Property tests: whatever an editor types as front matter or markdown,
//! loading, resolving and rendering never panic, and rendered markdown never
//! carries script. These call the library directly, so they are fast.

use carehub::diagnostics::SourceFile;
use carehub::load::{LoadOptions, decode_source, frontmatter, load_memory, parse_page};
use carehub::render::markdown::{Ctx, Labels, render};
use carehub::render::{RenderOptions, render_site, theme};
use carehub::resolve::{Site, resolve};
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

const CONFIG: &str = "title = \"Hub\"\nbase_url = \"https://hub.example.org/hub/\"\n";

/// Pieces editors (and attackers) write, to be glued together at random.
const MD_PIECES: &[&str] = &[
    "# ",
    "## ",
    "### ",
    "\n",
    "\n\n",
    "\r\n",
    "> ",
    "> [!NOTE]\n",
    "> [!WARNING]\n> ",
    "> [!DO]\n> - ",
    "> [!DONT]\n",
    "- ",
    "1. ",
    "* ",
    "  ",
    "\t",
    "[",
    "]",
    "(",
    ")",
    "](",
    "[x](@/accessing-care.md#referrals)",
    "[x](@/missing.md)",
    "[x](@/accessing-care.md#nope)",
    "@/",
    "#",
    "{#id .class}",
    "{#",
    "}",
    "`",
    "```\n",
    "~~~",
    "**",
    "_",
    "~~",
    "|",
    "|---|",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:x\">",
    "</div>",
    "<div>",
    "<!--",
    "-->",
    "javascript:alert(1)",
    "[a](javascript:alert(1))",
    "<javascript:alert(1)>",
    "![i](data:text/html,x)",
    "[^1]",
    "[^1]: note",
    "- [ ] ",
    "- [x] ",
    "&amp;",
    "&#0;",
    "\u{0}",
    "\u{feff}",
    "\u{2028}",
    "é",
    "👩‍⚕️",
    "\\",
    "https://nhs.uk/",
    "{{ x }}",
    "{% if %}",
    "+++",
    "---",
    "text",
    "Same heading",
    "\u{202e}",
];

fn markdown() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(MD_PIECES), 0..60).prop_map(|v| v.concat()),
        any::<String>(),
    ]
}

const KEYS: &[&str] = &[
    "title",
    "description",
    "summary",
    "date",
    "updated",
    "last_reviewed",
    "next_review",
    "reviewed_by",
    "author",
    "services",
    "conditions",
    "providers",
    "draft",
    "weight",
    "aliases",
    "template",
    "slug",
    "extra",
    "unknown_key",
    "[[sources]]",
    "[[faq]]",
    "[extra]",
    "question",
    "answer",
    "url",
    "publisher",
    "accessed",
];

const VALUES: &[&str] = &[
    "\"text\"",
    "\"\"",
    "\"../evil\"",
    "\"/abs\"",
    "\"a\\\\b\"",
    "\"\\u0007\"",
    "\"</script>\"",
    "'literal'",
    "\"\"\"multi\nline\"\"\"",
    "2026-01-01",
    "2026-02-30",
    "1979-05-27T07:32:00Z",
    "9999-12-31",
    "0000-01-01",
    "12:00:00",
    "1",
    "-1",
    "9223372036854775807",
    "1e400",
    "nan",
    "true",
    "false",
    "[]",
    "[\"respite-care\"]",
    "[\"/old/\", \"../x\"]",
    "[1, \"a\"]",
    "{}",
    "{ a = 1 }",
    "[[]]",
    "\"unterminated",
    "=",
    "",
];

fn front_matter() -> impl Strategy<Value = String> {
    let line = (
        prop::sample::select(KEYS),
        prop::sample::select(VALUES),
        prop::sample::select(&[" = ", "=", " ", "\n"][..]),
    )
        .prop_map(|(k, v, sep)| format!("{k}{sep}{v}\n"));
    prop_oneof![
        prop::collection::vec(line, 0..20).prop_map(|v| v.concat()),
        any::<String>(),
    ]
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let files = [
            ("_index.md", "+++\ntitle = \"Home\"\n+++\n## Welcome\n"),
            (
                "accessing-care.md",
                "+++\ntitle = \"Accessing care\"\n+++\n## Referrals\n",
            ),
            (
                "services/respite-care.md",
                "+++\ntitle = \"Respite care\"\n+++\n",
            ),
        ];
        let (loaded, mut diags) = load_memory(CONFIG, &files, &LoadOptions::default());
        resolve(loaded.expect("site loads"), &mut diags)
    })
}

fn default_theme() -> &'static theme::Theme {
    static THEME: OnceLock<theme::Theme> = OnceLock::new();
    THEME.get_or_init(|| {
        theme::load(
            Path::new("/nonexistent/carehub-proptest"),
            "default",
            "en-GB",
        )
        .unwrap_or_else(|_| panic!("the default theme loads"))
    })
}

fn render_md(text: &str) -> String {
    let labels = Labels::default();
    let src = SourceFile::new("content/x.md", text);
    let ctx = Ctx {
        site: site(),
        labels: &labels,
        src: &src,
        offset: 0,
    };
    let r = render(text, &ctx);
    for d in &r.diagnostics {
        let _ = d.render();
    }
    r.html
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn markdown_never_panics_or_carries_script(text in markdown()) {
        let html = render_md(&text);
        let doc = scraper::Html::parse_fragment(&html);
        for el in doc.select(&scraper::Selector::parse("*").unwrap()) {
            let v = el.value();
            prop_assert!(!["script", "iframe", "object", "embed", "style"].contains(&v.name()), "{}", html);
            for (k, val) in v.attrs() {
                let val = val.trim().to_ascii_lowercase();
                prop_assert!(!k.starts_with("on") && k != "style", "{}", html);
                prop_assert!(!val.starts_with("javascript:") && !val.starts_with("data:"), "{}", html);
            }
        }
    }

    #[test]
    fn front_matter_never_panics(fm in front_matter(), body in markdown(), crlf in any::<bool>()) {
        let mut text = format!("+++\n{fm}+++\n{body}");
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        if let Ok(s) = frontmatter::split(&text) {
            prop_assert!(s.front.end <= s.body && s.body <= text.len());
        }
        let mut diags = Vec::new();
        let _ = parse_page(SourceFile::new("content/x.md", text.as_str()), "x.md", &mut diags);
        for d in &diags {
            let _ = d.render();
        }
    }

    #[test]
    fn any_bytes_decode_or_fail_clearly(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let without_bom = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes).to_vec();
        match decode_source("content/x.md".into(), bytes) {
            Ok(src) => prop_assert_eq!(src.text.as_bytes(), &without_bom[..]),
            Err(d) => {
                prop_assert_eq!(d.code, "not-utf8");
                prop_assert!(d.line >= 1 && d.col >= 1);
            }
        }
    }

    #[test]
    fn a_whole_site_with_a_random_page_renders_or_reports(
        fm in front_matter(),
        body in markdown(),
        name in "[a-z]{1,8}",
    ) {
        let page = format!("+++\ntitle = \"T\"\n{fm}+++\n{body}");
        let rel = format!("{name}.md");
        let files = [
            ("_index.md", "+++\ntitle = \"Home\"\n+++\nHi.\n"),
            ("services/respite-care.md", "+++\ntitle = \"Respite care\"\n+++\n"),
            (rel.as_str(), page.as_str()),
        ];
        let (loaded, mut diags) = load_memory(CONFIG, &files, &LoadOptions { drafts: true });
        let site = resolve(loaded.expect("config is valid"), &mut diags);
        let r = render_site(&site, default_theme(), &RenderOptions::default());
        for d in diags.items.iter().chain(&r.diagnostics.items) {
            let _ = d.render();
        }
        prop_assert!(!r.outputs.is_empty());
    }
}

#[test]
fn split_finds_front_matter_with_crlf_and_bom_removed() {
    let src = decode_source(
        "x.md".into(),
        b"\xef\xbb\xbf+++\r\ntitle = \"a\"\r\n+++\r\nbody".to_vec(),
    )
    .unwrap();
    let s = frontmatter::split(&src.text).unwrap();
    assert_eq!(&src.text[s.front.clone()], "title = \"a\"\r\n");
    assert_eq!(&src.text[s.body..], "body");
}
