//! Markdown to HTML with pulldown-cmark, plus what a care hub needs on top:
//! heading ids and a table of contents, GFM alerts as care cards, do and
//! don't lists, `@/` internal links, external links marked, unsafe URLs
//! removed and raw HTML sanitised.

use crate::check::FastMap;
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::resolve::Site;
use crate::resolve::links::{self, Target};
use crate::resolve::slug::slugify;
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;
use std::cell::Cell;
use std::ops::Range;

/// One entry of a page's table of contents (h2, with its h3 children).
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// The result of rendering one markdown text.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every id given to a heading, in order.
    pub heading_ids: Vec<String>,
    /// Internal link targets, for "links in and out".
    pub links_out: Vec<Target>,
    pub word_count: usize,
    /// The prose as plain text (headings and paragraphs, no code), for search.
    pub plain: String,
    /// Paragraphs and list items (not headings, tables, code or image
    /// text), mapped back to the source, for the reading-age and
    /// plain-language checks.
    pub prose: Vec<ProseBlock>,
    /// Every link and image URL as written into the HTML, with the source
    /// span it came from, so the link check can point at the markdown.
    pub link_sources: Vec<LinkSource>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Rendered {
    /// Give back the spare capacity of what is kept of a page after it is
    /// made (not the HTML and the text): every page's are kept to the end
    /// of the build.
    pub fn shrink_kept(&mut self) {
        fn toc(v: &mut Vec<TocEntry>) {
            v.shrink_to_fit();
            for e in v {
                e.id.shrink_to_fit();
                e.title.shrink_to_fit();
                toc(&mut e.children);
            }
        }
        toc(&mut self.toc);
        self.heading_ids.shrink_to_fit();
        for h in &mut self.heading_ids {
            h.shrink_to_fit();
        }
        self.links_out.shrink_to_fit();
        self.link_sources.shrink_to_fit();
        for l in &mut self.link_sources {
            l.url.shrink_to_fit();
        }
        self.diagnostics.shrink_to_fit();
    }

    /// A copy without the HTML and the text (for checks whose findings on
    /// the text are already known).
    pub fn without_text(&self) -> Rendered {
        Rendered {
            html: String::new(),
            toc: self.toc.clone(),
            heading_ids: self.heading_ids.clone(),
            links_out: self.links_out.clone(),
            word_count: self.word_count,
            plain: String::new(),
            prose: Vec::new(),
            link_sources: self.link_sources.clone(),
            diagnostics: self.diagnostics.clone(),
        }
    }
}

/// A link or image URL written into a page, and the markdown it came from.
#[derive(Debug, Clone)]
pub struct LinkSource {
    /// The URL exactly as it is in the `href` / `src` (before HTML escaping).
    pub url: String,
    /// Byte range in the source file.
    pub span: Range<usize>,
}

/// One paragraph or list item of prose as plain text.
#[derive(Debug, Clone, Default)]
pub struct ProseBlock {
    pub text: String,
    /// `(offset in text, byte offset in the source file)` where each piece
    /// of text starts, in order.
    pub pieces: Vec<(usize, usize)>,
    /// Ranges of `text` that are the text of a link.
    pub links: Vec<Range<usize>>,
}

impl ProseBlock {
    /// The byte offset in the source file of byte `at` of `text` (exact
    /// unless markdown changed the text, e.g. entities or smart quotes).
    pub fn source_offset(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.0 <= at);
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(t, src)) => src + (at - t),
            None => self.pieces.first().map_or(0, |p| p.1),
        }
    }

    /// Whether byte `at` of `text` is inside a link's text.
    pub fn in_link(&self, at: usize) -> bool {
        self.links.iter().any(|r| r.contains(&at))
    }

    fn push(&mut self, t: &str, src: usize) {
        self.pieces.push((self.text.len(), src));
        self.text.push_str(t);
    }
}

/// Words the renderer itself writes into pages, from the theme's strings table.
#[derive(Debug, Clone)]
pub struct Labels {
    pub external: String,
    pub non_urgent: String,
    pub urgent: String,
    pub emergency: String,
    pub do_: String,
    pub dont: String,
    /// Accessible name of a scrollable table.
    pub table: String,
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            external: "(external site)".into(),
            non_urgent: "Non-urgent advice".into(),
            urgent: "Urgent advice".into(),
            emergency: "Immediate action required".into(),
            do_: "Do".into(),
            dont: "Don't".into(),
            table: "Table".into(),
        }
    }
}

/// What markdown rendering needs from the site.
pub struct Ctx<'a> {
    pub site: &'a Site,
    pub labels: &'a Labels,
    /// The file the markdown came from, for diagnostics.
    pub src: &'a SourceFile,
    /// Byte offset of the markdown within `src`.
    pub offset: usize,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

