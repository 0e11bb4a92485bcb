//! Pages made from data rather than markdown: providers, facet pages,
//! find-a-service, the A-to-Z search page, "What's changed", 404 and
//! redirects for aliases.

use super::context::{Env, ProviderFull};
use super::value::to_tera;
use super::{Job, Output, absolute, finish_context, jsonld, output_path, put};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::model::PageKind;
use crate::model::vocab::Facet;
use crate::resolve::Site;
use serde_json::{Value, json};
use tera::value::Key;

fn home_crumb(env: &Env) -> (String, String) {
    (env.theme.s("home"), env.url(""))
}

/// How many related articles a provider page lists besides those naming
/// the provider: the most recently updated articles about its services and
/// conditions. Listing every such article would make each provider page
/// grow with the whole site (and the build quadratic).
pub const RELATED_MAX: usize = 12;

/// One generated page; its context is built when it is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spec {
    /// The search page, with the A to Z (or links to its letters' pages).
    Search,
    /// The A-to-Z page of the letter of titles whose first letter or digit
    /// is this (`None`: titles with neither), when the A to Z has a page
    /// per letter (see [`AZ_ONE_PAGE_MAX`]).
    AzLetter(Option<char>),
    Find,
    /// The providers listing, for sites without `providers/_index.md`.
    ProvidersListing,
    /// The `services` or `conditions` listing, for sites without its `_index.md`.
    FolderListing(&'static str),
    FacetIndex(Facet),
    FacetTerm(Facet, &'static str),
    /// A page of "What has changed", from 1 (see [`changes_path`]).
    Changes(usize),
    NotFound,
    Provider(usize),
}

/// Every generated page, the ones listing the most first (so that the
/// longest renders start early and do not hold up the end of the build).
pub fn specs(site: &Site) -> Vec<Spec> {
    let mut v = vec![Spec::Search, Spec::Find];
    v.extend(az_letter_specs(site));
    if !site.by_rel.contains_key("providers/_index.md") {
        v.push(Spec::ProvidersListing);
    }
    for folder in ["services", "conditions"] {
        if !site.by_rel.contains_key(&format!("{folder}/_index.md")) {
            v.push(Spec::FolderListing(folder));
        }
    }
    for facet in Facet::ALL {
        v.push(Spec::FacetIndex(facet));
        v.extend(facet.values().iter().map(|val| Spec::FacetTerm(facet, val)));
    }
    v.extend((1..=super::feed::change_pages(site)).map(Spec::Changes));
    v.push(Spec::NotFound);
    v.extend((0..site.providers.len()).map(Spec::Provider));
    v
}

/// The output path of a generated page (as its job's `path`), without
/// building its context.
pub fn spec_path(site: &Site, spec: Spec) -> String {
    match spec {
        Spec::Search => "search/index.html".into(),
        Spec::AzLetter(c) => output_path(&az_path(&az_letter(c))),
        Spec::Find => "find-a-service/index.html".into(),
        Spec::ProvidersListing => "providers/index.html".into(),
        Spec::FolderListing(f) => output_path(&format!("{f}/")),
        Spec::FacetIndex(f) => output_path(&format!("{}/", f.id())),
        Spec::FacetTerm(f, v) => output_path(&format!("{}/{}/", f.id(), v)),
        Spec::Changes(n) => output_path(&changes_path(n)),
        Spec::NotFound => "404.html".into(),
        Spec::Provider(i) => output_path(&site.providers[i].path()),
    }
}

/// Build the template job of one generated page.
pub fn job(env: &Env, spec: Spec) -> Job {
    match spec {
        Spec::Search => search_job(env, None),
        Spec::AzLetter(c) => search_job(env, Some(c)),
        Spec::Find => find_job(env),
        Spec::ProvidersListing => providers_listing_job(env),
        Spec::FolderListing(f) => folder_listing_job(env, f),
        Spec::FacetIndex(f) => facet_index_job(env, f),
        Spec::FacetTerm(f, v) => facet_term_job(env, f, v),
        Spec::Changes(n) => changes_job(env, n),
        Spec::NotFound => {
            let page =
                env.generated_page("not_found", &env.theme.s("not_found_title"), "", "404.html");
            Job {
                path: "404.html".into(),
                template: "404.html".into(),
                ctx: finish_context(env, to_tera(page), vec![], None),
                origin: "404 page".into(),
            }
        }
        Spec::Provider(i) => provider_job(env, i, &providers_crumb(env)),
    }
}

fn providers_crumb(env: &Env) -> (String, String) {
    let site = env.site;
    match site.by_rel.get("providers/_index.md") {
        Some(&i) => (
            site.pages[i].title().to_string(),
            env.url(&site.pages[i].path),
        ),
        None => (env.theme.sub("facets", "providers"), env.url("providers/")),
    }
}

fn providers_listing_job(env: &Env) -> Job {
    let crumb = providers_crumb(env);
    let page = env.generated_page("section", &crumb.0, "", "providers/");
    let mut ctx = finish_context(env, to_tera(page), vec![home_crumb(env)], None);
    let provs = env.providers_sorted().to_vec();
    env.list_providers(&mut ctx, &provs);
    put(&mut ctx, "pages", Vec::<Value>::new());
    Job {
        path: "providers/index.html".into(),
        template: "section.html".into(),
        ctx,
        origin: "providers listing".into(),
    }
}

/// The services or conditions listing, for sites without its `_index.md`:
/// every service, condition and provider page links to it.
fn folder_listing_job(env: &Env, folder: &'static str) -> Job {
    let site = env.site;
    let ids = if folder == "services" {
        &site.services
    } else {
        &site.conditions
    };
    let path = format!("{folder}/");
    let title = env.theme.sub("facets", folder);
    let page = env.generated_page("section", &title, "", &path);
    let mut ctx = finish_context(env, to_tera(page), vec![home_crumb(env)], None);
    let pages: Vec<usize> = ids.values().copied().collect();
    env.list_pages(&mut ctx, "pages", &pages);
    put(&mut ctx, "providers", Vec::<Value>::new());
    put(&mut ctx, "section", Value::Null);
    Job {
        path: output_path(&path),
        template: "section.html".into(),
        ctx,
        origin: format!("{folder} listing"),
    }
}

fn provider_job(env: &Env, i: usize, crumb: &(String, String)) -> Job {
    let site = env.site;
    let p = &site.providers[i];
    let full = env.provider_object(i);
    let verified = p.data.verified.as_ref().map(|v| *v.get_ref());
    let page = env.generated_page_value("provider", p.name(), &p.data.summary, &p.path(), verified);
    let ld = provider_jsonld(env, i, &full);
    let mut ctx = finish_context(env, page, vec![home_crumb(env), crumb.clone()], Some(ld));
    ctx.insert_value("provider", tera::Value::from_serializable(&full));
    env.list_pages(&mut ctx, "articles", &related_articles(env, i));
    Job {
        path: output_path(&p.path()),
        template: "provider.html".into(),
        ctx,
        origin: p.src.path.clone(),
    }
}

/// A provider's related articles: every article naming it, then up to
/// [`RELATED_MAX`] recent articles about its services and conditions (those
/// sharing more of them first).
pub fn related_articles(env: &Env, i: usize) -> Vec<usize> {
    let site = env.site;
    let p = &site.providers[i];
    let mut named: Vec<usize> = site
        .pages_by_provider
        .get(&p.id)
        .into_iter()
        .flatten()
        .copied()
        .filter(|&a| site.pages[a].kind == PageKind::Article)
        .collect();
    named.sort_unstable();
    named.dedup();
    // Candidates: the most recent few of each service's and condition's articles.
    let mut candidates: Vec<usize> = Vec::new();
    let lists = p
        .data
        .services
        .iter()
        .map(|s| env.recent_articles_about_service(s.get_ref()))
        .chain(
            p.data
                .conditions
                .iter()
                .map(|c| env.recent_articles_about_condition(c.get_ref())),
        );
    for list in lists {
        candidates.extend_from_slice(list);
    }
    candidates.sort_unstable();
    // (article, how many of the provider's services and conditions it is about)
    let mut shared: Vec<(usize, usize)> = Vec::new();
    for a in candidates {
        match shared.last_mut() {
            Some((x, n)) if *x == a => *n += 1,
            _ => shared.push((a, 1)),
        }
    }
    shared.retain(|(a, _)| named.binary_search(a).is_err());
    let mut out = named;
    out.extend(most_shared(shared, |a| env.recency_rank(a), RELATED_MAX));
    out
}

/// The first `max` articles of `shared` (article, count; ascending by
/// article) by count, most first, then by `rank` (recency), lowest first.
/// Only the `max` kept are sorted; the article's index breaks ties, which
/// keeps the order a stable sort of `shared` would give.
fn most_shared(
    shared: Vec<(usize, usize)>,
    rank: impl Fn(usize) -> usize,
    max: usize,
) -> impl Iterator<Item = usize> {
    let mut keyed: Vec<(std::cmp::Reverse<usize>, usize, usize)> = shared
        .into_iter()
        .map(|(a, n)| (std::cmp::Reverse(n), rank(a), a))
        .collect();
    if keyed.len() > max {
        if max > 0 {
            keyed.select_nth_unstable(max - 1);
        }
        keyed.truncate(max);
    }
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, a)| a)
}

