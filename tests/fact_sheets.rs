//! Fact sheets on the real binary: "Label: value" lines, bulleted or not, give the sheet's
//! institute its facts; another line's value is not the sheet's subject; a date after the
//! publication is a plan (`status: planned`).

mod support;

use serde_json::Value;
use support::*;

const SHEET: &str = "Profiles of AI safety institutes\n\nPublished 1 June 2025\n\n\
UK AI Safety Institute at a glance\n\n\
- Launched: November 2023\n\
- Parent body: Department for Science, Innovation and Technology\n\
- Chair: Ian Hogarth\n\
- Staff: about 100\n\
- Budget (2024-25): £66m\n\
- New office opens: early 2026\n\n\
The Network in brief\n\n\
Members: Australia, Canada, Japan, United States\n\
Launched: 21 May 2024\n\n\
Australian AI Safety Institute\n\n\
Start of operations: early 2026\n";

fn facts_of(facts: &[Value], subject: &str) -> Vec<String> {
    let mut v: Vec<String> = facts
        .iter()
        .filter(|f| f["subject"] == subject)
        .map(|f| {
            let o = &f["object"];
            let o = o.as_str().map_or_else(|| o.to_string(), str::to_string);
            format!(
                "{} {o} {}",
                f["predicate"].as_str().unwrap(),
                f["qualifiers"]
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_sheet_s_lines_are_its_institute_s_facts() {
    let facts = facts_of_text("sheet.txt", SHEET);
    let gb = facts_of(&facts, "institute:GB");
    let has = |p: &str| gb.iter().any(|f| f.starts_with(p));
    assert!(has("launched 2023-11 "), "{gb:?}");
    assert!(has("led_by person:ian-hogarth "), "{gb:?}");
    assert!(has("housed_under "), "{gb:?}");
    assert!(
        has("staff {\"approx\":true,\"unit\":\"staff\",\"value\":100}"),
        "{gb:?}"
    );
    assert!(
        gb.iter()
            .any(|f| f.starts_with("funding ") && f.contains("2024-04/2025-03")),
        "{gb:?}"
    );
    // A start after the publication date is a plan.
    let au = facts_of(&facts, "institute:AU");
    assert!(
        au.iter()
            .any(|f| f.starts_with("launched 2026 ") && f.contains("\"status\":\"planned\"")),
        "{au:?}"
    );
    // The members listed on one line are not the subject of the next.
    for code in ["CA", "JP", "US"] {
        let other = facts_of(&facts, &format!("institute:{code}"));
        assert!(
            !other.iter().any(|f| f.starts_with("launched")),
            "{code}: {other:?}"
        );
    }
}
