//! The data templates receive: plain serde_json values built from the site,
//! as documented in `docs/themes.md`.

use super::markdown::Rendered;
use super::theme::Theme;
use super::value::to_tera;
use crate::model::uk;
use crate::model::vocab::{self, Facet};
use crate::model::{Date, Page, PageKind, Provider};
use crate::resolve::Site;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use tera::value::Key;

/// Helpers shared by every page's context, and the values many pages list
/// (page and provider summaries, providers in display order), each built
/// once and shared by every page after that.
pub struct Env<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub months: Vec<String>,
    /// Page summaries as template values, by page index. A template value
    /// shares its text, so a listing's copy costs no copying of strings.
    page_summaries: OnceLock<Vec<tera::Value>>,
    /// Provider summaries (with their `card`) as template values; dropped
    /// by [`Env::release_summaries`].
    provider_summaries: OnceLock<Vec<tera::Value>>,
    /// Provider indexes in display order, and each provider's place in it.
    provider_order: OnceLock<(Vec<usize>, Vec<usize>)>,
    recent: OnceLock<Recent>,
    nav_urls: OnceLock<Vec<String>>,
}

/// Pages by how recently they changed, and the most recent articles about
/// each service and condition.
struct Recent {
    rank: Vec<usize>,
    by_service: HashMap<String, Vec<usize>>,
    by_condition: HashMap<String, Vec<usize>>,
}

/// The heading levels at which provider cards are drawn in advance (those
/// the default theme's lists use).
pub const CARD_LEVELS: [i64; 2] = [2, 3];

/// How many recent articles per service or condition [`Env::recent_articles_about_service`] keeps.
pub const RECENT_PER_TERM: usize = 12;

