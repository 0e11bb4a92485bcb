//! Reads the CQC latest-ratings export: as published (ODS, read with
//! calamine; XLSX also works) or saved as CSV. It has one row per location,
//! service or population group and key question ("Domain").

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Sheets, open_workbook_from_rs};
use chrono::NaiveDate;

use super::diag::{Problem, ProblemList};
use super::text::{
    DATE_FORMS, Row, csv_rows, date_from_serial, decode, normalise_heading, parse_date, shorten,
};
use super::values::{KeyQuestion, LOCATION_ID_FORMS, RatingCell, is_location_id, parse_rating};

/// How many rows may come before the header row.
const MAX_ROWS_BEFORE_HEADER: usize = 10;

const REDOWNLOAD: &str = "download the latest ratings file again from the CQC website (ODS), or save it as CSV without changing its columns";

/// One rating row the import uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingEntry {
    /// The "Latest Rating" cell.
    pub(crate) cell: RatingCell,
    /// "Publication Date".
    pub date: Option<NaiveDate>,
    /// The line (CSV) or row (spreadsheet) it came from.
    pub line: usize,
}

/// A location's latest overall and key-question ratings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocationRatings {
    /// The row where "Service / Population Group" and "Domain" are both "Overall".
    pub overall: Option<RatingEntry>,
    /// The "Overall" group's rows for Safe, Effective, Caring, Responsive and
    /// Well-led, in [`KeyQuestion::ALL`] order.
    pub key_questions: [Option<RatingEntry>; 5],
}

/// The ratings export, by location id.
#[derive(Debug, Clone, Default)]
pub struct Ratings {
    /// The spreadsheet sheet read, if the file was a spreadsheet.
    pub sheet: Option<String>,
    /// Data rows read.
    pub rows: usize,
    /// Set when a CSV was not UTF-8 and was read as Windows-1252.
    pub fallback_encoding: Option<&'static str>,
    by_location: HashMap<String, LocationRatings>,
}

impl Ratings {
    /// The ratings for this location id.
    pub fn get(&self, id: &str) -> Option<&LocationRatings> {
        self.by_location.get(id)
    }

    /// How many locations have an overall rating row.
    pub fn rated_locations(&self) -> usize {
        self.by_location
            .values()
            .filter(|l| l.overall.is_some())
            .count()
    }
}

/// Rows of one table, from a CSV file or one spreadsheet sheet.
struct Table {
    sheet: Option<String>,
    rows: Vec<Row>,
    /// CSV rows must have the header's width; spreadsheet rows always do.
    check_width: bool,
}

/// Reads the ratings export at `path` (whose bytes are `bytes`).
pub fn read_ratings(path: &Path, bytes: &[u8]) -> Result<Ratings, Vec<Problem>> {
    if !is_spreadsheet(path, bytes) {
        let decoded = decode(bytes);
        let rows = csv_rows(path, &decoded.text).map_err(|p| vec![p])?;
        let table = Table {
            sheet: None,
            rows,
            check_width: true,
        };
        return match try_table(path, &table)? {
            Some(mut ratings) => {
                ratings.fallback_encoding = decoded.fallback_encoding;
                Ok(ratings)
            }
            None => Err(vec![not_ratings(
                path,
                format!("in its first {MAX_ROWS_BEFORE_HEADER} rows"),
            )]),
        };
    }
    let unreadable = |err: String| {
        vec![Problem::file(path, format!("cannot read this spreadsheet: {err}")).hint(REDOWNLOAD)]
    };
    let mut book = open_spreadsheet(path, bytes).map_err(unreadable)?;
    // The CQC's export has a "Locations" sheet (and a "Providers" one);
    // look there first, then in the other sheets in order.
    let mut names = book.sheet_names();
    names.sort_by_key(|n| !n.trim().eq_ignore_ascii_case("Locations"));
    for name in &names {
        let range = book
            .worksheet_range(name)
            .map_err(|e| unreadable(e.to_string()))?;
        if let Some(ratings) = try_table(path, &sheet_table(name, &range))? {
            return Ok(ratings);
        }
    }
    Err(vec![not_ratings(
        path,
        format!("in any sheet ({})", names.join(", ")),
    )])
}

