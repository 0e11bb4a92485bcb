//! Provider freshness: contact details checked within the review period,
//! and CQC ratings that are not too old to rely on.

use crate::diagnostics::Diagnostic;
use crate::model::Date;
use crate::resolve::Site;

/// Warn when a provider's `verified` date is older than `review.max_months`
/// (or missing, or in the future), or its CQC `rated` date is older than
/// `check.rating_max_age_months`.
pub fn check(site: &Site, today: Date, diags: &mut Vec<Diagnostic>) {
    let max = site.config.review.max_months;
    let rating_max = site.config.check.rating_max_age_months;
    for p in &site.providers {
        let name_span = p.data.name.as_ref().map(|n| n.span()).unwrap_or(0..0);
        match &p.data.verified {
            None => diags.push(
                Diagnostic::warning_at(
                    "provider-unverified",
                    &p.src,
                    name_span,
                    "this provider has no `verified` date: readers cannot tell when its details were last checked",
                )
                .with_hint(format!(
                    "check the phone numbers, address and services with the provider, then add verified = {today}"
                )),
            ),
            Some(v) => {
                let date = *v.get_ref();
                if date.add_months(max) < today {
                    diags.push(
                        Diagnostic::warning_at(
                            "provider-stale",
                            &p.src,
                            v.span(),
                            format!(
                                "this provider's details were last verified on {date}, more than {max} months ago"
                            ),
                        )
                        .with_hint(format!(
                            "check the details with the provider, then set verified = {today}"
                        )),
                    );
                } else if date > today {
                    diags.push(
                        Diagnostic::warning_at(
                            "provider-verified-future",
                            &p.src,
                            v.span(),
                            format!("verified {date} is in the future (today is {today})"),
                        )
                        .with_hint("write the date the details were actually checked"),
                    );
                }
            }
        }
        if let Some(rated) = p.data.cqc.as_ref().and_then(|c| c.rated.as_ref()) {
            let date = *rated.get_ref();
            if date.add_months(rating_max) < today {
                diags.push(
                    Diagnostic::warning_at(
                        "rating-old",
                        &p.src,
                        rated.span(),
                        format!(
                            "the CQC rating is from {date}, more than {rating_max} months ago"
                        ),
                    )
                    .with_hint(
                        "look the location up on the CQC website and update rating and rated (or run `carehub import cqc`); if the CQC has not inspected since, set [check] rating_max_age_months in site.toml",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::compile_files;

    fn provider(verified: &str, rated: &str) -> String {
        format!(
            "name = \"Test Hospice\"\nkind = \"hospice\"\n{verified}\n[cqc]\nrating = \"Good\"\n{rated}\n"
        )
    }

    #[test]
    fn stale_verified_and_old_rating() {
        let (_t, c) = compile_files(&[
            (
                "content/providers/old.toml",
                &provider("verified = 2022-01-01", "rated = 2020-05-01"),
            ),
            (
                "content/providers/fresh.toml",
                &provider("verified = 2026-06-01", "rated = 2025-06-01"),
            ),
            ("content/providers/none.toml", &provider("", "")),
        ]);
        let mut diags = Vec::new();
        check(&c.site, Date::parse("2026-11-22").unwrap(), &mut diags);
        let codes: Vec<(&str, &str, usize)> = diags
            .iter()
            .map(|d| (d.code, d.path.as_str(), d.line))
            .collect();
        assert_eq!(
            codes,
            [
                ("provider-unverified", "content/providers/none.toml", 1),
                ("provider-stale", "content/providers/old.toml", 3),
                ("rating-old", "content/providers/old.toml", 6),
            ]
        );
    }
}
