//! The benchmark's floor: render every markdown body of a site with
//! pulldown-cmark alone, on all cores, writing one HTML file each. No static
//! site generator can do the same work much faster, so `scripts/bench.sh`
//! reports carehub's time as a multiple of this one.
//!
//! `cargo run --release --example bench_floor -- SITE OUT`

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [site, out] = args.as_slice() else {
        eprintln!("usage: bench_floor SITE OUT");
        return ExitCode::from(2);
    };
    let content = site.join("content");
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let result: std::io::Result<usize> =
        files.par_iter().map(|f| render_one(&content, f, out)).sum();
    match result {
        Ok(bytes) => {
            println!("rendered {} files, {bytes} bytes of HTML", files.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn render_one(content: &Path, file: &Path, out: &Path) -> std::io::Result<usize> {
    let text = std::fs::read_to_string(file)?;
    // Skip the `+++` front matter: only the body is markdown.
    let body = text
        .strip_prefix("+++")
        .and_then(|rest| rest.find("\n+++").map(|i| &rest[i + 4..]))
        .unwrap_or(&text);
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    let mut html_out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut html_out, Parser::new_ext(body, opts));
    let rel = file.strip_prefix(content).unwrap_or(file);
    let dest = out.join(rel).with_extension("html");
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&dest, &html_out)?;
    Ok(html_out.len())
}
