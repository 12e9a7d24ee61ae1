//! Times the stages after find — build, reconcile, emit — on a dataset an `aisi run` wrote:
//! reads its documents, texts and mentions back, then runs the three stages in-process and
//! prints the time of each. Used by `bench/build-scaling.sh`.
//!
//!     cargo run --release --example build_bench -- OUTPUT_DIR [RULES_DIR] [COPIES] [SAVE_DIR]
//!
//! COPIES (default 1) repeats every document under `c<i>/` as if the corpus had been copied
//! that many times, without extracting it again. SAVE_DIR, when given, keeps what the emit
//! stage wrote (otherwise a temporary folder), so that two versions' outputs can be compared.

use aisi_tracker::model::{DocText, DocumentRecord, Mention, ProcessedDoc};
use aisi_tracker::{emit, facts, reconcile};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .context("usage: build_bench OUTPUT_DIR [RULES_DIR] [COPIES] [SAVE_DIR]")?,
    );
    let rules_dir = PathBuf::from(args.next().unwrap_or_else(|| "rules/facts".into()));
    let copies: usize = args.next().map_or(Ok(1), |c| c.parse())?;
    let save = args.next().map(PathBuf::from);
    let rules = facts::FactRules::load(&rules_dir)?;

    let read = |name: &str| {
        std::fs::read_to_string(out.join(name))
            .with_context(|| format!("cannot read {}", out.join(name).display()))
    };
    let mut mentions: BTreeMap<String, Vec<Mention>> = BTreeMap::new();
    for line in read("mentions.jsonl")?.lines() {
        let m: Mention = serde_json::from_str(line)?;
        mentions.entry(m.doc.clone()).or_default().push(m);
    }
    let mut docs = Vec::new();
    for line in read("documents.jsonl")?.lines() {
        let record: DocumentRecord = serde_json::from_str(line)?;
        let text = std::fs::read_to_string(out.join("text").join(format!("{}.txt", record.doc)))
            .unwrap_or_default();
        docs.push(ProcessedDoc {
            mentions: mentions.remove(&record.doc).unwrap_or_default(),
            text: DocText::from_text(text),
            record,
        });
    }
    if copies > 1 {
        let one = std::mem::take(&mut docs);
        for i in 1..=copies {
            for d in &one {
                let mut d = d.clone();
                let name = format!("c{i}/{}", d.record.doc);
                for m in &mut d.mentions {
                    m.doc = name.clone();
                }
                d.record.doc = name;
                docs.push(d);
            }
        }
    }
    let n_mentions: usize = docs.iter().map(|d| d.mentions.len()).sum();

    let t = Instant::now();
    let claims = facts::claims(&rules, &docs);
    let t_build = t.elapsed().as_secs_f64();
    let n_claims = claims.len();
    // The pipeline gathers entity names with each document's claims (and caches them):
    // they count as build.
    let t = Instant::now();
    let names: Vec<_> = docs
        .iter()
        .map(|d| reconcile::entity_names(&d.mentions))
        .collect();
    let t_build = t_build + t.elapsed().as_secs_f64();
    let names: Vec<_> = names.iter().collect();
    let t = Instant::now();
    let (entities, facts) =
        reconcile::reconcile(&names, claims, &Default::default(), &Default::default());
    let t_reconcile = t.elapsed().as_secs_f64();
    let data = aisi_tracker::model::Dataset {
        documents: std::sync::Arc::new(docs.into_iter().map(Into::into).collect()),
        entities,
        facts,
        works: Default::default(),
    };
    let tmp = tempfile::tempdir()?;
    let dest = save.as_deref().unwrap_or(tmp.path());
    let t = Instant::now();
    emit::write_all(&data, dest)?;
    let t_emit = t.elapsed().as_secs_f64();
    println!(
        "{} documents, {} mentions, {} claims, {} facts: build {:.3} s, reconcile {:.3} s, emit {:.3} s, total {:.3} s",
        data.documents.len(),
        n_mentions,
        n_claims,
        data.facts.len(),
        t_build,
        t_reconcile,
        t_emit,
        t_build + t_reconcile + t_emit
    );
    Ok(())
}
