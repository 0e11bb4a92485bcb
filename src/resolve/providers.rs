//! Provider validation and the provider indexes (by service, condition and facet).

use super::{Site, unknown_id};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::model::uk;
use crate::model::vocab::{self, Facet};
use std::collections::HashMap;
use toml::Spanned;

/// Validate every provider field that must match a vocabulary, id or format,
/// and fill the site's provider indexes.
pub fn index_and_validate(site: &mut Site, diags: &mut Diagnostics) {
    let mut by_service: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_condition: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_facet: HashMap<(Facet, String), Vec<usize>> = HashMap::new();
    let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
    let service_ids: Vec<String> = site.services.keys().cloned().collect();
    let condition_ids: Vec<String> = site.conditions.keys().cloned().collect();

    for (i, p) in site.providers.iter().enumerate() {
        let d = &p.data;
        let src = &p.src;
        let span = |s: &Spanned<String>| s.span();
        if let Some(kind) = &d.kind {
            if vocab::KINDS.contains(&kind.get_ref().as_str()) {
                by_kind.entry(kind.get_ref().clone()).or_default().push(i);
            } else {
                diags.push(vocab_error(
                    src,
                    span(kind),
                    "provider kind",
                    kind.get_ref(),
                    vocab::KINDS,
                ));
            }
        } else {
            diags.push(
                Diagnostic::error_at("missing-field", src, 0..0, "this provider has no `kind`")
                    .with_hint(format!(
                        "add kind = \"...\", one of: {}",
                        vocab::KINDS.join(", ")
                    )),
            );
        }
        for s in &d.services {
            if site.services.contains_key(s.get_ref()) {
                push_unique(by_service.entry(s.get_ref().clone()).or_default(), i);
            } else {
                diags.push(unknown_id(
                    src,
                    span(s),
                    "service",
                    s.get_ref(),
                    service_ids.iter(),
                ));
            }
        }
        for c in &d.conditions {
            if site.conditions.contains_key(c.get_ref()) {
                push_unique(by_condition.entry(c.get_ref().clone()).or_default(), i);
            } else {
                diags.push(unknown_id(
                    src,
                    span(c),
                    "condition",
                    c.get_ref(),
                    condition_ids.iter(),
                ));
            }
        }
        let facet_lists: [(Facet, &Vec<Spanned<String>>, &str); 3] = [
            (Facet::Settings, &d.settings, "care setting"),
            (Facet::ReferralRoutes, &d.referral.routes, "referral route"),
            (Facet::Funding, &d.funding.types, "funding type"),
        ];
        for (facet, list, what) in facet_lists {
            for v in list {
                if facet.values().contains(&v.get_ref().as_str()) {
                    push_unique(by_facet.entry((facet, v.get_ref().clone())).or_default(), i);
                } else {
                    diags.push(vocab_error(src, span(v), what, v.get_ref(), facet.values()));
                }
            }
        }
        let rating_id = match d.cqc.as_ref().and_then(|c| c.rating.as_ref()) {
            Some(r) => match vocab::rating_id(r.get_ref()) {
                Some(id) => Some(id),
                None => {
                    diags.push(vocab_error(
                        src,
                        span(r),
                        "CQC rating",
                        r.get_ref(),
                        vocab::RATINGS,
                    ));
                    None
                }
            },
            None => None,
        };
        if let Some(cqc) = &d.cqc {
            // Registered with the CQC: listed under its rating, or "not yet rated".
            by_facet
                .entry((
                    Facet::Ratings,
                    rating_id.unwrap_or("not-yet-rated").to_string(),
                ))
                .or_default()
                .push(i);
            for (_, q) in cqc.questions() {
                if let Some(q) = q
                    && vocab::rating_id(q.get_ref()).is_none()
                {
                    diags.push(vocab_error(
                        src,
                        span(q),
                        "CQC rating",
                        q.get_ref(),
                        vocab::RATINGS,
                    ));
                }
            }
            if let Some(id) = &cqc.location_id
                && !vocab::is_location_id(id.get_ref())
            {
                diags.push(
                    Diagnostic::error_at("bad-cqc-id", src, span(id), format!("\"{}\" is not a CQC location id", id.get_ref()))
                        .with_hint("CQC location ids look like 1-123456789: find it on the location's page at cqc.org.uk"),
                );
            }
            if let Some(u) = &cqc.url
                && !uk::is_web_url(u.get_ref())
            {
                diags.push(bad_url(src, span(u), u.get_ref()));
            }
        }
        for (phone, key) in [
            (&d.phone, "phone"),
            (&d.out_of_hours_phone, "out_of_hours_phone"),
        ] {
            if let Some(ph) = phone
                && uk::parse_phone(ph.get_ref()).is_none()
            {
                diags.push(
                    Diagnostic::error_at("bad-phone", src, span(ph), format!("\"{}\" is not a UK phone number ({key})", ph.get_ref()))
                        .with_hint("write a UK number with its area code, e.g. \"01908 123456\" or \"+44 1908 123456\""),
                );
            }
        }
        if let Some(e) = &d.email
            && !uk::is_email(e.get_ref())
        {
            diags.push(
                Diagnostic::error_at(
                    "bad-email",
                    src,
                    span(e),
                    format!("\"{}\" is not an email address", e.get_ref()),
                )
                .with_hint("write it like name@example.org"),
            );
        }
        if let Some(w) = &d.website
            && !uk::is_web_url(w.get_ref())
        {
            diags.push(bad_url(src, span(w), w.get_ref()));
        }
        if let Some(pc) = d.address.as_ref().and_then(|a| a.postcode.as_ref())
            && uk::normalise_postcode(pc.get_ref()).is_none()
        {
            diags.push(
                Diagnostic::error_at(
                    "bad-postcode",
                    src,
                    span(pc),
                    format!("\"{}\" is not a UK postcode", pc.get_ref()),
                )
                .with_hint("write a full postcode such as \"MK9 3BN\""),
            );
        }
        for a in &d.areas_served {
            if !uk::is_district(a.get_ref()) {
                let hint = match uk::district_of(a.get_ref()) {
                    Some(dist) => format!("areas are postcode districts: write \"{dist}\""),
                    None => "areas are postcode districts in capitals, such as \"MK6\" or \"MK10\""
                        .to_string(),
                };
                diags.push(
                    Diagnostic::error_at(
                        "bad-district",
                        src,
                        span(a),
                        format!("\"{}\" is not a postcode district", a.get_ref()),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    site.providers_by_service = by_service;
    site.providers_by_condition = by_condition;
    site.providers_by_facet = by_facet;
    site.providers_by_kind = by_kind;
}

fn push_unique(v: &mut Vec<usize>, i: usize) {
    if v.last() != Some(&i) {
        v.push(i);
    }
}

fn bad_url(
    src: &crate::diagnostics::SourceFile,
    span: std::ops::Range<usize>,
    u: &str,
) -> Diagnostic {
    Diagnostic::error_at(
        "bad-url",
        src,
        span,
        format!("\"{u}\" is not a web address"),
    )
    .with_hint("write the full address starting with https://")
}

fn vocab_error(
    src: &crate::diagnostics::SourceFile,
    span: std::ops::Range<usize>,
    what: &str,
    got: &str,
    valid: &[&str],
) -> Diagnostic {
    let hint = did_you_mean(got, valid.iter().copied())
        .unwrap_or_else(|| format!("use one of: {}", valid.join(", ")));
    Diagnostic::error_at(
        "unknown-value",
        src,
        span,
        format!("\"{got}\" is not a {what}"),
    )
    .with_hint(hint)
}
