//! Site search, built at build time: every page and provider becomes a
//! [`index::Doc`], and [`index::build`] turns them into small static script
//! files that `themes/default/assets/search.js` loads as a query needs them.

pub mod index;

use super::context::Env;
use super::markdown::{Rendered, TocEntry};
use crate::model::uk;
use crate::model::vocab::{self, Facet};
use index::{Doc, Field};
use rayon::prelude::*;
use serde_json::Value;

/// The search entry of page `i`, whose markdown is `r` (with FAQ answers
/// `faq`): its words are those of its prose blocks and the rest of its text.
pub fn page_entry(
    indexer: &index::Indexer,
    env: &Env,
    i: usize,
    r: &Rendered,
    faq: &[Value],
) -> index::Entry {
    let doc = page_doc(env, i, r, faq, r.rest.clone());
    indexer.entry_with(&doc, |body| {
        for b in &r.prose {
            body.text(&b.text);
        }
    })
}

/// The document of page `i`, whose markdown is `r` (with FAQ answers
/// `faq`), with the text `rest` in its body: the text outside its prose
/// blocks, whose words are added to the entry apart (see [`page_entry`]).
pub fn page_doc(env: &Env, i: usize, r: &Rendered, faq: &[Value], rest: String) -> Doc {
    let site = env.site;
    let p = &site.pages[i];
    let mut headings = Vec::new();
    flatten_toc(&r.toc, &mut headings);
    for f in faq {
        if let (Some(id), Some(q)) = (f["id"].as_str(), f["question"].as_str()) {
            headings.push((id.to_string(), q.to_string()));
        }
    }
    // All the headings' words in one text, a line each, rather than a copy
    // of each heading: the index counts a field's words, wherever they are.
    let mut text: Vec<(Field, String)> = Vec::new();
    if !headings.is_empty() {
        let len = headings.iter().map(|(_, h)| h.len() + 1).sum();
        let mut all = String::with_capacity(len);
        for (_, h) in &headings {
            all.push_str(h);
            all.push('\n');
        }
        text.push((Field::Heading, all));
    }
    text.push((Field::Meta, p.description().to_string()));
    for s in &p.fm.services {
        if let Some(&si) = site.services.get(s.get_ref()) {
            text.push((Field::Meta, site.pages[si].title().to_string()));
        }
    }
    for c in &p.fm.conditions {
        if let Some(&ci) = site.conditions.get(c.get_ref()) {
            text.push((Field::Meta, site.pages[ci].title().to_string()));
        }
    }
    for pr in &p.fm.providers {
        if let Some(&pi) = site.provider_by_id.get(pr.get_ref()) {
            text.push((Field::Meta, site.providers[pi].name().to_string()));
        }
    }
    text.push((Field::Body, rest));
    Doc {
        path: p.path.clone(),
        title: p.title().to_string(),
        kind: env.theme.sub("page_kinds", p.kind.name()),
        description: p.description().to_string(),
        headings,
        text,
    }
}

/// The document of provider `j`.
pub fn provider_doc(env: &Env, j: usize) -> Doc {
    let site = env.site;
    let pr = &site.providers[j];
    let d = &pr.data;
    let kind = d
        .kind
        .as_ref()
        .map(|k| env.theme.sub("kinds", k.get_ref()))
        .unwrap_or_else(|| env.theme.sub("page_kinds", "provider"));
    let mut text: Vec<(Field, String)> = vec![(Field::Meta, kind.clone())];
    for s in &d.services {
        if let Some(&si) = site.services.get(s.get_ref()) {
            text.push((Field::Meta, site.pages[si].title().to_string()));
        }
    }
    for c in &d.conditions {
        if let Some(&ci) = site.conditions.get(c.get_ref()) {
            text.push((Field::Meta, site.pages[ci].title().to_string()));
        }
    }
    let facet_names = |facet: Facet, ids: &[toml::Spanned<String>]| -> Vec<String> {
        ids.iter()
            .filter(|v| facet.values().contains(&v.get_ref().as_str()))
            .map(|v| env.theme.sub(facet.strings_table(), v.get_ref()))
            .collect()
    };
    for s in facet_names(Facet::Settings, &d.settings) {
        text.push((Field::Meta, s));
    }
    for s in facet_names(Facet::Funding, &d.funding.types) {
        text.push((Field::Meta, s));
    }
    for s in facet_names(Facet::ReferralRoutes, &d.referral.routes) {
        text.push((Field::Body, s));
    }
    if let Some(r) = d
        .cqc
        .as_ref()
        .and_then(|c| c.rating.as_ref())
        .and_then(|r| vocab::rating_id(r.get_ref()))
    {
        text.push((Field::Body, env.theme.sub("ratings", r)));
    }
    for a in &d.areas_served {
        text.push((Field::Meta, a.get_ref().clone()));
    }
    if let Some(a) = &d.address {
        text.push((Field::Body, a.lines.join(" ")));
        text.push((Field::Meta, a.town.clone()));
        if let Some(pc) = &a.postcode {
            if let Some(district) = uk::district_of(pc.get_ref()) {
                text.push((Field::Meta, district));
            }
            text.push((Field::Body, pc.get_ref().clone()));
        }
    }
    text.push((Field::Body, d.summary.clone()));
    text.push((Field::Body, d.referral.how.clone()));
    text.push((Field::Body, d.referral.have_ready.join(" ")));
    text.push((Field::Body, d.funding.cost_notes.clone()));
    text.push((Field::Body, d.languages.join(" ")));
    text.push((Field::Body, d.accessibility.clone()));
    text.push((Field::Body, d.opening_hours.notes.clone()));
    Doc {
        path: pr.path(),
        title: pr.name().to_string(),
        kind,
        description: d.summary.clone(),
        headings: Vec::new(),
        text,
    }
}

fn flatten_toc(toc: &[TocEntry], out: &mut Vec<(String, String)>) {
    for e in toc {
        out.push((e.id.clone(), e.title.clone()));
        flatten_toc(&e.children, out);
    }
}

/// The site's search index from its pages' entries (made as each page
/// renders, or kept by the dev server): the providers' entries are added,
/// every entry is ordered by path (document ids are positions) and the
/// index files are made.
pub fn build_with_providers(
    env: &Env,
    indexer: &index::Indexer,
    mut entries: Vec<index::Entry>,
) -> index::Built {
    entries.par_extend(
        (0..env.site.providers.len())
            .into_par_iter()
            .map(|j| indexer.entry(&provider_doc(env, j))),
    );
    build_all(indexer, entries)
}

/// The site's search index from the entries of all its documents (pages
/// and providers, in any order): ordered by path (document ids are
/// positions), then made into the index files.
pub fn build_all(indexer: &index::Indexer, mut entries: Vec<index::Entry>) -> index::Built {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    index::build_entries(&entries, indexer)
}
