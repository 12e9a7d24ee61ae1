//! Helpers shared by the integration tests: run the real binary (with or without a
//! watchdog), build a corpus in a temporary folder, read the output files, compare output
//! folders.

#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output};
use std::time::{Duration, Instant};

pub const AISI: &str = env!("CARGO_BIN_EXE_aisi");

/// Far beyond any normal run: only a hang reaches it.
pub const WATCHDOG: Duration = Duration::from_secs(600);

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file or folder under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// Makes the three rule folders under `dir`, so that it is a (possibly empty) rule set.
fn rule_folders(dir: &Path) {
    for sub in ["patterns", "entities", "facts"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
}

/// A copy of the project's rules (or an empty rule set when there are none yet), so a
/// test may change them.
pub fn rules_copy(dir: &Path) -> PathBuf {
    let to = dir.join("rules");
    let from = root().join("rules");
    if from.is_dir() {
        copy_tree(&from, &to);
    }
    rule_folders(&to);
    to
}

/// The project's rules when they exist, else an empty rule set made in `tmp`.
pub fn project_rules(tmp: &Path) -> PathBuf {
    let project = root().join("rules");
    if project.is_dir() {
        return project;
    }
    let empty = tmp.join("rules");
    rule_folders(&empty);
    empty
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A temporary folder holding a copy of the five seed reports.
pub fn seeds_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("corpus/seeds"), dir.path());
    dir
}

/// The five seed reports plus a few renderings (PDF and HTML), small enough for every test.
pub fn small_corpus(dir: &Path) -> PathBuf {
    let c = dir.join("corpus");
    copy_tree(&root().join("corpus/seeds"), &c.join("seeds"));
    std::fs::create_dir_all(c.join("renderings")).unwrap();
    for f in [
        "ec-aisi-network-first-meeting-2024.html",
        "ec-aisi-network-first-meeting-2024.groff.pdf",
        "aisi-network-mission-statement-2024.xetex.pdf",
        "aisi-network-mission-statement-2024.html",
    ] {
        std::fs::copy(
            root().join("corpus/renderings").join(f),
            c.join("renderings").join(f),
        )
        .unwrap();
    }
    c
}

/// A temporary folder with the small corpus, a copy of the rules and a place for output:
/// (folder, corpus, rules, out).
pub fn workspace() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path());
    let rules = rules_copy(tmp.path());
    let out = tmp.path().join("out");
    (tmp, corpus, rules, out)
}

/// Runs `aisi` with `args` and returns what it did.
pub fn aisi(args: &[&str]) -> Output {
    Command::new(AISI)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the aisi binary runs")
}

/// `--corpus CORPUS --rules RULES --out OUT`, the folders `run` and `ingest` take.
pub fn folders<'a>(corpus: &'a Path, rules: &'a Path, out: &'a Path) -> [&'a str; 6] {
    [
        "--corpus",
        corpus.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]
}

/// `aisi run` over `corpus` with `rules` into `out`; panics with its stderr if it fails,
/// else returns that stderr.
pub fn run_ok(corpus: &Path, rules: &Path, out: &Path) -> String {
    let o = aisi(&[&["run"][..], &folders(corpus, rules, out)].concat());
    assert!(
        o.status.success(),
        "aisi run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Waits for `child`, killing it once `limit` has passed: `Ok(None)` then.
pub fn wait_or_kill(child: &mut Child, limit: Duration) -> std::io::Result<Option<ExitStatus>> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if started.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `aisi` with `args`, killing it if it has not finished within [`WATCHDOG`].
/// Output goes to files in `logs` so that a full pipe can never block the child.
pub fn aisi_watched(args: &[&str], logs: &Path) -> Run {
    let out = std::fs::File::create(logs.join("stdout")).unwrap();
    let err = std::fs::File::create(logs.join("stderr")).unwrap();
    let mut child = Command::new(AISI)
        .args(args)
        .stdout(out)
        .stderr(err)
        .spawn()
        .expect("the aisi binary starts");
    let status = wait_or_kill(&mut child, WATCHDOG)
        .unwrap()
        .unwrap_or_else(|| panic!("aisi {args:?} did not finish within {WATCHDOG:?}: killed"));
    Run {
        status,
        stdout: std::fs::read_to_string(logs.join("stdout")).unwrap(),
        stderr: std::fs::read_to_string(logs.join("stderr")).unwrap(),
    }
}

/// The records of a JSON-lines file.
/// The facts `aisi run` finds in a corpus of one text file, with the project's rules.
pub fn facts_of_text(name: &str, text: &str) -> Vec<Value> {
    let tmp = tempfile::tempdir().unwrap();
    let rules = project_rules(tmp.path());
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join(name), text).unwrap();
    let out = tmp.path().join("out");
    run_ok(&corpus, &rules, &out);
    read_jsonl(&out.join("facts.jsonl"))
}

/// The mentions `aisi run` finds in a corpus of one text file published on `published`,
/// with the project's rules.
pub fn mentions_of_text(name: &str, published: &str, text: &str) -> Vec<Value> {
    let tmp = tempfile::tempdir().unwrap();
    let rules = project_rules(tmp.path());
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join(name), text).unwrap();
    std::fs::write(
        corpus.join(format!("{name}.meta.json")),
        format!("{{\"published\": \"{published}\"}}"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    run_ok(&corpus, &rules, &out);
    read_jsonl(&out.join("mentions.jsonl"))
}

pub fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .enumerate()
        .map(|(n, l)| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}:{}: {e}: {l}", path.display(), n + 1))
        })
        .collect()
}

/// The records of `documents.jsonl` in an output folder.
pub fn documents(out: &Path) -> Vec<Value> {
    read_jsonl(&out.join("documents.jsonl"))
}

/// The record of `doc` among `records`.
pub fn record<'a>(records: &'a [Value], doc: &str) -> &'a Value {
    records
        .iter()
        .find(|r| r["doc"] == doc)
        .unwrap_or_else(|| panic!("{doc} is not in documents.jsonl"))
}

/// Every file below `dir` (following links), sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Every file below `dir`, relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_below(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&p).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// Every file an analyst sees in an output folder (following links, skipping hidden
/// names: the cache, the sets, the lock), by relative path; `changes.json` left out, as it
/// describes a transition rather than the dataset.
pub fn dataset_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    walk(out, out, &mut files);
    files.remove("changes.json");
    files
}

fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let p = e.path();
        if p.is_dir() {
            walk(root, &p, files);
        } else {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            files.insert(rel, std::fs::read(&p).unwrap());
        }
    }
}

/// Asserts two output folders hold the same dataset, byte for byte, naming the first
/// difference.
pub fn assert_same_dataset(a: &Path, b: &Path) {
    let fa = dataset_files(a);
    let fb = dataset_files(b);
    let names_a: Vec<_> = fa.keys().collect();
    let names_b: Vec<_> = fb.keys().collect();
    assert_eq!(names_a, names_b, "the output folders hold different files");
    for (name, bytes) in &fa {
        assert!(
            bytes == &fb[name],
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

pub fn lines(p: &Path) -> usize {
    std::fs::read_to_string(p).unwrap().lines().count()
}
