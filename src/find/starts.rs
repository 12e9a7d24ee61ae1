//! Where each pattern rule can start a match, for all rules in one pass over a text.
//!
//! Running every rule's own regex over the whole document costs one pass per rule, and
//! with a few hundred date, money and quantity rules that was most of the find stage. One
//! reverse, overlapping search of a lazy DFA built from all patterns instead reports every
//! position where some match of each pattern begins. The engine then runs a rule's regex
//! only from those positions: the leftmost match from a position that starts a match is
//! the match starting there, so the rule finds exactly the matches its own pass over the
//! text would have found.

use regex_automata::hybrid::LazyStateID;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::{Input, MatchKind};
use std::sync::Mutex;

/// Lazy-DFA cache size. The DFA has states for a few hundred patterns; a cache that fits
/// the states a report visits keeps the search from rebuilding them. (4 MB held the rules
/// of late 2026 with little room: six more date rules made the find bench rebuild states
/// for every text, 6x slower; a cache is one per thread and grows only as states are
/// made.)
const CACHE_BYTES: usize = 16 << 20;

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
        StartIndex::with_cache(patterns, CACHE_BYTES)
    }

    /// [`StartIndex::new`] with a lazy-DFA cache of `bytes`.
    fn with_cache(patterns: &[&str], bytes: usize) -> Option<StartIndex> {
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(bytes)
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

    /// The starts of every pattern: stretches of a long text read at once (see
    /// [`StartIndex::search_lanes`]), the whole text in one pass otherwise or when the
    /// stretches' search cannot vouch for its result.
    fn search(&self, cache: &mut Cache, text: &str) -> Option<Vec<Vec<usize>>> {
        if text.len() >= STRETCHES_FROM
            && let Some(out) = self.search_lanes::<LANES>(cache, text)
        {
            return Some(out);
        }
        self.search_whole(cache, text)
    }

    /// The reverse overlapping search, written out on the lazy DFA's transitions: the
    /// library's own (`try_search_overlapping_rev`, regex-automata 0.4.19) reports the
    /// second and later patterns that match at one position a byte early.
    fn search_whole(&self, cache: &mut Cache, text: &str) -> Option<Vec<Vec<usize>>> {
        let mut out = vec![Vec::new(); self.dfa.pattern_len()];
        let dfa = &self.dfa;
        let input = Input::new(text);
        let bytes = text.as_bytes();
        let mut listed = 0;
        let mut sid = dfa.start_state_reverse(cache, &input).ok()?;
        let mut at = bytes.len();
        while at > 0 {
            crate::budget::check();
            let chunk_start = at.saturating_sub(4096);
            while at > chunk_start {
                at -= 1;
                // Nearly every step goes from a cached state to a cached state that
                // matches nothing: the unchecked-for-tags transition is one load.
                sid = step(dfa, cache, sid, bytes[at], None)?;
                if sid.is_match() {
                    // Matches are seen one byte late: this one starts after `at`.
                    listed += record(dfa, cache, sid, at + 1, &mut out);
                    if listed > MAX_STARTS {
                        return None;
                    }
                } else if sid.is_quit() {
                    return None;
                }
            }
        }
        sid = dfa.next_eoi_state(cache, sid).ok()?;
        if sid.is_match() {
            listed += record(dfa, cache, sid, 0, &mut out);
            if listed > MAX_STARTS {
                return None;
            }
        }
        // The search ran backwards: positions came in descending order.
        for s in &mut out {
            s.reverse();
        }
        Some(out)
    }
}

/// Texts from this long are read in several stretches at once.
const STRETCHES_FROM: usize = 8 << 10;
/// How many stretches.
const LANES: usize = 4;
/// A stretch's state is kept every this many bytes, to check its guess against.
const CHECKPOINT: usize = 256;
/// Bytes past a stretch's end read to guess the state the stretch after it ends in.
const WARM_UP: usize = 64;

/// One step of the lazy DFA: from a cached state that matches nothing, the unchecked-for-
/// tags transition (one load); otherwise, or to an uncached state, the full one. For one
/// of several runs sharing the cache, `clears` is its clear count when they began: `None`
/// once the cache has been cleared since (a clear makes the other runs' states
/// meaningless; a single run's state survives it).
#[inline(always)]
fn step(
    dfa: &DFA,
    cache: &mut Cache,
    sid: LazyStateID,
    byte: u8,
    clears: Option<usize>,
) -> Option<LazyStateID> {
    if !sid.is_tagged() {
        let next = dfa.next_state_untagged(cache, sid, byte);
        if !next.is_unknown() {
            return Some(next);
        }
    }
    let next = dfa.next_state(cache, sid, byte).ok()?;
    clears
        .is_none_or(|c| c == cache.clear_count())
        .then_some(next)
}

