//! The rule set: every declarative rule under the rules folder, loaded and compiled once.
//!
//! `rules/patterns/` holds pattern rules (dates, money, quantities: see `find::engine`),
//! `rules/entities/` the gazetteers and context rules for institutes, organisations,
//! countries and events (`find::entities`), `rules/facts/` the fact rules (`build`).
//! A bad file stops the run before anything is written, with an error naming the file,
//! the line and the rule.
//!
//! The repository's `rules/` is compiled into the program (`build.rs`): a run without
//! `--rules` uses that bundled set, so an installed `aisi` works in any folder. Its hash
//! is the hash of a folder holding the same files, so the cache cannot tell them apart.

use crate::{facts, find};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The rule files compiled into the program (see `build.rs`).
mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled_rules.rs"));
}

/// Where a run's rules come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleSource {
    /// The set compiled into the program: the repository's `rules/` as it was built.
    Bundled,
    /// A folder of rule files (`--rules DIR`).
    Dir(PathBuf),
}

/// One rule file: its path relative to its family folder (`dates.toml` in `patterns/`),
/// how messages name it, and its text.
#[derive(Clone, Debug)]
pub struct RuleFile {
    pub rel: String,
    pub shown: String,
    pub text: String,
}

impl RuleSource {
    /// `--rules DIR` when given, else the bundled set.
    pub fn from_arg(dir: Option<&Path>) -> RuleSource {
        dir.map_or(RuleSource::Bundled, |d| RuleSource::Dir(d.to_path_buf()))
    }

    /// The files of one family folder (`patterns`, `entities`, `facts`), sorted by path.
    pub fn files(&self, family: &str) -> Result<Vec<RuleFile>> {
        match self {
            RuleSource::Dir(dir) => folder_files(&dir.join(family)),
            RuleSource::Bundled => Ok(bundled_files()
                .filter_map(|(rel, text)| {
                    let rel = rel.strip_prefix(family)?.strip_prefix('/')?;
                    Some(RuleFile {
                        rel: rel.to_string(),
                        shown: format!("bundled rules/{family}/{rel}"),
                        text: text.to_string(),
                    })
                })
                .collect()),
        }
    }

    /// SHA-256 over every rule file's path (relative to the rule set's root) and bytes:
    /// the bundled set and a folder holding the same files hash alike.
    fn hash(&self) -> Result<String> {
        let mut h = Sha256::new();
        let mut add = |rel: &str, bytes: &[u8]| {
            h.update(rel.as_bytes());
            h.update([0]);
            h.update(bytes);
            h.update([0]);
        };
        match self {
            RuleSource::Dir(dir) => {
                for (rel, path) in toml_files(dir)? {
                    add(&rel, &std::fs::read(&path)?);
                }
            }
            RuleSource::Bundled => {
                for (rel, text) in bundled_files() {
                    add(rel, text.as_bytes());
                }
            }
        }
        Ok(hex::encode(h.finalize()))
    }
}

impl std::fmt::Display for RuleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleSource::Bundled => write!(f, "the bundled rules"),
            RuleSource::Dir(d) => write!(f, "the rules in {}", d.display()),
        }
    }
}

/// The bundled rule files, sorted by path relative to the rule set's root.
pub fn bundled_files() -> impl Iterator<Item = (&'static str, &'static str)> {
    bundled::FILES.iter().copied()
}

