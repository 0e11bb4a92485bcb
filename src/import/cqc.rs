//! `carehub import cqc`: updates provider files from the CQC care directory
//! and (optionally) its latest-ratings export, or lists CQC locations that
//! the hub does not have yet.
//!
//! Everything is read and checked, and every edit computed, before any file
//! is written; a problem anywhere leaves every provider file as it was.

use std::fmt::Write as _;
use std::fs;
use std::io::ErrorKind as IoErrorKind;
use std::path::{Path, PathBuf};

use super::diag::{ErrorKind, ImportError, Problem};
use super::directory::{Directory, Location, parse_directory};
use super::providers::{
    Applied, NewValue, ProviderFile, display_join, load_providers, write_all_atomically,
};
use super::ratings::{RatingEntry, Ratings, read_ratings};
use super::text::decode;
use super::values::{KeyQuestion, PostcodePrefix, RatingCell};

pub use super::providers::FieldChange;

/// What to import and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CqcImportOptions {
    /// The site's root folder (the one holding `site.toml` and `content/`).
    pub root: PathBuf,
    /// The CQC care directory CSV.
    pub directory: PathBuf,
    /// The CQC latest-ratings export (ODS, XLSX or CSV), if given.
    pub ratings: Option<PathBuf>,
    /// Report what would change without writing anything.
    pub dry_run: bool,
    /// List locations not yet in the hub that match this postcode area or
    /// district ("MK", "MK6") or service text ("Hospice services") instead
    /// of updating provider files.
    pub suggest: Option<String>,
}

/// What an import found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CqcImportReport {
    /// The directory file read.
    pub directory: PathBuf,
    /// The date in the directory's preamble, as written there.
    pub produced_on: Option<String>,
    /// How many locations the directory lists.
    pub locations: usize,
    /// The ratings file read, if any.
    pub ratings: Option<RatingsSummary>,
    /// True if nothing was written because of `--dry-run`.
    pub dry_run: bool,
    /// One entry per provider file with a `cqc.location_id`, in path order.
    pub providers: Vec<ProviderReport>,
    /// Provider files without a `cqc.location_id`.
    pub without_location_id: usize,
    /// Remarks about the inputs, such as an encoding fallback.
    pub notes: Vec<String>,
    /// The suggestions, when the import was run with `suggest`.
    pub suggestions: Option<Suggestions>,
    /// The provider files written.
    pub written: Vec<PathBuf>,
}

/// The ratings file that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingsSummary {
    /// The file.
    pub path: PathBuf,
    /// The sheet read, for a spreadsheet.
    pub sheet: Option<String>,
    /// Data rows read.
    pub rows: usize,
    /// Locations with an overall rating.
    pub rated_locations: usize,
}

/// What happened to one provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderReport {
    /// The provider's id (its file name without `.toml`).
    pub id: String,
    /// Its file.
    pub file: PathBuf,
    /// Its `cqc.location_id`.
    pub location_id: String,
    /// The fields changed (or that would change, in a dry run).
    pub changes: Vec<FieldChange>,
    /// Things the editor should look at.
    pub warnings: Vec<String>,
}

/// CQC locations that match a `--suggest` query and are not in the hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestions {
    /// The query as given.
    pub query: String,
    /// How the query was matched, e.g. "postcode district MK6".
    pub matched_on: String,
    /// The matching locations, by name.
    pub locations: Vec<Suggestion>,
}

/// One suggested CQC location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Name.
    pub name: String,
    /// Postcode.
    pub postcode: String,
    /// Service types.
    pub service_types: String,
    /// CQC location id.
    pub location_id: String,
    /// The location's CQC page.
    pub url: String,
    /// The organisation that runs it, if the directory says.
    pub provider_name: String,
}

