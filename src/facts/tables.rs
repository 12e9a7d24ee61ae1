//! Claims from tables in the text: tab-separated lines and Markdown rows.
//!
//! A table is a run of lines holding tabs, or of Markdown rows ("| A | B |", the rule
//! under the header skipped). Its header is the first row with at least two
//! cells that name institutes (an institute or country mention); its label column is the
//! first cell of each row, matched against the table-row rules' labels ("Established",
//! "Housed Under", "Funding ..."). The transposed layout — institutes down the first
//! column, labels across the header — is read the same way. Nothing here depends on row
//! numbers or on one table's shape.
//!
//! Pair lists (`US <> Singapore<TAB>Joint Research Projects`, further types on lines that
//! start with a tab) give one claim per pair and type.

use super::rules::RowRule;
use super::text::Span;
use super::{Doc, FactRules, Target, target};
use crate::model::{Claim, Mention, MentionKind};
use serde_json::Value;
use std::collections::BTreeMap;

/// One line of a table: its span and its cells' spans (trimmed; empty cells kept).
struct Row {
    cells: Vec<Span>,
}

fn split_cells(text: &str, line: Span) -> Row {
    let mut cells = Vec::new();
    let s = &text[line.start..line.end];
    if let Some((first, last)) = pipe_bounds(s) {
        // A Markdown row: the cells between its outer pipes.
        let mut start = line.start + first + 1;
        for (i, _) in s[first + 1..last].match_indices('|') {
            let at = line.start + first + 1 + i;
            cells.push(trim(text, start, at));
            start = at + 1;
        }
        cells.push(trim(text, start, line.start + last));
        return Row { cells };
    }
    let mut start = line.start;
    for (i, _) in s.match_indices('\t') {
        cells.push(trim(text, start, line.start + i));
        start = line.start + i + 1;
    }
    cells.push(trim(text, start, line.end));
    Row { cells }
}

/// The offsets of the outer pipes of a Markdown table row ("| A | B |"), or of its first
/// pipe and its end when the row has no closing pipe; `None` for any other line.
fn pipe_bounds(line: &str) -> Option<(usize, usize)> {
    let t = line.trim_end();
    let first = t.len() - t.trim_start().len();
    if !t[first..].starts_with('|') || !t[first + 1..].contains('|') {
        return None;
    }
    let last = if t.ends_with('|') && t.len() - 1 > first {
        t.len() - 1
    } else {
        t.len()
    };
    Some((first, last))
}

/// A Markdown table's rule under its header ("|---|:---:|"): no row of the table.
fn is_pipe_rule(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('|') && t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// A line that is a row of a table: it holds a tab, or it is a Markdown row.
fn is_table_line(line: &str) -> bool {
    line.contains('\t') || pipe_bounds(line).is_some()
}

fn trim(text: &str, s: usize, e: usize) -> Span {
    let seg = &text[s..e];
    let lead = seg.len() - seg.trim_start().len();
    let t = seg.trim();
    Span {
        start: s + lead,
        end: s + lead + t.len(),
    }
}

/// Lines of the text with their spans.
fn lines(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' || c == '\u{c}' {
            out.push(Span { start, end: i });
            start = i + 1;
        }
    }
    out.push(Span {
        start,
        end: text.len(),
    });
    out
}