enum Close {
    Plain,
    Html(&'static str),
    /// A link whose URL was unsafe: drop its end tag.
    Drop,
    External(String),
}

/// Render `text` (markdown) to HTML.
pub fn render(text: &str, ctx: &Ctx) -> Rendered {
    let mut out = Rendered {
        // Most of the text is prose: room for it up front rather than
        // growing a page's worth of text a doubling at a time.
        plain: String::with_capacity(text.len()),
        ..Rendered::default()
    };
    // About one event for every 23 bytes of markdown (the 10,000-article
    // benchmark hub): room for nearly every page's events at once.
    // The two event lists reuse the thread's room from its last page.
    let mut events: Vec<(Event, Range<usize>)> = SPARE_EVENTS.take();
    events.reserve(text.len() / 16 + 16);
    events.extend(Parser::new_ext(text, options()).into_offset_iter());
    let mut html_events: Vec<Event> = SPARE_HTML_EVENTS.take();
    html_events.reserve(events.len());
    // Heading ids, kept in order: they become `heading_ids`.
    let mut ids = UniqueIds::default();
    // A heading's text, to make its id (room reused from heading to heading).
    let mut title = String::new();
    let mut quote_stack: Vec<Close> = Vec::new();
    let mut link_stack: Vec<Close> = Vec::new();
    let mut has_raw_html = false;
    let mut first_raw_html = 0..0;
    let mut in_code = 0usize;
    // Prose collection: the block being built, and what it must skip.
    let mut block: Option<ProseBlock> = None;
    // Room for the next block's text: its markdown's length.
    let mut block_room = 0;
    let mut in_table = 0usize;
    let mut in_heading = false;
    let mut in_image = 0usize;
    let mut link_starts: Vec<usize> = Vec::new();
    let base_path = ctx.site.config.base_path_str();
    // Table cells: their columns' alignments, whether in the head row, the
    // column, and whether the open cell's end tag is written here.
    let mut aligns: Vec<Alignment> = Vec::new();
    let (mut in_head, mut column, mut cell_tag) = (false, 0usize, false);
    let base_url = ctx.site.config.base_url.as_str();

    let mut i = 0;
    while i < events.len() {
        // Each event is moved into the HTML events, never copied: only later
        // events are looked at again (a heading's words, a do/don't marker).
        let range = &events[i].1.clone();
        let ev = std::mem::replace(&mut events[i].0, Event::Rule);
        if matches!(
            ev,
            Event::Start(Tag::Paragraph | Tag::Item | Tag::Heading { .. } | Tag::CodeBlock(_))
                | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_))
        ) {
            flush_block(&mut block, &mut out.prose);
            if matches!(ev, Event::Start(Tag::Paragraph | Tag::Item)) {
                block_room = range.len().min(4096);
            }
        }
        match &ev {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                // Gather the heading's inner events to make its id.
                let mut j = i + 1;
                title.clear();
                while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                    if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                        title.push_str(t);
                    }
                    j += 1;
                }
                let base = id
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| slugify(&title));
                let base = if base.is_empty() {
                    "section".to_string()
                } else {
                    base
                };
                let hid = ids.unique(base);
                let lvl = heading_num(*level);
                // `<h2 id="..." class="...">`
                let mut open = String::with_capacity(hid.len() + 16);
                open.push_str(heading_tag(lvl).0);
                open.push_str(" id=\"");
                let _ = pulldown_cmark_escape::escape_html(&mut open, hid);
                open.push('"');
                if !classes.is_empty() {
                    open.push_str(" class=\"");
                    let _ = pulldown_cmark_escape::escape_html(&mut open, &classes.join(" "));
                    open.push('"');
                }
                open.push('>');
                html_events.push(Event::Html(open.into()));
                add_toc(&mut out.toc, lvl, hid, title.trim());
                in_heading = true;
                // Render the inner events through the same loop by continuing at i+1;
                // the End(Heading) arm writes the closing tag.
            }
            Event::End(TagEnd::Heading(level)) => {
                in_heading = false;
                out.plain.push_str(".\n");
                html_events.push(Event::Html(heading_tag(heading_num(*level)).1.into()));
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                let (open, close) = match kind {
                    Some(BlockQuoteKind::Note) => {
                        (card("non-urgent", &ctx.labels.non_urgent), "</div></div>\n")
                    }
                    Some(BlockQuoteKind::Important) | Some(BlockQuoteKind::Warning) => {
                        (card("urgent", &ctx.labels.urgent), "</div></div>\n")
                    }
                    Some(BlockQuoteKind::Caution) => {
                        (card("emergency", &ctx.labels.emergency), "</div></div>\n")
                    }
                    Some(BlockQuoteKind::Tip) => {
                        ("<div class=\"inset\">\n".to_string(), "</div>\n")
                    }
                    None => match do_dont_marker(&events, i) {
                        Some((is_do, skip_to)) => {
                            let (cls, label) = if is_do {
                                ("do-list", &ctx.labels.do_)
                            } else {
                                ("dont-list", &ctx.labels.dont)
                            };
                            html_events.push(Event::Html(
                                format!(
                                    "<div class=\"{cls}\"><p class=\"{cls}__label\">{}</p>\n",
                                    escape_text(label)
                                )
                                .into(),
                            ));
                            quote_stack.push(Close::Html("</div>\n"));
                            i = skip_to;
                            continue;
                        }
                        None => {
                            html_events.push(ev);
                            quote_stack.push(Close::Plain);
                            i += 1;
                            continue;
                        }
                    },
                };
                html_events.push(Event::Html(open.into()));
                quote_stack.push(Close::Html(close));
            }
            Event::End(TagEnd::BlockQuote(_)) => match quote_stack.pop() {
                Some(Close::Html(s)) => html_events.push(Event::Html(s.into())),
                _ => html_events.push(ev),
            },
            Event::Start(Tag::Table(cols)) => {
                in_table += 1;
                aligns.clone_from(cols);
                // Focusable and named, so a wide table can be scrolled from the keyboard.
                html_events.push(Event::Html(
                    format!(
                        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
                        escape_attr(&ctx.labels.table)
                    )
                    .into(),
                ));
                // Without alignments: pulldown-cmark would write them as
                // inline styles; the cells below carry them as classes.
                html_events.push(Event::Start(Tag::Table(Vec::new())));
            }
            Event::Start(Tag::TableHead) => {
                (in_head, column) = (true, 0);
                html_events.push(ev);
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                html_events.push(ev);
            }
            Event::Start(Tag::TableRow) => {
                column = 0;
                html_events.push(ev);
            }
            Event::Start(Tag::TableCell) => {
                cell_tag = true;
                match aligns.get(column) {
                    Some(&a) if a != Alignment::None => {
                        html_events.push(Event::Html(cell_open(in_head, a).into()));
                    }
                    _ => {
                        cell_tag = false;
                        html_events.push(ev);
                    }
                }
            }
            Event::End(TagEnd::Table) => {
                in_table = in_table.saturating_sub(1);
                html_events.push(ev);
                html_events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = dest_url.trim();
                link_starts.push(block.as_ref().map_or(0, |b| b.text.len()));
                if dest.starts_with("@/") {
                    let span = ctx.offset + range.start..ctx.offset + range.end;
                    let url: CowStr = match links::find_link(ctx.site, dest) {
                        Ok(f) => {
                            out.links_out.push(f.target);
                            // The page's URL is borrowed from the site's
                            // link index; with a fragment, built once.
                            let url: CowStr = match f.fragment {
                                None => CowStr::Borrowed(f.url),
                                Some(frag) => {
                                    let mut u = String::with_capacity(f.url.len() + 1 + frag.len());
                                    u.push_str(f.url);
                                    u.push('#');
                                    u.push_str(frag);
                                    u.into()
                                }
                            };
                            out.link_sources.push(LinkSource {
                                url: url.to_string(),
                                span: span.clone(),
                            });
                            url
                        }
                        Err((msg, hint)) => {
                            out.diagnostics.push(
                                Diagnostic::error_at("broken-link", ctx.src, span, msg)
                                    .with_hint(hint),
                            );
                            CowStr::Borrowed("#")
                        }
                    };
                    html_events.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: url,
                        title: title.clone(),
                        id: id.clone(),
                    }));
                    link_stack.push(Close::Plain);
                } else if is_unsafe_url(dest) {
                    link_stack.push(Close::Drop);
                } else if is_external(dest, base_url) {
                    let title_attr = if title.is_empty() {
                        String::new()
                    } else {
                        format!(" title=\"{}\"", escape_attr(title))
                    };
                    html_events.push(Event::Html(
                        format!(
                            "<a href=\"{}\"{title_attr} class=\"external\" rel=\"external\">",
                            escape_attr(dest)
                        )
                        .into(),
                    ));
                    link_stack.push(Close::External(format!(
                        "<span class=\"visually-hidden\"> {}</span></a>",
                        escape_text(&ctx.labels.external)
                    )));
                } else {
                    // A root-relative link is relative to the site, so it
                    // follows the site when it is published under a sub-path.
                    let href = if dest.starts_with('/')
                        && !dest.starts_with("//")
                        && !dest.starts_with(base_path)
                    {
                        format!("{base_path}{}", &dest[1..])
                    } else {
                        dest.to_string()
                    };
                    out.link_sources.push(LinkSource {
                        url: href.clone(),
                        span: ctx.offset + range.start..ctx.offset + range.end,
                    });
                    html_events.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: href.into(),
                        title: title.clone(),
                        id: id.clone(),
                    }));
                    link_stack.push(Close::Plain);
                }
            }
            Event::End(TagEnd::Link) => {
                let start = link_starts.pop().unwrap_or(0);
                if let Some(b) = block.as_mut()
                    && start < b.text.len()
                {
                    b.links.push(start..b.text.len());
                }
                match link_stack.pop() {
                    Some(Close::Drop) => {}
                    Some(Close::External(s)) => html_events.push(Event::Html(s.into())),
                    _ => html_events.push(ev),
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                in_image += 1;
                let dest = if is_unsafe_url(dest_url) {
                    CowStr::from("")
                } else {
                    dest_url.clone()
                };
                if !dest.is_empty() && !is_external(&dest, base_url) {
                    out.link_sources.push(LinkSource {
                        url: dest.to_string(),
                        span: ctx.offset + range.start..ctx.offset + range.end,
                    });
                }
                html_events.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::End(TagEnd::Image) => {
                in_image = in_image.saturating_sub(1);
                html_events.push(ev);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code += 1;
                html_events.push(ev);
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = in_code.saturating_sub(1);
                html_events.push(ev);
            }
            Event::Text(t) => {
                if in_code == 0 {
                    out.word_count += count_words(t);
                    push_plain(&mut out.plain, t);
                    if in_table == 0 && !in_heading && in_image == 0 {
                        block
                            .get_or_insert_with(|| ProseBlock {
                                text: String::with_capacity(block_room),
                                pieces: Vec::with_capacity(8),
                                links: Vec::new(),
                            })
                            .push(t, ctx.offset + range.start);
                    }
                }
                html_events.push(ev);
            }
            Event::SoftBreak | Event::HardBreak => {
                out.plain.push(' ');
                if let Some(b) = block.as_mut() {
                    b.text.push(' ');
                }
                html_events.push(ev);
            }
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => {
                if !out.plain.ends_with('\n') {
                    out.plain.push('\n');
                }
                html_events.push(ev);
            }
            Event::End(TagEnd::TableCell) => {
                if !out.plain.ends_with('\n') {
                    out.plain.push('\n');
                }
                column += 1;
                if std::mem::take(&mut cell_tag) {
                    html_events.push(Event::Html(if in_head { "</th>" } else { "</td>" }.into()));
                } else {
                    html_events.push(ev);
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                if !has_raw_html {
                    first_raw_html = range.clone();
                }
                has_raw_html = true;
                html_events.push(ev);
            }
            _ => html_events.push(ev),
        }
        i += 1;
    }
    flush_block(&mut block, &mut out.prose);
    out.heading_ids = ids.into_ids();
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, html_events.drain(..));
    keep_spare_events(events);
    keep_spare_html_events(html_events);
    // Only raw HTML can still hold an inline text-align style.
    let mut html = if has_raw_html {
        align_classes(html)
    } else {
        html
    };
    if has_raw_html && !ctx.site.config.unsafe_html {
        let (depth, cost) = nesting(&html);
        if cost > MAX_SANITIZE_COST {
            let span = ctx.offset + first_raw_html.start..ctx.offset + first_raw_html.end;
            out.diagnostics.push(
                Diagnostic::error_at(
                    "html-too-deep",
                    ctx.src,
                    span,
                    format!("this page has raw HTML and is nested {depth} levels deep, too deep to clean safely"),
                )
                .with_hint("remove the raw HTML, or most of the nesting (block quotes, lists or HTML elements inside each other)"),
            );
            html = escape_text(&html);
        } else {
            html = sanitize(&html);
        }
    }
    // Every page's result is kept until its template runs: drop the slack.
    html.shrink_to_fit();
    out.plain.shrink_to_fit();
    out.html = html;
    out
}

