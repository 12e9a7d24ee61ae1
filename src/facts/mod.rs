//! The facts stage: claims (subject, predicate, object, qualifiers, source) from the
//! mentions and text of each document, by the fact rules in `rules/facts/`.
//!
//! Three rule families, all data (`rules::FactRules`, format in `docs/rules-facts.md`):
//! prose rules ([`prose`]: a trigger in a clause, and the mentions that fill its subject
//! and object roles by side, distance and clause; anaphors resolved by [`coref`]; lists
//! and sentence-opening dates by [`context`]), table-row rules ([`tables`]: tables with
//! institutes across or down, fact sheets about the document's institute) and pair lists
//! (`A <> B` lines with collaboration types). The stage reads one document at a time and
//! never invents a value: every object is a mention's normalised value, an entity named
//! by a mention, or (for table cells a rule allows it) a cell's own text.

pub mod context;
pub mod coref;
pub mod markup;
pub mod prose;
pub mod rules;
pub mod stated;
pub mod tables;
pub mod text;

use crate::find::ExampleOutcome;
use crate::model::{Claim, Mention, MentionKind, ProcessedDoc, Source, slug};
use rayon::prelude::*;
pub use rules::FactRules;

use serde_json::Value;
use std::collections::BTreeSet;
use text::{Span, Words};

/// Longest quote a prose source carries; longer sentences are cut down to the words
/// around the subject, trigger and object.
const MAX_QUOTE: usize = 400;

/// Claims of every document, in document order (documents in parallel).
pub fn claims(rules: &FactRules, docs: &[ProcessedDoc]) -> Vec<Claim> {
    docs.par_iter()
        .map(|d| {
            let mentions = stated::as_stated(rules, &d.text.text, &d.mentions);
            doc_claims(
                rules,
                &Doc {
                    name: &d.record.doc,
                    text: &d.text.text,
                    page_starts: &d.text.page_starts,
                    mentions: &mentions,
                    published: d.record.published.as_deref(),
                    cache: Default::default(),
                },
            )
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}

/// What the rules see of one document.
pub struct Doc<'a> {
    pub name: &'a str,
    pub text: &'a str,
    pub page_starts: &'a [usize],
    /// Sorted by start.
    pub mentions: &'a [Mention],
    pub published: Option<&'a str>,
    /// What coreference works out once per document (its topic).
    pub cache: coref::Cache,
}

impl<'a> Doc<'a> {
    /// A text of one page (rule examples, tests).
    pub(crate) fn one_page(
        name: &'a str,
        text: &'a str,
        mentions: &'a [Mention],
        published: Option<&'a str>,
    ) -> Doc<'a> {
        Doc {
            name,
            text,
            page_starts: &[0],
            mentions,
            published,
            cache: Default::default(),
        }
    }

    fn page_of(&self, at: usize) -> usize {
        self.page_starts.partition_point(|&s| s <= at).max(1)
    }

    /// Mentions inside `span`, allowing white space at either edge of a mention to lie
    /// outside it (a money mention that starts at a table cell's tab is in that cell).
    fn within(&self, span: Span) -> Vec<&Mention> {
        let blank =
            |a: usize, b: usize| a >= b || self.text.get(a..b).is_some_and(|t| t.trim().is_empty());
        // Mentions are sorted by start; look a little before the span for leading blanks.
        let from = self.mentions.partition_point(|m| m.start + 8 < span.start);
        self.mentions[from..]
            .iter()
            .take_while(|m| m.start < span.end)
            .filter(|m| {
                m.end > m.start
                    && m.end > span.start
                    && (m.start >= span.start || blank(m.start, span.start))
                    && (m.end <= span.end || blank(span.end, m.end))
            })
            .collect()
    }

    fn source(&self, span: Span, rule: &str) -> Source {
        let (start, end) = (
            span.start.min(self.text.len()),
            span.end.min(self.text.len()),
        );
        Source {
            doc: self.name.to_string(),
            page: self.page_of(start),
            start,
            end,
            quote: self.text.get(start..end).unwrap_or("").to_string(),
            rule: rule.to_string(),
        }
    }
}

