//! Slugs for URLs and heading ids.

/// Lower-case, letters and digits kept, spaces and hyphens become one `-`,
/// other punctuation dropped: "What's NHS Continuing Healthcare?" ->
/// `whats-nhs-continuing-healthcare`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '_' {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            if ch.is_ascii() {
                out.push(ch.to_ascii_lowercase());
            } else {
                out.extend(ch.to_lowercase());
            }
        } else if ch.is_whitespace() || ch == '-' || ch == '/' || ch == '.' {
            pending_dash = true;
        }
    }
    out
}

/// Whether a path segment is safe to use as a folder name in the output.
pub fn is_safe_segment(seg: &str) -> bool {
    !seg.is_empty()
        && seg != "."
        && seg != ".."
        && !seg.chars().any(|c| {
            c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("What's NHS Continuing Healthcare?"),
            "whats-nhs-continuing-healthcare"
        );
        assert_eq!(slugify("Getting a referral"), "getting-a-referral");
        assert_eq!(slugify("Hospice & day care"), "hospice-day-care");
        assert_eq!(slugify("  Pain -- relief  "), "pain-relief");
        assert_eq!(slugify("Café crème"), "café-crème");
        assert_eq!(slugify("???"), "");
    }

    #[test]
    fn unsafe_segments() {
        assert!(!is_safe_segment(".."));
        assert!(!is_safe_segment("a\\b"));
        assert!(!is_safe_segment("a\u{0}"));
        assert!(is_safe_segment("respite-care"));
    }
}
