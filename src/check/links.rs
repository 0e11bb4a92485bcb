//! Internal links, checked where they end up: in the rendered HTML of every
//! page, whatever made them (markdown, templates or data). Every internal
//! `href`, `src`, `srcset`, `action` and `poster` must point at a file the
//! build publishes, and every `#fragment` at an `id` on the target page.
//! Broken links are traced back to the markdown or data file (and line)
//! that made them and are errors there, with the nearest valid target as a
//! hint. Links the theme's templates make are reported once per target, as
//! warnings (errors under `--strict`): an editor cannot fix them in content.
//!
//! The HTML is carehub's own output (templates escape attribute values and
//! markdown HTML is generated or sanitised), so a small tag scanner is
//! enough: it reads tags and their attributes, skips comments and the text
//! of `script`, `style`, `textarea` and `title`, and never panics on
//! malformed input.

use super::{FastMap, FastSet};
use crate::diagnostics::{Diagnostic, Severity, nearest};
use crate::render::{Output, OutputSink, RenderResult, output_path};
use crate::resolve::Site;
use memchr::{memchr, memmem};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Links between pages made by their markdown, for the editorial report.
#[derive(Debug, Clone, Default)]
pub struct LinkStats {
    /// By page: how many other pages link to it.
    pub links_in: Vec<usize>,
    /// By page: how many distinct pages and providers it links to.
    pub links_out: Vec<usize>,
}

/// The ids and internal-link candidates of one HTML file.
#[derive(Debug, Default)]
pub struct Scan<'a> {
    pub ids: Ids,
    /// Attribute values that hold URLs, as written (entities not decoded).
    pub links: Vec<Cow<'a, str>>,
}

impl Scan<'_> {
    /// The scan with its own copies of the text, without repeated links,
    /// links that leave the site (absolute URLs not under `base_url`) and
    /// plain links to files in `known` (which will be published), so that
    /// it can outlive the HTML it was read from and take little memory.
    pub fn into_owned(self, base_url: &str, known: &Known) -> Scan<'static> {
        self.keep(None, base_url, known)
    }

    /// [`Scan::into_owned`] for the file published at `path` (`a/b/index.html`),
    /// also leaving out the links that the link check would find good
    /// whatever else is published: `#fragment` links to ids of this file
    /// and links to the file itself (empty, or its address `base_url` + `a/b/`).
    pub fn into_kept(self, path: &str, base_url: &str, known: &Known) -> Scan<'static> {
        self.keep(Some(path), base_url, known)
    }

    fn keep(self, path: Option<&str>, base_url: &str, known: &Known) -> Scan<'static> {
        let mut seen: FastSet<&str> = FastSet::default();
        let mut links = Vec::new();
        let base_path = known.base_path.as_str();
        let own = path.and_then(|p| own_address(p, base_url));
        for l in &self.links {
            let l: &str = l.as_ref();
            if plain_path(l, base_path).is_some_and(|p| known.contains(p)) {
                continue;
            }
            if let Some(dir) = own
                && (l.is_empty() || good_in_page(l, &self.ids) || is_address(l, base_url, dir))
            {
                continue;
            }
            // Whether a link leaves the site depends on it alone, so asking
            // first spares the set the many external links.
            if !leaves_site(l, base_url) && seen.insert(l) {
                links.push(Cow::Owned(l.to_string()));
            }
        }
        links.shrink_to_fit();
        Scan {
            ids: self.ids,
            links,
        }
    }
}

/// The folder a page at output path `path` is served from (`a/b/` for
/// `a/b/index.html`, `` for `index.html`), when the link check would take
/// `#fragment` links on it, and its own address under `base_url`, to be
/// that same page: an `index.html` in a folder whose name needs no decoding
/// or normalising, under a non-empty `base_url`.
fn own_address<'p>(path: &'p str, base_url: &str) -> Option<&'p str> {
    let dir = if path == "index.html" {
        ""
    } else {
        path.strip_suffix("index.html")
            .filter(|d| d.ends_with('/'))?
    };
    (!base_url.is_empty() && plain_path(dir, "").is_some()).then_some(dir)
}

/// Whether `link` is `base_url` followed by `dir`, comparing lengths and
/// the last byte before the texts (most links are not).
fn is_address(link: &str, base_url: &str, dir: &str) -> bool {
    link.len() == base_url.len() + dir.len()
        && link.as_bytes().last() == dir.as_bytes().last().or(base_url.as_bytes().last())
        && link.starts_with(base_url)
        && link.ends_with(dir)
}

/// A `#fragment` link, as written, that the link check would read as a
/// link to this page's element `fragment` (it has nothing to decode and no
/// white space to trim), and that element exists (or the fragment is empty).
fn good_in_page(raw: &str, ids: &Ids) -> bool {
    raw.strip_prefix('#').is_some_and(|f| {
        !f.contains(['&', '%'])
            && !f.ends_with(char::is_whitespace)
            && (f.is_empty() || ids.contains(f))
    })
}

/// The ids of one HTML file, sorted, distinct and packed into one string,
/// which takes far less memory than a set of small strings when every
/// page's ids are kept.
#[derive(Debug, Default, Clone)]
pub struct Ids {
    /// Id `k` is `text[ends[k - 1]..ends[k]]`.
    text: Box<str>,
    ends: Box<[usize]>,
}

impl Ids {
    /// The ids in `ids` (in any order, repeats allowed), packed.
    pub fn new<S: AsRef<str> + Ord>(mut ids: Vec<S>) -> Self {
        ids.sort_unstable();
        ids.dedup();
        let mut text = String::with_capacity(ids.iter().map(|i| i.as_ref().len()).sum());
        let mut ends = Vec::with_capacity(ids.len());
        for id in &ids {
            text.push_str(id.as_ref());
            ends.push(text.len());
        }
        Ids {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.id(mid).cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// Every id once, in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|k| self.id(k))
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn id(&self, k: usize) -> &str {
        let start = k.checked_sub(1).map_or(0, |j| self.ends[j]);
        &self.text[start..self.ends[k]]
    }
}

/// An absolute URL elsewhere, or a `mailto:`/`tel:` link: never a file of this site.
fn leaves_site(url: &str, base_url: &str) -> bool {
    let u = url.trim();
    // The schemes first: they are compared inline, `base_url` is not.
    (u.starts_with("https://")
        || u.starts_with("http://")
        || u.starts_with("mailto:")
        || u.starts_with("tel:"))
        && !u.starts_with(base_url)
}

/// Every published file: its path and, for an HTML file, its [`Scan`].
/// Made from the outputs in memory ([`Published::from_outputs`]) or, when a
/// build streams its files to disk, by a [`ScanSink`] as they pass.
pub struct Published<'a> {
    pub paths: Vec<&'a str>,
    /// Shared, so that the dev server can keep scans between rebuilds.
    pub scans: Vec<Option<Arc<Scan<'a>>>>,
}

impl<'a> Published<'a> {
    pub fn from_outputs(outputs: &'a [Output]) -> Self {
        Published {
            paths: outputs.iter().map(|o| o.path.as_str()).collect(),
            scans: outputs
                .par_iter()
                .map(|o| scan_output(o).map(Arc::new))
                .collect(),
        }
    }
}

fn scan_output(o: &Output) -> Option<Scan<'_>> {
    if !o.path.ends_with(".html") {
        return None;
    }
    std::str::from_utf8(&o.bytes).ok().map(scan)
}

/// An output sink that scans each file for the link check as it passes on
/// to `inner`, keeping only the scan, so a streamed build can check links
/// without holding the site in memory.
pub struct ScanSink<'s> {
    inner: &'s dyn OutputSink,
    base_url: String,
    known: Known,
    found: Mutex<Vec<(String, Option<Scan<'static>>)>>,
}

/// Files a build will certainly publish (its pages and assets), by every
/// path that serves them, and the site's base path.
///
/// Each folder's `index.html` is kept once, as its folder (`a/b`), rather
/// than under each of its three paths (`a/b/index.html`, `a/b/`, `a/b`):
/// a look-up is one probe of a table a third the size, which matters when
/// every link of every page is looked up while the build renders.
pub struct Known {
    /// By path, without the trailing `/` of a folder: [`FILE`] when a file
    /// has exactly that path, [`FOLDER`] when the folder of that name has
    /// an `index.html` (`""` for the site's own). Paths of up to
    /// [`INLINE`] bytes are held in the table's own cache-line-sized
    /// entries, so a look-up reads one line of memory rather than an entry
    /// and then, elsewhere, its key; longer ones are in `long`.
    paths: FastSet<InlineKey>,
    long: FastMap<Box<str>, u8>,
    base_path: String,
}

/// The longest path a [`Known`] entry holds inline.
const INLINE: usize = 62;

/// A path of at most [`INLINE`] bytes stored in place, with its flags:
/// one 64-byte cache line as a table entry. Equality and hash are the
/// path's alone.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct InlineKey {
    len: u8,
    flags: u8,
    bytes: [u8; INLINE],
}

