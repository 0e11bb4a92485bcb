//! The CQC's values: location ids, ratings, key questions and postcodes.

use std::fmt;

/// What a CQC location id looks like, for error messages.
pub(crate) const LOCATION_ID_FORMS: &str =
    "like 1-123456789 (or, for an NHS hospital site, a code like RD816)";

pub use crate::model::vocab::is_location_id;

/// A CQC rating, overall or for one key question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rating {
    /// Outstanding.
    Outstanding,
    /// Good.
    Good,
    /// Requires improvement.
    RequiresImprovement,
    /// Inadequate.
    Inadequate,
    /// Not yet rated.
    NotYetRated,
}

impl Rating {
    /// The text written to provider files.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Outstanding => "Outstanding",
            Rating::Good => "Good",
            Rating::RequiresImprovement => "Requires improvement",
            Rating::Inadequate => "Inadequate",
            Rating::NotYetRated => "Not yet rated",
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A "Latest Rating" cell as read from the ratings export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RatingCell {
    /// One of the five ratings.
    Rated(Rating),
    /// A cell saying there is no rating ("Insufficient evidence to rate",
    /// "Not applicable", empty).
    NoRating(String),
    /// Text the import does not know.
    Unknown(String),
}

/// Reads a "Latest Rating" cell, ignoring case and spacing.
pub(crate) fn parse_rating(text: &str) -> RatingCell {
    let norm = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let rated = match norm.as_str() {
        "outstanding" => Rating::Outstanding,
        "good" => Rating::Good,
        "requires improvement" => Rating::RequiresImprovement,
        "inadequate" => Rating::Inadequate,
        "not yet rated" | "not rated" => Rating::NotYetRated,
        ""
        | "insufficient evidence to rate"
        | "not applicable"
        | "no rating"
        | "no published rating"
        | "not formally rated"
        | "-" => {
            return RatingCell::NoRating(text.trim().to_string());
        }
        _ => return RatingCell::Unknown(text.trim().to_string()),
    };
    RatingCell::Rated(rated)
}

/// The five key questions the CQC asks, in the order provider files list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyQuestion {
    /// Is it safe?
    Safe,
    /// Is it effective?
    Effective,
    /// Is it caring?
    Caring,
    /// Is it responsive?
    Responsive,
    /// Is it well-led?
    WellLed,
}

impl KeyQuestion {
    /// All five, in order.
    pub const ALL: [KeyQuestion; 5] = [
        KeyQuestion::Safe,
        KeyQuestion::Effective,
        KeyQuestion::Caring,
        KeyQuestion::Responsive,
        KeyQuestion::WellLed,
    ];

    /// The key in a provider file's `[cqc]` table.
    pub fn key(self) -> &'static str {
        match self {
            KeyQuestion::Safe => "safe",
            KeyQuestion::Effective => "effective",
            KeyQuestion::Caring => "caring",
            KeyQuestion::Responsive => "responsive",
            KeyQuestion::WellLed => "well_led",
        }
    }

    /// Position in [`KeyQuestion::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Reads a "Domain" (or "Key Question") cell: Safe, Effective, Caring,
    /// Responsive, Well-led.
    pub(crate) fn from_domain(text: &str) -> Option<KeyQuestion> {
        let norm: String = text
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        match norm.as_str() {
            "safe" => Some(KeyQuestion::Safe),
            "effective" => Some(KeyQuestion::Effective),
            "caring" => Some(KeyQuestion::Caring),
            "responsive" => Some(KeyQuestion::Responsive),
            "wellled" => Some(KeyQuestion::WellLed),
            _ => None,
        }
    }
}

/// UK postcode areas (the letters at the start of a postcode), so that
/// `--suggest GP` is read as a service and `--suggest MK` as a place.
const POSTCODE_AREAS: &[&str] = &[
    "AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF", "CH",
    "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E",
    "EC", "EH", "EN", "EX", "FK", "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG", "HP", "HR", "HS",
    "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L", "LA", "LD", "LE", "LL",
    "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX",
    "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK", "SL", "SM",
    "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW",
    "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE",
];

/// A postcode area ("MK") or district ("MK6", "MK10", "EC1A") to match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PostcodePrefix {
    /// Matches every outward code with these letters.
    Area(String),
    /// Matches exactly this outward code.
    District(String),
}

