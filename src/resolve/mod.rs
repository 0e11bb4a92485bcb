//! Resolve: give every page its URL, build the cross-link graph (services,
//! conditions, providers, facets, sections) and validate every reference.
//! The result, [`Site`], is plain data read by render, checks and serve.

pub mod links;
pub mod providers;
pub mod slug;

use crate::check::FastMap;
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile, did_you_mean};
use crate::load::Loaded;
use crate::model::vocab::Facet;
use crate::model::{Date, Page, PageKind, Provider};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// The loaded site with its cross-reference indexes. Indexes hold positions
/// in `pages` / `providers`, sorted for stable output.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub config_src: SourceFile,
    pub pages: Vec<Page>,
    pub providers: Vec<Provider>,
    pub content_assets: Vec<(PathBuf, String)>,
    /// Page by its path under content/ (`services/respite-care.md`): looked
    /// up for every `@/` link, so with a fast hash.
    pub by_rel: FastMap<String, usize>,
    /// Page by its URL path (`services/respite-care/`).
    pub by_path: HashMap<String, usize>,
    /// Service pages by id, sorted by id.
    pub services: BTreeMap<String, usize>,
    /// Condition pages by id, sorted by id.
    pub conditions: BTreeMap<String, usize>,
    pub provider_by_id: FastMap<String, usize>,
    /// What every `@/` link can name, with its URL (`links::Index`): made
    /// from `by_rel`, `provider_by_id`, the pages' paths and the base path
    /// at the end of [`resolve`], so none of those may change after it.
    pub link_index: links::Index,
    pub providers_by_service: HashMap<String, Vec<usize>>,
    pub providers_by_condition: HashMap<String, Vec<usize>>,
    /// Providers by facet value, e.g. (Settings, "home").
    pub providers_by_facet: HashMap<(Facet, String), Vec<usize>>,
    pub providers_by_kind: HashMap<String, Vec<usize>>,
    /// Articles (any page) naming a service / condition / provider in front matter.
    pub pages_by_service: HashMap<String, Vec<usize>>,
    pub pages_by_condition: HashMap<String, Vec<usize>>,
    pub pages_by_provider: HashMap<String, Vec<usize>>,
    /// Child pages of each section, by the section's page index, in menu order.
    pub children: HashMap<usize, Vec<usize>>,
    /// Next review date of each page: its own, or last_reviewed + policy.
    pub next_review: Vec<Option<Date>>,
}

impl Site {
    pub fn page_by_rel(&self, rel: &str) -> Option<&Page> {
        self.by_rel.get(rel).map(|&i| &self.pages[i])
    }

    /// Absolute-path URL of a site path: `base_path + path`.
    pub fn url(&self, path: &str) -> String {
        let base = self.config.base_path_str();
        let mut url = String::with_capacity(base.len() + path.len());
        url.push_str(base);
        url.push_str(path);
        url
    }

    /// Ancestors of a page from the home page down (not including itself).
    pub fn ancestors(&self, idx: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut cur = self.pages[idx]
            .parent
            .as_ref()
            .and_then(|r| self.by_rel.get(r))
            .copied();
        while let Some(i) = cur {
            if chain.contains(&i) || i == idx {
                break;
            }
            chain.push(i);
            cur = self.pages[i]
                .parent
                .as_ref()
                .and_then(|r| self.by_rel.get(r))
                .copied();
        }
        chain.reverse();
        chain
    }
}

