//! `carehub build`: compile the site and swap it into the output folder.

use crate::diagnostics::Severity;
use crate::pipeline::{SiteOptions, compile, compile_into};
use crate::write::stream::Staged;
use std::path::PathBuf;
use std::time::Instant;

/// Options of `carehub build`.
#[derive(Debug, Clone, Default)]
pub struct BuildArgs {
    pub site: SiteOptions,
    /// Output folder; `public/` in the site root by default.
    pub output: Option<PathBuf>,
    pub quiet: bool,
    /// Print where the time went.
    pub timings: bool,
}

/// Run a build; returns the process exit code (0 ok, 1 content errors).
pub fn run(args: &BuildArgs) -> i32 {
    let start = Instant::now();
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.site.root.join("public"));
    // Files are written into a staging folder as they are rendered, and the
    // folder is swapped in only if the build succeeds. If the output folder
    // may not be replaced, still compile (in memory) to report every
    // content problem first.
    let staged = Staged::begin(&args.site.root, &out);
    let (compiled, diags) = match &staged {
        Ok(s) => compile_into(&args.site, Some(s)),
        Err(_) => compile(&args.site),
    };
    let shown: Vec<_> = diags
        .items
        .iter()
        .filter(|d| !args.quiet || d.severity == Severity::Error)
        .cloned()
        .collect();
    super::print_diagnostics(&shown);
    let Some(mut c) = compiled.filter(|_| !diags.has_errors()) else {
        eprintln!(
            "error: build failed with {} error{} and {} warning{}; nothing was written (the previous output is untouched)",
            diags.errors(),
            plural(diags.errors()),
            diags.warnings(),
            plural(diags.warnings())
        );
        return 1;
    };
    let t = Instant::now();
    if let Err(e) = staged.and_then(Staged::finish) {
        eprintln!("error: {e}");
        return 1;
    }
    c.timings.stage("write: publish", t.elapsed());
    let pages = c
        .render
        .paths
        .iter()
        .filter(|p| p.ends_with(".html"))
        .count();
    if !args.quiet {
        println!(
            "Built {pages} pages ({} files) in {} ms into {}{}",
            c.render.paths.len(),
            start.elapsed().as_millis(),
            out.display(),
            if diags.warnings() > 0 {
                format!(
                    " with {} warning{}",
                    diags.warnings(),
                    plural(diags.warnings())
                )
            } else {
                String::new()
            }
        );
    }
    if args.timings {
        print!("{}", c.timings.report(start.elapsed()));
    }
    0
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