impl PostcodePrefix {
    /// Reads `text` as a postcode area or district, or `None` if it is not one.
    pub(crate) fn parse(text: &str) -> Option<PostcodePrefix> {
        let norm: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let letters: String = norm.chars().take_while(char::is_ascii_alphabetic).collect();
        if !POSTCODE_AREAS.contains(&letters.as_str()) {
            return None;
        }
        let rest = &norm[letters.len()..];
        if rest.is_empty() {
            return Some(PostcodePrefix::Area(letters));
        }
        let mut chars = rest.chars();
        let first_is_digit = chars.next().is_some_and(|c| c.is_ascii_digit());
        let tail: Vec<char> = chars.collect();
        let tail_ok = tail.len() <= 1 && tail.iter().all(char::is_ascii_alphanumeric);
        (first_is_digit && tail_ok).then_some(PostcodePrefix::District(norm))
    }

    /// True when `postcode`'s outward code is in this area or district.
    pub(crate) fn matches(&self, postcode: &str) -> bool {
        let Some(outward) = outward_code(postcode) else {
            return false;
        };
        match self {
            PostcodePrefix::District(d) => outward == *d,
            PostcodePrefix::Area(a) => {
                let letters: String = outward
                    .chars()
                    .take_while(char::is_ascii_alphabetic)
                    .collect();
                letters == *a
            }
        }
    }
}

/// The outward code of a full postcode ("MK6 9ZZ" -> "MK6"), upper case.
pub(crate) fn outward_code(postcode: &str) -> Option<String> {
    let compact: String = postcode
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
        return None;
    }
    Some(compact[..compact.len() - 3].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_ids() {
        for ok in [
            "1-123456789",
            "1-0000000101",
            "1-10006263327",
            "RD816",
            "RX1RA",
        ] {
            assert!(is_location_id(ok), "{ok}");
        }
        for bad in [
            "",
            "1-",
            "1-12ab",
            "2-123456789",
            "1-1234567890123",
            "rd816",
            "ABC",
            "123456",
            " 1-123456789",
            "RD8-16",
        ] {
            assert!(!is_location_id(bad), "{bad}");
        }
    }

    #[test]
    fn ratings() {
        assert_eq!(parse_rating("Good"), RatingCell::Rated(Rating::Good));
        assert_eq!(
            parse_rating("Requires  Improvement"),
            RatingCell::Rated(Rating::RequiresImprovement)
        );
        assert_eq!(
            parse_rating("Not rated"),
            RatingCell::Rated(Rating::NotYetRated)
        );
        assert!(matches!(
            parse_rating("Insufficient evidence to rate"),
            RatingCell::NoRating(_)
        ));
        assert!(matches!(parse_rating("Excellent"), RatingCell::Unknown(_)));
    }

    #[test]
    fn domains() {
        assert_eq!(
            KeyQuestion::from_domain("Well-led"),
            Some(KeyQuestion::WellLed)
        );
        assert_eq!(
            KeyQuestion::from_domain("well led"),
            Some(KeyQuestion::WellLed)
        );
        assert_eq!(KeyQuestion::from_domain("Safe"), Some(KeyQuestion::Safe));
        assert_eq!(KeyQuestion::from_domain("Overall"), None);
        assert_eq!(KeyQuestion::WellLed.index(), 4);
    }

    #[test]
    fn postcode_prefixes() {
        assert_eq!(
            PostcodePrefix::parse("mk"),
            Some(PostcodePrefix::Area("MK".into()))
        );
        assert_eq!(
            PostcodePrefix::parse("MK6"),
            Some(PostcodePrefix::District("MK6".into()))
        );
        assert_eq!(
            PostcodePrefix::parse("EC1A"),
            Some(PostcodePrefix::District("EC1A".into()))
        );
        assert_eq!(PostcodePrefix::parse("GP"), None);
        assert_eq!(PostcodePrefix::parse("Hospice services"), None);
        assert_eq!(PostcodePrefix::parse("MK6 9ZZ"), None);

        let mk = PostcodePrefix::Area("MK".into());
        let mk1 = PostcodePrefix::District("MK1".into());
        assert!(mk.matches("MK6 9ZZ"));
        assert!(!mk.matches("M1 1AA"));
        assert!(mk1.matches("mk1 1aa"));
        assert!(!mk1.matches("MK10 1AA"));
        assert!(!mk1.matches(""));
        assert_eq!(outward_code("MK109ZZ"), Some("MK10".into()));
    }
}
