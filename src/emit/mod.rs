//! The emit stage: the dataset into the output folder, for machines (JSON Lines, SQLite)
//! and people (CSV tables, the report page).
//!
//! Every file is written whole to a temporary name and renamed into place, so a reader
//! never sees half a file. Output depends only on the dataset: no clock, no paths of the
//! machine, no processing order.

pub mod jsonl;

use crate::model::Dataset;
use anyhow::{Context, Result};
use std::path::Path;

/// Writes every output file of the contract into `out`.
pub fn write_all(data: &Dataset, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create output folder {}", out.display()))?;
    jsonl::write_text_files(data, out)?;
    jsonl::write_documents(data, out)?;
    jsonl::write_mentions(data, out)?;
    jsonl::write_entities(data, out)?;
    jsonl::write_facts(data, out)?;
    Ok(())
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(bytes)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    f.sync_all().ok();
    drop(f);
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}
