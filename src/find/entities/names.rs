//! Organisation names by their shape, for bodies no gazetteer lists (settings:
//! `[names]` in `rules/entities/names.toml`).
//!
//! - a run of capitalised words ending in a head word ("Gradient Institute"), or a head
//!   word with an "of / for / on" tail ("Ministry of Transport", "Centre for Policy,
//!   Law and Society"); a possessive ends the name ("the Ministry of Defence's budget");
//! - a publication: capitalised words ending in a strong media word ("The Harbour
//!   Gazette"), or a weak one in a reporting context ("reported by Tech Daily");
//! - the holder of a copyright line ("© 2024 Ridgeway Media Ltd.");
//! - the members of a company list ("companies such as Brightline, Corvid and Tamsin").
//!
//! Guards: generic-only names ("National Institute"), leading determiners and sentence
//! starts, event / law / document / legislature words, job titles, and anything a
//! gazetteer already names (known bodies and generic institute names keep their rules).

use super::Found;
use super::gazetteer::{Gazetteer, Raw, Role};
use super::word_starts::WordStarts;
use crate::model::MentionKind;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: the word sets are looked up for every capitalised word, and SipHash's
/// resistance to chosen keys buys nothing for a fixed list of rule words.
#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A set of words with the cheap hasher.
pub type Words = HashSet<String, BuildHasherDefault<Fnv>>;

/// The `[names]` settings.
pub struct NameRules {
    pub heads: Words,
    pub legal_forms: Words,
    pub media_strong: Words,
    pub media_weak: Words,
    pub reported_by: Vec<String>,
    pub reporting: Words,
    pub company_lists: Vec<String>,
    /// Every head and media word, for the first test of each capitalised word, and the
    /// lengths of those words by first byte (bits of [`length_bit`]), a test before it.
    pub any_head: Words,
    pub head_lengths: [u32; 256],
    /// The company-list phrases as words, the first bytes of their first words, and
    /// their distinct first words (fewer than the phrases: "companies such as",
    /// "companies like", ...).
    pub list_phrases: Vec<Vec<String>>,
    pub list_first: [bool; 256],
    pub list_first_words: Vec<String>,
    /// Lengths (bits of [`length_bit`]) by first byte of the words that start a cue
    /// phrase: the list phrases' first words, "Copyright" and "c" / "C".
    pub cue_lengths: [u32; 256],
    /// Lengths (bits of [`length_bit`]) by first byte of the words the finder looks at
    /// even when they are not capitalised: connectors, "and" / "or", the list phrases'
    /// words, cue words and anaphora heads. Other plain lowercase words are merged into
    /// one token per run (see [`tokens_merging`]).
    pub keep_lengths: [u32; 256],
    pub generic: Words,
    pub not_first: Words,
    pub stop: Words,
    pub titles: Words,
    /// Present-tense verbs of a headline ("Launches"): after a country, they end the
    /// sentence's subject before a name.
    pub headline_verbs: Words,
    /// Words that join a name through "of" before it ("State of California ...").
    pub of_prefixes: Words,
    /// Heads that need two modifiers before them ("Administration").
    pub two_word_heads: Words,
    /// Lowercase words after a head that make it a modifier ("models").
    pub not_after: Words,
    /// Document words that end a tail but may qualify a head ("Strategy Council").
    pub tail_stop: Words,
    /// Heads for which a city is no qualifier ("Center").
    pub facility_heads: Words,
    /// Head words that, after "the", stand for the one body of that kind named before.
    pub anaphora_heads: Words,
}

impl Default for NameRules {
    fn default() -> NameRules {
        NameRules {
            heads: Words::default(),
            legal_forms: Words::default(),
            media_strong: Words::default(),
            media_weak: Words::default(),
            reported_by: Vec::new(),
            reporting: Words::default(),
            company_lists: Vec::new(),
            any_head: Words::default(),
            head_lengths: [0; 256],
            list_phrases: Vec::new(),
            list_first: [false; 256],
            list_first_words: Vec::new(),
            cue_lengths: [0; 256],
            keep_lengths: [0; 256],
            generic: Words::default(),
            not_first: Words::default(),
            stop: Words::default(),
            titles: Words::default(),
            headline_verbs: Words::default(),
            of_prefixes: Words::default(),
            two_word_heads: Words::default(),
            not_after: Words::default(),
            tail_stop: Words::default(),
            facility_heads: Words::default(),
            anaphora_heads: Words::default(),
        }
    }
}

impl NameRules {
    /// Builds the derived tables once all files are read.
    pub fn compile(&mut self) {
        self.any_head = self
            .heads
            .iter()
            .chain(&self.media_strong)
            .chain(&self.media_weak)
            .cloned()
            .collect();
        self.head_lengths = length_table(self.any_head.iter().map(String::as_str));
        self.list_phrases = self
            .company_lists
            .iter()
            .map(|p| {
                tokens(p, 0, p.len())
                    .iter()
                    .map(|t| p[t.start..t.end].to_string())
                    .collect()
            })
            .filter(|w: &Vec<String>| !w.is_empty())
            .collect();
        self.list_first_words.clear();
        for p in &self.list_phrases {
            self.list_first[p[0].as_bytes()[0] as usize] = true;
            if !self.list_first_words.contains(&p[0]) {
                self.list_first_words.push(p[0].clone());
            }
        }
        let cue_words = self.list_first_words.iter().map(String::as_str);
        self.cue_lengths = length_table(cue_words.chain(["Copyright", "c", "C"]));
        let keep = CONNECTORS
            .iter()
            .chain(&["and", "or", "the", "Copyright", "c", "C"])
            .copied()
            .chain(self.list_phrases.iter().flatten().map(String::as_str))
            .chain(self.anaphora_heads.iter().map(String::as_str));
        self.keep_lengths = length_table(keep);
    }
}

const RULE_HEAD: &str = "entities/names:head-word";
const RULE_MEDIA: &str = "entities/names:publication";
const RULE_COPYRIGHT: &str = "entities/names:copyright";
const RULE_LIST: &str = "entities/names:company-list";
const RULE_DATELINE: &str = "entities/names:dateline";
const RULE_COREFERENCE: &str = "entities/names:coreference";

/// The rules of this module, for `aisi rules stats`.
pub const RULES: &[&str] = &[
    RULE_HEAD,
    RULE_MEDIA,
    RULE_COPYRIGHT,
    RULE_LIST,
    RULE_DATELINE,
    RULE_COREFERENCE,
];

