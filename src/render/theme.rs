//! The theme: tera templates, the strings table, fingerprinted assets and
//! static files. The default theme is compiled into the binary; a theme
//! folder on disk (`themes/<name>/`) and the site's own `templates/` and
//! `static/` take precedence.

use crate::diagnostics::{Diagnostic, Severity, SourceFile};
use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use tera::Tera;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A loaded theme, ready to render pages.
pub struct Theme {
    pub tera: Tera,
    /// The strings table (`i18n/<language>.toml`).
    pub strings: toml::Table,
    /// Fingerprinted assets: output path (`assets/carehub.1a2b3c4d.css`) and bytes.
    pub assets: Vec<(String, Vec<u8>)>,
    /// Asset URLs by key (`css`, `find_js`, ...), relative to the site root.
    pub asset_paths: BTreeMap<String, String>,
    /// Files copied as they are: output path and bytes.
    pub static_files: Vec<(String, Vec<u8>)>,
    /// Where each template came from and its text, for messages.
    pub template_origins: BTreeMap<String, TemplateSource>,
    /// Whether [`PROVIDER_CARD_TEMPLATE`] was added (a template of the
    /// theme defines the `provider_card` component).
    pub has_provider_card: bool,
}

/// A template's origin (its path for messages) and its text.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub origin: String,
    pub text: std::sync::Arc<str>,
}

/// An internal template that draws one provider card with the theme's own
/// `provider_card` component (from `macros.html`), given `p`, `t` and
/// `level`. A component sees only its arguments, so its output for a
/// provider is the same wherever it is called: lists include the card made
/// once per build (`card` in a provider summary) instead of running the
/// component for every appearance. The name cannot clash with a template file's.
pub const PROVIDER_CARD_TEMPLATE: &str = "(carehub) provider card.html";
const PROVIDER_CARD_SOURCE: &str = "{{<provider_card p={p} level={level} />}}";

/// The component [`PROVIDER_CARD_TEMPLATE`] draws.
const PROVIDER_CARD_COMPONENT: &str = "provider_card";

/// One file of a theme, wherever it came from.
struct ThemeFile {
    rel: String,
    bytes: Vec<u8>,
    origin: String,
}

fn embedded_files() -> Vec<ThemeFile> {
    fn walk(dir: &Dir<'static>, out: &mut Vec<ThemeFile>) {
        for f in dir.files() {
            let rel = f.path().to_string_lossy().replace('\\', "/");
            out.push(ThemeFile {
                origin: format!("(built-in default theme)/{rel}"),
                rel,
                bytes: f.contents().to_vec(),
            });
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    walk(&DEFAULT_THEME, &mut out);
    out
}

/// The files of the built-in default theme, as (path inside the theme with
/// `/`, contents), for `carehub init` to copy into a new site.
pub fn default_theme_files() -> Vec<(String, &'static [u8])> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
        for f in dir.files() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    walk(&DEFAULT_THEME, &mut out);
    out.sort();
    out
}

fn disk_files(root: &Path, dir: &Path) -> Vec<ThemeFile> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        out.push(ThemeFile {
            origin: crate::load::display_path(root, entry.path()),
            rel,
            bytes,
        });
    }
    out
}

