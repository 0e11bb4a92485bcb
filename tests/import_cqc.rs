//! `carehub import cqc`, run as a real binary on small sites in temporary
//! folders, with the fictional CQC files in tests/fixtures/cqc.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const OUZEL: &str = r#"name = "Ouzel Valley Hospice (example)"
kind = "hospice"
# comments the editor wrote must survive
summary = "Care and support for people with a life-limiting illness."
illustrative = true
verified = 2026-09-14
services = ["hospice-inpatient-care"]
phone = "01632 960 101"
website = "https://example.org/ouzel-valley-hospice/"

[address]
lines = ["12 Example Lane"]
town = "Milton Keynes"
postcode = "MK6 9ZZ"

[cqc]
location_id = "1-0000000101"
rating = "Good"          # Outstanding | Good | Requires improvement | Inadequate | Not yet rated
rated = 2025-03-18       # TOML date: when the rating was published
safe = "Good"            # the five key questions, optional
effective = "Good"
caring = "Outstanding"
responsive = "Good"
well_led = "Good"
url = "https://www.cqc.org.uk/location/1-0000000101"   # set by the import
"#;

/// OUZEL after importing directory.csv and ratings.csv.
const OUZEL_AFTER: &str = r#"name = "Ouzel Valley Hospice (example)"
kind = "hospice"
# comments the editor wrote must survive
summary = "Care and support for people with a life-limiting illness."
illustrative = true
verified = 2026-09-14
services = ["hospice-inpatient-care"]
phone = "01632 960 101"
website = "https://example.org/ouzel-valley-hospice/"

[address]
lines = ["12 Example Lane"]
town = "Milton Keynes"
postcode = "MK6 9ZZ"

[cqc]
location_id = "1-0000000101"
rating = "Outstanding"   # Outstanding | Good | Requires improvement | Inadequate | Not yet rated
rated = 2026-05-02       # TOML date: when the rating was published
safe = "Good"            # the five key questions, optional
effective = "Outstanding"
caring = "Outstanding"
responsive = "Good"
well_led = "Outstanding"
url = "https://www.cqc.org.uk/location/1-0000000101"   # set by the import
checked = 2026-05-02
"#;

const WILLEN: &str = r#"name = "Willen Park Hospice at Home (example)"
kind = "hospice"

[cqc]
location_id = "1-0000000102"
rating = "Good"
rated = 2025-11-11
safe = "Good"
effective = "Good"
caring = "Good"
responsive = "Good"
well_led = "Good"
checked = 2025-11-11
url = "https://www.cqc.org.uk/location/1-0000000102"
"#;

const KILN: &str = "name = \"Kiln Farm Home Care (example)\"\r\nkind = \"home care\"\r\n\r\n[cqc]\r\nlocation_id = \"1-0000000103\"\r\n";

const OLD: &str = r#"name = "Closed Example Service"

[cqc]
location_id = "1-0000000199"
rating = "Good"
"#;

const NO_CQC: &str = r#"name = "Example Bereavement Group"
kind = "charity"
"#;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cqc")
        .join(name)
}

/// A site with five provider files.
fn site() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let providers = dir.path().join("content/providers");
    fs::create_dir_all(&providers).expect("mkdir");
    fs::write(
        dir.path().join("site.toml"),
        "title = \"Test hub (example)\"\n",
    )
    .expect("write");
    for (name, text) in [
        ("ouzel-valley-hospice.toml", OUZEL),
        ("willen-hospice-at-home.toml", WILLEN),
        ("kiln-farm-home-care.toml", KILN),
        ("closed-example.toml", OLD),
        ("bereavement-group.toml", NO_CQC),
    ] {
        fs::write(providers.join(name), text).expect("write");
    }
    dir
}

/// Every file under `dir` and its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                let bytes = fs::read(&path).expect("read");
                out.insert(path, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, &mut out);
    out
}