thread_local! {
    /// Each thread's room for a page's parsed events and HTML events, kept
    /// between pages: a page's lists take about five times its markdown's
    /// size, and allocating them afresh for every page cost the allocator's
    /// large-block path and the kernel's zeroing of new pages.
    static SPARE_EVENTS: Cell<Vec<(Event<'static>, Range<usize>)>> = const { Cell::new(Vec::new()) };
    static SPARE_HTML_EVENTS: Cell<Vec<Event<'static>>> = const { Cell::new(Vec::new()) };
}

/// The most room (in bytes) a thread keeps for each list between pages: a
/// rare huge page's lists are freed rather than held to the end.
const SPARE_MAX_BYTES: usize = 4 << 20;

/// Keep `v`'s room, emptied, for the thread's next page (unless it is
/// huge). Collecting a vector's own `into_iter` into a vector of a type of
/// the same size and alignment (here the same type but for its lifetime)
/// reuses its allocation; were that ever not so, this would only allocate.
// `filter_map` changes the elements' lifetime, which `filter` cannot.
#[allow(clippy::unnecessary_filter_map)]
fn keep_spare_events(v: Vec<(Event<'_>, Range<usize>)>) {
    if v.capacity() * std::mem::size_of::<(Event, Range<usize>)>() <= SPARE_MAX_BYTES {
        SPARE_EVENTS.set(emptied(v).filter_map(|_| None).collect());
    }
}

/// [`keep_spare_events`] for the HTML events.
// `filter_map` changes the elements' lifetime, which `filter` cannot.
#[allow(clippy::unnecessary_filter_map)]
fn keep_spare_html_events(v: Vec<Event<'_>>) {
    if v.capacity() * std::mem::size_of::<Event>() <= SPARE_MAX_BYTES {
        SPARE_HTML_EVENTS.set(emptied(v).filter_map(|_| None).collect());
    }
}

/// `v` cleared, as an iterator that owns its room (and yields nothing).
fn emptied<T>(mut v: Vec<T>) -> std::vec::IntoIter<T> {
    v.clear();
    v.into_iter()
}

/// The opening tag of an aligned table cell: `<th class="align-right">`.
fn cell_open(head: bool, align: Alignment) -> &'static str {
    match (head, align) {
        (true, Alignment::Left) => "<th class=\"align-left\">",
        (true, Alignment::Center) => "<th class=\"align-center\">",
        (true, _) => "<th class=\"align-right\">",
        (false, Alignment::Left) => "<td class=\"align-left\">",
        (false, Alignment::Center) => "<td class=\"align-center\">",
        (false, _) => "<td class=\"align-right\">",
    }
}

/// Table column alignment as classes (`align-right`) rather than the inline
/// `style` pulldown-cmark writes, which the pages' Content-Security-Policy
/// (`style-src 'self'`) would block. Only real tags can match: text has its
/// `<` escaped.
fn align_classes(html: String) -> String {
    if !html.contains(" style=\"text-align: ") {
        return html;
    }
    let mut html = html;
    for cell in ["th", "td"] {
        for align in ["left", "center", "right"] {
            html = html.replace(
                &format!("<{cell} style=\"text-align: {align}\">"),
                &format!("<{cell} class=\"align-{align}\">"),
            );
        }
    }
    html
}

/// The most work the sanitiser is given for one page, measured as the sum
/// over all tags of how deeply each is nested. The HTML parser behind it
/// looks through the open elements for many tags, so its time grows with
/// this sum: thousands of levels of nesting in a long page would take
/// minutes. 5,000 nested block quotes cost about 25 million.
const MAX_SANITIZE_COST: u64 = 50_000_000;

/// An estimate of how deeply `html` nests: (deepest level, sum of levels
/// over all tags). Void elements and those that close their own siblings
/// (`p`, `li`, table cells, ...) do not count as nesting.
fn nesting(html: &str) -> (usize, u64) {
    const FLAT: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
        "tbody", "tfoot", "colgroup", "rb", "rt", "rp",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut max, mut cost) = (0usize, 0usize, 0u64);
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let end = html[start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(html.len(), |e| start + e);
        if end == start {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        if FLAT.contains(&name.as_str()) {
            continue;
        }
        let self_closing = html[end..]
            .find('>')
            .is_some_and(|g| html[end..end + g].ends_with('/'));
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            max = max.max(depth);
        }
        cost += depth as u64;
    }
    (max, cost)
}

