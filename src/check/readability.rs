//! Reading age of a page's prose: Flesch reading ease, Flesch-Kincaid
//! grade, average sentence length and the share of words of three or more
//! syllables, counted the way Flesch described (hyphenated words, numbers
//! and abbreviations are one word; numbers and abbreviations one syllable;
//! a sentence ends at a full stop, question mark, exclamation mark, colon
//! or semicolon; headings are skipped).

use super::excerpt;
use crate::diagnostics::{Diagnostic, line_col};
use crate::model::Page;
use crate::render::markdown::{ProseBlock, Rendered};
use crate::resolve::Site;
use crate::swar::{HIGH, bytes_in, key, load};
use rayon::prelude::*;
use serde::Serialize;
use std::ops::Range;

/// Pages with fewer words of prose than this are scored but not flagged:
/// the formulas are not reliable on a handful of sentences (Flesch asks
/// for samples of 100 words).
pub const MIN_WORDS: usize = 100;

/// How many of a page's hardest sentences a warning names.
const HARDEST: usize = 3;

/// Word, sentence and syllable counts of a text.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
    /// Words of three or more syllables.
    pub complex_words: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.words += o.words;
        self.sentences += o.sentences;
        self.syllables += o.syllables;
        self.complex_words += o.complex_words;
    }

    /// Flesch reading ease: 206.835 - 1.015 (words/sentences) - 84.6 (syllables/words).
    pub fn reading_ease(&self) -> f64 {
        if self.words == 0 {
            return 0.0;
        }
        206.835 - 1.015 * self.words_per_sentence() - 84.6 * self.syllables_per_word()
    }

    /// Flesch-Kincaid grade: 0.39 (words/sentences) + 11.8 (syllables/words) - 15.59.
    pub fn grade(&self) -> f64 {
        if self.words == 0 {
            return 0.0;
        }
        0.39 * self.words_per_sentence() + 11.8 * self.syllables_per_word() - 15.59
    }

    pub fn words_per_sentence(&self) -> f64 {
        self.words as f64 / self.sentences.max(1) as f64
    }

    pub fn syllables_per_word(&self) -> f64 {
        self.syllables as f64 / self.words.max(1) as f64
    }

    /// Share (0 to 1) of words with three or more syllables.
    pub fn complex_share(&self) -> f64 {
        self.complex_words as f64 / self.words.max(1) as f64
    }
}

/// A page's reading-age scores, as shown in the report and the JSON output.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Score {
    /// Flesch-Kincaid grade level (US school grade; reading age is about grade + 5).
    pub grade: f64,
    /// Flesch reading ease, 0 (hard) to 100 (easy).
    pub reading_ease: f64,
    pub words_per_sentence: f64,
    /// Share of words of three or more syllables, 0 to 1.
    pub complex_word_share: f64,
    pub words: usize,
    pub sentences: usize,
}

impl Score {
    pub fn from_counts(c: &Counts) -> Score {
        let r1 = |x: f64| (x * 10.0).round() / 10.0;
        Score {
            grade: r1(c.grade()),
            reading_ease: r1(c.reading_ease()),
            words_per_sentence: r1(c.words_per_sentence()),
            complex_word_share: (c.complex_share() * 1000.0).round() / 1000.0,
            words: c.words,
            sentences: c.sentences,
        }
    }
}

/// Count a piece of prose as one or more sentences.
pub fn count(text: &str) -> Counts {
    let mut c = Counts::default();
    CACHE.with_borrow_mut(|cache| {
        for s in sentences(text) {
            c.add(count_sentence_cached(&text[s], cache));
        }
    });
    c
}

/// Syllable counts of words already seen, by the word's exact bytes (ASCII
/// words of up to [`KEY_BYTES`] bytes): words repeat, within a page and
/// across a site, and counting them again was most of the cost of scoring a
/// page. Direct-mapped, so a look-up costs a few instructions; a word that
/// lands on another's slot replaces it. One per thread serves every page
/// that thread scores (see [`score_blocks`]).
pub struct SyllableCache {
    slots: Vec<Slot>,
    /// The [`Marks::id`] its slots' marks were made with (0: none).
    marks_id: u64,
    /// The [`WordFeed::id`] its slots' feed numbers were made with (0: none).
    feed_id: u64,
}

/// Longest word the cache keeps, in bytes (longer ones are counted each time).
const KEY_BYTES: usize = 16;
/// log2 of the number of slots (8,192 slots of 24 bytes: 192 KiB; the
/// smaller the slot, the more of the table stays in cache).
const CACHE_BITS: u32 = 13;

/// A cached word: its bytes, zero-padded, its syllables, its mark (see
/// [`Marks`]) and its feed's number (see [`WordFeed`]; 0: none yet). An
/// empty slot has `len` 0, which no word has.
#[derive(Clone, Copy, Default)]
struct Slot {
    key: [u64; 2],
    len: u8,
    marked: bool,
    syllables: u16,
    fed: u32,
}

/// Another pass over a page's prose words (the search index's body
/// terms), fed by the reading-age walk so that the words are read once.
/// The walk hands it each word of an ASCII block with the number it gave
/// the same word before (kept beside the word's syllables), and each
/// block beyond ASCII whole, which it splits itself.
pub trait WordFeed {
    /// Tells this feed's numbers apart from any other's, for the cache (not 0).
    fn id(&self) -> u64;
    /// One use of the word `w` (ASCII, from its first to its last letter
    /// or digit) that this feed has given no number yet. Returns the
    /// number to keep for it (0: keep none).
    fn word(&mut self, w: &str) -> u32;
    /// One more use of the word this feed gave the number `number` (not 0).
    /// Returns the number to keep for it.
    fn again(&mut self, number: u32) -> u32;
    /// Every word of `text` (a block beyond ASCII).
    fn text(&mut self, text: &str);
}

/// Which words another check wants to see (see [`Marks`]).
pub trait WordTest: Sync {
    /// Whether `word` (ASCII, from its first to its last letter or digit)
    /// is wanted.
    fn wants(&self, word: &[u8]) -> bool;
}

/// A test of words that another check wants to see (the plain-language
/// lint: words where a term may start), made as the reading-age check
/// walks a page's words, so that the other check need not walk them too.
/// The answer for a word is cached with its syllables.
pub struct Marks<'a> {
    /// Tells this test apart from any other, for the cache (not 0).
    pub id: u64,
    pub test: &'a dyn WordTest,
    /// The wanted words of the page's ASCII blocks, in order: (block, range
    /// in its text). Blocks beyond ASCII are not walked for marks.
    pub found: Vec<(usize, Range<usize>)>,
}

impl Default for SyllableCache {
    fn default() -> Self {
        SyllableCache {
            slots: vec![Slot::default(); 1 << CACHE_BITS],
            marks_id: 0,
            feed_id: 0,
        }
    }
}

impl SyllableCache {
    /// Make the slots' marks those of the test numbered `marks` and their
    /// feed numbers those of the feed numbered `feed` (`None` leaves one as
    /// it is), forgetting every word when either was another's.
    fn use_ids(&mut self, marks: Option<u64>, feed: Option<u64>) {
        let ids = (marks.unwrap_or(self.marks_id), feed.unwrap_or(self.feed_id));
        if ids != (self.marks_id, self.feed_id) {
            self.slots.fill(Slot::default());
            (self.marks_id, self.feed_id) = ids;
        }
    }

