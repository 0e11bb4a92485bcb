//! Write: put the rendered files in a fresh folder beside the target, then
//! swap it into place, so a failed or interrupted build never leaves a
//! half-written site and never deletes a folder carehub did not make.

pub mod portable;
pub mod stream;

use crate::render::Output;
use rayon::prelude::*;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The file carehub puts in every output folder it makes. Only a folder
/// holding it (or an empty one) is ever replaced.
pub const MARKER: &str = ".carehub-output";

/// Why the output could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The target exists, is not empty and was not made by carehub.
    NotOurs(PathBuf),
    /// The target is the site itself or holds its sources.
    HoldsSources(PathBuf),
    /// A file would land outside the output folder.
    UnsafePath(String),
    /// Two outputs want the same path, or one wants a file where another needs a folder.
    Conflict(String, String),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::NotOurs(p) => write!(
                f,
                "refusing to replace {}: it is not empty and was not made by carehub (no {MARKER} file); choose another --output folder or empty it yourself",
                p.display()
            ),
            WriteError::HoldsSources(p) => write!(
                f,
                "refusing to write the site into {}: it is the site folder or holds its sources; choose another --output folder",
                p.display()
            ),
            WriteError::UnsafePath(p) => write!(
                f,
                "refusing to write `{p}`: it would land outside the output folder"
            ),
            WriteError::Conflict(a, b) if a == b => write!(
                f,
                "two files would be written to `{a}`; give one of the pages, aliases or static files another path"
            ),
            WriteError::Conflict(a, b) => write!(
                f,
                "`{a}` would be written as a file, but `{b}` needs a folder of that name; rename one of them (check aliases and static files)"
            ),
            WriteError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

/// Check that `target` may be replaced by a build of the site at `root`.
pub fn check_target(root: &Path, target: &Path) -> Result<(), WriteError> {
    let abs = absolutize(target);
    let root_abs = absolutize(root);
    let content = root_abs.join("content");
    if abs == root_abs
        || root_abs.starts_with(&abs)
        || abs.starts_with(&content)
        || ["templates", "themes", "static"]
            .iter()
            .any(|d| abs.starts_with(root_abs.join(d)))
        || abs.join("site.toml").exists()
    {
        return Err(WriteError::HoldsSources(target.to_path_buf()));
    }
    if abs.exists() {
        if !abs.is_dir() {
            return Err(WriteError::NotOurs(target.to_path_buf()));
        }
        let empty = fs::read_dir(&abs)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !abs.join(MARKER).is_file() {
            return Err(WriteError::NotOurs(target.to_path_buf()));
        }
    }
    Ok(())
}

fn absolutize(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    // Not there yet: canonicalise the parent and add the name.
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => parent
            .canonicalize()
            .unwrap_or_else(|_| parent.to_path_buf())
            .join(name),
        _ => abs,
    }
}

/// Whether a relative output path stays inside the output folder.
pub fn is_safe_output_path(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('/')
        && !p.contains('\\')
        && !p.chars().any(|c| c.is_control())
        && p.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

/// Write every output into a new folder beside `target`, then swap it in.
///
/// The new folder is named `.<target>.carehub-new-<pid>` and carries the
/// marker from the start, so folders left behind by a build that was killed
/// are recognised and removed by the next build.
pub fn write_site(root: &Path, target: &Path, outputs: &[Output]) -> Result<(), WriteError> {
    check_target(root, target)?;
    for o in outputs {
        if !is_safe_output_path(&o.path) {
            return Err(WriteError::UnsafePath(o.path.clone()));
        }
    }
    check_conflicts(outputs)?;
    let staged = stream::Staged::begin(root, target)?;
    outputs.par_iter().try_for_each(|o| staged.write(o))?;
    staged.finish()
}

/// Every output path must be unique, and none may be a folder of another.
fn check_conflicts(outputs: &[Output]) -> Result<(), WriteError> {
    let mut files = std::collections::HashSet::with_capacity(outputs.len());
    for o in outputs {
        if !files.insert(o.path.as_str()) {
            return Err(WriteError::Conflict(o.path.clone(), o.path.clone()));
        }
    }
    let paths: Vec<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    folder_conflict(&paths)
}

/// No output path may be a folder another needs (`about` and
/// `about/index.html`): checked before a streamed build writes anything.
pub fn folder_conflict(paths: &[&str]) -> Result<(), WriteError> {
    let files: std::collections::HashSet<&str> = paths.iter().copied().collect();
    for p in paths {
        for (i, _) in p.match_indices('/') {
            if files.contains(&p[..i]) {
                return Err(WriteError::Conflict(p[..i].to_string(), p.to_string()));
            }
        }
    }
    Ok(())
}

/// Remove work folders (`.<name>.carehub-new-<pid>`, `.<name>.carehub-old-<pid>`)
/// left beside the output by builds that were killed. A folder is removed only
/// if it carries the marker and the build that made it is no longer running.
pub fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let own = std::process::id();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = stale_pid(&file_name.to_string_lossy(), name) else {
            continue;
        };
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if pid == own || !is_dir || !path.join(MARKER).is_file() || still_running(pid, &path) {
            continue;
        }
        let _ = fs::remove_dir_all(&path);
    }
}

