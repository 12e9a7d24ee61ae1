//! Text structure the fact rules reason over: sentences (and heading lines), tab-separated
//! table lines, and word positions from the `tokenizers` whitespace pre-tokenizer, so that
//! distances between a trigger and a mention are counted in words, not bytes.
//!
//! Never allocates per byte and never fails: odd text (no punctuation, one huge line) only
//! yields longer segments.

use tokenizers::tokenizer::{OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer};

/// A byte span of the document text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Sentences of prose: split after `.`/`!`/`?` followed by white space and an upper-case
/// letter, digit, quote or markup, at blank lines, at form feeds and at lines that hold a
/// tab (table rows are read by `tables`, never as prose). A line break inside a paragraph
/// does not end a sentence, since PDF text wraps lines mid-sentence.
/// Longest sentence (bytes) read as one; a longer run of text is cut at spaces.
const MAX_SENTENCE: usize = 8192;

pub fn sentences(text: &str) -> Vec<Span> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let push = |out: &mut Vec<Span>, s: usize, e: usize| {
        let (mut s, e) = trim(text, s, e);
        // Text without punctuation or breaks (a table flattened into one line, a generated
        // file) is no sentence: it is read in pieces cut at a space, so that what one
        // sentence costs the rules stays bounded.
        while e - s > MAX_SENTENCE {
            let cut = crate::utf8::floor_char(text, s + MAX_SENTENCE);
            let piece_end = text[s..cut]
                .rfind(char::is_whitespace)
                .map_or(cut, |k| s + k);
            let (ps, pe) = trim(text, s, piece_end.max(s + 1).min(cut));
            if pe > ps {
                out.push(Span { start: ps, end: pe });
            }
            s = if piece_end > s { piece_end } else { cut };
            (s, _) = trim(text, s, e);
            if s >= e {
                return;
            }
        }
        if e > s {
            out.push(Span { start: s, end: e });
        }
    };
    // The current line's start, kept as the scan goes: searching for it (and for the next
    // line's end) from every break would be quadratic on a text with few line breaks.
    let mut line_start = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\x0c' {
            // A form feed: a hard boundary.
            push(&mut out, start, i);
            start = i + 1;
        } else if c == b'\n' {
            // Blank line or a table line: hard boundaries.
            let next_line_end = text[i + 1..].find('\n').map_or(b.len(), |k| i + 1 + k);
            let this_line_is_table = text[line_start..i].contains('\t');
            let next_line = &text[i + 1..next_line_end];
            let next_blank = next_line.trim().is_empty();
            if next_blank
                || this_line_is_table
                || next_line.contains('\t')
                || is_list_item(next_line)
                || (is_timeline_entry(&text[line_start..i]) && is_timeline_entry(next_line))
                || (label_of_line(&text[line_start..i]).is_some()
                    && label_of_line(next_line).is_some())
                || ends_heading(text, line_start, i, next_line)
            {
                push(&mut out, start, i);
                start = i + 1;
            }
            line_start = i + 1;
        } else if (c == b'.' || c == b'!' || c == b'?') && i + 1 < b.len() {
            // Footnote markers after the stop belong to the sentence they close
            // ("... institutes.[7] The institute ...").
            let marks = crate::find::lines::footnote_marks(&text[i + 1..]);
            let rest = &text[i + 1 + marks..];
            let ws = rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\r']).len();
            if ws > 0 {
                let after = rest[ws..].chars().next().unwrap_or(' ');
                if (after.is_uppercase() || after.is_ascii_digit() || "\"“*_[(#-".contains(after))
                    && !is_abbreviation(&text[start..i + 1])
                {
                    push(&mut out, start, i + 1 + marks);
                    start = i + 1 + marks;
                }
            }
        }
        i += 1;
    }
    push(&mut out, start, b.len());
    out
}

fn trim(text: &str, s: usize, e: usize) -> (usize, usize) {
    let seg = &text[s..e];
    let lead = seg.len() - seg.trim_start().len();
    let tail = seg.len() - seg.trim_end().len();
    if lead + tail >= seg.len() {
        return (s, s);
    }
    (s + lead, e - tail)
}