/// Load the theme named in site.toml for the site at `root`.
pub fn load(root: &Path, name: &str, language: &str) -> Result<Theme, Vec<Diagnostic>> {
    let dir = root.join("themes").join(name);
    let files = if dir.is_dir() {
        disk_files(root, &dir)
    } else if name == "default" {
        embedded_files()
    } else {
        return Err(vec![
            Diagnostic::file(
                Severity::Error,
                "unknown-theme",
                "site.toml",
                format!("theme \"{name}\" not found: there is no folder themes/{name}/"),
            )
            .with_hint(
                "create the folder, or remove `theme` from site.toml to use the default theme",
            ),
        ]);
    };
    let mut errors = Vec::new();
    let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut strings_files: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut assets = Vec::new();
    let mut asset_paths = BTreeMap::new();
    let mut static_files = Vec::new();
    let mut take = |f: ThemeFile, errors: &mut Vec<Diagnostic>| {
        if let Some(t) = f.rel.strip_prefix("templates/") {
            match String::from_utf8(f.bytes) {
                Ok(s) => {
                    templates.insert(t.to_string(), (s, f.origin));
                }
                Err(_) => errors.push(not_utf8(&f.origin)),
            }
        } else if let Some(t) = f.rel.strip_prefix("i18n/") {
            match String::from_utf8(f.bytes) {
                Ok(s) => {
                    strings_files.insert(t.trim_end_matches(".toml").to_string(), (s, f.origin));
                }
                Err(_) => errors.push(not_utf8(&f.origin)),
            }
        } else if let Some(a) = f.rel.strip_prefix("assets/") {
            let (stem, ext) = a.rsplit_once('.').unwrap_or((a, ""));
            let hash = Sha256::digest(&f.bytes);
            let short: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
            let out = format!("assets/{stem}.{short}.{ext}");
            let key = format!("{}_{}", stem.replace(['-', '/'], "_"), ext);
            if a == "carehub.css" {
                asset_paths.insert("css".to_string(), out.clone());
            }
            asset_paths.insert(key, out.clone());
            assets.push((out, f.bytes));
        } else if let Some(s) = f.rel.strip_prefix("static/") {
            static_files.push((s.to_string(), f.bytes));
        }
    };
    for f in files {
        take(f, &mut errors);
    }
    // The site's own templates/ and static/ override the theme's.
    for f in disk_files(root, &root.join("templates")) {
        let rel = format!("templates/{}", f.rel);
        take(ThemeFile { rel, ..f }, &mut errors);
    }
    let site_static = disk_files(root, &root.join("static"));
    let site_static_names: std::collections::HashSet<String> =
        site_static.iter().map(|f| f.rel.clone()).collect();
    static_files.retain(|(rel, _)| !site_static_names.contains(rel));
    for f in site_static {
        static_files.push((f.rel, f.bytes));
    }

    let strings = match strings_files
        .get(language)
        .or_else(|| strings_files.get("en-GB"))
    {
        Some((text, origin)) => {
            let src = SourceFile::new(origin.clone(), text.as_str());
            match toml::from_str::<toml::Table>(text) {
                Ok(t) => t,
                Err(e) => {
                    errors.push(crate::diagnostics::from_toml_error(
                        &src,
                        0,
                        &e,
                        "the strings table",
                    ));
                    toml::Table::new()
                }
            }
        }
        None => {
            errors.push(
                Diagnostic::file(
                    Severity::Error,
                    "no-strings",
                    format!("themes/{name}/i18n/{language}.toml"),
                    format!("the theme has no strings table for language \"{language}\""),
                )
                .with_hint("add i18n/<language>.toml to the theme, or set language = \"en-GB\""),
            );
            toml::Table::new()
        }
    };

    let mut tera = Tera::default();
    tera.autoescape_on([".html", ".xml"]);
    // Tera's own escaper also escapes `/`, which bloats every URL; `&<>"'` is enough.
    tera.set_escape_fn(escape_html_to);
    tera.register_filter("safe", safe_filter);
    let template_origins: BTreeMap<String, TemplateSource> = templates
        .iter()
        .map(|(k, (s, o))| {
            let source = TemplateSource {
                origin: o.clone(),
                text: s.as_str().into(),
            };
            (k.clone(), source)
        })
        .collect();
    let mut has_provider_card = false;
    if let Err(e) = tera.add_raw_templates(templates.iter().map(|(k, (s, _))| (k, s))) {
        errors.extend(template_errors(&e, &template_origins));
    } else if tera.contains_component(PROVIDER_CARD_COMPONENT) {
        // Without it lists run the component in place, as before.
        has_provider_card = tera
            .add_raw_template(PROVIDER_CARD_TEMPLATE, PROVIDER_CARD_SOURCE)
            .is_ok();
    }
    if errors.is_empty() {
        Ok(Theme {
            tera,
            strings,
            assets,
            asset_paths,
            static_files,
            template_origins,
            has_provider_card,
        })
    } else {
        Err(errors)
    }
}

fn not_utf8(origin: &str) -> Diagnostic {
    Diagnostic::file(
        Severity::Error,
        "not-utf8",
        origin,
        "this theme file is not UTF-8 text",
    )
    .with_hint("save it as UTF-8")
}

const TEMPLATE_HINT: &str =
    "fix the template; `docs/themes.md` lists every template and its variables";

