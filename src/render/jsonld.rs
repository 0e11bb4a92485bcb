//! schema.org structured data as JSON-LD, safe to embed in a `<script>` element.
//!
//! A page's graph is written straight from borrowed data (serde structs
//! whose fields are in the byte order of their JSON keys, the order
//! `serde_json::Value` maps serialise in), with the script escaping done
//! as each string is written: no `Value` tree and no second pass.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::ser::Formatter;
use serde_json::{Value, json};
use std::io;

/// serde_json's compact output, with `<`, `>`, `&`, U+2028 and U+2029 in
/// strings written as JSON unicode escapes so no field can close the
/// script element (or end a line in older JavaScript).
struct ScriptSafe;

impl Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let bytes = fragment.as_bytes();
        let mut start = 0;
        let mut from = 0;
        while let Some(i) = next_script_special(bytes, from) {
            let esc: &[u8] = match (bytes[i], bytes.get(i + 1..i + 3)) {
                (b'<', _) => b"\\u003c",
                (b'>', _) => b"\\u003e",
                (b'&', _) => b"\\u0026",
                (_, Some([0x80, 0xA8])) => b"\\u2028",
                (_, Some([0x80, 0xA9])) => b"\\u2029",
                // Another character starting with 0xE2 (a curly quote, a dash).
                _ => {
                    from = i + 1;
                    continue;
                }
            };
            writer.write_all(&bytes[start..i])?;
            writer.write_all(esc)?;
            // U+2028 and U+2029 are three bytes long.
            start = i + if bytes[i] == 0xE2 { 3 } else { 1 };
            from = start;
        }
        writer.write_all(&bytes[start..])
    }
}

/// The index of the first byte at or after `from` that may need escaping
/// in a script: `<`, `>`, `&`, or 0xE2 (the first byte of U+2028 and
/// U+2029, and of curly quotes and dashes, which do not). Eight bytes at a
/// time: strings are mostly plain, and curly quotes are common.
fn next_script_special(b: &[u8], from: usize) -> Option<usize> {
    use crate::swar::{HIGH, ONES, bytes_in};
    crate::swar::find_marked(b, from, |x| {
        let y = x & !HIGH;
        let ascii =
            (bytes_in(y, b'<', b'<') | bytes_in(y, b'>', b'>') | bytes_in(y, b'&', b'&')) & !x;
        // Bytes equal to 0xE2: the lowest mark is exact (a false one can
        // only follow a true one), which is all `find_marked` uses.
        let v = x ^ (ONES * 0xE2);
        ascii | (v.wrapping_sub(ONES) & !v & HIGH)
    })
}

/// Append `v` as script-safe JSON to `out`.
fn write_to<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    let before = out.len();
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, ScriptSafe);
    if v.serialize(&mut ser).is_err() {
        // Only a map with non-string keys fails; never one of ours.
        out.truncate(before);
        out.extend_from_slice(b"{}");
    }
}

fn into_string(buf: Vec<u8>) -> String {
    // serde_json writes only UTF-8.
    String::from_utf8(buf).unwrap_or_else(|_| "{}".to_string())
}

/// Serialise for embedding in HTML: `<`, `>` and `&` are escaped as JSON
/// unicode escapes so no field can close the script element.
pub fn to_script_json<T: Serialize + ?Sized>(v: &T) -> String {
    let mut out = Vec::with_capacity(128);
    write_to(&mut out, v);
    into_string(out)
}

/// A page's JSON-LD document being written: `{"@context":...,"@graph":[`
/// and the page's main node, to which [`Graph::finish`] adds the
/// breadcrumbs and the closing brackets.
pub struct Graph(Vec<u8>);

const GRAPH_OPEN: &[u8] = b"{\"@context\":\"https://schema.org\",\"@graph\":[";

impl Graph {
    /// A graph whose main node is `node` (any serialisable value whose map
    /// keys are in byte order, as a `serde_json::Value` or the structs here).
    pub fn new<T: Serialize + ?Sized>(node: &T) -> Graph {
        let mut out = Vec::with_capacity(1024);
        out.extend_from_slice(GRAPH_OPEN);
        write_to(&mut out, node);
        Graph(out)
    }

    /// The whole document, with a `BreadcrumbList` of `crumbs` (name,
    /// absolute URL) when there is more than one.
    pub fn finish(mut self, crumbs: &[(&str, &str)]) -> String {
        if crumbs.len() > 1 {
            self.0.push(b',');
            write_to(&mut self.0, &Breadcrumbs(crumbs));
        }
        self.0.extend_from_slice(b"]}");
        into_string(self.0)
    }
}

/// A `BreadcrumbList` from (name, absolute URL) pairs.
struct Breadcrumbs<'a>(&'a [(&'a str, &'a str)]);

impl Serialize for Breadcrumbs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("@type", "BreadcrumbList")?;
        m.serialize_entry("itemListElement", &Items(self.0))?;
        m.end()
    }
}

struct Items<'a>(&'a [(&'a str, &'a str)]);

