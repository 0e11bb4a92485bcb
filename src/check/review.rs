//! Review governance (the NHS "Page last reviewed / Next review due"
//! pattern): every page readers rely on names who reviewed it and when, and
//! is reviewed again before its next review date. The policy's upper limit
//! on next_review is checked in resolve; this adds dates relative to today.

use super::is_reviewed;
use crate::diagnostics::Diagnostic;
use crate::model::Date;
use crate::resolve::Site;
use serde::Serialize;

/// Where a page stands against its next review date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// next_review has passed.
    Overdue,
    /// next_review is within `review.due_soon_days`.
    DueSoon,
    Ok,
    /// No review date at all.
    Missing,
}

impl Status {
    pub fn name(&self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::DueSoon => "due soon",
            Status::Ok => "ok",
            Status::Missing => "no date",
        }
    }
}

/// The status of a next review date on `today`.
pub fn status(site: &Site, next: Option<Date>, today: Date) -> Status {
    match next {
        None => Status::Missing,
        Some(n) if n < today => Status::Overdue,
        Some(n) if today.days_until(n) <= i64::from(site.config.review.due_soon_days) => {
            Status::DueSoon
        }
        Some(_) => Status::Ok,
    }
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// Warn on overdue pages, on missing review fields and on review dates in
/// the future.
pub fn check(site: &Site, today: Date, diags: &mut Vec<Diagnostic>) {
    let max = site.config.review.max_months;
    for (i, p) in site.pages.iter().enumerate() {
        let next = site.next_review.get(i).copied().flatten();
        let last = p.fm.last_reviewed.as_ref();
        let title_span = p.fm.title.as_ref().map(|t| p.fm_span(t)).unwrap_or(0..0);
        if let Some(l) = last
            && *l.get_ref() > today
        {
            diags.push(
                Diagnostic::warning_at(
                    "review-in-future",
                    &p.src,
                    p.fm_span(l),
                    format!(
                        "last_reviewed {} is in the future (today is {today})",
                        l.get_ref()
                    ),
                )
                .with_hint("write the date the page was actually reviewed"),
            );
        }
        if let Some(n) = next
            && n < today
        {
            let span =
                p.fm.next_review
                    .as_ref()
                    .map(|s| p.fm_span(s))
                    .or(last.map(|l| p.fm_span(l)))
                    .unwrap_or(title_span.clone());
            let how = if p.fm.next_review.is_some() {
                String::new()
            } else {
                format!(" ({max} months after last_reviewed)")
            };
            diags.push(
                Diagnostic::warning_at(
                    "review-overdue",
                    &p.src,
                    span,
                    format!(
                        "review overdue: this page was due for review on {n}{how}, {} ago",
                        days(n.days_until(today))
                    ),
                )
                .with_hint(format!(
                    "check the page is still right, then set last_reviewed = {today}, reviewed_by and next_review (at the latest {})",
                    today.add_months(max)
                )),
            );
        }
        if !is_reviewed(p.kind) {
            continue;
        }
        let mut missing = Vec::new();
        if last.is_none() {
            missing.push("last_reviewed");
        }
        if p.fm
            .reviewed_by
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
        {
            missing.push("reviewed_by");
        }
        if next.is_none() {
            missing.push("next_review");
        }
        if !missing.is_empty() {
            let suggestion = missing
                .iter()
                .map(|m| match *m {
                    "last_reviewed" => format!("last_reviewed = {today}"),
                    "reviewed_by" => "reviewed_by = \"Name, role\"".to_string(),
                    _ => format!("next_review = {}", today.add_months(max)),
                })
                .collect::<Vec<_>>()
                .join(", ");
            diags.push(
                Diagnostic::warning_at(
                    "review-missing",
                    &p.src,
                    title_span,
                    format!(
                        "this page does not say {}",
                        join_and(&missing)
                    ),
                )
                .with_hint(format!(
                    "readers need to know health information is checked: add {suggestion} to the front matter (next_review may be left out; it then defaults to {max} months after last_reviewed)"
                )),
            );
        }
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::compile_files;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    const OVERDUE: &str = "+++\ntitle = \"Old\"\nlast_reviewed = 2023-01-10\nnext_review = 2025-01-10\nreviewed_by = \"R\"\n[[sources]]\ntitle = \"S\"\npublisher = \"P\"\naccessed = 2023-01-01\n+++\nText.\n";
    const DERIVED: &str = "+++\ntitle = \"Derived\"\nlast_reviewed = 2024-01-15\nreviewed_by = \"R\"\n[[sources]]\ntitle = \"S\"\npublisher = \"P\"\naccessed = 2024-01-01\n+++\nText.\n";
    const BARE: &str = "+++\ntitle = \"Bare\"\n+++\nText.\n";

    #[test]
    fn overdue_due_soon_and_missing() {
        let (_t, c) = compile_files(&[
            ("content/old.md", OVERDUE),
            ("content/derived.md", DERIVED),
            ("content/bare.md", BARE),
        ]);
        let today = d("2026-11-22");
        let mut diags = Vec::new();
        check(&c.site, today, &mut diags);
        let find = |code: &str, path: &str| {
            diags
                .iter()
                .find(|x| x.code == code && x.path == path)
                .unwrap_or_else(|| panic!("no {code} on {path}: {diags:?}"))
        };
        let o = find("review-overdue", "content/old.md");
        assert_eq!(o.line, 4, "points at next_review");
        assert!(o.message.contains("2025-01-10"), "{}", o.message);
        assert!(o.message.contains("681 days ago"), "{}", o.message);
        // 2024-01-15 + 36 months = 2027-01-15: due soon, not overdue.
        assert!(
            !diags.iter().any(|x| x.path == "content/derived.md"),
            "{diags:?}"
        );
        let i = c.site.by_rel["derived.md"];
        assert_eq!(
            status(&c.site, c.site.next_review[i], today),
            Status::DueSoon
        );
        let m = find("review-missing", "content/bare.md");
        assert!(
            m.message
                .contains("last_reviewed, reviewed_by and next_review")
        );
        assert!(
            m.hint
                .as_deref()
                .unwrap()
                .contains("last_reviewed = 2026-11-22")
        );
        // A year earlier nothing is overdue.
        let mut early = Vec::new();
        check(&c.site, d("2024-06-01"), &mut early);
        assert!(!early.iter().any(|x| x.code == "review-overdue"));
        // In 2022 the 2023 review date is in the future.
        let mut past = Vec::new();
        check(&c.site, d("2022-06-01"), &mut past);
        assert!(past.iter().any(|x| x.code == "review-in-future"));
    }

    #[test]
    fn join_and_lists() {
        assert_eq!(join_and(&["a"]), "a");
        assert_eq!(join_and(&["a", "b"]), "a and b");
        assert_eq!(join_and(&["a", "b", "c"]), "a, b and c");
    }
}
