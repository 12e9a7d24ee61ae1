//! Entities: institutes, organisations, countries, events, locations and people, found
//! through gazetteers (alias lists matched in one pass of a trie) and context rules,
//! all read from `rules/entities/*.toml` (format: `docs/rules-entities.md`).
//!
//! One document in, its entity mentions out; nothing here looks at other documents or
//! changes the text. Steps, in order: one trie pass over the normalised text
//! ([`gazetteer`]); names, countries and qualified institute names ([`context`]); acronym
//! definitions written in the document ([`acronyms`]) and their later uses; ambiguous
//! aliases; lists of Network members; the document's main institute; people ([`people`]).

mod acronyms;
mod context;
mod gazetteer;
mod names;
mod people;
mod trie;
mod word_starts;

use super::DocContext;
use crate::model::{DocText, Mention, MentionKind};
use anyhow::Result;
use gazetteer::{Gazetteer, NormText, Raw, Role};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use word_starts::WordStarts;

/// The compiled entity rules.
#[derive(Default)]
pub struct EntityRules {
    g: Gazetteer,
}

impl EntityRules {
    /// Loads and compiles every file under `dir` (normally `rules/entities`). A missing
    /// folder gives empty rules; a bad file is an error naming the file, line and entry.
    pub fn load(dir: &Path) -> Result<EntityRules> {
        EntityRules::from_files(&crate::rules::folder_files(dir)?)
    }

    /// The places the location gazetteer says are inside others (a venue and its city).
    pub fn places(&self) -> crate::reconcile::Places {
        crate::reconcile::Places::new(self.g.within.clone())
    }

    /// Compiles the rules of these files (see [`EntityRules::load`]).
    pub fn from_files(files: &[crate::rules::RuleFile]) -> Result<EntityRules> {
        Ok(EntityRules {
            g: Gazetteer::from_files(files)?,
        })
    }
}

/// A mention before it is turned into the contract's record (normalised offsets).
#[derive(Debug, Clone)]
struct Found<'a> {
    start: usize,
    end: usize,
    kind: MentionKind,
    value: Cow<'a, str>,
    rule: Cow<'a, str>,
    /// The automaton match it came from, for acronym overrides.
    raw: Option<usize>,
    /// Came from a weak alias: kept only if the entry is also named otherwise.
    weak: bool,
}

const RULE_QUALIFIED: &str = "entities/institutes:qualified";
const RULE_MEMBERS: &str = "entities/institutes:member-list";
const RULE_FOCUS: &str = "entities/institutes:main-institute";
const RULE_DEFINITION: &str = "entities/acronyms:definition";
const RULE_LEARNED: &str = "entities/acronyms:defined-in-document";
const RULE_AMBIGUOUS: &str = "entities/institutes:ambiguous-resolved";
const RULE_FOUNDED: &str = "entities/institutes:founded-by";
const RULE_PEER: &str = "entities/institutes:counterpart";

/// Every context rule id an entity mention can carry besides `entities/<file>`, for
/// `aisi rules stats` to list the ones that never fired.
pub fn context_rules() -> Vec<(&'static str, MentionKind)> {
    let mut v = vec![
        (RULE_QUALIFIED, MentionKind::Institute),
        (RULE_MEMBERS, MentionKind::Institute),
        (RULE_FOCUS, MentionKind::Institute),
        (RULE_AMBIGUOUS, MentionKind::Institute),
        (RULE_FOUNDED, MentionKind::Institute),
        (RULE_DEFINITION, MentionKind::Organization),
        (RULE_LEARNED, MentionKind::Organization),
        (people::RULE_PERSON, MentionKind::Person),
    ];
    v.extend(names::RULES.iter().map(|r| (*r, MentionKind::Organization)));
    v
}

/// How far (bytes) around an ambiguous alias cue words are looked for.
const CUE_WINDOW: usize = 400;
/// How far before / after a country list a Network cue makes it a member list.
const LIST_CUE_BEFORE: usize = 320;
const LIST_CUE_AFTER: usize = 160;

/// Every entity mention of one document (doc, page and id are left to `find::finish`).
pub fn find(rules: &EntityRules, ctx: &DocContext) -> Vec<Mention> {
    let orig = ctx.text.text.as_str();
    let norm = NormText::new(orig);
    let found = find_norm(&rules.g, &norm.s, &norm.breaks, &norm.tabs, &norm.lines);
    // Sized up front: a mention is a few hundred bytes, and each doubling copies them all.
    let mut out = Vec::with_capacity(found.len());
    out.extend(found.into_iter().filter_map(|f| {
        let start = norm.orig_start(orig, f.start);
        let end = norm.orig_end(orig, f.end);
        let text = orig.get(start..end)?;
        if f.kind == MentionKind::Organization
            && rules.g.acts_as_institute(&f.value)
            && !context::names_a_parent(&orig[..start])
        {
            return None;
        }
        Some(Mention {
            id: String::new(),
            doc: String::new(),
            kind: f.kind,
            text: text.to_string(),
            start,
            end,
            page: 0,
            rule: f.rule.into_owned(),
            value: Value::String(f.value.into_owned()),
            extra: BTreeMap::new(),
        })
    }));
    out
}