impl Serialize for Items<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (i, (name, url)) in self.0.iter().enumerate() {
            seq.serialize_element(&ListItem {
                ty: "ListItem",
                item: url,
                name,
                position: i + 1,
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    ty: &'a str,
    item: &'a str,
    name: &'a str,
    position: usize,
}

/// `{"@id": ...}`: a reference to another node.
#[derive(Serialize)]
pub struct IdRef {
    #[serde(rename = "@id")]
    pub id: String,
}

/// `{"@type": ..., "name": ...}`: a typed, named thing.
#[derive(Serialize)]
pub struct Named<'a> {
    #[serde(rename = "@type")]
    pub ty: &'static str,
    pub name: &'a str,
}

/// The main node of a page made from data (listings, search, 404), tied
/// to the site (`inLanguage`, `isPartOf`).
#[derive(Serialize)]
pub struct GeneratedPage<'a> {
    #[serde(rename = "@type")]
    ty: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isPartOf")]
    is_part_of: IdRef,
    name: &'a str,
    url: &'a str,
}

/// [`GeneratedPage`] of a page of `kind`.
pub fn generated_page<'a>(
    kind: &str,
    title: &'a str,
    description: &'a str,
    url: &'a str,
    base_url: &str,
    language: &'a str,
) -> GeneratedPage<'a> {
    let ty = match kind {
        "search" => "SearchResultsPage",
        "facet" | "facet_index" | "find" | "changes" | "section" | "az" => "CollectionPage",
        _ => "WebPage",
    };
    GeneratedPage {
        ty,
        description: Some(description).filter(|d| !d.trim().is_empty()),
        in_language: language,
        is_part_of: IdRef {
            id: website_id(base_url),
        },
        name: title,
        url,
    }
}

/// The main node of a markdown page (not the home page): a
/// `MedicalWebPage`, also an `FAQPage` when it has questions, tied to the
/// site.
#[derive(Serialize)]
pub struct MedicalWebPage<'a> {
    #[serde(rename = "@type")]
    pub ty: PageType,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub about: Vec<Named<'a>>,
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    pub date_modified: Option<String>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    pub date_published: Option<String>,
    pub description: &'a str,
    pub headline: &'a str,
    #[serde(rename = "inLanguage")]
    pub in_language: &'a str,
    #[serde(rename = "isPartOf")]
    pub is_part_of: IdRef,
    #[serde(rename = "lastReviewed", skip_serializing_if = "Option::is_none")]
    pub last_reviewed: Option<String>,
    #[serde(rename = "mainEntity", skip_serializing_if = "Faq::is_empty")]
    pub main_entity: Faq<'a>,
    #[serde(rename = "medicalAudience")]
    pub medical_audience: [Audience; 2],
    pub name: &'a str,
    #[serde(rename = "reviewedBy", skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<Named<'a>>,
    pub url: &'a str,
}

/// `MedicalWebPage`, or `["MedicalWebPage", "FAQPage"]` for a page with questions.
pub struct PageType {
    pub faq: bool,
}

impl Serialize for PageType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.faq {
            ["MedicalWebPage", "FAQPage"].serialize(s)
        } else {
            s.serialize_str("MedicalWebPage")
        }
    }
}

/// One `MedicalAudience`.
#[derive(Serialize)]
pub struct Audience {
    #[serde(rename = "@type")]
    ty: &'static str,
    #[serde(rename = "audienceType")]
    audience_type: &'static str,
}

/// The audiences of every page: patients and caregivers.
pub const AUDIENCES: [Audience; 2] = [
    Audience {
        ty: "MedicalAudience",
        audience_type: "Patient",
    },
    Audience {
        ty: "MedicalAudience",
        audience_type: "Caregiver",
    },
];

/// A page's FAQ entries (`{ question, answer }` objects) as `Question` nodes.
pub struct Faq<'a>(pub &'a [Value]);

impl Faq<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Faq<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for f in self.0 {
            seq.serialize_element(&Question {
                ty: "Question",
                accepted_answer: Answer {
                    ty: "Answer",
                    text: &f["answer"],
                },
                name: &f["question"],
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Question<'a> {
    #[serde(rename = "@type")]
    ty: &'static str,
    #[serde(rename = "acceptedAnswer")]
    accepted_answer: Answer<'a>,
    name: &'a Value,
}

#[derive(Serialize)]
struct Answer<'a> {
    #[serde(rename = "@type")]
    ty: &'static str,
    text: &'a Value,
}

/// A provider as a `MedicalOrganization` (or `Hospital`); not a page, so
/// not tied to the site.
#[derive(Serialize)]
pub struct Organization<'a> {
    #[serde(rename = "@type")]
    pub ty: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<PostalAddress<'a>>,
    #[serde(rename = "areaServed", skip_serializing_if = "<[_]>::is_empty")]
    pub area_served: Vec<Named<'a>>,
    pub description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<&'a str>,
    #[serde(rename = "mainEntityOfPage")]
    pub main_entity_of_page: &'a str,
    pub name: &'a str,
    #[serde(rename = "sameAs", skip_serializing_if = "Option::is_none")]
    pub same_as: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telephone: Option<&'a str>,
    pub url: &'a str,
}

