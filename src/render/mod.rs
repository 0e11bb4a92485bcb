//! Render: markdown and templates to the site's files, in parallel. Reads
//! the resolved [`Site`] and the [`Theme`]; writes nothing to disk.

pub mod context;
pub mod csp;
pub mod feed;
pub mod generated;
pub mod jsonld;
pub mod markdown;
pub mod search;
pub mod sitemap;
pub mod theme;
pub mod value;

use crate::check::{PageChecks, PageFindings};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, did_you_mean};
use crate::model::{Page, PageKind};
use crate::resolve::Site;
use crate::resolve::slug::slugify;
use crate::timings::{PageTime, Timings};
use context::Env;
use markdown::{Labels, Rendered};
use rayon::prelude::*;
use serde_json::{Value, json};
use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use theme::Theme;

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct Output {
    /// Path under the output folder with `/`, e.g. `services/respite-care/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Options that change what is rendered.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Add the dev server's live-reload script (never in `build`).
    pub live_reload: bool,
}

/// Everything rendering produced.
pub struct RenderResult {
    /// Every file made, unless they went to an [`OutputSink`].
    pub outputs: Vec<Output>,
    /// The path of every file made, in or out of memory.
    pub paths: Vec<String>,
    /// The markdown of each page, by page index (for checks and search).
    pub rendered: Vec<Rendered>,
    /// What the checks of each page's text found, by page index, when a
    /// streamed build ran them as it rendered (empty otherwise).
    pub findings: Vec<PageFindings>,
    pub diagnostics: Diagnostics,
    /// Where rendering spent its time (stages, templates, slowest pages).
    pub timings: Timings,
}

/// The labels the markdown renderer writes, from the strings table.
pub fn labels(theme: &Theme) -> Labels {
    let d = Labels::default();
    let get = |k: &str, def: String| {
        theme
            .strings
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or(def)
    };
    Labels {
        external: get("external_site", d.external),
        non_urgent: get("care_card_non_urgent", d.non_urgent),
        urgent: get("care_card_urgent", d.urgent),
        emergency: get("care_card_emergency", d.emergency),
        do_: get("do_label", d.do_),
        dont: get("dont_label", d.dont),
        table: get("table_label", d.table),
    }
}

/// A page ready for its template.
pub struct Job {
    pub path: String,
    pub template: String,
    pub ctx: tera::Context,
    /// The source file, for template errors.
    pub origin: String,
}

/// What one output page is made from. Its context is built when it is
/// rendered, on whichever thread renders it, and dropped straight after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSpec {
    /// A markdown page, by index.
    Page(usize),
    Generated(generated::Spec),
}

/// Where rendered files go as they are made, when the whole site should
/// not be held in memory (see [`render_site_into`]).
pub trait OutputSink: Sync {
    /// Take one finished file. Called from many threads at once; a sink
    /// keeps its own errors (the build asks for them before publishing).
    fn put(&self, output: Output);
}

/// Render the whole site into memory (`RenderResult::outputs`).
pub fn render_site(site: &Site, theme: &Theme, opts: &RenderOptions) -> RenderResult {
    render_site_into(site, theme, opts, None)
}

