//! Internal links, checked where they end up: in the rendered HTML of every
//! page, whatever made them (markdown, templates or data). Every internal
//! `href`, `src`, `srcset`, `action` and `poster` must point at a file the
//! build publishes, and every `#fragment` at an `id` on the target page.
//! Broken links are traced back to the markdown or data file (and line)
//! that made them and are errors there, with the nearest valid target as a
//! hint. Links the theme's templates make are reported once per target, as
//! warnings (errors under `--strict`): an editor cannot fix them in content.
//!
//! The HTML is carehub's own output (templates escape attribute values and
//! markdown HTML is generated or sanitised), so a small tag scanner is
//! enough: it reads tags and their attributes, skips comments and the text
//! of `script`, `style`, `textarea` and `title`, and never panics on
//! malformed input.

use crate::diagnostics::{Diagnostic, Severity, nearest};
use crate::render::{Output, OutputSink, RenderResult, output_path};
use crate::resolve::Site;
use memchr::{memchr, memmem};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// Links between pages made by their markdown, for the editorial report.
#[derive(Debug, Clone, Default)]
pub struct LinkStats {
    /// By page: how many other pages link to it.
    pub links_in: Vec<usize>,
    /// By page: how many distinct pages and providers it links to.
    pub links_out: Vec<usize>,
}

/// The ids and internal-link candidates of one HTML file.
#[derive(Debug, Default)]
pub struct Scan<'a> {
    pub ids: HashSet<Cow<'a, str>>,
    /// Attribute values that hold URLs, as written (entities not decoded).
    pub links: Vec<Cow<'a, str>>,
}

impl Scan<'_> {
    /// The scan with its own copies of the text, without repeated links and
    /// without links that leave the site (absolute URLs not under `base_url`),
    /// so that it can outlive the HTML it was read from.
    pub fn into_owned(self, base_url: &str) -> Scan<'static> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut links = Vec::new();
        for l in &self.links {
            let l: &str = l.as_ref();
            if seen.insert(l) && !leaves_site(l, base_url) {
                links.push(Cow::Owned(l.to_string()));
            }
        }
        Scan {
            ids: self
                .ids
                .into_iter()
                .map(|i| Cow::Owned(i.into_owned()))
                .collect(),
            links,
        }
    }
}

/// An absolute URL elsewhere, or a `mailto:`/`tel:` link: never a file of this site.
fn leaves_site(url: &str, base_url: &str) -> bool {
    let u = url.trim();
    !u.starts_with(base_url)
        && (u.starts_with("https://")
            || u.starts_with("http://")
            || u.starts_with("mailto:")
            || u.starts_with("tel:"))
}

/// Every published file: its path and, for an HTML file, its [`Scan`].
/// Made from the outputs in memory ([`Published::from_outputs`]) or, when a
/// build streams its files to disk, by a [`ScanSink`] as they pass.
pub struct Published<'a> {
    pub paths: Vec<&'a str>,
    pub scans: Vec<Option<Scan<'a>>>,
}

impl<'a> Published<'a> {
    pub fn from_outputs(outputs: &'a [Output]) -> Self {
        Published {
            paths: outputs.iter().map(|o| o.path.as_str()).collect(),
            scans: outputs.par_iter().map(scan_output).collect(),
        }
    }
}

fn scan_output(o: &Output) -> Option<Scan<'_>> {
    if !o.path.ends_with(".html") {
        return None;
    }
    std::str::from_utf8(&o.bytes).ok().map(scan)
}

/// An output sink that scans each file for the link check as it passes on
/// to `inner`, keeping only the scan, so a streamed build can check links
/// without holding the site in memory.
pub struct ScanSink<'s> {
    inner: &'s dyn OutputSink,
    base_url: String,
    found: Mutex<Vec<(String, Option<Scan<'static>>)>>,
}

impl<'s> ScanSink<'s> {
    pub fn new(inner: &'s dyn OutputSink, base_url: &str) -> Self {
        ScanSink {
            inner,
            base_url: base_url.to_string(),
            found: Mutex::new(Vec::new()),
        }
    }

