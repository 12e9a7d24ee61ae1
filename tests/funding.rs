//! Funding facts on the real binary: amounts joined by "and" are each a fact, each with the
//! period stated right after it, and a host's figures never become the institute's.

mod support;

use serde_json::Value;
use support::*;

const BUDGET_LINES: &str = "Estimates day: the science budget\n\nPublished 3 June 2025\n\n\
The UK AI Safety Institute received £40m in 2023-24 and £55m in 2024-25, the minister \
told the committee. The Zenda Computing Laboratory, which hosts the institute, was founded in \
1961 and employs about 2,400 people.\n";

/// (amount, period) of every funding fact of the run, sorted.
fn funding(facts: &[Value]) -> Vec<(i64, String)> {
    let mut v: Vec<(i64, String)> = facts
        .iter()
        .filter(|f| f["predicate"] == "funding")
        .map(|f| {
            (
                f["object"]["amount"].as_i64().unwrap_or(-1),
                f["qualifiers"]["period"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn coordinated_amounts_are_facts_each_with_its_own_period() {
    let facts = facts_of_text("estimates.txt", BUDGET_LINES);
    assert_eq!(
        funding(&facts),
        [
            (40_000_000, "2023-04/2024-03".to_string()),
            (55_000_000, "2024-04/2025-03".to_string()),
        ]
    );
    // The host's founding and headcount are not the institute's.
    for f in &facts {
        if f["subject"] == "institute:GB" {
            assert!(
                !matches!(f["predicate"].as_str(), Some("established" | "staff")),
                "{f}"
            );
        }
    }
}