fn carehub(site: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carehub"))
        .args(["import", "cqc"])
        .args(args)
        .arg("--root")
        .arg(site)
        .output()
        .expect("run carehub")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn provider(site: &Path, name: &str) -> String {
    fs::read_to_string(site.join("content/providers").join(name)).expect("read provider")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn import_updates_ratings_preserves_formatting_and_reports_changes() {
    let site = site();
    let out = carehub(
        site.path(),
        &[
            s(&fixture("directory.csv")),
            "--ratings",
            s(&fixture("ratings.csv")),
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}\n{}", stderr(&out));

    // The report: per provider, old -> new.
    assert!(text.contains("CQC care directory:"), "{text}");
    assert!(
        text.contains("(7 locations, produced on 01 May 2026)"),
        "{text}"
    );
    assert!(
        text.contains(
            "ouzel-valley-hospice: rating Good -> Outstanding; rated 2025-03-18 -> 2026-05-02; effective Good -> Outstanding; well_led Good -> Outstanding; checked (none) -> 2026-05-02\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("willen-hospice-at-home: no change\n"),
        "{text}"
    );
    assert!(
        text.contains("kiln-farm-home-care: rating (none) -> Requires improvement; rated (none) -> 2026-01-20; safe (none) -> Requires improvement;"),
        "{text}"
    );
    assert!(
        text.contains("warning: closed-example: location 1-0000000199 is not in the CQC directory"),
        "{text}"
    );
    assert!(
        text.contains(
            "4 providers with a CQC location id: 2 updated, 1 unchanged, 1 with warnings."
        ),
        "{text}"
    );
    assert!(text.contains("Wrote 2 provider files."), "{text}");

    // The edited file: comments, key order, alignment and every unrelated
    // byte kept.
    let ouzel = provider(site.path(), "ouzel-valley-hospice.toml");
    assert_eq!(ouzel, OUZEL_AFTER);
    let changed = ["rating ", "rated ", "effective ", "well_led "];
    let kept: Vec<&str> = OUZEL
        .lines()
        .filter(|l| !changed.iter().any(|k| l.starts_with(k)))
        .collect();
    let now: Vec<&str> = ouzel
        .lines()
        .filter(|l| !changed.iter().any(|k| l.starts_with(k)) && !l.starts_with("checked "))
        .collect();
    assert_eq!(
        now, kept,
        "comments and unrelated lines must be byte-identical"
    );

    // A CRLF file stays CRLF and gains keys in [cqc].
    let kiln = provider(site.path(), "kiln-farm-home-care.toml");
    assert!(kiln.starts_with(KILN), "{kiln:?}");
    assert_eq!(kiln.matches('\n').count(), kiln.matches("\r\n").count());
    assert!(
        kiln.contains("rating = \"Requires improvement\"\r\nrated = 2026-01-20\r\n"),
        "{kiln:?}"
    );
    assert!(kiln.contains("url = \"https://www.cqc.org.uk/location/1-0000000103\"\r\n"));

    // Unchanged and skipped files are byte-identical.
    assert_eq!(provider(site.path(), "willen-hospice-at-home.toml"), WILLEN);
    assert_eq!(provider(site.path(), "closed-example.toml"), OLD);
    assert_eq!(provider(site.path(), "bereavement-group.toml"), NO_CQC);

    // No temporary files left behind.
    let names: Vec<_> = fs::read_dir(site.path().join("content/providers"))
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");

    // Running again changes nothing.
    let before = snapshot(site.path());
    let again = carehub(
        site.path(),
        &[
            s(&fixture("directory.csv")),
            "--ratings",
            s(&fixture("ratings.csv")),
        ],
    );
    assert_eq!(again.status.code(), Some(0));
    let text = stdout(&again);
    assert!(text.contains("ouzel-valley-hospice: no change"), "{text}");
    assert!(text.contains("No file needed changing."), "{text}");
    assert_eq!(snapshot(site.path()), before);
}

#[test]
fn dry_run_reports_but_writes_nothing() {
    let site = site();
    let before = snapshot(site.path());
    let out = carehub(
        site.path(),
        &[
            s(&fixture("directory.csv")),
            "--ratings",
            s(&fixture("ratings.csv")),
            "--dry-run",
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("ouzel-valley-hospice: rating Good -> Outstanding;"),
        "{text}"
    );
    assert!(text.contains("2 to update"), "{text}");
    assert!(text.contains("Dry run: no file was changed."), "{text}");
    assert_eq!(snapshot(site.path()), before);
}

#[test]
fn directory_alone_updates_only_url_and_last_check() {
    let site = site();
    let out = carehub(site.path(), &[s(&fixture("directory.csv"))]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains(
            "No ratings file: the care directory carries no ratings, so only url and checked"
        ),
        "{text}"
    );
    assert!(
        text.contains("ouzel-valley-hospice: checked (none) -> 2026-05-02\n"),
        "{text}"
    );
    assert!(
        text.contains("warning: ouzel-valley-hospice: the CQC checked this location on 2026-05-02, after the rating date here (2025-03-18)"),
        "{text}"
    );
    let ouzel = provider(site.path(), "ouzel-valley-hospice.toml");
    assert_eq!(ouzel, format!("{}checked = 2026-05-02\n", OUZEL));
    assert!(provider(site.path(), "kiln-farm-home-care.toml").ends_with(
        "location_id = \"1-0000000103\"\r\nchecked = 2026-01-20\r\nurl = \"https://www.cqc.org.uk/location/1-0000000103\"\r\n"
    ));
}

#[test]
fn ratings_as_published_ods() {
    let site = site();
    let tmp = tempfile::tempdir().expect("temp dir");
    let ods = tmp.path().join("latest_ratings.ods");
    write_ods(&ods, &fixture("ratings.csv"));
    let out = carehub(
        site.path(),
        &[s(&fixture("directory.csv")), "--ratings", s(&ods)],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("sheet \"Locations\""), "{text}");
    assert_eq!(
        provider(site.path(), "ouzel-valley-hospice.toml"),
        OUZEL_AFTER
    );
}

#[test]
fn suggestions_by_postcode_and_service() {
    let site = site();
    let before = snapshot(site.path());

    let out = carehub(
        site.path(),
        &[s(&fixture("directory.csv")), "--suggest", "MK6"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("1 CQC location matching postcode district MK6 not yet in the hub:"),
        "{text}"
    );
    assert!(
        text.contains("Fishermead Hospice Day Centre (example) (MK6 9ZY)"),
        "{text}"
    );
    assert!(text.contains("location id:   1-0000000105"), "{text}");
    assert!(
        text.contains("run by:        Ouzel Valley Hospice Trust (example)"),
        "{text}"
    );
    assert!(
        text.contains("https://www.cqc.org.uk/location/1-0000000105"),
        "{text}"
    );
    assert!(!text.contains("1-0000000101"), "already in the hub: {text}");

    let out = carehub(
        site.path(),
        &[s(&fixture("directory.csv")), "--suggest", "mk"],
    );
    let text = stdout(&out);
    assert!(
        text.contains("3 CQC locations matching postcode area MK"),
        "{text}"
    );
    assert!(
        text.contains("Bradwell Common Nursing Home (example) (MK13 9ZZ)"),
        "{text}"
    );
    assert!(text.contains("Olney Example Surgery (MK46 9ZZ)"), "{text}");
    assert!(!text.contains("Leighton"), "{text}");

    let out = carehub(
        site.path(),
        &[
            s(&fixture("directory.csv")),
            "--suggest",
            "hospice services",
        ],
    );
    let text = stdout(&out);
    assert!(
        text.contains("2 CQC locations matching service \"hospice services\""),
        "{text}"
    );
    assert!(text.contains("Fishermead Hospice Day Centre"), "{text}");
    assert!(
        text.contains("Leighton Example Hospice (LU7 9ZZ)"),
        "{text}"
    );
    assert!(!text.contains("Willen"), "{text}");

    let out = carehub(
        site.path(),
        &[s(&fixture("directory.csv")), "--suggest", "Dentists"],
    );
    assert!(
        stdout(&out)
            .contains("No CQC location matching service \"Dentists\" is missing from the hub.")
    );

    assert_eq!(snapshot(site.path()), before, "suggestions change nothing");
}

/// Runs an import that must fail; checks the exit code, that stderr names
/// `needles`, and that no file changed.
fn refuses(site: &Path, args: &[&str], code: i32, needles: &[&str]) {
    let before = snapshot(site);
    let out = carehub(site, args);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "args {args:?}\nstdout {}\nstderr {err}",
        stdout(&out)
    );
    for needle in needles {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(snapshot(site), before, "files changed after {args:?}");
}

#[test]
fn malformed_directory_files_are_refused_naming_the_line() {
    let site = site();
    let bad = |name: &str| fixture(&format!("bad/{name}"));
    let ratings = fixture("ratings.csv");
    for (file, needles) in [
        (
            "not-cqc.csv",
            vec!["not-cqc.csv:1: this is not the CQC care directory", "hint:"],
        ),
        (
            "no-preamble.csv",
            vec!["no-preamble.csv:1: the CQC preamble is missing"],
        ),
        (
            "missing-column.csv",
            vec!["missing-column.csv:3: the header row has no \"Location URL\" column"],
        ),
        (
            "short-row.csv",
            vec!["short-row.csv:5: this row has 9 fields but the header (line 3) has 15"],
        ),
        (
            "bad-date.csv",
            vec!["bad-date.csv:6: \"31/02/2026\" in column \"Date of latest check\" is not a date"],
        ),
        (
            "bad-id.csv",
            vec![
                "bad-id.csv:5: this row has the location id \"1-00001O2\", which is not a CQC location id",
                "1-123456789",
            ],
        ),
    ] {
        let mut needles = needles;
        needles.push("no provider file was changed");
        refuses(
            site.path(),
            &[s(&bad(file)), "--ratings", s(&ratings)],
            1,
            &needles,
        );
        refuses(site.path(), &[s(&bad(file)), "--dry-run"], 1, &needles);
    }
}

#[test]
fn malformed_ratings_files_are_refused_naming_the_line() {
    let site = site();
    let dir = fixture("directory.csv");
    let bad = |name: &str| fixture(&format!("bad/{name}"));
    refuses(
        site.path(),
        &[s(&dir), "--ratings", s(&bad("ratings-bad-date.csv"))],
        1,
        &["ratings-bad-date.csv:5: \"2026-13-01\" in column \"Publication Date\" is not a date"],
    );
    refuses(
        site.path(),
        &[s(&dir), "--ratings", s(&bad("ratings-unknown-rating.csv"))],
        1,
        &[
            "ratings-unknown-rating.csv:2: \"Very good\" in column \"Latest Rating\" is not a CQC rating",
        ],
    );
    // The files given the wrong way round.
    refuses(
        site.path(),
        &[s(&fixture("ratings.csv"))],
        1,
        &["this looks like the CQC ratings export, not the care directory"],
    );
    refuses(
        site.path(),
        &[s(&dir), "--ratings", s(&dir)],
        1,
        &["this is the CQC care directory, not the ratings export"],
    );
    // A damaged spreadsheet.
    let tmp = tempfile::tempdir().expect("temp dir");
    let broken = tmp.path().join("ratings.ods");
    fs::write(&broken, b"PK\x03\x04 not really a zip").expect("write");
    refuses(
        site.path(),
        &[s(&dir), "--ratings", s(&broken)],
        1,
        &["cannot read this spreadsheet"],
    );
}

#[test]
fn a_broken_provider_file_stops_the_whole_import() {
    let site = site();
    let providers = site.path().join("content/providers");
    fs::write(
        providers.join("zz-broken.toml"),
        "name = \"Broken (example)\"\n[cqc]\nlocation_id = \"1-0000000104\"\nrating = \"Good\n",
    )
    .expect("write");
    refuses(
        site.path(),
        &[
            s(&fixture("directory.csv")),
            "--ratings",
            s(&fixture("ratings.csv")),
        ],
        1,
        &["zz-broken.toml:4:15: this provider file is not valid TOML"],
    );
    fs::write(
        providers.join("zz-broken.toml"),
        "[cqc]\nlocation_id = \"MK6 9ZZ\"\n",
    )
    .expect("write");
    refuses(
        site.path(),
        &[s(&fixture("directory.csv"))],
        1,
        &["zz-broken.toml:2:15: cqc.location_id \"MK6 9ZZ\" is not a CQC location id"],
    );
}

#[test]
fn usage_errors_exit_2() {
    let site = site();
    refuses(
        site.path(),
        &["no-such-file.csv"],
        2,
        &["no-such-file.csv: cannot read the care directory"],
    );
    refuses(
        site.path(),
        &[
            s(&fixture("directory.csv")),
            "--ratings",
            "no-such-ratings.ods",
        ],
        2,
        &["no-such-ratings.ods: cannot read the ratings file"],
    );
    refuses(
        site.path(),
        &[s(&fixture("directory.csv")), "--suggest", "  "],
        2,
        &["empty"],
    );
    refuses(
        site.path(),
        &[s(&fixture("directory.csv")), "--bogus"],
        2,
        &["--bogus"],
    );
    let empty = tempfile::tempdir().expect("temp dir");
    refuses(
        empty.path(),
        &[s(&fixture("directory.csv"))],
        2,
        &["site.toml"],
    );
}

/// Writes the rows of a ratings CSV as an ODS spreadsheet like the CQC's:
/// a notes sheet first, then "Locations" with a title row above the header
/// and real date cells.
fn write_ods(path: &Path, csv_path: &Path) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(csv_path)
        .expect("csv");
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect();
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let date_col = rows[0]
        .iter()
        .position(|h| h == "Publication Date")
        .expect("date column");
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    xml.push_str(r#"<table:table table:name="Notes"><table:table-row><table:table-cell office:value-type="string"><text:p>Fictional ratings for tests</text:p></table:table-cell></table:table-row></table:table>"#);
    xml.push_str(r#"<table:table table:name="Locations"><table:table-row><table:table-cell office:value-type="string"><text:p>Latest ratings (example)</text:p></table:table-cell></table:table-row>"#);
    for (i, row) in rows.iter().enumerate() {
        xml.push_str("<table:table-row>");
        for (j, cell) in row.iter().enumerate() {
            if i > 0 && j == date_col {
                let parts: Vec<&str> = cell.split('/').collect();
                let iso = format!("{}-{}-{}", parts[2], parts[1], parts[0]);
                xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="date" office:date-value="{iso}"><text:p>{}</text:p></table:table-cell>"#,
                    esc(cell)
                ));
            } else {
                xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                    esc(cell)
                ));
            }
        }
        xml.push_str("</table:table-row>");
    }
    xml.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

    let file = fs::File::create(path).expect("create ods");
    let mut zip = zip::ZipWriter::new(file);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("zip");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("zip");
    zip.start_file("META-INF/manifest.xml", stored)
        .expect("zip");
    zip.write_all(manifest.as_bytes()).expect("zip");
    zip.start_file("content.xml", stored).expect("zip");
    zip.write_all(xml.as_bytes()).expect("zip");
    zip.finish().expect("zip");
}

/// Cut and corrupted inputs give an error or a report, never a panic, and
/// an error never changes a file.
#[test]
fn damaged_inputs_never_panic_or_half_import() {
    use carehub::import::{CqcImportOptions, import_cqc};

    let site = site();
    let tmp = tempfile::tempdir().expect("temp dir");
    let ods = tmp.path().join("ratings.ods");
    write_ods(&ods, &fixture("ratings.csv"));
    let inputs = [
        (
            "directory.csv",
            fs::read(fixture("directory.csv")).expect("read"),
            false,
        ),
        (
            "ratings.csv",
            fs::read(fixture("ratings.csv")).expect("read"),
            true,
        ),
        ("ratings.ods", fs::read(&ods).expect("read"), true),
    ];
    // A small deterministic generator, so failures can be replayed.
    let mut seed: u64 = 0x5eed_cafe;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let before = snapshot(site.path());
    for (name, bytes, is_ratings) in &inputs {
        let damaged_path = tmp.path().join(format!("damaged-{name}"));
        for round in 0..60 {
            let mut damaged = bytes.clone();
            if round % 2 == 0 {
                damaged.truncate(next() % bytes.len());
            } else {
                for _ in 0..(1 + next() % 4) {
                    let at = next() % damaged.len();
                    damaged[at] = [b',', b'"', b'\n', b'\r', 0xff, b'/', b'x', 0][next() % 8];
                }
            }
            fs::write(&damaged_path, &damaged).expect("write");
            let opts = CqcImportOptions {
                root: site.path().to_path_buf(),
                directory: if *is_ratings {
                    fixture("directory.csv")
                } else {
                    damaged_path.clone()
                },
                ratings: is_ratings.then(|| damaged_path.clone()),
                dry_run: false,
                suggest: None,
            };
            if import_cqc(&opts).is_err() {
                assert_eq!(
                    snapshot(site.path()),
                    before,
                    "{name} round {round} changed files"
                );
            } else {
                // A damage that still parses may update files; start again.
                for (path, bytes) in &before {
                    fs::write(path, bytes).expect("restore");
                }
            }
        }
    }
}

#[test]
fn an_older_ratings_file_never_overwrites_a_newer_rating() {
    let site = site();
    let path = site
        .path()
        .join("content/providers/ouzel-valley-hospice.toml");
    let newer = OUZEL.replace("rated = 2025-03-18", "rated = 2026-06-01");
    fs::write(&path, &newer).expect("write");
    let out = carehub(
        site.path(),
        &[
            s(&fixture("directory.csv")),
            "--ratings",
            s(&fixture("ratings.csv")),
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("warning: ouzel-valley-hospice: the ratings file's rating for location 1-0000000101 was published on 2026-05-02, before the one here (2026-06-01)"),
        "{text}"
    );
    assert!(
        text.contains("ouzel-valley-hospice: checked (none) -> 2026-05-02\n"),
        "{text}"
    );
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        format!("{newer}checked = 2026-05-02\n")
    );
}
