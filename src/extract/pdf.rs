//! PDF through `lopdf`.

use super::{ExtractError, Limits};
use crate::model::Extraction;

pub fn extract(bytes: &[u8], _limits: &Limits) -> Result<Extraction, ExtractError> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| ExtractError::Damaged(e.to_string()))?;
    if doc.is_encrypted() {
        return Err(ExtractError::Encrypted);
    }
    let mut pages = Vec::new();
    for (n, _) in doc.get_pages() {
        pages.push(doc.extract_text(&[n]).unwrap_or_default());
    }
    Ok(Extraction {
        pages,
        ..Default::default()
    })
}
