//! Make sure every HTML page carries the Content-Security-Policy, whatever
//! its template (a site's own template may leave out `head_meta`).

use super::CSP;
use memchr::memmem::Finder;
use std::sync::LazyLock;

/// The `<meta>` element carrying [`CSP`], made once.
static META: LazyLock<String> =
    LazyLock::new(|| format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"));

/// A searcher for [`META`], built once.
static META_FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(META.as_bytes()));

/// The `<meta>` element carrying [`CSP`].
pub fn meta() -> &'static str {
    &META
}

/// Whether `html` already carries the policy's `<meta>` element. The
/// default theme writes it near the top, so the search usually stops there.
fn has_meta(html: &[u8]) -> bool {
    META_FINDER.find(html).is_some()
}

/// [`ensure`] on a page's bytes: `html` unchanged when it carries the
/// policy (checked without UTF-8 validation of the whole page) or is not
/// UTF-8, else with the policy added.
pub fn ensure_bytes(html: Vec<u8>) -> Vec<u8> {
    if has_meta(&html) {
        return html;
    }
    match std::str::from_utf8(&html) {
        Ok(text) => add_meta(text).into_bytes(),
        Err(_) => html,
    }
}

/// `html` with the policy added just after `<head>` (or at the very start
/// when there is no head element) unless it already has it.
pub fn ensure(html: &str) -> Option<String> {
    (!has_meta(html.as_bytes())).then(|| add_meta(html))
}

/// `html`, which lacks the policy, with it added just after `<head>` (or
/// at the very start when there is no head element).
fn add_meta(html: &str) -> String {
    let meta = meta();
    let lower = html.to_ascii_lowercase();
    let at = find_head_end(&lower).unwrap_or(0);
    let mut out = String::with_capacity(html.len() + meta.len() + 1);
    out.push_str(&html[..at]);
    out.push_str(meta);
    out.push('\n');
    out.push_str(&html[at..]);
    out
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
        assert!(out.starts_with(meta()));
    }

    #[test]
    fn bytes_get_the_policy_as_text_does() {
        let html = "<html><head><title>x</title></head><body>é</body></html>";
        let out = ensure_bytes(html.as_bytes().to_vec());
        assert_eq!(out, ensure(html).unwrap().into_bytes());
        // Already there (anywhere): unchanged.
        assert_eq!(ensure_bytes(out.clone()), out);
        let late = format!("<html><head></head><body>{}</body></html>", meta());
        assert_eq!(ensure_bytes(late.clone().into_bytes()), late.into_bytes());
        // Not UTF-8: unchanged, as before.
        let bad = b"<html><head>\xff</head></html>".to_vec();
        assert_eq!(ensure_bytes(bad.clone()), bad);
    }
}
