//! Writing while rendering: [`Staged`] is an output sink that writes each
//! file into the staging folder as soon as it is made, so a build never
//! holds the whole site in memory. The staging folder is swapped into place
//! by [`Staged::finish`] only when the build succeeded; otherwise it is
//! removed and the previous output stays untouched.

use super::{
    MARKER, WriteError, absolutize, check_target, is_safe_output_path, remove_stale, swap,
};
use crate::check::FastSet;
use crate::render::{Output, OutputSink};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A staging folder beside the target, filled as files arrive.
pub struct Staged {
    stage: PathBuf,
    target: PathBuf,
    parent: PathBuf,
    name: String,
    /// Folders already made inside the stage, by output path.
    dirs: Mutex<FastSet<String>>,
    /// The first write error; later files are skipped.
    error: Mutex<Option<WriteError>>,
    finished: bool,
}

impl Staged {
    /// Check that `target` may be replaced by a build of the site at `root`
    /// and make an empty staging folder beside it.
    pub fn begin(root: &Path, target: &Path) -> Result<Staged, WriteError> {
        check_target(root, target)?;
        let target = absolutize(target);
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        fs::create_dir_all(&parent).map_err(|e| WriteError::Io(parent.clone(), e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        remove_stale(&parent, &name);
        let stage = parent.join(format!(".{name}.carehub-new-{}", std::process::id()));
        if stage.exists() {
            fs::remove_dir_all(&stage).map_err(|e| WriteError::Io(stage.clone(), e))?;
        }
        fs::create_dir_all(&stage).map_err(|e| WriteError::Io(stage.clone(), e))?;
        // The marker goes in first: it tells a later build that this folder
        // is carehub's, should this build be killed before it finishes.
        let marker = stage.join(MARKER);
        fs::write(
            &marker,
            "This folder was made by carehub build; carehub replaces it on the next build.\n",
        )
        .map_err(|e| WriteError::Io(marker, e))?;
        Ok(Staged {
            stage,
            target,
            parent,
            name,
            dirs: Mutex::new(FastSet::default()),
            error: Mutex::new(None),
            finished: false,
        })
    }

    fn fail(&self, e: WriteError) {
        let mut slot = self.error.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(e);
        }
    }

    fn failed(&self) -> bool {
        self.error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Write one file into the staging folder.
    pub(super) fn write(&self, o: &Output) -> Result<(), WriteError> {
        if !is_safe_output_path(&o.path) {
            return Err(WriteError::UnsafePath(o.path.clone()));
        }
        // Folders by their output path (`a/b` for `a/b/index.html`): a
        // string hashed quickly, not a path hashed part by part.
        if let Some((dir, _)) = o.path.rsplit_once('/') {
            let known = self
                .dirs
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(dir);
            if !known {
                let abs = self.stage.join(dir);
                fs::create_dir_all(&abs).map_err(|e| WriteError::Io(abs, e))?;
                self.dirs
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(dir.to_string());
            }
        }
        let path = self.stage.join(&o.path);
        fs::write(&path, &o.bytes).map_err(|e| WriteError::Io(path, e))
    }

    /// Publish: swap the staging folder into place.
    /// Fails (and removes the staging folder) if any file could not be written.
    pub fn finish(mut self) -> Result<(), WriteError> {
        if let Some(e) = self.error.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Err(e);
        }
        self.finished = true;
        swap(&self.stage, &self.target, &self.parent, &self.name)
    }
}

impl OutputSink for Staged {
    fn put(&self, output: Output) {
        if self.failed() {
            return;
        }
        if let Err(e) = self.write(&output) {
            self.fail(e);
        }
    }
}

impl Drop for Staged {
    /// An unfinished build leaves nothing behind.
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.stage);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(path: &str, bytes: &str) -> Output {
        Output {
            path: path.into(),
            bytes: bytes.as_bytes().to_vec(),
        }
    }

    #[test]
    fn writes_as_files_arrive_and_swaps_on_finish() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        let target = tmp.path().join("public");
        let s = Staged::begin(&root, &target).unwrap();
        s.put(out("index.html", "home"));
        s.put(out("a/b/index.html", "deep"));
        assert!(!target.exists(), "nothing is published before finish");
        s.finish().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("a/b/index.html")).unwrap(),
            "deep"
        );
        assert!(target.join(MARKER).is_file());
        // A second build replaces the first; an abandoned one changes nothing.
        let s = Staged::begin(&root, &target).unwrap();
        s.put(out("other.html", "x"));
        drop(s);
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "home"
        );
        let leftovers = fs::read_dir(tmp.path()).unwrap().count();
        assert_eq!(leftovers, 2, "the staging folder is removed");
    }

    #[test]
    fn refuses_unsafe_paths_and_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        let target = tmp.path().join("public");
        let s = Staged::begin(&root, &target).unwrap();
        s.put(out("../escape.html", "x"));
        s.put(out("fine.html", "y"));
        assert!(matches!(s.finish(), Err(WriteError::UnsafePath(_))));
        assert!(!target.exists());
        assert!(!tmp.path().join("escape.html").exists());
        let foreign = tmp.path().join("mine");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "keep").unwrap();
        assert!(matches!(
            Staged::begin(&root, &foreign),
            Err(WriteError::NotOurs(_))
        ));
    }
}
