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

/// Whether an attribute value is a script URL (as a browser would read it,
/// ignoring case, whitespace and control characters).
fn is_script_url(v: &str) -> bool {
    let v: String = v
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(12)
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
    let lower = r.html.to_ascii_lowercase();
    for tag in ["<script", "<iframe", "<object", "<embed", "<style"] {
        assert!(!lower.contains(tag), "{tag} in output: {}", r.html);
    }
    for attr in ["href=\"", "src=\""] {
        for (i, _) in lower.match_indices(attr) {
            let rest = &r.html[i + attr.len()..];
            let value = rest.split('"').next().unwrap_or("");
            assert!(!is_script_url(value), "script URL in output: {}", r.html);
        }
    }
});
