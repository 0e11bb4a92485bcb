//! The dev server's builds, kept in memory: one full build at the start,
//! then on each change only the work that the change can affect.
//!
//! Three things are reused from one build to the next:
//! - **sources**: only the files under `content/` that changed are read and
//!   parsed again;
//! - **markdown**: each page's rendered markdown is kept with the source
//!   text it came from and a fingerprint of everything else it depends on
//!   (site.toml, the theme's labels, every page's path and every provider's
//!   id), and reused while both match;
//! - **pages**: when pages or providers are edited and every URL stays the
//!   same, only the pages that show them are rendered again ([`select`]; an
//!   edit below a page's front matter skips loading and resolving the site
//!   altogether); anything else (a template, site.toml, a new, deleted or
//!   renamed file) renders every page, so old outputs of deleted files
//!   disappear. After failed builds, what changed since the last good one
//!   is rendered.
//!
//! The sitemap, feed and aliases are made by every build. The slow
//! whole-site work, the search index and the checks `carehub build` runs,
//! is left to [`Builder::finish`], which the dev server calls once the new
//! pages are served. A build with errors leaves the last good site in place.

use crate::check::links::Scan;
use crate::check::{self, PageChecks, PageFindings};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile};
use crate::load::{self, Item, LoadOptions, Loaded, walk};
use crate::model::vocab::Facet;
use crate::model::{Page, PageKind, Provider};
use crate::pipeline::SiteOptions;
use crate::render::context::Env;
use crate::render::markdown::Rendered;
use crate::render::theme::{self, Theme};
use crate::render::{self, RenderOptions, Selection, search};
use crate::resolve::{self, Site};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The built site: output path (`services/x/index.html`) to bytes.
pub type Files = HashMap<String, Arc<[u8]>>;

