//! The command line from the outside: help texts, sidecars overriding what files say,
//! unsupported files left out, and output that does not depend on the run.

mod support;

use std::path::Path;
use support::*;

/// `aisi run` over `corpus` into `out`, with `extra` arguments; must succeed.
fn run_watched(corpus: &Path, out: &Path, tmp: &Path, extra: &[&str]) -> Run {
    let rules = project_rules(tmp);
    let mut args = vec!["run"];
    args.extend(folders(corpus, &rules, out));
    args.extend(extra);
    let r = aisi_watched(&args, tmp);
    assert!(r.status.success(), "exit {:?}\n{}", r.status, r.stderr);
    r
}

/// Every option must come with a sentence saying what it does.
fn assert_explained(help: &str, options: &[&str]) {
    let lines: Vec<&str> = help.lines().collect();
    for opt in options {
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with(opt) || l.contains(&format!(", {opt}")))
            .unwrap_or_else(|| panic!("{opt} is not in the help:\n{help}"));
        // The explanation is on the option's line (short help) or the next (long help).
        let words = |l: &str| {
            l.split_whitespace()
                .filter(|w| w.chars().all(|c| c.is_alphabetic() || ",.()".contains(c)))
                .count()
        };
        let explained = words(lines[at]) >= 3 || lines.get(at + 1).is_some_and(|l| words(l) >= 3);
        assert!(explained, "{opt} has no explanation:\n{help}");
    }
}

#[test]
fn help_lists_the_commands_and_what_they_do() {
    let tmp = tempfile::tempdir().unwrap();
    let r = aisi_watched(&["--help"], tmp.path());
    assert!(r.status.success());
    assert!(r.stdout.contains("Usage: aisi"), "{}", r.stdout);
    assert_explained(&r.stdout, &["run", "ingest", "explain", "rules"]);
}

#[test]
fn run_help_explains_every_option() {
    let tmp = tempfile::tempdir().unwrap();
    let r = aisi_watched(&["run", "--help"], tmp.path());
    assert!(r.status.success());
    assert_explained(
        &r.stdout,
        &[
            "--corpus",
            "--rules",
            "--out",
            "--jobs",
            "--doc-timeout",
            "--quiet",
        ],
    );
    for default in ["corpus", "output"] {
        assert!(
            r.stdout.contains(&format!("[default: {default}]")),
            "the default {default} is not shown:\n{}",
            r.stdout
        );
    }
    // Folder defaults are relative to where aisi runs; the rules are built in.
    let flat = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("relative to the current folder"), "{flat}");
    assert!(
        flat.contains("[default: the rules built into the program"),
        "{flat}"
    );
}

#[test]
fn a_missing_corpus_fails_and_names_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-corpus");
    let rules = project_rules(tmp.path());
    let out = tmp.path().join("out");
    let r = aisi_watched(
        &[&["run"][..], &folders(&missing, &rules, &out)].concat(),
        tmp.path(),
    );
    assert!(!r.status.success());
    assert!(r.stderr.contains("no-such-corpus"), "{}", r.stderr);
}

const PAGE: &str = r#"<!DOCTYPE html><html><head><title>Page title | Site</title>
<meta property="og:title" content="What the page says">
<meta name="dcterms.date" content="2024-11-21"></head>
<body><p>The International Network of AI Safety Institutes met in San Francisco.</p></body></html>"#;

#[test]
fn sidecars_override_title_and_date_and_are_not_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("page.html"), PAGE).unwrap();
    std::fs::write(corpus.join("plain.html"), PAGE).unwrap();
    std::fs::write(
        corpus.join("page.html.meta.json"),
        r#"{"title": "Title an analyst chose", "published": "2023-05", "url": "https://example.org/page"}"#,
    )
    .unwrap();
    std::fs::write(corpus.join("note.txt"), "A note without a date.\n").unwrap();
    std::fs::write(
        corpus.join("note.txt.meta.json"),
        r#"{"published": "2024"}"#,
    )
    .unwrap();
    let out = tmp.path().join("out");
    run_watched(&corpus, &out, tmp.path(), &["--quiet"]);

    let docs = documents(&out);
    let names: Vec<&str> = docs.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    assert_eq!(names, ["note.txt", "page.html", "plain.html"]);
    let page = record(&docs, "page.html");
    assert_eq!(page["title"], "Title an analyst chose");
    assert_eq!(page["published"], "2023-05");
    // Without a sidecar, the page's own metadata.
    let plain = record(&docs, "plain.html");
    assert_eq!(plain["title"], "What the page says");
    assert_eq!(plain["published"], "2024-11-21");
    assert_eq!(record(&docs, "note.txt")["published"], "2024");
}

