//! Works: the documents that carry one text — a report's PDF and its web page, a press
//! release reposted with other navigation, byline and footer, a corrected edition — are
//! one work, so that reconciliation counts independent sources, not files.
//!
//! Detection is near-duplicate detection on the extracted text, linear in the corpus:
//!
//! 1. **Shingles**: the text's words (letters and digits, lower-cased) in overlapping runs
//!    of [`SHINGLE`] words, each hashed to 64 bits. Markup, line breaks, page breaks and
//!    hyphenation differ between renderings; the words do not.
//! 2. **MinHash signature** ([`Signature`]): one-permutation MinHash — each shingle hash
//!    falls in one of [`BINS`] bins by its top bits, and each bin keeps the least of its
//!    low bits; empty bins borrow from the next full one. The share of equal bins of two
//!    signatures estimates the Jaccard similarity of the two shingle sets. Computed once
//!    per document when its text is read, and cached with its claims.
//! 3. **Banded LSH** ([`group`]): the signature is cut in [`BANDS`] bands of [`ROWS`]
//!    bins; documents with an equal band are candidates, and candidates whose estimated
//!    similarity reaches [`THRESHOLD`] are joined (union-find). Works are the connected
//!    groups.
//!
//! The threshold was chosen by measurement (`examples/works_similarity.rs`; figures in
//! `docs/architecture.md`): renderings of one report score far above it, different
//! reports on the same events (sharing sentences, quotes, names) far below.
//!
//! A work is known by its first edition: the member published earliest (undated ones
//! last), then the first by name. Its id hashes that document's name, so it is the same
//! on every run and whatever the order files are found in; it changes only when another
//! edition takes the first place (an earlier one, or as early and first by name).

use crate::model::stable_id;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Words per shingle.
pub const SHINGLE: usize = 5;
/// Bins of a signature.
pub const BINS: usize = 128;
/// LSH bands and rows per band (`BANDS * ROWS <= BINS`): two documents of similarity
/// `s` share a band with probability `1 - (1 - s^3)^42` — 0.996 at the threshold, 0.04 at
/// the 0.10 of the most similar different reports measured.
pub const BANDS: usize = 42;
pub const ROWS: usize = 3;
/// Estimated similarity from which two documents are one work.
pub const THRESHOLD: f64 = 0.5;
/// Fewer shingles than this say too little to tell copies apart: such a document is a
/// work of its own.
pub const MIN_SHINGLES: usize = 16;

const EMPTY: u32 = u32::MAX;

/// A document's MinHash signature: [`BINS`] values, or none for a text too short to judge.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
#[serde(transparent)]
pub struct Signature(pub Vec<u32>);

impl Signature {
    /// The signature of a text.
    pub fn of(text: &str) -> Signature {
        let mut bins = vec![EMPTY; BINS];
        let mut ring = [0u64; SHINGLE];
        let mut words = 0usize;
        let mut shingles = 0usize;
        for w in words_of(text) {
            ring[words % SHINGLE] = w;
            words += 1;
            if words < SHINGLE {
                continue;
            }
            // The shingle's words in text order, oldest first, each rotated by its place.
            let mut h = 0u64;
            for i in 0..SHINGLE {
                h = h.rotate_left(17) ^ ring[(words + i) % SHINGLE];
            }
            let h = mix(h);
            shingles += 1;
            let bin = (h >> (64 - BINS.trailing_zeros())) as usize;
            let v = h as u32;
            if v < bins[bin] {
                bins[bin] = v;
            }
        }
        if shingles < MIN_SHINGLES {
            return Signature::default();
        }
        densify(&mut bins);
        Signature(bins)
    }

    pub fn is_empty(&self) -> bool {
        self.0.len() != BINS
    }

    /// Estimated Jaccard similarity of the two documents' shingle sets, 0 when either
    /// has no signature.
    pub fn similarity(&self, other: &Signature) -> f64 {
        if self.is_empty() || other.is_empty() {
            return 0.0;
        }
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f64 / BINS as f64
    }
}