/// Longest name considered, in words.
const MAX_WORDS: usize = 14;

/// What follows a word up to the next one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Trail {
    /// A space only.
    None,
    Comma,
    /// "'s" (not part of the word's span).
    Possessive,
    /// Any other punctuation: the name cannot go on.
    Break,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    start: usize,
    end: usize,
    /// Punctuation before the word ("(", a quote).
    lead: bool,
    trail: Trail,
}

/// Splits the normalised text into words with what surrounds them.
fn tokens(s: &str, from: usize, to: usize) -> Vec<Tok> {
    tokens_merging(s, from, to, &[u32::MAX; 256], |b, at, to| {
        alnum_end(b, at, to)
    })
}

/// The end of the run of ASCII letters and digits from `at` (at most `to`).
pub(super) fn alnum_end(b: &[u8], at: usize, to: usize) -> usize {
    let mut e = at;
    while e + 8 <= to {
        // One unaligned load (a byte array built by hand compiles to eight loads).
        let w: [u8; 8] = b[e..e + 8].try_into().unwrap_or_default();
        let m = non_alnum8(u64::from_le_bytes(w));
        if m != 0 {
            return e + (m.trailing_zeros() / 8) as usize;
        }
        e += 8;
    }
    while e < to && b[e].is_ascii_alphanumeric() {
        e += 1;
    }
    e
}

/// [`tokens`], except that a run of plain words (ASCII letters and digits between spaces)
/// that do not start with a capital and miss `keep` (lengths by first byte, as
/// [`NameRules::keep_lengths`]) is one token spanning the run. No rule tells such words
/// apart: none is capitalised, a connector or a cue word, and their trails (a break or
/// not) are never read. Most words of a text are such words, and every pass over the
/// tokens is shorter for it. `run_end` is [`alnum_end`], or the same read from the
/// document's [`WordStarts`].
fn tokens_merging(
    s: &str,
    from: usize,
    to: usize,
    keep: &[u32; 256],
    run_end: impl Fn(&[u8], usize, usize) -> usize,
) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity((to - from) / 6);
    // Whether the last token pushed is a run of merged words.
    let mut merging = false;
    let b = s.as_bytes();
    let mut k = from;
    // Pieces between spaces (a space is ASCII, so every piece starts and ends on a char
    // boundary). Most pieces are plain words, letters and digits up to a space: their
    // ends are found without a branch per byte (a byte loop here cost ~5% of the find
    // stage, most of it mispredicted loop exits).
    while k < to {
        if b[k] == b' ' {
            k += 1;
            continue;
        }
        let start = k;
        let e = run_end(b, k, to);
        if e > start && (e == to || b[e] == b' ') {
            let f = b[start];
            let dull = !f.is_ascii_uppercase() && keep[f as usize] & length_bit(e - start) == 0;
            match out.last_mut() {
                Some(last) if dull && merging => last.end = e,
                _ => out.push(Tok {
                    start,
                    end: e,
                    lead: false,
                    trail: Trail::None,
                }),
            }
            merging = dull;
            // The byte after a plain word is a space (or the end).
            k = e + 1;
            continue;
        }
        // Pieces are short: a byte loop beats `memchr`'s setup here.
        k = e;
        while k < to && b[k] != b' ' {
            k += 1;
        }
        piece(s, start, k, &mut out);
        merging = false;
    }
    out
}

/// High bit of each byte (little-endian) that is not an ASCII letter or digit.
pub(super) fn non_alnum8(x: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Per byte of at most 0x7f: the high bit set where it is >= c (no carries).
    let ge = |v: u64, c: u8| v.wrapping_add(LO * u64::from(0x80 - c)) & HI;
    let x7 = x & !HI;
    let digit = ge(x7, b'0') & !ge(x7, b'9' + 1);
    let l = x7 | (LO * 0x20);
    let alpha = ge(l, b'a') & !ge(l, b'z' + 1);
    (!(digit | alpha) & HI) | (x & HI)
}

/// The word of one piece `s[start..end]` (no spaces), pushed to `out`; punctuation alone
/// marks the word before as the end of a name.
fn piece(s: &str, start: usize, end: usize, out: &mut Vec<Tok>) {
    let piece = &s[start..end];
    let p_start = start;
    if piece == "&" {
        out.push(Tok {
            start: p_start,
            end: p_start + 1,
            lead: false,
            trail: Trail::None,
        });
        return;
    }
    let Some(first) = piece.find(|c: char| c.is_alphanumeric()) else {
        // Punctuation alone breaks a name.
        if let Some(last) = out.last_mut() {
            last.trail = Trail::Break;
        }
        return;
    };
    let last_alnum = piece
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphanumeric())
        .map_or(piece.len(), |(i, c)| i + c.len_utf8());
    let mut end = last_alnum;
    let rest = &piece[last_alnum..];
    let word = &piece[first..last_alnum];
    let trail = if rest.is_empty() {
        match word.strip_suffix("'s") {
            Some(w) if !w.is_empty() => {
                end = first + w.len();
                Trail::Possessive
            }
            _ => Trail::None,
        }
    } else if rest == "," {
        Trail::Comma
    } else if rest == "." && word.contains('.') {
        // "U.S.", "J.P.": the dot belongs to the abbreviation.
        end = last_alnum + 1;
        Trail::None
    } else if rest == "'" && word.ends_with('s') {
        Trail::Possessive
    } else {
        Trail::Break
    };
    out.push(Tok {
        start: p_start + first,
        end: p_start + end,
        lead: first > 0,
        trail,
    });
}

/// Whether `w` is one of the words [`tokens`] makes of `s`: each place it occurs is
/// tokenised with the rest of its piece (the text between two spaces).
fn is_word(s: &str, w: &str) -> bool {
    let b = s.as_bytes();
    memchr::memmem::find_iter(b, w.as_bytes()).any(|at| {
        let from = memchr::memrchr(b' ', &b[..at]).map_or(0, |k| k + 1);
        let to = memchr::memchr(b' ', &b[at..]).map_or(b.len(), |k| at + k);
        tokens(s, from, to).iter().any(|t| &s[t.start..t.end] == w)
    })
}

/// A verb form, adverb or plural ("Following", "Joined", "Launches", "Challenges"): at the
/// start of a chunk, a word that is part of the sentence rather than of a name, when the
/// document also writes it in lowercase.
fn is_verb_form(w: &str) -> bool {
    let plural = w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us");
    w.len() > 3 && (w.ends_with("ed") || w.ends_with("ing") || w.ends_with("ly") || plural)
}

