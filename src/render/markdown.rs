//! Markdown to HTML with pulldown-cmark, plus what a care hub needs on top:
//! heading ids and a table of contents, GFM alerts as care cards, do and
//! don't lists, `@/` internal links, external links marked, unsafe URLs
//! removed and raw HTML sanitised.

use crate::check::FastMap;
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::resolve::Site;
use crate::resolve::links;
use crate::resolve::slug::slugify;
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CowStr, DefaultBrokenLinkCallback, Event, HeadingLevel, LinkType,
    OffsetIter, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;
use std::cell::OnceCell;
use std::collections::VecDeque;
use std::ops::Range;
use words::count_words;

mod words;

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
    pub word_count: usize,
    /// The text that is in no prose block (headings, table cells and image
    /// text; no code), for search: a page's words are those of its prose
    /// blocks and of this.
    pub rest: String,
    /// Paragraphs and list items (not headings, tables, code or image
    /// text), mapped back to the source, for the reading-age and
    /// plain-language checks and search.
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
            word_count: self.word_count,
            rest: String::new(),
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
    External,
}

/// How many headings a page's heading ids have room for up front (most
/// pages have fewer): the table of ids is not rebuilt as it grows.
const HEADINGS_ROOM: usize = 14;

/// Render `text` (markdown) to HTML.
pub fn render(text: &str, ctx: &Ctx) -> Rendered {
    // What ends every external link of the page, made at its first.
    let external_end = OnceCell::new();
    let mut pass = Pass::new(text, ctx, &external_end);
    let mut html = String::with_capacity(text.len() * 3 / 2);
    // The writer pulls each event through the pass as it writes.
    pulldown_cmark::html::push_html(&mut html, &mut pass);
    let Pass {
        mut out,
        ids,
        mut block,
        has_raw_html,
        first_raw_html,
        ..
    } = pass;
    flush_block(&mut block, &mut out.prose);
    out.heading_ids = ids.into_ids();
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
    out.rest.shrink_to_fit();
    out.html = html;
    out
}

/// The pass over a page's events that adds what a care hub needs, one
/// event at a time as pulldown-cmark's HTML writer asks for it (the
/// events are never all held), gathering the page's text, headings and
/// links on the way.
struct Pass<'a> {
    parser: OffsetIter<'a, DefaultBrokenLinkCallback>,
    /// Events read ahead and not yet passed on: a heading's, to make its id
    /// from its words; a block quote's first paragraph, for a do or don't marker.
    ahead: VecDeque<(Event<'a>, Range<usize>)>,
    /// An event to give after the one just given.
    then: Option<Event<'a>>,
    ctx: &'a Ctx<'a>,
    external_end: &'a OnceCell<String>,
    base_path: &'a str,
    out: Rendered,
    /// Heading ids, kept in order: they become `heading_ids`.
    ids: UniqueIds,
    /// A heading's text, to make its id (room reused from heading to heading).
    title: String,
    quote_stack: Vec<Close>,
    link_stack: Vec<Close>,
    has_raw_html: bool,
    first_raw_html: Range<usize>,
    in_code: usize,
    /// The prose block being built.
    block: Option<ProseBlock>,
    /// Room for the next block's text: its markdown's length.
    block_room: usize,
    in_table: usize,
    in_heading: bool,
    in_image: usize,
    /// Where in the block's text each open link's text starts.
    link_starts: Vec<usize>,
    /// Table cells: their columns' alignments, whether in the head row,
    /// the column, and whether the open cell's end tag is written here.
    aligns: Vec<Alignment>,
    in_head: bool,
    column: usize,
    cell_tag: bool,
}

impl<'a> Iterator for Pass<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        // Looked at before it is taken: taking moves the whole event.
        if self.then.is_some() {
            return self.then.take();
        }
        loop {
            let (ev, range) = match self.ahead.pop_front() {
                Some(e) => e,
                None => self.parser.next()?,
            };
            if let Some(ev) = self.step(ev, range) {
                return Some(ev);
            }
        }
    }
}

