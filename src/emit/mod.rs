//! The emit stage: the dataset into the output folder, for machines (JSON Lines, SQLite)
//! and people (CSV tables, the report page).
//!
//! [`write_all`] writes every output file into one folder; output depends only on the
//! dataset: no clock, no paths of the machine, no processing order.
//!
//! [`publish`] makes such a folder the output folder's contents as one set, so that a run
//! killed at any moment leaves the previous complete dataset in place. The layout:
//!
//! ```text
//! out/documents.jsonl -> .current/documents.jsonl   (one link per top-level name)
//! out/text            -> .current/text
//! out/.current        -> .sets/7                     (the one pointer that is swapped)
//! out/.sets/7/        the complete set: documents.jsonl, text/, facts.jsonl, ...
//! out/.sets/6/        the previous set, until the next run that changes the dataset
//! ```
//!
//! A new set is written whole into `.sets/8.partial`, flushed to disk, renamed `.sets/8`,
//! and made current by renaming a new `.current` link over the old one: a single atomic
//! step, so a reader sees either the old set or the new one, never a mix. The contract's
//! file names at the top stay valid links throughout. The set made current before stays
//! for readers still reading it; the next publication removes it on the side. See
//! `docs/operations.md`.

pub mod jsonl;
pub mod report;
pub mod sqlite;
pub mod tables;
pub mod workdb;

use crate::model::{Dataset, DatasetDoc};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use workdb::WorkDb;

/// Folder of the output sets, inside the output folder.
pub const SETS_DIR: &str = ".sets";
/// The link that names the current set.
pub const CURRENT: &str = ".current";

/// Writes every output file of the contract into `out`, for a dataset held wholly in
/// memory (`dataset.sqlite` through a temporary working database).
pub fn write_all(data: &Dataset, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create output folder {}", out.display()))?;
    write_files(data, out, None, &[], None)?;
    jsonl::MentionLines::new(&data.documents).write_to(&out.join("mentions.jsonl"), None)?;
    sqlite::write_sqlite(data, out)
}

/// Every output file but `dataset.sqlite` and `mentions.jsonl`, into `dir`; documents kept
/// from the last run are taken from `previous` (the current set's folder); the facts'
/// lines from `fact_lines` when the caller serialised them already.
fn write_files(
    data: &Dataset,
    dir: &Path,
    previous: Option<&Path>,
    extras: &[(&str, Vec<u8>)],
    fact_lines: Option<&[Vec<u8>]>,
) -> Result<()> {
    jsonl::write_text_files(data, dir, previous)?;
    jsonl::write_documents(data, dir)?;
    jsonl::write_entities(data, dir)?;
    jsonl::write_facts(data, dir, fact_lines)?;
    tables::write_csvs(data, dir)?;
    report::write_report(data, dir)?;
    for (file, bytes) in extras {
        write_atomic(&dir.join(file), bytes)?;
    }
    Ok(())
}

/// The working database a publish brings up to date and copies `dataset.sqlite` from.
pub enum Work {
    /// The cache's, opened by the run (it decided which documents to keep by it).
    Open(Box<WorkDb>),
    /// None yet: a new one is filled and left at this path.
    New(PathBuf),
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename.
///
/// Not flushed to disk here: [`publish`] flushes a whole set at once before making it
/// current, which is what protects against a crash (one fsync per text file would
/// dominate the run on a large corpus).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_parts(path, &[bytes])
}

/// [`write_atomic`] for a file given in parts (no need to join them in memory first).
pub fn write_atomic_parts(path: &Path, parts: &[impl AsRef<[u8]>]) -> Result<()> {
    use std::io::Write;
    write_atomic_with(path, |f| {
        for p in parts {
            f.write_all(p.as_ref())?;
        }
        Ok(())
    })
}

/// Writes `path` atomically with `fill`, which gets the temporary file (buffered): a
/// temporary name beside it, then a rename. A failed write leaves no temporary file.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(temporary_name(&name));
    let written = (|| -> Result<()> {
        let file = std::fs::File::create(&tmp)?;
        let mut f = std::io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut f)?;
        f.flush()?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.context(format!("cannot write {}", path.display())));
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// The temporary name beside `name`: the name itself with a dot and a suffix, or, for a
/// name too long to take them (file names are at most 255 bytes), a hash of it.
fn temporary_name(name: &str) -> String {
    let pid = std::process::id();
    let plain = format!(".{name}.tmp-{pid}");
    if plain.len() <= 255 {
        return plain;
    }
    use sha2::{Digest, Sha256};
    let hash = hex::encode(Sha256::digest(name.as_bytes()));
    format!(".{}.tmp-{pid}", &hash[..32])
}

