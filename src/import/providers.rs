//! Provider files (`content/providers/*.toml`): finding their CQC location
//! ids, editing their `[cqc]` tables in place without disturbing anything
//! else, and writing them back atomically.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use toml_edit::{Datetime, Document, DocumentMut, Item, TableLike, Value};

use super::diag::Problem;
use super::text::line_col;
use super::values::{LOCATION_ID_FORMS, is_location_id};

/// Where provider files live, under the site root.
pub(crate) const PROVIDERS_DIR: &str = "content/providers";

/// One provider file, parsed and ready to edit.
#[derive(Debug)]
pub(crate) struct ProviderFile {
    /// The provider's id: the file name without `.toml`.
    pub(crate) id: String,
    /// The file's path, as shown to the editor.
    pub(crate) path: PathBuf,
    /// `cqc.location_id`, if the file has one.
    pub(crate) location_id: Option<String>,
    original: String,
    bom: bool,
    crlf: bool,
    doc: DocumentMut,
}

/// One field changed (or to be changed) in a provider's `[cqc]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The key in `[cqc]`, such as `rating`.
    pub field: String,
    /// The value before, as text; `None` if the key was absent.
    pub old: Option<String>,
    /// The value after, as text; `None` if the key was removed.
    pub new: Option<String>,
}

/// A new value for a `[cqc]` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NewValue {
    /// A string; `ignore_case` leaves "Requires Improvement" alone when the
    /// new value is "Requires improvement".
    Text { text: String, ignore_case: bool },
    /// A TOML date.
    Date(NaiveDate),
    /// Remove the key.
    Remove,
}

/// The outcome of applying one update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Applied {
    /// The value was already right.
    Unchanged,
    /// The value changed.
    Changed(FieldChange),
    /// The key should go, but it carries an editor's comment, so it was kept.
    KeptForComment,
}

/// Loads every `*.toml` file under `root/content/providers`, sorted by
/// path. Files that do not parse, or whose `cqc.location_id` is not a CQC
/// id, are problems naming the file, line and column.
pub(crate) fn load_providers(root: &Path) -> Result<Vec<ProviderFile>, Vec<Problem>> {
    let dir = display_join(root, Path::new(PROVIDERS_DIR));
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut providers = Vec::new();
    let mut problems = Vec::new();
    let walk = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(&dir).to_path_buf();
                problems.push(Problem::file(&path, format!("cannot read: {err}")));
                continue;
            }
        };
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        match load_provider(path) {
            Ok(provider) => providers.push(provider),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(providers)
    } else {
        Err(problems)
    }
}

/// `root.join(rel)`, without a leading `./` when `root` is `.`.
pub(crate) fn display_join(root: &Path, rel: &Path) -> PathBuf {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        rel.to_path_buf()
    } else {
        root.join(rel)
    }
}

fn load_provider(path: &Path) -> Result<ProviderFile, Problem> {
    let bytes = fs::read(path).map_err(|e| Problem::file(path, format!("cannot read: {e}")))?;
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { &bytes[3..] } else { &bytes[..] };
    let text = std::str::from_utf8(body)
        .map_err(|e| {
            let (line, column) = line_col(
                &String::from_utf8_lossy(&body[..e.valid_up_to()]),
                e.valid_up_to(),
            );
            Problem::at_line(path, line, "this file is not UTF-8 text")
                .column(column)
                .hint("save the file as UTF-8 in your editor")
        })?
        .to_string();
    let parsed = Document::parse(text.clone()).map_err(|e| {
        let (line, column) = line_col(&text, e.span().map_or(0, |s| s.start));
        Problem::at_line(
            path,
            line,
            format!("this provider file is not valid TOML: {}", e.message().trim()),
        )
        .column(column)
        .hint("fix the TOML at this place (check quotes, commas, brackets and = signs), then run the import again")
    })?;
    let location_id = find_location_id(path, &text, &parsed)?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(ProviderFile {
        id,
        path: path.to_path_buf(),
        location_id,
        crlf: text.contains("\r\n"),
        original: text,
        bom,
        doc: parsed.into_mut(),
    })
}