/// Hands out ids that are unique within a page: `intro`, `intro-1`,
/// `intro-2`, ... Each base remembers its next number, so ten thousand
/// headings with the same words cost no more than ten thousand different ones.
/// The ids are kept once, in order (they become the page's heading ids):
/// the table holds only their positions, so an id is never copied.
#[derive(Debug, Default)]
pub struct UniqueIds {
    /// Every id taken, in order.
    ids: Vec<String>,
    /// Positions in `ids`, by the id's hash (only looked up, never listed:
    /// a fast hash rather than SipHash).
    table: hashbrown::HashTable<usize>,
    next: FastMap<String, usize>,
}

fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    std::hash::BuildHasherDefault::<crate::check::FastHasher>::default().hash_one(id)
}

impl UniqueIds {
    /// Start with `ids` taken (and kept, in order, for [`Self::into_ids`]).
    pub fn from_ids(ids: Vec<String>) -> Self {
        let mut u = UniqueIds {
            ids,
            ..UniqueIds::default()
        };
        for at in 0..u.ids.len() {
            let h = id_hash(&u.ids[at]);
            if !u.taken(&u.ids[at], h) {
                u.index(at, h);
            }
        }
        u
    }

    /// Every id taken, in the order they were taken.
    pub fn into_ids(self) -> Vec<String> {
        self.ids
    }

