//! Memory settings of the `carehub` binary (whose allocator is mimalloc).
//!
//! A build keeps many small allocations for every page (heading ids,
//! links, search terms) among millions it frees, and the listing pages
//! make large contexts that are freed straight after. How soon the
//! allocator gives freed memory back, and whether its memory is backed by
//! transparent huge pages, decide much of the peak resident memory.

use std::os::raw::{c_int, c_long};

/// `mi_option_purge_delay` in the mimalloc (v3) that libmimalloc-sys 0.1.49
/// builds (`include/mimalloc.h`); the crate does not name it.
/// `tests::purge_delay_option` checks it against mimalloc's default.
const PURGE_DELAY: c_int = 15;

/// How long (ms) mimalloc keeps freed memory before giving it back. Its
/// default, 1000 ms, is longer than most build stages, so memory freed by
/// one stage (the listing pages' contexts) was still held at the next
/// stage's peak: the 10,000-article build peaked ~30 MiB higher.
const PURGE_DELAY_MS: c_long = 10;

/// Called by every command but `serve`, whose rebuilds are a little
/// faster with mimalloc's defaults. A `MIMALLOC_PURGE_DELAY` or
/// `MIMALLOC_ALLOW_THP` environment variable still wins.
pub fn configure() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mi_option_set only stores the value of a known option.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) }
    }
    // No transparent huge pages (which mimalloc asks for its arenas): a
    // 2 MiB huge page stays resident as a whole while any small allocation
    // in it lives; without them the 10k build peaks ~40 MiB lower and is
    // no slower.
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none_or(|v| v == "0") {
        // SAFETY: sets a flag of this process; no memory is passed. It
        // applies to pages faulted in from now on, in existing mappings
        // too. If the kernel refuses, only the memory used differs.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_option() {
        // mimalloc (v3)'s default purge delay is 1000 ms; tests never call
        // `configure`, so it is the default unless the environment sets it.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 1000);
        }
    }
}
