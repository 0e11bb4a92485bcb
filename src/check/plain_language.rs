//! Plain-language lint: medical terms explained where a page first uses
//! them, and wordy words replaced by plain ones. The list is carehub's
//! built-in one (see [`DEFAULT_TERMS`]) merged with `[[check.terms]]` in
//! site.toml, where a site can point each term at its glossary.

use super::readability::{Marks, WordTest};
use crate::config::PlainTerm;
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::render::markdown::{ProseBlock, Rendered};
use crate::resolve::Site;
use crate::resolve::links::{self, Target};
use crate::swar::{HIGH, bytes_in, load};
use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use std::ops::Range;

/// Built-in terms: (term, suggestion, avoid). Terms to explain are flagged
/// when their first use on a page is not explained; terms to avoid are
/// flagged wherever they are used. Suggestions follow the NHS digital
/// service manual's health writing guidance and the Plain English
/// Campaign's A to Z of alternative words.
pub const DEFAULT_TERMS: &[(&str, &str, bool)] = &[
    (
        "palliative",
        "care that helps you live as well as you can with an illness that cannot be cured",
        false,
    ),
    (
        "syringe driver",
        "a small pump that gives medicine slowly through a thin needle under the skin",
        false,
    ),
    (
        "DNACPR",
        "a decision that doctors will not try to restart your heart if it stops (do not attempt cardiopulmonary resuscitation)",
        false,
    ),
    (
        "cardiopulmonary resuscitation",
        "trying to restart someone's heart and breathing (CPR)",
        false,
    ),
    (
        "ReSPECT",
        "a form that records your wishes for care and treatment in an emergency",
        false,
    ),
    (
        "anticipatory medicines",
        "\"just in case\" medicines kept at home in case symptoms get worse",
        false,
    ),
    (
        "lasting power of attorney",
        "a legal document that lets someone you trust make decisions for you",
        false,
    ),
    (
        "advance decision",
        "a written decision to refuse a treatment in the future",
        false,
    ),
    (
        "continuing healthcare",
        "care arranged and paid for by the NHS for people with a lot of health needs",
        false,
    ),
    ("prognosis", "how an illness is likely to develop", false),
    (
        "respite",
        "a short break for a carer while someone else looks after the person",
        false,
    ),
    (
        "terminal illness",
        "an illness that cannot be cured and is likely to lead to death",
        false,
    ),
    ("subcutaneous", "under the skin", true),
    ("analgesia", "pain relief", true),
    ("analgesic", "painkiller", true),
    (
        "comorbidity",
        "another illness or condition at the same time",
        true,
    ),
    (
        "comorbidities",
        "other illnesses or conditions at the same time",
        true,
    ),
    (
        "multidisciplinary",
        "a team of different health and care professionals",
        true,
    ),
    ("oncologist", "cancer doctor", true),
    ("utilise", "use", true),
    ("utilize", "use", true),
    ("facilitate", "help", true),
    ("commence", "start", true),
    ("in order to", "to", true),
    ("prior to", "before", true),
    ("in receipt of", "getting", true),
    ("ascertain", "find out", true),
    ("endeavour", "try", true),
    ("subsequently", "later", true),
    ("approximately", "about", true),
    ("deceased", "the person who has died", true),
    ("in the event of", "if", true),
];

/// A term as the lint uses it.
#[derive(Debug, Clone)]
pub struct Term {
    pub term: String,
    pub suggest: String,
    pub explain: Option<String>,
    pub avoid: bool,
    /// All capitals (DNACPR): matched with its case.
    pub acronym: bool,
    /// The page the `explain` link points at; it needs no explaining there.
    pub explain_page: Option<usize>,
}

