//! Plain data: what the loader produces and the resolver, renderer, checks
//! and dev server read. No I/O here.

pub mod date;
pub mod page;
pub mod provider;
pub mod uk;
pub mod vocab;

pub use date::Date;
pub use page::{FaqEntry, FrontMatter, Page, PageKind, Source};
pub use provider::Provider;
