//! `aisi explain ID`: where a fact, entity, mention or document of the dataset came from.
//!
//! Reads only the output folder (the JSON Lines files and `text/` of its current set,
//! resolved once so a run replacing the set meanwhile cannot mix two datasets). For every
//! source it shows the document, page, the quote in its context with the span marked, the
//! rule that matched and the mentions (normalised values) inside the span. Never writes.

use crate::model::{DocumentRecord, Entity, Fact, FactStatus, Mention, Source};
use crate::works::Works;
use anyhow::{Context, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The records of one output set.
pub struct Loaded {
    /// The output folder, as given.
    pub out: PathBuf,
    /// The set folder the records were read from.
    pub dir: PathBuf,
    pub documents: Vec<DocumentRecord>,
    pub mentions: Vec<Mention>,
    pub entities: Vec<Entity>,
    pub facts: Vec<Fact>,
    /// The documents' works, from their records.
    pub works: Works,
}

/// Reads the current set of output folder `out`.
pub fn load(out: &Path) -> Result<Loaded> {
    let dir = crate::emit::current_set(out).with_context(|| {
        format!(
            "no dataset in {}: run `aisi run --out {}` first",
            out.display(),
            out.display()
        )
    })?;
    let documents: Vec<DocumentRecord> = read_jsonl(&dir.join("documents.jsonl"))?;
    Ok(Loaded {
        works: crate::works::of_records(&documents),
        documents,
        mentions: read_jsonl(&dir.join("mentions.jsonl"))?,
        entities: read_jsonl(&dir.join("entities.jsonl"))?,
        facts: read_jsonl(&dir.join("facts.jsonl"))?,
        dir,
        out: out.to_path_buf(),
    })
}

/// Reads one JSON Lines file; a missing file is empty, a bad line is an error naming it.
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| {
                format!(
                    "{}:{}: not a valid record (rerun `aisi run` to rewrite the dataset)",
                    path.display(),
                    i + 1
                )
            })
        })
        .collect()
}

