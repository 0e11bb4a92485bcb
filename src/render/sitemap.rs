//! `sitemap.xml` and `robots.txt`.

use super::Output;
use super::context::Env;
use crate::check::FastMap;
use crate::model::Date;
use std::borrow::Cow;
use std::cmp::Ordering;

/// Escape text for XML and drop characters XML 1.0 does not allow.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_xml_escaped(&mut out, s);
    out
}

/// [`xml_escape`], appending to `out`.
fn push_xml_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

/// When each page last changed, by URL path: the later of `updated` and
/// `last_reviewed` (or `date`) for pages, `verified` for providers.
pub fn lastmod<'a>(env: &Env<'a>) -> FastMap<Cow<'a, str>, Date> {
    let mut m = FastMap::default();
    for p in &env.site.pages {
        let d = |x: &Option<toml::Spanned<Date>>| x.as_ref().map(|d| *d.get_ref());
        let best = [d(&p.fm.updated), d(&p.fm.last_reviewed), d(&p.fm.date)]
            .into_iter()
            .flatten()
            .max();
        if let Some(b) = best {
            m.insert(Cow::Borrowed(p.path.as_str()), b);
        }
    }
    for pr in &env.site.providers {
        if let Some(v) = &pr.data.verified {
            m.insert(Cow::Owned(pr.path()), *v.get_ref());
        }
    }
    m
}

/// Where the sitemap is published; every build makes it.
pub const SITEMAP_PATH: &str = "sitemap.xml";
/// Where robots.txt is published; every build makes it.
pub const ROBOTS_PATH: &str = "robots.txt";

/// The sitemap of every page among the output paths `outputs`
/// (`x/index.html`), except drafts and the 404 page.
pub fn sitemap<'a>(env: &Env, outputs: impl IntoIterator<Item = &'a str>) -> Output {
    let base = &env.site.config.base_url;
    let dates = lastmod(env);
    let drafts: Vec<&str> = env
        .site
        .pages
        .iter()
        .filter(|p| p.fm.draft)
        .map(|p| p.path.as_str())
        .collect();
    let mut paths: Vec<&str> = outputs
        .into_iter()
        .filter_map(|o| {
            if o == "index.html" {
                Some("")
            } else {
                o.strip_suffix("/index.html")
            }
        })
        .collect();
    // In URL order (`services-x/` before `services/`), as crawlers read it.
    paths.sort_unstable_by(|a, b| url_order(a, b));
    paths.dedup();
    // Each date written once.
    let mut iso: FastMap<Date, String> = FastMap::default();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in paths {
        let path = if p.is_empty() {
            String::new()
        } else {
            format!("{p}/")
        };
        if drafts.contains(&path.as_str()) {
            continue;
        }
        xml.push_str("<url><loc>");
        push_xml_escaped(&mut xml, base);
        push_xml_escaped(&mut xml, &path);
        xml.push_str("</loc>");
        if let Some(d) = dates.get(path.as_str()) {
            xml.push_str("<lastmod>");
            xml.push_str(iso.entry(*d).or_insert_with(|| d.iso()));
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Output {
        path: SITEMAP_PATH.into(),
        bytes: xml.into_bytes(),
    }
}

/// The order of two page paths (`x/y`, or empty for the home page) by their
/// URLs (`x/y/`), without making the URLs.
fn url_order(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        Ordering::Equal => {}
        o => return o,
    }
    // One is the other and more: after the shorter's own `/` (none for
    // the home page), its URL ends.
    let longer_rest = |shorter: &[u8], longer: &[u8]| {
        if shorter.is_empty() || longer[n] >= b'/' {
            Ordering::Less
        } else {
            Ordering::Greater
        }
    };
    match a.len().cmp(&b.len()) {
        Ordering::Equal => Ordering::Equal,
        Ordering::Less => longer_rest(a, b),
        Ordering::Greater => longer_rest(b, a).reverse(),
    }
}

/// `robots.txt`: everything may be crawled; names the sitemap.
pub fn robots(env: &Env) -> Output {
    Output {
        path: ROBOTS_PATH.into(),
        bytes: format!(
            "User-agent: *\nDisallow:\n\nSitemap: {}sitemap.xml\n",
            env.site.config.base_url
        )
        .into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pages_sort_as_their_urls_do() {
        let mut paths = vec![
            "services",
            "",
            "services-x",
            "a/b",
            "a",
            "a-b",
            "a/b/c",
            "services",
            "a.b",
            "a/",
            "b",
            "a0",
            "a/a",
            "",
        ];
        paths.sort_unstable_by(|a, b| super::url_order(a, b));
        let mut urls: Vec<String> = paths
            .iter()
            .map(|p| {
                if p.is_empty() {
                    String::new()
                } else {
                    format!("{p}/")
                }
            })
            .collect();
        let made = urls.clone();
        urls.sort();
        assert_eq!(made, urls);
        assert_eq!(paths[0], "");
        assert!(
            paths.iter().position(|p| *p == "services-x")
                < paths.iter().position(|p| *p == "services")
        );
    }

    #[test]
    fn escapes_and_drops_bad_characters() {
        assert_eq!(
            super::xml_escape("a<b>&\"c'\u{1}d"),
            "a&lt;b&gt;&amp;&quot;c&apos;d"
        );
    }
}
