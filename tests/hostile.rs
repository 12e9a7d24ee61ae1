//! The batch contract on hostile input: the real binary over a corpus of malformed and
//! adversarial files (`tests/fixtures/hostile/`, plus a few made here) and two good
//! documents. Every input becomes exactly one line of `documents.jsonl`, failures carry a
//! message a person can act on, nothing panics, the run exits 0 and finishes.
//!
//! What each PDF case must yield (recovered text, the encryption message, the bomb bound)
//! is tested with the PDF extractor; here only the batch contract and the format-independent
//! cases (text decoding, HTML payloads) are asserted.

mod support;

use std::path::{Path, PathBuf};
use support::*;

const LONG_NAME: &str = "made/long-name-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt";
const LONGER_NAME: &str = "made/longer-name-xéééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé.txt";

/// Builds the corpus; returns the names of the documents it holds, sorted.
fn hostile_corpus(corpus: &Path) -> Vec<String> {
    let hostile = corpus.join("hostile");
    std::fs::create_dir_all(&hostile).unwrap();
    let mut docs = Vec::new();
    for e in std::fs::read_dir(fixture("hostile")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name == "MANIFEST.tsv" {
            continue;
        }
        std::fs::copy(&p, hostile.join(&name)).unwrap();
        docs.push(format!("hostile/{name}"));
    }
    // Made here: cases no fixture covers.
    let made: [(&str, Vec<u8>); 9] = [
        // File names of 241 and 253 bytes: legal, but the second leaves no room for
        // `.txt` in a file name.
        (LONG_NAME, b"Published November 2024.".to_vec()),
        (LONGER_NAME, b"Updated 2024.".to_vec()),
        ("made/empty.txt", Vec::new()),
        (
            "made/blank.html",
            b"<html><body>  <p> \n </p><script>x()</script></body>".to_vec(),
        ),
        (
            "made/deep.html",
            format!(
                "{}deep text{}",
                "<div><span>".repeat(2_000),
                "</span></div>".repeat(2_000)
            )
            .into_bytes(),
        ),
        // Nesting no page needs, which the HTML5 tree builder takes minutes over.
        ("made/abyss.html", "<div><b>".repeat(60_000).into_bytes()),
        (
            "made/binary.txt",
            (0..=255u8).cycle().take(64 << 10).collect(),
        ),
        (
            "made/unclosed.htm",
            b"<p>open <b>bold <table><tr><td>cell<td>cell 2<li>item <a href='x".to_vec(),
        ),
        ("made/odd-utf16.txt", vec![0xFF, 0xFE, b'a', 0, b'b']),
    ];
    std::fs::create_dir_all(corpus.join("made")).unwrap();
    for (name, bytes) in made {
        std::fs::write(corpus.join(name), bytes).unwrap();
        docs.push(name.to_string());
    }
    // Two good documents, processed as usual beside the hostile ones.
    std::fs::create_dir_all(corpus.join("good")).unwrap();
    std::fs::copy(
        root().join("corpus/seeds/002_c3207fa994725179.txt"),
        corpus.join("good/002_c3207fa994725179.txt"),
    )
    .unwrap();
    std::fs::copy(
        root().join("corpus/renderings/aisi-network-mission-statement-2024.html"),
        corpus.join("good/aisi-network-mission-statement-2024.html"),
    )
    .unwrap();
    docs.push("good/002_c3207fa994725179.txt".into());
    docs.push("good/aisi-network-mission-statement-2024.html".into());
    docs.sort();
    docs
}

/// One run over the hostile corpus, shared by the tests below.
struct Batch {
    _tmp: tempfile::TempDir,
    out: PathBuf,
    docs: Vec<String>,
    run: Run,
}

fn batch() -> &'static Batch {
    static BATCH: std::sync::OnceLock<Batch> = std::sync::OnceLock::new();
    BATCH.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path().join("corpus");
        let out = tmp.path().join("out");
        let docs = hostile_corpus(&corpus);
        // Extraction is what is under test; the find stage still runs over every text.
        let rules = project_rules(tmp.path());
        let run = aisi_watched(
            &[&["run", "--quiet"][..], &folders(&corpus, &rules, &out)].concat(),
            tmp.path(),
        );
        Batch {
            _tmp: tmp,
            out,
            docs,
            run,
        }
    })
}

/// The text file of `doc`: `text/<doc>.txt`, or the one its record names.
fn text_path(b: &Batch, doc: &str) -> PathBuf {
    let records = documents(&b.out);
    match record(&records, doc)["text_file"].as_str() {
        Some(f) => b.out.join(f),
        None => b.out.join("text").join(format!("{doc}.txt")),
    }
}

