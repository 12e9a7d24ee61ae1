//! Two dates that a text joins into one span: "from Q3 2024 to Q1 2025", "between Nov. 26
//! and Dec. 4", "October 1, 2024, through September 30, 2025", "FY2024 through FY2028",
//! "2019-20 to 2023-24", "Tuesday to Thursday". The annotation guide writes such a span as
//! one interval. The rules read each end in any of its forms (a rule per pair of forms
//! would be dozens); this pass joins the two ends when only a range's connective stands
//! between them.
//!
//! Not joined: two dates of a change ("moved from Thursday to Monday", "postponed from May
//! to June": the date before and the date after), "and" without "between" ("in April and
//! September"), ends of different precision ("2024 to March 2025"), an end with a
//! qualifier ("early 2024 to late 2025"), a stated end with a relative one ("from Sept. 14
//! to Thursday"), and ends that run backwards.

use super::{Ymd, civil_from_days, days_from_civil};
use crate::model::{Mention, MentionKind};
use serde_json::Value;

/// Verbs after which "from X to Y" names a change, not a span.
const CHANGE: [&str; 22] = [
    "moved",
    "move",
    "postponed",
    "postpone",
    "delayed",
    "delay",
    "pushed",
    "push",
    "back",
    "forward",
    "shifted",
    "changed",
    "rescheduled",
    "switched",
    "advanced",
    "brought",
    "compared",
    "rose",
    "fell",
    "grew",
    "increased",
    "decreased",
];

/// Joins each pair of adjacent date mentions of `out` (in text order) that `text` writes as
/// one span.
pub fn join(text: &str, out: &mut Vec<Mention>) {
    // One pass that moves each mention once (removing in place is quadratic in a text of
    // many spans): a joined pair is written as one, and its second end is not read again.
    let mut kept = Vec::with_capacity(out.len());
    let mut rest = std::mem::take(out).into_iter().peekable();
    while let Some(a) = rest.next() {
        match rest.peek().and_then(|b| joined(text, &a, b)) {
            Some(span) => {
                rest.next();
                kept.push(span);
            }
            None => kept.push(a),
        }
    }
    *out = kept;
}

/// The connective between two ends, if it makes a span of them.
fn connects(text: &str, a: &Mention, b: &Mention) -> bool {
    let Some(gap) = text.get(a.end..b.start) else {
        return false;
    };
    if gap.contains('\n') || gap.len() > 12 {
        return false;
    }
    // A comma before the connective only after a full date's year ("October 1, 2024,
    // through ..."); elsewhere it ends a clause ("due to expire Thursday, to Nov. 6").
    let comma = gap.trim_start().starts_with(',');
    if comma && !a.text.ends_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let word = gap.trim().trim_start_matches(',').trim();
    match word {
        "-" | "–" | "—" | "‒" => true,
        "and" => lead_words(text, a.start)
            .last()
            .is_some_and(|w| w == "between"),
        "to" | "through" | "thru" | "until" | "till" => {
            // A change names the date before and after it: "moved from May to June".
            let before = lead_words(text, a.start);
            !(before.last().is_some_and(|w| w == "from")
                && before
                    .iter()
                    .rev()
                    .skip(1)
                    .take(3)
                    .any(|w| CHANGE.contains(&w.as_str())))
        }
        _ => false,
    }
}

/// The last few words before `at` on its line, lower-cased.
fn lead_words(text: &str, at: usize) -> Vec<String> {
    let from = super::floor_char(text, at.saturating_sub(48));
    let line = text[from..at].rsplit('\n').next().unwrap_or("");
    let words: Vec<String> = line
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words[words.len().saturating_sub(5)..].to_vec()
}

/// How precise an end is: 1 a year, 2 a month, 3 a day.
fn precision(d: &Ymd) -> u8 {
    1 + u8::from(d.m.is_some()) + u8::from(d.d.is_some())
}

fn key(d: &Ymd) -> (i32, u32, u32) {
    (d.y, d.m.unwrap_or(0), d.d.unwrap_or(0))
}

/// The first and last day, month or year of a date value.
fn ends(m: &Mention) -> Option<(Ymd, Ymd)> {
    let v = m.value.as_str()?;
    let (a, b) = v.split_once('/').unwrap_or((v, v));
    Some((Ymd::parse(a)?, Ymd::parse(b)?))
}

