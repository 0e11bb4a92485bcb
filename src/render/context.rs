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
    /// The main menu as template values: with no entry current (first),
    /// then with entry `k` current (at `k + 1`).
    nav_menus: OnceLock<Vec<tera::Value>>,
    /// New and updated pages, newest first (the feed and the changes pages).
    changes: OnceLock<Vec<super::feed::Change>>,
    /// The A to Z's letters and entries (the search page and letters' pages).
    az: OnceLock<Vec<(String, Vec<super::generated::AzItem>)>>,
    /// The home page's URL (`env.url("")`).
    home_url: String,
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
            nav_menus: OnceLock::new(),
            changes: OnceLock::new(),
            az: OnceLock::new(),
            home_url: site.url(""),
        }
    }

    /// The home page's URL.
    pub fn home_url(&self) -> &str {
        &self.home_url
    }

    /// The main menu with the entries `current` marks (one flag per entry,
    /// in order). The menus with none or one entry current, all a site's
    /// pages get with its usual menu, are made once and shared (a copy is
    /// a reference count); any other is made afresh.
    pub fn nav_menu(&self, current: impl Iterator<Item = bool>) -> tera::Value {
        let mut marked = None;
        let mut count = 0;
        let flags: Vec<bool> = current.collect();
        for (k, &c) in flags.iter().enumerate() {
            if c {
                marked = Some(k);
                count += 1;
            }
        }
        let menus = self.nav_menus.get_or_init(|| {
            let n = self.site.config.nav.len();
            std::iter::once(None)
                .chain((0..n).map(Some))
                .map(|m| to_tera(super::nav_json(self, |k| Some(k) == m)))
                .collect()
        });
        let shared = match (count, marked) {
            (0, _) => menus.first(),
            (1, Some(k)) => menus.get(k + 1),
            _ => None,
        };
        match shared {
            Some(menu) => menu.clone(),
            None => to_tera(super::nav_json(self, |k| {
                flags.get(k).copied().unwrap_or(false)
            })),
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
        // The serial lists (orders, recent articles, menus) are made beside
        // the parallel ones, so that no core waits while they are.
        rayon::join(
            || {
                self.page_summaries();
                self.provider_summaries();
            },
            || {
                self.provider_order();
                self.recent();
                self.nav_urls();
                self.nav_menu(std::iter::empty());
                self.changes();
                self.az();
            },
        );
    }

    /// The A to Z (see [`super::generated::az_groups`]), sorted once for
    /// the search page and every letter's page.
    pub fn az(&self) -> &[(String, Vec<super::generated::AzItem>)] {
        self.az
            .get_or_init(|| super::generated::az_groups(self.site))
    }

    /// Every new or updated page, newest first (see [`super::feed::changes`]),
    /// sorted once for the feed and every page of "What has changed".
    pub fn changes(&self) -> &[super::feed::Change] {
        self.changes.get_or_init(|| super::feed::changes(self.site))
    }

    fn page_summaries(&self) -> &[tera::Value] {
        self.page_summaries.get_or_init(|| {
            (0..self.site.pages.len())
                .into_par_iter()
                .map(|i| self.build_page_summary(i))
                .collect()
        })
    }

    fn provider_summaries(&self) -> &[tera::Value] {
        self.provider_summaries.get_or_init(|| {
            let all: Vec<tera::Value> = (0..self.site.providers.len())
                .into_par_iter()
                .map(|i| self.build_provider_summary(i))
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
                .map(|&i| self.build_provider_summary(i))
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
            _ if i < self.site.pages.len() => self.build_page_summary(i),
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
    fn build_page_summary(&self, i: usize) -> tera::Value {
        let p = &self.site.pages[i];
        let (last, last_iso) = self.date(p.fm.last_reviewed.as_ref().map(|d| *d.get_ref()));
        tera::Value::from_serializable(&PageSummary {
            title: p.title(),
            description: p.description(),
            url: self.url(&p.path),
            kind: p.kind.name(),
            last_reviewed: last,
            last_reviewed_iso: last_iso,
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
                    title: pr.name().into(),
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
                    title: page.title().into(),
                    url: self.url(&page.path),
                })
            })
            .collect()
    }

    /// [`Env::generated_page`] as a template value, with the date the
    /// page's content was last checked (`last_reviewed`) if known; made
    /// from a struct, with no JSON in between.
    pub fn generated_page_value(
        &self,
        kind: &str,
        title: &str,
        description: &str,
        path: &str,
        last_reviewed: Option<Date>,
    ) -> tera::Value {
        let (last_reviewed, last_reviewed_iso) = self.date(last_reviewed);
        let extra = toml::Table::new();
        tera::Value::from_serializable(&PageObject {
            kind,
            id: "",
            title,
            description,
            url: self.url(path),
            content: "",
            toc: &[],
            word_count: 0,
            date: String::new(),
            date_iso: String::new(),
            updated: String::new(),
            updated_iso: String::new(),
            last_reviewed,
            last_reviewed_iso,
            next_review: String::new(),
            next_review_iso: String::new(),
            reviewed_by: "",
            author: "",
            sources: Vec::new(),
            services: Vec::new(),
            conditions: Vec::new(),
            providers: Vec::new(),
            faq: &[],
            extra: &extra,
        })
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

    fn build_provider_summary(&self, i: usize) -> tera::Value {
        tera::Value::from_serializable(&self.provider_summary(i))
    }

    /// A provider's summary (for lists), borrowing from the site.
    fn provider_summary(&self, i: usize) -> ProviderSummary<'_> {
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
        let facets = |v: &'a [toml::Spanned<String>], known: &[&str], facet: Facet| {
            v.iter()
                .filter(|s| known.contains(&s.get_ref().as_str()))
                .map(|s| self.facet_link_object(facet, s.get_ref()))
                .collect::<Vec<_>>()
        };
        let terms = |v: &'a [toml::Spanned<String>], known: &BTreeMap<String, usize>, folder| {
            v.iter()
                .filter(|s| known.contains_key(s.get_ref()))
                .map(|s| self.term_link_object(s.get_ref(), known, folder))
                .collect::<Vec<_>>()
        };
        ProviderSummary {
            id: &p.id,
            name: p.name(),
            url: self.url(&p.path()),
            kind: LinkObject {
                id: kind_id,
                title: self.theme.sub("kinds", kind_id).into(),
                url: self.url("providers/"),
            },
            summary: &d.summary,
            illustrative: d.illustrative,
            rating: rating.map(|r| self.facet_link_object(Facet::Ratings, r)),
            rated: self.date(rated).0,
            areas_served: d
                .areas_served
                .iter()
                .map(|s| s.get_ref().as_str())
                .collect(),
            services: terms(&d.services, &self.site.services, "services"),
            conditions: terms(&d.conditions, &self.site.conditions, "conditions"),
            settings: facets(&d.settings, vocab::SETTINGS, Facet::Settings),
            routes: facets(&d.referral.routes, vocab::ROUTES, Facet::ReferralRoutes),
            funding: facets(&d.funding.types, vocab::FUNDING, Facet::Funding),
            phone: self.phone_object(d.phone.as_ref().map(|s| s.get_ref().as_str())),
        }
    }

    /// [`Env::facet_link`] borrowing its id.
    fn facet_link_object<'s>(&self, facet: Facet, id: &'s str) -> LinkObject<'s> {
        LinkObject {
            id,
            title: self.theme.sub(facet.strings_table(), id).into(),
            url: self.url(&format!("{}/{}/", facet.id(), id)),
        }
    }

    /// [`Env::service_link`] or [`Env::condition_link`] (`terms` and
    /// `folder` say which) borrowing from the site.
    fn term_link_object<'s>(
        &'s self,
        id: &'s str,
        terms: &BTreeMap<String, usize>,
        folder: &str,
    ) -> LinkObject<'s> {
        match terms.get(id) {
            Some(&i) => LinkObject {
                id,
                title: self.site.pages[i].title().into(),
                url: self.url(&self.site.pages[i].path),
            },
            None => LinkObject {
                id,
                title: id.into(),
                url: self.url(&format!("{folder}/{id}/")),
            },
        }
    }

    /// [`Env::phone`] as a struct.
    fn phone_object(&self, s: Option<&str>) -> Option<PhoneObject> {
        s.and_then(uk::parse_phone).map(|p| PhoneObject {
            display: p.display,
            tel: p.tel,
        })
    }

    /// Everything about a provider, for its own page, as a template value.
    pub fn provider_full(&self, i: usize) -> tera::Value {
        tera::Value::from_serializable(&self.provider_object(i))
    }

    /// Everything about a provider, borrowing from the site.
    pub fn provider_object(&self, i: usize) -> ProviderFull<'_> {
        let p: &Provider = &self.site.providers[i];
        let d = &p.data;
        let address = d.address.as_ref().map(|a| {
            let pc = a
                .postcode
                .as_ref()
                .map(|p| uk::normalise_postcode(p.get_ref()).unwrap_or_else(|| p.get_ref().clone()))
                .unwrap_or_default();
            AddressObject {
                lines: &a.lines,
                town: &a.town,
                postcode: pc,
            }
        });
        let map_query = d
            .address
            .as_ref()
            .map(|a| {
                let mut parts: Vec<&str> = a.lines.iter().map(String::as_str).collect();
                parts.push(&a.town);
                if let Some(pc) = &a.postcode {
                    parts.push(pc.get_ref());
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
        let days: Vec<DayObject> = if d.opening_hours.days().iter().any(Option::is_some) {
            let weekdays = self.theme.list("weekdays");
            d.opening_hours
                .days()
                .iter()
                .enumerate()
                .map(|(n, h)| DayObject {
                    day: weekdays.get(n).cloned().unwrap_or_default(),
                    hours: h
                        .map(str::to_string)
                        .unwrap_or_else(|| self.theme.s("closed")),
                    closed: h.is_none(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let cqc = d.cqc.as_ref().map(|c| {
            let id = c
                .location_id
                .as_ref()
                .map(|s| s.get_ref().as_str())
                .unwrap_or("");
            let url = c
                .url
                .as_ref()
                .map(|u| u.get_ref().clone())
                .unwrap_or_else(|| {
                    if id.is_empty() {
                        String::new()
                    } else {
                        format!("https://www.cqc.org.uk/location/{id}")
                    }
                });
            let rating_id = c
                .rating
                .as_ref()
                .and_then(|r| vocab::rating_id(r.get_ref()))
                .unwrap_or("not-yet-rated");
            let (rated, rated_iso) = self.date(c.rated.as_ref().map(|r| *r.get_ref()));
            let questions = c
                .questions()
                .into_iter()
                .filter_map(|(q, r)| {
                    let rid = vocab::rating_id(r?.get_ref())?;
                    Some(QuestionObject {
                        id: q,
                        title: self.theme.sub("questions", q),
                        rating: self.facet_link_object(Facet::Ratings, rid),
                    })
                })
                .collect();
            CqcObject {
                location_id: id,
                url,
                rating: self.facet_link_object(Facet::Ratings, rating_id),
                rated,
                rated_iso,
                questions,
            }
        });
        let (verified, verified_iso) = self.date(d.verified.as_ref().map(|v| *v.get_ref()));
        let valid = |v: &'a Option<toml::Spanned<String>>, ok: fn(&str) -> bool| {
            v.as_ref()
                .map(|e| e.get_ref().as_str())
                .filter(|e| ok(e))
                .unwrap_or("")
        };
        ProviderFull {
            summary: self.provider_summary(i),
            address,
            map_url,
            out_of_hours_phone: self
                .phone_object(d.out_of_hours_phone.as_ref().map(|s| s.get_ref().as_str())),
            email: valid(&d.email, uk::is_email),
            website: valid(&d.website, uk::is_web_url),
            opening_hours: OpeningHoursObject {
                open_24_hours: d.opening_hours.open_24_hours,
                runs: hour_runs(&days),
                days,
                notes: &d.opening_hours.notes,
            },
            referral: ReferralObject {
                how: &d.referral.how,
                have_ready: &d.referral.have_ready,
            },
            cost_notes: &d.funding.cost_notes,
            cqc,
            languages: &d.languages,
            accessibility: &d.accessibility,
            verified,
            verified_iso,
            extra: &d.extra,
        }
    }
}

/// A provider's summary, as lists show it (see `docs/themes.md`).
pub struct ProviderSummary<'a> {
    id: &'a str,
    name: &'a str,
    url: String,
    kind: LinkObject<'a>,
    summary: &'a str,
    illustrative: bool,
    rating: Option<LinkObject<'a>>,
    rated: String,
    areas_served: Vec<&'a str>,
    services: Vec<LinkObject<'a>>,
    conditions: Vec<LinkObject<'a>>,
    settings: Vec<LinkObject<'a>>,
    routes: Vec<LinkObject<'a>>,
    funding: Vec<LinkObject<'a>>,
    phone: Option<PhoneObject>,
}

impl ProviderSummary<'_> {
    /// Writes the summary's fields, in order: its own serialisation and the
    /// start of [`ProviderFull`]'s (a struct, not a flattened map, so that
    /// templates key each field by its static name).
    fn fields<S: serde::ser::SerializeStruct>(&self, st: &mut S) -> Result<(), S::Error> {
        st.serialize_field("id", self.id)?;
        st.serialize_field("name", self.name)?;
        st.serialize_field("url", &self.url)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("summary", self.summary)?;
        st.serialize_field("illustrative", &self.illustrative)?;
        st.serialize_field("rating", &self.rating)?;
        st.serialize_field("rated", &self.rated)?;
        st.serialize_field("areas_served", &self.areas_served)?;
        st.serialize_field("services", &self.services)?;
        st.serialize_field("conditions", &self.conditions)?;
        st.serialize_field("settings", &self.settings)?;
        st.serialize_field("routes", &self.routes)?;
        st.serialize_field("funding", &self.funding)?;
        st.serialize_field("phone", &self.phone)
    }
}

impl Serialize for ProviderSummary<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ProviderSummary", 15)?;
        self.fields(&mut st)?;
        st.end()
    }
}