/// A word length as one bit of a `u32` (lengths from 31 on share the last bit).
fn length_bit(len: usize) -> u32 {
    1 << len.min(31)
}

/// The lengths of `words` by first byte (bits of [`length_bit`]).
fn length_table<'a>(words: impl IntoIterator<Item = &'a str>) -> [u32; 256] {
    let mut table = [0; 256];
    for w in words {
        if let Some(&f) = w.as_bytes().first() {
            table[f as usize] |= length_bit(w.len());
        }
    }
    table
}

/// Asked of nearly every word: an ASCII first byte answers without decoding a char.
fn is_cap(w: &str) -> bool {
    match w.as_bytes().first() {
        Some(&b) if b < 0x80 => b.is_ascii_uppercase(),
        _ => w.chars().next().is_some_and(char::is_uppercase),
    }
}

/// Lowercase words that may join the parts of a name.
fn is_connector(w: &str) -> bool {
    // A `match` on the strings (by length, then bytes) rather than a scan of the list.
    matches!(
        w,
        "of" | "for" | "on" | "and" | "&" | "the" | "de" | "du" | "des" | "la" | "le" | "et" | "d'"
    )
}

/// The words of [`is_connector`], for [`NameRules::keep_lengths`].
const CONNECTORS: &[&str] = &[
    "of", "for", "on", "and", "&", "the", "de", "du", "des", "la", "le", "et", "d'",
];

/// Every organisation found by shape, added to `out`.
pub fn find<'a>(
    g: &'a Gazetteer,
    s: &'a str,
    breaks: &[usize],
    lines: &[usize],
    words: &WordStarts,
    raws: &[Raw],
    out: &mut Vec<Found<'a>>,
) {
    let n = &g.names;
    if n.heads.is_empty() && n.media_strong.is_empty() {
        return;
    }
    let mut toks = tokens_merging(s, 0, s.len(), &n.keep_lengths, |_, at, to| {
        words.alnum_end(at, to)
    });
    // A blank line, a tab or a column gap ends a name: the word before each break. Breaks
    // and lines are ascending, so one cursor into the tokens goes along with them (a
    // binary search per break mispredicted at every step).
    let mut k = 0;
    for &b in breaks {
        while k < toks.len() && toks[k].end <= b {
            k += 1;
        }
        if k > 0 && k < toks.len() && b < toks[k].start {
            toks[k - 1].trail = Trail::Break;
        }
    }
    // A single line break after a label line (a heading, a table's row label, a form's
    // field name: every word since the last break capitalised or a short function word)
    // ends a name too: "Working Paper" under a research centre's name, a table's "Total"
    // above a row are not part of the name below or above. A line of wrapped prose holds
    // lowercase words, so a name broken across it stays one.
    let (mut k, mut first, mut nb) = (0, 0, 0);
    let mut prev_line = 0;
    for &b in lines {
        let line_start = std::mem::replace(&mut prev_line, b);
        while k < toks.len() && toks[k].end <= b {
            k += 1;
        }
        if k == 0 || k >= toks.len() || b >= toks[k].start || toks[k - 1].trail != Trail::None {
            continue;
        }
        while nb < breaks.len() && breaks[nb] < b {
            nb += 1;
        }
        let prev_break = if nb > 0 { breaks[nb - 1] } else { 0 };
        let from = line_start.max(prev_break);
        // `from` never goes back: the line before and the break before both only grow.
        while first < k && toks[first].start < from {
            first += 1;
        }
        let label = first < k
            && toks[first..k].iter().all(|t| {
                let w = &s[t.start..t.end];
                is_cap(w) || is_connector(w) || w.len() <= 3
            });
        if label {
            toks[k - 1].trail = Trail::Break;
        }
    }
    let mut ctx = Ctx {
        g,
        s,
        raws,
        lower_words: Vec::new(),
        toks: &toks,
        found: Vec::new(),
        the_at: Vec::new(),
    };
    // Chunks: capitalised words and the connectors between them.
    let mut i = 0;
    while i < toks.len() {
        if !ctx.cap(&toks[i]) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < toks.len() && j + 1 - i < 3 * MAX_WORDS {
            let (t, next) = (&toks[j], &toks[j + 1]);
            if t.trail == Trail::Break
                || next.lead
                || !(ctx.cap(next) || is_connector(ctx.word(next)))
            {
                break;
            }
            j += 1;
        }
        ctx.chunk(&toks[i..=j]);
        i = j + 1;
    }
    ctx.cue_phrases();
    let Ctx {
        mut found, the_at, ..
    } = ctx;
    if found.is_empty() {
        return;
    }
    // "the Harwick Institute" after "the Harwick Institute for Technology Policy" is the
    // same body: a name that a longer one continues with "of / for / on" takes its value.
    // Distinct values only: a long document repeats its names many times. In sorted order,
    // so that of two longer forms ("X of A", "X for B") the same one is taken every run,
    // and the longer forms of a name are the names just after it.
    let values: std::collections::BTreeSet<&str> = found
        .iter()
        .map(|f| f.2.as_str())
        .chain(
            out.iter()
                .filter(|f| f.kind == MentionKind::Organization)
                .map(|f| &*f.value),
        )
        .collect();
    let mut full_of: HashMap<String, String, BuildHasherDefault<Fnv>> = HashMap::default();
    for v in &values {
        let full = values
            .range::<&str, _>((std::ops::Bound::Excluded(v), std::ops::Bound::Unbounded))
            .take_while(|w| w.starts_with(*v))
            .find(|w| {
                let rest = &w[v.len()..];
                rest.starts_with(" of ") || rest.starts_with(" for ") || rest.starts_with(" on ")
            });
        if let Some(full) = full {
            full_of.insert(v.to_string(), full.to_string());
        }
    }
    drop(values);
    for f in found.iter_mut() {
        if let Some(full) = full_of.get(&f.2) {
            f.2 = full.clone();
        }
    }
    // Mentions found so far, by start, to test overlaps without a scan per name.
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by_key(|&k| out[k].start);
    let longest = out.iter().map(|f| f.end - f.start).max().unwrap_or(0);
    let mut drop_place = vec![false; out.len()];
    let mut add = Vec::new();
    for (start, end, value, rule) in found {
        let lo = order.partition_point(|&k| out[k].start + longest <= start);
        let hits: Vec<usize> = order[lo..]
            .iter()
            .copied()
            .take_while(|&k| out[k].start < end)
            .filter(|&k| start < out[k].end)
            .collect();
        if hits
            .iter()
            .any(|&k| !matches!(out[k].kind, MentionKind::Country | MentionKind::Location))
        {
            continue;
        }
        // "Korea University", "Busan Women's University": the place is part of the name.
        for k in hits {
            drop_place[k] = true;
        }
        add.push(Found {
            start,
            end,
            kind: MentionKind::Organization,
            value: Cow::Owned(value),
            rule: Cow::Borrowed(rule),
            raw: None,
            weak: false,
        });
    }
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        !drop_place[k - 1]
    });
    out.extend(add);
    coreference(g, s, &toks, &the_at, out);
}