/// Writes `bytes` to `path` unless the file there already holds exactly these bytes.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Ok(m) = std::fs::metadata(path)
        && m.len() == bytes.len() as u64
        && std::fs::read(path).is_ok_and(|old| old == bytes)
    {
        return Ok(());
    }
    write_atomic(path, bytes)
}

/// Hard-links the previous set's text files of the documents still in `data` into the
/// new set's folder: [`write_if_changed`] then keeps those whose text is unchanged, so an
/// incremental run creates files only for changed documents. Replacing a link (write to a
/// temporary name, rename) never alters the previous set's file. Failures only cost a write.
fn link_previous_texts(documents: &[DatasetDoc], out: &Path, to: &Path) {
    let Some(prev) = current_set(out) else { return };
    for d in documents {
        let rel = jsonl::text_file(&d.record.doc);
        let from = prev.join(&rel);
        let dest = to.join(&rel);
        if let Some(dir) = dest.parent()
            && std::fs::create_dir_all(dir).is_ok()
        {
            let _ = std::fs::hard_link(&from, &dest);
        }
    }
}

/// The folder holding the current complete set of `out`, if there is one: the target of
/// `.current`, or `out` itself when it holds a dataset written as plain files.
/// Readers resolve it once and read every file from it, so they see one consistent set
/// even while a run replaces it.
pub fn current_set(out: &Path) -> Option<PathBuf> {
    let link = out.join(CURRENT);
    if let Ok(target) = std::fs::read_link(&link) {
        let dir = out.join(target);
        return dir.join("documents.jsonl").is_file().then_some(dir);
    }
    out.join("documents.jsonl")
        .is_file()
        .then(|| out.to_path_buf())
}

/// The name of the current set (`7` for `.sets/7`), if any.
pub fn current_set_name(out: &Path) -> Option<String> {
    let target = std::fs::read_link(out.join(CURRENT)).ok()?;
    let name = target.file_name()?.to_string_lossy().into_owned();
    out.join(SETS_DIR).join(&name).is_dir().then_some(name)
}

/// The next set's name: one more than the current one's.
fn next_set_name(out: &Path) -> String {
    let n = current_set_name(out)
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(0);
    (n + 1).to_string()
}

/// A set being prepared: its name, the lines of its `mentions.jsonl` and its database.
/// Started as soon as the documents are known, so that the database (the longest part)
/// is written on a thread of its own while the run reconciles facts and writes the other
/// files. Dropping it unpublished abandons the database file.
pub struct Publication {
    set: String,
    facts: std::sync::mpsc::Sender<Arc<Dataset>>,
    db: std::thread::JoinHandle<Result<()>>,
    /// `mentions.jsonl` written (and flushed), and the unchanged text files linked from
    /// the current set, on threads of their own too.
    mentions: std::thread::JoinHandle<Result<()>>,
    texts: std::thread::JoinHandle<()>,
    /// The set's folder while it is written: `.sets/<n>.partial`.
    partial: PathBuf,
    /// Removing sets older than the current one, meanwhile.
    sweeper: std::thread::JoinHandle<()>,
}

