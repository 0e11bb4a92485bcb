//! Counting the words of the markdown's text pieces: what
//! `str::split_whitespace().count()` gives, sixteen bytes at a time with
//! SSE2 on x86-64 (eight at a time elsewhere), as it runs on every piece
//! of every page's text.

/// How many whitespace-separated words `t` has: `t.split_whitespace().count()`.
pub fn count_words(t: &str) -> usize {
    // SAFETY: SSE2 is part of every x86-64 CPU.
    #[cfg(target_arch = "x86_64")]
    let n = unsafe { sse2::count(t.as_bytes()) };
    #[cfg(not(target_arch = "x86_64"))]
    let n = swar_count(t.as_bytes());
    // Not ASCII: whitespace beyond ASCII's counts too.
    n.unwrap_or_else(|| t.split_whitespace().count())
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8,
        _mm_cvtsi128_si64, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_sad_epu8,
        _mm_set1_epi8, _mm_setr_epi8, _mm_setzero_si128, _mm_slli_si128, _mm_srli_si128,
        _mm_sub_epi8, _mm_unpackhi_epi64,
    };

    /// The words of ASCII `b`, or `None` if it is not ASCII. Each byte
    /// that is not a space but follows one (or the start) begins a word;
    /// each lane of a counter adds up the words begun in its place.
    #[target_feature(enable = "sse2")]
    pub fn count(b: &[u8]) -> Option<usize> {
        if b.len() < 16 {
            // Padded with spaces, which begin no word.
            let mut padded = [b' '; 16];
            padded[..b.len()].copy_from_slice(b);
            let sp = spaces(load(&padded))?;
            let begun = starts(sp, _mm_set1_epi8(-1));
            return Some(lanes(_mm_sub_epi8(_mm_setzero_si128(), begun)));
        }
        let mut total = 0;
        // Every lane of `acc` counts at most one word per chunk: it is
        // summed before it can pass 255.
        let mut acc = _mm_setzero_si128();
        let mut in_acc = 0;
        // The previous chunk's spaces (all, before the first: the start
        // begins a word).
        let mut prev = _mm_set1_epi8(-1);
        let mut chunks = b.chunks_exact(16);
        for chunk in &mut chunks {
            let sp = spaces(load(chunk))?;
            // Each word's start is all ones, that is minus one.
            acc = _mm_sub_epi8(acc, starts(sp, prev));
            prev = sp;
            in_acc += 1;
            if in_acc == 255 {
                total += lanes(acc);
                (acc, in_acc) = (_mm_setzero_si128(), 0);
            }
        }
        total += lanes(acc);
        let rest = chunks.remainder().len();
        if rest > 0 {
            // The last sixteen bytes, of which only the last `rest` are new:
            // each new byte's predecessor is in the chunk.
            let sp = spaces(load(&b[b.len() - 16..]))?;
            let new = _mm_cmpgt_epi8(
                _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                _mm_set1_epi8(15 - rest as i8),
            );
            let begun = _mm_and_si128(_mm_andnot_si128(sp, _mm_slli_si128::<1>(sp)), new);
            total += lanes(_mm_sub_epi8(_mm_setzero_si128(), begun));
        }
        Some(total)
    }

    #[target_feature(enable = "sse2")]
    fn load(chunk: &[u8]) -> __m128i {
        let chunk: &[u8; 16] = chunk[..16].try_into().expect("sixteen bytes");
        // SAFETY: `chunk` is sixteen readable bytes; the load needs no alignment.
        unsafe { _mm_loadu_si128(chunk.as_ptr().cast()) }
    }

    /// The spaces of `v` (all ones where a byte is whitespace), or `None`
    /// if any byte is not ASCII.
    #[target_feature(enable = "sse2")]
    fn spaces(v: __m128i) -> Option<__m128i> {
        if _mm_movemask_epi8(v) != 0 {
            return None;
        }
        // Every byte is below 0x80, so signed comparisons order them.
        let space = _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8));
        let tab_to_cr = _mm_and_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8(b'\t' as i8 - 1)),
            _mm_cmplt_epi8(v, _mm_set1_epi8(b'\r' as i8 + 1)),
        );
        Some(_mm_or_si128(space, tab_to_cr))
    }

    /// All ones where a word starts in a chunk with spaces `sp`, after a
    /// chunk with spaces `prev`: a byte that is not a space after one that
    /// is (this chunk's spaces moved up one lane, the previous chunk's last
    /// in lane 0).
    #[target_feature(enable = "sse2")]
    fn starts(sp: __m128i, prev: __m128i) -> __m128i {
        let before = _mm_or_si128(_mm_slli_si128::<1>(sp), _mm_srli_si128::<15>(prev));
        _mm_andnot_si128(sp, before)
    }

    /// The sum of the sixteen byte lanes of `acc`.
    #[target_feature(enable = "sse2")]
    fn lanes(acc: __m128i) -> usize {
        let s = _mm_sad_epu8(acc, _mm_setzero_si128());
        (_mm_cvtsi128_si64(s) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s))) as usize
    }
}