/// Render the whole site. With a sink, every file goes to it as soon as it
/// is made and is not kept: `outputs` stays empty (`paths` lists what was
/// made) and each page's markdown HTML is dropped once its page is made
/// (`rendered[i].html` is empty), so memory does not grow with the site.
pub fn render_site_into(
    site: &Site,
    theme: &Theme,
    opts: &RenderOptions,
    sink: Option<&dyn OutputSink>,
) -> RenderResult {
    let mut env = Env::new(site, theme);
    let labels = labels(theme);
    let mut diags = Diagnostics::default();
    let mut timings = Timings::default();
    let mut base = base_context(&env, opts);
    add_site_footer(&env, &mut base, &mut diags);
    diags.extend(generated::large_site_warnings(site, theme));

    // Lists many pages share, built once.
    let t = Instant::now();
    env.prepare();
    timings.stage("render: shared lists", t.elapsed());

    // Every page in parallel: a markdown page renders its markdown in the
    // same job as its template, so that when streaming its HTML is never
    // kept beyond its own page. What later passes need (heading ids, plain
    // text, links) is kept in `rendered`.
    let t = Instant::now();
    let (search_specs, generated_specs): (Vec<_>, Vec<_>) = generated::specs(site)
        .into_iter()
        .partition(|s| matches!(s, generated::Spec::Search | generated::Spec::AzLetter(_)));
    let specs: Vec<PageSpec> = generated_specs
        .into_iter()
        .map(PageSpec::Generated)
        .chain((0..site.pages.len()).map(PageSpec::Page))
        .collect();
    // A streamed build also runs the checks of each page's text and takes
    // its search terms as the page is made, and keeps neither its HTML nor
    // its text after that.
    let stream = sink.is_some();
    let page_checks = stream.then(|| PageChecks::new(site));
    let indexer = search::index::Indexer::new(&site.config.language);
    type PageResult = (
        Result<Made, Diagnostic>,
        Option<PageTime>,
        Option<(
            usize,
            (Rendered, Vec<Value>),
            PageFindings,
            search::index::Entry,
        )>,
        // A provider page's search entry.
        Option<search::index::Entry>,
    );
    // Listing pages first: they alone need many of the shared page and
    // provider summaries, which are then dropped before the articles and
    // providers render (each builds the one or two it needs), so that the
    // memory they held serves what those pages keep.

    // (position in `specs`, spec)
    type Placed = Vec<(usize, PageSpec)>;
    let (mut first, second): (Placed, Placed) = specs
        .iter()
        .copied()
        .enumerate()
        .partition(|&(_, s)| lists_many(site, s));
    // The longest listings first, so that they start early and the first
    // pass does not end with one core idle while the other finishes one.
    first.sort_by_key(|&(_, s)| std::cmp::Reverse(listed(site, s)));
    let run = |env: &Env, specs: &[(usize, PageSpec)]| -> Vec<(usize, PageResult)> {
        specs
            .par_iter()
            .map(|&(at, spec)| {
                let mut markdown = Duration::ZERO;
                let mut text = Duration::ZERO;
                let mut kept = None;
                let mut provider_entry = None;
                let t = Instant::now();
                let job = match spec {
                    PageSpec::Page(i) => {
                        let (mut r, faq) = render_page_markdown(site, &labels, &site.pages[i]);
                        markdown = t.elapsed();
                        let html = sink.map(|_| std::mem::take(&mut r.html));
                        let job = page_job(env, i, &r, faq.clone(), html);
                        let job_done = t.elapsed();
                        // A streamed build's checks read the page's prose
                        // words once, for the reading-age check and its
                        // search terms alike.
                        let mut found = PageFindings::default();
                        let entry = match &page_checks {
                            Some(checks) => {
                                let rest = std::mem::take(&mut r.rest);
                                let doc = search::page_doc(env, i, &r, &faq, rest);
                                let entry = indexer.entry_with(&doc, |body| {
                                    found = checks.page_fed(site, i, &r, Some(body));
                                });
                                r.prose = Vec::new();
                                entry
                            }
                            None => search::page_entry(&indexer, env, i, &r, &faq),
                        };
                        r.shrink_kept();
                        kept = Some((i, (r, faq), found, entry));
                        text = t.elapsed() - job_done;
                        job
                    }
                    PageSpec::Generated(g) => {
                        // A provider's search entry, made here on every
                        // core rather than in the index's own stage.
                        if let generated::Spec::Provider(j) = g {
                            provider_entry = Some(indexer.entry(&search::provider_doc(env, j)));
                            text = t.elapsed();
                        }
                        Ok(generated::job(env, g))
                    }
                };
                let job = match job {
                    Ok(j) => j,
                    Err(d) => return (at, (Err(d), None, kept, provider_entry)),
                };
                let context = t.elapsed() - markdown - text;
                let t = Instant::now();
                let path = job.path.clone();
                let template = job.template.clone();
                let out = render_job(env, &base, job);
                let template_time = t.elapsed();
                let mut output = Duration::ZERO;
                let out = match (out, sink) {
                    (Ok(o), Some(sink)) => {
                        let path = o.path.clone();
                        let t = Instant::now();
                        sink.put(o);
                        output = t.elapsed();
                        Ok(Made::Sent(path))
                    }
                    (Ok(o), None) => Ok(Made::Kept(o)),
                    (Err(d), _) => Err(d),
                };
                let time = PageTime {
                    path,
                    template,
                    markdown,
                    text,
                    context,
                    template_time,
                    output,
                };
                (at, (out, Some(time), kept, provider_entry))
            })
            .collect()
    };
    let mut slots: Vec<Option<PageResult>> = Vec::new();
    slots.resize_with(specs.len(), || None);
    for (at, r) in run(&env, &first) {
        slots[at] = Some(r);
    }
    env.release_summaries();
    for (at, r) in run(&env, &second) {
        slots[at] = Some(r);
    }
    let results: Vec<PageResult> = slots.into_iter().flatten().collect();
    let mut rendered: Vec<(Rendered, Vec<Value>)> = Vec::new();
    rendered.resize_with(site.pages.len(), Default::default);
    let mut findings: Vec<PageFindings> = Vec::new();
    if stream {
        findings.resize_with(site.pages.len(), Default::default);
    }
    let mut entries: Vec<search::index::Entry> =
        Vec::with_capacity(site.pages.len() + site.providers.len());
    let mut made = MadeList::with_capacity(results.len() + theme.assets.len());
    let mut times = Vec::with_capacity(results.len());
    let mut template_diags = Vec::new();
    // Providers' entries after the pages' (the order the index was made in
    // before they were made with the pages).
    let mut provider_entries = Vec::with_capacity(site.providers.len());
    for (r, time, kept, provider_entry) in results {
        provider_entries.extend(provider_entry);
        match r {
            Ok(m) => made.add(m),
            Err(d) => template_diags.push(d),
        }
        times.extend(time);
        if let Some((i, r, found, entry)) = kept {
            rendered[i] = r;
            if stream {
                findings[i] = found;
            }
            entries.push(entry);
        }
    }
    entries.append(&mut provider_entries);
    for (r, _) in &rendered {
        diags.extend(r.diagnostics.iter().cloned());
    }
    diags.extend(template_diags);
    timings.add_pages(times);
    timings.stage("render: markdown + pages", t.elapsed());

    // The search index needs every page's text; only the search page needs
    // the index, so it is made last. Beside it (on another core while the
    // index's serial steps run): the search page's context and the
    // site-wide files that need only the pages' paths.
    let t = Instant::now();
    let search_paths: Vec<String> = search_specs
        .iter()
        .map(|&s| generated::spec_path(site, s))
        .collect();
    let (built, (search_jobs, mut beside)) = rayon::join(
        || search::build_all(&indexer, entries),
        || {
            let jobs: Vec<Job> = search_specs
                .iter()
                .map(|&s| generated::job(&env, s))
                .collect();
            let pages = made.paths().chain(&search_paths).map(String::as_str);
            (jobs, SiteFiles::new(&env, pages))
        },
    );
    let search_index = if opts.live_reload {
        relocate_live(built)
    } else {
        built
    };
    base.put(
        "search",
        json!({ "index": env.url(&search_index.manifest) }),
    );
    let mut rest: Vec<Output> = Vec::new();
    // The search page and, on a large hub, a page per letter of the A to Z.
    let search_made: Vec<Result<Output, Diagnostic>> = search_jobs
        .into_par_iter()
        .map(|job| render_job(&env, &base, job))
        .collect();
    for r in search_made {
        match r {
            Ok(o) => rest.push(o),
            Err(d) => diags.push(d),
        }
    }
    if rest.len() < search_paths.len() {
        // A search page failed: the sitemap lists only what was made.
        beside.out[0] = sitemap::sitemap(
            &env,
            made.paths()
                .chain(rest.iter().map(|o| &o.path))
                .map(String::as_str),
        );
    }
    rest.extend(search_index.files);
    timings.stage("render: search index", t.elapsed());
    timings.stage("sitemap, feed, assets (beside search)", beside.time);

    let t = Instant::now();
    let mut paths_so_far: Vec<String> = made.paths().cloned().collect();
    paths_so_far.extend(rest.iter().map(|o| o.path.clone()));
    rest.extend(beside.finish(
        &env,
        &base.ctx,
        paths_so_far.iter().map(String::as_str),
        &mut diags,
    ));
    // Static files come last, so on disk they replace a generated file at
    // the same path, as `dedupe` does in memory: files are sent in order,
    // or (when no two share a path) all at once.
    if let Some(sink) = sink {
        let mut seen = HashSet::with_capacity(rest.len());
        let distinct = rest.iter().all(|o| seen.insert(o.path.as_str()));
        for o in &rest {
            made.add(Made::Sent(o.path.clone()));
        }
        if distinct {
            rest.into_par_iter().for_each(|o| sink.put(o));
        } else {
            rest.into_iter().for_each(|o| sink.put(o));
        }
    } else {
        for o in rest {
            made.add(Made::Kept(o));
        }
    }
    let (outputs, paths) = made.finish();
    let (outputs, paths) = match sink {
        Some(_) => (outputs, dedupe_paths(paths, theme, &mut diags)),
        None => {
            let outputs = dedupe(outputs, theme, &mut diags);
            let paths = outputs.iter().map(|o| o.path.clone()).collect();
            (outputs, paths)
        }
    };
    timings.stage("render: sitemap, feed, aliases, assets", t.elapsed());
    RenderResult {
        outputs,
        paths,
        rendered: rendered.into_iter().map(|(r, _)| r).collect(),
        findings,
        diagnostics: diags,
        timings,
    }
}