impl<'a> Env<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme) -> Self {
        Env {
            site,
            theme,
            months: theme.list("months"),
            page_summaries: OnceLock::new(),
            provider_summaries: OnceLock::new(),
            provider_order: OnceLock::new(),
            recent: OnceLock::new(),
            nav_urls: OnceLock::new(),
        }
    }

    /// The URL of each main menu entry, in order.
    pub fn nav_urls(&self) -> &[String] {
        self.nav_urls.get_or_init(|| {
            self.site
                .config
                .nav
                .iter()
                .map(|n| super::nav_url(self, n))
                .collect()
        })
    }

    fn recent(&self) -> &Recent {
        self.recent.get_or_init(|| {
            let pages = &self.site.pages;
            let changed = |i: usize| {
                let fm = &pages[i].fm;
                [&fm.updated, &fm.date, &fm.last_reviewed]
                    .into_iter()
                    .flatten()
                    .map(|d| *d.get_ref())
                    .max()
            };
            let mut order: Vec<usize> = (0..pages.len()).collect();
            order.sort_by_key(|&i| (std::cmp::Reverse(changed(i)), i));
            let mut rank = vec![0; pages.len()];
            for (r, &i) in order.iter().enumerate() {
                rank[i] = r;
            }
            let top = |m: &HashMap<String, Vec<usize>>| -> HashMap<String, Vec<usize>> {
                m.iter()
                    .map(|(id, list)| {
                        let mut v: Vec<usize> = list
                            .iter()
                            .copied()
                            .filter(|&a| pages[a].kind == PageKind::Article)
                            .collect();
                        v.sort_unstable_by_key(|&a| rank[a]);
                        v.dedup();
                        v.truncate(RECENT_PER_TERM);
                        (id.clone(), v)
                    })
                    .collect()
            };
            Recent {
                by_service: top(&self.site.pages_by_service),
                by_condition: top(&self.site.pages_by_condition),
                rank,
            }
        })
    }

    /// A page's place when pages are ordered by their latest date, newest first.
    pub fn recency_rank(&self, i: usize) -> usize {
        self.recent().rank.get(i).copied().unwrap_or(usize::MAX)
    }

    /// The most recently changed articles naming a service (at most [`RECENT_PER_TERM`]).
    pub fn recent_articles_about_service(&self, id: &str) -> &[usize] {
        self.recent()
            .by_service
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The most recently changed articles naming a condition (at most [`RECENT_PER_TERM`]).
    pub fn recent_articles_about_condition(&self, id: &str) -> &[usize] {
        self.recent()
            .by_condition
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Build the shared summaries on every core, before rendering pages in
    /// parallel (building them inside a parallel job could re-enter).
    /// Without it, listings build each summary they need afresh (the same
    /// values, with no ready-made provider cards).
    pub fn prepare(&self) {
        self.page_summaries();
        self.provider_summaries();
        self.provider_order();
        self.recent();
        self.nav_urls();
    }

    fn page_summaries(&self) -> &[tera::Value] {
        self.page_summaries.get_or_init(|| {
            (0..self.site.pages.len())
                .into_par_iter()
                .map(|i| to_tera(self.build_page_summary(i)))
                .collect()
        })
    }

    fn provider_summaries(&self) -> &[tera::Value] {
        self.provider_summaries.get_or_init(|| {
            let all: Vec<tera::Value> = (0..self.site.providers.len())
                .into_par_iter()
                .map(|i| to_tera(self.build_provider_summary(i)))
                .collect();
            self.with_cards(all)
        })
    }

    /// Every provider summary with its `card`: the theme's `provider_card`
    /// component drawn for it at heading levels 2 and 3 (`{ h2, h3 }`),
    /// once per build, so that lists include the HTML instead of running the
    /// component for each of a provider's many appearances. A theme without
    /// that component gets no cards (its lists run their own components).
    fn with_cards(&self, summaries: Vec<tera::Value>) -> Vec<tera::Value> {
        if !self.theme.has_provider_card {
            return summaries;
        }
        let theme = self.theme;
        let mut base = tera::Context::new();
        base.insert("t", &theme.strings);
        let drawn: Option<Vec<tera::Value>> = summaries
            .par_iter()
            .map(|summary| {
                let mut ctx = base.clone();
                ctx.insert_value("p", summary.clone());
                let mut card = tera::Map::new();
                for level in CARD_LEVELS {
                    ctx.insert("level", &level);
                    let html = theme
                        .tera
                        .render(super::theme::PROVIDER_CARD_TEMPLATE, &ctx);
                    let key = Key::String(format!("h{level}").into());
                    card.insert(key, tera::Value::from(html.ok()?));
                }
                Some(tera::Value::from(card))
            })
            .collect();
        // One card that cannot be drawn (a theme whose component fails) and
        // no provider gets one: lists then draw them in place, where the
        // error, if any, is reported.
        let Some(cards) = drawn else {
            return summaries;
        };
        summaries
            .into_par_iter()
            .zip(cards)
            .map(|(summary, card)| {
                let mut m = summary.as_map().cloned().unwrap_or_default();
                m.insert(Key::Str("card"), card);
                tera::Value::from(m)
            })
            .collect()
    }

    /// Drop the provider summaries and the page summaries later pages do
    /// not list, once the pages that list many have been made, so that the
    /// memory they held serves the pages still to come. Sections and the
    /// articles that provider pages list (those naming a provider, and the
    /// recent ones about each service and condition) are kept; any other
    /// summary asked for later is built afresh (the same value).
    pub fn release_summaries(&mut self) {
        self.provider_summaries.take();
        let pages = &self.site.pages;
        let mut keep = vec![false; pages.len()];
        for (i, p) in pages.iter().enumerate() {
            keep[i] = matches!(p.kind, PageKind::Home | PageKind::Section);
        }
        let recent = self.recent();
        let named = self.site.pages_by_provider.values();
        for &i in recent
            .by_service
            .values()
            .chain(recent.by_condition.values())
            .chain(named)
            .flatten()
        {
            keep[i] = true;
        }
        if let Some(all) = self.page_summaries.get_mut() {
            for (v, keep) in all.iter_mut().zip(keep) {
                if !keep {
                    *v = tera::Value::undefined();
                }
            }
        }
    }

    /// Provider summaries `ids` as `providers` in a page's context. Each
    /// is a shared template value, so listing it copies no text.
    pub fn list_providers(&self, ctx: &mut tera::Context, ids: &[usize]) {
        let list: Vec<tera::Value> = match self.provider_summaries.get() {
            Some(all) => ids.iter().filter_map(|&i| all.get(i).cloned()).collect(),
            None => ids
                .iter()
                .filter(|&&i| i < self.site.providers.len())
                .map(|&i| to_tera(self.build_provider_summary(i)))
                .collect(),
        };
        ctx.insert_value("providers", tera::Value::from(list));
    }

    /// Page summaries `ids` as a list under `key` in a page's context.
    pub fn list_pages(&self, ctx: &mut tera::Context, key: &'static str, ids: &[usize]) {
        let list: Vec<tera::Value> = ids
            .iter()
            .filter(|&&i| i < self.site.pages.len())
            .map(|&i| self.page_summary_value(i))
            .collect();
        ctx.insert_value(key, tera::Value::from(list));
    }

    /// Page summary `i` as a template value (`null` for no such page): the
    /// shared one, or built afresh when released or not prepared.
    pub fn page_summary_value(&self, i: usize) -> tera::Value {
        // Never builds the shared list here (see [`Env::prepare`]).
        match self.page_summaries.get().and_then(|all| all.get(i)) {
            Some(v) if !v.is_undefined() => v.clone(),
            _ if i < self.site.pages.len() => to_tera(self.build_page_summary(i)),
            _ => tera::Value::none(),
        }
    }

    /// Providers in display order (by name, then id).
    pub fn providers_sorted(&self) -> &[usize] {
        &self.provider_order().0
    }

    /// Sort provider indexes into display order.
    pub fn sort_providers(&self, v: &mut [usize]) {
        let rank = &self.provider_order().1;
        v.sort_by_key(|&i| rank[i]);
    }

    fn provider_order(&self) -> &(Vec<usize>, Vec<usize>) {
        self.provider_order.get_or_init(|| {
            let providers = &self.site.providers;
            let keys: Vec<String> = providers.iter().map(|p| p.name().to_lowercase()).collect();
            let mut order: Vec<usize> = (0..providers.len()).collect();
            order.sort_by(|&a, &b| {
                keys[a]
                    .cmp(&keys[b])
                    .then_with(|| providers[a].id.cmp(&providers[b].id))
            });
            let mut rank = vec![0; order.len()];
            for (r, &i) in order.iter().enumerate() {
                rank[i] = r;
            }
            (order, rank)
        })
    }

    pub fn url(&self, path: &str) -> String {
        self.site.url(path)
    }

    pub fn date(&self, d: Option<Date>) -> (String, String) {
        match d {
            Some(d) => (d.long(&self.months), d.iso()),
            None => (String::new(), String::new()),
        }
    }

    pub fn link(&self, id: &str, title: &str, path: &str) -> Value {
        json!({ "id": id, "title": title, "url": self.url(path) })
    }

    pub fn service_link(&self, id: &str) -> Value {
        match self.site.services.get(id) {
            Some(&i) => self.link(id, self.site.pages[i].title(), &self.site.pages[i].path),
            None => self.link(id, id, &format!("services/{id}/")),
        }
    }

    pub fn condition_link(&self, id: &str) -> Value {
        match self.site.conditions.get(id) {
            Some(&i) => self.link(id, self.site.pages[i].title(), &self.site.pages[i].path),
            None => self.link(id, id, &format!("conditions/{id}/")),
        }
    }

    pub fn facet_link(&self, facet: Facet, id: &str) -> Value {
        let title = self.theme.sub(facet.strings_table(), id);
        self.link(id, &title, &format!("{}/{}/", facet.id(), id))
    }

    pub fn phone(&self, s: Option<&str>) -> Value {
        match s.and_then(uk::parse_phone) {
            Some(p) => json!({ "display": p.display, "tel": p.tel }),
            None => Value::Null,
        }
    }

    /// A short summary of a page, for lists.
    fn build_page_summary(&self, i: usize) -> Value {
        let p = &self.site.pages[i];
        let (last, last_iso) = self.date(p.fm.last_reviewed.as_ref().map(|d| *d.get_ref()));
        json!({
            "title": p.title(),
            "description": p.description(),
            "url": self.url(&p.path),
            "kind": p.kind.name(),
            "last_reviewed": last,
            "last_reviewed_iso": last_iso,
        })
    }

    /// The full `page` object of a markdown page, as a template value.
    /// `content` is the page's HTML when it was taken out of `r`.
    pub fn page_value(
        &self,
        i: usize,
        r: &Rendered,
        faq: &[Value],
        content: Option<&str>,
    ) -> tera::Value {
        let p: &Page = &self.site.pages[i];
        let fm = &p.fm;
        let d = |x: &Option<toml::Spanned<Date>>| x.as_ref().map(|d| *d.get_ref());
        let (date, date_iso) = self.date(d(&fm.date));
        let (updated, updated_iso) = self.date(d(&fm.updated));
        let (last_reviewed, last_reviewed_iso) = self.date(d(&fm.last_reviewed));
        let (next_review, next_review_iso) =
            self.date(self.site.next_review.get(i).copied().flatten());
        let sources: Vec<SourceObject> = fm
            .sources
            .iter()
            .map(|s| {
                let s = s.get_ref();
                let (accessed, accessed_iso) = self.date(s.accessed);
                SourceObject {
                    title: &s.title,
                    url: s.url.as_deref().filter(|u| uk::is_web_url(u)).unwrap_or(""),
                    publisher: s.publisher.as_deref().unwrap_or(""),
                    accessed,
                    accessed_iso,
                }
            })
            .collect();
        let providers: Vec<LinkObject> = fm
            .providers
            .iter()
            .filter_map(|s| self.site.provider_by_id.get(s.get_ref()))
            .map(|&pi| {
                let pr = &self.site.providers[pi];
                LinkObject {
                    id: &pr.id,
                    title: pr.name(),
                    url: self.url(&pr.path()),
                }
            })
            .collect();
        tera::Value::from_serializable(&PageObject {
            kind: p.kind.name(),
            id: &p.id,
            title: p.title(),
            description: p.description(),
            url: self.url(&p.path),
            content: content.unwrap_or(&r.html),
            toc: &r.toc,
            word_count: r.word_count,
            date,
            date_iso,
            updated,
            updated_iso,
            last_reviewed,
            last_reviewed_iso,
            next_review,
            next_review_iso,
            reviewed_by: fm.reviewed_by.as_deref().unwrap_or(""),
            author: fm.author.as_deref().unwrap_or(""),
            sources,
            services: self.term_links(&fm.services, &self.site.services),
            conditions: self.term_links(&fm.conditions, &self.site.conditions),
            providers,
            faq,
            extra: &fm.extra,
        })
    }

    /// Links to the service or condition pages `ids` names (`terms`), skipping unknown ids.
    fn term_links<'s>(
        &'s self,
        ids: &'s [toml::Spanned<String>],
        terms: &BTreeMap<String, usize>,
    ) -> Vec<LinkObject<'s>> {
        ids.iter()
            .filter_map(|s| {
                let id = s.get_ref();
                let page = &self.site.pages[*terms.get(id)?];
                Some(LinkObject {
                    id,
                    title: page.title(),
                    url: self.url(&page.path),
                })
            })
            .collect()
    }

    /// A page object for a generated page (provider, facet, find, ...).
    pub fn generated_page(&self, kind: &str, title: &str, description: &str, path: &str) -> Value {
        json!({
            "kind": kind, "id": "", "title": title, "description": description, "url": self.url(path),
            "content": "", "toc": [], "word_count": 0,
            "date": "", "date_iso": "", "updated": "", "updated_iso": "",
            "last_reviewed": "", "last_reviewed_iso": "", "next_review": "", "next_review_iso": "",
            "reviewed_by": "", "author": "", "sources": [], "services": [], "conditions": [],
            "providers": [], "faq": [], "extra": {},
        })
    }

    fn build_provider_summary(&self, i: usize) -> Value {
        let p: &Provider = &self.site.providers[i];
        let d = &p.data;
        let kind_id = d.kind.as_ref().map(|k| k.get_ref().as_str()).unwrap_or("");
        // Registered with the CQC but no rating given: "not yet rated".
        let rating = d.cqc.as_ref().map(|c| {
            c.rating
                .as_ref()
                .and_then(|r| vocab::rating_id(r.get_ref()))
                .unwrap_or("not-yet-rated")
        });
        let rated = d
            .cqc
            .as_ref()
            .and_then(|c| c.rated.as_ref())
            .map(|r| *r.get_ref());
        let ids = |v: &Vec<toml::Spanned<String>>| {
            v.iter().map(|s| s.get_ref().clone()).collect::<Vec<_>>()
        };
        json!({
            "id": p.id,
            "name": p.name(),
            "url": self.url(&p.path()),
            "kind": json!({ "id": kind_id, "title": self.theme.sub("kinds", kind_id), "url": self.url("providers/") }),
            "summary": d.summary,
            "illustrative": d.illustrative,
            "rating": rating.map(|r| self.facet_link(Facet::Ratings, r)).unwrap_or(Value::Null),
            "rated": self.date(rated).0,
            "areas_served": ids(&d.areas_served),
            "services": d.services.iter().filter(|s| self.site.services.contains_key(s.get_ref())).map(|s| self.service_link(s.get_ref())).collect::<Vec<_>>(),
            "conditions": d.conditions.iter().filter(|s| self.site.conditions.contains_key(s.get_ref())).map(|s| self.condition_link(s.get_ref())).collect::<Vec<_>>(),
            "settings": d.settings.iter().filter(|s| vocab::SETTINGS.contains(&s.get_ref().as_str())).map(|s| self.facet_link(Facet::Settings, s.get_ref())).collect::<Vec<_>>(),
            "routes": d.referral.routes.iter().filter(|s| vocab::ROUTES.contains(&s.get_ref().as_str())).map(|s| self.facet_link(Facet::ReferralRoutes, s.get_ref())).collect::<Vec<_>>(),
            "funding": d.funding.types.iter().filter(|s| vocab::FUNDING.contains(&s.get_ref().as_str())).map(|s| self.facet_link(Facet::Funding, s.get_ref())).collect::<Vec<_>>(),
            "phone": self.phone(d.phone.as_ref().map(|s| s.get_ref().as_str())),
        })
    }

    /// Everything about a provider, for its own page.
    pub fn provider_full(&self, i: usize) -> Value {
        let p: &Provider = &self.site.providers[i];
        let d = &p.data;
        let mut v = self.build_provider_summary(i);
        let address = d.address.as_ref().map(|a| {
            let pc = a
                .postcode
                .as_ref()
                .map(|p| uk::normalise_postcode(p.get_ref()).unwrap_or_else(|| p.get_ref().clone()))
                .unwrap_or_default();
            json!({ "lines": a.lines, "town": a.town, "postcode": pc })
        });
        let map_query = d
            .address
            .as_ref()
            .map(|a| {
                let mut parts: Vec<String> = a.lines.clone();
                parts.push(a.town.clone());
                if let Some(pc) = &a.postcode {
                    parts.push(pc.get_ref().clone());
                }
                parts.retain(|s| !s.trim().is_empty());
                parts.join(", ")
            })
            .unwrap_or_default();
        let map_url = if map_query.is_empty() {
            String::new()
        } else {
            format!(
                "https://www.openstreetmap.org/search?query={}",
                url_encode(&map_query)
            )
        };
        let weekdays = self.theme.list("weekdays");
        let days: Vec<Value> = d
            .opening_hours
            .days()
            .iter()
            .enumerate()
            .map(|(n, h)| {
                json!({
                    "day": weekdays.get(n).cloned().unwrap_or_default(),
                    "hours": h.map(str::to_string).unwrap_or_else(|| self.theme.s("closed")),
                    "closed": h.is_none(),
                })
            })
            .collect();
        let days: Vec<Value> = if d.opening_hours.days().iter().any(Option::is_some) {
            days
        } else {
            Vec::new()
        };
        let cqc = d.cqc.as_ref().map(|c| {
            let id = c.location_id.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default();
            let url = c
                .url
                .as_ref()
                .map(|u| u.get_ref().clone())
                .unwrap_or_else(|| if id.is_empty() { String::new() } else { format!("https://www.cqc.org.uk/location/{id}") });
            let rating_id = c.rating.as_ref().and_then(|r| vocab::rating_id(r.get_ref())).unwrap_or("not-yet-rated");
            let (rated, rated_iso) = self.date(c.rated.as_ref().map(|r| *r.get_ref()));
            let questions: Vec<Value> = c
                .questions()
                .iter()
                .filter_map(|(q, r)| {
                    let rid = vocab::rating_id((*r)?.get_ref())?;
                    Some(json!({ "id": q, "title": self.theme.sub("questions", q), "rating": self.facet_link(Facet::Ratings, rid) }))
                })
                .collect();
            json!({ "location_id": id, "url": url, "rating": self.facet_link(Facet::Ratings, rating_id), "rated": rated, "rated_iso": rated_iso, "questions": questions })
        });
        let (verified, verified_iso) = self.date(d.verified.as_ref().map(|v| *v.get_ref()));
        let obj = v.as_object_mut().expect("summary is an object");
        obj.insert("address".into(), address.unwrap_or(Value::Null));
        obj.insert("map_url".into(), json!(map_url));
        obj.insert(
            "out_of_hours_phone".into(),
            self.phone(d.out_of_hours_phone.as_ref().map(|s| s.get_ref().as_str())),
        );
        obj.insert(
            "email".into(),
            json!(
                d.email
                    .as_ref()
                    .map(|e| e.get_ref().as_str())
                    .filter(|e| uk::is_email(e))
                    .unwrap_or("")
            ),
        );
        obj.insert(
            "website".into(),
            json!(
                d.website
                    .as_ref()
                    .map(|e| e.get_ref().as_str())
                    .filter(|e| uk::is_web_url(e))
                    .unwrap_or("")
            ),
        );
        obj.insert(
            "opening_hours".into(),
            json!({ "open_24_hours": d.opening_hours.open_24_hours, "days": days, "notes": d.opening_hours.notes }),
        );
        obj.insert(
            "referral".into(),
            json!({ "how": d.referral.how, "have_ready": d.referral.have_ready }),
        );
        obj.insert("cost_notes".into(), json!(d.funding.cost_notes));
        obj.insert("cqc".into(), cqc.unwrap_or(Value::Null));
        obj.insert("languages".into(), json!(d.languages));
        obj.insert("accessibility".into(), json!(d.accessibility));
        obj.insert("verified".into(), json!(verified));
        obj.insert("verified_iso".into(), json!(verified_iso));
        obj.insert("extra".into(), json!(d.extra));
        v
    }
}