    fn taken(&self, id: &str, h: u64) -> bool {
        self.table.find(h, |&at| self.ids[at] == id).is_some()
    }

    fn index(&mut self, at: usize, h: u64) {
        let ids = &self.ids;
        self.table.insert_unique(h, at, |&at| id_hash(&ids[at]));
    }

    fn take(&mut self, id: String, h: u64) -> &str {
        let at = self.ids.len();
        self.ids.push(id);
        self.index(at, h);
        &self.ids[at]
    }

    /// Mark an id as taken (for ids given elsewhere on the page).
    pub fn reserve(&mut self, id: &str) {
        let h = id_hash(id);
        if !self.taken(id, h) {
            self.take(id.to_string(), h);
        }
    }

    /// `base` if it is free, else `base-N` with the smallest free N.
    pub fn unique(&mut self, base: String) -> &str {
        let h = id_hash(&base);
        if !self.taken(&base, h) {
            return self.take(base, h);
        }
        let mut n = self.next.get(&base).copied().unwrap_or(1);
        loop {
            let id = format!("{base}-{n}");
            n += 1;
            let h = id_hash(&id);
            if !self.taken(&id, h) {
                self.next.insert(base, n);
                return self.take(id, h);
            }
        }
    }
}

fn heading_num(level: HeadingLevel) -> u8 {
    level as u8
}

