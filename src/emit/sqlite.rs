//! `dataset.sqlite`: the records as tables for analysts who query — documents, mentions,
//! entities, facts, fact_sources and works (each document's work), with keys and indexes.
//!
//! The file is copied out of the working database ([`super::workdb`]) into a fresh file
//! whose bytes depend only on the rows: tables without rowids (rows are ordered by their
//! key, not by when they were inserted), a fixed page size, no journal, nothing that
//! records a time. The same dataset gives the same file, however it was reached.

use super::workdb::WorkDb;
use crate::model::Dataset;
use anyhow::{Context, Result};
use std::path::Path;

pub const SCHEMA: &str = "
CREATE TABLE documents (
  doc TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  format TEXT NOT NULL,
  title TEXT,
  published TEXT,
  pages INTEGER NOT NULL,
  chars INTEGER NOT NULL,
  status TEXT NOT NULL,
  error TEXT
) WITHOUT ROWID;
CREATE TABLE mentions (
  id TEXT NOT NULL, -- unique
  doc TEXT NOT NULL REFERENCES documents(doc),
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  start INTEGER NOT NULL,
  \"end\" INTEGER NOT NULL,
  page INTEGER NOT NULL,
  rule TEXT NOT NULL,
  value TEXT NOT NULL, -- JSON
  PRIMARY KEY (doc, start, id)
) WITHOUT ROWID;
CREATE TABLE entities (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  code TEXT,
  aliases TEXT NOT NULL -- JSON list
) WITHOUT ROWID;
CREATE TABLE facts (
  id TEXT PRIMARY KEY,
  subject TEXT NOT NULL REFERENCES entities(id),
  predicate TEXT NOT NULL,
  object TEXT NOT NULL, -- JSON: an entity id as a string, or a value
  object_entity TEXT REFERENCES entities(id), -- the object when it is an entity
  qualifiers TEXT NOT NULL, -- JSON object
  status TEXT NOT NULL,
  conflicts_with TEXT, -- JSON list of fact ids
  revisions TEXT -- JSON list of fact ids, the latest edition's first
) WITHOUT ROWID;
CREATE TABLE fact_sources (
  fact TEXT NOT NULL REFERENCES facts(id),
  seq INTEGER NOT NULL,
  doc TEXT NOT NULL REFERENCES documents(doc),
  page INTEGER NOT NULL,
  start INTEGER NOT NULL,
  \"end\" INTEGER NOT NULL,
  quote TEXT NOT NULL,
  rule TEXT NOT NULL,
  PRIMARY KEY (fact, seq)
) WITHOUT ROWID;
CREATE TABLE works (
  doc TEXT PRIMARY KEY REFERENCES documents(doc),
  work TEXT NOT NULL,
  copy_of TEXT REFERENCES documents(doc), -- the work's first edition, for the others
  similarity REAL NOT NULL -- estimated similarity to the first edition
) WITHOUT ROWID;
";

/// The output tables, in the order they are copied out.
pub const TABLES: [&str; 6] = [
    "documents",
    "mentions",
    "entities",
    "facts",
    "fact_sources",
    "works",
];
/// How many of [`TABLES`] (the first) depend on the documents only.
pub const DOCUMENT_TABLES: usize = 2;

/// Secondary indexes. Mentions have none: stored in document order, by their key
/// (doc, start, id), they answer queries by document and span; an index on `id` or `kind`
/// would add a third to the file and its writing time for lookups that a scan answers in
/// a fraction of a second.
pub const INDEXES: &str = "
CREATE INDEX entities_kind ON entities(kind);
CREATE INDEX facts_subject ON facts(subject, predicate);
CREATE INDEX facts_predicate ON facts(predicate);
CREATE INDEX facts_object_entity ON facts(object_entity);
CREATE INDEX fact_sources_doc ON fact_sources(doc);
CREATE INDEX works_work ON works(work);
";

