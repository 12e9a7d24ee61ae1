//! `aisi ingest FILE...`: adds newly published reports to the corpus, refreshes the
//! dataset incrementally (the same path as `aisi run`), and reports what the new reports
//! added, changed, confirmed or contradicted, in the terminal and in `changes.json`.
//!
//! Files are copied into `<corpus>/ingested/` (or `--into`), with their sidecars. Copying
//! never overwrites: a different file of the same name stops the ingest before anything is
//! copied; an identical one is already there and is skipped.

use crate::explain::show_value;
use crate::lock::OutputLock;
use crate::model::{
    Content, Dataset, DatasetDoc, Entity, Fact, FactStatus, Mention, Source, Status,
};
use crate::pipeline::{self, Computed, RunOptions, Summary};
use crate::works::Works;
use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Quotes shown in the terminal per fact and per side of a contradiction (all are in
/// the changes file).
const SHOWN_SOURCES: usize = 2;

/// Name of the changes file in the output folder.
pub const CHANGES_FILE: &str = "changes.json";

/// Options of `aisi ingest`.
#[derive(Clone, Debug)]
pub struct IngestOptions {
    pub files: Vec<PathBuf>,
    /// Folder inside the corpus the files are copied to (`.` for the corpus root).
    pub into: PathBuf,
    pub run: RunOptions,
}

/// One file to put into the corpus.
#[derive(Clone, Debug)]
struct Copy {
    from: PathBuf,
    to: PathBuf,
    /// Already in the corpus with the same bytes.
    present: bool,
}

/// What one ingested file became.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Ingested {
    /// Document name (relative to the corpus).
    pub doc: String,
    /// False when the same file was already in the corpus.
    pub copied: bool,
    pub status: Option<Status>,
    pub error: Option<String>,
    pub mentions: usize,
    /// When the file is a copy or edition of a work already in the corpus: a document of
    /// that work (its first edition when that was there before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<String>,
    /// Facts the file added, changed, confirmed (with a new work) or contradicted.
    pub facts: usize,
}

/// How a fact differs between the dataset before and after.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A fact that was not there, on a subject and predicate with no earlier value.
    Added,
    /// A fact that replaces an earlier value on the same subject and predicate.
    Changed,
    /// A fact that was there and gained sources.
    Confirmed,
    /// A fact that is now in conflict with facts it was not in conflict with.
    Contradicted,
    /// A fact that is no longer there.
    Removed,
}

impl ChangeKind {
    fn title(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Changed => "changed",
            ChangeKind::Confirmed => "confirmed",
            ChangeKind::Contradicted => "contradicted",
            ChangeKind::Removed => "removed",
        }
    }
    fn sign(self) -> &'static str {
        match self {
            ChangeKind::Added => "+",
            ChangeKind::Changed => "~",
            ChangeKind::Confirmed => "=",
            ChangeKind::Contradicted => "!",
            ChangeKind::Removed => "-",
        }
    }
    fn color(self) -> &'static str {
        match self {
            ChangeKind::Added => "32",
            ChangeKind::Changed => "33",
            ChangeKind::Confirmed => "36",
            ChangeKind::Contradicted => "31",
            ChangeKind::Removed => "35",
        }
    }
}

/// The other side of a contradiction, or the earlier value of a change.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Side {
    pub fact: String,
    pub object: Value,
    pub sources: Vec<Source>,
}

/// One difference between the facts before and after.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Change {
    pub kind: ChangeKind,
    pub fact: String,
    pub subject: String,
    pub predicate: String,
    pub object: Value,
    pub qualifiers: BTreeMap<String, Value>,
    pub status: FactStatus,
    /// The sources this run brought (all sources of a new fact; the new ones of a
    /// confirmed fact; the last sources of a removed fact).
    pub sources: Vec<Source>,
    /// Changed: the earlier fact; contradicted: the facts it now conflicts with.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub against: Vec<Side>,
}

/// The contents of `changes.json`.
#[derive(Serialize, Clone, Debug, PartialEq, Default)]
pub struct Changes {
    pub ingested: Vec<Ingested>,
    /// Count of changes per kind.
    pub counts: BTreeMap<String, usize>,
    pub changes: Vec<Change>,
}

/// The differences between two fact lists, sorted by kind, subject, predicate, fact id.
pub fn diff(old: &[Fact], new: &[Fact]) -> Vec<Change> {
    diff_except(old, new, &HashSet::new())
}

