//! Which files make up a corpus: walks the corpus folder, keeps supported inputs in a
//! deterministic order, reads their sidecars, and lists what it skipped.
//!
//! Never reads a document's content beyond its sidecar: extraction is the next stage.
//! Problems that do not stop the run (a broken sidecar, a sidecar without its document, an
//! unreadable subfolder) are collected as warnings for the run's log.

use crate::model::Format;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What an analyst knows about a file, from `<file name>.meta.json` beside it.
/// Every field is optional and overrides what the file itself says.
#[derive(Clone, Debug, Default, PartialEq)]
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
    /// What is wrong with the sidecar, if anything: it could not be read, or some of its
    /// fields were ignored. The document is still processed, with what was usable.
    pub sidecar_error: Option<String>,
}

/// The result of walking a corpus.
#[derive(Debug, Default)]
pub struct Corpus {
    pub inputs: Vec<InputFile>,
    /// Files that are not supported inputs (relative paths), for the run's log.
    pub skipped: Vec<String>,
    /// Sidecars with no document beside them, and subfolders that could not be read.
    pub problems: Vec<String>,
}

impl Corpus {
    /// Everything the run's log should warn about, in corpus order.
    pub fn warnings(&self) -> Vec<String> {
        self.inputs
            .iter()
            .filter_map(|i| i.sidecar_error.clone())
            .chain(self.problems.iter().cloned())
            .collect()
    }
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
    let mut corpus = Corpus::default();
    std::fs::read_dir(root)
        .with_context(|| format!("cannot read the corpus folder {}", root.display()))?;
    walk(root, root, &mut files, &mut corpus.problems);
    files.sort();
    let names: std::collections::BTreeSet<&str> = files.iter().map(|(d, _)| d.as_str()).collect();
    for (doc, path) in &files {
        if let Some(owner) = doc.strip_suffix(SIDECAR_SUFFIX)
            && !names.contains(owner)
        {
            corpus.problems.push(format!(
                "sidecar {}: no file {owner} beside it; ignored",
                path.display()
            ));
        }
    }
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

/// Collects the files under `dir`; a folder or entry that cannot be read is noted in
/// `problems` and the walk goes on.
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>, problems: &mut Vec<String>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(format!(
                "cannot read folder {}: {e}; skipped",
                dir.display()
            ));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("cannot read an entry of {}: {e}", dir.display()));
                continue;
            }
        };
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let ty = match entry.file_type() {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("cannot read {}: {e}; skipped", path.display()));
                continue;
            }
        };
        if ty.is_dir() {
            walk(root, &path, out, problems);
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
}

/// Path of the sidecar that belongs to `path`.
pub fn sidecar_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(SIDECAR_SUFFIX);
    PathBuf::from(s)
}

/// Reads the sidecar of `path`, if there is one. A sidecar that is not a JSON object is
/// ignored whole; a field of the wrong type or shape, or an unknown field, is ignored alone
/// so that one slip does not discard what else the analyst wrote. The second value says
/// what was ignored, naming the sidecar.
fn read_sidecar(path: &Path) -> (Option<Sidecar>, Option<String>) {
    let sp = sidecar_path(path);
    let bytes = match std::fs::read(&sp) {
        Ok(b) => b,
        // A name too long for a sidecar beside it cannot have one.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidFilename
            ) =>
        {
            return (None, None);
        }
        Err(e) => {
            return (
                None,
                Some(format!(
                    "sidecar {}: cannot read it ({e}); ignored",
                    sp.display()
                )),
            );
        }
    };
    let (sidecar, problems) = match parse_sidecar(&bytes) {
        Ok(parsed) => parsed,
        Err(e) => {
            return (
                None,
                Some(format!(
                    "sidecar {}: {e}; ignored (expected a JSON object such as \
                     {{\"title\": \"...\", \"published\": \"2024-11-20\", \"url\": \"...\"}})",
                    sp.display()
                )),
            );
        }
    };
    let message = (!problems.is_empty())
        .then(|| format!("sidecar {}: {}", sp.display(), problems.join("; ")));
    (Some(sidecar), message)
}