/// Whether the page of `spec` lists many pages or providers (listings,
/// facets, sections); articles and provider pages list a few at most.
fn lists_many(site: &Site, spec: PageSpec) -> bool {
    match spec {
        PageSpec::Page(i) => site.pages[i].kind != PageKind::Article,
        PageSpec::Generated(g) => !matches!(g, generated::Spec::Provider(_)),
    }
}

/// Roughly how many items the page of `spec` lists: what its context and
/// template cost grow with.
fn listed(site: &Site, spec: PageSpec) -> usize {
    let count = |m: &HashMap<String, Vec<usize>>, id: &str| m.get(id).map_or(0, Vec::len);
    match spec {
        PageSpec::Page(i) => {
            let p = &site.pages[i];
            let children = site.children.get(&i).map_or(0, Vec::len);
            match p.kind {
                PageKind::Home | PageKind::Section if p.rel == "providers/_index.md" => {
                    children + site.providers.len()
                }
                PageKind::Home | PageKind::Section => children,
                PageKind::Service => {
                    count(&site.providers_by_service, &p.id) + count(&site.pages_by_service, &p.id)
                }
                PageKind::Condition => {
                    count(&site.providers_by_condition, &p.id)
                        + count(&site.pages_by_condition, &p.id)
                }
                PageKind::Article => 0,
            }
        }
        PageSpec::Generated(g) => match g {
            // A table row per provider, with every filter's values.
            generated::Spec::Find => 2 * site.providers.len(),
            generated::Spec::ProvidersListing => site.providers.len(),
            generated::Spec::Search => site.pages.len(),
            generated::Spec::AzLetter(_) => site.pages.len() / 20,
            generated::Spec::Changes(_) => feed::PER_PAGE,
            generated::Spec::FacetTerm(f, v) => site
                .providers_by_facet
                .get(&(f, v.to_string()))
                .map_or(0, Vec::len),
            generated::Spec::FolderListing(_) | generated::Spec::FacetIndex(_) => 50,
            generated::Spec::NotFound | generated::Spec::Provider(_) => 0,
        },
    }
}

/// Which template jobs [`render_outputs`] runs; the dev server uses it to
/// re-render only what an edit touched. Everything else (sitemap, feed,
/// search index, aliases, assets, static files) is always made.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Page indexes whose pages are rendered.
    pub pages: HashSet<usize>,
    /// Also render the generated pages (providers, facets, listings, 404)...
    pub generated: bool,
    /// ...except those with these output paths (`providers/x/index.html`).
    pub skip: HashSet<String>,
    /// The output paths of every template job, as [`Rendering::job_paths`]
    /// gave them when the whole site was last rendered (the sitemap lists them).
    pub job_paths: Vec<String>,
}

/// What [`render_outputs`] made.
pub struct Rendering {
    pub outputs: Vec<Output>,
    pub diagnostics: Diagnostics,
    /// The output paths of every template job (pages, providers, generated
    /// pages), whether rendered this time or not.
    pub job_paths: Vec<String>,
}

/// The output path of every template job (pages, providers, generated
/// pages), known before anything is rendered.
pub fn job_paths(site: &Site) -> Vec<String> {
    generated::specs(site)
        .into_iter()
        .map(|g| generated::spec_path(site, g))
        .chain(site.pages.iter().map(|p| output_path(&p.path)))
        .collect()
}

/// Where the dev server puts the search index: one fixed folder, so that an
/// edit does not change the search page's link to it (the dev server
/// sends everything with no-store).
pub const LIVE_SEARCH_DIR: &str = "search/live/";

/// Move a search index into [`LIVE_SEARCH_DIR`].
pub fn relocate_live(mut built: search::index::Built) -> search::index::Built {
    let version_dir = built
        .manifest
        .rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))
        .unwrap_or_default();
    for f in &mut built.files {
        if let Some(rest) = f.path.strip_prefix(&version_dir) {
            f.path = format!("{LIVE_SEARCH_DIR}{rest}");
        }
    }
    if let Some(rest) = built.manifest.strip_prefix(&version_dir) {
        built.manifest = format!("{LIVE_SEARCH_DIR}{rest}");
    }
    built
}

