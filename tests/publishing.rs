//! Publishing: sitemap, robots.txt, Atom feed, JSON-LD, aliases, search
//! index, portable and sub-path builds, and byte-identical output.

mod common;
use carehub::render::search::index::Index;
use common::{TestSite, build_example, page};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const BASE: &str = "https://palliative-care-mk.example.org/";

/// Every file under `dir`, as `/`-separated relative paths, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn html_files(all: &BTreeMap<String, Vec<u8>>) -> Vec<(String, String)> {
    all.iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p.clone(), String::from_utf8(b.clone()).unwrap()))
        .collect()
}

fn decode(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
}

/// The values of URL attributes (`href`, `src`, `action`) in a page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\"", " action=\""] {
        for part in html.split(attr).skip(1) {
            if let Some(v) = part.split('"').next() {
                out.push(decode(v));
            }
        }
    }
    out
}

/// The text of every JSON-LD block in a page.
fn jsonld_blocks(html: &str) -> Vec<String> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|s| s.split("</script>").next().unwrap().to_string())
        .collect()
}

fn is_redirect(html: &str) -> bool {
    html.contains("http-equiv=\"refresh\"")
}

/// Properties schema.org defines on each type carehub writes (inherited ones included).
fn schema_properties(ty: &str) -> Option<Vec<&'static str>> {
    const THING: &[&str] = &[
        "name",
        "description",
        "url",
        "sameAs",
        "mainEntityOfPage",
        "identifier",
        "image",
        "alternateName",
        "potentialAction",
    ];
    const CREATIVE_WORK: &[&str] = &[
        "about",
        "headline",
        "inLanguage",
        "dateModified",
        "datePublished",
        "mainEntity",
        "isPartOf",
        "publisher",
        "author",
        "audience",
        "keywords",
        "text",
    ];
    const WEB_PAGE: &[&str] = &[
        "lastReviewed",
        "reviewedBy",
        "breadcrumb",
        "specialty",
        "significantLink",
        "relatedLink",
    ];
    const ORGANIZATION: &[&str] = &[
        "address",
        "telephone",
        "email",
        "areaServed",
        "faxNumber",
        "medicalSpecialty",
        "isAcceptingNewPatients",
        "knowsLanguage",
    ];
    let own: Vec<&[&str]> = match ty {
        "MedicalWebPage" => vec![CREATIVE_WORK, WEB_PAGE, &["medicalAudience", "aspect"]],
        "FAQPage" | "WebPage" | "CollectionPage" | "SearchResultsPage" => {
            vec![CREATIVE_WORK, WEB_PAGE]
        }
        "WebSite" => vec![CREATIVE_WORK],
        "SearchAction" => vec![&["target", "query", "query-input"]],
        "MedicalOrganization" => vec![ORGANIZATION],
        "Hospital" => vec![ORGANIZATION, &["openingHours", "availableService"]],
        "PostalAddress" => vec![&[
            "streetAddress",
            "addressLocality",
            "addressRegion",
            "postalCode",
            "addressCountry",
        ]],
        "AdministrativeArea" | "Place" => vec![],
        "BreadcrumbList" => vec![&["itemListElement", "numberOfItems"]],
        "ListItem" => vec![&["position", "item"]],
        "Question" => vec![&["acceptedAnswer", "text", "answerCount"]],
        "Answer" => vec![&["text"]],
        "MedicalAudience" => vec![&["audienceType"]],
        "MedicalCondition" | "MedicalTherapy" | "Person" => vec![],
        _ => return None,
    };
    let mut all: Vec<&'static str> = THING.to_vec();
    for o in own {
        all.extend_from_slice(o);
    }
    Some(all)
}

