//! Works on the real binary: the renderings of one report are one work, a syndicated copy
//! (other navigation, byline and footer) joins its work, sources are counted by work, and
//! the output stays the same however it was reached.

mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use support::*;

/// `file -> seed` from the bundled corpus's manifest.
fn seeds() -> BTreeMap<String, String> {
    std::fs::read_to_string(root().join("corpus/MANIFEST.tsv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.to_string(), f.next()?.to_string()))
        })
        .collect()
}

fn work_of(docs: &[Value], doc: &str) -> String {
    record(docs, doc)["work"].as_str().unwrap().to_string()
}

/// Every rendering in its seed's work, one work per seed.
fn check_works_follow_the_manifest(out: &Path) {
    let docs = documents(out);
    let seeds = seeds();
    let mut works = BTreeSet::new();
    for d in &docs {
        let doc = d["doc"].as_str().unwrap();
        let seed = seeds
            .get(doc)
            .map(|s| format!("seeds/{s}"))
            .unwrap_or_else(|| doc.to_string());
        assert_eq!(work_of(&docs, doc), work_of(&docs, &seed), "{doc}");
        works.insert(work_of(&docs, doc));
    }
    let seed_works: BTreeSet<String> = docs
        .iter()
        .filter_map(|d| d["doc"].as_str().filter(|n| n.starts_with("seeds/")))
        .map(|n| work_of(&docs, n))
        .collect();
    assert_eq!(seed_works.len(), 5, "each seed its own work");
    assert_eq!(works, seed_works);
}

/// No fact is agreed on the strength of one work: its sources, or those of another value
/// of the same subject and predicate, come from a second work.
fn check_agreement_needs_two_works(out: &Path) {
    let docs = documents(out);
    let work = |d: &str| work_of(&docs, d);
    let facts = read_jsonl(&out.join("facts.jsonl"));
    let works_of = |f: &Value| -> BTreeSet<String> {
        f["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| work(s["doc"].as_str().unwrap()))
            .collect()
    };
    for f in facts.iter().filter(|f| f["status"] == "agreed") {
        let mut all = works_of(f);
        for g in facts
            .iter()
            .filter(|g| g["subject"] == f["subject"] && g["predicate"] == f["predicate"])
        {
            all.extend(works_of(g));
        }
        assert!(all.len() >= 2, "agreed on one work: {}", f["id"]);
    }
}

#[test]
fn the_bundled_corpus_is_five_works_each_rendering_with_its_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_ok(&root().join("corpus"), &project_rules(tmp.path()), &out);
    assert_eq!(documents(&out).len(), 29);
    check_works_follow_the_manifest(&out);
    check_agreement_needs_two_works(&out);
    let sql = rusqlite_count(&out, "SELECT COUNT(DISTINCT work) FROM works");
    assert_eq!(sql, 5, "the database has the works too");
}

fn rusqlite_count(out: &Path, sql: &str) -> i64 {
    let o = std::process::Command::new("sqlite3")
        .arg(out.join("dataset.sqlite"))
        .arg(sql)
        .output();
    match o {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().parse().unwrap(),
        // No sqlite3 here: count the works of documents.jsonl instead.
        _ => documents(out)
            .iter()
            .map(|d| d["work"].as_str().unwrap().to_string())
            .collect::<BTreeSet<_>>()
            .len() as i64,
    }
}

/// A report as another outlet reposts it: its own navigation, byline and footer around
/// the same text.
fn syndicated(text: &str, outlet: &str) -> String {
    format!(
        "{outlet} | Home | World | Technology | Science | Opinion | Subscribe\n\
         Search {outlet}\n\n\
         By the {outlet} staff, with wire reports\n\
         Reposted with permission\n\n\
         {text}\n\n\
         Share this article: email, print, copy link\n\
         More from {outlet}: markets, climate, sport\n\
         © {outlet} Media Group. All rights reserved. Terms of use | Privacy | Cookies\n"
    )
}

#[test]
fn a_syndicated_copy_joins_its_work_and_an_ingested_copy_says_so() {
    let (tmp, corpus, rules, out) = workspace();
    let seed = std::fs::read_to_string(corpus.join("seeds/003_6114a4dacce96781.txt")).unwrap();
    std::fs::create_dir_all(corpus.join("wire")).unwrap();
    std::fs::write(
        corpus.join("wire/daily-courier.txt"),
        syndicated(&seed, "Daily Courier"),
    )
    .unwrap();
    run_ok(&corpus, &rules, &out);
    let docs = documents(&out);
    let seed_work = work_of(&docs, "seeds/003_6114a4dacce96781.txt");
    let copy = record(&docs, "wire/daily-courier.txt");
    assert_eq!(copy["work"], Value::String(seed_work.clone()));
    let sim = copy["work_similarity"].as_f64().unwrap();
    assert!((0.5..1.0).contains(&sim), "similarity {sim}");
    assert_eq!(
        docs.iter()
            .map(|d| d["work"].as_str().unwrap())
            .collect::<BTreeSet<_>>()
            .len(),
        5
    );
    check_agreement_needs_two_works(&out);
    let timeline = std::fs::read_to_string(out.join("timeline.csv")).unwrap();
    assert!(timeline.starts_with("date,subject,event,detail,status,documents,fact,works"));

    // Another outlet's copy, ingested: a copy, no new facts, one more file of the work.
    let other = tmp.path().join("evening-post.txt");
    std::fs::write(&other, syndicated(&seed, "Evening Post")).unwrap();
    let o = aisi(
        &[
            &["ingest", other.to_str().unwrap()][..],
            &folders(&corpus, &rules, &out),
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("a copy of") && said.contains("no new facts"),
        "{said}"
    );
    let docs = documents(&out);
    // The new file may be the work's first edition now (by date, then name): the id is
    // that of the group, whichever edition names it.
    let seed_work = work_of(&docs, "seeds/003_6114a4dacce96781.txt");
    let added = record(&docs, "ingested/evening-post.txt");
    assert_eq!(added["work"], Value::String(seed_work.clone()));
    assert_eq!(work_of(&docs, "wire/daily-courier.txt"), seed_work);
    let changes: Value =
        serde_json::from_slice(&std::fs::read(out.join("changes.json")).unwrap()).unwrap();
    assert_eq!(changes["ingested"][0]["facts"], 0);

    // explain names the work and its copies.
    let o = aisi(&[
        "explain",
        "ingested/evening-post.txt",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains(&seed_work) && text.contains("wire/daily-courier.txt"),
        "{text}"
    );

    // The incremental result is the cold one.
    let cold = tmp.path().join("cold");
    run_ok(&corpus, &rules, &cold);
    assert_same_dataset(&out, &cold);
}

#[test]
fn work_ids_do_not_depend_on_file_names_order_or_runs() {
    let (tmp, corpus, rules, out) = workspace();
    run_ok(&corpus, &rules, &out);
    let first = documents(&out);
    // The same corpus under another folder name, run twice: the same works.
    let moved = tmp.path().join("elsewhere");
    std::fs::rename(&corpus, &moved).unwrap();
    let again = tmp.path().join("again");
    run_ok(&moved, &rules, &again);
    run_ok(&moved, &rules, &again);
    let works = |docs: &[Value]| -> Vec<(String, String)> {
        docs.iter()
            .map(|d| {
                (
                    d["doc"].as_str().unwrap().to_string(),
                    d["work"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(works(&first), works(&documents(&again)));
    assert_same_dataset(&out, &again);
}