/// [`diff`] where the facts of `new` named in `unchanged` are known to be in the old list
/// as they are (and are left out of `old`): they can bring no change.
fn diff_except(old: &[Fact], new: &[Fact], unchanged: &HashSet<&str>) -> Vec<Change> {
    let old_by_id: BTreeMap<&str, &Fact> = old.iter().map(|f| (f.id.as_str(), f)).collect();
    let new_by_id: BTreeMap<&str, &Fact> = new.iter().map(|f| (f.id.as_str(), f)).collect();
    // Earlier facts gone from the new set, by subject and predicate: candidates for "changed".
    let mut gone: BTreeMap<(&str, &str), Vec<&Fact>> = BTreeMap::new();
    for f in old
        .iter()
        .filter(|f| !new_by_id.contains_key(f.id.as_str()))
    {
        gone.entry((f.subject.as_str(), f.predicate.as_str()))
            .or_default()
            .push(f);
    }
    let side = |f: &Fact| Side {
        fact: f.id.clone(),
        object: f.object.clone(),
        sources: f.sources.clone(),
    };
    let change = |kind, f: &Fact, sources: Vec<Source>, against: Vec<Side>| Change {
        kind,
        fact: f.id.clone(),
        subject: f.subject.clone(),
        predicate: f.predicate.clone(),
        object: f.object.clone(),
        qualifiers: f.qualifiers.clone(),
        status: f.status,
        sources,
        against,
    };
    let mut out = Vec::new();
    let mut reported_pairs: BTreeSet<(String, String)> = BTreeSet::new();
    // New facts first, so a contradiction is told from the side the new reports brought.
    let mut order: Vec<&Fact> = new
        .iter()
        .filter(|f| !unchanged.contains(f.id.as_str()))
        .collect();
    order.sort_by_key(|f| old_by_id.contains_key(f.id.as_str()));
    for n in order {
        let was = old_by_id.get(n.id.as_str()).copied();
        // Contradictions this fact did not have before.
        let before: BTreeSet<&str> = was
            .and_then(|o| o.conflicts_with.as_ref())
            .map(|c| c.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let fresh: Vec<Side> = n
            .conflicts_with
            .iter()
            .flatten()
            .filter(|c| !before.contains(c.as_str()))
            .filter(|c| {
                let pair = if n.id < **c {
                    (n.id.clone(), (*c).clone())
                } else {
                    ((*c).clone(), n.id.clone())
                };
                reported_pairs.insert(pair)
            })
            .filter_map(|c| new_by_id.get(c.as_str()).map(|f| side(f)))
            .collect();
        match was {
            Some(o) => {
                let gained = gained_sources(&o.sources, &n.sources);
                // A new source for one side of a conflict takes that side against the
                // others: the analyst needs to see both, not a plain confirmation.
                let against: Vec<Side> = if gained.is_empty() {
                    fresh
                } else {
                    n.conflicts_with
                        .iter()
                        .flatten()
                        .filter_map(|c| new_by_id.get(c.as_str()).map(|f| side(f)))
                        .collect()
                };
                if !against.is_empty() {
                    out.push(change(ChangeKind::Contradicted, n, gained, against));
                } else if !gained.is_empty() {
                    out.push(change(ChangeKind::Confirmed, n, gained, Vec::new()));
                }
            }
            None => {
                let replaced = gone
                    .get_mut(&(n.subject.as_str(), n.predicate.as_str()))
                    .and_then(|v| (!v.is_empty()).then(|| v.remove(0)));
                if !fresh.is_empty() {
                    out.push(change(
                        ChangeKind::Contradicted,
                        n,
                        n.sources.clone(),
                        fresh,
                    ));
                } else if let Some(o) = replaced {
                    out.push(change(
                        ChangeKind::Changed,
                        n,
                        n.sources.clone(),
                        vec![side(o)],
                    ));
                } else {
                    out.push(change(ChangeKind::Added, n, n.sources.clone(), Vec::new()));
                }
            }
        }
    }
    for o in gone.values().flatten() {
        out.push(change(
            ChangeKind::Removed,
            o,
            o.sources.clone(),
            Vec::new(),
        ));
    }
    out.sort_by(|a, b| {
        (a.kind, &a.subject, &a.predicate, &a.fact).cmp(&(
            b.kind,
            &b.subject,
            &b.predicate,
            &b.fact,
        ))
    });
    out
}

/// The sources in `new` that are not in `old`. A fact's sources are sorted (reconcile
/// sorts them), which makes this one merge pass; unsorted input falls back to a set.
fn gained_sources(old: &[Source], new: &[Source]) -> Vec<Source> {
    let sorted = |v: &[Source]| v.windows(2).all(|w| w[0] <= w[1]);
    if !(sorted(old) && sorted(new)) {
        let known: BTreeSet<&Source> = old.iter().collect();
        return new.iter().filter(|s| !known.contains(s)).cloned().collect();
    }
    let mut gained = Vec::new();
    let mut o = old.iter().peekable();
    for s in new {
        while o.next_if(|x| *x < s).is_some() {}
        if o.peek() != Some(&s) {
            gained.push(s.clone());
        }
    }
    gained
}

/// Plans the copies: every file must exist and be a supported input; a file of the same
/// name in the destination must have the same bytes. Nothing is copied here.
fn plan(opts: &IngestOptions) -> Result<Vec<Copy>> {
    if !opts.run.corpus.is_dir() {
        anyhow::bail!(
            "nothing ingested: the corpus folder {} does not exist (use --corpus DIR)",
            opts.run.corpus.display()
        );
    }
    let dest = opts.run.corpus.join(&opts.into);
    let mut copies: Vec<Copy> = Vec::new();
    let mut problems = Vec::new();
    for f in &opts.files {
        if !f.is_file() {
            problems.push(format!("{}: no such file", f.display()));
            continue;
        }
        if crate::corpus::format_of(f).is_none() {
            problems.push(format!(
                "{}: not a supported report (.pdf, .html, .htm, .txt, .md)",
                f.display()
            ));
            continue;
        }
        let Some(name) = f.file_name() else {
            problems.push(format!("{}: not a file name", f.display()));
            continue;
        };
        // A file already inside the corpus is refreshed where it is, never duplicated.
        if let (Ok(abs), Ok(root)) = (f.canonicalize(), opts.run.corpus.canonicalize())
            && let Ok(rel) = abs.strip_prefix(&root)
        {
            copies.push(Copy {
                from: f.clone(),
                to: opts.run.corpus.join(rel),
                present: true,
            });
            continue;
        }
        let mut pairs = vec![(f.clone(), dest.join(name))];
        let sidecar = crate::corpus::sidecar_path(f);
        if sidecar.is_file() {
            pairs.push((sidecar, crate::corpus::sidecar_path(&dest.join(name))));
        }
        for (from, to) in pairs {
            if let Some(prev) = copies.iter().find(|c| c.to == to) {
                if sha_of(&prev.from)? != sha_of(&from)? {
                    problems.push(format!(
                        "{} and {} would both become {}; rename one",
                        prev.from.display(),
                        from.display(),
                        to.display()
                    ));
                }
                continue;
            }
            let present = if to.exists() {
                if sha_of(&to)? == sha_of(&from)? {
                    true
                } else {
                    problems.push(format!(
                        "{} already exists in the corpus with different content; \
                         not overwritten (rename the new file, or remove the old one first)",
                        to.display()
                    ));
                    continue;
                }
            } else {
                false
            };
            copies.push(Copy { from, to, present });
        }
    }
    if !problems.is_empty() {
        anyhow::bail!("nothing ingested:\n  {}", problems.join("\n  "));
    }
    Ok(copies)
}

fn sha_of(p: &Path) -> Result<String> {
    let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// Copies under a hidden temporary name (which a corpus scan ignores), then renames.
fn copy_in(c: &Copy) -> Result<()> {
    let dir = c.to.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name =
        c.to.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.ingest-{}", std::process::id()));
    std::fs::copy(&c.from, &tmp)
        .with_context(|| format!("cannot copy {} to {}", c.from.display(), tmp.display()))?;
    std::fs::rename(&tmp, &c.to).with_context(|| format!("cannot create {}", c.to.display()))?;
    Ok(())
}

/// The outcome of an ingest, for printing.
pub struct Outcome {
    pub summary: Summary,
    pub changes: Changes,
    pub entities: Vec<Entity>,
    /// Mentions of the documents the changes cite, to mark the value inside each quote.
    pub mentions: Vec<Mention>,
}

/// Copies the files in, refreshes the dataset and returns what changed.
pub fn ingest(opts: &IngestOptions) -> Result<Outcome> {
    let rules = crate::rules::RuleSet::from_source(&opts.run.rules)?;
    let lock = OutputLock::acquire(&opts.run.out)?;
    let copies = plan(opts)?;
    let previous = crate::emit::current_set(&opts.run.out);
    for c in copies.iter().filter(|c| !c.present) {
        copy_in(c)?;
    }
    let docs: Vec<(String, bool)> = copies
        .iter()
        .filter(|c| crate::corpus::format_of(&c.to).is_some() && !is_sidecar(&c.to))
        .map(|c| (doc_name(&opts.run.corpus, &c.to), !c.present))
        .collect();
    // The facts before, read while the dataset is refreshed.
    let (before, computed) = std::thread::scope(|s| {
        let read = || -> Result<Earlier> {
            match &previous {
                Some(dir) => Earlier::read(&dir.join("facts.jsonl")),
                None => Ok(Earlier::default()),
            }
        };
        let before = std::thread::Builder::new()
            .name("earlier-facts".into())
            .spawn_scoped(s, read);
        let computed = pipeline::compute(&opts.run, &rules, &lock);
        let before = match before {
            Ok(h) => h
                .join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("reading the earlier facts failed"))),
            Err(e) => Err(anyhow::anyhow!("cannot start a thread: {e}")),
        };
        (before, computed)
    });
    let before = before?;
    crate::timing::mark("earlier facts read");
    match computed? {
        Computed::Unchanged(summary) => {
            let data = crate::explain::load(&opts.run.out).ok();
            let ingested = docs
                .iter()
                .map(|(doc, copied)| {
                    let rec = data
                        .as_ref()
                        .and_then(|d| d.documents.iter().find(|r| &r.doc == doc));
                    let copy_of = data.as_ref().and_then(|d| {
                        let members = d.documents.iter().map(|r| r.doc.as_str());
                        copy_of(doc, &d.works, members, &docs)
                    });
                    Ingested {
                        doc: doc.clone(),
                        copied: *copied,
                        status: rec.map(|r| r.status),
                        error: rec.and_then(|r| r.error.clone()),
                        mentions: data
                            .as_ref()
                            .map(|d| d.mentions.iter().filter(|m| &m.doc == doc).count())
                            .unwrap_or(0),
                        copy_of,
                        facts: 0,
                    }
                })
                .collect();
            Ok(Outcome {
                summary,
                changes: Changes {
                    ingested,
                    ..Default::default()
                },
                entities: data.map(|d| d.entities).unwrap_or_default(),
                mentions: Vec::new(),
            })
        }
        Computed::Changed(refresh) => {
            let (earlier, unchanged) = before.changed(refresh.fact_lines(), &refresh.data.facts)?;
            let existed: BTreeSet<&str> = before.ids().collect();
            let changes = changes_of(&refresh.data, &earlier, &existed, &unchanged, &docs);
            drop(existed);
            pipeline::drop_in_background((before, earlier));
            let json = serde_json::to_vec_pretty(&changes).context("cannot write changes")?;
            let entities = refresh.data.entities.clone();
            // The documents of the quotes `render` shows (two per fact and side).
            let cited: BTreeSet<&str> = changes
                .changes
                .iter()
                .flat_map(|c| {
                    c.sources.iter().take(SHOWN_SOURCES).chain(
                        c.against
                            .iter()
                            .flat_map(|a| a.sources.iter().take(SHOWN_SOURCES)),
                    )
                })
                .map(|s| s.doc.as_str())
                .collect();
            let mentions = refresh
                .data
                .documents
                .iter()
                .filter(|d| cited.contains(d.doc()))
                .flat_map(|d| mentions_of(d, previous.as_deref()))
                .collect();
            crate::timing::mark("changes found");
            let summary = pipeline::publish(*refresh, &[(CHANGES_FILE, json)])?;
            Ok(Outcome {
                summary,
                changes,
                entities,
                mentions,
            })
        }
    }
}

