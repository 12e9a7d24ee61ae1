//! The program as an analyst installs it: run from a folder that holds only their reports
//! (no `rules/`, no `corpus/`), it works with the rules built into it, and gives the same
//! dataset as a run from the repository with `--rules rules`.

mod support;

use std::path::Path;
use std::process::{Command, Output};
use support::*;

/// `aisi ARGS` run in `dir`.
fn aisi_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(AISI)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the aisi binary runs")
}

fn ok(o: &Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_folder_of_reports_runs_ingests_and_explains_with_the_bundled_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("my reports");
    copy_tree(&root().join("corpus/seeds"), &reports);
    std::fs::copy(
        root().join("corpus/renderings/ec-aisi-network-first-meeting-2024.html"),
        reports.join("first meeting.html"),
    )
    .unwrap();
    std::fs::write(
        reports.join("first meeting.html.meta.json"),
        r#"{"title": "First meeting", "published": "2024-02-30"}"#,
    )
    .unwrap();

    // Without --corpus, the default folder is not there: the message says what to do.
    let o = aisi_in(&reports, &["run"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--corpus DIR"), "{err}");

    let o = aisi_in(
        &reports,
        &["run", "--quiet", "--corpus", ".", "--out", "dataset"],
    );
    ok(&o, "run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("2024-02-30") && err.contains("ignored"),
        "a date not on the calendar is a warning: {err}"
    );
    let out = reports.join("dataset");
    let docs = documents(&out);
    assert_eq!(docs.len(), 6, "the output folder is not read as reports");
    let meeting = record(&docs, "first meeting.html");
    assert_eq!(meeting["title"], "First meeting");
    assert!(lines(&out.join("facts.jsonl")) > 0);
    assert!(out.join("report.html").exists());

    // The same dataset as a run with the repository's rules folder, byte for byte.
    let with_folder = tmp.path().join("with-folder");
    let repo_rules = root().join("rules");
    let o = aisi_in(
        root().as_path(),
        &[
            "run",
            "--quiet",
            "--corpus",
            reports.to_str().unwrap(),
            "--rules",
            repo_rules.to_str().unwrap(),
            "--out",
            with_folder.to_str().unwrap(),
        ],
    );
    ok(&o, "run with --rules");
    assert_same_dataset(&out, &with_folder);

    // An exported rule set is the bundled one; an edited one is another rule set.
    let exported = tmp.path().join("exported");
    ok(
        &aisi_in(tmp.path(), &["rules", "export", "exported"]),
        "rules export",
    );
    assert!(
        !aisi_in(tmp.path(), &["rules", "export", "exported"])
            .status
            .success(),
        "an export never overwrites"
    );
    let o = aisi_in(
        &reports,
        &[
            "run",
            "--quiet",
            "--corpus",
            ".",
            "--rules",
            exported.to_str().unwrap(),
            "--out",
            "dataset",
        ],
    );
    ok(&o, "run with the exported rules");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("nothing changed"),
        "the exported rules are the rule set the dataset was made with"
    );

    // Ingest a new report from elsewhere, then explain it.
    let new = tmp.path().join("new.txt");
    std::fs::write(
        &new,
        "Press note. The Freedonia AI Safety Institute was established on 3 March 2025.\n",
    )
    .unwrap();
    let o = aisi_in(
        &reports,
        &[
            "ingest",
            new.to_str().unwrap(),
            "--corpus",
            ".",
            "--out",
            "dataset",
        ],
    );
    ok(&o, "ingest");
    assert!(reports.join("ingested/new.txt").exists());
    assert_eq!(documents(&out).len(), 7);
    let text = ok(
        &aisi_in(
            &reports,
            &["explain", "ingested/new.txt", "--out", "dataset"],
        ),
        "explain",
    );
    assert!(text.contains("ingested/new.txt"), "{text}");
    let rules = ok(
        &aisi_in(&reports, &["rules", "test", "--quiet"]),
        "rules test",
    );
    assert!(rules.contains("0 failed"), "{rules}");
}
