//! Markdown pages: articles, sections, services and conditions.

use super::Date;
use crate::diagnostics::SourceFile;
use serde::Deserialize;
use toml::Spanned;

/// Front matter of a markdown page, between `+++` lines.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<Spanned<String>>,
    #[serde(alias = "summary")]
    pub description: Option<String>,
    pub date: Option<Spanned<Date>>,
    pub updated: Option<Spanned<Date>>,
    pub last_reviewed: Option<Spanned<Date>>,
    pub next_review: Option<Spanned<Date>>,
    pub reviewed_by: Option<String>,
    pub author: Option<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<Source>>,
    #[serde(default)]
    pub services: Vec<Spanned<String>>,
    #[serde(default)]
    pub conditions: Vec<Spanned<String>>,
    #[serde(default)]
    pub providers: Vec<Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    pub weight: Option<i64>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    pub template: Option<Spanned<String>>,
    pub slug: Option<Spanned<String>>,
    #[serde(default)]
    pub faq: Vec<Spanned<FaqEntry>>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// An evidence reference: where a page's facts come from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub accessed: Option<Date>,
}

/// One question and its markdown answer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqEntry {
    pub question: String,
    pub answer: String,
}

/// What a page is, which decides its template and where it is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    Home,
    Section,
    Article,
    Service,
    Condition,
}

impl PageKind {
    pub fn name(&self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Section => "section",
            PageKind::Article => "article",
            PageKind::Service => "service",
            PageKind::Condition => "condition",
        }
    }

    pub fn default_template(&self) -> &'static str {
        match self {
            PageKind::Home => "index.html",
            PageKind::Section => "section.html",
            PageKind::Article => "page.html",
            PageKind::Service => "service.html",
            PageKind::Condition => "condition.html",
        }
    }
}

/// A loaded markdown file.
#[derive(Debug, Clone)]
pub struct Page {
    pub src: SourceFile,
    /// Path under `content/` with `/` separators, e.g. `services/respite-care.md`.
    pub rel: String,
    pub kind: PageKind,
    /// The id used by cross-references: the file stem (`respite-care`).
    pub id: String,
    pub fm: FrontMatter,
    /// Byte offset of the front matter within the file.
    pub fm_offset: usize,
    /// Byte offset of the markdown body within the file.
    pub body_offset: usize,
    /// URL path relative to the site root, e.g. `services/respite-care/` (`` for home).
    pub path: String,
    /// `rel` of the section this page belongs to (its folder's `_index.md`), if any.
    pub parent: Option<String>,
}

impl Page {
    pub fn body(&self) -> &str {
        &self.src.text[self.body_offset..]
    }

    pub fn title(&self) -> &str {
        self.fm
            .title
            .as_ref()
            .map(|t| t.get_ref().as_str())
            .unwrap_or(&self.id)
    }

    pub fn description(&self) -> &str {
        self.fm.description.as_deref().unwrap_or("")
    }

    pub fn weight(&self) -> i64 {
        self.fm.weight.unwrap_or(i64::MAX / 2)
    }

    /// Span of a front matter value, as a byte range of the whole file.
    pub fn fm_span<T>(&self, s: &Spanned<T>) -> std::ops::Range<usize> {
        let r = s.span();
        r.start + self.fm_offset..r.end + self.fm_offset
    }
}