/// Check a JSON-LD node and everything inside it; returns the types seen.
fn check_node(v: &Value, where_: &str, types: &mut BTreeSet<String>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| check_node(x, where_, types)),
        Value::Object(o) => {
            let tys: Vec<String> = match o.get("@type") {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|x| x.as_str().unwrap_or("").to_string())
                    .collect(),
                None => {
                    // A reference to a node described elsewhere.
                    assert!(
                        o.keys().all(|k| k == "@id"),
                        "{where_}: node without @type: {v}"
                    );
                    return;
                }
                Some(other) => panic!("{where_}: bad @type {other}"),
            };
            for t in &tys {
                types.insert(t.clone());
            }
            let allowed: Vec<&str> = tys
                .iter()
                .flat_map(|t| {
                    schema_properties(t).unwrap_or_else(|| panic!("{where_}: unexpected type {t}"))
                })
                .collect();
            for (k, val) in o {
                if k.starts_with('@') {
                    continue;
                }
                assert!(
                    allowed.contains(&k.as_str()),
                    "{where_}: {tys:?} has `{k}`, which schema.org does not define there"
                );
                check_node(val, where_, types);
            }
        }
        _ => {}
    }
}

#[test]
fn example_sitemap_feed_and_jsonld_are_valid() {
    let (_tmp, out) = build_example(&[]);
    let all = files(&out);

    // sitemap.xml: every URL is a page that exists; lastmod is a date.
    let sitemap = String::from_utf8(all["sitemap.xml"].clone()).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap.xml parses");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let mut locs = Vec::new();
    for url in root.children().filter(|n| n.is_element()) {
        let loc = url
            .children()
            .find(|n| n.has_tag_name("loc"))
            .and_then(|n| n.text())
            .expect("loc");
        let path = loc.strip_prefix(BASE).expect("loc under base_url");
        assert!(
            path.is_empty() || path.ends_with('/'),
            "trailing slash: {loc}"
        );
        let file = format!("{path}index.html");
        assert!(
            all.contains_key(&file),
            "sitemap names {loc}, but {file} was not written"
        );
        assert!(
            !is_redirect(&String::from_utf8_lossy(&all[&file])),
            "sitemap lists a redirect: {loc}"
        );
        if let Some(lm) = url.children().find(|n| n.has_tag_name("lastmod")) {
            let t = lm.text().unwrap();
            assert!(
                t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-',
                "lastmod {t}"
            );
        }
        locs.push(loc.to_string());
    }
    assert!(locs.contains(&format!("{BASE}services/respite-care/")));
    assert!(locs.contains(&BASE.to_string()));
    assert!(
        !locs.iter().any(|l| l.contains("404")),
        "no 404 page in the sitemap"
    );
    let pages = all
        .keys()
        .filter(|p| p.ends_with("/index.html") || *p == "index.html")
        .filter(|p| !is_redirect(&String::from_utf8_lossy(&all[*p])))
        .count();
    assert_eq!(locs.len(), pages, "every page is in the sitemap");
    let sorted = {
        let mut s = locs.clone();
        s.sort();
        s
    };
    assert_eq!(locs, sorted, "sitemap is in a stable order");

    // robots.txt names the sitemap.
    let robots = String::from_utf8(all["robots.txt"].clone()).unwrap();
    assert!(
        robots.contains(&format!("Sitemap: {BASE}sitemap.xml")),
        "{robots}"
    );

    // atom.xml: a valid Atom feed, newest first, every link a page.
    let atom = String::from_utf8(all["atom.xml"].clone()).unwrap();
    let doc = roxmltree::Document::parse(&atom).expect("atom.xml parses");
    let feed = doc.root_element();
    let ns = "http://www.w3.org/2005/Atom";
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ns));
    for req in ["title", "id", "updated", "author"] {
        assert!(
            feed.children().any(|n| n.has_tag_name((ns, req))),
            "feed lacks {req}"
        );
    }
    let entries: Vec<_> = feed
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert!(!entries.is_empty(), "the example has dated pages");
    let mut last: Option<String> = None;
    for e in &entries {
        let get = |name: &str| {
            e.children()
                .find(|n| n.has_tag_name(name))
                .and_then(|n| n.text())
                .unwrap_or_else(|| panic!("entry lacks {name}"))
                .to_string()
        };
        let updated = get("updated");
        assert!(updated.ends_with("T00:00:00Z"), "{updated}");
        if let Some(prev) = &last {
            assert!(*prev >= updated, "newest first");
        }
        last = Some(updated);
        get("title");
        let id = get("id");
        let href = e
            .children()
            .find(|n| n.has_tag_name("link"))
            .and_then(|n| n.attribute("href"))
            .unwrap();
        assert_eq!(href, id);
        let file = format!("{}index.html", href.strip_prefix(BASE).unwrap());
        assert!(
            all.contains_key(&file),
            "feed links to {href}, which does not exist"
        );
    }

    // JSON-LD: every page has it, it parses, and uses schema.org's properties.
    let mut types = BTreeSet::new();
    for (path, html) in html_files(&all) {
        if is_redirect(&html) {
            continue;
        }
        let blocks = jsonld_blocks(&html);
        assert_eq!(blocks.len(), 1, "{path}: one JSON-LD block");
        let v: Value = serde_json::from_str(&blocks[0])
            .unwrap_or_else(|e| panic!("{path}: JSON-LD does not parse: {e}"));
        assert_eq!(v["@context"], "https://schema.org", "{path}");
        check_node(&v["@graph"], &path, &mut types);
        let graph = v["@graph"].as_array().unwrap();
        let has = |t: &str| {
            graph.iter().any(|n| {
                n["@type"] == t
                    || n["@type"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|x| x == t))
            })
        };
        if path != "index.html" && path != "404.html" {
            assert!(has("BreadcrumbList"), "{path}: breadcrumbs");
        }
        if path.starts_with("providers/") && path != "providers/index.html" {
            let org = graph
                .iter()
                .find(|n| n["@type"] == "MedicalOrganization" || n["@type"] == "Hospital")
                .unwrap_or_else(|| panic!("{path}: no organisation"));
            for k in ["name", "url", "address", "areaServed", "mainEntityOfPage"] {
                assert!(!org[k].is_null(), "{path}: organisation lacks {k}");
            }
            assert_eq!(org["address"]["@type"], "PostalAddress", "{path}");
        }
    }
    for t in [
        "WebSite",
        "SearchAction",
        "MedicalWebPage",
        "FAQPage",
        "Question",
        "Answer",
        "MedicalOrganization",
        "PostalAddress",
        "BreadcrumbList",
        "MedicalAudience",
        "Person",
    ] {
        assert!(
            types.contains(t),
            "no {t} anywhere in the example; saw {types:?}"
        );
    }

    // The articles: reviewed, by whom, for patients and carers.
    let art: Value = serde_json::from_str(
        &jsonld_blocks(&String::from_utf8_lossy(
            &all["what-is-palliative-care/index.html"],
        ))[0],
    )
    .unwrap();
    let node = &art["@graph"][0];
    assert_eq!(node["@type"], "MedicalWebPage");
    assert!(node["lastReviewed"].is_string());
    assert_eq!(node["reviewedBy"]["@type"], "Person");
    let audiences: Vec<&str> = node["medicalAudience"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["audienceType"].as_str().unwrap())
        .collect();
    assert_eq!(audiences, ["Patient", "Caregiver"]);
    let home: Value =
        serde_json::from_str(&jsonld_blocks(&String::from_utf8_lossy(&all["index.html"]))[0])
            .unwrap();
    assert_eq!(
        home["@graph"][0]["potentialAction"]["target"],
        format!("{BASE}search/?q={{search_term_string}}")
    );
    // Providers with a CQC location are `sameAs` the CQC's page.
    let cqc_linked = html_files(&all)
        .iter()
        .filter(|(p, _)| p.starts_with("providers/"))
        .any(|(_, h)| h.contains("\"sameAs\":\"https://www.cqc.org.uk/location/"));
    assert!(cqc_linked, "some provider is sameAs its CQC page");
}

