//! The gazetteer's patterns as a byte trie, walked from one position at a time: the
//! longest pattern that starts there (ASCII case folded), as an anchored leftmost-longest
//! Aho-Corasick search finds it, without the per-search set-up of a general automaton.
//!
//! The scan walks from every word start and nearly every walk dies within a byte or two,
//! so what counts is the cost of the first steps: the root and its children have dense
//! rows (one load per byte); deeper states, mostly chains of one child, list their
//! children, laid out depth-first so that a chain's states sit next to each other.

/// No transition, and no pattern ending at a state.
const NONE: u32 = u32::MAX;
/// [`State::n`] of a state with a dense row.
const DENSE: u32 = u32::MAX;
/// States with this many children or more get a dense row (as do the root and its
/// children): the common prefixes ("th", "the ", "in") fan out most.
const DENSE_FROM: usize = 4;

#[derive(Clone, Copy)]
struct State {
    /// The pattern that ends here, or [`NONE`].
    pid: u32,
    /// Start of the dense row (`n` is [`DENSE`]) or of the children after the first in
    /// `keys`/`next`.
    at: u32,
    /// Number of children.
    n: u32,
    /// The class of the first child, which is the next state (depth-first order): most
    /// deep states are links of a chain, whose step then reads nothing else.
    first: u8,
}

pub(super) struct Trie {
    /// Byte → class, 1-based (ASCII uppercase as lowercase); 0: no pattern holds it.
    class: Box<[u8; 256]>,
    states: Vec<State>,
    /// Dense rows: `at + class` → state, [`NONE`] for none.
    dense: Vec<u32>,
    /// Children of the other states: classes and states.
    keys: Vec<u8>,
    next: Vec<u32>,
    /// The first words of the patterns, as bits of [`word_bit`]: see [`Trie::may_start`].
    first_words: Box<[u64; WORD_BITS / 64]>,
    /// First bytes of the patterns that start with a byte that is not an ASCII letter or
    /// digit ("École", "(").
    other_first: [u64; 4],
}

/// Size of the first-word filter in bits (8 KB: it stays in the L1 cache).
const WORD_BITS: usize = 1 << 16;

fn set_bit(bits: &mut [u64], bit: usize) {
    bits[bit / 64] |= 1 << (bit % 64);
}

fn has_bit(bits: &[u64], bit: usize) -> bool {
    bits[bit / 64] & (1 << (bit % 64)) != 0
}

