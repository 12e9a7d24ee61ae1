//! JSON Lines outputs and the per-document text files.

use super::write_atomic;
use crate::model::{Content, Dataset, DatasetDoc, DocumentRecord, Fact};
use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{Read, Seek, SeekFrom, Write};
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
    let records: Vec<DocumentRecord> = data
        .documents
        .iter()
        .map(|d| with_work(&d.record, data))
        .collect();
    let lines: Vec<DocumentLine> = records
        .iter()
        .map(|record| DocumentLine {
            record,
            text_file: shortened_text_file(&record.doc),
        })
        .collect();
    write_atomic(&out.join("documents.jsonl"), &to_jsonl(&lines))
}

/// A line of `documents.jsonl`: the record, and the text file's name when it is not
/// `text/<doc>.txt`.
#[derive(Serialize)]
struct DocumentLine<'a> {
    #[serde(flatten)]
    record: &'a crate::model::DocumentRecord,
    #[serde(skip_serializing_if = "Option::is_none")]
    text_file: Option<String>,
}

/// Longest file name (bytes) file systems allow (Linux, macOS, Windows).
const MAX_TEXT_NAME: usize = 255;

/// The text file of a document, relative to the set's folder: `text/<doc>.txt`, or, when
/// the file name would be too long for the file system, its first bytes, a hash of the
/// whole name and `.txt` (`documents.jsonl` names it as `text_file`).
pub fn text_file(doc: &str) -> String {
    shortened_text_file(doc).unwrap_or_else(|| format!("text/{doc}.txt"))
}

fn shortened_text_file(doc: &str) -> Option<String> {
    let (dir, name) = doc.rsplit_once('/').map_or(("", doc), |(d, n)| (d, n));
    if name.len() + ".txt".len() <= MAX_TEXT_NAME {
        return None;
    }
    use sha2::{Digest, Sha256};
    let hash = hex::encode(Sha256::digest(doc.as_bytes()));
    let keep = crate::utf8::floor_char(name, 120);
    let short = format!("{}-{}.txt", &name[..keep], &hash[..16]);
    Some(if dir.is_empty() {
        format!("text/{short}")
    } else {
        format!("text/{dir}/{short}")
    })
}

/// A document's record with its work (known only once the whole corpus was grouped).
pub fn with_work(r: &DocumentRecord, data: &Dataset) -> DocumentRecord {
    let mut r = r.clone();
    if let Some(w) = data.works.get(&r.doc) {
        r.work = Some(w.work.clone());
        r.copy_of = (w.first != r.doc).then(|| w.first.clone());
        r.work_similarity = Some(w.similarity);
    }
    r
}

/// The lines of `mentions.jsonl`, document by document: serialised here for documents in
/// memory, or a byte range of the previous set's file for documents kept from it.
pub struct MentionLines {
    chunks: Vec<Chunk>,
    /// Each document's byte range in the new file.
    pub ranges: Vec<(u64, u64)>,
    pub len: u64,
}

enum Chunk {
    Bytes(Vec<u8>),
    Previous(u64, u64),
}

impl MentionLines {
    pub fn new(documents: &[DatasetDoc]) -> MentionLines {
        let chunks: Vec<Chunk> = documents
            .par_iter()
            .map(|d| match &d.content {
                Content::Loaded { mentions, .. } => Chunk::Bytes(to_jsonl(mentions)),
                Content::Kept { lines } => Chunk::Previous(lines.0, lines.1),
            })
            .collect();
        let mut ranges = Vec::with_capacity(chunks.len());
        let mut at = 0u64;
        for c in &chunks {
            let n = match c {
                Chunk::Bytes(b) => b.len() as u64,
                Chunk::Previous(a, b) => b.saturating_sub(*a),
            };
            ranges.push((at, at + n));
            at += n;
        }
        MentionLines {
            chunks,
            ranges,
            len: at,
        }
    }

