//! Reconciliation: claims from many documents into one fact per distinct claim, with
//! status `single`, `agreed` or `conflict`, and the canonical entities they name.
//!
//! A fact is one (subject, predicate, canonical object) — plus, where they make a claim a
//! different claim, the partnership `type` and the staff `type` — with every source
//! that stated it. Facts of one subject and predicate are then compared value by value:
//!
//! * dates are compatible when one interval contains the other (a month agrees with a day
//!   inside it; "November 20–21" agrees with "November 21"; "November 20–21" and
//!   "November 21–22" overlap without either containing the other, and conflict);
//! * money in one currency is compatible when equal or when a range contains the amount;
//!   amounts in different currencies are compatible when one document states both (a
//!   conversion) and otherwise not compared; different funding periods are a succession;
//! * staff counts of different `as_of` dates or types (current/planned) are a succession,
//!   never a conflict;
//! * multi-valued predicates (member_of, partnership, housed_under, led_by,
//!   event_location) never conflict.
//!
//! A fact in conflict lists the facts it contradicts in `conflicts_with`; otherwise it is
//! `agreed` when it and the facts compatible with it were stated by two documents or more,
//! and `single` when by one. Ids hash subject, predicate and canonical object, so they do not
//! depend on which documents were read or in which order.

use crate::model::{
    Claim, Entity, EntityNames, Fact, FactStatus, Mention, MentionKind, Source, stable_id,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Predicates whose values accumulate: several objects are several true facts.
pub const MULTI_VALUED: &[&str] = &[
    "member_of",
    "partnership",
    "housed_under",
    "led_by",
    "event_location",
];

/// Entities and facts from the entity names and claims of all documents (names in
/// document order).
pub fn reconcile(names: &[&EntityNames], claims: Vec<Claim>) -> (Vec<Entity>, Vec<Fact>) {
    crate::timing::mark("reconcile: start");
    let entities = entities(names, &claims);
    crate::timing::mark("reconcile: entities");
    let facts = facts(claims);
    crate::timing::mark("reconcile: facts");
    (entities, facts)
}

fn entity_id_of(kind: MentionKind, value: &Value) -> Option<String> {
    let s = value.as_str().filter(|s| !s.trim().is_empty())?;
    Some(match kind {
        MentionKind::Institute => crate::build::institute_id(s),
        MentionKind::Organization => crate::build::entity_id("organization", s),
        MentionKind::Person => crate::build::entity_id("person", s),
        MentionKind::Event => crate::build::entity_id("event", s),
        _ => return None,
    })
}

/// The names a document's mentions give each entity they name.
pub fn entity_names(mentions: &[Mention]) -> EntityNames {
    let mut out = EntityNames::new();
    for m in mentions {
        let Some(id) = entity_id_of(m.kind, &m.value) else {
            continue;
        };
        let n = out.entry(id).or_default();
        if m.kind != MentionKind::Institute {
            n.canonical = m.value.as_str().map(str::to_string);
        }
        let t = m.text.split_whitespace().collect::<Vec<_>>().join(" ");
        *n.texts.entry(t).or_default() += 1;
    }
    out
}

/// The canonical entities: every institute, organisation, person and event that a mention
/// or a claim names, with the names the documents used for it as aliases.
pub fn entities(names: &[&EntityNames], claims: &[Claim]) -> Vec<Entity> {
    #[derive(Default)]
    struct Acc {
        named: BTreeMap<String, usize>,
        canonical: Option<String>,
        texts: BTreeMap<String, usize>,
    }
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    for doc in names {
        for (id, n) in doc.iter() {
            let a = acc.entry(id.clone()).or_default();
            if n.canonical.is_some() {
                a.canonical.clone_from(&n.canonical);
            }
            for (t, k) in &n.texts {
                *a.texts.entry(t.clone()).or_default() += k;
            }
        }
    }
    for c in claims {
        for (id, name) in &c.names {
            *acc.entry(id.clone())
                .or_default()
                .named
                .entry(name.clone())
                .or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for (id, a) in acc {
        let Some((kind, key)) = id
            .split_once(':')
            .map(|(k, v)| (k.to_string(), v.to_string()))
        else {
            continue;
        };
        let kind = kind.as_str();
        // The most used name wins; ties go to the alphabetically first, for stability.
        let most = |m: &BTreeMap<String, usize>| {
            m.iter()
                .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                .map(|(n, _)| n.clone())
        };
        let name = if kind == "institute" {
            most(&a.named).or_else(|| most(&a.texts))
        } else {
            a.canonical.clone().or_else(|| most(&a.named))
        }
        .unwrap_or_else(|| key.clone());
        let mut aliases: Vec<String> = a.texts.into_keys().filter(|x| *x != name).collect();
        aliases.sort();
        out.push(Entity {
            code: (kind == "institute").then(|| key.clone()),
            id,
            kind: kind.to_string(),
            name,
            aliases,
        });
    }
    out
}

/// The part of an object that identifies it: money without hedges, quantities by number
/// and unit, strings as they are.
fn canonical_object(v: &Value) -> String {
    match v {
        Value::Object(o) => {
            let keep = ["amount", "min", "max", "currency", "per", "value", "unit"];
            let m: serde_json::Map<String, Value> = o
                .iter()
                .filter(|(k, v)| keep.contains(&k.as_str()) && !v.is_null())
                .map(|(k, v)| {
                    let v = match v.as_f64() {
                        // 1e7 and 10000000 are one amount.
                        Some(f) if v.is_number() => Value::from(f),
                        _ => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect();
            Value::Object(m).to_string()
        }
        other => other.to_string(),
    }
}

/// Qualifiers that make a claim a different claim, by predicate.
fn distinguishing(predicate: &str) -> &'static [&'static str] {
    match predicate {
        "partnership" => &["type"],
        "staff" => &["type"],
        _ => &[],
    }
}

fn qualifier_key(c: &Claim) -> String {
    distinguishing(&c.predicate)
        .iter()
        .map(|k| match c.qualifiers.get(*k) {
            Some(Value::String(s)) => s.to_lowercase(),
            Some(v) => v.to_string(),
            None => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// Facts from claims: grouped, merged, judged and sorted by (subject, predicate, id).
pub fn facts(claims: Vec<Claim>) -> Vec<Fact> {
    let mut groups: BTreeMap<(String, String, String, String), Vec<Claim>> = BTreeMap::new();
    for mut c in claims {
        if c.predicate == "partnership"
            && let Some(o) = c.object.as_str()
            && o < c.subject.as_str()
            && (o.starts_with("institute:") || !c.subject.starts_with("institute:"))
        {
            // Symmetric: one way round, the lower id first, institutes before others.
            let o = o.to_string();
            c.object = Value::String(std::mem::replace(&mut c.subject, o));
        }
        if c.predicate == "partnership"
            && !c.subject.starts_with("institute:")
            && let Some(o) = c.object.as_str().filter(|o| o.starts_with("institute:"))
        {
            let o = o.to_string();
            c.object = Value::String(std::mem::replace(&mut c.subject, o));
        }
        let key = (
            c.subject.clone(),
            c.predicate.clone(),
            canonical_object(&c.object),
            qualifier_key(&c),
        );
        groups.entry(key).or_default().push(c);
    }
    let mut facts: Vec<Fact> = groups
        .into_iter()
        .map(|((subject, predicate, obj, qk), mut cs)| {
            cs.sort_by(|a, b| a.source.cmp(&b.source));
            let mut qualifiers = BTreeMap::new();
            for c in &cs {
                for (k, v) in &c.qualifiers {
                    qualifiers.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            let mut sources: Vec<Source> = cs.iter().map(|c| c.source.clone()).collect();
            sources.dedup();
            let mut parts = vec![subject.as_str(), predicate.as_str(), obj.as_str()];
            if !qk.is_empty() {
                parts.push(qk.as_str());
            }
            Fact {
                id: stable_id("f", &parts),
                object: cs[0].object.clone(),
                subject,
                predicate,
                qualifiers,
                status: FactStatus::Single,
                sources,
                conflicts_with: None,
            }
        })
        .collect();
    crate::timing::mark("reconcile: facts grouped");
    judge(&mut facts);
    crate::timing::mark("reconcile: facts judged");
    facts.sort_by(|a, b| (&a.subject, &a.predicate, &a.id).cmp(&(&b.subject, &b.predicate, &b.id)));
    facts
}

/// How two values of one subject and predicate relate.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Relation {
    /// Both can be true of the same thing (equal, or one more precise).
    Compatible,
    /// They cannot both be true.
    Conflict,
    /// Not comparable: they hold at different times, or nothing says how they relate.
    Unrelated,
}

fn docs_of(f: &Fact) -> BTreeSet<&str> {
    f.sources.iter().map(|s| s.doc.as_str()).collect()
}

/// Compares two facts of the same subject and predicate.
pub fn relate(a: &Fact, b: &Fact) -> Relation {
    if MULTI_VALUED.contains(&a.predicate.as_str()) {
        return Relation::Unrelated;
    }
    match a.predicate.as_str() {
        "staff" => {
            let q = |f: &Fact, k: &str| f.qualifiers.get(k).cloned();
            if q(a, "type") != q(b, "type") {
                return Relation::Unrelated;
            }
            // Counts as of different times are a succession; "2024" and "2024-11" may be
            // the same time.
            let when = |f: &Fact| {
                f.qualifiers
                    .get("as_of")
                    .and_then(Value::as_str)
                    .and_then(date_range)
            };
            if let (Some(x), Some(y)) = (when(a), when(b))
                && !(contains(x, y) || contains(y, x))
            {
                return Relation::Unrelated;
            }
            match (number_range(&a.object), number_range(&b.object)) {
                (Some(x), Some(y)) if overlaps(x, y) => Relation::Compatible,
                (Some(_), Some(_)) => Relation::Conflict,
                _ => Relation::Unrelated,
            }
        }
        "funding" => {
            if a.qualifiers.get("period") != b.qualifiers.get("period")
                && a.qualifiers.contains_key("period")
                && b.qualifiers.contains_key("period")
            {
                return Relation::Unrelated;
            }
            let cur = |f: &Fact| {
                f.object
                    .get("currency")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            if cur(a) != cur(b) {
                return if docs_of(a).intersection(&docs_of(b)).next().is_some() {
                    Relation::Compatible
                } else {
                    Relation::Unrelated
                };
            }
            match (number_range(&a.object), number_range(&b.object)) {
                (Some(x), Some(y)) if contains(x, y) || contains(y, x) => Relation::Compatible,
                (Some(_), Some(_)) => Relation::Conflict,
                _ => Relation::Unrelated,
            }
        }
        _ => match (
            a.object.as_str().and_then(date_range),
            b.object.as_str().and_then(date_range),
        ) {
            (Some(x), Some(y)) if contains(x, y) || contains(y, x) => Relation::Compatible,
            (Some(_), Some(_)) => Relation::Conflict,
            _ if a.object == b.object => Relation::Compatible,
            _ => Relation::Unrelated,
        },
    }
}

fn judge(facts: &mut [Fact]) {
    let mut by_group: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, f) in facts.iter().enumerate() {
        by_group
            .entry((f.subject.clone(), f.predicate.clone()))
            .or_default()
            .push(i);
    }
    // Documents per fact, once: a fact of a large corpus has many sources.
    let docsets: Vec<BTreeSet<&str>> = facts.iter().map(docs_of).collect();
    let mut verdicts: Vec<(FactStatus, Option<Vec<String>>)> = Vec::new();
    for (i, f) in facts.iter().enumerate() {
        let group = &by_group[&(f.subject.clone(), f.predicate.clone())];
        let mut conflicts = Vec::new();
        let mut docs = docsets[i].clone();
        for &j in group {
            if j == i {
                continue;
            }
            match relate(f, &facts[j]) {
                Relation::Conflict => conflicts.push(facts[j].id.clone()),
                Relation::Compatible => docs.extend(docsets[j].iter().copied()),
                Relation::Unrelated => {}
            }
        }
        verdicts.push(if !conflicts.is_empty() {
            conflicts.sort();
            (FactStatus::Conflict, Some(conflicts))
        } else if docs.len() >= 2 {
            (FactStatus::Agreed, None)
        } else {
            (FactStatus::Single, None)
        });
    }
    for (f, (s, c)) in facts.iter_mut().zip(verdicts) {
        f.status = s;
        f.conflicts_with = c;
    }
}

/// A comparable day: (year, month, day).
type Day = (i32, u32, u32);

/// The first and last day an ISO date value covers: `2024` → 2024-01-01..2024-12-31,
/// `2024-11` → the month, `A/B` → from A's first to B's last day.
pub fn date_range(v: &str) -> Option<(Day, Day)> {
    let (a, b) = v.split_once('/').unwrap_or((v, v));
    Some((date_bound(a, false)?, date_bound(b, true)?))
}

fn date_bound(s: &str, end: bool) -> Option<Day> {
    let mut it = s.trim().split('-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: Option<u32> = it.next().map(|x| x.parse().ok()).unwrap_or(None);
    let d: Option<u32> = it.next().map(|x| x.parse().ok()).unwrap_or(None);
    Some(match (m, d, end) {
        (Some(m), Some(d), _) => (y, m, d),
        (Some(m), None, false) => (y, m, 1),
        (Some(m), None, true) => (y, m, 31),
        (None, _, false) => (y, 1, 1),
        (None, _, true) => (y, 12, 31),
    })
}

fn number_range(v: &Value) -> Option<(f64, f64)> {
    let n = |k: &str| v.get(k).and_then(Value::as_f64);
    n("amount")
        .or_else(|| n("value"))
        .map(|x| (x, x))
        .or_else(|| Some((n("min")?, n("max")?)))
}

fn contains<T: PartialOrd>(outer: (T, T), inner: (T, T)) -> bool {
    outer.0 <= inner.0 && inner.1 <= outer.1
}

fn overlaps<T: PartialOrd>(a: (T, T), b: (T, T)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claim(doc: &str, subject: &str, predicate: &str, object: Value) -> Claim {
        Claim {
            subject: subject.to_string(),
            predicate: predicate.to_string(),
            object,
            qualifiers: BTreeMap::new(),
            source: Source {
                doc: doc.to_string(),
                page: 1,
                start: 0,
                end: 4,
                quote: "text".to_string(),
                rule: "r".to_string(),
            },
            names: BTreeMap::new(),
        }
    }

    fn status_of<'a>(facts: &'a [Fact], object: &str) -> &'a Fact {
        facts
            .iter()
            .find(|f| f.object == json!(object))
            .expect("fact present")
    }

    #[test]
    fn a_month_agrees_with_a_day_inside_it() {
        let f = facts(vec![
            claim("a", "institute:JP", "established", json!("2024-02")),
            claim("b", "institute:JP", "established", json!("2024-02-14")),
        ]);
        assert_eq!(f.len(), 2, "each stated value stays a fact of its own");
        assert!(f.iter().all(|x| x.status == FactStatus::Agreed));
    }

    #[test]
    fn different_days_conflict_and_name_each_other() {
        let f = facts(vec![
            claim("a", "institute:JP", "established", json!("2024-02-14")),
            claim("b", "institute:JP", "established", json!("2024-02-15")),
        ]);
        let a = status_of(&f, "2024-02-14");
        let b = status_of(&f, "2024-02-15");
        assert_eq!(a.status, FactStatus::Conflict);
        assert_eq!(a.conflicts_with, Some(vec![b.id.clone()]));
        assert_eq!(b.conflicts_with, Some(vec![a.id.clone()]));
    }

    #[test]
    fn a_day_range_agrees_with_a_day_inside_but_not_with_a_shifted_range() {
        let f = facts(vec![
            claim(
                "a",
                "event:first",
                "event_date",
                json!("2024-11-20/2024-11-21"),
            ),
            claim("b", "event:first", "event_date", json!("2024-11-21")),
            claim(
                "c",
                "event:first",
                "event_date",
                json!("2024-11-21/2024-11-22"),
            ),
        ]);
        assert_eq!(status_of(&f, "2024-11-21").status, FactStatus::Agreed);
        assert_eq!(
            status_of(&f, "2024-11-20/2024-11-21").status,
            FactStatus::Conflict
        );
        assert_eq!(
            status_of(&f, "2024-11-21/2024-11-22").status,
            FactStatus::Conflict
        );
    }

    #[test]
    fn the_same_claim_from_two_documents_is_one_agreed_fact() {
        let f = facts(vec![
            claim("a", "institute:US", "member_of", json!("institute:NETWORK")),
            claim("b", "institute:US", "member_of", json!("institute:NETWORK")),
        ]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].status, FactStatus::Agreed);
        assert_eq!(f[0].sources.len(), 2);
        let one = facts(vec![claim(
            "a",
            "institute:US",
            "member_of",
            json!("institute:NETWORK"),
        )]);
        assert_eq!(one[0].status, FactStatus::Single);
        assert_eq!(one[0].id, f[0].id, "ids do not depend on the sources");
    }

    #[test]
    fn staff_counts_at_different_dates_are_a_succession_not_a_conflict() {
        let q = |v: u32, as_of: &str, doc: &str| {
            let mut c = claim(
                doc,
                "institute:JP",
                "staff",
                json!({"value": v, "unit": "staff"}),
            );
            c.qualifiers.insert("as_of".into(), json!(as_of));
            c.qualifiers.insert("type".into(), json!("current"));
            c
        };
        let f = facts(vec![q(23, "2024-11", "a"), q(30, "2025-01", "b")]);
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|x| x.status == FactStatus::Single));
        let g = facts(vec![q(23, "2024-11", "a"), q(30, "2024-11-20", "b")]);
        assert!(g.iter().all(|x| x.status == FactStatus::Conflict));
        let h = facts(vec![q(30, "2024-11", "a"), q(30, "2025-01", "b")]);
        assert_eq!(h.len(), 1, "one count stated twice is one fact");
    }

    #[test]
    fn multi_valued_predicates_never_conflict() {
        let f = facts(vec![
            claim("a", "institute:US", "partnership", json!("institute:GB")),
            claim(
                "b",
                "institute:US",
                "partnership",
                json!("organization:openai"),
            ),
        ]);
        assert!(f.iter().all(|x| x.status == FactStatus::Single));
    }

    #[test]
    fn partnerships_are_symmetric() {
        let f = facts(vec![
            claim("a", "institute:US", "partnership", json!("institute:GB")),
            claim("b", "institute:GB", "partnership", json!("institute:US")),
            claim(
                "c",
                "organization:openai",
                "partnership",
                json!("institute:US"),
            ),
        ]);
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|x| x.subject.starts_with("institute:")));
    }

    #[test]
    fn a_conversion_stated_in_one_document_agrees_and_amounts_in_one_currency_conflict() {
        let usd = |a: u64, doc: &str| {
            claim(
                doc,
                "institute:CA",
                "funding",
                json!({"amount": a, "currency": "USD", "per": null}),
            )
        };
        let cad = claim(
            "a",
            "institute:CA",
            "funding",
            json!({"amount": 50000000, "currency": "CAD", "per": null}),
        );
        let f = facts(vec![usd(36500000, "a"), cad.clone()]);
        assert!(f.iter().all(|x| x.status == FactStatus::Single), "{f:?}");
        let g = facts(vec![usd(36500000, "a"), usd(36000000, "b"), cad]);
        assert_eq!(
            g.iter()
                .filter(|x| x.status == FactStatus::Conflict)
                .count(),
            2
        );
    }

    #[test]
    fn entities_take_ids_from_codes_and_names_and_keep_every_alias() {
        let mention = |kind: MentionKind, text: &str, value: &str| Mention {
            id: String::new(),
            doc: "a".into(),
            kind,
            text: text.into(),
            start: 0,
            end: text.len(),
            page: 1,
            rule: "r".into(),
            value: json!(value),
            extra: BTreeMap::new(),
        };
        let names = entity_names(&[
            mention(MentionKind::Institute, "J-AISI", "JP"),
            mention(MentionKind::Institute, "Japan  AISI", "JP"),
            mention(
                MentionKind::Organization,
                "NIST",
                "National Institute of Standards and Technology",
            ),
            mention(MentionKind::Date, "2024", "2024"),
        ]);
        let mut c = claim("a", "institute:JP", "established", json!("2024"));
        c.names
            .insert("institute:JP".into(), "Japan AI Safety Institute".into());
        let e = entities(&[&names], &[c]);
        assert_eq!(e.len(), 2, "dates are not entities");
        let jp = e.iter().find(|x| x.id == "institute:JP").unwrap();
        assert_eq!(jp.name, "Japan AI Safety Institute");
        assert_eq!(jp.code.as_deref(), Some("JP"));
        assert_eq!(jp.aliases, vec!["J-AISI", "Japan AISI"]);
        let nist = e
            .iter()
            .find(|x| x.id == "organization:national-institute-of-standards-and-technology")
            .unwrap();
        assert_eq!(nist.name, "National Institute of Standards and Technology");
        assert_eq!(nist.aliases, vec!["NIST"]);
    }

    #[test]
    fn date_ranges_cover_their_precision() {
        assert_eq!(date_range("2024"), Some(((2024, 1, 1), (2024, 12, 31))));
        assert_eq!(date_range("2024-11"), Some(((2024, 11, 1), (2024, 11, 31))));
        assert_eq!(
            date_range("2023-10/2024-09"),
            Some(((2023, 10, 1), (2024, 9, 31)))
        );
        assert_eq!(date_range("soon"), None);
    }
}