/// Hashes of the words of `text`: runs of letters and digits, lower-cased (FNV-1a over
/// the lower-cased characters). ASCII, most of any report, is read byte by byte.
fn words_of(text: &str) -> impl Iterator<Item = u64> + '_ {
    const PRIME: u64 = 0x0100_0000_01b3;
    let bytes = text.as_bytes();
    let mut i = 0;
    // The character at `i` (always a char boundary) and whether it is part of a word.
    let at = move |i: usize| -> (char, usize, bool) {
        let b = bytes[i];
        if b < 0x80 {
            (b as char, 1, b.is_ascii_alphanumeric())
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c, c.len_utf8(), c.is_alphanumeric())
        }
    };
    std::iter::from_fn(move || {
        loop {
            if i >= bytes.len() {
                return None;
            }
            let (_, len, word) = at(i);
            if word {
                break;
            }
            i += len;
        }
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        while i < bytes.len() {
            let (c, len, word) = at(i);
            if !word {
                break;
            }
            if len == 1 {
                h = (h ^ u64::from(bytes[i].to_ascii_lowercase())).wrapping_mul(PRIME);
            } else {
                for l in c.to_lowercase() {
                    let mut buf = [0u8; 4];
                    for b in l.encode_utf8(&mut buf).bytes() {
                        h = (h ^ u64::from(b)).wrapping_mul(PRIME);
                    }
                }
            }
            i += len;
        }
        Some(h)
    })
}

/// A 64-bit finaliser (splitmix64): every input bit moves every output bit.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Fills each empty bin from the next full one (circularly), salted by the distance, so
/// that two similar documents fill alike (one-permutation hashing with rotation).
fn densify(bins: &mut [u32]) {
    let n = bins.len();
    if bins.iter().all(|&v| v == EMPTY) {
        return;
    }
    let orig = bins.to_vec();
    for i in 0..n {
        if orig[i] != EMPTY {
            continue;
        }
        let mut d = 1;
        let mut j = (i + 1) % n;
        while orig[j] == EMPTY {
            d += 1;
            j = (j + 1) % n;
        }
        bins[i] = (mix(u64::from(orig[j]) ^ (d as u64) << 32) as u32).min(EMPTY - 1);
    }
}

/// A document as grouping sees it.
pub struct Member<'a> {
    pub doc: &'a str,
    pub published: Option<&'a str>,
    pub signature: &'a Signature,
}

/// The work of one document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocWork {
    /// The work's id, `work-` and 12 hex digits.
    pub work: String,
    /// The work's first edition (see the module's notes).
    pub first: String,
    /// Estimated similarity to the first edition, two decimals (1 for the first itself).
    pub similarity: f64,
}

