//! The search index format: a compact inverted index split into small
//! script files, so a browser loads only the parts one query needs, from a
//! web server or straight from disk (`file://`), with no `fetch()`.
//!
//! Files, all under `search/<version>/` (the version is a hash of the whole
//! index, so a changed site never mixes old and new parts in a cache):
//! - `m.js`: the manifest, `window.carehubSearchIndex = {...}`: the first
//!   term of every shard, the stop words, the number of documents.
//! - `t<N>.js`: term shard N, `carehubSearch.t(N, "term postings,term postings,...")`.
//!   Terms are sorted (by UTF-16 code units, as JavaScript compares strings)
//!   and packed into shards of about [`SHARD_TARGET`] bytes.
//! - `d<N>.js`: documents `N*DOC_CHUNK ..`, `carehubSearch.d(N, [[path, title, kind, description, [[id, heading], ...]], ...])`.
//!
//! Postings are numbers in a variable-length base-32 code: every digit but
//! the last is a character of [`CONT`], the last one of [`TERM`]. Each
//! posting is `(doc_delta << 5) | weight`, where `weight` (1..=31) ranks title
//! matches above heading matches above metadata above body text.
//! `themes/default/assets/search.js` reads this format; [`Index`] reads it
//! too, for tests and for checking the JavaScript's answers.

use crate::check::readability::WordFeed;
use crate::check::{FastMap, FastSet};
use crate::render::Output;
use crate::render::jsonld::to_script_json;
use crate::swar::{self, HIGH, ONES, bytes_in};
use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// Version of the file format, in the manifest.
pub const FORMAT: u32 = 1;
/// Aimed-for size of one term shard, in bytes.
pub const SHARD_TARGET: usize = 12 * 1024;
/// Documents per document file.
pub const DOC_CHUNK: usize = 8;
/// The last word of a query matches as a prefix once it has this many characters.
pub const MIN_PREFIX: usize = 3;
/// At most this many shards are loaded to expand a prefix.
pub const MAX_PREFIX_SHARDS: usize = 3;
/// Final digits of a posting number.
pub const TERM: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// Leading digits of a posting number.
pub const CONT: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
/// Longest word indexed, in characters.
const MAX_WORD: usize = 40;
/// Longest description kept for showing a result, in characters.
const MAX_DESCRIPTION: usize = 160;
/// Most headings kept per document for showing a result.
const MAX_HEADINGS: usize = 40;

/// Where text of a document was found; decides its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Heading,
    /// Description, services, conditions, provider names, postcode districts.
    Meta,
    Body,
}

/// One searchable document (a page or a provider).
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// Site path, e.g. `services/respite-care/` (empty for the home page).
    pub path: String,
    pub title: String,
    /// What it is, shown beside the title ("Service", "Hospice").
    pub kind: String,
    pub description: String,
    /// Heading ids and texts, for links straight to a matching section.
    pub headings: Vec<(String, String)>,
    /// Indexed text with where it came from (the title is indexed as well).
    pub text: Vec<(Field, String)>,
}

/// The built index: its files and the manifest's path.
#[derive(Debug, Clone)]
pub struct Built {
    pub files: Vec<Output>,
    /// Path of the manifest under the output folder, e.g. `search/1a2b3c4d5e/m.js`.
    pub manifest: String,
}

/// Lower-case, strip accents (combining diacritical marks after NFD), drop
/// apostrophes, split on anything that is not alphabetic or numeric, and
/// stem. `search.js` does exactly the same.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w, _| out.push(stem(w)));
    out
}

/// Call `f` with each word of `text`, folded as [`tokenize`] folds it (not
/// yet stemmed), and with bytes that hold it and where (`(b, at)` with
/// `b[at..at + w.len()] == w`: the text itself when folding left the word as
/// it was), so that it can be read eight bytes at a time. ASCII, nearly all
/// of most sites' text, takes a fast path.
fn for_each_word(text: &str, mut f: impl FnMut(&str, (&[u8], usize))) {
    // Split on ASCII separators first: a run of plain lower-case ASCII
    // letters and digits (most words) is passed on without copying;
    // anything beyond ASCII goes through the full Unicode folding. The
    // text is read 64 bytes at a time into bit masks (separators, and bytes
    // that need folding), and words are found in the masks: no branch on
    // each byte.
    let b = text.as_bytes();
    let mut emit = |start: usize, end: usize, odd: bool| {
        // `start` and `end` are at ASCII bytes (or the end): character boundaries.
        let w = &text[start..end];
        if !odd {
            if w.len() <= MAX_WORD {
                f(w, (b, start));
            }
        } else if !w.is_ascii() {
            fold_words(w, |x| f(x, (x.as_bytes(), 0)));
        } else {
            // Lower-case, without apostrophes, on the stack.
            let mut buf = [0u8; MAX_WORD];
            let mut len = 0;
            for &c in w.as_bytes() {
                if c != b'\'' {
                    if len == MAX_WORD {
                        return;
                    }
                    buf[len] = c.to_ascii_lowercase();
                    len += 1;
                }
            }
            if let Ok(x) = std::str::from_utf8(&buf[..len])
                && !x.is_empty()
            {
                f(x, (&buf, 0));
            }
        }
    };
    // The word being read: where it started and whether it needs folding.
    let mut word: Option<(usize, bool)> = None;
    for (block, chunk) in b.chunks(64).enumerate() {
        let base = block * 64;
        let (mut sep, mut odd) = (0u64, 0u64);
        for (j, eight) in chunk.chunks(8).enumerate() {
            let (s, o) = classify8(eight);
            sep |= s << (8 * j);
            odd |= o << (8 * j);
        }
        let mut k = 0u32;
        while k < 64 {
            match word {
                Some((start, folds)) => {
                    let rest = sep >> k;
                    if rest == 0 {
                        // The word goes on past this block (or to the end).
                        word = Some((start, folds || odd >> k != 0));
                        break;
                    }
                    let e = k + rest.trailing_zeros();
                    let folds = folds || (odd >> k) & ((1u64 << (e - k)) - 1) != 0;
                    emit(start, base + e as usize, folds);
                    word = None;
                    k = e;
                }
                None => {
                    let rest = !sep >> k;
                    if rest == 0 {
                        break;
                    }
                    k += rest.trailing_zeros();
                    if base + k as usize >= b.len() {
                        break;
                    }
                    word = Some((base + k as usize, false));
                }
            }
        }
    }
    if let Some((start, folds)) = word {
        emit(start, b.len(), folds);
    }
}

// Byte classes for [`for_each_word`] (the reference for [`classify8`]).
/// A lower-case ASCII letter or a digit.
#[cfg(test)]
const PLAIN: u8 = 0;
/// An upper-case ASCII letter or an apostrophe: part of a word, folded.
#[cfg(test)]
const FOLD: u8 = 1;
/// A byte of a character beyond ASCII.
#[cfg(test)]
const BEYOND_ASCII: u8 = 2;
/// Any other ASCII character.
#[cfg(test)]
const SEPARATOR: u8 = 4;
#[cfg(test)]
static WORD_CLASS: [u8; 256] = {
    let mut t = [SEPARATOR; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            t[c] = PLAIN;
        } else if b.is_ascii_uppercase() || b == b'\'' {
            t[c] = FOLD;
        } else if b >= 0x80 {
            t[c] = BEYOND_ASCII;
        }
        c += 1;
    }
    t
};