/// Everything about a provider: its summary's fields and the rest.
pub struct ProviderFull<'a> {
    /// The summary's fields.
    pub summary: ProviderSummary<'a>,
    address: Option<AddressObject<'a>>,
    map_url: String,
    out_of_hours_phone: Option<PhoneObject>,
    /// Its e-mail address, if valid (else empty).
    pub email: &'a str,
    /// Its own website, if a web URL (else empty).
    pub website: &'a str,
    opening_hours: OpeningHoursObject<'a>,
    referral: ReferralObject<'a>,
    cost_notes: &'a str,
    cqc: Option<CqcObject<'a>>,
    languages: &'a [String],
    accessibility: &'a str,
    verified: String,
    verified_iso: String,
    extra: &'a toml::Table,
}

impl ProviderFull<'_> {
    /// Its address: (street lines joined by ", ", town, postcode).
    pub fn address(&self) -> Option<(String, &str, &str)> {
        self.address
            .as_ref()
            .map(|a| (a.lines.join(", "), a.town, a.postcode.as_str()))
    }

    /// Its phone number, as a `tel:` value.
    pub fn tel(&self) -> Option<&str> {
        self.summary.phone.as_ref().map(|p| p.tel.as_str())
    }

    /// Its page's URL (root-relative).
    pub fn url(&self) -> &str {
        &self.summary.url
    }

    /// The URL of its CQC page, if any (else empty).
    pub fn cqc_url(&self) -> &str {
        self.cqc.as_ref().map(|c| c.url.as_str()).unwrap_or("")
    }
}

