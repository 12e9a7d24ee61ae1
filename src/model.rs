//! The data that flows between stages, in the order it flows:
//! input file → [`Extraction`] (pages) → [`DocText`] → [`Mention`]s → [`Claim`]s → [`Fact`]s
//! and [`Entity`]s → the [`Dataset`] that the emit stage writes.
//!
//! Types here carry data only; each stage module owns the behaviour that produces them.
//! Field names and serialisations of the records are fixed by the dataset contract
//! (`docs/dataset.md`): change them only compatibly.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The input format of a document, as written to `documents.jsonl`.
#[derive(
    Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Html,
    #[default]
    Text,
}

/// Whether a document yielded text.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Text was extracted.
    Ok,
    /// The file was read but holds no text (an image-only PDF, an empty file).
    Empty,
    /// The file could not be read; `error` says why.
    Error,
}

/// One line of `documents.jsonl`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DocumentRecord {
    /// Path relative to the corpus root, `/`-separated.
    pub doc: String,
    pub sha256: String,
    pub format: Format,
    pub title: Option<String>,
    /// ISO date (`2024`, `2024-11`, `2024-11-20`) or null.
    pub published: Option<String>,
    pub pages: usize,
    pub chars: usize,
    pub status: Status,
    pub error: Option<String>,
    /// The work the document is an edition of (see `works`): set when the dataset is
    /// written, never stored with the document's cached record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work: Option<String>,
    /// The work's first edition, when this document is another edition or copy of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<String>,
    /// Estimated similarity of the text to the first edition's (1 for the first itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_similarity: Option<f64>,
    /// What a reviewer should know about a document that was read (a recovered
    /// cross-reference table, text cut at a size cap, a guessed encoding). Not in the
    /// contract's list; omitted when there is none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// What an extractor returns for one file: the text of each page and what the file says
/// about itself. Pages are in reading order; page text never contains `\f`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extraction {
    pub pages: Vec<String>,
    /// Title from the file's own metadata (PDF Info/XMP, HTML `<title>`/`<meta>`).
    pub title: Option<String>,
    /// Publication date the file's metadata states as such (HTML `article:published_time`,
    /// `DC.date`, XMP `prism:publicationDate`...), already ISO (`YYYY[-MM[-DD]]`).
    pub published: Option<String>,
    /// When the file was made (PDF `/CreationDate`, XMP `xmp:CreateDate`), ISO. Only a last
    /// resort for the publication date: printing a web page to PDF stamps the print time.
    pub created: Option<String>,
    /// Things a reviewer may want to know (a recovered xref, a capped stream); not errors.
    pub warnings: Vec<String>,
}

/// The text of a document as written to `text/<doc>.txt`, with page boundaries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocText {
    pub text: String,
    /// Byte offset at which each page starts; `page_starts[0] == 0`, one per page.
    pub page_starts: Vec<usize>,
}

impl DocText {
    /// Joins pages with a form feed, as the contract fixes for paged input.
    pub fn from_pages<S: AsRef<str>>(pages: &[S]) -> DocText {
        let mut text = String::new();
        let mut page_starts = Vec::with_capacity(pages.len().max(1));
        for (i, p) in pages.iter().enumerate() {
            if i > 0 {
                text.push('\u{c}');
            }
            page_starts.push(text.len());
            text.push_str(p.as_ref());
        }
        if page_starts.is_empty() {
            page_starts.push(0);
        }
        DocText { text, page_starts }
    }

    /// Rebuilds page boundaries from a text whose pages are separated by `\f`.
    pub fn from_text(text: String) -> DocText {
        let mut page_starts = vec![0];
        page_starts.extend(text.match_indices('\u{c}').map(|(i, _)| i + 1));
        DocText { text, page_starts }
    }

    /// The 1-based page that holds byte offset `at`.
    pub fn page_of(&self, at: usize) -> usize {
        self.page_starts.partition_point(|&s| s <= at).max(1)
    }

    pub fn page_count(&self) -> usize {
        self.page_starts.len().max(1)
    }
}

/// The kinds of mention the find stage produces.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum MentionKind {
    Date,
    Money,
    Quantity,
    Institute,
    Organization,
    Country,
    Person,
    Event,
    Location,
}

impl MentionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Date => "date",
            MentionKind::Money => "money",
            MentionKind::Quantity => "quantity",
            MentionKind::Institute => "institute",
            MentionKind::Organization => "organization",
            MentionKind::Country => "country",
            MentionKind::Person => "person",
            MentionKind::Event => "event",
            MentionKind::Location => "location",
        }
    }
}

