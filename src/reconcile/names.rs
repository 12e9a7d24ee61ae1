//! The canonical entities and the names documents give them.

use crate::model::{Claim, Entity, EntityNames, Mention, MentionKind};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

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