fn find_norm<'a>(
    g: &'a Gazetteer,
    s: &'a str,
    breaks: &[usize],
    tabs: &[usize],
    lines: &[usize],
) -> Vec<Found<'a>> {
    let mut raws: Vec<Raw> = Vec::new();
    let words = WordStarts::new(s);
    g.scan(s, &words, tabs, 0, s.len(), &mut raws);
    nested_in_events(g, s, &words, tabs, &mut raws);
    for r in &mut raws {
        r.break_after = breaks.binary_search(&r.end).is_ok();
    }

    let mut out: Vec<Found> = Vec::new();
    let mut consumed = vec![false; raws.len()];
    let mut ambiguous: Vec<(usize, MentionKind)> = Vec::new();
    let mut unresolved: Vec<usize> = Vec::new();
    // One buffer for every match's names rather than a Vec allocated per match.
    let mut kinds = Vec::new();
    for i in 0..raws.len() {
        crate::budget::check();
        let r = raws[i];
        if context::has_role(g, &r, Role::Head) {
            if !qualify_head(g, s, &raws, i, true, &mut consumed, &mut out)
                && !founded_by(g, s, &raws, i, &mut out)
            {
                unresolved.push(i);
            }
            continue;
        }
        if context::has_role(g, &r, Role::QualifiedHead) {
            if !qualify_head(g, s, &raws, i, false, &mut consumed, &mut out) {
                founded_by(g, s, &raws, i, &mut out);
            }
            continue;
        }
        if context::has_role(g, &r, Role::Peer) {
            qualify_peer(g, s, &raws, i, &mut consumed, &mut out);
            continue;
        }
        if context::has_role(g, &r, Role::Anaphor) {
            unresolved.push(i);
            continue;
        }
        if context::has_role(g, &r, Role::Descriptor) {
            described(g, s, &raws, i, &mut out);
        }
        names_of(g, s, &raws, i, &mut kinds, &mut out, &mut ambiguous);
        if r.plural {
            plural_list(g, s, &raws, i, &mut consumed, &mut out);
        }
    }
    // Countries that qualified an institute are part of its name, not country mentions.
    out.retain(|f| !(f.kind == MentionKind::Country && f.raw.is_some_and(|i| consumed[i])));

    crate::budget::check();
    names::find(g, s, breaks, lines, &words, &raws, &mut out);
    let learned = learn_acronyms(g, s, &raws, &mut out);
    apply_learned(g, s, &raws, &learned, &mut out, &mut unresolved);
    resolve_ambiguous(g, s, &raws, &ambiguous, &learned, &mut out);
    drop_lone_weak(g, s, &mut out);
    crate::budget::check();
    short_names(g, &mut out);
    member_lists(g, s, &raws, &mut out);
    main_institute(g, s, &raws, &unresolved, &mut out);
    people::find(g, s, &raws, &mut out);
    out
}

/// A weak alias ("IPA") counts only where the document also names its entry otherwise,
/// where it stands in a list with a body named by a strong alias or name ("MIC and METI",
/// "IPA, NICT and AIST"): what a list of bodies names is a body; or, for a body that houses
/// an institute, where the document names that institute or its country ("Japan's AI
/// Safety Institute sits within IPA").
fn drop_lone_weak(g: &Gazetteer, s: &str, out: &mut Vec<Found>) {
    if !out.iter().any(|f| f.weak) {
        return;
    }
    // Borrowed values: a String per mention here cost more than the test itself.
    let strong: std::collections::HashSet<(MentionKind, &str)> = out
        .iter()
        .filter(|f| !f.weak)
        .map(|f| (f.kind, &*f.value))
        .collect();
    let hosted = |f: &Found| {
        g.houses.get(&*f.value).is_some_and(|code| {
            out.iter().any(|o| {
                matches!(o.kind, MentionKind::Institute | MentionKind::Country)
                    && !o.weak
                    && *o.value == **code
            })
        })
    };
    let keep: Vec<bool> = out
        .iter()
        .map(|f| {
            !f.weak
                || strong.contains(&(f.kind, &*f.value))
                || listed_with_body(s, out, f)
                || (f.kind == MentionKind::Organization && hosted(f))
        })
        .collect();
    drop(strong);
    let mut k = 0;
    out.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}

/// Whether `f` is joined by "and", "or", "&", "/" or a comma to an organisation or
/// institute named by a strong alias or name.
fn listed_with_body(s: &str, out: &[Found], f: &Found) -> bool {
    let joined = |a: usize, b: usize| {
        s.get(a..b)
            .is_some_and(|t| matches!(t, " and " | " or " | " & " | ", " | ", and " | "/" | " / "))
    };
    out.iter().any(|g| {
        !g.weak
            && matches!(g.kind, MentionKind::Organization | MentionKind::Institute)
            && (joined(f.end, g.start) || joined(g.end, f.start))
    })
}

