//! The incremental cache, inside the output folder (`<out>/.cache/`), so that a fresh
//! `--out` is a cold run.
//!
//! Two kinds of entry, one small JSON file each, named by the hash of their key:
//!
//! | entry | key | holds |
//! |---|---|---|
//! | `extract/` | file sha256, format | the extraction or its error: a JSON line, then the text |
//! | `find/` | doc, file sha256, format, rules hash, sidecar date | publication date, mentions |
//! | `build/` | the same key as `find/` | the document's claims, entity names and MinHash signature (for works) |
//! | `work.sqlite` | — | the working database (`emit::workdb`) |
//! | `stamps.json` | — | each input's SHA-256 with its file status (`hashes`) |
//!
//! A document's claims depend only on its own text, mentions and publication date and on
//! the rules (`facts::claims` maps each document on its own), so they share the find key.
//! The working database holds the tables of `dataset.sqlite` and what the published set
//! holds of each document, so that a run can keep unchanged documents without reading
//! them (see `docs/operations.md`).
//!
//! Both live under a folder named for the cache format and the program build, so a new
//! build never reads another build's entries. Entries are written whole under a temporary
//! name and renamed into place; an entry that cannot be read or parsed, or whose stored key
//! differs from the one asked for, is a miss, never an error. `state.json` remembers the
//! last published run so an unchanged corpus skips every stage.

pub use crate::model::FindKey;
use crate::model::{DocBuild, Extraction, Format, Mention};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Bumped whenever the layout or meaning of entries changes.
pub const CACHE_FORMAT: u32 = 5;

/// Name of the cache folder inside the output folder.
pub const CACHE_DIR: &str = ".cache";

/// The cache of one output folder, for one run.
pub struct Cache {
    root: PathBuf,
    /// Entry files this run read or wrote: everything else is pruned after the run.
    used: Mutex<HashSet<PathBuf>>,
}

/// The first line of an extraction entry; the extracted text follows it raw (pages
/// joined by form feeds), so that reading an entry back costs little more than reading
/// the text.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct ExtractHeader {
    sha256: String,
    format: Format,
    /// The extraction's error, when it failed.
    error: Option<String>,
    pages: usize,
    text_len: usize,
    title: Option<String>,
    published: Option<String>,
    created: Option<String>,
    warnings: Vec<String>,
}

/// What the find cache stores for one [`FindKey`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FindEntry {
    pub key: FindKey,
    /// The publication date the document was given (also used to resolve dates).
    pub published: Option<String>,
    pub mentions: Vec<Mention>,
}

/// A [`FindEntry`] to write, borrowed.
#[derive(Serialize)]
struct FindEntryRef<'a> {
    key: &'a FindKey,
    published: &'a Option<String>,
    mentions: &'a [Mention],
}

/// What the build cache stores for one [`FindKey`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct BuildEntry {
    key: FindKey,
    build: DocBuild,
}

/// The last run published into this output folder, for the no-change fast path.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct State {
    /// Hash of everything a run's output depends on (see `pipeline::fingerprint`).
    pub fingerprint: String,
    /// The output set that run published.
    pub set: String,
    pub ok: usize,
    pub empty: usize,
    pub failed: usize,
    pub mentions: usize,
    pub facts: usize,
    pub conflicts: usize,
}

/// This build of the program: version, and the executable's size and modification time,
/// so that a rebuilt program never trusts entries an earlier build wrote.
pub fn program_identity() -> String {
    let mut id = env!("CARGO_PKG_VERSION").to_string();
    if let Ok(exe) = std::env::current_exe()
        && let Ok(m) = std::fs::metadata(exe)
    {
        let mtime = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        id.push_str(&format!("+{}.{}", m.len(), mtime));
    }
    id
}

/// Entries read back larger than this do not keep their buffer for the next read.
const KEPT_BUFFER: usize = 8 << 20;

