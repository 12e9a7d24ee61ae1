//! Where each pattern rule can start a match, for all rules in one pass over a text.
//!
//! Running every rule's own regex over the whole document costs one pass per rule, and
//! with a few hundred date, money and quantity rules that was most of the find stage. One
//! reverse, overlapping search of a lazy DFA built from all patterns instead reports every
//! position where some match of each pattern begins. The engine then runs a rule's regex
//! only from those positions: the leftmost match from a position that starts a match is
//! the match starting there, so the rule finds exactly the matches its own pass over the
//! text would have found.

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::{Input, MatchKind};
use std::sync::Mutex;

/// Lazy-DFA cache size. The DFA has states for a few hundred patterns; a cache that fits
/// the states a report visits keeps the search from rebuilding them.
const CACHE_BYTES: usize = 4 << 20;

/// At most this many starts are listed for one text (8 bytes each; a report lists a few
/// thousand per MB). A text of digits or repeated dates starts a match at nearly every
/// byte for many rules; past this, the rules run over the text one by one, which needs no
/// list.
const MAX_STARTS: usize = 1 << 18;

/// The reverse DFA of all pattern rules, and caches to run it with.
pub struct StartIndex {
    dfa: DFA,
    /// Warm caches, reused across documents and threads: a new cache would rebuild every
    /// state the last document built.
    caches: Mutex<Vec<Cache>>,
}

impl StartIndex {
    /// Builds the index of these patterns (in the regex crate's syntax); `None` when the
    /// lazy DFA cannot take them, and callers run each rule over the whole text instead.
    pub fn new(patterns: &[&str]) -> Option<StartIndex> {
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(CACHE_BYTES)
                    // Never give up on a search for lack of cache: slower, still right.
                    .minimum_cache_clear_count(None),
            )
            .thompson(
                thompson::Config::new()
                    .reverse(true)
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(256 << 20)),
            )
            .build_many(patterns)
            .ok()?;
        Some(StartIndex {
            dfa,
            caches: Mutex::new(Vec::new()),
        })
    }

    /// For each pattern, the ascending positions of `text` where one of its matches
    /// starts; `None` when the search cannot run on this text or would list too many
    /// (then the caller runs the rules the slow way).
    pub fn starts(&self, text: &str) -> Option<Vec<Vec<usize>>> {
        let mut cache = self
            .caches
            .lock()
            .ok()
            .and_then(|mut c| c.pop())
            .unwrap_or_else(|| self.dfa.create_cache());
        let out = self.search(&mut cache, text);
        if let Ok(mut c) = self.caches.lock() {
            c.push(cache);
        }
        out
    }

    /// The reverse overlapping search, written out on the lazy DFA's transitions: the
    /// library's own (`try_search_overlapping_rev`, regex-automata 0.4.19) reports the
    /// second and later patterns that match at one position a byte early.
    fn search(&self, cache: &mut Cache, text: &str) -> Option<Vec<Vec<usize>>> {
        let mut out = vec![Vec::new(); self.dfa.pattern_len()];
        let dfa = &self.dfa;
        let input = Input::new(text);
        let bytes = text.as_bytes();
        let mut listed = 0;
        let mut record = |cache: &Cache, sid, at: usize| {
            for k in 0..dfa.match_len(cache, sid) {
                let p = dfa.match_pattern(cache, sid, k).as_usize();
                if let Some(starts) = out.get_mut(p)
                    && starts.last() != Some(&at)
                {
                    starts.push(at);
                    listed += 1;
                }
            }
            listed <= MAX_STARTS
        };
        let mut sid = dfa.start_state_reverse(cache, &input).ok()?;
        let mut at = bytes.len();
        while at > 0 {
            crate::budget::check();
            let chunk_start = at.saturating_sub(4096);
            while at > chunk_start {
                at -= 1;
                let byte = bytes[at];
                // Nearly every step goes from a cached state to a cached state that
                // matches nothing: the unchecked-for-tags transition is one load.
                if !sid.is_tagged() {
                    let prev = sid;
                    sid = dfa.next_state_untagged(cache, sid, byte);
                    if !sid.is_tagged() {
                        continue;
                    }
                    if sid.is_unknown() {
                        sid = dfa.next_state(cache, prev, byte).ok()?;
                    }
                } else {
                    sid = dfa.next_state(cache, sid, byte).ok()?;
                }
                if sid.is_match() {
                    // Matches are seen one byte late: this one starts after `at`.
                    if !record(cache, sid, at + 1) {
                        return None;
                    }
                } else if sid.is_quit() {
                    return None;
                }
            }
        }
        sid = dfa.next_eoi_state(cache, sid).ok()?;
        if sid.is_match() && !record(cache, sid, 0) {
            return None;
        }
        // The search ran backwards: positions came in descending order.
        for s in &mut out {
            s.reverse();
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_start_of_every_pattern_is_reported_in_order() {
        let idx = StartIndex::new(&[r"\d+ apples", r"(?i)pear"]).unwrap();
        let starts = idx.starts("12 apples, Pear, 3 apples and pears").unwrap();
        // "12 apples" starts at 0 and also at 1 ("2 apples"); "3 apples" at 17.
        assert_eq!(starts[0], vec![0, 1, 17]);
        assert_eq!(starts[1], vec![11, 30]);
    }

    #[test]
    fn word_boundaries_see_the_text_around_a_start() {
        let idx = StartIndex::new(&[r"(?-u:\b)May(?-u:\b)"]).unwrap();
        let starts = idx.starts("Mayor May, in May.").unwrap();
        assert_eq!(starts[0], vec![6, 14]);
    }

    #[test]
    fn patterns_that_match_at_one_position_get_the_same_start() {
        // Two patterns whose matches both start at "Friday": the second is reported at
        // the same position, not a byte before it.
        let idx = StartIndex::new(&[r"(?-u:\b)(?:Friday|Monday)(?-u:\b)", r"(?i)friday"]).unwrap();
        let starts = idx.starts("made Friday and Monday").unwrap();
        assert_eq!(starts[0], vec![5, 16]);
        assert_eq!(starts[1], vec![5]);
    }

    #[test]
    fn a_text_with_too_many_starts_is_left_to_the_rules_one_by_one() {
        let idx = StartIndex::new(&[r"[0-9]+"]).unwrap();
        assert_eq!(idx.starts(&"7".repeat(1000)).unwrap()[0].len(), 1000);
        assert!(idx.starts(&"7".repeat(MAX_STARTS + 1)).is_none());
    }
}