/// "the Ministry", "the Foundation": the one body with that head word the document has
/// named before ("the Ministry of Transport ... the Ministry said"). Two candidates: none.
fn coreference<'a>(
    g: &Gazetteer,
    s: &str,
    toks: &[Tok],
    the_at: &[usize],
    out: &mut Vec<Found<'a>>,
) {
    let n = &g.names;
    if n.anaphora_heads.is_empty() {
        return;
    }
    // Per head word: the first mention's value, and where a second distinct value starts.
    // Values borrowed from `out` (a String per organisation mention was made here).
    let mut by_head: HashMap<&str, (usize, &str, usize), BuildHasherDefault<Fnv>> =
        HashMap::default();
    let mut orgs: Vec<(usize, &str)> = out
        .iter()
        .filter(|f| f.kind == MentionKind::Organization)
        .map(|f| (f.start, &*f.value))
        .collect();
    orgs.sort();
    for (start, value) in orgs {
        let first = value.split(' ').next().unwrap_or("");
        let last = value.rsplit(' ').next().unwrap_or("");
        for h in [first, last] {
            let Some(h) = n.anaphora_heads.get(h) else {
                continue;
            };
            let e = by_head
                .entry(h.as_str())
                .or_insert((start, value, usize::MAX));
            if e.1 != value && e.2 == usize::MAX {
                e.2 = start;
            }
        }
    }
    if by_head.is_empty() {
        return;
    }
    let mut add = Vec::new();
    for &k in the_at {
        let Some([the, head, next]) = toks.get(k..k + 3) else {
            continue;
        };
        debug_assert!(the.trail == Trail::None && &s[the.start..the.end] == "the");
        let Some((first_at, value, second_at)) = by_head.get(&s[head.start..head.end]) else {
            continue;
        };
        // The name must end at the head ("the Ministry said", not "the Ministry of X").
        let nw = &s[next.start..next.end];
        let ends = head.trail != Trail::None || !(is_cap(nw) || is_connector(nw));
        if ends && *first_at < head.start && head.start < *second_at {
            add.push(Found {
                start: head.start,
                end: head.end,
                kind: MentionKind::Organization,
                value: Cow::Owned(value.to_string()),
                rule: Cow::Borrowed(RULE_COREFERENCE),
                raw: None,
                weak: false,
            });
        }
    }
    out.extend(add);
}