fn is_list_item(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") || t.starts_with('#') || {
        // "(3) International cooperation ...": a numbered item, "(12)" or "(b)", never a
        // wrapped line that opens on a bracketed year or acronym ("(EU) 2024/1689").
        let n = t
            .strip_prefix('(')
            .map_or(0, |r| r.chars().take_while(char::is_ascii_digit).count());
        let letter = t.starts_with('(')
            && t.as_bytes().get(1).is_some_and(u8::is_ascii_lowercase)
            && t.get(2..4) == Some(") ");
        (1..=2).contains(&n) && t[1 + n..].starts_with(") ") || letter
    }
}

/// The label of a fact sheet's line ("Director: A. Name", "- Launched: November 2023",
/// "**Budget (2024-25):** £66m", "Host organisation — the agency"): a bullet or number
/// and bold marks aside, a capitalised label of at most three words (a note in brackets
/// after it allowed), a colon or a dash, and a value on the same line.
pub(super) fn label_of_line(clause: &str) -> Option<&str> {
    let t = clause.trim();
    let t = t
        .strip_prefix(['-', '•', '*', '→', '▪', '◦', '–'])
        .map_or(t, str::trim_start);
    let t = t.trim_start_matches(['*', '_']);
    // Space-aligned sheets ("Director      A. Name") separate with a run of spaces.
    let (label, value) = [": ", "** ", " — ", " – ", " | ", "  "]
        .iter()
        .filter_map(|sep| t.split_once(sep))
        .min_by_key(|(l, _)| l.len())?;
    let label = label.trim_end_matches(['*', '_', ':']).trim_end();
    let bare = match label.split_once('(') {
        Some((b, note)) if note.ends_with(')') && note.len() <= 31 => b.trim_end(),
        Some(_) => return None,
        None => label,
    };
    (!value.trim().is_empty()
        && !value.contains('\n')
        && bare.starts_with(|c: char| c.is_uppercase())
        && bare.split_whitespace().count() <= 3
        && bare
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-'))
    .then_some(bare)
}

/// A timeline's entry: a line that opens on a date and a dash or colon ("February 2024 —
/// Japan's institute set up", "2024-04-01 – memorandum signed", "Q2: first report"). One
/// entry after another are separate sentences: an entry's event is not dated by the stamp
/// that opens the next line.
fn is_timeline_entry(line: &str) -> bool {
    let t = line.trim_start();
    let head = &t[..crate::utf8::floor_char(t, t.len().min(40))];
    let Some(cut) = [" — ", " – ", " - ", ": ", " —", "— "]
        .iter()
        .filter_map(|d| head.find(d))
        .min()
    else {
        return false;
    };
    let stamp = &head[..cut];
    let words: Vec<&str> = stamp.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && words.iter().any(|w| w.bytes().any(|b| b.is_ascii_digit()))
        && words.iter().all(|w| {
            let w = w.trim_end_matches([',', '.']);
            let lower = w.to_ascii_lowercase();
            w.bytes().all(|b| b.is_ascii_digit() || b"-/.".contains(&b))
                || (w.starts_with(|c: char| c.is_ascii_uppercase())
                    && lower.len() >= 3
                    && crate::find::dates::MONTH_NAMES
                        .iter()
                        .any(|m| m.starts_with(lower.as_str())))
                || matches!(lower.as_str(), "q1" | "q2" | "q3" | "q4" | "h1" | "h2")
                || matches!(lower.as_str(), "early" | "mid" | "late")
        })
}

/// A short line without final punctuation that starts a block (a heading, a dateline such
/// as "FEBRUARY 14, 2024") ends where it ends. A short line inside a paragraph — PDF text
/// wraps anywhere — does not: its block started on an earlier line.
fn ends_heading(text: &str, line_start: usize, line_end: usize, next_line: &str) -> bool {
    let line = &text[line_start..line_end];
    let before = text[..line_start].trim_end_matches([' ', '\t', '\r']);
    let starts_block = line_start == 0
        || before.ends_with('\n')
        || before.ends_with('\u{c}')
        || before.is_empty()
        || before.ends_with(['.', '!', '?', ':']);
    let next_starts = next_line
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "*_#[\"“".contains(c));
    let t = line.trim();
    starts_block
        && next_starts
        && !t.is_empty()
        && t.split_whitespace().count() <= 8
        && !t.ends_with([',', ';', ':', '-'])
        && !t.ends_with(char::is_lowercase)
}

