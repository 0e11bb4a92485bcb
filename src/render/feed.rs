//! `atom.xml`: an Atom feed of new and updated pages, newest first. Dates
//! come from front matter only, so the same content always gives the same
//! feed (no build time in it).

use super::Output;
use super::context::Env;
use super::sitemap::xml_escape;
use crate::model::{Date, Page};
use crate::resolve::Site;

/// Most entries in the feed.
pub const MAX_ENTRIES: usize = 50;

/// A page that is new (`date`) or updated (`updated`), and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub page: usize,
    pub when: Date,
    pub published: Option<Date>,
    pub new: bool,
}

/// Entries on each page of the "What has changed" page: the first page
/// lists what the feed lists, and no page grows with the site.
pub const PER_PAGE: usize = MAX_ENTRIES;

/// When a page changed and whether it is new, if it is listed at all (a
/// page with a `date` or `updated`, not a draft).
fn change_of(p: &Page) -> Option<(Date, bool)> {
    if p.fm.draft {
        return None;
    }
    let date = p.fm.date.as_ref().map(|d| *d.get_ref());
    let updated = p.fm.updated.as_ref().map(|d| *d.get_ref());
    match (date, updated) {
        (Some(d), Some(u)) if u > d => Some((u, false)),
        (None, Some(u)) => Some((u, false)),
        (Some(d), _) => Some((d, true)),
        (None, None) => None,
    }
}

/// Every new or updated page (not drafts), newest first, ties by URL.
pub fn changes(site: &Site) -> Vec<Change> {
    let mut items: Vec<Change> = site
        .pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let (when, new) = change_of(p)?;
            Some(Change {
                page: i,
                when,
                published: p.fm.date.as_ref().map(|d| *d.get_ref()),
                new,
            })
        })
        .collect();
    items.sort_by(|a, b| {
        b.when
            .cmp(&a.when)
            .then_with(|| site.pages[a.page].path.cmp(&site.pages[b.page].path))
    });
    items
}

/// How many pages the "What has changed" page takes (at least one, which
/// says when nothing has changed), without sorting the changes.
pub fn change_pages(site: &Site) -> usize {
    pages_for(site.pages.iter().filter(|p| change_of(p).is_some()).count())
}

/// How many pages `n` changes take (at least one).
pub fn pages_for(n: usize) -> usize {
    n.div_ceil(PER_PAGE).max(1)
}

fn stamp(d: Date) -> String {
    format!("{}T00:00:00Z", d.iso())
}

/// Where the feed is published; every build makes it.
pub const PATH: &str = "atom.xml";

/// The Atom feed.
pub fn atom(env: &Env) -> Output {
    let site = env.site;
    let cfg = &site.config;
    let base = &cfg.base_url;
    let items = env.changes();
    let newest = items
        .iter()
        .map(|c| c.when)
        .max()
        .or_else(|| {
            site.pages
                .iter()
                .filter_map(|p| p.fm.last_reviewed.as_ref().map(|d| *d.get_ref()))
                .max()
        })
        .unwrap_or_else(|| Date::ymd(2000, 1, 1).expect("valid date"));
    let author = cfg
        .contact
        .as_ref()
        .map(|c| c.organisation.trim())
        .filter(|o| !o.is_empty())
        .unwrap_or(cfg.title.as_str());
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&cfg.language)
    ));
    x.push_str(&format!(
        "<title>{}: {}</title>\n",
        xml_escape(&cfg.title),
        xml_escape(&env.theme.s("feed_title"))
    ));
    if !cfg.description.trim().is_empty() {
        x.push_str(&format!(
            "<subtitle>{}</subtitle>\n",
            xml_escape(&cfg.description)
        ));
    }
    let feed_url = format!("{base}atom.xml");
    x.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&feed_url)
    ));
    x.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(base)
    ));
    x.push_str(&format!("<id>{}</id>\n", xml_escape(&feed_url)));
    x.push_str(&format!("<updated>{}</updated>\n", stamp(newest)));
    x.push_str(&format!(
        "<author><name>{}</name></author>\n",
        xml_escape(author)
    ));
    x.push_str("<generator>carehub</generator>\n");
    for c in items.iter().take(MAX_ENTRIES) {
        let p = &site.pages[c.page];
        let url = format!("{base}{}", p.path);
        let what = if c.new {
            env.theme.s("change_new")
        } else {
            env.theme.s("change_updated")
        };
        x.push_str("<entry>\n");
        x.push_str(&format!("<title>{}</title>\n", xml_escape(p.title())));
        x.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&url)
        ));
        x.push_str(&format!("<id>{}</id>\n", xml_escape(&url)));
        if let Some(pd) = c.published {
            x.push_str(&format!("<published>{}</published>\n", stamp(pd)));
        }
        x.push_str(&format!("<updated>{}</updated>\n", stamp(c.when)));
        let summary = if p.description().trim().is_empty() {
            what
        } else {
            format!("{what}: {}", p.description().trim())
        };
        x.push_str(&format!("<summary>{}</summary>\n", xml_escape(&summary)));
        x.push_str("</entry>\n");
    }
    x.push_str("</feed>\n");
    Output {
        path: PATH.into(),
        bytes: x.into_bytes(),
    }
}
