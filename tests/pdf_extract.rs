//! The PDF extractor through the real binary: fidelity on the corpus renderings (every
//! producer) against their truth texts, and the hostile files (damaged, encrypted,
//! image-only, compression bomb, cyclic page tree, empty).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The lowest word similarity any corpus PDF may reach. Measured at the time of writing:
/// 0.985 for the worst file (the groff mission statement, whose PDF itself prints groff
/// escapes such as `\fI` literally), 0.99–1.00 for every other producer.
const FLOOR: f32 = 0.98;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `aisi extract --out DIR FILES...`; returns the status lines of stderr.
fn extract(files: &[PathBuf], out: &Path) -> Vec<String> {
    let o = Command::new(env!("CARGO_BIN_EXE_aisi"))
        .arg("extract")
        .arg("--out")
        .arg(out)
        .args(files)
        .output()
        .expect("run aisi");
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Status line of one file: (status, pages, reason).
fn status<'a>(lines: &'a [String], file: &str) -> (&'a str, usize, &'a str) {
    let l = lines
        .iter()
        .find(|l| l.split('\t').nth(2).is_some_and(|p| p.ends_with(file)))
        .unwrap_or_else(|| panic!("no status line for {file} in {lines:?}"));
    let f: Vec<&str> = l.splitn(4, '\t').collect();
    (
        f[0],
        f[1].parse().unwrap_or(0),
        f.get(3).copied().unwrap_or(""),
    )
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// Truth text without its `#` note lines.
fn truth(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// difflib-style ratio over words: 2 × matched / (len a + len b).
fn similarity(got: &str, want: &str) -> f32 {
    let (a, b) = (words(got), words(want));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b);
    similar::get_diff_ratio(&ops, a.len(), b.len())
}

#[test]
fn every_corpus_pdf_keeps_its_fidelity_floor() {
    let dir = root().join("corpus/renderings");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 19,
        "corpus PDFs missing in {}",
        dir.display()
    );
    let out = tempfile::tempdir().unwrap();
    let lines = extract(&files, out.path());
    let mut report = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let (st, _, why) = status(&lines, &name);
        assert_eq!(st, "ok", "{name}: {why}");
        let got = std::fs::read_to_string(out.path().join(format!("{name}.txt"))).unwrap();
        let want = truth(&root().join(format!("tests/fixtures/corpus-truth/{name}.txt")));
        report.push((similarity(&got, &want), name));
    }
    report.sort_by(|a, b| a.0.total_cmp(&b.0));
    let below: Vec<_> = report.iter().filter(|(s, _)| *s < FLOOR).collect();
    assert!(
        below.is_empty(),
        "below {FLOOR}: {below:?}\nall: {report:?}"
    );
}

#[test]
fn pages_are_split_with_form_feeds_and_keep_no_page_numbers() {
    let f = root().join("corpus/renderings/csis-aisi-network-2024.pdftex.pdf");
    let out = tempfile::tempdir().unwrap();
    let lines = extract(std::slice::from_ref(&f), out.path());
    let (st, pages, _) = status(&lines, "csis-aisi-network-2024.pdftex.pdf");
    assert_eq!(st, "ok");
    let text =
        std::fs::read_to_string(out.path().join("csis-aisi-network-2024.pdftex.pdf.txt")).unwrap();
    assert_eq!(text.split('\u{c}').count(), pages);
    for (i, page) in text.split('\u{c}').enumerate().skip(1) {
        let last = page.trim_end().lines().last().unwrap_or("");
        assert_ne!(
            last.trim(),
            (i + 1).to_string(),
            "page {} ends with its number",
            i + 1
        );
    }
}

fn hostile(name: &str) -> (String, usize, String, String) {
    let f = root().join("tests/fixtures/hostile").join(name);
    let out = tempfile::tempdir().unwrap();
    let lines = extract(std::slice::from_ref(&f), out.path());
    let (st, pages, why) = status(&lines, name);
    assert!(
        !why.contains("internal error"),
        "{name} panicked or failed internally: {why}"
    );
    let text = std::fs::read_to_string(out.path().join(format!("{name}.txt"))).unwrap_or_default();
    (st.to_string(), pages, why.to_string(), text)
}

