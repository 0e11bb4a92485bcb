//! Load: walk the site folder, read every file, parse site.toml, pages and
//! providers into plain data. Problems become diagnostics; nothing is
//! checked against anything else here (that is `resolve`'s job).

pub mod frontmatter;
pub mod walk;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile, from_toml_error};
use crate::model::provider::ProviderData;
use crate::model::{FrontMatter, Page, PageKind, Provider};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Everything read from disk, before cross-references are resolved.
#[derive(Debug)]
pub struct Loaded {
    pub root: PathBuf,
    pub config: Config,
    pub config_src: SourceFile,
    pub pages: Vec<Page>,
    pub providers: Vec<Provider>,
    /// Files under `content/` that are neither pages nor providers (images, PDFs), copied as they are.
    pub content_assets: Vec<(PathBuf, String)>,
}

/// Options that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub drafts: bool,
}

/// Read `site.toml`. Errors are returned as diagnostics.
pub fn load_config(root: &Path) -> Result<(Config, SourceFile), Vec<Diagnostic>> {
    let path = root.join("site.toml");
    let src = read_source(root, &path).map_err(|d| vec![d])?;
    let cfg = Config::parse(&src)?;
    Ok((cfg, src))
}

/// Load the whole site. Returns what could be loaded and every problem found.
pub fn load(root: &Path, opts: &LoadOptions) -> (Option<Loaded>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let (config, config_src) = match load_config(root) {
        Ok(c) => c,
        Err(ds) => {
            diags.extend(ds);
            // Go on reading content so all problems are reported in one run.
            let _ = load_content(root, opts, &mut diags);
            return (None, diags);
        }
    };
    let (pages, providers, content_assets) = load_content(root, opts, &mut diags);
    (
        Some(Loaded {
            root: root.to_path_buf(),
            config,
            config_src,
            pages,
            providers,
            content_assets,
        }),
        diags,
    )
}

type Content = (Vec<Page>, Vec<Provider>, Vec<(PathBuf, String)>);

/// What one file under `content/` turned out to be.
pub enum Item {
    Page(Box<Page>),
    Provider(Box<Provider>),
    Skip,
}

/// Whether a path under `content/` is a provider file.
fn is_provider_file(rel: &str) -> bool {
    rel.starts_with("providers/") && rel.ends_with(".toml") && !rel[10..].contains('/')
}

/// Parse one page or provider from its text.
fn parse_item(src: SourceFile, rel: &str, opts: &LoadOptions, ds: &mut Vec<Diagnostic>) -> Item {
    if rel.ends_with(".md") {
        match parse_page(src, rel, ds) {
            Some(p) if p.fm.draft && !opts.drafts => Item::Skip,
            Some(p) => Item::Page(Box::new(p)),
            None => Item::Skip,
        }
    } else if is_provider_file(rel) {
        match parse_provider(src, rel, ds) {
            Some(p) => Item::Provider(Box::new(p)),
            None => Item::Skip,
        }
    } else {
        Item::Skip
    }
}

fn collect_items(
    results: Vec<(Item, Vec<Diagnostic>)>,
    diags: &mut Diagnostics,
) -> (Vec<Page>, Vec<Provider>) {
    // Sorted while still boxed (a page is hundreds of bytes; a box is one
    // pointer), then each moved out once.
    let mut pages = Vec::new();
    let mut providers = Vec::new();
    for (item, ds) in results {
        diags.extend(ds);
        match item {
            Item::Page(p) => pages.push(p),
            Item::Provider(p) => providers.push(p),
            Item::Skip => {}
        }
    }
    pages.sort_by(|a, b| a.rel.cmp(&b.rel));
    providers.sort_by(|a, b| a.id.cmp(&b.id));
    (
        pages.into_iter().map(|p| *p).collect(),
        providers.into_iter().map(|p| *p).collect(),
    )
}

/// How many files the walk hands on at a time to be read and parsed.
const BATCH: usize = 64;

/// Files found by the walk (a batch, numbered in walk order) with what
/// each turned out to be.
type Batch = (usize, Vec<(PathBuf, String)>, Vec<(Item, Vec<Diagnostic>)>);

fn load_content(root: &Path, opts: &LoadOptions, diags: &mut Diagnostics) -> Content {
    let content = root.join("content");
    // The walk goes on on one core while the files it has found are read
    // and parsed, a batch at a time, on the others.
    let done: Mutex<Vec<Batch>> = Mutex::new(Vec::new());
    let mut walk_diags = Vec::new();
    rayon::scope(|s| {
        let done = &done;
        let send = |n: usize, files: Vec<(PathBuf, String)>| {
            s.spawn(move |_| {
                let items = files
                    .iter()
                    .map(|(path, rel)| load_file(root, path, rel, opts))
                    .collect();
                done.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((n, files, items));
            })
        };
        let mut batch = Vec::with_capacity(BATCH);
        let mut sent = 0;
        walk_diags = walk::walk_each(root, &content, |path, rel| {
            batch.push((path, rel));
            if batch.len() == BATCH {
                send(
                    sent,
                    std::mem::replace(&mut batch, Vec::with_capacity(BATCH)),
                );
                sent += 1;
            }
        });
        if !batch.is_empty() {
            send(sent, batch);
        }
    });
    diags.extend(walk_diags);
    let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
    done.sort_unstable_by_key(|b| b.0);
    let mut results = Vec::new();
    let mut assets = Vec::new();
    for (_, files, items) in done {
        results.extend(items);
        assets.extend(files.into_iter().filter(|(_, rel)| is_asset(rel)));
    }
    let (pages, providers) = collect_items(results, diags);
    (pages, providers, assets)
}

