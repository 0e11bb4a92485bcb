//! Plain-language lint: medical terms explained where a page first uses
//! them, and wordy words replaced by plain ones. The list is carehub's
//! built-in one (see [`DEFAULT_TERMS`]) merged with `[[check.terms]]` in
//! site.toml, where a site can point each term at its glossary.

use crate::config::PlainTerm;
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::render::markdown::{ProseBlock, Rendered};
use crate::resolve::Site;
use crate::resolve::links::{self, Target};
use aho_corasick::AhoCorasick;
use rayon::prelude::*;

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
}

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
        Some(Lint { terms, ac })
    }

    /// The warnings for page `i`, whose markdown is `r`.
    pub fn page(&self, site: &Site, i: usize, r: &Rendered) -> Vec<Diagnostic> {
        let (terms, ac) = (&self.terms, &self.ac);
        let p = &site.pages[i];
        let hits = find(ac, terms, &r.prose);
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
fn find(ac: &AhoCorasick, terms: &[Term], prose: &[ProseBlock]) -> Vec<Vec<Hit>> {
    let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); terms.len()];
    for (bi, b) in prose.iter().enumerate() {
        let text = b.text.as_str();
        for m in ac.find_overlapping_iter(text) {
            let t = &terms[m.pattern().as_usize()];
            let (start, mut end) = (m.start(), m.end());
            if t.acronym && text[start..end] != t.term {
                continue;
            }
            for plural in ["es", "s"] {
                if text[end..].starts_with(plural) && boundary_after(text, end + plural.len()) {
                    end += plural.len();
                    break;
                }
            }
            if boundary_before(text, start) && boundary_after(text, end) {
                hits[m.pattern().as_usize()].push(Hit {
                    block: bi,
                    start,
                    end,
                });
            }
        }
    }
    hits
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
