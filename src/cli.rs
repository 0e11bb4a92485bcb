//! The command line, parsed with clap.

use crate::cmd;
use crate::pipeline::SiteOptions;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// carehub builds local palliative care information hubs from markdown articles and provider files.
#[derive(Debug, Parser)]
#[command(name = "carehub", version, about)]
pub struct Cli {
    /// The site folder (holding site.toml). Defaults to the current folder.
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// Where to write the site.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Override base_url from site.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// Include draft pages.
        #[arg(long)]
        drafts: bool,
        /// Print only errors.
        #[arg(long, short)]
        quiet: bool,
        /// Print where the build spent its time.
        #[arg(long)]
        timings: bool,
        /// Write relative links to files (`../page/index.html`) so the site works opened from disk.
        #[arg(long)]
        portable: bool,
    },
    /// Run every check and print the editorial report, without writing the site.
    Check {
        /// Treat warnings (such as overdue reviews) as errors.
        #[arg(long)]
        strict: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Include draft pages.
        #[arg(long)]
        drafts: bool,
        /// Also write the editorial report (an HTML table of every page) to this file.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// Preview the site in a browser, rebuilding and reloading as you edit.
    Serve {
        /// Port to listen on (the next free one is used if it is taken; 0 picks any).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; the default is this computer only.
        #[arg(long, short, default_value = "127.0.0.1")]
        interface: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long, short = 'O')]
        open: bool,
        /// Include draft pages.
        #[arg(long)]
        drafts: bool,
        /// Print where each rebuild spent its time.
        #[arg(long)]
        timings: bool,
    },
    /// Make a new hub in DIR: site.toml, starter pages, a service, a provider and the default theme.
    Init {
        /// The folder to make the hub in (it must be new or empty).
        dir: PathBuf,
        /// Add the starter files to a folder that is not empty; existing files are never overwritten.
        #[arg(long)]
        force: bool,
    },
    /// Write a new article, provider or service file with every field explained.
    New {
        /// What to make.
        #[arg(value_enum)]
        kind: cmd::new::NewKind,
        /// Its title (or name); the file name is made from it.
        title: String,
    },
    /// Update provider files from a regulator's published data (offline).
    Import(cmd::import::ImportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Parse the command line and run the command; returns the exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    let site = |drafts: bool, base_url: Option<String>| SiteOptions {
        root: cli.root.clone(),
        base_url,
        drafts,
        live_reload: false,
    };
    let needs_site = !matches!(cli.command, Command::Init { .. });
    if needs_site && !cli.root.join("site.toml").is_file() {
        eprintln!(
            "error: no site.toml in {}\n  = help: run carehub in a site folder, pass --root DIR, or make a new site with `carehub init DIR`",
            cli.root.display()
        );
        return 2;
    }
    // Peak memory matters for a one-off build; for the dev server, the time
    // from a save to the page (the settings cost it about a fifth).
    if !matches!(cli.command, Command::Serve { .. }) {
        crate::memory::configure();
    }
    match &cli.command {
        Command::Build {
            output,
            base_url,
            drafts,
            quiet,
            timings,
            portable,
        } => cmd::build::run(&cmd::build::BuildArgs {
            site: site(*drafts, base_url.clone()),
            output: output.clone(),
            quiet: *quiet,
            timings: *timings,
            portable: *portable,
        }),
        Command::Check {
            strict,
            format,
            drafts,
            report,
        } => cmd::check::run(&cmd::check::CheckArgs {
            site: site(*drafts, None),
            strict: *strict,
            json: *format == Format::Json,
            report: report.clone(),
        }),
        Command::Init { dir, force } => cmd::init::run(&cmd::init::InitArgs {
            dir: dir.clone(),
            force: *force,
        }),
        Command::New { kind, title } => cmd::new::run(&cmd::new::NewArgs {
            root: cli.root.clone(),
            kind: *kind,
            title: title.clone(),
        }),
        Command::Serve {
            port,
            interface,
            open,
            drafts,
            timings,
        } => cmd::serve::run(&cmd::serve::ServeArgs {
            root: cli.root.clone(),
            port: *port,
            interface: *interface,
            open: *open,
            drafts: *drafts,
            timings: *timings,
        }),
        Command::Import(args) => cmd::import::run(args, &cli.root),
    }
}