/// Gather the top bit of each byte into eight bits (byte `k` to bit `k`).
#[inline]
fn top_bits(m: u64) -> u64 {
    ((m >> 7) & ONES).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The [`WORD_CLASS`] masks of up to eight bytes, found eight at a time
/// (cheaper than a table look-up per byte): bit `k` of the first is set
/// when byte `k` is a [`SEPARATOR`], of the second when it is [`FOLD`] or
/// [`BEYOND_ASCII`]. Bits past the end are clear.
#[inline]
fn classify8(eight: &[u8]) -> (u64, u64) {
    // Past the end: a plain letter, which sets neither bit.
    let x = swar::load(eight, b'a');
    let beyond = x & HIGH;
    let y = x & !HIGH;
    let plain = bytes_in(y, b'a', b'z') | bytes_in(y, b'0', b'9');
    let fold = bytes_in(y, b'A', b'Z') | bytes_in(y, b'\'', b'\'');
    let sep = !(plain | fold) & !beyond & HIGH;
    let odd = (fold & !beyond) | beyond;
    (top_bits(sep), top_bits(odd))
}

/// [`for_each_word`] for text with characters beyond ASCII.
fn fold_words(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    let mut chars = 0usize;
    let mut flush = |word: &mut String, chars: &mut usize| {
        if !word.is_empty() && *chars <= MAX_WORD {
            f(word);
        }
        word.clear();
        *chars = 0;
    };
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                word.push(c.to_ascii_lowercase());
                chars += 1;
            } else if c != '\'' {
                flush(&mut word, &mut chars);
            }
            continue;
        }
        let mut parts: [char; 4] = ['\0'; 4];
        let mut n = 0;
        let mut long: Vec<char> = Vec::new();
        unicode_normalization::char::decompose_canonical(c, |d| {
            if n < parts.len() {
                parts[n] = d;
                n += 1;
            } else {
                long.push(d);
            }
        });
        for d in parts[..n].iter().copied().chain(long) {
            if ('\u{300}'..='\u{36f}').contains(&d) || d == '\u{2019}' {
                continue;
            }
            for l in d.to_lowercase() {
                if l.is_alphanumeric() {
                    word.push(l);
                    chars += 1;
                } else {
                    flush(&mut word, &mut chars);
                }
            }
        }
    }
    flush(&mut word, &mut chars);
}

/// A light plural stemmer: `services` -> `service`, `therapies` -> `therapy`.
pub fn stem(w: &str) -> String {
    stem_cow(w).into_owned()
}

fn stem_cow(w: &str) -> Cow<'_, str> {
    let n = if w.is_ascii() {
        w.len()
    } else {
        w.chars().count()
    };
    if n > 4 && w.ends_with("ies") {
        return Cow::Owned(format!("{}y", &w[..w.len() - 3]));
    }
    if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return Cow::Borrowed(&w[..w.len() - 1]);
    }
    Cow::Borrowed(w)
}

/// Words too common to index, for English sites.
pub fn stop_words(language: &str) -> Vec<&'static str> {
    if !language.to_ascii_lowercase().starts_with("en") {
        return Vec::new();
    }
    vec![
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "if", "in", "into",
        "is", "it", "its", "of", "on", "or", "so", "than", "that", "the", "their", "them", "then",
        "there", "these", "they", "this", "to", "was", "were", "will", "with",
    ]
}

#[derive(Default, Clone, Copy)]
struct Counts {
    title: bool,
    heading: u32,
    meta: u32,
    body: u32,
}

impl Counts {
    /// Count `n` more uses in field `f` (title, heading, meta, body).
    fn add(&mut self, f: usize, n: u32) {
        match f {
            0 => self.title |= n > 0,
            1 => self.heading += n,
            2 => self.meta += n,
            _ => self.body += n,
        }
    }
}

/// The weight of a term in a document, 1..=31.
fn weight(c: &Counts, title_words: usize) -> u32 {
    let title = if c.title {
        20 + 6 - title_words.clamp(1, 6) as u32
    } else {
        0
    };
    let heading = if c.heading > 0 {
        12 + (c.heading - 1).min(3)
    } else {
        0
    };
    let meta = if c.meta > 0 {
        8 + (c.meta - 1).min(3)
    } else {
        0
    };
    let body = if c.body > 0 {
        (1 + c.body.ilog2()).min(7)
    } else {
        0
    };
    let parts = [title, heading, meta, body];
    let best = parts.iter().copied().max().unwrap_or(0);
    let others = parts.iter().filter(|&&p| p > 0).count() > 1;
    (best + u32::from(others)).clamp(1, 31)
}

fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Append `n` in the posting code.
pub fn encode_number(mut n: u64, out: &mut String) {
    let mut digits = [0u8; 13];
    let mut len = 0;
    loop {
        digits[len] = (n & 31) as u8;
        len += 1;
        n >>= 5;
        if n == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        let table = if i == 0 { TERM } else { CONT };
        out.push(table[digits[i] as usize] as char);
    }
}

/// Read posting numbers; `None` if the text is not in the posting code.
pub fn decode_numbers(s: &str) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    let mut acc: u64 = 0;
    for b in s.bytes() {
        if let Some(d) = CONT.iter().position(|&c| c == b) {
            acc = acc.checked_mul(32)?.checked_add(d as u64)?;
        } else if let Some(d) = TERM.iter().position(|&c| c == b) {
            out.push(acc.checked_mul(32)?.checked_add(d as u64)?);
            acc = 0;
        } else {
            return None;
        }
    }
    Some(out)
}

/// `s` with its white space collapsed, shortened to about `max`
/// characters on a word boundary (adding "…"). Text that needs neither (an
/// ASCII heading, nearly always) is returned as it is, without a copy.
fn truncate_chars(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max && is_collapsed_ascii(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(truncate_owned(s, max))
}

/// Whether `s` is ASCII that collapsing white space leaves as it is: not
/// empty, single spaces between words, none at either end, and no other
/// white space.
fn is_collapsed_ascii(s: &str) -> bool {
    // A space may not come first, nor after another.
    let mut after_space = true;
    for &c in s.as_bytes() {
        let space = c == b' ';
        if c >= 0x80 || (b'\t'..=b'\r').contains(&c) || (space && after_space) {
            return false;
        }
        after_space = space;
    }
    !after_space
}

fn truncate_owned(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        return s;
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}\u{2026}", cut.trim_end_matches([',', '.', ';', ':']))
}

/// A document's terms and their weights, each as one number: the term's
/// number in its [`Indexer`]'s table, shifted left five bits, with the
/// weight (1..=31) below. Four bytes a term, so a large site's terms take
/// little memory until the index is built, and the index finds each
/// term's postings by its number, without hashing its text again.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    packed: Vec<u32>,
}

/// A document as the index keeps it: what a result shows, and its terms.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Site path, for ordering.
    pub path: String,
    /// `[path, title, kind, description, [[id, heading], ...]]`, as script
    /// JSON (kept as text: far smaller than a `Value`).
    shown: String,
    terms: Terms,
    /// The [`Indexer::id`] whose term numbers `terms` holds.
    indexer: u64,
}

