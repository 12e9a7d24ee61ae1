//! How two values of one subject and predicate relate: compatible, in conflict or unrelated.

use super::MULTI_VALUED;
use super::ranges::{contains, date_range, number_range, overlaps};
use crate::model::Fact;
use serde_json::Value;
use std::collections::BTreeSet;

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

pub(super) fn docs_of(f: &Fact) -> BTreeSet<&str> {
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
                let docs = docs_of(a);
                return if b.sources.iter().any(|s| docs.contains(s.doc.as_str())) {
                    Relation::Compatible
                } else {
                    Relation::Unrelated
                };
            }
            // A rate ("£50 million a year") and a sum without one ("£100 million") measure
            // different things: they agree when equal (the sum may be the year's), and
            // otherwise nothing says how they relate.
            let per = |f: &Fact| f.object.get("per").filter(|p| !p.is_null()).cloned();
            let other_basis = per(a) != per(b);
            match (number_range(&a.object), number_range(&b.object)) {
                (Some(x), Some(y)) if other_basis && x == y => Relation::Compatible,
                _ if other_basis => Relation::Unrelated,
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
