//! schema.org structured data as JSON-LD, safe to embed in a `<script>` element.

use serde_json::{Value, json};

/// Serialise for embedding in HTML: `<`, `>` and `&` are escaped as JSON
/// unicode escapes so no field can close the script element.
pub fn to_script_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "{}".to_string());
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A `BreadcrumbList` from (name, absolute URL) pairs.
pub fn breadcrumbs(items: &[(String, String)]) -> Value {
    let list: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, (name, url))| json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": url }))
        .collect();
    json!({ "@type": "BreadcrumbList", "itemListElement": list })
}

/// Wrap one or more nodes in a JSON-LD document.
pub fn graph(nodes: Vec<Value>) -> Value {
    json!({ "@context": "https://schema.org", "@graph": nodes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_cannot_break_out() {
        let v = json!({ "name": "</script><script>alert(1)</script>" });
        let s = to_script_json(&v);
        assert!(!s.contains("</script"));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }
}
