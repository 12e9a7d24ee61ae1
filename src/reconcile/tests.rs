use super::keys::{fact_groups, group};
use super::merge::facts_of;
use super::*;
use crate::model::NamesOf;
use crate::model::{FactStatus, Mention, MentionKind, Source};
use serde_json::Value;
use serde_json::json;
use std::collections::BTreeMap;

/// A claim of `doc` with a placeholder source (also used by the other modules' tests).
pub(super) fn claim(doc: &str, subject: &str, predicate: &str, object: Value) -> Claim {
    Claim {
        subject: subject.to_string(),
        predicate: predicate.to_string(),
        object,
        qualifiers: BTreeMap::new(),
        source: Source {
            doc: doc.to_string(),
            page: 1,
            start: 0,
            end: 4,
            quote: "text".to_string(),
            rule: "r".to_string(),
        },
        names: BTreeMap::new(),
    }
}

fn status_of<'a>(facts: &'a [Fact], object: &str) -> &'a Fact {
    facts
        .iter()
        .find(|f| f.object == json!(object))
        .expect("fact present")
}

#[test]
fn a_month_agrees_with_a_day_inside_it() {
    let f = facts(vec![
        claim("a", "institute:JP", "established", json!("2024-02")),
        claim("b", "institute:JP", "established", json!("2024-02-14")),
    ]);
    assert_eq!(f.len(), 2, "each stated value stays a fact of its own");
    assert!(f.iter().all(|x| x.status == FactStatus::Agreed));
}

#[test]
fn different_days_conflict_and_name_each_other() {
    let f = facts(vec![
        claim("a", "institute:JP", "established", json!("2024-02-14")),
        claim("b", "institute:JP", "established", json!("2024-02-15")),
    ]);
    let a = status_of(&f, "2024-02-14");
    let b = status_of(&f, "2024-02-15");
    assert_eq!(a.status, FactStatus::Conflict);
    assert_eq!(a.conflicts_with, Some(vec![b.id.clone()]));
    assert_eq!(b.conflicts_with, Some(vec![a.id.clone()]));
}

#[test]
fn a_day_range_agrees_with_a_day_inside_but_not_with_a_shifted_range() {
    let f = facts(vec![
        claim(
            "a",
            "event:first",
            "event_date",
            json!("2024-11-20/2024-11-21"),
        ),
        claim("b", "event:first", "event_date", json!("2024-11-21")),
        claim(
            "c",
            "event:first",
            "event_date",
            json!("2024-11-21/2024-11-22"),
        ),
    ]);
    assert_eq!(status_of(&f, "2024-11-21").status, FactStatus::Agreed);
    assert_eq!(
        status_of(&f, "2024-11-20/2024-11-21").status,
        FactStatus::Conflict
    );
    assert_eq!(
        status_of(&f, "2024-11-21/2024-11-22").status,
        FactStatus::Conflict
    );
}

#[test]
fn the_same_claim_from_two_documents_is_one_agreed_fact() {
    let f = facts(vec![
        claim("a", "institute:US", "member_of", json!("institute:NETWORK")),
        claim("b", "institute:US", "member_of", json!("institute:NETWORK")),
    ]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].status, FactStatus::Agreed);
    assert_eq!(f[0].sources.len(), 2);
    let one = facts(vec![claim(
        "a",
        "institute:US",
        "member_of",
        json!("institute:NETWORK"),
    )]);
    assert_eq!(one[0].status, FactStatus::Single);
    assert_eq!(one[0].id, f[0].id, "ids do not depend on the sources");
}