    /// The paths and scans of every file that passed, by path.
    pub fn into_found(self) -> (Vec<String>, Vec<Option<Scan<'static>>>) {
        let mut found = self.found.into_inner().unwrap_or_else(|p| p.into_inner());
        // By path; where a path was written twice the later file (a static
        // file replacing a generated one) is the one on disk.
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.reverse();
        found.dedup_by(|later, kept| later.0 == kept.0);
        found.reverse();
        found.into_iter().unzip()
    }
}

impl OutputSink for ScanSink<'_> {
    fn put(&self, output: Output) {
        let scanned = scan_output(&output).map(|s| s.into_owned(&self.base_url));
        let path = output.path.clone();
        self.inner.put(output);
        self.found
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((path, scanned));
    }
}

/// Read the tags of an HTML document, collecting `id`s (and `name`s of
/// `a` elements) and URL attributes.
pub fn scan(html: &str) -> Scan<'_> {
    let b = html.as_bytes();
    let len = b.len();
    let mut out = Scan::default();
    let mut i = 0;
    while let Some(off) = memchr(b'<', &b[i..]) {
        i += off + 1;
        match b.get(i) {
            Some(b'!') => {
                i = if b[i..].starts_with(b"!--") {
                    memmem::find(&b[i + 3..], b"-->").map_or(len, |k| i + 3 + k + 3)
                } else {
                    memchr(b'>', &b[i..]).map_or(len, |k| i + k + 1)
                };
                continue;
            }
            Some(b'/') | Some(b'?') => {
                i = memchr(b'>', &b[i..]).map_or(len, |k| i + k + 1);
                continue;
            }
            Some(c) if c.is_ascii_alphabetic() => {}
            _ => continue,
        }
        let name_start = i;
        while i < len && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
            i += 1;
        }
        let name = &html[name_start..i];
        // Attributes, up to the end of the tag.
        loop {
            while i < len && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= len {
                break;
            }
            match b[i] {
                b'>' => {
                    i += 1;
                    break;
                }
                b'/' | b'=' | b'"' | b'\'' | b'<' => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let an_start = i;
            while i < len && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let attr = &html[an_start..i];
            while i < len && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < len && b[i] == b'=' {
                i += 1;
                while i < len && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                let value = if i < len && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    let vs = i + 1;
                    let ve = memchr(q, &b[vs..]).map_or(len, |k| vs + k);
                    i = (ve + 1).min(len);
                    &html[vs..ve]
                } else {
                    let vs = i;
                    while i < len && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    &html[vs..i]
                };
                record(&mut out, name, attr, value);
            }
        }
        // Raw text: skip to the closing tag.
        if ["script", "style", "textarea", "title"]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(name))
        {
            let close = format!("</{}", name.to_ascii_lowercase());
            let finder = memmem::Finder::new(close.as_bytes());
            let lower_hit = finder.find(&b[i..]);
            let upper = close.to_ascii_uppercase();
            i = match lower_hit.or_else(|| memmem::find(&b[i..], upper.as_bytes())) {
                Some(k) => i + k,
                None => len,
            };
        }
    }
    out
}

fn record<'a>(out: &mut Scan<'a>, tag: &str, attr: &str, value: &'a str) {
    let is = |n: &str| attr.eq_ignore_ascii_case(n);
    if is("id") || (is("name") && tag.eq_ignore_ascii_case("a")) {
        out.ids.insert(decode_entities(value));
    } else if is("href") || is("src") || is("action") || is("poster") {
        out.links.push(Cow::Borrowed(value));
    } else if is("srcset") {
        for cand in value.split(',') {
            if let Some(url) = cand.split_whitespace().next() {
                out.links.push(Cow::Borrowed(url));
            }
        }
    }
}

/// Decode the character references of an attribute value.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let ch = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Decode `%XX` escapes (invalid UTF-8 is replaced, never a panic).
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = b.get(i + 1..i + 3)
            && h.iter().all(u8::is_ascii_hexdigit)
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Where a URL in a page points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    /// A path inside the site (relative to the site root, no leading `/`,
    /// decoded), and a fragment if any.
    Internal {
        path: String,
        fragment: Option<String>,
    },
    /// An internal-looking path that leaves the site (above its base path).
    Outside,
    /// Another site, or a scheme such as `mailto:` or `tel:`.
    External,
}

