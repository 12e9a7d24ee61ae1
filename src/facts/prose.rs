//! Prose rules at work: in each clause, a trigger, the mentions around it that fill the
//! subject and object roles (by side, distance, voice and clause), the anaphors and
//! lists that fill them when no mention does, and the claims with their qualifiers and
//! the span they cite.

use super::context::{
    is_item, item_label, list_after, list_heading, list_items, sentence_initial_date, timeline_row,
};
use super::rules::{Pick, ProseRule, Side};
use super::text::{Span, Words};
use super::{
    Doc, FactRules, MAX_QUOTE, Target, contains, coref, entity_id, institute_id, is_collective,
    kind_matches, span_of, target,
};
use crate::model::{Claim, Mention, MentionKind, slug};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// "The network", "the Network's": the word by which a sentence speaks of a body of members
/// (as coreference reads it too).
/// "with" straight after a trigger, a word or two on and no punctuation between ("cooperation,
/// including with").
static WITH_NEXT: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^(?:,?\s+(?:including|notably|especially|above all|in particular),?)?\s+(?:[\w-]+\s+){0,2}?with\s").expect("regex")
});
static NETWORK_WORD: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?i)\bnetwork\b").expect("valid pattern"));

/// A candidate mention with its distance in words from the trigger.
struct Cand<'m> {
    m: &'m Mention,
    gap: usize,
    /// Before the trigger: loses ties ("announced in November 2023 and became operational
    /// in early 2024": the date after the verb is its date).
    before: bool,
    target: Target,
}

/// Whether the sentence `s` opens on a body of another kind than the rule's subjects,
/// whose clause the trigger is in: "The Alan Turing Institute, founded in 2015, employs 400
/// people", "DSIT's overall budget of £1.5 billion", "Kenya's ICT ministry, headed by ...".
/// The opening body is the first named one, after the countries that own it ("Kenya's");
/// a party of the subject's kind between it and the trigger ("DSIT's AI Safety Institute
/// employs", "NIST said the institute") takes the trigger back.
fn another_body_opens(doc: &Doc, s: Span, trig: Span, kinds: &[String]) -> bool {
    let named: Vec<&Mention> = doc
        .within(Span {
            start: s.start,
            end: trig.start,
        })
        .into_iter()
        .filter(|m| {
            matches!(
                m.kind,
                MentionKind::Organization | MentionKind::Institute | MentionKind::Country
            ) && m.end <= trig.start
        })
        .collect();
    let Some(&first) = named.first() else {
        return false;
    };
    let lead = doc.text.get(s.start..first.start).unwrap_or("x");
    let opening = lead
        .split(|c: char| !c.is_alphanumeric())
        .all(|w| w.is_empty() || w.eq_ignore_ascii_case("the"));
    if !opening {
        return false;
    }
    // "Kenya's ICT ministry": past the owning countries to the body they own.
    let mut k = 0;
    while named[k].kind == MentionKind::Country
        && let Some(next) = named.get(k + 1)
        && doc
            .text
            .get(named[k].end..next.start)
            .is_some_and(|g| matches!(g.trim(), "'s" | "’s" | "s'"))
    {
        k += 1;
    }
    let head = named[k];
    // A party right after the trigger is its object ("DSIT established the AI Safety
    // Institute"): the opening body acts on it.
    let acted_on = doc
        .within(Span {
            start: trig.end,
            end: s.end,
        })
        .into_iter()
        .filter(|m| kind_matches(m, kinds))
        .any(|m| {
            doc.text
                .get(trig.end..m.start)
                .is_some_and(|g| g.split_whitespace().count() <= 3 && !g.contains([',', ';']))
        });
    // A body that reports, plans or decides speaks of another's ("a newspaper reported 45
    // employees", "the ministry plans to grow the team to 40"): its verb, after any
    // apposition the trigger is not in, is one of those.
    let mut rest = doc
        .text
        .get(head.end..trig.start)
        .unwrap_or("")
        .trim_start();
    if let Some(r) = rest.strip_prefix(',')
        && let Some(close) = r.find(',')
    {
        rest = r[close + 1..].trim_start();
    }
    let verb = rest
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_lowercase();
    const SPEAKS: [&str; 28] = [
        "said",
        "says",
        "reported",
        "reports",
        "told",
        "tells",
        "announced",
        "announces",
        "plans",
        "planned",
        "intends",
        "wants",
        "expects",
        "expected",
        "aims",
        "hopes",
        "proposed",
        "proposes",
        "estimated",
        "estimates",
        "put",
        "puts",
        "described",
        "noted",
        "confirmed",
        "will",
        "would",
        "decided",
    ];
    head.kind == MentionKind::Organization
        && !acted_on
        && !SPEAKS.contains(&verb.as_str())
        && !named[k + 1..].iter().any(|m| kind_matches(m, kinds))
}

/// Whether the trigger belongs to another body than the rule's subjects: right after its
/// possessive ("DSIT's budget for 2024-25 is £3.5 billion", "NIST's director"), or inside a
/// relative clause on it that is still open at the trigger ("housed at ETRI, which was
/// founded in 1976 and has 2,000 staff"), with no party of the subject's kind between.
fn another_body_owns(
    doc: &Doc,
    mentions: &[&Mention],
    c: Span,
    trig: Span,
    kinds: &[String],
) -> bool {
    let before: Vec<&Mention> = mentions
        .iter()
        .copied()
        .filter(|m| m.end <= trig.start && m.start >= c.start)
        .collect();
    let other = |m: &Mention| m.kind == MentionKind::Organization;
    // "DSIT's budget", "NIST's new director".
    if let Some(m) = before.last()
        && other(m)
        && doc.text.get(m.end..trig.start).is_some_and(|g| {
            let g = g.trim_start();
            (g.starts_with("'s ") || g.starts_with("’s ")) && g.split_whitespace().count() <= 3
        })
    {
        return true;
    }
    // ", which ..." right after another body, not closed before the trigger.
    let text = doc.text.get(c.start..trig.start).unwrap_or("");
    let Some(at) = [", which ", ", who "]
        .iter()
        .filter_map(|p| text.rfind(p))
        .max()
    else {
        return false;
    };
    let comma = c.start + at;
    // (A comma in a number, "2,000", closes nothing.)
    let rel = doc.text.get(comma + 2..trig.start).unwrap_or("");
    if rel.contains(", ") || rel.contains(";") {
        return false;
    }
    let owner = before.iter().rev().find(|m| m.end <= comma);
    owner.is_some_and(|m| {
        other(m)
            && doc
                .text
                .get(m.end..comma)
                .is_some_and(|g| g.trim().is_empty())
            && !before
                .iter()
                .any(|x| x.start > comma && kind_matches(x, kinds))
    })
}

