//! Write a synthetic hub for benchmarks: `cargo run --release --example
//! gen_corpus -- N OUT [SEED]` makes N articles, N/5 providers, 42 services
//! and 10 conditions in OUT (which must be empty or absent).

mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_corpus N OUT [SEED]   (N articles, at least 1)";
    let (Some(n), Some(out)) = (
        args.first()
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|&n| n > 0),
        args.get(1).map(PathBuf::from),
    ) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let seed = match args.get(2).map(|s| s.parse::<u64>()) {
        None => 8,
        Some(Ok(s)) => s,
        Some(Err(_)) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    if out.exists()
        && std::fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!(
            "error: {} is not empty; give an empty or new folder",
            out.display()
        );
        return ExitCode::from(2);
    }
    match corpus::generate(&out, &corpus::Spec::new(n, seed)) {
        Ok(s) => {
            let mut w = s.article_words.clone();
            w.sort_unstable();
            let median = w.get(w.len() / 2).copied().unwrap_or(0);
            println!(
                "wrote {} articles (median {median} words), {} providers, {} services, {} conditions, {} sections, {:.1} MB of markdown into {}",
                s.articles,
                s.providers,
                s.services,
                s.conditions,
                s.sections,
                s.markdown_bytes as f64 / 1e6,
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