/// Render the site's files in memory from markdown already rendered for
/// every page (`markdown[i]` belongs to `site.pages[i]`), with the
/// diagnostics of that markdown and of the templates. `only` limits the
/// template jobs run; `None` runs them all. The dev server keeps each
/// page's markdown between rebuilds and calls this; the search index is
/// left out (pages point at [`LIVE_SEARCH_DIR`]), as the dev server makes
/// it once the pages are served.
pub fn render_outputs<M: Borrow<(Rendered, Vec<Value>)> + Sync>(
    site: &Site,
    theme: &Theme,
    opts: &RenderOptions,
    markdown: &[M],
    only: Option<&Selection>,
) -> Rendering {
    let env = Env::new(site, theme);
    let mut diags = Diagnostics::default();
    for m in markdown {
        diags.extend(m.borrow().0.diagnostics.iter().cloned());
    }
    // The dev server makes the search index once the pages are served
    // (`serve::builder`); pages point at where it will be.
    let mut base = base_context(&env, opts);
    add_site_footer(&env, &mut base, &mut diags);
    diags.extend(generated::large_site_warnings(site, theme));
    base.put(
        "search",
        json!({ "index": env.url(&format!("{LIVE_SEARCH_DIR}m.js")) }),
    );

    let mut specs: Vec<PageSpec> = Vec::new();
    if only.is_none_or(|s| s.generated) {
        let skip = only.map(|s| &s.skip);
        specs.extend(
            generated::specs(site)
                .into_iter()
                .filter(|&g| skip.is_none_or(|k| !k.contains(&generated::spec_path(site, g))))
                .map(PageSpec::Generated),
        );
    }
    specs.extend(
        (0..markdown.len().min(site.pages.len()))
            .filter(|i| only.is_none_or(|s| s.pages.contains(i)))
            .map(PageSpec::Page),
    );
    // The shared lists pay off for pages that list many; an edit that
    // re-renders only articles builds the one summary each needs instead.
    if specs.iter().any(|&s| lists_many(site, s)) {
        env.prepare();
    }
    let job_paths: Vec<String> = match only {
        Some(s) => s.job_paths.clone(),
        None => job_paths(site),
    };
    let results: Vec<Result<Output, Diagnostic>> = specs
        .par_iter()
        .map(|&spec| {
            let job = match spec {
                PageSpec::Page(i) => {
                    let (r, faq) = markdown[i].borrow();
                    page_job(&env, i, r, faq.clone(), None)?
                }
                PageSpec::Generated(g) => generated::job(&env, g),
            };
            render_job(&env, &base, job)
        })
        .collect();
    let mut outputs = Vec::with_capacity(results.len() + theme.assets.len() + 8);
    for r in results {
        match r {
            Ok(o) => outputs.push(o),
            Err(d) => diags.push(d),
        }
    }
    let site_wide = site_files(
        &env,
        &base.ctx,
        outputs
            .iter()
            .map(|o| o.path.as_str())
            .chain(job_paths.iter().map(String::as_str)),
        &mut diags,
    );
    outputs.extend(site_wide);
    let outputs = dedupe(outputs, theme, &mut diags);
    Rendering {
        outputs,
        diagnostics: diags,
        job_paths,
    }
}

/// The files every build makes besides its pages: the sitemap, robots.txt,
/// the feed, alias redirects and the published files (last, so that a
/// static file replaces a generated one at its path). `pages`: the path
/// of every other output (the sitemap lists its pages; no alias may take
/// any of them).
fn site_files<'a>(
    env: &Env,
    base: &tera::Context,
    pages: impl Iterator<Item = &'a str> + Clone,
    diags: &mut Diagnostics,
) -> Vec<Output> {
    SiteFiles::new(env, pages.clone()).finish(env, base, pages, diags)
}

/// [`site_files`] in two steps, so that a build can make the first beside
/// the search index: the sitemap, robots.txt, the feed and the published
/// files need only the pages' paths; the aliases must know every other
/// output's path.
struct SiteFiles {
    out: Vec<Output>,
    files: Vec<Output>,
    diags: Diagnostics,
    /// How long [`SiteFiles::new`] took.
    time: Duration,
}

impl SiteFiles {
    fn new<'a>(env: &Env, pages: impl Iterator<Item = &'a str>) -> SiteFiles {
        let t = Instant::now();
        let out = vec![
            sitemap::sitemap(env, pages),
            sitemap::robots(env),
            feed::atom(env),
        ];
        let mut diags = Diagnostics::default();
        let files = published_files(env.site, env.theme, &mut diags);
        SiteFiles {
            out,
            files,
            diags,
            time: t.elapsed(),
        }
    }

    /// Add the aliases (none may take any of `pages`, the path of every
    /// other output) and the published files, last.
    fn finish<'a>(
        self,
        env: &Env,
        base: &tera::Context,
        pages: impl Iterator<Item = &'a str>,
        diags: &mut Diagnostics,
    ) -> Vec<Output> {
        let SiteFiles {
            mut out,
            files,
            diags: found,
            ..
        } = self;
        diags.extend(found.items);
        // Pushed one by one, so that they take the shorter lifetime of the
        // paths made here.
        let mut taken: Vec<&str> = Vec::new();
        for p in pages {
            taken.push(p);
        }
        taken.extend(out.iter().chain(&files).map(|o| o.path.as_str()));
        let mut aliases = generated::aliases(env, base, taken, diags);
        add_csp(&mut aliases);
        out.extend(aliases);
        out.extend(files);
        out
    }
}

/// The theme's assets, the site's static files, and the files kept beside
/// the pages in content/ (images, PDFs), published as they are. Static
/// files come last, so that they replace a generated file at their path.
fn published_files(site: &Site, theme: &Theme, diags: &mut Diagnostics) -> Vec<Output> {
    let mut out = Vec::with_capacity(theme.assets.len() + site.content_assets.len());
    for (abs, rel) in &site.content_assets {
        match std::fs::read(abs) {
            Ok(bytes) => out.push(Output {
                path: rel.clone(),
                bytes,
            }),
            Err(e) => diags.push(
                Diagnostic::file(
                    Severity::Error,
                    "unreadable",
                    format!("content/{rel}"),
                    format!("cannot read this file: {e}"),
                )
                .with_hint("check that it exists and that you have permission to read it"),
            ),
        }
    }
    for (path, bytes) in theme.assets.iter().chain(theme.static_files.iter()) {
        out.push(Output {
            path: path.clone(),
            bytes: bytes.clone(),
        });
    }
    out
}

/// Give every page in `outputs` the Content-Security-Policy.
fn add_csp(outputs: &mut [Output]) {
    for o in outputs.iter_mut().filter(|o| o.path.ends_with(".html")) {
        o.bytes = csp::ensure_bytes(std::mem::take(&mut o.bytes));
    }
}

/// A file made: kept in memory, or sent to a sink.
enum Made {
    Kept(Output),
    Sent(String),
}

/// The files made: those kept, and every path.
struct MadeList {
    outputs: Vec<Output>,
    sent: Vec<String>,
}

impl MadeList {
    fn with_capacity(n: usize) -> MadeList {
        MadeList {
            outputs: Vec::with_capacity(n),
            sent: Vec::new(),
        }
    }

