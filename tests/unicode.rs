//! Property tests over random Unicode through every rule family (patterns, entities,
//! facts), with the project's rules: no input panics, every span lies on char boundaries
//! and quotes its text, and the Unicode spaces of real pages (no-break, em, thin,
//! ideographic ...) separate words for the rules as an ASCII space does.
//!
//! The generator is a seeded xorshift, so a failure names its seed and case and
//! reproduces exactly.

use aisi_tracker::facts;
use aisi_tracker::find::{self, DocContext};
use aisi_tracker::model::{DocText, DocumentRecord, Format, Mention, ProcessedDoc, Status};
use aisi_tracker::rules::RuleSet;
use std::path::PathBuf;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        RuleSet::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap()
    })
}

/// xorshift64*: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Every white-space character Unicode defines besides the ASCII ones.
const SPACES: [char; 19] = [
    '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}',
    '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}', '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}',
    '\u{202f}', '\u{205f}', '\u{3000}',
];

/// Combining marks, zero-width and bidi controls, and other characters that sit beside
/// words without being letters.
const ODD: [char; 14] = [
    '\u{300}',
    '\u{301}',
    '\u{308}',
    '\u{20dd}',
    '\u{200b}',
    '\u{200d}',
    '\u{200e}',
    '\u{202e}',
    '\u{feff}',
    '\u{fffd}',
    '\u{e000}',
    '\u{10ffff}',
    '\u{1f600}',
    '\u{c}',
];

/// Words and pieces the rules look for, so that random text reaches deep into them.
const PIECES: [&str; 40] = [
    "2024",
    "21",
    "November",
    "Nov.",
    "Q3",
    "FY2025",
    "fiscal year",
    "$",
    "£",
    "€",
    "¥",
    "million",
    "bn",
    "10.5",
    "1,000",
    "AI Safety Institute",
    "AISI",
    "UK",
    "US",
    "Japan",
    "NIST",
    "(",
    ")",
    "http://",
    "www.",
    "@",
    "/",
    "-",
    "–",
    ".",
    ",",
    ";",
    "\t",
    "\n",
    "\n\n",
    "last year",
    "ago",
    "staff",
    "c.",
    "launched",
];

fn random_char(rng: &mut Rng) -> char {
    loop {
        let c = match rng.below(4) {
            0 => rng.below(0x80) as u32,
            1 => rng.below(0x800) as u32,
            2 => rng.below(0x1_0000) as u32,
            _ => rng.below(0x11_0000) as u32,
        };
        if let Some(c) = char::from_u32(c) {
            return c;
        }
    }
}

fn random_text(rng: &mut Rng, len: usize) -> String {
    let mut s = String::new();
    while s.len() < len {
        match rng.below(10) {
            0..=3 => s.push_str(PIECES[rng.below(PIECES.len())]),
            4 | 5 => s.push(' '),
            6 => s.push(*rng.pick(&SPACES)),
            7 => s.push(*rng.pick(&ODD)),
            _ => s.push(random_char(rng)),
        }
    }
    s
}

fn doc(text: &str) -> (DocText, Vec<Mention>) {
    let text = DocText::from_pages(&text.split('\u{c}').collect::<Vec<_>>());
    let published = find::publication_date(rules(), &text);
    let ctx = DocContext {
        doc: "random.txt",
        text: &text,
        published: published.as_deref(),
    };
    let mentions = find::find(rules(), &ctx);
    (text, mentions)
}

fn check_spans(seed: u64, text: &str, mentions: &[Mention]) {
    for m in mentions {
        assert!(
            text.is_char_boundary(m.start) && text.is_char_boundary(m.end) && m.start < m.end,
            "seed {seed}: bad span {}..{} of {:?}",
            m.start,
            m.end,
            m.text
        );
        assert_eq!(&text[m.start..m.end], m.text, "seed {seed}");
    }
}

#[test]
fn random_unicode_never_panics_any_rule_family() {
    for seed in 1..=1000u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let len = 1 + rng.below(1500);
        let input = random_text(&mut rng, len);
        let (text, mentions) = doc(&input);
        check_spans(seed, &text.text, &mentions);
        let d = ProcessedDoc {
            record: DocumentRecord {
                doc: "random.txt".into(),
                sha256: String::new(),
                format: Format::Text,
                title: None,
                published: None,
                pages: text.page_count(),
                chars: text.text.chars().count(),
                status: Status::Ok,
                error: None,
                warnings: Vec::new(),
                work: None,
                copy_of: None,
                work_similarity: None,
            },
            text,
            mentions,
        };
        for c in facts::claims(&rules().facts, std::slice::from_ref(&d)) {
            let s = &c.source;
            assert!(
                d.text.text.is_char_boundary(s.start) && d.text.text.is_char_boundary(s.end),
                "seed {seed}: bad source span"
            );
        }
    }
}

/// Sentences whose mentions depend on the spaces between words.
const SENTENCES: [&str; 6] = [
    "The UK AI Safety Institute opened on 2 November 2023 in London.",
    "In 2024 the institute received £50 million a year from the government.",
    "On 21 November 2024 the US AI Safety Institute met in San Francisco.",
    "Japan AISI was launched in February 2024 with a budget of ¥1.2 billion.",
    "The network was announced on May 21, 2024 at the AI Seoul Summit.",
    "NIST will spend $10 million in fiscal year 2025.",
];

/// (kind, value) of each mention, in order: what must not depend on the kind of space.
fn found(mentions: &[Mention]) -> Vec<(String, String)> {
    mentions
        .iter()
        .map(|m| (m.kind.as_str().to_string(), m.value.to_string()))
        .collect()
}

#[test]
fn unicode_spaces_separate_words_as_ascii_spaces_do() {
    let mut rng = Rng(0x5eed);
    for sentence in SENTENCES {
        let (_, plain) = doc(sentence);
        assert!(!plain.is_empty(), "{sentence}: nothing found at all");
        let want = found(&plain);
        for &space in &SPACES {
            // Line and paragraph separators end lines; the rules may read them as breaks.
            if matches!(space, '\u{85}' | '\u{2028}' | '\u{2029}') {
                continue;
            }
            // Every space replaced, and then a random half of them.
            let all: String = sentence.replace(' ', &space.to_string());
            let some: String = sentence
                .chars()
                .map(|c| {
                    if c == ' ' && rng.below(2) == 0 {
                        space
                    } else {
                        c
                    }
                })
                .collect();
            for t in [all, some] {
                let (text, ms) = doc(&t);
                check_spans(0, &text.text, &ms);
                assert_eq!(found(&ms), want, "U+{:04X} in {t:?}", space as u32);
            }
        }
    }
}