fn provider_jsonld(env: &Env, i: usize, full: &ProviderFull) -> jsonld::Graph {
    let p = &env.site.providers[i];
    let kind = p
        .data
        .kind
        .as_ref()
        .map(|k| k.get_ref().as_str())
        .unwrap_or("");
    let ty = if kind == "hospital-team" {
        "Hospital"
    } else {
        "MedicalOrganization"
    };
    let page_url = absolute(env, full.url());
    let address = full.address();
    let address = address
        .as_ref()
        .map(|(lines, town, postcode)| jsonld::PostalAddress {
            ty: "PostalAddress",
            address_country: "GB",
            address_locality: town,
            postal_code: postcode,
            street_address: lines.clone(),
        });
    let area_served = (p.data.areas_served.iter())
        .map(|a| jsonld::Named {
            ty: "AdministrativeArea",
            name: a.get_ref(),
        })
        .collect();
    jsonld::Graph::new(&jsonld::Organization {
        ty,
        address,
        area_served,
        description: &p.data.summary,
        email: Some(full.email).filter(|e| !e.is_empty()),
        main_entity_of_page: &page_url,
        name: p.name(),
        // The CQC's page about the same location.
        same_as: Some(full.cqc_url()).filter(|c| !c.is_empty()),
        telephone: full.tel(),
        // The organisation's own website where known; the hub's page about
        // it is the page this node is the main entity of.
        url: Some(full.website)
            .filter(|w| !w.is_empty())
            .unwrap_or(&page_url),
    })
}

