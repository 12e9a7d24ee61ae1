//! The output folder from the outside: every contract file written by the real binary, the
//! contract's key checks (fields, order, spans, references, SQLite tables), byte-identical
//! re-runs, and golden CSV tables built from a fixed, hand-marked dataset.
//!
//! Golden files live in `tests/golden/`; after a deliberate change of the tables, regenerate
//! them with `UPDATE_GOLDEN=1 cargo test --test emit` and review the diff.

use aisi_tracker::facts::{self, FactRules, markup};
use aisi_tracker::model::{
    Dataset, DocText, DocumentRecord, Format, Mention, ProcessedDoc, Status, stable_id,
};
use aisi_tracker::{emit, reconcile};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

mod support;

use support::*;

const CONTRACT_FILES: &[&str] = &[
    "documents.jsonl",
    "mentions.jsonl",
    "entities.jsonl",
    "facts.jsonl",
    "institutes.csv",
    "timeline.csv",
    "collaborations.csv",
    "report.html",
    "dataset.sqlite",
];

fn run(corpus: &Path, out: &Path) {
    run_ok(corpus, &root().join("rules"), out);
}

/// The checks of the contract that a reader of the output relies on.
fn check_contract(out: &Path) {
    for f in CONTRACT_FILES {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let fields: &[(&str, &[&str])] = &[
        (
            "documents.jsonl",
            &[
                "doc",
                "sha256",
                "format",
                "title",
                "published",
                "pages",
                "chars",
                "status",
                "error",
            ],
        ),
        (
            "mentions.jsonl",
            &[
                "id", "doc", "kind", "text", "start", "end", "page", "rule", "value",
            ],
        ),
        ("entities.jsonl", &["id", "kind", "name", "aliases"]),
        (
            "facts.jsonl",
            &[
                "id",
                "subject",
                "predicate",
                "object",
                "qualifiers",
                "status",
                "sources",
            ],
        ),
    ];
    for (file, keys) in fields {
        for (n, row) in read_jsonl(&out.join(file)).iter().enumerate() {
            for k in *keys {
                assert!(row.get(k).is_some(), "{file}:{}: no field {k}", n + 1);
            }
        }
    }
    let docs: BTreeSet<String> = read_jsonl(&out.join("documents.jsonl"))
        .iter()
        .map(|d| d["doc"].as_str().unwrap().to_string())
        .collect();
    let mentions = read_jsonl(&out.join("mentions.jsonl"));
    let order: Vec<(String, u64)> = mentions
        .iter()
        .map(|m| {
            (
                m["doc"].as_str().unwrap().to_string(),
                m["start"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "mentions sorted by (doc, start)");
    for m in &mentions {
        let doc = m["doc"].as_str().unwrap();
        let text = std::fs::read(out.join("text").join(format!("{doc}.txt"))).unwrap();
        let (s, e) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            String::from_utf8_lossy(&text[s..e]),
            m["text"].as_str().unwrap(),
            "span of mention {}",
            m["id"]
        );
    }
    let entities: BTreeSet<String> = read_jsonl(&out.join("entities.jsonl"))
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    let facts = read_jsonl(&out.join("facts.jsonl"));
    let keys: Vec<(String, String)> = facts
        .iter()
        .map(|f| {
            (
                f["subject"].as_str().unwrap().to_string(),
                f["predicate"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "facts sorted by (subject, predicate)");
    let ids: BTreeSet<&str> = facts.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), facts.len(), "fact ids are unique");
    for f in &facts {
        assert!(
            entities.contains(f["subject"].as_str().unwrap()),
            "subject of {}",
            f["id"]
        );
        let status = f["status"].as_str().unwrap();
        assert!(["single", "agreed", "conflict"].contains(&status));
        assert_eq!(status == "conflict", f.get("conflicts_with").is_some());
        let sources = f["sources"].as_array().unwrap();
        assert!(!sources.is_empty(), "fact {} has sources", f["id"]);
        for s in sources {
            assert!(docs.contains(s["doc"].as_str().unwrap()));
            assert!(!s["quote"].as_str().unwrap().is_empty());
        }
    }
    let con = rusqlite::Connection::open(out.join("dataset.sqlite")).unwrap();
    for (table, n) in [
        ("documents", docs.len()),
        ("mentions", mentions.len()),
        ("entities", entities.len()),
        ("facts", facts.len()),
    ] {
        let count: i64 = con
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(count as usize, n, "rows of table {table}");
    }
    let sources: i64 = con
        .query_row("SELECT count(*) FROM fact_sources", [], |r| r.get(0))
        .unwrap();
    let want: usize = facts
        .iter()
        .map(|f| f["sources"].as_array().unwrap().len())
        .sum();
    assert_eq!(sources as usize, want);
    for csv in ["institutes.csv", "timeline.csv", "collaborations.csv"] {
        let text = std::fs::read_to_string(out.join(csv)).unwrap();
        assert!(
            text.lines().next().is_some_and(|h| h.contains(',')),
            "{csv} has a header"
        );
    }
}

#[test]
fn every_contract_file_is_written_and_keeps_the_contract() {
    let corpus = seeds_corpus();
    let out = tempfile::tempdir().unwrap();
    run(corpus.path(), out.path());
    check_contract(out.path());
}

#[test]
fn a_second_run_writes_byte_identical_files() {
    let corpus = seeds_corpus();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run(corpus.path(), a.path());
    run(corpus.path(), b.path());
    for f in CONTRACT_FILES {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        assert!(x == y, "{f} differs between runs");
    }
}

/// Two small documents with their mentions marked by hand (the find stage is not under
/// test here), through the real fact rules, reconciliation and table writers.
fn fixture() -> Dataset {
    let docs = [
        (
            "a.txt",
            "2024-11-01",
            "The [Japan AI Safety Institute](institute:JP) was established in [February 2024](date:2024-02). \
             It is located within the [Information-technology Promotion Agency](organization:Information-technology Promotion Agency). \
             In [April 2024](date:2024-04), the [United States](country:US) signed a memorandum of understanding with the [United Kingdom](country:GB).\n\n\
             \t[United States](country:US)\t[Singapore](country:SG)\n\
             Funding (USD & Foreign Currency)\t[$10 million](money:{\"amount\":10000000,\"currency\":\"USD\",\"per\":null})\t[$7.5 million/yr](money:{\"amount\":7500000,\"currency\":\"USD\",\"per\":\"year\"}) ([$10 million/year](money:{\"amount\":10000000,\"currency\":\"USD\",\"per\":\"year\"}))\n\
             Staff\t[c.20](quantity:{\"value\":20,\"unit\":\"staff\",\"approx\":true}) (current core staff)\t\n",
        ),
        (
            "b.txt",
            "2025-02-05",
            "[J-AISI](institute:JP) was established on [February 14, 2024](date:2024-02-14). \
             The [AI Seoul Summit](event:AI Seoul Summit) was held in [Seoul](location:Seoul) in [May 2024](date:2024-05). \
             The [US AISI](institute:US) was established in [November 2023](date:2023-11).\n\n\
             [US](country:US) <> [Anthropic](organization:Anthropic)\tModel Access and Testing\n",
        ),
    ];
    let rules = FactRules::load(&root().join("rules/facts")).unwrap();
    let documents: Vec<ProcessedDoc> = docs
        .iter()
        .map(|(name, published, marked)| {
            let (text, mut mentions) = markup::parse(marked);
            for m in &mut mentions {
                m.doc = name.to_string();
                m.rule = "fixture".into();
                m.id = stable_id("m", &[name, &m.start.to_string(), m.kind.as_str()]);
            }
            let mentions: Vec<Mention> = mentions;
            ProcessedDoc {
                record: DocumentRecord {
                    doc: name.to_string(),
                    sha256: String::new(),
                    format: Format::Text,
                    title: Some(format!("Fixture {name}")),
                    published: Some(published.to_string()),
                    pages: 1,
                    chars: text.chars().count(),
                    status: Status::Ok,
                    error: None,
                    work: None,
                    copy_of: None,
                    work_similarity: None,
                    warnings: Vec::new(),
                },
                text: DocText::from_text(text),
                mentions,
            }
        })
        .collect();
    let claims = facts::claims(&rules, &documents);
    let names: Vec<_> = documents
        .iter()
        .map(|d| reconcile::entity_names(&d.mentions))
        .collect();
    let names: Vec<_> = names.iter().collect();
    let signatures: Vec<_> = documents
        .iter()
        .map(|d| aisi_tracker::works::Signature::of(&d.text.text))
        .collect();
    let documents: Vec<_> = documents.into_iter().map(Into::into).collect();
    let works = aisi_tracker::works::of_documents(&documents, signatures.iter());
    let (entities, facts) =
        reconcile::reconcile(&names, claims, &works, &reconcile::Places::default());
    Dataset {
        documents: std::sync::Arc::new(documents),
        entities,
        facts,
        works,
    }
}

fn golden(name: &str, got: &[u8]) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (generate it with UPDATE_GOLDEN=1 cargo test --test emit)",
            path.display()
        )
    });
    assert!(
        want == got,
        "{name} differs from tests/golden/{name}:\n--- got\n{}\n--- want\n{}",
        String::from_utf8_lossy(got),
        String::from_utf8_lossy(&want)
    );
}

#[test]
fn institutes_csv_matches_its_golden_file() {
    let data = fixture();
    golden("institutes.csv", &emit::tables::institutes_csv(&data));
}

#[test]
fn timeline_csv_matches_its_golden_file() {
    golden("timeline.csv", &emit::tables::timeline_csv(&fixture()));
}

#[test]
fn collaborations_csv_matches_its_golden_file() {
    golden(
        "collaborations.csv",
        &emit::tables::collaborations_csv(&fixture()),
    );
}

#[test]
fn the_fixture_reconciles_a_month_and_a_day_as_agreed_and_converts_the_local_currency() {
    let data = fixture();
    let jp: Vec<_> = data
        .facts
        .iter()
        .filter(|f| f.subject == "institute:JP" && f.predicate == "established")
        .collect();
    assert_eq!(jp.len(), 2);
    assert!(jp.iter().all(|f| format!("{:?}", f.status) == "Agreed"));
    assert!(data.facts.iter().any(|f| f.subject == "institute:SG"
        && f.object.get("currency").and_then(Value::as_str) == Some("SGD")));
}