impl Publication {
    /// Starts the next set of `out` for `documents`, its database from the working
    /// database `work`. The caller holds the output lock until publishing.
    pub fn start(out: &Path, documents: Arc<Vec<DatasetDoc>>, work: Work) -> Result<Publication> {
        recover(out)?;
        let set = next_set_name(out);
        let sets = out.join(SETS_DIR);
        let partial = sets.join(format!("{set}.partial"));
        if partial.exists() {
            std::fs::remove_dir_all(&partial)
                .with_context(|| format!("cannot remove {}", partial.display()))?;
        }
        std::fs::create_dir_all(&partial)
            .with_context(|| format!("cannot create {}", partial.display()))?;
        // Chosen before the new set exists under its final name.
        let sweeper = sweep_older_sets(out);
        let lines = jsonl::MentionLines::new(&documents);
        crate::timing::mark("mention lines serialised");
        let (tx, rx) = std::sync::mpsc::channel();
        let job = DatabaseJob {
            documents: documents.clone(),
            set: set.clone(),
            ranges: lines.ranges.clone(),
            len: lines.len,
            file: partial.join("dataset.sqlite"),
        };
        let db = std::thread::Builder::new()
            .name("database".into())
            .spawn(move || job.run(work, rx))
            .context("cannot start the database writer")?;
        // Kept documents' texts and lines come from the current set, which stays in place
        // until this set is published (the caller holds the lock).
        let previous = current_set(out);
        let texts = {
            let (dir, out) = (partial.clone(), out.to_path_buf());
            std::thread::Builder::new()
                .name("texts".into())
                .spawn(move || link_previous_texts(&documents, &out, &dir))
                .context("cannot start the text linker")?
        };
        let dir = partial.clone();
        let mentions = std::thread::Builder::new()
            .name("mentions".into())
            .spawn(move || {
                let to = dir.join("mentions.jsonl");
                let from = previous.map(|p| p.join("mentions.jsonl"));
                lines.write_to(&to, from.as_deref())?;
                crate::timing::mark("mentions written");
                flush(&to)
            })
            .context("cannot start the mentions writer")?;
        Ok(Publication {
            set,
            facts: tx,
            db,
            mentions,
            texts,
            partial,
            sweeper,
        })
    }
}

/// What the database thread needs besides the facts.
struct DatabaseJob {
    documents: Arc<Vec<DatasetDoc>>,
    set: String,
    ranges: Vec<(u64, u64)>,
    len: u64,
    file: PathBuf,
}

impl DatabaseJob {
    /// Brings the working database up to the documents (recording the set's mention
    /// lines), copies their tables out, waits for the facts, brings those up to date,
    /// copies the rest, and flushes the file to disk. A working database that failed to
    /// update is removed: the next run builds it again.
    fn run(self, work: Work, facts: std::sync::mpsc::Receiver<Arc<Dataset>>) -> Result<()> {
        let (mut w, path) = match work {
            Work::Open(w) => {
                let p = w.path().to_path_buf();
                (*w, p)
            }
            Work::New(p) => (WorkDb::create(&p)?, p),
        };
        let mut cancelled = false;
        let r = (|| -> Result<()> {
            w.update_documents(&self.documents, &self.set, &self.ranges, self.len)?;
            crate::timing::mark("database: documents updated");
            w.copy_documents(&self.file)?;
            // Most of the file is written: flushed while the facts are being reconciled.
            flush(&self.file)?;
            crate::timing::mark("database: documents copied");
            let Ok(data) = facts.recv() else {
                cancelled = true;
                anyhow::bail!("the run stopped before its facts were known");
            };
            w.update_facts(&data)?;
            w.copy_rest(&self.file)?;
            crate::timing::mark("database: facts copied");
            Ok(())
        })();
        if let Err(e) = r {
            let _ = std::fs::remove_file(&self.file);
            if !cancelled {
                drop(w);
                WorkDb::discard(&path);
            }
            return Err(e);
        }
        w.finish()?;
        flush(&self.file)
    }
}

/// Writes `data` (and `extras`, further files as (name, bytes)) as the set `p` started and
/// makes it current; `fact_lines`, when given, are `jsonl::fact_lines` of its facts. The
/// caller holds the output lock. Returns the new set's name.
pub fn publish(
    data: &Arc<Dataset>,
    extras: &[(&str, Vec<u8>)],
    fact_lines: Option<&[Vec<u8>]>,
    out: &Path,
    p: Publication,
) -> Result<String> {
    let Publication {
        set: name,
        facts,
        db,
        mentions,
        texts,
        partial,
        sweeper,
    } = p;
    // The database thread goes on with the facts while this one writes the files.
    let _ = facts.send(data.clone());
    // Text files already linked are kept by `write_files`.
    let linked = texts.join();
    let files = (|| -> Result<()> {
        if linked.is_err() {
            anyhow::bail!("the text linker panicked");
        }
        let previous = current_set(out);
        write_files(data, &partial, previous.as_deref(), extras, fact_lines)?;
        // Flushed now, while the database is still being written.
        flush(&partial.join("facts.jsonl"))?;
        crate::timing::mark("files written");
        Ok(())
    })();
    let joined = |h: std::thread::JoinHandle<Result<()>>, what: &str| {
        h.join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the {what} writer panicked")))
    };
    let db = joined(db, "database");
    let mentions = joined(mentions, "mentions");
    files?;
    mentions?;
    db?;
    let sets = out.join(SETS_DIR);
    crate::timing::mark("database written");
    sync_tree(&partial)?;
    crate::timing::mark("set flushed");
    let complete = sets.join(&name);
    std::fs::rename(&partial, &complete)
        .with_context(|| format!("cannot rename {}", partial.display()))?;
    sync_dir(&sets);

    // The swap: one rename of a link.
    let tmp_link = out.join(format!("{CURRENT}.new"));
    let _ = std::fs::remove_file(&tmp_link);
    symlink_dir(Path::new(SETS_DIR).join(&name).as_path(), &tmp_link)?;
    std::fs::rename(&tmp_link, out.join(CURRENT))
        .with_context(|| format!("cannot make {} current", complete.display()))?;
    sync_dir(out);
    crate::timing::mark("set made current");

    relink(out)?;
    let _ = sweeper.join();
    crate::timing::mark("older sets removed");
    Ok(name)
}

