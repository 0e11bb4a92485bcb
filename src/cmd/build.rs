//! `carehub build`: compile the site and swap it into the output folder.

use crate::diagnostics::Severity;
use crate::pipeline::{SiteOptions, compile, compile_into};
use crate::write::{self, stream::Staged};
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
    /// Rewrite links to be relative, for reading from disk.
    pub portable: bool,
}

/// Run a build; returns the process exit code (0 ok, 1 content errors).
pub fn run(args: &BuildArgs) -> i32 {
    let start = Instant::now();
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.site.root.join("public"));
    // Files are written into a staging folder as they are rendered, and the
    // folder is swapped in only if the build succeeds. A portable build
    // rewrites links knowing every file, so it renders into memory first;
    // so does a build whose output folder may not be replaced, to report
    // every content problem before that.
    let staged = (!args.portable).then(|| Staged::begin(&args.site.root, &out));
    let (compiled, diags) = match &staged {
        Some(Ok(s)) => compile_into(&args.site, Some(s)),
        _ => compile(&args.site),
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
    let written = match staged {
        Some(staged) => staged.and_then(Staged::finish).map_err(|e| e.to_string()),
        None => {
            let outputs = if args.portable {
                match write::portable::rewrite(&c.render.outputs, &c.site.config.base_url) {
                    Ok(o) => o,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return 1;
                    }
                }
            } else {
                std::mem::take(&mut c.render.outputs)
            };
            write::write_site(&args.site.root, &out, &outputs).map_err(|e| e.to_string())
        }
    };
    if let Err(e) = written {
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
    // The command ends the process: freeing the whole site first would
    // only cost time (a tenth of a second at 10,000 pages).
    std::mem::forget(c);
    0
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
