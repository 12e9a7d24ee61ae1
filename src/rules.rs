//! The rule set: every declarative rule under the rules folder, loaded and compiled once.
//!
//! `rules/patterns/` holds pattern rules (dates, money, quantities: see `find::engine`),
//! `rules/entities/` the gazetteers and context rules for institutes, organisations,
//! countries and events (`find::entities`), `rules/facts/` the fact rules (`build`).
//! A bad file stops the run before anything is written, with an error naming the file,
//! the line and the rule.

use crate::{facts, find};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::path::Path;

pub struct RuleSet {
    pub patterns: find::engine::PatternRules,
    pub entities: find::entities::EntityRules,
    pub facts: facts::FactRules,
    /// SHA-256 over every rule file's path and bytes: what the cache keys on.
    pub hash: String,
}

impl RuleSet {
    pub fn load(dir: &Path) -> Result<RuleSet> {
        if !dir.is_dir() {
            anyhow::bail!(
                "rules folder {} does not exist (use --rules DIR)",
                dir.display()
            );
        }
        // The three families compile independently: side by side, since every command
        // waits for them.
        let (patterns, entities, facts, hash) = std::thread::scope(|s| {
            let patterns = s.spawn(|| {
                let r = find::engine::PatternRules::load(&dir.join("patterns"));
                crate::timing::mark("rules: patterns");
                r
            });
            let entities = s.spawn(|| {
                let r = find::entities::EntityRules::load(&dir.join("entities"));
                crate::timing::mark("rules: entities");
                r
            });
            let facts = facts::FactRules::load(&dir.join("facts"));
            crate::timing::mark("rules: facts");
            let hash =
                hash_dir(dir).with_context(|| format!("cannot read rules in {}", dir.display()));
            (
                joined(patterns.join()),
                joined(entities.join()),
                facts,
                hash,
            )
        });
        let (patterns, entities, facts, hash) = (patterns?, entities?, facts?, hash?);
        Ok(RuleSet {
            patterns,
            entities,
            facts,
            hash,
        })
    }
}

fn joined<T>(r: std::thread::Result<Result<T>>) -> Result<T> {
    r.unwrap_or_else(|_| Err(anyhow::anyhow!("loading the rules panicked")))
}

/// Every `.toml` file under `dir`, sorted, as (relative path, absolute path).
pub fn toml_files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).with_context(|| format!("cannot read {}", d.display()))? {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml") {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, p));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn hash_dir(dir: &Path) -> Result<String> {
    let mut h = Sha256::new();
    for (rel, path) in toml_files(dir)? {
        h.update(rel.as_bytes());
        h.update([0]);
        h.update(std::fs::read(&path)?);
        h.update([0]);
    }
    Ok(hex::encode(h.finalize()))
}