/// Turns documents into [`Entry`]s; one per site, shared by every thread.
/// Its entries' terms are numbers in its own table, so an index is built
/// from entries of one indexer (the dev server keeps its indexer with the
/// entries it keeps).
pub struct Indexer {
    /// Sorted, for the manifest.
    stop: Vec<&'static str>,
    /// The same, for looking up every word.
    stop_set: FastSet<&'static str>,
    /// Tells this indexer from any other in the process (never 0), for
    /// the threads' word tables, which hold its term numbers.
    id: u64,
    /// Every term met so far, by number. Each thread's [`Vocab`] asks here
    /// only for a word it has not seen before (a few thousand times a
    /// build), so one lock costs nothing that shows.
    terms: Mutex<TermTable>,
}

/// Terms by number and numbers by term.
#[derive(Default)]
struct TermTable {
    ids: FastMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

/// Term numbers fit in a [`Terms`] number above the five bits of the weight.
const MAX_TERM_IDS: usize = 1 << 27;

impl Indexer {
    pub fn new(language: &str) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let mut stop = stop_words(language);
        stop.sort_unstable();
        Indexer {
            stop_set: stop.iter().copied().collect(),
            stop,
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            terms: Mutex::new(TermTable::default()),
        }
    }

    /// The number of the term `t` (not a stop word), numbered now if it
    /// is new; [`STOP`] (not indexed) when the table is full, which takes
    /// over a hundred million distinct terms.
    #[cold]
    fn term_id(&self, t: &str) -> u32 {
        let mut table = self.terms.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(&id) = table.ids.get(t) {
            return id;
        }
        if table.texts.len() >= MAX_TERM_IDS {
            return STOP;
        }
        let id = table.texts.len() as u32;
        let text: Box<str> = t.into();
        table.ids.insert(text.clone(), id);
        table.texts.push(text);
        id
    }

    /// The terms of `e` (made by this indexer) and their weights.
    #[cfg(test)]
    fn terms_of(&self, e: &Entry) -> Vec<(String, u32)> {
        assert_eq!(e.indexer, self.id);
        let table = self.terms.lock().unwrap();
        e.terms
            .packed
            .iter()
            .map(|&p| (table.texts[(p >> 5) as usize].to_string(), p & 31))
            .collect()
    }

    /// The entry for `doc`: its weighted terms and what a result shows.
    pub fn entry(&self, doc: &Doc) -> Entry {
        self.entry_with(doc, |_| {})
    }

    /// [`Self::entry`], for a document whose body also has the words that
    /// `more` hands to its [`BodyWords`] (a page's prose, told word by
    /// word by the reading-age check as it reads them, or given whole).
    pub fn entry_with(&self, doc: &Doc, more: impl FnOnce(&mut BodyWords)) -> Entry {
        let mut title_words = 0;
        for_each_word(&doc.title, |_, _| title_words += 1);
        let terms = VOCAB.with_borrow_mut(|v| {
            v.start(self.id);
            v.add(&doc.title, Field::Title, self);
            for (f, t) in &doc.text {
                v.add(t, *f, self);
            }
            more(&mut BodyWords {
                vocab: v,
                indexer: self,
            });
            v.terms(title_words)
        });
        // `[path, title, kind, description, [[id, heading], ...]]`,
        // serialised from borrowed text (no `Value` copy of each string).
        let hs: Vec<(&str, Cow<'_, str>)> = doc
            .headings
            .iter()
            .take(MAX_HEADINGS)
            .map(|(id, t)| (id.as_str(), truncate_chars(t, 60)))
            .collect();
        Entry {
            path: doc.path.clone(),
            shown: to_script_json(&(
                &doc.path,
                &doc.title,
                &doc.kind,
                truncate_chars(&doc.description, MAX_DESCRIPTION),
                hs,
            )),
            terms,
            indexer: self.id,
        }
    }
}

/// More words of the body of the document being indexed (see
/// [`Indexer::entry_with`]): whole texts, or words one at a time from
/// another pass that reads them (a [`WordFeed`]), which keeps each word's
/// term by number and hands it back, so a word seen before is counted
/// without being looked up again.
pub struct BodyWords<'a> {
    vocab: &'a mut Vocab,
    indexer: &'a Indexer,
}

impl BodyWords<'_> {
    /// Count every word of `text`.
    pub fn text(&mut self, text: &str) {
        self.vocab.add(text, Field::Body, self.indexer);
    }
}

/// A term as a [`WordFeed`] keeps it: its number plus one (0 is "none"),
/// or [`STOP`] for a word that is not indexed.
fn fed(term: u32) -> u32 {
    if term == STOP { STOP } else { term + 1 }
}

impl WordFeed for BodyWords<'_> {
    fn id(&self) -> u64 {
        self.indexer.id
    }

    fn word(&mut self, w: &str) -> u32 {
        // Split and folded as search does. A word that makes one search
        // word (`Care`, `don't`) always makes the same term, and one that
        // makes none is never indexed: either is kept; one that makes
        // several (`well-being`) is split each time.
        let v = &mut *self.vocab;
        let (mut n, mut term) = (0, STOP);
        for_each_word(w, |x, within| {
            n += 1;
            term = v.word(x, within, 3, self.indexer);
        });
        match n {
            0 => STOP,
            1 => fed(term),
            _ => 0,
        }
    }

    fn again(&mut self, number: u32) -> u32 {
        if number != STOP {
            let v = &mut *self.vocab;
            let term = number - 1;
            // The thread's table may have started again since.
            v.room_for(term);
            v.touch(term).add(3, 1);
        }
        number
    }

    fn text(&mut self, text: &str) {
        BodyWords::text(self, text);
    }
}

thread_local! {
    /// This thread's words, kept from document to document.
    static VOCAB: std::cell::RefCell<Vocab> = std::cell::RefCell::new(Vocab::default());
}

/// Words of up to this many bytes are kept in [`Vocab`]'s own table.
const SHORT: usize = 16;
/// A [`Vocab`] with more words than this starts again (between documents),
/// so that its memory stays bounded whatever the text.
const MAX_WORDS: usize = 1 << 20;

/// The words one thread has indexed, each with its term (its stem), so that
/// a word seen before costs one look-up in a table of its own: no stemming,
/// no stop-word test, no copy, no per-document map to grow. A word's counts
/// in the current document are kept in its slot of the table, and added up
/// by term at the end of the document.
#[derive(Default)]
struct Vocab {
    /// The [`Indexer::id`] whose term numbers this holds (0: none yet).
    indexer: u64,
    /// Open addressing, linear probing; at most half full.
    slots: Vec<WordSlot>,
    used: usize,
    /// Words longer than [`SHORT`] bytes, and their terms.
    long: FastMap<Box<str>, u32>,
    /// Term number -> its counts in the document it was last counted in
    /// (as long as the largest number met).
    terms: Vec<TermState>,
    /// The current document's number (0: none yet).
    doc: u32,
    /// Slots counted in the current document, not yet added to their
    /// terms: the first `nwords` (the rest is room, written ahead).
    words: Vec<u32>,
    nwords: usize,
    /// Terms the current document uses, in order of first use.
    touched: Vec<u32>,
}