fn text_of(b: &Batch, doc: &str) -> String {
    std::fs::read_to_string(text_path(b, doc)).unwrap()
}

#[test]
fn the_run_exits_zero_without_any_panic() {
    let b = batch();
    assert!(
        b.run.status.success(),
        "exit {:?}\n{}",
        b.run.status,
        b.run.stderr
    );
    assert!(
        !b.run.stderr.contains("panicked"),
        "a panic, even caught, means a crash on some input:\n{}",
        b.run.stderr
    );
}

#[test]
fn every_file_is_exactly_one_line_in_corpus_order() {
    let b = batch();
    let records = documents(&b.out);
    let docs: Vec<&str> = records.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    assert_eq!(docs, b.docs);
}

#[test]
fn failed_and_empty_documents_say_why_in_words() {
    let b = batch();
    for r in documents(&b.out) {
        let doc = r["doc"].as_str().unwrap();
        let status = r["status"].as_str().unwrap();
        assert!(
            ["ok", "empty", "error"].contains(&status),
            "{doc}: status {status}"
        );
        if status == "ok" {
            assert!(r["error"].is_null(), "{doc}: ok with an error");
            assert!(r["chars"].as_u64().unwrap() > 0, "{doc}: ok without text");
            continue;
        }
        let error = r["error"].as_str().unwrap_or_default();
        assert!(
            error.split_whitespace().count() >= 3 && error.chars().any(char::is_alphabetic),
            "{doc}: {status} needs a readable reason, got {error:?}"
        );
        assert!(
            !error.contains("internal error"),
            "{doc}: a caught crash, not a diagnosis: {error}"
        );
        assert_eq!(r["chars"], 0, "{doc}: {status} with text");
    }
}

#[test]
fn empty_inputs_are_empty_not_errors() {
    let b = batch();
    let records = documents(&b.out);
    for doc in ["made/empty.txt", "made/blank.html"] {
        assert_eq!(record(&records, doc)["status"], "empty", "{doc}");
    }
}

#[test]
fn truncated_utf16_keeps_what_it_has() {
    let b = batch();
    assert_eq!(text_of(b, "made/odd-utf16.txt"), "a");
}

#[test]
fn utf16_text_is_decoded_exactly() {
    let b = batch();
    let truth = std::fs::read_to_string(fixture("corpus-truth/hostile/utf16.txt.txt")).unwrap();
    assert_eq!(text_of(b, "hostile/utf16.txt"), truth);
    let records = documents(&b.out);
    assert_eq!(record(&records, "hostile/utf16.txt")["status"], "ok");
}

#[test]
fn an_html_payload_is_kept_as_text_and_scripts_are_not() {
    let b = batch();
    let text = text_of(b, "hostile/xss.html");
    // What a reader sees, including the payload the page shows as text.
    for seen in [
        "AISI network update",
        "launched in San Francisco on November 21, 2024.",
        "Comment from a reader: </textarea><img src=x onerror=alert(1)>",
        "Read the mission statement",
        "svg text",
        "The UK AI Safety Institute has a budget of £50 million per year.",
    ] {
        assert!(text.contains(seen), "missing {seen:?} in\n{text}");
    }
    // Script bodies, styles, attributes and URLs are markup, never text.
    for unseen in [
        "document.title",
        "fetch(",
        "document.cookie",
        "Injected by script",
        "font-family",
        "alert('",
        "alert(2)",
        "alert(3)",
        "javascript:",
        "broken image",
    ] {
        assert!(!text.contains(unseen), "{unseen:?} leaked into\n{text}");
    }
    let records = documents(&b.out);
    let r = record(&records, "hostile/xss.html");
    assert_eq!(r["status"], "ok");
    assert_eq!(
        r["title"], "AISI network update </textarea><img src=x onerror=alert(1)>",
        "the title is the decoded text; escaping it is the writers' job"
    );
    assert_eq!(r["published"], "2024-11-21");
}

#[test]
fn absurd_nesting_is_refused_with_its_reason() {
    let b = batch();
    let records = documents(&b.out);
    let r = record(&records, "made/abyss.html");
    assert_eq!(r["status"], "error");
    assert!(r["error"].as_str().unwrap().contains("nested"), "{r}");
}

#[test]
fn malformed_html_still_yields_its_text() {
    let b = batch();
    assert_eq!(text_of(b, "made/deep.html"), "deep text");
    let unclosed = text_of(b, "made/unclosed.htm");
    for seen in ["open bold", "cell\tcell 2", "item"] {
        assert!(unclosed.contains(seen), "missing {seen:?} in {unclosed:?}");
    }
}

