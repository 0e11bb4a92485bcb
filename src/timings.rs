//! Where a build spent its time, for `carehub build --timings`: wall time
//! per stage, and template time per template and per page, so that a theme
//! author can see which template is slow.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// How many of the slowest pages the report lists.
pub const SLOWEST_PAGES: usize = 10;

/// Time spent on one output page.
#[derive(Debug, Clone)]
pub struct PageTime {
    /// Output path, e.g. `services/respite-care/index.html`.
    pub path: String,
    pub template: String,
    /// Markdown rendering (zero for generated pages).
    pub markdown: Duration,
    /// Checks of the page's text (reading age, plain language) and its
    /// search terms, done as it renders (zero for generated pages).
    pub text: Duration,
    /// Building the template context.
    pub context: Duration,
    /// Rendering the template.
    pub template_time: Duration,
    /// Handing the finished file on: the link check's scan of it and its
    /// write to the staging folder (zero where the build keeps pages in
    /// memory, as `serve` does).
    pub output: Duration,
}

impl PageTime {
    /// The five parts of the page's time, in the order of [`Timings::work`].
    pub fn parts(&self) -> [Duration; 5] {
        [
            self.markdown,
            self.text,
            self.context,
            self.template_time,
            self.output,
        ]
    }

    pub fn total(&self) -> Duration {
        self.parts().iter().sum()
    }
}

/// Per-template totals.
#[derive(Debug, Clone, Copy, Default)]
pub struct TemplateTime {
    pub pages: usize,
    /// Context building and rendering, summed over every page using the template.
    pub total: Duration,
    pub max: Duration,
}

/// Timings of one build.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Stages in the order they ran, with their wall time.
    pub stages: Vec<(String, Duration)>,
    /// Peak memory (resident set, MiB) at the end of each stage, where the
    /// system tells it (Linux).
    pub peak_mib: Vec<Option<f64>>,
    pub templates: BTreeMap<String, TemplateTime>,
    /// The slowest pages, slowest first (at most [`SLOWEST_PAGES`]).
    pub slowest: Vec<PageTime>,
    /// Markdown, text checks and search terms, contexts, templates, and
    /// the link scan and write, each summed over every page.
    pub work: [Duration; 5],
}

impl Timings {
    /// Record a stage's wall time.
    pub fn stage(&mut self, name: impl Into<String>, d: Duration) {
        self.stages.push((name.into(), d));
        self.peak_mib.push(peak_mib());
    }

    /// Run `f` and record its wall time as a stage.
    pub fn time<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let v = f();
        self.stage(name, t.elapsed());
        v
    }

    /// Add the stages and page times of another part of the build.
    pub fn extend(&mut self, other: Timings) {
        self.stages.extend(other.stages);
        self.peak_mib.extend(other.peak_mib);
        for (name, t) in other.templates {
            let e = self.templates.entry(name).or_default();
            e.pages += t.pages;
            e.total += t.total;
            e.max = e.max.max(t.max);
        }
        self.add_slowest(other.slowest);
        for (a, b) in self.work.iter_mut().zip(other.work) {
            *a += b;
        }
    }

    /// Count pages into the per-template totals and keep the slowest.
    pub fn add_pages(&mut self, pages: Vec<PageTime>) {
        for p in &pages {
            let e = self.templates.entry(p.template.clone()).or_default();
            let t = p.context + p.template_time;
            e.pages += 1;
            e.total += t;
            e.max = e.max.max(t);
            for (w, d) in self.work.iter_mut().zip(p.parts()) {
                *w += d;
            }
        }
        self.add_slowest(pages);
    }

    fn add_slowest(&mut self, mut pages: Vec<PageTime>) {
        pages.sort_by_key(|p| std::cmp::Reverse(p.total()));
        pages.truncate(SLOWEST_PAGES);
        self.slowest.extend(pages);
        self.slowest.sort_by_key(|p| std::cmp::Reverse(p.total()));
        self.slowest.truncate(SLOWEST_PAGES);
    }

    /// The report `--timings` prints.
    pub fn report(&self, total: Duration) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mut s = String::new();
        let _ = writeln!(s, "Stages (wall time; peak memory so far):");
        // One column for every stage's name, however long.
        let w = (self.stages.iter().map(|(n, _)| n.chars().count())).fold(26, usize::max);
        for (i, (name, d)) in self.stages.iter().enumerate() {
            let _ = write!(s, "  {name:<w$} {:>9.1} ms", ms(*d));
            match self.peak_mib.get(i).copied().flatten() {
                Some(m) => {
                    let _ = writeln!(s, " {m:>8.0} MiB");
                }
                None => s.push('\n'),
            }
        }
        let _ = writeln!(s, "  {:<w$} {:>9.1} ms", "total", ms(total));
        if !self.templates.is_empty() {
            let threads = rayon::current_num_threads();
            let _ = writeln!(
                s,
                "Page work (summed over {threads} thread{}):",
                if threads == 1 { "" } else { "s" }
            );
            for (name, d) in [
                "markdown",
                "text checks + search terms",
                "template contexts",
                "templates",
                "link scan + write",
            ]
            .iter()
            .zip(self.work)
            {
                let _ = writeln!(s, "  {name:<w$} {:>9.1} ms", ms(d));
            }
            let _ = writeln!(
                s,
                "Templates (context + render, summed over {threads} thread{}):",
                if threads == 1 { "" } else { "s" }
            );
            let _ = writeln!(
                s,
                "  {:<24} {:>7} {:>11} {:>9} {:>9}",
                "template", "pages", "total ms", "mean ms", "max ms"
            );
            let mut rows: Vec<(&String, &TemplateTime)> = self.templates.iter().collect();
            rows.sort_by_key(|(_, t)| std::cmp::Reverse(t.total));
            for (name, t) in rows {
                let _ = writeln!(
                    s,
                    "  {name:<24} {:>7} {:>11.1} {:>9.3} {:>9.3}",
                    t.pages,
                    ms(t.total),
                    ms(t.total) / t.pages.max(1) as f64,
                    ms(t.max)
                );
            }
        }
        if !self.slowest.is_empty() {
            let _ = writeln!(
                s,
                "Slowest pages (markdown + text checks + context + template + scan and write):"
            );
            for p in &self.slowest {
                let _ = writeln!(
                    s,
                    "  {:>9.2} ms  {} ({}; markdown {:.2}, text checks {:.2}, context {:.2}, template {:.2}, scan and write {:.2})",
                    ms(p.total()),
                    p.path,
                    p.template,
                    ms(p.markdown),
                    ms(p.text),
                    ms(p.context),
                    ms(p.template_time),
                    ms(p.output)
                );
            }
        }
        s
    }
}