/// A word of up to [`SHORT`] bytes (zero-padded), its term and its counts in
/// the current document, by field (title, heading, meta, body; saturating:
/// the weights do not tell apart counts above 64; all zero when the word is
/// not counted yet). No word holds a zero byte ([`for_each_word`] splits
/// there), so the padded key alone tells words apart, and an empty slot has
/// the key of no word (all zero). 24 bytes: the table is a thread's largest
/// and is read for every word, so a smaller slot keeps more of it in cache.
#[derive(Clone, Copy, Default)]
struct WordSlot {
    key: [u64; 2],
    /// The term id, or [`STOP`].
    term: u32,
    counts: [u8; 4],
}

/// The term of a stop word: not indexed.
const STOP: u32 = u32::MAX;

/// A term's counts in the document it was last counted in (`doc`).
#[derive(Clone, Copy, Default)]
struct TermState {
    doc: u32,
    counts: Counts,
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

fn slot_hash(key: [u64; 2]) -> u64 {
    (key[0].wrapping_mul(K) ^ key[1]).wrapping_mul(K)
}

/// The slot of `slots` (a power of two long, never full) holding the word
/// `key` (not all zero), or the empty slot where it would go: linear
/// probing from its hash.
#[inline]
fn find_slot(slots: &[WordSlot], key: [u64; 2]) -> Result<usize, usize> {
    let mask = slots.len() - 1;
    let mut i = (slot_hash(key) >> 32) as usize & mask;
    loop {
        let k = slots[i].key;
        if (k[0] ^ key[0]) | (k[1] ^ key[1]) == 0 {
            return Ok(i);
        }
        if k[0] | k[1] == 0 {
            return Err(i);
        }
        i = (i + 1) & mask;
    }
}

impl Vocab {
    /// Get ready for a new document of the indexer numbered `indexer`.
    fn start(&mut self, indexer: u64) {
        if self.indexer != indexer
            || self.used + self.long.len() > MAX_WORDS
            || self.doc == u32::MAX
        {
            *self = Vocab {
                indexer,
                ..Vocab::default()
            };
        }
        if self.slots.is_empty() {
            self.slots = vec![WordSlot::default(); 1 << 12];
        }
        self.doc += 1;
        // Counts a document left behind (none, unless it was cut short).
        for &i in &self.words[..self.nwords] {
            self.slots[i as usize].counts = [0; 4];
        }
        self.nwords = 0;
        self.touched.clear();
    }

    /// Count the words of `text`, found in `field`.
    fn add(&mut self, text: &str, field: Field, indexer: &Indexer) {
        let f = match field {
            Field::Title => 0,
            Field::Heading => 1,
            Field::Meta => 2,
            Field::Body => 3,
        };
        for_each_word(text, |w, within| {
            self.word(w, within, f, indexer);
        });
    }

    /// Count `w` (a folded word) once in field `f`, and return its term
    /// ([`STOP`]: not indexed). `within` holds `w` and says where: its
    /// bytes are read from there, one load for each eight (see
    /// [`for_each_word`]).
    #[inline]
    fn word(&mut self, w: &str, within: (&[u8], usize), f: usize, indexer: &Indexer) -> u32 {
        let b = w.as_bytes();
        if b.len() > SHORT || b.is_empty() {
            let term = match self.long.get(w) {
                Some(&t) => t,
                None => {
                    let t = self.new_term(w, indexer);
                    self.long.insert(w.into(), t);
                    t
                }
            };
            if term != STOP {
                let c = self.touch(term);
                c.add(f, 1);
            }
            return term;
        }
        let (text, at) = within;
        // Not empty and without zero bytes (see [`WordSlot`]): never all zero.
        let key = swar::key::<2>(text, at, b.len());
        let i = match find_slot(&self.slots, key) {
            Ok(i) => i,
            Err(mut i) => {
                if (self.used + 1) * 2 > self.slots.len() {
                    self.grow();
                    i = find_slot(&self.slots, key).unwrap_or_else(|e| e);
                }
                let term = self.new_term(w, indexer);
                self.slots[i] = WordSlot {
                    key,
                    term,
                    counts: [0; 4],
                };
                self.used += 1;
                i
            }
        };
        // Without a branch on whether the word is new to the document or
        // a stop word (both vary from word to word): a stop word's slot is
        // counted like any other, and [`Self::flush`] skips it.
        let s = &mut self.slots[i];
        let mut counts = u32::from_le_bytes(s.counts);
        let fresh = counts == 0;
        let one = 1u32 << (8 * f);
        // Saturating: no count passes 255 (no carry into the next field).
        if (counts >> (8 * f)) & 0xff != 0xff {
            counts += one;
        }
        s.counts = counts.to_le_bytes();
        let term = s.term;
        if self.nwords == self.words.len() {
            self.words.resize(self.words.len() * 2 + 64, 0);
        }
        self.words[self.nwords] = i as u32;
        self.nwords += usize::from(fresh);
        term
    }

    /// The current document's counts of `term`.
    fn touch(&mut self, term: u32) -> &mut Counts {
        let t = &mut self.terms[term as usize];
        if t.doc != self.doc {
            t.doc = self.doc;
            t.counts = Counts::default();
            self.touched.push(term);
        }
        &mut t.counts
    }

    /// Add the counts kept in word slots to their terms.
    fn flush(&mut self) {
        let words = std::mem::take(&mut self.words);
        for &i in &words[..self.nwords] {
            let s = &mut self.slots[i as usize];
            let (term, counts) = (s.term, s.counts);
            s.counts = [0; 4];
            if term == STOP {
                continue;
            }
            let c = self.touch(term);
            for (f, n) in counts.into_iter().enumerate() {
                c.add(f, u32::from(n));
            }
        }
        self.words = words;
        self.nwords = 0;
    }

    /// The term of a word not seen before.
    #[cold]
    fn new_term(&mut self, w: &str, indexer: &Indexer) -> u32 {
        let t = stem_cow(w);
        if indexer.stop_set.contains(t.as_ref()) {
            return STOP;
        }
        let id = indexer.term_id(&t);
        if id != STOP {
            self.room_for(id);
        }
        id
    }

    /// Make room in [`Self::terms`] for the term numbered `term`.
    fn room_for(&mut self, term: u32) {
        if self.terms.len() <= term as usize {
            self.terms.resize(term as usize + 1, TermState::default());
        }
    }

    /// Double the table (its slots' counts go to their terms first, as
    /// the slots move).
    #[cold]
    fn grow(&mut self) {
        self.flush();
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![WordSlot::default(); old.len() * 2];
        for s in old.into_iter().filter(|s| s.key != [0, 0]) {
            let i = find_slot(&self.slots, s.key).unwrap_or_else(|e| e);
            self.slots[i] = s;
        }
    }

