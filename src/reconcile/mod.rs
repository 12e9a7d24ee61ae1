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

mod amounts;
mod judge;
mod keys;
mod merge;
mod names;
mod places;
mod ranges;
mod relate;
mod renames;

use crate::model::{Claim, Entity, EntityNames, Fact};
use crate::works::Works;
use keys::{fact_groups, group};
use merge::facts_of;

pub use merge::facts;
pub use names::{entities, entity_names, take_claim_names};
pub use places::Places;
pub use ranges::date_range;
pub use relate::{Relation, relate};

/// Predicates whose values accumulate: several objects are several true facts.
pub const MULTI_VALUED: &[&str] = &[
    "member_of",
    "partnership",
    "housed_under",
    "led_by",
    "event_location",
];

/// Entities and facts from the entity names and claims of all documents (names in
/// document order); `works` says which documents are editions of one work, `places` which
/// places are inside others.
pub fn reconcile(
    names: &[&EntityNames],
    mut claims: Vec<Claim>,
    works: &Works,
    places: &Places,
) -> (Vec<Entity>, Vec<Fact>) {
    let renamed = renames::renamed_ids(&claims);
    renames::apply_to_claims(&mut claims, &renamed);
    // Entities and the grouping of claims into facts only read the claims: side by side.
    let (entities, groups) = rayon::join(|| entities(names, &claims), || group(&claims));
    let groups = fact_groups(groups);
    let entities = renames::fold_entities(entities, &renamed);
    (entities, facts_of(claims, groups, works, places))
}

#[cfg(test)]
mod tests;