/// A facet as templates see it, its title and intro, and its index's path.
fn facet_value(env: &Env, facet: Facet) -> (Value, String, String, String) {
    let title = env.theme.sub("facets", facet.id());
    let intro = env.theme.sub("facet_intros", facet.id());
    let index_path = format!("{}/", facet.id());
    let v =
        json!({ "id": facet.id(), "title": title, "intro": intro, "url": env.url(&index_path) });
    (v, title, intro, index_path)
}

fn facet_index_job(env: &Env, facet: Facet) -> Job {
    let site = env.site;
    let (facet_v, title, intro, index_path) = facet_value(env, facet);
    let terms: Vec<Value> = facet
        .values()
        .iter()
        .map(|v| {
            let mut l = env.facet_link(facet, v);
            let n = site
                .providers_by_facet
                .get(&(facet, v.to_string()))
                .map_or(0, |x| x.len());
            l["count"] = json!(n);
            l
        })
        .collect();
    let page = env.generated_page("facet_index", &title, &intro, &index_path);
    let mut ctx = finish_context(env, to_tera(page), vec![home_crumb(env)], None);
    put(&mut ctx, "facet", facet_v);
    put(&mut ctx, "terms", terms);
    Job {
        path: output_path(&index_path),
        template: "facet_index.html".into(),
        ctx,
        origin: format!("{} listing", facet.id()),
    }
}

