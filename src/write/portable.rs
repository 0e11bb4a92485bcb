//! `carehub build --portable`: rewrite every link between the site's own
//! files as a relative link to a file (`../services/respite-care/index.html`),
//! so the site works opened straight from disk: a USB stick, a shared
//! drive or a kiosk with no web server.
//!
//! HTML attributes that hold URLs (`href`, `src`, `srcset`, `action`,
//! `poster`, `data`, and `<meta http-equiv="refresh">`) and CSS `url()` are
//! rewritten; the canonical link, Open Graph tags, JSON-LD, the sitemap and
//! the feed keep their absolute URLs, which are for search engines and
//! feed readers rather than for moving between pages.

use crate::render::Output;
use lol_html::html_content::Element;
use lol_html::{RewriteStrSettings, element, rewrite_str};
use std::collections::HashSet;

/// Rewrite `outputs` for reading from disk. `base_url` is the site's
/// absolute URL (ending in `/`).
pub fn rewrite(outputs: &[Output], base_url: &str) -> Result<Vec<Output>, String> {
    let site = SiteUrls::new(base_url, outputs);
    outputs
        .iter()
        .map(|o| {
            let bytes = if o.path.ends_with(".html") {
                let text = std::str::from_utf8(&o.bytes)
                    .map_err(|_| format!("{} is not UTF-8", o.path))?;
                rewrite_html(text, &o.path, &site)
                    .map_err(|e| format!("cannot rewrite links in {}: {e}", o.path))?
                    .into_bytes()
            } else if o.path.ends_with(".css") {
                match std::str::from_utf8(&o.bytes) {
                    Ok(text) => rewrite_css(text, &o.path, &site).into_bytes(),
                    Err(_) => o.bytes.clone(),
                }
            } else {
                o.bytes.clone()
            };
            Ok(Output {
                path: o.path.clone(),
                bytes,
            })
        })
        .collect()
}

/// What is needed to turn a URL into a path to a file of the site.
pub struct SiteUrls {
    /// `https://example.org/hub/`
    base_url: String,
    /// `/hub/`
    base_path: String,
    files: HashSet<String>,
}

impl SiteUrls {
    pub fn new(base_url: &str, outputs: &[Output]) -> Self {
        let base_url = if base_url.ends_with('/') {
            base_url.to_string()
        } else {
            format!("{base_url}/")
        };
        let base_path = match base_url.split_once("://") {
            Some((_, rest)) => match rest.find('/') {
                Some(i) => rest[i..].to_string(),
                None => "/".to_string(),
            },
            None => "/".to_string(),
        };
        SiteUrls {
            base_url,
            base_path,
            files: outputs.iter().map(|o| o.path.clone()).collect(),
        }
    }

    /// The relative URL from the file `from` to what `url` points at, or
    /// `None` when `url` is not a link to this site (external, `mailto:`,
    /// `#fragment` only, `data:`...).
    pub fn relative(&self, url: &str, from: &str) -> Option<String> {
        let url = url.trim();
        if url.is_empty() || url.starts_with('#') || url.starts_with("//") {
            return None;
        }
        let site_path: String = if let Some(rest) = url.strip_prefix(&self.base_url) {
            rest.to_string()
        } else if let Some(rest) = url.strip_prefix(&self.base_path) {
            rest.to_string()
        } else if url.starts_with('/') || has_scheme(url) {
            return None;
        } else {
            // Relative to the page's own folder.
            let dir = from.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            join(dir, url)?
        };
        let cut = site_path.find(['?', '#']).unwrap_or(site_path.len());
        let (path, suffix) = site_path.split_at(cut);
        let target = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else if !self.files.contains(path) && self.files.contains(&format!("{path}/index.html")) {
            format!("{path}/index.html")
        } else {
            path.to_string()
        };
        Some(format!("{}{suffix}", relative_path(from, &target)))
    }
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !url[..i].contains('/')
        }
        None => false,
    }
}

