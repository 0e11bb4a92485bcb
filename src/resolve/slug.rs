//! Slugs for URLs and heading ids.

/// Lower-case, letters and digits kept, spaces and hyphens become one `-`,
/// other punctuation dropped: "What's NHS Continuing Healthcare?" ->
/// `whats-nhs-continuing-healthcare`.
pub fn slugify(text: &str) -> String {
    if text.is_ascii() {
        return slugify_ascii(text.as_bytes());
    }
    slugify_chars(text)
}

/// [`slugify`]'s rule, one character at a time: the way for any text, and
/// the reference [`slugify_ascii`] is tested against.
fn slugify_chars(text: &str) -> String {
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

/// [`slugify`] of ASCII text (nearly every heading), a byte at a time:
/// what it does to each character, without decoding characters or asking
/// Unicode tables (it runs on every heading of every page).
fn slugify_ascii(text: &[u8]) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut pending_dash = false;
    for &c in text {
        if c.is_ascii_alphanumeric() || c == b'_' {
            if pending_dash && !out.is_empty() {
                out.push(b'-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if matches!(c, b' ' | b'\t'..=b'\r' | b'-' | b'/' | b'.') {
            // `char::is_whitespace` of ASCII: space, and tab to carriage
            // return (vertical tab included, unlike `is_ascii_whitespace`).
            pending_dash = true;
        }
    }
    // Only ASCII bytes were pushed: always valid.
    String::from_utf8(out).unwrap_or_default()
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
    fn ascii_slugs_match_the_general_rule() {
        // Every ASCII character, between letters and at either end.
        for c in 0u8..0x80 {
            let c = char::from(c);
            for t in [
                format!("Ab{c}Cd"),
                format!("{c}x"),
                format!("x{c}"),
                format!("{c}"),
                format!("A {c} B_9"),
            ] {
                assert_eq!(slugify_ascii(t.as_bytes()), slugify_chars(&t), "{t:?}");
            }
        }
        assert_eq!(slugify("a\x0bb"), "a-b");
        assert_eq!(
            slugify("Step 1/2: see www.nhs.uk"),
            "step-1-2-see-www-nhs-uk"
        );
    }

    #[test]
    fn unsafe_segments() {
        assert!(!is_safe_segment(".."));
        assert!(!is_safe_segment("a\\b"));
        assert!(!is_safe_segment("a\u{0}"));
        assert!(is_safe_segment("respite-care"));
    }
}
