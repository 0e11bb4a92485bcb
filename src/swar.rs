//! Byte-class tests on eight bytes at a time ("SIMD within a register"),
//! shared by the text passes (reading age, search terms): on ASCII prose
//! they are cheaper than a table look-up per byte.

/// Whether `c` is ASCII white space as `char::is_whitespace` has it: space,
/// and tab to carriage return (vertical tab included, which
/// `u8::is_ascii_whitespace` leaves out).
#[inline]
pub fn is_space(c: u8) -> bool {
    (c == b' ') | (c.wrapping_sub(b'\t') < 5)
}

/// Each byte's top bit.
pub const HIGH: u64 = 0x8080_8080_8080_8080;
/// One in each byte.
pub const ONES: u64 = 0x0101_0101_0101_0101;

/// Up to eight bytes as a little-endian word (byte `k` in bits `8k..8k+8`),
/// with `pad` in the places past the end of `bytes`.
#[inline]
pub fn load(bytes: &[u8], pad: u8) -> u64 {
    // Nearly always eight bytes or more: one load, not a copy of `n`.
    if let Some(&c) = bytes.first_chunk::<8>() {
        return u64::from_le_bytes(c);
    }
    let mut a = [pad; 8];
    let n = bytes.len().min(8);
    a[..n].copy_from_slice(&bytes[..n]);
    u64::from_le_bytes(a)
}

/// Sixteen bytes of `b` from `at`, with `pad` in the places past its end:
/// what the SSE2 scans (the reading-age walk, the link scan) load.
#[inline]
pub fn sixteen(b: &[u8], at: usize, pad: u8) -> [u8; 16] {
    match b
        .get(at..at + 16)
        .and_then(|c| <[u8; 16]>::try_from(c).ok())
    {
        Some(c) => c,
        None => {
            let mut w = [pad; 16];
            let rest = b.get(at..).unwrap_or_default();
            w[..rest.len()].copy_from_slice(rest);
            w
        }
    }
}

/// The index of the first byte of `b` at or after `from` that `marks`
/// marks. `marks` takes eight bytes as a little-endian word (zero past the
/// end of `b`) and sets the top bit of each byte it wants; only its lowest
/// mark is used, so that one must be exact. For scans whose bytes are
/// mostly not wanted: eight are tested at once.
#[inline]
pub fn find_marked(b: &[u8], mut from: usize, marks: impl Fn(u64) -> u64) -> Option<usize> {
    while let Some(rest) = b.get(from..).filter(|r| !r.is_empty()) {
        let m = marks(load(rest, 0));
        if m != 0 {
            let k = from + (m.trailing_zeros() / 8) as usize;
            return (k < b.len()).then_some(k);
        }
        from += 8;
    }
    None
}

/// Bytes `at..at + 8` of `text`, zero from `end` on (all zero when `at` is
/// at or past `end`), as a little-endian word: a word's bytes eight at a
/// time as a hash-table key, read straight from the text around it
/// (copying the word out first costs more than the look-up).
#[inline]
pub fn chunk(text: &[u8], at: usize, end: usize) -> u64 {
    if at >= end {
        return 0;
    }
    let v = match text.get(at..at + 8) {
        Some(c) => {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            u64::from_le_bytes(a)
        }
        None => load(text.get(at..).unwrap_or_default(), 0),
    };
    match end - at {
        keep @ 0..8 => v & ((1u64 << (8 * keep)) - 1),
        _ => v,
    }
}

/// Masks keeping the first `r` bytes of a little-endian word, `r` in 0..=8.
const KEEP: [u64; 9] = {
    let mut t = [0u64; 9];
    let mut r = 0;
    while r < 8 {
        t[r] = (1u64 << (8 * r)) - 1;
        r += 1;
    }
    t[8] = u64::MAX;
    t
};

