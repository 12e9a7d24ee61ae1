//! Amounts in a table whose header states the unit and scale once — "(in thousands of
//! dollars)", "millions of dollars", "(unit: KRW 100 million)", "(£m)", "(£000)", "(€ million,
//! cash terms)" — and whose cells below
//! hold bare numbers. Each numeric cell of the rows under such a header is a money
//! mention, its number times the scale, in the header's currency (a "dollar" read as the
//! document's dollar, as for "$").

use super::money::{amount, currency, dollar_of_context};
use crate::model::{Mention, MentionKind};
use aho_corasick::AhoCorasick;
use regex::Regex;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// How many lines under a header its table may run.
const MAX_ROWS: usize = 40;

/// A scale header, in the forms budget tables use: "(in thousands of dollars)", "(dollars
/// in thousands)" (US appropriations), "(unit: KRW 100 million)", "(Unit: million won)",
/// "(£m)", "(€ million, cash terms)", "(₹ crore)", "All figures in £ million unless
/// stated", "in thousands of Canadian dollars:".
fn header() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let words = r"(?:(?:US|U\.S\.|Canadian|Australian|Singapore|New\s+Zealand)\s+)?dollars|euros|pounds(?:\s+sterling)?|yen|won|rupees|yuan";
        let codes = r"KRW|USD|CAD|EUR|GBP|JPY|AUD|NZD|SGD|INR|CNY|C\$|A\$|S\$|US\$|₩|\$|£|€|¥|₹";
        let mags = r"100\s+million|millions?|billions?|thousands?|crores?|lakhs?|mn|bn|m|b|k|000";
        Regex::new(&format!(
            r"(?i)(?:^|\()\s*(?:unit\s*:\s*|(?:all\s+)?(?:figures|amounts)\s+(?:are\s+)?in\s+)?(?:in\s+)?(?:(?P<mag>thousands|millions|billions)\s+of\s+(?P<word>{words})|(?P<word2>{words})\s+in\s+(?P<mag3>thousands|millions|billions)|(?P<code>{codes})\s*(?P<mag2>{mags})|(?P<mag4>100\s+million|millions?|billions?|thousands?)\s+(?P<code2>won|yen|euros|dollars|pounds|{codes}))\s*(?:,[^)\n]{{0,30}})?(?:\)|:|$|\s+unless\b)"
        ))
        .expect("scale header pattern")
    })
}

/// What every header on an ASCII line holds (a scale word or a currency, in any case): an
/// ASCII line without one is not read with the header pattern.
fn trigger() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "thousand", "million", "billion", "crore", "KRW", "USD", "CAD", "EUR", "GBP",
                "JPY", "AUD", "NZD", "SGD", "INR", "CNY", "$",
            ])
            .expect("scale trigger words")
    })
}

fn scale(s: &str) -> Option<f64> {
    let l = s.to_lowercase();
    let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match l.trim_end_matches('s') {
        "thousand" | "k" | "000" => 1e3,
        "lakh" => 1e5,
        "million" | "m" | "mn" => 1e6,
        "crore" => 1e7,
        "100 million" => 1e8,
        "billion" | "b" | "bn" => 1e9,
        _ => return None,
    })
}

/// A cell that is a plain number ("2,000", "5.1", "120"), not a year.
fn cell_number(cell: &str) -> Option<f64> {
    let c = cell.trim();
    let ok = !c.is_empty()
        && c.bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
        && c.as_bytes()[0].is_ascii_digit();
    if !ok {
        return None;
    }
    let is_year = c.len() == 4 && (c.starts_with("19") || c.starts_with("20"));
    if is_year {
        return None;
    }
    c.replace(',', "").parse().ok()
}

