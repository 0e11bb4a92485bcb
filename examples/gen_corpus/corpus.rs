//! A seeded, deterministic synthetic hub in carehub's own format, for the
//! benchmark (`scripts/bench.sh`) and the smoke test (`tests/bench_smoke.rs`).
//!
//! The shape follows issue 8: N articles (median about 1,150 words, with
//! headings, lists, `@/` links, a table in one in five and some care cards),
//! N/5 providers, 42 services, 10 conditions and a `site.toml`. The same
//! `(articles, seed)` always gives the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub articles: usize,
    pub providers: usize,
    pub seed: u64,
}

impl Spec {
    /// The issue's shape: `articles` articles and a fifth as many providers.
    pub fn new(articles: usize, seed: u64) -> Spec {
        Spec {
            articles,
            providers: (articles / 5).max(1),
            seed,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub articles: usize,
    pub providers: usize,
    pub services: usize,
    pub conditions: usize,
    /// Section pages (`_index.md`), the home page included.
    pub sections: usize,
    /// Bytes of markdown written (front matter and body).
    pub markdown_bytes: usize,
    /// Words in article bodies, in article order.
    pub article_words: Vec<usize>,
    /// Site paths of every markdown page and provider (`topic-03/some-title-12/`).
    pub page_paths: Vec<String>,
}

/// The number of conditions every corpus has.
pub const CONDITIONS: usize = 10;

/// Write the hub into `out` (which should be empty or absent).
pub fn generate(out: &Path, spec: &Spec) -> io::Result<Summary> {
    let content = out.join("content");
    for d in ["services", "conditions", "providers"] {
        fs::create_dir_all(content.join(d))?;
    }
    let topics = topic_count(spec.articles);
    for t in 0..topics {
        fs::create_dir_all(content.join(topic_dir(t)))?;
    }
    let mut sum = Summary {
        services: SERVICES.len(),
        conditions: CONDITIONS,
        ..Summary::default()
    };
    let write = |rel: String, text: String, sum: &mut Summary| -> io::Result<()> {
        sum.markdown_bytes += if rel.ends_with(".md") { text.len() } else { 0 };
        fs::write(content.join(&rel), text)
    };

    fs::write(out.join("site.toml"), site_toml())?;
    write("_index.md".into(), home_page(spec, topics), &mut sum)?;
    sum.sections += 1;
    sum.page_paths.push(String::new());
    for (rel, title, desc) in [
        (
            "services/_index.md",
            "Services",
            "Every kind of help, what it offers and who provides it.",
        ),
        (
            "conditions/_index.md",
            "Conditions",
            "How care helps with different illnesses.",
        ),
        (
            "providers/_index.md",
            "Care providers",
            "Every provider in this made-up example hub.",
        ),
    ] {
        let mut rng = Rng::new(spec.seed, 1, rel.len() as u64);
        let body = paragraphs(&mut rng, 2, spec);
        write(
            rel.into(),
            front_matter(&mut rng, title, desc, &[], &[], &[], 0) + &body,
            &mut sum,
        )?;
        sum.sections += 1;
        sum.page_paths
            .push(rel.trim_end_matches("_index.md").into());
    }
    {
        // The default theme's footer links to /about/.
        let mut rng = Rng::new(spec.seed, 5, 0);
        let body = paragraphs(&mut rng, 3, spec);
        let fm = front_matter(
            &mut rng,
            "About this hub",
            "Who made this hub and why.",
            &[],
            &[],
            &[],
            1000,
        );
        write("about.md".into(), fm + &body, &mut sum)?;
        sum.page_paths.push("about/".into());
    }
    for t in 0..topics {
        let mut rng = Rng::new(spec.seed, 2, t as u64);
        let title = format!("{} {}", cap(TOPICS[t % TOPICS.len()]), t + 1);
        let body = paragraphs(&mut rng, 2, spec);
        let fm = front_matter(
            &mut rng,
            &title,
            "Articles on this topic.",
            &[],
            &[],
            &[],
            t as i64,
        );
        write(format!("{}/_index.md", topic_dir(t)), fm + &body, &mut sum)?;
        sum.sections += 1;
        sum.page_paths.push(format!("{}/", topic_dir(t)));
    }
    for (i, (id, name)) in SERVICES.iter().enumerate() {
        let mut rng = Rng::new(spec.seed, 3, i as u64);
        let conds = pick(&mut rng, CONDITION_IDS, 0, 3);
        let desc = format!(
            "What {} is, who it is for and how to get it.",
            name.to_lowercase()
        );
        let fm = front_matter(&mut rng, name, &desc, &[], &conds, &[], i as i64);
        let body = service_body(&mut rng, spec);
        write(format!("services/{id}.md"), fm + &body, &mut sum)?;
        sum.page_paths.push(format!("services/{id}/"));
    }
    for (i, (id, name)) in CONDITION_IDS.iter().zip(CONDITION_NAMES).enumerate() {
        let mut rng = Rng::new(spec.seed, 4, i as u64);
        let services = pick(&mut rng, SERVICE_IDS_ALL, 2, 5);
        let desc = format!(
            "How care can help people living with {}.",
            name.to_lowercase()
        );
        let fm = front_matter(&mut rng, name, &desc, &services, &[], &[], i as i64);
        let body = service_body(&mut rng, spec);
        write(format!("conditions/{id}.md"), fm + &body, &mut sum)?;
        sum.page_paths.push(format!("conditions/{id}/"));
    }

    // Articles and providers are most of the work: write them in parallel.
    use rayon::prelude::*;
    let articles: Vec<io::Result<(usize, usize, String)>> = (0..spec.articles)
        .into_par_iter()
        .map(|j| {
            let plan = plan(spec, j);
            let (text, words) = article(spec, j, &plan);
            let rel = format!("{}/{}.md", topic_dir(plan.topic), plan.slug);
            fs::write(content.join(&rel), &text)?;
            Ok((
                text.len(),
                words,
                format!("{}/{}/", topic_dir(plan.topic), plan.slug),
            ))
        })
        .collect();
    for a in articles {
        let (bytes, words, path) = a?;
        sum.markdown_bytes += bytes;
        sum.article_words.push(words);
        sum.page_paths.push(path);
        sum.articles += 1;
    }
    let providers: Vec<io::Result<String>> = (0..spec.providers)
        .into_par_iter()
        .map(|k| {
            let id = provider_id(spec, k);
            fs::write(
                content.join(format!("providers/{id}.toml")),
                provider(spec, k),
            )?;
            Ok(format!("providers/{id}/"))
        })
        .collect();
    for p in providers {
        sum.page_paths.push(p?);
        sum.providers += 1;
    }
    Ok(sum)
}

/// Topic sections: about one per hundred articles, at least one, at most fifty.
fn topic_count(articles: usize) -> usize {
    articles.div_ceil(100).clamp(1, 50)
}

fn topic_dir(t: usize) -> String {
    format!("{}-{}", TOPICS[t % TOPICS.len()].replace(' ', "-"), t + 1)
}

/// A small, fast, seedable generator (SplitMix64). Not for cryptography.
pub struct Rng(u64);

impl Rng {
    /// A stream for one item: the seed, what kind of item and its index.
    pub fn new(seed: u64, stream: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.0 ^= index.wrapping_mul(0xD1B5_4A32_D192_ED03);
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    /// True with probability `num/den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next() % den < num
    }

    pub fn one<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() - 1)]
    }

    /// Roughly normal, mean 0 and standard deviation 1 (Irwin-Hall of 12 uniforms).
    pub fn normal(&mut self) -> f64 {
        (0..12)
            .map(|_| (self.next() >> 11) as f64 / (1u64 << 53) as f64)
            .sum::<f64>()
            - 6.0
    }
}

