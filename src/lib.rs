//! carehub: a static-site generator for local palliative care information hubs.
//!
//! The pipeline is load -> resolve -> render -> write; each stage is a module
//! with one job, and [`pipeline`] runs the first three for every command.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod diagnostics;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod serve;
pub mod write;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use pipeline::{Compiled, SiteOptions, compile};
