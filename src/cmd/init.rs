//! `carehub init DIR`: a new hub, ready to build: site.toml, a home page,
//! three starter articles (one about the site), a services section with one
//! service, a conditions section with one condition, one (made-up) provider,
//! and a copy of the default theme to edit. Review dates start
//! from today. Never overwrites a file.

use crate::model::Date;
use crate::render::theme;
use std::borrow::Cow;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Options of `carehub init`.
#[derive(Debug, Clone)]
pub struct InitArgs {
    pub dir: PathBuf,
    /// Add the starter files to a folder that is not empty (existing files are kept).
    pub force: bool,
}

/// How many months after today the starter pages are due for review.
const FIRST_REVIEW_MONTHS: u32 = 12;

/// The starter site: path in the new site and text, with `{{today}}` and
/// `{{next_review}}` standing for dates.
const STARTER: &[(&str, &str)] = &[
    ("site.toml", include_str!("init/starter/site.toml")),
    (".gitignore", include_str!("init/starter/gitignore")),
    (
        "content/_index.md",
        include_str!("init/starter/content/_index.md"),
    ),
    (
        "content/what-is-palliative-care.md",
        include_str!("init/starter/content/what-is-palliative-care.md"),
    ),
    (
        "content/getting-help.md",
        include_str!("init/starter/content/getting-help.md"),
    ),
    (
        "content/about.md",
        include_str!("init/starter/content/about.md"),
    ),
    (
        "content/conditions/_index.md",
        include_str!("init/starter/content/conditions/_index.md"),
    ),
    (
        "content/conditions/heart-failure.md",
        include_str!("init/starter/content/conditions/heart-failure.md"),
    ),
    (
        "content/services/_index.md",
        include_str!("init/starter/content/services/_index.md"),
    ),
    (
        "content/services/hospice-at-home.md",
        include_str!("init/starter/content/services/hospice-at-home.md"),
    ),
    (
        "content/providers/example-hospice.toml",
        include_str!("init/starter/content/providers/example-hospice.toml"),
    ),
];

/// Every file of a new site as (path, contents), dated from `today`.
pub fn starter_files(today: Date) -> Vec<(String, Cow<'static, [u8]>)> {
    let next = today.add_months(FIRST_REVIEW_MONTHS);
    let mut files: Vec<(String, Cow<'static, [u8]>)> = STARTER
        .iter()
        .map(|(rel, text)| {
            let t = text
                .replace("{{today}}", &today.iso())
                .replace("{{next_review}}", &next.iso());
            (rel.to_string(), Cow::Owned(t.into_bytes()))
        })
        .collect();
    for (rel, bytes) in theme::default_theme_files() {
        files.push((format!("themes/default/{rel}"), Cow::Borrowed(bytes)));
    }
    files
}

/// Make the site; returns the exit code (2 when the folder is not empty
/// and `--force` was not given, 1 when a file cannot be written).
pub fn run(args: &InitArgs) -> i32 {
    let dir = &args.dir;
    if dir.exists() && !dir.is_dir() {
        eprintln!(
            "error: {} exists and is not a folder\n  = help: choose a new folder name",
            dir.display()
        );
        return 2;
    }
    let non_empty = fs::read_dir(dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if non_empty && !args.force {
        eprintln!(
            "error: {} is not empty\n  = help: choose a new or empty folder, or add --force to add the starter files (carehub never overwrites a file that is already there)",
            dir.display()
        );
        return 2;
    }
    let mut written = 0usize;
    let mut kept = Vec::new();
    for (rel, bytes) in starter_files(Date::today()) {
        match write_new(&dir.join(&rel), &bytes) {
            Ok(true) => written += 1,
            Ok(false) => kept.push(rel),
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", dir.join(&rel).display());
                return 1;
            }
        }
    }
    if kept.is_empty() {
        println!("Created a new hub in {} ({written} files).", dir.display());
    } else {
        let mut list = kept[..kept.len().min(5)].join(", ");
        if kept.len() > 5 {
            list.push_str(&format!(" and {} more", kept.len() - 5));
        }
        println!(
            "Added {written} starter files to {}. Kept {} file{} that {} already there: {list}",
            dir.display(),
            kept.len(),
            if kept.len() == 1 { "" } else { "s" },
            if kept.len() == 1 { "was" } else { "were" },
        );
    }
    println!(
        "Next: edit site.toml (title, base_url, contact), then run\n  cd {}\n  carehub serve\nto preview it as you write. themes/default/ is a copy of the default theme for you to change.",
        shown(dir)
    );
    0
}

fn shown(dir: &Path) -> String {
    let s = dir.display().to_string();
    if s.contains(' ') {
        format!("\"{s}\"")
    } else {
        s
    }
}

/// Write a file that must not exist yet. `Ok(false)` if it already does.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut f) => {
            f.write_all(bytes)?;
            Ok(true)
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_is_dated_and_has_the_theme() {
        let today = Date::ymd(2026, 11, 22).unwrap();
        let files = starter_files(today);
        let get = |rel: &str| {
            files
                .iter()
                .find(|(r, _)| r == rel)
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_else(|| panic!("{rel} missing"))
        };
        let art = get("content/what-is-palliative-care.md");
        assert!(art.contains("last_reviewed = 2026-11-22"));
        assert!(art.contains("next_review = 2027-11-22"));
        for (rel, b) in &files {
            let t = String::from_utf8_lossy(b);
            assert!(
                !t.contains("{{today}}") && !t.contains("{{next_review}}"),
                "{rel} has a date left to fill in"
            );
        }
        assert!(
            files
                .iter()
                .any(|(r, _)| r == "themes/default/templates/base.html")
        );
        assert!(get("content/providers/example-hospice.toml").contains("illustrative = true"));
    }

    #[test]
    fn never_overwrites() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("a/b.txt");
        assert!(write_new(&p, b"one").unwrap());
        assert!(!write_new(&p, b"two").unwrap());
        assert_eq!(fs::read(&p).unwrap(), b"one");
    }
}