/// Runs the import described by `opts`. On success the report says what
/// changed; on error nothing was written (except for an
/// [`ErrorKind::Write`] error, whose problems list what was).
pub fn import_cqc(opts: &CqcImportOptions) -> Result<CqcImportReport, ImportError> {
    check_site(&opts.root)?;
    let query = match &opts.suggest {
        Some(q) if q.trim().is_empty() => {
            return Err(ImportError::usage(
                Problem::file(Path::new("--suggest"), "the suggestion query is empty")
                    .hint("give a postcode area or district such as MK or MK6, or a service type such as \"Hospice services\""),
            ));
        }
        Some(q) => Some(q.trim().to_string()),
        None => None,
    };
    let directory_bytes = read_input(&opts.directory, "care directory")?;
    let ratings_bytes = match &opts.ratings {
        Some(path) => Some((path, read_input(path, "ratings file")?)),
        None => None,
    };

    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let providers = load_providers(&opts.root).unwrap_or_else(|p| {
        problems.extend(p);
        Vec::new()
    });
    let decoded = decode(&directory_bytes);
    if let Some(encoding) = decoded.fallback_encoding {
        notes.push(format!(
            "{} is not UTF-8; it was read as {encoding}.",
            opts.directory.display()
        ));
    }
    let directory = parse_directory(&opts.directory, &decoded.text).unwrap_or_else(|p| {
        problems.extend(p);
        Directory::default()
    });
    let ratings = ratings_bytes.and_then(|(path, bytes)| match read_ratings(path, &bytes) {
        Ok(ratings) => {
            if let Some(encoding) = ratings.fallback_encoding {
                notes.push(format!(
                    "{} is not UTF-8; it was read as {encoding}.",
                    path.display()
                ));
            }
            Some((path.clone(), ratings))
        }
        Err(p) => {
            problems.extend(p);
            None
        }
    });
    if !problems.is_empty() {
        return Err(ImportError {
            kind: ErrorKind::Data,
            problems,
        });
    }

    let mut report = CqcImportReport {
        directory: opts.directory.clone(),
        produced_on: directory.produced_on.clone(),
        locations: directory.locations.len(),
        ratings: ratings.as_ref().map(|(path, r)| RatingsSummary {
            path: path.clone(),
            sheet: r.sheet.clone(),
            rows: r.rows,
            rated_locations: r.rated_locations(),
        }),
        dry_run: opts.dry_run,
        providers: Vec::new(),
        without_location_id: providers.iter().filter(|p| p.location_id.is_none()).count(),
        notes,
        suggestions: None,
        written: Vec::new(),
    };

    if let Some(query) = query {
        report.suggestions = Some(suggest(&query, &directory, &providers));
        return Ok(report);
    }

    let mut providers = providers;
    for provider in providers.iter_mut() {
        if provider.location_id.is_some() {
            let ratings = ratings.as_ref().map(|(path, r)| (path.as_path(), r));
            report.providers.push(update_provider(
                provider,
                &directory,
                ratings,
                &mut problems,
            ));
        }
    }
    let files: Vec<(PathBuf, String)> = providers
        .iter()
        .filter_map(|p| p.new_text().map(|text| (p.path.clone(), text)))
        .collect();
    // Belt and braces: never write a provider file that would not parse.
    for (path, text) in &files {
        if let Err(err) = text
            .trim_start_matches('\u{feff}')
            .parse::<toml_edit::DocumentMut>()
        {
            problems.push(Problem::file(
                path,
                format!(
                    "internal error: the updated file would not be valid TOML ({}); please report this",
                    err.message().trim()
                ),
            ));
        }
    }
    if !problems.is_empty() {
        let mut unique: Vec<Problem> = Vec::with_capacity(problems.len());
        for problem in problems {
            if !unique.contains(&problem) {
                unique.push(problem);
            }
        }
        return Err(ImportError {
            kind: ErrorKind::Data,
            problems: unique,
        });
    }

    if !opts.dry_run && !files.is_empty() {
        report.written = write_all_atomically(&files).map_err(|problems| ImportError {
            kind: ErrorKind::Write,
            problems,
        })?;
    }
    Ok(report)
}

fn check_site(root: &Path) -> Result<(), ImportError> {
    if !display_join(root, Path::new("site.toml")).is_file() {
        return Err(ImportError::usage(
            Problem::file(root, "this is not a carehub site: it has no site.toml")
                .hint("run the command in the site's folder, or pass --root DIR"),
        ));
    }
    Ok(())
}