/// Runs of consecutive lines that hold a tab.
fn tables(text: &str) -> Vec<Vec<Row>> {
    let mut out = Vec::new();
    let mut cur: Vec<Row> = Vec::new();
    for l in lines(text) {
        let line = &text[l.start..l.end];
        if is_pipe_rule(line) && !cur.is_empty() {
            continue;
        }
        if is_table_line(line) {
            cur.push(split_cells(text, l));
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The institute a cell names: the first institute mention in it, else a country.
fn institute_in(rules: &FactRules, doc: &Doc, cell: Span) -> Option<Target> {
    let ms = doc.within(cell);
    // A cell that names another body ("Office for Artificial Intelligence (UK)", "Digital
    // Trust Centre (Singapore)") speaks of that body: its country is where it sits.
    // So does a country in brackets after a name the rules do not know ("Digital Trust
    // Centre (Singapore)").
    let other_body = || ms.iter().any(|m| m.kind == MentionKind::Organization);
    let bracketed = |m: &&Mention| {
        let before = doc.text[cell.start..m.start.max(cell.start)].trim_end();
        before.ends_with('(') && before.len() > 1
    };
    ms.iter()
        .find(|m| m.kind == MentionKind::Institute)
        .or_else(|| {
            (!other_body())
                .then(|| {
                    ms.iter()
                        .find(|m| m.kind == MentionKind::Country)
                        .filter(|m| !bracketed(m))
                })
                .flatten()
        })
        .and_then(|m| target(rules, m))
}

fn row_rule<'r>(rules: &'r FactRules, label: &str) -> Option<&'r RowRule> {
    if label.is_empty() {
        return None;
    }
    rules.rows.iter().find(|r| r.label.is_match(label))
}

/// A header cell that is only a year or a fiscal year ("2024", "FY2025", "2025-26").
fn is_year(cell: &str) -> bool {
    static YEAR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:FY\s?)?(?:19|20)\d\d(?:\s?[-/–]\s?(?:(?:19|20)?\d\d))?$")
            .expect("year pattern")
    });
    YEAR.is_match(cell.trim())
}

/// The rule a table's caption names: one of the (at most two) lines of text right above the
/// table ("Table 2. Headline allocations by year"), matched from any word on; with the
/// caption from that word.
fn caption_rule<'t, 'r>(
    rules: &'r FactRules,
    text: &'t str,
    table_start: usize,
) -> Option<(&'t str, &'r RowRule)> {
    let mut from = table_start.saturating_sub(300);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = &text[from..table_start];
    // A window cut inside a line starts at the next whole line.
    let before = if from > 0 {
        before.find('\n').map_or("", |i| &before[i..])
    } else {
        before
    };
    for line in before
        .lines()
        .rev()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(2)
    {
        if is_table_line(line) {
            return None;
        }
        let starts = std::iter::once(0).chain(
            line.char_indices()
                .filter(|(i, c)| {
                    c.is_alphabetic() && line[..*i].ends_with(|p: char| !p.is_alphanumeric())
                })
                .map(|(i, _)| i),
        );
        for i in starts {
            if let Some(r) = row_rule(rules, &line[i..]) {
                return Some((&line[i..], r));
            }
        }
    }
    None
}

