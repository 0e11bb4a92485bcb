//! A provider file, loaded beside a small site, resolved (every field
//! validated) and, when valid, rendered through the default theme.
#![no_main]

use carehub::load::{LoadOptions, load_memory};
use carehub::render::{RenderOptions, render_site, theme};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

const CONFIG: &str = "title = \"Fuzz Hub\"\nbase_url = \"https://hub.example.org/\"\n";
const HOME: &str = "+++\ntitle = \"Home\"\n+++\nWelcome.\n";
const SERVICE: &str = "+++\ntitle = \"Respite care\"\n+++\nA break.\n";
const CONDITION: &str = "+++\ntitle = \"Cancer\"\n+++\nAbout cancer.\n";

fn theme() -> &'static theme::Theme {
    static THEME: OnceLock<theme::Theme> = OnceLock::new();
    THEME.get_or_init(|| {
        theme::load(Path::new("/nonexistent/carehub-fuzz"), "default", "en-GB")
            .unwrap_or_else(|_| panic!("default theme loads"))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let files = [
        ("_index.md", HOME),
        ("services/respite-care.md", SERVICE),
        ("conditions/cancer.md", CONDITION),
        ("providers/fuzz.toml", text),
    ];
    let (loaded, mut diags) = load_memory(CONFIG, &files, &LoadOptions::default());
    let Some(loaded) = loaded else {
        return;
    };
    let site = carehub::resolve::resolve(loaded, &mut diags);
    for d in &diags.items {
        let _ = d.render();
    }
    if !diags.has_errors() {
        let r = render_site(&site, theme(), &RenderOptions::default());
        for d in &r.diagnostics.items {
            let _ = d.render();
        }
    }
});