/// Every problem in a tera error as diagnostics. Tera checks all templates'
/// filters, tests and components at once and reports each missing one
/// with its place (`error: Unknown filter ...` / ` --> page.html:3:20`):
/// each becomes its own diagnostic at that line and column.
pub fn template_errors(
    e: &tera::Error,
    origins: &BTreeMap<String, TemplateSource>,
) -> Vec<Diagnostic> {
    if let tera::ErrorKind::Msg(report) = e.kind() {
        let found: Vec<Diagnostic> = report_places(report)
            .filter_map(|(msg, name, line, col)| {
                let t = origins.get(name)?;
                let offset = offset_of(&t.text, line, col)?;
                // Underline the name (`shout`, `<no_such_part`).
                let len = t.text[offset..]
                    .char_indices()
                    .find(|&(i, c)| !(c.is_alphanumeric() || c == '_' || (i == 0 && c == '<')))
                    .map_or(t.text.len() - offset, |(i, _)| i);
                let src = SourceFile::new(t.origin.clone(), t.text.clone());
                let d = Diagnostic::error_at(
                    "template",
                    &src,
                    offset..offset + len.max(1),
                    format!("template error: {msg}"),
                );
                Some(d.with_hint(TEMPLATE_HINT))
            })
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    vec![template_error(e, origins)]
}

/// The `(message, template, line, column)` of each `error: ...` /
/// ` --> name:line:col` pair in a tera report.
fn report_places(report: &str) -> impl Iterator<Item = (&str, &str, usize, usize)> {
    let lines: Vec<&str> = report.lines().collect();
    let mut out = Vec::new();
    for pair in lines.windows(2) {
        let (Some(msg), Some(place)) = (
            pair[0].strip_prefix("error: "),
            pair[1].trim_start().strip_prefix("--> "),
        ) else {
            continue;
        };
        let mut parts = place.rsplitn(3, ':');
        let (Some(col), Some(line), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(line), Ok(col)) = (line.parse(), col.parse()) {
            out.push((msg, name, line, col));
        }
    }
    out.into_iter()
}

/// The byte offset of 1-based `line` and `col` (in characters) in `text`.
fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let rest = &text[start..];
    let within = rest
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    Some(start + within)
}

/// A tera error as a diagnostic: at its line and column in the template
/// when tera knows them, else naming the template file.
pub fn template_error(e: &tera::Error, origins: &BTreeMap<String, TemplateSource>) -> Diagnostic {
    let hint = TEMPLATE_HINT;
    if let tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) = e.kind() {
        if let Some(t) = origins.get(r.filename()) {
            let src = SourceFile::new(t.origin.clone(), t.text.clone());
            return Diagnostic::error_at(
                "template",
                &src,
                r.span().range.clone(),
                format!("template error: {}", r.message()),
            )
            .with_hint(hint);
        }
        // An internal template: name the file the error is in, if any.
        let path = origins
            .values()
            .find(|t| r.message().contains(t.origin.as_str()))
            .map(|t| t.origin.clone())
            .unwrap_or_else(|| "templates".to_string());
        let msg = format!("template error in {}: {}", r.filename(), r.message());
        return Diagnostic::file(Severity::Error, "template", path, msg).with_hint(hint);
    }
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    let path = origins
        .iter()
        .find(|(name, _)| msg.contains(&format!("'{name}'")))
        .map(|(_, t)| t.origin.clone())
        .unwrap_or_else(|| "templates".to_string());
    Diagnostic::file(
        Severity::Error,
        "template",
        path,
        format!("template error: {msg}"),
    )
    .with_hint(hint)
}

impl Theme {
    /// A string from the table, or `fallback` when missing (for a key
    /// added after themes were copied, where the key itself would show).
    pub fn s_or<'a>(&'a self, key: &str, fallback: &'a str) -> &'a str {
        self.strings
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(fallback)
    }

    /// A string from the table, or `key` itself when missing.
    pub fn s(&self, key: &str) -> String {
        self.s_or(key, key).to_string()
    }

    /// A string from a sub-table such as `[ratings]`.
    pub fn sub(&self, table: &str, key: &str) -> String {
        self.strings
            .get(table)
            .and_then(|t| t.get(key))
            .and_then(|v| v.as_str())
            .unwrap_or(key)
            .to_string()
    }

    /// A list of strings, e.g. `months`.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.strings
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }
}

/// Tera's `safe` filter without its copy: a string value is marked safe
/// and shared (a page's HTML is not copied again on its way into the page);
/// anything else is written out as text and marked safe, as Tera does.
fn safe_filter(val: &tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    if val.is_string() {
        val.clone().mark_safe()
    } else {
        tera::Value::safe_string(&format!("{val}"))
    }
}

/// Escape text for HTML content and quoted attributes (`&`, `<`, `>`, `"`
/// and `'`), writing to `out`: tera's escape function. Every page renders
/// thousands of values through this, so it looks for the special bytes
/// eight at a time and copies the runs between them whole.
pub fn escape_html_to(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let b = s.as_bytes();
    let mut start = 0;
    while let Some(i) = next_html_special(b, start) {
        let rep: &[u8] = match b[i] {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            _ => b"&#39;",
        };
        out.write_all(&b[start..i])?;
        out.write_all(rep)?;
        start = i + 1;
    }
    out.write_all(&b[start..])
}