fn find_location_id(
    path: &Path,
    text: &str,
    doc: &Document<String>,
) -> Result<Option<String>, Problem> {
    let at = |span: Option<std::ops::Range<usize>>, message: String| {
        let (line, column) = line_col(text, span.map_or(0, |s| s.start));
        Problem::at_line(path, line, message).column(column)
    };
    let Some((cqc_key, cqc)) = doc.as_table().get_key_value("cqc") else {
        return Ok(None);
    };
    let Some(cqc) = cqc.as_table_like() else {
        return Err(at(
            cqc_key.span(),
            "`cqc` must be a table (a [cqc] section)".to_string(),
        )
        .hint("write the CQC details under a [cqc] heading, e.g. [cqc] then location_id = \"1-123456789\""));
    };
    let Some((key, item)) = cqc.get_key_value("location_id") else {
        return Ok(None);
    };
    let span = item.span().or_else(|| key.span());
    let Some(id) = item.as_str() else {
        return Err(
            at(span, "cqc.location_id must be text in quotes".to_string())
                .hint("write it like location_id = \"1-123456789\""),
        );
    };
    if !is_location_id(id) {
        return Err(at(
            span,
            format!("cqc.location_id \"{id}\" is not a CQC location id; expected an id {LOCATION_ID_FORMS}"),
        )
        .hint("copy the id from the end of the location's page address on the CQC website, e.g. https://www.cqc.org.uk/location/1-123456789"));
    }
    Ok(Some(id.to_string()))
}

impl ProviderFile {
    fn cqc(&self) -> Option<&dyn TableLike> {
        self.doc.get("cqc").and_then(Item::as_table_like)
    }

    /// The current value of `cqc.<key>`, as text for the report.
    pub(crate) fn current(&self, key: &str) -> Option<String> {
        let value = self.cqc()?.get(key)?.as_value()?;
        Some(value_text(value))
    }

    /// The current value of `cqc.<key>` as a date, if it is a TOML date or
    /// a date in a string.
    pub(crate) fn current_date(&self, key: &str) -> Option<NaiveDate> {
        let value = self.cqc()?.get(key)?.as_value()?;
        match value {
            Value::Datetime(dt) => {
                let date = dt.value().date?;
                NaiveDate::from_ymd_opt(
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                )
            }
            Value::String(s) => super::text::parse_date(s.value()),
            _ => None,
        }
    }

    /// Sets, or removes, `cqc.<key>`, keeping every comment and the layout
    /// of everything else.
    pub(crate) fn apply(&mut self, key: &str, new: &NewValue) -> Applied {
        let old_text = self.current(key);
        let unchanged = match (
            self.cqc().and_then(|t| t.get(key)).and_then(Item::as_value),
            new,
        ) {
            (None, NewValue::Remove) => true,
            (Some(Value::String(s)), NewValue::Text { text, ignore_case }) => {
                s.value() == text || (*ignore_case && s.value().eq_ignore_ascii_case(text))
            }
            (Some(Value::Datetime(dt)), NewValue::Date(date)) => {
                let dt = dt.value();
                dt.time.is_none() && dt.offset.is_none() && dt.date == Some(toml_date(*date))
            }
            _ => false,
        };
        if unchanged {
            return Applied::Unchanged;
        }
        let Some(cqc) = self.doc.get_mut("cqc") else {
            return Applied::Unchanged;
        };
        let new_text = match new {
            NewValue::Remove => {
                if !remove_if_uncommented(cqc, key) {
                    return Applied::KeptForComment;
                }
                None
            }
            NewValue::Text { text, .. } => {
                set_value(cqc, key, Value::from(text.as_str()));
                Some(text.clone())
            }
            NewValue::Date(date) => {
                set_value(cqc, key, Value::from(Datetime::from(toml_date(*date))));
                Some(date.to_string())
            }
        };
        Applied::Changed(FieldChange {
            field: key.to_string(),
            old: old_text,
            new: new_text,
        })
    }