/// The site's terms: the built-in list (unless `default_terms = false`)
/// with site.toml's entries overriding built-ins of the same name.
/// Problems with site.toml's entries are added to `diags`.
pub fn terms(site: &Site, rendered: &[Rendered], diags: &mut Vec<Diagnostic>) -> Vec<Term> {
    let cfg = &site.config.check;
    let mut out: Vec<Term> = Vec::new();
    if cfg.default_terms {
        for (t, s, avoid) in DEFAULT_TERMS {
            out.push(make(t, s, None, *avoid));
        }
    }
    let src = &site.config_src;
    for PlainTerm {
        term,
        suggest,
        explain,
        avoid,
    } in &cfg.terms
    {
        let t = term.trim();
        if t.is_empty() || !t.chars().any(char::is_alphanumeric) {
            diags.push(
                Diagnostic::error_at(
                    "bad-term",
                    src,
                    value_span(&src.text, term),
                    "a [[check.terms]] entry has an empty term",
                )
                .with_hint("write the word or phrase to look for, e.g. term = \"syringe driver\""),
            );
            continue;
        }
        let mut new = make(t, suggest.trim(), explain.clone(), *avoid);
        if let Some(e) = explain.as_deref().filter(|e| e.starts_with("@/")) {
            match links::resolve(site, e) {
                Ok(r) => {
                    if let Target::Page(pi) = r.target {
                        new.explain_page = Some(pi);
                        if let Some(f) = &r.fragment {
                            let ids = rendered.get(pi).map(|r| &r.heading_ids);
                            if ids.is_some_and(|ids| !ids.contains(f)) {
                                let ids = ids.map(|v| v.as_slice()).unwrap_or(&[]);
                                let hint = did_you_mean(f, ids.iter().map(|s| s.as_str()))
                                    .unwrap_or_else(|| {
                                        format!(
                                            "the headings of {} are: {}",
                                            site.pages[pi].rel,
                                            ids.join(", ")
                                        )
                                    });
                                diags.push(
                                    Diagnostic::error_at(
                                        "broken-anchor",
                                        src,
                                        value_span(&src.text, e),
                                        format!(
                                            "{} has no heading with the id `#{f}`",
                                            site.pages[pi].rel
                                        ),
                                    )
                                    .with_hint(hint),
                                );
                            }
                        }
                    }
                }
                Err((msg, hint)) => diags.push(
                    Diagnostic::error_at("broken-link", src, value_span(&src.text, e), msg)
                        .with_hint(hint),
                ),
            }
        }
        match out.iter_mut().find(|o| o.term.eq_ignore_ascii_case(t)) {
            Some(existing) => {
                if new.suggest.is_empty() {
                    new.suggest = existing.suggest.clone();
                }
                *existing = new;
            }
            None => out.push(new),
        }
    }
    out
}

fn make(term: &str, suggest: &str, explain: Option<String>, avoid: bool) -> Term {
    let upper = term.chars().filter(|c| c.is_uppercase()).count();
    let lower = term.chars().filter(|c| c.is_lowercase()).count();
    Term {
        term: term.to_string(),
        suggest: suggest.to_string(),
        explain,
        avoid,
        acronym: upper >= 2 && upper > lower,
        explain_page: None,
    }
}

/// The span of a string value in site.toml (its first quoted occurrence).
fn value_span(text: &str, value: &str) -> std::ops::Range<usize> {
    for q in ['"', '\''] {
        let needle = format!("{q}{value}{q}");
        if let Some(i) = text.find(&needle) {
            return i + 1..i + 1 + value.len();
        }
    }
    0..0
}

/// One use of a term in a page's prose.
#[derive(Debug, Clone, Copy)]
struct Hit {
    block: usize,
    start: usize,
    end: usize,
}

/// Warn where a term is used unexplained on a page for the first time, or
/// where a word to avoid is used.
pub fn check(site: &Site, rendered: &[Rendered], diags: &mut Vec<Diagnostic>) {
    let Some(lint) = Lint::new(site, rendered, diags) else {
        return;
    };
    let found: Vec<Vec<Diagnostic>> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, _)| match rendered.get(i) {
            Some(r) => lint.page(site, i, r),
            None => Vec::new(),
        })
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// The site's terms, ready to look for on any page.
pub struct Lint {
    terms: Vec<Term>,
    ac: AhoCorasick,
    /// The terms by the start of their first word, for ASCII text (`None`
    /// when a term starts with ASCII punctuation: then every block is
    /// searched with `ac`).
    starts: Option<Starts>,
    /// Tells this lint's marks apart from another's (see [`Marks`]).
    id: u64,
}

