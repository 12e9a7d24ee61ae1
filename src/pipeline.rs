//! The main job: corpus → extract → find → build → reconcile → emit.
//!
//! Documents are processed in parallel (rayon) and collected in corpus order, so the
//! output never depends on scheduling. A document's failure (error, panic, time-out) is
//! recorded on that document and never stops the batch.

use crate::cache::{Cache, FindKey, State};
use crate::corpus::{self, InputFile};
use crate::emit::workdb::{WorkDb, WorkDoc};
use crate::extract::{self, ExtractError, Limits};
use crate::find::{self, DocContext};
use crate::hashes::{self, Hashed, Stamp, Stamps};
use crate::lock::OutputLock;
use crate::model::{
    Claim, Content, Dataset, DatasetDoc, DocBuild, DocText, DocumentRecord, EntityNames,
    Extraction, Format, ProcessedDoc, Status,
};
use crate::progress::Progress;
use crate::rules::{RuleSet, RuleSource};
use crate::works::{self, Signature};
use crate::{budget, emit, facts, reconcile};
use anyhow::{Context, Result};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Options of `aisi run`.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub corpus: PathBuf,
    pub rules: RuleSource,
    pub out: PathBuf,
    /// Worker threads; 0 = one per core.
    pub jobs: usize,
    /// Seconds one document may take (extraction, matching and building together) before
    /// it is recorded as failed.
    pub doc_timeout: u64,
    pub quiet: bool,
}

/// What a run did, for the one-line summary.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub ok: usize,
    pub empty: usize,
    pub failed: usize,
    pub skipped: usize,
    pub mentions: usize,
    pub facts: usize,
    pub conflicts: usize,
    /// Documents extracted this run (the others came from the cache).
    pub extracted: usize,
    /// Documents matched against the rules this run (the others came from the cache).
    pub matched: usize,
    /// Nothing changed since the last run: the dataset in place was kept as it is.
    pub unchanged: bool,
    pub seconds: f64,
}

impl Summary {
    /// Counts a document's extraction and matching unless they came from the cache.
    fn count_reuse(&mut self, reuse: Reuse) {
        self.extracted += usize::from(!reuse.extraction);
        self.matched += usize::from(!reuse.mentions);
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "documents: {} ok, {} empty, {} failed, {} skipped; {} mentions, {} facts ({} in conflict); {:.2} s",
            self.ok,
            self.empty,
            self.failed,
            self.skipped,
            self.mentions,
            self.facts,
            self.conflicts,
            self.seconds
        )?;
        if self.unchanged {
            write!(f, " (nothing changed; dataset kept)")
        } else {
            write!(
                f,
                " ({} extracted, {} matched, the rest from the cache)",
                self.extracted, self.matched
            )
        }
    }
}

/// Runs every stage over the corpus and writes the dataset, reusing the output folder's
/// cache for documents that did not change. Holds the output folder's lock throughout.
pub fn run(opts: &RunOptions) -> Result<Summary> {
    // Bad rules stop the run before the output folder is touched.
    let rules = RuleSet::from_source(&opts.rules)?;
    let lock = OutputLock::acquire(&opts.out)?;
    match compute(opts, &rules, &lock)? {
        Computed::Unchanged(summary) => Ok(summary),
        Computed::Changed(refresh) => publish(*refresh, &[]),
    }
}

/// The result of [`compute`].
pub enum Computed {
    /// Corpus, rules and program are those of the dataset in place: nothing was written.
    Unchanged(Summary),
    /// A new dataset, ready to [`publish`].
    Changed(Box<Refresh>),
}

/// A new dataset computed for a locked output folder, not yet published.
pub struct Refresh {
    pub data: Arc<Dataset>,
    pub summary: Summary,
    out: PathBuf,
    fingerprint: String,
    cache: Cache,
    /// The set being written (its database is under way).
    publication: emit::Publication,
    /// The run's worker threads (`--jobs`), for publishing too.
    pool: rayon::ThreadPool,
    started: Instant,
    /// The lines of `facts.jsonl`, once [`Refresh::fact_lines`] serialised them.
    fact_lines: std::sync::OnceLock<Vec<Vec<u8>>>,
}