    fn add(&mut self, m: Made) {
        match m {
            Made::Kept(o) => self.outputs.push(o),
            Made::Sent(p) => self.sent.push(p),
        }
    }

    fn paths(&self) -> impl Iterator<Item = &String> {
        self.sent.iter().chain(self.outputs.iter().map(|o| &o.path))
    }

    fn finish(self) -> (Vec<Output>, Vec<String>) {
        let mut paths = self.sent;
        paths.extend(self.outputs.iter().map(|o| o.path.clone()));
        (self.outputs, paths)
    }
}

/// Put a value into a context by moving it (`Context::insert` serialises
/// its argument, which for a `Value` is a deep copy).
pub fn put(ctx: &mut tera::Context, key: &'static str, value: impl Into<Value>) {
    ctx.insert_value(key, value::to_tera(value.into()));
}

thread_local! {
    /// The room to make for the next page rendered on this thread: about
    /// the size of the last one, so that a page's bytes seldom grow.
    static OUTPUT_HINT: std::cell::Cell<usize> = const { std::cell::Cell::new(16 * 1024) };
}

/// Render `job` with the site-wide values of `base`. Template values
/// share their text, so adding `base` to each page copies no strings.
fn render_job(env: &Env, base: &Base, job: Job) -> Result<Output, Diagnostic> {
    let theme = env.theme;
    let Job {
        path,
        template,
        ctx,
        origin,
    } = job;
    let full = base.under(ctx);
    // Written straight to bytes: `Tera::render` would check the whole
    // page is UTF-8 again to make a String, and the page is kept as bytes.
    let mut html = Vec::with_capacity(OUTPUT_HINT.get());
    let result = theme.tera.render_to(&template, &full, &mut html);
    result
        .map(|()| {
            OUTPUT_HINT.set(html.len() + html.len() / 8);
            Output {
                // Every page carries the policy, whatever its template (a
                // site's own template may leave out `head_meta`).
                bytes: csp::ensure_bytes(html),
                path,
            }
        })
        .map_err(|e| {
            let mut d = theme::template_error(&e, &theme.template_origins);
            d.message = format!("{} (rendering {origin})", d.message);
            d
        })
}

/// Sort outputs by path. Where a static file shares a path with a generated
/// file the static file wins (with a warning, except for `robots.txt`, which
/// sites often replace); two generated files at one path are an error.
fn dedupe(mut outputs: Vec<Output>, theme: &Theme, diags: &mut Diagnostics) -> Vec<Output> {
    // Stable sort: for equal paths the later output (static files come last) ends last.
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out: Vec<Output> = Vec::with_capacity(outputs.len());
    for o in outputs {
        if let Some(prev) = out.last_mut().filter(|p| p.path == o.path) {
            let is_static = theme.static_files.iter().any(|(p, _)| *p == o.path);
            if !is_static {
                diags.push(
                    Diagnostic::file(
                        Severity::Error,
                        "duplicate-output",
                        o.path.clone(),
                        format!("two different files would be written to `{}`", o.path),
                    )
                    .with_hint("rename the page or file so each has its own URL"),
                );
            } else if o.path != "robots.txt" {
                diags.push(theme_warning(format!(
                    "the static file `{}` replaces the file carehub generates at that path",
                    o.path
                )));
            }
            *prev = o;
        } else {
            out.push(o);
        }
    }
    out
}

/// [`dedupe`] for files already sent to a sink (where the static file,
/// sent last, has replaced the generated one): the same diagnostics, and
/// the sorted paths.
fn dedupe_paths(mut paths: Vec<String>, theme: &Theme, diags: &mut Diagnostics) -> Vec<String> {
    paths.sort();
    let mut out: Vec<String> = Vec::with_capacity(paths.len());
    for p in paths {
        if out.last() == Some(&p) {
            let is_static = theme.static_files.iter().any(|(s, _)| *s == p);
            if !is_static {
                diags.push(
                    Diagnostic::file(
                        Severity::Error,
                        "duplicate-output",
                        p.clone(),
                        format!("two different files would be written to `{p}`"),
                    )
                    .with_hint("rename the page or file so each has its own URL"),
                );
            } else if p != "robots.txt" {
                diags.push(theme_warning(format!(
                    "the static file `{p}` replaces the file carehub generates at that path"
                )));
            }
        } else {
            out.push(p);
        }
    }
    out
}

/// Render a page's markdown and its FAQ answers.
pub fn render_page_markdown(site: &Site, labels: &Labels, p: &Page) -> (Rendered, Vec<Value>) {
    let ctx = markdown::Ctx {
        site,
        labels,
        src: &p.src,
        offset: p.body_offset,
    };
    let mut r = markdown::render(p.body(), &ctx);
    if p.fm.faq.is_empty() {
        return (r, Vec::new());
    }
    let mut faq = Vec::new();
    // The body's heading ids are taken (kept, not copied) before the
    // questions are given theirs.
    let mut ids = markdown::UniqueIds::from_ids(std::mem::take(&mut r.heading_ids));
    for entry in &p.fm.faq {
        let e = entry.get_ref();
        // Answers live in the front matter: point diagnostics at the answer.
        let actx = markdown::Ctx {
            site,
            labels,
            src: &p.src,
            offset: answer_offset(&p.src.text, p.fm_span(entry)),
        };
        let a = markdown::render(&e.answer, &actx);
        let mut id = slugify(&e.question);
        if id.is_empty() {
            id = "question".into();
        }
        let id = ids.unique(id).to_string();
        r.diagnostics.extend(a.diagnostics);
        r.link_sources.extend(a.link_sources);
        r.prose.extend(a.prose);
        r.word_count += a.word_count + e.question.split_whitespace().count();
        r.rest.push_str(&e.question);
        r.rest.push('\n');
        r.rest.push_str(&a.rest);
        faq.push(json!({ "id": id, "question": e.question, "answer": a.html }));
    }
    r.heading_ids = ids.into_ids();
    (r, faq)
}

