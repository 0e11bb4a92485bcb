//! One diagnostic type for every problem carehub finds, and the code that
//! prints them rustc-style (`path:line:col: error: message`, a snippet, a hint)
//! or as JSON for tools.

use serde::Serialize;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

/// How bad a problem is: errors stop a build, warnings do not (unless `--strict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A problem found in a file an editor wrote, with where it is and how to fix it.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short, stable name for the kind of problem (e.g. `unknown-key`).
    pub code: &'static str,
    /// The file's path, relative to the site root where possible.
    pub path: String,
    /// 1-based line, 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column in characters, 0 when unknown.
    pub col: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip)]
    pub span: Option<Range<usize>>,
    #[serde(skip)]
    pub source: Option<Arc<str>>,
}

impl Diagnostic {
    /// A problem with the file as a whole (no position).
    pub fn file(
        severity: Severity,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            path: path.into(),
            line: 0,
            col: 0,
            message: message.into(),
            label: None,
            hint: None,
            span: None,
            source: None,
        }
    }

    /// A problem at a byte range of a file whose text is known.
    pub fn at(
        severity: Severity,
        code: &'static str,
        src: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let span = clamp_span(&src.text, span);
        let (line, col) = src.line_col(span.start);
        Diagnostic {
            severity,
            code,
            path: src.path.clone(),
            line,
            col,
            message: message.into(),
            label: None,
            hint: None,
            span: Some(span),
            source: Some(src.text.clone()),
        }
    }

    pub fn error_at(
        code: &'static str,
        src: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self::at(Severity::Error, code, src, span, message)
    }

    pub fn warning_at(
        code: &'static str,
        src: &SourceFile,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self::at(Severity::Warning, code, src, span, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col` (or just `path` when there is no position).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.path.clone()
        } else {
            format!("{}:{}:{}", self.path, self.line, self.col)
        }
    }

    /// The human form: a header line, a source snippet and a hint.
    pub fn render(&self) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!(
            "{}: {}: {}\n",
            printable(&self.location()),
            sev,
            printable(&self.message)
        );
        if let (Some(span), Some(text)) = (&self.span, &self.source) {
            out.push_str(&printable(&snippet(
                &self.path,
                text,
                span.clone(),
                self.line,
                self.label.as_deref(),
                self.severity,
            )));
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = help: {}", printable(hint));
        }
        out
    }
}

/// Text safe to print to a terminal: control characters (which could move
/// the cursor or change colours) are shown as escapes such as `\u{1b}`.
pub fn printable(s: &str) -> String {
    if !s.chars().any(|c| c.is_control() && c != '\n') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A file an editor wrote, with its text, shared cheaply between diagnostics.
#[derive(Clone)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    pub text: Arc<str>,
    /// Byte offsets where lines start, worked out once when first needed.
    line_starts: Arc<std::sync::OnceLock<Vec<usize>>>,
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("path", &self.path)
            .field("text", &self.text)
            .finish()
    }
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: Arc::default(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset, like
    /// [`line_col`] but fast for many problems in one large file.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = &*self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let col = text[starts[line - 1]..offset].chars().count() + 1;
        (line, col)
    }
}

fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn snippet(
    path: &str,
    text: &str,
    span: Range<usize>,
    line: usize,
    label: Option<&str>,
    severity: Severity,
) -> String {
    use codespan_reporting::diagnostic::{Diagnostic as CsDiag, Label};
    use codespan_reporting::term;

    // Only the lines the span covers are handed to codespan, so showing many
    // problems in one large file costs no more than the lines shown.
    let span = clamp_span(text, span);
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i + 1);
    // A snippet of a very long line (minified HTML, a generated file) would
    // flood the terminal: the header's line and column say where it is.
    const LONG_LINE: usize = 1000;
    let first_len = text[start..end].find('\n').unwrap_or(end - start);
    let last_len = text[start..end.max(start)]
        .trim_end_matches('\n')
        .rsplit('\n')
        .next()
        .map_or(0, str::len);
    if first_len > LONG_LINE || last_len > LONG_LINE {
        return String::new();
    }
    // The diagnostic's line is the span's first line; count only if unknown.
    let first_line = if line > 0 {
        line
    } else {
        text[..start].bytes().filter(|b| *b == b'\n').count() + 1
    };
    let file = Window {
        inner: codespan_reporting::files::SimpleFile::new(path, &text[start..end]),
        first_line,
    };
    let cs = match severity {
        Severity::Error => CsDiag::error(),
        Severity::Warning => CsDiag::warning(),
    };
    let mut lab = Label::primary((), span.start - start..span.end - start);
    if let Some(l) = label {
        lab = lab.with_message(l);
    }
    let cs = cs.with_labels(vec![lab]);
    let config = term::Config::default();
    match term::emit_into_string(&config, &file, &cs) {
        // codespan's first line repeats the header we already printed.
        Ok(s) => s
            .split_once('\n')
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Some lines of a file, numbered as in the whole file.
struct Window<'a> {
    inner: codespan_reporting::files::SimpleFile<&'a str, &'a str>,
    /// The 1-based number of the window's first line in the file.
    first_line: usize,
}

impl<'a> codespan_reporting::files::Files<'a> for Window<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: ()) -> Result<&'a str, codespan_reporting::files::Error> {
        codespan_reporting::files::Files::name(&self.inner, id)
    }

    fn source(&'a self, id: ()) -> Result<&'a str, codespan_reporting::files::Error> {
        codespan_reporting::files::Files::source(&self.inner, id)
    }

    fn line_index(
        &'a self,
        id: (),
        byte: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        codespan_reporting::files::Files::line_index(&self.inner, id, byte)
    }

    fn line_number(
        &'a self,
        _: (),
        line_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.first_line + line_index)
    }

    fn line_range(
        &'a self,
        id: (),
        line_index: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        codespan_reporting::files::Files::line_range(&self.inner, id, line_index)
    }
}

/// All the problems of one run, sorted by file and position for stable output.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.items.len() - self.errors()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Sort by path, then position, and drop exact duplicates.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, a.line, a.col, &a.message).cmp(&(&b.path, b.line, b.col, &b.message))
        });
        self.items.dedup_by(|a, b| {
            a.path == b.path && a.line == b.line && a.col == b.col && a.message == b.message
        });
    }
}

/// The nearest names to `wanted` among `candidates`, best first (at most three).
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted_l = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| {
            let c_l = c.to_lowercase();
            let mut s = strsim::jaro_winkler(&wanted_l, &c_l);
            if c_l.contains(&wanted_l) || wanted_l.contains(&c_l) {
                s = s.max(0.85);
            }
            (s, c)
        })
        .filter(|(s, _)| *s >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    // Only names about as close as the best one: a clear winner stands alone.
    let best = scored.first().map_or(0.0, |s| s.0);
    scored
        .into_iter()
        .take_while(|(s, _)| best - s < 0.05)
        .take(3)
        .map(|(_, c)| c)
        .collect()
}

/// "did you mean `a`?" / "did you mean one of `a`, `b`?" or `None`.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let near = nearest(wanted, candidates);
    match near.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean \"{one}\"?")),
        many => Some(format!(
            "did you mean one of {}?",
            many.iter()
                .map(|m| format!("\"{m}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Turn a toml deserialisation error into a diagnostic, adding a "did you
/// mean" hint for unknown keys.
pub fn from_toml_error(
    src: &SourceFile,
    offset: usize,
    err: &toml::de::Error,
    what: &str,
) -> Diagnostic {
    let msg = err.message().trim().to_string();
    let span = err
        .span()
        .map(|s| s.start + offset..s.end + offset)
        .unwrap_or(offset..offset);
    let (code, message, hint) = if let Some(rest) = msg.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("").to_string();
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, e)| e.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let hint = did_you_mean(&key, expected.iter().copied())
            .map(|h| format!("{h} (valid keys: {})", expected.join(", ")))
            .unwrap_or_else(|| format!("valid keys here are: {}", expected.join(", ")));
        (
            "unknown-key",
            format!("unknown key `{key}` in {what}"),
            hint,
        )
    } else if msg.starts_with("missing field") {
        (
            "missing-field",
            format!("{msg} in {what}"),
            "add the missing key; see the README's content model for every field".to_string(),
        )
    } else {
        (
            "toml-syntax",
            format!("{what} is not valid TOML: {msg}"),
            "check quotes, brackets and `key = value` pairs on this line; dates are written 2026-03-12".to_string(),
        )
    };
    Diagnostic::error_at(code, src, span, message).with_hint(hint)
}

/// Print diagnostics for a person, then nothing else.
pub fn render_all(diags: &[Diagnostic]) -> String {
    let mut s = String::new();
    for d in diags {
        s.push_str(&d.render());
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let t = "ab\ncé d";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, t.find('d').unwrap()), (2, 4));
    }

    #[test]
    fn nearest_finds_typos() {
        let c = ["hospice-at-home", "hospice-inpatient-care", "respite-care"];
        assert_eq!(nearest("hospise-at-home", c)[0], "hospice-at-home");
        assert!(nearest("zzzz", c).is_empty());
    }

    #[test]
    fn unknown_key_gets_hint() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            title: String,
        }
        let text = "titel = \"x\"\n";
        let src = SourceFile::new("site.toml", text);
        let err = toml::from_str::<T>(text).unwrap_err();
        let d = from_toml_error(&src, 0, &err, "site.toml");
        assert_eq!(d.code, "unknown-key");
        assert_eq!((d.line, d.col), (1, 1));
        assert!(d.hint.clone().unwrap().contains("\"title\""), "hint");
        assert!(
            d.render()
                .starts_with("site.toml:1:1: error: unknown key `titel`")
        );
    }

    #[test]
    fn control_characters_are_never_printed() {
        let src = SourceFile::new("content/a\u{1b}[2J.md", "slug = \"\u{1b}[31mred\u{7}\"\n");
        let d = Diagnostic::error_at("bad-slug", &src, 7..19, "`\u{1b}[31mred\u{7}` is bad")
            .with_hint("not \u{9b}this")
            .with_label("here\u{0}");
        let out = d.render();
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(
            out.starts_with("content/a\\u{1b}[2J.md:1:8: error: `\\u{1b}[31mred\\u{7}` is bad"),
            "{out}"
        );
        assert!(out.contains("= help: not \\u{9b}this"));
    }

    #[test]
    fn source_line_col_matches_line_col() {
        let text = "ab\ncé\n\nxyz\r\nlast";
        let src = SourceFile::new("x", text);
        for off in 0..=text.len() + 2 {
            if text.is_char_boundary(off.min(text.len())) {
                assert_eq!(src.line_col(off), line_col(text, off), "offset {off}");
            }
        }
    }

    #[test]
    fn snippets_number_lines_as_in_the_file() {
        let text = "one\ntwo\nthree = bad\nfour\n";
        let src = SourceFile::new("f.toml", text);
        let d = Diagnostic::error_at("x", &src, 14..17, "bad value");
        let out = d.render();
        assert!(out.starts_with("f.toml:3:7: error: bad value"), "{out}");
        assert!(out.contains("┌─ f.toml:3:7"), "{out}");
        assert!(out.contains("3 │ three = bad"), "{out}");
        assert!(out.contains("^^^"), "{out}");
        assert!(!out.contains("four") && !out.contains("two"), "{out}");
    }

    #[test]
    fn no_snippet_for_very_long_lines() {
        let text = format!("title = 1\n{}\n", "x".repeat(5000));
        let src = SourceFile::new("f.md", text.as_str());
        let out = Diagnostic::error_at("x", &src, 20..25, "bad")
            .with_hint("fix it")
            .render();
        assert_eq!(out, "f.md:2:11: error: bad\n  = help: fix it\n");
    }
}
