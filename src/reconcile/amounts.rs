//! Amounts of one subject that look in conflict but that the other facts of their group
//! reconcile: two conversions of one amount, and a total and the parts it is made of.

use super::ranges::number_range;
use super::relate::{Relation, docs_of, relate};
use crate::model::Fact;
use serde_json::Value;

/// How far apart two conversions of one amount into one currency may be: reports convert
/// at the rate of their day, and round ("approximately US$36 million").
const CONVERSION_SPREAD: f64 = 0.05;

/// How far a sum of parts may be from its total, for rounding ("£1.2 billion" of
/// £700 million and £520 million).
const SUM_SLACK: f64 = 0.02;

/// How far apart one amount may be stated, rounded or not ("A$29.9 million, almost
/// $30 million").
const ROUNDING: f64 = 0.01;

/// Words by which a sentence gives parts of the amount it states before them: "£12
/// million, including £8 million for research", "consisting of", "of which".
const PART_CUES: &[&str] = &[
    "including",
    "includes",
    "consisting of",
    "consists of",
    "comprising",
    "comprises",
    "made up of",
    "of which",
    "broken down",
    "split between",
    "split into",
];

/// Parts of a total tried at most: a document lists a handful of components, and the
/// subsets tried grow as two to this power.
const MAX_PARTS: usize = 12;

/// For each funding fact of a group, the facts that are its parts: amounts in its
/// currency and period, smaller than it, stated by a document that states it, that two or
/// more of them sum to it or that its sentence gives after a part cue. Found once per group, so that judging stays quadratic.
pub(super) struct Totals {
    parts: Vec<Vec<usize>>,
}

impl Totals {
    pub(super) fn of(group: &[Fact]) -> Totals {
        let funding = group.first().is_some_and(|f| f.predicate == "funding");
        let parts = if funding {
            group.iter().map(|t| parts_of(group, t)).collect()
        } else {
            Vec::new()
        };
        Totals { parts }
    }

    /// Whether `x` is `t` or one of its parts.
    fn within(&self, x: usize, t: usize) -> bool {
        x == t || self.parts.get(t).is_some_and(|p| p.contains(&x))
    }
}

/// How funding facts `group[i]` and `group[j]`, which [`relate`] finds in conflict, relate
/// given the others of their group: compatible when both convert one amount stated in
/// another currency, unrelated when one is a total whose document gives the other as one
/// of its parts, or both are parts of one total; otherwise still a conflict.
pub(super) fn reconcile_amounts(group: &[Fact], totals: &Totals, i: usize, j: usize) -> Relation {
    let (f, g) = (&group[i], &group[j]);
    if f.predicate != "funding" {
        return Relation::Conflict;
    }
    if rounded(f, g) || conversions_of_one_amount(group, f, g) {
        return Relation::Compatible;
    }
    if (0..group.len()).any(|t| totals.within(i, t) && totals.within(j, t)) {
        return Relation::Unrelated;
    }
    Relation::Conflict
}

/// Whether two amounts in one currency are one amount, one of them rounded.
fn rounded(f: &Fact, g: &Fact) -> bool {
    match (amount(f), amount(g)) {
        (Some(x), Some(y)) => currency(f) == currency(g) && (x - y).abs() <= ROUNDING * x.max(y),
        _ => false,
    }
}

fn amount(f: &Fact) -> Option<f64> {
    number_range(&f.object)
        .filter(|(lo, hi)| lo == hi && *lo > 0.0)
        .map(|(x, _)| x)
}

fn currency(f: &Fact) -> Option<&str> {
    f.object.get("currency").and_then(Value::as_str)
}

/// Whether `f` and `g` are close amounts that documents each give as the conversion of one
/// same fact in another currency.
fn conversions_of_one_amount(group: &[Fact], f: &Fact, g: &Fact) -> bool {
    let (Some(x), Some(y)) = (amount(f), amount(g)) else {
        return false;
    };
    if (x - y).abs() > CONVERSION_SPREAD * x.max(y) {
        return false;
    }
    group.iter().any(|h| {
        currency(h).is_some()
            && currency(h) != currency(f)
            && relate(f, h) == Relation::Compatible
            && relate(g, h) == Relation::Compatible
    })
}

/// The facts (by position) that are parts of `total`, among the smaller amounts in its
/// currency and period that a document stating it states: given by its sentence after a
/// part cue, or two or more of them summing to it.
fn parts_of(group: &[Fact], total: &Fact) -> Vec<usize> {
    let Some(whole) = amount(total) else {
        return Vec::new();
    };
    let docs = docs_of(total);
    let candidates: Vec<(usize, f64)> = group
        .iter()
        .enumerate()
        .filter(|(_, h)| currency(h) == currency(total))
        .filter(|(_, h)| h.sources.iter().any(|s| docs.contains(s.doc.as_str())))
        .filter(|(_, h)| relate(h, total) != Relation::Unrelated)
        .filter_map(|(k, h)| Some((k, amount(h)?)))
        .filter(|&(_, a)| a < whole)
        .take(MAX_PARTS)
        .collect();
    // A sentence that gives the total with a part cue gives its parts, all of them or not.
    let mut parts: Vec<usize> = candidates
        .iter()
        .filter(|(k, _)| in_a_sentence_of_parts(&group[*k], total))
        .map(|(k, _)| *k)
        .collect();
    for mask in 1u32..1 << candidates.len() {
        if mask.count_ones() < 2 {
            continue;
        }
        let chosen = || {
            candidates
                .iter()
                .enumerate()
                .filter(move |(b, _)| mask & (1 << b) != 0)
                .map(|(_, c)| *c)
        };
        let sum: f64 = chosen().map(|(_, a)| a).sum();
        if (sum - whole).abs() <= SUM_SLACK * whole {
            parts.extend(chosen().map(|(k, _)| k));
        }
    }
    parts.sort_unstable();
    parts.dedup();
    parts
}

/// Whether one source of `part` is a sentence that also states `total` and gives parts
/// with a cue ("including").
fn in_a_sentence_of_parts(part: &Fact, total: &Fact) -> bool {
    part.sources.iter().any(|s| {
        total
            .sources
            .iter()
            .any(|t| t.doc == s.doc && t.start == s.start && t.end == s.end)
            && {
                let q = s.quote.to_lowercase();
                PART_CUES.iter().any(|c| q.contains(c))
            }
    })
}
