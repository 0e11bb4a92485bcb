//! The dev server's HTTP side (tiny_http): serves the built site from
//! memory, only ever files of that site; shows the build's errors in place
//! of pages while the site has errors; and serves the live-reload script
//! and event stream under `__carehub/`.

use super::builder::Files;
use super::livereload::{self, Reloader};
use crate::diagnostics::Diagnostic;
use crate::render::markdown::escape_text;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use std::io::Cursor;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// What is being served now.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The number of the build this is (see [`Reloader`]).
    pub generation: u64,
    /// The last good site; `None` until a build has succeeded.
    pub files: Option<Arc<Files>>,
    /// Errors of the latest build; empty when it succeeded.
    pub errors: Vec<Diagnostic>,
    /// Where the site lives on the server (`/` or `/hub/`), from base_url.
    pub base_path: String,
}

/// State shared by the request threads and the build loop.
#[derive(Debug, Default)]
pub struct Shared {
    pub snapshot: RwLock<Arc<Snapshot>>,
    pub reloader: Reloader,
}

impl Shared {
    /// The snapshot to answer a request from.
    pub fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Serve a new build and tell open pages to reload.
    pub fn publish(&self, mut snap: Snapshot) {
        let mut w = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
        snap.generation = self.reloader.generation() + 1;
        *w = Arc::new(snap);
        drop(w);
        self.reloader.bump();
    }

    /// Serve `files` in place of the current ones without reloading open
    /// pages (a new search index for the same pages).
    pub fn update_files(&self, files: Arc<Files>) {
        let mut w = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
        let cur = &**w;
        *w = Arc::new(Snapshot {
            generation: cur.generation,
            files: Some(files),
            errors: cur.errors.clone(),
            base_path: cur.base_path.clone(),
        });
    }
}

/// Query flag that shows the last good version of a page while the site has errors.
pub const LAST_GOOD: &str = "carehub=last-good";

/// Characters escaped in a path segment of a URL we write (redirects).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A request path, decoded and checked: its segments, and whether it ended with `/`.
#[derive(Debug, PartialEq)]
pub struct RequestPath {
    pub segments: Vec<String>,
    pub dir: bool,
    pub query: String,
}

/// Decode and check a request target such as `/services/x/?q=1`. Refuses
/// (`None`) anything that could name a file outside the site: `.` and `..`
/// segments, raw or percent-encoded; encoded `/` or `\`; NUL and control
/// characters; bytes that are not UTF-8; targets not starting with `/`.
pub fn parse_target(raw: &str) -> Option<RequestPath> {
    let (path, query) = match raw.split_once('?') {
        Some((p, q)) => (p, q.split('#').next().unwrap_or("")),
        None => (raw.split('#').next().unwrap_or(""), ""),
    };
    if !path.starts_with('/') {
        return None;
    }
    let mut segments = Vec::new();
    for seg in path[1..].split('/') {
        if seg.is_empty() {
            continue;
        }
        let dec = percent_decode_str(seg).decode_utf8().ok()?;
        if dec == "."
            || dec == ".."
            || dec.contains(['/', '\\'])
            || dec.chars().any(|c| c.is_control())
        {
            return None;
        }
        segments.push(dec.into_owned());
    }
    Some(RequestPath {
        dir: path.ends_with('/'),
        segments,
        query: query.to_string(),
    })
}

/// A response ready to send.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status,
            content_type: content_type.to_string(),
            body: body.into(),
            headers: Vec::new(),
        }
    }

    fn text(status: u16, msg: &str) -> Self {
        Reply::new(status, "text/plain; charset=utf-8", msg)
    }

    fn redirect(location: String) -> Self {
        let mut r = Reply::text(301, &format!("Moved to {location}\n"));
        r.headers.push(("Location".into(), location));
        r
    }
}

/// What to do with a request.
pub enum Action {
    Reply(Reply),
    /// Open the live-reload event stream.
    Events,
}