/// What one build did.
#[derive(Debug)]
pub struct Outcome {
    /// True when the build had no errors and its site is now served.
    pub ok: bool,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The last good site (this build's when `ok`), if there has been one.
    pub files: Option<Arc<Files>>,
    /// The site's base path (`/` or `/hub/`), from the last readable site.toml.
    pub base_path: String,
    /// HTML files rendered by this build.
    pub rendered: usize,
    /// Pages whose markdown was rendered (the rest was reused).
    pub markdown: usize,
    /// HTML files in the site served.
    pub total: usize,
    /// Whether every page was rendered.
    pub full: bool,
    pub elapsed: Duration,
    /// Time spent in each step.
    pub timings: Vec<(&'static str, Duration)>,
}

/// One file under `content/` as last read.
struct SourceEntry {
    item: Item,
    diags: Vec<Diagnostic>,
}

/// Everything read from disk.
struct Sources {
    config: Result<(Config, SourceFile), Vec<Diagnostic>>,
    /// By path under `content/`.
    files: BTreeMap<String, SourceEntry>,
    walk_diags: Vec<Diagnostic>,
    assets: Vec<(PathBuf, String)>,
}

/// What [`Builder::finish`] did.
#[derive(Debug)]
pub struct Finished {
    /// The site with its new search index.
    pub files: Arc<Files>,
    /// What the checks found, sorted.
    pub diagnostics: Vec<Diagnostic>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// A page's rendered markdown and FAQ answers.
type Md = Arc<(Rendered, Vec<Value>)>;

/// What [`Builder::finish`] worked out for pages and files that have not
/// changed since, so that after an edit it redoes only what the edit
/// touched. Each result is kept with the `Arc`s it was made from, and used
/// only while those are the same (held here, they cannot be freed and
/// their addresses reused).
#[derive(Default)]
struct FinishCache {
    /// Search entries of pages by path: the page's source text and
    /// markdown, the site's names that documents show, and the entry.
    entries: HashMap<String, (Arc<str>, Md, u64, search::index::Entry)>,
    /// The indexer that made `entries` (their terms are its numbers), and
    /// the site language it was made for.
    indexer: Option<(String, Arc<search::index::Indexer>)>,
    /// Reading age and plain language by page path: source, markdown,
    /// page index (the lint knows pages by index) and what was found.
    findings: HashMap<String, (Arc<str>, Md, usize, PageFindings)>,
    /// Link scans by output path.
    scans: HashMap<String, (Arc<[u8]>, Arc<Scan<'static>>)>,
}

/// A hash of the names that pages' search documents show besides their
/// own text: services, conditions and providers.
fn names_hash(site: &Site) -> u64 {
    let mut h = DefaultHasher::new();
    for (id, &i) in site.services.iter().chain(site.conditions.iter()) {
        (id, site.pages[i].title()).hash(&mut h);
    }
    for p in &site.providers {
        (&p.id, p.name()).hash(&mut h);
    }
    h.finish()
}

/// The last build that succeeded.
struct Good {
    files: Arc<Files>,
    site: Site,
    fingerprint: u64,
    /// Rendered markdown of `site.pages`, in the same order.
    markdown: Vec<Md>,
    /// What load and resolve reported (warnings only, since the build succeeded).
    early_diags: Vec<Diagnostic>,
    /// Output paths of the site's template jobs (pages); everything else
    /// in `files` (sitemap, feed, search index, aliases, assets) is made
    /// afresh by every build.
    job_paths: Vec<String>,
}

/// Markdown rendered under another fingerprint (the site's structure
/// before, or during, the latest change), kept so that breaking and then
/// fixing the structure does not render every page twice.
struct Spare {
    fingerprint: u64,
    /// By page path under content/: the text it was rendered from, and the result.
    pages: HashMap<String, (Arc<str>, Md)>,
}

/// What changed since the last build, from the watcher's paths.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// site.toml changed.
    pub config: bool,
    /// Something under themes/, templates/ or static/ changed.
    pub theme: bool,
    /// A folder or a file that is not a page or provider changed under content/: walk it again.
    pub rescan: bool,
    /// Pages and provider files that changed, by path under `content/`.
    pub files: Vec<String>,
}

impl Changes {
    /// Everything, as at the first build.
    pub fn all() -> Self {
        Changes {
            config: true,
            theme: true,
            rescan: true,
            files: Vec::new(),
        }
    }

    /// Whether anything that matters changed.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// Sort changed paths (under the site `root`) into what they affect.
    /// Paths outside the watched places, hidden files and editors' backup
    /// files are left out.
    pub fn from_paths(root: &Path, paths: &[PathBuf]) -> Self {
        let mut c = Changes::default();
        let root_canon = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        for p in paths {
            let rel = p
                .strip_prefix(root)
                .or_else(|_| p.strip_prefix(&root_canon))
                .map(|r| r.to_string_lossy().replace('\\', "/"));
            let Ok(rel) = rel else { continue };
            let mut parts = rel.split('/');
            let first = parts.next().unwrap_or("");
            let rest: Vec<&str> = parts.collect();
            if rest.iter().any(|s| walk::is_ignored(s)) {
                continue;
            }
            match first {
                "site.toml" if rest.is_empty() => c.config = true,
                "themes" | "templates" | "static" => c.theme = true,
                "content" => {
                    let inner = rest.join("/");
                    let is_file_kind = inner.ends_with(".md")
                        || (inner.starts_with("providers/")
                            && inner.ends_with(".toml")
                            && !inner[10..].contains('/'));
                    let meta = std::fs::symlink_metadata(p);
                    let plain_or_gone = match &meta {
                        Ok(m) => m.file_type().is_file(),
                        Err(_) => true,
                    };
                    if is_file_kind && plain_or_gone {
                        if !c.files.contains(&inner) {
                            c.files.push(inner);
                        }
                    } else {
                        c.rescan = true;
                    }
                }
                _ => {}
            }
        }
        c.files.sort();
        c
    }
}

/// Builds the site again and again, reusing what it can.
pub struct Builder {
    opts: SiteOptions,
    /// `http://host:port` of the dev server: base_url becomes this plus the site's base path.
    origin: Option<String>,
    sources: Option<Sources>,
    theme: Option<Theme>,
    good: Option<Good>,
    spare: Option<Spare>,
    /// Whether the previous build succeeded.
    last_ok: bool,
    /// Whether the last good build still needs [`Builder::finish`].
    unfinished: bool,
    /// Files changed since the last good build (several when builds in
    /// between failed), and whether anything else changed since.
    pending: BTreeSet<String>,
    pending_all: bool,
    cache: FinishCache,
}

/// Times of the steps of a build.
struct Laps {
    list: Vec<(&'static str, Duration)>,
    lap: Instant,
}

impl Laps {
    fn new() -> Self {
        Laps {
            list: Vec::new(),
            lap: Instant::now(),
        }
    }

    fn mark(&mut self, name: &'static str) {
        self.list.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }
}

impl Builder {
    /// A builder for the site `opts` describes. Pages always get the live-reload script.
    pub fn new(mut opts: SiteOptions) -> Self {
        opts.live_reload = true;
        Builder {
            opts,
            origin: None,
            sources: None,
            theme: None,
            good: None,
            spare: None,
            last_ok: false,
            unfinished: false,
            pending: BTreeSet::new(),
            pending_all: true,
            cache: FinishCache::default(),
        }
    }

    /// Serve at `origin` (`http://127.0.0.1:1111`): absolute URLs in pages
    /// (canonical links, alias redirects) then point at the dev server.
    pub fn with_origin(mut self, origin: &str) -> Self {
        self.origin = Some(origin.trim_end_matches('/').to_string());
        self
    }

    /// The last good site, if any.
    pub fn files(&self) -> Option<Arc<Files>> {
        self.good.as_ref().map(|g| g.files.clone())
    }

    /// The slow second half of a good build, run once its pages are
    /// served: the search index and the checks `carehub build` runs (links
    /// and anchors in the rendered pages, review dates, reading age...).
    /// `None` when there is nothing to finish.
    pub fn finish(&mut self) -> Option<Finished> {
        if !std::mem::take(&mut self.unfinished) {
            return None;
        }
        let start = Instant::now();
        let good = self.good.as_mut()?;
        let theme = self.theme.as_ref()?;
        let env = Env::new(&good.site, theme);
        let index = render::relocate_live(search_index(&mut self.cache, &env, &good.markdown));
        let mut files: Files = (*good.files).clone();
        files.retain(|k, _| !k.starts_with(render::LIVE_SEARCH_DIR));
        for o in index.files {
            files.insert(o.path, Arc::from(o.bytes));
        }
        let files = Arc::new(files);
        good.files = files.clone();
        let search = start.elapsed();
        let t = Instant::now();
        let mut diags = Diagnostics {
            items: run_checks(&mut self.cache, &good.site, &files, &good.markdown),
        };
        diags.sort();
        Some(Finished {
            files,
            diagnostics: diags.items,
            timings: vec![("search index", search), ("check", t.elapsed())],
        })
    }

    /// [`Builder::build`] then [`Builder::finish`], as one outcome (for
    /// tests and tools that do not serve pages in between).
    pub fn build_and_finish(&mut self, changes: &Changes) -> Outcome {
        let mut o = self.build(changes);
        if let Some(f) = self.finish() {
            o.ok &= !f.diagnostics.iter().any(Diagnostic::is_error);
            o.files = Some(f.files);
            o.diagnostics.extend(f.diagnostics);
            o.timings.extend(f.timings);
        }
        o
    }

    fn load_options(&self) -> LoadOptions {
        LoadOptions {
            drafts: self.opts.drafts,
        }
    }

    /// Build after `changes` ([`Changes::all`] the first time).
    pub fn build(&mut self, changes: &Changes) -> Outcome {
        let start = Instant::now();
        let mut laps = Laps::new();
        self.pending.extend(changes.files.iter().cloned());
        self.pending_all |= changes.config || changes.theme || changes.rescan;
        if changes.config || changes.theme {
            // Search documents and checks depend on both.
            self.cache = FinishCache::default();
        }
        // Read the changed files (all of them on a rescan).
        let root = self.opts.root.clone();
        let lopts = self.load_options();
        // A new file is checked by the walk (its name, where a link leads).
        let new_file = self.sources.as_ref().is_some_and(|s| {
            changes
                .files
                .iter()
                .any(|r| !s.files.contains_key(r) && root.join("content").join(r).exists())
        });
        let mut sources = match self.sources.take() {
            Some(mut s) if !changes.rescan && !new_file => {
                if changes.config {
                    s.config = load::load_config(&root);
                }
                for rel in &changes.files {
                    let path = root.join("content").join(rel);
                    if path.is_file() {
                        let (item, diags) = load::load_file(&root, &path, rel, &lopts);
                        s.files.insert(rel.clone(), SourceEntry { item, diags });
                    } else {
                        s.files.remove(rel);
                    }
                }
                s
            }
            _ => read_all(&root, &lopts),
        };
        let outcome = match self.edit_bodies(&sources, changes, start, &mut laps) {
            Some(o) => o,
            None => self.build_from(&mut sources, changes, start, laps),
        };
        self.sources = Some(sources);
        outcome
    }

    /// The quick way for the commonest edit: text below the front matter
    /// of pages that were in the last good build. Their front matter is
    /// unchanged, so the resolved site stays as it is: only the new text
    /// goes in, and only those pages are rendered again. `None` when the
    /// change is anything else.
    fn edit_bodies(
        &mut self,
        sources: &Sources,
        changes: &Changes,
        start: Instant,
        laps: &mut Laps,
    ) -> Option<Outcome> {
        if !self.last_ok || changes.config || changes.theme || changes.rescan {
            return None;
        }
        if changes.files.is_empty() {
            return None;
        }
        let good = self.good.as_mut()?;
        let theme = self.theme.as_ref()?;
        let mut edits = Vec::new();
        for rel in &changes.files {
            let Item::Page(new) = &sources.files.get(rel)?.item else {
                return None;
            };
            let &i = good.site.by_rel.get(rel)?;
            let old = &good.site.pages[i];
            if front(old) != front(new) {
                return None;
            }
            edits.push((i, new.src.clone()));
        }
        laps.mark("load");
        let labels = render::labels(theme);
        let mut markdown = good.markdown.clone();
        for (i, src) in edits.iter().cloned() {
            good.site.pages[i].src = src;
            markdown[i] = Arc::new(render::render_page_markdown(
                &good.site,
                &labels,
                &good.site.pages[i],
            ));
        }
        laps.mark("markdown");
        let selection = Selection {
            pages: edits.iter().map(|(i, _)| *i).collect(),
            job_paths: good.job_paths.clone(),
            ..Default::default()
        };
        let ropts = RenderOptions { live_reload: true };
        let render::Rendering {
            outputs,
            diagnostics: rdiags,
            job_paths: _,
        } = render::render_outputs(&good.site, theme, &ropts, &markdown, Some(&selection));
        laps.mark("render");
        // The site and its markdown now hold the new text, whatever happens.
        good.markdown = markdown;
        let mut diags = Diagnostics::default();
        diags.extend(good.early_diags.iter().cloned());
        diags.extend(rdiags.items);
        if diags.has_errors() {
            // The served files are now older than the site: the next build
            // renders these pages again (they stay in `pending`).
            diags.sort();
            return Some(self.failed(diags, start));
        }
        let files = merge(Some((&good.files, &good.job_paths)), outputs);
        laps.mark("merge");
        let rendered = selection.pages.len();
        good.files = files.clone();
        let mut o = self.succeeded(
            diags,
            files,
            rendered,
            false,
            start,
            std::mem::take(&mut laps.list),
        );
        o.markdown = edits.len();
        Some(o)
    }

    /// Every other build: resolve the site from the sources, reuse what
    /// markdown is still valid, and render what the change can affect.
    fn build_from(
        &mut self,
        sources: &mut Sources,
        changes: &Changes,
        start: Instant,
        mut laps: Laps,
    ) -> Outcome {
        let mut diags = Diagnostics::default();
        diags.extend(sources.walk_diags.iter().cloned());
        for e in sources.files.values() {
            diags.extend(e.diags.iter().cloned());
        }
        let (config, config_src) = match &sources.config {
            Ok(c) => c.clone(),
            Err(ds) => {
                diags.extend(ds.iter().cloned());
                diags.sort();
                return self.failed(diags, start);
            }
        };
        let mut pages: Vec<Page> = Vec::new();
        let mut providers: Vec<Provider> = Vec::new();
        for e in sources.files.values() {
            match &e.item {
                Item::Page(p) => pages.push((**p).clone()),
                Item::Provider(p) => providers.push((**p).clone()),
                Item::Skip => {}
            }
        }
        providers.sort_by(|a, b| a.id.cmp(&b.id));
        let mut loaded = Loaded {
            root: self.opts.root.clone(),
            config,
            config_src,
            pages,
            providers,
            content_assets: sources.assets.clone(),
        };
        if let Some(o) = &self.origin {
            let url = format!("{o}{}", loaded.config.base_path());
            loaded.config.set_base_url(&url);
        } else if let Some(u) = &self.opts.base_url {
            loaded.config.set_base_url(u);
        }
        laps.mark("load");

        // Resolve, and the theme.
        // Problems in single files come first when shown: they often cause
        // the others (a page that fails to parse leaves links to it broken).
        let read_problems = diags.items.len();
        let site = resolve::resolve(loaded, &mut diags);
        if self.theme.is_none() || changes.theme || changes.config || changes.rescan {
            self.theme = None;
            match theme::load(&site.root, &site.config.theme, &site.config.language) {
                Ok(t) => self.theme = Some(t),
                Err(ds) => {
                    diags.extend(ds);
                    return self.failed_with(diags, read_problems, start, &site);
                }
            }
        }
        // Problems found so far stop here: the dev server shows them at
        // once rather than spending time rendering a site it cannot serve.
        if diags.has_errors() {
            return self.failed_with(diags, read_problems, start, &site);
        }
        let Some(theme) = self.theme.as_ref() else {
            return self.failed_with(diags, read_problems, start, &site);
        };
        let early_diags = diags.items.clone();
        laps.mark("resolve");

        // Markdown, reusing what is still valid.
        let labels = render::labels(theme);
        let fp = fingerprint(&site, &labels);
        let same = |a: &Arc<str>, b: &Arc<str>| Arc::ptr_eq(a, b) || **a == **b;
        let reuse = |p: &Page| -> Option<Md> {
            if let Some(g) = self.good.as_ref().filter(|g| g.fingerprint == fp)
                && let Some(&j) = g.site.by_rel.get(&p.rel)
                && same(&g.site.pages[j].src.text, &p.src.text)
            {
                return Some(g.markdown[j].clone());
            }
            let spare = self.spare.as_ref().filter(|s| s.fingerprint == fp)?;
            let (text, md) = spare.pages.get(&p.rel)?;
            same(text, &p.src.text).then(|| md.clone())
        };
        let mut markdown: Vec<Option<Md>> = site.pages.iter().map(reuse).collect();
        let missing: Vec<usize> = (0..markdown.len())
            .filter(|&i| markdown[i].is_none())
            .collect();
        let fresh: Vec<(usize, Md)> = missing
            .par_iter()
            .map(|&i| {
                let md = render::render_page_markdown(&site, &labels, &site.pages[i]);
                (i, Arc::new(md))
            })
            .collect();
        for (i, v) in fresh {
            markdown[i] = Some(v);
        }
        let markdown: Vec<Md> = markdown.into_iter().flatten().collect();
        laps.mark("markdown");

        // Templates: only the pages the changes since the last good build
        // show on, when that is safe.
        let selection = match &self.good {
            Some(g) if !self.pending_all && g.fingerprint == fp => {
                let changed: Vec<String> = self.pending.iter().cloned().collect();
                select(&g.site, &site, &changed).map(|mut s| {
                    s.job_paths = g.job_paths.clone();
                    s
                })
            }
            _ => None,
        };
        let ropts = RenderOptions { live_reload: true };
        let render::Rendering {
            outputs,
            diagnostics: rdiags,
            job_paths,
        } = render::render_outputs(&site, theme, &ropts, &markdown, selection.as_ref());
        diags.extend(rdiags.items);
        laps.mark("render");
        let rendered = outputs.iter().filter(|o| o.path.ends_with(".html")).count();
        if diags.has_errors() {
            // Keep this markdown for the build that fixes the problem.
            if self.good.as_ref().is_none_or(|g| g.fingerprint != fp) {
                self.spare = Some(spare_of(fp, &site, &markdown));
            }
            return self.failed_with(diags, read_problems, start, &site);
        }
        let previous = if selection.is_some() {
            self.good.as_ref().map(|g| (&g.files, &g.job_paths))
        } else {
            None
        };
        let files = merge(previous, outputs);
        laps.mark("merge");
        // The markdown of the site this replaces, if its structure differed.
        if let Some(g) = self.good.take() {
            if g.fingerprint != fp {
                self.spare = Some(spare_of(g.fingerprint, &g.site, &g.markdown));
            }
            // Freeing a large site takes a while: not on the way to the browser.
            std::thread::spawn(move || drop(g));
        }
        self.good = Some(Good {
            files: files.clone(),
            site,
            fingerprint: fp,
            markdown,
            early_diags,
            job_paths,
        });
        let mut o = self.succeeded(
            diags,
            files,
            rendered,
            selection.is_none(),
            start,
            laps.list,
        );
        o.markdown = missing.len();
        o
    }

    fn succeeded(
        &mut self,
        mut diags: Diagnostics,
        files: Arc<Files>,
        rendered: usize,
        full: bool,
        start: Instant,
        timings: Vec<(&'static str, Duration)>,
    ) -> Outcome {
        self.last_ok = true;
        self.unfinished = true;
        self.pending.clear();
        self.pending_all = false;
        diags.sort();
        let base_path = self
            .good
            .as_ref()
            .map(|g| g.site.config.base_path())
            .unwrap_or_else(|| "/".into());
        Outcome {
            ok: true,
            diagnostics: diags.items,
            total: html_count(&files),
            files: Some(files),
            base_path,
            rendered,
            markdown: 0,
            full,
            elapsed: start.elapsed(),
            timings,
        }
    }

    /// A failed build, with its problems in the order they are to be shown.
    fn failed(&mut self, diags: Diagnostics, start: Instant) -> Outcome {
        self.last_ok = false;
        let base_path = self
            .good
            .as_ref()
            .map(|g| g.site.config.base_path())
            .unwrap_or_else(|| "/".into());
        Outcome {
            ok: false,
            diagnostics: diags.items,
            files: self.files(),
            base_path,
            rendered: 0,
            markdown: 0,
            total: self.good.as_ref().map_or(0, |g| html_count(&g.files)),
            full: true,
            elapsed: start.elapsed(),
            timings: Vec::new(),
        }
    }

    /// A failed build of `site`, with the problems found while reading
    /// files (the first `read_problems`) shown before the others.
    fn failed_with(
        &mut self,
        diags: Diagnostics,
        read_problems: usize,
        start: Instant,
        site: &Site,
    ) -> Outcome {
        let mut items = diags.items;
        let mut rest = Diagnostics {
            items: items.split_off(read_problems.min(items.len())),
        };
        let mut first = Diagnostics { items };
        first.sort();
        rest.sort();
        first.items.extend(rest.items);
        let mut o = self.failed(first, start);
        o.base_path = site.config.base_path();
        o
    }
}

/// A page's front matter as written (with its `+++` lines).
fn front(p: &Page) -> &str {
    &p.src.text[..p.body_offset.min(p.src.text.len())]
}

fn html_count(files: &Files) -> usize {
    files.keys().filter(|k| k.ends_with(".html")).count()
}

/// A build's outputs on top of the pages of the previous site that it did
/// not render again (`previous`: its files and its template jobs' paths).
/// Other previous files (sitemap, search index, aliases...) are made by
/// every build, so any this build did not make are gone.
fn merge(
    previous: Option<(&Arc<Files>, &Vec<String>)>,
    outputs: Vec<render::Output>,
) -> Arc<Files> {
    let mut files: Files = HashMap::with_capacity(outputs.len());
    if let Some((prev, jobs)) = previous {
        files.reserve(jobs.len());
        for p in jobs {
            if let Some(b) = prev.get(p) {
                files.insert(p.clone(), b.clone());
            }
        }
        // The search index stays until `finish` makes the new one.
        for (k, b) in prev.iter() {
            if k.starts_with(render::LIVE_SEARCH_DIR) {
                files.insert(k.clone(), b.clone());
            }
        }
    }
    for o in outputs {
        files.insert(o.path, Arc::from(o.bytes));
    }
    Arc::new(files)
}

/// The editorial checks `carehub build` runs (links and anchors in the
/// rendered pages, review dates, reading age...), on the whole site as it
/// will be served.
fn run_checks(
    cache: &mut FinishCache,
    site: &Site,
    files: &Files,
    markdown: &[Md],
) -> Vec<Diagnostic> {
    // Files are scanned where they are (not copied), and only those that
    // changed since the last check.
    let mut paths: Vec<&str> = files.keys().map(String::as_str).collect();
    // The dev server's own script, which every page links to: served, so
    // not a broken link (there is nothing to scan in it).
    paths.push(super::livereload::SCRIPT_PATH);
    paths.sort_unstable();
    paths.dedup();
    let no_known = check::links::Known::new(Vec::new(), "");
    let base_url = site.config.base_url.as_str();
    let scanned: Vec<Option<Arc<Scan<'static>>>> = paths
        .par_iter()
        .map(|p| {
            if !p.ends_with(".html") {
                return None;
            }
            let bytes = files.get(*p)?;
            if let Some((b, s)) = cache.scans.get(*p)
                && Arc::ptr_eq(b, bytes)
            {
                return Some(s.clone());
            }
            let html = std::str::from_utf8(bytes).ok()?;
            Some(Arc::new(
                check::links::scan(html).into_owned(base_url, &no_known),
            ))
        })
        .collect();
    let mut scans_cache = HashMap::with_capacity(paths.len());
    for (p, s) in paths.iter().zip(&scanned) {
        if let (Some(s), Some(b)) = (s, files.get(*p)) {
            scans_cache.insert(p.to_string(), (b.clone(), s.clone()));
        }
    }
    cache.scans = scans_cache;
    let published = check::links::Published {
        paths,
        scans: scanned,
    };
    // Reading age and plain language, for pages that changed.
    let checks = PageChecks::new(site);
    let findings: Vec<PageFindings> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let md = markdown.get(i)?;
            if let Some((src, m, at, f)) = cache.findings.get(&p.rel)
                && Arc::ptr_eq(src, &p.src.text)
                && Arc::ptr_eq(m, md)
                && *at == i
            {
                return Some(f.clone());
            }
            Some(checks.page(site, i, &md.0))
        })
        .map(Option::unwrap_or_default)
        .collect();
    cache.findings = site
        .pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let md = markdown.get(i)?;
            Some((
                p.rel.clone(),
                (p.src.text.clone(), md.clone(), i, findings[i].clone()),
            ))
        })
        .collect();
    let result = render::RenderResult {
        outputs: Vec::new(),
        paths: Vec::new(),
        // What the checks read besides the text, whose findings are above.
        rendered: markdown.iter().map(|m| m.0.without_text()).collect(),
        findings,
        diagnostics: Diagnostics::default(),
        timings: Default::default(),
    };
    let mut diags = Vec::new();
    let today = check::today().unwrap_or_else(|d| {
        diags.push(d);
        crate::model::Date::today()
    });
    diags.extend(check::run_published(site, &result, &published, today).diagnostics);
    diags
}

/// The site's search index, tokenising only the pages that changed since
/// the last one.
fn search_index(cache: &mut FinishCache, env: &Env, markdown: &[Md]) -> search::index::Built {
    let site = env.site;
    let language = &site.config.language;
    if cache.indexer.as_ref().is_none_or(|(l, _)| l != language) {
        cache.entries.clear();
        cache.indexer = Some((
            language.clone(),
            Arc::new(search::index::Indexer::new(language)),
        ));
    }
    let indexer = match &cache.indexer {
        Some((_, i)) => i.clone(),
        None => Arc::new(search::index::Indexer::new(language)),
    };
    let names = names_hash(site);
    let pages: Vec<search::index::Entry> = site
        .pages
        .par_iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let md = markdown.get(i)?;
            if let Some((src, m, h, e)) = cache.entries.get(&p.path)
                && Arc::ptr_eq(src, &p.src.text)
                && Arc::ptr_eq(m, md)
                && *h == names
            {
                return Some(e.clone());
            }
            let (r, faq) = &**md;
            Some(search::page_entry(&indexer, env, i, r, faq))
        })
        .collect();
    cache.entries = site
        .pages
        .iter()
        .zip(markdown)
        .zip(&pages)
        .map(|((p, md), e)| {
            (
                p.path.clone(),
                (p.src.text.clone(), md.clone(), names, e.clone()),
            )
        })
        .collect();
    search::build_with_providers(env, &indexer, pages)
}

