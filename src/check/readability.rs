//! Reading age of a page's prose: Flesch reading ease, Flesch-Kincaid
//! grade, average sentence length and the share of words of three or more
//! syllables, counted the way Flesch described (hyphenated words, numbers
//! and abbreviations are one word; numbers and abbreviations one syllable;
//! a sentence ends at a full stop, question mark, exclamation mark, colon
//! or semicolon; headings are skipped).

use super::excerpt;
use crate::diagnostics::{Diagnostic, line_col};
use crate::render::markdown::{ProseBlock, Rendered};
use crate::resolve::Site;
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
    for s in sentences(text) {
        c.add(count_sentence(&text[s]));
    }
    c
}

/// Words, syllables and complex words of one sentence (counted as one sentence).
pub fn count_sentence(s: &str) -> Counts {
    let mut c = Counts {
        sentences: 1,
        ..Counts::default()
    };
    for w in words(s) {
        let n = word_syllables(w);
        c.words += 1;
        c.syllables += n;
        if n >= 3 {
            c.complex_words += 1;
        }
    }
    if c.words == 0 {
        c.sentences = 0;
    }
    c
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
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (pos, ch) = chars[k];
        if matches!(ch, '.' | '!' | '?' | ':' | ';' | '…') {
            // Take closing punctuation that belongs to the sentence.
            let mut j = k + 1;
            while j < chars.len()
                && matches!(
                    chars[j].1,
                    '.' | '!' | '?' | '"' | '\'' | ')' | '’' | '”' | ']'
                )
            {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |c| c.0);
            let next_is_space = j >= chars.len() || chars[j].1.is_whitespace();
            let next_word = text[end..].trim_start().chars().next();
            let abbreviation = ch == '.'
                && (next_word.is_some_and(char::is_lowercase)
                    || is_abbreviation(&text[start..pos]));
            if next_is_space && !abbreviation {
                push_sentence(&mut out, text, start..end);
                start = end;
            }
            k = j;
            continue;
        }
        k += 1;
    }
    push_sentence(&mut out, text, start..text.len());
    out
}

fn push_sentence(out: &mut Vec<Range<usize>>, text: &str, r: Range<usize>) {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    let r = r.start + lead..r.end - trail;
    if words(&text[r.clone()]).next().is_some() {
        out.push(r);
    }
}

/// Whether the text before a full stop ends with a common abbreviation.
fn is_abbreviation(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        last.as_str(),
        "dr" | "mr" | "mrs" | "ms" | "st" | "no" | "e.g" | "i.e" | "etc" | "approx" | "tel"
    )
}

