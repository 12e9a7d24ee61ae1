//! `report.html`: one self-contained page (inline CSS, JS and SVG; no network) with the
//! institutes overview, the timeline (table and SVG drawing), the collaboration network
//! (SVG, circular layout in id order, so the drawing is the same on every run) and an
//! evidence section: every cell value, timeline point and network edge links to its fact's
//! sources, one quote in context per work (with document and page), the copies of that
//! work that say the same folded under it.
//!
//! Everything the documents say is HTML-escaped here (`esc`), including in attributes:
//! a report must never run a script a document carried.

use super::tables::{self, count_of};
use super::write_atomic;
use crate::model::{Dataset, Fact, FactStatus};
use crate::utf8::floor_char;
use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// Works quoted per fact; the rest are counted (the page stays readable on big corpora).
const MAX_SOURCES: usize = 12;
/// Copies listed under a work's quote; the rest are counted.
const MAX_COPIES: usize = 20;
/// Bytes of context shown on each side of a quote.
const CONTEXT: usize = 160;

/// Escapes text for HTML content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            '\u{c}' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn status_class(f: &Fact) -> &'static str {
    match f.status {
        FactStatus::Single => "single",
        FactStatus::Agreed => "agreed",
        FactStatus::Conflict => "conflict",
    }
}

