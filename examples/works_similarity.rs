//! Measures how similar the documents of a written dataset are, to choose the threshold
//! at which `works` joins two documents into one work.
//!
//!   cargo run --example works_similarity -- OUT [MANIFEST.tsv]
//!
//! Reads `OUT/documents.jsonl` and `OUT/text/`, and prints every pair whose estimated
//! similarity is 0.05 or more (with the exact Jaccard similarity of the shingle sets),
//! then the works the grouping makes. With a manifest (`file<TAB>seed`, as the bundled
//! corpus has), pairs are marked same/different by their seed, and the lowest
//! same-report and highest different-report similarities are printed.

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
    let args: Vec<String> = std::env::args().skip(1).collect();
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