#[test]
fn staff_counts_at_different_dates_are_a_succession_not_a_conflict() {
    let q = |v: u32, as_of: &str, doc: &str| {
        let mut c = claim(
            doc,
            "institute:JP",
            "staff",
            json!({"value": v, "unit": "staff"}),
        );
        c.qualifiers.insert("as_of".into(), json!(as_of));
        c.qualifiers.insert("type".into(), json!("current"));
        c
    };
    let f = facts(vec![q(23, "2024-11", "a"), q(30, "2025-01", "b")]);
    assert_eq!(f.len(), 2);
    assert!(f.iter().all(|x| x.status == FactStatus::Single));
    let g = facts(vec![q(23, "2024-11", "a"), q(30, "2024-11-20", "b")]);
    assert!(g.iter().all(|x| x.status == FactStatus::Conflict));
    let h = facts(vec![q(30, "2024-11", "a"), q(30, "2025-01", "b")]);
    assert_eq!(h.len(), 1, "one count stated twice is one fact");
}

#[test]
fn multi_valued_predicates_never_conflict() {
    let f = facts(vec![
        claim("a", "institute:US", "partnership", json!("institute:GB")),
        claim(
            "b",
            "institute:US",
            "partnership",
            json!("organization:openai"),
        ),
    ]);
    assert!(f.iter().all(|x| x.status == FactStatus::Single));
}

#[test]
fn partnerships_are_symmetric() {
    let f = facts(vec![
        claim("a", "institute:US", "partnership", json!("institute:GB")),
        claim("b", "institute:GB", "partnership", json!("institute:US")),
        claim(
            "c",
            "organization:openai",
            "partnership",
            json!("institute:US"),
        ),
    ]);
    assert_eq!(f.len(), 2);
    assert!(f.iter().all(|x| x.subject.starts_with("institute:")));
}

#[test]
fn a_conversion_stated_in_one_document_agrees_and_amounts_in_one_currency_conflict() {
    let usd = |a: u64, doc: &str| {
        claim(
            doc,
            "institute:CA",
            "funding",
            json!({"amount": a, "currency": "USD", "per": null}),
        )
    };
    let cad = claim(
        "a",
        "institute:CA",
        "funding",
        json!({"amount": 50000000, "currency": "CAD", "per": null}),
    );
    let f = facts(vec![usd(36500000, "a"), cad.clone()]);
    assert!(f.iter().all(|x| x.status == FactStatus::Single), "{f:?}");
    let g = facts(vec![usd(36500000, "a"), usd(36000000, "b"), cad]);
    assert_eq!(
        g.iter()
            .filter(|x| x.status == FactStatus::Conflict)
            .count(),
        2
    );
}

#[test]
fn entities_take_ids_from_codes_and_names_and_keep_every_alias() {
    let mention = |kind: MentionKind, text: &str, value: &str| Mention {
        id: String::new(),
        doc: "a".into(),
        kind,
        text: text.into(),
        start: 0,
        end: text.len(),
        page: 1,
        rule: "r".into(),
        value: json!(value),
        extra: BTreeMap::new(),
    };
    let names = entity_names(&[
        mention(MentionKind::Institute, "J-AISI", "JP"),
        mention(MentionKind::Institute, "Japan  AISI", "JP"),
        mention(
            MentionKind::Organization,
            "NIST",
            "National Institute of Standards and Technology",
        ),
        mention(MentionKind::Date, "2024", "2024"),
    ]);
    let mut c = claim("a", "institute:JP", "established", json!("2024"));
    c.names
        .insert("institute:JP".into(), "Japan AI Safety Institute".into());
    let e = entities(&[&names], std::slice::from_ref(&c));
    // Names moved from the claims to the document count the same.
    let (mut moved, mut claims) = (names.clone(), vec![c]);
    take_claim_names(&mut moved, &mut claims);
    assert!(claims[0].names.is_empty());
    assert_eq!(entities(&[&moved], &claims), e);
    assert_eq!(e.len(), 2, "dates are not entities");
    let jp = e.iter().find(|x| x.id == "institute:JP").unwrap();
    assert_eq!(jp.name, "Japan AI Safety Institute");
    assert_eq!(jp.code.as_deref(), Some("JP"));
    assert_eq!(jp.aliases, vec!["J-AISI", "Japan AISI"]);
    let nist = e
        .iter()
        .find(|x| x.id == "organization:national-institute-of-standards-and-technology")
        .unwrap();
    assert_eq!(nist.name, "National Institute of Standards and Technology");
    assert_eq!(nist.aliases, vec!["NIST"]);
}