struct Ctx<'a, 'r> {
    g: &'a Gazetteer,
    s: &'a str,
    raws: &'r [Raw],
    /// Lowercase words asked about so far, with the answer.
    lower_words: Vec<(String, bool)>,
    toks: &'r [Tok],
    found: Vec<(usize, usize, String, &'static str)>,
    /// Where "the" is a word followed by a space only.
    the_at: Vec<usize>,
}

impl<'a> Ctx<'a, '_> {
    fn word(&self, t: &Tok) -> &'a str {
        &self.s[t.start..t.end]
    }

    fn rules(&self) -> &'a NameRules {
        &self.g.names
    }

    fn is_head(&self, w: &str) -> bool {
        let n = self.rules();
        // Most capitalised words fail the (first byte, length) test before any hashing.
        let b = w.as_bytes();
        b.first()
            .is_some_and(|&f| n.head_lengths[f as usize] & length_bit(b.len()) != 0)
            && n.any_head.contains(w)
    }

    /// [`is_cap`] of a word, from its first byte when that is ASCII (no slice taken).
    fn cap(&self, t: &Tok) -> bool {
        match self.s.as_bytes()[t.start] {
            b if b < 0x80 => b.is_ascii_uppercase(),
            _ => is_cap(self.word(t)),
        }
    }

    /// One chunk of capitalised words and connectors: the names in it.
    fn chunk(&mut self, c: &[Tok]) {
        let mut i = 0;
        while i < c.len() {
            // A run: capitalised words joined by spaces only (a possessive inside a run,
            // "Seoul Women's University", joins too).
            if !self.cap(&c[i]) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < c.len()
                && self.cap(&c[j + 1])
                && (c[j].trail == Trail::None || (c[j].trail == Trail::Possessive && j > i))
            {
                j += 1;
            }
            let Some(h) = (i..=j).rev().find(|&k| self.is_head(self.word(&c[k]))) else {
                i = j + 1;
                continue;
            };
            let next = self.name_at(c, i, h, j);
            i = next.max(j + 1);
        }
    }

    /// A name whose head is `c[h]` in the run `c[i..=j]`; returns where to go on.
    fn name_at(&mut self, c: &[Tok], i: usize, h: usize, j: usize) -> usize {
        let n = self.rules();
        let head = self.word(&c[h]);
        let media = !n.heads.contains(head);
        // Left edge: drop determiners, titles, possessive owners and sentence-start words
        // the document also writes in lowercase.
        let mut l = (i..h)
            .rev()
            .find(|&k| n.titles.contains(self.word(&c[k])))
            .map_or(i, |k| k + 1);
        loop {
            if l >= h {
                break;
            }
            let w = self.word(&c[l]);
            // A verb form or a plural opening a chunk ("Joined Sompo ...", "Following Home
            // Office ...", a table header "Challenges Static Secretariat").
            let verb_form = is_verb_form(w)
                && (l == 0 || self.at_sentence_start(&c[l]))
                && self.written_lowercase(w);
            let drop = n.not_first.contains(w) || c[l].trail == Trail::Possessive || verb_form;
            if !drop {
                break;
            }
            l += 1;
        }
        // A headline's subject and verb before a name ("Ruritania Launches Global Safety
        // Network"): a country and then a headline verb are the sentence, not the name; the
        // name starts after them.
        if let Some(k) = (l + 1..h).rev().find(|&k| {
            let w = self.word(&c[k]);
            n.headline_verbs.contains(w)
                && c[k - 1].trail == Trail::None
                && self.is_country_word(c[k - 1].start, c[k - 1].end)
        }) {
            l = k + 1;
        }
        // "State of California Department of Technology": a "State of X" before the run.
        let mut formal = false;
        if l == i
            && i >= 2
            && self.word(&c[i - 1]) == "of"
            && c[i - 2].trail == Trail::None
            && n.of_prefixes.contains(self.word(&c[i - 2]))
        {
            l = i - 2;
            formal = true;
        }
        // "Information and Communication Strategy Committee", "Software & Information
        // Industry Association": one to three capitalised words and "and" before the run,
        // when they hold no head (else they are a name of their own) and no country.
        if l == i && i >= 2 && matches!(self.word(&c[i - 1]), "and" | "&") {
            let mut k = i - 1;
            while k > 0 && i - 1 - k < 3 {
                let w = self.word(&c[k - 1]);
                if !is_cap(w) || c[k - 1].trail != Trail::None || n.not_first.contains(w) {
                    break;
                }
                k -= 1;
            }
            let joined = k < i - 1
                && (k == 0 || !is_cap(self.word(&c[k - 1])))
                && (k..i - 1).all(|m| {
                    let w = self.word(&c[m]);
                    !self.is_head(w)
                        && !n.stop.contains(w)
                        && !n.titles.contains(w)
                        && !self.is_country_word(c[m].start, c[m].end)
                });
            if joined {
                l = k;
            }
        }
        // An event, law or legislature word anywhere in the modifiers: not an organisation.
        if (l..=h).any(|k| n.stop.contains(self.word(&c[k]))) {
            return h + 1;
        }
        // Tail: "of / for / on" and capitalised words, only after a head that ends its run.
        let mut end_tok = h;
        let mut tail = false;
        if !media && h == j && c[h].trail == Trail::None {
            if let Some(t) = self.tail(c, h + 1) {
                end_tok = t;
                tail = true;
            }
        } else if h < j && c[h].trail == Trail::None {
            // "National Research Council Canada": a country right after the head.
            let k = h + 1;
            if k == j && self.is_country(c[k].start, c[k].end) {
                end_tok = k;
            } else if !n.titles.contains(self.word(&c[k])) {
                // "Foundation Models", "Fund Grants": the head word is a modifier here.
                return j + 1;
            }
        }
        // "Dual-use Foundation models": a lowercase noun after the head.
        if !tail {
            let next = self.s[c[end_tok].end..].trim_start();
            let next = next
                .split(|ch: char| !ch.is_alphanumeric())
                .next()
                .unwrap_or("");
            if n.not_after.contains(next) && c[end_tok].trail == Trail::None {
                return end_tok + 1;
            }
        }
        let words = end_tok - l + 1;
        if !(2..=MAX_WORDS).contains(&words)
            || (!tail && n.two_word_heads.contains(head) && h - l < 2)
        {
            return end_tok + 1;
        }
        // Countries qualify a university ("Korea University") but do not make an office a
        // name ("UK Department"); a city does ("Tokyo Research Laboratory").
        let place_names = matches!(head, "University" | "College" | "School" | "Academy");
        let facility = n.facility_heads.contains(head);
        let generic = |k: usize| {
            n.generic.contains(self.word(&c[k]))
                || (!place_names && self.is_place_word(c[k].start, c[k].end, facility))
        };
        if !tail && !formal && (l..h).all(generic) {
            return end_tok + 1;
        }
        let (start, mut end) = (c[l].start, c[end_tok].end);
        // A legal form is not part of the name ("Harbour Media Ltd").
        let mut last = end_tok;
        while last > l && n.legal_forms.contains(self.word(&c[last])) {
            last -= 1;
            end = c[last].end;
        }
        if last == l && !n.heads.contains(self.word(&c[l])) {
            return end_tok + 1;
        }
        // A heading in capitals ("MINISTRY OF TRANSPORT") is not read as a name.
        let upper = |t: &Tok| {
            let w = self.word(t);
            w.chars().count() < 2 || !w.chars().any(char::is_lowercase)
        };
        if c[l..=end_tok].iter().all(upper) {
            return end_tok + 1;
        }
        if media && !self.publication_context(head, start, c[end_tok].end) {
            return end_tok + 1;
        }
        if self.known_or_institute(start, end, c[h].start, c[h].end)
            || self.known_acronym_after(end)
        {
            return end_tok + 1;
        }
        let rule = if media { RULE_MEDIA } else { RULE_HEAD };
        self.found
            .push((start, end, self.s[start..end].to_string(), rule));
        end_tok + 1
    }

    /// The last word of an "of / for / on" tail starting at `c[k]`, if there is one.
    fn tail(&self, c: &[Tok], mut k: usize) -> Option<usize> {
        let n = self.rules();
        let first = self.word(c.get(k)?);
        if !matches!(first, "of" | "for" | "on") {
            return None;
        }
        k += 1;
        if c.get(k).is_some_and(|t| self.word(t) == "the") {
            k += 1;
        }
        let mut end: Option<usize> = None;
        // A comma list ("Economy, Finance and Industry") is kept only once its "and" comes.
        let mut pending_comma: Option<usize> = None;
        while k < c.len() {
            // One run of capitalised words.
            let run_start = k;
            while k < c.len() {
                let w = self.word(&c[k]);
                if !is_cap(w) || n.titles.contains(w) || self.ends_tail(w) {
                    break;
                }
                if c[k].trail != Trail::None {
                    break;
                }
                k += 1;
            }
            let stopped_inside = k < c.len()
                && is_cap(self.word(&c[k]))
                && !n.titles.contains(self.word(&c[k]))
                && !self.ends_tail(self.word(&c[k]));
            let run_end = if stopped_inside { k } else { k.checked_sub(1)? };
            if run_end < run_start || (k == run_start && !stopped_inside) {
                break;
            }
            if pending_comma.is_none() {
                end = Some(run_end);
            }
            let trail = c[run_end].trail;
            k = run_end + 1;
            match trail {
                Trail::None => {}
                Trail::Comma => {
                    pending_comma.get_or_insert(run_end);
                    continue;
                }
                _ => break,
            }
            // Connectors and the next run.
            let Some(t) = c.get(k) else { break };
            let w = self.word(t);
            if !matches!(
                w,
                "of" | "and" | "&" | "for" | "on" | "de" | "du" | "des" | "et"
            ) {
                break;
            }
            let mut m = k + 1;
            if c.get(m).is_some_and(|t| self.word(t) == "the") {
                m += 1;
            }
            if !c.get(m).is_some_and(|t| is_cap(self.word(t))) {
                break;
            }
            // "University of Tokyo and Kyoto University": a second name, not a tail.
            if matches!(w, "and" | "&") {
                let mut r = m;
                let mut second_head = false;
                while r < c.len() && is_cap(self.word(&c[r])) {
                    second_head |= n.heads.contains(self.word(&c[r]));
                    if c[r].trail != Trail::None {
                        break;
                    }
                    r += 1;
                }
                if second_head {
                    break;
                }
                pending_comma = None;
            }
            k = m;
        }
        end
    }

    fn ends_tail(&self, w: &str) -> bool {
        let n = self.rules();
        n.stop.contains(w) || n.tail_stop.contains(w)
    }

    fn at_sentence_start(&self, t: &Tok) -> bool {
        if t.lead {
            return true;
        }
        let before = self.s[..t.start].trim_end();
        before.is_empty() || before.ends_with(['.', '!', '?', ':', '•', '|'])
    }

    /// Whether the document writes `w` in lowercase somewhere ("Following" / "following").
    ///
    /// Asked about one word per few documents (26 times over the 29 bundled ones), so
    /// each question is one substring search, answers kept; a set of every lowercase
    /// word, built per document, cost ~2% of the find stage.
    fn written_lowercase(&mut self, w: &str) -> bool {
        let lw = w.to_lowercase();
        if !(lw.as_bytes().first().is_some_and(u8::is_ascii_lowercase) && is_verb_form(&lw)) {
            return false;
        }
        if let Some((_, seen)) = self.lower_words.iter().find(|(x, _)| *x == lw) {
            return *seen;
        }
        let seen = is_word(self.s, &lw);
        self.lower_words.push((lw, seen));
        seen
    }

    /// A country name or adjective (or, with `cities`, any place) covers the word.
    fn is_place_word(&self, start: usize, end: usize, cities: bool) -> bool {
        let lo = self.raws.partition_point(|r| r.end <= start);
        self.raws[lo..]
            .iter()
            .take_while(|r| r.start < end)
            .any(|r| {
                self.g.targets_of(r).any(|t| {
                    self.g.entries.get(t.entry as usize).is_some_and(|e| {
                        e.kind == MentionKind::Country
                            || (cities && e.kind == MentionKind::Location)
                    })
                })
            })
    }

    /// A country name or adjective covers the word.
    fn is_country_word(&self, start: usize, end: usize) -> bool {
        let lo = self.raws.partition_point(|r| r.end <= start);
        self.raws[lo..]
            .iter()
            .take_while(|r| r.start < end)
            .any(|r| {
                self.g.targets_of(r).any(|t| {
                    self.g
                        .entries
                        .get(t.entry as usize)
                        .is_some_and(|e| e.kind == MentionKind::Country)
                })
            })
    }

    fn is_country(&self, start: usize, end: usize) -> bool {
        self.raws.iter().any(|r| {
            r.start == start
                && r.end == end
                && self.g.targets_of(r).any(|t| {
                    self.g
                        .entries
                        .get(t.entry as usize)
                        .is_some_and(|e| e.kind == MentionKind::Country)
                })
        })
    }

    /// A gazetteer name covering the head, or a generic institute name inside the span.
    fn known_or_institute(&self, start: usize, end: usize, hs: usize, he: usize) -> bool {
        let lo = self.raws.partition_point(|r| r.end <= start);
        self.raws[lo..]
            .iter()
            .take_while(|r| r.start < end)
            .any(|r| {
                self.g.targets_of(r).any(|t| match t.role {
                    Role::Head | Role::Anaphor => true,
                    Role::Name => {
                        r.start < he
                            && hs < r.end
                            && self.g.entries.get(t.entry as usize).is_some_and(|e| {
                                matches!(
                                    e.kind,
                                    MentionKind::Institute
                                        | MentionKind::Organization
                                        | MentionKind::Event
                                        | MentionKind::Location
                                        | MentionKind::Country
                                )
                            })
                    }
                    _ => false,
                })
            })
    }

    /// "... Development Authority (IMDA)": a known acronym right after the name says which
    /// body is meant (its gazetteer name), whatever the words before it.
    fn known_acronym_after(&self, end: usize) -> bool {
        let rest = &self.s[end..];
        let Some(inner) = rest.strip_prefix(" (") else {
            return false;
        };
        let at = end + 2;
        let Some(close) = inner.find(')').filter(|&k| k <= 16) else {
            return false;
        };
        let lo = self.raws.partition_point(|r| r.start < at);
        self.raws.get(lo).is_some_and(|r| {
            r.start == at
                && r.end == at + close
                && self.g.targets_of(r).any(|t| {
                    t.role == Role::Name
                        && self.g.entries.get(t.entry as usize).is_some_and(|e| {
                            matches!(e.kind, MentionKind::Organization | MentionKind::Institute)
                        })
                })
        })
    }

    /// A strong media word needs no context; a weak one a reporting verb or phrase, a
    /// copyright line or a citation ("Tech Daily, 4 May 2024").
    fn publication_context(&self, head: &str, start: usize, end: usize) -> bool {
        let n = self.rules();
        if n.media_strong.contains(head) {
            return true;
        }
        let before = self.s[..start].trim_end();
        let before = before.strip_suffix(" the").unwrap_or(before);
        let before = before.strip_suffix(" The").unwrap_or(before);
        let before_lc = before
            .get(before.len().saturating_sub(24)..)
            .unwrap_or("")
            .to_lowercase();
        if n.reported_by
            .iter()
            .any(|p| before_lc.ends_with(&format!(" {p}")) || before_lc == *p)
        {
            return true;
        }
        let after = &self.s[end..];
        let next_word: &str = after
            .trim_start()
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        if n.reporting.contains(next_word) && after.starts_with(' ') {
            return true;
        }
        // A citation: "; Tech Daily, 4 May 2024" or "[3] Tech Daily, May 2024".
        let cited_before = before.is_empty() || before.ends_with([';', ']', '.']);
        let cited_after = after.strip_prefix(", ").is_some_and(|a| {
            a.starts_with(|c: char| c.is_ascii_digit())
                || [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ]
                .iter()
                .any(|m| a.starts_with(m))
        });
        cited_before && cited_after
    }

    /// Copyright lines, datelines and company lists: their marks are found with byte
    /// searches and one look at each word.
    fn cue_phrases(&mut self) {
        let s = self.s;
        // A byte search: a `char` pattern stops at every 0xA9 byte ("é" holds one too).
        for at in memchr::memmem::find_iter(s.as_bytes(), "©".as_bytes()) {
            self.copyright(at + "©".len());
        }
        let toks = self.toks;
        let n = self.rules();
        let b = s.as_bytes();
        for (k, t) in toks.iter().enumerate() {
            // "the" before a possible head word, for `coreference` (saves it a pass).
            if t.trail == Trail::None && b.get(t.start..t.end) == Some(b"the") {
                self.the_at.push(k);
            }
            if t.trail == Trail::Break && b.get(t.end) == Some(&b')') {
                let rest = &s[t.end..];
                if rest.starts_with(") --") || rest.starts_with(") —") || rest.starts_with(") –")
                {
                    self.dateline(t.end);
                }
            }
            // Only words with the first byte and length of "Copyright", "c" or a list
            // phrase's first word are looked at (comparing every word cost ~1% of the
            // find stage).
            if n.cue_lengths[b[t.start] as usize] & length_bit(t.end - t.start) == 0 {
                continue;
            }
            let w = &s[t.start..t.end];
            match w {
                "Copyright" => self.copyright(t.end),
                // "(c) 2024 ...": the piece "(c)" ends one byte after the letter.
                "c" | "C" if t.lead && s[t.end..].starts_with(')') => self.copyright(t.end + 1),
                _ => {
                    if !n.list_first[w.as_bytes()[0] as usize]
                        || !n.list_first_words.iter().any(|f| f == w)
                    {
                        continue;
                    }
                    let hit = n.list_phrases.iter().find(|p| {
                        p.len() <= toks.len() - k
                            && p.iter()
                                .zip(&toks[k..])
                                .all(|(pw, tk)| *pw == s[tk.start..tk.end])
                    });
                    if let Some(p) = hit {
                        let k0 = k + p.len();
                        self.list_items(&toks[k0..toks.len().min(k0 + 40)]);
                    }
                }
            }
        }
    }

    /// A wire dateline: "LISBON, 3 March (Lusa) --" names the agency.
    fn dateline(&mut self, at: usize) {
        let s = self.s;
        {
            {
                let from = crate::utf8::floor_char(s, at.saturating_sub(40));
                let Some(open) = s[from..at].rfind('(').map(|o| from + o) else {
                    return;
                };
                // After a date or a city in capitals: "SEOUL, Nov. 27", "WASHINGTON".
                let before = s[..open].trim_end();
                let last = before.rsplit(' ').next().unwrap_or("");
                let dated = before.ends_with(|c: char| c.is_ascii_digit())
                    || (last.chars().filter(|c| c.is_alphabetic()).count() >= 3
                        && !last.chars().any(char::is_lowercase));
                if !dated {
                    return;
                }
                let toks = tokens(s, open + 1, at);
                let words: Vec<&str> = toks.iter().map(|t| self.word(t)).collect();
                let ok = (1..=3).contains(&words.len())
                    && words.iter().all(|w| {
                        is_cap(w)
                            && !self.rules().not_first.contains(*w)
                            && !self.rules().stop.contains(*w)
                            && !self.rules().tail_stop.contains(*w)
                    })
                    && toks.iter().all(|t| t.trail == Trail::None && !t.lead);
                if !ok {
                    return;
                }
                let (start, end) = (toks[0].start, toks[toks.len() - 1].end);
                if self.overlaps_any_name(start, end) {
                    return;
                }
                self.found
                    .push((start, end, s[start..end].to_string(), RULE_DATELINE));
            }
        }
    }

    /// "© 2024 Ridgeway Media Ltd." names the publisher; `p` is just after the mark.
    fn copyright(&mut self, mut p: usize) {
        let s = self.s;
        {
            let rest = &s[p..];
            let skip = rest.len() - rest.trim_start().len();
            p += skip;
            // Years ("2024", "2023-2025") and a comma.
            let years = s[p..]
                .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == ',' || c == ' '))
                .unwrap_or(s.len() - p);
            if years == 0 || !s[p..p + years].contains(|c: char| c.is_ascii_digit()) {
                return;
            }
            p += years;
            let to = (p + 120).min(s.len());
            let to = crate::utf8::floor_char(s, to).max(p);
            let toks = tokens(s, p, to);
            let mut k = 0;
            while k < toks.len() {
                let w = self.word(&toks[k]);
                if !(is_cap(w) || (k > 0 && is_connector(w))) || (k > 0 && toks[k].lead) {
                    break;
                }
                k += 1;
                if toks[k - 1].trail != Trail::None {
                    break;
                }
            }
            self.copyright_name(&toks[..k]);
        }
    }

    fn copyright_name(&mut self, toks: &[Tok]) {
        let n = self.rules();
        let mut l = 0;
        while l < toks.len() && n.not_first.contains(self.word(&toks[l])) {
            l += 1;
        }
        let mut r = toks.len();
        while r > l
            && (n.legal_forms.contains(self.word(&toks[r - 1]))
                || is_connector(self.word(&toks[r - 1])))
        {
            r -= 1;
        }
        if r <= l || r - l > 6 {
            return;
        }
        let words: Vec<&str> = toks[l..r].iter().map(|t| self.word(t)).collect();
        if words
            .iter()
            .any(|w| n.stop.contains(*w) || matches!(*w, "Crown" | "Copyright" | "Authors"))
        {
            return;
        }
        let (start, end) = (toks[l].start, toks[r - 1].end);
        if self.overlaps_any_name(start, end) {
            return;
        }
        self.found
            .push((start, end, self.s[start..end].to_string(), RULE_COPYRIGHT));
    }

    /// Whether a gazetteer name of any kind overlaps the span.
    fn overlaps_any_name(&self, start: usize, end: usize) -> bool {
        let lo = self.raws.partition_point(|r| r.end <= start);
        self.raws[lo..]
            .iter()
            .take_while(|r| r.start < end)
            .any(|r| {
                self.g
                    .targets_of(r)
                    .any(|t| matches!(t.role, Role::Name | Role::Head | Role::Anaphor))
            })
    }

    /// "companies such as Brightline, Corvid Systems and Tamsin": each listed name.
    fn list_items(&mut self, toks: &[Tok]) {
        let n = self.rules();
        let mut items: Vec<(usize, usize)> = Vec::new();
        let mut k = 0;
        loop {
            if toks
                .get(k)
                .is_some_and(|t| matches!(self.word(t), "and" | "or"))
            {
                k += 1;
            }
            let start = k;
            while k < toks.len() && k - start < 4 {
                let w = self.word(&toks[k]);
                if !(is_cap(w) || (k > start && w == "&")) || toks[k].lead && k > start {
                    break;
                }
                k += 1;
                if toks[k - 1].trail != Trail::None {
                    break;
                }
            }
            if k == start {
                break;
            }
            items.push((start, k - 1));
            let last = toks[k - 1];
            let next_is_and = toks
                .get(k)
                .is_some_and(|t| matches!(self.word(t), "and" | "or"));
            if !(last.trail == Trail::Comma || (last.trail == Trail::None && next_is_and)) {
                break;
            }
        }
        if items.len() < 2 {
            return;
        }
        for (a, b) in items {
            let (start, end) = (toks[a].start, toks[b].end);
            let words: Vec<&str> = toks[a..=b].iter().map(|t| self.word(t)).collect();
            if words
                .iter()
                .any(|w| n.not_first.contains(*w) || n.stop.contains(*w) || n.titles.contains(*w))
                || self.overlaps_any_name(start, end)
            {
                continue;
            }
            self.found
                .push((start, end, self.s[start..end].to_string(), RULE_LIST));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_possessives_commas_and_abbreviations_apart() {
        let s = "the Ministry of Defence's plan, (Tech Daily) U.S. & co.";
        let t = tokens(s, 0, s.len());
        let w: Vec<&str> = t.iter().map(|t| &s[t.start..t.end]).collect();
        assert_eq!(
            w,
            vec![
                "the", "Ministry", "of", "Defence", "plan", "Tech", "Daily", "U.S.", "&", "co"
            ]
        );
        assert_eq!(t[3].trail, Trail::Possessive);
        assert_eq!(t[4].trail, Trail::Comma);
        assert!(t[5].lead);
        assert_eq!(t[6].trail, Trail::Break);
        assert_eq!(t[7].trail, Trail::None);
    }

    #[test]
    fn a_word_is_found_only_as_a_whole_token() {
        let s = "Following the plan (following), refollowing";
        assert!(is_word(s, "following"));
        assert!(!is_word("Following refollowing followings", "following"));
        assert!(is_word("the Ministry's", "Ministry"));
    }

    #[test]
    fn tokens_are_the_words_of_the_pieces_between_spaces() {
        // The plain definition: every piece through `piece`, one at a time.
        let slow = |s: &str, from: usize, to: usize| {
            let mut out = Vec::new();
            let mut at = from;
            for p in s[from..to].split(' ') {
                if !p.is_empty() {
                    piece(s, at, at + p.len(), &mut out);
                }
                at += p.len() + 1;
            }
            out
        };
        let key = |t: &[Tok]| -> Vec<(usize, usize, bool, Trail)> {
            t.iter()
                .map(|t| (t.start, t.end, t.lead, t.trail))
                .collect()
        };
        let s = "Ministry of Defence's 2024 plan, (Tech Daily) U.S. & co. -- Université Lumière \
                 ©2024 abcdefghijklmnop ABCDEFGH12345678 a-b x_y z'  end, «Agence» Labs' Z09az";
        for from in (0..s.len()).filter(|&k| s.is_char_boundary(k)) {
            for to in [s.len(), s.len() - 3, from + 9, from + 17] {
                if to >= from && to <= s.len() && s.is_char_boundary(to) {
                    assert_eq!(
                        key(&tokens(s, from, to)),
                        key(&slow(s, from, to)),
                        "{from}..{to}"
                    );
                }
            }
        }
        for b in 0..=255u8 {
            let m = non_alnum8(u64::from(b));
            assert_eq!(m & 0x80 == 0, b.is_ascii_alphanumeric(), "{b:#x}");
        }
    }

    #[test]
    fn merged_runs_hold_only_plain_lowercase_words_that_are_not_kept() {
        let mut n = NameRules {
            company_lists: vec!["companies such as".into()],
            ..NameRules::default()
        };
        n.compile();
        let s = "the plan was agreed by companies such as Brightline, Corvid and Tamsin \
                 in 2024 and then reviewed at the Ministry of Transport (c) 2025 last week";
        let all = tokens(s, 0, s.len());
        let merged = tokens_merging(s, 0, s.len(), &n.keep_lengths, |b, at, to| {
            alnum_end(b, at, to)
        });
        let dull = |t: &Tok| {
            let w = &s[t.start..t.end];
            w.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                && !is_connector(w)
                && !matches!(w, "and" | "or" | "c" | "companies" | "such" | "as")
        };
        let key = |t: &Tok| (t.start, t.end, t.lead, t.trail);
        // The kept tokens are the same, in the same places between merged runs.
        let shape = |ts: &[Tok], merged: bool| -> Vec<Option<(usize, usize, bool, Trail)>> {
            let mut v: Vec<Option<_>> = Vec::new();
            for t in ts {
                let is_run = if merged {
                    s[t.start..t.end].contains(' ') || dull(t)
                } else {
                    dull(t)
                };
                if !is_run {
                    v.push(Some(key(t)));
                } else if v.last() != Some(&None) {
                    v.push(None);
                }
            }
            v
        };
        assert_eq!(shape(&merged, true), shape(&all, false));
        assert!(merged.len() < all.len());
        // Runs' ends read from the word-start sets: the same tokens.
        let ws = WordStarts::new(s);
        let from_sets = tokens_merging(s, 0, s.len(), &n.keep_lengths, |_, at, to| {
            ws.alnum_end(at, to)
        });
        assert_eq!(
            from_sets.iter().map(key).collect::<Vec<_>>(),
            merged.iter().map(key).collect::<Vec<_>>()
        );
        for t in &merged {
            if s[t.start..t.end].contains(' ') {
                let words = tokens(s, t.start, t.end);
                assert!(words.len() > 1 && words.iter().all(dull), "{t:?}");
            }
        }
    }

    #[test]
    fn tokens_of_multibyte_text_stay_on_char_boundaries() {
        let s = "«Agence Générale» — Université Lumière, ©2024";
        for t in tokens(s, 0, s.len()) {
            assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
        }
    }
}
