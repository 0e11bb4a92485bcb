//! `carehub new article|provider|service "Title"`: a new file with every
//! field present and explained, dated today, with the next review due as
//! the site's review policy allows. Never overwrites a file.

use crate::load;
use crate::model::Date;
use crate::resolve::slug::slugify;
use std::io::{ErrorKind, Write};
use std::path::PathBuf;

/// What to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewKind {
    /// content/<slug>.md
    Article,
    /// content/providers/<slug>.toml
    Provider,
    /// content/services/<slug>.md
    Service,
}

/// Options of `carehub new`.
#[derive(Debug, Clone)]
pub struct NewArgs {
    pub root: PathBuf,
    pub kind: NewKind,
    pub title: String,
}

const ARTICLE: &str = include_str!("new/article.md");
const SERVICE: &str = include_str!("new/service.md");
const PROVIDER: &str = include_str!("new/provider.toml");

/// The file for `kind` and `title`: its path under the site root and its text.
/// `None` when the title gives no file name (no letters or digits).
pub fn file_for(
    kind: NewKind,
    title: &str,
    today: Date,
    max_months: u32,
) -> Option<(String, String)> {
    let slug = slugify(title);
    if slug.is_empty() {
        return None;
    }
    let (path, template) = match kind {
        NewKind::Article => (format!("content/{slug}.md"), ARTICLE),
        NewKind::Service => (format!("content/services/{slug}.md"), SERVICE),
        NewKind::Provider => (format!("content/providers/{slug}.toml"), PROVIDER),
    };
    let quoted = toml::Value::String(title.trim().to_string()).to_string();
    let text = template
        .replace("{{title}}", &quoted)
        .replace("{{slug}}", &slug)
        .replace("{{kind}}", guess_kind(title))
        .replace("{{max_months}}", &max_months.to_string())
        .replace("{{today}}", &today.iso())
        .replace("{{next_review}}", &today.add_months(max_months).iso());
    Some((path, text))
}

/// A provider kind from words in its name ("Willow Hospice" -> hospice).
fn guess_kind(name: &str) -> &'static str {
    let n = name.to_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| n.contains(x));
    if has(&["hospice"]) {
        "hospice"
    } else if has(&["care home", "nursing home", "residential"]) {
        "care-home"
    } else if has(&[
        "surgery",
        "medical centre",
        "health centre",
        "practice",
        "gp ",
    ]) {
        "gp-service"
    } else if has(&["hospital"]) {
        "hospital-team"
    } else if has(&["home care", "homecare", "domiciliary"]) {
        "home-care"
    } else if has(&["community", "district nurs", "team"]) {
        "community-team"
    } else {
        "charity"
    }
}

/// Write the new file; returns the exit code (1 if the site settings
/// cannot be read or the file cannot be written, 2 if the file exists or
/// the title gives no file name).
pub fn run(args: &NewArgs) -> i32 {
    let max_months = match load::load_config(&args.root) {
        Ok((cfg, _)) => cfg.review.max_months,
        Err(ds) => {
            super::print_diagnostics(&ds);
            eprintln!(
                "error: site.toml has errors; fix them first (the review policy comes from it)"
            );
            return 1;
        }
    };
    let Some((rel, text)) = file_for(args.kind, &args.title, Date::today(), max_months) else {
        eprintln!(
            "error: \"{}\" has no letters or digits to make a file name from\n  = help: give a title such as \"Respite care\"",
            args.title
        );
        return 2;
    };
    let path = args.root.join(&rel);
    if let Some(parent) = path.parent()
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        eprintln!("error: cannot make {}: {e}", parent.display());
        return 1;
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    match file.and_then(|mut f| f.write_all(text.as_bytes())) {
        Ok(()) => {
            if args.root == std::path::Path::new(".") {
                println!("{rel}");
            } else {
                println!("{}", path.display());
            }
            match args.kind {
                NewKind::Article | NewKind::Service => eprintln!(
                    "Wrote {rel}. It is a draft: preview it with `carehub serve --drafts`, and set draft = false when it is ready to publish."
                ),
                NewKind::Provider => {
                    eprintln!("Wrote {rel}. Check its kind, then fill in the details you know.")
                }
            }
            0
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            eprintln!(
                "error: {rel} already exists; carehub does not overwrite it\n  = help: edit that file, or choose a different title"
            );
            2
        }
        Err(e) => {
            eprintln!("error: cannot write {rel}: {e}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::ymd(2026, 11, 22).unwrap()
    }

    #[test]
    fn paths_dates_and_escaped_titles() {
        let (p, t) = file_for(NewKind::Article, "Caring \"at\" home", today(), 36).unwrap();
        assert_eq!(p, "content/caring-at-home.md");
        assert!(
            t.contains("title = 'Caring \"at\" home'")
                || t.contains("title = \"Caring \\\"at\\\" home\"")
        );
        assert!(t.contains("last_reviewed = 2026-11-22"));
        assert!(t.contains("next_review = 2029-11-22"));
        assert!(!t.contains("{{"));
        let (p, _) = file_for(NewKind::Service, "Day services", today(), 24).unwrap();
        assert_eq!(p, "content/services/day-services.md");
        let (p, t) = file_for(NewKind::Provider, "Willow Hospice", today(), 24).unwrap();
        assert_eq!(p, "content/providers/willow-hospice.toml");
        assert!(t.contains("kind = \"hospice\""));
        assert!(file_for(NewKind::Article, "???", today(), 36).is_none());
    }

    /// Every template parses into the content model as it is written.
    #[test]
    fn templates_parse() {
        use crate::diagnostics::SourceFile;
        for kind in [NewKind::Article, NewKind::Service] {
            let (p, t) = file_for(kind, "A title", today(), 36).unwrap();
            let rel = p.trim_start_matches("content/");
            let mut ds = Vec::new();
            let page = load::parse_page(SourceFile::new(p.clone(), t), rel, &mut ds);
            assert!(ds.is_empty(), "{p}: {ds:?}");
            assert!(page.unwrap().fm.draft);
        }
        let (p, t) = file_for(NewKind::Provider, "Brook Team", today(), 36).unwrap();
        let mut ds = Vec::new();
        let pr = load::parse_provider(
            SourceFile::new(p.clone(), t),
            "providers/brook-team.toml",
            &mut ds,
        );
        assert!(ds.is_empty(), "{ds:?}");
        assert_eq!(pr.unwrap().data.kind.unwrap().get_ref(), "community-team");
    }
}