fn link(f: &Fact, text: &str) -> String {
    format!(
        "<a class=\"{}\" href=\"#{}\">{}</a>",
        status_class(f),
        esc(&f.id),
        esc(text)
    )
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1em;color:#222}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3}a{color:#0645ad;text-decoration:none}a:hover{text-decoration:underline}
a.conflict{color:#b00020;font-weight:600}a.agreed{color:#1b6e20}
.legend span{margin-right:1em}.evidence section{border-left:3px solid #ccc;padding:.2em .8em;margin:.8em 0}
.evidence section:target{border-color:#0645ad;background:#eef4ff}
blockquote{margin:.3em 0;color:#444}mark{background:#fff2a8}
svg text{font:11px system-ui,sans-serif}svg a:hover circle,svg a:hover line{stroke:#000;stroke-width:3}
.muted{color:#777}details.copies{margin:-.2em 0 .5em 1em;font-size:.9em}
";

const SCRIPT: &str = "
(function(){
  var ok = document.querySelector('#institutes table') && document.querySelector('#timeline svg')
    && document.querySelector('#network svg');
  var m = document.getElementById('render-status');
  if (m) { m.textContent = ok ? 'report rendered' : 'report incomplete'; m.setAttribute('data-ok', ok ? 'yes' : 'no'); }
  var n = document.querySelectorAll('.evidence section').length;
  var c = document.getElementById('evidence-count');
  if (c) { c.textContent = n + ' facts with evidence'; }
})();
";

/// The texts of the documents the evidence quotes, by name: from memory, or for documents
/// kept from the last run, from their text files in `dir` (the set being written).
pub fn quoted_texts(data: &Dataset, dir: &Path) -> BTreeMap<String, String> {
    let quoted: std::collections::BTreeSet<&str> = data
        .facts
        .iter()
        .flat_map(|f| {
            tables::sources_by_work(f, &data.works)
                .into_iter()
                .take(MAX_SOURCES)
                .map(|g| g[0].doc.as_str())
        })
        .collect();
    data.documents
        .iter()
        .filter(|d| quoted.contains(d.doc()))
        .filter_map(|d| {
            let text = match d.text() {
                Some(t) => t.text.clone(),
                None => std::fs::read_to_string(dir.join("text").join(format!("{}.txt", d.doc())))
                    .ok()?,
            };
            Some((d.doc().to_string(), text))
        })
        .collect()
}

/// The page; `texts` holds the documents' texts for the evidence's context.
pub fn render(data: &Dataset, texts: &BTreeMap<String, String>) -> String {
    let mut h = String::new();
    let names = tables::names(data);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>AI safety institutes: reconciled dataset</title><style>{STYLE}</style></head><body>\n"
    );
    let conflicts = data
        .facts
        .iter()
        .filter(|f| f.status == FactStatus::Conflict)
        .count();
    let _ = write!(
        h,
        "<h1>AI safety institutes: reconciled dataset</h1>\n<p>{} documents ({} works), {} entities, {} facts ({} in conflict). \
         <span id=\"evidence-count\"></span></p>\n<p class=\"legend\"><span><a class=\"agreed\">agreed</a>: stated by two works or more</span>\
         <span><a class=\"single\">single</a>: one work</span><span><a class=\"conflict\">conflict</a>: contradicted by another work</span>\
         <span>[n works, m files]: the independent reports stating it, and their files with copies</span></p>\n",
        data.documents.len(),
        data.works.count(),
        data.entities.len(),
        data.facts.len(),
        conflicts
    );

    // Overview.
    h.push_str("<h2>Institutes</h2>\n<div id=\"institutes\"><table><thead><tr><th>Institute</th><th>Code</th>");
    for p in tables::OVERVIEW {
        let _ = write!(h, "<th>{}</th>", esc(&p.replace('_', " ")));
    }
    h.push_str("</tr></thead><tbody>\n");
    for r in tables::institute_rows(data) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td>",
            esc(&r.entity.name),
            esc(r.entity.code.as_deref().unwrap_or(""))
        );
        for c in &r.cells {
            let vals: Vec<String> = c
                .iter()
                .map(|v| format!("{} [{}]", link(v.fact, &v.text), v.count))
                .collect();
            let _ = write!(h, "<td>{}</td>", vals.join("<br>"));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n");

    // Timeline.
    let timeline = tables::timeline_rows(data);
    h.push_str("<h2>Timeline</h2>\n<div id=\"timeline\">");
    h.push_str(&timeline_svg(&timeline));
    h.push_str("<table><thead><tr><th>Date</th><th>Who</th><th>What</th><th>Detail</th><th>Sources</th></tr></thead><tbody>\n");
    for r in &timeline {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            link(r.fact, &r.date),
            esc(&r.subject),
            esc(&r.what.replace('_', " ")),
            esc(&r.detail),
            count_of(r.fact, &data.works)
        );
    }
    h.push_str("</tbody></table></div>\n");

    // Network.
    let collab = tables::collaboration_rows(data);
    h.push_str("<h2>Collaboration network</h2>\n<div id=\"network\">");
    h.push_str(&network_svg(data, &collab));
    h.push_str("<table><thead><tr><th>Between</th><th>And</th><th>Type</th><th>Date</th><th>Sources</th></tr></thead><tbody>\n");
    for r in &collab {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.a),
            esc(&r.b),
            link(
                r.fact,
                if r.kind.is_empty() {
                    "partnership"
                } else {
                    &r.kind
                }
            ),
            esc(&r.date),
            count_of(r.fact, &data.works)
        );
    }
    h.push_str("</tbody></table></div>\n");

    // The documents read.
    h.push_str("<h2>Documents</h2>\n<div id=\"documents\"><table><thead><tr><th>Document</th><th>Title</th><th>Published</th><th>Pages</th><th>Status</th><th>Work</th></tr></thead><tbody>\n");
    for d in data.documents.iter() {
        let r = &d.record;
        let status = match r.status {
            crate::model::Status::Ok => "ok".to_string(),
            crate::model::Status::Empty => "empty".to_string(),
            crate::model::Status::Error => {
                format!("error: {}", r.error.as_deref().unwrap_or(""))
            }
        };
        let work = match data.works.get(&r.doc) {
            Some(w) if w.first != r.doc => format!(
                "{} · copy of {} (similarity {:.2})",
                w.work, w.first, w.similarity
            ),
            Some(w) => format!("{} · {} files", w.work, data.works.files_of(&r.doc)),
            None => String::new(),
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.doc),
            esc(r.title.as_deref().unwrap_or("")),
            esc(r.published.as_deref().unwrap_or("")),
            r.pages,
            esc(&status),
            esc(&work)
        );
    }
    h.push_str("</tbody></table></div>\n");

    // Every fact and its evidence.
    h.push_str("<h2>Facts and evidence</h2>\n<div class=\"evidence\">\n");
    for f in &data.facts {
        let subject = names.get(f.subject.as_str()).copied().unwrap_or(&f.subject);
        let object = tables::show_object(&f.object, &names);
        let _ = write!(
            h,
            "<section id=\"{}\"><strong>{}</strong> {} <strong>{}</strong> <span class=\"muted\">{} · {}",
            esc(&f.id),
            esc(subject),
            esc(&f.predicate.replace('_', " ")),
            esc(&object),
            status_class(f),
            esc(&f.id)
        );
        if !f.qualifiers.is_empty() {
            let q = serde_json::to_string(&f.qualifiers).unwrap_or_default();
            let _ = write!(h, " · {}", esc(&q));
        }
        h.push_str("</span>");
        if let Some(c) = &f.conflicts_with {
            let links: Vec<String> = c
                .iter()
                .map(|id| format!("<a href=\"#{0}\">{0}</a>", esc(id)))
                .collect();
            let _ = write!(h, "<br>conflicts with {}", links.join(", "));
        }
        if let Some(r) = &f.revisions {
            let links: Vec<String> = r
                .iter()
                .map(|id| format!("<a href=\"#{0}\">{0}</a>", esc(id)))
                .collect();
            let _ = write!(
                h,
                "<br>revised between editions of one work (latest first): {}",
                links.join(", ")
            );
        }
        let by_work = tables::sources_by_work(f, &data.works);
        let _ = write!(
            h,
            "<br><span class=\"muted\">{}</span>",
            count_of(f, &data.works)
        );
        for group in by_work.iter().take(MAX_SOURCES) {
            let s = group[0];
            let text = texts.get(s.doc.as_str()).map(String::as_str).unwrap_or("");
            let (before, quote, after) = if text.get(s.start..s.end).is_some() {
                let b = floor_char(text, s.start.saturating_sub(CONTEXT));
                let a = floor_char(text, s.end + CONTEXT);
                (&text[b..s.start], &text[s.start..s.end], &text[s.end..a])
            } else {
                ("", s.quote.as_str(), "")
            };
            let _ = write!(
                h,
                "<blockquote>…{}<mark>{}</mark>{}…<br><span class=\"muted\">{}, page {} · rule {}</span></blockquote>",
                esc(before),
                esc(quote),
                esc(after),
                esc(&s.doc),
                s.page,
                esc(&s.rule)
            );
            let copies = &group[1..];
            if !copies.is_empty() {
                let mut list: Vec<String> = copies
                    .iter()
                    .take(MAX_COPIES)
                    .map(|c| format!("{}, page {}", esc(&c.doc), c.page))
                    .collect();
                if copies.len() > MAX_COPIES {
                    list.push(format!("and {} more", copies.len() - MAX_COPIES));
                }
                let _ = write!(
                    h,
                    "<details class=\"copies\"><summary class=\"muted\">the same in {} cop{} of this work</summary>{}</details>",
                    copies.len(),
                    if copies.len() == 1 { "y" } else { "ies" },
                    list.join("<br>")
                );
            }
        }
        if by_work.len() > MAX_SOURCES {
            let _ = write!(
                h,
                "<p class=\"muted\">and {} more works (facts.jsonl lists every source)</p>",
                by_work.len() - MAX_SOURCES
            );
        }
        h.push_str("</section>\n");
    }
    h.push_str("</div>\n<p id=\"render-status\" data-ok=\"no\">script did not run</p>\n");
    let _ = write!(h, "<script>{SCRIPT}</script>\n</body></html>\n");
    h
}

/// Days since year 0 of an ISO date value's first day (month and year lengths
/// approximated: only for placing points on a drawing).
fn day_number(date: &str) -> Option<f64> {
    let ((y, m, d), _) = crate::reconcile::date_range(date)?;
    Some(y as f64 * 365.25 + (m as f64 - 1.0) * 30.44 + (d as f64 - 1.0))
}

/// A label cut to `n` characters with an ellipsis (the full text is in a tooltip).
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn timeline_svg(rows: &[tables::TimelineRow]) -> String {
    let lanes: Vec<&str> = rows
        .iter()
        .map(|r| r.subject.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let days: Vec<f64> = rows.iter().filter_map(|r| day_number(&r.date)).collect();
    let (lo, hi) = days
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &d| (a.min(d), b.max(d)));
    let (lo, hi) = if days.is_empty() {
        (0.0, 1.0)
    } else if hi - lo < 30.0 {
        (lo - 15.0, hi + 15.0)
    } else {
        (lo, hi)
    };
    let (left, width, lane_h) = (260.0, 900.0, 22.0);
    let height = 40.0 + lane_h * lanes.len().max(1) as f64;
    let x = |d: f64| left + (d - lo) / (hi - lo) * (width - left - 20.0);
    let mut s = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"Timeline\">"
    );
    // Year ticks.
    if !days.is_empty() {
        let first = (lo / 365.25).floor() as i32;
        let last = (hi / 365.25).ceil() as i32;
        for y in first..=last {
            let d = y as f64 * 365.25;
            if d < lo || d > hi {
                continue;
            }
            let _ = write!(
                s,
                "<line x1=\"{0:.1}\" y1=\"20\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"#ddd\"/><text x=\"{0:.1}\" y=\"14\" text-anchor=\"middle\">{2}</text>",
                x(d),
                height - 10.0,
                y
            );
        }
    }
    for (i, lane) in lanes.iter().enumerate() {
        let y = 34.0 + lane_h * i as f64;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\"><title>{}</title>{}</text><line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#f0f0f0\"/>",
            left - 8.0,
            y + 4.0,
            esc(lane),
            esc(&short(lane, 38)),
            width - 20.0
        );
    }
    for r in rows {
        let Some(d) = day_number(&r.date) else {
            continue;
        };
        let i = lanes.iter().position(|l| *l == r.subject).unwrap_or(0);
        let y = 34.0 + lane_h * i as f64;
        let color = match r.fact.status {
            FactStatus::Conflict => "#b00020",
            FactStatus::Agreed => "#1b6e20",
            FactStatus::Single => "#0645ad",
        };
        let _ = write!(
            s,
            "<a href=\"#{}\"><circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{color}\" fill-opacity=\"0.7\"><title>{}</title></circle></a>",
            esc(&r.fact.id),
            x(d),
            esc(&format!(
                "{} {} {} {}",
                r.date,
                r.subject,
                r.what.replace('_', " "),
                r.detail
            ))
        );
    }
    s.push_str("</svg>");
    s
}

