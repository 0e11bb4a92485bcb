//! Internal links written as `@/path/file.md#heading`: the path of a source
//! file under `content/`, resolved to the URL of its page.

use super::Site;
use crate::check::FastSet;
use crate::diagnostics::nearest;
use std::borrow::Borrow;
use std::hash::{Hash, Hasher};

/// What an internal link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Page(usize),
    Provider(usize),
}

/// A resolved `@/` link.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub target: Target,
    /// The URL with the fragment, if any, e.g. `/hub/accessing-care/#getting-a-referral`.
    pub url: String,
    pub fragment: Option<String>,
}

/// A resolved `@/` link, borrowed from the site and the link: what
/// [`Resolved`] holds, without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'s, 'l> {
    pub target: Target,
    /// The URL of the page or provider, without the fragment (from the site).
    pub url: &'s str,
    /// What follows the first `#` of the link, if it has one (from the link).
    pub fragment: Option<&'l str>,
}

/// Every page and provider an `@/` link can name, with its URL (base path
/// included), made once per build: a page's links are resolved from this
/// table alone. Each entry holds its key and its URL side by side in one
/// allocation, so a look-up touches the table and one short string rather
/// than the table, the key, the page and the page's path, which at 10,000
/// pages were mostly cache misses.
#[derive(Debug, Default)]
pub struct Index {
    /// Pages by their path under `content/` (as [`Site::by_rel`]).
    pages: FastSet<Entry>,
    /// Providers by id (as [`Site::provider_by_id`]).
    providers: FastSet<Entry>,
}

impl Index {
    /// The index of `site`'s pages and providers, from its `by_rel` and
    /// `provider_by_id` maps and its base path. Made after those are final
    /// (at the end of [`super::resolve`]).
    pub fn new(site: &Site) -> Index {
        let base = site.config.base_path_str();
        let pages = site
            .by_rel
            .iter()
            .filter_map(|(rel, &i)| {
                let p = site.pages.get(i)?;
                Some(Entry::new(rel, &[base, &p.path], Target::Page(i)))
            })
            .collect();
        let providers = site
            .provider_by_id
            .iter()
            .filter_map(|(id, &i)| {
                let p = site.providers.get(i)?;
                Some(Entry::new(id, &[base, &p.path()], Target::Provider(i)))
            })
            .collect();
        Index { pages, providers }
    }

    fn page(&self, rel: &str) -> Option<&Entry> {
        self.pages.get(rel)
    }
}

/// One page or provider of an [`Index`]: its key, then its URL, in one string.
#[derive(Debug)]
struct Entry {
    text: Box<str>,
    key_len: usize,
    target: Target,
}

impl Entry {
    fn new(key: &str, url: &[&str], target: Target) -> Entry {
        let mut text =
            String::with_capacity(key.len() + url.iter().map(|s| s.len()).sum::<usize>());
        text.push_str(key);
        for s in url {
            text.push_str(s);
        }
        Entry {
            text: text.into_boxed_str(),
            key_len: key.len(),
            target,
        }
    }

    fn key(&self) -> &str {
        self.text.get(..self.key_len).unwrap_or_default()
    }

    fn url(&self) -> &str {
        self.text.get(self.key_len..).unwrap_or_default()
    }
}

// An entry is looked up by its key: it hashes and compares as the key does.
impl Borrow<str> for Entry {
    fn borrow(&self) -> &str {
        self.key()
    }
}

