//! `carehub check`: every validation of build plus the editorial checks,
//! without writing the site. Prints a report grouped by file with a summary
//! line (or stable JSON, see docs/check.md), optionally writes the HTML
//! editorial report, and exits 1 on any error.

use crate::check::review::Status;
use crate::check::{PageReport, report};
use crate::diagnostics::{Diagnostic, Severity};
use crate::pipeline::{SiteOptions, compile};
use serde_json::json;
use std::path::PathBuf;

/// Version of the JSON output; raised only on incompatible changes.
pub const JSON_VERSION: u32 = 1;

/// Options of `carehub check`.
#[derive(Debug, Clone, Default)]
pub struct CheckArgs {
    pub site: SiteOptions,
    /// Treat warnings as errors.
    pub strict: bool,
    /// `text` or `json`.
    pub json: bool,
    /// Also write the editorial report (HTML) here.
    pub report: Option<PathBuf>,
}

/// Run the checks; returns the exit code (1 on any error).
pub fn run(args: &CheckArgs) -> i32 {
    let (compiled, mut diags) = compile(&args.site);
    if args.strict {
        for d in &mut diags.items {
            d.severity = Severity::Error;
        }
    }
    let mut checked = compiled.as_ref().map(|c| c.check.clone());
    if let Some(c) = checked.as_mut() {
        report::count(&mut c.pages, &diags.items);
    }
    let pages: &[PageReport] = checked.as_ref().map_or(&[], |c| c.pages.as_slice());
    let providers = compiled.as_ref().map_or(0, |c| c.site.providers.len());
    let overdue: Vec<&PageReport> = pages
        .iter()
        .filter(|p| p.review == Status::Overdue)
        .collect();
    let due: Vec<&PageReport> = pages
        .iter()
        .filter(|p| p.review == Status::DueSoon)
        .collect();
    let files = {
        let mut f: Vec<&str> = diags.items.iter().map(|d| d.path.as_str()).collect();
        f.sort_unstable();
        f.dedup();
        f.len()
    };
    let mut code = if diags.has_errors() { 1 } else { 0 };

    let mut report_error = None;
    if let Some(path) = &args.report {
        match (&checked, &compiled) {
            (Some(ch), Some(c)) => {
                let html = report::html(
                    ch,
                    &c.site.config.title,
                    c.site.config.check.reading_grade,
                    &diags.items,
                );
                if let Err(e) = std::fs::write(path, html) {
                    report_error = Some(format!(
                        "could not write the report to {}: {e}",
                        path.display()
                    ));
                }
            }
            _ => {
                report_error = Some(
                    "no report was written: errors stopped the site from being read (see above)"
                        .into(),
                );
            }
        }
        if report_error.is_some() {
            code = 1;
        }
    }

    if args.json {
        let v = json!({
            "format": "carehub-check",
            "version": JSON_VERSION,
            "today": checked.as_ref().map(|c| c.today.iso()),
            "strict": args.strict,
            "summary": {
                "errors": diags.errors(),
                "warnings": diags.warnings(),
                "files": files,
                "pages": pages.len(),
                "providers": providers,
                "overdue": overdue.len(),
                "due_soon": due.len(),
            },
            "diagnostics": diags.items,
            "pages": pages,
            "report": args.report.as_ref().filter(|_| report_error.is_none()).map(|p| p.display().to_string()),
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        print!("{}", grouped(&diags.items));
        if !overdue.is_empty() || !due.is_empty() {
            println!("Reviews:");
            for p in overdue.iter().chain(due.iter()) {
                let days = p.review_days.unwrap_or(0);
                let when = if days < 0 {
                    format!("{} days ago", -days)
                } else {
                    format!("in {days} days")
                };
                println!(
                    "  {:<9} {}  {} ({when}; reviewer: {})",
                    p.review.name(),
                    p.next_review.map(|d| d.iso()).unwrap_or_default(),
                    p.path,
                    p.reviewed_by.as_deref().unwrap_or("none named"),
                );
            }
            println!();
        }
        let today = checked
            .as_ref()
            .map(|c| format!(" (today is {})", c.today))
            .unwrap_or_default();
        println!(
            "check: {} error{} and {} warning{} in {files} file{}; {} pages and {providers} providers checked, {} overdue for review, {} due soon{today}",
            diags.errors(),
            plural(diags.errors()),
            diags.warnings(),
            plural(diags.warnings()),
            plural(files),
            pages.len(),
            overdue.len(),
            due.len(),
        );
    }
    match (&report_error, &args.report) {
        (Some(e), _) => eprintln!("error: {e}"),
        (None, Some(p)) if !args.json => println!("Wrote the editorial report to {}", p.display()),
        _ => {}
    }
    code
}

/// Diagnostics under a heading per file, with the file's counts.
pub fn grouped(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < diags.len() {
        let path = &diags[i].path;
        let n = diags[i..].iter().take_while(|d| &d.path == path).count();
        let group = &diags[i..i + n];
        let e = group.iter().filter(|d| d.is_error()).count();
        let w = n - e;
        let mut counts = Vec::new();
        if e > 0 {
            counts.push(format!("{e} error{}", plural(e)));
        }
        if w > 0 {
            counts.push(format!("{w} warning{}", plural(w)));
        }
        out.push_str(&format!("── {path} ({})\n", counts.join(", ")));
        for d in group {
            out.push_str(&d.render());
            out.push('\n');
        }
        i += n;
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
