//! Dates and amounts in the forms newswire and budget papers write them, on the real
//! binary: spans whose ends are two dates, amounts in words, and a Markdown budget table
//! under a scale header.

mod support;

use serde_json::Value;
use support::*;

const BRIEFING: &str = "Ministry briefing\n\n\
The review covers the period from Q3 2024 to Q1 2025, and comments were taken between \
Nov. 26 and Dec. 4. The programme runs FY2026 through FY2028. The review was moved from \
Q3 2025 to Q1 2026. Officials said the plan would cost about two hundred and fifty million \
dollars, half a billion pounds over a decade, or 3,5 Mio. Euro a year for the pilot.\n\n\
Table 4 (£m)\n\n| Line | 2025-26 | 2026-27 |\n|---|---|---|\n| Evaluation | 12.5 | 14.0 |\n";

fn of_kind<'a>(ms: &'a [Value], kind: &str) -> Vec<(&'a str, &'a Value)> {
    ms.iter()
        .filter(|m| m["kind"] == kind)
        .map(|m| (m["text"].as_str().unwrap_or(""), &m["value"]))
        .collect()
}

#[test]
fn two_dates_joined_by_a_connective_are_one_span_and_a_change_is_two_dates() {
    let ms = mentions_of_text("briefing.txt", "2025-06-10", BRIEFING);
    let dates = of_kind(&ms, "date");
    let value = |text: &str| {
        dates
            .iter()
            .find(|(t, _)| *t == text)
            .map(|(_, v)| v.as_str().unwrap_or("").to_string())
    };
    assert_eq!(
        value("Q3 2024 to Q1 2025").as_deref(),
        Some("2024-07/2025-03")
    );
    assert_eq!(
        value("Nov. 26 and Dec. 4").as_deref(),
        Some("2024-11-26/2024-12-04")
    );
    assert_eq!(
        value("FY2026 through FY2028").as_deref(),
        Some("2025-10/2028-09")
    );
    // A change: the day before and the day after, not a span.
    assert_eq!(
        value("Q3 2025").as_deref(),
        Some("2025-07/2025-09"),
        "{dates:?}"
    );
    assert_eq!(
        value("Q1 2026").as_deref(),
        Some("2026-01/2026-03"),
        "{dates:?}"
    );
}

#[test]
fn amounts_in_words_and_table_cells_under_a_scale_are_money() {
    let ms = mentions_of_text("briefing.txt", "2025-06-10", BRIEFING);
    let money: Vec<(String, f64, String)> = of_kind(&ms, "money")
        .into_iter()
        .map(|(t, v)| {
            (
                t.to_string(),
                v["amount"].as_f64().unwrap_or(-1.0),
                v["currency"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want = [
        ("about two hundred and fifty million dollars", 250e6, "USD"),
        ("half a billion pounds", 500e6, "GBP"),
        ("3,5 Mio. Euro", 3.5e6, "EUR"),
        ("12.5", 12.5e6, "GBP"),
        ("14.0", 14e6, "GBP"),
    ];
    for (text, amount, currency) in want {
        assert!(
            money
                .iter()
                .any(|(t, a, c)| t == text && *a == amount && c == currency),
            "{text}: {money:?}"
        );
    }
}
