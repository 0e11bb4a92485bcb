//! Check: the editor's safety net. Runs after render on every build, check
//! and serve: internal links and anchors in the rendered HTML, review dates,
//! reading age, evidence, provider freshness and plain language. Every check
//! takes "today" as a parameter so results are reproducible.

pub mod evidence;
pub mod freshness;
pub mod links;
pub mod plain_language;
pub mod readability;
pub mod report;
pub mod review;

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{Date, PageKind};
use crate::render::RenderResult;
use crate::render::markdown::Rendered;
use crate::resolve::Site;
use serde::Serialize;

/// The environment variable that overrides today's date (`2026-11-22`),
/// for reproducible runs and tests.
pub const TODAY_VAR: &str = "CAREHUB_TODAY";

/// Today's date, or the date in `CAREHUB_TODAY` when it is set.
pub fn today() -> Result<Date, Diagnostic> {
    match std::env::var(TODAY_VAR) {
        Ok(v) if !v.trim().is_empty() => Date::parse(&v).ok_or_else(|| {
            Diagnostic::file(
                Severity::Error,
                "bad-today",
                TODAY_VAR,
                format!("{TODAY_VAR} is set to `{v}`, which is not a date"),
            )
            .with_hint(format!(
                "write it as YYYY-MM-DD (e.g. {TODAY_VAR}=2026-11-22), or unset it to use today's date"
            ))
        }),
        _ => Ok(Date::today()),
    }
}

/// What the checks found: diagnostics, plus the facts behind the
/// editorial report.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
    /// The date the checks were run against.
    pub today: Date,
    /// One row per markdown page, in site order.
    pub pages: Vec<PageReport>,
}

/// One page of the editorial report.
#[derive(Debug, Clone, Serialize)]
pub struct PageReport {
    /// The source file, relative to the site root (`content/faq.md`).
    pub path: String,
    /// The page's URL path (`/faq/`).
    pub url: String,
    pub title: String,
    pub kind: &'static str,
    /// Words of text (not code).
    pub words: usize,
    /// Reading-age scores of the page's prose; `null` when it has none.
    pub reading: Option<readability::Score>,
    pub last_reviewed: Option<Date>,
    /// Its own next_review, or last_reviewed plus the review policy.
    pub next_review: Option<Date>,
    pub reviewed_by: Option<String>,
    pub review: review::Status,
    /// Days from today to next_review (negative when overdue).
    pub review_days: Option<i64>,
    pub sources: usize,
    /// Other pages whose markdown links here.
    pub links_in: usize,
    /// Pages and providers this page's markdown links to.
    pub links_out: usize,
    /// Diagnostics about this page's file (filled in by [`report::count`]).
    pub errors: usize,
    pub warnings: usize,
}

/// Pages readers rely on for health information: everything but section
/// listings. These need review dates.
pub fn is_reviewed(kind: PageKind) -> bool {
    kind != PageKind::Section
}

/// Articles, service and condition pages: these must name their evidence.
pub fn is_health_article(kind: PageKind) -> bool {
    matches!(
        kind,
        PageKind::Article | PageKind::Service | PageKind::Condition
    )
}

/// Run every check on a rendered site.
pub fn run(site: &Site, render: &RenderResult, today: Date) -> Checked {
    run_published(
        site,
        render,
        &links::Published::from_outputs(&render.outputs),
        today,
    )
}

/// [`run`], with the link check reading `published` (for a build that
/// streamed its files to disk and scanned them on the way).
pub fn run_published(
    site: &Site,
    render: &RenderResult,
    published: &links::Published,
    today: Date,
) -> Checked {
    let mut diagnostics = Vec::new();
    let link_stats = links::check_published(site, render, published, &mut diagnostics);
    review::check(site, today, &mut diagnostics);
    evidence::check(site, today, &mut diagnostics);
    freshness::check(site, today, &mut diagnostics);
    let scores: Vec<Option<readability::Score>> = if render.findings.is_empty() {
        let scores = readability::check(site, &render.rendered, &mut diagnostics);
        plain_language::check(site, &render.rendered, &mut diagnostics);
        scores
    } else {
        // Found as each page was rendered; only site.toml's terms are left.
        plain_language::terms(site, &render.rendered, &mut diagnostics);
        render
            .findings
            .iter()
            .map(|f| {
                diagnostics.extend(f.diagnostics.iter().cloned());
                f.reading.clone()
            })
            .collect()
    };

    let pages = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let next = site.next_review.get(i).copied().flatten();
            let last = p.fm.last_reviewed.as_ref().map(|d| *d.get_ref());
            PageReport {
                path: p.src.path.clone(),
                url: site.url(&p.path),
                title: p.title().to_string(),
                kind: p.kind.name(),
                words: render.rendered.get(i).map_or(0, |r| r.word_count),
                reading: scores.get(i).cloned().flatten(),
                last_reviewed: last,
                next_review: next,
                reviewed_by: p.fm.reviewed_by.clone(),
                review: review::status(site, next, today),
                review_days: next.map(|n| today.days_until(n)),
                sources: p.fm.sources.len(),
                links_in: link_stats.links_in.get(i).copied().unwrap_or(0),
                links_out: link_stats.links_out.get(i).copied().unwrap_or(0),
                errors: 0,
                warnings: 0,
            }
        })
        .collect();
    Checked {
        diagnostics,
        today,
        pages,
    }
}

