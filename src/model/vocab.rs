//! Fixed vocabularies: provider kinds, care settings, referral routes,
//! funding and CQC ratings. Their display names come from the theme's
//! strings table; the ids here are what editors write and what URLs use.

/// A fixed vocabulary that gets facet pages (`/<url_segment>/<id>/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    Settings,
    ReferralRoutes,
    Ratings,
    Funding,
}

impl Facet {
    pub const ALL: [Facet; 4] = [
        Facet::Settings,
        Facet::ReferralRoutes,
        Facet::Ratings,
        Facet::Funding,
    ];

    /// URL segment and key in the strings table's `[facets]`.
    pub fn id(&self) -> &'static str {
        match self {
            Facet::Settings => "settings",
            Facet::ReferralRoutes => "referral-routes",
            Facet::Ratings => "ratings",
            Facet::Funding => "funding",
        }
    }

    /// Key of the strings-table section with the values' names.
    pub fn strings_table(&self) -> &'static str {
        match self {
            Facet::Settings => "settings",
            Facet::ReferralRoutes => "routes",
            Facet::Ratings => "ratings",
            Facet::Funding => "funding",
        }
    }

    pub fn values(&self) -> &'static [&'static str] {
        match self {
            Facet::Settings => SETTINGS,
            Facet::ReferralRoutes => ROUTES,
            Facet::Ratings => RATING_IDS,
            Facet::Funding => FUNDING,
        }
    }
}

pub const KINDS: &[&str] = &[
    "hospice",
    "hospital-team",
    "community-team",
    "home-care",
    "charity",
    "gp-service",
    "care-home",
];
pub const SETTINGS: &[&str] = &["home", "hospice", "hospital", "community", "day"];
pub const ROUTES: &[&str] = &["gp", "specialist", "self", "hospital"];
pub const FUNDING: &[&str] = &["nhs", "charity", "private"];
/// CQC ratings as the regulator words them, in order from best.
pub const RATINGS: &[&str] = &[
    "Outstanding",
    "Good",
    "Requires improvement",
    "Inadequate",
    "Not yet rated",
];
pub const RATING_IDS: &[&str] = &[
    "outstanding",
    "good",
    "requires-improvement",
    "inadequate",
    "not-yet-rated",
];
/// The CQC's five key questions, as TOML keys.
pub const QUESTIONS: &[&str] = &["safe", "effective", "caring", "responsive", "well_led"];

/// The URL id of a rating word (`Requires improvement` -> `requires-improvement`),
/// accepting any letter case.
pub fn rating_id(word: &str) -> Option<&'static str> {
    RATINGS
        .iter()
        .position(|r| r.eq_ignore_ascii_case(word.trim()))
        .map(|i| RATING_IDS[i])
}

/// True for a CQC location id: `1-` and 5 to 12 digits (most locations), or
/// an NHS site code of 3 to 6 upper-case letters and digits that starts
/// with a letter and holds a digit (NHS trust locations, such as `RD816`).
pub fn is_location_id(id: &str) -> bool {
    if let Some(digits) = id.strip_prefix("1-") {
        return (5..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    }
    (3..=6).contains(&id.len())
        && id.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && id.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    #[test]
    fn rating_ids() {
        assert_eq!(
            super::rating_id("requires Improvement"),
            Some("requires-improvement")
        );
        assert_eq!(super::rating_id("Great"), None);
    }
}