/// A document's mentions: in memory, or its lines in the previous set's `mentions.jsonl`
/// for a document kept from there (read before the new set replaces it).
fn mentions_of(d: &DatasetDoc, previous: Option<&Path>) -> Vec<Mention> {
    use std::io::{Read, Seek, SeekFrom};
    if let Some(m) = d.mentions() {
        return m.to_vec();
    }
    let Content::Kept {
        lines: (start, end),
    } = d.content
    else {
        return Vec::new();
    };
    let Some(dir) = previous else {
        return Vec::new();
    };
    let mut buf = vec![0u8; end.saturating_sub(start) as usize];
    let read = std::fs::File::open(dir.join("mentions.jsonl")).and_then(|mut f| {
        f.seek(SeekFrom::Start(start))?;
        f.read_exact(&mut buf)
    });
    if read.is_err() {
        return Vec::new();
    }
    buf.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect()
}

/// A document of the corpus, other than the files being ingested, of the same work as
/// `doc`: the work's first edition when it is one of them, else the first in `members`.
fn copy_of<'a>(
    doc: &str,
    works: &Works,
    mut members: impl Iterator<Item = &'a str>,
    ingested: &[(String, bool)],
) -> Option<String> {
    let w = works.get(doc)?;
    let new = |d: &str| ingested.iter().any(|(x, _)| x == d);
    if w.first != doc && !new(&w.first) {
        return Some(w.first.clone());
    }
    members
        .find(|d| *d != doc && !new(d) && works.work_of(d) == w.work)
        .map(str::to_string)
}

