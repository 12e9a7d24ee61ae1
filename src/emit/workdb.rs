//! The working database: the tables of `dataset.sqlite`, kept in the cache and brought up
//! to date row by row, so that a run that changed a few documents rewrites a few rows
//! instead of building every table again.
//!
//! `dataset.sqlite` is then copied out of it, table by table, into a fresh file. The copy
//! moves records in key order without decoding them (SQLite's transfer optimisation), so
//! the file it makes depends only on the rows, never on the working database's history:
//! an incremental run writes the same bytes as a cold one. A cold run fills a new working
//! database first, then copies it the same way.
//!
//! Besides the output tables it holds bookkeeping tables (`_docs`, `_meta`),
//! never copied out, updated in the same transactions as the rows they describe:
//! - `_docs`: for each document, the key of what its rows were made from, its record, its
//!   mention count and the byte range of its lines in the set's `mentions.jsonl`;
//! - `_meta`: the layout version, the set the ranges belong to and that file's length,
//!   and whether the facts' rows lag behind the documents' (between the two updates).
//!
//! A document whose key matches `_docs` and whose set is the current one can be kept as it
//! is without reading it (see `pipeline::compute`).

use super::sqlite::{DOCUMENT_TABLES, INDEXES, SCHEMA, TABLES};
use crate::model::{Dataset, DatasetDoc, DocumentRecord, Fact, FindKey, Mention};
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Bumped when the working database's layout changes: an older one is rebuilt.
const LAYOUT: &str = "3";

const BOOKKEEPING: &str = "
CREATE TABLE _docs (
  doc TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  settled INTEGER NOT NULL,
  find_key TEXT NOT NULL,
  record TEXT NOT NULL,
  mentions INTEGER NOT NULL,
  lines_start INTEGER NOT NULL,
  lines_end INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE _meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
";

/// Rows are replaced document by document, and the copy out moves records without
/// looking at them (which SQLite does only when foreign keys are not enforced): the
/// references are declared for analysts, and hold by construction.
const NO_FK: &str = "PRAGMA foreign_keys = OFF;";

/// The page size of the working database and of `dataset.sqlite` (measured: larger pages
/// copy faster; 16 KiB keeps point queries cheap).
pub const PAGE_SIZE: u32 = 16384;

/// What the working database holds of one document.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkDoc {
    pub key: String,
    pub settled: bool,
    pub find_key: FindKey,
    pub record: DocumentRecord,
    pub mentions: usize,
    /// Byte range of the document's lines in `mentions.jsonl` of set `WorkDb::set`.
    pub lines: (u64, u64),
}

/// An open working database.
pub struct WorkDb {
    con: Connection,
    path: PathBuf,
    /// Being filled for the first time, under a temporary name (no journal): renamed to
    /// `path` by [`WorkDb::finish`] once complete.
    fresh: Option<PathBuf>,
    /// Its secondary indexes exist (a fresh one gets them after its first rows).
    indexed: bool,
    /// The set whose `mentions.jsonl` the line ranges point into.
    pub set: Option<String>,
    /// That file's length, to tell it was not replaced behind our back.
    pub mentions_len: Option<u64>,
    pub docs: HashMap<String, WorkDoc>,
    /// The facts whose rows the database holds.
    facts: HashSet<String>,
    /// Documents whose rows the last [`WorkDb::update_documents`] replaced or removed:
    /// only facts they contributed to, before or now, can have other source rows.
    touched: HashSet<String>,
    /// The facts' rows may lag behind the documents' (a run stopped between the two
    /// updates): every fact's source rows are compared.
    facts_stale: bool,
}

impl WorkDb {
    /// Opens the working database at `path`. None when there is none, or when it cannot
    /// be read or has another layout: it is removed then, and the next publish builds a
    /// new one.
    pub fn open(path: &Path) -> Option<WorkDb> {
        if !path.is_file() {
            return None;
        }
        match Self::open_existing(path) {
            Ok(w) => Some(w),
            Err(_) => {
                let _ = std::fs::remove_file(path);
                let _ = std::fs::remove_file(journal_of(path));
                None
            }
        }
    }

