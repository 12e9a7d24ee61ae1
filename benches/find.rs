//! Throughput of the find stage (MB/s) over the corpus texts: the seed reports and the
//! reference texts of their renderings. Run with `cargo bench --bench find`.

use aisi_tracker::find::{self, DocContext, engine};
use aisi_tracker::model::DocText;
use aisi_tracker::rules::RuleSet;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;

fn corpus_texts() -> Vec<(String, DocText)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
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

fn bench_find(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = RuleSet::load(&root.join("rules")).expect("rules load");
    let texts = corpus_texts();
    let bytes: usize = texts.iter().map(|(_, t)| t.text.len()).sum();
    let mut group = c.benchmark_group("find");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("patterns", |b| {
        b.iter(|| {
            let mut n = 0;
            for (doc, text) in &texts {
                let ctx = DocContext {
                    doc,
                    text,
                    published: Some("2024-11-20"),
                };
                n += engine::find(&rules.patterns, &ctx).len();
            }
            n
        })
    });
    group.bench_function("all", |b| {
        b.iter(|| {
            let mut n = 0;
            for (doc, text) in &texts {
                let ctx = DocContext {
                    doc,
                    text,
                    published: Some("2024-11-20"),
                };
                n += find::find(&rules, &ctx).len();
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, bench_find);
criterion_main!(benches);
