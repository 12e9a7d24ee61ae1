//! PDF text extraction on top of `lopdf`: bytes in, one string per page out.
//!
//! [`load`] opens the file (encryption, cross-reference recovery), [`content`] runs each
//! page's content stream with the fonts of [`fonts`] and [`cmap`] and yields positioned
//! glyphs, [`layout`] turns them into lines of text in reading order, and [`meta`] reads
//! the title and dates. Work is bounded by [`Limits`]: inflated bytes per stream and per
//! document ([`stream`]), and the deadline, checked between pages and every few thousand
//! operators. Nothing here panics on bad input; a font or CMap that cannot be read yields
//! no characters for its codes instead of an error.

mod cmap;
mod content;
mod fonts;
mod layout;
mod load;
mod meta;
mod repair;
mod stream;
mod tables;

use super::{ExtractError, Limits};
use crate::model::Extraction;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashSet;

/// Pages beyond this many are not read (a page tree can claim millions of leaves).
const MAX_PAGES: usize = 100_000;

/// Extracts the text of every page, in page order.
pub fn extract(bytes: &[u8], limits: &Limits) -> Result<Extraction, ExtractError> {
    let started = std::time::Instant::now();
    let timeout = || ExtractError::Timeout(started.elapsed().as_secs_f64().round() as u64);
    let loaded = load::open(bytes, limits)?;
    let doc = &loaded.doc;
    let mut warnings = loaded.warnings;
    let mut budget = stream::Budget {
        per_stream: limits.max_stream_bytes,
        doc_left: limits.max_doc_bytes,
        capped: false,
    };
    let meta = meta::read(doc, &mut budget);
    let mut fonts = fonts::FontCache::default();
    let page_ids = pages(doc);
    if page_ids.is_empty() {
        return Err(ExtractError::Damaged(
            "the PDF has no readable pages (the page tree is missing or broken)".into(),
        ));
    }
    let mut page_lines = Vec::with_capacity(page_ids.len());
    let (mut images, mut shows) = (0usize, 0usize);
    let mut drawing = content::Drawing {
        ops_left: limits.max_doc_ops,
        glyphs_left: limits.max_doc_glyphs,
        forms_left: limits.max_doc_forms,
    };
    // The first page each drawing cap cut short, and how many pages it cut.
    let mut caps: Vec<(content::Cap, usize, usize)> = Vec::new();
    for (n, &id) in page_ids.iter().enumerate() {
        if limits.expired() {
            return Err(timeout());
        }
        let Ok(page) = doc.get_dictionary(id) else {
            page_lines.push(Vec::new());
            continue;
        };
        let streams = page
            .get(b"Contents")
            .map(|c| stream::content_streams(doc, c))
            .unwrap_or_default();
        let resources = inherited(doc, page, b"Resources");
        let glyphs = content::Interpreter::new(doc, &mut fonts, &mut budget, &mut drawing, limits)
            .run_page(streams, resources)
            .map_err(|e| match e {
                ExtractError::Timeout(_) => timeout(),
                e => e,
            })?;
        images += glyphs.images;
        shows += glyphs.shows;
        if let Some(cap) = glyphs.capped {
            match caps.iter_mut().find(|c| c.0 == cap) {
                Some(c) => c.2 += 1,
                None => caps.push((cap, n + 1, 1)),
            }
        }
        page_lines.push(layout::page_lines(&glyphs));
    }
    for (cap, first, count) in caps {
        warnings.push(cap_warning(cap, first, count, limits));
    }
    let hyphenation = layout::Hyphenation::new(producer_hyphenates(doc), &page_lines);
    // The parsed file is not needed past here: freed before the text is joined, so that
    // a file of many pages never holds its objects, lines and text at once.
    drop(fonts);
    drop(loaded.doc);
    let mut pages = Vec::with_capacity(page_lines.len());
    let mut chars = 0usize;
    for (n, lines) in page_lines.into_iter().enumerate() {
        let mut text = layout::join(&lines, &hyphenation);
        drop(lines);
        if chars + text.len() > limits.max_text_chars {
            let keep = limits.max_text_chars.saturating_sub(chars);
            let cut = crate::utf8::floor_char(&text, keep);
            text.truncate(cut);
            warnings.push(format!(
                "text capped at {} characters on page {}; later pages dropped",
                limits.max_text_chars,
                n + 1
            ));
            pages.push(text);
            break;
        }
        chars += text.len();
        pages.push(text);
    }
    if budget.capped {
        warnings.push(format!(
            "decoded content was capped (at most {} MB per stream, {} MB per document); text after the cap is missing",
            limits.max_stream_bytes >> 20,
            limits.max_doc_bytes >> 20
        ));
    }
    if pages.iter().all(|p| p.trim().is_empty()) {
        if images > 0 && shows == 0 {
            warnings.insert(
                0,
                "no text layer: the PDF has only images (OCR is not supported)".to_string(),
            );
        } else if shows > 0 {
            warnings.push(
                "the PDF shows text but its fonts map no characters (no ToUnicode or encoding)"
                    .to_string(),
            );
        }
    }
    Ok(Extraction {
        pages,
        title: meta.title,
        published: meta.published,
        created: meta.created,
        warnings,
    })
}