/// "U.S.", "Dr.", "e.g.", initials and the abbreviations reports write before a number or
/// a name ("est. 2023", "Art. 5", "p. 12", "Sen. Young", "the Rt. Hon.") do not end a
/// sentence.
fn is_abbreviation(upto_dot: &str) -> bool {
    let word = upto_dot
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let core = word.trim_end_matches('.');
    if core.contains('.') {
        return true; // U.S., e.g., i.e.
    }
    let len = core.chars().count();
    (len == 1 && core.chars().all(char::is_uppercase))
        || matches!(
            core,
            "Dr" | "Mr"
                | "Ms"
                | "Mrs"
                | "Prof"
                | "No"
                | "Nos"
                | "vs"
                | "etc"
                | "Inc"
                | "Ltd"
                | "Co"
                | "Corp"
                | "St"
                | "Jan"
                | "Feb"
                | "Mar"
                | "Apr"
                | "Jun"
                | "Jul"
                | "Aug"
                | "Sep"
                | "Sept"
                | "Oct"
                | "Nov"
                | "Dec"
                | "approx"
                | "c"
                | "ca"
                | "cf"
                | "est"
                | "Est"
                | "incl"
                | "excl"
                | "p"
                | "pp"
                | "para"
                | "paras"
                | "Art"
                | "Arts"
                | "Fig"
                | "fig"
                | "Vol"
                | "vol"
                | "no"
                | "nos"
                | "Dept"
                | "Govt"
                | "Gov"
                | "Sen"
                | "Rep"
                | "Reps"
                | "Gen"
                | "Hon"
                | "Rt"
                | "Jr"
                | "Sr"
                | "Cllr"
        )
}

/// Word start offsets of a text, from the `tokenizers` whitespace-split pre-tokenizer
/// (words are what white space separates: "U.S.", "(NIST)" and "**operational**" are one
/// word each, as a reader counts them).
pub struct Words {
    starts: Vec<usize>,
}

impl Words {
    /// The words of `span` of `text`, with offsets into `text`.
    pub fn at(text: &str, span: Span) -> Words {
        let mut w = Words::new(&text[span.start..span.end]);
        for s in &mut w.starts {
            *s += span.start;
        }
        w
    }

    pub fn new(text: &str) -> Words {
        let mut pre = PreTokenizedString::from(text);
        let ok = tokenizers::pre_tokenizers::whitespace::WhitespaceSplit
            .pre_tokenize(&mut pre)
            .is_ok();
        let starts = if ok {
            pre.get_splits(OffsetReferential::Original, OffsetType::Byte)
                .into_iter()
                .map(|(_, (s, _), _)| s)
                .collect()
        } else {
            // The pre-tokenizer never fails on a str; counting spaces is the fallback.
            text.split_whitespace()
                .map(|w| w.as_ptr() as usize - text.as_ptr() as usize)
                .collect()
        };
        Words { starts }
    }

