//! Memory settings of the `carehub` binary (whose allocator is mimalloc).
//!
//! A build keeps many small allocations for every page (heading ids,
//! links, search terms) among millions it frees. mimalloc asks the kernel
//! to back its arenas with transparent huge pages, and a 2 MiB huge page
//! stays resident as a whole while any small allocation in it lives: on the
//! 10,000-article build that alone made the peak some 60 MiB higher, and the
//! build was no faster for it.

/// Do not back this process's memory with transparent huge pages (Linux;
/// elsewhere nothing). `MIMALLOC_ALLOW_THP=1` in the environment keeps
/// them. Call at the start of `main`.
pub fn configure() {
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
