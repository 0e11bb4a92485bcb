//! Providers, services, conditions and facets link both ways, validation
//! names file:line, and hostile strings stay text.

mod common;
use common::{TestSite, build_example, page, repo_root};
use std::path::Path;

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The example's provider files, parsed.
fn example_providers() -> Vec<(String, toml::Table)> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(repo_root().join("content/providers")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            let t: toml::Table = std::fs::read_to_string(&p).unwrap().parse().unwrap();
            v.push((id, t));
        }
    }
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn strings(t: &toml::Table, key: &str) -> Vec<String> {
    t.get(key)
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn services_and_providers_link_both_ways() {
    let (_tmp, out) = build_example(&[]);
    let providers = example_providers();
    assert!(providers.len() >= 12, "at least 12 example providers");
    for (id, t) in &providers {
        let page = read(&out, &format!("providers/{id}/index.html"));
        assert!(page.contains("Example only"), "{id}: illustrative notice");
        for s in strings(t, "services") {
            let href = format!("href=\"/services/{s}/\"");
            assert!(page.contains(&href), "{id} does not link its service {s}");
            let service = read(&out, &format!("services/{s}/index.html"));
            assert!(
                service.contains(&format!("href=\"/providers/{id}/\"")),
                "service {s} does not list provider {id}"
            );
        }
        for c in strings(t, "conditions") {
            assert!(
                page.contains(&format!("href=\"/conditions/{c}/\"")),
                "{id} -> {c}"
            );
            let cond = read(&out, &format!("conditions/{c}/index.html"));
            assert!(
                cond.contains(&format!("href=\"/providers/{id}/\"")),
                "{c} -> {id}"
            );
        }
        for s in strings(t, "settings") {
            assert!(
                page.contains(&format!("href=\"/settings/{s}/\"")),
                "{id} -> setting {s}"
            );
            let facet = read(&out, &format!("settings/{s}/index.html"));
            assert!(
                facet.contains(&format!("href=\"/providers/{id}/\"")),
                "setting {s} -> {id}"
            );
        }
        let funding = t.get("funding").and_then(|f| f.as_table()).unwrap();
        for f in strings(funding, "types") {
            let facet = read(&out, &format!("funding/{f}/index.html"));
            assert!(
                facet.contains(&format!("href=\"/providers/{id}/\"")),
                "funding {f} -> {id}"
            );
        }
        let referral = t.get("referral").and_then(|f| f.as_table()).unwrap();
        for r in strings(referral, "routes") {
            let facet = read(&out, &format!("referral-routes/{r}/index.html"));
            assert!(
                facet.contains(&format!("href=\"/providers/{id}/\"")),
                "route {r} -> {id}"
            );
        }
        if let Some(cqc) = t.get("cqc").and_then(|c| c.as_table()) {
            let loc = cqc["location_id"].as_str().unwrap();
            assert!(
                page.contains(&format!("https://www.cqc.org.uk/location/{loc}")),
                "{id}: CQC link"
            );
            let word = cqc
                .get("rating")
                .and_then(|r| r.as_str())
                .unwrap_or("Not yet rated");
            let rid = word.to_lowercase().replace(' ', "-");
            assert!(
                page.contains(&format!(">{word}</a>")),
                "{id}: rating in words"
            );
            let facet = read(&out, &format!("ratings/{rid}/index.html"));
            assert!(
                facet.contains(&format!("href=\"/providers/{id}/\"")),
                "rating {rid} -> {id}"
            );
        }
        // Phone numbers become tel: links in E.164.
        if let Some(ph) = t.get("phone").and_then(|p| p.as_str()) {
            let digits: String = ph.chars().filter(|c| c.is_ascii_digit()).collect();
            assert!(
                page.contains(&format!("href=\"tel:+44{}\"", &digits[1..])),
                "{id}: tel link"
            );
        }
    }
}

#[test]
fn every_service_has_three_providers_and_articles_link_back() {
    let (_tmp, out) = build_example(&[]);
    let providers = example_providers();
    let services: Vec<String> = std::fs::read_dir(repo_root().join("content/services"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "_index.md")
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(services.len() >= 10);
    for s in &services {
        let n = providers
            .iter()
            .filter(|(_, t)| strings(t, "services").contains(s))
            .count();
        assert!(n >= 3, "service {s} has only {n} providers");
    }
    // Article -> service ("Services that can help") and service -> article.
    let article = read(&out, "support-for-families-and-carers/index.html");
    assert!(article.contains("Services that can help"));
    assert!(article.contains("href=\"/services/respite-care/\""));
    let service = read(&out, "services/respite-care/index.html");
    assert!(service.contains("href=\"/support-for-families-and-carers/\""));
}

#[test]
fn find_a_service_lists_every_provider_with_postcode_districts() {
    let (_tmp, out) = build_example(&[]);
    let html = read(&out, "find-a-service/index.html");
    for (id, t) in example_providers() {
        assert!(
            html.contains(&format!("href=\"/providers/{id}/\"")),
            "find page lacks {id}"
        );
        let areas = strings(&t, "areas_served").join(" ");
        assert!(
            html.contains(&format!("data-areas=\"{areas}\"")),
            "{id}: areas {areas}"
        );
    }
    assert!(html.contains("href=\"/settings/\"") || html.contains("href=\"/settings/home/\""));
}

const GOOD_PROVIDER: &str = r#"name = "Test Hospice"
kind = "hospice"
services = ["respite-care"]
settings = ["hospice"]
phone = "01632 960 001"
email = "test@example.org"
website = "https://example.org/"
areas_served = ["MK6"]
[address]
lines = ["1 Road"]
town = "Milton Keynes"
postcode = "MK6 1AA"
[referral]
routes = ["gp"]
[funding]
types = ["nhs"]
[cqc]
location_id = "1-123456789"
rating = "Good"
"#;

fn provider_site(provider: &str) -> TestSite {
    let s = TestSite::new();
    s.write(
        "content/services/respite-care.md",
        &page("Respite care", "Breaks for carers."),
    );
    s.write(
        "content/services/hospice-at-home.md",
        &page("Hospice at home", "Care at home."),
    );
    s.write("content/providers/test.toml", provider);
    s
}

#[test]
fn good_provider_builds() {
    let s = provider_site(GOOD_PROVIDER);
    s.build().ok();
    let html = s.read("public/providers/test/index.html");
    assert!(html.contains("01632 960 001"));
}

/// Next-door days with the same hours are one line, two days a pair, and
/// days without hours say "Closed".
#[test]
fn opening_hours_join_next_door_days() {
    let hours = "[opening_hours]\nmonday = \"9am to 5pm\"\ntuesday = \"9am to 5pm\"\n\
                 wednesday = \"9am to 5pm\"\nthursday = \"9am to 1pm\"\nfriday = \"9am to 5pm\"\n\
                 saturday = \"9am to 5pm\"\n";
    let s = provider_site(&format!("{GOOD_PROVIDER}{hours}"));
    s.build().ok();
    let html = s.read("public/providers/test/index.html");
    let start = html.find("<dl class=\"hours\">").expect("an hours list");
    let end = start + html[start..].find("</dl>").unwrap();
    let rows: Vec<&str> = html[start..end]
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(
        rows,
        [
            "<dt>Monday to Wednesday</dt><dd>9am to 5pm</dd>",
            "<dt>Thursday</dt><dd>9am to 1pm</dd>",
            "<dt>Friday and Saturday</dt><dd>9am to 5pm</dd>",
            "<dt>Sunday</dt><dd>Closed</dd>",
        ],
        "{}",
        &html[start..end]
    );
}

#[test]
fn each_validation_failure_names_file_line_and_hint() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "rating = \"Good\"",
            "rating = \"Great\"",
            "content/providers/test.toml:19:10",
            "is not a CQC rating",
        ),
        (
            "postcode = \"MK6 1AA\"",
            "postcode = \"MK6 1A\"",
            "content/providers/test.toml:12:12",
            "is not a UK postcode",
        ),
        (
            "areas_served = [\"MK6\"]",
            "areas_served = [\"mk6 1aa\"]",
            "content/providers/test.toml:8:17",
            "not a postcode district",
        ),
        (
            "phone = \"01632 960 001\"",
            "phone = \"01632 96\"",
            "content/providers/test.toml:5:9",
            "is not a UK phone number",
        ),
        (
            "email = \"test@example.org\"",
            "email = \"test at example\"",
            "content/providers/test.toml:6:9",
            "is not an email address",
        ),
        (
            "website = \"https://example.org/\"",
            "website = \"example.org\"",
            "content/providers/test.toml:7:11",
            "is not a web address",
        ),
        (
            "services = [\"respite-care\"]",
            "services = [\"hospise-at-home\"]",
            "content/providers/test.toml:3:13",
            "did you mean \"hospice-at-home\"?",
        ),
        (
            "settings = [\"hospice\"]",
            "settings = [\"hospis\"]",
            "content/providers/test.toml:4:13",
            "is not a care setting",
        ),
        (
            "kind = \"hospice\"",
            "kind = \"hospital\"",
            "content/providers/test.toml:2:8",
            "is not a provider kind",
        ),
        (
            "location_id = \"1-123456789\"",
            "location_id = \"123\"",
            "content/providers/test.toml:18:15",
            "is not a CQC location id",
        ),
        (
            "routes = [\"gp\"]",
            "routes = [\"doctor\"]",
            "content/providers/test.toml:14:11",
            "is not a referral route",
        ),
    ];
    for (from, to, at, msg) in cases {
        assert!(GOOD_PROVIDER.contains(from), "{from}");
        let s = provider_site(&GOOD_PROVIDER.replace(from, to));
        let run = s.build();
        run.expect_code(1);
        assert!(
            run.stderr.contains(at),
            "{to}: expected {at} in\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(msg),
            "{to}: expected {msg:?} in\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("= help:"), "{to}: hint");
    }
}