/// Writes `out/dataset.sqlite` for a dataset held wholly in memory, through a temporary
/// working database: the same bytes as a run's copy out of its cached one.
pub fn write_sqlite(data: &Dataset, out: &Path) -> Result<()> {
    let work_path = out.join(format!(".work-{}.sqlite", std::process::id()));
    let r = (|| -> Result<()> {
        let mut w = WorkDb::create(&work_path)?;
        let lines = vec![(0, 0); data.documents.len()];
        w.update_documents(&data.documents, "", &lines, 0)?;
        w.update_facts(data)?;
        write_from(&w, out)
    })();
    WorkDb::discard(&work_path);
    WorkDb::discard(&work_path.with_extension("sqlite.new"));
    r
}

/// Writes `out/dataset.sqlite` from a working database: into a temporary file, then
/// renamed into place.
pub fn write_from(work: &WorkDb, out: &Path) -> Result<()> {
    let path = out.join("dataset.sqlite");
    let tmp = out.join(format!(".dataset.sqlite.tmp-{}", std::process::id()));
    if let Err(e) = work.copy_out(&tmp) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        DocText, DocumentRecord, Format, Mention, MentionKind, ProcessedDoc, Status,
    };
    use rusqlite::Connection;

    fn doc(name: &str, mentions: usize) -> ProcessedDoc {
        ProcessedDoc {
            record: DocumentRecord {
                doc: name.into(),
                sha256: "00".into(),
                format: Format::Text,
                title: Some("A".into()),
                published: None,
                pages: 1,
                chars: 4,
                status: Status::Ok,
                error: None,
                work: None,
                copy_of: None,
                work_similarity: None,
                warnings: Vec::new(),
            },
            text: DocText::from_text(format!("text of {name}")),
            mentions: (0..mentions)
                .map(|i| Mention {
                    id: crate::model::stable_id("m", &[name, &i.to_string()]),
                    doc: name.into(),
                    kind: MentionKind::Date,
                    text: "2024".into(),
                    start: i,
                    end: i + 4,
                    page: 1,
                    rule: "r".into(),
                    value: serde_json::json!("2024"),
                    extra: Default::default(),
                })
                .collect(),
        }
    }

    fn data(docs: &[(&str, usize)]) -> Dataset {
        Dataset {
            documents: std::sync::Arc::new(docs.iter().map(|(n, k)| doc(n, *k).into()).collect()),
            ..Default::default()
        }
    }

    fn fact(id: &str, sources: &[(&str, usize)]) -> crate::model::Fact {
        crate::model::Fact {
            id: id.into(),
            subject: "institute:GB".into(),
            predicate: "staff".into(),
            object: serde_json::json!(id),
            qualifiers: Default::default(),
            status: crate::model::FactStatus::Single,
            sources: sources
                .iter()
                .map(|(doc, start)| crate::model::Source {
                    doc: doc.to_string(),
                    page: 1,
                    start: *start,
                    end: start + 4,
                    quote: format!("quote in {doc}"),
                    rule: "r".into(),
                })
                .collect(),
            conflicts_with: None,
            revisions: None,
        }
    }

    fn count(p: &Path, table: &str) -> i64 {
        let con = Connection::open(p).unwrap();
        con.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn the_database_is_byte_identical_when_written_twice() {
        let d = tempfile::tempdir().unwrap();
        let data = data(&[("a.txt", 3)]);
        write_sqlite(&data, d.path()).unwrap();
        let first = std::fs::read(d.path().join("dataset.sqlite")).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        write_sqlite(&data, d.path()).unwrap();
        let second = std::fs::read(d.path().join("dataset.sqlite")).unwrap();
        assert!(first == second, "dataset.sqlite differs between runs");
        assert_eq!(count(&d.path().join("dataset.sqlite"), "documents"), 1);
        assert_eq!(count(&d.path().join("dataset.sqlite"), "mentions"), 3);
        let names: Vec<String> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["dataset.sqlite"], "no temporary file is left");
    }

    #[test]
    fn an_updated_working_database_copies_out_the_same_bytes_as_a_new_one() {
        let d = tempfile::tempdir().unwrap();
        let cold = d.path().join("cold");
        let warm = d.path().join("warm");
        std::fs::create_dir_all(&cold).unwrap();
        std::fs::create_dir_all(&warm).unwrap();
        let mut before = data(&[("a.txt", 40), ("b.txt", 5), ("c.txt", 7)]);
        before.facts = vec![
            fact("f-1", &[("a.txt", 1), ("b.txt", 1), ("c.txt", 1)]),
            fact("f-3", &[("c.txt", 2)]),
            fact("f-4", &[("a.txt", 9)]),
        ];
        // b changes, c goes, d comes; f-1 loses c's source and gains d's, f-2 is new,
        // f-3 goes, f-4 stays as it was.
        let mut after = data(&[("a.txt", 40), ("b.txt", 9), ("d.txt", 3)]);
        std::sync::Arc::make_mut(&mut after.documents)[1]
            .key
            .push('2');
        after.facts = vec![
            fact("f-1", &[("a.txt", 1), ("b.txt", 2), ("d.txt", 1)]),
            fact("f-2", &[("d.txt", 5)]),
            fact("f-4", &[("a.txt", 9)]),
        ];
        write_sqlite(&after, &cold).unwrap();

        let work = d.path().join("work.sqlite");
        let mut w = WorkDb::create(&work).unwrap();
        w.update_documents(&before.documents, "1", &[(0, 1), (1, 2), (2, 3)], 3)
            .unwrap();
        w.update_facts(&before).unwrap();
        w.finish().unwrap();
        let mut w = WorkDb::open(&work).expect("reopened");
        assert_eq!(w.set.as_deref(), Some("1"));
        assert_eq!(w.docs.len(), 3);
        w.update_documents(&after.documents, "2", &[(0, 1), (1, 2), (2, 3)], 3)
            .unwrap();
        w.update_facts(&after).unwrap();
        write_from(&w, &warm).unwrap();
        let a = std::fs::read(cold.join("dataset.sqlite")).unwrap();
        let b = std::fs::read(warm.join("dataset.sqlite")).unwrap();
        assert!(a == b, "incremental and cold databases differ");
        assert_eq!(count(&warm.join("dataset.sqlite"), "mentions"), 52);
        assert_eq!(count(&warm.join("dataset.sqlite"), "fact_sources"), 5);
    }

    #[test]
    fn facts_left_behind_by_a_stopped_run_are_brought_up_to_date() {
        let d = tempfile::tempdir().unwrap();
        let (cold, warm) = (d.path().join("cold"), d.path().join("warm"));
        std::fs::create_dir_all(&cold).unwrap();
        std::fs::create_dir_all(&warm).unwrap();
        let mut before = data(&[("a.txt", 4), ("b.txt", 5)]);
        before.facts = vec![fact("f-1", &[("a.txt", 1), ("b.txt", 1)])];
        let mut after = data(&[("a.txt", 4), ("b.txt", 6)]);
        std::sync::Arc::make_mut(&mut after.documents)[1]
            .key
            .push('2');
        after.facts = vec![fact("f-1", &[("a.txt", 1), ("b.txt", 3)])];
        write_sqlite(&after, &cold).unwrap();

        let work = d.path().join("work.sqlite");
        let mut w = WorkDb::create(&work).unwrap();
        w.update_documents(&before.documents, "1", &[(0, 1), (1, 2)], 2)
            .unwrap();
        w.update_facts(&before).unwrap();
        w.finish().unwrap();
        // The next run updates the documents, then stops before the facts.
        let mut w = WorkDb::open(&work).unwrap();
        w.update_documents(&after.documents, "2", &[(0, 1), (1, 2)], 2)
            .unwrap();
        drop(w);
        // The one after finds the documents as they are, and the facts behind them.
        let mut w = WorkDb::open(&work).unwrap();
        w.update_documents(&after.documents, "3", &[(0, 1), (1, 2)], 2)
            .unwrap();
        w.update_facts(&after).unwrap();
        write_from(&w, &warm).unwrap();
        let a = std::fs::read(cold.join("dataset.sqlite")).unwrap();
        let b = std::fs::read(warm.join("dataset.sqlite")).unwrap();
        assert!(a == b, "the facts' rows were left behind");
    }
}