/// One line of `mentions.jsonl`: a span of `text/<doc>.txt` and its normalised value.
///
/// `value` follows the contract per kind (date: ISO string or interval; money: object with
/// `amount` or `min`/`max`, `currency`, `per`; institute: code; organization: canonical name;
/// country: ISO 3166-1 alpha-2; quantity: `{value|min,max, unit, approx}`).
/// `extra` holds optional fields a kind adds (`anchor` for resolved year-less dates,
/// `qualifier` for "early", ">" ...); it is flattened into the JSON object.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Mention {
    pub id: String,
    pub doc: String,
    pub kind: MentionKind,
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub page: usize,
    pub rule: String,
    pub value: Value,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// Where a claim was read: the contract's source object.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    pub doc: String,
    pub page: usize,
    pub start: usize,
    pub end: usize,
    pub quote: String,
    pub rule: String,
}

/// One claim read from one place of one document, before reconciliation.
/// Serialisable so the incremental cache can keep a document's claims.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Claim {
    /// Entity id of the subject.
    pub subject: String,
    pub predicate: String,
    /// An entity id (as a JSON string) or a normalised value as in mentions.
    pub object: Value,
    pub qualifiers: BTreeMap<String, Value>,
    pub source: Source,
    /// Display names of the entities this claim names (subject, entity objects), by id, as
    /// the text stated them: reconciliation turns them into entities and aliases.
    pub names: BTreeMap<String, String>,
}

/// How reconciliation judged a fact.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[serde(rename_all = "lowercase")]
pub enum FactStatus {
    /// One source.
    Single,
    /// Several sources with compatible values.
    Agreed,
    /// Incompatible with another fact on the same subject and predicate.
    Conflict,
}

/// One line of `facts.jsonl`: a reconciled claim with all its sources.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Fact {
    pub id: String,
    pub subject: String,
    pub predicate: String,
    pub object: Value,
    pub qualifiers: BTreeMap<String, Value>,
    pub status: FactStatus,
    pub sources: Vec<Source>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub conflicts_with: Option<Vec<String>>,
    /// When editions of one work state different values (a corrected version): the facts
    /// of those values, the one of the latest edition first; this fact is among them.
    /// A revision is not a conflict.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub revisions: Option<Vec<String>>,
}

/// One line of `entities.jsonl`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Entity {
    /// Stable id derived from the canonical name or code, e.g. `institute:US`,
    /// `organization:national-institute-of-standards-and-technology`.
    pub id: String,
    pub kind: String,
    pub name: String,
    pub aliases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code: Option<String>,
}

/// A processed document: its record, its text and its mentions.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessedDoc {
    pub record: DocumentRecord,
    pub text: DocText,
    pub mentions: Vec<Mention>,
}

/// What decides a document's mentions besides its text: the key of the find and build
/// caches.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct FindKey {
    pub doc: String,
    pub sha256: String,
    pub format: Format,
    pub rules: String,
    /// The publication date known before the find stage (sidecar or file metadata).
    pub known_published: Option<String>,
}

/// The names one document gives an entity, gathered from its mentions: all that
/// reconciliation needs of the mentions, so that it can run without reading them again.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct NamesOf {
    /// The canonical name the last mention's value states (not for institutes, whose
    /// value is a code).
    pub canonical: Option<String>,
    /// Each spelling (whitespace folded) and how often it occurs.
    pub texts: BTreeMap<String, usize>,
    /// How often the document's claims name it each way (moved here from the claims,
    /// which then need not carry them: see `reconcile::take_claim_names`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub named: BTreeMap<String, usize>,
}

/// [`NamesOf`] for every entity a document mentions, by entity id.
pub type EntityNames = BTreeMap<String, NamesOf>;

/// The build stage's output for one document, as the cache keeps it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct DocBuild {
    pub claims: Vec<Claim>,
    pub names: EntityNames,
    /// The MinHash signature of the text, for grouping documents into works.
    #[serde(default, skip_serializing_if = "crate::works::Signature::is_empty")]
    pub signature: crate::works::Signature,
}

/// Where a document's text and mentions are, for the emit stage.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// In memory: extracted and matched this run, or read back from the cache.
    Loaded {
        text: DocText,
        mentions: Vec<Mention>,
    },
    /// Unchanged since the published set, which holds its text file, its lines of
    /// `mentions.jsonl` (this byte range) and its database rows: they are taken from there.
    Kept { lines: (u64, u64) },
}

