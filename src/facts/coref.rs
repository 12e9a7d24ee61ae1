//! Coreference inside a document: the institute a clause speaks of without naming it.
//!
//! An anaphor ("the institute", "it", "its", "the new body") stands for the institute named
//! last before it, within the lookback the rules set; failing that, for the document's
//! topic (the institute it names most). A speaker's word ("we", "our") stands for the
//! topic. An event's anaphor ("the summit") stands for the event named last whose name has
//! that noun. The words are data (`[coreference]` in `rules/facts/`).

use super::rules::{ProseRule, Side};
use super::text::{Span, Words};
use super::{Doc, FactRules, Target, span_of, target};
use crate::model::{Mention, MentionKind};
use crate::utf8::floor_char;
use std::collections::BTreeMap;

/// The institute (or event) an anaphor in clause `c` stands for, when the rule's subject
/// may be one and the anaphor is where its subject would be; with where the text named it,
/// when it did (not for a document's topic).
pub fn subject(
    rules: &FactRules,
    doc: &Doc,
    c: Span,
    mentions: &[&Mention],
    words: &Words,
    trig: Span,
    rule: &ProseRule,
) -> Option<(Target, Option<Span>)> {
    let cr = rules.coref.as_ref()?;
    let events = rule.subject.iter().any(|k| k == "event");
    if !events && !rule.subject.iter().any(|k| k == "institute") {
        return None;
    }
    let clause = doc.text.get(c.start..c.end)?;
    // An anaphor must be free words: not part of a name ("the Institute of Physics"). An
    // acronym after "the" ("to authorize the AISI") speaks of the kind of body, not of
    // the document's own; used bare, as a name ("AISI began work"), it is the institute.
    let generic = |a: Span| {
        let word = doc.text.get(a.start..a.end).unwrap_or("");
        let before = doc.text.get(..a.start).unwrap_or("").trim_end();
        word.chars().take(2).all(|ch| ch.is_ascii_uppercase())
            && before
                .rsplit(char::is_whitespace)
                .next()
                .is_some_and(|w| w.eq_ignore_ascii_case("the"))
    };
    // "its Zendan counterpart", "its AI Safety Institute": a possessive whose noun is an
    // institute named in its own right owns it; that institute is the party, not "its"
    // ("its €60m" is still the owner's money).
    let owns_mention = |a: Span| {
        doc.text
            .get(a.start..a.end)
            .is_some_and(|w| w.eq_ignore_ascii_case("its"))
            && mentions.iter().any(|m| {
                m.kind == MentionKind::Institute
                    && m.start >= a.end
                    && doc
                        .text
                        .get(a.end..m.start)
                        .is_some_and(|g| !g.is_empty() && g.chars().all(char::is_whitespace))
            })
    };
    let free = |a: Span| {
        !mentions.iter().any(|m| m.start < a.end && a.start < m.end)
            && !generic(a)
            && !owns_mention(a)
    };
    let placed = |a: Span| {
        let side_ok = match rule.subject_side {
            Side::Before => a.end <= trig.start,
            Side::After => a.start >= trig.end,
            Side::Any => true,
        };
        side_ok && words.gap(a, trig) <= rule.max_words
    };
    let find =
        |re: &regex::Regex| matches_in(re, clause, c.start).find(|(a, _)| free(*a) && placed(*a));
    if events {
        // "the summit", "the meeting": the event named last whose name has that noun.
        let (a, said) = find(cr.event_anaphor.as_ref()?)?;
        let head = said.split_whitespace().last()?.to_string();
        // A proper modifier must be in the name too: "the Seoul summit" is not the Paris one.
        let proper: Vec<String> = doc
            .text
            .get(a.start..a.end)?
            .split_whitespace()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .filter(|w| !w.eq_ignore_ascii_case("the"))
            .map(str::to_lowercase)
            .collect();
        let from = floor_char(doc.text, a.start.saturating_sub(cr.lookback));
        return doc
            .within(Span {
                start: from,
                end: a.start,
            })
            .into_iter()
            .rev()
            .filter(|m| m.kind == MentionKind::Event)
            .find(|m| {
                m.value.as_str().is_some_and(|v| {
                    let v = v.to_lowercase();
                    v.contains(head.as_str()) && proper.iter().all(|p| v.contains(p.as_str()))
                })
            })
            .and_then(|m| Some((target(rules, m)?, Some(span_of(m)))));
    }
    // "The UK and US institutes signed ... The former has ...; the latter ...": the first or
    // the last of the two institutes named last before it.
    // (The one nearest before the trigger: "The former has ...; the latter has ...".)
    let nearest = |re: &regex::Regex| {
        matches_in(re, clause, c.start)
            .filter(|(a, _)| free(*a) && placed(*a) && a.end <= trig.start)
            .last()
    };
    if let Some(pair) = cr.former_latter.as_ref()
        && let Some((a, said)) = nearest(pair)
    {
        let from = floor_char(doc.text, a.start.saturating_sub(cr.lookback));
        let mut two: Vec<(Target, Span)> = Vec::new();
        for m in doc
            .within(Span {
                start: from,
                end: a.start,
            })
            .into_iter()
            .rev()
            .filter(|m| m.kind == MentionKind::Institute && !is_network(rules, m))
        {
            let Some(t) = target(rules, m) else { continue };
            if two.iter().all(|(x, _)| x.value != t.value) {
                two.push((t, span_of(m)));
            }
            if two.len() == 2 {
                break;
            }
        }
        if two.len() == 2 {
            // Named last first: the latter is `two[0]`, the former `two[1]`.
            let (t, at) = if said.ends_with("former") {
                two.swap_remove(1)
            } else {
                two.swap_remove(0)
            };
            return Some((t, Some(at)));
        }
        return None;
    }
    if let Some((a, said)) = find(&cr.anaphor) {
        // "It grew out of the Taskforce, launched in April 2023": a participle right after
        // another body's name is that body's, not the anaphor's.
        if mentions.iter().any(|m| {
            matches!(m.kind, MentionKind::Organization | MentionKind::Event)
                && m.start >= a.end
                && m.end <= trig.start
                && doc
                    .text
                    .get(m.end..trig.start)
                    .is_some_and(|t| t.chars().all(|c| c.is_whitespace() || ",;:".contains(c)))
        }) {
            return None;
        }
        // "Japan launches its AI safety institute": a pronoun after a country in its own
        // clause is that country's, and the rule for countries reads it.
        if said.starts_with("it")
            && mentions
                .iter()
                .any(|m| m.kind == MentionKind::Country && m.end <= a.start)
        {
            return None;
        }
        // "In Washington the institute was created inside ...": a sentence opened by a seat
        // of government speaks of that country's institute.
        if !said.starts_with("it")
            && !said.contains("network")
            && let Some(t) = seat_before(rules, doc, a)
        {
            return Some((t, None));
        }
        // "the network" is the Network; "the institute", "the office" never are; "it"
        // and "its" are whichever was named last.
        let which = if said.contains("network") {
            Some(true)
        } else if said.starts_with("it") {
            None
        } else {
            Some(false)
        };
        // A section headed by one institute ("4. RURITANIA: SMALL AND QUICK") speaks of it:
        // "the institute" there is that one, and "it" is the institute named last inside
        // the section, else that one; nothing reaches back past the heading.
        if which != Some(true)
            && let Some((t, head)) = section_topic(rules, doc, a.start, cr.lookback)
        {
            if which.is_none()
                && let Some((named, at)) = antecedent(rules, doc, &cr.anaphor, a, cr.lookback, None)
                && at.start >= head.end
            {
                return Some((named, Some(at)));
            }
            return Some((t, None));
        }
        if which == Some(false)
            && let Some(t) = own_institute(rules, doc)
        {
            return Some((t, None));
        }
        if let Some((t, at)) = antecedent(rules, doc, &cr.anaphor, a, cr.lookback, which) {
            return Some((t, Some(at)));
        }
        return if which == Some(true) {
            // "the network" in a document that names the Network somewhere.
            doc.mentions
                .iter()
                .find(|m| m.kind == MentionKind::Institute && is_network(rules, m))
                .and_then(|m| target(rules, m))
        } else {
            topic(rules, doc).or_else(|| publisher(rules, doc))
        }
        .map(|t| (t, None));
    }
    // "We", "our": the institute whose page this is, else the one the document is about.
    if !rule.subject_speaker {
        return None;
    }
    let sp = cr.speaker.as_ref()?;
    find(sp)
        .and_then(|_| publisher(rules, doc))
        .map(|t| (t, None))
}