/// Writes the bundled rule set into `dir` (made if missing), for a user who wants to edit
/// it and run with `--rules DIR`. Never overwrites a file: an existing one is an error
/// and nothing is written. Returns how many files were written.
pub fn export(dir: &Path) -> Result<usize> {
    let existing: Vec<String> = bundled_files()
        .filter(|(rel, _)| dir.join(rel).exists())
        .map(|(rel, _)| dir.join(rel).display().to_string())
        .collect();
    if !existing.is_empty() {
        anyhow::bail!(
            "not overwriting rule files that exist already: {} (export into an empty folder)",
            existing.join(", ")
        );
    }
    let mut n = 0;
    for (rel, text) in bundled_files() {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot make {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        n += 1;
    }
    Ok(n)
}

pub struct RuleSet {
    pub patterns: find::engine::PatternRules,
    pub entities: find::entities::EntityRules,
    pub facts: facts::FactRules,
    /// SHA-256 over every rule file's path and bytes: what the cache keys on.
    pub hash: String,
}

impl RuleSet {
    /// The rules of a folder (`patterns/`, `entities/`, `facts/` under `dir`).
    pub fn load(dir: &Path) -> Result<RuleSet> {
        RuleSet::from_source(&RuleSource::Dir(dir.to_path_buf()))
    }

    /// The rule set compiled into the program.
    pub fn bundled() -> Result<RuleSet> {
        RuleSet::from_source(&RuleSource::Bundled)
    }

    pub fn from_source(source: &RuleSource) -> Result<RuleSet> {
        if let RuleSource::Dir(dir) = source
            && !dir.is_dir()
        {
            anyhow::bail!(
                "rules folder {} does not exist (leave out --rules for the bundled rules, \
                 or write them out with `aisi rules export DIR`)",
                dir.display()
            );
        }
        // The three families compile independently: side by side, since every command
        // waits for them.
        let (patterns, entities, facts, hash) = std::thread::scope(|s| {
            let patterns = s.spawn(|| {
                let r = source
                    .files("patterns")
                    .and_then(|f| find::engine::PatternRules::from_files(&f));
                crate::timing::mark("rules: patterns");
                r
            });
            let entities = s.spawn(|| {
                let r = source
                    .files("entities")
                    .and_then(|f| find::entities::EntityRules::from_files(&f));
                crate::timing::mark("rules: entities");
                r
            });
            let facts = source
                .files("facts")
                .and_then(|f| facts::FactRules::from_files(&f));
            crate::timing::mark("rules: facts");
            let hash = source
                .hash()
                .with_context(|| format!("cannot read {source}"));
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

/// Every `.toml` file under `dir`, sorted, with its text; messages name it by its path.
pub fn folder_files(dir: &Path) -> Result<Vec<RuleFile>> {
    toml_files(dir)?
        .into_iter()
        .map(|(rel, path)| {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read rule file {}", path.display()))?;
            Ok(RuleFile {
                rel,
                shown: path.display().to_string(),
                text,
            })
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_rules() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules")
    }

    #[test]
    fn the_bundled_set_is_the_rules_folder_byte_for_byte() {
        let folder: Vec<(String, Vec<u8>)> = toml_files(&repo_rules())
            .unwrap()
            .into_iter()
            .map(|(rel, p)| (rel, std::fs::read(p).unwrap()))
            .collect();
        let bundled: Vec<(String, Vec<u8>)> = bundled_files()
            .map(|(rel, text)| (rel.to_string(), text.as_bytes().to_vec()))
            .collect();
        assert!(!bundled.is_empty());
        assert_eq!(bundled, folder);
        assert_eq!(
            RuleSource::Bundled.hash().unwrap(),
            RuleSource::Dir(repo_rules()).hash().unwrap(),
            "the cache sees one rule set"
        );
    }

    #[test]
    fn an_exported_set_hashes_as_the_bundled_one_and_a_changed_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let n = export(dir.path()).unwrap();
        assert_eq!(n, bundled_files().count());
        let exported = RuleSource::Dir(dir.path().to_path_buf());
        assert_eq!(
            exported.hash().unwrap(),
            RuleSource::Bundled.hash().unwrap()
        );
        assert!(export(dir.path()).is_err(), "never overwrites");
        let (rel, text) = bundled_files().next().unwrap();
        std::fs::write(dir.path().join(rel), format!("{text}\n# edited\n")).unwrap();
        assert_ne!(
            exported.hash().unwrap(),
            RuleSource::Bundled.hash().unwrap()
        );
    }

    #[test]
    fn family_files_are_relative_to_their_folder() {
        let b = RuleSource::Bundled.files("patterns").unwrap();
        let d = RuleSource::Dir(repo_rules()).files("patterns").unwrap();
        let rels = |v: &[RuleFile]| v.iter().map(|f| f.rel.clone()).collect::<Vec<_>>();
        assert_eq!(rels(&b), rels(&d));
        assert!(!b.is_empty() && b.iter().all(|f| !f.rel.starts_with("patterns/")));
    }
}