/// Read and parse one file under `content/` (`rel` is its path there),
/// with the problems found in it.
pub fn load_file(
    root: &Path,
    path: &Path,
    rel: &str,
    opts: &LoadOptions,
) -> (Item, Vec<Diagnostic>) {
    let mut ds = Vec::new();
    let item = if rel.ends_with(".md") || is_provider_file(rel) {
        match read_source(root, path) {
            Ok(src) => parse_item(src, rel, opts, &mut ds),
            Err(d) => {
                ds.push(d);
                Item::Skip
            }
        }
    } else {
        Item::Skip
    };
    (item, ds)
}

/// Whether a file under `content/` is an asset (image, PDF...) rather than a
/// page or a provider file.
pub fn is_asset(rel: &str) -> bool {
    !(rel.ends_with(".md") || rel.starts_with("providers/") && rel.ends_with(".toml"))
}

/// Load a site from text in memory rather than from disk (for tests and
/// fuzzing): the text of `site.toml` and (path under `content/`, text) pairs.
/// Returns what could be loaded and every problem found, like [`load`].
pub fn load_memory(
    config: &str,
    files: &[(&str, &str)],
    opts: &LoadOptions,
) -> (Option<Loaded>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let config_src = SourceFile::new("site.toml", config);
    let config = match Config::parse(&config_src) {
        Ok(c) => Some(c),
        Err(ds) => {
            diags.extend(ds);
            None
        }
    };
    let results = files
        .iter()
        .map(|(rel, text)| {
            let mut ds = Vec::new();
            let src = SourceFile::new(format!("content/{rel}"), *text);
            (parse_item(src, rel, opts, &mut ds), ds)
        })
        .collect();
    let (pages, providers) = collect_items(results, &mut diags);
    let loaded = config.map(|config| Loaded {
        root: PathBuf::new(),
        config,
        config_src,
        pages,
        providers,
        content_assets: Vec::new(),
    });
    (loaded, diags)
}

/// Read a file as UTF-8 text, dropping a byte-order mark. The path in the
/// result is relative to `root`.
pub fn read_source(root: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let shown = display_path(root, path);
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::file(
            Severity::Error,
            "unreadable",
            &shown,
            format!("cannot read this file: {e}"),
        )
        .with_hint("check that it exists and that you have permission to read it")
    })?;
    decode_source(shown, bytes)
}

/// Turn a file's bytes into text: UTF-8 only, a byte-order mark dropped.
/// Anything else is an error naming the file and where the first bad byte is.
pub fn decode_source(shown: String, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(SourceFile::new(shown, s))
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let (line, col) = crate::diagnostics::line_col(&text, valid);
            let mut d = Diagnostic::file(
                Severity::Error,
                "not-utf8",
                &shown,
                format!(
                    "this file is not UTF-8 text (bad byte 0x{:02x})",
                    bytes[valid]
                ),
            )
            .with_hint(
                "save the file as UTF-8 (in most editors: Save As, then choose the UTF-8 encoding)",
            );
            d.line = line;
            d.col = col;
            Err(d)
        }
    }
}

/// A path shown to editors: relative to the site root, with `/`.
pub fn display_path(root: &Path, path: &Path) -> String {
    let p = path.strip_prefix(root).unwrap_or(path);
    slashed(&p.to_string_lossy())
}

/// A path with `/` between its parts. Only on Windows is `\\` a separator;
/// elsewhere it is part of a name (and is shown as it is).
pub fn slashed(p: &str) -> String {
    if cfg!(windows) {
        p.replace('\\', "/")
    } else {
        p.to_string()
    }
}