impl Serialize for ProviderFull<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ProviderFull", 30)?;
        self.summary.fields(&mut st)?;
        st.serialize_field("address", &self.address)?;
        st.serialize_field("map_url", &self.map_url)?;
        st.serialize_field("out_of_hours_phone", &self.out_of_hours_phone)?;
        st.serialize_field("email", self.email)?;
        st.serialize_field("website", self.website)?;
        st.serialize_field("opening_hours", &self.opening_hours)?;
        st.serialize_field("referral", &self.referral)?;
        st.serialize_field("cost_notes", self.cost_notes)?;
        st.serialize_field("cqc", &self.cqc)?;
        st.serialize_field("languages", self.languages)?;
        st.serialize_field("accessibility", self.accessibility)?;
        st.serialize_field("verified", &self.verified)?;
        st.serialize_field("verified_iso", &self.verified_iso)?;
        st.serialize_field("extra", self.extra)?;
        st.end()
    }
}

/// A phone number: `{ display, tel }`.
#[derive(Serialize)]
struct PhoneObject {
    display: String,
    tel: String,
}

#[derive(Serialize)]
struct AddressObject<'a> {
    lines: &'a [String],
    town: &'a str,
    postcode: String,
}

#[derive(Serialize)]
struct DayObject {
    day: String,
    hours: String,
    closed: bool,
}