/// "IBM" in a document that names "IBM Japan" stands for IBM Japan: entries list the short
/// names of their parent that they take over (`short`).
fn short_names(g: &Gazetteer, out: &mut [Found]) {
    let named: Vec<&gazetteer::Entry> = g
        .entries
        .iter()
        .filter(|e| !e.short.is_empty())
        .filter(|e| {
            out.iter()
                .any(|f| f.kind == MentionKind::Organization && *f.value == *e.value)
        })
        .collect();
    for e in named {
        for f in out.iter_mut() {
            if f.kind == MentionKind::Organization && e.short.iter().any(|x| *x == *f.value) {
                f.value = Cow::Owned(e.value.clone());
            }
        }
    }
}

/// Event names hold other names ("First meeting of the International Network of AI
/// Safety Institutes", "AI Seoul Summit"): those are scanned for inside each event.
fn nested_in_events(
    g: &Gazetteer,
    s: &str,
    words: &WordStarts,
    tabs: &[usize],
    raws: &mut Vec<Raw>,
) {
    let is_event = |r: &Raw| {
        g.targets_of(r).any(|t| {
            t.role == Role::Name
                && g.entries
                    .get(t.entry as usize)
                    .is_some_and(|e| e.kind == MentionKind::Event)
        })
    };
    let mut nested = Vec::new();
    for r in raws.iter().filter(|r| is_event(r)) {
        // Two scans that cannot match the event itself: without its last character and
        // without its first, so names at either edge are found too.
        let last = s[..r.end].chars().next_back().map_or(1, char::len_utf8);
        let first = s[r.start..].chars().next().map_or(1, char::len_utf8);
        g.scan(s, words, tabs, r.start, r.end - last, &mut nested);
        g.scan(s, words, tabs, r.start + first, r.end, &mut nested);
    }
    // A shorter alias of an event inside an event is the same event.
    nested.retain(|r| !is_event(r));
    if !nested.is_empty() {
        raws.extend(nested);
        raws.sort_by_key(|r| (r.start, r.end, r.pid));
        raws.dedup_by_key(|r| (r.start, r.end, r.pid));
    }
}

/// Mentions for the names a raw match stands for; same-kind alternatives are ambiguous.
fn names_of<'a>(
    g: &'a Gazetteer,
    s: &str,
    raws: &[Raw],
    i: usize,
    kinds: &mut Vec<(MentionKind, &'a str, &'a str, bool)>,
    out: &mut Vec<Found<'a>>,
    ambiguous: &mut Vec<(usize, MentionKind)>,
) {
    let r = &raws[i];
    if is_standard_number(s, r) {
        return;
    }
    kinds.clear();
    for t in g.targets_of(r) {
        if t.role != Role::Name {
            continue;
        }
        let Some(e) = g.entries.get(t.entry as usize) else {
            continue;
        };
        if e.silent {
            continue;
        }
        kinds.push((e.kind, &e.value, &e.rule, t.weak));
        if let Some(code) = &e.institute {
            kinds.push((MentionKind::Institute, code, &e.rule, t.weak));
        }
    }
    kinds.sort();
    kinds.dedup_by(|a, b| (a.0, a.1) == (b.0, b.1));
    // An institute's name with a country right before it ("Canada CAISI", "the
    // Australian Government's AI Office") is that country's: the names it could stand
    // for are cut down to that country's, and to none when that country is not among
    // them.
    if kinds.iter().any(|x| x.0 == MentionKind::Institute)
        && let Some(code) = qualifier_country(g, s, raws, i)
    {
        kinds.retain(|x| x.0 != MentionKind::Institute || x.1 == code);
    }
    let mut k = 0;
    while k < kinds.len() {
        let kind = kinds[k].0;
        let n = kinds[k..].iter().take_while(|x| x.0 == kind).count();
        // "AI Safety Summits" is a series, not one event.
        if n == 1 && !(kind == MentionKind::Event && r.plural) {
            out.push(Found {
                start: r.start,
                end: r.end,
                kind,
                value: Cow::Borrowed(kinds[k].1),
                rule: Cow::Borrowed(kinds[k].2),
                raw: Some(i),
                weak: kinds[k].3,
            });
        } else if n > 1 {
            ambiguous.push((i, kind));
        }
        k += n;
    }
}

/// The one country written right before match `i` as its qualifier ("Japan's", "the
/// Canadian"), if there is exactly one.
fn qualifier_country<'a>(g: &'a Gazetteer, s: &str, raws: &[Raw], i: usize) -> Option<&'a str> {
    match countries_before(g, s, raws, i)[..] {
        [(_, code)] => Some(code),
        _ => None,
    }
}

