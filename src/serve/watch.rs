//! Watching the site's sources with notify, debounced so that one save
//! (often several file system events) gives one rebuild.

use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// Folders of a site that are watched, with everything in them.
pub const WATCHED_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];

/// How long the file system must be quiet before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// A batch of changed paths, or a problem with watching.
pub type Batch = Result<Vec<PathBuf>, String>;

/// Watches the site: site.toml (through the site folder itself) and the
/// folders in [`WATCHED_DIRS`], adding any of them that appear later.
pub struct SiteWatcher {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    watched: HashSet<PathBuf>,
}

impl SiteWatcher {
    /// Start watching `root`; batches of changed paths go to `tx`.
    pub fn new(root: &Path, tx: Sender<Batch>) -> Result<Self, String> {
        let debouncer = new_debouncer(DEBOUNCE, None, move |res: DebounceEventResult| {
            let batch: Batch = match res {
                // Reading a file is an event too (the build itself reads
                // every file): only changes count.
                Ok(evs) => Ok(evs
                    .into_iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    .collect()),
                Err(errs) => Err(errs
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")),
            };
            if batch.as_ref().is_ok_and(|p| p.is_empty()) {
                return;
            }
            let _ = tx.send(batch);
        })
        .map_err(|e| format!("cannot watch the site for changes: {e}"))?;
        let mut w = SiteWatcher {
            root: root.to_path_buf(),
            debouncer,
            watched: HashSet::new(),
        };
        w.debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        w.refresh();
        Ok(w)
    }

    /// Watch any of the site's folders that exist now and are not watched
    /// yet (for example a `templates/` made after serve started).
    pub fn refresh(&mut self) {
        for d in WATCHED_DIRS {
            let p = self.root.join(d);
            if !p.is_dir() {
                // A deleted folder's watch is gone with it; watch it again if it comes back.
                self.watched.remove(&p);
                continue;
            }
            if self.watched.contains(&p) {
                continue;
            }
            match self.debouncer.watch(&p, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.watched.insert(p);
                }
                Err(e) => eprintln!("warning: cannot watch {}: {e}", p.display()),
            }
        }
    }
}