#[derive(Serialize)]
struct OpeningHoursObject<'a> {
    open_24_hours: bool,
    days: Vec<DayObject>,
    /// The days again, with next-door days of the same hours as one run.
    runs: Vec<HoursRun>,
    notes: &'a str,
}

/// Next-door days with the same hours, shown as one line ("Monday to
/// Friday: 9am to 5pm"), so that a theme need not work the runs out itself.
#[derive(Debug, PartialEq, Serialize)]
struct HoursRun {
    /// The first and last day's names (the same for a run of one day).
    start: String,
    end: String,
    /// How many days the run covers.
    days: usize,
    hours: String,
    /// Whether every day of the run has no hours given.
    closed: bool,
}

/// The runs of `days` (the week in order, Monday first).
fn hour_runs(days: &[DayObject]) -> Vec<HoursRun> {
    let mut runs: Vec<HoursRun> = Vec::new();
    for d in days {
        match runs.last_mut() {
            // Grouped by the hours as shown: a day whose hours read
            // "Closed" and a day with none look the same to a reader.
            Some(r) if r.hours == d.hours => {
                r.end.clone_from(&d.day);
                r.days += 1;
                r.closed &= d.closed;
            }
            _ => runs.push(HoursRun {
                start: d.day.clone(),
                end: d.day.clone(),
                days: 1,
                hours: d.hours.clone(),
                closed: d.closed,
            }),
        }
    }
    runs
}