    /// The syllables of the word `b[start..end]`, ASCII that starts and
    /// ends with a letter or digit (see [`ascii_word_syllables`]).
    #[inline]
    fn word(&mut self, text: &str, start: usize, end: usize) -> usize {
        self.word_marked(text, start, end, None, None).0
    }

    /// [`Self::word`], and whether `test` wants the word (false without
    /// one); `feed`, if any, is told of the word. With a test, the cache
    /// must be [`Self::use_ids`]'d for its id; without one, a word it does
    /// not have is not added when its slots hold marks (it cannot say the
    /// word's). The same goes for a feed, except that
    /// a slot without the feed's number is only asked again.
    ///
    /// A word found in the cache (nearly every one) is answered inline in
    /// the caller's loop; the rest go to [`Self::word_missed`].
    #[inline(always)]
    fn word_marked(
        &mut self,
        text: &str,
        start: usize,
        end: usize,
        test: Option<&dyn WordTest>,
        feed: Option<&mut dyn WordFeed>,
    ) -> (usize, bool) {
        let len = end - start;
        if len <= KEY_BYTES {
            let (key, at) = Self::slot_of(text.as_bytes(), start, len);
            let slot = &mut self.slots[at];
            if usize::from(slot.len) == len && slot.key == key {
                if let Some(f) = feed {
                    slot.fed = match slot.fed {
                        0 => f.word(&text[start..end]),
                        n => f.again(n),
                    };
                }
                return (usize::from(slot.syllables), slot.marked);
            }
        }
        self.word_missed(text, start, end, test, feed)
    }

    /// The word's bytes eight at a time, zero-padded (its key), and the
    /// slot it belongs in.
    #[inline(always)]
    fn slot_of(b: &[u8], start: usize, len: usize) -> ([u64; 2], usize) {
        let key: [u64; 2] = key(b, start, len);
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let h = (key[0].wrapping_mul(K) ^ key[1]).wrapping_mul(K);
        (key, (h >> (64 - CACHE_BITS)) as usize)
    }

    /// [`Self::word_marked`] for a word not in the cache: counted, tested
    /// and fed, then kept if it fits.
    #[inline(never)]
    fn word_missed(
        &mut self,
        text: &str,
        start: usize,
        end: usize,
        test: Option<&dyn WordTest>,
        feed: Option<&mut dyn WordFeed>,
    ) -> (usize, bool) {
        let w = &text.as_bytes()[start..end];
        let n = ascii_word_syllables(w);
        let marked = test.is_some_and(|t| t.wants(w));
        let fed = feed.map_or(0, |f| f.word(&text[start..end]));
        let len = end - start;
        if len <= KEY_BYTES
            && let Ok(syllables) = u16::try_from(n)
            && (test.is_some() || self.marks_id == 0)
        {
            let (key, at) = Self::slot_of(text.as_bytes(), start, len);
            self.slots[at] = Slot {
                key,
                len: len as u8,
                marked,
                syllables,
                fed,
            };
        }
        (n, marked)
    }
}

thread_local! {
    /// This thread's syllable counts, kept from page to page.
    static CACHE: std::cell::RefCell<SyllableCache> = std::cell::RefCell::new(SyllableCache::default());
}

/// Words, syllables and complex words of one sentence (counted as one sentence).
pub fn count_sentence(s: &str) -> Counts {
    CACHE.with_borrow_mut(|cache| count_sentence_cached(s, cache))
}

/// [`count_sentence`], remembering each word's syllables in `cache`.
pub fn count_sentence_cached(s: &str, cache: &mut SyllableCache) -> Counts {
    let mut c = if s.is_ascii() {
        count_ascii(s, cache)
    } else {
        let mut c = Counts::default();
        for w in words(s) {
            c.add_word(word_syllables(w));
        }
        c
    };
    c.sentences = usize::from(c.words > 0);
    c
}

impl Counts {
    fn add_word(&mut self, syllables: usize) {
        self.words += 1;
        self.syllables += syllables;
        if syllables >= 3 {
            self.complex_words += 1;
        }
    }
}

/// The next word of ASCII text `b` from `i`, as [`words`] finds it: its
/// range without leading and trailing punctuation (it starts and ends with
/// a letter or digit), and where the scan stopped (the `/` or white space
/// after it, or the end); or `None` when white space or the end comes
/// first (with where that is).
#[inline]
fn next_ascii_word(b: &[u8], mut i: usize) -> Result<(usize, usize, usize), usize> {
    let n = b.len();
    while i < n && CLASS[b[i] as usize] & (ALNUM | SPACE) == 0 {
        i += 1;
    }
    if i >= n || CLASS[b[i] as usize] & SPACE != 0 {
        return Err(i);
    }
    let start = i;
    // The first white space or `/`, eight bytes at a time.
    loop {
        let end = word_ends8(b, i);
        if end != 0 {
            i += (end.trailing_zeros() / 8) as usize;
            break;
        }
        i += 8;
    }
    let mut end = i;
    while CLASS[b[end - 1] as usize] & ALNUM == 0 {
        end -= 1;
    }
    Ok((start, end, i))
}

/// Where bytes `at..at + 8` of `b` end a word (white space or `/`, class
/// [`END`]): the top bit of byte `k` set when byte `at + k` does. Cheaper
/// than a look-up per byte. Past the end of `b` reads as white space, so a
/// scan stops there.
#[inline]
fn word_ends8(b: &[u8], at: usize) -> u64 {
    let x = load(b.get(at..).unwrap_or_default(), b' ');
    let y = x & !HIGH;
    let ends = bytes_in(y, b'\t', b'\n')
        | bytes_in(y, 0x0c, b'\r')
        | bytes_in(y, b' ', b' ')
        | bytes_in(y, b'/', b'/');
    ends & !x & HIGH
}

/// [`words`] and [`word_syllables`] for ASCII text (the common case, and
/// the hot loop of the reading-age check).
fn count_ascii(text: &str, cache: &mut SyllableCache) -> Counts {
    let b = text.as_bytes();
    let mut c = Counts::default();
    let mut i = 0;
    while i < b.len() {
        match next_ascii_word(b, i) {
            Ok((start, end, next)) => {
                c.add_word(cache.word(text, start, end));
                i = next;
            }
            Err(next) => i = next + 1,
        }
    }
    c
}

/// `feed` for one call, leaving it for the next.
fn reborrow<'a>(feed: &'a mut Option<&mut dyn WordFeed>) -> Option<&'a mut dyn WordFeed> {
    match feed {
        Some(f) => Some(&mut **f),
        None => None,
    }
}

/// A [`WordTest`], and where the words it wants go (their ranges).
type MarkSink<'a> = (&'a dyn WordTest, &'a mut dyn FnMut(Range<usize>));