/// Claims from every table of the document.
pub fn table_claims(rules: &FactRules, doc: &Doc) -> Vec<Claim> {
    let mut out = Vec::new();
    if rules.rows.is_empty() {
        return out;
    }
    let topic = std::cell::OnceCell::new();
    for table in tables(doc.text) {
        // Institutes across the header, labels down the first column.
        let labelled = |rows: &[Row]| {
            rows.iter()
                .any(|r| row_rule(rules, &doc.text[r.cells[0].start..r.cells[0].end]).is_some())
        };
        // The header's first cell is a corner (empty or a caption), never an institute: a
        // row that starts with one is a fragment of a table whose lines were broken.
        if let Some(h) = table.iter().enumerate().position(|(i, r)| {
            institute_in(rules, doc, r.cells[0]).is_none()
                && r.cells
                    .iter()
                    .skip(1)
                    .any(|c| institute_in(rules, doc, *c).is_some())
                && labelled(&table[i + 1..])
        }) {
            let cols: Vec<Option<Target>> = table[h]
                .cells
                .iter()
                .map(|c| institute_in(rules, doc, *c))
                .collect();
            for row in &table[h + 1..] {
                let label_span = row.cells[0];
                let label = &doc.text[label_span.start..label_span.end];
                let Some(rule) = row_rule(rules, label) else {
                    continue;
                };
                for (j, cell) in row.cells.iter().enumerate().skip(1) {
                    if let Some(Some(inst)) = cols.get(j) {
                        cell_claims(rules, rule, doc, inst, label, *cell, &mut out);
                    }
                }
            }
            continue;
        }
        // Labels across the header, institutes down the first column.
        if let Some(h) = table.iter().enumerate().position(|(i, r)| {
            r.cells
                .iter()
                .skip(1)
                .any(|c| row_rule(rules, &doc.text[c.start..c.end]).is_some())
                && table[i + 1..]
                    .iter()
                    .any(|r| institute_in(rules, doc, r.cells[0]).is_some())
        }) {
            let heads: Vec<(&str, Option<&RowRule>)> = table[h]
                .cells
                .iter()
                .map(|c| {
                    let l = &doc.text[c.start..c.end];
                    (l, row_rule(rules, l))
                })
                .collect();
            for row in &table[h + 1..] {
                let Some(inst) = institute_in(rules, doc, row.cells[0]) else {
                    continue;
                };
                // The row is one institute's: a note anywhere in it ("requested, not
                // enacted") speaks of its cells.
                let whole = Span {
                    start: row.cells[0].start,
                    end: row.cells.last().map_or(row.cells[0].end, |c| c.end),
                };
                let row_text = doc.text.get(whole.start..whole.end).unwrap_or("");
                for (j, cell) in row.cells.iter().enumerate().skip(1) {
                    if let Some((label, Some(rule))) = heads.get(j)
                        && rule
                            .row_exclude
                            .as_ref()
                            .is_none_or(|x| !x.is_match(row_text))
                    {
                        cell_claims(rules, rule, doc, &inst, label, *cell, &mut out);
                    }
                }
            }
            continue;
        }
        // Years across the header, institutes down the first column ("Institute<TAB>2023<TAB>
        // 2024"): the caption above the table says what the cells hold ("Allocations by
        // year"), read as their label. Each cell is its own year's, so a note in it
        // ("requested") speaks of that cell only.
        if let Some(h) = table.iter().position(|r| {
            r.cells.len() >= 3
                && r.cells
                    .iter()
                    .skip(1)
                    .all(|c| is_year(&doc.text[c.start..c.end]))
        }) && table[h + 1..]
            .iter()
            .any(|r| institute_in(rules, doc, r.cells[0]).is_some())
            && let Some((caption, rule)) = caption_rule(rules, doc.text, table[0].cells[0].start)
        {
            for row in &table[h + 1..] {
                let Some(inst) = institute_in(rules, doc, row.cells[0]) else {
                    continue;
                };
                for cell in row.cells.iter().skip(1) {
                    let text = &doc.text[cell.start..cell.end];
                    if rule.row_exclude.as_ref().is_none_or(|x| !x.is_match(text)) {
                        cell_claims(rules, rule, doc, &inst, caption, *cell, &mut out);
                    }
                }
            }
            continue;
        }
        // A fact sheet: label and value on each line ("Director<TAB>A. Name"), about the
        // institute the document is about. A sheet that names institutes in its label
        // column is some other table.
        if table
            .iter()
            .all(|r| r.cells.len() <= 3 && institute_in(rules, doc, r.cells[0]).is_none())
            && let Some(inst) = topic.get_or_init(|| {
                super::coref::topic(rules, doc).or_else(|| super::coref::publisher(rules, doc))
            })
        {
            for row in &table {
                let label = &doc.text[row.cells[0].start..row.cells[0].end];
                let Some(rule) = row_rule(rules, label) else {
                    continue;
                };
                for cell in row.cells.iter().skip(1) {
                    cell_claims(rules, rule, doc, inst, label, *cell, &mut out);
                }
            }
        }
    }
    out
}