/// The two sides of a pairing rule's tie where they are not subject-before and
/// object-after:
/// - "The institute and Acme signed an MoU": the party joined by "and" to the one subject
///   before the trigger is the other side;
/// - "an MoU between A and B": the two parties after "between", the first of the
///   subject's kind the subject;
/// - "Together with A, B ran a joint exercise", "In collaboration with A, B published":
///   a clause that opens on the trigger has its subject after the comma that ends the
///   trigger's object.
#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename them
fn pair_around<'m>(
    rules: &FactRules,
    text: &str,
    c: Span,
    trig: Span,
    mentions: &[&'m Mention],
    rule: &ProseRule,
    subjects: &mut Vec<Cand<'m>>,
    objects: &mut Vec<Cand<'m>>,
) {
    let cand = |m: &'m Mention, before: bool| {
        target(rules, m).map(|t| Cand {
            m,
            gap: 0,
            before,
            target: t,
        })
    };
    let between = |a: usize, b: usize| text.get(a.min(b)..b.max(a)).unwrap_or("x");
    if rule.pair_subjects && objects.is_empty() && subjects.len() == 1 {
        let s0 = span_of(subjects[0].m);
        let value = subjects[0].target.value.clone();
        let joined = mentions
            .iter()
            .copied()
            .filter(|m| m.end <= trig.start && kind_matches(m, &rule.object))
            .filter(|m| {
                let gap = if m.start >= s0.end {
                    between(s0.end, m.start)
                } else {
                    between(m.end, s0.start)
                };
                matches!(gap.trim(), "and" | "&" | "and the" | "& the")
            })
            .filter_map(|m| cand(m, true))
            .find(|o| o.target.value != value);
        if let Some(o) = joined {
            objects.push(o);
        }
        return;
    }
    if !subjects.is_empty() || objects.len() < 2 {
        return;
    }
    let mut after: Vec<&'m Mention> = mentions
        .iter()
        .copied()
        .filter(|m| m.start >= trig.end && kind_matches(m, &rule.object))
        .collect();
    after.sort_by_key(|m| m.start);
    let Some(first) = after.first() else {
        return;
    };
    let lead = text.get(trig.end..first.start).unwrap_or("").trim();
    let opens = text
        .get(c.start..trig.start)
        .unwrap_or("")
        .trim()
        .trim_start_matches(|ch: char| !ch.is_alphanumeric())
        .trim();
    let (subject, object) = if rule.pair_subjects
        && (lead.ends_with("between") || lead.ends_with("between the"))
        && after.len() >= 2
    {
        let (a, b) = (after[0], after[1]);
        if !matches!(
            between(a.end, b.start).trim(),
            "and" | "&" | "and the" | "& the"
        ) {
            return;
        }
        if kind_matches(a, &rule.subject) {
            (a, b)
        } else {
            (b, a)
        }
    } else if rule.fronted_subject && matches!(opens, "" | "In" | "in") {
        // The comma that closes the opening phrase, then the first party of the
        // subject's kind.
        let Some(comma) = text.get(after[0].end..c.end).and_then(|t| t.find(',')) else {
            return;
        };
        let comma = after[0].end + comma;
        let Some(sub) = after
            .iter()
            .copied()
            .find(|m| m.start > comma && kind_matches(m, &rule.subject))
        else {
            return;
        };
        if text
            .get(comma + 1..sub.start)
            .is_none_or(|t| t.split_whitespace().count() > 2)
        {
            return;
        }
        (sub, after[0])
    } else {
        return;
    };
    if !kind_matches(subject, &rule.subject) {
        return;
    }
    if let (Some(sc), Some(oc)) = (cand(subject, false), cand(object, false))
        && sc.target.value != oc.target.value
    {
        subjects.push(sc);
        objects.clear();
        objects.push(oc);
    }
}

#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename them
fn candidates<'m>(
    rules: &FactRules,
    words: &Words,
    mentions: &[&'m Mention],
    kinds: &[String],
    value: Option<&str>,
    side: Side,
    trigger: Span,
    max_words: usize,
) -> Vec<Cand<'m>> {
    let pool: Vec<&'m Mention> = mentions
        .iter()
        .copied()
        .filter(|m| kind_matches(m, kinds))
        .collect();
    let mut out = Vec::new();
    for m in &pool {
        let sp = span_of(m);
        // A mention that is the trigger's own word is not a party to it; one that holds
        // the trigger ("about 30 people", "AI Action Summit in Paris") is.
        if contains(trigger, sp) {
            continue;
        }
        // A country inside an institute's name ("Japan AI Safety Institute") is that name.
        if pool
            .iter()
            .any(|o| !std::ptr::eq(*o, *m) && contains(span_of(o), sp) && span_of(o) != sp)
        {
            continue;
        }
        // A country right before an organisation's name ("the US National Institute of
        // Standards and Technology") says whose it is: the organisation is the party.
        if m.kind == MentionKind::Country
            && mentions.iter().any(|o| {
                // (one byte apart: the space between them)
                o.kind == MentionKind::Organization && o.start == sp.end + 1
            })
        {
            continue;
        }
        let ok_side = match side {
            Side::Before => sp.end <= trigger.start,
            Side::After => sp.start >= trigger.end,
            Side::Any => true,
        };
        if !ok_side {
            continue;
        }
        let gap = words.gap(sp, trigger);
        if gap > max_words {
            continue;
        }
        let Some(t) = target(rules, m) else { continue };
        if let Some(v) = value
            && t.value.as_str().map(|s| s.rsplit(':').next() == Some(v)) != Some(true)
        {
            continue;
        }
        out.push(Cand {
            m,
            gap,
            before: sp.end <= trigger.start,
            target: t,
        });
    }
    out
}

/// The 40 bytes of text before `at`: what rules read for the words that lead into a
/// mention (`subject_not_after`, `subject_after_via`, `date_qualifier_not_after`).
fn lead_in(text: &str, at: usize) -> &str {
    &text[crate::utf8::floor_char(text, at.saturating_sub(40))..at]
}

/// Whether a party named at `at`, after the trigger, is linked to it as
/// `subject_after_via` asks (any link when the rule asks none).
fn linked_after(rule: &ProseRule, text: &str, at: usize) -> bool {
    rule.subject_after_via
        .as_ref()
        .is_none_or(|r| r.is_match(lead_in(text, at)))
}