/// A document of the dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct DatasetDoc {
    pub record: DocumentRecord,
    /// Hash of everything the document's outputs derive from (name, bytes, format,
    /// sidecar, rules): equal keys, equal outputs.
    pub key: String,
    pub find_key: FindKey,
    pub mention_count: usize,
    /// False when the outcome depended on the moment (a time-out, a read error): such a
    /// document is processed again by the next run.
    pub settled: bool,
    pub content: Content,
}

impl DatasetDoc {
    /// A document held in memory (tests, and documents processed this run).
    pub fn loaded(d: ProcessedDoc, key: String, find_key: FindKey, settled: bool) -> DatasetDoc {
        DatasetDoc {
            record: d.record,
            key,
            find_key,
            mention_count: d.mentions.len(),
            settled,
            content: Content::Loaded {
                text: d.text,
                mentions: d.mentions,
            },
        }
    }

    pub fn doc(&self) -> &str {
        &self.record.doc
    }

    /// The mentions, when they are in memory.
    pub fn mentions(&self) -> Option<&[Mention]> {
        match &self.content {
            Content::Loaded { mentions, .. } => Some(mentions),
            Content::Kept { .. } => None,
        }
    }

    /// The text, when it is in memory.
    pub fn text(&self) -> Option<&DocText> {
        match &self.content {
            Content::Loaded { text, .. } => Some(text),
            Content::Kept { .. } => None,
        }
    }
}

impl From<ProcessedDoc> for DatasetDoc {
    fn from(d: ProcessedDoc) -> DatasetDoc {
        let key = stable_id("doc", &[&d.record.doc, &d.record.sha256, &d.text.text]);
        DatasetDoc::loaded(d, key, FindKey::default(), true)
    }
}

/// Everything the emit stage writes.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// Shared: the database writer starts on the documents before the facts are known.
    pub documents: std::sync::Arc<Vec<DatasetDoc>>,
    pub entities: Vec<Entity>,
    pub facts: Vec<Fact>,
    /// The work of each document.
    pub works: crate::works::Works,
}

/// A stable short id: a prefix and the first 12 hex digits of the SHA-256 of `parts`
/// joined by NUL. Ids derive from content, never from processing order.
pub fn stable_id(prefix: &str, parts: &[&str]) -> String {
    let (first, rest) = parts.split_first().map_or(("", &[][..]), |(f, r)| (*f, r));
    IdStem::new(first).id(prefix, rest)
}

/// The hash of an id's first part, for many ids that share it (one document's
/// mentions): [`IdStem::id`] equals [`stable_id`] of the first part and the rest.
pub struct IdStem(sha2::Sha256);

impl IdStem {
    pub fn new(first: &str) -> IdStem {
        use sha2::Digest;
        IdStem(sha2::Sha256::new_with_prefix(first.as_bytes()))
    }

    pub fn id(&self, prefix: &str, rest: &[&str]) -> String {
        use sha2::Digest;
        let mut h = self.0.clone();
        for p in rest {
            h.update([0u8]);
            h.update(p.as_bytes());
        }
        // Six bytes are twelve hex digits: only those are encoded.
        let digest = h.finalize();
        let mut out = String::with_capacity(prefix.len() + 13);
        out.push_str(prefix);
        out.push('-');
        for b in &digest[..6] {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
        out
    }
}

/// A slug for ids derived from names: lowercase ASCII letters and digits joined by `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_joined_by_form_feed_and_found_again() {
        let t = DocText::from_pages(&["one", "two", "three"]);
        assert_eq!(t.text, "one\u{c}two\u{c}three");
        assert_eq!(t.page_of(0), 1);
        assert_eq!(t.page_of(3), 1);
        assert_eq!(t.page_of(4), 2);
        assert_eq!(t.page_of(9), 3);
        assert_eq!(DocText::from_text(t.text.clone()), t);
    }

    #[test]
    fn stable_ids_depend_on_content_only() {
        assert_eq!(stable_id("m", &["a", "b"]), stable_id("m", &["a", "b"]));
        assert_ne!(stable_id("m", &["a", "b"]), stable_id("m", &["ab"]));
        // The first 12 hex digits of SHA-256("a\0b"), whichever way it is computed.
        assert_eq!(stable_id("m", &["a", "b"]), "m-59b271ae1bbc");
        assert_eq!(
            IdStem::new("a").id("m", &["b"]),
            stable_id("m", &["a", "b"])
        );
    }

    #[test]
    fn slugs_are_lowercase_and_dashed() {
        assert_eq!(
            slug("National Institute of Standards & Technology"),
            "national-institute-of-standards-technology"
        );
    }
}