/// The matches of `re` in a clause that starts at `base`, as document spans with their
/// lower-cased text.
fn matches_in<'r>(
    re: &'r regex::Regex,
    clause: &'r str,
    base: usize,
) -> impl Iterator<Item = (Span, String)> + 'r {
    re.find_iter(clause).map(move |m| {
        (
            Span {
                start: base + m.start(),
                end: base + m.end(),
            },
            m.as_str().to_ascii_lowercase(),
        )
    })
}

/// The institutes a counting plural before the trigger ("All six are members", "both
/// signed") refers to: the last list before it — names joined only by commas, "and" and
/// "the" — of exactly that many institutes (countries standing for theirs). Nothing when
/// no list counts as many.
pub fn plural(rules: &FactRules, doc: &Doc, c: Span, trig: Span) -> Vec<Target> {
    let Some(re) = rules.coref.as_ref().and_then(|cr| cr.plural.as_ref()) else {
        return Vec::new();
    };
    let Some(caps) = doc
        .text
        .get(c.start..trig.start)
        .and_then(|t| re.captures(t))
    else {
        return Vec::new();
    };
    let Some(n) = caps.name("n").map_or_else(
        || count_word(caps.get(0)?.as_str().split_whitespace().next()?),
        |m| count_word(m.as_str()),
    ) else {
        return Vec::new();
    };
    let at = c.start + caps.get(0).map_or(0, |m| m.start());
    // Runs of listed names before the plural, the last first.
    let named: Vec<&Mention> = doc
        .mentions
        .iter()
        .take_while(|m| m.start < at)
        .filter(|m| {
            matches!(m.kind, MentionKind::Institute | MentionKind::Country) && !is_network(rules, m)
        })
        .collect();
    let mut runs: Vec<Vec<&Mention>> = Vec::new();
    let mut last_end = 0;
    for m in named {
        if m.start < last_end {
            // Inside or across the name before ("institutes in the United Kingdom").
            continue;
        }
        let joined = runs.last().is_some_and(|_| {
            doc.text.get(last_end..m.start).is_some_and(|gap| {
                let g = gap.trim().trim_start_matches(',').trim();
                let g = g.strip_prefix("and").unwrap_or(g).trim();
                let g = g.strip_prefix("the").unwrap_or(g).trim();
                g.is_empty() && gap.len() <= 12 && !gap.contains('\n')
            })
        });
        if joined {
            runs.last_mut().expect("a run").push(m);
        } else {
            runs.push(vec![m]);
        }
        last_end = m.end;
    }
    for run in runs.iter().rev() {
        let mut ts: Vec<Target> = Vec::new();
        for m in run {
            if let Some(t) = target(rules, m)
                && !ts.contains(&t)
            {
                ts.push(t);
            }
        }
        if ts.len() == n {
            return ts;
        }
    }
    Vec::new()
}

