//! Throughput of the entity finder: runs `find::entities::find` over the seed texts
//! repeated to about 50 MB and prints MB/s on one core, by wall clock and by the CPU
//! time of this thread (Linux; the two differ on a busy machine).
//!
//! With `--all`, the whole find stage (pattern rules too) is measured instead.
//!
//!     cargo run --release --example find_entities_speed [--all] [RULES_DIR] [SEEDS_DIR]

use aisi_tracker::find::DocContext;
use aisi_tracker::find::entities::{EntityRules, find};
use aisi_tracker::model::DocText;
use aisi_tracker::rules::RuleSet;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let all = std::env::args().any(|a| a == "--all");
    let mut args = std::env::args().skip(1).filter(|a| a != "--all");
    let default_rules = if all { "rules" } else { "rules/entities" };
    let rules_dir = PathBuf::from(args.next().unwrap_or_else(|| default_rules.into()));
    let seeds = PathBuf::from(args.next().unwrap_or_else(|| "corpus/seeds".into()));
    let t0 = Instant::now();
    let (rules, set) = if all {
        (None, Some(RuleSet::load(&rules_dir)?))
    } else {
        (Some(EntityRules::load(&rules_dir)?), None)
    };
    println!("load: {:.1} ms", t0.elapsed().as_secs_f64() * 1e3);
    let mut texts = Vec::new();
    for e in std::fs::read_dir(&seeds)? {
        let p = e?.path();
        if p.extension().is_some_and(|x| x == "txt") {
            texts.push(DocText::from_text(std::fs::read_to_string(&p)?));
        }
    }
    let one: usize = texts.iter().map(|t| t.text.len()).sum();
    anyhow::ensure!(one > 0, "no .txt files in {}", seeds.display());
    let rounds = (50_000_000 / one).max(1);
    let (mut bytes, mut mentions) = (0usize, 0usize);
    let cpu0 = thread_cpu_seconds();
    let t = Instant::now();
    for _ in 0..rounds {
        for text in &texts {
            let ctx = DocContext {
                doc: "bench",
                text,
                published: None,
            };
            mentions += match (&rules, &set) {
                (Some(r), _) => find(r, &ctx).len(),
                (_, Some(s)) => aisi_tracker::find::find(s, &ctx).len(),
                _ => 0,
            };
            bytes += text.text.len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let mb = bytes as f64 / 1e6;
    println!(
        "{mb:.1} MB in {secs:.2} s wall: {:.1} MB/s, {mentions} mentions",
        mb / secs
    );
    if let (Some(a), Some(b)) = (cpu0, thread_cpu_seconds()) {
        println!("{:.2} s on CPU: {:.1} MB/s per core", b - a, mb / (b - a));
    }
    Ok(())
}

/// CPU time of this thread from /proc (Linux), if available.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}
