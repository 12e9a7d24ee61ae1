//! Plain text and Markdown: the file's content exactly, decoded to UTF-8.
//!
//! Must never alter the text of a UTF-8 file: mention offsets of `.txt` seeds are compared
//! byte for byte with annotations of the original file.

use super::{ExtractError, Limits};
use crate::model::Extraction;

/// Decodes a text file. UTF-8 (with or without BOM) is kept as is, minus the BOM;
/// UTF-16 with a BOM is decoded; anything else that is not UTF-8 is read as Windows-1252,
/// the usual encoding of such files, with a warning.
pub fn extract(bytes: &[u8], _limits: &Limits) -> Result<Extraction, ExtractError> {
    let (text, warning) = decode(bytes)?;
    Ok(Extraction {
        pages: vec![text],
        warnings: warning.into_iter().collect(),
        ..Default::default()
    })
}

/// Decodes bytes of unknown encoding to a string, returning a warning when it had to guess.
pub fn decode(bytes: &[u8]) -> Result<(String, Option<String>), ExtractError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest).map(|s| (s, None));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes).map(|s| (s, None));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes).map(|s| (s, None));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), None)),
        Err(_) => Ok((
            bytes.iter().map(|&b| cp1252(b)).collect(),
            Some("not UTF-8: decoded as Windows-1252".to_string()),
        )),
    }
}

fn utf8(bytes: &[u8]) -> Result<String, ExtractError> {
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        ExtractError::Encoding(format!("invalid UTF-8 after a UTF-8 byte order mark: {e}"))
    })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, ExtractError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(ExtractError::Encoding(
            "UTF-16 text with an odd number of bytes".into(),
        ));
    }
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    String::from_utf16(&units).map_err(|e| ExtractError::Encoding(format!("invalid UTF-16: {e}")))
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
    fn latin_bytes_fall_back_to_windows_1252_with_a_warning() {
        let (s, w) = decode(&[0x80, b'5', 0xE9]).unwrap();
        assert_eq!(s, "€5é");
        assert!(w.is_some());
    }
}
