//! Turn a carehub hub into a Hugo site of the same content, so that
//! `scripts/bench.sh` (with `PEERS=hugo`) can time Hugo on the same machine
//! and corpus as carehub, rather than quoting figures from elsewhere.
//!
//! The Hugo site has the same markdown (front matter included: Hugo reads
//! `+++` TOML), the same sections, one page per provider, services and
//! conditions as taxonomies, and a small theme: head, menu, breadcrumbs,
//! table of contents, body, sources and terms on each page, a list on each
//! section and term page, plus Hugo's own sitemap and feeds. It does less
//! than carehub's build (no editorial checks, link check, search index,
//! structured data or facets), so Hugo's time on it is a lower bound.
//!
//! `cargo run --release --example hugo_site -- HUB OUT`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Hugo's taxonomies take the URLs `/services/` and `/conditions/`, so the
/// hub's own sections of those names move aside.
const MOVED: [(&str, &str); 2] = [
    ("services", "service-info"),
    ("conditions", "condition-info"),
];

const CONFIG: &str = r#"baseURL = "https://bench.example.org/"
languageCode = "en-gb"
title = "Synthetic Care Hub"
[taxonomies]
service = "services"
condition = "conditions"
[markup.tableOfContents]
startLevel = 2
endLevel = 3
"#;

const BASEOF: &str = r#"<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ .Site.Title }}</title><meta name="description" content="{{ .Description }}">
<link rel="canonical" href="{{ .Permalink }}"><link rel="stylesheet" href="/style.css"></head>
<body><header><a href="/">{{ .Site.Title }}</a><nav><ul>
<li><a href="/service-info/">Services</a></li><li><a href="/condition-info/">Conditions</a></li><li><a href="/providers/">Providers</a></li></ul></nav></header>
<nav aria-label="Breadcrumb"><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li>{{ .Title }}</li></ol></nav>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ .Site.Title }} &middot; updated {{ .Lastmod.Format "2 January 2006" }}</footer></body></html>
"#;

const SINGLE: &str = r#"{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Description }}</p><p>Reviewed {{ .Params.last_reviewed }} by {{ .Params.reviewed_by }}. {{ .ReadingTime }} min read.</p>
<nav aria-label="Contents">{{ .TableOfContents }}</nav>
{{ .Content }}
<h2>Sources</h2><ul>{{ range .Params.sources }}<li><a href="{{ .url }}">{{ .title }}</a> ({{ .publisher }})</li>{{ end }}</ul>
<h2>Services</h2><ul>{{ range .GetTerms "services" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>{{ end }}
"#;

const PROVIDER: &str = r#"{{ define "main" }}<article><h1>{{ .Title }}</h1>
<dl>{{ range $k, $v := .Params }}<dt>{{ $k }}</dt><dd>{{ $v }}</dd>{{ end }}</dl>{{ .Content }}
</article>{{ end }}
"#;

const LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Description }}</li>{{ end }}</ul>{{ end }}
"#;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [hub, out] = args.as_slice() else {
        eprintln!("usage: hugo_site HUB OUT");
        return ExitCode::from(2);
    };
    match convert(hub, out) {
        Ok(n) => {
            println!(
                "wrote a Hugo site of {n} content files into {}",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn convert(hub: &Path, out: &Path) -> Result<usize, String> {
    let content = hub.join("content");
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let mut count = 0;
    for entry in walkdir::WalkDir::new(&content) {
        let entry = entry.map_err(|e| e.to_string())?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&content)
            .map_err(|e| e.to_string())?;
        let dest = out.join("content").join(moved(rel));
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        let (dest, text) = match rel.extension().and_then(|x| x.to_str()) {
            Some("md") => (dest, text),
            Some("toml") => (dest.with_extension("md"), provider_page(&text, rel)?),
            _ => continue,
        };
        write(&dest, &text)?;
        count += 1;
    }
    write(&out.join("config.toml"), CONFIG)?;
    let layouts = out.join("layouts");
    write(&layouts.join("_default/baseof.html"), BASEOF)?;
    write(&layouts.join("_default/single.html"), SINGLE)?;
    write(&layouts.join("_default/list.html"), LIST)?;
    write(&layouts.join("provider/single.html"), PROVIDER)?;
    Ok(count)
}

/// The path a content file takes in the Hugo site.
fn moved(rel: &Path) -> PathBuf {
    let mut parts = rel.components();
    let first = parts
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    match first.and_then(|f| MOVED.iter().find(|(from, _)| *from == f)) {
        Some((_, to)) => Path::new(to).join(parts.as_path()),
        None => rel.to_path_buf(),
    }
}

/// A provider file becomes a page whose front matter is the provider's own
/// TOML, with a title (its name) and a layout type put first.
fn provider_page(text: &str, rel: &Path) -> Result<String, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("{}: {e}", rel.display()))?;
    let name = table
        .get("name")
        .and_then(|v| v.as_str())
        .unwrap_or("Provider");
    let summary = table.get("summary").and_then(|v| v.as_str()).unwrap_or("");
    let title = match table.contains_key("title") {
        true => String::new(),
        false => format!("title = {}\n", toml::Value::String(name.to_string())),
    };
    Ok(format!(
        "+++\ntype = \"provider\"\n{title}{text}\n+++\n\n{summary}\n"
    ))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_named_like_taxonomies_move_aside() {
        assert_eq!(
            moved(Path::new("services/night-sitting.md")),
            Path::new("service-info/night-sitting.md")
        );
        assert_eq!(moved(Path::new("care/a.md")), Path::new("care/a.md"));
    }

    #[test]
    fn a_provider_page_is_titled_by_its_name_and_keeps_its_fields() {
        let page = provider_page(
            "name = \"A \\\"B\\\" Home\"\nkind = \"hospice\"\n",
            Path::new("p.toml"),
        )
        .unwrap();
        let front = page
            .strip_prefix("+++\n")
            .and_then(|p| p.split("\n+++\n").next())
            .unwrap();
        let table: toml::Table = front.parse().unwrap();
        assert_eq!(table["title"].as_str(), Some("A \"B\" Home"));
        assert_eq!(table["kind"].as_str(), Some("hospice"));
        assert_eq!(table["type"].as_str(), Some("provider"));
        assert!(provider_page("name = [", Path::new("p.toml")).is_err());
    }
}