/// Brings an output folder left by an interrupted run back to a clean state: removes
/// partial sets and stray links, and makes the top-level links match the current set.
/// Nothing here touches the current set, so it is safe at any point under the lock.
pub fn recover(out: &Path) -> Result<()> {
    if !out.join(CURRENT).exists() && std::fs::symlink_metadata(out.join(CURRENT)).is_ok() {
        // A dangling `.current` (its set was removed by hand): start over cleanly.
        let _ = std::fs::remove_file(out.join(CURRENT));
    }
    let _ = std::fs::remove_file(out.join(format!("{CURRENT}.new")));
    if current_set_name(out).is_some() {
        relink(out)?;
    }
    remove_partial_sets(out);
    Ok(())
}

/// Makes `out/<name>` a link to `.current/<name>` for every top-level name of the current
/// set, and removes links into `.current` whose target is gone. A plain file or folder of
/// the same name (a dataset written before sets existed) is moved aside, then removed
/// with the stale sets.
fn relink(out: &Path) -> Result<()> {
    let current = out.join(CURRENT);
    let mut names = Vec::new();
    for e in
        std::fs::read_dir(&current).with_context(|| format!("cannot read {}", current.display()))?
    {
        let name = e?.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            names.push(name);
        }
    }
    for name in &names {
        let at = out.join(name);
        let want = Path::new(CURRENT).join(name);
        match std::fs::symlink_metadata(&at) {
            Ok(m)
                if m.file_type().is_symlink()
                    && std::fs::read_link(&at).ok().as_deref() == Some(want.as_path()) =>
            {
                continue;
            }
            Ok(m) if m.is_dir() => {
                let aside = out
                    .join(SETS_DIR)
                    .join(format!("old-{name}-{}", std::process::id()));
                std::fs::create_dir_all(out.join(SETS_DIR))?;
                std::fs::rename(&at, &aside)
                    .with_context(|| format!("cannot move {} aside", at.display()))?;
            }
            _ => {}
        }
        let tmp = out.join(format!(".{name}.link-tmp"));
        let _ = std::fs::remove_file(&tmp);
        if current.join(name).is_dir() {
            symlink_dir(&want, &tmp)?;
        } else {
            symlink_file(&want, &tmp)?;
        }
        std::fs::rename(&tmp, &at).with_context(|| format!("cannot link {}", at.display()))?;
    }
    // Links of names the current set no longer has (changes.json after a plain run).
    for e in std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))? {
        let e = e?;
        let path = e.path();
        let is_link = e.file_type().map(|t| t.is_symlink()).unwrap_or(false);
        if is_link
            && std::fs::read_link(&path)
                .map(|t| t.starts_with(CURRENT))
                .unwrap_or(false)
            && !path.exists()
        {
            let _ = std::fs::remove_file(&path);
        }
    }
    Ok(())
}

/// Whether an entry of `.sets` is a complete set (named by its number).
fn is_complete_set(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit())
}

/// Removes every entry of `.sets` that is not a complete set: partial sets and leftovers
/// of killed runs. Failures are left for next time.
fn remove_partial_sets(out: &Path) {
    for p in sets_where(out, |name| !is_complete_set(name)) {
        remove_entry(&p);
    }
}

