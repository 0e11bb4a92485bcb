//! The example Milton Keynes hub builds, and every article the core issue
//! asks for is there with its title, review dates, sources and care cards.

mod common;
use common::build_example;

fn read(out: &std::path::Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn every_core_article_is_present_with_review_dates_and_sources() {
    let (_tmp, out) = build_example(&[]);
    let articles = [
        ("what-is-palliative-care", "palliative care"),
        ("misconceptions", "misconceptions"),
        ("services-in-milton-keynes", "Milton Keynes"),
        ("care-quality-commission", "Care Quality Commission"),
        ("benefits-of-palliative-care", "benefits"),
        ("accessing-care", "care"),
        ("integrated-care", "care"),
        ("support-for-families-and-carers", "carers"),
        ("future-of-palliative-care", "future"),
        ("faq", "questions"),
    ];
    for (slug, word) in articles {
        let html = read(&out, &format!("{slug}/index.html"));
        let h1 = html
            .split("<h1")
            .nth(1)
            .and_then(|s| s.split("</h1>").next())
            .unwrap_or_else(|| panic!("{slug}: no h1"));
        assert!(
            h1.to_lowercase().contains(&word.to_lowercase()),
            "{slug}: h1 {h1:?} lacks {word:?}"
        );
        assert_eq!(html.matches("<h1").count(), 1, "{slug}: one h1");
        assert!(
            html.contains("Page last reviewed:"),
            "{slug}: last reviewed"
        );
        assert!(html.contains("Next review due:"), "{slug}: next review");
        assert!(html.contains("class=\"sources\""), "{slug}: sources list");
        assert!(html.contains("<html lang=\"en-GB\""), "{slug}: lang");
        assert!(!html.contains("@/"), "{slug}: unresolved internal link");
    }
    // Care cards from GFM alerts appear on the pages that use them.
    let cards = [
        "care-card--non-urgent",
        "care-card--urgent",
        "care-card--emergency",
    ];
    let all: String = articles
        .iter()
        .map(|(s, _)| read(&out, &format!("{s}/index.html")))
        .collect();
    for c in cards {
        assert!(all.contains(c), "no {c} anywhere in the articles");
    }
    // The home page, with the urgent-help banner.
    let home = read(&out, "index.html");
    assert!(home.contains("999"), "urgent banner on the home page");
    assert!(home.contains("Palliative care in Milton Keynes"));
}

#[test]
fn faq_has_at_least_twelve_questions_as_details() {
    let (_tmp, out) = build_example(&[]);
    let html = read(&out, "faq/index.html");
    let n = html.matches("<details").count();
    assert!(n >= 12, "FAQ has {n} questions");
    assert!(html.contains("FAQPage"), "FAQPage JSON-LD");
}

#[test]
fn output_has_no_third_party_requests() {
    let (_tmp, out) = build_example(&[]);
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            for attr in [
                "src=\"http",
                "src=\"//",
                "<link rel=\"stylesheet\" href=\"http",
            ] {
                assert!(
                    !html.contains(attr),
                    "{}: third-party request {attr}",
                    entry.path().display()
                );
            }
        }
    }
}
