//! Repairs made before parsing, where other readers repair: a stream whose `/Length` does
//! not reach its `endstream` (a producer that miscounted, an edit that changed the data)
//! is read up to the `endstream` that follows it, as pdf.js and poppler do. lopdf only
//! recovers an `endstream` on a line of its own; groff and others write it right after
//! the data, and lopdf then drops the whole object (the page comes out empty).
//!
//! The repair rewrites the declared length in place, in the digits it already has (padded
//! with leading zeros), so that no byte offset of the file moves and its cross-reference
//! table stays valid. A true length with more digits than the declared one is left alone.

use memchr::memmem;
use std::borrow::Cow;

/// How far before the `stream` keyword its dictionary's `/Length` is looked for.
const DICT_REACH: usize = 4096;

/// The bytes with every repairable stream length corrected, and one line per repair.
pub fn stream_lengths(bytes: &[u8]) -> (Cow<'_, [u8]>, Vec<String>) {
    let mut fixes: Vec<(usize, usize, usize, usize)> = Vec::new(); // (digits at, width, declared, true)
    let finder = memmem::Finder::new(b"stream");
    let mut at = 0;
    while let Some(i) = finder.find(&bytes[at..]) {
        let kw = at + i;
        at = kw + 6;
        // The keyword opens data only right after a dictionary.
        if !bytes[..kw].trim_ascii_end().ends_with(b">>") {
            continue;
        }
        // The data starts after the keyword's end of line (CR LF or LF).
        let data = match &bytes[at..] {
            [b'\r', b'\n', ..] => at + 2,
            [b'\n', ..] | [b'\r', ..] => at + 1,
            _ => continue,
        };
        let Some((digits_at, width, declared)) = declared_length(bytes, kw) else {
            continue;
        };
        // Past the data: a `stream` inside it is data, not a keyword.
        if ends_at(bytes, data.saturating_add(declared)) {
            at = data + declared;
            continue;
        }
        let Some(real) = real_length(bytes, data) else {
            continue;
        };
        at = data + real;
        if real.to_string().len() <= width {
            fixes.push((digits_at, width, declared, real));
        }
    }
    if fixes.is_empty() {
        return (Cow::Borrowed(bytes), Vec::new());
    }
    let mut fixed = bytes.to_vec();
    let mut notes = Vec::new();
    for &(digits_at, width, declared, real) in &fixes {
        let text = format!("{real:0width$}");
        fixed[digits_at..digits_at + width].copy_from_slice(text.as_bytes());
        if notes.len() < 3 {
            notes.push(format!(
                "a stream's declared length ({declared} bytes) does not reach its end; \
                 read up to its `endstream` instead ({real} bytes)"
            ));
        }
    }
    if fixes.len() > notes.len() {
        notes.push(format!(
            "{} more streams had a wrong length and were read up to their `endstream`",
            fixes.len() - notes.len()
        ));
    }
    (Cow::Owned(fixed), notes)
}

