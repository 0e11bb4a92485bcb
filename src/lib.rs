//! carehub: a static-site generator for local palliative care information hubs.
//!
//! The pipeline is load -> resolve -> render -> write; each stage is a module
//! with one job, and [`pipeline`] runs the first three for every command.

// A Diagnostic carries its snippet and hint; returning it by value keeps the
// code plain and it is never on a hot path.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod diagnostics;
pub mod import;
pub mod load;
pub mod memory;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod serve;
pub mod swar;
pub mod timings;
pub mod write;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use pipeline::{Compiled, SiteOptions, compile};
