//! Which files make up a corpus: walks the corpus folder, keeps supported inputs in a
//! deterministic order, reads their sidecars, and lists what it skipped.
//!
//! Never reads a document's content beyond its sidecar: extraction is the next stage.

use crate::model::Format;
use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What an analyst knows about a file, from `<file name>.meta.json` beside it.
/// Every field is optional and overrides what the file itself says.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    pub title: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
}

/// One supported input file of the corpus.
#[derive(Clone, Debug)]
pub struct InputFile {
    /// Path relative to the corpus root, `/`-separated: the document's name everywhere.
    pub doc: String,
    pub path: PathBuf,
    pub format: Format,
    pub sidecar: Option<Sidecar>,
    /// A sidecar that exists but cannot be read; the document is still processed.
    pub sidecar_error: Option<String>,
}

/// The result of walking a corpus.
#[derive(Debug, Default)]
pub struct Corpus {
    pub inputs: Vec<InputFile>,
    /// Files that are not supported inputs (relative paths), for the run's log.
    pub skipped: Vec<String>,
}

/// The format of a supported input, from its extension; `None` for anything else.
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => Some(Format::Pdf),
        "html" | "htm" => Some(Format::Html),
        "txt" | "md" => Some(Format::Text),
        _ => None,
    }
}

const SIDECAR_SUFFIX: &str = ".meta.json";

/// Walks `root` recursively. Hidden files and folders (names starting with `.`) are not
/// part of a corpus; symbolic links are not followed, so a link cycle cannot trap the walk.
pub fn scan(root: &Path) -> Result<Corpus> {
    let mut files = Vec::new();
    walk(root, root, &mut files)
        .with_context(|| format!("cannot read the corpus folder {}", root.display()))?;
    files.sort();
    let mut corpus = Corpus::default();
    for (doc, path) in files {
        if doc.ends_with(SIDECAR_SUFFIX) {
            continue;
        }
        let Some(format) = format_of(&path) else {
            corpus.skipped.push(doc);
            continue;
        };
        let (sidecar, sidecar_error) = read_sidecar(&path);
        corpus.inputs.push(InputFile {
            doc,
            path,
            format,
            sidecar,
            sidecar_error,
        });
    }
    Ok(corpus)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let ty = entry.file_type()?;
        let path = entry.path();
        if ty.is_dir() {
            walk(root, &path, out)?;
        } else if ty.is_file() {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let doc = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((doc, path));
        }
    }
    Ok(())
}

/// Path of the sidecar that belongs to `path`.
pub fn sidecar_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(SIDECAR_SUFFIX);
    PathBuf::from(s)
}

fn read_sidecar(path: &Path) -> (Option<Sidecar>, Option<String>) {
    let sp = sidecar_path(path);
    let Ok(bytes) = std::fs::read(&sp) else {
        return (None, None);
    };
    match serde_json::from_slice::<Sidecar>(&bytes) {
        Ok(mut s) => {
            if let Some(p) = &s.published
                && !is_iso_date(p)
            {
                let msg = format!(
                    "sidecar {}: published {p:?} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD); ignored",
                    sp.display()
                );
                s.published = None;
                return (Some(s), Some(msg));
            }
            (Some(s), None)
        }
        Err(e) => (
            None,
            Some(format!("sidecar {}: {e}; ignored", sp.display())),
        ),
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a plausible month and day.
pub fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => num(y, 4),
        [y, m] => num(y, 4) && num(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)),
        [y, m, d] => {
            num(y, 4)
                && num(m, 2)
                && num(d, 2)
                && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
                && (1..=31).contains(&d.parse::<u32>().unwrap_or(0))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_extensions_case_insensitively() {
        assert_eq!(format_of(Path::new("a/B.PDF")), Some(Format::Pdf));
        assert_eq!(format_of(Path::new("a.htm")), Some(Format::Html));
        assert_eq!(format_of(Path::new("a.md")), Some(Format::Text));
        assert_eq!(format_of(Path::new("a.tsv")), None);
        assert_eq!(format_of(Path::new("noext")), None);
    }

    #[test]
    fn iso_dates_are_checked_for_shape_and_range() {
        assert!(is_iso_date("2024"));
        assert!(is_iso_date("2024-11"));
        assert!(is_iso_date("2024-11-20"));
        assert!(!is_iso_date("2024-13"));
        assert!(!is_iso_date("20 Nov 2024"));
    }

    #[test]
    fn scan_sorts_inputs_reads_sidecars_and_skips_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("sub/b.txt"), "b").unwrap();
        std::fs::write(d.join("a.html"), "<p>a</p>").unwrap();
        std::fs::write(d.join("a.html.meta.json"), r#"{"published":"2024-11-20"}"#).unwrap();
        std::fs::write(d.join("notes.tsv"), "x").unwrap();
        std::fs::write(d.join(".hidden.txt"), "x").unwrap();
        let c = scan(d).unwrap();
        let docs: Vec<_> = c.inputs.iter().map(|i| i.doc.as_str()).collect();
        assert_eq!(docs, ["a.html", "sub/b.txt"]);
        assert_eq!(
            c.inputs[0].sidecar.as_ref().unwrap().published.as_deref(),
            Some("2024-11-20")
        );
        assert_eq!(c.skipped, ["notes.tsv"]);
    }
}
