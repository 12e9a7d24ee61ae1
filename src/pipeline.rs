//! The main job: corpus → extract → find → build → reconcile → emit.
//!
//! Documents are processed in parallel (rayon) and collected in corpus order, so the
//! output never depends on scheduling. A document's failure (error, panic, time-out) is
//! recorded on that document and never stops the batch.

use crate::corpus::{self, InputFile};
use crate::extract::{self, ExtractError, Limits};
use crate::find::{self, DocContext};
use crate::model::{Dataset, DocText, DocumentRecord, Extraction, Format, ProcessedDoc, Status};
use crate::rules::RuleSet;
use crate::{build, emit, reconcile};
use anyhow::{Context, Result};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Options of `aisi run`.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub corpus: PathBuf,
    pub rules: PathBuf,
    pub out: PathBuf,
    /// Worker threads; 0 = one per core.
    pub jobs: usize,
    /// Seconds one document may take to extract before it is recorded as failed.
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
    pub seconds: f64,
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
        )
    }
}

/// Runs every stage over the corpus and writes the dataset.
pub fn run(opts: &RunOptions) -> Result<Summary> {
    let started = Instant::now();
    let rules = RuleSet::load(&opts.rules)?;
    let corpus = corpus::scan(&opts.corpus)?;
    // Shown even with --quiet: each is a mistake in the input that the user can fix.
    for w in corpus.warnings() {
        eprintln!("warning: {w}");
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .build()
        .context("cannot start worker threads")?;
    let documents: Vec<ProcessedDoc> = pool.install(|| {
        corpus
            .inputs
            .par_iter()
            .map(|input| process(input, &rules, opts))
            .collect()
    });
    let claims = build::claims(&rules.facts, &documents);
    let (entities, facts) = reconcile::reconcile(&documents, claims);
    let data = Dataset {
        documents,
        entities,
        facts,
    };
    emit::write_all(&data, &opts.out)?;

    let mut s = Summary {
        skipped: corpus.skipped.len(),
        ..Default::default()
    };
    for d in &data.documents {
        match d.record.status {
            Status::Ok => s.ok += 1,
            Status::Empty => s.empty += 1,
            Status::Error => s.failed += 1,
        }
        s.mentions += d.mentions.len();
    }
    s.facts = data.facts.len();
    s.conflicts = data
        .facts
        .iter()
        .filter(|f| f.status == crate::model::FactStatus::Conflict)
        .count();
    s.seconds = started.elapsed().as_secs_f64();
    Ok(s)
}

/// One document through extract and find. Never fails: problems become the record's error.
pub fn process(input: &InputFile, rules: &RuleSet, opts: &RunOptions) -> ProcessedDoc {
    let (bytes, read_error) = match std::fs::read(&input.path) {
        Ok(b) => (b, None),
        Err(e) => (Vec::new(), Some(format!("cannot read file: {e}"))),
    };
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let extracted = match read_error {
        Some(e) => Err(e),
        None => extract_bounded(input.format, bytes, opts.doc_timeout).map_err(|e| e.to_string()),
    };
    let sidecar = input.sidecar.clone().unwrap_or_default();
    let (text, status, error, meta_title, meta_published, meta_created) = match extracted {
        Ok(x) => {
            let text = DocText::from_pages(&x.pages);
            let status = if text.text.trim().is_empty() {
                Status::Empty
            } else {
                Status::Ok
            };
            let error = (status == Status::Empty).then(|| empty_reason(input.format, &x));
            (text, status, error, x.title, x.published, x.created)
        }
        Err(e) => (
            DocText::from_pages::<&str>(&[]),
            Status::Error,
            Some(e),
            None,
            None,
            None,
        ),
    };
    let known_published = sidecar.published.clone().or(meta_published);
    let ctx = DocContext {
        doc: &input.doc,
        text: &text,
        published: known_published.as_deref(),
    };
    // Sidecar, then metadata that states a publication date, then what the text says on
    // its cover or byline, and only then the file's creation stamp.
    let published = known_published
        .clone()
        .or_else(|| find::publication_date(rules, &text))
        .or(meta_created);
    let ctx = DocContext {
        published: published.as_deref(),
        ..ctx
    };
    let mentions = if status == Status::Ok {
        find::find(rules, &ctx)
    } else {
        Vec::new()
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
    };
    ProcessedDoc {
        record,
        text,
        mentions,
    }
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

/// Extracts on a thread of its own so that a document that overruns its time limit is
/// abandoned (recorded as failed) instead of holding up the batch; panics are caught and
/// recorded the same way.
pub fn extract_bounded(
    format: Format,
    bytes: Vec<u8>,
    timeout_s: u64,
) -> Result<Extraction, ExtractError> {
    let timeout = Duration::from_secs(timeout_s.max(1));
    let limits = Limits {
        deadline: Some(Instant::now() + timeout),
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
    match rx.recv_timeout(timeout + Duration::from_secs(2)) {
        Ok(Ok(r)) => r,
        Ok(Err(panic)) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            Err(ExtractError::Internal(msg))
        }
        Err(_) => Err(ExtractError::Timeout(timeout_s)),
    }
}