/// Syllables in a word, by rule (Flesch: a number or an abbreviation is
/// one syllable; a hyphenated word is the sum of its parts).
pub fn word_syllables(word: &str) -> usize {
    if word.contains('-') {
        return word
            .split('-')
            .filter(|p| !p.is_empty())
            .map(word_syllables)
            .sum::<usize>()
            .max(1);
    }
    // Most words are short and ASCII: fold them on the stack.
    if word.is_ascii() && word.len() <= 32 {
        let mut buf = [0u8; 32];
        let mut n = 0;
        let mut upper = 0;
        for b in word.bytes().filter(u8::is_ascii_alphabetic) {
            upper += usize::from(b.is_ascii_uppercase());
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        }
        if n == 0 || (n > 1 && upper == n) {
            return 1;
        }
        return std::str::from_utf8(&buf[..n]).map_or(1, syllables);
    }
    let letters: String = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .map(fold_accent)
        .collect::<String>()
        .to_lowercase();
    let is_abbrev = word.chars().filter(|c| c.is_alphabetic()).count() > 1
        && word
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    if letters.is_empty() || is_abbrev {
        return 1;
    }
    syllables(&letters)
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

/// Words the rules get wrong, with their syllables.
const EXCEPTIONS: &[(&str, usize)] = &[
    ("area", 3),
    ("areas", 3),
    ("idea", 3),
    ("ideas", 3),
    ("create", 2),
    ("created", 3),
    ("creates", 2),
    ("creating", 3),
    ("being", 2),
    ("doing", 2),
    ("going", 2),
    ("seeing", 2),
    ("people", 2),
    ("business", 2),
    ("every", 2),
    ("everyone", 3),
    ("everything", 3),
    ("evening", 2),
    ("different", 3),
    ("family", 3),
    ("families", 3),
    ("several", 3),
    ("interest", 3),
    ("something", 2),
    ("sometimes", 2),
    ("someone", 2),
    ("somewhere", 2),
    ("whoever", 3),
    ("lion", 2),
    ("quiet", 2),
    ("diet", 2),
    ("client", 2),
    ("science", 2),
    ("hospice", 2),
    ("hospices", 3),
    ("realise", 3),
    ("really", 2),
    ("naive", 2),
    ("poem", 2),
    ("recipe", 3),
    ("maybe", 2),
    ("anyone", 3),
    ("wednesday", 2),
    ("australian", 3),
    ("reptilian", 3),
];

/// Syllables of a lower-case word of letters, by vowel groups with the
/// usual English corrections.
pub fn syllables(w: &str) -> usize {
    if let Some(&(_, n)) = EXCEPTIONS.iter().find(|(e, _)| *e == w) {
        return n;
    }
    let b = w.as_bytes();
    let n = b.len();
    if n <= 3 {
        return 1;
    }
    let is_vowel = |i: usize| -> bool {
        match b[i] {
            b'a' | b'e' | b'i' | b'o' | b'u' => true,
            // y is a consonant at the start and before a vowel (yes, beyond).
            b'y' => i > 0 && !(i + 1 < n && matches!(b[i + 1], b'a' | b'e' | b'i' | b'o' | b'u')),
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
            count += 1 + splits(w, start, i);
        } else {
            i += 1;
        }
    }
    // A silent final e (care, whole; but not table, agree, free).
    let consonant = |i: usize| !is_vowel(i);
    if b[n - 1] == b'e' && n >= 2 && consonant(n - 2) {
        let le = b[n - 2] == b'l' && n >= 3 && consonant(n - 3);
        if !le {
            count = count.saturating_sub(1);
        }
    }
    // A silent e in -es and -ed (cares, cared; not buses, pages, wanted, tables).
    if n >= 4 && b[n - 2] == b'e' && consonant(n - 3) {
        let prev = b[n - 3];
        let silent = match b[n - 1] {
            b's' => {
                !matches!(prev, b's' | b'x' | b'z' | b'c' | b'g')
                    && !(prev == b'h' && matches!(b[n - 4], b'c' | b's'))
            }
            b'd' => !matches!(prev, b't' | b'd'),
            _ => false,
        };
        let le = prev == b'l' && consonant(n - 4);
        if silent && !le {
            count = count.saturating_sub(1);
        }
    }
    // A silent e before a suffix (careful, lately, statement, homeless).
    for suffix in ["ful", "ly", "ment", "less", "ness"] {
        if let Some(stem) = w.strip_suffix(suffix) {
            let sb = stem.as_bytes();
            let m = sb.len();
            if m >= 3
                && sb[m - 1] == b'e'
                && !matches!(sb[m - 2], b'a' | b'e' | b'i' | b'o' | b'u' | b'l')
                && matches!(sb[m - 3], b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
            {
                count = count.saturating_sub(1);
            }
        }
    }
    // -ism is two syllables (criticism).
    if w.ends_with("ism") {
        count += 1;
    }
    count.max(1)
}

/// Extra syllables inside the vowel group `w[start..end]`: pairs that are
/// said as two sounds (pal-li-a-tive, me-di-um, se-ri-ous, ac-tu-al).
fn splits(w: &str, start: usize, end: usize) -> usize {
    let b = w.as_bytes();
    let before = if start > 0 { b[start - 1] } else { b' ' };
    let group = &w[start..end];
    let after = &w[end..];
    let mut extra = 0;
    if group.contains("ia") {
        let soft = matches!(before, b'c' | b't' | b's' | b'g' | b'x');
        // -lian, -liar (Italian, familiar) are said -lyan, -lyar.
        let ly = before == b'l' && (after.starts_with('n') || after.starts_with('r'));
        if !soft && !ly {
            extra += 1;
        }
    }
    if group.contains("io") && !group.contains("iou") {
        // -tion, -sion, -cion, -gion and -ion at the end are one sound.
        let one = matches!(before, b't' | b's' | b'c' | b'g' | b'x')
            || (after.starts_with('n') && w.len() - end <= 2);
        if !one {
            extra += 1;
        }
    }
    if group.contains("iou") && !matches!(before, b't' | b'c' | b'x' | b'g') {
        extra += 1;
    }
    if group.contains("iu") || group.contains("ii") {
        extra += 1;
    }
    if group.contains("ua") && !matches!(before, b'q' | b'g') {
        extra += 1;
    }
    if group.contains("uo") || group.contains("eo") && after.is_empty() {
        extra += 1;
    }
    if group.contains("ie") && (after == "r" || after == "rs" || after == "st") {
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

/// Score a page's prose blocks, and name its hardest sentences (at most
/// [`HARDEST`], hardest first). Only those are copied out of the text.
pub fn score_blocks(blocks: &[ProseBlock]) -> (Counts, Vec<SentenceScore>) {
    let mut total = Counts::default();
    // (grade, source offset, words, block, range in the block's text)
    let mut scored: Vec<(f64, usize, usize, usize, Range<usize>)> = Vec::new();
    for (bi, b) in blocks.iter().enumerate() {
        for r in sentences(&b.text) {
            let c = count_sentence(&b.text[r.clone()]);
            total.add(c);
            if c.words >= 3 {
                scored.push((c.grade(), b.source_offset(r.start), c.words, bi, r));
            }
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let hardest = scored
        .into_iter()
        .take(HARDEST)
        .map(|(grade, offset, words, bi, r)| SentenceScore {
            text: blocks[bi].text[r].to_string(),
            offset,
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
    let target = site.config.check.reading_grade;
    let results: Vec<(Option<Score>, Option<Diagnostic>)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let Some(r) = rendered.get(i) else {
                return (None, None);
            };
            let (counts, hardest) = score_blocks(&r.prose);
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
            let mut hint = String::from(
                "use shorter sentences (aim for 15 words or fewer) and everyday words",
            );
            if !named.is_empty() {
                hint.push_str("; the hardest sentences are ");
                hint.push_str(&named.join("; "));
            }
            d = d.with_hint(hint);
            (Some(score), Some(d))
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
}