/// The fields of a sidecar and a note for each one ignored; an error if it is not a JSON
/// object at all.
fn parse_sidecar(bytes: &[u8]) -> std::result::Result<(Sidecar, Vec<String>), String> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON ({e})"))?;
    let serde_json::Value::Object(fields) = value else {
        return Err("not a JSON object".to_string());
    };
    let mut sidecar = Sidecar::default();
    let mut problems = Vec::new();
    for (key, v) in fields {
        let slot = match key.as_str() {
            "title" => &mut sidecar.title,
            "published" => &mut sidecar.published,
            "url" => &mut sidecar.url,
            _ => {
                problems.push(format!(
                    "unknown field {key:?} ignored (known: title, published, url)"
                ));
                continue;
            }
        };
        match v {
            serde_json::Value::Null => {}
            serde_json::Value::String(s) if s.trim().is_empty() => {}
            serde_json::Value::String(s) => *slot = Some(s.trim().to_string()),
            other => problems.push(format!("{key} must be a string, not {other}; ignored")),
        }
    }
    // An ISO date-time ("2021-06-09T10:15:00") dates the document by its day.
    if let Some(p) = &mut sidecar.published
        && let Some((day, _)) = p.split_once('T')
        && is_iso_date(day)
        && day.len() == 10
    {
        *p = day.to_string();
    }
    if let Some(p) = &sidecar.published
        && !is_iso_date(p)
    {
        problems.push(format!(
            "published {p:?} is not an ISO date of the calendar (YYYY, YYYY-MM or YYYY-MM-DD); ignored"
        ));
        sidecar.published = None;
    }
    Ok((sidecar, problems))
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a real calendar month or day (no
/// `2024-02-30`, no `2023-02-29`).
pub fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let month = |m: &str| num(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0));
    match parts.as_slice() {
        [y] => num(y, 4),
        [y, m] => num(y, 4) && month(m),
        [y, m, d] => {
            num(y, 4) && month(m) && num(d, 2) && {
                let (y, m) = (y.parse().unwrap_or(0), m.parse().unwrap_or(0));
                (1..=days_in_month(y, m)).contains(&d.parse::<u32>().unwrap_or(0))
            }
        }
        _ => false,
    }
}

/// Days in a month of the Gregorian calendar.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_calendar_dates_are_iso_dates() {
        for ok in [
            "2024",
            "2024-02",
            "2024-02-29",
            "2000-02-29",
            "2024-04-30",
            "2024-12-31",
        ] {
            assert!(is_iso_date(ok), "{ok}");
        }
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-13",
            "2024-00-10",
            "2024-01-00",
            "24-01-01",
            "2024-1-1",
        ] {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }

    #[test]
    fn a_sidecar_date_that_is_not_on_the_calendar_is_ignored_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.txt"), "text").unwrap();
        std::fs::write(
            d.join("a.txt.meta.json"),
            r#"{"title": "Kept", "published": "2024-02-30"}"#,
        )
        .unwrap();
        let c = scan(d).unwrap();
        let s = c.inputs[0].sidecar.as_ref().unwrap();
        assert_eq!(s.title.as_deref(), Some("Kept"));
        assert_eq!(s.published, None);
        let w = c.warnings();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("2024-02-30") && w[0].contains("a.txt.meta.json"),
            "{w:?}"
        );
    }

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
        let (s, problems) = parse_sidecar(br#"{"published": "2021-06-09T10:15:00"}"#).unwrap();
        assert_eq!(s.published.as_deref(), Some("2021-06-09"));
        assert!(problems.is_empty());
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
        assert!(c.warnings().is_empty());
    }

    #[test]
    fn a_sidecar_that_is_not_json_is_ignored_with_a_warning_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("r.txt"), "x").unwrap();
        std::fs::write(dir.path().join("r.txt.meta.json"), "{title: oops").unwrap();
        let c = scan(dir.path()).unwrap();
        assert_eq!(c.inputs.len(), 1);
        assert_eq!(c.inputs[0].sidecar, None);
        let w = c.warnings();
        assert_eq!(w.len(), 1);
        assert!(
            w[0].contains("r.txt.meta.json") && w[0].contains("not valid JSON"),
            "{w:?}"
        );
    }

    #[test]
    fn a_bad_field_is_ignored_alone_and_the_rest_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("r.txt"), "x").unwrap();
        std::fs::write(
            dir.path().join("r.txt.meta.json"),
            r#"{"title": "Kept", "published": "20 Nov 2024", "author": "A", "url": 3}"#,
        )
        .unwrap();
        let c = scan(dir.path()).unwrap();
        let s = c.inputs[0].sidecar.as_ref().unwrap();
        assert_eq!(s.title.as_deref(), Some("Kept"));
        assert_eq!(s.published, None);
        assert_eq!(s.url, None);
        let w = c.inputs[0].sidecar_error.as_deref().unwrap();
        assert!(
            w.contains("\"author\"") && w.contains("url must be a string"),
            "{w}"
        );
        assert!(w.contains("not an ISO date"), "{w}");
    }

    #[test]
    fn a_sidecar_without_its_document_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gone.pdf.meta.json"), "{}").unwrap();
        let c = scan(dir.path()).unwrap();
        assert!(c.inputs.is_empty() && c.skipped.is_empty());
        assert!(c.warnings()[0].contains("no file gone.pdf beside it"));
    }

    #[test]
    fn a_missing_corpus_folder_is_an_error_naming_it() {
        let e = scan(Path::new("no/such/corpus")).unwrap_err();
        assert!(format!("{e:#}").contains("no/such/corpus"));
    }
}
