//! UK formats: postcodes, postcode districts and phone numbers.

/// Whether `s` is an outward code (postcode district) such as `MK6`, `MK10`, `W1A`, `SW1A`.
pub fn is_district(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    let rest = &b[letters..];
    match rest {
        [d] => d.is_ascii_digit(),
        [d1, d2] => d1.is_ascii_digit() && (d2.is_ascii_digit() || d2.is_ascii_uppercase()),
        _ => false,
    }
}

/// Normalise a postcode to `MK6 4AB` form, or `None` if it is not one.
pub fn normalise_postcode(s: &str) -> Option<String> {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.len() < 5 || compact.len() > 7 || !compact.is_ascii() {
        return None;
    }
    let (out, inw) = compact.split_at(compact.len() - 3);
    let ib = inw.as_bytes();
    if !(ib[0].is_ascii_digit() && ib[1].is_ascii_uppercase() && ib[2].is_ascii_uppercase()) {
        return None;
    }
    is_district(out).then(|| format!("{out} {inw}"))
}

/// The district (outward code) of a postcode or district: `mk6 4ab` -> `MK6`.
pub fn district_of(s: &str) -> Option<String> {
    let t = s.trim().to_ascii_uppercase();
    if let Some(pc) = normalise_postcode(&t) {
        return pc.split(' ').next().map(str::to_string);
    }
    let first = t.split_whitespace().next()?;
    is_district(first).then(|| first.to_string())
}

/// A UK phone number, checked and formatted for display and for `tel:` links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// Grouped for reading aloud, e.g. `01632 960 412`.
    pub display: String,
    /// E.164 for `tel:` links, e.g. `+441632960412`.
    pub tel: String,
}

/// Parse a UK phone number written in any common way (`01632 960412`,
/// `+44 (0)1632 960412`, `0808-157-0123`), or a short number (999, 111, 116 123).
pub fn parse_phone(s: &str) -> Option<Phone> {
    let t = s.trim();
    if t.is_empty()
        || t.chars()
            .any(|c| !(c.is_ascii_digit() || " +()-.".contains(c)))
    {
        return None;
    }
    let mut digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    if t.starts_with('+') {
        let rest = digits.strip_prefix("44")?.to_string();
        let rest = rest.strip_prefix('0').map(str::to_string).unwrap_or(rest);
        digits = format!("0{rest}");
    } else if t.starts_with("00") {
        let rest = digits.strip_prefix("0044")?.to_string();
        digits = format!("0{rest}");
    }
    if matches!(digits.as_str(), "999" | "111" | "112" | "116123" | "116117") {
        let display = if digits.len() == 6 {
            format!("{} {}", &digits[..3], &digits[3..])
        } else {
            digits.clone()
        };
        return Some(Phone {
            display,
            tel: digits,
        });
    }
    if !digits.starts_with('0')
        || !(digits.len() == 11 || (digits.len() == 10 && digits.starts_with("016977")))
    {
        return None;
    }
    let d = &digits;
    let display = if d.starts_with("02") {
        format!("{} {} {}", &d[..3], &d[3..7], &d[7..])
    } else if d.starts_with("011") || (d.starts_with("01") && d.as_bytes()[3] == b'1') {
        format!("{} {} {}", &d[..4], &d[4..7], &d[7..])
    } else if d.starts_with("01") || d.starts_with("07") {
        if d.len() == 11 {
            format!("{} {} {}", &d[..5], &d[5..8], &d[8..])
        } else {
            format!("{} {}", &d[..5], &d[5..])
        }
    } else {
        format!("{} {} {}", &d[..4], &d[4..7], &d[7..])
    };
    Some(Phone {
        display,
        tel: format!("+44{}", &d[1..]),
    })
}

/// A plausible email address (`name@domain.tld`, no spaces).
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"'(),;:[]\\".contains(c))
}

/// An absolute http(s) URL with a host and no spaces.
pub fn is_web_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(r) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            let bad =
                |c: char| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>';
            // The same test byte by byte for ASCII text: its whitespace and
            // control characters are all at or below a space, and DEL.
            let bad_ascii = |b: u8| b <= b' ' || b == 0x7f || matches!(b, b'"' | b'<' | b'>');
            host.contains('.')
                && if s.is_ascii() {
                    !s.bytes().any(bad_ascii)
                } else {
                    !s.chars().any(bad)
                }
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes() {
        assert_eq!(normalise_postcode("mk6 4ab").as_deref(), Some("MK6 4AB"));
        assert_eq!(normalise_postcode("MK104AB").as_deref(), Some("MK10 4AB"));
        assert_eq!(normalise_postcode("SW1A 1AA").as_deref(), Some("SW1A 1AA"));
        assert_eq!(normalise_postcode("MK6"), None);
        assert_eq!(normalise_postcode("12345"), None);
        assert_eq!(district_of("MK6 4AB").as_deref(), Some("MK6"));
        assert_eq!(district_of("mk10").as_deref(), Some("MK10"));
        assert!(is_district("MK43"));
        assert!(!is_district("MK434"));
        assert!(!is_district("mk6"));
    }

    #[test]
    fn phones() {
        let p = parse_phone("01632960412").unwrap();
        assert_eq!(p.display, "01632 960 412");
        assert_eq!(p.tel, "+441632960412");
        assert_eq!(
            parse_phone("+44 (0)20 7946 0000").unwrap().display,
            "020 7946 0000"
        );
        assert_eq!(
            parse_phone("0113 496 0000").unwrap().display,
            "0113 496 0000"
        );
        assert_eq!(
            parse_phone("0808-157-0123").unwrap().display,
            "0808 157 0123"
        );
        assert_eq!(parse_phone("999").unwrap().tel, "999");
        assert!(parse_phone("01632 96041").is_none());
        assert!(parse_phone("call us").is_none());
        assert!(parse_phone("+1 555 0100").is_none());
    }

    #[test]
    fn emails_and_urls() {
        assert!(is_email("hello@example.org"));
        assert!(!is_email("hello@example"));
        assert!(!is_email("hel lo@example.org"));
        assert!(is_web_url("https://example.org/a"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("https://exa mple.org"));
        // Every ASCII character is judged as the char-by-char test would.
        for b in 0u8..128 {
            let c = b as char;
            let bad = c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>');
            let url = format!("https://example.org/{c}");
            assert_eq!(is_web_url(&url), !bad, "{b:#x}");
            assert_eq!(is_web_url(&format!("{url}é")), !bad, "{b:#x}");
        }
        assert!(!is_web_url("https://example.org/\u{2003}"));
    }
}