/// Every document's work, by position (documents in corpus order).
pub fn group(members: &[Member]) -> Vec<DocWork> {
    let n = members.len();
    let mut uf = UnionFind::new(n);
    for band in 0..BANDS {
        let mut buckets: HashMap<&[u32], Vec<usize>> = HashMap::new();
        for (i, m) in members.iter().enumerate() {
            if m.signature.is_empty() {
                continue;
            }
            let key = &m.signature.0[band * ROWS..(band + 1) * ROWS];
            buckets.entry(key).or_default().push(i);
        }
        // Buckets hold members in corpus order; which bucket is visited first does not
        // matter, as joining is by the pair's similarity alone.
        for ids in buckets.values().filter(|ids| ids.len() > 1) {
            // One member per group met so far in this bucket: a newcomer is compared
            // with these, not with every member (a large work fills a bucket).
            let mut leaders: Vec<usize> = Vec::new();
            for &i in ids {
                let mut joined = false;
                for &l in &leaders {
                    if uf.find(l) == uf.find(i) {
                        joined = true;
                        break;
                    }
                }
                if !joined {
                    for &l in &leaders {
                        if members[i].signature.similarity(members[l].signature) >= THRESHOLD {
                            uf.union(i, l);
                            joined = true;
                            break;
                        }
                    }
                }
                if !joined {
                    leaders.push(i);
                }
            }
        }
    }
    // Each group's first edition: published earliest (undated last), then by name.
    let mut first: HashMap<usize, usize> = HashMap::new();
    for i in 0..n {
        let root = uf.find(i);
        let better = |a: usize, b: usize| {
            let k = |x: usize| {
                (
                    members[x].published.is_none(),
                    members[x].published,
                    members[x].doc,
                )
            };
            k(a) < k(b)
        };
        first
            .entry(root)
            .and_modify(|f| {
                if better(i, *f) {
                    *f = i;
                }
            })
            .or_insert(i);
    }
    (0..n)
        .map(|i| {
            let f = first[&uf.find(i)];
            let similarity = if f == i {
                1.0
            } else {
                (members[i].signature.similarity(members[f].signature) * 100.0).round() / 100.0
            };
            DocWork {
                work: stable_id("work", &[members[f].doc]),
                first: members[f].doc.to_string(),
                similarity,
            }
        })
        .collect()
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins two groups; the lower index becomes the root, so roots do not depend on the
    /// order of joins.
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            self.parent[hi] = lo;
        }
    }
}

/// The works of a run's documents (in corpus order), from their signatures.
pub fn of_documents<'a>(
    documents: &[crate::model::DatasetDoc],
    signatures: impl Iterator<Item = &'a Signature>,
) -> Works {
    let members: Vec<Member> = documents
        .iter()
        .zip(signatures)
        .map(|(d, s)| Member {
            doc: d.doc(),
            published: d.record.published.as_deref(),
            signature: s,
        })
        .collect();
    let works = group(&members);
    Works::new(documents.iter().map(|d| d.doc().to_string()).zip(works)).with_dates(
        documents
            .iter()
            .filter_map(|d| Some((d.doc(), d.record.published.as_deref()?))),
    )
}

/// The works of written records (`documents.jsonl`), for readers of a dataset.
pub fn of_records(records: &[crate::model::DocumentRecord]) -> Works {
    Works::new(records.iter().filter_map(|r| {
        let work = r.work.clone()?;
        Some((
            r.doc.clone(),
            DocWork {
                work,
                first: r.copy_of.clone().unwrap_or_else(|| r.doc.clone()),
                similarity: r.work_similarity.unwrap_or(1.0),
            },
        ))
    }))
    .with_dates(
        records
            .iter()
            .filter_map(|r| Some((r.doc.as_str(), r.published.as_deref()?))),
    )
}

/// Documents' works by document name, for the stages after grouping.
#[derive(Clone, Debug, Default)]
pub struct Works {
    by_doc: HashMap<String, DocWork>,
    /// Files per work.
    files: HashMap<String, usize>,
    /// Each document's publication date, to order a work's editions.
    published: HashMap<String, String>,
}

impl Works {
    pub fn new(docs: impl IntoIterator<Item = (String, DocWork)>) -> Works {
        let by_doc: HashMap<String, DocWork> = docs.into_iter().collect();
        let mut files: HashMap<String, usize> = HashMap::new();
        for w in by_doc.values() {
            *files.entry(w.work.clone()).or_default() += 1;
        }
        Works {
            by_doc,
            files,
            published: HashMap::new(),
        }
    }