/// Build the [`Site`] from what was loaded, adding every problem to `diags`.
pub fn resolve(loaded: Loaded, diags: &mut Diagnostics) -> Site {
    let Loaded {
        root,
        config,
        config_src,
        mut pages,
        providers,
        content_assets,
    } = loaded;

    assign_paths(&mut pages, diags);

    let mut by_rel = FastMap::default();
    let mut by_path: HashMap<String, usize> = HashMap::new();
    let mut services = BTreeMap::new();
    let mut conditions = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        by_rel.insert(p.rel.clone(), i);
        if let Some(&other) = by_path.get(&p.path) {
            diags.push(
                Diagnostic::error_at(
                    "duplicate-url",
                    &p.src,
                    0..0,
                    format!(
                        "this page has the same URL `/{}` as {}",
                        p.path, pages[other].rel
                    ),
                )
                .with_hint(
                    "rename one of the files, or give one a different `slug` in its front matter",
                ),
            );
        } else {
            by_path.insert(p.path.clone(), i);
        }
        match p.kind {
            PageKind::Service => {
                services.insert(p.id.clone(), i);
            }
            PageKind::Condition => {
                conditions.insert(p.id.clone(), i);
            }
            _ => {}
        }
    }
    for (i, p) in pages.iter_mut().enumerate() {
        p.parent = parent_rel(&p.rel).filter(|r| by_rel.get(r).is_some_and(|&j| j != i));
    }
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some(par) = p.parent.as_ref().and_then(|r| by_rel.get(r)) {
            children.entry(*par).or_default().push(i);
        }
    }
    // Each title lower-cased once per page, not once per comparison (a
    // section may hold thousands of articles); the sort is stable, as before.
    for list in children.values_mut() {
        list.sort_by_cached_key(|&a| (pages[a].weight(), pages[a].title().to_lowercase()));
    }

    let mut provider_by_id = FastMap::default();
    for (i, p) in providers.iter().enumerate() {
        provider_by_id.insert(p.id.clone(), i);
        let path = p.path();
        if let Some(&other) = by_path.get(&path) {
            diags.push(
                Diagnostic::error_at(
                    "duplicate-url",
                    &p.src,
                    0..0,
                    format!(
                        "this provider's URL `/{path}` is also used by {}",
                        pages[other].rel
                    ),
                )
                .with_hint("rename the provider file or the page"),
            );
        }
    }

    let mut site = Site {
        root,
        config,
        config_src,
        pages,
        providers,
        content_assets,
        by_rel,
        by_path,
        services,
        conditions,
        provider_by_id,
        link_index: links::Index::default(),
        providers_by_service: HashMap::new(),
        providers_by_condition: HashMap::new(),
        providers_by_facet: HashMap::new(),
        providers_by_kind: HashMap::new(),
        pages_by_service: HashMap::new(),
        pages_by_condition: HashMap::new(),
        pages_by_provider: HashMap::new(),
        children,
        next_review: Vec::new(),
    };
    index_page_refs(&mut site, diags);
    providers::index_and_validate(&mut site, diags);
    site.next_review = review_dates(&site, diags);
    site.link_index = links::Index::new(&site);
    site
}

/// The `_index.md` of the folder holding `rel` (or of its parent folder for sections).
fn parent_rel(rel: &str) -> Option<String> {
    if rel == "_index.md" {
        return None;
    }
    let dir = rel.trim_end_matches("/_index.md");
    let dir = if dir == rel {
        rel.rsplit_once('/').map(|x| x.0).unwrap_or("")
    } else {
        dir.rsplit_once('/').map(|x| x.0).unwrap_or("")
    };
    Some(if dir.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{dir}/_index.md")
    })
}