/// The next [`Lint::id`].
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Lint {
    /// The lint for `site`, or `None` when it has no terms. Problems with
    /// site.toml's terms go to `diags` (`rendered` gives the heading ids
    /// that `explain` links may point at; with none, those are not checked).
    pub fn new(site: &Site, rendered: &[Rendered], diags: &mut Vec<Diagnostic>) -> Option<Lint> {
        let terms = terms(site, rendered, diags);
        if terms.is_empty() {
            return None;
        }
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(terms.iter().map(|t| t.term.to_ascii_lowercase()))
            .ok()?;
        let starts = Starts::new(&terms);
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(Lint {
            terms,
            ac,
            starts,
            id,
        })
    }

    /// What the reading-age check should look out for as it walks a
    /// page's words, for [`Lint::page_marked`]: the words where a term may
    /// start (`None` when terms are not found word by word).
    pub fn marks(&self) -> Option<Marks<'_>> {
        let starts = self.starts.as_ref()?;
        Some(Marks {
            id: self.id,
            test: starts,
            found: Vec::new(),
        })
    }

    /// The warnings for page `i`, whose markdown is `r`.
    pub fn page(&self, site: &Site, i: usize, r: &Rendered) -> Vec<Diagnostic> {
        self.page_marked(site, i, r, None)
    }

    /// [`Lint::page`], given the words of the page's ASCII blocks where a
    /// term may start (the `found` of [`Lint::marks`], after the
    /// reading-age check's walk); without them, every block is searched.
    pub fn page_marked(
        &self,
        site: &Site,
        i: usize,
        r: &Rendered,
        found: Option<&[(usize, Range<usize>)]>,
    ) -> Vec<Diagnostic> {
        let (terms, ac) = (&self.terms, &self.ac);
        let p = &site.pages[i];
        let hits = match (found, &self.starts) {
            (Some(found), Some(starts)) => find_marked(ac, starts, terms, &r.prose, found),
            _ => find(ac, self.starts.as_ref(), terms, &r.prose),
        };
        let mut out = Vec::new();
        for (ti, hits) in hits.iter().enumerate() {
            let t = &terms[ti];
            let Some(first) = hits.first() else { continue };
            if t.explain_page == Some(i) || has_heading_for(&r.heading_ids, &t.term) {
                continue;
            }
            let b = &r.prose[first.block];
            let at = b.source_offset(first.start);
            let span = at..b.source_offset(first.end);
            if t.avoid {
                let times = match hits.len() {
                    1 => String::new(),
                    n => format!(" ({n} times on this page)"),
                };
                out.push(
                    Diagnostic::warning_at(
                        "plain-language",
                        &p.src,
                        span,
                        format!(
                            "\"{}\" is not plain English{times}",
                            &b.text[first.start..first.end]
                        ),
                    )
                    .with_label("use a plainer word")
                    .with_hint(format!("write \"{}\" instead", t.suggest)),
                );
            } else if !hits
                .iter()
                .take_while(|h| h.block == first.block)
                .any(|h| explained(b, h.start, h.end))
            {
                let used = &b.text[first.start..first.end];
                let mut hint = if t.suggest.is_empty() {
                    format!("say what \"{used}\" means the first time you use it")
                } else {
                    format!(
                        "say what it means the first time you use it, e.g. \"{used} ({})\"",
                        t.suggest
                    )
                };
                if let Some(e) = &t.explain {
                    hint.push_str(&format!(", or link it to the explanation: [{used}]({e})"));
                }
                out.push(
                    Diagnostic::warning_at(
                        "unexplained-term",
                        &p.src,
                        span,
                        format!("\"{used}\" is not explained where this page first uses it"),
                    )
                    .with_label("first use")
                    .with_hint(hint),
                );
            }
        }
        out
    }
}

/// Every whole-word use of each term (plurals included), in page order.
/// ASCII blocks (nearly all) are searched word by word with `starts` when
/// there is one, others with `ac`: both find the same uses.
fn find(
    ac: &AhoCorasick,
    starts: Option<&Starts>,
    terms: &[Term],
    prose: &[ProseBlock],
) -> Vec<Vec<Hit>> {
    let ascii = starts.map(|starts| {
        move |_: usize, text: &[u8], hit: &mut dyn FnMut(usize, usize)| {
            starts.each_candidate(text, hit)
        }
    });
    collect_hits(ac, terms, prose, ascii)
}

/// [`find`], given `found`: the words of the ASCII blocks where a term may
/// start (by [`Starts`]), in order. Blocks beyond ASCII are searched.
fn find_marked(
    ac: &AhoCorasick,
    starts: &Starts,
    terms: &[Term],
    prose: &[ProseBlock],
    found: &[(usize, Range<usize>)],
) -> Vec<Vec<Hit>> {
    let mut words = found.iter().peekable();
    let ascii = move |bi: usize, text: &[u8], hit: &mut dyn FnMut(usize, usize)| {
        while let Some((_, r)) = words.next_if(|w| w.0 == bi) {
            if let Some(w) = text.get(r.clone()) {
                starts.each_in_word(w, |ti, at| hit(ti, r.start + at));
            }
        }
    };
    collect_hits(ac, terms, prose, Some(ascii))
}