/// The changes from the facts before to `data`'s: `before` holds the earlier facts that
/// are not in `data` as they are (those in `unchanged`), `existed` the ids of all of them.
fn changes_of(
    data: &Dataset,
    before: &[Fact],
    existed: &BTreeSet<&str>,
    unchanged: &HashSet<&str>,
    docs: &[(String, bool)],
) -> Changes {
    let mut changes = diff_except(before, &data.facts, unchanged);
    // A copy of a work that stated a fact already neither confirms it nor takes a side in
    // its conflict: only a new work among a fact's sources does.
    let by_id: BTreeMap<&str, &Fact> = data.facts.iter().map(|f| (f.id.as_str(), f)).collect();
    changes.retain(|c| {
        let gained_only = matches!(c.kind, ChangeKind::Confirmed | ChangeKind::Contradicted)
            && existed.contains(c.fact.as_str())
            && !c.sources.is_empty();
        if !gained_only {
            return true;
        }
        let Some(f) = by_id.get(c.fact.as_str()) else {
            return true;
        };
        let gained: BTreeSet<&Source> = c.sources.iter().collect();
        let had: BTreeSet<&str> = f
            .sources
            .iter()
            .filter(|s| !gained.contains(s))
            .map(|s| data.works.work_of(&s.doc))
            .collect();
        c.sources
            .iter()
            .any(|s| !had.contains(data.works.work_of(&s.doc)))
    });
    let ingested = docs
        .iter()
        .map(|(doc, copied)| {
            let d = data.documents.iter().find(|d| &d.record.doc == doc);
            let members = data.documents.iter().map(|d| d.doc());
            Ingested {
                doc: doc.clone(),
                copied: *copied,
                status: d.map(|d| d.record.status),
                error: d.and_then(|d| d.record.error.clone()),
                mentions: d.map(|d| d.mention_count).unwrap_or(0),
                copy_of: copy_of(doc, &data.works, members, docs),
                facts: changes
                    .iter()
                    .filter(|c| c.sources.iter().any(|s| &s.doc == doc))
                    .count(),
            }
        })
        .collect();
    let mut counts = BTreeMap::new();
    for c in &changes {
        *counts.entry(c.kind.title().to_string()).or_insert(0) += 1;
    }
    Changes {
        ingested,
        counts,
        changes,
    }
}