impl<'a> Pass<'a> {
    fn new(text: &'a str, ctx: &'a Ctx<'a>, external_end: &'a OnceCell<String>) -> Self {
        Pass {
            parser: Parser::new_ext(text, options()).into_offset_iter(),
            ahead: VecDeque::new(),
            then: None,
            ctx,
            external_end,
            base_path: ctx.site.config.base_path_str(),
            out: Rendered::default(),
            ids: UniqueIds::with_room(HEADINGS_ROOM),
            title: String::new(),
            quote_stack: Vec::new(),
            link_stack: Vec::new(),
            has_raw_html: false,
            first_raw_html: 0..0,
            in_code: 0,
            block: None,
            block_room: 0,
            in_table: 0,
            in_heading: false,
            in_image: 0,
            link_starts: Vec::new(),
            aligns: Vec::new(),
            in_head: false,
            column: 0,
            cell_tag: false,
        }
    }

    /// Whether there is a `k`th event after the current one (reading ahead
    /// from the parser as far as that).
    fn fill(&mut self, k: usize) -> bool {
        while self.ahead.len() <= k {
            match self.parser.next() {
                Some(e) => self.ahead.push_back(e),
                None => return false,
            }
        }
        true
    }

    /// Take in one event: what to write for it, if anything (a second event
    /// to write goes in `then`). The common events are handled here; the
    /// rarer ones by methods of their own, kept out of line so that this
    /// one, run for every event, stays small.
    fn step(&mut self, ev: Event<'a>, range: Range<usize>) -> Option<Event<'a>> {
        // A prose block ends where any block starts or ends, so the words on
        // either side (an outer list item's and its nested list's, a list
        // item's around a table) never run together.
        if matches!(
            ev,
            Event::Start(
                Tag::Paragraph
                    | Tag::Item
                    | Tag::Heading { .. }
                    | Tag::CodeBlock(_)
                    | Tag::Table(_)
            ) | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_))
        ) {
            if self.block.is_some() {
                flush_block(&mut self.block, &mut self.out.prose);
            }
            if matches!(ev, Event::Start(Tag::Paragraph | Tag::Item)) {
                self.block_room = range.len().min(4096);
            }
        }
        Some(match ev {
            Event::Text(t) => {
                if self.in_code == 0 {
                    self.text(&t, range.start);
                }
                Event::Text(t)
            }
            ev @ (Event::SoftBreak | Event::HardBreak) => {
                self.rest_break(b' ');
                if let Some(b) = self.block.as_mut() {
                    b.text.push(' ');
                }
                ev
            }
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => self.heading(level, id, classes),
            Event::End(TagEnd::Heading(level)) => {
                self.in_heading = false;
                self.out.rest.push_str(".\n");
                Event::Html(heading_tag(heading_num(level)).1.into())
            }
            Event::Start(Tag::BlockQuote(kind)) => self.block_quote(kind),
            ev @ Event::End(TagEnd::BlockQuote(_)) => match self.quote_stack.pop() {
                Some(Close::Html(s)) => Event::Html(s.into()),
                _ => ev,
            },
            Event::Start(Tag::Table(cols)) => self.table(cols),
            ev @ Event::Start(Tag::TableHead) => {
                (self.in_head, self.column) = (true, 0);
                ev
            }
            ev @ Event::End(TagEnd::TableHead) => {
                self.in_head = false;
                ev
            }
            ev @ Event::Start(Tag::TableRow) => {
                self.column = 0;
                ev
            }
            ev @ Event::Start(Tag::TableCell) => match self.aligns.get(self.column) {
                Some(&a) if a != Alignment::None => {
                    self.cell_tag = true;
                    Event::Html(cell_open(self.in_head, a).into())
                }
                _ => {
                    self.cell_tag = false;
                    ev
                }
            },
            ev @ Event::End(TagEnd::TableCell) => {
                self.rest_break(b'\n');
                self.column += 1;
                if std::mem::take(&mut self.cell_tag) {
                    Event::Html(if self.in_head { "</th>" } else { "</td>" }.into())
                } else {
                    ev
                }
            }
            ev @ Event::End(TagEnd::Table) => {
                self.in_table = self.in_table.saturating_sub(1);
                self.then = Some(Event::Html("</div>\n".into()));
                ev
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => return self.link(link_type, &dest_url, title, id, range),
            ev @ Event::End(TagEnd::Link) => return self.link_end(ev),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => self.image(link_type, dest_url, title, id, range),
            ev @ Event::End(TagEnd::Image) => {
                self.in_image = self.in_image.saturating_sub(1);
                self.image_break();
                ev
            }
            ev @ Event::Start(Tag::CodeBlock(_)) => {
                self.in_code += 1;
                ev
            }
            ev @ Event::End(TagEnd::CodeBlock) => {
                self.in_code = self.in_code.saturating_sub(1);
                ev
            }
            ev @ (Event::Html(_) | Event::InlineHtml(_)) => {
                if !self.has_raw_html {
                    self.first_raw_html = range;
                }
                self.has_raw_html = true;
                ev
            }
            ev => ev,
        })
    }

