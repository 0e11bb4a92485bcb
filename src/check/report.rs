//! The editorial report (`carehub check --report report.html`): one table a
//! content lead can read and sort, with no script. Each column heading is a
//! link to a copy of the table sorted by that column (shown with CSS
//! `:target`); the default copy puts pages with problems first.

use super::review::Status;
use super::{Checked, PageReport};
use crate::diagnostics::{Diagnostic, Severity};
use crate::render::markdown::{escape_attr, escape_text};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Fill in each page's error and warning counts from a run's diagnostics.
pub fn count(pages: &mut [PageReport], diags: &[Diagnostic]) {
    let mut by_path: HashMap<&str, (usize, usize)> = HashMap::new();
    for d in diags {
        let e = by_path.entry(d.path.as_str()).or_default();
        match d.severity {
            Severity::Error => e.0 += 1,
            Severity::Warning => e.1 += 1,
        }
    }
    for p in pages {
        let (e, w) = by_path.get(p.path.as_str()).copied().unwrap_or_default();
        p.errors = e;
        p.warnings = w;
    }
}

/// A column of the report: its id, heading, and order (most in need of
/// attention first).
struct Column {
    id: &'static str,
    title: &'static str,
    /// `aria-sort` of the order: "ascending" or "descending".
    dir: &'static str,
    /// The order in words, for the table's caption.
    note: &'static str,
    order: fn(&PageReport, &PageReport) -> Ordering,
}

fn opt_date_asc(a: Option<crate::model::Date>, b: Option<crate::model::Date>) -> Ordering {
    // Missing dates first: they need attention most.
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(&y),
    }
}

fn grade(p: &PageReport) -> f64 {
    p.reading.as_ref().map_or(f64::NEG_INFINITY, |r| r.grade)
}

const COLUMNS: &[Column] = &[
    Column {
        id: "page",
        title: "Page",
        dir: "ascending",
        note: "by file",
        order: |a, b| a.path.cmp(&b.path),
    },
    Column {
        id: "grade",
        title: "Reading grade",
        dir: "descending",
        note: "hardest to read first",
        order: |a, b| grade(b).total_cmp(&grade(a)),
    },
    Column {
        id: "words",
        title: "Words",
        dir: "descending",
        note: "longest first",
        order: |a, b| b.words.cmp(&a.words),
    },
    Column {
        id: "last-reviewed",
        title: "Last reviewed",
        dir: "ascending",
        note: "longest since review first",
        order: |a, b| opt_date_asc(a.last_reviewed, b.last_reviewed),
    },
    Column {
        id: "next-review",
        title: "Next review",
        dir: "ascending",
        note: "soonest due first",
        order: |a, b| opt_date_asc(a.next_review, b.next_review),
    },
    Column {
        id: "reviewer",
        title: "Reviewer",
        dir: "ascending",
        note: "by reviewer",
        order: |a, b| {
            let k = |p: &PageReport| p.reviewed_by.clone().unwrap_or_default().to_lowercase();
            k(a).cmp(&k(b))
        },
    },
    Column {
        id: "sources",
        title: "Sources",
        dir: "ascending",
        note: "fewest sources first",
        order: |a, b| a.sources.cmp(&b.sources),
    },
    Column {
        id: "links-in",
        title: "Links in",
        dir: "ascending",
        note: "fewest links in first",
        order: |a, b| a.links_in.cmp(&b.links_in),
    },
    Column {
        id: "links-out",
        title: "Links out",
        dir: "ascending",
        note: "fewest links out first",
        order: |a, b| a.links_out.cmp(&b.links_out),
    },
    Column {
        id: "problems",
        title: "Warnings",
        dir: "descending",
        note: "most problems first",
        order: |a, b| (b.errors, b.warnings).cmp(&(a.errors, a.warnings)),
    },
];

/// The default view: the problems column's order.
const DEFAULT: &str = "problems";