#[test]
fn a_broken_sidecar_is_reported_and_its_document_still_processed() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("page.html"), PAGE).unwrap();
    std::fs::write(
        corpus.join("page.html.meta.json"),
        "{\"title\": \"unterminated",
    )
    .unwrap();
    std::fs::write(corpus.join("dated.html"), PAGE).unwrap();
    std::fs::write(
        corpus.join("dated.html.meta.json"),
        r#"{"title": "Kept", "published": "21/11/2024"}"#,
    )
    .unwrap();
    let out = tmp.path().join("out");
    // Warnings about the input show even with --quiet.
    let r = run_watched(&corpus, &out, tmp.path(), &["--quiet"]);

    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("warning") && l.contains("page.html.meta.json")),
        "no warning naming the broken sidecar:\n{}",
        r.stderr
    );
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("dated.html.meta.json") && l.contains("not an ISO date")),
        "no warning about the date:\n{}",
        r.stderr
    );
    let docs = documents(&out);
    let page = record(&docs, "page.html");
    assert_eq!(page["status"], "ok");
    assert_eq!(page["title"], "What the page says");
    let dated = record(&docs, "dated.html");
    assert_eq!(
        dated["title"], "Kept",
        "the usable field of a sidecar is kept"
    );
    assert_eq!(
        dated["published"], "2024-11-21",
        "the page's own date, not the bad one"
    );
}

#[test]
fn unsupported_files_are_skipped_not_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    std::fs::write(corpus.join("report.md"), "# Report\n").unwrap();
    std::fs::write(corpus.join("sub/page.HTM"), PAGE).unwrap();
    std::fs::write(corpus.join("MANIFEST.tsv"), "file\tseed\n").unwrap();
    std::fs::write(corpus.join("figure.png"), [0x89, b'P', b'N', b'G']).unwrap();
    std::fs::write(corpus.join("README"), "about this folder").unwrap();
    std::fs::write(corpus.join(".hidden.txt"), "not part of the corpus").unwrap();
    let out = tmp.path().join("out");
    run_watched(&corpus, &out, tmp.path(), &["--quiet"]);

    let docs = documents(&out);
    let names: Vec<&str> = docs.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    assert_eq!(names, ["report.md", "sub/page.HTM"]);
    assert_eq!(record(&docs, "sub/page.HTM")["format"], "html");
    assert!(!out.join("text/figure.png.txt").exists());
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = root().join("corpus");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_watched(&corpus, &a, tmp.path(), &["--quiet", "--jobs", "1"]);
    run_watched(&corpus, &b, tmp.path(), &["--quiet", "--jobs", "3"]);

    let (da, db) = (documents(&a), documents(&b));
    assert!(da.len() >= 10, "the project corpus has its reports");
    let names: Vec<&str> = da.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "documents are in corpus order");
    assert_eq!(da, db);
    assert!(
        std::fs::read(a.join("documents.jsonl")).unwrap()
            == std::fs::read(b.join("documents.jsonl")).unwrap(),
        "documents.jsonl differs between runs"
    );
    let (ta, tb) = (tree(&a.join("text")), tree(&b.join("text")));
    assert_eq!(ta.len(), da.len(), "one text file per document");
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (name, bytes) in &ta {
        assert!(bytes == &tb[name], "text/{name} differs between runs");
    }
    for file in ["mentions.jsonl", "entities.jsonl", "facts.jsonl"] {
        if a.join(file).exists() {
            assert!(
                std::fs::read(a.join(file)).unwrap() == std::fs::read(b.join(file)).unwrap(),
                "{file} differs between runs"
            );
        }
    }
}