/// A heading's opening tag without its `>`, and its end tag: `("<h2", "</h2>\n")`.
fn heading_tag(level: u8) -> (&'static str, &'static str) {
    match level {
        1 => ("<h1", "</h1>\n"),
        2 => ("<h2", "</h2>\n"),
        3 => ("<h3", "</h3>\n"),
        4 => ("<h4", "</h4>\n"),
        5 => ("<h5", "</h5>\n"),
        _ => ("<h6", "</h6>\n"),
    }
}

fn card(kind: &str, label: &str) -> String {
    format!(
        "<div class=\"care-card care-card--{kind}\"><p class=\"care-card__label\">{}</p><div class=\"care-card__body\">\n",
        escape_text(label)
    )
}

fn add_toc(toc: &mut Vec<TocEntry>, level: u8, id: &str, title: &str) {
    let entry = TocEntry {
        level,
        id: id.to_string(),
        title: title.to_string(),
        children: Vec::new(),
    };
    match level {
        2 => toc.push(entry),
        3 => match toc.last_mut() {
            Some(parent) => parent.children.push(entry),
            None => toc.push(entry),
        },
        _ => {}
    }
}

/// If the block quote starting at `i` begins with `[!DO]` or `[!DONT]`, say
/// which, and the index of the first event after the marker paragraph.
fn do_dont_marker(events: &[(Event, Range<usize>)], i: usize) -> Option<(bool, usize)> {
    if !matches!(events.get(i + 1), Some((Event::Start(Tag::Paragraph), _))) {
        return None;
    }
    let mut text = String::new();
    let mut j = i + 2;
    while let Some((Event::Text(t), _)) = events.get(j) {
        text.push_str(t);
        j += 1;
    }
    let marker = text.trim();
    let is_do = match marker.to_ascii_uppercase().as_str() {
        "[!DO]" => true,
        "[!DONT]" | "[!DON'T]" | "[!DON’T]" => false,
        _ => return None,
    };
    // Only a paragraph holding just the marker (the list follows it).
    match events.get(j) {
        Some((Event::End(TagEnd::Paragraph), _)) => Some((is_do, j + 1)),
        _ => None,
    }
}

/// End the prose block being built, keeping it if it holds any words.
fn flush_block(block: &mut Option<ProseBlock>, prose: &mut Vec<ProseBlock>) {
    if let Some(b) = block.take()
        && !b.text.trim().is_empty()
    {
        prose.push(b);
    }
}