/// Classify a URL (entities already decoded) found on a page whose
/// directory is `page_dir` (site-relative, ending in `/` or empty).
pub fn classify(url: &str, page_dir: &str, base_url: &str, base_path: &str) -> Dest {
    let url = url.trim();
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(percent_decode(f).into_owned())),
        None => (url, None),
    };
    let rest = rest.split('?').next().unwrap_or("");
    let path: Cow<str> = if let Some(r) = rest.strip_prefix(base_url) {
        Cow::Borrowed(r)
    } else if rest.starts_with("//") {
        return if format!("https:{rest}").starts_with(base_url)
            || format!("http:{rest}").starts_with(base_url)
        {
            classify(&format!("https:{url}"), page_dir, base_url, base_path)
        } else {
            Dest::External
        };
    } else if has_scheme(rest) {
        // Our own address without the trailing slash is the home page.
        return if format!("{rest}/") == base_url {
            Dest::Internal {
                path: String::new(),
                fragment,
            }
        } else {
            Dest::External
        };
    } else if let Some(abs) = rest.strip_prefix('/') {
        match format!("/{abs}").strip_prefix(base_path) {
            Some(r) => Cow::Owned(r.to_string()),
            None if format!("/{abs}/") == base_path => Cow::Borrowed(""),
            None => return Dest::Outside,
        }
    } else if rest.is_empty() {
        Cow::Borrowed(page_dir)
    } else {
        Cow::Owned(format!("{page_dir}{rest}"))
    };
    let decoded = percent_decode(&path);
    match normalise(&decoded) {
        Some(path) => Dest::Internal { path, fragment },
        None => Dest::Outside,
    }
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) => {
            let scheme = &s[..i];
            !scheme.is_empty()
                && !scheme.contains(['/', '?', '#'])
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Resolve `.` and `..` segments; `None` when `..` climbs above the root.
fn normalise(path: &str) -> Option<String> {
    if !path.contains("./")
        && !path.ends_with("/.")
        && !path.ends_with("/..")
        && path != "."
        && path != ".."
        && !path.contains("//")
    {
        return Some(path.to_string());
    }
    let trailing = path.ends_with('/')
        || path.ends_with("/.")
        || path.ends_with("/..")
        || path == "."
        || path == "..";
    let mut segs: Vec<&str> = Vec::new();
    for s in path.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop()?;
            }
            s => segs.push(s),
        }
    }
    let mut out = segs.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// What made an output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Origin {
    Page(usize),
    Provider(usize),
    Generated,
}

/// The directory (site-relative) an output file is served from.
fn dir_of(out_path: &str) -> &str {
    match out_path.rfind('/') {
        Some(i) => &out_path[..=i],
        None => "",
    }
}

/// A link that goes nowhere.
#[derive(Debug, Clone)]
struct Broken {
    /// Output file holding the link.
    from: usize,
    /// The attribute value as written.
    raw: String,
    problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Problem {
    NoFile(String),
    NoAnchor { target: usize, fragment: String },
    Outside,
}

/// The published files, looked up by any path that serves them:
/// `a/b/index.html`, `a/b/` and `a/b` all find the same file.
struct Files<'a> {
    by_path: HashMap<Cow<'a, str>, usize>,
}

