//! `carehub init` and `carehub new`, run as the real binary.

mod common;

use common::Run;
use std::path::Path;
use std::process::Command;

fn carehub(args: &[&str], cwd: &Path) -> Run {
    Command::new(env!("CARGO_BIN_EXE_carehub"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run carehub")
        .into()
}

fn today() -> String {
    carehub::model::Date::today().iso()
}

#[test]
fn init_makes_a_site_that_builds_and_checks_clean() {
    let t = tempfile::tempdir().expect("tempdir");
    carehub(&["init", "hub"], t.path())
        .ok()
        .stdout_has("Created a new hub in hub")
        .stdout_has("carehub serve");
    let hub = t.path().join("hub");
    for f in [
        "site.toml",
        "content/_index.md",
        "content/services/hospice-at-home.md",
        "content/conditions/heart-failure.md",
        "content/providers/example-hospice.toml",
        "themes/default/templates/base.html",
        "themes/default/i18n/en-GB.toml",
    ] {
        assert!(hub.join(f).is_file(), "{f} missing");
    }
    let art = std::fs::read_to_string(hub.join("content/what-is-palliative-care.md")).unwrap();
    assert!(art.contains(&format!("last_reviewed = {}", today())));

    let run = carehub(&["build", "--root", "hub"], t.path());
    run.ok();
    // The starter content itself passes every check (the theme may still
    // point at pages a new hub has yet to write).
    assert!(
        !run.stderr.contains("content/") && !run.stderr.contains("site.toml"),
        "warnings about the starter content:\n{}",
        run.stderr
    );
    for f in [
        "index.html",
        "what-is-palliative-care/index.html",
        "getting-help/index.html",
        "services/hospice-at-home/index.html",
        "providers/example-hospice/index.html",
    ] {
        assert!(hub.join("public").join(f).is_file(), "{f} not built");
    }
    let provider =
        std::fs::read_to_string(hub.join("public/providers/example-hospice/index.html")).unwrap();
    assert!(provider.contains("Example Hospice"));
    let run = carehub(&["check", "--root", "hub"], t.path());
    run.ok();
    assert!(!run.stderr.contains("content/"), "{}", run.stderr);
}

#[test]
fn init_refuses_a_folder_with_files_and_never_overwrites() {
    let t = tempfile::tempdir().expect("tempdir");
    let hub = t.path().join("hub");
    std::fs::create_dir_all(&hub).unwrap();
    std::fs::write(hub.join("notes.txt"), "mine").unwrap();
    carehub(&["init", "hub"], t.path())
        .expect_code(2)
        .stderr_has("is not empty")
        .stderr_has("--force");
    assert!(!hub.join("site.toml").exists());

    std::fs::write(
        hub.join("site.toml"),
        "title = \"Mine\"\nbase_url = \"https://mine.example.org/\"\n",
    )
    .unwrap();
    carehub(&["init", "hub", "--force"], t.path())
        .ok()
        .stdout_has("Kept 1 file")
        .stdout_has("site.toml");
    assert_eq!(
        std::fs::read_to_string(hub.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(
        std::fs::read_to_string(hub.join("site.toml"))
            .unwrap()
            .contains("Mine")
    );
    assert!(hub.join("content/getting-help.md").is_file());
    // A file (not a folder) is refused too.
    std::fs::write(t.path().join("afile"), "x").unwrap();
    carehub(&["init", "afile", "--force"], t.path()).expect_code(2);
}

#[test]
fn new_writes_each_kind_once() {
    let t = tempfile::tempdir().expect("tempdir");
    carehub(&["init", "hub"], t.path()).ok();
    let hub = t.path().join("hub");

    carehub(&["new", "article", "Caring for someone at home"], &hub)
        .ok()
        .stdout_has("content/caring-for-someone-at-home.md");
    let text = std::fs::read_to_string(hub.join("content/caring-for-someone-at-home.md")).unwrap();
    assert!(text.contains("title = \"Caring for someone at home\""));
    assert!(text.contains(&format!("last_reviewed = {}", today())));
    // next_review follows the site's policy (36 months in the starter site.toml).
    let next = carehub::model::Date::today().add_months(36).iso();
    assert!(text.contains(&format!("next_review = {next}")), "{text}");
    for field in [
        "description",
        "reviewed_by",
        "services",
        "conditions",
        "providers",
        "draft",
        "weight",
        "aliases",
        "[[sources]]",
        "faq",
        "[extra]",
    ] {
        assert!(text.contains(field), "{field} missing");
    }

    // Never twice.
    std::fs::write(hub.join("content/caring-for-someone-at-home.md"), "edited").unwrap();
    carehub(&["new", "article", "Caring for someone at home"], &hub)
        .expect_code(2)
        .stderr_has("already exists");
    assert_eq!(
        std::fs::read_to_string(hub.join("content/caring-for-someone-at-home.md")).unwrap(),
        "edited"
    );
    std::fs::remove_file(hub.join("content/caring-for-someone-at-home.md")).unwrap();

    carehub(&["new", "service", "Day services"], &hub)
        .ok()
        .stdout_has("content/services/day-services.md");
    carehub(&["new", "provider", "Willow Hospice"], &hub)
        .ok()
        .stdout_has("content/providers/willow-hospice.toml");
    carehub(&["new", "provider", "Willow Hospice"], &hub).expect_code(2);
    carehub(&["new", "article", "Another page"], &hub).ok();

    // What new writes builds, drafts included.
    carehub(&["build", "--drafts"], &hub).ok();
    assert!(
        hub.join("public/services/day-services/index.html")
            .is_file()
    );
    assert!(
        hub.join("public/providers/willow-hospice/index.html")
            .is_file()
    );
    assert!(hub.join("public/another-page/index.html").is_file());
    // Without --drafts the new article and service stay out.
    carehub(&["build"], &hub).ok();
    assert!(!hub.join("public/another-page/index.html").exists());

    // Outside a site, new says how to make one.
    carehub(&["new", "article", "X"], t.path())
        .expect_code(2)
        .stderr_has("carehub init");
}
