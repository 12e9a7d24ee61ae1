//! People: a small rule for the names the fact builder needs (`led_by`). A name is two to
//! four capitalised words (initials and particles such as "van" allowed) right after a
//! title ("Dr.", "Professor"), after "led by" / "headed by", after a role word ("Director
//! Jane Doe") or before one ("Jane Doe, Director of ..."). Names that overlap a known
//! organisation, institute, country or place are not people.

use super::Found;
use super::gazetteer::{Gazetteer, Raw, Role};
use crate::model::MentionKind;
use std::borrow::Cow;

pub(super) const RULE_PERSON: &str = "entities/people:name";
const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "da", "di", "du", "le", "la", "bin",
];

pub fn find<'a>(g: &'a Gazetteer, s: &'a str, raws: &[Raw], out: &mut Vec<Found<'a>>) {
    let mut people: Vec<(usize, usize)> = Vec::new();
    for r in raws {
        let role = g.targets_of(r).map(|t| t.role).find(|x| {
            matches!(
                x,
                Role::PersonTitle | Role::PersonBefore | Role::PersonRoleWord
            )
        });
        let Some(role) = role else { continue };
        // Allow a title between "led by" and the name; after a role word, the name may
        // follow a colon, a comma or a copula ("Director: A. Name", "its director, Jane
        // Doe,", "Its chair is Jane Doe").
        let from = if role == Role::PersonRoleWord {
            skip_separator(s, r.end)
        } else {
            r.end
        };
        let after = name_after(g, s, skip_title(s, from));
        let span = match role {
            Role::PersonTitle | Role::PersonBefore => after,
            _ => after.or_else(|| name_before_role(g, s, r.start)),
        };
        if let Some((a, b)) = span
            && !overlaps_entity(g, raws, a, b)
            && !people.contains(&(a, b))
        {
            people.push((a, b));
        }
    }
    // A name found once by its context is the same person wherever the document repeats
    // it ("Jane Doe, director of ..." and, later, "Jane Doe said ...").
    let found = people.clone();
    let mut searched: Vec<&str> = Vec::new();
    for (a, b) in found {
        let name = &s[a..b];
        // A name found twice gives the same occurrences twice: search once.
        if searched.contains(&name) {
            continue;
        }
        searched.push(name);
        for i in memchr::memmem::find_iter(s.as_bytes(), name.as_bytes()) {
            let (x, y) = (i, i + name.len());
            let bounded = !s[..x].ends_with(|c: char| c.is_alphanumeric() || c == '-')
                && !s[y..].starts_with(|c: char| c.is_alphanumeric() || c == '-');
            if bounded
                && !people.iter().any(|&(p, q)| p < y && x < q)
                && !overlaps_entity(g, raws, x, y)
            {
                people.push((x, y));
            }
        }
    }
    people.sort_unstable();
    for (a, b) in people {
        out.push(Found {
            start: a,
            end: b,
            kind: MentionKind::Person,
            value: Cow::Borrowed(&s[a..b]),
            rule: Cow::Borrowed(RULE_PERSON),
            raw: None,
            weak: false,
        });
    }
}

/// The position of the space before a name that follows a role word after ": ", ", ",
/// " is " or " was "; `at` itself otherwise.
fn skip_separator(s: &str, at: usize) -> usize {
    let rest = &s[at..];
    // (A tab: a fact sheet's "Director<TAB>Jane Doe".)
    for sep in [": ", ", ", " is ", " was ", "\t"] {
        if rest.starts_with(sep) {
            return at + sep.len() - 1;
        }
    }
    at
}

fn skip_title(s: &str, at: usize) -> usize {
    let rest = &s[at..];
    for t in [
        "Dr. ",
        "Prof. ",
        "Professor ",
        "Mr. ",
        "Ms. ",
        "Mrs. ",
        "Sir ",
        "Dame ",
    ] {
        if let Some(x) = rest.strip_prefix(' ').and_then(|r| r.strip_prefix(t)) {
            return s.len() - x.len() - 1;
        }
    }
    at
}

/// Kind of a name token.
#[derive(PartialEq)]
enum Tok {
    Word,
    Initial,
    Particle,
}