/// The facts of the dataset before an ingest: the lines of its `facts.jsonl` by fact id,
/// parsed only where the new dataset's line differs. Most facts come out of an ingest as
/// they were, and parsing their thousands of sources cost more than comparing bytes.
#[derive(Default)]
struct Earlier {
    text: Vec<u8>,
    /// Each fact's id and its line (without the newline) in `text`, in file order.
    lines: Vec<(String, std::ops::Range<usize>)>,
    path: PathBuf,
}

impl Earlier {
    fn read(path: &Path) -> Result<Earlier> {
        let text = match std::fs::read(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Earlier::default()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let mut lines = Vec::new();
        let mut at = 0;
        for (i, line) in text.split(|&b| b == b'\n').enumerate() {
            let range = at..at + line.len();
            at += line.len() + 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let id = fact_id(line).with_context(|| invalid_line(path, i))?;
            lines.push((id, range));
        }
        Ok(Earlier {
            text,
            lines,
            path: path.to_path_buf(),
        })
    }

    fn ids(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(|(id, _)| id.as_str())
    }

    /// The earlier facts that are not among `new` as they are, parsed, and the ids of
    /// those that are. `new_lines` are the new facts' lines (`jsonl::fact_lines`).
    fn changed<'a>(
        &self,
        new_lines: &[Vec<u8>],
        new: &'a [Fact],
    ) -> Result<(Vec<Fact>, HashSet<&'a str>)> {
        let new_line: HashMap<&str, &[u8]> = new
            .iter()
            .zip(new_lines)
            .map(|(f, l)| (f.id.as_str(), l.strip_suffix(b"\n").unwrap_or(l)))
            .collect();
        let mut unchanged = HashSet::new();
        let mut changed = Vec::new();
        for (i, (id, range)) in self.lines.iter().enumerate() {
            let line = &self.text[range.clone()];
            match new_line.get_key_value(id.as_str()) {
                Some((&id, &l)) if l == line => {
                    unchanged.insert(id);
                }
                _ => changed.push(
                    serde_json::from_slice(line)
                        .with_context(|| invalid_line(&self.path, self.line_number(i)))?,
                ),
            }
        }
        Ok((changed, unchanged))
    }

    /// The line number in the file (from 0) of the `i`th fact.
    fn line_number(&self, i: usize) -> usize {
        let start = self.lines[i].1.start;
        self.text[..start].iter().filter(|&&b| b == b'\n').count()
    }
}

/// The id of a line of `facts.jsonl`: read from the line's start as written (`{"id":"…"`),
/// else by parsing the line.
fn fact_id(line: &[u8]) -> Result<String> {
    const START: &[u8] = b"{\"id\":\"";
    if let Some(rest) = line.strip_prefix(START)
        && let Some(end) = rest.iter().position(|&b| b == b'"' || b == b'\\')
        && rest[end] == b'"'
        && let Ok(id) = std::str::from_utf8(&rest[..end])
    {
        return Ok(id.to_string());
    }
    #[derive(serde::Deserialize)]
    struct IdOf {
        id: String,
    }
    Ok(serde_json::from_slice::<IdOf>(line)?.id)
}

fn invalid_line(path: &Path, i: usize) -> String {
    format!(
        "{}:{}: not a valid record (rerun `aisi run` to rewrite the dataset)",
        path.display(),
        i + 1
    )
}

fn is_sidecar(p: &Path) -> bool {
    p.to_string_lossy().ends_with(".meta.json")
}

