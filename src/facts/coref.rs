//! Coreference inside a document: the institute a clause speaks of without naming it.
//!
//! An anaphor ("the institute", "it", "its", "the new body") stands for the institute named
//! last before it, within the lookback the rules set; failing that, for the document's
//! topic (the institute it names most). A speaker's word ("we", "our") stands for the
//! topic. The words are data (`[coreference]` in `rules/facts/`).

use super::rules::{ProseRule, Side};
use super::text::{Span, Words};
use super::{Doc, FactRules, Target, target};
use crate::model::{Mention, MentionKind};
use std::collections::BTreeMap;

/// The institute an anaphor in clause `c` stands for, when the rule's subject may be one
/// and the anaphor is where its subject would be.
pub fn subject(
    rules: &FactRules,
    doc: &Doc,
    c: Span,
    mentions: &[&Mention],
    words: &Words,
    trig: Span,
    rule: &ProseRule,
) -> Option<Target> {
    let cr = rules.coref.as_ref()?;
    if !rule.subject.iter().any(|k| k == "institute") {
        return None;
    }
    let clause = doc.text.get(c.start..c.end)?;
    // An anaphor must be free words: not part of a name ("the Institute of Physics").
    let free = |a: Span| !mentions.iter().any(|m| m.start < a.end && a.start < m.end);
    let placed = |a: Span| {
        let side_ok = match rule.subject_side {
            Side::Before => a.end <= trig.start,
            Side::After => a.start >= trig.end,
            Side::Any => true,
        };
        side_ok && words.gap(a, trig) <= rule.max_words
    };
    let find = |re: &regex::Regex| {
        re.find_iter(clause)
            .map(|m| {
                (
                    Span {
                        start: c.start + m.start(),
                        end: c.start + m.end(),
                    },
                    m.as_str().to_ascii_lowercase(),
                )
            })
            .find(|(a, _)| free(*a) && placed(*a))
    };
    if let Some((a, said)) = find(&cr.anaphor) {
        // "the network" is the Network; "the institute", "the office" never are; "it"
        // and "its" are whichever was named last.
        let which = if said.contains("network") {
            Some(true)
        } else if said.starts_with("it") {
            None
        } else {
            Some(false)
        };
        return antecedent(rules, doc, a, cr.lookback, which).or_else(|| {
            if which == Some(true) {
                // "the network" in a document that names the Network somewhere.
                doc.mentions
                    .iter()
                    .find(|m| m.kind == MentionKind::Institute && is_network(m))
                    .and_then(|m| target(rules, m))
            } else {
                topic(rules, doc)
            }
        });
    }
    let sp = cr.speaker.as_ref()?;
    find(sp).and_then(|_| topic(rules, doc))
}

fn is_network(m: &Mention) -> bool {
    m.value.as_str() == Some("NETWORK")
}

/// The institute named last before `at`, within `lookback` bytes (the Network or not, when
/// `network` says).
fn antecedent(
    rules: &FactRules,
    doc: &Doc,
    at: Span,
    lookback: usize,
    network: Option<bool>,
) -> Option<Target> {
    let from = at.start.saturating_sub(lookback);
    doc.within(Span {
        start: from,
        end: at.start,
    })
    .into_iter()
    .rev()
    .filter(|m| m.kind == MentionKind::Institute && network.is_none_or(|n| is_network(m) == n))
    .find_map(|m| target(rules, m))
}

/// The institute a document names most, when one stands out (named at least twice, and
/// more often than any other). The Network is nobody's "the institute".
pub fn topic(rules: &FactRules, doc: &Doc) -> Option<Target> {
    let mut n: BTreeMap<&str, (usize, &Mention)> = BTreeMap::new();
    for m in doc.mentions {
        if m.kind == MentionKind::Institute
            && !is_network(m)
            && let Some(v) = m.value.as_str()
        {
            n.entry(v).or_insert((0, m)).0 += 1;
        }
    }
    let mut counts: Vec<(usize, &Mention)> = n.into_values().collect();
    counts.sort_by_key(|(k, _)| std::cmp::Reverse(*k));
    match counts.as_slice() {
        [(a, m)] | [(a, m), ..] if *a >= 2 && counts.get(1).is_none_or(|(b, _)| b < a) => {
            target(rules, m)
        }
        _ => None,
    }
}
