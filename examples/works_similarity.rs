//! Measures how similar the documents of a written dataset are, to choose the threshold
//! at which `works` joins two documents into one work.
//!
//!   cargo run --example works_similarity -- OUT [MANIFEST.tsv]
//!
//! Reads `OUT/documents.jsonl` and `OUT/text/`, and prints every pair whose estimated
//! similarity is 0.05 or more (with the exact Jaccard similarity of the shingle sets),
//! then the works the grouping makes. With a manifest (`file<TAB>seed`, as the bundled
//! corpus has), pairs are marked same/different by their seed, and the lowest
//! same-report and highest different-report similarities are printed. With `--time`, only
//! times the signatures and the grouping (the work a run adds), without the pairs.

use aisi_tracker::works::{self, Member, Signature};
use std::collections::{BTreeMap, HashSet};

fn shingles(text: &str) -> HashSet<Vec<String>> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .windows(works::SHINGLE)
        .map(<[String]>::to_vec)
        .collect()
}

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let time_only = args.iter().any(|a| a == "--time");
    args.retain(|a| a != "--time");
    let out = std::path::Path::new(
        args.first()
            .expect("usage: works_similarity OUT [MANIFEST]"),
    );
    let seed_of: BTreeMap<String, String> = match args.get(1) {
        Some(m) => std::fs::read_to_string(m)?
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?.to_string(), f.next()?.to_string()))
            })
            .collect(),
        None => BTreeMap::new(),
    };
    let seed = |doc: &str| -> String {
        seed_of
            .get(doc)
            .cloned()
            .unwrap_or_else(|| doc.rsplit('/').next().unwrap_or(doc).to_string())
    };
    let docs: Vec<serde_json::Value> = std::fs::read_to_string(out.join("documents.jsonl"))?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    if time_only {
        let texts: Vec<(String, Option<String>, String)> = docs
            .iter()
            .map(|d| {
                let doc = d["doc"].as_str().unwrap_or_default().to_string();
                let text = std::fs::read_to_string(out.join("text").join(format!("{doc}.txt")))
                    .unwrap_or_default();
                (doc, d["published"].as_str().map(str::to_string), text)
            })
            .collect();
        let bytes: usize = texts.iter().map(|t| t.2.len()).sum();
        let t0 = std::time::Instant::now();
        let sigs: Vec<Signature> = texts.iter().map(|t| Signature::of(&t.2)).collect();
        let t1 = std::time::Instant::now();
        let members: Vec<Member> = texts
            .iter()
            .zip(&sigs)
            .map(|(t, s)| Member {
                doc: &t.0,
                published: t.1.as_deref(),
                signature: s,
            })
            .collect();
        let w = works::group(&members);
        let t2 = std::time::Instant::now();
        let n: HashSet<&str> = w.iter().map(|x| x.work.as_str()).collect();
        println!(
            "{} documents ({:.0} MB of text): signatures {:.3} s (one thread), grouping {:.3} s; {} works",
            texts.len(),
            bytes as f64 / 1e6,
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64(),
            n.len()
        );
        return Ok(());
    }
    let mut items = Vec::new();
    for d in &docs {
        let doc = d["doc"].as_str().unwrap_or_default().to_string();
        let text = std::fs::read_to_string(out.join("text").join(format!("{doc}.txt")))
            .unwrap_or_default();
        let published = d["published"].as_str().map(str::to_string);
        items.push((doc, published, Signature::of(&text), shingles(&text)));
    }
    let (mut low_same, mut high_diff) = (1.0f64, 0.0f64);
    for i in 0..items.len() {
        for j in i + 1..items.len() {
            let est = items[i].2.similarity(&items[j].2);
            let (a, b) = (&items[i].3, &items[j].3);
            let inter = a.intersection(b).count() as f64;
            let jac = inter / (a.len() + b.len()).saturating_sub(inter as usize).max(1) as f64;
            let same = seed(&items[i].0) == seed(&items[j].0);
            if !seed_of.is_empty() {
                if same {
                    low_same = low_same.min(est);
                } else {
                    high_diff = high_diff.max(est);
                }
            } else {
                high_diff = high_diff.max(est);
            }
            if est >= 0.05 || jac >= 0.05 {
                println!(
                    "{est:.2}\tjaccard {jac:.3}\t{}\t{}\t{}",
                    if seed_of.is_empty() {
                        ""
                    } else if same {
                        "same"
                    } else {
                        "DIFFERENT"
                    },
                    items[i].0,
                    items[j].0
                );
            }
        }
    }
    let members: Vec<Member> = items
        .iter()
        .map(|(doc, p, s, _)| Member {
            doc,
            published: p.as_deref(),
            signature: s,
        })
        .collect();
    let w = works::group(&members);
    let n: HashSet<&str> = w.iter().map(|x| x.work.as_str()).collect();
    println!("documents {}, works {}", items.len(), n.len());
    if !seed_of.is_empty() {
        println!("lowest same-report similarity {low_same:.2}");
    }
    println!("highest different-report similarity {high_diff:.2}");
    Ok(())
}