    /// The current document's terms and weights.
    fn terms(&mut self, title_words: usize) -> Terms {
        self.flush();
        Terms {
            packed: self
                .touched
                .iter()
                .map(|&t| (t << 5) | weight(&self.terms[t as usize].counts, title_words))
                .collect(),
        }
    }
}

/// Build the index files for `docs` (in the order given; ids are positions).
pub fn build(docs: &[Doc], language: &str) -> Built {
    let indexer = Indexer::new(language);
    let entries: Vec<Entry> = docs.par_iter().map(|d| indexer.entry(d)).collect();
    build_entries(&entries, &indexer)
}

/// Build the index files for `entries` (in the order given; ids are
/// positions), all made by `indexer` (the terms of any other indexer's
/// entry are left out).
pub fn build_entries(entries: &[Entry], indexer: &Indexer) -> Built {
    let stop = &indexer.stop;
    let table = indexer.terms.lock().unwrap_or_else(PoisonError::into_inner);
    let texts = &table.texts;
    // Postings are gathered a run of documents at a time, on every core;
    // each term's postings are then its runs' postings in order.
    let per_run = entries
        .len()
        .div_ceil(rayon::current_num_threads() * 4)
        .max(256);
    let runs: Vec<RunPostings> = entries
        .par_chunks(per_run)
        .enumerate()
        .map(|(n, chunk)| RunPostings::new(n * per_run, chunk, indexer.id, texts.len()))
        .collect();
    // Every term some entry has, in term order (UTF-16, as the script
    // compares).
    let mut used: Vec<usize> = (0..texts.len())
        .filter(|&t| runs.iter().any(|r| r.spans[t].1 > 0))
        .collect();
    used.par_sort_unstable_by(|&a, &b| utf16_cmp(&texts[a], &texts[b]));
    // Each term's entry of its shard, `term postings`, made on every core.
    let terms: Vec<(&str, String)> = used
        .into_par_iter()
        .map(|t| {
            let term: &str = &texts[t];
            let n: usize = runs.iter().map(|r| r.spans[t].1 as usize).sum();
            let mut entry = String::with_capacity(term.len() + 1 + 3 * n);
            entry.push_str(term);
            entry.push(' ');
            let mut prev = 0u32;
            for run in &runs {
                for &p in run.postings(t) {
                    let (doc, w) = (p >> 5, p & 31);
                    encode_number((u64::from(doc - prev) << 5) | u64::from(w), &mut entry);
                    prev = doc;
                }
            }
            (term, entry)
        })
        .collect();

    // Pack terms into shards.
    let mut shards: Vec<String> = Vec::new();
    let mut starts: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (term, entry) in &terms {
        if !cur.is_empty() && cur.len() + entry.len() + 1 > SHARD_TARGET {
            shards.push(std::mem::take(&mut cur));
        }
        if cur.is_empty() {
            starts.push(term.to_string());
        } else {
            cur.push(',');
        }
        cur.push_str(entry);
    }
    if !cur.is_empty() {
        shards.push(cur);
    }
    drop(terms);
    drop(runs);
    drop(table);

    let term_files = shards.into_par_iter().enumerate().map(|(n, s)| {
        let s = to_script_json(&s);
        let mut body = String::with_capacity(s.len() + 24);
        let _ = writeln!(body, "carehubSearch.t({n},{s});");
        (format!("t{n}.js"), body)
    });
    let doc_files = entries.par_chunks(DOC_CHUNK).enumerate().map(|(n, chunk)| {
        let len: usize = chunk.iter().map(|e| e.shown.len() + 1).sum();
        let mut body = String::with_capacity(len + 32);
        let _ = write!(body, "carehubSearch.d({n},[");
        for (k, e) in chunk.iter().enumerate() {
            if k > 0 {
                body.push(',');
            }
            body.push_str(&e.shown);
        }
        body.push_str("]);\n");
        (format!("d{n}.js"), body)
    });
    let mut bodies: Vec<(String, String)> = term_files.collect();
    bodies.par_extend(doc_files);
    let manifest = json!({
        "format": FORMAT,
        "docs": entries.len(),
        "chunk": DOC_CHUNK,
        "minPrefix": MIN_PREFIX,
        "maxPrefixShards": MAX_PREFIX_SHARDS,
        "stop": stop,
        "starts": starts,
    });
    let manifest_js = format!("window.carehubSearchIndex={};\n", to_script_json(&manifest));
    let mut h = Sha256::new();
    h.update(manifest_js.as_bytes());
    for (name, body) in &bodies {
        h.update(name.as_bytes());
        h.update(body.as_bytes());
    }
    let version: String = h
        .finalize()
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect();
    let dir = format!("search/{version}");
    let mut files: Vec<Output> = bodies
        .into_iter()
        .map(|(name, body)| Output {
            path: format!("{dir}/{name}"),
            bytes: body.into_bytes(),
        })
        .collect();
    let manifest_path = format!("{dir}/m.js");
    files.push(Output {
        path: manifest_path.clone(),
        bytes: manifest_js.into_bytes(),
    });
    Built {
        files,
        manifest: manifest_path,
    }
}

/// The postings of a run of consecutive entries: each term's postings
/// (`doc << 5 | weight`, docs ascending) in one list sized exactly.
struct RunPostings {
    /// Where each term's postings are in `all`, by term number: (start,
    /// count).
    spans: Vec<(u32, u32)>,
    all: Vec<u32>,
}

impl RunPostings {
    /// The postings of `entries`, whose first document id is `first`, made
    /// by the indexer numbered `indexer`, which has `n_terms` terms.
    fn new(first: usize, entries: &[Entry], indexer: u64, n_terms: usize) -> Self {
        let entries = || {
            entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.indexer == indexer)
        };
        // Count each term's postings, then place them.
        let mut spans: Vec<(u32, u32)> = vec![(0, 0); n_terms];
        for (_, e) in entries() {
            for &p in &e.terms.packed {
                if let Some(span) = spans.get_mut((p >> 5) as usize) {
                    span.1 += 1;
                }
            }
        }
        let mut total = 0u32;
        for span in &mut spans {
            span.0 = total;
            total += span.1;
        }
        // Fill each term's span; `next` is where its next posting goes.
        let mut next: Vec<u32> = spans.iter().map(|s| s.0).collect();
        let mut all = vec![0u32; total as usize];
        for (k, e) in entries() {
            let doc = (first + k) as u32;
            for &p in &e.terms.packed {
                if let Some(at) = next.get_mut((p >> 5) as usize) {
                    all[*at as usize] = (doc << 5) | (p & 31);
                    *at += 1;
                }
            }
        }
        RunPostings { spans, all }
    }

    /// The postings of term number `t`.
    fn postings(&self, t: usize) -> &[u32] {
        let (start, n) = self.spans[t];
        &self.all[start as usize..(start + n) as usize]
    }
}

/// A document as stored for showing a result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: usize,
    pub score: u32,
    pub path: String,
    pub title: String,
}

/// A built index read back from its files: answers queries exactly as
/// `search.js` does (for tests, and to check the script against).
#[derive(Debug, Default)]
pub struct Index {
    starts: Vec<String>,
    stop: Vec<String>,
    shards: Vec<BTreeMap<String, String>>,
    docs: Vec<(String, String)>,
    /// The number of documents, from the manifest.
    ndocs: usize,
}

fn call_arg<'a>(text: &'a str, prefix: &str) -> Option<(usize, &'a str)> {
    let rest = text.trim().strip_prefix(prefix)?.strip_prefix('(')?;
    let rest = rest.strip_suffix(");")?;
    let (n, arg) = rest.split_once(',')?;
    Some((n.parse().ok()?, arg))
}

