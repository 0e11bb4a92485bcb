//! `atom.xml`: an Atom feed of new and updated pages, newest first. Dates
//! come from front matter only, so the same content always gives the same
//! feed (no build time in it).

use super::Output;
use super::context::Env;
use super::sitemap::xml_escape;
use crate::model::Date;

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

/// Every new or updated page (not drafts), newest first, ties by URL.
pub fn changes(env: &Env) -> Vec<Change> {
    let site = env.site;
    let mut items: Vec<Change> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.fm.draft)
        .filter_map(|(i, p)| {
            let date = p.fm.date.as_ref().map(|d| *d.get_ref());
            let updated = p.fm.updated.as_ref().map(|d| *d.get_ref());
            let (when, new) = match (date, updated) {
                (Some(d), Some(u)) if u > d => (u, false),
                (None, Some(u)) => (u, false),
                (Some(d), _) => (d, true),
                (None, None) => return None,
            };
            Some(Change {
                page: i,
                when,
                published: date,
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
    let items = changes(env);
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
