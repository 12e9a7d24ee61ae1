//! The find stage: mentions of dates, money, quantities, institutes, organisations and
//! countries in a document's text, each with its span, page, rule and normalised value.
//!
//! Rules are data (`rules/`); this module runs them. It never changes the text and never
//! looks at other documents: one document in, its mentions out.

pub mod cardinals;
pub mod dates;
pub mod engine;
pub mod entities;
pub mod lines;
pub mod money;
pub mod quantity;
pub mod rulefile;
pub mod scaled_table;
mod starts;
pub mod stats;
pub mod table;

use crate::model::{DocText, IdStem, Mention};
use crate::rules::RuleSet;
use serde_json::Value;
use std::collections::BTreeMap;

/// A found `value`, with the rule's `qual` capture ("early", "the end of", "up to"), its
/// spaces folded and lower-cased, as the mention's `qualifier` when there is one.
pub(crate) fn found(value: Value, hit: &engine::Hit) -> engine::Found {
    let mut extra = BTreeMap::new();
    if let Some(q) = hit.get("qual") {
        let q = q
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        extra.insert("qualifier".into(), Value::String(q));
    }
    engine::Found {
        value,
        extra,
        pending: None,
        tense: None,
    }
}

/// The outcome of one example written in a rule file (`aisi rules test`).
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleOutcome {
    /// Rule file, relative to the rules folder.
    pub file: String,
    pub rule: String,
    /// The example's text, shortened for display.
    pub example: String,
    pub passed: bool,
    /// What was expected and what was found, when it failed.
    pub detail: String,
}

/// Runs every example of every rule family.
pub fn self_test(rules: &RuleSet) -> Vec<ExampleOutcome> {
    let mut out = engine::self_test(&rules.patterns);
    out.extend(entities::self_test(&rules.entities));
    out
}

/// What the rules may know about the document they run on.
pub struct DocContext<'a> {
    pub doc: &'a str,
    pub text: &'a DocText,
    /// Publication date (ISO) known before the find stage (sidecar or metadata), used to
    /// resolve year-less and relative dates.
    pub published: Option<&'a str>,
}

/// All mentions of one document, sorted by (start, end, kind, rule), with stable ids.
pub fn find(rules: &RuleSet, ctx: &DocContext) -> Vec<Mention> {
    find_scanned(rules, ctx, scan(rules, ctx.text))
}

/// The pattern rules run once over a document's text, for both [`publication_date_scanned`]
/// and [`find_scanned`]: the pipeline needs the first before it can run the second.
pub fn scan(rules: &RuleSet, text: &DocText) -> engine::PatternScan {
    engine::scan_text(&rules.patterns, &text.text)
}

/// [`find`] from a scan of the same text.
pub fn find_scanned(
    rules: &RuleSet,
    ctx: &DocContext,
    scanned: engine::PatternScan,
) -> Vec<Mention> {
    let mut mentions = engine::find_scanned(&rules.patterns, ctx, scanned);
    // Table cells scaled by their header, where no rule has read the number already; the
    // header's unit ("(unit: KRW 100 million)") is no amount.
    let (cells, headers) = scaled_table::find(&ctx.text.text);
    mentions.retain(|m| {
        m.kind != crate::model::MentionKind::Money
            || !headers.iter().any(|&(s, e)| s <= m.start && m.end <= e)
    });
    for m in cells {
        if !mentions.iter().any(|o| o.start < m.end && m.start < o.end) {
            mentions.push(m);
        }
    }
    mentions.extend(entities::find(&rules.entities, ctx));
    finish(ctx, mentions)
}

/// Fills page and id and sorts: done once here so every rule family gets it right.
pub fn finish(ctx: &DocContext, mut mentions: Vec<Mention>) -> Vec<Mention> {
    mentions
        .sort_by(|a, b| (a.start, a.end, a.kind, &a.rule).cmp(&(b.start, b.end, b.kind, &b.rule)));
    // One mention per span and kind (the id is made of them): the first rule's, by name.
    // Before the ids, so that the dropped ones are not hashed.
    mentions.dedup_by(|a, b| (a.start, a.end, a.kind) == (b.start, b.end, b.kind));
    let stem = IdStem::new(ctx.doc);
    // Offsets in decimal without `format!` (`write!` cost more per mention).
    let (mut start, mut end) = (itoa::Buffer::new(), itoa::Buffer::new());
    for m in &mut mentions {
        m.doc = ctx.doc.to_string();
        m.page = ctx.text.page_of(m.start);
        // The same id as `stable_id("m", [doc, start, end, kind])`.
        m.id = stem.id(
            "m",
            &[start.format(m.start), end.format(m.end), m.kind.as_str()],
        );
    }
    mentions
}

/// The publication date a document states about itself (cover page, byline, dateline),
/// when neither its sidecar nor its metadata gave one.
pub fn publication_date(rules: &RuleSet, text: &DocText) -> Option<String> {
    engine::publication_date(&rules.patterns, text)
}

/// [`publication_date`] from a scan of the same text.
pub fn publication_date_scanned(
    rules: &RuleSet,
    text: &DocText,
    scanned: &engine::PatternScan,
) -> Option<String> {
    engine::publication_date_scanned(&rules.patterns, text, scanned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mention_ids_are_the_stable_ids_of_doc_span_and_kind() {
        let text = DocText::from_text("Published 3 March 2025 by the UK AISI.".into());
        let ctx = DocContext {
            doc: "a/b.txt",
            text: &text,
            published: None,
        };
        let rules =
            RuleSet::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap();
        let ms = find(&rules, &ctx);
        assert!(!ms.is_empty());
        for m in &ms {
            let (s, e) = (m.start.to_string(), m.end.to_string());
            let want = crate::model::stable_id("m", &["a/b.txt", &s, &e, m.kind.as_str()]);
            assert_eq!(m.id, want);
        }
    }
}
