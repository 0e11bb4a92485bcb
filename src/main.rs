//! The carehub command line (minimal: the full CLI lives on main).

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "carehub",
    version,
    about = "Build local palliative care information hubs"
)]
struct Cli {
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
        Command::Import(args) => carehub::cmd::import::run(args),
    };
    std::process::exit(code);
}