/// [`sentences`] and [`count_sentence_cached`] for an ASCII text in one
/// pass: calls `f` with the range and counts of each sentence that has a
/// word, in order. A sentence can only end at white space, so it ends with
/// the white-space-separated token before it: each token is counted, then
/// checked for an ending.
///
/// This is the hot loop of the reading-age check. A token of fewer than
/// sixteen bytes (nearly all of them) is read from one [`Window`]: where it
/// ends, its `/`s and its first and last letter or digit come from the
/// window's masks, not from a byte at a time. Longer tokens take
/// [`next_ascii_word`], which finds the same words.
fn score_ascii(
    text: &str,
    cache: &mut SyllableCache,
    mut marks: Option<MarkSink>,
    mut feed: Option<&mut dyn WordFeed>,
    mut f: impl FnMut(Range<usize>, Counts),
) {
    let b = text.as_bytes();
    let n = b.len();
    let mut emit = |start: usize, end: usize, mut c: Counts| {
        if c.words == 0 {
            return;
        }
        c.sentences = 1;
        let s = &text[start..end];
        let lead = s.len() - s.trim_start().len();
        let len = s.trim().len();
        f(start + lead..start + lead + len, c);
    };
    let (mut start, mut seg) = (0, Counts::default());
    // One word, `ws..we`, counted (and marked and fed): written out in
    // both places it is used, as a call each time costs as much again.
    macro_rules! word {
        ($ws:expr, $we:expr) => {{
            let (ws, we) = ($ws, $we);
            let test = marks.as_ref().map(|m| m.0);
            let (n, marked) = cache.word_marked(text, ws, we, test, reborrow(&mut feed));
            seg.add_word(n);
            if marked && let Some((_, found)) = &mut marks {
                found(ws..we);
            }
        }};
    }
    let mut i = 0;
    while i < n {
        let w = Window::at(b, i);
        // Leading white space (the padding past the end is white space).
        let lead = (!w.space & 0xffff).trailing_zeros() as usize;
        if lead == 32 {
            i += 16;
            continue;
        }
        let token = i + lead;
        let space = w.space >> lead;
        // Whether the token ends in this window (before its last place).
        let room = 16 - lead;
        let (end, ends_word) = if space & ((1 << room) - 1) != 0 {
            let len = space.trailing_zeros() as usize;
            let keep = (1u32 << len) - 1;
            let alnum = (w.alnum >> lead) & keep;
            let mut slash = (w.slash >> lead) & keep;
            // Each piece between `/`s: from its first to its last letter or digit.
            let mut lo = 0;
            loop {
                let hi = if slash != 0 {
                    slash.trailing_zeros() as usize
                } else {
                    len
                };
                let piece = alnum & ((1u32 << hi) - 1) & !((1u32 << lo) - 1);
                if piece != 0 {
                    let first = piece.trailing_zeros() as usize;
                    let last = 31 - piece.leading_zeros() as usize;
                    word!(token + first, token + last + 1);
                }
                if slash == 0 {
                    break;
                }
                lo = hi + 1;
                slash &= slash - 1;
            }
            (token + len, alnum & (1 << (len - 1)) != 0)
        } else {
            let mut k = token;
            let end = loop {
                match next_ascii_word(b, k) {
                    Ok((ws, we, next)) => {
                        word!(ws, we);
                        k = next;
                    }
                    Err(at) => break at,
                }
            };
            (end, CLASS[b[end - 1] as usize] & ALNUM != 0)
        };
        i = end;
        // The token ends a sentence when it ends with a mark and closing
        // punctuation (`end.`, `so?"`, `(see below):`), as [`sentences`] says;
        // not when it ends with a letter or digit.
        if ends_word {
            continue;
        }
        let Some(pos) = sentence_mark(&b[token..end]).map(|p| token + p) else {
            continue;
        };
        if !is_abbreviation_stop(text, start, pos, end) {
            emit(start, end, std::mem::take(&mut seg));
            start = end;
        }
    }
    emit(start, n, seg);
}

/// Sixteen bytes of ASCII text from some place, as bit masks (bit `k` for
/// the byte `k` places on): white space (as [`CLASS`]'s `SPACE`), letters
/// and digits, and `/`. Past the end of the text reads as white space.
struct Window {
    space: u32,
    alnum: u32,
    slash: u32,
}

impl Window {
    #[inline]
    fn at(b: &[u8], i: usize) -> Window {
        let bytes = crate::swar::sixteen(b, i, b' ');
        // SAFETY: SSE2 is part of every x86-64 CPU.
        #[cfg(target_arch = "x86_64")]
        let w = unsafe { window_sse2(&bytes) };
        #[cfg(not(target_arch = "x86_64"))]
        let w = window_table(&bytes);
        w
    }
}

/// [`Window`] a byte at a time, with [`CLASS`]: what other CPUs use, and
/// what the SSE2 masks are tested against.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn window_table(bytes: &[u8; 16]) -> Window {
    let mut w = Window {
        space: 0,
        alnum: 0,
        slash: 0,
    };
    for (k, &c) in bytes.iter().enumerate() {
        let class = CLASS[c as usize];
        w.space |= u32::from(class & SPACE != 0) << k;
        w.alnum |= u32::from(class & ALNUM != 0) << k;
        w.slash |= u32::from(c == b'/') << k;
    }
    w
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn window_sse2(bytes: &[u8; 16]) -> Window {
    use std::arch::x86_64::{
        _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: `bytes` is sixteen readable bytes; the load needs no alignment.
    let v = unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) };
    // ASCII only, so signed comparisons order the bytes.
    let within = |v, lo: u8, hi: u8| {
        _mm_and_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)),
            _mm_cmpgt_epi8(_mm_set1_epi8(hi as i8 + 1), v),
        )
    };
    let is = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
    // Tab to carriage return, but not the vertical tab, and the space.
    let space = _mm_or_si128(
        _mm_andnot_si128(is(0x0b), within(v, b'\t', b'\r')),
        is(b' '),
    );
    let lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    let alnum = _mm_or_si128(within(lower, b'a', b'z'), within(v, b'0', b'9'));
    let mask = |m| _mm_movemask_epi8(m) as u32;
    Window {
        space: mask(space),
        alnum: mask(alnum),
        slash: mask(is(b'/')),
    }
}

/// Where the mark that ends a token as a sentence is: the first `.`, `!`,
/// `?`, `:` or `;` followed only by closing punctuation (`. ! ? " ' ) ]`).
fn sentence_mark(t: &[u8]) -> Option<usize> {
    let closer = |c: u8| matches!(c, b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']');
    let mut q = t.len();
    while q > 0 && closer(t[q - 1]) {
        q -= 1;
    }
    if q > 0 && matches!(t[q - 1], b':' | b';') {
        return Some(q - 1);
    }
    (q..t.len()).find(|&p| matches!(t[p], b'.' | b'!' | b'?'))
}

/// Syllables of one ASCII word (from its first to its last letter or
/// digit): the sum of its parts between hyphens, at least one.
fn ascii_word_syllables(w: &[u8]) -> usize {
    let mut sum = 0;
    for part in w.split(|&c| c == b'-') {
        let mut buf = [0u8; 48];
        let (mut len, mut alpha, mut upper, mut alnum) = (0usize, 0usize, 0usize, false);
        for &ch in part {
            let class = CLASS[ch as usize];
            if class & ALNUM != 0 {
                alnum = true;
                if class & LETTER != 0 {
                    alpha += 1;
                    upper += usize::from(class & UPPER == UPPER);
                    if len < buf.len() {
                        buf[len] = ch | 0x20;
                        len += 1;
                    }
                }
            }
        }
        if alnum {
            sum += part_syllables(&buf[..len], alpha, upper);
        }
    }
    sum.max(1)
}