/// The example's search index, read from a build's files.
fn index_of(out: &Path) -> Index {
    let search = std::fs::read_to_string(out.join("search/index.html")).unwrap();
    let src = search
        .split("<script src=\"")
        .skip(1)
        .find(|s| {
            s.split('>')
                .next()
                .unwrap_or("")
                .contains("id=\"search-index\"")
        })
        .and_then(|s| s.split('"').next())
        .map(decode)
        .expect("the search page loads the index manifest");
    // Root-relative in a normal build, relative to search/ in a portable one.
    let manifest = match src.strip_prefix('/') {
        Some(m) => m.to_string(),
        None => format!("search/{src}"),
    };
    Index::read(&manifest, |p| std::fs::read_to_string(out.join(p)).ok())
        .expect("the index reads back")
}

#[test]
fn respite_finds_the_respite_service_page_first() {
    for flags in [&[][..], &["--portable"][..]] {
        let (_tmp, out) = build_example(flags);
        let idx = index_of(&out);
        for q in ["respite", "Respite", "respite care", "resp", "respite "] {
            let hits = idx.search(q);
            assert_eq!(
                hits.first().map(|h| h.path.as_str()),
                Some("services/respite-care/"),
                "{flags:?} {q:?}: {:?}",
                hits.iter().take(5).collect::<Vec<_>>()
            );
        }
        // Provider names, services, conditions and postcode districts are indexed.
        assert!(
            idx.search("ouzel valley")
                .first()
                .is_some_and(|h| h.path.starts_with("providers/ouzel-valley")),
            "provider names"
        );
        assert!(
            idx.search("MK6")
                .iter()
                .any(|h| h.path.starts_with("providers/")),
            "postcode districts"
        );
        assert!(
            idx.search("dementia")
                .first()
                .is_some_and(|h| h.path == "conditions/dementia/"),
            "conditions"
        );
        // Every indexed page exists.
        for h in idx.search("care") {
            assert!(
                out.join(format!("{}index.html", h.path)).is_file(),
                "{} is indexed but not written",
                h.path
            );
        }
    }
}