fn spare_of(fingerprint: u64, site: &Site, markdown: &[Md]) -> Spare {
    Spare {
        fingerprint,
        pages: site
            .pages
            .iter()
            .zip(markdown)
            .map(|(p, m)| (p.rel.clone(), (p.src.text.clone(), m.clone())))
            .collect(),
    }
}

/// Read site.toml and every file under `content/`.
fn read_all(root: &Path, opts: &LoadOptions) -> Sources {
    let walked = walk::walk(root, &root.join("content"));
    let files: BTreeMap<String, SourceEntry> = walked
        .files
        .par_iter()
        .map(|(path, rel)| {
            let (item, diags) = load::load_file(root, path, rel, opts);
            (rel.clone(), SourceEntry { item, diags })
        })
        .collect();
    let assets = walked
        .files
        .into_iter()
        .filter(|(_, rel)| load::is_asset(rel))
        .collect();
    Sources {
        config: load::load_config(root),
        files,
        walk_diags: walked.diagnostics,
        assets,
    }
}

/// What every page's markdown depends on besides its own text: site.toml,
/// the labels the renderer writes, and where every page and provider is.
fn fingerprint(site: &Site, labels: &render::markdown::Labels) -> u64 {
    let mut h = DefaultHasher::new();
    site.config_src.text.hash(&mut h);
    site.config.base_url.hash(&mut h);
    format!("{labels:?}").hash(&mut h);
    for p in &site.pages {
        p.rel.hash(&mut h);
        p.path.hash(&mut h);
    }
    for p in &site.providers {
        p.id.hash(&mut h);
    }
    h.finish()
}