const CSS: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:1.5rem;color:#0b0c0c}
h1{font-size:1.6rem;margin:0 0 .5rem}h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border-bottom:1px solid #b1b4b6;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f2f1;position:sticky;top:0}
th a{color:#1d70b8}th[aria-sort] a{color:#0b0c0c;font-weight:700}
td.n,th.n{text-align:right}td.d{white-space:nowrap}caption{text-align:left;font-weight:700;padding:.25rem 0}
.flag{background:#fcd6c3;font-weight:700}.due{background:#fff7bf}
.view{display:none}.view:target{display:block}.view:target~#by-problems{display:none}#by-problems{display:block}
.summary li{margin:.2rem 0}code{font-size:.9em}
details{margin:.25rem 0}pre{white-space:pre-wrap;background:#f3f2f1;padding:.5rem;margin:.25rem 0}";

/// The report as one standalone HTML page (no scripts, no external files).
pub fn html(
    checked: &Checked,
    site_title: &str,
    target_grade: f64,
    diags: &[Diagnostic],
) -> String {
    let mut h = String::with_capacity(4096 + checked.pages.len() * COLUMNS.len() * 400);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let overdue: Vec<&PageReport> = checked
        .pages
        .iter()
        .filter(|p| p.review == Status::Overdue)
        .collect();
    let due: Vec<&PageReport> = checked
        .pages
        .iter()
        .filter(|p| p.review == Status::DueSoon)
        .collect();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<title>Editorial report: {t}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>Editorial report: {t}</h1>\n<p>Checked on {today}. This file is for editors; it is not part of the site.</p>\n<ul class=\"summary\">\n<li>{pages} pages, {errors} error{es} and {warnings} warning{ws}</li>\n<li>{o} page{os} overdue for review, {d} due within the review notice period</li>\n<li>Reading grade target: {target_grade} (Flesch-Kincaid; about reading age {age})</li>\n</ul>\n",
        t = escape_text(site_title),
        today = checked.today,
        pages = checked.pages.len(),
        es = if errors == 1 { "" } else { "s" },
        ws = if warnings == 1 { "" } else { "s" },
        o = overdue.len(),
        os = if overdue.len() == 1 { "" } else { "s" },
        d = due.len(),
        age = target_grade + 5.0,
    );
    h.push_str("<h2 id=\"pages\">Pages</h2>\n<p>Select a column heading to sort by it; the first view lists pages with problems first.</p>\n");
    // Sorted views first, the default last, so `:target ~` can hide it.
    let mut rows: Vec<&PageReport> = checked.pages.iter().collect();
    for col in COLUMNS
        .iter()
        .filter(|c| c.id != DEFAULT)
        .chain(COLUMNS.iter().filter(|c| c.id == DEFAULT))
    {
        rows.sort_by(|a, b| (col.order)(a, b).then_with(|| a.path.cmp(&b.path)));
        table(&mut h, col.id, &rows, target_grade);
    }
    problems(&mut h, diags);
    h.push_str("</body>\n</html>\n");
    h
}

fn table(h: &mut String, sorted_by: &str, rows: &[&PageReport], target: f64) {
    let class = if sorted_by == DEFAULT {
        ""
    } else {
        " class=\"view\""
    };
    let note = COLUMNS
        .iter()
        .find(|c| c.id == sorted_by)
        .map_or("", |c| c.note);
    let _ = write!(
        h,
        "<section id=\"by-{sorted_by}\"{class}>\n<table>\n<caption>Pages, {note}</caption>\n<thead><tr>"
    );
    for c in COLUMNS {
        let num = if matches!(
            c.id,
            "grade" | "words" | "sources" | "links-in" | "links-out" | "problems"
        ) {
            " class=\"n\""
        } else {
            ""
        };
        let sort = if c.id == sorted_by {
            format!(" aria-sort=\"{}\"", c.dir)
        } else {
            String::new()
        };
        let _ = write!(
            h,
            "<th scope=\"col\"{num}{sort}><a href=\"#by-{}\">{}</a></th>",
            c.id, c.title
        );
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for p in rows {
        let _ = write!(
            h,
            "<tr><td><a href=\"#{}\">{}</a><br><code>{}</code></td>",
            escape_attr(&anchor(&p.path)),
            escape_text(&p.title),
            escape_text(&p.path)
        );
        match &p.reading {
            Some(r) if r.grade > target && r.words >= super::readability::MIN_WORDS => {
                let _ = write!(
                    h,
                    "<td class=\"n flag\">{:.1} (above {target})</td>",
                    r.grade
                );
            }
            Some(r) => {
                let _ = write!(h, "<td class=\"n\">{:.1}</td>", r.grade);
            }
            None => h.push_str("<td class=\"n\">–</td>"),
        }
        let _ = write!(h, "<td class=\"n\">{}</td>", p.words);
        let _ = write!(
            h,
            "<td class=\"d\">{}</td>",
            p.last_reviewed
                .map(|d| d.iso())
                .unwrap_or_else(|| "–".into())
        );
        let (cls, note) = match p.review {
            Status::Overdue => (" flag", " (overdue)"),
            Status::DueSoon => (" due", " (due soon)"),
            Status::Missing => (" flag", ""),
            Status::Ok => ("", ""),
        };
        let _ = write!(
            h,
            "<td class=\"d{cls}\">{}{note}</td>",
            p.next_review
                .map(|d| d.iso())
                .unwrap_or_else(|| "none".into())
        );
        let _ = write!(
            h,
            "<td>{}</td>",
            escape_text(p.reviewed_by.as_deref().unwrap_or("–"))
        );
        let src_cls = if p.sources == 0 && ["article", "service", "condition"].contains(&p.kind) {
            " flag"
        } else {
            ""
        };
        let _ = write!(h, "<td class=\"n{src_cls}\">{}</td>", p.sources);
        let _ = write!(
            h,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td>",
            p.links_in, p.links_out
        );
        let prob = match (p.errors, p.warnings) {
            (0, 0) => "0".to_string(),
            (0, w) => format!("{w}"),
            (e, w) => format!("{w} + {e} error{}", if e == 1 { "" } else { "s" }),
        };
        let pcls = if p.errors > 0 || p.warnings > 0 {
            " flag"
        } else {
            ""
        };
        let _ = writeln!(h, "<td class=\"n{pcls}\">{prob}</td></tr>");
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// A fragment id for a file's problems.
fn anchor(path: &str) -> String {
    let s: String = path
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("file-{s}")
}

/// Every diagnostic, grouped by file.
fn problems(h: &mut String, diags: &[Diagnostic]) {
    h.push_str("<h2 id=\"problems\">Problems by file</h2>\n");
    if diags.is_empty() {
        h.push_str("<p>No problems found.</p>\n");
        return;
    }
    let mut files: Vec<&str> = diags.iter().map(|d| d.path.as_str()).collect();
    files.dedup();
    let mut seen = std::collections::HashSet::new();
    for f in files {
        if !seen.insert(f) {
            continue;
        }
        let _ = write!(
            h,
            "<h3 id=\"{}\"><code>{}</code></h3>\n<ul>\n",
            escape_attr(&anchor(f)),
            escape_text(f)
        );
        for d in diags.iter().filter(|d| d.path == f) {
            let sev = if d.is_error() { "error" } else { "warning" };
            let place = if d.line > 0 {
                format!("line {}: ", d.line)
            } else {
                String::new()
            };
            let _ = write!(
                h,
                "<li><strong>{sev}</strong> {}{}",
                escape_text(&place),
                escape_text(&d.message)
            );
            if let Some(hint) = &d.hint {
                let _ = write!(h, "<br>Help: {}", escape_text(hint));
            }
            h.push_str("</li>\n");
        }
        h.push_str("</ul>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::{compile_files, page};

    #[test]
    fn report_has_every_sorted_view_and_escapes_text() {
        let (_t, c) = compile_files(&[(
            "content/x.md",
            &page("<b>Tricky</b> & co", "", "Some text."),
        )]);
        let mut checked = c.check.clone();
        let diags = vec![Diagnostic::file(
            Severity::Warning,
            "t",
            "content/x.md",
            "a <warning>",
        )];
        count(&mut checked.pages, &diags);
        let x = checked
            .pages
            .iter()
            .find(|p| p.path == "content/x.md")
            .unwrap();
        assert_eq!((x.errors, x.warnings), (0, 1));
        let h = html(&checked, "Hub", 6.0, &diags);
        for col in COLUMNS {
            assert!(h.contains(&format!("id=\"by-{}\"", col.id)), "{}", col.id);
        }
        assert!(h.contains("&lt;b&gt;Tricky&lt;/b&gt; &amp; co"));
        assert!(h.contains("a &lt;warning&gt;"));
        assert!(!h.contains("<script"));
        // The default view (problems first) comes last so CSS can hide it.
        assert!(h.rfind("id=\"by-problems\"").unwrap() > h.rfind("id=\"by-grade\"").unwrap());
    }
}
