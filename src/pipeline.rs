//! Runs load -> resolve -> render -> checks, collecting every diagnostic,
//! for `build` and `check` alike: in memory, or (a plain `build`) streaming
//! each file to an [`OutputSink`] as it is rendered.

use crate::check::links::{Known, Published, ScanSink};
use crate::check::{self, Checked};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::load::{self, LoadOptions};
use crate::render::theme::{self, Theme};
use crate::render::{self, OutputSink, RenderOptions, RenderResult};
use crate::resolve::{self, Site};
use crate::timings::Timings;
use std::path::PathBuf;
use std::time::Instant;

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
    /// Where the time went, for `--timings`.
    pub timings: Timings,
}

/// Load, resolve and render. Returns `None` when errors stopped the
/// pipeline early; the diagnostics always hold every problem found.
pub fn compile(opts: &SiteOptions) -> (Option<Compiled>, Diagnostics) {
    compile_into(opts, None)
}

/// [`compile`], sending every rendered file to `sink` as it is made
/// instead of keeping it (see [`render::render_site_into`]).
pub fn compile_into(
    opts: &SiteOptions,
    sink: Option<&dyn OutputSink>,
) -> (Option<Compiled>, Diagnostics) {
    let mut timings = Timings::default();
    let t = Instant::now();
    let (loaded, mut diags) = load::load(
        &opts.root,
        &LoadOptions {
            drafts: opts.drafts,
        },
    );
    timings.stage("load", t.elapsed());
    let Some(mut loaded) = loaded else {
        diags.sort();
        return (None, diags);
    };
    if let Some(u) = &opts.base_url {
        loaded.config.set_base_url(u);
    }
    // The theme needs only the site's folder and settings: it is read and
    // its templates compiled on another core while the site resolves.
    let (root, theme_name, language) = (
        loaded.root.clone(),
        loaded.config.theme.clone(),
        loaded.config.language.clone(),
    );
    let ((site, resolve_time), (theme, theme_time)) = rayon::join(
        || {
            let t = Instant::now();
            (resolve::resolve(loaded, &mut diags), t.elapsed())
        },
        || {
            let t = Instant::now();
            (theme::load(&root, &theme_name, &language), t.elapsed())
        },
    );
    timings.stage("resolve", resolve_time);
    timings.stage("theme (beside resolve)", theme_time);
    let theme = match theme {
        Ok(th) => th,
        Err(ds) => {
            diags.extend(ds);
            diags.sort();
            return (None, diags);
        }
    };
    // Every page's output path, known before anything is rendered.
    let jobs = render::job_paths(&site);
    let assets = || theme.assets.iter().map(|(p, _)| p.as_str());
    // A file where another file needs a folder (a static file `about` and
    // the page `about/`) cannot be written: say so before writing anything.
    let planned: Vec<&str> = jobs
        .iter()
        .map(String::as_str)
        .chain(assets())
        .chain(theme.static_files.iter().map(|(p, _)| p.as_str()))
        .chain(site.content_assets.iter().map(|(_, rel)| rel.as_str()))
        .collect();
    if let Err(e) = crate::write::folder_conflict(&planned) {
        diags.push(
            Diagnostic::file(Severity::Error, "output-conflict", "content", e.to_string())
                .with_hint("rename the page, or the file in static/ or content/"),
        );
    }
    let render_opts = RenderOptions {
        live_reload: opts.live_reload,
    };
    // A streamed build scans each file for the link check on its way to
    // disk; otherwise the check reads the files in memory.
    let scanner = sink.map(|s| {
        // Files the build will publish: its pages, the theme's assets, the
        // static files, the feed, the sitemap and robots.txt.
        let known = Known::new(
            jobs.iter()
                .map(String::as_str)
                .chain(assets())
                .chain(theme.static_files.iter().map(|(p, _)| p.as_str()))
                .chain([
                    render::feed::PATH,
                    render::sitemap::SITEMAP_PATH,
                    render::sitemap::ROBOTS_PATH,
                ])
                .map(str::to_string),
            &site.config.base_path(),
        );
        ScanSink::new(s, &site.config.base_url, known)
    });
    let mut render = render::render_site_into(
        &site,
        &theme,
        &render_opts,
        scanner.as_ref().map(|s| s as &dyn OutputSink),
    );
    timings.extend(std::mem::take(&mut render.timings));
    diags.extend(render.diagnostics.items.iter().cloned());
    let t = Instant::now();
    let today = check::today().unwrap_or_else(|d| {
        diags.push(d);
        crate::model::Date::today()
    });
    let mut checked = match scanner {
        Some(scanner) => {
            let (paths, scans) = scanner.into_found();
            let published = Published {
                paths: paths.iter().map(String::as_str).collect(),
                scans,
            };
            check::run_published(&site, &render, &published, today)
        }
        None => check::run(&site, &render, today),
    };
    diags.extend(std::mem::take(&mut checked.diagnostics));
    timings.stage("checks", t.elapsed());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::{SITE, page};
    use crate::write::stream::Staged;
    use std::fs;

    /// Every file under `dir`, by path, with its bytes.
    fn files_under(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
                (rel.replace('\\', "/"), fs::read(e.path()).unwrap())
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_streamed_build_writes_what_an_in_memory_build_makes() {
        // With a static robots.txt two of the files made last share a path
        // (sent in order); without, they are sent all at once.
        streamed_equals_memory(true);
        streamed_equals_memory(false);
    }

    fn streamed_equals_memory(static_robots: bool) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let write = |p: &str, text: &str| {
            let path = root.join(p);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write("site.toml", SITE);
        write(
            "content/_index.md",
            &page("Home", "", "Welcome to [a](@/a.md)."),
        );
        write(
            "content/a.md",
            &page("A", "aliases = [\"/old-a/\"]", "## Sub\n\nText."),
        );
        write("content/pics/x.txt", "a file kept beside the pages");
        // Static files replacing generated ones: sent after them, in order.
        if static_robots {
            write("static/robots.txt", "User-agent: *\n");
        }
        write("static/a/index.html", "<p id=\"mine\">static</p>");
        let opts = SiteOptions {
            root: root.clone(),
            ..Default::default()
        };
        let (memory, d1) = compile(&opts);
        let target = tmp.path().join("public");
        let staged = Staged::begin(&root, &target).unwrap();
        let (streamed, d2) = compile_into(&opts, Some(&staged));
        assert!(memory.is_some() && streamed.is_some());
        staged.finish().unwrap();
        assert_eq!(format!("{:?}", d1.items), format!("{:?}", d2.items));
        let mut want: Vec<(String, Vec<u8>)> = memory
            .unwrap()
            .render
            .outputs
            .into_iter()
            .map(|o| (o.path, o.bytes))
            .collect();
        want.push((crate::write::MARKER.to_string(), Vec::new()));
        want.sort();
        let mut got = files_under(&target);
        for (p, b) in &mut got {
            if p == crate::write::MARKER {
                b.clear();
            }
        }
        assert_eq!(
            got.iter().map(|f| &f.0).collect::<Vec<_>>(),
            want.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        assert!(got == want, "same bytes");
        let robots = got.iter().find(|f| f.0 == "robots.txt").unwrap();
        assert_eq!(robots.1 == b"User-agent: *\n", static_robots);
        let a = got.iter().find(|f| f.0 == "a/index.html").unwrap();
        assert_eq!(a.1, b"<p id=\"mine\">static</p>");
    }
}