    /// Writes the file at `path` (atomically), copying kept documents' lines from
    /// `previous` (the previous set's `mentions.jsonl`) — runs of them in one in-kernel
    /// copy.
    pub fn write_to(&self, path: &Path, previous: Option<&Path>) -> Result<()> {
        let mut prev = match previous {
            Some(p) => Some(
                std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?,
            ),
            None => None,
        };
        super::write_atomic_with(path, |w| {
            let mut i = 0;
            while i < self.chunks.len() {
                match &self.chunks[i] {
                    Chunk::Bytes(b) => w.write_all(b)?,
                    &Chunk::Previous(start, mut end) => {
                        // Consecutive ranges of the old file are one copy.
                        while let Some(Chunk::Previous(s, e)) = self.chunks.get(i + 1)
                            && *s == end
                        {
                            end = *e;
                            i += 1;
                        }
                        let Some(p) = prev.as_mut() else {
                            anyhow::bail!("internal error: kept lines without a previous set");
                        };
                        w.flush()?;
                        p.seek(SeekFrom::Start(start))?;
                        let want = end - start;
                        let n = std::io::copy(&mut Read::by_ref(p).take(want), w.get_mut())?;
                        if n != want {
                            anyhow::bail!(
                                "the previous set's mentions.jsonl is shorter than recorded"
                            );
                        }
                    }
                }
                i += 1;
            }
            Ok(())
        })
    }
}

pub fn write_entities(data: &Dataset, out: &Path) -> Result<()> {
    write_atomic(&out.join("entities.jsonl"), &to_jsonl(&data.entities))
}

/// Each fact's line of `facts.jsonl` (its JSON and a newline). A large corpus gives facts
/// thousands of sources: serialised in parallel, kept line by line (no second copy of the
/// whole file in memory).
pub fn fact_lines(facts: &[Fact]) -> Vec<Vec<u8>> {
    facts
        .par_iter()
        .map(|f| to_jsonl(std::iter::once(f)))
        .collect()
}

/// Writes `facts.jsonl`: `lines` when the caller has serialised the facts already (they
/// must be [`fact_lines`] of `data.facts`), else serialised here.
pub fn write_facts(data: &Dataset, out: &Path, lines: Option<&[Vec<u8>]>) -> Result<()> {
    let path = out.join("facts.jsonl");
    match lines {
        Some(lines) => super::write_atomic_parts(&path, lines),
        None => super::write_atomic_parts(&path, &fact_lines(&data.facts)),
    }
}

/// `text/<doc>.txt` for every document, including failed ones (empty text), so that every
/// line of `documents.jsonl` has its text file. A file already there with the same bytes
/// (linked from the previous set by `publish`) is kept; a kept document's file must be
/// there already, or is copied from `previous` (the previous set's folder).
pub fn write_text_files(data: &Dataset, out: &Path, previous: Option<&Path>) -> Result<()> {
    for d in data.documents.iter() {
        let rel = text_file(&d.record.doc);
        let dest = out.join(&rel);
        match &d.content {
            Content::Loaded { text, .. } => super::write_if_changed(&dest, text.text.as_bytes())?,
            Content::Kept { .. } => {
                if dest.is_file() {
                    continue;
                }
                let Some(prev) = previous else {
                    anyhow::bail!("internal error: {} is kept without a previous set", rel);
                };
                let bytes = std::fs::read(prev.join(&rel))
                    .with_context(|| format!("cannot read the previous text of {rel}"))?;
                write_atomic(&dest, &bytes)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_files_keep_the_document_name_while_it_fits() {
        assert_eq!(text_file("a/b.pdf"), "text/a/b.pdf.txt");
        let fits = "x".repeat(251);
        assert_eq!(text_file(&fits), format!("text/{fits}.txt"));
        assert_eq!(shortened_text_file(&fits), None);
    }

    #[test]
    fn a_name_too_long_is_shortened_with_a_hash_of_the_whole_name() {
        let long = format!("dir/{}.pdf", "é".repeat(200));
        let a = text_file(&long);
        let name = a.rsplit('/').next().unwrap();
        assert!(a.starts_with("text/dir/é") && a.ends_with(".txt"), "{a}");
        assert!(name.len() <= 200, "{}", name.len());
        // Another long name with the same beginning gets another file.
        let other = format!("dir/{}.html", "é".repeat(200));
        assert_ne!(text_file(&other), a);
        assert_eq!(shortened_text_file(&long), Some(a));
    }
}
