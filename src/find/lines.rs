//! Bounded look-around for rules that read the line or the words around a match.
//!
//! Searching back to a line's start from every match costs the line's length per match:
//! on a text of one long line (a page extracted without breaks, a minified file) that is
//! quadratic. No table row, label line or word that a rule reads is anywhere near
//! [`LINE_REACH`] bytes long, so looking no further keeps every rule's outcome on real
//! lines and makes the cost per match constant.

/// How far (bytes) a line's start or end is looked for from a position.
pub const LINE_REACH: usize = 4096;

pub use crate::utf8::{ceil_char, floor_char};

/// The start of the line holding byte `at`, when it lies within [`LINE_REACH`] bytes;
/// `None` for a longer line.
pub fn line_start_within(text: &str, at: usize) -> Option<usize> {
    let at = floor_char(text, at);
    let lo = floor_char(text, at.saturating_sub(LINE_REACH));
    match text[lo..at].rfind('\n') {
        Some(i) => Some(lo + i + 1),
        None if lo == 0 => Some(0),
        None => None,
    }
}

/// The start of the line holding byte `at`, or, on a line longer than [`LINE_REACH`], the
/// char boundary that far back (what a rule reads of such a line).
pub fn line_start(text: &str, at: usize) -> usize {
    let at = floor_char(text, at);
    line_start_within(text, at).unwrap_or_else(|| floor_char(text, at.saturating_sub(LINE_REACH)))
}

/// The end (the `\n` or the text's end) of the line holding byte `at`, or, on a line
/// longer than [`LINE_REACH`], the char boundary that far ahead.
pub fn line_end(text: &str, at: usize) -> usize {
    let at = floor_char(text, at);
    let hi = ceil_char(text, at.saturating_add(LINE_REACH));
    text[at..hi].find('\n').map_or(hi, |i| at + i)
}

/// At most the last `reach` bytes before `at` (cut on a char boundary): what a rule reads
/// of the words before a match.
pub fn before(text: &str, at: usize, reach: usize) -> &str {
    let at = floor_char(text, at);
    &text[ceil_char(text, at.saturating_sub(reach)).min(at)..at]
}

/// The length of the footnote markers ("[7]", "[3][4]") that open `rest`: after a full
/// stop they belong to the sentence it closes ("... institutes.[7] The institute ...").
pub fn footnote_marks(rest: &str) -> usize {
    let b = rest.as_bytes();
    let mut n = 0;
    while b.get(n) == Some(&b'[') {
        let digits = b[n + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 3 || b.get(n + 1 + digits) != Some(&b']') {
            break;
        }
        n += digits + 2;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_as_by_a_full_search() {
        let t = "one\ntwo\tcell\n\nfour é";
        for at in 0..=t.len() {
            if !t.is_char_boundary(at) {
                continue;
            }
            let start = t[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = t[at..].find('\n').map_or(t.len(), |i| at + i);
            assert_eq!(line_start(t, at), start, "start at {at}");
            assert_eq!(line_start_within(t, at), Some(start), "start at {at}");
            assert_eq!(line_end(t, at), end, "end at {at}");
        }
    }

    #[test]
    fn a_long_line_is_read_only_so_far() {
        let t = format!("a\n{}", "é".repeat(LINE_REACH));
        let at = t.len();
        assert_eq!(line_start_within(&t, at), None);
        let s = line_start(&t, at);
        assert!(t.is_char_boundary(s) && at - s <= LINE_REACH && s > 2);
        assert_eq!(line_end(&t, 2), 2 + LINE_REACH);
        assert!(t.is_char_boundary(line_end(&t, 3)));
    }

    #[test]
    fn the_words_before_are_cut_on_a_char_boundary() {
        let t = "über 2024";
        assert_eq!(before(t, 5, 4), "ber");
        assert_eq!(before(t, 5, 100), "über");
        assert_eq!(before(t, 1, 1), "");
    }
}
