//! Walking `content/`: every file, in a stable order, with symlinks that
//! leave the site refused and symlink loops reported rather than followed.

use crate::diagnostics::{Diagnostic, Severity};
use std::path::{Path, PathBuf};

/// The files found, as (absolute path, path under the walked folder with `/`).
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<(PathBuf, String)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Walk `dir` (inside `root`). Hidden files and editors' backup files are skipped.
pub fn walk(root: &Path, dir: &Path) -> Walked {
    let mut files = Vec::new();
    let diagnostics = walk_each(root, dir, |path, rel| files.push((path, rel)));
    Walked { files, diagnostics }
}

/// [`walk`], handing each file (absolute path, path under `dir`) to
/// `on_file` as soon as it is found, in the same order, so that a caller
/// can start reading files while the walk goes on. Returns the problems found.
pub fn walk_each(
    root: &Path,
    dir: &Path,
    mut on_file: impl FnMut(PathBuf, String),
) -> Vec<Diagnostic> {
    let mut out = Walked::default();
    if !dir.is_dir() {
        return out.diagnostics;
    }
    let root_canon = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_string_lossy().as_ref()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| super::display_path(root, p))
                    .unwrap_or_else(|| "content".into());
                let (code, msg, hint) = if e.loop_ancestor().is_some() {
                    (
                        "symlink-loop",
                        "this symbolic link points back to a folder that contains it".to_string(),
                        "remove the link; carehub does not follow loops",
                    )
                } else {
                    match e.path().and_then(link_problem) {
                        Some(LinkProblem::Loop) => (
                            "symlink-loop",
                            "this symbolic link is part of a loop of links".to_string(),
                            "remove the link, or point it at a real file",
                        ),
                        Some(LinkProblem::Broken) => (
                            "broken-symlink",
                            "this symbolic link points to a file that does not exist".to_string(),
                            "remove the link, or point it at a real file",
                        ),
                        None => (
                            "unreadable",
                            format!("cannot read: {e}"),
                            "check the file exists and is readable",
                        ),
                    }
                };
                out.diagnostics
                    .push(Diagnostic::file(Severity::Error, code, path, msg).with_hint(hint));
                continue;
            }
        };
        if entry.depth() > 0
            && let Some(why) = bad_name(entry.file_name())
        {
            let what = if entry.file_type().is_dir() {
                "folder"
            } else {
                "file"
            };
            out.diagnostics.push(
                Diagnostic::file(
                    Severity::Error,
                    "bad-file-name",
                    super::display_path(root, entry.path()),
                    format!("this {what} name {why}, which cannot be used in a file or folder name on the web"),
                )
                .with_hint(format!(
                    "rename the {what} using letters, digits and hyphens, e.g. `getting-a-referral.md`"
                )),
            );
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            let inside = entry
                .path()
                .canonicalize()
                .map(|c| c.starts_with(&root_canon))
                .unwrap_or(false);
            if !inside {
                out.diagnostics.push(
                    Diagnostic::file(
                        Severity::Error,
                        "symlink-outside",
                        super::display_path(root, entry.path()),
                        "this symbolic link points outside the site folder",
                    )
                    .with_hint("copy the file into the site instead of linking to it"),
                );
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .into_owned();
        let rel = super::slashed(&rel);
        on_file(entry.path().to_path_buf(), rel);
    }
    out.diagnostics
}

/// Why a file or folder name cannot become part of a URL or an output path.
pub fn bad_name(name: &std::ffi::OsStr) -> Option<&'static str> {
    let Some(name) = name.to_str() else {
        return Some("is not UTF-8 text");
    };
    if name.chars().any(char::is_control) {
        Some("has a control character")
    } else if name.contains('\\') {
        Some("has a backslash")
    } else if name == "." || name == ".." {
        Some("is a dot folder")
    } else if let Some(c) = name
        .chars()
        .find(|c| matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
    {
        Some(match c {
            ':' => "has a `:`",
            '*' => "has a `*`",
            '?' => "has a `?`",
            '"' => "has a `\"`",
            '<' => "has a `<`",
            '>' => "has a `>`",
            _ => "has a `|`",
        })
    } else {
        None
    }
}

enum LinkProblem {
    Loop,
    Broken,
}

/// Follow a symbolic link by hand to say what is wrong with it.
fn link_problem(path: &Path) -> Option<LinkProblem> {
    let mut cur = path.to_path_buf();
    let mut seen: Vec<PathBuf> = Vec::new();
    for _ in 0..64 {
        let meta = std::fs::symlink_metadata(&cur).ok()?;
        if !meta.file_type().is_symlink() {
            return None;
        }
        if seen.contains(&cur) {
            return Some(LinkProblem::Loop);
        }
        seen.push(cur.clone());
        let target = std::fs::read_link(&cur).ok()?;
        let next = cur.parent().map(|p| p.join(&target)).unwrap_or(target);
        if std::fs::symlink_metadata(&next).is_err() {
            return Some(LinkProblem::Broken);
        }
        cur = next;
    }
    Some(LinkProblem::Loop)
}

/// Hidden files and editors' backup and swap files, which are never part of the site.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn bad_names() {
        assert!(bad_name(OsStr::new("getting-a-referral.md")).is_none());
        assert!(bad_name(OsStr::new("café crème.md")).is_none());
        assert!(bad_name(OsStr::new("a..b.md")).is_none());
        assert_eq!(bad_name(OsStr::new("a\\b.md")), Some("has a backslash"));
        assert_eq!(
            bad_name(OsStr::new("a\u{1b}.md")),
            Some("has a control character")
        );
        assert_eq!(bad_name(OsStr::new("what?.md")), Some("has a `?`"));
        assert_eq!(bad_name(OsStr::new("..")), Some("is a dot folder"));
    }

    #[cfg(unix)]
    #[test]
    fn link_problems() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::os::unix::fs::symlink("b", d.join("a")).unwrap();
        std::os::unix::fs::symlink("a", d.join("b")).unwrap();
        std::os::unix::fs::symlink("missing", d.join("c")).unwrap();
        std::fs::write(d.join("real"), "x").unwrap();
        std::os::unix::fs::symlink("real", d.join("ok")).unwrap();
        assert!(matches!(
            link_problem(&d.join("a")),
            Some(LinkProblem::Loop)
        ));
        assert!(matches!(
            link_problem(&d.join("c")),
            Some(LinkProblem::Broken)
        ));
        assert!(link_problem(&d.join("ok")).is_none());
        assert!(link_problem(&d.join("real")).is_none());
    }
}
