//! `aisi explain ID`: every source of a fact, entity or mention with its document, page,
//! quote in context, rule and normalisation; helpful errors for unknown ids.

mod support;

use serde_json::json;
use std::path::Path;
use support::*;

const DOC_A: &str = "Preface\nThe Network was launched on 20 November 2024 in San Francisco.\nIt has ten members.\n";
const DOC_B: &str = "Cover\u{c}Page two\nThe network launched on 21 November 2024.\nEnd\n";

fn span(text: &str, needle: &str) -> (usize, usize) {
    let s = text.find(needle).unwrap();
    (s, s + needle.len())
}

fn write_jsonl(p: &Path, records: &[serde_json::Value]) {
    let mut s = String::new();
    for r in records {
        s.push_str(&r.to_string());
        s.push('\n');
    }
    std::fs::write(p, s).unwrap();
}

/// An output folder written as the contract describes, with a conflict between two docs.
fn dataset(out: &Path) {
    std::fs::create_dir_all(out.join("text")).unwrap();
    std::fs::write(out.join("text/a.txt.txt"), DOC_A).unwrap();
    std::fs::write(out.join("text/b.pdf.txt"), DOC_B).unwrap();
    let doc = |d: &str, pages: usize| {
        json!({"doc": d, "sha256": "00", "format": "text", "title": format!("Report {d}"),
               "published": "2024-11-25", "pages": pages, "chars": 10, "status": "ok", "error": null})
    };
    write_jsonl(
        &out.join("documents.jsonl"),
        &[doc("a.txt", 1), doc("b.pdf", 2)],
    );
    let (qa0, qa1) = span(DOC_A, "The Network was launched on 20 November 2024");
    let (da0, da1) = span(DOC_A, "20 November 2024");
    let (qb0, qb1) = span(DOC_B, "The network launched on 21 November 2024");
    let (db0, db1) = span(DOC_B, "21 November 2024");
    write_jsonl(
        &out.join("mentions.jsonl"),
        &[
            json!({"id": "m-aaaaaaaaaaaa", "doc": "a.txt", "kind": "date", "text": "20 November 2024",
                   "start": da0, "end": da1, "page": 1, "rule": "date.day-month-year",
                   "value": "2024-11-20"}),
            json!({"id": "m-bbbbbbbbbbbb", "doc": "b.pdf", "kind": "date", "text": "21 November 2024",
                   "start": db0, "end": db1, "page": 2, "rule": "date.day-month-year",
                   "value": "2024-11-21", "anchor": "2024-11-25"}),
            json!({"id": "m-cccccccccccc", "doc": "a.txt", "kind": "institute", "text": "Network",
                   "start": 4 + 8, "end": 11 + 8, "page": 1, "rule": "institute.gazetteer",
                   "value": "NETWORK"}),
        ],
    );
    write_jsonl(
        &out.join("entities.jsonl"),
        &[json!({"id": "institute:NETWORK", "kind": "institute",
                 "name": "International Network of AI Safety Institutes",
                 "aliases": ["the Network", "INASI"], "code": "NETWORK"})],
    );
    let src = |doc: &str, page: usize, s: usize, e: usize, text: &str| json!({"doc": doc, "page": page, "start": s, "end": e, "quote": &text[s..e], "rule": "fact.launched"});
    write_jsonl(
        &out.join("facts.jsonl"),
        &[
            json!({"id": "f-111111111111", "subject": "institute:NETWORK", "predicate": "launched",
                   "object": "2024-11-20", "qualifiers": {}, "status": "conflict",
                   "sources": [src("a.txt", 1, qa0, qa1, DOC_A)], "conflicts_with": ["f-222222222222"]}),
            json!({"id": "f-222222222222", "subject": "institute:NETWORK", "predicate": "launched",
                   "object": "2024-11-21", "qualifiers": {"type": "launch"}, "status": "conflict",
                   "sources": [src("b.pdf", 2, qb0, qb1, DOC_B)], "conflicts_with": ["f-111111111111"]}),
        ],
    );
}

