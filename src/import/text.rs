//! Text helpers shared by the readers: decoding a downloaded file, reading
//! CSV rows with their line numbers, dates as the CQC writes them, and
//! byte offsets to line and column.

use std::path::Path;

use chrono::NaiveDate;

use super::diag::Problem;

/// A file's text and the encoding it was read as.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub(crate) text: String,
    /// Set when the file was not UTF-8 and was read as Windows-1252.
    pub(crate) fallback_encoding: Option<&'static str>,
}

/// Decodes a downloaded text file: UTF-8 (with or without a byte order
/// mark), or else Windows-1252, which spreadsheet programs on Windows write.
pub(crate) fn decode(bytes: &[u8]) -> Decoded {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_string(),
            fallback_encoding: None,
        },
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Decoded {
                text: text.into_owned(),
                fallback_encoding: Some("Windows-1252"),
            }
        }
    }
}

/// One CSV record and the 1-based line it starts on.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) line: usize,
    pub(crate) fields: Vec<String>,
}

impl Row {
    /// True when every field is empty or whitespace.
    pub(crate) fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }

    /// The field at `index`, or "" past the end.
    pub(crate) fn get(&self, index: usize) -> &str {
        self.fields.get(index).map_or("", String::as_str)
    }
}

/// Reads every CSV record of `text`, of any width, with its line number.
/// Quoted fields may hold commas and line breaks; CRLF and LF both work.
pub(crate) fn csv_rows(path: &Path, text: &str) -> Result<Vec<Row>, Problem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let before = reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let start = record.position().map_or(before, csv::Position::byte);
                rows.push(Row {
                    line: lines.line_of_record_at(start),
                    fields: record.iter().map(str::to_string).collect(),
                });
            }
            Err(err) => {
                let start = err.position().map_or(before, csv::Position::byte);
                return Err(Problem::at_line(
                    path,
                    lines.line_of_record_at(start),
                    format!("cannot read this CSV line: {err}"),
                )
                .hint("the file may be damaged; download it again from the CQC website"));
            }
        }
    }
    Ok(rows)
}

/// Finds the line a CSV record starts on from its byte offset. The csv
/// crate's own line count lags by one after a CRLF, and its offset may
/// point at the line break that ended the previous record, so line breaks
/// at the offset are skipped. Offsets must not decrease.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    fn line_of_record_at(&mut self, offset: u64) -> usize {
        let mut target = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while self
            .bytes
            .get(target)
            .is_some_and(|b| *b == b'\r' || *b == b'\n')
        {
            target += 1;
        }
        if target > self.offset {
            self.line += self.bytes[self.offset..target]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.offset = target;
        }
        self.line
    }
}

/// Normalises a column heading for matching: trimmed, no byte order mark,
/// straight apostrophes, single spaces, lower case.
pub(crate) fn normalise_heading(heading: &str) -> String {
    heading
        .trim_start_matches('\u{feff}')
        .replace(['\u{2019}', '\u{2018}'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// What a date field looks like when it is not a date.
pub(crate) const DATE_FORMS: &str = "a date like 18/03/2025 or 2025-03-18";

/// Parses a date as the CQC files write it: `18/03/2025` (day first),
/// `2025-03-18`, either optionally followed by a time (`18/03/2025 14:30`,
/// `18/03/2025 - 14:30`, `2025-03-18T00:00:00`). Returns `None` when the
/// text is not a real calendar date in one of these forms.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let (date, rest) = match text.find([' ', 'T']) {
        Some(at) => (&text[..at], &text[at + 1..]),
        None => (text, ""),
    };
    let time = rest.trim_start_matches([' ', '-']).trim();
    let time_ok = time
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | 'Z' | '+'))
        && (time.is_empty() || time.contains(':'));
    if !time_ok {
        return None;
    }
    let numbers = |sep: char| -> Option<Vec<u32>> {
        let parts: Vec<&str> = date.split(sep).collect();
        if parts.len() != 3
            || parts
                .iter()
                .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        parts.iter().map(|p| p.parse().ok()).collect()
    };
    let (year, month, day, year_text) = if date.contains('-') {
        let n = numbers('-')?;
        (n[0], n[1], n[2], date.split('-').next()?)
    } else if date.contains('/') {
        let n = numbers('/')?;
        (n[2], n[1], n[0], date.rsplit('/').next()?)
    } else {
        return None;
    };
    if year_text.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Turns a spreadsheet serial day number (days since 1899-12-30) into a date.
pub(crate) fn date_from_serial(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    // In range by the check above, so the cast cannot truncate.
    base.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// `s`, shortened to at most `max` characters with "..." for display.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(3)).collect();
        format!("{cut}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn dates_in_cqc_forms() {
        assert_eq!(parse_date("18/03/2025"), d(2025, 3, 18));
        assert_eq!(parse_date("8/3/2025"), d(2025, 3, 8));
        assert_eq!(parse_date("2025-03-18"), d(2025, 3, 18));
        assert_eq!(parse_date(" 18/03/2025 - 14:30 "), d(2025, 3, 18));
        assert_eq!(parse_date("18/03/2025 00:00:00"), d(2025, 3, 18));
        assert_eq!(parse_date("2025-03-18T00:00:00"), d(2025, 3, 18));
    }

    #[test]
    fn not_dates() {
        for bad in [
            "",
            "31/02/2025",
            "03/18/2025",
            "18/03/25",
            "2025/03/18x",
            "18-Mar-2025",
            "March 2025",
            "18/03/2025 soon",
            "1/2/3/4",
            "99999999999/1/2025",
            "２０２５-03-18",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn serial_dates() {
        assert_eq!(date_from_serial(45734.0), d(2025, 3, 18));
        assert_eq!(date_from_serial(f64::NAN), None);
        assert_eq!(date_from_serial(-5.0), None);
    }

    #[test]
    fn decode_handles_bom_and_windows_1252() {
        let utf8 = decode(b"\xEF\xBB\xBFName,Postcode");
        assert_eq!(utf8.text, "Name,Postcode");
        assert_eq!(utf8.fallback_encoding, None);
        let cp = decode(b"Service\x92s website");
        assert_eq!(cp.text, "Service\u{2019}s website");
        assert_eq!(cp.fallback_encoding, Some("Windows-1252"));
    }

    #[test]
    fn csv_rows_have_line_numbers_with_crlf_and_quoted_breaks() {
        let text = "a,b\r\n\"x\ny\",z\r\n\r\nlast,row\r\n";
        let rows = csv_rows(Path::new("t.csv"), text).expect("rows");
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 5]);
        assert_eq!(rows[1].fields, vec!["x\ny", "z"]);
    }

    #[test]
    fn headings_normalise() {
        assert_eq!(
            normalise_heading("\u{feff} Service\u{2019}s  website (if available) "),
            "service's website (if available)"
        );
    }

    #[test]
    fn line_and_column() {
        let text = "a = 1\nbé = = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 10), (2, 4));
        assert_eq!(line_col(text, 999), (3, 1));
    }
}
