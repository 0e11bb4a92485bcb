//! Reads the CQC care directory CSV: two preamble lines ("CQC Locations
//! data", "This data was produced on DATE"), a header row, then one row per
//! location.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::diag::{Problem, ProblemList};
use super::text::{DATE_FORMS, Row, csv_rows, normalise_heading, parse_date, shorten};
use super::values::{LOCATION_ID_FORMS, is_location_id};

/// What the first line of the directory says.
const PREAMBLE: &str = "CQC Locations data";
/// How the second line of the directory starts.
const PRODUCED_ON: &str = "This data was produced on";
/// How many lines may come before the header row.
const MAX_PREAMBLE_LINES: usize = 6;

const REDOWNLOAD: &str = "download the care directory again from the CQC website and pass it unchanged (opening and saving it in a spreadsheet program can change it)";

/// One CQC location from the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The line of the directory the location was read from.
    pub line: usize,
    /// CQC location id, such as `1-123456789`.
    pub id: String,
    /// The location's name.
    pub name: String,
    /// Its postcode as the CQC wrote it.
    pub postcode: String,
    /// "Service types", such as "Hospice services".
    pub service_types: String,
    /// "Specialisms/services".
    pub specialisms: String,
    /// "Date of latest check", if the CQC has checked the location.
    pub last_check: Option<NaiveDate>,
    /// "Location URL": the location's page on the CQC website.
    pub url: String,
    /// "Provider name", when the file has that column.
    pub provider_name: String,
}

/// The care directory: every location, by id.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// What follows "This data was produced on" in the preamble.
    pub produced_on: Option<String>,
    /// Every location, in file order.
    pub locations: Vec<Location>,
    by_id: HashMap<String, usize>,
}

impl Directory {
    /// The location with this id.
    pub fn get(&self, id: &str) -> Option<&Location> {
        self.by_id.get(id).and_then(|&i| self.locations.get(i))
    }
}

/// The columns the import reads, by heading (first name is the CQC's, the
/// rest are older spellings).
struct Column {
    names: &'static [&'static str],
    required: bool,
}

const NAME: Column = Column {
    names: &["Name"],
    required: true,
};
const POSTCODE: Column = Column {
    names: &["Postcode"],
    required: true,
};
const SERVICE_TYPES: Column = Column {
    names: &["Service types"],
    required: true,
};
const LAST_CHECK: Column = Column {
    names: &["Date of latest check"],
    required: true,
};
const SPECIALISMS: Column = Column {
    names: &["Specialisms/services"],
    required: true,
};
const URL: Column = Column {
    names: &["Location URL"],
    required: true,
};
const LOCATION_ID: Column = Column {
    names: &[
        "CQC Location ID (for office use only)",
        "CQC Location (for office use only",
        "CQC Location ID",
    ],
    required: true,
};
const PROVIDER_NAME: Column = Column {
    names: &["Provider name"],
    required: false,
};

/// Column positions in the header row.
struct Columns {
    width: usize,
    name: usize,
    postcode: usize,
    service_types: usize,
    last_check: usize,
    specialisms: usize,
    url: usize,
    location_id: usize,
    provider_name: Option<usize>,
}

fn find_column(header: &[String], column: &Column) -> Option<usize> {
    column.names.iter().find_map(|name| {
        let want = normalise_heading(name);
        header.iter().position(|h| normalise_heading(h) == want)
    })
}

fn looks_like_directory_header(row: &Row) -> bool {
    find_column(&row.fields, &NAME).is_some() && find_column(&row.fields, &LOCATION_ID).is_some()
}

fn looks_like_ratings_header(row: &Row) -> bool {
    let has = |name: &str| {
        row.fields
            .iter()
            .any(|f| normalise_heading(f) == normalise_heading(name))
    };
    has("Location ID") && has("Latest Rating")
}