/// Decide the answer to `GET raw` from what is being served.
pub fn route(snap: &Snapshot, raw: &str) -> Action {
    let Some(req) = parse_target(raw) else {
        return Action::Reply(Reply::text(
            400,
            "Bad request: this path is not allowed (carehub serve only serves files of the site)\n",
        ));
    };
    let base: Vec<&str> = snap
        .base_path
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let under_base =
        req.segments.len() >= base.len() && req.segments.iter().zip(&base).all(|(a, b)| a == b);
    if !under_base {
        if req.segments.is_empty() {
            return Action::Reply(Reply::redirect(snap.base_path.clone()));
        }
        return Action::Reply(not_found(snap));
    }
    let rest = &req.segments[base.len()..];
    if rest.first().map(String::as_str) == Some("__carehub") {
        return match rest.get(1).map(String::as_str) {
            Some("live.js") if rest.len() == 2 => Action::Reply(Reply::new(
                200,
                "text/javascript; charset=utf-8",
                livereload::script(snap.generation),
            )),
            Some("events") if rest.len() == 2 => Action::Events,
            _ => Action::Reply(Reply::text(404, "Not found\n")),
        };
    }
    let joined = rest.join("/");
    let files = snap.files.as_deref();
    let has = |k: &str| files.is_some_and(|f| f.contains_key(k));
    let key = if req.dir || rest.is_empty() {
        if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        }
    } else if !has(&joined) && has(&format!("{joined}/index.html")) {
        let mut loc = snap.base_path.clone();
        for s in rest {
            loc.push_str(&utf8_percent_encode(s, SEGMENT).to_string());
            loc.push('/');
        }
        if !req.query.is_empty() {
            loc.push('?');
            loc.push_str(&req.query);
        }
        return Action::Reply(Reply::redirect(loc));
    } else {
        joined
    };
    let is_html = key.ends_with(".html");
    let found = files.and_then(|f| f.get(&key));
    let want_last_good = req.query.split('&').any(|q| q == LAST_GOOD);
    if !snap.errors.is_empty() && (is_html || found.is_none()) && !want_last_good {
        return Action::Reply(error_page(snap, files.is_some() && found.is_some()));
    }
    match found {
        Some(bytes) => {
            let mut body = bytes.to_vec();
            if is_html && want_last_good && !snap.errors.is_empty() {
                body = with_banner(&body);
            }
            Action::Reply(Reply::new(200, &content_type(&key), body))
        }
        None if files.is_none() => Action::Reply(Reply::text(
            503,
            "The site has not been built yet; see the terminal running carehub serve.\n",
        )),
        None => Action::Reply(not_found(snap)),
    }
}

/// The site's own 404 page, or a plain one.
fn not_found(snap: &Snapshot) -> Reply {
    match snap.files.as_deref().and_then(|f| f.get("404.html")) {
        Some(b) => Reply::new(404, "text/html; charset=utf-8", b.to_vec()),
        None => Reply::text(404, "Not found\n"),
    }
}

/// The content type of an output file, from its extension.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.subtype().as_str(),
            "javascript" | "json" | "xml" | "manifest+json" | "rss+xml" | "atom+xml"
        )
        || mime.suffix().is_some_and(|s| s == "xml" || s == "json");
    if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// The page shown in place of every page while the site has errors: each