/// A `PostalAddress` in the UK.
#[derive(Serialize)]
pub struct PostalAddress<'a> {
    #[serde(rename = "@type")]
    pub ty: &'static str,
    #[serde(rename = "addressCountry")]
    pub address_country: &'static str,
    #[serde(rename = "addressLocality")]
    pub address_locality: &'a str,
    #[serde(rename = "postalCode")]
    pub postal_code: &'a str,
    #[serde(rename = "streetAddress")]
    pub street_address: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaping this module did before it wrote JSON itself: a second
    /// pass over serde_json's output.
    fn reference(v: &Value) -> String {
        let s = serde_json::to_string(v).unwrap();
        let mut out = String::new();
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

    /// `s` as written, and the same JSON through a `Value` (whose maps
    /// serialise in key order) with the reference escaping: equal bytes.
    fn same_as_through_value(s: &str) {
        let back: Value = serde_json::from_str(s).unwrap();
        assert_eq!(s, reference(&back));
    }

    #[test]
    fn script_cannot_break_out() {
        let v = json!({ "name": "</script><script>alert(1)</script>" });
        let s = to_script_json(&v);
        assert!(!s.contains("</script"));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>");
    }

    #[test]
    fn escapes_as_before() {
        for text in [
            "plain",
            "a < b > c & d",
            "</script>",
            "line\u{2028}sep\u{2029}para",
            "\u{2027}\u{202a}\u{20ac} € — “quoted” \"q\" back\\slash",
            "tab\tnew\nline\u{1}ctl",
            "<&>\u{2028}",
            "",
        ] {
            let v = json!({ "b": text, "a": [text, 1, null, true], "c": { "z": text, "@y": 2.5 } });
            assert_eq!(to_script_json(&v), reference(&v), "{text:?}");
            assert_eq!(to_script_json(text), reference(&json!(text)));
        }
        // Every piece of a longer text, so each special byte is met at each
        // place in an eight-byte word and in the tail.
        let long = "It’s “fine” <now> & then\u{2028}— a\u{2029}b ‘x’ &amp; €\u{2027}\u{2029}";
        for text in crate::check::testutil::substrings(long) {
            assert_eq!(to_script_json(text), reference(&json!(text)), "{text:?}");
        }
    }

    #[test]
    fn nodes_keep_key_order() {
        let faq = [
            json!({ "question": "Who <pays>?", "answer": "The NHS & you" }),
            json!({ "question": "Why?" }),
        ];
        for (faq, optional) in [(&faq[..], true), (&[][..], false)] {
            let page = MedicalWebPage {
                ty: PageType {
                    faq: !faq.is_empty(),
                },
                about: if optional {
                    vec![Named {
                        ty: "MedicalCondition",
                        name: "COPD",
                    }]
                } else {
                    vec![]
                },
                date_modified: optional.then(|| "2026-01-02".into()),
                date_published: optional.then(|| "2025-01-02".into()),
                description: "About </script>",
                headline: "T",
                in_language: "en-GB",
                is_part_of: IdRef {
                    id: website_id("https://x.org/"),
                },
                last_reviewed: optional.then(|| "2026-03-04".into()),
                main_entity: Faq(faq),
                medical_audience: AUDIENCES,
                name: "T",
                reviewed_by: optional.then_some(Named {
                    ty: "Person",
                    name: "Dr A",
                }),
                url: "https://x.org/a/",
            };
            let crumbs = [("Home", "https://x.org/"), ("A & B", "https://x.org/a/")];
            same_as_through_value(&Graph::new(&page).finish(&crumbs));
            same_as_through_value(&Graph::new(&page).finish(&crumbs[..1]));
            let org = Organization {
                ty: "Hospital",
                address: optional.then(|| PostalAddress {
                    ty: "PostalAddress",
                    address_country: "GB",
                    address_locality: "Town",
                    postal_code: "MK1 1AA",
                    street_address: "1 Road, Place".into(),
                }),
                area_served: if optional {
                    vec![Named {
                        ty: "AdministrativeArea",
                        name: "MK",
                    }]
                } else {
                    vec![]
                },
                description: "d",
                email: optional.then_some("a@b.org"),
                main_entity_of_page: "https://x.org/p/",
                name: "N",
                same_as: optional.then_some("https://cqc/"),
                telephone: optional.then_some("+441632960000"),
                url: "https://n.org/",
            };
            same_as_through_value(&Graph::new(&org).finish(&crumbs));
            let desc = if optional { "A <b>" } else { " " };
            let g = generated_page(
                "facet",
                "F",
                desc,
                "https://x.org/f/",
                "https://x.org/",
                "en",
            );
            same_as_through_value(&Graph::new(&g).finish(&crumbs));
            let w = website("S", desc, "https://x.org/", "en");
            same_as_through_value(&Graph::new(&w).finish(&[]));
        }
    }
}