fn joined(text: &str, a: &Mention, b: &Mention) -> Option<Mention> {
    if a.kind != MentionKind::Date || b.kind != MentionKind::Date || b.start < a.end {
        return None;
    }
    if a.extra.contains_key("qualifier") || b.extra.contains_key("qualifier") {
        return None;
    }
    // The ends of a span are written alike: both with figures ("Nov. 26 and Dec. 4") or
    // both in words ("Tuesday to Thursday", "May to July"). "From Sept. 14 to Thursday", "from today through
    // Nov. 17" are left as two dates, as newswire annotation keeps them.
    let stated = |m: &Mention| m.text.contains(|c: char| c.is_ascii_digit());
    if stated(a) != stated(b) {
        return None;
    }
    if !connects(text, a, b) {
        return None;
    }
    let (lo, hi_a) = ends(a)?;
    let (mut lo_b, mut hi) = ends(b)?;
    if precision(&lo) != precision(&hi) || precision(&lo_b) != precision(&hi_a) {
        return None;
    }
    // Two weekdays read apart ("Tuesday to Thursday" with Thursday taken in the week
    // before): the second is the one after the first.
    if b.rule.contains("weekday")
        && a.rule.contains("weekday")
        && let (Some(m), Some(d)) = (hi.m, hi.d)
        && key(&hi) < key(&lo)
    {
        let (y, m, d) = civil_from_days(days_from_civil(hi.y, m, d) + 7);
        hi = Ymd::day(y, m, d);
        lo_b = hi;
    }
    if key(&lo) >= key(&hi) || key(&lo_b) < key(&lo) || key(&hi) < key(&hi_a) {
        return None;
    }
    let mut extra = a.extra.clone();
    for (k, v) in &b.extra {
        extra.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Some(Mention {
        id: String::new(),
        doc: String::new(),
        kind: MentionKind::Date,
        text: text[a.start..b.end].to_string(),
        start: a.start,
        end: b.end,
        page: 0,
        rule: "date-range".into(),
        value: Value::String(format!("{}/{}", lo.iso(), hi.iso())),
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn date(text: &str, span: &str, from: usize, value: &str, rule: &str) -> Mention {
        let start = from + text[from..].find(span).expect("span in text");
        Mention {
            id: String::new(),
            doc: String::new(),
            kind: MentionKind::Date,
            text: span.into(),
            start,
            end: start + span.len(),
            page: 0,
            rule: rule.into(),
            value: Value::String(value.into()),
            extra: BTreeMap::new(),
        }
    }

    fn run(text: &str, ends: [(&str, &str, &str); 2]) -> Vec<(String, String)> {
        let a = date(text, ends[0].0, 0, ends[0].1, ends[0].2);
        let b = date(text, ends[1].0, a.end, ends[1].1, ends[1].2);
        let mut out = vec![a, b];
        join(text, &mut out);
        out.into_iter()
            .map(|m| (m.text, m.value.as_str().unwrap_or("").to_string()))
            .collect()
    }

    #[test]
    fn ends_joined_by_a_range_connective_are_one_span() {
        for (t, a, b, span, value) in [
            (
                "The pilot runs from Q3 2024 to Q1 2025.",
                ("Q3 2024", "2024-07/2024-09", "date-quarter"),
                ("Q1 2025", "2025-01/2025-03", "date-quarter"),
                "Q3 2024 to Q1 2025",
                "2024-07/2025-03",
            ),
            (
                "Comments were taken between Nov. 26 and Dec. 4.",
                ("Nov. 26", "2024-11-26", "date-month-day"),
                ("Dec. 4", "2024-12-04", "date-month-day"),
                "Nov. 26 and Dec. 4",
                "2024-11-26/2024-12-04",
            ),
            (
                "It covers October 1, 2024, through September 30, 2025.",
                ("October 1, 2024", "2024-10-01", "date-month-day-year"),
                ("September 30, 2025", "2025-09-30", "date-month-day-year"),
                "October 1, 2024, through September 30, 2025",
                "2024-10-01/2025-09-30",
            ),
        ] {
            assert_eq!(run(t, [a, b]), [(span.into(), value.into())], "{t}");
        }
    }

    #[test]
    fn weekdays_of_a_span_run_forwards() {
        let t = "The talks will run Tuesday to Thursday.";
        let got = run(
            t,
            [
                ("Tuesday", "2025-06-10", "date-weekday"),
                ("Thursday", "2025-06-05", "date-weekday"),
            ],
        );
        assert_eq!(
            got,
            [("Tuesday to Thursday".into(), "2025-06-10/2025-06-12".into())]
        );
    }

    #[test]
    fn changes_coordinations_and_mixed_precisions_stay_apart() {
        for (t, a, b) in [
            (
                "The vote was moved from Thursday to Monday.",
                ("Thursday", "2025-06-12", "date-weekday"),
                ("Monday", "2025-06-16", "date-weekday"),
            ),
            (
                "The launch was postponed from May to June.",
                ("May", "2025-05", "date-month"),
                ("June", "2025-06", "date-month"),
            ),
            (
                "Reviews took place in April and September.",
                ("April", "2025-04", "date-month"),
                ("September", "2025-09", "date-month"),
            ),
            (
                "It ran from 2024 to March 2025.",
                ("2024", "2024", "date-year"),
                ("March 2025", "2025-03", "date-month-year"),
            ),
            (
                "It extended the offer, due to expire Thursday, to Nov. 6.",
                ("Thursday", "2025-10-30", "date-weekday"),
                ("Nov. 6", "2025-11-06", "date-month-day"),
            ),
            (
                "from June to March",
                ("June", "2025-06", "date-month"),
                ("March", "2025-03", "date-month"),
            ),
        ] {
            assert_eq!(run(t, [a, b]).len(), 2, "{t}");
        }
    }
}