impl Index {
    /// Read an index from its files (path under the output folder -> text).
    pub fn read(manifest: &str, read: impl Fn(&str) -> Option<String>) -> Result<Index, String> {
        let dir = manifest
            .rsplit_once('/')
            .map(|(d, _)| d)
            .ok_or("bad manifest path")?;
        let m = read(manifest).ok_or("no manifest")?;
        let json_text = m
            .trim()
            .strip_prefix("window.carehubSearchIndex=")
            .and_then(|s| s.strip_suffix(';'))
            .ok_or("manifest is not in the expected form")?;
        let m: Value = serde_json::from_str(json_text).map_err(|e| e.to_string())?;
        let strings = |k: &str| -> Vec<String> {
            m[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut idx = Index {
            starts: strings("starts"),
            stop: strings("stop"),
            ..Index::default()
        };
        for n in 0..idx.starts.len() {
            let t = read(&format!("{dir}/t{n}.js")).ok_or(format!("no shard {n}"))?;
            let (k, arg) = call_arg(&t, "carehubSearch.t").ok_or(format!("bad shard {n}"))?;
            if k != n {
                return Err(format!("shard {n} calls itself {k}"));
            }
            let s: String = serde_json::from_str(arg).map_err(|e| e.to_string())?;
            let mut map = BTreeMap::new();
            for entry in s.split(',') {
                let (term, postings) = entry.split_once(' ').ok_or("bad entry")?;
                map.insert(term.to_string(), postings.to_string());
            }
            idx.shards.push(map);
        }
        let ndocs = m["docs"].as_u64().unwrap_or(0) as usize;
        idx.ndocs = ndocs;
        let chunk = m["chunk"].as_u64().unwrap_or(DOC_CHUNK as u64).max(1) as usize;
        for n in 0..ndocs.div_ceil(chunk) {
            let t = read(&format!("{dir}/d{n}.js")).ok_or(format!("no doc file {n}"))?;
            let (_, arg) = call_arg(&t, "carehubSearch.d").ok_or(format!("bad doc file {n}"))?;
            let list: Vec<Value> = serde_json::from_str(arg).map_err(|e| e.to_string())?;
            for d in list {
                idx.docs.push((
                    d[0].as_str().unwrap_or("").to_string(),
                    d[1].as_str().unwrap_or("").to_string(),
                ));
            }
        }
        Ok(idx)
    }

    /// The shard that holds `term`, if any shard could.
    fn shard_of(&self, term: &str) -> Option<usize> {
        let n = self
            .starts
            .partition_point(|s| utf16_cmp(s, term) != std::cmp::Ordering::Greater);
        n.checked_sub(1)
    }

    /// How rare a term is: 1 for a term on every page, up to ~20.
    fn rarity(&self, df: usize) -> u32 {
        let n = self.ndocs.max(1) / df.max(1);
        u32::BITS - (n.max(1) as u32).leading_zeros()
    }

    fn postings(&self, shard: usize, term: &str) -> Vec<(usize, u32)> {
        let Some(p) = self.shards.get(shard).and_then(|m| m.get(term)) else {
            return Vec::new();
        };
        let mut doc = 0usize;
        decode_numbers(p)
            .unwrap_or_default()
            .into_iter()
            .map(|n| {
                doc += (n >> 5) as usize;
                (doc, (n & 31) as u32)
            })
            .collect()
    }

    /// Query words as `search.js` takes them: stop words dropped unless
    /// the query has nothing else, duplicates dropped.
    pub fn query_terms(&self, query: &str) -> Vec<String> {
        let all = tokenize(query);
        let kept: Vec<String> = all
            .iter()
            .filter(|t| !self.stop.contains(t))
            .cloned()
            .collect();
        let mut out: Vec<String> = Vec::new();
        for t in if kept.is_empty() { all } else { kept } {
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }

    /// Ranked results for a query, as the reader would see them while typing.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let terms = self.query_terms(query);
        let prefix_last = !query.ends_with(char::is_whitespace);
        let mut per_term: Vec<HashMap<usize, u32>> = Vec::new();
        for (k, t) in terms.iter().enumerate() {
            // Weights before rarity: the exact word, then (for the last word
            // while typing) the words it begins, a little lower.
            let mut m: HashMap<usize, u32> = HashMap::new();
            if let Some(s) = self.shard_of(t) {
                m.extend(self.postings(s, t));
            }
            if k + 1 == terms.len() && prefix_last && t.chars().count() >= MIN_PREFIX {
                let first = self.shard_of(t).unwrap_or(0);
                let end = format!("{t}\u{ffff}");
                let last = self.shard_of(&end).unwrap_or(0);
                let last = last.min(first + MAX_PREFIX_SHARDS - 1);
                for s in first..=last {
                    let Some(shard) = self.shards.get(s) else {
                        continue;
                    };
                    for term in shard.keys() {
                        if term.starts_with(t.as_str()) && term != t {
                            for (d, w) in self.postings(s, term) {
                                let w = w.saturating_sub(2).max(1);
                                let e = m.entry(d).or_insert(0);
                                *e = (*e).max(w);
                            }
                        }
                    }
                }
            }
            // A word (or prefix) on few pages counts for more.
            let r = self.rarity(m.len());
            m.values_mut().for_each(|w| *w *= r);
            per_term.push(m);
        }
        if per_term.is_empty() {
            return Vec::new();
        }
        // Every word must match; if no page has them all, rank by how many match.
        let mut scores: HashMap<usize, (usize, u32)> = HashMap::new();
        for m in &per_term {
            for (&d, &w) in m {
                let e = scores.entry(d).or_insert((0, 0));
                e.0 += 1;
                e.1 += w;
            }
        }
        let all = per_term.len();
        let any_all = scores.values().any(|&(n, _)| n == all);
        let mut hits: Vec<(usize, usize, u32)> = scores
            .into_iter()
            .filter(|&(_, (n, _))| !any_all || n == all)
            .map(|(d, (n, s))| (d, n, s))
            .collect();
        hits.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        hits.into_iter()
            .map(|(d, _, score)| {
                let (path, title) = self.docs.get(d).cloned().unwrap_or_default();
                Hit {
                    doc: d,
                    score,
                    path,
                    title,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, title: &str, body: &str) -> Doc {
        Doc {
            path: path.into(),
            title: title.into(),
            kind: "Article".into(),
            description: String::new(),
            headings: Vec::new(),
            text: vec![(Field::Body, body.into())],
        }
    }

    fn read_back(b: &Built) -> Index {
        let files: HashMap<String, String> = b
            .files
            .iter()
            .map(|o| (o.path.clone(), String::from_utf8(o.bytes.clone()).unwrap()))
            .collect();
        Index::read(&b.manifest, |p| files.get(p).cloned()).unwrap()
    }

    #[test]
    fn byte_classes_eight_at_a_time_match_the_table() {
        // Every byte value, at every position, with every length.
        for c in 0..=255u8 {
            for k in 0..8 {
                for len in k + 1..=8 {
                    let mut eight = [b'Q', b'.', 0xC3, b'x', b'7', b' ', b'\'', 0x80];
                    eight[k] = c;
                    let eight = &eight[..len];
                    let (mut sep, mut odd) = (0u64, 0u64);
                    for (j, &b) in eight.iter().enumerate() {
                        let class = WORD_CLASS[b as usize];
                        sep |= u64::from(class == SEPARATOR) << j;
                        odd |= u64::from(class & (FOLD | BEYOND_ASCII) != 0) << j;
                    }
                    assert_eq!(classify8(eight), (sep, odd), "{c:#x} at {k} of {len}");
                }
            }
        }
    }

    #[test]
    fn tokenizes_like_the_script() {
        assert_eq!(
            tokenize("Parkinson’s: Carers' SERVICES, café MK6 4AB"),
            vec!["parkinson", "carer", "service", "cafe", "mk6", "4ab"]
        );
        assert_eq!(
            tokenize("therapies stress bus"),
            vec!["therapy", "stress", "bus"]
        );
    }

    #[test]
    fn numbers_round_trip() {
        let mut s = String::new();
        for n in [0u64, 1, 31, 32, 1023, 1024, 123_456_789] {
            encode_number(n, &mut s);
        }
        assert_eq!(
            decode_numbers(&s).unwrap(),
            vec![0, 1, 31, 32, 1023, 1024, 123_456_789]
        );
        assert!(decode_numbers("!").is_none());
    }

    #[test]
    fn title_beats_heading_beats_body() {
        let mut with_heading = doc("b/", "Family support", "Some respite text.");
        with_heading
            .text
            .push((Field::Heading, "Respite for carers".into()));
        let docs = vec![
            doc("a/", "Money", "respite respite respite respite respite"),
            with_heading,
            doc("c/", "Respite care", "Short breaks."),
        ];
        let idx = read_back(&build(&docs, "en-GB"));
        let hits = idx.search("respite");
        let paths: Vec<&str> = hits.iter().map(|h| h.path.as_str()).collect();
        assert_eq!(paths, vec!["c/", "b/", "a/"]);
    }

    #[test]
    fn prefix_and_all_words() {
        let docs = vec![
            doc("a/", "Respite care", "breaks"),
            doc("b/", "Counselling", "care and talking"),
        ];
        let idx = read_back(&build(&docs, "en-GB"));
        assert_eq!(idx.search("resp")[0].path, "a/");
        assert!(idx.search("re").is_empty(), "two letters are not a prefix");
        let both: Vec<String> = idx
            .search("care talking")
            .into_iter()
            .map(|h| h.path)
            .collect();
        assert_eq!(both, vec!["b/"]);
        // No page has both words: the best partial matches still show.
        assert_eq!(idx.search("respite talking").len(), 2);
        assert!(idx.search("the").is_empty());
    }

    #[test]
    fn postings_gathered_in_runs_match_one_pass() {
        // Enough documents for several runs of postings: a term's postings
        // span runs, and its document gaps cross their edges.
        let n = 1500;
        let docs: Vec<Doc> = (0..n)
            .map(|i| {
                let body = format!("common group{} only{i}", i % 7);
                doc(&format!("p{i:04}/"), &format!("Page {i}"), &body)
            })
            .collect();
        let idx = read_back(&build(&docs, "en-GB"));
        let docs_of = |q: &str| -> Vec<usize> {
            let mut d: Vec<usize> = idx.search(q).into_iter().map(|h| h.doc).collect();
            d.sort_unstable();
            d
        };
        assert_eq!(docs_of("common"), (0..n).collect::<Vec<_>>());
        assert_eq!(
            docs_of("group3"),
            (0..n).filter(|i| i % 7 == 3).collect::<Vec<_>>()
        );
        for i in [0, 255, 256, 257, 700, n - 1] {
            assert_eq!(docs_of(&format!("only{i}")), vec![i]);
        }
    }

    #[test]
    fn term_ids_number_terms_as_a_map_would() {
        let words: Vec<String> = (0..3000).map(|i| format!("t{}", i % 1700)).collect();
        let indexer = Indexer::new("en");
        let mut map: HashMap<&str, u32> = HashMap::new();
        for w in &words {
            let n = map.len() as u32;
            let want = *map.entry(w).or_insert(n);
            assert_eq!(indexer.term_id(w), want, "{w:?}");
        }
        assert_eq!(indexer.terms.lock().unwrap().texts.len(), 1700);
    }

    #[test]
    fn index_leaves_out_another_indexers_terms() {
        // One thread switching indexers: each entry keeps its own
        // indexer's numbers, and an index takes only its own indexer's.
        let (a, b) = (Indexer::new("en"), Indexer::new("en"));
        let d1 = doc("p/", "Respite care", "night sitting service");
        let d2 = doc("q/", "Hospice", "day care");
        let e1 = a.entry(&d1);
        let e2 = b.entry(&d2);
        let e3 = a.entry(&d2);
        let idx = read_back(&build_entries(&[e1.clone(), e2, e3.clone()], &a));
        let want = read_back(&build_entries(
            &[e1, doc_entry_without_terms(&a, &d2), e3],
            &a,
        ));
        assert_eq!(idx.starts, want.starts);
        assert_eq!(idx.search("care"), want.search("care"));
        assert_eq!(idx.search("hospice").len(), 1);
    }

    fn doc_entry_without_terms(indexer: &Indexer, d: &Doc) -> Entry {
        Entry {
            terms: Terms::default(),
            ..indexer.entry(d)
        }
    }

    #[test]
    fn shards_split_large_indexes() {
        let docs: Vec<Doc> = (0..400)
            .map(|i| {
                let body: String = (0..60)
                    .map(|j| format!("word{}x{} ", i * 7 + j, j))
                    .collect();
                doc(&format!("p{i}/"), &format!("Page {i}"), &body)
            })
            .collect();
        let b = build(&docs, "en-GB");
        let idx = read_back(&b);
        assert!(idx.starts.len() > 3, "{} shards", idx.starts.len());
        for f in &b.files {
            if f.path.contains("/t") {
                assert!(
                    f.bytes.len() < SHARD_TARGET + 2048,
                    "{} is {} bytes",
                    f.path,
                    f.bytes.len()
                );
            }
        }
        assert_eq!(idx.search("word700x0")[0].path, "p100/");
        assert_eq!(idx.search("page 399")[0].path, "p399/");
    }

    #[test]
    fn same_input_same_files() {
        let docs = vec![
            doc("a/", "One", "alpha beta"),
            doc("b/", "Two", "beta gamma"),
        ];
        let a = build(&docs, "en-GB");
        let b = build(&docs, "en-GB");
        assert_eq!(a.manifest, b.manifest);
        for (x, y) in a.files.iter().zip(&b.files) {
            assert_eq!(x.path, y.path);
            assert_eq!(x.bytes, y.bytes);
        }
    }

    /// The words of `text` as the first version of [`for_each_word`] found
    /// them, one character at a time.
    fn reference_words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for piece in text.split(|c: char| c.is_ascii() && !c.is_ascii_alphanumeric() && c != '\'') {
            if piece.is_ascii() {
                let w: String = piece
                    .chars()
                    .filter(|&c| c != '\'')
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                if !w.is_empty() && w.len() <= MAX_WORD {
                    out.push(w);
                }
            } else {
                fold_words(piece, |w| out.push(w.to_string()));
            }
        }
        out
    }

    /// A document's terms and weights as the first version of
    /// [`Indexer::entry`] counted them, with one map per document.
    fn reference_terms(doc: &Doc, stop: &[&str]) -> Vec<(String, u32)> {
        let mut counts: HashMap<String, Counts> = HashMap::new();
        let title_words = reference_words(&doc.title).len();
        let fields = std::iter::once((Field::Title, doc.title.as_str()))
            .chain(doc.text.iter().map(|(f, t)| (*f, t.as_str())));
        for (field, text) in fields {
            for w in reference_words(text) {
                let c = counts.entry(stem(&w)).or_default();
                match field {
                    Field::Title => c.title = true,
                    Field::Heading => c.heading += 1,
                    Field::Meta => c.meta += 1,
                    Field::Body => c.body += 1,
                }
            }
        }
        let mut out: Vec<(String, u32)> = counts
            .into_iter()
            .filter(|(t, _)| !stop.contains(&t.as_str()))
            .map(|(t, c)| (t, weight(&c, title_words)))
            .collect();
        out.sort();
        out
    }

    fn sorted_terms(indexer: &Indexer, e: &Entry) -> Vec<(String, u32)> {
        let mut v = indexer.terms_of(e);
        v.sort();
        v
    }

    const SAMPLE: &str = "Parkinson’s: Carers' SERVICES, café MK6 4AB. It's the NHS-funded \
        end-of-life care; therapies/stress (bus) — naïve ÉCOLE straße ﬁne 東京 '' ' \
        internationalisation antidisestablishmentarianism \
        pneumonoultramicroscopicsilicovolcanoconiosis supercalifragilisticexpialidocious \
        x0123456789012345678901234567890123456789 services services Services";

    #[test]
    fn words_are_split_and_folded_as_before() {
        // Every offset, so that words cross the 64-byte blocks everywhere.
        for start in 0..SAMPLE.len() {
            let Some(t) = SAMPLE.get(start..) else {
                continue;
            };
            let mut got = Vec::new();
            for_each_word(t, |w, (b, at)| {
                assert_eq!(&b[at..at + w.len()], w.as_bytes());
                got.push(w.to_string());
            });
            assert_eq!(got, reference_words(t), "{t:?}");
        }
        assert_eq!(tokenize("Don't STOP"), vec!["dont", "stop"]);
        // A zero byte splits words: the word table relies on it.
        assert_eq!(tokenize("ab\0cd\0\0e"), vec!["ab", "cd", "e"]);
    }

    #[test]
    fn entry_terms_match_a_map_per_document() {
        let indexer = Indexer::new("en-GB");
        let mut long = String::new();
        // Enough distinct words to grow the table within one document.
        for i in 0..6000 {
            long.push_str(&format!("w{i} care{} ", i % 7));
        }
        let docs = [
            doc("a/", "Respite care", SAMPLE),
            Doc {
                text: vec![
                    (Field::Heading, "Respite for carers".into()),
                    (Field::Meta, "Hospice, Care home".into()),
                    (Field::Body, format!("{long} {long}")),
                ],
                ..doc("b/", "The Care of families", "")
            },
            doc("c/", "", "the and of"),
            doc("a/", "Respite care", SAMPLE),
        ];
        for d in &docs {
            let e = indexer.entry(d);
            assert_eq!(
                sorted_terms(&indexer, &e),
                reference_terms(d, &indexer.stop),
                "{}",
                d.path
            );
        }
        // Another language's indexer on the same thread: no stop words.
        let other = Indexer::new("fr");
        let e = other.entry(&docs[2]);
        assert_eq!(sorted_terms(&other, &e), reference_terms(&docs[2], &[]));
        assert_eq!(sorted_terms(&other, &e).len(), 3);
    }

    #[test]
    fn truncate_chars_borrows_only_text_it_would_not_change() {
        for t in [
            "Plain heading",
            "",
            " lead",
            "trail ",
            "two  spaces",
            "tab\there",
            "new\nline",
            "Caf\u{e9} au lait",
            "no\u{a0}break",
            "x",
            "a long heading that goes on well past the sixty characters we keep for it",
        ] {
            let got = truncate_chars(t, 60);
            assert_eq!(got, truncate_owned(t, 60), "{t:?}");
            assert_eq!(
                matches!(got, Cow::Borrowed(_)),
                got == t && t.is_ascii() && !t.is_empty(),
                "{t:?}"
            );
        }
    }

    /// The entry of `d` with `blocks` in its body, their words told one at
    /// a time by the reading-age walk, twice: the second time every short
    /// word is known to the walk's cache.
    fn fed_twice(indexer: &Indexer, d: &Doc, blocks: &[&str]) -> [Vec<(String, u32)>; 2] {
        let blocks: Vec<crate::render::markdown::ProseBlock> = blocks
            .iter()
            .map(|t| crate::render::markdown::ProseBlock {
                text: t.to_string(),
                pieces: vec![(0, 0)],
                links: Vec::new(),
            })
            .collect();
        [0, 1].map(|_| {
            let e = indexer.entry_with(d, |body| {
                crate::check::readability::score_blocks_marked(&blocks, None, Some(body));
            });
            sorted_terms(indexer, &e)
        })
    }

    /// `d` with `blocks` as more of its body.
    fn with_body(d: &Doc, blocks: &[&str]) -> Doc {
        let mut d = d.clone();
        d.text
            .extend(blocks.iter().map(|t| (Field::Body, t.to_string())));
        d
    }

    #[test]
    fn words_fed_by_the_reading_age_walk_count_as_the_text_would() {
        let indexer = Indexer::new("en-GB");
        let d = doc("a/", "Respite care", "Heading words.");
        let blocks = [
            SAMPLE,
            "Well-being: don't STOP (the carer's) e.g. 3.5 mg/day -- 'quoted' x/y",
            "Services services SERVICES respite",
            "Beyond ASCII: café Ünïcode’s words",
            "",
        ];
        let want = reference_terms(&with_body(&d, &blocks), &indexer.stop);
        for got in fed_twice(&indexer, &d, &blocks) {
            assert_eq!(got, want);
        }
        // The same words with another indexer on this thread: the cache's
        // numbers are the first indexer's, so it starts again.
        let other = Indexer::new("fr");
        let want = reference_terms(&with_body(&d, &blocks), &[]);
        for got in fed_twice(&other, &d, &blocks) {
            assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_prose_fed_word_by_word_is_indexed_as_its_text(
            blocks in proptest::collection::vec("[a-zA-Z0-9 '.,/()é’-]{0,120}", 0..4)
        ) {
            let indexer = Indexer::new("en");
            let d = doc("p/", "Title Words", "");
            let blocks: Vec<&str> = blocks.iter().map(String::as_str).collect();
            let want = reference_terms(&with_body(&d, &blocks), &indexer.stop);
            for got in fed_twice(&indexer, &d, &blocks) {
                proptest::prop_assert_eq!(got, want.clone());
            }
        }

        #[test]
        fn any_text_is_indexed_as_before(text in "[a-zA-Z0-9 '.,éÉ’ﬁ-]{0,300}") {
            let indexer = Indexer::new("en");
            let d = doc("p/", "Title Words", &text);
            proptest::prop_assert_eq!(
                sorted_terms(&indexer, &indexer.entry(&d)),
                reference_terms(&d, &indexer.stop)
            );
            let mut got = Vec::new();
            for_each_word(&text, |w, _| got.push(w.to_string()));
            proptest::prop_assert_eq!(got, reference_words(&text));
        }
    }
}