impl Refresh {
    /// The lines of `facts.jsonl` for this dataset (JSON and a newline each, in the order
    /// of its facts), serialised once: publishing writes these same bytes.
    pub fn fact_lines(&self) -> &[Vec<u8>] {
        self.fact_lines.get_or_init(|| {
            self.pool
                .install(|| emit::jsonl::fact_lines(&self.data.facts))
        })
    }
}

/// Runs every stage into memory, taking unchanged documents from the cache; returns
/// [`Computed::Unchanged`] without building anything when nothing changed at all.
/// The lock is taken as a witness that the caller holds the output folder.
pub fn compute(opts: &RunOptions, rules: &RuleSet, lock: &OutputLock) -> Result<Computed> {
    let started = Instant::now();
    debug_assert_eq!(lock.out(), opts.out.as_path());
    crate::timing::mark("start");
    let corpus = corpus::scan(&opts.corpus)?;
    crate::timing::mark("corpus scanned");
    // Shown even with --quiet: each is a mistake in the input that the user can fix.
    for w in corpus.warnings() {
        eprintln!("warning: {w}");
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .build()
        .context("cannot start worker threads")?;
    // A run killed earlier may have left a half-written set: clean it before anything.
    emit::recover(&opts.out)?;
    let cache = Cache::open(&opts.out);

    let known = cache.stamps();
    let (hashed, stamps): (Vec<Hashed>, Vec<Option<Stamp>>) = pool.install(|| {
        corpus
            .inputs
            .par_iter()
            .map(|i| hashes::hash(i, known.get(&i.doc)))
            .unzip()
    });
    let stamps: Stamps = corpus
        .inputs
        .iter()
        .zip(stamps)
        .filter_map(|(i, s)| Some((i.doc.clone(), s?)))
        .collect();
    if stamps != known {
        cache.put_stamps(&stamps);
    }
    let keys: Vec<String> = corpus
        .inputs
        .iter()
        .zip(&hashed)
        .map(|(input, h)| input_key(rules, input, h))
        .collect();
    let fingerprint = fingerprint(&keys, &hashed);
    crate::timing::mark("files hashed");
    if let Some(state) = cache.state()
        && state.fingerprint == fingerprint
        && emit::current_set_name(&opts.out).as_deref() == Some(state.set.as_str())
    {
        return Ok(Computed::Unchanged(Summary {
            ok: state.ok,
            empty: state.empty,
            failed: state.failed,
            skipped: corpus.skipped.len(),
            mentions: state.mentions,
            facts: state.facts,
            conflicts: state.conflicts,
            unchanged: true,
            seconds: started.elapsed().as_secs_f64(),
            ..Default::default()
        }));
    }

    // Documents the published set holds as they are now are kept without being read:
    // the working database says what it holds of each, for the current set.
    let mut work_db = WorkDb::open(&cache.work_path());
    crate::timing::mark("working database opened");
    let keepable = work_db.as_ref().is_some_and(|w| {
        let current = emit::current_set(&opts.out);
        w.set.is_some()
            && w.set == emit::current_set_name(&opts.out)
            && current
                .and_then(|d| std::fs::metadata(d.join("mentions.jsonl")).ok())
                .map(|m| m.len())
                == w.mentions_len
    });

    let progress = Progress::new(corpus.inputs.len(), opts.quiet);
    let work = Work {
        rules,
        opts,
        cache: Some(&cache),
        progress: Some(&progress),
    };
    let kept_from = work_db.as_ref().filter(|_| keepable).map(|w| &w.docs);
    let processed: Vec<(DatasetDoc, Option<DocBuild>, Reuse)> = pool.install(|| {
        corpus
            .inputs
            .par_iter()
            .zip(hashed.par_iter())
            .zip(keys.par_iter())
            .map(|((input, h), key)| {
                let key = key.clone();
                match kept(input, h, &key, kept_from, &work) {
                    Some(doc) => (doc, None, Reuse::ALL),
                    None => {
                        let (doc, build, reuse) = process_and_build(input, h, key, &work);
                        (doc, Some(build), reuse)
                    }
                }
            })
            .collect()
    });
    progress.finish();
    crate::timing::mark("documents extracted and matched");
    let mut summary = Summary {
        skipped: corpus.skipped.len(),
        ..Default::default()
    };
    let mut documents = Vec::with_capacity(processed.len());
    let mut builds = Vec::with_capacity(processed.len());
    for (d, b, reuse) in processed {
        summary.count_reuse(reuse);
        documents.push(d);
        builds.push(b);
    }
    // A working database that holds none of these documents is filled anew (faster than
    // replacing every row).
    if work_db
        .as_ref()
        .is_some_and(|w| !documents.iter().any(|d| w.holds(d)))
    {
        work_db = None;
        WorkDb::discard(&cache.work_path());
    }
    // The documents are known: the database is written from here on, beside the rest.
    let documents = Arc::new(documents);
    let db_work = match work_db {
        Some(w) => emit::Work::Open(Box::new(w)),
        None => emit::Work::New(cache.work_path()),
    };
    let publication = emit::Publication::start(&opts.out, documents.clone(), db_work)?;

    // Kept documents' claims and entity names, from the build cache.
    let work = Work {
        progress: None,
        ..work
    };
    let builds: Vec<(DocBuild, Reuse)> = pool.install(|| {
        builds
            .into_par_iter()
            .zip(documents.par_iter())
            .zip(corpus.inputs.par_iter().zip(hashed.par_iter()))
            .map(|((b, d), (input, h))| {
                match b.or_else(|| cache.get_build(&d.find_key)) {
                    Some(b) => (b, Reuse::ALL),
                    // Gone from the cache: built again (from the cached text and mentions
                    // when they are there).
                    None => {
                        let (_, b, reuse) = process_and_build(input, h, d.key.clone(), &work);
                        (b, reuse)
                    }
                }
            })
            .collect()
    });
    let builds: Vec<DocBuild> = builds
        .into_iter()
        .map(|(b, reuse)| {
            summary.count_reuse(reuse);
            b
        })
        .collect();
    crate::timing::mark("claims read");
    let works = works::of_documents(&documents, builds.iter().map(|b| &b.signature));
    crate::timing::mark("works grouped");
    let (claims, names): (Vec<Vec<Claim>>, Vec<EntityNames>) =
        builds.into_iter().map(|b| (b.claims, b.names)).unzip();
    let claims: Vec<Claim> = claims.into_iter().flatten().collect();
    let names: Vec<&EntityNames> = names.iter().collect();
    let places = rules.entities.places();
    let (entities, facts) = pool.install(|| reconcile::reconcile(&names, claims, &works, &places));
    let data = Dataset {
        documents,
        entities,
        facts,
        works,
    };
    count(&data, &mut summary);
    crate::timing::mark("reconciled");
    Ok(Computed::Changed(Box::new(Refresh {
        data: Arc::new(data),
        summary,
        out: opts.out.clone(),
        fingerprint,
        cache,
        publication,
        pool,
        started,
        fact_lines: std::sync::OnceLock::new(),
    })))
}

/// Writes a computed dataset (and `extras`, further files of the set) into the output
/// folder as one set, records it for the next run and prunes the cache.
pub fn publish(refresh: Refresh, extras: &[(&str, Vec<u8>)]) -> Result<Summary> {
    let Refresh {
        data,
        mut summary,
        out,
        fingerprint,
        cache,
        publication,
        pool,
        started,
        fact_lines,
    } = refresh;
    cache.clear_state();
    let fact_lines = fact_lines.into_inner();
    let set =
        pool.install(|| emit::publish(&data, extras, fact_lines.as_deref(), &out, publication))?;
    drop_in_background(fact_lines);
    cache.put_state(&State {
        fingerprint,
        set,
        ok: summary.ok,
        empty: summary.empty,
        failed: summary.failed,
        mentions: summary.mentions,
        facts: summary.facts,
        conflicts: summary.conflicts,
    });
    cache.prune();
    crate::timing::mark("published");
    drop_in_background(data);
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Frees a large structure on a thread of its own: freeing hundreds of thousands of
/// strings takes a noticeable part of a second, which the command need not wait for (a
/// process about to exit does not wait for the thread at all).
pub fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}

fn count(data: &Dataset, s: &mut Summary) {
    for d in data.documents.iter() {
        match d.record.status {
            Status::Ok => s.ok += 1,
            Status::Empty => s.empty += 1,
            Status::Error => s.failed += 1,
        }
        s.mentions += d.mention_count;
    }
    s.facts = data.facts.len();
    s.conflicts = data
        .facts
        .iter()
        .filter(|f| f.status == crate::model::FactStatus::Conflict)
        .count();
}

/// Everything the output depends on: the program build and each input's key (name,
/// format, bytes, sidecar, rules) and read error.
fn fingerprint(keys: &[String], hashed: &[Hashed]) -> String {
    let mut h = Sha256::new();
    let mut field = |b: &[u8]| {
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    };
    field(format!("cache {}", crate::cache::CACHE_FORMAT).as_bytes());
    field(crate::cache::program_identity().as_bytes());
    for (key, x) in keys.iter().zip(hashed) {
        field(key.as_bytes());
        field(format!("{:?}", x.read_error).as_bytes());
    }
    hex::encode(h.finalize())
}

/// Everything a document's outputs derive from besides the program: its name, format,
/// bytes, sidecar and the rules. Equal keys give equal outputs.
fn input_key(rules: &RuleSet, input: &InputFile, h: &Hashed) -> String {
    let mut k = Sha256::new();
    for part in [
        input.doc.as_bytes(),
        format!("{:?}", input.format).as_bytes(),
        h.sha256.as_bytes(),
        format!("{:?}", input.sidecar).as_bytes(),
        rules.hash.as_bytes(),
    ] {
        k.update((part.len() as u64).to_le_bytes());
        k.update(part);
    }
    hex::encode(k.finalize())
}

/// The document as the published set holds it, when it is unchanged: nothing of it is
/// read (its claims are, later, from the build cache).
fn kept(
    input: &InputFile,
    h: &Hashed,
    key: &str,
    from: Option<&HashMap<String, WorkDoc>>,
    work: &Work,
) -> Option<DatasetDoc> {
    if h.read_error.is_some() {
        return None;
    }
    let w = from?.get(&input.doc)?;
    if w.key != key || !w.settled {
        return None;
    }
    work.cache?.retain(&w.find_key);
    if let Some(p) = work.progress {
        p.extracted(true);
        p.matched();
    }
    let doc = DatasetDoc {
        record: w.record.clone(),
        key: key.to_string(),
        find_key: w.find_key.clone(),
        mention_count: w.mentions,
        settled: true,
        content: Content::Kept { lines: w.lines },
    };
    Some(doc)
}

/// One document through extract, find and build, each from the cache where it can be.
fn process_and_build(
    input: &InputFile,
    h: &Hashed,
    key: String,
    work: &Work,
) -> (DatasetDoc, DocBuild, Reuse) {
    // One budget for the document's whole work: extraction, matching and building.
    let deadline = Instant::now() + doc_budget(work.opts.doc_timeout);
    let (mut doc, reuse, find_key, mut settled) = process_with(input, h, work, deadline);
    let cached = work
        .cache
        .filter(|_| settled)
        .and_then(|c| c.get_build(&find_key));
    let build = match cached {
        Some(b) => b,
        None => {
            let built = budget::guarded(Some(deadline), || {
                let mut claims = facts::claims(&work.rules.facts, std::slice::from_ref(&doc));
                let mut names = reconcile::entity_names(&doc.mentions);
                reconcile::take_claim_names(&mut names, &mut claims);
                DocBuild {
                    claims,
                    names,
                    signature: Signature::of(&doc.text.text),
                }
            });
            match built {
                Ok(b) => {
                    if let Some(c) = work.cache.filter(|_| settled) {
                        c.put_build(&find_key, &b);
                    }
                    b
                }
                Err(f) => {
                    // The document stays, failed, without text or mentions: nothing
                    // half-built reaches the dataset.
                    settled = false;
                    fail(&mut doc, stage_failure("building facts", &f, work));
                    DocBuild {
                        claims: Vec::new(),
                        names: reconcile::entity_names(&[]),
                        signature: Signature::of(""),
                    }
                }
            }
        }
    };
    (
        DatasetDoc::loaded(doc, key, find_key, settled),
        build,
        reuse,
    )
}

/// What one document took from the cache.
#[derive(Clone, Copy, Debug, Default)]
struct Reuse {
    extraction: bool,
    mentions: bool,
}

impl Reuse {
    const ALL: Reuse = Reuse {
        extraction: true,
        mentions: true,
    };
}

struct Work<'a> {
    rules: &'a RuleSet,
    opts: &'a RunOptions,
    cache: Option<&'a Cache>,
    progress: Option<&'a Progress>,
}

