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
pub fn write_site(root: &Path, target: &Path, outputs: &[Output]) -> Result<(), WriteError> {
    check_target(root, target)?;
    for o in outputs {
        if !is_safe_output_path(&o.path) {
            return Err(WriteError::UnsafePath(o.path.clone()));
        }
    }
    let target_abs = absolutize(target);
    let parent = target_abs
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    fs::create_dir_all(&parent).map_err(|e| WriteError::Io(parent.clone(), e))?;
    let name = target_abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let stage = parent.join(format!(".{name}.carehub-new-{}", std::process::id()));
    if stage.exists() {
        fs::remove_dir_all(&stage).map_err(|e| WriteError::Io(stage.clone(), e))?;
    }
    let res = fill(&stage, outputs);
    if let Err(e) = res {
        let _ = fs::remove_dir_all(&stage);
        return Err(e);
    }
    swap(&stage, &target_abs, &parent, &name)
}

fn fill(stage: &Path, outputs: &[Output]) -> Result<(), WriteError> {
    fs::create_dir_all(stage).map_err(|e| WriteError::Io(stage.to_path_buf(), e))?;
    let mut dirs: Vec<PathBuf> = outputs
        .iter()
        .filter_map(|o| Path::new(&o.path).parent().map(|p| stage.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d).map_err(|e| WriteError::Io(d.clone(), e))?;
    }
    outputs.par_iter().try_for_each(|o| {
        let p = stage.join(&o.path);
        fs::write(&p, &o.bytes).map_err(|e| WriteError::Io(p, e))
    })?;
    let marker = stage.join(MARKER);
    fs::write(
        &marker,
        "This folder was made by carehub build; carehub replaces it on the next build.\n",
    )
    .map_err(|e| WriteError::Io(marker, e))
}

fn swap(stage: &Path, target: &Path, parent: &Path, name: &str) -> Result<(), WriteError> {
    if !target.exists() {
        return fs::rename(stage, target).map_err(|e| WriteError::Io(target.to_path_buf(), e));
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
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