// Byte classes for the ASCII fast paths.
const ALNUM: u8 = 1;
const LETTER: u8 = 2;
const LOWER: u8 = ALNUM | LETTER;
const UPPER: u8 = ALNUM | LETTER | 4;
/// Ends a word: white space or `/`.
const END: u8 = 8;
/// White space (ends a word and may end a sentence).
const SPACE: u8 = 16;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_lowercase() {
            LOWER
        } else if b.is_ascii_uppercase() {
            UPPER
        } else if b.is_ascii_digit() {
            ALNUM
        } else if b.is_ascii_whitespace() {
            END | SPACE
        } else if b == b'/' {
            END
        } else {
            0
        };
        c += 1;
    }
    t
};

/// Syllables of one part of a word from its lower-case letters: numbers and
/// abbreviations (all capitals) are one syllable.
fn part_syllables(letters: &[u8], alpha: usize, upper: usize) -> usize {
    if alpha == 0 || (alpha > 1 && upper == alpha) {
        1
    } else {
        syllables_bytes(letters)
    }
}

/// The words of a text: runs of non-space characters holding a letter or digit,
/// stripped of surrounding punctuation.
pub fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_whitespace() || c == '/' || c == '—' || c == '–')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

/// Byte ranges of the sentences of a text. A sentence ends at `.`, `!`,
/// `?`, `:` or `;` followed by a space (or the end), except a full stop
/// followed by a lower-case word (`e.g. this`), and at the end of the text.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let n = b.len();
    // Sentence-ending marks; "…" is E2 80 A6 in UTF-8.
    let mark_len = |i: usize| -> usize {
        match b[i] {
            b'.' | b'!' | b'?' | b':' | b';' => 1,
            0xE2 if b.get(i + 1..i + 3) == Some(&[0x80, 0xA6]) => 3,
            _ => 0,
        }
    };
    // Closing punctuation that belongs to the sentence: . ! ? " ' ) ] ’ ”.
    let closer_len = |i: usize| -> usize {
        match b[i] {
            b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']' => 1,
            0xE2 if matches!(b.get(i + 1..i + 3), Some([0x80, 0x99]) | Some([0x80, 0x9D])) => 3,
            _ => 0,
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut k = 0;
    while k < n {
        // Most bytes are letters: skip to the next possible mark.
        while k < n && !matches!(b[k], b'.' | b'!' | b'?' | b':' | b';' | 0xE2) {
            k += 1;
        }
        if k >= n {
            break;
        }
        let m = mark_len(k);
        if m == 0 {
            k += 1;
            continue;
        }
        let pos = k;
        let mut j = k + m;
        while j < n {
            let c = closer_len(j);
            if c == 0 {
                break;
            }
            j += c;
        }
        let next_is_space = j >= n || b[j].is_ascii_whitespace();
        if next_is_space && !is_abbreviation_stop(text, start, pos, j) {
            push_sentence(&mut out, text, start..j);
            start = j;
        }
        k = j;
    }
    push_sentence(&mut out, text, start..n);
    out
}

fn push_sentence(out: &mut Vec<Range<usize>>, text: &str, r: Range<usize>) {
    let s = &text[r.clone()];
    let t = s.trim();
    // A sentence holds a word; most start with a letter, so this is quick.
    let wordy = t.bytes().next().is_some_and(|c| c.is_ascii_alphanumeric())
        || t.chars().any(char::is_alphanumeric);
    if wordy {
        let lead = s.len() - s.trim_start().len();
        out.push(r.start + lead..r.start + lead + t.len());
    }
}

/// Whether the mark at `pos` (in a sentence begun at `start`, its closing
/// punctuation ending at `after`) is a full stop that does not end the
/// sentence: the next word starts in lower case, or the word before is a
/// common abbreviation (`Dr.`, `e.g.`).
///
/// Runs at every full stop of every page: ASCII white space and letters
/// are read as bytes, and only text beyond ASCII takes the general way.
fn is_abbreviation_stop(text: &str, start: usize, pos: usize, after: usize) -> bool {
    let b = text.as_bytes();
    if b[pos] != b'.' {
        return false;
    }
    let next = after
        + b[after..]
            .iter()
            .take_while(|&&c| crate::swar::is_space(c))
            .count();
    let lower_next = match b.get(next) {
        None => false,
        Some(c) if c.is_ascii() => c.is_ascii_lowercase(),
        Some(_) => text[next..]
            .trim_start()
            .chars()
            .next()
            .is_some_and(char::is_lowercase),
    };
    lower_next || is_abbreviation(&text[start..pos])
}

/// Common abbreviations that a full stop may follow without ending a
/// sentence, in lower case.
const ABBREVIATIONS: [&str; 11] = [
    "dr", "mr", "mrs", "ms", "st", "no", "e.g", "i.e", "etc", "approx", "tel",
];

/// Whether the text before a full stop ends with a common abbreviation.
fn is_abbreviation(before: &str) -> bool {
    let b = before.as_bytes();
    // The last word, from after the last white space or `(`, read back
    // over ASCII bytes (a byte beyond ASCII takes the general way).
    let mut k = b.len();
    while k > 0 {
        let c = b[k - 1];
        if !c.is_ascii() {
            return is_abbreviation_general(before);
        }
        if crate::swar::is_space(c) || c == b'(' {
            break;
        }
        if b.len() - k == 6 {
            return false;
        }
        k -= 1;
    }
    let last = &before[k..];
    ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(last))
}

/// [`is_abbreviation`] for any text.
fn is_abbreviation_general(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    last.len() <= 6 && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(last))
}

/// Syllables in a word, by rule (Flesch: a number or an abbreviation is
/// one syllable; a hyphenated word is the sum of its parts).
pub fn word_syllables(word: &str) -> usize {
    if word.contains('-') {
        return word
            .split('-')
            .filter(|p| p.chars().any(char::is_alphanumeric))
            .map(word_syllables)
            .sum::<usize>()
            .max(1);
    }
    // Lower-case ASCII letters in a small buffer: this runs for every word
    // of every page, so it must not allocate.
    let mut buf = [0u8; 48];
    let mut n = 0;
    let (mut alpha, mut upper) = (0usize, 0usize);
    if word.is_ascii() {
        for &c in word.as_bytes().iter().filter(|c| c.is_ascii_alphabetic()) {
            alpha += 1;
            if c.is_ascii_uppercase() {
                upper += 1;
            }
            if n < buf.len() {
                buf[n] = c.to_ascii_lowercase();
                n += 1;
            }
        }
    } else {
        for c in word.chars().filter(|c| c.is_alphabetic()) {
            alpha += 1;
            if c.is_uppercase() {
                upper += 1;
            }
            let l = fold_accent(c.to_lowercase().next().unwrap_or(c));
            if n < buf.len() {
                buf[n] = if l.is_ascii_lowercase() {
                    l as u8
                } else {
                    b'x'
                };
                n += 1;
            }
        }
    }
    if alpha == 0 || (alpha > 1 && upper == alpha) {
        return 1;
    }
    syllables_bytes(&buf[..n])
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        c => c,
    }
}