/// The ratings in `table`, `None` if it has no ratings header, or an error
/// if it is malformed or is clearly the wrong CQC file.
fn try_table(path: &Path, table: &Table) -> Result<Option<Ratings>, Vec<Problem>> {
    if let Some(header_at) = find_header(&table.rows) {
        return parse_table(path, table, header_at).map(Some);
    }
    match wrong_file(path, table) {
        Some(problem) => Err(vec![problem]),
        None => Ok(None),
    }
}

fn not_ratings(path: &Path, place: String) -> Problem {
    Problem::file(
        path,
        format!(
            "this is not the CQC ratings export: there is no header row with \"Location ID\" and \"Latest Rating\" {place}"
        ),
    )
    .hint(REDOWNLOAD)
}

/// A specific message for a file that is clearly the wrong CQC file.
fn wrong_file(path: &Path, table: &Table) -> Option<Problem> {
    let first = table.rows.iter().find(|r| !r.is_blank())?;
    if first
        .get(0)
        .trim()
        .eq_ignore_ascii_case("CQC Locations data")
    {
        return Some(
            Problem::at_line(
                path,
                first.line,
                "this is the CQC care directory, not the ratings export",
            )
            .sheet(table.sheet.as_deref())
            .hint(
                "give the care directory as FILE and the latest ratings file with --ratings FILE",
            ),
        );
    }
    None
}

fn is_spreadsheet(path: &Path, bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC)
        || bytes.starts_with(OLE_MAGIC)
        || matches!(extension(path).as_str(), "ods" | "xlsx" | "xlsm" | "xls")
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0];

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Opens a spreadsheet held in memory: XLS by its signature, XLSX by its
/// extension, otherwise ODS (the form the CQC publishes).
fn open_spreadsheet<'a>(path: &Path, bytes: &'a [u8]) -> Result<Sheets<Cursor<&'a [u8]>>, String> {
    let cursor = Cursor::new(bytes);
    if bytes.starts_with(OLE_MAGIC) {
        open_workbook_from_rs(cursor)
            .map(Sheets::Xls)
            .map_err(|e: calamine::XlsError| e.to_string())
    } else if matches!(extension(path).as_str(), "xlsx" | "xlsm") {
        open_workbook_from_rs(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e: calamine::XlsxError| e.to_string())
    } else {
        open_workbook_from_rs(cursor)
            .map(Sheets::Ods)
            .map_err(|e: calamine::OdsError| e.to_string())
    }
}

/// One sheet as rows of text, numbered as the spreadsheet numbers them.
fn sheet_table(name: &str, range: &calamine::Range<Data>) -> Table {
    let start_row = range.start().map_or(0, |(row, _)| row as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row {
            line: start_row + i + 1,
            fields: cells.iter().map(cell_text).collect(),
        })
        .collect();
    Table {
        sheet: Some(name.to_string()),
        rows,
        check_width: false,
    }
}

/// A spreadsheet cell as the text a CSV export would hold; dates as
/// YYYY-MM-DD.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            date_from_serial(dt.as_f64()).map_or_else(|| dt.as_f64().to_string(), |d| d.to_string())
        }
        Data::Error(e) => format!("#{e}"),
    }
}

fn has_heading(row: &Row, name: &str) -> Option<usize> {
    let want = normalise_heading(name);
    row.fields.iter().position(|f| normalise_heading(f) == want)
}

fn find_header(rows: &[Row]) -> Option<usize> {
    rows.iter().take(MAX_ROWS_BEFORE_HEADER).position(|r| {
        has_heading(r, "Location ID").is_some() && has_heading(r, "Latest Rating").is_some()
    })
}

struct Columns {
    width: usize,
    location_id: usize,
    group: usize,
    domain: usize,
    rating: usize,
    date: usize,
}

