//! The command-line commands.

pub mod import;