#[test]
fn hostile_strings_stay_text_everywhere() {
    let evil = r#"<script>alert(1)</script> \"quoted\" ' </script><img src=x onerror=alert(2)>"#;
    let provider = GOOD_PROVIDER
        .replace("name = \"Test Hospice\"", &format!("name = \"{evil}\"\nsummary = \"{evil}\"\naccessibility = \"{evil}\"\nlanguages = [\"{evil}\"]"))
        .replace("lines = [\"1 Road\"]", &format!("lines = [\"{evil}\"]"));
    let s = provider_site(&provider);
    s.build().ok();
    for entry in walkdir::WalkDir::new(s.path("public")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let shown = entry.path().display();
        assert!(!html.contains("<script>alert"), "{shown}: raw script");
        assert!(!html.contains("<img src=x"), "{shown}: raw img");
        // Every JSON-LD block parses and holds the string as data.
        for block in html.split("<script type=\"application/ld+json\">").skip(1) {
            let json = block.split("</script>").next().unwrap();
            let v: serde_json::Value = serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("{shown}: JSON-LD does not parse: {e}\n{json}"));
            let text = v.to_string();
            if shown.to_string().contains("providers/test") {
                assert!(
                    text.contains("<script>alert(1)"),
                    "{shown}: name kept as data"
                );
            }
        }
    }
    let page = s.read("public/providers/test/index.html");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "escaped on the page"
    );
}