    /// The file's new text if an update changed it, else `None`. Line
    /// endings and a byte order mark are kept as they were.
    pub(crate) fn new_text(&self) -> Option<String> {
        let mut text = self.doc.to_string();
        if self.crlf {
            text = text.replace("\r\n", "\n").replace('\n', "\r\n");
        }
        if text == self.original {
            return None;
        }
        if self.bom {
            text.insert(0, '\u{feff}');
        }
        Some(text)
    }
}

fn toml_date(date: NaiveDate) -> toml_edit::Date {
    use chrono::Datelike;
    toml_edit::Date {
        year: u16::try_from(date.year()).unwrap_or(0),
        // month() and day() are at most 12 and 31.
        month: u8::try_from(date.month()).unwrap_or(0),
        day: u8::try_from(date.day()).unwrap_or(0),
    }
}

/// A value as the report shows it: strings without quotes, others as TOML.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.value().to_string(),
        other => {
            let mut bare = other.clone();
            bare.decor_mut().clear();
            bare.to_string()
        }
    }
}

/// The value's own text, without its surrounding whitespace and comments.
fn bare_len(value: &Value) -> usize {
    let mut bare = value.clone();
    bare.decor_mut().clear();
    bare.to_string().chars().count()
}

/// Replaces or inserts `key = value` in the `cqc` table. A replaced value
/// keeps its decoration; a comment after it stays in the same column where
/// there is room.
fn set_value(cqc: &mut Item, key: &str, mut value: Value) {
    if let Some(old) = cqc
        .as_table_like_mut()
        .and_then(|t| t.get_mut(key))
        .and_then(Item::as_value_mut)
    {
        let mut decor = old.decor().clone();
        if let Some(suffix) = decor.suffix().and_then(|s| s.as_str()) {
            let spaces = suffix.len() - suffix.trim_start_matches(' ').len();
            let rest = &suffix[spaces..];
            if rest.starts_with('#') {
                let old_len = bare_len(old);
                let new_len = bare_len(&value);
                let want = (spaces + old_len).saturating_sub(new_len).max(1);
                decor.set_suffix(format!("{}{rest}", " ".repeat(want)));
            }
        }
        *value.decor_mut() = decor;
        *old = value;
        return;
    }
    match cqc {
        Item::Value(Value::InlineTable(inline)) => {
            // `{ a = 1 }`: the space before `}` belongs to the last value;
            // move it to the new last value.
            if let Some((_, last)) = inline.iter_mut().last() {
                let suffix = last.decor().suffix().cloned();
                last.decor_mut().set_suffix("");
                if let Some(suffix) = suffix {
                    value.decor_mut().set_suffix(suffix);
                }
            }
            inline.insert(key, value);
        }
        other => {
            if let Some(table) = other.as_table_like_mut() {
                table.insert(key, Item::Value(value));
            }
        }
    }
}

/// Removes `key` unless a comment is attached to it; returns whether it was
/// removed (or was absent).
fn remove_if_uncommented(cqc: &mut Item, key: &str) -> bool {
    let Some(table) = cqc.as_table_like_mut() else {
        return true;
    };
    let has_comment = |raw: Option<&toml_edit::RawString>| {
        raw.and_then(|r| r.as_str())
            .is_some_and(|s| s.contains('#'))
    };
    let commented = match table.get_key_value(key) {
        None => return true,
        Some((k, item)) => {
            has_comment(k.leaf_decor().prefix())
                || has_comment(k.leaf_decor().suffix())
                || item.as_value().is_some_and(|v| {
                    has_comment(v.decor().prefix()) || has_comment(v.decor().suffix())
                })
        }
    };
    if commented {
        return false;
    }
    table.remove(key);
    true
}