/// The direct `/Length N` of the dictionary just before the `stream` keyword at `kw`:
/// where its digits are, how many there are, and N. `None` for an indirect length or one
/// not found in that dictionary.
fn declared_length(bytes: &[u8], kw: usize) -> Option<(usize, usize, usize)> {
    let from = kw.saturating_sub(DICT_REACH);
    let dict = &bytes[from..kw];
    // The dictionary of this stream: after the object header that opens it.
    let start = memmem::rfind(dict, b"obj").map_or(0, |i| i + 3);
    let key = start + memmem::rfind(&dict[start..], b"/Length")?;
    let mut p = key + b"/Length".len();
    // `/Length1` (a font program's) is another key.
    if dict.get(p).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    while dict.get(p).is_some_and(|c| c.is_ascii_whitespace()) {
        p += 1;
    }
    let digits_at = p;
    while dict.get(p).is_some_and(u8::is_ascii_digit) {
        p += 1;
    }
    let width = p - digits_at;
    if width == 0 || width > 12 {
        return None;
    }
    // "N 0 R" is a reference: its value is elsewhere.
    let rest = &dict[p..];
    let after: Vec<&[u8]> = rest
        .split(|c| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .take(2)
        .collect();
    if after.len() == 2 && after[0].iter().all(u8::is_ascii_digit) && after[1].starts_with(b"R") {
        return None;
    }
    let n = std::str::from_utf8(&dict[digits_at..p])
        .ok()?
        .parse()
        .ok()?;
    Some((from + digits_at, width, n))
}

/// Whether `endstream` follows at `end` (after an optional end of line).
fn ends_at(bytes: &[u8], end: usize) -> bool {
    let Some(rest) = bytes.get(end..) else {
        return false;
    };
    let rest = rest
        .strip_prefix(b"\r\n")
        .or_else(|| rest.strip_prefix(b"\n"))
        .or_else(|| rest.strip_prefix(b"\r"))
        .unwrap_or(rest);
    rest.starts_with(b"endstream")
}

/// The data length up to the first `endstream` after `data` (an end of line before it is
/// not data), if one comes before the next object's `endobj`.
fn real_length(bytes: &[u8], data: usize) -> Option<usize> {
    let rest = &bytes[data..];
    let end = memmem::find(rest, b"endstream")?;
    if memmem::find(&rest[..end], b"endobj").is_some() {
        return None;
    }
    let mut len = end;
    if rest[..len].ends_with(b"\r\n") {
        len -= 2;
    } else if rest[..len].ends_with(b"\n") || rest[..len].ends_with(b"\r") {
        len -= 1;
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_length_past_the_data_is_cut_to_the_endstream() {
        let pdf = b"4 0 obj << /Length 64 >>\nstream\nBT (Hi) Tj ETendstream\nendobj\n";
        let (fixed, notes) = stream_lengths(pdf);
        assert_eq!(notes.len(), 1, "{notes:?}");
        let s = String::from_utf8_lossy(&fixed);
        assert!(s.contains("/Length 13 >>"), "{s}");
        assert_eq!(fixed.len(), pdf.len());
    }

    #[test]
    fn a_shorter_true_length_is_padded_with_zeros() {
        let pdf = b"1 0 obj << /Length 1000 >>\nstream\nabc\nendstream\nendobj\n";
        let (fixed, _) = stream_lengths(pdf);
        assert!(String::from_utf8_lossy(&fixed).contains("/Length 0003 >>"));
    }

    #[test]
    fn right_and_indirect_lengths_are_left_alone() {
        for pdf in [
            &b"1 0 obj << /Length 3 >>\nstream\nabc\nendstream\nendobj\n"[..],
            &b"1 0 obj << /Length 3 >>\r\nstream\r\nabcendstream\nendobj\n"[..],
            &b"1 0 obj << /Length 9 0 R >>\nstream\nabc\nendstream\nendobj\n"[..],
            &b"1 0 obj << /Length1 9 /Length 3 >>\nstream\nabc\nendstream endobj"[..],
        ] {
            let (fixed, notes) = stream_lengths(pdf);
            assert!(matches!(fixed, Cow::Borrowed(_)), "{notes:?}");
        }
    }

    #[test]
    fn a_true_length_with_more_digits_is_not_written() {
        let pdf = b"1 0 obj << /Length 9 >>\nstream\n0123456789ab\nendstream\nendobj\n";
        let (fixed, notes) = stream_lengths(pdf);
        assert!(matches!(fixed, Cow::Borrowed(_)) && notes.is_empty());
    }

    #[test]
    fn a_stream_without_endstream_is_left_to_the_parser() {
        let pdf = b"1 0 obj << /Length 99 >>\nstream\nabc\nendobj\n2 0 obj\nendstream";
        let (fixed, _) = stream_lengths(pdf);
        assert!(matches!(fixed, Cow::Borrowed(_)));
    }
}
