//! schema.org structured data as JSON-LD, safe to embed in a `<script>` element.

use serde_json::{Value, json};

/// Serialise for embedding in HTML: `<`, `>` and `&` are escaped as JSON
/// unicode escapes so no field can close the script element.
pub fn to_script_json(v: &Value) -> String {
    script_safe(serde_json::to_string(v).unwrap_or_else(|_| "{}".to_string()))
}

/// [`to_script_json`] of any serialisable value (a tuple of borrowed
/// strings serialises as the same JSON array as its `Value`), without
/// copying it into a `Value` first.
pub fn to_script_json_of<T: serde::Serialize + ?Sized>(v: &T) -> String {
    script_safe(serde_json::to_string(v).unwrap_or_else(|_| "{}".to_string()))
}

/// [`to_script_json`] of a string value, without copying it into a `Value`.
pub fn to_script_json_str(s: &str) -> String {
    script_safe(serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string()))
}

/// JSON text made safe inside `<script>`.
fn script_safe(s: String) -> String {
    // Most values have nothing to escape.
    if !s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return s;
    }
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

/// The `@id` of the site's `WebSite` node.
pub fn website_id(base_url: &str) -> String {
    format!("{base_url}#website")
}

/// The site as a `WebSite` with a `SearchAction` for its search page.
pub fn website(title: &str, description: &str, base_url: &str, language: &str) -> Value {
    let mut v = json!({
        "@type": "WebSite",
        "@id": website_id(base_url),
        "name": title,
        "url": base_url,
        "inLanguage": language,
        "potentialAction": {
            "@type": "SearchAction",
            "target": format!("{base_url}search/?q={{search_term_string}}"),
            "query-input": "required name=search_term_string",
        },
    });
    if !description.trim().is_empty() {
        v["description"] = json!(description);
    }
    v
}

/// The main node of a page made from data (listings, search, 404).
pub fn generated_page(kind: &str, title: &str, description: &str, url: &str) -> Value {
    let ty = match kind {
        "search" => "SearchResultsPage",
        "facet" | "facet_index" | "find" | "changes" | "section" => "CollectionPage",
        _ => "WebPage",
    };
    let mut v = json!({ "@type": ty, "name": title, "url": url });
    if !description.trim().is_empty() {
        v["description"] = json!(description);
    }
    v
}

/// Tie a page's main node to the site: `isPartOf` the `WebSite` (pages)
/// and `inLanguage`; the `WebSite` node itself is left as it is.
pub fn with_site(mut node: Value, base_url: &str, language: &str) -> Value {
    let is_page = node["@type"]
        .as_str()
        .map(|t| t.ends_with("Page"))
        .unwrap_or_else(|| node["@type"].is_array());
    if let Some(o) = node.as_object_mut().filter(|_| is_page) {
        o.entry("inLanguage").or_insert_with(|| json!(language));
        o.entry("isPartOf")
            .or_insert_with(|| json!({ "@id": website_id(base_url) }));
    }
    node
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