/// error with its file, line and message (escaped), and a link to the last
/// good version of the page. It reloads itself when the site is rebuilt.
pub fn error_page(snap: &Snapshot, has_last_good: bool) -> Reply {
    let n = snap.errors.len();
    let mut items = String::new();
    for d in &snap.errors {
        items.push_str(&format!(
            "<li><h2><code>{}</code></h2>\n<p class=\"msg\">{}</p>\n<pre>{}</pre>\n</li>\n",
            escape_text(&d.location()),
            escape_text(&d.message),
            escape_text(&d.render())
        ));
    }
    let last_good = if has_last_good {
        format!(
            "<p><a href=\"?{LAST_GOOD}\">View the last good version of this page</a> (it does not have your latest changes).</p>"
        )
    } else {
        String::new()
    };
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{n} error{s} in the site - carehub serve</title>
<style>
body {{ font: 1.05rem/1.5 system-ui, sans-serif; margin: 0; background: #f0f4f5; color: #212b32; }}
main {{ max-width: 60rem; margin: 0 auto; padding: 1.5rem; }}
h1 {{ color: #d5281b; }}
ol {{ padding-left: 1.2rem; }}
li {{ background: #fff; border-left: 6px solid #d5281b; padding: 0.5rem 1rem; margin: 0 0 1rem; }}
h2 {{ font-size: 1.1rem; margin: 0.5rem 0; }}
.msg {{ font-weight: 600; }}
pre {{ overflow-x: auto; background: #f8f8f8; padding: 0.75rem; font-size: 0.9rem; }}
</style>
<script src="{base}__carehub/live.js" defer></script>
</head>
<body>
<main>
<h1>The site has {n} error{s}</h1>
<p>carehub serve could not rebuild the site. Fix the file{s} below and save: this page reloads by itself.{first}</p>
{last_good}
<ol>
{items}</ol>
</main>
</body>
</html>
"#,
        s = if n == 1 { "" } else { "s" },
        first = if n > 1 {
            " Start with the first: it may be the cause of the others."
        } else {
            ""
        },
        base = escape_text(&snap.base_path),
    );
    let mut r = Reply::new(500, "text/html; charset=utf-8", html);
    r.headers.push((
        "Content-Security-Policy".into(),
        "default-src 'self'; style-src 'unsafe-inline'; script-src 'self'".into(),
    ));
    r
}

/// A page of the last good site with a note at the top saying so.
fn with_banner(html: &[u8]) -> Vec<u8> {
    let banner = "<p role=\"status\" class=\"carehub-serve-banner\"><strong>This is the last good version of this page.</strong> The site has errors: <a href=\"?\">show the errors</a>.</p>";
    let text = String::from_utf8_lossy(html);
    let at = text
        .find("<body")
        .and_then(|b| text[b..].find('>').map(|e| b + e + 1));
    match at {
        Some(i) => format!("{}{banner}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{banner}{text}").into_bytes(),
    }
}

/// Answer one request.
pub fn handle(req: Request, shared: &Shared) {
    if !matches!(req.method(), Method::Get | Method::Head) {
        let mut r = Reply::text(405, "Method not allowed\n");
        r.headers.push(("Allow".into(), "GET, HEAD".into()));
        send(req, r);
        return;
    }
    let snap = shared.current();
    match route(&snap, req.url()) {
        Action::Reply(r) => send(req, r),
        Action::Events => {
            let resp = Response::empty(200)
                .with_header(header("Content-Type", "text/event-stream"))
                .with_header(header("Cache-Control", "no-store"));
            // tiny_http buffers ordinary streamed bodies; taking over the
            // connection lets each event go out as soon as it is written.
            let mut stream = req.upgrade("carehub-events", resp);
            livereload::stream(&mut stream, &shared.reloader, Duration::from_secs(15));
        }
    }
}

fn header(k: &str, v: &str) -> Header {
    Header::from_bytes(k.as_bytes(), v.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("valid header"))
}

fn send(req: Request, r: Reply) {
    let len = r.body.len();
    let mut resp = Response::new(
        StatusCode(r.status),
        vec![
            header("Content-Type", &r.content_type),
            header("Cache-Control", "no-store"),
            header("X-Content-Type-Options", "nosniff"),
        ],
        Cursor::new(r.body),
        Some(len),
        None,
    );
    for (k, v) in &r.headers {
        resp.add_header(header(k, v));
    }
    // The browser may have gone away; nothing to do then.
    let _ = req.respond(resp);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceFile;
    use std::collections::HashMap;

    fn snap(errors: Vec<Diagnostic>) -> Snapshot {
        let mut f: Files = HashMap::new();
        for (k, v) in [
            ("index.html", "<html><body class=\"x\">home</body></html>"),
            ("a/index.html", "<html><body>a</body></html>"),
            ("assets/x.css", "body{}"),
            ("404.html", "<html><body>missing</body></html>"),
        ] {
            f.insert(k.to_string(), Arc::from(v.as_bytes()));
        }
        Snapshot {
            generation: 3,
            files: Some(Arc::new(f)),
            errors,
            base_path: "/".into(),
        }
    }

    fn reply(s: &Snapshot, raw: &str) -> Reply {
        match route(s, raw) {
            Action::Reply(r) => r,
            Action::Events => panic!("events for {raw}"),
        }
    }

    #[test]
    fn refuses_paths_leaving_the_site() {
        for bad in [
            "/../site.toml",
            "/%2e%2e/site.toml",
            "/%2E%2E/site.toml",
            "/a/%2e%2e%2f%2e%2e/site.toml",
            "/a%2f..%2fsite.toml",
            "/a%5c..%5csite.toml",
            "/./index.html",
            "/a/%00",
            "/%ff",
            "site.toml",
            "http://example.org/site.toml",
        ] {
            assert!(parse_target(bad).is_none(), "{bad}");
            assert_eq!(reply(&snap(vec![]), bad).status, 400, "{bad}");
        }
        assert_eq!(
            parse_target("/a%20b/c/?x=1").unwrap(),
            RequestPath {
                segments: vec!["a b".into(), "c".into()],
                dir: true,
                query: "x=1".into()
            }
        );
    }

    #[test]
    fn serves_files_with_types_and_index_pages() {
        let s = snap(vec![]);
        let r = reply(&s, "/");
        assert_eq!(
            (r.status, r.content_type.as_str()),
            (200, "text/html; charset=utf-8")
        );
        assert_eq!(reply(&s, "/a/").body, b"<html><body>a</body></html>");
        let r = reply(&s, "/a?x=1");
        assert_eq!(r.status, 301);
        assert_eq!(r.headers[0], ("Location".into(), "/a/?x=1".into()));
        let r = reply(&s, "/assets/x.css");
        assert_eq!(r.content_type, "text/css; charset=utf-8");
        let r = reply(&s, "/nope/");
        assert_eq!(
            (r.status, r.body.as_slice()),
            (404, &b"<html><body>missing</body></html>"[..])
        );
        assert!(matches!(route(&s, "/__carehub/events"), Action::Events));
        let js = reply(&s, "/__carehub/live.js");
        assert!(String::from_utf8(js.body).unwrap().contains("\"3\""));
        assert_eq!(content_type("a.png"), "image/png");
        assert_eq!(content_type("a.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("a.json"), "application/json; charset=utf-8");
    }

    #[test]
    fn serves_under_the_base_path() {
        let mut s = snap(vec![]);
        s.base_path = "/hub/".into();
        assert_eq!(reply(&s, "/hub/a/").status, 200);
        let r = reply(&s, "/");
        assert_eq!((r.status, r.headers[0].1.as_str()), (301, "/hub/"));
        assert_eq!(reply(&s, "/a/").status, 404);
        assert!(matches!(route(&s, "/hub/__carehub/events"), Action::Events));
    }

    #[test]
    fn errors_replace_pages_and_are_escaped() {
        let src = SourceFile::new("content/a.md", "+++\ntitle = <script>\n+++\n");
        let d = Diagnostic::error_at("toml-syntax", &src, 12..20, "bad <script>alert(1)</script>");
        let s = snap(vec![d]);
        let r = reply(&s, "/a/");
        assert_eq!(r.status, 500);
        let html = String::from_utf8(r.body).unwrap();
        assert!(html.contains("content/a.md:2:9"));
        assert!(html.contains("bad &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("__carehub/live.js"));
        assert!(html.contains(LAST_GOOD));
        // Assets still load; the last good page is one click away, with a note.
        assert_eq!(reply(&s, "/assets/x.css").status, 200);
        let r = reply(&s, &format!("/?{LAST_GOOD}"));
        assert_eq!(r.status, 200);
        let html = String::from_utf8(r.body).unwrap();
        assert!(html.starts_with("<html><body class=\"x\"><p role=\"status\""));
    }
}