impl InlineKey {
    /// `p` in place (with no flags), if it is short enough.
    #[inline]
    fn new(p: &str) -> Option<Self> {
        let mut bytes = [0u8; INLINE];
        bytes.get_mut(..p.len())?.copy_from_slice(p.as_bytes());
        Some(InlineKey {
            len: p.len() as u8,
            flags: 0,
            bytes,
        })
    }
}

impl PartialEq for InlineKey {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.bytes == other.bytes
    }
}

impl Eq for InlineKey {}

impl std::hash::Hash for InlineKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write(&self.bytes[..self.len as usize]);
    }
}

/// [`Known::paths`] flags.
const FILE: u8 = 1;
const FOLDER: u8 = 2;

impl Known {
    /// `paths`: output paths (`a/b/index.html`).
    pub fn new(paths: impl IntoIterator<Item = String>, base_path: &str) -> Self {
        let mut map: FastSet<InlineKey> = FastSet::default();
        let mut long: FastMap<Box<str>, u8> = FastMap::default();
        for p in paths {
            let (key, flag) = match index_folder(&p) {
                Some(dir) => (dir, FOLDER),
                None => (p.as_str(), FILE),
            };
            match InlineKey::new(key) {
                Some(mut k) => {
                    k.flags = map.take(&k).map_or(0, |old| old.flags) | flag;
                    map.insert(k);
                }
                None => match long.get_mut(key) {
                    Some(f) => *f |= flag,
                    None => {
                        long.insert(key.into(), flag);
                    }
                },
            }
        }
        map.shrink_to_fit();
        long.shrink_to_fit();
        Known {
            paths: map,
            long,
            base_path: base_path.to_string(),
        }
    }

    /// The flags of `key`.
    #[inline]
    fn flags(&self, key: &str) -> u8 {
        match InlineKey::new(key) {
            Some(k) => self.paths.get(&k).map_or(0, |e| e.flags),
            None => self.long.get(key).copied().unwrap_or(0),
        }
    }

    /// Whether the site path `p` (`a/b/`, `a/b`, `a/b/index.html`,
    /// `assets/x.css`, `` for the home page) serves a file in the set.
    fn contains(&self, p: &str) -> bool {
        let has = |key: &str, flags: u8| self.flags(key) & flags != 0;
        if let Some(dir) = index_folder(p) {
            has(dir, FOLDER)
        } else if p.is_empty() {
            has("", FOLDER)
        } else if let Some(dir) = p.strip_suffix('/') {
            // A folder's address (the common case), or a file whose path
            // ends in `/` (never made, but kept exact).
            has(dir, FOLDER) || has(p, FILE)
        } else {
            has(p, FILE | FOLDER)
        }
    }
}

/// The folder (`a/b`, or `` for the site's root) of which `path` is the
/// `index.html` (`a/b/index.html`, `index.html`).
fn index_folder(path: &str) -> Option<&str> {
    if path == "index.html" {
        Some("")
    } else {
        // Not `/index.html`, which is no output path: its folder would be
        // taken for the root's.
        path.strip_suffix("/index.html").filter(|d| !d.is_empty())
    }
}

impl<'s> ScanSink<'s> {
    /// A sink passing files on to `inner`; links to files in `known` are
    /// taken as good without being kept.
    pub fn new(inner: &'s dyn OutputSink, base_url: &str, known: Known) -> Self {
        ScanSink {
            inner,
            known,
            base_url: base_url.to_string(),
            found: Mutex::new(Vec::new()),
        }
    }

    /// The paths and scans of every file that passed, by path.
    pub fn into_found(self) -> (Vec<String>, Vec<Option<Arc<Scan<'static>>>>) {
        let mut found = self.found.into_inner().unwrap_or_else(|p| p.into_inner());
        // By path; where a path was written twice the later file (a static
        // file replacing a generated one) is the one on disk.
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.reverse();
        found.dedup_by(|later, kept| later.0 == kept.0);
        found.reverse();
        found.into_iter().map(|(p, s)| (p, s.map(Arc::new))).unzip()
    }
}

impl OutputSink for ScanSink<'_> {
    fn put(&self, output: Output) {
        let scanned =
            scan_output(&output).map(|s| s.into_kept(&output.path, &self.base_url, &self.known));
        let path = output.path.clone();
        self.inner.put(output);
        self.found
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((path, scanned));
    }
}

/// Read the tags of an HTML document, collecting `id`s (and `name`s of
/// `a` elements) and URL attributes.
///
/// One pass: `memchr` finds each `<`, a byte-class table drives the short
/// loops over tag and attribute names, and attribute names are told apart
/// by length and first byte before any comparison, since most attributes
/// (`class`, `rel`, ...) are not wanted.
pub fn scan(html: &str) -> Scan<'_> {
    let b = html.as_bytes();
    let len = b.len();
    let mut links = Vec::new();
    let mut ids = Vec::new();
    let mut i = 0;
    // Index of the first byte at or after `i` that is not in `class`, and
    // of the first that is (or the end).
    let skip = |mut i: usize, class: u8| {
        while i < len && BYTE_CLASS[b[i] as usize] & class != 0 {
            i += 1;
        }
        i
    };
    let until = |mut i: usize, class: u8| {
        while i < len && BYTE_CLASS[b[i] as usize] & class == 0 {
            i += 1;
        }
        i
    };
    let after_gt = |i: usize| find_byte(b'>', b, i).map_or(len, |k| k + 1);
    while let Some(at) = find_byte(b'<', b, i) {
        i = at + 1;
        match b.get(i) {
            Some(b'!') => {
                i = if b[i..].starts_with(b"!--") {
                    COMMENT_END.find(&b[i + 3..]).map_or(len, |k| i + 3 + k + 3)
                } else {
                    after_gt(i)
                };
                continue;
            }
            Some(b'/') | Some(b'?') => {
                i = after_gt(i);
                continue;
            }
            Some(c) if c.is_ascii_alphabetic() => {}
            _ => continue,
        }
        let name_start = i;
        i = skip(i, TAG_NAME);
        let name = &b[name_start..i];
        // Attributes, up to the end of the tag.
        loop {
            i = skip(i, SPACE);
            let Some(&c) = b.get(i) else { break };
            match c {
                b'>' => {
                    i += 1;
                    break;
                }
                b'/' | b'=' | b'"' | b'\'' | b'<' => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let an_start = i;
            i = until(i, ATTR_NAME_END);
            let attr = &b[an_start..i];
            i = skip(i, SPACE);
            if b.get(i) == Some(&b'=') {
                i = skip(i + 1, SPACE);
                let value = match b.get(i) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let vs = i + 1;
                        let ve = find_byte(q, b, vs).unwrap_or(len);
                        i = (ve + 1).min(len);
                        &html[vs..ve]
                    }
                    _ => {
                        let vs = i;
                        i = until(i, UNQUOTED_END);
                        &html[vs..i]
                    }
                };
                record(&mut links, &mut ids, name, attr, value);
            }
        }
        // Raw text: skip to the closing tag.
        if let Some(k) = raw_text(name) {
            let [lower, upper] = &RAW_TEXT_CLOSE[k];
            i = match lower.find(&b[i..]).or_else(|| upper.find(&b[i..])) {
                Some(k) => i + k,
                None => len,
            };
        }
    }
    Scan {
        ids: Ids::new(ids),
        links,
    }
}

/// The index of the first `needle` in `b` at or after `from`. Most
/// searches here end within a few bytes (the next tag after `>`, the end
/// of a short attribute value): the first sixteen bytes are compared at
/// once, and longer searches go to `memchr`.
#[inline]
fn find_byte(needle: u8, b: &[u8], from: usize) -> Option<usize> {
    if from >= b.len() {
        return None;
    }
    let near = Window::at(b, from).equal(needle);
    if near != 0 {
        return Some(from + near.trailing_zeros() as usize).filter(|&k| k < b.len());
    }
    let far = from + 16;
    memchr(needle, b.get(far..)?).map(|k| far + k)
}

/// Sixteen bytes of a document from some place (zero past its end), to
/// test all at once.
struct Window([u8; 16]);

impl Window {
    #[inline]
    fn at(b: &[u8], i: usize) -> Window {
        Window(crate::swar::sixteen(b, i, 0))
    }

    /// For [`plain_path`]: where the bytes are `%`, `&`, `#`, `?` or white
    /// space (a URL that needs more than a look-up), where they are `/`,
    /// and where they are `.`.
    #[inline]
    fn path_marks(&self) -> (u32, u32, u32) {
        let is = |c: u8| self.equal(c);
        let awkward = is(b'%') | is(b'&') | is(b'#') | is(b'?') | is(b' ');
        let space = is(b'\t') | is(b'\n') | is(b'\r');
        (awkward | space, is(b'/'), is(b'.'))
    }

    /// Bit `k` set where byte `k` is `c`.
    #[inline]
    fn equal(&self, c: u8) -> u32 {
        // SAFETY: SSE2 is part of every x86-64 CPU.
        #[cfg(target_arch = "x86_64")]
        return unsafe { sse2::equal(&self.0, c) };
        #[cfg(not(target_arch = "x86_64"))]
        return (0..16).fold(0, |m, k| m | (u32::from(self.0[k] == c) << k));
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };

