//! Where words start in a normalised text, as bit sets read once per document.
//!
//! The gazetteer tries a match at every place that follows a character that is not a
//! letter or digit. Stepping from word to word with byte loops mispredicts a branch at
//! nearly every word's end; these sets are built 8 bytes at a time without a branch per
//! byte, and a scan then takes its next place with one count of trailing zeros.

use super::gazetteer::is_word_char;

/// Bit `i % 64` of word `i / 64`: byte `i` of the text.
pub struct WordStarts {
    /// Char boundaries after a character that is not a letter or digit (and offset 0).
    starts: Vec<u64>,
    /// ASCII letters and digits.
    alnum: Vec<u64>,
    len: usize,
}

const HI: u64 = 0x8080_8080_8080_8080;

/// The high bits of the eight bytes of `x` (as `non_alnum8` gives them) as eight bits.
fn gather(x: u64) -> u64 {
    // Bit 8k+7 moves to bit 56+k: the product's top byte collects one bit per byte.
    ((x & HI) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The ASCII letters and digits, the non-ASCII bytes and the UTF-8 continuation bytes of
/// 64 bytes, as bits.
fn classify(block: &[u8; 64]) -> (u64, u64, u64) {
    let (mut a, mut high, mut cont) = (0u64, 0u64, 0u64);
    for (j, w) in block.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(w.try_into().unwrap_or_default());
        a |= (!gather(super::names::non_alnum8(x)) & 0xff) << (8 * j);
        let h = gather(x);
        high |= h << (8 * j);
        // Continuation bytes, 0b10xx_xxxx: bit 7 set, bit 6 clear.
        cont |= (h & !gather(x << 1)) << (8 * j);
    }
    (a, high, cont)
}

impl WordStarts {
    pub fn new(s: &str) -> WordStarts {
        let b = s.as_bytes();
        let blocks = b.len().div_ceil(64);
        let mut starts = Vec::with_capacity(blocks);
        let mut alnum = Vec::with_capacity(blocks);
        // Whether the byte before the block is an ASCII letter or digit, and non-ASCII.
        let (mut carry, mut carry_high) = (0u64, 0u64);
        for (k, block) in b.chunks(64).enumerate() {
            // The last block padded with zero bytes (ASCII, not letters or digits).
            let mut padded = [0u8; 64];
            let full: &[u8; 64] = match block.try_into() {
                Ok(full) => full,
                Err(_) => {
                    padded[..block.len()].copy_from_slice(block);
                    &padded
                }
            };
            let (a, high, cont) = classify(full);
            // After a byte that is not an ASCII letter or digit, on a char boundary.
            let mut st = !((a << 1) | carry) & !cont;
            // After a non-ASCII char, the char decides (rare: quotes, dashes, accents).
            let mut after_high = ((high << 1) | carry_high) & !cont;
            if block.len() < 64 {
                st &= (1u64 << block.len()) - 1;
                after_high &= (1u64 << block.len()) - 1;
            }
            while after_high != 0 {
                let i = after_high.trailing_zeros() as usize;
                after_high &= after_high - 1;
                if s[..64 * k + i]
                    .chars()
                    .next_back()
                    .is_some_and(is_word_char)
                {
                    st &= !(1u64 << i);
                }
            }
            starts.push(st);
            alnum.push(a);
            carry = a >> 63;
            carry_high = high >> 63;
        }
        WordStarts {
            starts,
            alnum,
            len: b.len(),
        }
    }

    /// The first word start at or after `at` and before `to`.
    #[inline]
    pub fn next(&self, at: usize, to: usize) -> Option<usize> {
        let to = to.min(self.len);
        if at >= to {
            return None;
        }
        let mut k = at / 64;
        let mut m = self.starts[k] & (u64::MAX << (at % 64));
        while m == 0 {
            k += 1;
            if 64 * k >= to {
                return None;
            }
            m = self.starts[k];
        }
        let p = 64 * k + m.trailing_zeros() as usize;
        (p < to).then_some(p)
    }

    /// The end of the run of ASCII letters and digits from `at` (at most `to`).
    #[inline]
    pub fn alnum_end(&self, at: usize, to: usize) -> usize {
        if at >= to {
            return at;
        }
        let mut k = at / 64;
        // Ones from `at` on where the byte is not an ASCII letter or digit.
        let mut m = !self.alnum[k] & (u64::MAX << (at % 64));
        while m == 0 {
            k += 1;
            if k == self.alnum.len() {
                return to;
            }
            m = !self.alnum[k];
        }
        (64 * k + m.trailing_zeros() as usize).min(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every char boundary after a non-word char, by decoding each char.
    fn slow(s: &str) -> Vec<usize> {
        (0..s.len())
            .filter(|&p| {
                s.is_char_boundary(p) && !s[..p].chars().next_back().is_some_and(is_word_char)
            })
            .collect()
    }

    fn fast(s: &str) -> Vec<usize> {
        let w = WordStarts::new(s);
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(p) = w.next(at, s.len()) {
            out.push(p);
            at = p + 1;
        }
        out
    }

    #[test]
    fn word_starts_are_the_places_after_a_non_word_char() {
        let long = "word ".repeat(30) + "Schlüsselwörter «AISI» — Institut für KI, 東京 AI";
        for s in [
            "",
            "a",
            " a",
            "UK AISI, the U.S. AISI's staff",
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 x",
            "é",
            "éa b",
            long.as_str(),
        ] {
            assert_eq!(fast(s), slow(s), "{s:?}");
        }
        // A multibyte char across a block's edge, a letter and then a dash.
        for pad in 60..66 {
            for c in ["é", "—", "東"] {
                let s = format!("{}{c}x y{c}", "a".repeat(pad));
                assert_eq!(fast(&s), slow(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn runs_of_letters_and_digits_end_where_a_byte_loop_ends_them() {
        let s = format!(
            "{} ab12 {}x-y{}",
            "a".repeat(70),
            "b".repeat(64),
            "c".repeat(3)
        );
        let w = WordStarts::new(&s);
        let b = s.as_bytes();
        for at in 0..s.len() {
            for to in [at, (at + 5).min(s.len()), s.len()] {
                let mut e = at;
                while e < to && b[e].is_ascii_alphanumeric() {
                    e += 1;
                }
                assert_eq!(w.alnum_end(at, to), e, "at {at} to {to}");
            }
        }
        assert_eq!(w.next(5, 3), None);
    }
}