/// What the checks that read a page's text (reading age, plain language)
/// found on one page. A build finds these as it renders each page, so
/// that no page's text is kept until the checks run.
#[derive(Debug, Clone, Default)]
pub struct PageFindings {
    pub reading: Option<readability::Score>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The checks of one page's text, set up once for the whole site.
pub struct PageChecks {
    lint: Option<plain_language::Lint>,
}

impl PageChecks {
    pub fn new(site: &Site) -> Self {
        // Problems with site.toml's terms are reported by the check stage.
        let mut ignored = Vec::new();
        PageChecks {
            lint: plain_language::Lint::new(site, &[], &mut ignored),
        }
    }

    /// Check page `i`, whose markdown is `r`.
    pub fn page(&self, site: &Site, i: usize, r: &Rendered) -> PageFindings {
        self.page_fed(site, i, r, None)
    }

    /// [`Self::page`], telling `feed` of every word of the page's prose as
    /// the reading-age check reads it.
    pub fn page_fed(
        &self,
        site: &Site,
        i: usize,
        r: &Rendered,
        feed: Option<&mut dyn readability::WordFeed>,
    ) -> PageFindings {
        // The reading-age check walks the page's words, and notes those
        // where a plain-language term may start as it goes: the lint then
        // looks only at those.
        let mut marks = self.lint.as_ref().and_then(|l| l.marks());
        let (reading, warning) =
            readability::page_marked(site, &site.pages[i], r, marks.as_mut(), feed);
        let mut diagnostics: Vec<Diagnostic> = warning.into_iter().collect();
        if let Some(lint) = &self.lint {
            let found = marks.as_ref().map(|m| m.found.as_slice());
            diagnostics.extend(lint.page_marked(site, i, r, found));
        }
        PageFindings {
            reading,
            diagnostics,
        }
    }
}

/// A fast hasher for the checks' small keys (paths, ids), eight bytes at a
/// time in the style of rustc's FxHash. The keys come from the site's own
/// files, so hash flooding is not a concern.
#[derive(Default)]
pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59))
            .wrapping_mul(K);
        self.0 = h;
    }
}

/// A hash map with [`FastHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;
/// A hash set with [`FastHasher`].
pub type FastSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<FastHasher>>;

/// Shorten `s` to about `max` characters on a word boundary, adding "…".
pub fn excerpt(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let mut out = String::new();
    for w in s.split(' ') {
        if out.chars().count() + w.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.push('…');
    out
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Build a real site in a temporary folder for unit tests.
    use crate::pipeline::{Compiled, SiteOptions, compile};

    pub const SITE: &str = "title = \"T\"\nbase_url = \"https://hub.example.org/\"\n";

    /// A page with every review field and one complete source.
    pub fn page(title: &str, extra_fm: &str, body: &str) -> String {
        format!(
            "+++\ntitle = \"{title}\"\nlast_reviewed = 2026-10-01\nnext_review = 2028-10-01\nreviewed_by = \"R\"\n{extra_fm}\n[[sources]]\ntitle = \"S\"\npublisher = \"NHS\"\naccessed = 2026-09-01\n+++\n{body}\n"
        )
    }

    /// Every piece of `text` between two character boundaries (the empty
    /// pieces included): for testing a scan against a simpler one with
    /// each byte at each place.
    pub fn substrings(text: &str) -> Vec<&str> {
        let cuts: Vec<usize> = (text.char_indices().map(|(k, _)| k))
            .chain([text.len()])
            .collect();
        let mut out = Vec::new();
        for (n, &a) in cuts.iter().enumerate() {
            for &b in &cuts[n..] {
                out.push(&text[a..b]);
            }
        }
        out
    }

    /// Every search for `byte` in a run of `x`s shorter than `max_len`
    /// holding it at one place or none, from every start (one past the end
    /// included): (bytes, start, the first place at or after the start).
    pub fn one_byte_searches(byte: u8, max_len: usize) -> Vec<(Vec<u8>, usize, Option<usize>)> {
        let mut out = Vec::new();
        for len in 0..max_len {
            for at in 0..=len {
                let mut b = vec![b'x'; len];
                if at < len {
                    b[at] = byte;
                }
                for from in 0..=len + 1 {
                    let want = (at < len && at >= from).then_some(at);
                    out.push((b.clone(), from, want));
                }
            }
        }
        out
    }

    /// Compile a site made of `files` (path, text); site.toml and a home
    /// page are added unless given.
    pub fn compile_files(files: &[(&str, &str)]) -> (tempfile::TempDir, Compiled) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut all: Vec<(String, String)> = vec![
            ("site.toml".into(), SITE.into()),
            ("content/_index.md".into(), page("Home", "", "Welcome.")),
        ];
        for (p, t) in files {
            all.retain(|(q, _)| q != p);
            all.push((p.to_string(), t.to_string()));
        }
        for (p, t) in &all {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, t).expect("write");
        }
        let (c, d) = compile(&SiteOptions {
            root: dir.path().to_path_buf(),
            ..Default::default()
        });
        let c = c.unwrap_or_else(|| panic!("compile failed: {:?}", d.items));
        (dir, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_on_words() {
        assert_eq!(excerpt("one two  three", 40), "one two three");
        assert_eq!(excerpt("alpha beta gamma delta", 12), "alpha beta…");
    }
}