/// Join a relative URL to a folder, resolving `.` and `..`; `None` if it
/// climbs above the site root.
fn join(dir: &str, rel: &str) -> Option<String> {
    let cut = rel.find(['?', '#']).unwrap_or(rel.len());
    let (path, suffix) = rel.split_at(cut);
    let mut segs: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let parts: Vec<&str> = path.split('/').collect();
    for (i, p) in parts.iter().enumerate() {
        match *p {
            "." => {}
            ".." => {
                segs.pop()?;
            }
            "" if i + 1 < parts.len() => {}
            s => segs.push(s),
        }
    }
    let mut out = segs.join("/");
    if (path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..") || path == "..")
        && !out.is_empty()
    {
        out.push('/');
    }
    Some(format!("{out}{suffix}"))
}

/// The relative path from the file `from` to the file `to` (both under the root).
pub fn relative_path(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect::<Vec<_>>();
    let from_dir = &from_dir[..from_dir.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len().saturating_sub(1));
    let mut out = "../".repeat(from_dir.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

/// Decode the character references that may appear in an attribute value.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => None,
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escape for an attribute value written by lol_html (which escapes `"` itself).
fn encode_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn rewrite_attr(el: &mut Element, name: &str, from: &str, site: &SiteUrls) {
    let Some(raw) = el.get_attribute(name) else {
        return;
    };
    let value = decode_entities(&raw);
    let new = if name == "srcset" {
        let parts: Vec<String> = value
            .split(',')
            .map(|c| {
                let c = c.trim();
                let (u, d) = c.split_once(char::is_whitespace).unwrap_or((c, ""));
                let u = site.relative(u, from).unwrap_or_else(|| u.to_string());
                if d.is_empty() {
                    u
                } else {
                    format!("{u} {}", d.trim())
                }
            })
            .collect();
        Some(parts.join(", "))
    } else {
        site.relative(&value, from)
    };
    if let Some(n) = new.filter(|n| *n != value) {
        // Only fails for invalid attribute names, and these are fixed ones.
        let _ = el.set_attribute(name, &encode_attr(&n));
    }
}

fn rewrite_html(html: &str, from: &str, site: &SiteUrls) -> Result<String, String> {
    let attr_handler = |name: &'static str| {
        element!(format!("[{name}]"), move |el| {
            let canonical = name == "href"
                && el.tag_name() == "link"
                && el.get_attribute("rel").is_some_and(|r| {
                    r.split_whitespace()
                        .any(|t| t.eq_ignore_ascii_case("canonical"))
                });
            if !canonical {
                rewrite_attr(el, name, from, site);
            }
            Ok(())
        })
    };
    let handlers = vec![
        attr_handler("href"),
        attr_handler("src"),
        attr_handler("srcset"),
        attr_handler("action"),
        attr_handler("poster"),
        attr_handler("data"),
        element!("meta[http-equiv]", move |el| {
            let refresh = el
                .get_attribute("http-equiv")
                .is_some_and(|h| h.eq_ignore_ascii_case("refresh"));
            if let (true, Some(raw)) = (refresh, el.get_attribute("content")) {
                let content = decode_entities(&raw);
                let lower = content.to_ascii_lowercase();
                if let Some(i) = lower.find("url=") {
                    let target = content[i + 4..].trim().trim_matches(['"', '\'']);
                    if let Some(rel) = site.relative(target, from) {
                        let new = format!("{}{rel}", &content[..i + 4]);
                        let _ = el.set_attribute("content", &encode_attr(&new));
                    }
                }
            }
            Ok(())
        }),
    ];
    let mut settings = RewriteStrSettings::new();
    for h in handlers {
        settings = settings.append_element_content_handler(h);
    }
    rewrite_str(html, settings).map_err(|e| e.to_string())
}

/// Rewrite `url(...)` in a stylesheet.
fn rewrite_css(css: &str, from: &str, site: &SiteUrls) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("url(") {
        out.push_str(&rest[..i + 4]);
        let after = &rest[i + 4..];
        let Some(end) = after.find(')') else {
            rest = after;
            break;
        };
        let inner = after[..end].trim();
        let (quote, url) = match inner.chars().next() {
            Some(q @ ('"' | '\'')) => (q.to_string(), inner.trim_matches(q)),
            _ => (String::new(), inner),
        };
        match site.relative(url, from) {
            Some(r) if !url.starts_with("data:") => {
                out.push_str(&quote);
                out.push_str(&r);
                out.push_str(&quote);
            }
            _ => out.push_str(&after[..end]),
        }
        out.push(')');
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(base: &str) -> SiteUrls {
        let files = [
            "index.html",
            "services/index.html",
            "services/respite-care/index.html",
            "assets/carehub.css",
            "atom.xml",
        ];
        let outputs: Vec<Output> = files
            .iter()
            .map(|p| Output {
                path: p.to_string(),
                bytes: Vec::new(),
            })
            .collect();
        SiteUrls::new(base, &outputs)
    }

    #[test]
    fn relative_links_name_files() {
        let s = site("https://example.org/hub/");
        let from = "services/respite-care/index.html";
        assert_eq!(s.relative("/hub/", from).unwrap(), "../../index.html");
        assert_eq!(
            s.relative("/hub/services/#list", from).unwrap(),
            "../index.html#list"
        );
        assert_eq!(
            s.relative("https://example.org/hub/services/respite-care/", from)
                .unwrap(),
            "index.html"
        );
        assert_eq!(
            s.relative("/hub/services", "index.html").unwrap(),
            "services/index.html"
        );
        assert_eq!(
            s.relative("/hub/search/?q=a%20b", "index.html").unwrap(),
            "search/index.html?q=a%20b"
        );
        assert_eq!(s.relative("../", from).unwrap(), "../index.html");
        assert_eq!(
            s.relative("/hub/assets/carehub.css", from).unwrap(),
            "../../assets/carehub.css"
        );
        assert_eq!(s.relative("#top", from), None);
        assert_eq!(s.relative("mailto:a@b.org", from), None);
        assert_eq!(s.relative("https://www.nhs.uk/", from), None);
        assert_eq!(s.relative("/elsewhere/", from), None);
    }

    #[test]
    fn rewrites_html_but_not_canonical() {
        let s = site("https://example.org/");
        let html = r#"<link rel="canonical" href="https://example.org/services/"><a href="&#x2F;services&#x2F;respite-care&#x2F;?a=1&amp;b=2">x</a><meta http-equiv="refresh" content="0; url=https://example.org/services/"><img srcset="/assets/carehub.css 1x, /atom.xml 2x">"#;
        let out = rewrite_html(html, "services/index.html", &s).unwrap();
        assert!(
            out.contains(r#"<link rel="canonical" href="https://example.org/services/">"#),
            "{out}"
        );
        assert!(
            out.contains(r#"href="respite-care/index.html?a=1&amp;b=2""#),
            "{out}"
        );
        assert!(out.contains(r#"content="0; url=index.html""#), "{out}");
        assert!(
            out.contains(r#"srcset="../assets/carehub.css 1x, ../atom.xml 2x""#),
            "{out}"
        );
    }

    #[test]
    fn rewrites_css_urls() {
        let s = site("https://example.org/");
        let css = "a{background:url(\"/assets/carehub.css\")} b{background:url(data:image/png;base64,AA)}";
        assert_eq!(
            rewrite_css(css, "assets/x.css", &s),
            "a{background:url(\"carehub.css\")} b{background:url(data:image/png;base64,AA)}"
        );
    }

    #[test]
    fn decodes_entities() {
        assert_eq!(
            decode_entities("&#x2F;a&amp;b&#47;&unknown;"),
            "/a&b/&unknown;"
        );
    }
}