/// The process id in a work folder's name, if `file_name` is one of `name`'s.
fn stale_pid(file_name: &str, name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?.strip_prefix(name)?;
    let pid = rest
        .strip_prefix(".carehub-new-")
        .or_else(|| rest.strip_prefix(".carehub-old-"))?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether the build that made a work folder may still be running.
fn still_running(pid: u32, path: &Path) -> bool {
    if cfg!(target_os = "linux") {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    // Elsewhere: a folder untouched for an hour belongs to no running build.
    let age = fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok());
    age.is_none_or(|a| a.as_secs() < 3600)
}

/// Put the finished staging folder in the target's place.
fn swap(stage: &Path, target: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
    if !target.exists() {
        return fs::rename(stage, target).map_err(|e| WriteError::Io(target.to_path_buf(), e));
    }
    // One atomic step where the system has it: the target is never missing.
    if exchange(stage, target).is_ok() {
        // The staging folder now holds the previous output.
        remove_tree(stage);
        return Ok(());
    }
    let old = parent.join(format!(".{name}.carehub-old-{}", std::process::id()));
    if old.exists() {
        let _ = fs::remove_dir_all(&old);
    }
    fs::rename(target, &old).map_err(|e| WriteError::Io(target.to_path_buf(), e))?;
    if let Err(e) = fs::rename(stage, target) {
        // Put the previous output back.
        let _ = fs::rename(&old, target);
        let _ = fs::remove_dir_all(stage);
        return Err(WriteError::Io(target.to_path_buf(), e));
    }
    remove_tree(&old);
    Ok(())
}

/// Remove a previous output once it has been swapped out, its top-level
/// entries on every core: a rebuild over a 10,000-article hub's output
/// spent about a quarter of a second removing it on one.
fn remove_tree(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        // An entry's type is its own, not a link's target's: a link is
        // removed, never what it points to.
        let entries: Vec<(PathBuf, bool)> = entries
            .filter_map(Result::ok)
            .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
            .collect();
        entries.par_iter().for_each(|(p, is_dir)| {
            let _ = if *is_dir {
                fs::remove_dir_all(p)
            } else {
                fs::remove_file(p)
            };
        });
    }
    let _ = fs::remove_dir_all(dir);
}