/// Every use of `terms` in `prose`, by term: `ascii` gives the candidate
/// (term, start) pairs of an ASCII block (block index, text, `hit`);
/// without it, and for other blocks, Aho-Corasick finds them. Each
/// candidate is kept if it is a whole-word use ([`use_at`]).
fn collect_hits<F>(
    ac: &AhoCorasick,
    terms: &[Term],
    prose: &[ProseBlock],
    mut ascii: Option<F>,
) -> Vec<Vec<Hit>>
where
    F: FnMut(usize, &[u8], &mut dyn FnMut(usize, usize)),
{
    let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); terms.len()];
    for (bi, b) in prose.iter().enumerate() {
        let text = b.text.as_str();
        let mut hit = |ti: usize, start: usize| {
            if let Some(end) = use_at(&terms[ti], text, start) {
                hits[ti].push(Hit {
                    block: bi,
                    start,
                    end,
                });
            }
        };
        match ascii.as_mut() {
            Some(candidates) if text.is_ascii() => candidates(bi, text.as_bytes(), &mut hit),
            _ => {
                for m in ac.find_overlapping_iter(text) {
                    hit(m.pattern().as_usize(), m.start());
                }
            }
        }
    }
    hits
}

/// Where a whole-word use of term `t` that starts at `start` of `text`
/// ends (after a plural `s` or `es`), if there is one there: the term's
/// letters in any case (an acronym's in its own), with no letter or digit
/// just before or after.
fn use_at(t: &Term, text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let len = t.term.len();
    let mut end = start.checked_add(len).filter(|&e| e <= b.len())?;
    if !b[start..end].eq_ignore_ascii_case(t.term.as_bytes()) {
        return None;
    }
    if t.acronym && text.get(start..end) != Some(t.term.as_str()) {
        return None;
    }
    for plural in ["es", "s"] {
        if text[end..].starts_with(plural) && boundary_after(text, end + plural.len()) {
            end += plural.len();
            break;
        }
    }
    (boundary_before(text, start) && boundary_after(text, end)).then_some(end)
}

/// The terms by the first (up to) four letters or digits of their first
/// word, lower-cased: a whole-word use of a term in ASCII text can only
/// start at a word (a run of ASCII letters and digits) that begins so.
/// Cheaper than an Aho-Corasick search of every byte: one look-up in a
/// small table per word.
struct Starts {
    /// One bit per hash of a key (see [`BLOOM_BITS`]): most words are
    /// turned away by it, with no probing.
    bloom: [u64; 1 << (BLOOM_BITS - 6)],
    /// Open addressing: (key, first index in `order`, count); key 0 is empty.
    table: Vec<(u32, u16, u16)>,
    /// Term indexes, grouped by key.
    order: Vec<u16>,
}

/// log2 of the slots in [`Starts`]' table (kept at most a quarter full).
const STARTS_MIN_BITS: u32 = 6;
/// log2 of the bits of [`Starts`]' filter.
const BLOOM_BITS: u32 = 12;

impl Starts {
    /// `None` when some term cannot be found word by word: one that starts
    /// with ASCII punctuation or white space (terms beyond ASCII never
    /// match ASCII text, and are left out).
    fn new(terms: &[Term]) -> Option<Starts> {
        if terms.len() > usize::from(u16::MAX) {
            return None;
        }
        let mut keyed: Vec<(u32, u16)> = Vec::new();
        for (i, t) in terms.iter().enumerate() {
            let b = t.term.as_bytes();
            if !t.term.is_ascii() {
                continue;
            }
            if !b.first().is_some_and(u8::is_ascii_alphanumeric) {
                return None;
            }
            let run = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
            let first = &b[..run];
            // A one-word term may be followed by a plural ending.
            let mut forms = vec![first.to_vec()];
            if run == b.len() {
                forms.push([first, b"s"].concat());
                forms.push([first, b"es"].concat());
            }
            for f in forms {
                let k = key(&f);
                if !keyed.contains(&(k, i as u16)) {
                    keyed.push((k, i as u16));
                }
            }
        }
        keyed.sort_unstable();
        let mut bits = STARTS_MIN_BITS;
        while (1usize << bits) < keyed.len() * 4 {
            bits += 1;
        }
        let mask = (1usize << bits) - 1;
        let mut table = vec![(0u32, 0u16, 0u16); 1 << bits];
        let mut order = Vec::with_capacity(keyed.len());
        let mut bloom = [0u64; 1 << (BLOOM_BITS - 6)];
        for group in keyed.chunk_by(|a, b| a.0 == b.0) {
            let k = group[0].0;
            let h = slot(k, BLOOM_BITS);
            bloom[h / 64] |= 1 << (h % 64);
            let mut i = slot(k, bits);
            while table[i].0 != 0 {
                i = (i + 1) & mask;
            }
            table[i] = (k, order.len() as u16, group.len() as u16);
            order.extend(group.iter().map(|g| g.1));
        }
        Some(Starts {
            bloom,
            table,
            order,
        })
    }

