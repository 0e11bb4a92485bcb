//! Calendar dates as editors write them in TOML (`2026-03-12`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A calendar date with no time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }

    /// Today's date on this machine (local time).
    pub fn today() -> Date {
        Date(chrono::Local::now().date_naive())
    }

    /// `2026-03-12`.
    pub fn iso(&self) -> String {
        let (y, m, d) = (self.0.year(), self.0.month(), self.0.day());
        // chrono's `%Y` is written with a sign outside these years. Within
        // them the digits are written directly: every page shows several
        // dates, and `format!` costs more than the date itself.
        match u32::try_from(y) {
            Ok(y) if y <= 9999 => {
                let mut out = String::with_capacity(10);
                push_digits(&mut out, y, 4);
                out.push('-');
                push_digits(&mut out, m, 2);
                out.push('-');
                push_digits(&mut out, d, 2);
                out
            }
            _ => self.0.format("%Y-%m-%d").to_string(),
        }
    }

    /// `12 March 2026`, with month names from the theme's strings table.
    pub fn long(&self, months: &[String]) -> String {
        let (d, y) = (self.0.day(), self.0.year());
        match (months.get(self.0.month0() as usize), u32::try_from(y)) {
            (Some(m), Ok(y)) => {
                let mut out = String::with_capacity(m.len() + 8);
                push_digits(&mut out, d, digits(d));
                out.push(' ');
                out.push_str(m);
                out.push(' ');
                push_digits(&mut out, y, digits(y));
                out
            }
            (Some(m), _) => format!("{d} {m} {y}"),
            (None, _) => format!("{d} {} {y}", self.0.format("%B")),
        }
    }

    /// The same day `n` months later (clamped to the month's end).
    pub fn add_months(&self, n: u32) -> Date {
        Date(
            self.0
                .checked_add_months(chrono::Months::new(n))
                .unwrap_or(self.0),
        )
    }

    /// `n` days later (earlier if negative); the same date if that would
    /// leave the calendar's range.
    pub fn add_days(&self, n: i64) -> Date {
        Date(
            chrono::Duration::try_days(n)
                .and_then(|d| self.0.checked_add_signed(d))
                .unwrap_or(self.0),
        )
    }

    /// Whole days from `self` to `other` (negative if `other` is earlier).
    pub fn days_until(&self, other: Date) -> i64 {
        (other.0 - self.0).num_days()
    }

    pub fn parse(s: &str) -> Option<Date> {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .ok()
            .map(Date)
    }
}

/// How many decimal digits `n` has (1 for 0).
fn digits(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}

/// Append the last `width` decimal digits of `n`, zero-padded.
fn push_digits(out: &mut String, n: u32, width: usize) {
    for k in (0..width).rev() {
        let digit = (n / 10u32.pow(k as u32)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Toml(toml::value::Datetime),
            Text(String),
        }
        let bad = |what: &str| {
            serde::de::Error::custom(format!(
                "`{what}` is not a date: write dates as YYYY-MM-DD without quotes, e.g. 2026-03-12"
            ))
        };
        match Raw::deserialize(d)? {
            Raw::Toml(dt) => match (dt.date, dt.time) {
                (Some(date), None) => {
                    Date::ymd(date.year as i32, date.month as u32, date.day as u32)
                        .ok_or_else(|| bad(&dt.to_string()))
                }
                _ => Err(bad(&dt.to_string())),
            },
            Raw::Text(s) => Date::parse(&s).ok_or_else(|| bad(&s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_toml_dates_and_strings() {
        #[derive(Deserialize)]
        struct T {
            a: Date,
            b: Date,
        }
        let t: T = toml::from_str("a = 2026-03-12\nb = \"2029-03-12\"").unwrap();
        assert_eq!(t.a.iso(), "2026-03-12");
        assert_eq!(t.b.iso(), "2029-03-12");
        assert!(toml::from_str::<T>("a = 2026-13-12\nb = 2026-01-01").is_err());
        assert!(toml::from_str::<T>("a = \"soon\"\nb = 2026-01-01").is_err());
    }

    #[test]
    fn months_add_and_format() {
        let d = Date::ymd(2026, 3, 12).unwrap();
        assert_eq!(d.add_months(36).iso(), "2029-03-12");
        let months: Vec<String> = ["January", "February", "March"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(d.long(&months), "12 March 2026");
        assert_eq!(Date::ymd(2026, 7, 1).unwrap().long(&months), "1 July 2026");
        // Written as chrono and `format!` write them, for any day and year.
        let all: Vec<String> = (1..=12).map(|m| format!("M{m}")).collect();
        for (y, m, day) in [
            (7, 1, 2),
            (999, 12, 31),
            (2026, 2, 28),
            (9999, 2, 3),
            (9999, 3, 9),
            (10000, 1, 1),
            (10000, 4, 10),
            (-5, 6, 7),
        ] {
            let d = Date::ymd(y, m, day).unwrap();
            assert_eq!(d.iso(), d.0.format("%Y-%m-%d").to_string());
            assert_eq!(d.long(&all), format!("{day} M{m} {y}"));
        }
    }

    #[test]
    fn adding_never_overflows() {
        let d = Date::parse("9999-12-31").unwrap();
        assert_eq!(d.add_days(i64::MAX), d);
        assert_eq!(d.add_days(i64::MIN), d);
        assert_eq!(d.add_months(u32::MAX), d);
        assert_eq!(d.add_days(-1), Date::parse("9999-12-30").unwrap());
    }
}