#[test]
fn one_amount_written_two_ways_is_one_fact_with_the_object_of_its_first_source() {
    let money = |doc: &str, amount: Value| {
        claim(
            doc,
            "institute:CA",
            "funding",
            json!({"amount": amount, "currency": "CAD", "hedge": "about"}),
        )
    };
    let f = facts(vec![
        money("b", json!(50000000)),
        money("a", json!(5e7)),
        money("c", json!(50000000)),
    ]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].sources.len(), 3);
    assert_eq!(f[0].object["amount"], json!(5e7), "document a's object");
    assert_eq!(f[0].status, FactStatus::Agreed);
}

#[test]
fn claims_of_one_source_give_the_qualifiers_in_the_order_they_came() {
    let with = |doc: &str, as_of: &str| {
        let mut c = claim(doc, "institute:JP", "established", json!("2024"));
        c.qualifiers.insert("as_of".into(), json!(as_of));
        c
    };
    let f = facts(vec![
        with("b", "first"),
        with("a", "second"),
        with("a", "third"),
    ]);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].qualifiers["as_of"], json!("second"));
    assert_eq!(
        f[0].sources.len(),
        2,
        "one source stated twice is listed once"
    );
}

#[test]
fn the_last_canonical_name_in_document_order_wins_however_many_documents() {
    // Enough documents that they are counted in parallel runs and merged.
    let doc = |canonical: &str| {
        let mut names = EntityNames::new();
        names.insert(
            "organization:openai".into(),
            NamesOf {
                canonical: Some(canonical.into()),
                texts: BTreeMap::from([("OpenAI".to_string(), 1)]),
                named: BTreeMap::new(),
            },
        );
        names
    };
    let mut docs: Vec<EntityNames> = (0..20_000).map(|i| doc(&format!("Name {i}"))).collect();
    docs.push(EntityNames::new());
    let refs: Vec<&EntityNames> = docs.iter().collect();
    let e = entities(&refs, &[]);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].name, "Name 19999");
    assert_eq!(e[0].aliases, vec!["OpenAI"]);
}

/// Documents grouped into works: (doc, work, published).
fn works(docs: &[(&str, &str, &str)]) -> Works {
    Works::new(docs.iter().map(|(d, w, _)| {
        (
            d.to_string(),
            crate::works::DocWork {
                work: w.to_string(),
                first: String::new(),
                similarity: 1.0,
            },
        )
    }))
    .with_dates(docs.iter().map(|(d, _, p)| (*d, *p)))
}

fn judged(claims: Vec<Claim>, works: &Works) -> Vec<Fact> {
    let groups = fact_groups(group(&claims));
    facts_of(claims, groups, works, &Places::default())
}

#[test]
fn copies_of_one_work_do_not_make_a_fact_agreed() {
    let w = works(&[
        ("a.pdf", "w1", "2024-01-01"),
        ("a.html", "w1", "2024-01-01"),
        ("b.txt", "w2", "2024-02-01"),
    ]);
    let one = judged(
        vec![
            claim(
                "a.pdf",
                "institute:US",
                "member_of",
                json!("institute:NETWORK"),
            ),
            claim(
                "a.html",
                "institute:US",
                "member_of",
                json!("institute:NETWORK"),
            ),
        ],
        &w,
    );
    assert_eq!(one[0].status, FactStatus::Single);
    let two = judged(
        vec![
            claim(
                "a.pdf",
                "institute:US",
                "member_of",
                json!("institute:NETWORK"),
            ),
            claim(
                "b.txt",
                "institute:US",
                "member_of",
                json!("institute:NETWORK"),
            ),
        ],
        &w,
    );
    assert_eq!(two[0].status, FactStatus::Agreed);
}