    /// Call `f` with (term, start) for each word of ASCII text `b` that
    /// starts as some term's first word does, in order.
    fn each_candidate(&self, b: &[u8], mut f: impl FnMut(usize, usize)) {
        let bits = self.table.len().trailing_zeros();
        let mask = self.table.len() - 1;
        let n = b.len();
        let mut i = 0;
        // Whether the byte before `i` is a letter or digit.
        let mut in_word = false;
        while i < n {
            let alnum = alnum8(b, i);
            // Word starts: a letter or digit after anything else.
            let prev = (alnum << 8) | u64::from(in_word) << 7;
            let mut starts = alnum & !prev;
            while starts != 0 {
                let at = i + (starts.trailing_zeros() / 8) as usize;
                starts &= starts - 1;
                let k = word_key(b, at);
                let h = slot(k, BLOOM_BITS);
                if self.bloom[h / 64] & (1 << (h % 64)) == 0 {
                    continue;
                }
                let mut s = slot(k, bits);
                loop {
                    let (sk, first, count) = self.table[s];
                    if sk == k {
                        let first = usize::from(first);
                        for &t in &self.order[first..first + usize::from(count)] {
                            f(usize::from(t), at);
                        }
                        break;
                    }
                    if sk == 0 {
                        break;
                    }
                    s = (s + 1) & mask;
                }
            }
            in_word = alnum >> 63 != 0;
            i += 8;
        }
    }
}

impl Starts {
    /// The terms whose first word starts as `word` (ASCII, up to its first
    /// byte that is not a letter or digit) does.
    #[inline]
    fn terms_for(&self, word: &[u8]) -> &[u16] {
        let k = word_key(word, 0);
        let bits = self.table.len().trailing_zeros();
        let mask = self.table.len() - 1;
        let mut s = slot(k, bits);
        loop {
            let (sk, first, count) = self.table[s];
            if sk == k {
                let first = usize::from(first);
                return &self.order[first..first + usize::from(count)];
            }
            if sk == 0 {
                return &[];
            }
            s = (s + 1) & mask;
        }
    }

    /// Call `f` with (term, start in `w`) for each run of letters and
    /// digits of `w` (ASCII) that starts as the term's first word does.
    fn each_in_word(&self, w: &[u8], mut f: impl FnMut(usize, usize)) {
        for at in 0..w.len() {
            if w[at].is_ascii_alphanumeric() && (at == 0 || !w[at - 1].is_ascii_alphanumeric()) {
                for &t in self.terms_for(&w[at..]) {
                    f(usize::from(t), at);
                }
            }
        }
    }
}

impl WordTest for Starts {
    fn wants(&self, word: &[u8]) -> bool {
        let mut any = false;
        self.each_in_word(word, |_, _| any = true);
        any
    }
}

/// The key of a word: its first four bytes, lower-cased, zero-padded.
fn key(word: &[u8]) -> u32 {
    let mut k = [0u8; 4];
    for (d, c) in k.iter_mut().zip(word) {
        *d = c.to_ascii_lowercase();
    }
    u32::from_le_bytes(k)
}

/// The [`key`] of the word of letters and digits that starts at `at` of `b`.
#[inline]
fn word_key(b: &[u8], at: usize) -> u32 {
    let x = load(b.get(at..).unwrap_or_default(), b' ') as u32;
    let y = u64::from(x);
    let upper = bytes_in(y, b'A', b'Z');
    let alnum = alnum8_word(y);
    // The word's bytes: up to the first byte that is not a letter or digit.
    let len = (!alnum & HIGH).trailing_zeros() / 8;
    let keep = if len >= 4 {
        u32::MAX
    } else {
        (1u32 << (8 * len)) - 1
    };
    (x | (upper >> 2) as u32) & keep
}