/// Swap two folders atomically (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole tree goes, nested folders and files alike; a link inside
    /// it goes without what it points to.
    #[test]
    fn remove_tree_removes_everything_and_follows_no_link() {
        let tmp = tempfile::tempdir().unwrap();
        let keep = tmp.path().join("keep");
        fs::create_dir_all(&keep).unwrap();
        fs::write(keep.join("file.txt"), "kept").unwrap();
        let old = tmp.path().join("old");
        for i in 0..20 {
            let d = old.join(format!("s{i}/a/b"));
            fs::create_dir_all(&d).unwrap();
            fs::write(d.join("index.html"), "x").unwrap();
            fs::write(old.join(format!("f{i}.html")), "y").unwrap();
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&keep, old.join("link")).unwrap();
            std::os::unix::fs::symlink(&keep, old.join("s3/link")).unwrap();
        }
        remove_tree(&old);
        assert!(!old.exists());
        assert_eq!(fs::read_to_string(keep.join("file.txt")).unwrap(), "kept");
    }

    #[test]
    fn safe_paths() {
        assert!(is_safe_output_path("a/b/index.html"));
        assert!(!is_safe_output_path("../x"));
        assert!(!is_safe_output_path("/etc/passwd"));
        assert!(!is_safe_output_path("a\\b"));
        assert!(!is_safe_output_path("a//b"));
    }

    #[test]
    fn swaps_and_refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        let out = tmp.path().join("public");
        let o = vec![Output {
            path: "index.html".into(),
            bytes: b"one".to_vec(),
        }];
        write_site(&root, &out, &o).unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        let o2 = vec![Output {
            path: "a/index.html".into(),
            bytes: b"two".to_vec(),
        }];
        write_site(&root, &out, &o2).unwrap();
        assert!(!out.join("index.html").exists());
        let foreign = tmp.path().join("mine");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "keep").unwrap();
        assert!(matches!(
            write_site(&root, &foreign, &o),
            Err(WriteError::NotOurs(_))
        ));
        assert!(matches!(
            write_site(&root, &root.join("content"), &o),
            Err(WriteError::HoldsSources(_))
        ));
        assert!(matches!(
            write_site(&root, &root, &o),
            Err(WriteError::HoldsSources(_))
        ));
        assert_eq!(
            fs::read_to_string(foreign.join("notes.txt")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn stale_work_folders_are_named_for_their_target() {
        assert_eq!(stale_pid(".public.carehub-new-123", "public"), Some(123));
        assert_eq!(stale_pid(".public.carehub-old-7", "public"), Some(7));
        assert_eq!(stale_pid(".public.carehub-new-", "public"), None);
        assert_eq!(stale_pid(".public.carehub-new-12x", "public"), None);
        assert_eq!(stale_pid(".other.carehub-new-1", "public"), None);
        assert_eq!(stale_pid("public", "public"), None);
    }

    #[test]
    fn removes_only_marked_folders_of_finished_builds() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        let out = tmp.path().join("public");
        // A killed build's folder (pid 0 is never a user process), marked.
        let stale = tmp.path().join(".public.carehub-new-0");
        fs::create_dir_all(stale.join("a")).unwrap();
        fs::write(stale.join(MARKER), "").unwrap();
        // Same pattern, but not carehub's: left alone.
        let foreign = tmp.path().join(".public.carehub-old-0");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("keep.txt"), "keep").unwrap();
        let o = vec![Output {
            path: "index.html".into(),
            bytes: b"one".to_vec(),
        }];
        write_site(&root, &out, &o).unwrap();
        write_site(&root, &out, &o).unwrap();
        assert!(!stale.exists());
        assert!(foreign.join("keep.txt").is_file());
        let left: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("carehub-"))
            .collect();
        assert_eq!(left, vec![".public.carehub-old-0".to_string()]);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
    }

    #[test]
    fn conflicting_outputs_are_refused_before_anything_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        let out = tmp.path().join("public");
        let o = |p: &str| Output {
            path: p.into(),
            bytes: Vec::new(),
        };
        let e = write_site(&root, &out, &[o("404.html"), o("404.html/index.html")]).unwrap_err();
        assert!(
            e.to_string().contains(
                "`404.html` would be written as a file, but `404.html/index.html` needs a folder"
            ),
            "{e}"
        );
        let e = write_site(&root, &out, &[o("a/index.html"), o("a/index.html")]).unwrap_err();
        assert!(
            e.to_string()
                .contains("two files would be written to `a/index.html`"),
            "{e}"
        );
        assert!(!out.exists());
        assert!(fs::read_dir(tmp.path()).unwrap().count() == 1);
    }
}