fn facet_term_job(env: &Env, facet: Facet, v: &str) -> Job {
    let site = env.site;
    let (facet_v, title, intro, index_path) = facet_value(env, facet);
    let term = env.facet_link(facet, v);
    let path = format!("{}/{}/", facet.id(), v);
    let term_title = term["title"].as_str().unwrap_or(v).to_string();
    let page = env.generated_page("facet", &term_title, &intro, &path);
    let mut ctx = finish_context(
        env,
        to_tera(page),
        vec![home_crumb(env), (title, env.url(&index_path))],
        None,
    );
    let mut provs: Vec<usize> = site
        .providers_by_facet
        .get(&(facet, v.to_string()))
        .cloned()
        .unwrap_or_default();
    env.sort_providers(&mut provs);
    put(&mut ctx, "facet", facet_v);
    put(&mut ctx, "term", term);
    env.list_providers(&mut ctx, &provs);
    Job {
        path: output_path(&path),
        template: "facet.html".into(),
        ctx,
        origin: format!("{} page {v}", facet.id()),
    }
}

fn find_job(env: &Env) -> Job {
    let site = env.site;
    let title = env.theme.s("find_title");
    let desc = env.theme.s("find_description");
    let page = env.generated_page("find", &title, &desc, "find-a-service/");
    let mut ctx = finish_context(env, to_tera(page), vec![home_crumb(env)], None);
    let provs = env.providers_sorted().to_vec();
    let ids_titles = |items: Vec<(String, String)>| -> Vec<Value> {
        items
            .into_iter()
            .map(|(id, title)| json!({ "id": id, "title": title }))
            .collect()
    };
    let services = ids_titles(
        site.services
            .iter()
            .map(|(id, &i)| (id.clone(), site.pages[i].title().to_string()))
            .collect(),
    );
    let conditions = ids_titles(
        site.conditions
            .iter()
            .map(|(id, &i)| (id.clone(), site.pages[i].title().to_string()))
            .collect(),
    );
    let facet_list = |f: Facet| {
        ids_titles(
            f.values()
                .iter()
                .map(|v| (v.to_string(), env.theme.sub(f.strings_table(), v)))
                .collect(),
        )
    };
    env.list_providers(&mut ctx, &provs);
    put(
        &mut ctx,
        "filters",
        json!({
            "services": services,
            "conditions": conditions,
            "settings": facet_list(Facet::Settings),
            "ratings": facet_list(Facet::Ratings),
            "funding": facet_list(Facet::Funding),
            "routes": facet_list(Facet::ReferralRoutes),
        }),
    );
    Job {
        path: "find-a-service/index.html".into(),
        template: "find.html".into(),
        ctx,
        origin: "find-a-service page".into(),
    }
}

/// Above this many entries (pages and providers), the A to Z has a page
/// per letter and the search page links to them: one list of every entry
/// of a large hub is megabytes to download on a weak phone signal (2.5 MB
/// of HTML at 12,000 entries).
pub const AZ_ONE_PAGE_MAX: usize = 1000;

/// One entry of the A to Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AzItem {
    Page(usize),
    Provider(usize),
}

/// The A-to-Z letter of a title whose first letter or digit is `c`
/// (`None`: it has none): `0-9` for a digit, else the letter in capitals.
fn az_letter(c: Option<char>) -> String {
    match c {
        Some(c) if c.is_ascii_digit() => "0-9".into(),
        Some(c) => c.to_uppercase().collect(),
        None => "#".into(),
    }
}

/// The first letter or digit of a title.
fn az_char(title: &str) -> Option<char> {
    title.chars().find(|c| c.is_alphanumeric())
}

/// Where a title whose first letter or digit is `c` goes in the A to Z:
/// its letter ([`az_letter`]), after the class that orders the letters
/// (`0-9` first, then letters, `#` last).
fn az_key(c: Option<char>) -> (u8, String) {
    let class = match c {
        Some(c) if c.is_ascii_digit() => 0,
        Some(_) => 1,
        None => 2,
    };
    (class, az_letter(c))
}

/// Whether the A to Z has a page per letter ([`AZ_ONE_PAGE_MAX`]).
pub fn az_split(site: &Site) -> bool {
    site.pages.len() + site.providers.len() > AZ_ONE_PAGE_MAX
}

/// Every entry of the A to Z, with its title.
fn az_entries(site: &Site) -> impl Iterator<Item = (&str, AzItem)> {
    site.pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.title(), AzItem::Page(i)))
        .chain(
            site.providers
                .iter()
                .enumerate()
                .map(|(i, p)| (p.name(), AzItem::Provider(i))),
        )
}