#[inline]
fn slot(k: u32, bits: u32) -> usize {
    (u64::from(k).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

/// The top bit of byte `k` set when byte `at + k` of `b` is an ASCII letter
/// or digit (past the end: not).
#[inline]
fn alnum8(b: &[u8], at: usize) -> u64 {
    alnum8_word(load(b.get(at..).unwrap_or_default(), b' '))
}

#[inline]
fn alnum8_word(x: u64) -> u64 {
    let y = x & !HIGH;
    (bytes_in(y, b'a', b'z') | bytes_in(y, b'A', b'Z') | bytes_in(y, b'0', b'9')) & !x & HIGH
}

fn boundary_before(text: &str, i: usize) -> bool {
    text[..i]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

fn boundary_after(text: &str, i: usize) -> bool {
    text.get(i..)
        .and_then(|s| s.chars().next())
        .is_none_or(|c| !c.is_alphanumeric())
}

/// Whether a page has a heading that starts with the term ("Syringe
/// driver" in a glossary, "What is palliative care?"): such a page explains it.
pub fn has_heading_for(heading_ids: &[String], term: &str) -> bool {
    let s = crate::resolve::slug::slugify(term);
    if s.is_empty() {
        return false;
    }
    heading_ids.iter().any(|h| {
        let h = ["what-is-a-", "what-is-an-", "what-is-", "what-are-"]
            .iter()
            .find_map(|p| h.strip_prefix(p))
            .unwrap_or(h);
        h == s
            || h.strip_prefix(s.as_str())
                .is_some_and(|r| r.starts_with('-'))
    })
}

/// Whether the use of a term at `start..end` of a block is explained there
/// (a term counts as explained where first used when any use in that
/// paragraph is):
/// it is a link, it is in brackets after an explanation ("a small pump (a
/// syringe driver)"), it follows "called" or "known as", or it is followed
/// (perhaps after a word or two, as in "palliative care is") by an
/// explanation: brackets, a dash, a colon, "is", "are", "means", ", which".
pub fn explained(b: &ProseBlock, start: usize, end: usize) -> bool {
    if b.in_link(start) {
        return true;
    }
    let before = b.text[..start].trim_end().to_lowercase();
    let bare = ["a", "an", "the", "your"]
        .iter()
        .find_map(|a| {
            before
                .strip_suffix(a)
                .filter(|s| s.ends_with(|c: char| !c.is_alphanumeric()))
        })
        .unwrap_or(&before)
        .trim_end();
    if bare.ends_with('(')
        || [
            "called",
            "known as",
            "named",
            "meaning",
            "means",
            "short for",
            "stands for",
        ]
        .iter()
        .any(|w| bare.ends_with(w))
    {
        return true;
    }
    let mut rest = &b.text[end..];
    for _ in 0..4 {
        let lower = rest.to_lowercase();
        let next = lower.trim_start();
        let punctuation = ["(", "- ", "– ", "— ", "−"]
            .iter()
            .any(|p| next.starts_with(p))
            || [
                ": ",
                ", which",
                ", a ",
                ", an ",
                ", or ",
                ", also",
                ", meaning",
            ]
            .iter()
            .any(|p| lower.starts_with(p));
        let word = lower.starts_with(char::is_whitespace)
            && [
                "is ",
                "are ",
                "means ",
                "mean ",
                "refers ",
                "describes ",
                "involves ",
                "gives ",
                "lets ",
                "allows ",
                "helps ",
                "records ",
            ]
            .iter()
            .any(|w| next.starts_with(w));
        if punctuation || word {
            return true;
        }
        // Skip one word ("care" in "palliative care is") and look again.
        if !rest.starts_with(char::is_whitespace) {
            return false;
        }
        let t = rest.trim_start();
        let n = t
            .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
            .unwrap_or(t.len());
        if n == 0 {
            return false;
        }
        rest = &t[n..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(text: &str) -> ProseBlock {
        ProseBlock {
            text: text.into(),
            pieces: vec![(0, 0)],
            links: vec![],
        }
    }

    fn explained_at(text: &str, term: &str) -> bool {
        let s = text.find(term).unwrap();
        explained(&block(text), s, s + term.len())
    }

    #[test]
    fn explanations_are_recognised() {
        assert!(explained_at(
            "Palliative care is care for people who cannot be cured.",
            "Palliative"
        ));
        assert!(explained_at(
            "A syringe driver (a small pump) gives medicine.",
            "syringe driver"
        ));
        assert!(explained_at(
            "A small pump (a syringe driver) gives medicine.",
            "syringe driver"
        ));
        assert!(explained_at(
            "This is called a syringe driver.",
            "syringe driver"
        ));
        assert!(explained_at(
            "You may have a DNACPR - a decision not to restart your heart.",
            "DNACPR"
        ));
        assert!(explained_at(
            "Respite, which means a short break, helps carers.",
            "Respite"
        ));
        assert!(explained_at(
            "Short for cardiopulmonary resuscitation.",
            "cardiopulmonary resuscitation"
        ));
        assert!(explained_at(
            "An advance decision to refuse treatment lets you say no.",
            "advance decision"
        ));
        assert!(!explained_at(
            "Ask about palliative care at your surgery.",
            "palliative"
        ));
        assert!(!explained_at(
            "The nurse set up a syringe driver yesterday.",
            "syringe driver"
        ));
        let mut linked = block("Ask about a syringe driver today.");
        linked.links.push(11..25);
        assert!(explained(&linked, 11, 25));
    }

    /// The built-in terms, a site's own (one short, one an acronym, one
    /// with punctuation, one beyond ASCII) and their Aho-Corasick search.
    fn test_terms() -> (Vec<Term>, AhoCorasick) {
        let mut terms: Vec<Term> = DEFAULT_TERMS
            .iter()
            .map(|(t, s, a)| make(t, s, None, *a))
            .collect();
        for t in ["gp", "CPR", "A&E", "naïve care", "end-of-life", "7-day"] {
            terms.push(make(t, "", None, false));
        }
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(terms.iter().map(|t| t.term.to_ascii_lowercase()))
            .unwrap();
        (terms, ac)
    }

    fn hit_list(hits: &[Vec<Hit>]) -> Vec<(usize, usize, usize, usize)> {
        hits.iter()
            .enumerate()
            .flat_map(|(t, h)| h.iter().map(move |h| (t, h.block, h.start, h.end)))
            .collect()
    }

    #[test]
    fn word_starts_find_what_aho_corasick_finds() {
        let (terms, ac) = test_terms();
        let starts = Starts::new(&terms).expect("starts");
        let texts = [
            "Palliative care, PALLIATIVE and palliatives; a syringe driver or syringe drivers.",
            "In order to commence, in the event of prior to: DNACPR DNACPRs dnacpr CPRs CPR's cpr GPs gp-led.",
            "A&E, a&e and A&Es; end-of-life 7-days 7-day utilised utilise. utilises-respiteses respites",
            "xpalliative palliativex 1palliative palliative1 in inorder in  order to",
            "naïve care and naive care",
        ];
        for t in texts {
            let blocks = [block(t)];
            let fast = hit_list(&find(&ac, Some(&starts), &terms, &blocks));
            let slow = hit_list(&find(&ac, None, &terms, &blocks));
            assert_eq!(fast, slow, "{t}");
        }
        let all = hit_list(&find(&ac, Some(&starts), &terms, &[block(texts[0])]));
        assert_eq!(all.len(), 5, "{all:?}");
    }

    /// The lint's hits on `blocks` as [`PageChecks`](crate::check::PageChecks)
    /// finds them: with the words the reading-age walk marked.
    fn marked_hits(
        ac: &AhoCorasick,
        starts: &Starts,
        terms: &[Term],
        blocks: &[ProseBlock],
        id: u64,
    ) -> Vec<(usize, usize, usize, usize)> {
        let mut marks = Marks {
            id,
            test: starts,
            found: Vec::new(),
        };
        crate::check::readability::score_blocks_marked(blocks, Some(&mut marks), None);
        hit_list(&find_marked(ac, starts, terms, blocks, &marks.found))
    }

    #[test]
    fn marked_words_find_what_aho_corasick_finds() {
        let (terms, ac) = test_terms();
        let starts = Starts::new(&terms).expect("starts");
        let blocks: Vec<ProseBlock> = [
            "Palliative care/respite care, and (DNACPR) forms; in order to: end-of-life.",
            "A \"naïve care\" plan: palliative in order to help, prior to respites.",
            "gp-led A&E 7-day care. In the event of rain, utilise commence.",
            "comorbidities-analgesics/subcutaneously supercalifragilisticexpialidocious-palliative",
        ]
        .iter()
        .map(|t| block(t))
        .collect();
        let slow = hit_list(&find(&ac, None, &terms, &blocks));
        assert!(slow.len() > 10, "{slow:?}");
        for _ in 0..2 {
            assert_eq!(marked_hits(&ac, &starts, &terms, &blocks, 1 << 40), slow);
            // Scoring without marks in between leaves the cached marks right.
            crate::check::readability::score_blocks(&blocks);
        }
    }

    #[test]
    fn terms_that_start_with_punctuation_use_aho_corasick() {
        let terms = vec![make("(CPR)", "", None, false)];
        assert!(Starts::new(&terms).is_none());
        let terms = vec![make("CPR", "", None, false), make("naïve", "", None, false)];
        assert!(Starts::new(&terms).is_some());
    }

    proptest::proptest! {
        #[test]
        fn word_starts_match_aho_corasick_on_any_text(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "palliative", "Palliative", "PALLIATIVE", "syringe", "driver", "s", "es", "S",
                    "in", "In", "order", "to", "the", "event", "of", "prior", "DNACPR", "dnacpr",
                    "CPR", "gp", "GP", "A&E", "a", "&", "E", "end", "-", "life", "7", "day",
                    "utilise", "respite", "analgesia", "analgesic", "x", "1", " ", " ", "  ",
                    ".", ",", "'", "(", ")", "/", "\n", "é", "naïve", "care", "comm", "commence",
                ]),
                0..40,
            )
        ) {
            let (terms, ac) = test_terms();
            let starts = Starts::new(&terms).expect("starts");
            let text: String = parts.concat();
            let blocks = [block(&text)];
            let slow = hit_list(&find(&ac, None, &terms, &blocks));
            proptest::prop_assert_eq!(hit_list(&find(&ac, Some(&starts), &terms, &blocks)), slow.clone());
            proptest::prop_assert_eq!(marked_hits(&ac, &starts, &terms, &blocks, (1 << 40) + 1), slow);
        }
    }

    #[test]
    fn headings_that_name_a_term_explain_it() {
        let ids: Vec<String> = ["cpr", "what-is-palliative-care", "respect-form"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(has_heading_for(&ids, "palliative"));
        assert!(has_heading_for(&ids, "ReSPECT"));
        assert!(has_heading_for(&ids, "CPR"));
        assert!(!has_heading_for(&ids, "respite"));
        assert!(!has_heading_for(&ids, "care"));
    }

    #[test]
    fn crafted_page_trips_both_kinds_and_glossary_links_work() {
        use crate::check::testutil::{SITE, compile_files, page};
        let site = format!(
            "{SITE}[check]\n[[check.terms]]\nterm = \"syringe driver\"\nexplain = \"@/glossary.md#syringe-driver\"\n[[check.terms]]\nterm = \"hospice\"\nsuggest = \"a place that cares for people who are dying\"\n"
        );
        let body = "The nurse set up a syringe driver. We utilise care plans and utilise rotas. Ask about the DNACPR form.\n\nA syringe driver is a pump.";
        let (_t, c) = compile_files(&[
            ("site.toml", &site),
            ("content/care.md", &page("Care", "", body)),
            (
                "content/glossary.md",
                &page(
                    "Glossary",
                    "",
                    "## Syringe driver\n\nWe set up a syringe driver.",
                ),
            ),
            (
                "content/easy.md",
                &page(
                    "Easy",
                    "",
                    "A hospice (a place of care) is near. We use rotas.",
                ),
            ),
        ]);
        let mut diags = Vec::new();
        check(&c.site, &c.render.rendered, &mut diags);
        let on =
            |path: &str| -> Vec<&Diagnostic> { diags.iter().filter(|d| d.path == path).collect() };
        let care = on("content/care.md");
        let msgs: Vec<&str> = care.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(care.len(), 3, "{msgs:?}");
        assert!(
            msgs.iter()
                .any(|m| m.contains("\"syringe driver\" is not explained"))
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("\"utilise\" is not plain English (2 times"))
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("\"DNACPR\" is not explained"))
        );
        let sd = care.iter().find(|d| d.message.contains("syringe")).unwrap();
        assert_eq!(sd.line, 12);
        assert!(
            sd.hint
                .as_deref()
                .unwrap()
                .contains("(@/glossary.md#syringe-driver)")
        );
        assert!(
            on("content/glossary.md").is_empty(),
            "the explaining page itself"
        );
        assert!(
            on("content/easy.md").is_empty(),
            "{:?}",
            on("content/easy.md")
        );
    }

    #[test]
    fn broken_glossary_link_in_site_toml_is_an_error() {
        use crate::check::testutil::{SITE, compile_files, page};
        let site = format!(
            "{SITE}[[check.terms]]\nterm = \"syringe driver\"\nexplain = \"@/glossary.md#syringe-drive\"\n"
        );
        let (_t, c) = compile_files(&[
            ("site.toml", &site),
            (
                "content/glossary.md",
                &page("Glossary", "", "## Syringe driver\n\nText."),
            ),
        ]);
        let mut diags = Vec::new();
        terms(&c.site, &c.render.rendered, &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!((diags[0].path.as_str(), diags[0].line), ("site.toml", 5));
        assert!(diags[0].hint.as_deref().unwrap().contains("syringe-driver"));
    }
}
