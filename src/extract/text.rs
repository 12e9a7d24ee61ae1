//! Plain text and Markdown: the file's content exactly, decoded to UTF-8.
//!
//! Must never alter the text of a UTF-8 file: mention offsets of `.txt` seeds are compared
//! byte for byte with annotations of the original file.

use super::{ExtractError, Limits};
use crate::model::Extraction;

/// Decodes a text file (see [`decode`]). Bounded by the limits: a file over
/// `max_doc_bytes` is refused, text over `max_text_chars` is cut with a warning.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extraction, ExtractError> {
    if bytes.len() > limits.max_doc_bytes {
        return Err(ExtractError::TooLarge(format!(
            "text file of {} bytes is over the {} byte limit",
            bytes.len(),
            limits.max_doc_bytes
        )));
    }
    let (mut text, warning) = decode(bytes)?;
    let mut warnings: Vec<String> = warning.into_iter().collect();
    if let Some((cut, _)) = text.char_indices().nth(limits.max_text_chars) {
        text.truncate(cut);
        warnings.push(format!(
            "text capped at {} characters (the per-document limit)",
            limits.max_text_chars
        ));
    }
    Ok(Extraction {
        pages: vec![text],
        warnings,
        ..Default::default()
    })
}

/// Decodes bytes of unknown encoding to a string, returning a warning when it had to guess.
///
/// UTF-8 (with or without BOM) is kept as is, minus the BOM; UTF-16 is decoded when it has
/// a BOM or, without one, when its ASCII characters show as NUL-interleaved bytes.
/// Mostly-UTF-8 with a few broken sequences keeps its UTF-8 (the broken bytes become
/// U+FFFD); anything else is read as Windows-1252, the usual encoding of such files.
pub fn decode(bytes: &[u8]) -> Result<(String, Option<String>), ExtractError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Ok(utf8_after_bom(rest));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Ok(utf16(rest, u16::from_le_bytes));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Ok(utf16(rest, u16::from_be_bytes));
    }
    if let Some(le) = utf16_without_bom(bytes) {
        let unit = if le {
            u16::from_le_bytes
        } else {
            u16::from_be_bytes
        };
        let name = if le { "UTF-16LE" } else { "UTF-16BE" };
        let (text, damage) = utf16(bytes, unit);
        let mut warning = format!("no byte order mark: decoded as {name}, judged from NUL bytes");
        if let Some(d) = damage {
            warning = format!("{warning}; {d}");
        }
        return Ok((text, Some(warning)));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), None));
    }
    let (valid_multibyte, invalid) = utf8_sequences(bytes);
    if valid_multibyte > invalid {
        return Ok((
            String::from_utf8_lossy(bytes).into_owned(),
            Some(format!(
                "{invalid} invalid UTF-8 sequence(s) replaced with U+FFFD"
            )),
        ));
    }
    Ok((
        bytes.iter().map(|&b| cp1252(b)).collect(),
        Some("not UTF-8: decoded as Windows-1252".to_string()),
    ))
}

/// UTF-16 without a BOM shows its ASCII as one NUL byte per character, on the odd bytes
/// (little-endian) or the even ones (big-endian). Returns `Some(true)` for LE.
fn utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    let zeros_at = |k: usize| {
        sample
            .iter()
            .skip(k)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    // Mostly-ASCII text in UTF-16 has a NUL in nearly every pair on one side, none on the other.
    if odd * 10 >= pairs * 6 && even * 20 <= pairs {
        Some(true)
    } else if even * 10 >= pairs * 6 && odd * 20 <= pairs {
        Some(false)
    } else {
        None
    }
}

/// Counts well-formed multi-byte UTF-8 sequences and invalid ones in `bytes`.
fn utf8_sequences(bytes: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0, 0);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| c.len_utf8() > 1).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    (valid, invalid)
}