/// The A to Z: its letters in order (`0-9` first, `#` last: titles with
/// no letter or digit), each with its entries in order of title.
pub fn az_groups(site: &Site) -> Vec<(String, Vec<AzItem>)> {
    az_order(az_entries(site))
}

/// [`az_groups`] of titled entries.
fn az_order<'t>(titled: impl Iterator<Item = (&'t str, AzItem)>) -> Vec<(String, Vec<AzItem>)> {
    // By letter, then by the title from its first letter or digit (so
    // "(Bath) hoists" sorts among the Bs as "Bath) hoists"), then whole.
    type Key = ((u8, String), String, String);
    let mut entries: Vec<(Key, AzItem)> = titled
        .map(|(t, item)| {
            let from = t.find(|c: char| c.is_alphanumeric()).unwrap_or(0);
            let key = (
                az_key(az_char(t)),
                t[from..].to_lowercase(),
                t.to_lowercase(),
            );
            (key, item)
        })
        .collect();
    // Stable: entries of the same title keep the order of the site.
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut groups: Vec<(String, Vec<AzItem>)> = Vec::new();
    for (((_, letter), _, _), item) in entries {
        match groups.last_mut() {
            Some((l, items)) if *l == letter => items.push(item),
            _ => groups.push((letter, vec![item])),
        }
    }
    groups
}

/// A first letter or digit of each A-to-Z letter's page, in the order of
/// [`az_groups`] (which sorts by [`az_key`] first), found without sorting
/// every entry; none when the A to Z fits on the search page.
fn az_letter_specs(site: &Site) -> Vec<Spec> {
    if !az_split(site) {
        return Vec::new();
    }
    let mut letters: std::collections::BTreeMap<(u8, String), Option<char>> =
        std::collections::BTreeMap::new();
    for (title, _) in az_entries(site) {
        let c = az_char(title);
        letters.entry(az_key(c)).or_insert(c);
    }
    letters.into_values().map(Spec::AzLetter).collect()
}

/// The site path of the A-to-Z page of `letter`: `search/a-z/b/`,
/// `search/a-z/0-9/`, `search/a-z/other/` for `#`, and code points for a
/// letter beyond ASCII (`search/a-z/u00c9/`), so every address is plain.
pub fn az_path(letter: &str) -> String {
    let slug = match letter {
        "0-9" => "0-9".to_string(),
        "#" => "other".to_string(),
        l if l.chars().all(|c| c.is_ascii_alphabetic()) => l.to_ascii_lowercase(),
        l => l.chars().map(|c| format!("u{:04x}", c as u32)).collect(),
    };
    format!("search/a-z/{slug}/")
}

/// The search page (`letter` `None`) or the A-to-Z page of one letter.
/// On the search page, `az` is the whole A to Z, unless it has a page per
/// letter: then `az` is empty and `az_pages` lists the letters' pages. On a
/// letter's page, `az` is that letter's group and `az_pages` marks it current.
fn search_job(env: &Env, letter: Option<Option<char>>) -> Job {
    let site = env.site;
    let groups = env.az();
    let split = az_split(site);
    let search_title = env.theme.s("search_title");
    let this = letter.map(az_letter);
    let (page, crumbs, path) = match &this {
        None => (
            env.generated_page("search", &search_title, "", "search/"),
            vec![home_crumb(env)],
            "search/".to_string(),
        ),
        Some(l) => {
            // A theme from before pages per letter may lack the key.
            let title = env
                .theme
                .s_or("az_letter_title", "{title}: {letter}")
                .replace("{title}", &search_title)
                .replace("{letter}", l);
            let path = az_path(l);
            (
                env.generated_page("az", &title, "", &path),
                vec![home_crumb(env), (search_title.clone(), env.url("search/"))],
                path,
            )
        }
    };
    let mut ctx = finish_context(env, to_tera(page), crumbs, None);
    // Straight to template values, entry by entry: a JSON copy of all
    // 12,000 entries of a large hub would briefly double their memory.
    let value = |item: AzItem| match item {
        AzItem::Page(i) => env.page_summary_value(i),
        AzItem::Provider(i) => {
            let p = &site.providers[i];
            to_tera(
                json!({ "title": p.name(), "url": env.url(&p.path()), "description": p.data.summary }),
            )
        }
    };
    let group = |letter: &str, items: &[AzItem]| {
        let mut m = tera::Map::new();
        m.insert(Key::Str("letter"), tera::Value::from(letter));
        let pages: Vec<tera::Value> = items.iter().map(|&i| value(i)).collect();
        m.insert(Key::Str("pages"), tera::Value::from(pages));
        tera::Value::from(m)
    };
    let az: Vec<tera::Value> = groups
        .iter()
        .filter(|(l, _)| match &this {
            None => !split,
            Some(t) => l == t,
        })
        .map(|(l, items)| group(l, items))
        .collect();
    ctx.insert_value("az", tera::Value::from(az));
    let az_pages: Vec<Value> = if split {
        groups
            .iter()
            .map(|(l, _)| {
                json!({ "letter": l, "url": env.url(&az_path(l)), "current": Some(l) == this.as_ref() })
            })
            .collect()
    } else {
        Vec::new()
    };
    put(&mut ctx, "az_pages", az_pages);
    Job {
        path: output_path(&path),
        template: "search.html".into(),
        ctx,
        origin: match &this {
            None => "search page".into(),
            Some(l) => format!("A to Z page of {l}"),
        },
    }
}

