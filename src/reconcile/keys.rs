//! What makes claims one fact: keys that group claims by subject, predicate, canonical
//! object and distinguishing qualifiers.

use crate::model::Claim;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

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

/// The object id of a partnership its fact states the other way round: partnerships are
/// symmetric, and a fact puts institutes first, otherwise the lower id.
pub(super) fn turned(c: &Claim) -> Option<&str> {
    let o = c.object.as_str().filter(|_| c.predicate == "partnership")?;
    let institute = |id: &str| id.starts_with("institute:");
    let turn = match (institute(&c.subject), institute(o)) {
        (false, true) => true,
        (true, false) => false,
        _ => o < c.subject.as_str(),
    };
    turn.then_some(o)
}

/// A claim's subject and object as its fact states them.
fn oriented(c: &Claim) -> (&str, ObjectKey<'_>) {
    match turned(c) {
        Some(o) => (o, ObjectKey::Str(&c.subject)),
        None => (&c.subject, ObjectKey::of(&c.object)),
    }
}

/// An object compared and hashed as the value it is, so that claims can be grouped
/// without writing each object out as its canonical text. A string is the same key
/// whether it was the object or, in a partnership turned round, the subject.
#[derive(PartialEq, Eq, Hash)]
pub(super) enum ObjectKey<'a> {
    Str(&'a str),
    Other(OtherValue<'a>),
}

impl<'a> ObjectKey<'a> {
    fn of(v: &'a Value) -> Self {
        match v {
            Value::String(s) => ObjectKey::Str(s),
            other => ObjectKey::Other(OtherValue(other)),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            ObjectKey::Str(s) => Value::String(s.to_string()),
            ObjectKey::Other(v) => v.0.clone(),
        }
    }
}

/// A value that is not a string, with `Hash` agreeing with `Value`'s equality.
pub(super) struct OtherValue<'a>(&'a Value);

impl PartialEq for OtherValue<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for OtherValue<'_> {}

impl Hash for OtherValue<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        hash_value(self.0, h);
    }
}

fn hash_value<H: Hasher>(v: &Value, h: &mut H) {
    std::mem::discriminant(v).hash(h);
    match v {
        Value::Null => {}
        Value::Bool(b) => b.hash(h),
        Value::Number(n) => n.hash(h),
        Value::String(s) => s.hash(h),
        Value::Array(a) => {
            a.len().hash(h);
            for x in a {
                hash_value(x, h);
            }
        }
        Value::Object(o) => {
            // Entries hashed apart and summed: equal maps hash alike even in a map type
            // that iterates in insertion order.
            let mut sum = 0u64;
            for (k, x) in o {
                let mut e = DefaultHasher::new();
                k.hash(&mut e);
                hash_value(x, &mut e);
                sum = sum.wrapping_add(e.finish());
            }
            o.len().hash(h);
            sum.hash(h);
        }
    }
}

/// Claims with equal keys are one fact. Equal objects have equal canonical objects, so
/// these keys group claims as finely as fact keys or more finely; [`fact_groups`] joins
/// the groups whose canonical objects agree.
#[derive(PartialEq, Eq, Hash)]
pub(super) struct ClaimKey<'a> {
    subject: &'a str,
    predicate: &'a str,
    object: ObjectKey<'a>,
    qualifiers: String,
}

impl ClaimKey<'_> {
    fn of(c: &Claim) -> ClaimKey<'_> {
        let (subject, object) = oriented(c);
        ClaimKey {
            subject,
            predicate: &c.predicate,
            object,
            qualifiers: qualifier_key(c),
        }
    }

    fn fact_key(&self) -> FactKey {
        (
            self.subject.to_string(),
            self.predicate.to_string(),
            canonical_object(&self.object.to_value()),
            self.qualifiers.clone(),
        )
    }
}

/// What identifies a fact, in the order facts are first listed: subject, predicate,
/// canonical object, distinguishing qualifiers.
pub(super) type FactKey = (String, String, String, String);

/// The claims (by position) of each claim key, in the order they came.
pub(super) type Groups<'a> = HashMap<ClaimKey<'a>, Vec<usize>>;

/// Claims grouped by their keys. A large corpus states the same few facts many thousand
/// times: the keys borrow from the claims, and only each group's key is written out.
pub(super) fn group(claims: &[Claim]) -> Groups<'_> {
    claims
        .par_iter()
        .enumerate()
        .fold(Groups::new, |mut groups, (i, c)| {
            groups.entry(ClaimKey::of(c)).or_default().push(i);
            groups
        })
        .reduce(Groups::new, |mut groups, later| {
            for (key, mut ids) in later {
                groups.entry(key).or_default().append(&mut ids);
            }
            groups
        })
}

/// The claims of each fact, in fact key order.
pub(super) fn fact_groups(groups: Groups) -> Vec<(FactKey, Vec<usize>)> {
    let mut keyed: Vec<(FactKey, Vec<usize>)> = groups
        .into_iter()
        .map(|(key, ids)| (key.fact_key(), ids))
        .collect();
    // Equal fact keys may come in any order: all that is kept is which fact each claim
    // belongs to.
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(FactKey, Vec<usize>)> = Vec::with_capacity(keyed.len());
    for (key, mut ids) in keyed {
        match out.last_mut() {
            Some((last, all)) if *last == key => all.append(&mut ids),
            _ => out.push((key, ids)),
        }
    }
    out
}