/// Where the text of an FAQ entry's `answer` starts: the value of the
/// first `answer` key after the entry's `[[faq]]` header (a byte offset of
/// the file), or the entry's start when it cannot be found.
fn answer_offset(text: &str, entry: std::ops::Range<usize>) -> usize {
    let Some(after) = text.get(entry.start..) else {
        return entry.start;
    };
    let mut at = 0;
    for line in after.split_inclusive('\n') {
        let t = line.trim_start();
        if at > 0 && (t.starts_with("[[") || t.starts_with("+++")) {
            break;
        }
        if let Some(rest) = t.strip_prefix("answer")
            && let Some(value) = rest.trim_start().strip_prefix('=')
        {
            let value = value.trim_start();
            let quotes = value.len() - value.trim_start_matches(['"', '\'']).len();
            let body = &value[quotes..];
            // A multi-line string's first newline is not part of the text.
            let newline = match quotes {
                3 if body.starts_with("\r\n") => 2,
                3 if body.starts_with('\n') => 1,
                _ => 0,
            };
            return entry.start + at + (line.len() - body.len()) + newline;
        }
        at += line.len();
    }
    entry.start
}

/// The site-wide values every page's context gets: a context, and the
/// names it holds (tera's `Context` cannot list them), so that each page's
/// own context can take them in (see [`Base::under`]) instead of both maps
/// being copied into a new one.
#[derive(Default)]
struct Base {
    ctx: tera::Context,
    keys: Vec<&'static str>,
}

impl Base {
    /// Set `key` to `value` serialised as a template value.
    fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.insert_value(key, tera::Value::from_serializable(value));
    }

    /// Set `key` to `value`, moved in (see [`put`]).
    fn put(&mut self, key: &'static str, value: impl Into<Value>) {
        self.insert_value(key, value::to_tera(value.into()));
    }

    fn insert_value(&mut self, key: &'static str, value: tera::Value) {
        if !self.keys.contains(&key) {
            self.keys.push(key);
        }
        self.ctx.insert_value(key, value);
    }

    /// `page` with every site-wide value it does not set itself: what
    /// cloning the site-wide context and extending it with `page` gives,
    /// without building a new map. The values share their data.
    fn under(&self, mut page: tera::Context) -> tera::Context {
        for &k in &self.keys {
            if !page.contains_key(k)
                && let Some(v) = self.ctx.get(k)
            {
                page.insert_value(k, v.clone());
            }
        }
        page
    }
}

/// The context every template starts from.
fn base_context(env: &Env, opts: &RenderOptions) -> Base {
    let site = env.site;
    let cfg = &site.config;
    let labels = labels(env.theme);
    let urgent = cfg.urgent.as_ref().map(|u| {
        let src = &site.config_src;
        let ctx = markdown::Ctx {
            site,
            labels: &labels,
            src,
            offset: 0,
        };
        let html = markdown::render(&u.text, &ctx).html;
        let inner = html
            .trim()
            .trim_start_matches("<p>")
            .trim_end_matches("</p>")
            .to_string();
        json!({ "title": u.title, "html": inner })
    });
    let contact = cfg.contact.as_ref().map(|c| {
        json!({
            "organisation": c.organisation,
            "phone": env.phone(c.phone.as_deref()),
            "email": c.email,
            "address": c.address,
            "text": c.text,
        })
    });
    let mut ctx = Base::default();
    ctx.insert(
        "site",
        &json!({
            "title": cfg.title,
            "description": cfg.description,
            "base_url": cfg.base_url,
            "language": cfg.language,
            "dir": cfg.dir(),
            "contact": contact,
            "urgent": urgent,
            "extra": cfg.extra,
        }),
    );
    ctx.insert("t", &env.theme.strings);
    ctx.insert("base", &cfg.base_path());
    let assets: serde_json::Map<String, Value> = env
        .theme
        .asset_paths
        .iter()
        .map(|(k, v)| (k.clone(), json!(env.url(v))))
        .collect();
    ctx.insert("assets", &assets);
    ctx.insert("live_reload", &opts.live_reload);
    ctx
}

/// The theme's `footer.html`, rendered once with the site-wide values of
/// `base` and stored there as `site_footer`: the footer depends on nothing
/// page-specific, so `base.html` writes the result instead of evaluating the
/// footer again for every page. Without the template (a theme of its own)
/// `site_footer` is empty; a template error is reported once.
fn add_site_footer(env: &Env, base: &mut Base, diags: &mut Diagnostics) {
    let html = if env.theme.has_template(FOOTER_TEMPLATE) {
        match env.theme.tera.render(FOOTER_TEMPLATE, &base.ctx) {
            Ok(html) => html,
            Err(e) => {
                let mut d = theme::template_error(&e, &env.theme.template_origins);
                d.message = format!("{} (rendering the footer)", d.message);
                diags.push(d);
                String::new()
            }
        }
    } else {
        String::new()
    };
    base.put("site_footer", html);
}

/// The template of the footer every page shares (see [`add_site_footer`]).
pub const FOOTER_TEMPLATE: &str = "footer.html";

/// The main menu, with the current page marked: an entry is current on
/// its own page and on the pages inside its section. The menu a page gets
/// is one of the values [`Env::nav_menu`] makes once per build.
pub fn nav(env: &Env, current_url: &str) -> tera::Value {
    let home = env.home_url();
    let current = env
        .nav_urls()
        .iter()
        .map(|url| *url == current_url || (url != home && current_url.starts_with(url.as_str())));
    env.nav_menu(current)
}

/// The main menu as JSON, entry `k` current where `current(k)` (see [`nav`]).
pub fn nav_json(env: &Env, current: impl Fn(usize) -> bool) -> Value {
    let items: Vec<Value> = env
        .site
        .config
        .nav
        .iter()
        .zip(env.nav_urls())
        .enumerate()
        .map(|(k, (n, url))| json!({ "title": n.title, "url": url, "current": current(k) }))
        .collect();
    Value::Array(items)
}

/// The URL of a main menu entry.
pub fn nav_url(env: &Env, n: &crate::config::NavItem) -> String {
    if n.url.starts_with("@/") {
        crate::resolve::links::resolve(env.site, &n.url)
            .map(|r| r.url)
            .unwrap_or_else(|_| env.url(""))
    } else if n.url.starts_with('/') {
        format!(
            "{}{}",
            env.site.config.base_path(),
            n.url.trim_start_matches('/')
        )
    } else if markdown::is_unsafe_url(&n.url) {
        // Refused when site.toml is read; never let one through.
        env.url("")
    } else {
        n.url.clone()
    }
}