fn read_input(path: &Path, what: &str) -> Result<Vec<u8>, ImportError> {
    if path.is_dir() {
        return Err(ImportError::usage(
            Problem::file(path, format!("this is a folder, not the CQC {what}")).hint(format!(
                "give the path of the {what} file you downloaded from the CQC website"
            )),
        ));
    }
    fs::read(path).map_err(|err| {
        let problem = Problem::file(path, format!("cannot read the {what}: {err}"));
        if err.kind() == IoErrorKind::NotFound {
            ImportError::usage(problem.hint(format!(
                "check the path; download the {what} from the CQC website if you have not"
            )))
        } else {
            ImportError {
                kind: ErrorKind::Data,
                problems: vec![problem],
            }
        }
    })
}

/// Works out and applies (in memory) every update for one provider.
fn update_provider(
    provider: &mut ProviderFile,
    directory: &Directory,
    ratings: Option<(&Path, &Ratings)>,
    problems: &mut Vec<Problem>,
) -> ProviderReport {
    let location_id = provider.location_id.clone().unwrap_or_default();
    let mut report = ProviderReport {
        id: provider.id.clone(),
        file: provider.path.clone(),
        location_id: location_id.clone(),
        changes: Vec::new(),
        warnings: Vec::new(),
    };
    let Some(location) = directory.get(&location_id) else {
        report.warnings.push(format!(
            "location {location_id} is not in the CQC directory, so nothing was updated; check cqc.location_id in {} (if the service has closed or re-registered, update or remove its [cqc] details)",
            provider.path.display()
        ));
        return report;
    };

    let mut updates: Vec<(&'static str, NewValue)> = Vec::new();
    match ratings {
        Some((path, ratings)) => {
            rating_updates(
                provider,
                &location_id,
                path,
                ratings,
                &mut updates,
                &mut report,
                problems,
            );
        }
        None => {
            if let (Some(check), Some(rated)) =
                (location.last_check, provider.current_date("rated"))
                && check > rated
            {
                report.warnings.push(format!(
                    "the CQC checked this location on {check}, after the rating date here ({rated}); a new rating may be out: run the import with --ratings FILE (the CQC's latest ratings file)"
                ));
            }
        }
    }
    directory_updates(provider, location, &mut updates, &mut report);

    for (key, value) in &updates {
        match provider.apply(key, value) {
            Applied::Unchanged => {}
            Applied::Changed(change) => report.changes.push(change),
            Applied::KeptForComment => report.warnings.push(format!(
                "{key}: the ratings file has no rating for this key question, but the line has a comment, so it was left as {}; remove it by hand if it no longer applies",
                provider.current(key).unwrap_or_default()
            )),
        }
    }
    report
}

fn directory_updates(
    provider: &ProviderFile,
    location: &Location,
    updates: &mut Vec<(&'static str, NewValue)>,
    report: &mut ProviderReport,
) {
    if let Some(check) = location.last_check {
        match provider.current_date("checked") {
            Some(current) if check < current => report.warnings.push(format!(
                "the directory's date of latest check ({check}) is older than the one here ({current}), so checked was left unchanged; use the latest directory file"
            )),
            _ => updates.push(("checked", NewValue::Date(check))),
        }
    }
    let url = location.url.trim();
    if url.starts_with("https://") || url.starts_with("http://") {
        updates.push((
            "url",
            NewValue::Text {
                text: url.to_string(),
                ignore_case: false,
            },
        ));
    } else if !url.is_empty() {
        report.warnings.push(format!(
            "the directory's Location URL \"{url}\" (line {}) is not a web address, so url was left unchanged",
            location.line
        ));
    }
}

fn rating_text(cell: &RatingCell) -> Option<NewValue> {
    match cell {
        RatingCell::Rated(rating) => Some(NewValue::Text {
            text: rating.as_str().to_string(),
            ignore_case: true,
        }),
        RatingCell::NoRating(_) | RatingCell::Unknown(_) => None,
    }
}

fn unknown_rating(path: &Path, ratings: &Ratings, entry: &RatingEntry, text: &str) -> Problem {
    Problem::at_line(
        path,
        entry.line,
        format!(
            "\"{text}\" in column \"Latest Rating\" is not a CQC rating; expected Outstanding, Good, Requires improvement, Inadequate or Not yet rated"
        ),
    )
    .sheet(ratings.sheet.as_deref())
    .hint("download the latest ratings file again from the CQC website")
}

fn rating_updates(
    provider: &ProviderFile,
    location_id: &str,
    path: &Path,
    ratings: &Ratings,
    updates: &mut Vec<(&'static str, NewValue)>,
    report: &mut ProviderReport,
    problems: &mut Vec<Problem>,
) {
    let current = provider
        .current("rating")
        .unwrap_or_else(|| "(none)".into());
    let Some((location, overall)) = ratings
        .get(location_id)
        .and_then(|l| l.overall.as_ref().map(|o| (l, o)))
    else {
        report.warnings.push(format!(
            "the ratings file has no overall rating for location {location_id} (it may not have been rated yet), so rating was left as {current}"
        ));
        return;
    };
    let rating = match &overall.cell {
        RatingCell::Unknown(text) => {
            problems.push(unknown_rating(path, ratings, overall, text));
            return;
        }
        RatingCell::NoRating(text) => {
            let said = if text.is_empty() {
                "nothing".to_string()
            } else {
                format!("\"{text}\"")
            };
            report.warnings.push(format!(
                "the ratings file says {said} for location {location_id}'s overall rating (line {}), so rating was left as {current}",
                overall.line
            ));
            return;
        }
        cell => rating_text(cell),
    };
    if let (Some(new), Some(old)) = (overall.date, provider.current_date("rated"))
        && new < old
    {
        report.warnings.push(format!(
            "the ratings file's rating for location {location_id} was published on {new}, before the one here ({old}), so the ratings were left unchanged; use the latest ratings file"
        ));
        return;
    }
    updates.extend(rating.map(|r| ("rating", r)));
    if let Some(date) = overall.date {
        updates.push(("rated", NewValue::Date(date)));
    }
    for kq in KeyQuestion::ALL {
        let new = match &location.key_questions[kq.index()] {
            Some(entry) => {
                if let RatingCell::Unknown(text) = &entry.cell {
                    problems.push(unknown_rating(path, ratings, entry, text));
                    continue;
                }
                rating_text(&entry.cell).unwrap_or(NewValue::Remove)
            }
            None => NewValue::Remove,
        };
        updates.push((kq.key(), new));
    }
}

fn suggest(query: &str, directory: &Directory, providers: &[ProviderFile]) -> Suggestions {
    let in_hub: std::collections::HashSet<&str> = providers
        .iter()
        .filter_map(|p| p.location_id.as_deref())
        .collect();
    let prefix = PostcodePrefix::parse(query);
    let needle = query.to_lowercase();
    let matched_on = match &prefix {
        Some(PostcodePrefix::Area(a)) => format!("postcode area {a}"),
        Some(PostcodePrefix::District(d)) => format!("postcode district {d}"),
        None => format!("service \"{query}\""),
    };
    let mut locations: Vec<Suggestion> = directory
        .locations
        .iter()
        .filter(|l| !in_hub.contains(l.id.as_str()))
        .filter(|l| match &prefix {
            Some(prefix) => prefix.matches(&l.postcode),
            None => {
                l.service_types.to_lowercase().contains(&needle)
                    || l.specialisms.to_lowercase().contains(&needle)
            }
        })
        .map(|l| Suggestion {
            name: l.name.clone(),
            postcode: l.postcode.clone(),
            service_types: l.service_types.clone(),
            location_id: l.id.clone(),
            url: l.url.clone(),
            provider_name: l.provider_name.clone(),
        })
        .collect();
    locations.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.location_id.cmp(&b.location_id))
    });
    Suggestions {
        query: query.to_string(),
        matched_on,
        locations,
    }
}