/// Words the rules get wrong, with their syllables. Dispatched on length
/// and first letter so that the common case costs no string comparison.
fn exception(w: &[u8]) -> Option<usize> {
    let first = *w.first()?;
    match (w.len(), first) {
        (4, b'a') => match w {
            b"area" => Some(3),
            _ => None,
        },
        (4, b'd') => match w {
            b"diet" => Some(2),
            _ => None,
        },
        (4, b'i') => match w {
            b"idea" => Some(3),
            _ => None,
        },
        (4, b'l') => match w {
            b"lion" => Some(2),
            _ => None,
        },
        (4, b'p') => match w {
            b"poem" => Some(2),
            _ => None,
        },
        (5, b'a') => match w {
            b"areas" => Some(3),
            _ => None,
        },
        (5, b'b') => match w {
            b"being" => Some(2),
            _ => None,
        },
        (5, b'd') => match w {
            b"doing" => Some(2),
            _ => None,
        },
        (5, b'e') => match w {
            b"every" => Some(2),
            _ => None,
        },
        (5, b'g') => match w {
            b"going" => Some(2),
            _ => None,
        },
        (5, b'i') => match w {
            b"ideas" => Some(3),
            _ => None,
        },
        (5, b'm') => match w {
            b"maybe" => Some(2),
            _ => None,
        },
        (5, b'n') => match w {
            b"naive" => Some(2),
            _ => None,
        },
        (5, b'q') => match w {
            b"quiet" => Some(2),
            _ => None,
        },
        (6, b'a') => match w {
            b"anyone" => Some(3),
            _ => None,
        },
        (6, b'c') => match w {
            b"create" => Some(2),
            b"client" => Some(2),
            _ => None,
        },
        (6, b'f') => match w {
            b"family" => Some(3),
            _ => None,
        },
        (6, b'p') => match w {
            b"people" => Some(2),
            _ => None,
        },
        (6, b'r') => match w {
            b"really" => Some(2),
            b"recipe" => Some(3),
            _ => None,
        },
        (6, b's') => match w {
            b"seeing" => Some(2),
            _ => None,
        },
        (7, b'c') => match w {
            b"creates" => Some(2),
            b"created" => Some(3),
            _ => None,
        },
        (7, b'e') => match w {
            b"evening" => Some(2),
            _ => None,
        },
        (7, b'h') => match w {
            b"hospice" => Some(2),
            _ => None,
        },
        (7, b'r') => match w {
            b"realise" => Some(3),
            _ => None,
        },
        (7, b's') => match w {
            b"someone" => Some(2),
            b"science" => Some(2),
            b"several" => Some(3),
            _ => None,
        },
        (7, b'w') => match w {
            b"whoever" => Some(3),
            _ => None,
        },
        (8, b'b') => match w {
            b"business" => Some(2),
            _ => None,
        },
        (8, b'c') => match w {
            b"creating" => Some(3),
            _ => None,
        },
        (8, b'e') => match w {
            b"everyone" => Some(3),
            _ => None,
        },
        (8, b'f') => match w {
            b"families" => Some(3),
            _ => None,
        },
        (8, b'h') => match w {
            b"hospices" => Some(3),
            _ => None,
        },
        (8, b'i') => match w {
            b"interest" => Some(3),
            _ => None,
        },
        (9, b'd') => match w {
            b"different" => Some(3),
            _ => None,
        },
        (9, b'r') => match w {
            b"reptilian" => Some(3),
            _ => None,
        },
        (9, b's') => match w {
            b"something" => Some(2),
            b"sometimes" => Some(2),
            b"somewhere" => Some(2),
            _ => None,
        },
        (9, b'w') => match w {
            b"wednesday" => Some(2),
            _ => None,
        },
        (10, b'a') => match w {
            b"australian" => Some(3),
            _ => None,
        },
        (10, b'e') => match w {
            b"everything" => Some(3),
            _ => None,
        },
        _ => None,
    }
}

/// Syllables of a lower-case word of letters, by vowel groups with the
/// usual English corrections.
pub fn syllables(w: &str) -> usize {
    syllables_bytes(w.as_bytes())
}

