//! Markdown rendering with `@/` link resolution against a small site, and
//! the promise that editor text never puts script into a page.
#![no_main]

use carehub::diagnostics::SourceFile;
use carehub::load::{LoadOptions, load_memory};
use carehub::render::markdown::{Ctx, Labels, render};
use carehub::resolve::Site;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const CONFIG: &str = "title = \"Fuzz Hub\"\nbase_url = \"https://hub.example.org/hub/\"\n";

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let files = [
            ("_index.md", "+++\ntitle = \"Home\"\n+++\n## Welcome\n"),
            ("accessing-care.md", "+++\ntitle = \"Accessing care\"\n+++\n## Referrals\n## Who pays\n"),
            ("services/_index.md", "+++\ntitle = \"Services\"\n+++\n"),
            ("services/respite-care.md", "+++\ntitle = \"Respite care\"\n+++\n"),
            ("providers/hospice.toml", "name = \"A hospice\"\nkind = \"hospice\"\n"),
        ];
        let (loaded, mut diags) = load_memory(CONFIG, &files, &LoadOptions::default());
        carehub::resolve::resolve(loaded.expect("fuzz site loads"), &mut diags)
    })
}

/// Whether a (decoded) attribute value is a script or data URL, read as the WHATWG
/// URL parser does: leading and trailing C0 controls and spaces stripped,
/// tabs and newlines removed anywhere, the scheme compared without case.
fn is_script_url(v: &str) -> bool {
    let v: String = v
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    v.starts_with("javascript:") || v.starts_with("vbscript:") || v.starts_with("data:")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let labels = Labels::default();
    let src = SourceFile::new("content/fuzz.md", text);
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
    // Read the output as a browser would and look at every element.
    let doc = scraper::Html::parse_fragment(&r.html);
    for el in doc.tree.values() {
        let Some(el) = el.as_element() else { continue };
        let name = el.name();
        assert!(
            !["script", "iframe", "object", "embed", "style", "frame", "base"].contains(&name),
            "<{name}> in output: {}",
            r.html
        );
        for (k, v) in el.attrs() {
            assert!(!k.starts_with("on") && k != "style", "{k}= in output: {}", r.html);
            if matches!(k, "href" | "src" | "action" | "formaction" | "xlink:href") {
                assert!(!is_script_url(v), "script URL in output: {}", r.html);
            }
        }
    }
});