/// The stretch of a cell that speaks of its `i`th object: the brackets around it, if it is
/// inside some; else from it to the next object, with a bracket right after it that holds
/// no other object ("Nov 2025 (announced)", but not "Feb 2024" in "Feb 2024 (announced Nov
/// 2023)").
fn segment<'t>(text: &'t str, cell: Span, objects: &[&crate::model::Mention], i: usize) -> &'t str {
    // A mention may reach past the cell's trimmed edges (white space): clamp to the cell.
    let (ms, me) = (
        objects[i].start.clamp(cell.start, cell.end),
        objects[i].end.clamp(cell.start, cell.end),
    );
    let (a, b) = if in_parentheses(text, cell, ms) {
        (
            text[cell.start..ms]
                .rfind('(')
                .map_or(cell.start, |k| cell.start + k),
            text[me..cell.end]
                .find(')')
                .map_or(cell.end, |k| me + k + 1),
        )
    } else {
        let next = objects
            .iter()
            .map(|o| o.start.clamp(cell.start, cell.end))
            .filter(|&s| s >= me)
            .min()
            .unwrap_or(cell.end);
        let rest = &text[me..next];
        // Up to the next object, less an opening bracket that the next object sits in.
        let b = match rest.rfind('(') {
            Some(k) if next < cell.end && !rest[k..].contains(')') => me + k,
            _ => next,
        };
        (ms, b)
    };
    text.get(a..b).unwrap_or("")
}

fn in_parentheses(text: &str, cell: Span, at: usize) -> bool {
    let before = text.get(cell.start..at).unwrap_or("");
    before.matches('(').count() > before.matches(')').count()
}

fn cell_claims(
    rules: &FactRules,
    rule: &RowRule,
    doc: &Doc,
    inst: &Target,
    label: &str,
    cell: Span,
    out: &mut Vec<Claim>,
) {
    if cell.end <= cell.start {
        return;
    }
    let cell_text = &doc.text[cell.start..cell.end];
    let ms = doc.within(cell);
    let mut predicate = rule.predicate.clone();
    let mut q: BTreeMap<String, Value> = BTreeMap::new();
    for mk in &rule.marks {
        if mk.pattern.is_match(cell_text) {
            if let Some(p) = &mk.predicate {
                predicate = p.clone();
            }
            if let Some(k) = &mk.key {
                q.insert(k.clone(), mk.value.clone().unwrap_or(Value::Bool(true)));
            }
        }
    }
    let objects: Vec<&crate::model::Mention> = ms
        .iter()
        .copied()
        .filter(|m| m.kind.as_str() == rule.object)
        .collect();
    if let Some(k) = &rule.date_qualifier
        && rule.object != "date"
    {
        // A date in the cell that is not part of an object ("(FY24)", "2024-2030").
        if let Some(d) = ms.iter().find(|m| {
            m.kind == MentionKind::Date
                && objects
                    .iter()
                    .all(|o| !(o.start <= m.start && m.end <= o.end))
        }) {
            q.insert(k.clone(), d.value.clone());
        }
    }
    let subject = inst.value.as_str().unwrap_or_default().to_string();
    let code = subject.strip_prefix("institute:").unwrap_or("");
    let local = rule
        .local_currency
        .as_ref()
        .is_some_and(|r| r.is_match(label));
    let mut targets: Vec<Target> = Vec::new();
    // Several dates in one cell ("Feb 2024 (announced Nov 2023)"): a mark speaks of the
    // date whose stretch of the cell holds it, not of every date.
    let mut own: Vec<(String, BTreeMap<String, Value>)> = Vec::new();
    for (i, m) in objects.iter().enumerate() {
        let Some(mut t) = target(rules, m) else {
            continue;
        };
        if rule.object == "date" && objects.len() > 1 {
            let seg = segment(doc.text, cell, &objects, i);
            let mut p = rule.predicate.clone();
            let mut oq = q.clone();
            for mk in &rule.marks {
                if mk.pattern.is_match(seg) {
                    if let Some(x) = &mk.predicate {
                        p = x.clone();
                    }
                    if let Some(k) = &mk.key {
                        oq.insert(k.clone(), mk.value.clone().unwrap_or(Value::Bool(true)));
                    }
                }
            }
            own.push((p, oq));
        } else {
            own.push((predicate.clone(), q.clone()));
        }
        // Under "Funding (USD & Foreign Currency)" a bracketed second amount in dollars is
        // the column's own currency (Singapore's "($10 million/year)" is SGD).
        if local && i > 0 && in_parentheses(doc.text, cell, m.start) {
            let own = rules.institutes.get(code).and_then(|x| x.currency.clone());
            if let (Some(own), Some(obj)) = (own, t.value.as_object_mut())
                && obj.get("currency").and_then(Value::as_str) == Some("USD")
                && own != "USD"
            {
                obj.insert("currency".into(), Value::String(own));
            }
        }
        targets.push(t);
    }
    if targets.is_empty() && rule.fallback_text && rule.object == "organization" {
        // The cell is a name the gazetteers do not know: take it as written.
        let name = cell_text
            .split('(')
            .next()
            .unwrap_or("")
            .trim()
            .trim_end_matches(['.', ',', ';'])
            .trim();
        // A name is written in title case: a cell that reads as a phrase ("federates
        // existing agencies", "Established within ...") names nobody.
        let titled = name
            .split_whitespace()
            .all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()) || w.chars().count() <= 3);
        if titled && name.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
            let id = super::entity_id("organization", name);
            targets.push(Target {
                value: Value::String(id.clone()),
                name: Some((id, name.to_string())),
            });
        }
    }
    if targets.is_empty()
        && let (Some(v), Some(re)) = (&rule.object_value, &rule.value_cell)
        && re.is_match(cell_text.trim())
    {
        // "yes" under "Network member": the label names the object, the cell affirms it.
        let id = super::institute_id(v);
        let name = rules
            .institutes
            .get(v)
            .map_or_else(|| v.clone(), |i| i.name.clone());
        targets.push(Target {
            value: Value::String(id.clone()),
            name: Some((id, name)),
        });
    }
    for (k, t) in targets.into_iter().enumerate() {
        let (predicate, q) = own
            .get(k)
            .cloned()
            .unwrap_or_else(|| (predicate.clone(), q.clone()));
        let mut names = BTreeMap::new();
        for x in [inst, &t] {
            if let Some((id, n)) = &x.name {
                names.insert(id.clone(), n.clone());
            }
        }
        out.push(Claim {
            subject: subject.clone(),
            predicate,
            object: t.value,
            qualifiers: q,
            source: doc.source(cell, &rule.id),
            names,
        });
    }
}