/// What a drawing cap cut, in the reader's terms.
fn cap_warning(cap: content::Cap, first: usize, count: usize, limits: &Limits) -> String {
    use content::Cap;
    let pages = if count == 1 {
        format!("page {first}")
    } else {
        format!("{count} pages from page {first}")
    };
    match cap {
        Cap::PageOps => format!(
            "{pages}: drawing stopped after {} operators (the cap per page); the rest of the page is missing",
            limits.max_page_ops
        ),
        Cap::DocOps => format!(
            "{pages}: drawing stopped after {} operators in the document (the cap per document, Form XObjects counted each time they are drawn); text from there on is missing",
            limits.max_doc_ops
        ),
        Cap::PageGlyphs => format!(
            "{pages}: text stopped after {} glyphs (the cap per page); the rest of the page is missing",
            limits.max_page_glyphs
        ),
        Cap::DocGlyphs => format!(
            "{pages}: text stopped after {} glyphs in the document (the cap per document); text from there on is missing",
            limits.max_doc_glyphs
        ),
        Cap::DocForms => format!(
            "{pages}: drawing stopped after {} Form XObjects in the document (the cap per document); text from there on is missing",
            limits.max_doc_forms
        ),
    }
}

/// Whether the producer hyphenates words on its own. Browsers printing to PDF and office
/// suites (hyphenation off by default) break lines only at hyphens the text has;
/// typesetters (TeX, groff, InDesign) and unknown producers are assumed to hyphenate.
fn producer_hyphenates(doc: &Document) -> bool {
    let Some(Object::Dictionary(info)) = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| stream::resolve(doc, o))
    else {
        return true;
    };
    let field = |k: &[u8]| {
        info.get(k)
            .ok()
            .and_then(|o| stream::resolve(doc, o))
            .and_then(|o| lopdf::decode_text_string(o).ok())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let who = format!("{} {}", field(b"Producer"), field(b"Creator"));
    let plain = [
        "skia/pdf",
        "chromium",
        "chrome",
        "wkhtmltopdf",
        "libreoffice",
        "openoffice",
        "microsoft",
        "google docs",
        "reportlab",
        "weasyprint",
        "princexml",
        "quartz",
    ];
    !plain.iter().any(|p| who.contains(p))
}

/// The page objects in document order. Walks the tree itself so that a cycle (a node
/// listed as its own descendant) or a shared node is visited once.
fn pages(doc: &Document) -> Vec<ObjectId> {
    let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|o| o.as_reference().ok())
    else {
        return doc.page_iter().take(MAX_PAGES).collect();
    };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut todo = vec![root];
    while let Some(id) = todo.pop() {
        if out.len() >= MAX_PAGES || !seen.insert(id) {
            continue;
        }
        let Ok(node) = doc.get_dictionary(id) else {
            continue;
        };
        let kids = node.get(b"Kids").ok().and_then(|k| stream::resolve(doc, k));
        let is_page = node.get_type().is_ok_and(|t| t == b"Page");
        match kids {
            Some(Object::Array(kids)) if !is_page => {
                // Reverse so that the first kid is popped first.
                for k in kids.iter().rev() {
                    if let Ok(kid) = k.as_reference() {
                        todo.push(kid);
                    }
                }
            }
            _ => out.push(id),
        }
    }
    out
}

/// A page attribute that may be inherited from the page tree (ISO 32000 7.7.3.4).
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    let mut node = page;
    for _ in 0..32 {
        if let Some(Object::Dictionary(d)) =
            node.get(key).ok().and_then(|o| stream::resolve(doc, o))
        {
            return Some(d);
        }
        node = match node
            .get(b"Parent")
            .ok()
            .and_then(|o| stream::resolve(doc, o))
        {
            Some(Object::Dictionary(p)) => p,
            _ => return None,
        };
    }
    None
}