/// One document through extract and find. Never fails: problems become the record's error.
/// Also says whether the outcome is settled: not after a time-out, a read error or a file
/// that changed while the run read it, whose outcome the next run must not take as final.
fn process_with(
    input: &InputFile,
    hashed: &Hashed,
    work: &Work,
    deadline: Instant,
) -> (ProcessedDoc, Reuse, FindKey, bool) {
    let mut reuse = Reuse::default();
    let mut settled = hashed.read_error.is_none();
    let mut sha256 = hashed.sha256.clone();
    let cached = match (&hashed.read_error, work.cache) {
        (None, Some(c)) => c.get_extraction(&sha256, input.format),
        _ => None,
    };
    let extracted: Result<Extraction, String> = match (&hashed.read_error, cached) {
        (Some(e), _) => Err(e.clone()),
        (None, Some(r)) => {
            reuse.extraction = true;
            r
        }
        (None, None) => match std::fs::read(&input.path) {
            Err(e) => {
                settled = false;
                Err(format!("cannot read file: {e}"))
            }
            Ok(bytes) => {
                // The file may have changed since it was hashed: key on what was read.
                sha256 = hex::encode(Sha256::digest(&bytes));
                settled &= sha256 == hashed.sha256;
                let r = extract_until(input.format, bytes, deadline, work.opts.doc_timeout);
                // A time-out depends on the machine's load, not on the file: never cached.
                let cacheable = !matches!(r, Err(ExtractError::Timeout(_)));
                settled &= cacheable;
                let r = r.map_err(|e| e.to_string());
                if cacheable && let Some(c) = work.cache {
                    c.put_extraction(&sha256, input.format, &r);
                }
                r
            }
        },
    };
    if let Some(p) = work.progress {
        p.extracted(reuse.extraction);
    }
    let sidecar = input.sidecar.clone().unwrap_or_default();
    let (text, mut status, mut error, meta_title, meta_published, meta_created, mut warnings) =
        match extracted {
            Ok(x) => {
                let text = DocText::from_pages(&x.pages);
                let status = if text.text.trim().is_empty() {
                    Status::Empty
                } else {
                    Status::Ok
                };
                let error = (status == Status::Empty).then(|| empty_reason(input.format, &x));
                // The reason for an empty document is its error already.
                let warnings = x
                    .warnings
                    .into_iter()
                    .filter(|w| error.as_deref() != Some(w.as_str()))
                    .collect();
                (
                    text,
                    status,
                    error,
                    x.title,
                    x.published,
                    x.created,
                    warnings,
                )
            }
            Err(e) => (
                DocText::from_pages::<&str>(&[]),
                Status::Error,
                Some(e),
                None,
                None,
                None,
                Vec::new(),
            ),
        };
    let known_published = sidecar.published.clone().or(meta_published);
    let key = FindKey {
        doc: input.doc.clone(),
        sha256: sha256.clone(),
        format: input.format,
        rules: work.rules.hash.clone(),
        known_published: known_published.clone(),
    };
    let cache = work.cache.filter(|_| settled);
    let found = cache.and_then(|c| c.get_mentions(&key));
    reuse.mentions = found.is_some();
    let (published, mentions) = match found {
        Some(found) => found,
        None => {
            let matched = budget::guarded(Some(deadline), || {
                // Sidecar, then metadata that states a publication date, then what the
                // text says on its cover or byline, and only then the file's creation stamp.
                // The pattern rules run once, for both.
                let scanned = (status == Status::Ok || known_published.is_none())
                    .then(|| find::scan(work.rules, &text));
                let published = known_published
                    .clone()
                    .or_else(|| {
                        let s = scanned.as_ref()?;
                        find::publication_date_scanned(work.rules, &text, s)
                    })
                    .or(meta_created.clone());
                let ctx = DocContext {
                    doc: &input.doc,
                    text: &text,
                    published: published.as_deref(),
                };
                let mentions = match scanned {
                    Some(s) if status == Status::Ok => find::find_scanned(work.rules, &ctx, s),
                    _ => Vec::new(),
                };
                (published, mentions)
            });
            match matched {
                Ok((published, mut mentions)) => {
                    // In text order: the first ones are kept.
                    mentions.truncate(MAX_MENTIONS);
                    if let Some(c) = cache {
                        c.put_mentions(&key, &published, &mentions);
                    }
                    (published, mentions)
                }
                Err(f) => {
                    settled = false;
                    status = Status::Error;
                    error = Some(stage_failure("matching the rules", &f, work));
                    (known_published.clone().or(meta_created), Vec::new())
                }
            }
        }
    };
    if let Some(p) = work.progress {
        p.matched();
    }
    if mentions.len() >= MAX_MENTIONS {
        let last = mentions.last().map_or(0, |m| m.end);
        warnings.push(format!(
            "mentions capped at {MAX_MENTIONS} (the cap per document): none after byte {last} of the text are listed"
        ));
    }
    // A failed document has no text, whichever stage failed.
    let text = match status {
        Status::Error => DocText::from_pages::<&str>(&[]),
        _ => text,
    };
    let record = DocumentRecord {
        doc: input.doc.clone(),
        sha256,
        format: input.format,
        title: sidecar.title.clone().or(meta_title),
        published,
        pages: text.page_count(),
        chars: text.text.chars().count(),
        status,
        error,
        work: None,
        copy_of: None,
        work_similarity: None,
        warnings,
    };
    (
        ProcessedDoc {
            record,
            text,
            mentions,
        },
        reuse,
        key,
        settled,
    )
}

