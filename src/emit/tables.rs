//! The tables for people: `institutes.csv` (an organisational overview), `timeline.csv`
//! (dated facts) and `collaborations.csv` (partnerships), computed once here and shared with
//! the report page.
//!
//! A cell lists every value the dataset holds for it, most cited first, each followed by the
//! number of works (independent reports) that state it and, when copies of them state it
//! too, the number of files — `2024-02 [2 works, 6 files]; 2024-02-14 [1 work]` — and by
//! `(conflict)` when reconciliation found it contradicted.

use super::write_atomic;
use crate::model::{Dataset, Entity, Fact, FactStatus, Source};
use crate::works::Works;
use anyhow::Result;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The predicates of the overview, in column order.
pub const OVERVIEW: &[&str] = &[
    "announced",
    "established",
    "launched",
    "housed_under",
    "funding",
    "staff",
];

/// Predicates that date something for the timeline.
pub const DATED: &[&str] = &[
    "announced",
    "established",
    "launched",
    "renamed",
    "event_date",
];

/// One value in a cell: its text and the fact behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct CellValue<'a> {
    pub text: String,
    pub fact: &'a Fact,
    pub count: Count,
}

impl CellValue<'_> {
    pub fn label(&self) -> String {
        let mut s = format!("{} [{}]", self.text, self.count);
        if self.fact.status == FactStatus::Conflict {
            s.push_str(" (conflict)");
        }
        s
    }
}

/// How many works and files state a fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Count {
    pub works: usize,
    pub files: usize,
}

/// `3 works, 8 files`; `1 work` when no copy adds a file.
impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(f, "{} work{}", self.works, plural(self.works))?;
        if self.files != self.works {
            write!(f, ", {} file{}", self.files, plural(self.files))?;
        }
        Ok(())
    }
}

/// The works and files among a fact's sources.
pub fn count_of(f: &Fact, works: &Works) -> Count {
    let files: BTreeSet<&str> = f.sources.iter().map(|s| s.doc.as_str()).collect();
    let w: BTreeSet<&str> = files.iter().map(|d| works.work_of(d)).collect();
    Count {
        works: w.len(),
        files: files.len(),
    }
}

/// A fact's sources grouped by work, in the order the works first appear; in each group
/// the source to quote comes first (the work's first edition's, when it is among them),
/// then its copies.
pub fn sources_by_work<'a>(f: &'a Fact, works: &Works) -> Vec<Vec<&'a Source>> {
    let mut order: Vec<&str> = Vec::new();
    let mut groups: BTreeMap<&str, Vec<&Source>> = BTreeMap::new();
    for s in &f.sources {
        let w = works.work_of(&s.doc);
        if !groups.contains_key(w) {
            order.push(w);
        }
        groups.entry(w).or_default().push(s);
    }
    order
        .into_iter()
        .filter_map(|w| groups.remove(w))
        .map(|mut g| {
            let first = works.get(&g[0].doc).map(|x| x.first.as_str());
            if let Some(i) = g.iter().position(|s| Some(s.doc.as_str()) == first) {
                let s = g.remove(i);
                g.insert(0, s);
            }
            g
        })
        .collect()
}

/// One row of the overview.
pub struct InstituteRow<'a> {
    pub entity: &'a Entity,
    pub cells: Vec<Vec<CellValue<'a>>>,
}

/// Number of distinct documents among a fact's sources.
pub fn documents_of(f: &Fact) -> usize {
    f.sources
        .iter()
        .map(|s| &s.doc)
        .collect::<BTreeSet<_>>()
        .len()
}