#[test]
fn good_documents_beside_hostile_ones_are_processed_normally() {
    let b = batch();
    let records = documents(&b.out);
    let seed = "good/002_c3207fa994725179.txt";
    assert_eq!(record(&records, seed)["status"], "ok");
    let original =
        std::fs::read_to_string(root().join("corpus/seeds/002_c3207fa994725179.txt")).unwrap();
    assert_eq!(
        text_of(b, seed),
        original,
        "a UTF-8 text is kept byte for byte"
    );

    let page = "good/aisi-network-mission-statement-2024.html";
    let r = record(&records, page);
    assert_eq!(r["status"], "ok");
    assert_eq!(r["format"], "html");
    assert_eq!(r["published"], "2024-11-21");
    assert_eq!(
        r["title"],
        "International Network of AI Safety Institutes: Mission Statement"
    );
    let truth = std::fs::read_to_string(fixture(
        "corpus-truth/aisi-network-mission-statement-2024.html.txt",
    ))
    .unwrap();
    assert_eq!(text_of(b, page).trim_end(), truth.trim_end());
}

#[test]
fn every_document_has_its_text_file() {
    let b = batch();
    for doc in &b.docs {
        let p = text_path(b, doc);
        assert!(p.is_file(), "no {}", p.display());
    }
}

#[test]
fn long_file_names_are_documents_like_any_other() {
    let b = batch();
    let records = documents(&b.out);
    assert_eq!(LONG_NAME.rsplit('/').next().unwrap().len(), 241);
    assert_eq!(LONGER_NAME.rsplit('/').next().unwrap().len(), 253);
    // Room enough for `.txt`: the text is where the contract says.
    let r = record(&records, LONG_NAME);
    assert_eq!(r["status"], "ok");
    assert!(r.get("text_file").is_none(), "{r}");
    assert_eq!(text_of(b, LONG_NAME), "Published November 2024.");
    // No room: a shortened name, recorded.
    let r = record(&records, LONGER_NAME);
    assert_eq!(r["status"], "ok");
    let f = r["text_file"].as_str().unwrap();
    assert!(
        f.starts_with("text/made/longer-name-xé") && f.ends_with(".txt"),
        "{f}"
    );
    assert_eq!(text_of(b, LONGER_NAME), "Updated 2024.");
    assert!(
        !b.run.stderr.contains("sidecar"),
        "a name too long for a sidecar has none:\n{}",
        b.run.stderr
    );
}

#[test]
fn a_unicode_space_before_a_date_is_a_space_not_a_crash() {
    let b = batch();
    let records = documents(&b.out);
    let mentions = read_jsonl(&b.out.join("mentions.jsonl"));
    for doc in [
        "hostile/space-before-date-nbsp.txt",
        "hostile/space-before-date-emsp.html",
    ] {
        assert_eq!(record(&records, doc)["status"], "ok", "{doc}");
        assert!(
            mentions
                .iter()
                .any(|m| m["doc"] == doc && m["kind"] == "date" && m["value"] == "2024"),
            "{doc}: the year is found"
        );
    }
}

#[test]
fn drawing_caps_bound_a_page_that_draws_without_end() {
    let b = batch();
    let records = documents(&b.out);
    // Twelve nested forms, each drawing the next ten times: 10^12 draws.
    let r = record(&records, "hostile/form-xobject-fanout.pdf");
    assert_eq!(r["status"], "ok", "{r}");
    let warned = r["warnings"].as_array().unwrap();
    assert!(
        warned.iter().any(|w| w.as_str().unwrap().contains("cap")),
        "{r}"
    );
    assert!(r["chars"].as_u64().unwrap() <= 400_000, "{r}");
    // A million text operators on one page: kept up to the page's glyph cap, with a warning.
    let r = record(&records, "hostile/content-1m-text-ops.pdf");
    assert_eq!(r["status"], "ok", "{r}");
    assert!(r["chars"].as_u64().unwrap() <= 400_000, "{r}");
    assert!(r["warnings"].to_string().contains("glyphs"), "{r}");
}

#[test]
fn a_wrong_stream_length_is_read_up_to_its_endstream_with_a_warning() {
    let b = batch();
    let records = documents(&b.out);
    let r = record(&records, "hostile/wrong-stream-length.pdf");
    assert_eq!(r["status"], "ok", "{r}");
    assert!(r["warnings"].to_string().contains("endstream"), "{r}");
    assert!(text_of(b, "hostile/wrong-stream-length.pdf").contains("AI Safety Institutes"));
}

