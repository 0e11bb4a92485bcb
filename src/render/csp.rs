//! Make sure every HTML page carries the Content-Security-Policy, whatever
//! its template (a site's own template may leave out `head_meta`).

use super::CSP;

/// The `<meta>` element carrying [`CSP`].
pub fn meta() -> String {
    format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">")
}

/// `html` with the policy added just after `<head>` (or at the very start
/// when there is no head element) unless it already has it.
pub fn ensure(html: &str) -> Option<String> {
    let meta = meta();
    if html.contains(&meta) {
        return None;
    }
    let lower = html.to_ascii_lowercase();
    let at = find_head_end(&lower).unwrap_or(0);
    let mut out = String::with_capacity(html.len() + meta.len() + 1);
    out.push_str(&html[..at]);
    out.push_str(&meta);
    out.push('\n');
    out.push_str(&html[at..]);
    Some(out)
}

/// Byte offset just after the `<head ...>` start tag, if there is one.
fn find_head_end(lower: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = lower[from..].find("<head") {
        let start = from + i;
        let after = &lower[start + 5..];
        if after.starts_with('>') || after.starts_with(|c: char| c.is_ascii_whitespace()) {
            return after.find('>').map(|j| start + 5 + j + 1);
        }
        from = start + 5;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_policy_once() {
        let html =
            "<!DOCTYPE html><html><HEAD lang=\"en\"><title>x</title></head><body></body></html>";
        let out = ensure(html).unwrap();
        assert!(out.starts_with(&format!(
            "<!DOCTYPE html><html><HEAD lang=\"en\">{}",
            meta()
        )));
        assert!(ensure(&out).is_none());
        // <header> is not <head>.
        let out = ensure("<header>x</header>").unwrap();
        assert!(out.starts_with(&meta()));
    }
}
