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
    let mut out = Walked::default();
    if !dir.is_dir() {
        return out;
    }
    let root_canon = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_string_lossy().as_ref()));
    for entry in walker {
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
                    (
                        "unreadable",
                        format!("cannot read: {e}"),
                        "check the file exists and is readable",
                    )
                };
                out.diagnostics
                    .push(Diagnostic::file(Severity::Error, code, path, msg).with_hint(hint));
                continue;
            }
        };
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
            .replace('\\', "/");
        out.files.push((entry.path().to_path_buf(), rel));
    }
    out
}

/// Hidden files and editors' backup and swap files, which are never part of the site.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp")
}