impl<'a> Files<'a> {
    fn new(paths: &[&'a str]) -> Self {
        let mut by_path = HashMap::with_capacity(paths.len() * 3);
        for (i, &p) in paths.iter().enumerate() {
            by_path.insert(Cow::Borrowed(p), i);
            if p == "index.html" {
                by_path.insert(Cow::Borrowed(""), i);
            } else if let Some(dir) = p.strip_suffix("/index.html") {
                by_path.entry(Cow::Owned(format!("{dir}/"))).or_insert(i);
                by_path.entry(Cow::Borrowed(dir)).or_insert(i);
            }
        }
        Files { by_path }
    }

    fn get(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }
}

/// Check every internal link of every HTML file; add diagnostics and
/// return the markdown link graph.
pub fn check(site: &Site, render: &RenderResult, diags: &mut Vec<Diagnostic>) -> LinkStats {
    check_published(
        site,
        render,
        &Published::from_outputs(&render.outputs),
        diags,
    )
}

/// [`check`] the files described by `published`.
pub fn check_published(
    site: &Site,
    render: &RenderResult,
    published: &Published,
    diags: &mut Vec<Diagnostic>,
) -> LinkStats {
    let paths = &published.paths;
    let files = Files::new(paths);
    let base_url = site.config.base_url.as_str();
    let base_path = site.config.base_path();

    let mut origin = vec![Origin::Generated; paths.len()];
    for (i, p) in site.pages.iter().enumerate() {
        if let Some(o) = files.get(&output_path(&p.path)) {
            origin[o] = Origin::Page(i);
        }
    }
    for (i, p) in site.providers.iter().enumerate() {
        if let Some(o) = files.get(&output_path(&p.path())) {
            origin[o] = Origin::Provider(i);
        }
    }

    let scans = &published.scans;

    let broken: Vec<Broken> = scans
        .par_iter()
        .enumerate()
        .flat_map_iter(|(from, s)| {
            let mut found = Vec::new();
            let Some(s) = s else { return found };
            let dir = dir_of(paths[from]);
            let mut seen: HashSet<&str> = HashSet::new();
            for raw in s.links.iter().map(|l| l.as_ref()) {
                if !seen.insert(raw) {
                    continue;
                }
                let url = decode_entities(raw);
                let problem = match classify(&url, dir, base_url, &base_path) {
                    Dest::External => continue,
                    Dest::Outside => Problem::Outside,
                    Dest::Internal { path, fragment } => match files.get(&path) {
                        None => Problem::NoFile(path),
                        Some(t) => match (fragment, scans.get(t).and_then(|x| x.as_ref())) {
                            (Some(f), Some(ts))
                                if !f.is_empty() && !ts.ids.contains(f.as_str()) =>
                            {
                                Problem::NoAnchor {
                                    target: t,
                                    fragment: f,
                                }
                            }
                            _ => continue,
                        },
                    },
                };
                found.push(Broken {
                    from,
                    raw: raw.to_string(),
                    problem,
                });
            }
            found
        })
        .collect();

    report(
        site, render, published, &files, &origin, &base_path, broken, diags,
    );
    stats(site, render, &files, &origin, base_url, &base_path)
}

/// Turn broken links into diagnostics: errors at the markdown or data that
/// made them, or (for links the theme or generated pages make) one warning
/// per target.
#[allow(clippy::too_many_arguments)]
fn report(
    site: &Site,
    render: &RenderResult,
    published: &Published,
    files: &Files,
    origin: &[Origin],
    base_path: &str,
    broken: Vec<Broken>,
    diags: &mut Vec<Diagnostic>,
) {
    let paths = &published.paths;
    let scans = &published.scans;
    let mut hints = Hints::new(site, render, paths, base_path);
    let mut grouped: Vec<(Problem, String, Vec<usize>)> = Vec::new();
    for b in broken {
        let (message, code) = describe(site, paths, base_path, &b);
        let hint = hints.hint(&b.problem, scans, files);
        let located = match origin[b.from] {
            Origin::Page(i) => locate_in_page(site, render, i, &b.raw).map(|span| {
                Diagnostic::at(
                    Severity::Error,
                    code,
                    &site.pages[i].src,
                    span,
                    message.clone(),
                )
            }),
            Origin::Provider(i) => {
                let src = &site.providers[i].src;
                find_span(&src.text, 0, &b.raw)
                    .map(|span| Diagnostic::at(Severity::Error, code, src, span, message.clone()))
            }
            Origin::Generated => None,
        };
        match located {
            Some(d) => diags.push(d.with_hint(hint)),
            None => match grouped
                .iter_mut()
                .find(|g| g.0 == b.problem && g.1 == b.raw)
            {
                Some(g) => g.2.push(b.from),
                None => grouped.push((b.problem.clone(), b.raw.clone(), vec![b.from])),
            },
        }
    }
    for (problem, raw, froms) in grouped {
        let first = froms[0];
        let b = Broken {
            from: first,
            raw,
            problem,
        };
        let (message, code) = describe(site, paths, base_path, &b);
        let examples: Vec<&str> = froms.iter().take(3).map(|&f| paths[f]).collect();
        let pages = if froms.len() == 1 {
            format!("on {}", examples[0])
        } else {
            format!("on {} pages, e.g. {}", froms.len(), examples.join(", "))
        };
        // Not the markdown's fault: name the data file, or else the theme.
        let path = match origin[first] {
            Origin::Provider(i) => site.providers[i].src.path.clone(),
            Origin::Page(_) | Origin::Generated => "theme".to_string(),
        };
        let hint = hints.hint(&b.problem, scans, files);
        // An editor cannot fix these in content: a warning (an error
        // under --strict), so an optional page the theme links to does not
        // stop every build.
        diags.push(
            Diagnostic::file(
                Severity::Warning,
                code,
                path,
                format!("{message} (made by the theme's templates or the site's data, {pages})"),
            )
            .with_hint(hint),
        );
    }
}

/// The message and code for a broken link.
fn describe(site: &Site, paths: &[&str], base_path: &str, b: &Broken) -> (String, &'static str) {
    let raw = decode_entities(&b.raw);
    match &b.problem {
        Problem::NoFile(path) => (
            format!("the link `{raw}` goes nowhere: nothing is published at {base_path}{path}"),
            "broken-link",
        ),
        Problem::NoAnchor { fragment, .. } if raw.starts_with('#') => (
            format!(
                "the link `{raw}` goes nowhere: this page has no element with the id `{fragment}`"
            ),
            "broken-anchor",
        ),
        Problem::NoAnchor { target, fragment } => {
            let what = paths[*target];
            let what = site
                .pages
                .iter()
                .find(|p| output_path(&p.path) == what)
                .map(|p| p.src.path.as_str())
                .unwrap_or(what);
            (
                format!(
                    "the link `{raw}` points at `#{fragment}`, but {what} has no element with that id"
                ),
                "broken-anchor",
            )
        }
        Problem::Outside => (
            format!("the link `{raw}` points outside the site (its pages are under {base_path})"),
            "link-outside-site",
        ),
    }
}

/// Nearest-target hints, computed lazily (they compare against every page).
struct Hints<'a> {
    site: &'a Site,
    render: &'a RenderResult,
    paths: &'a [&'a str],
    base_path: &'a str,
    /// Published paths, and the source file behind each, if any.
    targets: Option<Vec<(String, Option<String>)>>,
    given: usize,
}

