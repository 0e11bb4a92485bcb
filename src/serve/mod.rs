//! The dev server behind `carehub serve`: builds the site in memory
//! ([`builder`]), serves it over HTTP ([`http`]), watches the sources and
//! rebuilds on change ([`watch`]), and reloads open pages ([`livereload`]).
//! Nothing is written to disk; the built site lives only in memory.

pub mod builder;
pub mod http;
pub mod livereload;
pub mod watch;