    #[target_feature(enable = "sse2")]
    fn load(bytes: &[u8; 16]) -> __m128i {
        // SAFETY: `bytes` is sixteen readable bytes; the load needs no alignment.
        unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) }
    }

    #[target_feature(enable = "sse2")]
    pub(super) fn equal(bytes: &[u8; 16], c: u8) -> u32 {
        _mm_movemask_epi8(_mm_cmpeq_epi8(load(bytes), _mm_set1_epi8(c as i8))) as u32
    }
}

/// [`BYTE_CLASS`] bits: ASCII white space, bytes of a tag name, bytes
/// that end an attribute name, and bytes that end an unquoted value.
const SPACE: u8 = 1;
const TAG_NAME: u8 = 2;
const ATTR_NAME_END: u8 = 4;
const UNQUOTED_END: u8 = 8;

static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_whitespace() {
            t[c] |= SPACE | ATTR_NAME_END | UNQUOTED_END;
        }
        if b.is_ascii_alphanumeric() || b == b'-' || b == b':' {
            t[c] |= TAG_NAME;
        }
        if matches!(b, b'=' | b'>' | b'/') {
            t[c] |= ATTR_NAME_END;
        }
        if b == b'>' {
            t[c] |= UNQUOTED_END;
        }
        c += 1;
    }
    t
};

static COMMENT_END: std::sync::LazyLock<memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memmem::Finder::new(b"-->"));

/// The closing tags of the raw-text elements, as `[lowercase, UPPERCASE]`,
/// in the order [`raw_text`] numbers them.
static RAW_TEXT_CLOSE: std::sync::LazyLock<[[memmem::Finder<'static>; 2]; 4]> =
    std::sync::LazyLock::new(|| {
        ["</script", "</style", "</textarea", "</title"].map(|c| {
            [
                memmem::Finder::new(c.as_bytes()),
                memmem::Finder::new(c.to_ascii_uppercase().as_bytes()).into_owned(),
            ]
        })
    });

/// Which raw-text element (`script`, `style`, `textarea`, `title`) a tag
/// name is, in any case: its text holds no tags to read.
fn raw_text(name: &[u8]) -> Option<usize> {
    let (k, want): (usize, &[u8]) = match (name.len(), name.first()? | 0x20) {
        (6, b's') => (0, b"script"),
        (5, b's') => (1, b"style"),
        (8, b't') => (2, b"textarea"),
        (5, b't') => (3, b"title"),
        _ => return None,
    };
    name.eq_ignore_ascii_case(want).then_some(k)
}

fn record<'a>(
    links: &mut Vec<Cow<'a, str>>,
    ids: &mut Vec<Cow<'a, str>>,
    tag: &[u8],
    attr: &[u8],
    value: &'a str,
) {
    // By length and first byte (either case) first: most attributes are
    // none of these.
    let Some(&first) = attr.first() else { return };
    let is = |n: &str| attr.eq_ignore_ascii_case(n.as_bytes());
    match (attr.len(), first | 0x20) {
        (2, b'i') if is("id") => ids.push(decode_entities(value)),
        (4, b'n') if is("name") && tag.eq_ignore_ascii_case(b"a") => {
            ids.push(decode_entities(value))
        }
        (4, b'h') if is("href") => links.push(Cow::Borrowed(value)),
        (3, b's') if is("src") => links.push(Cow::Borrowed(value)),
        (6, b'a') if is("action") => links.push(Cow::Borrowed(value)),
        (6, b'p') if is("poster") => links.push(Cow::Borrowed(value)),
        (6, b's') if is("srcset") => {
            for cand in value.split(',') {
                if let Some(url) = cand.split_whitespace().next() {
                    links.push(Cow::Borrowed(url));
                }
            }
        }
        _ => {}
    }
}

/// Decode the character references of an attribute value.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let ch = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Decode `%XX` escapes (invalid UTF-8 is replaced, never a panic).
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = b.get(i + 1..i + 3)
            && h.iter().all(u8::is_ascii_hexdigit)
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// Where a URL in a page points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest<'a> {
    /// A path inside the site (relative to the site root, no leading `/`,
    /// decoded), and a fragment if any.
    Internal {
        path: Cow<'a, str>,
        fragment: Option<Cow<'a, str>>,
    },
    /// An internal-looking path that leaves the site (above its base path).
    Outside,
    /// Another site, or a scheme such as `mailto:` or `tel:`.
    External,
}

/// Classify a URL (entities already decoded) found on a page whose
/// directory is `page_dir` (site-relative, ending in `/` or empty).
/// Allocates only when the URL needs joining or decoding.
pub fn classify<'a>(url: &'a str, page_dir: &'a str, base_url: &str, base_path: &str) -> Dest<'a> {
    let url = url.trim();
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(percent_decode(f))),
        None => (url, None),
    };
    let rest = rest.split('?').next().unwrap_or("");
    let path: Cow<str> = if let Some(r) = rest.strip_prefix(base_url) {
        Cow::Borrowed(r)
    } else if let Some(host) = rest.strip_prefix("//") {
        let ours = base_url.split_once("://").map_or("", |x| x.1);
        return match host.strip_prefix(ours) {
            Some(r) => internal(Cow::Borrowed(r), fragment),
            None if format!("{host}/") == ours => internal(Cow::Borrowed(""), fragment),
            None => Dest::External,
        };
    } else if has_scheme(rest) {
        // Our own address without the trailing slash is the home page.
        return if rest.len() + 1 == base_url.len() && base_url.starts_with(rest) {
            internal(Cow::Borrowed(""), fragment)
        } else {
            Dest::External
        };
    } else if rest.starts_with('/') {
        match rest.strip_prefix(base_path) {
            Some(r) => Cow::Borrowed(r),
            None if rest.len() + 1 == base_path.len() && base_path.starts_with(rest) => {
                Cow::Borrowed("")
            }
            None => return Dest::Outside,
        }
    } else if rest.is_empty() {
        Cow::Borrowed(page_dir)
    } else {
        Cow::Owned(format!("{page_dir}{rest}"))
    };
    internal(path, fragment)
}

fn internal<'a>(path: Cow<'a, str>, fragment: Option<Cow<'a, str>>) -> Dest<'a> {
    let decoded = match path {
        Cow::Borrowed(p) => percent_decode(p),
        Cow::Owned(p) => Cow::Owned(percent_decode(&p).into_owned()),
    };
    match normalise(decoded) {
        Some(path) => Dest::Internal { path, fragment },
        None => Dest::Outside,
    }
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) => {
            let scheme = &s[..i];
            !scheme.is_empty()
                && !scheme.contains(['/', '?', '#'])
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Resolve `.` and `..` segments; `None` when `..` climbs above the root.
fn normalise(path: Cow<'_, str>) -> Option<Cow<'_, str>> {
    let p: &str = &path;
    // Only `.` and `..` segments and doubled slashes need work.
    let dotty = p.starts_with('.') || p.contains("/.") || p.contains("//");
    if !dotty {
        return Some(path);
    }
    let trailing =
        p.ends_with('/') || p.ends_with("/.") || p.ends_with("/..") || p == "." || p == "..";
    let mut segs: Vec<&str> = Vec::new();
    for s in p.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop()?;
            }
            s => segs.push(s),
        }
    }
    let mut out = segs.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(Cow::Owned(out))
}

/// A root-relative link under the base path that needs no decoding or
/// normalising (`/hub/services/respite-care/`), as a site path.
fn plain_path<'a>(raw: &'a str, base_path: &str) -> Option<&'a str> {
    // Byte by byte rather than `strip_prefix`, whose call to `memcmp` costs
    // more than the comparison itself for a base path of a byte or a few,
    // on every link of every page.
    let (r, b) = (raw.as_bytes(), base_path.as_bytes());
    if r.len() < b.len() || !r.iter().zip(b).all(|(x, y)| x == y) {
        return None;
    }
    let p = raw.get(b.len()..)?;
    // Sixteen bytes at a time: `%`, `&`, `#`, `?` and white space, and `.`
    // or `/` just after a `/` (or at the start, which follows one).
    let bytes = p.as_bytes();
    let mut after_slash = 1u32;
    for at in (0..bytes.len()).step_by(16) {
        let w = Window::at(bytes, at);
        let (awkward, slash, dot) = w.path_marks();
        let here = (bytes.len() - at).min(16);
        let valid = (1u32 << here) - 1;
        let before_slash = (slash << 1) | after_slash;
        if (awkward | (before_slash & (slash | dot))) & valid != 0 {
            return None;
        }
        after_slash = (slash >> 15) & 1;
    }
    Some(p)
}

/// A URL (entities decoded) with no path, only perhaps a query or a
/// `#fragment`: a link to the document it is in.
fn same_document(url: &str) -> bool {
    url.trim()
        .split(['?', '#'])
        .next()
        .is_none_or(str::is_empty)
}

/// What made an output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Origin {
    Page(usize),
    Provider(usize),
    Generated,
}

/// The directory (site-relative) an output file is served from.
fn dir_of(out_path: &str) -> &str {
    match out_path.rfind('/') {
        Some(i) => &out_path[..=i],
        None => "",
    }
}