#[test]
fn a_query_downloads_few_index_files() {
    let (_tmp, out) = build_example(&[]);
    let dir = std::fs::read_dir(out.join("search"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .expect("an index folder");
    let shards = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('t')
        })
        .count();
    let biggest = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .max()
        .unwrap();
    assert!(shards >= 2, "the example's index is split into shards");
    assert!(
        biggest < 20 * 1024,
        "no index file is bigger than a shard: {biggest}"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    for flags in [&[][..], &["--portable"][..]] {
        let (_a, out_a) = build_example(flags);
        let (_b, out_b) = build_example(flags);
        let a = files(&out_a);
        let b = files(&out_b);
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "{flags:?}: same files"
        );
        for (p, bytes) in &a {
            assert!(bytes == &b[p], "{flags:?}: {p} differs between two builds");
        }
    }
}

/// Resolve a root-relative or absolute link to a file of the site.
fn target_file(
    all: &BTreeMap<String, Vec<u8>>,
    base_url: &str,
    base_path: &str,
    link: &str,
) -> Option<Result<String, String>> {
    let path = if let Some(p) = link.strip_prefix(base_url) {
        p
    } else if let Some(p) = link.strip_prefix(base_path) {
        p
    } else if link.starts_with('/') && !link.starts_with("//") {
        return Some(Err(format!("{link} is outside {base_path}")));
    } else {
        return None;
    };
    let path = path.split(['#', '?']).next().unwrap();
    if path.is_empty() || path.ends_with('/') {
        return Some(Ok(format!("{path}index.html")));
    }
    if all.contains_key(path) {
        Some(Ok(path.to_string()))
    } else if all.contains_key(&format!("{path}/index.html")) {
        Some(Err(format!(
            "{link} names a folder without its trailing slash"
        )))
    } else {
        Some(Ok(path.to_string()))
    }
}

