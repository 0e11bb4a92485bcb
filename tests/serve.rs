//! `carehub serve` end to end: the real binary on a free port, requests
//! sent over plain TCP (so no client tidies the paths), files edited while
//! it runs. Waits poll with a generous limit; nothing asserts on timing.

mod common;

use common::{TestSite, page};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long to wait for a rebuild before failing (a slow CI machine may need a while).
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `carehub serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    /// What it printed before it started serving.
    startup: Vec<String>,
    /// Its output, line by line (kept open: a closed pipe would stop it).
    lines: mpsc::Receiver<String>,
}

impl Server {
    /// Start serving `site` on a port the system picks, or as `extra` says.
    fn start(site: &TestSite, extra: &[&str]) -> Server {
        let mut args = vec!["serve"];
        if !extra.contains(&"--port") {
            args.extend(["--port", "0"]);
        }
        args.extend(extra);
        let mut child = Command::new(env!("CARGO_BIN_EXE_carehub"))
            .args(&args)
            .arg("--root")
            .arg(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start carehub serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // From here on, dropping the server (also on a failed start) stops it.
        let mut server = Server {
            child,
            port: 0,
            startup: Vec::new(),
            lines: rx,
        };
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = server.lines.recv_timeout(left) else {
                panic!(
                    "serve did not start; it printed:\n{}",
                    server.startup.join("\n")
                );
            };
            if let Some(url) = line.strip_prefix("Serving the site at http://127.0.0.1:") {
                server.port = url
                    .split('/')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or_else(|| panic!("no port in {line:?}"));
                return server;
            }
            server.startup.push(line);
        }
    }

    /// Send a raw request line for `target` and return (status, head, body).
    fn get(&self, target: &str) -> (u16, String, String) {
        raw_get(self.port, target)
    }

    /// Poll `target` until `ok` holds for its (status, body).
    fn wait_for(&self, target: &str, what: &str, ok: impl Fn(u16, &str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let (status, _, body) = self.get(target);
            if ok(status, &body) {
                return body;
            }
            if Instant::now() > deadline {
                panic!("{target}: never {what}; last answer {status}:\n{body}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET `target` exactly as written, over a new connection.
fn raw_get(port: u16, target: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(PATIENCE)).expect("timeout");
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read");
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn site() -> TestSite {
    let t = TestSite::new();
    t.write("content/about.md", &page("About us", "First version."));
    t.write("content/other.md", &page("Other page", "Another page."));
    t
}

#[test]
fn serves_the_site_and_shows_edits() {
    let t = site();
    let s = Server::start(&t, &[]);
    let (status, head, body) = s.get("/about/");
    assert_eq!(status, 200, "{head}\n{body}");
    assert!(
        head.contains("Content-Type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(body.contains("First version."));
    // The live-reload script is in served pages, and served itself.
    assert!(body.contains("/__carehub/live.js"));
    let (status, head, js) = s.get("/__carehub/live.js");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: text/javascript"), "{head}");
    assert!(js.contains("EventSource"));
    // /about redirects to /about/; unknown pages get the 404 page.
    let (status, head, _) = s.get("/about");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /about/"), "{head}");
    assert_eq!(s.get("/no-such-page/").0, 404);

    t.write("content/about.md", &page("About us", "Second version."));
    s.wait_for("/about/", "showed the edit", |st, b| {
        st == 200 && b.contains("Second version.")
    });

    // A new page appears, a deleted one goes.
    t.write("content/new.md", &page("New page", "Brand new."));
    s.wait_for("/new/", "appeared", |st, b| {
        st == 200 && b.contains("Brand new.")
    });
    std::fs::remove_file(t.path("content/other.md")).expect("remove");
    s.wait_for("/other/", "went away", |st, _| st == 404);

    // `carehub build` output never has the live-reload script.
    t.build().ok();
    assert!(!t.read("public/about/index.html").contains("__carehub"));
}

#[test]
fn errors_show_in_the_browser_until_fixed() {
    let t = site();
    let s = Server::start(&t, &[]);
    s.wait_for("/about/", "served", |st, _| st == 200);
    // A broken front matter line with markup in it.
    t.write(
        "content/about.md",
        "+++\ntitle = \"About us\"\ndescription = <script>alert(1)</script>\n+++\nBroken.\n",
    );
    let body = s.wait_for("/about/", "showed the error page", |st, _| st == 500);
    assert!(body.contains("content/about.md:3:"), "{body}");
    assert!(body.contains("not valid TOML"), "{body}");
    assert!(
        body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{body}"
    );
    assert!(!body.contains("<script>alert"), "{body}");
    assert!(
        body.contains("/__carehub/live.js"),
        "the error page reloads itself"
    );
    // Every page shows it, and the last good site is still there.
    assert_eq!(s.get("/other/").0, 500);
    let (status, _, last_good) = s.get("/about/?carehub=last-good");
    assert_eq!(status, 200);
    assert!(last_good.contains("First version."));

    t.write("content/about.md", &page("About us", "Fixed version."));
    s.wait_for("/about/", "cleared the error", |st, b| {
        st == 200 && b.contains("Fixed version.")
    });
    assert_eq!(s.get("/other/").0, 200);

    // What `build`'s checks find (here a link to a heading that is not there) shows too.
    t.write(
        "content/about.md",
        &page(
            "About us",
            "See [the other page](@/other.md#no-such-heading).",
        ),
    );
    let body = s.wait_for("/about/", "showed the check's error", |st, _| st == 500);
    assert!(body.contains("content/about.md:"), "{body}");
    assert!(body.contains("no-such-heading"), "{body}");
    t.write("content/about.md", &page("About us", "Fixed again."));
    s.wait_for("/about/", "cleared the check's error", |st, b| {
        st == 200 && b.contains("Fixed again.")
    });
}

#[test]
fn refuses_paths_outside_the_site() {
    let t = site();
    let s = Server::start(&t, &[]);
    for target in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/%2E%2E/site.toml",
        "/%2e%2e%2fsite.toml",
        "/about/..%2f..%2fsite.toml",
        "/..%5csite.toml",
        "/about/../../site.toml",
    ] {
        let (status, head, body) = s.get(target);
        assert!(
            status == 400 || status == 404,
            "{target}: {status}\n{head}\n{body}"
        );
        assert!(!body.contains("base_url"), "{target} leaked site.toml");
    }
    assert_eq!(s.get("/../site.toml").0, 400);
    assert_eq!(s.get("/%2e%2e/site.toml").0, 400);
    // Not a file of the site, even though it is in the site folder.
    assert_eq!(s.get("/site.toml").0, 404);
    assert_eq!(s.get("/content/about.md").0, 404);
}

#[test]
fn event_stream_announces_rebuilds() {
    let t = site();
    let s = Server::start(&t, &[]);
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    write!(
        stream,
        "GET /__carehub/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("send");
    let mut reader = BufReader::new(stream);
    let mut got = String::new();
    let mut edited = false;
    let deadline = Instant::now() + PATIENCE;
    while !got.contains("event: reload") {
        assert!(Instant::now() < deadline, "no reload event:\n{got}");
        let mut line = String::new();
        if reader.read_line(&mut line).expect("read") == 0 {
            panic!("stream closed:\n{got}");
        }
        got.push_str(&line);
        if !edited && got.contains("event: hello") && line == "\n" {
            t.write("content/about.md", &page("About us", "Edited."));
            edited = true;
        }
    }
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
    assert!(got.contains("Content-Type: text/event-stream"), "{got}");
}

#[test]
fn a_port_in_use_moves_to_the_next() {
    let t = site();
    let taken = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let s = Server::start(&t, &["--port", &port.to_string()]);
    assert_ne!(s.port, port);
    assert!(
        s.startup
            .iter()
            .any(|l| l.contains(&format!("Port {port} is in use"))),
        "{:?}",
        s.startup
    );
    assert_eq!(s.get("/about/").0, 200);
}