/// The process's peak resident memory so far in MiB (Linux: `VmHWM`).
pub fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, template: &str, micros: u64) -> PageTime {
        PageTime {
            path: path.into(),
            template: template.into(),
            markdown: Duration::ZERO,
            text: Duration::ZERO,
            context: Duration::ZERO,
            template_time: Duration::from_micros(micros),
            output: Duration::ZERO,
        }
    }

    #[test]
    fn keeps_the_slowest_and_sums_templates() {
        let mut t = Timings::default();
        t.stage("load", Duration::from_millis(3));
        let pages: Vec<PageTime> = (0..30)
            .map(|i| page(&format!("p{i}/index.html"), "page.html", i))
            .collect();
        t.add_pages(pages);
        let mut other = Timings::default();
        other.add_pages(vec![page("search/index.html", "search.html", 1000)]);
        t.extend(other);
        assert_eq!(t.slowest.len(), SLOWEST_PAGES);
        assert_eq!(t.slowest[0].path, "search/index.html");
        assert_eq!(t.slowest[1].path, "p29/index.html");
        assert_eq!(t.templates["page.html"].pages, 30);
        assert_eq!(t.templates["page.html"].max, Duration::from_micros(29));
        let r = t.report(Duration::from_millis(10));
        assert!(r.contains("load"), "{r}");
        assert!(r.contains("search.html"), "{r}");
        assert!(r.find("search.html").unwrap() < r.find("page.html").unwrap());
    }

    /// A long stage name widens the column rather than pushing its
    /// figure out of line with the others.
    #[test]
    fn figures_line_up_under_a_long_stage_name() {
        let mut t = Timings::default();
        t.stage("load", Duration::from_millis(3));
        t.stage(
            "sitemap, feed, assets (beside search)",
            Duration::from_millis(40),
        );
        t.add_pages(vec![page("a/index.html", "page.html", 100)]);
        let r = t.report(Duration::from_millis(50));
        let ends: Vec<usize> = r
            .lines()
            .take_while(|l| !l.starts_with("Templates"))
            .filter(|l| l.starts_with("  ") && l.contains(" ms"))
            .map(|l| l.find(" ms").unwrap())
            .collect();
        assert_eq!(ends.len(), 3 + 5, "{r}");
        assert!(ends.iter().all(|&e| e == ends[0]), "{r}");
    }

    /// A page's scan and write count in its total and in the page work,
    /// but not in its template's time.
    #[test]
    fn scan_and_write_count_for_the_page_not_the_template() {
        let mut t = Timings::default();
        let mut heavy = page("big/index.html", "page.html", 1);
        heavy.output = Duration::from_micros(5000);
        t.add_pages(vec![page("a/index.html", "page.html", 100), heavy]);
        assert_eq!(t.slowest[0].path, "big/index.html");
        assert_eq!(t.work[4], Duration::from_micros(5000));
        assert_eq!(t.templates["page.html"].total, Duration::from_micros(101));
        let r = t.report(Duration::from_millis(10));
        let line = r.lines().find(|l| l.contains("link scan + write")).unwrap();
        assert!(line.ends_with(" 5.0 ms"), "{line}");
        assert!(r.contains("scan and write 5.00)"), "{r}");
    }
}