/// The patterns a match state matches, pushed at `at` (once per position): how many.
fn record(dfa: &DFA, cache: &Cache, sid: LazyStateID, at: usize, out: &mut [Vec<usize>]) -> usize {
    let mut pushed = 0;
    for k in 0..dfa.match_len(cache, sid) {
        let p = dfa.match_pattern(cache, sid, k).as_usize();
        if let Some(starts) = out.get_mut(p)
            && starts.last() != Some(&at)
        {
            starts.push(at);
            pushed += 1;
        }
    }
    pushed
}

/// One stretch of the text read by one lane of [`StartIndex::search_lanes`].
struct Lane {
    /// The stretch: `from..to`, read from `to` down.
    from: usize,
    to: usize,
    /// The state the lane started in: the true one for the last stretch, a guess for
    /// the others.
    guess: LazyStateID,
    /// The lane's state after reading each checkpoint byte, nearest `to` first.
    checkpoints: Vec<(usize, LazyStateID)>,
    /// Starts found, per pattern, in descending order.
    starts: Vec<Vec<usize>>,
}

impl StartIndex {
    /// [`StartIndex::search_whole`] as `N` searches stepped together, each over one
    /// stretch of the text: each step of a lazy DFA waits for the load of the last, and
    /// independent chains of loads take little more time than one. The last stretch
    /// starts from the true start state; each other one from a guess of the state the
    /// stretch after it ends in (the state after the few bytes past its end). Once all
    /// are read, from the end of the text back, each guess is checked against the true
    /// state; where it was wrong, the stretch is read again from the true state until the
    /// two runs agree at a checkpoint (a DFA forgets what it read long ago, so they nearly
    /// always agree at once), and the guessed run's starts after that point are replaced.
    /// The result is what one pass finds. `None` when the search cannot vouch for it (a
    /// quit state, too many starts): the caller then makes one pass, as it does when the
    /// lazy DFA's cache was cleared meanwhile.
    fn search_lanes<const N: usize>(
        &self,
        cache: &mut Cache,
        text: &str,
    ) -> Option<Vec<Vec<usize>>> {
        let dfa = &self.dfa;
        let bytes = text.as_bytes();
        let n = bytes.len();
        // The runs hold states of one cache: a clear of it (when it fills) ends this search.
        let clears = cache.clear_count();
        let mut lanes: Vec<Lane> = Vec::with_capacity(N);
        for i in 0..N {
            let (from, to) = (i * n / N, (i + 1) * n / N);
            let guess = if i + 1 == N {
                dfa.start_state_reverse(cache, &Input::new(text)).ok()?
            } else {
                // The state after reading back from a little past the stretch's end.
                let warm = (to + WARM_UP).min(n);
                let mut s = dfa
                    .start_state_reverse(cache, &Input::new(text).range(..warm))
                    .ok()?;
                for &b in bytes[to..warm].iter().rev() {
                    s = step(dfa, cache, s, b, Some(clears))?;
                }
                s
            };
            lanes.push(Lane {
                from,
                to,
                guess,
                checkpoints: Vec::with_capacity((to - from) / CHECKPOINT + 1),
                starts: vec![Vec::new(); dfa.pattern_len()],
            });
        }
        if cache.clear_count() != clears {
            return None;
        }
        let mut state: [LazyStateID; N] = std::array::from_fn(|i| lanes[i].guess);
        let mut at: [usize; N] = std::array::from_fn(|i| lanes[i].to);
        // Every lane has at least the first lane's length (the stretches differ by a byte).
        let common = lanes[0].to - lanes[0].from;
        // Starts listed so far, guessed ones included: past the limit, the one pass decides.
        let mut listed = 0;
        let mut done = 0;
        while done < common {
            // The clock is read every 4 KB, as in the one pass.
            if (done / CHECKPOINT).is_multiple_of(4096 / CHECKPOINT) {
                crate::budget::check();
            }
            if listed > MAX_STARTS {
                return None;
            }
            let chunk = CHECKPOINT.min(common - done);
            for _ in 0..chunk {
                let mut tagged = false;
                for i in 0..N {
                    at[i] -= 1;
                    state[i] = step(dfa, cache, state[i], bytes[at[i]], Some(clears))?;
                    tagged |= state[i].is_tagged();
                }
                if tagged {
                    for i in 0..N {
                        if state[i].is_quit() {
                            return None;
                        }
                        // Matches are seen one byte late: they start after the byte read.
                        if state[i].is_match() {
                            listed += record(dfa, cache, state[i], at[i] + 1, &mut lanes[i].starts);
                        }
                    }
                }
            }
            done += chunk;
            for i in 0..N {
                lanes[i].checkpoints.push((at[i], state[i]));
            }
        }
        // The rest of the longer stretches (a byte at most).
        for i in 0..N {
            while at[i] > lanes[i].from {
                at[i] -= 1;
                state[i] = step(dfa, cache, state[i], bytes[at[i]], Some(clears))?;
                if state[i].is_quit() {
                    return None;
                }
                if state[i].is_match() {
                    listed += record(dfa, cache, state[i], at[i] + 1, &mut lanes[i].starts);
                }
                lanes[i].checkpoints.push((at[i], state[i]));
            }
        }
        // From the end of the text back: each stretch's true start is where the stretch
        // after it ended.
        let mut truth = state[N - 1];
        for i in (0..N - 1).rev() {
            let lane = &mut lanes[i];
            if truth == lane.guess {
                truth = state[i];
                continue;
            }
            let mut again = vec![Vec::new(); dfa.pattern_len()];
            let mut s = truth;
            let mut agree_at = None;
            let mut cps = lane.checkpoints.iter().peekable();
            let mut p = lane.to;
            while p > lane.from {
                p -= 1;
                s = step(dfa, cache, s, bytes[p], Some(clears))?;
                if s.is_quit() {
                    return None;
                }
                if s.is_match() {
                    listed += record(dfa, cache, s, p + 1, &mut again);
                    if listed > 2 * MAX_STARTS {
                        return None;
                    }
                }
                while cps.peek().is_some_and(|&&(x, _)| x > p) {
                    cps.next();
                }
                if let Some(&&(x, cp)) = cps.peek()
                    && x == p
                    && cp == s
                {
                    agree_at = Some(p);
                    break;
                }
            }
            match agree_at {
                // From here on the guessed run is right: its starts at or before `p`.
                Some(p) => {
                    for (a, g) in again.iter_mut().zip(&lane.starts) {
                        a.extend_from_slice(&g[g.partition_point(|&x| x > p)..]);
                    }
                    truth = state[i];
                }
                None => truth = s,
            }
            lane.starts = again;
        }
        let eoi = dfa.next_eoi_state(cache, truth).ok()?;
        if cache.clear_count() != clears {
            return None;
        }
        if eoi.is_match() {
            record(dfa, cache, eoi, 0, &mut lanes[0].starts);
        }
        let listed: usize = lanes.iter().flat_map(|l| &l.starts).map(Vec::len).sum();
        if listed > MAX_STARTS {
            return None;
        }
        let mut out = std::mem::take(&mut lanes[N - 1].starts);
        for lane in lanes[..N - 1].iter().rev() {
            for (o, l) in out.iter_mut().zip(&lane.starts) {
                o.extend_from_slice(l);
            }
        }
        for o in &mut out {
            o.reverse();
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

    /// The search in stretches (two, three and the number used) and the one pass, which
    /// must agree: the stretched results, and the one pass's.
    fn stretched_and_whole(idx: &StartIndex, text: &str) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
        let mut cache = idx.dfa.create_cache();
        let two = idx.search_lanes::<2>(&mut cache, text).expect("two lanes");
        let three = idx
            .search_lanes::<3>(&mut cache, text)
            .expect("three lanes");
        let lanes = idx.search_lanes::<LANES>(&mut cache, text).expect("lanes");
        let whole = idx.search_whole(&mut cache, text).expect("whole");
        assert_eq!(two, three);
        assert_eq!(two, lanes);
        (lanes, whole)
    }

    #[test]
    fn stretches_read_at_once_find_what_one_pass_finds() {
        let idx = StartIndex::new(&[
            r"\d+ apples",
            r"(?i)pear",
            r"(?-u:\b)May(?-u:\b)",
            r"[A-Z][a-z]+ \d{4}",
            r"(?i)on\s+(?:Monday|Friday)",
        ])
        .unwrap();
        let unit = "In May 2024, 12 apples and a Pear; Mayor Maya said on Friday that 7 apples \
            were sold on\nMonday. ";
        let long = unit.repeat(200);
        // Cut so that the stretches' ends fall at every offset of the repeated unit.
        for cut in 0..unit.len() {
            let text = &long[..long.len() - cut];
            if !text.is_char_boundary(text.len()) {
                continue;
            }
            let (stretched, whole) = stretched_and_whole(&idx, text);
            assert!(whole.iter().all(|s| !s.is_empty()));
            assert_eq!(stretched, whole, "cut {cut}");
        }
    }

    #[test]
    fn a_wrong_guess_at_a_stretch_end_is_read_again() {
        // The stretches end inside a run of digits that ends in " apples": a guess, made
        // from the digits past a stretch's end alone, misses the match the true state
        // carries.
        let idx = StartIndex::new(&[r"\d+ apples", r"\d{3}"]).unwrap();
        let text = format!("x {} apples, 123 and 4 apples", "1".repeat(20_000));
        let (stretched, whole) = stretched_and_whole(&idx, &text);
        assert_eq!(whole[0].len(), 20_001);
        assert_eq!(stretched, whole);
        // And one that agrees again soon after a stretch's end.
        let text = format!(
            "{} 5 apples {}",
            "pear 12 apples ".repeat(700),
            "9".repeat(40)
        );
        let (stretched, whole) = stretched_and_whole(&idx, &text);
        assert_eq!(stretched, whole);
    }

    #[test]
    fn starts_around_the_point_where_a_guess_is_found_right_are_kept_once() {
        // Runs of digits longer than the guess's look-ahead, ending in " apples", with a
        // start at nearly every letter: stretches that begin inside a run guess wrong and
        // agree again at a checkpoint among letters, where starts lie on both sides.
        let idx = StartIndex::new(&[r"\d+ apples", r"[a-z]"]).unwrap();
        let block = format!("{}{} apples ", "abcdefghij".repeat(30), "1".repeat(300));
        let long = block.repeat(30);
        for cut in (0..block.len()).step_by(7) {
            let (lanes, whole) = stretched_and_whole(&idx, &long[..long.len() - cut]);
            assert_eq!(lanes, whole, "cut {cut}");
        }
    }

    #[test]
    fn a_cache_cleared_during_the_stretched_search_gives_what_one_pass_gives() {
        // A cache too small for the states a varied text visits is cleared again and
        // again: the stretches then give way to one pass, which survives clears.
        let pats: Vec<String> = (0..40)
            .map(|k| format!(r"(?i-u)\b[a-z]{{{}}}[0-9]{{{}}}\b", 1 + k % 7, 1 + k % 5))
            .chain([r"[0-9]+ apples".to_string(), r"(?i-u)pear".to_string()])
            .collect();
        let pats: Vec<&str> = pats.iter().map(String::as_str).collect();
        let Some(idx) = StartIndex::with_cache(&pats, 1 << 14) else {
            panic!("a 16 KB cache should build");
        };
        let mut text = String::new();
        let mut x: u64 = 7;
        while text.len() < 200_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let word: String = (0..1 + (x >> 60) as usize)
                .map(|i| {
                    char::from(b"abcdefgh0123456789 Pp"[((x >> ((i * 5) % 60)) % 21) as usize])
                })
                .collect();
            text.push_str(&word);
            text.push(' ');
        }
        let mut cache = idx.dfa.create_cache();
        let whole = idx.search_whole(&mut cache, &text).expect("whole");
        assert!(
            cache.clear_count() > 0,
            "the test needs a cache that is cleared"
        );
        let mut cache = idx.dfa.create_cache();
        let before = cache.clear_count();
        if let Some(lanes) = idx.search_lanes::<LANES>(&mut cache, &text) {
            assert_eq!(cache.clear_count(), before);
            assert_eq!(lanes, whole);
        }
        assert_eq!(idx.starts(&text).expect("starts"), whole);
    }

    #[test]
    fn a_text_with_too_many_starts_is_left_to_the_rules_one_by_one() {
        let idx = StartIndex::new(&[r"[0-9]+"]).unwrap();
        assert_eq!(idx.starts(&"7".repeat(1000)).unwrap()[0].len(), 1000);
        assert!(idx.starts(&"7".repeat(MAX_STARTS + 1)).is_none());
    }
}
