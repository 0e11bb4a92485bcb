//! One module per command.

pub mod build;
pub mod check;
pub mod import;

use crate::diagnostics::{Diagnostic, render_all};

/// Print diagnostics to stderr, each rustc-style.
pub fn print_diagnostics(diags: &[Diagnostic]) {
    if !diags.is_empty() {
        eprint!("{}", render_all(diags));
    }
}