/// Between `lo` and `hi` distinct items of `from`, in `from`'s order.
fn pick(rng: &mut Rng, from: &[&str], lo: usize, hi: usize) -> Vec<String> {
    let n = rng.range(lo, hi.min(from.len()));
    let mut idx: Vec<usize> = Vec::with_capacity(n);
    while idx.len() < n {
        let i = rng.range(0, from.len() - 1);
        if !idx.contains(&i) {
            idx.push(i);
        }
    }
    idx.sort_unstable();
    idx.into_iter().map(|i| from[i].to_string()).collect()
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The heading-id slug carehub gives plain lower-case words.
fn slug(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

fn date(rng: &mut Rng, year: i32) -> (i32, u32, u32) {
    (year, rng.range(1, 10) as u32, rng.range(1, 28) as u32)
}

fn fmt_date((y, m, d): (i32, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

fn site_toml() -> String {
    r#"# A synthetic hub made by examples/gen_corpus for benchmarks. Not real information.
title = "Synthetic Care Hub"
description = "A made-up hub for measuring carehub's build speed."
base_url = "https://bench.example.org/"
language = "en-GB"

[[nav]]
title = "Services"
url = "@/services/_index.md"

[[nav]]
title = "Conditions"
url = "@/conditions/_index.md"

[[nav]]
title = "Find a service"
url = "/find-a-service/"

[[nav]]
title = "Providers"
url = "@/providers/_index.md"

[urgent]
title = "Need help now?"
text = "If someone's life is at risk, call **999**. For urgent advice, call **NHS 111** or go to [111.nhs.uk](https://111.nhs.uk/)."

[contact]
organisation = "Synthetic Hub (an illustrative example)"
email = "hello@example.org"
phone = "01632 960000"
text = "This is generated test content. It does not give medical advice."

[review]
max_months = 36
due_soon_days = 90
"#
    .to_string()
}

fn front_matter(
    rng: &mut Rng,
    title: &str,
    description: &str,
    services: &[String],
    conditions: &[String],
    providers: &[String],
    weight: i64,
) -> String {
    let created = date(rng, 2025);
    let reviewed = date(rng, 2026);
    let next = (reviewed.0 + 2, reviewed.1, reviewed.2);
    let mut s = String::with_capacity(1024);
    let list = |v: &[String]| {
        v.iter()
            .map(|x| format!("\"{x}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = write!(
        s,
        "+++\ntitle = \"{title}\"\ndescription = \"{description}\"\ndate = {}\nupdated = {}\nlast_reviewed = {}\nnext_review = {}\nreviewed_by = \"{}\"\nauthor = \"Synthetic hub editorial team\"\nweight = {weight}\nservices = [{}]\nconditions = [{}]\n",
        fmt_date(created),
        fmt_date(reviewed),
        fmt_date(reviewed),
        fmt_date(next),
        rng.one(REVIEWERS),
        list(services),
        list(conditions),
    );
    if !providers.is_empty() {
        let _ = writeln!(s, "providers = [{}]", list(providers));
    }
    let n_sources = rng.range(1, 3);
    let mut chosen: Vec<usize> = Vec::with_capacity(n_sources);
    while chosen.len() < n_sources {
        let i = rng.range(0, SOURCES.len() - 1);
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    for i in chosen {
        let (t, url, publisher) = SOURCES[i];
        let _ = write!(
            s,
            "\n[[sources]]\ntitle = \"{t}\"\nurl = \"{url}\"\npublisher = \"{publisher}\"\naccessed = {}\n",
            fmt_date(date(rng, 2026))
        );
    }
    s.push_str("+++\n\n");
    s
}

fn home_page(spec: &Spec, topics: usize) -> String {
    let mut rng = Rng::new(spec.seed, 0, 0);
    let mut s = front_matter(
        &mut rng,
        "Synthetic Care Hub",
        "A made-up hub for benchmarks.",
        &[],
        &[],
        &[],
        0,
    );
    s.push_str("Welcome to a generated hub. Start with a topic:\n\n");
    for t in 0..topics {
        let _ = writeln!(
            s,
            "- [{}](@/{}/_index.md)",
            cap(TOPICS[t % TOPICS.len()]),
            topic_dir(t)
        );
    }
    s.push_str("\nOr see [every service](@/services/_index.md).\n");
    s
}

/// What other pages need to know about article `j` to link to it.
pub struct Plan {
    pub topic: usize,
    pub slug: String,
    pub title: String,
    /// The h2 headings, all distinct.
    pub headings: Vec<&'static str>,
}

/// Article `j`'s title, place and headings, from its own stream so that
/// links from other articles can name it without generating it.
pub fn plan(spec: &Spec, j: usize) -> Plan {
    let mut rng = Rng::new(spec.seed, 10, j as u64);
    let topics = topic_count(spec.articles);
    let topic = rng.range(0, topics - 1);
    let title = format!(
        "{} {} {}",
        rng.one(TITLE_START),
        rng.one(TITLE_MIDDLE),
        rng.one(TITLE_END)
    );
    let slug = format!("{}-{}", slug(&title), j + 1);
    let n = rng.range(5, 9);
    let mut headings: Vec<&'static str> = Vec::with_capacity(n);
    while headings.len() < n {
        let h = rng.one(HEADINGS);
        if !headings.contains(&h) {
            headings.push(h);
        }
    }
    Plan {
        topic,
        slug,
        title,
        headings,
    }
}

fn article_link(spec: &Spec, rng: &mut Rng, from: usize) -> String {
    let mut k = rng.range(0, spec.articles - 1);
    if k == from && spec.articles > 1 {
        k = (k + 1) % spec.articles;
    }
    let p = plan(spec, k);
    let frag = if rng.chance(1, 3) {
        format!("#{}", slug(rng.one(&p.headings)))
    } else {
        String::new()
    };
    format!(
        "[{}](@/{}/{}.md{frag})",
        p.title.to_lowercase(),
        topic_dir(p.topic),
        p.slug
    )
}

fn service_link(rng: &mut Rng) -> String {
    let (id, name) = rng.one(SERVICES);
    format!("[{}](@/services/{id}.md)", name.to_lowercase())
}

fn provider_id(spec: &Spec, k: usize) -> String {
    let mut rng = Rng::new(spec.seed, 20, k as u64);
    let place = rng.one(PLACES);
    let (_, noun) = rng.one(PROVIDER_KINDS);
    format!("{}-{}-{}", slug(place), slug(noun), k + 1)
}

fn provider_link(spec: &Spec, rng: &mut Rng) -> String {
    let k = rng.range(0, spec.providers - 1);
    format!("[this provider](@/providers/{}.toml)", provider_id(spec, k))
}

/// A sentence of 5 to 12 words, maybe with a link or some bold text.
fn sentence(rng: &mut Rng, spec: &Spec, from: usize, links: bool, words: &mut usize) -> String {
    let n = rng.range(5, 12);
    let mut s = String::with_capacity(n * 8);
    for w in 0..n {
        if w > 0 {
            s.push(' ');
        }
        let word = rng.one(WORDS);
        if w == 0 {
            s.push_str(&cap(word));
        } else if rng.chance(1, 60) {
            let _ = write!(s, "**{word}**");
        } else {
            s.push_str(word);
        }
    }
    *words += n;
    if links && rng.chance(1, 9) {
        let link = match rng.range(0, 9) {
            0..=4 => article_link(spec, rng, from),
            5..=7 => service_link(rng),
            8 if spec.providers > 0 => provider_link(spec, rng),
            _ => "[NHS 111](https://111.nhs.uk/)".to_string(),
        };
        *words += link.split_whitespace().count();
        let _ = write!(s, ", see {link}");
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng, spec: &Spec, from: usize, words: &mut usize) -> String {
    let n = rng.range(2, 6);
    let mut p = String::new();
    for i in 0..n {
        if i > 0 {
            p.push(' ');
        }
        p.push_str(&sentence(rng, spec, from, true, words));
    }
    p.push_str("\n\n");
    p
}

fn paragraphs(rng: &mut Rng, n: usize, spec: &Spec) -> String {
    let mut words = 0;
    (0..n)
        .map(|_| paragraph(rng, spec, usize::MAX, &mut words))
        .collect()
}

fn list(rng: &mut Rng, words: &mut usize) -> String {
    let ordered = rng.chance(1, 3);
    let mut s = String::new();
    for i in 0..rng.range(3, 7) {
        let mut item = String::new();
        for w in 0..rng.range(3, 10) {
            if w > 0 {
                item.push(' ');
            }
            item.push_str(rng.one(WORDS));
            *words += 1;
        }
        if rng.chance(1, 12) {
            item.push_str(&format!(" ({})", service_link(rng)));
        }
        let _ = if ordered {
            writeln!(s, "{}. {}", i + 1, cap(&item))
        } else {
            writeln!(s, "- {}", cap(&item))
        };
    }
    s.push('\n');
    s
}

fn table(rng: &mut Rng, words: &mut usize) -> String {
    let cols = rng.range(2, 4);
    let mut s = String::new();
    let header: Vec<String> = (0..cols).map(|_| cap(rng.one(WORDS))).collect();
    let _ = writeln!(s, "| {} |", header.join(" | "));
    let _ = writeln!(s, "|{}", "---|".repeat(cols));
    for _ in 0..rng.range(3, 8) {
        let row: Vec<String> = (0..cols)
            .map(|_| {
                let n = rng.range(1, 4);
                *words += n;
                (0..n).map(|_| rng.one(WORDS)).collect::<Vec<_>>().join(" ")
            })
            .collect();
        let _ = writeln!(s, "| {} |", row.join(" | "));
    }
    s.push('\n');
    s
}

fn care_card(rng: &mut Rng, spec: &Spec, from: usize, words: &mut usize) -> String {
    let kind = rng.one(&["NOTE", "WARNING", "TIP", "CAUTION", "IMPORTANT"]);
    let text = sentence(rng, spec, from, false, words);
    format!("> [!{kind}]\n> {text}\n\n")
}

/// Article `j`: its text and the number of words in its body.
pub fn article(spec: &Spec, j: usize, plan: &Plan) -> (String, usize) {
    let mut rng = Rng::new(spec.seed, 11, j as u64);
    let target = (1080.0 * (0.35 * rng.normal()).exp()).clamp(300.0, 5000.0) as usize;
    let services = pick(&mut rng, SERVICE_IDS_ALL, 1, 4);
    let conditions = pick(&mut rng, CONDITION_IDS, 0, 2);
    let providers: Vec<String> = if spec.providers > 0 && rng.chance(3, 10) {
        let mut v: Vec<String> = (0..rng.range(1, 2))
            .map(|_| provider_id(spec, rng.range(0, spec.providers - 1)))
            .collect();
        v.sort();
        v.dedup();
        v
    } else {
        Vec::new()
    };
    let desc = format!(
        "{} {}.",
        cap(rng.one(TITLE_MIDDLE)),
        (0..8).map(|_| rng.one(WORDS)).collect::<Vec<_>>().join(" ")
    );
    let mut s = front_matter(
        &mut rng,
        &plan.title,
        &desc,
        &services,
        &conditions,
        &providers,
        j as i64,
    );
    let mut words = 0;
    let has_table = j.is_multiple_of(5);
    s.push_str(&paragraph(&mut rng, spec, j, &mut words));
    if rng.chance(1, 3) {
        s.push_str(&care_card(&mut rng, spec, j, &mut words));
    }
    let per_section = target / plan.headings.len().max(1);
    for (h, heading) in plan.headings.iter().enumerate() {
        let _ = write!(s, "## {}\n\n", cap(heading));
        // Stop early rather than overshoot: a block adds about 40 words.
        let stop = words + per_section;
        let mut sub = 0;
        while words + 20 < stop {
            match rng.range(0, 9) {
                0..=5 => s.push_str(&paragraph(&mut rng, spec, j, &mut words)),
                6 | 7 => s.push_str(&list(&mut rng, &mut words)),
                8 if rng.chance(1, 3) => s.push_str(&care_card(&mut rng, spec, j, &mut words)),
                _ if sub < 2 && words + 60 < stop => {
                    sub += 1;
                    let _ = write!(s, "### {} {}\n\n", cap(rng.one(TITLE_MIDDLE)), sub);
                    s.push_str(&paragraph(&mut rng, spec, j, &mut words));
                }
                _ => s.push_str(&paragraph(&mut rng, spec, j, &mut words)),
            }
        }
        if has_table && h == 1 {
            s.push_str(&table(&mut rng, &mut words));
        }
    }
    (s, words)
}

fn service_body(rng: &mut Rng, spec: &Spec) -> String {
    let mut words = 0;
    let mut s = paragraph(rng, spec, usize::MAX, &mut words);
    for h in ["Who it is for", "What happens", "How to get it"] {
        let _ = write!(s, "## {h}\n\n");
        s.push_str(&paragraph(rng, spec, usize::MAX, &mut words));
        if rng.chance(1, 2) {
            s.push_str(&list(rng, &mut words));
        }
    }
    s
}

/// Provider `k` as a TOML file, valid by carehub's provider rules.
pub fn provider(spec: &Spec, k: usize) -> String {
    let mut rng = Rng::new(spec.seed, 21, k as u64);
    let id = provider_id(spec, k);
    let mut name_rng = Rng::new(spec.seed, 20, k as u64);
    let place = name_rng.one(PLACES);
    let (kind, noun) = name_rng.one(PROVIDER_KINDS);
    let list = |v: &[String]| {
        v.iter()
            .map(|x| format!("\"{x}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let services = pick(&mut rng, SERVICE_IDS_ALL, 2, 8);
    let conditions = pick(&mut rng, CONDITION_IDS, 1, 5);
    let settings = pick(&mut rng, SETTINGS, 1, 3);
    let routes = pick(&mut rng, ROUTES, 1, 3);
    let funding = pick(&mut rng, FUNDING, 1, 2);
    let districts: Vec<String> = pick(&mut rng, DISTRICTS, 1, 6);
    let phone = 960_000 + (k * 7) % 1000;
    let mut s = String::with_capacity(2048);
    let _ = write!(
        s,
        "name = \"{place} {noun} {n}\"\nkind = \"{kind}\"\nsummary = \"{summary}\"\nillustrative = true\nverified = {verified}\nservices = [{services}]\nconditions = [{conditions}]\nsettings = [{settings}]\nphone = \"01632 {p1} {p2:03}\"\n",
        n = k + 1,
        summary = cap(&(0..rng.range(12, 24))
            .map(|_| rng.one(WORDS))
            .collect::<Vec<_>>()
            .join(" "))
            + ".",
        verified = fmt_date(date(&mut rng, 2026)),
        services = list(&services),
        conditions = list(&conditions),
        settings = list(&settings),
        p1 = phone / 1000,
        p2 = phone % 1000,
    );
    if rng.chance(1, 2) {
        let ooh = 960_000 + (k * 7 + 3) % 1000;
        let _ = writeln!(
            s,
            "out_of_hours_phone = \"01632 {}{:03}\"",
            ooh / 1000,
            ooh % 1000
        );
    }
    let _ = write!(
        s,
        "email = \"{id}@example.org\"\nwebsite = \"https://example.org/{id}/\"\nareas_served = [{}]\nlanguages = [\"English\"{}]\naccessibility = \"Step-free entrance and a hearing loop.\"\n",
        list(&districts),
        if rng.chance(1, 3) { ", \"Polish\"" } else { "" },
    );
    let district = &districts[0];
    let _ = write!(
        s,
        "\n[address]\nlines = [\"{} {} Road\"]\ntown = \"Milton Keynes\"\npostcode = \"{district} {}{}{}\"\n",
        rng.range(1, 200),
        place,
        rng.range(1, 9),
        rng.one(&["A", "B", "D", "E", "F", "G", "H", "J"]),
        rng.one(&["Q", "X", "Z"]),
    );
    s.push_str("\n[opening_hours]\n");
    if kind == "hospice" || rng.chance(1, 5) {
        s.push_str("open_24_hours = true\n");
    } else {
        for d in ["monday", "tuesday", "wednesday", "thursday", "friday"] {
            let _ = writeln!(s, "{d} = \"9am to 5pm\"");
        }
    }
    let _ = write!(
        s,
        "\n[referral]\nroutes = [{}]\nhow = \"Ask your GP or nurse to refer you.\"\nhave_ready = [\"NHS number\", \"List of current medicines\"]\n",
        list(&routes)
    );
    let _ = write!(
        s,
        "\n[funding]\ntypes = [{}]\ncost_notes = \"Free to patients and families.\"\n",
        list(&funding)
    );
    if !rng.chance(1, 10) {
        let rating = rng.one(RATINGS);
        let _ = write!(
            s,
            "\n[cqc]\nlocation_id = \"1-{:010}\"\nrating = \"{rating}\"\nrated = {}\n",
            1_000_000_000 + k as u64,
            fmt_date(date(&mut rng, 2026)),
        );
        for q in ["safe", "effective", "caring", "responsive", "well_led"] {
            if rng.chance(4, 5) {
                let _ = writeln!(s, "{q} = \"{}\"", rng.one(&RATINGS[..4]));
            }
        }
    }
    s
}

const SETTINGS: &[&str] = &["home", "hospice", "hospital", "community", "day"];
const ROUTES: &[&str] = &["gp", "specialist", "self", "hospital"];
const FUNDING: &[&str] = &["nhs", "charity", "private"];
const RATINGS: &[&str] = &[
    "Outstanding",
    "Good",
    "Requires improvement",
    "Inadequate",
    "Not yet rated",
];
const DISTRICTS: &[&str] = &[
    "MK1", "MK2", "MK3", "MK4", "MK5", "MK6", "MK7", "MK8", "MK9", "MK10", "MK11", "MK12", "MK13",
    "MK14", "MK15", "MK16", "MK17", "MK19",
];

/// The 42 services: id and name.
pub const SERVICES: &[(&str, &str)] = &[
    ("pain-and-symptom-management", "Pain and symptom management"),
    (
        "counselling-and-emotional-support",
        "Counselling and emotional support",
    ),
    ("short-breaks", "Short breaks for carers"),
    ("bereavement-support", "Bereavement support"),
    ("spiritual-care", "Spiritual care"),
    ("nutritional-support", "Nutritional support"),
    ("hospice-inpatient-care", "Hospice inpatient care"),
    ("hospice-at-home", "Hospice at home"),
    ("day-services", "Day services"),
    ("advice-line-24-hour", "24-hour advice line"),
    ("community-nursing", "Community nursing"),
    ("complementary-therapies", "Complementary therapies"),
    ("occupational-therapy", "Occupational therapy"),
    ("physiotherapy", "Physiotherapy"),
    ("breathlessness-clinic", "Breathlessness clinic"),
    ("lymphoedema-service", "Lymphoedema service"),
    ("wound-care", "Wound care"),
    ("continence-support", "Continence support"),
    ("medicines-advice", "Medicines advice"),
    ("advance-care-planning", "Advance care planning"),
    ("carers-support", "Support for carers"),
    ("childrens-bereavement", "Children's bereavement support"),
    ("music-therapy", "Music therapy"),
    ("art-therapy", "Art therapy"),
    ("chaplaincy", "Chaplaincy"),
    ("welfare-benefits-advice", "Welfare benefits advice"),
    ("equipment-loans", "Equipment loans"),
    ("night-sitting", "Night sitting"),
    ("rapid-response", "Rapid response team"),
    ("outpatient-clinic", "Outpatient clinic"),
    ("dementia-support", "Dementia support"),
    ("heart-failure-nursing", "Heart failure nursing"),
    ("respiratory-nursing", "Respiratory nursing"),
    ("neurological-support", "Neurological support"),
    ("psychological-support", "Psychological support"),
    ("social-work", "Social work"),
    ("volunteer-befriending", "Volunteer befriending"),
    ("transport-help", "Help with transport"),
    ("wellbeing-groups", "Wellbeing groups"),
    ("fatigue-management", "Fatigue management"),
    ("speech-and-language-therapy", "Speech and language therapy"),
    ("end-of-life-doula", "End of life doula"),
];

const SERVICE_IDS_ALL: &[&str] = &[
    "pain-and-symptom-management",
    "counselling-and-emotional-support",
    "short-breaks",
    "bereavement-support",
    "spiritual-care",
    "nutritional-support",
    "hospice-inpatient-care",
    "hospice-at-home",
    "day-services",
    "advice-line-24-hour",
    "community-nursing",
    "complementary-therapies",
    "occupational-therapy",
    "physiotherapy",
    "breathlessness-clinic",
    "lymphoedema-service",
    "wound-care",
    "continence-support",
    "medicines-advice",
    "advance-care-planning",
    "carers-support",
    "childrens-bereavement",
    "music-therapy",
    "art-therapy",
    "chaplaincy",
    "welfare-benefits-advice",
    "equipment-loans",
    "night-sitting",
    "rapid-response",
    "outpatient-clinic",
    "dementia-support",
    "heart-failure-nursing",
    "respiratory-nursing",
    "neurological-support",
    "psychological-support",
    "social-work",
    "volunteer-befriending",
    "transport-help",
    "wellbeing-groups",
    "fatigue-management",
    "speech-and-language-therapy",
    "end-of-life-doula",
];

const CONDITION_IDS: &[&str] = &[
    "cancer",
    "heart-failure",
    "copd",
    "dementia",
    "motor-neurone-disease",
    "kidney-failure",
    "liver-disease",
    "parkinsons",
    "multiple-sclerosis",
    "frailty",
];
const CONDITION_NAMES: &[&str] = &[
    "Cancer",
    "Heart failure",
    "COPD",
    "Dementia",
    "Motor neurone disease",
    "Kidney failure",
    "Liver disease",
    "Parkinson's",
    "Multiple sclerosis",
    "Frailty",
];

const TOPICS: &[&str] = &[
    "living well",
    "symptoms",
    "care at home",
    "families",
    "planning ahead",
    "money",
    "hospice care",
    "hospital care",
    "after a death",
    "emotional support",
];

const REVIEWERS: &[&str] = &[
    "Dr A. Example, care consultant (illustrative reviewer)",
    "B. Example, community nurse specialist (illustrative reviewer)",
    "C. Example, hospice family support lead (illustrative reviewer)",
];

const SOURCES: &[(&str, &str, &str)] = &[
    (
        "End of life care",
        "https://www.nhs.uk/conditions/end-of-life-care/",
        "NHS",
    ),
    (
        "What is hospice care?",
        "https://www.hospiceuk.org/information-and-support/what-is-hospice-care",
        "Hospice UK",
    ),
    (
        "Carer breaks",
        "https://www.nhs.uk/conditions/social-care-and-support-guide/support-and-benefits-for-carers/carer-breaks-and-respite-care/",
        "NHS",
    ),
    (
        "Care near the end of life",
        "https://www.mariecurie.org.uk/help/support/diagnosed/recent-diagnosis/palliative-care-end-of-life-care",
        "Marie Curie",
    ),
    (
        "NHS continuing healthcare",
        "https://www.nhs.uk/conditions/social-care-and-support-guide/money-work-and-benefits/nhs-continuing-healthcare/",
        "NHS",
    ),
];

const TITLE_START: &[&str] = &[
    "Help with",
    "Understanding",
    "Living with",
    "Coping with",
    "Getting",
    "Questions about",
    "Planning for",
    "Talking about",
];
const TITLE_MIDDLE: &[&str] = &[
    "pain",
    "breathlessness",
    "tiredness",
    "eating and drinking",
    "sleep",
    "worry",
    "medicines",
    "care at night",
    "equipment",
    "visits",
    "money",
    "work",
    "family life",
    "being a carer",
    "feeling sick",
    "moving around",
];
const TITLE_END: &[&str] = &[
    "at home",
    "in hospital",
    "in a hospice",
    "for carers",
    "for families",
    "as things change",
    "in the last weeks",
    "day to day",
];

const HEADINGS: &[&str] = &[
    "what it is",
    "who can help",
    "what to expect",
    "how to get help",
    "questions to ask",
    "at home",
    "in hospital",
    "in a hospice",
    "for carers",
    "for children",
    "medicines",
    "eating and drinking",
    "sleep",
    "feelings",
    "money and benefits",
    "equipment",
    "planning ahead",
    "when to call for help",
    "out of hours",
    "getting a referral",
    "what it costs",
    "your rights",
    "talking to your family",
    "looking after yourself",
    "more information",
    "in an emergency",
    "day to day",
    "changes to look out for",
    "who to contact",
    "living well",
];

const PLACES: &[&str] = &[
    "Ouzel",
    "Bradwell",
    "Loughton",
    "Shenley",
    "Wolverton",
    "Stony",
    "Newport",
    "Olney",
    "Woburn",
    "Bletchley",
    "Fenny",
    "Walton",
    "Kents Hill",
    "Willen",
    "Campbell",
    "Linford",
    "Heelands",
    "Oldbrook",
    "Furzton",
    "Emerson",
    "Tattenhoe",
    "Woughton",
    "Netherfield",
    "Coffee Hall",
];
/// Provider kinds (as carehub's vocabulary has them) and a name for each.
const PROVIDER_KINDS: &[(&str, &str)] = &[
    ("hospice", "Hospice"),
    ("hospital-team", "Hospital Care Team"),
    ("community-team", "Community Nursing Team"),
    ("home-care", "Home Care"),
    ("charity", "Support Centre"),
    ("gp-service", "Health Centre"),
    ("care-home", "Care Home"),
];
/// Plain words of one or two syllables, so the text passes carehub's
/// reading-age and plain-language checks like a real hub's would.
const WORDS: &[&str] = &[
    "you",
    "your",
    "care",
    "help",
    "nurse",
    "doctor",
    "home",
    "pain",
    "team",
    "can",
    "will",
    "may",
    "ask",
    "talk",
    "about",
    "with",
    "the",
    "a",
    "and",
    "to",
    "of",
    "for",
    "in",
    "on",
    "at",
    "is",
    "are",
    "be",
    "it",
    "this",
    "that",
    "they",
    "we",
    "our",
    "who",
    "what",
    "when",
    "how",
    "some",
    "many",
    "most",
    "people",
    "person",
    "carer",
    "carers",
    "support",
    "service",
    "hospice",
    "day",
    "night",
    "week",
    "time",
    "feel",
    "feelings",
    "tired",
    "symptoms",
    "safe",
    "plan",
    "plans",
    "wishes",
    "choices",
    "visit",
    "visits",
    "phone",
    "call",
    "free",
    "cost",
    "money",
    "forms",
    "letter",
    "GP",
    "referral",
    "clinic",
    "local",
    "near",
    "friends",
    "children",
    "partner",
    "mum",
    "dad",
    "brother",
    "sister",
    "alone",
    "often",
    "sometimes",
    "always",
    "never",
    "quickly",
    "slowly",
    "gently",
    "each",
    "other",
    "more",
    "less",
    "better",
    "worse",
    "change",
    "changes",
    "eat",
    "drink",
    "sleep",
    "rest",
    "walk",
    "sit",
    "bed",
    "chair",
    "room",
    "kitchen",
    "bathroom",
    "stairs",
    "hoist",
    "wheelchair",
    "breathing",
    "breathless",
    "sick",
    "mouth",
    "skin",
    "pressure",
    "sore",
    "wound",
    "bladder",
    "bowel",
    "weight",
    "water",
    "food",
    "meals",
    "small",
    "soft",
    "warm",
    "cool",
    "quiet",
    "calm",
    "worry",
    "worried",
    "anxious",
    "sad",
    "angry",
    "grief",
    "loss",
    "stories",
    "music",
    "faith",
    "beliefs",
    "chaplain",
    "listen",
    "share",
    "write",
    "read",
    "know",
    "learn",
    "explain",
    "questions",
    "answers",
    "leaflet",
    "website",
    "record",
    "notes",
    "list",
    "number",
    "name",
    "address",
    "date",
    "future",
    "today",
    "soon",
    "later",
    "before",
    "after",
    "during",
    "while",
    "until",
    "if",
    "or",
    "but",
    "because",
    "so",
    "also",
    "just",
    "still",
    "even",
    "well",
    "good",
    "kind",
    "caring",
    "trained",
    "district",
    "social",
    "worker",
    "NHS",
    "council",
    "funding",
    "needs",
    "right",
    "rights",
    "choose",
    "decide",
    "agree",
    "consent",
    "advance",
    "statement",
    "power",
    "death",
    "dying",
    "end",
    "life",
    "living",
    "comfort",
    "respect",
    "culture",
    "language",
    "access",
    "parking",
    "transport",
    "lift",
    "bus",
    "car",
    "taxi",
    "journey",
    "short",
    "long",
    "stay",
    "break",
    "centre",
    "group",
    "meet",
    "others",
];