/// Parses the directory CSV `text`, read from `path`. Every problem found
/// is returned (up to a limit), each naming its line.
pub fn parse_directory(path: &Path, text: &str) -> Result<Directory, Vec<Problem>> {
    let rows = csv_rows(path, text).map_err(|p| vec![p])?;
    let mut rows = rows.into_iter().filter(|r| !r.is_blank()).peekable();

    // Preamble: "CQC Locations data", then "This data was produced on DATE".
    let Some(first) = rows.next() else {
        return Err(vec![
            Problem::file(path, "the file is empty, not the CQC care directory").hint(REDOWNLOAD),
        ]);
    };
    if !first.get(0).trim().eq_ignore_ascii_case(PREAMBLE) {
        let problem = if looks_like_ratings_header(&first) {
            Problem::at_line(
                path,
                first.line,
                "this looks like the CQC ratings export, not the care directory",
            )
            .hint("give the care directory CSV as FILE and the ratings file with --ratings FILE")
        } else if looks_like_directory_header(&first) {
            Problem::at_line(
                path,
                first.line,
                format!(
                    "the CQC preamble is missing: the first line should say \"{PREAMBLE}\" and the second \"{PRODUCED_ON} ...\""
                ),
            )
            .hint(REDOWNLOAD)
        } else {
            Problem::at_line(
                path,
                first.line,
                format!(
                    "this is not the CQC care directory: its first line should say \"{PREAMBLE}\", but it says \"{}\"",
                    shorten(first.fields.join(",").trim(), 60)
                ),
            )
            .hint(REDOWNLOAD)
        };
        return Err(vec![problem]);
    }
    let mut produced_on = None;
    let mut header = None;
    for _ in 0..MAX_PREAMBLE_LINES {
        let Some(row) = rows.next() else { break };
        if let Some(date) = strip_prefix_ignore_case(row.get(0).trim(), PRODUCED_ON) {
            produced_on = Some(date.trim().to_string()).filter(|d| !d.is_empty());
        } else if looks_like_directory_header(&row) {
            header = Some(row);
            break;
        }
    }
    let Some(header) = header else {
        return Err(vec![
            Problem::at_line(
                path,
                first.line,
                format!(
                    "no header row found after the preamble: expected a row naming the columns \"Name\" and \"{}\"",
                    LOCATION_ID.names[0]
                ),
            )
            .hint(REDOWNLOAD),
        ]);
    };
    let columns = header_columns(path, &header)?;

    let mut problems = ProblemList::new(path);
    let mut directory = Directory {
        produced_on,
        ..Directory::default()
    };
    for row in rows {
        match read_location(path, &columns, header.line, &row) {
            Ok(location) => {
                if let Some(&earlier) = directory.by_id.get(&location.id) {
                    let earlier_line = directory.locations.get(earlier).map_or(0, |l| l.line);
                    problems.push(
                        Problem::at_line(
                            path,
                            row.line,
                            format!(
                                "location id {} is listed twice (also on line {earlier_line})",
                                location.id
                            ),
                        )
                        .hint(REDOWNLOAD),
                    );
                    continue;
                }
                directory
                    .by_id
                    .insert(location.id.clone(), directory.locations.len());
                directory.locations.push(location);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(directory)
    } else {
        Err(problems.into_vec())
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn header_columns(path: &Path, header: &Row) -> Result<Columns, Vec<Problem>> {
    let mut missing = Vec::new();
    let mut find = |column: &Column| {
        let found = find_column(&header.fields, column);
        if found.is_none() && column.required {
            missing.push(column.names[0]);
        }
        found.unwrap_or(0)
    };
    let columns = Columns {
        width: header.fields.len(),
        name: find(&NAME),
        postcode: find(&POSTCODE),
        service_types: find(&SERVICE_TYPES),
        last_check: find(&LAST_CHECK),
        specialisms: find(&SPECIALISMS),
        url: find(&URL),
        location_id: find(&LOCATION_ID),
        provider_name: find_column(&header.fields, &PROVIDER_NAME),
    };
    if missing.is_empty() {
        return Ok(columns);
    }
    let list = missing
        .iter()
        .map(|m| format!("\"{m}\""))
        .collect::<Vec<_>>()
        .join(", ");
    Err(vec![
        Problem::at_line(
            path,
            header.line,
            format!(
                "the header row has no {list} column{}",
                if missing.len() == 1 { "" } else { "s" }
            ),
        )
        .hint(format!(
            "the header row has: {}; {REDOWNLOAD}",
            shorten(&header.fields.join(", "), 300)
        )),
    ])
}

/// True for an empty "Date of latest check" or words saying there has been
/// no check yet.
fn means_never_checked(text: &str) -> bool {
    let norm = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    matches!(
        norm.as_str(),
        "" | "-"
            | "n/a"
            | "none"
            | "not yet checked"
            | "not checked"
            | "not yet inspected"
            | "not inspected"
    )
}

fn read_location(
    path: &Path,
    columns: &Columns,
    header_line: usize,
    row: &Row,
) -> Result<Location, Problem> {
    if row.fields.len() != columns.width {
        return Err(Problem::at_line(
            path,
            row.line,
            format!(
                "this row has {} fields but the header (line {header_line}) has {}",
                row.fields.len(),
                columns.width
            ),
        )
        .hint(format!(
            "a field that holds a comma must be in double quotes; {REDOWNLOAD}"
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
        return Err(Problem::at_line(
            path,
            row.line,
            format!(
                "this row {what} (column \"{}\"); expected an id {LOCATION_ID_FORMS}",
                LOCATION_ID.names[0]
            ),
        )
        .hint(REDOWNLOAD));
    }
    let check_text = row.get(columns.last_check).trim();
    let last_check = if means_never_checked(check_text) {
        None
    } else {
        match parse_date(check_text) {
            Some(date) => Some(date),
            None => {
                return Err(Problem::at_line(
                    path,
                    row.line,
                    format!(
                        "\"{}\" in column \"{}\" is not a date; expected {DATE_FORMS}",
                        shorten(check_text, 40),
                        LAST_CHECK.names[0]
                    ),
                )
                .hint(REDOWNLOAD));
            }
        }
    };
    Ok(Location {
        line: row.line,
        id: id.to_string(),
        name: row.get(columns.name).trim().to_string(),
        postcode: row.get(columns.postcode).trim().to_string(),
        service_types: row.get(columns.service_types).trim().to_string(),
        specialisms: row.get(columns.specialisms).trim().to_string(),
        last_check,
        url: row.get(columns.url).trim().to_string(),
        provider_name: columns
            .provider_name
            .map(|i| row.get(i).trim().to_string())
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Name,Also known as,Address,Postcode,Phone number,Service's website (if available),Service types,Date of latest check,Specialisms/services,Provider name,Local authority,Region,Location URL,CQC Location ID (for office use only),CQC Provider ID (for office use only)";

    fn file(rows: &[&str]) -> String {
        let mut s = format!(
            "\u{feff}CQC Locations data\r\nThis data was produced on 01 May 2026\r\n{HEADER}\r\n"
        );
        for r in rows {
            s.push_str(r);
            s.push_str("\r\n");
        }
        s
    }

    const ROW: &str = "Ouzel Valley Hospice (example),,\"12 Example Lane, Milton Keynes\",MK6 9ZZ,01632 960101,,Hospice services,02/05/2026,Caring for adults over 65 yrs|Dying people,Example Care Trust,Milton Keynes,East,https://www.cqc.org.uk/location/1-0000000101,1-0000000101,1-0000000100";

    fn err(text: &str) -> Vec<Problem> {
        parse_directory(Path::new("d.csv"), text).expect_err("should fail")
    }

    #[test]
    fn reads_locations() {
        let dir = parse_directory(Path::new("d.csv"), &file(&[ROW])).expect("parses");
        assert_eq!(dir.produced_on.as_deref(), Some("01 May 2026"));
        let loc = dir.get("1-0000000101").expect("found");
        assert_eq!(loc.line, 4);
        assert_eq!(loc.name, "Ouzel Valley Hospice (example)");
        assert_eq!(loc.postcode, "MK6 9ZZ");
        assert_eq!(loc.last_check, NaiveDate::from_ymd_opt(2026, 5, 2));
        assert_eq!(loc.url, "https://www.cqc.org.uk/location/1-0000000101");
        assert_eq!(loc.provider_name, "Example Care Trust");
    }

    #[test]
    fn columns_found_by_name_in_any_order() {
        let text = "CQC Locations data,,\nThis data was produced on 01 May 2026,,\n\nCQC Location ID (for office use only),Location URL,Date of latest check,Specialisms/services,Service types,Postcode,Name\n1-0000000102,https://x/1-0000000102,,Dying people,Hospice services,MK7 1ZZ,Willen Example\n";
        let dir = parse_directory(Path::new("d.csv"), text).expect("parses");
        let loc = dir.get("1-0000000102").expect("found");
        assert_eq!(loc.name, "Willen Example");
        assert_eq!(loc.last_check, None);
        let unchecked = ROW.replace("02/05/2026", "Not yet checked");
        let dir = parse_directory(Path::new("d.csv"), &file(&[&unchecked])).expect("parses");
        assert_eq!(dir.get("1-0000000101").and_then(|l| l.last_check), None);
        assert_eq!(loc.provider_name, "");
    }

    #[test]
    fn wrong_file() {
        let p = err("id,name\n1,2\n");
        assert_eq!(p[0].line, Some(1));
        assert!(
            p[0].message.contains("not the CQC care directory"),
            "{}",
            p[0]
        );
        let p = err("");
        assert!(p[0].message.contains("empty"));
        let p = err("Location ID,Location Name,Latest Rating\n");
        assert!(p[0].message.contains("ratings export"), "{}", p[0]);
        let p = err(&format!("{HEADER}\n{ROW}\n"));
        assert!(p[0].message.contains("preamble is missing"), "{}", p[0]);
        let p = err("CQC Locations data\nThis data was produced on today\nfoo,bar\n");
        assert!(p[0].message.contains("no header row"), "{}", p[0]);
    }

    #[test]
    fn missing_column() {
        let header = HEADER.replace("Date of latest check", "Last inspected");
        let text = format!("CQC Locations data\nThis data was produced on x\n{header}\n{ROW}\n");
        let p = err(&text);
        assert_eq!(p[0].line, Some(3));
        assert!(
            p[0].message.contains("\"Date of latest check\""),
            "{}",
            p[0]
        );
    }

    #[test]
    fn malformed_rows() {
        let short = "Only,three,fields";
        let bad_date = ROW.replace("02/05/2026", "31/02/2026");
        let bad_id = ROW.replace(",1-0000000101,", ",1-00X,");
        let p = err(&file(&[ROW, short, &bad_date, &bad_id, ROW]));
        let lines: Vec<_> = p.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(5), Some(6), Some(7), Some(8)]);
        assert!(
            p[0].message
                .contains("3 fields but the header (line 3) has 15")
        );
        assert!(p[1].message.contains("\"31/02/2026\""));
        assert!(p[2].message.contains("\"1-00X\""));
        assert!(p[3].message.contains("listed twice (also on line 4)"));
    }
}