#[test]
fn editions_of_one_work_that_disagree_are_a_revision_latest_first() {
    let w = works(&[
        ("v1.pdf", "w1", "2024-01-10"),
        ("v2.pdf", "w1", "2024-03-05"),
        ("other.txt", "w2", "2024-04-01"),
    ]);
    let f = judged(
        vec![
            claim("v1.pdf", "institute:JP", "established", json!("2024-02-14")),
            claim("v2.pdf", "institute:JP", "established", json!("2024-02-15")),
        ],
        &w,
    );
    let old = status_of(&f, "2024-02-14");
    let new = status_of(&f, "2024-02-15");
    assert_eq!(old.status, FactStatus::Single);
    assert_eq!(new.status, FactStatus::Single);
    assert_eq!(old.conflicts_with, None);
    let order = Some(vec![new.id.clone(), old.id.clone()]);
    assert_eq!(old.revisions, order);
    assert_eq!(new.revisions, order);
    // Another work stating the old value: a conflict between sources again.
    let g = judged(
        vec![
            claim("v1.pdf", "institute:JP", "established", json!("2024-02-14")),
            claim("v2.pdf", "institute:JP", "established", json!("2024-02-15")),
            claim(
                "other.txt",
                "institute:JP",
                "established",
                json!("2024-02-14"),
            ),
        ],
        &w,
    );
    assert!(g.iter().all(|x| x.status == FactStatus::Conflict), "{g:?}");
    // One edition stating both values contradicts itself.
    let h = judged(
        vec![
            claim("v1.pdf", "institute:JP", "established", json!("2024-02-14")),
            claim("v1.pdf", "institute:JP", "established", json!("2024-02-15")),
        ],
        &w,
    );
    assert!(
        h.iter()
            .all(|x| x.status == FactStatus::Conflict && x.revisions.is_none()),
        "{h:?}"
    );
}

#[test]
fn date_ranges_cover_their_precision() {
    assert_eq!(date_range("2024"), Some(((2024, 1, 1), (2024, 12, 31))));
    assert_eq!(date_range("2024-11"), Some(((2024, 11, 1), (2024, 11, 31))));
    assert_eq!(
        date_range("2023-10/2024-09"),
        Some(((2023, 10, 1), (2024, 9, 31)))
    );
    assert_eq!(date_range("soon"), None);
}

fn money(doc: &str, amount: u64, currency: &str) -> Claim {
    claim(
        doc,
        "institute:CA",
        "funding",
        json!({"amount": amount, "currency": currency, "per": null}),
    )
}

#[test]
fn two_conversions_of_one_amount_agree_when_close_and_conflict_when_far() {
    // Each report converts the same C$50 million at its own rate.
    let f = facts(vec![
        money("a", 36_500_000, "USD"),
        money("a", 50_000_000, "CAD"),
        money("b", 36_000_000, "USD"),
        money("b", 50_000_000, "CAD"),
    ]);
    assert!(f.iter().all(|x| x.status == FactStatus::Agreed), "{f:?}");
    // A tenth apart is not a rate: one of them is wrong.
    let g = facts(vec![
        money("a", 40_000_000, "USD"),
        money("a", 50_000_000, "CAD"),
        money("b", 36_000_000, "USD"),
        money("b", 50_000_000, "CAD"),
    ]);
    assert_eq!(
        g.iter()
            .filter(|x| x.status == FactStatus::Conflict)
            .count(),
        2,
        "{g:?}"
    );
}

#[test]
fn a_total_and_the_parts_its_document_gives_do_not_conflict() {
    let f = facts(vec![
        money("a", 100_000_000, "GBP"),
        money("a", 60_000_000, "GBP"),
        money("a", 40_000_000, "GBP"),
    ]);
    assert!(f.iter().all(|x| x.status == FactStatus::Single), "{f:?}");
    // Amounts that do not add up to the larger one still conflict with it.
    let g = facts(vec![
        money("a", 100_000_000, "GBP"),
        money("a", 60_000_000, "GBP"),
        money("a", 30_000_000, "GBP"),
    ]);
    assert!(g.iter().all(|x| x.status == FactStatus::Conflict), "{g:?}");
    // Parts from a document that does not state the total are not its parts.
    let h = facts(vec![
        money("a", 100_000_000, "GBP"),
        money("b", 60_000_000, "GBP"),
        money("b", 40_000_000, "GBP"),
    ]);
    assert_eq!(
        h.iter()
            .filter(|x| x.status == FactStatus::Conflict)
            .count(),
        3,
        "{h:?}"
    );
}