/// What a mention stands for in a claim: an entity (id and name as stated) or a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub value: Value,
    pub name: Option<(String, String)>,
}

impl Target {
    fn key(&self) -> String {
        self.value.to_string()
    }
}

/// The id of an institute entity.
pub fn institute_id(code: &str) -> String {
    format!("institute:{code}")
}

/// The id of a named entity of another kind.
pub fn entity_id(kind: &str, name: &str) -> String {
    format!("{kind}:{}", slug(name))
}

fn str_value(m: &Mention) -> Option<&str> {
    m.value
        .as_str()
        .or_else(|| m.value.get("name").and_then(Value::as_str))
        .filter(|s| !s.trim().is_empty())
}

/// The claim target of a mention; countries stand for their institutes (rules only allow
/// that where the text speaks of institutes, e.g. members of the Network).
pub fn target(rules: &FactRules, m: &Mention) -> Option<Target> {
    let entity = |kind: &str, name: &str| {
        let id = entity_id(kind, name);
        Target {
            value: Value::String(id.clone()),
            name: Some((id, name.to_string())),
        }
    };
    Some(match m.kind {
        MentionKind::Institute | MentionKind::Country => {
            let code = str_value(m)?;
            let name = rules
                .institutes
                .get(code)
                .map_or_else(|| m.text.clone(), |i| i.name.clone());
            Target {
                value: Value::String(institute_id(code)),
                name: Some((institute_id(code), name)),
            }
        }
        MentionKind::Organization => entity("organization", str_value(m)?),
        MentionKind::Event => entity("event", str_value(m)?),
        MentionKind::Person => entity("person", str_value(m).unwrap_or(&m.text)),
        MentionKind::Location => Target {
            value: Value::String(str_value(m).unwrap_or(&m.text).to_string()),
            name: None,
        },
        MentionKind::Date | MentionKind::Money | MentionKind::Quantity => {
            if m.value.is_null() {
                return None;
            }
            Target {
                value: m.value.clone(),
                name: None,
            }
        }
    })
}

/// Whether a target is a body of members (`collective` in the institutes' reference data).
fn is_collective(rules: &FactRules, t: &Target) -> bool {
    t.value
        .as_str()
        .and_then(|v| v.strip_prefix("institute:"))
        .and_then(|c| rules.institutes.get(c))
        .is_some_and(|i| i.collective)
}

fn kind_matches(m: &Mention, kinds: &[String]) -> bool {
    kinds.iter().any(|k| k == m.kind.as_str())
}

