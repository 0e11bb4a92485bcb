//! The `+++` front matter splitter and the page parser, from raw bytes
//! (so the UTF-8 and byte-order-mark handling is fuzzed too), with every
//! diagnostic rendered (spans into odd text must not panic).
#![no_main]

use carehub::load::{decode_source, frontmatter, parse_page};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = match decode_source("content/fuzz.md".into(), data.to_vec()) {
        Ok(src) => src,
        Err(d) => {
            let _ = d.render();
            return;
        }
    };
    if let Ok(split) = frontmatter::split(&src.text) {
        assert!(split.front.start <= split.front.end && split.front.end <= split.body);
        assert!(split.body <= src.text.len());
        assert!(src.text.is_char_boundary(split.body));
    }
    let mut diags = Vec::new();
    if let Some(page) = parse_page(src, "fuzz.md", &mut diags) {
        let _ = page.body();
        for s in page.fm.services.iter().chain(&page.fm.aliases) {
            let _ = carehub::Diagnostic::error_at("fuzz", &page.src, page.fm_span(s), "x").render();
        }
    }
    for d in &diags {
        let _ = d.render();
    }
});