fn network_svg(data: &Dataset, rows: &[tables::CollaborationRow]) -> String {
    let names = tables::names(data);
    // Nodes: every party, institutes first, in id order: a fixed circular layout.
    let mut nodes: Vec<&str> = rows
        .iter()
        .flat_map(|r| [r.a_id.as_str(), r.b_id.as_str()])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    nodes.sort_by_key(|n| (!n.starts_with("institute:"), *n));
    // Wide enough for labels on both sides of the circle.
    let (w, hgt) = (1200.0_f64, 620.0_f64);
    let (cx, cy, rad) = (w / 2.0, hgt / 2.0, 230.0);
    let pos: BTreeMap<&str, (f64, f64)> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let a = std::f64::consts::TAU * i as f64 / nodes.len().max(1) as f64
                - std::f64::consts::FRAC_PI_2;
            (*n, (cx + rad * a.cos(), cy + rad * a.sin()))
        })
        .collect();
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {hgt}\" width=\"100%\" role=\"img\" aria-label=\"Collaboration network\">"
    );
    // One edge per pair, its width the number of facts; it links to the first fact.
    let mut edges: BTreeMap<(&str, &str), Vec<&Fact>> = BTreeMap::new();
    for r in rows {
        let k = if r.a_id <= r.b_id {
            (r.a_id.as_str(), r.b_id.as_str())
        } else {
            (r.b_id.as_str(), r.a_id.as_str())
        };
        edges.entry(k).or_default().push(r.fact);
    }
    for ((a, b), fs) in &edges {
        let (Some(pa), Some(pb)) = (pos.get(a), pos.get(b)) else {
            continue;
        };
        let title = fs
            .iter()
            .map(|f| {
                f.qualifiers
                    .get("type")
                    .and_then(|v| v.as_str())
                    .unwrap_or("partnership")
                    .to_string()
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
            .join("; ");
        let name = |id: &str| names.get(id).copied().unwrap_or(id).to_string();
        let _ = write!(
            s,
            "<a href=\"#{}\"><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#7a9cc6\" stroke-width=\"{:.1}\"><title>{}</title></line></a>",
            esc(&fs[0].id),
            pa.0,
            pa.1,
            pb.0,
            pb.1,
            (1.0 + fs.len() as f64).min(8.0),
            esc(&format!("{} — {}: {}", name(a), name(b), title))
        );
    }
    for n in &nodes {
        let (x, y) = pos[n];
        let label = names.get(n).copied().unwrap_or(n);
        let inst = n.starts_with("institute:");
        let anchor = if x < cx - 5.0 {
            "end"
        } else if x > cx + 5.0 {
            "start"
        } else {
            "middle"
        };
        let dx = if x < cx - 5.0 {
            -10.0
        } else if x > cx + 5.0 {
            10.0
        } else {
            0.0
        };
        let dy = if y < cy { -8.0 } else { 16.0 };
        let _ = write!(
            s,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{}\" fill=\"{}\"><title>{}</title></circle><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
            if inst { 8 } else { 6 },
            if inst { "#0645ad" } else { "#e08a00" },
            esc(label),
            x + dx,
            y + dy,
            esc(&short(label, 34))
        );
    }
    if nodes.is_empty() {
        s.push_str("<text x=\"20\" y=\"30\">No collaborations found.</text>");
    }
    s.push_str("</svg>");
    s
}

/// Writes `report.html` (after the text files: kept documents' texts are read there).
pub fn write_report(data: &Dataset, out: &Path) -> Result<()> {
    let texts = quoted_texts(data, out);
    write_atomic(&out.join("report.html"), render(data, &texts).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_both_quotes() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn an_empty_dataset_still_renders_every_section() {
        let h = render(&Dataset::default(), &BTreeMap::new());
        for id in [
            "id=\"institutes\"",
            "id=\"timeline\"",
            "id=\"network\"",
            "render-status",
        ] {
            assert!(h.contains(id), "{id} missing");
        }
    }
}
