//! `sitemap.xml` and `robots.txt`.

use super::Output;
use super::context::Env;
use crate::model::Date;
use std::collections::BTreeMap;

/// Escape text for XML and drop characters XML 1.0 does not allow.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
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
    out
}

/// When each page last changed, by URL path: the later of `updated` and
/// `last_reviewed` (or `date`) for pages, `verified` for providers.
pub fn lastmod(env: &Env) -> BTreeMap<String, Date> {
    let mut m = BTreeMap::new();
    for p in &env.site.pages {
        let d = |x: &Option<toml::Spanned<Date>>| x.as_ref().map(|d| *d.get_ref());
        let best = [d(&p.fm.updated), d(&p.fm.last_reviewed), d(&p.fm.date)]
            .into_iter()
            .flatten()
            .max();
        if let Some(b) = best {
            m.insert(p.path.clone(), b);
        }
    }
    for pr in &env.site.providers {
        if let Some(v) = &pr.data.verified {
            m.insert(pr.path(), *v.get_ref());
        }
    }
    m
}

/// The sitemap of every page among `outputs` (`x/index.html`), except
/// drafts and the 404 page.
pub fn sitemap(env: &Env, outputs: &[String]) -> Output {
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
        .iter()
        .filter_map(|o| {
            if o == "index.html" {
                Some("")
            } else {
                o.strip_suffix("/index.html")
            }
        })
        .collect();
    paths.sort_unstable();
    paths.dedup();
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
        xml.push_str(&xml_escape(&format!("{base}{path}")));
        xml.push_str("</loc>");
        if let Some(d) = dates.get(&path) {
            xml.push_str("<lastmod>");
            xml.push_str(&d.iso());
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Output {
        path: "sitemap.xml".into(),
        bytes: xml.into_bytes(),
    }
}

/// `robots.txt`: everything may be crawled; names the sitemap.
pub fn robots(env: &Env) -> Output {
    Output {
        path: "robots.txt".into(),
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
    fn escapes_and_drops_bad_characters() {
        assert_eq!(
            super::xml_escape("a<b>&\"c'\u{1}d"),
            "a&lt;b&gt;&amp;&quot;c&apos;d"
        );
    }
}
