//! Evidence: health articles name their sources, and each source says who
//! published it and when it was read.

use super::is_health_article;
use super::review::join_and;
use crate::diagnostics::Diagnostic;
use crate::model::Date;
use crate::resolve::Site;

/// Warn on a health article with no sources, and on sources missing their
/// publisher or accessed date (or accessed in the future).
pub fn check(site: &Site, today: Date, diags: &mut Vec<Diagnostic>) {
    for p in &site.pages {
        if is_health_article(p.kind) && p.fm.sources.is_empty() {
            let span = p.fm.title.as_ref().map(|t| p.fm_span(t)).unwrap_or(0..0);
            diags.push(
                Diagnostic::warning_at(
                    "no-sources",
                    &p.src,
                    span,
                    "this health article lists no sources",
                )
                .with_hint(
                    "name the evidence behind the page in the front matter:\n    [[sources]]\n    title = \"End of life care\"\n    url = \"https://www.nhs.uk/conditions/end-of-life-care/\"\n    publisher = \"NHS\"\n    accessed = 2026-10-05",
                ),
            );
        }
        for s in &p.fm.sources {
            let src = s.get_ref();
            let mut missing = Vec::new();
            if src.publisher.as_deref().is_none_or(|x| x.trim().is_empty()) {
                missing.push("publisher");
            }
            if src.accessed.is_none() {
                missing.push("accessed");
            }
            if !missing.is_empty() {
                let example: Vec<String> = missing
                    .iter()
                    .map(|m| match *m {
                        "publisher" => "publisher = \"NHS\"".to_string(),
                        _ => format!("accessed = {today}"),
                    })
                    .collect();
                diags.push(
                    Diagnostic::warning_at(
                        "source-incomplete",
                        &p.src,
                        p.fm_span(s),
                        format!("the source \"{}\" has no {}", src.title, join_and(&missing)),
                    )
                    .with_hint(format!(
                        "readers judge a source by who published it and when it was read: add {}",
                        example.join(" and ")
                    )),
                );
            }
            if let Some(a) = src.accessed
                && a > today
            {
                diags.push(
                    Diagnostic::warning_at(
                        "source-accessed-future",
                        &p.src,
                        p.fm_span(s),
                        format!(
                            "the source \"{}\" was accessed on {a}, which is in the future (today is {today})",
                            src.title
                        ),
                    )
                    .with_hint("write the date you read the source"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::compile_files;

    #[test]
    fn missing_sources_and_incomplete_source() {
        let none =
            "+++\ntitle = \"None\"\nlast_reviewed = 2026-10-01\nreviewed_by = \"R\"\n+++\nText.\n";
        let partial = "+++\ntitle = \"Partial\"\nlast_reviewed = 2026-10-01\nreviewed_by = \"R\"\n[[sources]]\ntitle = \"Leaflet\"\nurl = \"https://example.org/\"\n+++\nText.\n";
        let section = "+++\ntitle = \"Section\"\n+++\n";
        let (_t, c) = compile_files(&[
            ("content/none.md", none),
            ("content/partial.md", partial),
            ("content/sec/_index.md", section),
        ]);
        let mut diags = Vec::new();
        check(&c.site, Date::parse("2026-11-22").unwrap(), &mut diags);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert_eq!(
            (diags[0].code, diags[0].path.as_str(), diags[0].line),
            ("no-sources", "content/none.md", 2)
        );
        assert_eq!(diags[1].code, "source-incomplete");
        assert_eq!(diags[1].line, 5, "the source's [[sources]] header");
        assert!(diags[1].message.contains("no publisher and accessed"));
    }
}