fn token_kind(g: &Gazetteer, w: &str) -> Option<Tok> {
    let mut cs = w.chars();
    let first = cs.next()?;
    let rest: &str = cs.as_str();
    if PARTICLES.contains(&w) {
        return Some(Tok::Particle);
    }
    if !first.is_uppercase() {
        return None;
    }
    if rest == "." {
        return Some(Tok::Initial);
    }
    let ok = rest.chars().count() >= 1
        && rest
            .chars()
            .all(|c| c.is_lowercase() || c == '-' || c == '\'')
        && rest.chars().any(char::is_lowercase);
    let hyphenated = w.contains('-') && w.split('-').all(|p| token_kind(g, p) == Some(Tok::Word));
    if (ok || hyphenated) && !g.not_names.iter().any(|n| n == w) {
        Some(Tok::Word)
    } else {
        None
    }
}

/// A valid name from tokens: 2–4 tokens, at least two words, first and last a word.
fn valid(kinds: &[Tok]) -> bool {
    (2..=4).contains(&kinds.len())
        && kinds.iter().filter(|k| **k == Tok::Word).count() >= 2
        && kinds.last() == Some(&Tok::Word)
        && kinds.first() != Some(&Tok::Particle)
}

/// The name starting one space after `at`, if any.
fn name_after(g: &Gazetteer, s: &str, at: usize) -> Option<(usize, usize)> {
    let start = at + 1;
    if !matches!(s.as_bytes().get(at), Some(b' ' | b'\t')) || start >= s.len() {
        return None;
    }
    let mut kinds = Vec::new();
    let mut end = start;
    let mut best = None;
    let mut pos = start;
    for _ in 0..4 {
        let rest = &s[pos..];
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '.'))
            .unwrap_or(rest.len());
        let mut w = &rest[..len];
        // A full stop ends the sentence unless the token is an initial.
        if w.len() > 2 && w.ends_with('.') {
            w = &w[..w.len() - 1];
        }
        let Some(k) = token_kind(g, w) else { break };
        kinds.push(k);
        end = pos + w.len();
        if valid(&kinds) {
            best = Some((start, end));
        }
        if s.as_bytes().get(end) != Some(&b' ') {
            break;
        }
        pos = end + 1;
    }
    let _ = end;
    best
}

/// The name just before a role word: "Jane Doe, Director", "Jane Doe (Director".
fn name_before_role(g: &Gazetteer, s: &str, role_start: usize) -> Option<(usize, usize)> {
    let mut before = s[..role_start].trim_end();
    // "Jane Doe, the former director", "Jane Doe as its first chair".
    loop {
        let was = before.len();
        for filler in [
            "the",
            "its",
            "a",
            "an",
            "former",
            "then",
            "first",
            "inaugural",
            "founding",
        ] {
            if let Some(b) = before.strip_suffix(filler)
                && b.ends_with([' ', ',', '('])
            {
                before = b.trim_end();
            }
        }
        if before.len() == was {
            break;
        }
    }
    let before = match before.strip_suffix(" as") {
        // "Jane Doe will serve as", "Jane Doe was appointed as".
        Some(b) => {
            let mut b = b.trim_end();
            for verb in [
                " will serve",
                " serves",
                " served",
                " was appointed",
                " has been appointed",
                " was named",
                " has been named",
            ] {
                if let Some(x) = b.strip_suffix(verb) {
                    b = x.trim_end();
                    break;
                }
            }
            b
        }
        None => before.strip_suffix([',', '('])?.trim_end(),
    };
    let end = before.len();
    let words: Vec<&str> = before.rsplit(' ').take(4).collect();
    let mut kinds = Vec::new();
    let mut start = end;
    let mut best = None;
    for w in words {
        let Some(k) = token_kind(g, w) else { break };
        kinds.insert(0, k);
        start -= w.len();
        if valid(&kinds) {
            best = Some((start, end));
        }
        start = start.saturating_sub(1);
    }
    best
}

fn overlaps_entity(g: &Gazetteer, raws: &[Raw], a: usize, b: usize) -> bool {
    let lo = raws.partition_point(|r| r.end <= a);
    raws[lo..].iter().take_while(|r| r.start < b).any(|r| {
        g.targets_of(r)
            .any(|t| matches!(t.role, Role::Name | Role::Adjective | Role::Head))
    })
}
