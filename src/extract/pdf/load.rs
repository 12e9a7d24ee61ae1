//! Opening a PDF: the header check, lopdf's parser, encryption, and the rebuild of a
//! cross-reference table that describes the wrong objects.
//!
//! Recovery is lopdf's own object scan (`LoadOptions::force_reconstruct` scans the file for
//! `N G obj` headers and rebuilds the table from what it finds); this module decides when
//! to ask for it: when the table as written fails to load, or loads but yields no pages.
//! Nothing here inflates page content; object and xref streams are bounded by
//! `Limits::max_stream_bytes` inside lopdf.

use super::super::{ExtractError, Limits};
use lopdf::{Document, LoadOptions};

/// A loaded document and what loading had to repair.
pub struct Loaded {
    pub doc: Document,
    pub warnings: Vec<String>,
}

/// Parses `bytes` as a PDF. Errors say what is wrong with the file.
pub fn open(bytes: &[u8], limits: &Limits) -> Result<Loaded, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::NotPdf("the file is empty (0 bytes)".into()));
    }
    // Readers accept junk before the header (mail gateways prepend some); 1 KiB as pdf.js.
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(ExtractError::NotPdf(
            "no %PDF- header in the first 1 KiB; the file is not a PDF or is badly damaged".into(),
        ));
    }
    // Stream lengths that miss their `endstream`, corrected in place before parsing.
    let (repaired, repairs) = super::repair::stream_lengths(bytes);
    let bytes: &[u8] = &repaired;
    let options = |force| LoadOptions {
        max_decompressed_size: Some(limits.max_stream_bytes),
        force_reconstruct: force,
        ..LoadOptions::default()
    };
    let mut warnings = repairs;
    let first = Document::load_mem_with_options(bytes, options(false));
    let doc = match first {
        Ok(doc) if page_count(&doc) > 0 || is_locked(&doc) => doc,
        Ok(doc) => {
            // The table reads but points at the wrong places (offsets shifted by an edit):
            // scan the objects themselves.
            match Document::load_mem_with_options(bytes, options(true)) {
                Ok(fixed) if page_count(&fixed) > 0 => {
                    warnings.push(
                        "the cross-reference table was wrong; objects were found by scanning the file"
                            .to_string(),
                    );
                    fixed
                }
                _ => doc,
            }
        }
        Err(e) if is_encryption_error(&e) => return Err(ExtractError::Encrypted),
        Err(first_err) => match Document::load_mem_with_options(bytes, options(true)) {
            Ok(fixed) => {
                warnings.push(format!(
                    "the cross-reference table could not be read ({}); objects were found by scanning the file",
                    in_user_terms(&first_err)
                ));
                fixed
            }
            Err(e) if is_encryption_error(&e) => return Err(ExtractError::Encrypted),
            Err(_) => return Err(describe(first_err)),
        },
    };
    if is_locked(&doc) {
        return Err(ExtractError::Encrypted);
    }
    if doc.xref_recovery.is_some() && !warnings.iter().any(|w| w.contains("cross-reference")) {
        warnings.push(
            "the cross-reference table was damaged; objects were found by scanning the file"
                .to_string(),
        );
    }
    Ok(Loaded { doc, warnings })
}

fn page_count(doc: &Document) -> usize {
    doc.page_iter().take(1).count()
}

/// Still encrypted after lopdf tried the empty user password.
fn is_locked(doc: &Document) -> bool {
    doc.is_encrypted()
}

fn is_encryption_error(e: &lopdf::Error) -> bool {
    matches!(
        e,
        lopdf::Error::Decryption(_)
            | lopdf::Error::InvalidPassword
            | lopdf::Error::AlreadyEncrypted
    ) || {
        let s = e.to_string().to_ascii_lowercase();
        s.contains("password") || s.contains("decrypt") || s.contains("encrypt")
    }
}

fn describe(e: lopdf::Error) -> ExtractError {
    ExtractError::Damaged(format!(
        "{}; scanning the file for objects found no usable trailer or page tree either (the file may be truncated)",
        in_user_terms(&e)
    ))
}

/// The parser's error as the person reading `documents.jsonl` needs it: what is wrong with
/// the file, without the library's requests to its own developers.
fn in_user_terms(e: &lopdf::Error) -> String {
    use lopdf::Error as E;
    match e {
        E::Unimplemented(what) => {
            format!("it needs something this reader does not support ({what})")
        }
        E::Xref(x) => format!("the cross-reference table is damaged ({x})"),
        E::IndirectObject { offset } => format!("a damaged object at byte {offset}"),
        E::Decompress(_) => "a compressed stream cannot be decompressed".to_string(),
        e => {
            let s = e.to_string();
            // Any other library text, cut before a request addressed to its developers.
            s.split("; please").next().unwrap_or(&s).to_string()
        }
    }
}