/// The corpus-relative, `/`-separated name of a path under the corpus.
fn doc_name(corpus: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(corpus).unwrap_or(p);
    rel.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The report for a terminal: per-file outcome, then the changes grouped by kind, each
/// with its value and a quote; at most `per_kind` lines per kind.
pub fn render(o: &Outcome, out: &Path, color: bool, per_kind: usize) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let names: BTreeMap<&str, &str> = o
        .entities
        .iter()
        .map(|e| (e.id.as_str(), e.name.as_str()))
        .collect();
    let named = |v: &Value| -> String {
        let s = show_value(v);
        match v.as_str().and_then(|id| names.get(id)) {
            Some(n) => n.to_string(),
            None => s,
        }
    };
    let mut s = String::new();
    for i in &o.changes.ingested {
        let what = match (i.copied, i.status) {
            (_, Some(Status::Error)) => format!(
                "failed: {}",
                i.error.clone().unwrap_or_else(|| "unknown error".into())
            ),
            (_, Some(Status::Empty)) => "no text".to_string(),
            (_, None) => "not in the dataset".to_string(),
            (_, Some(Status::Ok)) => format!("{} mentions", i.mentions),
        };
        let copied = if i.copied {
            "added to the corpus"
        } else {
            "already in the corpus"
        };
        let what = match (&i.copy_of, i.status, i.facts) {
            (Some(first), Some(Status::Ok), 0) => format!("a copy of {first}: no new facts"),
            (Some(first), Some(Status::Ok), n) => {
                format!("an edition of {first}: {n} fact(s) added, changed or contradicted")
            }
            _ => what,
        };
        let _ = writeln!(s, "{} — {copied}; {what}", paint("1", &i.doc));
    }
    if o.changes.changes.is_empty() {
        let _ = writeln!(s, "no facts added, changed, confirmed or contradicted");
    }
    let kinds = [
        ChangeKind::Added,
        ChangeKind::Changed,
        ChangeKind::Confirmed,
        ChangeKind::Contradicted,
        ChangeKind::Removed,
    ];
    for kind in kinds {
        let of_kind: Vec<&Change> = o
            .changes
            .changes
            .iter()
            .filter(|c| c.kind == kind)
            .collect();
        if of_kind.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "\n{}",
            paint(
                &format!("1;{}", kind.color()),
                &format!("{} {} fact(s)", kind.title(), of_kind.len())
            )
        );
        for c in of_kind.iter().take(per_kind) {
            let mut head = format!(
                "{} {} {} {}",
                kind.sign(),
                named(&Value::String(c.subject.clone())),
                c.predicate,
                named(&c.object)
            );
            if let Some(prev) = c.against.first().filter(|_| kind == ChangeKind::Changed) {
                head = format!(
                    "{} {} {} {} (was {})",
                    kind.sign(),
                    named(&Value::String(c.subject.clone())),
                    c.predicate,
                    named(&c.object),
                    named(&prev.object)
                );
            }
            let _ = writeln!(
                s,
                "  {}  {}",
                paint(kind.color(), &head),
                paint("2", &c.fact)
            );
            for src in c.sources.iter().take(SHOWN_SOURCES) {
                let _ = writeln!(
                    s,
                    "      {}",
                    quote_line(src, &c.object, &o.mentions, color)
                );
            }
            if kind == ChangeKind::Contradicted {
                for a in &c.against {
                    let _ = writeln!(
                        s,
                        "    {} {}  {}",
                        paint(kind.color(), "vs"),
                        named(&a.object),
                        paint("2", &a.fact)
                    );
                    for src in a.sources.iter().take(SHOWN_SOURCES) {
                        let _ = writeln!(
                            s,
                            "      {}",
                            quote_line(src, &a.object, &o.mentions, color)
                        );
                    }
                }
            }
        }
        if of_kind.len() > per_kind {
            let _ = writeln!(
                s,
                "  … and {} more (all in {})",
                of_kind.len() - per_kind,
                out.join(CHANGES_FILE).display()
            );
        }
    }
    s
}

/// `“…quote…” — doc p.3`, whitespace collapsed, cut to a window around the mention of
/// the fact's value when one is inside the quote (marked `»…«`, or bold on a terminal).
fn quote_line(src: &Source, object: &Value, mentions: &[Mention], color: bool) -> String {
    const SIDE: usize = 50;
    let collapse = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let q = &src.quote;
    let focus = mentions
        .iter()
        .filter(|m| m.doc == src.doc && m.start >= src.start && m.end <= src.end)
        .filter(|m| value_matches(&m.value, object))
        // The most explicit wording: a date stated in full over "today" resolved to it.
        .max_by_key(|m| {
            (
                !m.extra.contains_key("anchor"),
                m.end - m.start,
                std::cmp::Reverse(m.start),
            )
        })
        .map(|m| (m.start - src.start, m.end - src.start))
        .filter(|&(a, b)| b <= q.len() && q.is_char_boundary(a) && q.is_char_boundary(b));
    let shown = match focus {
        Some((a, b)) => {
            let before: String = {
                let chars: Vec<char> = q[..a].chars().collect();
                let from = chars.len().saturating_sub(SIDE);
                let t: String = chars[from..].iter().collect();
                if from > 0 { format!("…{t}") } else { t }
            };
            let after: String = {
                let t: String = q[b..].chars().take(SIDE).collect();
                if q[b..].chars().count() > SIDE {
                    format!("{t}…")
                } else {
                    t
                }
            };
            let mid = collapse(&q[a..b]);
            let mid = if color {
                format!("\x1b[1m{mid}\x1b[22m")
            } else {
                format!("»{mid}«")
            };
            let lead = if before.ends_with(char::is_whitespace) {
                " "
            } else {
                ""
            };
            let trail = if after.starts_with(char::is_whitespace) {
                " "
            } else {
                ""
            };
            format!(
                "{}{lead}{mid}{trail}{}",
                collapse(&before),
                collapse(&after)
            )
        }
        None => {
            let c = collapse(q);
            if c.chars().count() > 2 * SIDE + 10 {
                let mut t: String = c.chars().take(2 * SIDE + 10).collect();
                t.push('…');
                t
            } else {
                c
            }
        }
    };
    format!("“{shown}” — {} p.{}", src.doc, src.page)
}

