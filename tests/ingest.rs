//! `aisi ingest`: copies reports into the corpus without ever overwriting, refreshes the
//! dataset as a run would, and reports the changes in the terminal and in changes.json.

mod support;

use std::path::{Path, PathBuf};
use support::*;

struct Setup {
    _tmp: tempfile::TempDir,
    t: PathBuf,
    corpus: PathBuf,
    rules: PathBuf,
    out: PathBuf,
}

/// A corpus of the seeds but one; the one left out is returned for ingesting.
fn setup() -> (Setup, PathBuf) {
    let (tmp, corpus, rules, out) = workspace();
    let t = tmp.path().to_path_buf();
    let name = "003_6114a4dacce96781.txt";
    let held = t.join("new").join(name);
    std::fs::create_dir_all(held.parent().unwrap()).unwrap();
    std::fs::rename(corpus.join("seeds").join(name), &held).unwrap();
    run_ok(&corpus, &rules, &out);
    (
        Setup {
            _tmp: tmp,
            t,
            corpus,
            rules,
            out,
        },
        held,
    )
}

fn ingest(s: &Setup, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["ingest"];
    args.extend_from_slice(extra);
    args.extend(folders(&s.corpus, &s.rules, &s.out));
    aisi(&args)
}

fn read_json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn fact_ids(out: &Path) -> std::collections::BTreeSet<String> {
    read_jsonl(&out.join("facts.jsonl"))
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_new_report_is_copied_processed_alone_and_reported() {
    let (s, held) = setup();
    let before = lines(&s.out.join("documents.jsonl"));
    let facts_before = fact_ids(&s.out);
    let o = ingest(&s, &[held.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let copied = s.corpus.join("ingested/003_6114a4dacce96781.txt");
    assert_eq!(
        std::fs::read(&copied).unwrap(),
        std::fs::read(&held).unwrap()
    );
    assert!(
        stdout.contains("ingested/003_6114a4dacce96781.txt — added to the corpus"),
        "{stdout}"
    );
    assert!(stderr.contains("(1 extracted, 1 matched"), "{stderr}");
    assert_eq!(lines(&s.out.join("documents.jsonl")), before + 1);

    // changes.json agrees with the facts before and after.
    let changes = read_json(&s.out.join("changes.json"));
    assert_eq!(
        changes["ingested"][0]["doc"],
        "ingested/003_6114a4dacce96781.txt"
    );
    assert_eq!(changes["ingested"][0]["copied"], true);
    let facts_after = fact_ids(&s.out);
    let list = changes["changes"].as_array().unwrap();
    for c in list {
        let id = c["fact"].as_str().unwrap();
        match c["kind"].as_str().unwrap() {
            "added" | "changed" => {
                assert!(
                    facts_after.contains(id) && !facts_before.contains(id),
                    "{c}"
                )
            }
            "confirmed" => assert!(facts_before.contains(id) && facts_after.contains(id)),
            "removed" => assert!(facts_before.contains(id) && !facts_after.contains(id)),
            "contradicted" => assert!(facts_after.contains(id)),
            k => panic!("unknown change kind {k}"),
        }
    }
    let added_or_changed = facts_after.difference(&facts_before).count();
    let reported = list
        .iter()
        .filter(|c| matches!(c["kind"].as_str(), Some("added" | "changed")))
        .count()
        + list
            .iter()
            .filter(|c| {
                c["kind"] == "contradicted" && !facts_before.contains(c["fact"].as_str().unwrap())
            })
            .count();
    assert_eq!(
        reported, added_or_changed,
        "every new fact is reported once"
    );

    // The refreshed dataset is what a cold run on the new corpus gives.
    let cold = s.t.join("cold");
    run_ok(&s.corpus, &s.rules, &cold);
    assert_same_dataset(&cold, &s.out);
}

#[test]
fn an_identical_file_is_a_no_op_and_a_different_one_of_the_same_name_is_refused() {
    let (s, held) = setup();
    assert!(ingest(&s, &[held.to_str().unwrap()]).status.success());
    let dataset = dataset_files(&s.out);

    let again = ingest(&s, &[held.to_str().unwrap()]);
    assert!(again.status.success());
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("already in the corpus"), "{stdout}");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("nothing changed"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    let other = s.t.join("other").join("003_6114a4dacce96781.txt");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::write(&other, "A different report with the same name.\n").unwrap();
    let refused = ingest(&s, &[other.to_str().unwrap()]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains(
            "003_6114a4dacce96781.txt already exists in the corpus with different content"
        ),
        "{err}"
    );
    assert_eq!(
        std::fs::read(s.corpus.join("ingested/003_6114a4dacce96781.txt")).unwrap(),
        std::fs::read(&held).unwrap(),
        "the corpus copy is untouched"
    );
    assert_eq!(dataset_files(&s.out), dataset);
}

#[test]
fn sidecars_come_along_and_into_chooses_the_folder() {
    let (s, held) = setup();
    let sidecar = PathBuf::from(format!("{}.meta.json", held.display()));
    std::fs::write(
        &sidecar,
        r#"{"title": "Seed three", "published": "2024-11-20"}"#,
    )
    .unwrap();
    let o = ingest(&s, &[held.to_str().unwrap(), "--into", "."]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        s.corpus
            .join("003_6114a4dacce96781.txt.meta.json")
            .is_file()
    );
    let rec = documents(&s.out)
        .into_iter()
        .find(|v| v["doc"] == "003_6114a4dacce96781.txt")
        .expect("ingested at the corpus root");
    assert_eq!(rec["title"], "Seed three");
    assert_eq!(rec["published"], "2024-11-20");
}

#[test]
fn unsupported_or_missing_files_stop_the_ingest_before_anything_is_copied() {
    let (s, held) = setup();
    let tsv = s.t.join("notes.tsv");
    std::fs::write(&tsv, "a\tb\n").unwrap();
    let o = ingest(
        &s,
        &[
            held.to_str().unwrap(),
            tsv.to_str().unwrap(),
            "/nonexistent/report.pdf",
        ],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("notes.tsv: not a supported report"), "{err}");
    assert!(err.contains("report.pdf: no such file"), "{err}");
    assert!(!s.corpus.join("ingested").exists(), "nothing copied");

    let typo = aisi(
        &[
            &["ingest", held.to_str().unwrap()][..],
            &folders(&s.t.join("corpsu"), &s.rules, &s.out),
        ]
        .concat(),
    );
    assert!(!typo.status.success());
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(
        err.contains("corpsu does not exist (use --corpus DIR)"),
        "{err}"
    );
    assert!(!s.t.join("corpsu").exists());
}

#[test]
fn a_file_already_in_the_corpus_is_refreshed_where_it_is_not_copied() {
    let (s, held) = setup();
    let inside = s.corpus.join("seeds/003_6114a4dacce96781.txt");
    std::fs::copy(&held, &inside).unwrap();
    let o = ingest(&s, &[inside.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("seeds/003_6114a4dacce96781.txt — already in the corpus"),
        "{stdout}"
    );
    assert!(!s.corpus.join("ingested").exists());
    let changes = read_json(&s.out.join("changes.json"));
    assert_eq!(
        changes["ingested"][0]["doc"],
        "seeds/003_6114a4dacce96781.txt"
    );
}
