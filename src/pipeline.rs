//! Runs load -> resolve -> render in memory, collecting every diagnostic,
//! for `build`, `check` and `serve` alike.

use crate::check::{self, Checked};
use crate::diagnostics::Diagnostics;
use crate::load::{self, LoadOptions};
use crate::render::theme::{self, Theme};
use crate::render::{self, RenderOptions, RenderResult};
use crate::resolve::{self, Site};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// The site folder (holding site.toml).
    pub root: PathBuf,
    /// Override base_url from site.toml.
    pub base_url: Option<String>,
    /// Include pages marked `draft = true`.
    pub drafts: bool,
    /// Add the dev server's live-reload script.
    pub live_reload: bool,
}

/// A site taken through the pipeline, ready to write or inspect.
pub struct Compiled {
    pub site: Site,
    pub theme: Theme,
    pub render: RenderResult,
    /// What the editorial checks found (their diagnostics are in the run's list).
    pub check: Checked,
    pub timings: Vec<(&'static str, Duration)>,
}

/// Load, resolve and render. Returns `None` when errors stopped the
/// pipeline early; the diagnostics always hold every problem found.
pub fn compile(opts: &SiteOptions) -> (Option<Compiled>, Diagnostics) {
    let mut timings = Vec::new();
    let t = Instant::now();
    let (loaded, mut diags) = load::load(
        &opts.root,
        &LoadOptions {
            drafts: opts.drafts,
        },
    );
    timings.push(("load", t.elapsed()));
    let Some(mut loaded) = loaded else {
        diags.sort();
        return (None, diags);
    };
    if let Some(u) = &opts.base_url {
        loaded.config.set_base_url(u);
    }
    let t = Instant::now();
    let site = resolve::resolve(loaded, &mut diags);
    timings.push(("resolve", t.elapsed()));
    let theme = match theme::load(&site.root, &site.config.theme, &site.config.language) {
        Ok(th) => th,
        Err(ds) => {
            diags.extend(ds);
            diags.sort();
            return (None, diags);
        }
    };
    let t = Instant::now();
    let render = render::render_site(
        &site,
        &theme,
        &RenderOptions {
            live_reload: opts.live_reload,
            ..Default::default()
        },
    );
    timings.push(("render", t.elapsed()));
    diags.extend(render.diagnostics.items.iter().cloned());
    let t = Instant::now();
    let today = check::today().unwrap_or_else(|d| {
        diags.push(d);
        crate::model::Date::today()
    });
    let mut checked = check::run(&site, &render, today);
    diags.extend(std::mem::take(&mut checked.diagnostics));
    timings.push(("check", t.elapsed()));
    diags.sort();
    (
        Some(Compiled {
            site,
            theme,
            render,
            check: checked,
            timings,
        }),
        diags,
    )
}