fn thousands(n: f64) -> String {
    if n.fract() != 0.0 {
        return format!("{n}");
    }
    let digits = format!("{}", n.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// A fact's object as people read it: entity names, `USD 10,000,000/year`, `c. 20 staff`.
pub fn show_object(v: &Value, names: &BTreeMap<&str, &str>) -> String {
    match v {
        Value::String(s) => names
            .get(s.as_str())
            .map_or_else(|| s.clone(), |n| n.to_string()),
        Value::Object(o) => {
            let n = |k: &str| o.get(k).and_then(Value::as_f64).map(thousands);
            let amount = n("amount")
                .or_else(|| n("value"))
                .or_else(|| Some(format!("{}–{}", n("min")?, n("max")?)))
                .unwrap_or_default();
            if let Some(cur) = o.get("currency").and_then(Value::as_str) {
                match o.get("per").and_then(Value::as_str) {
                    Some(p) => format!("{cur} {amount}/{p}"),
                    None => format!("{cur} {amount}"),
                }
            } else {
                let approx = o.get("approx").and_then(Value::as_bool) == Some(true);
                let unit = o.get("unit").and_then(Value::as_str).unwrap_or("");
                format!("{}{amount} {unit}", if approx { "c. " } else { "" })
                    .trim()
                    .to_string()
            }
        }
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A cell value's text: the object and the qualifiers that tell values apart.
fn cell_text(f: &Fact, names: &BTreeMap<&str, &str>) -> String {
    let mut s = show_object(&f.object, names);
    let q: Vec<String> = ["type", "as_of", "period"]
        .iter()
        .filter_map(|k| {
            let v = f.qualifiers.get(*k)?;
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            Some(match *k {
                "as_of" => format!("as of {v}"),
                "period" => format!("period {v}"),
                _ => v,
            })
        })
        .collect();
    if !q.is_empty() {
        s.push_str(&format!(" ({})", q.join(", ")));
    }
    s
}

/// Entity names by id.
pub fn names(data: &Dataset) -> BTreeMap<&str, &str> {
    data.entities
        .iter()
        .map(|e| (e.id.as_str(), e.name.as_str()))
        .collect()
}

/// The overview: one row per institute, in code order.
pub fn institute_rows(data: &Dataset) -> Vec<InstituteRow<'_>> {
    let names = names(data);
    let mut by: BTreeMap<(&str, &str), Vec<&Fact>> = BTreeMap::new();
    for f in &data.facts {
        by.entry((f.subject.as_str(), f.predicate.as_str()))
            .or_default()
            .push(f);
    }
    let mut rows = Vec::new();
    let mut institutes: Vec<&Entity> = data
        .entities
        .iter()
        .filter(|e| e.kind == "institute")
        .collect();
    // Institutes that only appear in passing (no fact about them) have no row.
    let with_facts: BTreeSet<&str> = data.facts.iter().map(|f| f.subject.as_str()).collect();
    institutes.retain(|e| with_facts.contains(e.id.as_str()));
    institutes.sort_by(|a, b| (&a.code, &a.id).cmp(&(&b.code, &b.id)));
    for e in institutes {
        let cells = OVERVIEW
            .iter()
            .map(|p| {
                let mut vals: Vec<CellValue> = by
                    .get(&(e.id.as_str(), *p))
                    .map(|fs| {
                        fs.iter()
                            .map(|f| CellValue {
                                text: cell_text(f, &names),
                                fact: f,
                                count: count_of(f, &data.works),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                vals.sort_by(|a, b| b.count.cmp(&a.count).then(a.text.cmp(&b.text)));
                vals
            })
            .collect();
        rows.push(InstituteRow { entity: e, cells });
    }
    rows
}

/// A timeline entry.
pub struct TimelineRow<'a> {
    pub date: String,
    pub subject: String,
    pub what: String,
    pub detail: String,
    pub fact: &'a Fact,
}

/// Dated facts, by date, then subject and what happened.
pub fn timeline_rows(data: &Dataset) -> Vec<TimelineRow<'_>> {
    let names = names(data);
    let mut rows: Vec<TimelineRow> = Vec::new();
    for f in &data.facts {
        let subject = names
            .get(f.subject.as_str())
            .map_or_else(|| f.subject.clone(), |n| n.to_string());
        if DATED.contains(&f.predicate.as_str()) {
            if let Some(d) = f.object.as_str() {
                let detail = f
                    .qualifiers
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                rows.push(TimelineRow {
                    date: d.to_string(),
                    subject,
                    what: f.predicate.clone(),
                    detail,
                    fact: f,
                });
            }
        } else if f.predicate == "partnership"
            && let Some(d) = f.qualifiers.get("date").and_then(Value::as_str)
        {
            let other = show_object(&f.object, &names);
            let ty = f
                .qualifiers
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("");
            rows.push(TimelineRow {
                date: d.to_string(),
                subject,
                what: "partnership".to_string(),
                detail: if ty.is_empty() {
                    format!("with {other}")
                } else {
                    format!("with {other}: {ty}")
                },
                fact: f,
            });
        }
    }
    rows.sort_by(|a, b| {
        (&a.date, &a.subject, &a.what, &a.fact.id).cmp(&(&b.date, &b.subject, &b.what, &b.fact.id))
    });
    rows
}

/// A collaboration: the two parties (names and ids), its type and date.
pub struct CollaborationRow<'a> {
    pub a: String,
    pub a_id: String,
    pub b: String,
    pub b_id: String,
    pub kind: String,
    pub date: String,
    pub fact: &'a Fact,
}

/// Partnerships, by parties and type.
pub fn collaboration_rows(data: &Dataset) -> Vec<CollaborationRow<'_>> {
    let names = names(data);
    let name = |id: &str| {
        names
            .get(id)
            .map_or_else(|| id.to_string(), |n| n.to_string())
    };
    let mut rows: Vec<CollaborationRow> = data
        .facts
        .iter()
        .filter(|f| f.predicate == "partnership")
        .filter_map(|f| {
            let b_id = f.object.as_str()?.to_string();
            let q = |k: &str| {
                f.qualifiers
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            Some(CollaborationRow {
                a: name(&f.subject),
                a_id: f.subject.clone(),
                b: name(&b_id),
                b_id,
                kind: q("type"),
                date: q("date"),
                fact: f,
            })
        })
        .collect();
    rows.sort_by(|x, y| (&x.a, &x.b, &x.kind, &x.fact.id).cmp(&(&y.a, &y.b, &y.kind, &y.fact.id)));
    rows
}

/// One CSV field, quoted when it must be (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn status(f: &Fact) -> &'static str {
    match f.status {
        FactStatus::Single => "single",
        FactStatus::Agreed => "agreed",
        FactStatus::Conflict => "conflict",
    }
}

/// `institutes.csv`.
pub fn institutes_csv(data: &Dataset) -> Vec<u8> {
    let mut header = vec!["id".to_string(), "name".into(), "country".into()];
    header.extend(OVERVIEW.iter().map(|p| p.to_string()));
    let mut rows = vec![header];
    for r in institute_rows(data) {
        let mut row = vec![
            r.entity.id.clone(),
            r.entity.name.clone(),
            r.entity.code.clone().unwrap_or_default(),
        ];
        for c in &r.cells {
            row.push(
                c.iter()
                    .map(CellValue::label)
                    .collect::<Vec<_>>()
                    .join("; "),
            );
        }
        rows.push(row);
    }
    csv(rows)
}

/// `timeline.csv`.
pub fn timeline_csv(data: &Dataset) -> Vec<u8> {
    let mut rows = vec![
        [
            "date",
            "subject",
            "event",
            "detail",
            "status",
            "documents",
            "fact",
            "works",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in timeline_rows(data) {
        rows.push(vec![
            r.date,
            r.subject,
            r.what,
            r.detail,
            status(r.fact).to_string(),
            documents_of(r.fact).to_string(),
            r.fact.id.clone(),
            count_of(r.fact, &data.works).works.to_string(),
        ]);
    }
    csv(rows)
}

/// `collaborations.csv`.
pub fn collaborations_csv(data: &Dataset) -> Vec<u8> {
    let mut rows = vec![
        [
            "a",
            "b",
            "type",
            "date",
            "status",
            "documents",
            "a_id",
            "b_id",
            "fact",
            "works",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in collaboration_rows(data) {
        rows.push(vec![
            r.a,
            r.b,
            r.kind,
            r.date,
            status(r.fact).to_string(),
            documents_of(r.fact).to_string(),
            r.a_id,
            r.b_id,
            r.fact.id.clone(),
            count_of(r.fact, &data.works).works.to_string(),
        ]);
    }
    csv(rows)
}

/// Writes the three CSV files.
pub fn write_csvs(data: &Dataset, out: &Path) -> Result<()> {
    write_atomic(&out.join("institutes.csv"), &institutes_csv(data))?;
    write_atomic(&out.join("timeline.csv"), &timeline_csv(data))?;
    write_atomic(&out.join("collaborations.csv"), &collaborations_csv(data))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_show_works_and_the_files_their_copies_add() {
        assert_eq!(Count { works: 1, files: 1 }.to_string(), "1 work");
        assert_eq!(Count { works: 1, files: 6 }.to_string(), "1 work, 6 files");
        assert_eq!(Count { works: 3, files: 8 }.to_string(), "3 works, 8 files");
        assert!(Count { works: 2, files: 2 } > Count { works: 1, files: 6 });
    }

    #[test]
    fn csv_fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn money_and_quantities_read_like_people_write_them() {
        let n = BTreeMap::new();
        assert_eq!(
            show_object(
                &serde_json::json!({"amount": 50000000, "currency": "GBP", "per": "year"}),
                &n
            ),
            "GBP 50,000,000/year"
        );
        assert_eq!(
            show_object(
                &serde_json::json!({"min": 7200000, "max": 14400000, "currency": "USD", "per": null}),
                &n
            ),
            "USD 7,200,000–14,400,000"
        );
        assert_eq!(
            show_object(
                &serde_json::json!({"value": 20, "unit": "staff", "approx": true}),
                &n
            ),
            "c. 20 staff"
        );
    }
}