/// The filter bit of a word (ASCII letters and digits): its first eight bytes folded to
/// lowercase and its length, hashed. Words that share a bit only let more walks through.
#[inline]
fn word_bit(text: &[u8], at: usize, end: usize) -> usize {
    let n = (end - at).min(8);
    // One unaligned load where eight bytes are left (a copy of `n` bytes is a call).
    let w: [u8; 8] = match text.get(at..at + 8) {
        Some(w) => w.try_into().unwrap_or_default(),
        None => {
            let mut w = [0u8; 8];
            w[..n].copy_from_slice(&text[at..at + n]);
            w
        }
    };
    // `| 0x20` folds an ASCII letter to lowercase and leaves a digit as it is; the bytes
    // past the word are masked out.
    let keep = if n == 8 {
        u64::MAX
    } else {
        (1u64 << (8 * n)) - 1
    };
    let x = (u64::from_le_bytes(w) | 0x2020_2020_2020_2020) & keep;
    let h = (x ^ ((end - at) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (h >> (64 - 16)) as usize
}

impl Default for Trie {
    fn default() -> Trie {
        Trie::new(&[])
    }
}

/// A trie node while building: children by folded byte, and the pattern ending here.
struct Node {
    children: std::collections::BTreeMap<u8, usize>,
    pid: u32,
}

impl Trie {
    /// A trie of `patterns`, each matched in any ASCII case; pattern ids are indexes.
    /// Patterns equal but for ASCII case must not be given twice (the later one wins).
    pub fn new(patterns: &[String]) -> Trie {
        let mut nodes = vec![Node {
            children: Default::default(),
            pid: NONE,
        }];
        let mut used = [false; 256];
        for (id, p) in patterns.iter().enumerate() {
            let mut at = 0;
            for &b in p.as_bytes() {
                let b = b.to_ascii_lowercase();
                used[b as usize] = true;
                at = match nodes[at].children.get(&b) {
                    Some(&n) => n,
                    None => {
                        nodes.push(Node {
                            children: Default::default(),
                            pid: NONE,
                        });
                        let n = nodes.len() - 1;
                        nodes[at].children.insert(b, n);
                        n
                    }
                };
            }
            nodes[at].pid = id as u32;
        }
        // At most 230 classes (ASCII uppercase never is one): they fit a byte.
        let mut class = Box::new([0u8; 256]);
        let mut width = 1;
        for b in 0..256usize {
            if used[b] {
                class[b] = width as u8;
                width += 1;
            }
        }
        for b in b'A'..=b'Z' {
            class[b as usize] = class[b.to_ascii_lowercase() as usize];
        }
        // Depth-first order, so that the states of a chain sit next to each other.
        let mut order = Vec::with_capacity(nodes.len());
        let mut stack = vec![(0usize, 0usize)];
        let mut depth = vec![0usize; nodes.len()];
        while let Some((n, d)) = stack.pop() {
            order.push(n);
            depth[n] = d;
            stack.extend(nodes[n].children.values().rev().map(|&c| (c, d + 1)));
        }
        let mut state_of = vec![0u32; nodes.len()];
        for (s, &n) in order.iter().enumerate() {
            state_of[n] = s as u32;
        }
        let mut t = Trie {
            class: class.clone(),
            states: Vec::with_capacity(order.len()),
            dense: Vec::new(),
            keys: Vec::new(),
            next: Vec::new(),
            first_words: Box::new([0; WORD_BITS / 64]),
            other_first: [0; 4],
        };
        for p in patterns {
            let p = p.as_bytes();
            let n = super::names::alnum_end(p, 0, p.len());
            if n == 0 {
                if let Some(&b) = p.first() {
                    set_bit(&mut t.other_first, usize::from(b));
                }
                continue;
            }
            set_bit(&mut t.first_words[..], word_bit(p, 0, n));
            // A pattern of one word also matches with a plural "s" after it ("AISIs").
            if n == p.len() {
                let plural = [p, b"s"].concat();
                set_bit(&mut t.first_words[..], word_bit(&plural, 0, plural.len()));
            }
        }
        for &n in &order {
            let node = &nodes[n];
            let state = if depth[n] <= 1 || node.children.len() >= DENSE_FROM {
                let at = t.dense.len();
                t.dense.resize(at + width, NONE);
                for (&b, &child) in &node.children {
                    t.dense[at + class[b as usize] as usize] = state_of[child];
                }
                State {
                    pid: node.pid,
                    at: at as u32,
                    n: DENSE,
                    first: 0,
                }
            } else {
                let at = t.keys.len();
                let mut first = 0;
                for (k, (&b, &child)) in node.children.iter().enumerate() {
                    if k == 0 {
                        first = class[b as usize];
                        debug_assert_eq!(state_of[child], state_of[n] + 1);
                    } else {
                        t.keys.push(class[b as usize]);
                        t.next.push(state_of[child]);
                    }
                }
                State {
                    pid: node.pid,
                    at: at as u32,
                    n: node.children.len() as u32,
                    first,
                }
            };
            t.states.push(state);
        }
        t
    }

    /// Whether a match that ends at a word boundary (or takes a plural "s") can start at
    /// a position whose first word is `text[at..end]` (its ASCII letters and digits, up to the
    /// first other byte). Such a match's first word is the first word of its pattern, or
    /// that pattern whole with an "s": a word that is neither cannot start one, and the
    /// walk from it is left out (about half of all walks, mostly function words).
    #[inline]
    pub fn may_start(&self, text: &[u8], at: usize, end: usize) -> bool {
        if at == end {
            // Spaces and punctuation: only where some pattern starts with that byte.
            return text
                .get(at)
                .is_some_and(|&b| has_bit(&self.other_first, usize::from(b)));
        }
        has_bit(&self.first_words[..], word_bit(text, at, end))
    }

    /// The longest pattern that matches `b[pos..]` from `pos` and ends by `to`: its end
    /// and id.
    #[inline]
    pub fn longest(&self, b: &[u8], pos: usize, to: usize) -> Option<(usize, u32)> {
        let mut st = 0usize;
        let mut s = self.states.first()?;
        let mut best = (s.pid != NONE).then_some((pos, s.pid));
        for (k, &byte) in b[pos..to].iter().enumerate() {
            let c = self.class[byte as usize];
            if c == 0 {
                break;
            }
            let at = s.at as usize;
            st = if s.first == c {
                st + 1
            } else if s.n == DENSE {
                self.dense[at + c as usize] as usize
            } else {
                // The other children (none for a link of a chain).
                let n = (s.n as usize).saturating_sub(1);
                match self.keys[at..at + n].iter().position(|&k| k == c) {
                    Some(k) => self.next[at + k] as usize,
                    None => break,
                }
            };
            // No transition is NONE, which is no state.
            let Some(next) = self.states.get(st) else {
                break;
            };
            s = next;
            if s.pid != NONE {
                best = Some((pos + k + 1, s.pid));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};

    /// The reference automaton (anchored, leftmost-longest, ASCII case-insensitive) and
    /// the trie of the same patterns.
    fn both(pats: &[String]) -> (AhoCorasick, Trie) {
        let ac = AhoCorasick::builder()
            .start_kind(StartKind::Anchored)
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(pats)
            .unwrap();
        (ac, Trie::new(pats))
    }

    #[test]
    fn the_trie_finds_what_an_anchored_leftmost_longest_automaton_finds() {
        let pats: Vec<String> = [
            "uk",
            "u.k.",
            "united kingdom",
            "united",
            "united nations",
            "ai safety institute",
            "ai safety institutes",
            "al safety institute",
            "x",
            "österreich",
            "côte d'ivoire",
            "r&d",
            "ministry of defence",
            "ministry",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (ac, t) = both(&pats);
        let s = "The United Kingdom's AI Safety Institutes, the UNITED NATIONS, U.K. and \
                 Österreich; ÖSTERREICH, Côte d'Ivoire R&D: Ministry of Defence Ministry of \
                 Defenc x-ray unit united";
        let b = s.as_bytes();
        for pos in 0..s.len() {
            for to in [s.len(), (pos + 5).min(s.len()), (pos + 1).min(s.len())] {
                let want = ac
                    .find(Input::new(s).span(pos..to).anchored(Anchored::Yes))
                    .map(|m| (m.end(), m.pattern().as_u32()));
                assert_eq!(t.longest(b, pos, to), want, "{pos}..{to}");
            }
        }
        assert_eq!(Trie::default().longest(b, 0, s.len()), None);
    }

    #[test]
    fn the_trie_finds_what_the_automaton_finds_in_mixed_text() {
        let pats: Vec<String> = [
            "international network of ai safety institutes",
            "international network",
            "international energy agency",
            "national institute of standards and technology",
            "national institute",
            "nist",
            "aisi",
            "uk",
            "uk aisi",
            "côte d'ivoire",
            "department for science, innovation and technology",
            "safety institute",
            "safety institutes",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (ac, t) = both(&pats);
        // Pieces of the patterns, cut anywhere and cased at random, with separators.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let seps = [" ", "  ", ", ", "-", "\n", "s ", "é", "’", "."];
        let mut text = String::new();
        for _ in 0..400 {
            let p = &pats[next(pats.len())];
            let cut = p
                .char_indices()
                .map(|(i, _)| i)
                .nth(next(p.chars().count()))
                .unwrap_or(0);
            let piece = if next(3) == 0 { &p[..cut] } else { p.as_str() };
            for c in piece.chars() {
                if next(4) == 0 {
                    text.extend(c.to_uppercase());
                } else {
                    text.push(c);
                }
            }
            text.push_str(seps[next(seps.len())]);
        }
        let b = text.as_bytes();
        for pos in (0..b.len()).filter(|&p| text.is_char_boundary(p)) {
            for to in [b.len(), (pos + 12).min(b.len())] {
                let want = ac
                    .find(Input::new(&text).span(pos..to).anchored(Anchored::Yes))
                    .map(|m| (m.end(), m.pattern().as_u32()));
                assert_eq!(t.longest(b, pos, to), want, "{pos}..{to}");
            }
        }
    }

    #[test]
    fn a_start_passes_the_filter_where_its_first_word_or_byte_begins_a_pattern() {
        let t = Trie::new(&[
            "the hague".into(),
            "aisi".into(),
            "école".into(),
            "(sic)".into(),
        ]);
        let may = |text: &str| {
            let b = text.as_bytes();
            let end = b
                .iter()
                .position(|c| !c.is_ascii_alphanumeric())
                .unwrap_or(b.len());
            t.may_start(b, 0, end)
        };
        for yes in [
            "The Hague",
            "the",
            "AISIs",
            "aisi's",
            "École",
            "(sic)",
            "(x",
        ] {
            assert!(may(yes), "{yes}");
        }
        for no in ["thee", "aisis2", "Ecole", " aisi", "\"aisi", "-the"] {
            assert!(!may(no), "{no}");
        }
    }
}
