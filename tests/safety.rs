//! A run never loses the dataset: killed at any moment (SIGKILL) it leaves the previous
//! complete dataset readable and the cache usable; two runs never write one folder at once.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;
use support::*;

/// `copies` copies of the small corpus without its PDFs (the unoptimised test build
/// extracts them slowly; what matters here is many documents), each file made unique by a
/// trailing line so that nothing is shared through the cache.
fn large_corpus(dir: &Path, name: &str, copies: usize) -> PathBuf {
    let src = small_corpus(&dir.join(format!("{name}-src")));
    let to = dir.join(name);
    for i in 0..copies {
        let c = to.join(format!("copy{i:03}"));
        copy_tree(&src, &c);
        for p in files_below(&c) {
            if p.extension().is_some_and(|x| x == "pdf") {
                std::fs::remove_file(&p).unwrap();
            } else if !p.to_string_lossy().ends_with(".meta.json") {
                let mut bytes = std::fs::read(&p).unwrap();
                bytes.extend_from_slice(format!("\n{name} copy {i}\n").as_bytes());
                std::fs::write(&p, bytes).unwrap();
            }
        }
    }
    to
}

/// Every file of the dataset parses and agrees with documents.jsonl; returns its lines.
fn check_complete(out: &Path) -> usize {
    let docs = std::fs::read_to_string(out.join("documents.jsonl")).expect("documents.jsonl");
    let mut n = 0;
    for line in docs.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("a document record");
        let doc = v["doc"].as_str().unwrap();
        let text = out.join("text").join(format!("{doc}.txt"));
        let t = std::fs::read(&text).unwrap_or_else(|e| panic!("{}: {e}", text.display()));
        assert_eq!(
            String::from_utf8_lossy(&t).chars().count() as u64,
            v["chars"].as_u64().unwrap(),
            "{doc}: text and record from different runs"
        );
        n += 1;
    }
    for f in ["mentions.jsonl", "entities.jsonl", "facts.jsonl"] {
        let text = std::fs::read_to_string(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        for line in text.lines() {
            serde_json::from_str::<serde_json::Value>(line)
                .unwrap_or_else(|e| panic!("{f}: {e}: {line}"));
        }
    }
    n
}

fn spawn_run(corpus: &Path, rules: &Path, out: &Path) -> std::process::Child {
    Command::new(AISI)
        .args(["run", "--quiet", "--corpus"])
        .arg(corpus)
        .arg("--rules")
        .arg(rules)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_run_killed_at_any_moment_leaves_the_previous_dataset_and_the_next_run_succeeds() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let rules = rules_copy(t);
    let corpus = large_corpus(t, "corpus", 20);
    let out = t.join("out");

    let started = Instant::now();
    run_ok(&corpus, &rules, &out);
    let cold = started.elapsed();
    let before = check_complete(&out);
    assert!(before >= 100, "{before} documents");

    // New, unique documents: the next run has real work to do at every stage.
    let more = large_corpus(t, "more", 20);
    std::fs::rename(&more, corpus.join("more")).unwrap();

    let mut killed = 0;
    let mut current = before;
    for frac in [0.02, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.2, 1.5] {
        let mut child = spawn_run(&corpus, &rules, &out);
        std::thread::sleep(cold.mul_f64(frac));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        if !finished {
            killed += 1;
        }
        // Killed before the swap: the previous dataset; after: the new one. Never a mix.
        let n = check_complete(&out);
        assert!(
            n == current || n == before * 2,
            "after a kill at {frac} of a run: {n} documents, expected {current} or {}",
            before * 2
        );
        current = n;
        if finished {
            break;
        }
    }
    assert!(killed >= 3, "only {killed} runs were killed mid-way");

    run_ok(&corpus, &rules, &out);
    assert_eq!(check_complete(&out), before * 2);
    // The cache the killed runs left is consistent: the result is that of a cold run.
    let cold_out = t.join("cold");
    run_ok(&corpus, &rules, &cold_out);
    assert_same_dataset(&cold_out, &out);
}

#[test]
fn a_second_writer_is_refused_with_a_clear_message_and_the_dataset_is_untouched() {
    let (_tmp, corpus, rules, out) = workspace();
    run_ok(&corpus, &rules, &out);
    let before = std::fs::read(out.join("documents.jsonl")).unwrap();

    // Hold the lock as a running `aisi run` does.
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(out.join(".lock"))
        .unwrap();
    lock.try_lock().expect("no run holds the lock now");
    std::fs::write(out.join(".lock"), "4242").unwrap();

    std::fs::write(
        corpus.join("new.txt"),
        "In 2024 the institute was founded.\n",
    )
    .unwrap();
    let args = folders(&corpus, &rules, &out);
    let run = aisi(&[&["run"][..], &args].concat());
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("another aisi run is writing")
            && err.contains("(pid 4242)")
            && err.contains("wait for it or use another --out"),
        "{err}"
    );
    let ingest = aisi(
        &[
            &["ingest", corpus.join("new.txt").to_str().unwrap()][..],
            &args,
        ]
        .concat(),
    );
    assert!(!ingest.status.success());
    assert!(
        String::from_utf8_lossy(&ingest.stderr).contains("another aisi run is writing"),
        "{}",
        String::from_utf8_lossy(&ingest.stderr)
    );
    assert!(!corpus.join("ingested/new.txt").exists(), "nothing copied");
    assert_eq!(std::fs::read(out.join("documents.jsonl")).unwrap(), before);

    drop(lock);
    let log = run_ok(&corpus, &rules, &out);
    assert!(log.contains("1 extracted"), "{log}");
}

#[test]
fn a_stale_lock_file_of_a_dead_run_does_not_block() {
    let (_tmp, corpus, rules, out) = workspace();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".lock"), "999999").unwrap();
    run_ok(&corpus, &rules, &out);
    assert!(check_complete(&out) > 0);
}
