//! `site.toml`: the site's settings, typed so that a misspelt key is an error.

use crate::diagnostics::{Diagnostic, SourceFile, from_toml_error};
use serde::{Deserialize, Serialize};

/// Everything in `site.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Absolute URL the site is published at, e.g. `https://example.org/hub/`.
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// The main menu, in order. `url` is a path (`/about/`) or a source file (`@/about.md`).
    #[serde(default)]
    pub nav: Vec<NavItem>,
    /// The urgent-help banner shown on every page.
    pub urgent: Option<Urgent>,
    pub contact: Option<Contact>,
    #[serde(default)]
    pub review: ReviewPolicy,
    /// Allow raw HTML in markdown through unsanitised (trusted sites only).
    #[serde(default)]
    pub unsafe_html: bool,
    /// Settings for `carehub check` (reading age, plain-language lint, freshness).
    #[serde(default)]
    pub check: CheckConfig,
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NavItem {
    pub title: String,
    pub url: String,
}

/// When to call 999 or NHS 111: one or two sentences of markdown.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Urgent {
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default)]
    pub organisation: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub text: Option<String>,
}

/// How often pages must be reviewed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewPolicy {
    /// Longest time between reviews, in months (PIF TICK asks for 36 at most).
    #[serde(default = "default_max_months")]
    pub max_months: u32,
    /// Pages due within this many days are listed as "due soon".
    #[serde(default = "default_due_soon")]
    pub due_soon_days: u32,
}

impl Default for ReviewPolicy {
    fn default() -> Self {
        ReviewPolicy {
            max_months: default_max_months(),
            due_soon_days: default_due_soon(),
        }
    }
}

/// Settings for the editorial checks.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Flesch-Kincaid grade above which a page is flagged (6 is about reading age 11).
    #[serde(default = "default_grade")]
    pub reading_grade: f64,
    /// A CQC rating older than this many months gets a warning.
    #[serde(default = "default_rating_age")]
    pub rating_max_age_months: u32,
    /// Words to avoid or explain, with a suggestion or a page that explains them.
    #[serde(default)]
    pub terms: Vec<PlainTerm>,
    /// Also use carehub's built-in list of medical terms and wordy phrases.
    #[serde(default = "yes")]
    pub default_terms: bool,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            reading_grade: default_grade(),
            rating_max_age_months: default_rating_age(),
            terms: Vec::new(),
            default_terms: true,
        }
    }
}

/// A word or phrase the plain-language lint looks for.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlainTerm {
    pub term: String,
    /// What to write instead, or how to explain it.
    #[serde(default)]
    pub suggest: String,
    /// A page that explains it, e.g. `@/glossary.md#syringe-driver`.
    #[serde(default)]
    pub explain: Option<String>,
    /// Flag every use, not only an unexplained first use (for wordy words
    /// with a plainer alternative, such as "utilise").
    #[serde(default)]
    pub avoid: bool,
}

fn yes() -> bool {
    true
}
fn default_language() -> String {
    "en-GB".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_max_months() -> u32 {
    36
}
fn default_due_soon() -> u32 {
    90
}
fn default_grade() -> f64 {
    6.0
}
fn default_rating_age() -> u32 {
    24
}

impl Config {
    /// Parse `site.toml`, returning every problem as a diagnostic.
    pub fn parse(src: &SourceFile) -> Result<Config, Vec<Diagnostic>> {
        let mut cfg: Config = toml::from_str(&src.text)
            .map_err(|e| vec![from_toml_error(src, 0, &e, "site.toml")])?;
        let mut errs = Vec::new();
        if !(cfg.base_url.starts_with("http://") || cfg.base_url.starts_with("https://")) {
            errs.push(
                Diagnostic::error_at(
                    "bad-base-url",
                    src,
                    key_span(src, "base_url"),
                    "base_url must be an absolute http(s) URL",
                )
                .with_hint("write it like base_url = \"https://example.org/\""),
            );
        }
        if cfg.review.max_months == 0 {
            errs.push(
                Diagnostic::error_at(
                    "bad-review-policy",
                    src,
                    key_span(src, "max_months"),
                    "review.max_months must be at least 1",
                )
                .with_hint("PIF TICK asks for a review at least every 36 months"),
            );
        }
        for item in &cfg.nav {
            if crate::render::markdown::is_unsafe_url(&item.url) {
                let span = src
                    .text
                    .find(item.url.as_str())
                    .map(|i| i..i + item.url.len())
                    .unwrap_or(0..0);
                errs.push(
                    Diagnostic::error_at(
                        "bad-nav-url",
                        src,
                        span,
                        format!("the menu item \"{}\" links to a script or data URL", item.title),
                    )
                    .with_hint("menu links are paths on this site (\"/find-a-service/\"), source files (\"@/faq.md\") or http(s) addresses"),
                );
            }
        }
        if !cfg.base_url.ends_with('/') {
            cfg.base_url.push('/');
        }
        if errs.is_empty() { Ok(cfg) } else { Err(errs) }
    }

    /// The path part of base_url, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        self.base_path_str().to_string()
    }

    /// [`Config::base_path`], borrowed (for URLs made once per link).
    pub fn base_path_str(&self) -> &str {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map(|x| x.1)
            .unwrap_or(&self.base_url);
        match after_scheme.find('/') {
            Some(i) => &after_scheme[i..],
            None => "/",
        }
    }

    /// Text direction for the language (right-to-left scripts need `rtl`).
    pub fn dir(&self) -> &'static str {
        let primary = self
            .language
            .split('-')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "ar" | "he" | "fa" | "ur" | "ps" | "yi" | "dv" | "ku" | "sd" => "rtl",
            _ => "ltr",
        }
    }

    /// Replace base_url (for `--base-url`).
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = url.to_string();
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
    }
}

/// Best-effort span of `key = ...` in a TOML file, for errors found after parsing.
pub fn key_span(src: &SourceFile, key: &str) -> std::ops::Range<usize> {
    let mut offset = 0;
    for line in src.text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let start = offset + (line.len() - t.len());
            return start..start + key.len();
        }
        offset += line.len();
    }
    0..0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_base_path() {
        let src = SourceFile::new(
            "site.toml",
            "title = \"Hub\"\nbase_url = \"https://example.org/hub\"\n",
        );
        let c = Config::parse(&src).unwrap();
        assert_eq!(c.language, "en-GB");
        assert_eq!(c.theme, "default");
        assert_eq!(c.review.max_months, 36);
        assert_eq!(c.base_path(), "/hub/");
        assert_eq!(c.dir(), "ltr");
    }

    #[test]
    fn unknown_key_is_error_with_suggestion() {
        let src = SourceFile::new(
            "site.toml",
            "title = \"Hub\"\nbase_url = \"https://x.org/\"\nlangauge = \"en\"\n",
        );
        let e = Config::parse(&src).unwrap_err();
        assert_eq!(e[0].line, 3);
        assert!(e[0].hint.as_deref().unwrap().contains("\"language\""));
    }
}