/// How many whitespace-separated words `t` has: `t.split_whitespace().count()`,
/// but for ASCII text (nearly every piece) eight bytes at a time, as it
/// runs on every piece of every page's text.
fn count_words(t: &str) -> usize {
    const LOW: u64 = u64::from_ne_bytes([0x7f; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    const fn each(b: u8) -> u64 {
        u64::from_ne_bytes([b; 8])
    }
    // ASCII whitespace as `char::is_whitespace` has it: space, and tab to
    // carriage return (vertical tab included).
    let space = |c: u8| (c == b' ') | (c.wrapping_sub(b'\t') < 5);
    let mut words = 0;
    // Whether the byte before the next one is a space (or the start).
    let mut after_space = true;
    let mut chunks = t.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        // Checked here rather than with `is_ascii` first: one pass over
        // the text instead of two.
        if v & HIGH != 0 {
            return t.split_whitespace().count();
        }
        // Every byte is below 0x80, so no sum below carries into the next
        // byte: the top bit of each byte says what that byte is.
        let x = v ^ each(b' ');
        let is_space = !(((x & LOW) + LOW) | x) & HIGH;
        let from_tab = (v + each(0x80 - b'\t')) & HIGH;
        let from_cr = (v + each(0x80 - b'\r' - 1)) & HIGH;
        let spaces = is_space | (from_tab & !from_cr);
        let before = (spaces << 8) | (u64::from(after_space) << 7);
        words += top_bits(!spaces & HIGH & before);
        after_space = spaces >> 63 == 1;
    }
    for &c in chunks.remainder() {
        if c >= 0x80 {
            return t.split_whitespace().count();
        }
        let s = space(c);
        words += usize::from(after_space && !s);
        after_space = s;
    }
    words
}

/// How many bytes of `m` have their top bit set, when no other bit is:
/// one multiply, where `count_ones` (without the `popcnt` instruction,
/// which the default x86-64 target lacks) is a dozen operations.
fn top_bits(m: u64) -> usize {
    // Each byte becomes 0 or 1; the multiply sums them all into the top byte.
    ((m >> 7).wrapping_mul(u64::from_ne_bytes([1; 8])) >> 56) as usize
}

fn push_plain(plain: &mut String, t: &str) {
    plain.push_str(t);
}

/// `javascript:`, `vbscript:` and `data:` URLs (ignoring case, spaces and control characters).
pub fn is_unsafe_url(url: &str) -> bool {
    // The first 12 such characters, ASCII lower-cased (any other character
    // is 0xff, which no scheme has).
    let mut head = [0u8; 12];
    let mut n = 0;
    for c in url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(head.len())
    {
        head[n] = if c.is_ascii() {
            c.to_ascii_lowercase() as u8
        } else {
            0xff
        };
        n += 1;
    }
    let head = &head[..n];
    head.starts_with(b"javascript:") || head.starts_with(b"vbscript:") || head.starts_with(b"data:")
}

fn is_external(url: &str, base_url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//"))
        && !url.starts_with(base_url)
}

/// Escape text for HTML element content.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, s);
    out
}

/// Escape text for a double-quoted HTML attribute.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