/// The pages to render again after `changed` files were edited, when every
/// page and provider kept its place (same fingerprint). `None` means render
/// everything: the edit may show anywhere.
///
/// - an edit below the front matter of a page shows only on that page;
/// - an article's front matter (title, description, dates, services,
///   conditions, providers, weight) also shows on its sections, the service
///   and condition pages it names (before and after), the provider pages
///   that list it as related, and every generated page except those that
///   show only providers (facet pages, find-a-service, the providers list)
///   and the 404 page; a change to its aliases renders everything;
/// - a provider shows on its page, the generated pages other than other
///   providers' pages, the service and condition pages it names (before and
///   after), the pages that name it and the providers section.
///
/// The front matter of a home, section, service or condition page (their
/// titles appear in menus, breadcrumbs and provider pages) renders
/// everything, as does a change in the generated pages themselves (how
/// many pages "What has changed" takes, the letters of the A to Z).
/// Generated pages not named here are always rendered again, so a new kind
/// of generated page is never left stale.
pub fn select(old: &Site, new: &Site, changed: &[String]) -> Option<Selection> {
    let mut sel = Selection::default();
    // Per change that needs generated pages: those it cannot affect.
    let mut skips: Vec<HashSet<String>> = Vec::new();
    let provider_page = |i: usize| render::output_path(&new.providers[i].path());
    for rel in changed {
        if let (Some(&i), Some(&oi)) = (new.by_rel.get(rel), old.by_rel.get(rel)) {
            let (np, op) = (&new.pages[i], &old.pages[oi]);
            sel.pages.insert(i);
            if front(np) == front(op) {
                continue;
            }
            let aliases = |p: &Page| {
                p.fm.aliases
                    .iter()
                    .map(|a| a.get_ref().clone())
                    .collect::<Vec<_>>()
            };
            if np.kind != PageKind::Article
                || op.kind != PageKind::Article
                || aliases(np) != aliases(op)
            {
                return None;
            }
            sel.pages.extend(new.ancestors(i));
            let mut related: HashSet<usize> = HashSet::new();
            for p in [np, op] {
                for s in &p.fm.services {
                    sel.pages.extend(new.services.get(s.get_ref()));
                    related.extend(
                        new.providers_by_service
                            .get(s.get_ref())
                            .into_iter()
                            .flatten(),
                    );
                }
                for c in &p.fm.conditions {
                    sel.pages.extend(new.conditions.get(c.get_ref()));
                    related.extend(
                        new.providers_by_condition
                            .get(c.get_ref())
                            .into_iter()
                            .flatten(),
                    );
                }
                for pr in &p.fm.providers {
                    related.extend(new.provider_by_id.get(pr.get_ref()));
                }
            }
            let mut skip: HashSet<String> = providers_only_pages();
            skip.extend(
                (0..new.providers.len())
                    .filter(|pi| !related.contains(pi))
                    .map(provider_page),
            );
            skips.push(skip);
        } else if let Some(id) = rel
            .strip_prefix("providers/")
            .and_then(|r| r.strip_suffix(".toml"))
        {
            let (Some(&i), Some(&oi)) = (new.provider_by_id.get(id), old.provider_by_id.get(id))
            else {
                return None;
            };
            for p in [&new.providers[i], &old.providers[oi]] {
                for s in &p.data.services {
                    sel.pages.extend(new.services.get(s.get_ref()));
                }
                for c in &p.data.conditions {
                    sel.pages.extend(new.conditions.get(c.get_ref()));
                }
            }
            sel.pages
                .extend(new.pages_by_provider.get(id).into_iter().flatten());
            sel.pages.extend(new.by_rel.get("providers/_index.md"));
            skips.push(
                (0..new.providers.len())
                    .filter(|&pi| pi != i)
                    .map(provider_page)
                    .collect(),
            );
        } else {
            return None;
        }
    }
    // Only a front matter or provider edit (each adds to `skips`) can
    // change the generated pages themselves (how many pages "What has
    // changed" takes, the A to Z's letters): adding or removing one is an
    // output only a full render makes.
    if !skips.is_empty() && render::generated::specs(old) != render::generated::specs(new) {
        return None;
    }
    if let Some((first, rest)) = skips.split_first() {
        sel.generated = true;
        sel.skip = first
            .iter()
            .filter(|p| rest.iter().all(|s| s.contains(*p)))
            .cloned()
            .collect();
    }
    Some(sel)
}