fn show(value: Option<&str>, missing: &str) -> String {
    value.map_or_else(|| missing.to_string(), str::to_string)
}

/// Formats a report for the terminal: one line per provider, warnings,
/// a summary, and whether anything was written.
pub fn format_report(report: &CqcImportReport) -> String {
    let mut out = String::new();
    let produced = report
        .produced_on
        .as_deref()
        .map(|d| format!(", produced on {d}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "CQC care directory: {} ({} locations{produced})",
        report.directory.display(),
        report.locations
    );
    match &report.ratings {
        Some(r) => {
            let sheet = r
                .sheet
                .as_deref()
                .map(|s| format!(", sheet \"{s}\""))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "CQC ratings: {} ({} rows{sheet}; {} locations with an overall rating)",
                r.path.display(),
                r.rows,
                r.rated_locations
            );
        }
        None if report.suggestions.is_none() => {
            let _ = writeln!(
                out,
                "No ratings file: the care directory carries no ratings, so only url and checked (the date of the CQC's latest check) are updated. Add --ratings FILE (the CQC's latest ratings file) to update ratings."
            );
        }
        None => {}
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }

    if let Some(s) = &report.suggestions {
        format_suggestions(&mut out, s);
        return out;
    }

    out.push('\n');
    for p in &report.providers {
        if !p.changes.is_empty() {
            let changes = p
                .changes
                .iter()
                .map(|c| {
                    format!(
                        "{} {} -> {}",
                        c.field,
                        show(c.old.as_deref(), "(none)"),
                        show(c.new.as_deref(), "(removed)")
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let _ = writeln!(out, "{}: {changes}", p.id);
        } else if p.warnings.is_empty() {
            let _ = writeln!(out, "{}: no change", p.id);
        }
        for w in &p.warnings {
            let _ = writeln!(out, "warning: {}: {w}", p.id);
        }
    }
    let changed = report
        .providers
        .iter()
        .filter(|p| !p.changes.is_empty())
        .count();
    let unchanged = report
        .providers
        .iter()
        .filter(|p| p.changes.is_empty() && p.warnings.is_empty())
        .count();
    let warned = report
        .providers
        .iter()
        .filter(|p| !p.warnings.is_empty())
        .count();
    if report.providers.is_empty() {
        let _ = writeln!(
            out,
            "No provider file has a cqc.location_id, so there is nothing to update."
        );
    } else {
        let _ = writeln!(
            out,
            "\n{} provider{} with a CQC location id: {changed} {}, {unchanged} unchanged, {warned} with warnings.",
            report.providers.len(),
            plural(report.providers.len()),
            if report.dry_run {
                "to update"
            } else {
                "updated"
            },
        );
    }
    if report.without_location_id > 0 {
        let _ = writeln!(
            out,
            "{} provider file{} without a cqc.location_id left alone.",
            report.without_location_id,
            plural(report.without_location_id)
        );
    }
    if report.dry_run {
        let _ = writeln!(out, "Dry run: no file was changed.");
    } else if report.written.is_empty() {
        let _ = writeln!(out, "No file needed changing.");
    } else {
        let _ = writeln!(
            out,
            "Wrote {} provider file{}.",
            report.written.len(),
            plural(report.written.len())
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn format_suggestions(out: &mut String, s: &Suggestions) {
    out.push('\n');
    if s.locations.is_empty() {
        let _ = writeln!(
            out,
            "No CQC location matching {} is missing from the hub.",
            s.matched_on
        );
        return;
    }
    let _ = writeln!(
        out,
        "{} CQC location{} matching {} not yet in the hub:",
        s.locations.len(),
        plural(s.locations.len()),
        s.matched_on
    );
    for l in &s.locations {
        let _ = writeln!(out, "\n  {} ({})", l.name, l.postcode);
        if !l.provider_name.is_empty() {
            let _ = writeln!(out, "    run by:        {}", l.provider_name);
        }
        let _ = writeln!(out, "    service types: {}", l.service_types);
        let _ = writeln!(out, "    location id:   {}", l.location_id);
        if !l.url.is_empty() {
            let _ = writeln!(out, "    CQC page:      {}", l.url);
        }
    }
    let _ = writeln!(
        out,
        "\nTo add one, create content/providers/<id>.toml with a [cqc] table holding its location_id, then run this import again. Nothing was changed."
    );
}