/// The party a side of a pair names: an institute, a country's institute or an
/// organisation, by the kinds the rule allows.
fn party(rules: &FactRules, doc: &Doc, side: Span, kinds: &[String]) -> Option<Target> {
    let ms = doc.within(side);
    for k in kinds {
        if let Some(m) = ms.iter().find(|m| m.kind.as_str() == k) {
            return target(rules, m);
        }
    }
    None
}

/// Claims from `A <> B` pair lists.
pub fn pair_claims(rules: &FactRules, doc: &Doc) -> Vec<Claim> {
    let mut out = Vec::new();
    if rules.pairs.is_empty() {
        return out;
    }
    let ls = lines(doc.text);
    for rule in &rules.pairs {
        let mut i = 0;
        while i < ls.len() {
            let l = ls[i];
            let line = &doc.text[l.start..l.end];
            i += 1;
            let first = line.split('\t').next().unwrap_or("");
            let Some(sep) = rule.separator.find(first) else {
                continue;
            };
            let left = trim(doc.text, l.start, l.start + sep.start());
            let right = trim(doc.text, l.start + sep.end(), l.start + first.len());
            let (Some(a), Some(b)) = (
                party(rules, doc, left, &rule.sides),
                party(rules, doc, right, &rule.sides),
            ) else {
                continue;
            };
            // Partnerships are written only where an institute is one side.
            let is_inst = |t: &Target| {
                t.value
                    .as_str()
                    .is_some_and(|s| s.starts_with("institute:"))
            };
            if !(is_inst(&a) || is_inst(&b)) || a.value == b.value {
                continue;
            }
            let mut types: Vec<Span> = Vec::new();
            if line.len() > first.len() {
                types.push(trim(doc.text, l.start + first.len() + 1, l.end));
            }
            let mut end = l.end;
            // Further types: lines that start with a tab; or, where the text lost its tabs
            // (PDF), short capitalised lines up to the next pair or blank line.
            let tabbed = line.len() > first.len();
            while i < ls.len() {
                let n = ls[i];
                let nl = &doc.text[n.start..n.end];
                let t = nl.trim();
                let more = if tabbed {
                    nl.starts_with('\t')
                } else {
                    !nl.contains('\t')
                        && t.split_whitespace().count() <= 8
                        && t.chars().next().is_some_and(char::is_uppercase)
                };
                if more && !rule.separator.is_match(nl) && !t.is_empty() {
                    types.push(trim(doc.text, n.start, n.end));
                    end = n.end;
                    i += 1;
                } else {
                    break;
                }
            }
            let mut names = BTreeMap::new();
            for x in [&a, &b] {
                if let Some((id, n)) = &x.name {
                    names.insert(id.clone(), n.clone());
                }
            }
            let subject = a.value.as_str().unwrap_or_default().to_string();
            let mut emit = |q: BTreeMap<String, Value>, upto: usize| {
                out.push(Claim {
                    subject: subject.clone(),
                    predicate: rule.predicate.clone(),
                    object: b.value.clone(),
                    qualifiers: q,
                    source: doc.source(
                        Span {
                            start: left.start,
                            end: upto,
                        },
                        &rule.id,
                    ),
                    names: names.clone(),
                });
            };
            let types: Vec<Span> = types.into_iter().filter(|t| t.end > t.start).collect();
            if types.is_empty() {
                emit(BTreeMap::new(), end.max(right.end));
            }
            for t in types {
                let ty = doc.text[t.start..t.end].to_string();
                emit(
                    BTreeMap::from([(rule.type_key.clone(), Value::String(ty))]),
                    t.end,
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Doc, markup};
    use super::*;

    /// The table claims of a marked-up text under one rule file.
    fn claims_of(rule_file: &str, marked: &str) -> Vec<String> {
        let mut rules = FactRules::default();
        rules.add_file("facts/t.toml", rule_file).unwrap();
        let (text, mentions) = markup::parse(marked);
        let doc = Doc::one_page("d", &text, &mentions, None);
        table_claims(&rules, &doc)
            .iter()
            .map(markup::show_claim)
            .collect()
    }

    #[test]
    fn a_date_mention_reaching_before_its_cell_is_read_without_panic() {
        // The first date's mention starts on the tab, before the cell's trimmed start.
        let got = claims_of(
            "[[table_row]]\nid='est'\nlabel='^established'\npredicate='established'\nobject='date'\nmarks=[{ pattern='\\(\\s*announced\\b', predicate='announced' }]\n",
            "\t[Ruritania](country:RU)\nEstablished[\tFeb 2024](date:2024-02) (announced [Nov 2023](date:2023-11))",
        );
        assert_eq!(got, ["RU established 2024-02", "RU announced 2023-11"]);
    }

    #[test]
    fn markdown_rows_are_a_table() {
        let got = claims_of(
            "[[table_row]]\nid='launched'\nlabel='^launched'\npredicate='launched'\nobject='date'\n",
            "Table 2\n\n| Institute | Launched |\n|---|:---:|\n| [Ruritanian AISI](institute:RU) | [May 2024](date:2024-05) |\n| [Zendan AISI](institute:ZE) | [June 2025](date:2025-06) |\n",
        );
        assert_eq!(got, ["RU launched 2024-05", "ZE launched 2025-06"]);
        assert_eq!(pipe_bounds("| a | b |"), Some((0, 8)));
        assert_eq!(pipe_bounds("  | a | b"), Some((2, 9)));
        assert_eq!(pipe_bounds("a | b"), None);
        assert_eq!(pipe_bounds("   "), None);
        assert_eq!(pipe_bounds(" |"), None);
        assert!(is_pipe_rule("|---|:---:|") && !is_pipe_rule("| 2024 | 5 |"));
    }
}
