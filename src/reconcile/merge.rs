//! One fact from the claims of each group: sources gathered, object and qualifiers taken.

use super::Places;
use super::judge::judge;
use super::keys::{FactKey, fact_groups, group, turned};
use crate::model::{Claim, Fact, FactStatus, Source, stable_id};
use crate::works::Works;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;

/// Facts from claims, every document a work of its own: grouped, merged, judged and
/// sorted by (subject, predicate, id).
pub fn facts(claims: Vec<Claim>) -> Vec<Fact> {
    let groups = fact_groups(group(&claims));
    facts_of(claims, groups, &Works::default(), &Places::default())
}

/// Facts from the claims and the claims (by position) of each fact, in fact key order.
pub(super) fn facts_of(
    mut claims: Vec<Claim>,
    groups: Vec<(FactKey, Vec<usize>)>,
    works: &Works,
    places: &Places,
) -> Vec<Fact> {
    // Each fact gets its claims to take sources from; the claims stay where they are.
    let mut fact_of = vec![0; claims.len()];
    for (f, (_, ids)) in groups.iter().enumerate() {
        for &i in ids {
            fact_of[i] = f;
        }
    }
    let mut members: Vec<Vec<&mut Claim>> = groups
        .iter()
        .map(|(_, ids)| Vec::with_capacity(ids.len()))
        .collect();
    for (c, f) in claims.iter_mut().zip(fact_of) {
        members[f].push(c);
    }
    let mut facts: Vec<Fact> = groups
        .into_par_iter()
        .zip(members)
        .map(|((key, _), cs)| fact_from(key, cs))
        .collect();
    // What is left of the claims (subjects, predicates, names...) is many small
    // allocations: freeing them takes about as long as all the rest, so it is spread over
    // the pool's threads.
    claims.into_par_iter().with_min_len(1000).for_each(drop);
    judge(&mut facts, works, places);
    facts.sort_by(|a, b| (&a.subject, &a.predicate, &a.id).cmp(&(&b.subject, &b.predicate, &b.id)));
    facts
}

/// One fact from its claims (in the order they came): sources sorted, the object and
/// each qualifier from the first claim by source that has it. Sources and the object are
/// taken out of the claims.
fn fact_from((subject, predicate, obj, qk): FactKey, mut cs: Vec<&mut Claim>) -> Fact {
    // Stable, so that claims of one source keep the order they came in.
    cs.sort_by(|a, b| a.source.cmp(&b.source));
    let object = match cs.first_mut() {
        Some(c) if turned(c).is_some() => Value::String(c.subject.clone()),
        Some(c) => std::mem::take(&mut c.object),
        // Every fact has a claim.
        None => Value::Null,
    };
    let mut qualifiers = BTreeMap::new();
    let mut sources: Vec<Source> = Vec::with_capacity(cs.len());
    for c in cs {
        for (k, v) in &c.qualifiers {
            if !qualifiers.contains_key(k) {
                qualifiers.insert(k.clone(), v.clone());
            }
        }
        if sources.last() != Some(&c.source) {
            sources.push(std::mem::replace(&mut c.source, taken_source()));
        }
    }
    let mut parts = vec![subject.as_str(), predicate.as_str(), obj.as_str()];
    if !qk.is_empty() {
        parts.push(qk.as_str());
    }
    Fact {
        id: stable_id("f", &parts),
        object,
        subject,
        predicate,
        qualifiers,
        status: FactStatus::Single,
        sources,
        conflicts_with: None,
        revisions: None,
    }
}

/// What a claim's source is left as once its fact has taken it (allocates nothing).
fn taken_source() -> Source {
    Source {
        doc: String::new(),
        page: 0,
        start: 0,
        end: 0,
        quote: String::new(),
        rule: String::new(),
    }
}