#[test]
fn library_messages_are_told_in_the_users_terms() {
    let b = batch();
    for r in documents(&b.out) {
        let all = r.to_string();
        for word in ["lopdf", "please open an issue", "github.com"] {
            assert!(!all.contains(word), "{all}");
        }
    }
    let records = documents(&b.out);
    let r = record(&records, "hostile/unsupported-filter-in-xref-stream.pdf");
    assert_eq!(r["status"], "error");
    assert!(r["error"].as_str().unwrap().contains("not support"), "{r}");
}

/// A sentence dense with dates, money and institutes, as one line of `bytes` bytes.
fn one_long_line(bytes: usize) -> Vec<u8> {
    let sentence = "On 21 November 2024 the US AI Safety Institute and the UK AISI agreed \
                    $10 million with NIST in San Francisco; ";
    sentence.repeat(bytes / sentence.len() + 1).into_bytes()[..bytes].to_vec()
}

/// A PDF of `pages` pages that all draw one short content stream.
fn many_pages_pdf(pages: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let obj = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    let content =
        b"BT /F1 12 Tf 72 720 Td (On 21 November 2024 the US AI Safety Institute met.) Tj ET";
    obj(&mut out, &mut offsets, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: String = (0..pages).map(|i| format!("{} 0 R ", 5 + i)).collect();
    obj(
        &mut out,
        &mut offsets,
        format!("<< /Type /Pages /Count {pages} /Kids [{kids}] >>").as_bytes(),
    );
    obj(
        &mut out,
        &mut offsets,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    );
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    obj(&mut out, &mut offsets, &stream);
    for _ in 0..pages {
        obj(
            &mut out,
            &mut offsets,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
              /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>",
        );
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Runs `aisi run` over `files` beside one good document; returns the records and the
/// wall time.
fn run_beside_a_good_document(
    files: &[(&str, Vec<u8>)],
    extra: &[&str],
) -> (Vec<serde_json::Value>, std::time::Duration) {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&corpus).unwrap();
    for (name, bytes) in files {
        std::fs::write(corpus.join(name), bytes).unwrap();
    }
    std::fs::copy(
        root().join("corpus/seeds/002_c3207fa994725179.txt"),
        corpus.join("good.txt"),
    )
    .unwrap();
    let rules = project_rules(tmp.path());
    let started = std::time::Instant::now();
    let run = aisi_watched(
        &[
            &["run", "--quiet", "--jobs", "2"][..],
            extra,
            &folders(&corpus, &rules, &out),
        ]
        .concat(),
        tmp.path(),
    );
    let took = started.elapsed();
    assert!(
        run.status.success(),
        "exit {:?}\n{}",
        run.status,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let records = documents(&out);
    assert_eq!(records.len(), files.len() + 1);
    (records, took)
}

#[test]
fn the_time_limit_covers_matching_too() {
    // 30 MB on one line: extraction takes a moment, matching (capped at 4 Mi chars of
    // text) far longer than the one second allowed.
    let (records, took) = run_beside_a_good_document(
        &[("one-line.txt", one_long_line(30_000_000))],
        &["--doc-timeout", "1"],
    );
    let r = record(&records, "one-line.txt");
    assert_eq!(r["status"], "error", "{r}");
    assert_eq!(
        r["error"],
        "gave up after 1 s (the per-document time limit, see --doc-timeout)"
    );
    // The document beside it is in the dataset (done, or over the same short limit on a
    // loaded machine).
    let good = record(&records, "good.txt");
    assert!(good["status"] == "ok" || good["error"].to_string().contains("gave up"));
    assert_eq!(r["chars"], 0);
    assert!(took.as_secs() < 60, "{took:?}");
}

#[test]
fn long_lines_and_many_pages_are_matched_in_bounded_time() {
    // Quadratic before: 2 MB on one line took 8 s; 50,000 pages (no line break at all)
    // took 19 s and tripled with each doubling.
    let (records, took) = run_beside_a_good_document(
        &[
            ("one-line.txt", one_long_line(500_000)),
            ("pages.pdf", many_pages_pdf(8_000)),
        ],
        &["--doc-timeout", "300"],
    );
    for doc in ["one-line.txt", "pages.pdf", "good.txt"] {
        let r = record(&records, doc);
        assert_eq!(r["status"], "ok", "{r}");
    }
    assert_eq!(record(&records, "pages.pdf")["pages"], 8_000);
    assert!(took.as_secs() < 300, "{took:?}");
}