#[test]
fn a_sub_path_build_gets_every_link_right() {
    let base_url = "https://example.org/hub/";
    let (_tmp, out) = build_example(&["--base-url", base_url]);
    let all = files(&out);
    let mut checked = 0;
    for (path, html) in html_files(&all) {
        for link in links(&html) {
            match target_file(&all, base_url, "/hub/", &link) {
                None => {}
                Some(Err(e)) => panic!("{path}: {e}"),
                Some(Ok(file)) => {
                    assert!(
                        all.contains_key(&file),
                        "{path}: {link} -> {file} does not exist"
                    );
                    if let Some(frag) = link
                        .split_once('#')
                        .map(|(_, f)| f)
                        .filter(|f| !f.is_empty() && *f != "top")
                    {
                        let target = String::from_utf8_lossy(&all[&file]);
                        assert!(
                            target.contains(&format!("id=\"{frag}\"")),
                            "{path}: {link}: no id {frag} in {file}"
                        );
                    }
                    checked += 1;
                }
            }
        }
        let canonical = html
            .split("<link rel=\"canonical\" href=\"")
            .nth(1)
            .map(|s| decode(s.split('"').next().unwrap()));
        if let Some(c) = canonical {
            assert!(c.starts_with(base_url), "{path}: canonical {c}");
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
    let sitemap = String::from_utf8(all["sitemap.xml"].clone()).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/hub/services/respite-care/</loc>"));
    assert!(!sitemap.contains("palliative-care-mk.example.org"));
    let robots = String::from_utf8(all["robots.txt"].clone()).unwrap();
    assert!(robots.contains("Sitemap: https://example.org/hub/sitemap.xml"));
}

#[test]
fn portable_build_links_resolve_on_disk() {
    let (_tmp, out) = build_example(&["--portable"]);
    let all = files(&out);
    let mut checked = 0;
    let mut resolve = |from: &str, link: &str| {
        if link.is_empty()
            || link.starts_with('#')
            || link.contains("://")
            || link.starts_with("mailto:")
            || link.starts_with("tel:")
            || link.starts_with("data:")
        {
            return;
        }
        assert!(!link.starts_with('/'), "{from}: {link} is not relative");
        let path = link.split(['#', '?']).next().unwrap();
        assert!(
            !path.is_empty() && !path.ends_with('/'),
            "{from}: {link} does not name a file"
        );
        let mut segs: Vec<&str> = from.split('/').collect();
        segs.pop();
        for s in path.split('/') {
            match s {
                ".." => {
                    assert!(segs.pop().is_some(), "{from}: {link} leaves the site");
                }
                "." => {}
                s => segs.push(s),
            }
        }
        let file = segs.join("/");
        assert!(
            all.contains_key(&file),
            "{from}: {link} -> {file} does not exist"
        );
        checked += 1;
    };
    for (path, html) in html_files(&all) {
        for link in links(&html) {
            // The canonical link stays absolute, for search engines.
            resolve(&path, &link);
        }
        if is_redirect(&html) {
            let target = html
                .split("url=")
                .nth(1)
                .map(|s| decode(s.split('"').next().unwrap()))
                .unwrap();
            resolve(&path, &target);
        }
    }
    for (path, bytes) in all.iter().filter(|(p, _)| p.ends_with(".css")) {
        let css = String::from_utf8_lossy(bytes);
        for part in css.split("url(").skip(1) {
            let u = part.split(')').next().unwrap().trim_matches(['"', '\'']);
            resolve(path, u);
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
    let home = String::from_utf8_lossy(&all["index.html"]).to_string();
    assert!(
        home.contains("href=\"services/index.html\""),
        "menu links name files"
    );
    assert!(
        home.contains(&format!("<link rel=\"canonical\" href=\"{BASE}\">")),
        "canonical stays absolute"
    );
}

fn dated_page(title: &str, extra: &str) -> String {
    page(title, "Some text about respite.").replacen("+++\n", &format!("+++\n{extra}\n"), 1)
}

#[test]
fn aliases_redirect_and_collisions_are_errors() {
    let site = TestSite::new();
    site.write(
        "content/help.md",
        &dated_page("Help", "aliases = [\"/old-help/\", \"/older/help.html\"]"),
    );
    site.write("content/other.md", &page("Other", "Text."));
    site.build().ok();
    let redirect = site.read("public/old-help/index.html");
    assert!(
        redirect.contains("content=\"0; url=https:&#x2F;&#x2F;hub.example.org&#x2F;help&#x2F;\"")
            || redirect.contains("content=\"0; url=https://hub.example.org/help/\""),
        "{redirect}"
    );
    assert!(redirect.contains("rel=\"canonical\""), "{redirect}");
    assert!(
        site.exists("public/older/help.html/index.html")
            || site.exists("public/older/help/index.html")
    );
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        !sitemap.contains("old-help"),
        "redirects are not in the sitemap"
    );

    // Portable: the redirect works from disk.
    site.run(&["build", "--portable"]).ok();
    let redirect = site.read("public/old-help/index.html");
    assert!(redirect.contains("url=../help/index.html"), "{redirect}");

    // An alias that is another page's URL, or a file the build writes, is an error.
    site.write(
        "content/help.md",
        &dated_page(
            "Help",
            "aliases = [\"/other/\", \"/atom.xml\", \"/sitemap.xml/x/\"]",
        ),
    );
    let run = site.build();
    run.expect_code(1);
    assert!(
        run.stderr.contains("content/help.md:2:"),
        "errors name the file and line: {}",
        run.stderr
    );
    assert!(
        run.stderr.matches("error: alias").count() >= 3,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("/other/"), "{}", run.stderr);
    assert!(run.stderr.contains("/atom.xml"), "{}", run.stderr);
    assert!(run.stderr.contains("/sitemap.xml/x/"), "{}", run.stderr);
}

#[test]
fn script_in_fields_cannot_break_out() {
    let site = TestSite::new();
    let evil = "</script><script>alert(1)</script>";
    site.write(
        "content/evil.md",
        &format!(
            "+++\ntitle = \"Evil {evil}\"\ndescription = \"Desc {evil}\"\nlast_reviewed = 2026-10-01\nnext_review = 2028-10-01\nreviewed_by = \"Rev {evil}\"\ndate = 2026-01-01\n[[sources]]\ntitle = \"S\"\nurl = \"https://www.nhs.uk/\"\n[[faq]]\nquestion = \"Q {evil}?\"\nanswer = \"A {evil}\"\n+++\nBody.\n"
        ),
    );
    site.build().ok();
    let html = site.read("public/evil/index.html");
    assert!(!html.contains("<script>alert(1)"), "raw script in the page");
    let blocks = jsonld_blocks(&html);
    assert_eq!(blocks.len(), 1);
    let v: Value = serde_json::from_str(&blocks[0]).unwrap();
    let node = &v["@graph"][0];
    assert_eq!(node["name"], format!("Evil {evil}"));
    assert_eq!(node["description"], format!("Desc {evil}"));
    assert_eq!(node["reviewedBy"]["name"], format!("Rev {evil}"));
    assert_eq!(node["mainEntity"][0]["name"], format!("Q {evil}?"));
    // The feed and sitemap stay well-formed XML.
    let atom = site.read("public/atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("title") && n.text() == Some(&format!("Evil {evil}"))),
        "{atom}"
    );
    // The search index files are plain script calls with the text escaped.
    let search_dir = std::fs::read_dir(site.path("public/search"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    for e in std::fs::read_dir(search_dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert!(!text.contains("</script"), "{text}");
    }
}

#[test]
fn feed_lists_new_and_updated_pages_newest_first() {
    let site = TestSite::new();
    site.write("content/a.md", &dated_page("Alpha", "date = 2026-01-05"));
    site.write(
        "content/b.md",
        &dated_page("Beta", "date = 2025-06-01\nupdated = 2026-02-01"),
    );
    site.write("content/c.md", &page("Gamma", "Undated."));
    site.build().ok();
    let atom = site.read("public/atom.xml");
    let doc = roxmltree::Document::parse(&atom).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|e| {
            e.children()
                .find(|n| n.has_tag_name("title"))
                .unwrap()
                .text()
                .unwrap()
        })
        .collect();
    assert_eq!(titles, ["Beta", "Alpha"]);
    assert!(
        atom.contains("<summary>Updated: About Beta.</summary>"),
        "{atom}"
    );
    assert!(
        atom.contains("<summary>New: About Alpha.</summary>"),
        "{atom}"
    );
    assert!(
        atom.contains("<updated>2026-02-01T00:00:00Z</updated>\n<author>"),
        "{atom}"
    );
    let changes = site.read("public/changes/index.html");
    let (b, a) = (
        changes.find("Beta").unwrap(),
        changes.find("Alpha").unwrap(),
    );
    assert!(b < a, "the What's changed page agrees with the feed");
}

/// Titles of the changes listed on a page of "What has changed", in order.
fn listed_changes(html: &str) -> Vec<String> {
    html.split("<li><span class=\"tag\">")
        .skip(1)
        .map(|li| {
            let a = &li[li.find("\">").unwrap() + 2..];
            a[..a.find("</a>").unwrap()].to_string()
        })
        .collect()
}

#[test]
fn what_has_changed_is_split_into_pages_of_fifty() {
    let site = TestSite::new();
    site.write("content/about.md", &page("About", "About this hub."));
    // 120 dated pages, one a day from 1 January 2026: "Day 119" is the newest.
    for k in 0..120u32 {
        let (month, day) = ((k / 28) + 1, (k % 28) + 1);
        site.write(
            &format!("content/day-{k}.md"),
            &page(&format!("Day {k}"), "A short note.").replacen(
                "+++\n",
                &format!("+++\ndate = 2026-{month:02}-{day:02}\n"),
                1,
            ),
        );
    }
    site.build().ok();
    let first = site.read("public/changes/index.html");
    let second = site.read("public/changes/page/2/index.html");
    let third = site.read("public/changes/page/3/index.html");
    assert!(!site.exists("public/changes/page/4/index.html"));
    assert!(!site.exists("public/changes/page/1/index.html"));
    let day = |k: u32| format!("Day {k}");
    assert_eq!(
        listed_changes(&first),
        (70..120).rev().map(day).collect::<Vec<_>>()
    );
    assert_eq!(
        listed_changes(&second),
        (20..70).rev().map(day).collect::<Vec<_>>()
    );
    assert_eq!(
        listed_changes(&third),
        (0..20).rev().map(day).collect::<Vec<_>>()
    );
    // The first page lists what the feed lists.
    let atom = site.read("public/atom.xml");
    assert_eq!(atom.matches("<entry>").count(), 50);
    assert!(atom.contains("<title>Day 70</title>") && !atom.contains("<title>Day 69</title>"));
    // Each page links to the next newer and older ones, and says where it is.
    let pager = |html: &str| {
        html[html.find("<nav class=\"pager\"").unwrap()..]
            .split("</nav>")
            .next()
            .unwrap()
            .to_string()
    };
    let p1 = pager(&first);
    assert!(p1.contains("Page 1 of 3"), "{p1}");
    assert!(
        p1.contains("<a href=\"/changes/page/2/\" rel=\"next\">Older changes</a>"),
        "{p1}"
    );
    assert!(
        p1.contains("<a href=\"/changes/page/3/\">Oldest changes</a>"),
        "{p1}"
    );
    assert!(!p1.contains("rel=\"prev\""), "{p1}");
    let p2 = pager(&second);
    assert!(p2.contains("Page 2 of 3"), "{p2}");
    assert!(
        p2.contains("<a href=\"/changes/\" rel=\"prev\">Newer changes</a>"),
        "{p2}"
    );
    assert!(
        p2.contains("<a href=\"/changes/page/3/\" rel=\"next\">Older changes</a>"),
        "{p2}"
    );
    let p3 = pager(&third);
    assert!(
        p3.contains("<a href=\"/changes/\">Newest changes</a>"),
        "{p3}"
    );
    assert!(
        p3.contains("<a href=\"/changes/page/2/\" rel=\"prev\">"),
        "{p3}"
    );
    assert!(!p3.contains("rel=\"next\""), "{p3}");
    // Every page has its own title and address, and the sitemap lists them.
    assert!(
        second.contains("<title>What has changed (page 2 of 3) - Test Hub</title>"),
        "{second}"
    );
    assert!(
        second
            .contains("<link rel=\"canonical\" href=\"https://hub.example.org/changes/page/2/\">")
    );
    let sitemap = site.read("public/sitemap.xml");
    for u in ["changes/", "changes/page/2/", "changes/page/3/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://hub.example.org/{u}</loc>")),
            "{u}"
        );
    }
    // The link check finds every pager link good.
    site.run(&["check", "--strict"]).ok();

    // A theme's own changes.html without the pager gets a warning that
    // names it, and the build still succeeds.
    site.write(
        "templates/changes.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1><ol>{% for c in changes %}<li>{{ c.title }}</li>{% endfor %}</ol>{% endblock content %}",
    );
    site.build()
        .ok()
        .stderr_has("templates/changes.html")
        .stderr_has("never uses `pager`");
}

#[test]
fn a_large_a_to_z_has_a_page_per_letter() {
    let site = TestSite::new();
    site.write("content/about.md", &page("About", "About this hub."));
    // With the home and about pages, 1,002 entries: over the 1,000 that
    // fit on the search page.
    let words = [
        "Apple",
        "Bath",
        "(Home) visits",
        "\u{c9}clair",
        "24-hour care",
    ];
    for k in 0..1000 {
        let title = format!("{} {k}", words[k % words.len()]);
        site.write(&format!("content/p{k}.md"), &page(&title, "A short note."));
    }
    site.build().ok();
    let search = site.read("public/search/index.html");
    assert!(
        search.len() < 20_000,
        "the search page stays small: {} bytes",
        search.len()
    );
    assert!(
        !search.contains("link-list--described"),
        "no list of entries on the search page"
    );
    assert!(
        search.contains("Choose a letter to see every page"),
        "{search}"
    );
    for (letter, slug) in [
        ("0-9", "0-9"),
        ("A", "a"),
        ("B", "b"),
        ("H", "h"),
        ("\u{c9}", "u00c9"),
    ] {
        assert!(
            search.contains(&format!(
                "<li><a href=\"/search/a-z/{slug}/\">{letter}</a></li>"
            )),
            "{letter}: {search}"
        );
    }
    let h = site.read("public/search/a-z/h/index.html");
    assert!(h.contains("<title>A to Z: H - Test Hub</title>"), "{h}");
    assert!(h.contains("<a href=\"/search/a-z/h/\" aria-current=\"page\">H</a>"));
    assert!(
        h.contains("<li><a href=\"/search/\">Search and A to Z</a></li>"),
        "breadcrumb"
    );
    // Every "(Home) visits" page and the home page, and nothing else.
    let listed = h.matches("<li><a href=\"/p").count();
    assert_eq!(listed, 200, "{h}");
    assert!(h.contains(">Home</a> <span"), "the home page is under H");
    assert!(!h.contains(">Bath "), "{h}");
    let e = site.read("public/search/a-z/u00c9/index.html");
    assert_eq!(e.matches(">\u{c9}clair ").count(), 200);
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://hub.example.org/search/a-z/u00c9/</loc>"));
    // The link check finds every letter's link good.
    site.run(&["check", "--strict"]).ok();

    // A theme's own search.html that never uses az_pages is warned about.
    site.write(
        "templates/search.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{% for g in az %}<h2>{{ g.letter }}</h2>{% endfor %}{% endblock content %}",
    );
    site.build()
        .ok()
        .stderr_has("templates/search.html")
        .stderr_has("never uses `az_pages`");
}

#[test]
fn a_static_robots_txt_replaces_the_generated_one() {
    let site = TestSite::new();
    site.write("static/robots.txt", "User-agent: *\nDisallow: /private/\n");
    let run = site.build();
    run.ok();
    assert_eq!(
        site.read("public/robots.txt"),
        "User-agent: *\nDisallow: /private/\n"
    );
    assert!(!run.stderr.contains("robots"), "{}", run.stderr);
}

#[test]
fn root_relative_markdown_links_follow_a_sub_path() {
    let site = common::TestSite::new();
    site.write(
        "site.toml",
        "title = \"Hub\"\nbase_url = \"https://example.org/hub/\"\n",
    );
    site.write(
        "content/about.md",
        &common::page("About", "[home](/) and [faq](/faq/) and [kept](/hub/faq/)"),
    );
    site.write("content/faq.md", &common::page("FAQ", "Questions."));
    site.build().ok();
    let html = site.read("public/about/index.html");
    assert!(html.contains("href=\"/hub/\">home</a>"), "{html}");
    assert!(html.contains("href=\"/hub/faq/\">faq</a>"), "{html}");
    assert!(html.contains("href=\"/hub/faq/\">kept</a>"), "{html}");
}

#[test]
fn search_finds_words_of_nested_lists_and_around_images() {
    // A nested list starts straight after its outer item's words, and an
    // image's alt text touches the words around it: each is still a word.
    let site = TestSite::new();
    site.write_bytes("static/map.png", b"not really a png");
    site.write(
        "content/help.md",
        &page(
            "Help",
            "- zebra\n  - yak\n\nSee![quokka map](/map.png)wombat here.\n",
        ),
    );
    site.build().ok();
    let idx = index_of(&site.path("public"));
    for word in ["zebra", "yak", "quokka", "map", "wombat"] {
        assert_eq!(
            idx.search(word).first().map(|h| h.path.as_str()),
            Some("help/"),
            "{word}"
        );
    }
    assert!(idx.search("zebrayak").is_empty());
}