    /// End the last word of the text outside prose blocks with `sep` (a
    /// space or a line break), unless it ends with white space already.
    #[inline]
    fn rest_break(&mut self, sep: u8) {
        if ends_in_word(&self.out.rest) {
            self.out.rest.push(char::from(sep));
        }
    }

    /// An image's start or end: its text (the alt text) is words of its
    /// own, apart from the prose's words around it.
    fn image_break(&mut self) {
        self.rest_break(b' ');
        if let Some(b) = self.block.as_mut()
            && ends_in_word(&b.text)
        {
            b.text.push(' ');
        }
    }

    /// A piece of text (not code): its words, and the prose block or the
    /// text outside prose blocks.
    fn text(&mut self, t: &str, start: usize) {
        self.out.word_count += count_words(t);
        if self.in_table != 0 || self.in_heading || self.in_image != 0 {
            self.out.rest.push_str(t);
        } else {
            let room = self.block_room;
            self.block
                .get_or_insert_with(|| ProseBlock {
                    text: String::with_capacity(room),
                    pieces: Vec::with_capacity(8),
                    links: Vec::new(),
                })
                .push(t, self.ctx.offset + start);
        }
    }

    /// A heading's opening tag, with its id (made from its words, read
    /// ahead: they are passed on after it), and its entry in the contents.
    #[inline(never)]
    fn heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
    ) -> Event<'a> {
        let mut title = std::mem::take(&mut self.title);
        title.clear();
        let mut k = 0;
        while self.fill(k) && !matches!(self.ahead[k].0, Event::End(TagEnd::Heading(_))) {
            if let Event::Text(t) | Event::Code(t) = &self.ahead[k].0 {
                title.push_str(t);
            }
            k += 1;
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
        let hid = self.ids.unique(base);
        let lvl = heading_num(level);
        // `<h2 id="..." class="...">`, in room of the right size when
        // nothing is escaped and there is no class.
        let mut open = String::with_capacity(hid.len() + 10);
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
        add_toc(&mut self.out.toc, lvl, hid, title.trim());
        self.title = title;
        self.in_heading = true;
        Event::Html(open.into())
    }

    /// A block quote's start: a care card, an inset, a do or don't list
    /// (its marker paragraph dropped) or a plain block quote.
    #[inline(never)]
    fn block_quote(&mut self, kind: Option<BlockQuoteKind>) -> Event<'a> {
        let labels = self.ctx.labels;
        let (open, close) = match kind {
            Some(BlockQuoteKind::Note) => {
                (card("non-urgent", &labels.non_urgent), "</div></div>\n")
            }
            Some(BlockQuoteKind::Important) | Some(BlockQuoteKind::Warning) => {
                (card("urgent", &labels.urgent), "</div></div>\n")
            }
            Some(BlockQuoteKind::Caution) => {
                (card("emergency", &labels.emergency), "</div></div>\n")
            }
            Some(BlockQuoteKind::Tip) => ("<div class=\"inset\">\n".to_string(), "</div>\n"),
            None => match self.do_dont_marker() {
                Some((is_do, marker_events)) => {
                    // The marker paragraph is not written.
                    self.ahead.drain(..marker_events);
                    let (cls, label) = if is_do {
                        ("do-list", &labels.do_)
                    } else {
                        ("dont-list", &labels.dont)
                    };
                    self.quote_stack.push(Close::Html("</div>\n"));
                    return Event::Html(
                        format!(
                            "<div class=\"{cls}\"><p class=\"{cls}__label\">{}</p>\n",
                            escape_text(label)
                        )
                        .into(),
                    );
                }
                None => {
                    self.quote_stack.push(Close::Plain);
                    return Event::Start(Tag::BlockQuote(None));
                }
            },
        };
        self.quote_stack.push(Close::Html(close));
        Event::Html(open.into())
    }

    /// A table's start: a focusable, named wrapper (so a wide table can be
    /// scrolled from the keyboard), then the table without alignments
    /// (pulldown-cmark would write them as inline styles; the cells carry
    /// them as classes).
    #[inline(never)]
    fn table(&mut self, cols: Vec<Alignment>) -> Event<'a> {
        self.in_table += 1;
        self.aligns = cols;
        self.then = Some(Event::Start(Tag::Table(Vec::new())));
        Event::Html(
            format!(
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
                escape_attr(&self.ctx.labels.table)
            )
            .into(),
        )
    }

    /// An image's start: an unsafe URL emptied, a local one kept for the
    /// link check.
    #[inline(never)]
    fn image(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        range: Range<usize>,
    ) -> Event<'a> {
        let ctx = self.ctx;
        self.in_image += 1;
        self.image_break();
        let dest = if is_unsafe_url(&dest_url) {
            CowStr::from("")
        } else {
            dest_url
        };
        if !dest.is_empty() && !is_external(&dest, &ctx.site.config.base_url) {
            self.out.link_sources.push(LinkSource {
                url: String::from(&*dest),
                span: ctx.offset + range.start..ctx.offset + range.end,
            });
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url: dest,
            title,
            id,
        })
    }

    /// A link's end: its text's range in the prose block, and what closes it.
    #[inline(never)]
    fn link_end(&mut self, ev: Event<'a>) -> Option<Event<'a>> {
        let start = self.link_starts.pop().unwrap_or(0);
        if let Some(b) = self.block.as_mut()
            && start < b.text.len()
        {
            b.links.push(start..b.text.len());
        }
        match self.link_stack.pop() {
            Some(Close::Drop) => None,
            Some(Close::External) => Some(Event::Html(CowStr::Borrowed(self.external_end()))),
            _ => Some(ev),
        }
    }

    /// A link's start: `@/` links resolved, unsafe URLs dropped, external
    /// links marked, root-relative links put under the site's base path.
    #[inline(never)]
    fn link(
        &mut self,
        link_type: LinkType,
        dest_url: &str,
        title: CowStr<'a>,
        id: CowStr<'a>,
        range: Range<usize>,
    ) -> Option<Event<'a>> {
        let ctx = self.ctx;
        let dest = dest_url.trim();
        self.link_starts
            .push(self.block.as_ref().map_or(0, |b| b.text.len()));
        let span = ctx.offset + range.start..ctx.offset + range.end;
        let url: CowStr<'a> = if dest.starts_with("@/") {
            match links::find_link(ctx.site, dest) {
                Ok(f) => {
                    // The page's URL is borrowed from the site's link
                    // index; with a fragment, built once.
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
                    self.out.link_sources.push(LinkSource {
                        url: String::from(&*url),
                        span,
                    });
                    url
                }
                Err((msg, hint)) => {
                    self.out.diagnostics.push(
                        Diagnostic::error_at("broken-link", ctx.src, span, msg).with_hint(hint),
                    );
                    CowStr::Borrowed("#")
                }
            }
        } else if is_unsafe_url(dest) {
            self.link_stack.push(Close::Drop);
            return None;
        } else if is_external(dest, &ctx.site.config.base_url) {
            let title_attr = if title.is_empty() {
                String::new()
            } else {
                format!(" title=\"{}\"", escape_attr(&title))
            };
            self.link_stack.push(Close::External);
            return Some(Event::Html(
                format!(
                    "<a href=\"{}\"{title_attr} class=\"external\" rel=\"external\">",
                    escape_attr(dest)
                )
                .into(),
            ));
        } else {
            // A root-relative link is relative to the site, so it follows
            // the site when it is published under a sub-path.
            let base_path = self.base_path;
            let href =
                if dest.starts_with('/') && !dest.starts_with("//") && !dest.starts_with(base_path)
                {
                    format!("{base_path}{}", &dest[1..])
                } else {
                    dest.to_string()
                };
            self.out.link_sources.push(LinkSource {
                url: href.clone(),
                span,
            });
            href.into()
        };
        self.link_stack.push(Close::Plain);
        Some(Event::Start(Tag::Link {
            link_type,
            dest_url: url,
            title,
            id,
        }))
    }

    /// What ends an external link: its label for screen readers, then `</a>`.
    fn external_end(&self) -> &'a str {
        self.external_end.get_or_init(|| {
            format!(
                "<span class=\"visually-hidden\"> {}</span></a>",
                escape_text(&self.ctx.labels.external)
            )
        })
    }

    /// If the block quote just started begins with `[!DO]` or `[!DONT]`,
    /// say which, and how many of the events ahead are its marker paragraph.
    fn do_dont_marker(&mut self) -> Option<(bool, usize)> {
        if !(self.fill(0) && matches!(self.ahead[0].0, Event::Start(Tag::Paragraph))) {
            return None;
        }
        let mut text = String::new();
        let mut k = 1;
        while self.fill(k) {
            match &self.ahead[k].0 {
                Event::Text(t) => text.push_str(t),
                _ => break,
            }
            k += 1;
        }
        let marker = text.trim();
        let is_do = match marker.to_ascii_uppercase().as_str() {
            "[!DO]" => true,
            "[!DONT]" | "[!DON'T]" | "[!DON’T]" => false,
            _ => return None,
        };
        // Only a paragraph holding just the marker (the list follows it).
        match self.fill(k) && matches!(self.ahead[k].0, Event::End(TagEnd::Paragraph)) {
            true => Some((is_do, k + 1)),
            false => None,
        }
    }
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
    /// Room for `n` ids before the table grows.
    pub fn with_room(n: usize) -> Self {
        UniqueIds {
            ids: Vec::with_capacity(n),
            table: hashbrown::HashTable::with_capacity(n),
            next: FastMap::default(),
        }
    }

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

