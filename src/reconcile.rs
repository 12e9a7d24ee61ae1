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
use crate::works::Works;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

/// Predicates whose values accumulate: several objects are several true facts.
pub const MULTI_VALUED: &[&str] = &[
    "member_of",
    "partnership",
    "housed_under",
    "led_by",
    "event_location",
];

/// Entities and facts from the entity names and claims of all documents (names in
/// document order); `works` says which documents are editions of one work.
pub fn reconcile(
    names: &[&EntityNames],
    claims: Vec<Claim>,
    works: &Works,
) -> (Vec<Entity>, Vec<Fact>) {
    // Entities and the grouping of claims into facts only read the claims: side by side.
    let (entities, groups) = rayon::join(|| entities(names, &claims), || group(&claims));
    let groups = fact_groups(groups);
    (entities, facts_of(claims, groups, works))
}

fn entity_id_of(kind: MentionKind, value: &Value) -> Option<String> {
    let s = value.as_str().filter(|s| !s.trim().is_empty())?;
    Some(match kind {
        MentionKind::Institute => crate::facts::institute_id(s),
        MentionKind::Organization => crate::facts::entity_id("organization", s),
        MentionKind::Person => crate::facts::entity_id("person", s),
        MentionKind::Event => crate::facts::entity_id("event", s),
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

/// Moves the names a document's claims give entities into its [`EntityNames`]: counted
/// once per document instead of carried by every claim (and read back from the cache with
/// every claim). [`reconcile`] counts names wherever they are.
pub fn take_claim_names(names: &mut EntityNames, claims: &mut [Claim]) {
    for c in claims {
        for (id, name) in std::mem::take(&mut c.names) {
            *names.entry(id).or_default().named.entry(name).or_default() += 1;
        }
    }
}

/// What the documents say of the entities, borrowing their strings: a large corpus repeats
/// the same few hundred ids and names in every document, and only the winners are copied.
/// Counts are kept by (id, name), one look-up each.
#[derive(Default)]
struct NameCounts<'a> {
    /// Every entity a mention names, with the last canonical name in document order.
    canonical: HashMap<&'a str, Option<&'a str>>,
    /// How often the mentions spell an entity one way.
    texts: HashMap<(&'a str, &'a str), usize>,
    /// How often the claims name an entity one way.
    named: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> NameCounts<'a> {
    fn add_doc(mut self, doc: &'a EntityNames) -> Self {
        for (id, n) in doc {
            let canonical = self.canonical.entry(id).or_default();
            if n.canonical.is_some() {
                *canonical = n.canonical.as_deref();
            }
            for (t, k) in &n.texts {
                *self.texts.entry((id, t)).or_default() += k;
            }
            for (name, k) in &n.named {
                *self.named.entry((id, name)).or_default() += k;
            }
        }
        self
    }

    fn add_claim(mut self, c: &'a Claim) -> Self {
        for (id, name) in &c.names {
            *self.named.entry((id, name)).or_default() += 1;
        }
        self
    }

    /// Both counts, `later` from documents after these: its canonical names win.
    fn merge(mut self, later: Self) -> Self {
        for (id, c) in later.canonical {
            let canonical = self.canonical.entry(id).or_default();
            if c.is_some() {
                *canonical = c;
            }
        }
        for (key, k) in later.texts {
            *self.texts.entry(key).or_default() += k;
        }
        for (key, k) in later.named {
            *self.named.entry(key).or_default() += k;
        }
        self
    }
}

/// The canonical entities: every institute, organisation, person and event that a mention
/// or a claim names, with the names the documents used for it as aliases.
pub fn entities(names: &[&EntityNames], claims: &[Claim]) -> Vec<Entity> {
    // Rayon folds neighbouring runs of documents and merges them in order, so the last
    // canonical name is the one reading them one by one would keep.
    let (from_docs, from_claims) = rayon::join(
        || {
            names
                .par_iter()
                .fold(NameCounts::default, |acc, doc| acc.add_doc(doc))
                .reduce(NameCounts::default, NameCounts::merge)
        },
        || {
            claims
                .par_iter()
                .fold(NameCounts::default, NameCounts::add_claim)
                .reduce(NameCounts::default, NameCounts::merge)
        },
    );
    let counts = from_docs.merge(from_claims);
    #[derive(Default)]
    struct Names<'a> {
        canonical: Option<&'a str>,
        named: Vec<(&'a str, usize)>,
        texts: Vec<(&'a str, usize)>,
    }
    let mut by_id: BTreeMap<&str, Names> = BTreeMap::new();
    for (id, canonical) in counts.canonical {
        by_id.entry(id).or_default().canonical = canonical;
    }
    for ((id, text), k) in counts.texts {
        by_id.entry(id).or_default().texts.push((text, k));
    }
    for ((id, name), k) in counts.named {
        by_id.entry(id).or_default().named.push((name, k));
    }
    // The most used name wins; ties go to the alphabetically first, for stability (names
    // are distinct, so the order they were counted in does not matter).
    let most = |m: &[(&str, usize)]| {
        m.iter()
            .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(x.0)))
            .map(|(n, _)| n.to_string())
    };
    let mut out = Vec::with_capacity(by_id.len());
    for (id, n) in by_id {
        let Some((kind, key)) = id.split_once(':') else {
            continue;
        };
        let name = if kind == "institute" {
            most(&n.named).or_else(|| most(&n.texts))
        } else {
            n.canonical.map(str::to_string).or_else(|| most(&n.named))
        }
        .unwrap_or_else(|| key.to_string());
        let mut aliases: Vec<String> = n
            .texts
            .into_iter()
            .filter(|(x, _)| *x != name)
            .map(|(x, _)| x.to_string())
            .collect();
        aliases.sort();
        out.push(Entity {
            code: (kind == "institute").then(|| key.to_string()),
            id: id.to_string(),
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

/// The object id of a partnership its fact states the other way round: partnerships are
/// symmetric, and a fact puts institutes first, otherwise the lower id.
fn turned(c: &Claim) -> Option<&str> {
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
enum ObjectKey<'a> {
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
struct OtherValue<'a>(&'a Value);

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
struct ClaimKey<'a> {
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
type FactKey = (String, String, String, String);

/// The claims (by position) of each claim key, in the order they came.
type Groups<'a> = HashMap<ClaimKey<'a>, Vec<usize>>;

/// Claims grouped by their keys. A large corpus states the same few facts many thousand
/// times: the keys borrow from the claims, and only each group's key is written out.
fn group(claims: &[Claim]) -> Groups<'_> {
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
fn fact_groups(groups: Groups) -> Vec<(FactKey, Vec<usize>)> {
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

/// Facts from claims, every document a work of its own: grouped, merged, judged and
/// sorted by (subject, predicate, id).
pub fn facts(claims: Vec<Claim>) -> Vec<Fact> {
    let groups = fact_groups(group(&claims));
    facts_of(claims, groups, &Works::default())
}

/// Facts from the claims and the claims (by position) of each fact, in fact key order.
fn facts_of(
    mut claims: Vec<Claim>,
    groups: Vec<(FactKey, Vec<usize>)>,
    works: &Works,
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
    judge(&mut facts, works);
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
                let docs = docs_of(a);
                return if b.sources.iter().any(|s| docs.contains(s.doc.as_str())) {
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

/// Sets each fact's status. Facts come sorted by subject and predicate, so each run of
/// one subject and predicate is compared within itself.
fn judge(facts: &mut [Fact], works: &Works) {
    for group in facts.chunk_by_mut(|a, b| a.subject == b.subject && a.predicate == b.predicate) {
        judge_group(group, works);
    }
}

/// A fact's verdict: status, the facts it conflicts with, its revisions.
type Verdict = (FactStatus, Option<Vec<String>>, Option<Vec<String>>);

/// Judges facts of one subject and predicate. Sources count by work: `agreed` needs two
/// works. Two incompatible values that only editions of one work state, each in other
/// editions, are a revision of that work (listed latest edition first), not a conflict
/// between sources; a document that states both contradicts itself, which stays a
/// conflict.
fn judge_group(group: &mut [Fact], works: &Works) {
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
                match relate(f, g) {
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
    use crate::model::NamesOf;
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
        let e = entities(&[&names], std::slice::from_ref(&c));
        // Names moved from the claims to the document count the same.
        let (mut moved, mut claims) = (names.clone(), vec![c]);
        take_claim_names(&mut moved, &mut claims);
        assert!(claims[0].names.is_empty());
        assert_eq!(entities(&[&moved], &claims), e);
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
    fn one_amount_written_two_ways_is_one_fact_with_the_object_of_its_first_source() {
        let money = |doc: &str, amount: Value| {
            claim(
                doc,
                "institute:CA",
                "funding",
                json!({"amount": amount, "currency": "CAD", "hedge": "about"}),
            )
        };
        let f = facts(vec![
            money("b", json!(50000000)),
            money("a", json!(5e7)),
            money("c", json!(50000000)),
        ]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].sources.len(), 3);
        assert_eq!(f[0].object["amount"], json!(5e7), "document a's object");
        assert_eq!(f[0].status, FactStatus::Agreed);
    }

    #[test]
    fn claims_of_one_source_give_the_qualifiers_in_the_order_they_came() {
        let with = |doc: &str, as_of: &str| {
            let mut c = claim(doc, "institute:JP", "established", json!("2024"));
            c.qualifiers.insert("as_of".into(), json!(as_of));
            c
        };
        let f = facts(vec![
            with("b", "first"),
            with("a", "second"),
            with("a", "third"),
        ]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].qualifiers["as_of"], json!("second"));
        assert_eq!(
            f[0].sources.len(),
            2,
            "one source stated twice is listed once"
        );
    }

    #[test]
    fn the_last_canonical_name_in_document_order_wins_however_many_documents() {
        // Enough documents that they are counted in parallel runs and merged.
        let doc = |canonical: &str| {
            let mut names = EntityNames::new();
            names.insert(
                "organization:openai".into(),
                NamesOf {
                    canonical: Some(canonical.into()),
                    texts: BTreeMap::from([("OpenAI".to_string(), 1)]),
                    named: BTreeMap::new(),
                },
            );
            names
        };
        let mut docs: Vec<EntityNames> = (0..20_000).map(|i| doc(&format!("Name {i}"))).collect();
        docs.push(EntityNames::new());
        let refs: Vec<&EntityNames> = docs.iter().collect();
        let e = entities(&refs, &[]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].name, "Name 19999");
        assert_eq!(e[0].aliases, vec!["OpenAI"]);
    }

    /// Documents grouped into works: (doc, work, published).
    fn works(docs: &[(&str, &str, &str)]) -> Works {
        Works::new(docs.iter().map(|(d, w, _)| {
            (
                d.to_string(),
                crate::works::DocWork {
                    work: w.to_string(),
                    first: String::new(),
                    similarity: 1.0,
                },
            )
        }))
        .with_dates(docs.iter().map(|(d, _, p)| (*d, *p)))
    }

    fn judged(claims: Vec<Claim>, works: &Works) -> Vec<Fact> {
        let groups = fact_groups(group(&claims));
        facts_of(claims, groups, works)
    }

    #[test]
    fn copies_of_one_work_do_not_make_a_fact_agreed() {
        let w = works(&[
            ("a.pdf", "w1", "2024-01-01"),
            ("a.html", "w1", "2024-01-01"),
            ("b.txt", "w2", "2024-02-01"),
        ]);
        let one = judged(
            vec![
                claim(
                    "a.pdf",
                    "institute:US",
                    "member_of",
                    json!("institute:NETWORK"),
                ),
                claim(
                    "a.html",
                    "institute:US",
                    "member_of",
                    json!("institute:NETWORK"),
                ),
            ],
            &w,
        );
        assert_eq!(one[0].status, FactStatus::Single);
        let two = judged(
            vec![
                claim(
                    "a.pdf",
                    "institute:US",
                    "member_of",
                    json!("institute:NETWORK"),
                ),
                claim(
                    "b.txt",
                    "institute:US",
                    "member_of",
                    json!("institute:NETWORK"),
                ),
            ],
            &w,
        );
        assert_eq!(two[0].status, FactStatus::Agreed);
    }

    #[test]
    fn editions_of_one_work_that_disagree_are_a_revision_latest_first() {
        let w = works(&[
            ("v1.pdf", "w1", "2024-01-10"),
            ("v2.pdf", "w1", "2024-03-05"),
            ("other.txt", "w2", "2024-04-01"),
        ]);
        let f = judged(
            vec![
                claim("v1.pdf", "institute:JP", "established", json!("2024-02-14")),
                claim("v2.pdf", "institute:JP", "established", json!("2024-02-15")),
            ],
            &w,
        );
        let old = status_of(&f, "2024-02-14");
        let new = status_of(&f, "2024-02-15");
        assert_eq!(old.status, FactStatus::Single);
        assert_eq!(new.status, FactStatus::Single);
        assert_eq!(old.conflicts_with, None);
        let order = Some(vec![new.id.clone(), old.id.clone()]);
        assert_eq!(old.revisions, order);
        assert_eq!(new.revisions, order);
        // Another work stating the old value: a conflict between sources again.
        let g = judged(
            vec![
                claim("v1.pdf", "institute:JP", "established", json!("2024-02-14")),
                claim("v2.pdf", "institute:JP", "established", json!("2024-02-15")),
                claim(
                    "other.txt",
                    "institute:JP",
                    "established",
                    json!("2024-02-14"),
                ),
            ],
            &w,
        );
        assert!(g.iter().all(|x| x.status == FactStatus::Conflict), "{g:?}");
        // One edition stating both values contradicts itself.
        let h = judged(
            vec![
                claim("v1.pdf", "institute:JP", "established", json!("2024-02-14")),
                claim("v1.pdf", "institute:JP", "established", json!("2024-02-15")),
            ],
            &w,
        );
        assert!(
            h.iter()
                .all(|x| x.status == FactStatus::Conflict && x.revisions.is_none()),
            "{h:?}"
        );
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
