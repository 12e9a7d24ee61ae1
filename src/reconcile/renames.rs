//! A renamed institute is one entity under both names: what documents say of its new name
//! (an organisation of that name, where the gazetteer does not know the name yet) is said of
//! the institute, and the name becomes one of its aliases.

use crate::model::{Claim, Entity};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The entity ids that `renamed` claims (`qualifiers.name`) make other names of an
/// institute, with the institute's id. A name two institutes claim is left alone.
pub(super) fn renamed_ids(claims: &[Claim]) -> BTreeMap<String, String> {
    let mut seen: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for c in claims {
        if c.predicate != "renamed" || !c.subject.starts_with("institute:") {
            continue;
        }
        let Some(name) = c.qualifiers.get("name").and_then(Value::as_str) else {
            continue;
        };
        if name.trim().is_empty() {
            continue;
        }
        let id = crate::facts::entity_id("organization", name);
        if id != c.subject {
            seen.entry(id).or_default().insert(&c.subject);
        }
    }
    seen.into_iter()
        .filter_map(|(id, by)| match by.into_iter().collect::<Vec<_>>()[..] {
            [one] => Some((id, one.to_string())),
            _ => None,
        })
        .collect()
}

/// Claims about an institute's other names made claims about the institute. A claim that
/// the renaming leaves relating the institute to itself says nothing and is dropped.
pub(super) fn apply_to_claims(claims: &mut Vec<Claim>, ids: &BTreeMap<String, String>) {
    if ids.is_empty() {
        return;
    }
    for c in claims.iter_mut() {
        if let Some(to) = ids.get(&c.subject) {
            c.subject = to.clone();
        }
        if let Some(to) = c.object.as_str().and_then(|o| ids.get(o)) {
            c.object = Value::String(to.clone());
        }
    }
    claims.retain(|c| c.object.as_str() != Some(c.subject.as_str()));
}

/// Entities with each other name of an institute folded into it: its name and aliases
/// become the institute's aliases; the institute keeps its own name.
pub(super) fn fold_entities(entities: Vec<Entity>, ids: &BTreeMap<String, String>) -> Vec<Entity> {
    if ids.is_empty() {
        return entities;
    }
    let mut extra: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut kept = Vec::with_capacity(entities.len());
    for e in entities {
        match ids.get(&e.id) {
            Some(to) => extra
                .entry(to.as_str())
                .or_default()
                .extend(std::iter::once(e.name).chain(e.aliases)),
            None => kept.push(e),
        }
    }
    for e in &mut kept {
        if let Some(names) = extra.remove(e.id.as_str()) {
            e.aliases.extend(names.into_iter().filter(|n| *n != e.name));
            e.aliases.sort();
            e.aliases.dedup();
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claim(subject: &str, predicate: &str, object: Value, name: Option<&str>) -> Claim {
        let mut c = crate::reconcile::tests::claim("a", subject, predicate, object);
        if let Some(n) = name {
            c.qualifiers.insert("name".to_string(), json!(n));
        }
        c
    }

    fn entity(id: &str, name: &str, aliases: &[&str]) -> Entity {
        Entity {
            id: id.to_string(),
            kind: id.split(':').next().unwrap_or_default().to_string(),
            name: name.to_string(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            code: None,
        }
    }

    #[test]
    fn facts_of_the_new_name_are_the_institutes() {
        let new = crate::facts::entity_id("organization", "Frontier Evaluation Centre");
        let mut claims = vec![
            claim(
                "institute:XX",
                "renamed",
                json!("2025-03"),
                Some("Frontier Evaluation Centre"),
            ),
            claim(&new, "led_by", json!("person:ann-example"), None),
            claim("organization:some-lab", "partnership", json!(new), None),
            claim(&new, "housed_under", json!("institute:XX"), None),
        ];
        let ids = renamed_ids(&claims);
        apply_to_claims(&mut claims, &ids);
        let said: Vec<(&str, &str, &Value)> = claims
            .iter()
            .map(|c| (c.subject.as_str(), c.predicate.as_str(), &c.object))
            .collect();
        assert_eq!(
            said,
            vec![
                ("institute:XX", "renamed", &json!("2025-03")),
                ("institute:XX", "led_by", &json!("person:ann-example")),
                (
                    "organization:some-lab",
                    "partnership",
                    &json!("institute:XX")
                ),
            ]
        );
        let folded = fold_entities(
            vec![
                entity("institute:XX", "Example AI Safety Institute", &["XAISI"]),
                entity(&new, "Frontier Evaluation Centre", &["FEC"]),
                entity("organization:some-lab", "Some Lab", &[]),
            ],
            &ids,
        );
        assert_eq!(folded.len(), 2);
        assert_eq!(folded[0].name, "Example AI Safety Institute");
        assert_eq!(
            folded[0].aliases,
            vec!["FEC", "Frontier Evaluation Centre", "XAISI"]
        );
    }

    #[test]
    fn a_name_two_institutes_take_or_no_name_changes_nothing() {
        let claims = vec![
            claim(
                "institute:XX",
                "renamed",
                json!("2025"),
                Some("Safety Office"),
            ),
            claim(
                "institute:YY",
                "renamed",
                json!("2025"),
                Some("Safety Office"),
            ),
            claim("institute:ZZ", "renamed", json!("2025"), None),
        ];
        assert!(renamed_ids(&claims).is_empty());
    }
}
