//! Throughput of the whole find stage, in MB of text per second per core: for each corpus
//! text (the seed reports and the reference texts of their renderings), one scan of the
//! pattern rules, the publication date the text states and then the mentions, with the
//! real `rules/`, as the pipeline runs them. Single-threaded; the figure is bytes over the
//! CPU time of this thread, so a busy machine does not lower it (wall-clock MB/s is
//! printed too, for comparison).
//!
//!     cargo bench --bench find [-- SECONDS]
//!
//! SECONDS (default 5) is roughly how long to measure; the corpus is run whole, over and
//! over, until then. The best of five equal parts is reported as well, as a guard against
//! interruptions that are still charged to the thread (page faults, cache flushes).

use aisi_tracker::find::{self, DocContext};
use aisi_tracker::model::DocText;
use aisi_tracker::rules::RuleSet;
use std::path::Path;
use std::time::Instant;

// The allocator the `aisi` binary runs with, so that the figure is the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus_texts(root: &Path) -> Vec<(String, DocText)> {
    let mut out = Vec::new();
    for dir in ["corpus/seeds", "tests/fixtures/corpus-truth"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|x| x == "txt")
                && let Ok(t) = std::fs::read_to_string(&p)
            {
                out.push((p.display().to_string(), DocText::from_text(t)));
            }
        }
    }
    out
}

/// CPU time of this thread in seconds (Linux `/proc`); `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// One run of the find stage over every text; returns the number of mentions.
fn run_once(rules: &RuleSet, texts: &[(String, DocText)]) -> usize {
    let mut n = 0;
    for (doc, text) in texts {
        let scanned = find::scan(rules, text);
        let published = find::publication_date_scanned(rules, text, &scanned);
        let ctx = DocContext {
            doc,
            text,
            published: published.as_deref(),
        };
        n += find::find_scanned(rules, &ctx, scanned).len();
    }
    n
}

fn main() {
    let seconds: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5.0);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = match RuleSet::load(&root.join("rules")) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot load rules/: {e:#}");
            std::process::exit(1);
        }
    };
    let texts = corpus_texts(root);
    let bytes: usize = texts.iter().map(|(_, t)| t.text.len()).sum();
    if bytes == 0 {
        eprintln!("no corpus texts under corpus/seeds or tests/fixtures/corpus-truth");
        std::process::exit(1);
    }
    // Warm up (page in the rules' automata and the allocator), then size the rounds.
    let mentions = run_once(&rules, &texts);
    let t = Instant::now();
    run_once(&rules, &texts);
    let per_round = t.elapsed().as_secs_f64().max(1e-6);
    let rounds = ((seconds / per_round / 5.0).ceil() as usize).max(1);

    let mut parts = Vec::new();
    let (mut cpu_total, mut wall_total) = (0.0, 0.0);
    for _ in 0..5 {
        let cpu0 = thread_cpu_seconds();
        let t = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(run_once(&rules, std::hint::black_box(&texts)));
        }
        wall_total += t.elapsed().as_secs_f64();
        if let (Some(a), Some(b)) = (cpu0, thread_cpu_seconds()) {
            cpu_total += b - a;
            parts.push(b - a);
        }
    }
    let mb = bytes as f64 / 1e6;
    let total_mb = mb * (rounds * 5) as f64;
    println!(
        "find stage: {} texts, {mb:.2} MB, {mentions} mentions per run; {} runs",
        texts.len(),
        rounds * 5
    );
    println!("wall: {:.1} MB/s", total_mb / wall_total);
    if let Some(best) = parts.iter().copied().reduce(f64::min) {
        println!(
            "CPU:  {:.1} MB/s per core (best fifth: {:.1} MB/s)",
            total_mb / cpu_total,
            total_mb / 5.0 / best
        );
    } else {
        println!("CPU time of a thread is not available here: only the wall figure holds");
    }
}