fn pick<'m>(mut c: Vec<Cand<'m>>, how: Pick) -> Vec<Cand<'m>> {
    match how {
        Pick::All => {
            let mut seen = BTreeSet::new();
            c.retain(|x| seen.insert(x.target.key()));
            c
        }
        Pick::Nearest => {
            c.sort_by_key(|x| (x.gap, x.before, x.m.start));
            c.truncate(1);
            c
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn prose_rule(
    rules: &FactRules,
    rule: &ProseRule,
    doc: &Doc,
    words: &Words,
    s: Span,
    prev: Option<Span>,
    out: &mut Vec<Claim>,
) {
    let whole = &doc.text[s.start..s.end];
    // Clauses: "Kenya is a member, while Germany and Italy are not" is two statements.
    let mut clauses = Vec::new();
    let mut at = 0;
    if let Some(split) = &rule.clause_split {
        for m in split.find_iter(whole) {
            clauses.push(Span {
                start: s.start + at,
                end: s.start + m.start(),
            });
            at = m.end();
        }
    }
    clauses.push(Span {
        start: s.start + at,
        end: s.end,
    });
    for c in clauses {
        prose_clause(rules, rule, doc, words, s, c, prev, out);
    }
}

#[allow(clippy::too_many_arguments)]
fn prose_clause(
    rules: &FactRules,
    rule: &ProseRule,
    doc: &Doc,
    words: &Words,
    s: Span,
    c: Span,
    prev: Option<Span>,
    out: &mut Vec<Claim>,
) {
    let sentence = &doc.text[c.start..c.end];
    // No trigger, no claim: the cheapest test first.
    if !rule.trigger.is_match(sentence) {
        return;
    }
    if rule.exclude.as_ref().is_some_and(|x| x.is_match(sentence))
        || rule.require.as_ref().is_some_and(|x| !x.is_match(sentence))
    {
        return;
    }
    let excluded = |t: &Target| {
        (rule.exclude_collective && is_collective(rules, t))
            || t.value.as_str().is_some_and(|v| {
                let key = v.rsplit(':').next().unwrap_or(v);
                rule.exclude_values
                    .iter()
                    .any(|x| x == key || slug(x) == key)
            })
    };
    let mentions: Vec<&Mention> = doc
        .within(c)
        .into_iter()
        .filter(|m| {
            (rule.exclude_values.is_empty() && !rule.exclude_collective)
                || target(rules, m).is_none_or(|t| !excluded(&t))
        })
        .collect();
    // A list rule reads only the items of a list under its heading, and an item's label
    // ("- Borduria: a memorandum ...") is the object: one name and nothing more.
    // (With where the list's heading starts: the passage before it is the one the list
    // belongs to, not the items above.)
    let label: Option<(Span, &Mention, Target, usize)> = match &rule.list_heading {
        None => None,
        Some(h) => {
            let Some(l) = item_label(doc.text, c) else {
                return;
            };
            let Some((head_at, _)) = list_heading(doc.text, c.start).filter(|(_, t)| h.is_match(t))
            else {
                return;
            };
            let named: Vec<&Mention> = mentions
                .iter()
                .copied()
                .filter(|m| m.start >= l.start && m.end <= l.end)
                .collect();
            let [m] = named.as_slice() else {
                return;
            };
            let rest = format!(
                "{} {}",
                &doc.text[l.start..m.start],
                &doc.text[m.end..l.end]
            );
            if !kind_matches(m, &rule.object)
                || rest
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| !w.is_empty() && !w.eq_ignore_ascii_case("the"))
            {
                return;
            }
            let Some(t) = target(rules, m) else {
                return;
            };
            Some((l, *m, t, head_at))
        }
    };
    // Most clauses lack a party the rule needs: skip them before running the trigger.
    let may_have_subject = rule.subject_coref
        || rule.subject_lookback > 0
        || mentions.iter().any(|m| kind_matches(m, &rule.subject));
    let may_have_object = (rule.objects == Pick::All && sentence.trim_end().ends_with(':'))
        || rule.heading_object
        || rule.object_implied
        || rule.object_lookback > 0
        || mentions.iter().any(|m| kind_matches(m, &rule.object));
    if !may_have_subject || !may_have_object {
        return;
    }
    for t in rule.trigger.find_iter(sentence) {
        let trig = Span {
            start: c.start + t.start(),
            end: c.start + t.end(),
        };
        // A trigger inside an organisation's name ("the Global Partnership on AI") is that
        // name, not a statement.
        if mentions
            .iter()
            .any(|m| m.kind == MentionKind::Organization && contains(span_of(m), trig))
        {
            continue;
        }
        if rule.opening_body_blocks && another_body_opens(doc, s, trig, &rule.subject) {
            continue;
        }
        if rule.other_body_blocks && another_body_owns(doc, &mentions, c, trig, &rule.subject) {
            continue;
        }
        // An object the rule turned away ("exploring cooperation with India") leaves the
        // trigger without a tie: the parties before it are not paired instead.
        let mut refused = false;
        let mut objects = pick(
            candidates(
                rules,
                words,
                &mentions,
                &rule.object,
                rule.object_value.as_deref(),
                rule.object_side,
                trig,
                rule.max_object_words.unwrap_or(rule.max_words),
            )
            .into_iter()
            .filter(|o| !rule.object_collective || is_collective(rules, &o.target))
            .filter(|o| {
                rule.object_unit
                    .as_deref()
                    .is_none_or(|u| o.target.value.get("unit").and_then(Value::as_str) == Some(u))
            })
            // "priority access to £1.5 billion of compute" is no budget.
            .filter(|o| {
                let ok = rule.object_not_after.as_ref().is_none_or(|r| {
                    let from = crate::utf8::floor_char(doc.text, o.m.start.saturating_sub(80));
                    !r.is_match(&doc.text[from..o.m.start])
                });
                refused |= !ok;
                ok
            })
            .filter(|o| {
                rule.object_not_before.as_ref().is_none_or(|r| {
                    let to = crate::utf8::floor_char(doc.text, (o.m.end + 80).min(doc.text.len()));
                    !r.is_match(&doc.text[o.m.end..to])
                })
            })
            // An object set off from the trigger by another clause is out before the nearest
            // is chosen, so that the trigger's own (farther) object can be.
            .filter(|o| {
                rule.trigger_gap_exclude.as_ref().is_none_or(|x| {
                    let (a, b) = if trig.end <= o.m.start {
                        (trig.end, o.m.start)
                    } else {
                        (o.m.end, trig.start.max(o.m.end))
                    };
                    doc.text.get(a..b).is_none_or(|t| !x.is_match(t))
                })
            })
            .collect(),
            rule.objects,
        );
        if let Some((l, m, t, _)) = &label {
            // The item's value states the tie; its label names the other side.
            if trig.start < l.end {
                continue;
            }
            objects = vec![Cand {
                m,
                gap: 0,
                before: true,
                target: t.clone(),
            }];
        }
        // "£50m in 2023-24 and £66m in 2024-25", "¥1.1 billion for fiscal 2024 and ¥2.2
        // billion for fiscal 2025": amounts joined to the object by "and" (a period between
        // them) are objects too.
        let mut coordinated: Vec<usize> = Vec::new();
        if label.is_none() && rule.object.iter().any(|k| k == "money") {
            while let Some(last) = objects.iter().map(|o| o.m).max_by_key(|m| m.end) {
                let next = mentions.iter().copied().find(|m| {
                    m.kind == MentionKind::Money
                        && m.start >= last.end
                        && m.end <= c.end
                        && coordinated_amount(doc, &mentions, last.end, m.start)
                });
                let Some(n) = next else { break };
                let Some(t) = target(rules, n) else { break };
                coordinated.push(n.start);
                objects.push(Cand {
                    m: n,
                    gap: objects.first().map_or(0, |o| o.gap),
                    before: false,
                    target: t,
                });
            }
        }
        let mut object_span: Option<Span> = objects.first().map(|o| span_of(o.m));
        let mut heading: Option<Span> = None;
        if objects.is_empty() && rule.heading_object {
            // A dateline such as "FEBRUARY 14, 2024" above the sentence it dates.
            if let Some(p) = prev {
                let ms = doc.within(p);
                let sole = ms
                    .iter()
                    .copied()
                    .filter(|m| kind_matches(m, &rule.object))
                    .collect::<Vec<_>>();
                let covered: usize = sole.iter().map(|m| m.end - m.start).sum();
                let len = doc.text[p.start..p.end]
                    .trim_matches(|c: char| c.is_whitespace() || "*:_#".contains(c))
                    .len();
                if sole.len() == 1
                    && len <= covered + 2
                    && let Some(tg) = target(rules, sole[0])
                {
                    {
                        heading = Some(p);
                        object_span = Some(span_of(sole[0]));
                        objects.push(Cand {
                            m: sole[0],
                            gap: 0,
                            before: true,
                            target: tg,
                        });
                    }
                }
            }
        }
        let mut sentence_dated = false;
        if objects.is_empty()
            && rule.sentence_date
            && let Some(d) = sentence_initial_date(doc, s, &mentions)
            && let Some(tg) = target(rules, d)
        {
            // "On 20 May 2024, delegates from ten countries met for the first time":
            // a date that opens the sentence dates what the sentence tells.
            object_span = Some(span_of(d));
            sentence_dated = true;
            objects.push(Cand {
                m: d,
                gap: 0,
                before: true,
                target: tg,
            });
        }
        if objects.is_empty() && rule.object_lookback > 0 {
            // The object named shortly before ("the Network ... This network includes").
            let from = s.start.saturating_sub(rule.object_lookback);
            let found = doc
                .within(Span {
                    start: from,
                    end: s.start,
                })
                .iter()
                .rev()
                .filter(|m| kind_matches(m, &rule.object))
                .filter_map(|m| target(rules, m))
                .find(|t| {
                    (!rule.object_collective || is_collective(rules, t))
                        && rule.object_value.as_deref().is_none_or(|v| {
                            t.value.as_str().and_then(|s| s.rsplit(':').next()) == Some(v)
                        })
                });
            if let Some(t) = found {
                let (id, name) = t.name.clone().unwrap_or_default();
                objects_implied(&mut objects, id, name);
                if let Some(o) = objects.last_mut() {
                    o.target = t;
                }
            }
        }
        let mut listed: Option<Span> = None;
        // The list must be what the trigger introduces ("federates four bodies:"), said of a
        // party the clause names or refers to before the trigger.
        let introduces_list = || {
            let tail = doc.text.get(trig.end..c.end).unwrap_or("");
            let named = mentions
                .iter()
                .any(|m| kind_matches(m, &rule.subject) && m.end <= trig.start)
                || rules.coref.as_ref().is_some_and(|cr| {
                    cr.anaphor
                        .is_match(doc.text.get(c.start..trig.start).unwrap_or(""))
                });
            tail.split_whitespace().count() <= 6 && named
        };
        if objects.is_empty()
            && rule.objects == Pick::All
            && let Some(list) = list_after(doc.text, c)
            && introduces_list()
        {
            // "federates four bodies:" and the bodies in a bulleted list below: the first
            // mention of an object kind in each item.
            for item in list_items(doc.text, list) {
                let found = doc
                    .within(item)
                    .into_iter()
                    .filter(|m| kind_matches(m, &rule.object))
                    .find_map(|m| target(rules, m).map(|t| (m, t)));
                if let Some((m, t)) = found
                    && objects.iter().all(|o| o.target.value != t.value)
                {
                    objects.push(Cand {
                        m,
                        gap: 0,
                        before: false,
                        target: t,
                    });
                }
            }
            if !objects.is_empty() {
                listed = Some(list);
            }
        }
        let implied = objects.is_empty() && rule.object_implied;
        if implied && let Some(v) = &rule.object_value {
            {
                let id = if rule.object.iter().any(|k| k == "institute") {
                    institute_id(v)
                } else {
                    entity_id(
                        rule.object.first().map_or("organization", String::as_str),
                        v,
                    )
                };
                let name = rules
                    .institutes
                    .get(v)
                    .map_or_else(|| v.clone(), |i| i.name.clone());
                objects_implied(&mut objects, id, name);
            }
        }
        let mut subjects: Vec<Cand> = candidates(
            rules,
            words,
            &mentions,
            &rule.subject,
            None,
            rule.subject_side,
            trig,
            rule.max_words,
        )
        .into_iter()
        // A party inside the other's name ("Japan AI Safety Institute", "AI Seoul Summit")
        // is part of that name, not a party of its own.
        .filter(|c| object_span.is_none_or(|o| !contains(o, span_of(c.m)) || objects.len() > 1))
        .filter(|c| {
            rule.subject_not_after
                .as_ref()
                .is_none_or(|r| !r.is_match(lead_in(doc.text, c.m.start)))
        })
        .filter(|c| c.before || linked_after(rule, doc.text, c.m.start))
        .filter(|c| {
            rule.subject_not_before.as_ref().is_none_or(|r| {
                let to = crate::utf8::floor_char(doc.text, (c.m.end + 80).min(doc.text.len()));
                c.m.end == 0 || !r.is_match(&doc.text[c.m.end..to])
            })
        })
        .filter(|c| objects.iter().all(|o| o.target.value != c.target.value) || objects.len() > 1)
        .filter(|c| !rule.subject_collective || is_collective(rules, &c.target))
        .collect();
        if rule.pair_subjects || rule.fronted_subject {
            pair_around(
                rules,
                doc.text,
                c,
                trig,
                &mentions,
                rule,
                &mut subjects,
                &mut objects,
            );
        }
        // Two parties and no object ("the UK and Singapore AISIs announced a partnership").
        let pairing = rule.pair_subjects && objects.is_empty() && !refused && subjects.len() >= 2;
        if pairing {
            // The two parties nearest the trigger, named together ("the UK and Singapore").
            subjects.sort_by_key(|x| (x.gap, x.m.start));
            subjects.truncate(2);
            if words.gap(span_of(subjects[0].m), span_of(subjects[1].m)) > 2
                || subjects[0].target.value == subjects[1].target.value
            {
                subjects.clear();
            }
        } else {
            subjects = pick(subjects, rule.subjects);
        }
        let mut fallback_subject: Option<Target> = None;
        // "The institute sits within ISED", "Its director is ...": the subject is the
        // institute named last (or the document's own), the anaphor's span the source.
        let coref = if rule.subject_coref && !pairing {
            coref::subject(rules, doc, c, &mentions, words, trig, rule)
                .filter(|(t, _)| !excluded(t))
        } else {
            None
        };
        if coref.is_none() && subjects.is_empty() && rule.subject_event.is_some() {
            fallback_subject = coref::collective(rules, doc);
        }
        let mut named_at: Option<Span> = None;
        if let Some((t, at)) = &coref {
            if subjects.is_empty() {
                fallback_subject = Some(t.clone());
                named_at = *at;
            } else if rule.subjects == Pick::All
                && subjects.iter().all(|s| s.target.value != t.value)
                && objects.iter().all(|o| o.target.value != t.value)
            {
                objects_implied_subject(&mut subjects, t.clone());
                named_at = *at;
            }
        }
        // "All six are founding members of the Network": the list of six named last.
        if rule.subject_coref && rule.subjects == Pick::All && !pairing {
            for t in coref::plural(rules, doc, c, trig) {
                if !excluded(&t)
                    && subjects.iter().all(|s| s.target.value != t.value)
                    && objects.iter().all(|o| o.target.value != t.value)
                {
                    objects_implied_subject(&mut subjects, t);
                }
            }
        }
        // Only a full sentence that names no candidate at all refers back ("There are about
        // 30 people."); a table cell or a far-off name does not.
        // A clause that names a party the rule leaves out (the Network, where only its
        // members partner) or speaks of "the network" has a subject of its own.
        // (A country inside an organisation's name, "Canadian Institute for ...", is that
        // name.)
        // A party named only as the object the trigger takes "with", the other side
        // ("cooperation with the institutes of A and B", "a joint report with A"), is no
        // subject of the clause's own; one named "by" or "from" is ("co-chaired by A and
        // B", "a partnership, launched with money from A").
        let all = doc.within(c);
        let with_after = doc
            .text
            .get(trig.end..c.end)
            .is_some_and(|t| WITH_NEXT.is_match(t));
        let is_object = |m: &Mention| {
            with_after
                && objects
                    .iter()
                    .any(|o| o.m.end > 0 && o.m.start >= trig.end && span_of(o.m) == span_of(m))
        };
        // A list item's label, and a body of its name ("Borduria: a partnership with the
        // Bordurian institute"), are the other side.
        let is_label = |m: &Mention| {
            label
                .as_ref()
                .is_some_and(|(_, _, t, _)| target(rules, m).is_some_and(|x| x.value == t.value))
        };
        // A body named after the trigger by no link `subject_after_via` allows belongs to
        // another clause: it neither is the subject nor keeps the passage's institute out.
        let other_clause =
            |m: &Mention| m.start >= trig.end && !linked_after(rule, doc.text, m.start);
        let refers_back = (ends_as_sentence(sentence)
            || (rule.label_lines && is_label_line(sentence))
            || (rule.unstopped_lines && is_unstopped_line(rules, doc, s, trig))
            || label.is_some())
            && !all.iter().any(|m| {
                kind_matches(m, &rule.subject)
                    && !is_object(m)
                    && !is_label(m)
                    && !other_clause(m)
                    && !all.iter().any(|o| {
                        o.kind != m.kind
                            && contains(span_of(o), span_of(m))
                            && span_of(o) != span_of(m)
                    })
            })
            && !NETWORK_WORD.is_match(sentence)
            && rule
                .lookback_exclude
                .as_ref()
                .is_none_or(|x| !x.is_match(sentence));
        // "We have 40 staff" where "we" is no institute (a think tank's brief, a ministry's
        // release): the clause has a subject of its own, not the passage's institute.
        let spoken = rule.subject_coref
            && coref.is_none()
            && rules
                .coref
                .as_ref()
                .and_then(|cr| cr.speaker.as_ref())
                .is_some_and(|sp| sp.is_match(doc.text.get(c.start..trig.start).unwrap_or("")));
        if subjects.is_empty()
            && fallback_subject.is_none()
            && rule.subject_lookback > 0
            && refers_back
            && !spoken
        {
            // The institute a passage is about, named shortly before this sentence.
            let upto = label.as_ref().map_or(s.start, |(_, _, _, h)| *h);
            let from = upto.saturating_sub(rule.subject_lookback);
            let before = doc.within(Span {
                start: from,
                end: upto,
            });
            let sheet = is_label_line(sentence);
            let named: Vec<(usize, Target)> = before
                .iter()
                .copied()
                .rev()
                .filter(|m| kind_matches(m, &rule.subject))
                // On a fact sheet, another line's value is not the sheet's subject.
                .filter(|m| !sheet || !in_other_label_value(doc.text, m, c))
                .filter_map(|m| Some((m.start, target(rules, m)?)))
                .filter(|(_, t)| !excluded(t))
                .collect();
            // A section headed by one institute is about it.
            // (From the trigger: a heading may open the sentence's own segment.)
            let section = coref::section_topic(rules, doc, trig.start, rule.subject_lookback)
                .map(|(t, _)| t)
                .filter(|t| !excluded(t));
            // In a document plainly about one institute, a passage that names it is about
            // it, whatever other body it names last in passing.
            let strong = coref::strong_topic(rules, doc)
                .filter(|t| named.iter().any(|(_, n)| n.value == t.value));
            // The institute named last in this paragraph; one named in an earlier paragraph
            // gives way to the document's topic.
            let para = coref::paragraph_start(doc.text, upto);
            let in_para = named
                .iter()
                .find(|(at, _)| *at >= para)
                .map(|(_, t)| t.clone());
            // On a fact sheet, a topic named only in other lines' values ("Members: A, B")
            // is no subject either.
            let topic = coref::document_institute(rules, doc)
                .filter(|t| !excluded(t))
                .filter(|t| {
                    !sheet
                        || doc.mentions.iter().any(|m| {
                            target(rules, m).is_some_and(|x| x.value == t.value)
                                && !in_other_label_value(doc.text, m, c)
                        })
                });
            fallback_subject = section
                .or(strong)
                .or(in_para)
                .or(topic)
                .or_else(|| named.into_iter().next().map(|(_, t)| t));
        }
        // "- Borduria: worked jointly with the Bordurian Standards Office": the value names
        // the partner itself, and the label only groups it by country.
        if let Some((l, _, t, _)) = &label {
            let own = subjects
                .first()
                .map(|c| c.target.value.clone())
                .or_else(|| fallback_subject.as_ref().map(|f| f.value.clone()));
            let other = all.iter().any(|m| {
                m.start >= l.end
                    && kind_matches(m, &rule.object)
                    && target(rules, m).is_some_and(|x| {
                        x.value != t.value
                            && Some(&x.value) != own.as_ref()
                            && !is_collective(rules, &x)
                    })
            });
            if other {
                continue;
            }
        }
        let mut pairs: Vec<(Target, Target)> = Vec::new();
        if objects.is_empty() {
            if pairing && subjects.len() == 2 {
                pairs.push((subjects[1].target.clone(), subjects[0].target.clone()));
            }
        } else {
            let subs: Vec<Target> = if subjects.is_empty() {
                fallback_subject.into_iter().collect()
            } else {
                subjects.iter().map(|c| c.target.clone()).collect()
            };
            let sub_spans: Vec<Option<Span>> = if subjects.is_empty() {
                vec![None]
            } else {
                subjects
                    .iter()
                    .map(|c| (c.m.end > 0).then(|| span_of(c.m)))
                    .collect()
            };
            // A clause that names no subject and states a date past an institute's
            // bounds before its trigger ("The agency was established in 1970 and has a
            // budget of ¥40 billion") tells of the host or partner its anaphor refers to.
            // (After the object it may be the object's own: "headed by A, an official
            // since the 1990s".)
            let older_body = subjects.is_empty()
                && rules.bounds.as_ref().is_some_and(|b| {
                    all.iter().any(|m| {
                        m.kind == MentionKind::Date
                            && m.end <= trig.start
                            && target(rules, m).is_some_and(|t| !b.allows(&t.value))
                    })
                });
            for (sub, sspan) in subs.iter().zip(sub_spans) {
                if older_body
                    && sub
                        .value
                        .as_str()
                        .is_some_and(|v| v.starts_with("institute:"))
                {
                    continue;
                }
                for o in &objects {
                    // An institute is young and small: an older date or a larger count
                    // is the host's or partner's named beside it.
                    if sub
                        .value
                        .as_str()
                        .is_some_and(|v| v.starts_with("institute:"))
                        && rules
                            .bounds
                            .as_ref()
                            .is_some_and(|b| !b.allows(&o.target.value))
                    {
                        continue;
                    }
                    // "AI Seoul Summit" does not place the summit in Seoul; "AI Action
                    // Summit in Paris", with the trigger inside the name, does.
                    if let Some(sp) = sspan
                        && o.m.end > 0
                        && contains(sp, span_of(o.m))
                        && !(contains(sp, trig) && trig.end <= o.m.start)
                    {
                        continue;
                    }
                    // The object belongs to the subject's clause: after it where the rule says
                    // so, and with no clause boundary between them. (An amount joined to
                    // the object by "and" was checked through the object.)
                    let joined = coordinated.contains(&o.m.start);
                    if let Some(sp) = sspan
                        && !joined
                        && o.m.end > 0
                        && heading.is_none()
                        && !sentence_dated
                    {
                        if rule.object_after_subject
                            && o.m.end <= sp.start
                            && doc.text.get(o.m.end..sp.start).is_none_or(|t| {
                                t.contains([',', ';', ':', '(', ')', '—', '–'])
                                    || t.split_whitespace().count() > 3
                                    || t.split_whitespace().any(|w| w == "and")
                            })
                        {
                            continue;
                        }
                        let (a, b) = if sp.end <= o.m.start {
                            (sp.end, o.m.start)
                        } else {
                            (o.m.end, sp.start.max(o.m.end))
                        };
                        if let Some(x) = &rule.between_exclude
                            && doc.text.get(a..b).is_some_and(|t| x.is_match(t))
                        {
                            continue;
                        }
                    }
                    if let Some(x) = &rule.trigger_gap_exclude
                        && !joined
                        && o.m.end > 0
                        && heading.is_none()
                        && !sentence_dated
                    {
                        let (a, b) = if trig.end <= o.m.start {
                            (trig.end, o.m.start)
                        } else {
                            (o.m.end, trig.start.max(o.m.end))
                        };
                        if doc.text.get(a..b).is_some_and(|t| x.is_match(t)) {
                            continue;
                        }
                    }
                    let near = match (rule.max_pair_words, sspan) {
                        (Some(n), Some(sp)) if o.m.end > 0 => words.gap(sp, span_of(o.m)) <= n,
                        _ => true,
                    };
                    if near && sub.value != o.target.value {
                        pairs.push((sub.clone(), o.target.clone()));
                    }
                }
            }
        }
        if rule.subject_collective {
            pairs.retain(|(sub, _)| is_collective(rules, sub));
        }
        if let Some(tpl) = &rule.subject_event {
            // A sentence that names a body of members, or says "the network", tells of
            // that body's meeting, whichever member it names first ("the members of the
            // Network, A, B and C, met for the first time").
            let network = mentions
                .iter()
                .filter(|m| m.kind == MentionKind::Institute)
                .filter_map(|m| target(rules, m))
                .find(|t| is_collective(rules, t))
                .or_else(|| {
                    NETWORK_WORD
                        .is_match(sentence)
                        .then(|| coref::collective(rules, doc))
                        .flatten()
                });
            if let Some(n) = network {
                for (sub, _) in &mut pairs {
                    *sub = n.clone();
                }
            }
            // An event named by what it is of ("the Network held its first meeting"):
            // the event's name from the body's canonical name.
            for (sub, _) in &mut pairs {
                let Some((_, name)) = &sub.name else { continue };
                let event = tpl.replace("{name}", name);
                let id = entity_id("event", &event);
                *sub = Target {
                    value: Value::String(id.clone()),
                    name: Some((id, event)),
                };
            }
        }
        if pairs.is_empty() {
            continue;
        }
        // Qualifiers and predicate changes.
        let mut predicate = rule.predicate.clone();
        let mut q: BTreeMap<String, Value> = rule.qualifiers.clone();
        for mk in &rule.marks {
            if mk.pattern.is_match(sentence) {
                if let Some(p) = &mk.predicate {
                    predicate = p.clone();
                }
                if let Some(k) = &mk.key {
                    q.insert(k.clone(), mk.value.clone().unwrap_or(Value::Bool(true)));
                }
            }
        }
        if let Some(k) = &rule.trigger_qualifier {
            let tq = t.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
            q.entry(k.clone())
                .or_insert(Value::String(tq.to_lowercase()));
        }
        // "was renamed the AI Security Institute": the new name, as the text gives it.
        if let Some(re) = &rule.name_from
            && let Some(name) = re
                .captures(&sentence[t.start()..])
                .and_then(|c| {
                    // Alternatives each name their group `name...`: the one that took part.
                    re.capture_names()
                        .flatten()
                        .filter(|n| n.starts_with("name"))
                        .find_map(|n| c.name(n))
                })
                .map(|m| clean_name(m.as_str()))
                .filter(|n| !n.is_empty())
        {
            q.entry("name".to_string()).or_insert(Value::String(name));
        }
        // Each of several amounts has the period stated right after it ("£50m in 2023-24
        // and £66m in 2024-25"), else the sentence's.
        let mut own_periods: Vec<(Value, Value)> = Vec::new();
        if let Some(k) = &rule.period_qualifier {
            // A span of months or years, or a year right after the amount that it is for
            // ("€46.5 million for 2025", "£50 million a year in 2024"; not "the institute,
            // founded in 2023, has £66m").
            let amount_end = objects.first().map_or(usize::MAX, |o| o.m.end);
            let is_period_after = |m: &Mention, amount_end: usize| {
                m.kind == MentionKind::Date
                    && (is_period(&m.value)
                        || (m.value.as_str().is_some_and(|v| v.len() == 4)
                            && m.start >= amount_end
                            && doc.text.get(amount_end..m.start).is_some_and(|g| {
                                g.split_whitespace().count() <= 4 && !g.contains([',', ';'])
                            })
                            && FOR_YEAR.is_match(lead_in(doc.text, m.start))))
            };
            let period_value = |d: &Mention| {
                over_years(lead_in(doc.text, d.start), &d.value).unwrap_or(d.value.clone())
            };
            let d = mentions
                .iter()
                .filter(|m| is_period_after(m, amount_end))
                .min_by_key(|m| words.gap(span_of(m), trig));
            if let Some(d) = d {
                q.entry(k.clone()).or_insert(period_value(d));
            }
            if objects.len() > 1 {
                for o in &objects {
                    // Up to the next object's start: the period right after this one.
                    let upto = objects
                        .iter()
                        .map(|x| x.m.start)
                        .filter(|&st| st > o.m.start)
                        .min()
                        .unwrap_or(c.end);
                    let own = mentions.iter().find(|m| {
                        m.start >= o.m.end
                            && m.end <= upto
                            && words.gap(span_of(o.m), span_of(m)) <= 4
                            && is_period_after(m, o.m.end)
                    });
                    if let Some(d) = own {
                        own_periods.push((o.target.value.clone(), period_value(d)));
                    }
                }
            }
        }
        if let Some(k) = &rule.date_qualifier
            && !rule.object.iter().any(|o| o == "date")
        {
            let d = mentions
                .iter()
                .filter(|m| m.kind == MentionKind::Date)
                .filter(|m| {
                    rule.date_qualifier_not_after
                        .as_ref()
                        .is_none_or(|r| !r.is_match(lead_in(doc.text, m.start)))
                })
                .min_by_key(|m| words.gap(span_of(m), trig));
            if let Some(d) = d {
                q.entry(k.clone()).or_insert(d.value.clone());
            }
        }
        // The source: the sentence (with its dateline), cut to the claim when long.
        let mut span = s;
        if let Some(h) = heading {
            span.start = h.start;
        }
        if let Some(l) = listed {
            span.end = span.end.max(l.end);
        }
        // The quote reaches back to where the text named what an anaphor stands for, when
        // that is near enough to quote ("The Ruritanian AISI opened in May. It sits ...").
        if let Some(a) = named_at
            && a.start < span.start
            && span.end.saturating_sub(a.start) <= MAX_QUOTE
        {
            span.start = a.start;
        }
        if span.end - span.start > MAX_QUOTE {
            let mut lo = trig.start;
            let mut hi = trig.end;
            for c in subjects.iter().chain(objects.iter()) {
                if c.m.end > 0 {
                    lo = lo.min(c.m.start);
                    hi = hi.max(c.m.end);
                }
            }
            span = Span {
                start: lo.max(span.start),
                end: hi.min(span.end),
            };
        }
        for (sub, obj) in pairs {
            let mut names = BTreeMap::new();
            for t in [&sub, &obj] {
                if let Some((id, n)) = &t.name {
                    names.insert(id.clone(), n.clone());
                }
            }
            let Some(subject) = sub.value.as_str() else {
                continue;
            };
            let mut qualifiers = q.clone();
            // "Start of operations: early 2027" on a page of 2026 is a plan.
            if rule.planned_when_future
                && let (Some(v), Some(p)) = (obj.value.as_str(), doc.published)
                && starts_after(v, p)
            {
                qualifiers.insert("status".into(), Value::String("planned".into()));
            }
            if let (Some(k), Some((_, p))) = (
                &rule.period_qualifier,
                own_periods.iter().find(|(v, _)| *v == obj.value),
            ) {
                qualifiers.insert(k.clone(), p.clone());
            }
            out.push(Claim {
                subject: subject.to_string(),
                predicate: predicate.clone(),
                object: obj.value.clone(),
                qualifiers,
                source: doc.source(span, &rule.id),
                names,
            });
        }
    }
}

/// Whether a date value ("2027", "2026-11", "2026-11-20/2026-11-21") begins after the day
/// `published` ("2026-06-01"; a month or year alone is its first day).
fn starts_after(value: &str, published: &str) -> bool {
    use crate::find::dates::Ymd;
    let first = Ymd::parse(value.split('/').next().unwrap_or(value));
    let published = Ymd::parse(published);
    // A publication date known to the month or year is read at its end, so that only a
    // date surely after it counts.
    matches!((first, published), (Some(a), Some(p))
        if (a.y, a.m.unwrap_or(1), a.d.unwrap_or(1)) > (p.y, p.m.unwrap_or(12), p.d.unwrap_or(31)))
}

/// Whether the text between two amounts joins the second to the first as another amount of
/// the same kind: "and", "plus", "and a further", with at most a period named between
/// ("£50m in 2023-24 and £66m", "¥1.1 billion for fiscal 2024 and ¥2.2 billion").
fn coordinated_amount(doc: &Doc, mentions: &[&Mention], from: usize, to: usize) -> bool {
    const WORDS: [&str; 22] = [
        "in",
        "for",
        "during",
        "the",
        "fiscal",
        "financial",
        "year",
        "fy",
        "and",
        "plus",
        "a",
        "further",
        "another",
        "additional",
        "then",
        "up",
        "to",
        "about",
        "around",
        "nearly",
        "some",
        "over",
    ];
    let Some(gap) = doc.text.get(from..to) else {
        return false;
    };
    if gap.len() > 48 || gap.contains([';', '.', ':', '(', ')', '\n']) {
        return false;
    }
    // The words outside date mentions.
    let mut rest = String::with_capacity(gap.len());
    let mut at = from;
    for m in mentions.iter().filter(|m| m.start >= from && m.end <= to) {
        if m.kind != MentionKind::Date || m.start < at {
            return false;
        }
        rest.push_str(&doc.text[at..m.start]);
        rest.push(' ');
        at = m.end;
    }
    rest.push_str(&doc.text[at..to]);
    let words: Vec<String> = rest
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.iter().any(|w| w == "and" || w == "plus")
        && words.iter().all(|w| WORDS.contains(&w.as_str()))
}

/// Whether a clause ends as a full sentence does, footnote markers after its stop aside
/// ("... of Canada.[7]").
/// "Director: A. Name (part-time)": a short capitalised label, a colon, and its value.
fn is_label_line(clause: &str) -> bool {
    super::text::label_of_line(clause).is_some()
}

/// Whether a mention is the value of a fact sheet's line about something else ("Members:
/// Zenda, Borduria", "Partner: the Zendan AISI"): not the subject of the sheet's other
/// lines. A line that names the sheet's own body ("Institute: ...", "Country: ...") is.
fn in_other_label_value(text: &str, m: &Mention, clause: Span) -> bool {
    const OWN: [&str; 8] = [
        "name",
        "institute",
        "country",
        "body",
        "organisation",
        "organization",
        "jurisdiction",
        "official name",
    ];
    let start = text[..m.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[m.end..].find('\n').map_or(text.len(), |i| m.end + i);
    let line = &text[start..end];
    if line.len() > 300 || (start <= clause.start && clause.start <= end) {
        return false;
    }
    super::text::label_of_line(line).is_some_and(|l| {
        let l = l.to_lowercase();
        !OWN.contains(&l.as_str())
            && line
                .find([':', '—', '–'])
                .is_some_and(|k| start + k < m.start)
    })
}

/// Bytes of a page's opening, where its furniture stands ("Part of the Ministry of X").
const OPENING: usize = 600;

/// A line that ends in no full stop yet states a fact of the passage's institute: a list
/// item ("(3) Cooperation with A and B"), a timeline row's cell ("2024-05<TAB>Guidance
/// prepared with A"), or the trigger's line among the opening lines of an institute's own
/// page (its furniture speaks of the publisher only).
fn is_unstopped_line(rules: &FactRules, doc: &Doc, s: Span, trig: Span) -> bool {
    let text = doc.text;
    let Some(sentence) = text.get(s.start..s.end) else {
        return false;
    };
    if !sentence.contains('\n') && (is_item(sentence) || timeline_row(doc, s)) {
        return true;
    }
    // Furniture lines are short: past this, neither end of the line is looked for (a text
    // of one huge line costs no more per trigger).
    const LINE_REACH: usize = 2_000;
    if trig.start > OPENING + LINE_REACH {
        return false;
    }
    let line_start = text[..trig.start].rfind('\n').map_or(0, |i| i + 1);
    let to = crate::utf8::ceil_char(text, (trig.start + LINE_REACH).min(text.len()));
    let Some(line_end) = text[trig.start..to]
        .find('\n')
        .map(|i| trig.start + i)
        .or((to == text.len()).then_some(to))
    else {
        return false;
    };
    line_start < OPENING
        && !text[line_start..line_end]
            .trim_end()
            .ends_with(['.', '!', '?'])
        && coref::publisher(rules, doc).is_some()
}

fn ends_as_sentence(clause: &str) -> bool {
    let mut t = clause.trim_end();
    while let Some(rest) = t.strip_suffix(']')
        && let Some(open) = rest.rfind('[')
        && rest[open + 1..].chars().all(|c| c.is_ascii_digit())
    {
        t = &rest[..open];
    }
    t.ends_with(['.', '!', '?'])
}

/// Whether a date value spans months or years ("2025-04/2026-03", "2024/2030"): a budget
/// period, where a day ("2024-11-20/2024-11-21") or a single month is a date.
/// "for 2025", "in 2024", "of 2023": the year an amount is for.
static FOR_YEAR: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"\b(?:for|in|of)\s+$").expect("for-year pattern"));