/// Reads the file at `p` whole into this thread's reusable buffer and passes its bytes to
/// `f`. A run reads thousands of entries (an ingest every kept document's build entry):
/// a fresh buffer for each cost more in page faults than parsing them did.
fn with_file<R>(p: &Path, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    use std::cell::RefCell;
    use std::io::Read;
    thread_local! {
        static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    let mut file = std::fs::File::open(p).ok()?;
    BUFFER.with(|b| {
        // Taken out of the cell, so that `f` may read another entry itself.
        let mut buf = b.take();
        buf.clear();
        let read = file.read_to_end(&mut buf).is_ok();
        let r = read.then(|| f(&buf));
        if buf.capacity() <= KEPT_BUFFER {
            b.replace(buf);
        }
        r
    })
}

fn hash_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

impl Cache {
    /// The cache of output folder `out` for this build. Old builds' entries are removed.
    pub fn open(out: &Path) -> Cache {
        let base = out.join(CACHE_DIR);
        let build = format!(
            "v{CACHE_FORMAT}-{}",
            &hash_hex(&[program_identity().as_bytes()])[..16]
        );
        if let Ok(entries) = std::fs::read_dir(&base) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if e.path().is_dir() && name != build {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        Cache {
            root: base.join(build),
            used: Mutex::new(HashSet::new()),
        }
    }

    fn entry_path(&self, kind: &str, key: &[&[u8]]) -> PathBuf {
        let h = hash_hex(key);
        self.root.join(kind).join(&h[..2]).join(format!("{h}.json"))
    }

    fn mark(&self, p: &Path) {
        if let Ok(mut u) = self.used.lock() {
            u.insert(p.to_path_buf());
        }
    }

    fn read<T: for<'de> Deserialize<'de>>(&self, p: &Path) -> Option<T> {
        with_file(p, |bytes| serde_json::from_slice(bytes).ok())?
    }

    /// Writes an entry whole, or not at all. Failures only cost a later miss.
    fn write<T: Serialize>(&self, p: &Path, value: &T) {
        if let Ok(bytes) = serde_json::to_vec(value) {
            self.write_bytes(p, &bytes);
        }
    }

    fn write_bytes(&self, p: &Path, bytes: &[u8]) {
        self.mark(p);
        let Some(dir) = p.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = dir.join(format!(
            ".tmp-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, p).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    fn extract_path(&self, sha256: &str, format: Format) -> PathBuf {
        let f = format!("{format:?}");
        self.entry_path("extract", &[sha256.as_bytes(), f.as_bytes()])
    }

    /// The cached extraction of a file with these bytes and format.
    pub fn get_extraction(
        &self,
        sha256: &str,
        format: Format,
    ) -> Option<Result<Extraction, String>> {
        let p = self.extract_path(sha256, format);
        with_file(&p, |bytes| self.parse_extraction(&p, bytes, sha256, format))?
    }

    fn parse_extraction(
        &self,
        p: &Path,
        bytes: &[u8],
        sha256: &str,
        format: Format,
    ) -> Option<Result<Extraction, String>> {
        let nl = bytes.iter().position(|&b| b == b'\n')?;
        let h: ExtractHeader = serde_json::from_slice(&bytes[..nl]).ok()?;
        let body = &bytes[nl + 1..];
        if h.sha256 != sha256 || h.format != format || body.len() != h.text_len {
            return None;
        }
        let text = std::str::from_utf8(body).ok()?;
        self.mark(p);
        if let Some(e) = h.error {
            return Some(Err(e));
        }
        let pages = if h.pages == 0 {
            Vec::new()
        } else {
            text.split('\u{c}').map(str::to_string).collect()
        };
        if pages.len() != h.pages {
            return None;
        }
        Some(Ok(Extraction {
            pages,
            title: h.title,
            published: h.published,
            created: h.created,
            warnings: h.warnings,
        }))
    }

    pub fn put_extraction(
        &self,
        sha256: &str,
        format: Format,
        result: &Result<Extraction, String>,
    ) {
        // Page text never holds a form feed (model::Extraction), so joining is reversible;
        // should an extractor break that rule, the entry is not written.
        let (text, header) = match result {
            Ok(x) => {
                if x.pages.iter().any(|p| p.contains('\u{c}')) {
                    return;
                }
                let text = x.pages.join("\u{c}");
                let h = ExtractHeader {
                    sha256: sha256.to_string(),
                    format,
                    error: None,
                    pages: x.pages.len(),
                    text_len: text.len(),
                    title: x.title.clone(),
                    published: x.published.clone(),
                    created: x.created.clone(),
                    warnings: x.warnings.clone(),
                };
                (text, h)
            }
            Err(e) => (
                String::new(),
                ExtractHeader {
                    sha256: sha256.to_string(),
                    format,
                    error: Some(e.clone()),
                    pages: 0,
                    text_len: 0,
                    title: None,
                    published: None,
                    created: None,
                    warnings: Vec::new(),
                },
            ),
        };
        let Ok(mut bytes) = serde_json::to_vec(&header) else {
            return;
        };
        bytes.push(b'\n');
        bytes.extend_from_slice(text.as_bytes());
        self.write_bytes(&self.extract_path(sha256, format), &bytes);
    }

    fn find_path(&self, key: &FindKey) -> PathBuf {
        let k = serde_json::to_vec(key).unwrap_or_default();
        self.entry_path("find", &[&k])
    }

    /// The cached publication date and mentions for `key`.
    pub fn get_mentions(&self, key: &FindKey) -> Option<(Option<String>, Vec<Mention>)> {
        let p = self.find_path(key);
        let e: FindEntry = self.read(&p)?;
        if &e.key != key {
            return None;
        }
        self.mark(&p);
        Some((e.published, e.mentions))
    }

    /// Stores mentions, unless they would not read back exactly (a float that JSON does
    /// not round-trip): then the document is matched again next time, which is correct
    /// where a cached approximation would not be.
    pub fn put_mentions(&self, key: &FindKey, published: &Option<String>, mentions: &[Mention]) {
        // Serialised once, from the caller's mentions (a document may have hundreds of
        // thousands: no copy of them, no second serialisation).
        let entry = FindEntryRef {
            key,
            published,
            mentions,
        };
        let Ok(bytes) = serde_json::to_vec(&entry) else {
            return;
        };
        let same = serde_json::from_slice::<FindEntry>(&bytes).is_ok_and(|back| {
            back.key == *key && back.published == *published && back.mentions == mentions
        });
        if same {
            self.write_bytes(&self.find_path(key), &bytes);
        }
    }

    fn build_path(&self, key: &FindKey) -> PathBuf {
        let k = serde_json::to_vec(key).unwrap_or_default();
        self.entry_path("build", &[&k])
    }

    /// Keeps the extraction and find entries of a document the run did not read (one
    /// kept from the published set) from being pruned: a later change of its sidecar or
    /// of the rules needs them.
    pub fn retain(&self, key: &FindKey) {
        self.mark(&self.extract_path(&key.sha256, key.format));
        self.mark(&self.find_path(key));
    }

    /// The cached build output (claims, entity names) of the document with this key.
    pub fn get_build(&self, key: &FindKey) -> Option<DocBuild> {
        let p = self.build_path(key);
        let e: BuildEntry = self.read(&p)?;
        if &e.key != key {
            return None;
        }
        self.mark(&p);
        Some(e.build)
    }

    /// Stores a build output, unless it would not read back exactly (see
    /// [`Cache::put_mentions`]).
    pub fn put_build(&self, key: &FindKey, build: &DocBuild) {
        let entry = BuildEntry {
            key: key.clone(),
            build: build.clone(),
        };
        let Ok(bytes) = serde_json::to_vec(&entry) else {
            return;
        };
        match serde_json::from_slice::<BuildEntry>(&bytes) {
            Ok(back) if back == entry => self.write_bytes(&self.build_path(key), &bytes),
            _ => {}
        }
    }

    /// The working database of this build (see `emit::workdb`).
    pub fn work_path(&self) -> PathBuf {
        self.root.join("work.sqlite")
    }

    fn stamps_path(&self) -> PathBuf {
        self.root.join("stamps.json")
    }

    /// The file stamps of the last run (see `hashes`); empty when there are none.
    pub fn stamps(&self) -> crate::hashes::Stamps {
        self.read(&self.stamps_path()).unwrap_or_default()
    }

    pub fn put_stamps(&self, stamps: &crate::hashes::Stamps) {
        self.write(&self.stamps_path(), stamps);
    }

    fn state_path(&self) -> PathBuf {
        self.root.join("state.json")
    }

    pub fn state(&self) -> Option<State> {
        self.read(&self.state_path())
    }

    pub fn put_state(&self, state: &State) {
        self.write(&self.state_path(), state);
    }

    /// Forgets the state (before publishing a new set, so a run killed after the swap
    /// but before the new state is written cannot take the old state for the new set).
    pub fn clear_state(&self) {
        let _ = std::fs::remove_file(self.state_path());
    }

    /// Removes every entry this run did not use: documents gone from the corpus, older
    /// rule sets, temporary files of killed runs.
    pub fn prune(&self) {
        let used = match self.used.lock() {
            Ok(u) => u.clone(),
            Err(_) => return,
        };
        for kind in ["extract", "find", "build"] {
            let Ok(shards) = std::fs::read_dir(self.root.join(kind)) else {
                continue;
            };
            for shard in shards.flatten() {
                let Ok(files) = std::fs::read_dir(shard.path()) else {
                    continue;
                };
                for f in files.flatten() {
                    if !used.contains(&f.path()) {
                        let _ = std::fs::remove_file(f.path());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MentionKind;

    fn key() -> FindKey {
        FindKey {
            doc: "a.txt".into(),
            sha256: "ab".into(),
            format: Format::Text,
            rules: "r1".into(),
            known_published: None,
        }
    }

    fn mention(value: serde_json::Value) -> Mention {
        Mention {
            id: "m-1".into(),
            doc: "a.txt".into(),
            kind: MentionKind::Money,
            text: "x".into(),
            start: 0,
            end: 1,
            page: 1,
            rule: "r".into(),
            value,
            extra: Default::default(),
        }
    }

    #[test]
    fn extractions_and_errors_read_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::open(dir.path());
        let x = Extraction {
            pages: vec!["one".into(), "two".into()],
            title: Some("T".into()),
            ..Default::default()
        };
        c.put_extraction("ab", Format::Pdf, &Ok(x.clone()));
        c.put_extraction("cd", Format::Pdf, &Err("encrypted".into()));
        assert_eq!(c.get_extraction("ab", Format::Pdf), Some(Ok(x)));
        assert_eq!(
            c.get_extraction("cd", Format::Pdf),
            Some(Err("encrypted".into()))
        );
        assert_eq!(c.get_extraction("ab", Format::Html), None);
        let none = Extraction::default();
        c.put_extraction("ef", Format::Pdf, &Ok(none.clone()));
        assert_eq!(c.get_extraction("ef", Format::Pdf), Some(Ok(none)));
    }

    #[test]
    fn a_truncated_extraction_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::open(dir.path());
        let x = Extraction {
            pages: vec!["one page of text".into()],
            ..Default::default()
        };
        c.put_extraction("ab", Format::Text, &Ok(x));
        let p = c.extract_path("ab", Format::Text);
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, &bytes[..bytes.len() - 3]).unwrap();
        assert_eq!(c.get_extraction("ab", Format::Text), None);
    }

    #[test]
    fn a_corrupt_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::open(dir.path());
        c.put_mentions(&key(), &None, &[mention(serde_json::json!(5))]);
        let p = c.find_path(&key());
        std::fs::write(&p, b"{\"key\": tru").unwrap();
        assert_eq!(c.get_mentions(&key()), None);
    }

    #[test]
    fn a_different_rule_set_misses() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::open(dir.path());
        c.put_mentions(
            &key(),
            &Some("2024".into()),
            &[mention(serde_json::json!(5))],
        );
        assert!(c.get_mentions(&key()).is_some());
        let other = FindKey {
            rules: "r2".into(),
            ..key()
        };
        assert_eq!(c.get_mentions(&other), None);
    }

    #[test]
    fn unused_entries_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::open(dir.path());
        c.put_extraction("ab", Format::Text, &Err("x".into()));
        let c2 = Cache::open(dir.path());
        c2.put_extraction("cd", Format::Text, &Err("y".into()));
        c2.prune();
        assert_eq!(c2.get_extraction("ab", Format::Text), None);
        assert!(c2.get_extraction("cd", Format::Text).is_some());
    }
}
