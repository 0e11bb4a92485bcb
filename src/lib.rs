//! carehub: a static-site generator for local palliative care information hubs.

pub mod cmd;
pub mod import;