/// "over four years from 2026-27", "over three years, starting in 2027-28": the whole span
/// the amount covers, from the start of the date named (a fiscal year, a year) for that
/// many years.
fn over_years(lead: &str, v: &Value) -> Option<Value> {
    static OVER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\bover\s+(?:the\s+(?:next\s+)?)?(\w+)\s+years?,?\s+(?:from|starting(?:\s+(?:in|from))?|beginning(?:\s+(?:in|from))?|commencing(?:\s+in)?)\s+(?:the\s+)?(?:fiscal\s+year\s+|financial\s+year\s+|FY\s?)?$",
        )
        .expect("over-years pattern")
    });
    let n = crate::find::dates::small_number(OVER.captures(lead)?.get(1)?.as_str())?;
    if !(2..=20).contains(&n) {
        return None;
    }
    let s = v.as_str()?;
    let start = s.split('/').next()?;
    let (y, m) = match start.split_once('-') {
        Some((y, m)) => (y.parse::<i64>().ok()?, m.parse::<i64>().ok()?),
        None => (start.parse::<i64>().ok()?, 1),
    };
    if start.len() == 4 {
        return Some(Value::String(format!("{y}/{}", y + n - 1)));
    }
    // The month before the start, n years on.
    let end = (y * 12 + m - 1) + 12 * n - 1;
    Some(Value::String(format!(
        "{y:04}-{m:02}/{:04}-{:02}",
        end / 12,
        end % 12 + 1
    )))
}

