//! Live reload: a small same-origin script (`__carehub/live.js`, which the
//! theme's base template includes only while serving) listens to a stream
//! of server-sent events (`__carehub/events`) and reloads the page when the
//! site has been rebuilt.

use std::io::Write;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// The script, with `__GENERATION__` replaced by the build the page belongs to.
/// Where the dev server serves the live-reload script, under the site's
/// base path (what `base.html` links to when `live_reload` is set).
pub const SCRIPT_PATH: &str = "__carehub/live.js";

const LIVE_JS: &str = r#"// carehub serve: reload this page when the site is rebuilt.
// Served only by `carehub serve`; never part of a built site.
(function () {
  "use strict";
  var built = "__GENERATION__";
  if (!window.EventSource || !window.URL) {
    return;
  }
  var script = document.currentScript;
  var url = script && script.src ? new URL("events", script.src).href : "/__carehub/events";
  var source = new EventSource(url);
  function check(event) {
    if (String(event.data) !== built) {
      source.close();
      window.location.reload();
    }
  }
  source.addEventListener("hello", check);
  source.addEventListener("reload", check);
})();
"#;

/// The live-reload script for pages served at build `generation`.
pub fn script(generation: u64) -> String {
    LIVE_JS.replace("__GENERATION__", &generation.to_string())
}

/// Counts builds and wakes the event streams waiting for the next one.
#[derive(Debug, Default)]
pub struct Reloader {
    generation: Mutex<u64>,
    changed: Condvar,
}

impl Reloader {
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of the current build.
    pub fn generation(&self) -> u64 {
        *self.generation.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Count a new build and tell every open page; returns its number.
    pub fn bump(&self) -> u64 {
        let mut g = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        *g += 1;
        self.changed.notify_all();
        *g
    }

    /// Wait until the build number passes `seen` or `timeout` passes; returns the current number.
    pub fn wait(&self, seen: u64, timeout: Duration) -> u64 {
        let g = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        let (g, _) = self
            .changed
            .wait_timeout_while(g, timeout, |g| *g == seen)
            .unwrap_or_else(|e| e.into_inner());
        *g
    }
}

/// Write server-sent events to one page until it goes away: `hello` with the
/// current build number at once, `reload` after every build, and a comment
/// every `keepalive` so that a closed connection is noticed.
pub fn stream(out: &mut dyn Write, reloader: &Reloader, keepalive: Duration) {
    let mut seen = reloader.generation();
    if write_flush(out, &format!("retry: 1000\nevent: hello\ndata: {seen}\n\n")).is_err() {
        return;
    }
    loop {
        let g = reloader.wait(seen, keepalive);
        let msg = if g != seen {
            seen = g;
            format!("event: reload\ndata: {g}\n\n")
        } else {
            ": still here\n\n".to_string()
        };
        if write_flush(out, &msg).is_err() {
            return;
        }
    }
}

fn write_flush(out: &mut dyn Write, s: &str) -> std::io::Result<()> {
    out.write_all(s.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn script_carries_the_generation() {
        let s = script(42);
        assert!(s.contains("var built = \"42\""));
        assert!(!s.contains("__GENERATION__"));
    }

    /// A writer that fails after `limit` writes, like a closed connection.
    struct Limited {
        buf: Vec<u8>,
        writes: usize,
        limit: usize,
    }
    impl Write for Limited {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.writes += 1;
            if self.writes > self.limit {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            self.buf.extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn streams_hello_then_reload() {
        let r = Arc::new(Reloader::new());
        r.bump();
        let r2 = r.clone();
        let t = std::thread::spawn(move || {
            let mut w = Limited {
                buf: Vec::new(),
                writes: 0,
                limit: 2,
            };
            stream(&mut w, &r2, Duration::from_secs(30));
            String::from_utf8(w.buf).unwrap()
        });
        // Bump until the stream has seen a build after its hello.
        let text = loop {
            r.bump();
            if t.is_finished() {
                break t.join().unwrap();
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        assert!(text.starts_with("retry: 1000\nevent: hello\ndata: "));
        assert!(text.contains("event: reload\ndata: "));
    }
}