/// How to mark the quoted span: `»«` for files and pipes, reverse video on a terminal.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn mark(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1;7m{s}\x1b[0m")
        } else {
            format!("»{s}«")
        }
    }
    fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn dim(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[2m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// The explanation of `id` as text, or an error listing the closest ids.
pub fn explain(data: &Loaded, id: &str, style: Style) -> Result<String> {
    let mut ex = Explainer {
        data,
        style,
        texts: BTreeMap::new(),
        out: String::new(),
    };
    if let Some(f) = data.facts.iter().find(|f| f.id == id) {
        ex.fact(f);
    } else if let Some(e) = data.entities.iter().find(|e| e.id == id) {
        ex.entity(e);
    } else if let Some(m) = data.mentions.iter().find(|m| m.id == id) {
        ex.mention(m);
    } else if let Some(d) = data.documents.iter().find(|d| d.doc == id) {
        ex.document(d);
    } else {
        let close = closest(data, id, 8);
        let mut msg = format!(
            "no fact, entity, mention or document has the id {id:?} in {}",
            data.out.display()
        );
        if close.is_empty() {
            msg.push_str("; ids look like those in facts.jsonl, entities.jsonl, mentions.jsonl");
        } else {
            msg.push_str("; the closest ids:");
            for c in close {
                let _ = write!(msg, "\n  {c}");
            }
        }
        anyhow::bail!(msg);
    }
    Ok(ex.out)
}

/// Ids of the dataset nearest to `id`: those it is a prefix of (or that contain it) first,
/// then by edit distance.
pub fn closest(data: &Loaded, id: &str, n: usize) -> Vec<String> {
    let ids = data
        .facts
        .iter()
        .map(|f| f.id.as_str())
        .chain(data.entities.iter().map(|e| e.id.as_str()))
        .chain(data.mentions.iter().map(|m| m.id.as_str()))
        .chain(data.documents.iter().map(|d| d.doc.as_str()));
    let q = id.to_lowercase();
    let mut scored: Vec<(usize, &str)> = ids
        .map(|c| {
            let lc = c.to_lowercase();
            let score = if lc.starts_with(&q) {
                0
            } else if lc.contains(&q) {
                1
            } else {
                2 + edit_distance(&q, &lc)
            };
            (score, c)
        })
        .collect();
    scored.sort();
    scored.dedup();
    // Far-off ids are noise: keep those within a third of the id's length.
    let limit = 2 + (q.chars().count() / 3).max(2);
    scored
        .into_iter()
        .filter(|(s, _)| *s <= limit)
        .take(n)
        .map(|(_, c)| c.to_string())
        .collect()
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

struct Explainer<'a> {
    data: &'a Loaded,
    style: Style,
    texts: BTreeMap<String, Option<String>>,
    out: String,
}

/// A value as people read it: strings bare, other values as compact JSON.
pub fn show_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Explainer<'_> {
    fn line(&mut self, s: impl AsRef<str>) {
        self.out.push_str(s.as_ref());
        self.out.push('\n');
    }

    fn entity_name(&self, id: &str) -> Option<&str> {
        self.data
            .entities
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.name.as_str())
    }

    /// `institute:US (US AI Safety Institute)` for an entity id, the value otherwise.
    fn named(&self, v: &Value) -> String {
        let s = show_value(v);
        match v.as_str().and_then(|id| self.entity_name(id)) {
            Some(name) => format!("{s} ({name})"),
            None => s,
        }
    }

    fn fact(&mut self, f: &Fact) {
        let head = format!("fact {}", f.id);
        self.line(format!(
            "{}  [{}]",
            self.style.bold(&head),
            status_str(f.status)
        ));
        self.fact_body(f, "  ");
        if let Some(revisions) = &f.revisions {
            self.line("");
            self.line(
                self.style.bold(
                    "revised between editions of one work (the latest edition's value first):",
                ),
            );
            for rid in revisions {
                match self.data.facts.iter().find(|o| &o.id == rid) {
                    Some(o) => {
                        let latest = o
                            .sources
                            .iter()
                            .filter_map(|s| self.data.works.published_of(&s.doc))
                            .max()
                            .unwrap_or("-");
                        let line = format!(
                            "  fact {}  {}  (published {latest}){}",
                            o.id,
                            self.named(&o.object),
                            if o.id == f.id { "  ← this fact" } else { "" }
                        );
                        self.line(line);
                    }
                    None => self.line(format!("  fact {rid} (not in facts.jsonl)")),
                }
            }
        }
        if let Some(others) = &f.conflicts_with {
            self.line("");
            self.line(
                self.style
                    .bold(&format!("in conflict with {} fact(s):", others.len())),
            );
            for oid in others {
                match self.data.facts.iter().find(|o| &o.id == oid) {
                    Some(o) => {
                        self.line(format!("  fact {}", o.id));
                        self.fact_body(o, "    ");
                    }
                    None => self.line(format!("  fact {oid} (not in facts.jsonl)")),
                }
            }
        }
    }

    fn fact_body(&mut self, f: &Fact, ind: &str) {
        let subject = self.named(&Value::String(f.subject.clone()));
        let object = self.named(&f.object);
        self.line(format!("{ind}subject    {subject}"));
        self.line(format!("{ind}predicate  {}", f.predicate));
        self.line(format!("{ind}object     {object}"));
        if !f.qualifiers.is_empty() {
            let q: Vec<String> = f
                .qualifiers
                .iter()
                .map(|(k, v)| format!("{k}={}", show_value(v)))
                .collect();
            self.line(format!("{ind}qualifiers {}", q.join(", ")));
        }
        let count = crate::emit::tables::count_of(f, &self.data.works);
        self.line(format!("{ind}sources    {count}"));
        let focus = [Value::String(f.subject.clone()), f.object.clone()];
        // One quote per work; the copies that say the same are listed under it.
        let groups = crate::emit::tables::sources_by_work(f, &self.data.works);
        for (i, g) in groups.iter().enumerate() {
            self.source(i + 1, g[0], ind, &focus);
            if g.len() > 1 {
                let copies: Vec<String> = g[1..]
                    .iter()
                    .map(|s| format!("{} (page {})", s.doc, s.page))
                    .collect();
                let line = format!(
                    "{ind}   the same in {} cop{} of this work: {}",
                    copies.len(),
                    if copies.len() == 1 { "y" } else { "ies" },
                    copies.join(", ")
                );
                self.line(self.style.dim(&line));
            }
        }
    }

    /// One source; `focus` holds the values (subject, object) whose mentions come first.
    fn source(&mut self, n: usize, s: &Source, ind: &str, focus: &[Value]) {
        let title = self
            .data
            .documents
            .iter()
            .find(|d| d.doc == s.doc)
            .and_then(|d| d.title.clone())
            .map(|t| format!(" — {t}"))
            .unwrap_or_default();
        self.line(format!(
            "{ind}{n}. {}{title}, page {}, bytes {}..{}, rule {}",
            s.doc, s.page, s.start, s.end, s.rule
        ));
        self.context(&s.doc, s.start, s.end, &s.quote, &format!("{ind}   "));
        let mut inside: Vec<Mention> = self
            .data
            .mentions
            .iter()
            .filter(|m| m.doc == s.doc && m.start >= s.start && m.end <= s.end)
            .cloned()
            .collect();
        // The mentions that name the fact's subject or object first, in text order; of the
        // others only a few, so a long quote does not bury them.
        let relevant = |m: &Mention| {
            focus
                .iter()
                .any(|v| crate::ingest::value_matches(&m.value, v))
        };
        inside.sort_by_key(|m| (!relevant(m), m.start));
        let shown = inside.iter().filter(|m| relevant(m)).count() + 3;
        for m in inside.iter().take(shown) {
            self.mention_line(m, &format!("{ind}   "));
        }
        if inside.len() > shown {
            let more = format!(
                "{ind}   (+{} more mentions in this span)",
                inside.len() - shown
            );
            self.line(self.style.dim(&more));
        }
    }

    fn mention_line(&mut self, m: &Mention, ind: &str) {
        let mut extra = String::new();
        for (k, v) in &m.extra {
            let _ = write!(extra, ", {k} {}", show_value(v));
        }
        let line = format!(
            "{ind}{} {:?} → {} (rule {}{extra}; mention {})",
            m.kind.as_str(),
            m.text,
            show_value(&m.value),
            m.rule,
            m.id
        );
        self.line(self.style.dim(&line));
    }

    fn text_of(&mut self, doc: &str) -> Option<String> {
        if !self.texts.contains_key(doc) {
            let p = self.data.dir.join(crate::emit::jsonl::text_file(doc));
            self.texts
                .insert(doc.to_string(), std::fs::read_to_string(p).ok());
        }
        self.texts.get(doc).cloned().flatten()
    }

    /// The line before, the line(s) of the span with the span marked, the line after;
    /// long lines are cut around the span.
    fn context(&mut self, doc: &str, start: usize, end: usize, quote: &str, ind: &str) {
        let text = self.text_of(doc);
        let Some(text) = text.filter(|t| {
            start <= end && end <= t.len() && t.is_char_boundary(start) && t.is_char_boundary(end)
        }) else {
            self.line(format!(
                "{ind}“{quote}” (text/{doc}.txt is missing or does not hold this span)"
            ));
            return;
        };
        let is_break = |c: char| c == '\n' || c == '\u{c}';
        let line_start = |at: usize| text[..at].rfind(is_break).map_or(0, |i| i + 1);
        let line_end = |at: usize| text[at..].find(is_break).map_or(text.len(), |i| at + i);
        let ls = line_start(start);
        let le = line_end(end);
        let before = (ls > 0).then(|| {
            let pe = ls - 1;
            &text[line_start(pe)..pe]
        });
        let after = (le < text.len()).then(|| &text[le + 1..line_end(le + 1)]);
        const WIDTH: usize = 160;
        if let Some(b) = before.filter(|b| !b.trim().is_empty()) {
            self.line(format!("{ind}  {}", self.style.dim(&clip_end(b, WIDTH))));
        }
        let head = clip_start(&text[ls..start], WIDTH / 2);
        let tail = clip_end(&text[end..le], WIDTH / 2);
        let span = text[start..end].replace(['\n', '\u{c}'], " ⏎ ");
        self.line(format!(
            "{ind}  {}{}{}",
            head.replace('\u{c}', " "),
            self.style.mark(&span),
            tail
        ));
        if let Some(a) = after.filter(|a| !a.trim().is_empty()) {
            self.line(format!("{ind}  {}", self.style.dim(&clip_end(a, WIDTH))));
        }
    }

    fn entity(&mut self, e: &Entity) {
        self.line(self.style.bold(&format!("entity {}  [{}]", e.id, e.kind)));
        self.line(format!("  name     {}", e.name));
        if let Some(c) = &e.code {
            self.line(format!("  code     {c}"));
        }
        if !e.aliases.is_empty() {
            self.line(format!("  aliases  {}", e.aliases.join("; ")));
        }
        let about: Vec<&Fact> = self
            .data
            .facts
            .iter()
            .filter(|f| f.subject == e.id || f.object.as_str() == Some(e.id.as_str()))
            .collect();
        self.line(format!("  facts    {}", about.len()));
        for f in about {
            let line = format!(
                "    {} {} {}  [{}, {} source(s)]  {}",
                self.named(&Value::String(f.subject.clone())),
                f.predicate,
                self.named(&f.object),
                status_str(f.status),
                f.sources.len(),
                f.id
            );
            self.line(line);
        }
        let names: Vec<&str> = e
            .code
            .iter()
            .map(String::as_str)
            .chain([e.name.as_str()])
            .collect();
        let mentions: Vec<&Mention> = self
            .data
            .mentions
            .iter()
            .filter(|m| {
                m.kind.as_str() == e.kind && m.value.as_str().is_some_and(|v| names.contains(&v))
            })
            .collect();
        let docs: std::collections::BTreeSet<&str> =
            mentions.iter().map(|m| m.doc.as_str()).collect();
        self.line(format!(
            "  mentions {} in {} document(s){}",
            mentions.len(),
            docs.len(),
            mentions
                .first()
                .map(|m| format!(", e.g. {}", m.id))
                .unwrap_or_default()
        ));
    }

    fn mention(&mut self, m: &Mention) {
        self.line(
            self.style
                .bold(&format!("mention {}  [{}]", m.id, m.kind.as_str())),
        );
        self.line(format!(
            "  {}, page {}, bytes {}..{}",
            m.doc, m.page, m.start, m.end
        ));
        self.context(&m.doc, m.start, m.end, &m.text, "  ");
        self.line(format!("  value    {}", show_value(&m.value)));
        self.line(format!("  rule     {}", m.rule));
        for (k, v) in &m.extra {
            self.line(format!("  {k:<8} {}", show_value(v)));
        }
        let citing: Vec<String> = self
            .data
            .facts
            .iter()
            .filter(|f| {
                f.sources
                    .iter()
                    .any(|s| s.doc == m.doc && s.start <= m.start && m.end <= s.end)
            })
            .map(|f| format!("{} ({} {})", f.id, f.predicate, show_value(&f.object)))
            .collect();
        if !citing.is_empty() {
            self.line(format!("  cited by {}", citing.join("; ")));
        }
    }

    fn document(&mut self, d: &DocumentRecord) {
        self.line(self.style.bold(&format!("document {}", d.doc)));
        let show = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
        self.line(format!("  title     {}", show(&d.title)));
        self.line(format!("  published {}", show(&d.published)));
        self.line(format!(
            "  {}, {} page(s), {} chars, status {}{}",
            json_name(&d.format),
            d.pages,
            d.chars,
            json_name(&d.status),
            d.error
                .as_ref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        ));
        self.line(format!("  sha256    {}", d.sha256));
        let mentions = self.data.mentions.iter().filter(|m| m.doc == d.doc).count();
        let facts = self
            .data
            .facts
            .iter()
            .filter(|f| f.sources.iter().any(|s| s.doc == d.doc))
            .count();
        self.line(format!(
            "  {mentions} mention(s); a source of {facts} fact(s)"
        ));
        if let Some(w) = self.data.works.get(&d.doc).cloned() {
            let members: Vec<&DocumentRecord> = self
                .data
                .documents
                .iter()
                .filter(|x| x.work.as_deref() == Some(w.work.as_str()))
                .collect();
            self.line(format!(
                "  work      {} ({} file(s); first edition {})",
                w.work,
                members.len(),
                w.first
            ));
            for m in members.iter().filter(|m| m.doc != d.doc) {
                let sim = m.work_similarity.unwrap_or(1.0);
                let line = if m.doc == w.first {
                    format!(
                        "    {} (the first edition; this one's similarity to it {:.2})",
                        m.doc, w.similarity
                    )
                } else {
                    format!(
                        "    {} (copy; similarity to the first edition {sim:.2})",
                        m.doc
                    )
                };
                self.line(line);
            }
        }
    }
}

/// The name a value serialises to (`pdf`, `ok`).
fn json_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub fn status_str(s: FactStatus) -> &'static str {
    match s {
        FactStatus::Single => "single",
        FactStatus::Agreed => "agreed",
        FactStatus::Conflict => "conflict",
    }
}

fn clip_end(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n).collect();
    out.push('…');
    out
}

fn clip_start(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        return s.to_string();
    }
    let mut out = String::from("…");
    out.extend(s.chars().skip(count - n));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("f-abc", "f-abc"), 0);
    }

    #[test]
    fn long_context_is_clipped_on_the_side_away_from_the_span() {
        assert_eq!(clip_end("abcdef", 3), "abc…");
        assert_eq!(clip_start("abcdef", 3), "…def");
        assert_eq!(clip_start("ab", 3), "ab");
    }
}