fn is_period(v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    let Some((a, b)) = s.split_once('/') else {
        return false;
    };
    let coarse = |x: &str| x.len() <= 7 && x.len() >= 4;
    a != b && coarse(a) && coarse(b)
}

/// A name as captured from running text: one line of words, without the connecting words
/// or punctuation a capture may end on ("the AI Security Institute and" → "AI Security
/// Institute").
fn clean_name(s: &str) -> String {
    let mut words: Vec<&str> = s.split_whitespace().collect();
    while words.last().is_some_and(|w| {
        ["of", "for", "and", "on", "in", "the", "to"].contains(&w.to_lowercase().as_str())
    }) {
        words.pop();
    }
    if words.first().is_some_and(|w| w.eq_ignore_ascii_case("the")) {
        words.remove(0);
    }
    words
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != ')')
        .to_string()
}

/// A subject that no mention in the clause names (an anaphor's antecedent).
fn objects_implied_subject(subjects: &mut Vec<Cand<'_>>, t: Target) {
    let (id, name) = t.name.clone().unwrap_or_default();
    objects_implied(subjects, id, name);
    if let Some(s) = subjects.last_mut() {
        s.target = t;
    }
}

/// An object the trigger itself names ("members of the Network" with the Network named a
/// sentence earlier).
fn objects_implied(objects: &mut Vec<Cand<'_>>, id: String, name: String) {
    static NONE: std::sync::OnceLock<Mention> = std::sync::OnceLock::new();
    let m = NONE.get_or_init(|| Mention {
        id: String::new(),
        doc: String::new(),
        kind: MentionKind::Institute,
        text: String::new(),
        start: 0,
        end: 0,
        page: 1,
        rule: String::new(),
        value: Value::Null,
        extra: BTreeMap::new(),
    });
    objects.push(Cand {
        m,
        gap: 0,
        before: false,
        target: Target {
            value: Value::String(id.clone()),
            name: Some((id, name)),
        },
    });
}

