//! Helpers shared by the operational tests (incremental, safety, ingest, explain): build a
//! corpus in a temporary folder, run the real binary, compare output folders.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const AISI: &str = env!("CARGO_BIN_EXE_aisi");

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the project's rules (or an empty rule set when there are none yet), so a
/// test may change them.
pub fn rules_copy(dir: &Path) -> PathBuf {
    let to = dir.join("rules");
    let from = root().join("rules");
    if from.is_dir() {
        copy_tree(&from, &to);
    }
    for sub in ["patterns", "entities", "facts"] {
        std::fs::create_dir_all(to.join(sub)).unwrap();
    }
    to
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

/// Runs `aisi` with `args`; panics with its output if it fails and `ok` is set.
pub fn aisi(args: &[&str]) -> Output {
    Command::new(AISI)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the aisi binary runs")
}

pub fn run_ok(corpus: &Path, rules: &Path, out: &Path) -> String {
    let o = aisi(&[
        "run",
        "--corpus",
        corpus.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        o.status.success(),
        "aisi run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
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