#[test]
fn a_part_the_sentence_of_its_total_gives_does_not_conflict_with_it() {
    let in_sentence = |amount: u64, quote: &str| {
        let mut c = money("a", amount, "KRW");
        c.source.start = 10;
        c.source.end = 90;
        c.source.quote = quote.to_string();
        c
    };
    let q = "will spend 9 billion won, including 5 billion won on research";
    let f = facts(vec![
        in_sentence(9_000_000_000, q),
        in_sentence(5_000_000_000, q),
    ]);
    assert!(f.iter().all(|x| x.status == FactStatus::Single), "{f:?}");
    // Without a cue, one sentence giving two amounts for one thing contradicts itself.
    let q = "will spend 9 billion won, or 5 billion won by other counts";
    let g = facts(vec![
        in_sentence(9_000_000_000, q),
        in_sentence(5_000_000_000, q),
    ]);
    assert!(g.iter().all(|x| x.status == FactStatus::Conflict), "{g:?}");
}

#[test]
fn an_amount_and_its_rounding_agree() {
    let f = facts(vec![
        money("a", 29_900_000, "AUD"),
        money("b", 30_000_000, "AUD"),
    ]);
    assert!(f.iter().all(|x| x.status == FactStatus::Agreed), "{f:?}");
    let g = facts(vec![
        money("a", 29_000_000, "AUD"),
        money("b", 30_000_000, "AUD"),
    ]);
    assert!(g.iter().all(|x| x.status == FactStatus::Conflict), "{g:?}");
}

#[test]
fn a_venue_and_its_city_from_two_works_agree() {
    let places = Places::new(BTreeMap::from([(
        "Harbour Hall".to_string(),
        "Port City".to_string(),
    )]));
    let at = |doc: &str, place: &str| claim(doc, "event:expo", "event_location", json!(place));
    let claims = vec![
        at("a", "Harbour Hall"),
        at("b", "Port City"),
        at("c", "Elsewhere"),
    ];
    let groups = fact_groups(group(&claims));
    let f = facts_of(claims, groups, &Works::default(), &places);
    assert_eq!(status_of(&f, "Harbour Hall").status, FactStatus::Agreed);
    assert_eq!(status_of(&f, "Port City").status, FactStatus::Agreed);
    // Another place is another fact, neither agreeing nor in conflict.
    assert_eq!(status_of(&f, "Elsewhere").status, FactStatus::Single);
}

#[test]
fn a_yearly_amount_and_a_sum_without_a_rate_conflict_only_with_their_like() {
    let yearly = |doc: &str, amount: u64| {
        claim(
            doc,
            "institute:CA",
            "funding",
            json!({"amount": amount, "currency": "GBP", "per": "year"}),
        )
    };
    // £60 million a year and a £100 million sum: different measures.
    let f = facts(vec![
        yearly("a", 60_000_000),
        money("b", 100_000_000, "GBP"),
    ]);
    assert!(f.iter().all(|x| x.status == FactStatus::Single), "{f:?}");
    // The same figure with and without "a year" may be one: they agree.
    let g = facts(vec![yearly("a", 60_000_000), money("b", 60_000_000, "GBP")]);
    assert!(g.iter().all(|x| x.status == FactStatus::Agreed), "{g:?}");
    // Two yearly amounts still conflict.
    let h = facts(vec![yearly("a", 60_000_000), yearly("b", 100_000_000)]);
    assert!(h.iter().all(|x| x.status == FactStatus::Conflict), "{h:?}");
}