fn empty_reason(format: Format, x: &Extraction) -> String {
    if let Some(w) = x.warnings.iter().find(|w| w.starts_with("no text layer")) {
        return w.clone();
    }
    match format {
        Format::Pdf => "no text found in the PDF".to_string(),
        _ => "the file holds no text".to_string(),
    }
}

/// Most mentions kept for one document. A long report has some tens of thousands; past
/// this a text is a list of dates or numbers, and every later stage (facts, the cache,
/// the output files, the database) would pay for each one.
const MAX_MENTIONS: usize = 100_000;

/// A document's time budget (`--doc-timeout`, at least a second).
fn doc_budget(timeout_s: u64) -> Duration {
    Duration::from_secs(timeout_s.max(1))
}

/// The message of a document whose matching or building failed: an overrun of its time
/// budget, or a bug (a caught panic) that the user can report with the file.
fn stage_failure(stage: &str, f: &budget::Failure, work: &Work) -> String {
    match f {
        budget::Failure::Timeout => ExtractError::Timeout(work.opts.doc_timeout).to_string(),
        budget::Failure::Panic(msg) => {
            format!("internal error while {stage}: {msg} (please report this file)")
        }
    }
}

/// Marks a document failed after its text was read: no mentions, the failure as its error.
fn fail(doc: &mut ProcessedDoc, message: String) {
    doc.mentions.clear();
    doc.text = DocText::from_pages::<&str>(&[]);
    doc.record.chars = 0;
    doc.record.status = Status::Error;
    doc.record.error = Some(message);
}