/// Removes, on a thread of its own, every complete set but the current one: the set that
/// was current before it, kept until now for readers that were still reading it. Deleting
/// hundreds of megabytes is slow on some file systems (online discard), and overlaps with
/// the run's work this way. Failures are left for next time.
fn sweep_older_sets(out: &Path) -> std::thread::JoinHandle<()> {
    let keep = current_set_name(out);
    // Chosen now, before the new set exists under its final name.
    let older = sets_where(out, |name| {
        is_complete_set(name) && Some(name) != keep.as_deref()
    });
    let sweep = move || {
        for p in older {
            remove_entry(&p);
        }
    };
    std::thread::Builder::new()
        .name("sweeper".into())
        .spawn(sweep)
        .unwrap_or_else(|_| std::thread::spawn(|| ()))
}

/// The entries of `.sets` whose names `pick` chooses.
fn sets_where(out: &Path, pick: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(out.join(SETS_DIR)) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| pick(&e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .collect()
}

fn remove_entry(p: &Path) {
    if p.is_dir() {
        let _ = std::fs::remove_dir_all(p);
    } else {
        let _ = std::fs::remove_file(p);
    }
}

/// Flushes every file under `dir` to disk (in parallel: fsyncs of many small files are
/// latency-bound), then the folders, so that the set is durable before it is made current.
fn sync_tree(dir: &Path) -> Result<()> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    let mut i = 0;
    while i < dirs.len() {
        let d = dirs[i].clone();
        i += 1;
        for e in std::fs::read_dir(&d).with_context(|| format!("cannot read {}", d.display()))? {
            let e = e?;
            if e.file_type()?.is_dir() {
                dirs.push(e.path());
            } else if !shared_with_previous_set(&e.path()) {
                files.push(e.path());
            }
        }
    }
    files.par_iter().try_for_each(|p| flush(p))?;
    // The folders below the set's own, side by side (a journalling file system commits
    // them together), then the set's folder.
    dirs[1..].par_iter().for_each(|d| sync_dir(d));
    sync_dir(&dirs[0]);
    Ok(())
}

/// A file linked from the previous set (more than one link): its data was flushed when
/// that set was published, and flushing it again would only wait for the journal.
#[cfg(unix)]
fn shared_with_previous_set(p: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).is_ok_and(|m| m.nlink() > 1)
}

#[cfg(not(unix))]
fn shared_with_previous_set(_: &Path) -> bool {
    false
}

fn flush(p: &Path) -> Result<()> {
    std::fs::File::open(p)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot flush {} to disk", p.display()))
}

/// Flushes a folder's entries (names, renames) to disk; best effort (not every platform
/// can open a folder for this).
fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(unix)]
fn symlink_dir(target: &Path, link: &Path) -> Result<()> {
    std::os::unix::fs::symlink(target, link)
        .with_context(|| format!("cannot create link {}", link.display()))
}

#[cfg(unix)]
fn symlink_file(target: &Path, link: &Path) -> Result<()> {
    symlink_dir(target, link)
}

#[cfg(windows)]
fn symlink_dir(target: &Path, link: &Path) -> Result<()> {
    std::os::windows::fs::symlink_dir(target, link).with_context(|| {
        format!(
            "cannot create link {} (output sets need symbolic links: enable Developer Mode)",
            link.display()
        )
    })
}