/// The site path of page `n` (from 1) of "What has changed": `changes/`,
/// then `changes/page/2/` and on, as most static site generators page.
pub fn changes_path(n: usize) -> String {
    if n <= 1 {
        "changes/".into()
    } else {
        format!("changes/page/{n}/")
    }
}

/// Warnings for a theme whose templates miss a value a large site needs
/// (a theme copied before the value existed): `changes.html` without
/// `pager` once "What has changed" takes more than one page (readers could
/// not reach the older pages), and `search.html` without `az_pages` once
/// the A to Z has a page per letter (its search page would link to none).
pub fn large_site_warnings(site: &Site, theme: &super::theme::Theme) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut need = |template: &str, value: &str, why: String| {
        if let Some(t) = theme.template_origins.get(template)
            && !t.text.contains(value)
        {
            out.push(
                Diagnostic::file(Severity::Warning, "theme", t.origin.clone(), why).with_hint(
                    format!(
                        "add what the default theme's templates/{template} does with `{value}` (see docs/themes.md)"
                    ),
                ),
            );
        }
    };
    let pages = super::feed::change_pages(site);
    if pages > 1 {
        need(
            "changes.html",
            "pager",
            format!(
                "\"What has changed\" takes {pages} pages of {} changes, but this template never uses `pager`, so readers cannot reach the older pages",
                super::feed::PER_PAGE
            ),
        );
    }
    if az_split(site) {
        let n = site.pages.len() + site.providers.len();
        need(
            "search.html",
            "az_pages",
            format!(
                "the A to Z of {n} entries has a page per letter (over {AZ_ONE_PAGE_MAX}), but this template never uses `az_pages`, so the search page links to none of them"
            ),
        );
    }
    out
}

/// Page `n` of "What has changed": its share of the changes, newest first,
/// and a `pager` to the newer and older pages.
fn changes_job(env: &Env, n: usize) -> Job {
    let site = env.site;
    let all = env.changes();
    let pages = super::feed::pages_for(all.len());
    let title = env.theme.s("changes_title");
    let path = changes_path(n);
    let (page_title, crumbs) = if n <= 1 {
        (title, vec![home_crumb(env)])
    } else {
        // A theme from before pages of changes may lack the key.
        let numbered = env
            .theme
            .s_or("changes_title_page", "{title} ({page}/{pages})")
            .replace("{title}", &title)
            .replace("{page}", &n.to_string())
            .replace("{pages}", &pages.to_string());
        let first = (title, env.url(&changes_path(1)));
        (numbered, vec![home_crumb(env), first])
    };
    let page = env.generated_page("changes", &page_title, "", &path);
    let mut ctx = finish_context(env, to_tera(page), crumbs, None);
    let changes: Vec<Value> = all
        .iter()
        .skip((n.max(1) - 1) * super::feed::PER_PAGE)
        .take(super::feed::PER_PAGE)
        .map(|c| {
            let p = &site.pages[c.page];
            let (date, iso) = env.date(Some(c.when));
            json!({
                "title": p.title(),
                "url": env.url(&p.path),
                "description": p.description(),
                "date": date,
                "date_iso": iso,
                "what": if c.new { env.theme.s("change_new") } else { env.theme.s("change_updated") },
            })
        })
        .collect();
    put(&mut ctx, "changes", changes);
    let url = |k: usize| env.url(&changes_path(k));
    put(
        &mut ctx,
        "pager",
        json!({
            "page": n,
            "pages": pages,
            "first": url(1),
            "newer": (n > 1).then(|| url(n - 1)),
            "older": (n < pages).then(|| url(n + 1)),
            "last": url(pages),
        }),
    );
    Job {
        path: output_path(&path),
        template: "changes.html".into(),
        ctx,
        origin: "changes page".into(),
    }
}