    fn open_existing(path: &Path) -> Result<WorkDb> {
        let con = Connection::open(path)?;
        // A rollback journal keeps every update atomic; syncing it makes a power cut
        // leave either the old rows or the new ones. Updates touch few pages and the copy
        // reads each page once: a small page cache (a large one only costs memory).
        con.execute_batch(&format!(
            "PRAGMA journal_mode = DELETE; PRAGMA synchronous = NORMAL; \
             PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY; {NO_FK}"
        ))?;
        let meta = |name: &str| -> Result<Option<String>> {
            Ok(con
                .query_row("SELECT value FROM _meta WHERE name = ?1", [name], |r| {
                    r.get(0)
                })
                .optional()?)
        };
        if meta("layout")?.as_deref() != Some(LAYOUT) {
            bail!("another layout");
        }
        let set = meta("set")?;
        let mentions_len = meta("mentions_len")?.and_then(|v| v.parse().ok());
        let mut docs = HashMap::new();
        {
            let mut st = con.prepare(
                "SELECT doc, key, settled, find_key, record, mentions, lines_start, lines_end \
                 FROM _docs",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let doc: String = r.get(0)?;
                let find_key: String = r.get(3)?;
                let record: String = r.get(4)?;
                docs.insert(
                    doc,
                    WorkDoc {
                        key: r.get(1)?,
                        settled: r.get::<_, i64>(2)? != 0,
                        find_key: serde_json::from_str(&find_key)?,
                        record: serde_json::from_str(&record)?,
                        mentions: r.get::<_, i64>(5)? as usize,
                        lines: (r.get::<_, i64>(6)? as u64, r.get::<_, i64>(7)? as u64),
                    },
                );
            }
        }
        let mut facts = HashSet::new();
        {
            let mut st = con.prepare("SELECT id FROM facts")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                facts.insert(r.get(0)?);
            }
        }
        let facts_stale = meta("facts")?.as_deref() == Some("stale");
        Ok(WorkDb {
            con,
            path: path.to_path_buf(),
            fresh: None,
            indexed: true,
            set,
            mentions_len,
            docs,
            facts,
            touched: HashSet::new(),
            facts_stale,
        })
    }

    /// A new, empty working database that becomes `path` when [`WorkDb::finish`]ed.
    pub fn create(path: &Path) -> Result<WorkDb> {
        let tmp = path.with_extension("sqlite.new");
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(journal_of(&tmp));
        if let Some(dir) = tmp.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let con =
            Connection::open(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        // Filled once under a name nobody reads: no journal, no syncs.
        con.execute_batch(&format!(
            "PRAGMA page_size = {PAGE_SIZE}; PRAGMA journal_mode = OFF; \
             PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; \
             {NO_FK}"
        ))?;
        con.execute_batch(SCHEMA)?;
        con.execute_batch(BOOKKEEPING)?;
        con.execute("INSERT INTO _meta VALUES ('layout', ?1)", params![LAYOUT])?;
        Ok(WorkDb {
            con,
            path: path.to_path_buf(),
            fresh: Some(tmp),
            indexed: false,
            set: None,
            mentions_len: None,
            docs: HashMap::new(),
            facts: HashSet::new(),
            touched: HashSet::new(),
            facts_stale: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the rows of `d` are those the working database holds.
    pub fn holds(&self, d: &DatasetDoc) -> bool {
        self.docs
            .get(d.doc())
            .is_some_and(|w| w.key == d.key && w.settled && d.settled)
    }

    /// Brings the `documents` and `mentions` tables to `documents`, and records
    /// that their lines are at `lines` in set `set`'s `mentions.jsonl` of `mentions_len`
    /// bytes. One transaction.
    pub fn update_documents(
        &mut self,
        documents: &[DatasetDoc],
        set: &str,
        lines: &[(u64, u64)],
        mentions_len: u64,
    ) -> Result<()> {
        let wanted: HashSet<&str> = documents.iter().map(DatasetDoc::doc).collect();
        let removed: Vec<String> = self
            .docs
            .keys()
            .filter(|d| !wanted.contains(d.as_str()))
            .cloned()
            .collect();
        let held: Vec<bool> = documents.iter().map(|d| self.holds(d)).collect();
        let changed: Vec<&DatasetDoc> = documents
            .iter()
            .zip(&held)
            .filter(|(_, h)| !**h)
            .map(|(d, _)| d)
            .collect();
        let known: Vec<Option<(u64, u64)>> = documents
            .iter()
            .zip(&held)
            .map(|(d, h)| {
                if *h {
                    self.docs.get(d.doc()).map(|w| w.lines)
                } else {
                    None
                }
            })
            .collect();
        let was_there: Vec<bool> = changed
            .iter()
            .map(|d| self.docs.contains_key(d.doc()))
            .collect();
        for d in &changed {
            if d.mentions().is_none() {
                bail!(
                    "internal error: {} is kept from the last run but the working database \
                     does not hold it",
                    d.doc()
                );
            }
        }
        let bulk = !self.indexed;
        let tx = self.con.transaction()?;
        {
            let mut del_m = tx.prepare("DELETE FROM mentions WHERE doc = ?1")?;
            let mut del_d = tx.prepare("DELETE FROM documents WHERE doc = ?1")?;
            let mut del_k = tx.prepare("DELETE FROM _docs WHERE doc = ?1")?;
            for doc in removed.iter().map(String::as_str).chain(
                changed
                    .iter()
                    .zip(&was_there)
                    .filter(|(_, w)| **w)
                    .map(|(d, _)| d.doc()),
            ) {
                del_m.execute([doc])?;
                del_d.execute([doc])?;
                del_k.execute([doc])?;
            }
            let mut ins_d =
                tx.prepare("INSERT INTO documents VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?;
            for d in &changed {
                insert_document(&mut ins_d, &d.record)?;
            }
            // In key order, so that the primary-key B-tree is appended to, not searched.
            let mut mentions: Vec<&Mention> = changed
                .iter()
                .flat_map(|d| d.mentions().unwrap_or(&[]))
                .collect();
            mentions.sort_by(|a, b| (&a.doc, a.start, &a.id).cmp(&(&b.doc, b.start, &b.id)));
            let mut ins_m = tx.prepare(
                "INSERT OR IGNORE INTO mentions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for m in mentions {
                ins_m.execute(params![
                    m.id,
                    m.doc,
                    m.kind.as_str(),
                    m.text,
                    m.start as i64,
                    m.end as i64,
                    m.page as i64,
                    m.rule,
                    m.value.to_string()
                ])?;
            }
            let mut put_k =
                tx.prepare("INSERT OR REPLACE INTO _docs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
            let mut set_lines =
                tx.prepare("UPDATE _docs SET lines_start = ?2, lines_end = ?3 WHERE doc = ?1")?;
            for ((d, l), known) in documents.iter().zip(lines).zip(&known) {
                match known {
                    Some(old) if old == l => {}
                    Some(_) => {
                        set_lines.execute(params![d.doc(), l.0 as i64, l.1 as i64])?;
                    }
                    None => {
                        put_k.execute(params![
                            d.doc(),
                            d.key,
                            d.settled as i64,
                            serde_json::to_string(&d.find_key)?,
                            serde_json::to_string(&d.record)?,
                            d.mention_count as i64,
                            l.0 as i64,
                            l.1 as i64
                        ])?;
                    }
                }
            }
            let mut meta = tx.prepare("INSERT OR REPLACE INTO _meta VALUES (?1, ?2)")?;
            meta.execute(params!["set", set])?;
            meta.execute(params!["mentions_len", mentions_len.to_string()])?;
            meta.execute(params!["facts", "stale"])?;
            if bulk {
                // Secondary indexes after the rows: one sort each instead of a B-tree
                // update per row.
                tx.execute_batch(INDEXES)?;
            }
        }
        tx.commit()?;
        self.indexed = true;
        self.touched = removed
            .iter()
            .cloned()
            .chain(changed.iter().map(|d| d.doc().to_string()))
            .collect();
        for doc in &removed {
            self.docs.remove(doc);
        }
        for (d, l) in documents.iter().zip(lines) {
            let w = self
                .docs
                .entry(d.doc().to_string())
                .or_insert_with(|| WorkDoc {
                    key: String::new(),
                    settled: false,
                    find_key: FindKey::default(),
                    record: d.record.clone(),
                    mentions: 0,
                    lines: *l,
                });
            if !(w.key == d.key && w.settled && d.settled) {
                *w = WorkDoc {
                    key: d.key.clone(),
                    settled: d.settled,
                    find_key: d.find_key.clone(),
                    record: d.record.clone(),
                    mentions: d.mention_count,
                    lines: *l,
                };
            }
            w.lines = *l;
        }
        self.set = Some(set.to_string());
        self.mentions_len = Some(mentions_len);
        Ok(())
    }

    /// Brings `entities`, `facts` and `fact_sources` to `data`. One transaction; source
    /// rows are compared (and rewritten where they differ) only for facts the documents
    /// that changed contributed to, before or now, and for new facts.
    pub fn update_facts(&mut self, data: &Dataset) -> Result<()> {
        let live: HashSet<&str> = data.facts.iter().map(|f| f.id.as_str()).collect();
        let tx = self.con.transaction()?;
        {
            // Facts the touched documents contributed to before.
            let mut dirty: HashSet<String> = HashSet::new();
            {
                let mut st = tx.prepare("SELECT DISTINCT fact FROM fact_sources WHERE doc = ?1")?;
                for doc in &self.touched {
                    let mut rows = st.query([doc])?;
                    while let Some(r) = rows.next()? {
                        dirty.insert(r.get(0)?);
                    }
                }
            }
            tx.execute_batch("DELETE FROM entities; DELETE FROM facts; DELETE FROM works;")?;
            let mut ins = tx.prepare("INSERT INTO works VALUES (?1, ?2, ?3, ?4)")?;
            for d in data.documents.iter() {
                if let Some(w) = data.works.get(d.doc()) {
                    let copy_of = (w.first != d.doc()).then_some(w.first.as_str());
                    ins.execute(params![d.doc(), w.work, copy_of, w.similarity])?;
                }
            }
            let mut ins = tx.prepare("INSERT INTO entities VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for e in &data.entities {
                ins.execute(params![
                    e.id,
                    e.kind,
                    e.name,
                    e.code,
                    serde_json::to_string(&e.aliases)?
                ])?;
            }
            let entity_ids: HashSet<&str> = data.entities.iter().map(|e| e.id.as_str()).collect();
            let mut ins =
                tx.prepare("INSERT INTO facts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?;
            for f in &data.facts {
                let object_entity = f.object.as_str().filter(|s| entity_ids.contains(s));
                ins.execute(params![
                    f.id,
                    f.subject,
                    f.predicate,
                    f.object.to_string(),
                    object_entity,
                    serde_json::to_string(&f.qualifiers)?,
                    fact_status(f),
                    f.conflicts_with
                        .as_ref()
                        .map(serde_json::to_string)
                        .transpose()?,
                    f.revisions
                        .as_ref()
                        .map(serde_json::to_string)
                        .transpose()?
                ])?;
            }
            let mut del = tx.prepare("DELETE FROM fact_sources WHERE fact = ?1")?;
            for gone in self.facts.iter().filter(|id| !live.contains(id.as_str())) {
                del.execute([gone])?;
            }
            for f in &data.facts {
                let compare = self.facts_stale
                    || !self.facts.contains(&f.id)
                    || dirty.contains(&f.id)
                    || (!self.touched.is_empty()
                        && f.sources.iter().any(|s| self.touched.contains(&s.doc)));
                if compare {
                    sync_sources(&tx, f)?;
                }
            }
            tx.execute(
                "INSERT OR REPLACE INTO _meta VALUES ('facts', 'current')",
                [],
            )?;
        }
        tx.commit()?;
        crate::timing::mark("database: facts updated");
        self.facts = live.into_iter().map(str::to_string).collect();
        self.touched.clear();
        self.facts_stale = false;
        Ok(())
    }

    /// Starts writing the output tables into a new database file at `dest`: creates its
    /// schema and copies the tables that depend on the documents only. [`WorkDb::copy_rest`]
    /// copies the others once the facts are known; the two make the same file as one copy.
    pub fn copy_documents(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            std::fs::remove_file(dest)
                .with_context(|| format!("cannot remove {}", dest.display()))?;
        }
        let name = dest.to_string_lossy().into_owned();
        self.con.execute("ATTACH DATABASE ?1 AS out", [&name])?;
        let r = (|| -> rusqlite::Result<()> {
            self.con.execute_batch(&format!(
                "PRAGMA out.page_size = {PAGE_SIZE}; PRAGMA out.journal_mode = OFF; \
                 PRAGMA out.synchronous = OFF;"
            ))?;
            self.con.execute_batch("BEGIN")?;
            self.con.execute_batch(&in_schema(SCHEMA, "out"))?;
            self.con.execute_batch(&in_schema(INDEXES, "out"))?;
            self.copy_tables(&TABLES[..DOCUMENT_TABLES])?;
            self.con.execute_batch("COMMIT")
        })();
        self.copy_ended(r, dest, false)
    }

    /// Copies the remaining tables into the file [`WorkDb::copy_documents`] started, and
    /// closes it.
    pub fn copy_rest(&self, dest: &Path) -> Result<()> {
        let r = (|| -> rusqlite::Result<()> {
            self.con.execute_batch("BEGIN")?;
            self.copy_tables(&TABLES[DOCUMENT_TABLES..])?;
            self.con.execute_batch("COMMIT")
        })();
        self.copy_ended(r, dest, true)
    }

    /// Same schema, empty destination: SQLite copies the records and index entries as
    /// they are, in key order.
    fn copy_tables(&self, tables: &[&str]) -> rusqlite::Result<()> {
        for t in tables {
            self.con
                .execute_batch(&format!("INSERT INTO out.{t} SELECT * FROM main.{t}"))?;
        }
        Ok(())
    }

    fn copy_ended(&self, r: rusqlite::Result<()>, dest: &Path, done: bool) -> Result<()> {
        if r.is_err() {
            let _ = self.con.execute_batch("ROLLBACK");
        }
        if r.is_err() || done {
            let detached = self.con.execute_batch("DETACH DATABASE out");
            r.and(detached)
                .with_context(|| format!("cannot write {}", dest.display()))?;
        }
        Ok(())
    }

    /// Writes the output tables into a new database file at `dest`.
    pub fn copy_out(&self, dest: &Path) -> Result<()> {
        self.copy_documents(dest)?;
        self.copy_rest(dest)
    }

    /// Makes a newly filled working database the one of `path`. Until then a run killed
    /// mid-way leaves no working database, and the next run fills one again.
    pub fn finish(self) -> Result<()> {
        let Some(tmp) = self.fresh else {
            return Ok(());
        };
        self.con
            .execute_batch("PRAGMA journal_mode = DELETE;")
            .context("cannot finish the working database")?;
        self.con
            .close()
            .map_err(|(_, e)| e)
            .context("cannot finish the working database")?;
        std::fs::rename(&tmp, &self.path)
            .with_context(|| format!("cannot rename {}", tmp.display()))?;
        Ok(())
    }

    /// Removes the working database at `path` (after a failed update: the next run
    /// builds it again rather than trust it).
    pub fn discard(path: &Path) {
        let _ = std::fs::remove_file(path);
        let _ = std::fs::remove_file(journal_of(path));
    }
}

fn journal_of(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push("-journal");
    PathBuf::from(s)
}

/// `sql` with every `CREATE TABLE x` / `CREATE INDEX x ON y` put into schema `schema`.
fn in_schema(sql: &str, schema: &str) -> String {
    sql.replace("CREATE TABLE ", &format!("CREATE TABLE {schema}."))
        .replace("CREATE INDEX ", &format!("CREATE INDEX {schema}."))
}

pub fn insert_document(st: &mut rusqlite::Statement, r: &DocumentRecord) -> rusqlite::Result<()> {
    let format = serde_json::to_value(r.format)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    st.execute(params![
        r.doc,
        r.sha256,
        format,
        r.title,
        r.published,
        r.pages as i64,
        r.chars as i64,
        status(r.status),
        r.error
    ])?;
    Ok(())
}

fn status(s: crate::model::Status) -> &'static str {
    use crate::model::Status;
    match s {
        Status::Ok => "ok",
        Status::Empty => "empty",
        Status::Error => "error",
    }
}

fn fact_status(f: &Fact) -> &'static str {
    use crate::model::FactStatus;
    match f.status {
        FactStatus::Single => "single",
        FactStatus::Agreed => "agreed",
        FactStatus::Conflict => "conflict",
    }
}

/// Makes the `fact_sources` rows of `f` equal to its sources, touching only rows that
/// differ (a new report mostly appends sources to facts that have many).
fn sync_sources(tx: &rusqlite::Transaction, f: &Fact) -> Result<()> {
    type Row = (String, i64, i64, i64, String, String);
    let mut old: Vec<Row> = Vec::new();
    {
        let mut st = tx.prepare_cached(
            "SELECT doc, page, start, \"end\", quote, rule FROM fact_sources \
             WHERE fact = ?1 ORDER BY seq",
        )?;
        let mut rows = st.query([&f.id])?;
        while let Some(r) = rows.next()? {
            old.push((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ));
        }
    }
    let mut put = tx.prepare_cached(
        "INSERT OR REPLACE INTO fact_sources VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, s) in f.sources.iter().enumerate() {
        let same = old.get(i).is_some_and(|o| {
            o.0 == s.doc
                && o.1 == s.page as i64
                && o.2 == s.start as i64
                && o.3 == s.end as i64
                && o.4 == s.quote
                && o.5 == s.rule
        });
        if !same {
            put.execute(params![
                f.id,
                i as i64,
                s.doc,
                s.page as i64,
                s.start as i64,
                s.end as i64,
                s.quote,
                s.rule
            ])?;
        }
    }
    if old.len() > f.sources.len() {
        tx.prepare_cached("DELETE FROM fact_sources WHERE fact = ?1 AND seq >= ?2")?
            .execute(params![f.id, f.sources.len() as i64])?;
    }
    Ok(())
}
