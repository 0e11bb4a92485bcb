//! Internal links written as `@/path/file.md#heading`: the path of a source
//! file under `content/`, resolved to the URL of its page.

use super::Site;
use crate::diagnostics::nearest;

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

/// Resolve `@/file.md#frag`. On failure, the message and a hint naming the
/// nearest valid files.
pub fn resolve(site: &Site, link: &str) -> Result<Resolved, (String, String)> {
    let inner = link.strip_prefix("@/").unwrap_or(link);
    let (file, fragment) = match inner.split_once('#') {
        Some((f, frag)) => (f, Some(frag.to_string())),
        None => (inner, None),
    };
    let file = file.trim_start_matches('/');
    let target = find(site, file);
    match target {
        Some(t) => {
            // base path + page path + `#fragment`, in one allocation.
            let base = site.config.base_path_str();
            let frag_len = fragment.as_ref().map_or(0, |f| f.len() + 1);
            // A provider's path is `providers/{id}/` (`Provider::path`).
            let (folder, path, slash) = match t {
                Target::Page(i) => ("", site.pages[i].path.as_str(), ""),
                Target::Provider(i) => ("providers/", site.providers[i].id.as_str(), "/"),
            };
            let mut url =
                String::with_capacity(base.len() + folder.len() + path.len() + 1 + frag_len);
            url.push_str(base);
            url.push_str(folder);
            url.push_str(path);
            url.push_str(slash);
            if let Some(f) = &fragment {
                url.push('#');
                url.push_str(f);
            }
            Ok(Resolved {
                target: t,
                url,
                fragment,
            })
        }
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
fn find(site: &Site, file: &str) -> Option<Target> {
    if let Some(&i) = site.by_rel.get(file) {
        return Some(Target::Page(i));
    }
    let mut key = String::with_capacity(file.len() + "/_index.md".len());
    key.push_str(file);
    key.push_str(".md");
    if let Some(&i) = site.by_rel.get(&key) {
        return Some(Target::Page(i));
    }
    key.clear();
    key.push_str(file.trim_end_matches('/'));
    key.push_str("/_index.md");
    if let Some(&i) = site.by_rel.get(&key) {
        Some(Target::Page(i))
    } else if file.is_empty() {
        site.by_rel.get("_index.md").map(|&i| Target::Page(i))
    } else if let Some(id) = file
        .strip_prefix("providers/")
        .map(|f| f.trim_end_matches(".toml"))
    {
        site.provider_by_id.get(id).map(|&i| Target::Provider(i))
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