    /// The same, knowing when each document was published (`(doc, date)`).
    pub fn with_dates<'a>(mut self, dates: impl IntoIterator<Item = (&'a str, &'a str)>) -> Works {
        self.published = dates
            .into_iter()
            .map(|(d, p)| (d.to_string(), p.to_string()))
            .collect();
        self
    }

    /// When `doc` was published, if known.
    pub fn published_of(&self, doc: &str) -> Option<&str> {
        self.published.get(doc).map(String::as_str)
    }

    /// The work of `doc`; a document not grouped (a dataset without works) is its own.
    pub fn work_of<'a>(&'a self, doc: &'a str) -> &'a str {
        self.by_doc.get(doc).map_or(doc, |w| w.work.as_str())
    }

    pub fn get(&self, doc: &str) -> Option<&DocWork> {
        self.by_doc.get(doc)
    }

    /// How many files the work of `doc` has.
    pub fn files_of(&self, doc: &str) -> usize {
        self.by_doc
            .get(doc)
            .and_then(|w| self.files.get(&w.work))
            .copied()
            .unwrap_or(1)
    }

    pub fn count(&self) -> usize {
        self.files.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "The Freedonia AI Safety Institute was set up in the spring under \
        the ministry of science. It will test advanced models before release, publish \
        evaluation methods, and work with partner institutes on shared benchmarks. Its \
        first director said the institute would hire forty researchers in its first year \
        and open a second office by the end of the following year. The budget for the \
        first three years is fifty million, drawn from the national research fund. The \
        institute joins the international network and will take part in its joint \
        testing exercises, starting with language models and agents.";

    fn members<'a>(docs: &'a [(&'a str, Option<&'a str>, Signature)]) -> Vec<Member<'a>> {
        docs.iter()
            .map(|(d, p, s)| Member {
                doc: d,
                published: *p,
                signature: s,
            })
            .collect()
    }

    #[test]
    fn renderings_with_other_boilerplate_score_high_and_other_texts_low() {
        let a = Signature::of(REPORT);
        let page = format!(
            "Home | News | About us\nPress release\nBy the press office\n{}\n\
             Page 1 of 2\u{c}{}\nContact us | Privacy | © 2025",
            &REPORT[..REPORT.len() / 2],
            &REPORT[REPORT.len() / 2..]
        );
        let b = Signature::of(&page);
        assert!(a.similarity(&b) >= 0.7, "{}", a.similarity(&b));
        let other = Signature::of(
            "The Freedonia AI Safety Institute was set up in the spring under the ministry \
             of science, the minister told parliament on Tuesday. Critics asked why the \
             budget is smaller than that of comparable bodies abroad and whether forty \
             researchers can keep pace with the labs. The opposition wants a review after \
             two years and a seat on the advisory board for civil society groups.",
        );
        assert!(a.similarity(&other) < 0.2, "{}", a.similarity(&other));
        assert_eq!(a, Signature::of(REPORT), "deterministic");
        assert!(Signature::of("too short to judge").is_empty());
        // Case and non-ASCII letters: one word however it is written.
        let a: Vec<u64> = words_of("Économie, SÉCURITÉ; 2024 ai-safety").collect();
        let b: Vec<u64> = words_of("économie sécurité 2024 AI SAFETY").collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 5);
    }

    #[test]
    fn copies_form_one_work_known_by_its_first_edition_whatever_the_order() {
        let copy = format!("Menu\n{REPORT}\nFooter text of the other site");
        let docs = vec![
            ("b/copy.html", Some("2025-03-02"), Signature::of(&copy)),
            ("z/original.pdf", Some("2025-03-01"), Signature::of(REPORT)),
            (
                "other.txt",
                None,
                Signature::of(&REPORT.replace(' ', " x ")),
            ),
            ("short.txt", None, Signature::of("a few words")),
        ];
        let w = group(&members(&docs));
        assert_eq!(w[0].work, w[1].work);
        assert_eq!(w[0].first, "z/original.pdf");
        assert_eq!(w[1].similarity, 1.0);
        assert!(w[0].similarity > 0.7 && w[0].similarity < 1.0);
        assert_ne!(w[2].work, w[0].work);
        assert_ne!(w[3].work, w[0].work);
        assert_eq!(w[3].first, "short.txt");
        let mut reversed = docs.clone();
        reversed.reverse();
        let r = group(&members(&reversed));
        for (i, x) in w.iter().enumerate() {
            assert_eq!(&r[docs.len() - 1 - i], x, "independent of order");
        }
    }
}