/// Fill in what every page template needs: page, nav, breadcrumbs,
/// canonical URL, meta tags and JSON-LD.
/// The result holds only the page's own values: the site-wide ones (`site`,
/// `t`, `base`, `assets`, ...) are added when the page is rendered.
pub fn finish_context(
    env: &Env,
    page: tera::Value,
    crumbs: Vec<(String, String)>,
    ld_main: Option<jsonld::Graph>,
) -> tera::Context {
    let mut ctx = tera::Context::new();
    let field = |k: &'static str| {
        page.as_map()
            .and_then(|m| m.get(&tera::value::Key::Str(k)))
            .and_then(|v| v.as_str())
            .unwrap_or("")
    };
    let url = field("url");
    let canonical = absolute(env, url);
    let title = field("title");
    let desc = field("description");
    let kind = field("kind");
    let cfg = &env.site.config;
    let ld_main = ld_main.unwrap_or_else(|| {
        jsonld::Graph::new(&jsonld::generated_page(
            kind,
            title,
            desc,
            &canonical,
            &cfg.base_url,
            &cfg.language,
        ))
    });
    let crumb_values: Vec<Crumb> = crumbs
        .iter()
        .map(|(t, u)| Crumb { title: t, url: u })
        .collect();
    let abs: Vec<String> = crumbs.iter().map(|(_, u)| absolute(env, u)).collect();
    let mut ld_crumbs: Vec<(&str, &str)> = crumbs
        .iter()
        .zip(&abs)
        .map(|((t, _), u)| (t.as_str(), u.as_str()))
        .collect();
    ld_crumbs.push((title, &canonical));
    let jsonld = ld_main.finish(&ld_crumbs);
    let og_type = if kind == "article" || kind == "service" || kind == "condition" {
        "article"
    } else {
        "website"
    };
    let head_meta = head_meta(title, desc, og_type, &canonical, &cfg.title);
    ctx.insert_value("nav", nav(env, url));
    ctx.insert_value("breadcrumbs", tera::Value::from_serializable(&crumb_values));
    ctx.insert_value("canonical", tera::Value::from(canonical));
    ctx.insert_value("jsonld", tera::Value::from(jsonld));
    ctx.insert_value("head_meta", tera::Value::from(head_meta));
    ctx.insert_value("page", page);
    ctx
}

/// The `<meta>` tags of a page's `<head>`: its Content-Security-Policy and
/// Open Graph tags, the text escaped for an attribute.
fn head_meta(title: &str, desc: &str, og_type: &str, url: &str, site: &str) -> String {
    let mut out = String::with_capacity(CSP.len() + 320 + title.len() + desc.len() + url.len());
    // Writing to a String never fails.
    let attr = |out: &mut String, s: &str| {
        let _ = pulldown_cmark_escape::escape_html(out, s);
    };
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"");
    out.push_str(CSP);
    out.push_str("\">\n<meta property=\"og:title\" content=\"");
    attr(&mut out, title);
    out.push_str("\">\n<meta property=\"og:description\" content=\"");
    attr(&mut out, desc);
    out.push_str("\">\n<meta property=\"og:type\" content=\"");
    out.push_str(og_type);
    out.push_str("\">\n<meta property=\"og:url\" content=\"");
    attr(&mut out, url);
    out.push_str("\">\n<meta property=\"og:site_name\" content=\"");
    attr(&mut out, site);
    out.push_str("\">\n");
    out
}

/// One of a page's `breadcrumbs`.
#[derive(serde::Serialize)]
struct Crumb<'a> {
    title: &'a str,
    url: &'a str,
}

/// The Content-Security-Policy every page carries: same-origin scripts and styles only.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'";

/// An absolute URL for a root-relative path.
pub fn absolute(env: &Env, url: &str) -> String {
    let base = &env.site.config.base_url;
    let bp = env.site.config.base_path();
    match url.strip_prefix(&bp) {
        Some(rest) => format!("{base}{rest}"),
        None => url.to_string(),
    }
}

/// Breadcrumbs for a page: its sections from the home page down.
fn page_crumbs(env: &Env, i: usize) -> Vec<(String, String)> {
    env.site
        .ancestors(i)
        .into_iter()
        .map(|a| {
            let p = &env.site.pages[a];
            let title = if p.kind == PageKind::Home {
                env.theme.s("home")
            } else {
                p.title().to_string()
            };
            (title, env.url(&p.path))
        })
        .collect()
}

/// The template job of markdown page `i`. `html`, when given, is the page's
/// markdown HTML taken out of `r` (so it is moved, not copied).
fn page_job(
    env: &Env,
    i: usize,
    r: &Rendered,
    faq: Vec<Value>,
    html: Option<String>,
) -> Result<Job, Diagnostic> {
    let site = env.site;
    let p = &site.pages[i];
    let template = match &p.fm.template {
        Some(t) => {
            let name = t.get_ref().clone();
            if !env.theme.has_template(&name) {
                let names: Vec<&str> = env.theme.tera.get_template_names().collect();
                let hint = did_you_mean(&name, names.iter().copied()).unwrap_or_else(|| {
                    "add the template to the site's templates/ folder, or remove `template`".into()
                });
                return Err(Diagnostic::error_at(
                    "missing-template",
                    &p.src,
                    p.fm_span(t),
                    format!("template \"{name}\" does not exist"),
                )
                .with_hint(hint));
            }
            name
        }
        None => {
            let d = p.kind.default_template();
            if env.theme.has_template(d) {
                d.to_string()
            } else {
                "page.html".to_string()
            }
        }
    };
    let page = env.page_value(i, r, &faq, html.as_deref());
    let ld = page_jsonld(env, i, &faq);
    let mut ctx = finish_context(env, page, page_crumbs(env, i), Some(ld));
    // The section the page belongs to (its folder's _index.md), if any.
    let section = p
        .parent
        .as_ref()
        .and_then(|r| site.by_rel.get(r))
        .map(|&s| env.page_summary_value(s))
        .unwrap_or_else(tera::Value::none);
    ctx.insert_value("section", section);
    match p.kind {
        PageKind::Home => {
            let mut secs: Vec<usize> = site.children.get(&i).cloned().unwrap_or_default();
            secs.retain(|&c| {
                site.pages[c].kind == PageKind::Section || site.pages[c].kind == PageKind::Article
            });
            env.list_pages(&mut ctx, "sections", &secs);
        }
        PageKind::Section => {
            let kids = site.children.get(&i).cloned().unwrap_or_default();
            env.list_pages(&mut ctx, "pages", &kids);
            let provs = if p.rel == "providers/_index.md" {
                env.providers_sorted().to_vec()
            } else {
                Vec::new()
            };
            env.list_providers(&mut ctx, &provs);
        }
        PageKind::Service | PageKind::Condition => {
            let (provs, arts) = if p.kind == PageKind::Service {
                (
                    site.providers_by_service.get(&p.id),
                    site.pages_by_service.get(&p.id),
                )
            } else {
                (
                    site.providers_by_condition.get(&p.id),
                    site.pages_by_condition.get(&p.id),
                )
            };
            let mut provs: Vec<usize> = provs.cloned().unwrap_or_default();
            env.sort_providers(&mut provs);
            let arts = arts.cloned().unwrap_or_default();
            env.list_providers(&mut ctx, &provs);
            env.list_pages(&mut ctx, "articles", &arts);
        }
        PageKind::Article => {}
    }
    Ok(Job {
        path: output_path(&p.path),
        template,
        ctx,
        origin: p.src.path.clone(),
    })
}