/// An acronym that is part of a standard's number ("ISO/IEC 42001", "IEEE 7000") names a
/// document, not the body.
fn is_standard_number(s: &str, r: &Raw) -> bool {
    let text = &s[r.start..r.end];
    // A number in the next table cell ("UK AISI<TAB>165") is no part of a name.
    if r.break_after || text.chars().any(char::is_lowercase) {
        return false;
    }
    let after = &s[r.end..];
    let before = &s[..r.start];
    let numbered = |x: &str| {
        x.strip_prefix(' ')
            .or_else(|| x.strip_prefix(':'))
            .is_some_and(|y| y.starts_with(|c: char| c.is_ascii_digit()))
    };
    if before.ends_with('/') {
        // "IEC" in "ISO/IEC 42001": the number follows this part.
        return numbered(after);
    }
    numbered(after)
        || after
            .strip_prefix('/')
            .and_then(|x| x.split_once(' '))
            .is_some_and(|(_, rest)| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// A generic institute name with its countries: before it ("Japan's AI Safety
/// Institute", "the UK and U.S. AISIs") or after it ("AISIs of Japan and Singapore").
fn qualify_head<'a>(
    g: &'a Gazetteer,
    s: &str,
    raws: &[Raw],
    i: usize,
    after: bool,
    consumed: &mut [bool],
    out: &mut Vec<Found<'a>>,
) -> bool {
    let head = raws[i];
    let mut chain = countries_before(g, s, raws, i);
    if !chain.is_empty() {
        name_countries_before(raws, i, &chain, RULE_QUALIFIED, consumed, out);
        return true;
    }
    // "AI Safety Institute of Japan", "AISIs of Japan and Singapore", "AISIs in the UK"
    if !after {
        return false;
    }
    let mut left = head.end;
    for (k, r) in raws.iter().enumerate().skip(i + 1) {
        if r.start < left {
            continue;
        }
        let gap = &s[left..r.start];
        let ok = if chain.is_empty() {
            matches!(
                gap,
                " of " | " of the " | " in " | " in the " | " from " | " from the "
            )
        } else {
            context::is_list_gap(gap)
        };
        match context::country_code(g, r) {
            Some(code) if ok => {
                chain.push((k, code));
                left = r.end;
            }
            _ => break,
        }
    }
    for (n, &(k, code)) in chain.iter().enumerate() {
        consumed[k] = true;
        let start = if n == 0 { head.start } else { raws[k].start };
        out.push(found_institute(start, raws[k].end, code, RULE_QUALIFIED));
    }
    !chain.is_empty()
}

/// The countries written right before match `i` ("Japan's", "the UK and US"), nearest
/// first, with the index of each one's match.
fn countries_before<'a>(
    g: &'a Gazetteer,
    s: &str,
    raws: &[Raw],
    i: usize,
) -> Vec<(usize, &'a str)> {
    let mut chain: Vec<(usize, &'a str)> = Vec::new();
    let mut right = raws[i].start;
    for j in (0..i).rev() {
        let r = &raws[j];
        if r.end > right {
            break;
        }
        let gap = &s[r.end..right];
        let ok = if chain.is_empty() {
            context::is_qualifier_gap(gap)
        } else {
            context::is_list_gap(gap)
        };
        // A country in another table cell ("United Kingdom<TAB>AI Safety Institute")
        // qualifies nothing in this one.
        match context::country_code(g, r) {
            Some(code) if ok && !r.break_after => {
                chain.push((j, code));
                right = r.start;
            }
            _ => break,
        }
    }
    chain
}

/// "its American counterpart", "their British and Japanese counterparts": in reports on
/// institutes, an institute's peer is the institute of the country named. Only after an
/// owner that is a body ("its", "their"), not a person ("his American counterpart" is a
/// minister), and only for countries that have an institute.
fn qualify_peer<'a>(
    g: &'a Gazetteer,
    s: &str,
    raws: &[Raw],
    i: usize,
    consumed: &mut [bool],
    out: &mut Vec<Found<'a>>,
) {
    let chain = countries_before(g, s, raws, i);
    let Some(&(first, _)) = chain.last() else {
        return;
    };
    let before = s[..raws[first].start].trim_end();
    let owner = before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("")
        .to_lowercase();
    if !g.peer_owners.contains(&owner) || !chain.iter().all(|(_, code)| g.has_institute(code)) {
        return;
    }
    name_countries_before(raws, i, &chain, RULE_PEER, consumed, out);
}

/// "South Korea's science ministry", "the Japanese industry ministry": a body named by
/// its field is the one of the country written right before it (`descriptors` in the
/// gazetteer). The mention spans the descriptor; the country stays a mention of its own.
/// One country only: "Japan's and Korea's science ministries" are two bodies.
fn described<'a>(g: &'a Gazetteer, s: &str, raws: &[Raw], i: usize, out: &mut Vec<Found<'a>>) {
    let r = raws[i];
    if r.plural {
        return;
    }
    let Some(code) = qualifier_country(g, s, raws, i) else {
        return;
    };
    let entry = g
        .targets_of(&r)
        .filter(|t| t.role == Role::Descriptor)
        .filter_map(|t| g.entries.get(t.entry as usize))
        .find(|e| e.country.as_deref() == Some(code));
    if let Some(e) = entry {
        out.push(Found {
            start: r.start,
            end: r.end,
            kind: MentionKind::Organization,
            value: Cow::Borrowed(&e.value),
            rule: Cow::Borrowed(&e.rule),
            raw: Some(i),
            weak: false,
        });
    }
}

