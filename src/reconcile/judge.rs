//! Each fact's status from the facts of its subject and predicate, counting sources by work.

use super::Places;
use super::amounts::{Totals, reconcile_amounts};
use super::relate::{Relation, docs_of, relate};
use crate::model::{Fact, FactStatus};
use crate::works::Works;

/// Sets each fact's status. Facts come sorted by subject and predicate, so each run of
/// one subject and predicate is compared within itself.
pub(super) fn judge(facts: &mut [Fact], works: &Works, places: &Places) {
    for group in facts.chunk_by_mut(|a, b| a.subject == b.subject && a.predicate == b.predicate) {
        judge_group(group, works, places);
    }
}

/// A fact's verdict: status, the facts it conflicts with, its revisions.
type Verdict = (FactStatus, Option<Vec<String>>, Option<Vec<String>>);

/// Judges facts of one subject and predicate. Sources count by work: `agreed` needs two
/// works. Two incompatible values that only editions of one work state, each in other
/// editions, are a revision of that work (listed latest edition first), not a conflict
/// between sources; a document that states both contradicts itself, which stays a
/// conflict.
fn judge_group(group: &mut [Fact], works: &Works, places: &Places) {
    let totals = Totals::of(group);
    let one_work: Vec<Option<&str>> = group.iter().map(|f| single_work(f, works)).collect();
    let verdicts: Vec<Verdict> = group
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut conflicts = Vec::new();
            let mut revised = vec![i];
            let mut seen = TwoWorks::new(works);
            seen.add(f);
            for (j, g) in group.iter().enumerate() {
                if j == i {
                    continue;
                }
                let relation = match relate(f, g) {
                    Relation::Conflict => reconcile_amounts(group, &totals, i, j),
                    Relation::Unrelated if same_place(f, g, places) => Relation::Compatible,
                    r => r,
                };
                match relation {
                    Relation::Conflict
                        if one_work[i].is_some()
                            && one_work[i] == one_work[j]
                            && !shares_a_document(f, g) =>
                    {
                        revised.push(j)
                    }
                    Relation::Conflict => conflicts.push(g.id.clone()),
                    Relation::Compatible => seen.add(g),
                    Relation::Unrelated => {}
                }
            }
            let revisions = (revised.len() > 1).then(|| {
                let latest = |k: usize| {
                    group[k]
                        .sources
                        .iter()
                        .filter_map(|s| works.published_of(&s.doc))
                        .max()
                };
                revised.sort_by(|&a, &b| {
                    latest(b)
                        .cmp(&latest(a))
                        .then(group[a].id.cmp(&group[b].id))
                });
                revised.iter().map(|&k| group[k].id.clone()).collect()
            });
            if !conflicts.is_empty() {
                conflicts.sort();
                (FactStatus::Conflict, Some(conflicts), revisions)
            } else if seen.two {
                (FactStatus::Agreed, None, revisions)
            } else {
                (FactStatus::Single, None, revisions)
            }
        })
        .collect();
    for (f, (s, c, r)) in group.iter_mut().zip(verdicts) {
        f.status = s;
        f.conflicts_with = c;
        f.revisions = r;
    }
}

/// Whether two event locations are one place at two precisions (a venue and its city).
fn same_place(f: &Fact, g: &Fact, places: &Places) -> bool {
    f.predicate == "event_location"
        && match (f.object.as_str(), g.object.as_str()) {
            (Some(a), Some(b)) => places.nested(a, b),
            _ => false,
        }
}

/// Whether one document states both facts.
fn shares_a_document(f: &Fact, g: &Fact) -> bool {
    let docs = docs_of(f);
    g.sources.iter().any(|s| docs.contains(s.doc.as_str()))
}

/// The work of all of a fact's sources, when they are of one.
fn single_work<'a>(f: &'a Fact, works: &'a Works) -> Option<&'a str> {
    let first = works.work_of(&f.sources.first()?.doc);
    f.sources
        .iter()
        .all(|s| works.work_of(&s.doc) == first)
        .then_some(first)
}

/// Whether some facts' sources come from two works or more: all `agreed` needs to know,
/// without collecting the many documents of a fact of a large corpus.
struct TwoWorks<'a> {
    works: &'a Works,
    first: Option<&'a str>,
    two: bool,
}

impl<'a> TwoWorks<'a> {
    fn new(works: &'a Works) -> Self {
        TwoWorks {
            works,
            first: None,
            two: false,
        }
    }

    fn add(&mut self, f: &'a Fact) {
        for s in &f.sources {
            if self.two {
                return;
            }
            let w = self.works.work_of(&s.doc);
            match self.first {
                None => self.first = Some(w),
                Some(x) => self.two = x != w,
            }
        }
    }
}