impl Hash for Entry {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Entry {}

/// Resolve `@/file.md#frag`. On failure, the message and a hint naming the
/// nearest valid files.
pub fn resolve(site: &Site, link: &str) -> Result<Resolved, (String, String)> {
    let f = find_link(site, link)?;
    let url = match f.fragment {
        // The URL and `#fragment`, in one allocation.
        Some(frag) => {
            let mut url = String::with_capacity(f.url.len() + 1 + frag.len());
            url.push_str(f.url);
            url.push('#');
            url.push_str(frag);
            url
        }
        None => f.url.to_string(),
    };
    Ok(Resolved {
        target: f.target,
        url,
        fragment: f.fragment.map(str::to_string),
    })
}

/// [`resolve`] without allocating: the page's URL and the fragment,
/// borrowed.
pub fn find_link<'s, 'l>(site: &'s Site, link: &'l str) -> Result<Found<'s, 'l>, (String, String)> {
    let inner = link.strip_prefix("@/").unwrap_or(link);
    let (file, fragment) = match inner.split_once('#') {
        Some((f, frag)) => (f, Some(frag)),
        None => (inner, None),
    };
    let file = file.trim_start_matches('/');
    match find(site, file) {
        Some(e) => Ok(Found {
            target: e.target,
            url: e.url(),
            fragment,
        }),
        None => {
            let mut all: Vec<String> = site.by_rel.keys().cloned().collect();
            all.extend(
                site.providers
                    .iter()
                    .map(|p| format!("providers/{}.toml", p.id)),
            );
            all.sort();
            let near = nearest_files(file, &all);
            let hint = if near.is_empty() {
                "write the path of a file under content/, e.g. @/accessing-care.md".to_string()
            } else {
                format!(
                    "did you mean {}?",
                    near.iter()
                        .map(|n| format!("@/{n}"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                )
            };
            Err((
                format!("link to `{link}`: there is no such file under content/"),
                hint,
            ))
        }
    }
}

/// The page or provider a link's file part (without `@/`) names: the file
/// itself, or with `.md`, or the folder's `_index.md`, or a provider's TOML.
fn find<'a>(site: &'a Site, file: &str) -> Option<&'a Entry> {
    let index = &site.link_index;
    if let Some(e) = index.page(file) {
        return Some(e);
    }
    let mut key = String::with_capacity(file.len() + "/_index.md".len());
    key.push_str(file);
    key.push_str(".md");
    if let Some(e) = index.page(&key) {
        return Some(e);
    }
    key.clear();
    key.push_str(file.trim_end_matches('/'));
    key.push_str("/_index.md");
    if let Some(e) = index.page(&key) {
        Some(e)
    } else if file.is_empty() {
        index.page("_index.md")
    } else if let Some(id) = file
        .strip_prefix("providers/")
        .map(|f| f.trim_end_matches(".toml"))
    {
        index.providers.get(id)
    } else {
        None
    }
}

/// The files nearest to `wanted`: compared by file name, so that a shared
/// folder (`providers/`) does not make unrelated files look alike.
fn nearest_files<'a>(wanted: &str, all: &'a [String]) -> Vec<&'a str> {
    let stem = |p: &str| -> String {
        let name = p.rsplit('/').next().unwrap_or(p);
        name.trim_end_matches(".md")
            .trim_end_matches(".toml")
            .to_string()
    };
    let stems: Vec<String> = all.iter().map(|p| stem(p)).collect();
    let near = nearest(&stem(wanted), stems.iter().map(|s| s.as_str()));
    let mut out: Vec<&str> = Vec::new();
    for n in near {
        for (i, s) in stems.iter().enumerate() {
            if s == n && !out.contains(&all[i].as_str()) {
                out.push(&all[i]);
            }
        }
    }
    out.truncate(3);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::{compile_files, page};

    #[test]
    fn links_resolve_from_the_index_with_the_base_path() {
        let (_dir, c) = compile_files(&[
            (
                "site.toml",
                "title = \"T\"\nbase_url = \"https://hub.example.org/hub/\"\n",
            ),
            ("content/care/_index.md", &page("Care", "", "Care.")),
            ("content/care/respite.md", &page("Respite", "", "Rest.")),
            (
                "content/providers/bittern.toml",
                include_str!("../../content/providers/bittern-lane-bereavement-support.toml"),
            ),
        ]);
        let site = &c.site;
        let url = |l: &str| resolve(site, l).map(|r| r.url);
        let r = resolve(site, "@/care/respite.md#when").expect("resolves");
        assert_eq!(r.url, "/hub/care/respite/#when");
        assert_eq!(r.fragment.as_deref(), Some("when"));
        assert_eq!(r.target, Target::Page(site.by_rel["care/respite.md"]));
        assert_eq!(url("@/care/respite").unwrap(), "/hub/care/respite/");
        assert_eq!(
            url("@//care/respite.md#a#b").unwrap(),
            "/hub/care/respite/#a#b"
        );
        assert_eq!(url("@/care").unwrap(), "/hub/care/");
        assert_eq!(url("@/care/").unwrap(), "/hub/care/");
        assert_eq!(url("@/").unwrap(), "/hub/");
        let p = resolve(site, "@/providers/bittern.toml").expect("provider");
        assert_eq!(p.url, "/hub/providers/bittern/");
        assert_eq!(p.target, Target::Provider(site.provider_by_id["bittern"]));
        assert_eq!(
            url("@/providers/bittern#x").unwrap(),
            "/hub/providers/bittern/#x"
        );
        let f = find_link(site, "@/care/respite.md#when").expect("found");
        assert_eq!((f.url, f.fragment), ("/hub/care/respite/", Some("when")));
        let (msg, hint) = resolve(site, "@/care/respit.md").expect_err("broken");
        assert!(msg.contains("@/care/respit.md"), "{msg}");
        assert!(hint.contains("@/care/respite.md"), "{hint}");
        assert!(url("@/providers/nobody.toml").is_err());
    }

    #[test]
    fn an_index_entry_is_found_by_its_key_alone() {
        let mut set = FastSet::default();
        set.insert(Entry::new("a.md", &["/", "a/"], Target::Page(3)));
        set.insert(Entry::new("b.md", &["/b/"], Target::Page(4)));
        let e = set.get("a.md").expect("a");
        assert_eq!(
            (e.key(), e.url(), e.target),
            ("a.md", "/a/", Target::Page(3))
        );
        assert_eq!(set.get("b.md").map(Entry::url), Some("/b/"));
        assert!(!set.contains("a.md/"));
        assert!(!set.contains("/a/"));
    }

    #[test]
    fn nearest_by_file_name() {
        let all: Vec<String> = [
            "providers/ouzel-valley-hospice.toml",
            "services/respite-care.md",
            "accessing-care.md",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            super::nearest_files("services/respit-care.md", &all),
            vec!["services/respite-care.md"]
        );
        assert!(super::nearest_files("providers/three-counties.toml", &all).is_empty());
    }
}