/// Whether a mention's value is the fact's object: the same value, or the value that
/// names the object entity (`US` for `institute:US`, a name whose slug ends its id).
pub fn value_matches(mention: &Value, object: &Value) -> bool {
    if mention == object {
        return true;
    }
    match (mention.as_str(), object.as_str()) {
        (Some(v), Some(id)) if !v.is_empty() => match id.split_once(':') {
            Some((_, key)) => key == v || key == crate::model::slug(v),
            None => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(doc: &str, start: usize) -> Source {
        Source {
            doc: doc.into(),
            page: 1,
            start,
            end: start + 5,
            quote: "quote".into(),
            rule: "r".into(),
        }
    }

    #[test]
    fn gained_sources_are_those_not_there_before_sorted_or_not() {
        let old = vec![src("a", 1), src("b", 1), src("c", 1)];
        let new = vec![
            src("a", 0),
            src("a", 1),
            src("b", 2),
            src("c", 1),
            src("d", 1),
        ];
        let want = vec![src("a", 0), src("b", 2), src("d", 1)];
        assert_eq!(gained_sources(&old, &new), want);
        let mut shuffled = new.clone();
        shuffled.reverse();
        let mut got = gained_sources(&old, &shuffled);
        got.sort();
        assert_eq!(got, want);
        assert!(gained_sources(&new, &new).is_empty());
    }

    fn fact(id: &str, predicate: &str, object: &str, sources: Vec<Source>) -> Fact {
        Fact {
            id: id.into(),
            subject: "institute:NETWORK".into(),
            predicate: predicate.into(),
            object: Value::String(object.into()),
            qualifiers: BTreeMap::new(),
            status: if sources.len() > 1 {
                FactStatus::Agreed
            } else {
                FactStatus::Single
            },
            sources,
            conflicts_with: None,
            revisions: None,
        }
    }

    fn kinds(c: &[Change]) -> Vec<(ChangeKind, &str)> {
        c.iter().map(|c| (c.kind, c.fact.as_str())).collect()
    }

    #[test]
    fn a_fact_on_a_new_subject_and_predicate_is_added() {
        let old = vec![fact("f1", "launched", "2024-11-20", vec![src("a", 0)])];
        let new = vec![
            old[0].clone(),
            fact("f2", "funding", "x", vec![src("b", 0)]),
        ];
        assert_eq!(kinds(&diff(&old, &new)), [(ChangeKind::Added, "f2")]);
    }

    #[test]
    fn a_fact_that_gains_a_source_is_confirmed_with_only_the_new_source() {
        let old = vec![fact("f1", "launched", "2024-11-20", vec![src("a", 0)])];
        let new = vec![fact(
            "f1",
            "launched",
            "2024-11-20",
            vec![src("a", 0), src("b", 7)],
        )];
        let d = diff(&old, &new);
        assert_eq!(kinds(&d), [(ChangeKind::Confirmed, "f1")]);
        assert_eq!(d[0].sources, [src("b", 7)]);
    }

    #[test]
    fn a_new_value_replacing_an_old_one_is_changed() {
        let old = vec![fact("f1", "staff", "30", vec![src("a", 0)])];
        let new = vec![fact("f2", "staff", "40", vec![src("b", 0)])];
        let d = diff(&old, &new);
        assert_eq!(kinds(&d), [(ChangeKind::Changed, "f2")]);
        assert_eq!(d[0].against[0].object, Value::String("30".into()));
    }

    #[test]
    fn a_new_conflict_is_a_contradiction_reported_once_with_both_sides() {
        let old = vec![fact("f1", "launched", "2024-11-20", vec![src("a", 0)])];
        let mut a = old[0].clone();
        a.status = FactStatus::Conflict;
        a.conflicts_with = Some(vec!["f2".into()]);
        let mut b = fact("f2", "launched", "2024-11-21", vec![src("b", 0)]);
        b.status = FactStatus::Conflict;
        b.conflicts_with = Some(vec!["f1".into()]);
        let d = diff(&old, &[a, b]);
        assert_eq!(kinds(&d), [(ChangeKind::Contradicted, "f2")]);
        assert_eq!(d[0].against[0].fact, "f1");
    }

    #[test]
    fn a_new_source_for_one_side_of_a_known_conflict_contradicts_the_other_side() {
        let mut a = fact("f1", "event_date", "2024-11-20", vec![src("a", 0)]);
        a.status = FactStatus::Conflict;
        a.conflicts_with = Some(vec!["f2".into()]);
        let mut b = fact("f2", "event_date", "2024-11-21", vec![src("b", 0)]);
        b.status = FactStatus::Conflict;
        b.conflicts_with = Some(vec!["f1".into()]);
        let old = vec![a.clone(), b.clone()];
        a.sources.push(src("c", 3));
        let d = diff(&old, &[a, b]);
        assert_eq!(kinds(&d), [(ChangeKind::Contradicted, "f1")]);
        assert_eq!(d[0].sources, [src("c", 3)]);
        assert_eq!(d[0].against[0].fact, "f2");
    }

    #[test]
    fn comparing_lines_of_the_earlier_facts_gives_the_changes_a_full_diff_gives() {
        let mut conflicted = fact("f2", "launched", "2024-11-20", vec![src("a", 0)]);
        conflicted.conflicts_with = Some(vec!["f4".into()]);
        let old = vec![
            fact("f1", "funding", "x", vec![src("a", 3)]),
            fact("f2", "launched", "2024-11-20", vec![src("a", 0)]),
            fact("f3", "staff", "30", vec![src("a", 9)]),
            fact("f\\\"odd", "staff", "31", vec![src("b", 9)]),
        ];
        let new = vec![
            old[0].clone(),
            conflicted,
            fact("f4", "launched", "2024-11-21", vec![src("new", 0)]),
            fact("f5", "staff", "40", vec![src("new", 7)]),
            old[3].clone(),
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("facts.jsonl");
        std::fs::write(&path, crate::emit::jsonl::to_jsonl(&old)).unwrap();
        let earlier = Earlier::read(&path).unwrap();
        let ids: Vec<&str> = earlier.ids().collect();
        assert_eq!(ids, ["f1", "f2", "f3", "f\\\"odd"]);
        let lines = crate::emit::jsonl::fact_lines(&new);
        let (changed, unchanged) = earlier.changed(&lines, &new).unwrap();
        let mut same: Vec<&str> = unchanged.iter().copied().collect();
        same.sort();
        assert_eq!(same, ["f1", "f\\\"odd"]);
        assert_eq!(changed, [old[1].clone(), old[2].clone()]);
        assert_eq!(diff_except(&changed, &new, &unchanged), diff(&old, &new));
        assert!(!diff(&old, &new).is_empty());
    }

    #[test]
    fn a_fact_no_longer_there_is_removed() {
        let old = vec![
            fact("f1", "launched", "2024", vec![src("a", 0)]),
            fact("f2", "funding", "x", vec![src("a", 9)]),
        ];
        let d = diff(&old, &old[..1]);
        assert_eq!(kinds(&d), [(ChangeKind::Removed, "f2")]);
        assert!(diff(&old, &old).is_empty());
    }

    #[test]
    fn the_terminal_report_groups_by_kind_with_values_quotes_and_both_sides() {
        let old = vec![fact("f1", "launched", "2024-11-20", vec![src("a", 0)])];
        let mut a = old[0].clone();
        a.conflicts_with = Some(vec!["f2".into()]);
        let mut b = fact("f2", "launched", "2024-11-21", vec![src("new.txt", 0)]);
        b.conflicts_with = Some(vec!["f1".into()]);
        let added = fact("f3", "funding", "x", vec![src("new.txt", 40)]);
        let o = Outcome {
            summary: Summary::default(),
            changes: Changes {
                ingested: vec![Ingested {
                    doc: "new.txt".into(),
                    copied: true,
                    status: Some(Status::Ok),
                    error: None,
                    mentions: 7,
                    copy_of: None,
                    facts: 3,
                }],
                counts: BTreeMap::new(),
                changes: diff(&old, &[a, b, added]),
            },
            entities: vec![Entity {
                id: "institute:NETWORK".into(),
                kind: "institute".into(),
                name: "The Network".into(),
                aliases: Vec::new(),
                code: Some("NETWORK".into()),
            }],
            mentions: Vec::new(),
        };
        let text = render(&o, Path::new("out"), false, 20);
        assert!(
            text.contains("new.txt — added to the corpus; 7 mentions"),
            "{text}"
        );
        let added_at = text.find("added 1 fact(s)").expect(&text);
        let contra_at = text.find("contradicted 1 fact(s)").expect(&text);
        assert!(added_at < contra_at, "{text}");
        assert!(text.contains("+ The Network funding x  f3"), "{text}");
        assert!(
            text.contains("! The Network launched 2024-11-21  f2"),
            "{text}"
        );
        assert!(text.contains("vs 2024-11-20  f1"), "{text}");
        assert!(text.contains("“quote” — new.txt p.1"), "{text}");
        assert!(!text.contains('\x1b'), "no colours off a terminal");
        let short = render(&o, Path::new("out"), true, 0);
        assert!(
            short.contains("… and 1 more (all in out/changes.json)"),
            "{short}"
        );
    }

    #[test]
    fn a_long_quote_is_cut_around_the_mention_of_the_value_and_marks_it() {
        let quote = format!(
            "{} launched in San Francisco on 20 November 2024. {}",
            "x ".repeat(80),
            "y ".repeat(80)
        );
        let start = 1000;
        let at = quote.find("20 November 2024").unwrap();
        let source = Source {
            doc: "d".into(),
            page: 2,
            start,
            end: start + quote.len(),
            quote: quote.clone(),
            rule: "r".into(),
        };
        let m = Mention {
            id: "m".into(),
            doc: "d".into(),
            kind: crate::model::MentionKind::Date,
            text: "20 November 2024".into(),
            start: start + at,
            end: start + at + 16,
            page: 2,
            rule: "r".into(),
            value: Value::String("2024-11-20".into()),
            extra: BTreeMap::new(),
        };
        let line = quote_line(&source, &Value::String("2024-11-20".into()), &[m], false);
        assert!(
            line.contains("launched in San Francisco on »20 November 2024«. y y"),
            "{line}"
        );
        assert!(
            line.starts_with("“…") && line.ends_with("…” — d p.2"),
            "{line}"
        );
        assert!(value_matches(
            &Value::String("US".into()),
            &Value::String("institute:US".into())
        ));
        assert!(value_matches(
            &Value::String("San Francisco".into()),
            &Value::String("location:san-francisco".into())
        ));
    }
}