/// Extracts on a thread of its own so that a document that overruns its time limit is
/// abandoned (recorded as failed) instead of holding up the batch; panics are caught and
/// recorded the same way.
pub fn extract_bounded(
    format: Format,
    bytes: Vec<u8>,
    timeout_s: u64,
) -> Result<Extraction, ExtractError> {
    extract_until(
        format,
        bytes,
        Instant::now() + doc_budget(timeout_s),
        timeout_s,
    )
}

/// [`extract_bounded`] against a deadline shared with the document's later stages
/// (`timeout_s` is the budget the message names).
fn extract_until(
    format: Format,
    bytes: Vec<u8>,
    deadline: Instant,
    timeout_s: u64,
) -> Result<Extraction, ExtractError> {
    let limits = Limits {
        deadline: Some(deadline),
        ..Limits::default()
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("extract".into())
        .stack_size(64 << 20)
        .spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                extract::extract(format, &bytes, &limits)
            }));
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Err(ExtractError::Internal(format!(
            "cannot start a thread: {e}"
        )));
    }
    // A little grace beyond the cooperative deadline before abandoning the thread.
    let wait = deadline.saturating_duration_since(Instant::now());
    match rx.recv_timeout(wait + Duration::from_secs(2)) {
        Ok(Ok(r)) => r,
        Ok(Err(panic)) => Err(ExtractError::Internal(budget::panic_message(
            panic.as_ref(),
        ))),
        Err(_) => Err(ExtractError::Timeout(timeout_s)),
    }
}
