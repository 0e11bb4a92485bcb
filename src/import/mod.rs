//! Importers that keep the site's content true to data published by others.
//!
//! `cqc` updates provider files from the Care Quality Commission's care
//! directory and latest-ratings export, downloaded by an editor. Nothing is
//! ever fetched: the import reads only the files it is given.

pub mod cqc;
mod diag;
mod directory;
mod providers;
mod ratings;
mod text;
mod values;

pub use cqc::{
    CqcImportOptions, CqcImportReport, FieldChange, ProviderReport, RatingsSummary, Suggestion,
    Suggestions, format_report, import_cqc,
};
pub use diag::{ErrorKind, ImportError, Problem};
pub use values::{KeyQuestion, Rating, is_location_id};