/// The institutes of the countries before match `i` (as [`countries_before`] gives them):
/// the nearest spans to the end of the head ("Japanese institute"), the others are their
/// country's word alone ("the UK and [US institutes]"); each country is used up.
fn name_countries_before<'a>(
    raws: &[Raw],
    i: usize,
    chain: &[(usize, &'a str)],
    rule: &'a str,
    consumed: &mut [bool],
    out: &mut Vec<Found<'a>>,
) {
    for (n, &(j, code)) in chain.iter().enumerate() {
        consumed[j] = true;
        let end = if n == 0 { raws[i].end } else { raws[j].end };
        out.push(found_institute(raws[j].start, end, code, rule));
    }
}

/// "India announced an AI Safety Institute", "South Korea on Wednesday launched a
/// state-run institute", "the AI Safety Institute that Japan launched": the
/// country that founds an institute in the same sentence is its country.
fn founded_by<'a>(
    g: &'a Gazetteer,
    s: &str,
    raws: &[Raw],
    i: usize,
    out: &mut Vec<Found<'a>>,
) -> bool {
    const REACH: usize = 120;
    let head = raws[i];
    // The words between a country and the head, compared with the verbs (one or two
    // words each: "launched", "set up").
    let founding_in = |from: usize, to: usize| {
        let (from, to) = (
            crate::utf8::floor_char(s, from),
            crate::utf8::floor_char(s, to),
        );
        let words: Vec<&str> = s[from..to]
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        g.founding.iter().any(|v| {
            let mut vw = v.split(' ');
            let (a, b) = (vw.next().unwrap_or(""), vw.next());
            words.iter().enumerate().any(|(k, w)| {
                *w == a && b.is_none_or(|b| words.get(k + 1).is_some_and(|n| *n == b))
            })
        })
    };
    // Before: the nearest country, then a founding verb, then the head, in one sentence.
    let lo = head.start.saturating_sub(REACH);
    let before = raws[..i]
        .iter()
        .rev()
        .take_while(|r| r.start >= lo)
        .find(|r| context::country_code(g, r).is_some());
    if let Some(r) = before
        && let Some(code) = context::country_code(g, r)
        && g.has_institute(code)
        && context::same_sentence(s, r.start, head.end)
        && founding_in(r.end, head.start)
        && !raws[..i]
            .iter()
            .rev()
            .take_while(|x| x.start >= r.end)
            .any(|x| context::country_code(g, x).is_some())
    {
        out.push(found_institute(head.start, head.end, code, RULE_FOUNDED));
        return true;
    }
    // "Singapore is investing S$10 million a year in its AI Safety Institute": the head
    // owned by "its", where the body named last before it in the sentence is a country.
    let lead = s[..head.start].trim_end();
    let lead = ["new", "national", "own", "planned", "first"]
        .iter()
        .find_map(|w| lead.strip_suffix(w).map(str::trim_end))
        .unwrap_or(lead);
    if lead
        .strip_suffix("its")
        .is_some_and(|r| r.is_empty() || r.ends_with(|c: char| !c.is_alphanumeric()))
        && let Some(r) = raws[..i].iter().rev().find(|r| r.end <= head.start)
        && r.start >= lo
        && let Some(code) = context::country_code(g, r)
        && g.has_institute(code)
        && context::same_sentence(s, r.start, head.end)
    {
        out.push(found_institute(head.start, head.end, code, RULE_FOUNDED));
        return true;
    }
    // After: "... Institute that the United States announced".
    let rest = &s[head.end..];
    let rest = rest
        .strip_prefix(" that ")
        .or_else(|| rest.strip_prefix(", which "));
    if let Some(rest) = rest {
        let at = s.len() - rest.len();
        let at = at + if rest.starts_with("the ") { 4 } else { 0 };
        if let Some(r) = raws[i + 1..]
            .iter()
            .find(|r| r.start >= at)
            .filter(|r| r.start == at)
            && let Some(code) = context::country_code(g, r)
            && g.has_institute(code)
            && founding_in(r.end, (r.end + 40).min(s.len()))
        {
            out.push(found_institute(head.start, head.end, code, RULE_FOUNDED));
            return true;
        }
    }
    false
}

/// A named institute in the plural ("the UK and U.S. AISIs") takes the countries listed
/// before it.
fn plural_list<'a>(
    g: &'a Gazetteer,
    s: &str,
    raws: &[Raw],
    i: usize,
    consumed: &mut [bool],
    out: &mut Vec<Found<'a>>,
) {
    let named = g.targets_of(&raws[i]).any(|t| {
        t.role == Role::Name
            && g.entries
                .get(t.entry as usize)
                .is_some_and(|e| e.kind == MentionKind::Institute)
    });
    if !named {
        return;
    }
    let mut right = raws[i].start;
    for j in (0..i).rev() {
        let r = &raws[j];
        if r.end > right
            || !context::is_list_gap(&s[r.end..right])
            || s[r.end..right].trim().is_empty()
        {
            break;
        }
        let Some(code) = context::country_code(g, r) else {
            break;
        };
        consumed[j] = true;
        out.push(found_institute(r.start, r.end, code, RULE_QUALIFIED));
        right = r.start;
    }
}

