//! JSON Lines outputs and the per-document text files.

use super::write_atomic;
use crate::model::Dataset;
use anyhow::Result;
use serde::Serialize;
use std::path::Path;

/// Serialises records one per line, in the order given (callers sort).
pub fn to_jsonl<'a, T: Serialize + 'a>(items: impl IntoIterator<Item = &'a T>) -> Vec<u8> {
    let mut buf = Vec::new();
    for it in items {
        serde_json::to_writer(&mut buf, it).expect("records serialise to JSON");
        buf.push(b'\n');
    }
    buf
}

pub fn write_documents(data: &Dataset, out: &Path) -> Result<()> {
    write_atomic(
        &out.join("documents.jsonl"),
        &to_jsonl(data.documents.iter().map(|d| &d.record)),
    )
}

pub fn write_mentions(data: &Dataset, out: &Path) -> Result<()> {
    write_atomic(
        &out.join("mentions.jsonl"),
        &to_jsonl(data.documents.iter().flat_map(|d| &d.mentions)),
    )
}

pub fn write_entities(data: &Dataset, out: &Path) -> Result<()> {
    write_atomic(&out.join("entities.jsonl"), &to_jsonl(&data.entities))
}

pub fn write_facts(data: &Dataset, out: &Path) -> Result<()> {
    write_atomic(&out.join("facts.jsonl"), &to_jsonl(&data.facts))
}

/// `text/<doc>.txt` for every document, including failed ones (empty text), so that every
/// line of `documents.jsonl` has its text file. A file already there with the same bytes
/// (linked from the previous set by `publish`) is kept.
pub fn write_text_files(data: &Dataset, out: &Path) -> Result<()> {
    for d in &data.documents {
        super::write_if_changed(
            &out.join("text").join(format!("{}.txt", d.record.doc)),
            d.text.text.as_bytes(),
        )?;
    }
    Ok(())
}
