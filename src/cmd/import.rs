//! `carehub import`: bring in data published by others, such as the CQC's
//! care directory and ratings.

use std::path::{Path, PathBuf};

use crate::import::{CqcImportOptions, format_report, import_cqc};

/// Arguments of `carehub import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// What to import.
    #[command(subcommand)]
    pub source: ImportSource,
}

/// The sources `carehub import` can read.
#[derive(clap::Subcommand, Debug)]
pub enum ImportSource {
    /// Update provider files' [cqc] details from the CQC care directory CSV
    /// (and its latest ratings file), or suggest CQC locations to add.
    ///
    /// Download the files from the CQC website first; nothing is fetched.
    /// Every file is checked before any is changed.
    Cqc(CqcArgs),
}

/// Arguments of `carehub import cqc`.
#[derive(clap::Args, Debug)]
pub struct CqcArgs {
    /// The CQC care directory CSV, as downloaded.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The CQC latest ratings file (ODS as published, or saved as CSV);
    /// without it only url and checked are updated.
    #[arg(long, value_name = "FILE")]
    pub ratings: Option<PathBuf>,

    /// Report what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// List CQC locations not yet in the hub whose postcode is in this area
    /// or district (MK, MK6) or whose service types mention this text
    /// ("Hospice services"); changes nothing.
    #[arg(long, value_name = "TEXT")]
    pub suggest: Option<String>,
}

/// Runs `carehub import` on the site in `root` (the CLI's global `--root`),
/// printing the report to stdout and errors to stderr. Returns the exit
/// code: 0 on success (warnings included), 1 when an input or provider file
/// is wrong (nothing is written), 2 on a usage error such as a missing file.
pub fn run(args: &ImportArgs, root: &Path) -> i32 {
    match &args.source {
        ImportSource::Cqc(cqc) => {
            let opts = CqcImportOptions {
                root: root.to_path_buf(),
                directory: cqc.file.clone(),
                ratings: cqc.ratings.clone(),
                dry_run: cqc.dry_run,
                suggest: cqc.suggest.clone(),
            };
            match import_cqc(&opts) {
                Ok(report) => {
                    print!("{}", format_report(&report));
                    0
                }
                Err(err) => {
                    eprintln!("{err}");
                    err.exit_code()
                }
            }
        }
    }
}