/// The words of ASCII `t` eight bytes at a time (no SIMD), or `None` if it
/// is not ASCII: what [`count_words`] uses where SSE2 is not there, and
/// the reference the SSE2 count is tested against.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn swar_count(t: &[u8]) -> Option<usize> {
    use crate::swar::{HIGH, bytes_in, is_space};
    let mut words = 0;
    // Whether the byte before the next one is a space (or the start).
    let mut after_space = true;
    let mut chunks = t.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        if v & HIGH != 0 {
            return None;
        }
        // Every byte is below 0x80, as `bytes_in` needs.
        let spaces = bytes_in(v, b' ', b' ') | bytes_in(v, b'\t', b'\r');
        let before = (spaces << 8) | (u64::from(after_space) << 7);
        words += top_bits(!spaces & HIGH & before);
        after_space = spaces >> 63 == 1;
    }
    for &c in chunks.remainder() {
        if c >= 0x80 {
            return None;
        }
        let s = is_space(c);
        words += usize::from(after_space && !s);
        after_space = s;
    }
    Some(words)
}

/// How many bytes of `m` have their top bit set, when no other bit is:
/// one multiply, where `count_ones` (without the `popcnt` instruction,
/// which the default x86-64 target lacks) is a dozen operations.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn top_bits(m: u64) -> usize {
    // Each byte becomes 0 or 1; the multiply sums them all into the top byte.
    ((m >> 7).wrapping_mul(crate::swar::ONES) >> 56) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both counts, against `split_whitespace`.
    fn check(t: &str) {
        let want = t.split_whitespace().count();
        assert_eq!(count_words(t), want, "{t:?}");
        assert_eq!(
            swar_count(t.as_bytes()).unwrap_or_else(|| t.split_whitespace().count()),
            want,
            "{t:?}"
        );
    }

    #[test]
    fn words_are_counted_as_split_whitespace_does() {
        let long = "one two  three\tfour\x0bfive\r\nsix ".repeat(9);
        for t in [
            "",
            " ",
            "word",
            " word ",
            "a b",
            "caf\u{e9} cr\u{e8}me\u{a0}br\u{fb}l\u{e9}e",
            "x\u{2003}y",
            &long,
            &long[1..],
            &"a".repeat(200),
            &" ".repeat(130),
            &"ab ".repeat(64),
            &"ab ".repeat(2000),
            &"a".repeat(5000),
            "\x08\x09\x0a\x0b\x0c\x0d\x0e\x1f\x20\x21\x7f",
            "a\x08b\x0ec\x1fd\x7fe\x21f\x0ag\x0bh\x0ci\x0d",
            // Not ASCII only in a later chunk, or in the tail.
            "one two three\u{2003}four five",
            "one two three fo\u{2003}",
            "one two three f\u{e9}\u{a0}x",
            "one two three four five six seven\u{2003}",
            "sixteen bytes ab\u{a0}cd",
        ] {
            check(t);
        }
        // Every ASCII byte, at every place in texts of every length to 40
        // (a tail of every size after one or two chunks).
        let base = "ab cd ef gh ij kl mn op qr st uv wx yz 12 ".as_bytes();
        for len in 1..=40 {
            for c in 0u8..0x80 {
                for at in 0..len {
                    let mut t = base[..len].to_vec();
                    t[at] = c;
                    check(&String::from_utf8(t).unwrap());
                }
            }
        }
        // Runs of words and spaces of every length across chunk edges.
        for word in 1..20 {
            for gap in 1..20 {
                let t = format!("{}{}", "x".repeat(word), " ".repeat(gap)).repeat(7);
                check(&t);
                check(&t[gap.min(t.len())..]);
            }
        }
    }

    #[test]
    fn top_bits_counts_bytes_with_their_top_bit_set() {
        for bits in 0u32..256 {
            let mut m = 0u64;
            for b in 0..8 {
                if bits & (1 << b) != 0 {
                    m |= 0x80 << (8 * b);
                }
            }
            assert_eq!(top_bits(m), m.count_ones() as usize, "{m:#x}");
        }
    }
}