/// Clean editor-written HTML: keep what markdown and the theme's components
/// use, drop scripts, styles, event handlers and unsafe URLs.
pub fn sanitize(html: &str) -> String {
    use std::sync::OnceLock;
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let b = CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id", "class", "lang", "dir"])
            .add_tags([
                "details",
                "summary",
                "figure",
                "figcaption",
                "mark",
                "input",
                "section",
                "aside",
            ])
            .add_tag_attributes("a", ["rel", "title"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("td", ["align"])
            .add_tag_attributes("th", ["align", "scope"])
            .add_tag_attributes("ol", ["start"])
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
            .link_rel(None);
        b
    });
    b.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_urls() {
        assert!(is_unsafe_url("javascript:alert(1)"));
        assert!(is_unsafe_url(" JaVa\tScript:alert(1)"));
        assert!(is_unsafe_url("data:text/html,hi"));
        assert!(is_unsafe_url("vbscript:x"));
        assert!(!is_unsafe_url("https://example.org"));
        assert!(is_unsafe_url("\u{0}java\nscript:x"));
        assert!(!is_unsafe_url("jav\u{e1}script:x"));
        assert!(!is_unsafe_url("javascript"));
        assert!(!is_unsafe_url(""));
    }

    #[test]
    fn sanitizer_strips_script() {
        let s = sanitize(
            "<p onclick=\"x()\">hi<script>alert(1)</script><a href=\"javascript:x\">a</a></p>",
        );
        assert!(!s.contains("script"));
        assert!(!s.contains("onclick"));
        assert!(!s.contains("javascript"));
    }

    #[test]
    fn unique_ids_number_repeats_in_order() {
        let mut ids = UniqueIds::default();
        assert_eq!(ids.unique("a".into()), "a");
        assert_eq!(ids.unique("a".into()), "a-1");
        assert_eq!(ids.unique("a-1".into()), "a-1-1");
        assert_eq!(ids.unique("a".into()), "a-2");
        ids.reserve("a-3");
        assert_eq!(ids.unique("a".into()), "a-4");
        let mut ids = UniqueIds::default();
        for _ in 0..100_000 {
            ids.unique("same".into());
        }
        assert_eq!(ids.unique("same".into()), "same-100000");
    }

    #[test]
    fn unique_ids_keep_given_ids_in_order() {
        let mut ids = UniqueIds::from_ids(vec!["q".into(), "a".into(), "q".into()]);
        assert_eq!(ids.unique("q".into()), "q-1");
        assert_eq!(ids.unique("b".into()), "b");
        assert_eq!(ids.into_ids(), ["q", "a", "q", "q-1", "b"]);
    }

    #[test]
    fn words_are_counted_as_split_whitespace_does() {
        let long = "one two  three\tfour\x0bfive\r\nsix ".repeat(9);
        for t in [
            "",
            " ",
            "word",
            " word ",
            "a b",
            "caf\u{e9} cr\u{e8}me\u{a0}br\u{fb}l\u{e9}e",
            "x\u{2003}y",
            &long,
            &long[1..],
            &"a".repeat(200),
            &" ".repeat(130),
            &"ab ".repeat(64),
            "\x08\x09\x0a\x0b\x0c\x0d\x0e\x1f\x20\x21\x7f",
            "a\x08b\x0ec\x1fd\x7fe\x21f\x0ag\x0bh\x0ci\x0d",
            // Not ASCII only in a later eight-byte word, or in the tail.
            "one two three\u{2003}four five",
            "one two three fo\u{2003}",
            "one two three f\u{e9}\u{a0}x",
        ] {
            assert_eq!(count_words(t), t.split_whitespace().count(), "{t:?}");
        }
        // Every ASCII byte, at every place in an eight-byte word.
        for c in 0u8..0x80 {
            for at in 0..17 {
                let mut t = "ab cd ef gh ij kl".as_bytes().to_vec();
                t[at] = c;
                let t = String::from_utf8(t).unwrap();
                assert_eq!(count_words(&t), t.split_whitespace().count(), "{t:?}");
            }
        }
    }

    #[test]
    fn event_lists_keep_their_room_between_pages() {
        let text = "# A\n\nSome *words* and [a link](https://example.org).\n".repeat(50);
        let mut v: Vec<(Event, Range<usize>)> = Vec::with_capacity(4000);
        v.extend(Parser::new_ext(&text, options()).into_offset_iter());
        let (ptr, cap) = (v.as_ptr() as usize, v.capacity());
        keep_spare_events(v);
        let back = SPARE_EVENTS.take();
        assert!(back.is_empty());
        assert_eq!((back.as_ptr() as usize, back.capacity()), (ptr, cap));
        let html: Vec<Event> = Vec::with_capacity(1000);
        let (ptr, cap) = (html.as_ptr() as usize, html.capacity());
        keep_spare_html_events(html);
        let back = SPARE_HTML_EVENTS.take();
        assert_eq!((back.as_ptr() as usize, back.capacity()), (ptr, cap));
        // A huge list is not kept.
        keep_spare_html_events(Vec::with_capacity(SPARE_MAX_BYTES));
        assert_eq!(SPARE_HTML_EVENTS.take().capacity(), 0);
        // Pages rendered one after another on a thread (reusing the room)
        // come out as each does alone.
        let (_dir, c) = crate::check::testutil::compile_files(&[]);
        let labels = Labels::default();
        let ctx = Ctx {
            site: &c.site,
            labels: &labels,
            src: &c.site.pages[0].src,
            offset: 0,
        };
        let long = "## Same\n\nText [x](/y) and [h](@/_index.md#top).\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |\n".repeat(40);
        let short = "> [!NOTE]\n> A *note*.\n";
        let first = render(&long, &ctx).html;
        assert!(first.contains("<a href=\"/#top\">h</a>"), "{first}");
        let short_html = render(short, &ctx).html;
        assert_eq!(render(&long, &ctx).html, first);
        assert_eq!(render(short, &ctx).html, short_html);
        assert!(short_html.contains("care-card--non-urgent"), "{short_html}");
    }

    #[test]
    fn top_bits_counts_bytes_with_their_top_bit_set() {
        for bits in 0u32..256 {
            let mut m = 0u64;
            for b in 0..8 {
                if bits & (1 << b) != 0 {
                    m |= 0x80 << (8 * b);
                }
            }
            assert_eq!(top_bits(m), m.count_ones() as usize, "{m:#x}");
        }
    }

    #[test]
    fn nesting_is_measured_without_parsing() {
        assert_eq!(nesting("<div><p>a<br>b</p><img src=x/></div>").0, 1);
        assert_eq!(nesting("<ul><li>a<li>b<ul><li>c</ul></ul>").0, 2);
        assert_eq!(nesting(&"<blockquote>".repeat(100)).0, 100);
        assert!(nesting(&"<div>".repeat(100_000)).1 > MAX_SANITIZE_COST);
        assert!(nesting(&"<blockquote>\n<p>x</p>".repeat(5000)).1 < MAX_SANITIZE_COST);
        assert_eq!(nesting("a < b and c<d").0, 1);
    }

    #[test]
    fn table_alignment_uses_classes_not_inline_styles() {
        let html = align_classes(
            "<table><thead><tr><th style=\"text-align: right\">b</th><th>c</th></tr></thead>\
             <tbody><tr><td style=\"text-align: center\">2</td><td style=\"text-align: left\">3</td></tr></tbody></table>"
                .to_string(),
        );
        assert!(!html.contains("style="), "{html}");
        assert!(html.contains("<th class=\"align-right\">b</th>"));
        assert!(html.contains("<td class=\"align-center\">2</td>"));
        assert!(html.contains("<td class=\"align-left\">3</td>"));
    }
}