#[cfg(test)]
mod tests {
    use super::{over_years, starts_after};
    use serde_json::Value;

    #[test]
    fn a_date_starts_after_the_publication_only_when_surely_later() {
        assert!(starts_after("2027", "2026-06-01"));
        assert!(starts_after("2026-07", "2026-06-30"));
        assert!(!starts_after("2026", "2026-06-01"));
        assert!(!starts_after("2026-06-01/2026-06-02", "2026-06-01"));
        assert!(!starts_after("2026-12", "2026"));
        assert!(starts_after("2027-01", "2026"));
    }

    #[test]
    fn an_amount_over_years_spans_them_from_the_date_named() {
        let o = |lead: &str, d: &str| {
            over_years(lead, &Value::String(d.to_string()))
                .and_then(|x| x.as_str().map(String::from))
        };
        assert_eq!(
            o("$41 million over four years from ", "2026-07/2027-06").as_deref(),
            Some("2026-07/2030-06")
        );
        assert_eq!(
            o(
                "$35 million over five years, starting in ",
                "2024-04/2025-03"
            )
            .as_deref(),
            Some("2024-04/2029-03")
        );
        assert_eq!(
            o("€10m over three years from ", "2025").as_deref(),
            Some("2025/2027")
        );
        // No span named before the date: the date as it is.
        assert_eq!(o("£66m for the ", "2025-04/2026-03"), None);
    }
}