#[derive(Serialize)]
struct ReferralObject<'a> {
    how: &'a str,
    have_ready: &'a [String],
}

#[derive(Serialize)]
struct CqcObject<'a> {
    location_id: &'a str,
    url: String,
    rating: LinkObject<'a>,
    rated: String,
    rated_iso: String,
    questions: Vec<QuestionObject<'a>>,
}

#[derive(Serialize)]
struct QuestionObject<'a> {
    id: &'static str,
    title: String,
    rating: LinkObject<'a>,
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

/// A page's summary, for lists (see `docs/themes.md`).
#[derive(Serialize)]
struct PageSummary<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    kind: &'a str,
    last_reviewed: String,
    last_reviewed_iso: String,
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
    title: std::borrow::Cow<'a, str>,
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

    fn week(hours: [Option<&str>; 7]) -> Vec<DayObject> {
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        names
            .iter()
            .zip(hours)
            .map(|(n, h)| DayObject {
                day: n.to_string(),
                hours: h.unwrap_or("Closed").to_string(),
                closed: h.is_none(),
            })
            .collect()
    }

    fn run(start: &str, end: &str, days: usize, hours: &str, closed: bool) -> HoursRun {
        HoursRun {
            start: start.into(),
            end: end.into(),
            days,
            hours: hours.into(),
            closed,
        }
    }

    #[test]
    fn next_door_days_with_the_same_hours_share_a_run() {
        let nine = Some("9am to 5pm");
        let days = week([nine, nine, nine, nine, nine, None, None]);
        assert_eq!(
            hour_runs(&days),
            [
                run("Mon", "Fri", 5, "9am to 5pm", false),
                run("Sat", "Sun", 2, "Closed", true)
            ]
        );
        // The same hours apart are two runs; hours that read "Closed" join
        // a closed day's run, which is then not wholly closed.
        let days = week([
            nine,
            Some("Closed"),
            None,
            nine,
            nine,
            nine,
            Some("10am to 2pm"),
        ]);
        assert_eq!(
            hour_runs(&days),
            [
                run("Mon", "Mon", 1, "9am to 5pm", false),
                run("Tue", "Wed", 2, "Closed", false),
                run("Thu", "Sat", 3, "9am to 5pm", false),
                run("Sun", "Sun", 1, "10am to 2pm", false)
            ]
        );
        let days = week([None, None, None, None, None, None, nine]);
        assert_eq!(
            hour_runs(&days),
            [
                run("Mon", "Sat", 6, "Closed", true),
                run("Sun", "Sun", 1, "9am to 5pm", false)
            ]
        );
        assert!(hour_runs(&[]).is_empty());
    }

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
        let want = env.build_provider_summary(0);
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
        let bare: Vec<tera::Value> = all.iter().map(|&i| env.build_provider_summary(i)).collect();
        without.insert_value("providers", tera::Value::from(bare));
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