#[cfg(windows)]
fn symlink_file(target: &Path, link: &Path) -> Result<()> {
    std::os::windows::fs::symlink_file(target, link).with_context(|| {
        format!(
            "cannot create link {} (output sets need symbolic links: enable Developer Mode)",
            link.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Content, DocText, DocumentRecord, Format, ProcessedDoc, Status};

    /// Publishes with a working database of its own, as a cold run does.
    fn publish(data: &Dataset, extras: &[(&str, Vec<u8>)], out: &Path) -> Result<String> {
        let work = out.join(".test-work").join("work.sqlite");
        let p = Publication::start(out, data.documents.clone(), Work::New(work))?;
        super::publish(&Arc::new(data.clone()), extras, None, out, p)
    }

    fn dataset(docs: &[&str]) -> Dataset {
        Dataset {
            documents: docs
                .iter()
                .map(|d| {
                    ProcessedDoc {
                        record: DocumentRecord {
                            doc: d.to_string(),
                            sha256: String::new(),
                            format: Format::Text,
                            title: None,
                            published: None,
                            pages: 1,
                            chars: 1,
                            status: Status::Ok,
                            error: None,
                            work: None,
                            copy_of: None,
                            work_similarity: None,
                            warnings: Vec::new(),
                        },
                        text: DocText::from_text(format!("text of {d}")),
                        mentions: Vec::new(),
                    }
                    .into()
                })
                .collect::<Vec<_>>()
                .into(),
            ..Default::default()
        }
    }

    fn lines(p: &Path) -> usize {
        std::fs::read_to_string(p).unwrap().lines().count()
    }

    #[test]
    fn publishing_replaces_the_set_behind_stable_names() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        publish(&dataset(&["a.txt"]), &[], out).unwrap();
        assert_eq!(lines(&out.join("documents.jsonl")), 1);
        assert_eq!(
            std::fs::read_to_string(out.join("text/a.txt.txt")).unwrap(),
            "text of a.txt"
        );
        publish(
            &dataset(&["a.txt", "b.txt"]),
            &[("changes.json", b"{}".to_vec())],
            out,
        )
        .unwrap();
        assert_eq!(lines(&out.join("documents.jsonl")), 2);
        assert!(out.join("changes.json").is_file());
        assert_eq!(current_set_name(out).as_deref(), Some("2"));
        // The current set and the one before it are kept.
        let sets = || {
            let mut s: Vec<String> = std::fs::read_dir(out.join(SETS_DIR))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            s.sort();
            s
        };
        assert_eq!(sets(), ["1", "2"]);
        // A set without the extra drops its link; the oldest set goes.
        publish(&dataset(&["a.txt"]), &[], out).unwrap();
        assert!(std::fs::symlink_metadata(out.join("changes.json")).is_err());
        assert_eq!(sets(), ["2", "3"]);
    }

    #[test]
    fn unchanged_texts_are_linked_and_a_changed_one_never_alters_the_previous_set() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        publish(&dataset(&["a.txt", "b.txt"]), &[], &out).unwrap();
        // A reader holding on to the first set's file.
        let held = dir.path().join("held");
        std::fs::hard_link(out.join(".sets/1/text/a.txt.txt"), &held).unwrap();
        let mut next = dataset(&["a.txt", "b.txt"]);
        Arc::make_mut(&mut next.documents)[0].content = Content::Loaded {
            text: DocText::from_text("new text of a".into()),
            mentions: Vec::new(),
        };
        publish(&next, &[], &out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("text/a.txt.txt")).unwrap(),
            "new text of a"
        );
        assert_eq!(std::fs::read_to_string(&held).unwrap(), "text of a.txt");
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let b = std::fs::metadata(out.join("text/b.txt.txt")).unwrap();
            assert_eq!(
                b.nlink(),
                2,
                "the unchanged file is linked from the previous set"
            );
            let a = std::fs::metadata(out.join("text/a.txt.txt")).unwrap();
            assert_ne!(a.ino(), std::fs::metadata(&held).unwrap().ino());
        }
    }

    #[test]
    fn a_dataset_of_plain_files_is_taken_over_and_other_files_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        write_all(&dataset(&["old.txt"]), out).unwrap();
        std::fs::write(out.join("README.md"), "keep me").unwrap();
        assert_eq!(current_set(out).as_deref(), Some(out));
        publish(&dataset(&["a.txt", "b.txt"]), &[], out).unwrap();
        assert_eq!(lines(&out.join("documents.jsonl")), 2);
        assert!(!out.join("text/old.txt.txt").exists());
        assert!(out.join("text/b.txt.txt").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("README.md")).unwrap(),
            "keep me"
        );
    }

    #[test]
    fn leftovers_of_an_interrupted_publish_are_cleaned_without_touching_the_current_set() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        publish(&dataset(&["a.txt"]), &[], out).unwrap();
        std::fs::create_dir_all(out.join(SETS_DIR).join("2.partial/text")).unwrap();
        std::fs::write(out.join(SETS_DIR).join("2.partial/documents.jsonl"), "{").unwrap();
        symlink_dir(Path::new(".sets/2.partial"), &out.join(".current.new")).unwrap();
        recover(out).unwrap();
        assert_eq!(lines(&out.join("documents.jsonl")), 1);
        assert!(!out.join(SETS_DIR).join("2.partial").exists());
        assert!(std::fs::symlink_metadata(out.join(".current.new")).is_err());
    }
}