fn found_institute<'a>(start: usize, end: usize, code: &'a str, rule: &'a str) -> Found<'a> {
    Found {
        start,
        end,
        kind: MentionKind::Institute,
        value: Cow::Borrowed(code),
        rule: Cow::Borrowed(rule),
        raw: None,
        weak: false,
    }
}

/// Acronyms the document defines, mapped to what their full names stand for. A full name
/// in no gazetteer that reads as an organisation becomes one, under the name as written.
fn learn_acronyms<'a>(
    g: &'a Gazetteer,
    s: &'a str,
    raws: &[Raw],
    out: &mut Vec<Found<'a>>,
) -> HashMap<&'a str, (MentionKind, Cow<'a, str>)> {
    let mut learned = HashMap::new();
    for d in acronyms::definitions(g, s) {
        let known = out.iter().find(|f| {
            f.start == d.name_start
                && f.end == d.name_end
                && matches!(
                    f.kind,
                    MentionKind::Institute | MentionKind::Organization | MentionKind::Event
                )
        });
        if let Some(f) = known {
            learned
                .entry(&s[d.acr_start..d.acr_end])
                .or_insert((f.kind, f.value.clone()));
            continue;
        }
        // A known acronym with a variant of its full name ("Infocomm Media and Development
        // Authority (IMDA)") keeps its gazetteer meaning; only weak acronyms are redefined.
        let acr_known = out.iter().any(|f| {
            f.start == d.acr_start
                && !f.weak
                && matches!(f.kind, MentionKind::Institute | MentionKind::Organization)
        });
        if acr_known {
            continue;
        }
        let name = &s[d.name_start..d.name_end];
        // A definition of a generic institute name or of a name holding a known
        // institute or organisation is not a new organisation.
        let overlaps_known = raws.iter().any(|r| {
            r.start < d.name_end
                && d.name_start < r.end
                && g.targets_of(r).any(|t| {
                    t.role == Role::Head
                        || g.entries.get(t.entry as usize).is_some_and(|e| {
                            matches!(e.kind, MentionKind::Institute | MentionKind::Organization)
                        })
                })
        });
        if overlaps_known || !acronyms::reads_as_organisation(g, name) {
            continue;
        }
        let acr = &s[d.acr_start..d.acr_end];
        if learned.contains_key(acr) {
            continue;
        }
        learned.insert(acr, (MentionKind::Organization, Cow::Borrowed(name)));
        out.push(Found {
            start: d.name_start,
            end: d.name_end,
            kind: MentionKind::Organization,
            value: Cow::Borrowed(name),
            rule: Cow::Borrowed(RULE_DEFINITION),
            raw: None,
            weak: false,
        });
    }
    learned
}

/// The text of a raw match without a plural "s" the matcher allowed.
fn raw_text<'s>(g: &Gazetteer, s: &'s str, r: &Raw) -> (&'s str, &'s str) {
    let _ = g;
    let t = &s[r.start..r.end];
    (t, t.strip_suffix('s').unwrap_or(t))
}