/// Redirect pages for every page's `aliases`. An alias may not take the
/// place of any file in `taken` (every other output of the build).
pub fn aliases<'a>(
    env: &Env,
    base: &tera::Context,
    taken: impl IntoIterator<Item = &'a str>,
    diags: &mut Diagnostics,
) -> Vec<Output> {
    let site = env.site;
    let taken: std::collections::HashSet<&str> = taken.into_iter().collect();
    let mut out: Vec<Output> = Vec::new();
    let mut seen: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let fixed_paths = generated_paths();
    for p in &site.pages {
        for a in &p.fm.aliases {
            let raw = a.get_ref().trim();
            let Some(path) = alias_path(raw) else {
                diags.push(
                    Diagnostic::error_at("bad-alias", &p.src, p.fm_span(a), format!("alias \"{raw}\" is not a safe URL path"))
                        .with_hint("write an old path of this site, e.g. \"/old-page/\", with no `..`, backslashes or control characters"),
                );
                continue;
            };
            let file = output_path(&path);
            // A file the build writes where the alias needs a folder (`/atom.xml/`).
            let clashing_file = path
                .trim_end_matches('/')
                .split('/')
                .scan(String::new(), |acc, seg| {
                    if !acc.is_empty() {
                        acc.push('/');
                    }
                    acc.push_str(seg);
                    Some(acc.clone())
                })
                .find(|dir| taken.contains(dir.as_str()));
            let is_page = site.by_path.contains_key(&path)
                || path
                    .strip_prefix("providers/")
                    .and_then(|id| id.strip_suffix('/'))
                    .is_some_and(|id| site.provider_by_id.contains_key(id))
                || fixed_paths.contains(&path)
                || taken.contains(file.as_str());
            if is_page || clashing_file.is_some() {
                let (msg, hint) = match clashing_file.filter(|_| !is_page) {
                    Some(f) => (
                        format!("alias \"{raw}\" would replace `{f}`, a file this site publishes"),
                        "remove the alias; an alias must be an old page URL that is not in use",
                    ),
                    None => (
                        format!("alias \"{raw}\" is the URL of an existing page"),
                        "remove the alias, or move the other page",
                    ),
                };
                diags.push(
                    Diagnostic::error_at("alias-collision", &p.src, p.fm_span(a), msg)
                        .with_hint(hint),
                );
                continue;
            }
            if let Some(other) = seen.insert(path.clone(), p.rel.clone()) {
                diags.push(
                    Diagnostic::error_at(
                        "alias-collision",
                        &p.src,
                        p.fm_span(a),
                        format!("alias \"{raw}\" is also an alias of {other}"),
                    )
                    .with_hint("an old URL can only redirect to one page"),
                );
                continue;
            }
            let target = absolute(env, &env.url(&p.path));
            let mut ctx = base.clone();
            ctx.insert("target", &target);
            ctx.insert("page", &env.generated_page("alias", p.title(), "", &p.path));
            ctx.insert("canonical", &target);
            match env.theme.tera.render("alias.html", &ctx) {
                Ok(html) => out.push(Output {
                    path: file,
                    bytes: html.into_bytes(),
                }),
                Err(e) => diags.push(super::theme::template_error(
                    &e,
                    &env.theme.template_origins,
                )),
            }
        }
    }
    out
}

/// URL paths the generator itself writes, that an alias must not take.
fn generated_paths() -> Vec<String> {
    let mut v = vec![
        "find-a-service/".to_string(),
        "search/".into(),
        "changes/".into(),
        "providers/".into(),
    ];
    for f in Facet::ALL {
        v.push(format!("{}/", f.id()));
        for val in f.values() {
            v.push(format!("{}/{}/", f.id(), val));
        }
    }
    v
}