fn is_aeiou(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// [`syllables`] on lower-case ASCII letters (this runs for every word of
/// every page, so it works on bytes and never allocates).
fn syllables_bytes(b: &[u8]) -> usize {
    if let Some(n) = exception(b) {
        return n;
    }
    let n = b.len();
    if n <= 3 {
        return 1;
    }
    // y is a consonant at the start and before a vowel (yes, beyond).
    let is_vowel = |i: usize| -> bool {
        match b[i] {
            b'a' | b'e' | b'i' | b'o' | b'u' => true,
            b'y' => i > 0 && !(i + 1 < n && is_aeiou(b[i + 1])),
            _ => false,
        }
    };
    let mut count = 0usize;
    let mut i = 0;
    while i < n {
        if is_vowel(i) {
            let start = i;
            while i < n && is_vowel(i) {
                i += 1;
            }
            count += 1;
            if i - start >= 2 {
                count += splits(b, start, i);
            }
        } else {
            i += 1;
        }
    }
    let consonant = |i: usize| !is_vowel(i);
    // A silent final e (care, whole; but not table, agree, free).
    if b[n - 1] == b'e' && consonant(n - 2) && !(b[n - 2] == b'l' && consonant(n - 3)) {
        count = count.saturating_sub(1);
    }
    // A silent e in -es and -ed (cares, cared; not buses, pages, wanted, tables).
    if b[n - 2] == b'e' && consonant(n - 3) {
        let prev = b[n - 3];
        let silent = match b[n - 1] {
            b's' => {
                let sibilant = matches!(prev, b's' | b'x' | b'z' | b'c' | b'g')
                    || (prev == b'h' && matches!(b[n - 4], b'c' | b's'));
                !sibilant
            }
            b'd' => !matches!(prev, b't' | b'd'),
            _ => false,
        };
        if silent && !(prev == b'l' && consonant(n - 4)) {
            count = count.saturating_sub(1);
        }
    }
    // A silent e before a suffix (careful, lately, statement, homeless).
    let suffix: &[&[u8]] = match b[n - 1] {
        b'l' => &[b"ful"],
        b'y' => &[b"ly"],
        b't' => &[b"ment"],
        b's' => &[b"less", b"ness"],
        _ => &[],
    };
    for suf in suffix {
        if let Some(stem) = b.strip_suffix(*suf) {
            let m = stem.len();
            if m >= 3
                && stem[m - 1] == b'e'
                && !matches!(stem[m - 2], b'a' | b'e' | b'i' | b'o' | b'u' | b'l')
                && matches!(stem[m - 3], b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
            {
                count = count.saturating_sub(1);
            }
        }
    }
    // -ism is two syllables (criticism).
    if b.ends_with(b"ism") {
        count += 1;
    }
    count.max(1)
}

/// Extra syllables inside the vowel group `b[start..end]` (two or more
/// vowels): pairs that are said as two sounds (pal-li-a-tive, me-di-um,
/// se-ri-ous, ac-tu-al).
fn splits(b: &[u8], start: usize, end: usize) -> usize {
    let before = if start > 0 { b[start - 1] } else { b' ' };
    let group = &b[start..end];
    let after = &b[end..];
    let has = |x: u8, y: u8| group.windows(2).any(|p| p[0] == x && p[1] == y);
    let iou = group.windows(3).any(|p| p == b"iou");
    let mut extra = 0;
    if has(b'i', b'a') {
        let soft = matches!(before, b'c' | b't' | b's' | b'g' | b'x');
        // -lian, -liar (Italian, familiar) are said -lyan, -lyar.
        let ly = before == b'l' && matches!(after.first(), Some(b'n') | Some(b'r'));
        if !soft && !ly {
            extra += 1;
        }
    }
    if has(b'i', b'o') && !iou {
        // -tion, -sion, -cion, -gion and -ion at the end are one sound.
        let one = matches!(before, b't' | b's' | b'c' | b'g' | b'x')
            || (after.first() == Some(&b'n') && after.len() <= 2);
        if !one {
            extra += 1;
        }
    }
    if iou && !matches!(before, b't' | b'c' | b'x' | b'g') {
        extra += 1;
    }
    if has(b'i', b'u') || has(b'i', b'i') {
        extra += 1;
    }
    if has(b'u', b'a') && !matches!(before, b'q' | b'g') {
        extra += 1;
    }
    if has(b'u', b'o') || (has(b'e', b'o') && after.is_empty()) {
        extra += 1;
    }
    if has(b'i', b'e') && matches!(after, b"r" | b"rs" | b"st") {
        extra += 1;
    }
    extra
}

/// A sentence of a page, scored and placed.
#[derive(Debug, Clone)]
pub struct SentenceScore {
    pub text: String,
    /// Byte offset in the source file.
    pub offset: usize,
    pub grade: f64,
    pub words: usize,
}

/// Score a page's prose blocks. Returns the totals and the page's
/// hardest sentences (at most `HARDEST`), hardest first.
pub fn score_blocks(blocks: &[ProseBlock]) -> (Counts, Vec<SentenceScore>) {
    score_blocks_marked(blocks, None, None)
}

/// [`score_blocks`], also finding the words `marks` wants and telling
/// `feed` of every word.
pub fn score_blocks_marked(
    blocks: &[ProseBlock],
    mut marks: Option<&mut Marks>,
    mut feed: Option<&mut dyn WordFeed>,
) -> (Counts, Vec<SentenceScore>) {
    let mut total = Counts::default();
    // (grade, words, block, range): only the few hardest keep their text.
    let mut top: Vec<(f64, usize, usize, Range<usize>)> = Vec::with_capacity(HARDEST + 1);
    CACHE.with_borrow_mut(|cache| {
        cache.use_ids(marks.as_ref().map(|m| m.id), feed.as_ref().map(|f| f.id()));
        for (bi, b) in blocks.iter().enumerate() {
            let mut sentence = |r: Range<usize>, c: Counts| {
                total.add(c);
                if c.words < 3 {
                    return;
                }
                let g = c.grade();
                if top.len() < HARDEST || g > top[top.len() - 1].0 {
                    let at = top.partition_point(|t| t.0 >= g);
                    top.insert(at, (g, c.words, bi, r));
                    top.truncate(HARDEST);
                }
            };
            let feed = reborrow(&mut feed);
            if b.text.is_ascii() {
                match &mut marks {
                    Some(m) => {
                        let mut found = |r: Range<usize>| m.found.push((bi, r));
                        let marks = Some((m.test, &mut found as &mut dyn FnMut(Range<usize>)));
                        score_ascii(&b.text, cache, marks, feed, sentence);
                    }
                    None => score_ascii(&b.text, cache, None, feed, sentence),
                }
            } else {
                if let Some(f) = feed {
                    f.text(&b.text);
                }
                for r in sentences(&b.text) {
                    let c = count_sentence_cached(&b.text[r.clone()], cache);
                    sentence(r, c);
                }
            }
        }
    });
    let hardest = top
        .into_iter()
        .map(|(grade, words, bi, r)| SentenceScore {
            text: blocks[bi].text[r.clone()].to_string(),
            offset: blocks[bi].source_offset(r.start),
            grade,
            words,
        })
        .collect();
    (total, hardest)
}

/// Score every page; warn on pages above the site's target grade, naming
/// their hardest sentences with line numbers.
pub fn check(
    site: &Site,
    rendered: &[Rendered],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Option<Score>> {
    let results: Vec<(Option<Score>, Option<Diagnostic>)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| match rendered.get(i) {
            Some(r) => page(site, p, r),
            None => (None, None),
        })
        .collect();
    results
        .into_iter()
        .map(|(s, d)| {
            diags.extend(d);
            s
        })
        .collect()
}

/// Score one page's prose, with a warning when it is above the site's
/// target grade.
pub fn page(site: &Site, p: &Page, r: &Rendered) -> (Option<Score>, Option<Diagnostic>) {
    page_marked(site, p, r, None, None)
}

/// [`page`], also finding the words `marks` wants and telling `feed` of
/// every word.
pub fn page_marked(
    site: &Site,
    p: &Page,
    r: &Rendered,
    marks: Option<&mut Marks>,
    feed: Option<&mut dyn WordFeed>,
) -> (Option<Score>, Option<Diagnostic>) {
    let target = site.config.check.reading_grade;
    let (counts, hardest) = score_blocks_marked(&r.prose, marks, feed);
    if counts.words == 0 {
        return (None, None);
    }
    let score = Score::from_counts(&counts);
    if counts.words < MIN_WORDS || score.grade <= target {
        return (Some(score), None);
    }
    let text = &p.src.text;
    let named: Vec<String> = hardest
        .iter()
        .filter(|s| s.grade > target)
        .take(HARDEST)
        .map(|s| {
            format!(
                "line {} (grade {:.1}, {} words): \"{}\"",
                line_col(text, s.offset).0,
                s.grade,
                s.words,
                excerpt(&s.text, 70)
            )
        })
        .collect();
    let span = hardest
        .first()
        .map(|s| {
            let len = s.text.split_whitespace().next().map_or(0, str::len);
            s.offset..s.offset + len
        })
        .unwrap_or(p.body_offset..p.body_offset);
    let mut d = Diagnostic::warning_at(
        "reading-age",
        &p.src,
        span,
        format!(
            "reading grade {:.1} is above the site's target of {} (reading ease {:.0}, {:.1} words a sentence, {:.0}% of words have 3 or more syllables)",
            score.grade,
            target,
            score.reading_ease,
            score.words_per_sentence,
            score.complex_word_share * 100.0
        ),
    )
    .with_label("the hardest sentence starts here");
    let mut hint =
        String::from("use shorter sentences (aim for 15 words or fewer) and everyday words");
    if !named.is_empty() {
        hint.push_str("; the hardest sentences are ");
        hint.push_str(&named.join("; "));
    }
    d = d.with_hint(hint);
    (Some(score), Some(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    /// Wikipedia, "Flesch–Kincaid readability tests", section "Flesch–Kincaid
    /// grade level": "The Australian platypus is seemingly a hybrid of a
    /// mammal and reptilian creature" is an 11.3, with 24 syllables and 13 words.
    #[test]
    fn platypus_sentence_scores_grade_11_3() {
        let c = count(
            "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.",
        );
        assert_eq!((c.words, c.sentences, c.syllables), (13, 1, 24));
        assert!(close(c.grade(), 11.3, 0.05), "grade {}", c.grade());
    }

    /// Wikipedia, "Flesch–Kincaid readability tests", section "Flesch reading
    /// ease": "The cat sat on the mat." scores 116 (6 one-syllable words).
    #[test]
    fn cat_on_the_mat_scores_116() {
        let c = count("The cat sat on the mat.");
        assert_eq!((c.words, c.sentences, c.syllables), (6, 1, 6));
        assert_eq!(c.reading_ease().round(), 116.0);
        assert_eq!(c.complex_share(), 0.0);
    }

    /// The formulas themselves (Flesch 1948; Kincaid et al. 1975): with 100
    /// words, 5 sentences and 150 syllables, ease = 206.835 - 1.015*20 -
    /// 84.6*1.5 = 59.635 and grade = 0.39*20 + 11.8*1.5 - 15.59 = 9.91.
    #[test]
    fn formulas_match_the_published_coefficients() {
        let c = Counts {
            words: 100,
            sentences: 5,
            syllables: 150,
            complex_words: 10,
        };
        assert!(close(c.reading_ease(), 59.635, 1e-9));
        assert!(close(c.grade(), 9.91, 1e-9));
        assert!(close(c.complex_share(), 0.1, 1e-9));
    }

    #[test]
    fn syllables_of_common_and_medical_words() {
        let cases = [
            ("care", 1),
            ("cared", 1),
            ("cares", 1),
            ("wanted", 2),
            ("table", 2),
            ("tables", 2),
            ("agree", 2),
            ("whole", 1),
            ("pages", 2),
            ("services", 3),
            ("palliative", 4),
            ("medicine", 3),
            ("hospice", 2),
            ("nurse", 1),
            ("morphine", 2),
            ("symptoms", 2),
            ("referral", 3),
            ("bereavement", 3),
            ("medium", 3),
            ("serious", 3),
            ("actual", 3),
            ("language", 2),
            ("nation", 2),
            ("careful", 2),
            ("statement", 2),
            ("easier", 3),
            ("yes", 1),
            ("beyond", 2),
            ("you", 1),
            ("syringe", 2),
            ("anticipatory", 6),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(w, n)| syllables(w) != *n)
            .map(|(w, n)| format!("{w}: {} not {n}", syllables(w)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:?}");
    }

    #[test]
    fn numbers_abbreviations_and_hyphens() {
        assert_eq!(word_syllables("111"), 1);
        assert_eq!(word_syllables("DNACPR"), 1);
        assert_eq!(word_syllables("NHS"), 1);
        assert_eq!(word_syllables("end-of-life"), 3);
        assert_eq!(words("Call 111 – or (if you can) 999.").count(), 7);
    }

    #[test]
    fn fast_ascii_path_counts_like_the_general_one() {
        let texts = [
            "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.",
            "Call 111 (or 999) - it's free; end-of-life care / DNACPR forms, e.g. well- known.",
            "Palliative care helps people with an illness that cannot be cured: pain, breathlessness and worry.",
            "-- ... 42 x-ray co-ordinator NHS-funded A-Z  careful statement criticism",
        ];
        for t in texts {
            let mut general = Counts::default();
            for w in words(t) {
                general.add_word(word_syllables(w));
            }
            let mut cache = SyllableCache::default();
            let fast = count_ascii(t, &mut cache);
            assert_eq!(
                (fast.words, fast.syllables, fast.complex_words),
                (general.words, general.syllables, general.complex_words),
                "{t}"
            );
            // And again from the cache.
            let again = count_ascii(t, &mut cache);
            assert_eq!(again, fast, "{t}");
        }
    }

    #[test]
    fn word_ends_eight_at_a_time_match_the_table() {
        for c in 0..=255u8 {
            for k in 0..8 {
                for len in k + 1..=10 {
                    let mut t = [b'Q', b'.', 0xC3, b'x', b'7', b' ', b'/', 0x80, b'\t', b'a'];
                    t[k] = c;
                    let t = &t[..len];
                    for at in 0..=k {
                        let mut ends = 0u64;
                        for j in 0..8 {
                            let class = t.get(at + j).map_or(END, |&b| CLASS[b as usize]);
                            if class & END != 0 {
                                ends |= 0x80u64 << (8 * j);
                            }
                        }
                        assert_eq!(word_ends8(t, at), ends, "{c:#x} at {k} of {len}");
                    }
                }
            }
        }
    }

    #[test]
    fn sentence_boundaries() {
        let t = "Call us on 0300 123 4567. We are open 9.30am to 5pm: every day! Is it free? Yes, e.g. for NHS care. Dr Smith said so";
        let s: Vec<&str> = sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            s,
            [
                "Call us on 0300 123 4567.",
                "We are open 9.30am to 5pm:",
                "every day!",
                "Is it free?",
                "Yes, e.g. for NHS care.",
                "Dr Smith said so"
            ]
        );
        assert_eq!(sentences("Hi. \n  "), vec![0..3]);
        assert!(sentences(" \n ").is_empty());
        assert!(sentences("").is_empty());
    }

    #[test]
    fn hardest_sentences_come_first_with_their_source_offsets() {
        let b = ProseBlock {
            text: "It is easy. Comprehensive multidisciplinary palliative interventions are available.".into(),
            pieces: vec![(0, 100)],
            links: vec![],
        };
        let (c, hard) = score_blocks(&[b]);
        assert_eq!(c.sentences, 2);
        assert!(hard[0].text.starts_with("Comprehensive"));
        assert_eq!(hard[0].offset, 112);
        assert!(hard[0].grade > hard[1].grade);
    }

    #[test]
    fn hard_page_is_flagged_with_line_numbers_and_easy_page_is_not() {
        use crate::check::testutil::{compile_files, page};
        let hard = "Comprehensive multidisciplinary palliative interventions necessitate coordination between numerous professional organisations. ".repeat(12);
        let easy = "We can help you. Call us when you need to talk. Our nurses visit you at home. "
            .repeat(8);
        let (_d, c) = compile_files(&[
            (
                "content/hard.md",
                &page("Hard", "", &format!("## Intro\n\nFirst line.\n\n{hard}")),
            ),
            ("content/easy.md", &page("Easy", "", &easy)),
        ]);
        let mut diags = Vec::new();
        let scores = check(&c.site, &c.render.rendered, &mut diags);
        let hard_i = c.site.by_rel["hard.md"];
        let easy_i = c.site.by_rel["easy.md"];
        assert!(scores[hard_i].as_ref().unwrap().grade > 15.0);
        assert!(scores[easy_i].as_ref().unwrap().grade < 3.0);
        assert_eq!(diags.len(), 1, "{diags:?}");
        let d = &diags[0];
        assert_eq!(d.path, "content/hard.md");
        assert_eq!(d.line, 16, "line of the first hard sentence");
        assert!(
            d.hint.as_deref().unwrap().contains("line 16 (grade"),
            "{:?}",
            d.hint
        );
    }

    /// The first version of [`count_ascii`], a byte at a time (without
    /// its cache), to check the faster one against.
    fn reference_count_ascii(b: &[u8]) -> Counts {
        let mut c = Counts::default();
        let n = b.len();
        let mut i = 0;
        while i < n {
            while i < n && !b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i >= n {
                break;
            }
            let mut buf = [0u8; 48];
            let (mut len, mut alpha, mut upper, mut alnum) = (0usize, 0usize, 0usize, false);
            let (mut parts, mut sum) = (0usize, 0usize);
            loop {
                let ch = b.get(i).copied().unwrap_or(b' ');
                if ch.is_ascii_whitespace() || ch == b'/' || ch == b'-' {
                    if alnum {
                        parts += 1;
                        sum += part_syllables(&buf[..len], alpha, upper);
                    }
                    if ch != b'-' {
                        break;
                    }
                    (len, alpha, upper, alnum) = (0, 0, 0, false);
                    i += 1;
                    continue;
                }
                if ch.is_ascii_alphanumeric() {
                    alnum = true;
                    if ch.is_ascii_alphabetic() {
                        alpha += 1;
                        upper += usize::from(ch.is_ascii_uppercase());
                        if len < buf.len() {
                            buf[len] = ch | 0x20;
                            len += 1;
                        }
                    }
                }
                i += 1;
            }
            if parts > 0 {
                c.add_word(sum.max(1));
            }
        }
        c
    }

    /// The sentences of `text` and their counts, by [`sentences`] and
    /// [`reference_count_ascii`].
    fn reference_scores(text: &str) -> Vec<(Range<usize>, Counts)> {
        sentences(text)
            .into_iter()
            .map(|r| {
                let mut c = reference_count_ascii(text[r.clone()].as_bytes());
                c.sentences = usize::from(c.words > 0);
                (r, c)
            })
            .collect()
    }

    fn one_pass_scores(text: &str) -> Vec<(Range<usize>, Counts)> {
        let mut got = Vec::new();
        let mut cache = SyllableCache::default();
        for _ in 0..2 {
            got.clear();
            score_ascii(text, &mut cache, None, None, |r, c| got.push((r, c)));
        }
        got
    }

    #[test]
    fn one_pass_finds_the_same_sentences_and_counts() {
        let texts = [
            "Call us on 0300 123 4567. We are open 9.30am to 5pm: every day! Is it free? Yes, e.g. for NHS care. Dr Smith said so",
            "He said \"stop.\" Then (see below): more... And? \"Yes!\" ok. no. Etc. St. Mary's/St. John's (Tel. 111).",
            "end-of-life care / DNACPR forms - well- known x-ray. A-Z: 42; -- ... . ? \x0b. Next\x0b sentence .\t\n  ",
            "",
            "   ",
            ".",
            "a",
            "Comprehensive multidisciplinary palliative interventions necessitate coordination between numerous professional organisations.",
        ];
        for t in texts {
            assert_eq!(one_pass_scores(t), reference_scores(t), "{t:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn one_pass_matches_on_any_ascii_text(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "care", "Care", "NHS", "e.g.", "i.e.", "Dr", "dr.", "etc.", "approx", "tel.",
                    "palliative", "end-of-life", "x-", "-y", "24/7", "and/or", "it's", "9.30am",
                    ".", "!", "?", ":", ";", "...", "\"", "'", ")", "]", "(", ",", "-", "/",
                    " ", " ", " ", "  ", "\n", "\t", "\x0b", "\r", "a", "B", "1", "\x00",
                    "Supercalifragilisticexpialidocious", "internationalisation-related",
                ]),
                0..60,
            )
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(one_pass_scores(&text), reference_scores(&text));
            let mut cache = SyllableCache::default();
            proptest::prop_assert_eq!(
                count_ascii(&text, &mut cache),
                reference_count_ascii(text.as_bytes())
            );
        }
    }

    /// The abbreviation test as first written, over chars: the byte-wise
    /// one must agree with it on any text.
    fn reference_abbreviation_stop(text: &str, start: usize, pos: usize, after: usize) -> bool {
        let before = &text[start..pos];
        let last = before
            .rsplit(|c: char| c.is_whitespace() || c == '(')
            .next()
            .unwrap_or("");
        let abbreviation =
            last.len() <= 6 && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(last));
        text.as_bytes()[pos] == b'.'
            && (text[after..]
                .trim_start()
                .chars()
                .next()
                .is_some_and(char::is_lowercase)
                || abbreviation)
    }

    #[test]
    fn windows_mark_what_the_byte_classes_say() {
        // Every ASCII byte in every place, among bytes that vary.
        for c in 0u8..0x80 {
            for k in 0..16 {
                let mut bytes: [u8; 16] =
                    std::array::from_fn(|j| ((j * 37 + usize::from(c)) % 0x80) as u8);
                bytes[k] = c;
                #[cfg(target_arch = "x86_64")]
                {
                    // SAFETY: SSE2 is part of every x86-64 CPU.
                    let fast = unsafe { window_sse2(&bytes) };
                    let slow = window_table(&bytes);
                    assert_eq!(
                        (fast.space, fast.alnum, fast.slash),
                        (slow.space, slow.alnum, slow.slash),
                        "{bytes:?}"
                    );
                }
                let w = window_table(&bytes);
                assert_eq!(w.space >> k & 1 == 1, c.is_ascii_whitespace(), "{c:#x}");
                assert_eq!(w.alnum >> k & 1 == 1, c.is_ascii_alphanumeric(), "{c:#x}");
            }
        }
        // Past the end of the text reads as white space.
        let w = Window::at(b"ab/c", 1);
        assert_eq!((w.space & 0xffff, w.alnum, w.slash), (0xfff8, 0b101, 0b10));
    }

    #[test]
    fn abbreviation_stops() {
        let stop = |t: &str| {
            let pos = t.rfind('.').unwrap();
            is_abbreviation_stop(t, 0, pos, pos + 1)
        };
        for t in [
            "See approx. Then",
            "(tel. 111",
            "Ask Dr. Ng",
            "E.G. More",
            "ends. then",
        ] {
            assert!(stop(t), "{t:?}");
            assert_eq!(
                stop(t),
                reference_abbreviation_stop(t, 0, t.rfind('.').unwrap(), t.rfind('.').unwrap() + 1)
            );
        }
        for t in [
            "Xapprox. Then",
            "The end. Then",
            "\u{e9}dr. Next",
            "tell.\u{a0}Next",
            "so. \u{c9}cole",
        ] {
            assert!(!stop(t), "{t:?}");
        }
        assert!(stop("end.\u{2003}\u{e9}t\u{e9}"));
    }

    proptest::proptest! {
        #[test]
        fn abbreviation_stops_match_the_reference(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Dr", "dr", "MRS", "e.g", "I.E", "etc", "approx", "tel", "no", "St",
                    "word", "x", "Ünï", "é", "(", ".", "!", " ", "\t", "\x0b", "\u{a0}",
                    "\u{2003}", "\u{85}", "a", "B", "\u{e9}t\u{e9}", "\u{c9}cole", "sixsix",
                ]),
                1..12,
            ),
            cut in 0usize..12,
        ) {
            let text: String = parts.concat();
            // Every full stop, with its sentence starting at a char boundary
            // before it and its closing punctuation ending right after it.
            for (pos, _) in text.match_indices('.') {
                let start = text[..pos]
                    .char_indices()
                    .map(|(k, _)| k)
                    .nth(cut)
                    .unwrap_or(0);
                proptest::prop_assert_eq!(
                    is_abbreviation_stop(&text, start, pos, pos + 1),
                    reference_abbreviation_stop(&text, start, pos, pos + 1),
                    "{:?} at {}", text, pos
                );
            }
        }
    }
}