/// Give every page its URL path, on all cores (each page's is its own);
/// the problems are added in page order, as a serial loop would.
fn assign_paths(pages: &mut [Page], diags: &mut Diagnostics) {
    let found: Vec<Vec<Diagnostic>> = pages
        .par_iter_mut()
        .map(|p| {
            let mut ds = Vec::new();
            assign_path(p, &mut ds);
            ds
        })
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// One page's URL path: its folders and file stem slugified, the last
/// segment replaced by a valid `slug`.
fn assign_path(p: &mut Page, diags: &mut Vec<Diagnostic>) {
    let mut segs: Vec<String> = p.rel.split('/').map(|s| s.to_string()).collect();
    let file = segs.pop().unwrap_or_default();
    let mut segs: Vec<String> = segs.iter().map(|s| slug::slugify(s)).collect();
    if file != "_index.md" {
        let stem = file.trim_end_matches(".md");
        segs.push(slug::slugify(stem));
    }
    if let Some(s) = &p.fm.slug {
        let v = s.get_ref().trim();
        if slug::is_safe_segment(v) && !v.contains(['/', '\\', ' ']) {
            if let Some(last) = segs.last_mut() {
                *last = v.to_string();
            }
        } else {
            diags.push(
                    Diagnostic::error_at("bad-slug", &p.src, p.fm_span(s), format!("`{v}` cannot be used as a slug"))
                        .with_hint("a slug is one path segment of letters, digits and hyphens, e.g. `accessing-care`"),
                );
        }
    }
    if segs.iter().any(|s| s.is_empty()) {
        diags.push(
            Diagnostic::error_at(
                "bad-slug",
                &p.src,
                0..0,
                "this file's name gives an empty URL segment",
            )
            .with_hint("rename the file or folder so it contains letters or digits"),
        );
    }
    p.path = if segs.is_empty() {
        String::new()
    } else {
        format!("{}/", segs.join("/"))
    };
}

/// Check the services, conditions and providers each page names, and index them.
fn index_page_refs(site: &mut Site, diags: &mut Diagnostics) {
    let mut by_service: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_condition: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_provider: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        for s in &p.fm.services {
            if site.services.contains_key(s.get_ref()) {
                by_service.entry(s.get_ref().clone()).or_default().push(i);
            } else {
                diags.push(unknown_id(
                    &p.src,
                    p.fm_span(s),
                    "service",
                    s.get_ref(),
                    site.services.keys(),
                ));
            }
        }
        for c in &p.fm.conditions {
            if site.conditions.contains_key(c.get_ref()) {
                by_condition.entry(c.get_ref().clone()).or_default().push(i);
            } else {
                diags.push(unknown_id(
                    &p.src,
                    p.fm_span(c),
                    "condition",
                    c.get_ref(),
                    site.conditions.keys(),
                ));
            }
        }
        for pr in &p.fm.providers {
            if site.provider_by_id.contains_key(pr.get_ref()) {
                by_provider.entry(pr.get_ref().clone()).or_default().push(i);
            } else {
                let mut ids: Vec<&String> = site.provider_by_id.keys().collect();
                ids.sort();
                diags.push(unknown_id(
                    &p.src,
                    p.fm_span(pr),
                    "provider",
                    pr.get_ref(),
                    ids.into_iter(),
                ));
            }
        }
    }
    site.pages_by_service = by_service;
    site.pages_by_condition = by_condition;
    site.pages_by_provider = by_provider;
}

/// An "unknown id" error with the nearest valid ids as a hint.
pub fn unknown_id<'a>(
    src: &SourceFile,
    span: std::ops::Range<usize>,
    what: &str,
    id: &str,
    valid: impl Iterator<Item = &'a String> + Clone,
) -> Diagnostic {
    let hint = did_you_mean(id, valid.clone().map(|s| s.as_str())).unwrap_or_else(|| {
        let all: Vec<&str> = valid.map(|s| s.as_str()).collect();
        if all.is_empty() {
            format!("there are no {what} ids in this site yet")
        } else {
            format!("valid {what} ids are: {}", all.join(", "))
        }
    });
    Diagnostic::error_at(
        "unknown-id",
        src,
        span,
        format!("unknown {what} id \"{id}\""),
    )
    .with_hint(hint)
}

/// Each page's next review date, checked against the site's review policy.
fn review_dates(site: &Site, diags: &mut Diagnostics) -> Vec<Option<Date>> {
    let max = site.config.review.max_months;
    // Each page on its own, on all cores; problems kept in page order.
    let found: Vec<(Option<Date>, Vec<Diagnostic>)> = site
        .pages
        .par_iter()
        .map(|p| {
            let mut diags = Vec::new();
            let next = review_date(p, max, &mut diags);
            (next, diags)
        })
        .collect();
    let mut dates = Vec::with_capacity(found.len());
    for (next, ds) in found {
        dates.push(next);
        diags.extend(ds);
    }
    dates
}

