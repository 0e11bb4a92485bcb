//! The carehub command line (minimal: the full CLI lives on main).

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "carehub",
    version,
    about = "Build local palliative care information hubs"
)]
struct Cli {
    /// The site folder (holding site.toml). Defaults to the current folder.
    #[arg(long, global = true, default_value = ".")]
    root: std::path::PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Import data published by others (the CQC's directory and ratings).
    Import(carehub::cmd::import::ImportArgs),
}

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Import(args) => carehub::cmd::import::run(args, &cli.root),
    };
    std::process::exit(code);
}