/// The `page` object of a markdown page (see `docs/themes.md`), turned
/// into a template value in one pass, with no JSON in between.
#[derive(Serialize)]
struct PageObject<'a> {
    kind: &'a str,
    id: &'a str,
    title: &'a str,
    description: &'a str,
    url: String,
    content: &'a str,
    toc: &'a [super::markdown::TocEntry],
    word_count: usize,
    date: String,
    date_iso: String,
    updated: String,
    updated_iso: String,
    last_reviewed: String,
    last_reviewed_iso: String,
    next_review: String,
    next_review_iso: String,
    reviewed_by: &'a str,
    author: &'a str,
    sources: Vec<SourceObject<'a>>,
    services: Vec<LinkObject<'a>>,
    conditions: Vec<LinkObject<'a>>,
    providers: Vec<LinkObject<'a>>,
    faq: &'a [Value],
    extra: &'a toml::Table,
}

/// One of a page's `sources`.
#[derive(Serialize)]
struct SourceObject<'a> {
    title: &'a str,
    url: &'a str,
    publisher: &'a str,
    accessed: String,
    accessed_iso: String,
}

/// A [link](Env::link): `{ id, title, url }`.
#[derive(Serialize)]
struct LinkObject<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
}

/// Percent-encode a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Compiled, SiteOptions, compile};

    fn example() -> Compiled {
        let opts = SiteOptions {
            root: env!("CARGO_MANIFEST_DIR").into(),
            ..Default::default()
        };
        compile(&opts).0.expect("the example site builds")
    }

    #[test]
    fn listed_summaries_are_the_shared_values() {
        let c = example();
        let env = Env::new(&c.site, &c.theme);
        env.prepare();
        let mut ctx = tera::Context::new();
        env.list_providers(&mut ctx, &[0, 0]);
        let list = ctx.get("providers").and_then(|v| v.as_array()).unwrap();
        assert_eq!(list.len(), 2);
        let want = tera::Value::from_serializable(&env.build_provider_summary(0));
        let name = |v: &tera::Value| v.get_from_path("name").cloned();
        assert_eq!(name(&list[0]), name(&want));
        assert_eq!(list[0], list[1]);
        // Once released, a listing builds the summary afresh, without its card.
        let article = (0..c.site.pages.len())
            .find(|&i| c.site.pages[i].kind == PageKind::Article)
            .unwrap();
        let before = env.page_summary_value(article);
        let mut env = env;
        env.release_summaries();
        let mut ctx = tera::Context::new();
        env.list_pages(&mut ctx, "pages", &[article, usize::MAX]);
        assert_eq!(
            ctx.get("pages").and_then(|v| v.as_array()),
            Some(&[before][..])
        );
        let mut ctx = tera::Context::new();
        env.list_providers(&mut ctx, &[0, 99_999]);
        let list = ctx.get("providers").and_then(|v| v.as_array()).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0], want);
    }

    #[test]
    fn cards_are_what_the_component_draws() {
        let mut c = example();
        c.theme
            .tera
            .add_raw_template(
                "list.html",
                "{{<provider_list providers={providers} level={2} />}}|{{<provider_list providers={providers} level={3} />}}",
            )
            .unwrap();
        let env = Env::new(&c.site, &c.theme);
        env.prepare();
        let all: Vec<usize> = (0..c.site.providers.len()).collect();
        let mut with = tera::Context::new();
        with.insert("t", &c.theme.strings);
        env.list_providers(&mut with, &all);
        let listed = with.get("providers").and_then(|v| v.as_array()).unwrap();
        assert!(
            listed
                .iter()
                .all(|p| p.get_from_path("card.h2").is_some_and(|h| h.is_string()))
        );
        let mut without = tera::Context::new();
        without.insert("t", &c.theme.strings);
        let bare: Vec<Value> = all.iter().map(|&i| env.build_provider_summary(i)).collect();
        without.insert("providers", &bare);
        let drawn = c.theme.tera.render("list.html", &without).unwrap();
        assert!(drawn.contains("<h2 class=\"card__title\">"));
        assert!(drawn.contains("<h3 class=\"card__title\">"));
        assert_eq!(c.theme.tera.render("list.html", &with).unwrap(), drawn);
    }

    #[test]
    fn no_cards_without_the_component() {
        let mut c = example();
        c.theme.has_provider_card = false;
        let env = Env::new(&c.site, &c.theme);
        env.prepare();
        let mut ctx = tera::Context::new();
        env.list_providers(&mut ctx, &[0]);
        let p = &ctx.get("providers").and_then(|v| v.as_array()).unwrap()[0];
        assert!(p.get_from_path("card").is_none());
        assert!(p.get_from_path("name").is_some_and(|n| n.is_string()));
    }
}
