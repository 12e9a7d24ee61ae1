//! The extract stage: one input file's bytes in, its pages of plain text out.
//!
//! Each format has its own module (`pdf`, `html`, `text`). This stage never panics the
//! batch and never runs unbounded: every extractor gets [`Limits`] and a failure is an
//! [`ExtractError`] whose message a person understands; the pipeline records it as one
//! failed document.

pub mod html;
pub mod pdf;
pub mod text;

use crate::model::{Extraction, Format};
use std::time::Instant;

/// Bounds on the work spent on one document.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Most bytes a single decoded stream may inflate to; the rest is dropped.
    pub max_stream_bytes: usize,
    /// Most decoded bytes over the whole document.
    pub max_doc_bytes: usize,
    /// Most characters of text kept for one document (bytes of UTF-8 for PDF pages).
    pub max_text_chars: usize,
    /// Most content-stream operators run for one PDF page, and for the whole document,
    /// counting every run of a Form XObject's operators where it is drawn.
    pub max_page_ops: u64,
    pub max_doc_ops: u64,
    /// Most glyphs kept for one PDF page, and for the whole document.
    pub max_page_glyphs: usize,
    pub max_doc_glyphs: u64,
    /// Most Form XObjects drawn in the document (each draw decodes and runs its stream).
    pub max_doc_forms: u64,
    /// When extraction must give up; checked cooperatively by extractors.
    pub deadline: Option<Instant>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // A real content stream is rarely over a few MB; 64 MB keeps huge pages of
            // real documents while bounding a compression bomb.
            max_stream_bytes: 64 << 20,
            max_doc_bytes: 512 << 20,
            // A 1,500-page report is some 4 million characters; past this, a text full of
            // dates and names would cost the find stage hundreds of MB.
            max_text_chars: 4 << 20,
            // A dense real page runs some 10^5 operators and draws some 10^4 glyphs; these
            // bound a page or a nest of Form XObjects that draws the same text a million
            // times (the memory of its glyphs, the time of its operators).
            max_page_ops: 5_000_000,
            max_doc_ops: 50_000_000,
            max_page_glyphs: 250_000,
            max_doc_glyphs: 10_000_000,
            max_doc_forms: 100_000,
            deadline: None,
        }
    }
}

impl Limits {
    /// True once the deadline has passed.
    pub fn expired(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Why a document could not be extracted. Messages are for people reading
/// `documents.jsonl`: they say what is wrong and, where possible, what to do.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum ExtractError {
    #[error("encrypted PDF: a password is required")]
    Encrypted,
    #[error("not a PDF: {0}")]
    NotPdf(String),
    #[error("damaged PDF: {0}")]
    Damaged(String),
    #[error("gave up after {0} s (the per-document time limit, see --doc-timeout)")]
    Timeout(u64),
    #[error("too large: {0}")]
    TooLarge(String),
    #[error("cannot decode text: {0}")]
    Encoding(String),
    #[error("internal error while extracting: {0} (please report this file)")]
    Internal(String),
}

/// Extracts the pages of one file of a known format.
pub fn extract(format: Format, bytes: &[u8], limits: &Limits) -> Result<Extraction, ExtractError> {
    match format {
        Format::Pdf => pdf::extract(bytes, limits),
        Format::Html => html::extract(bytes, limits),
        Format::Text => text::extract(bytes, limits),
    }
}