/// A page's next review date (its own, or last_reviewed + `max` months),
/// with a problem for a date the policy does not allow.
fn review_date(p: &Page, max: u32, diags: &mut Vec<Diagnostic>) -> Option<Date> {
    let last = p.fm.last_reviewed.as_ref().map(|d| *d.get_ref());
    match (&p.fm.next_review, last) {
        (Some(next), Some(last)) => {
            let limit = last.add_months(max);
            if *next.get_ref() > limit {
                diags.push(
                    Diagnostic::error_at(
                        "review-too-late",
                        &p.src,
                        p.fm_span(next),
                        format!(
                            "next_review {} is more than {max} months after last_reviewed {}",
                            next.get_ref(),
                            last
                        ),
                    )
                    .with_hint(format!(
                        "the site's review policy allows {limit} at the latest"
                    )),
                );
            }
            if *next.get_ref() < last {
                diags.push(
                    Diagnostic::error_at(
                        "review-before-last",
                        &p.src,
                        p.fm_span(next),
                        "next_review is before last_reviewed",
                    )
                    .with_hint("check the two dates"),
                );
            }
            Some(*next.get_ref())
        }
        (Some(next), None) => Some(*next.get_ref()),
        (None, Some(last)) => Some(last.add_months(max)),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, load_memory};

    #[test]
    fn children_sort_by_weight_then_title_any_case_keeping_ties_in_order() {
        let page = |t: &str, w: i64| format!("+++\ntitle = \"{t}\"\nweight = {w}\n+++\n");
        let files = [
            ("_index.md", page("Home", 1)),
            ("s/_index.md", page("S", 1)),
            ("s/a.md", page("beta", 2)),
            ("s/b.md", page("Alpha", 2)),
            ("s/c.md", page("BETA", 2)),
            ("s/d.md", page("zed", 1)),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(r, t)| (*r, t.as_str())).collect();
        let (loaded, mut diags) = load_memory(
            crate::check::testutil::SITE,
            &files,
            &LoadOptions::default(),
        );
        let site = resolve(loaded.unwrap(), &mut diags);
        let s = site.by_rel["s/_index.md"];
        let rels: Vec<&str> = site.children[&s]
            .iter()
            .map(|&i| site.pages[i].rel.as_str())
            .collect();
        assert_eq!(rels, ["s/d.md", "s/b.md", "s/a.md", "s/c.md"]);
    }

    #[test]
    fn path_and_review_problems_come_in_page_order() {
        let files = [
            ("a.md", "+++\ntitle = \"A\"\nslug = \"x y\"\n+++\n"),
            (
                "b.md",
                "+++\ntitle = \"B\"\nlast_reviewed = 2026-01-02\nnext_review = 2026-01-01\n+++\n",
            ),
            ("c.md", "+++\ntitle = \"C\"\nslug = \"..\"\n+++\n"),
            (
                "d.md",
                "+++\ntitle = \"D\"\nlast_reviewed = 2026-01-02\nnext_review = 2025-01-01\n+++\n",
            ),
        ];
        let (loaded, mut diags) = load_memory(
            crate::check::testutil::SITE,
            &files,
            &LoadOptions::default(),
        );
        let site = resolve(loaded.unwrap(), &mut diags);
        let got: Vec<(&str, &str)> = diags
            .items
            .iter()
            .map(|d| (d.path.as_str(), d.code))
            .collect();
        assert_eq!(
            got,
            [
                ("content/a.md", "bad-slug"),
                ("content/c.md", "bad-slug"),
                ("content/b.md", "review-before-last"),
                ("content/d.md", "review-before-last"),
            ]
        );
        assert_eq!(site.pages[0].path, "a/");
        assert_eq!(site.next_review[1], Date::parse("2026-01-01"));
    }
}