/// The BOM says UTF-8: broken sequences become U+FFFD, with a warning.
fn utf8_after_bom(bytes: &[u8]) -> (String, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), None),
        Err(_) => {
            let (_, invalid) = utf8_sequences(bytes);
            (
                String::from_utf8_lossy(bytes).into_owned(),
                Some(format!(
                    "{invalid} invalid UTF-8 sequence(s) replaced with U+FFFD"
                )),
            )
        }
    }
}

/// Decodes UTF-16 leniently: a truncated last byte is dropped and unpaired surrogates
/// become U+FFFD, with a warning, so a damaged file still gives its text.
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> (String, Option<String>) {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    let mut problems = Vec::new();
    if !bytes.len().is_multiple_of(2) {
        problems.push("odd last byte dropped (truncated file?)");
    }
    let text = String::from_utf16(&units).unwrap_or_else(|_| {
        problems.push("unpaired surrogates replaced with U+FFFD");
        String::from_utf16_lossy(&units)
    });
    let warning =
        (!problems.is_empty()).then(|| format!("damaged UTF-16: {}", problems.join(", ")));
    (text, warning)
}

/// Windows-1252 to Unicode; its 0x80–0x9F range differs from Latin-1.
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_kept_exactly() {
        let s = "A \\$10 million — ₩ 2024\r\n";
        assert_eq!(decode(s.as_bytes()).unwrap().0, s);
    }

    #[test]
    fn utf16le_with_bom_is_decoded() {
        let mut b = vec![0xFF, 0xFE];
        for u in "£5 円".encode_utf16() {
            b.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&b).unwrap().0, "£5 円");
    }

    #[test]
    fn damaged_utf16_keeps_its_text_with_a_warning() {
        let mut b = vec![0xFF, 0xFE];
        for u in "AISI".encode_utf16() {
            b.extend(u.to_le_bytes());
        }
        b.extend([0x00, 0xD8]); // an unpaired high surrogate
        b.push(b'x'); // and half a unit
        let (s, w) = decode(&b).unwrap();
        assert_eq!(s, "AISI\u{FFFD}");
        let w = w.unwrap();
        assert!(
            w.contains("odd last byte") && w.contains("surrogates"),
            "{w}"
        );
    }

    #[test]
    fn utf16_without_bom_is_recognised_by_its_nul_bytes() {
        let text = "EU AI Office: 46.5 million";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&le).unwrap().0, text);
        assert_eq!(decode(&be).unwrap().0, text);
    }

    #[test]
    fn mostly_utf8_keeps_its_characters_and_replaces_the_broken_byte() {
        let mut b = "日本 — £50 ".as_bytes().to_vec();
        b.push(0xFF);
        let (s, w) = decode(&b).unwrap();
        assert_eq!(s, "日本 — £50 \u{FFFD}");
        assert!(w.unwrap().contains("1 invalid"));
    }

    #[test]
    fn text_over_the_character_limit_is_cut_with_a_warning() {
        let limits = Limits {
            max_text_chars: 3,
            ..Limits::default()
        };
        let x = extract("日本語です".as_bytes(), &limits).unwrap();
        assert_eq!(x.pages, ["日本語"]);
        assert_eq!(x.warnings.len(), 1);
    }

    #[test]
    fn the_hostile_utf16_fixture_decodes_to_its_truth() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let bytes = std::fs::read(format!("{dir}/hostile/utf16.txt")).unwrap();
        let truth =
            std::fs::read_to_string(format!("{dir}/corpus-truth/hostile/utf16.txt.txt")).unwrap();
        let x = extract(&bytes, &Limits::default()).unwrap();
        assert_eq!(x.pages, [truth]);
        assert!(x.warnings.is_empty());
    }

    #[test]
    fn utf8_bom_is_dropped_and_the_rest_kept_byte_for_byte() {
        let body = "Title\r\n\tindented  text\n";
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend(body.as_bytes());
        assert_eq!(extract(&b, &Limits::default()).unwrap().pages, [body]);
    }

    #[test]
    fn latin_bytes_fall_back_to_windows_1252_with_a_warning() {
        let (s, w) = decode(&[0x80, b'5', 0xE9]).unwrap();
        assert_eq!(s, "€5é");
        assert!(w.is_some());
    }
}