fn page_jsonld(env: &Env, i: usize, faq: &[Value]) -> jsonld::Graph {
    let p = &env.site.pages[i];
    let cfg = &env.site.config;
    if p.kind == PageKind::Home {
        let site = jsonld::website(&cfg.title, &cfg.description, &cfg.base_url, &cfg.language);
        return jsonld::Graph::new(&site);
    }
    let url = absolute(env, &env.url(&p.path));
    let named = |ty: &'static str, i: usize| jsonld::Named {
        ty,
        name: env.site.pages[i].title(),
    };
    let about: Vec<jsonld::Named> = (p.fm.conditions.iter())
        .filter_map(|c| env.site.conditions.get(c.get_ref()))
        .map(|&ci| named("MedicalCondition", ci))
        .chain(
            (p.fm.services.iter())
                .filter_map(|s| env.site.services.get(s.get_ref()))
                .map(|&si| named("MedicalTherapy", si)),
        )
        .collect();
    let iso = |d: &toml::Spanned<crate::model::Date>| d.get_ref().iso();
    jsonld::Graph::new(&jsonld::MedicalWebPage {
        ty: jsonld::PageType {
            faq: !faq.is_empty(),
        },
        about,
        date_modified: p.fm.updated.as_ref().or(p.fm.date.as_ref()).map(iso),
        date_published: p.fm.date.as_ref().map(iso),
        description: p.description(),
        headline: p.title(),
        in_language: &cfg.language,
        is_part_of: jsonld::IdRef {
            id: jsonld::website_id(&cfg.base_url),
        },
        last_reviewed: p.fm.last_reviewed.as_ref().map(iso),
        main_entity: jsonld::Faq(faq),
        medical_audience: jsonld::AUDIENCES,
        name: p.title(),
        reviewed_by: (p.fm.reviewed_by.as_deref()).map(|name| jsonld::Named { ty: "Person", name }),
        url: &url,
    })
}

/// `services/x/` -> `services/x/index.html`.
pub fn output_path(path: &str) -> String {
    format!("{path}index.html")
}

/// A warning-level diagnostic about the theme.
pub fn theme_warning(msg: String) -> Diagnostic {
    Diagnostic::file(Severity::Warning, "theme", "theme", msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_meta_escapes_each_attribute() {
        let (t, d, u, site) = ("A \"b\" & <c>", "", "https://x.org/?a=1&b='2'", "Hub");
        let want = format!(
            concat!(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n",
                "<meta property=\"og:title\" content=\"{}\">\n",
                "<meta property=\"og:description\" content=\"{}\">\n",
                "<meta property=\"og:type\" content=\"{}\">\n",
                "<meta property=\"og:url\" content=\"{}\">\n",
                "<meta property=\"og:site_name\" content=\"{}\">\n"
            ),
            CSP,
            markdown::escape_attr(t),
            markdown::escape_attr(d),
            "article",
            markdown::escape_attr(u),
            markdown::escape_attr(site),
        );
        assert_eq!(head_meta(t, d, "article", u, site), want);
        assert!(want.contains("A &quot;b&quot; &amp; &lt;c&gt;"));
    }

    /// A page's context with the site-wide values is what cloning them
    /// and extending the clone with the page's own gives: the page wins.
    #[test]
    fn base_under_a_page_is_clone_and_extend() {
        let mut base = Base::default();
        base.insert("site", &json!({ "title": "Hub" }));
        base.insert("t", &json!({ "x": "y" }));
        base.put("search", json!({ "index": "/s.js" }));
        base.put("search", json!({ "index": "/m.js" }));
        assert_eq!(base.keys, ["site", "t", "search"]);
        let mut page = tera::Context::new();
        page.insert("page", &json!({ "title": "P" }));
        page.insert("t", &"the page's own");
        let mut want = base.ctx.clone();
        want.extend(page.clone());
        let got = base.under(page);
        assert_eq!(got, want);
        assert_eq!(
            got.get("t").and_then(|v| v.as_str()),
            Some("the page's own")
        );
    }

    use crate::pipeline::{SiteOptions, compile};

    /// The first pass starts with the pages that list the most.
    #[test]
    fn longest_listings_rank_first() {
        let opts = SiteOptions {
            root: env!("CARGO_MANIFEST_DIR").into(),
            ..Default::default()
        };
        let c = compile(&opts).0.expect("the example site builds");
        let site = &c.site;
        let article = (0..site.pages.len())
            .find(|&i| site.pages[i].kind == PageKind::Article)
            .unwrap();
        let find = listed(site, PageSpec::Generated(generated::Spec::Find));
        assert!(find >= site.providers.len() && find > 0);
        assert_eq!(listed(site, PageSpec::Page(article)), 0);
        let mut specs = [
            PageSpec::Page(article),
            PageSpec::Generated(generated::Spec::NotFound),
            PageSpec::Generated(generated::Spec::Find),
        ];
        specs.sort_by_key(|&s| std::cmp::Reverse(listed(site, s)));
        assert_eq!(specs[0], PageSpec::Generated(generated::Spec::Find));
    }
}