/// Nearest-target searches are capped so a site with thousands of broken
/// links still checks quickly; the rest get the general hint.
const MAX_NEAREST: usize = 200;

impl<'a> Hints<'a> {
    fn new(
        site: &'a Site,
        render: &'a RenderResult,
        paths: &'a [&'a str],
        base_path: &'a str,
    ) -> Self {
        Hints {
            site,
            render,
            paths,
            base_path,
            targets: None,
            given: 0,
        }
    }

    fn hint(&mut self, problem: &Problem, scans: &[Option<Scan>], files: &Files) -> String {
        self.given += 1;
        let capped = self.given > MAX_NEAREST;
        match problem {
            Problem::NoFile(path) => {
                let general = "link to pages by their source file, e.g. [Getting care](@/accessing-care.md), so carehub can check and update the link".to_string();
                if capped {
                    return general;
                }
                let site = self.site;
                let targets = self.targets.get_or_insert_with(|| {
                    let mut t: Vec<(String, Option<String>)> = self
                        .paths
                        .iter()
                        .map(|&o| {
                            let p = o.strip_suffix("index.html").unwrap_or(o).to_string();
                            (p, None)
                        })
                        .collect();
                    for p in &site.pages {
                        if let Some(i) = files.get(&output_path(&p.path)) {
                            t[i].1 = Some(p.rel.clone());
                        }
                    }
                    t
                });
                let near = nearest(
                    path,
                    targets
                        .iter()
                        .map(|t| t.0.as_str())
                        .filter(|t| !t.is_empty()),
                );
                if near.is_empty() {
                    return general;
                }
                let shown: Vec<String> = near
                    .iter()
                    .map(|n| {
                        match targets
                            .iter()
                            .find(|t| t.0 == *n)
                            .and_then(|t| t.1.as_ref())
                        {
                            Some(rel) => format!("{}{n} (write @/{rel})", self.base_path),
                            None => format!("{}{n}", self.base_path),
                        }
                    })
                    .collect();
                format!("did you mean {}?", shown.join(" or "))
            }
            Problem::NoAnchor { target, fragment } => {
                let ids: Vec<&str> = scans
                    .get(*target)
                    .and_then(|s| s.as_ref())
                    .map(|s| {
                        let mut v: Vec<&str> = s.ids.iter().map(|c| c.as_ref()).collect();
                        v.sort();
                        v
                    })
                    .unwrap_or_default();
                let near = if capped {
                    Vec::new()
                } else {
                    nearest(fragment, ids.iter().copied())
                };
                if !near.is_empty() {
                    return format!(
                        "did you mean {}?",
                        near.iter()
                            .map(|n| format!("#{n}"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    );
                }
                let page = self
                    .site
                    .pages
                    .iter()
                    .enumerate()
                    .find(|(_, p)| files.get(&output_path(&p.path)) == Some(*target));
                match page.and_then(|(i, _)| self.render.rendered.get(i)) {
                    Some(r) if !r.heading_ids.is_empty() => format!(
                        "the headings there are: {}",
                        r.heading_ids
                            .iter()
                            .map(|h| format!("#{h}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    _ => "link to a heading that exists, or leave out the #fragment".into(),
                }
            }
            Problem::Outside => format!(
                "link to pages by their source file (@/file.md) or by a path under {}",
                self.base_path
            ),
        }
    }
}

/// Where in a page's source a link came from: its markdown link, or the
/// raw HTML in the markdown that holds it.
fn locate_in_page(
    site: &Site,
    render: &RenderResult,
    i: usize,
    raw: &str,
) -> Option<std::ops::Range<usize>> {
    let decoded = decode_entities(raw);
    let want = percent_decode(&decoded);
    if let Some(r) = render.rendered.get(i)
        && let Some(ls) = r
            .link_sources
            .iter()
            .find(|ls| percent_decode(&ls.url) == want)
    {
        return Some(ls.span.clone());
    }
    let p = &site.pages[i];
    find_span(&p.src.text, p.body_offset, raw)
        .or_else(|| find_span(&p.src.text, p.body_offset, &decoded))
}

/// The span of an attribute value `value` in `text` (after `from`), quoted
/// as HTML or TOML would have it.
fn find_span(text: &str, from: usize, value: &str) -> Option<std::ops::Range<usize>> {
    if value.is_empty() {
        return None;
    }
    let hay = text.get(from..)?;
    for q in ["\"", "'", "(", "<"] {
        let needle = format!("{q}{value}");
        if let Some(k) = hay.find(&needle) {
            let s = from + k + q.len();
            return Some(s..s + value.len());
        }
    }
    None
}

/// Count the links each page's markdown makes to other pages and providers.
fn stats(
    site: &Site,
    render: &RenderResult,
    files: &Files,
    origin: &[Origin],
    base_url: &str,
    base_path: &str,
) -> LinkStats {
    let n = site.pages.len();
    let mut links_in = vec![0usize; n];
    let mut links_out = vec![0usize; n];
    for (i, p) in site.pages.iter().enumerate() {
        let Some(r) = render.rendered.get(i) else {
            continue;
        };
        let dir = p.path.as_str();
        let mut targets: HashSet<Origin> = HashSet::new();
        for ls in &r.link_sources {
            if let Dest::Internal { path, .. } = classify(&ls.url, dir, base_url, base_path)
                && let Some(o) = files.get(&path)
                && origin[o] != Origin::Page(i)
                && origin[o] != Origin::Generated
            {
                targets.insert(origin[o]);
            }
        }
        links_out[i] = targets.len();
        for t in targets {
            if let Origin::Page(j) = t {
                links_in[j] += 1;
            }
        }
    }
    LinkStats {
        links_in,
        links_out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanner_reads_ids_and_urls_but_not_text_or_scripts() {
        let html = r#"<!DOCTYPE html><html><head><title>a <a href="/no/"></title>
<script type="application/ld+json">{"url": "<a href=\"/nope/\">"}</script>
<link rel=stylesheet href=/assets/x.css></head>
<body><!-- <a href="/commented/"> --><p id="top">Write href="/text/" in text &lt;a href="/esc/"&gt;</p>
<a href="/a/?q=1&amp;r=2#frag" class='x'>A</a><a name="old"></a><img src="i.png" srcset="i.png 1x, i2.png 2x" alt="">
<form action="/search/"><input id="q" disabled></form><a href='x' id=unq>x</a><broken <p"></body></html>"#;
        let s = scan(html);
        assert_eq!(
            s.links,
            [
                "/assets/x.css",
                "/a/?q=1&amp;r=2#frag",
                "i.png",
                "i.png",
                "i2.png",
                "/search/",
                "x"
            ]
        );
        let mut ids: Vec<&str> = s.ids.iter().map(|c| c.as_ref()).collect();
        ids.sort();
        assert_eq!(ids, ["old", "q", "top", "unq"]);
    }

    #[test]
    fn scanner_survives_truncated_and_hostile_html() {
        for h in [
            "<",
            "<a",
            "<a href",
            "<a href=",
            "<a href=\"",
            "<!--",
            "<script>",
            "<a =x>",
            "<<<>>>",
            "<é é=\"é\">",
        ] {
            let _ = scan(h);
        }
    }

    #[test]
    fn entities_and_percent_escapes() {
        assert_eq!(
            decode_entities("a&amp;b&#39;c&#x27;&bogus;&"),
            "a&b'c'&bogus;&"
        );
        assert_eq!(percent_decode("caf%C3%A9%20x%2"), "café x%2");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
    }

    #[test]
    fn classify_urls() {
        let c = |u: &str| classify(u, "services/respite/", "https://h.org/hub/", "/hub/");
        let int = |p: &str, f: Option<&str>| Dest::Internal {
            path: p.into(),
            fragment: f.map(String::from),
        };
        assert_eq!(c("/hub/faq/#x"), int("faq/", Some("x")));
        assert_eq!(c("/hub"), int("", None));
        assert_eq!(c("https://h.org/hub/a/"), int("a/", None));
        assert_eq!(c("https://h.org/hub"), int("", None));
        assert_eq!(c("//h.org/hub/b/"), int("b/", None));
        assert_eq!(c("#top"), int("services/respite/", Some("top")));
        assert_eq!(c(""), int("services/respite/", None));
        assert_eq!(c("../day/?x=1"), int("services/day/", None));
        assert_eq!(c("./x.png"), int("services/respite/x.png", None));
        assert_eq!(c("../../../../x"), Dest::Outside);
        assert_eq!(c("/other/"), Dest::Outside);
        assert_eq!(c("mailto:a@b.org"), Dest::External);
        assert_eq!(c("tel:+441234"), Dest::External);
        assert_eq!(c("https://www.nhs.uk/"), Dest::External);
        assert_eq!(c("//cdn.example/x.js"), Dest::External);
        assert_eq!(c("/hub/caf%C3%A9/"), int("café/", None));
    }

    #[test]
    fn broken_links_point_at_their_markdown_with_nearest_targets() {
        use crate::check::testutil::{compile_files, page};
        let body = "See [respite](../respite-care/), [oops](/respit-care/), [anchor](@/b.md#sub) and\n[bad anchor](@/b.md#sbu) and [same](#nowhere).\n\n<a href=\"/raw-html/\">raw</a>";
        let (_t, c) = compile_files(&[
            ("content/a.md", &page("A", "", body)),
            ("content/b.md", &page("B", "", "## Sub\n\nText.")),
            ("content/respite-care.md", &page("Respite", "", "Text.")),
        ]);
        let mut diags = Vec::new();
        let stats = check(&c.site, &c.render, &mut diags);
        let mine: Vec<&Diagnostic> = diags.iter().filter(|d| d.path == "content/a.md").collect();
        let got: Vec<(&str, usize)> = mine.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(got.len(), 4, "{mine:#?}");
        assert!(got.contains(&("broken-link", 12)));
        assert!(got.contains(&("broken-anchor", 13)));
        let oops = mine
            .iter()
            .find(|d| d.message.contains("/respit-care/"))
            .unwrap();
        assert!(
            oops.hint
                .as_deref()
                .unwrap()
                .contains("/respite-care/ (write @/respite-care.md)"),
            "{:?}",
            oops.hint
        );
        let anchor = mine.iter().find(|d| d.message.contains("#sbu")).unwrap();
        assert!(
            anchor.hint.as_deref().unwrap().contains("#sub"),
            "{:?}",
            anchor.hint
        );
        assert!(mine.iter().any(|d| d.message.contains("#nowhere")));
        assert!(
            mine.iter()
                .any(|d| d.message.contains("/raw-html/") && d.line == 15),
            "{mine:#?}"
        );
        let a = c.site.by_rel["a.md"];
        let b = c.site.by_rel["b.md"];
        assert_eq!(stats.links_out[a], 2, "b and respite-care");
        assert_eq!(stats.links_in[b], 1);
    }
}