fn span_of(m: &Mention) -> Span {
    Span {
        start: m.start,
        end: m.end,
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Claims of one document by every rule.
pub fn doc_claims(rules: &FactRules, doc: &Doc) -> Vec<Claim> {
    let sentences = text::sentences(doc.text);
    let mut out = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        crate::budget::check();
        let prev = i.checked_sub(1).map(|j| sentences[j]);
        // Table rows are the table rules' business; a sentence without mentions, under a
        // line without any (no dateline), gives nothing to any rule.
        if (doc.text[s.start..s.end].contains('\t') && !context::timeline_row(doc, *s))
            || (doc.within(*s).is_empty() && prev.is_none_or(|p| doc.within(p).is_empty()))
        {
            continue;
        }
        if rules
            .skip
            .as_ref()
            .is_some_and(|r| r.is_match(&doc.text[s.start..s.end]))
        {
            continue;
        }
        // Word positions of the sentence only: words are counted within a sentence.
        let words = Words::at(doc.text, *s);
        for rule in &rules.prose {
            prose::prose_rule(rules, rule, doc, &words, *s, prev, &mut out);
        }
    }
    out.extend(tables::table_claims(rules, doc));
    out.extend(tables::pair_claims(rules, doc));
    finish(doc, out)
}

/// A document states a claim once: the same (subject, predicate, object, qualifiers) by
/// the same rule is kept at its first place.
fn finish(doc: &Doc, mut claims: Vec<Claim>) -> Vec<Claim> {
    for c in &mut claims {
        if c.predicate == "staff" && !c.qualifiers.contains_key("as_of") {
            // Staff counts change: a count holds as of the document's date unless the text
            // says otherwise, which makes later counts a succession, not a conflict.
            if let Some(p) = doc.published {
                c.qualifiers
                    .insert("as_of".into(), Value::String(p.to_string()));
            }
        }
    }
    drop_components(&mut claims);
    let mut seen = BTreeSet::new();
    claims.retain(|c| {
        seen.insert((
            c.subject.clone(),
            c.predicate.clone(),
            c.object.to_string(),
            serde_json::to_string(&c.qualifiers).unwrap_or_default(),
        ))
    });
    claims
}

/// The components of a stated total are not funding of their own: where one source gives
/// a subject amounts of which one is the sum of two or more others in its currency, only
/// that total stays ("₩12 billion: 8 billion for research and 4 billion for running costs").
fn drop_components(claims: &mut Vec<Claim>) {
    let amount = |c: &Claim| {
        Some((
            c.object.get("amount")?.as_f64()?,
            c.object.get("currency")?.as_str()?.to_string(),
        ))
    };
    let mut drop = vec![false; claims.len()];
    for (i, t) in claims.iter().enumerate() {
        let Some((total, cur)) = (t.predicate == "funding").then(|| amount(t)).flatten() else {
            continue;
        };
        let parts: Vec<usize> = claims
            .iter()
            .enumerate()
            .filter(|(j, c)| {
                *j != i
                    && c.predicate == "funding"
                    && c.subject == t.subject
                    && c.source.start == t.source.start
                    && amount(c).is_some_and(|(a, k)| k == cur && a < total)
            })
            .map(|(j, _)| j)
            .collect();
        // One amount found by two rules is one component, not two halves of the total.
        let mut distinct = BTreeSet::new();
        let sum: f64 = parts
            .iter()
            .filter(|&&j| distinct.insert(claims[j].object.to_string()))
            .filter_map(|&j| amount(&claims[j]))
            .map(|(a, _)| a)
            .sum();
        if distinct.len() >= 2 && (sum - total).abs() <= total * 1e-6 {
            for j in parts {
                drop[j] = true;
            }
        }
    }
    let mut k = 0;
    claims.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
}

/// Runs the examples written inside the fact rules: each rule alone on its examples' text
/// must give exactly the claims listed.
pub fn self_test(rules: &FactRules) -> Vec<ExampleOutcome> {
    let mut out = Vec::new();
    for (file, ex) in &rules.skip_examples {
        let got = rules.skip.as_ref().is_some_and(|r| r.is_match(&ex.text));
        out.push(ExampleOutcome {
            file: file.clone(),
            rule: "sentences.skip".to_string(),
            example: ex.text.chars().take(80).collect(),
            passed: got == ex.skip,
            detail: if got == ex.skip {
                String::new()
            } else {
                format!("expected skip = {}, found {got}", ex.skip)
            },
        });
    }
    let mut run = |file: &str, id: &str, ex: &rules::Example, only: FactRules| {
        let (text, mentions) = markup::parse(&ex.text);
        let doc = Doc::one_page("example", &text, &mentions, ex.published.as_deref());
        let got: BTreeSet<String> = doc_claims(&only, &doc)
            .iter()
            .map(markup::show_claim)
            .collect();
        let want: BTreeSet<String> = ex.facts.iter().cloned().collect();
        let passed = got == want;
        out.push(ExampleOutcome {
            file: file.to_string(),
            rule: id.to_string(),
            example: text.chars().take(80).collect(),
            passed,
            detail: if passed {
                String::new()
            } else {
                format!("expected {want:?}, found {got:?}")
            },
        });
    };
    let base = FactRules {
        institutes: rules.institutes.clone(),
        coref: rules.coref.clone(),
        bounds: rules.bounds,
        skip: rules.skip.clone(),
        ..FactRules::default()
    };
    for r in &rules.prose {
        for ex in &r.examples {
            let mut only = base.clone();
            only.prose.push(r.clone());
            run(&r.file, &r.id, ex, only);
        }
    }
    for r in &rules.rows {
        for ex in &r.examples {
            let mut only = base.clone();
            only.rows.push(r.clone());
            run(&r.file, &r.id, ex, only);
        }
    }
    for r in &rules.pairs {
        for ex in &r.examples {
            let mut only = base.clone();
            only.pairs.push(r.clone());
            run(&r.file, &r.id, ex, only);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Fact rules from one file's text.
    fn rules_from(source: &str) -> FactRules {
        let mut rules = FactRules::default();
        rules.add_file("facts/t.toml", source).unwrap();
        rules
    }

    #[test]
    fn every_example_in_the_fact_rules_passes() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/facts");
        let rules = FactRules::load(&dir).expect("fact rules load");
        let outcomes = self_test(&rules);
        assert!(outcomes.len() >= 20, "examples are run: {}", outcomes.len());
        let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
        assert!(failed.is_empty(), "failing examples: {failed:#?}");
    }

    #[test]
    fn one_amount_found_by_two_rules_is_not_half_of_a_total() {
        let claim = |amount: f64, rule: &str| Claim {
            subject: "institute:RU".into(),
            predicate: "funding".into(),
            object: serde_json::json!({"amount": amount, "currency": "EUR", "per": null}),
            qualifiers: std::collections::BTreeMap::new(),
            source: Source {
                doc: "d".into(),
                page: 1,
                start: 0,
                end: 10,
                quote: String::new(),
                rule: rule.into(),
            },
            names: std::collections::BTreeMap::new(),
        };
        let mut claims = vec![claim(100.0, "a"), claim(50.0, "a"), claim(50.0, "b")];
        drop_components(&mut claims);
        assert_eq!(claims.len(), 3);
        // Two distinct parts that sum to the total are its components.
        let mut claims = vec![claim(100.0, "a"), claim(60.0, "a"), claim(40.0, "a")];
        drop_components(&mut claims);
        assert_eq!(claims.len(), 1);
    }

    #[test]
    fn a_broken_example_fails() {
        let rules = rules_from(
            r#"
[[prose]]
id = "est"
predicate = "established"
subject = ["institute"]
object = ["date"]
trigger = 'established'
[[prose.example]]
text = "[JP AISI](institute:JP) was established in [2024](date:2024)."
facts = ["JP established 2025"]
"#,
        );
        let o = self_test(&rules);
        assert_eq!(o.len(), 1);
        assert!(!o[0].passed);
        assert!(o[0].detail.contains("JP established 2024"));
    }

    #[test]
    fn a_place_inside_an_event_name_is_not_its_location() {
        let rules = rules_from(
            "[[prose]]\nid='loc'\npredicate='event_location'\nsubject=['event']\nobject=['location']\ntrigger='\\bat\\b'\nobject_side='after'\n",
        );
        let (text, mut mentions) =
            markup::parse("as agreed at the [AI Seoul Summit](event:AI Seoul Summit) in May");
        let (mut seoul, _) = (mentions[0].clone(), ());
        seoul.kind = MentionKind::Location;
        seoul.start += 3;
        seoul.end = seoul.start + 5;
        seoul.value = Value::String("Seoul".into());
        mentions.push(seoul);
        mentions.sort_by_key(|m| m.start);
        let doc = Doc::one_page("d", &text, &mentions, None);
        assert!(doc_claims(&rules, &doc).is_empty());
    }

    #[test]
    fn a_renamed_institute_carries_its_new_name() {
        let rules = rules_from(
            r#"
[[prose]]
id = "renamed"
predicate = "renamed"
subject = ["institute"]
object = ["date"]
trigger = '\brenamed\b'
name_from = '\brenamed\s+(?:it\s+)?(?:the\s+)?(?P<name>(?-i:[A-Z]\w*)(?:,?\s+(?:(?-i:[A-Z]\w*)|of|for|and)){0,8})'
"#,
        );
        let (text, mentions) = markup::parse(
            "In [May 2026](date:2026-05) the [Ruritanian AISI](institute:RU) was renamed the Ruritanian Institute for Measurement, Evaluation and Science and moved.",
        );
        let doc = Doc::one_page("d.txt", &text, &mentions, None);
        let c = doc_claims(&rules, &doc);
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].qualifiers.get("name").and_then(Value::as_str),
            Some("Ruritanian Institute for Measurement, Evaluation and Science")
        );
    }

    #[test]
    fn a_new_name_after_the_old_one_is_read_from_the_alternative_that_matched() {
        let rules = rules_from(
            r#"
[[prose]]
id = "renamed"
predicate = "renamed"
subject = ["institute"]
object = ["date"]
trigger = '\brenamed\b'
name_from = '\brenamed\s+(?:the\s+)?(?:(?-i:[A-Z]\w*)\s+){1,8}the\s+(?P<name2>(?-i:[A-Z]\w*)(?:\s+(?-i:[A-Z]\w*)){0,8})|\brenamed\s+(?:the\s+)?(?P<name>(?-i:[A-Z]\w*)(?:\s+(?-i:[A-Z]\w*)){0,8})'
"#,
        );
        let name = |marked: &str| {
            let (text, mentions) = markup::parse(marked);
            let doc = Doc::one_page("d.txt", &text, &mentions, None);
            doc_claims(&rules, &doc).first().and_then(|c| {
                c.qualifiers
                    .get("name")
                    .and_then(Value::as_str)
                    .map(String::from)
            })
        };
        assert_eq!(
            name(
                "In [May 2026](date:2026-05) the ministry renamed the [Zendan AISI](institute:ZE) the Zendan Standards Centre."
            ),
            Some("Zendan Standards Centre".to_string())
        );
        assert_eq!(
            name(
                "In [May 2026](date:2026-05) the [Zendan AISI](institute:ZE) was renamed the Zendan Standards Centre."
            ),
            Some("Zendan Standards Centre".to_string())
        );
    }

    #[test]
    fn funding_takes_the_budget_period_its_clause_states_but_not_a_day() {
        let rules = rules_from(
            "[[prose]]\nid='f'\npredicate='funding'\nsubject=['institute']\nobject=['money']\ntrigger='funding'\nperiod_qualifier='period'\n",
        );
        let run = |marked: &str| {
            let (text, mentions) = markup::parse(marked);
            let doc = Doc::one_page("d.txt", &text, &mentions, None);
            doc_claims(&rules, &doc)
                .first()
                .and_then(|c| c.qualifiers.get("period").cloned())
        };
        assert_eq!(
            run(
                "On [3 May 2026](date:2026-05-03) the [Ruritanian AISI](institute:RU) got funding of [€9 million](money:{\"amount\":9000000,\"currency\":\"EUR\"}) for [fiscal 2027](date:2026-10/2027-09)."
            ),
            Some(Value::String("2026-10/2027-09".into()))
        );
        assert_eq!(
            run(
                "On [3-4 May 2026](date:2026-05-03/2026-05-04) the [Ruritanian AISI](institute:RU) got funding of [€9 million](money:{\"amount\":9000000,\"currency\":\"EUR\"})."
            ),
            None
        );
    }

    #[test]
    fn claims_cite_the_sentence_and_page_they_come_from() {
        let rules = rules_from(
            "[[prose]]\nid='est'\npredicate='established'\nsubject=['institute']\nobject=['date']\ntrigger='established'\n",
        );
        let (text, mentions) = markup::parse(
            "Intro.\u{c}The [JP AISI](institute:JP) was established in [2024](date:2024). Other.",
        );
        let doc = Doc {
            name: "d.txt",
            text: &text,
            page_starts: &[0, 7],
            mentions: &mentions,
            published: None,
            cache: Default::default(),
        };
        let c = doc_claims(&rules, &doc);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].source.page, 2);
        assert_eq!(c[0].source.quote, "The JP AISI was established in 2024.");
        assert_eq!(c[0].subject, "institute:JP");
    }

    #[test]
    fn a_claim_through_an_anaphor_quotes_where_its_subject_was_named() {
        let rules = rules_from(
            "[coreference]\nanaphor='\\b(?:its?|the\\s+institute)\\b'\n[[prose]]\nid='housed'\npredicate='housed_under'\nsubject=['institute']\nobject=['organization']\nsubject_coref=true\ntrigger='\\binside\\b'\nsubject_side='before'\nobject_side='after'\n",
        );
        let (text, mentions) = markup::parse(
            "The [Ruritanian AISI](institute:RU) opened in May. It sits inside the [Ministry of Digital Affairs](organization:Ministry of Digital Affairs).",
        );
        let doc = Doc::one_page("d.txt", &text, &mentions, None);
        let c = doc_claims(&rules, &doc);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].subject, "institute:RU");
        assert_eq!(
            c[0].source.quote,
            "Ruritanian AISI opened in May. It sits inside the Ministry of Digital Affairs."
        );
    }
    #[test]
    fn a_founding_date_is_not_when_a_count_held() {
        let rules = rules_from(
            r#"
[[prose]]
id = "staff"
predicate = "staff"
subject = ["institute"]
object = ["quantity"]
trigger = '\bstaff\b'
date_qualifier = "as_of"
date_qualifier_not_after = '\blaunched\s+(?:in\s+)?$'
"#,
        );
        let as_of = |marked: &str| {
            let (text, mentions) = markup::parse(marked);
            let doc = Doc::one_page("d.txt", &text, &mentions, Some("2026-06-01"));
            doc_claims(&rules, &doc)
                .first()
                .and_then(|c| c.qualifiers.get("as_of").cloned())
        };
        let count = r#"[150 staff](quantity:{"value":150,"unit":"staff","approx":false})"#;
        assert_eq!(
            as_of(&format!(
                "The [Zenda AISI](institute:ZE), launched in [May 2024](date:2024-05), now has {count}."
            )),
            Some(Value::String("2026-06-01".into()))
        );
        assert_eq!(
            as_of(&format!(
                "In [March 2025](date:2025-03) the [Zenda AISI](institute:ZE) had {count}."
            )),
            Some(Value::String("2025-03".into()))
        );
    }

    #[test]
    fn we_on_an_institutes_own_page_is_that_institute() {
        let rules = rules_from(
            r#"
[coreference]
anaphor = '\b(?:its?|the\s+institute)\b'
speaker = '\b(?:we|our)\b'
own_name = '(?-i:\b(?:[Tt]he|AI Safety)\s+Institute\b)'
[institute.RU]
name = "Ruritanian AI Safety Institute"
hosts = ["Ministry of Digital Affairs"]
[[prose]]
id = "staff"
predicate = "staff"
subject = ["institute"]
object = ["quantity"]
subject_coref = true
trigger = '\bstaff\b'
"#,
        );
        let staff = |marked: &str| {
            let (text, mentions) = markup::parse(marked);
            let doc = Doc::one_page("d.txt", &text, &mentions, None);
            doc_claims(&rules, &doc)
                .iter()
                .map(|c| c.subject.clone())
                .collect::<Vec<_>>()
        };
        let count = "[40](quantity:{\"value\":40,\"unit\":\"staff\",\"approx\":false})";
        // A masthead with the institute's bare name and its housing ministry.
        assert_eq!(
            staff(&format!(
                "AI Safety Institute\nHome | Blog\nPart of the [Ministry of Digital Affairs](organization:Ministry of Digital Affairs)\n\nOur first year\n\nWe now have {count} staff."
            )),
            ["institute:RU"]
        );
        // A masthead naming the institute.
        assert_eq!(
            staff(&format!(
                "[Ruritanian AI Safety Institute](institute:RU) | About\n\nThe [Zenda AISI](institute:ZN) is our partner. We now have {count} staff."
            )),
            ["institute:RU"]
        );
        // A think tank's masthead: its "we" is the think tank.
        assert!(
            staff(&format!(
                "[Zenda Policy Forum](organization:Zenda Policy Forum)\nBrief on the [Ministry of Digital Affairs](organization:Ministry of Digital Affairs)\n\nWe now have {count} staff."
            ))
            .is_empty()
        );
        // A ministry's own release: "we" is the ministry, though it houses the institute.
        assert!(
            staff(&format!(
                "[Ministry of Digital Affairs](organization:Ministry of Digital Affairs)\nAI Safety Institute news\n\nWe now have {count} staff."
            ))
            .is_empty()
        );
    }
}