/// Writes every `(path, text)` atomically: each text goes to a temporary
/// file in the same folder first, and only when all of them are written are
/// they renamed over the originals. A failure before the renames changes
/// nothing. Returns the paths written.
pub(crate) fn write_all_atomically(
    files: &[(PathBuf, String)],
) -> Result<Vec<PathBuf>, Vec<Problem>> {
    let mut staged = Vec::new();
    for (path, text) in files {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let result = (|| -> std::io::Result<tempfile::NamedTempFile> {
            let mut tmp = tempfile::Builder::new()
                .prefix(".carehub-import-")
                .suffix(".tmp")
                .tempfile_in(dir)?;
            tmp.write_all(text.as_bytes())?;
            tmp.as_file().sync_all()?;
            if let Ok(meta) = fs::metadata(path) {
                tmp.as_file().set_permissions(meta.permissions())?;
            }
            Ok(tmp)
        })();
        match result {
            Ok(tmp) => staged.push((path, tmp)),
            Err(err) => {
                // Dropping `staged` deletes the temporary files.
                return Err(vec![
                    Problem::file(path, format!("cannot write: {err}"))
                        .hint("no provider file was changed; check the folder's permissions and free disk space"),
                ]);
            }
        }
    }
    let mut written = Vec::new();
    let mut problems = Vec::new();
    for (path, tmp) in staged {
        match tmp.persist(path) {
            Ok(_) => written.push(path.clone()),
            Err(err) => problems.push(
                Problem::file(path, format!("cannot replace this file: {}", err.error)).hint(
                    "this file was not changed; run the import again once the problem is fixed",
                ),
            ),
        }
    }
    if problems.is_empty() {
        Ok(written)
    } else {
        if !written.is_empty() {
            let list = written
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(Problem::file(
                Path::new(PROVIDERS_DIR),
                format!("these files were updated before the failure: {list}"),
            ));
        }
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(text: &str) -> ProviderFile {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.toml");
        fs::write(&path, text).expect("write");
        load_provider(&path).expect("loads")
    }

    fn text(s: &str) -> NewValue {
        NewValue::Text {
            text: s.to_string(),
            ignore_case: true,
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NewValue {
        NewValue::Date(NaiveDate::from_ymd_opt(y, m, d).expect("date"))
    }

    const EXAMPLE: &str = "name = \"Ouzel\"\n# a comment\n\n[cqc]\n# the id\nlocation_id = \"1-0000000101\"\nrating = \"Good\"          # Outstanding | Good\nrated = 2025-03-18       # when\nsafe = \"Requires Improvement\"\n";

    #[test]
    fn edits_keep_comments_and_alignment() {
        let mut p = provider(EXAMPLE);
        assert_eq!(p.location_id.as_deref(), Some("1-0000000101"));
        assert_eq!(
            p.apply("rating", &text("Outstanding")),
            Applied::Changed(FieldChange {
                field: "rating".into(),
                old: Some("Good".into()),
                new: Some("Outstanding".into()),
            })
        );
        assert!(matches!(
            p.apply("rated", &date(2026, 5, 2)),
            Applied::Changed(_)
        ));
        assert_eq!(
            p.apply("safe", &text("Requires improvement")),
            Applied::Unchanged
        );
        assert!(matches!(
            p.apply("url", &text("https://x/1")),
            Applied::Changed(_)
        ));
        let out = p.new_text().expect("changed");
        assert_eq!(
            out,
            "name = \"Ouzel\"\n# a comment\n\n[cqc]\n# the id\nlocation_id = \"1-0000000101\"\nrating = \"Outstanding\"   # Outstanding | Good\nrated = 2026-05-02       # when\nsafe = \"Requires Improvement\"\nurl = \"https://x/1\"\n"
        );
    }

    #[test]
    fn unchanged_file_has_no_new_text() {
        let mut p = provider(EXAMPLE);
        assert_eq!(p.apply("rated", &date(2025, 3, 18)), Applied::Unchanged);
        assert_eq!(p.apply("rating", &text("Good")), Applied::Unchanged);
        assert_eq!(p.new_text(), None);
    }

    #[test]
    fn crlf_and_bom_are_kept() {
        let crlf = format!("\u{feff}{}", EXAMPLE.replace('\n', "\r\n"));
        let mut p = provider(&crlf);
        assert!(matches!(
            p.apply("rating", &text("Inadequate")),
            Applied::Changed(_)
        ));
        let out = p.new_text().expect("changed");
        assert!(out.starts_with('\u{feff}'));
        assert_eq!(out.matches("\r\n").count(), out.matches('\n').count());
        assert_eq!(out.replace("Inadequate\"    #", "Good\"          #"), crlf);
    }

    #[test]
    fn inline_and_dotted_tables() {
        let mut p = provider("cqc = { location_id = \"1-0000000101\", rating = \"Good\" }\n");
        p.apply("rating", &text("Outstanding"));
        p.apply("url", &text("https://x"));
        assert_eq!(
            p.new_text().as_deref(),
            Some(
                "cqc = { location_id = \"1-0000000101\", rating = \"Outstanding\", url = \"https://x\" }\n"
            )
        );
        let mut p = provider("name = \"x\"\ncqc.location_id = \"1-0000000101\"\n");
        p.apply("url", &text("https://x"));
        assert_eq!(
            p.new_text().as_deref(),
            Some("name = \"x\"\ncqc.location_id = \"1-0000000101\"\ncqc.url = \"https://x\"\n")
        );
    }

    #[test]
    fn removal_keeps_commented_keys() {
        let mut p = provider(
            "[cqc]\nlocation_id = \"1-0000000101\"\nsafe = \"Good\"  # kept\ncaring = \"Good\"\n",
        );
        assert_eq!(p.apply("safe", &NewValue::Remove), Applied::KeptForComment);
        assert!(matches!(
            p.apply("caring", &NewValue::Remove),
            Applied::Changed(_)
        ));
        assert_eq!(p.apply("effective", &NewValue::Remove), Applied::Unchanged);
        assert_eq!(
            p.new_text().as_deref(),
            Some("[cqc]\nlocation_id = \"1-0000000101\"\nsafe = \"Good\"  # kept\n")
        );
    }

    #[test]
    fn current_values() {
        let p = provider(
            "[cqc]\nlocation_id = \"1-0000000101\"\nrated = \"18/03/2025\"\nchecked = 2026-01-02\n",
        );
        assert_eq!(p.current("rated").as_deref(), Some("18/03/2025"));
        assert_eq!(p.current("checked").as_deref(), Some("2026-01-02"));
        assert_eq!(
            p.current_date("rated"),
            NaiveDate::from_ymd_opt(2025, 3, 18)
        );
        assert_eq!(
            p.current_date("checked"),
            NaiveDate::from_ymd_opt(2026, 1, 2)
        );
        assert_eq!(p.current("missing"), None);
    }

    #[test]
    fn bad_provider_files_name_the_place() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.toml");
        for (text, line, col, needle) in [
            ("name = \"x\"\nphone = = 1\n", 2, 9, "not valid TOML"),
            (
                "[cqc]\nlocation_id = \"1-12x\"\n",
                2,
                15,
                "not a CQC location id",
            ),
            ("[cqc]\nlocation_id = 101\n", 2, 15, "text in quotes"),
            ("cqc = \"1-0000000101\"\n", 1, 1, "must be a table"),
        ] {
            fs::write(&path, text).expect("write");
            let p = load_provider(&path).expect_err(text);
            assert_eq!((p.line, p.column), (Some(line), Some(col)), "{p}");
            assert!(p.message.contains(needle), "{p}");
        }
        fs::write(&path, b"name = \"\xff\"\n").expect("write");
        let p = load_provider(&path).expect_err("not utf-8");
        assert!(p.message.contains("UTF-8"), "{p}");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.toml");
        let b = dir.path().join("b.toml");
        fs::write(&a, "old").expect("write");
        let written =
            write_all_atomically(&[(a.clone(), "new a".into()), (b.clone(), "new b".into())])
                .expect("writes");
        assert_eq!(written, vec![a.clone(), b.clone()]);
        assert_eq!(fs::read_to_string(&a).expect("read"), "new a");
        assert_eq!(fs::read_to_string(&b).expect("read"), "new b");
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 2);

        let missing_dir = dir.path().join("nope").join("c.toml");
        let err = write_all_atomically(&[(a.clone(), "newer".into()), (missing_dir, "x".into())])
            .expect_err("fails");
        assert!(err[0].message.contains("cannot write"));
        assert_eq!(fs::read_to_string(&a).expect("read"), "new a");
    }
}