/// The `len` bytes `text[at..at + len]`, zero-padded to `8 * N` bytes, as
/// `N` little-endian words: [`chunk`] of each eight, for a hash-table key
/// (`len` at most `8 * N`). When the text goes on for `8 * N` bytes from
/// `at` (nearly always), the words are loaded and masked without a branch
/// on the length, which varies from word to word and would often be
/// mispredicted.
#[inline]
pub fn key<const N: usize>(text: &[u8], at: usize, len: usize) -> [u64; N] {
    match text.get(at..at + 8 * N) {
        Some(bytes) => std::array::from_fn(|j| {
            let mut a = [0u8; 8];
            a.copy_from_slice(&bytes[8 * j..8 * j + 8]);
            u64::from_le_bytes(a) & KEEP[len.saturating_sub(8 * j).min(8)]
        }),
        None => std::array::from_fn(|j| chunk(text, at + 8 * j, at + len)),
    }
}

/// For bytes below `0x80` (top bits clear): the top bit of each byte set
/// where the byte is in `lo..=hi`. No byte's sum carries into the next.
#[inline]
pub fn bytes_in(y: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = y + ONES * u64::from(0x80 - lo);
    let above_hi = y + ONES * u64::from(0x7f - hi);
    at_least_lo & !above_hi & HIGH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_in_marks_exactly_the_bytes_in_range() {
        for (lo, hi) in [(b'a', b'z'), (b'\t', b'\n'), (b' ', b' '), (0u8, 0x7f)] {
            for start in 0u8..0x80 {
                let bytes: Vec<u8> = (0..8).map(|k| (start + k * 13) % 0x80).collect();
                let m = bytes_in(load(&bytes, 0), lo, hi);
                for (k, &b) in bytes.iter().enumerate() {
                    let set = m & (0x80 << (8 * k)) != 0;
                    assert_eq!(
                        set,
                        (lo..=hi).contains(&b),
                        "byte {b:#x} in {lo:#x}..={hi:#x}"
                    );
                }
            }
        }
    }

    #[test]
    fn chunk_keeps_only_the_word() {
        let text = b"one twelve-letter word";
        assert_eq!(chunk(text, 4, 10).to_le_bytes(), *b"twelve\0\0");
        assert_eq!(chunk(text, 4, 17).to_le_bytes(), *b"twelve-l");
        assert_eq!(chunk(text, 12, 17).to_le_bytes(), *b"etter\0\0\0");
        assert_eq!(chunk(text, 18, 22).to_le_bytes(), *b"word\0\0\0\0");
        assert_eq!(chunk(text, 20, 20), 0);
        assert_eq!(chunk(text, 24, 22), 0);
    }

    #[test]
    fn key_matches_chunk_everywhere() {
        let text = b"a short text, then a much longer word: incomprehensibilities!";
        for at in 0..text.len() {
            for len in 0..=(text.len() - at).min(24) {
                let want: [u64; 3] = std::array::from_fn(|j| chunk(text, at + 8 * j, at + len));
                assert_eq!(key::<3>(text, at, len), want, "at {at} len {len}");
                if len <= 16 {
                    let want2 = [want[0], want[1]];
                    assert_eq!(key::<2>(text, at, len), want2, "at {at} len {len}");
                }
            }
        }
    }

    #[test]
    fn find_marked_finds_the_first_wanted_byte() {
        let lt = |x: u64| bytes_in(x & !HIGH, b'<', b'<') & !x;
        for (b, from, want) in crate::check::testutil::one_byte_searches(b'<', 30) {
            assert_eq!(find_marked(&b, from, lt), want, "{b:?} from {from}");
        }
        // A mark that falls past the end is not found.
        let zero = |x: u64| bytes_in(x & !HIGH, 0, 0) & !x;
        assert_eq!(find_marked(b"abc", 0, zero), None);
        assert_eq!(find_marked(b"ab\0c", 0, zero), Some(2));
    }

    #[test]
    fn sixteen_pads_past_the_end() {
        assert_eq!(sixteen(b"abcdefghijklmnopq", 1, 0), *b"bcdefghijklmnopq");
        assert_eq!(&sixteen(b"abc", 1, b' ')[..4], b"bc  ");
        assert_eq!(sixteen(b"abc", 5, 7), [7; 16]);
    }

    #[test]
    fn load_pads_short_input() {
        assert_eq!(load(b"ab", b' ').to_le_bytes(), *b"ab      ");
        assert_eq!(load(b"abcdefghij", 0).to_le_bytes(), *b"abcdefgh");
    }
}