/// The number a count word says ("six", "12", "both").
fn count_word(w: &str) -> Option<usize> {
    const WORDS: [&str; 11] = [
        "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    let w = w.to_ascii_lowercase();
    if w == "both" {
        return Some(2);
    }
    WORDS
        .iter()
        .position(|x| *x == w)
        .filter(|i| *i >= 2)
        .or_else(|| w.parse().ok().filter(|n| *n >= 2))
}

/// The institute of the seat of government that opens the sentence right before an
/// anaphor ("In Washington the institute ...", "In Zenda, the new body ..."): the capital
/// stands for its country. Only as the sentence's opening words: "met in Washington, and
/// the institute ..." places a meeting.
fn seat_before(rules: &FactRules, doc: &Doc, a: Span) -> Option<Target> {
    let cr = rules.coref.as_ref()?;
    if cr.seats.is_empty() {
        return None;
    }
    let from = floor_char(doc.text, a.start.saturating_sub(60));
    let before = doc.text.get(from..a.start)?.trim_end();
    let before = before.strip_suffix(',').unwrap_or(before).trim_end();
    let (code, place) = cr.seats.iter().find_map(|(place, code)| {
        before
            .strip_suffix(place.as_str())
            .filter(|rest| !rest.ends_with(|c: char| c.is_alphanumeric()))
            .map(|rest| (code, rest))
    })?;
    let rest = place.trim_end();
    let opening = rest.strip_suffix("In")?;
    let prev = opening.trim_end_matches([' ', '\t']);
    if !(prev.is_empty() || prev.ends_with(['.', '!', '?', '\n', ':'])) {
        return None;
    }
    let info = rules.institutes.get(code)?;
    Some(Target {
        value: serde_json::Value::String(super::institute_id(code)),
        name: Some((super::institute_id(code), info.name.clone())),
    })
}

/// Whether a mention names a body of members (`collective` in the institutes' data): what
/// "the network" refers to, and never "the institute".
fn is_network(rules: &FactRules, m: &Mention) -> bool {
    m.value
        .as_str()
        .and_then(|v| rules.institutes.get(v))
        .is_some_and(|i| i.collective)
}

/// "The institute" in a document about one institute is that institute, whatever else
/// was named in between ("... compared with 100 at the American institute. The institute
/// had 29 staff").
fn own_institute(rules: &FactRules, doc: &Doc) -> Option<Target> {
    most_named_by(rules, doc, false, 2)
        .or_else(|| headline(rules, doc))
        .or_else(|| title_institute(rules, doc))
        .or_else(|| publisher(rules, doc))
}

/// The institute named last before `at`, within `lookback` bytes, and where it is named
/// (the Network or not, when
/// `network` says). "The network", itself an anaphor, counts as naming the Network where
/// the document names it.
fn antecedent(
    rules: &FactRules,
    doc: &Doc,
    anaphor: &regex::Regex,
    at: Span,
    lookback: usize,
    network: Option<bool>,
) -> Option<(Target, Span)> {
    let from = floor_char(doc.text, at.start.saturating_sub(lookback));
    let window = Span {
        start: from,
        end: at.start,
    };
    let ms = doc.within(window);
    // A country in the possessive ("Korea's ministry said its institute would ...") names
    // that country's body as much as the institute's own name does.
    let possessive = |m: &Mention| {
        m.kind == MentionKind::Country
            && network != Some(true)
            && doc
                .text
                .get(m.end..)
                .is_some_and(|t| t.starts_with("'s ") || t.starts_with("’s "))
    };
    let mut named: Vec<(Span, Target)> = ms
        .iter()
        .filter(|m| {
            (m.kind == MentionKind::Institute && network.is_none_or(|n| is_network(rules, m) == n))
                || possessive(m)
        })
        .filter_map(|m| {
            Some((
                Span {
                    start: m.start,
                    end: m.end,
                },
                target(rules, m)?,
            ))
        })
        .collect();
    // "In Washington the institute ...": that anaphor named the seat's institute. Else
    // "the institute" (not "it") names the institute its section or the whole document is
    // plainly about, as a subject does: "the institute signed with its American
    // counterpart, and in May it announced ..." is that institute announcing.
    // An anaphor inside a mention ("the Institute of Physics") is part of that name.
    let inside = |sp: Span| ms.iter().any(|m| m.start < sp.end && sp.start < m.end);
    if network != Some(true) {
        let text = doc.text.get(from..at.start).unwrap_or("");
        for x in anaphor.find_iter(text) {
            let sp = Span {
                start: from + x.start(),
                end: from + x.end(),
            };
            let said = x.as_str().to_ascii_lowercase();
            if let Some(t) = seat_before(rules, doc, sp) {
                named.push((sp, t));
            } else if said.starts_with("the ")
                && !said.contains("network")
                && !inside(sp)
                && let Some(t) = section_topic(rules, doc, sp.start, lookback)
                    .map(|(t, _)| t)
                    .or_else(|| strong_topic(rules, doc))
            {
                named.push((sp, t));
            }
        }
        named.sort_by_key(|(sp, _)| sp.start);
    }
    if network != Some(false)
        && let Some(net) = doc
            .mentions
            .iter()
            .find(|m| m.kind == MentionKind::Institute && is_network(rules, m))
            .and_then(|m| target(rules, m))
    {
        let text = doc.text.get(from..at.start).unwrap_or("");
        for x in anaphor.find_iter(text) {
            let sp = Span {
                start: from + x.start(),
                end: from + x.end(),
            };
            if !inside(sp) && x.as_str().to_ascii_lowercase().contains("network") {
                named.push((sp, net.clone()));
            }
        }
        named.sort_by_key(|(sp, _)| sp.start);
    }
    // The sentence that named an institute last is the one referred back to; within it,
    // the institute named first — its subject, as a rule ("The Network brings together
    // A, B and C. Its first meeting ..." is the Network's).
    let mut i = named.len().checked_sub(1)?;
    while i > 0 {
        let gap = doc
            .text
            .get(named[i - 1].0.end..named[i].0.start)
            .unwrap_or(".");
        if ends_sentence(gap) {
            break;
        }
        i -= 1;
    }
    let (at, t) = named.swap_remove(i);
    Some((t, at))
}

/// Where the paragraph holding `at` starts: after the last blank line before it, looking
/// back at most 4 KB (a text without blank lines is not one long paragraph to rescan for
/// every sentence).
pub fn paragraph_start(text: &str, at: usize) -> usize {
    const MAX_BACK: usize = 4096;
    let at = floor_char(text, at.min(text.len()));
    let limit = floor_char(text, at.saturating_sub(MAX_BACK));
    let mut from = limit;
    let mut k = at;
    while k > limit
        && let Some(i) = text[limit..k].rfind('\n').map(|i| limit + i)
    {
        let prev = text[..i].rfind('\n').map_or(0, |j| j + 1);
        if text[prev..i].trim().is_empty() {
            from = i + 1;
            break;
        }
        k = i;
    }
    from
}

/// The heading of the section that `at` lies in: the nearest line before it, within
/// `lookback` bytes, that stands alone as a heading — short (at most eight words), no tab,
/// no list bullet, no sentence punctuation at its end, after a blank line (or the start of
/// the text), and followed by a blank line or a line that starts with a capital.
pub fn section_heading(text: &str, at: usize, lookback: usize) -> Option<Span> {
    let at = floor_char(text, at.min(text.len()));
    let limit = at.saturating_sub(lookback);
    // The start of the line holding `at`: headings are the lines before it.
    let mut end = text[..at].rfind('\n')?;
    let mut next_start = end + 1;
    while end > limit {
        let start = text[..end].rfind('\n').map_or(0, |k| k + 1);
        let line = &text[start..end];
        let t = line.trim();
        let before = text[..start.saturating_sub(1)].trim_end_matches([' ', '\t', '\r']);
        let blank_before = start == 0 || before.is_empty() || before.ends_with('\n');
        let next = text[next_start..].lines().next().unwrap_or("").trim_start();
        let next_ok = next.is_empty() || next.starts_with(|c: char| c.is_uppercase());
        if !t.is_empty()
            && blank_before
            && next_ok
            && !line.contains('\t')
            && !t.starts_with(['-', '*', '•', '['])
            && t.split_whitespace().count() <= 8
            && !t.ends_with(['.', ',', ';', '!', '?', ':', ')', ']'])
        {
            return Some(Span { start, end });
        }
        if start == 0 {
            break;
        }
        next_start = start;
        end = start - 1;
    }
    None
}

/// The institute a section speaks of, with its heading: the one institute (or country)
/// its heading names, else the one its text before `at` names at least twice and more than
/// twice as often as any other (countries counted for their institutes). The Network is
/// never a section's "institute".
pub fn section_topic(
    rules: &FactRules,
    doc: &Doc,
    at: usize,
    lookback: usize,
) -> Option<(Target, Span)> {
    let head = section_heading(doc.text, at, lookback)?;
    let named = |sp: Span| {
        let mut n: Vec<(&str, usize, &Mention)> = Vec::new();
        for m in doc.within(sp) {
            if matches!(m.kind, MentionKind::Institute | MentionKind::Country)
                && !is_network(rules, m)
                && let Some(v) = m.value.as_str()
            {
                match n.iter_mut().find(|(k, _, _)| *k == v) {
                    Some(e) => e.1 += 1,
                    None => n.push((v, 1, m)),
                }
            }
        }
        n
    };
    let in_head = named(head);
    if let [(_, _, m)] = in_head.as_slice() {
        return Some((target(rules, m)?, head));
    }
    if !in_head.is_empty() {
        return None;
    }
    let mut body = named(Span {
        start: head.end,
        end: at,
    });
    body.sort_by_key(|(_, k, _)| std::cmp::Reverse(*k));
    match body.as_slice() {
        [(_, a, m), rest @ ..] if *a >= 2 && rest.first().is_none_or(|(_, b, _)| b * 2 < *a) => {
            Some((target(rules, m)?, head))
        }
        _ => None,
    }
}

/// Whether a stretch of text holds a sentence end or a blank line.
fn ends_sentence(t: &str) -> bool {
    t.contains("\n\n")
        || t.match_indices(['.', '!', '?'])
            .any(|(i, _)| t[i + 1..].starts_with(char::is_whitespace))
}

/// The institute a document names most, when one stands out (named at least twice, and
/// more often than any other). The Network is nobody's "the institute".
pub fn topic(rules: &FactRules, doc: &Doc) -> Option<Target> {
    most_named(rules, doc, false)
}

/// The institute a document is plainly about: named more than twice as often as any other.
pub fn strong_topic(rules: &FactRules, doc: &Doc) -> Option<Target> {
    most_named_by(rules, doc, false, 2)
}

fn most_named(rules: &FactRules, doc: &Doc, network: bool) -> Option<Target> {
    most_named_by(rules, doc, network, 1)
}

/// The institute named most, when named at least twice and more than `factor` times as
/// often as any other.
/// Topics worked out for one document, by (Network counted, factor): each is a pass over
/// all its mentions, and a document refers back many times.
#[derive(Default)]
pub struct Cache(std::cell::RefCell<BTreeMap<(bool, usize), Option<Target>>>);

fn most_named_by(rules: &FactRules, doc: &Doc, network: bool, factor: usize) -> Option<Target> {
    if let Some(t) = doc.cache.0.borrow().get(&(network, factor)) {
        return t.clone();
    }
    let t = most_named_uncached(rules, doc, network, factor);
    doc.cache
        .0
        .borrow_mut()
        .insert((network, factor), t.clone());
    t
}

fn most_named_uncached(
    rules: &FactRules,
    doc: &Doc,
    network: bool,
    factor: usize,
) -> Option<Target> {
    // A document that calls its own institute by a bare name ("the AI Safety Institute",
    // "the Institute") is about its country's institute, whatever others it names in full
    // in passing: the country it names most, and far more than any other, stands for it.
    if !network && calls_its_own(rules, doc) {
        return standing_out(rules, doc, MentionKind::Country, false, 2, 3);
    }
    // A document that never names its institute may still be about one country's: the
    // country it names most, and far more than any other, stands for that institute.
    standing_out(rules, doc, MentionKind::Institute, network, factor, 2)
        .or_else(|| standing_out(rules, doc, MentionKind::Country, false, 2, 3))
}

/// Whether a document names an institute by its bare name (`own_name` in the coreference
/// rules) at least three times outside any mention: it speaks of its own institute.
fn calls_its_own(rules: &FactRules, doc: &Doc) -> bool {
    let Some(re) = rules.coref.as_ref().and_then(|c| c.own_name.as_ref()) else {
        return false;
    };
    let inside = |a: usize, b: usize| {
        let from = doc.mentions.partition_point(|m| m.end <= a);
        doc.mentions[..from.min(doc.mentions.len())]
            .iter()
            .rev()
            .take(64)
            .chain(doc.mentions[from..].iter().take_while(|m| m.start < b))
            .any(|m| m.start < b && a < m.end)
    };
    re.find_iter(doc.text)
        .filter(|m| !inside(m.start(), m.end()))
        .take(3)
        .count()
        >= 3
}

/// The mention value of `kind` named most: at least `least` times and more than `factor`
/// times as often as any other.
fn standing_out(
    rules: &FactRules,
    doc: &Doc,
    kind: MentionKind,
    network: bool,
    factor: usize,
    least: usize,
) -> Option<Target> {
    let mut n: BTreeMap<&str, (usize, &Mention)> = BTreeMap::new();
    for m in doc.mentions {
        if m.kind == kind
            && (network || !is_network(rules, m))
            && let Some(v) = m.value.as_str()
        {
            n.entry(v).or_insert((0, m)).0 += 1;
        }
    }
    let mut counts: Vec<(usize, &Mention)> = n.into_values().collect();
    counts.sort_by_key(|(k, _)| std::cmp::Reverse(*k));
    match counts.as_slice() {
        [(a, m)] | [(a, m), ..]
            if *a >= least && counts.get(1).is_none_or(|(b, _)| b * factor < *a) =>
        {
            target(rules, m)
        }
        _ => None,
    }
}

/// The body of members a document names first (a network of institutes): whose meeting a
/// sentence tells of when it names none ("experts from ten countries will meet for the
/// first time").
pub fn collective(rules: &FactRules, doc: &Doc) -> Option<Target> {
    doc.mentions
        .iter()
        .filter(|m| m.kind == MentionKind::Institute)
        .find(|m| {
            m.value
                .as_str()
                .and_then(|v| rules.institutes.get(v))
                .is_some_and(|i| i.collective)
        })
        .and_then(|m| target(rules, m))
}

/// The institute a document opens with (in its title or first lines), when it is also the
/// one it names most, counting its country's name with it: "the institute" in a report
/// headed "Korea AI Safety Institute" that names Korea throughout.
fn headline(rules: &FactRules, doc: &Doc) -> Option<Target> {
    // Cached beside the topics under a key no topic uses (factor 0).
    if let Some(t) = doc.cache.0.borrow().get(&(true, 0)) {
        return t.clone();
    }
    let t = headline_uncached(rules, doc);
    doc.cache.0.borrow_mut().insert((true, 0), t.clone());
    t
}

/// The institute a document is about: its topic, else the institute it opens with and
/// names most, else the one its title names.
pub fn document_institute(rules: &FactRules, doc: &Doc) -> Option<Target> {
    topic(rules, doc)
        .or_else(|| headline(rules, doc))
        .or_else(|| title_institute(rules, doc))
        .or_else(|| publisher(rules, doc))
}

/// The institute whose own page a document is, as its masthead (first line) says: an
/// institute named there ("Ruritanian AI Safety Institute | About"), or, under a masthead
/// with the institute's bare name ("AI Safety Institute", `own_name`), the institute of a
/// housing body (`hosts` in the institutes' data) named in the opening lines ("Part of the
/// Ministry of ..."). A think tank's, a ministry's or a newspaper's masthead names some
/// other body or none: its "we" is not an institute.
pub fn publisher(rules: &FactRules, doc: &Doc) -> Option<Target> {
    // Cached beside the topics under a key no topic uses (factor 0).
    if let Some(t) = doc.cache.0.borrow().get(&(false, 0)) {
        return t.clone();
    }
    let t = publisher_uncached(rules, doc);
    doc.cache.0.borrow_mut().insert((false, 0), t.clone());
    t
}

/// Bytes of a document's opening, where its masthead, title and first lines stand.
const OPENING: usize = 300;

fn publisher_uncached(rules: &FactRules, doc: &Doc) -> Option<Target> {
    // A page that introduces itself in its opening ("About us. We are the Ruritanian AI
    // Safety Institute.", "Welcome to the ...") is that institute's.
    if let Some(m) = doc
        .mentions
        .iter()
        .take_while(|m| m.start < OPENING)
        .find(|m| {
            m.kind == MentionKind::Institute
                && !is_network(rules, m)
                && introduces(&doc.text[..m.start])
        })
    {
        return target(rules, m);
    }
    let lead = doc.text.len() - doc.text.trim_start().len();
    let end = doc.text[lead..]
        .find('\n')
        .map_or(doc.text.len(), |i| lead + i);
    if end > OPENING {
        return None;
    }
    let line = Span { start: lead, end };
    let hosted = |m: &Mention| -> Option<Target> {
        if m.kind != MentionKind::Organization {
            return None;
        }
        let v = m.value.as_str()?;
        let (code, info) = rules
            .institutes
            .iter()
            .find(|(_, i)| i.hosts.iter().any(|h| h.eq_ignore_ascii_case(v)))?;
        Some(Target {
            value: serde_json::Value::String(super::institute_id(code)),
            name: Some((super::institute_id(code), info.name.clone())),
        })
    };
    let on_line = doc.within(line);
    if let Some(m) = on_line
        .iter()
        .find(|m| m.kind == MentionKind::Institute && !is_network(rules, m))
    {
        return target(rules, m);
    }
    // A ministry's or an agency's own masthead: its "we" is that body, even where it houses
    // an institute.
    if on_line.iter().any(|m| m.kind == MentionKind::Organization) {
        return None;
    }
    let own = rules.coref.as_ref()?.own_name.as_ref()?;
    if !own.is_match(&doc.text[line.start..line.end]) {
        return None;
    }
    doc.mentions
        .iter()
        .take_while(|m| m.start < OPENING)
        .find_map(hosted)
}

/// Whether `before` ends on a page's self-introduction: "We are the", "Welcome to the".
fn introduces(before: &str) -> bool {
    let tail = &before[crate::utf8::floor_char(before, before.len().saturating_sub(24))..];
    let words: Vec<String> = tail
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let words = match words.as_slice() {
        [rest @ .., "the"] => rest,
        w => w,
    };
    matches!(words, [.., "we", "are"] | [.., "welcome", "to"])
}

/// The institute a document's title names (its first institute mention, in the opening
/// 300 bytes): "the institute" in a report headed "Korea's AI Safety Institute: budget and
/// staffing" is Korea's, though the report compares it with others named more often.
fn title_institute(rules: &FactRules, doc: &Doc) -> Option<Target> {
    doc.mentions
        .iter()
        .take_while(|m| m.start < OPENING)
        .find(|m| m.kind == MentionKind::Institute && !is_network(rules, m))
        .and_then(|m| target(rules, m))
}

fn headline_uncached(rules: &FactRules, doc: &Doc) -> Option<Target> {
    let first = doc
        .mentions
        .iter()
        .take_while(|m| m.start < OPENING)
        .find(|m| {
            matches!(m.kind, MentionKind::Institute | MentionKind::Country) && !is_network(rules, m)
        })?;
    let code = first.value.as_str()?;
    let mut n: BTreeMap<&str, usize> = BTreeMap::new();
    for m in doc.mentions {
        if matches!(m.kind, MentionKind::Institute | MentionKind::Country)
            && !is_network(rules, m)
            && let Some(v) = m.value.as_str()
        {
            *n.entry(v).or_default() += 1;
        }
    }
    let top = n.values().copied().max()?;
    let ours = n.get(code).copied().unwrap_or(0);
    let rivals = n.iter().filter(|(k, c)| **k != code && **c >= ours).count();
    (ours == top && rivals == 0)
        .then(|| target(rules, first))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading_of(text: &str, needle: &str) -> Option<String> {
        let at = text.find(needle).expect("needle in text");
        section_heading(text, at, 2000).map(|h| text[h.start..h.end].to_string())
    }

    #[test]
    fn a_short_line_after_a_blank_line_heads_the_section_below_it() {
        let t = "Intro text here.\n\n4. RURITANIA: SMALL AND QUICK\n\nRuritania set it up. The institute grew.";
        assert_eq!(
            heading_of(t, "The institute").as_deref(),
            Some("4. RURITANIA: SMALL AND QUICK")
        );
        let t = "Zenda: from safety to security\n\nThe institute was renamed.";
        assert_eq!(
            heading_of(t, "The institute").as_deref(),
            Some("Zenda: from safety to security")
        );
    }

    #[test]
    fn a_paragraph_starts_after_the_last_blank_line() {
        let t = "First para.\n\nSecond para line one\nline two here.";
        assert_eq!(
            paragraph_start(t, t.find("two").unwrap()),
            t.find("Second").unwrap()
        );
        assert_eq!(paragraph_start(t, 3), 0);
        let long = "word ".repeat(2000);
        assert_eq!(paragraph_start(&long, 9000), 9000 - 4096);
    }

    #[test]
    fn sentences_list_items_and_table_rows_are_no_headings() {
        let t = "One paragraph ends here.\n\n- a bullet item\n\nA\tB\n\nThe institute grew.";
        assert_eq!(heading_of(t, "The institute"), None);
        // A line wrapped inside a paragraph is no heading either.
        let t = "The ministry said on Monday that\nthe institute would open.";
        assert_eq!(heading_of(t, "the institute"), None);
    }
}