/// The index of the first byte at or after `from` that HTML escaping
/// replaces.
fn next_html_special(b: &[u8], from: usize) -> Option<usize> {
    use crate::swar::{HIGH, bytes_in};
    crate::swar::find_marked(b, from, |x| {
        let y = x & !HIGH;
        (bytes_in(y, b'&', b'\'')
            | bytes_in(y, b'"', b'"')
            | bytes_in(y, b'<', b'<')
            | bytes_in(y, b'>', b'>'))
            & !x
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_replaces_exactly_the_special_bytes() {
        let naive = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;")
        };
        let text = "Tom & Jerry's \"<b>\" café — 5 > 3 &amp; 'quoted' ½ %()*+,-./09:;=?@[\\]^_`{|}~ \u{a6}\u{bc}\u{26a0}";
        for s in crate::check::testutil::substrings(text) {
            let mut out = Vec::new();
            escape_html_to(s, &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), naive(s), "{s:?}");
        }
    }

    #[test]
    fn safe_filter_writes_what_teras_does() {
        let tpl = "{{ s | safe }}|{{ small | safe }}|{{ n | safe }}|{{ a | safe }}|{{ s | safe | upper }}|{{ s }}";
        let mut ours = tera::Tera::default();
        ours.register_filter("safe", safe_filter);
        let mut theirs = tera::Tera::default();
        let mut ctx = tera::Context::new();
        ctx.insert("s", "<b>long enough to be shared & more</b>");
        ctx.insert("small", "<i>");
        ctx.insert("n", &3);
        ctx.insert("a", &vec!["<x>"]);
        let mut out = Vec::new();
        for t in [&mut ours, &mut theirs] {
            t.autoescape_on([".html"]);
            t.add_raw_template("t.html", tpl).unwrap();
            out.push(t.render("t.html", &ctx).unwrap());
        }
        assert!(out[0].starts_with("<b>long enough to be shared & more</b>|<i>|3|"));
        assert_eq!(out[0], out[1]);
    }

    fn origins(files: &[(&str, &str)]) -> BTreeMap<String, TemplateSource> {
        files
            .iter()
            .map(|(name, text)| {
                let source = TemplateSource {
                    origin: format!("templates/{name}"),
                    text: (*text).into(),
                };
                (name.to_string(), source)
            })
            .collect()
    }

    #[test]
    fn every_missing_filter_and_component_is_placed() {
        let files = [
            ("a.html", "<p>\n{{ x | nofilter }}</p>"),
            ("b.html", "é {{<nothing />}}\n{{ y | alsono }}"),
        ];
        let mut tera = Tera::default();
        let e = tera.add_raw_templates(files).unwrap_err();
        let diags = template_errors(&e, &origins(&files));
        let mut places: Vec<(String, usize, usize)> = diags
            .iter()
            .map(|d| (d.path.clone(), d.line, d.col))
            .collect();
        places.sort();
        assert_eq!(
            places,
            [
                ("templates/a.html".to_string(), 2, 8),
                ("templates/b.html".to_string(), 1, 5),
                ("templates/b.html".to_string(), 2, 8),
            ],
            "{diags:?}"
        );
        assert!(diags.iter().any(|d| d.message.contains("`nofilter`")));
    }

    #[test]
    fn syntax_and_rendering_errors_point_into_the_template() {
        let files = [("a.html", "<p>\n{% if %}</p>")];
        let mut tera = Tera::default();
        let e = tera.add_raw_templates(files).unwrap_err();
        let d = template_error(&e, &origins(&files));
        assert_eq!((d.path.as_str(), d.line), ("templates/a.html", 2), "{d:?}");

        let files = [("b.html", "<p>{{ page.nope }}</p>")];
        let mut tera = Tera::default();
        tera.add_raw_templates(files).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("page", &serde_json::json!({ "title": "x" }));
        let e = tera.render("b.html", &ctx).unwrap_err();
        let d = template_error(&e, &origins(&files));
        assert_eq!(
            (d.path.as_str(), d.line, d.col),
            ("templates/b.html", 1, 12)
        );
        assert!(d.message.contains("nope"), "{}", d.message);
    }

    #[test]
    fn offsets_count_characters() {
        assert_eq!(offset_of("ab\ncé d", 2, 3), Some(6));
        assert_eq!(offset_of("ab", 1, 1), Some(0));
        assert_eq!(offset_of("ab", 3, 1), None);
        assert_eq!(offset_of("ab", 1, 99), Some(2));
    }
}