/// A link that goes nowhere.
#[derive(Debug, Clone)]
struct Broken {
    /// Output file holding the link.
    from: usize,
    /// The attribute value as written.
    raw: String,
    problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Problem {
    NoFile(String),
    NoAnchor { target: usize, fragment: String },
    Outside,
}

/// The published files, looked up by any path that serves them:
/// `a/b/index.html`, `a/b/` and `a/b` all find the same file.
///
/// Each folder's `index.html` is held once, under its folder (`a/b`), like
/// [`Known`], rather than under its three paths: a third of the entries,
/// no string made per folder, and one probe for a look-up (the check
/// makes one for most links of every page).
struct Files<'a> {
    by_key: FastMap<&'a str, Slot>,
    /// Whether some key ends in `/` (a path such as `a/` or `a//index.html`,
    /// never made by a build): only then can a path ending in `/` be a key.
    slash_keys: bool,
    /// The first file published as `/index.html` (never made by a build),
    /// which serves `` and `/` when nothing else does.
    root_slash: Option<usize>,
}

/// What one [`Files`] key serves. Where several files share a path, the
/// later one wins for the path itself and the earlier one for the paths
/// derived from it (`a/b/` and `a/b` for `a/b/index.html`).
#[derive(Clone, Copy, Default)]
struct Slot {
    /// The last file with exactly this path (not an `index.html`).
    file: Option<usize>,
    /// The last and the first `index.html` in the folder of this name
    /// (`` for the site's own `index.html`).
    index_last: Option<usize>,
    index_first: Option<usize>,
}

impl<'a> Files<'a> {
    fn new(paths: &[&'a str]) -> Self {
        let mut by_key: FastMap<&'a str, Slot> = FastMap::default();
        by_key.reserve(paths.len());
        let mut slash_keys = false;
        let mut root_slash = None;
        for (i, &p) in paths.iter().enumerate() {
            match index_folder(p) {
                Some(dir) => {
                    slash_keys |= dir.ends_with('/');
                    let slot = by_key.entry(dir).or_default();
                    slot.index_last = Some(i);
                    if !dir.is_empty() {
                        slot.index_first.get_or_insert(i);
                    }
                }
                None => {
                    slash_keys |= p.ends_with('/');
                    if p == "/index.html" {
                        root_slash.get_or_insert(i);
                    }
                    by_key.entry(p).or_default().file = Some(i);
                }
            }
        }
        Files {
            by_key,
            slash_keys,
            root_slash,
        }
    }

    fn slot(&self, key: &str) -> Slot {
        self.by_key.get(key).copied().unwrap_or_default()
    }

    /// The file `path` serves: a file with exactly that path (the last of
    /// them), else the first `index.html` of the folder it names.
    fn get(&self, path: &str) -> Option<usize> {
        // A file with exactly this path.
        let exact = if path.is_empty() {
            let s = self.slot("");
            s.file.max(s.index_last)
        } else if let Some(dir) = index_folder(path) {
            self.slot(dir).index_last
        } else if !path.ends_with('/') || self.slash_keys {
            self.slot(path).file
        } else {
            None
        };
        if exact.is_some() {
            return exact;
        }
        // The `index.html` of the folder `path` names, as `a/b` or `a/b/`.
        let first = |dir: &str| {
            if dir.is_empty() {
                self.root_slash
            } else {
                self.slot(dir).index_first
            }
        };
        match path.strip_suffix('/') {
            Some(dir) => {
                let here = if self.slash_keys { first(path) } else { None };
                let inner = first(dir);
                match (here, inner) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
            None => first(path),
        }
    }
}

/// Check every internal link of every HTML file; add diagnostics and
/// return the markdown link graph.
pub fn check(site: &Site, render: &RenderResult, diags: &mut Vec<Diagnostic>) -> LinkStats {
    check_published(
        site,
        render,
        &Published::from_outputs(&render.outputs),
        diags,
    )
}

/// [`check`] the files described by `published`.
pub fn check_published(
    site: &Site,
    render: &RenderResult,
    published: &Published,
    diags: &mut Vec<Diagnostic>,
) -> LinkStats {
    let paths = &published.paths;
    let files = Files::new(paths);
    let base_url = site.config.base_url.as_str();
    let base_path = site.config.base_path();

    // Each page's and provider's file found in parallel (an output path
    // made and looked up for each), then marked in order.
    let page_files: Vec<Option<usize>> = site
        .pages
        .par_iter()
        .map(|p| files.get(&output_path(&p.path)))
        .collect();
    let provider_files: Vec<Option<usize>> = site
        .providers
        .par_iter()
        .map(|p| files.get(&output_path(&p.path())))
        .collect();
    let mut origin = vec![Origin::Generated; paths.len()];
    for (i, o) in page_files.into_iter().enumerate() {
        if let Some(o) = o {
            origin[o] = Origin::Page(i);
        }
    }
    for (i, o) in provider_files.into_iter().enumerate() {
        if let Some(o) = o {
            origin[o] = Origin::Provider(i);
        }
    }

    let scans = &published.scans;

    let broken: Vec<Broken> = scans
        .par_iter()
        .enumerate()
        .flat_map_iter(|(from, s)| {
            let mut found = Vec::new();
            let Some(s) = s else { return found };
            let dir = dir_of(paths[from]);
            let mut seen: FastSet<&str> = FastSet::default();
            for raw in s.links.iter().map(|l| l.as_ref()) {
                // Most links are plain paths to pages that exist.
                if plain_path(raw, &base_path).is_some_and(|p| files.get(p).is_some()) {
                    continue;
                }
                if !seen.insert(raw) {
                    continue;
                }
                let url = decode_entities(raw);
                let problem = match classify(&url, dir, base_url, &base_path) {
                    Dest::External => continue,
                    Dest::Outside => Problem::Outside,
                    // `#x`, `?q` or nothing: this very file, which for a
                    // file other than its folder's index.html is not the
                    // folder's page.
                    Dest::Internal { fragment, .. } if same_document(&url) => match fragment {
                        Some(f) if !f.is_empty() && !s.ids.contains(&f) => Problem::NoAnchor {
                            target: from,
                            fragment: f.into_owned(),
                        },
                        _ => continue,
                    },
                    Dest::Internal { path, fragment } => match files.get(&path) {
                        None => Problem::NoFile(path.into_owned()),
                        Some(t) => match (fragment, scans.get(t).and_then(|x| x.as_deref())) {
                            (Some(f), Some(ts)) if !f.is_empty() && !ts.ids.contains(&f) => {
                                Problem::NoAnchor {
                                    target: t,
                                    fragment: f.into_owned(),
                                }
                            }
                            _ => continue,
                        },
                    },
                };
                found.push(Broken {
                    from,
                    raw: raw.to_string(),
                    problem,
                });
            }
            found
        })
        .collect();

    report(
        site, render, published, &files, &origin, &base_path, broken, diags,
    );
    stats(site, render, &files, &origin, base_url, &base_path)
}

/// Turn broken links into diagnostics: errors at the markdown or data that
/// made them, or (for links the theme or generated pages make) one warning
/// per target.
#[allow(clippy::too_many_arguments)]
fn report(
    site: &Site,
    render: &RenderResult,
    published: &Published,
    files: &Files,
    origin: &[Origin],
    base_path: &str,
    broken: Vec<Broken>,
    diags: &mut Vec<Diagnostic>,
) {
    let paths = &published.paths;
    let scans = &published.scans;
    let mut hints = Hints::new(site, render, paths, base_path, origin);
    let mut sources = LinkSources::default();
    let mut grouped: Vec<(Problem, String, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<(Problem, String), usize> = HashMap::new();
    for b in broken {
        let located = match origin[b.from] {
            Origin::Page(i) => sources
                .locate(site, render, i, &b.raw)
                .map(|span| (&site.pages[i].src, span)),
            Origin::Provider(i) => {
                let src = &site.providers[i].src;
                find_span(&src.text, 0, &b.raw).map(|span| (src, span))
            }
            Origin::Generated => None,
        };
        match located {
            Some((src, span)) => {
                let (message, code) = describe(site, paths, origin, base_path, &b);
                let hint = hints.hint(&b.problem, scans, files);
                diags.push(
                    Diagnostic::at(Severity::Error, code, src, span, message).with_hint(hint),
                );
            }
            None => match group_of.entry((b.problem.clone(), b.raw.clone())) {
                std::collections::hash_map::Entry::Occupied(e) => grouped[*e.get()].2.push(b.from),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(grouped.len());
                    grouped.push((b.problem, b.raw, vec![b.from]));
                }
            },
        }
    }
    for (problem, raw, froms) in grouped {
        let first = froms[0];
        let b = Broken {
            from: first,
            raw,
            problem,
        };
        let (message, code) = describe(site, paths, origin, base_path, &b);
        let examples: Vec<&str> = froms.iter().take(3).map(|&f| paths[f]).collect();
        let pages = if froms.len() == 1 {
            format!("on {}", examples[0])
        } else {
            format!("on {} pages, e.g. {}", froms.len(), examples.join(", "))
        };
        // Not the markdown's fault: name the data file, or else the theme.
        let path = match origin[first] {
            Origin::Provider(i) => site.providers[i].src.path.clone(),
            Origin::Page(_) | Origin::Generated => "theme".to_string(),
        };
        let hint = hints.hint(&b.problem, scans, files);
        // An editor cannot fix these in content: a warning (an error
        // under --strict), so an optional page the theme links to does not
        // stop every build.
        diags.push(
            Diagnostic::file(
                Severity::Warning,
                code,
                path,
                format!("{message} (made by the theme's templates or the site's data, {pages})"),
            )
            .with_hint(hint),
        );
    }
}

/// The message and code for a broken link.
fn describe(
    site: &Site,
    paths: &[&str],
    origin: &[Origin],
    base_path: &str,
    b: &Broken,
) -> (String, &'static str) {
    let raw = decode_entities(&b.raw);
    match &b.problem {
        Problem::NoFile(path) => (
            format!("the link `{raw}` goes nowhere: nothing is published at {base_path}{path}"),
            "broken-link",
        ),
        Problem::NoAnchor { fragment, .. } if raw.starts_with('#') => (
            format!(
                "the link `{raw}` goes nowhere: this page has no element with the id `{fragment}`"
            ),
            "broken-anchor",
        ),
        Problem::NoAnchor { target, fragment } => {
            let what = match origin[*target] {
                Origin::Page(i) => site.pages[i].src.path.as_str(),
                _ => paths[*target],
            };
            (
                format!(
                    "the link `{raw}` points at `#{fragment}`, but {what} has no element with that id"
                ),
                "broken-anchor",
            )
        }
        Problem::Outside => (
            format!("the link `{raw}` points outside the site (its pages are under {base_path})"),
            "link-outside-site",
        ),
    }
}

/// Nearest-target hints, computed lazily (they compare against every page).
struct Hints<'a> {
    site: &'a Site,
    render: &'a RenderResult,
    paths: &'a [&'a str],
    base_path: &'a str,
    origin: &'a [Origin],
    /// Published paths, and the source file behind each, if any.
    targets: Option<Vec<(String, Option<String>)>>,
    given: usize,
}