    /// Index of the word that holds byte offset `at` (or the word before it).
    pub fn index(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at).saturating_sub(1)
    }

    /// Words strictly between two spans, whichever comes first.
    pub fn gap(&self, a: Span, b: Span) -> usize {
        let (first, second) = if a.start <= b.start { (a, b) } else { (b, a) };
        let i = self.index(first.end.saturating_sub(1));
        let j = self.index(second.start);
        j.saturating_sub(i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<&str> {
        sentences(t).iter().map(|s| &t[s.start..s.end]).collect()
    }

    #[test]
    fn a_text_without_breaks_is_read_in_bounded_pieces_cut_at_spaces() {
        let t = "wörd ".repeat(10_000) + "\u{c}" + &"x".repeat(3 * MAX_SENTENCE);
        let spans = sentences(&t);
        assert!(spans.iter().all(|s| s.end - s.start <= MAX_SENTENCE));
        let words: usize = texts(&t).iter().map(|s| s.split_whitespace().count()).sum();
        assert_eq!(words, 10_000 + 3);
        assert!(
            texts(&t)[..texts(&t).len() - 3]
                .iter()
                .all(|s| s.ends_with("wörd"))
        );
    }

    #[test]
    fn sentences_end_at_full_stops_but_not_at_abbreviations() {
        let t = "The U.S. AISI was set up. It is under NIST. Dr. Kelly leads it.";
        assert_eq!(
            texts(t),
            vec![
                "The U.S. AISI was set up.",
                "It is under NIST.",
                "Dr. Kelly leads it."
            ]
        );
    }

    #[test]
    fn abbreviations_before_numbers_and_names_end_no_sentence() {
        let t = "The Zenda AISI (est. 2023) has a budget under Art. 5. Sen. Roe asked about it.";
        assert_eq!(
            texts(t),
            vec![
                "The Zenda AISI (est. 2023) has a budget under Art. 5.",
                "Sen. Roe asked about it."
            ]
        );
    }

    #[test]
    fn wrapped_lines_stay_one_sentence_but_blank_lines_and_tables_split() {
        let t = "J-AISI was established\non February 14, 2024.\n\nNext para\nA\tB\tC\nmore text";
        assert_eq!(
            texts(t),
            vec![
                "J-AISI was established\non February 14, 2024.",
                "Next para",
                "A\tB\tC",
                "more text"
            ]
        );
    }

    #[test]
    fn numbered_items_in_brackets_are_sentences_of_their_own() {
        assert_eq!(
            texts("Tasks\n(1) Studies of tests\n(2) Cooperation with Zenda\n(EU) rules wrap here"),
            vec![
                "Tasks",
                "(1) Studies of tests",
                "(2) Cooperation with Zenda\n(EU) rules wrap here"
            ]
        );
    }

    #[test]
    fn a_footnote_marker_after_a_full_stop_closes_its_sentence() {
        assert_eq!(
            texts("It spoke of the two bodies.[7] The institute signed.[3][4] Then it left."),
            vec![
                "It spoke of the two bodies.[7]",
                "The institute signed.[3][4]",
                "Then it left."
            ]
        );
    }

    #[test]
    fn timeline_entries_are_sentences_of_their_own() {
        let t = "February 2024 — Zenda's institute set up\nMay 2024 — Borduria opens its office\n2024-11-02: first report\nQ3 – review";
        assert_eq!(
            texts(t),
            vec![
                "February 2024 — Zenda's institute set up",
                "May 2024 — Borduria opens its office",
                "2024-11-02: first report",
                "Q3 – review"
            ]
        );
        // A wrapped line of prose that opens on a date stays in its sentence.
        let t = "The institute was set up in\nFebruary 2024 — a year after the summit.";
        assert_eq!(texts(t).len(), 1);
        assert!(!is_timeline_entry("Mayor 2024: speech"));
        assert!(is_timeline_entry("Sept 2024: speech"));
        assert!(!is_timeline_entry("In 2024 — a year"));
    }

    #[test]
    fn the_lines_of_a_fact_sheet_are_sentences_of_their_own() {
        let t = "Members: Zenda, Borduria\n- Launched: 21 May 2026\n**Staff (FTE):** 40";
        assert_eq!(
            texts(t),
            vec![
                "Members: Zenda, Borduria",
                "- Launched: 21 May 2026",
                "**Staff (FTE):** 40"
            ]
        );
        assert_eq!(
            label_of_line("Host organisation — the agency"),
            Some("Host organisation")
        );
        assert_eq!(label_of_line("Budget (2025-26): €5m"), Some("Budget"));
        assert_eq!(
            label_of_line("The new institute then said: it will grow"),
            None
        );
        assert_eq!(label_of_line("In 2024: a review"), None);
    }

    #[test]
    fn datelines_are_their_own_segment() {
        let t = "FEBRUARY 14, 2024\nJapan launches its AI safety institute.";
        assert_eq!(
            texts(t),
            vec![
                "FEBRUARY 14, 2024",
                "Japan launches its AI safety institute."
            ]
        );
    }

    #[test]
    fn word_gaps_count_words_between_spans() {
        let t = "JP was established on 14 Feb";
        let w = Words::new(t);
        let jp = Span { start: 0, end: 2 };
        let date = Span { start: 22, end: 28 };
        assert_eq!(w.gap(jp, date), 3);
        assert_eq!(w.gap(date, jp), 3);
    }
}