/// Parse one markdown page from its text. `rel` is its path under `content/`.
pub fn parse_page(src: SourceFile, rel: &str, diags: &mut Vec<Diagnostic>) -> Option<Page> {
    use frontmatter::SplitError;
    let split = match frontmatter::split(&src.text) {
        Ok(s) => s,
        Err(SplitError::Missing) => {
            diags.push(
                Diagnostic::error_at("no-front-matter", &src, 0..0, "this page has no front matter")
                    .with_hint("start the file with a line `+++`, then `title = \"...\"` and the other fields, then another `+++` line"),
            );
            return None;
        }
        Err(SplitError::Unclosed) => {
            diags.push(
                Diagnostic::error_at(
                    "unclosed-front-matter",
                    &src,
                    0..3,
                    "the front matter is never closed",
                )
                .with_hint("add a line with just `+++` after the last front matter field"),
            );
            return None;
        }
    };
    let fm: FrontMatter = match toml::from_str(&src.text[split.front.clone()]) {
        Ok(fm) => fm,
        Err(e) => {
            diags.push(from_toml_error(
                &src,
                split.front.start,
                &e,
                "the front matter",
            ));
            return None;
        }
    };
    let kind = page_kind(rel);
    let stem = rel
        .rsplit('/')
        .next()
        .unwrap_or(rel)
        .trim_end_matches(".md");
    let id = if stem == "_index" {
        rel.trim_end_matches("_index.md")
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string()
    } else {
        stem.to_string()
    };
    let page = Page {
        src,
        rel: rel.to_string(),
        kind,
        id,
        fm,
        fm_offset: split.front.start,
        body_offset: split.body,
        path: String::new(),
        parent: None,
    };
    if page
        .fm
        .title
        .as_ref()
        .is_none_or(|t| t.get_ref().trim().is_empty())
    {
        let span = page
            .fm
            .title
            .as_ref()
            .map(|t| page.fm_span(t))
            .unwrap_or(0..3);
        diags.push(
            Diagnostic::error_at("missing-title", &page.src, span, "this page has no title")
                .with_hint("add `title = \"...\"` to the front matter"),
        );
    }
    Some(page)
}

/// What a file under `content/` is, from where it sits.
pub fn page_kind(rel: &str) -> PageKind {
    if rel == "_index.md" {
        PageKind::Home
    } else if rel.ends_with("/_index.md") {
        PageKind::Section
    } else if rel.starts_with("services/") && !rel[9..].contains('/') {
        PageKind::Service
    } else if rel.starts_with("conditions/") && !rel[11..].contains('/') {
        PageKind::Condition
    } else {
        PageKind::Article
    }
}

/// Parse one provider file. `rel` is its path under `content/`.
pub fn parse_provider(src: SourceFile, rel: &str, diags: &mut Vec<Diagnostic>) -> Option<Provider> {
    let id = rel
        .trim_start_matches("providers/")
        .trim_end_matches(".toml")
        .to_string();
    let data: ProviderData = match toml::from_str(&src.text) {
        Ok(d) => d,
        Err(e) => {
            diags.push(from_toml_error(&src, 0, &e, "this provider file"));
            return None;
        }
    };
    if data
        .name
        .as_ref()
        .is_none_or(|n| n.get_ref().trim().is_empty())
    {
        diags.push(
            Diagnostic::error_at("missing-name", &src, 0..0, "this provider has no name")
                .with_hint("add `name = \"...\"` at the top of the file"),
        );
    }
    Some(Provider { src, id, data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_read_while_the_walk_goes_on_come_out_in_walk_order() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(root.join("site.toml"), crate::check::testutil::SITE).unwrap();
        // Several batches' worth of pages, assets and broken pages, in
        // folders, named so that file-name order is not creation order.
        let mut made = 0;
        for k in (0..3 * BATCH + 7).rev() {
            let dir = root.join(format!("content/s{}", k % 5));
            std::fs::create_dir_all(&dir).unwrap();
            let text = if k % 17 == 0 {
                "no front matter".to_string()
            } else {
                format!("+++\ntitle = \"P{k}\"\n+++\nText.")
            };
            std::fs::write(dir.join(format!("p{k:03}.md")), text).unwrap();
            std::fs::write(dir.join(format!("f{k:03}.pdf")), "pdf").unwrap();
            made += 1;
        }
        let (loaded, diags) = load(root, &LoadOptions::default());
        let loaded = loaded.unwrap();
        let walked = walk::walk(root, &root.join("content"));
        let assets: Vec<&str> = walked
            .files
            .iter()
            .filter(|(_, rel)| is_asset(rel))
            .map(|(_, rel)| rel.as_str())
            .collect();
        let got: Vec<&str> = loaded
            .content_assets
            .iter()
            .map(|(_, r)| r.as_str())
            .collect();
        assert_eq!(got, assets);
        assert_eq!(got.len(), made);
        let rels: Vec<&str> = loaded.pages.iter().map(|p| p.rel.as_str()).collect();
        let mut sorted = rels.clone();
        sorted.sort();
        assert_eq!(rels, sorted);
        let broken = (0..3 * BATCH + 7).filter(|k| k % 17 == 0).count();
        assert_eq!(rels.len(), made - broken);
        // The broken pages' errors, in walk order.
        let paths: Vec<&str> = diags.items.iter().map(|d| d.path.as_str()).collect();
        let want: Vec<String> = walked
            .files
            .iter()
            .filter(|(_, rel)| rel.ends_with(".md"))
            .filter(|(_, rel)| !rels.contains(&rel.as_str()))
            .map(|(_, rel)| format!("content/{rel}"))
            .collect();
        assert_eq!(paths, want);
    }
}