/// A defined acronym means what the document says wherever it is used: matches of it
/// take the learned value; uses of acronyms no gazetteer knows are found here.
fn apply_learned<'a>(
    g: &'a Gazetteer,
    s: &'a str,
    raws: &[Raw],
    learned: &HashMap<&'a str, (MentionKind, Cow<'a, str>)>,
    out: &mut Vec<Found<'a>>,
    unresolved: &mut Vec<usize>,
) {
    if learned.is_empty() {
        return;
    }
    let lookup = |r: &Raw| {
        let (t, singular) = raw_text(g, s, r);
        learned.get(t).or_else(|| learned.get(singular))
    };
    for f in out.iter_mut() {
        let Some(i) = f.raw else { continue };
        if !matches!(f.kind, MentionKind::Institute | MentionKind::Organization) {
            continue;
        }
        if let Some((kind, value)) = lookup(&raws[i]) {
            if f.kind != *kind || f.value != *value {
                f.kind = *kind;
                f.value = value.clone();
                f.rule = Cow::Borrowed(RULE_LEARNED);
            }
            f.weak = false;
        }
    }
    unresolved.retain(|&i| match lookup(&raws[i]) {
        Some((kind, value)) => {
            out.push(Found {
                start: raws[i].start,
                end: raws[i].end,
                kind: *kind,
                value: value.clone(),
                rule: Cow::Borrowed(RULE_LEARNED),
                raw: Some(i),
                weak: false,
            });
            false
        }
        None => true,
    });
    // Acronyms no gazetteer pattern matched: one small automaton over the document.
    let unseen: Vec<&str> = learned
        .keys()
        .copied()
        .filter(|a| !raws.iter().any(|r| raw_text(g, s, r).0 == *a))
        .collect();
    if unseen.is_empty() {
        return;
    }
    // Few acronyms per document: one substring search each.
    for acr in unseen {
        let Some((kind, value)) = learned.get(acr) else {
            continue;
        };
        for (at, _) in s.match_indices(acr) {
            let end = at + acr.len();
            let before = s[..at].chars().next_back();
            let after = s[end..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            out.push(Found {
                start: at,
                end,
                kind: *kind,
                value: value.clone(),
                rule: Cow::Borrowed(RULE_LEARNED),
                raw: None,
                weak: false,
            });
        }
    }
}

/// An alias shared by several entries of one kind (CAISI: the US Center for AI Standards
/// and Innovation and the Canadian AI Safety Institute): the document's own definition
/// decides, else cue words nearby, else the candidate the document names more often.
/// Undecided matches are dropped rather than guessed.
fn resolve_ambiguous<'a>(
    g: &'a Gazetteer,
    s: &'a str,
    raws: &[Raw],
    ambiguous: &[(usize, MentionKind)],
    learned: &HashMap<&'a str, (MentionKind, Cow<'a, str>)>,
    out: &mut Vec<Found<'a>>,
) {
    if ambiguous.is_empty() {
        return;
    }
    let mut counts: HashMap<(MentionKind, &str), usize> = HashMap::new();
    for f in out.iter() {
        *counts.entry((f.kind, &*f.value)).or_default() += 1;
    }
    let mut add = Vec::new();
    for &(i, kind) in ambiguous {
        let r = &raws[i];
        let (t, singular) = raw_text(g, s, r);
        if let Some((k, v)) = learned.get(t).or_else(|| learned.get(singular)) {
            add.push(Found {
                start: r.start,
                end: r.end,
                kind: *k,
                value: v.clone(),
                rule: Cow::Borrowed(RULE_LEARNED),
                raw: Some(i),
                weak: false,
            });
            continue;
        }
        let candidates: Vec<&gazetteer::Entry> = g
            .targets_of(r)
            .filter(|t| t.role == Role::Name)
            .filter_map(|t| g.entries.get(t.entry as usize))
            .filter(|e| e.kind == kind)
            .collect();
        let (from, to) = (r.start.saturating_sub(CUE_WINDOW), r.end + CUE_WINDOW);
        let score = |e: &gazetteer::Entry| -> usize {
            e.cues
                .iter()
                .map(|c| context::count_word(s, from, to, c))
                .sum()
        };
        let by_cue: Vec<usize> = candidates.iter().map(|e| score(e)).collect();
        let by_count: Vec<usize> = candidates
            .iter()
            .map(|e| counts.get(&(kind, e.value.as_str())).copied().unwrap_or(0))
            .collect();
        let pick = unique_max(&by_cue).or_else(|| unique_max(&by_count));
        if let Some(p) = pick {
            add.push(Found {
                start: r.start,
                end: r.end,
                kind,
                value: Cow::Borrowed(&candidates[p].value),
                rule: Cow::Borrowed(RULE_AMBIGUOUS),
                raw: Some(i),
                weak: false,
            });
        }
    }
    out.extend(add);
}

/// Index of the strictly largest positive value.
fn unique_max(v: &[usize]) -> Option<usize> {
    let max = *v.iter().max()?;
    (max > 0 && v.iter().filter(|&&x| x == max).count() == 1)
        .then(|| v.iter().position(|&x| x == max))
        .flatten()
}

/// Three or more countries (or the European Commission) in a list near a Network cue:
/// each names its institute ("... offices from Australia, Canada, the European
/// Commission, France, ...").
fn member_lists<'a>(g: &'a Gazetteer, s: &str, raws: &[Raw], out: &mut Vec<Found<'a>>) {
    // The cues are gathered only for a document with a list of three countries (most
    // have none, and the gathering looks at every match).
    let cues = || {
        let names_network = raws.iter().any(|r| {
            g.targets_of(r).any(|t| {
                t.role == Role::Name
                    && g.entries
                        .get(t.entry as usize)
                        .is_some_and(|e| e.kind == MentionKind::Institute && e.value == "NETWORK")
            })
        });
        raws.iter()
            .filter(|r| {
                context::has_role(g, r, Role::Head)
                    || context::has_role(g, r, Role::ListCue)
                    || (names_network
                        && context::has_role(g, r, Role::MemberCue)
                        && !s[..r.start].ends_with('-'))
                    || g.targets_of(r).any(|t| {
                        t.role == Role::Name
                            && g.entries.get(t.entry as usize).is_some_and(|e| {
                                e.kind == MentionKind::Institute && e.value == "NETWORK"
                            })
                    })
            })
            .map(|r| r.start)
            .collect::<Vec<usize>>()
    };
    let mut cue_at: Option<Vec<usize>> = None;
    let mut i = 0;
    while i < raws.len() {
        let Some(_) = context::member_code(g, &raws[i]) else {
            i += 1;
            continue;
        };
        let mut j = i;
        while j + 1 < raws.len()
            && raws[j + 1].start >= raws[j].end
            && context::member_code(g, &raws[j + 1]).is_some()
            && context::is_list_gap(&s[raws[j].end..raws[j + 1].start])
        {
            j += 1;
        }
        if j - i + 1 >= 3 {
            let (from, to) = (
                raws[i].start.saturating_sub(LIST_CUE_BEFORE),
                raws[j].end + LIST_CUE_AFTER,
            );
            let cue_at = cue_at.get_or_insert_with(cues);
            let lo = cue_at.partition_point(|&x| x < from);
            let cued = cue_at[lo..].iter().take_while(|&&x| x <= to).any(|&x| {
                let (a, b) = if x < raws[i].start {
                    (x, raws[i].start)
                } else {
                    (raws[j].end, x)
                };
                context::same_sentence(s, a, b)
                    && !g
                        .list_not
                        .iter()
                        .any(|w| context::count_word(s, a, b, w) > 0)
            });
            if cued {
                for r in &raws[i..=j] {
                    // Only countries known to have an institute or office.
                    if let Some(code) = context::member_code(g, r)
                        && g.has_institute(code)
                    {
                        out.push(found_institute(r.start, r.end, code, RULE_MEMBERS));
                    }
                }
            }
        }
        i = j + 1;
    }
}