/// Whether `t` ends with something other than white space.
fn ends_in_word(t: &str) -> bool {
    t.as_bytes()
        .last()
        .is_some_and(|c| !c.is_ascii_whitespace())
}

/// End the prose block being built, keeping it if it holds any words.
fn flush_block(block: &mut Option<ProseBlock>, prose: &mut Vec<ProseBlock>) {
    if let Some(b) = block.take()
        && has_words(&b.text)
    {
        prose.push(b);
    }
}

/// Whether `t` is more than whitespace (`!t.trim().is_empty()`), at once
/// when it starts with a visible ASCII character, as nearly all text does.
fn has_words(t: &str) -> bool {
    t.as_bytes().first().is_some_and(u8::is_ascii_graphic) || !t.trim_start().is_empty()
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
    fn pages_render_alike_one_after_another() {
        // Pages rendered one after another on a thread come out as each
        // does alone.
        with_ctx(|ctx| {
            let long = "## Same\n\nText [x](/y) and [h](@/_index.md#top).\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |\n".repeat(40);
            let short = "> [!NOTE]\n> A *note*.\n";
            let first = render(&long, ctx).html;
            assert!(first.contains("<a href=\"/#top\">h</a>"), "{first}");
            let short_html = render(short, ctx).html;
            assert_eq!(render(&long, ctx).html, first);
            assert_eq!(render(short, ctx).html, short_html);
            assert!(short_html.contains("care-card--non-urgent"), "{short_html}");
        });
    }

    #[test]
    fn events_read_ahead_are_passed_on_once() {
        with_ctx(|ctx| {
            let md = "## A [link](@/_index.md) and `code`\n\n\
                      > ## Quoted [x](https://example.org)\n\n\
                      > [!DO]\n> - one two\n\n\
                      > [!DO] not a marker\n\n\
                      > [!DONT]\n";
            let r = render(md, ctx);
            assert_eq!(
                r.html,
                "<h2 id=\"a-link-and-code\">A <a href=\"/\">link</a> and <code>code</code></h2>\n\
                 <blockquote>\n<h2 id=\"quoted-x\">Quoted <a href=\"https://example.org\" \
                 class=\"external\" rel=\"external\">x<span class=\"visually-hidden\"> \
                 (external site)</span></a></h2>\n</blockquote>\n\
                 <div class=\"do-list\"><p class=\"do-list__label\">Do</p>\n<ul>\n<li>one two</li>\n</ul>\n</div>\n\
                 <blockquote>\n<p>[!DO] not a marker</p>\n</blockquote>\n\
                 <div class=\"dont-list\"><p class=\"dont-list__label\">Don't</p>\n</div>\n"
            );
            assert_eq!(r.heading_ids, ["a-link-and-code", "quoted-x"]);
            // Each piece of text once: headings' words too, though read
            // ahead; the rest is in prose blocks.
            assert_eq!(r.rest, "A link and .\nQuoted x.\n");
            // Counted piece by piece, as the parser splits the text (`[`, `!DO`, `]`, ...).
            assert_eq!(r.word_count, 13);
            let prose: Vec<&str> = r.prose.iter().map(|b| b.text.as_str()).collect();
            assert_eq!(prose, ["one two", "[!DO] not a marker"]);
            assert_eq!(r.link_sources.len(), 1);
        });
    }

    #[test]
    fn words_of_separate_blocks_stay_apart() {
        with_ctx(|ctx| {
            // A nested list starts right after its outer item's text, an
            // image's alt text sits between words with no space around it,
            // and a table comes between two parts of a list item.
            let md = "- outer\n  - inner\n\nSee![alt text](/x.png)after.\n\n\
                      - item\n  ```\n  code\n  ```\n  tail\n\n\
                      - before\n\n  | a | b |\n  |---|---|\n  | c | d |\n\n  after\n\n\
                      # Heading\n";
            let r = render(md, ctx);
            assert_eq!(r.rest, "alt text a\nb\nc\nd\nHeading.\n");
            let prose: Vec<&str> = r.prose.iter().map(|b| b.text.as_str()).collect();
            assert_eq!(
                prose,
                [
                    "outer",
                    "inner",
                    "See after.",
                    "item",
                    "tail",
                    "before",
                    "after"
                ]
            );
        });
    }

    /// Calls `f` with a context for rendering on a minimal compiled site.
    fn with_ctx(f: impl FnOnce(&Ctx)) {
        let (_dir, c) = crate::check::testutil::compile_files(&[]);
        let labels = Labels::default();
        f(&Ctx {
            site: &c.site,
            labels: &labels,
            src: &c.site.pages[0].src,
            offset: 0,
        });
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
