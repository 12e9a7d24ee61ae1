//! Incremental runs give exactly the output of a cold run, and reuse what did not change.

mod support;

use std::path::Path;
use support::*;

/// Runs cold into a fresh folder and checks the incremental folder holds the same bytes.
fn check_against_cold(tmp: &Path, corpus: &Path, rules: &Path, incr: &Path, step: &str) {
    let cold = tmp.join(format!("cold-{step}"));
    run_ok(corpus, rules, &cold);
    assert_same_dataset(&cold, incr);
    std::fs::remove_dir_all(&cold).unwrap();
}

#[test]
fn every_kind_of_change_gives_the_output_of_a_cold_run() {
    let (tmp, corpus, rules, out) = workspace();
    let t = tmp.path();

    let first = run_ok(&corpus, &rules, &out);
    assert!(first.contains(" extracted"), "{first}");
    check_against_cold(t, &corpus, &rules, &out, "first");

    let again = run_ok(&corpus, &rules, &out);
    assert!(again.contains("nothing changed"), "{again}");
    check_against_cold(t, &corpus, &rules, &out, "again");

    // A new document: only it is extracted and matched.
    std::fs::write(
        corpus.join("new.txt"),
        "The AI Safety Institute was launched on 2 November 2023 with £100 million.\n",
    )
    .unwrap();
    let added = run_ok(&corpus, &rules, &out);
    assert!(added.contains("(1 extracted, 1 matched"), "{added}");
    check_against_cold(t, &corpus, &rules, &out, "added");

    // A changed document, a sidecar, a removed document.
    let seed = std::fs::read_dir(corpus.join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .unwrap();
    let mut text = std::fs::read_to_string(&seed).unwrap();
    text.push_str("\nIn March 2025 the network met again.\n");
    std::fs::write(&seed, text).unwrap();
    std::fs::write(
        corpus.join("renderings/ec-aisi-network-first-meeting-2024.html.meta.json"),
        r#"{"title": "First meeting", "published": "2024-11-21"}"#,
    )
    .unwrap();
    std::fs::remove_file(corpus.join("renderings/aisi-network-mission-statement-2024.html"))
        .unwrap();
    let changed = run_ok(&corpus, &rules, &out);
    // The edited seed is extracted again; the sidecar only re-matches its document.
    assert!(changed.contains("(1 extracted, 2 matched"), "{changed}");
    check_against_cold(t, &corpus, &rules, &out, "changed");

    // A rule change re-runs the find stage only.
    std::fs::write(
        rules.join("notes.toml"),
        "# a comment changes the rule set's hash\n",
    )
    .unwrap();
    let docs = lines(&out.join("documents.jsonl"));
    let rerule = run_ok(&corpus, &rules, &out);
    assert!(
        rerule.contains(&format!("(0 extracted, {docs} matched")),
        "{rerule}"
    );
    check_against_cold(t, &corpus, &rules, &out, "rules");
}

#[test]
fn corrupt_or_truncated_cache_entries_are_recomputed_not_fatal() {
    let (tmp, corpus, rules, out) = workspace();
    let t = tmp.path();
    run_ok(&corpus, &rules, &out);
    let mut damaged = 0;
    for p in files_below(&out.join(".cache")) {
        if p.extension().is_some_and(|x| x == "json") {
            let bytes = std::fs::read(&p).unwrap();
            // Alternate between garbage and a truncated entry.
            let broken = if damaged % 2 == 0 {
                b"\x00not json".to_vec()
            } else {
                bytes[..bytes.len() / 2].to_vec()
            };
            std::fs::write(&p, broken).unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 0, "the first run left a cache");
    // The state entry is damaged too, so this run cannot take the fast path.
    let log = run_ok(&corpus, &rules, &out);
    assert!(!log.contains("nothing changed"), "{log}");
    assert!(!log.contains("(0 extracted"), "{log}");
    check_against_cold(t, &corpus, &rules, &out, "corrupt");
    // And the cache is whole again.
    let log = run_ok(&corpus, &rules, &out);
    assert!(log.contains("nothing changed"), "{log}");
}

#[test]
fn a_fresh_output_folder_is_a_cold_run() {
    let (tmp, corpus, rules, _) = workspace();
    let t = tmp.path();
    run_ok(&corpus, &rules, &t.join("a"));
    let log = run_ok(&corpus, &rules, &t.join("b"));
    assert!(!log.contains("nothing changed"), "{log}");
    assert!(!log.contains("(0 extracted"), "{log}");
    assert_same_dataset(&t.join("a"), &t.join("b"));
}

/// The working database of the output folder's cache.
fn work_db(out: &Path) -> std::path::PathBuf {
    files_below(&out.join(".cache"))
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "work.sqlite"))
        .expect("a run leaves a working database in the cache")
}

#[test]
fn a_missing_damaged_or_stale_working_database_still_gives_the_cold_output() {
    let (tmp, corpus, rules, out) = workspace();
    let t = tmp.path();
    run_ok(&corpus, &rules, &out);
    let add = |name: &str| {
        std::fs::write(
            corpus.join(name),
            format!("{name}: the Japan AI Safety Institute was established in February 2024.\n"),
        )
        .unwrap()
    };

    // Removed: filled anew.
    std::fs::remove_file(work_db(&out)).unwrap();
    add("one.txt");
    run_ok(&corpus, &rules, &out);
    check_against_cold(t, &corpus, &rules, &out, "missing");

    // Damaged: removed and filled anew.
    std::fs::write(work_db(&out), b"not a database").unwrap();
    add("two.txt");
    run_ok(&corpus, &rules, &out);
    check_against_cold(t, &corpus, &rules, &out, "damaged");

    // Ahead of the published set (a run killed between updating it and publishing): its
    // rows are right but its line ranges are not, so no document is kept.
    let con = rusqlite::Connection::open(work_db(&out)).unwrap();
    con.execute("UPDATE _meta SET value = '999' WHERE name = 'set'", [])
        .unwrap();
    drop(con);
    add("three.txt");
    let log = run_ok(&corpus, &rules, &out);
    assert!(log.contains("(1 extracted, 1 matched"), "{log}");
    check_against_cold(t, &corpus, &rules, &out, "stale");

    // And the next change keeps every unchanged document again.
    add("four.txt");
    let log = run_ok(&corpus, &rules, &out);
    assert!(log.contains("(1 extracted, 1 matched"), "{log}");
    check_against_cold(t, &corpus, &rules, &out, "after");
}
