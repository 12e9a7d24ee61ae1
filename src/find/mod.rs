//! The find stage: mentions of dates, money, quantities, institutes, organisations and
//! countries in a document's text, each with its span, page, rule and normalised value.
//!
//! Rules are data (`rules/`); this module runs them. It never changes the text and never
//! looks at other documents: one document in, its mentions out.

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
pub fn finish(ctx: &DocContext, mentions: Vec<Mention>) -> Vec<Mention> {
    // Sorted as indices: a mention is a few hundred bytes, and a sort moves each element
    // many times.
    let key = |m: &Mention| (m.start, m.end, m.kind);
    let mut order: Vec<usize> = (0..mentions.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&mentions[a], &mentions[b]);
        (key(a), &a.rule).cmp(&(key(b), &b.rule))
    });
    // One mention per span and kind (the id is made of them): the first rule's, by name.
    // Before the ids, so that the dropped ones are not hashed.
    order.dedup_by(|a, b| key(&mentions[*a]) == key(&mentions[*b]));
    let mut slots: Vec<Option<Mention>> = mentions.into_iter().map(Some).collect();
    let mut mentions: Vec<Mention> = order.iter().filter_map(|&i| slots[i].take()).collect();
    let stem = IdStem::new(ctx.doc);
    let (mut start, mut end) = (String::new(), String::new());
    for m in &mut mentions {
        m.doc = ctx.doc.to_string();
        m.page = ctx.text.page_of(m.start);
        decimal(&mut start, m.start);
        decimal(&mut end, m.end);
        // The same id as `stable_id("m", [doc, start, end, kind])`.
        m.id = stem.id("m", &[&start, &end, m.kind.as_str()]);
    }
    mentions
}

/// `n` in decimal digits, in place of what `out` held (`write!` costs more).
fn decimal(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.clear();
    out.extend(digits[k..].iter().map(|&d| char::from(d)));
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
    fn decimal_writes_what_display_writes() {
        let mut s = String::from("junk");
        for n in [0, 7, 10, 99, 1000, 123_456_789, usize::MAX] {
            decimal(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }
}