/// A safe output path for an alias (`/old/page/` -> `old/page/`), or None.
pub fn alias_path(raw: &str) -> Option<String> {
    let trimmed = raw.trim_matches('/');
    if trimmed.is_empty() || raw.contains("://") || raw.contains('\\') {
        return None;
    }
    let trimmed = trimmed
        .strip_suffix("index.html")
        .unwrap_or(trimmed)
        .trim_end_matches('/');
    let segs: Vec<&str> = trimmed.split('/').collect();
    if segs
        .iter()
        .all(|s| crate::resolve::slug::is_safe_segment(s) && !s.contains(['?', '#', '%']))
    {
        Some(format!("{}/", segs.join("/")))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    /// The kept few in the order a stable sort of all of them gives, ties
    /// (equal rank) included.
    #[test]
    fn most_shared_is_a_stable_sort_cut_short() {
        let mut seed = 7u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % m) as usize
        };
        for round in 0..200 {
            let len = next(40);
            let mut shared: Vec<(usize, usize)> = (0..len).map(|a| (a * 3, 1 + next(3))).collect();
            shared.dedup_by_key(|x| x.0);
            let ranks: Vec<usize> = (0..len * 3)
                .map(|_| next(if round % 2 == 0 { 1000 } else { 4 }))
                .collect();
            let rank = |a: usize| ranks[a];
            for max in [0, 1, 5, 12, 100] {
                let mut want = shared.clone();
                want.sort_by_key(|&(a, n)| (std::cmp::Reverse(n), rank(a)));
                want.truncate(max);
                let want: Vec<usize> = want.into_iter().map(|(a, _)| a).collect();
                let got: Vec<usize> = super::most_shared(shared.clone(), rank, max).collect();
                assert_eq!(got, want);
            }
        }
    }

    /// Letters in order, each once: digits first, then letters, then
    /// titles with neither; a title that starts with punctuation goes
    /// under its first letter, not after the Z.
    #[test]
    fn a_to_z_letters_and_addresses() {
        use super::AzItem::{Page, Provider};
        let titles = [
            "Zinc",
            "\u{201c}Advance\u{201d} decisions",
            "apple",
            "24-hour care",
            "Éclair",
            "---",
            "Bath",
            "(Bath) hoists",
            "Strasse",
            "ßeta",
        ];
        let groups = super::az_order(
            titles
                .iter()
                .enumerate()
                .map(|(i, t)| (*t, if i % 2 == 0 { Page(i) } else { Provider(i) })),
        );
        let got: Vec<(&str, Vec<&str>)> = groups
            .iter()
            .map(|(l, items)| {
                let names = items
                    .iter()
                    .map(|&it| match it {
                        Page(i) | Provider(i) => titles[i],
                    })
                    .collect();
                (l.as_str(), names)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("0-9", vec!["24-hour care"]),
                ("A", vec!["\u{201c}Advance\u{201d} decisions", "apple"]),
                ("B", vec!["Bath", "(Bath) hoists"]),
                ("S", vec!["Strasse"]),
                ("SS", vec!["ßeta"]),
                ("Z", vec!["Zinc"]),
                ("É", vec!["Éclair"]),
                ("#", vec!["---"]),
            ]
        );
        let paths: Vec<String> = groups.iter().map(|(l, _)| super::az_path(l)).collect();
        assert_eq!(
            paths,
            [
                "search/a-z/0-9/",
                "search/a-z/a/",
                "search/a-z/b/",
                "search/a-z/s/",
                "search/a-z/ss/",
                "search/a-z/z/",
                "search/a-z/u00c9/",
                "search/a-z/other/",
            ]
        );
    }

    #[test]
    fn alias_paths() {
        assert_eq!(
            super::alias_path("/old/page/").as_deref(),
            Some("old/page/")
        );
        assert_eq!(super::alias_path("old/index.html").as_deref(), Some("old/"));
        assert_eq!(super::alias_path("/../etc/"), None);
        assert_eq!(super::alias_path("/a\\b/"), None);
        assert_eq!(super::alias_path("/"), None);
        assert_eq!(super::alias_path("https://evil.example/"), None);
    }
}