/// Generated pages that show providers and fixed words but no article:
/// facet pages, find-a-service, the generated providers list and 404.
fn providers_only_pages() -> HashSet<String> {
    let mut v: HashSet<String> = [
        "find-a-service/index.html",
        "providers/index.html",
        "404.html",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for f in Facet::ALL {
        v.insert(render::output_path(&format!("{}/", f.id())));
        for val in f.values() {
            v.insert(render::output_path(&format!("{}/{}/", f.id(), val)));
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn page(title: &str, extra: &str, body: &str) -> String {
        format!(
            "+++\ntitle = \"{title}\"\ndescription = \"About {title}.\"\nlast_reviewed = 2026-10-01\nnext_review = 2028-10-01\nreviewed_by = \"Test Reviewer\"\n{extra}\n[[sources]]\ntitle = \"A source\"\nurl = \"https://www.nhs.uk/\"\npublisher = \"NHS\"\naccessed = 2026-09-01\n+++\n{body}\n"
        )
    }

    fn site() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        let w = |rel: &str, text: &str| {
            let p = t.path().join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        };
        w(
            "site.toml",
            "title = \"Test Hub\"\nbase_url = \"https://hub.example.org/\"\n",
        );
        w("content/_index.md", &page("Home", "", "Welcome."));
        w(
            "content/about.md",
            &page(
                "About us",
                "services = [\"respite-care\"]",
                "See [respite](@/services/respite-care.md#what-it-is).",
            ),
        );
        w("content/other.md", &page("Other", "", "Other page."));
        w("content/services/_index.md", &page("Services", "", "All."));
        w(
            "content/services/respite-care.md",
            &page("Respite care", "", "## What it is\n\nA break."),
        );
        w(
            "content/providers/kind-hospice.toml",
            "name = \"Kind Hospice\"\nkind = \"hospice\"\nservices = [\"respite-care\"]\n",
        );
        t
    }

    /// A builder for the site at `root` that has done its first, full build.
    fn built(root: &Path) -> Builder {
        let mut b = Builder::new(SiteOptions {
            root: root.to_path_buf(),
            ..Default::default()
        });
        assert!(b.build_and_finish(&Changes::all()).ok);
        b
    }

    fn full(root: &Path) -> Arc<Files> {
        let mut b = Builder::new(SiteOptions {
            root: root.to_path_buf(),
            ..Default::default()
        });
        let o = b.build_and_finish(&Changes::all());
        assert!(o.ok, "{:?}", o.diagnostics);
        o.files.unwrap()
    }

    fn same(a: &Files, b: &Files) {
        let mut ka: Vec<&String> = a.keys().collect();
        let mut kb: Vec<&String> = b.keys().collect();
        ka.sort();
        kb.sort();
        assert_eq!(ka, kb, "the same files");
        for k in ka {
            assert!(a[k] == b[k], "{k} differs from a full build");
        }
    }

    /// Each kind of edit, built incrementally, gives exactly the files of a full build.
    #[test]
    fn incremental_equals_full() {
        let t = site();
        let root = t.path();
        let mut b = built(root);
        let edits: Vec<(&str, String, bool)> = vec![
            // body only: one page
            (
                "content/about.md",
                page(
                    "About us",
                    "services = [\"respite-care\"]",
                    "Changed body. See [respite](@/services/respite-care.md#what-it-is).",
                ),
                false,
            ),
            // article front matter: title shows in listings
            (
                "content/about.md",
                page("About the hub", "", "Changed again."),
                false,
            ),
            // article front matter naming a provider
            (
                "content/other.md",
                page("Other", "providers = [\"kind-hospice\"]", "Other page."),
                false,
            ),
            // provider
            (
                "content/providers/kind-hospice.toml",
                "name = \"Kinder Hospice\"\nkind = \"hospice\"\nservices = []\n".to_string(),
                false,
            ),
            // service page front matter: everything
            (
                "content/services/respite-care.md",
                page("Respite breaks", "", "## What it is\n\nA break."),
                true,
            ),
            // a new page
            ("content/new.md", page("New page", "", "Hello."), true),
        ];
        for (rel, text, expect_full) in edits {
            fs::write(root.join(rel), text).unwrap();
            let c = Changes::from_paths(root, &[root.join(rel)]);
            let o = b.build_and_finish(&c);
            assert!(o.ok, "{rel}: {:?}", o.diagnostics);
            assert_eq!(o.full, expect_full, "{rel}");
            same(&o.files.unwrap(), &full(root));
        }
        // A file kept beside the pages is published, and goes when deleted.
        fs::write(root.join("content/leaflet.pdf"), b"%PDF-1.4 test").unwrap();
        let o = b.build_and_finish(&Changes::from_paths(
            root,
            &[root.join("content/leaflet.pdf")],
        ));
        assert!(o.ok && o.full, "{:?}", o.diagnostics);
        let files = o.files.unwrap();
        assert_eq!(&*files["leaflet.pdf"], b"%PDF-1.4 test");
        same(&files, &full(root));
        fs::remove_file(root.join("content/leaflet.pdf")).unwrap();
        let o = b.build_and_finish(&Changes::from_paths(
            root,
            &[root.join("content/leaflet.pdf")],
        ));
        assert!(!o.files.unwrap().contains_key("leaflet.pdf"));
        // A deleted page's output goes.
        fs::remove_file(root.join("content/other.md")).unwrap();
        let o = b.build_and_finish(&Changes::from_paths(root, &[root.join("content/other.md")]));
        let files = o.files.unwrap();
        assert!(!files.contains_key("other/index.html"));
        same(&files, &full(root));
    }

    /// A front-matter edit that makes "What has changed" take one more
    /// page (or one fewer) renders everything, so that the new page is
    /// served and a page that is gone is not.
    #[test]
    fn a_new_page_of_changes_renders_everything() {
        let t = site();
        let root = t.path();
        let per = render::feed::PER_PAGE;
        for k in 0..per {
            let date = format!("date = 2026-0{}-{:02}", 1 + k % 9, 1 + k % 28);
            fs::write(
                root.join(format!("content/dated-{k}.md")),
                page(&format!("Dated {k}"), &date, "Text."),
            )
            .unwrap();
        }
        let mut b = built(root);
        let rel = "content/other.md";
        let mut edit = |extra: &str| {
            fs::write(root.join(rel), page("Other", extra, "Other page.")).unwrap();
            let o = b.build_and_finish(&Changes::from_paths(root, &[root.join(rel)]));
            assert!(o.ok, "{:?}", o.diagnostics);
            let files = o.files.unwrap();
            same(&files, &full(root));
            (o.full, files.contains_key("changes/page/2/index.html"))
        };
        assert_eq!(edit("date = 2026-11-01"), (true, true), "one change more");
        assert_eq!(edit("date = 2026-11-02"), (false, true), "same number");
        assert_eq!(edit(""), (true, false), "one change fewer");
    }

    /// The live-reload script every served page links to is served, so
    /// the link check does not call it broken (it did: every `carehub
    /// serve` reported a warning that `carehub check` could not list).
    #[test]
    fn the_live_reload_script_is_no_broken_link() {
        let t = site();
        let mut b = Builder::new(SiteOptions {
            root: t.path().to_path_buf(),
            ..Default::default()
        });
        let o = b.build_and_finish(&Changes::all());
        assert!(o.ok, "{:?}", o.diagnostics);
        let files = o.files.unwrap();
        let page = String::from_utf8(files["index.html"].to_vec()).unwrap();
        assert!(
            page.contains(super::super::livereload::SCRIPT_PATH),
            "{page}"
        );
        let about_it: Vec<&str> = o
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .filter(|m| m.contains("__carehub"))
            .collect();
        assert!(about_it.is_empty(), "{about_it:?}");
    }

    /// Checks kept from unchanged pages between rebuilds give what a
    /// full build's checks give, and follow each edit.
    #[test]
    fn cached_checks_follow_edits() {
        let t = site();
        let root = t.path();
        let mut b = built(root);
        let messages = |o: &Outcome| -> Vec<String> {
            let mut v: Vec<String> = o
                .diagnostics
                .iter()
                .map(|d| format!("{}:{} {}", d.path, d.line, d.message))
                .collect();
            v.sort();
            v
        };
        let full_messages = || {
            let mut f = Builder::new(SiteOptions {
                root: root.to_path_buf(),
                ..Default::default()
            });
            messages(&f.build_and_finish(&Changes::all()))
        };
        for body in [
            "We will ascertain what you need. See [a page](/nowhere/).",
            "We will find out what you need.",
        ] {
            fs::write(root.join("content/other.md"), page("Other", "", body)).unwrap();
            let c = Changes::from_paths(root, &[root.join("content/other.md")]);
            let o = b.build_and_finish(&c);
            let found = messages(&o);
            let warned = found.iter().any(|m| m.contains("\"ascertain\""));
            assert_eq!(warned, body.contains("ascertain"), "{found:?}");
            assert_eq!(found, full_messages());
        }
    }

    #[test]
    fn body_edit_renders_one_page() {
        let t = site();
        let root = t.path();
        let mut b = built(root);
        fs::write(
            root.join("content/other.md"),
            page("Other", "", "New words."),
        )
        .unwrap();
        let o = b.build_and_finish(&Changes::from_paths(root, &[root.join("content/other.md")]));
        assert!(o.ok);
        assert_eq!(o.rendered, 1);
        let html = String::from_utf8_lossy(&o.files.unwrap()["other/index.html"]).into_owned();
        assert!(html.contains("New words."));
    }

    #[test]
    fn errors_keep_the_last_good_site() {
        let t = site();
        let root = t.path();
        let mut b = Builder::new(SiteOptions {
            root: root.to_path_buf(),
            ..Default::default()
        });
        let first = b.build_and_finish(&Changes::all()).files.unwrap();
        fs::write(root.join("content/other.md"), "+++\ntitle = \n+++\n").unwrap();
        let o = b.build_and_finish(&Changes::from_paths(root, &[root.join("content/other.md")]));
        assert!(!o.ok);
        let d = o
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .expect("an error");
        assert_eq!((d.path.as_str(), d.line), ("content/other.md", 2));
        assert!(Arc::ptr_eq(&o.files.unwrap(), &first));
        fs::write(root.join("content/other.md"), page("Other", "", "Fixed.")).unwrap();
        let o = b.build_and_finish(&Changes::from_paths(root, &[root.join("content/other.md")]));
        assert!(o.ok);
        same(&o.files.unwrap(), &full(root));
    }

    fn copy_dir(from: &Path, to: &Path) {
        for e in walkdir::WalkDir::new(from).into_iter().flatten() {
            let rel = e.path().strip_prefix(from).unwrap();
            if e.file_type().is_dir() {
                fs::create_dir_all(to.join(rel)).unwrap();
            } else {
                fs::copy(e.path(), to.join(rel)).unwrap();
            }
        }
    }

    /// The same on the example site, for every kind of file it has.
    #[test]
    fn incremental_equals_full_on_the_example() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        copy_dir(&repo.join("content"), &root.join("content"));
        fs::copy(repo.join("site.toml"), root.join("site.toml")).unwrap();
        let mut b = Builder::new(SiteOptions {
            root: root.to_path_buf(),
            ..Default::default()
        });
        let first = b.build_and_finish(&Changes::all());
        assert!(first.ok, "{:?}", first.diagnostics);
        let mut edited = 0;
        for e in walkdir::WalkDir::new(root.join("content"))
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .step_by(3)
        {
            let text = fs::read_to_string(e.path()).unwrap();
            let new = if e.path().extension().is_some_and(|x| x == "toml") {
                text.replacen("summary = \"", "summary = \"Edited. ", 1)
            } else if edited % 2 == 0 {
                text.replacen("title = \"", "title = \"Edited ", 1)
            } else {
                format!("{text}\nAn added line.\n")
            };
            fs::write(e.path(), new).unwrap();
            let o = b.build_and_finish(&Changes::from_paths(root, &[e.path().to_path_buf()]));
            assert!(o.ok, "{}: {:?}", e.path().display(), o.diagnostics);
            same(&o.files.unwrap(), &full(root));
            edited += 1;
        }
        assert!(edited > 10);
    }

    #[test]
    fn body_errors_and_structure_changes_recover() {
        let t = site();
        let root = t.path();
        let mut b = Builder::new(SiteOptions {
            root: root.to_path_buf(),
            ..Default::default()
        });
        let first = b.build_and_finish(&Changes::all());
        assert!(first.ok);
        let edit = |b: &mut Builder, rel: &str, text: Option<String>| {
            match text {
                Some(t) => fs::write(root.join(rel), t).unwrap(),
                None => fs::remove_file(root.join(rel)).unwrap(),
            }
            b.build_and_finish(&Changes::from_paths(root, &[root.join(rel)]))
        };
        // A broken link below the front matter: an error, the last good site stays.
        let o = edit(
            &mut b,
            "content/other.md",
            Some(page("Other", "", "See [x](@/nope.md).")),
        );
        assert!(!o.ok);
        assert!(
            o.diagnostics
                .iter()
                .any(|d| d.is_error() && d.path == "content/other.md" && d.line > 0)
        );
        assert!(Arc::ptr_eq(
            &o.files.unwrap(),
            first.files.as_ref().unwrap()
        ));
        // Fixed: the page shows the fix, and nothing else is stale.
        let o = edit(
            &mut b,
            "content/other.md",
            Some(page("Other", "", "Fixed text.")),
        );
        assert!(o.ok, "{:?}", o.diagnostics);
        assert!(!o.full, "only what changed since the last good build");
        let files = o.files.unwrap();
        assert!(String::from_utf8_lossy(&files["other/index.html"]).contains("Fixed text."));
        same(&files, &full(root));
        // Broken front matter, then a fix with a new title: still only what it shows on.
        let o = edit(
            &mut b,
            "content/other.md",
            Some("+++\ntitle = \n+++\n".into()),
        );
        assert!(!o.ok);
        let o = edit(
            &mut b,
            "content/other.md",
            Some(page("Other again", "", "Fixed text.")),
        );
        assert!(o.ok && !o.full);
        same(&o.files.unwrap(), &full(root));
        // A new page changes the structure: every page's markdown is rendered again...
        let o = edit(&mut b, "content/extra.md", Some(page("Extra", "", "More.")));
        assert!(o.ok && o.full);
        assert_eq!(o.markdown, 6, "all six pages");
        // ...and removing it again reuses the markdown kept from before.
        let o = edit(&mut b, "content/extra.md", None);
        assert!(o.ok && o.full);
        assert_eq!(o.markdown, 0);
        let files = o.files.unwrap();
        assert!(!files.contains_key("extra/index.html"));
        same(&files, &full(root));
    }

    #[test]
    fn the_cause_is_shown_first() {
        let t = site();
        let root = t.path();
        let mut b = built(root);
        // The service stops parsing, so about.md's `services = ["respite-care"]` breaks too.
        let rel = "content/services/respite-care.md";
        fs::write(root.join(rel), "+++\ntitle = \"Respite care\n+++\n").unwrap();
        let o = b.build_and_finish(&Changes::from_paths(root, &[root.join(rel)]));
        assert!(!o.ok);
        assert!(o.diagnostics.len() > 1, "{:?}", o.diagnostics);
        assert_eq!(o.diagnostics[0].path, rel);
        assert!(o.diagnostics.iter().any(|d| d.path == "content/about.md"));
    }

    /// The checks `build` runs (here: anchors in the rendered pages) stop a serve build too.
    #[test]
    fn check_errors_fail_the_build() {
        let t = site();
        let root = t.path();
        let mut b = built(root);
        let rel = "content/other.md";
        fs::write(
            root.join(rel),
            page(
                "Other",
                "",
                "See [it](@/services/respite-care.md#no-such-heading).",
            ),
        )
        .unwrap();
        let o = b.build_and_finish(&Changes::from_paths(root, &[root.join(rel)]));
        assert!(!o.ok);
        assert!(
            o.diagnostics
                .iter()
                .any(|d| d.is_error() && d.code == "broken-anchor" && d.path == rel),
            "{:?}",
            o.diagnostics
        );
    }

    #[test]
    fn classifies_paths() {
        let root = Path::new("/site");
        let c = Changes::from_paths(
            root,
            &[
                root.join("site.toml"),
                root.join("templates/page.html"),
                root.join("content/.about.md.swp"),
                root.join("content/about.md~"),
                root.join("content/providers/x.toml"),
                root.join("public/index.html"),
            ],
        );
        assert!(c.config && c.theme && !c.rescan);
        assert_eq!(c.files, vec!["providers/x.toml".to_string()]);
        let c = Changes::from_paths(root, &[root.join("content/images/a.png")]);
        assert!(c.rescan);
        assert!(Changes::from_paths(root, &[root.join("README.md")]).is_empty());
    }
}