fn explain(out: &Path, id: &str) -> (bool, String, String) {
    let o = aisi(&["explain", id, "--out", out.to_str().unwrap()]);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_fact_shows_each_source_in_context_with_its_rule_and_normalisation_and_both_sides_of_a_conflict()
 {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let (ok, out, err) = explain(tmp.path(), "f-111111111111");
    assert!(ok, "{err}");
    // Document, title, page, span and the rule.
    assert!(
        out.contains("a.txt — Report a.txt, page 1, bytes 8..52, rule fact.launched"),
        "{out}"
    );
    // The line before, the quote marked, the line after.
    assert!(out.contains("Preface"), "{out}");
    assert!(
        out.contains("»The Network was launched on 20 November 2024« in San Francisco."),
        "{out}"
    );
    assert!(out.contains("It has ten members."), "{out}");
    // The normalisation: mentions inside the span with value and rule.
    assert!(
        out.contains("date \"20 November 2024\" → 2024-11-20 (rule date.day-month-year"),
        "{out}"
    );
    assert!(
        out.contains(
            "subject    institute:NETWORK (International Network of AI Safety Institutes)"
        ),
        "{out}"
    );
    // The other side of the conflict, with its own source on page 2 and the anchor.
    assert!(out.contains("in conflict with 1 fact(s)"), "{out}");
    assert!(out.contains("b.pdf — Report b.pdf, page 2"), "{out}");
    assert!(
        out.contains("»The network launched on 21 November 2024«"),
        "{out}"
    );
    assert!(out.contains("anchor 2024-11-25"), "{out}");
    assert!(out.contains("qualifiers type=launch"), "{out}");
}

#[test]
fn an_entity_shows_its_aliases_facts_and_mentions() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let (ok, out, err) = explain(tmp.path(), "institute:NETWORK");
    assert!(ok, "{err}");
    assert!(out.contains("aliases  the Network; INASI"), "{out}");
    assert!(out.contains("facts    2"), "{out}");
    assert!(
        out.contains("launched 2024-11-21  [conflict, 1 source(s)]  f-222222222222"),
        "{out}"
    );
    assert!(out.contains("mentions 1 in 1 document(s)"), "{out}");
}

#[test]
fn a_mention_shows_its_context_value_rule_and_the_facts_citing_it() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let (ok, out, err) = explain(tmp.path(), "m-bbbbbbbbbbbb");
    assert!(ok, "{err}");
    assert!(out.contains("b.pdf, page 2"), "{out}");
    assert!(out.contains("Page two"), "{out}");
    assert!(out.contains("launched on »21 November 2024«."), "{out}");
    assert!(out.contains("value    2024-11-21"), "{out}");
    assert!(out.contains("rule     date.day-month-year"), "{out}");
    assert!(
        out.contains("cited by f-222222222222 (launched 2024-11-21)"),
        "{out}"
    );
}

#[test]
fn an_unknown_id_lists_the_closest_ids() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let (ok, _, err) = explain(tmp.path(), "f-11111111111");
    assert!(!ok);
    assert!(
        err.contains("no fact, entity, mention or document has the id \"f-11111111111\""),
        "{err}"
    );
    let first = err.lines().nth(1).unwrap_or_default().trim();
    assert_eq!(first, "f-111111111111", "{err}");
    let (ok, _, err) = explain(tmp.path(), "institute:NETWROK");
    assert!(!ok);
    assert!(err.contains("institute:NETWORK"), "{err}");
}

#[test]
fn explain_reads_a_real_run_and_needs_one() {
    let (tmp, corpus, rules, out) = workspace();
    let (ok, _, err) = explain(&tmp.path().join("nowhere"), "x");
    assert!(!ok);
    assert!(err.contains("no dataset in"), "{err}");
    run_ok(&corpus, &rules, &out);
    let (ok, out, err) = explain(&out, "seeds/003_6114a4dacce96781.txt");
    assert!(ok, "{err}");
    assert!(
        out.contains("document seeds/003_6114a4dacce96781.txt"),
        "{out}"
    );
    assert!(out.contains("status ok"), "{out}");
}
