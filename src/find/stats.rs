//! Per-rule counts over a written dataset (`aisi rules stats`): how often each rule fired
//! and in how many documents, read from `mentions.jsonl`; rules that never fired are listed
//! too, so a rule that matches nothing stands out.

use super::engine::PatternRules;
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::Path;

/// How often one rule fired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleStat {
    pub rule: String,
    pub kind: String,
    pub mentions: usize,
    pub docs: usize,
}

/// Counts mentions per rule in `out/mentions.jsonl`, most frequent first; pattern rules
/// of `rules` that never fired follow with zero counts.
pub fn rule_stats(out: &Path, rules: Option<&PatternRules>) -> Result<Vec<RuleStat>> {
    let path = out.join("mentions.jsonl");
    let file = std::fs::File::open(&path).with_context(|| {
        format!(
            "cannot read {} (run `aisi run --out {}` first)",
            path.display(),
            out.display()
        )
    })?;
    let mut by_rule: BTreeMap<String, (String, usize, BTreeSet<String>)> = BTreeMap::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line =
            line.with_context(|| format!("{}: cannot read line {}", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let m: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("{}, line {}: not JSON", path.display(), i + 1))?;
        let field = |k: &str| m.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let e = by_rule
            .entry(field("rule"))
            .or_insert_with(|| (field("kind"), 0, BTreeSet::new()));
        e.1 += 1;
        e.2.insert(field("doc"));
    }
    let mut stats: Vec<RuleStat> = by_rule
        .into_iter()
        .map(|(rule, (kind, mentions, docs))| RuleStat {
            rule,
            kind,
            mentions,
            docs: docs.len(),
        })
        .collect();
    stats.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.rule.cmp(&b.rule)));
    if let Some(rules) = rules {
        let fired: BTreeSet<String> = stats.iter().map(|s| s.rule.clone()).collect();
        for r in &rules.rules {
            if !fired.contains(&r.id) {
                stats.push(RuleStat {
                    rule: r.id.clone(),
                    kind: r.kind.as_str().to_string(),
                    mentions: 0,
                    docs: 0,
                });
            }
        }
        // The entity context rules (gazetteer files fire under their own names).
        for (id, kind) in super::entities::context_rules() {
            if !fired.contains(id) {
                stats.push(RuleStat {
                    rule: id.to_string(),
                    kind: kind.as_str().to_string(),
                    mentions: 0,
                    docs: 0,
                });
            }
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_mentions_and_documents_per_rule() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mentions.jsonl"),
            concat!(
                r#"{"doc":"a","kind":"date","rule":"r1"}"#,
                "\n",
                r#"{"doc":"b","kind":"date","rule":"r1"}"#,
                "\n",
                r#"{"doc":"b","kind":"date","rule":"r1"}"#,
                "\n",
                r#"{"doc":"b","kind":"money","rule":"r2"}"#,
                "\n",
            ),
        )
        .unwrap();
        let s = rule_stats(dir.path(), None).unwrap();
        assert_eq!(
            s[0],
            RuleStat {
                rule: "r1".into(),
                kind: "date".into(),
                mentions: 3,
                docs: 2
            }
        );
        assert_eq!(s[1].mentions, 1);
    }

    #[test]
    fn a_missing_output_folder_says_what_to_run() {
        let e = rule_stats(Path::new("no/such/folder"), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("aisi run"), "{e}");
    }
}
