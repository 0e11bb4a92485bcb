//! `carehub check`: every validation of build, without writing anything.

use crate::pipeline::{SiteOptions, compile};

/// Options of `carehub check`.
#[derive(Debug, Clone, Default)]
pub struct CheckArgs {
    pub site: SiteOptions,
    /// Treat warnings as errors.
    pub strict: bool,
    /// `text` or `json`.
    pub json: bool,
}

/// Run the checks; returns the exit code (1 on any error).
pub fn run(args: &CheckArgs) -> i32 {
    let (_compiled, diags) = compile(&args.site);
    let errors = diags.errors() + if args.strict { diags.warnings() } else { 0 };
    if args.json {
        let v = serde_json::json!({
            "errors": diags.errors(),
            "warnings": diags.warnings(),
            "diagnostics": diags.items,
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        super::print_diagnostics(&diags.items);
        println!(
            "check: {} error(s), {} warning(s)",
            diags.errors(),
            diags.warnings()
        );
    }
    if errors > 0 { 1 } else { 0 }
}
