//! Watching the site's sources with notify, debounced so that one save
//! (often several file system events) gives one rebuild.

use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};
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
    debouncer: Debouncer<RecommendedWatcher>,
    watched: HashSet<PathBuf>,
}

impl SiteWatcher {
    /// Start watching `root`; batches of changed paths go to `tx`.
    pub fn new(root: &Path, tx: Sender<Batch>) -> Result<Self, String> {
        let debouncer = new_debouncer(DEBOUNCE, move |res: DebounceEventResult| {
            let batch = res
                .map(|evs| evs.into_iter().map(|e| e.path).collect())
                .map_err(|e| e.to_string());
            let _ = tx.send(batch);
        })
        .map_err(|e| format!("cannot watch the site for changes: {e}"))?;
        let mut w = SiteWatcher {
            root: root.to_path_buf(),
            debouncer,
            watched: HashSet::new(),
        };
        w.debouncer
            .watcher()
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
            match self.debouncer.watcher().watch(&p, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.watched.insert(p);
                }
                Err(e) => eprintln!("warning: cannot watch {}: {e}", p.display()),
            }
        }
    }
}
