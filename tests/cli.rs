//! The command line from the outside: help texts, sidecars overriding what files say,
//! unsupported files left out, and output that does not depend on the run.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Far beyond any normal run: only a hang reaches it.
const WATCHDOG: Duration = Duration::from_secs(600);

struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `aisi` with `args`, killing it if it has not finished within [`WATCHDOG`].
/// Output goes to files in `logs` so that a full pipe can never block the child.
fn aisi(args: &[&str], logs: &Path) -> Run {
    let out = std::fs::File::create(logs.join("stdout")).unwrap();
    let err = std::fs::File::create(logs.join("stderr")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_aisi"))
        .args(args)
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("the aisi binary starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > WATCHDOG {
            child.kill().ok();
            child.wait().ok();
            panic!("aisi {args:?} did not finish within {WATCHDOG:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        status,
        stdout: std::fs::read_to_string(logs.join("stdout")).unwrap(),
        stderr: std::fs::read_to_string(logs.join("stderr")).unwrap(),
    }
}

/// The project's rules when they exist, else an empty rule set.
fn rules(tmp: &Path) -> PathBuf {
    let project = Path::new(ROOT).join("rules");
    if project.is_dir() {
        return project;
    }
    let empty = tmp.join("rules");
    for sub in ["patterns", "entities", "facts"] {
        std::fs::create_dir_all(empty.join(sub)).unwrap();
    }
    empty
}

/// `aisi run` over `corpus` into `out`, with `extra` arguments; must succeed.
fn run_ok(corpus: &Path, out: &Path, tmp: &Path, extra: &[&str]) -> Run {
    let rules = rules(tmp);
    let mut args = vec![
        "run",
        "--corpus",
        corpus.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let r = aisi(&args, tmp);
    assert!(r.status.success(), "exit {:?}\n{}", r.status, r.stderr);
    r
}

fn documents(out: &Path) -> Vec<Value> {
    std::fs::read_to_string(out.join("documents.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn record<'a>(records: &'a [Value], doc: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["doc"] == doc)
        .unwrap_or_else(|| panic!("{doc} is not in documents.jsonl"))
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
    let r = aisi(&["--help"], tmp.path());
    assert!(r.status.success());
    assert!(r.stdout.contains("Usage: aisi"), "{}", r.stdout);
    assert_explained(&r.stdout, &["run", "ingest", "explain", "rules"]);
}

#[test]
fn run_help_explains_every_option() {
    let tmp = tempfile::tempdir().unwrap();
    let r = aisi(&["run", "--help"], tmp.path());
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
    for default in ["corpus", "rules", "output"] {
        assert!(
            r.stdout.contains(&format!("[default: {default}]")),
            "the default {default} is not shown:\n{}",
            r.stdout
        );
    }
}

#[test]
fn a_missing_corpus_fails_and_names_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-corpus");
    let rules = rules(tmp.path());
    let out = tmp.path().join("out");
    let r = aisi(
        &[
            "run",
            "--corpus",
            missing.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
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
    run_ok(&corpus, &out, tmp.path(), &["--quiet"]);

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
    let r = run_ok(&corpus, &out, tmp.path(), &["--quiet"]);

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
    run_ok(&corpus, &out, tmp.path(), &["--quiet"]);

    let docs = documents(&out);
    let names: Vec<&str> = docs.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    assert_eq!(names, ["report.md", "sub/page.HTM"]);
    assert_eq!(record(&docs, "sub/page.HTM")["format"], "html");
    assert!(!out.join("text/figure.png.txt").exists());
}

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = Path::new(ROOT).join("corpus");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_ok(&corpus, &a, tmp.path(), &["--quiet", "--jobs", "1"]);
    run_ok(&corpus, &b, tmp.path(), &["--quiet", "--jobs", "3"]);

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