/// The cells of a table line (split at tabs or runs of two or more spaces, or at the
/// pipes of a Markdown table row), with their byte offsets in the line.
fn cells(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    if line.trim_start().starts_with('|') {
        let mut at = 0;
        for cell in line.split('|') {
            if !cell.trim().is_empty() {
                out.push((at, cell));
            }
            at += cell.len() + 1;
        }
        return out;
    }
    let b = line.as_bytes();
    let (mut i, mut start) = (0, 0);
    while i < b.len() {
        let gap = b[i] == b'\t' || (b[i] == b' ' && b.get(i + 1) == Some(&b' '));
        if gap {
            if i > start {
                out.push((start, &line[start..i]));
            }
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    if start < b.len() {
        out.push((start, &line[start..]));
    }
    out
}

/// The lines of `text` from byte `from` (a line start) on, with their offsets.
fn lines_from(text: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut at = from;
    text.get(from..).unwrap_or("").split('\n').map(move |l| {
        let line_at = at;
        at += l.len() + 1;
        (line_at, l)
    })
}

/// Money mentions for the numeric cells under every scale header of `text`, and the spans
/// of the headers (a unit, "KRW 100 million", is no amount of its own).
pub fn find(text: &str) -> (Vec<Mention>, Vec<(usize, usize)>) {
    let mut out = Vec::new();
    let mut headers = Vec::new();
    for (at, line) in lines_from(text, 0) {
        // Lines with other characters are all read: case folding there is Unicode's.
        if line.len() > 120 || (line.is_ascii() && !trigger().is_match(line)) {
            continue;
        }
        let Some(caps) = header().captures(line) else {
            continue;
        };
        let mag = ["mag", "mag2", "mag3", "mag4"]
            .iter()
            .find_map(|g| caps.name(g))
            .map(|m| m.as_str());
        let cur = ["word", "word2", "code", "code2"]
            .iter()
            .find_map(|g| caps.name(g))
            .map(|m| m.as_str());
        let (Some(mult), Some(mut cur)) = (mag.and_then(scale), cur.and_then(currency)) else {
            continue;
        };
        if let Some(m) = caps.get(0) {
            headers.push((at + m.start(), at + m.end()));
        }
        if cur == "USD"
            && let Some(local) = dollar_of_context(text, at)
        {
            cur = local;
        }
        let mut rows = 0;
        for (row_at, row) in lines_from(text, at + line.len() + 1).take(MAX_ROWS) {
            if row.trim().is_empty() {
                if rows > 0 {
                    break;
                }
                continue;
            }
            let cs = cells(row);
            if cs.len() < 2 {
                if rows > 0 {
                    break;
                }
                continue;
            }
            let mut numeric = 0;
            for &(c_at, cell) in cs.iter().skip(1) {
                let Some(n) = cell_number(cell) else {
                    continue;
                };
                numeric += 1;
                let start = row_at + c_at + (cell.len() - cell.trim_start().len());
                let t = cell.trim();
                out.push(Mention {
                    id: String::new(),
                    doc: String::new(),
                    kind: MentionKind::Money,
                    text: t.to_string(),
                    start,
                    end: start + t.len(),
                    page: 0,
                    rule: "money-table-scale".into(),
                    value: json!({"amount": amount(n * mult), "currency": cur, "per": Value::Null}),
                    extra: BTreeMap::new(),
                });
            }
            if numeric > 0 {
                rows += 1;
            }
        }
    }
    (out, headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_scales_in_a_header_are_read() {
        let t = "Table 3: Funding (£m)\nBody\t2024-25\t2025-26\nZenda AISI\t66\t72.5\n";
        let (ms, headers) = find(t);
        assert_eq!(headers.len(), 1);
        let v: Vec<&Value> = ms.iter().map(|m| &m.value).collect();
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0]["amount"], 66000000);
        assert_eq!(v[0]["currency"], "GBP");
        let t = "Spending (£000, cash terms)\nItem\tTotal\nStaff\t1,200\n";
        let (ms, _) = find(t);
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].value["amount"], 1200000);
        // A pound sign and a figure in prose are no header.
        assert!(
            find("The budget (£66m) rose.\nItem\t2024\nStaff\t12\n")
                .0
                .is_empty()
        );
    }

    #[test]
    fn cells_under_a_scale_header_are_amounts() {
        let t = "Table 2\n(in thousands of dollars)\nItem          2024    2025\nStaff         1,200   1,500.5\n\nNext paragraph 30 of it.";
        let (ms, headers) = find(t);
        assert_eq!(headers.len(), 1);
        let v: Vec<(&str, &Value)> = ms.iter().map(|m| (m.text.as_str(), &m.value)).collect();
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0].0, "1,200");
        assert_eq!(v[0].1["amount"], json!(1200000));
        assert_eq!(v[1].1["amount"], json!(1500500));
        assert_eq!(&t[ms[0].start..ms[0].end], "1,200");
    }

    #[test]
    fn a_korean_unit_line_scales_by_a_hundred_million_won() {
        let t = "(unit: KRW 100 million)\nItem        Amount\nResearch    35\n";
        let (ms, _) = find(t);
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].value["amount"], json!(3500000000i64));
        assert_eq!(ms[0].value["currency"], "KRW");
    }

    #[test]
    fn header_forms_of_budget_tables_are_read() {
        for (header, amount, currency) in [
            ("(Dollars in thousands)", 1_200_000.0, "USD"),
            ("(Unit: million won)", 1_200_000_000.0, "KRW"),
            ("(₹ crore)", 12_000_000_000.0, "INR"),
            ("(in thousands of Canadian dollars)", 1_200_000.0, "CAD"),
            ("In thousands of dollars:", 1_200_000.0, "USD"),
            (
                "All figures in £ million unless stated",
                1_200_000_000.0,
                "GBP",
            ),
        ] {
            let t = format!("{header}\nItem\t2025\nResearch\t1,200\n");
            let (ms, _) = find(&t);
            assert_eq!(ms.len(), 1, "{header}");
            assert_eq!(ms[0].value["amount"].as_f64(), Some(amount), "{header}");
            assert_eq!(ms[0].value["currency"], currency, "{header}");
        }
    }

    #[test]
    fn markdown_rows_under_a_header_are_cells() {
        let t = "Table 1 (£m)\n| Line | 2024-25 | 2025-26 |\n|---|---|---|\n| AISI resource | 66.0 | 124.5 |\n";
        let (ms, _) = find(t);
        let v: Vec<(&str, f64)> = ms
            .iter()
            .map(|m| (&t[m.start..m.end], m.value["amount"].as_f64().unwrap()))
            .collect();
        assert_eq!(v, [("66.0", 66e6), ("124.5", 124.5e6)]);
    }

    #[test]
    fn prose_mentioning_millions_of_dollars_is_no_header() {
        assert!(
            find("They spent millions of dollars on it.\nA  1\n")
                .0
                .is_empty()
        );
    }
}
