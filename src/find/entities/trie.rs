//! The gazetteer's patterns as a byte trie, walked from one position at a time: the
//! longest pattern that starts there (ASCII case folded), as an anchored leftmost-longest
//! Aho-Corasick search finds it, without the per-search set-up of a general automaton.
//!
//! The scan walks from every word start and nearly every walk dies within a byte or two,
//! so what counts is the cost of the first steps: the root and its children have dense
//! rows (one load per byte); deeper states, mostly chains of one child, list their
//! children, laid out depth-first so that a chain's states sit next to each other.
//!
//! Before any walk, a bit set of the patterns' first three bytes turns away most word
//! starts with one load that stays in the L1 cache: the walks that die within three
//! bytes (over half of them in English prose) read scattered states of a trie far larger
//! than the cache, and those reads were most of the scan's time.

/// No transition, and no pattern ending at a state.
const NONE: u32 = u32::MAX;
/// [`State::n`] of a state with a dense row.
const DENSE: u8 = u8::MAX;
/// States with this many children or more get a dense row (as do the root and its
/// children): the common prefixes ("th", "the ", "in") fan out most.
const DENSE_FROM: usize = 4;

#[derive(Clone, Copy)]
struct State {
    /// Start of the dense row (`n` is [`DENSE`]) or of the children after the first in
    /// `keys`/`next`.
    at: u32,
    /// Number of children (fewer than [`DENSE_FROM`]) or [`DENSE`].
    n: u8,
    /// The class of the first child, which is the next state (depth-first order): most
    /// deep states are links of a chain, whose step then reads nothing else.
    first: u8,
    /// Whether a pattern ends here (its id is in [`Trie::pids`]): eight bytes a state,
    /// so that more of them stay in the cache.
    ends: bool,
}

pub(super) struct Trie {
    /// Bit [`prefix_key`] of every three bytes a pattern can start with (see
    /// [`Trie::may_start`]).
    prefixes: Box<[u64; PREFIX_WORDS]>,
    /// First bytes of one-byte patterns: a walk from them is always needed.
    single: Box<[bool; 256]>,
    /// Byte → class, 1-based (ASCII uppercase as lowercase); 0: no pattern holds it.
    class: Box<[u8; 256]>,
    states: Vec<State>,
    /// The pattern that ends at each state, or [`NONE`].
    pids: Vec<u32>,
    /// Dense rows: `at + class` → state, [`NONE`] for none.
    dense: Vec<u32>,
    /// Children of the other states: classes and states.
    keys: Vec<u8>,
    next: Vec<u32>,
}

impl Default for Trie {
    fn default() -> Trie {
        Trie::new(&[])
    }
}

/// The prefix filter's size in 64-bit words: 2^16 bits (8 KB).
const PREFIX_WORDS: usize = 1 << 10;

/// The filter bit of three bytes, ASCII case folded (a multiplicative hash of them).
#[inline]
fn prefix_key(b0: u8, b1: u8, b2: u8) -> usize {
    let k = u32::from_le_bytes([
        b0.to_ascii_lowercase(),
        b1.to_ascii_lowercase(),
        b2.to_ascii_lowercase(),
        0,
    ]);
    (k.wrapping_mul(0x9E37_79B1) >> 16) as usize
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
        let mut prefixes = Box::new([0u64; PREFIX_WORDS]);
        let mut single = Box::new([false; 256]);
        let mut set = |k: usize| prefixes[k / 64] |= 1 << (k % 64);
        for p in patterns.iter().map(|p| p.as_bytes()) {
            match *p {
                [] => {}
                [b0] => {
                    single[b0.to_ascii_lowercase() as usize] = true;
                    single[b0.to_ascii_uppercase() as usize] = true;
                }
                // Any third byte may follow a two-byte pattern.
                [b0, b1] => (0..=255).for_each(|b2| set(prefix_key(b0, b1, b2))),
                [b0, b1, b2, ..] => set(prefix_key(b0, b1, b2)),
            }
        }
        let mut t = Trie {
            prefixes,
            single,
            class: class.clone(),
            states: Vec::with_capacity(order.len()),
            pids: Vec::with_capacity(order.len()),
            dense: Vec::new(),
            keys: Vec::new(),
            next: Vec::new(),
        };
        for &n in &order {
            let node = &nodes[n];
            let state = if depth[n] <= 1 || node.children.len() >= DENSE_FROM {
                let at = t.dense.len();
                t.dense.resize(at + width, NONE);
                for (&b, &child) in &node.children {
                    t.dense[at + class[b as usize] as usize] = state_of[child];
                }
                State {
                    ends: node.pid != NONE,
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
                    ends: node.pid != NONE,
                    at: at as u32,
                    n: node.children.len() as u8,
                    first,
                }
            };
            t.states.push(state);
            t.pids.push(node.pid);
        }
        t
    }

    /// Whether a pattern that ends by `to` can start at `pos`: false only when none
    /// starts with the three bytes there (true near `to`, where there are not three).
    #[inline]
    fn may_start(&self, b: &[u8], pos: usize, to: usize) -> bool {
        match b.get(pos..pos + 3).filter(|_| pos + 3 <= to) {
            Some(&[b0, b1, b2]) => {
                let k = prefix_key(b0, b1, b2);
                self.prefixes[k / 64] & (1 << (k % 64)) != 0 || self.single[b0 as usize]
            }
            _ => true,
        }
    }

    /// The longest pattern that matches `b[pos..]` from `pos` and ends by `to`: its end
    /// and id.
    #[inline]
    pub fn longest(&self, b: &[u8], pos: usize, to: usize) -> Option<(usize, u32)> {
        if !self.may_start(b, pos, to) {
            return None;
        }
        let mut st = 0usize;
        let mut s = self.states.first()?;
        let mut best = s.ends.then(|| (pos, self.pids[0]));
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
            if s.ends {
                best = Some((pos + k + 1, self.pids[st]));
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};

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
        let ac = AhoCorasick::builder()
            .start_kind(StartKind::Anchored)
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&pats)
            .unwrap();
        let t = Trie::new(&pats);
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
}