/// Nearest-target searches are capped so a site with thousands of broken
/// links still checks quickly; the rest get the general hint.
const MAX_NEAREST: usize = 200;

impl<'a> Hints<'a> {
    fn new(
        site: &'a Site,
        render: &'a RenderResult,
        paths: &'a [&'a str],
        base_path: &'a str,
        origin: &'a [Origin],
    ) -> Self {
        Hints {
            site,
            render,
            paths,
            base_path,
            origin,
            targets: None,
            given: 0,
        }
    }

    fn hint(&mut self, problem: &Problem, scans: &[Option<Arc<Scan>>], files: &Files) -> String {
        self.given += 1;
        let capped = self.given > MAX_NEAREST;
        match problem {
            Problem::NoFile(path) => {
                let general = "link to pages by their source file, e.g. [Getting care](@/accessing-care.md), so carehub can check and update the link".to_string();
                if capped {
                    return general;
                }
                let site = self.site;
                let targets = self.targets.get_or_insert_with(|| {
                    let mut t: Vec<(String, Option<String>)> = self
                        .paths
                        .iter()
                        .map(|&o| {
                            let p = o.strip_suffix("index.html").unwrap_or(o).to_string();
                            (p, None)
                        })
                        .collect();
                    for p in &site.pages {
                        if let Some(i) = files.get(&output_path(&p.path)) {
                            t[i].1 = Some(p.rel.clone());
                        }
                    }
                    t
                });
                let near = nearest(
                    path,
                    targets
                        .iter()
                        .map(|t| t.0.as_str())
                        .filter(|t| !t.is_empty()),
                );
                if near.is_empty() {
                    return general;
                }
                let shown: Vec<String> = near
                    .iter()
                    .map(|n| {
                        match targets
                            .iter()
                            .find(|t| t.0 == *n)
                            .and_then(|t| t.1.as_ref())
                        {
                            Some(rel) => format!("{}{n} (write @/{rel})", self.base_path),
                            None => format!("{}{n}", self.base_path),
                        }
                    })
                    .collect();
                format!("did you mean {}?", shown.join(" or "))
            }
            Problem::NoAnchor { target, fragment } => {
                let near = if capped {
                    Vec::new()
                } else {
                    let ids: Vec<&str> = scans
                        .get(*target)
                        .and_then(|s| s.as_ref())
                        .map(|s| {
                            let mut v: Vec<&str> = s.ids.iter().collect();
                            v.sort();
                            v
                        })
                        .unwrap_or_default();
                    nearest(fragment, ids.iter().copied())
                };
                if !near.is_empty() {
                    return format!(
                        "did you mean {}?",
                        near.iter()
                            .map(|n| format!("#{n}"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    );
                }
                let page = match self.origin.get(*target) {
                    Some(Origin::Page(i)) => self.render.rendered.get(*i),
                    _ => None,
                };
                match page {
                    Some(r) if !r.heading_ids.is_empty() => {
                        // A page with thousands of headings: name the first few.
                        const SHOWN: usize = 20;
                        let list = r
                            .heading_ids
                            .iter()
                            .take(SHOWN)
                            .map(|h| format!("#{h}"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        match r.heading_ids.len().checked_sub(SHOWN) {
                            Some(more) if more > 0 => {
                                format!("the headings there include: {list} and {more} more")
                            }
                            _ => format!("the headings there are: {list}"),
                        }
                    }
                    _ => "link to a heading that exists, or leave out the #fragment".into(),
                }
            }
            Problem::Outside => format!(
                "link to pages by their source file (@/file.md) or by a path under {}",
                self.base_path
            ),
        }
    }
}

/// Where in a page's source a link came from: its markdown link, or the
/// raw HTML in the markdown that holds it. Each page's links are indexed
/// once, so a page with thousands of broken links is still checked quickly.
#[derive(Default)]
struct LinkSources {
    by_page: HashMap<usize, HashMap<String, std::ops::Range<usize>>>,
}

impl LinkSources {
    fn locate(
        &mut self,
        site: &Site,
        render: &RenderResult,
        i: usize,
        raw: &str,
    ) -> Option<std::ops::Range<usize>> {
        let decoded = decode_entities(raw);
        let want = percent_decode(&decoded);
        let index = self.by_page.entry(i).or_insert_with(|| {
            let mut m = HashMap::new();
            if let Some(r) = render.rendered.get(i) {
                for ls in &r.link_sources {
                    m.entry(percent_decode(&ls.url).into_owned())
                        .or_insert_with(|| ls.span.clone());
                }
            }
            m
        });
        if let Some(span) = index.get(want.as_ref()) {
            return Some(span.clone());
        }
        let p = &site.pages[i];
        find_span(&p.src.text, p.body_offset, raw)
            .or_else(|| find_span(&p.src.text, p.body_offset, &decoded))
    }
}

/// The span of an attribute value `value` in `text` (after `from`), quoted
/// as HTML or TOML would have it.
fn find_span(text: &str, from: usize, value: &str) -> Option<std::ops::Range<usize>> {
    if value.is_empty() {
        return None;
    }
    let hay = text.get(from..)?;
    memmem::find(hay.as_bytes(), value.as_bytes())?;
    for q in ["\"", "'", "(", "<"] {
        let needle = format!("{q}{value}");
        if let Some(k) = hay.find(&needle) {
            let s = from + k + q.len();
            return Some(s..s + value.len());
        }
    }
    None
}

/// Count the links each page's markdown makes to other pages and providers.
fn stats(
    site: &Site,
    render: &RenderResult,
    files: &Files,
    origin: &[Origin],
    base_url: &str,
    base_path: &str,
) -> LinkStats {
    let n = site.pages.len();
    // Each page's distinct targets, in parallel; then count links in.
    let targets: Vec<Vec<Origin>> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let Some(r) = render.rendered.get(i) else {
                return Vec::new();
            };
            // A `#fragment` link's file is the page's own folder, which
            // classify would return as it is when it is a plain path.
            let own = plain_path(&p.path, "").map(|d| files.get(d));
            let mut t: Vec<Origin> = r
                .link_sources
                .iter()
                .filter_map(|ls| {
                    // Most are plain paths, perhaps with a fragment, which
                    // classify would return as they are (the fragment apart).
                    let rest = ls.url.split_once('#').map_or(ls.url.as_str(), |x| x.0);
                    let target = match (plain_path(rest, base_path), own) {
                        (_, Some(own)) if rest.is_empty() && !base_url.is_empty() => own,
                        (Some(path), _) if !rest.starts_with(base_url) => files.get(path),
                        _ => match classify(&ls.url, &p.path, base_url, base_path) {
                            Dest::Internal { path, .. } => files.get(&path),
                            _ => None,
                        },
                    };
                    target.map(|o| origin[o])
                })
                .filter(|o| *o != Origin::Page(i) && *o != Origin::Generated)
                .collect();
            t.sort_unstable_by_key(|o| match o {
                Origin::Page(j) => (0, *j),
                Origin::Provider(j) => (1, *j),
                Origin::Generated => (2, 0),
            });
            t.dedup();
            t
        })
        .collect();
    let mut links_in = vec![0usize; n];
    let links_out = targets.iter().map(Vec::len).collect();
    for t in &targets {
        for o in t {
            if let Origin::Page(j) = o {
                links_in[*j] += 1;
            }
        }
    }
    LinkStats {
        links_in,
        links_out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scanner as it was before it was made faster: the reference
    /// the property tests compare [`scan`] with.
    mod reference {
        use super::*;

        /// Read the tags of an HTML document, collecting `id`s (and `name`s of
        /// `a` elements) and URL attributes.
        pub(super) fn scan_ref(html: &str) -> Scan<'_> {
            let b = html.as_bytes();
            let len = b.len();
            let mut links = Vec::new();
            let mut ids = Vec::new();
            let mut i = 0;
            while let Some(off) = memchr(b'<', &b[i..]) {
                i += off + 1;
                match b.get(i) {
                    Some(b'!') => {
                        i = if b[i..].starts_with(b"!--") {
                            memmem::find(&b[i + 3..], b"-->").map_or(len, |k| i + 3 + k + 3)
                        } else {
                            memchr(b'>', &b[i..]).map_or(len, |k| i + k + 1)
                        };
                        continue;
                    }
                    Some(b'/') | Some(b'?') => {
                        i = memchr(b'>', &b[i..]).map_or(len, |k| i + k + 1);
                        continue;
                    }
                    Some(c) if c.is_ascii_alphabetic() => {}
                    _ => continue,
                }
                let name_start = i;
                while i < len && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
                    i += 1;
                }
                let name = &html[name_start..i];
                // Attributes, up to the end of the tag.
                loop {
                    while i < len && b[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    if i >= len {
                        break;
                    }
                    match b[i] {
                        b'>' => {
                            i += 1;
                            break;
                        }
                        b'/' | b'=' | b'"' | b'\'' | b'<' => {
                            i += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let an_start = i;
                    while i < len
                        && !b[i].is_ascii_whitespace()
                        && !matches!(b[i], b'=' | b'>' | b'/')
                    {
                        i += 1;
                    }
                    let attr = &html[an_start..i];
                    while i < len && b[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    if i < len && b[i] == b'=' {
                        i += 1;
                        while i < len && b[i].is_ascii_whitespace() {
                            i += 1;
                        }
                        let value = if i < len && (b[i] == b'"' || b[i] == b'\'') {
                            let q = b[i];
                            let vs = i + 1;
                            let ve = memchr(q, &b[vs..]).map_or(len, |k| vs + k);
                            i = (ve + 1).min(len);
                            &html[vs..ve]
                        } else {
                            let vs = i;
                            while i < len && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                                i += 1;
                            }
                            &html[vs..i]
                        };
                        record_ref(&mut links, &mut ids, name, attr, value);
                    }
                }
                // Raw text: skip to the closing tag.
                if ["script", "style", "textarea", "title"]
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(name))
                {
                    let close = format!("</{}", name.to_ascii_lowercase());
                    let finder = memmem::Finder::new(close.as_bytes());
                    let lower_hit = finder.find(&b[i..]);
                    let upper = close.to_ascii_uppercase();
                    i = match lower_hit.or_else(|| memmem::find(&b[i..], upper.as_bytes())) {
                        Some(k) => i + k,
                        None => len,
                    };
                }
            }
            Scan {
                ids: Ids::new(ids),
                links,
            }
        }

        fn record_ref<'a>(
            links: &mut Vec<Cow<'a, str>>,
            ids: &mut Vec<Cow<'a, str>>,
            tag: &str,
            attr: &str,
            value: &'a str,
        ) {
            let is = |n: &str| attr.eq_ignore_ascii_case(n);
            if is("id") || (is("name") && tag.eq_ignore_ascii_case("a")) {
                ids.push(decode_entities(value));
            } else if is("href") || is("src") || is("action") || is("poster") {
                links.push(Cow::Borrowed(value));
            } else if is("srcset") {
                for cand in value.split(',') {
                    if let Some(url) = cand.split_whitespace().next() {
                        links.push(Cow::Borrowed(url));
                    }
                }
            }
        }
    }
    use reference::scan_ref;

    #[test]
    fn owned_scan_keeps_every_id_once() {
        let s = scan(r#"<p id="b"></p><p id="a"></p><a name="c&amp;d"></a><p id="a"></p>"#);
        let o = s.into_owned("https://example.org/", &Known::new(Vec::new(), "/"));
        let mut ids: Vec<&str> = o.ids.iter().collect();
        ids.sort();
        assert_eq!(ids, ["a", "b", "c&d"]);
        assert_eq!(o.ids.len(), 3);
        for id in ["a", "b", "c&d"] {
            assert!(o.ids.contains(id), "{id}");
        }
        for id in ["", "c", "ab", "z", "0"] {
            assert!(!o.ids.contains(id), "{id}");
        }
    }

    #[test]
    fn kept_scan_leaves_out_only_links_the_check_would_pass() {
        let html = r##"<h2 id="a">A</h2><p id="b&amp;c">
<a href="#a">in page</a><a href="#">top</a><a href="#b&amp;c">entity</a><a href="#zz">missing</a>
<a href="#a ">space</a><a href="#%61">escaped</a><a href="/hub/x/">known</a><a href="/hub/y/">unknown</a>
<a href="https://h.org/hub/s/p/">self</a><a href="https://h.org/hub/s/">parent</a><a href="https://elsewhere.org/">out</a>"##;
        let known = Known::new(["x/index.html".to_string()], "/hub/");
        let kept = |path: &str| -> Vec<String> {
            let s = scan(html).into_kept(path, "https://h.org/hub/", &known);
            s.links.iter().map(|l| l.to_string()).collect()
        };
        let always = [
            "#b&amp;c",
            "#zz",
            "#a ",
            "#%61",
            "/hub/y/",
            "https://h.org/hub/s/",
        ];
        let mut want: Vec<&str> = always.to_vec();
        assert_eq!(kept("s/p/index.html"), want);
        // A file that is not a folder's index.html: its in-page links are
        // all left to the check.
        want = ["#a", "#", "#b&amp;c", "#zz", "#a ", "#%61", "/hub/y/"].to_vec();
        want.extend(["https://h.org/hub/s/p/", "https://h.org/hub/s/"]);
        assert_eq!(kept("s/p/other.html"), want);
        // into_owned (the dev server's) keeps every in-page link.
        let owned = scan(html).into_owned("https://h.org/hub/", &known);
        assert_eq!(owned.links.len(), 9);
        // Folders whose names need decoding are left to the check.
        assert_eq!(own_address("a%20b/index.html", "https://h.org/"), None);
        assert_eq!(own_address("./index.html", "https://h.org/"), None);
        assert_eq!(own_address("index.html", "https://h.org/"), Some(""));
        assert_eq!(own_address("index.html", ""), None);
        assert_eq!(own_address("xindex.html", "https://h.org/"), None);
        assert_eq!(
            own_address("a/b/index.html", "https://h.org/"),
            Some("a/b/")
        );
    }

    #[test]
    fn kept_scans_find_what_whole_scans_find() {
        use crate::check::testutil::{compile_files, page};
        let body = "## Sub\n\n## Café bar\n\n[a](#sub) [b](#nope) [c](#caf%C3%A9-bar) [d](#caf%C3%A9-x) [e](#)\n\
            [f](#Sub) [g](@/b.md#sub) [h](@/b.md#subb) [i](/b/#x) [j](https://hub.example.org/a/)\n\
            [k](https://hub.example.org/a/#nope) [l](https://hub.example.org/nowhere/) [m](/atom.xml)\n\n\
            <a href=\"#sub&amp;x\">n</a> <a href=\"#s&#117;b\">o</a> <a href=\"https://hub.example.org\">p</a>";
        let (_t, c) = compile_files(&[
            ("content/a.md", &page("A", "", body)),
            (
                "content/b.md",
                &page("B", "", "## Sub\n\n[back](@/a.md#nope)"),
            ),
        ]);
        let outputs = &c.render.outputs;
        let known = Known::new(outputs.iter().map(|o| o.path.clone()), "/");
        let kept = Published {
            paths: outputs.iter().map(|o| o.path.as_str()).collect(),
            scans: outputs
                .iter()
                .map(|o| {
                    scan_output(o)
                        .map(|s| Arc::new(s.into_kept(&o.path, &c.site.config.base_url, &known)))
                })
                .collect(),
        };
        let whole = Published::from_outputs(outputs);
        let (mut by_kept, mut by_whole) = (Vec::new(), Vec::new());
        check_published(&c.site, &c.render, &kept, &mut by_kept);
        check_published(&c.site, &c.render, &whole, &mut by_whole);
        let show = |ds: &[Diagnostic]| format!("{ds:#?}");
        assert_eq!(show(&by_kept), show(&by_whole));
        assert_eq!(by_whole.len(), 10, "{}", show(&by_whole));
        // Only the links the check has to look at are kept.
        let a = kept.paths.iter().position(|p| *p == "a/index.html");
        let a_links = &kept.scans[a.unwrap()].as_ref().unwrap().links;
        assert_eq!(
            a_links,
            &[
                "#nope",
                "#caf%C3%A9-bar",
                "#caf%C3%A9-x",
                "#Sub",
                "/b/#sub",
                "/b/#subb",
                "/b/#x",
                "https://hub.example.org/a/#nope",
                "https://hub.example.org/nowhere/",
                "#sub&amp;x",
                "/about/"
            ]
        );
    }

    #[test]
    fn scanner_reads_ids_and_urls_but_not_text_or_scripts() {
        let html = r#"<!DOCTYPE html><html><head><title>a <a href="/no/"></title>
<script type="application/ld+json">{"url": "<a href=\"/nope/\">"}</script>
<link rel=stylesheet href=/assets/x.css></head>
<body><!-- <a href="/commented/"> --><p id="top">Write href="/text/" in text &lt;a href="/esc/"&gt;</p>
<a href="/a/?q=1&amp;r=2#frag" class='x'>A</a><a name="old"></a><img src="i.png" srcset="i.png 1x, i2.png 2x" alt="">
<form action="/search/"><input id="q" disabled></form><a href='x' id=unq>x</a><broken <p"></body></html>"#;
        let s = scan(html);
        assert_eq!(
            s.links,
            [
                "/assets/x.css",
                "/a/?q=1&amp;r=2#frag",
                "i.png",
                "i.png",
                "i2.png",
                "/search/",
                "x"
            ]
        );
        let mut ids: Vec<&str> = s.ids.iter().collect();
        ids.sort();
        assert_eq!(ids, ["old", "q", "top", "unq"]);
    }

    /// The fields of a scan, to compare two scanners' results.
    fn scan_parts(s: &Scan) -> (Vec<String>, Vec<String>) {
        (
            s.links.iter().map(|l| l.to_string()).collect(),
            s.ids.iter().map(str::to_string).collect(),
        )
    }

    /// HTML-ish text made of the pieces the scanner reacts to.
    fn html_ish() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just("<"),
            Just(">"),
            Just("</"),
            Just("<!--"),
            Just("-->"),
            Just("<!"),
            Just("<?"),
            Just("/"),
            Just("="),
            Just("\""),
            Just("'"),
            Just(" "),
            Just("\n"),
            Just("\t"),
            Just(","),
            Just("&amp;"),
            Just("#"),
            Just("é"),
            Just("x"),
            Just("1x"),
            Just("a"),
            Just("A"),
            Just("p"),
            Just("img"),
            Just("id"),
            Just("ID"),
            Just("name"),
            Just("href"),
            Just("HREF"),
            Just("src"),
            Just("srcset"),
            Just("action"),
            Just("poster"),
            Just("class"),
            Just("iD"),
            Just("nAme"),
            Just("hreff"),
            Just("script"),
            Just("SCRIPT"),
            Just("Script"),
            Just("style"),
            Just("title"),
            Just("TITLE"),
            Just("textarea"),
            Just("</script"),
            Just("</SCRIPT"),
            Just("</title"),
            Just("<a href=\"/x/\">"),
            Just("<p id=top>"),
            Just("<a name='n'>"),
            Just("<img srcset=\"a.png 1x, b.png 2x\">"),
            Just("<script>"),
            Just("<title>"),
        ];
        prop_oneof![
            proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat()),
            any::<String>(),
        ]
    }

    proptest::proptest! {
        #[test]
        fn scanner_matches_the_reference_on_generated_html(html in html_ish()) {
            proptest::prop_assert_eq!(scan_parts(&scan(&html)), scan_parts(&scan_ref(&html)));
        }
    }

    #[test]
    fn scanner_matches_the_reference_on_the_example_site() {
        use crate::pipeline::{SiteOptions, compile};
        let (c, d) = compile(&SiteOptions {
            root: env!("CARGO_MANIFEST_DIR").into(),
            ..Default::default()
        });
        let c = c.unwrap_or_else(|| panic!("example site: {:?}", d.items));
        let mut pages = 0;
        for o in &c.render.outputs {
            let Ok(html) = std::str::from_utf8(&o.bytes) else {
                continue;
            };
            if !o.path.ends_with(".html") {
                continue;
            }
            pages += 1;
            let (new, old) = (scan_parts(&scan(html)), scan_parts(&scan_ref(html)));
            assert!(!new.0.is_empty(), "{}", o.path);
            assert_eq!(new, old, "{}", o.path);
            // Every cut of a real page, too (a truncated write).
            for cut in (0..html.len())
                .step_by(97)
                .filter(|&k| html.is_char_boundary(k))
            {
                let h = &html[..cut];
                assert_eq!(
                    scan_parts(&scan(h)),
                    scan_parts(&scan_ref(h)),
                    "{} at {cut}",
                    o.path
                );
            }
        }
        assert!(pages > 20, "{pages} pages");
    }

    /// Timing of both scanners on every HTML file under `CAREHUB_SCAN_DIR`
    /// (a build's output): `cargo test --release -- --ignored scan_timing`.
    #[test]
    #[ignore]
    fn scan_timing() {
        let Ok(dir) = std::env::var("CAREHUB_SCAN_DIR") else {
            return;
        };
        let mut files = Vec::new();
        let mut todo = vec![std::path::PathBuf::from(dir)];
        while let Some(d) = todo.pop() {
            for e in std::fs::read_dir(d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    todo.push(p);
                } else if p.extension().is_some_and(|x| x == "html") {
                    files.push(std::fs::read_to_string(p).unwrap());
                }
            }
        }
        for f in &files {
            assert_eq!(scan_parts(&scan(f)), scan_parts(&scan_ref(f)));
        }
        for round in 0..3 {
            let t = std::time::Instant::now();
            let n: usize = files.iter().map(|f| scan_ref(f).links.len()).sum();
            let old = t.elapsed();
            let t = std::time::Instant::now();
            let m: usize = files.iter().map(|f| scan(f).links.len()).sum();
            let new = t.elapsed();
            assert_eq!(n, m);
            eprintln!(
                "round {round}: {} files, old {old:?}, new {new:?}",
                files.len()
            );
        }
    }

    #[test]
    fn byte_search_finds_the_first_in_the_window_and_beyond() {
        for c in 0..=255u8 {
            for k in 0..16 {
                let mut bytes: [u8; 16] =
                    std::array::from_fn(|j| (j as u8).wrapping_mul(41).wrapping_add(c));
                bytes[k] = c;
                let w = Window(bytes);
                let want = (0..16).fold(0, |m, j| m | (u32::from(bytes[j] == c) << j));
                assert_eq!(w.equal(c), want, "{bytes:?}");
            }
        }
        // Every start and every place of the byte, in the first sixteen
        // bytes and beyond; nothing past the end (zero-padded) is found.
        for (b, from, want) in crate::check::testutil::one_byte_searches(b'<', 40) {
            assert_eq!(find_byte(b'<', &b, from), want, "{b:?} from {from}");
            assert_eq!(find_byte(0, &b, from), None);
        }
    }

    #[test]
    fn scanner_survives_truncated_and_hostile_html() {
        for h in [
            "<",
            "<a",
            "<a href",
            "<a href=",
            "<a href=\"",
            "<!--",
            "<script>",
            "<a =x>",
            "<<<>>>",
            "<é é=\"é\">",
        ] {
            let _ = scan(h);
        }
    }

    #[test]
    fn entities_and_percent_escapes() {
        assert_eq!(
            decode_entities("a&amp;b&#39;c&#x27;&bogus;&"),
            "a&b'c'&bogus;&"
        );
        assert_eq!(percent_decode("caf%C3%A9%20x%2"), "café x%2");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
    }

    /// [`Files`] as it was, a key for each path that serves a file: the
    /// reference the folder-keyed table is compared with.
    fn files_by_path<'a>(paths: &[&'a str]) -> FastMap<Cow<'a, str>, usize> {
        let mut by_path = FastMap::default();
        for (i, &p) in paths.iter().enumerate() {
            by_path.insert(Cow::Borrowed(p), i);
            if p == "index.html" {
                by_path.insert(Cow::Borrowed(""), i);
            } else if let Some(dir) = p.strip_suffix("/index.html") {
                by_path.entry(Cow::Owned(format!("{dir}/"))).or_insert(i);
                by_path.entry(Cow::Borrowed(dir)).or_insert(i);
            }
        }
        by_path
    }

    proptest::proptest! {
        #[test]
        fn files_find_what_a_key_per_path_finds(
            // Paths from a few parts, with repeats, empty parts and
            // `index.html` anywhere, so that every odd case comes up.
            paths in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec!["a", "b", "index.html", "", "x.css"]),
                    1..4,
                ),
                0..12,
            ),
            extra in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec!["a", "b", "index.html", "", "x.css"]),
                    1..4,
                ),
                0..12,
            ),
        ) {
            let paths: Vec<String> = paths.iter().map(|p| p.join("/")).collect();
            let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
            let files = Files::new(&refs);
            let want = files_by_path(&refs);
            let queries = paths
                .iter()
                .chain(&extra.iter().map(|p| p.join("/")).collect::<Vec<_>>())
                .flat_map(|p| [p.clone(), format!("{p}/"), format!("{p}/index.html")])
                .chain(["".to_string(), "/".to_string(), "index.html".to_string()])
                .collect::<Vec<_>>();
            for q in &queries {
                proptest::prop_assert_eq!(files.get(q), want.get(q.as_str()).copied(), "{:?} in {:?}", q, refs);
            }
        }
    }

    #[test]
    fn known_files_are_found_by_every_path_that_serves_them() {
        // Paths held in place and paths too long for that, either side of
        // the limit, as folders and as files.
        let at = "f".repeat(INLINE);
        let over = "g".repeat(INLINE + 1);
        let long_dir = format!("{over}/index.html");
        let at_dir = format!("{at}/index.html");
        let paths = [
            "index.html",
            "a/b/index.html",
            "assets/x.css",
            "about",
            "c/index.html",
            "c/d.html",
            "/index.html",
            at.as_str(),
            over.as_str(),
            long_dir.as_str(),
            at_dir.as_str(),
        ];
        let known = Known::new(paths.map(String::from), "/");
        // What the set held before: each path, and each folder's
        // index.html also as `a/b/` and `a/b` (`` for the root's).
        let mut old = std::collections::HashSet::new();
        for p in paths {
            if p == "index.html" {
                old.insert(String::new());
            } else if let Some(dir) = p.strip_suffix("/index.html") {
                old.insert(format!("{dir}/"));
                old.insert(dir.to_string());
            }
            old.insert(p.to_string());
        }
        for q in [
            "",
            "index.html",
            "a/b/",
            "a/b",
            "a/b/index.html",
            "a/",
            "a",
            "a/index.html",
            "assets/x.css",
            "assets/x.css/",
            "assets/",
            "about",
            "about/",
            "about/index.html",
            "c",
            "c/",
            "c/d.html",
            "c/d",
            "c/d.html/",
            "b/",
            "x",
            "index",
            "index.html/",
        ]
        .into_iter()
        .map(String::from)
        .chain([&at, &over].into_iter().flat_map(|p| {
            [
                p.clone(),
                format!("{p}/"),
                format!("{p}/index.html"),
                p[1..].to_string(),
                format!("{p}x"),
            ]
        })) {
            assert_eq!(known.contains(&q), old.contains(&q), "{q:?}");
        }
        // A page's own address, and what only looks like it.
        let base = "https://h.org/";
        assert!(is_address("https://h.org/a/b/", base, "a/b/"));
        assert!(is_address("https://h.org/", base, ""));
        for l in [
            "https://h.org/a/c/",
            "https://h.org/a/b",
            "http://h.org/a/b/x",
            "/a/b/",
        ] {
            assert!(!is_address(l, base, "a/b/"), "{l}");
        }
        // `/index.html` (never an output path) stands for no folder.
        assert!(known.contains("/index.html"));
        assert!(!Known::new(["/index.html".to_string()], "/").contains(""));
    }

    /// [`plain_path`] a byte at a time, as first written.
    fn plain_path_ref<'a>(raw: &'a str, base_path: &str) -> Option<&'a str> {
        let p = raw.strip_prefix(base_path)?;
        let mut prev = b'/';
        for &c in p.as_bytes() {
            let awkward = matches!(c, b'%' | b'&' | b'#' | b'?' | b' ' | b'\t' | b'\n' | b'\r')
                || (prev == b'/' && (c == b'.' || c == b'/'));
            if awkward {
                return None;
            }
            prev = c;
        }
        Some(p)
    }

    proptest::proptest! {
        #[test]
        fn plain_paths_match_the_byte_loop(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "bc", "/", "/", ".", "..", "-", "%", "&", "#", "?", " ", "\t",
                    "\n", "\r", "\x0b", "é", "index.html", "assets", "x.1a.css",
                ]),
                0..30,
            ),
            base in proptest::sample::select(vec!["", "/", "/hub/"]),
        ) {
            let raw = format!("{base}{}", parts.concat());
            proptest::prop_assert_eq!(plain_path(&raw, base), plain_path_ref(&raw, base), "{:?}", raw);
            proptest::prop_assert_eq!(plain_path(&raw[base.len()..], ""), plain_path_ref(&raw[base.len()..], ""));
        }
    }

    #[test]
    fn plain_paths_take_the_fast_way() {
        // A plain path is what classify makes of it (unless it starts with
        // base_url), so the check can skip classify for it.
        for url in [
            "/hub/a/b/",
            "/hub/assets/x.1a.css",
            "/hub/",
            "/hub/a:b/c",
            "/hub/é/",
        ] {
            let p = plain_path(url, "/hub/").unwrap();
            assert_eq!(
                classify(url, "d/", "https://h.org/hub/", "/hub/"),
                Dest::Internal {
                    path: Cow::Borrowed(p),
                    fragment: None
                },
                "{url}"
            );
        }
        assert_eq!(plain_path("/hub/a/b/", "/hub/"), Some("a/b/"));
        assert_eq!(
            plain_path("/hub/assets/x.1a.css", "/hub/"),
            Some("assets/x.1a.css")
        );
        for awkward in [
            "/hub/a/../b/",
            "/hub/./a",
            "/hub//a",
            "/hub/a#x",
            "/hub/a?q",
            "/hub/caf%C3%A9/",
            "/hub/a&amp;b",
            "/other/",
            "rel/",
        ] {
            assert_eq!(plain_path(awkward, "/hub/"), None, "{awkward}");
        }
        // `/.` and `//` wherever they fall in the sixteen-byte steps.
        for k in 0..40 {
            let a = "a".repeat(k);
            for bad in ["/.", "//", "/..", "%", "?"] {
                let p = format!("{a}{bad}b");
                assert_eq!(plain_path(&p, ""), None, "{p}");
            }
            let p = format!("{a}x/b.c/d");
            assert_eq!(plain_path(&p, ""), Some(p.as_str()));
        }
    }

    #[test]
    fn classify_urls() {
        fn c(u: &str) -> Dest<'_> {
            classify(u, "services/respite/", "https://h.org/hub/", "/hub/")
        }
        let int = |p: &str, f: Option<&str>| Dest::Internal {
            path: Cow::Owned(p.to_string()),
            fragment: f.map(|f| Cow::Owned(f.to_string())),
        };
        assert_eq!(c("/hub/faq/#x"), int("faq/", Some("x")));
        assert_eq!(c("/hub"), int("", None));
        assert_eq!(c("https://h.org/hub/a/"), int("a/", None));
        assert_eq!(c("https://h.org/hub"), int("", None));
        assert_eq!(c("//h.org/hub/b/"), int("b/", None));
        assert_eq!(c("#top"), int("services/respite/", Some("top")));
        assert_eq!(c(""), int("services/respite/", None));
        assert_eq!(c("../day/?x=1"), int("services/day/", None));
        assert_eq!(c("./x.png"), int("services/respite/x.png", None));
        assert_eq!(c("../../../../x"), Dest::Outside);
        assert_eq!(c("/other/"), Dest::Outside);
        assert_eq!(c("mailto:a@b.org"), Dest::External);
        assert_eq!(c("tel:+441234"), Dest::External);
        assert_eq!(c("https://www.nhs.uk/"), Dest::External);
        assert_eq!(c("//cdn.example/x.js"), Dest::External);
        assert_eq!(c("/hub/caf%C3%A9/"), int("café/", None));
    }

    #[test]
    fn broken_links_point_at_their_markdown_with_nearest_targets() {
        use crate::check::testutil::{compile_files, page};
        let body = "See [respite](../respite-care/), [oops](/respit-care/), [anchor](@/b.md#sub) and\n[bad anchor](@/b.md#sbu) and [same](#nowhere).\n\n<a href=\"/raw-html/\">raw</a>";
        let (_t, c) = compile_files(&[
            ("content/a.md", &page("A", "", body)),
            ("content/b.md", &page("B", "", "## Sub\n\nText.")),
            ("content/respite-care.md", &page("Respite", "", "Text.")),
        ]);
        let mut diags = Vec::new();
        let stats = check(&c.site, &c.render, &mut diags);
        let mine: Vec<&Diagnostic> = diags.iter().filter(|d| d.path == "content/a.md").collect();
        let got: Vec<(&str, usize)> = mine.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(got.len(), 4, "{mine:#?}");
        assert!(got.contains(&("broken-link", 12)));
        assert!(got.contains(&("broken-anchor", 13)));
        let oops = mine
            .iter()
            .find(|d| d.message.contains("/respit-care/"))
            .unwrap();
        assert!(
            oops.hint
                .as_deref()
                .unwrap()
                .contains("/respite-care/ (write @/respite-care.md)"),
            "{:?}",
            oops.hint
        );
        let anchor = mine.iter().find(|d| d.message.contains("#sbu")).unwrap();
        assert!(
            anchor.hint.as_deref().unwrap().contains("#sub"),
            "{:?}",
            anchor.hint
        );
        assert!(mine.iter().any(|d| d.message.contains("#nowhere")));
        assert!(
            mine.iter()
                .any(|d| d.message.contains("/raw-html/") && d.line == 15),
            "{mine:#?}"
        );
        let a = c.site.by_rel["a.md"];
        let b = c.site.by_rel["b.md"];
        assert_eq!(stats.links_out[a], 2, "b and respite-care");
        assert_eq!(stats.links_in[b], 1);
    }
}