fn parse_table(path: &Path, table: &Table, header_at: usize) -> Result<Ratings, Vec<Problem>> {
    let sheet = table.sheet.as_deref();
    let Some(header) = table.rows.get(header_at) else {
        return Err(vec![Problem::file(path, "no header row").sheet(sheet)]);
    };
    let mut missing = Vec::new();
    let mut find = |names: &[&'static str]| {
        let found = names.iter().find_map(|n| has_heading(header, n));
        if found.is_none() {
            missing.push(names[0]);
        }
        found.unwrap_or(0)
    };
    let columns = Columns {
        width: header.fields.len(),
        location_id: find(&["Location ID"]),
        group: find(&["Service / Population Group", "Service/Population Group"]),
        domain: find(&["Domain", "Key Question"]),
        rating: find(&["Latest Rating"]),
        date: find(&["Publication Date"]),
    };
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(vec![
            Problem::at_line(
                path,
                header.line,
                format!(
                    "the header row has no {list} column{}",
                    if missing.len() == 1 { "" } else { "s" }
                ),
            )
            .sheet(sheet)
            .hint(REDOWNLOAD),
        ]);
    }

    let mut problems = ProblemList::new(path);
    problems.set_sheet(sheet);
    let mut ratings = Ratings {
        sheet: table.sheet.clone(),
        ..Ratings::default()
    };
    for row in table.rows.iter().skip(header_at + 1) {
        if row.is_blank() {
            continue;
        }
        ratings.rows += 1;
        match read_row(path, sheet, &columns, header.line, table.check_width, row) {
            Ok(None) => {}
            Ok(Some((id, slot, entry))) => {
                let location = ratings.by_location.entry(id).or_default();
                let current = match slot {
                    None => &mut location.overall,
                    Some(kq) => &mut location.key_questions[kq.index()],
                };
                // Keep the most recently published row; on a tie, the first.
                if current.as_ref().is_none_or(|c| entry.date > c.date) {
                    *current = Some(entry);
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(ratings)
    } else {
        Err(problems.into_vec())
    }
}

/// One data row: `None` for rows the import does not use, else the location
/// id, the slot (`None` for the overall rating) and the entry.
type RowResult = Result<Option<(String, Option<KeyQuestion>, RatingEntry)>, Problem>;

fn read_row(
    path: &Path,
    sheet: Option<&str>,
    columns: &Columns,
    header_line: usize,
    check_width: bool,
    row: &Row,
) -> RowResult {
    let at = |message: String| {
        Problem::at_line(path, row.line, message)
            .sheet(sheet)
            .hint(REDOWNLOAD)
    };
    if check_width && row.fields.len() != columns.width {
        return Err(at(format!(
            "this row has {} fields but the header (line {header_line}) has {}",
            row.fields.len(),
            columns.width
        )));
    }
    let id = row.get(columns.location_id).trim();
    if !is_location_id(id) {
        let what = if id.is_empty() {
            "has no location id".to_string()
        } else {
            format!(
                "has the location id \"{}\", which is not a CQC location id",
                shorten(id, 40)
            )
        };
        return Err(at(format!(
            "this row {what} (column \"Location ID\"); expected an id {LOCATION_ID_FORMS}"
        )));
    }
    let date_text = row.get(columns.date).trim();
    let date = if date_text.is_empty() {
        None
    } else {
        match parse_date(date_text) {
            Some(date) => Some(date),
            None => {
                return Err(at(format!(
                    "\"{}\" in column \"Publication Date\" is not a date; expected {DATE_FORMS}",
                    shorten(date_text, 40)
                )));
            }
        }
    };
    if !row
        .get(columns.group)
        .trim()
        .eq_ignore_ascii_case("Overall")
    {
        return Ok(None);
    }
    let domain = row.get(columns.domain).trim();
    let slot = if domain.eq_ignore_ascii_case("Overall") {
        None
    } else {
        match KeyQuestion::from_domain(domain) {
            Some(kq) => Some(kq),
            None => return Ok(None),
        }
    };
    let entry = RatingEntry {
        cell: parse_rating(row.get(columns.rating)),
        date,
        line: row.line,
    };
    Ok(Some((id.to_string(), slot, entry)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::values::Rating;

    const HEADER: &str = "Location ID,Location Name,Service / Population Group,Domain,Latest Rating,Publication Date,Report Type,URL";

    fn csv(rows: &[&str]) -> String {
        let mut s = format!("{HEADER}\n");
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    fn read(text: &str) -> Result<Ratings, Vec<Problem>> {
        read_ratings(Path::new("r.csv"), text.as_bytes())
    }

    #[test]
    fn picks_overall_and_key_questions() {
        let text = csv(&[
            "1-0000000101,Ouzel,Overall,Overall,Outstanding,02/05/2026,Location,",
            "1-0000000101,Ouzel,Overall,Safe,Good,02/05/2026,Location,",
            "1-0000000101,Ouzel,Overall,Well-led,Outstanding,2026-05-02,Location,",
            "1-0000000101,Ouzel,Hospice services,Overall,Inadequate,02/05/2026,Location,",
            "1-0000000101,Ouzel,Overall,Overall,Good,18/03/2025,Location,",
        ]);
        let r = read(&text).expect("parses");
        assert_eq!(r.rows, 5);
        assert_eq!(r.rated_locations(), 1);
        let loc = r.get("1-0000000101").expect("found");
        let overall = loc.overall.as_ref().expect("overall");
        assert_eq!(overall.cell, RatingCell::Rated(Rating::Outstanding));
        assert_eq!(overall.date, NaiveDate::from_ymd_opt(2026, 5, 2));
        assert_eq!(overall.line, 2);
        assert!(loc.key_questions[KeyQuestion::Safe.index()].is_some());
        assert!(loc.key_questions[KeyQuestion::Caring.index()].is_none());
        assert!(loc.key_questions[KeyQuestion::WellLed.index()].is_some());
    }

    #[test]
    fn header_after_a_banner_row_and_key_question_alias() {
        let text = "Latest ratings,,,,\n\nLocation ID,Service / Population Group,Key Question,Latest Rating,Publication Date\n1-0000000101,Overall,Overall,Good,18/03/2025\n";
        let r = read(text).expect("parses");
        assert!(r.get("1-0000000101").is_some_and(|l| l.overall.is_some()));
    }

    #[test]
    fn failures_name_the_line() {
        let p = read(&csv(&[
            "1-0000000101,Ouzel,Overall,Overall,Good,18/13/2025,Location,",
            "1-0000000101,Ouzel,Overall",
            "1-X,Ouzel,Overall,Overall,Good,18/03/2025,Location,",
        ]))
        .expect_err("fails");
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].line, Some(2));
        assert!(p[0].message.contains("\"18/13/2025\""), "{}", p[0]);
        assert!(p[1].message.contains("3 fields"), "{}", p[1]);
        assert!(p[2].message.contains("\"1-X\""), "{}", p[2]);

        let p = read("Location ID,Latest Rating,Domain\n").expect_err("fails");
        assert!(
            p[0].message
                .contains("\"Service / Population Group\", \"Publication Date\""),
            "{}",
            p[0]
        );

        let p = read("CQC Locations data\nThis data was produced on x\n").expect_err("fails");
        assert!(p[0].message.contains("care directory"), "{}", p[0]);

        let p = read("a,b\n1,2\n").expect_err("fails");
        assert!(
            p[0].message.contains("not the CQC ratings export"),
            "{}",
            p[0]
        );
    }

    #[test]
    fn broken_spreadsheet_is_an_error_not_a_panic() {
        let p = read_ratings(Path::new("r.ods"), b"PK\x03\x04garbage").expect_err("fails");
        assert!(
            p[0].message.contains("cannot read this spreadsheet"),
            "{}",
            p[0]
        );
    }

    #[test]
    fn cells_as_text() {
        assert_eq!(cell_text(&Data::Float(45734.0)), "45734");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2025-03-18".into())),
            "2025-03-18"
        );
        assert_eq!(cell_text(&Data::Empty), "");
    }
}
