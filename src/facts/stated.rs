//! Mentions as their sentence states them. An acronym two institutes share (CAISI: the US
//! Center for AI Standards and Innovation and the Canadian AI Safety Institute) is resolved
//! by the find stage once per document (from its first definition, cue words, counts); a
//! sentence can say otherwise, and the facts follow the sentence:
//! - an acronym set off right after an institute's full name ("the Canadian AI Safety
//!   Institute, confusingly also CAISI", "... Institute (CAISI)") is that institute;
//! - an acronym right after a country's possessive ("Canada's CAISI") is that country's
//!   institute, when the country has one in the reference data.
//!
//! A date in brackets right after another ("21 December 2023 (Reiwa 5)") restates it and is
//! left out, so that rules take the date the text gives.

use super::FactRules;
use crate::model::{Mention, MentionKind};
use serde_json::Value;
use std::borrow::Cow;
use std::sync::LazyLock;

/// What may stand between a full name and its acronym: a bracket, or a comma with "also",
/// "known as", "or" (and an adverb such as "confusingly").
static APPOSITION: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^\s*(?:\(|,\s*(?:\w+ly\s+)?(?:also(?:\s+known\s+as|\s+called)?|known\s+as|or|abbreviated)\s+(?:as\s+)?)\s*$")
        .expect("valid pattern")
});

/// Whether a mention came from an acronym (a short all-capital name).
fn is_acronym(m: &Mention) -> bool {
    m.kind == MentionKind::Institute
        && m.text.len() <= 8
        && m.text
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
}

/// The mentions with institute acronyms read as their sentence says and restated dates left
/// out; unchanged (borrowed) when nothing needs it.
pub fn as_stated<'m>(rules: &FactRules, text: &str, mentions: &'m [Mention]) -> Cow<'m, [Mention]> {
    let mut out: Option<Vec<Mention>> = None;
    for (i, m) in mentions.iter().enumerate() {
        if !is_acronym(m) || i == 0 {
            continue;
        }
        let Some(value) = m.value.as_str() else {
            continue;
        };
        let prev = &mentions[i - 1];
        let Some(gap) = text.get(prev.end..m.start) else {
            continue;
        };
        let said = match prev.kind {
            MentionKind::Institute if APPOSITION.is_match(gap) => prev.value.as_str(),
            MentionKind::Country if gap == "'s " || gap == "’s " => prev
                .value
                .as_str()
                .filter(|c| rules.institutes.contains_key(*c)),
            _ => None,
        };
        if let Some(code) = said
            && code != value
            && rules.institutes.get(code).is_none_or(|x| !x.collective)
        {
            let v = out.get_or_insert_with(|| mentions.to_vec());
            v[i].value = Value::String(code.to_string());
        }
    }
    // A date in brackets right after another restates it in another calendar or at another
    // precision ("21 December 2023 (Reiwa 5)"): the first is the date the text gives.
    let restated = |i: usize| {
        let m = &mentions[i];
        m.kind == MentionKind::Date
            && mentions[..i]
                .iter()
                .rev()
                .take(3)
                .find(|p| p.kind == MentionKind::Date && p.end <= m.start)
                .is_some_and(|p| {
                    text.get(p.end..m.start).is_some_and(|g| g.trim() == "(")
                        && text
                            .get(m.end..)
                            .is_some_and(|t| t.trim_start().starts_with(')'))
                })
    };
    let keep: Vec<bool> = (0..mentions.len()).map(|i| !restated(i)).collect();
    if keep.contains(&false) {
        let base = out.unwrap_or_else(|| mentions.to_vec());
        return Cow::Owned(
            base.into_iter()
                .zip(keep)
                .filter_map(|(m, k)| k.then_some(m))
                .collect(),
        );
    }
    match out {
        Some(v) => Cow::Owned(v),
        None => Cow::Borrowed(mentions),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::markup;

    fn rules() -> FactRules {
        let mut r = FactRules::default();
        r.add_file(
            "facts/i.toml",
            "[institute.RU]\nname='Ruritanian AI Safety Institute'\n[institute.ZN]\nname='Zenda Centre for AI Standards'\n",
        )
        .unwrap();
        r
    }

    #[test]
    fn an_acronym_after_a_full_name_or_a_possessive_is_that_institute() {
        let r = rules();
        for marked in [
            "The [Ruritanian AI Safety Institute](institute:RU), confusingly also [RAS](institute:ZN), opened.",
            "The [Ruritanian AI Safety Institute](institute:RU) ([RAS](institute:ZN)) opened.",
            "[Ruritania](country:RU)'s [RAS](institute:ZN) opened.",
        ] {
            let (text, ms) = markup::parse(marked);
            let got = as_stated(&r, &text, &ms);
            let last = got
                .iter()
                .rfind(|m| m.kind == MentionKind::Institute)
                .unwrap();
            assert_eq!(last.value, Value::String("RU".into()), "{marked}");
        }
    }

    #[test]
    fn a_date_restated_in_brackets_is_left_out() {
        let r = rules();
        let (text, ms) = markup::parse(
            "On [3 May 2026](date:2026-05-03) ([Year 8](date:2026)) the institute opened in [2026](date:2026).",
        );
        let got = as_stated(&r, &text, &ms);
        let dates: Vec<&str> = got.iter().filter_map(|m| m.value.as_str()).collect();
        assert_eq!(dates, vec!["2026-05-03", "2026"]);
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn an_acronym_elsewhere_keeps_its_value() {
        let r = rules();
        let (text, ms) = markup::parse(
            "The [Ruritanian AI Safety Institute](institute:RU) met [RAS](institute:ZN) in May.",
        );
        assert!(matches!(as_stated(&r, &text, &ms), Cow::Borrowed(_)));
    }
}
