//! `carehub serve`: preview the site in a browser while editing. Builds in
//! memory, serves on loopback, rebuilds what a saved file affects and
//! reloads the open page; errors show in the browser in place of pages.

use crate::diagnostics::Severity;
use crate::pipeline::SiteOptions;
use crate::serve::builder::{Builder, Changes, Outcome};
use crate::serve::http::{self, Shared, Snapshot};
use crate::serve::watch::{Batch, SiteWatcher};
use std::net::{IpAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;

/// Options of `carehub serve`.
#[derive(Debug, Clone)]
pub struct ServeArgs {
    pub root: PathBuf,
    pub port: u16,
    pub interface: IpAddr,
    /// Open the site in the default browser once it is built.
    pub open: bool,
    /// Include draft pages.
    pub drafts: bool,
    /// Print where each rebuild spent its time.
    pub timings: bool,
}

/// How many request threads answer pages (event streams get their own).
const WORKERS: usize = 4;

/// Serve until stopped (Ctrl+C). Returns an exit code only when serving
/// could not start.
pub fn run(args: &ServeArgs) -> i32 {
    let (listener, note) = match bind(args.interface, args.port) {
        Ok(x) => x,
        Err(msg) => {
            eprintln!("error: {msg}");
            return 2;
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    let server = match tiny_http::Server::from_listener(listener, None) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: cannot start the web server: {e}");
            return 2;
        }
    };
    if let Some(n) = note {
        println!("{n}");
    }
    let host = match args.interface {
        IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    let origin = format!("http://{host}:{port}");

    let (tx, rx) = mpsc::channel();
    let mut watcher = match SiteWatcher::new(&args.root, tx) {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!("warning: {e}; the site will not rebuild when files change");
            None
        }
    };
    let mut builder = Builder::new(SiteOptions {
        root: args.root.clone(),
        base_url: None,
        drafts: args.drafts,
        live_reload: true,
    })
    .with_origin(&origin);
    let shared = Arc::new(Shared::default());
    let outcome = builder.build(&Changes::all());
    report(&outcome, &[], true, args.timings);
    shared.publish(snapshot(&outcome));
    finish(&mut builder, &shared, &outcome, args.timings);

    for _ in 0..WORKERS {
        let server = server.clone();
        let shared = shared.clone();
        std::thread::spawn(move || {
            for req in server.incoming_requests() {
                let shared = shared.clone();
                if req.url().contains("/__carehub/events") {
                    // An event stream stays open: give it its own thread.
                    std::thread::spawn(move || http::handle(req, &shared));
                } else {
                    http::handle(req, &shared);
                }
            }
        });
    }
    let url = format!("{origin}{}", outcome.base_path);
    println!("Serving the site at {url}");
    println!(
        "Watching content/, themes/, templates/, static/ and site.toml. Press Ctrl+C to stop."
    );
    if args.open {
        open_browser(&url);
    }

    while let Ok(batch) = rx.recv() {
        let mut paths = Vec::new();
        let mut push = |b: Batch| match b {
            Ok(p) => paths.extend(p),
            Err(e) => eprintln!("warning: watching files: {e}"),
        };
        push(batch);
        while let Ok(more) = rx.try_recv() {
            push(more);
        }
        if let Some(w) = watcher.as_mut() {
            w.refresh();
        }
        let changes = Changes::from_paths(&args.root, &paths);
        if changes.is_empty() {
            continue;
        }
        let outcome = builder.build(&changes);
        let mut shown: Vec<String> = paths
            .iter()
            .map(|p| crate::load::display_path(&args.root, p))
            .collect();
        shown.sort();
        shown.dedup();
        report(&outcome, &shown, false, args.timings);
        shared.publish(snapshot(&outcome));
        finish(&mut builder, &shared, &outcome, args.timings);
    }
    0
}

/// The second half of a good build, once its pages are served: the search
/// index (served without reloading pages) and the checks `build` runs,
/// whose errors then replace the pages like any other.
fn finish(builder: &mut Builder, shared: &Shared, built: &Outcome, timings: bool) {
    let Some(f) = builder.finish() else { return };
    let errors: Vec<_> = f
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    let warnings = f.diagnostics.len() - errors.len()
        + built
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
    if timings {
        let parts: Vec<String> = f
            .timings
            .iter()
            .map(|(k, d)| format!("{k} {:.1} ms", d.as_secs_f64() * 1000.0))
            .collect();
        println!("  then: {}", parts.join(", "));
    }
    if errors.is_empty() {
        shared.update_files(f.files);
        if warnings > 0 {
            println!(
                "  {warnings} warning{} (run `carehub check` to list them)",
                if warnings == 1 { "" } else { "s" }
            );
        }
    } else {
        crate::cmd::print_diagnostics(&errors);
        eprintln!(
            "error: the checks found {} error{}; the browser shows them. Fix and save to rebuild.",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        shared.publish(Snapshot {
            generation: 0,
            files: Some(f.files),
            errors,
            base_path: built.base_path.clone(),
        });
    }
}

fn snapshot(o: &Outcome) -> Snapshot {
    Snapshot {
        generation: 0,
        files: o.files.clone(),
        errors: o
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect(),
        base_path: o.base_path.clone(),
    }
}

/// Print what a build did: errors in full, warnings as a count.
fn report(o: &Outcome, changed: &[String], first: bool, timings: bool) {
    let errors: Vec<_> = o
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    let what = if changed.is_empty() {
        String::new()
    } else {
        let mut s = changed[..changed.len().min(3)].join(", ");
        if changed.len() > 3 {
            s.push_str(&format!(" and {} more", changed.len() - 3));
        }
        format!(" after changes to {s}")
    };
    if o.ok {
        let ms = o.elapsed.as_secs_f64() * 1000.0;
        if first {
            println!("Built the site ({} pages) in {ms:.0} ms", o.total);
        } else {
            println!(
                "Rebuilt in {ms:.1} ms{what}: rendered {} of {} pages",
                o.rendered, o.total
            );
        }
        if timings {
            let parts: Vec<String> = o
                .timings
                .iter()
                .map(|(k, d)| format!("{k} {:.1} ms", d.as_secs_f64() * 1000.0))
                .collect();
            println!("  timings: {}", parts.join(", "));
        }
    } else {
        crate::cmd::print_diagnostics(&errors);
        eprintln!(
            "error: the site has {} error{}{what}; {}. Fix and save to rebuild.",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if o.files.is_some() {
                "the browser shows them, and the last good site is still served"
            } else {
                "the browser shows them"
            }
        );
    }
}

/// Listen on `port`, or when it is taken on one of the next nine ports.
/// Port 0 lets the system choose a free port.
fn bind(interface: IpAddr, port: u16) -> Result<(TcpListener, Option<String>), String> {
    let tries: u16 = if port == 0 { 1 } else { 10 };
    for n in 0..tries {
        let Some(p) = port.checked_add(n) else { break };
        match TcpListener::bind((interface, p)) {
            Ok(l) => {
                let note = (n > 0).then(|| {
                    format!("Port {port} is in use, so carehub is serving on port {p} instead.")
                });
                return Ok((l, note));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(format!("cannot listen on {interface} port {p}: {e}")),
        }
    }
    Err(format!(
        "port {port} and the next {} ports are in use\n  = help: choose another with --port, or stop the other program using them",
        tries - 1
    ))
}

/// Open `url` in the default browser, saying so if that is not possible.
fn open_browser(url: &str) {
    let (prog, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(target_os = "windows") {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let res = std::process::Command::new(prog)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = res {
        eprintln!("warning: could not open a browser ({prog}: {e}); open {url} yourself");
    }
}