/// "the Institute" and an unqualified "the AISI" stand for the document's main
/// institute, when one institute has at least three mentions and two thirds of all
/// country institutes' mentions.
fn main_institute<'a>(
    g: &Gazetteer,
    s: &str,
    raws: &[Raw],
    unresolved: &[usize],
    out: &mut Vec<Found<'a>>,
) {
    if unresolved.is_empty() {
        return;
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for f in out.iter() {
        if f.kind != MentionKind::Institute || f.value == "NETWORK" {
            continue;
        }
        match counts.iter_mut().find(|c| c.0 == &*f.value) {
            Some(c) => c.1 += 1,
            None => counts.push((&f.value, 1)),
        }
    }
    // Else the one country the document is about, when it has an institute: a
    // government's own release names its institute only as "the AI Safety Institute"
    // (and perhaps a partner's institute once or twice).
    // Not in a document that compares institutes: those name several.
    let named: usize = counts.iter().map(|c| c.1).sum();
    let country = || {
        if named > 2 {
            return None;
        }
        let mut countries: Vec<(&str, usize)> = Vec::new();
        for f in out.iter().filter(|f| f.kind == MentionKind::Country) {
            match countries.iter_mut().find(|c| c.0 == &*f.value) {
                Some(c) => c.1 += 1,
                None => countries.push((&f.value, 1)),
            }
        }
        // Named at least three times and twice as often as any other country.
        countries.sort_by_key(|c| std::cmp::Reverse(c.1));
        let (best, n) = *countries.first()?;
        let second = countries.get(1).map_or(0, |c| c.1);
        (n >= 3 && n >= 2 * second && g.has_institute(best)).then(|| best.to_string())
    };
    // Else the institute of the one housing body the document names ("the Department for
    // Science, Innovation and Technology ... the AI Safety Institute"), when it names no
    // housing body of another.
    let host = || {
        if named > 2 {
            return None;
        }
        // ... or of the legislature whose records these are ("House of Lords").
        let legislatures = raws.iter().flat_map(|r| {
            g.targets_of(r)
                .filter(|t| t.role == Role::Name)
                .filter_map(|t| g.entries.get(t.entry as usize)?.institute_of.as_deref())
        });
        let mut hosts: Vec<&str> = out
            .iter()
            .filter(|f| f.kind == MentionKind::Organization)
            .filter_map(|f| g.houses.get(&*f.value).map(String::as_str))
            .chain(legislatures)
            .collect();
        hosts.sort_unstable();
        hosts.dedup();
        match hosts.as_slice() {
            [one] => Some(one.to_string()),
            _ => None,
        }
    };
    let Some(code) = context::dominant(&counts, 3)
        .map(str::to_string)
        .or_else(country)
        .or_else(host)
    else {
        return;
    };
    let _ = s;
    for &i in unresolved {
        out.push(Found {
            start: raws[i].start,
            end: raws[i].end,
            kind: MentionKind::Institute,
            value: Cow::Owned(code.clone()),
            rule: Cow::Borrowed(RULE_FOCUS),
            raw: Some(i),
            weak: false,
        });
    }
}

/// Runs the must-match / must-not-match examples of every entry and file.
pub fn self_test(rules: &EntityRules) -> Vec<super::ExampleOutcome> {
    rules
        .g
        .examples
        .iter()
        .map(|x| {
            let text = DocText::from_text(x.text.clone());
            let ctx = DocContext {
                doc: "example",
                text: &text,
                published: None,
            };
            let got = find(rules, &ctx);
            let hit = got
                .iter()
                .any(|m| m.kind == x.kind && m.value.as_str() == Some(x.value.as_str()));
            let passed = hit != x.absent;
            let detail = if passed {
                String::new()
            } else {
                let seen: Vec<String> = got
                    .iter()
                    .map(|m| format!("{} {:?} = {}", m.kind.as_str(), m.text, m.value))
                    .collect();
                format!(
                    "{} {} {:?}; found: [{}]",
                    if x.absent {
                        "must not find"
                    } else {
                        "expected"
                    },
                    x.kind.as_str(),
                    x.value,
                    seen.join(", ")
                )
            };
            let mut example: String = x.text.chars().take(80).collect();
            if example.len() < x.text.len() {
                example.push('…');
            }
            super::ExampleOutcome {
                file: x.file.clone(),
                rule: x.rule.clone(),
                example,
                passed,
                detail,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