#[test]
fn damaged_xref_is_rebuilt_by_scanning_objects_and_gives_the_full_text() {
    let (st, pages, why, text) = hostile("bad-xref.pdf");
    assert_eq!((st.as_str(), pages), ("ok", 1), "{why}");
    assert!(why.contains("cross-reference"), "{why}");
    let want = truth(&root().join("tests/fixtures/corpus-truth/hostile/bad-xref.pdf.txt"));
    let s = similarity(&text, &want);
    assert!(s >= FLOOR, "similarity {s}");
}

#[test]
fn truncated_file_is_an_error_that_says_so() {
    let (st, _, why, text) = hostile("truncated.pdf");
    // Partial text would also be acceptable; silence is not.
    if st == "ok" {
        assert!(!text.trim().is_empty());
    } else {
        assert_eq!(st, "error");
        assert!(why.starts_with("damaged PDF:"), "{why}");
    }
}

#[test]
fn encrypted_file_asks_for_a_password() {
    let (st, _, why, _) = hostile("encrypted.pdf");
    assert_eq!(st, "error");
    assert_eq!(why, "encrypted PDF: a password is required");
}

#[test]
fn image_only_file_is_empty_with_the_no_text_layer_reason() {
    let (st, pages, why, text) = hostile("scanned.pdf");
    assert_eq!((st.as_str(), pages), ("empty", 1));
    assert!(text.trim().is_empty());
    assert!(
        why.starts_with("no text layer: the PDF has only images (OCR is not supported)"),
        "{why}"
    );
}

#[test]
fn compression_bomb_is_capped_and_keeps_the_text_before_the_cap() {
    let (st, _, why, text) = hostile("bomb.pdf");
    assert_eq!(st, "ok");
    assert!(why.contains("capped"), "{why}");
    assert!(text.contains("Compression bomb test document."), "{text}");
    assert!(text.contains("inflates to about 210 MB."), "{text}");
}

#[test]
fn cyclic_page_tree_gives_its_one_page() {
    let (st, pages, _, text) = hostile("cyclic.pdf");
    assert_eq!((st.as_str(), pages), ("ok", 1));
    let want = truth(&root().join("tests/fixtures/corpus-truth/hostile/cyclic.pdf.txt"));
    assert_eq!(words(&text), words(&want));
}

#[test]
fn empty_file_is_an_error() {
    let (st, _, why, _) = hostile("empty.pdf");
    assert_eq!(st, "error");
    assert!(why.starts_with("not a PDF: the file is empty"), "{why}");
}

#[test]
fn run_records_metadata_title_warnings_and_the_empty_reason() {
    let corpus = tempfile::tempdir().unwrap();
    for f in [
        "corpus/renderings/aisi-network-mission-statement-2024.xetex.pdf",
        "tests/fixtures/hostile/scanned.pdf",
        "tests/fixtures/hostile/bomb.pdf",
    ] {
        let src = root().join(f);
        std::fs::copy(&src, corpus.path().join(src.file_name().unwrap())).unwrap();
    }
    let rules = tempfile::tempdir().unwrap();
    for d in ["patterns", "entities", "facts"] {
        std::fs::create_dir(rules.path().join(d)).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_aisi"))
        .args(["run", "-q", "--corpus"])
        .arg(corpus.path())
        .arg("--rules")
        .arg(rules.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let docs = std::fs::read_to_string(out.path().join("documents.jsonl")).unwrap();
    let docs: Vec<serde_json::Value> = docs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Documents are in name order: aisi-network…, bomb, scanned.
    let xetex = &docs[0];
    assert_eq!(
        xetex["title"],
        "International Network of AI Safety Institutes: Mission Statement"
    );
    assert_eq!(xetex["status"], "ok");
    assert!(xetex.get("warnings").is_none(), "{xetex}");
    let bomb = &docs[1];
    assert_eq!(bomb["status"], "ok");
    assert!(
        bomb["warnings"][0].as_str().unwrap().contains("capped"),
        "a capped stream is reported on its document: {bomb}"
    );
    let scanned = &docs[2];
    assert_eq!(scanned["status"], "empty");
    assert!(
        scanned["error"]
            .as_str()
            .unwrap()
            .starts_with("no text layer")
    );
}
